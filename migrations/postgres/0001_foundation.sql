-- The patients, their service agreements and cabinet accounts, the clinics,
-- and staff. Timestamps are UTC; PostgreSQL keeps them as timestamptz.

CREATE TABLE clinics (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE patients (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mis_patient_id TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE service_agreements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    number TEXT NOT NULL UNIQUE,
    signed_on DATE NOT NULL,
    email TEXT NOT NULL,
    sms_phone TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_agreements_patient ON service_agreements (patient_id);

CREATE TABLE temporary_credentials (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id BIGINT NOT NULL REFERENCES patients (id),
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX temporary_credentials_patient ON temporary_credentials (patient_id);

CREATE TABLE patient_accounts (
    patient_id BIGINT PRIMARY KEY REFERENCES patients (id),
    login TEXT NOT NULL,
    login_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    address_as TEXT NOT NULL,
    recovery_email TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    disabled_at TIMESTAMPTZ
);

CREATE TABLE staff_accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT NOT NULL,
    login_key TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    disabled_at TIMESTAMPTZ
);

CREATE TABLE staff_roles (
    staff_id BIGINT NOT NULL REFERENCES staff_accounts (id),
    role TEXT NOT NULL CHECK (role IN ('reception', 'operator', 'editor', 'admin')),
    PRIMARY KEY (staff_id, role)
);
