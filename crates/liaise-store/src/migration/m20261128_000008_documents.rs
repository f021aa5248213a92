//! Documents with their versions (files kept by SHA-256, extracted text), resolutions kept by
//! structure (one row per resolution and assembly, sections as ordered JSON), and amendment
//! proposals with their proposed sections.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Documents {
    Table,
    Id,
    Number,
    Title,
    Kind,
    Source,
    Bodies,
    Meeting,
    Date,
    Language,
    Topics,
    Access,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DocumentOrganizations {
    Table,
    DocumentId,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum DocumentVersions {
    Table,
    Id,
    DocumentId,
    Version,
    Sha256,
    Size,
    ContentType,
    FileName,
    Text,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Resolutions {
    Table,
    Id,
    Number,
    VersionKey,
    Assembly,
    Year,
    Title,
    History,
    Sections,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Proposals {
    Table,
    Id,
    Identifier,
    Action,
    Source,
    TargetNumber,
    BaseVersion,
    Title,
    Sections,
    Topics,
    Reasons,
    AbstractText,
    Status,
    DocumentId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
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
                .table(Documents::Table)
                .col(pk_auto(Documents::Id))
                .col(string_len(Documents::Number, 100).unique_key())
                .col(string_len(Documents::Title, 500))
                .col(string_len(Documents::Kind, 32))
                .col(string_len_null(Documents::Source, 300))
                .col(text(Documents::Bodies))
                .col(string_len_null(Documents::Meeting, 200))
                .col(date_null(Documents::Date))
                .col(string_len(Documents::Language, 8))
                .col(text(Documents::Topics))
                .col(string_len(Documents::Access, 16))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .col(timestamp_with_time_zone(Documents::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentOrganizations::Table)
                .col(integer(DocumentOrganizations::DocumentId))
                .col(integer(DocumentOrganizations::OrganizationId))
                .primary_key(
                    Index::create()
                        .col(DocumentOrganizations::DocumentId)
                        .col(DocumentOrganizations::OrganizationId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            DocumentOrganizations::Table,
                            DocumentOrganizations::DocumentId,
                        )
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            DocumentOrganizations::Table,
                            DocumentOrganizations::OrganizationId,
                        )
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentVersions::Table)
                .col(pk_auto(DocumentVersions::Id))
                .col(integer(DocumentVersions::DocumentId))
                .col(integer(DocumentVersions::Version))
                .col(string_len(DocumentVersions::Sha256, 64))
                .col(big_integer(DocumentVersions::Size))
                .col(string_len(DocumentVersions::ContentType, 100))
                .col(string_len(DocumentVersions::FileName, 255))
                .col(text(DocumentVersions::Text))
                .col(string_len(DocumentVersions::CreatedBy, 200))
                .col(timestamp_with_time_zone(DocumentVersions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(DocumentVersions::Table, DocumentVersions::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("document_versions_document_version")
                .table(DocumentVersions::Table)
                .col(DocumentVersions::DocumentId)
                .col(DocumentVersions::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Resolutions::Table)
                .col(pk_auto(Resolutions::Id))
                .col(string_len(Resolutions::Number, 32))
                .col(string_len(Resolutions::VersionKey, 64))
                .col(string_len(Resolutions::Assembly, 100))
                .col(integer(Resolutions::Year))
                .col(text(Resolutions::Title))
                .col(text_null(Resolutions::History))
                .col(text(Resolutions::Sections))
                .col(timestamp_with_time_zone(Resolutions::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("resolutions_number_version")
                .table(Resolutions::Table)
                .col(Resolutions::Number)
                .col(Resolutions::VersionKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Proposals::Table)
                .col(pk_auto(Proposals::Id))
                .col(string_len(Proposals::Identifier, 64).unique_key())
                .col(string_len(Proposals::Action, 8))
                .col(string_len(Proposals::Source, 300))
                .col(string_len_null(Proposals::TargetNumber, 32))
                .col(string_len_null(Proposals::BaseVersion, 64))
                .col(text_null(Proposals::Title))
                .col(text(Proposals::Sections))
                .col(text(Proposals::Topics))
                .col(text_null(Proposals::Reasons))
                .col(text_null(Proposals::AbstractText))
                .col(string_len(Proposals::Status, 32))
                .col(integer(Proposals::DocumentId))
                .col(timestamp_with_time_zone(Proposals::CreatedAt))
                .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Proposals::Table, Proposals::DocumentId)
                        .to(Documents::Table, Documents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("proposals_target")
                .table(Proposals::Table)
                .col(Proposals::TargetNumber)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
