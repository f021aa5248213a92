//! Documents, proposals and resolutions through the real server: the shipped ATU proposal
//! equals the fixture field by field, imports store once or add a version, bad files leave
//! nothing behind, pages show track changes, and the compilation consolidates or shows
//! conflicts.

use std::io::{Read, Write};

use liaise_service::domain::{Code, Role};
use liaise_testkit::{TestApp, backend_tests, items, json, reqwest};
use serde_json::Value;

backend_tests!(
    the_shipped_proposal_equals_the_fixture,
    imports_add_versions_and_respect_access,
    bad_files_are_refused_and_leave_nothing,
    pages_show_track_changes,
    the_compilation_consolidates_or_shows_conflicts,
    the_secretariat_records_a_proposals_status,
    documents_proposals_and_resolutions_are_found_by_search,
    the_secretariat_completes_a_documents_details,
    word_numbered_items_are_items_of_their_own,
    proposals_show_the_authors_marks,
    the_compilation_shows_every_part_and_a_clean_text,
    plain_text_and_comparisons_say_their_marks_are_computed,
    proposals_stored_without_marks_get_them_back,
);

const FIXTURE_DOCX: &[u8] = include_bytes!("../../../../data/reference/ATU-35A3-1.docx");
const EXPECTED: &str =
    include_str!("../../../liaise-import/tests/fixtures/ATU-35A3-1.expected.json");
const NUMBERED_DOCX: &[u8] = include_bytes!("../../../liaise-import/tests/fixtures/numbered.docx");
const NUMBERED_EXPECTED: &str =
    include_str!("../../../liaise-import/tests/fixtures/numbered.expected.json");

/// Whether `text` is inside a `<tag …>…</tag>` element of the page.
fn inside(html: &str, tag: &str, text: &str) -> bool {
    elements(html, tag).iter().any(|(_, t)| t.contains(text))
}

/// The `<tag …>…</tag>` elements of the page: (attributes, content).
fn elements<'h>(html: &'h str, tag: &str) -> Vec<(&'h str, &'h str)> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    html.match_indices(&open)
        .filter_map(|(start, _)| {
            let rest = &html[start + open.len()..];
            if !rest.starts_with(['>', ' ']) {
                return None;
            }
            let gt = rest.find('>')?;
            let end = rest.find(&close)?;
            Some((&rest[..gt], &rest[gt + 1..end]))
        })
        .collect()
}

fn expected() -> Value {
    serde_json::from_str(EXPECTED).unwrap()
}

async fn itu_token(app: &TestApp) -> String {
    app.token(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await
}

/// POSTs a multipart import; returns status, the Content-Type and the JSON answer.
async fn import(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> (u16, String, Value) {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let mut req = app.client.post(app.url("/api/v1/imports")).multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = r.text().await.unwrap();
    (
        status,
        kind,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// The fixture with its entries rewritten by `edit` (part name, content).
fn rewrite_docx(edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(FIXTURE_DOCX)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        out.start_file(
            name.as_str(),
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        out.write_all(edit(&name, text).as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A contribution of another source generated from the fixture: `EUR/40/1`, proposing a
/// different end to *resolves*.
fn eur_docx() -> Vec<u8> {
    rewrite_docx(|name, text| {
        if name == "word/document.xml" {
            text.replace("ATU/35A3/", "EUR/40/").replace(
                "as  well as disaster risk management",
                "and digital identity",
            )
        } else {
            text
        }
    })
}

async fn the_shipped_proposal_equals_the_fixture(app: TestApp) {
    let want = expected();
    let p = app.get_json("/api/v1/proposals/ATU/35A3/1").await;
    assert_eq!(p["identifier"], "ATU/35A3/1");
    assert_eq!(p["action"], want["action"]);
    assert_eq!(p["source"], want["source"]["name"]);
    assert_eq!(p["target"]["number"], want["target"]["number"]);
    assert_eq!(p["target"]["base_version"], "hammamet-2016");
    assert_eq!(p["status"], "submitted");
    assert_eq!(p["format"], "docx");
    assert_eq!(p["abstract"], want["abstract"]);
    for part in ["heading", "title", "history", "preamble"] {
        assert_eq!(p[part]["before"], want[part]["before"], "{part}");
        assert_eq!(p[part]["after"], want[part]["after"], "{part}");
        assert_eq!(p[part]["changed"], want[part]["changed"], "{part}");
    }
    let got = p["sections"].as_array().unwrap();
    let sections = want["sections"].as_array().unwrap();
    assert_eq!(got.len(), sections.len());
    for (g, w) in got.iter().zip(sections) {
        assert_eq!(g["name"], w["key"]);
        assert_eq!(g["heading"], w["heading"], "{}", w["key"]);
        assert_eq!(g["label"], w["label"], "{}", w["key"]);
        assert_eq!(g["before"], w["before"], "{}", w["key"]);
        assert_eq!(g["after"], w["after"], "{}", w["key"]);
        assert_eq!(g["changed"], w["changed"], "{}", w["key"]);
    }
    assert_eq!(p["topics"], want["resolves_topics"]["after"]);

    // Its document, with the shipped file as version 1.
    let doc = app
        .get_json(&format!("/api/v1/documents/{}", p["document"]))
        .await;
    assert_eq!(doc["number"], "ATU/35A3");
    assert_eq!(doc["kind"], "contribution");
    assert_eq!(doc["access"], "public");
    assert_eq!(doc["proposals"], json!(["ATU/35A3/1"]));
    assert_eq!(doc["versions"].as_array().unwrap().len(), 1);
    let r = app.get(doc["versions"][0]["url"].as_str().unwrap()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"ATU-35A3-1.docx\"")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), FIXTURE_DOCX);

    // Resolution 11 as revised at Hammamet, by section: the proposal's before texts.
    let res = app.get_json("/api/v1/resolutions/11").await;
    assert_eq!(res["proposals"], json!(["ATU/35A3/1"]));
    let v = &res["versions"][0];
    assert_eq!(v["version"], "hammamet-2016");
    assert_eq!(
        (v["assembly"].as_str(), v["year"].as_i64()),
        (Some("Hammamet"), Some(2016))
    );
    assert_eq!(v["title"], want["title"]["before"]);
    let items: Vec<(&Value, &Value)> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().iter().map(move |i| (s, i)))
        .collect();
    assert_eq!(items.len(), sections.len());
    for ((s, i), w) in items.iter().zip(sections) {
        assert_eq!(i["name"], w["key"]);
        assert_eq!(i["text"], w["before"]);
        assert_eq!(s["heading"], w["heading"]);
    }
    let parts: Vec<&str> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["part"].as_str().unwrap())
        .collect();
    assert_eq!(
        parts,
        [
            "preamble",
            "preamble",
            "preamble",
            "preamble",
            "operative",
            "operative"
        ]
    );
    assert_eq!(app.get("/api/v1/resolutions/999").await.status(), 404);
    assert_eq!(app.get("/api/v1/proposals/ATU/35A3/9").await.status(), 404);
    // The list answers in the shape of every list.
    let list = app.get_json("/api/v1/proposals?target=11").await;
    assert_eq!(list["total"], 1);
    assert_eq!(
        app.get_json("/api/v1/proposals?target=12").await["total"],
        0
    );
    let docs = app
        .get_json("/api/v1/documents?kind=contribution&year=2024")
        .await;
    assert_eq!(docs["total"], 1);
    assert_eq!(
        app.get_json("/api/v1/documents?year=2019").await["total"],
        0
    );
    let (s, v) = liaise_testkit::read(app.get("/api/v1/documents?kind=novel").await).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "kind");
}

async fn imports_add_versions_and_respect_access(app: TestApp) {
    let itu = itu_token(&app).await;
    let member = app.token(Role::Member).await;
    // Members do not import.
    let (s, _, v) = import(&app, Some(&member), "eur.docx", eur_docx(), &[]).await;
    assert_eq!(s, 403, "{v}");
    let (s, _, _) = import(&app, None, "eur.docx", eur_docx(), &[]).await;
    assert_eq!(s, 401);
    // A new document always has an owner: an administrator names it.
    let admin = app.admin_token().await;
    let (s, _, v) = import(&app, Some(&admin), "eur.docx", eur_docx(), &[]).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "organizations", "{v}");
    // A secretariat-only document of ITU: the UPU secretariat cannot see it, so adding a
    // version answers 404 as every other route would, and changes nothing.
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let hidden = rewrite_docx(|name, text| {
        if name == "word/document.xml" {
            text.replace("ATU/35A3/", "EUR/41/")
        } else {
            text
        }
    });
    let (s, _, v) = import(
        &app,
        Some(&itu),
        "eur-41.docx",
        hidden.clone(),
        &[("access", "secretariat")],
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id41 = v["document"].as_i64().unwrap();
    let changed = rewrite_docx(|name, text| {
        if name == "word/document.xml" {
            text.replace("ATU/35A3/", "EUR/41/")
                .replace("minimum of formality", "minimum of ceremony")
        } else {
            text
        }
    });
    let (s, _, v) = import(&app, Some(&upu), "eur-41.docx", changed.clone(), &[]).await;
    assert_eq!(s, 404, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("EUR/41"), "{v}");
    // Made public, it is seen, but only its owners' secretariat adds versions.
    let (s, v) = app
        .patch_json(
            &format!("/api/v1/documents/{id41}"),
            &json!({"access": "public"}),
            Some(&itu),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _, v) = import(&app, Some(&upu), "eur-41.docx", changed.clone(), &[]).await;
    assert_eq!(s, 403, "{v}");
    let (s, _, v) = import(&app, Some(&itu), "eur-41.docx", changed, &[]).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["version"], 2);
    // A members-only contribution by the ITU secretariat.
    let (s, _, v) = import(
        &app,
        Some(&itu),
        "eur.docx",
        eur_docx(),
        &[("access", "members")],
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["created"], true);
    assert_eq!(v["version"], 1);
    assert_eq!(v["number"], "EUR/40");
    assert_eq!(v["format"], "docx");
    assert_eq!(v["proposal"]["identifier"], "EUR/40/1");
    let doc = v["document"].as_i64().unwrap();
    let proposals_before = app.get_json("/api/v1/proposals?per_page=500").await["total"].clone();
    // The identical file again (another name, same SHA-256) is refused and adds nothing.
    let (s, _, v) = import(&app, Some(&itu), "eur-copy.docx", eur_docx(), &[]).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(v["errors"][0]["field"], "file", "{v}");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("eur-copy.docx: this file is already version 1 of EUR/40"),
        "{v}"
    );
    // The same identifier in a changed file: a new version, not a duplicate.
    let revised = rewrite_docx(|name, text| {
        if name == "word/document.xml" {
            text.replace("ATU/35A3/", "EUR/40/")
                .replace(
                    "as  well as disaster risk management",
                    "and digital identity",
                )
                .replace("minimum of formality", "minimum of formalities")
        } else {
            text
        }
    });
    let (s, _, v) = import(&app, Some(&itu), "eur-rev1.docx", revised, &[]).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        (v["created"].clone(), v["version"].clone()),
        (json!(false), json!(2))
    );
    assert_eq!(v["document"], doc);
    let (s, d) = liaise_testkit::read(
        app.client
            .get(app.url(&format!("/api/v1/documents/{doc}")))
            .bearer_auth(&member)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(d["versions"].as_array().unwrap().len(), 2);
    assert_eq!(d["access"], "members");
    assert_eq!(d["organizations"], json!(["ITU"]));
    assert_eq!(
        app.get_json("/api/v1/proposals?per_page=500").await["total"],
        proposals_before
    );
    // The proposal's sections come from the generated file.
    let (s, p) = liaise_testkit::read(
        app.client
            .get(app.url("/api/v1/proposals/EUR/40/1"))
            .bearer_auth(&member)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let resolves = p["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "resolves")
        .unwrap();
    assert!(
        resolves["after"]
            .as_str()
            .unwrap()
            .ends_with("and digital identity,")
    );
    // Hidden from the public everywhere: 404, not 403, and absent from lists.
    for path in [
        format!("/api/v1/documents/{doc}"),
        "/api/v1/proposals/EUR/40/1".to_owned(),
        format!("/api/v1/documents/{doc}/versions/1/file"),
        format!("/documents/{doc}"),
        "/proposals/EUR/40/1".to_owned(),
        format!("/documents/{doc}/versions/2/file"),
    ] {
        assert_eq!(app.get(&path).await.status(), 404, "{path}");
    }
    let public = app.get_json("/api/v1/proposals").await;
    assert!(!public.to_string().contains("EUR/40/1"));
    let (_, page) = app.page("/resolutions/11/compilation").await;
    assert!(!page.contains("EUR/40/1"));
    // A member sees it on the pages too.
    let cookie = {
        let (e, pw) = app.user(Role::Member).await;
        app.sign_in(&e, &pw).await.unwrap()
    };
    let (s, html) = app.page_as("/proposals/EUR/40/1", &cookie).await;
    assert_eq!(s, 200);
    assert!(inside(&html, "ins", "and digital identity"), "{html}");
    // Plain text is recognized by content, whatever its name says.
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../liaise-import/tests/fixtures/seed-ATU-35A3-1.txt"
    ))
    .unwrap();
    let text = String::from_utf8(text)
        .unwrap()
        .replace("ATU/35A3/1", "ARB/41/1");
    // The plain text of a proposal already read from .docx is a new version of its document,
    // but the proposal keeps its exact before and after texts.
    let seed_text = text.replace("ARB/41/1", "EUR/40/1");
    let (s, _, v) = import(&app, Some(&itu), "eur.txt", seed_text.into_bytes(), &[]).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        (v["document"].as_i64(), v["version"].as_i64()),
        (Some(doc), Some(3))
    );
    let (_, p) = liaise_testkit::read(
        app.client
            .get(app.url("/api/v1/proposals/EUR/40/1"))
            .bearer_auth(&member)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p["format"], "docx");
    assert_eq!(p["preamble"]["before"], expected()["preamble"]["before"]);
    let (s, _, v) = import(&app, Some(&itu), "arb.bin", text.into_bytes(), &[]).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["format"], "text");
    assert_eq!(v["proposal"]["identifier"], "ARB/41/1");
    let p = app.get_json("/api/v1/proposals/ARB/41/1").await;
    assert_eq!(p["format"], "text");
}

async fn bad_files_are_refused_and_leave_nothing(app: TestApp) {
    let itu = itu_token(&app).await;
    let counts = || async { app.liaise.document_counts().await.unwrap() };
    let before = counts().await;
    let mut x: u32 = 0x1234_5678;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let malformed = rewrite_docx(|name, text| {
        if name == "word/document.xml" {
            text.replace("</w:body>", "")
        } else {
            text
        }
    });
    // A zip bomb in the shape the importer's limits stop: more entries than any document has.
    let bomb = {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..2100 {
            out.start_file(
                format!("word/media/x{i}.bin"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            out.write_all(b"0").unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    // And a real one: 210 MB of zeros in well under 1 MB, past the 200 MB the reader
    // decompresses at most.
    let deep_bomb = {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        out.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..210 {
            out.write_all(&chunk).unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    assert!(deep_bomb.len() < 1 << 20, "{} bytes", deep_bomb.len());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.docx", Vec::new(), "empty"),
        ("deep.docx", deep_bomb, "possible zip bomb"),
        ("random.docx", random.clone(), "not a zip"),
        ("random.bin", random, "UTF-8"),
        (
            "half.docx",
            FIXTURE_DOCX[..FIXTURE_DOCX.len() / 2].to_vec(),
            "truncated",
        ),
        ("broken.docx", malformed, "malformed XML"),
        ("bomb.docx", bomb, "zip bomb"),
        ("latin1.txt", b"MOD\tATU/35A3/1 caf\xe9".to_vec(), "UTF-8"),
        (
            "notes.txt",
            b"Just some notes, no proposal.".to_vec(),
            "no proposal",
        ),
    ];
    for (name, bytes, problem) in cases {
        let (s, kind, v) = import(&app, Some(&itu), name, bytes, &[]).await;
        assert_eq!(s, 422, "{name}: {v}");
        assert_eq!(kind, "application/problem+json", "{name}");
        let detail = v["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(name) && detail.contains(problem),
            "{name}: {detail}"
        );
        assert_eq!(v["errors"][0]["field"], "file", "{name}");
        assert_eq!(counts().await, before, "{name} left something behind");
    }
    // Names Windows refuses are refused, naming the character, and leave nothing.
    for name in [
        "a<b.docx",
        "a>b.docx",
        "a:b.docx",
        "what?.docx",
        "a|b.docx",
        "a*.docx",
        "\"q\".docx",
    ] {
        let (s, kind, v) = import(&app, Some(&itu), name, eur_docx(), &[]).await;
        assert_eq!(s, 422, "{name}: {v}");
        assert_eq!(kind, "application/problem+json", "{name}");
        assert_eq!(v["errors"][0]["field"], "file", "{name}");
        assert!(
            v["detail"].as_str().unwrap().contains("Windows"),
            "{name}: {v}"
        );
        assert_eq!(counts().await, before, "{name}");
    }
    // Eight hostile uploads at once (each inflates almost 1 MiB of nested elements and is
    // parsed until the depth limit): at most two are parsed at a time, each gets its 422,
    // and the server keeps answering.
    let nested = {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        out.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        out.write_all(b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>").unwrap();
        out.write_all("<w:sdt>".repeat(140_000).as_bytes()).unwrap();
        out.finish().unwrap().into_inner()
    };
    let up = |i: usize| {
        import(
            &app,
            Some(&itu),
            if i.is_multiple_of(2) {
                "nested.docx"
            } else {
                "nested-too.docx"
            },
            nested.clone(),
            &[],
        )
    };
    let answers = tokio::join!(up(0), up(1), up(2), up(3), up(4), up(5), up(6), up(7));
    for (s, kind, v) in [
        answers.0, answers.1, answers.2, answers.3, answers.4, answers.5, answers.6, answers.7,
    ] {
        assert_eq!(s, 422, "{v}");
        assert_eq!(kind, "application/problem+json");
        assert!(
            v["detail"].as_str().unwrap().contains("XML nesting depth"),
            "{v}"
        );
    }
    let (s, _) = app.page("/healthz").await;
    assert_eq!(s, 200);
    assert_eq!(counts().await, before);
    // A file cannot take over a proposal recorded with another document.
    let two = "MOD\tEUR/40/1\nRESOLUTION 11 (Rev. Hammamet, 2016)\nresolves\nthat a,\n\
               MOD\tATU/35A3/1\nRESOLUTION 11 (Rev. Hammamet, 2016)\nresolves\nthat b,\n";
    let (s, kind, v) = import(&app, Some(&itu), "two.txt", two.as_bytes().to_vec(), &[]).await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(kind, "application/problem+json");
    assert!(
        v["detail"]
            .as_str()
            .unwrap()
            .contains("two.txt: proposal ATU/35A3/1 is already recorded"),
        "{v}"
    );
    assert_eq!(counts().await, before);
    assert_eq!(
        app.get_json("/api/v1/proposals/ATU/35A3/1").await["sections"][0]["before"],
        expected()["sections"][0]["before"]
    );
    // Fields that are not understood are named.
    let (s, _, v) = import(
        &app,
        Some(&itu),
        "eur.docx",
        eur_docx(),
        &[("access", "world")],
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(v["errors"][0]["field"], "access");
    let (s, _, v) = import(
        &app,
        Some(&itu),
        "eur.docx",
        eur_docx(),
        &[("colour", "red")],
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(v["errors"][0]["field"], "colour");
    assert_eq!(counts().await, before);
    // Without a file field.
    let r = app
        .client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&itu)
        .multipart(reqwest::multipart::Form::new().text("kind", "report"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // The upload form refuses a bad file with the form again and the reason.
    let (e, pw) = app
        .user(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let cookie = app.sign_in(&e, &pw).await.unwrap();
    let (s, html) = app.page_as("/documents/import", &cookie).await;
    assert_eq!(s, 200);
    let csrf = liaise_testkit::hidden_field(&html, "csrf").unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"PK\x03\x04 nothing".to_vec()).file_name("x.docx"),
        );
    let r = app
        .client
        .post(app.url("/documents/import"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("x.docx") && html.contains("type=\"file\""),
        "{html}"
    );
    assert_eq!(counts().await, before);
    // Over the size limit: the answer arrives (not a reset connection) and names the limit.
    let (s, kind, v) = import(
        &app,
        Some(&itu),
        "big.txt",
        vec![b'a'; 21 * 1024 * 1024],
        &[],
    )
    .await;
    assert_eq!(s, 413, "{v}");
    assert!(kind.starts_with("application/problem+json"), "{kind}");
    assert!(v["detail"].as_str().unwrap().contains("20 MiB"), "{v}");
    assert_eq!(counts().await, before);
    // Without the CSRF token: refused.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(eur_docx()).file_name("eur.docx"),
    );
    let r = app
        .client
        .post(app.url("/documents/import"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(counts().await, before);
    // With it: stored, and the browser goes to the document.
    let upload = |csrf: String| {
        reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(eur_docx()).file_name("eur.docx"),
        )
    };
    let r = app
        .client
        .post(app.url("/documents/import"))
        .header("cookie", &cookie)
        .multipart(upload(csrf.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/documents/"), "{location}");
    assert!(location.ends_with("?imported=1"), "{location}");
    assert_eq!(counts().await[0], before[0] + 1);
    // The document page says what happened.
    let (_, html) = app.page_as(&location, &cookie).await;
    assert!(html.contains("Imported as version 1."), "{html}");
    let (_, html) = app
        .page_as(&location.replace("imported=1", "imported=7"), &cookie)
        .await;
    assert!(
        !html.contains("Imported as version"),
        "a version it does not have"
    );
    // The same file again: the form, saying which version it already is; nothing added.
    let versions = counts().await;
    let r = app
        .client
        .post(app.url("/documents/import"))
        .header("cookie", &cookie)
        .multipart(upload(csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("this file is already version 1 of EUR/40") && html.contains("type=\"file\""),
        "{html}"
    );
    assert_eq!(counts().await, versions);
    // Members and the public do not get the form.
    assert_eq!(app.page("/documents/import").await.0, 404);
}

async fn pages_show_track_changes(app: TestApp) {
    let (s, html) = app.page("/proposals/ATU/35A3/1").await;
    assert_eq!(s, 200);
    assert!(inside(&html, "del", "Hammamet, 2016"), "{html}");
    assert!(inside(&html, "ins", "New Delhi, 2024"));
    assert!(inside(&html, "ins", "and joint work"), "{html}");
    assert!(inside(&html, "del", "the efficient"), "{html}");
    assert!(inside(&html, "ins", "to optimize the"), "{html}");
    assert!(html.contains("class=\"changed\""));
    assert!(html.contains("African Telecommunications Union"));
    let r = app.get_lang("/proposals/ATU/35A3/1", "fr").await;
    let fr = r.text().await.unwrap();
    assert!(fr.contains("Les modifications proposées") && inside(&fr, "ins", "New Delhi, 2024"));
    // The resolution by section, and the list of documents.
    let (s, html) = app.page("/resolutions/11").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Hammamet") && html.contains("considering") && html.contains("ATU/35A3/1")
    );
    let (s, html) = app.page("/documents?kind=contribution").await;
    assert_eq!(s, 200);
    assert!(html.contains("ATU/35A3"));
    let (_, html) = app.page("/documents?kind=report").await;
    assert!(!html.contains("ATU/35A3"));
    // The list of proposals has the API's filters.
    let (s, html) = app.page("/proposals?target=11&status=submitted").await;
    assert_eq!(s, 200);
    assert!(html.contains("MOD ATU/35A3/1"));
    for other in [
        "/proposals?target=12",
        "/proposals?status=adopted",
        "/proposals?source=EUR",
    ] {
        assert!(
            !app.page(other).await.1.contains("MOD ATU/35A3/1"),
            "{other}"
        );
    }
    // A second version of the document, compared with the first.
    let itu = itu_token(&app).await;
    let revised = rewrite_docx(|name, text| {
        if name == "word/document.xml" {
            text.replace("minimum of formality", "minimum of bureaucracy")
        } else {
            text
        }
    });
    let (s, _, v) = import(&app, Some(&itu), "ATU-35A3-1-rev.docx", revised, &[]).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["version"], 2);
    let doc = v["document"].as_i64().unwrap();
    let (s, html) = app.page(&format!("/documents/{doc}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("ATU-35A3-1-rev.docx") && html.contains("/compare"));
    let (s, html) = app
        .page(&format!("/documents/{doc}/compare?from=1&to=2"))
        .await;
    assert_eq!(s, 200);
    assert!(inside(&html, "del", "formality"), "{html}");
    assert!(inside(&html, "ins", "bureaucracy"));
    assert!(html.contains("side-by-side"));
    assert_eq!(
        app.page(&format!("/documents/{doc}/compare?from=1&to=9"))
            .await
            .0,
        422
    );
    assert_eq!(app.page("/documents/999999").await.0, 404);
    assert_eq!(app.page("/documents/abc").await.0, 404);
    // A download from the page.
    let r = app.get(&format!("/documents/{doc}/versions/2/file")).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ATU-35A3-1-rev.docx")
    );
}

async fn the_compilation_consolidates_or_shows_conflicts(app: TestApp) {
    let itu = itu_token(&app).await;
    let (s, _, v) = import(&app, Some(&itu), "eur.docx", eur_docx(), &[]).await;
    assert_eq!(s, 201, "{v}");
    let (s, html) = app.page("/resolutions/11/compilation").await;
    assert_eq!(s, 200);
    assert!(html.contains("ATU/35A3/1") && html.contains("EUR/40/1"));
    assert!(!html.contains("class=\"conflict\""));
    // Accepting ATU's proposal alone gives its text.
    let (_, html) = app
        .page("/resolutions/11/compilation?accept=ATU%2F35A3%2F1")
        .await;
    assert!(inside(&html, "ins", "disaster risk management"), "{html}");
    assert!(!html.contains("class=\"conflict\""));
    // Both: they end *resolves* differently, so that section is a conflict, not a guess.
    let (s, html) = app
        .page("/resolutions/11/compilation?accept=ATU%2F35A3%2F1&accept=EUR%2F40%2F1")
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("class=\"conflict\""), "{html}");
    assert!(html.contains("and digital identity"));
    // Sections both change the same way are consolidated (the 2024 recognizing text).
    assert!(html.contains("(ATU/35A3/1, EUR/40/1)"), "{html}");
    // A proposal that is not on the resolution is named.
    let (s, html) = app
        .page("/resolutions/11/compilation?accept=XYZ%2F1%2F1")
        .await;
    assert_eq!(s, 422, "{html}");
    assert_eq!(app.page("/resolutions/12/compilation").await.0, 404);
    // Comparing the resolution with itself shows no change.
    let (s, html) = app.page("/resolutions/11/compare").await;
    assert_eq!(s, 200);
    assert!(!html.contains("<ins>"));
}

async fn the_secretariat_records_a_proposals_status(app: TestApp) {
    let itu = itu_token(&app).await;
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    let member = app.token(Role::Member).await;
    let path = "/api/v1/proposals/ATU/35A3/1";
    let (s, _) = app
        .patch_json(path, &json!({"status": "adopted"}), Some(&member))
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .patch_json(path, &json!({"status": "adopted"}), Some(&upu))
        .await;
    assert_eq!(s, 403, "the document belongs to ITU");
    let (s, v) = app
        .patch_json(path, &json!({"status": "adopted-maybe"}), Some(&itu))
        .await;
    assert_eq!(s, 422);
    assert_eq!(v["errors"][0]["field"], "status");
    let (s, v) = app
        .patch_json(path, &json!({"status": "under-discussion"}), Some(&itu))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "under-discussion");
    assert_eq!(app.get_json(path).await["status"], "under-discussion");
    // Adopted as written: Resolution 11 gets its New Delhi 2024 text, once.
    let (s, v) = app
        .patch_json(path, &json!({"status": "adopted"}), Some(&itu))
        .await;
    assert_eq!(s, 200, "{v}");
    let res = app.get_json("/api/v1/resolutions/11").await;
    let keys: Vec<&str> = res["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["hammamet-2016", "new-delhi-2024"]);
    let want = expected();
    let new = &res["versions"][1];
    assert_eq!(
        (new["assembly"].as_str(), new["year"].as_i64()),
        (Some("New Delhi"), Some(2024))
    );
    assert_eq!(new["history"], want["history"]["after"]);
    let resolves = new["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "resolves")
        .unwrap();
    let w = want["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "resolves")
        .unwrap();
    assert_eq!(resolves["items"][0]["text"], w["after"]);
    let (s, html) = app
        .page("/resolutions/11/compare?from=hammamet-2016&to=new-delhi-2024")
        .await;
    assert_eq!(s, 200);
    assert!(inside(&html, "ins", "and joint work"), "{html}");
    let (_, html) = app.page("/resolutions/11").await;
    assert!(html.contains("New Delhi") && html.contains("and joint work"));
    // Set back and adopted again: still one text per assembly.
    for status in ["under-discussion", "adopted"] {
        let (s, _) = app
            .patch_json(path, &json!({"status": status}), Some(&itu))
            .await;
        assert_eq!(s, 200);
    }
    let res = app.get_json("/api/v1/resolutions/11").await;
    assert_eq!(res["versions"].as_array().unwrap().len(), 2);
    // From the page: the secretariat's form (with its CSRF token); others see no form.
    let (e, pw) = app
        .user(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let cookie = app.sign_in(&e, &pw).await.unwrap();
    let (_, html) = app.page_as("/proposals/ATU/35A3/1", &cookie).await;
    let csrf = liaise_testkit::hidden_field(&html, "csrf").unwrap();
    assert!(html.contains("/proposals/ATU/35A3/1/status"));
    assert!(
        !app.page("/proposals/ATU/35A3/1")
            .await
            .1
            .contains("/status\"")
    );
    let post = |csrf: String, status: &'static str| {
        app.client
            .post(app.url("/proposals/ATU/35A3/1/status"))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf), ("status", status.to_owned())])
            .send()
    };
    assert_eq!(
        post("forged".into(), "withdrawn").await.unwrap().status(),
        403
    );
    let r = post(csrf.clone(), "withdrawn").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(app.get_json(path).await["status"], "withdrawn");
    assert_eq!(post(csrf, "lost").await.unwrap().status(), 422);
    let admin = app.admin_token().await;
    let audit = liaise_testkit::read(
        app.client
            .get(app.url("/api/v1/audit?per_page=500"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
    )
    .await
    .1;
    assert!(
        items(&audit).iter().any(|e| e["entity"] == "proposal"
            && e["action"] == "status"
            && e["changes"].to_string().contains("under-discussion")),
        "{audit}"
    );
}

/// The `kind:key` of the hits of a search as the holder of `token` (anonymous when none).
async fn found(app: &TestApp, query: &str, token: Option<&str>) -> Vec<String> {
    let mut req = app.client.get(app.url(&format!("/api/v1/search?{query}")));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let (s, v) = liaise_testkit::read(req.send().await.unwrap()).await;
    assert_eq!(s, 200, "{query}: {v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{}",
                h["kind"].as_str().unwrap(),
                h["key"].as_str().unwrap()
            )
        })
        .collect()
}

async fn documents_proposals_and_resolutions_are_found_by_search(app: TestApp) {
    // The shipped reference data: the resolution and the proposal, by words of their texts.
    assert_eq!(
        found(&app, "q=postal+union&kind=resolution", None).await,
        vec!["resolution:11"]
    );
    assert!(
        found(&app, "q=metaverse&kind=proposal", None)
            .await
            .contains(&"proposal:ATU/35A3/1".to_owned())
    );
    // A members-only import is found by members at once, never by the public.
    let itu = itu_token(&app).await;
    let member = app.token(Role::Member).await;
    let (s, _, v) = import(
        &app,
        Some(&itu),
        "eur.docx",
        eur_docx(),
        &[("access", "members")],
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let doc = v["document"].as_i64().unwrap();
    let q = "q=digital+identity";
    let hits = found(&app, q, Some(&member)).await;
    assert!(hits.contains(&"proposal:EUR/40/1".to_owned()), "{hits:?}");
    assert!(hits.contains(&format!("document:{doc}")), "{hits:?}");
    let public = found(&app, q, None).await;
    assert!(
        !public
            .iter()
            .any(|h| h == "proposal:EUR/40/1" || h == &format!("document:{doc}")),
        "{public:?}"
    );
    // The facets count the new kinds.
    let (s, v) = liaise_testkit::read(
        app.client
            .get(app.url("/api/v1/search?q=resolution"))
            .bearer_auth(&member)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let kinds: Vec<&str> = v["facets"]["kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    for k in ["document", "proposal", "resolution"] {
        assert!(kinds.contains(&k), "{k} in {v}");
    }
}

/// What an import cannot read from the file (bodies, topics, meeting, date) the secretariat
/// sets afterwards; a refused change names each field and changes nothing; search follows.
async fn the_secretariat_completes_a_documents_details(app: TestApp) {
    let itu = itu_token(&app).await;
    let (s, _, v) = import(&app, Some(&itu), "eur.docx", eur_docx(), &[]).await;
    assert_eq!(s, 201, "{v}");
    let id = v["document"].as_i64().unwrap();
    let path = format!("/api/v1/documents/{id}");
    let before = app.get_json(&path).await;
    assert_eq!(before["bodies"], json!([]));

    // Only the secretariats of its organizations (and administrators) change it.
    let change = json!({"meeting": "TSAG, Geneva"});
    let member = app.token(Role::Member).await;
    let upu = app
        .token(Role::Secretariat(Code::parse("o", "UPU").unwrap()))
        .await;
    assert_eq!(app.patch_json(&path, &change, None).await.0, 401);
    assert_eq!(app.patch_json(&path, &change, Some(&member)).await.0, 403);
    assert_eq!(app.patch_json(&path, &change, Some(&upu)).await.0, 403);
    let (s, v) = app
        .patch_json("/api/v1/documents/999999", &change, Some(&itu))
        .await;
    assert_eq!(s, 404, "{v}");

    // Every broken rule at once, with its field; nothing changes.
    let bad = json!({
        "title": " ",
        "bodies": ["SG12", "NOPE"],
        "topics": ["nope"],
        "language": "xx",
        "kind": "memo",
        "access": "everyone",
    });
    let (s, v) = app.patch_json(&path, &bad, Some(&itu)).await;
    assert_eq!(s, 422, "{v}");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "title",
        "bodies[1]",
        "topics[0]",
        "language",
        "kind",
        "access",
    ] {
        assert!(fields.contains(&f), "{f} in {v}");
    }
    let (s, v) = app
        .patch_json(&path, &json!({"date": "2026-13-01"}), Some(&itu))
        .await;
    assert_eq!(
        (s.as_u16(), v["errors"][0]["field"].clone()),
        (422, json!("date")),
        "{v}"
    );
    let (s, v) = app
        .patch_json(&path, &json!({"colour": "red"}), Some(&itu))
        .await;
    assert!(s.is_client_error(), "{s} {v}");
    let mut unchanged = app.get_json(&path).await;
    unchanged["updated_at"] = before["updated_at"].clone();
    assert_eq!(unchanged, before);

    // The change, then a second one that clears the date and keeps the rest.
    let good = json!({
        "title": "European proposal on Resolution 11",
        "bodies": ["SG12", "POC-C3", "SG12"],
        "topics": ["dfs", "qos"],
        "meeting": "TSAG, Geneva, June 2026",
        "date": "2026-06-02",
        "language": "fr",
    });
    let (s, v) = app.patch_json(&path, &good, Some(&itu)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["title"], "European proposal on Resolution 11");
    assert_eq!(v["bodies"], json!(["SG12", "POC-C3"]));
    assert_eq!(v["topics"], json!(["dfs", "qos"]));
    assert_eq!(v["meeting"], "TSAG, Geneva, June 2026");
    assert_eq!(v["date"], "2026-06-02");
    assert_eq!(v["language"], "fr");
    assert_eq!(v["proposals"], json!(["EUR/40/1"]));
    let (s, v) = app
        .patch_json(&path, &json!({"date": ""}), Some(&itu))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["date"], Value::Null);
    assert_eq!(v["meeting"], "TSAG, Geneva, June 2026");

    // The list's filters, the search index and its facets follow.
    let listed = app.get_json("/api/v1/documents?body=POC-C3").await;
    let ids: Vec<i64> = items(&listed)
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id]);
    let found = app
        .get_json("/api/v1/search?q=European+proposal&kind=document&topic=dfs")
        .await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(
        found["items"][0]["title"],
        "EUR/40: European proposal on Resolution 11"
    );
    let bodies: Vec<&str> = found["facets"]["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"POC-C3"), "{found}");

    // Made members-only, it leaves the public's search and list at once.
    let (s, _) = app
        .patch_json(&path, &json!({"access": "members"}), Some(&itu))
        .await;
    assert_eq!(s, 200);
    let found = app.get_json("/api/v1/search?q=European+proposal").await;
    assert_eq!(found["total"], 0, "{found}");
    assert_eq!(app.get(&path).await.status(), 404);
    let found = search_as(&app, "q=European+proposal&kind=document", &member).await;
    assert_eq!(found["total"], 1, "{found}");

    let (s, _) = app
        .patch_json(&path, &json!({"access": "public"}), Some(&itu))
        .await;
    assert_eq!(s, 200);

    // The same from the page: a link and a form for the secretariat, none for others.
    let page = format!("/documents/{id}");
    let edit = format!("/documents/{id}/edit");
    let (e, pw) = app
        .user(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
        .await;
    let cookie = app.sign_in(&e, &pw).await.unwrap();
    let (s, html) = app.page_as(&page, &cookie).await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("href=\"{edit}\"")), "{html}");
    let (e2, pw2) = app.user(Role::Member).await;
    let member_cookie = app.sign_in(&e2, &pw2).await.unwrap();
    let (s, html) = app.page_as(&page, &member_cookie).await;
    assert_eq!(s, 200);
    assert!(!html.contains(&edit));
    assert_eq!(app.page_as(&edit, &member_cookie).await.0, 403);
    let (s, html) = app.page_as(&edit, &cookie).await;
    assert_eq!(s, 200);
    assert!(html.contains("value=\"TSAG, Geneva, June 2026\""), "{html}");
    assert!(html.contains("value=\"SG12, POC-C3\""), "{html}");
    let csrf = liaise_testkit::hidden_field(&html, "csrf").unwrap();
    let post = |fields: Vec<(&'static str, String)>| {
        app.client
            .post(app.url(&edit))
            .header("cookie", &cookie)
            .form(&fields)
            .send()
    };
    let form = |bodies: &str, date: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "European proposal on Resolution 11".to_owned()),
            ("kind", "contribution".to_owned()),
            ("source", "CEPT".to_owned()),
            ("bodies", bodies.to_owned()),
            ("meeting", "WTSA-24".to_owned()),
            ("date", date.to_owned()),
            ("language", "en".to_owned()),
            ("topics", "qos".to_owned()),
            ("topics", "smart-cities".to_owned()),
            ("access", "public".to_owned()),
        ]
    };
    // A body that does not exist: the form again, what was typed, the message at its field.
    let r = post(form("SG12, SG99", "2024-10-15")).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"SG12, SG99\""), "{html}");
    assert!(html.contains("id=\"bodies-error\""), "{html}");
    assert!(html.contains("no body `SG99`"), "{html}");
    let r = post(form("SG12", "15/10/2024")).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"date-error\""));
    assert_eq!(app.get_json(&path).await["source"], before["source"]);
    // A forged token changes nothing.
    let mut forged = form("SG12", "2024-10-15");
    forged[0].1 = "forged".into();
    assert_eq!(post(forged).await.unwrap().status(), 403);
    // Saved: back to the document, which shows it.
    let r = post(form("SG12; POC-C1", "2024-10-15")).await.unwrap();
    assert_eq!(r.status(), 303);
    let v = app.get_json(&path).await;
    assert_eq!(v["bodies"], json!(["SG12", "POC-C1"]), "{v}");
    assert_eq!(v["topics"], json!(["qos", "smart-cities"]));
    assert_eq!(
        (v["source"].clone(), v["date"].clone()),
        (json!("CEPT"), json!("2024-10-15"))
    );
    assert_eq!(v["access"], "public");
    let (_, html) = app.page(&page).await;
    assert!(html.contains("href=\"/topics/smart-cities\""), "{html}");
    assert!(html.contains("WTSA-24"));
}

async fn search_as(app: &TestApp, query: &str, token: &str) -> Value {
    let r = app
        .client
        .get(app.url(&format!("/api/v1/search?{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    r.json().await.unwrap()
}

/// A contribution whose items Word numbers itself: each item is a section of its own in the
/// API, with the label Word prints in the proposed text and, where it differs, in the current
/// one; the page shows the inserted item as inserted.
async fn word_numbered_items_are_items_of_their_own(app: TestApp) {
    let itu = itu_token(&app).await;
    let (s, _, v) = import(
        &app,
        Some(&itu),
        "numbered.docx",
        NUMBERED_DOCX.to_vec(),
        &[],
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["proposal"]["identifier"], "CEPT/40A11/2");
    let (s, p) = liaise_testkit::read(
        app.client
            .get(app.url("/api/v1/proposals/CEPT/40A11/2"))
            .bearer_auth(&itu)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    let expected: Value = serde_json::from_str(NUMBERED_EXPECTED).unwrap();
    let want: Vec<Value> = expected["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let label_before = match (&e["labels"]["before"], &e["label"]) {
                (Value::String(before), label) if label != before => json!(before),
                _ => Value::Null,
            };
            json!([e["key"], e["label"], label_before, e["before"], e["after"]])
        })
        .collect();
    let got: Vec<Value> = p["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!([
                s["name"],
                s["label"],
                s.get("label_before").cloned().unwrap_or(Value::Null),
                s["before"],
                s["after"]
            ])
        })
        .collect();
    assert_eq!(got, want);
    // Renumbered in the proposed text: instructs 2. (new) makes the old 2. into 3.
    let cooperate = p["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "instructs.3")
        .unwrap();
    assert_eq!(
        (&cooperate["label"], &cooperate["label_before"]),
        (&json!("3."), &json!("2."))
    );
    let (s, html) = app
        .page_as("/proposals/CEPT/40A11/2", &{
            let (e, pw) = app
                .user(Role::Secretariat(Code::parse("o", "ITU").unwrap()))
                .await;
            app.sign_in(&e, &pw).await.unwrap()
        })
        .await;
    assert_eq!(s, 200);
    assert!(
        inside(
            &html,
            "ins",
            "that ageing populations need accessible services;"
        ),
        "{html}"
    );
}

/// The part key of the fixture README's table, as the API names parts.
fn part_of<'v>(p: &'v Value, section: &str) -> &'v Value {
    match section {
        "heading" | "title" | "history" | "preamble" => &p[section],
        key => p["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == key)
            .unwrap_or_else(|| panic!("no section {key}")),
    }
}

/// The text of a part's marks of these kinds, concatenated.
fn side(marks: &Value, skip: &str) -> String {
    marks
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] != skip)
        .map(|m| m["text"].as_str().unwrap())
        .collect()
}

async fn proposals_show_the_authors_marks(app: TestApp) {
    // The API: every part's marks as ATU made them, adding up to its before and after texts.
    let p = app.get_json("/api/v1/proposals/ATU/35A3/1").await;
    assert_eq!(p["marks_source"], "author");
    let mut parts: Vec<&Value> = ["heading", "title", "history", "preamble"]
        .iter()
        .map(|k| &p[*k])
        .collect();
    parts.extend(p["sections"].as_array().unwrap());
    for part in &parts {
        assert_eq!(part["marks_source"], "author", "{part}");
        assert_eq!(side(&part["marks"], "inserted"), part["before"], "{part}");
        assert_eq!(side(&part["marks"], "deleted"), part["after"], "{part}");
    }
    let resolves = &part_of(&p, "resolves")["marks"];
    let at = resolves
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["text"] == "Postal Operations Council (")
        .unwrap();
    assert_eq!(resolves[at]["kind"], "inserted");
    assert_eq!(resolves[at]["author"], "ATU");
    assert_eq!(resolves[at]["date"], "2024-06-18T15:47:00Z");
    assert_eq!(resolves[at + 1]["kind"], "unchanged");
    assert!(
        resolves[at + 1]["text"]
            .as_str()
            .unwrap()
            .starts_with("POC")
    );
    assert_eq!(resolves[at + 2]["text"], ")");
    let heading = &p["heading"]["marks"];
    assert_eq!(heading[1]["kind"], "deleted");
    assert_eq!(heading[1]["text"], "Hammamet, 2016");
    assert_eq!(
        heading[3],
        json!({"kind": "unchanged", "text": ")", "author": null, "date": null, "moved": false, "paragraph": false})
    );
    // Every span of the fixture README's table is a mark of its kind, part, author and date.
    for span in expected()["tracked_changes"]["spans"].as_array().unwrap() {
        let marks = &part_of(&p, span["section"].as_str().unwrap())["marks"];
        let kind = if span["type"] == "insertion" {
            "inserted"
        } else {
            "deleted"
        };
        let text: String = span["text"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let found = marks.as_array().unwrap().iter().any(|m| {
            m["kind"] == kind
                && m["text"].as_str().unwrap().contains(&text)
                && m["author"] == span["author"]
                && m["date"] == span["date"]
        });
        assert!(found, "{span}: {marks}");
    }

    // The page: the author's marks with author and date on hover, nothing the author kept
    // struck through.
    let (s, html) = app.page("/proposals/ATU/35A3/1").await;
    assert_eq!(s, 200);
    assert!(html.contains("Tracked changes as marked by ATU"), "{html}");
    assert!(!html.contains("Computed comparison"));
    let by = "Inserted by ATU, 18 Jun 2024 15:47 UTC";
    assert!(
        html.contains(&format!(
            "<ins title=\"{by}\">Postal Operations Council (</ins>POC<ins title=\"{by}\">)</ins>"
        )),
        "{html}"
    );
    assert!(
        html.contains("<del title=\"Deleted by ATU, 14 Jun 2024 09:21 UTC\">Hammamet, 2016</del>")
    );
    let dels: Vec<&str> = elements(&html, "del").iter().map(|(_, t)| *t).collect();
    assert!(!dels.iter().any(|t| t.contains(')')), "{dels:?}");
    assert!(!dels.contains(&"POC"), "{dels:?}");
    // Each deletion on the page is one of the author's.
    let spans = expected()["tracked_changes"]["spans"].clone();
    for (attrs, text) in elements(&html, "del")
        .into_iter()
        .filter(|(a, _)| a.contains("title"))
    {
        assert!(attrs.contains("Deleted by ATU"), "{attrs}");
        assert!(
            spans
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["type"] == "deletion"
                    && s["text"].as_str().unwrap().trim() == text.trim()),
            "{text}"
        );
    }
    let fr = app
        .get_lang("/proposals/ATU/35A3/1", "fr")
        .await
        .text()
        .await
        .unwrap();
    assert!(fr.contains("Modifications suivies telles que marquées par ATU"));
    assert!(
        fr.contains("title=\"Inséré par ATU, 18 juin 2024 15:47 UTC\""),
        "{fr}"
    );
}

async fn the_compilation_shows_every_part_and_a_clean_text(app: TestApp) {
    let (s, html) = app
        .page("/resolutions/11/compilation?accept=ATU%2F35A3%2F1")
        .await;
    assert_eq!(s, 200);
    // The heading, the history line and the assembly line have rows of their own.
    for part in ["Heading", "History", "Preamble"] {
        assert!(
            html.contains(&format!("<th scope=\"row\">{part} </th>")),
            "{part}: {html}"
        );
    }
    assert!(
        html.contains("<td>RESOLUTION 11 (Rev. Hammamet, 2016)</td>"),
        "{html}"
    );
    assert!(html.contains(
        "<del title=\"Deleted by ATU, 14 Jun 2024 09:21 UTC\">Hammamet, 2016</del><ins title=\"Inserted by ATU, 14 Jun 2024 09:21 UTC\">New Delhi, 2024</ins>"
    ));
    // The proposal's column has its author's marks, the consolidated column none.
    let by = "Inserted by ATU, 18 Jun 2024 15:47 UTC";
    assert!(html.contains(&format!(
        "<ins title=\"{by}\">Postal Operations Council (</ins>POC"
    )));
    let consolidated: Vec<&str> = html
        .split("<td class=\"consolidated\">")
        .skip(1)
        .map(|c| &c[..c.find("</td>").unwrap()])
        .collect();
    assert!(consolidated.len() > 10, "{html}");
    for c in &consolidated {
        assert!(!c.contains("<ins") && !c.contains("<del"), "{c}");
    }
    assert!(consolidated.iter().any(|c| {
        c.starts_with("The World Telecommunication Standardization Assembly (New Delhi, 2024),")
    }));
    assert!(
        consolidated
            .iter()
            .any(|c| c.starts_with("RESOLUTION 11 (Rev. New Delhi, 2024)"))
    );
    assert!(
        consolidated
            .iter()
            .any(|c| c.contains("Postal Operations Council (POC)")),
        "{consolidated:?}"
    );
    // Nothing accepted: the consolidated column is the base text, still clean.
    let (_, html) = app.page("/resolutions/11/compilation").await;
    assert!(html.contains("<td class=\"consolidated\">RESOLUTION 11 (Rev. Hammamet, 2016)</td>"));
}

async fn plain_text_and_comparisons_say_their_marks_are_computed(app: TestApp) {
    let itu = itu_token(&app).await;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../liaise-import/tests/fixtures/seed-ATU-35A3-1.txt"
    ))
    .unwrap()
    .replace("ATU/35A3/1", "ARB/41/1");
    let (s, _, v) = import(&app, Some(&itu), "arb.txt", text.into_bytes(), &[]).await;
    assert_eq!(s, 201, "{v}");
    let p = app.get_json("/api/v1/proposals/ARB/41/1").await;
    assert_eq!(p["marks_source"], "computed");
    assert_eq!(p["heading"]["marks_source"], "computed");
    assert_eq!(p["heading"]["marks"][1]["author"], Value::Null);
    assert_eq!(
        side(&p["heading"]["marks"], "inserted"),
        p["heading"]["before"]
    );
    let (s, html) = app.page("/proposals/ARB/41/1").await;
    assert_eq!(s, 200);
    assert!(html.contains("Computed comparison of two texts"), "{html}");
    assert!(!html.contains("Tracked changes as marked by"));
    assert!(inside(&html, "del", "Hammamet, 2016"));
    assert!(!html.contains("<ins title=") && !html.contains("<del title="));
    // In the compilation, its column is computed against the base text, and says so.
    let (s, html) = app.page("/resolutions/11/compilation").await;
    assert_eq!(s, 200);
    assert!(html.contains("ARB/41/1"), "{html}");
    assert!(
        html.contains("<span class=\"muted computed\">(computed)</span>"),
        "{html}"
    );
    assert!(html.contains("Postal Operations Council (</ins>POC"));
    // Comparisons of two texts say so.
    let (_, html) = app.page("/resolutions/11/compare").await;
    assert!(html.contains("Computed comparison of two texts"), "{html}");
    let doc = app.get_json("/api/v1/proposals/ATU/35A3/1").await["document"].clone();
    let (s, html) = app
        .page(&format!("/documents/{doc}/compare?from=1&to=1"))
        .await;
    assert_eq!(s, 200);
    assert!(html.contains("Computed comparison of two texts"), "{html}");
}

async fn proposals_stored_without_marks_get_them_back(app: TestApp) {
    let itu = itu_token(&app).await;
    let (s, _, v) = import(&app, Some(&itu), "eur.docx", eur_docx(), &[]).await;
    assert_eq!(s, 201, "{v}");
    // As a database written before marks were kept: no marks for either proposal.
    let store = liaise_store::Store::connect(app.db.url()).await.unwrap();
    for id in ["ATU/35A3/1", "EUR/40/1"] {
        let p = app.get_json(&format!("/api/v1/proposals/{id}")).await;
        let id = i32::try_from(p["id"].as_i64().unwrap()).unwrap();
        liaise_store::queries::documents::set_proposal_marks(store.conn(), id, None)
            .await
            .unwrap();
    }
    // A server started on it (with an empty files folder) reads the shipped contribution
    // again; EUR's file is not there, so its marks are computed, and said to be.
    let other = TestApp::spawn_on(app.backend, app.db.clone()).await;
    let (s, html) = other.page("/proposals/ATU/35A3/1").await;
    assert_eq!(s, 200);
    assert!(html.contains("Tracked changes as marked by ATU"), "{html}");
    assert!(html.contains("Postal Operations Council (</ins>POC"));
    let p = other.get_json("/api/v1/proposals/EUR/40/1").await;
    assert_eq!(p["marks_source"], "computed");
    // The first server, whose files folder has EUR's file, recovers EUR's marks at start.
    assert_eq!(app.liaise.recover_marks().await.unwrap(), 1);
    let p = app.get_json("/api/v1/proposals/EUR/40/1").await;
    assert_eq!(p["marks_source"], "author");
    let resolves = &part_of(&p, "resolves")["marks"];
    assert!(
        resolves
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "inserted" && m["text"] == "Postal Operations Council (")
    );
    assert_eq!(app.liaise.recover_marks().await.unwrap(), 0);
    other.stop().await;
}
