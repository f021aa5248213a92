//! API tokens: a random secret shown once, stored as its SHA-256. A personal token belongs to
//! an account and acts with that account's rights as they are at each request (a disabled
//! account's tokens stop working); tokens made on the command line are administrators'.

use liaise_domain::{Action, Role, Viewer, authorize, text};
use liaise_store::queries::{tokens as q, users};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{
    Liaise, ServiceError,
    accounts::{role_from_parts, role_to_parts},
    audit,
};

const PREFIX: &str = "lsk_";

/// A token as listed (never its secret).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub role: String,
    pub user_id: Option<i32>,
    pub created_at: OffsetDateTime,
    pub revoked: bool,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn info(t: liaise_store::entity::api_token::Model) -> TokenInfo {
    TokenInfo {
        id: t.id,
        name: t.name,
        role: t.role,
        user_id: t.user_id,
        created_at: t.created_at,
        revoked: t.revoked_at.is_some(),
    }
}

impl Liaise {
    async fn insert_token(
        &self,
        viewer: &Viewer,
        name: &str,
        role: &Role,
        user_id: Option<i32>,
    ) -> Result<(String, TokenInfo), ServiceError> {
        let name = text::line("name", name, 100)?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = format!("{PREFIX}{}", hex::encode(bytes));
        let (role_str, org) = role_to_parts(role);
        let tx = self.store.begin().await?;
        let row = q::insert(
            &tx,
            &name,
            &hash(&secret),
            role_str,
            org,
            user_id,
            OffsetDateTime::now_utc(),
        )
        .await?;
        let after: audit::Fields = vec![
            ("name", Some(name.clone())),
            ("role", Some(role_str.to_owned())),
            ("organization", org.map(str::to_owned)),
            ("user", user_id.map(|u| u.to_string())),
        ];
        let changes = audit::diff(&Vec::new(), &after);
        audit::record(&tx, viewer, "create", "token", &row.id.to_string(), changes).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok((secret, info(row)))
    }

    /// Creates a token with a given role (administrators, e.g. from the command line).
    pub async fn create_token(
        &self,
        viewer: &Viewer,
        name: &str,
        role: Role,
    ) -> Result<(String, TokenInfo), ServiceError> {
        authorize(viewer, &Action::Administer)?;
        self.insert_token(viewer, name, &role, None).await
    }

    /// Creates a token for the signed-in user, acting with that user's rights.
    pub async fn create_personal_token(
        &self,
        viewer: &Viewer,
        name: &str,
    ) -> Result<(String, TokenInfo), ServiceError> {
        let user_id = viewer.user_id.ok_or(ServiceError::Unauthenticated)?;
        self.insert_token(viewer, name, &viewer.role.clone(), Some(user_id))
            .await
    }

    /// The viewer a bearer token stands for, or `Unauthenticated` for an unknown or revoked one.
    pub async fn viewer_for_token(&self, secret: &str) -> Result<Viewer, ServiceError> {
        if !secret.starts_with(PREFIX) || secret.len() > 200 {
            return Err(ServiceError::Unauthenticated);
        }
        let row = q::by_hash(self.store.conn(), &hash(secret))
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if row.revoked_at.is_some() {
            // Someone still holds a revoked token: worth a line in the audit log.
            let who = Viewer::new(format!("token:{}", row.name), Role::Public);
            self.security_event(&who, "revoked-token-used", "token", &row.id.to_string())
                .await?;
            return Err(ServiceError::Unauthenticated);
        }
        match row.user_id {
            Some(user_id) => {
                let user = users::by_id(self.store.conn(), user_id)
                    .await?
                    .filter(|u| !u.disabled)
                    .ok_or(ServiceError::Unauthenticated)?;
                let role = role_from_parts(&user.role, user.organization.as_deref())
                    .ok_or(ServiceError::Unauthenticated)?;
                Ok(Viewer::user(user.id, user.email, role))
            }
            None => {
                let role = role_from_parts(&row.role, row.organization.as_deref())
                    .ok_or(ServiceError::Unauthenticated)?;
                Ok(Viewer::new(format!("token:{}", row.name), role))
            }
        }
    }

    /// Every token (administrators) or the viewer's own.
    pub async fn list_tokens(&self, viewer: &Viewer) -> Result<Vec<TokenInfo>, ServiceError> {
        let scope = if viewer.is_admin() && viewer.user_id.is_none() {
            None
        } else {
            Some(viewer.user_id.ok_or(ServiceError::Unauthenticated)?)
        };
        Ok(q::list(self.store.conn(), scope)
            .await?
            .into_iter()
            .map(info)
            .collect())
    }

    /// Revokes a token: any, for an administrator; one's own, for a user.
    pub async fn revoke_token(&self, viewer: &Viewer, id: i32) -> Result<(), ServiceError> {
        if viewer.is_anonymous() {
            return Err(ServiceError::Unauthenticated);
        }
        let tx = self.store.begin().await?;
        let token = q::by_id(&tx, id).await?;
        let mine = token
            .as_ref()
            .is_some_and(|t| t.user_id.is_some() && t.user_id == viewer.user_id);
        if !(mine || viewer.is_admin()) || token.is_none() {
            return Err(ServiceError::NotFound(format!(
                "no live token with id {id}"
            )));
        }
        if !q::revoke(&tx, id, OffsetDateTime::now_utc()).await? {
            return Err(ServiceError::NotFound(format!(
                "no live token with id {id}"
            )));
        }
        audit::record(&tx, viewer, "revoke", "token", &id.to_string(), None).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok(())
    }
}
