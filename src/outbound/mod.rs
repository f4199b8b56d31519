//! Outbound mail: turning a policy decision into a threaded RFC 5322 message ([`compose`],
//! pure), the operator's template overrides ([`templates`]) and the one [`mailer`].

pub mod compose;
pub mod mailer;
pub mod templates;
