//! Secrets the servers of one site share, by name: `site_keys`. The first is the key that
//! signs the sign-in form's CSRF token, so a token issued by one server is accepted by
//! another on the same database. Rows are made by the service when it first opens the
//! database (a random value; the first server to insert wins), never by this migration.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteKeys {
    Table,
    Name,
    Secret,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SiteKeys::Table)
                .col(
                    ColumnDef::new(SiteKeys::Name)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(SiteKeys::Secret).string().not_null())
                .to_owned(),
        )
        .await
    }
}
