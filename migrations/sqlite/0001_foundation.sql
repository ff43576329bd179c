-- The patients, their service agreements and cabinet accounts, the clinics,
-- and staff. Timestamps are UTC; SQLite keeps them as RFC 3339 text.

CREATE TABLE clinics (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    mis_patient_id TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE service_agreements (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    number TEXT NOT NULL UNIQUE,
    signed_on TEXT NOT NULL,
    email TEXT NOT NULL,
    sms_phone TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX service_agreements_patient ON service_agreements (patient_id);

CREATE TABLE temporary_credentials (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX temporary_credentials_patient ON temporary_credentials (patient_id);

CREATE TABLE patient_accounts (
    patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
    login TEXT NOT NULL,
    login_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    address_as TEXT NOT NULL,
    recovery_email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE staff_accounts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    login_key TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE staff_roles (
    staff_id INTEGER NOT NULL REFERENCES staff_accounts (id),
    role TEXT NOT NULL CHECK (role IN ('reception', 'operator', 'editor', 'admin')),
    PRIMARY KEY (staff_id, role)
);
