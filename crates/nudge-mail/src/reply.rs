//! Extracting the new text of a reply: what the sender wrote now, without the quoted history
//! (which contains our own reminder) and without their signature.
//!
//! Works line by line on plain text (HTML bodies are converted first). The approach is
//! conservative about *keeping* quoted material out: once a history marker is seen, everything
//! below it is dropped, because reading our own "please pay by …" as the customer's words would
//! turn a reminder into a fake promise. Inline answers between `>` lines above that marker are kept.

use crate::phrases::quote::{
    ATTRIBUTION_STARTS, BLOCK_FOLLOWERS, BLOCK_FROM, SEPARATORS, WROTE_VERBS,
};
use crate::phrases::signature::{CLIENT_SIGNATURES, VALEDICTIONS};

/// Longest line (in bytes) that can be a sign-off or a client signature ("Sent from my …").
const MAX_SIGNATURE_LINE_BYTES: usize = 80;
/// How many lines an attribution ("On … wrote:") may be wrapped across.
const ATTRIBUTION_MAX_LINES: usize = 3;
/// How many lines after a `From:` line we look for the rest of a quoted header block.
const HEADER_BLOCK_WINDOW: usize = 6;
/// Lines after a sign-off ("Kind regards,") that may still be the signature (name, title, phone).
const SIGNOFF_TAIL_LINES: usize = 12;
/// Lines after a bare "Thanks," that may still be the signature; fewer and shorter, because
/// "Thanks," also opens sentences.
const THANKS_TAIL_LINES: usize = 8;
/// Longest signature line after a sign-off, in characters.
const SIGNOFF_TAIL_CHARS: usize = 80;
/// Longest signature line after a bare "Thanks,", in characters.
const THANKS_TAIL_CHARS: usize = 60;

/// Only what the sender wrote now: quoted history (`>` lines, "On … wrote:", Outlook
/// `From:/Sent:` blocks, "-----Original Message-----", forwarded headers) and the signature
/// ("-- ", "Best regards," + name lines, "Sent from my iPhone", and their German, French, Spanish,
/// Swedish and Dutch equivalents) removed. Trailing spaces are trimmed, runs of blank lines
/// collapsed, and the result trimmed. Never panics; any input is accepted.
pub fn extract_new_text(body: &str) -> String {
    let normalised = body.replace("\r\n", "\n").replace(['\r', '\u{a0}'], " ");
    let lines: Vec<&str> = normalised.split('\n').collect();
    let cut = history_start(&lines, 0);
    let mut kept = unquoted(&lines, 0, cut.unwrap_or(lines.len()));
    if let Some(answer) = cut.and_then(|c| bottom_posted(&lines, c)) {
        if kept.iter().all(|l| l.trim().is_empty()) {
            kept = answer;
        }
    }
    let sig = signature_start(&kept).unwrap_or(kept.len());
    kept.truncate(sig);
    tidy(&kept)
}

/// A line of quoted text (`> …`, also `>>` and ` > `).
fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// The unquoted lines in `from..to`.
fn unquoted<'a>(lines: &[&'a str], from: usize, to: usize) -> Vec<&'a str> {
    lines
        .iter()
        .take(to)
        .skip(from)
        .copied()
        .filter(|l| !is_quoted(l))
        .collect()
}

/// A bottom-posted answer: nothing above the attribution, the quoted message (`>` lines) right
/// below it, and the sender's text after that quote, up to the next history marker. Only when the
/// quote is `>`-marked, so our own unmarked reminder can never be taken for the answer.
fn bottom_posted<'a>(lines: &[&'a str], cut: usize) -> Option<Vec<&'a str>> {
    if !is_attribution(lines, cut) {
        return None;
    }
    let quote = (cut + 1..lines.len())
        .take(ATTRIBUTION_MAX_LINES + 1)
        .find(|&i| lines.get(i).is_some_and(|l| is_quoted(l)))?;
    let end = history_start(lines, quote).unwrap_or(lines.len());
    let answer = unquoted(lines, quote, end);
    answer
        .iter()
        .any(|l| !l.trim().is_empty())
        .then_some(answer)
}

/// Index of the first line of quoted history at or after `from`, if any.
fn history_start(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| {
        let line = lines.get(i).copied().unwrap_or("");
        // Quoted lines are dropped anyway; markers inside them do not end the new text.
        !is_quoted(line)
            && (is_separator(line)
                || is_underline(line)
                || is_header_block(lines, i)
                || is_attribution(lines, i))
    })
}

/// "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded
/// message:" and their translations.
fn is_separator(line: &str) -> bool {
    let trimmed = line.trim();
    let decorated = ["---", "___", "***", "===", "##"]
        .iter()
        .any(|d| trimmed.contains(d));
    if !decorated && !trimmed.ends_with(':') {
        return false;
    }
    let lower = trimmed.to_lowercase();
    let core = lower
        .trim_matches(|c: char| matches!(c, '-' | '_' | '*' | '=' | '#' | ' ' | '<' | '>'))
        .trim();
    if core.is_empty() || core.len() > 80 {
        return false;
    }
    SEPARATORS.iter().any(|s| {
        core.starts_with(s) && (decorated || s.ends_with(':') || core.trim_end_matches(':') == s)
    })
}

/// Outlook puts a line of underscores above the quoted header block.
fn is_underline(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 20 && t.chars().all(|c| c == '_')
}

/// The name of a header-like line (`From: x`, `*From:* x`, `De : x`), lower-cased.
fn header_name(line: &str) -> Option<String> {
    if !line.contains(':') {
        return None;
    }
    let t = line.trim().trim_start_matches('*').trim_start();
    let (name, _) = t.split_once(':')?;
    let name = name.trim().trim_end_matches('*').trim();
    if name.is_empty() || name.chars().count() > 20 {
        return None;
    }
    Some(name.to_lowercase())
}

/// A quoted header block: a `From:` line followed closely by at least two of `Sent:`, `To:`,
/// `Subject:`, `Date:` (or their translations).
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let Some(first) = lines.get(i).and_then(|l| header_name(l)) else {
        return false;
    };
    if !BLOCK_FROM.contains(first.as_str()) {
        return false;
    }
    let followers = lines
        .iter()
        .skip(i + 1)
        .take(HEADER_BLOCK_WINDOW)
        .filter_map(|l| header_name(l))
        .filter(|n| BLOCK_FOLLOWERS.contains(n.as_str()))
        .count();
    followers >= 2
}

/// "On Mon, 1 Dec 2026 at 10:00, Jane <j@x.example> wrote:" — possibly wrapped over up to three
/// lines — and the German/French/Spanish/Swedish/Dutch forms ("Am … schrieb …:", "Le … a écrit :",
/// "El … escribió:", "Den … skrev …:", "Op … schreef …:").
fn is_attribution(lines: &[&str], i: usize) -> bool {
    let Some(first) = lines.get(i) else {
        return false;
    };
    // Every attribution ends with a colon within its few lines; most lines can be skipped cheaply.
    let ends_with_colon = lines
        .iter()
        .skip(i)
        .take(ATTRIBUTION_MAX_LINES)
        .any(|l| l.trim_end().ends_with(':'));
    if !ends_with_colon {
        return false;
    }
    let first_lower = first.trim().to_lowercase();
    if first_lower.is_empty() {
        return false;
    }
    let starts_like_attribution = ATTRIBUTION_STARTS
        .iter()
        .any(|s| first_lower.starts_with(s));
    let mut joined = String::new();
    for n in 0..ATTRIBUTION_MAX_LINES {
        let Some(line) = lines.get(i + n) else {
            break;
        };
        let t = line.trim();
        if t.is_empty() || is_quoted(t) {
            break;
        }
        if n > 0 {
            // A wrapped attribution starts like one and the first line is not a finished sentence.
            if !starts_like_attribution || first_lower.ends_with('.') {
                break;
            }
            joined.push(' ');
        }
        joined.push_str(&t.to_lowercase());
        if joined.chars().count() > 300 {
            break;
        }
        if joined.ends_with(':')
            && contains_wrote_verb(&joined)
            && (starts_like_attribution
                || joined.contains('@')
                || joined.chars().any(|c| c.is_ascii_digit()))
        {
            return true;
        }
    }
    false
}

/// Whether a "wrote" verb appears as a whole word in the (lower-case) line.
fn contains_wrote_verb(lower: &str) -> bool {
    WROTE_VERBS.iter().any(|verb| {
        lower.match_indices(verb).any(|(at, _)| {
            let before = lower.get(..at).and_then(|s| s.chars().next_back());
            let after = lower.get(at + verb.len()..).and_then(|s| s.chars().next());
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

/// Index of the first signature line, if any.
fn signature_start(lines: &[&str]) -> Option<usize> {
    let first_content = lines.iter().position(|l| !l.trim().is_empty())?;
    // A sign-off is followed by a few signature lines at most, so only the last lines can be
    // one; checking every line against the rest would be quadratic on hostile input.
    let signoff_window_start = lines
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, l)| !l.trim().is_empty())
        .nth(SIGNOFF_TAIL_LINES)
        .map_or(0, |(i, _)| i);
    for (i, line) in lines.iter().enumerate().skip(first_content) {
        let t = line.trim();
        if t == "--" {
            return Some(i);
        }
        // Sign-offs and client signatures are short lines; skip prose without allocating.
        if t.is_empty() || t.len() > MAX_SIGNATURE_LINE_BYTES {
            continue;
        }
        let lower = t.to_lowercase();
        if CLIENT_SIGNATURES.iter().any(|s| lower.starts_with(s)) {
            return Some(i);
        }
        if i > first_content && i >= signoff_window_start && is_signoff(lines, i, &lower) {
            return Some(i);
        }
    }
    None
}

/// A sign-off line ("Kind regards," / "Best regards, John") followed only by a short signature.
fn is_signoff(lines: &[&str], i: usize, lower: &str) -> bool {
    let core = lower.trim_end_matches([',', '.', '!', ':', ';', '-', ' ']);
    let core = collapse_spaces(core);
    if !VALEDICTIONS.iter().any(|v| core.starts_with(v)) {
        return false;
    }
    let tail: Vec<&str> = lines
        .iter()
        .skip(i + 1)
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let short_tail = |max_lines: usize, max_chars: usize| {
        tail.len() <= max_lines && tail.iter().all(|l| l.chars().count() <= max_chars)
    };
    let is_thanks = |v: &str| {
        [
            "thank",
            "danke",
            "merci",
            "gracias",
            "tack",
            "bedankt",
            "vielen dank",
        ]
        .iter()
        .any(|t| v.starts_with(t))
    };
    if let Some(v) = VALEDICTIONS.iter().find(|v| core == **v) {
        return if is_thanks(v) {
            short_tail(THANKS_TAIL_LINES, THANKS_TAIL_CHARS)
        } else {
            short_tail(SIGNOFF_TAIL_LINES, SIGNOFF_TAIL_CHARS)
        };
    }
    // "Best regards, John Smith" on one line, with at most a short signature after it.
    VALEDICTIONS.iter().filter(|v| !is_thanks(v)).any(|v| {
        core.strip_prefix(v)
            .and_then(|rest| rest.strip_prefix(','))
            .is_some_and(|name| {
                let words = name.split_whitespace().count();
                (1..=3).contains(&words)
            })
    }) && short_tail(THANKS_TAIL_LINES, SIGNOFF_TAIL_CHARS)
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Joins lines, trims trailing spaces, collapses blank-line runs and trims the whole.
fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_run = 0usize;
    for line in lines {
        let t = line.trim_end();
        if t.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        blank_run = 0;
        out.push_str(t);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_gmail_attribution_and_quote() {
        let body = "We will pay on Friday.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Nudge <ar@x.example> wrote:\n> Please pay by 5 December.\n";
        assert_eq!(extract_new_text(body), "We will pay on Friday.");
    }

    #[test]
    fn strips_wrapped_attribution() {
        let body = "Paid yesterday.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Accounts Receivable <\nar@x.example> wrote:\n\n> Please pay by 5 December.";
        assert_eq!(extract_new_text(body), "Paid yesterday.");
    }

    #[test]
    fn keeps_sentence_before_attribution() {
        let body = "I checked it.\nOn Mon, 1 Dec 2026 Jane wrote:\nquoted";
        assert_eq!(extract_new_text(body), "I checked it.");
    }

    #[test]
    fn strips_outlook_block() {
        let body = "Payment is scheduled for 12/15.\n\nThanks,\nBob\n\n________________________________\nFrom: AR <ar@x.example>\nSent: Monday, December 1, 2026 10:00 AM\nTo: Bob\nSubject: Invoice 123\n\nPlease pay by 5 December.";
        assert_eq!(extract_new_text(body), "Payment is scheduled for 12/15.");
    }

    #[test]
    fn strips_localised_blocks() {
        let de = "Wir zahlen am Freitag.\n\nMit freundlichen Grüßen\nMax Mustermann\n\nVon: AR <ar@x.example>\nGesendet: Montag, 1. Dezember 2026\nAn: Max\nBetreff: Rechnung";
        assert_eq!(extract_new_text(de), "Wir zahlen am Freitag.");
        let fr = "Le paiement part demain.\n\nLe lun. 1 déc. 2026 à 10:00, AR <ar@x.example> a écrit :\n> Merci de payer";
        assert_eq!(extract_new_text(fr), "Le paiement part demain.");
        let sv =
            "Vi betalar på fredag.\n\nDen 1 dec. 2026 kl. 10:00 skrev AR <ar@x.example>:\n> Betala";
        assert_eq!(extract_new_text(sv), "Vi betalar på fredag.");
    }

    #[test]
    fn strips_original_message_and_mobile_signature() {
        let body = "ok will do\n\nSent from my iPhone\n\n-----Original Message-----\nFrom: AR\nplease pay by Friday";
        assert_eq!(extract_new_text(body), "ok will do");
    }

    #[test]
    fn strips_dash_dash_signature() {
        let body = "Invoice attached.\n-- \nJane Doe\nACME Corp";
        assert_eq!(extract_new_text(body), "Invoice attached.");
    }

    #[test]
    fn thanks_opening_a_sentence_is_kept() {
        let body = "Thanks,\nwe have checked the invoice and there is an error in the quantity on line 3 which we dispute.\nWe will pay the rest.\nPlease send a corrected invoice, the unit price is wrong too.\nAlso the PO number is missing.\nAnd the address is outdated.\nAnd one more thing here.";
        assert!(extract_new_text(body).contains("we have checked"));
    }

    #[test]
    fn bottom_posted_answer_is_found() {
        let body = "On Mon, 30 Nov 2026, AR <ar@x.example> wrote:\n> Please pay by Friday.\n> Thanks\n\nWe paid on Tuesday.\n\nTom";
        assert_eq!(extract_new_text(body), "We paid on Tuesday.\n\nTom");
    }

    #[test]
    fn unmarked_history_below_attribution_is_never_the_answer() {
        let body = "On Mon, 30 Nov 2026, AR <ar@x.example> wrote:\nPlease pay by Friday.";
        assert_eq!(extract_new_text(body), "");
    }

    #[test]
    fn localised_outlook_blocks() {
        for block in [
            "De : AR <ar@x.example>\nEnvoyé : lundi 30 novembre 2026 09:00\nÀ : Claire\nObjet : Facture",
            "Van: AR <ar@x.example>\nVerzonden: maandag 30 november 2026 09:00\nAan: Jan\nOnderwerp: Factuur",
            "Från: AR <ar@x.example>\nSkickat: den 30 november 2026 09:00\nTill: Karin\nÄmne: Faktura",
            "De: AR <ar@x.example>\nEnviado: lunes, 30 de noviembre de 2026 9:00\nPara: Luis\nAsunto: Factura",
            "*From:* AR <ar@x.example>\n*Sent:* Monday, 30 November 2026 09:00\n*To:* Tom\n*Subject:* Invoice",
        ] {
            let body = format!("Answer here.\n\n{block}\n\nPlease pay by Friday.");
            assert_eq!(extract_new_text(&body), "Answer here.", "{block}");
        }
    }

    #[test]
    fn thanks_with_a_long_signature_block() {
        let body = "Paid today.\n\nThanks,\nTom Becker\nPurchasing Manager | Nordwind GmbH\nHafenstrasse 12\n20457 Hamburg\n+49 40 1234567\nwww.nordwind.example";
        assert_eq!(extract_new_text(body), "Paid today.");
    }

    #[test]
    fn hostile_input_stays_linear() {
        let body = "thanks\n".repeat(200_000) + &"> q\nOn x wrote:\n".repeat(50_000);
        let started = std::time::Instant::now();
        let _ = extract_new_text(&body);
        assert!(
            started.elapsed().as_secs() < 5,
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn helpdesk_reply_line_and_client_footers() {
        let body = "Paid.\n\n## Please reply above this line ##\n\nOur reminder: please pay";
        assert_eq!(extract_new_text(body), "Paid.");
        let body = "Wir zahlen morgen.\n\nHolen Sie sich Outlook für Android";
        assert_eq!(extract_new_text(body), "Wir zahlen morgen.");
    }

    #[test]
    fn keeps_inline_answers() {
        let body = "> Can you pay by Friday?\nYes, Friday works.\n> Anything else?\nNo.";
        assert_eq!(extract_new_text(body), "Yes, Friday works.\nNo.");
    }
}
