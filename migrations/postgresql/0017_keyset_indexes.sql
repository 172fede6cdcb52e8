-- PostgreSQL form of migrations/0017_keyset_indexes.sql: the indexes the
-- keyset lists filter by end in id, so that a page is one index walk (the
-- filter, the cursor and the order) instead of a sort of every match.
DROP INDEX audits_by_unit;
CREATE INDEX audits_by_unit ON audits (unit_id, id);
DROP INDEX audits_by_unit_state;
CREATE INDEX audits_by_unit_state ON audits (unit_id, state, id);
DROP INDEX audits_by_state;
CREATE INDEX audits_by_state ON audits (state, id);
DROP INDEX sessions_by_audit;
CREATE INDEX sessions_by_audit ON sessions (audit_id, id);
DROP INDEX findings_by_audit;
CREATE INDEX findings_by_audit ON findings (audit_id, id);
DROP INDEX findings_by_audit_focus_area;
CREATE INDEX findings_by_audit_focus_area ON findings (audit_id, focus_area, id);
DROP INDEX findings_by_audit_kind;
CREATE INDEX findings_by_audit_kind ON findings (audit_id, kind, id);
DROP INDEX recommendations_by_audit;
CREATE INDEX recommendations_by_audit ON recommendations (audit_id, id);
DROP INDEX feedback_by_audit;
CREATE INDEX feedback_by_audit ON feedback (audit_id, id);
DROP INDEX actions_by_status;
CREATE INDEX actions_by_status ON actions (status, id);
DROP INDEX action_notes_by_action;
CREATE INDEX action_notes_by_action ON action_notes (action_id, id);
DROP INDEX tokens_by_principal;
CREATE INDEX tokens_by_principal ON tokens (principal_id, id);
DROP INDEX sign_in_links_by_principal;
CREATE INDEX sign_in_links_by_principal ON sign_in_links (principal_id, id);
DROP INDEX external_identities_by_principal;
CREATE INDEX external_identities_by_principal ON external_identities (principal_id, id);
DROP INDEX access_log_by_principal;
CREATE INDEX access_log_by_principal ON access_log (principal, id);
