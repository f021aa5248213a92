//! Import of WTSA contributions (proposals to modify a resolution) from .docx files with
//! tracked changes and from plain text, into a small document model.
//!
//! Pure and synchronous: no database, no I/O beyond the bytes handed in, no async.
//!
//! ```no_run
//! let bytes = std::fs::read("ATU-35A3-1.docx")?;
//! let contribution = liaise_import::import_docx(&bytes)?;
//! for proposal in &contribution.proposals {
//!     println!("{} {}", proposal.action, proposal.id);
//!     for section in &proposal.sections {
//!         println!("{}: {}", section.key, section.text.after);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Layers: [`docx::read`] and [`text::read`] turn bytes into a [`Document`] (paragraphs of
//! text pieces with their revision state); [`proposal::recognize`] finds the proposals in it,
//! and [`marks`] gives each of their parts as the author marked it ([`Proposal::marks`]).
//! The `import_*` functions do both.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![cfg_attr(
    not(test),
    deny(clippy::dbg_macro, clippy::panic, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod docx;
mod error;
pub mod marks;
mod model;
mod normalize;
pub mod numbering;
pub mod proposal;
pub mod text;

pub use docx::Limits;
pub use error::{ImportError, LimitKind};
pub use marks::{Mark, MarkKind, PartMarks};
pub use model::{
    CellPosition, Change, ChangeKind, ChangeSpan, Document, ListItem, Paragraph, Piece, Revision,
    SourceFormat, Table, TableCell, TableRow,
};
pub use normalize::normalize;
pub use proposal::{
    Action, Contribution, Part, Proposal, ProposalId, Section, Source, Target, TargetKind,
    TrackedChange, Versioned,
};

/// Imports a .docx contribution with the default [`Limits`].
pub fn import_docx(bytes: &[u8]) -> Result<Contribution, ImportError> {
    import_docx_with(bytes, &Limits::default())
}

/// Imports a .docx contribution with the given [`Limits`].
pub fn import_docx_with(bytes: &[u8], limits: &Limits) -> Result<Contribution, ImportError> {
    let doc = docx::read(bytes, limits)?;
    proposal::recognize(&doc)
}

/// Imports a plain-text (UTF-8) contribution. Before and after texts are the as-loaded text:
/// see [`text`] for what plain text can and cannot tell.
pub fn import_text(bytes: &[u8]) -> Result<Contribution, ImportError> {
    let doc = text::read(bytes)?;
    proposal::recognize(&doc)
}
