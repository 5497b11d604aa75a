-- A month's gestures (the budget on every case page, each gesture's limits) and the
-- follow-ups due by letter are found by their kind of event, not by reading every
-- event of every case.
CREATE INDEX case_events_kind_at ON case_events(kind, at);
