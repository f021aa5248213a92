//! The access matrix: items of every access level, each with a unique marker, requested on
//! every route of the application by every kind of viewer. A marker must never reach a viewer
//! who may not see it. The routes come from the application's own route lists, so a route
//! added later is covered without anyone remembering.

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, json};

backend_tests!(no_marker_reaches_a_viewer_who_may_not_see_it);

struct Item {
    id: i64,
    marker: String,
    access: &'static str,
    owners: &'static [&'static str],
}

struct Who {
    name: &'static str,
    role: Role,
    cookie: String,
    token: String,
}

fn may_see(role: &Role, item: &Item) -> bool {
    match (item.access, role) {
        ("public", _) | (_, Role::Admin) => true,
        ("members", Role::Member | Role::Secretariat(_)) => true,
        ("secretariat", Role::Secretariat(org)) => item.owners.contains(&org.as_str()),
        _ => false,
    }
}

async fn no_marker_reaches_a_viewer_who_may_not_see_it(app: TestApp) {
    let admin_token = app.admin_token().await;
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    // Items: every access level × ITU-owned, UPU-owned and joint.
    let owners: [(&'static [&'static str], &[&str]); 3] = [
        (&["ITU"], &["SG12"]),
        (&["UPU"], &["POC-C1"]),
        (&["ITU", "UPU"], &["SG12", "POC-C1"]),
    ];
    let mut items = Vec::new();
    for access in ["public", "members", "secretariat"] {
        for (orgs, bodies) in owners {
            // The end mark keeps one marker from being a prefix of another.
            let marker = format!("MARK{nonce}x{access}x{}END", orgs.join("-"));
            let (s, v) = app
                .post_json(
                    "/api/v1/activities",
                    &json!({
                        "kind": "note",
                        "title": format!("Title {marker}"),
                        "summary": format!("Summary {marker}"),
                        "date": "2026-05-01",
                        "access": access,
                        "bodies": bodies,
                        "topics": ["qos"],
                    }),
                    Some(&admin_token),
                )
                .await;
            assert_eq!(s, 201, "{v}");
            items.push(Item {
                id: v["id"].as_i64().unwrap(),
                marker,
                access,
                owners: orgs,
            });
        }
    }
    // Liaison statements of every access level: within ITU, within UPU, and between them.
    let mut attachment_ids: Vec<String> = Vec::new();
    let routes: [(&'static [&'static str], &str, &str); 3] = [
        (&["ITU"], "SG12", "SG13"),
        (&["UPU"], "POC-C1", "POC-C2"),
        (&["ITU", "UPU"], "SG12", "POC-C1"),
    ];
    for access in ["public", "members", "secretariat"] {
        for (orgs, from, to) in routes {
            let marker = format!("LSMARK{nonce}x{access}x{}END", orgs.join("-"));
            let (s, v) = app
                .post_json(
                    "/api/v1/liaisons",
                    &json!({"title": format!("LS {marker}"), "summary": marker, "from": [from],
                            "addressees": [{"body": to, "purpose": "action", "deadline": "2027-01-01"}],
                            "topics": ["qos"], "date": "2026-05-01", "access": access, "state": "sent"}),
                    Some(&admin_token),
                )
                .await;
            assert_eq!(s, 201, "{v}");
            let id = v["id"].as_i64().unwrap();
            // An attachment whose bytes carry the marker too.
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(format!("file {marker}").into_bytes())
                    .file_name("note.txt"),
            );
            let r = app
                .client
                .post(app.url(&format!("/api/v1/liaisons/{id}/attachments")))
                .bearer_auth(&admin_token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            let a: serde_json::Value = r.json().await.unwrap();
            attachment_ids.push(a["id"].as_i64().unwrap().to_string());
            items.push(Item {
                id,
                marker,
                access,
                owners: orgs,
            });
        }
    }
    // Documents of every access level, imported as contributions whose text, abstract and
    // proposal carry the marker.
    let mut document_ids: Vec<String> = Vec::new();
    let mut proposal_ids: Vec<String> = vec!["ATU/35A3/1".to_owned()];
    for access in ["public", "members", "secretariat"] {
        for (orgs, _) in owners {
            let marker = format!("DOCMARK{nonce}x{access}x{}END", orgs.join("-"));
            let identifier = format!("MK/{}/1", 10 + proposal_ids.len());
            let text = format!(
                "Abstract: Summary {marker}\nMOD\t{identifier}\nRESOLUTION 11 (Rev. Hammamet, 2016)\nresolves\nthat {marker} is studied,\n"
            );
            let mut form = reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(text.into_bytes()).file_name("mk.txt"),
                )
                .text("access", access);
            for o in orgs {
                form = form.text("organizations", o.to_string());
            }
            let r = app
                .client
                .post(app.url("/api/v1/imports"))
                .bearer_auth(&admin_token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
            let v: serde_json::Value = r.json().await.unwrap();
            let id = v["document"].as_i64().unwrap();
            document_ids.push(id.to_string());
            proposal_ids.push(identifier);
            items.push(Item {
                id,
                marker,
                access,
                owners: orgs,
            });
        }
    }
    // A person with a members-only e-mail address.
    let email = format!("mark{nonce}@example.org");
    let (_, person) = app
        .post_json(
            "/api/v1/people",
            &json!({"name": "Marked Person", "email": email}),
            Some(&admin_token),
        )
        .await;
    let person_id = person["id"].as_i64().unwrap();

    let itu = Role::Secretariat(Code::parse("o", "ITU").unwrap());
    let upu = Role::Secretariat(Code::parse("o", "UPU").unwrap());
    let mut viewers = vec![Who {
        name: "anonymous",
        role: Role::Public,
        cookie: String::new(),
        token: String::new(),
    }];
    for (name, role) in [
        ("member", Role::Member),
        ("secretariat ITU", itu),
        ("secretariat UPU", upu),
        ("admin", Role::Admin),
    ] {
        let (e, p) = app.user(role.clone()).await;
        let cookie = app.sign_in(&e, &p).await.unwrap();
        let (_, account) = app.page_as("/account", &cookie).await;
        let csrf = liaise_testkit::hidden_field(&account, "csrf").unwrap();
        let r = app
            .client
            .post(app.url("/account/tokens"))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str()), ("name", "access test")])
            .send()
            .await
            .unwrap();
        let html = r.text().await.unwrap();
        let start = html.find("<code id=\"new-token\">").unwrap() + "<code id=\"new-token\">".len();
        let token = html[start..start + 68].to_owned();
        viewers.push(Who {
            name,
            role,
            cookie,
            token,
        });
    }

    // Every route, with its parameters filled by every relevant value, and list variants.
    let ids: Vec<String> = items
        .iter()
        .filter(|i| !i.marker.starts_with("DOC"))
        .map(|i| i.id.to_string())
        .chain([person_id.to_string()])
        .collect();
    let mut urls = Vec::new();
    let paths = liaise_web::route_paths();
    assert!(
        paths.len() > 30,
        "the route list looks incomplete: {paths:?}"
    );
    for path in &paths {
        let codes: Vec<&str> = if path.contains("organizations") {
            vec!["ITU", "UPU"]
        } else {
            vec!["SG12", "POC-C1"]
        };
        let mut variants = vec![path.clone()];
        if path.contains("{code}") {
            variants = variants
                .iter()
                .flat_map(|v| codes.iter().map(move |c| v.replace("{code}", c)))
                .collect();
        }
        if path.contains("{body}") {
            variants = variants
                .iter()
                .flat_map(|v| ["SG13", "POC-C2"].map(|b| v.replace("{body}", b)))
                .collect();
        }
        if path.contains("{slug}") {
            variants = variants
                .iter()
                .map(|v| v.replace("{slug}", "qos"))
                .collect();
        }
        // Item parameters: statements and activities (and the person) by id; attachments by
        // their own ids.
        let fill = |variants: Vec<String>, param: &str, values: &[String]| -> Vec<String> {
            if !path.contains(param) {
                return variants;
            }
            variants
                .iter()
                .flat_map(|v| values.iter().map(move |x| v.replacen(param, x, 1)))
                .collect()
        };
        let (item_param, attachment_param) = if path.contains("{attachment}") {
            ("{id}", "{attachment}")
        } else if path.contains("{key}") && path.ends_with("/attachments/{id}") {
            ("{key}", "{id}")
        } else {
            ("{id}", "{none}")
        };
        // Proposals by identifier, resolutions by number, document versions by number.
        if path.contains("{source}/{document}/{number}") {
            variants = variants
                .iter()
                .flat_map(|v| {
                    proposal_ids
                        .iter()
                        .map(move |p| v.replace("{source}/{document}/{number}", p))
                })
                .collect();
        }
        variants = variants
            .iter()
            .map(|v| v.replace("{number}", "11").replace("{version}", "1"))
            .collect();
        // Documents by their own ids (and one that is not a document's).
        let ids = if path.contains("/documents/") {
            document_ids
                .iter()
                .cloned()
                .chain(["999999".to_owned()])
                .collect()
        } else {
            ids.clone()
        };
        variants = fill(variants, item_param, &ids);
        variants = fill(variants, "{key}", &ids);
        variants = fill(variants, attachment_param, &attachment_ids);
        for v in variants {
            if !v.contains("per_page")
                && (v.ends_with("/activities")
                    || v.ends_with("/liaisons")
                    || v.ends_with("/liaisons.csv")
                    || v.ends_with("/people")
                    || v.ends_with("/documents")
                    || v.ends_with("/proposals")
                    || v.ends_with("/audit"))
            {
                urls.push(format!("{v}?per_page=500"));
                urls.push(format!("{v}?body=SG12"));
                urls.push(format!("{v}?organization=UPU&topic=qos&year=2026"));
            }
            // Search: every marker by its prefix, with and without filters.
            if v.ends_with("/search") {
                for prefix in ["MARK", "LSMARK"] {
                    urls.push(format!("{v}?q={prefix}{nonce}&per_page=100"));
                    urls.push(format!(
                        "{v}?q={prefix}{nonce}&organization=UPU&topic=qos&year=2026"
                    ));
                }
                urls.push(format!("{v}?q=qos&topic=qos&body=SG12"));
            }
            urls.push(v);
        }
    }
    urls.push("/api/v1/activities?access=secretariat".to_owned());

    let mut checked = 0;
    for who in &viewers {
        let mut seen_anywhere = std::collections::HashSet::new();
        for url in &urls {
            let mut req = app.client.get(app.url(url));
            if !who.cookie.is_empty() {
                req = req.header("cookie", &who.cookie).bearer_auth(&who.token);
            }
            let r = req.send().await.unwrap();
            let status = r.status();
            assert!(status.as_u16() < 500, "{} GET {url}: {status}", who.name);
            let body = r.text().await.unwrap();
            for item in &items {
                let visible = may_see(&who.role, item);
                if body.contains(&item.marker) {
                    assert!(
                        visible,
                        "{} saw {} ({} item of {:?}) at {url}",
                        who.name, item.marker, item.access, item.owners
                    );
                    seen_anywhere.insert(item.marker.clone());
                }
            }
            let email_visible = !matches!(who.role, Role::Public);
            assert!(
                email_visible || !body.contains(&email),
                "{} saw the members-only e-mail at {url}",
                who.name
            );
            checked += 1;
        }
        // The test can fail the other way too: everything a viewer may see does show somewhere.
        for item in &items {
            if may_see(&who.role, item) {
                assert!(
                    seen_anywhere.contains(&item.marker),
                    "{} never saw {}",
                    who.name,
                    item.marker
                );
            }
        }
        // A hidden item answers 404, never 403, to a viewer who may not know it exists.
        for item in items.iter().filter(|i| !may_see(&who.role, i)) {
            let kind = if item.marker.starts_with("LS") {
                "liaisons"
            } else if item.marker.starts_with("DOC") {
                "documents"
            } else {
                "activities"
            };
            let mut req = app
                .client
                .get(app.url(&format!("/api/v1/{kind}/{}", item.id)));
            if !who.cookie.is_empty() {
                req = req.bearer_auth(&who.token);
            }
            assert_eq!(
                req.send().await.unwrap().status(),
                404,
                "{} on {}",
                who.name,
                item.marker
            );
        }
    }
    assert!(checked > 500, "only {checked} requests");
}
