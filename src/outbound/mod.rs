//! Outbound mail (issue 6): turning a policy decision into a threaded RFC 5322 message
//! ([`compose`], pure) and handing it to Cloudflare's `send_email` binding ([`send`]).

pub mod compose;
pub mod send;
pub mod templates;
