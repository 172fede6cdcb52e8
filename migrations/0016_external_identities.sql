-- OpenID Connect identities of principals (issue 14): the issuer and the
-- subject an identity provider gives a person. One identity signs in one
-- principal, so (issuer, subject) is unique across principals; brevis-web
-- looks a verified identity up by it. The subject may be a personal
-- identity number: it is personal data, shown only to admins and the
-- principal itself, and never written to events, logs or the access log.
CREATE TABLE external_identities (
  id INTEGER PRIMARY KEY,
  principal_id INTEGER NOT NULL REFERENCES principals (id),
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  UNIQUE (issuer, subject)
) STRICT;
CREATE INDEX external_identities_by_principal
  ON external_identities (principal_id);
