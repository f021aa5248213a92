//! Files attached to liaison statements, kept under the data folder by their SHA-256.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LiaisonAttachments {
    Table,
    Id,
    LiaisonId,
    Sha256,
    Size,
    ContentType,
    FileName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Liaisons {
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
                .table(LiaisonAttachments::Table)
                .col(pk_auto(LiaisonAttachments::Id))
                .col(integer(LiaisonAttachments::LiaisonId))
                .col(string_len(LiaisonAttachments::Sha256, 64))
                .col(big_integer(LiaisonAttachments::Size))
                .col(string_len(LiaisonAttachments::ContentType, 100))
                .col(string_len(LiaisonAttachments::FileName, 255))
                .col(timestamp_with_time_zone(LiaisonAttachments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(LiaisonAttachments::Table, LiaisonAttachments::LiaisonId)
                        .to(Liaisons::Table, Liaisons::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("liaison_attachments_liaison")
                .table(LiaisonAttachments::Table)
                .col(LiaisonAttachments::LiaisonId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
