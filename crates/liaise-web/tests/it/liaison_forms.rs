//! Liaison statements through the pages: forms with CSRF tokens, buttons by role, rows closed
//! without reply, Markdown rendered safely, and the CSV export.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, hidden_field, json, reqwest::StatusCode};

backend_tests!(
    a_secretariat_records_edits_approves_and_sends_through_forms,
    forms_are_refused_without_token_or_rights,
    a_refused_form_comes_back_with_what_was_typed,
    files_are_attached_through_the_page,
    rows_are_closed_without_reply,
    text_is_markdown_rendered_safely,
    the_list_exports_as_csv_with_what_the_reader_may_see,
    csv_exports_never_carry_a_formula,
    remembered_lists_show_a_write_at_once_and_keep_scopes_apart,
    the_history_shows_every_event_and_takes_comments,
);

fn itu() -> Role {
    Role::Secretariat(Code::parse("o", "ITU").unwrap())
}

/// POSTs a form with a session; answers the status, the `Location` and the body.
async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let r = app
        .client
        .post(app.url(path))
        .header("cookie", cookie)
        .form(pairs)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, r.text().await.unwrap())
}

/// How many statements the public sees (the reference data brings one from the start).
async fn public_total(app: &TestApp) -> serde_json::Value {
    app.get_json("/api/v1/liaisons").await["total"].clone()
}

/// The CSRF token of a signed-in page.
async fn csrf(app: &TestApp, cookie: &str) -> String {
    let (_, page) = app.page_as("/liaisons", cookie).await;
    hidden_field(&page, "csrf").expect("a csrf field on the page of a signed-in reader")
}

/// A new statement form, filled: TSAG to POC for action and SG12 for information.
fn statement<'a>(token: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("title", title),
        ("summary", "Asks the POC for its vision"),
        ("date", "2025-11-03"),
        ("approval_level", "study-group"),
        ("from", "TSAG"),
        ("questions", "Q1/12, Q2/12"),
        ("row-0-body", "POC"),
        ("row-0-purpose", "action"),
        ("row-0-deadline", "2026-01-15"),
        ("row-1-body", ""),
        ("row-1-purpose", "action"),
        ("row-1-deadline", ""),
        ("row-2-body", "SG12"),
        ("row-2-purpose", "information"),
        ("row-2-deadline", ""),
        ("contact-0-name", "Ada Chair"),
        ("contact-0-email", "ada@example.org"),
        ("contact-0-role", "sender"),
        ("other_reference", "TSAG-TD999"),
        ("meeting", "TSAG, Geneva, 3-7 November 2025"),
        ("topics", "qos"),
        ("topics", "dfs"),
        ("access", "public"),
        ("state", "draft"),
        ("text", "TSAG invites the POC to share its vision."),
    ]
}

async fn a_secretariat_records_edits_approves_and_sends_through_forms(app: TestApp) {
    let before = public_total(&app).await;
    let cookie = app.session_as(itu()).await;
    let (s, form) = app.page_as("/liaisons/new", &cookie).await;
    assert_eq!(s, 200, "{form}");
    for n in 0..5 {
        assert!(form.contains(&format!("name=\"row-{n}-body\"")), "row {n}");
    }
    assert!(!form.contains("name=\"row-5-body\""));
    let token = hidden_field(&form, "csrf").unwrap();
    // "Add a row" shows the form again with one more row and what was typed.
    let mut more = statement(&token, "LS on collaboration");
    more.push(("row-4-body", ""));
    more.push(("add_row", "1"));
    let (s, _, page) = post_form(&app, "/liaisons/new", &cookie, &more).await;
    assert_eq!(s, 200);
    assert!(page.contains("name=\"row-5-body\""), "one more row");
    assert!(page.contains("value=\"LS on collaboration\""));
    assert_eq!(
        public_total(&app).await,
        before,
        "adding a row saves nothing"
    );

    let (s, location, body) = post_form(
        &app,
        "/liaisons/new",
        &cookie,
        &statement(&token, "LS on collaboration"),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    let id = location.strip_prefix("/liaisons/").unwrap().to_owned();
    // A draft is read by its secretariats only.
    let itu_token = app.token(itu()).await;
    let ls = app
        .get_json_as(&format!("/api/v1/liaisons/{id}"), &itu_token)
        .await;
    assert_eq!(ls["state"], "draft");
    assert_eq!(ls["from"], json!(["TSAG"]));
    assert_eq!(ls["questions"], json!(["Q1/12", "Q2/12"]));
    assert_eq!(ls["topics"].as_array().unwrap().len(), 2);
    assert_eq!(ls["addressees"][0]["body"], "POC");
    assert_eq!(ls["addressees"][0]["deadline"], "2026-01-15");
    assert_eq!(ls["addressees"][1]["body"], "SG12");
    assert_eq!(ls["other_reference"], "TSAG-TD999");
    assert_eq!(ls["approval_level"], "study-group");
    assert_eq!(ls["meeting"], "TSAG, Geneva, 3-7 November 2025");

    // Buttons for the secretariat; none for a member or the public.
    let (_, page) = app.page_as(&location, &cookie).await;
    for needle in [
        "action=\"/liaisons/",
        "name=\"to\" value=\"approved\"",
        "name=\"to\" value=\"withdrawn\"",
        "/edit\"",
        "enctype=\"multipart/form-data\"",
    ] {
        assert!(page.contains(needle), "{needle} missing");
    }
    assert!(
        !page.contains("name=\"to\" value=\"sent\""),
        "a draft is not sent"
    );
    let member = app.session_as(Role::Member).await;
    let (_, page) = app.page_as(&location, &member).await;
    assert!(!page.contains("name=\"to\""), "a member sees no button");
    assert!(!page.contains("/edit\""));
    let (_, page) = app.page(&location).await;
    assert!(!page.contains("name=\"to\""));

    // Edit the draft: the form shows its values; the change is kept.
    let (s, edit) = app.page_as(&format!("/liaisons/{id}/edit"), &cookie).await;
    assert_eq!(s, 200);
    assert!(edit.contains("value=\"LS on collaboration\""));
    assert!(edit.contains("value=\"2026-01-15\""));
    let mut changed = statement(&token, "LS on collaboration (revised)");
    changed.retain(|(k, _)| *k != "state");
    let (s, location, body) =
        post_form(&app, &format!("/liaisons/{id}/edit"), &cookie, &changed).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(location, format!("/liaisons/{id}"));
    let ls = app
        .get_json_as(&format!("/api/v1/liaisons/{id}"), &itu_token)
        .await;
    assert_eq!(ls["title"], "LS on collaboration (revised)");

    // Approve (it gets its number), then send.
    let (s, location, _) = post_form(
        &app,
        &format!("/liaisons/{id}/transition"),
        &cookie,
        &[("csrf", &token), ("to", "approved")],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(location, "/liaisons/TSAG-LS1");
    let (_, page) = app.page_as(&location, &cookie).await;
    assert!(page.contains("name=\"to\" value=\"sent\""));
    assert!(
        !page.contains("/edit\""),
        "an approved statement is not edited"
    );
    let (s, _, _) = post_form(
        &app,
        "/liaisons/TSAG-LS1/transition",
        &cookie,
        &[("csrf", &token), ("to", "sent")],
    )
    .await;
    assert_eq!(s, 303);
    let ls = app.get_json("/api/v1/liaisons/TSAG-LS1").await;
    assert_eq!(ls["state"], "sent");
    let (s, _) = app.page_as(&format!("/liaisons/{id}/edit"), &cookie).await;
    assert_eq!(s, 409, "a sent statement has no edit form");

    // Record a reply: the form is filled with the thread and the reversed addressees; its
    // source is the addressee the reply answers (POC, for action), not SG12, which had the
    // statement for information only.
    let upu = app
        .session_as(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let (s, reply) = app.page_as("/liaisons/TSAG-LS1/reply", &upu).await;
    assert_eq!(s, 200, "{reply}");
    assert!(reply.contains(&format!(
        "name=\"in_reply_to\" inputmode=\"numeric\" size=\"8\" value=\"{id}\""
    )));
    assert!(reply.contains("name=\"from\" value=\"POC\""), "{reply}");
    assert!(!reply.contains("value=\"POC, SG12\""), "{reply}");
    assert!(reply.contains("name=\"row-0-body\" aria-label=\"Body 1\" size=\"10\" value=\"TSAG\""));
    let upu_token = csrf(&app, &upu).await;
    let (s, location, body) = post_form(
        &app,
        "/liaisons/new",
        &upu,
        &[
            ("csrf", &upu_token),
            ("title", "Reply to TSAG-LS1"),
            ("date", "2026-01-10"),
            ("from", "POC"),
            ("row-0-body", "TSAG"),
            ("row-0-purpose", "information"),
            ("access", "public"),
            ("state", "sent"),
            ("in_reply_to", &id),
            ("related_to", &id),
        ],
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(location, "/liaisons/POC-LS1", "recorded as sent: numbered");
    let original = app.get_json("/api/v1/liaisons/TSAG-LS1").await;
    assert_eq!(original["addressees"][0]["reply_state"], "replied");
    let reply = app.get_json("/api/v1/liaisons/POC-LS1").await;
    assert_eq!(reply["related_to"].to_string(), id);
    let (_, page) = app.page("/liaisons/POC-LS1").await;
    assert!(page.contains("Related to"), "{page}");
}

async fn forms_are_refused_without_token_or_rights(app: TestApp) {
    let before = public_total(&app).await;
    // The public is sent to sign in; a member is refused.
    let r = app.get("/liaisons/new").await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, "/login?next=%2Fliaisons%2Fnew");
    let member = app.session_as(Role::Member).await;
    let (s, page) = app.page_as("/liaisons/new", &member).await;
    assert_eq!(s, 403, "{page}");
    let member_token = csrf(&app, &member).await;
    let (s, _, _) = post_form(
        &app,
        "/liaisons/new",
        &member,
        &statement(&member_token, "Member LS"),
    )
    .await;
    assert_eq!(s, 403, "a member may not record a statement");

    // A secretariat's form without its token, or with another session's, is refused.
    let cookie = app.session_as(itu()).await;
    let mut no_token = statement("", "Forged LS");
    no_token.retain(|(k, _)| *k != "csrf");
    let (s, _, body) = post_form(&app, "/liaisons/new", &cookie, &no_token).await;
    assert_eq!(s, 403, "{body}");
    assert!(body.contains("did not come from this site"));
    let (s, _, _) = post_form(
        &app,
        "/liaisons/new",
        &cookie,
        &statement(&member_token, "Forged LS"),
    )
    .await;
    assert_eq!(s, 403, "another session's token");
    // A cross-site post is refused before anything else.
    let token = csrf(&app, &cookie).await;
    let r = app
        .client
        .post(app.url("/liaisons/new"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .form(&statement(&token, "Cross-site LS"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let admin = app.admin_token().await;
    let (_, all) = app
        .send_json(
            reqwest::Method::GET,
            "/api/v1/liaisons",
            &json!(null),
            Some(&admin),
        )
        .await;
    assert_eq!(all["total"], before, "nothing was recorded: {all}");

    // Buttons are checked again on their own: a member's transition is refused.
    let (s, _, _) = post_form(
        &app,
        "/liaisons/new",
        &cookie,
        &statement(&token, "Real LS"),
    )
    .await;
    assert_eq!(s, 303);
    let (_, all) = app
        .send_json(
            reqwest::Method::GET,
            "/api/v1/liaisons",
            &json!(null),
            Some(&admin),
        )
        .await;
    let id = all["items"][0]["id"].as_i64().unwrap();
    let (s, _, _) = post_form(
        &app,
        &format!("/liaisons/{id}/transition"),
        &member,
        &[("csrf", &member_token), ("to", "approved")],
    )
    .await;
    assert_eq!(s, 404, "a draft is hidden from a member");
    let (s, _, _) = post_form(
        &app,
        &format!("/liaisons/{id}/transition"),
        &cookie,
        &[("to", "approved")],
    )
    .await;
    assert_eq!(s, 403, "no token");
    let ls = app
        .get_json_as(&format!("/api/v1/liaisons/{id}"), &admin)
        .await;
    assert_eq!(ls["state"], "draft");
}

async fn a_refused_form_comes_back_with_what_was_typed(app: TestApp) {
    let before = public_total(&app).await;
    let cookie = app.session_as(itu()).await;
    let token = csrf(&app, &cookie).await;
    let mut bad = statement(&token, "");
    for (k, v) in bad.iter_mut() {
        match *k {
            "row-0-deadline" => *v = "",
            "row-2-body" => *v = "NOPE",
            "date" => *v = "03/11/2025",
            "summary" => *v = "Kept <summary> & all",
            "meeting" => *v = "x\u{7}y",
            _ => {}
        }
    }
    let (s, _, page) = post_form(&app, "/liaisons/new", &cookie, &bad).await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("id=\"title-error\""), "{page}");
    assert!(page.contains("id=\"date-error\""));
    assert!(page.contains("is not a date in the form YYYY-MM-DD"));
    assert!(
        page.contains("id=\"row-0-deadline-error\""),
        "the message is next to the row it is about"
    );
    assert!(page.contains("a deadline is required for action"));
    assert!(page.contains("id=\"meeting-error\""), "{page}");
    assert!(
        page.contains("Kept &#60;summary&#62; &#38;")
            || page.contains("Kept &lt;summary&gt; &amp;"),
        "{page}"
    );
    assert!(
        page.contains("value=\"03/11/2025\""),
        "the typed date is kept"
    );
    assert!(page.contains("name=\"row-2-body\" aria-label=\"Body 3\" size=\"10\" value=\"NOPE\""));
    // Once the form's own rules pass, the use case's (an unknown body) come back the same way.
    let mut unknown = statement(&token, "LS to nobody");
    for (k, v) in unknown.iter_mut() {
        if *k == "row-2-body" {
            *v = "NOPE";
        }
    }
    unknown.push(("related_to", "999999"));
    let (s, _, page) = post_form(&app, "/liaisons/new", &cookie, &unknown).await;
    assert_eq!(s, 422);
    assert!(page.contains("id=\"row-2-body-error\""), "{page}");
    assert!(page.contains("no body has the code `NOPE`"));
    // A title that shows nothing, or text that reads backwards, is refused at its field.
    let mut hiding = statement(&token, "\u{200B}\u{2060}");
    hiding.retain(|(k, _)| *k != "meeting");
    hiding.push(("meeting", "TSAG \u{202E}aveneG"));
    let (s, _, page) = post_form(&app, "/liaisons/new", &cookie, &hiding).await;
    assert_eq!(s, 422, "{page}");
    let near = |id: &str, message: &str| {
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {page}"));
        page[at..]
            .chars()
            .take(300)
            .collect::<String>()
            .contains(message)
    };
    assert!(near("title-error", "only invisible characters"), "{page}");
    assert!(near("meeting-error", "U+202E"), "{page}");
    assert_eq!(public_total(&app).await, before);
}

async fn files_are_attached_through_the_page(app: TestApp) {
    let cookie = app.session_as(itu()).await;
    let token = csrf(&app, &cookie).await;
    let (s, location, _) = post_form(
        &app,
        "/liaisons/new",
        &cookie,
        &statement(&token, "LS with file"),
    )
    .await;
    assert_eq!(s, 303);
    let upload = |csrf: &str, name: &str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        app.client
            .post(app.url(&format!("{location}/attachments")))
            .header("cookie", &cookie)
            .multipart(form)
            .send()
    };
    let r = upload(&token, "note.txt", b"hello".to_vec()).await.unwrap();
    assert_eq!(r.status(), 303);
    let (_, page) = app.page_as(&location, &cookie).await;
    assert!(page.contains("note.txt"));
    let r = upload(&token, "empty.txt", Vec::new()).await.unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"file-error\""), "{page}");
    assert!(page.contains("the file is empty"));
    let r = upload("forged", "x.txt", b"x".to_vec()).await.unwrap();
    assert_eq!(r.status(), 403);
    // A member, with its own valid token, is refused; the public is sent to sign in.
    let member = app.session_as(Role::Member).await;
    let member_token = csrf(&app, &member).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", member_token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"m".to_vec()).file_name("m.txt"),
        );
    let r = app
        .client
        .post(app.url(&format!("{location}/attachments")))
        .header("cookie", &member)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"a".to_vec()).file_name("a.txt"),
    );
    let r = app
        .client
        .post(app.url(&format!("{location}/attachments")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let id = location.strip_prefix("/liaisons/").unwrap();
    let itu_token = app.token(itu()).await;
    let ls = app
        .get_json_as(&format!("/api/v1/liaisons/{id}"), &itu_token)
        .await;
    assert_eq!(ls["attachments"].as_array().unwrap().len(), 1);
}

async fn rows_are_closed_without_reply(app: TestApp) {
    let itu_token = app.token(itu()).await;
    let upu_token = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let member_token = app.token(Role::Member).await;
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS awaiting", "from": ["TSAG"], "date": "2025-01-10", "state": "sent",
                    "addressees": [{"body": "POC", "purpose": "action", "deadline": "2025-03-01"},
                                   {"body": "IB", "purpose": "comment", "deadline": "2025-03-01"},
                                   {"body": "SG12", "purpose": "information"}]}),
            Some(&itu_token),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let id = ls["id"].as_i64().unwrap();
    assert_eq!(ls["overdue"], true);
    let overdue = app.get_json("/api/v1/liaisons?overdue=true").await;
    assert_eq!(overdue["total"], 1);

    let path = format!("/api/v1/liaisons/{id}/addressees/POC/close");
    let (s, v) = app.post_json(&path, &json!({}), Some(&member_token)).await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = app.post_json(&path, &json!({}), None).await;
    assert_eq!(s, 401);
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/addressees/SG12/close"),
            &json!({}),
            Some(&itu_token),
        )
        .await;
    assert_eq!(s, 409, "an information row awaits nothing: {v}");
    assert!(v["detail"].as_str().unwrap().contains("awaits no reply"));
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/addressees/NOPE/close"),
            &json!({}),
            Some(&itu_token),
        )
        .await;
    assert_eq!(s, 404, "{v}");
    // The UPU secretariat owns it too (the addressees are UPU bodies).
    let (s, v) = app
        .post_json(
            &path,
            &json!({"note": "Answered orally at the joint meeting"}),
            Some(&upu_token),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["addressees"][0]["reply_state"], "closed");
    assert_eq!(v["addressees"][0]["overdue"], false);
    assert_eq!(v["overdue"], true, "the IB row still waits");
    let (s, _) = app.post_json(&path, &json!({}), Some(&upu_token)).await;
    assert_eq!(s, 409, "closed once");
    let admin = app.admin_token().await;
    let (_, audit) = app
        .send_json(
            reqwest::Method::GET,
            "/api/v1/audit?action=close-row",
            &json!(null),
            Some(&admin),
        )
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    assert!(audit.to_string().contains("Answered orally"));

    // The page: the button is there for the secretariat, not for a member.
    let cookie = app.session_as(itu()).await;
    let (_, page) = app.page_as(&format!("/liaisons/{id}"), &cookie).await;
    let button = format!(
        "/liaisons/{}/addressees/IB/close",
        ls["number"].as_str().unwrap()
    );
    assert!(page.contains(&button), "{page}");
    assert!(
        !page.contains("/addressees/POC/close"),
        "closed rows have no button"
    );
    let member = app.session_as(Role::Member).await;
    let (_, page) = app.page_as(&format!("/liaisons/{id}"), &member).await;
    assert!(!page.contains("/close\""));
    let token = csrf(&app, &cookie).await;
    let (s, _, _) = post_form(&app, &button, &cookie, &[("csrf", &token), ("note", "")]).await;
    assert_eq!(s, 303);
    let ls = app.get_json(&format!("/api/v1/liaisons/{id}")).await;
    assert_eq!(ls["overdue"], false);
    assert_eq!(ls["addressees"][1]["reply_state"], "closed");
    assert_eq!(
        app.get_json("/api/v1/liaisons?overdue=true").await["total"],
        0
    );
    assert_eq!(
        app.get_json("/api/v1/liaisons?awaiting=true").await["total"],
        0
    );
}

async fn text_is_markdown_rendered_safely(app: TestApp) {
    let token = app.token(itu()).await;
    let text = "## Proposal\n\n1. first\n2. *second*\n\n| a | b |\n|---|---|\n| x | y |\n\n\
                [ITU](https://www.itu.int) [bad](javascript:alert(1))\n\n\
                <script>alert('xss')</script>\n\n<img src=x onerror=\"alert(2)\">";
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS in Markdown", "from": ["TSAG"], "date": "2025-01-10",
                    "addressees": [{"body": "POC", "purpose": "information"}], "text": text,
                    "state": "sent"}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let (_, page) = app.page(&format!("/liaisons/{}", ls["id"])).await;
    for expected in [
        "<h2>Proposal</h2>",
        "<li><em>second</em></li>",
        "<td>x</td>",
        "href=\"https://www.itu.int\"",
    ] {
        assert!(page.contains(expected), "{expected} missing: {page}");
    }
    // Raw HTML shows as the author typed it, as text: no element of it is live.
    for forbidden in ["<script", "href=\"javascript", "<img"] {
        assert!(!page.contains(forbidden), "{forbidden} passed: {page}");
    }
    assert!(
        page.contains("&lt;script&gt;alert") && page.contains("&lt;img src=x"),
        "raw HTML is shown as typed: {page}"
    );
}

async fn the_list_exports_as_csv_with_what_the_reader_may_see(app: TestApp) {
    let token = app.token(itu()).await;
    for (title, access, from, to) in [
        ("Public LS to POC-C1", "public", "TSAG", "POC-C1"),
        ("Hidden LS to POC-C1", "secretariat", "TSAG", "POC-C1"),
        ("Public LS to SG13", "public", "SG12", "SG13"),
    ] {
        let (s, v) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": title, "from": [from], "date": "2025-01-10", "access": access,
                        "addressees": [{"body": to, "purpose": "information"}], "state": "sent",
                        "summary": "Quotes \"and\", commas; and\nnew lines"}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let (_, list) = app.page("/liaisons?to=POC-C1").await;
    assert!(list.contains("href=\"/liaisons.csv?to=POC-C1\""), "{list}");
    let read = |body: String| {
        let mut r = csv::Reader::from_reader(body.as_bytes());
        let headers = r.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        (headers, rows)
    };
    let r = app.get("/liaisons.csv?to=POC-C1").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let (headers, rows) = read(r.text().await.unwrap());
    assert_eq!(&headers[2], "title");
    assert_eq!(rows.len(), 1, "the public sees one statement to POC-C1");
    assert_eq!(&rows[0][2], "Public LS to POC-C1");
    assert_eq!(&rows[0][5], "TSAG");
    assert_eq!(&rows[0][6], "POC-C1:information");
    assert_eq!(&rows[0][7], "Quotes \"and\", commas; and\nnew lines");
    let cookie = app.session_as(itu()).await;
    let r = app
        .client
        .get(app.url("/liaisons.csv?to=POC-C1"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let (_, rows) = read(r.text().await.unwrap());
    let titles: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Hidden LS to POC-C1"));
    // The API's twin: the same file for `Accept: text/csv`, with the caller's access.
    let api_csv = |token: Option<String>| {
        let mut req = app
            .client
            .get(app.url("/api/v1/liaisons?to=POC-C1"))
            .header("accept", "text/csv");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
            r.text().await.unwrap()
        }
    };
    let (_, rows) = read(api_csv(None).await);
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][2], "Public LS to POC-C1");
    let (_, rows) = read(api_csv(Some(token.clone())).await);
    assert_eq!(
        rows.len(),
        2,
        "the ITU secretariat sees its hidden statement"
    );
    let (_, rows) = read(app.get("/liaisons.csv").await.text().await.unwrap());
    let titles: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert_eq!(
        titles.len(),
        3,
        "the public ones, with the reference data's: {titles:?}"
    );
    assert!(!titles.contains(&"Hidden LS to POC-C1"));
}

/// Cells that a spreadsheet would run as formulas are written as text (a leading `'`), in the
/// page's export and the API's; ordinary text, dates and plain negative numbers are unchanged.
async fn csv_exports_never_carry_a_formula(app: TestApp) {
    let token = app.token(itu()).await;
    let hostile = [
        (
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1+1)",
        ),
        ("-2+3+cmd|' /C calc'!A0", "-1e5", "-5"),
    ];
    for (title, text, summary) in hostile {
        let (s, v) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": title, "text": text, "summary": summary, "from": ["SG12"],
                        "date": "2025-01-10", "access": "public", "state": "sent",
                        "addressees": [{"body": "POC-C1", "purpose": "information"}]}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let ordinary = "Plain title, with \"quotes\"; 'apostrophes' and a = sign";
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": ordinary, "text": "Some *text*\nover two lines",
                    "summary": "A summary", "from": ["SG12"],
                    "date": "2025-01-11", "access": "public", "state": "sent",
                    "addressees": [{"body": "POC-C1", "purpose": "information"}]}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let page = app
        .get("/liaisons.csv?from=SG12")
        .await
        .text()
        .await
        .unwrap();
    let api = app
        .client
        .get(app.url("/api/v1/liaisons?from=SG12"))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (what, body) in [("page", page), ("API", api)] {
        let mut r = csv::Reader::from_reader(body.as_bytes());
        let headers = r.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (title, text, summary) = (col("title"), col("text"), col("summary"));
        let row = |t: &str| {
            rows.iter()
                .find(|r| r[title].ends_with(t))
                .unwrap_or_else(|| panic!("{what}: no row titled {t}: {rows:?}"))
        };
        for (t, x, s) in hostile {
            let r = row(t);
            assert_eq!(&r[title], format!("'{t}"), "{what}");
            assert_eq!(&r[text], format!("'{x}"), "{what}");
            if s == "-5" {
                assert_eq!(&r[summary], "-5", "{what}: a plain number stays a number");
            } else {
                assert_eq!(&r[summary], format!("'{s}"), "{what}");
            }
        }
        // No cell anywhere starts a formula.
        for r in &rows {
            for c in r {
                assert!(
                    !c.starts_with(['=', '+', '@', '\t', '\r'])
                        && (!c.starts_with('-') || c == "-5"),
                    "{what}: {c:?} in {r:?}"
                );
            }
        }
        let r = row(ordinary);
        assert_eq!(&r[title], ordinary, "{what}");
        assert_eq!(&r[text], "Some *text*\nover two lines", "{what}");
        assert_eq!(&r[summary], "A summary", "{what}");
        assert_eq!(&r[col("date")], "2025-01-11", "{what}");
    }
}

/// The list page and API answers are remembered per access scope; the next read after any
/// write shows it, and one scope's answer never serves another.
async fn remembered_lists_show_a_write_at_once_and_keep_scopes_apart(app: TestApp) {
    let token = app.token(itu()).await;
    let member_token = app.token(Role::Member).await;
    let member = app.session_as(Role::Member).await;
    let api = "/api/v1/liaisons?from=SG12";
    let page = "/liaisons?from=SG12";
    let api_as = |t: &str| {
        let req = app.client.get(app.url(api)).bearer_auth(t.to_owned());
        async move {
            req.send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    // Read twice each, so the answers are remembered.
    for _ in 0..2 {
        assert_eq!(app.get_json(api).await["total"], 0);
        assert_eq!(api_as(&member_token).await["total"], 0);
        let (_, html) = app.page(page).await;
        assert!(html.contains("No liaison statement."), "{html}");
        let (_, html) = app.page_as(page, &member).await;
        assert!(html.contains("No liaison statement."));
    }
    let create = |title: &'static str, access: &'static str| {
        let body = json!({"title": title, "from": ["SG12"], "date": "2025-01-10",
                "access": access, "state": "sent",
                "addressees": [{"body": "POC-C1", "purpose": "action", "deadline": "2025-02-01"}]});
        let (app, token) = (&app, token.clone());
        async move { app.post_json("/api/v1/liaisons", &body, Some(&token)).await }
    };
    let (s, public) = create("Remembered public LS", "public").await;
    assert_eq!(s, 201);
    let (s, _) = create("Remembered members LS", "members").await;
    assert_eq!(s, 201);
    // The next reads show the writes, each to its scope only.
    let anonymous = app.get_json(api).await;
    assert_eq!(anonymous["total"], 1, "{anonymous}");
    assert_eq!(anonymous["items"][0]["title"], "Remembered public LS");
    assert_eq!(api_as(&member_token).await["total"], 2);
    assert_eq!(
        app.get_json(api).await["total"],
        1,
        "the members' answer is not the public's"
    );
    let (_, html) = app.page(page).await;
    assert!(html.contains("Remembered public LS") && !html.contains("Remembered members LS"));
    assert!(html.contains("overdue"));
    let (_, html) = app.page_as(page, &member).await;
    assert!(html.contains("Remembered members LS"));
    assert!(
        html.contains("Signed in as"),
        "the header is the reader's own"
    );
    let (_, html) = app.page(page).await;
    assert!(!html.contains("Remembered members LS") && !html.contains("Signed in as"));
    // Another kind of write (a row closed) shows at once too.
    let (s, _) = app
        .post_json(
            &format!("/api/v1/liaisons/{}/addressees/POC-C1/close", public["id"]),
            &json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(s, 200);
    let anonymous = app.get_json(api).await;
    assert_eq!(anonymous["items"][0]["overdue"], false);
    assert_eq!(
        anonymous["items"][0]["addressees"][0]["reply_state"],
        "closed"
    );
    let (_, html) = app.page(page).await;
    assert!(!html.contains("badge overdue"), "{html}");
}

async fn the_history_shows_every_event_and_takes_comments(app: TestApp) {
    let itu_token = app.token(itu()).await;
    let member_token = app.token(Role::Member).await;
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS with a history", "from": ["TSAG"], "date": "2025-01-10",
                    "addressees": [{"body": "POC", "purpose": "information"}], "access": "public"}),
            Some(&itu_token),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let id = ls["id"].as_i64().unwrap();
    for to in ["approved", "sent"] {
        let (s, v) = app
            .post_json(
                &format!("/api/v1/liaisons/{id}/transitions"),
                &json!({"to": to}),
                Some(&itu_token),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let comments = format!("/api/v1/liaisons/{id}/comments");
    // Members and the public neither comment nor read the history; a blank comment is refused.
    let (s, _) = app
        .post_json(&comments, &json!({"text": "x"}), Some(&member_token))
        .await;
    assert_eq!(s, 403);
    let (s, _) = app.post_json(&comments, &json!({"text": "x"}), None).await;
    assert_eq!(s, 401);
    let (s, e) = app
        .post_json(&comments, &json!({"text": "  "}), Some(&itu_token))
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "text", "{e}");
    let (s, history) = app
        .post_json(
            &comments,
            &json!({"text": "Reminded the POC chair by phone"}),
            Some(&itu_token),
        )
        .await;
    assert_eq!(s, 201, "{history}");
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "approved", "sent", "comment"]);
    assert_eq!(
        history[3]["changes"]["comment"]["after"],
        "Reminded the POC chair by phone"
    );
    let (s, _) = app
        .send_json(
            reqwest::Method::GET,
            &format!("/api/v1/liaisons/{id}/history"),
            &json!(null),
            Some(&member_token),
        )
        .await;
    assert_eq!(s, 403);
    // The page shows the history to the secretariat, and takes a comment through its form.
    let cookie = app.session_as(itu()).await;
    let (_, page) = app.page_as(&format!("/liaisons/{id}"), &cookie).await;
    assert!(page.contains("Reminded the POC chair by phone"), "{page}");
    assert!(page.contains("Approved"), "{page}");
    let token = csrf(&app, &cookie).await;
    let (s, location, _) = post_form(
        &app,
        &format!("/liaisons/{id}/comment"),
        &cookie,
        &[("csrf", &token), ("text", "Reply <expected> in March")],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(location, format!("/liaisons/{id}"));
    let (_, page) = app.page_as(&location, &cookie).await;
    assert!(page.contains("Reply &#60;expected&#62; in March"), "{page}");
    assert!(!page.contains("<expected>"), "escaped");
    let (s, _, _) = post_form(
        &app,
        &format!("/liaisons/{id}/comment"),
        &cookie,
        &[("text", "no token")],
    )
    .await;
    assert_eq!(s, 403);
    let member = app.session_as(Role::Member).await;
    let (_, page) = app.page_as(&format!("/liaisons/{id}"), &member).await;
    assert!(
        !page.contains("Reminded the POC chair"),
        "members do not see the history"
    );
}
