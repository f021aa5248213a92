//! The OpenAPI document tells the truth: what it says of answers and fields is what the
//! server does (the bugs schemathesis found, one test each; `.ci/schemathesis.sh` runs the
//! whole generated suite).

use liaise_service::domain::{Role, Viewer};
use liaise_testkit::{TestApp, backend_tests, json};
use serde_json::Value;

backend_tests!(
    audit_changes_are_an_object_or_null_as_documented,
    patch_names_only_what_changes_and_null_clears_only_what_may_be_empty,
    a_422_is_a_problem_naming_the_field,
    every_operation_documents_its_errors,
    request_fields_carry_their_rules,
    nul_in_a_parameter_is_a_400_not_a_500,
    an_attachment_form_with_another_field_is_refused,
);

async fn audit_changes_are_an_object_or_null_as_documented(app: TestApp) {
    let token = app.admin_token().await;
    // A revocation records no field.
    let (_, info) = app
        .liaise
        .create_token(&Viewer::system(), "spare", Role::Admin)
        .await
        .unwrap();
    app.liaise
        .revoke_token(&Viewer::system(), info.id)
        .await
        .unwrap();
    let page = app.get_json_as("/api/v1/audit?entity=token", &token).await;
    let items = page["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "revoke" && e["changes"].is_null()),
        "{page}"
    );
    assert!(
        items
            .iter()
            .all(|e| e["changes"].is_null() || e["changes"].is_object()),
        "{page}"
    );
    let doc = app.get_json("/api/v1/openapi.json").await;
    let changes = &doc["components"]["schemas"]["AuditEntryDto"]["properties"]["changes"];
    let types: Vec<&str> = changes["type"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(types, ["object", "null"], "{changes}");
}

async fn patch_names_only_what_changes_and_null_clears_only_what_may_be_empty(app: TestApp) {
    let token = app.admin_token().await;
    let t = Some(token.as_str());
    for (path, clearable) in [
        ("/api/v1/organizations/UPU", "name_fr"),
        ("/api/v1/topics/dfs", "name_fr"),
    ] {
        let before = app.get_json(path).await;
        // Without `name`: the name stays.
        let (s, v) = app.patch_json(path, &json!({"to_confirm": true}), t).await;
        assert_eq!(s, 200, "{path}: {v}");
        assert_eq!(v["name"], before["name"], "{path}");
        assert_eq!(v["to_confirm"], true, "{path}");
        // `null` clears what may be empty …
        let (s, v) = app.patch_json(path, &json!({clearable: null}), t).await;
        assert_eq!(s, 200, "{path}: {v}");
        assert!(v[clearable].is_null(), "{path}: {v}");
        // … but cannot clear a name: a 422 naming it, and nothing changed.
        let (s, v) = app.patch_json(path, &json!({"name": null}), t).await;
        assert_eq!(s, 422, "{path}: {v}");
        assert_eq!(v["errors"][0]["field"], "name", "{path}: {v}");
        assert_eq!(app.get_json(path).await["name"], before["name"], "{path}");
    }
    let (s, p) = app
        .post_json("/api/v1/people", &json!({"name": "Ada Lovelace"}), t)
        .await;
    assert_eq!(s, 201, "{p}");
    let path = format!("/api/v1/people/{}", p["id"]);
    let (s, v) = app
        .patch_json(&path, &json!({"affiliation": "ITU"}), t)
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["name"], "Ada Lovelace");
    let (s, v) = app.patch_json(&path, &json!({"name": null}), t).await;
    assert_eq!(s, 422, "{v}");
    // The document agrees: no PATCH body requires a field, and `name` is never `null`.
    let doc = app.get_json("/api/v1/openapi.json").await;
    for schema in ["OrganizationPatchDto", "PersonPatchDto", "TopicPatchDto"] {
        let s = &doc["components"]["schemas"][schema];
        assert!(
            s["required"].as_array().is_none_or(|r| r.is_empty()),
            "{schema}: {s}"
        );
        assert_eq!(s["properties"]["name"]["type"], "string", "{schema}: {s}");
    }
}

async fn a_422_is_a_problem_naming_the_field(app: TestApp) {
    let token = app.admin_token().await;
    let r = app
        .client
        .post(app.url("/api/v1/topics"))
        .bearer_auth(&token)
        .json(&json!({"slug": "ok-slug", "name": "\u{200B}"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["type"], "/problems/validation", "{v}");
    assert_eq!(v["status"], 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "name", "{v}");
    assert!(v["detail"].as_str().unwrap().contains("name"), "{v}");
}

async fn every_operation_documents_its_errors(app: TestApp) {
    let doc = app.get_json("/api/v1/openapi.json").await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let mut wanted = vec!["400", "401"];
            if method != "get" {
                wanted.extend(["403", "413", "415", "422"]);
                assert_eq!(
                    op.pointer("/requestBody/required")
                        .unwrap_or(&Value::Bool(true)),
                    true,
                    "{method} {path}"
                );
            }
            for code in wanted {
                let r = responses
                    .get(code)
                    .unwrap_or_else(|| panic!("{method} {path} lacks {code}"));
                assert!(
                    r.pointer("/content/application~1problem+json").is_some(),
                    "{method} {path} {code}: {r}"
                );
            }
            for (code, r) in responses {
                if code.starts_with('4') || code.starts_with('5') {
                    assert!(
                        r.pointer("/content/application~1json").is_none(),
                        "{method} {path} {code} says application/json"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked} operations");
}

async fn request_fields_carry_their_rules(app: TestApp) {
    let doc = app.get_json("/api/v1/openapi.json").await;
    let prop = |schema: &str, field: &str| {
        doc["components"]["schemas"][schema]["properties"][field].clone()
    };
    let kinds = prop("NewActivity", "kind");
    assert!(
        kinds["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("decision")),
        "{kinds}"
    );
    let access = prop("NewLiaison", "access");
    assert_eq!(
        access["enum"],
        json!(["public", "members", "secretariat", null]),
        "{access}"
    );
    let name = prop("NewTopic", "name");
    assert_eq!(name["minLength"], 1, "{name}");
    assert!(name["pattern"].is_string(), "{name}");
    assert_eq!(
        prop("TransitionDto", "to")["enum"],
        json!(["approved", "sent", "withdrawn"])
    );
    let year = doc["paths"]["/activities"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "year")
        .unwrap()
        .clone();
    assert_eq!(year["schema"]["minimum"], 1865, "{year}");
    // The server agrees with the enum: a value outside is refused.
    let token = app.admin_token().await;
    let (s, v) = app
        .post_json(
            "/api/v1/activities",
            &json!({"kind": "party", "title": "T", "organizations": ["ITU"]}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "kind", "{v}");
}

async fn nul_in_a_parameter_is_a_400_not_a_500(app: TestApp) {
    for path in [
        "/api/v1/proposals?target=11%00",
        "/api/v1/search?q=a%00b",
        "/api/v1/liaisons?from=SG12%00",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
    }
    for path in ["/api/v1/liaisons/SG12%00", "/api/v1/bodies/SG%0012"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
    }
}

async fn an_attachment_form_with_another_field_is_refused(app: TestApp) {
    let token = app.admin_token().await;
    let form = reqwest::multipart::Form::new().text("note", "x").part(
        "file",
        reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("a.txt"),
    );
    let r = app
        .client
        .post(app.url("/api/v1/liaisons/1/attachments"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "note", "{v}");
}
