-- The business's own currency, as an admin set it on the settings page. No row: the
-- configuration's `currency`, else none yet (the desk asks). Amounts already stored keep
-- the currency they were recorded in; this is what a new gesture is given in and what
-- pages show money in when an amount names none.
CREATE TABLE business_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    currency TEXT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
