//! Liaison statements through the API: record, approve, send, reply, overdue.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, field_values, items, json};

backend_tests!(
    a_statement_is_approved_sent_answered_and_overdue_rows_show,
    bad_statements_are_refused,
    pages_show_statements_in_the_itu_layout,
    lists_are_ordered_as_asked,
);

async fn a_statement_is_approved_sent_answered_and_overdue_rows_show(app: TestApp) {
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    // The contract other tools rely on.
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS on collaboration with UPU", "from": ["TSAG"],
                    "addressees": [{"body": "POC", "purpose": "action", "deadline": "2026-01-15"},
                                   {"body": "SG12", "purpose": "information"}],
                    "text": "TSAG invites the POC to ...", "access": "public", "date": "2025-11-03"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let id = ls["id"].as_i64().unwrap();
    assert_eq!(ls["state"], "draft");
    assert_eq!(
        ls["number"],
        serde_json::Value::Null,
        "numbered at approval"
    );
    assert_eq!(ls["organizations"], json!(["ITU", "UPU"]));
    // Approve, then send.
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/transitions"),
            &json!({"to": "sent"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 422, "draft cannot be sent directly: {v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("approved or withdrawn")
    );
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/transitions"),
            &json!({"to": "approved"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 403, "UPU is not the sender: {v}");
    let (s, v) = app
        .post_json(
            &format!("/api/v1/liaisons/{id}/transitions"),
            &json!({"to": "approved"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["number"], "TSAG-LS1");
    let (s, v) = app
        .post_json(
            "/api/v1/liaisons/TSAG-LS1/transitions",
            &json!({"to": "sent"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["state"], "sent");
    assert_eq!(v["addressees"][0]["reply_state"], "awaiting-reply");
    assert_eq!(
        v["addressees"][1]["reply_state"],
        serde_json::Value::Null,
        "information rows await nothing"
    );
    // Its deadline has passed: overdue.
    assert_eq!(v["overdue"], true);
    let overdue = app.get_json("/api/v1/liaisons?overdue=true").await;
    assert_eq!(field_values(items(&overdue), "number"), ["TSAG-LS1"]);
    // A sent statement is not edited.
    let (s, _) = app
        .patch_json(
            &format!("/api/v1/liaisons/{id}"),
            &json!({"title": "x"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 409);
    // The POC answers (recorded as received by the UPU secretariat): the action row closes.
    let (s, reply) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "Reply to TSAG-LS1", "from": ["POC"], "addressees": [{"body": "TSAG", "purpose": "information"}],
                    "date": "2026-01-10", "state": "sent", "in_reply_to": id, "other_reference": "POC 2026.1-Doc 12"}),
            Some(&upu),
        )
        .await;
    assert_eq!(s, 201, "{reply}");
    assert_eq!(reply["number"], "POC-LS1");
    let original = app.get_json("/api/v1/liaisons/TSAG-LS1").await;
    assert_eq!(original["addressees"][0]["reply_state"], "replied");
    assert_eq!(original["addressees"][0]["replied_by"], reply["id"]);
    assert_eq!(original["overdue"], false);
    assert_eq!(
        app.get_json("/api/v1/liaisons?overdue=true").await["total"],
        0
    );
    // Filters.
    let to_poc = app.get_json("/api/v1/liaisons?to=POC&purpose=action").await;
    assert_eq!(field_values(items(&to_poc), "number"), ["TSAG-LS1"]);
    let from_upu = app.get_json("/api/v1/liaisons?from=POC").await;
    assert_eq!(field_values(items(&from_upu), "number"), ["POC-LS1"]);
    // The audit log has the life of it.
    let admin = app.admin_token().await;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/audit?entity=liaison&key={id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let log: serde_json::Value = r.json().await.unwrap();
    let actions = field_values(items(&log), "action");
    assert_eq!(actions, ["replied", "sent", "approved", "create"], "{log}");
}

async fn bad_statements_are_refused(app: TestApp) {
    // The reference data's statements are there from the start.
    let before = app.get_json("/api/v1/liaisons").await["total"].clone();
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let base = json!({"title": "T", "from": ["SG12"], "addressees": [{"body": "POC-C1", "purpose": "information"}], "date": "2026-02-01"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (
            with(
                "addressees",
                json!([{"body": "POC-C1", "purpose": "action"}]),
            ),
            "addressees[0].deadline",
        ),
        (
            with(
                "addressees",
                json!([{"body": "POC-C1", "purpose": "comment", "deadline": "2026-01-01"}]),
            ),
            "addressees[0].deadline",
        ),
        (
            with(
                "addressees",
                json!([{"body": "NOPE", "purpose": "information"}]),
            ),
            "addressees[0].body",
        ),
        (with("addressees", json!([])), "addressees"),
        (with("title", json!("")), "title"),
        (with("from", json!([])), "from"),
        (with("date", json!("tomorrow")), "date"),
        (with("state", json!("approved")), "state"),
        (with("in_reply_to", json!(999999)), "in_reply_to"),
    ] {
        let (s, e) = app.post_json("/api/v1/liaisons", &body, Some(&itu)).await;
        assert_eq!(s, 422, "{body}: {e}");
        assert_eq!(e["errors"][0]["field"], field, "{body}: {e}");
    }
    assert_eq!(
        app.get_json("/api/v1/liaisons").await["total"],
        before,
        "nothing written"
    );
    let (s, _) = app.post_json("/api/v1/liaisons", &base, None).await;
    assert_eq!(s, 401);
    let member = app.token(Role::Member).await;
    let (s, _) = app
        .post_json("/api/v1/liaisons", &base, Some(&member))
        .await;
    assert_eq!(s, 403);
    assert_eq!(app.get("/api/v1/liaisons/NOPE-LS9").await.status(), 404);
    let (s, _) = app
        .post_json(
            "/api/v1/liaisons/999/transitions",
            &json!({"to": "approved"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 404);
}

async fn pages_show_statements_in_the_itu_layout(app: TestApp) {
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let (s, ls) = app
        .post_json(
            "/api/v1/liaisons",
            &json!({"title": "LS on <b>QoS</b> of postal e-services", "from": ["SG12"], "questions": ["Q12/12"],
                    "addressees": [{"body": "POC-C1", "purpose": "action", "deadline": "2027-03-01"},
                                   {"body": "SG17", "purpose": "information"}],
                    "contacts": [{"name": "A. Rapporteur", "email": "rapporteur@example.org", "role": "technical"}],
                    "topics": ["qos"], "date": "2026-06-01", "state": "sent", "text": "First paragraph.\n\nSecond paragraph."}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 201, "{ls}");
    let (s, html) = app.page("/liaisons/SG12-LS1").await;
    assert_eq!(s, 200);
    for text in [
        "Q12/12",
        "For action to",
        "href=\"/bodies/POC-C1\"",
        "For information to",
        "1 Mar 2027",
        "awaiting reply",
        "A. Rapporteur",
        "Second paragraph.",
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    assert!(!html.contains("<b>QoS</b>"), "the title is escaped");
    assert!(
        !html.contains("rapporteur@example.org"),
        "contact e-mails are for signed-in readers"
    );
    // Lists and the pages of the bodies and topic.
    let (_, list) = app.page("/liaisons?to=POC-C1&awaiting=true").await;
    assert!(list.contains("href=\"/liaisons/SG12-LS1\""));
    assert!(list.contains("ITU → UPU"), "counts by direction");
    let (_, none) = app.page("/liaisons?overdue=true").await;
    assert!(!none.contains("SG12-LS1"));
    for (path, what) in [
        ("/bodies/SG12", "sent"),
        ("/bodies/POC-C1", "received"),
        ("/topics/qos", "topic"),
        ("/", "awaiting"),
    ] {
        let (_, html) = app.page(path).await;
        assert!(
            html.contains("href=\"/liaisons/SG12-LS1\""),
            "{path} ({what})"
        );
    }
    let r = app.get_lang("/liaisons/SG12-LS1", "fr").await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Pour suite à donner") && html.contains("réponse attendue"));
    assert_eq!(app.page("/liaisons/SG12-LS99").await.0, 404);
}

mod feeds {
    use liaise_service::domain::{Code, Role};
    use liaise_testkit::{TestApp, backend_tests, json};

    backend_tests!(
        atom_feeds_parse_and_carry_public_statements_only,
        feed_links_come_from_the_configured_address_never_from_the_request,
    );

    async fn parse(app: &TestApp, path: &str) -> feed_rs::model::Feed {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let bytes = r.bytes().await.unwrap();
        feed_rs::parser::parse(&bytes[..])
            .unwrap_or_else(|e| panic!("{path} is not a valid feed: {e}"))
    }

    async fn atom_feeds_parse_and_carry_public_statements_only(app: TestApp) {
        let itu = app
            .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
            .await;
        for (title, access, to, topic) in [
            ("Public LS on QoS", "public", "POC-C1", "qos"),
            ("Members LS on QoS", "members", "POC-C1", "qos"),
            ("Public LS on DFS", "public", "POC-C4", "dfs"),
        ] {
            let (s, v) = app
                .post_json(
                    "/api/v1/liaisons",
                    &json!({"title": title, "from": ["SG12"], "addressees": [{"body": to, "purpose": "information"}],
                            "topics": [topic], "date": "2026-04-01", "state": "sent", "access": access}),
                    Some(&itu),
                )
                .await;
            assert_eq!(s, 201, "{v}");
        }
        let all = parse(&app, "/feeds/liaisons.atom").await;
        let titles: Vec<String> = all
            .entries
            .iter()
            .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
            .collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert!(
            titles.iter().any(|t| t.contains("WTSA-24")),
            "the reference data's public statement: {titles:?}"
        );
        assert!(
            titles.iter().all(|t| !t.contains("Members")),
            "a members-only statement in a feed"
        );
        let link = &all.entries[0].links[0].href;
        assert!(
            link.starts_with("http://") && link.contains("/liaisons/SG12-LS"),
            "{link}"
        );
        let body = parse(&app, "/feeds/bodies/POC-C4/liaisons.atom").await;
        assert_eq!(body.entries.len(), 1);
        let topic = parse(&app, "/feeds/topics/qos/liaisons.atom").await;
        assert_eq!(topic.entries.len(), 1);
        assert!(
            topic.entries[0]
                .title
                .as_ref()
                .unwrap()
                .content
                .contains("Public LS on QoS")
        );
        // Even a signed-in member's feed is the public one.
        let cookie = app.session_as(Role::Member).await;
        let r = app
            .client
            .get(app.url("/feeds/liaisons.atom"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert!(!r.text().await.unwrap().contains("Members LS"));
        assert_eq!(
            app.get("/feeds/bodies/NOPE/liaisons.atom").await.status(),
            404
        );
        assert_eq!(
            app.get("/feeds/topics/nope/liaisons.atom").await.status(),
            404
        );
    }

    /// Every link of a feed, as text: the feed's id and links, each entry's id and links.
    fn links(feed: &atom_syndication::Feed) -> Vec<String> {
        let mut all = vec![feed.id().to_owned()];
        all.extend(feed.links().iter().map(|l| l.href().to_owned()));
        for e in feed.entries() {
            all.push(e.id().to_owned());
            all.extend(e.links().iter().map(|l| l.href().to_owned()));
        }
        all
    }

    /// Fetches a feed claiming to be another site, in every header a proxy might set.
    async fn hostile(app: &TestApp, path: &str) -> String {
        let r = app
            .client
            .get(app.url(path))
            .header("host", "evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "https")
            .header("forwarded", "host=evil.example;proto=https")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.unwrap()
    }

    async fn feed_links_come_from_the_configured_address_never_from_the_request(app: TestApp) {
        let itu = app
            .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
            .await;
        let (s, v) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": "Public LS on QoS", "from": ["SG12"],
                        "addressees": [{"body": "POC-C1", "purpose": "information"}],
                        "topics": ["qos"], "date": "2026-04-01", "state": "sent", "access": "public"}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let paths = [
            "/feeds/liaisons.atom",
            "/feeds/bodies/SG12/liaisons.atom",
            "/feeds/topics/qos/liaisons.atom",
        ];
        // Without a public URL: the address the server is bound to.
        let own = app.url("");
        for path in paths {
            let text = hostile(&app, path).await;
            assert!(!text.contains("evil.example"), "{path}: {text}");
            let feed: atom_syndication::Feed = text.parse().unwrap();
            assert!(!feed.entries().is_empty(), "{path}: {text}");
            for link in links(&feed) {
                assert!(link.starts_with(&format!("{own}/")), "{path}: {link}");
            }
        }
        // With one (a trailing `/` and a path prefix kept as configured): that address only.
        let public = TestApp::spawn_with(app.backend, app.db.clone(), |s| {
            s.public_url = Some("https://liaise.example.org/itu-upu/".to_owned());
        })
        .await;
        for path in paths {
            let text = hostile(&public, path).await;
            assert!(!text.contains("evil.example"), "{path}: {text}");
            assert!(!text.contains("127.0.0.1"), "{path}: {text}");
            let feed: atom_syndication::Feed = text.parse().unwrap();
            assert_eq!(
                feed.id(),
                format!("https://liaise.example.org/itu-upu{path}")
            );
            for link in links(&feed) {
                assert!(
                    link.starts_with("https://liaise.example.org/itu-upu/"),
                    "{path}: {link}"
                );
            }
            assert!(
                links(&feed)
                    .iter()
                    .any(|l| l == "https://liaise.example.org/itu-upu/liaisons/SG12-LS1"),
                "{path}: {:?}",
                links(&feed)
            );
        }
        public.stop().await;
    }
}

mod attachments {
    use liaise_service::domain::{Code, Role};
    use liaise_testkit::{TestApp, backend_tests, json, read};
    use reqwest::multipart::{Form, Part};

    backend_tests!(files_are_attached_downloaded_and_guarded);

    async fn upload(
        app: &TestApp,
        token: &str,
        id: i64,
        name: &str,
        bytes: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
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

    async fn files_are_attached_downloaded_and_guarded(app: TestApp) {
        let itu = app
            .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
            .await;
        let mut ids = Vec::new();
        for access in ["public", "secretariat"] {
            let (s, v) = app
                .post_json(
                    "/api/v1/liaisons",
                    &json!({"title": format!("{access} LS"), "from": ["SG12"], "addressees": [{"body": "SG13", "purpose": "information"}],
                            "date": "2026-04-01", "state": "sent", "access": access}),
                    Some(&itu),
                )
                .await;
            assert_eq!(s, 201, "{v}");
            ids.push(v["id"].as_i64().unwrap());
        }
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let (s, a) = upload(&app, &itu, ids[0], "Annex 1 – QoS é.pdf", pdf.clone()).await;
        assert_eq!(s, 201, "{a}");
        assert_eq!(a["content_type"], "application/pdf");
        assert_eq!(a["size"], pdf.len());
        let url = a["url"].as_str().unwrap().to_owned();
        let r = app.get(&url).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with("attachment;")
                && disposition.contains("filename*=UTF-8''Annex%201"),
            "{disposition}"
        );
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
        // Kept once, under its hash, in the data folder.
        let sha = a["sha256"].as_str().unwrap();
        assert!(
            app.files
                .path()
                .join("files")
                .join(&sha[..2])
                .join(sha)
                .is_file()
        );
        // The page lists it and serves it too.
        let (_, html) = app.page("/liaisons/SG12-LS1").await;
        assert!(html.contains("/liaisons/SG12-LS1/attachments/"));
        // A secretariat-only statement's file is hidden from the public: 404.
        let (s, b) = upload(
            &app,
            &itu,
            ids[1],
            "internal.txt",
            b"internal note".to_vec(),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["content_type"], "text/plain; charset=utf-8");
        assert_eq!(app.get(b["url"].as_str().unwrap()).await.status(), 404);
        let r = app
            .client
            .get(app.url(b["url"].as_str().unwrap()))
            .bearer_auth(&itu)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        // Bad files.
        for name in ["../../x", "a/b.pdf", "..", ""] {
            let (s, e) = upload(&app, &itu, ids[0], name, b"x".to_vec()).await;
            assert_eq!(s, 422, "{name:?}: {e}");
            assert_eq!(e["errors"][0]["field"], "file");
        }
        let (s, _) = upload(&app, &itu, ids[0], "empty.txt", Vec::new()).await;
        assert_eq!(s, 422);
        let (s, e) = upload(&app, &itu, ids[0], "big.bin", vec![0u8; 21 * 1024 * 1024]).await;
        assert_eq!(s, 413, "{e}");
        let member = app.token(Role::Member).await;
        let (s, _) = upload(&app, &member, ids[0], "m.txt", b"x".to_vec()).await;
        assert_eq!(s, 403);
        let r = app
            .client
            .post(app.url(&format!("/api/v1/liaisons/{}/attachments", ids[0])))
            .bearer_auth(&itu)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(read(r).await.0, 415);
        let ls = app.get_json("/api/v1/liaisons/SG12-LS1").await;
        assert_eq!(
            ls["attachments"].as_array().unwrap().len(),
            1,
            "refused files were not recorded"
        );
    }
}

mod reminders {
    use std::sync::{Arc, Mutex};

    use liaise_service::{
        domain::{Code, Role},
        reminders::Mailer,
    };
    use liaise_testkit::{TestApp, backend_tests, json};
    use tokio::{
        io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
        net::TcpListener,
    };

    backend_tests!(reminders_go_by_mail_once_or_wait_for_the_secretariat);

    /// A small SMTP receiver on loopback: it accepts every message and keeps its data.
    async fn smtp_receiver() -> (u16, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(d) = data.as_mut() {
                            if line == "." {
                                kept.lock().unwrap().push(std::mem::take(d));
                                data = None;
                                write.write_all(b"250 OK\r\n").await.unwrap();
                            } else {
                                d.push_str(&line);
                                d.push('\n');
                            }
                            continue;
                        }
                        let upper = line.to_ascii_uppercase();
                        let answer: &[u8] =
                            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                                b"250 test\r\n"
                            } else if upper.starts_with("DATA") {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            } else if upper.starts_with("QUIT") {
                                write.write_all(b"221 bye\r\n").await.unwrap();
                                return;
                            } else {
                                b"250 OK\r\n"
                            };
                        write.write_all(answer).await.unwrap();
                    }
                });
            }
        });
        (port, messages)
    }

    async fn reminders_go_by_mail_once_or_wait_for_the_secretariat(app: TestApp) {
        let itu = app
            .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
            .await;
        let admin = app.admin_token().await;
        // The focal point of POC-C1 will get the reminders.
        let (_, p) = app
            .post_json(
                "/api/v1/people",
                &json!({"name": "Focal Point", "email": "focal@upu.example"}),
                Some(&admin),
            )
            .await;
        let pid = p["id"].as_i64().unwrap();
        app.post_json(
            &format!("/api/v1/people/{pid}/roles"),
            &json!({"body": "POC-C1", "role": "focal-point"}),
            Some(&admin),
        )
        .await;
        let (s, ls) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": "LS on QoS measurement", "from": ["SG12"],
                        "addressees": [{"body": "POC-C1", "purpose": "action", "deadline": "2030-03-15"},
                                       {"body": "SG17", "purpose": "information"}],
                        "contacts": [{"name": "Sender", "email": "sender@itu.example"}],
                        "date": "2030-01-10", "state": "sent"}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 201, "{ls}");
        let (port, inbox) = smtp_receiver().await;
        let mailer = Mailer::from_url(
            &format!("smtp://127.0.0.1:{port}"),
            "liaise <liaise@test.example>",
        )
        .unwrap();
        let day = |d: u8, m: u8| {
            time::Date::from_calendar_date(2030, time::Month::try_from(m).unwrap(), d).unwrap()
        };
        // 20 days before: nothing; 7 days before: one; the same day again: nothing more.
        assert_eq!(
            app.liaise
                .run_reminders(day(23, 2), Some(&mailer))
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            app.liaise
                .run_reminders(day(8, 3), Some(&mailer))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            app.liaise
                .run_reminders(day(8, 3), Some(&mailer))
                .await
                .unwrap(),
            0
        );
        {
            let inbox = inbox.lock().unwrap();
            assert_eq!(inbox.len(), 1);
            let m = &inbox[0];
            assert!(m.contains("SG12-LS1"), "{m}");
            assert!(m.contains("From: SG12"), "the source body is named: {m}");
            assert!(
                m.contains("To: POC-C1 (for action, deadline 2030-03-15)"),
                "{m}"
            );
            assert!(
                m.contains("focal@upu.example") && m.contains("sender@itu.example"),
                "{m}"
            );
            assert!(m.contains("due in 7 day"), "{m}");
            // An absolute link, from the server's own address (no public URL here).
            let link = app.url("/liaisons/SG12-LS1");
            assert!(m.contains(&link), "{link} in {m}");
        }
        // Without a mail server, the overdue reminder waits on the secretariat's page.
        assert_eq!(app.liaise.run_reminders(day(16, 3), None).await.unwrap(), 1);
        let cookie = app
            .session_as(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
            .await;
        let (s, html) = app.page_as("/secretariat/reminders", &cookie).await;
        assert_eq!(s, 200);
        assert!(html.contains("Overdue: SG12-LS1"), "{html}");
        let member = app.session_as(Role::Member).await;
        assert_eq!(app.page_as("/secretariat/reminders", &member).await.0, 404);
        assert_eq!(inbox.lock().unwrap().len(), 1, "nothing more was mailed");
    }
}

mod numbering {
    use liaise_service::domain::{Code, Role};
    use liaise_testkit::{TestApp, backend_tests, json};

    backend_tests!(a_body_number_pattern_applies_from_the_next_approval);

    async fn approve_new(app: &TestApp, token: &str, date: &str) -> String {
        let (s, ls) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": "Numbered LS", "from": ["SG12"], "date": date,
                        "addressees": [{"body": "POC", "purpose": "information"}]}),
                Some(token),
            )
            .await;
        assert_eq!(s, 201, "{ls}");
        let (s, v) = app
            .post_json(
                &format!("/api/v1/liaisons/{}/transitions", ls["id"]),
                &json!({"to": "approved"}),
                Some(token),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        v["number"].as_str().unwrap().to_owned()
    }

    async fn a_body_number_pattern_applies_from_the_next_approval(app: TestApp) {
        let itu = app
            .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
            .await;
        let upu = app
            .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
            .await;
        for bad in [
            "{body}-LS",
            "{body}-{x}{n}",
            "SG12-LS{n",
            "SG12/LS{n}",
            "{n}{n}",
        ] {
            let (s, v) = app
                .patch_json(
                    "/api/v1/bodies/SG12",
                    &json!({"ls_pattern": bad}),
                    Some(&itu),
                )
                .await;
            assert_eq!(s, 422, "{bad}: {v}");
            assert_eq!(v["errors"][0]["field"], "ls_pattern", "{v}");
        }
        assert_eq!(approve_new(&app, &itu, "2026-02-01").await, "SG12-LS1");
        let (s, _) = app
            .patch_json(
                "/api/v1/bodies/SG12",
                &json!({"ls_pattern": "{body}-{year}-LS{n}"}),
                Some(&upu),
            )
            .await;
        assert_eq!(s, 403, "SG12 is ITU's");
        let (s, v) = app
            .patch_json(
                "/api/v1/bodies/SG12",
                &json!({"ls_pattern": "{body}-{year}-LS{n}"}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["ls_pattern"], "{body}-{year}-LS{n}");
        assert_eq!(
            app.get_json_as("/api/v1/liaisons/SG12-LS1", &itu).await["number"],
            "SG12-LS1"
        );
        assert_eq!(approve_new(&app, &itu, "2026-02-01").await, "SG12-2026-LS1");
        assert_eq!(approve_new(&app, &itu, "2026-03-01").await, "SG12-2026-LS2");
        assert_eq!(approve_new(&app, &itu, "2027-01-05").await, "SG12-2027-LS1");
        let (_, page) = app
            .page_as(
                "/liaisons/SG12-2026-LS2",
                &app.session_as(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
                    .await,
            )
            .await;
        assert!(page.contains("SG12-2026-LS2"));
        // Back to the default: its series goes on where it stopped.
        let (s, v) = app
            .patch_json(
                "/api/v1/bodies/SG12",
                &json!({"ls_pattern": null}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["ls_pattern"], serde_json::Value::Null);
        assert_eq!(approve_new(&app, &itu, "2026-04-01").await, "SG12-LS2");
    }
}

async fn lists_are_ordered_as_asked(app: TestApp) {
    let itu = app
        .token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    for (title, date) in [
        ("Beta on QoS", "2025-03-01"),
        ("Alpha on DFS", "2025-01-15"),
        ("Gamma on AI", "2025-02-10"),
    ] {
        let (s, v) = app
            .post_json(
                "/api/v1/liaisons",
                &json!({"title": title, "from": ["TSAG"],
                        "addressees": [{"body": "POC", "purpose": "information"}],
                        "access": "public", "state": "sent", "date": date}),
                Some(&itu),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let titles = |v: serde_json::Value| -> Vec<String> {
        items(&v)
            .iter()
            .map(|l| l["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |sort: &'static str| {
        let app = &app;
        async move {
            titles(
                app.get_json(&format!("/api/v1/liaisons?year=2025{sort}"))
                    .await,
            )
        }
    };
    assert_eq!(
        list("").await,
        ["Beta on QoS", "Gamma on AI", "Alpha on DFS"],
        "newest first by default"
    );
    assert_eq!(
        list("&sort=oldest").await,
        ["Alpha on DFS", "Gamma on AI", "Beta on QoS"]
    );
    assert_eq!(
        list("&sort=title").await,
        ["Alpha on DFS", "Beta on QoS", "Gamma on AI"]
    );
    let (s, e) = liaise_testkit::read(app.get("/api/v1/liaisons?sort=deadline").await).await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "sort", "{e}");
    // The page offers the orders and keeps the one chosen.
    let (s, html) = app.page("/liaisons?year=2025&sort=title").await;
    assert_eq!(s, 200);
    assert!(
        html.contains(r#"<option value="title" selected>"#),
        "{html}"
    );
    let alpha = html.find("Alpha on DFS").unwrap();
    let beta = html.find("Beta on QoS").unwrap();
    assert!(alpha < beta);
}
