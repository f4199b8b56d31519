//! `parse`: raw bytes → [`Email`], using `mail-parser` for MIME, charsets and encoded words.

use chrono::{DateTime, Utc};
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};

use crate::address::{mailbox, mailboxes};
use crate::remittance::{self, RemittanceLine};
use crate::types::{Email, Limits, Machine, MailError};
use crate::{attachment, autoreply, bounce, headers, html, reply};

/// Parses a raw RFC 5322 / MIME message into an [`Email`].
///
/// Accepts any real-world shape (multipart alternative/mixed/related/report, quoted-printable,
/// base64, RFC 2047 words, non-UTF-8 charsets, HTML-only bodies). Never panics. Rejects with
/// [`MailError::TooLarge`] anything above `limits.max_bytes` without reading it, and with
/// [`MailError::Unparseable`] bytes that have no header block at all.
///
/// ```
/// use nudge_mail::{parse, plus_token, Limits};
///
/// let raw = b"From: Tom <Tom@Customer.example>\r\nTo: ar+tok1@billing.example.com\r\n\
/// Subject: Re: INV-1\r\n\r\nPaid today.\r\n\r\n\
/// On Mon, 30 Nov 2026, AR <ar@billing.example.com> wrote:\r\n> Please pay INV-1.\r\n";
/// let email = parse(raw, &Limits::default()).unwrap();
/// assert_eq!(email.from.unwrap().email, "tom@customer.example");
/// assert_eq!(plus_token(&email.to[0].email).as_deref(), Some("tok1"));
/// assert_eq!(email.new_text, "Paid today.");
/// assert!(email.machine.is_none());
/// ```
pub fn parse(raw: &[u8], limits: &Limits) -> Result<Email, MailError> {
    if raw.len() > limits.max_bytes {
        return Err(MailError::TooLarge {
            size: raw.len(),
            limit: limits.max_bytes,
        });
    }
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(MailError::Unparseable("empty message".to_string()));
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| MailError::Unparseable("no header block found".to_string()))?;
    let root_headers = message
        .parts
        .first()
        .map(|p| p.headers.as_slice())
        .unwrap_or(&[]);
    if root_headers.is_empty() {
        return Err(MailError::Unparseable("no header block found".to_string()));
    }

    let from = message.from().and_then(|a| a.first()).and_then(mailbox);
    let to = mailboxes(message.to());
    let cc = mailboxes(message.cc());
    let reply_to = message.reply_to().and_then(|a| a.first()).and_then(mailbox);
    let subject = message
        .subject()
        .map(|s| without_controls(s).trim().to_string())
        .filter(|s| !s.is_empty());
    let (text, new_source) = body_texts(&message);
    let new_text = reply::extract_new_text(&new_source);

    let delivery_status = delivery_status_bodies(&message);
    let original_recipients = original_recipients(&message);
    let is_report = root_is_report(&message);
    let subject_str = subject.as_deref().unwrap_or("");
    let raw_from = message.from().and_then(|a| a.first());
    let daemon_sender = bounce::is_daemon_sender(
        raw_from.and_then(|a| a.name.as_deref()),
        raw_from.and_then(|a| a.address.as_deref()),
    );
    let null_return_path = headers::raw(raw, root_headers, "return-path").is_some_and(|rp| {
        rp.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace())
            .is_empty()
    });
    let evidence = bounce::Evidence {
        headers: root_headers,
        raw,
        from: from.as_ref(),
        daemon_sender,
        null_return_path,
        to: &to,
        subject: subject_str,
        text: &text,
        is_report,
        delivery_status: &delivery_status,
        original_recipients: &original_recipients,
    };
    // A bounce often also carries `Auto-Submitted`; it is a bounce, not an auto-reply.
    let machine = bounce::detect(&evidence).map(Machine::Bounce).or_else(|| {
        autoreply::detect(root_headers, subject_str, &new_text).map(Machine::AutoReply)
    });

    let remittance = if machine.is_some() {
        // A bounce returns our own message; its attachments are not the customer's advice.
        Vec::new()
    } else {
        // The customer's own words only: a quoted reminder listing our invoices and amounts
        // is not their remittance advice.
        remittance_lines(&message, &new_text)
    };

    Ok(Email {
        message_id: message
            .message_id()
            .map(|id| {
                id.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
            .filter(|id| !id.is_empty()),
        in_reply_to: headers::ids(message.in_reply_to()),
        references: headers::ids(message.references()),
        from,
        to,
        cc,
        reply_to,
        subject,
        date: message.date().and_then(to_utc),
        text,
        new_text,
        attachments: attachments(&message),
        remittance,
        machine,
    })
}

/// The readable body and the text the new-text extraction should start from: every inline text
/// body part joined (HTML ones converted to text); for HTML, the new-text source is only what
/// stands above the client's quote container.
fn body_texts(message: &Message<'_>) -> (String, String) {
    let (full, fresh) = join_bodies(message.text_bodies());
    if !full.is_empty() {
        return (full, fresh);
    }
    // An empty text/plain alternative next to a real HTML one: read the HTML.
    let (full, fresh) = join_bodies(message.html_bodies());
    if !full.is_empty() {
        return (full, fresh);
    }
    match fallback_body(message) {
        Some(raw) => (raw.clone(), raw),
        None => (String::new(), String::new()),
    }
}

/// Readable text and new-text source of body parts, each joined with a blank line.
fn join_bodies<'a>(parts: impl Iterator<Item = &'a MessagePart<'a>>) -> (String, String) {
    let mut full: Vec<String> = Vec::new();
    let mut fresh: Vec<String> = Vec::new();
    for part in parts {
        let (whole, new) = match &part.body {
            PartType::Text(t) => (t.to_string(), t.to_string()),
            PartType::Html(h) => (html::to_text(h), html::new_part_text(h)),
            _ => continue,
        };
        if !whole.trim().is_empty() {
            full.push(whole.trim_end().to_string());
            fresh.push(new.trim_end().to_string());
        }
    }
    (full.join("\n\n"), fresh.join("\n\n"))
}

/// Readable text for messages whose structure hid it: the first unnamed `text/plain` or
/// `text/html` part that `mail-parser` filed as an attachment (nested parts reusing a boundary),
/// else the raw body of a top-level multipart whose boundary never occurs (truncated messages).
fn fallback_body(message: &Message<'_>) -> Option<String> {
    let unnamed_text = message.parts.iter().skip(1).find_map(|p| {
        if p.attachment_name().is_some() {
            return None;
        }
        match &p.body {
            PartType::Text(t)
                if content_type_is(p, "text", &["plain"]) || p.content_type().is_none() =>
            {
                Some(t.trim().to_string())
            }
            PartType::Html(h) => Some(html::to_text(h)),
            _ => None,
        }
        .filter(|t| !t.is_empty())
    });
    unnamed_text.or_else(|| childless_multipart_body(message))
}

/// The raw body of a top-level multipart whose boundary never occurs (truncated or broken
/// messages): `mail-parser` then finds no parts, but the body is usually readable text.
fn childless_multipart_body(message: &Message<'_>) -> Option<String> {
    let root = message.parts.first()?;
    match &root.body {
        // `mail-parser` keeps such a body as one text part that is not an inline body.
        PartType::Text(t) => {
            let t = t.trim();
            return (!t.is_empty()).then(|| t.to_string());
        }
        PartType::Multipart(children) if children.is_empty() => {}
        _ => return None,
    }
    let start = usize::try_from(root.offset_body).ok()?;
    let end = usize::try_from(root.offset_end).ok()?;
    let bytes = message.raw_message().get(start..end)?;
    let text = String::from_utf8_lossy(bytes).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// How deep into attached messages we look for a delivery report (a forwarded bounce is one level).
const MAX_REPORT_DEPTH: usize = 3;

/// Bodies of `message/delivery-status` (and `message/global-delivery-status`) parts, anywhere,
/// including inside attached messages (bounces forwarded by a gateway or a person).
fn delivery_status_bodies(message: &Message<'_>) -> Vec<String> {
    let mut out = Vec::new();
    collect_delivery_status(message, 0, &mut out);
    out
}

fn collect_delivery_status(message: &Message<'_>, depth: usize, out: &mut Vec<String>) {
    for part in &message.parts {
        let is_report = content_type_is(
            part,
            "message",
            &["delivery-status", "global-delivery-status"],
        );
        match &part.body {
            PartType::Text(t) | PartType::Html(t) if is_report => out.push(t.to_string()),
            PartType::Binary(b) | PartType::InlineBinary(b) if is_report => {
                out.push(String::from_utf8_lossy(b).into_owned())
            }
            PartType::Message(inner) if depth < MAX_REPORT_DEPTH => {
                collect_delivery_status(inner, depth + 1, out)
            }
            _ => {}
        }
    }
}

/// `To`/`Cc` addresses of a returned original message (`message/rfc822` or
/// `text/rfc822-headers` part), lower-cased.
fn original_recipients(message: &Message<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push_from = |m: &Message<'_>| {
        for mb in mailboxes(m.to()).into_iter().chain(mailboxes(m.cc())) {
            if !out.contains(&mb.email) {
                out.push(mb.email);
            }
        }
    };
    for part in message.parts.iter().skip(1) {
        match &part.body {
            PartType::Message(inner) => push_from(inner),
            PartType::Text(t) if content_type_is(part, "text", &["rfc822-headers"]) => {
                if let Some(m) = MessageParser::default().parse_headers(t.as_bytes()) {
                    push_from(&m);
                }
            }
            PartType::Binary(b) if content_type_is(part, "text", &["rfc822-headers"]) => {
                if let Some(m) = MessageParser::default().parse_headers(b.as_ref()) {
                    push_from(&m);
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether the top-level type is `multipart/report` for delivery status.
fn root_is_report(message: &Message<'_>) -> bool {
    message
        .parts
        .first()
        .and_then(|p| p.content_type())
        .is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
                && ct
                    .attribute("report-type")
                    .is_none_or(|r| r.to_ascii_lowercase().contains("delivery-status"))
        })
}

fn content_type_is(part: &MessagePart<'_>, ctype: &str, subtypes: &[&str]) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| subtypes.iter().any(|w| s.eq_ignore_ascii_case(w)))
    })
}

/// Attachment parts, skipping the machine-readable parts of delivery reports.
fn attachment_parts<'a>(message: &'a Message<'a>) -> impl Iterator<Item = &'a MessagePart<'a>> {
    message.attachments().filter(|p| {
        !matches!(p.body, PartType::Multipart(_))
            && !content_type_is(p, "message", &["delivery-status", "global-delivery-status"])
            && !content_type_is(p, "text", &["rfc822-headers"])
    })
}

/// Attachment metadata.
fn attachments(message: &Message<'_>) -> Vec<crate::types::Attachment> {
    attachment_parts(message)
        .map(attachment::describe)
        .collect()
}

/// Remittance lines of the attachments that look like a remittance advice (by name or type, or
/// any readable document when the body speaks of remittance), then of a table in the body.
/// Only those documents are read, each within [`remittance::MAX_ATTACHMENT_BYTES`].
fn remittance_lines(message: &Message<'_>, text: &str) -> Vec<RemittanceLine> {
    let body_cue = remittance::body_speaks_of_remittance(text);
    let mut out = Vec::new();
    for part in attachment_parts(message) {
        let meta = attachment::describe(part);
        let Some(kind) = remittance::DocKind::of(meta.filename.as_deref(), &meta.content_type)
        else {
            continue;
        };
        if meta.looks_like_remittance || body_cue {
            remittance::merge(&mut out, remittance::from_document(kind, part.contents()));
        }
    }
    if body_cue {
        remittance::merge(&mut out, remittance::from_body(text));
    }
    out
}

fn to_utc(dt: &mail_parser::DateTime) -> Option<DateTime<Utc>> {
    if !dt.is_valid() {
        return None;
    }
    DateTime::from_timestamp(dt.to_timestamp(), 0)
}

/// `text` without control characters. A header in a charset this build does not decode (the CJK
/// legacy ones: ISO-2022-JP, Shift_JIS, EUC-*, Big5, GBK) arrives as its raw bytes, escape
/// sequences included; those must not reach logs, pages or the subject of a reply.
pub(crate) fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}
