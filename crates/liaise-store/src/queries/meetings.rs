//! Meetings, read through the viewer-aware filter: every list, fetch and count applies
//! [`visible`] in SQL; lists go through the shared [`List`] machinery. The agenda and the
//! minutes of a meeting are read only after the meeting itself passed [`visible`].

use liaise_domain::Viewer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use time::OffsetDateTime;

use super::list::List;
use crate::{
    StoreError,
    entity::{
        agenda_item_document, agenda_item_liaison, meeting, meeting_agenda_item, meeting_body,
        meeting_minutes, meeting_organization, meeting_topic,
    },
};

/// The rows of `meetings` that `viewer` may see (see [`super::access`]).
pub fn visible(viewer: &Viewer) -> Condition {
    super::access::visible_condition(
        viewer,
        meeting::Column::Access,
        meeting::Column::Id,
        meeting_organization::Entity,
        meeting_organization::Column::MeetingId,
        meeting_organization::Column::OrganizationId,
    )
}

#[derive(Debug, Default, Clone)]
pub struct MeetingFilter {
    pub kind: Option<String>,
    pub state: Option<String>,
    pub body_id: Option<i32>,
    pub topic_id: Option<i32>,
    pub organization_id: Option<i32>,
    /// Meetings starting at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Meetings starting before this instant.
    pub before: Option<OffsetDateTime>,
}

/// The meetings `viewer` may see that pass `f`, through the shared list machinery.
pub fn list_query(viewer: &Viewer, f: &MeetingFilter) -> List<meeting::Entity> {
    List::new(meeting::Column::Id, visible(viewer))
        .equals(meeting::Column::Kind, f.kind.as_deref())
        .equals(meeting::Column::State, f.state.as_deref())
        .linked(
            meeting_body::Entity,
            meeting_body::Column::MeetingId,
            meeting_body::Column::BodyId,
            f.body_id,
        )
        .linked(
            meeting_topic::Entity,
            meeting_topic::Column::MeetingId,
            meeting_topic::Column::TopicId,
            f.topic_id,
        )
        .linked(
            meeting_organization::Entity,
            meeting_organization::Column::MeetingId,
            meeting_organization::Column::OrganizationId,
            f.organization_id,
        )
        .filter_if(f.from.map(|t| Expr::col(meeting::Column::StartsAt).gte(t)))
        .filter_if(f.before.map(|t| Expr::col(meeting::Column::StartsAt).lt(t)))
}

/// Latest first (the list).
pub const ORDER: [(meeting::Column, Order); 2] = [
    (meeting::Column::StartsAt, Order::Desc),
    (meeting::Column::Id, Order::Desc),
];

/// Soonest first (calendars, upcoming meetings).
pub const ORDER_ASC: [(meeting::Column, Order); 2] = [
    (meeting::Column::StartsAt, Order::Asc),
    (meeting::Column::Id, Order::Asc),
];

/// One meeting, if `viewer` may see it.
pub async fn get(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<Option<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find_by_id(id)
        .filter(visible(viewer))
        .one(c)
        .await?)
}

/// The meeting recorded from an activity, if `viewer` may see it (old activity URLs).
pub async fn by_activity(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    activity_id: i32,
) -> Result<Option<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::ActivityId.eq(activity_id))
        .filter(visible(viewer))
        .one(c)
        .await?)
}

/// A meeting by its iCalendar UID, whoever may see it (imports check rights themselves).
pub async fn by_uid_unfiltered(
    c: &impl ConnectionTrait,
    uid: &str,
) -> Result<Option<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::Uid.eq(uid))
        .one(c)
        .await?)
}

/// The links of these meetings, in three queries.
pub async fn links(
    c: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<
    (
        Vec<meeting_body::Model>,
        Vec<meeting_topic::Model>,
        Vec<meeting_organization::Model>,
    ),
    StoreError,
> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new(), Vec::new()));
    }
    let ids = ids.iter().copied();
    Ok((
        meeting_body::Entity::find()
            .filter(meeting_body::Column::MeetingId.is_in(ids.clone()))
            .order_by_asc(meeting_body::Column::BodyId)
            .all(c)
            .await?,
        meeting_topic::Entity::find()
            .filter(meeting_topic::Column::MeetingId.is_in(ids.clone()))
            .order_by_asc(meeting_topic::Column::TopicId)
            .all(c)
            .await?,
        meeting_organization::Entity::find()
            .filter(meeting_organization::Column::MeetingId.is_in(ids))
            .order_by_asc(meeting_organization::Column::OrganizationId)
            .all(c)
            .await?,
    ))
}

pub struct MeetingRow<'a> {
    pub kind: &'a str,
    pub state: &'a str,
    pub title: &'a str,
    pub number: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub all_day: bool,
    pub time_zone: &'a str,
    pub place: Option<&'a str>,
    pub online_link: Option<&'a str>,
    pub online_access: &'a str,
    pub access: &'a str,
    pub body_ids: &'a [i32],
    pub topic_ids: &'a [i32],
    pub organization_ids: &'a [i32],
}

async fn set_links(
    c: &impl ConnectionTrait,
    id: i32,
    row: &MeetingRow<'_>,
) -> Result<(), StoreError> {
    meeting_body::Entity::delete_many()
        .filter(meeting_body::Column::MeetingId.eq(id))
        .exec(c)
        .await?;
    meeting_topic::Entity::delete_many()
        .filter(meeting_topic::Column::MeetingId.eq(id))
        .exec(c)
        .await?;
    meeting_organization::Entity::delete_many()
        .filter(meeting_organization::Column::MeetingId.eq(id))
        .exec(c)
        .await?;
    if !row.body_ids.is_empty() {
        meeting_body::Entity::insert_many(row.body_ids.iter().map(|&b| {
            meeting_body::ActiveModel {
                meeting_id: Set(id),
                body_id: Set(b),
            }
        }))
        .exec(c)
        .await?;
    }
    if !row.topic_ids.is_empty() {
        meeting_topic::Entity::insert_many(row.topic_ids.iter().map(|&t| {
            meeting_topic::ActiveModel {
                meeting_id: Set(id),
                topic_id: Set(t),
            }
        }))
        .exec(c)
        .await?;
    }
    if !row.organization_ids.is_empty() {
        meeting_organization::Entity::insert_many(row.organization_ids.iter().map(|&o| {
            meeting_organization::ActiveModel {
                meeting_id: Set(id),
                organization_id: Set(o),
            }
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

/// Records a meeting under `uid` (given by the caller: new, or the UID of an imported event).
pub async fn insert(
    c: &impl ConnectionTrait,
    uid: &str,
    row: &MeetingRow<'_>,
    activity_id: Option<i32>,
    to_confirm: bool,
    now: OffsetDateTime,
) -> Result<meeting::Model, StoreError> {
    let m = meeting::ActiveModel {
        uid: Set(uid.to_owned()),
        kind: Set(row.kind.to_owned()),
        state: Set(row.state.to_owned()),
        title: Set(row.title.to_owned()),
        number: Set(row.number.map(str::to_owned)),
        summary: Set(row.summary.map(str::to_owned)),
        to_confirm: Set(to_confirm),
        starts_at: Set(row.starts_at),
        ends_at: Set(row.ends_at),
        all_day: Set(row.all_day),
        time_zone: Set(row.time_zone.to_owned()),
        place: Set(row.place.map(str::to_owned)),
        online_link: Set(row.online_link.map(str::to_owned)),
        online_access: Set(row.online_access.to_owned()),
        access: Set(row.access.to_owned()),
        sequence: Set(0),
        activity_id: Set(activity_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    set_links(c, m.id, row).await?;
    Ok(m)
}

/// Changes a meeting and moves its SEQUENCE on by one.
pub async fn update(
    c: &impl ConnectionTrait,
    id: i32,
    row: &MeetingRow<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    meeting::Entity::update_many()
        .col_expr(meeting::Column::Kind, Expr::value(row.kind))
        .col_expr(meeting::Column::State, Expr::value(row.state))
        .col_expr(meeting::Column::Title, Expr::value(row.title))
        .col_expr(meeting::Column::Number, Expr::value(row.number))
        .col_expr(meeting::Column::Summary, Expr::value(row.summary))
        .col_expr(meeting::Column::StartsAt, Expr::value(row.starts_at))
        .col_expr(meeting::Column::EndsAt, Expr::value(row.ends_at))
        .col_expr(meeting::Column::AllDay, Expr::value(row.all_day))
        .col_expr(meeting::Column::TimeZone, Expr::value(row.time_zone))
        .col_expr(meeting::Column::Place, Expr::value(row.place))
        .col_expr(meeting::Column::OnlineLink, Expr::value(row.online_link))
        .col_expr(
            meeting::Column::OnlineAccess,
            Expr::value(row.online_access),
        )
        .col_expr(meeting::Column::Access, Expr::value(row.access))
        .col_expr(
            meeting::Column::Sequence,
            Expr::col(meeting::Column::Sequence).add(1),
        )
        .col_expr(meeting::Column::UpdatedAt, Expr::value(now))
        .filter(meeting::Column::Id.eq(id))
        .exec(c)
        .await?;
    set_links(c, id, row).await
}

/// A meeting regardless of viewer, for writes that check rights themselves.
pub async fn by_id_unfiltered(
    c: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find_by_id(id).one(c).await?)
}

/// Every meeting's id (for rebuilding the search index).
pub async fn all_ids(c: &impl ConnectionTrait) -> Result<Vec<i32>, StoreError> {
    Ok(meeting::Entity::find()
        .select_only()
        .column(meeting::Column::Id)
        .order_by_asc(meeting::Column::Id)
        .into_tuple()
        .all(c)
        .await?)
}

// ---- agenda -------------------------------------------------------------------------------

/// The agenda of a meeting (the caller has checked that the viewer may see the meeting),
/// in order: top-level items by position, each followed by its own by position.
pub async fn agenda(
    c: &impl ConnectionTrait,
    meeting_id: i32,
) -> Result<
    (
        Vec<meeting_agenda_item::Model>,
        Vec<agenda_item_document::Model>,
        Vec<agenda_item_liaison::Model>,
    ),
    StoreError,
> {
    let items = meeting_agenda_item::Entity::find()
        .filter(meeting_agenda_item::Column::MeetingId.eq(meeting_id))
        .order_by_asc(meeting_agenda_item::Column::Position)
        .order_by_asc(meeting_agenda_item::Column::Id)
        .all(c)
        .await?;
    if items.is_empty() {
        return Ok((items, Vec::new(), Vec::new()));
    }
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let docs = agenda_item_document::Entity::find()
        .filter(agenda_item_document::Column::ItemId.is_in(ids.clone()))
        .all(c)
        .await?;
    let ls = agenda_item_liaison::Entity::find()
        .filter(agenda_item_liaison::Column::ItemId.is_in(ids))
        .all(c)
        .await?;
    let mut ordered = Vec::with_capacity(items.len());
    for top in items.iter().filter(|i| i.parent_id.is_none()) {
        ordered.push(top.clone());
        ordered.extend(
            items
                .iter()
                .filter(|i| i.parent_id == Some(top.id))
                .cloned(),
        );
    }
    Ok((ordered, docs, ls))
}

/// An agenda item as written.
pub struct AgendaRow<'a> {
    /// The index of its parent among the rows (an earlier row).
    pub parent: Option<usize>,
    pub position: i32,
    pub number: &'a str,
    pub title: &'a str,
    pub presenter_id: Option<i32>,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub outcome: Option<&'a str>,
    pub document_ids: &'a [i32],
    pub liaison_ids: &'a [i32],
}

/// Replaces the agenda of a meeting: items kept by `id` keep their row and number (and so
/// what cites them), new ones (`None`) get a row; items left out are removed afterwards, so a
/// kept item moved from a removed parent survives.
pub async fn set_agenda(
    c: &impl ConnectionTrait,
    meeting_id: i32,
    rows: &[(Option<i32>, AgendaRow<'_>)],
    now: OffsetDateTime,
) -> Result<Vec<i32>, StoreError> {
    let kept: Vec<i32> = rows.iter().filter_map(|(id, _)| *id).collect();
    if !kept.is_empty() {
        agenda_item_document::Entity::delete_many()
            .filter(agenda_item_document::Column::ItemId.is_in(kept.clone()))
            .exec(c)
            .await?;
        agenda_item_liaison::Entity::delete_many()
            .filter(agenda_item_liaison::Column::ItemId.is_in(kept))
            .exec(c)
            .await?;
    }
    let mut ids: Vec<i32> = Vec::with_capacity(rows.len());
    for (id, row) in rows {
        let parent_id = row.parent.and_then(|p| ids.get(p).copied());
        let id = match id {
            Some(id) => {
                meeting_agenda_item::Entity::update_many()
                    .col_expr(
                        meeting_agenda_item::Column::ParentId,
                        Expr::value(parent_id),
                    )
                    .col_expr(
                        meeting_agenda_item::Column::Position,
                        Expr::value(row.position),
                    )
                    .col_expr(meeting_agenda_item::Column::Title, Expr::value(row.title))
                    .col_expr(
                        meeting_agenda_item::Column::PresenterId,
                        Expr::value(row.presenter_id),
                    )
                    .col_expr(
                        meeting_agenda_item::Column::StartsAt,
                        Expr::value(row.starts_at),
                    )
                    .col_expr(
                        meeting_agenda_item::Column::EndsAt,
                        Expr::value(row.ends_at),
                    )
                    .col_expr(
                        meeting_agenda_item::Column::Outcome,
                        Expr::value(row.outcome),
                    )
                    .col_expr(meeting_agenda_item::Column::UpdatedAt, Expr::value(now))
                    .filter(meeting_agenda_item::Column::Id.eq(*id))
                    .filter(meeting_agenda_item::Column::MeetingId.eq(meeting_id))
                    .exec(c)
                    .await?;
                *id
            }
            None => {
                meeting_agenda_item::ActiveModel {
                    meeting_id: Set(meeting_id),
                    parent_id: Set(parent_id),
                    position: Set(row.position),
                    number: Set(row.number.to_owned()),
                    title: Set(row.title.to_owned()),
                    presenter_id: Set(row.presenter_id),
                    starts_at: Set(row.starts_at),
                    ends_at: Set(row.ends_at),
                    outcome: Set(row.outcome.map(str::to_owned)),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(c)
                .await?
                .id
            }
        };
        if !row.document_ids.is_empty() {
            agenda_item_document::Entity::insert_many(row.document_ids.iter().map(|&d| {
                agenda_item_document::ActiveModel {
                    item_id: Set(id),
                    document_id: Set(d),
                }
            }))
            .exec(c)
            .await?;
        }
        if !row.liaison_ids.is_empty() {
            agenda_item_liaison::Entity::insert_many(row.liaison_ids.iter().map(|&l| {
                agenda_item_liaison::ActiveModel {
                    item_id: Set(id),
                    liaison_id: Set(l),
                }
            }))
            .exec(c)
            .await?;
        }
        ids.push(id);
    }
    meeting_agenda_item::Entity::delete_many()
        .filter(meeting_agenda_item::Column::MeetingId.eq(meeting_id))
        .filter(meeting_agenda_item::Column::Id.is_not_in(ids.clone()))
        .exec(c)
        .await?;
    Ok(ids)
}

// ---- minutes ------------------------------------------------------------------------------

/// Every revision of a meeting's minutes, oldest first (the caller has checked that the
/// viewer may see the meeting).
pub async fn minutes(
    c: &impl ConnectionTrait,
    meeting_id: i32,
) -> Result<Vec<meeting_minutes::Model>, StoreError> {
    Ok(meeting_minutes::Entity::find()
        .filter(meeting_minutes::Column::MeetingId.eq(meeting_id))
        .order_by_asc(meeting_minutes::Column::Revision)
        .all(c)
        .await?)
}

/// Adds a revision of the minutes, numbered one more than the last.
pub async fn add_minutes(
    c: &impl ConnectionTrait,
    meeting_id: i32,
    text: &str,
    author: &str,
    approved: bool,
    now: OffsetDateTime,
) -> Result<meeting_minutes::Model, StoreError> {
    let last: Option<i32> = meeting_minutes::Entity::find()
        .select_only()
        .column_as(meeting_minutes::Column::Revision.max(), "max")
        .filter(meeting_minutes::Column::MeetingId.eq(meeting_id))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    Ok(meeting_minutes::ActiveModel {
        meeting_id: Set(meeting_id),
        revision: Set(last.unwrap_or(0) + 1),
        text: Set(text.to_owned()),
        author: Set(author.to_owned()),
        at: Set(now),
        approved: Set(approved),
        ..Default::default()
    }
    .insert(c)
    .await?)
}
