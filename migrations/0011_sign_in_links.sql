-- One-time sign-in links (principals/{p}/signInLinks/{l}): a secret an
-- admin hands to a person, exchanged once for a short-lived token. Like
-- tokens, only the SHA-256 of the secret is kept; redeem_time is set once,
-- in the transaction that mints the token.
CREATE TABLE sign_in_links (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  principal_id INTEGER NOT NULL REFERENCES principals (id),
  secret_hash BLOB NOT NULL,
  creator_id INTEGER NOT NULL REFERENCES principals (id),
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  redeem_time INTEGER
) STRICT;
CREATE UNIQUE INDEX sign_in_links_by_secret_hash
  ON sign_in_links (secret_hash);
CREATE INDEX sign_in_links_by_principal ON sign_in_links (principal_id);
