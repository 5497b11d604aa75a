-- Problems in full: who owns the fix, what was done, what changed, and when.
ALTER TABLE problems ADD COLUMN category TEXT;
ALTER TABLE problems ADD COLUMN owner_id INTEGER REFERENCES users(id);
ALTER TABLE problems ADD COLUMN corrective_action TEXT NOT NULL DEFAULT '';
ALTER TABLE problems ADD COLUMN preventive_action TEXT NOT NULL DEFAULT '';
ALTER TABLE problems ADD COLUMN fixing_at BIGINT;
ALTER TABLE problems ADD COLUMN fixed_at BIGINT;
ALTER TABLE problems ADD COLUMN verified_at BIGINT;
CREATE INDEX cases_problem_cases ON cases(problem_id, id);

-- Any employee may suggest a cause or a fix; one vote per person per suggestion.
CREATE TABLE problem_suggestions (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    kind TEXT NOT NULL CHECK (kind IN ('cause', 'fix')),
    text TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX problem_suggestions_problem ON problem_suggestions(problem_id, id);

CREATE TABLE problem_votes (
    suggestion_id INTEGER NOT NULL REFERENCES problem_suggestions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (suggestion_id, user_id)
);

-- A problem thought fixed came back: one alarm per case and problem.
CREATE TABLE problem_alarms (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    seen_at BIGINT,
    UNIQUE (problem_id, case_id)
);

-- Proactive notices about a problem, to customers picked from their transactions.
CREATE TABLE disclosures (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    title TEXT NOT NULL,
    explanation TEXT NOT NULL,
    solution TEXT NOT NULL,
    audience TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    total BIGINT NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);

-- One row per customer told: the unique key makes a restarted send skip those done.
CREATE TABLE disclosure_recipients (
    id INTEGER PRIMARY KEY,
    disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status TEXT NOT NULL DEFAULT 'selected',
    outbox_id INTEGER REFERENCES outbox(id),
    link_hash TEXT UNIQUE,
    case_id INTEGER REFERENCES cases(id),
    error TEXT,
    updated_at BIGINT NOT NULL,
    UNIQUE (disclosure_id, customer_id)
);
CREATE INDEX disclosure_recipients_status ON disclosure_recipients(disclosure_id, status, id);

-- The audience is picked by product, time, place and amount.
CREATE INDEX transactions_sku ON transactions(sku, occurred_at);
CREATE INDEX transactions_occurred ON transactions(occurred_at);
