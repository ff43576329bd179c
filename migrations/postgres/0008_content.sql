-- «Новости ЕМС» and «Акции ЕМС»: what editors write in the admin module.
-- The text is the editor's Markdown, rendered safely on the server when a
-- page is shown. A promotion runs between two dates. Pictures are kept by
-- the hash of their bytes, which is also their address.

CREATE TABLE content_pictures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE content_items (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('news', 'promotion')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    picture_id BIGINT REFERENCES content_pictures (id),
    publish_on DATE NOT NULL,
    valid_from DATE,
    valid_until DATE,
    published BOOLEAN NOT NULL,
    created_by BIGINT NOT NULL REFERENCES staff_accounts (id),
    updated_by BIGINT NOT NULL REFERENCES staff_accounts (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'promotion') = (valid_from IS NOT NULL AND valid_until IS NOT NULL)),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX content_items_feed ON content_items (kind, published, publish_on);
