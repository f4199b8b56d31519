//! Placeholder; the Workers adapter is being built.
