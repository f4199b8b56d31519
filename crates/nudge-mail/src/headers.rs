//! Reading header values from `mail-parser`'s parsed headers without caring which typed form
//! it chose for them.

use mail_parser::{Header, HeaderValue};

/// All text values of the headers called `name` (case-insensitive), decoded and trimmed.
///
/// Unknown headers (`Auto-Submitted`, `X-Failed-Recipients`, …) are parsed by `mail-parser` as
/// unstructured text; list-like ones may come as text lists, which are joined with `", "`.
pub(crate) fn all_text<'a>(
    headers: &'a [Header<'_>],
    name: &'a str,
) -> impl Iterator<Item = String> + 'a {
    headers
        .iter()
        .filter(move |h| h.name().eq_ignore_ascii_case(name))
        .filter_map(|h| value_text(&h.value))
}

/// The first text value of the header called `name`, if any.
pub(crate) fn text(headers: &[Header<'_>], name: &str) -> Option<String> {
    all_text(headers, name).next()
}

/// The raw (undecoded) value of the first header called `name`, for headers whose parsed form
/// loses what we need (an empty `Return-Path: <>` parses to nothing).
pub(crate) fn raw(raw_message: &[u8], headers: &[Header<'_>], name: &str) -> Option<String> {
    all_raw(raw_message, headers, name).next()
}

/// The raw (undecoded) values of every header called `name`, for headers whose parsed form
/// drops comments (`Received: … by mx.example (PRODUCT) …`).
pub(crate) fn all_raw<'a>(
    raw_message: &'a [u8],
    headers: &'a [Header<'_>],
    name: &'a str,
) -> impl Iterator<Item = String> + 'a {
    headers
        .iter()
        .filter(move |h| h.name().eq_ignore_ascii_case(name))
        .filter_map(move |h| {
            let start = usize::try_from(h.offset_start).ok()?;
            let end = usize::try_from(h.offset_end).ok()?;
            let bytes = raw_message.get(start..end)?;
            Some(String::from_utf8_lossy(bytes).trim().to_string())
        })
}

fn value_text(value: &HeaderValue<'_>) -> Option<String> {
    match value {
        HeaderValue::Text(t) => Some(t.trim().to_string()),
        HeaderValue::TextList(list) => {
            Some(list.iter().map(|s| s.trim()).collect::<Vec<_>>().join(", "))
        }
        HeaderValue::ContentType(ct) => Some(match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        }),
        HeaderValue::Address(addr) => Some(
            addr.iter()
                .filter_map(|a| a.address.as_deref())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

/// Message ids of an id-list header (`In-Reply-To`, `References`), without angle brackets.
pub(crate) fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let clean = |s: &str| {
        let s = s
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    match value {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean).collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|s| clean(s)).collect(),
        _ => Vec::new(),
    }
}
