-- Merge, link, snooze, scheduled messages.
-- The case a duplicate was merged into (derived from its `merged` event). No foreign
-- key: a backup restores cases in id order, and an older case may point at a newer one.
ALTER TABLE cases ADD COLUMN merged_into BIGINT;
-- Until when the case is out of the inbox (derived from its events); far in the future
-- when it waits for the customer's next word.
ALTER TABLE cases ADD COLUMN snoozed_until BIGINT;
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX cases_snoozed_until ON cases (snoozed_until) WHERE snoozed_until IS NOT NULL;

-- A message an agent wrote to be sent later: pending until its job sends it, or until
-- the customer writes first (cancelled).
CREATE TABLE scheduled_messages (
    event_id INTEGER PRIMARY KEY REFERENCES case_events(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    send_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    settled_at BIGINT
);
CREATE INDEX scheduled_messages_pending ON scheduled_messages (case_id) WHERE status = 'pending';

-- Each case's tags, one row each (lower case), so that a tag filter reads an index;
-- `cases.tags` keeps the list for display.
CREATE TABLE case_tags (
    tag TEXT NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (tag, case_id)
);
INSERT INTO case_tags (tag, case_id) SELECT DISTINCT lower(j.value), c.id FROM cases c, json_each(c.tags) j;
