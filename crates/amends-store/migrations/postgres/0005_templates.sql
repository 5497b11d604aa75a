-- Message templates a manager edited; the built-in ones are in the binary.
CREATE TABLE message_templates (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
