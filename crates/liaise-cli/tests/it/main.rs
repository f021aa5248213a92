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
