-- A follow-up letter as staff read and edited it (keyed by its follow_up_scheduled
-- event): the body that is printed, and when it was queued for the print run. A letter
-- goes to the print run only once queued; saving an edit takes it out of the queue
-- until it is queued again.
CREATE TABLE letter_texts (
    event_id BIGINT PRIMARY KEY REFERENCES case_events(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    body TEXT NOT NULL,
    saved_by BIGINT REFERENCES users(id),
    saved_at BIGINT NOT NULL,
    queued_by BIGINT REFERENCES users(id),
    queued_at BIGINT
);
CREATE INDEX letter_texts_case ON letter_texts(case_id);
