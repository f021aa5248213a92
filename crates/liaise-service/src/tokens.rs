//! API tokens: a random secret shown once, stored as its SHA-256.

use liaise_domain::{Action, Code, Role, Viewer, authorize, text};
use liaise_store::queries::tokens as q;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{Liaise, ServiceError};

const PREFIX: &str = "lsk_";

/// A token as listed (never its secret).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub role: String,
    pub created_at: OffsetDateTime,
    pub revoked: bool,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn role_name(role: &Role) -> (&'static str, Option<&str>) {
    match role {
        Role::Public => ("public", None),
        Role::Member => ("member", None),
        Role::Secretariat(org) => ("secretariat", Some(org.as_str())),
        Role::Admin => ("admin", None),
    }
}

fn role_from(name: &str, organization: Option<&str>) -> Option<Role> {
    match (name, organization) {
        ("admin", _) => Some(Role::Admin),
        ("member", _) => Some(Role::Member),
        ("secretariat", Some(org)) => Code::parse("organization", org).ok().map(Role::Secretariat),
        _ => None,
    }
}

impl Liaise {
    /// Creates a token; the secret is in the answer and nowhere else.
    pub async fn create_token(
        &self,
        viewer: &Viewer,
        name: &str,
        role: Role,
    ) -> Result<(String, TokenInfo), ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let name = text::line("name", name, 100)?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = format!("{PREFIX}{}", hex::encode(bytes));
        let (role_str, org) = role_name(&role);
        let tx = self.store.begin().await?;
        let row = q::insert(
            &tx,
            &name,
            &hash(&secret),
            role_str,
            org,
            OffsetDateTime::now_utc(),
        )
        .await?;
        let after: crate::audit::Fields = vec![
            ("name", Some(name.clone())),
            ("role", Some(role_str.to_owned())),
            ("organization", org.map(str::to_owned)),
        ];
        let changes = crate::audit::diff(&Vec::new(), &after);
        crate::audit::record(&tx, viewer, "create", "token", &row.id.to_string(), changes).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok((
            secret,
            TokenInfo {
                id: row.id,
                name: row.name,
                role: row.role,
                created_at: row.created_at,
                revoked: false,
            },
        ))
    }

    /// The viewer a bearer token stands for, or `Unauthenticated` for an unknown or revoked one.
    pub async fn viewer_for_token(&self, secret: &str) -> Result<Viewer, ServiceError> {
        if !secret.starts_with(PREFIX) || secret.len() > 200 {
            return Err(ServiceError::Unauthenticated);
        }
        let row = q::active_by_hash(self.store.conn(), &hash(secret))
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let role = role_from(&row.role, row.organization.as_deref())
            .ok_or(ServiceError::Unauthenticated)?;
        Ok(Viewer::new(format!("token:{}", row.name), role))
    }

    pub async fn list_tokens(&self, viewer: &Viewer) -> Result<Vec<TokenInfo>, ServiceError> {
        authorize(viewer, &Action::Administer)?;
        Ok(q::list(self.store.conn())
            .await?
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                name: t.name,
                role: t.role,
                created_at: t.created_at,
                revoked: t.revoked_at.is_some(),
            })
            .collect())
    }

    pub async fn revoke_token(&self, viewer: &Viewer, id: i32) -> Result<(), ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let tx = self.store.begin().await?;
        if !q::revoke(&tx, id, OffsetDateTime::now_utc()).await? {
            return Err(ServiceError::NotFound(format!(
                "no live token with id {id}"
            )));
        }
        crate::audit::record(&tx, viewer, "revoke", "token", &id.to_string(), None).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok(())
    }
}
