//! Health, readiness, metrics, the OpenAPI document, security headers.

use liaise_testkit::{TestApp, backend_tests};
use serde_json::Value;

backend_tests!(
    health_metrics_and_headers,
    openapi_describes_every_api_route
);

async fn health_metrics_and_headers(app: TestApp) {
    assert_eq!(app.get_json("/healthz").await["status"], "ok");
    let ready = app.get_json("/readyz").await;
    assert_eq!(ready["status"], "ready");
    let expected = match app.backend {
        liaise_testkit::Backend::Sqlite => "sqlite",
        liaise_testkit::Backend::Postgres => "postgresql",
    };
    assert_eq!(ready["database"], expected);
    app.get("/topics/dfs").await;
    app.get("/topics/qos").await;
    let r = app.get("/metrics").await;
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = r.text().await.unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("http_requests_total{")
                && l.contains("route=\"/topics/{slug}\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no request counter for the topic route:\n{text}"));
    let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 2.0, "{line}");
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "no latency histogram"
    );
    // The route label is the template, never the raw path.
    assert!(!text.contains("route=\"/topics/dfs\""));

    let r = app.get("/").await;
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert!(h.get("referrer-policy").is_some());
}

async fn openapi_describes_every_api_route(app: TestApp) {
    let doc = app.get_json("/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let expected: &[(&str, &[&str])] = &[
        ("/organizations", &["get", "post"]),
        ("/organizations/{code}", &["get", "patch"]),
        ("/bodies", &["get", "post"]),
        ("/bodies/{code}", &["get", "patch"]),
        ("/bodies/{code}/topics/{slug}", &["put", "delete"]),
        ("/people", &["get", "post"]),
        ("/people/{id}", &["get", "patch"]),
        ("/people/{id}/roles", &["post"]),
        ("/roles/{id}", &["delete"]),
        ("/topics", &["get", "post"]),
        ("/topics/{slug}", &["get", "patch"]),
        ("/matrix", &["get"]),
        ("/audit", &["get"]),
        ("/openapi.json", &["get"]),
    ];
    for (path, methods) in expected {
        let item = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is not documented"));
        for m in *methods {
            assert!(item.get(*m).is_some(), "{m} {path} is not documented");
        }
    }
    // And every documented operation answers (not 404/405) on the real server.
    for (path, item) in paths {
        for (method, _) in item.as_object().unwrap() {
            let code = if path.starts_with("/organizations") {
                "ITU"
            } else {
                "SG12"
            };
            // Search needs its words.
            let query = if path == "/search" { "?q=qos" } else { "" };
            let url = app.url(&format!(
                "/api/v1{}{query}",
                path.replace("{code}", code)
                    .replace("{source}/{document}/{number}", "ATU/35A3/1")
                    .replace("{number}", "11")
                    .replace("{slug}", "qos")
                    .replace("{id}", "1")
            ));
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = app
                .client
                .request(m, url)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert!(
                r.status() != 405,
                "{method} {path} is documented but not routed"
            );
            if method == "get" && !path.contains("{id}") && path != "/audit" {
                assert_eq!(r.status(), 200, "GET {path}");
            }
        }
    }
    // Query parameters are documented as such, and errors as problem+json.
    let list = &paths["/bodies"]["get"];
    for p in list["parameters"].as_array().unwrap() {
        assert_eq!(p["in"], "query", "{p}");
    }
    let post = &paths["/bodies"]["post"]["responses"];
    for code in ["400", "401", "403", "409", "413", "415", "422"] {
        assert!(
            post[code]["content"]["application/problem+json"].is_object(),
            "POST /bodies {code}: {post}"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for s in ["BodyDto", "TopicDto", "MatrixDto", "Problem"] {
        assert!(schemas.contains_key(s), "schema {s} missing");
    }
    let _: &Value = &doc["components"]["securitySchemes"]["bearer"];
}
