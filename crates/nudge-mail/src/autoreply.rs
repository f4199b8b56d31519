//! Automatic replies: out-of-office notices, helpdesk ticket acknowledgements and other mail that
//! RFC 3834 (or a vendor header, or its own wording) marks as automatic. Nudge never answers them.

use mail_parser::Header;

use crate::headers;
use crate::phrases::autoreply::{
    AUTO_HEADERS, OOO_BODY, OOO_SUBJECT_ANYWHERE, OOO_SUBJECT_CONTINUATIONS, OOO_SUBJECT_START,
    PRECEDENCE_VALUES, SELF_DECLARED, TICKET_ACK, TICKET_ACK_STRONG, TICKET_SUBJECT,
    TICKET_SUBJECT_MARKERS,
};
use crate::types::{AutoReply, AutoReplyKind};

/// How much of the body (in bytes, rounded to a character boundary) is read for auto-reply wording:
/// automatic replies say what they are at the top, and a person's long mail should not match on a
/// phrase deep inside quoted history.
const BODY_WINDOW: usize = 800;

/// The automatic reply this message is, or `None` when nothing marks it as one.
/// `body` should be the new text (quoted history removed) so our own words do not count.
pub(crate) fn detect(headers: &[Header<'_>], subject: &str, body: &str) -> Option<AutoReply> {
    let subject_lower = subject.trim().to_lowercase();
    let body_start = head(body, BODY_WINDOW).to_lowercase();

    let signal = header_signal(headers)
        .or_else(|| ooo_subject(&subject_lower).map(|p| format!("subject: {p}")))
        .or_else(|| {
            SELF_DECLARED
                .iter()
                .find(|p| body_start.contains(*p))
                .map(|p| format!("body: {p}"))
        })
        .or_else(|| {
            unflagged_ticket_ack(&subject_lower, &body_start).map(|p| format!("ticket: {p}"))
        })
        .or_else(|| suppress_with_ooo_wording(headers, &body_start))?;

    let kind = if ooo_subject(&subject_lower).is_some()
        || OOO_BODY.iter().any(|p| body_start.contains(p))
    {
        AutoReplyKind::OutOfOffice
    } else if ticket_ack(&subject_lower, &body_start).is_some() {
        AutoReplyKind::TicketAcknowledgement
    } else {
        AutoReplyKind::Other
    };
    Some(AutoReply { kind, signal })
}

/// A header that marks automatic mail, as `"name: value"`.
fn header_signal(hs: &[Header<'_>]) -> Option<String> {
    if let Some(v) = headers::text(hs, "auto-submitted") {
        let lower = v.to_ascii_lowercase();
        if !lower.trim().starts_with("no") && !lower.trim().is_empty() {
            return Some(format!("auto-submitted: {}", lower.trim()));
        }
    }
    for name in AUTO_HEADERS {
        if let Some(v) = headers::text(hs, name) {
            let lower = v.trim().to_ascii_lowercase();
            if !matches!(lower.as_str(), "no" | "false" | "0") {
                return Some(format!("{name}: {lower}"));
            }
        }
    }
    if let Some(v) = headers::text(hs, "precedence") {
        let lower = v.trim().to_ascii_lowercase();
        if PRECEDENCE_VALUES.contains(lower.as_str()) {
            return Some(format!("precedence: {lower}"));
        }
    }
    None
}

/// `X-Auto-Response-Suppress` asks *others* not to auto-reply; Exchange puts it on its own
/// out-of-office replies but also on plenty of human mail (distribution lists, transport rules),
/// so it counts only together with out-of-office wording at the top of the body.
fn suppress_with_ooo_wording(hs: &[Header<'_>], body_start: &str) -> Option<String> {
    let value = headers::text(hs, "x-auto-response-suppress")?.to_ascii_lowercase();
    if !["all", "oof", "autoreply"]
        .iter()
        .any(|p| value.contains(p))
    {
        return None;
    }
    OOO_BODY
        .iter()
        .find(|p| body_start.contains(*p))
        .map(|p| format!("x-auto-response-suppress: {} + body: {p}", value.trim()))
}

/// The out-of-office phrase in a (lower-case) subject, if any.
fn ooo_subject(subject: &str) -> Option<&'static str> {
    OOO_SUBJECT_ANYWHERE
        .iter()
        .find(|p| subject.contains(*p))
        .or_else(|| {
            OOO_SUBJECT_START.iter().find(|p| {
                subject.strip_prefix(*p).is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.is_empty()
                        || rest.starts_with([':', '-', '–', '/', '('])
                        || OOO_SUBJECT_CONTINUATIONS
                            .iter()
                            .any(|c| rest.starts_with(c))
                })
            })
        })
}

/// Whether subject or body carry a ticket number.
fn has_number(subject: &str, body_start: &str) -> bool {
    subject.chars().any(|c| c.is_ascii_digit()) || body_start.contains('#')
}

/// Kind of an automatic message already flagged as such: a ticket/case word and acknowledgement
/// wording, with a number.
fn ticket_ack(subject: &str, body_start: &str) -> Option<&'static str> {
    let ticket_word = TICKET_SUBJECT
        .iter()
        .any(|p| subject.contains(p) || body_start.contains(p));
    if !ticket_word || !has_number(subject, body_start) {
        return None;
    }
    TICKET_ACK
        .iter()
        .find(|p| subject.contains(*p) || body_start.contains(*p))
}

/// A helpdesk acknowledgement that no header flags: it must say so plainly, because a person's
/// "we have received your invoice and will pay Friday" must stay a person's. Needs a ticket
/// marker in the subject, a number, unmistakable acknowledgement wording, and a short body.
fn unflagged_ticket_ack(subject: &str, body_start: &str) -> Option<&'static str> {
    let marked = TICKET_SUBJECT_MARKERS.iter().any(|p| subject.contains(p));
    if !marked || !has_number(subject, body_start) || body_start.len() >= BODY_WINDOW {
        return None;
    }
    TICKET_ACK_STRONG
        .iter()
        .find(|p| subject.contains(*p) || body_start.contains(*p))
}

/// The first `max` bytes of `s`, cut back to a character boundary.
fn head(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or(s)
}
