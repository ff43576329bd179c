-- Requests patients send («заявки»): their numbers, content, the department
-- each goes to, and the history of their statuses. Also the patient's
-- choice about status mail, the search key of patients' names, and drafts
-- of forms sent without JavaScript that came back with a mistake.
-- Timestamps are UTC; SQLite keeps them as RFC 3339 text.

-- Which department each kind of request goes to; staff may change it.
CREATE TABLE request_routes (
    kind TEXT PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments (id)
);
INSERT INTO request_routes (kind, department_id)
    SELECT 'booking', id FROM departments WHERE code = 'contact_centre'
    UNION ALL SELECT 'cancel_appointment', id FROM departments WHERE code = 'contact_centre'
    UNION ALL SELECT 'change_appointment', id FROM departments WHERE code = 'contact_centre'
    UNION ALL SELECT 'home_visit', id FROM departments WHERE code = 'home_care'
    UNION ALL SELECT 'document', id FROM departments WHERE code = 'medical_records'
    UNION ALL SELECT 'radiology_report', id FROM departments WHERE code = 'radiology'
    UNION ALL SELECT 'feedback', id FROM departments WHERE code = 'portal_team';

-- The last number given out in each year: numbers are never reused.
CREATE TABLE request_numbers (
    year INTEGER PRIMARY KEY,
    last_value INTEGER NOT NULL
);

CREATE TABLE patient_requests (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    kind TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    -- The content as JSON, typed per kind by the application.
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'in_progress', 'done', 'rejected', 'cancelled')),
    assigned_staff_id INTEGER REFERENCES staff_accounts (id),
    -- From the form: the same form sent twice is one request.
    idempotency_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (patient_id, idempotency_key)
);
CREATE INDEX patient_requests_patient ON patient_requests (patient_id, created_at);
CREATE INDEX patient_requests_queue ON patient_requests (department_id, status, created_at);

-- Every status a request has had, the first being 'sent'.
CREATE TABLE request_status_history (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES patient_requests (id),
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    -- Who changed it: a staff member, or the patient (both NULL: the patient).
    staff_id INTEGER REFERENCES staff_accounts (id),
    -- A comment to the patient.
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_status_history_request ON request_status_history (request_id, id);

-- Whether the patient wants an e-mail when a request's status changes.
ALTER TABLE patient_accounts ADD COLUMN status_mail INTEGER NOT NULL DEFAULT 1;

-- The full name in lower case, for reception's search; SQLite's lower()
-- knows only ASCII, so the application fills it in.
ALTER TABLE patients ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

-- What a patient typed into a form posted without JavaScript that came
-- back with a mistake, so the page can show it again. Kept for an hour.
CREATE TABLE form_drafts (
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    form TEXT NOT NULL,
    fields TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (patient_id, form)
);
