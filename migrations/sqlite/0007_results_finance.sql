-- What the MIS pushes for «Результаты анализов и исследований» and
-- «Финансы»: lab orders with their analytes and PDF, radiology studies,
-- and the patient's payer accounts with their invoices. Timestamps are
-- UTC; SQLite keeps them as RFC 3339 text. Money is kept in kopecks, as
-- whole numbers: never as floating point.

-- A lab order: one panel taken on one day. Shown to the patient only once
-- it is ready. `content_sha256` is the hash of everything the MIS sent
-- for it, so the same order sent again writes nothing.
CREATE TABLE lab_orders (
    id INTEGER PRIMARY KEY,
    mis_id TEXT NOT NULL UNIQUE,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    taken_on TEXT NOT NULL,
    lab TEXT NOT NULL,
    panel TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'ready')),
    -- When the cabinet first had it ready: what «new since you looked»
    -- and the mail go by.
    ready_at TEXT,
    pdf BLOB,
    pdf_sha256 TEXT,
    content_sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((pdf IS NULL) = (pdf_sha256 IS NULL)),
    CHECK ((status = 'ready') = (ready_at IS NOT NULL))
);
CREATE INDEX lab_orders_patient ON lab_orders (patient_id, status, taken_on);

-- One measured value of an order, in the order the MIS listed them.
-- Values and reference limits are kept as the decimal text sent
-- ("5.40"), so nothing is rounded on the way. Read only through their
-- order (the primary key): a trend starts from the patient's orders, so
-- its cost follows the patient's history, not everyone's.
CREATE TABLE lab_analytes (
    order_id INTEGER NOT NULL REFERENCES lab_orders (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    value_number TEXT,
    value_text TEXT,
    unit TEXT,
    reference_low TEXT,
    reference_high TEXT,
    reference_text TEXT,
    flag TEXT CHECK (flag IN ('low', 'high', 'critical')),
    PRIMARY KEY (order_id, position),
    CHECK ((value_number IS NULL) <> (value_text IS NULL))
);

-- A radiology study and whether its report is ready.
CREATE TABLE studies (
    id INTEGER PRIMARY KEY,
    mis_id TEXT NOT NULL UNIQUE,
    patient_id INTEGER NOT NULL REFERENCES patients (id),
    clinic_id INTEGER NOT NULL REFERENCES clinics (id),
    performed_on TEXT NOT NULL,
    modality TEXT NOT NULL,
    area TEXT NOT NULL,
    report_ready INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX studies_patient ON studies (patient_id, performed_on);

-- When the patient last looked at their results.
ALTER TABLE patients ADD COLUMN results_seen_at TEXT;

-- The patient's balances as of the clinic's books: one row per patient,
-- whether they pay for someone else, and the date of the books.
CREATE TABLE balances (
    patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
    books_on TEXT NOT NULL,
    third_party_payer INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A payer account of the patient: its deposit and its debt.
CREATE TABLE payer_accounts (
    patient_id INTEGER NOT NULL REFERENCES balances (patient_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    mis_id TEXT NOT NULL,
    name TEXT NOT NULL,
    deposit_kopecks INTEGER NOT NULL CHECK (deposit_kopecks >= 0),
    debt_kopecks INTEGER NOT NULL CHECK (debt_kopecks >= 0),
    PRIMARY KEY (patient_id, position)
);

-- The invoices of an account, paid or not.
CREATE TABLE invoices (
    patient_id INTEGER NOT NULL REFERENCES balances (patient_id) ON DELETE CASCADE,
    account_position INTEGER NOT NULL,
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    amount_kopecks INTEGER NOT NULL CHECK (amount_kopecks >= 0),
    paid INTEGER NOT NULL,
    PRIMARY KEY (patient_id, account_position, position)
);
