//! Documents and their versions, resolutions, amendment proposals. Documents are content
//! items read through the shared access rule; a proposal is visible exactly when its document
//! is; resolutions are public texts.

use liaise_domain::Viewer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, Query},
};
use time::{Date, OffsetDateTime};

use super::list::List;
use crate::{
    StoreError,
    entity::{
        document, document_body, document_organization, document_version, proposal, resolution,
    },
};

/// The documents `viewer` may see.
pub fn visible(viewer: &Viewer) -> Condition {
    super::access::visible_condition(
        viewer,
        document::Column::Access,
        document::Column::Id,
        document_organization::Entity,
        document_organization::Column::DocumentId,
        document_organization::Column::OrganizationId,
    )
}

/// The proposals `viewer` may see: those whose document it may see.
pub fn visible_proposals(viewer: &Viewer) -> Condition {
    Condition::all().add(
        proposal::Column::DocumentId.in_subquery(
            Query::select()
                .column(document::Column::Id)
                .from(document::Entity)
                .cond_where(visible(viewer))
                .to_owned(),
        ),
    )
}

#[derive(Debug, Default, Clone)]
pub struct DocumentFilter {
    pub kind: Option<String>,
    /// A body code listed on the document.
    pub body: Option<String>,
    pub year: Option<i32>,
    pub organization_id: Option<i32>,
}

/// The documents `viewer` may see that pass `f`, through the shared list machinery.
pub fn list_query(viewer: &Viewer, f: &DocumentFilter) -> List<document::Entity> {
    List::new(document::Column::Id, visible(viewer))
        .equals(document::Column::Kind, f.kind.as_deref())
        .linked(
            document_body::Entity,
            document_body::Column::DocumentId,
            document_body::Column::Body,
            f.body.clone(),
        )
        .linked(
            document_organization::Entity,
            document_organization::Column::DocumentId,
            document_organization::Column::OrganizationId,
            f.organization_id,
        )
        .year(document::Column::Date, f.year)
}

/// Newest first.
pub const ORDER: [(document::Column, Order); 2] = [
    (document::Column::Date, Order::Desc),
    (document::Column::Id, Order::Desc),
];

pub async fn list(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &DocumentFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<document::Model>, u64), StoreError> {
    let list = list_query(viewer, f);
    Ok((
        list.page(c, &ORDER, offset, limit).await?,
        list.count(c).await?,
    ))
}

/// One document, if `viewer` may see it.
pub async fn get(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<Option<document::Model>, StoreError> {
    Ok(document::Entity::find_by_id(id)
        .filter(visible(viewer))
        .one(c)
        .await?)
}

/// One document by number, whoever asks: for writers deciding between a new document and a
/// new version (they are authorized on the document's owners before anything is written).
pub async fn by_number_unfiltered(
    c: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<document::Model>, StoreError> {
    Ok(document::Entity::find()
        .filter(document::Column::Number.eq(number))
        .one(c)
        .await?)
}

/// The owning organizations of these documents.
pub async fn owners(
    c: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<document_organization::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(document_organization::Entity::find()
        .filter(document_organization::Column::DocumentId.is_in(ids.iter().copied()))
        .all(c)
        .await?)
}

pub struct DocumentRow<'a> {
    pub number: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    pub source: Option<&'a str>,
    /// JSON array.
    pub bodies: &'a str,
    pub meeting: Option<&'a str>,
    pub date: Option<Date>,
    pub language: &'a str,
    /// JSON array.
    pub topics: &'a str,
    pub access: &'a str,
    pub organization_ids: &'a [i32],
}

pub async fn insert_document(
    c: &impl ConnectionTrait,
    row: &DocumentRow<'_>,
    now: OffsetDateTime,
) -> Result<document::Model, StoreError> {
    let m = document::ActiveModel {
        number: Set(row.number.to_owned()),
        created_at: Set(now),
        ..details(row, now)
    }
    .insert(c)
    .await?;
    set_bodies(c, m.id, row.bodies).await?;
    for &o in row.organization_ids {
        document_organization::ActiveModel {
            document_id: Set(m.id),
            organization_id: Set(o),
        }
        .insert(c)
        .await?;
    }
    Ok(m)
}

/// Writes a document's details (all of `row` but its number and owners, which stay).
pub async fn update_details(
    c: &impl ConnectionTrait,
    id: i32,
    row: &DocumentRow<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    document::ActiveModel {
        id: Set(id),
        ..details(row, now)
    }
    .update(c)
    .await?;
    set_bodies(c, id, row.bodies).await
}

/// The codes of a document's `bodies` list (a JSON array of strings; anything else is none).
pub fn body_codes(json: &str) -> Vec<String> {
    let mut codes: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    codes.sort();
    codes.dedup();
    codes
}

/// Writes the rows of `document_bodies` for a document's `bodies` list.
async fn set_bodies(c: &impl ConnectionTrait, id: i32, bodies: &str) -> Result<(), StoreError> {
    document_body::Entity::delete_many()
        .filter(document_body::Column::DocumentId.eq(id))
        .exec(c)
        .await?;
    for body in body_codes(bodies) {
        document_body::ActiveModel {
            document_id: Set(id),
            body: Set(body),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// The columns of a row's details, changed at `now`.
fn details(row: &DocumentRow<'_>, now: OffsetDateTime) -> document::ActiveModel {
    document::ActiveModel {
        title: Set(row.title.to_owned()),
        kind: Set(row.kind.to_owned()),
        source: Set(row.source.map(str::to_owned)),
        bodies: Set(row.bodies.to_owned()),
        meeting: Set(row.meeting.map(str::to_owned)),
        date: Set(row.date),
        language: Set(row.language.to_owned()),
        topics: Set(row.topics.to_owned()),
        access: Set(row.access.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Marks a document changed (a new version).
pub async fn touch(
    c: &impl ConnectionTrait,
    id: i32,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    document::Entity::update_many()
        .col_expr(document::Column::UpdatedAt, Expr::value(now))
        .filter(document::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// The versions of these documents, oldest first.
pub async fn versions(
    c: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<document_version::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(document_version::Entity::find()
        .filter(document_version::Column::DocumentId.is_in(ids.iter().copied()))
        .order_by_asc(document_version::Column::DocumentId)
        .order_by_asc(document_version::Column::Version)
        .all(c)
        .await?)
}

pub struct VersionRow<'a> {
    pub document_id: i32,
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub file_name: &'a str,
    pub text: &'a str,
    pub created_by: &'a str,
}

/// Adds the next version of a document (1 for the first).
pub async fn insert_version(
    c: &impl ConnectionTrait,
    row: &VersionRow<'_>,
    now: OffsetDateTime,
) -> Result<document_version::Model, StoreError> {
    let last: Option<i32> = document_version::Entity::find()
        .select_only()
        .column_as(document_version::Column::Version.max(), "v")
        .filter(document_version::Column::DocumentId.eq(row.document_id))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    Ok(document_version::ActiveModel {
        document_id: Set(row.document_id),
        version: Set(last.unwrap_or(0) + 1),
        sha256: Set(row.sha256.to_owned()),
        size: Set(row.size),
        content_type: Set(row.content_type.to_owned()),
        file_name: Set(row.file_name.to_owned()),
        text: Set(row.text.to_owned()),
        created_by: Set(row.created_by.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

// ---- resolutions ----------------------------------------------------------------------------

/// The texts of a resolution, oldest assembly first.
pub async fn resolution_versions(
    c: &impl ConnectionTrait,
    number: &str,
) -> Result<Vec<resolution::Model>, StoreError> {
    Ok(resolution::Entity::find()
        .filter(resolution::Column::Number.eq(number))
        .order_by_asc(resolution::Column::Year)
        .all(c)
        .await?)
}

pub struct ResolutionRow<'a> {
    pub number: &'a str,
    pub version_key: &'a str,
    pub assembly: &'a str,
    pub year: i32,
    pub title: &'a str,
    pub history: Option<&'a str>,
    /// JSON array of sections.
    pub sections: &'a str,
}

/// Records a resolution's text at one assembly, unless that version is already kept.
pub async fn insert_resolution(
    c: &impl ConnectionTrait,
    row: &ResolutionRow<'_>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let exists = resolution::Entity::find()
        .filter(resolution::Column::Number.eq(row.number))
        .filter(resolution::Column::VersionKey.eq(row.version_key))
        .count(c)
        .await?
        > 0;
    if exists {
        return Ok(false);
    }
    resolution::ActiveModel {
        number: Set(row.number.to_owned()),
        version_key: Set(row.version_key.to_owned()),
        assembly: Set(row.assembly.to_owned()),
        year: Set(row.year),
        title: Set(row.title.to_owned()),
        history: Set(row.history.map(str::to_owned)),
        sections: Set(row.sections.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(true)
}

// ---- proposals ------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
pub struct ProposalFilter {
    /// Target resolution number.
    pub target: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
}

/// The proposals `viewer` may see that pass `f`, through the shared list machinery.
pub fn proposals_query(viewer: &Viewer, f: &ProposalFilter) -> List<proposal::Entity> {
    List::new(proposal::Column::Id, visible_proposals(viewer))
        .equals(proposal::Column::TargetNumber, f.target.as_deref())
        .equals(proposal::Column::Status, f.status.as_deref())
        .filter_if(
            f.source
                .as_ref()
                .map(|s| proposal::Column::Identifier.like(format!("{s}/%"))),
        )
}

/// By identifier.
pub const PROPOSAL_ORDER: [(proposal::Column, Order); 2] = [
    (proposal::Column::Identifier, Order::Asc),
    (proposal::Column::Id, Order::Asc),
];

pub async fn proposals(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &ProposalFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<proposal::Model>, u64), StoreError> {
    let list = proposals_query(viewer, f);
    Ok((
        list.page(c, &PROPOSAL_ORDER, offset, limit).await?,
        list.count(c).await?,
    ))
}

/// The proposals of these documents that `viewer` may see.
pub async fn proposals_of(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    document_ids: &[i32],
) -> Result<Vec<proposal::Model>, StoreError> {
    if document_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(proposal::Entity::find()
        .filter(visible_proposals(viewer))
        .filter(proposal::Column::DocumentId.is_in(document_ids.iter().copied()))
        .order_by_asc(proposal::Column::Identifier)
        .all(c)
        .await?)
}

/// One proposal by identifier (`ATU/35A3/1`), if `viewer` may see it.
pub async fn proposal(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    identifier: &str,
) -> Result<Option<proposal::Model>, StoreError> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Identifier.eq(identifier))
        .filter(visible_proposals(viewer))
        .one(c)
        .await?)
}

pub async fn proposal_unfiltered(
    c: &impl ConnectionTrait,
    identifier: &str,
) -> Result<Option<proposal::Model>, StoreError> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Identifier.eq(identifier))
        .one(c)
        .await?)
}

pub struct ProposalRow<'a> {
    pub identifier: &'a str,
    pub action: &'a str,
    pub source: &'a str,
    pub target_number: Option<&'a str>,
    pub base_version: Option<&'a str>,
    pub title: Option<&'a str>,
    /// JSON array.
    pub sections: &'a str,
    /// JSON array.
    pub topics: &'a str,
    pub reasons: Option<&'a str>,
    pub abstract_text: Option<&'a str>,
    pub document_id: i32,
    /// JSON of the parts as marked.
    pub marks: &'a str,
}

/// Records a proposal, or replaces the text of the one with this identifier (a new version of
/// its document); the status is kept.
pub async fn upsert_proposal(
    c: &impl ConnectionTrait,
    row: &ProposalRow<'_>,
    now: OffsetDateTime,
) -> Result<proposal::Model, StoreError> {
    let existing = proposal_unfiltered(c, row.identifier).await?;
    let mut m = match &existing {
        Some(p) => proposal::ActiveModel {
            id: Set(p.id),
            ..Default::default()
        },
        None => proposal::ActiveModel {
            identifier: Set(row.identifier.to_owned()),
            status: Set("submitted".to_owned()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    m.action = Set(row.action.to_owned());
    m.source = Set(row.source.to_owned());
    m.target_number = Set(row.target_number.map(str::to_owned));
    m.base_version = Set(row.base_version.map(str::to_owned));
    m.title = Set(row.title.map(str::to_owned));
    m.sections = Set(row.sections.to_owned());
    m.topics = Set(row.topics.to_owned());
    m.reasons = Set(row.reasons.map(str::to_owned));
    m.abstract_text = Set(row.abstract_text.map(str::to_owned));
    m.document_id = Set(row.document_id);
    m.marks = Set(Some(row.marks.to_owned()));
    m.updated_at = Set(now);
    Ok(match existing {
        Some(_) => m.update(c).await?,
        None => m.insert(c).await?,
    })
}

/// Proposals whose marks are not known yet (stored before marks were kept), with the
/// document they belong to.
pub async fn proposals_without_marks(
    c: &impl ConnectionTrait,
) -> Result<Vec<proposal::Model>, StoreError> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Marks.is_null())
        .order_by_asc(proposal::Column::Id)
        .all(c)
        .await?)
}

/// Records the marks of a proposal (recovered from its document's file), or forgets them
/// (`None`: not known); its update time is kept, since its text does not change.
pub async fn set_proposal_marks(
    c: &impl ConnectionTrait,
    id: i32,
    marks: Option<&str>,
) -> Result<(), StoreError> {
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::Marks,
            Expr::value(marks.map(str::to_owned)),
        )
        .filter(proposal::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn set_proposal_status(
    c: &impl ConnectionTrait,
    id: i32,
    status: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    proposal::Entity::update_many()
        .col_expr(proposal::Column::Status, Expr::value(status))
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Row counts of the document tables (for checks that a refused import left nothing).
pub async fn counts(c: &impl ConnectionTrait) -> Result<[u64; 4], StoreError> {
    Ok([
        document::Entity::find().count(c).await?,
        document_version::Entity::find().count(c).await?,
        proposal::Entity::find().count(c).await?,
        resolution::Entity::find().count(c).await?,
    ])
}

// ---- for the search index -------------------------------------------------------------------

/// Every document's id, for rebuilding the search index.
pub async fn all_ids(c: &impl ConnectionTrait) -> Result<Vec<i32>, StoreError> {
    Ok(document::Entity::find()
        .select_only()
        .column(document::Column::Id)
        .order_by_asc(document::Column::Id)
        .into_tuple()
        .all(c)
        .await?)
}

/// Every resolution number kept, once each.
pub async fn resolution_numbers(c: &impl ConnectionTrait) -> Result<Vec<String>, StoreError> {
    Ok(resolution::Entity::find()
        .select_only()
        .column(resolution::Column::Number)
        .distinct()
        .order_by_asc(resolution::Column::Number)
        .into_tuple()
        .all(c)
        .await?)
}
