-- The inbox's "waiting on" counts: open cases per next step, kept by triggers so that a
-- view reads a few rows instead of counting every open case (57,000 of a million took
-- 8 ms even as an index-only scan). Changes are appended as deltas, never updated in
-- place: two steps moving cases in opposite directions would otherwise lock the same two
-- rows in opposite orders and deadlock, and every intake would wait on one hot row.
-- Readers sum the rows and fold them into one per step when they pile up. Snoozed cases
-- are counted here and taken off at read time (they wake by the clock, not by a write).
CREATE TABLE step_counts (
    next_step TEXT NOT NULL,
    n BIGINT NOT NULL
);

INSERT INTO step_counts (next_step, n)
SELECT next_step, COUNT(*) FROM cases WHERE status = 'open' AND next_step IS NOT NULL GROUP BY next_step;

-- Intake and erasure: statement by statement, with the statement's rows as a table, so
-- that an intake batch of 200 cases appends one row per step, not 200.
CREATE FUNCTION step_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO step_counts (next_step, n)
    SELECT next_step, COUNT(*) FROM added
    WHERE status = 'open' AND next_step IS NOT NULL GROUP BY next_step;
    RETURN NULL;
END;
$$;

CREATE FUNCTION step_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO step_counts (next_step, n)
    SELECT next_step, -COUNT(*) FROM removed
    WHERE status = 'open' AND next_step IS NOT NULL GROUP BY next_step;
    RETURN NULL;
END;
$$;

-- A step moves one case (a bulk action, one case at a time), and its rows carry the
-- complaint's words: row by row, only when the status or step changed.
CREATE FUNCTION step_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'open' AND OLD.next_step IS NOT NULL THEN
        INSERT INTO step_counts (next_step, n) VALUES (OLD.next_step, -1);
    END IF;
    IF NEW.status = 'open' AND NEW.next_step IS NOT NULL THEN
        INSERT INTO step_counts (next_step, n) VALUES (NEW.next_step, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER cases_step_counts_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION step_counts_added();
CREATE TRIGGER cases_step_counts_delete AFTER DELETE ON cases
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION step_counts_removed();
CREATE TRIGGER cases_step_counts_update AFTER UPDATE OF status, next_step ON cases FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.next_step IS DISTINCT FROM NEW.next_step)
    EXECUTE FUNCTION step_counts_moved();
