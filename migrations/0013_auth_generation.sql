-- A number that changes with every change that can affect who a credential
-- is: tokens (created, revoked, expiry or owner changed, deleted),
-- principals (any column, including active, role, scopes and certificate
-- subject) and their units. brevisd caches authentications and drops its
-- cache whenever it finds the number changed, which it checks with one
-- one-row read per call. Triggers, not application code, bump it, so a
-- change made by any process or any future code path on this file
-- (`brevisd token revoke` beside a running server) is seen on the next call.
CREATE TABLE auth_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
) STRICT;
INSERT INTO auth_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER auth_generation_token_insert AFTER INSERT ON tokens
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
-- last_use_time is left out: it changes nothing about who a token is, and
-- it is written once a minute per token in use.
CREATE TRIGGER auth_generation_token_update
AFTER UPDATE OF uid, principal_id, secret_hash, expire_time, revoke_time
ON tokens
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_token_delete AFTER DELETE ON tokens
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_principal_insert AFTER INSERT ON principals
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_principal_update AFTER UPDATE ON principals
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_principal_delete AFTER DELETE ON principals
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_units_insert AFTER INSERT ON principal_units
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_units_update AFTER UPDATE ON principal_units
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER auth_generation_units_delete AFTER DELETE ON principal_units
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
