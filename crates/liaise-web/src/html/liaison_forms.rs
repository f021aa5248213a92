//! Forms of liaison statements for people: record one (or a reply), edit a draft, approve,
//! send or withdraw it, attach a file, close a row without reply. Plain POST forms that work
//! without JavaScript; each carries the session's CSRF token. The rules are the use cases'
//! (the same `LiaisonInput::parse` and service calls as the API): a refused form is shown
//! again with what was typed and each message next to its field, with status 422.

use askama::Template;
use axum::{
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{MethodRouter, get, post},
};
use liaise_service::{
    ServiceError,
    domain::{
        FieldError, Role,
        liaison::{ApprovalLevel, LiaisonFields, LiaisonInput, Purpose},
    },
    liaisons::{Liaison, LiaisonPatch, ThreadLinks},
    snapshot::Topic,
};
use serde::Deserialize;

use super::{Me, PageViewer, account::refuse_session_form, error_page, render};
use crate::{
    AppState,
    api::extract::parse_date,
    html::form::{PageForm, PagePath},
    i18n::Lang,
};

/// Blank addressee rows offered by a new form; "add a row" offers one more.
const BLANK_ROWS: usize = 5;
/// Contact rows offered.
const CONTACT_ROWS: usize = 2;
/// The most rows a form may carry.
const MAX_ROWS: usize = 60;

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/liaisons/new", get(new_form).post(create)),
        ("/liaisons/{key}/edit", get(edit_form).post(edit)),
        ("/liaisons/{key}/reply", get(reply_form)),
        ("/liaisons/{key}/transition", post(transition)),
        (
            "/liaisons/{key}/attachments",
            post(attach).layer(DefaultBodyLimit::max(
                liaise_service::liaisons::ATTACHMENT_MAX + 64 * 1024,
            )),
        ),
        ("/liaisons/{key}/addressees/{body}/close", post(close_row)),
        ("/liaisons/{key}/comment", post(comment)),
    ]
}

// ---- the values of a form ---------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct RowValues {
    pub body: String,
    pub purpose: String,
    pub deadline: String,
}

#[derive(Debug, Clone, Default)]
pub struct ContactValues {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// What a person typed (or what is there to edit), as text.
#[derive(Debug, Clone, Default)]
pub struct LsValues {
    pub title: String,
    pub summary: String,
    pub text: String,
    pub date: String,
    pub from: String,
    pub questions: String,
    pub other_reference: String,
    pub meeting: String,
    pub approval_level: String,
    pub access: String,
    pub state: String,
    pub in_reply_to: String,
    pub related_to: String,
    /// "Received from another organization" is ticked.
    pub received: bool,
    pub topics: Vec<String>,
    pub rows: Vec<RowValues>,
    pub contacts: Vec<ContactValues>,
}

/// `row-3-body` → (3, "body").
fn indexed<'a>(key: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = key.strip_prefix(prefix)?;
    let (n, field) = rest.split_once('-')?;
    let n: usize = n.parse().ok()?;
    (n < MAX_ROWS).then_some((n, field))
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split([',', ';', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl LsValues {
    /// The fields of a submitted form; also answers its CSRF token and whether "add a row"
    /// was pressed.
    fn from_pairs(pairs: Vec<(String, String)>) -> (Self, String, bool) {
        let mut v = Self::default();
        let mut csrf = String::new();
        let mut add_row = false;
        for (k, value) in pairs {
            match k.as_str() {
                "csrf" => csrf = value,
                "add_row" => add_row = true,
                "title" => v.title = value,
                "summary" => v.summary = value,
                "text" => v.text = value,
                "date" => v.date = value,
                "from" => v.from = value,
                "questions" => v.questions = value,
                "other_reference" => v.other_reference = value,
                "meeting" => v.meeting = value,
                "related_to" => v.related_to = value,
                "approval_level" => v.approval_level = value,
                "access" => v.access = value,
                "state" => v.state = value,
                "in_reply_to" => v.in_reply_to = value,
                "received" => v.received = !value.trim().is_empty(),
                "topics" => {
                    if v.topics.len() < MAX_ROWS && !value.trim().is_empty() {
                        v.topics.push(value);
                    }
                }
                key => {
                    if let Some((n, field)) = indexed(key, "row-") {
                        if v.rows.len() <= n {
                            v.rows.resize_with(n + 1, RowValues::default);
                        }
                        let row = &mut v.rows[n];
                        match field {
                            "body" => row.body = value,
                            "purpose" => row.purpose = value,
                            "deadline" => row.deadline = value,
                            _ => {}
                        }
                    } else if let Some((n, field)) = indexed(key, "contact-") {
                        if v.contacts.len() <= n {
                            v.contacts.resize_with(n + 1, ContactValues::default);
                        }
                        let c = &mut v.contacts[n];
                        match field {
                            "name" => c.name = value,
                            "email" => c.email = value,
                            "role" => c.role = value,
                            _ => {}
                        }
                    }
                }
            }
        }
        (v, csrf, add_row)
    }

    /// The values of a statement, to edit it.
    fn of(ls: &Liaison) -> Self {
        Self {
            title: ls.title.clone(),
            summary: ls.summary.clone().unwrap_or_default(),
            text: ls.text.clone().unwrap_or_default(),
            date: ls.date.to_string(),
            from: ls.from.join(", "),
            questions: ls.questions.join(", "),
            other_reference: ls.other_reference.clone().unwrap_or_default(),
            meeting: ls.meeting.clone().unwrap_or_default(),
            related_to: ls.related_to.map(|i| i.to_string()).unwrap_or_default(),
            approval_level: ls.approval_level.clone().unwrap_or_default(),
            access: ls.access.as_str().to_owned(),
            state: ls.state.clone(),
            in_reply_to: ls.in_reply_to.map(|i| i.to_string()).unwrap_or_default(),
            received: ls.received,
            topics: ls.topics.clone(),
            rows: ls
                .addressees
                .iter()
                .map(|a| RowValues {
                    body: a.body.clone(),
                    purpose: a.purpose.clone(),
                    deadline: a.deadline.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect(),
            contacts: ls
                .contacts
                .iter()
                .map(|c| ContactValues {
                    name: c.name.clone(),
                    email: c.email.clone().unwrap_or_default(),
                    role: c.role.clone(),
                })
                .collect(),
        }
    }

    /// A reply to `ls`: from the addressees it answers (the rows for action or comment, not
    /// those for information only), to its sources, in reply to it.
    fn reply_to(ls: &Liaison, today: time::Date) -> Self {
        Self {
            title: format!("Reply to {}: {}", ls.label(), ls.title),
            date: today.to_string(),
            from: ls
                .addressees
                .iter()
                .filter(|a| Purpose::parse("purpose", &a.purpose).is_ok_and(Purpose::expects_reply))
                .map(|a| a.body.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            in_reply_to: ls.id.to_string(),
            topics: ls.topics.clone(),
            access: ls.access.as_str().to_owned(),
            rows: ls
                .from
                .iter()
                .map(|b| RowValues {
                    body: b.clone(),
                    purpose: Purpose::Information.as_str().to_owned(),
                    deadline: String::new(),
                })
                .collect(),
            ..Self::default()
        }
    }

    /// Blank rows to fill: at least `BLANK_ROWS` addressee rows (`extra` more when asked).
    /// Rows keep their places, so messages stay next to the row they are about.
    fn pad(&mut self, extra: usize) {
        let want = (self.rows.len() + extra).clamp(BLANK_ROWS, MAX_ROWS);
        self.rows.resize_with(want, RowValues::default);
        let want = self.contacts.len().clamp(CONTACT_ROWS, MAX_ROWS);
        self.contacts.resize_with(want, ContactValues::default);
    }
}

impl RowValues {
    fn is_blank(&self) -> bool {
        self.body.trim().is_empty() && self.deadline.trim().is_empty()
    }
}

impl ContactValues {
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.email.trim().is_empty()
    }
}

/// A form checked by the model's rules, with the way back from the model's field names
/// (`addressees[1].deadline`) to the form's (`row-3-deadline`: blank rows are skipped).
struct Checked {
    input: LiaisonInput,
    sent: bool,
    /// Ticked as received; unticked leaves it to the recorder's organization.
    received: Option<bool>,
    links: ThreadLinks,
    rows: Vec<(String, String, Option<time::Date>)>,
    contacts: Vec<(String, Option<String>, Option<String>)>,
}

struct FieldMap {
    rows: Vec<usize>,
    contacts: Vec<usize>,
}

impl FieldMap {
    /// The form's name for a field the model or a use case named.
    fn key(&self, field: &str) -> String {
        let indexed = |prefix: &str, map: &[usize], form: &str| -> Option<String> {
            let rest = field.strip_prefix(prefix)?;
            let (n, tail) = rest.split_once(']')?;
            let n: usize = n.parse().ok()?;
            let tail = tail.trim_start_matches('.');
            let at = map.get(n).copied().unwrap_or(n);
            Some(if tail.is_empty() {
                format!("{form}-{at}")
            } else {
                format!("{form}-{at}-{tail}")
            })
        };
        if let Some(k) = indexed("addressees[", &self.rows, "row") {
            return k;
        }
        if let Some(k) = indexed("contacts[", &self.contacts, "contact") {
            return k;
        }
        match field.split('[').next().unwrap_or(field) {
            "addressees" => "rows".to_owned(),
            "to" => "state".to_owned(),
            other => other.to_owned(),
        }
    }
}

fn check(
    v: &LsValues,
    from_override: Option<&[String]>,
) -> (Result<Checked, ()>, FieldMap, Vec<FieldError>) {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut map = FieldMap {
        rows: Vec::new(),
        contacts: Vec::new(),
    };
    let date = parse_date("date", Some(&v.date)).unwrap_or_else(|e| {
        errors.extend(e.errors);
        None
    });
    let date_failed = !errors.is_empty();
    let mut rows = Vec::new();
    for (i, r) in v.rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        let n = map.rows.len();
        map.rows.push(i);
        let deadline = parse_date(&format!("addressees[{n}].deadline"), Some(&r.deadline))
            .unwrap_or_else(|e| {
                errors.extend(e.errors);
                None
            });
        rows.push((r.body.trim().to_owned(), r.purpose.clone(), deadline));
    }
    let mut contacts = Vec::new();
    for (i, c) in v.contacts.iter().enumerate().filter(|(_, c)| !c.is_blank()) {
        map.contacts.push(i);
        contacts.push((
            c.name.clone(),
            Some(c.email.clone()),
            Some(c.role.clone()).filter(|r| !r.trim().is_empty()),
        ));
    }
    let sent = match v.state.trim() {
        "" | "draft" => false,
        "sent" => true,
        _ => {
            errors.push(FieldError::new(
                "state",
                "a new statement is a draft or recorded as sent",
            ));
            false
        }
    };
    let mut id_field = |field: &str, raw: &str, what: &str| match raw.trim() {
        "" => None,
        raw => match raw.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(FieldError::new(
                    field,
                    format!("give the id of the statement this one {what}"),
                ));
                None
            }
        },
    };
    let links = ThreadLinks {
        in_reply_to: id_field("in_reply_to", &v.in_reply_to, "answers"),
        related_to: id_field("related_to", &v.related_to, "refers to"),
    };
    let from = from_override.map_or_else(|| split_list(&v.from), <[String]>::to_vec);
    let questions = split_list(&v.questions);
    let access = if v.access.trim().is_empty() {
        "public"
    } else {
        v.access.trim()
    };
    let parsed = LiaisonInput::parse(&LiaisonFields {
        title: &v.title,
        summary: Some(v.summary.as_str()),
        text: Some(v.text.as_str()),
        date,
        from: &from,
        addressees: &rows,
        questions: &questions,
        contacts: &contacts,
        other_reference: Some(v.other_reference.as_str()),
        meeting: Some(v.meeting.as_str()),
        approval_level: Some(v.approval_level.as_str()),
        topics: &v.topics,
        access,
    });
    match parsed {
        Ok(input) if errors.is_empty() => (
            Ok(Checked {
                input,
                sent,
                received: v.received.then_some(true),
                links,
                rows,
                contacts,
            }),
            map,
            errors,
        ),
        Ok(_) => (Err(()), map, errors),
        Err(e) => {
            if let ServiceError::Invalid(list) = ServiceError::from(e) {
                errors.extend(
                    list.into_iter()
                        .filter(|f| !(date_failed && f.field == "date")),
                );
            }
            (Err(()), map, errors)
        }
    }
}

// ---- the form page ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "liaison_form.html")]
struct FormPage<'a> {
    i: Lang,
    langs: [Lang; 2],
    me: Me,
    path: String,
    /// Where the form posts.
    action: String,
    /// A draft being edited, or none for a new statement.
    editing: Option<Editing>,
    v: LsValues,
    errors: Vec<(String, String)>,
    topics: &'a [Topic],
    purposes: Vec<&'static str>,
    levels: Vec<&'static str>,
}

impl FormPage<'_> {
    /// The messages for a field of the form, joined; empty when it is fine.
    fn err(&self, key: &str) -> String {
        self.errors
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn row_err(&self, n: &usize, field: &str) -> String {
        let mut all = self.err(&format!("row-{n}-{field}"));
        if field == "body" {
            let whole = self.err(&format!("row-{n}"));
            if !whole.is_empty() {
                all = if all.is_empty() {
                    whole
                } else {
                    format!("{all}; {whole}")
                };
            }
        }
        all
    }

    fn contact_err(&self, n: &usize, field: &str) -> String {
        self.err(&format!("contact-{n}-{field}"))
    }

    fn has_topic(&self, slug: &str) -> bool {
        self.v.topics.iter().any(|t| t == slug)
    }

    fn is_draft(&self) -> bool {
        self.v.state.is_empty() || self.v.state == "draft"
    }
}

/// The draft a form edits: its label and who may read it now and once sent.
struct Editing {
    label: String,
    visibility: String,
}

fn editing(lang: Lang, ls: &Liaison) -> Option<Editing> {
    Some(Editing {
        label: ls.label(),
        visibility: super::visibility(lang, ls),
    })
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    lang: Lang,
    viewer: &PageViewer,
    status: StatusCode,
    action: String,
    editing: Option<Editing>,
    mut v: LsValues,
    extra_rows: usize,
    errors: Vec<(String, String)>,
) -> Response {
    let snap = match state.liaise.registry().await {
        Ok(s) => s,
        Err(e) => return crate::error::PageError::from_service(e, lang).into_response(),
    };
    v.pad(extra_rows);
    let page = FormPage {
        i: lang,
        langs: Lang::ALL,
        me: viewer.me(),
        path: action.clone(),
        action,
        editing,
        v,
        errors,
        topics: &snap.topics,
        purposes: Purpose::ALL.iter().map(|p| p.as_str()).collect(),
        levels: ApprovalLevel::ALL.iter().map(|l| l.as_str()).collect(),
    };
    let mut res = render(&page, lang);
    *res.status_mut() = status;
    res
}

/// Who may open the forms at all: a secretariat or an administrator. Anyone else is sent to
/// sign in (the public) or refused (members).
fn gate(viewer: &PageViewer, lang: Lang, next: &str) -> Option<Response> {
    if viewer.session.is_none() {
        let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        return Some(Redirect::to(&format!("/login?next={next}")).into_response());
    }
    match viewer.viewer.role {
        Role::Admin | Role::Secretariat(_) => None,
        _ => Some(forbidden(lang)),
    }
}

fn forbidden(lang: Lang) -> Response {
    super::error_page_titled(
        StatusCode::FORBIDDEN,
        &lang.t("ls-form-forbidden-title"),
        &lang.t("ls-form-forbidden"),
        lang,
    )
}

/// A refused use case as a page: validation goes back to the form; the rest is an error page.
fn service_error(e: ServiceError, lang: Lang) -> Result<Vec<FieldError>, Box<Response>> {
    match e {
        ServiceError::Invalid(list) => Ok(list),
        ServiceError::Conflict { field, message } if !field.is_empty() => {
            Ok(vec![FieldError::new(field, message)])
        }
        ServiceError::Forbidden => Err(Box::new(forbidden(lang))),
        other => Err(Box::new(
            crate::error::PageError::from_service(other, lang).into_response(),
        )),
    }
}

fn keyed(map: &FieldMap, errors: Vec<FieldError>) -> Vec<(String, String)> {
    errors
        .into_iter()
        .map(|e| (map.key(&e.field), e.message))
        .collect()
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

async fn new_form(State(state): State<AppState>, lang: Lang, viewer: PageViewer) -> Response {
    if let Some(res) = gate(&viewer, lang, "/liaisons/new") {
        return res;
    }
    let v = LsValues {
        date: today().to_string(),
        access: "public".to_owned(),
        state: "draft".to_owned(),
        ..LsValues::default()
    };
    form_page(
        &state,
        lang,
        &viewer,
        StatusCode::OK,
        "/liaisons/new".to_owned(),
        None,
        v,
        0,
        Vec::new(),
    )
    .await
}

async fn reply_form(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
) -> Response {
    let original = match state.liaise.liaison(&viewer.viewer, &key).await {
        Ok(ls) => ls,
        Err(e) => return crate::error::PageError::from_service(e, lang).into_response(),
    };
    if let Some(res) = gate(
        &viewer,
        lang,
        &format!("/liaisons/{}/reply", original.key()),
    ) {
        return res;
    }
    let v = LsValues::reply_to(&original, today());
    form_page(
        &state,
        lang,
        &viewer,
        StatusCode::OK,
        "/liaisons/new".to_owned(),
        None,
        v,
        0,
        Vec::new(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let (v, csrf, add_row) = LsValues::from_pairs(pairs);
    if let Some(res) = refuse_session_form(&state, &viewer, &csrf, lang).await {
        return res;
    }
    if let Some(res) = gate(&viewer, lang, "/liaisons/new") {
        return res;
    }
    let action = "/liaisons/new".to_owned();
    if add_row {
        return form_page(
            &state,
            lang,
            &viewer,
            StatusCode::OK,
            action,
            None,
            v,
            1,
            Vec::new(),
        )
        .await;
    }
    let (checked, map, errors) = check(&v, None);
    let Ok(c) = checked else {
        let errors = keyed(&map, errors);
        return form_page(
            &state,
            lang,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            action,
            None,
            v,
            0,
            errors,
        )
        .await;
    };
    match state
        .liaise
        .create_liaison(&viewer.viewer, c.input, c.sent, c.received, c.links)
        .await
    {
        Ok(ls) => Redirect::to(&format!("/liaisons/{}", url_key(&ls))).into_response(),
        Err(e) => match service_error(e, lang) {
            Ok(list) => {
                form_page(
                    &state,
                    lang,
                    &viewer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    action,
                    None,
                    v,
                    0,
                    keyed(&map, list),
                )
                .await
            }
            Err(res) => *res,
        },
    }
}

fn url_key(ls: &Liaison) -> String {
    form_urlencoded::byte_serialize(ls.key().as_bytes()).collect()
}

/// The draft to edit, if `viewer` may edit it; the page to answer otherwise.
async fn editable(
    state: &AppState,
    lang: Lang,
    viewer: &PageViewer,
    key: &str,
) -> Result<Liaison, Response> {
    let ls = state
        .liaise
        .liaison(&viewer.viewer, key)
        .await
        .map_err(|e| crate::error::PageError::from_service(e, lang).into_response())?;
    if let Some(res) = gate(viewer, lang, &format!("/liaisons/{}/edit", ls.key())) {
        return Err(res);
    }
    let actions = state
        .liaise
        .liaison_actions(&viewer.viewer, &ls)
        .await
        .map_err(|e| crate::error::PageError::from_service(e, lang).into_response())?;
    if !actions.edit {
        return Err(if ls.state == "draft" {
            forbidden(lang)
        } else {
            error_page(StatusCode::CONFLICT, &lang.t("ls-form-not-draft"), lang)
        });
    }
    Ok(ls)
}

async fn edit_form(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
) -> Response {
    let ls = match editable(&state, lang, &viewer, &key).await {
        Ok(ls) => ls,
        Err(res) => return res,
    };
    form_page(
        &state,
        lang,
        &viewer,
        StatusCode::OK,
        format!("/liaisons/{}/edit", url_key(&ls)),
        editing(lang, &ls),
        LsValues::of(&ls),
        0,
        Vec::new(),
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let (mut v, csrf, add_row) = LsValues::from_pairs(pairs);
    if let Some(res) = refuse_session_form(&state, &viewer, &csrf, lang).await {
        return res;
    }
    let ls = match editable(&state, lang, &viewer, &key).await {
        Ok(ls) => ls,
        Err(res) => return res,
    };
    // The sources, state and thread of a draft are not edited here.
    v.from = ls.from.join(", ");
    v.state = ls.state.clone();
    v.in_reply_to = ls.in_reply_to.map(|i| i.to_string()).unwrap_or_default();
    v.related_to = ls.related_to.map(|i| i.to_string()).unwrap_or_default();
    let action = format!("/liaisons/{}/edit", url_key(&ls));
    if add_row {
        return form_page(
            &state,
            lang,
            &viewer,
            StatusCode::OK,
            action,
            editing(lang, &ls),
            v,
            1,
            Vec::new(),
        )
        .await;
    }
    let (checked, map, errors) = check(&v, Some(&ls.from));
    let Ok(c) = checked else {
        let errors = keyed(&map, errors);
        return form_page(
            &state,
            lang,
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            action,
            editing(lang, &ls),
            v,
            0,
            errors,
        )
        .await;
    };
    let i = &c.input;
    let patch = LiaisonPatch {
        title: Some(i.title.clone()),
        summary: Some(i.summary.clone()),
        text: Some(i.text.clone()),
        date: Some(i.date),
        addressees: Some(c.rows.clone()),
        topics: Some(i.topics.iter().map(ToString::to_string).collect()),
        questions: Some(i.questions.clone()),
        contacts: Some(c.contacts.clone()),
        other_reference: Some(i.other_reference.clone()),
        meeting: Some(i.meeting.clone()),
        approval_level: Some(i.approval_level.map(|a| a.as_str().to_owned())),
        access: Some(i.access.as_str().to_owned()),
    };
    match state
        .liaise
        .update_liaison(&viewer.viewer, &ls.id.to_string(), patch)
        .await
    {
        Ok(ls) => Redirect::to(&format!("/liaisons/{}", url_key(&ls))).into_response(),
        Err(e) => match service_error(e, lang) {
            Ok(list) => {
                form_page(
                    &state,
                    lang,
                    &viewer,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    action,
                    editing(lang, &ls),
                    v,
                    0,
                    keyed(&map, list),
                )
                .await
            }
            Err(res) => *res,
        },
    }
}

// ---- buttons of the statement's page ----------------------------------------------------

#[derive(Deserialize)]
struct TransitionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
}

async fn transition(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
    PageForm(form): PageForm<TransitionForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    match state
        .liaise
        .transition_liaison(&viewer.viewer, &key, &form.to)
        .await
    {
        Ok(ls) => Redirect::to(&format!("/liaisons/{}", url_key(&ls))).into_response(),
        Err(ServiceError::Forbidden) => forbidden(lang),
        Err(ServiceError::Invalid(list)) => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            lang,
        ),
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    csrf: String,
    note: Option<String>,
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

async fn comment(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
    PageForm(form): PageForm<CommentForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    match state
        .liaise
        .comment_liaison(&viewer.viewer, &key, &form.text)
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/liaisons/{}",
            form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>()
        ))
        .into_response(),
        Err(ServiceError::Forbidden) => forbidden(lang),
        // A blank comment is a 422 naming the field; the rest as every refused use case.
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

async fn close_row(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath((key, body)): PagePath<(String, String)>,
    PageForm(form): PageForm<CloseForm>,
) -> Response {
    if let Some(res) = refuse_session_form(&state, &viewer, &form.csrf, lang).await {
        return res;
    }
    match state
        .liaise
        .close_row(&viewer.viewer, &key, &body, form.note.as_deref())
        .await
    {
        Ok(ls) => Redirect::to(&format!("/liaisons/{}", url_key(&ls))).into_response(),
        Err(ServiceError::Forbidden) => forbidden(lang),
        // 422 for a bad note, 409 for a row that awaits nothing, with the service's message.
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

/// The upload form of the statement's page (multipart: `csrf`, then `file`). A refused file
/// shows the statement's page again with the message next to the file field.
async fn attach(
    State(state): State<AppState>,
    lang: Lang,
    viewer: PageViewer,
    PagePath(key): PagePath<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    // Nobody who could not attach a file makes us read one (up to 20 MiB).
    if let Some(res) = gate(&viewer, lang, &format!("/liaisons/{key}")) {
        return res;
    }
    let Ok(mut multipart) = multipart else {
        return error_page(StatusCode::BAD_REQUEST, &lang.t("error-form"), lang);
    };
    let mut csrf = String::new();
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
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => {
                        let status = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            StatusCode::PAYLOAD_TOO_LARGE
                        } else {
                            StatusCode::BAD_REQUEST
                        };
                        return error_page(status, &lang.t("error-form"), lang);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(res) = refuse_session_form(&state, &viewer, &csrf, lang).await {
        return res;
    }
    let (name, bytes) = file.unwrap_or_default();
    match state
        .liaise
        .attach(&viewer.viewer, &key, &name, bytes)
        .await
    {
        Ok(_) => match state.liaise.liaison(&viewer.viewer, &key).await {
            Ok(ls) => Redirect::to(&format!("/liaisons/{}", url_key(&ls))).into_response(),
            Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
        },
        Err(ServiceError::Forbidden) => forbidden(lang),
        Err(ServiceError::Invalid(list)) => {
            let message = list
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("; ");
            super::liaison_page(
                &state,
                lang,
                &viewer,
                &key,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
            .unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => crate::error::PageError::from_service(e, lang).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_fields_map_back_to_form_fields() {
        let map = FieldMap {
            rows: vec![0, 3],
            contacts: vec![1],
        };
        for (field, key) in [
            ("addressees[1].deadline", "row-3-deadline"),
            ("addressees[0].body", "row-0-body"),
            ("addressees", "rows"),
            ("contacts[0].email", "contact-1-email"),
            ("from[0]", "from"),
            ("topics[2]", "topics"),
            ("title", "title"),
        ] {
            assert_eq!(map.key(field), key, "{field}");
        }
    }

    #[test]
    fn forms_keep_rows_in_place() {
        let pairs = vec![
            ("row-2-body".to_owned(), "POC".to_owned()),
            ("row-2-purpose".to_owned(), "action".to_owned()),
            ("row-0-body".to_owned(), String::new()),
            ("row-99999-body".to_owned(), "X".to_owned()),
            ("topics".to_owned(), "qos".to_owned()),
            ("csrf".to_owned(), "t".to_owned()),
            ("add_row".to_owned(), "1".to_owned()),
        ];
        let (mut v, csrf, add) = LsValues::from_pairs(pairs);
        assert_eq!((csrf.as_str(), add), ("t", true));
        assert_eq!(v.rows.len(), 3);
        assert_eq!(v.rows[2].body, "POC");
        v.pad(1);
        assert_eq!(v.rows.len(), BLANK_ROWS);
        assert_eq!(v.rows[2].body, "POC");
        v.pad(1);
        assert_eq!(v.rows.len(), BLANK_ROWS + 1);
    }
}
