//! Inbound mail, the parts shared by the email handler and the account object:
//! threading helpers, the acting plan (pure, in `nudge-inbound`), and building the threaded reply
//! (pure, in `nudge-outbound`).

/// Re-exported so that `crate::inbound::acting::…` paths keep working.
pub use nudge_inbound::acting;
pub mod reply;
pub mod threading;
