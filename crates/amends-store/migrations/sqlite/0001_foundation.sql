-- Times are Unix milliseconds (UTC) in BIGINT columns on both backends; booleans are 0/1.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    email TEXT,
    email_key TEXT UNIQUE,
    phone TEXT,
    external_id TEXT UNIQUE,
    postal_address TEXT,
    notes TEXT NOT NULL DEFAULT '',
    watch INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_name ON customers(name_key, id);

CREATE TABLE transactions (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    external_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('order', 'visit', 'refund')),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    sku TEXT,
    location TEXT,
    occurred_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX transactions_customer ON transactions(customer_id, occurred_at);

CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    created_by INTEGER REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    channel TEXT NOT NULL,
    severity TEXT NOT NULL,
    category TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    subject TEXT,
    body TEXT NOT NULL,
    wish TEXT,
    order_ref TEXT,
    owner_id INTEGER REFERENCES users(id),
    problem_id INTEGER REFERENCES problems(id),
    status TEXT NOT NULL,
    next_step TEXT,
    next_due_at BIGINT,
    escalation_required INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The inbox: open cases by what is due.
CREATE INDEX cases_due ON cases(status, next_due_at, id);
CREATE INDEX cases_owner_due ON cases(owner_id, status, next_due_at, id);
CREATE INDEX cases_customer ON cases(customer_id, id);
CREATE INDEX cases_severity ON cases(severity, id);
CREATE INDEX cases_next_step ON cases(next_step, next_due_at, id);
-- The due-order list across every status, and a problem's case count.
CREATE INDEX cases_next_due ON cases(next_due_at, id) WHERE next_due_at IS NOT NULL;
CREATE INDEX cases_problem ON cases(problem_id) WHERE problem_id IS NOT NULL;

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE VIRTUAL TABLE cases_fts USING fts5(subject, body, content='cases', content_rowid='id');
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, subject, body) VALUES (new.id, coalesce(new.subject, ''), new.body);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF subject, body ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, subject, body) VALUES ('delete', old.id, coalesce(old.subject, ''), old.body);
    INSERT INTO cases_fts(rowid, subject, body) VALUES (new.id, coalesce(new.subject, ''), new.body);
END;

CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT,
    body TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Inbox counts per step are a covering scan of the open cases.
CREATE INDEX cases_status_step ON cases(status, next_step);

-- The inbox's escalated view.
CREATE INDEX cases_escalated ON cases(escalation_required, id);
