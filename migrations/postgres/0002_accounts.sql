-- Sessions, sign-in throttling, password recovery codes, the mail outbox,
-- the append-only audit log, and the departments operators work for.
-- Timestamps are UTC; PostgreSQL keeps them as timestamptz.

-- The language the patient last used, for the mail we send them.
ALTER TABLE patient_accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'ru';

-- One row per signed-in browser. Only a hash of the cookie's token is kept.
CREATE TABLE sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    patient_id BIGINT REFERENCES patients (id),
    staff_id BIGINT REFERENCES staff_accounts (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    user_agent TEXT NOT NULL,
    ip TEXT NOT NULL,
    ended_at TIMESTAMPTZ,
    ended_reason TEXT,
    CHECK ((patient_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX sessions_patient ON sessions (patient_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_staff ON sessions (staff_id) WHERE ended_at IS NULL;

-- Failed attempts per login as typed (existing or not, so the answer never
-- tells which), per kind of form: sign_in, staff_sign_in, activation, recovery.
CREATE TABLE sign_in_failures (
    form TEXT NOT NULL,
    login_key TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    PRIMARY KEY (form, login_key)
);

-- The current password recovery code of a patient, hashed.
CREATE TABLE recovery_codes (
    patient_id BIGINT PRIMARY KEY REFERENCES patients (id),
    code_hash TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    wrong_tries INTEGER NOT NULL,
    tries_since TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);

-- Mail waiting to be sent, written in the transaction of the change that
-- causes it; a worker delivers it.
CREATE TABLE mail_outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    sensitive BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TIMESTAMPTZ,
    failed_at TIMESTAMPTZ
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Who did what to whose data, when and from where. Rows are only ever added.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    action TEXT NOT NULL,
    actor_patient_id BIGINT,
    actor_staff_id BIGINT,
    patient_id BIGINT,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL,
    request_id TEXT NOT NULL
);
CREATE INDEX audit_log_patient ON audit_log (patient_id, at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The clinic's departments that process requests, and the operators of each.
CREATE TABLE departments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- The departments requests go to; more can be added.
INSERT INTO departments (code, name) VALUES
    ('contact_centre', 'Контакт-центр'),
    ('home_care', 'ОНиЭП'),
    ('medical_records', 'Медицинский архив'),
    ('radiology', 'Отделение лучевой диагностики'),
    ('portal_team', 'Команда Личного кабинета');

CREATE TABLE staff_departments (
    staff_id BIGINT NOT NULL REFERENCES staff_accounts (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    PRIMARY KEY (staff_id, department_id)
);
