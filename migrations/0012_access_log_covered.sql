-- One access-log entry per call and audit instead of one per resource read:
-- a page of 50 findings of one audit is one row whose `resource` is the
-- audit and whose covered columns list what the call returned:
-- `covered_parent` is the deepest folder below the resource that every
-- covered name shares ("findings"), and `covered` holds each name below
-- it, one per line ("0123456789abcdef"). A resource-prefix search matches
-- `resource` by its index and, for rows of the prefix's own audit, the
-- lines. Earlier rows keep both empty and their one resource each, which
-- the same search finds.
ALTER TABLE access_log ADD COLUMN covered_parent TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN covered TEXT NOT NULL DEFAULT '';
