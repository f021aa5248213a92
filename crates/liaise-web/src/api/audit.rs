//! The audit log, for administrators.

use axum::{Json, extract::State};
use liaise_service::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    dto::rfc3339,
    extract::{ApiQuery, ApiViewer},
};
use crate::{AppState, error::ApiError};

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: i64,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// Who: a user's e-mail, `token:NAME`, or `system`.
    pub actor: String,
    /// `create`, `update`, `delete`, `link`, `unlink`, `revoke` …
    pub action: String,
    /// `organization`, `body`, `person`, `role`, `topic`, `body-topic`, `token` …
    pub entity: String,
    /// The entity's code, slug or id.
    pub key: String,
    /// Changed fields: `{"field": {"before": …, "after": …}}`; `null` when the entry
    /// records no field (a revocation, a sign-in …).
    #[schema(value_type = Option<Object>)]
    pub changes: Option<serde_json::Value>,
}

impl From<liaise_service::audit::AuditEntry> for AuditEntryDto {
    fn from(e: liaise_service::audit::AuditEntry) -> Self {
        Self {
            id: e.id,
            at: rfc3339(e.at),
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            key: e.entity_key,
            changes: e.changes.and_then(|c| serde_json::from_str(&c).ok()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub key: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u64>,
}

fn blank(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// Every recorded change, newest first (administrators only).
#[utoipa::path(get, path = "/audit", tag = "operations", params(AuditQuery),
    security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    ApiViewer(viewer): ApiViewer,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let page = super::extract::page_request(q.page, q.per_page)?;
    let filter = AuditFilter {
        entity: blank(q.entity),
        entity_key: blank(q.key),
        actor: blank(q.actor),
        action: blank(q.action),
    };
    let (entries, total) = state.liaise.audit_log(&viewer, &filter, page).await?;
    Ok(Json(AuditPage {
        items: entries.into_iter().map(AuditEntryDto::from).collect(),
        total,
        page: page.page(),
        per_page: page.per_page(),
    }))
}
