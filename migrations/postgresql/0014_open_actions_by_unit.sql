-- PostgreSQL form of migrations/0014_open_actions_by_unit.sql: the open
-- actions of a unit with their due dates, for the overdue list.
CREATE INDEX actions_open_by_unit ON actions (unit_id, id, due_date)
  WHERE status IN (1, 2);
