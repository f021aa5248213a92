//! Activities, read through the viewer-aware filter: every list, fetch and count applies
//! [`visible`] in SQL, so no caller can forget it.

use liaise_domain::Viewer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Query,
};
use time::{Date, OffsetDateTime};

use crate::{
    StoreError,
    entity::{activity, activity_body, activity_organization, activity_topic},
};

/// The rows of `activities` that `viewer` may see (see [`super::access`]).
pub fn visible(viewer: &Viewer) -> Condition {
    super::access::visible_condition(
        viewer,
        activity::Column::Access,
        activity::Column::Id,
        activity_organization::Entity,
        activity_organization::Column::ActivityId,
        activity_organization::Column::OrganizationId,
    )
}

#[derive(Debug, Default, Clone)]
pub struct ActivityFilter {
    pub kind: Option<String>,
    pub body_id: Option<i32>,
    pub topic_id: Option<i32>,
    pub organization_id: Option<i32>,
    pub year: Option<i32>,
}

fn filtered(viewer: &Viewer, f: &ActivityFilter) -> sea_orm::Select<activity::Entity> {
    let mut q = activity::Entity::find().filter(visible(viewer));
    if let Some(k) = &f.kind {
        q = q.filter(activity::Column::Kind.eq(k.as_str()));
    }
    if let Some(b) = f.body_id {
        q = q.filter(
            activity::Column::Id.in_subquery(
                Query::select()
                    .column(activity_body::Column::ActivityId)
                    .from(activity_body::Entity)
                    .and_where(activity_body::Column::BodyId.eq(b))
                    .to_owned(),
            ),
        );
    }
    if let Some(t) = f.topic_id {
        q = q.filter(
            activity::Column::Id.in_subquery(
                Query::select()
                    .column(activity_topic::Column::ActivityId)
                    .from(activity_topic::Entity)
                    .and_where(activity_topic::Column::TopicId.eq(t))
                    .to_owned(),
            ),
        );
    }
    if let Some(o) = f.organization_id {
        q = q.filter(
            activity::Column::Id.in_subquery(
                Query::select()
                    .column(activity_organization::Column::ActivityId)
                    .from(activity_organization::Entity)
                    .and_where(activity_organization::Column::OrganizationId.eq(o))
                    .to_owned(),
            ),
        );
    }
    if let Some(y) = f.year
        && let (Ok(from), Ok(to)) = (
            Date::from_calendar_date(y, time::Month::January, 1),
            Date::from_calendar_date(y, time::Month::December, 31),
        )
    {
        q = q.filter(activity::Column::Date.between(from, to));
    }
    q
}

/// A page of the activities `viewer` may see, newest first, and their total.
pub async fn list(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &ActivityFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<activity::Model>, u64), StoreError> {
    let total = filtered(viewer, f).count(c).await?;
    let rows = filtered(viewer, f)
        .order_by_desc(activity::Column::Date)
        .order_by_desc(activity::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// One activity, if `viewer` may see it.
pub async fn get(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<Option<activity::Model>, StoreError> {
    Ok(activity::Entity::find_by_id(id)
        .filter(visible(viewer))
        .one(c)
        .await?)
}

/// The links of these activities, in three queries.
pub async fn links(
    c: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<
    (
        Vec<activity_body::Model>,
        Vec<activity_topic::Model>,
        Vec<activity_organization::Model>,
    ),
    StoreError,
> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new(), Vec::new()));
    }
    let ids = ids.iter().copied();
    Ok((
        activity_body::Entity::find()
            .filter(activity_body::Column::ActivityId.is_in(ids.clone()))
            .all(c)
            .await?,
        activity_topic::Entity::find()
            .filter(activity_topic::Column::ActivityId.is_in(ids.clone()))
            .all(c)
            .await?,
        activity_organization::Entity::find()
            .filter(activity_organization::Column::ActivityId.is_in(ids))
            .all(c)
            .await?,
    ))
}

pub struct ActivityRow<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub date: Option<Date>,
    pub access: &'a str,
    pub body_ids: &'a [i32],
    pub topic_ids: &'a [i32],
    pub organization_ids: &'a [i32],
}

async fn set_links(
    c: &impl ConnectionTrait,
    id: i32,
    row: &ActivityRow<'_>,
) -> Result<(), StoreError> {
    activity_body::Entity::delete_many()
        .filter(activity_body::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    activity_topic::Entity::delete_many()
        .filter(activity_topic::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    activity_organization::Entity::delete_many()
        .filter(activity_organization::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    if !row.body_ids.is_empty() {
        activity_body::Entity::insert_many(row.body_ids.iter().map(|&b| {
            activity_body::ActiveModel {
                activity_id: Set(id),
                body_id: Set(b),
            }
        }))
        .exec(c)
        .await?;
    }
    if !row.topic_ids.is_empty() {
        activity_topic::Entity::insert_many(row.topic_ids.iter().map(|&t| {
            activity_topic::ActiveModel {
                activity_id: Set(id),
                topic_id: Set(t),
            }
        }))
        .exec(c)
        .await?;
    }
    if !row.organization_ids.is_empty() {
        activity_organization::Entity::insert_many(row.organization_ids.iter().map(|&o| {
            activity_organization::ActiveModel {
                activity_id: Set(id),
                organization_id: Set(o),
            }
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

pub async fn insert(
    c: &impl ConnectionTrait,
    row: &ActivityRow<'_>,
    now: OffsetDateTime,
) -> Result<activity::Model, StoreError> {
    let m = activity::ActiveModel {
        kind: Set(row.kind.to_owned()),
        title: Set(row.title.to_owned()),
        summary: Set(row.summary.map(str::to_owned)),
        date: Set(row.date),
        access: Set(row.access.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    set_links(c, m.id, row).await?;
    Ok(m)
}

pub async fn update(
    c: &impl ConnectionTrait,
    id: i32,
    row: &ActivityRow<'_>,
    now: OffsetDateTime,
) -> Result<activity::Model, StoreError> {
    let m = activity::ActiveModel {
        id: Set(id),
        kind: Set(row.kind.to_owned()),
        title: Set(row.title.to_owned()),
        summary: Set(row.summary.map(str::to_owned)),
        date: Set(row.date),
        access: Set(row.access.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(c)
    .await?;
    set_links(c, id, row).await?;
    Ok(m)
}

/// An activity regardless of viewer, for writes that check rights themselves.
pub async fn by_id_unfiltered(
    c: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<activity::Model>, StoreError> {
    Ok(activity::Entity::find_by_id(id).one(c).await?)
}

/// Every activity's id (for rebuilding the search index).
pub async fn all_ids(c: &impl ConnectionTrait) -> Result<Vec<i32>, StoreError> {
    Ok(activity::Entity::find()
        .select_only()
        .column(activity::Column::Id)
        .order_by_asc(activity::Column::Id)
        .into_tuple()
        .all(c)
        .await?)
}
