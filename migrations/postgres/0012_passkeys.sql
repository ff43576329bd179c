-- Passkeys (WebAuthn): a patient's keys, each named by the patient, and
-- the ceremonies between a challenge sent to the browser and its answer.
--
-- One row per key: its credential id (base64url), the webauthn-rs record
-- of its public key and signature counter (JSON), the handle the
-- authenticator keeps for the patient (a random UUID, the same for all of
-- one patient's keys: never their id or login), and whether the patient
-- chose to sign in with it alone, without the password.
CREATE TABLE passkeys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    user_handle TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    signs_in_alone BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX passkeys_patient ON passkeys (patient_id);

-- A challenge sent to the browser, found by the hash of the token sent
-- with it: what it is for (adding a key, the second step of a sign-in,
-- a sign-in with a key alone), whose it is, the webauthn-rs state that
-- checks the answer (JSON), and for a new key its name and choice. Taken
-- once (ended_at); rows past expires_at are deleted as new ones begin.
CREATE TABLE passkey_ceremonies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    patient_id BIGINT REFERENCES patients (id),
    second_step_id BIGINT REFERENCES second_steps (id),
    name TEXT NOT NULL DEFAULT '',
    signs_in_alone BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ
);
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);
