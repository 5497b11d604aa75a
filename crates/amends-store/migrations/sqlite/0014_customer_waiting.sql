-- A customer who wrote is never lost (issue 17, part 2).

-- Since when the customer's words wait for staff: set by any word of theirs, cleared by
-- any staff step, rewritten with the other derived columns in each event's transaction.
ALTER TABLE cases ADD COLUMN customer_waiting_since BIGINT;
-- Their latest words, at a glance, for the inbox's "Customer replied" marker.
ALTER TABLE cases ADD COLUMN customer_words TEXT;

-- Cases whose customer wrote after staff last acted, as their events replay to.
UPDATE cases SET customer_waiting_since = (
    SELECT MIN(e.at) FROM case_events e
    WHERE e.case_id = cases.id AND e.actor_kind = 'customer'
      AND e.id > COALESCE((SELECT MAX(s.id) FROM case_events s
                           WHERE s.case_id = cases.id AND s.actor_kind = 'staff'), 0));
-- Staff owe them an answer: such a case is never "waiting on the customer".
UPDATE cases SET status = 'open'
WHERE customer_waiting_since IS NOT NULL AND status IN ('awaiting_customer', 'watching');

-- The few cases listed first, oldest wait first.
CREATE INDEX cases_waiting ON cases(customer_waiting_since, id) WHERE customer_waiting_since IS NOT NULL;
