//! Pages of liaison statements: the list, its CSV, one statement, its attachments, reminders.

use askama::Template;
use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use liaise_service::{
    domain::PageRequest,
    liaisons::{Liaison, LiaisonQuery},
    snapshot::{Organization, Topic},
};
use serde::Deserialize;

use crate::{AppState, error::PageError, i18n::Lang};

use super::{Me, PagePath, PageViewer, page_link, render, snapshot};

// ---- liaison statements -----------------------------------------------------------------

#[derive(Deserialize, Default, Debug)]
pub(super) struct LiaisonParams {
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

/// The list page. The statements and their directions come from the service's cache
/// (`Liaise::liaisons`, `liaison_directions`); the page renders them on every request.
pub(super) async fn liaisons(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    Query(params): Query<LiaisonParams>,
) -> Result<Response, PageError> {
    let snap = snapshot(&state, lang).await?;
    let p = PageRequest::parse(params.page.as_deref().and_then(|x| x.parse().ok()), None)
        .unwrap_or_default();
    let path = params.link(p.page());
    // The list part (not the header, which names the signed-in person) is remembered per
    // access scope, language and query until a write of statements.
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
pub(super) async fn liaisons_csv(
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

pub(super) async fn liaison(
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

pub(super) async fn liaison_attachment(
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
pub(super) async fn reminders(
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
