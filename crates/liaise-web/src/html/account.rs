//! Sign-in, sign-out, the account page with personal API tokens, and the audit log page.

use std::net::SocketAddr;

use askama::Template;
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{MethodRouter, get, post},
};
use liaise_service::{AuditFilter, ServiceError, accounts::SignInToken, domain::PageRequest};
use serde::Deserialize;

use super::{
    Me, PageViewer, error_page, error_page_titled, local_path, render,
    session::{CSRF_COOKIE, clear_session_cookie, csrf_cookie, session_cookie, tokens_match},
};
use crate::{
    AppState,
    api::rfc3339,
    html::form::{PageForm, PagePath},
    i18n::{self, Lang},
};

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/login", get(login_form).post(login)),
        ("/logout", post(logout)),
        ("/account", get(account)),
        ("/account/tokens", post(create_token)),
        ("/account/tokens/{id}/revoke", post(revoke_token)),
        ("/account/sign-out-everywhere", post(sign_out_everywhere)),
        ("/account/listing", post(set_listing)),
        ("/admin/audit", get(audit)),
    ]
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

// ---- sign-in ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    form_csrf: String,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextParam {
    next: Option<String>,
}

/// The sign-in page with a CSRF token: `token.field` in the form, `token.cookie` set.
fn login_page(
    lang: Lang,
    status: StatusCode,
    token: &SignInToken,
    next: &str,
    email: &str,
    error: Option<String>,
    secure: bool,
) -> Response {
    let page = LoginPage {
        i: lang,
        langs: Lang::ALL,
        me: Me::default(),
        path: format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
        form_csrf: token.field.clone(),
        next: next.to_owned(),
        email: email.to_owned(),
        error,
    };
    let mut res = render(&page, lang);
    *res.status_mut() = status;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_cookie(res, &csrf_cookie(&token.cookie, secure))
}

async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(q): Query<NextParam>,
    headers: axum::http::HeaderMap,
) -> Response {
    let next = local_path(q.next.as_deref());
    if viewer.session.is_some() {
        return Redirect::to(&next).into_response();
    }
    let token = state
        .liaise
        .sign_in_token(i18n::header_cookie(&headers, CSRF_COOKIE));
    login_page(
        lang,
        StatusCode::OK,
        &token,
        &next,
        "",
        None,
        state.secure_cookies,
    )
}

/// Form fields default to empty, so a form missing one is refused by the checks that follow
/// (a missing CSRF token is a refused token, not a parse error).
#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let secure = state.secure_cookies;
    let next = local_path(form.next.as_deref());
    let cookie_csrf = i18n::header_cookie(&headers, CSRF_COOKIE);
    // The pair must be one this site signed: a value invented for both the cookie and the
    // field (a planted cookie) is refused before the e-mail and password are looked at.
    if !cookie_csrf.is_some_and(|c| state.liaise.sign_in_token_valid(c, &form.csrf)) {
        tracing::warn!(client = %peer.ip(), "sign-in form with a token this site did not issue");
        return login_page(
            lang,
            StatusCode::FORBIDDEN,
            &state.liaise.sign_in_token(None),
            &next,
            "",
            Some(lang.t("login-form-refused")),
            secure,
        );
    }
    let token = state.liaise.sign_in_token(cookie_csrf);
    match state
        .liaise
        .login(&form.email, &form.password, &peer.ip().to_string())
        .await
    {
        Ok(session) => {
            // A new session id at every sign-in; the old session, if any, ends.
            if let Some(old) = &viewer.secret {
                let _ = state.liaise.logout(old, &viewer.viewer).await;
            }
            let res = Redirect::to(&next).into_response();
            let res = with_cookie(res, &session_cookie(&session.secret, secure));
            with_cookie(res, &format!("{CSRF_COOKIE}=; Path=/; Max-Age=0"))
        }
        Err(ServiceError::Unauthenticated) => login_page(
            lang,
            StatusCode::UNAUTHORIZED,
            &token,
            &next,
            &form.email,
            Some(lang.t("login-failed")),
            secure,
        ),
        Err(ServiceError::RateLimited { retry_after }) => {
            let mut res = login_page(
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &token,
                &next,
                &form.email,
                Some(lang.t_args(
                    "login-rate-limited",
                    &[("minutes", retry_after.div_ceil(60).to_string())],
                )),
                secure,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// The session's CSRF check for forms of signed-in readers: the page to answer instead, if
/// the form is refused (and recorded in the audit log: someone may be forging requests).
pub(super) async fn refuse_session_form(
    state: &AppState,
    viewer: &PageViewer,
    csrf: &str,
    lang: Lang,
) -> Option<Response> {
    match &viewer.session {
        None => Some(Redirect::to("/login").into_response()),
        Some(s) if tokens_match(&s.csrf_token, csrf) => None,
        Some(s) => {
            if let Err(e) = state
                .liaise
                .security_event(&viewer.viewer, "csrf-refused", "session", &s.email)
                .await
            {
                tracing::warn!(error = %e, "recording a refused form");
            }
            Some(error_page_titled(
                StatusCode::FORBIDDEN,
                &lang.t("error-title-csrf"),
                &lang.t("error-csrf"),
                lang,
            ))
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    if let Some(secret) = &viewer.secret
        && let Err(e) = state.liaise.logout(secret, &viewer.viewer).await
    {
        return crate::error::PageError::from_service(e, lang).into_response();
    }
    with_cookie(
        Redirect::to("/").into_response(),
        &clear_session_cookie(state.secure_cookies),
    )
}

// ---- account ----------------------------------------------------------------------------

struct TokenRow {
    id: i32,
    name: String,
    created: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    email: String,
    role: String,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    /// The account's registry person: (id, listed by choice, public either way).
    person: Option<(i32, bool, bool)>,
}

fn role_label(viewer: &liaise_service::domain::Viewer, lang: Lang) -> String {
    use liaise_service::domain::Role;
    match &viewer.role {
        Role::Admin => lang.t("role-name-admin"),
        Role::Member | Role::Public => lang.t("role-name-member"),
        Role::Secretariat(org) => lang.t_args(
            "role-name-secretariat",
            &[("organization", org.to_string())],
        ),
    }
}

async fn account_page(
    state: &AppState,
    lang: Lang,
    viewer: &PageViewer,
    new_token: Option<String>,
) -> Response {
    let Some(session) = &viewer.session else {
        return Redirect::to("/login?next=/account").into_response();
    };
    let tokens = match state.liaise.list_tokens(&viewer.viewer).await {
        Ok(t) => t,
        Err(e) => return crate::error::PageError::from_service(e, lang).into_response(),
    };
    let person = match state.liaise.my_person(&viewer.viewer).await {
        Ok(p) => p.map(|p| (p.id, p.listed, p.is_public())),
        Err(e) => return crate::error::PageError::from_service(e, lang).into_response(),
    };
    let page = AccountPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/account".to_owned(),
        email: session.email.clone(),
        role: role_label(&viewer.viewer, lang),
        tokens: tokens
            .into_iter()
            .filter(|t| t.user_id == Some(session.user_id))
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                created: rfc3339(t.created_at),
                revoked: t.revoked,
            })
            .collect(),
        new_token,
        person,
    };
    let mut res = render(&page, lang);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn account(State(state): State<AppState>, lang: Lang, viewer: PageViewer) -> Response {
    account_page(&state, lang, &viewer, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PageForm(form): PageForm<TokenForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    match state
        .liaise
        .create_personal_token(&viewer.viewer, &form.name)
        .await
    {
        Ok((secret, _)) => account_page(&state, lang, &viewer, Some(secret)).await,
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    let Ok(id) = id.parse::<i32>() else {
        return error_page(StatusCode::NOT_FOUND, "", lang);
    };
    match state.liaise.revoke_token(&viewer.viewer, id).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

#[derive(Deserialize)]
struct ListingForm {
    #[serde(default)]
    csrf: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    listed: Option<String>,
}

async fn set_listing(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PageForm(form): PageForm<ListingForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    match state
        .liaise
        .set_listed(&viewer.viewer, form.listed.is_some())
        .await
    {
        Ok(_) => Redirect::to("/account").into_response(),
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

async fn sign_out_everywhere(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    match state.liaise.logout_everywhere(&viewer.viewer).await {
        Ok(_) => with_cookie(
            Redirect::to("/").into_response(),
            &clear_session_cookie(state.secure_cookies),
        ),
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

// ---- audit ------------------------------------------------------------------------------

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    entity: String,
    key: String,
    changes: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    filter_entity: String,
    filter_actor: String,
    filter_action: String,
    entries: Vec<AuditRow>,
    total: u64,
    page: u64,
    pages: u64,
}

impl AuditPage {
    fn page_link(&self, page: u64) -> String {
        super::page_link(
            "/admin/audit",
            &[
                ("entity", Some(self.filter_entity.as_str())),
                ("actor", Some(self.filter_actor.as_str())),
                ("action", Some(self.filter_action.as_str())),
            ],
            page,
        )
    }
}

#[derive(Deserialize)]
struct AuditParams {
    entity: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    page: Option<String>,
}

/// For administrators; anyone else gets the page that does not exist.
async fn audit(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(p): Query<AuditParams>,
) -> Response {
    if !viewer.viewer.is_admin() {
        return error_page(StatusCode::NOT_FOUND, "", lang);
    }
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let filter = AuditFilter {
        entity: blank(&p.entity),
        entity_key: None,
        actor: blank(&p.actor),
        action: blank(&p.action),
    };
    let page = PageRequest::parse(p.page.as_deref().and_then(|x| x.parse().ok()), Some(100))
        .unwrap_or_default();
    let (entries, total) = match state.liaise.audit_log(&viewer.viewer, &filter, page).await {
        Ok(r) => r,
        Err(e) => return crate::error::PageError::from_service(e, lang).into_response(),
    };
    let view = AuditPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/admin/audit".to_owned(),
        filter_entity: filter.entity.unwrap_or_default(),
        filter_actor: filter.actor.unwrap_or_default(),
        filter_action: filter.action.unwrap_or_default(),
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                at: rfc3339(e.at),
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                key: e.entity_key,
                changes: e.changes.unwrap_or_default(),
            })
            .collect(),
        total,
        page: page.page(),
        pages: total.div_ceil(page.per_page()).max(1),
    };
    render(&view, lang)
}
