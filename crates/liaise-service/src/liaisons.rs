//! Liaison statements: recorded, approved and sent by the secretariats (or approved by the
//! chair of a source body), answered by replies that close the rows they answer. Reads go
//! through the viewer-aware store queries; list results are remembered per access scope in
//! the current snapshot, like every content query.

use std::sync::Arc;

use liaise_domain::{
    AccessLevel, Action, Code, PageRequest, Viewer, authorize,
    liaison::{self as ls, LiaisonFields, LiaisonInput, LsState, Purpose, ReplyState},
    registry::RoleKind,
};
use liaise_store::queries::{
    liaisons::{self as q, LiaisonFilter, LiaisonRow},
    users,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::{
    Liaise, ServiceError,
    audit::{self, Fields, diff},
    cache::{Answer, Key},
    files,
    snapshot::Snapshot,
};

/// One addressee row as shown.
#[derive(Debug, Clone)]
pub struct AddresseeView {
    pub body: String,
    pub purpose: String,
    pub deadline: Option<Date>,
    /// `awaiting-reply`, `replied`, `closed`; none for information rows and unsent statements.
    pub reply_state: Option<String>,
    pub replied_by: Option<i32>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContactView {
    pub name: String,
    pub email: Option<String>,
    pub role: String,
}

/// A file attached to a statement.
#[derive(Debug, Clone)]
pub struct AttachmentView {
    pub id: i32,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
}

/// The largest file that can be attached.
pub const ATTACHMENT_MAX: usize = 20 * 1024 * 1024;

/// A liaison statement as shown.
#[derive(Debug, Clone)]
pub struct Liaison {
    pub id: i32,
    /// Its number: liaise's (given at approval, or when recorded as sent) for a statement its
    /// own users send; the sender's own reference for one received from another organization.
    pub number: Option<String>,
    /// Recorded from another organization's sender: never numbered by liaise.
    pub received: bool,
    /// What its URL names (see [`Liaison::key`]).
    url_key: String,
    pub title: String,
    pub summary: Option<String>,
    pub text: Option<String>,
    pub date: Date,
    pub state: String,
    pub approval_level: Option<String>,
    pub other_reference: Option<String>,
    /// The meeting that adopted it, as written.
    pub meeting: Option<String>,
    pub questions: Vec<String>,
    pub contacts: Vec<ContactView>,
    pub from: Vec<String>,
    pub addressees: Vec<AddresseeView>,
    pub topics: Vec<String>,
    pub organizations: Vec<String>,
    pub in_reply_to: Option<i32>,
    /// A statement it refers to without answering it.
    pub related_to: Option<i32>,
    pub attachments: Vec<AttachmentView>,
    pub access: AccessLevel,
    pub overdue: bool,
    /// Recorded from reference data not yet checked against a primary source.
    pub to_confirm: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Liaison {
    /// The number, or `#id` while it has none (a draft).
    pub fn label(&self) -> String {
        self.number
            .clone()
            .unwrap_or_else(|| format!("#{}", self.id))
    }

    /// What its URL names: the number once it has one, else the id. A received statement's
    /// reference is used only when it can be a path segment and names no other statement;
    /// otherwise its id.
    pub fn key(&self) -> String {
        self.url_key.clone()
    }

    /// Whether it is read by its access level: only once sent. Before (a draft, approved)
    /// or withdrawn unsent, only its secretariats and administrators see it.
    pub fn is_sent(&self) -> bool {
        self.state == LsState::Sent.as_str()
    }

    /// The addressee rows with this purpose.
    pub fn rows_for(&self, purpose: &str) -> Vec<&AddresseeView> {
        self.addressees
            .iter()
            .filter(|a| a.purpose == purpose)
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct LiaisonPage {
    pub items: Vec<Liaison>,
    pub total: u64,
}

/// Filters of the list (the page and the API share them).
#[derive(Debug, Default, Clone)]
pub struct LiaisonQuery {
    pub organization: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub purpose: Option<String>,
    pub state: Option<String>,
    pub topic: Option<String>,
    pub year: Option<i32>,
    pub awaiting: bool,
    pub overdue: bool,
    /// `newest` (the default), `oldest` or `title`.
    pub sort: Option<String>,
}

/// The statements a new one answers and refers to, by id.
#[derive(Debug, Default, Clone, Copy)]
pub struct ThreadLinks {
    pub in_reply_to: Option<i32>,
    pub related_to: Option<i32>,
}

/// A contact as typed: (name, email, role).
pub type ContactFields = (String, Option<String>, Option<String>);

/// Changes to a draft; `None` keeps a field.
#[derive(Debug, Default, Clone)]
pub struct LiaisonPatch {
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub text: Option<Option<String>>,
    pub date: Option<Date>,
    pub addressees: Option<Vec<(String, String, Option<Date>)>>,
    pub topics: Option<Vec<String>>,
    pub questions: Option<Vec<String>>,
    pub contacts: Option<Vec<ContactFields>>,
    pub other_reference: Option<Option<String>>,
    pub meeting: Option<Option<String>>,
    pub approval_level: Option<Option<String>>,
    pub access: Option<String>,
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Can a received statement's reference name it in a URL (`/liaisons/{reference}`)? Only
/// letters, digits, `-`, `_` and `.`, starting with a letter or digit, not all digits (an
/// id) and not a page of its own (`new`).
pub fn reference_is_path_safe(reference: &str) -> bool {
    let mut chars = reference.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && reference.len() <= 64
        && reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !reference.bytes().all(|b| b.is_ascii_digit())
        && !reference.eq_ignore_ascii_case("new")
}

/// One statement by id, whoever may see it (for the search index, inside a write).
pub(crate) async fn load(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<Option<Liaison>, ServiceError> {
    match q::get(c, &Viewer::system(), id).await? {
        Some(row) => Ok(assemble(c, snap, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

async fn assemble(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    rows: Vec<liaise_store::entity::liaison::Model>,
) -> Result<Vec<Liaison>, ServiceError> {
    assemble_linked(c, snap, rows, None).await
}

/// The statements of `rows` with their links: `links` when the list in memory gave them,
/// else read.
async fn assemble_linked(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    rows: Vec<liaise_store::entity::liaison::Model>,
    links: Option<q::Links>,
) -> Result<Vec<Liaison>, ServiceError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let links = match links {
        Some(links) => links,
        None => q::links(c, &ids).await?,
    };
    let files = q::attachments(c, &ids).await?;
    let references: Vec<String> = rows
        .iter()
        .filter(|r| r.received)
        .filter_map(|r| r.other_reference.clone())
        .filter(|r| reference_is_path_safe(r))
        .collect();
    let ambiguous = q::ambiguous_references(c, &references).await?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let addressees: Vec<AddresseeView> = links
                .addressees
                .iter()
                .filter(|a| a.liaison_id == r.id)
                .filter_map(|a| {
                    let body = snap.body_by_id(a.body_id)?.code.clone();
                    let purpose = Purpose::parse("purpose", &a.purpose).ok()?;
                    let reply = a
                        .reply_state
                        .as_deref()
                        .and_then(|s| ReplyState::parse("reply_state", s).ok());
                    Some(AddresseeView {
                        body,
                        purpose: a.purpose.clone(),
                        deadline: a.deadline,
                        reply_state: a.reply_state.clone(),
                        replied_by: a.replied_by,
                        overdue: ls::is_overdue(purpose, reply, a.deadline, today),
                    })
                })
                .collect();
            // A received statement is known by its sender's reference; a number liaise gave
            // one before it knew the direction stays only where no reference was recorded.
            let number = if r.received {
                r.other_reference.clone().or(r.number)
            } else {
                r.number
            };
            let url_key = match &number {
                Some(n) if !r.received => n.clone(),
                Some(n)
                    if reference_is_path_safe(n)
                        && !ambiguous.contains(n)
                        && r.other_reference.as_deref() == Some(n.as_str()) =>
                {
                    n.clone()
                }
                // A number kept from before (no reference recorded) still names it.
                Some(n) if r.other_reference.is_none() => n.clone(),
                _ => r.id.to_string(),
            };
            Liaison {
                id: r.id,
                number,
                received: r.received,
                url_key,
                title: r.title,
                summary: r.summary,
                text: r.body_text,
                date: r.date,
                state: r.state,
                approval_level: r.approval_level,
                other_reference: r.other_reference,
                meeting: r.meeting,
                questions: serde_json::from_str(&r.questions).unwrap_or_default(),
                contacts: serde_json::from_str(&r.contacts).unwrap_or_default(),
                from: links
                    .sources
                    .iter()
                    .filter(|s| s.liaison_id == r.id)
                    .filter_map(|s| snap.body_by_id(s.body_id).map(|b| b.code.clone()))
                    .collect(),
                overdue: addressees.iter().any(|a| a.overdue),
                addressees,
                topics: links
                    .topics
                    .iter()
                    .filter(|t| t.liaison_id == r.id)
                    .filter_map(|t| snap.topic_by_id(t.topic_id).map(|t| t.slug.clone()))
                    .collect(),
                organizations: links
                    .organizations
                    .iter()
                    .filter(|o| o.liaison_id == r.id)
                    .filter_map(|o| {
                        snap.organization_by_id(o.organization_id)
                            .map(|o| o.code.clone())
                    })
                    .collect(),
                in_reply_to: r.in_reply_to,
                related_to: r.related_to,
                attachments: files
                    .iter()
                    .filter(|f| f.liaison_id == r.id)
                    .map(|f| AttachmentView {
                        id: f.id,
                        file_name: f.file_name.clone(),
                        size: f.size,
                        content_type: f.content_type.clone(),
                        sha256: f.sha256.clone(),
                    })
                    .collect(),
                access: AccessLevel::parse("access", &r.access).unwrap_or(AccessLevel::Secretariat),
                to_confirm: r.to_confirm,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

/// Drops the links (answers, refers to, replied by) to statements `viewer` may not see, so a
/// draft or a restricted statement shows nowhere, not even as an id.
async fn hide_unseen_links(
    c: &impl liaise_store::Conn,
    viewer: &Viewer,
    items: &mut [Liaison],
) -> Result<(), ServiceError> {
    let mut linked: Vec<i32> = items
        .iter()
        .flat_map(|l| {
            l.in_reply_to
                .into_iter()
                .chain(l.related_to)
                .chain(l.addressees.iter().filter_map(|a| a.replied_by))
        })
        .collect();
    linked.sort_unstable();
    linked.dedup();
    if linked.is_empty() {
        return Ok(());
    }
    let seen = q::visible_among(c, viewer, &linked).await?;
    let keep = |id: Option<i32>| id.filter(|i| seen.contains(i));
    for l in items {
        l.in_reply_to = keep(l.in_reply_to);
        l.related_to = keep(l.related_to);
        for a in &mut l.addressees {
            a.replied_by = keep(a.replied_by);
        }
    }
    Ok(())
}

/// Ids of sources, addressees, topics and owners (the organizations of every source and
/// addressee body: both sides' secretariats may see a secretariat-only statement).
struct Resolved {
    source_ids: Vec<i32>,
    addressees: Vec<(i32, &'static str, Option<Date>)>,
    topic_ids: Vec<i32>,
    owner_ids: Vec<i32>,
    owners: Vec<Code>,
    /// The organizations of the source bodies.
    source_owners: Vec<String>,
}

fn resolve(snap: &Snapshot, i: &LiaisonInput) -> Result<Resolved, ServiceError> {
    let mut errors = Vec::new();
    let mut owners: Vec<String> = Vec::new();
    let mut source_owners: Vec<String> = Vec::new();
    let mut source_ids = Vec::new();
    for (n, b) in i.from.iter().enumerate() {
        match snap.body(b.as_str()) {
            Some(body) => {
                source_ids.push(body.id);
                owners.extend(body.organizations.iter().cloned());
                source_owners.extend(body.organizations.iter().cloned());
            }
            None => errors.push(liaise_domain::FieldError::new(
                format!("from[{n}]"),
                format!("no body has the code `{b}`"),
            )),
        }
    }
    let mut addressees = Vec::new();
    for (n, a) in i.addressees.iter().enumerate() {
        match snap.body(a.body.as_str()) {
            Some(body) => {
                addressees.push((body.id, a.purpose.as_str(), a.deadline));
                owners.extend(body.organizations.iter().cloned());
            }
            None => errors.push(liaise_domain::FieldError::new(
                format!("addressees[{n}].body"),
                format!("no body has the code `{}`", a.body),
            )),
        }
    }
    let mut topic_ids = Vec::new();
    for (n, t) in i.topics.iter().enumerate() {
        match snap.topic(t.as_str()) {
            Some(topic) => topic_ids.push(topic.id),
            None => errors.push(liaise_domain::FieldError::new(
                format!("topics[{n}]"),
                format!("no topic has the slug `{t}`"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    owners.sort();
    owners.dedup();
    let codes = |v: &[String]| -> Vec<Code> {
        v.iter()
            .filter_map(|c| Code::parse("organization", c).ok())
            .collect()
    };
    Ok(Resolved {
        source_ids,
        addressees,
        topic_ids,
        owner_ids: owners
            .iter()
            .filter_map(|c| snap.organization(c).map(|o| o.id))
            .collect(),
        owners: codes(&owners),
        source_owners,
    })
}

/// Whether a statement being recorded is received from another organization's sender. A
/// secretariat's is received exactly when its organization owns none of the source bodies
/// (a flag given too must agree); an administrator, of no organization, says so with the
/// flag (default: not received). A received statement keeps its sender's reference, which is
/// then required, and is recorded as sent; liaise never numbers it.
fn direction(
    viewer: &Viewer,
    r: &Resolved,
    input: &LiaisonInput,
    asked: Option<bool>,
    sent: bool,
) -> Result<bool, ServiceError> {
    let received = match &viewer.role {
        liaise_domain::Role::Secretariat(org) => {
            let inferred = !r.source_owners.iter().any(|o| o == org.as_str());
            if let Some(asked) = asked
                && asked != inferred
            {
                return Err(ServiceError::invalid(
                    "received",
                    if inferred {
                        format!(
                            "{org} owns none of the source bodies: the statement is received \
                             from its sender"
                        )
                    } else {
                        format!("{org} owns a source body: its statement is not received")
                    },
                ));
            }
            inferred
        }
        _ => asked.unwrap_or(false),
    };
    if received {
        let mut errors = Vec::new();
        if input.other_reference.is_none() {
            errors.push(liaise_domain::FieldError::new(
                "other_reference",
                "a statement received from another organization keeps its sender's own \
                 reference: give it (liaise numbers only the statements its users send)",
            ));
        }
        if !sent {
            errors.push(liaise_domain::FieldError::new(
                "state",
                "a statement received from another organization is recorded as sent",
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
    }
    Ok(received)
}

/// The JSON columns of a statement (Questions and contacts).
struct Encoded {
    questions: String,
    contacts: String,
}

impl Encoded {
    fn of(i: &LiaisonInput) -> Self {
        Self {
            questions: serde_json::to_string(&i.questions).unwrap_or_else(|_| "[]".to_owned()),
            contacts: contacts_json(i),
        }
    }
}

/// The row a checked and resolved statement is written as.
fn row_of<'a>(
    i: &'a LiaisonInput,
    r: &'a Resolved,
    e: &'a Encoded,
    received: bool,
) -> LiaisonRow<'a> {
    LiaisonRow {
        title: &i.title,
        summary: i.summary.as_deref(),
        body_text: i.text.as_deref(),
        date: i.date,
        approval_level: i.approval_level.map(|a| a.as_str()),
        other_reference: i.other_reference.as_deref(),
        meeting: i.meeting.as_deref(),
        questions: &e.questions,
        contacts: &e.contacts,
        access: i.access.as_str(),
        source_ids: &r.source_ids,
        addressees: &r.addressees,
        topic_ids: &r.topic_ids,
        organization_ids: &r.owner_ids,
        received,
    }
}

fn contacts_json(i: &LiaisonInput) -> String {
    let contacts: Vec<ContactView> = i
        .contacts
        .iter()
        .map(|c| ContactView {
            name: c.name.clone(),
            email: c.email.as_ref().map(ToString::to_string),
            role: c.role.clone(),
        })
        .collect();
    serde_json::to_string(&contacts).unwrap_or_else(|_| "[]".to_owned())
}

fn fields(i: &LiaisonInput, received: bool) -> Fields {
    vec![
        ("received", received.then(|| "true".to_owned())),
        ("other_reference", i.other_reference.clone()),
        ("title", Some(i.title.clone())),
        ("date", Some(i.date.to_string())),
        (
            "from",
            Some(
                i.from
                    .iter()
                    .map(Code::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
        (
            "addressees",
            Some(
                i.addressees
                    .iter()
                    .map(|a| {
                        format!(
                            "{}:{}{}",
                            a.body,
                            a.purpose.as_str(),
                            a.deadline.map(|d| format!(":{d}")).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
        ("summary", i.summary.clone()),
        ("access", Some(i.access.as_str().to_owned())),
    ]
}

impl Liaise {
    /// Inside a write of statements, before its commit: moves the statements' revision and
    /// announces the statements the write touched (with the ones they answer, whose rows a
    /// reply closes), so the statement list in memory reads them again once committed.
    async fn touched_statements(
        &self,
        tx: &liaise_store::Tx,
        ids: Vec<i32>,
    ) -> Result<(), ServiceError> {
        let revision =
            liaise_store::queries::revisions::bump(tx, crate::cache::Area::Liaisons).await?;
        let mut all = ids.clone();
        for id in ids {
            if let Some(original) = q::by_id_unfiltered(tx, id)
                .await?
                .and_then(|r| r.in_reply_to)
            {
                all.push(original);
            }
        }
        all.sort_unstable();
        all.dedup();
        self.cache.facts.expect(revision, all);
        Ok(())
    }

    /// The statements `viewer` may see, newest first (remembered per scope, query and page
    /// until a write of statements: body and topic pages show two such lists each).
    pub async fn liaisons(
        &self,
        viewer: &Viewer,
        query: &LiaisonQuery,
        page: PageRequest,
    ) -> Result<Arc<LiaisonPage>, ServiceError> {
        let snap = self.registry().await?;
        let key = Key::new(
            Answer::LiaisonPage,
            viewer,
            format!("{query:?}|{}|{}|{}", page.page(), page.per_page(), today()),
        );
        let ticket = match self.cache().recall::<LiaisonPage>(key) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        let empty = || {
            Arc::new(LiaisonPage {
                items: Vec::new(),
                total: 0,
            })
        };
        let mut filter = LiaisonFilter {
            purpose: crate::blank(&query.purpose).map(str::to_owned),
            state: crate::blank(&query.state).map(str::to_owned),
            year: liaise_domain::text::optional_year("year", query.year)?,
            awaiting: query.awaiting,
            overdue_on: query.overdue.then(today),
            sort: crate::blank(&query.sort)
                .map(|s| liaise_domain::liaison::LsSort::parse("sort", s))
                .transpose()?,
            ..LiaisonFilter::default()
        };
        if let Some(o) = crate::blank(&query.organization) {
            let Some(org) = snap.organization(o) else {
                return Ok(empty());
            };
            filter.organization_id = Some(org.id);
        }
        if let Some(b) = crate::blank(&query.from) {
            let Some(body) = snap.body(b) else {
                return Ok(empty());
            };
            filter.from_body_id = Some(body.id);
        }
        if let Some(b) = crate::blank(&query.to) {
            let Some(body) = snap.body(b) else {
                return Ok(empty());
            };
            filter.to_body_id = Some(body.id);
        }
        if let Some(t) = crate::blank(&query.topic) {
            let Some(topic) = snap.topic(t) else {
                return Ok(empty());
            };
            filter.topic_id = Some(topic.id);
        }
        let c = self.store.conn();
        let reader = crate::facts::reader(viewer, &snap);
        let (total, rows, links) = if let Some((total, ids, links)) =
            self.cache
                .facts
                .page(reader, &filter, page.offset(), page.per_page())
        {
            (
                total,
                q::by_ids(c, reader, &ids, &links.organizations).await?,
                Some(links),
            )
        } else {
            self.build_statement_facts();
            let list = q::list_query(viewer, &filter);
            let counted = format!(
                "{:?}",
                LiaisonFilter {
                    sort: None,
                    ..filter.clone()
                }
            );
            let total = self
                .count(Answer::LiaisonCount, viewer, counted, &list)
                .await?;
            let rows = if page.offset() < total {
                list.page(c, &q::order(filter.sort), page.offset(), page.per_page())
                    .await?
            } else {
                Vec::new()
            };
            (total, rows, None)
        };
        let mut items = assemble_linked(c, &snap, rows, links).await?;
        hide_unseen_links(c, viewer, &mut items).await?;
        let result = Arc::new(LiaisonPage { items, total });
        self.cache().remember(ticket, result.clone());
        Ok(result)
    }

    /// How many sent statements went from each organization to each other one (ITU → UPU,
    /// UPU → ITU), among those `viewer` may see. A statement counts once per pair.
    pub async fn liaison_directions(
        &self,
        viewer: &Viewer,
    ) -> Result<Arc<Vec<(String, String, u64)>>, ServiceError> {
        let snap = self.registry().await?;
        let ticket = match self.cache().recall::<Vec<(String, String, u64)>>(Key::new(
            Answer::LiaisonDirections,
            viewer,
            "",
        )) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        if let Some(counts) = self
            .cache
            .facts
            .directions(crate::facts::reader(viewer, &snap), &snap)
        {
            let result = Arc::new(counts);
            self.cache().remember(ticket, result.clone());
            return Ok(result);
        }
        let code = |id: i32| snap.organization_by_id(id).map(|o| o.code.clone());
        let mut counts: Vec<(String, String, u64)> = q::directions(self.store.conn(), viewer)
            .await?
            .into_iter()
            .filter_map(|(f, t, n)| Some((code(f)?, code(t)?, u64::try_from(n).ok()?)))
            .collect();
        counts.sort();
        let result = Arc::new(counts);
        self.cache().remember(ticket, result.clone());
        Ok(result)
    }

    /// One statement by id or number (`TSAG-LS12`); `NotFound` when hidden from the viewer.
    pub async fn liaison(&self, viewer: &Viewer, key: &str) -> Result<Liaison, ServiceError> {
        let snap = self.registry().await?;
        let c = self.store.conn();
        let row = match key.parse::<i32>() {
            Ok(id) => q::get(c, viewer, id).await?,
            Err(_) => match q::get_by_number(c, viewer, &key.trim().to_ascii_uppercase()).await? {
                Some(row) => Some(row),
                // A received statement, by its sender's reference as written.
                None => q::get_by_reference(c, viewer, key.trim()).await?,
            },
        };
        let row = row.ok_or_else(|| not_found(key))?;
        let mut items = assemble(c, &snap, vec![row]).await?;
        hide_unseen_links(c, viewer, &mut items).await?;
        items.pop().ok_or_else(|| not_found(key))
    }

    /// The replies to a statement that `viewer` may see.
    pub async fn replies(&self, viewer: &Viewer, id: i32) -> Result<Vec<Liaison>, ServiceError> {
        let snap = self.registry().await?;
        let c = self.store.conn();
        let rows = q::replies(c, viewer, id).await?;
        let mut items = assemble(c, &snap, rows).await?;
        hide_unseen_links(c, viewer, &mut items).await?;
        Ok(items)
    }

    /// Records a statement: a draft to approve, or (for one received or already sent) as
    /// sent, numbered at once. A reply closes the rows of the statement it answers that were
    /// addressed to its source bodies; a related statement is only linked.
    ///
    /// `received` says whether it comes from another organization's sender (see
    /// [`direction`]): a received statement keeps its sender's reference as its number.
    pub async fn create_liaison(
        &self,
        viewer: &Viewer,
        input: LiaisonInput,
        sent: bool,
        received: Option<bool>,
        links: ThreadLinks,
    ) -> Result<Liaison, ServiceError> {
        let ThreadLinks {
            in_reply_to,
            related_to,
        } = links;
        let snap = self.registry().await?;
        let r = resolve(&snap, &input)?;
        authorize(viewer, &Action::EditRegistry { owners: &r.owners })?;
        let received = direction(viewer, &r, &input, received, sent)?;
        if let Some(original) = in_reply_to
            && q::get(self.store.conn(), viewer, original).await?.is_none()
        {
            return Err(ServiceError::invalid(
                "in_reply_to",
                format!("no liaison statement {original} to reply to"),
            ));
        }
        if let Some(related) = related_to
            && q::get(self.store.conn(), viewer, related).await?.is_none()
        {
            return Err(ServiceError::invalid(
                "related_to",
                format!("no liaison statement {related}"),
            ));
        }
        let encoded = Encoded::of(&input);
        let row = row_of(&input, &r, &encoded, received);
        let now = OffsetDateTime::now_utc();
        let tx = self.store.begin().await?;
        let created = q::insert(&tx, &row, in_reply_to, now).await?;
        if related_to.is_some() {
            q::set_related_to(&tx, created.id, related_to).await?;
        }
        audit::record(
            &tx,
            viewer,
            "create",
            "liaison",
            &created.id.to_string(),
            diff(&Vec::new(), &fields(&input, received)),
        )
        .await?;
        if sent {
            // liaise numbers only what its own users send; a received statement keeps its
            // sender's reference.
            let number = if received {
                None
            } else {
                Some(self.assign_number(&tx, &input).await?)
            };
            q::set_state(
                &tx,
                created.id,
                LsState::Sent.as_str(),
                number.as_deref(),
                now,
            )
            .await?;
            q::open_rows(&tx, created.id).await?;
            audit::record(
                &tx,
                viewer,
                "sent",
                "liaison",
                &created.id.to_string(),
                diff(
                    &vec![("number", None)],
                    &vec![("number", number.or(input.other_reference.clone()))],
                ),
            )
            .await?;
            if let Some(original) = in_reply_to {
                let closed = q::close_rows(&tx, original, &r.source_ids, created.id).await?;
                if closed > 0 {
                    audit::record(
                        &tx,
                        viewer,
                        "replied",
                        "liaison",
                        &original.to_string(),
                        None,
                    )
                    .await?;
                }
            }
        }
        crate::search::index_liaison(&tx, &snap, created.id).await?;
        self.touched_statements(&tx, vec![created.id]).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Liaisons).await?;
        self.liaison(viewer, &created.id.to_string()).await
    }

    async fn assign_number(
        &self,
        tx: &liaise_store::Tx,
        input: &LiaisonInput,
    ) -> Result<String, ServiceError> {
        let first = input.from.first().ok_or_else(|| {
            ServiceError::invalid("from", "a liaison statement comes from at least one body")
        })?;
        self.next_number(tx, first, input.date).await
    }

    /// The next number in the series of a source body, by its pattern (`{body}-LS{n}` when
    /// it has none); `{year}` is the statement's year.
    async fn next_number(
        &self,
        tx: &liaise_store::Tx,
        body: &Code,
        date: Date,
    ) -> Result<String, ServiceError> {
        let snap = self.registry().await?;
        let pattern = snap
            .body(body.as_str())
            .and_then(|b| b.ls_pattern.as_deref())
            .and_then(|p| ls::LsPattern::parse("ls_pattern", p).ok())
            .unwrap_or_default();
        let (before, after) = pattern.series(body, date.year());
        let n = q::next_in_series(tx, &before, &after).await?;
        Ok(pattern.number(body, date.year(), n))
    }

    /// Changes a draft (a statement approved or sent is not edited).
    pub async fn update_liaison(
        &self,
        viewer: &Viewer,
        key: &str,
        patch: LiaisonPatch,
    ) -> Result<Liaison, ServiceError> {
        let current = self.liaison(viewer, key).await?;
        let current_owners: Vec<Code> = current
            .organizations
            .iter()
            .filter_map(|o| Code::parse("organization", o).ok())
            .collect();
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &current_owners,
            },
        )?;
        if current.state != LsState::Draft.as_str() {
            return Err(ServiceError::conflict(
                "state",
                format!(
                    "a {} liaison statement cannot be edited; only drafts can",
                    current.state
                ),
            ));
        }
        let addressees = patch.addressees.unwrap_or_else(|| {
            current
                .addressees
                .iter()
                .map(|a| (a.body.clone(), a.purpose.clone(), a.deadline))
                .collect()
        });
        let contacts: Vec<(String, Option<String>, Option<String>)> =
            patch.contacts.unwrap_or_else(|| {
                current
                    .contacts
                    .iter()
                    .map(|c| (c.name.clone(), c.email.clone(), Some(c.role.clone())))
                    .collect()
            });
        let title = patch.title.unwrap_or_else(|| current.title.clone());
        let summary = patch.summary.unwrap_or_else(|| current.summary.clone());
        let text = patch.text.unwrap_or_else(|| current.text.clone());
        let topics = patch.topics.unwrap_or_else(|| current.topics.clone());
        let questions = patch.questions.unwrap_or_else(|| current.questions.clone());
        let other = patch
            .other_reference
            .unwrap_or_else(|| current.other_reference.clone());
        let level = patch
            .approval_level
            .unwrap_or_else(|| current.approval_level.clone());
        let meeting = patch.meeting.unwrap_or_else(|| current.meeting.clone());
        let access = patch
            .access
            .unwrap_or_else(|| current.access.as_str().to_owned());
        let input = LiaisonInput::parse(&LiaisonFields {
            title: &title,
            summary: summary.as_deref(),
            text: text.as_deref(),
            date: Some(patch.date.unwrap_or(current.date)),
            from: &current.from,
            addressees: &addressees,
            questions: &questions,
            contacts: &contacts,
            other_reference: other.as_deref(),
            meeting: meeting.as_deref(),
            approval_level: level.as_deref(),
            topics: &topics,
            access: &access,
        })?;
        let snap = self.registry().await?;
        let r = resolve(&snap, &input)?;
        authorize(viewer, &Action::EditRegistry { owners: &r.owners })?;
        let encoded = Encoded::of(&input);
        let row = row_of(&input, &r, &encoded, current.received);
        let tx = self.store.begin().await?;
        q::update(&tx, current.id, &row, OffsetDateTime::now_utc()).await?;
        audit::record(
            &tx,
            viewer,
            "update",
            "liaison",
            &current.id.to_string(),
            None,
        )
        .await?;
        crate::search::index_liaison(&tx, &snap, current.id).await?;
        self.touched_statements(&tx, vec![current.id]).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Liaisons).await?;
        self.liaison(viewer, &current.id.to_string()).await
    }

    /// Moves a statement along its life: approve (it gets its number), send (its action and
    /// comment rows now await replies), withdraw. Approving and sending take the secretariat of
    /// a source body's organization, an administrator, or the chair of a source body.
    pub async fn transition_liaison(
        &self,
        viewer: &Viewer,
        key: &str,
        to: &str,
    ) -> Result<Liaison, ServiceError> {
        let to = LsState::parse("to", to)?;
        let current = self.liaison(viewer, key).await?;
        let from_state = LsState::parse("state", &current.state)?;
        if viewer.is_anonymous() {
            return Err(ServiceError::Unauthenticated);
        }
        if !self.may_approve(viewer, &current).await? {
            return Err(ServiceError::Forbidden);
        }
        from_state.check_transition(to)?;
        let now = OffsetDateTime::now_utc();
        let tx = self.store.begin().await?;
        let mut number = None;
        if to == LsState::Approved && current.number.is_none() && !current.received {
            let first = current
                .from
                .first()
                .and_then(|c| Code::parse("from", c).ok())
                .ok_or_else(|| ServiceError::Internal("a statement without source".into()))?;
            number = Some(self.next_number(&tx, &first, current.date).await?);
        }
        q::set_state(&tx, current.id, to.as_str(), number.as_deref(), now).await?;
        if to == LsState::Sent {
            q::open_rows(&tx, current.id).await?;
            // The statement it answers, even one this viewer does not see (its links are
            // hidden from them, not its rows).
            let answers = q::by_id_unfiltered(&tx, current.id)
                .await?
                .and_then(|r| r.in_reply_to);
            if let Some(original) = answers {
                let snap = self.registry().await?;
                let sources: Vec<i32> = current
                    .from
                    .iter()
                    .filter_map(|b| snap.body(b).map(|b| b.id))
                    .collect();
                if q::close_rows(&tx, original, &sources, current.id).await? > 0 {
                    audit::record(
                        &tx,
                        viewer,
                        "replied",
                        "liaison",
                        &original.to_string(),
                        None,
                    )
                    .await?;
                }
            }
        }
        let changes = diff(
            &vec![
                ("state", Some(current.state.clone())),
                ("number", current.number.clone()),
            ],
            &vec![
                ("state", Some(to.as_str().to_owned())),
                ("number", number.clone().or(current.number.clone())),
            ],
        );
        audit::record(
            &tx,
            viewer,
            to.as_str(),
            "liaison",
            &current.id.to_string(),
            changes,
        )
        .await?;
        let snap = self.registry().await?;
        crate::search::index_liaison(&tx, &snap, current.id).await?;
        self.touched_statements(&tx, vec![current.id]).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Liaisons).await?;
        self.liaison(viewer, &current.id.to_string()).await
    }

    async fn may_approve(&self, viewer: &Viewer, ls: &Liaison) -> Result<bool, ServiceError> {
        let snap = self.registry().await?;
        let source_owners: Vec<Code> = ls
            .from
            .iter()
            .filter_map(|b| snap.body(b))
            .flat_map(|b| b.organizations.iter())
            .filter_map(|o| Code::parse("organization", o).ok())
            .collect();
        if authorize(
            viewer,
            &Action::EditRegistry {
                owners: &source_owners,
            },
        )
        .is_ok()
        {
            return Ok(true);
        }
        // The chair of a source body, on the day.
        let Some(user_id) = viewer.user_id else {
            return Ok(false);
        };
        let Some(person_id) = users::by_id(self.store.conn(), user_id)
            .await?
            .and_then(|u| u.person_id)
        else {
            return Ok(false);
        };
        let today = today();
        Ok(snap.person(person_id).is_some_and(|p| {
            p.roles.iter().any(|r| {
                r.kind == RoleKind::Chair.as_str()
                    && ls.from.contains(&r.body)
                    && r.from.is_none_or(|f| f <= today)
                    && r.to.is_none_or(|t| today <= t)
            })
        }))
    }
}

/// What a viewer may do with a statement; pages show only these buttons, and each use case
/// checks again on its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiaisonActions {
    pub edit: bool,
    pub approve: bool,
    pub send: bool,
    pub withdraw: bool,
    pub attach: bool,
    /// Close rows awaiting a reply without one.
    pub close_rows: bool,
    /// Record a reply to it.
    pub reply: bool,
}

impl Liaise {
    /// What `viewer` may do with `ls` now, by the same rules the use cases apply.
    pub async fn liaison_actions(
        &self,
        viewer: &Viewer,
        ls: &Liaison,
    ) -> Result<LiaisonActions, ServiceError> {
        if viewer.is_anonymous() {
            return Ok(LiaisonActions::default());
        }
        let owners = owner_codes(ls);
        let owner = authorize(viewer, &Action::EditRegistry { owners: &owners }).is_ok();
        let approver = self.may_approve(viewer, ls).await?;
        let state = LsState::parse("state", &ls.state)?;
        let next = state.next();
        let sent = state == LsState::Sent;
        Ok(LiaisonActions {
            edit: owner && state == LsState::Draft,
            approve: approver && next.contains(&LsState::Approved),
            send: approver && next.contains(&LsState::Sent),
            withdraw: approver && next.contains(&LsState::Withdrawn),
            attach: owner,
            close_rows: owner
                && sent
                && ls
                    .addressees
                    .iter()
                    .any(|a| a.reply_state.as_deref() == Some(ReplyState::Awaiting.as_str())),
            reply: owner && sent,
        })
    }

    /// Closes a row awaiting a reply without one (the secretariat of an owning organization,
    /// or an administrator), with an optional note kept in the audit log. A closed row is
    /// neither awaiting nor overdue.
    /// Adds a comment to a statement's history (the secretariat of an owning organization, or
    /// an administrator): kept in the audit log with the statement's other events.
    pub async fn comment_liaison(
        &self,
        viewer: &Viewer,
        key: &str,
        text: &str,
    ) -> Result<Vec<crate::audit::AuditEntry>, ServiceError> {
        let ls = self.liaison(viewer, key).await?;
        let owners = owner_codes(&ls);
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let text = liaise_domain::text::optional_text("text", Some(text), 4000)?
            .ok_or_else(|| ServiceError::invalid("text", "write the comment"))?;
        let tx = self.store.begin().await?;
        audit::record(
            &tx,
            viewer,
            "comment",
            "liaison",
            &ls.id.to_string(),
            diff(&vec![("comment", None)], &vec![("comment", Some(text))]),
        )
        .await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.liaison_history(viewer, key).await
    }

    /// The events of a statement (created, edited, approved, sent, replied, withdrawn, rows
    /// closed, comments), oldest first, for the secretariats of its organizations and
    /// administrators.
    pub async fn liaison_history(
        &self,
        viewer: &Viewer,
        key: &str,
    ) -> Result<Vec<crate::audit::AuditEntry>, ServiceError> {
        let ls = self.liaison(viewer, key).await?;
        let owners = owner_codes(&ls);
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let filter = liaise_store::queries::audit::AuditFilter {
            entity: Some("liaison".into()),
            entity_key: Some(ls.id.to_string()),
            ..Default::default()
        };
        let (rows, _) =
            liaise_store::queries::audit::list(self.store.conn(), &filter, 0, 500).await?;
        let mut entries: Vec<crate::audit::AuditEntry> = rows.into_iter().map(Into::into).collect();
        entries.reverse();
        Ok(entries)
    }

    pub async fn close_row(
        &self,
        viewer: &Viewer,
        key: &str,
        body: &str,
        note: Option<&str>,
    ) -> Result<Liaison, ServiceError> {
        let ls = self.liaison(viewer, key).await?;
        let owners = owner_codes(&ls);
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let note = liaise_domain::text::optional_text("note", note, 2000)?;
        let row = ls
            .addressees
            .iter()
            .find(|a| a.body.eq_ignore_ascii_case(body.trim()))
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "{} is not addressed by {}",
                    liaise_domain::text::preview(body),
                    ls.label()
                ))
            })?;
        if row.reply_state.as_deref() != Some(ReplyState::Awaiting.as_str()) {
            return Err(ServiceError::conflict(
                "body",
                format!(
                    "the row of {} awaits no reply ({})",
                    row.body,
                    row.reply_state
                        .as_deref()
                        .unwrap_or("not sent or for information")
                ),
            ));
        }
        let snap = self.registry().await?;
        let body_id = snap
            .body(&row.body)
            .map(|b| b.id)
            .ok_or_else(|| ServiceError::Internal(format!("no body {}", row.body)))?;
        let tx = self.store.begin().await?;
        if q::close_without_reply(&tx, ls.id, body_id).await? == 0 {
            return Err(ServiceError::conflict(
                "body",
                format!("the row of {} awaits no reply", row.body),
            ));
        }
        let before: Fields = vec![(
            "row",
            Some(format!("{}:{}", row.body, ReplyState::Awaiting.as_str())),
        )];
        let after: Fields = vec![
            (
                "row",
                Some(format!("{}:{}", row.body, ReplyState::Closed.as_str())),
            ),
            ("note", note),
        ];
        audit::record(
            &tx,
            viewer,
            "close-row",
            "liaison",
            &ls.id.to_string(),
            diff(&before, &after),
        )
        .await?;
        self.touched_statements(&tx, vec![ls.id]).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Liaisons).await?;
        self.liaison(viewer, &ls.id.to_string()).await
    }
}

/// The organizations owning a statement, as codes.
fn owner_codes(ls: &Liaison) -> Vec<Code> {
    ls.organizations
        .iter()
        .filter_map(|o| Code::parse("organization", o).ok())
        .collect()
}

impl Liaise {
    /// Attaches a file to a statement (its secretariats or an administrator). The file is kept
    /// once per content, under its SHA-256; the record is written in one transaction.
    pub async fn attach(
        &self,
        viewer: &Viewer,
        key: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentView, ServiceError> {
        let ls = self.liaison(viewer, key).await?;
        let owners: Vec<Code> = ls
            .organizations
            .iter()
            .filter_map(|o| Code::parse("organization", o).ok())
            .collect();
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let name = files::check_name(file_name)?;
        if bytes.is_empty() {
            return Err(ServiceError::invalid("file", "the file is empty"));
        }
        if bytes.len() > ATTACHMENT_MAX {
            return Err(ServiceError::invalid(
                "file",
                format!(
                    "the file is larger than {} MiB",
                    ATTACHMENT_MAX / 1024 / 1024
                ),
            ));
        }
        let dir = self
            .files
            .clone()
            .ok_or_else(|| ServiceError::Unavailable("attachments are not configured".into()))?;
        let kind = files::content_type(&name, &bytes);
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let sha = files::store(&dir, bytes).await?;
        let tx = self.store.begin().await?;
        let row = q::insert_attachment(
            &tx,
            &q::AttachmentRow {
                liaison_id: ls.id,
                sha256: &sha,
                size,
                content_type: &kind,
                file_name: &name,
            },
            OffsetDateTime::now_utc(),
        )
        .await?;
        let after: Fields = vec![
            ("file", Some(name.clone())),
            ("sha256", Some(sha.clone())),
            ("size", Some(size.to_string())),
        ];
        audit::record(
            &tx,
            viewer,
            "attach",
            "liaison",
            &ls.id.to_string(),
            diff(&Vec::new(), &after),
        )
        .await?;
        self.touched_statements(&tx, Vec::new()).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Liaisons).await?;
        Ok(AttachmentView {
            id: row.id,
            file_name: name,
            size,
            content_type: kind,
            sha256: sha,
        })
    }

    /// An attachment of a statement the viewer may see, and where its bytes are.
    pub async fn attachment(
        &self,
        viewer: &Viewer,
        key: &str,
        id: i32,
    ) -> Result<(AttachmentView, std::path::PathBuf), ServiceError> {
        let ls = self.liaison(viewer, key).await?;
        let a = ls
            .attachments
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| ServiceError::NotFound(format!("no attachment {id}")))?;
        let dir = self
            .files
            .clone()
            .ok_or_else(|| ServiceError::NotFound(format!("no attachment {id}")))?;
        let path = files::path(&dir, &a.sha256);
        Ok((a, path))
    }
}

/// One row of an import: its line in the file, and the statement or why it was refused.
#[derive(Debug)]
pub struct ImportRow {
    pub line: u64,
    pub number: Option<String>,
    pub sent: bool,
    /// Received from another organization's sender, as the file says (`received` column);
    /// `None` lets the importer's organization decide, as for a statement recorded one by one.
    pub received: Option<bool>,
    pub input: Result<LiaisonInput, ServiceError>,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: Vec<(u64, String)>,
    /// (line, reason)
    pub rejected: Vec<(u64, String)>,
}

impl Liaise {
    /// Records historical statements (secretariats of their organizations, administrators).
    /// Rows that break a rule are reported with their line and left out; the others are
    /// written in one transaction, so a failure midway leaves nothing.
    pub async fn import_liaisons(
        &self,
        viewer: &Viewer,
        rows: Vec<ImportRow>,
        mut progress: impl FnMut(u64),
    ) -> Result<ImportReport, ServiceError> {
        let snap = self.registry().await?;
        let mut report = ImportReport::default();
        let now = OffsetDateTime::now_utc();
        let tx = self.store.begin().await?;
        let mut numbers = std::collections::HashSet::new();
        for row in rows {
            progress(1);
            let checked = row.input.and_then(|input| {
                let r = resolve(&snap, &input)?;
                authorize(viewer, &Action::EditRegistry { owners: &r.owners })?;
                let received = direction(viewer, &r, &input, row.received, row.sent)?;
                Ok((input, r, received))
            });
            let (input, r, received) = match checked {
                Ok(v) => v,
                Err(e) => {
                    report.rejected.push((row.line, e.to_string()));
                    continue;
                }
            };
            // A received statement is known by its sender's reference: a `number` column,
            // if filled, must repeat it (as the CSV export writes it).
            if received
                && let Some(n) = row.number.as_deref().map(str::trim)
                && input.other_reference.as_deref() != Some(n)
            {
                report.rejected.push((
                    row.line,
                    format!(
                        "number: {} is not the sender's reference of this received statement \
                         (other_reference); liaise does not number received statements",
                        liaise_domain::text::preview(n)
                    ),
                ));
                continue;
            }
            let number = match (&row.number, row.sent && !received) {
                (Some(n), true) => {
                    let n = n.trim().to_ascii_uppercase();
                    if !numbers.insert(n.clone())
                        || q::get_by_number(&tx, &Viewer::system(), &n)
                            .await?
                            .is_some()
                    {
                        report
                            .rejected
                            .push((row.line, format!("number: {n} is already recorded")));
                        continue;
                    }
                    Some(n)
                }
                _ => None,
            };
            let encoded = Encoded::of(&input);
            let lrow = row_of(&input, &r, &encoded, received);
            let created = q::insert(&tx, &lrow, None, now).await?;
            let label = if row.sent && received {
                q::set_state(&tx, created.id, LsState::Sent.as_str(), None, now).await?;
                q::open_rows(&tx, created.id).await?;
                input.other_reference.clone().unwrap_or_default()
            } else if row.sent {
                let number = match number {
                    Some(n) => n,
                    None => self.assign_number(&tx, &input).await?,
                };
                q::set_state(&tx, created.id, LsState::Sent.as_str(), Some(&number), now).await?;
                q::open_rows(&tx, created.id).await?;
                number
            } else {
                format!("#{}", created.id)
            };
            audit::record(
                &tx,
                viewer,
                "import",
                "liaison",
                &created.id.to_string(),
                diff(&Vec::new(), &fields(&input, received)),
            )
            .await?;
            crate::search::index_liaison(&tx, &snap, created.id).await?;
            report.imported.push((row.line, label));
        }
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Liaisons).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Liaisons).await?;
        self.store.analyze().await?;
        Ok(report)
    }
}

fn not_found(key: &str) -> ServiceError {
    ServiceError::NotFound(format!(
        "no liaison statement `{}`",
        liaise_domain::text::preview(key)
    ))
}
