//! Amounts and dates written the way the reader's locale writes them.
//!
//! Only the conventions Nudge needs are kept here (digit grouping, decimal mark, where the
//! currency goes, month names for English and German); unknown locales get unambiguous forms
//! (ISO dates, currency codes) rather than a guess.

use chrono::{Datelike, NaiveDate};
use nudge_core::money::Currency;
use rust_decimal::Decimal;

use crate::locale;

/// How one locale writes numbers and money.
struct NumberStyle {
    group: &'static str,
    decimal: char,
    /// Symbol or code before the number (`€4,800.00`) rather than after (`4.800,00 €`).
    prefix: bool,
}

fn number_style(tag: &str) -> NumberStyle {
    let lang = locale::language(tag);
    let region = locale::region(tag);
    match (lang, region) {
        ("de", Some("ch")) | ("it", Some("ch")) => NumberStyle {
            group: "\u{2019}",
            decimal: '.',
            prefix: true,
        },
        ("en", _) | ("ja", _) | ("zh", _) | ("ko", _) | ("he", _) | ("th", _) => NumberStyle {
            group: ",",
            decimal: '.',
            prefix: true,
        },
        ("fr", _) => NumberStyle {
            group: "\u{202F}",
            decimal: ',',
            prefix: false,
        },
        ("sv", _)
        | ("nb", _)
        | ("no", _)
        | ("nn", _)
        | ("fi", _)
        | ("pl", _)
        | ("cs", _)
        | ("sk", _)
        | ("ru", _)
        | ("uk", _)
        | ("hu", _) => NumberStyle {
            group: "\u{00A0}",
            decimal: ',',
            prefix: false,
        },
        // de, es, it, nl, pt, da, tr, id and most of continental Europe.
        _ => NumberStyle {
            group: ".",
            decimal: ',',
            prefix: false,
        },
    }
}

/// A currency symbol when it is unambiguous for the reader, otherwise the ISO code.
fn currency_mark(currency: Currency, tag: &str) -> String {
    match currency.code() {
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        // "$" alone is ambiguous (USD, CAD, AUD, …): only a US reader gets it.
        "USD" if locale::region(tag) == Some("us") => "$".to_string(),
        code => code.to_string(),
    }
}

/// Writes `amount` of `currency` for the reader: `en` → `€4,800.00`, `USD 1,200.50`;
/// `de` → `4.800,00 €`; `ja` → `JPY 1,200` (the currency's own exponent, rounded half away from
/// zero when the amount is finer than the minor unit).
pub fn money(amount: Decimal, currency: Currency, tag: &str) -> String {
    let tag = locale::normalise(tag);
    let style = number_style(&tag);
    let rounded = currency.round(amount);
    let digits = rounded.abs().to_string();
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits.as_str(), None),
    };
    let mut number = group_digits(int_part, style.group);
    if let Some(frac) = frac_part.filter(|f| !f.is_empty()) {
        number.push(style.decimal);
        number.push_str(frac);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    let mark = currency_mark(currency, &tag);
    let symbol_like = mark.chars().count() == 1;
    if style.prefix {
        let gap = if symbol_like { "" } else { " " };
        format!("{sign}{mark}{gap}{number}")
    } else {
        format!("{sign}{number}\u{00A0}{mark}")
    }
}

fn group_digits(int_part: &str, sep: &str) -> String {
    let len = int_part.len();
    let mut out = String::with_capacity(len + len / 3 * sep.len());
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    out
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DE_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const ES_MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const NL_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const SV_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

fn month_name(names: &'static [&'static str; 12], date: NaiveDate) -> &'static str {
    names.get(date.month0() as usize).copied().unwrap_or("")
}

/// A date in running text: en-US `December 3, 2026`, en `3 December 2026`,
/// de `3. Dezember 2026`, fr `3 décembre 2026`, es `3 de diciembre de 2026`, nl/sv
/// `3 december 2026`; other locales their usual numeric form.
pub fn date_long(date: NaiveDate, tag: &str) -> String {
    let tag = locale::normalise(tag);
    match locale::language(&tag) {
        "en" if locale::region(&tag) == Some("us") => format!(
            "{} {}, {}",
            month_name(&EN_MONTHS, date),
            date.day(),
            date.year()
        ),
        "en" => format!(
            "{} {} {}",
            date.day(),
            month_name(&EN_MONTHS, date),
            date.year()
        ),
        "de" => format!(
            "{}. {} {}",
            date.day(),
            month_name(&DE_MONTHS, date),
            date.year()
        ),
        "fr" => format!(
            "{} {} {}",
            date.day(),
            month_name(&FR_MONTHS, date),
            date.year()
        ),
        "es" => format!(
            "{} de {} de {}",
            date.day(),
            month_name(&ES_MONTHS, date),
            date.year()
        ),
        "nl" => format!(
            "{} {} {}",
            date.day(),
            month_name(&NL_MONTHS, date),
            date.year()
        ),
        "sv" => format!(
            "{} {} {}",
            date.day(),
            month_name(&SV_MONTHS, date),
            date.year()
        ),
        _ => date_short(date, &tag),
    }
}

/// A date in a table: en-US `Dec 3, 2026`, en `3 Dec 2026`, de `03.12.2026`, fr/es/it
/// `03/12/2026`, otherwise ISO 8601 (never ambiguous).
pub fn date_short(date: NaiveDate, tag: &str) -> String {
    let tag = locale::normalise(tag);
    let abbrev = |d: NaiveDate| {
        month_name(&EN_MONTHS, d)
            .chars()
            .take(3)
            .collect::<String>()
    };
    match locale::language(&tag) {
        "en" if locale::region(&tag) == Some("us") => {
            format!("{} {}, {}", abbrev(date), date.day(), date.year())
        }
        "en" => format!("{} {} {}", date.day(), abbrev(date), date.year()),
        "de" | "ru" | "pl" | "cs" | "fi" | "nb" | "no" | "da" | "tr" => {
            format!("{:02}.{:02}.{}", date.day(), date.month(), date.year())
        }
        "fr" | "es" | "it" | "pt" => {
            format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
        }
        "nl" => format!("{:02}-{:02}-{}", date.day(), date.month(), date.year()),
        _ => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn money_follows_locale_and_exponent() {
        assert_eq!(money(d("4800"), Currency::EUR, "en"), "€4,800.00");
        assert_eq!(money(d("4800"), Currency::EUR, "de-DE"), "4.800,00\u{a0}€");
        assert_eq!(
            money(d("1234567.5"), Currency::USD, "en-GB"),
            "USD 1,234,567.50"
        );
        assert_eq!(
            money(d("1234567.5"), Currency::USD, "en-US"),
            "$1,234,567.50"
        );
        assert_eq!(money(d("1200"), Currency::JPY, "en"), "JPY 1,200");
        assert_eq!(money(d("1.5"), Currency::KWD, "de"), "1,500\u{a0}KWD");
        assert_eq!(money(d("-12.345"), Currency::EUR, "en"), "-€12.35");
        assert_eq!(money(d("999"), Currency::GBP, "en"), "£999.00");
        assert_eq!(
            money(d("1000"), Currency::parse("CHF").unwrap(), "de-CH"),
            "CHF 1\u{2019}000.00"
        );
    }

    #[test]
    fn dates_follow_locale() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(date_long(day, "en"), "3 December 2026");
        assert_eq!(date_long(day, "en-US"), "December 3, 2026");
        assert_eq!(date_long(day, "de-DE"), "3. Dezember 2026");
        assert_eq!(date_short(day, "de"), "03.12.2026");
        assert_eq!(date_short(day, "en"), "3 Dec 2026");
        assert_eq!(date_short(day, "sv"), "2026-12-03");
        assert_eq!(date_short(day, "fr-FR"), "03/12/2026");
        assert_eq!(date_long(day, "fr-FR"), "3 décembre 2026");
        assert_eq!(date_long(day, "es"), "3 de diciembre de 2026");
        assert_eq!(date_long(day, "nl-NL"), "3 december 2026");
        assert_eq!(date_long(day, "sv-SE"), "3 december 2026");
    }
}
