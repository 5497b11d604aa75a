-- Background jobs: rows claimed with a lease, so a job whose runner died runs again.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    done_at BIGINT,
    failed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_pending ON jobs(run_at, id) WHERE done_at IS NULL AND failed_at IS NULL;

-- Every message to a customer, rendered, with its delivery state.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    to_email TEXT NOT NULL,
    to_name TEXT,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    message_id TEXT NOT NULL UNIQUE,
    in_reply_to TEXT,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_case ON outbox(case_id, id);
CREATE INDEX outbox_status ON outbox(status, id);

-- Personal links: the token is shown once in a message; only its hash is kept.
CREATE TABLE customer_links (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX customer_links_case ON customer_links(case_id);

-- Mail taken in, one row per Message-ID, so a message delivered twice is taken once.
CREATE TABLE inbound_mail (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    case_id INTEGER REFERENCES cases(id),
    from_email TEXT,
    subject TEXT,
    outcome TEXT NOT NULL,
    reason TEXT,
    received_at BIGINT NOT NULL
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);
