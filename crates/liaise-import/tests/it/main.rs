//! Integration tests of liaise-import (one test binary, modules inside).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod bad_input;
mod fixture;
mod generated;
mod marks;
mod numbering;
mod props;
mod text_import;
mod util;
