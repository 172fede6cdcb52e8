-- PostgreSQL form of migrations/0015_principal_contact.sql: contact details
-- and mail preferences of principals.
ALTER TABLE principals ADD COLUMN contact_email TEXT;
ALTER TABLE principals ADD COLUMN language BIGINT NOT NULL DEFAULT 0;
ALTER TABLE principals ADD COLUMN notification_opt_outs BIGINT NOT NULL
  DEFAULT 0;
