-- Business hours, the escalation ladder of overdue steps, and staff email alerts.

-- The installation's business hours and escalation ladder as an admin set them (JSON,
-- checked by the domain before they are stored). No row: the configuration's defaults.
CREATE TABLE business_hours (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hours TEXT NOT NULL,
    escalation TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

-- Each level an overdue step went up the ladder, once per step's due time: the unique
-- key is what keeps a restarted runner from escalating (and mailing) twice. Cleared
-- when the case's next step or its due time changes.
CREATE TABLE case_escalations (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    step TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    level BIGINT NOT NULL,
    event_id BIGINT REFERENCES case_events(id),
    created_at BIGINT NOT NULL,
    cleared_at BIGINT,
    UNIQUE (case_id, due_at, level)
);
CREATE INDEX case_escalations_open ON case_escalations(case_id) WHERE cleared_at IS NULL;

-- Staff may switch their email alerts off on their account page.
ALTER TABLE users ADD COLUMN email_alerts BIGINT NOT NULL DEFAULT 1;
