//! Writing the registry through the API.

use liaise_testkit::{TestApp, backend_tests, field_values, items, json};
use serde_json::Value;

backend_tests!(
    create_and_update_a_joint_body,
    people_roles_and_links,
    topics_and_their_hierarchy,
    organizations_can_be_added,
    pagination_and_filters,
    secretariat_tokens_edit_only_their_organization,
);

async fn create_and_update_a_joint_body(app: TestApp) {
    let token = app.admin_token().await;
    let (s, b) = app
        .post_json(
            "/api/v1/bodies",
            &json!({
                "code": "JWG-ET",
                "name": "ITU-UPU Joint Working Group on standards collaboration for emerging technologies",
                "kind": "joint-group",
                "organizations": ["ITU", "UPU"],
                "mandate": "Facilitate work on standardization of emerging technologies.",
                "period": "2025-"
            }),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["organizations"], json!(["ITU", "UPU"]));
    assert_eq!(b["period"], "2025-");
    // It shows under both organizations.
    for org in ["ITU", "UPU"] {
        let list = app
            .get_json(&format!("/api/v1/bodies?organization={org}&per_page=500"))
            .await;
        assert!(
            field_values(items(&list), "code").contains(&"JWG-ET".to_owned()),
            "{org}"
        );
    }
    let (s, b) = app
        .patch_json(
            "/api/v1/bodies/jwg-et",
            &json!({"parent": "TSB", "name_fr": "Groupe de travail conjoint", "period": null}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["parent"], "TSB");
    assert_eq!(b["name_fr"], "Groupe de travail conjoint");
    assert_eq!(b["period"], Value::Null);
    assert_eq!(
        b["mandate"],
        "Facilitate work on standardization of emerging technologies."
    );
    let tsb = app.get_json("/api/v1/bodies/TSB").await;
    assert!(
        tsb["children"]
            .as_array()
            .unwrap()
            .contains(&json!("JWG-ET"))
    );
}

async fn people_roles_and_links(app: TestApp) {
    let token = app.admin_token().await;
    let (s, p) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Amina Diallo", "organization": "UPU", "affiliation": "International Bureau", "email": "amina.diallo@example.org"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    let (s, role) = app
        .post_json(
            &format!("/api/v1/people/{id}/roles"),
            &json!({"body": "POC-C4", "role": "focal-point", "from": "2025-01-01", "to": "2028-12-31"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{role}");
    assert_eq!(role["body"], "POC-C4");
    assert_eq!(role["from"], "2025-01-01");
    // Anonymous readers do not get e-mail addresses; token holders do.
    let public = app.get_json(&format!("/api/v1/people/{id}")).await;
    assert!(public.get("email").is_none(), "{public}");
    assert_eq!(public["roles"][0]["role"], "focal-point");
    let r = app
        .client
        .get(app.url(&format!("/api/v1/people/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let signed: Value = r.json().await.unwrap();
    assert_eq!(signed["email"], "amina.diallo@example.org");
    let in_body = app.get_json("/api/v1/people?body=POC-C4").await;
    assert_eq!(field_values(items(&in_body), "name"), ["Amina Diallo"]);

    // Same e-mail twice is a conflict.
    let (s, e) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Someone", "email": "amina.diallo@example.org"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["errors"][0]["field"], "email");

    // Roles end.
    let role_id = role["id"].as_i64().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/roles/{role_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(
        app.get_json(&format!("/api/v1/people/{id}")).await["roles"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Links between bodies and topics.
    let put = |path: &str| app.client.put(app.url(path)).bearer_auth(&token).send();
    assert_eq!(
        put("/api/v1/bodies/SG11/topics/e-services-security")
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        put("/api/v1/bodies/SG11/topics/e-services-security")
            .await
            .unwrap()
            .status(),
        204
    );
    let t = app.get_json("/api/v1/topics/e-services-security").await;
    assert!(t["bodies"].as_array().unwrap().contains(&json!("SG11")));
    let m = app.get_json("/api/v1/matrix").await;
    assert!(
        m["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["row"] == "SG11" && c["column"] == "PSG")
    );
    let del = app
        .client
        .delete(app.url("/api/v1/bodies/SG11/topics/e-services-security"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    let del = app
        .client
        .delete(app.url("/api/v1/bodies/SG11/topics/e-services-security"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 404);
}

async fn topics_and_their_hierarchy(app: TestApp) {
    let token = app.admin_token().await;
    let (s, t) = app
        .post_json(
            "/api/v1/topics",
            &json!({"slug": "remittances", "name": "Cost of remittances", "name_fr": "Coût des envois de fonds", "parent": "dfs"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["parent"], "dfs");
    let dfs = app.get_json("/api/v1/topics/dfs").await;
    assert!(
        dfs["children"]
            .as_array()
            .unwrap()
            .contains(&json!("remittances"))
    );
    // dfs under its own grandchild is a cycle.
    let (s, e) = app
        .patch_json(
            "/api/v1/topics/dfs",
            &json!({"parent": "remittances"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "parent");
    let (s, t) = app
        .patch_json(
            "/api/v1/topics/remittances",
            &json!({"parent": null}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(t["parent"], Value::Null);
}

async fn organizations_can_be_added(app: TestApp) {
    let token = app.admin_token().await;
    let (s, o) = app
        .post_json(
            "/api/v1/organizations",
            &json!({"code": "ETSI", "name": "European Telecommunications Standards Institute", "url": "https://www.etsi.org"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let orgs = app.get_json("/api/v1/organizations").await;
    assert_eq!(
        field_values(orgs.as_array().unwrap(), "code"),
        ["ITU", "UPU", "ETSI"]
    );
    let (s, o) = app
        .patch_json(
            "/api/v1/organizations/etsi",
            &json!({"name_fr": "Institut européen des normes de télécommunication"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(
        o["name_fr"],
        "Institut européen des normes de télécommunication"
    );
    // The matrix can pair any two organizations.
    let m = app.get_json("/api/v1/matrix?rows=ETSI&columns=UPU").await;
    assert!(m["cells"].as_array().unwrap().is_empty());
}

async fn pagination_and_filters(app: TestApp) {
    let all = app.get_json("/api/v1/bodies?per_page=500").await;
    let total = all["total"].as_u64().unwrap();
    let first = app.get_json("/api/v1/bodies?per_page=5&page=1").await;
    let second = app.get_json("/api/v1/bodies?per_page=5&page=2").await;
    assert_eq!(first["total"].as_u64().unwrap(), total);
    assert_eq!(items(&first).len(), 5);
    assert_eq!(first["page"], 1);
    assert_eq!(second["page"], 2);
    let a = field_values(items(&first), "code");
    let b = field_values(items(&second), "code");
    assert!(a.iter().all(|c| !b.contains(c)), "pages overlap");
    let beyond = app.get_json("/api/v1/bodies?page=99").await;
    assert!(items(&beyond).is_empty());
    let q = app.get_json("/api/v1/bodies?q=postal%20security").await;
    assert_eq!(field_values(items(&q), "code"), ["PSG"]);
    let t = app.get_json("/api/v1/bodies?topic=qos").await;
    assert_eq!(field_values(items(&t), "code"), ["SG12", "POC-C1"]);
    let p = app.get_json("/api/v1/bodies?parent=POC-C1").await;
    assert_eq!(field_values(items(&p), "code"), ["SB", "PSG", "ADDR"]);
    let unknown = app.get_json("/api/v1/bodies?organization=NOPE").await;
    assert_eq!(unknown["total"], 0);
}

async fn secretariat_tokens_edit_only_their_organization(app: TestApp) {
    use liaise_service::domain::{Code, Role};
    let upu = app
        .token(Role::Secretariat(Code::parse("c", "UPU").unwrap()))
        .await;
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/POC-C1",
            &json!({"name_fr": "Commission 1 du CEP"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 200);
    let (s, e) = app
        .patch_json(
            "/api/v1/bodies/SG12",
            &json!({"name_fr": "CE 12"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 403, "{e}");
    // Moving a UPU body into an ITU-only joint ownership needs both sides' rights: refused.
    let (s, _) = app
        .patch_json(
            "/api/v1/bodies/PSG",
            &json!({"organizations": ["ITU"]}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .post_json(
            "/api/v1/organizations",
            &json!({"code": "X", "name": "X"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(
        app.get_json("/api/v1/bodies/SG12").await["name_fr"],
        Value::Null
    );
}

mod audit {
    use liaise_testkit::{TestApp, backend_tests, items, json};

    backend_tests!(every_write_is_audited_with_before_and_after);

    async fn every_write_is_audited_with_before_and_after(app: TestApp) {
        let token = app.admin_token().await;
        let (s, _) = app
            .patch_json(
                "/api/v1/bodies/SG12",
                &json!({"name_fr": "Commission d'études 12"}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 200);
        let (s, _) = app
            .post_json(
                "/api/v1/topics",
                &json!({"slug": "audited", "name": "Audited"}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 201);
        // A refused write leaves no entry.
        let (s, _) = app
            .post_json(
                "/api/v1/topics",
                &json!({"slug": "audited", "name": "Again"}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 409);

        let r = app
            .client
            .get(app.url("/api/v1/audit?entity=body&key=SG12"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let page: serde_json::Value = r.json().await.unwrap();
        let entries = items(&page);
        assert_eq!(entries.len(), 1, "{page}");
        let e = &entries[0];
        assert_eq!(e["action"], "update");
        assert_eq!(e["actor"], "token:test");
        assert_eq!(
            e["changes"],
            json!({"name_fr": {"before": null, "after": "Commission d'études 12"}})
        );

        let r = app
            .client
            .get(app.url("/api/v1/audit?entity=topic"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = r.json().await.unwrap();
        assert_eq!(page["total"], 1, "{page}");
        assert_eq!(items(&page)[0]["changes"]["name"]["after"], "Audited");
        // Token creation is audited too.
        let r = app
            .client
            .get(app.url("/api/v1/audit?entity=token&action=create"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = r.json().await.unwrap();
        assert!(page["total"].as_u64().unwrap() >= 1);

        // Only administrators read it; nobody can change it through the API.
        assert_eq!(app.get("/api/v1/audit").await.status(), 401);
        let member = app.token(liaise_service::domain::Role::Member).await;
        let r = app
            .client
            .get(app.url("/api/v1/audit"))
            .bearer_auth(&member)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        for method in [
            reqwest::Method::POST,
            reqwest::Method::PUT,
            reqwest::Method::PATCH,
            reqwest::Method::DELETE,
        ] {
            let r = app
                .client
                .request(method.clone(), app.url("/api/v1/audit"))
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 405, "{method} /api/v1/audit");
        }
    }
}

mod activities {
    use liaise_service::domain::{Code, Role};
    use liaise_testkit::{TestApp, backend_tests, field_values, items, json};

    backend_tests!(
        activities_are_recorded_edited_and_listed,
        reference_facts_are_public_activities
    );

    async fn activities_are_recorded_edited_and_listed(app: TestApp) {
        let itu = app
            .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
            .await;
        let upu = app
            .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
            .await;
        let (s, a) = app
            .post_json(
                "/api/v1/activities",
                &json!({"kind": "meeting", "title": "Joint secretariat meeting on DFS", "date": "2026-02-10",
                        "access": "members", "bodies": ["TSB", "IB"], "topics": ["dfs"]}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 201, "{a}");
        assert_eq!(
            a["organizations"],
            json!(["ITU", "UPU"]),
            "owners come from the bodies"
        );
        let id = a["id"].as_i64().unwrap();
        // Either secretariat of a joint item may edit it.
        let (s, a) = app
            .patch_json(
                &format!("/api/v1/activities/{id}"),
                &json!({"summary": "Minutes to follow."}),
                Some(&upu),
            )
            .await;
        assert_eq!(s, 200, "{a}");
        assert_eq!(a["summary"], "Minutes to follow.");
        // The public does not see it; members do.
        assert_eq!(
            app.get(&format!("/api/v1/activities/{id}")).await.status(),
            404
        );
        let member = app.token(Role::Member).await;
        let r = app
            .client
            .get(app.url("/api/v1/activities?topic=dfs&year=2026"))
            .bearer_auth(&member)
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            field_values(items(&page), "title"),
            ["Joint secretariat meeting on DFS"]
        );
        // A member may not write; an ITU-only item is not UPU's to edit.
        let (s, _) = app
            .post_json(
                "/api/v1/activities",
                &json!({"kind": "note", "title": "x", "bodies": ["SG12"]}),
                Some(&member),
            )
            .await;
        assert_eq!(s, 403);
        let (s, b) = app.post_json("/api/v1/activities", &json!({"kind": "note", "title": "ITU note", "bodies": ["SG12"], "access": "secretariat"}), Some(&itu)).await;
        assert_eq!(s, 201);
        let itu_only = b["id"].as_i64().unwrap();
        let (s, _) = app
            .patch_json(
                &format!("/api/v1/activities/{itu_only}"),
                &json!({"title": "taken"}),
                Some(&upu),
            )
            .await;
        assert_eq!(
            s, 404,
            "hidden from UPU, so not found rather than forbidden"
        );
        // Bad input.
        for (body, field) in [
            (
                json!({"kind": "rumour", "title": "x", "bodies": ["SG12"]}),
                "kind",
            ),
            (json!({"kind": "note", "title": "x"}), "bodies"),
            (
                json!({"kind": "note", "title": "x", "bodies": ["SG99"]}),
                "bodies[0]",
            ),
            (
                json!({"kind": "note", "title": "x", "bodies": ["SG12"], "topics": ["nope"]}),
                "topics[0]",
            ),
            (
                json!({"kind": "note", "title": "x", "bodies": ["SG12"], "access": "everyone"}),
                "access",
            ),
            (
                json!({"kind": "note", "title": "x", "bodies": ["SG12"], "date": "2026-13-01"}),
                "date",
            ),
        ] {
            let (s, e) = app.post_json("/api/v1/activities", &body, Some(&itu)).await;
            assert_eq!(s, 422, "{body}: {e}");
            assert_eq!(e["errors"][0]["field"], field, "{body}: {e}");
        }
        // The page shows it to a signed-in member, with its restriction.
        let cookie = app.session_as(Role::Member).await;
        let (s, html) = app.page_as(&format!("/activities/{id}"), &cookie).await;
        assert_eq!(s, 200);
        assert!(html.contains("Joint secretariat meeting on DFS") && html.contains("members only"));
        let (_, topic) = app.page_as("/topics/dfs", &cookie).await;
        assert!(topic.contains(&format!("href=\"/activities/{id}\"")));
        let (s, _) = app.page(&format!("/activities/{id}")).await;
        assert_eq!(s, 404);
    }

    async fn reference_facts_are_public_activities(app: TestApp) {
        let page = app.get_json("/api/v1/activities").await;
        let titles = field_values(items(&page), "title");
        assert!(
            titles.contains(&"Memorandum of understanding between ITU and UPU".to_owned()),
            "{titles:?}"
        );
        let mou = items(&page)
            .iter()
            .find(|a| a["kind"] == "agreement")
            .unwrap();
        assert_eq!(mou["date"], "2014-03-26");
        assert_eq!(mou["access"], "public");
        let dfs = app
            .get_json("/api/v1/activities?topic=financial-inclusion")
            .await;
        assert_eq!(dfs["total"], 1);
        let (_, html) = app.page("/").await;
        assert!(html.contains("Memorandum of understanding between ITU and UPU"));
    }
}
