//! Activities: dated records of the collaboration (decisions, agreements, initiatives, joint
//! events, notes), each with an access level, its bodies and topics, and owning organizations.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    Kind,
    Title,
    Summary,
    Date,
    Access,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityBodies {
    Table,
    ActivityId,
    BodyId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityTopics {
    Table,
    ActivityId,
    TopicId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ActivityOrganizations {
    Table,
    ActivityId,
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

fn link_table<
    T: IntoIden + Copy + 'static,
    A: IntoIden + Copy + 'static,
    B: IntoIden + Copy + 'static,
>(
    table: T,
    activity: A,
    other: B,
    other_table: impl IntoIden + 'static,
    other_id: impl IntoIden + 'static,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(integer(activity))
        .col(integer(other))
        .primary_key(Index::create().col(activity).col(other))
        .foreign_key(
            ForeignKey::create()
                .from(table, activity)
                .to(Activities::Table, Activities::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(table, other)
                .to(other_table, other_id)
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
                .table(Activities::Table)
                .col(pk_auto(Activities::Id))
                .col(string_len(Activities::Kind, 32))
                .col(string_len(Activities::Title, 300))
                .col(text_null(Activities::Summary))
                .col(date_null(Activities::Date))
                .col(string_len(Activities::Access, 16))
                .col(timestamp_with_time_zone(Activities::CreatedAt))
                .col(timestamp_with_time_zone(Activities::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activities_access")
                .table(Activities::Table)
                .col(Activities::Access)
                .to_owned(),
        )
        .await?;
        m.create_table(link_table(
            ActivityBodies::Table,
            ActivityBodies::ActivityId,
            ActivityBodies::BodyId,
            Bodies::Table,
            Bodies::Id,
        ))
        .await?;
        m.create_table(link_table(
            ActivityTopics::Table,
            ActivityTopics::ActivityId,
            ActivityTopics::TopicId,
            Topics::Table,
            Topics::Id,
        ))
        .await?;
        m.create_table(link_table(
            ActivityOrganizations::Table,
            ActivityOrganizations::ActivityId,
            ActivityOrganizations::OrganizationId,
            Organizations::Table,
            Organizations::Id,
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("activity_organizations_org")
                .table(ActivityOrganizations::Table)
                .col(ActivityOrganizations::OrganizationId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
