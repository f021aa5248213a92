//! Integration tests: the real server on port 0, on SQLite and (when configured) PostgreSQL.

mod api_errors;
mod api_registry;
mod ops;
mod pages;
mod reference;
