//! Several secretariat officers at once: concurrent writers of each kind never see a 500 or
//! a spurious 409, numbers stay unique and gapless in their series, and nothing is lost.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, json, reqwest};
use serde_json::Value;
use tokio::task::JoinSet;

backend_tests!(concurrent_writers_of_every_kind_all_succeed);

const WRITERS: usize = 8;

/// Sends `WRITERS` requests at once (built by `make`); answers their statuses and bodies in
/// the order they were made.
async fn all_at_once(
    app: &TestApp,
    make: impl Fn(usize, &reqwest::Client) -> reqwest::RequestBuilder,
) -> Vec<(u16, Value)> {
    many_at_once(app, WRITERS, make).await
}

async fn many_at_once(
    app: &TestApp,
    count: usize,
    make: impl Fn(usize, &reqwest::Client) -> reqwest::RequestBuilder,
) -> Vec<(u16, Value)> {
    let mut set = JoinSet::new();
    for n in 0..count {
        let req = make(n, &app.client);
        set.spawn(async move {
            let r = req.send().await.expect("request");
            let status = r.status().as_u16();
            let body = r.json::<Value>().await.unwrap_or(Value::Null);
            (n, status, body)
        });
    }
    let mut out = vec![(0, Value::Null); count];
    while let Some(done) = set.join_next().await {
        let (n, s, v) = done.expect("task");
        out[n] = (s, v);
    }
    out
}

fn assert_all(answers: &[(u16, Value)], status: u16, what: &str) {
    for (s, v) in answers {
        assert_eq!(*s, status, "{what}: {v}");
    }
}

async fn concurrent_writers_of_every_kind_all_succeed(app: TestApp) {
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let admin = app.admin_token().await;
    // Statements recorded as sent in one series, many at once: numbered TSAG-LS1 … without
    // a gap or a duplicate.
    const SENT: usize = 4 * WRITERS;
    let url = app.url("/api/v1/liaisons");
    let answers = many_at_once(&app, SENT, |n, c| {
        c.post(&url).bearer_auth(&itu).json(&json!({
            "title": format!("Concurrent statement {n}"), "from": ["TSAG"],
            "addressees": [{"body": "POC", "purpose": "information"}],
            "date": "2026-03-01", "state": "sent", "access": "public"}))
    })
    .await;
    assert_all(&answers, 201, "recording as sent");
    let mut numbers: Vec<String> = answers
        .iter()
        .map(|(_, v)| v["number"].as_str().unwrap_or_default().to_owned())
        .collect();
    numbers.sort_by_key(|n| n.trim_start_matches("TSAG-LS").parse::<u32>().unwrap_or(0));
    let want: Vec<String> = (1..=SENT).map(|n| format!("TSAG-LS{n}")).collect();
    assert_eq!(numbers, want, "unique and gapless");
    // Statements received from the other organization, recorded at once: each keeps its
    // sender's reference, and none takes a number of the sender's series.
    let answers = all_at_once(&app, |n, c| {
        c.post(&url).bearer_auth(&itu).json(&json!({
            "title": format!("Received statement {n}"), "from": ["POC-C1"],
            "addressees": [{"body": "TSAG", "purpose": "information"}],
            "date": "2026-03-01", "state": "sent", "access": "public",
            "other_reference": format!("POC C1 2026.1-Doc {n}")}))
    })
    .await;
    assert_all(&answers, 201, "recording received statements");
    for (n, (_, v)) in answers.iter().enumerate() {
        assert_eq!(v["number"], format!("POC C1 2026.1-Doc {n}"), "{v}");
    }
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "UPU's own", "from": ["POC-C1"],
                    "addressees": [{"body": "TSAG", "purpose": "information"}],
                    "date": "2026-03-03", "state": "sent", "access": "public"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["number"], "POC-C1-LS1", "the sender's series is its own");
    // Approvals of drafts of one series, at once.
    let mut drafts = Vec::new();
    for n in 0..WRITERS {
        let (s, v) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": format!("Draft {n}"), "from": ["SG2"],
                        "addressees": [{"body": "POC", "purpose": "information"}],
                        "date": "2026-03-02", "access": "public"}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        drafts.push(v["id"].as_i64().unwrap());
    }
    let base = app.url("/api/v1/liaisons");
    let answers = all_at_once(&app, |n, c| {
        c.post(format!("{base}/{}/transitions", drafts[n]))
            .bearer_auth(&itu)
            .json(&json!({"to": "approved"}))
    })
    .await;
    assert_all(&answers, 200, "approving");
    let mut numbers: Vec<String> = answers
        .iter()
        .map(|(_, v)| v["number"].as_str().unwrap_or_default().to_owned())
        .collect();
    numbers.sort_by_key(|n| n.trim_start_matches("SG2-LS").parse::<u32>().unwrap_or(0));
    let want: Vec<String> = (1..=WRITERS).map(|n| format!("SG2-LS{n}")).collect();
    assert_eq!(numbers, want, "approvals number uniquely and without gaps");
    // Registry edits of one body, at once: each succeeds, the last one written stays.
    let url = app.url("/api/v1/bodies/SG2");
    let answers = all_at_once(&app, |n, c| {
        c.patch(&url)
            .bearer_auth(&itu)
            .json(&json!({"mandate": format!("Mandate version {n}")}))
    })
    .await;
    assert_all(&answers, 200, "editing a body");
    // Topics with different slugs, at once.
    let url = app.url("/api/v1/topics");
    let answers = all_at_once(&app, |n, c| {
        c.post(&url).bearer_auth(&admin).json(
            &json!({"slug": format!("concurrent-{n}"), "name": format!("Concurrent topic {n}")}),
        )
    })
    .await;
    assert_all(&answers, 201, "creating topics");
    let topics = app.get_json("/api/v1/topics?per_page=500").await;
    let made = topics["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["slug"].as_str().unwrap_or("").starts_with("concurrent-"))
        .count();
    assert_eq!(made, WRITERS, "every topic is there");
    // People, at once.
    let url = app.url("/api/v1/people");
    let answers = all_at_once(&app, |n, c| {
        c.post(&url)
            .bearer_auth(&itu)
            .json(&json!({"name": format!("Concurrent Person {n}"), "organization": "ITU"}))
    })
    .await;
    assert_all(&answers, 201, "recording people");
    // Imports of different contributions, at once.
    let seed = include_str!("../../../liaise-import/tests/fixtures/seed-ATU-35A3-1.txt");
    let url = app.url("/api/v1/imports");
    let answers = all_at_once(&app, |n, c| {
        let text = seed.replace("ATU/35A3/1", &format!("EUR/{}/1", 60 + n));
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(text.into_bytes()).file_name(format!("eur-{n}.txt")),
        );
        c.post(&url).bearer_auth(&itu).multipart(form)
    })
    .await;
    assert_all(&answers, 201, "importing");
    for n in 0..WRITERS {
        let p = app
            .get_json(&format!("/api/v1/proposals/EUR/{}/1", 60 + n))
            .await;
        assert_eq!(p["identifier"], format!("EUR/{}/1", 60 + n));
    }
    // Search saw every committed write.
    let v = app
        .get_json("/api/v1/search?q=concurrent&per_page=100")
        .await;
    assert!(
        v["total"].as_u64().unwrap() >= (3 * WRITERS) as u64,
        "statements, topics and people written at once are all indexed: {v}"
    );
}
