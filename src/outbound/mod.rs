//! Outbound mail: turning a policy decision into a threaded RFC 5322 message ([`compose`], pure,
//! in `nudge-outbound`), the operator's template overrides ([`templates`]) and the one
//! [`mailer`].

pub use nudge_outbound::compose;
pub mod mailer;
pub mod templates;
