//! Liaison statements, read through the viewer-aware filter like every content item.

use liaise_domain::Viewer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};
use time::{Date, OffsetDateTime};

use super::list::List;
use crate::{
    StoreError,
    entity::{
        body_organization, liaison, liaison_addressee, liaison_attachment, liaison_organization,
        liaison_source, liaison_topic, reminder,
    },
};

/// The statements `viewer` may see. A sent statement by its access level; one not sent (a
/// draft, approved, or withdrawn before it was sent) is its secretariats' working copy: only
/// the secretariats of its organizations and administrators see it, whatever level it will
/// have once sent. Every read of statements goes through this condition.
pub fn visible(viewer: &Viewer) -> Condition {
    use liaise_domain::Role;
    let sent = Condition::all().add(liaison::Column::State.eq(SENT)).add(
        super::access::visible_condition(
            viewer,
            liaison::Column::Access,
            liaison::Column::Id,
            liaison_organization::Entity,
            liaison_organization::Column::LiaisonId,
            liaison_organization::Column::OrganizationId,
        ),
    );
    match &viewer.role {
        // Written without the branch that can never hold, so the planner sees plain columns.
        Role::Admin => Condition::all(),
        Role::Public | Role::Member => sent,
        Role::Secretariat(_) => Condition::any().add(sent).add(
            Condition::all()
                .add(liaison::Column::State.is_in(unsent()))
                .add(super::access::owned_condition(
                    viewer,
                    liaison::Column::Id,
                    liaison_organization::Entity,
                    liaison_organization::Column::LiaisonId,
                    liaison_organization::Column::OrganizationId,
                )),
        ),
    }
}

/// The state in which a statement is read by its access level.
const SENT: &str = "sent";

/// The other states, named (not `<> 'sent'`) so an index on the state answers them.
fn unsent() -> impl Iterator<Item = &'static str> {
    liaise_domain::liaison::LsState::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| *s != SENT)
}

#[derive(Debug, Default, Clone)]
pub struct LiaisonFilter {
    /// Owned by (sent or received by a body of) this organization.
    pub organization_id: Option<i32>,
    pub from_body_id: Option<i32>,
    pub to_body_id: Option<i32>,
    pub purpose: Option<String>,
    pub state: Option<String>,
    pub topic_id: Option<i32>,
    pub year: Option<i32>,
    /// Only statements with an action or comment row still awaiting a reply.
    pub awaiting: bool,
    /// Only statements with a row awaiting a reply past its deadline (before `today`).
    pub overdue_on: Option<Date>,
    /// The order; newest first when none.
    pub sort: Option<liaise_domain::liaison::LsSort>,
}

/// The statements `viewer` may see that pass `f`, through the shared list machinery.
pub fn list_query(viewer: &Viewer, f: &LiaisonFilter) -> List<liaison::Entity> {
    let mut list = List::new(liaison::Column::Id, visible(viewer))
        .linked(
            liaison_organization::Entity,
            liaison_organization::Column::LiaisonId,
            liaison_organization::Column::OrganizationId,
            f.organization_id,
        )
        .linked(
            liaison_source::Entity,
            liaison_source::Column::LiaisonId,
            liaison_source::Column::BodyId,
            f.from_body_id,
        )
        .linked(
            liaison_topic::Entity,
            liaison_topic::Column::LiaisonId,
            liaison_topic::Column::TopicId,
            f.topic_id,
        )
        .equals(liaison::Column::State, f.state.as_deref())
        .year(liaison::Column::Date, f.year);
    if f.to_body_id.is_some() || f.purpose.is_some() || f.awaiting || f.overdue_on.is_some() {
        let mut rows = Query::select()
            .column(liaison_addressee::Column::LiaisonId)
            .from(liaison_addressee::Entity)
            .to_owned();
        if let Some(b) = f.to_body_id {
            rows.and_where(liaison_addressee::Column::BodyId.eq(b));
        }
        if let Some(p) = &f.purpose {
            rows.and_where(liaison_addressee::Column::Purpose.eq(p.as_str()));
        }
        if f.awaiting || f.overdue_on.is_some() {
            rows.and_where(liaison_addressee::Column::ReplyState.eq("awaiting-reply"));
        }
        if let Some(today) = f.overdue_on {
            rows.and_where(liaison_addressee::Column::Deadline.lt(today));
        }
        list = list.linked_where(rows);
    }
    list
}

/// The order of a list of statements; each ends with the id, so pages are stable. Each has
/// an index with the same columns and directions (`liaisons_date`, `liaisons_title`).
pub fn order(sort: Option<liaise_domain::liaison::LsSort>) -> Vec<(liaison::Column, Order)> {
    use liaise_domain::liaison::LsSort;
    match sort.unwrap_or(LsSort::Newest) {
        LsSort::Newest => vec![
            (liaison::Column::Date, Order::Desc),
            (liaison::Column::Id, Order::Desc),
        ],
        LsSort::Oldest => vec![
            (liaison::Column::Date, Order::Asc),
            (liaison::Column::Id, Order::Asc),
        ],
        LsSort::Title => vec![
            (liaison::Column::Title, Order::Asc),
            (liaison::Column::Date, Order::Desc),
            (liaison::Column::Id, Order::Desc),
        ],
    }
}

/// How many statements `viewer` may see pass `f`.
pub async fn count(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &LiaisonFilter,
) -> Result<u64, StoreError> {
    list_query(viewer, f).count(c).await
}

/// A page of the statements `viewer` may see that pass `f`, in `f.sort`'s order.
pub async fn page(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &LiaisonFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<liaison::Model>, StoreError> {
    list_query(viewer, f)
        .page(c, &order(f.sort), offset, limit)
        .await
}

/// How many sent statements `viewer` may see went from each organization to each other one:
/// (from organization id, to organization id, count), a statement counted once per pair. One
/// aggregate query: the database counts, nothing is loaded per statement.
pub async fn directions(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<Vec<(i32, i32, i64)>, StoreError> {
    use sea_orm::sea_query::{Alias, Func, JoinType};
    let (from_org, to_org) = (Alias::new("from_org"), Alias::new("to_org"));
    let stmt = Query::select()
        .expr_as(
            Expr::col((from_org.clone(), body_organization::Column::OrganizationId)),
            Alias::new("from_id"),
        )
        .expr_as(
            Expr::col((to_org.clone(), body_organization::Column::OrganizationId)),
            Alias::new("to_id"),
        )
        .expr_as(
            Func::count_distinct(Expr::col((liaison::Entity, liaison::Column::Id))),
            Alias::new("n"),
        )
        .from(liaison::Entity)
        .inner_join(
            liaison_source::Entity,
            Expr::col((liaison_source::Entity, liaison_source::Column::LiaisonId))
                .equals((liaison::Entity, liaison::Column::Id)),
        )
        .join_as(
            JoinType::InnerJoin,
            body_organization::Entity,
            from_org.clone(),
            Expr::col((from_org.clone(), body_organization::Column::BodyId))
                .equals((liaison_source::Entity, liaison_source::Column::BodyId)),
        )
        .inner_join(
            liaison_addressee::Entity,
            Expr::col((
                liaison_addressee::Entity,
                liaison_addressee::Column::LiaisonId,
            ))
            .equals((liaison::Entity, liaison::Column::Id)),
        )
        .join_as(
            JoinType::InnerJoin,
            body_organization::Entity,
            to_org.clone(),
            Expr::col((to_org.clone(), body_organization::Column::BodyId))
                .equals((liaison_addressee::Entity, liaison_addressee::Column::BodyId)),
        )
        .cond_where(
            Condition::all()
                .add(visible(viewer))
                .add(liaison::Column::State.eq(SENT))
                .add(ExprTrait::ne(
                    Expr::col((from_org.clone(), body_organization::Column::OrganizationId)),
                    Expr::col((to_org.clone(), body_organization::Column::OrganizationId)),
                )),
        )
        .group_by_col((from_org, body_organization::Column::OrganizationId))
        .group_by_col((to_org, body_organization::Column::OrganizationId))
        .to_owned();
    let rows = c.query_all(&stmt).await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.try_get::<i32>("", "from_id")?,
                r.try_get::<i32>("", "to_id")?,
                r.try_get::<i64>("", "n")?,
            ))
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

/// The ids of every sent statement `viewer` may see.
pub async fn visible_sent_ids(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
) -> Result<Vec<i32>, StoreError> {
    Ok(liaison::Entity::find()
        .select_only()
        .column(liaison::Column::Id)
        .filter(visible(viewer))
        .filter(liaison::Column::State.eq("sent"))
        .into_tuple()
        .all(c)
        .await?)
}

/// Which of these statements `viewer` may see (to show links to them only then).
pub async fn visible_among(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    ids: &[i32],
) -> Result<Vec<i32>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(liaison::Entity::find()
        .select_only()
        .column(liaison::Column::Id)
        .filter(liaison::Column::Id.is_in(ids.iter().copied()))
        .filter(visible(viewer))
        .into_tuple()
        .all(c)
        .await?)
}

/// One statement, if `viewer` may see it.
pub async fn get(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<Option<liaison::Model>, StoreError> {
    Ok(liaison::Entity::find_by_id(id)
        .filter(visible(viewer))
        .one(c)
        .await?)
}

/// One statement by its number (`TSAG-LS12`), if `viewer` may see it.
pub async fn get_by_number(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    number: &str,
) -> Result<Option<liaison::Model>, StoreError> {
    Ok(liaison::Entity::find()
        .filter(liaison::Column::Number.eq(number))
        .filter(visible(viewer))
        .one(c)
        .await?)
}

/// One received statement by its sender's reference (as written), if `viewer` may see it;
/// the first recorded when two senders used the same reference.
pub async fn get_by_reference(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    reference: &str,
) -> Result<Option<liaison::Model>, StoreError> {
    Ok(liaison::Entity::find()
        .filter(liaison::Column::Received.eq(true))
        .filter(liaison::Column::OtherReference.eq(reference))
        .filter(visible(viewer))
        .order_by_asc(liaison::Column::Id)
        .one(c)
        .await?)
}

/// Which of these references name more than one statement (two received statements with
/// the same reference, or a reference equal to a liaise number), whoever may see them.
pub async fn ambiguous_references(
    c: &impl ConnectionTrait,
    references: &[String],
) -> Result<Vec<String>, StoreError> {
    if references.is_empty() {
        return Ok(Vec::new());
    }
    let received: Vec<Option<String>> = liaison::Entity::find()
        .select_only()
        .column(liaison::Column::OtherReference)
        .filter(liaison::Column::Received.eq(true))
        .filter(liaison::Column::OtherReference.is_in(references.iter().cloned()))
        .into_tuple()
        .all(c)
        .await?;
    // A number is looked up in capitals (`/liaisons/sg12-ls1` is SG12-LS1).
    let numbers: Vec<Option<String>> = liaison::Entity::find()
        .select_only()
        .column(liaison::Column::Number)
        .filter(liaison::Column::Number.is_in(references.iter().map(|r| r.to_ascii_uppercase())))
        .into_tuple()
        .all(c)
        .await?;
    let named_by_number = references
        .iter()
        .filter(|r| {
            numbers
                .iter()
                .flatten()
                .any(|n| *n == r.to_ascii_uppercase())
        })
        .cloned();
    let mut all: Vec<String> = received
        .into_iter()
        .flatten()
        .chain(named_by_number)
        .collect();
    all.sort();
    Ok(all
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].clone())
        .fold(Vec::new(), |mut out, r| {
            if !out.contains(&r) {
                out.push(r);
            }
            out
        }))
}

/// The replies to a statement that `viewer` may see, oldest first.
pub async fn replies(
    c: &impl ConnectionTrait,
    viewer: &Viewer,
    id: i32,
) -> Result<Vec<liaison::Model>, StoreError> {
    Ok(liaison::Entity::find()
        .filter(liaison::Column::InReplyTo.eq(id))
        .filter(visible(viewer))
        .order_by_asc(liaison::Column::Date)
        .all(c)
        .await?)
}

/// Sources, addressee rows, topics and owners of these statements, in four queries.
#[derive(Debug, Default)]
pub struct Links {
    pub sources: Vec<liaison_source::Model>,
    pub addressees: Vec<liaison_addressee::Model>,
    pub topics: Vec<liaison_topic::Model>,
    pub organizations: Vec<liaison_organization::Model>,
}

pub async fn links(c: &impl ConnectionTrait, ids: &[i32]) -> Result<Links, StoreError> {
    if ids.is_empty() {
        return Ok(Links {
            sources: Vec::new(),
            addressees: Vec::new(),
            topics: Vec::new(),
            organizations: Vec::new(),
        });
    }
    let ids = ids.iter().copied();
    Ok(Links {
        sources: liaison_source::Entity::find()
            .filter(liaison_source::Column::LiaisonId.is_in(ids.clone()))
            .all(c)
            .await?,
        addressees: liaison_addressee::Entity::find()
            .filter(liaison_addressee::Column::LiaisonId.is_in(ids.clone()))
            .order_by_asc(liaison_addressee::Column::Id)
            .all(c)
            .await?,
        topics: liaison_topic::Entity::find()
            .filter(liaison_topic::Column::LiaisonId.is_in(ids.clone()))
            .all(c)
            .await?,
        organizations: liaison_organization::Entity::find()
            .filter(liaison_organization::Column::LiaisonId.is_in(ids))
            .all(c)
            .await?,
    })
}

pub struct LiaisonRow<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub body_text: Option<&'a str>,
    pub date: Date,
    pub approval_level: Option<&'a str>,
    pub other_reference: Option<&'a str>,
    pub meeting: Option<&'a str>,
    pub questions: &'a str,
    pub contacts: &'a str,
    pub access: &'a str,
    pub source_ids: &'a [i32],
    /// (body, purpose, deadline)
    pub addressees: &'a [(i32, &'a str, Option<Date>)],
    pub topic_ids: &'a [i32],
    pub organization_ids: &'a [i32],
    /// Recorded from another organization's sender (never numbered by liaise).
    pub received: bool,
}

async fn set_links(
    c: &impl ConnectionTrait,
    id: i32,
    row: &LiaisonRow<'_>,
) -> Result<(), StoreError> {
    liaison_source::Entity::delete_many()
        .filter(liaison_source::Column::LiaisonId.eq(id))
        .exec(c)
        .await?;
    liaison_topic::Entity::delete_many()
        .filter(liaison_topic::Column::LiaisonId.eq(id))
        .exec(c)
        .await?;
    liaison_organization::Entity::delete_many()
        .filter(liaison_organization::Column::LiaisonId.eq(id))
        .exec(c)
        .await?;
    liaison_addressee::Entity::delete_many()
        .filter(liaison_addressee::Column::LiaisonId.eq(id))
        .exec(c)
        .await?;
    for &b in row.source_ids {
        liaison_source::ActiveModel {
            liaison_id: Set(id),
            body_id: Set(b),
        }
        .insert(c)
        .await?;
    }
    for &t in row.topic_ids {
        liaison_topic::ActiveModel {
            liaison_id: Set(id),
            topic_id: Set(t),
        }
        .insert(c)
        .await?;
    }
    for &o in row.organization_ids {
        liaison_organization::ActiveModel {
            liaison_id: Set(id),
            organization_id: Set(o),
        }
        .insert(c)
        .await?;
    }
    for &(body, purpose, deadline) in row.addressees {
        liaison_addressee::ActiveModel {
            liaison_id: Set(id),
            body_id: Set(body),
            purpose: Set(purpose.to_owned()),
            deadline: Set(deadline),
            reply_state: Set(None),
            replied_by: Set(None),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

pub async fn insert(
    c: &impl ConnectionTrait,
    row: &LiaisonRow<'_>,
    in_reply_to: Option<i32>,
    now: OffsetDateTime,
) -> Result<liaison::Model, StoreError> {
    let m = liaison::ActiveModel {
        number: Set(None),
        title: Set(row.title.to_owned()),
        summary: Set(row.summary.map(str::to_owned)),
        body_text: Set(row.body_text.map(str::to_owned)),
        date: Set(row.date),
        state: Set("draft".to_owned()),
        approval_level: Set(row.approval_level.map(str::to_owned)),
        other_reference: Set(row.other_reference.map(str::to_owned)),
        meeting: Set(row.meeting.map(str::to_owned)),
        questions: Set(row.questions.to_owned()),
        contacts: Set(row.contacts.to_owned()),
        in_reply_to: Set(in_reply_to),
        access: Set(row.access.to_owned()),
        received: Set(row.received),
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
    row: &LiaisonRow<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    liaison::ActiveModel {
        id: Set(id),
        title: Set(row.title.to_owned()),
        summary: Set(row.summary.map(str::to_owned)),
        body_text: Set(row.body_text.map(str::to_owned)),
        date: Set(row.date),
        approval_level: Set(row.approval_level.map(str::to_owned)),
        other_reference: Set(row.other_reference.map(str::to_owned)),
        meeting: Set(row.meeting.map(str::to_owned)),
        questions: Set(row.questions.to_owned()),
        contacts: Set(row.contacts.to_owned()),
        access: Set(row.access.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(c)
    .await?;
    set_links(c, id, row).await
}

/// A statement regardless of viewer, for writes that check rights themselves.
pub async fn by_id_unfiltered(
    c: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<liaison::Model>, StoreError> {
    Ok(liaison::Entity::find_by_id(id).one(c).await?)
}

pub async fn set_state(
    c: &impl ConnectionTrait,
    id: i32,
    state: &str,
    number: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut m = liaison::ActiveModel {
        id: Set(id),
        state: Set(state.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(n) = number {
        m.number = Set(Some(n.to_owned()));
    }
    m.update(c).await?;
    Ok(())
}

/// The next number in a body's series: one more than the highest `{prefix}{n}` so far.
pub async fn next_sequence(c: &impl ConnectionTrait, prefix: &str) -> Result<u32, StoreError> {
    next_in_series(c, prefix, "").await
}

/// The next number of a series whose numbers read `{before}{n}{after}`: one more than the
/// highest `n` so far.
pub async fn next_in_series(
    c: &impl ConnectionTrait,
    before: &str,
    after: &str,
) -> Result<u32, StoreError> {
    let numbers: Vec<Option<String>> = liaison::Entity::find()
        .select_only()
        .column(liaison::Column::Number)
        .filter(liaison::Column::Number.starts_with(before))
        .filter(liaison::Column::Number.ends_with(after))
        .into_tuple()
        .all(c)
        .await?;
    let max = numbers
        .iter()
        .flatten()
        .filter_map(|n| {
            let n = n.strip_prefix(before)?.strip_suffix(after)?;
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            n.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0);
    Ok(max + 1)
}

/// Opens the action and comment rows of a sent statement: they now await a reply.
pub async fn open_rows(c: &impl ConnectionTrait, id: i32) -> Result<(), StoreError> {
    liaison_addressee::Entity::update_many()
        .col_expr(
            liaison_addressee::Column::ReplyState,
            Expr::value("awaiting-reply"),
        )
        .filter(liaison_addressee::Column::LiaisonId.eq(id))
        .filter(liaison_addressee::Column::Purpose.is_in(["action", "comment"]))
        .filter(liaison_addressee::Column::ReplyState.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// Closes the rows of statement `id` addressed to these bodies, as answered by `reply`.
/// Answers how many rows closed.
pub async fn close_rows(
    c: &impl ConnectionTrait,
    id: i32,
    body_ids: &[i32],
    reply: i32,
) -> Result<u64, StoreError> {
    let r = liaison_addressee::Entity::update_many()
        .col_expr(
            liaison_addressee::Column::ReplyState,
            Expr::value("replied"),
        )
        .col_expr(liaison_addressee::Column::RepliedBy, Expr::value(reply))
        .filter(liaison_addressee::Column::LiaisonId.eq(id))
        .filter(liaison_addressee::Column::BodyId.is_in(body_ids.iter().copied()))
        .filter(liaison_addressee::Column::ReplyState.eq("awaiting-reply"))
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}

/// Links a statement to a related one (not a reply).
pub async fn set_related_to(
    c: &impl ConnectionTrait,
    id: i32,
    related_to: Option<i32>,
) -> Result<(), StoreError> {
    liaison::ActiveModel {
        id: Set(id),
        related_to: Set(related_to),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

/// Marks a statement as recorded from data not yet checked against a primary source.
pub async fn set_to_confirm(
    c: &impl ConnectionTrait,
    id: i32,
    to_confirm: bool,
) -> Result<(), StoreError> {
    liaison::ActiveModel {
        id: Set(id),
        to_confirm: Set(to_confirm),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

/// Closes the awaiting row of statement `id` addressed to `body_id` without a reply.
/// Answers how many rows closed (0 when that row awaits nothing).
pub async fn close_without_reply(
    c: &impl ConnectionTrait,
    id: i32,
    body_id: i32,
) -> Result<u64, StoreError> {
    let r = liaison_addressee::Entity::update_many()
        .col_expr(liaison_addressee::Column::ReplyState, Expr::value("closed"))
        .filter(liaison_addressee::Column::LiaisonId.eq(id))
        .filter(liaison_addressee::Column::BodyId.eq(body_id))
        .filter(liaison_addressee::Column::ReplyState.eq("awaiting-reply"))
        .exec(c)
        .await?;
    Ok(r.rows_affected)
}

/// The attachments of these statements, oldest first.
pub async fn attachments(
    c: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<liaison_attachment::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(liaison_attachment::Entity::find()
        .filter(liaison_attachment::Column::LiaisonId.is_in(ids.iter().copied()))
        .order_by_asc(liaison_attachment::Column::Id)
        .all(c)
        .await?)
}

pub struct AttachmentRow<'a> {
    pub liaison_id: i32,
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub file_name: &'a str,
}

pub async fn insert_attachment(
    c: &impl ConnectionTrait,
    row: &AttachmentRow<'_>,
    now: OffsetDateTime,
) -> Result<liaison_attachment::Model, StoreError> {
    Ok(liaison_attachment::ActiveModel {
        liaison_id: Set(row.liaison_id),
        sha256: Set(row.sha256.to_owned()),
        size: Set(row.size),
        content_type: Set(row.content_type.to_owned()),
        file_name: Set(row.file_name.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// Rows of sent statements awaiting a reply with a deadline on or before `until`, with their
/// statement.
pub async fn rows_due(
    c: &impl ConnectionTrait,
    until: Date,
) -> Result<Vec<(liaison_addressee::Model, liaison::Model)>, StoreError> {
    let rows = liaison_addressee::Entity::find()
        .filter(liaison_addressee::Column::ReplyState.eq("awaiting-reply"))
        .filter(liaison_addressee::Column::Deadline.lte(until))
        .order_by_asc(liaison_addressee::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.liaison_id).collect();
    let statements = liaison::Entity::find()
        .filter(liaison::Column::Id.is_in(ids))
        .filter(liaison::Column::State.eq("sent"))
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let s = statements.iter().find(|s| s.id == r.liaison_id)?.clone();
            Some((r, s))
        })
        .collect())
}

/// The reminder kinds already recorded for these rows.
pub async fn reminders_of(
    c: &impl ConnectionTrait,
    addressee_ids: &[i32],
) -> Result<Vec<reminder::Model>, StoreError> {
    if addressee_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(reminder::Entity::find()
        .filter(reminder::Column::AddresseeId.is_in(addressee_ids.iter().copied()))
        .all(c)
        .await?)
}

pub struct ReminderRow<'a> {
    pub liaison_id: i32,
    pub addressee_id: i32,
    pub kind: &'a str,
    pub recipients: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub sent_at: Option<OffsetDateTime>,
}

pub async fn insert_reminder(
    c: &impl ConnectionTrait,
    r: &ReminderRow<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    reminder::ActiveModel {
        liaison_id: Set(r.liaison_id),
        addressee_id: Set(r.addressee_id),
        kind: Set(r.kind.to_owned()),
        recipients: Set(r.recipients.to_owned()),
        subject: Set(r.subject.chars().take(300).collect()),
        body: Set(r.body.to_owned()),
        sent_at: Set(r.sent_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Reminders recorded but not sent by mail (no mail server), newest first.
pub async fn unsent_reminders(
    c: &impl ConnectionTrait,
) -> Result<Vec<reminder::Model>, StoreError> {
    Ok(reminder::Entity::find()
        .filter(reminder::Column::SentAt.is_null())
        .order_by_desc(reminder::Column::Id)
        .limit(500)
        .all(c)
        .await?)
}

/// Every statement's id (for rebuilding the search index).
pub async fn all_ids(c: &impl ConnectionTrait) -> Result<Vec<i32>, StoreError> {
    Ok(liaison::Entity::find()
        .select_only()
        .column(liaison::Column::Id)
        .order_by_asc(liaison::Column::Id)
        .into_tuple()
        .all(c)
        .await?)
}

/// A statement as its list sees it in memory ([`super::list::Facts`]): what [`visible`] and
/// [`list_query`] read, and the keys of [`order`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementFact {
    pub id: i32,
    pub date: Date,
    pub title: Box<str>,
    pub state: Box<str>,
    /// `state` is "sent": the statement is read by its access level.
    pub sent: bool,
    pub access: Level,
    pub owners: Box<[i32]>,
    pub sources: Box<[i32]>,
    pub topics: Box<[i32]>,
    /// Its addressee rows, in the order of their ids.
    pub addressees: Box<[liaison_addressee::Model]>,
    /// The same rows as the filters compare them.
    pub rows: Box<[RowFact]>,
}

/// An addressee row as the filters compare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowFact {
    pub body_id: i32,
    pub purpose: u8,
    pub awaiting: bool,
    pub deadline: Option<Date>,
}

/// A purpose as a small number (0 for a purpose no rule names).
fn purpose_code(purpose: &str) -> u8 {
    match purpose {
        "action" => 1,
        "comment" => 2,
        "information" => 3,
        _ => 0,
    }
}

impl RowFact {
    fn of(a: &liaison_addressee::Model) -> Self {
        Self {
            body_id: a.body_id,
            purpose: purpose_code(&a.purpose),
            awaiting: a.reply_state.as_deref() == Some("awaiting-reply"),
            deadline: a.deadline,
        }
    }
}

/// A reader and a filter made ready to test many statements' facts: [`StatementFact::admits`]
/// without work repeated per statement.
#[derive(Clone, Debug)]
pub struct Matcher<'a> {
    reader: Reader,
    f: &'a LiaisonFilter,
    by_row: bool,
    /// The purpose asked for (a number no row has when the purpose is unknown).
    purpose: Option<u8>,
    awaiting: bool,
    /// The purpose is the only condition on addressee rows: the hot part answers it.
    purpose_only: bool,
}

impl<'a> Matcher<'a> {
    pub fn new(reader: Reader, f: &'a LiaisonFilter) -> Self {
        Self {
            reader,
            f,
            by_row: f.to_body_id.is_some()
                || f.purpose.is_some()
                || f.awaiting
                || f.overdue_on.is_some(),
            purpose: f.purpose.as_deref().map(|p| match purpose_code(p) {
                0 => u8::MAX,
                n => n,
            }),
            awaiting: f.awaiting || f.overdue_on.is_some(),
            purpose_only: f.to_body_id.is_none() && !f.awaiting && f.overdue_on.is_none(),
        }
    }

    /// Does the reader see `s`, and does it pass the filter?
    pub fn admits(&self, s: &StatementFact) -> bool {
        use super::list::Fact;
        self.admits_hot(&s.hot(), s)
    }

    /// [`Matcher::admits`] reading `s` only when `hot` does not decide.
    pub fn admits_hot(&self, hot: &StatementHot, s: &StatementFact) -> bool {
        let f = self.f;
        let sent = hot.flags & HOT_SENT != 0;
        let seen = match self.reader {
            Reader::Admin => true,
            Reader::Public => sent && hot.access == Level::Public,
            Reader::Member => sent && matches!(hot.access, Level::Public | Level::Members),
            Reader::Secretariat(org) => {
                let owned = org.is_some_and(|o| hot.owns(s, o));
                if sent {
                    match hot.access {
                        Level::Public | Level::Members => true,
                        Level::Secretariat => owned,
                        Level::Other => false,
                    }
                } else {
                    hot.flags & HOT_UNSENT != 0 && owned
                }
            }
        };
        seen && f.organization_id.is_none_or(|o| hot.owns(s, o))
            && f.year.is_none_or(|y| hot.year == y)
            && f.from_body_id.is_none_or(|b| s.sources.contains(&b))
            && f.topic_id.is_none_or(|t| s.topics.contains(&t))
            && f.state.as_deref().is_none_or(|st| st == &*s.state)
            && (!self.by_row
                || match (self.purpose_only, self.purpose) {
                    (true, Some(p)) => hot.purposes & 1u8.checked_shl(p.into()).unwrap_or(0) != 0,
                    _ => s.rows.iter().any(|a| {
                        f.to_body_id.is_none_or(|b| a.body_id == b)
                            && self.purpose.is_none_or(|p| p == a.purpose)
                            && (!self.awaiting || a.awaiting)
                            && f.overdue_on
                                .is_none_or(|today| a.deadline.is_some_and(|d| d < today))
                    }),
                })
    }
}

/// A statement's access level, as its list compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Public,
    Members,
    Secretariat,
    /// A value no rule names: nobody but administrators sees it.
    Other,
}

impl Level {
    pub fn of(access: &str) -> Self {
        match access {
            "public" => Level::Public,
            "members" => Level::Members,
            "secretariat" => Level::Secretariat,
            _ => Level::Other,
        }
    }
}

impl super::list::Fact for StatementFact {
    type Hot = StatementHot;

    fn id(&self) -> i32 {
        self.id
    }

    fn hot(&self) -> StatementHot {
        let mut flags = 0;
        if self.sent {
            flags |= HOT_SENT;
        } else if unsent().any(|s| s == &*self.state) {
            flags |= HOT_UNSENT;
        }
        let mut owners = 0u64;
        for &o in &*self.owners {
            match u32::try_from(o) {
                Ok(bit) if bit < 64 => owners |= 1 << bit,
                _ => flags |= HOT_MORE_OWNERS,
            }
        }
        StatementHot {
            flags,
            access: self.access,
            purposes: self.rows.iter().fold(0, |bits, r| {
                bits | 1u8.checked_shl(r.purpose.into()).unwrap_or(0)
            }),
            year: self.date.year(),
            owners,
        }
    }
}

/// What most lists of statements read, in 16 bytes: whether it is sent (or in a state not
/// sent yet), its access level, its year, its owners (organization ids below 64 as bits) and
/// the purposes of its addressee rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatementHot {
    flags: u8,
    access: Level,
    /// The purposes of its addressee rows, as bits (`1 << purpose_code`).
    purposes: u8,
    year: i32,
    owners: u64,
}

const HOT_SENT: u8 = 1;
/// In one of the states before sending (draft, approved, withdrawn).
const HOT_UNSENT: u8 = 2;
/// An owner's id is 64 or more: not in the bits, read the fact.
const HOT_MORE_OWNERS: u8 = 4;

impl StatementHot {
    fn owns(&self, s: &StatementFact, org: i32) -> bool {
        match u32::try_from(org) {
            Ok(bit) if bit < 64 => self.owners >> bit & 1 == 1,
            _ => self.flags & HOT_MORE_OWNERS != 0 && s.owners.contains(&org),
        }
    }
}

/// Who reads a list, as [`StatementFact::admits`] needs it: the viewer's role with the id of
/// a secretariat's organization (none when no organization has its code).
#[derive(Clone, Copy, Debug)]
pub enum Reader {
    Admin,
    Public,
    Member,
    Secretariat(Option<i32>),
}

impl Reader {
    /// Does this reader see a statement in `state` (`sent` when it is "sent") at `access`,
    /// owned by `owners`? The rule of [`visible`], in memory.
    pub fn sees(self, sent: bool, state: &str, access: Level, owners: &[i32]) -> bool {
        let owned = |org: Option<i32>| org.is_some_and(|o| owners.contains(&o));
        match self {
            Reader::Admin => true,
            Reader::Public => sent && access == Level::Public,
            Reader::Member => sent && matches!(access, Level::Public | Level::Members),
            Reader::Secretariat(org) => {
                if sent {
                    match access {
                        Level::Public | Level::Members => true,
                        Level::Secretariat => owned(org),
                        Level::Other => false,
                    }
                } else {
                    unsent().any(|s| s == state) && owned(org)
                }
            }
        }
    }
}

impl StatementFact {
    /// Does `reader` see it and does it pass `f`? The same rule as [`visible`] and
    /// [`list_query`], on the facts in memory.
    pub fn admits(&self, reader: Reader, f: &LiaisonFilter) -> bool {
        Matcher::new(reader, f).admits(self)
    }

    /// Its links as [`links`] reads them.
    pub fn links_into(&self, links: &mut Links) {
        let id = self.id;
        links
            .sources
            .extend(self.sources.iter().map(|&body_id| liaison_source::Model {
                liaison_id: id,
                body_id,
            }));
        links
            .topics
            .extend(self.topics.iter().map(|&topic_id| liaison_topic::Model {
                liaison_id: id,
                topic_id,
            }));
        links
            .organizations
            .extend(
                self.owners
                    .iter()
                    .map(|&organization_id| liaison_organization::Model {
                        liaison_id: id,
                        organization_id,
                    }),
            );
        links.addressees.extend(self.addressees.iter().cloned());
    }
}

/// The orders of [`order`] in memory, in [`fact_order`]'s numbering: newest first (walked
/// backwards: oldest first), then by title.
pub const FACT_ORDERS: [super::list::FactOrder<StatementFact>; 2] = [
    |a, b| (b.date, b.id).cmp(&(a.date, a.id)),
    |a, b| {
        a.title
            .as_bytes()
            .cmp(b.title.as_bytes())
            .then((b.date, b.id).cmp(&(a.date, a.id)))
    },
];

/// Which of [`FACT_ORDERS`] gives `sort`'s order, and whether it is walked backwards.
pub fn fact_order(sort: Option<liaise_domain::liaison::LsSort>) -> (usize, bool) {
    use liaise_domain::liaison::LsSort;
    match sort.unwrap_or(LsSort::Newest) {
        LsSort::Newest => (0, false),
        LsSort::Oldest => (0, true),
        LsSort::Title => (1, false),
    }
}

/// The facts of every statement (`ids` none) or of these statements, in five queries.
pub async fn facts(
    c: &impl ConnectionTrait,
    ids: Option<&[i32]>,
) -> Result<Vec<StatementFact>, StoreError> {
    use std::collections::HashMap;
    fn group<T>(rows: Vec<(i32, T)>) -> HashMap<i32, Vec<T>> {
        let mut m: HashMap<i32, Vec<T>> = HashMap::new();
        for (k, v) in rows {
            m.entry(k).or_default().push(v);
        }
        m
    }
    let rows: Vec<(i32, Date, String, String, String)> = liaison::Entity::find()
        .select_only()
        .columns([
            liaison::Column::Id,
            liaison::Column::Date,
            liaison::Column::Title,
            liaison::Column::State,
            liaison::Column::Access,
        ])
        .filter(among(liaison::Column::Id, ids))
        .into_tuple()
        .all(c)
        .await?;
    use super::list::link_values;
    let mut owners = link_values::<liaison_organization::Entity>(
        c,
        liaison_organization::Column::LiaisonId,
        liaison_organization::Column::OrganizationId,
        ids,
    )
    .await?;
    let mut sources = link_values::<liaison_source::Entity>(
        c,
        liaison_source::Column::LiaisonId,
        liaison_source::Column::BodyId,
        ids,
    )
    .await?;
    let mut topics = link_values::<liaison_topic::Entity>(
        c,
        liaison_topic::Column::LiaisonId,
        liaison_topic::Column::TopicId,
        ids,
    )
    .await?;
    let mut addressees = group(
        liaison_addressee::Entity::find()
            .filter(among(liaison_addressee::Column::LiaisonId, ids))
            .order_by_asc(liaison_addressee::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .map(|a| (a.liaison_id, a))
            .collect(),
    );
    Ok(rows
        .into_iter()
        .map(|(id, date, title, state, access)| StatementFact {
            id,
            date,
            title: title.into(),
            sent: state == SENT,
            state: state.into(),
            access: Level::of(&access),
            owners: owners.remove(&id).unwrap_or_default().into(),
            sources: sources.remove(&id).unwrap_or_default().into(),
            topics: topics.remove(&id).unwrap_or_default().into(),
            rows: addressees
                .get(&id)
                .map(|rows| rows.iter().map(RowFact::of).collect())
                .unwrap_or_default(),
            addressees: addressees.remove(&id).unwrap_or_default().into(),
        })
        .collect())
}

/// Rows whose `column` is among `ids`, or every row.
fn among(column: impl ColumnTrait, ids: Option<&[i32]>) -> Condition {
    match ids {
        Some(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
        None => Condition::all(),
    }
}

/// These statements as `reader` may see them, in the order of `ids` (a page computed in
/// memory, read by id): the access rule is applied again to the rows read, with `owners`
/// (statement, organization) from the same memory.
pub async fn by_ids(
    c: &impl ConnectionTrait,
    reader: Reader,
    ids: &[i32],
    owners: &[liaison_organization::Model],
) -> Result<Vec<liaison::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // By primary key only: with the access condition in SQL, SQLite's planner walks the
    // state and access index (thousands of rows) instead of looking up twenty ids.
    let mut rows = liaison::Entity::find()
        .filter(liaison::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?;
    rows.retain(|r| {
        let owned: Vec<i32> = owners
            .iter()
            .filter(|o| o.liaison_id == r.id)
            .map(|o| o.organization_id)
            .collect();
        reader.sees(r.state == SENT, &r.state, Level::of(&r.access), &owned)
    });
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok(rows)
}
