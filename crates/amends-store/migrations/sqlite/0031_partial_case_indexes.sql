-- A new case has no problem yet, is escalated to nobody, and most need no manager.
-- Indexes of all cases on those columns held every new case under NULL or 0, so each
-- commit of intake wrote their pages for nothing; the queries ask only for a problem's
-- cases, a person's, or those that must go up. Partial, they hold just those cases.
-- `cases_problem` (problem_id alone) is the same index as `cases_problem_cases` now.
DROP INDEX cases_problem;
DROP INDEX cases_problem_cases;
CREATE INDEX cases_problem_cases ON cases(problem_id, id) WHERE problem_id IS NOT NULL;
DROP INDEX cases_escalated_to;
CREATE INDEX cases_escalated_to ON cases(escalated_to, id) WHERE escalated_to IS NOT NULL;
DROP INDEX cases_escalated;
CREATE INDEX cases_escalated ON cases(id) WHERE escalation_required = 1;
