//! Errors turned into responses at the edge: `application/problem+json` for the API, an
//! HTML page for people. Every client mistake is a 4xx that says what was wrong.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::{ServiceError, domain::FieldError};
use serde::Serialize;

/// An RFC 9457 problem.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

/// An error of an API route.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn field(status: StatusCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        let e = FieldError::new(field, message);
        Self {
            status,
            detail: e.to_string(),
            errors: vec![e],
        }
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }
}

/// How each service error is seen from outside.
fn classify(e: ServiceError) -> (StatusCode, String, Vec<FieldError>) {
    match e {
        ServiceError::Invalid(errors) => {
            let detail = errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            (StatusCode::UNPROCESSABLE_ENTITY, detail, errors)
        }
        ServiceError::NotFound(m) => (StatusCode::NOT_FOUND, m, Vec::new()),
        ServiceError::Conflict { field, message } => {
            let errors = if field.is_empty() {
                Vec::new()
            } else {
                vec![FieldError::new(field, message.clone())]
            };
            (StatusCode::CONFLICT, message, errors)
        }
        ServiceError::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            "this request needs `Authorization: Bearer <token>` with a valid token".to_owned(),
            Vec::new(),
        ),
        ServiceError::Forbidden => (
            StatusCode::FORBIDDEN,
            "your token does not allow this change".to_owned(),
            Vec::new(),
        ),
        ServiceError::RateLimited { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many failed attempts; try again in {} minute(s)",
                retry_after.div_ceil(60)
            ),
            Vec::new(),
        ),
        ServiceError::Unavailable(m) => {
            tracing::error!(error = %m, "database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable; try again shortly".to_owned(),
                Vec::new(),
            )
        }
        ServiceError::Internal(m) => {
            tracing::error!(error = %m, "internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "an internal error occurred; it has been logged".to_owned(),
                Vec::new(),
            )
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let (status, detail, errors) = classify(e);
        Self {
            status,
            detail,
            errors,
        }
    }
}

impl From<liaise_service::domain::DomainError> for ApiError {
    fn from(e: liaise_service::domain::DomainError) -> Self {
        ServiceError::from(e).into()
    }
}

pub fn problem_response(status: StatusCode, detail: String, errors: Vec<FieldError>) -> Response {
    let kind = if status == StatusCode::UNPROCESSABLE_ENTITY {
        "/problems/validation".to_owned()
    } else {
        "about:blank".to_owned()
    };
    let body = Problem {
        kind,
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors: errors
            .into_iter()
            .map(|e| ProblemField {
                field: e.field,
                message: e.message,
            })
            .collect(),
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem_response(self.status, self.detail, self.errors)
    }
}

/// An error of an HTML page: rendered as a page in the reader's language.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub detail: String,
    pub lang: crate::i18n::Lang,
}

impl PageError {
    pub fn from_service(e: ServiceError, lang: crate::i18n::Lang) -> Self {
        let (status, detail, _) = classify(e);
        // The API's words speak of tokens; a page speaks of the reader's account.
        let detail = match status {
            StatusCode::FORBIDDEN => lang.t("error-forbidden"),
            StatusCode::UNAUTHORIZED => lang.t("error-unauthenticated"),
            _ => detail,
        };
        Self {
            status,
            detail,
            lang,
        }
    }

    pub fn not_found(lang: crate::i18n::Lang) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            detail: String::new(),
            lang,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        crate::html::error_page(self.status, &self.detail, self.lang)
    }
}
