//! Integration tests: each starts the real app on a random port against a fresh
//! database (SQLite and PostgreSQL) and drives it over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod abuse;
mod access;
mod access_matrix;
mod backup;
mod cases;
mod coach;
mod crash;
mod customers;
mod errors;
mod helpers;
mod mail;
mod openapi;
mod presence;
mod public_form;
mod robust;
