//! Pages for people: server-rendered, complete without JavaScript, in English or French.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{MethodRouter, get},
};
use liaise_service::{
    activities::{Activity, ActivityQuery},
    domain::{PageRequest, activity::ActivityKind, registry::BodyKind},
    liaisons::{Liaison, LiaisonQuery},
    snapshot::{
        Body, BodyFilter, Matrix, Organization, Person, PersonFilter, Role, Snapshot, Topic,
    },
};
use serde::Deserialize;

use crate::{
    AppState,
    error::PageError,
    i18n::{self, Lang},
};

mod account;
mod documents;
pub(crate) mod form;
mod liaison_forms;
mod search;
mod session;

use form::PagePath;
pub use session::{Me, PageViewer};

const STYLE: &str = include_str!("../../static/style.css");

/// Every page route with its handlers; the router is built from this list, and the access
/// tests read it, so a page added here is covered by them without anyone remembering.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/", get(home)),
        ("/organizations/{code}", get(organization)),
        ("/bodies", get(bodies)),
        ("/bodies/{code}", get(body)),
        ("/topics", get(topics)),
        ("/topics/{slug}", get(topic)),
        ("/matrix", get(matrix)),
        ("/people", get(people)),
        ("/people/{id}", get(person)),
        ("/activities", get(activities)),
        ("/liaisons", get(liaisons)),
        ("/liaisons.csv", get(liaisons_csv)),
        ("/liaisons/{key}", get(liaison)),
        ("/liaisons/{key}/attachments/{id}", get(liaison_attachment)),
        ("/secretariat/reminders", get(reminders)),
        ("/activities/{id}", get(activity)),
        ("/search", get(search::search)),
        ("/lang/{code}", get(switch_language)),
        ("/static/style.css", get(stylesheet)),
    ];
    routes.extend(liaison_forms::routes());
    routes.extend(account::routes());
    routes.extend(documents::routes());
    routes.extend(crate::feeds::routes());
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

// ---- home -------------------------------------------------------------------------------

struct TopicSummary<'a> {
    topic: &'a Topic,
    counts: Vec<(&'a str, usize)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    intro: String,
    organizations: Vec<(&'a Organization, usize)>,
    topics: Vec<TopicSummary<'a>>,
    activities: &'a [Activity],
    liaisons: &'a [Liaison],
}

async fn home(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let organizations: Vec<(&Organization, usize)> = snap
        .organizations
        .iter()
        .map(|o| {
            (
                o,
                snap.bodies.iter().filter(|b| b.belongs_to(&o.code)).count(),
            )
        })
        .collect();
    let names: Vec<&str> = snap.organizations.iter().map(|o| o.code.as_str()).collect();
    let joined = match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!(
            "{} {} {last}",
            rest.join(", "),
            if lang == Lang::Fr { "et" } else { "and" }
        ),
    };
    let topics = snap
        .topics
        .iter()
        .filter(|t| t.parent.is_none())
        .map(|t| TopicSummary {
            topic: t,
            counts: snap
                .topic_bodies_by_organization(t)
                .into_iter()
                .map(|(o, bodies)| (o.code.as_str(), bodies.len()))
                .collect(),
        })
        .collect();
    let recent = visible_activities(&state, &viewer, ActivityQuery::default(), 5, lang).await?;
    let awaiting_query = LiaisonQuery {
        awaiting: true,
        ..LiaisonQuery::default()
    };
    let awaiting = visible_liaisons(&state, &viewer, awaiting_query, 10, lang).await?;
    let page = HomePage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/".to_owned(),
        intro: lang.t_args("home-intro", &[("organizations", joined)]),
        organizations,
        topics,
        activities: &recent.items,
        liaisons: &awaiting.items,
    };
    Ok(render(&page, lang))
}

// ---- organization -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    org: &'a Organization,
    tree: Vec<(usize, &'a Body)>,
}

/// The bodies of an organization in hierarchy order, each with its depth.
fn tree<'a>(snap: &'a Snapshot, org: &str) -> Vec<(usize, &'a Body)> {
    fn walk<'a>(
        snap: &'a Snapshot,
        org: &str,
        b: &'a Body,
        depth: usize,
        out: &mut Vec<(usize, &'a Body)>,
    ) {
        if out.iter().any(|(_, x)| x.code == b.code) || depth > 16 {
            return;
        }
        out.push((depth, b));
        for c in &b.children {
            if let Some(child) = snap.body(c).filter(|c| c.belongs_to(org)) {
                walk(snap, org, child, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    let roots = snap.bodies.iter().filter(|b| {
        b.belongs_to(org)
            && b.parent
                .as_deref()
                .and_then(|p| snap.body(p))
                .is_none_or(|p| !p.belongs_to(org))
    });
    for r in roots {
        walk(snap, org, r, 0, &mut out);
    }
    out
}

async fn organization(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let org = snap.organization(&code).ok_or(PageError::not_found(lang))?;
    let page = OrganizationPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/organizations/{}", org.code),
        org,
        tree: tree(&snap, &org.code),
    };
    Ok(render(&page, lang))
}

// ---- body -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "body.html")]
struct BodyPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    body: &'a Body,
    ancestors: Vec<&'a Body>,
    children: Vec<&'a Body>,
    topics: Vec<&'a Topic>,
    people: Vec<(&'a Person, &'a Role)>,
    counterparts: Vec<(&'a Body, Vec<&'a Topic>)>,
    activities: &'a [Activity],
    ls_out: &'a [Liaison],
    ls_in: &'a [Liaison],
}

async fn body(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let body = snap.body(&code).ok_or(PageError::not_found(lang))?;
    let mut ancestors = snap.ancestors(&body.code);
    ancestors.reverse();
    let counterparts: Vec<(&Body, Vec<&Topic>)> = snap
        .bodies
        .iter()
        .filter(|b| !b.organizations.iter().any(|o| body.belongs_to(o)))
        .filter_map(|b| {
            let shared: Vec<&Topic> = body
                .topics
                .iter()
                .filter(|t| b.topics.contains(t))
                .filter_map(|t| snap.topic(t))
                .collect();
            (!shared.is_empty()).then_some((b, shared))
        })
        .collect();
    let query = ActivityQuery {
        body: Some(body.code.clone()),
        ..ActivityQuery::default()
    };
    let acts = visible_activities(&state, &viewer, query, 50, lang).await?;
    let out_query = LiaisonQuery {
        from: Some(body.code.clone()),
        ..LiaisonQuery::default()
    };
    let in_query = LiaisonQuery {
        to: Some(body.code.clone()),
        ..LiaisonQuery::default()
    };
    let ls_out = visible_liaisons(&state, &viewer, out_query, 50, lang).await?;
    let ls_in = visible_liaisons(&state, &viewer, in_query, 50, lang).await?;
    let page = BodyPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/bodies/{}", body.code),
        body,
        ancestors,
        children: body.children.iter().filter_map(|c| snap.body(c)).collect(),
        topics: body.topics.iter().filter_map(|t| snap.topic(t)).collect(),
        people: snap.people_in(&body.code),
        counterparts,
        activities: &acts.items,
        ls_out: &ls_out.items,
        ls_in: &ls_in.items,
    };
    Ok(render(&page, lang))
}

// ---- topics -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    topic: &'a Topic,
    parent: Option<&'a Topic>,
    children: Vec<&'a Topic>,
    by_org: Vec<(&'a Organization, Vec<&'a Body>)>,
    activities: &'a [Activity],
    liaisons: &'a [Liaison],
}

async fn topic(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(slug): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let topic = snap.topic(&slug).ok_or(PageError::not_found(lang))?;
    let query = ActivityQuery {
        topic: Some(topic.slug.clone()),
        ..ActivityQuery::default()
    };
    let acts = visible_activities(&state, &viewer, query, 50, lang).await?;
    let ls_query = LiaisonQuery {
        topic: Some(topic.slug.clone()),
        ..LiaisonQuery::default()
    };
    let topic_ls = visible_liaisons(&state, &viewer, ls_query, 50, lang).await?;
    let page = TopicPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/topics/{}", topic.slug),
        topic,
        parent: topic.parent.as_deref().and_then(|p| snap.topic(p)),
        children: topic
            .children
            .iter()
            .filter_map(|c| snap.topic(c))
            .collect(),
        by_org: snap.topic_bodies_by_organization(topic),
        activities: &acts.items,
        liaisons: &topic_ls.items,
    };
    Ok(render(&page, lang))
}

struct TopicRow<'a> {
    topic: &'a Topic,
    /// Body codes per organization, in the order of `organizations`.
    bodies: Vec<Vec<&'a str>>,
}

#[derive(Template)]
#[template(path = "topics.html")]
struct TopicsPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    organizations: &'a [Organization],
    rows: Vec<TopicRow<'a>>,
}

/// Topics in taxonomy order: each parent followed by its subtopics.
fn topics_in_order(snap: &Snapshot) -> Vec<&Topic> {
    let mut out: Vec<&Topic> = Vec::new();
    for t in snap.topics.iter().filter(|t| t.parent.is_none()) {
        out.push(t);
        out.extend(t.children.iter().filter_map(|c| snap.topic(c)));
    }
    for t in &snap.topics {
        if !out.iter().any(|o| o.slug == t.slug) {
            out.push(t);
        }
    }
    out
}

async fn topics(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let rows = topics_in_order(&snap)
        .into_iter()
        .map(|t| TopicRow {
            topic: t,
            bodies: snap
                .topic_bodies_by_organization(t)
                .into_iter()
                .map(|(_, bodies)| bodies.iter().map(|b| b.code.as_str()).collect())
                .collect(),
        })
        .collect();
    let page = TopicsPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/topics".to_owned(),
        organizations: &snap.organizations,
        rows,
    };
    Ok(render(&page, lang))
}

// ---- matrix -----------------------------------------------------------------------------

#[derive(Deserialize)]
struct MatrixParams {
    rows: Option<String>,
    columns: Option<String>,
}

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    snap: &'a Snapshot,
    organizations: &'a [Organization],
    matrix: std::sync::Arc<Matrix>,
}

impl<'a> MatrixPage<'a> {
    fn body_name(&self, code: &str) -> &'a str {
        self.snap
            .body(code)
            .map_or("", |b| self.i.pick(&b.name, b.name_fr.as_deref()))
    }

    fn topic_name<'s>(&self, slug: &'s str) -> &'s str
    where
        'a: 's,
    {
        self.snap
            .topic(slug)
            .map_or(slug, |t| self.i.pick(&t.name, t.name_fr.as_deref()))
    }
}

async fn matrix(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<MatrixParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let (default_rows, default_columns) = snap.default_pair();
    let rows = params
        .rows
        .as_deref()
        .and_then(|c| snap.organization(c))
        .map_or(default_rows, |o| o.code.clone());
    let columns = params
        .columns
        .as_deref()
        .and_then(|c| snap.organization(c))
        .map_or(default_columns, |o| o.code.clone());
    let page = MatrixPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/matrix".to_owned(),
        snap: &snap,
        organizations: &snap.organizations,
        matrix: snap.matrix(&rows, &columns),
    };
    Ok(render(&page, lang))
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

#[derive(Template)]
#[template(path = "bodies.html")]
struct BodiesPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    organizations: &'a [Organization],
    topics: &'a [Topic],
    kinds: Vec<&'static str>,
    filter_org: String,
    filter_kind: String,
    filter_topic: String,
    filter_q: String,
    bodies: Vec<&'a Body>,
    total: usize,
    page: u64,
    pages: u64,
}

impl BodiesPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/bodies", page)
    }
}

async fn bodies(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let found = snap.find_bodies(&BodyFilter {
        organization: params.organization.clone(),
        kind: params.kind.clone(),
        parent: None,
        topic: params.topic.clone(),
        q: params.q.clone(),
    });
    let p = params.page_request();
    let page = BodiesPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/bodies", p.page()),
        params: &params,
        organizations: &snap.organizations,
        topics: &snap.topics,
        kinds: BodyKind::ALL.iter().map(|k| k.as_str()).collect(),
        filter_org: params
            .organization
            .clone()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        filter_kind: params.kind.clone().unwrap_or_default(),
        filter_topic: params.topic.clone().unwrap_or_default(),
        filter_q: params.q.clone().unwrap_or_default(),
        bodies: p.slice(&found).to_vec(),
        total: found.len(),
        page: p.page(),
        pages: pages(found.len(), p),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    people: Vec<&'a Person>,
    page: u64,
    pages: u64,
}

impl PeoplePage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/people", page)
    }
}

async fn people(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let found = snap.find_people(
        &viewer.viewer,
        &PersonFilter {
            organization: params.organization.clone(),
            body: params.body.clone(),
            q: params.q.clone(),
        },
    );
    let p = params.page_request();
    let page = PeoplePage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/people", p.page()),
        params: &params,
        people: p.slice(&found).to_vec(),
        page: p.page(),
        pages: pages(found.len(), p),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    snap: &'a Snapshot,
    person: &'a Person,
    /// E-mail addresses are for signed-in readers only.
    show_email: bool,
}

impl PersonPage<'_> {
    fn body_name(&self, code: &str) -> String {
        self.snap
            .body(code)
            .map(|b| self.i.pick(&b.name, b.name_fr.as_deref()).to_owned())
            .unwrap_or_default()
    }
}

async fn person(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let person = id
        .parse::<i32>()
        .ok()
        .and_then(|id| snap.person_for(&viewer.viewer, id))
        .ok_or(PageError::not_found(lang))?;
    let page = PersonPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/people/{}", person.id),
        snap: &snap,
        person,
        show_email: !viewer.viewer.is_anonymous(),
    };
    Ok(render(&page, lang))
}

// ---- activities -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "activities.html")]
struct ActivitiesPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    params: &'a ListParams,
    organizations: &'a [Organization],
    topics: &'a [Topic],
    kinds: Vec<&'static str>,
    filter_kind: String,
    filter_org: String,
    filter_topic: String,
    filter_year: String,
    activities: &'a [Activity],
    total: u64,
    page: u64,
    pages: u64,
}

impl ActivitiesPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.params.link("/activities", page)
    }
}

async fn activities(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let p = params.page_request();
    let query = ActivityQuery {
        kind: params.kind.clone(),
        body: params.body.clone(),
        topic: params.topic.clone(),
        organization: params.organization.clone(),
        year: params.year.as_deref().and_then(|y| y.trim().parse().ok()),
    };
    let found = state
        .liaise
        .activities(&viewer.viewer, &query, p)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let page = ActivitiesPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link("/activities", p.page()),
        params: &params,
        organizations: &snap.organizations,
        topics: &snap.topics,
        kinds: ActivityKind::ALL.iter().map(|k| k.as_str()).collect(),
        filter_kind: params.kind.clone().unwrap_or_default(),
        filter_org: params
            .organization
            .clone()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        filter_topic: params.topic.clone().unwrap_or_default(),
        filter_year: params.year.clone().unwrap_or_default(),
        activities: &found.items,
        total: found.total,
        page: p.page(),
        pages: found.total.div_ceil(p.per_page()).max(1),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityView<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    act: &'a Activity,
    topics: Vec<&'a Topic>,
}

async fn activity(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Result<Response, PageError> {
    let Ok(id) = id.parse::<i32>() else {
        return Err(PageError::not_found(lang));
    };
    let snap = snapshot(&state, lang).await?;
    let a = state
        .liaise
        .activity(&viewer.viewer, id)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let page = ActivityView {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/activities/{id}"),
        act: &a,
        topics: a.topics.iter().filter_map(|t| snap.topic(t)).collect(),
    };
    Ok(render(&page, lang))
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

// ---- liaison statements -----------------------------------------------------------------

#[derive(Deserialize, Default, Debug)]
struct LiaisonParams {
    organization: Option<String>,
    from: Option<String>,
    to: Option<String>,
    purpose: Option<String>,
    state: Option<String>,
    topic: Option<String>,
    year: Option<String>,
    #[serde(default)]
    awaiting: bool,
    #[serde(default)]
    overdue: bool,
    sort: Option<String>,
    page: Option<String>,
}

impl LiaisonParams {
    fn link(&self, page: u64) -> String {
        page_link(
            "/liaisons",
            &[
                ("organization", self.organization.as_deref()),
                ("from", self.from.as_deref()),
                ("to", self.to.as_deref()),
                ("purpose", self.purpose.as_deref()),
                ("state", self.state.as_deref()),
                ("topic", self.topic.as_deref()),
                ("year", self.year.as_deref()),
                ("awaiting", self.awaiting.then_some("true")),
                ("overdue", self.overdue.then_some("true")),
                ("sort", self.sort.as_deref()),
            ],
            page,
        )
    }

    /// The orders the list offers.
    fn sorts(&self) -> Vec<&'static str> {
        liaise_service::domain::liaison::LsSort::ALL
            .iter()
            .map(|s| s.as_str())
            .collect()
    }

    /// Whether the list is in this order (newest first when none is asked).
    fn sorted_by(&self, sort: &str) -> bool {
        self.sort
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("newest")
            == sort
    }

    fn csv_link(&self) -> String {
        self.link(1)
            .replacen("/liaisons?", "/liaisons.csv?", 1)
            .replace("&page=1", "")
            .replace("?page=1", "")
    }

    fn query(&self) -> LiaisonQuery {
        LiaisonQuery {
            organization: self.organization.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            purpose: self.purpose.clone(),
            state: self.state.clone(),
            topic: self.topic.clone(),
            year: self.year.as_deref().and_then(|y| y.trim().parse().ok()),
            awaiting: self.awaiting,
            overdue: self.overdue,
            sort: self.sort.clone(),
        }
    }
}

/// The page around the list: the layout, with the reader's own header.
#[derive(Template)]
#[template(path = "liaisons.html")]
struct LiaisonsPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    /// The list part, rendered once per access scope, language and query (see `liaisons`).
    content: &'a str,
}

/// The list part of the page: nothing in it depends on who reads beyond their access scope.
#[derive(Template)]
#[template(path = "liaisons_content.html")]
struct LiaisonsContent<'a> {
    i: Lang,
    f: &'a LiaisonParams,
    year: String,
    organizations: &'a [Organization],
    topics: &'a [Topic],
    states: Vec<&'static str>,
    directions: &'a [(String, String, u64)],
    liaisons: &'a [Liaison],
    total: u64,
    page: u64,
    pages: u64,
    /// A secretariat or an administrator reads: offer the form.
    can_create: bool,
}

impl LiaisonsContent<'_> {
    fn page_link(&self, page: u64) -> String {
        self.f.link(page)
    }

    /// The same list as CSV.
    fn csv_link(&self) -> String {
        self.f.csv_link()
    }
}

/// The list page. Its list part is remembered in the current snapshot per access scope,
/// language, query and day (like the statements it shows), so repeated reads only render
/// the layout around it; any write makes a new snapshot and so a new list.
async fn liaisons(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<LiaisonParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let p = PageRequest::parse(params.page.as_deref().and_then(|x| x.parse().ok()), None)
        .unwrap_or_default();
    let path = params.link(p.page());
    let key = liaise_service::cache::Key::new(
        liaise_service::cache::Answer::LiaisonListHtml,
        &viewer.viewer,
        format!(
            "{}|{path}|{}",
            lang.code(),
            time::OffsetDateTime::now_utc().date()
        ),
    );
    let content = match state.liaise.cache().recall::<String>(key) {
        Ok(c) => c,
        Err(ticket) => {
            let query = params.query();
            let err = |e| PageError::from_service(e, lang);
            let found = state
                .liaise
                .liaisons(&viewer.viewer, &query, p)
                .await
                .map_err(err)?;
            let directions = state
                .liaise
                .liaison_directions(&viewer.viewer)
                .await
                .map_err(err)?;
            let content = LiaisonsContent {
                i: lang,
                f: &params,
                year: params.year.clone().unwrap_or_default(),
                organizations: &snap.organizations,
                topics: &snap.topics,
                states: liaise_service::domain::liaison::LsState::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect(),
                directions: &directions,
                liaisons: &found.items,
                total: found.total,
                page: p.page(),
                pages: found.total.div_ceil(p.per_page()).max(1),
                can_create: matches!(
                    viewer.viewer.role,
                    liaise_service::domain::Role::Admin
                        | liaise_service::domain::Role::Secretariat(_)
                ),
            };
            let html = std::sync::Arc::new(content.render().map_err(|e| {
                tracing::error!(error = %e, "template");
                PageError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    detail: String::new(),
                    lang,
                }
            })?);
            state.liaise.cache().remember(ticket, html.clone());
            html
        }
    };
    let page = LiaisonsPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path,
        content: &content,
    };
    Ok(render(&page, lang))
}

/// The most rows one CSV export carries.
const CSV_MAX: u64 = 20_000;

/// The list as CSV, with the filters of the page and what the reader may see; the columns
/// are those `liaise import liaisons` reads (`received` included, so a received statement
/// is imported again as received), plus the id, overdue and the thread.
async fn liaisons_csv(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<LiaisonParams>,
) -> Result<Response, PageError> {
    liaisons_csv_response(&state, &viewer.viewer, &params.query())
        .await
        .map_err(|e| PageError::from_service(e, lang))
}

/// The statements of a query that `viewer` may see, as a CSV file (the page's export and
/// the API's answer to `Accept: text/csv`).
pub(crate) async fn liaisons_csv_response(
    state: &AppState,
    viewer: &liaise_service::domain::Viewer,
    query: &LiaisonQuery,
) -> Result<Response, liaise_service::ServiceError> {
    let mut out = crate::csv_out::CsvOut::new();
    let header = [
        "id",
        "number",
        "title",
        "date",
        "state",
        "from",
        "addressees",
        "summary",
        "access",
        "topics",
        "questions",
        "other_reference",
        "approval_level",
        "in_reply_to",
        "overdue",
        "text",
        "meeting",
        "related_to",
        "received",
    ];
    let csv_error =
        |e: csv::Error| liaise_service::ServiceError::Internal(format!("writing CSV: {e}"));
    out.write_record(header).map_err(csv_error)?;
    let mut page_no = 1;
    let mut written = 0;
    loop {
        let p = PageRequest::parse(Some(page_no), Some(500)).unwrap_or_default();
        let found = state.liaise.liaisons(viewer, query, p).await?;
        for l in &found.items {
            let addressees = l
                .addressees
                .iter()
                .map(|a| {
                    let mut s = format!("{}:{}", a.body, a.purpose);
                    if let Some(d) = a.deadline {
                        s.push_str(&format!(":{d}"));
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join(";");
            out.write_record([
                l.id.to_string(),
                l.number.clone().unwrap_or_default(),
                l.title.clone(),
                l.date.to_string(),
                l.state.clone(),
                l.from.join(";"),
                addressees,
                l.summary.clone().unwrap_or_default(),
                l.access.as_str().to_owned(),
                l.topics.join(";"),
                l.questions.join(";"),
                l.other_reference.clone().unwrap_or_default(),
                l.approval_level.clone().unwrap_or_default(),
                l.in_reply_to.map(|i| i.to_string()).unwrap_or_default(),
                l.overdue.to_string(),
                l.text.clone().unwrap_or_default(),
                l.meeting.clone().unwrap_or_default(),
                l.related_to.map(|i| i.to_string()).unwrap_or_default(),
                l.received.to_string(),
            ])
            .map_err(csv_error)?;
            written += 1;
        }
        if found.items.is_empty() || written >= found.total.min(CSV_MAX) {
            break;
        }
        page_no += 1;
    }
    let bytes = out.into_bytes().map_err(csv_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"liaisons.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "liaison.html")]
struct LiaisonView<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    ls: &'a Liaison,
    /// The body text rendered from Markdown and sanitized.
    text_html: Option<String>,
    /// The statement this one answers (none or one).
    parent: Vec<Liaison>,
    replies: Vec<Liaison>,
    show_email: bool,
    /// The buttons this reader may use.
    can: liaise_service::liaisons::LiaisonActions,
    /// Why an attached file was refused.
    attach_error: Option<String>,
    /// The statement's events, for its secretariats (empty for other readers).
    history: Vec<HistoryLine>,
}

/// One event of a statement's history, as shown.
struct HistoryLine {
    at: String,
    actor: String,
    action: String,
    /// A comment's text, or the note of a row closed without reply.
    note: Option<String>,
}

impl HistoryLine {
    fn of(e: liaise_service::audit::AuditEntry) -> Self {
        let changes: serde_json::Value = e
            .changes
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let note = ["comment", "note"]
            .iter()
            .find_map(|k| changes[k]["after"].as_str())
            .map(str::to_owned);
        Self {
            at: format!(
                "{} {:02}:{:02} UTC",
                e.at.date(),
                e.at.hour(),
                e.at.minute()
            ),
            actor: e.actor,
            action: e.action,
            note,
        }
    }
}

impl LiaisonView<'_> {
    /// The states this reader may move the statement to.
    fn transitions(&self) -> Vec<&'static str> {
        [
            (self.can.approve, "approved"),
            (self.can.send, "sent"),
            (self.can.withdraw, "withdrawn"),
        ]
        .into_iter()
        .filter_map(|(ok, to)| ok.then_some(to))
        .collect()
    }

    fn url_key(&self) -> String {
        form_urlencoded::byte_serialize(self.ls.key().as_bytes()).collect()
    }

    /// Who may read it now, and once sent: "Draft — visible only to the secretariats of ITU
    /// and UPU; public once sent".
    fn visibility(&self) -> String {
        visibility(self.i, self.ls)
    }
}

/// Who may read a statement now and once sent, in the reader's language (the page and the
/// form say the same).
pub(crate) fn visibility(i: Lang, ls: &Liaison) -> String {
    let orgs = match ls.organizations.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), i.t("ls-and")),
    };
    let access = ls.access.as_str();
    match ls.state.as_str() {
        "sent" => i.t_args(&format!("ls-visibility-sent-{access}"), &[("orgs", orgs)]),
        state => i.t_args(
            &format!("ls-visibility-{state}"),
            &[
                ("orgs", orgs),
                ("once", i.t(&format!("ls-once-sent-{access}"))),
            ],
        ),
    }
}

async fn liaison(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
) -> Result<Response, PageError> {
    liaison_page(&state, lang, &viewer, &key, None, StatusCode::OK).await
}

/// The page of a statement, with the buttons its reader may use.
pub(crate) async fn liaison_page(
    state: &AppState,
    lang: Lang,
    viewer: &PageViewer,
    key: &str,
    attach_error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let err = |e| PageError::from_service(e, lang);
    let ls = state
        .liaise
        .liaison(&viewer.viewer, key)
        .await
        .map_err(err)?;
    let parent = match ls.in_reply_to {
        Some(id) => state
            .liaise
            .liaison(&viewer.viewer, &id.to_string())
            .await
            .ok()
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    let replies = state
        .liaise
        .replies(&viewer.viewer, ls.id)
        .await
        .map_err(err)?;
    let can = state
        .liaise
        .liaison_actions(&viewer.viewer, &ls)
        .await
        .map_err(err)?;
    let history = if can.attach {
        state
            .liaise
            .liaison_history(&viewer.viewer, &ls.id.to_string())
            .await
            .map_err(err)?
            .into_iter()
            .map(HistoryLine::of)
            .collect()
    } else {
        Vec::new()
    };
    let page = LiaisonView {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/liaisons/{}", ls.key()),
        ls: &ls,
        text_html: ls.text.as_deref().map(crate::markdown::to_html),
        parent,
        replies,
        show_email: !viewer.viewer.is_anonymous(),
        can,
        attach_error,
        history,
    };
    let mut res = render(&page, lang);
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    Ok(res)
}

async fn liaison_attachment(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath((key, id)): PagePath<(String, String)>,
) -> Result<Response, PageError> {
    let Ok(id) = id.parse::<i32>() else {
        return Err(PageError::not_found(lang));
    };
    crate::api::download(&state, &viewer.viewer, &key, id)
        .await
        .map_err(|e| PageError::from_service(e, lang))
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    reminders: Vec<liaise_service::reminders::PendingReminder>,
}

/// For secretariats and administrators; anyone else gets the page that does not exist.
async fn reminders(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
) -> Result<Response, PageError> {
    let reminders = state
        .liaise
        .pending_reminders(&viewer.viewer)
        .await
        .map_err(|_| PageError::not_found(lang))?;
    let page = RemindersPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/secretariat/reminders".to_owned(),
        reminders,
    };
    Ok(render(&page, lang))
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
