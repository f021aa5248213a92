//! `liaise import liaisons FILE.csv`: historical liaison statements from a spreadsheet.
//!
//! Columns (a header row is required; order is free):
//! `title`, `date` (YYYY-MM-DD), `from` (body codes separated by `;`), `addressees`
//! (`BODY:purpose[:deadline]` separated by `;`), and optionally `number` (kept for sent
//! statements), `state` (`sent`, the default, or `draft`), `summary`, `text`, `access`
//! (`public` by default), `topics`, `questions` (separated by `;`), `other_reference`,
//! `approval_level`, `meeting`, `received` (`true` or `false`).
//!
//! A statement received from another organization's sender keeps the sender's reference
//! (`other_reference`, then required) and gets no liaise number; the rule is the one of a
//! statement recorded one by one: a secretariat's import is received when its organization owns
//! none of the source bodies; an administrator's when `received` says `true`. The `number`
//! column of a received statement is left empty or repeats its reference (as the CSV export
//! writes it).
//!
//! A file that cannot be read as such (no header, a missing, unknown or repeated column, bad
//! encoding) is refused whole; rows that break a rule are reported with their line and left
//! out.

use liaise_domain::liaison::{LiaisonFields, LiaisonInput};
use liaise_service::{ServiceError, liaisons::ImportRow};

const REQUIRED: [&str; 4] = ["title", "date", "from", "addressees"];
const OPTIONAL: [&str; 12] = [
    "number",
    "state",
    "summary",
    "text",
    "access",
    "topics",
    "questions",
    "other_reference",
    "approval_level",
    "contacts",
    "meeting",
    "received",
];

fn list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn date(field: &str, s: &str) -> Result<Option<time::Date>, ServiceError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    liaise_service::domain::text::date(field, s)
        .map(Some)
        .map_err(ServiceError::from)
}

/// Reads the whole file; `Err` is one line naming the file and the problem.
pub fn read(path: &std::path::Path) -> Result<Vec<ImportRow>, String> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| format!("{name}: the header row cannot be read: {e}"))?
        .clone();
    let columns: Vec<String> = headers.iter().map(|h| h.to_ascii_lowercase()).collect();
    for c in &columns {
        if !REQUIRED.contains(&c.as_str()) && !OPTIONAL.contains(&c.as_str()) {
            return Err(format!(
                "{name}: unknown column `{c}` (known: {}, {})",
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            ));
        }
    }
    // A column given twice would have one of its values silently ignored.
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            return Err(format!(
                "{name}: column `{c}` appears twice in the header (columns {} and {})",
                columns.iter().position(|x| x == c).map_or(0, |p| p + 1),
                i + 1
            ));
        }
    }
    for r in REQUIRED {
        if !columns.iter().any(|c| c == r) {
            return Err(format!("{name}: missing column `{r}`"));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("{name}: line {line}: {e}")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |k: &str| -> &str {
            columns
                .iter()
                .position(|c| c == k)
                .and_then(|i| record.get(i))
                .unwrap_or("")
        };
        let sent = !get("state").eq_ignore_ascii_case("draft");
        let number = Some(get("number").to_owned()).filter(|n| !n.is_empty());
        let (received, received_error) = match get("received").to_ascii_lowercase().as_str() {
            "" => (None, None),
            "true" | "yes" | "1" => (Some(true), None),
            "false" | "no" | "0" => (Some(false), None),
            other => (
                None,
                Some(ServiceError::invalid(
                    "received",
                    format!(
                        "`{}` is not true or false",
                        liaise_domain::text::preview(other)
                    ),
                )),
            ),
        };
        let input = (|| -> Result<LiaisonInput, ServiceError> {
            if let Some(e) = received_error {
                return Err(e);
            }
            let mut addressees = Vec::new();
            for (i, a) in list(get("addressees")).iter().enumerate() {
                let mut parts = a.splitn(3, ':');
                let body = parts.next().unwrap_or("").trim().to_owned();
                let purpose = parts.next().unwrap_or("").trim().to_owned();
                let deadline = date(
                    &format!("addressees[{i}].deadline"),
                    parts.next().unwrap_or(""),
                )?;
                addressees.push((body, purpose, deadline));
            }
            let from = list(get("from"));
            let topics = list(get("topics"));
            let questions = list(get("questions"));
            let contacts: Vec<(String, Option<String>, Option<String>)> = list(get("contacts"))
                .into_iter()
                .map(|c| (c, None, None))
                .collect();
            let access = match get("access") {
                "" => "public",
                a => a,
            };
            let summary = Some(get("summary")).filter(|s| !s.is_empty());
            let text = Some(get("text")).filter(|s| !s.is_empty());
            let other = Some(get("other_reference")).filter(|s| !s.is_empty());
            let level = Some(get("approval_level")).filter(|s| !s.is_empty());
            Ok(LiaisonInput::parse(&LiaisonFields {
                title: get("title"),
                summary,
                text,
                date: date("date", get("date"))?,
                from: &from,
                addressees: &addressees,
                questions: &questions,
                contacts: &contacts,
                other_reference: other,
                meeting: Some(get("meeting")).filter(|s| !s.is_empty()),
                approval_level: level,
                topics: &topics,
                access,
            })?)
        })();
        rows.push(ImportRow {
            line,
            number,
            sent,
            received,
            input,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(content: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ls.csv");
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    #[test]
    fn malformed_files_are_refused_whole() {
        let (_d, p) = write(b"title,date,from\nx,2025-01-01,SG12\n");
        assert!(
            read(&p)
                .unwrap_err()
                .contains("missing column `addressees`")
        );
        let (_d, p) = write(b"title,date,from,addressees,colour\n");
        assert!(read(&p).unwrap_err().contains("unknown column `colour`"));
        let (_d, p) =
            write(b"title,date,from,addressees\n\xff\xfe,2025-01-01,SG12,POC:information\n");
        let e = read(&p).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let (_d, p) =
            write(b"title,date,from,addressees,Title\nA,2025-01-01,SG12,POC:information,B\n");
        let e = read(&p).unwrap_err();
        assert!(
            e.contains("ls.csv: column `title` appears twice in the header (columns 1 and 5)"),
            "{e}"
        );
        let (_d, p) = write(b"title,date,from,addressees,text, text \n");
        assert!(
            read(&p)
                .unwrap_err()
                .contains("column `text` appears twice")
        );
        let (_d, p) = write(b"title,date,from,addressees\nonly,two\n");
        assert!(read(&p).unwrap_err().contains("line 2"));
    }

    #[test]
    fn rows_are_read_and_checked() {
        let (_d, p) = write(
            "title,date,from,addressees,number,topics\n\
             LS on QoS,2024-05-02,SG12,POC-C1:action:2024-09-01; SG17:information,SG12-LS45,qos\n\
             No deadline,2024-05-02,SG12,POC-C1:action,,\n"
                .as_bytes(),
        );
        let rows = read(&p).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].number.as_deref(), Some("SG12-LS45"));
        let ok = rows[0].input.as_ref().unwrap();
        assert_eq!(ok.addressees.len(), 2);
        assert!(
            rows[1]
                .input
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("deadline")
        );
    }
}
