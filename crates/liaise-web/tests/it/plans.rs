//! The plan of every list query, read from the database itself (`EXPLAIN QUERY PLAN` on
//! SQLite, `EXPLAIN` on PostgreSQL with sequential scans priced out, so the plan shows a full
//! scan only where no index can serve): no list reads a whole content table, for any viewer,
//! filter or order. A later change that loses an index fails here.

use liaise_domain::{Role, Viewer};
use liaise_store::{
    Store,
    queries::{activities, audit, documents, liaisons, list::List, meetings},
    sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Order, Statement, TransactionTrait},
};
use liaise_testkit::{TestApp, backend_tests};

/// The tables whose size grows with the content (not the registry, a few hundred rows).
const CONTENT_TABLES: &[&str] = &[
    "liaisons",
    "liaison_sources",
    "liaison_topics",
    "liaison_organizations",
    "liaison_addressees",
    "activities",
    "activity_bodies",
    "activity_topics",
    "activity_organizations",
    "meetings",
    "meeting_bodies",
    "meeting_topics",
    "meeting_organizations",
    "documents",
    "document_bodies",
    "document_organizations",
    "proposals",
    "audit_log",
];

fn viewers() -> Vec<Viewer> {
    vec![
        Viewer::anonymous(),
        Viewer::new("member@example.org", Role::Member),
        Viewer::new(
            "itu@example.org",
            Role::Secretariat(liaise_domain::Code::parse("organization", "ITU").unwrap()),
        ),
        Viewer::new("admin", Role::Admin),
    ]
}

/// The plan lines of `stmt` that read a whole content table.
async fn full_scans(store: &Store, stmt: &Statement) -> Vec<String> {
    let c = store.conn();
    match c.get_database_backend() {
        DbBackend::Sqlite => {
            let explain = Statement::from_sql_and_values(
                DbBackend::Sqlite,
                format!("EXPLAIN QUERY PLAN {}", stmt.sql),
                stmt.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            let rows = c.query_all_raw(explain).await.expect("explain");
            rows.iter()
                .map(|r| r.try_get::<String>("", "detail").expect("detail"))
                .filter(|d| sqlite_full_scan(d))
                .collect()
        }
        _ => {
            let tx = c.begin().await.expect("begin");
            tx.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await
                .expect("set");
            let explain = Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!("EXPLAIN {}", stmt.sql),
                stmt.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            let rows = tx.query_all_raw(explain).await.expect("explain");
            tx.rollback().await.expect("rollback");
            rows.iter()
                .map(|r| r.try_get::<String>("", "QUERY PLAN").expect("plan"))
                .filter(|line| {
                    CONTENT_TABLES.iter().any(|t| {
                        line.contains(&format!("Seq Scan on {t} "))
                            || line.ends_with(&format!("Seq Scan on {t}"))
                    })
                })
                .collect()
        }
    }
}

/// `SCAN liaisons` (the table itself) but not `SCAN liaisons USING INDEX …` (an index walked
/// in order, stopped by the page's limit, or a covering index counted).
fn sqlite_full_scan(detail: &str) -> bool {
    let Some(rest) = detail.strip_prefix("SCAN ") else {
        return false;
    };
    let table = rest.split_whitespace().next().unwrap_or_default();
    CONTENT_TABLES.contains(&table) && !rest.contains(" USING ")
}

async fn check<E: EntityTrait>(
    store: &Store,
    what: &str,
    list: &List<E>,
    order: &[(E::Column, Order)],
    failures: &mut Vec<String>,
) where
    E::Model: Sync,
{
    let backend = store.conn().get_database_backend();
    for (stmt, offset) in list
        .statements(backend, order, 900, 50)
        .into_iter()
        .zip(["count", "page"])
    {
        for scan in full_scans(store, &stmt).await {
            failures.push(format!("{what} ({offset}): {scan}\n    {}", stmt.sql));
        }
    }
}

async fn every_list_query_uses_an_index(app: TestApp) {
    let store = Store::connect(app.db.url()).await.expect("connect");
    let mut failures = Vec::new();
    let today = time::OffsetDateTime::now_utc().date();
    for viewer in viewers() {
        let who = liaise_service::access_scope(&viewer);
        // Statements: each filter alone, a few together, every order.
        let filters = [
            liaisons::LiaisonFilter::default(),
            liaisons::LiaisonFilter {
                organization_id: Some(1),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                from_body_id: Some(3),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                to_body_id: Some(3),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                purpose: Some("action".into()),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                state: Some("sent".into()),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                topic_id: Some(2),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                year: Some(2024),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                awaiting: true,
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                overdue_on: Some(today),
                ..Default::default()
            },
            liaisons::LiaisonFilter {
                organization_id: Some(2),
                purpose: Some("comment".into()),
                year: Some(2025),
                ..Default::default()
            },
        ];
        for f in &filters {
            for sort in [
                None,
                Some(liaise_domain::liaison::LsSort::Oldest),
                Some(liaise_domain::liaison::LsSort::Title),
            ] {
                let f = liaisons::LiaisonFilter { sort, ..f.clone() };
                check(
                    &store,
                    &format!("statements {who} {f:?}"),
                    &liaisons::list_query(&viewer, &f),
                    &liaisons::order(sort),
                    &mut failures,
                )
                .await;
            }
        }
        // Documents.
        for f in [
            documents::DocumentFilter::default(),
            documents::DocumentFilter {
                kind: Some("contribution".into()),
                ..Default::default()
            },
            documents::DocumentFilter {
                body: Some("SG2".into()),
                ..Default::default()
            },
            documents::DocumentFilter {
                organization_id: Some(1),
                ..Default::default()
            },
            documents::DocumentFilter {
                year: Some(2024),
                ..Default::default()
            },
        ] {
            check(
                &store,
                &format!("documents {who} {f:?}"),
                &documents::list_query(&viewer, &f),
                &documents::ORDER,
                &mut failures,
            )
            .await;
        }
        // Proposals.
        for f in [
            documents::ProposalFilter::default(),
            documents::ProposalFilter {
                target: Some("11".into()),
                ..Default::default()
            },
            documents::ProposalFilter {
                status: Some("adopted".into()),
                ..Default::default()
            },
        ] {
            check(
                &store,
                &format!("proposals {who} {f:?}"),
                &documents::proposals_query(&viewer, &f),
                &documents::PROPOSAL_ORDER,
                &mut failures,
            )
            .await;
        }
        // Activities (also the lists of body and topic pages).
        for f in [
            activities::ActivityFilter::default(),
            activities::ActivityFilter {
                kind: Some("meeting".into()),
                ..Default::default()
            },
            activities::ActivityFilter {
                body_id: Some(3),
                ..Default::default()
            },
            activities::ActivityFilter {
                topic_id: Some(2),
                ..Default::default()
            },
            activities::ActivityFilter {
                organization_id: Some(1),
                ..Default::default()
            },
            activities::ActivityFilter {
                year: Some(2024),
                ..Default::default()
            },
        ] {
            check(
                &store,
                &format!("activities {who} {f:?}"),
                &activities::list_query(&viewer, &f),
                &activities::ORDER,
                &mut failures,
            )
            .await;
        }
        // Meetings (the list, calendars, body and topic pages), latest and soonest first.
        let day = |d: time::Date| d.midnight().assume_utc();
        for f in [
            meetings::MeetingFilter::default(),
            meetings::MeetingFilter {
                kind: Some("body-meeting".into()),
                ..Default::default()
            },
            meetings::MeetingFilter {
                state: Some("planned".into()),
                ..Default::default()
            },
            meetings::MeetingFilter {
                body_id: Some(3),
                ..Default::default()
            },
            meetings::MeetingFilter {
                topic_id: Some(2),
                ..Default::default()
            },
            meetings::MeetingFilter {
                organization_id: Some(1),
                ..Default::default()
            },
            meetings::MeetingFilter {
                from: Some(day(today)),
                before: today.next_day().map(day),
                ..Default::default()
            },
            meetings::MeetingFilter {
                body_id: Some(3),
                from: Some(day(today)),
                ..Default::default()
            },
        ] {
            for order in [&meetings::ORDER, &meetings::ORDER_ASC] {
                check(
                    &store,
                    &format!("meetings {who} {f:?}"),
                    &meetings::list_query(&viewer, &f),
                    order,
                    &mut failures,
                )
                .await;
            }
        }
    }
    // The audit log (administrators only).
    for f in [
        audit::AuditFilter::default(),
        audit::AuditFilter {
            entity: Some("liaison".into()),
            entity_key: Some("12".into()),
            ..Default::default()
        },
        audit::AuditFilter {
            entity: Some("liaison".into()),
            ..Default::default()
        },
        audit::AuditFilter {
            entity_key: Some("12".into()),
            ..Default::default()
        },
        audit::AuditFilter {
            actor: Some("admin".into()),
            ..Default::default()
        },
        audit::AuditFilter {
            action: Some("create".into()),
            ..Default::default()
        },
    ] {
        check(
            &store,
            &format!("audit {f:?}"),
            &audit::list_query(&f),
            &audit::ORDER,
            &mut failures,
        )
        .await;
    }
    store.close().await.expect("close");
    assert!(
        failures.is_empty(),
        "{} list queries read a whole content table on {:?}:\n{}",
        failures.len(),
        app.backend,
        failures.join("\n")
    );
}

/// The check itself catches a full scan: a filter on a column no index serves is reported.
async fn the_check_sees_a_full_scan(app: TestApp) {
    let store = Store::connect(app.db.url()).await.expect("connect");
    let list = liaisons::list_query(&Viewer::new("admin", Role::Admin), &Default::default())
        .filter(liaise_store::sea_orm::sea_query::Expr::cust(
            "contacts = 'x'",
        ));
    let mut failures = Vec::new();
    check(&store, "unindexed", &list, &[], &mut failures).await;
    store.close().await.expect("close");
    assert!(
        !failures.is_empty(),
        "a filter on an unindexed column without order must show a full scan ({:?})",
        app.backend
    );
}

backend_tests!(every_list_query_uses_an_index, the_check_sees_a_full_scan);
