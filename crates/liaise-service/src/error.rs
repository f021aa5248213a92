use liaise_domain::{DomainError, FieldError};
use liaise_store::StoreError;

/// What a use case answers when it cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input breaks rules; each problem names its field.
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Nothing the viewer may see has this identifier.
    #[error("{0}")]
    NotFound(String),
    /// The write clashes with what exists (a duplicate code, say).
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many attempts; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// The database cannot be reached.
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours, not of the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => Self::Invalid(errors),
            DomainError::Unauthenticated => Self::Unauthenticated,
            DomainError::Forbidden => Self::Forbidden,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => {
                Self::conflict("", format!("conflicts with existing data ({m})"))
            }
            StoreError::Unavailable(m) => Self::Unavailable(m),
            StoreError::Config(m) => Self::Unavailable(m),
            StoreError::Db(e) => Self::Internal(e.to_string()),
        }
    }
}
