-- From PUBLISHED on, findings and recommendations are frozen: an update is
-- a correction with a reason, and the version it replaces is kept here.

ALTER TABLE findings ADD COLUMN correction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE recommendations ADD COLUMN correction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recommendations
  ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';

-- Each earlier version as the serialized resource (brevis.v1.Finding or
-- brevis.v1.Recommendation), by the correction number it had.
CREATE TABLE finding_revisions (
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  correction INTEGER NOT NULL,
  snapshot BLOB NOT NULL,
  PRIMARY KEY (finding_id, correction)
) STRICT, WITHOUT ROWID;

CREATE TABLE recommendation_revisions (
  recommendation_id INTEGER NOT NULL REFERENCES recommendations (id),
  correction INTEGER NOT NULL,
  snapshot BLOB NOT NULL,
  PRIMARY KEY (recommendation_id, correction)
) STRICT, WITHOUT ROWID;
