-- Saved replies (issue 17): the business's snippets staff answer customers with, with
-- variables filled in for each case. Coached when saved: words the coach held back
-- are kept only with the reason staff gave.
CREATE TABLE saved_replies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    coach_override TEXT,
    created_by INTEGER REFERENCES users(id),
    updated_by INTEGER REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
