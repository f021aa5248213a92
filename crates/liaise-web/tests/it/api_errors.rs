//! Bad input: a clear 4xx problem naming the field, and nothing written.

use liaise_testkit::{TestApp, backend_tests, json, read};
use serde_json::Value;

backend_tests!(
    bad_input_is_refused_and_nothing_is_written,
    writes_need_a_valid_token,
    years_outside_the_record_are_refused,
);

/// Everything the registry holds, to compare before and after refused writes.
async fn registry(app: &TestApp) -> Value {
    json!({
        "organizations": app.get_json("/api/v1/organizations?per_page=500").await,
        "bodies": app.get_json("/api/v1/bodies?per_page=500").await,
        "people": app.get_json("/api/v1/people?per_page=500").await,
        "topics": app.get_json("/api/v1/topics?per_page=500").await,
    })
}

async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: &str,
    token: &str,
) -> (u16, Value) {
    let r = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let (s, v) = read(r).await;
    (s.as_u16(), v)
}

fn check(case: &str, got: (u16, Value), status: u16, field: Option<&str>, detail_has: &str) {
    let (s, v) = got;
    assert_eq!(s, status, "{case}: {v}");
    assert_eq!(v["status"], status, "{case}: {v}");
    assert!(v["title"].is_string(), "{case}: {v}");
    let detail = v["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(detail_has),
        "{case}: detail {detail:?} lacks {detail_has:?}"
    );
    if let Some(f) = field {
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&f), "{case}: fields {fields:?} lack {f}");
    }
}

async fn bad_input_is_refused_and_nothing_is_written(app: TestApp) {
    use reqwest::Method;
    let token = app.admin_token().await;
    let t = token.as_str();
    let before = registry(&app).await;
    let post = Method::POST;
    let patch = Method::PATCH;
    let long = "x".repeat(301);
    let cases: Vec<(&str, Method, &str, String, u16, Option<&str>, &str)> = vec![
        ("malformed JSON", post.clone(), "/api/v1/bodies", "{\"code\": ".into(), 400, None, "not valid JSON"),
        ("not an object", post.clone(), "/api/v1/bodies", "[1, 2]".into(), 422, None, ""),
        ("trailing garbage", post.clone(), "/api/v1/topics", format!("{}xyz", json!({"slug": "trailing", "name": "Trailing"})), 400, None, "trailing characters"),
        ("two objects", post.clone(), "/api/v1/topics", format!("{0} {0}", json!({"slug": "twice", "name": "Twice"})), 400, None, "trailing characters"),
        ("unknown field", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "X", "kind": "other", "organization": "ITU", "colour": "red"}).to_string(), 422, Some("colour"), "unknown field"),
        ("missing field", post.clone(), "/api/v1/bodies", json!({"code": "X1", "kind": "other", "organization": "ITU"}).to_string(), 422, Some("name"), "missing field"),
        ("wrong type", post.clone(), "/api/v1/bodies", json!({"code": 12, "name": "X", "kind": "other", "organization": "ITU"}).to_string(), 422, Some("code"), "invalid type"),
        ("unknown kind", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "X", "kind": "club", "organization": "ITU"}).to_string(), 422, Some("kind"), "not one of"),
        ("unknown organization", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "X", "kind": "other", "organization": "NOPE"}).to_string(), 422, Some("organizations[0]"), "no organization has the code"),
        ("no organization", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "X", "kind": "other"}).to_string(), 422, Some("organizations"), "at least one organization"),
        ("unknown parent", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "X", "kind": "other", "organization": "ITU", "parent": "SG99"}).to_string(), 422, Some("parent"), "no body has the code"),
        ("bad code", post.clone(), "/api/v1/bodies", json!({"code": "SG 1/2", "name": "X", "kind": "other", "organization": "ITU"}).to_string(), 422, Some("code"), "not a valid code"),
        ("name over limit", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": long, "kind": "other", "organization": "ITU"}).to_string(), 422, Some("name"), "at most 300"),
        ("empty name", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "  ", "kind": "other", "organization": "ITU"}).to_string(), 422, Some("name"), "must not be empty"),
        ("bad period", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "X", "kind": "other", "organization": "ITU", "period": "2028-2025"}).to_string(), 422, Some("period"), "ends before"),
        ("duplicate code", post.clone(), "/api/v1/bodies", json!({"code": "sg12", "name": "X", "kind": "other", "organization": "ITU"}).to_string(), 409, Some("code"), "already exists"),
        ("cycle", patch.clone(), "/api/v1/bodies/ITU-T", json!({"parent": "SG12"}).to_string(), 422, Some("parent"), "cannot be placed under SG12"),
        ("own parent", patch.clone(), "/api/v1/bodies/SG12", json!({"parent": "SG12"}).to_string(), 422, Some("parent"), "own parent"),
        ("code change", patch.clone(), "/api/v1/bodies/SG12", json!({"code": "SG99"}).to_string(), 422, Some("code"), "unknown field"),
        ("unknown body", patch.clone(), "/api/v1/bodies/SG99", json!({"name": "X"}).to_string(), 404, None, "no body"),
        ("duplicate topic", post.clone(), "/api/v1/topics", json!({"slug": "dfs", "name": "X"}).to_string(), 409, Some("slug"), "already exists"),
        ("bad slug", post.clone(), "/api/v1/topics", json!({"slug": "Digital Finance", "name": "X"}).to_string(), 422, Some("slug"), "not a valid slug"),
        ("duplicate organization", post.clone(), "/api/v1/organizations", json!({"code": "upu", "name": "X"}).to_string(), 409, Some("code"), "already exists"),
        ("bad url", post.clone(), "/api/v1/organizations", json!({"code": "Y", "name": "Y", "url": "javascript:alert(1)"}).to_string(), 422, Some("url"), "http"),
        ("bad e-mail", post.clone(), "/api/v1/people", json!({"name": "P", "email": "nobody"}).to_string(), 422, Some("email"), "not an e-mail"),
        ("role on unknown body", post.clone(), "/api/v1/people/999999/roles", json!({"body": "SG12", "role": "chair"}).to_string(), 404, None, "no person"),
        ("bad date", post.clone(), "/api/v1/people/1/roles", json!({"body": "SG12", "role": "chair", "from": "01/02/2025"}).to_string(), 422, Some("from"), "YYYY-MM-DD"),
        ("null byte", post.clone(), "/api/v1/bodies", json!({"code": "X1", "name": "a\u{0}b", "kind": "other", "organization": "ITU"}).to_string(), 422, Some("name"), "control"),
    ];
    for (case, method, path, body, status, field, detail) in cases {
        let got = raw(&app, method, path, &body, t).await;
        check(case, got, status, field, detail);
    }

    // A body of 10 MB.
    let huge = format!(
        "{{\"code\": \"X1\", \"name\": \"{}\"}}",
        "x".repeat(10 * 1024 * 1024)
    );
    let got = raw(&app, Method::POST, "/api/v1/bodies", &huge, t).await;
    check("10 MB body", got, 413, None, "larger than the limit");

    // Not JSON at all.
    let r = app
        .client
        .post(app.url("/api/v1/bodies"))
        .bearer_auth(t)
        .body("code=X")
        .send()
        .await
        .unwrap();
    let (s, v) = read(r).await;
    assert_eq!(s, 415, "{v}");

    // Bad query parameters.
    let r = app.get("/api/v1/bodies?per_page=0").await;
    let (s, v) = read(r).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["errors"][0]["field"], "per_page");
    let r = app.get("/api/v1/bodies?page=abc").await;
    let (s, v) = read(r).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["errors"][0]["field"], "page");
    let r = app.get("/api/v1/bodies?per_page=501").await;
    assert_eq!(r.status(), 400);
    // SQL and markup in filters are only text.
    let r = app
        .get("/api/v1/bodies?organization=%27%3B%20DROP%20TABLE%20bodies%3B--&q=%27%20OR%201%3D1")
        .await;
    assert_eq!(r.status(), 200);
    // Path parameters that cannot be read name nothing: 404 problem.
    for path in [
        "/api/v1/bodies/%FF%FE",
        "/api/v1/topics/%C0",
        "/api/v1/people/%FF",
        "/api/v1/activities/0.5",
    ] {
        let (s, _) = read(app.get(path).await).await;
        assert_eq!(s, 404, "{path}");
    }
    // A JSON array where an object is expected.
    let got = raw(
        &app,
        Method::POST,
        "/api/v1/topics",
        r#"["arr-form", "Array form", null, null, null]"#,
        t,
    )
    .await;
    check("array body", got, 422, None, "must be a JSON object");
    let r = app.get("/api/v1/nothing-here").await;
    let (s, _) = read(r).await;
    assert_eq!(s, 404);

    assert_eq!(
        before,
        registry(&app).await,
        "a refused write changed the registry"
    );
}

async fn writes_need_a_valid_token(app: TestApp) {
    // Credentials are checked before the body or the target: an anonymous write learns nothing.
    for (method, path, body) in [
        (reqwest::Method::POST, "/api/v1/bodies", json!({"code": ""})),
        (
            reqwest::Method::PATCH,
            "/api/v1/bodies/NOPE",
            json!({"colour": 1}),
        ),
        (reqwest::Method::DELETE, "/api/v1/roles/999999", json!({})),
        (
            reqwest::Method::PUT,
            "/api/v1/bodies/SG13/topics/unknown",
            json!({}),
        ),
    ] {
        let (s, _) = app.send_json(method.clone(), path, &body, None).await;
        assert_eq!(s, 401, "{method} {path}");
    }
    let body = json!({"slug": "x-topic", "name": "X"});
    let (s, v) = app.post_json("/api/v1/topics", &body, None).await;
    assert_eq!(s, 401, "{v}");
    let (s, v) = app
        .post_json("/api/v1/topics", &body, Some("lsk_not-a-real-token"))
        .await;
    assert_eq!(s, 401, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("unknown or revoked"));
    let r = app
        .client
        .post(app.url("/api/v1/topics"))
        .header("authorization", "Basic abc")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A revoked token stops working.
    let token = app.admin_token().await;
    let tokens = app
        .liaise
        .list_tokens(&liaise_service::domain::Viewer::system())
        .await
        .unwrap();
    let id = tokens.last().unwrap().id;
    app.liaise
        .revoke_token(&liaise_service::domain::Viewer::system(), id)
        .await
        .unwrap();
    let (s, _) = app.post_json("/api/v1/topics", &body, Some(&token)).await;
    assert_eq!(s, 401);
    let audit = app.admin_token().await;
    let r = app
        .client
        .get(app.url("/api/v1/audit?action=revoked-token-used"))
        .bearer_auth(&audit)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["total"], 1, "{v}");
    // A member token may read but not write.
    let member = app.token(liaise_service::domain::Role::Member).await;
    let (s, _) = app.post_json("/api/v1/topics", &body, Some(&member)).await;
    assert_eq!(s, 403);
    assert_eq!(app.get("/api/v1/topics/x-topic").await.status(), 404);
}

/// A year or date outside 1865–9999 is a mistake the reader made: 422 naming the field on
/// every list and write, never a 500 (PostgreSQL cannot even store years before 4713 BC).
async fn years_outside_the_record_are_refused(app: TestApp) {
    for year in ["-5308", "-4713", "0", "1864", "10000"] {
        for list in [
            "/api/v1/liaisons",
            "/api/v1/documents",
            "/api/v1/activities",
            "/api/v1/search?q=postal&",
        ] {
            let sep = if list.ends_with('&') { "" } else { "?" };
            let path = format!("{list}{sep}year={year}");
            let (s, v) = read(app.get(&path).await).await;
            assert!(s == 422 || s == 400, "{path}: {s} {v}");
            assert!(
                v["detail"].as_str().unwrap_or("").contains("year"),
                "{path}: {v}"
            );
        }
        for page in [
            "/liaisons",
            "/documents",
            "/activities",
            "/search?q=postal&",
        ] {
            let sep = if page.ends_with('&') { "" } else { "?" };
            let path = format!("{page}{sep}year={year}");
            let (s, _) = app.page(&path).await;
            assert!((400..500).contains(&s.as_u16()), "{path}: {s}");
        }
    }
    for year in ["2025", "1865", "9999"] {
        let (s, v) = read(app.get(&format!("/api/v1/liaisons?year={year}")).await).await;
        assert_eq!(s, 200, "{year}: {v}");
    }
    // Dates of writes too.
    let itu = app
        .token(liaise_service::domain::Role::Secretariat(
            liaise_service::domain::Code::parse("o", "ITU").unwrap(),
        ))
        .await;
    let before = app.get_json("/api/v1/liaisons").await["total"].clone();
    for date in ["0000-01-01", "-5308-01-01", "1800-06-01"] {
        let (s, v) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": "Dated wrong", "from": ["TSAG"],
                        "addressees": [{"body": "POC", "purpose": "information"}],
                        "date": date}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 422, "{date}: {v}");
        assert_eq!(v["errors"][0]["field"], "date", "{date}: {v}");
    }
    assert_eq!(app.get_json("/api/v1/liaisons").await["total"], before);
}
