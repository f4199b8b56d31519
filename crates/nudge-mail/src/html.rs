//! HTML bodies: converting to text, and finding where a reply's quoted history starts in the
//! HTML itself (clients mark it with `<blockquote>` or well-known containers, which the
//! plain-text conversion would lose).

mod entity;
mod text;

use crate::phrases::Words;
use crate::words;

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
    collapse_blank_lines(&text::render(html))
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
    use mail_parser::decoders::html::html_to_text;
    use mail_parser::{MessageParser, PartType};
    use proptest::prelude::*;

    /// The converter this one replaced (mail-parser's, after a `<br>` in front of every block
    /// tag, as Nudge did until issue 12): the oracle for the differential tests. Compared without
    /// spaces: mail-parser drops the space after an inline tag until a line's first space
    /// ("<b>Invoice</b> 123" reads "Invoice123"); spacing has its own tests below.
    fn mail_parser_text(html: &str) -> String {
        let mut marked = String::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            let (before, tag) = rest.split_at(at);
            marked.push_str(before);
            let closing = tag.get(1..).is_some_and(|t| t.starts_with('/'));
            let name = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            let text_follows = tag
                .find('>')
                .and_then(|end| tag.get(end + 1..))
                .and_then(|after| after.trim_start().chars().next())
                .is_some_and(|c| c != '<');
            if text::BLOCK_TAGS.contains(&name) && (!closing || text_follows) {
                marked.push_str("<br>");
            }
            marked.push('<');
            rest = &tag[1..];
        }
        marked.push_str(rest);
        collapse_blank_lines(&html_to_text(&marked)).replace(' ', "")
    }

    /// Pieces of mail HTML the two converters read alike: no attributes on `<br>`, `<style>`,
    /// `<head>` or `</p>` (mail-parser misses those), no `<` that is text, no `--->`, no block
    /// tags inside hidden elements (the old `<br>` marking leaked line breaks out of them).
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "Invoice",
            "INV-2024-01234",
            "12.50",
            "paid",
            "€",
            "we'll",
            "a > b",
            " ",
            "  ",
            "\n",
            "\t",
            "\r\n",
            "<div>",
            "</div>",
            "<DIV dir=\"ltr\">",
            "<p>",
            "</p>",
            "<p class=MsoNormal>",
            "<br>",
            "<BR/>",
            "<b>",
            "</b>",
            "<span style=\"x\">",
            "</span>",
            "<a href=\"https://x.example/?a=1&amp;b=2\">",
            "</a>",
            "<table>",
            "<tr>",
            "<td>",
            "</td>",
            "</tr>",
            "</table>",
            "<blockquote>",
            "</blockquote>",
            "<header>",
            "</header>",
            "<li>",
            "</li>",
            "<hr>",
            "<img src=\"x.png\" />",
            "&amp;",
            "&nbsp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&#8217;",
            "&#x20AC;",
            "&eacute;",
            "&Uuml;",
            "&hellip;",
            "&bogus;",
            "&",
            "AT&T",
            "&amp",
            "<style>p{color:red}</style>",
            "<head><title>T</title></head>",
            "<script>var a = 1;</script>",
            "<template><b>t</b></template>",
            "<!-- note -->",
            "<!--[if mso]><p>x</p><![endif]-->",
            "<!DOCTYPE html>",
        ])
    }

    proptest! {
        #[test]
        fn reads_like_the_converter_it_replaced(pieces in prop::collection::vec(piece(), 0..40)) {
            let html = pieces.concat();
            prop_assert_eq!(to_text(&html).replace(' ', ""), mail_parser_text(&html), "{:?}", html);
        }

        #[test]
        fn never_panics(html in "\\PC{0,200}", tags in "[<>/&;#a-z! -]{0,80}") {
            let _ = to_text(&html);
            let _ = to_text(&tags);
            let _ = new_part_text(&format!("{tags}{html}"));
        }
    }

    /// Every HTML part of the third-party corpus reads the same as with mail-parser, except
    /// where mail-parser is known to differ from a browser (see `reads_like_a_browser`).
    #[test]
    fn corpus_html_reads_like_the_converter_it_replaced() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        if !dir.is_dir() {
            eprintln!("note: ../shared/corpus not found; skipping");
            return;
        }
        let (mut parts, mut same) = (0, 0);
        let files = ["mime", "bounces/emails"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(dir.join(sub)).ok())
            .flat_map(|entries| entries.flatten());
        for entry in files {
            let raw = std::fs::read(entry.path()).expect("readable");
            let Some(message) = MessageParser::default().parse(&raw) else {
                continue;
            };
            for part in &message.parts {
                let PartType::Html(html) = &part.body else {
                    continue;
                };
                parts += 1;
                let (ours, theirs) = (to_text(html).replace(' ', ""), mail_parser_text(html));
                if ours == theirs {
                    same += 1;
                } else {
                    println!(
                        "{:?}\n--- ours\n{ours}\n--- mail-parser\n{theirs}",
                        entry.path()
                    );
                }
            }
        }
        println!("{same} of {parts} HTML parts read the same");
        assert!(parts >= 20, "corpus shrank: {parts}");
        assert_eq!(same, parts);
    }

    /// Where this converter reads mail as a browser shows it and mail-parser's did not.
    #[test]
    fn reads_like_a_browser() {
        let cases = [
            ("<b>Invoice</b> 123 is paid", "Invoice 123 is paid"),
            (
                "<style type=\"text/css\">p{color:red}</style><p>Hi</p>",
                "Hi",
            ),
            ("<HEAD><Title>x</Title><body>Hi", "Hi"),
            ("<head><title>x</title></head><header>Top</header>", "Top"),
            ("<script src=\"x.js\" />Hi", "Hi"),
            ("Line one<br class=\"x\">Line two", "Line one\nLine two"),
            ("1 < 2 and 3 > 2 <3", "1 < 2 and 3 > 2 <3"),
            ("we won&#146;t pay &#150; sorry", "we won’t pay – sorry"),
            ("<!-- a --->b", "b"),
            ("<p>One</p><p>Two</p>", "One\n\nTwo"),
            ("<div>a</div>\n<div>\n b</div>", "a\nb"),
            ("Total:&nbsp;12&#x20AC;", "Total:\u{a0}12€"),
            ("R&amp;D &bogus; AT&T &amp", "R&D &bogus; AT&T &amp"),
            ("<div>unterminated <b", "unterminated"),
            ("<style>never closed", ""),
        ];
        for (html, text) in cases {
            assert_eq!(to_text(html), text, "{html:?}");
        }
    }

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
