//! Integration tests: the real server on port 0, on SQLite and (when configured) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::type_complexity)]

mod access;
mod accounts;
mod api_errors;
mod api_registry;
mod browser;
mod concurrency;
mod contract;
mod documents;
mod facts;
mod hidden_text;
mod liaison_forms;
mod liaisons;
mod liaisons_trust;
mod meetings;
mod ops;
mod pages;
mod plans;
mod reference;
mod search;
