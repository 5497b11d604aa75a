-- Abuse (issue 15).

-- A gesture form sent twice queues one approval: repeats already waiting are declined
-- as repeats, and a unique index keeps one waiting request per gesture.
UPDATE gesture_approvals SET status = 'declined', reason = 'A repeat of a request already waiting'
WHERE status = 'pending' AND EXISTS (
    SELECT 1 FROM gesture_approvals o
    WHERE o.status = 'pending' AND o.id < gesture_approvals.id AND o.case_id = gesture_approvals.case_id
      AND o.requested_by = gesture_approvals.requested_by AND o.gesture = gesture_approvals.gesture
      AND o.description = gesture_approvals.description AND o.cost_minor = gesture_approvals.cost_minor
      AND o.currency = gesture_approvals.currency);
CREATE UNIQUE INDEX gesture_approvals_once
    ON gesture_approvals(case_id, requested_by, gesture, description, cost_minor, currency) WHERE status = 'pending';

-- "This affected me" opens one case per recipient however often it is sent: the
-- answer's row is keyed by the recipient, written in the case's transaction.
CREATE TABLE disclosure_answers (
    recipient_id INTEGER PRIMARY KEY REFERENCES disclosure_recipients(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    answered_at BIGINT NOT NULL
);
INSERT INTO disclosure_answers (recipient_id, case_id, answered_at)
    SELECT id, case_id, updated_at FROM disclosure_recipients WHERE case_id IS NOT NULL;

-- A notice's link expires like a case's links; those already sent get the default
-- lifetime (14 days) from when they were last touched.
ALTER TABLE disclosure_recipients ADD COLUMN link_expires_at BIGINT;
UPDATE disclosure_recipients SET link_expires_at = updated_at + 1209600000 WHERE link_hash IS NOT NULL;
