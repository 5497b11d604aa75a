-- The inbox counts open cases per step, leaving snoozed ones out: with the snooze time
-- in the index, the count reads the index alone, not every open case's row.
CREATE INDEX cases_open_steps ON cases(status, next_step, snoozed_until);
DROP INDEX cases_status_step;
