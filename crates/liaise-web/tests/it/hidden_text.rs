//! Text and file names that hide or lie (invisible-only, noncharacters, bidirectional
//! overrides, device and hidden file names) are refused with their field, and nothing is kept.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, json, read};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

backend_tests!(
    titles_and_names_that_hide_or_lie_are_refused_with_their_field,
    upload_names_that_hide_or_lie_are_refused_and_nothing_is_stored,
);

/// The values every text field refuses, with a part of the message each gives.
const HIDING: [(&str, &str); 7] = [
    ("\u{200B}", "only invisible characters"),
    (" \u{200B}\u{2060}\u{FEFF} ", "only invisible characters"),
    ("LS on QoS\u{FFFE}", "U+FFFE (a noncharacter"),
    ("LS on QoS\u{FFFF}", "U+FFFF (a noncharacter"),
    ("LS on \u{202E}SoQ", "U+202E (a bidirectional override"),
    ("LS on \u{202A}QoS", "U+202A (a bidirectional override"),
    (
        "LS on \u{2066}QoS\u{2069}",
        "U+2066 (a bidirectional override",
    ),
];

/// A 422 problem whose errors name `field` with a message containing `message`.
fn assert_refused(case: &str, status: u16, v: &Value, field: &str, message: &str) {
    assert_eq!(status, 422, "{case}: {v}");
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == field
                && e["message"].as_str().is_some_and(|m| m.contains(message))),
        "{case}: no error on {field} saying {message:?}: {v}"
    );
}

/// How many statements, topics and people there are.
async fn totals(app: &TestApp, admin: &str) -> Vec<Value> {
    let mut t = Vec::new();
    for list in ["liaisons", "topics", "people"] {
        t.push(app.get_json_as(&format!("/api/v1/{list}"), admin).await["total"].clone());
    }
    t
}

async fn titles_and_names_that_hide_or_lie_are_refused_with_their_field(app: TestApp) {
    let admin = app.admin_token().await;
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let before = totals(&app, &admin).await;
    for (i, (value, message)) in HIDING.iter().enumerate() {
        let statement = json!({"title": value, "from": ["SG12"],
            "addressees": [{"body": "SG13", "purpose": "information"}],
            "date": "2026-04-01", "access": "public"});
        let (s, v) = app
            .post_json("/api/v1/liaisons", &statement, Some(&itu))
            .await;
        assert_refused(
            &format!("statement title {value:?}"),
            s.as_u16(),
            &v,
            "title",
            message,
        );
        let topic = json!({"slug": format!("hiding-{i}"), "name": value});
        let (s, v) = app.post_json("/api/v1/topics", &topic, Some(&admin)).await;
        assert_refused(
            &format!("topic name {value:?}"),
            s.as_u16(),
            &v,
            "name",
            message,
        );
        let person = json!({"name": value, "email": format!("p{i}@example.org")});
        let (s, v) = app.post_json("/api/v1/people", &person, Some(&admin)).await;
        assert_refused(
            &format!("person name {value:?}"),
            s.as_u16(),
            &v,
            "name",
            message,
        );
    }
    // An edit is held to the same rules.
    let (s, v) = app
        .patch_json(
            "/api/v1/topics/dfs",
            &json!({"name": "\u{200B}"}),
            Some(&admin),
        )
        .await;
    assert_refused(
        "topic rename",
        s.as_u16(),
        &v,
        "name",
        "only invisible characters",
    );
    // A statement's Markdown text keeps its lines, but not an override.
    let statement = |text: &str| {
        json!({"title": "LS on QoS", "from": ["SG12"], "text": text,
               "addressees": [{"body": "SG13", "purpose": "information"}],
               "date": "2026-04-01", "access": "public"})
    };
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons",
            &statement("# QoS\n\n\tSee \u{202E}exe.txt"),
            Some(&itu),
        )
        .await;
    assert_refused("statement text", s.as_u16(), &v, "text", "U+202E");
    assert_eq!(totals(&app, &admin).await, before, "nothing was written");
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons",
            &statement("# QoS\r\n\n\tSee the annex."),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["text"], "# QoS\r\n\n\tSee the annex.");
}

async fn upload(app: &TestApp, token: &str, id: i64, name: &str) -> (u16, Value) {
    let form = Form::new().part(
        "file",
        Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name(name.to_owned()),
    );
    let r = app
        .client
        .post(app.url(&format!("/api/v1/liaisons/{id}/attachments")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, v) = read(r).await;
    (s.as_u16(), v)
}

/// The files kept under the data folder.
fn kept(app: &TestApp) -> usize {
    let dir = app.files.path().join("files");
    let Ok(shards) = std::fs::read_dir(dir) else {
        return 0;
    };
    shards
        .flatten()
        .map(|d| std::fs::read_dir(d.path()).map_or(0, |f| f.count()))
        .sum()
}

async fn upload_names_that_hide_or_lie_are_refused_and_nothing_is_stored(app: TestApp) {
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS with annexes", "from": ["SG12"],
                    "addressees": [{"body": "SG13", "purpose": "information"}],
                    "date": "2026-04-01", "state": "sent", "access": "public"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let id = ls["id"].as_i64().unwrap();
    let files_before = kept(&app);
    for (name, message) in [
        ("a\u{202E}txt.exe", "U+202E (a bidirectional override"),
        ("annex\u{2067}.pdf", "U+2067"),
        ("annex\u{FFFF}.pdf", "U+FFFF (a noncharacter"),
        ("\u{200B}", "only invisible"),
        ("con", "Windows keeps for a device"),
        ("NUL.pdf", "Windows keeps for a device"),
        ("com1.pdf", "Windows keeps for a device"),
        ("lpt1", "Windows keeps for a device"),
        (".hidden", "starts with `.`"),
    ] {
        let (s, v) = upload(&app, &itu, id, name).await;
        assert_refused(&format!("file {name:?}"), s, &v, "file", message);
    }
    let ls = app
        .get_json_as(&format!("/api/v1/liaisons/{id}"), &itu)
        .await;
    assert_eq!(ls["attachments"], json!([]), "no refused file was recorded");
    assert_eq!(kept(&app), files_before, "no refused file was kept");
    // The same content under a plain name is taken.
    let (s, v) = upload(&app, &itu, id, "console.pdf").await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(kept(&app), files_before + 1);
}
