//! Secrets shared by the servers of one site.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, sea_query::OnConflict};

use crate::{StoreError, entity::site_key};

/// The secret named `name`; `fresh` becomes it if the database has none yet. Servers that
/// start together agree: the first insert wins, the others' is ignored, and each reads back
/// the one kept.
pub async fn get_or_insert(
    c: &impl ConnectionTrait,
    name: &str,
    fresh: &str,
) -> Result<String, StoreError> {
    site_key::Entity::insert(site_key::ActiveModel {
        name: Set(name.to_owned()),
        secret: Set(fresh.to_owned()),
    })
    .on_conflict(
        OnConflict::column(site_key::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    let row = site_key::Entity::find_by_id(name.to_owned()).one(c).await?;
    row.map(|r| r.secret).ok_or_else(|| {
        StoreError::Db(DbErr::RecordNotFound(format!(
            "the site key `{name}` was not kept"
        )))
    })
}
