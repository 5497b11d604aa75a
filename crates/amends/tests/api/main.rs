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
mod disclosure_pages;
mod disclosures;
mod errors;
mod forgery;
mod fuzz_regressions;
mod headers;
mod helpers;
mod hours;
mod imports;
mod mail;
mod merge;
mod openapi;
mod operations;
mod plans;
mod poison;
mod presence;
mod problems;
mod public_form;
mod recovery;
mod replies;
mod robust;
mod secrets;
mod service;
mod spam;
mod staff;
mod views;
