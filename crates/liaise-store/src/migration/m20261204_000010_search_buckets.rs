//! PostgreSQL: each entry's `tsv` also holds the lexeme of its recency bucket
//! (`zbkt{id >> 12}z`, see `queries::search::bucket`), so the newest matches of a large
//! result are found from the GIN index alone. SQLite needs nothing: FTS5 walks its index by
//! rowid.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "UPDATE search_entries SET tsv = tsv || \
                     to_tsvector('simple', 'zbkt' || (id >> 12) || 'z')",
                )
                .await?;
        }
        Ok(())
    }
}
