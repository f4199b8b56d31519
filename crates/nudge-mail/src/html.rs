//! HTML bodies: converting to text with `mail-parser`'s converter, after telling it where lines
//! break, and finding where a reply's quoted history starts in the HTML itself (clients mark it
//! with `<blockquote>` or well-known containers, which the plain-text conversion would lose).

use mail_parser::decoders::html::html_to_text;

use crate::phrases::Words;
use crate::words;

/// Tags that start a new line in a rendered message. `mail-parser` breaks lines only at `<br>` and
/// `</p>`; web mail clients put every line in a `<div>`.
const BLOCK_TAGS: Words = words![
    "div",
    "p",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "dt",
    "dd",
];

/// Markers of quoted history (and signature blocks) in HTML written by common clients (lower-case; matched inside the
/// tag that carries them): Gmail, Outlook/Office 365, Thunderbird, Apple Mail, Yahoo, Proton.
const QUOTE_MARKERS: Words = words![
    "<blockquote",
    "gmail_quote",
    "gmail_attr",
    "divrplyfwdmsg",
    "appendonsend",
    "moz-cite-prefix",
    "yahoo_quoted",
    "protonmail_quote",
    "zmail_extra",
    "mail_android_quote",
    "<hr",
    // Signature containers (Gmail, Outlook on the web): not history, but not new words either.
    "gmail_signature",
    "id=\"signature\"",
    "id=\"signature_",
];

/// The readable text of an HTML body.
pub(crate) fn to_text(html: &str) -> String {
    let text = html_to_text(&with_line_breaks(html));
    collapse_blank_lines(&text)
}

/// The readable text of the part of an HTML body above its quoted history.
pub(crate) fn new_part_text(html: &str) -> String {
    to_text(before_quote(html))
}

/// The HTML above the first quote marker (the whole input when there is none).
fn before_quote(html: &str) -> &str {
    // ASCII lower-casing keeps byte offsets, so positions in `lower` are valid in `html`.
    let lower = html.to_ascii_lowercase();
    let cut = QUOTE_MARKERS
        .iter()
        .filter_map(|m| {
            let at = lower.find(m)?;
            // Cut at the start of the tag that carries a class/id marker.
            Some(if m.starts_with('<') {
                at
            } else {
                lower.get(..at)?.rfind('<').unwrap_or(at)
            })
        })
        .min()
        .unwrap_or(html.len());
    html.get(..cut).unwrap_or(html)
}

/// Puts a `<br>` in front of every block-level tag so the converter breaks the line there.
fn with_line_breaks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let (before, tag) = rest.split_at(at);
        out.push_str(before);
        let closing = tag.get(1..).is_some_and(|t| t.starts_with('/'));
        let name: String = tag
            .trim_start_matches('<')
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        // Break before an opening block tag; after a closing one only when text follows
        // directly (otherwise the next opening tag breaks the line, and we would double it).
        let text_follows = || {
            tag.find('>')
                .and_then(|end| tag.get(end + 1..))
                .and_then(|after| after.trim_start().chars().next())
                .is_some_and(|c| c != '<')
        };
        if BLOCK_TAGS.contains(name.as_str()) && (!closing || text_follows()) {
            out.push_str("<br>");
        }
        out.push('<');
        rest = tag.get(1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Trims line ends and collapses runs of blank lines to one.
fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0usize;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank > 0 {
                out.push('\n');
            }
        }
        blank = 0;
        out.push_str(line.trim_start_matches(' '));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divs_become_lines() {
        let t = to_text("<div>We will pay</div><div>on Friday &amp; not later</div>");
        assert_eq!(t, "We will pay\non Friday & not later");
    }

    #[test]
    fn gmail_quote_is_cut() {
        let html = "<div dir=\"ltr\">Paid today.</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, Dec 1, 2026 AR &lt;ar@x.example&gt; wrote:<br></div><blockquote>Please pay by Friday</blockquote></div>";
        assert_eq!(new_part_text(html), "Paid today.");
        assert!(to_text(html).contains("Please pay by Friday"));
    }

    #[test]
    fn outlook_reply_header_is_cut() {
        let html = "<p>We dispute line 2.</p><div id=\"divRplyFwdMsg\"><b>From:</b> AR</div><p>Please pay</p>";
        assert_eq!(new_part_text(html), "We dispute line 2.");
    }

    #[test]
    fn style_and_head_are_dropped() {
        let t =
            to_text("<html><head><style>p{color:red}</style></head><body><p>Hi</p></body></html>");
        assert_eq!(t, "Hi");
    }
}
