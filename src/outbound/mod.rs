//! Outbound mail (issue 6): turning a policy decision into a threaded RFC 5322 message
//! ([`compose`], pure, in `nudge-outbound`) and handing it to Cloudflare's `send_email` binding
//! ([`send`]).

/// Re-exported so that `crate::outbound::compose::…` paths keep working.
pub use nudge_outbound::compose;
pub mod send;
pub mod templates;
