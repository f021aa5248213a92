//! The audit log: who changed what, when, with the fields before and after. Entries are
//! written in the transaction of the change, so a change and its record stand or fall together.

use liaise_domain::{Action, PageRequest, Viewer, authorize};
use liaise_store::{
    Conn,
    queries::audit::{self as q, AuditFilter, NewEntry},
};
use time::OffsetDateTime;

use crate::{Liaise, ServiceError};

/// The fields of an entity as text, in a fixed order, for comparison.
pub type Fields = Vec<(&'static str, Option<String>)>;

/// One entry as read back.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_key: String,
    /// JSON text `{"field": {"before": …, "after": …}}`.
    pub changes: Option<String>,
}

impl From<liaise_store::entity::audit_entry::Model> for AuditEntry {
    fn from(r: liaise_store::entity::audit_entry::Model) -> Self {
        Self {
            id: r.id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_key: r.entity_key,
            changes: r.changes,
        }
    }
}

/// The fields that differ, as JSON; `None` when nothing differs.
pub fn diff(before: &Fields, after: &Fields) -> Option<String> {
    let mut map = serde_json::Map::new();
    for (name, new) in after {
        let old = before
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone());
        if &old != new {
            map.insert(
                (*name).to_owned(),
                serde_json::json!({"before": old, "after": new}),
            );
        }
    }
    (!map.is_empty()).then(|| serde_json::Value::Object(map).to_string())
}

/// Appends an entry inside the caller's transaction.
pub async fn record(
    c: &impl Conn,
    viewer: &Viewer,
    action: &str,
    entity: &str,
    key: &str,
    changes: Option<String>,
) -> Result<(), ServiceError> {
    q::append(
        c,
        NewEntry {
            at: OffsetDateTime::now_utc(),
            actor: viewer.actor(),
            action,
            entity,
            entity_key: key,
            changes,
        },
    )
    .await?;
    Ok(())
}

impl Liaise {
    /// Records a refused, security-relevant request (a forged form, a revoked token) in its
    /// own transaction.
    pub async fn security_event(
        &self,
        viewer: &Viewer,
        action: &str,
        entity: &str,
        key: &str,
    ) -> Result<(), ServiceError> {
        let tx = self.store.begin().await?;
        record(&tx, viewer, action, entity, key, None).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        Ok(())
    }

    /// Reads the audit log, newest first (administrators only).
    pub async fn audit_log(
        &self,
        viewer: &Viewer,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<(Vec<AuditEntry>, u64), ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let (rows, total) =
            q::list(self.store.conn(), filter, page.offset(), page.per_page()).await?;
        Ok((rows.into_iter().map(AuditEntry::from).collect(), total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_only_changed_fields() {
        let before: Fields = vec![
            ("name", Some("A".into())),
            ("url", None),
            ("x", Some("1".into())),
        ];
        let after: Fields = vec![
            ("name", Some("B".into())),
            ("url", None),
            ("x", Some("1".into())),
        ];
        assert_eq!(
            diff(&before, &after).as_deref(),
            Some(r#"{"name":{"after":"B","before":"A"}}"#)
        );
        assert_eq!(diff(&after, &after), None);
        let created = diff(&Vec::new(), &after).unwrap();
        assert!(
            created.contains(r#""name":{"after":"B","before":null}"#),
            "{created}"
        );
    }
}
