-- The overdue (and open) actions of a unit, in the id order a list pages
-- by. Without it the plan walks every action the unit ever had
-- (actions_by_unit) and reads each row for its status and due date, so the
-- first page of overdue actions gets slower as done and cancelled actions
-- pile up over the years. This index holds only open actions (PLANNED 1,
-- IN_PROGRESS 2, as domain::kOpenActionStatuses) with their due dates, so
-- the page reads about as many index entries as it returns rows. The
-- condition is written exactly as OverdueCondition writes it, which is
-- what lets SQLite use a partial index.
CREATE INDEX actions_open_by_unit ON actions (unit_id, id, due_date)
  WHERE status IN (1, 2);
