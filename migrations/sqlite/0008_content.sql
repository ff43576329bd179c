-- «Новости ЕМС» and «Акции ЕМС»: what editors write in the admin module.
-- The text is the editor's Markdown, rendered safely on the server when a
-- page is shown. A promotion runs between two dates. Pictures are kept by
-- the hash of their bytes, which is also their address.

CREATE TABLE content_pictures (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE content_items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('news', 'promotion')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    picture_id INTEGER REFERENCES content_pictures (id),
    publish_on TEXT NOT NULL,
    valid_from TEXT,
    valid_until TEXT,
    published INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES staff_accounts (id),
    updated_by INTEGER NOT NULL REFERENCES staff_accounts (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'promotion') = (valid_from IS NOT NULL AND valid_until IS NOT NULL)),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX content_items_feed ON content_items (kind, published, publish_on);
