//! Activities, read through the viewer-aware filter: every list, fetch and count applies
//! [`visible`] in SQL, so no caller can forget it.

use liaise_domain::Viewer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use time::{Date, OffsetDateTime};

use super::list::List;
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

/// The activities `viewer` may see that pass `f`, through the shared list machinery.
pub fn list_query(viewer: &Viewer, f: &ActivityFilter) -> List<activity::Entity> {
    List::new(activity::Column::Id, visible(viewer))
        .equals(activity::Column::Kind, f.kind.as_deref())
        .linked(
            activity_body::Entity,
            activity_body::Column::ActivityId,
            activity_body::Column::BodyId,
            f.body_id,
        )
        .linked(
            activity_topic::Entity,
            activity_topic::Column::ActivityId,
            activity_topic::Column::TopicId,
            f.topic_id,
        )
        .linked(
            activity_organization::Entity,
            activity_organization::Column::ActivityId,
            activity_organization::Column::OrganizationId,
            f.organization_id,
        )
        .year(activity::Column::Date, f.year)
}

/// Newest first.
pub const ORDER: [(activity::Column, Order); 2] = [
    (activity::Column::Date, Order::Desc),
    (activity::Column::Id, Order::Desc),
];

/// A page of the activities `viewer` may see, newest first, and their total.
pub async fn list(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &ActivityFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<activity::Model>, u64), StoreError> {
    let list = list_query(viewer, f);
    Ok((
        list.page(c, &ORDER, offset, limit).await?,
        list.count(c).await?,
    ))
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

/// Dated activities of these kinds, oldest first, whoever may see them (the move of meetings
/// and events to meetings).
pub async fn dated_of_kinds(
    c: &impl ConnectionTrait,
    kinds: &[&str],
) -> Result<Vec<activity::Model>, StoreError> {
    Ok(activity::Entity::find()
        .filter(activity::Column::Kind.is_in(kinds.iter().copied()))
        .filter(activity::Column::Date.is_not_null())
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?)
}

/// Removes an activity and its links.
pub async fn delete(c: &impl ConnectionTrait, id: i32) -> Result<(), StoreError> {
    activity::Entity::delete_by_id(id).exec(c).await?;
    Ok(())
}
