//! Extractors whose rejections speak problem+json and name the field at fault.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, header, request::Parts},
};
use liaise_service::domain::Viewer;
use serde::de::DeserializeOwned;

use crate::{AppState, error::ApiError};

/// A JSON body: 415 without `application/json`, 413 over the limit, 400 for broken JSON,
/// 422 naming the field for missing, unknown or mistyped fields.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::trim)
            .is_some_and(|m| {
                m.eq_ignore_ascii_case("application/json")
                    || m.eq_ignore_ascii_case("application/merge-patch+json")
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > super::BODY_LIMIT as u64) {
            // Read and drop what the client is sending, so it receives the answer instead of
            // a reset connection (up to a cap; beyond it the connection closes).
            drain(req.into_body(), 64 * 1024 * 1024).await;
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is larger than the limit of {} bytes",
                    super::BODY_LIMIT
                ),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    status,
                    format!(
                        "the body is larger than the limit of {} bytes",
                        super::BODY_LIMIT
                    ),
                )
            } else {
                ApiError::new(status, format!("the body could not be read: {e}"))
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// For upload routes: answers 413 before the handler runs when the declared length is over
/// `limit` bytes, having read and dropped what the client sends, so it receives the answer
/// instead of a connection reset in the middle of its upload.
pub(crate) async fn refuse_declared_over(
    limit: usize,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        drain(req.into_body(), 64 * 1024 * 1024).await;
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the upload is larger than the limit of {} MiB",
                limit / 1024 / 1024
            ),
        )
        .into_response();
    }
    next.run(req).await
}

async fn drain(body: axum::body::Body, cap: usize) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut seen = 0usize;
    while let Some(Ok(frame)) = body.frame().await {
        seen += frame.data_ref().map_or(0, |d| d.len());
        if seen > cap {
            break;
        }
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Every body of this API is an object; serde would also take an array by position.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the body must be a JSON object",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = field_of(&path, &message);
                ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, message)
            }
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the body is not valid JSON: {}", inner),
            ),
        }
    })?;
    // `{…}xyz`: the object was read whole, but something follows it.
    de.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e} (after the object)"),
        )
    })?;
    Ok(value)
}

/// serde says "missing field `name` at line 1 column 20": keep the first part.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The field a serde message is about. For a missing field serde's path is the parent
/// object, so the name is appended; otherwise the path is the field itself.
fn field_of(path: &str, message: &str) -> String {
    let path = if path == "." { "" } else { path };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match missing {
        Some(name) if path.is_empty() => name.to_owned(),
        Some(name) => format!("{path}.{name}"),
        None => path.to_owned(),
    }
}

/// Query parameters: 400 naming the parameter that could not be read.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        // No text of this API holds U+0000 (PostgreSQL cannot even compare with it).
        if let Some((name, _)) = form_urlencoded::parse(query.as_bytes())
            .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(ApiError::field(
                StatusCode::BAD_REQUEST,
                name.replace('\0', ""),
                "must not contain U+0000",
            ));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let message = e.into_inner().to_string();
                let field = field_of(&path, &message);
                ApiError::field(StatusCode::BAD_REQUEST, field, message)
            })
    }
}

/// `page` and `per_page` of a list: a 400 naming the parameter when out of range.
pub fn page_request(
    page: Option<u64>,
    per_page: Option<u64>,
) -> Result<liaise_service::domain::PageRequest, ApiError> {
    liaise_service::domain::PageRequest::parse(page, per_page).map_err(|e| {
        let mut err = ApiError::from(e);
        err.status = StatusCode::BAD_REQUEST;
        err
    })
}

/// An optional `YYYY-MM-DD` field: a 422 naming it when it is not a date of this record.
pub fn parse_date(field: &str, raw: Option<&str>) -> Result<Option<time::Date>, ApiError> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    liaise_service::domain::text::date(field, s)
        .map(Some)
        .map_err(ApiError::from)
}

/// Path parameters: one that cannot be read (not UTF-8, not a number) names nothing, so 404.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path().to_owned();
        let nothing = || ApiError::not_found(format!("nothing at {path}"));
        // U+0000 names nothing here (and PostgreSQL cannot even compare with it).
        let raw = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| nothing())?;
        if raw.iter().any(|(_, v)| v.contains('\0')) {
            return Err(nothing());
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| nothing())
    }
}

/// A caller who may write: a valid token is required before the body is even read, so an
/// anonymous write learns nothing about validation or existence (401 first).
pub struct ApiWriter(pub Viewer);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiViewer(viewer) = ApiViewer::from_request_parts(parts, state).await?;
        if viewer.is_anonymous() {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this request needs `Authorization: Bearer <token>` with a valid token",
            ));
        }
        Ok(Self(viewer))
    }
}

/// Who calls: anonymous without a token, the token's viewer with a valid one, and a 401 for a
/// token that is unknown or revoked (never silently anonymous).
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(Viewer::anonymous()));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "the Authorization header must be `Bearer <token>`",
                )
            })?;
        let viewer = state
            .liaise
            .viewer_for_token(token)
            .await
            .map_err(|e| match e {
                liaise_service::ServiceError::Unauthenticated => ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "the bearer token is unknown or revoked",
                ),
                other => ApiError::from(other),
            })?;
        Ok(Self(viewer))
    }
}

/// A multipart read error as the client's problem: `too_large()` past the size limit, else a
/// 400 saying which part (`form` or `file`) could not be read.
pub(crate) fn multipart_error(
    e: axum::extract::multipart::MultipartError,
    part: &str,
    too_large: impl Fn() -> ApiError,
) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            format!("the {part} could not be read: {e}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        n: Option<u32>,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        code: String,
    }

    fn check(body: &str, status: u16, field: &str) {
        let e = parse_json::<T>(body.as_bytes()).unwrap_err();
        assert_eq!(e.status.as_u16(), status, "{body}: {e:?}");
        assert_eq!(
            e.errors.first().map(|f| f.field.as_str()).unwrap_or(""),
            field,
            "{body}: {e:?}"
        );
    }

    #[test]
    fn json_errors_name_the_field() {
        check("{", 400, "");
        check("not json", 400, "");
        check("{}", 422, "name");
        check(r#"["x", 1, null]"#, 422, "");
        check(r#"{"name": "x", "colour": 1}"#, 422, "colour");
        check(r#"{"name": 5}"#, 422, "name");
        check(r#"{"name": "x", "n": -1}"#, 422, "n");
        check(r#"{"name": "x", "inner": {}}"#, 422, "inner.code");
        check(
            r#"{"name": "x", "inner": {"code": "a", "x": 1}}"#,
            422,
            "inner.x",
        );
        assert!(parse_json::<T>(br#"{"name": "x"}"#).is_ok());
    }
}
