-- PostgreSQL form of migrations/0005_create_requests.sql: remembered
-- creates keep the resource's name and a hash of the request.

DROP TABLE create_requests;

CREATE TABLE create_requests (
  method TEXT NOT NULL,
  caller TEXT NOT NULL,
  request_id TEXT NOT NULL,
  request_hash BYTEA NOT NULL,
  resource TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (method, caller, request_id)
);
CREATE INDEX create_requests_by_time ON create_requests (create_time);
