//! Meetings: the meeting itself (instants in UTC with the zone it is held in, an iCalendar
//! UID and SEQUENCE), its bodies, topics and owning organizations (like statements), its
//! agenda (ordered items nested one level, each with a `number` label given once so that
//! reordering never renumbers what the minutes cite, linked documents and statements) and
//! its minutes (every revision kept).
//!
//! Participants and actions (the next slice) will hang off `meetings.id` and
//! `meeting_agenda_items.id`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    Uid,
    Kind,
    State,
    Title,
    Number,
    Summary,
    ToConfirm,
    StartsAt,
    EndsAt,
    AllDay,
    TimeZone,
    Place,
    OnlineLink,
    OnlineAccess,
    Access,
    Sequence,
    ActivityId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingBodies {
    Table,
    MeetingId,
    BodyId,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingTopics {
    Table,
    MeetingId,
    TopicId,
}

#[derive(DeriveIden, Clone, Copy)]
enum MeetingOrganizations {
    Table,
    MeetingId,
    OrganizationId,
}

#[derive(DeriveIden)]
enum MeetingAgendaItems {
    Table,
    Id,
    MeetingId,
    ParentId,
    Position,
    Number,
    Title,
    PresenterId,
    StartsAt,
    EndsAt,
    Outcome,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgendaItemDocuments {
    Table,
    ItemId,
    DocumentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgendaItemLiaisons {
    Table,
    ItemId,
    LiaisonId,
}

#[derive(DeriveIden)]
enum MeetingMinutes {
    Table,
    Id,
    MeetingId,
    Revision,
    Text,
    Author,
    At,
    Approved,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
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

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Liaisons {
    Table,
    Id,
}

/// A link table (`item`, `other`) with its primary key, both foreign keys (cascading) and
/// the `(other, item)` index that answers "items linked to X".
fn link_table<T, A, B>(
    table: T,
    (item, item_table, item_id): (A, impl IntoIden + 'static, impl IntoIden + 'static),
    (other, other_table, other_id): (B, impl IntoIden + 'static, impl IntoIden + 'static),
) -> TableCreateStatement
where
    T: IntoIden + Copy + 'static,
    A: IntoIden + Copy + 'static,
    B: IntoIden + Copy + 'static,
{
    Table::create()
        .table(table)
        .col(integer(item))
        .col(integer(other))
        .primary_key(Index::create().col(item).col(other))
        .foreign_key(
            ForeignKey::create()
                .from(table, item)
                .to(item_table, item_id)
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

fn index(name: &str, table: impl IntoIden + 'static, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Meetings::Table)
                .col(pk_auto(Meetings::Id))
                .col(string_len_uniq(Meetings::Uid, 255))
                .col(string_len(Meetings::Kind, 32))
                .col(string_len(Meetings::State, 16))
                .col(string_len(Meetings::Title, 300))
                .col(string_len_null(Meetings::Number, 60))
                .col(text_null(Meetings::Summary))
                .col(boolean(Meetings::ToConfirm).default(false))
                .col(timestamp_with_time_zone(Meetings::StartsAt))
                .col(timestamp_with_time_zone(Meetings::EndsAt))
                .col(boolean(Meetings::AllDay))
                .col(string_len(Meetings::TimeZone, 64))
                .col(string_len_null(Meetings::Place, 300))
                .col(string_len_null(Meetings::OnlineLink, 2000))
                .col(string_len(Meetings::OnlineAccess, 16))
                .col(string_len(Meetings::Access, 16))
                .col(integer(Meetings::Sequence).default(0))
                .col(integer_null(Meetings::ActivityId))
                .col(timestamp_with_time_zone(Meetings::CreatedAt))
                .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("meetings_starts", &["starts_at", "id"][..]),
            ("meetings_kind", &["kind", "starts_at"][..]),
            ("meetings_state", &["state", "starts_at"][..]),
            ("meetings_access", &["access"][..]),
            ("meetings_activity", &["activity_id"][..]),
        ] {
            m.create_index(index(name, Meetings::Table, cols)).await?;
        }
        m.create_table(link_table(
            MeetingBodies::Table,
            (MeetingBodies::MeetingId, Meetings::Table, Meetings::Id),
            (MeetingBodies::BodyId, Bodies::Table, Bodies::Id),
        ))
        .await?;
        m.create_table(link_table(
            MeetingTopics::Table,
            (MeetingTopics::MeetingId, Meetings::Table, Meetings::Id),
            (MeetingTopics::TopicId, Topics::Table, Topics::Id),
        ))
        .await?;
        m.create_table(link_table(
            MeetingOrganizations::Table,
            (
                MeetingOrganizations::MeetingId,
                Meetings::Table,
                Meetings::Id,
            ),
            (
                MeetingOrganizations::OrganizationId,
                Organizations::Table,
                Organizations::Id,
            ),
        ))
        .await?;
        m.create_index(index(
            "meeting_bodies_body",
            MeetingBodies::Table,
            &["body_id", "meeting_id"],
        ))
        .await?;
        m.create_index(index(
            "meeting_topics_topic",
            MeetingTopics::Table,
            &["topic_id", "meeting_id"],
        ))
        .await?;
        m.create_index(index(
            "meeting_organizations_org",
            MeetingOrganizations::Table,
            &["organization_id", "meeting_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(MeetingAgendaItems::Table)
                .col(pk_auto(MeetingAgendaItems::Id))
                .col(integer(MeetingAgendaItems::MeetingId))
                .col(integer_null(MeetingAgendaItems::ParentId))
                .col(integer(MeetingAgendaItems::Position))
                .col(string_len(MeetingAgendaItems::Number, 16))
                .col(string_len(MeetingAgendaItems::Title, 300))
                .col(integer_null(MeetingAgendaItems::PresenterId))
                .col(timestamp_with_time_zone_null(MeetingAgendaItems::StartsAt))
                .col(timestamp_with_time_zone_null(MeetingAgendaItems::EndsAt))
                .col(text_null(MeetingAgendaItems::Outcome))
                .col(timestamp_with_time_zone(MeetingAgendaItems::CreatedAt))
                .col(timestamp_with_time_zone(MeetingAgendaItems::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingAgendaItems::Table, MeetingAgendaItems::MeetingId)
                        .to(Meetings::Table, Meetings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingAgendaItems::Table, MeetingAgendaItems::ParentId)
                        .to(MeetingAgendaItems::Table, MeetingAgendaItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingAgendaItems::Table, MeetingAgendaItems::PresenterId)
                        .to(People::Table, People::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_agenda_items_number")
                .table(MeetingAgendaItems::Table)
                .col(MeetingAgendaItems::MeetingId)
                .col(MeetingAgendaItems::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "meeting_agenda_items_position",
            MeetingAgendaItems::Table,
            &["meeting_id", "position"],
        ))
        .await?;
        m.create_table(link_table(
            AgendaItemDocuments::Table,
            (
                AgendaItemDocuments::ItemId,
                MeetingAgendaItems::Table,
                MeetingAgendaItems::Id,
            ),
            (
                AgendaItemDocuments::DocumentId,
                Documents::Table,
                Documents::Id,
            ),
        ))
        .await?;
        m.create_table(link_table(
            AgendaItemLiaisons::Table,
            (
                AgendaItemLiaisons::ItemId,
                MeetingAgendaItems::Table,
                MeetingAgendaItems::Id,
            ),
            (AgendaItemLiaisons::LiaisonId, Liaisons::Table, Liaisons::Id),
        ))
        .await?;
        m.create_index(index(
            "agenda_item_documents_document",
            AgendaItemDocuments::Table,
            &["document_id", "item_id"],
        ))
        .await?;
        m.create_index(index(
            "agenda_item_liaisons_liaison",
            AgendaItemLiaisons::Table,
            &["liaison_id", "item_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(MeetingMinutes::Table)
                .col(pk_auto(MeetingMinutes::Id))
                .col(integer(MeetingMinutes::MeetingId))
                .col(integer(MeetingMinutes::Revision))
                .col(text(MeetingMinutes::Text))
                .col(string_len(MeetingMinutes::Author, 255))
                .col(timestamp_with_time_zone(MeetingMinutes::At))
                .col(boolean(MeetingMinutes::Approved))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingMinutes::Table, MeetingMinutes::MeetingId)
                        .to(Meetings::Table, Meetings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("meeting_minutes_revision")
                .table(MeetingMinutes::Table)
                .col(MeetingMinutes::MeetingId)
                .col(MeetingMinutes::Revision)
                .unique()
                .to_owned(),
        )
        .await?;

        m.get_connection()
            .execute(
                &Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic(["meetings_revision".into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
