-- «Журнал доступа»: the patient sees who opened their data and every
-- attempt to sign in to their cabinet.
--
-- The browser an audited request came from (its User-Agent, cut to 512
-- characters), so a patient can tell their own sign-in from a stranger's.
ALTER TABLE audit_log ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- E-mail the patient when their cabinet is signed in on a device it has
-- not seen before; they can turn it off in «Настройки».
ALTER TABLE patient_accounts ADD COLUMN new_device_mail INTEGER NOT NULL DEFAULT 1;

-- The devices a patient has signed in on: a hash of the random token in
-- the browser's long-lived device cookie (never the token itself).
CREATE TABLE known_devices (
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    token_hash TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (patient_id, token_hash)
);
