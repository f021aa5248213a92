//! Indexes that answer every filter and order of the content lists without reading a whole
//! table (the plan test in `tests/plans.rs` holds them to it), and `document_bodies`: the body
//! codes of a document as rows, so "documents of SG2" is an index lookup rather than a text
//! search through every document's JSON list. The rows are filled from that list here and
//! written with the list from now on.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DocumentBodies {
    Table,
    DocumentId,
    Body,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    Bodies,
}

/// (index name, table, columns; ` DESC` after a column orders it downwards)
const INDEXES: &[(&str, &str, &[&str])] = &[
    ("liaisons_date", "liaisons", &["date", "id"]),
    (
        "liaisons_title",
        "liaisons",
        &["title", "date DESC", "id DESC"],
    ),
    (
        "liaisons_state_access",
        "liaisons",
        &["state", "access", "date"],
    ),
    ("liaisons_in_reply_to", "liaisons", &["in_reply_to"]),
    ("liaisons_other_reference", "liaisons", &["other_reference"]),
    (
        "liaison_sources_body",
        "liaison_sources",
        &["body_id", "liaison_id"],
    ),
    (
        "liaison_topics_topic",
        "liaison_topics",
        &["topic_id", "liaison_id"],
    ),
    (
        "liaison_organizations_org",
        "liaison_organizations",
        &["organization_id", "liaison_id"],
    ),
    (
        "liaison_addressees_body",
        "liaison_addressees",
        &["body_id", "purpose", "liaison_id"],
    ),
    (
        "liaison_addressees_purpose",
        "liaison_addressees",
        &["purpose", "reply_state", "liaison_id"],
    ),
    (
        "liaison_addressees_reply",
        "liaison_addressees",
        &["reply_state", "deadline", "liaison_id"],
    ),
    ("activities_date", "activities", &["date", "id"]),
    ("activities_kind", "activities", &["kind", "date"]),
    (
        "activity_bodies_body",
        "activity_bodies",
        &["body_id", "activity_id"],
    ),
    (
        "activity_topics_topic",
        "activity_topics",
        &["topic_id", "activity_id"],
    ),
    ("documents_date", "documents", &["date", "id"]),
    ("documents_kind", "documents", &["kind", "date"]),
    ("documents_access", "documents", &["access"]),
    (
        "document_organizations_org",
        "document_organizations",
        &["organization_id", "document_id"],
    ),
    (
        "document_bodies_body",
        "document_bodies",
        &["body", "document_id"],
    ),
    ("proposals_status", "proposals", &["status", "identifier"]),
    ("proposals_document", "proposals", &["document_id"]),
    ("audit_log_actor", "audit_log", &["actor", "at", "id"]),
    ("audit_log_action", "audit_log", &["action", "at", "id"]),
    ("audit_log_at_id", "audit_log", &["at", "id"]),
    ("audit_log_key", "audit_log", &["entity_key"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DocumentBodies::Table)
                .col(
                    ColumnDef::new(DocumentBodies::DocumentId)
                        .integer()
                        .not_null(),
                )
                .col(ColumnDef::new(DocumentBodies::Body).text().not_null())
                .primary_key(
                    Index::create()
                        .col(DocumentBodies::DocumentId)
                        .col(DocumentBodies::Body),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DocumentBodies::Table, DocumentBodies::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        let rows = c
            .query_all(
                &Query::select()
                    .columns([Documents::Id, Documents::Bodies])
                    .from(Documents::Table)
                    .to_owned(),
            )
            .await?;
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let bodies: String = row.try_get("", "bodies")?;
            for body in crate::queries::documents::body_codes(&bodies) {
                c.execute(
                    &Query::insert()
                        .into_table(DocumentBodies::Table)
                        .columns([DocumentBodies::DocumentId, DocumentBodies::Body])
                        .values_panic([id.into(), body.into()])
                        .to_owned(),
                )
                .await?;
            }
        }
        // The revisions of the content areas (the registry's exists since the first migration).
        for name in [
            "liaisons_revision",
            "documents_revision",
            "activities_revision",
        ] {
            c.execute(
                &Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic([name.into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;
        }
        for (name, table, columns) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(Alias::new(*table));
            for col in *columns {
                match col.strip_suffix(" DESC") {
                    Some(c) => index.col((Alias::new(c), IndexOrder::Desc)),
                    None => index.col(Alias::new(*col)),
                };
            }
            m.create_index(index.to_owned()).await?;
        }
        Ok(())
    }
}
