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

/// A file name as given by a browser or a client: a plain name, no path.
pub fn check_name(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    let bad = name.is_empty()
        || name.len() > 255
        || name.contains(['/', '\\'])
        || name == "."
        || name.starts_with("..")
        || name.contains("/..")
        || name.chars().any(char::is_control);
    if bad {
        return Err(ServiceError::invalid(
            "file",
            format!(
                "`{}` is not a plain file name (no path, no control characters, at most 255 bytes)",
                liaise_domain::text::preview(name)
            ),
        ));
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
