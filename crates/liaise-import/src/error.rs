//! The one error type of the crate.

use std::fmt;

/// Which of the [`Limits`](crate::Limits) was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// Size of the .docx file itself.
    CompressedSize,
    /// Total bytes decompressed out of the archive's entries.
    UncompressedSize,
    /// Uncompressed size of one zip entry.
    PartSize,
    /// Ratio of a zip entry's uncompressed size to its compressed size.
    CompressionRatio,
    /// Number of entries in the zip archive.
    EntryCount,
    /// Nesting depth of XML elements.
    XmlDepth,
    /// Nesting depth of tracked-change elements (`w:ins` inside `w:del` ...).
    RevisionNesting,
    /// Number of paragraphs in the document.
    Paragraphs,
    /// Number of list definitions (`w:abstractNum`, `w:num`) or of styles.
    ListDefinitions,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CompressedSize => "file size (bytes)",
            Self::UncompressedSize => "total uncompressed size (bytes)",
            Self::PartSize => "uncompressed size of one part (bytes)",
            Self::CompressionRatio => "compression ratio of one part",
            Self::EntryCount => "number of zip entries",
            Self::XmlDepth => "XML nesting depth",
            Self::RevisionNesting => "nesting depth of tracked changes",
            Self::Paragraphs => "number of paragraphs",
            Self::ListDefinitions => "number of list or style definitions",
        })
    }
}

/// Everything that can go wrong while importing a contribution.
///
/// Every input, however damaged, gives either a result or one of these; the importer never
/// panics.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input has no bytes (or, for text, nothing but whitespace).
    #[error("the file is empty")]
    Empty,
    /// The bytes are not a zip archive, so not a .docx.
    #[error("not a .docx file: the data is not a zip archive")]
    NotZip,
    /// The zip archive ends early (for example a partial upload).
    #[error("the .docx file is truncated: {detail}")]
    Truncated {
        /// What was missing.
        detail: String,
    },
    /// The zip archive is damaged in another way (bad checksum, bad headers).
    #[error("the .docx file is damaged: {detail}")]
    Corrupt {
        /// What the zip reader found.
        detail: String,
    },
    /// The archive uses a feature this importer does not read (encryption, a compression
    /// method other than stored/deflate, multi-disk archives).
    #[error("unsupported .docx file: {detail}")]
    Unsupported {
        /// Which feature.
        detail: String,
    },
    /// A limit was exceeded while reading: the file may be a zip bomb or is unreasonably large.
    #[error("limit exceeded: {kind} is more than {max} (possible zip bomb or oversized document)")]
    LimitExceeded {
        /// Which limit.
        kind: LimitKind,
        /// The limit in force.
        max: u64,
    },
    /// The archive has no main document part (normally `word/document.xml`).
    #[error("the .docx file has no main document part: {path} is missing")]
    MissingDocument {
        /// The part that was looked for.
        path: String,
    },
    /// An XML part is not well-formed.
    #[error("malformed XML in {part} at byte {position}: {message}")]
    MalformedXml {
        /// The zip entry, e.g. `word/document.xml`.
        part: String,
        /// Byte offset in the (uncompressed) part.
        position: u64,
        /// What the XML reader found.
        message: String,
    },
    /// The plain text is not valid UTF-8.
    #[error("the text is not valid UTF-8: invalid byte at offset {offset}")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// No line such as `MOD<tab>ATU/35A3/1` was found, so the input is not a proposal.
    #[error("no proposal line (such as \"MOD ATU/35A3/1\") was found")]
    NoProposal,
}
