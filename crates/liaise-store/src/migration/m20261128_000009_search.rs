//! The search index: one row per searchable item (its kind, key, title, text, link, access
//! level and year), the organizations owning it (for the access rule) and its facet values
//! (organization, body, topic, kind, year). SQLite indexes the text in an FTS5 table kept in
//! step by triggers; PostgreSQL in a `tsvector` column written with the row, under a GIN index.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SearchEntries {
    Table,
    Id,
    Kind,
    ItemKey,
    Title,
    Body,
    Url,
    Access,
    Year,
    Language,
    Tags,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SearchOwners {
    Table,
    EntryId,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum SearchFacets {
    Table,
    EntryId,
    Facet,
    Value,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

/// SQLite: `tags` holds one token per access grant and facet value (see
/// `queries::search::tags`), so access and filters are answered inside the full-text index.
const SQLITE: &[&str] = &[
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, content='search_entries', \
     content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN \
     INSERT INTO search_fts(rowid, title, body, tags) \
     VALUES (new.id, new.title, new.body, new.tags); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN \
     INSERT INTO search_fts(search_fts, rowid, title, body, tags) \
     VALUES ('delete', old.id, old.title, old.body, old.tags); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN \
     INSERT INTO search_fts(search_fts, rowid, title, body, tags) \
     VALUES ('delete', old.id, old.title, old.body, old.tags); \
     INSERT INTO search_fts(rowid, title, body, tags) \
     VALUES (new.id, new.title, new.body, new.tags); END",
];

const POSTGRES: &[&str] = &[
    "ALTER TABLE search_entries ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_entries_tsv ON search_entries USING GIN (tsv)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SearchEntries::Table)
                .col(pk_auto(SearchEntries::Id))
                .col(string_len(SearchEntries::Kind, 32))
                .col(string_len(SearchEntries::ItemKey, 200))
                // Narrow columns first: SQLite reads a row's columns in order, and the
                // filters should not walk through kilobytes of text to reach `access`.
                .col(string_len(SearchEntries::Access, 16))
                .col(integer_null(SearchEntries::Year))
                .col(string_len_null(SearchEntries::Language, 8))
                .col(text(SearchEntries::Tags))
                .col(timestamp_with_time_zone(SearchEntries::UpdatedAt))
                .col(string_len(SearchEntries::Url, 500))
                .col(text(SearchEntries::Title))
                .col(text(SearchEntries::Body))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("search_entries_item")
                .table(SearchEntries::Table)
                .col(SearchEntries::Kind)
                .col(SearchEntries::ItemKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SearchOwners::Table)
                .col(integer(SearchOwners::EntryId))
                .col(integer(SearchOwners::OrganizationId))
                .primary_key(
                    Index::create()
                        .col(SearchOwners::EntryId)
                        .col(SearchOwners::OrganizationId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SearchOwners::Table, SearchOwners::EntryId)
                        .to(SearchEntries::Table, SearchEntries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SearchOwners::Table, SearchOwners::OrganizationId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SearchFacets::Table)
                .col(integer(SearchFacets::EntryId))
                .col(string_len(SearchFacets::Facet, 16))
                .col(string_len(SearchFacets::Value, 100))
                .primary_key(
                    Index::create()
                        .col(SearchFacets::EntryId)
                        .col(SearchFacets::Facet)
                        .col(SearchFacets::Value),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SearchFacets::Table, SearchFacets::EntryId)
                        .to(SearchEntries::Table, SearchEntries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Filters go from a value to its entries.
        m.create_index(
            Index::create()
                .name("search_facets_value")
                .table(SearchFacets::Table)
                .col(SearchFacets::Facet)
                .col(SearchFacets::Value)
                .col(SearchFacets::EntryId)
                .to_owned(),
        )
        .await?;
        let statements = match m.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => SQLITE,
            _ => POSTGRES,
        };
        let c = m.get_connection();
        for s in statements {
            c.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
