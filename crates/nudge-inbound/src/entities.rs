//! Entities in a reply: amounts with currency, invoice references, PO numbers, email addresses.
//!
//! These scanners work on the original text (case kept, so references come back as written).
//! They recognise shapes (`INV-2026-0412`, `€4,800.00`, `4.800,00 EUR`) and use the words
//! around them ("invoice", "PO", "Rechnung") to tell an invoice number from a quotation or an
//! order number.

use std::collections::HashSet;
use std::sync::LazyLock;

use nudge_core::money::Currency;
use nudge_mail::phrases::Words;
use nudge_mail::words;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An amount of money found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub value: Decimal,
    /// The currency written next to it, if any.
    pub currency: Option<Currency>,
    /// Byte span in the text.
    pub start: usize,
    pub end: usize,
}

/// An email address found in text, with the person's name when it is written next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAddress {
    pub email: String,
    pub name: Option<String>,
}

/// A whitespace-separated word of the original text, trimmed of surrounding punctuation.
#[derive(Debug, Clone, Copy)]
struct Piece<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() || c == '\u{a0}' {
            if let Some(s) = start.take() {
                push_piece(&mut out, text, s, i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

fn push_piece<'a>(out: &mut Vec<Piece<'a>>, text: &'a str, s: usize, e: usize) {
    let raw = text.get(s..e).unwrap_or("");
    let trim = |c: char| {
        matches!(
            c,
            '(' | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | ','
                | ';'
                | ':'
                | '!'
                | '?'
                | '"'
                | '\''
                | '«'
                | '»'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '*'
                | '.'
        )
    };
    let lead = raw.len() - raw.trim_start_matches(trim).len();
    let body = raw.trim_matches(trim);
    if !body.is_empty() {
        out.push(Piece {
            text: body,
            start: s + lead,
            end: s + lead + body.len(),
        });
    }
}

fn lower_word<'a>(p: &Piece<'a>) -> std::borrow::Cow<'a, str> {
    let w = p.text.trim_matches(|c: char| !c.is_alphanumeric());
    // Most words are already lower case: borrow them instead of allocating.
    if w.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(w.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

// ------------------------------------------------------------------------- amounts

const SYMBOLS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("$", "USD"),
    ("US$", "USD"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("CHF", "CHF"),
    ("kr", "SEK"),
    ("SEK", "SEK"),
    ("euro", "EUR"),
    ("euros", "EUR"),
    ("eur", "EUR"),
    ("dollars", "USD"),
    ("usd", "USD"),
    ("gbp", "GBP"),
    ("pounds", "GBP"),
    ("kronor", "SEK"),
];

/// Three-letter codes recognised as currencies next to an amount. A fixed list: any capitalised
/// three-letter word next to a number would otherwise count ("NET 30").
const CODES: Words = words![
    "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "CAD", "AUD", "NZD", "JPY", "PLN", "CZK",
    "HUF", "RON", "BGN", "ISK", "MXN", "BRL", "INR", "CNY", "HKD", "SGD", "ZAR", "AED", "TRY",
];

fn currency_word(word: &str) -> Option<Currency> {
    if CODES.iter().any(|c| c.eq_ignore_ascii_case(word)) && word.len() == 3 {
        return Currency::parse(word).ok();
    }
    SYMBOLS
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(word))
        .and_then(|(_, code)| Currency::parse(code).ok())
}

/// Parses `4,800.00`, `4.800,00`, `4 800,00`, `4800`, `1,200` into a decimal. A single
/// separator followed by exactly three digits is a thousands separator; otherwise the last
/// separator is the decimal point.
pub fn parse_number(s: &str) -> Option<Decimal> {
    let s = s.trim_matches(|c: char| c == '.' || c == ',' || c == '-');
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',' || b == b' ')
    {
        return None;
    }
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    let last_sep = compact.rfind(['.', ',']);
    let digits_only: String;
    match last_sep {
        None => digits_only = compact,
        Some(pos) => {
            let sep = compact[pos..].chars().next()?;
            let after = compact.len() - pos - 1;
            let same_count = compact.matches(sep).count();
            let other_present = compact.contains(if sep == '.' { ',' } else { '.' });
            let is_decimal = other_present || (same_count == 1 && after != 3);
            if is_decimal {
                let int: String = compact[..pos]
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                digits_only = format!("{int}.{}", &compact[pos + 1..]);
            } else {
                digits_only = compact.chars().filter(char::is_ascii_digit).collect();
            }
        }
    }
    if digits_only.len() > 24 {
        return None;
    }
    digits_only.parse::<Decimal>().ok()
}

/// Every amount written with a currency: `€4,800.00`, `EUR 4.800,00`, `$1,200`, `4800 USD`,
/// `12 500 kr`. Bare numbers are not amounts (they are as often counts, days or references).
pub fn find_amounts(text: &str) -> Vec<Amount> {
    let ps = pieces(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < ps.len() {
        let p = ps[i];
        // Symbol glued to the number: "€4,800.00", "$1,200", "4.800,00€", "EUR4800".
        if let Some((cur, num)) = split_glued(p.text) {
            if let Some(value) = parse_number(num) {
                out.push(Amount {
                    value,
                    currency: Some(cur),
                    start: p.start,
                    end: p.end,
                });
                i += 1;
                continue;
            }
        }
        // "EUR 4.800,00" / "€ 4 800,00".
        if let Some(cur) = currency_word(p.text) {
            if let Some((value, end, used)) = number_run(&ps, i + 1) {
                out.push(Amount {
                    value,
                    currency: Some(cur),
                    start: p.start,
                    end,
                });
                i += 1 + used;
                continue;
            }
        }
        // "4800 USD" / "12 500 kr".
        if let Some((value, end, used)) = number_run(&ps, i) {
            if let Some(cur) = ps.get(i + used).and_then(|n| currency_word(n.text)) {
                let end = ps.get(i + used).map_or(end, |n| n.end);
                out.push(Amount {
                    value,
                    currency: Some(cur),
                    start: p.start,
                    end,
                });
                i += used + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A number possibly written with spaces as thousands separators ("12 500,00").
fn number_run(ps: &[Piece<'_>], i: usize) -> Option<(Decimal, usize, usize)> {
    let first = ps.get(i)?;
    if !first.text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut text = first.text.to_string();
    let mut used = 1;
    let mut end = first.end;
    // Space-grouped thousands: "12 500" (only 1–3 digits before, groups of exactly three after).
    if first.text.len() <= 3 && first.text.bytes().all(|b| b.is_ascii_digit()) {
        while let Some(n) = ps.get(i + used) {
            let group = n.text.split([',', '.']).next().unwrap_or("");
            if group.len() == 3
                && group.bytes().all(|b| b.is_ascii_digit())
                && n.start > end
                && n.start <= end + 3
            {
                text.push(' ');
                text.push_str(n.text);
                end = n.end;
                used += 1;
            } else {
                break;
            }
        }
    }
    let value = parse_number(&text)?;
    Some((value, end, used))
}

fn split_glued(word: &str) -> Option<(Currency, &str)> {
    for (sym, code) in SYMBOLS
        .iter()
        .filter(|(s, _)| !s.chars().all(char::is_alphabetic))
    {
        if let Some(rest) = word.strip_prefix(sym) {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some((Currency::parse(code).ok()?, rest));
            }
        }
        if let Some(rest) = word.strip_suffix(sym) {
            if rest.ends_with(|c: char| c.is_ascii_digit()) {
                return Some((Currency::parse(code).ok()?, rest));
            }
        }
    }
    for code in CODES {
        if let Some(rest) = word.strip_prefix(code) {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some((Currency::parse(code).ok()?, rest));
            }
        }
    }
    None
}

// ------------------------------------------------------------------------- references

/// Words before a code that say it is not an invoice number.
const NOT_INVOICE: Words = words![
    "claim",
    "pro",
    "centre",
    "center",
    "cost",
    "devis",
    "dn",
    "ticket#",
    "quote",
    "quotation",
    "q",
    "bol",
    "ticket",
    "case",
    "tel",
    "phone",
    "fax",
    "iban",
    "bic",
    "tracking",
    "vat",
    "reg",
    "contract",
    "account",
    "acct",
    "customer",
    "delivery",
    "order",
    "note",
    "memo",
    "cn",
    "angebot",
    "lieferschein",
    "kundennummer",
    "devis",
    "commande",
    "pedido",
    "presupuesto",
    "offert",
    "ordernummer",
    "payment",
    "transaction",
    "check",
    "cheque",
    "confirmation",
    "trace",
];

/// Letter prefixes that name an invoice in many ledgers.
/// Whether `word` is one of [`NOT_INVOICE`]: a set, since every word of a message asks.
fn is_not_invoice(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| NOT_INVOICE.iter().collect());
    SET.contains(word)
}

const INVOICE_PREFIXES: Words = words![
    "inv", "in", "re", "rg", "r", "f", "fa", "fac", "fact", "fv", "fak", "fakt", "bill", "rech",
];

/// A code as it can appear in text: returns the code (without a leading `#`) when `word`
/// looks like an identifier that contains digits.
fn code_of(word: &str) -> Option<(&str, bool)> {
    // Cheap rejections first: this runs on every word of a message.
    if !word.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hashed, rest) = match word.as_bytes().first() {
        Some(b'#') => (true, word.trim_start_matches('#')),
        Some(b'N' | b'n') if word.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("nr.")) => {
            (true, word.get(3..).unwrap_or(""))
        }
        _ => (false, word),
    };
    let code = rest.trim_end_matches(['.', ',', ')', ':']);
    if code.is_empty() || code.len() > 40 {
        return None;
    }
    if !code.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if !code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/' | b'_'))
    {
        return None;
    }
    if !code.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((code, hashed))
}

fn letter_prefix(code: &str) -> &str {
    let n = code.bytes().take_while(u8::is_ascii_alphabetic).count();
    &code[..n]
}

fn digit_count(code: &str) -> usize {
    code.bytes().filter(u8::is_ascii_digit).count()
}

fn is_invoice_word(w: &str) -> bool {
    crate::lang::index::index().is(w, crate::lang::index::INVOICE)
        || matches!(
            w,
            "rechnungen"
                | "facture"
                | "factures"
                | "factura"
                | "facturas"
                | "fakturor"
                | "fakturorna"
                | "fakturan"
                | "facturen"
        )
}

/// A word that introduces a purchase-order number.
pub(crate) fn is_po_word(w: &str) -> bool {
    matches!(
        w,
        "po" | "p.o"
            | "purchase"
            | "bestellnummer"
            | "bestellung"
            | "auftragsnummer"
            | "commande"
            | "pedido"
            | "inköpsorder"
            | "beställning"
            | "ordernummer"
            | "po#"
    )
}

/// Invoice references in `text`. `known` are references already known to be invoices (for
/// example those in the reminder the customer is answering), recognised without a keyword.
pub fn find_invoice_refs(text: &str, known: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in find_invoice_ref_spans(text, known) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&r.text)) {
            out.push(r.text);
        }
    }
    out
}

/// One invoice reference and where it is written (byte span in the text searched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSpan {
    /// The reference as written (`INV-2026-0415`).
    pub text: String,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

/// Like [`find_invoice_refs`], but every occurrence with its place in `text`, so that a
/// reference can be tied to the clause that speaks of it.
pub fn find_invoice_ref_spans(text: &str, known: &[String]) -> Vec<RefSpan> {
    let ps = pieces(text);
    let mut out: Vec<RefSpan> = Vec::new();
    // An invoice word governs the codes that follow it, across "and" and commas.
    let mut governed = 0usize;
    let mut blocked = 0usize;
    for p in &ps {
        let w = lower_word(p);
        let Some((code, hashed)) = code_of(p.text) else {
            if is_invoice_word(&w) {
                governed = 4;
                blocked = 0;
            } else if is_not_invoice(&w) || is_po_word(&w) {
                blocked = 2;
                governed = 0;
            } else if !matches!(
                &*w,
                "" | "no" | "number" | "nr" | "num" | "nummer" | "is" | "ist"
            ) {
                // Fillers keep the keyword's hold ("PO number: 4500", "invoice no. 10234").
                governed = governed.saturating_sub(1);
                blocked = blocked.saturating_sub(1);
            }
            continue;
        };
        let prefix = letter_prefix(code).to_ascii_lowercase();
        let digits = digit_count(code);
        // Same numbering scheme as an invoice the thread names ("HL-10505" when the reminder
        // was about "HL-10482").
        let is_known = known.iter().any(|k| {
            k.eq_ignore_ascii_case(code)
                || (!prefix.is_empty()
                    && letter_prefix(k).eq_ignore_ascii_case(&prefix)
                    && k.as_bytes().get(prefix.len()) == code.as_bytes().get(prefix.len())
                    && digits >= 3)
        });
        let accept = if is_known {
            true
        } else if blocked == 2 || prefix == "po" || prefix == "q" {
            false
        } else if blocked == 1 {
            // One word after a non-invoice keyword ("devis signé (D-2026-114"): only codes that
            // look like invoices by their own prefix.
            let upper = letter_prefix(code).bytes().all(|b| b.is_ascii_uppercase());
            upper && digits >= 3 && INVOICE_PREFIXES.contains(prefix.as_str())
        } else if prefix.is_empty() {
            // Bare numbers need a keyword or a '#', and must not be dates or years.
            (governed > 0 || hashed) && digits >= 3 && !looks_like_date(code) && !is_year(code)
        } else if prefix.len() > 5 || code.len() - prefix.len() < 3 {
            false
        } else {
            let upper = letter_prefix(code).bytes().all(|b| b.is_ascii_uppercase());
            // "HL-10505": an upper-case prefix, a hyphen and a long number reads as a document
            // number; the words before it (quote, PO, claim, ticket) have had their say above.
            let document_shape =
                upper && digits >= 4 && code.as_bytes().get(prefix.len()) == Some(&b'-');
            digits >= 3
                && (governed > 0
                    || (upper && INVOICE_PREFIXES.contains(prefix.as_str()))
                    || document_shape)
        };
        if accept {
            let start = p.start + (code.as_ptr() as usize).saturating_sub(p.text.as_ptr() as usize);
            out.push(RefSpan {
                text: code.to_string(),
                start,
                end: start + code.len(),
            });
        }
        // A list of invoices goes on: "invoices 10234, 10235 and 10236".
        if accept {
            governed = governed.max(2);
        } else {
            governed = governed.saturating_sub(1);
        }
        blocked = blocked.saturating_sub(1);
    }
    out
}

fn looks_like_date(code: &str) -> bool {
    let parts: Vec<&str> = code.split(['-', '/', '.']).collect();
    parts.len() == 3
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && parts.iter().any(|p| p.len() == 4)
}

fn is_year(code: &str) -> bool {
    code.len() == 4 && (code.starts_with("19") || code.starts_with("20"))
}

/// The purchase-order number the text gives, as written: `PO 4500123`, `PO#4500123`,
/// `PO-88812`, `purchase order number is 4500123`, `Bestellnummer 4500`.
/// The purchase-order number the text gives, as written: `PO 4500123`, `PO#4500123`,
/// `PO-88812`, `purchase order number is 4500123`, `Bestellnummer 4500`. Of several, the one
/// called new ("please use our new PO 4500999") wins over one called old or expired ("PO
/// 4500123 has expired"); otherwise the first.
pub fn find_po_number(text: &str) -> Option<String> {
    let ps = pieces(text);
    let mut found: Vec<(String, usize)> = Vec::new();
    for i in 0..ps.len() {
        if let Some(code) = po_at(&ps, i) {
            if !found.iter().any(|(c, _)| c.eq_ignore_ascii_case(&code)) {
                found.push((code, i));
            }
        }
    }
    if found.len() <= 1 {
        return found.pop().map(|(c, _)| c);
    }
    let word_near = |i: usize, before: usize, after: usize, list: Words| {
        let from = i.saturating_sub(before);
        ps.get(from..(i + after + 1).min(ps.len()))
            .unwrap_or(&[])
            .iter()
            .any(|p| list.contains(&lower_word(p)))
    };
    let score = |i: usize| -> i32 {
        let mut s = 0;
        if word_near(i, 3, 0, NEW_WORDS) {
            s += 2;
        }
        if word_near(i, 3, 0, OLD_WORDS) || word_near(i, 0, 5, EXPIRED_WORDS) {
            s -= 2;
        }
        s
    };
    let best = found.iter().map(|(_, i)| score(*i)).max().unwrap_or(0);
    found
        .into_iter()
        .find(|(_, i)| score(*i) == best)
        .map(|(c, _)| c)
}

/// Words that call a PO new.
const NEW_WORDS: Words = words![
    "new",
    "updated",
    "replacement",
    "correct",
    "current",
    "valid",
    "neue",
    "neuen",
    "neu",
    "gültige",
    "nouveau",
    "nouvelle",
    "nuevo",
    "nueva",
    "nieuwe",
    "nieuw",
    "nytt",
    "ny",
    "nya",
];
/// Words that call a PO old.
const OLD_WORDS: Words = words![
    "old",
    "previous",
    "expired",
    "former",
    "alte",
    "alten",
    "bisherige",
    "abgelaufene",
    "ancien",
    "ancienne",
    "antiguo",
    "anterior",
    "oude",
    "vorige",
    "gamla",
    "gammal",
    "tidigare",
];
/// Words after a PO saying it is no longer valid.
const EXPIRED_WORDS: Words = words![
    "expired",
    "expires",
    "closed",
    "exhausted",
    "replaced",
    "superseded",
    "abgelaufen",
    "ungültig",
    "ersetzt",
    "expiré",
    "expirée",
    "caducado",
    "caducada",
    "vencido",
    "verlopen",
    "vervallen",
    "utgånget",
    "utgått",
    "upphört",
];

fn po_at(ps: &[Piece<'_>], i: usize) -> Option<String> {
    {
        let p = ps.get(i)?;
        let w = lower_word(p);
        // "PO#4500123", "PO:4500123": the keyword glued to the number.
        if let Some(rest) = p.text.get(3..).filter(|_| {
            p.text
                .get(..3)
                .is_some_and(|h| h.eq_ignore_ascii_case("po#") || h.eq_ignore_ascii_case("po:"))
        }) {
            if let Some((c, _)) = code_of(rest) {
                return Some(c.to_string());
            }
        }
        // "PO-88812": the prefix is part of the number.
        if let Some((code, _)) = code_of(p.text) {
            let prefix = letter_prefix(code);
            if prefix.eq_ignore_ascii_case("po") && digit_count(code) >= 3 {
                return Some(code.to_string());
            }
        }
        if !is_po_word(&w) {
            return None;
        }
        if w == "purchase"
            && !ps
                .get(i + 1)
                .is_some_and(|n| lower_word(n).starts_with("order"))
        {
            return None;
        }
        // Skip "order", "number", "no.", "#", "is", ":" (and "for <invoice>", "for this
        // order") and take the first code after them.
        let mut after_for = false;
        for next in ps.iter().skip(i + 1).take(7) {
            let nw = lower_word(next);
            if let Some((code, _)) = code_of(next.text) {
                if after_for {
                    after_for = false;
                    continue;
                }
                if digit_count(code) >= 3 && !looks_like_date(code) {
                    return Some(code.to_string());
                }
                break;
            }
            if matches!(&*nw, "for" | "on" | "of" | "für") {
                after_for = true;
                continue;
            }
            // "for invoice INV-7001": the code after the invoice word is still the invoice's.
            if after_for && is_invoice_word(&nw) {
                continue;
            }
            after_for = false;
            let filler = matches!(
                &*nw,
                "order"
                    | "number"
                    | "no"
                    | "nr"
                    | "num"
                    | "is"
                    | "ref"
                    | "reference"
                    | "our"
                    | "ist"
                    | "lautet"
                    | "nummer"
                    | "numéro"
                    | "número"
                    | "de"
                    | "es"
                    | "was"
                    | "should"
                    | "be"
                    | "the"
                    | "this"
                    | "that"
                    | "these"
                    | "invoice"
                    | "use"
                    | "please"
                    | "quote"
                    | ""
            ) || next.text == "#";
            if !filler {
                break;
            }
        }
    }
    None
}

// ------------------------------------------------------------------------- emails

/// Email addresses in `text`, with the name written before them when there is one
/// ("Jane Doe <jane@x.example>", "Jane Doe (jane@x.example)", "contact Jane Doe at jane@…").
pub fn find_emails(text: &str) -> Vec<ContactAddress> {
    let bytes = text.as_bytes();
    let mut out: Vec<ContactAddress> = Vec::new();
    let mut search = 0;
    while let Some(rel) = text.get(search..).and_then(|s| s.find('@')) {
        let at = search + rel;
        search = at + 1;
        let local_ok = |b: u8| b.is_ascii_alphanumeric() || b"._%+-'".contains(&b);
        let domain_ok = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
        let mut s = at;
        while s > 0 && bytes.get(s - 1).copied().is_some_and(local_ok) {
            s -= 1;
        }
        let mut e = at + 1;
        while bytes.get(e).copied().is_some_and(domain_ok) {
            e += 1;
        }
        let local = text
            .get(s..at)
            .unwrap_or("")
            .trim_start_matches(['.', '\'']);
        let domain = text
            .get(at + 1..e)
            .unwrap_or("")
            .trim_end_matches(['.', '-']);
        if local.is_empty() || !domain.contains('.') || domain.starts_with('.') {
            continue;
        }
        let email = format!("{local}@{domain}").to_lowercase();
        if out.iter().any(|c| c.email == email) {
            continue;
        }
        let name = name_before(text.get(..s).unwrap_or(""));
        out.push(ContactAddress { email, name });
        search = e.max(search);
    }
    out
}

/// Capitalised words directly before an address, skipping "<", "(", "at", ":".
fn name_before(before: &str) -> Option<String> {
    let line = before.rsplit('\n').next().unwrap_or("");
    let line = line.trim_end_matches([' ', '<', '(', '[', ':', '-', ',', '"', '\t']);
    let line = line.strip_suffix(" at").unwrap_or(line);
    let line = line.strip_suffix(" on").unwrap_or(line);
    let line = line.strip_suffix(" via").unwrap_or(line);
    let line = line.trim_end_matches([' ', '(', ':', ',', '"', '-']);
    const NOT_NAMES: Words = words![
        "Please", "Send", "Contact", "Email", "E-mail", "Mail", "Our", "The", "To", "Is", "At",
        "Her", "His", "Address", "New", "Write", "Reach", "Use", "Bitte", "An", "Die", "Der", "Hi",
        "Hello", "Dear", "Thanks", "CC", "Cc", "Copy", "And", "Or", "Or", "Now", "On", "From",
        "Via", "Me", "Us", "Them", "I", "We", "It", "Them", "Kontakt", "Frau", "Herr",
    ];
    let mut words: Vec<&str> = Vec::new();
    for w in line.split_whitespace().rev() {
        let clean = w.trim_matches(|c: char| c == ',' || c == '"');
        let capital = clean.chars().next().is_some_and(char::is_uppercase)
            && clean
                .chars()
                .skip(1)
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '.');
        if !capital || NOT_NAMES.contains(clean) || words.len() == 3 {
            break;
        }
        words.push(clean);
    }
    if words.is_empty() {
        return None;
    }
    words.reverse();
    Some(words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_in_both_conventions() {
        assert_eq!(parse_number("4,800.00"), Some(dec("4800.00")));
        assert_eq!(parse_number("4.800,00"), Some(dec("4800.00")));
        assert_eq!(parse_number("1,200"), Some(dec("1200")));
        assert_eq!(parse_number("12,5"), Some(dec("12.5")));
        assert_eq!(parse_number("1.234.567"), Some(dec("1234567")));
        assert_eq!(parse_number("12 500,50"), Some(dec("12500.50")));
        assert_eq!(parse_number("abc"), None);
    }

    #[test]
    fn amounts_with_currency() {
        let a = find_amounts(
            "We will pay €4,800.00 on Friday, not EUR 4.800,00 or $1,200 or 4800 USD.",
        );
        let got: Vec<(Decimal, &str)> = a
            .iter()
            .map(|x| {
                (
                    x.value,
                    x.currency
                        .map_or("", |c| if c == Currency::EUR { "EUR" } else { "USD" }),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (dec("4800.00"), "EUR"),
                (dec("4800.00"), "EUR"),
                (dec("1200"), "USD"),
                (dec("4800"), "USD")
            ]
        );
        assert_eq!(find_amounts("12 500 kr")[0].value, dec("12500"));
        assert_eq!(find_amounts("4\u{202f}800,00 €")[0].value, dec("4800.00"));
        assert!(find_amounts("within 30 days, 4 units").is_empty());
    }

    #[test]
    fn invoice_references() {
        assert_eq!(
            find_invoice_refs("We'll pay INV-2026-0412 by Friday.", &[]),
            ["INV-2026-0412"]
        );
        assert_eq!(
            find_invoice_refs("invoice 2026-412 and #10234", &[]),
            ["2026-412", "10234"]
        );
        assert_eq!(
            find_invoice_refs("invoices 10234, 10235 and 10236", &[]),
            ["10234", "10235", "10236"]
        );
        assert!(find_invoice_refs("as per quotation Q-2291 and PO GI-7731", &[]).is_empty());
        assert_eq!(
            find_invoice_refs("HL-10482 is scheduled", &["HL-10482".into()]),
            ["HL-10482"]
        );
        assert!(find_invoice_refs("paid on 2026-11-03 for 2026", &[]).is_empty());
    }

    #[test]
    fn po_numbers() {
        assert_eq!(find_po_number("our PO GI-7731").as_deref(), Some("GI-7731"));
        assert_eq!(find_po_number("PO#4500123").as_deref(), Some("4500123"));
        assert_eq!(
            find_po_number("our PO number for invoice INV-7001 is PO-55821").as_deref(),
            Some("PO-55821")
        );
        assert_eq!(
            find_po_number("Our purchase order number is 4500123.").as_deref(),
            Some("4500123")
        );
        assert_eq!(
            find_po_number("reference PO-88812 please").as_deref(),
            Some("PO-88812")
        );
        assert_eq!(find_po_number("the price is wrong"), None);
    }

    #[test]
    fn emails_and_names() {
        let e = find_emails("Please send invoices to Jane Doe <Jane.Doe@x.example> from now on.");
        assert_eq!(e[0].email, "jane.doe@x.example");
        assert_eq!(e[0].name.as_deref(), Some("Jane Doe"));
        let e = find_emails("please contact ap@y.example.");
        assert_eq!(e[0].email, "ap@y.example");
        assert_eq!(e[0].name, None);
    }
}
