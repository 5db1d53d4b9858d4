//! dfix: take credentials out of Dockerfiles.
//!
//! The engine is usable as a library; `src/main.rs` is a thin CLI on top.

pub mod envfile;
pub mod syntax;
