//! Bookkeeping of the reference data: which entries were loaded once, so a restart changes
//! nothing and a later release only adds what is new.

use std::collections::HashSet;

use sea_orm::{ConnectionTrait, EntityTrait, Set};
use time::OffsetDateTime;

use crate::{StoreError, entity::reference_entry};

pub async fn applied_keys(c: &impl ConnectionTrait) -> Result<HashSet<String>, StoreError> {
    Ok(reference_entry::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.key)
        .collect())
}

pub async fn mark_applied(
    c: &impl ConnectionTrait,
    keys: &[String],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for chunk in keys.chunks(200) {
        reference_entry::Entity::insert_many(chunk.iter().map(|k| reference_entry::ActiveModel {
            key: Set(k.clone()),
            applied_at: Set(now),
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}
