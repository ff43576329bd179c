-- The request model the coming sections need: what a request is about,
-- one open request of a kind about one thing, and files attached to
-- requests. The routing of kinds to departments is called so.

-- The MIS id of what a request is about (an appointment, a referral, a
-- study), when it is about something; the kind tells which it is.
ALTER TABLE patient_requests ADD COLUMN about TEXT;

-- Report requests stored before the MIS fed studies in named none; each is
-- about a study of its own.
UPDATE patient_requests
    SET content = (content::jsonb || jsonb_build_object('study_id', 'before-mis-' || id))::text,
        about = 'before-mis-' || id
    WHERE kind = 'radiology_report';

-- A second open request of the same kind about the same thing (cancelling
-- one appointment twice, two reports of one study) is refused.
CREATE UNIQUE INDEX patient_requests_one_open_about ON patient_requests (kind, about)
    WHERE about IS NOT NULL AND status IN ('sent', 'accepted', 'in_progress');

ALTER TABLE request_routes RENAME TO request_routing;

-- Files staff (later the MIS) attach to a request: the finished document,
-- the report. The bytes are in `content`, or in the configured folder
-- under `stored_name`, a name the server chose; never both.
CREATE TABLE request_attachments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES patient_requests (id),
    -- The name the patient sees and downloads the file under.
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    -- Hex SHA-256 of the bytes, checked whenever they are read back.
    sha256 TEXT NOT NULL,
    content BYTEA,
    stored_name TEXT UNIQUE,
    -- Who attached it; NULL: the MIS.
    staff_id BIGINT REFERENCES staff_accounts (id),
    created_at TIMESTAMPTZ NOT NULL,
    CHECK ((content IS NULL) <> (stored_name IS NULL))
);
CREATE INDEX request_attachments_request ON request_attachments (request_id, id);
