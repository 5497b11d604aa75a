-- Message templates a manager edited; the built-in ones are in the binary.
CREATE TABLE message_templates (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

-- Who has a case open, and whether they are writing: the collision guard.
CREATE TABLE presence (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    writing INTEGER NOT NULL DEFAULT 0,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
