//! Reading invoice numbers out of remittance text.
//!
//! Banks and customers mangle invoice numbers: `INV-2024-01234` arrives as "Invoice 2024-1234",
//! "inv 2024 1234", "INV2024/01234" or "RE: 2024001234". What survives is the sequence of digit
//! groups, so numbers are compared on their digit groups with leading zeros dropped and letter
//! prefixes ignored. Amounts ("4.800,00") and dates ("2024-11-20") in the text are removed first
//! because their digit groups would otherwise look like invoice numbers.

/// The digit groups of an invoice number, normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberKey {
    /// Digit groups with leading zeros dropped (`["2024", "1234"]`).
    groups: Vec<String>,
    /// The digit groups as written, concatenated (`"202401234"`), for references that drop the
    /// separators.
    joined: String,
    /// Upper-case letters and digits only (`"INV202401234"`).
    alnum: String,
}

/// How strongly a remittance text points at an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefStrength {
    None,
    /// Only the invoice's last digit group (its serial) appears; other years or series could
    /// share it.
    Tail,
    /// The whole number appears (all digit groups in order, or the number verbatim).
    Full,
}

fn strip_zeros(group: &str) -> String {
    let trimmed = group.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

fn digit_groups(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect()
}

impl NumberKey {
    /// The key of an invoice number (`INV-2024-01234`).
    pub fn of(number: &str) -> Self {
        let raw = digit_groups(number);
        NumberKey {
            groups: raw.iter().map(|g| strip_zeros(g)).collect(),
            joined: strip_zeros(&raw.concat()),
            alnum: number
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        }
    }

    /// True when the number has enough digits to be recognised in free text at all.
    fn significant(group: &str) -> bool {
        group.len() >= 3
    }
}

/// A remittance text prepared for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remittance {
    groups: Vec<String>,
    alnum: String,
}

impl Remittance {
    /// Prepares `text`: drops amount and date tokens, then keeps digit groups and an alphanumeric
    /// copy.
    pub fn of(text: &str) -> Self {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let kept: Vec<&str> = tokens
            .iter()
            .enumerate()
            .filter(|(i, token)| {
                // A bare number next to a currency ("EUR 1500", "1500 €") is an amount.
                let near_currency = is_plain_number(token)
                    && (i
                        .checked_sub(1)
                        .and_then(|p| tokens.get(p))
                        .is_some_and(|t| is_currency(t))
                        || tokens.get(i + 1).is_some_and(|t| is_currency(t)));
                !is_amount(token) && !is_date(token) && !near_currency
            })
            .map(|(_, token)| *token)
            .collect();
        let mut groups = Vec::new();
        for token in &kept {
            groups.extend(digit_groups(token).into_iter().map(strip_zeros));
        }
        // Tokens stay apart (one space) so a number is only found whole, never as part of a
        // longer one.
        let alnum = kept
            .iter()
            .map(|t| {
                t.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_uppercase())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ");
        Remittance { groups, alnum }
    }

    /// True when the text has nothing that could name an invoice.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.alnum.is_empty()
    }

    /// True when `needle` occurs in the text as a whole token or at a token's start or end
    /// (`"INV007"` is in `"INV007"` and `"REINV007"`, but not in `"INV0071"`).
    fn contains_whole(&self, needle: &str) -> bool {
        self.alnum.match_indices(needle).any(|(at, _)| {
            let before = self.alnum[..at].chars().next_back();
            let after = self.alnum[at + needle.len()..].chars().next();
            let first_is_digit = needle.starts_with(|c: char| c.is_ascii_digit());
            let last_is_digit = needle.ends_with(|c: char| c.is_ascii_digit());
            // A digit may not continue a number; a letter may not continue a word.
            let continues = |c: Option<char>, edge_is_digit: bool| match c {
                None | Some(' ') => false,
                Some(c) if edge_is_digit => c.is_ascii_digit(),
                Some(c) => c.is_ascii_alphabetic(),
            };
            let ok_before = !continues(before, first_is_digit);
            let ok_after = !continues(after, last_is_digit);
            ok_before && ok_after
        })
    }

    /// How strongly this text points at the invoice numbered `key`.
    pub fn strength(&self, key: &NumberKey) -> RefStrength {
        if key.groups.is_empty() {
            // A number without digits can only be found verbatim.
            return if key.alnum.len() >= 4 && self.contains_whole(&key.alnum) {
                RefStrength::Full
            } else {
                RefStrength::None
            };
        }
        let n = key.groups.len();
        let total_digits: usize = key.groups.iter().map(String::len).sum();
        // All groups, in order, adjacent. A one-group number must be long enough not to be noise.
        let contiguous = self.groups.windows(n).any(|w| w == key.groups.as_slice());
        // A number that is one short digit group ("INV-100") is too easily an amount or a count
        // in free text: it needs four digits, or to appear verbatim with its prefix.
        let first_significant = key.groups.first().is_some_and(|g| g.len() >= 4);
        if contiguous && (n > 1 || first_significant) && total_digits >= 3 {
            return RefStrength::Full;
        }
        if key.joined.len() >= 5 && self.groups.contains(&key.joined) {
            return RefStrength::Full;
        }
        if key.alnum.len() >= 5 && self.contains_whole(&key.alnum) {
            return RefStrength::Full;
        }
        if n > 1 {
            if let Some(last) = key.groups.last() {
                if NumberKey::significant(last) && self.groups.iter().any(|g| g == last) {
                    return RefStrength::Tail;
                }
            }
        }
        RefStrength::None
    }
}

/// Currency codes and symbols that mark a neighbouring number as an amount.
fn is_currency(token: &str) -> bool {
    let t = token.trim_matches(|c: char| c.is_ascii_punctuation());
    matches!(t, "€" | "$" | "£" | "¥" | "₹" | "CHF" | "Fr" | "kr")
        || (t.len() == 3
            && t.chars().all(|c| c.is_ascii_uppercase())
            && nudge_core::money::Currency::parse(t).is_ok_and(|c| KNOWN_CODES.contains(&c.code())))
}

/// Common ISO 4217 codes (enough to recognise "EUR 1500"; an unknown code just stays text).
const KNOWN_CODES: &[&str] = &[
    "EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "AUD", "CAD",
    "NZD", "SGD", "HKD", "CNY", "INR", "BRL", "MXN", "ZAR", "KWD", "BHD", "AED", "SAR", "TRY",
];

/// Digits only, possibly with a leading currency symbol (`1500`, `€1500`, `$1,200`).
fn is_plain_number(token: &str) -> bool {
    let t = trim_token(token);
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '\'')
}

fn trim_token(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_ascii_alphanumeric())
}

/// `4,800.00`, `4.800,00`, `1'234.50`, `€120.00`, `120,00`: digits with thousands separators
/// ending in a decimal separator and exactly two (or three) digits.
fn is_amount(token: &str) -> bool {
    if token.starts_with(['€', '$', '£', '¥', '₹']) && token.chars().any(|c| c.is_ascii_digit())
    {
        return true;
    }
    let t = trim_token(token);
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '\''))
    {
        return false;
    }
    let Some(pos) = t.rfind(['.', ',']) else {
        return false;
    };
    let (head, tail) = t.split_at(pos);
    let decimals = tail.len().saturating_sub(1);
    !head.is_empty() && decimals == 2 && head.chars().any(|c| c.is_ascii_digit())
}

/// `2024-11-20`, `20.11.2024`, `11/20/24`: three digit groups with one separator kind and
/// plausible day/month values.
fn is_date(token: &str) -> bool {
    let t = trim_token(token);
    let Some(sep) = t.chars().find(|c| matches!(c, '-' | '.' | '/')) else {
        return false;
    };
    let parts: Vec<&str> = t.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let day_month = |d: u32, m: u32| (1..=31).contains(&d) && (1..=12).contains(&m);
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        return (1..=12).contains(&num(b)) && (1..=31).contains(&num(c));
    }
    if a.len() <= 2 && b.len() <= 2 && (c.len() == 4 || c.len() == 2) {
        return day_month(num(a), num(b)) || day_month(num(b), num(a));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strength(text: &str, number: &str) -> RefStrength {
        Remittance::of(text).strength(&NumberKey::of(number))
    }

    #[test]
    fn variants_of_one_number_all_match_fully() {
        for text in [
            "INV-2024-01234",
            "Invoice 2024-1234",
            "inv 2024 1234",
            "INV2024/01234",
            "payment for inv. 2024-01234 thanks",
            "RE 202401234",
        ] {
            assert_eq!(
                strength(text, "INV-2024-01234"),
                RefStrength::Full,
                "{text}"
            );
        }
    }

    #[test]
    fn serial_alone_is_a_tail_match_and_other_numbers_do_not_match() {
        assert_eq!(
            strength("Invoice 1234", "INV-2024-01234"),
            RefStrength::Tail
        );
        assert_eq!(
            strength("INV-2024-01235", "INV-2024-01234"),
            RefStrength::None
        );
        assert_eq!(strength("2023-1234", "INV-2024-01234"), RefStrength::Tail);
    }

    #[test]
    fn amounts_and_dates_are_not_invoice_numbers() {
        assert_eq!(strength("EUR 1.234,00", "INV-1234"), RefStrength::None);
        assert_eq!(
            strength("paid 2024-11-20", "INV-2024-11"),
            RefStrength::None
        );
        assert_eq!(
            strength("20.11.2024 payment", "R-2024-11"),
            RefStrength::None
        );
        assert_eq!(strength("4,800.00 for 5521", "INV-5521"), RefStrength::Full);
        assert_eq!(strength("EUR 1500 transfer", "INV-1500"), RefStrength::None);
        assert_eq!(strength("paid 1500 EUR", "INV-1500"), RefStrength::None);
        assert_eq!(strength("€1500", "INV-1500"), RefStrength::None);
        assert_eq!(strength("payment 100", "INV-100"), RefStrength::None);
        assert_eq!(strength("INV-100", "INV-100"), RefStrength::Full);
        assert_eq!(strength("ref INV100", "INV-100"), RefStrength::Full);
        assert_eq!(strength("Invoice 1500", "INV-1500"), RefStrength::Full);
    }

    #[test]
    fn short_numbers_need_the_whole_number() {
        assert_eq!(strength("item 7", "INV-7"), RefStrength::None);
        assert_eq!(strength("INV-7", "INV-7"), RefStrength::None);
        assert_eq!(strength("ref INV-007", "INV-007"), RefStrength::Full);
        assert_eq!(strength("ref INV-0071", "INV-007"), RefStrength::None);
        assert_eq!(
            strength("ABCD-1234-CN-01", "ABCD-1234-CN-01"),
            RefStrength::Full
        );
        assert_eq!(strength("ACME-ALPHA", "ACME-ALPHA"), RefStrength::Full);
    }
}
