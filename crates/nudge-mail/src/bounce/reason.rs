//! Deciding *why* a delivery failed, from the diagnostic text and the enhanced status code.

use crate::phrases::bounce::REASON_PHRASES;
use crate::types::BounceReason;

/// The reason named by a phrase in `text` (lower-cased inside), if any.
pub(crate) fn from_text(text: &str) -> Option<BounceReason> {
    let lower = text.to_lowercase();
    REASON_PHRASES
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|p| lower.contains(p)))
        .map(|(reason, _)| *reason)
}

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
        ("7", "1") | ("7", "25") | ("7", "26") | ("7", "27") | ("7", "23") | ("7", "24") => {
            BounceReason::Blocked
        }
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
