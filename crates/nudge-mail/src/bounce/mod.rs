//! Delivery-failure notices: RFC 3464 `multipart/report` DSNs and the common plain-text forms
//! (qmail, Exim, Postfix, Exchange/Office 365, Gmail, Amazon SES, …).
//!
//! Detection and extraction are separate: first decide whether the message is a bounce at all
//! (structure, sender, subject, wording), then gather the recipient, status, diagnostic and reason
//! from the most reliable source available (the machine-readable report, then headers, then text).

mod dsn;
mod gateway;
mod reason;
pub(crate) mod scan;
mod ses;
mod stage;

use mail_parser::Header;

use crate::headers;
use crate::phrases::bounce::{
    BODY_PHRASES, DAEMON_LOCAL_PARTS, DAEMON_NAMES, ORIGINAL_MESSAGE_MARKERS, SUBJECTS,
};
use crate::types::{Bounce, BounceReason, Mailbox};

/// Longest diagnostic we keep, in characters.
const MAX_DIAGNOSTIC_CHARS: usize = 500;

/// What the parser gathered that may show a message is a bounce.
pub(crate) struct Evidence<'a> {
    /// Top-level headers.
    pub headers: &'a [Header<'a>],
    /// The raw message, for headers whose parsed form drops what a rule needs (the comments of
    /// `Received`, which name the relaying product); read only when a rule asks.
    pub raw: &'a [u8],
    /// The sender.
    pub from: Option<&'a Mailbox>,
    /// Whether the sender is a mail system (`MAILER-DAEMON`, "Mail Delivery System", …), judged on
    /// the raw `From` (which may carry no usable address at all); see [`is_daemon_sender`].
    pub daemon_sender: bool,
    /// Whether `Return-Path` is the null path `<>` (RFC 5321: notices must be sent from it).
    pub null_return_path: bool,
    /// The recipients of the bounce itself (that is, us).
    pub to: &'a [Mailbox],
    /// Decoded subject, or empty.
    pub subject: &'a str,
    /// The readable text of the notice.
    pub text: &'a str,
    /// Whether the top-level type is `multipart/report` with `report-type=delivery-status`.
    pub is_report: bool,
    /// Bodies of `message/delivery-status` parts.
    pub delivery_status: &'a [String],
    /// `To`/`Cc` addresses of the returned original message, when it was attached.
    pub original_recipients: &'a [String],
}

/// The bounce this message is, or `None` when it is not a delivery notice.
pub(crate) fn detect(ev: &Evidence<'_>) -> Option<Bounce> {
    // The machine-readable report, else an SES JSON notice, else a report pasted into the text
    // (broken MIME structure, forwarded bounces).
    let mut blocks: Vec<dsn::RecipientStatus> = ev
        .delivery_status
        .iter()
        .flat_map(|b| dsn::parse(b))
        .collect();
    if blocks.is_empty() {
        blocks = ses::parse(ev.text);
    }
    if blocks.is_empty() {
        blocks = dsn::embedded(ev.text);
    }
    let failed_header = headers::text(ev.headers, "x-failed-recipients");
    let no_report = blocks.is_empty() && failed_header.is_none();
    // Wording alone never makes a bounce, so most human mail stops here without a text scan.
    if no_report && !(ev.is_report || ev.daemon_sender || ev.null_return_path || subject_says(ev)) {
        return None;
    }
    let readable = readable_part(ev.text);
    if no_report && !looks_like_bounce(ev, readable) {
        return None;
    }
    Some(build(ev, &blocks, failed_header.as_deref(), readable))
}

/// Whether a message without a machine-readable report still reads like a bounce.
fn looks_like_bounce(ev: &Evidence<'_>, readable: &str) -> bool {
    let subject_says = subject_says(ev);
    let lower = readable.to_lowercase();
    let body_says = BODY_PHRASES.iter().any(|p| lower.contains(p));
    let says = usize::from(subject_says) + usize::from(body_says);
    let system = usize::from(ev.daemon_sender) + usize::from(ev.null_return_path);
    // A person could write any one of these; two together (one of them wording) are a machine.
    (ev.is_report && (says > 0 || system > 0)) || (says > 0 && system > 0)
}

/// Whether the subject is one of a delivery notice's.
fn subject_says(ev: &Evidence<'_>) -> bool {
    let subject = ev.subject.to_lowercase();
    SUBJECTS.iter().any(|s| subject.contains(s))
}

/// Whether a `From` (display name and raw address, either possibly missing or without `@`)
/// belongs to a mail system rather than a person.
pub(crate) fn is_daemon_sender(name: Option<&str>, address: Option<&str>) -> bool {
    let local = address
        .map(|a| a.trim().trim_matches(['<', '>']).to_ascii_lowercase())
        .map(|a| a.split('@').next().unwrap_or("").to_string())
        .unwrap_or_default();
    let name = name.map(str::to_lowercase).unwrap_or_default();
    // `From: <>` — the null address only mail systems use.
    if address.is_some_and(|a| a.trim().trim_matches(['<', '>']).trim().is_empty()) {
        return true;
    }
    DAEMON_LOCAL_PARTS.contains(local.as_str())
        || DAEMON_NAMES.iter().any(|d| name.contains(d))
        || DAEMON_LOCAL_PARTS.iter().any(|d| name == *d)
}

/// The part of a plain-text notice above the returned original message.
fn readable_part(text: &str) -> &str {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` are valid in `text`.
    let lower = text.to_ascii_lowercase();
    let cut = ORIGINAL_MESSAGE_MARKERS
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(text.len());
    text.get(..cut).unwrap_or(text)
}

fn build(
    ev: &Evidence<'_>,
    blocks: &[dsn::RecipientStatus],
    failed_header: Option<&str>,
    readable: &str,
) -> Bounce {
    // Prefer the failed recipient, then any that is not a success, then the first.
    let block = blocks
        .iter()
        .find(|b| b.action.as_deref() == Some("failed"))
        .or_else(|| {
            blocks
                .iter()
                .find(|b| b.status.as_deref().is_some_and(|s| s.starts_with('5')))
        })
        .or_else(|| blocks.iter().find(|b| !is_success(b)))
        .or_else(|| blocks.first());

    let recipient = block
        .and_then(|b| b.recipient.clone())
        .or_else(|| failed_header.and_then(|h| scan::addresses(h).into_iter().next()))
        .or_else(|| recipient_from_text(ev, readable))
        .or_else(|| ev.original_recipients.first().cloned());

    let diagnostic = block
        .and_then(|b| b.diagnostic.clone())
        .or_else(|| diagnostic_from_text(readable, recipient.as_deref()))
        .map(|d| truncate(&collapse(&d), MAX_DIAGNOSTIC_CHARS));

    // The report's status, unless it is generic (x.0.0) and the diagnostic names a specific one.
    // The remote server's own code in the diagnostic is more specific than the reporting MTA's
    // summary (`Status: 5.0.0`, or `4.4.7` "gave up" over the last real error); when a diagnostic
    // quotes several, the innermost (last) one is the remote's.
    let report_status = block.and_then(|b| b.status.clone());
    let diag_status = diagnostic
        .as_deref()
        .and_then(|d| failure_codes(d).last().cloned());
    let text_status = failure_codes(readable).into_iter().next();
    let given_status = match (report_status, diag_status) {
        (Some(r), Some(d)) if r.get(..1) == d.get(..1) || r.ends_with(".0.0") => Some(d),
        (Some(r), _) => Some(r),
        (None, d) => d.or(text_status),
    };

    // Whether a status code says the recipient's address itself is the problem (X.1.x).
    let status_names_address = given_status
        .as_deref()
        .is_some_and(reason::names_recipient_address);
    let action = block.and_then(|b| b.action.clone());
    let success = block.is_some_and(is_success) && blocks.iter().all(is_success);
    let reply = diagnostic
        .as_deref()
        .and_then(scan::reply_code)
        .or_else(|| scan::reply_code(readable));
    // The status class says whether the *condition* is permanent. A message given up on after
    // days of 4.x.x retries (`Action: failed`, `Status: 4.4.7`) failed, but the address may well
    // work next time, so it is not permanent; the action decides only when there is no code.
    let permanent = if success {
        false
    } else if let Some(s) = given_status.as_deref() {
        s.starts_with('5')
    } else if let Some(a) = action
        .as_deref()
        .filter(|a| *a == "failed" || *a == "delayed")
    {
        a == "failed"
    } else if let Some(code) = reply {
        code >= 500
    } else {
        !reads_transient(readable)
    };

    let stage = stage::failed_stage(&format!(
        "{}\n{readable}",
        diagnostic.as_deref().unwrap_or("")
    ));
    let reason = if success {
        BounceReason::Delivered
    } else {
        diagnostic
            .as_deref()
            .and_then(reason::from_text)
            .or_else(|| given_status.as_deref().and_then(reason::from_status))
            .or_else(|| reason::from_text(readable))
            .or_else(|| reason::from_text(ev.subject))
            .or_else(|| diagnostic.as_deref().and_then(reason::from_generic_text))
            .or_else(|| reason::from_generic_text(readable))
            .map(|r| reason::by_stage(r, stage, given_status.as_deref(), diagnostic.as_deref()))
            .map(|r| reason::by_named_address(r, diagnostic.as_deref()))
            .map(|r| gateway::by_reporter(r, ev, stage, status_names_address))
            .map(|r| reason::by_status_class(r, given_status.as_deref()))
            .map(|r| reason::sender_side(r, given_status.as_deref()))
            .unwrap_or(if permanent {
                BounceReason::Other
            } else {
                BounceReason::Expired
            })
    };
    let reason = if !permanent && reason == BounceReason::Other {
        BounceReason::Expired
    } else {
        reason
    };
    let status = given_status.or_else(|| reason::typical_status(reason, permanent));
    Bounce {
        recipient,
        status,
        permanent,
        address_dead: permanent && reason::address_dead(reason),
        reason,
        diagnostic,
    }
}

/// Enhanced status codes of failures (4.x.x, 5.x.x) in `text`, in order.
fn failure_codes(text: &str) -> Vec<String> {
    scan::status_codes(text)
        .filter(|c| c.starts_with('4') || c.starts_with('5'))
        .collect()
}

fn is_success(b: &dsn::RecipientStatus) -> bool {
    matches!(
        b.action.as_deref(),
        Some("delivered") | Some("relayed") | Some("expanded")
    ) || (b.action.is_none() && b.status.as_deref().is_some_and(|s| s.starts_with('2')))
}

/// Whether a notice without codes says the failure is temporary.
fn reads_transient(readable: &str) -> bool {
    let lower = readable.to_lowercase();
    [
        "will retry",
        "will be retried",
        "will continue",
        "still trying",
        "has been delayed",
        "not yet been delivered",
        "temporary failure",
        "temporarily",
        "this is a warning",
        "warning message only",
        "no action is required",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// The failed recipient named in a plain-text notice: an address that is neither the sender nor
/// the recipient of the notice itself nor a mail-system address; one of the original message's
/// recipients when any of those appear.
fn recipient_from_text(ev: &Evidence<'_>, readable: &str) -> Option<String> {
    let ours: Vec<&str> = ev
        .to
        .iter()
        .chain(ev.from)
        .map(|m| m.email.as_str())
        .collect();
    let candidates: Vec<String> = scan::addresses(readable)
        .into_iter()
        .filter(|a| !ours.contains(&a.as_str()))
        .filter(|a| {
            let local = a.split('@').next().unwrap_or("");
            !DAEMON_LOCAL_PARTS.contains(local)
        })
        .collect();
    candidates
        .iter()
        .find(|a| ev.original_recipients.contains(a))
        .or_else(|| candidates.first())
        .cloned()
}

/// The line of a plain-text notice that carries the remote server's answer: the first line with a
/// status or reply code, or naming a reason, preferring lines after the recipient.
fn diagnostic_from_text(readable: &str, recipient: Option<&str>) -> Option<String> {
    let lines: Vec<&str> = readable
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = recipient
        .and_then(|r| lines.iter().position(|l| l.to_lowercase().contains(r)))
        .unwrap_or(0);
    let informative = |l: &&&str| {
        !failure_codes(l).is_empty()
            || scan::reply_code(l).is_some()
            || reason::from_text(l).is_some()
            || reason::from_generic_text(l).is_some()
    };
    lines
        .iter()
        .skip(start)
        .find(&informative)
        .or_else(|| lines.iter().find(&informative))
        .map(|l| l.to_string())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => s.get(..at).unwrap_or(s).to_string(),
        None => s.to_string(),
    }
}
