-- What the clinic's medical information system (MIS) feeds in through the
-- integration API, and what it needs to follow the patients' requests:
-- its clients and their tokens, doctors, appointments and referrals, the
-- order in which requests changed, and the patients' calendar feeds.
-- Timestamps are UTC; PostgreSQL keeps them as timestamptz.

-- A system allowed to call /api/v1. Only a hash of its token is kept.
CREATE TABLE mis_clients (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES staff_accounts (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

-- When the MIS last wrote a patient, a clinic, a doctor.
ALTER TABLE patients ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE clinics ADD COLUMN updated_at TIMESTAMPTZ;

CREATE TABLE doctors (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mis_id TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    specialty TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A visit or study booked in the MIS. With a doctor, or a study type.
CREATE TABLE appointments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mis_id TEXT NOT NULL UNIQUE,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    doctor_id BIGINT REFERENCES doctors (id),
    study_type TEXT,
    visit_type TEXT NOT NULL,
    clinic_id BIGINT NOT NULL REFERENCES clinics (id),
    starts_at TIMESTAMPTZ NOT NULL,
    duration_minutes INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'done')),
    -- The preparation memo: as text, or a PDF (its bytes and hex SHA-256).
    memo_text TEXT,
    memo_pdf BYTEA,
    memo_sha256 TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK ((doctor_id IS NULL) <> (study_type IS NULL)),
    CHECK ((memo_pdf IS NULL) = (memo_sha256 IS NULL))
);
CREATE INDEX appointments_patient ON appointments (patient_id, starts_at);

CREATE TABLE referrals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mis_id TEXT NOT NULL UNIQUE,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    doctor_id BIGINT NOT NULL REFERENCES doctors (id),
    kind TEXT NOT NULL CHECK (kind IN ('consultation', 'study', 'lab_test')),
    service TEXT NOT NULL,
    issued_on DATE NOT NULL,
    valid_until DATE NOT NULL,
    used BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referrals_patient ON referrals (patient_id, valid_until);

-- The order in which requests were sent or changed, for the MIS to follow
-- them with a cursor. The counter row is locked from the change until its
-- commit, so changes commit in the order of their numbers: a consumer that
-- read up to N never finds a change below N appear later.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    last_value BIGINT NOT NULL
);
INSERT INTO change_counters (name, last_value) VALUES ('requests', 0);
ALTER TABLE patient_requests ADD COLUMN change_seq BIGINT;
UPDATE patient_requests SET change_seq = id;
UPDATE change_counters SET last_value = (SELECT COALESCE(MAX(id), 0) FROM patient_requests)
    WHERE name = 'requests';
CREATE UNIQUE INDEX patient_requests_change_seq ON patient_requests (change_seq);

-- A status the MIS set, by which client.
ALTER TABLE request_status_history ADD COLUMN mis_client_id BIGINT REFERENCES mis_clients (id);
-- Audit rows of what an MIS client did.
ALTER TABLE audit_log ADD COLUMN actor_mis_client_id BIGINT;

-- A patient's personal calendar subscription: a secret feed URL, of which
-- only the hash is kept, and whether it names doctors and clinics.
CREATE TABLE calendar_feeds (
    patient_id BIGINT PRIMARY KEY REFERENCES patients (id),
    token_hash TEXT NOT NULL UNIQUE,
    with_details BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
