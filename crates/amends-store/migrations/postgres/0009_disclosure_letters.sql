-- Disclosures by letter: which channels a disclosure uses, and each printed notice.

-- `email`, `letter` or `email,letter`.
ALTER TABLE disclosures ADD COLUMN channels TEXT NOT NULL DEFAULT 'email';

-- A notice to print: its text is kept with the personal link in it, as the outbox keeps
-- an email's (the link's token itself is only stored hashed, in `link_hash`).
ALTER TABLE disclosure_recipients ADD COLUMN letter_text TEXT;
ALTER TABLE disclosure_recipients ADD COLUMN letter_posted_at BIGINT;
ALTER TABLE disclosure_recipients ADD COLUMN letter_posted_by BIGINT REFERENCES users(id);
CREATE INDEX disclosure_letters_due ON disclosure_recipients(id)
    WHERE letter_text IS NOT NULL AND letter_posted_at IS NULL;
