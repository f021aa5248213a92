//! A person is listed publicly only when a secretariat records them in the registry or they
//! choose so: `people.listed`. An account made a person of the registry (so that its roles and
//! statements can name it) without putting it in public view; accounts made before this
//! column existed are unlisted unless the registry recorded the person itself (an audited
//! `create person`) or gave them a role, which lists them anyway.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Listed,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(People::Table)
                .add_column(
                    ColumnDef::new(People::Listed)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE people SET listed = FALSE \
                 WHERE id IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) \
                 AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'person' \
                   AND a.action = 'create' AND a.entity_key = CAST(people.id AS TEXT))",
            )
            .await?;
        Ok(())
    }
}
