//! Inbound mail (issue 5), the parts shared by the email handler and the account object:
//! threading helpers, the pure acting plan, and building the threaded reply (pure, in
//! `nudge-outbound`).

pub mod acting;
pub mod reply;
pub mod threading;
