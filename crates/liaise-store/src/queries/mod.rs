//! Queries and writes, grouped by subject. Every function takes a connection or a
//! transaction chosen by the caller.

pub mod access;
pub mod activities;
pub mod audit;
pub mod documents;
pub mod liaisons;
pub mod list;
pub mod meetings;
pub mod reference;
pub mod registry;
pub mod revisions;
pub mod search;
pub mod site_keys;
pub mod tokens;
pub mod users;
