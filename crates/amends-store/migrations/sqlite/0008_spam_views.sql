-- The installation's block list: a message from a blocked address or domain is held
-- in the spam folder (never dropped). Values are lower case; a domain covers its
-- subdomains.
CREATE TABLE spam_blocks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('address', 'domain')),
    value TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (kind, value)
);

-- Saved inbox views: a named set of the inbox's filters, private to its owner or
-- shared with everyone (shared ones are made by managers).
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    shared INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    filters TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX saved_views_owner ON saved_views(owner_id, id);
CREATE INDEX saved_views_shared ON saved_views(shared, id);
