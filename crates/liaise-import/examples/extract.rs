//! Reads .docx contributions as the import does (zip, XML, tracked changes, proposal
//! recognition, the after text) without storing anything, and prints the throughput:
//! `files bytes seconds MB/s sections changes text` for the best of several passes (at least
//! three, and a second in all). Used by `bench/import.sh`.
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
    // Passes over every file, at least three and for at least a second, as python-docx is
    // measured in bench/import.sh (best of its passes in one process): the best one counts.
    let (mut best, mut passes, mut counts) = (f64::INFINITY, 0u32, (0, 0, 0));
    let began = Instant::now();
    while passes < 3 || began.elapsed().as_secs_f64() < 1.0 {
        let start = Instant::now();
        match pass(&files, &paths) {
            Ok(c) => counts = c,
            Err(code) => return code,
        }
        best = best.min(start.elapsed().as_secs_f64());
        passes += 1;
    }
    let (sections, changes, text) = counts;
    let secs = best;
    println!(
        "{} {bytes} {secs:.4} {:.2} {sections} {changes} {text}",
        files.len(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    std::process::ExitCode::SUCCESS
}

/// One pass: every file read, recognized and its after text made. Answers the counts of
/// sections, tracked changes and text bytes.
fn pass(
    files: &[Vec<u8>],
    paths: &[String],
) -> Result<(usize, usize, usize), std::process::ExitCode> {
    let (mut sections, mut changes, mut text) = (0usize, 0usize, 0usize);
    for (bytes, path) in files.iter().zip(paths) {
        let doc = match liaise_import::docx::read(bytes, &liaise_import::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: {e}");
                return Err(std::process::ExitCode::from(65));
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
                return Err(std::process::ExitCode::from(65));
            }
        }
        text += doc
            .after_paragraphs()
            .iter()
            .map(String::len)
            .sum::<usize>();
    }
    Ok((sections, changes, text))
}
