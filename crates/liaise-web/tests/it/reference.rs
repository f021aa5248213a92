//! The reference data of ITU-T and UPU, as a new user sees it.

use liaise_testkit::{TestApp, backend_tests, field_values, items};
use serde_json::Value;

backend_tests!(
    organizations_are_itu_and_upu,
    upu_bodies_with_their_parents,
    topics_name_their_bodies,
    matrix_pairs_bodies_on_shared_topics,
    a_second_server_sees_writes_and_restart_changes_nothing,
    the_tsag_statement_to_upu_is_the_first_entry,
);

async fn the_tsag_statement_to_upu_is_the_first_entry(app: TestApp) {
    let list = app.get_json("/api/v1/liaisons").await;
    assert_eq!(list["total"], 1, "{list}");
    let ls = &list["items"][0];
    assert_eq!(ls["from"], serde_json::json!(["TSAG"]));
    assert_eq!(
        field_values(ls["addressees"].as_array().unwrap(), "body"),
        ["POC", "IB"]
    );
    for row in ls["addressees"].as_array().unwrap() {
        assert_eq!(row["purpose"], "action");
        assert_eq!(row["deadline"], "2024-10-14");
        assert_eq!(
            row["reply_state"],
            Value::Null,
            "whether it was answered is not known: the row awaits nothing"
        );
    }
    assert_eq!(ls["date"], "2023-06-02");
    assert_eq!(ls["state"], "sent");
    assert_eq!(
        ls["number"],
        Value::Null,
        "TSAG's own LS number is not known"
    );
    assert_eq!(ls["other_reference"], "TSAG-TD281");
    assert_eq!(ls["meeting"], "TSAG meeting, June 2023");
    assert_eq!(ls["access"], "public");
    assert_eq!(ls["to_confirm"], true);
    assert_eq!(
        ls["topics"],
        serde_json::json!([]),
        "the fact names no topic"
    );
    assert!(ls["summary"].as_str().unwrap().contains("WTSA-24"));
    assert_eq!(ls["organizations"], serde_json::json!(["ITU", "UPU"]));
    let id = ls["id"].as_i64().unwrap();
    let (s, page) = app.page(&format!("/liaisons/{id}")).await;
    assert_eq!(s, 200);
    assert!(page.contains("to be confirmed"), "{page}");
    assert!(page.contains("TSAG-TD281"));
    // Not also an activity.
    let acts = app.get_json("/api/v1/activities?per_page=500").await;
    assert!(!acts.to_string().contains("WTSA-24 (Resolution 11)"));

    assert_eq!(ls["overdue"], false);
    assert_eq!(
        app.get_json("/api/v1/liaisons?awaiting=true").await["total"],
        0
    );

    // Loaded once by its key: a restart adds nothing and changes nothing.
    let second = TestApp::spawn_on(app.backend, app.db.clone()).await;
    let again = second.get_json("/api/v1/liaisons").await;
    assert_eq!(again["total"], 1, "{again}");
    assert_eq!(again["items"][0]["id"], ls["id"]);
    assert_eq!(again["items"][0]["updated_at"], ls["updated_at"]);
    second.stop().await;
}

async fn organizations_are_itu_and_upu(app: TestApp) {
    let orgs = app.get_json("/api/v1/organizations").await;
    let orgs = orgs.as_array().expect("a JSON array");
    assert_eq!(field_values(orgs, "code"), ["ITU", "UPU"]);
    assert_eq!(orgs[1]["name"], "Universal Postal Union");
    assert_eq!(orgs[1]["name_fr"], "Union postale universelle");
}

async fn upu_bodies_with_their_parents(app: TestApp) {
    let page = app
        .get_json("/api/v1/bodies?organization=UPU&per_page=500")
        .await;
    let bodies = items(&page);
    let codes = field_values(bodies, "code");
    for code in [
        "CONGRESS", "CA", "POC", "IB", "POC-C1", "POC-C4", "SB", "PSG", "PTC", "IB-FSI",
    ] {
        assert!(
            codes.contains(&code.to_owned()),
            "{code} missing from {codes:?}"
        );
    }
    assert!(
        !codes.contains(&"SG12".to_owned()),
        "an ITU body in the UPU list"
    );
    let by_code = |c: &str| bodies.iter().find(|b| b["code"] == c).unwrap().clone();
    assert_eq!(by_code("POC-C1")["parent"], "POC");
    assert_eq!(by_code("POC")["parent"], Value::Null);
    assert_eq!(by_code("IB-FSI")["parent"], "IB-PRM");
    assert_eq!(by_code("POC-C1")["kind"], "committee");
    assert_eq!(by_code("POC-C1")["organization"], "UPU");
    assert_eq!(by_code("POC-C4")["to_confirm"], true);
    assert_eq!(by_code("POC-C1")["to_confirm"], false);
    assert_eq!(page["total"].as_u64().unwrap() as usize, bodies.len());

    let itu = app
        .get_json("/api/v1/bodies?organization=ITU&per_page=500")
        .await;
    let itu_codes = field_values(items(&itu), "code");
    for code in [
        "ITU-T",
        "TSAG",
        "TSB",
        "WTSA",
        "SG2",
        "SG3",
        "SG5",
        "SG11",
        "SG12",
        "SG13",
        "SG15",
        "SG17",
        "SG20",
        "SG21",
        "FG-DFS",
        "FG-AI4NDM",
    ] {
        assert!(itu_codes.contains(&code.to_owned()), "{code} missing");
    }
    let sgs = app
        .get_json("/api/v1/bodies?organization=ITU&kind=study-group")
        .await;
    assert_eq!(items(&sgs).len(), 10, "the ten study groups of 2025-2028");

    let sg12 = app.get_json("/api/v1/bodies/sg12").await;
    assert_eq!(sg12["code"], "SG12");
    assert_eq!(sg12["parent"], "ITU-T");
    assert_eq!(sg12["period"], "2025-2028");
    assert_eq!(sg12["topics"], serde_json::json!(["qos", "qoe"]));
}

async fn topics_name_their_bodies(app: TestApp) {
    let page = app.get_json("/api/v1/topics?per_page=100").await;
    let topics = items(&page);
    let slugs = field_values(topics, "slug");
    for s in [
        "qos",
        "qoe",
        "ict-economics-policy",
        "environment-circular-economy",
        "e-services-security",
        "dfs",
        "mobile-payment-costs",
        "financial-inclusion",
        "smart-cities",
        "ai",
        "blockchain",
        "metaverse",
        "disaster-risk-management",
    ] {
        assert!(slugs.contains(&s.to_owned()), "{s} missing");
    }
    let dfs = topics.iter().find(|t| t["slug"] == "dfs").unwrap();
    let bodies: Vec<&str> = dfs["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["SG3", "SG17", "FG-DFS", "POC-C4", "IB-FSI"]);
    assert_eq!(dfs["parent"], Value::Null);
    let sub = topics
        .iter()
        .find(|t| t["slug"] == "mobile-payment-costs")
        .unwrap();
    assert_eq!(sub["parent"], "dfs");
    let children = app.get_json("/api/v1/topics?parent=dfs").await;
    assert_eq!(
        field_values(items(&children), "slug"),
        ["mobile-payment-costs", "financial-inclusion"]
    );
    let upu_topics = app
        .get_json("/api/v1/topics?organization=UPU&per_page=100")
        .await;
    assert_eq!(upu_topics["total"], 13, "every topic has a UPU body");
}

async fn matrix_pairs_bodies_on_shared_topics(app: TestApp) {
    let m = app.get_json("/api/v1/matrix").await;
    assert_eq!(m["rows"]["organization"], "ITU");
    assert_eq!(m["columns"]["organization"], "UPU");
    let cell = |r: &str, c: &str| -> Vec<String> {
        m["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["row"] == r && x["column"] == c)
            .map(|x| {
                x["topics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(cell("SG12", "POC-C1"), ["qos"]);
    assert_eq!(cell("SG12", "POC-C2"), ["qoe"]);
    assert_eq!(cell("SG3", "POC-C4"), ["dfs", "mobile-payment-costs"]);
    assert_eq!(cell("SG21", "POC-C3"), ["blockchain", "metaverse"]);
    assert!(cell("SG12", "POC-C4").is_empty());
    // Every listed row has at least one cell.
    for r in m["rows"]["bodies"].as_array().unwrap() {
        assert!(
            m["cells"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| &c["row"] == r),
            "{r} has no cell"
        );
    }
    let flipped = app.get_json("/api/v1/matrix?rows=UPU&columns=ITU").await;
    assert_eq!(flipped["rows"]["organization"], "UPU");
    let r = app.get("/api/v1/matrix?rows=XYZ").await;
    assert_eq!(r.status(), 404);
}

async fn a_second_server_sees_writes_and_restart_changes_nothing(app: TestApp) {
    let token = app.admin_token().await;
    let before = app.get_json("/api/v1/bodies?per_page=500").await["total"]
        .as_u64()
        .unwrap();
    // A user edits a reference entry: a restart must not undo it.
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/SG12",
            &serde_json::json!({"name": "Quality (edited)"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 200);
    let second = TestApp::spawn_on(app.backend, app.db.clone()).await;
    assert_eq!(
        second.get_json("/api/v1/bodies/SG12").await["name"],
        "Quality (edited)"
    );
    let after = second.get_json("/api/v1/bodies?per_page=500").await["total"]
        .as_u64()
        .unwrap();
    assert_eq!(before, after, "the restart added or removed bodies");
    let topics = second.get_json("/api/v1/topics/qos").await;
    assert_eq!(
        topics["bodies"],
        serde_json::json!(["SG12", "POC-C1"]),
        "links duplicated or lost"
    );

    // A write on the second server reaches the first within its refresh interval.
    let (s, _) = second
        .post_json(
            "/api/v1/topics",
            &serde_json::json!({"slug": "postal-iot", "name": "Postal IoT"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201);
    let mut seen = false;
    for _ in 0..30 {
        if app.get("/api/v1/topics/postal-iot").await.status() == 200 {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen, "the first server never saw the second's write");
    second.stop().await;
}
