//! Liaison statements: the statement, its source bodies, its addressee rows (each with a
//! purpose, a deadline and the reply that closed it), topics, owning organizations and links.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Liaisons {
    Table,
    Id,
    Number,
    Title,
    Summary,
    BodyText,
    Date,
    State,
    ApprovalLevel,
    OtherReference,
    Questions,
    Contacts,
    InReplyTo,
    Access,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LiaisonSources {
    Table,
    LiaisonId,
    BodyId,
}

#[derive(DeriveIden, Clone, Copy)]
enum LiaisonAddressees {
    Table,
    Id,
    LiaisonId,
    BodyId,
    Purpose,
    Deadline,
    ReplyState,
    RepliedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum LiaisonTopics {
    Table,
    LiaisonId,
    TopicId,
}

#[derive(DeriveIden, Clone, Copy)]
enum LiaisonOrganizations {
    Table,
    LiaisonId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Topics {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

fn link(
    table: impl IntoIden + Copy + 'static,
    left: impl IntoIden + Copy + 'static,
    right: impl IntoIden + Copy + 'static,
    right_table: impl IntoIden + 'static,
    right_id: impl IntoIden + 'static,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(integer(left))
        .col(integer(right))
        .primary_key(Index::create().col(left).col(right))
        .foreign_key(
            ForeignKey::create()
                .from(table, left)
                .to(Liaisons::Table, Liaisons::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(table, right)
                .to(right_table, right_id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Liaisons::Table)
                .col(pk_auto(Liaisons::Id))
                .col(string_len_null(Liaisons::Number, 64).unique_key())
                .col(string_len(Liaisons::Title, 300))
                .col(text_null(Liaisons::Summary))
                .col(text_null(Liaisons::BodyText))
                .col(date(Liaisons::Date))
                .col(string_len(Liaisons::State, 16))
                .col(string_len_null(Liaisons::ApprovalLevel, 32))
                .col(string_len_null(Liaisons::OtherReference, 100))
                .col(text(Liaisons::Questions))
                .col(text(Liaisons::Contacts))
                .col(integer_null(Liaisons::InReplyTo))
                .col(string_len(Liaisons::Access, 16))
                .col(timestamp_with_time_zone(Liaisons::CreatedAt))
                .col(timestamp_with_time_zone(Liaisons::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Liaisons::Table, Liaisons::InReplyTo)
                        .to(Liaisons::Table, Liaisons::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(link(
            LiaisonSources::Table,
            LiaisonSources::LiaisonId,
            LiaisonSources::BodyId,
            Bodies::Table,
            Bodies::Id,
        ))
        .await?;
        m.create_table(link(
            LiaisonTopics::Table,
            LiaisonTopics::LiaisonId,
            LiaisonTopics::TopicId,
            Topics::Table,
            Topics::Id,
        ))
        .await?;
        m.create_table(link(
            LiaisonOrganizations::Table,
            LiaisonOrganizations::LiaisonId,
            LiaisonOrganizations::OrganizationId,
            Organizations::Table,
            Organizations::Id,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(LiaisonAddressees::Table)
                .col(pk_auto(LiaisonAddressees::Id))
                .col(integer(LiaisonAddressees::LiaisonId))
                .col(integer(LiaisonAddressees::BodyId))
                .col(string_len(LiaisonAddressees::Purpose, 16))
                .col(date_null(LiaisonAddressees::Deadline))
                .col(string_len_null(LiaisonAddressees::ReplyState, 16))
                .col(integer_null(LiaisonAddressees::RepliedBy))
                .foreign_key(
                    ForeignKey::create()
                        .from(LiaisonAddressees::Table, LiaisonAddressees::LiaisonId)
                        .to(Liaisons::Table, Liaisons::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LiaisonAddressees::Table, LiaisonAddressees::BodyId)
                        .to(Bodies::Table, Bodies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LiaisonAddressees::Table, LiaisonAddressees::RepliedBy)
                        .to(Liaisons::Table, Liaisons::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("liaison_addressees_liaison")
                .table(LiaisonAddressees::Table)
                .col(LiaisonAddressees::LiaisonId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
