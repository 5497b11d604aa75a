-- Kept messages hold no live link token: the outbox keeps a masked link and the link
-- its message carries; the sending step makes a token then and keeps only its hash
-- here, one per attempt, so a retried message (same Message-ID) still works.
ALTER TABLE outbox ADD COLUMN link_id INTEGER REFERENCES customer_links(id);
CREATE TABLE link_tokens (
    token_hash TEXT PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox(id),
    created_at BIGINT NOT NULL
);
-- A disclosure notice is found from its message when a token made at sending is used.
CREATE INDEX disclosure_recipients_outbox ON disclosure_recipients(outbox_id);
