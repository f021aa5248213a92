//! Activities of the collaboration, each with an access level. Reads go through the store's
//! viewer-aware query; their results are remembered in the current snapshot per access scope,
//! so a page costs no query until the data changes (every write moves the data revision).

use std::sync::Arc;

use liaise_domain::{
    AccessLevel, Action, Code, PageRequest, Viewer, activity::ActivityInput, authorize,
};
use liaise_store::queries::activities::{self as q, ActivityFilter, ActivityRow};
use time::{Date, OffsetDateTime};

use crate::{
    Liaise, ServiceError,
    audit::{self, Fields, diff},
    cache::{Answer, Key},
    snapshot::Snapshot,
};

/// An activity as shown.
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: i32,
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<Date>,
    pub access: AccessLevel,
    pub bodies: Vec<String>,
    pub topics: Vec<String>,
    pub organizations: Vec<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A page of activities and the total the viewer may see.
#[derive(Debug, Clone)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub total: u64,
}

/// Filters of the activity list, by code and slug (the same for the page and the API).
#[derive(Debug, Default, Clone)]
pub struct ActivityQuery {
    pub kind: Option<String>,
    pub body: Option<String>,
    pub topic: Option<String>,
    pub organization: Option<String>,
    pub year: Option<i32>,
}

/// Changes to an activity; `None` keeps a field.
#[derive(Debug, Default, Clone)]
pub struct ActivityPatch {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub date: Option<Option<Date>>,
    pub access: Option<String>,
    pub bodies: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub organizations: Option<Vec<String>>,
}

fn access_level(s: &str) -> AccessLevel {
    AccessLevel::parse("access", s).unwrap_or(AccessLevel::Secretariat)
}

/// One activity by id, whoever may see it (for the search index, inside a write).
pub(crate) async fn load(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    id: i32,
) -> Result<Option<Activity>, ServiceError> {
    match q::get(c, &Viewer::system(), id).await? {
        Some(row) => Ok(assemble(c, snap, vec![row]).await?.pop()),
        None => Ok(None),
    }
}

/// Turns rows and their links into activities with codes and slugs.
async fn assemble(
    c: &impl liaise_store::Conn,
    snap: &Snapshot,
    rows: Vec<liaise_store::entity::activity::Model>,
) -> Result<Vec<Activity>, ServiceError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let (bodies, topics, orgs) = q::links(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| Activity {
            bodies: bodies
                .iter()
                .filter(|l| l.activity_id == r.id)
                .filter_map(|l| snap.body_by_id(l.body_id).map(|b| b.code.clone()))
                .collect(),
            topics: topics
                .iter()
                .filter(|l| l.activity_id == r.id)
                .filter_map(|l| snap.topic_by_id(l.topic_id).map(|t| t.slug.clone()))
                .collect(),
            organizations: orgs
                .iter()
                .filter(|l| l.activity_id == r.id)
                .filter_map(|l| {
                    snap.organization_by_id(l.organization_id)
                        .map(|o| o.code.clone())
                })
                .collect(),
            id: r.id,
            kind: r.kind,
            title: r.title,
            summary: r.summary,
            date: r.date,
            access: access_level(&r.access),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

fn fields(i: &ActivityInput, owners: &[String]) -> Fields {
    vec![
        ("kind", Some(i.kind.as_str().to_owned())),
        ("title", Some(i.title.clone())),
        ("summary", i.summary.clone()),
        ("date", i.date.map(|d| d.to_string())),
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

fn activity_fields(a: &Activity) -> Fields {
    vec![
        ("kind", Some(a.kind.clone())),
        ("title", Some(a.title.clone())),
        ("summary", a.summary.clone()),
        ("date", a.date.map(|d| d.to_string())),
        ("access", Some(a.access.as_str().to_owned())),
        ("bodies", Some(a.bodies.join(","))),
        ("topics", Some(a.topics.join(","))),
        ("organizations", Some(a.organizations.join(","))),
    ]
}

/// Ids of the bodies, topics and owners of an input; owners are the named organizations and
/// those of the bodies.
struct Resolved {
    body_ids: Vec<i32>,
    topic_ids: Vec<i32>,
    owner_ids: Vec<i32>,
    owners: Vec<Code>,
}

fn resolve(snap: &Snapshot, i: &ActivityInput) -> Result<Resolved, ServiceError> {
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

fn row<'a>(i: &'a ActivityInput, r: &'a Resolved) -> ActivityRow<'a> {
    ActivityRow {
        kind: i.kind.as_str(),
        title: &i.title,
        summary: i.summary.as_deref(),
        date: i.date,
        access: i.access.as_str(),
        body_ids: &r.body_ids,
        topic_ids: &r.topic_ids,
        organization_ids: &r.owner_ids,
    }
}

impl Liaise {
    /// The activities `viewer` may see, newest first.
    pub async fn activities(
        &self,
        viewer: &Viewer,
        query: &ActivityQuery,
        page: PageRequest,
    ) -> Result<Arc<ActivityPage>, ServiceError> {
        let snap = self.registry().await?;
        let key = Key::new(
            Answer::ActivityPage,
            viewer,
            format!("{query:?}|{}|{}", page.page(), page.per_page()),
        );
        let ticket = match self.cache().recall::<ActivityPage>(key) {
            Ok(hit) => return Ok(hit),
            Err(ticket) => ticket,
        };
        // An unknown code or slug matches nothing.
        let mut filter = ActivityFilter {
            kind: crate::blank(&query.kind).map(str::to_owned),
            year: liaise_domain::text::optional_year("year", query.year)?,
            ..ActivityFilter::default()
        };
        let empty = || {
            Arc::new(ActivityPage {
                items: Vec::new(),
                total: 0,
            })
        };
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
            .count(Answer::ActivityCount, viewer, format!("{filter:?}"), &list)
            .await?;
        let rows = if page.offset() < total {
            list.page(c, &q::ORDER, page.offset(), page.per_page())
                .await?
        } else {
            Vec::new()
        };
        let items = assemble(c, &snap, rows).await?;
        let result = Arc::new(ActivityPage { items, total });
        self.cache().remember(ticket, result.clone());
        Ok(result)
    }

    /// One activity, or `NotFound` when it does not exist or the viewer may not see it.
    pub async fn activity(&self, viewer: &Viewer, id: i32) -> Result<Activity, ServiceError> {
        let snap = self.registry().await?;
        let c = self.store.conn();
        let row = q::get(c, viewer, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no activity {id}")))?;
        assemble(c, &snap, vec![row])
            .await?
            .pop()
            .ok_or_else(|| ServiceError::NotFound(format!("no activity {id}")))
    }

    /// Records an activity; its secretariat (of an owning organization) or an administrator.
    pub async fn create_activity(
        &self,
        viewer: &Viewer,
        input: ActivityInput,
    ) -> Result<Activity, ServiceError> {
        let snap = self.registry().await?;
        let resolved = resolve(&snap, &input)?;
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &resolved.owners,
            },
        )?;
        let tx = self.store.begin().await?;
        let created = q::insert(&tx, &row(&input, &resolved), OffsetDateTime::now_utc()).await?;
        let owners: Vec<String> = resolved.owners.iter().map(ToString::to_string).collect();
        let changes = diff(&Vec::new(), &fields(&input, &owners));
        audit::record(
            &tx,
            viewer,
            "create",
            "activity",
            &created.id.to_string(),
            changes,
        )
        .await?;
        crate::search::index_activity(&tx, &snap, created.id).await?;
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Activities).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Activities).await?;
        self.activity(viewer, created.id).await
    }

    /// Changes an activity. A viewer who may not see it gets `NotFound`; one who may see but
    /// not edit it gets `Forbidden`.
    pub async fn update_activity(
        &self,
        viewer: &Viewer,
        id: i32,
        patch: ActivityPatch,
    ) -> Result<Activity, ServiceError> {
        let current = self.activity(viewer, id).await?;
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
        let kind = patch.kind.unwrap_or_else(|| current.kind.clone());
        let title = patch.title.unwrap_or_else(|| current.title.clone());
        let summary = patch.summary.unwrap_or_else(|| current.summary.clone());
        let access = patch
            .access
            .unwrap_or_else(|| current.access.as_str().to_owned());
        let bodies = patch.bodies.unwrap_or_else(|| current.bodies.clone());
        let topics = patch.topics.unwrap_or_else(|| current.topics.clone());
        // Owners that came only from bodies follow the bodies; named ones stay unless replaced.
        let organizations = patch
            .organizations
            .unwrap_or_else(|| current.organizations.clone());
        let input = ActivityInput::parse(&liaise_domain::activity::ActivityFields {
            kind: &kind,
            title: &title,
            summary: summary.as_deref(),
            date: patch.date.unwrap_or(current.date),
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
        let changes = diff(&activity_fields(&current), &fields(&input, &owners));
        audit::record(&tx, viewer, "update", "activity", &id.to_string(), changes).await?;
        crate::search::index_activity(&tx, &snap, id).await?;
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Activities).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Activities).await?;
        self.activity(viewer, id).await
    }
}
