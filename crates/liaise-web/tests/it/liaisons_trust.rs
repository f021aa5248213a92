//! Liaison statements a secretariat can trust: a statement not yet sent is seen by its
//! secretariats only, on every surface; a received statement keeps its sender's reference;
//! feeds carry the statements' own dates; a reply starts from the addressees it answers.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, hidden_field, json, reqwest::StatusCode};
use serde_json::Value;

backend_tests!(
    an_unsent_statement_is_seen_only_by_its_secretariats_on_every_surface,
    a_received_statement_keeps_its_senders_reference,
    a_received_reference_is_required_and_checked,
    atom_entries_carry_the_statements_own_dates,
    a_reply_starts_from_the_addressees_it_answers,
);

fn secretariat(org: &str) -> Role {
    Role::Secretariat(Code::parse("o", org).unwrap())
}

/// Someone reading: an API token and a page session, neither for the public.
struct Reader {
    name: &'static str,
    token: Option<String>,
    cookie: Option<String>,
}

impl Reader {
    async fn new(app: &TestApp, name: &'static str, role: Option<Role>) -> Self {
        match role {
            None => Self {
                name,
                token: None,
                cookie: None,
            },
            Some(role) => Self {
                name,
                token: Some(app.token(role.clone()).await),
                cookie: Some(app.session_as(role).await),
            },
        }
    }
}

/// GET through the API as `r` (with an `Accept` header when given).
async fn api(app: &TestApp, r: &Reader, path: &str, accept: Option<&str>) -> (StatusCode, String) {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = &r.token {
        req = req.bearer_auth(t);
    }
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

/// GET a page as `r`.
async fn page(app: &TestApp, r: &Reader, path: &str) -> (StatusCode, String) {
    match &r.cookie {
        Some(c) => app.page_as(path, c).await,
        None => app.page(path).await,
    }
}

/// The statement being watched.
struct Watched<'a> {
    id: i64,
    number: Option<&'a str>,
    title: &'a str,
    /// A word found only in it.
    word: &'a str,
    state: &'a str,
    /// The statement it answers.
    parent: i64,
    /// A public statement that refers to it.
    referrer: i64,
}

/// Every surface where the statement may show, and whether `r` sees it there.
async fn surfaces(app: &TestApp, r: &Reader, w: &Watched<'_>) -> Vec<(String, bool)> {
    let mut seen = Vec::new();
    let has = |(s, body): (StatusCode, String)| s == StatusCode::OK && body.contains(w.title);
    seen.push(("list page", has(page(app, r, "/liaisons").await)));
    seen.push((
        "list page of its state",
        has(page(app, r, &format!("/liaisons?state={}", w.state)).await),
    ));
    seen.push((
        "page by id",
        has(page(app, r, &format!("/liaisons/{}", w.id)).await),
    ));
    seen.push((
        "its parent's replies",
        has(page(app, r, &format!("/liaisons/{}", w.parent)).await),
    ));
    let (s, body) = api(app, r, &format!("/api/v1/liaisons/{}", w.referrer), None).await;
    assert_eq!(s, 200, "{body}");
    let referrer: Value = serde_json::from_str(&body).unwrap();
    seen.push(("a link to it (related_to)", referrer["related_to"] == w.id));
    let (_, body) = api(app, r, &format!("/api/v1/liaisons/{}", w.parent), None).await;
    let parent: Value = serde_json::from_str(&body).unwrap();
    seen.push((
        "the parent's row it closes (replied_by)",
        parent["addressees"][0]["replied_by"] == w.id,
    ));
    seen.push((
        "API list",
        has(api(app, r, "/api/v1/liaisons?per_page=500", None).await),
    ));
    seen.push((
        "API list of its state",
        has(api(app, r, &format!("/api/v1/liaisons?state={}", w.state), None).await),
    ));
    seen.push((
        "API item",
        has(api(app, r, &format!("/api/v1/liaisons/{}", w.id), None).await),
    ));
    if let Some(n) = w.number {
        seen.push((
            "page by number",
            has(page(app, r, &format!("/liaisons/{n}")).await),
        ));
        seen.push((
            "API item by number",
            has(api(app, r, &format!("/api/v1/liaisons/{n}"), None).await),
        ));
    }
    seen.push(("CSV export", has(page(app, r, "/liaisons.csv").await)));
    seen.push((
        "API as CSV",
        has(api(app, r, "/api/v1/liaisons", Some("text/csv")).await),
    ));
    let (s, body) = api(app, r, &format!("/api/v1/search?q={}", w.word), None).await;
    assert_eq!(s, 200, "{body}");
    let found: Value = serde_json::from_str(&body).unwrap();
    seen.push(("search API", body.contains(w.title)));
    seen.push(("search total", found["total"] != 0));
    seen.push((
        "search facets",
        found["facets"]["kind"] != json!([]) || found["facets"]["topic"] != json!([]),
    ));
    seen.push((
        "search page",
        has(page(app, r, &format!("/search?q={}", w.word)).await),
    ));
    let (s, _) = api(app, r, &format!("/api/v1/liaisons/{}/history", w.id), None).await;
    seen.push(("history", s == StatusCode::OK));
    if r.token.is_none() {
        for feed in [
            "/feeds/liaisons.atom",
            "/feeds/bodies/TSAG/liaisons.atom",
            "/feeds/topics/qos/liaisons.atom",
        ] {
            let (s, body) = page(app, r, feed).await;
            assert_eq!(s, 200, "{feed}");
            seen.push((feed, body.contains(w.title)));
        }
    }
    seen.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Checks every surface for every reader; `expected(reader, surface)` says who sees it.
async fn walk(
    app: &TestApp,
    readers: &[Reader],
    w: &Watched<'_>,
    expected: impl Fn(&str, &str) -> bool,
) {
    let mut wrong = Vec::new();
    for r in readers {
        for (surface, seen) in surfaces(app, r, w).await {
            if seen != expected(r.name, &surface) {
                wrong.push(format!(
                    "{} {} it on {surface}",
                    r.name,
                    if seen { "sees" } else { "does not see" }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "a {} statement:\n{}",
        w.state,
        wrong.join("\n")
    );
}

async fn an_unsent_statement_is_seen_only_by_its_secretariats_on_every_surface(app: TestApp) {
    // The owners (ITU's secretariat, an administrator) read first, so a list remembered for
    // them is there to be wrongly served to the others.
    let readers = [
        Reader::new(&app, "the ITU secretariat", Some(secretariat("ITU"))).await,
        Reader::new(&app, "an administrator", Some(Role::Admin)).await,
        Reader::new(&app, "the public", None).await,
        Reader::new(&app, "a member", Some(Role::Member)).await,
        Reader::new(&app, "the UPU secretariat", Some(secretariat("UPU"))).await,
    ];
    let owner = |name: &str| name == "the ITU secretariat" || name == "an administrator";
    let itu = readers[0].token.clone().unwrap();
    // A sent, public statement that the draft answers.
    let (s, parent) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from TSAG to SG12 on QoS", "from": ["TSAG"],
                    "addressees": [{"body": "SG12", "purpose": "action", "deadline": "2026-12-31"}],
                    "date": "2026-04-01", "state": "sent", "access": "public"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{parent}");
    // A draft inside ITU answering it, saved with the form's defaults: public, draft.
    let title = "Zanzibarine quality targets for TSAG";
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": title, "from": ["SG12"], "topics": ["qos"],
                    "addressees": [{"body": "TSAG", "purpose": "action", "deadline": "2026-09-01"},
                                   {"body": "SG17", "purpose": "information"}],
                    "date": "2026-05-04", "access": "public", "in_reply_to": parent["id"]}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let id = ls["id"].as_i64().unwrap();
    let (s, referrer) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from TSAG to SG17", "from": ["TSAG"],
                    "addressees": [{"body": "SG17", "purpose": "information"}],
                    "date": "2026-05-05", "state": "sent", "access": "public",
                    "related_to": id}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{referrer}");
    let mut w = Watched {
        id,
        number: None,
        title,
        word: "zanzibarine",
        state: "draft",
        parent: parent["id"].as_i64().unwrap(),
        referrer: referrer["id"].as_i64().unwrap(),
    };
    // Not sent, it closes no row of its parent yet.
    walk(&app, &readers, &w, |r, surface| {
        owner(r) && !surface.contains("replied_by")
    })
    .await;

    // Its page and form say who may read it now and once sent.
    let (_, html) = page(&app, &readers[0], &format!("/liaisons/{id}")).await;
    assert!(
        html.contains("Draft — visible only to the secretariats of ITU; public once sent"),
        "{html}"
    );
    let fr = app
        .client
        .get(app.url(&format!("/liaisons/{id}")))
        .header("cookie", readers[0].cookie.as_deref().unwrap())
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        fr.contains(
            "Projet — visible seulement par les secrétariats ITU ; publique une fois envoyée"
        ),
        "{fr}"
    );
    let (_, form) = page(&app, &readers[0], &format!("/liaisons/{id}/edit")).await;
    assert!(
        form.contains("Draft — visible only to the secretariats of ITU; public once sent"),
        "{form}"
    );
    let (_, form) = page(&app, &readers[0], "/liaisons/new").await;
    assert!(form.contains("id=\"access-hint\""), "{form}");

    // Approved, not yet sent: still the secretariat's working copy.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/transitions"),
            &json!({"to": "approved"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["number"], "SG12-LS1");
    w.number = Some("SG12-LS1");
    w.state = "approved";
    walk(&app, &readers, &w, |r, surface| {
        owner(r) && !surface.contains("replied_by")
    })
    .await;
    let (_, html) = page(&app, &readers[1], "/liaisons/SG12-LS1").await;
    assert!(html.contains("Approved, not yet sent — visible only to the secretariats of ITU"));

    // Sent: everyone its access allows (public) sees it; the history stays the owners'.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/transitions"),
            &json!({"to": "sent"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    w.state = "sent";
    walk(&app, &readers, &w, |r, surface| {
        surface != "history" || owner(r)
    })
    .await;
    let (_, html) = page(&app, &readers[2], "/liaisons/SG12-LS1").await;
    assert!(html.contains("Sent — public"), "{html}");
}

async fn a_received_statement_keeps_its_senders_reference(app: TestApp) {
    let itu = app.token(secretariat("ITU")).await;
    let upu = app.token(secretariat("UPU")).await;
    // The ITU secretariat records what POC-C1 sent: received, known by UPU's reference.
    let reference = "POC-C1-2026.1-Doc.12";
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from POC C 1 on address quality", "from": ["POC-C1"],
                    "addressees": [{"body": "SG12", "purpose": "action", "deadline": "2026-11-30"}],
                    "date": "2026-06-10", "state": "sent", "access": "public",
                    "other_reference": reference}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    assert_eq!(ls["number"], reference, "{ls}");
    assert_eq!(ls["received"], true);
    let id = ls["id"].as_i64().unwrap();
    // Its reference names it in URLs, lists, CSV, feeds and search.
    let by_ref = app.get_json(&format!("/api/v1/liaisons/{reference}")).await;
    assert_eq!(by_ref["id"], id);
    let (s, html) = app.page(&format!("/liaisons/{reference}")).await;
    assert_eq!(s, 200);
    assert!(
        html.contains(reference) && html.contains("Received from its sender"),
        "{html}"
    );
    let (_, list) = app.page("/liaisons").await;
    assert!(
        list.contains(&format!("href=\"/liaisons/{reference}\"")),
        "{list}"
    );
    let list = app.get_json("/api/v1/liaisons?from=POC-C1").await;
    assert_eq!(list["items"][0]["number"], reference);
    let csv = app
        .get("/liaisons.csv?from=POC-C1")
        .await
        .text()
        .await
        .unwrap();
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().ends_with(",received"), "{csv}");
    let row = rows.find(|l| l.starts_with(&format!("{id},"))).unwrap();
    assert!(
        row.starts_with(&format!("{id},{reference},")) && row.ends_with(",true"),
        "{csv}"
    );
    let feed = app.get("/feeds/liaisons.atom").await.text().await.unwrap();
    assert!(
        feed.contains(&format!("{reference} LS from POC C 1")),
        "{feed}"
    );
    let hits = app.get_json("/api/v1/search?q=address%20quality").await;
    assert_eq!(
        hits["items"][0]["url"],
        format!("/liaisons/{reference}"),
        "{hits}"
    );
    assert!(
        hits["items"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with(reference)
    );

    // The sender's own series is untouched: POC-C1's first statement is LS1.
    let (s, own) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from POC C 1 to SG12", "from": ["POC-C1"],
                    "addressees": [{"body": "SG12", "purpose": "information"}],
                    "date": "2026-07-01", "state": "sent"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 201, "{own}");
    assert_eq!(own["number"], "POC-C1-LS1");
    assert_eq!(own["received"], false);

    // A reference that cannot be a path segment: the statement is named by its id.
    let odd = "POC C 1 2026.1/Doc 13";
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from POC C 1 on postcodes", "from": ["POC-C1"],
                    "addressees": [{"body": "SG12", "purpose": "information"}],
                    "date": "2026-06-11", "state": "sent", "other_reference": odd}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    assert_eq!(ls["number"], odd);
    let odd_id = ls["id"].as_i64().unwrap();
    let (_, list) = app.page("/liaisons?from=POC-C1").await;
    assert!(
        list.contains(&format!("href=\"/liaisons/{odd_id}\"")),
        "{list}"
    );
    let (s, html) = app.page(&format!("/liaisons/{odd_id}")).await;
    assert_eq!(s, 200);
    assert!(html.contains(odd));

    // Two organizations may hold the same reference: neither is refused, each keeps its own
    // page (by id, since the reference names both).
    let (s, a) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from POC on REF-7", "from": ["POC"],
                    "addressees": [{"body": "TSAG", "purpose": "information"}],
                    "date": "2026-06-12", "state": "sent", "other_reference": "REF-7"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let (s, b) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from TSAG on REF-7", "from": ["TSAG"],
                    "addressees": [{"body": "POC", "purpose": "information"}],
                    "date": "2026-06-12", "state": "sent", "other_reference": "REF-7"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(
        (&a["number"], &b["number"]),
        (&json!("REF-7"), &json!("REF-7"))
    );
    let (_, list) = app.page("/liaisons").await;
    for x in [&a, &b] {
        assert!(
            list.contains(&format!("href=\"/liaisons/{}\"", x["id"])),
            "{list}"
        );
    }

    // An administrator (of no organization) says it is received.
    let admin = app.admin_token().await;
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from POC-C4", "from": ["POC-C4"], "received": true,
                    "addressees": [{"body": "SG12", "purpose": "information"}],
                    "date": "2026-06-13", "state": "sent", "other_reference": "C4-2026-3"}),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        (&v["number"], &v["received"]),
        (&json!("C4-2026-3"), &json!(true))
    );
    let next = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from POC-C4 sent here", "from": ["POC-C4"],
                    "addressees": [{"body": "SG12", "purpose": "information"}],
                    "date": "2026-06-14", "state": "sent"}),
            Some(&admin),
        )
        .await;
    assert_eq!(next.0, 201, "{}", next.1);
    assert_eq!(next.1["number"], "POC-C4-LS1");
}

async fn a_received_reference_is_required_and_checked(app: TestApp) {
    let admin = app.admin_token().await;
    let start = app.get_json_as("/api/v1/liaisons", &admin).await["total"].clone();
    let itu = app.token(secretariat("ITU")).await;
    let base = json!({"title": "LS from POC-C1", "from": ["POC-C1"],
                      "addressees": [{"body": "SG12", "purpose": "information"}],
                      "date": "2026-06-10", "state": "sent"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (base.clone(), "other_reference"),
        (with("other_reference", json!("  ")), "other_reference"),
        (
            {
                let mut b = with("other_reference", json!("POC-C1-1"));
                b["state"] = json!("draft");
                b
            },
            "state",
        ),
        (
            with("received", json!(false))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("other_reference".into(), json!("X-1"));
                    Value::Object(o)
                })
                .unwrap(),
            "received",
        ),
    ] {
        let (s, e) = app.post_json("/api/v1/liaisons", &body, Some(&itu)).await;
        assert_eq!(s, 422, "{body}: {e}");
        assert_eq!(e["errors"][0]["field"], field, "{body}: {e}");
        assert!(e["detail"].as_str().is_some(), "{e}");
    }
    // The ITU secretariat's own statement is not received.
    let (s, e) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS from SG12", "from": ["SG12"], "received": true,
                    "addressees": [{"body": "POC", "purpose": "information"}],
                    "date": "2026-06-10", "state": "sent", "other_reference": "x"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "received");
    // An administrator's received statement needs the reference too.
    let (s, e) = app
        .post_json(
            "/api/v1/liaisons",
            &with("received", json!(true)),
            Some(&admin),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "other_reference");
    assert_eq!(
        app.get_json_as("/api/v1/liaisons", &admin).await["total"],
        start,
        "nothing written"
    );

    // The form answers 422 with the message next to the field.
    let cookie = app.session_as(secretariat("ITU")).await;
    let (_, form) = app.page_as("/liaisons/new", &cookie).await;
    let csrf = hidden_field(&form, "csrf").unwrap();
    let fields = |reference: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "LS from POC-C1 by form".to_owned()),
            ("date", "2026-06-10".to_owned()),
            ("from", "POC-C1".to_owned()),
            ("row-0-body", "SG12".to_owned()),
            ("row-0-purpose", "information".to_owned()),
            ("access", "public".to_owned()),
            ("state", "sent".to_owned()),
            ("other_reference", reference.to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        app.client
            .post(app.url("/liaisons/new"))
            .header("cookie", &cookie)
            .form(&f)
            .send()
    };
    let r = post(fields("")).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"other_reference-error\"") && html.contains("own reference: give it"),
        "{html}"
    );
    assert!(
        html.contains("value=\"LS from POC-C1 by form\""),
        "what was typed"
    );
    let r = post(fields("POC-C1-2026-9")).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/liaisons/POC-C1-2026-9");
}

async fn atom_entries_carry_the_statements_own_dates(app: TestApp) {
    use atom_syndication::{Feed, FixedDateTime};
    let itu = app.token(secretariat("ITU")).await;
    // Recorded as sent: published on its date, not changed since.
    let (s, _) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS recorded as sent", "from": ["SG12"],
                    "addressees": [{"body": "POC", "purpose": "information"}],
                    "date": "2025-03-14", "state": "sent"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201);
    // Drafted, then approved and sent today: its last change is today.
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS sent through liaise", "from": ["SG12"],
                    "addressees": [{"body": "POC", "purpose": "information"}],
                    "date": "2025-04-01"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201);
    for to in ["approved", "sent"] {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/liaisons/{}/transitions", ls["id"]),
                &json!({"to": to}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let bytes = app.get("/feeds/liaisons.atom").await.bytes().await.unwrap();
    let feed = Feed::read_from(&bytes[..]).expect("a valid Atom feed");
    let day = |s: &str| FixedDateTime::parse_from_rfc3339(s).unwrap();
    let entry = |needle: &str| {
        feed.entries()
            .iter()
            .find(|e| e.title().as_str().contains(needle))
            .unwrap_or_else(|| panic!("no entry {needle}"))
    };
    // The reference data's statement of 2 June 2023, loaded today.
    let reference = entry("WTSA-24");
    assert_eq!(reference.published(), Some(&day("2023-06-02T00:00:00Z")));
    assert_eq!(reference.updated(), &day("2023-06-02T00:00:00Z"));
    let recorded = entry("LS recorded as sent");
    assert_eq!(recorded.published(), Some(&day("2025-03-14T00:00:00Z")));
    assert_eq!(recorded.updated(), &day("2025-03-14T00:00:00Z"));
    let sent = entry("LS sent through liaise");
    assert_eq!(sent.published(), Some(&day("2025-04-01T00:00:00Z")));
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert!(
        sent.updated().to_rfc3339().starts_with(&today),
        "{}",
        sent.updated()
    );
    // The feed's own date is its newest entry's.
    let newest = feed.entries().iter().map(|e| *e.updated()).max().unwrap();
    assert_eq!(feed.updated(), &newest);
}

async fn a_reply_starts_from_the_addressees_it_answers(app: TestApp) {
    let itu = app.token(secretariat("ITU")).await;
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS asking for views", "from": ["TSAG"], "state": "sent",
                    "addressees": [{"body": "POC-C1", "purpose": "action", "deadline": "2026-12-01"},
                                   {"body": "SG12", "purpose": "information"},
                                   {"body": "POC-C4", "purpose": "comment", "deadline": "2026-12-01"},
                                   {"body": "POC", "purpose": "information"}],
                    "date": "2026-06-01"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let cookie = app.session_as(secretariat("UPU")).await;
    let (s, form) = app
        .page_as(
            &format!("/liaisons/{}/reply", ls["number"].as_str().unwrap()),
            &cookie,
        )
        .await;
    assert_eq!(s, 200, "{form}");
    assert!(
        form.contains("name=\"from\" value=\"POC-C1, POC-C4\""),
        "only the rows for action or comment: {form}"
    );
}
