-- What several instances of the server behind one proxy must share.
--
-- Per-address rate limits at the forms that check a password or send mail:
-- in the database, so that N instances allow one address one budget, not N.
-- Each bucket keeps the generic cell rate algorithm's one number: the time
-- (milliseconds since 1970, UTC) its schedule of allowed attempts has
-- reached. A bucket whose time has passed is full again, so its row may go.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    allowed_at_ms BIGINT NOT NULL
);
CREATE INDEX rate_limits_passed ON rate_limits (allowed_at_ms);

-- Mail that is worthless after a time (a recovery code) is never sent late.
ALTER TABLE mail_outbox ADD COLUMN expires_at TIMESTAMPTZ;
