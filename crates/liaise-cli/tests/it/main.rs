//! The `liaise` binary as an operator runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn liaise() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_liaise"));
    // The tests' own variables must not leak into the commands' configuration.
    for (k, _) in std::env::vars() {
        if k.starts_with("LIAISE_") {
            c.env_remove(k);
        }
    }
    c
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["token", "--help"],
        vec!["token", "create", "--help"],
        vec!["import", "--help"],
        vec!["import", "liaisons", "--help"],
        vec!["import", "meetings", "--help"],
        vec!["generate", "documents", "--help"],
        vec!["search", "reindex", "--help"],
        vec!["generate", "search-corpus", "--help"],
    ] {
        let out = liaise().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn unreachable_database_is_one_clear_line_and_a_non_zero_exit() {
    let start = Instant::now();
    let out = liaise()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/nothing",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69), "EX_UNAVAILABLE");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot open the database") && err.contains("127.0.0.1:1"),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn configuration_mistakes_name_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("liaise.toml");
    std::fs::write(&bad, "bind = \"not an address\"\n").unwrap();
    let out = liaise()
        .args(["--config", bad.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bind"));
    let out = liaise()
        .args(["migrate", "--database-url", "mysql://x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let out = liaise()
        .env("LIAISE_LOG_FORMAT", "xml")
        .args(["migrate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr).contains("log_format"));
    // Absolute links start with the public URL: one with a query or a user is refused.
    for url in [
        "https://liaise.example.org/?x=1",
        "https://user@liaise.example.org",
        "liaise.example.org",
    ] {
        let out = liaise()
            .env("LIAISE_PUBLIC_URL", url)
            .args(["migrate"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(78), "{url}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("public_url"),
            "{url}"
        );
    }
}

#[test]
fn tokens_are_printed_once_and_listed_without_secret() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = liaise()
        .args(["migrate", "--data-dir", data])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = liaise()
        .args(["token", "create", "--name", "ci", "--data-dir", data])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("lsk_") && token.len() > 60, "{token}");
    let out = liaise()
        .args(["token", "list", "--json", "--data-dir", data])
        .output()
        .unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(
        list.contains("\"name\":\"ci\"") && !list.contains(&token),
        "{list}"
    );
    let out = liaise()
        .args(["token", "revoke", "1", "--data-dir", data])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = liaise()
        .args(["token", "revoke", "1", "--data-dir", data])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "revoking twice is an error");
}

/// Starts `liaise serve` on port 0 with JSON logs and returns the child and its address.
fn serve(data: &str) -> (std::process::Child, String) {
    let mut child = liaise()
        .args([
            "--log-format",
            "json",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            data,
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON log lines");
        if let Some(a) = v["fields"]["address"].as_str() {
            break a.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (mut child, addr) = serve(data);
    let body = reqwest::blocking_get(&format!("http://{addr}/readyz"));
    assert!(body.contains("ready"), "{body}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The database is intact and reopens with nothing to load.
    let (mut child, addr) = serve(data);
    let body = reqwest::blocking_get(&format!("http://{addr}/api/v1/organizations"));
    assert!(body.contains("\"UPU\""), "{body}");
    child.kill().unwrap();
    let _ = child.wait();
}

mod reqwest {
    /// A tiny blocking GET over a fresh runtime (the binary under test is a separate process).
    pub fn blocking_get(url: &str) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async { ::reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}

#[test]
fn historical_statements_are_imported_and_bad_rows_reported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let csv = dir.path().join("ls.csv");
    std::fs::write(
        &csv,
        "title,date,from,addressees,number,topics,other_reference,received\n\
         LS on QoS of postal services,2024-05-02,SG12,POC-C1:action:2024-09-01; SG17:information,SG12-LS45,qos,,\n\
         Reply on QoS,2024-08-20,POC-C1,SG12:information,,qos,POC C1 2024.2-Doc 7,true\n\
         No deadline,2024-05-02,SG12,POC-C1:action,,,,\n\
         Received without reference,2024-08-21,POC-C1,SG12:information,,,,true\n",
    )
    .unwrap();
    let out = liaise()
        .args([
            "import",
            "liaisons",
            csv.to_str().unwrap(),
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(65), "{stdout}");
    assert!(
        stdout.contains("line 4: invalid input: addressees[0].deadline"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 5: invalid input: other_reference"),
        "a received statement keeps its sender's reference: {stdout}"
    );
    assert!(stdout.contains("2 imported, 2 rejected"), "{stdout}");
    // A malformed file writes nothing.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "title,date,from\nx,2024-01-01,SG12\n").unwrap();
    let out = liaise()
        .args([
            "import",
            "liaisons",
            bad.to_str().unwrap(),
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.csv: missing column `addressees`"),
        "{err}"
    );
    // Importing the same numbered statement twice is refused.
    let again = dir.path().join("again.csv");
    std::fs::write(
        &again,
        "title,date,from,addressees,number\nLS on QoS,2024-05-02,SG12,SG17:information,SG12-LS45\n",
    )
    .unwrap();
    let out = liaise()
        .args([
            "import",
            "liaisons",
            again.to_str().unwrap(),
            "--data-dir",
            data,
            "--json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("already recorded"),
        "{report}"
    );
    // What was imported is there, numbered.
    let (mut child, addr) = serve(data);
    let body = reqwest::blocking_get(&format!("http://{addr}/api/v1/liaisons"));
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    // The two imported, after the reference data's own statement.
    assert_eq!(list["total"], 3, "{list}");
    let numbers: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["number"].as_str())
        .collect();
    // The received reply is known by its sender's reference, not by a number liaise invented.
    assert!(
        numbers.contains(&"SG12-LS45") && numbers.contains(&"POC C1 2024.2-Doc 7"),
        "{numbers:?}"
    );
    assert!(!numbers.contains(&"POC-C1-LS1"), "{numbers:?}");
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn a_statement_file_with_a_repeated_column_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    // Which title was meant? Neither is taken.
    let csv = dir.path().join("twice.csv");
    std::fs::write(
        &csv,
        "title,date,from,addressees,Title\n\
         LS on QoS,2024-05-02,SG12,POC-C1:information,LS on something else\n",
    )
    .unwrap();
    let out = liaise()
        .args([
            "import",
            "liaisons",
            csv.to_str().unwrap(),
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("twice.csv: column `title` appears twice in the header (columns 1 and 5)"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Nothing was written: only the reference data's own statement is there.
    let (mut child, addr) = serve(data);
    let body = reqwest::blocking_get(&format!("http://{addr}/api/v1/liaisons"));
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(list["total"], 1, "{list}");
    assert!(!body.contains("LS on QoS"), "{list}");
}

#[test]
fn contributions_are_imported_bad_files_named_and_nothing_of_them_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../liaise-import/tests/fixtures/seed-ATU-35A3-1.txt"
    ))
    .unwrap();
    let good = dir.path().join("eur-40.txt");
    std::fs::write(&good, seed.replace("ATU/35A3/1", "EUR/40/1")).unwrap();
    let random = dir.path().join("random.docx");
    std::fs::write(
        &random,
        (0..3000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"MOD\tARB/1/1 caf\xe9").unwrap();
    let docx = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/reference/ATU-35A3-1.docx"
    );
    let truncated = dir.path().join("half.docx");
    let bytes = std::fs::read(docx).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    // A new document needs its owner.
    let out = liaise()
        .args(["import", "--data-dir", data, &path(&good)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("say which organization owns EUR/40"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = liaise()
        .args(["import", "--organization", "ITU", "--data-dir", data])
        .args([path(&good), path(&random), path(&latin1)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(65), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0]
            .contains("eur-40.txt: new document EUR/40 as version 1 (text), proposals EUR/40/1"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("random.docx: refused: not a .docx file"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("latin1.txt: refused: the text is not valid UTF-8"),
        "{stdout}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("2 of 3 file(s) refused"), "{err}");
    // Only bad files: nothing stored, exit 65; JSON for scripts.
    let out = liaise()
        .args(["import", "--json", "--data-dir", data])
        .arg(path(&truncated))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        line["refused"].as_str().unwrap().contains("truncated"),
        "{line}"
    );
    // The same file again is refused, named, and adds nothing.
    let out = liaise()
        .args(["import", "--data-dir", data, &path(&good)])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(65));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("eur-40.txt: refused: this file is already version 1 of EUR/40"),
        "{stdout}"
    );
    // A changed file of the same contribution is a new version of its document.
    std::fs::write(
        &good,
        format!(
            "{}\nA revised closing line.\n",
            seed.replace("ATU/35A3/1", "EUR/40/1")
        ),
    )
    .unwrap();
    let out = liaise()
        .args(["import", "--data-dir", data, &path(&good)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("imported into EUR/40 as version 2"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Generated documents, in batches.
    let out = liaise()
        .args([
            "generate",
            "documents",
            "--count",
            "30",
            "--seed",
            "4",
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What the server sees: the shipped contribution, EUR/40 with two versions, 30 generated.
    let (mut child, addr) = serve(data);
    let token_free = |p: &str| {
        let body = reqwest::blocking_get(&format!("http://{addr}{p}"));
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    let proposals = token_free("/api/v1/proposals");
    assert_eq!(proposals["total"], 2, "{proposals}");
    let docs = token_free("/api/v1/documents?kind=contribution&per_page=500");
    let eur = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["number"] == "EUR/40")
        .unwrap();
    assert_eq!(eur["versions"].as_array().unwrap().len(), 2);
    let atu = docs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["number"] == "ATU/35A3")
        .unwrap();
    assert_eq!(
        atu["versions"].as_array().unwrap().len(),
        1,
        "nothing of the bad files"
    );
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn a_search_corpus_is_generated_and_the_index_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = liaise()
        .args([
            "generate",
            "search-corpus",
            "--count",
            "120",
            "--seed",
            "7",
            "--batch",
            "50",
            "--data-dir",
            data,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("120 search entries"));
    let (mut child, addr) = serve(data);
    let body = reqwest::blocking_get(&format!(
        "http://{addr}/api/v1/search?q=postal&kind=document&per_page=1"
    ));
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let total = v["total"].as_u64().unwrap();
    assert!(total > 10 && total <= 120, "{body}");
    assert_eq!(v["items"][0]["kind"], "document", "{body}");
    child.kill().unwrap();
    let _ = child.wait();
    // The rebuild indexes the items themselves: the registry, not the generated entries.
    let out = liaise()
        .args(["search", "reindex", "--data-dir", data])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.starts_with("search index rebuilt: "), "{said}");
    let n: u64 = said
        .trim()
        .trim_start_matches("search index rebuilt: ")
        .trim_end_matches(" entries")
        .parse()
        .unwrap();
    assert!(n > 20 && n < 120, "{said}");
}

#[test]
fn meetings_are_imported_from_a_calendar_by_uid_and_bad_files_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let ics = dir.path().join("poc.ics");
    let calendar = |summary: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//UPU//EN\r\n\
             BEGIN:VEVENT\r\nUID:poc-2026-1@upu.int\r\nSUMMARY:{summary}\r\n\
             DTSTART;TZID=Europe/Zurich:20260420T100000\r\nDTEND;TZID=Europe/Zurich:20260424T170000\r\n\
             CATEGORIES:POC,SG2,Not a body\r\nLOCATION:Berne\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:webinar@upu.int\r\nSUMMARY:Webinar\r\n\
             DTSTART;VALUE=DATE:20260601\r\nDTEND;VALUE=DATE:20260602\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    let run = |file: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            "meetings",
            file.to_str().unwrap(),
            "--body",
            "POC",
            "--data-dir",
            data,
        ];
        args.extend_from_slice(extra);
        liaise().args(&args).output().unwrap()
    };
    std::fs::write(&ics, calendar("POC 2026.1")).unwrap();
    let out = run(&ics, &["--json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["created"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["updated"].as_array().unwrap().len(), 0);
    // The same file again, renamed: updated by UID, not duplicated.
    std::fs::write(&ics, calendar("POC 2026.1, renamed")).unwrap();
    let out = run(&ics, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("0 created, 2 updated"), "{stdout}");
    // Not iCalendar, a broken event, too many events, an unknown body: one line, exit 65.
    let bad = dir.path().join("bad.ics");
    let mut many = String::from("BEGIN:VCALENDAR\r\n");
    for n in 0..100_000 {
        many.push_str(&format!("BEGIN:VEVENT\r\nUID:{n}\r\nEND:VEVENT\r\n"));
    }
    many.push_str("END:VCALENDAR\r\n");
    for (content, body, says) in [
        (
            "name,date\nx,y\n".to_owned(),
            "POC",
            "not an iCalendar file",
        ),
        (
            calendar("POC").replace("Europe/Zurich", "Mars/Olympus"),
            "POC",
            "time_zone",
        ),
        (
            calendar("POC").replace("Europe/Zurich:20260424", "Europe/Paris:20260424"),
            "POC",
            "one zone",
        ),
        (
            calendar("POC").replace("20260424T170000", "20260419T170000"),
            "POC",
            "end",
        ),
        (many, "POC", "at most 10000"),
        (calendar("POC"), "NOPE", "no body has the code `NOPE`"),
    ] {
        std::fs::write(&bad, content.replace("@upu.int", "@bad.example")).unwrap();
        let out = liaise()
            .args([
                "import",
                "meetings",
                bad.to_str().unwrap(),
                "--body",
                body,
                "--data-dir",
                data,
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(65), "{says}: {err}");
        assert!(err.contains(says), "{says}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
    // Nothing of the bad files was written: their UIDs are new to a good import.
    std::fs::write(&bad, calendar("POC").replace("@upu.int", "@bad.example")).unwrap();
    let out = run(&bad, &["--json"]);
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(v["created"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["updated"].as_array().unwrap().len(), 0, "{v}");
}
