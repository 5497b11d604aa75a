-- A manager's edit of a message template is in one language (issue 21): a customer is
-- written to in their language, from the edit in that language if there is one, else
-- the built-in text in that language; an English edit never reaches a German customer.
-- Edits made before this were English.
CREATE TABLE message_templates_by_language (
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at BIGINT NOT NULL,
    coach_held TEXT,
    coach_override TEXT,
    PRIMARY KEY (name, language)
);
INSERT INTO message_templates_by_language (name, language, body, updated_by, updated_at, coach_held, coach_override)
    SELECT name, 'en', body, updated_by, updated_at, coach_held, coach_override FROM message_templates;
DROP TABLE message_templates;
ALTER TABLE message_templates_by_language RENAME TO message_templates;
