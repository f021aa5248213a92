//! Revisions: one counter per area of data, moved by every write of that area in the write's
//! own transaction. Readers compare them to know which remembered answers are stale: a write
//! of statements leaves the remembered documents alone, and the reverse.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{StoreError, entity::counter};

/// An area of data with its own revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    /// Organizations, bodies, people, roles, topics: every answer depends on them.
    Registry,
    Liaisons,
    Documents,
    Activities,
    Meetings,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::Registry,
        Area::Liaisons,
        Area::Documents,
        Area::Activities,
        Area::Meetings,
    ];

    /// The name of its row in `counters`.
    pub const fn counter(self) -> &'static str {
        match self {
            Area::Registry => "registry_revision",
            Area::Liaisons => "liaisons_revision",
            Area::Documents => "documents_revision",
            Area::Activities => "activities_revision",
            Area::Meetings => "meetings_revision",
        }
    }
}

/// The revision of every area, in [`Area::ALL`]'s order (0 for a counter not written yet).
pub async fn all(c: &impl ConnectionTrait) -> Result<[i64; Area::ALL.len()], StoreError> {
    let rows = counter::Entity::find()
        .filter(counter::Column::Name.is_in(Area::ALL.map(Area::counter)))
        .all(c)
        .await?;
    Ok(Area::ALL.map(|a| {
        rows.iter()
            .find(|r| r.name == a.counter())
            .map_or(0, |r| r.value)
    }))
}

/// Marks `area` as changed; call inside the write's transaction. Returns the area's new
/// revision (the one this write makes, once committed).
pub async fn bump(c: &impl ConnectionTrait, area: Area) -> Result<i64, StoreError> {
    counter::Entity::update_many()
        .col_expr(
            counter::Column::Value,
            Expr::col(counter::Column::Value).add(1),
        )
        .filter(counter::Column::Name.eq(area.counter()))
        .exec(c)
        .await?;
    Ok(counter::Entity::find()
        .filter(counter::Column::Name.eq(area.counter()))
        .one(c)
        .await?
        .map_or(0, |r| r.value))
}
