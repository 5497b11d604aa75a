//! Integration tests: each starts the real app on a random port against a fresh
//! database (SQLite and PostgreSQL) and drives it over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod cases;
mod customers;
mod disclosures;
mod errors;
mod helpers;
mod imports;
mod mail;
mod openapi;
mod problems;
