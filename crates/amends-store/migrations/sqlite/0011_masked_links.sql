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
-- Answers that carried a secret (a new API token, a sign-in's CSRF token) were kept for
-- an Idempotency-Key replay; they are not any more: a replay says it was shown once.
UPDATE idempotency_keys SET status = 409, body = '{"error":"secret_not_kept","message":"the first request with this Idempotency-Key succeeded; its answer held a secret, which is shown only once and was not kept, so it cannot be shown again","field":null}' WHERE body LIKE '%"token":"amends_%' OR body LIKE '%"csrf_token":"%';
