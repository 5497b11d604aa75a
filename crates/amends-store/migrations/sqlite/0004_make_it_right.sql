-- Make it right and prove it: next-time alerts, printed letters, outgoing webhooks.

-- A watched customer's next transaction, flagged on each case that watches them until
-- staff record how the next time went (or close the case).
CREATE TABLE watch_alerts (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    transaction_id BIGINT NOT NULL REFERENCES transactions(id),
    created_at BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE INDEX watch_alerts_open ON watch_alerts(created_at) WHERE cleared_at IS NULL;
CREATE INDEX watch_alerts_case ON watch_alerts(case_id);

-- A follow-up scheduled by letter, once printed and posted (keyed by its event).
CREATE TABLE letters_posted (
    event_id BIGINT PRIMARY KEY REFERENCES case_events(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    posted_by BIGINT REFERENCES users(id),
    posted_at BIGINT NOT NULL
);

-- Outgoing webhooks. The secret is kept as given: it signs every delivery.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    -- JSON array of event kinds; empty means every kind.
    events TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks(id),
    case_id BIGINT,
    event_kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- pending, delivered, failed
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    response_status BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);

-- A promised fix not done by its date, noted once per promise.
CREATE TABLE broken_promises (
    event_id BIGINT PRIMARY KEY REFERENCES case_events(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    due_at BIGINT NOT NULL,
    noted_at BIGINT NOT NULL
);
CREATE INDEX broken_promises_due ON broken_promises(due_at);

-- A gesture above the agent's limit waits here for a manager.
CREATE TABLE gesture_approvals (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    requested_by BIGINT NOT NULL REFERENCES users(id),
    gesture TEXT NOT NULL,
    description TEXT NOT NULL,
    cost_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- pending, approved, declined
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    reason TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX gesture_approvals_pending ON gesture_approvals(created_at) WHERE status = 'pending';
