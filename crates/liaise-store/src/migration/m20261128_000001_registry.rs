//! The registry: organizations, bodies, people, roles, topics, their links; API tokens;
//! bookkeeping of reference data and of the registry's revision.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Code,
    Name,
    NameFr,
    Url,
    ToConfirm,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Bodies {
    Table,
    Id,
    Code,
    Name,
    NameFr,
    Kind,
    Mandate,
    ParentId,
    PeriodStart,
    PeriodEnd,
    ToConfirm,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BodyOrganizations {
    Table,
    BodyId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    Name,
    OrganizationId,
    Affiliation,
    Email,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
    PersonId,
    BodyId,
    Kind,
    DateFrom,
    DateTo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Topics {
    Table,
    Id,
    Slug,
    Name,
    NameFr,
    Description,
    ParentId,
    ToConfirm,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BodyTopics {
    Table,
    BodyId,
    TopicId,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    TokenHash,
    Role,
    Organization,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ReferenceEntries {
    Table,
    Key,
    AppliedAt,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(on_delete)
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
                .table(Organizations::Table)
                .col(pk_auto(Organizations::Id))
                .col(string_len_uniq(Organizations::Code, 32))
                .col(string_len(Organizations::Name, 300))
                .col(string_len_null(Organizations::NameFr, 300))
                .col(string_len_null(Organizations::Url, 500))
                .col(boolean(Organizations::ToConfirm).default(false))
                .col(timestamp_with_time_zone(Organizations::CreatedAt))
                .col(timestamp_with_time_zone(Organizations::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Bodies::Table)
                .col(pk_auto(Bodies::Id))
                .col(string_len_uniq(Bodies::Code, 32))
                .col(string_len(Bodies::Name, 300))
                .col(string_len_null(Bodies::NameFr, 300))
                .col(string_len(Bodies::Kind, 32))
                .col(text_null(Bodies::Mandate))
                .col(integer_null(Bodies::ParentId))
                .col(integer_null(Bodies::PeriodStart))
                .col(integer_null(Bodies::PeriodEnd))
                .col(boolean(Bodies::ToConfirm).default(false))
                .col(timestamp_with_time_zone(Bodies::CreatedAt))
                .col(timestamp_with_time_zone(Bodies::UpdatedAt))
                .foreign_key(&mut fk(
                    Bodies::Table,
                    Bodies::ParentId,
                    Bodies::Table,
                    Bodies::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("bodies_parent")
                .table(Bodies::Table)
                .col(Bodies::ParentId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BodyOrganizations::Table)
                .col(integer(BodyOrganizations::BodyId))
                .col(integer(BodyOrganizations::OrganizationId))
                .primary_key(
                    Index::create()
                        .col(BodyOrganizations::BodyId)
                        .col(BodyOrganizations::OrganizationId),
                )
                .foreign_key(&mut fk(
                    BodyOrganizations::Table,
                    BodyOrganizations::BodyId,
                    Bodies::Table,
                    Bodies::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    BodyOrganizations::Table,
                    BodyOrganizations::OrganizationId,
                    Organizations::Table,
                    Organizations::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(People::Table)
                .col(pk_auto(People::Id))
                .col(string_len(People::Name, 300))
                .col(integer_null(People::OrganizationId))
                .col(string_len_null(People::Affiliation, 300))
                .col(string_len_null(People::Email, 254))
                .col(timestamp_with_time_zone(People::CreatedAt))
                .col(timestamp_with_time_zone(People::UpdatedAt))
                .foreign_key(&mut fk(
                    People::Table,
                    People::OrganizationId,
                    Organizations::Table,
                    Organizations::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Roles::Table)
                .col(pk_auto(Roles::Id))
                .col(integer(Roles::PersonId))
                .col(integer(Roles::BodyId))
                .col(string_len(Roles::Kind, 32))
                .col(date_null(Roles::DateFrom))
                .col(date_null(Roles::DateTo))
                .col(timestamp_with_time_zone(Roles::CreatedAt))
                .foreign_key(&mut fk(
                    Roles::Table,
                    Roles::PersonId,
                    People::Table,
                    People::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    Roles::Table,
                    Roles::BodyId,
                    Bodies::Table,
                    Bodies::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Topics::Table)
                .col(pk_auto(Topics::Id))
                .col(string_len_uniq(Topics::Slug, 64))
                .col(string_len(Topics::Name, 300))
                .col(string_len_null(Topics::NameFr, 300))
                .col(text_null(Topics::Description))
                .col(integer_null(Topics::ParentId))
                .col(boolean(Topics::ToConfirm).default(false))
                .col(timestamp_with_time_zone(Topics::CreatedAt))
                .col(timestamp_with_time_zone(Topics::UpdatedAt))
                .foreign_key(&mut fk(
                    Topics::Table,
                    Topics::ParentId,
                    Topics::Table,
                    Topics::Id,
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BodyTopics::Table)
                .col(integer(BodyTopics::BodyId))
                .col(integer(BodyTopics::TopicId))
                .primary_key(
                    Index::create()
                        .col(BodyTopics::BodyId)
                        .col(BodyTopics::TopicId),
                )
                .foreign_key(&mut fk(
                    BodyTopics::Table,
                    BodyTopics::BodyId,
                    Bodies::Table,
                    Bodies::Id,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    BodyTopics::Table,
                    BodyTopics::TopicId,
                    Topics::Table,
                    Topics::Id,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(pk_auto(ApiTokens::Id))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(string_len(ApiTokens::Role, 32))
                .col(string_len_null(ApiTokens::Organization, 32))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReferenceEntries::Table)
                .col(string_len(ReferenceEntries::Key, 200).primary_key())
                .col(timestamp_with_time_zone(ReferenceEntries::AppliedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Counters::Table)
                .col(string_len(Counters::Name, 64).primary_key())
                .col(big_integer(Counters::Value))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(Counters::Table)
                .columns([Counters::Name, Counters::Value])
                .values_panic(["registry_revision".into(), 0i64.into()])
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
