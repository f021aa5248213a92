//! One search over everything: the same table of queries and expected hits on SQLite and
//! PostgreSQL, the index following every write, and a rolled-back write leaving it unchanged.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, json, reqwest::StatusCode};
use serde_json::Value;

backend_tests!(
    one_table_of_queries_gives_the_same_hits,
    the_index_follows_every_write,
    a_rolled_back_write_leaves_the_index_unchanged,
    the_search_page_shows_snippets_facets_and_pages,
    a_large_result_is_capped_and_ranked_among_its_newest_matches,
    hidden_items_change_nothing_in_an_answer,
);

fn secretariat(org: &str) -> Role {
    Role::Secretariat(Code::parse("o", org).unwrap())
}

/// GET the search API as the holder of `token` (anonymous when none).
async fn search(app: &TestApp, query: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = app.client.get(app.url(&format!("/api/v1/search?{query}")));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let body = r.text().await.unwrap();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// The titles of the hits of a search that must succeed.
async fn titles(app: &TestApp, query: &str, token: Option<&str>) -> Vec<String> {
    let (s, v) = search(app, query, token).await;
    assert_eq!(s, 200, "{query}: {v}");
    let mut t: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

async fn activity(app: &TestApp, token: &str, body: Value) -> i64 {
    let (s, v) = app
        .post_json("/api/v1/activities", &body, Some(token))
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().unwrap()
}

const WORKSHOP: &str = "Workshop on télécommunications for postal services";
const CHARTER: &str = "Service charter for cross-border parcels";
const BRIEFING: &str = "Members briefing on zephyrine sorting";
const MEMO_ITU: &str = "Secretariat memo on quokka budgets";
const MEMO_UPU: &str = "Secretariat memo on quokka timetables";
const STATEMENT: &str = "Telecommunications and postal quality of experience";
/// The statement as a hit: sent, it has its number.
const STATEMENT_HIT: &str = "TSAG-LS1: Telecommunications and postal quality of experience";

async fn one_table_of_queries_gives_the_same_hits(app: TestApp) {
    let admin = app.admin_token().await;
    let member = app.token(Role::Member).await;
    let itu = app.token(secretariat("ITU")).await;
    let upu = app.token(secretariat("UPU")).await;
    activity(&app, &admin, json!({"kind": "event", "title": WORKSHOP, "date": "2025-03-04",
        "summary": "Digital financial services in rural areas", "bodies": ["SG12"], "topics": ["dfs"]})).await;
    activity(
        &app,
        &admin,
        json!({"kind": "agreement", "title": CHARTER, "date": "2024-06-01",
        "bodies": ["POC"]}),
    )
    .await;
    activity(
        &app,
        &admin,
        json!({"kind": "note", "title": BRIEFING, "access": "members",
        "date": "2025-01-10", "organizations": ["UPU"]}),
    )
    .await;
    activity(
        &app,
        &admin,
        json!({"kind": "note", "title": MEMO_ITU, "access": "secretariat",
        "date": "2025-02-01", "organizations": ["ITU"]}),
    )
    .await;
    activity(
        &app,
        &admin,
        json!({"kind": "note", "title": MEMO_UPU, "access": "secretariat",
        "date": "2024-02-01", "organizations": ["UPU"]}),
    )
    .await;
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": STATEMENT, "from": ["TSAG"],
                    "addressees": [{"body": "POC", "purpose": "information"}],
                    "summary": "Measuring the quality of postal télécommunication services",
                    "access": "public", "date": "2025-11-03", "state": "sent"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{v}");

    let none: Vec<&str> = Vec::new();
    // (query string, viewer, expected titles)
    let cases: Vec<(&str, Option<&str>, Vec<&str>)> = vec![
        // Diacritics are folded both ways.
        ("q=telecommunications&kind=activity", None, vec![WORKSHOP]),
        (
            "q=t%C3%A9l%C3%A9communications&kind=liaison",
            None,
            vec![STATEMENT_HIT],
        ),
        // English stemming: "services" finds "service" and "services".
        ("q=services&kind=activity", None, vec![CHARTER, WORKSHOP]),
        ("q=charter%20services", None, vec![CHARTER]),
        // Two words must both match, in any order and field.
        ("q=postal%20rural&kind=activity", None, vec![WORKSHOP]),
        ("q=postal%20quokka", Some(&admin), none.clone()),
        // The last word is also a prefix.
        ("q=zephyr", Some(&member), vec![BRIEFING]),
        // Hidden items are never returned.
        ("q=zephyrine", None, none.clone()),
        ("q=zephyrine", Some(&member), vec![BRIEFING]),
        ("q=quokka", None, none.clone()),
        ("q=quokka", Some(&member), none.clone()),
        ("q=quokka", Some(&itu), vec![MEMO_ITU]),
        ("q=quokka", Some(&upu), vec![MEMO_UPU]),
        ("q=quokka", Some(&admin), vec![MEMO_ITU, MEMO_UPU]),
        // Filters by facet value.
        ("q=quokka&organization=UPU", Some(&admin), vec![MEMO_UPU]),
        ("q=quokka&year=2025", Some(&admin), vec![MEMO_ITU]),
        ("q=postal&topic=dfs&kind=activity", None, vec![WORKSHOP]),
        ("q=postal&body=TSAG&kind=liaison", None, vec![STATEMENT_HIT]),
        ("q=quokka&kind=liaison", Some(&admin), none.clone()),
        // Quotes, operators and punctuation are not syntax: with no word left, nothing.
        ("q=%22", None, none.clone()),
        ("q=*", None, none.clone()),
        ("q=-", None, none.clone()),
        ("q=%3A*%20%26%20!%20%7C", None, none.clone()),
        (
            "q=quokka%20%22memo%22%20-budgets",
            Some(&admin),
            vec![MEMO_ITU],
        ),
        ("q=NEAR(quokka%20memo)%20OR", Some(&admin), none.clone()),
    ];
    for (query, viewer, expected) in &cases {
        let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        expected.sort();
        assert_eq!(
            titles(&app, query, *viewer).await,
            expected,
            "{query} on {:?}",
            app.backend
        );
    }

    // Words that are operators elsewhere are plain words here, and never an error.
    for query in [
        "AND(",
        "NEAR",
        "OR",
        "NOT",
        "(",
        ")",
        "^",
        "NEAR(a b, 3)",
        "a:*",
        "'; DROP TABLE search_entries; --",
        "\\",
        "x²",
        "ⅷ ǅ ٣",
        "\u{E000}mark\u{E001}",
    ] {
        let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
        let (s, v) = search(&app, &format!("q={encoded}"), None).await;
        assert_eq!(s, 200, "{query}: {v}");
        assert!(v["items"].is_array(), "{query}: {v}");
    }
    let (_, and) = search(&app, "q=and", None).await;
    let (_, and_paren) = search(&app, "q=AND(", None).await;
    assert_eq!(and["total"], and_paren["total"]);

    // Registry items are found too, by code and name.
    let (_, v) = search(&app, "q=POC-C4&kind=body", None).await;
    assert_eq!(v["items"][0]["key"], "POC-C4", "{v}");
    assert_eq!(v["items"][0]["url"], "/bodies/POC-C4");

    // Facets count the whole filtered result, not one page.
    let (s, v) = search(&app, "q=quokka%20memo&per_page=1", Some(&admin)).await;
    assert_eq!(s, 200);
    assert_eq!(v["total"], 2);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["per_page"], 1);
    assert_eq!(v["facets"]["exact"], true);
    assert_eq!(
        v["facets"]["organization"],
        json!([{"value": "ITU", "count": 1}, {"value": "UPU", "count": 1}])
    );
    assert_eq!(
        v["facets"]["kind"],
        json!([{"value": "activity", "count": 2}])
    );
    assert_eq!(
        v["facets"]["year"],
        json!([{"value": "2025", "count": 1}, {"value": "2024", "count": 1}])
    );
    // The second page holds the other one.
    let (_, p2) = search(&app, "q=quokka%20memo&per_page=1&page=2", Some(&admin)).await;
    assert_ne!(p2["items"][0]["title"], v["items"][0]["title"]);
    // A page past the end is empty, with the same total.
    let (_, p9) = search(&app, "q=quokka%20memo&per_page=1&page=9", Some(&admin)).await;
    assert_eq!(p9["total"], 2);
    assert!(p9["items"].as_array().unwrap().is_empty());

    // Snippets mark the words found and escape the rest.
    let (_, v) = search(&app, "q=rural", None).await;
    let snippet = v["items"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("<mark>rural</mark>"), "{snippet}");
    activity(
        &app,
        &admin,
        json!({"kind": "note", "title": "Escaping check", "organizations": ["ITU"],
        "summary": "<script>alert(1)</script> & zanzibarite \"quoted\""}),
    )
    .await;
    let (_, v) = search(&app, "q=zanzibarite", None).await;
    let snippet = v["items"][0]["snippet"].as_str().unwrap();
    assert!(!snippet.contains("<script>"), "{snippet}");
    assert!(!snippet.contains("</script>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(snippet.contains("&amp; "), "{snippet}");
    assert!(snippet.contains("&quot;quoted&quot;"), "{snippet}");
    assert!(snippet.contains("<mark>zanzibarite</mark>"), "{snippet}");
    assert!(v["items"][0]["score"].as_f64().is_some());

    // Bad input: problem+json naming the field.
    for (query, status, field) in [
        ("kind=activity", 422, "q"),
        ("q=%20%20", 422, "q"),
        (&*format!("q={}", "a".repeat(201)), 422, "q"),
        ("q=a&per_page=0", 400, "per_page"),
        ("q=a&page=0", 400, "page"),
        ("q=a&per_page=500&page=21", 422, "page"),
        ("q=a&year=soon", 400, "year"),
    ] {
        let r = app
            .client
            .get(app.url(&format!("/api/v1/search?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{query}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
        let v: Value = r.json().await.unwrap();
        assert!(
            v["detail"].as_str().unwrap().contains(field),
            "{query}: {v}"
        );
    }
}

async fn the_index_follows_every_write(app: TestApp) {
    let admin = app.admin_token().await;
    let member = app.token(Role::Member).await;
    let itu = app.token(secretariat("ITU")).await;
    // Create: found at once.
    let id = activity(
        &app,
        &itu,
        json!({"kind": "event", "title": "Plenary on wombat logistics",
        "bodies": ["SG12"]}),
    )
    .await;
    assert_eq!(
        titles(&app, "q=wombat", None).await,
        ["Plenary on wombat logistics"]
    );
    // Update: the old words are gone, the new ones found.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/activities/{id}"),
            &json!({"title": "Plenary on numbat logistics"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(titles(&app, "q=wombat", None).await.is_empty());
    assert_eq!(
        titles(&app, "q=numbat", None).await,
        ["Plenary on numbat logistics"]
    );
    // Made secretariat-only: gone for the public and members, kept for its secretariat.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/activities/{id}"),
            &json!({"access": "secretariat"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(titles(&app, "q=numbat", None).await.is_empty());
    assert!(titles(&app, "q=numbat", Some(&member)).await.is_empty());
    assert_eq!(titles(&app, "q=numbat", Some(&itu)).await.len(), 1);
    let (_, v) = search(&app, "q=numbat", None).await;
    assert_eq!(v["total"], 0);
    assert_eq!(v["facets"]["kind"], json!([]));

    // A statement: a draft is found by its words, by its secretariats only; once approved, by
    // its number; once sent, by everyone its access level allows.
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS on platypus addressing", "from": ["TSAG"],
                    "addressees": [{"body": "POC", "purpose": "comment", "deadline": "2026-05-01"}],
                    "text": "Le TSAG invite le POC à commenter.", "access": "members",
                    "date": "2025-11-03"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let lid = ls["id"].as_i64().unwrap();
    assert!(titles(&app, "q=platypus", None).await.is_empty());
    assert!(titles(&app, "q=platypus", Some(&member)).await.is_empty());
    assert_eq!(
        titles(&app, "q=platypus", Some(&itu)).await,
        ["LS on platypus addressing"]
    );
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{lid}/transitions"),
            &json!({"to": "approved"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = search(&app, "q=TSAG-LS1&kind=liaison", Some(&itu)).await;
    assert_eq!(
        v["items"][0]["title"],
        "TSAG-LS1: LS on platypus addressing"
    );
    assert!(titles(&app, "q=platypus", Some(&member)).await.is_empty());
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{lid}/transitions"),
            &json!({"to": "sent"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = search(&app, "q=TSAG-LS1&kind=liaison", Some(&member)).await;
    assert_eq!(
        v["items"][0]["title"],
        "TSAG-LS1: LS on platypus addressing"
    );
    assert_eq!(v["items"][0]["url"], "/liaisons/TSAG-LS1");
    // French words of the text are found without their accents.
    assert_eq!(
        titles(&app, "q=a%20commenter", Some(&member)).await.len(),
        1
    );

    // Registry writes: a body renamed is found by its new name.
    let (s, v) = app
        .patch_json(
            "/api/v1/bodies/SG12",
            &json!({"name": "Performance, echidna quality of service and quality of experience"}),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = search(&app, "q=echidna", None).await;
    assert_eq!(v["items"][0]["key"], "SG12", "{v}");
    // People: found by name and affiliation, never by e-mail address.
    let (s, v) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Ada Kowalczyk", "affiliation": "Poczta Polska",
                    "email": "secretmailbox@example.org"}),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(titles(&app, "q=kowalczyk", None).await, ["Ada Kowalczyk"]);
    assert_eq!(titles(&app, "q=poczta", None).await, ["Ada Kowalczyk"]);
    assert!(
        titles(&app, "q=secretmailbox", Some(&admin))
            .await
            .is_empty()
    );

    // The operators' rebuild gives the same answers.
    let n = app
        .liaise
        .reindex_search(&liaise_service::domain::Viewer::system())
        .await
        .unwrap();
    assert!(n > 10, "{n}");
    assert_eq!(titles(&app, "q=numbat", Some(&itu)).await.len(), 1);
    assert!(titles(&app, "q=numbat", Some(&member)).await.is_empty());
    assert!(titles(&app, "q=wombat", Some(&admin)).await.is_empty());
    assert_eq!(titles(&app, "q=kowalczyk", None).await, ["Ada Kowalczyk"]);
}

async fn a_rolled_back_write_leaves_the_index_unchanged(app: TestApp) {
    use liaise_store::queries::search::{SearchEntry, upsert};
    let store = liaise_store::Store::connect(app.db.url()).await.unwrap();
    let entry = SearchEntry {
        kind: "activity".into(),
        key: "999999".into(),
        title: "Rolled back capybara".into(),
        text: "This entry is written in a transaction that fails.".into(),
        url: "/activities/999999".into(),
        access: "public".into(),
        ..SearchEntry::default()
    };
    let now = time::OffsetDateTime::now_utc();
    // Written, then the transaction is abandoned (dropped without commit).
    {
        let tx = store.begin().await.unwrap();
        upsert(&tx, &entry, now).await.unwrap();
    }
    let (_, v) = search(&app, "q=capybara", None).await;
    assert_eq!(v["total"], 0, "{v}");
    // Written and rolled back explicitly, over an entry that was committed.
    let tx = store.begin().await.unwrap();
    upsert(&tx, &entry, now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        titles(&app, "q=capybara", None).await,
        ["Rolled back capybara"]
    );
    let tx = store.begin().await.unwrap();
    upsert(
        &tx,
        &SearchEntry {
            title: "Replaced tapir".into(),
            ..entry.clone()
        },
        now,
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        titles(&app, "q=capybara", None).await,
        ["Rolled back capybara"]
    );
    assert!(titles(&app, "q=tapir", None).await.is_empty());
    store.close().await.unwrap();
}

async fn the_search_page_shows_snippets_facets_and_pages(app: TestApp) {
    let admin = app.admin_token().await;
    for n in 0..23 {
        activity(
            &app,
            &admin,
            json!({"kind": "event", "date": format!("20{}-01-01", 20 + n % 3),
            "title": format!("Meeting {n} on <b>kiwi</b> sorting"), "bodies": ["SG12"]}),
        )
        .await;
    }
    activity(
        &app,
        &admin,
        json!({"kind": "note", "title": "Hidden kiwi note", "access": "members",
        "organizations": ["ITU"]}),
    )
    .await;
    // The box is on every page.
    let (s, home) = app.page("/").await;
    assert_eq!(s, 200);
    assert!(home.contains(r#"action="/search""#), "{home}");
    // No words: the form alone.
    let (s, html) = app.page("/search").await;
    assert_eq!(s, 200);
    assert!(html.contains(r#"name="q""#));
    // Results: 20 per page, snippets marked and escaped, facets as links, a pager.
    let (s, html) = app.page("/search?q=kiwi").await;
    assert_eq!(s, 200);
    assert!(html.contains("23 results"), "{html}");
    assert!(!html.contains("Hidden kiwi note"));
    assert!(html.contains("<mark>kiwi</mark>"), "{html}");
    assert!(!html.contains("<b>kiwi</b>"));
    assert!(html.contains("&#60;b&#62;"), "{html}");
    assert!(
        html.contains(r#"href="/search?kind=activity&#38;q=kiwi&#38;page=1""#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/search?q=kiwi&#38;year=2022&#38;page=1""#),
        "{html}"
    );
    assert!(
        html.contains(r#"rel="next" href="/search?q=kiwi&#38;page=2""#),
        "{html}"
    );
    let (_, page2) = app.page("/search?q=kiwi&page=2").await;
    assert_eq!(page2.matches("<mark>kiwi</mark>").count(), 3, "{page2}");
    // A facet link narrows the result and shows the filter with its removal link.
    let (_, html) = app.page("/search?q=kiwi&year=2022").await;
    assert!(html.contains("7 results"), "{html}");
    assert!(
        html.contains(r#"href="/search?q=kiwi&#38;page=1""#),
        "{html}"
    );
    // Signed in as a member, the hidden note shows.
    let cookie = app.session_as(Role::Member).await;
    let (_, html) = app.page_as("/search?q=kiwi", &cookie).await;
    assert!(html.contains("24 results"), "{html}");
    // French.
    let r = app.get_lang("/search?q=kiwi", "fr").await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Recherche"), "{html}");
    assert!(html.contains("23 résultats"), "{html}");
    // A query too long shows the form again with the error.
    let (s, html) = app.page(&format!("/search?q={}", "k".repeat(201))).await;
    assert_eq!(s, 422);
    assert!(html.contains("200 characters"), "{html}");
    assert!(html.contains(r#"role="alert""#));
}

/// Entries written straight to the index (tiny texts, so thousands are quick): "alpha" in
/// all of them, "beta" in every third; every seventh is members-only.
async fn write_tiny_entries(app: &TestApp, n: u32) {
    use liaise_store::queries::search::{SearchEntry, upsert};
    let store = liaise_store::Store::connect(app.db.url()).await.unwrap();
    let tx = store.begin().await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    for i in 1..=n {
        let beta = if i.is_multiple_of(3) { " beta" } else { "" };
        let entry = SearchEntry {
            kind: "document".into(),
            key: i.to_string(),
            title: format!("Entry {i}"),
            text: format!("alpha{beta} text"),
            url: format!("/documents/{i}"),
            access: if i.is_multiple_of(7) {
                "members"
            } else {
                "public"
            }
            .into(),
            year: Some(2026),
            ..SearchEntry::default()
        };
        upsert(&tx, &entry, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

fn hit_keys(v: &Value) -> Vec<u32> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap().parse().unwrap())
        .collect()
}

async fn a_large_result_is_capped_and_ranked_among_its_newest_matches(app: TestApp) {
    use liaise_store::queries::search::{RANK_WINDOW, TOTAL_CAP};
    // More than TOTAL_CAP public matches, over several recency buckets on PostgreSQL.
    let n: u32 = 12_000;
    write_tiny_entries(&app, n).await;
    let public = |i: &u32| !i.is_multiple_of(7);

    // "alpha": capped total; the hits are among the newest RANK_WINDOW public matches.
    let (s, v) = search(&app, "q=alpha&per_page=50", None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], TOTAL_CAP, "{v}");
    assert_eq!(v["total_exact"], false);
    assert_eq!(v["facets"]["exact"], false);
    let newest: Vec<u32> = (1..=n)
        .rev()
        .filter(public)
        .take(RANK_WINDOW as usize)
        .collect();
    let oldest_candidate = *newest.last().unwrap();
    let keys = hit_keys(&v);
    assert_eq!(keys.len(), 50);
    assert!(
        keys.iter().all(|k| public(k) && *k >= oldest_candidate),
        "{keys:?}"
    );
    // The facets count exactly the ranked candidates.
    assert_eq!(v["facets"]["kind"][0]["count"], RANK_WINDOW, "{v}");

    // A page beyond the window ranks more of the newest matches.
    let page = RANK_WINDOW / 20 + 3;
    let (s, v) = search(&app, &format!("q=alpha&per_page=20&page={page}"), None).await;
    assert_eq!(s, 200, "{v}");
    let reach = (page * 20) as usize;
    let deep_oldest = *(1..=n)
        .rev()
        .filter(public)
        .take(reach)
        .last()
        .as_ref()
        .unwrap();
    let keys = hit_keys(&v);
    assert_eq!(keys.len(), 20);
    assert!(
        keys.iter().all(|k| public(k) && *k >= deep_oldest),
        "{keys:?}"
    );

    // "beta": fewer than TOTAL_CAP match, so the total is exact; hits among its newest.
    let betas: Vec<u32> = (1..=n)
        .rev()
        .filter(|i| i.is_multiple_of(3) && public(i))
        .collect();
    let (s, v) = search(&app, "q=beta&per_page=50", None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], betas.len(), "{v}");
    assert_eq!(v["total_exact"], true);
    let oldest_beta = betas[RANK_WINDOW as usize - 1];
    let keys = hit_keys(&v);
    assert!(
        keys.iter()
            .all(|k| k.is_multiple_of(3) && public(k) && *k >= oldest_beta),
        "{keys:?}"
    );

    // Members see the members-only entries too: "beta" has a seventh more matches.
    let token = app.token(Role::Member).await;
    let (s, v) = search(&app, "q=beta&per_page=1", Some(&token)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], (n / 3) as usize, "{v}");

    // The page says the total is a lower bound.
    let (s, html) = app.page("/search?q=alpha").await;
    assert_eq!(s, 200);
    assert!(html.contains("More than 10000 results"), "{html}");
}

/// What an answer shows a viewer: the hits in order with their scores, the total, the facets.
fn shown(v: &Value) -> Value {
    json!({
        "hits": v["items"].as_array().unwrap().iter()
            .map(|h| json!([h["key"], h["title"], h["score"]]))
            .collect::<Vec<_>>(),
        "total": v["total"],
        "total_exact": v["total_exact"],
        "facets": v["facets"],
    })
}

async fn hidden_items_change_nothing_in_an_answer(app: TestApp) {
    let admin = app.admin_token().await;
    let member = app.token(Role::Member).await;
    // Public items with the word, said more or less often in shorter or longer texts, so that
    // a ranking by the statistics of the whole index would move when they change.
    let texts = [
        ("Okapi census", "okapi".to_owned()),
        (
            "Okapi and parcels",
            format!("okapi okapi {}", "parcel tracking ".repeat(40)),
        ),
        ("Parcels", format!("okapi {}", "parcel ".repeat(8))),
        (
            "Rural post",
            format!("{} okapi okapi okapi", "rural post ".repeat(120)),
        ),
        ("Members note", "okapi okapi members".to_owned()),
    ];
    for (i, (title, summary)) in texts.iter().enumerate() {
        let access = if i == 4 { "members" } else { "public" };
        activity(
            &app,
            &admin,
            json!({"kind": "note", "title": title, "summary": summary, "access": access,
                   "date": "2025-05-05", "organizations": ["UPU"], "bodies": ["POC"]}),
        )
        .await;
    }
    let queries = ["q=okapi", "q=okapi%20parcel", "q=okap"];
    let mut before = Vec::new();
    for viewer in [None, Some(member.as_str())] {
        for q in queries {
            let (s, v) = search(&app, q, viewer).await;
            assert_eq!(s, 200, "{v}");
            assert!(!v["items"].as_array().unwrap().is_empty(), "{q}: {v}");
            before.push(shown(&v));
        }
    }
    // Secretariat-only items that say the word far more often, short and long, and use the
    // other word of the second query too.
    for i in 0..6 {
        let summary = if i % 2 == 0 {
            "okapi ".repeat(30)
        } else {
            format!("{} {}", "okapi parcel ".repeat(50), "budget ".repeat(400))
        };
        activity(
            &app,
            &admin,
            json!({"kind": "note", "title": format!("Okapi memo {i}"), "summary": summary,
                   "access": "secretariat", "date": "2024-01-01", "organizations": ["ITU"],
                   "bodies": ["TSAG"]}),
        )
        .await;
    }
    let mut after = Vec::new();
    for viewer in [None, Some(member.as_str())] {
        for q in queries {
            let (_, v) = search(&app, q, viewer).await;
            after.push(shown(&v));
        }
    }
    // Anonymous: the same answer, order included. Members: on PostgreSQL the same answer;
    // on SQLite bm25's order still weighs the whole index's statistics (the average length
    // of an entry, how many entries hold each word), so a members-only item can trade places
    // with a public one; everything else (the scores, the hits, the total, the facets) is
    // the same. (ARCHITECTURE.md, search.)
    let anonymous = queries.len();
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        if i < anonymous || app.backend == liaise_testkit::Backend::Postgres {
            assert_eq!(b, a, "on {:?}", app.backend);
        } else {
            let sorted = |v: &Value| {
                let mut hits: Vec<String> = v["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h[0].to_string())
                    .collect();
                hits.sort();
                let scores: Vec<String> = v["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h[2].to_string())
                    .collect();
                json!([hits, scores, v["total"], v["total_exact"], v["facets"]])
            };
            assert_eq!(sorted(b), sorted(a), "on {:?}", app.backend);
        }
    }
    // The secretariat that owns them does see them, ranked first (they say it most).
    let itu = app.token(secretariat("ITU")).await;
    let (_, v) = search(&app, "q=okapi", Some(&itu)).await;
    assert_eq!(v["total"], 11, "{v}");
    let first = v["items"][0]["title"].as_str().unwrap();
    assert!(first.starts_with("Okapi memo"), "{v}");
}
