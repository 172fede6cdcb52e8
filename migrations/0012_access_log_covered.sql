-- One access-log entry per call and audit instead of one per resource read:
-- a page of 50 findings of one audit is one row whose `resource` is the
-- audit and whose `covered` lists what the call returned, each name
-- relative to `resource` ("findings/{f}"), one per line. A resource-prefix
-- search matches `resource` by its index and, for rows of the prefix's own
-- audit, the lines of `covered`. Earlier rows keep covered = '' and their
-- one resource each, which the same search finds.
ALTER TABLE access_log ADD COLUMN covered TEXT NOT NULL DEFAULT '';
