-- Escalation is a person (issue 17 §3).

-- The manager or admin a case was escalated to, until they take it over or send it
-- back with a decision; the reason staff gave. Derived from the timeline's events.
ALTER TABLE cases ADD COLUMN escalated_to BIGINT REFERENCES users(id);
ALTER TABLE cases ADD COLUMN escalation_reason TEXT;
-- What flagged the case as serious at intake: a JSON list of {kind, words, why}.
ALTER TABLE cases ADD COLUMN severity_reasons TEXT NOT NULL DEFAULT '[]';
CREATE INDEX cases_escalated_to ON cases(escalated_to, id);
