//! The model of liaise and its rules.
//!
//! Invariant: no SQL, no HTTP, no wire format, no clock and no randomness: whatever needs the
//! time or a random value receives it as an argument.

pub mod access;
pub mod error;
pub mod ids;
pub mod page;
pub mod registry;
pub mod text;

pub use access::{AccessLevel, Action, Role, Viewer, authorize};
pub use error::{DomainError, FieldError};
pub use ids::{Code, Email, Slug};
pub use page::PageRequest;
