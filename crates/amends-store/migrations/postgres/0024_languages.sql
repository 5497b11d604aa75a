-- The language each customer is written to and each member of staff reads the desk in
-- (issue 21): a BCP 47 primary tag ("en", "de"); NULL means not known or not chosen,
-- and the request's Accept-Language or the business's own language decides.
ALTER TABLE customers ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
