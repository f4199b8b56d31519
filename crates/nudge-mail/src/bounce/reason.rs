//! Deciding *why* a delivery failed, from the diagnostic text and the enhanced status code.

use super::stage::Stage;
use crate::phrases::bounce::{GENERIC_REASON_PHRASES, REASON_PHRASES};
use crate::phrases::Words;
use crate::types::BounceReason;
use crate::words;

/// The reason named by a specific phrase in `text` (lower-cased inside), if any.
pub(crate) fn from_text(text: &str) -> Option<BounceReason> {
    find(REASON_PHRASES, text)
}

/// The reason suggested by vaguer wording in `text`; a last resort.
pub(crate) fn from_generic_text(text: &str) -> Option<BounceReason> {
    find(GENERIC_REASON_PHRASES, text)
}

fn find(table: &[(BounceReason, Words)], text: &str) -> Option<BounceReason> {
    let lower = text.to_lowercase();
    table
        .iter()
        .find(|(_, phrases)| phrases.iter().any(|p| lower.contains(p)))
        .map(|(reason, _)| *reason)
}

/// Corrects a reason by the SMTP step the server refused ([`Stage`]): a "user unknown" given
/// only after the message content was sent (at `DATA`, not at `RCPT TO`) comes from a content
/// filter pretending the user does not exist, so it is filtered; a refusal at the greeting,
/// `HELO` or `MAIL FROM` is about us (the server never looked at the recipient), so whatever it
/// says about an unknown host or user is about our side: blocked. An enhanced status code that
/// names the recipient's address (X.1.1–X.1.6, X.1.10) is not second-guessed; an X.3.x code
/// (mail system) outside `RCPT TO` makes a "user unknown" the system's failure, and an X.2.1
/// (mailbox disabled) one a suspended mailbox.
///
/// The same holds for a provider saying in so many words that the *account* does not exist
/// (some large providers only answer after `DATA`): that is not a filter's generic refusal.
pub(crate) fn by_stage(
    reason: BounceReason,
    stage: Option<Stage>,
    status: Option<&str>,
    diagnostic: Option<&str>,
) -> BounceReason {
    if !address_dead(reason) || status.is_some_and(names_recipient_address) {
        return reason;
    }
    let says_no_account = diagnostic.is_some_and(|d| {
        let lower = d.to_lowercase();
        NO_ACCOUNT_PHRASES.iter().any(|p| lower.contains(p))
    });
    // X.3.x: the destination *mail system* failed (RFC 3463 §3.5). Unless the recipient was
    // refused at `RCPT TO` (Sendmail answers an unknown alias `553 5.3.0 … No such user`),
    // wording about an unknown user beside it is the system's trouble, not a missing mailbox.
    let mail_system_status = status
        .and_then(subject_detail)
        .is_some_and(|(s, _)| s == "3");
    if reason == BounceReason::UserUnknown && mail_system_status && stage != Some(Stage::RcptTo) {
        return BounceReason::Other;
    }
    // X.2.1 "mailbox disabled": the mailbox exists but is not accepting messages (RFC 3463
    // §3.3). Beside "user unknown" at `RCPT TO` servers use it loosely for a missing mailbox;
    // anywhere else the code's own meaning stands.
    let disabled_status = status.and_then(subject_detail) == Some(("2", "1"));
    if reason == BounceReason::UserUnknown && disabled_status && stage != Some(Stage::RcptTo) {
        return BounceReason::Suspended;
    }
    match stage {
        Some(Stage::Data) if reason == BounceReason::UserUnknown && !says_no_account => {
            BounceReason::Filtered
        }
        Some(Stage::Connect) | Some(Stage::MailFrom) => BounceReason::Blocked,
        _ => reason,
    }
}

/// Corrects a "user unknown" whose reply names an *empty* address (`550 : User unknown`,
/// `550 <>: User unknown`): the address the server looked up and did not find is the null
/// reverse-path our notices and some relays use, not the recipient, so the refusal says nothing
/// about whether the recipient's mailbox exists. A reply that names the recipient is unaffected.
pub(crate) fn by_named_address(reason: BounceReason, diagnostic: Option<&str>) -> BounceReason {
    if reason == BounceReason::UserUnknown && diagnostic.is_some_and(names_empty_address) {
        BounceReason::Filtered
    } else {
        reason
    }
}

/// Whether an SMTP reply in `text` puts an empty address where the looked-up address goes: a
/// 5xx code followed (after an optional enhanced code and `:`) by `:` or `<>`, then the words.
fn names_empty_address(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        let code = w.trim_end_matches(':');
        let is_reply =
            code.len() == 3 && code.starts_with('5') && code.bytes().all(|b| b.is_ascii_digit());
        if !is_reply {
            return false;
        }
        let mut rest = words.iter().skip(i + 1);
        let mut next = rest.next();
        // `550 5.1.1 : …` — skip an enhanced status code.
        if next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()) && n.contains('.')) {
            next = rest.next();
        }
        matches!(next, Some(&":") | Some(&"<>:") | Some(&"<>"))
    })
}

/// A mailbox provider stating that the account itself does not exist.
const NO_ACCOUNT_PHRASES: Words = words![
    "doesn't have a",
    "does not have a",
    "account that you tried to reach does not exist",
    "account does not exist",
    "no such account",
];

/// Corrects a reason read from wording by what the enhanced status code's subject says it is
/// about (RFC 3463): X.7.x is a security or policy refusal, not a missing mailbox (servers word
/// policy refusals as "access denied: unknown address"; a host that "does not accept mail" with
/// a policy code is still a host that does not accept mail); X.2.0 says "the mailbox exists,
/// but something about it caused this" (Sendmail's code for a bare 550), so a "user unknown"
/// beside it is a filter's answer, not a missing mailbox.
pub(crate) fn by_status_class(reason: BounceReason, status: Option<&str>) -> BounceReason {
    let Some((subject, detail)) = status.and_then(subject_detail) else {
        return reason;
    };
    match (subject, detail) {
        ("7", _) if matches!(reason, BounceReason::UserUnknown | BounceReason::HasMoved) => {
            BounceReason::Blocked
        }
        ("2", "0") if reason == BounceReason::UserUnknown => BounceReason::Filtered,
        _ => reason,
    }
}

/// Whether a status names a problem with the recipient's address itself: X.1.1 (bad mailbox),
/// X.1.2 (bad system), X.1.3 (bad mailbox syntax), X.1.4 (ambiguous), X.1.6 (moved), X.1.10
/// (null MX).
pub(crate) fn names_recipient_address(status: &str) -> bool {
    matches!(
        subject_detail(status),
        Some(("1", "1" | "2" | "3" | "4" | "6" | "10"))
    )
}

fn subject_detail(status: &str) -> Option<(&str, &str)> {
    let mut parts = status.splitn(3, '.');
    let _class = parts.next()?;
    Some((parts.next()?, parts.next()?))
}

/// RFC 3463 X.1.7 / X.1.8 say the *sender's* address was refused: whatever the text says about
/// an address "not existing" is about ours, not the recipient's.
pub(crate) fn sender_side(reason: BounceReason, status: Option<&str>) -> BounceReason {
    if matches!(subject_detail(status.unwrap_or("")), Some(("1", "7" | "8"))) {
        BounceReason::Blocked
    } else {
        reason
    }
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
    fn an_empty_address_slot_is_told_from_a_named_recipient() {
        assert!(names_empty_address("550 : User unknown"));
        assert!(names_empty_address("550: : User unknown"));
        assert!(names_empty_address("550 5.1.1 <>: User unknown"));
        assert!(!names_empty_address(
            "550 <ap@customer.example>: User unknown"
        ));
        assert!(!names_empty_address("550 User unknown"));
    }

    #[test]
    fn a_disabled_mailbox_code_stands_outside_rcpt_to_only() {
        let at = |stage| by_stage(BounceReason::UserUnknown, stage, Some("5.2.1"), None);
        assert_eq!(at(None), BounceReason::Suspended);
        assert_eq!(at(Some(Stage::RcptTo)), BounceReason::UserUnknown);
    }

    #[test]
    fn only_dead_addresses_are_dead() {
        assert!(address_dead(BounceReason::UserUnknown));
        assert!(!address_dead(BounceReason::MailboxFull));
        assert!(!address_dead(BounceReason::Blocked));
    }
}
