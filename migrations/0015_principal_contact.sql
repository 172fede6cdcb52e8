-- Contact details and mail preferences of principals, for brevis-notify.
-- contact_email is personal data: NULL when not given. language is a
-- brevis.v1.ReportLanguage (0: Swedish); notification_opt_outs a bit mask,
-- bit n set = brevis.v1.NotificationKind n turned off.
ALTER TABLE principals ADD COLUMN contact_email TEXT;
ALTER TABLE principals ADD COLUMN language INTEGER NOT NULL DEFAULT 0;
ALTER TABLE principals ADD COLUMN notification_opt_outs INTEGER NOT NULL
  DEFAULT 0;
