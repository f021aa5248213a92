//! The model of liaise and its rules.
//!
//! Invariant: no SQL, no HTTP, no wire format, no clock and no randomness: whatever needs the
//! time or a random value receives it as an argument.

/// A closed list of names written in kebab case (`study-group`), with `parse` and `as_str`.
macro_rules! kebab_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, $crate::DomainError> {
                let wanted = raw.trim();
                Self::ALL.iter().copied().find(|k| k.as_str() == wanted).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                    $crate::DomainError::invalid(
                        field,
                        format!("`{}` is not one of: {}", $crate::text::preview(wanted), names.join(", ")),
                    )
                })
            }
        }
    };
}

pub mod access;
pub mod activity;
pub mod document;
pub mod error;
pub mod ids;
pub mod liaison;
pub mod meeting;
pub mod page;
pub mod registry;
pub mod text;

pub use access::{AccessLevel, Action, Role, Viewer, authorize};
pub use error::{DomainError, FieldError};
pub use ids::{Code, Email, Slug};
pub use page::PageRequest;
