//! API tokens, stored as hashes.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::OffsetDateTime;

use crate::{StoreError, entity::api_token};

pub async fn insert(
    c: &impl ConnectionTrait,
    name: &str,
    token_hash: &str,
    role: &str,
    organization: Option<&str>,
    user_id: Option<i32>,
    now: OffsetDateTime,
) -> Result<api_token::Model, StoreError> {
    Ok(api_token::ActiveModel {
        name: Set(name.to_owned()),
        token_hash: Set(token_hash.to_owned()),
        role: Set(role.to_owned()),
        organization: Set(organization.map(str::to_owned)),
        created_at: Set(now),
        user_id: Set(user_id),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// The token with this hash, live or revoked.
pub async fn by_hash(
    c: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .one(c)
        .await?)
}

/// The live (not revoked) token with this hash.
pub async fn active_by_hash(
    c: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(c)
        .await?)
}

/// Every token, or those of one user.
pub async fn list(
    c: &impl ConnectionTrait,
    user_id: Option<i32>,
) -> Result<Vec<api_token::Model>, StoreError> {
    let mut q = api_token::Entity::find().order_by_asc(api_token::Column::Id);
    if let Some(u) = user_id {
        q = q.filter(api_token::Column::UserId.eq(u));
    }
    Ok(q.all(c).await?)
}

pub async fn by_id(
    c: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find_by_id(id).one(c).await?)
}

/// Revokes a token; `false` if no live token has this id.
pub async fn revoke(
    c: &impl ConnectionTrait,
    id: i32,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let r = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(r.rows_affected > 0)
}
