//! Deadline reminders: one row per addressee row and reminder (14, 7, 1 days before, overdue),
//! so none is sent twice; `sent_at` stays empty when no mail server is configured and the
//! secretariat sends it by hand.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reminders {
    Table,
    Id,
    LiaisonId,
    AddresseeId,
    Kind,
    Recipients,
    Subject,
    Body,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LiaisonAddressees {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Reminders::Table)
                .col(pk_auto(Reminders::Id))
                .col(integer(Reminders::LiaisonId))
                .col(integer(Reminders::AddresseeId))
                .col(string_len(Reminders::Kind, 16))
                .col(text(Reminders::Recipients))
                .col(string_len(Reminders::Subject, 300))
                .col(text(Reminders::Body))
                .col(timestamp_with_time_zone_null(Reminders::SentAt))
                .col(timestamp_with_time_zone(Reminders::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Reminders::Table, Reminders::AddresseeId)
                        .to(LiaisonAddressees::Table, LiaisonAddressees::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("reminders_once")
                .table(Reminders::Table)
                .col(Reminders::AddresseeId)
                .col(Reminders::Kind)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
