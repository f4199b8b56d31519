//! Notices written by content-filtering gateways rather than by the recipient's mailbox server.
//!
//! A filtering gateway (an anti-spam/anti-virus product in front of the real mail server)
//! scans the message and then reports the refusal in its own words. When such a product says
//! "user unknown" with no status code naming the address and no sign that the address was
//! refused at `RCPT TO`, the verdict is the filter's, given after reading the content: it is no
//! evidence that the mailbox does not exist. The products are recognised by the stable
//! signatures they put in the notice's own headers (a header only they write, their `X-Mailer`,
//! the name they give in `Received`, the domain they send from), never by the recipient.

use super::stage::Stage;
use super::Evidence;
use crate::headers;
use crate::phrases::bounce::{CONTENT_FILTER_HEADERS, CONTENT_FILTER_MARKS};
use crate::types::BounceReason;

/// Whether the notice was written by a content-filtering gateway product.
pub(crate) fn content_filter(ev: &Evidence<'_>) -> bool {
    let own_header = ev.headers.iter().any(|h| {
        CONTENT_FILTER_HEADERS
            .iter()
            .any(|n| h.name().eq_ignore_ascii_case(n))
    });
    let marked = |value: &str| {
        let lower = value.to_lowercase();
        CONTENT_FILTER_MARKS.iter().any(|m| lower.contains(m))
    };
    own_header
        || headers::all_text(ev.headers, "x-mailer").any(|v| marked(&v))
        || headers::all_raw(ev.raw, ev.headers, "received").any(|r| marked(&r))
        || ev.from.is_some_and(|f| marked(&f.email))
}

/// Corrects a "user unknown" reported by a content-filtering gateway ([`content_filter`]) to
/// filtered, unless a status code names the recipient's address or the address was refused at
/// `RCPT TO`. The reporter is looked at last, and only for such a notice (it reads the raw
/// `Received` headers).
pub(crate) fn by_reporter(
    reason: BounceReason,
    ev: &Evidence<'_>,
    stage: Option<Stage>,
    status_names_address: bool,
) -> BounceReason {
    if reason == BounceReason::UserUnknown
        && !status_names_address
        && stage != Some(Stage::RcptTo)
        && content_filter(ev)
    {
        BounceReason::Filtered
    } else {
        reason
    }
}
