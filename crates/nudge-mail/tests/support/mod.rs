//! Helpers shared by integration tests and the `corpus_eval` example.

pub mod corpus_eval;
