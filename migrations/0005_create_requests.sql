-- Remembered creates keep the created resource's name and a hash of the
-- request instead of the whole response: a deleted finding's text no
-- longer lingers here, a retry re-reads the resource as it is now, and a
-- request_id reused for another request is noticed. Keyed by caller too.
-- Old rows are dropped: they are retries of calls long answered.

DROP TABLE create_requests;

CREATE TABLE create_requests (
  method TEXT NOT NULL,
  caller TEXT NOT NULL,
  request_id TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  resource TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (method, caller, request_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX create_requests_by_time ON create_requests (create_time);
