-- What triage read in a complaint's words at intake, kept so that no read of the case
-- reads the words again. Older cases have none: their suggestion is read when asked.
ALTER TABLE cases ADD COLUMN suggested_severity TEXT;
