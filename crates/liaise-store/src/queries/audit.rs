//! The audit log: appended in the transaction of the change it records; never updated or
//! deleted (no function here does either).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use time::OffsetDateTime;

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

/// A page of entries, newest first, and the total.
pub async fn list(
    c: &impl ConnectionTrait,
    f: &AuditFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_entry::Model>, u64), StoreError> {
    let mut q = audit_entry::Entity::find();
    if let Some(v) = &f.entity {
        q = q.filter(audit_entry::Column::Entity.eq(v.as_str()));
    }
    if let Some(v) = &f.entity_key {
        q = q.filter(audit_entry::Column::EntityKey.eq(v.as_str()));
    }
    if let Some(v) = &f.actor {
        q = q.filter(audit_entry::Column::Actor.eq(v.as_str()));
    }
    if let Some(v) = &f.action {
        q = q.filter(audit_entry::Column::Action.eq(v.as_str()));
    }
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(audit_entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(c)
        .await?;
    Ok((rows, total))
}
