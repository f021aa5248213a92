//! A liaison statement knows its direction: `received` is true for one recorded from another
//! organization's sender. liaise numbers only what its own users approve and send; a
//! received statement is known by its sender's own reference (`other_reference`).
//!
//! Statements recorded before this column existed were numbered in their source body's series
//! even when received, e.g. `POC-C1-LS1` for a statement the ITU secretariat recorded from a UPU
//! body. They are found from data that exists: the audit entry of their creation (`create` or
//! `import`) names its actor, a secretariat account (`users.email`) or a token
//! (`token:NAME` in `api_tokens`) of one organization; when that organization owns none of the
//! statement's source bodies, the statement was received. Such a statement is marked received
//! and its invented number is dropped in favour of the recorded reference; where no reference
//! was recorded, the number is kept (it is the only name its URL had, and it stays reserved in
//! its series). Statements created by administrators or the system stay as they were.

use sea_orm::{ConnectionTrait, sea_query::Expr};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Liaisons {
    Table,
    Id,
    Number,
    OtherReference,
    Received,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    Actor,
    Action,
    Entity,
    EntityKey,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Email,
    Role,
    Organization,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiTokens {
    Table,
    Name,
    Role,
    Organization,
}

#[derive(DeriveIden, Clone, Copy)]
enum LiaisonSources {
    Table,
    LiaisonId,
    BodyId,
}

#[derive(DeriveIden, Clone, Copy)]
enum BodyOrganizations {
    Table,
    BodyId,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    Id,
    Code,
}

/// The one organization whose secretariat `actor` (an audit entry's actor) acts for.
async fn organization_of(c: &impl ConnectionTrait, actor: &str) -> Result<Option<String>, DbErr> {
    let q = match actor.strip_prefix("token:") {
        Some(name) => Query::select()
            .distinct()
            .column(ApiTokens::Organization)
            .from(ApiTokens::Table)
            .and_where(Expr::col(ApiTokens::Name).eq(name))
            .and_where(Expr::col(ApiTokens::Role).eq("secretariat"))
            .to_owned(),
        None => Query::select()
            .column(Users::Organization)
            .from(Users::Table)
            .and_where(Expr::col(Users::Email).eq(actor))
            .and_where(Expr::col(Users::Role).eq("secretariat"))
            .to_owned(),
    };
    let orgs: Vec<Option<String>> = c
        .query_all(&q)
        .await?
        .into_iter()
        .map(|r| r.try_get::<Option<String>>("", "organization"))
        .collect::<Result<_, _>>()?;
    // Two tokens of one name for different organizations: the recorder is not known.
    Ok(match orgs.as_slice() {
        [Some(org)] => Some(org.clone()),
        _ => None,
    })
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Liaisons::Table)
                .add_column(boolean(Liaisons::Received).default(false))
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        let numbered = c
            .query_all(
                &Query::select()
                    .columns([Liaisons::Id, Liaisons::OtherReference])
                    .from(Liaisons::Table)
                    .and_where(Expr::col(Liaisons::Number).is_not_null())
                    .to_owned(),
            )
            .await?;
        for row in numbered {
            let id: i32 = row.try_get("", "id")?;
            let reference: Option<String> = row.try_get("", "other_reference")?;
            let created = c
                .query_one(
                    &Query::select()
                        .column(AuditLog::Actor)
                        .from(AuditLog::Table)
                        .and_where(Expr::col(AuditLog::Entity).eq("liaison"))
                        .and_where(Expr::col(AuditLog::EntityKey).eq(id.to_string()))
                        .and_where(Expr::col(AuditLog::Action).is_in(["create", "import"]))
                        .order_by(AuditLog::Id, Order::Asc)
                        .limit(1)
                        .to_owned(),
                )
                .await?;
            let Some(created) = created else { continue };
            let actor: String = created.try_get("", "actor")?;
            let Some(org) = organization_of(c, &actor).await? else {
                continue;
            };
            let source_orgs: Vec<String> = c
                .query_all(
                    &Query::select()
                        .column((Organizations::Table, Organizations::Code))
                        .from(LiaisonSources::Table)
                        .inner_join(
                            BodyOrganizations::Table,
                            Expr::col((BodyOrganizations::Table, BodyOrganizations::BodyId))
                                .equals((LiaisonSources::Table, LiaisonSources::BodyId)),
                        )
                        .inner_join(
                            Organizations::Table,
                            Expr::col((Organizations::Table, Organizations::Id)).equals((
                                BodyOrganizations::Table,
                                BodyOrganizations::OrganizationId,
                            )),
                        )
                        .and_where(
                            Expr::col((LiaisonSources::Table, LiaisonSources::LiaisonId)).eq(id),
                        )
                        .to_owned(),
                )
                .await?
                .into_iter()
                .map(|r| r.try_get::<String>("", "code"))
                .collect::<Result<_, _>>()?;
            if source_orgs.is_empty() || source_orgs.contains(&org) {
                continue;
            }
            let mut update = Query::update();
            update
                .table(Liaisons::Table)
                .value(Liaisons::Received, true)
                .and_where(Expr::col(Liaisons::Id).eq(id));
            if reference.as_deref().is_some_and(|r| !r.trim().is_empty()) {
                update.value(Liaisons::Number, Expr::value(Option::<String>::None));
            }
            c.execute(&update).await?;
        }
        Ok(())
    }
}
