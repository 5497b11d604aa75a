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
