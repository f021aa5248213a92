//! Reads .docx contributions as the import does (zip, XML, tracked changes, proposal
//! recognition, the after text) without storing anything, and prints the throughput:
//! `files bytes seconds MB/s sections changes`. Used by `bench/import.sh`.
//!
//! Usage: cargo run --release -p liaise-import --example extract -- FILE...

use std::time::Instant;

fn main() -> std::process::ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        match std::fs::read(p) {
            Ok(b) => files.push(b),
            Err(e) => {
                eprintln!("{p}: {e}");
                return std::process::ExitCode::from(66);
            }
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let (mut sections, mut changes, mut text) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    for (bytes, path) in files.iter().zip(&paths) {
        let doc = match liaise_import::docx::read(bytes, &liaise_import::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: {e}");
                return std::process::ExitCode::from(65);
            }
        };
        match liaise_import::proposal::recognize(&doc) {
            Ok(c) => {
                for p in &c.proposals {
                    sections += p.sections.len();
                    changes += p.tracked_changes.len();
                }
            }
            Err(e) => {
                eprintln!("{path}: {e}");
                return std::process::ExitCode::from(65);
            }
        }
        text += doc
            .after_paragraphs()
            .iter()
            .map(String::len)
            .sum::<usize>();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} {bytes} {secs:.4} {:.2} {sections} {changes} {text}",
        files.len(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    std::process::ExitCode::SUCCESS
}
