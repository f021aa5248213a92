//! The statement list in memory answers exactly what the SQL list answers, for every viewer,
//! filter, order and page, and a write is in the next list its writer asks for.

use liaise_domain::{
    Code, Role, Viewer,
    liaison::{LiaisonFields, LiaisonInput, LsSort},
};
use liaise_service::liaisons::ImportRow;
use liaise_store::{
    Store,
    queries::{
        liaisons::{self as q, LiaisonFilter, Reader},
        list::Facts,
    },
};
use liaise_testkit::{TestApp, backend_tests, items};
use serde_json::json;
use time::{Date, Duration, Month};

/// A varied set of statements: every access level, drafts and sent ones, several sources,
/// addressees and topics, deadlines past and future, titles that sort apart from dates.
async fn varied(app: &TestApp, count: u32) {
    let snap = app.liaise.registry().await.unwrap();
    let bodies: Vec<String> = snap.bodies.iter().map(|b| b.code.clone()).collect();
    let topics: Vec<String> = snap.topics.iter().map(|t| t.slug.clone()).collect();
    let start = Date::from_calendar_date(2023, Month::March, 1).unwrap();
    let mut rows = Vec::new();
    for i in 0..count as usize {
        let n = |k: usize| (i * 7919 + k * 104_729) % 1009;
        let from = vec![bodies[n(1) % bodies.len()].clone()];
        let mut addressees = vec![(
            bodies[(n(2) + 1) % bodies.len()].clone(),
            ["action", "comment", "information"][n(3) % 3].to_owned(),
            None,
        )];
        if n(4) % 3 == 0 {
            addressees.push((
                bodies[(n(5) + 2) % bodies.len()].clone(),
                ["action", "comment"][n(6) % 2].to_owned(),
                None,
            ));
        }
        let date = start + Duration::days((n(7) % 900) as i64);
        for (k, a) in addressees.iter_mut().enumerate() {
            if a.1 != "information" {
                // Past deadlines make overdue rows, later ones open rows.
                a.2 = Some(date + Duration::days(20 + (n(8 + k) % 1500) as i64));
            }
        }
        let topic_list: Vec<String> = (0..(n(10) % 3))
            .map(|k| topics[(n(11) + k) % topics.len()].clone())
            .collect();
        let title = format!(
            "{} statement {i}",
            ["Zeta", "alpha", "Beta", "Études"][n(12) % 4]
        );
        let access = ["public", "members", "secretariat", "public"][n(13) % 4];
        let input = LiaisonInput::parse(&LiaisonFields {
            title: &title,
            date: Some(date),
            from: &from,
            addressees: &addressees,
            topics: &topic_list,
            access,
            ..Default::default()
        })
        .map_err(liaise_service::ServiceError::from);
        rows.push(ImportRow {
            line: i as u64 + 1,
            number: None,
            sent: n(14) % 5 != 0,
            received: Some(false),
            input,
        });
    }
    let report = app
        .liaise
        .import_liaisons(&Viewer::system(), rows, |_| {})
        .await
        .unwrap();
    assert_eq!(report.imported.len(), count as usize, "{report:?}");
}

fn filters(today: Date) -> Vec<LiaisonFilter> {
    let mut all = vec![
        LiaisonFilter::default(),
        LiaisonFilter {
            awaiting: true,
            ..Default::default()
        },
        LiaisonFilter {
            overdue_on: Some(today),
            ..Default::default()
        },
        LiaisonFilter {
            state: Some("draft".into()),
            ..Default::default()
        },
        LiaisonFilter {
            state: Some("sent".into()),
            year: Some(2024),
            ..Default::default()
        },
    ];
    for org in [1, 2] {
        all.push(LiaisonFilter {
            organization_id: Some(org),
            ..Default::default()
        });
    }
    for body in [1, 3, 5, 8, 13] {
        all.push(LiaisonFilter {
            from_body_id: Some(body),
            ..Default::default()
        });
        all.push(LiaisonFilter {
            to_body_id: Some(body),
            purpose: Some("action".into()),
            ..Default::default()
        });
    }
    for topic in [1, 2, 4] {
        all.push(LiaisonFilter {
            topic_id: Some(topic),
            year: Some(2025),
            ..Default::default()
        });
    }
    for purpose in ["action", "comment", "information"] {
        all.push(LiaisonFilter {
            organization_id: Some(2),
            purpose: Some(purpose.into()),
            ..Default::default()
        });
    }
    all
}

/// Links in one order, to compare.
fn sorted(mut l: q::Links) -> String {
    l.sources.sort_by_key(|s| (s.liaison_id, s.body_id));
    l.topics.sort_by_key(|t| (t.liaison_id, t.topic_id));
    l.organizations
        .sort_by_key(|o| (o.liaison_id, o.organization_id));
    l.addressees.sort_by_key(|a| a.id);
    format!(
        "{:?} {:?} {:?} {:?}",
        l.sources, l.topics, l.organizations, l.addressees
    )
}

async fn memory_list_answers_what_sql_answers(app: TestApp) {
    varied(&app, 240).await;
    let store = Store::connect(app.db.url()).await.unwrap();
    let c = store.conn();
    let facts = Facts::new(q::facts(c, None).await.unwrap(), &q::FACT_ORDERS);
    assert!(facts.len() > 240, "{}", facts.len());
    let snap = app.liaise.registry().await.unwrap();
    let itu = snap.organization("ITU").unwrap().id;
    let upu = snap.organization("UPU").unwrap().id;
    let readers = [
        (Viewer::anonymous(), Reader::Public),
        (Viewer::new("m", Role::Member), Reader::Member),
        (
            Viewer::new("i", Role::Secretariat(Code::parse("o", "ITU").unwrap())),
            Reader::Secretariat(Some(itu)),
        ),
        (
            Viewer::new("u", Role::Secretariat(Code::parse("o", "UPU").unwrap())),
            Reader::Secretariat(Some(upu)),
        ),
        (Viewer::new("a", Role::Admin), Reader::Admin),
    ];
    let today = time::OffsetDateTime::now_utc().date();
    let mut compared = 0;
    let mut nonempty = 0;
    for (viewer, reader) in &readers {
        for f in filters(today) {
            for sort in [None, Some(LsSort::Oldest), Some(LsSort::Title)] {
                let f = LiaisonFilter { sort, ..f.clone() };
                let list = q::list_query(viewer, &f);
                let total = list.count(c).await.unwrap();
                let (order, reverse) = q::fact_order(sort);
                for (offset, limit) in [(0, 20), (7, 5), (total.saturating_sub(3), 20)] {
                    let sql: Vec<i32> = list
                        .page(c, &q::order(sort), offset, limit)
                        .await
                        .unwrap()
                        .iter()
                        .map(|r| r.id)
                        .collect();
                    let memory =
                        facts.page(order, reverse, |_, s| s.admits(*reader, &f), offset, limit);
                    assert_eq!(
                        memory.clone(),
                        (total, sql),
                        "{viewer:?} {f:?} offset {offset} limit {limit}"
                    );
                    compared += 1;
                    // The links the page shows come from memory too: the same as read.
                    let mut memory_links = q::Links::default();
                    for id in &memory.1 {
                        facts.get_by_id(*id).unwrap().links_into(&mut memory_links);
                    }
                    let read = q::links(c, &memory.1).await.unwrap();
                    let rows: Vec<i32> =
                        q::by_ids(c, *reader, &memory.1, &memory_links.organizations)
                            .await
                            .unwrap()
                            .iter()
                            .map(|r| r.id)
                            .collect();
                    assert_eq!(rows, memory.1, "the rows of the page, read by id");
                    assert_eq!(sorted(memory_links), sorted(read), "{f:?}");
                }
                if total > 0 {
                    nonempty += 1;
                }
            }
        }
    }
    // Reading by id applies the access rule again: what the admin sees beyond the public
    // is dropped for the public.
    let (_, all, links) = {
        let (total, ids) = facts.page(0, false, |_, _| true, 0, 1000);
        let mut links = q::Links::default();
        for id in &ids {
            facts.get_by_id(*id).unwrap().links_into(&mut links);
        }
        (total, ids, links)
    };
    let public: Vec<i32> = q::by_ids(c, Reader::Public, &all, &links.organizations)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let expected: Vec<i32> = all
        .iter()
        .copied()
        .filter(|id| {
            facts
                .get_by_id(*id)
                .unwrap()
                .admits(Reader::Public, &LiaisonFilter::default())
        })
        .collect();
    assert!(public.len() < all.len());
    assert_eq!(public, expected);
    // The statements by direction (the top of the list page) from memory: as SQL counts them.
    app.get_json("/api/v1/liaisons").await;
    for _ in 0..200 {
        if app.liaise.statement_facts_len() > 240 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(app.liaise.statement_facts_len() > 240);
    for (viewer, _) in &readers {
        let code = |id: i32| snap.organization_by_id(id).unwrap().code.clone();
        let mut sql: Vec<(String, String, u64)> = q::directions(c, viewer)
            .await
            .unwrap()
            .into_iter()
            .map(|(f, t, n)| (code(f), code(t), n as u64))
            .collect();
        sql.sort();
        let memory = app.liaise.liaison_directions(viewer).await.unwrap();
        assert!(!sql.is_empty());
        assert_eq!(*memory, sql, "{viewer:?}");
    }
    // The filters find something, so the comparison is not between two empty lists.
    assert!(nonempty > compared / 6, "{nonempty} of {compared}");
}

async fn a_write_is_in_the_next_list(app: TestApp) {
    varied(&app, 30).await;
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    // The first list starts building the list in memory; wait until it is built.
    app.get_json("/api/v1/liaisons").await;
    for _ in 0..200 {
        if app.liaise.statement_facts_len() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(app.liaise.statement_facts_len() >= 30);
    let total = |v: &serde_json::Value| v["total"].as_u64().unwrap();
    let before = app
        .get_json_as("/api/v1/liaisons?organization=ITU&per_page=100", &itu)
        .await;
    // A draft: only its secretariats see it; then approved and sent: the public sees it.
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "Aardvark first by title", "from": ["TSAG"],
                    "addressees": [{"body": "POC", "purpose": "action", "deadline": "2025-12-15"}],
                    "access": "public", "date": "2025-12-01"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let id = ls["id"].as_i64().unwrap();
    let after = app
        .get_json_as("/api/v1/liaisons?organization=ITU&per_page=100", &itu)
        .await;
    assert_eq!(total(&after), total(&before) + 1);
    assert_eq!(items(&after)[0]["id"], id, "newest first");
    let public = app.get_json("/api/v1/liaisons?per_page=1").await;
    assert_ne!(items(&public)[0]["id"], id, "a draft is not public");
    for to in ["approved", "sent"] {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/liaisons/{id}/transitions"),
                &json!({"to": to}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let public = app.get_json("/api/v1/liaisons?sort=title&per_page=1").await;
    assert_eq!(items(&public)[0]["id"], id, "first by title once sent");
    let overdue = app
        .get_json("/api/v1/liaisons?overdue=true&per_page=100")
        .await;
    assert!(items(&overdue).iter().any(|l| l["id"] == id));
    // Still kept in memory, not rebuilt: the writes were this process's own.
    assert!(app.liaise.statement_facts_len() >= 31);
    // A write of another process (a second server on the same database) is seen by this one
    // within its check of revisions (a second), through the SQL list while it rebuilds.
    let other = TestApp::spawn_on(app.backend, app.db.clone()).await;
    let admin = other.admin_token().await;
    let (s, v) = other
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "Aa from another server", "from": ["TSAG"],
                    "addressees": [{"body": "POC", "purpose": "information"}],
                    "access": "public", "date": "2024-05-01"}),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let other_id = v["id"].as_i64().unwrap();
    for to in ["approved", "sent"] {
        let (s, v) = other
            .post_json(
                &format!("/api/v1/liaisons/{other_id}/transitions"),
                &json!({"to": to}),
                Some(&admin),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let public = app.get_json("/api/v1/liaisons?sort=title&per_page=1").await;
    assert_eq!(
        items(&public)[0]["id"],
        other_id,
        "another server's write is seen"
    );
    other.stop().await;
}

/// The remembered pages of documents and proposals are dropped by the writes that change them.
async fn document_and_proposal_lists_follow_writes(app: TestApp) {
    let admin = app.admin_token().await;
    let all = app.get_json_as("/api/v1/proposals", &admin).await;
    let proposal = items(&all)[0].clone();
    let ident = proposal["identifier"].as_str().unwrap().to_owned();
    let status = if proposal["status"] == "withdrawn" {
        "submitted"
    } else {
        "withdrawn"
    };
    let url = format!("/api/v1/proposals?status={status}");
    let before = app.get_json_as(&url, &admin).await["total"]
        .as_u64()
        .unwrap();
    // Asked twice: the second answer is the remembered one.
    assert_eq!(app.get_json_as(&url, &admin).await["total"], before);
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/proposals/{ident}"),
            &json!({ "status": status }),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        app.get_json_as(&url, &admin).await["total"],
        before + 1,
        "the status change is in the list"
    );
    let doc = proposal["document"].as_i64().unwrap();
    let docs = "/api/v1/documents?kind=other";
    let before = app.get_json_as(docs, &admin).await["total"]
        .as_u64()
        .unwrap();
    assert_eq!(app.get_json_as(docs, &admin).await["total"], before);
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/documents/{doc}"),
            &json!({ "kind": "other" }),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        app.get_json_as(docs, &admin).await["total"],
        before + 1,
        "the document's new kind is in the list"
    );
}

backend_tests!(
    memory_list_answers_what_sql_answers,
    a_write_is_in_the_next_list,
    document_and_proposal_lists_follow_writes
);
