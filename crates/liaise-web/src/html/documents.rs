//! Pages of documents, amendment proposals and resolutions: lists, track changes, side by
//! side comparisons, the compilation of every proposal on a resolution, and the upload form
//! of the secretariats.

use askama::Template;
use axum::{
    extract::{Query, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{MethodRouter, get},
};
use liaise_service::{
    documents::{
        ComparedItem, Compilation, Consolidated, DocumentQuery, DocumentView, ImportOptions,
        Marked, ProposalFilter, ProposalView, ResolutionVersion, ShownMarks,
    },
    domain::{
        PageRequest, Role,
        document::{DocumentKind, ProposalStatus, Segment, changed},
    },
};
use serde::Deserialize;

use super::{Me, PageViewer, error_page, form::PagePath, render};
use crate::{AppState, error::PageError, i18n::Lang};

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/documents", get(documents)),
        (
            "/documents/import",
            get(import_form)
                .post(import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    liaise_service::documents::IMPORT_MAX + 64 * 1024,
                )),
        ),
        ("/documents/{id}", get(document)),
        (
            "/documents/{id}/edit",
            get(document_edit_form).post(document_edit),
        ),
        ("/documents/{id}/compare", get(document_compare)),
        (
            "/documents/{id}/versions/{version}/file",
            get(document_file),
        ),
        ("/proposals", get(proposals)),
        ("/proposals/{source}/{document}/{number}", get(proposal)),
        (
            "/proposals/{source}/{document}/{number}/status",
            axum::routing::post(proposal_status),
        ),
        ("/resolutions/{number}", get(resolution)),
        ("/resolutions/{number}/compare", get(resolution_compare)),
        ("/resolutions/{number}/compilation", get(compilation)),
    ]
}

/// A text with its changes, for templates: each run with its kind (`equal`, `insert`,
/// `delete`), and for an author's mark who made it and when (shown on hover).
pub struct Run {
    pub kind: &'static str,
    pub text: String,
    /// "Inserted by ATU, 14 Jun 2024 10:02 UTC"; empty for computed changes.
    pub title: String,
    /// An inserted or deleted paragraph mark (shown as ¶).
    pub para: bool,
}

fn runs(segments: &[Segment]) -> Vec<Run> {
    segments
        .iter()
        .map(|s| Run {
            kind: s.kind(),
            text: s.text().to_owned(),
            title: String::new(),
            para: false,
        })
        .collect()
}

/// `2024-06-14T10:02:00Z` as readers of the language write it (`14 Jun 2024 10:02 UTC`);
/// anything else as written.
fn mark_date(raw: &str, lang: Lang) -> String {
    let parsed = (|| {
        let (date, time) = raw.split_once('T')?;
        let mut ymd = date.splitn(3, '-').map(str::parse::<i32>);
        let (y, m, d) = (ymd.next()?.ok()?, ymd.next()?.ok()?, ymd.next()?.ok()?);
        let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
        let day = time::Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()?;
        let hm = time
            .get(..5)
            .filter(|t| t.as_bytes().get(2) == Some(&b':'))?;
        let zone = if time.ends_with('Z') { " UTC" } else { "" };
        Some(format!("{} {hm}{zone}", lang.day(&day)))
    })();
    parsed.unwrap_or_else(|| raw.to_owned())
}

/// The author's (or computed) marks of a part as runs, with author and date on hover.
fn marked_runs(marks: &[Marked], lang: Lang) -> Vec<Run> {
    marks
        .iter()
        .map(|m| {
            let kind = match m.kind.as_str() {
                "inserted" => "insert",
                "deleted" => "delete",
                _ => "equal",
            };
            let title = match (kind, &m.author) {
                ("equal", _) | (_, None) => String::new(),
                (_, Some(author)) => {
                    let who = match &m.date {
                        Some(d) => format!("{author}, {}", mark_date(d, lang)),
                        None => author.clone(),
                    };
                    let what = match (kind, m.moved, m.paragraph) {
                        ("insert", _, true) => "mark-para-inserted",
                        ("delete", _, true) => "mark-para-deleted",
                        ("insert", true, _) => "mark-moved-to",
                        ("delete", true, _) => "mark-moved-from",
                        ("insert", ..) => "mark-inserted",
                        _ => "mark-deleted",
                    };
                    lang.t_args(what, &[("who", who)])
                }
            };
            Run {
                kind,
                text: m.text.clone(),
                title,
                para: m.paragraph,
            }
        })
        .collect()
}

/// One changed (or unchanged) text on a page: heading, label, runs.
pub struct Shown {
    pub heading: String,
    pub label: String,
    pub changed: bool,
    pub runs: Vec<Run>,
    /// The first item under its heading (the heading is shown before it).
    pub starts: bool,
}

impl Shown {
    fn marked(heading: &str, label: Option<&str>, shown: &ShownMarks, lang: Lang) -> Self {
        Self {
            heading: heading.to_owned(),
            label: label.unwrap_or_default().to_owned(),
            changed: shown.changed(),
            runs: marked_runs(&shown.marks, lang),
            starts: false,
        }
    }

    fn compared(c: &ComparedItem) -> Self {
        Self {
            heading: c.heading.clone(),
            label: c.label.clone().unwrap_or_default(),
            changed: c.changed(),
            runs: runs(&c.segments),
            starts: false,
        }
    }
}

/// Marks the first item under each heading.
fn mark_headings(mut items: Vec<Shown>) -> Vec<Shown> {
    let mut last: Option<String> = None;
    for s in &mut items {
        s.starts = last.as_deref() != Some(s.heading.as_str());
        last = Some(s.heading.clone());
    }
    items
}

fn is_writer(viewer: &PageViewer) -> bool {
    matches!(viewer.viewer.role, Role::Admin | Role::Secretariat(_))
}

fn parse_id(raw: &str, lang: Lang) -> Result<i32, PageError> {
    raw.parse().map_err(|_| PageError::not_found(lang))
}

// ---- documents --------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct DocumentParams {
    kind: Option<String>,
    body: Option<String>,
    year: Option<String>,
    page: Option<String>,
}

impl DocumentParams {
    fn link(&self, page: u64) -> String {
        super::page_link(
            "/documents",
            &[
                ("kind", self.kind.as_deref()),
                ("body", self.body.as_deref()),
                ("year", self.year.as_deref()),
            ],
            page,
        )
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    f: &'a DocumentParams,
    kinds: Vec<&'static str>,
    documents: &'a [DocumentView],
    total: u64,
    page: u64,
    pages: u64,
    can_import: bool,
}

impl DocumentsPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.f.link(page)
    }

    fn selected(&self, kind: &str) -> bool {
        self.f.kind.as_deref() == Some(kind)
    }
}

async fn documents(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<DocumentParams>,
) -> Result<Response, PageError> {
    let p = PageRequest::parse(params.page.as_deref().and_then(|x| x.parse().ok()), None)
        .unwrap_or_default();
    let kind = params
        .kind
        .clone()
        .filter(|k| DocumentKind::parse("kind", k).is_ok());
    let query = DocumentQuery {
        kind,
        body: params.body.clone(),
        organization: None,
        year: params.year.as_deref().and_then(|y| y.trim().parse().ok()),
    };
    let found = state
        .liaise
        .documents(&viewer.viewer, &query, p)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let page = DocumentsPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link(p.page()),
        f: &params,
        kinds: DocumentKind::ALL.iter().map(|k| k.as_str()).collect(),
        documents: &found.items,
        total: found.total,
        page: p.page(),
        pages: found.total.div_ceil(p.per_page()).max(1),
        can_import: is_writer(&viewer),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    d: &'a DocumentView,
    proposals: Vec<ProposalView>,
    editable: bool,
    /// After an import: the version it added ("Imported as version 2").
    imported: Option<i32>,
}

#[derive(Deserialize, Default)]
struct ImportedParams {
    imported: Option<String>,
}

async fn document(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
    Query(params): Query<ImportedParams>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    let err = |e| PageError::from_service(e, lang);
    let d = state
        .liaise
        .document(&viewer.viewer, id)
        .await
        .map_err(err)?;
    let proposals = state
        .liaise
        .document_proposals(&viewer.viewer, id)
        .await
        .map_err(err)?;
    let page = DocumentPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/documents/{id}"),
        editable: state.liaise.may_edit_document(&viewer.viewer, &d),
        // Only a version this document has: the parameter is the reader's to type.
        imported: params
            .imported
            .and_then(|v| v.parse::<i32>().ok())
            .filter(|v| d.version(*v).is_some()),
        d: &d,
        proposals,
    };
    Ok(render(&page, lang))
}

// ---- a document's details ---------------------------------------------------------------

/// The details form's fields as typed (or as stored, when it opens).
#[derive(Debug, Default, Clone)]
struct DetailsValues {
    title: String,
    kind: String,
    source: String,
    bodies: String,
    meeting: String,
    date: String,
    language: String,
    topics: Vec<String>,
    access: String,
}

impl DetailsValues {
    fn of(d: &DocumentView) -> Self {
        Self {
            title: d.title.clone(),
            kind: d.kind.clone(),
            source: d.source.clone().unwrap_or_default(),
            bodies: d.bodies.join(", "),
            meeting: d.meeting.clone().unwrap_or_default(),
            date: d.date.map(|x| x.to_string()).unwrap_or_default(),
            language: d.language.clone(),
            topics: d.topics.clone(),
            access: d.access.as_str().to_owned(),
        }
    }

    /// The fields of a posted form, and its CSRF token.
    fn from_pairs(pairs: Vec<(String, String)>) -> (Self, String) {
        let mut v = Self::default();
        let mut csrf = String::new();
        for (k, value) in pairs {
            match k.as_str() {
                "csrf" => csrf = value,
                "title" => v.title = value,
                "kind" => v.kind = value,
                "source" => v.source = value,
                "bodies" => v.bodies = value,
                "meeting" => v.meeting = value,
                "date" => v.date = value,
                "language" => v.language = value,
                "topics" if v.topics.len() < 100 => v.topics.push(value),
                "access" => v.access = value,
                _ => {}
            }
        }
        (v, csrf)
    }
}

#[derive(Template)]
#[template(path = "document_edit.html")]
struct DocumentEditPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    d: &'a DocumentView,
    v: DetailsValues,
    errors: Vec<(String, String)>,
    topics: &'a [liaise_service::snapshot::Topic],
    kinds: Vec<&'static str>,
    languages: &'static [&'static str],
}

impl DocumentEditPage<'_> {
    /// The messages for a field of the form, joined; empty when it is fine. `bodies[1]`
    /// belongs to the `bodies` field, `topics[0]` to `topics`.
    fn err(&self, key: &str) -> String {
        self.errors
            .iter()
            .filter(|(k, _)| k.split('[').next() == Some(key))
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn has_topic(&self, slug: &str) -> bool {
        self.v.topics.iter().any(|t| t == slug)
    }

    /// The one-line fields: name, label key, value and whether a hint follows it.
    fn text_fields(&self) -> Vec<(&'static str, &'static str, String, bool)> {
        vec![
            ("title", "doc-title-field", self.v.title.clone(), false),
            ("source", "doc-source", self.v.source.clone(), false),
            ("meeting", "doc-meeting", self.v.meeting.clone(), false),
            ("bodies", "doc-body", self.v.bodies.clone(), true),
        ]
    }
}

/// The document, if `viewer` may change its details; the page to answer otherwise.
async fn editable_document(
    state: &AppState,
    lang: Lang,
    viewer: &PageViewer,
    raw: &str,
) -> Result<DocumentView, Response> {
    let id = parse_id(raw, lang).map_err(IntoResponse::into_response)?;
    if viewer.session.is_none() {
        let next: String =
            form_urlencoded::byte_serialize(format!("/documents/{id}/edit").as_bytes()).collect();
        return Err(Redirect::to(&format!("/login?next={next}")).into_response());
    }
    let d = state
        .liaise
        .document(&viewer.viewer, id)
        .await
        .map_err(|e| PageError::from_service(e, lang).into_response())?;
    if !state.liaise.may_edit_document(&viewer.viewer, &d) {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            &lang.t("doc-edit-forbidden"),
            lang,
        ));
    }
    Ok(d)
}

async fn details_page(
    state: &AppState,
    lang: Lang,
    viewer: &PageViewer,
    status: StatusCode,
    d: &DocumentView,
    v: DetailsValues,
    errors: Vec<(String, String)>,
) -> Response {
    let snap = match super::snapshot(state, lang).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let page = DocumentEditPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/documents/{}/edit", d.id),
        d,
        v,
        errors,
        topics: &snap.topics,
        kinds: DocumentKind::ALL.iter().map(|k| k.as_str()).collect(),
        languages: liaise_service::documents::DOCUMENT_LANGUAGES,
    };
    (status, render(&page, lang)).into_response()
}

async fn document_edit_form(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
) -> Response {
    match editable_document(&state, lang, &viewer, &id).await {
        Ok(d) => {
            let v = DetailsValues::of(&d);
            details_page(&state, lang, &viewer, StatusCode::OK, &d, v, Vec::new()).await
        }
        Err(res) => res,
    }
}

/// Saves a document's details from the form; a refusal shows the form again with what was
/// typed and each message beside its field.
async fn document_edit(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
    super::form::PageForm(pairs): super::form::PageForm<Vec<(String, String)>>,
) -> Response {
    let (v, csrf) = DetailsValues::from_pairs(pairs);
    if let Some(res) = super::account::refuse_session_form(&state, &viewer, &csrf, lang).await {
        return res;
    }
    let d = match editable_document(&state, lang, &viewer, &id).await {
        Ok(d) => d,
        Err(res) => return res,
    };
    let date = match v.date.trim() {
        "" => Ok(None),
        s => liaise_service::domain::text::date("date", s).map(Some),
    };
    let errors: Vec<(String, String)> = match date {
        Err(_) => vec![("date".to_owned(), lang.t("doc-edit-date"))],
        Ok(date) => {
            let patch = liaise_service::documents::DocumentPatch {
                title: Some(v.title.clone()),
                kind: Some(v.kind.clone()),
                source: Some(v.source.clone()),
                bodies: Some(
                    v.bodies
                        .split([',', ';', ' '])
                        .map(str::trim)
                        .filter(|b| !b.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                meeting: Some(v.meeting.clone()),
                date: Some(date),
                language: Some(v.language.clone()),
                topics: Some(v.topics.clone()),
                access: Some(v.access.clone()),
            };
            match state
                .liaise
                .update_document(&viewer.viewer, d.id, &patch)
                .await
            {
                Ok(d) => return Redirect::to(&format!("/documents/{}", d.id)).into_response(),
                Err(liaise_service::ServiceError::Invalid(list)) => {
                    list.into_iter().map(|e| (e.field, e.message)).collect()
                }
                Err(e) => return PageError::from_service(e, lang).into_response(),
            }
        }
    };
    details_page(
        &state,
        lang,
        &viewer,
        StatusCode::UNPROCESSABLE_ENTITY,
        &d,
        v,
        errors,
    )
    .await
}

async fn document_file(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath((id, version)): PagePath<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    let version = parse_id(&version, lang)?;
    crate::api::download_version(&state, &viewer.viewer, id, version)
        .await
        .map_err(|e| PageError::from_service(e, lang))
}

#[derive(Deserialize)]
struct CompareParams {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "document_compare.html")]
struct DocumentComparePage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    d: &'a DocumentView,
    from: i32,
    to: i32,
    runs: Vec<Run>,
    changed: bool,
}

async fn document_compare(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(id): PagePath<String>,
    Query(params): Query<CompareParams>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, lang)?;
    let err = |e| PageError::from_service(e, lang);
    let d = state
        .liaise
        .document(&viewer.viewer, id)
        .await
        .map_err(err)?;
    let latest = d.latest().map_or(1, |v| v.version);
    let number = |raw: &Option<String>, default: i32| {
        raw.as_deref()
            .map_or(Ok(default), |s| s.trim().parse::<i32>())
            .map_err(|_| {
                PageError::from_service(
                    liaise_service::ServiceError::invalid("version", "a version is a number"),
                    lang,
                )
            })
    };
    let from = number(&params.from, (latest - 1).max(1))?;
    let to = number(&params.to, latest)?;
    let (d, segments) = state
        .liaise
        .compare_versions(&viewer.viewer, id, from, to)
        .await
        .map_err(err)?;
    let page = DocumentComparePage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/documents/{id}/compare?from={from}&to={to}"),
        d: &d,
        from,
        to,
        changed: changed(&segments),
        runs: runs(&segments),
    };
    Ok(render(&page, lang))
}

// ---- import -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "document_import.html")]
struct ImportPage {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    kinds: Vec<&'static str>,
    error: Option<String>,
}

fn import_page(viewer: &PageViewer, lang: Lang, error: Option<String>) -> ImportPage {
    ImportPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: "/documents/import".to_owned(),
        kinds: DocumentKind::ALL.iter().map(|k| k.as_str()).collect(),
        error,
    }
}

/// The upload form, for secretariats and administrators; anyone else gets the page that
/// does not exist.
async fn import_form(lang: Lang, viewer: PageViewer) -> Response {
    if !is_writer(&viewer) {
        return error_page(StatusCode::NOT_FOUND, "", lang);
    }
    render(&import_page(&viewer, lang, None), lang)
}

async fn import(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    if !is_writer(&viewer) {
        return error_page(StatusCode::NOT_FOUND, "", lang);
    }
    let Ok(mut multipart) = multipart else {
        return error_page(StatusCode::BAD_REQUEST, &lang.t("error-form"), lang);
    };
    let mut csrf = String::new();
    let mut options = ImportOptions::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let status = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                };
                return error_page(status, &lang.t("error-form"), lang);
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let Ok(bytes) = field.bytes().await else {
            return error_page(StatusCode::BAD_REQUEST, &lang.t("error-form"), lang);
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "csrf" => csrf = text(),
            "file" => file = Some((file_name, bytes.to_vec())),
            "access" => options.access = Some(text()).filter(|s| !s.is_empty()),
            "kind" => options.kind = Some(text()).filter(|s| !s.is_empty()),
            _ => {}
        }
    }
    if let Some(res) = super::account::refuse_session_form(&state, &viewer, &csrf, lang).await {
        return res;
    }
    let Some((file_name, bytes)) = file.filter(|(n, _)| !n.is_empty()) else {
        let page = import_page(&viewer, lang, Some(lang.t("import-no-file")));
        let mut res = render(&page, lang);
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return res;
    };
    match state
        .liaise
        .import_document(&viewer.viewer, &file_name, bytes, &options)
        .await
    {
        Ok(imported) => Redirect::to(&format!(
            "/documents/{}?imported={}",
            imported.document_id, imported.version
        ))
        .into_response(),
        // An identical file: the form again, saying which version it already is.
        Err(liaise_service::ServiceError::Conflict { message, .. }) => {
            let page = import_page(&viewer, lang, Some(message));
            let mut res = render(&page, lang);
            *res.status_mut() = StatusCode::CONFLICT;
            res
        }
        Err(liaise_service::ServiceError::Invalid(errors)) => {
            let message = errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            let page = import_page(&viewer, lang, Some(message));
            let mut res = render(&page, lang);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            res
        }
        Err(e) => PageError::from_service(e, lang).into_response(),
    }
}

// ---- proposals --------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct ProposalParams {
    target: Option<String>,
    status: Option<String>,
    source: Option<String>,
    page: Option<String>,
}

impl ProposalParams {
    fn link(&self, page: u64) -> String {
        super::page_link(
            "/proposals",
            &[
                ("target", self.target.as_deref()),
                ("status", self.status.as_deref()),
                ("source", self.source.as_deref()),
            ],
            page,
        )
    }
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct ProposalsPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    f: &'a ProposalParams,
    statuses: Vec<&'static str>,
    proposals: Vec<ProposalView>,
    total: u64,
    page: u64,
    pages: u64,
}

impl ProposalsPage<'_> {
    fn page_link(&self, page: u64) -> String {
        self.f.link(page)
    }

    fn selected(&self, status: &str) -> bool {
        self.f.status.as_deref() == Some(status)
    }
}

async fn proposals(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<ProposalParams>,
) -> Result<Response, PageError> {
    let p = PageRequest::parse(params.page.as_deref().and_then(|x| x.parse().ok()), None)
        .unwrap_or_default();
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let filter = ProposalFilter {
        target: blank(&params.target),
        status: blank(&params.status).filter(|s| ProposalStatus::parse("status", s).is_ok()),
        source: blank(&params.source),
    };
    let found = state
        .liaise
        .proposals(&viewer.viewer, &filter, p)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let page = ProposalsPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: params.link(p.page()),
        f: &params,
        statuses: ProposalStatus::ALL.iter().map(|s| s.as_str()).collect(),
        proposals: found.items,
        total: found.total,
        page: p.page(),
        pages: found.total.div_ceil(p.per_page()).max(1),
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    p: &'a ProposalView,
    /// The statuses a secretariat may record (empty for other readers).
    statuses: Vec<&'static str>,
    /// Heading line, title, history line, assembly line.
    head: Vec<Shown>,
    sections: Vec<Shown>,
    /// Whether the marks are the author's tracked changes, and whose.
    authored: bool,
    authors: String,
    /// Whether some part's marks are computed (no marks in the file for it).
    computed: bool,
}

async fn proposal(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath((source, document, number)): PagePath<(String, String, String)>,
) -> Result<Response, PageError> {
    let p = state
        .liaise
        .proposal(&viewer.viewer, &format!("{source}/{document}/{number}"))
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let heads = p.head_marks();
    let parts = p.section_marks();
    let computed =
        heads.iter().any(|(_, _, m)| !m.authored) || parts.iter().any(|(_, m)| !m.authored);
    let mut authors: Vec<&str> = Vec::new();
    for m in heads
        .iter()
        .map(|(_, _, m)| m)
        .chain(parts.iter().map(|(_, m)| m))
        .filter(|m| m.authored)
        .flat_map(|m| &m.marks)
    {
        if let Some(a) = m.author.as_deref()
            && !authors.contains(&a)
        {
            authors.push(a);
        }
    }
    if authors.is_empty() {
        authors.extend(p.identifier.split('/').next());
    }
    let authors = authors.join(", ");
    let head = heads
        .iter()
        .map(|(_, _, m)| Shown::marked("", None, m, lang))
        .collect();
    let sections = mark_headings(
        parts
            .iter()
            .map(|(s, m)| Shown::marked(&s.heading, s.label.as_deref(), m, lang))
            .collect(),
    );
    let page = ProposalPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/proposals/{}", p.identifier),
        statuses: if is_writer(&viewer) {
            ProposalStatus::ALL.iter().map(|s| s.as_str()).collect()
        } else {
            Vec::new()
        },
        authored: p.marks_authored(),
        authors,
        computed,
        p: &p,
        head,
        sections,
    };
    Ok(render(&page, lang))
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// Records where a proposal stands, from its page (the service decides who may).
async fn proposal_status(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath((source, document, number)): PagePath<(String, String, String)>,
    super::form::PageForm(form): super::form::PageForm<StatusForm>,
) -> Response {
    if let Some(res) = super::account::refuse_session_form(&state, &viewer, &form.csrf, lang).await
    {
        return res;
    }
    let identifier = format!("{source}/{document}/{number}");
    match state
        .liaise
        .set_proposal_status(&viewer.viewer, &identifier, &form.status)
        .await
    {
        Ok(p) => Redirect::to(&format!("/proposals/{}", p.identifier)).into_response(),
        Err(e) => PageError::from_service(e, lang).into_response(),
    }
}

// ---- resolutions ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resolution.html")]
struct ResolutionPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    number: String,
    current: &'a ResolutionVersion,
    versions: &'a [ResolutionVersion],
    proposals: Vec<ProposalView>,
}

async fn resolution(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(number): PagePath<String>,
) -> Result<Response, PageError> {
    let err = |e| PageError::from_service(e, lang);
    let versions = state.liaise.resolution(&number).await.map_err(err)?;
    let Some(current) = versions.last() else {
        return Err(PageError::not_found(lang));
    };
    let filter = ProposalFilter {
        target: Some(number.clone()),
        ..ProposalFilter::default()
    };
    let all = PageRequest::parse(Some(1), Some(500)).unwrap_or_default();
    let proposals = state
        .liaise
        .proposals(&viewer.viewer, &filter, all)
        .await
        .map_err(err)?
        .items;
    let page = ResolutionPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/resolutions/{number}"),
        number: number.clone(),
        current,
        versions: &versions,
        proposals,
    };
    Ok(render(&page, lang))
}

#[derive(Template)]
#[template(path = "resolution_compare.html")]
struct ResolutionComparePage {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    number: String,
    from: ResolutionVersion,
    to: ResolutionVersion,
    versions: Vec<ResolutionVersion>,
    items: Vec<Shown>,
}

async fn resolution_compare(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(number): PagePath<String>,
    Query(params): Query<CompareParams>,
) -> Result<Response, PageError> {
    let err = |e| PageError::from_service(e, lang);
    let versions = state.liaise.resolution(&number).await.map_err(err)?;
    let first = versions.first().map(|v| v.version_key.clone());
    let last = versions.last().map(|v| v.version_key.clone());
    let from = params.from.or(first).unwrap_or_default();
    let to = params.to.or(last).unwrap_or_default();
    let (a, b, items) = state
        .liaise
        .compare_resolution(&number, &from, &to)
        .await
        .map_err(err)?;
    let page = ResolutionComparePage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: format!("/resolutions/{number}/compare"),
        number,
        from: a,
        to: b,
        versions,
        items: mark_headings(items.iter().map(Shown::compared).collect()),
    };
    Ok(render(&page, lang))
}

/// One row of the compilation page.
pub struct CompiledRow {
    pub heading: String,
    pub label: String,
    /// The heading line, title, history line or assembly line (not a section).
    pub head: bool,
    pub base: String,
    /// Per proposal: its marks of the item (the author's, else computed: `false`), if it
    /// changes the item.
    pub proposed: Vec<Option<(Vec<Run>, bool)>>,
    /// `unchanged`, `changed` or `conflict`.
    pub state: &'static str,
    /// The consolidated text, clean.
    pub consolidated: String,
    /// (identifier, text) of each accepted proposal in conflict.
    pub conflict: Vec<(String, String)>,
    pub by: String,
}

#[derive(Template)]
#[template(path = "compilation.html")]
struct CompilationPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    number: String,
    c: &'a Compilation,
    rows: Vec<CompiledRow>,
}

impl CompilationPage<'_> {
    fn base_label(&self) -> String {
        format!("{}, {}", self.c.base.assembly, self.c.base.year)
    }

    fn accepted(&self, identifier: &str) -> bool {
        self.c.accepted.iter().any(|a| a == identifier)
    }
}

async fn compilation(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(number): PagePath<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let accepted: Vec<String> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == "accept")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    let c = state
        .liaise
        .compilation(&viewer.viewer, &number, &accepted)
        .await
        .map_err(|e| PageError::from_service(e, lang))?;
    let rows = c
        .items
        .iter()
        .map(|item| {
            let base = item.base.clone().unwrap_or_default();
            let (state, consolidated, conflict, by) = match &item.consolidated {
                Consolidated::Unchanged(t) => ("unchanged", t.clone(), Vec::new(), String::new()),
                Consolidated::Changed { text, by, .. } => {
                    ("changed", text.clone(), Vec::new(), by.join(", "))
                }
                Consolidated::Conflict(list) => {
                    ("conflict", String::new(), list.clone(), String::new())
                }
            };
            CompiledRow {
                heading: if item.head {
                    lang.tk("part", &item.key)
                } else {
                    item.heading.clone()
                },
                label: item.label.clone().unwrap_or_default(),
                head: item.head,
                proposed: item
                    .marks
                    .iter()
                    .map(|m| {
                        m.as_ref()
                            .map(|m| (marked_runs(&m.marks, lang), m.authored))
                    })
                    .collect(),
                base,
                state,
                consolidated,
                conflict,
                by,
            }
        })
        .collect();
    let query: String = {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for a in &c.accepted {
            q.append_pair("accept", a);
        }
        q.finish()
    };
    let page = CompilationPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: if query.is_empty() {
            format!("/resolutions/{number}/compilation")
        } else {
            format!("/resolutions/{number}/compilation?{query}")
        },
        number,
        c: &c,
        rows,
    };
    Ok(render(&page, lang))
}
