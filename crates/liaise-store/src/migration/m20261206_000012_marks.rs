//! A proposal keeps its text as the author marked it: the heading, title, history line,
//! preamble and each section with their unchanged, inserted and deleted stretches (author,
//! date, move), as JSON. NULL until written by an import or recovered from the stored file.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Marks,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .add_column(text_null(Proposals::Marks))
                .to_owned(),
        )
        .await
    }
}
