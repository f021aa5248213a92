//! Pages for people: server-rendered, complete without JavaScript, in English or French.

use askama::Template;
use axum::{
    Router,
    extract::Query,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{MethodRouter, get},
};
use liaise_service::{
    activities::ActivityQuery, domain::PageRequest, liaisons::LiaisonQuery, snapshot::Snapshot,
};
use serde::Deserialize;

use crate::{
    AppState,
    error::PageError,
    i18n::{self, Lang},
};

mod account;
mod activities;
mod documents;
pub(crate) mod form;
mod liaison_forms;
mod liaisons;
mod meetings;
mod registry;
mod search;
mod session;

pub(crate) use liaisons::{liaison_page, liaisons_csv_response, visibility};

use form::PagePath;
pub use session::{Me, PageViewer};

const STYLE: &str = include_str!("../../static/style.css");

/// Every page route with its handlers; the router is built from this list, and the access
/// tests read it, so a page added here is covered by them without anyone remembering.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/", get(registry::home)),
        ("/organizations/{code}", get(registry::organization)),
        ("/bodies", get(registry::bodies)),
        ("/bodies/{code}", get(registry::body)),
        ("/topics", get(registry::topics)),
        ("/topics/{slug}", get(registry::topic)),
        ("/matrix", get(registry::matrix)),
        ("/people", get(registry::people)),
        ("/people/{id}", get(registry::person)),
        ("/activities", get(activities::activities)),
        ("/liaisons", get(liaisons::liaisons)),
        ("/liaisons.csv", get(liaisons::liaisons_csv)),
        ("/liaisons/{key}", get(liaisons::liaison)),
        (
            "/liaisons/{key}/attachments/{id}",
            get(liaisons::liaison_attachment),
        ),
        ("/secretariat/reminders", get(liaisons::reminders)),
        ("/activities/{id}", get(activities::activity)),
        ("/meetings", get(meetings::meetings)),
        ("/meetings/{id}", get(meetings::meeting)),
        ("/calendar", get(meetings::calendar)),
        ("/search", get(search::search)),
        ("/lang/{code}", get(switch_language)),
        ("/static/style.css", get(stylesheet)),
    ];
    routes.extend(liaison_forms::routes());
    routes.extend(account::routes());
    routes.extend(documents::routes());
    routes.extend(crate::feeds::routes());
    routes.extend(crate::ics::routes());
    routes
}

pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        .fold(Router::new(), |r, (path, handler)| r.route(path, handler))
        .layer(axum::middleware::from_fn(session::same_origin))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
}

fn render(t: &impl Template, lang: Lang) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "", lang)
        }
    }
}
async fn snapshot(state: &AppState, lang: Lang) -> Result<std::sync::Arc<Snapshot>, PageError> {
    state
        .liaise
        .registry()
        .await
        .map_err(|e| PageError::from_service(e, lang))
}

/// The activities a reader may see for a filter (the first `n`).
async fn visible_activities(
    state: &AppState,
    viewer: &PageViewer,
    query: ActivityQuery,
    n: u64,
    lang: Lang,
) -> Result<std::sync::Arc<liaise_service::activities::ActivityPage>, PageError> {
    let page = PageRequest::parse(Some(1), Some(n)).unwrap_or_default();
    state
        .liaise
        .activities(&viewer.viewer, &query, page)
        .await
        .map_err(|e| PageError::from_service(e, lang))
}

/// The statements a reader may see for a filter (the first `n`).
async fn visible_liaisons(
    state: &AppState,
    viewer: &PageViewer,
    query: LiaisonQuery,
    n: u64,
    lang: Lang,
) -> Result<std::sync::Arc<liaise_service::liaisons::LiaisonPage>, PageError> {
    let page = PageRequest::parse(Some(1), Some(n)).unwrap_or_default();
    state
        .liaise
        .liaisons(&viewer.viewer, &query, page)
        .await
        .map_err(|e| PageError::from_service(e, lang))
}

// ---- error page ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: &'a str,
    title: String,
    message: String,
}

/// What an error page says, kept on its response so that [`with_session_header`] can render
/// it again with the reader's header (the handler that refused may not know the reader).
#[derive(Debug, Clone)]
pub struct ErrorPageParts {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    pub lang: Lang,
}

impl ErrorPageParts {
    fn render(&self, me: Me) -> String {
        let page = ErrorPage {
            i: self.lang,
            langs: Lang::ALL,
            me,
            path: "/",
            title: self.title.clone(),
            message: self.message.clone(),
        };
        page.render().unwrap_or_else(|_| "error".to_owned())
    }
}

/// The heading of an error page: what happened, not only that something did.
fn error_title(status: StatusCode, lang: Lang) -> String {
    let key = match status {
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::FORBIDDEN => "error-title-forbidden",
        StatusCode::UNAUTHORIZED => "error-title-unauthenticated",
        StatusCode::CONFLICT => "error-title-conflict",
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => "error-title-invalid",
        StatusCode::PAYLOAD_TOO_LARGE => "error-title-too-large",
        StatusCode::TOO_MANY_REQUESTS => "error-title-rate-limited",
        StatusCode::SERVICE_UNAVAILABLE => "error-title-unavailable",
        _ => "error-title",
    };
    lang.t(key)
}

/// The page shown for any error, in the reader's language, headed by what happened.
pub fn error_page(status: StatusCode, detail: &str, lang: Lang) -> Response {
    error_page_titled(status, &error_title(status, lang), detail, lang)
}

/// An error page with a heading of its own ("You cannot record statements for this
/// organization"); the header shows the reader as signed in (see [`with_session_header`]).
pub fn error_page_titled(status: StatusCode, title: &str, detail: &str, lang: Lang) -> Response {
    let message = if status == StatusCode::NOT_FOUND || detail.is_empty() {
        lang.t("error-not-found")
    } else {
        detail.to_owned()
    };
    let parts = ErrorPageParts {
        status,
        title: title.to_owned(),
        message,
        lang,
    };
    let html = parts.render(Me::default());
    let mut res = (status, Html(html)).into_response();
    res.extensions_mut().insert(parts);
    res
}

/// Middleware: an error page rendered without its reader is rendered again with the
/// reader's session in the header, so a signed-in person never looks signed out on a 403 or a
/// 404. Only error pages pay the session lookup, and only when a session cookie came.
pub async fn with_session_header(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = req.headers().clone();
    let mut res = next.run(req).await;
    let Some(parts) = res.extensions_mut().remove::<ErrorPageParts>() else {
        return res;
    };
    if crate::i18n::header_cookie(&headers, session::SESSION_COOKIE).is_none() {
        return res;
    }
    let Ok(probe) = axum::http::Request::builder().body(()) else {
        return res;
    };
    let (mut probe, ()) = probe.into_parts();
    probe.headers = headers;
    let Ok(viewer) = <PageViewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut probe, &state,
    )
    .await
    else {
        return res;
    };
    if viewer.session.is_none() {
        return res;
    }
    let html = parts.render(viewer.me());
    let mut again = (parts.status, Html(html)).into_response();
    for (name, value) in res.headers() {
        if name != axum::http::header::CONTENT_LENGTH && name != axum::http::header::CONTENT_TYPE {
            again.headers_mut().append(name.clone(), value.clone());
        }
    }
    again
}

// ---- lists ------------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
struct ListParams {
    organization: Option<String>,
    kind: Option<String>,
    topic: Option<String>,
    body: Option<String>,
    q: Option<String>,
    year: Option<String>,
    page: Option<String>,
}

impl ListParams {
    fn page_request(&self) -> PageRequest {
        let page = self.page.as_deref().and_then(|p| p.parse().ok());
        PageRequest::parse(page, None).unwrap_or_default()
    }

    /// The query string of these filters at another page.
    fn link(&self, base: &str, page: u64) -> String {
        page_link(
            base,
            &[
                ("organization", self.organization.as_deref()),
                ("kind", self.kind.as_deref()),
                ("topic", self.topic.as_deref()),
                ("body", self.body.as_deref()),
                ("q", self.q.as_deref()),
                ("year", self.year.as_deref()),
            ],
            page,
        )
    }
}

/// A list page's address with these filters (blank ones left out) at another page.
pub(crate) fn page_link(base: &str, filters: &[(&str, Option<&str>)], page: u64) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            q.append_pair(k, v);
        }
    }
    q.append_pair("page", &page.to_string());
    format!("{base}?{}", q.finish())
}

fn pages(total: usize, p: PageRequest) -> u64 {
    (total as u64).div_ceil(p.per_page()).max(1)
}

/// A redirect target that stays on this site: a path starting with one `/`, with no
/// backslash, whitespace or control character (browsers drop tabs and newlines, which would
/// turn `/\t/evil.example` into `//evil.example`). Anything else is `/`.
pub(crate) fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
                && n.len() <= 2000 =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

// ---- language and assets ----------------------------------------------------------------

#[derive(Deserialize)]
struct SwitchParams {
    next: Option<String>,
}

/// Remembers the reader's language for a year and goes back to the page. Only local paths
/// are followed, so the switch cannot be used to send readers elsewhere.
async fn switch_language(
    PagePath(code): PagePath<String>,
    Query(params): Query<SwitchParams>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return error_page(StatusCode::NOT_FOUND, "", Lang::En);
    };
    let next = local_path(params.next.as_deref());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        i18n::COOKIE,
        lang.code()
    );
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_the_site() {
        for (input, expected) in [
            (Some("/topics/dfs?x=1"), "/topics/dfs?x=1"),
            (Some("/"), "/"),
            (None, "/"),
            (Some("//evil.example"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("/\t/evil.example"), "/"),
            (Some("/\r\nSet-Cookie: x=1"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("topics"), "/"),
        ] {
            assert_eq!(local_path(input), expected, "{input:?}");
        }
    }

    #[test]
    fn list_links_keep_the_filters() {
        let p = ListParams {
            organization: Some("UPU".into()),
            q: Some("a&b".into()),
            ..ListParams::default()
        };
        assert_eq!(
            p.link("/bodies", 2),
            "/bodies?organization=UPU&q=a%26b&page=2"
        );
    }
}
