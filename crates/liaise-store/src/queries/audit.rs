//! The audit log: appended in the transaction of the change it records; never updated or
//! deleted (no function here does either).

use sea_orm::{ActiveModelTrait, Condition, ConnectionTrait, Order, Set};
use time::OffsetDateTime;

use super::list::List;
use crate::{StoreError, entity::audit_entry};

pub struct NewEntry<'a> {
    pub at: OffsetDateTime,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_key: &'a str,
    /// JSON text: `{"field": {"before": …, "after": …}}`.
    pub changes: Option<String>,
}

pub async fn append(c: &impl ConnectionTrait, e: NewEntry<'_>) -> Result<(), StoreError> {
    audit_entry::ActiveModel {
        at: Set(e.at),
        actor: Set(e.actor.chars().take(200).collect()),
        action: Set(e.action.to_owned()),
        entity: Set(e.entity.to_owned()),
        entity_key: Set(e.entity_key.chars().take(200).collect()),
        changes: Set(e.changes),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_key: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
}

/// The entries that pass `f`, through the shared list machinery (only administrators read
/// the log, so no access condition).
pub fn list_query(f: &AuditFilter) -> List<audit_entry::Entity> {
    List::new(audit_entry::Column::Id, Condition::all())
        .equals(audit_entry::Column::Entity, f.entity.as_deref())
        .equals(audit_entry::Column::EntityKey, f.entity_key.as_deref())
        .equals(audit_entry::Column::Actor, f.actor.as_deref())
        .equals(audit_entry::Column::Action, f.action.as_deref())
}

/// Newest first (by time, then by the order of writing).
pub const ORDER: [(audit_entry::Column, Order); 2] = [
    (audit_entry::Column::At, Order::Desc),
    (audit_entry::Column::Id, Order::Desc),
];

/// A page of entries, newest first, and the total.
pub async fn list(
    c: &impl ConnectionTrait,
    f: &AuditFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_entry::Model>, u64), StoreError> {
    let list = list_query(f);
    Ok((
        list.page(c, &ORDER, offset, limit).await?,
        list.count(c).await?,
    ))
}
