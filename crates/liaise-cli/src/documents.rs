//! `liaise import FILE...`: WTSA contributions (.docx with tracked changes, or plain text) as
//! documents with their proposals, one transaction per file; and `liaise generate documents`.

use clap::Args;
use liaise_service::{
    Liaise, ServiceError,
    documents::{GeneratedDocument, ImportOptions},
    domain::{AccessLevel, Viewer, document::DocumentKind},
};

use crate::{DbArgs, Failure, config::Config, exit};

#[derive(Args)]
pub struct ImportArgs {
    /// .docx or plain-text files (told apart by their content).
    #[arg(value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// Who may see the documents: public, members or secretariat.
    #[arg(long, default_value = "public")]
    pub access: String,
    /// The kind of document (contribution, temporary-document, report …).
    #[arg(long, default_value = "contribution")]
    pub kind: String,
    /// An owning organization (repeat for several).
    #[arg(long = "organization", value_name = "CODE")]
    pub organizations: Vec<String>,
    /// Print one JSON object per file instead of a line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

async fn open(config: &Config) -> Result<Liaise, Failure> {
    let url = config.database_url().map_err(crate::config_failure)?;
    Ok(Liaise::open(&url)
        .await?
        .with_files(config.data_dir.join("files")))
}

/// One line per file; exit 65 when any file was refused (the others are stored).
pub async fn import(config: &Config, args: &ImportArgs) -> Result<(), Failure> {
    if args.files.is_empty() {
        return Err(Failure {
            code: exit::USAGE,
            message: "name at least one file to import (or `liaise import liaisons FILE.csv`)"
                .to_owned(),
        });
    }
    let liaise = open(config).await?;
    let options = ImportOptions {
        access: Some(args.access.clone()),
        kind: Some(args.kind.clone()),
        organizations: args.organizations.clone(),
    };
    let bar = indicatif::ProgressBar::new(args.files.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if args.files.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let system = Viewer::system();
    let mut refused = 0;
    let mut fatal = None;
    for path in &args.files {
        let shown = path.display().to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone());
        let outcome = match std::fs::read(path) {
            Ok(bytes) => liaise
                .import_document(&system, &name, bytes, &options)
                .await
                .map_err(|e| match e {
                    ServiceError::Invalid(errors) => Ok(errors
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")),
                    // An identical file, or a proposal of another document: refused, named.
                    ServiceError::Conflict { message, .. } => Ok(message
                        .strip_prefix(&format!("{name}: "))
                        .unwrap_or(&message)
                        .to_owned()),
                    other => Err(other),
                }),
            Err(e) => Err(Ok(format!("{shown}: {e}"))),
        };
        let line = match outcome {
            Ok(i) => {
                let proposals: Vec<&str> = i.proposals.iter().map(|p| p.1.as_str()).collect();
                if args.json {
                    serde_json::json!({"file": shown, "document": i.document_id, "number": i.number,
                        "version": i.version, "created": i.created, "format": i.format,
                        "proposals": proposals})
                    .to_string()
                } else {
                    format!(
                        "{shown}: {} {} as version {} ({}), proposals {}",
                        if i.created {
                            "new document"
                        } else {
                            "imported into"
                        },
                        i.number,
                        i.version,
                        i.format,
                        proposals.join(", ")
                    )
                }
            }
            Err(Ok(reason)) => {
                refused += 1;
                // The reason names the file as uploaded; say where it is on disk.
                let reason = reason
                    .strip_prefix(&format!("{name}: "))
                    .unwrap_or(&reason)
                    .to_owned();
                if args.json {
                    serde_json::json!({"file": shown, "refused": reason}).to_string()
                } else {
                    format!("{shown}: refused: {reason}")
                }
            }
            Err(Err(e)) => {
                fatal = Some(e);
                break;
            }
        };
        bar.suspend(|| println!("{line}"));
        bar.inc(1);
    }
    bar.finish_and_clear();
    liaise.close().await?;
    if let Some(e) = fatal {
        return Err(e.into());
    }
    if refused > 0 {
        return Err(Failure {
            code: exit::DATAERR,
            message: format!("{refused} of {} file(s) refused", args.files.len()),
        });
    }
    Ok(())
}

/// A small repeatable pseudo-random sequence (no dependency needed for benchmark data).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap_or(0) % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const WORDS: &[&str] = &[
    "postal",
    "telecommunication",
    "collaboration",
    "digital",
    "financial",
    "services",
    "quality",
    "experience",
    "payment",
    "mobile",
    "remittance",
    "inclusion",
    "security",
    "standard",
    "interoperability",
    "network",
    "operator",
    "cost",
    "transaction",
    "study",
    "group",
    "council",
    "committee",
    "question",
    "recommendation",
    "work",
    "item",
    "joint",
    "meeting",
    "liaison",
    "statement",
    "environment",
    "circular",
    "economy",
    "smart",
    "cities",
    "artificial",
    "intelligence",
    "blockchain",
    "metaverse",
    "disaster",
    "risk",
    "management",
    "identity",
    "address",
    "e-commerce",
    "logistics",
    "parcel",
    "tracking",
    "measurement",
    "indicator",
    "survey",
    "regulation",
    "policy",
    "development",
    "member",
    "states",
    "secretariat",
    "bureau",
    "resolution",
    "assembly",
    "proposal",
    "amendment",
];

/// About 5 KB of sentences made of the vocabulary of the collaboration.
fn text(rng: &mut Lcg, i: u32) -> String {
    let mut out = format!("Document {i}.\n");
    while out.len() < 5000 {
        let n = 8 + rng.below(14);
        let mut sentence: Vec<&str> = (0..n).map(|_| rng.pick(WORDS)).collect();
        if let Some(first) = sentence.first_mut() {
            *first = match *first {
                "postal" => "Postal",
                "digital" => "Digital",
                other => other,
            };
        }
        out.push_str(&sentence.join(" "));
        out.push_str(if rng.below(6) == 0 { ".\n" } else { ". " });
    }
    out
}

pub async fn generate(config: &Config, count: u32, seed: u64) -> Result<(), Failure> {
    let liaise = open(config).await?;
    let snap = liaise.registry().await?;
    let bodies: Vec<String> = snap.bodies.iter().map(|b| b.code.clone()).collect();
    let topics: Vec<String> = snap.topics.iter().map(|t| t.slug.clone()).collect();
    let mut rng = Lcg(seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    let start =
        time::Date::from_calendar_date(2020, time::Month::January, 1).map_err(|e| Failure {
            code: exit::SOFTWARE,
            message: e.to_string(),
        })?;
    let mut docs = Vec::with_capacity(count as usize);
    for i in 0..count {
        let body = bodies
            .get(rng.below(bodies.len()))
            .cloned()
            .unwrap_or_default();
        let kind = DocumentKind::ALL
            .get(rng.below(DocumentKind::ALL.len()))
            .copied()
            .unwrap_or(DocumentKind::Other);
        let prefix = match kind {
            DocumentKind::Contribution => "C",
            DocumentKind::TemporaryDocument => "TD",
            DocumentKind::Report => "R",
            _ => "DOC",
        };
        let owner = snap
            .body(&body)
            .and_then(|b| b.organizations.first().cloned())
            .unwrap_or_else(|| "ITU".to_owned());
        let topic = topics.get(rng.below(topics.len())).cloned();
        docs.push(GeneratedDocument {
            number: format!("GEN-{seed}-{body}-{prefix}{i}"),
            title: format!(
                "{} on {} {}",
                rng.pick(&["Contribution", "Report", "Proposal", "Study", "Draft"]),
                rng.pick(WORDS),
                rng.pick(WORDS)
            ),
            kind,
            source: owner.clone(),
            bodies: vec![body],
            meeting: None,
            date: start + time::Duration::days(rng.below(2200) as i64),
            topics: topic.into_iter().collect(),
            access: [
                AccessLevel::Public,
                AccessLevel::Public,
                AccessLevel::Members,
                AccessLevel::Secretariat,
            ][rng.below(4)],
            organizations: vec![owner],
            text: text(&mut rng, i),
        });
    }
    let bar = indicatif::ProgressBar::new(u64::from(count));
    let n = liaise
        .generate_documents(&Viewer::system(), docs, |n| bar.inc(n))
        .await;
    bar.finish_and_clear();
    liaise.close().await?;
    println!("{} documents generated", n?);
    Ok(())
}
