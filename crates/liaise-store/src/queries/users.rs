//! User accounts and their sessions.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait},
};
use time::OffsetDateTime;

use crate::{
    StoreError,
    entity::{session, user},
};

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub person_id: Option<i32>,
    pub role: &'a str,
    pub organization: Option<&'a str>,
    pub password_hash: &'a str,
}

pub async fn insert(
    c: &impl ConnectionTrait,
    u: &NewUser<'_>,
    now: OffsetDateTime,
) -> Result<user::Model, StoreError> {
    Ok(user::ActiveModel {
        email: Set(u.email.to_owned()),
        name: Set(u.name.map(str::to_owned)),
        person_id: Set(u.person_id),
        role: Set(u.role.to_owned()),
        organization: Set(u.organization.map(str::to_owned)),
        password_hash: Set(u.password_hash.to_owned()),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn by_email(
    c: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, StoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(c)
        .await?)
}

pub async fn by_id(c: &impl ConnectionTrait, id: i32) -> Result<Option<user::Model>, StoreError> {
    Ok(user::Entity::find_by_id(id).one(c).await?)
}

pub async fn list(c: &impl ConnectionTrait) -> Result<Vec<user::Model>, StoreError> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(c)
        .await?)
}

pub async fn set_password(
    c: &impl ConnectionTrait,
    id: i32,
    password_hash: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn set_disabled(
    c: &impl ConnectionTrait,
    id: i32,
    disabled: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::Disabled, Expr::value(disabled))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

// ---- sessions ---------------------------------------------------------------------------

pub async fn insert_session(
    c: &impl ConnectionTrait,
    id_hash: &str,
    user_id: i32,
    csrf_token: &str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<session::Model, StoreError> {
    Ok(session::ActiveModel {
        id_hash: Set(id_hash.to_owned()),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// A session and its user, by the hash of the cookie's secret.
pub async fn session_with_user(
    c: &impl ConnectionTrait,
    id_hash: &str,
) -> Result<Option<(session::Model, user::Model)>, StoreError> {
    let Some(s) = session::Entity::find()
        .filter(session::Column::IdHash.eq(id_hash))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let u = user::Entity::find_by_id(s.user_id).one(c).await?;
    Ok(u.map(|u| (s, u)))
}

pub async fn touch_session(
    c: &impl ConnectionTrait,
    id: i32,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn delete_session(c: &impl ConnectionTrait, id_hash: &str) -> Result<u64, StoreError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::IdHash.eq(id_hash))
        .exec(c)
        .await?
        .rows_affected)
}

pub async fn delete_user_sessions(
    c: &impl ConnectionTrait,
    user_id: i32,
) -> Result<u64, StoreError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(c)
        .await?
        .rows_affected)
}

/// Removes sessions past their absolute expiry or idle since before `idle_before`.
pub async fn delete_stale_sessions(
    c: &impl ConnectionTrait,
    now: OffsetDateTime,
    idle_before: OffsetDateTime,
) -> Result<u64, StoreError> {
    Ok(session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lt(now)
                .or(session::Column::LastSeenAt.lt(idle_before)),
        )
        .exec(c)
        .await?
        .rows_affected)
}

/// The user ids of every session hash given (for revoking cached sessions).
pub async fn session_hashes_of_user(
    c: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<String>, StoreError> {
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.id_hash)
        .collect())
}
