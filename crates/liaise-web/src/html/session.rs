//! Who reads a page: the session behind the `liaise_session` cookie, or nobody. And the
//! protections of every form: a CSRF token checked against the session (or, before sign-in,
//! against a cookie) and a same-origin check of `Origin` and `Sec-Fetch-Site`.

use axum::{
    extract::{FromRequestParts, Request},
    http::{HeaderMap, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use liaise_service::{accounts::SessionInfo, domain::Viewer};
use subtle::ConstantTimeEq;

use crate::{AppState, i18n};

pub const SESSION_COOKIE: &str = "liaise_session";
pub const CSRF_COOKIE: &str = "liaise_csrf";

/// What the layout needs to know about the reader.
#[derive(Debug, Clone, Default)]
pub struct Me {
    pub email: Option<String>,
    pub csrf: String,
    pub is_admin: bool,
}

/// The reader of a page.
#[derive(Debug, Clone)]
pub struct PageViewer {
    pub viewer: Viewer,
    pub session: Option<SessionInfo>,
    /// The session cookie's secret, when it names a live session.
    pub secret: Option<String>,
}

impl PageViewer {
    pub fn me(&self) -> Me {
        Me {
            email: self.session.as_ref().map(|s| s.email.clone()),
            csrf: self
                .session
                .as_ref()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            is_admin: self.viewer.is_admin(),
        }
    }
}

impl FromRequestParts<AppState> for PageViewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let anonymous = Self {
            viewer: Viewer::anonymous(),
            session: None,
            secret: None,
        };
        let Some(secret) = i18n::cookie(parts, SESSION_COOKIE) else {
            return Ok(anonymous);
        };
        match state.liaise.session(secret).await {
            Ok(Some(info)) => Ok(Self {
                viewer: info.viewer.clone(),
                session: Some(info),
                secret: Some(secret.to_owned()),
            }),
            // An unknown, expired or foreign cookie: read on as the public.
            Ok(None) => Ok(anonymous),
            Err(e) => {
                let lang = i18n::Lang::negotiate(i18n::cookie(parts, i18n::COOKIE), None);
                Err(crate::error::PageError::from_service(e, lang).into_response())
            }
        }
    }
}

/// Compares two tokens in constant time; empty never matches.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// `Set-Cookie` value for the session.
pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn csrf_cookie(token: &str, secure: bool) -> String {
    format!(
        "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Refuses a state-changing page request that does not come from one of our own pages.
fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .unwrap_or("");
        return origin == "null" || origin_host != host;
    }
    false
}

/// Middleware on page routes: unsafe methods must be same-origin.
pub async fn same_origin(req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !req.uri().path().starts_with("/api/") && cross_site(req.headers()) {
        let lang = i18n::Lang::negotiate(
            None,
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        tracing::warn!(path = %req.uri().path(), "cross-site form refused");
        return super::error_page_titled(
            StatusCode::FORBIDDEN,
            &lang.t("error-title-csrf"),
            &lang.t("error-csrf"),
            lang,
        );
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_checks() {
        assert!(!cross_site(&headers(&[("host", "a.org")])));
        assert!(!cross_site(&headers(&[
            ("host", "a.org"),
            ("origin", "https://a.org")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "a.org"),
            ("origin", "https://evil.org")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "a.org"),
            ("origin", "null")
        ])));
        assert!(cross_site(&headers(&[
            ("host", "a.org"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!cross_site(&headers(&[
            ("host", "a.org"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("", ""));
    }
}
