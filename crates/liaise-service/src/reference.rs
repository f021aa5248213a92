//! The reference data of the first deployment (ITU-T and UPU under WTSA Resolution 11),
//! loaded on first start.
//!
//! Each entry is recorded by key (`body:SG12`, `link:SG12:qos`) once applied, so a restart
//! changes nothing, an entry a user edited or removed is never touched again, and a later
//! release that adds entries only adds those.

use std::collections::{HashMap, HashSet};

use liaise_domain::{
    activity::{ActivityFields, ActivityInput},
    liaison::{LiaisonFields, LiaisonInput, LsState},
    meeting::{MeetingFields, MeetingInput},
    registry::{BodyFields, BodyInput, OrganizationInput, TopicInput},
};
use liaise_store::{
    Store, Tx,
    queries::{
        activities, liaisons, meetings, reference as r,
        registry::{self as q, BodyRow, OrganizationRow, TopicRow},
    },
};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::ServiceError;

/// The file shipped with the binary (a copy of the project's `data/reference/res11.toml`).
pub const RES11: &str = include_str!("../../../data/reference/res11.toml");

#[derive(Debug, Deserialize)]
pub struct ReferenceData {
    #[serde(default, rename = "organization")]
    pub organizations: Vec<OrganizationEntry>,
    #[serde(default, rename = "body")]
    pub bodies: Vec<BodyEntry>,
    #[serde(default, rename = "topic")]
    pub topics: Vec<TopicEntry>,
    #[serde(default, rename = "fact")]
    pub facts: Vec<FactEntry>,
    #[serde(default, rename = "meeting")]
    pub meetings: Vec<MeetingEntry>,
}

/// A meeting of record, loaded as a public meeting; its times are in its own zone.
#[derive(Debug, Deserialize)]
pub struct MeetingEntry {
    pub id: String,
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub bodies: Vec<String>,
    /// `YYYY-MM-DD` (whole days) or `YYYY-MM-DDTHH:MM`.
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub place: Option<String>,
    /// Figures the source reports.
    pub facts: Option<String>,
    pub source: Option<String>,
    /// Dates announced in advance by a secondary source, not checked.
    #[serde(default)]
    pub confirm: bool,
}

impl MeetingEntry {
    fn key(&self) -> String {
        format!("meeting:{}", self.id)
    }

    /// The iCalendar UID: stable, so a calendar that has it updates rather than duplicates.
    fn uid(&self) -> String {
        format!("{}@reference.liaise", self.id)
    }

    fn summary(&self) -> Option<String> {
        let parts: Vec<String> = [
            self.facts.clone(),
            self.source.as_ref().map(|s| format!("Source: {s}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }
}

/// A recorded fact; those with an `id` and a `title` are loaded as public activities, or
/// (kind `liaison-statement`) as a public liaison statement recorded as sent.
#[derive(Debug, Deserialize)]
pub struct FactEntry {
    pub kind: String,
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<toml::value::Datetime>,
    pub summary: String,
    #[serde(default)]
    pub bodies: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    /// A statement's source body.
    pub from: Option<String>,
    /// A statement's addressee bodies.
    #[serde(default)]
    pub to: Vec<String>,
    /// What the addressees are asked: `action`, `comment` or `information`.
    pub purpose: Option<String>,
    pub deadline: Option<toml::value::Datetime>,
    /// The document that carries the statement, e.g. `TSAG-TD281`.
    pub other_reference: Option<String>,
    /// The meeting that adopted the statement.
    pub meeting: Option<String>,
    /// Not yet checked against a primary source.
    #[serde(default)]
    pub confirm: bool,
}

/// The kind of fact loaded as a liaison statement.
const LIAISON_FACT: &str = "liaison-statement";

impl FactEntry {
    fn key(&self) -> Option<String> {
        self.id.as_ref().map(|id| format!("fact:{id}"))
    }

    fn date(&self) -> Option<time::Date> {
        day(self.date.as_ref()?)
    }
}

fn day(d: &toml::value::Datetime) -> Option<time::Date> {
    let d = d.date?;
    time::Date::from_calendar_date(
        i32::from(d.year),
        time::Month::try_from(d.month).ok()?,
        d.day,
    )
    .ok()
}

#[derive(Debug, Deserialize)]
pub struct OrganizationEntry {
    pub code: String,
    pub name: String,
    pub name_fr: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub confirm: bool,
}

#[derive(Debug, Deserialize)]
pub struct BodyEntry {
    /// One owning organization …
    pub organization: Option<String>,
    /// … or several, for a joint body.
    #[serde(default)]
    pub organizations: Vec<String>,
    pub code: String,
    pub parent: Option<String>,
    pub name: String,
    pub name_fr: Option<String>,
    pub kind: String,
    pub mandate: Option<String>,
    pub period: Option<String>,
    #[serde(default)]
    pub confirm: bool,
}

#[derive(Debug, Deserialize)]
pub struct TopicEntry {
    pub slug: String,
    pub parent: Option<String>,
    pub name: String,
    pub name_fr: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub bodies: Vec<String>,
    #[serde(default)]
    pub confirm: bool,
}

/// Parses and checks the reference file; every entry must pass the same rules as user input.
pub fn parse(text: &str) -> Result<ReferenceData, ServiceError> {
    let data: ReferenceData =
        toml::from_str(text).map_err(|e| ServiceError::Internal(format!("reference data: {e}")))?;
    Ok(data)
}

/// Loads what is new in the reference data, in one transaction.
pub async fn load(store: &Store) -> Result<usize, ServiceError> {
    let data = parse(RES11)?;
    let applied = r::applied_keys(store.conn()).await?;
    let pending = pending_keys(&data, &applied);
    if pending.is_empty() {
        return Ok(0);
    }
    let tx = store.begin().await?;
    let now = OffsetDateTime::now_utc();
    let mut done = apply(&tx, &data, &applied, now).await?;
    let meetings = apply_meetings(&tx, &data, &applied, now, &mut done).await?;
    r::mark_applied(&tx, &done, now).await?;
    crate::search::index_registry(&tx).await?;
    if !meetings.is_empty() {
        let snap = crate::snapshot::Snapshot::build(q::load_all(&tx).await?);
        for id in meetings {
            crate::search::index_meeting(&tx, &snap, id).await?;
        }
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Meetings).await?;
    }
    q::bump_revision(&tx).await?;
    tx.commit().await.map_err(liaise_store::StoreError::from)?;
    tracing::info!(entries = done.len(), "reference data loaded");
    Ok(done.len())
}

fn pending_keys(data: &ReferenceData, applied: &HashSet<String>) -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend(
        data.organizations
            .iter()
            .map(|o| format!("organization:{}", o.code)),
    );
    keys.extend(data.bodies.iter().map(|b| format!("body:{}", b.code)));
    keys.extend(data.topics.iter().map(|t| format!("topic:{}", t.slug)));
    for t in &data.topics {
        keys.extend(t.bodies.iter().map(|b| format!("link:{b}:{}", t.slug)));
    }
    keys.extend(
        data.facts
            .iter()
            .filter(|f| f.title.is_some())
            .filter_map(FactEntry::key),
    );
    keys.extend(data.meetings.iter().map(MeetingEntry::key));
    keys.retain(|k| !applied.contains(k));
    keys
}

fn reference_error(what: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("reference data, {what}: {e}"))
}

async fn apply(
    tx: &Tx,
    data: &ReferenceData,
    applied: &HashSet<String>,
    now: OffsetDateTime,
) -> Result<Vec<String>, ServiceError> {
    let mut done = Vec::new();
    for o in &data.organizations {
        let key = format!("organization:{}", o.code);
        if applied.contains(&key) {
            continue;
        }
        let input = OrganizationInput::parse(
            &o.code,
            &o.name,
            o.name_fr.as_deref(),
            o.url.as_deref(),
            o.confirm,
        )
        .map_err(|e| reference_error(&key, e))?;
        if q::organization_by_code(tx, input.code.as_str())
            .await?
            .is_none()
        {
            q::insert_organization(
                tx,
                &OrganizationRow {
                    code: input.code.as_str(),
                    name: &input.name,
                    name_fr: input.name_fr.as_deref(),
                    url: input.url.as_deref(),
                    to_confirm: input.to_confirm,
                },
                now,
            )
            .await?;
        }
        done.push(key);
    }

    // Bodies: parents first, whatever the file's order.
    let mut remaining: Vec<&BodyEntry> = data
        .bodies
        .iter()
        .filter(|b| !applied.contains(&format!("body:{}", b.code)))
        .collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        let mut next = Vec::new();
        for b in remaining {
            let key = format!("body:{}", b.code);
            let parent_id = match &b.parent {
                Some(p) => match q::body_by_code(tx, &p.to_ascii_uppercase()).await? {
                    Some(parent) => Some(parent.id),
                    None => {
                        next.push(b);
                        continue;
                    }
                },
                None => None,
            };
            let organizations: Vec<String> = b
                .organization
                .iter()
                .cloned()
                .chain(b.organizations.iter().cloned())
                .collect();
            let input = BodyInput::parse(&BodyFields {
                code: &b.code,
                name: &b.name,
                name_fr: b.name_fr.as_deref(),
                kind: &b.kind,
                mandate: b.mandate.as_deref(),
                parent: b.parent.as_deref(),
                period: b.period.as_deref(),
                organizations: &organizations,
                to_confirm: b.confirm,
            })
            .map_err(|e| reference_error(&key, e))?;
            if q::body_by_code(tx, input.code.as_str()).await?.is_none() {
                let codes: Vec<&str> = input.organizations.iter().map(|c| c.as_str()).collect();
                let orgs = q::organizations_by_codes(tx, &codes).await?;
                if orgs.len() != codes.len() {
                    return Err(reference_error(&key, "unknown organization"));
                }
                let ids: Vec<i32> = orgs.iter().map(|o| o.id).collect();
                q::insert_body(
                    tx,
                    &BodyRow {
                        code: input.code.as_str(),
                        name: &input.name,
                        name_fr: input.name_fr.as_deref(),
                        kind: input.kind.as_str(),
                        mandate: input.mandate.as_deref(),
                        parent_id,
                        period_start: input.period.map(|p| p.start),
                        period_end: input.period.and_then(|p| p.end),
                        to_confirm: input.to_confirm,
                        organization_ids: &ids,
                    },
                    now,
                )
                .await?;
            }
            done.push(key);
        }
        if next.len() == before {
            let codes: Vec<&str> = next.iter().map(|b| b.code.as_str()).collect();
            return Err(reference_error(
                "bodies",
                format!("parents not found for {}", codes.join(", ")),
            ));
        }
        remaining = next;
    }

    // Topics: parents first too.
    let mut remaining: Vec<&TopicEntry> = data
        .topics
        .iter()
        .filter(|t| !applied.contains(&format!("topic:{}", t.slug)))
        .collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        let mut next = Vec::new();
        for t in remaining {
            let key = format!("topic:{}", t.slug);
            let parent_id = match &t.parent {
                Some(p) => match q::topic_by_slug(tx, p).await? {
                    Some(parent) => Some(parent.id),
                    None => {
                        next.push(t);
                        continue;
                    }
                },
                None => None,
            };
            let input = TopicInput::parse(
                &t.slug,
                &t.name,
                t.name_fr.as_deref(),
                t.description.as_deref(),
                t.parent.as_deref(),
            )
            .map_err(|e| reference_error(&key, e))?;
            if q::topic_by_slug(tx, input.slug.as_str()).await?.is_none() {
                q::insert_topic(
                    tx,
                    &TopicRow {
                        slug: input.slug.as_str(),
                        name: &input.name,
                        name_fr: input.name_fr.as_deref(),
                        description: input.description.as_deref(),
                        parent_id,
                        to_confirm: t.confirm,
                    },
                    now,
                )
                .await?;
            }
            done.push(key);
        }
        if next.len() == before {
            return Err(reference_error("topics", "a parent topic is missing"));
        }
        remaining = next;
    }

    // Links: only between entries that exist (a user may have removed one).
    let bodies: HashMap<String, i32> = {
        let codes: Vec<String> = data
            .topics
            .iter()
            .flat_map(|t| t.bodies.iter().map(|b| b.to_ascii_uppercase()))
            .collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        q::bodies_by_codes(tx, &refs)
            .await?
            .into_iter()
            .map(|b| (b.code, b.id))
            .collect()
    };
    for t in &data.topics {
        let Some(topic) = q::topic_by_slug(tx, &t.slug).await? else {
            continue;
        };
        for b in &t.bodies {
            let key = format!("link:{b}:{}", t.slug);
            if applied.contains(&key) {
                continue;
            }
            if let Some(&body_id) = bodies.get(&b.to_ascii_uppercase()) {
                q::link_body_topic(tx, body_id, topic.id).await?;
            }
            done.push(key);
        }
    }

    // Facts, as public activities owned by their bodies' organizations.
    for f in data.facts.iter().filter(|f| f.kind != LIAISON_FACT) {
        let (Some(key), Some(title)) = (f.key(), f.title.as_deref()) else {
            continue;
        };
        if applied.contains(&key) {
            continue;
        }
        let input = ActivityInput::parse(&ActivityFields {
            kind: &f.kind,
            title,
            summary: Some(&f.summary),
            date: f.date(),
            access: "public",
            bodies: &f.bodies,
            topics: &f.topics,
            organizations: &[],
        })
        .map_err(|e| reference_error(&key, e))?;
        let codes: Vec<&str> = input.bodies.iter().map(|c| c.as_str()).collect();
        let bodies = q::bodies_by_codes(tx, &codes).await?;
        let slugs: Vec<&str> = input.topics.iter().map(|t| t.as_str()).collect();
        let topics = q::topics_by_slugs(tx, &slugs).await?;
        let mut owners = Vec::new();
        for b in &bodies {
            owners.extend(q::body_organization_ids(tx, b.id).await?);
        }
        owners.sort_unstable();
        owners.dedup();
        let body_ids: Vec<i32> = bodies.iter().map(|b| b.id).collect();
        let topic_ids: Vec<i32> = topics.iter().map(|t| t.id).collect();
        activities::insert(
            tx,
            &activities::ActivityRow {
                kind: input.kind.as_str(),
                title: &input.title,
                summary: input.summary.as_deref(),
                date: input.date,
                access: input.access.as_str(),
                body_ids: &body_ids,
                topic_ids: &topic_ids,
                organization_ids: &owners,
            },
            now,
        )
        .await?;
        done.push(key);
    }

    // Liaison statements, public and recorded as sent. Whether they were answered is not
    // known, so their rows are not opened: they neither await a reply nor become overdue,
    // and no reminder goes out about a statement of years ago.
    for f in data.facts.iter().filter(|f| f.kind == LIAISON_FACT) {
        let (Some(key), Some(title)) = (f.key(), f.title.as_deref()) else {
            continue;
        };
        if applied.contains(&key) {
            continue;
        }
        apply_liaison(tx, f, title, now)
            .await
            .map_err(|e| reference_error(&key, e))?;
        done.push(key);
    }
    Ok(done)
}

/// Meetings of record, public, owned by their bodies' organizations; held when they ended
/// before now. Answers the ids of the meetings created.
async fn apply_meetings(
    tx: &Tx,
    data: &ReferenceData,
    applied: &HashSet<String>,
    now: OffsetDateTime,
    done: &mut Vec<String>,
) -> Result<Vec<i32>, ServiceError> {
    let mut ids = Vec::new();
    for m in &data.meetings {
        let key = m.key();
        if applied.contains(&key) {
            continue;
        }
        let summary = m.summary();
        let parse = |state| {
            MeetingInput::parse(&MeetingFields {
                kind: &m.kind,
                state: Some(state),
                title: &m.title,
                summary: summary.as_deref(),
                start: &m.start,
                end: &m.end,
                time_zone: &m.time_zone,
                place: m.place.as_deref(),
                access: "public",
                bodies: &m.bodies,
                ..MeetingFields::default()
            })
            .map_err(|e| reference_error(&key, e))
        };
        let mut input = parse("planned")?;
        if input.ends_at <= now {
            input = parse("held")?;
        }
        let codes: Vec<&str> = input.bodies.iter().map(|c| c.as_str()).collect();
        let bodies = q::bodies_by_codes(tx, &codes).await?;
        if bodies.len() != codes.len() {
            return Err(reference_error(&key, "unknown body"));
        }
        let mut owners = Vec::new();
        for b in &bodies {
            owners.extend(q::body_organization_ids(tx, b.id).await?);
        }
        owners.sort_unstable();
        owners.dedup();
        let body_ids: Vec<i32> = bodies.iter().map(|b| b.id).collect();
        let row = meetings::MeetingRow {
            kind: input.kind.as_str(),
            state: input.state.as_str(),
            title: &input.title,
            number: input.number.as_deref(),
            summary: input.summary.as_deref(),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            all_day: input.all_day,
            time_zone: input.time_zone.as_str(),
            place: input.place.as_deref(),
            online_link: None,
            online_access: input.online_access.as_str(),
            access: input.access.as_str(),
            body_ids: &body_ids,
            topic_ids: &[],
            organization_ids: &owners,
        };
        let created = meetings::insert(tx, &m.uid(), &row, None, m.confirm, now).await?;
        ids.push(created.id);
        done.push(key);
    }
    Ok(ids)
}

async fn apply_liaison(
    tx: &Tx,
    f: &FactEntry,
    title: &str,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    let from: Vec<String> = f.from.iter().cloned().collect();
    let deadline = f.deadline.as_ref().and_then(day);
    let purpose = f
        .purpose
        .clone()
        .unwrap_or_else(|| "information".to_owned());
    let rows: Vec<(String, String, Option<time::Date>)> =
        f.to.iter()
            .map(|b| (b.clone(), purpose.clone(), deadline))
            .collect();
    let input = LiaisonInput::parse(&LiaisonFields {
        title,
        summary: Some(&f.summary),
        date: f.date(),
        from: &from,
        addressees: &rows,
        other_reference: f.other_reference.as_deref(),
        meeting: f.meeting.as_deref(),
        topics: &f.topics,
        access: "public",
        ..LiaisonFields::default()
    })?;
    let id_of = |b: Option<liaise_store::entity::body::Model>, code: &str| {
        b.map(|b| b.id)
            .ok_or_else(|| ServiceError::Internal(format!("no body {code}")))
    };
    let mut source_ids = Vec::new();
    let mut owners = Vec::new();
    for c in &input.from {
        let id = id_of(q::body_by_code(tx, c.as_str()).await?, c.as_str())?;
        owners.extend(q::body_organization_ids(tx, id).await?);
        source_ids.push(id);
    }
    let mut addressees = Vec::new();
    for a in &input.addressees {
        let id = id_of(q::body_by_code(tx, a.body.as_str()).await?, a.body.as_str())?;
        owners.extend(q::body_organization_ids(tx, id).await?);
        addressees.push((id, a.purpose.as_str(), a.deadline));
    }
    owners.sort_unstable();
    owners.dedup();
    let slugs: Vec<&str> = input.topics.iter().map(|t| t.as_str()).collect();
    let topic_ids: Vec<i32> = q::topics_by_slugs(tx, &slugs)
        .await?
        .iter()
        .map(|t| t.id)
        .collect();
    let row = liaisons::LiaisonRow {
        title: &input.title,
        summary: input.summary.as_deref(),
        body_text: None,
        date: input.date,
        approval_level: None,
        other_reference: input.other_reference.as_deref(),
        meeting: input.meeting.as_deref(),
        questions: "[]",
        contacts: "[]",
        access: input.access.as_str(),
        source_ids: &source_ids,
        addressees: &addressees,
        topic_ids: &topic_ids,
        organization_ids: &owners,
        // Recorded by the system, not received by a secretariat: it keeps no number.
        received: false,
    };
    let created = liaisons::insert(tx, &row, None, now).await?;
    liaisons::set_state(tx, created.id, LsState::Sent.as_str(), None, now).await?;
    if f.confirm {
        liaisons::set_to_confirm(tx, created.id, true).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_and_every_entry_is_valid() {
        let data = parse(RES11).unwrap();
        assert_eq!(data.organizations.len(), 2);
        assert!(data.bodies.iter().any(|b| b.code == "SG12"));
        assert!(data.topics.iter().any(|t| t.slug == "dfs"));
        for b in &data.bodies {
            let orgs: Vec<String> = b.organization.iter().cloned().collect();
            BodyInput::parse(&BodyFields {
                code: &b.code,
                name: &b.name,
                name_fr: b.name_fr.as_deref(),
                kind: &b.kind,
                mandate: b.mandate.as_deref(),
                parent: b.parent.as_deref(),
                period: b.period.as_deref(),
                organizations: &orgs,
                to_confirm: b.confirm,
            })
            .unwrap();
        }
        let codes: HashSet<&str> = data.bodies.iter().map(|b| b.code.as_str()).collect();
        for t in &data.topics {
            for b in &t.bodies {
                assert!(
                    codes.contains(b.as_str()),
                    "topic {} names unknown body {b}",
                    t.slug
                );
            }
        }
        // Every meeting of record is a valid meeting of known bodies, with its own key.
        assert_eq!(data.meetings.len(), 9);
        let mut keys = HashSet::new();
        for m in &data.meetings {
            assert!(keys.insert(m.key()), "{} twice", m.id);
            let input = MeetingInput::parse(&MeetingFields {
                kind: &m.kind,
                title: &m.title,
                summary: m.summary().as_deref(),
                start: &m.start,
                end: &m.end,
                time_zone: &m.time_zone,
                place: m.place.as_deref(),
                access: "public",
                bodies: &m.bodies,
                ..MeetingFields::default()
            })
            .unwrap_or_else(|e| panic!("meeting {}: {e}", m.id));
            for b in &input.bodies {
                assert!(codes.contains(b.as_str()), "meeting {} names {b}", m.id);
            }
        }
    }

    #[test]
    fn facts_with_a_title_become_activities() {
        let data = parse(RES11).unwrap();
        let loaded: Vec<&FactEntry> = data
            .facts
            .iter()
            .filter(|f| f.title.is_some() && f.kind != LIAISON_FACT)
            .collect();
        assert_eq!(loaded.len(), 3);
        let mou = loaded
            .iter()
            .find(|f| f.id.as_deref() == Some("mou-2014"))
            .unwrap();
        assert_eq!(
            mou.date().map(|d| d.to_string()).as_deref(),
            Some("2014-03-26")
        );
        assert!(pending_keys(&data, &HashSet::new()).contains(&"fact:mou-2014".to_owned()));
    }

    #[test]
    fn pending_skips_what_was_applied() {
        let data = parse(RES11).unwrap();
        let none = pending_keys(&data, &HashSet::new());
        assert!(none.contains(&"body:SG12".to_owned()));
        assert!(none.contains(&"link:SG12:qos".to_owned()));
        let all: HashSet<String> = none.iter().cloned().collect();
        assert!(pending_keys(&data, &all).is_empty());
    }
}
