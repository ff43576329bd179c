-- The second step of signing in: a code from an authenticator app
-- (RFC 6238), or one of ten single-use recovery codes.
--
-- An account's authenticator secret (base32): kept from the moment it is
-- shown as a QR code, asked at every sign-in only once the account holder
-- confirmed it with a code (confirmed_at). last_step is the latest
-- 30-second step whose code was taken: a code is accepted once.
CREATE TABLE totp_factors (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER REFERENCES patients (id),
    staff_id INTEGER REFERENCES staff_accounts (id),
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    last_step INTEGER NOT NULL DEFAULT 0,
    CHECK ((patient_id IS NULL) <> (staff_id IS NULL))
);
CREATE UNIQUE INDEX totp_factors_patient ON totp_factors (patient_id) WHERE patient_id IS NOT NULL;
CREATE UNIQUE INDEX totp_factors_staff ON totp_factors (staff_id) WHERE staff_id IS NOT NULL;

-- Recovery codes for a lost authenticator: the SHA-256 of each (they are
-- random, 50 bits each), shown once; used_at once spent.
CREATE TABLE factor_recovery_codes (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER REFERENCES patients (id),
    staff_id INTEGER REFERENCES staff_accounts (id),
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT,
    CHECK ((patient_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX factor_recovery_codes_patient ON factor_recovery_codes (patient_id);
CREATE INDEX factor_recovery_codes_staff ON factor_recovery_codes (staff_id);

-- A sign-in whose password was right and whose second step is awaited:
-- found by the hash of the token in a short-lived cookie; the login as
-- typed, so that refused codes count toward that login's lockout.
CREATE TABLE second_steps (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    patient_id INTEGER REFERENCES patients (id),
    staff_id INTEGER REFERENCES staff_accounts (id),
    login_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT,
    CHECK ((patient_id IS NULL) <> (staff_id IS NULL))
);

-- What the clinic asks of every staff account: with second_factor_required
-- on, a staff member without an authenticator app is sent to set one up
-- before anything else in the admin module. One row.
CREATE TABLE staff_policy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    second_factor_required INTEGER NOT NULL DEFAULT 0
);
INSERT INTO staff_policy (id) VALUES (1);
