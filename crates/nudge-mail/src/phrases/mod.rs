//! Phrase tables, one file per concern. Data only, so new languages can be added without touching
//! the matching code. All entries are lower-case.

pub mod attachment;
pub mod autoreply;
pub mod bounce;
pub mod quote;
pub mod remittance;
pub mod signature;
mod words;

pub use words::Words;
