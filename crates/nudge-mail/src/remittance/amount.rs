//! Amounts as remittance advices write them: `1,234.56`, `1.234,56`, `1 234,56`, `€1,234.56`,
//! `1234.50 EUR`, `-200.00`, `(200.00)`; and the currency beside them.

use rust_decimal::Decimal;

use crate::phrases::Words;
use crate::words;

/// ISO 4217 codes recognised beside amounts.
const CODES: Words = words![
    "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "CAD", "AUD", "NZD", "JPY",
];

/// Currency symbols and the code they stand for (`$` is taken as USD).
const SYMBOLS: &[(char, &str)] = &[('€', "EUR"), ('£', "GBP"), ('$', "USD"), ('¥', "JPY")];

/// The ISO code named in `text` (a code as a whole word, or a symbol), if exactly one kind is.
pub(crate) fn currency_in(text: &str) -> Option<String> {
    let mut found: Option<&str> = None;
    for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
        let upper = word.to_ascii_uppercase();
        if word.len() == 3
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_lowercase())
        {
            if let Some(code) = CODES.iter().find(|c| **c == upper) {
                if found.is_some_and(|f| f != code) {
                    return None;
                }
                found = Some(code);
            }
        }
    }
    for (sym, code) in SYMBOLS {
        if text.contains(*sym) {
            if found.is_some_and(|f| f != *code) {
                return None;
            }
            found = Some(code);
        }
    }
    found.map(str::to_string)
}

/// The amount a cell or token stands for, when it is one: digits with optional thousands
/// separators and decimals, an optional sign or parentheses, currency symbols or codes around.
pub(crate) fn parse(token: &str) -> Option<Decimal> {
    let mut t: String = without_code(token.trim())
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '€' | '£' | '$' | '¥' | '\u{a0}' | '\u{202f}' | '\'' | ' '
            )
        })
        .collect();
    let negative = t.starts_with('-') || (t.starts_with('(') && t.ends_with(')'));
    t = t.trim_matches(['-', '+', '(', ')']).to_string();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    if !t.starts_with(|c: char| c.is_ascii_digit()) || !t.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let last_sep = t.rfind(['.', ',']);
    let normal = match last_sep {
        None => t.clone(),
        Some(at) => {
            let sep = t.as_bytes().get(at).copied().map(char::from).unwrap_or('.');
            let decimals = t.len() - at - 1;
            let other = if sep == '.' { ',' } else { '.' };
            let both = t.contains(other);
            let repeated = t.matches(sep).count() > 1;
            if both || (!repeated && decimals != 3) {
                // `1.234,56`, `1,234.56`, `12,5`, `12.50`: the last separator is the decimal one.
                let (int, frac) = t.split_at(at);
                let int: String = int.chars().filter(char::is_ascii_digit).collect();
                format!("{int}.{}", frac.get(1..).unwrap_or(""))
            } else {
                // `1,234`, `1.234.567`: thousands only.
                if !groups_of_three(&t, sep) {
                    return None;
                }
                t.chars().filter(char::is_ascii_digit).collect()
            }
        }
    };
    let value: Decimal = normal.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// `EUR1,200.00` / `1.200,00EUR` without the code; anything else unchanged.
fn without_code(t: &str) -> &str {
    let is_code = |c: &str| CODES.iter().any(|k| k.eq_ignore_ascii_case(c));
    if let Some((_, rest)) = t.split_at_checked(3).filter(|(c, _)| is_code(c)) {
        return rest.trim();
    }
    if t.len() > 3 {
        if let Some((rest, _)) = t.split_at_checked(t.len() - 3).filter(|(_, c)| is_code(c)) {
            return rest.trim();
        }
    }
    t
}

/// `1,234,567`: every group after the first has exactly three digits.
fn groups_of_three(t: &str, sep: char) -> bool {
    let mut parts = t.split(sep);
    let first_ok = parts.next().is_some_and(|p| (1..=3).contains(&p.len()));
    first_ok && parts.all(|p| p.len() == 3)
}

/// Whether a token is written like money (has decimals, or a currency beside it), as opposed to
/// a bare integer that may be a quantity or an id.
pub(crate) fn looks_like_money(token: &str) -> bool {
    let t = token.trim();
    let has_decimals = t
        .rfind(['.', ','])
        .is_some_and(|at| t.len() - at - 1 == 2 || t.len() - at - 1 == 1);
    has_decimals || t.contains(['€', '£', '$', '¥'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        s.parse().ok()
    }

    #[test]
    fn parses_common_formats() {
        assert_eq!(parse("1,234.56"), d("1234.56"));
        assert_eq!(parse("1.234,56"), d("1234.56"));
        assert_eq!(parse("1 234,56"), d("1234.56"));
        assert_eq!(parse("€1,234.56"), d("1234.56"));
        assert_eq!(parse("1234.5"), d("1234.5"));
        assert_eq!(parse("1,234"), d("1234"));
        assert_eq!(parse("-200.00"), d("-200.00"));
        assert_eq!(parse("(200.00)"), d("-200.00"));
        assert_eq!(parse("12,5"), d("12.5"));
        assert_eq!(parse("INV-1001"), None);
        assert_eq!(parse("2026-11-30"), None);
        assert_eq!(parse("1,23,4"), None);
    }

    #[test]
    fn finds_currency() {
        assert_eq!(currency_in("EUR 1.234,56").as_deref(), Some("EUR"));
        assert_eq!(currency_in("€ 12.00").as_deref(), Some("EUR"));
        assert_eq!(currency_in("Amount (USD)").as_deref(), Some("USD"));
        assert_eq!(currency_in("EUR and USD"), None);
        assert_eq!(currency_in("Europe"), None);
    }
}
