-- Proof of improvement (issue 22): once a problem is fixed, everyone a case linked to it
-- is told what changed. A proof is a disclosure of kind 'proof', one per problem, so its
-- recipients (unique per disclosure and customer) are told once per problem however
-- often it is sent; each recipient row names the case it was told about.
ALTER TABLE disclosures ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE disclosures ADD COLUMN coach_override TEXT;
CREATE UNIQUE INDEX disclosures_one_proof ON disclosures(problem_id) WHERE kind = 'proof';

-- The case's outcome when the proof was sent (retained, lost, or NULL while open), the
-- gesture a lost customer was offered (JSON), when they were told, and when their next
-- order won them back.
ALTER TABLE disclosure_recipients ADD COLUMN outcome TEXT;
ALTER TABLE disclosure_recipients ADD COLUMN gesture TEXT;
ALTER TABLE disclosure_recipients ADD COLUMN told_at BIGINT;
ALTER TABLE disclosure_recipients ADD COLUMN won_back_at BIGINT;
CREATE INDEX disclosure_recipients_customer ON disclosure_recipients(customer_id);

-- A walking testimonial: one per case, from a retained customer who said they were
-- satisfied (the domain's rule), through their link page.
CREATE TABLE testimonials (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    recommend INTEGER NOT NULL,
    words TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX testimonials_created ON testimonials(created_at);
