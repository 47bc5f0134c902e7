//! longform: a terminal e-reader for long-form Markdown articles.
//!
//! The model in a few lines:
//! - `parse` turns Markdown into a `Document`: flat blocks of styled text,
//!   each piece traced to its byte in the source.
//! - A `Position` is a byte offset in that source. It is the only way a place
//!   in the article is named: never a screen row.
//! - `layout` wraps blocks to a width, lazily, into lines that each know the
//!   source range they show.
//! - `Reader` holds the top `Position` and moves it; a frame is laid out from
//!   it, so resizing never moves the reader.
//! - `tui` and `cli` are thin shells over this core.

pub mod annotations;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod crash;
pub mod document;
pub mod encoding;
pub mod epub;
pub mod fuzzy;
pub mod highlight;
pub mod images;
pub mod import;
pub mod layout;
pub mod library;
pub mod links;
pub mod load;
pub mod outline;
pub mod parse;
pub mod paths;
pub mod position;
pub mod reader;
pub mod search;
pub mod selection;
pub mod session;
pub mod store;
pub mod sync;
pub mod testgen;
pub mod tui;
pub mod width;
