-- PostgreSQL form of migrations/0006_revisions.sql: corrections and the
-- versions they replace.

ALTER TABLE findings ADD COLUMN correction BIGINT NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE recommendations ADD COLUMN correction BIGINT NOT NULL DEFAULT 0;
ALTER TABLE recommendations
  ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE finding_revisions (
  finding_id BIGINT NOT NULL REFERENCES findings (id),
  correction BIGINT NOT NULL,
  snapshot BYTEA NOT NULL,
  PRIMARY KEY (finding_id, correction)
);

CREATE TABLE recommendation_revisions (
  recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
  correction BIGINT NOT NULL,
  snapshot BYTEA NOT NULL,
  PRIMARY KEY (recommendation_id, correction)
);
