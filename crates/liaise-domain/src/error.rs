use std::fmt;

/// One problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// What the model refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The input breaks a rule; every broken rule is listed.
    #[error("{}", join(.0))]
    Invalid(Vec<FieldError>),
    /// The viewer is not signed in and the action needs it.
    #[error("this action needs an authenticated user or token")]
    Unauthenticated,
    /// The viewer may not do this.
    #[error("you are not allowed to do this")]
    Forbidden,
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// Prefix the field names, e.g. `code` becomes `parent.code`.
    #[must_use]
    pub fn in_field(self, prefix: &str) -> Self {
        match self {
            Self::Invalid(errors) => Self::Invalid(
                errors
                    .into_iter()
                    .map(|e| FieldError::new(format!("{prefix}{}", e.field), e.message))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Collects field errors while an input is converted, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keep the value if it parsed, remember the errors if not.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(DomainError::Invalid(mut errors)) => {
                self.errors.append(&mut errors);
                None
            }
            Err(other) => {
                self.errors.push(FieldError::new("", other.to_string()));
                None
            }
        }
    }

    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The collected errors as one error (used when a required part is missing).
    pub fn into_error(self) -> DomainError {
        if self.errors.is_empty() {
            DomainError::invalid("", "invalid input")
        } else {
            DomainError::Invalid(self.errors)
        }
    }
}
