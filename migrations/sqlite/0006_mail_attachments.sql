-- Files a queued message carries: the finished document mailed to the
-- agreement's e-mail. The message names the request's attachment, whose
-- bytes stay where they are kept; every delivery attempt reads them anew.
CREATE TABLE mail_outbox_attachments (
    outbox_id INTEGER NOT NULL REFERENCES mail_outbox (id),
    attachment_id INTEGER NOT NULL REFERENCES request_attachments (id),
    PRIMARY KEY (outbox_id, attachment_id)
);
