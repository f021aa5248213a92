//! Meetings: reads through the store's viewer-aware queries (lists remembered per access
//! scope in the one cache, area `Meetings`), writes in one transaction with their audit
//! entry, search entry and the area's revision.

use std::sync::Arc;

use liaise_domain::{
    AccessLevel, Action, Code, PageRequest, Viewer, authorize,
    meeting::{MeetingFields, MeetingInput, MeetingKind, MeetingState, TimeZoneName, local_text},
};
use liaise_store::queries::meetings::{self as q, MeetingFilter, MeetingRow};
use time::{Date, OffsetDateTime};

use crate::{
    Liaise, ServiceError,
    audit::{self, Fields, diff},
    cache::{Answer, Area, Key},
    snapshot::Snapshot,
};

/// A meeting as shown.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: i32,
    pub uid: String,
    pub kind: MeetingKind,
    pub state: MeetingState,
    pub title: String,
    pub number: Option<String>,
    pub summary: Option<String>,
    /// Dates announced by a secondary source, not yet checked.
    pub to_confirm: bool,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub all_day: bool,
    pub time_zone: TimeZoneName,
    pub place: Option<String>,
    /// Only when the viewer may see it (`online_access`).
    pub online_link: Option<String>,
    pub online_access: AccessLevel,
    pub access: AccessLevel,
    /// The iCalendar SEQUENCE: one more at each change.
    pub sequence: i32,
    pub activity_id: Option<i32>,
    pub bodies: Vec<String>,
    pub topics: Vec<String>,
    pub organizations: Vec<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Meeting {
    /// The start as typed in the meeting's zone (a date for a whole-day meeting).
    pub fn start_text(&self) -> String {
        local_text(&self.time_zone, self.starts_at, self.all_day, false)
    }

    /// The end as typed in the meeting's zone (the last day for a whole-day meeting).
    pub fn end_text(&self) -> String {
        local_text(&self.time_zone, self.ends_at, self.all_day, true)
    }
}

/// A page of meetings and the total the viewer may see.
#[derive(Debug, Clone)]
pub struct MeetingPage {
    pub items: Vec<Meeting>,
    pub total: u64,
}

/// Filters of the meeting list, by code and slug (the same for pages, API and calendars).
#[derive(Debug, Default, Clone)]
pub struct MeetingQuery {
    pub kind: Option<String>,
    pub state: Option<String>,
    pub body: Option<String>,
    pub topic: Option<String>,
    pub organization: Option<String>,
    /// Meetings starting on or after this day (UTC).
    pub from: Option<Date>,
    /// Meetings starting on or before this day (UTC).
    pub to: Option<Date>,
    /// Soonest first instead of latest first.
    pub ascending: bool,
}

/// Changes to a meeting; `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct MeetingPatch {
    pub kind: Option<String>,
    pub state: Option<String>,
    pub title: Option<String>,
    pub number: Option<Option<String>>,
    pub summary: Option<Option<String>>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub time_zone: Option<String>,
    pub place: Option<Option<String>>,
    pub online_link: Option<Option<String>>,
    pub online_access: Option<String>,
    pub access: Option<String>,
    pub bodies: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub organizations: Option<Vec<String>>,
}

/// One item of a meeting's agenda.
#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub number: String,
    pub title: String,
    pub presenter_id: Option<i32>,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub outcome: Option<String>,
    pub document_ids: Vec<i32>,
    pub liaison_ids: Vec<i32>,
}

/// One revision of a meeting's minutes.
#[derive(Debug, Clone)]
pub struct MinutesRevision {
    pub revision: i32,
    pub text: String,
    pub author: String,
    pub at: OffsetDateTime,
    pub approved: bool,
}

/// A meeting with its agenda and minutes.
#[derive(Debug, Clone)]
pub struct MeetingDetail {
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    pub minutes: Vec<MinutesRevision>,
}

fn access_level(s: &str) -> AccessLevel {
    AccessLevel::parse("access", s).unwrap_or(AccessLevel::Secretariat)
}

/// One meeting by id, whoever may see it (for the search index, inside a write).
pub(crate) async fn load(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<Option<Meeting>, ServiceError> {
    match q::get(c, &Viewer::system(), id).await? {
        Some(row) => Ok(assemble(c, snap, &Viewer::system(), vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// Turns rows and their links into meetings with codes and slugs, as `viewer` may see them.
async fn assemble(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    viewer: &Viewer,
    rows: Vec<liaise_store::entity::meeting::Model>,
) -> Result<Vec<Meeting>, ServiceError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let (bodies, topics, orgs) = q::links(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let organizations: Vec<String> = orgs
                .iter()
                .filter(|l| l.meeting_id == r.id)
                .filter_map(|l| {
                    snap.organization_by_id(l.organization_id)
                        .map(|o| o.code.clone())
                })
                .collect();
            let owners: Vec<Code> = organizations
                .iter()
                .filter_map(|o| Code::parse("organizations", o).ok())
                .collect();
            let online_access = access_level(&r.online_access);
            let time_zone = TimeZoneName::parse("time_zone", &r.time_zone)
                .unwrap_or_else(|_| TimeZoneName::utc());
            Meeting {
                bodies: bodies
                    .iter()
                    .filter(|l| l.meeting_id == r.id)
                    .filter_map(|l| snap.body_by_id(l.body_id).map(|b| b.code.clone()))
                    .collect(),
                topics: topics
                    .iter()
                    .filter(|l| l.meeting_id == r.id)
                    .filter_map(|l| snap.topic_by_id(l.topic_id).map(|t| t.slug.clone()))
                    .collect(),
                online_link: r
                    .online_link
                    .filter(|_| online_access.visible_to(viewer, &owners)),
                organizations,
                id: r.id,
                uid: r.uid,
                kind: MeetingKind::parse("kind", &r.kind).unwrap_or(MeetingKind::BodyMeeting),
                state: MeetingState::parse("state", &r.state).unwrap_or(MeetingState::Planned),
                title: r.title,
                number: r.number,
                summary: r.summary,
                to_confirm: r.to_confirm,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                all_day: r.all_day,
                time_zone,
                place: r.place,
                online_access,
                access: access_level(&r.access),
                sequence: r.sequence,
                activity_id: r.activity_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

fn fields(i: &MeetingInput, owners: &[String]) -> Fields {
    vec![
        ("kind", Some(i.kind.as_str().to_owned())),
        ("state", Some(i.state.as_str().to_owned())),
        ("title", Some(i.title.clone())),
        ("number", i.number.clone()),
        ("summary", i.summary.clone()),
        ("start", Some(i.start_text())),
        ("end", Some(i.end_text())),
        ("time_zone", Some(i.time_zone.as_str().to_owned())),
        ("place", i.place.clone()),
        ("online_link", i.online_link.clone()),
        ("online_access", Some(i.online_access.as_str().to_owned())),
        ("access", Some(i.access.as_str().to_owned())),
        (
            "bodies",
            Some(
                i.bodies
                    .iter()
                    .map(Code::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
        (
            "topics",
            Some(
                i.topics
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
        ("organizations", Some(owners.join(","))),
    ]
}

fn meeting_fields(m: &Meeting) -> Fields {
    vec![
        ("kind", Some(m.kind.as_str().to_owned())),
        ("state", Some(m.state.as_str().to_owned())),
        ("title", Some(m.title.clone())),
        ("number", m.number.clone()),
        ("summary", m.summary.clone()),
        ("start", Some(m.start_text())),
        ("end", Some(m.end_text())),
        ("time_zone", Some(m.time_zone.as_str().to_owned())),
        ("place", m.place.clone()),
        ("online_link", m.online_link.clone()),
        ("online_access", Some(m.online_access.as_str().to_owned())),
        ("access", Some(m.access.as_str().to_owned())),
        ("bodies", Some(m.bodies.join(","))),
        ("topics", Some(m.topics.join(","))),
        ("organizations", Some(m.organizations.join(","))),
    ]
}

/// Ids of the bodies, topics and owners of an input; owners are the named organizations and
/// those of the bodies.
pub(crate) struct Resolved {
    body_ids: Vec<i32>,
    topic_ids: Vec<i32>,
    owner_ids: Vec<i32>,
    pub(crate) owners: Vec<Code>,
}

pub(crate) fn resolve(snap: &Snapshot, i: &MeetingInput) -> Result<Resolved, ServiceError> {
    let mut errors = Vec::new();
    let mut body_ids = Vec::new();
    let mut owner_codes: Vec<String> = Vec::new();
    for (n, b) in i.bodies.iter().enumerate() {
        match snap.body(b.as_str()) {
            Some(body) => {
                body_ids.push(body.id);
                owner_codes.extend(body.organizations.iter().cloned());
            }
            None => errors.push(liaise_domain::FieldError::new(
                format!("bodies[{n}]"),
                format!("no body has the code `{b}`"),
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
    for (n, o) in i.organizations.iter().enumerate() {
        match snap.organization(o.as_str()) {
            Some(org) => owner_codes.push(org.code.clone()),
            None => errors.push(liaise_domain::FieldError::new(
                format!("organizations[{n}]"),
                format!("no organization has the code `{o}`"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    owner_codes.sort();
    owner_codes.dedup();
    let owner_ids = owner_codes
        .iter()
        .filter_map(|c| snap.organization(c).map(|o| o.id))
        .collect();
    let owners = owner_codes
        .iter()
        .filter_map(|c| Code::parse("organizations", c).ok())
        .collect();
    Ok(Resolved {
        body_ids,
        topic_ids,
        owner_ids,
        owners,
    })
}

pub(crate) fn row<'a>(i: &'a MeetingInput, r: &'a Resolved) -> MeetingRow<'a> {
    MeetingRow {
        kind: i.kind.as_str(),
        state: i.state.as_str(),
        title: &i.title,
        number: i.number.as_deref(),
        summary: i.summary.as_deref(),
        starts_at: i.starts_at,
        ends_at: i.ends_at,
        all_day: i.all_day,
        time_zone: i.time_zone.as_str(),
        place: i.place.as_deref(),
        online_link: i.online_link.as_deref(),
        online_access: i.online_access.as_str(),
        access: i.access.as_str(),
        body_ids: &r.body_ids,
        topic_ids: &r.topic_ids,
        organization_ids: &r.owner_ids,
    }
}

/// What an import of a calendar did: (UID, meeting id) of each meeting created and updated.
#[derive(Debug, Clone, Default)]
pub struct IcsImportReport {
    pub created: Vec<(String, i32)>,
    pub updated: Vec<(String, i32)>,
}

/// One agenda item as the editor sends it: an existing item by `id` (keeping its number), or
/// a new one; `children` one level deep.
#[derive(Debug, Clone, Default)]
pub struct AgendaItemIn {
    pub id: Option<i32>,
    pub title: String,
    pub presenter: Option<i32>,
    pub outcome: Option<String>,
    pub documents: Vec<i32>,
    pub liaisons: Vec<i32>,
    pub children: Vec<AgendaItemIn>,
}

/// An agenda item placed: (kept id, parent's index, number, title, as sent).
type Flat<'a> = (Option<i32>, Option<usize>, String, String, &'a AgendaItemIn);

/// The longest minutes.
pub const MINUTES_MAX: usize = 200_000;

/// The next free label among `numbers` under `prefix` (`""` for top-level items, `"3."` for
/// the children of item 3): one more than the highest ever given there.
fn next_number(numbers: &[String], prefix: &str) -> String {
    let highest = numbers
        .iter()
        .filter_map(|n| n.strip_prefix(prefix))
        .filter_map(|rest| rest.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", highest + 1)
}

/// A new iCalendar UID: unique without asking anyone (random, 128 bits).
pub(crate) fn new_uid() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    format!("{}@liaise", hex::encode(b))
}

fn midnight(d: Date) -> OffsetDateTime {
    d.midnight().assume_utc()
}

/// Activities of kind `meeting` and `event` recorded before meetings existed become meetings
/// (a `meeting` a body meeting, an `event` a workshop), whole-day on the activity's date in
/// UTC (no zone was recorded), with their title, summary, access, bodies, topics and owners;
/// held if the day is past. The meeting remembers the activity (`activity_id`), whose old
/// address redirects to it; the activity, its search entry and links are removed, and the
/// move is audited. An activity without a date stays an activity. Runs at every start and
/// finds nothing once done; one transaction.
pub(crate) async fn adopt_activities(store: &liaise_store::Store) -> Result<usize, ServiceError> {
    use liaise_store::queries::{activities as aq, registry as reg, revisions, search as sq};
    let found = aq::dated_of_kinds(store.conn(), &["meeting", "event"]).await?;
    if found.is_empty() {
        return Ok(0);
    }
    let tx = store.begin().await?;
    // Read again under the write lock: another server may have moved them meanwhile.
    let found = aq::dated_of_kinds(&tx, &["meeting", "event"]).await?;
    let now = OffsetDateTime::now_utc();
    let ids: Vec<i32> = found.iter().map(|a| a.id).collect();
    let (bodies, topics, orgs) = aq::links(&tx, &ids).await?;
    let mut moved = Vec::new();
    for a in &found {
        let Some(date) = a.date else { continue };
        let (Some(start), Some(after)) = (
            date.midnight().assume_utc().into(),
            date.next_day().map(|d| d.midnight().assume_utc()),
        ) else {
            continue;
        };
        let body_ids: Vec<i32> = bodies
            .iter()
            .filter(|l| l.activity_id == a.id)
            .map(|l| l.body_id)
            .collect();
        let topic_ids: Vec<i32> = topics
            .iter()
            .filter(|l| l.activity_id == a.id)
            .map(|l| l.topic_id)
            .collect();
        let organization_ids: Vec<i32> = orgs
            .iter()
            .filter(|l| l.activity_id == a.id)
            .map(|l| l.organization_id)
            .collect();
        let kind = if a.kind == "event" {
            MeetingKind::Workshop
        } else {
            MeetingKind::BodyMeeting
        };
        let state = if after <= now {
            MeetingState::Held
        } else {
            MeetingState::Planned
        };
        let row = MeetingRow {
            kind: kind.as_str(),
            state: state.as_str(),
            title: &a.title,
            number: None,
            summary: a.summary.as_deref(),
            starts_at: start,
            ends_at: after,
            all_day: true,
            time_zone: "UTC",
            place: None,
            online_link: None,
            online_access: &a.access,
            access: &a.access,
            body_ids: &body_ids,
            topic_ids: &topic_ids,
            organization_ids: &organization_ids,
        };
        let uid = format!("activity-{}@liaise", a.id);
        let m = q::insert(&tx, &uid, &row, Some(a.id), false, now).await?;
        aq::delete(&tx, a.id).await?;
        sq::remove(&tx, "activity", &a.id.to_string()).await?;
        let system = Viewer::system();
        let changes = serde_json::json!({"meeting": {"before": null, "after": m.id.to_string()}});
        audit::record(
            &tx,
            &system,
            "move",
            "activity",
            &a.id.to_string(),
            Some(changes.to_string()),
        )
        .await?;
        audit::record(
            &tx,
            &system,
            "create",
            "meeting",
            &m.id.to_string(),
            Some(
                serde_json::json!({"activity": {"before": null, "after": a.id.to_string()}})
                    .to_string(),
            ),
        )
        .await?;
        moved.push(m.id);
    }
    if !moved.is_empty() {
        let snap = Snapshot::build(reg::load_all(&tx).await?);
        for id in &moved {
            crate::search::index_meeting(&tx, &snap, *id).await?;
        }
        revisions::bump(&tx, Area::Activities).await?;
        revisions::bump(&tx, Area::Meetings).await?;
    }
    tx.commit().await.map_err(liaise_store::StoreError::from)?;
    tracing::info!(meetings = moved.len(), "activities moved to meetings");
    Ok(moved.len())
}

impl Liaise {
    /// The meetings `viewer` may see, latest first (or soonest first).
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn meetings(
        &self,
        viewer: &Viewer,
        query: &MeetingQuery,
        page: PageRequest,
    ) -> Result<Arc<MeetingPage>, ServiceError> {
        let snap = self.registry().await?;
        let key = Key::new(
            Answer::MeetingPage,
            viewer,
            format!("{query:?}|{}|{}", page.page(), page.per_page()),
        );
        let ticket = match self.cache().recall::<MeetingPage>(key) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        let empty = || {
            Arc::new(MeetingPage {
                items: Vec::new(),
                total: 0,
            })
        };
        let mut v = liaise_domain::error::Validator::new();
        let kind = crate::blank(&query.kind)
            .and_then(|k| v.check(MeetingKind::parse("kind", k)))
            .map(|k| k.as_str().to_owned());
        let state = crate::blank(&query.state)
            .and_then(|s| v.check(MeetingState::parse("state", s)))
            .map(|s| s.as_str().to_owned());
        if !v.is_ok() {
            return Err(v.into_error().into());
        }
        // `to` before `from` is an empty range: nothing starts in it.
        if let (Some(from), Some(to)) = (query.from, query.to)
            && to < from
        {
            return Ok(empty());
        }
        let mut filter = MeetingFilter {
            kind,
            state,
            from: query.from.map(midnight),
            before: query.to.and_then(|d| d.next_day()).map(midnight),
            ..MeetingFilter::default()
        };
        // An unknown code or slug matches nothing.
        if let Some(b) = crate::blank(&query.body) {
            match snap.body(b) {
                Some(body) => filter.body_id = Some(body.id),
                None => return Ok(empty()),
            }
        }
        if let Some(t) = crate::blank(&query.topic) {
            match snap.topic(t) {
                Some(topic) => filter.topic_id = Some(topic.id),
                None => return Ok(empty()),
            }
        }
        if let Some(o) = crate::blank(&query.organization) {
            match snap.organization(o) {
                Some(org) => filter.organization_id = Some(org.id),
                None => return Ok(empty()),
            }
        }
        let c = self.store.conn();
        let list = q::list_query(viewer, &filter);
        let total = self
            .count(Answer::MeetingCount, viewer, format!("{filter:?}"), &list)
            .await?;
        let order = if query.ascending {
            &q::ORDER_ASC
        } else {
            &q::ORDER
        };
        let rows = if page.offset() < total {
            list.page(c, order, page.offset(), page.per_page()).await?
        } else {
            Vec::new()
        };
        let items = assemble(c, &snap, viewer, rows).await?;
        let result = Arc::new(MeetingPage { items, total });
        self.cache().remember(ticket, result.clone());
        Ok(result)
    }

    /// One meeting, or `NotFound` when it does not exist or the viewer may not see it.
    pub async fn meeting(&self, viewer: &Viewer, id: i32) -> Result<Meeting, ServiceError> {
        let snap = self.registry().await?;
        let c = self.store.conn();
        let row = q::get(c, viewer, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no meeting {id}")))?;
        assemble(c, &snap, viewer, vec![row])
            .await?
            .pop()
            .ok_or_else(|| ServiceError::NotFound(format!("no meeting {id}")))
    }

    /// One meeting with its agenda and minutes, remembered per access scope until the next
    /// write of meetings; the links of its agenda are checked against the viewer on every
    /// call (a statement or document may have been hidden since), so only those it may see
    /// are given.
    pub async fn meeting_detail(
        &self,
        viewer: &Viewer,
        id: i32,
    ) -> Result<MeetingDetail, ServiceError> {
        let detail = self.meeting_detail_unfiltered(viewer, id).await?;
        let mut detail = (*detail).clone();
        let c = self.store.conn();
        for item in &mut detail.agenda {
            let mut docs = Vec::with_capacity(item.document_ids.len());
            for d in &item.document_ids {
                if liaise_store::queries::documents::get(c, viewer, *d)
                    .await?
                    .is_some()
                {
                    docs.push(*d);
                }
            }
            item.document_ids = docs;
            let mut ls = Vec::with_capacity(item.liaison_ids.len());
            for l in &item.liaison_ids {
                if liaise_store::queries::liaisons::get(c, viewer, *l)
                    .await?
                    .is_some()
                {
                    ls.push(*l);
                }
            }
            item.liaison_ids = ls;
        }
        Ok(detail)
    }

    /// The meeting as `viewer`'s access scope sees it, with every link of its agenda.
    async fn meeting_detail_unfiltered(
        &self,
        viewer: &Viewer,
        id: i32,
    ) -> Result<Arc<MeetingDetail>, ServiceError> {
        self.registry().await?;
        let key = Key::new(Answer::MeetingDetail, viewer, id.to_string());
        let ticket = match self.cache().recall::<MeetingDetail>(key) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        let meeting = self.meeting(viewer, id).await?;
        let c = self.store.conn();
        let (items, docs, ls) = q::agenda(c, id).await?;
        let agenda = items
            .into_iter()
            .map(|i| AgendaItem {
                document_ids: docs
                    .iter()
                    .filter(|d| d.item_id == i.id)
                    .map(|d| d.document_id)
                    .collect(),
                liaison_ids: ls
                    .iter()
                    .filter(|l| l.item_id == i.id)
                    .map(|l| l.liaison_id)
                    .collect(),
                id: i.id,
                parent_id: i.parent_id,
                number: i.number,
                title: i.title,
                presenter_id: i.presenter_id,
                starts_at: i.starts_at,
                ends_at: i.ends_at,
                outcome: i.outcome,
            })
            .collect();
        let minutes = q::minutes(c, id)
            .await?
            .into_iter()
            .map(|m| MinutesRevision {
                revision: m.revision,
                text: m.text,
                author: m.author,
                at: m.at,
                approved: m.approved,
            })
            .collect();
        let detail = Arc::new(MeetingDetail {
            meeting,
            agenda,
            minutes,
        });
        self.cache().remember(ticket, detail.clone());
        Ok(detail)
    }

    /// The meeting an activity became, if the viewer may see it (old activity URLs).
    pub async fn meeting_for_activity(
        &self,
        viewer: &Viewer,
        activity_id: i32,
    ) -> Result<Option<i32>, ServiceError> {
        Ok(q::by_activity(self.store.conn(), viewer, activity_id)
            .await?
            .map(|m| m.id))
    }

    /// Records a meeting; the secretariat of an owning organization or an administrator.
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn create_meeting(
        &self,
        viewer: &Viewer,
        input: MeetingInput,
    ) -> Result<Meeting, ServiceError> {
        let snap = self.registry().await?;
        let resolved = resolve(&snap, &input)?;
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &resolved.owners,
            },
        )?;
        let tx = self.store.begin().await?;
        let created = q::insert(
            &tx,
            &new_uid(),
            &row(&input, &resolved),
            None,
            false,
            OffsetDateTime::now_utc(),
        )
        .await?;
        let owners: Vec<String> = resolved.owners.iter().map(ToString::to_string).collect();
        let changes = diff(&Vec::new(), &fields(&input, &owners));
        audit::record(
            &tx,
            viewer,
            "create",
            "meeting",
            &created.id.to_string(),
            changes,
        )
        .await?;
        crate::search::index_meeting(&tx, &snap, created.id).await?;
        liaise_store::queries::revisions::bump(&tx, Area::Meetings).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(Area::Meetings).await?;
        self.meeting(viewer, created.id).await
    }

    /// Changes a meeting (its SEQUENCE moves on). A viewer who may not see it gets `NotFound`;
    /// one who may see but not edit it gets `Forbidden`.
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn update_meeting(
        &self,
        viewer: &Viewer,
        id: i32,
        patch: MeetingPatch,
    ) -> Result<Meeting, ServiceError> {
        let current = self.meeting(viewer, id).await?;
        let current_owners: Vec<Code> = current
            .organizations
            .iter()
            .filter_map(|o| Code::parse("organizations", o).ok())
            .collect();
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &current_owners,
            },
        )?;
        // The viewer may edit, so sees the link; read it as stored all the same.
        let stored_link = q::by_id_unfiltered(self.store.conn(), id)
            .await?
            .and_then(|m| m.online_link);
        let kind = patch
            .kind
            .unwrap_or_else(|| current.kind.as_str().to_owned());
        let state = patch
            .state
            .unwrap_or_else(|| current.state.as_str().to_owned());
        let title = patch.title.unwrap_or_else(|| current.title.clone());
        let number = patch.number.unwrap_or_else(|| current.number.clone());
        let summary = patch.summary.unwrap_or_else(|| current.summary.clone());
        let time_zone = patch
            .time_zone
            .unwrap_or_else(|| current.time_zone.as_str().to_owned());
        // Times typed in the old zone stay the same local times in a new one.
        let start = patch.start.unwrap_or_else(|| current.start_text());
        let end = patch.end.unwrap_or_else(|| current.end_text());
        let place = patch.place.unwrap_or_else(|| current.place.clone());
        let online_link = patch.online_link.unwrap_or(stored_link);
        let online_access = patch
            .online_access
            .unwrap_or_else(|| current.online_access.as_str().to_owned());
        let access = patch
            .access
            .unwrap_or_else(|| current.access.as_str().to_owned());
        let bodies = patch.bodies.unwrap_or_else(|| current.bodies.clone());
        let topics = patch.topics.unwrap_or_else(|| current.topics.clone());
        let organizations = patch
            .organizations
            .unwrap_or_else(|| current.organizations.clone());
        let input = MeetingInput::parse(&MeetingFields {
            kind: &kind,
            state: Some(&state),
            title: &title,
            number: number.as_deref(),
            summary: summary.as_deref(),
            start: &start,
            end: &end,
            time_zone: &time_zone,
            place: place.as_deref(),
            online_link: online_link.as_deref(),
            online_access: Some(&online_access),
            access: &access,
            bodies: &bodies,
            topics: &topics,
            organizations: &organizations,
        })?;
        let snap = self.registry().await?;
        let resolved = resolve(&snap, &input)?;
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &resolved.owners,
            },
        )?;
        let tx = self.store.begin().await?;
        q::update(&tx, id, &row(&input, &resolved), OffsetDateTime::now_utc()).await?;
        let owners: Vec<String> = resolved.owners.iter().map(ToString::to_string).collect();
        let changes = diff(&meeting_fields(&current), &fields(&input, &owners));
        audit::record(&tx, viewer, "update", "meeting", &id.to_string(), changes).await?;
        crate::search::index_meeting(&tx, &snap, id).await?;
        liaise_store::queries::revisions::bump(&tx, Area::Meetings).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(Area::Meetings).await?;
        self.meeting(viewer, id).await
    }

    /// Imports the events of an exported calendar as meetings of `body` (and of the known
    /// bodies its events' CATEGORIES name), at `access`: an event whose UID is known updates
    /// that meeting (its SEQUENCE moves), another creates one under that UID. The file is read
    /// and every event checked first; one broken event refuses the whole file with one line
    /// naming it, and nothing is written. One transaction.
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn import_meetings(
        &self,
        viewer: &Viewer,
        bytes: &[u8],
        body: &str,
        access: &str,
    ) -> Result<IcsImportReport, ServiceError> {
        let invalid = |field: &str, m: String| {
            ServiceError::Invalid(vec![liaise_domain::FieldError::new(field, m)])
        };
        let events = crate::meetings_ics::read(bytes).map_err(|m| invalid("file", m))?;
        let snap = self.registry().await?;
        let Some(body) = snap.body(body.trim()) else {
            return Err(invalid(
                "body",
                format!("no body has the code `{}`", body.trim()),
            ));
        };
        let now = OffsetDateTime::now_utc();
        let mut inputs = Vec::with_capacity(events.len());
        for e in &events {
            let mut bodies = vec![body.code.clone()];
            for c in &e.categories {
                if let Some(b) = snap.body(c)
                    && !bodies.contains(&b.code)
                {
                    bodies.push(b.code.clone());
                }
            }
            let at = |err: liaise_domain::DomainError| {
                invalid(
                    "file",
                    format!("the event of line {} (UID {}): {err}", e.line, e.uid),
                )
            };
            let state = if e.cancelled { "cancelled" } else { "planned" };
            let parse = |state: &str| {
                MeetingInput::parse(&MeetingFields {
                    kind: "body-meeting",
                    state: Some(state),
                    title: &e.summary,
                    summary: e.description.as_deref(),
                    start: &e.start,
                    end: &e.end,
                    time_zone: &e.time_zone,
                    place: e.location.as_deref(),
                    access,
                    bodies: &bodies,
                    ..MeetingFields::default()
                })
            };
            let mut input = parse(state).map_err(at)?;
            if !e.cancelled && input.ends_at <= now {
                input = parse("held").map_err(at)?;
            }
            let resolved = resolve(&snap, &input)?;
            authorize(
                viewer,
                &Action::EditRegistry {
                    owners: &resolved.owners,
                },
            )?;
            inputs.push((e.uid.clone(), input, resolved));
        }
        let tx = self.store.begin().await?;
        let mut report = IcsImportReport::default();
        for (uid, input, resolved) in &inputs {
            let owners: Vec<String> = resolved.owners.iter().map(ToString::to_string).collect();
            match q::by_uid_unfiltered(&tx, uid).await? {
                Some(existing) => {
                    // Updating another organization's meeting needs its rights too.
                    let (_, _, current_orgs) = q::links(&tx, &[existing.id]).await?;
                    let current: Vec<Code> = current_orgs
                        .iter()
                        .filter_map(|l| snap.organization_by_id(l.organization_id))
                        .filter_map(|o| Code::parse("organizations", &o.code).ok())
                        .collect();
                    authorize(viewer, &Action::EditRegistry { owners: &current })?;
                    q::update(&tx, existing.id, &row(input, resolved), now).await?;
                    let changes = diff(&Vec::new(), &fields(input, &owners));
                    audit::record(
                        &tx,
                        viewer,
                        "import",
                        "meeting",
                        &existing.id.to_string(),
                        changes,
                    )
                    .await?;
                    report.updated.push((uid.clone(), existing.id));
                }
                None => {
                    let m = q::insert(&tx, uid, &row(input, resolved), None, false, now).await?;
                    let changes = diff(&Vec::new(), &fields(input, &owners));
                    audit::record(&tx, viewer, "import", "meeting", &m.id.to_string(), changes)
                        .await?;
                    report.created.push((uid.clone(), m.id));
                }
            }
        }
        for (_, id) in report.created.iter().chain(&report.updated) {
            crate::search::index_meeting(&tx, &snap, *id).await?;
        }
        liaise_store::queries::revisions::bump(&tx, Area::Meetings).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(Area::Meetings).await?;
        Ok(report)
    }

    /// Replaces a meeting's agenda (its secretariats or an administrator). Items sent with
    /// their `id` keep their number wherever they move, so minutes that cite "3.1" still mean
    /// the same item; new items get the next number at their level. Every linked document and
    /// statement must be one the editor may see, a presenter a person of the registry.
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn set_agenda(
        &self,
        viewer: &Viewer,
        id: i32,
        items: Vec<AgendaItemIn>,
    ) -> Result<MeetingDetail, ServiceError> {
        let current = self.meeting(viewer, id).await?;
        let owners: Vec<Code> = current
            .organizations
            .iter()
            .filter_map(|o| Code::parse("organizations", o).ok())
            .collect();
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let snap = self.registry().await?;
        let c = self.store.conn();
        let (existing, _, _) = q::agenda(c, id).await?;
        let mut numbers: Vec<String> = existing.iter().map(|i| i.number.clone()).collect();
        let mut v = liaise_domain::error::Validator::new();
        let mut seen = Vec::new();
        // (kept id, parent index, number, title, presenter, outcome, documents, liaisons)
        let mut flat: Vec<Flat<'_>> = Vec::new();
        let mut check = |v: &mut liaise_domain::error::Validator,
                         field: &str,
                         item: &AgendaItemIn|
         -> Option<String> {
            let title = v.check(liaise_domain::text::line(
                &format!("{field}.title"),
                &item.title,
                liaise_domain::registry::NAME_MAX,
            ));
            v.check(liaise_domain::text::optional_text(
                &format!("{field}.outcome"),
                item.outcome.as_deref(),
                liaise_domain::registry::TEXT_MAX,
            ));
            if let Some(p) = item.presenter
                && snap.person_for(viewer, p).is_none()
            {
                v.push(format!("{field}.presenter"), format!("no person {p}"));
            }
            if let Some(k) = item.id {
                if !existing.iter().any(|e| e.id == k) {
                    v.push(format!("{field}.id"), format!("no item {k} in this agenda"));
                } else if seen.contains(&k) {
                    v.push(format!("{field}.id"), format!("item {k} is given twice"));
                }
                seen.push(k);
            }
            title
        };
        for (n, top) in items.iter().enumerate() {
            let field = format!("items[{n}]");
            let title = check(&mut v, &field, top);
            let number = match top.id.and_then(|k| existing.iter().find(|e| e.id == k)) {
                Some(e) => e.number.clone(),
                None => {
                    let next = next_number(&numbers, "");
                    numbers.push(next.clone());
                    next
                }
            };
            let index = flat.len();
            flat.push((top.id, None, number.clone(), title.unwrap_or_default(), top));
            for (m, child) in top.children.iter().enumerate() {
                let field = format!("{field}.children[{m}]");
                let title = check(&mut v, &field, child);
                if !child.children.is_empty() {
                    v.push(
                        format!("{field}.children"),
                        "an agenda is nested one level (1, 1.1) only",
                    );
                }
                let number = match child.id.and_then(|k| existing.iter().find(|e| e.id == k)) {
                    Some(e) => e.number.clone(),
                    None => {
                        let next = next_number(&numbers, &format!("{number}."));
                        numbers.push(next.clone());
                        next
                    }
                };
                flat.push((
                    child.id,
                    Some(index),
                    number,
                    title.unwrap_or_default(),
                    child,
                ));
            }
        }
        // Links only to what the editor may see (a hidden item answers as absent).
        for (n, (_, _, number, _, item)) in flat.iter().enumerate() {
            let _ = n;
            for d in &item.documents {
                if liaise_store::queries::documents::get(c, viewer, *d)
                    .await?
                    .is_none()
                {
                    v.push(
                        format!("items.{number}.documents"),
                        format!("no document {d}"),
                    );
                }
            }
            for l in &item.liaisons {
                if liaise_store::queries::liaisons::get(c, viewer, *l)
                    .await?
                    .is_none()
                {
                    v.push(
                        format!("items.{number}.liaisons"),
                        format!("no liaison statement {l}"),
                    );
                }
            }
        }
        if !v.is_ok() {
            return Err(v.into_error().into());
        }
        let rows: Vec<(Option<i32>, liaise_store::queries::meetings::AgendaRow<'_>)> = flat
            .iter()
            .enumerate()
            .map(|(n, (kept, parent, number, title, item))| {
                (
                    *kept,
                    liaise_store::queries::meetings::AgendaRow {
                        parent: *parent,
                        position: i32::try_from(n).unwrap_or(i32::MAX),
                        number,
                        title,
                        presenter_id: item.presenter,
                        starts_at: None,
                        ends_at: None,
                        outcome: item
                            .outcome
                            .as_deref()
                            .map(str::trim)
                            .filter(|o| !o.is_empty()),
                        document_ids: &item.documents,
                        liaison_ids: &item.liaisons,
                    },
                )
            })
            .collect();
        let before = existing
            .iter()
            .map(|e| format!("{} {}", e.number, e.title))
            .collect::<Vec<_>>()
            .join("\n");
        let after = flat
            .iter()
            .map(|(_, _, n, t, _)| format!("{n} {t}"))
            .collect::<Vec<_>>()
            .join("\n");
        let tx = self.store.begin().await?;
        q::set_agenda(&tx, id, &rows, OffsetDateTime::now_utc()).await?;
        let changes = diff(
            &vec![("agenda", Some(before))],
            &vec![("agenda", Some(after))],
        );
        audit::record(&tx, viewer, "agenda", "meeting", &id.to_string(), changes).await?;
        liaise_store::queries::revisions::bump(&tx, Area::Meetings).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(Area::Meetings).await?;
        self.meeting_detail(viewer, id).await
    }

    /// Adds a revision of a meeting's minutes (Markdown), approved or not; every revision
    /// is kept.
    #[tracing::instrument(skip_all, fields(actor = viewer.actor()))]
    pub async fn add_minutes(
        &self,
        viewer: &Viewer,
        id: i32,
        text: &str,
        approved: bool,
    ) -> Result<MeetingDetail, ServiceError> {
        let current = self.meeting(viewer, id).await?;
        let owners: Vec<Code> = current
            .organizations
            .iter()
            .filter_map(|o| Code::parse("organizations", o).ok())
            .collect();
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        let text = liaise_domain::text::optional_text("text", Some(text), MINUTES_MAX)?
            .ok_or_else(|| ServiceError::invalid("text", "must not be empty"))?;
        let tx = self.store.begin().await?;
        let m = q::add_minutes(
            &tx,
            id,
            &text,
            viewer.actor(),
            approved,
            OffsetDateTime::now_utc(),
        )
        .await?;
        audit::record(
            &tx,
            viewer,
            "minutes",
            "meeting",
            &id.to_string(),
            diff(
                &Vec::new(),
                &vec![
                    ("revision", Some(m.revision.to_string())),
                    ("approved", Some(approved.to_string())),
                ],
            ),
        )
        .await?;
        liaise_store::queries::revisions::bump(&tx, Area::Meetings).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(Area::Meetings).await?;
        self.meeting_detail(viewer, id).await
    }

    /// The word-level difference between two revisions of a meeting's minutes.
    pub async fn minutes_diff(
        &self,
        viewer: &Viewer,
        id: i32,
        from: i32,
        to: i32,
    ) -> Result<Vec<liaise_domain::document::Segment>, ServiceError> {
        let d = self.meeting_detail(viewer, id).await?;
        let text = |field: &str, n: i32| {
            d.minutes
                .iter()
                .find(|r| r.revision == n)
                .map(|r| r.text.clone())
                .ok_or_else(|| ServiceError::NotFound(format!("{field}: no revision {n}")))
        };
        let (a, b) = (text("from", from)?, text("to", to)?);
        Ok(liaise_domain::document::word_diff(&a, &b))
    }
}
