//! The pages people read, in English and French.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, json};

backend_tests!(
    home_and_navigation,
    topic_page_shows_both_organizations_side_by_side,
    matrix_page_links_each_topic,
    body_page_shows_hierarchy_people_and_counterparts,
    french_from_the_browser_and_from_the_switch,
    text_is_escaped_everywhere,
    unknown_pages_are_404_pages,
    error_pages_keep_the_session_and_say_what_happened,
);

async fn home_and_navigation(app: TestApp) {
    let (s, html) = app.page("/").await;
    assert_eq!(s, 200);
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("International Telecommunication Union"));
    assert!(html.contains("Universal Postal Union"));
    assert!(html.contains("href=\"/topics/dfs\""));
    assert!(html.contains("href=\"/matrix\""));
    assert!(
        html.contains("href=\"/lang/fr?next=/\""),
        "no language switch"
    );
    for path in [
        "/topics",
        "/bodies",
        "/bodies?organization=UPU&kind=committee",
        "/people",
        "/organizations/UPU",
        "/organizations/itu",
        "/static/style.css",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let (_, upu) = app.page("/organizations/UPU").await;
    assert!(
        upu.contains("POC-C1") && upu.contains("depth-1"),
        "UPU tree lacks nesting"
    );
    let (_, committees) = app.page("/bodies?organization=UPU&kind=committee").await;
    assert!(committees.contains("POC-C4") && !committees.contains(">SG12<"));
}

async fn topic_page_shows_both_organizations_side_by_side(app: TestApp) {
    let (s, html) = app.page("/topics/dfs").await;
    assert_eq!(s, 200);
    assert!(html.contains("Digital financial services"));
    let itu = html.find("Bodies of ITU").expect("ITU column");
    let upu = html.find("Bodies of UPU").expect("UPU column");
    assert!(itu < upu);
    let (itu_part, upu_part) = html.split_at(upu);
    for code in ["SG3", "SG17", "FG-DFS"] {
        assert!(
            itu_part[itu..].contains(&format!("href=\"/bodies/{code}\"")),
            "{code} not in the ITU column"
        );
    }
    for code in ["POC-C4", "IB-FSI"] {
        assert!(
            upu_part.contains(&format!("href=\"/bodies/{code}\"")),
            "{code} not in the UPU column"
        );
    }
    assert!(
        html.contains("to be confirmed"),
        "POC-C4 and SG3 are marked confirm = true"
    );
    assert!(
        html.contains("href=\"/topics/mobile-payment-costs\""),
        "subtopics listed"
    );
}

async fn matrix_page_links_each_topic(app: TestApp) {
    let (s, html) = app.page("/matrix").await;
    assert_eq!(s, 200);
    let m = app.get_json("/api/v1/matrix").await;
    for cell in m["cells"].as_array().unwrap() {
        for t in cell["topics"].as_array().unwrap() {
            assert!(html.contains(&format!("href=\"/topics/{}\"", t.as_str().unwrap())));
        }
    }
    assert_eq!(
        html.matches("class=\"hit\"").count(),
        m["cells"].as_array().unwrap().len()
    );
}

async fn body_page_shows_hierarchy_people_and_counterparts(app: TestApp) {
    let token = app.admin_token().await;
    let (_, p) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Jean Martin", "organization": "ITU", "email": "jm@example.org"}),
            Some(&token),
        )
        .await;
    let id = p["id"].as_i64().unwrap();
    app.post_json(
        &format!("/api/v1/people/{id}/roles"),
        &json!({"body": "SG12", "role": "chair", "from": "2025-01-01"}),
        Some(&token),
    )
    .await;
    let (s, html) = app.page("/bodies/SG12").await;
    assert_eq!(s, 200);
    assert!(html.contains("href=\"/bodies/ITU-T\""), "no parent crumb");
    assert!(html.contains("Jean Martin") && html.contains("Chair"));
    assert!(html.contains("1 Jan 2025"), "dates are localized");
    assert!(
        html.contains("href=\"/bodies/POC-C1\""),
        "counterpart on QoS missing"
    );
    assert!(
        !html.contains("jm@example.org"),
        "e-mail shown to the public"
    );
    let (_, person) = app.page(&format!("/people/{id}")).await;
    assert!(person.contains("href=\"/bodies/SG12\""));
    let (_, poc) = app.page("/bodies/POC").await;
    assert!(poc.contains("href=\"/bodies/POC-C1\""), "children listed");
}

async fn french_from_the_browser_and_from_the_switch(app: TestApp) {
    let r = app
        .get_lang("/topics/dfs", "fr-CH, fr;q=0.9, en;q=0.5")
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(
        html.contains("Services financiers numériques"),
        "French topic name"
    );
    assert!(html.contains("Thèmes"), "French navigation");
    assert!(
        html.contains("Organes de l&#39;UPU") || html.contains("Organes de l&#x27;UPU"),
        "French column heading"
    );
    let r = app.get_lang("/bodies/POC", "fr").await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Conseil d&#39;exploitation postale")
            || html.contains("Conseil d&#x27;exploitation postale"),
        "French body name"
    );
    // The switch wins over the browser and is remembered.
    let r = app.get("/lang/en?next=/topics/dfs").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/topics/dfs");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=en;"));
    let r = app
        .client
        .get(app.url("/topics/dfs"))
        .header("accept-language", "fr")
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("Digital financial services"));
    // Only local paths are followed.
    let r = app.get("/lang/fr?next=//evil.example/").await;
    assert_eq!(r.headers()["location"], "/");
    let r = app.get("/lang/de").await;
    assert_eq!(r.status(), 404);
    // Tabs and line breaks cannot smuggle another site or a header through the switch.
    for next in [
        "/%09/evil.example",
        "/%0d%0aSet-Cookie:x=1",
        "/%5Cevil.example",
    ] {
        let r = app.get(&format!("/lang/fr?next={next}")).await;
        assert_eq!(r.status(), 303, "{next}");
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
}

async fn text_is_escaped_everywhere(app: TestApp) {
    let token = app.admin_token().await;
    let evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
    let (s, v) = app
        .post_json(
            "/api/v1/bodies",
            &json!({"code": "EVIL", "name": evil, "kind": "other", "organization": "UPU", "mandate": evil}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    app.client
        .put(app.url("/api/v1/bodies/EVIL/topics/qos"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (_, p) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": evil, "affiliation": evil}),
            Some(&token),
        )
        .await;
    let id = p["id"].as_i64().unwrap();
    app.post_json(
        &format!("/api/v1/people/{id}/roles"),
        &json!({"body": "EVIL", "role": "member"}),
        Some(&token),
    )
    .await;
    for path in [
        "/bodies/EVIL",
        "/topics/qos",
        "/matrix",
        "/bodies",
        "/bodies?q=%3Cscript%3E",
        "/organizations/UPU",
        "/people",
        &format!("/people/{id}"),
    ] {
        let (s, html) = app.page(path).await;
        assert_eq!(s, 200, "{path}");
        assert!(!html.contains("<script>"), "{path} echoes a script tag");
        assert!(!html.contains("<img src=x"), "{path} echoes an element");
    }
    // Every other text field: organizations, topics, activities.
    app.post_json(
        "/api/v1/organizations",
        &json!({"code": "EVILORG", "name": evil, "name_fr": evil}),
        Some(&token),
    )
    .await;
    app.post_json(
        "/api/v1/topics",
        &json!({"slug": "evil", "name": evil, "name_fr": evil, "description": evil}),
        Some(&token),
    )
    .await;
    app.client
        .put(app.url("/api/v1/bodies/EVIL/topics/evil"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (s, a) = app
        .post_json("/api/v1/activities", &json!({"kind": "note", "title": evil, "summary": evil, "bodies": ["EVIL"], "topics": ["evil"]}), Some(&token))
        .await;
    assert_eq!(s, 201, "{a}");
    let aid = a["id"].as_i64().unwrap();
    for path in [
        "/",
        "/topics",
        "/topics/evil",
        "/activities",
        &format!("/activities/{aid}"),
        "/organizations/EVILORG",
        "/matrix?rows=EVILORG&columns=UPU",
        "/bodies?organization=EVILORG",
    ] {
        for lang in ["en", "fr"] {
            let r = app.get_lang(path, lang).await;
            assert_eq!(r.status(), 200, "{path}");
            let html = r.text().await.unwrap();
            assert!(
                !html.contains("<script>") && !html.contains("<img src=x"),
                "{path} ({lang}) echoes markup"
            );
        }
    }
    let (_, html) = app.page("/bodies/EVIL").await;
    assert!(
        html.contains("alert(1)")
            && (html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;")),
        "the name is shown, escaped"
    );
}

async fn unknown_pages_are_404_pages(app: TestApp) {
    for path in [
        "/bodies/NOPE",
        "/topics/nope",
        "/people/99999",
        "/people/abc",
        "/organizations/NOPE",
        "/nowhere",
        "/bodies/%3Cx%3E",
    ] {
        let (s, html) = app.page(path).await;
        assert_eq!(s, 404, "{path}");
        assert!(html.contains("<html"), "{path} is not a page");
    }
    let r = app.get_lang("/bodies/NOPE", "fr").await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Cette page n&#39;existe pas")
            || html.contains("Cette page n&#x27;existe pas"),
        "{html}"
    );
}

/// A signed-in person stays signed in on an error page, and the page is headed by what
/// happened, not "Something went wrong".
async fn error_pages_keep_the_session_and_say_what_happened(app: TestApp) {
    let member = app.session_as(Role::Member).await;
    for path in ["/bodies/NOPE", "/nowhere/at/all", "/liaisons/999999"] {
        let (s, html) = app.page_as(path, &member).await;
        assert_eq!(s, 404, "{path}");
        assert!(
            html.contains("action=\"/logout\""),
            "{path} shows the reader signed out"
        );
        assert!(html.contains("<h1>Page not found</h1>"), "{path}: {html}");
        assert!(!html.contains("Something went wrong"), "{path}");
    }
    // A member may not record statements: a 403 headed by what was refused.
    let (s, html) = app.page_as("/liaisons/new", &member).await;
    assert_eq!(s, 403);
    assert!(
        html.contains("action=\"/logout\""),
        "403 shows the reader signed out"
    );
    assert!(
        html.contains("You cannot record or change statements for this organization"),
        "{html}"
    );
    assert!(!html.contains("Something went wrong"));
    // A secretariat of UPU refused an ITU-only change on a page: its own heading too.
    let upu = app
        .session_as(Role::Secretariat(
            Code::parse("organization", "UPU").unwrap(),
        ))
        .await;
    let (s, html) = app.page_as("/documents/import", &upu).await;
    assert_eq!(s, 200, "a secretariat may open the import form");
    assert!(html.contains("action=\"/logout\""));
    // Anonymous readers still see the sign-in link, never someone else's header.
    let (s, html) = app.page("/nowhere/at/all").await;
    assert_eq!(s, 404);
    assert!(!html.contains("action=\"/logout\""));
    // A cookie that names no session reads on as the public.
    let (s, html) = app.page_as("/nowhere", "liaise_session=forged").await;
    assert_eq!(s, 404);
    assert!(!html.contains("action=\"/logout\""));
    // In French too.
    let r = app
        .client
        .get(app.url("/bodies/NOPE"))
        .header("cookie", format!("{member}; lang=fr"))
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Page introuvable</h1>"), "{html}");
    assert!(html.contains("action=\"/logout\""));
}
