-- PostgreSQL form of migrations/0013_auth_generation.sql: a number that
-- changes with every change that can affect who a credential is, bumped by
-- triggers. SQLite's trigger bodies become one PL/pgSQL function that
-- every trigger (same names, same events, FOR EACH ROW as in SQLite) runs.
-- Every replica reads the number per call, so a change made through any
-- replica or tool is seen by all of them on their next call.
CREATE TABLE auth_generation (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL
);
INSERT INTO auth_generation (id, generation) VALUES (1, 1);

CREATE FUNCTION auth_generation_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER auth_generation_token_insert AFTER INSERT ON tokens
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
-- last_use_time is left out, as in SQLite.
CREATE TRIGGER auth_generation_token_update
  AFTER UPDATE OF uid, principal_id, secret_hash, expire_time, revoke_time
  ON tokens
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_token_delete AFTER DELETE ON tokens
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_principal_insert AFTER INSERT ON principals
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_principal_update AFTER UPDATE ON principals
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_principal_delete AFTER DELETE ON principals
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_units_insert AFTER INSERT ON principal_units
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_units_update AFTER UPDATE ON principal_units
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
CREATE TRIGGER auth_generation_units_delete AFTER DELETE ON principal_units
  FOR EACH ROW EXECUTE FUNCTION auth_generation_bump();
