-- Ask the people who do the work (issue 22 §3): staff who handled a problem's cases are
-- asked once each for their idea on how to stop it happening again; ideas are voted on
-- (one vote per person per idea) and a manager adopts one as the preventive action.
CREATE TABLE problem_ideas (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    text TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    adopted_at BIGINT,
    adopted_by INTEGER REFERENCES users(id)
);
CREATE INDEX problem_ideas_problem ON problem_ideas(problem_id, id);
CREATE INDEX problem_ideas_adopted ON problem_ideas(adopted_at) WHERE adopted_at IS NOT NULL;

CREATE TABLE problem_idea_votes (
    idea_id INTEGER NOT NULL REFERENCES problem_ideas(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (idea_id, user_id)
);

-- Who was asked, once per problem; open until they give an idea.
CREATE TABLE idea_requests (
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    asked_at BIGINT NOT NULL,
    answered_at BIGINT,
    PRIMARY KEY (problem_id, user_id)
);
CREATE INDEX idea_requests_open ON idea_requests(user_id, asked_at) WHERE answered_at IS NULL;

-- A personal touch (issue 22 §4): a disclosure made a call list. Its notice is mailed
-- (or posted) at mail_after only to those not reached by phone by then.
CREATE TABLE disclosure_call_lists (
    disclosure_id INTEGER PRIMARY KEY REFERENCES disclosures(id),
    script TEXT NOT NULL,
    mail_after BIGINT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    mailed_at BIGINT
);

-- Each call made, newest last: reached, message left or no answer, with the concerns
-- heard in their words.
CREATE TABLE disclosure_calls (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES disclosure_recipients(id),
    outcome TEXT NOT NULL,
    concerns TEXT NOT NULL DEFAULT '',
    called_by INTEGER NOT NULL REFERENCES users(id),
    called_at BIGINT NOT NULL
);
CREATE INDEX disclosure_calls_recipient ON disclosure_calls(recipient_id, id);
