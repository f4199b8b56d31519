//! Deciding *why* a delivery failed, from the diagnostic text and the enhanced status code.

use crate::phrases::bounce::{GENERIC_REASON_PHRASES, REASON_PHRASES};
use crate::types::BounceReason;

/// The reason named by a specific phrase in `text` (lower-cased inside), if any.
pub(crate) fn from_text(text: &str) -> Option<BounceReason> {
    find(REASON_PHRASES, text)
}

/// The reason suggested by vaguer wording in `text`; a last resort.
pub(crate) fn from_generic_text(text: &str) -> Option<BounceReason> {
    find(GENERIC_REASON_PHRASES, text)
}

fn find(table: &[(BounceReason, &[&str])], text: &str) -> Option<BounceReason> {
    let lower = text.to_lowercase();
    table
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|p| lower.contains(p)))
        .map(|(reason, _)| *reason)
}

/// A "user unknown" answer given only after the message content was sent (at `DATA`, not at
/// `RCPT TO`) comes from a content filter pretending the user does not exist, not from the
/// address: treat it as filtered so the contact is not marked dead.
pub(crate) fn at_data_stage(
    reason: BounceReason,
    readable: &str,
    diagnostic: Option<&str>,
) -> BounceReason {
    if reason != BounceReason::UserUnknown {
        return reason;
    }
    let text = format!("{} {}", diagnostic.unwrap_or(""), readable).to_lowercase();
    let at_data = DATA_STAGE.iter().any(|p| text.contains(p));
    let at_rcpt = RCPT_STAGE.iter().any(|p| text.contains(p));
    if at_data && !at_rcpt {
        BounceReason::Filtered
    } else {
        reason
    }
}

/// RFC 3463 X.1.7 / X.1.8 say the *sender's* address was refused: whatever the text says about
/// an address "not existing" is about ours, not the recipient's.
pub(crate) fn sender_side(reason: BounceReason, status: Option<&str>) -> BounceReason {
    let sender_code = status.is_some_and(|s| {
        let mut parts = s.splitn(3, '.').skip(1);
        parts.next() == Some("1") && matches!(parts.next(), Some("7") | Some("8"))
    });
    if sender_code {
        BounceReason::Blocked
    } else {
        reason
    }
}

/// Transcript wording that shows the failure came after the message content was sent.
const DATA_STAGE: &[&str] = &["end of data", "final data"];

/// Transcript wording that shows the failure came at the recipient address.
const RCPT_STAGE: &[&str] = &["rcpt to", ">>> rcpt", "rcpt command", "rcpt_to"];

/// The reason an RFC 3463 enhanced status code stands for, when it is specific enough.
pub(crate) fn from_status(status: &str) -> Option<BounceReason> {
    let mut parts = status.splitn(3, '.');
    let _class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    Some(match (subject, detail) {
        ("1", "1") | ("1", "3") => BounceReason::UserUnknown,
        ("1", "2") | ("1", "10") | ("4", "4") => BounceReason::HostUnknown,
        ("1", "6") => BounceReason::HasMoved,
        ("2", "1") => BounceReason::Suspended,
        ("2", "2") => BounceReason::MailboxFull,
        ("2", "3") | ("3", "4") => BounceReason::MessageTooBig,
        ("4", "7") => BounceReason::Expired,
        ("6", _) => BounceReason::Filtered,
        // X.7.XXX: security or policy status (RFC 3463 §3.8), never about the address itself.
        ("7", _) => BounceReason::Blocked,
        _ => return None,
    })
}

/// The status code a reason usually comes with, used when the notice gives none.
pub(crate) fn typical_status(reason: BounceReason, permanent: bool) -> Option<String> {
    let class = if permanent { '5' } else { '4' };
    let rest = match reason {
        BounceReason::UserUnknown => "1.1",
        BounceReason::HostUnknown => "1.2",
        BounceReason::HasMoved => "1.6",
        BounceReason::Suspended => "2.1",
        BounceReason::MailboxFull => "2.2",
        BounceReason::MessageTooBig => "3.4",
        BounceReason::Expired => "4.7",
        BounceReason::Filtered | BounceReason::Blocked => "7.1",
        BounceReason::Delivered | BounceReason::Other => return None,
    };
    Some(format!("{class}.{rest}"))
}

/// Whether a failure for this reason means the address itself is dead (so the contact should be
/// marked bounced), as opposed to a problem with this message, the sender or the moment.
pub(crate) fn address_dead(reason: BounceReason) -> bool {
    matches!(
        reason,
        BounceReason::UserUnknown | BounceReason::HostUnknown | BounceReason::HasMoved
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_pick_specific_reasons() {
        assert_eq!(
            from_text("552 Mailbox full"),
            Some(BounceReason::MailboxFull)
        );
        assert_eq!(
            from_text("550 5.1.1 <a@b.c>: Recipient address rejected: User unknown"),
            Some(BounceReason::UserUnknown)
        );
        assert_eq!(
            from_text("554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"),
            Some(BounceReason::Blocked)
        );
        assert_eq!(from_text("all good"), None);
    }

    #[test]
    fn status_codes_map_to_reasons() {
        assert_eq!(from_status("5.1.1"), Some(BounceReason::UserUnknown));
        assert_eq!(from_status("4.2.2"), Some(BounceReason::MailboxFull));
        assert_eq!(from_status("5.0.0"), None);
    }

    #[test]
    fn only_dead_addresses_are_dead() {
        assert!(address_dead(BounceReason::UserUnknown));
        assert!(!address_dead(BounceReason::MailboxFull));
        assert!(!address_dead(BounceReason::Blocked));
    }
}
