//! Files kept under the data folder by the SHA-256 of their content (`ab/abcdef…`), shared by
//! liaison statement attachments and document versions. A file is written (to a temporary
//! name, then renamed) before the record that names it, so a record never points at a missing
//! file; the same content is kept once.

use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::ServiceError;

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Where the file with this hash lives under `dir`.
pub fn path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(sha.get(..2).unwrap_or("00")).join(sha)
}

/// Writes a file once: to a temporary name, then renamed into place.
fn store_sync(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Keeps `bytes` under `dir` by their hash (off the async workers) and returns the hash.
pub async fn store(dir: &Path, bytes: Vec<u8>) -> Result<String, ServiceError> {
    let sha = sha256(&bytes);
    let target = path(dir, &sha);
    tokio::task::spawn_blocking(move || store_sync(&target, &bytes))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(format!("writing a file: {e}")))?;
    Ok(sha)
}

/// Names Windows keeps for devices: a file called so (with any extension) cannot be saved
/// there, and opening it reaches the device.
const DEVICES: [&str; 6] = ["con", "prn", "aux", "nul", "conin$", "conout$"];

/// Whether `name` is a Windows device name, with or without extension (`con`, `NUL.txt`,
/// `com1`, `lpt9.pdf`, `com¹`): its part before the first dot, without trailing spaces.
fn is_device(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_lowercase();
    if DEVICES.contains(&stem.as_str()) {
        return true;
    }
    let digit = |rest: &str| {
        let mut cs = rest.chars();
        matches!(
            (cs.next(), cs.next()),
            (Some('0'..='9' | '¹' | '²' | '³'), None)
        )
    };
    ["com", "lpt"]
        .iter()
        .any(|p| stem.strip_prefix(p).is_some_and(digit))
}

/// Characters Windows does not allow in a file name (besides control characters).
const WINDOWS_RESERVED: &str = "<>:\"/\\|?*";

/// A file name as given by a browser or a client: a plain name that shows what it is. No
/// path, no control characters, at most 255 bytes; not hidden (a leading `.`), not a Windows
/// device name, none of `<>:"/\|?*` (Windows refuses them), no character that hides or reorders text (a bidirectional override makes
/// `a\u{202E}txt.exe` show as `aexe.txt`), not only invisible characters. The field is `file`.
pub fn check_name(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    let shown = liaise_domain::text::preview(name);
    let refuse = |why: String| {
        Err(ServiceError::invalid(
            "file",
            format!("`{shown}` is not a plain file name: {why}"),
        ))
    };
    let path = name.contains(['/', '\\']) || name.starts_with("..") || name == ".";
    if name.is_empty() || name.chars().all(liaise_domain::text::invisible) {
        return refuse("it is empty or only invisible characters".into());
    }
    if path || name.len() > 255 || name.chars().any(char::is_control) {
        return refuse("no path, no control characters, at most 255 bytes".into());
    }
    if let Some(c) = name.chars().find(|c| WINDOWS_RESERVED.contains(*c)) {
        return refuse(format!(
            "it contains `{c}` (Windows does not allow any of {WINDOWS_RESERVED} in a name)"
        ));
    }
    if let Some((c, why)) = name
        .chars()
        .find_map(|c| liaise_domain::text::forbidden(c).map(|why| (c, why)))
    {
        return refuse(format!("it contains U+{:04X} ({why})", u32::from(c)));
    }
    if name.starts_with('.') {
        return refuse("it starts with `.` (a hidden file)".into());
    }
    if is_device(name) {
        return refuse("it is a name Windows keeps for a device".into());
    }
    Ok(name.to_owned())
}

/// What the bytes are, by their signature; else by the name's extension for plain formats.
pub fn content_type(name: &str, bytes: &[u8]) -> String {
    if let Some(kind) = infer::get(bytes) {
        return kind.mime_type().to_owned();
    }
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `expected`: `Ok(kept name)` or `Err(part of the message)`; the field is always `file`.
    fn check(input: &str, expected: Result<&str, &str>) {
        match (check_name(input), expected) {
            (Ok(kept), Ok(want)) => assert_eq!(kept, want, "{input:?}"),
            (Err(ServiceError::Invalid(errors)), Err(want)) => {
                assert_eq!(errors[0].field, "file", "{input:?}");
                assert!(
                    errors[0].message.contains(want),
                    "{input:?}: {}",
                    errors[0].message
                );
            }
            (got, _) => panic!("{input:?}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn upload_names_that_hide_or_lie_are_refused() {
        check("Annex 1 – QoS é.pdf", Ok("Annex 1 – QoS é.pdf"));
        check(" report.docx ", Ok("report.docx"));
        check("console.txt", Ok("console.txt"));
        check("com10.txt", Ok("com10.txt"));
        check("lpt.pdf", Ok("lpt.pdf"));
        check("nullify.md", Ok("nullify.md"));
        check("a.con", Ok("a.con"));
        check("v1.2.txt", Ok("v1.2.txt"));
        // Paths and controls.
        check("../../x", Err("no path"));
        check("a/b.pdf", Err("no path"));
        check("a\\b.pdf", Err("no path"));
        check("..", Err("no path"));
        check(".", Err("no path"));
        check("a\u{0}b", Err("no path, no control characters"));
        check("a\tb.pdf", Err("no path, no control characters"));
        check("a\u{7f}b.pdf", Err("no path, no control characters"));
        // Characters Windows refuses in a name.
        for c in ['<', '>', ':', '"', '|', '?', '*'] {
            check(&format!("report{c}1.docx"), Err(&format!("contains `{c}`")));
        }
        check(&"x".repeat(256), Err("at most 255 bytes"));
        // Empty or invisible.
        check("", Err("empty"));
        check("\u{200B}", Err("only invisible"));
        check("\u{200B}\u{FEFF}", Err("only invisible"));
        // Characters that reorder or are not text; the message shows where they were.
        check(
            "a\u{202E}txt.exe",
            Err("it contains U+202E (a bidirectional override"),
        );
        check("a\u{202E}txt.exe", Err("`a<U+202E>txt.exe`"));
        check("report\u{2067}.pdf", Err("U+2067"));
        check("x\u{FFFE}.txt", Err("U+FFFE (a noncharacter"));
        // Hidden files.
        check(".hidden", Err("starts with `.`"));
        check(".htaccess", Err("starts with `.`"));
        // Windows devices, any case, with or without extension.
        for name in [
            "con",
            "CON",
            "nul",
            "Nul.txt",
            "prn.pdf",
            "aux",
            "com1",
            "COM9.docx",
            "lpt1",
            "LPT1.txt",
            "com0",
            "lpt\u{b9}",
            "con .txt",
            "conin$",
            "CONOUT$.log",
            "nul.tar.gz",
        ] {
            check(name, Err("Windows keeps for a device"));
        }
    }
}
