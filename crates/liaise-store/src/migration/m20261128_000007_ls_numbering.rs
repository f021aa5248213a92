//! Each body may have its own pattern for the numbers of the liaison statements it sends
//! (`{body}-LS{n}` when it has none); a statement names the meeting that adopted it and a
//! related statement, and one recorded from reference data may be marked as still to be
//! confirmed against a primary source.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bodies {
    Table,
    LsPattern,
}

#[derive(DeriveIden)]
enum Liaisons {
    Table,
    ToConfirm,
    Meeting,
    RelatedTo,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        m.alter_table(
            Table::alter()
                .table(Bodies::Table)
                .add_column(string_len_null(Bodies::LsPattern, 64))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Liaisons::Table)
                .add_column(boolean(Liaisons::ToConfirm).default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Liaisons::Table)
                .add_column(string_len_null(Liaisons::Meeting, 200))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Liaisons::Table)
                .add_column(integer_null(Liaisons::RelatedTo))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
