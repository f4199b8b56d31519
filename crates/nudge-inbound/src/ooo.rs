//! The return date stated in an out-of-office reply.

use chrono::NaiveDate;

use crate::dates::{scan_tokens, DayOrder};
use crate::lang::ALL;
use crate::text::{Kind, Token};
use crate::understand::with_sentences;

/// The day the absent person says they are back, from the text of an automatic reply: the
/// first date (today or later) after a return word ("back on", "returning", "zurück am",
/// "de retour le"); failing that, after an "until" word ("bis", "until"). `None` when the text
/// names no day (a month alone, "until the new year", is not a day).
pub fn return_date(text: &str, today: NaiveDate, locale: &str) -> Option<NaiveDate> {
    let order = DayOrder::from_locale(locale);
    with_sentences(text, |_, sentences| {
        let pick = |words: fn(&crate::lang::Lang) -> crate::lang::Words| {
            sentences
                .iter()
                .find_map(|s| first_date_after(s, words, today, order))
        };
        let back = pick(|l| l.return_words);
        let last_away = sentences
            .iter()
            .find_map(|s| last_day_away(s, today, order));
        match (last_away, back) {
            // "… through the 8th, back on the 10th": the stated return day.
            (Some(last), Some(b)) if b > last => Some(b),
            (Some(last), _) => crate::dates::terms::next_working_day(last),
            (None, Some(b)) => Some(b),
            (None, None) => pick(|l| l.until_words),
        }
    })
}

/// The last day away of an inclusive period ("bis einschließlich 8. Dezember", "t/m vrijdag
/// 27 november", "through Friday 27 November", "till och med 4 december"): the first date
/// after the inclusive phrase. The person is back on the next working day after it.
fn last_day_away(sentence: &[Token<'_>], today: NaiveDate, order: DayOrder) -> Option<NaiveDate> {
    let words: Vec<(usize, &str)> = sentence
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind != Kind::Symbol)
        .map(|(i, t)| (i, t.text))
        .collect();
    let texts: Vec<&str> = words.iter().map(|(_, w)| *w).collect();
    let at = (0..texts.len()).find_map(|k| {
        crate::lang::index::index()
            .phrases
            .inclusive
            .iter()
            .find_map(|p| crate::lang::match_at(p, texts.get(k..).unwrap_or(&[])).map(|n| k + n))
    })?;
    let from = words.get(at.saturating_sub(1)).map_or(0, |(i, _)| *i + 1);
    // "until 8 December inclusive": the phrase may follow the date, so look back a little too.
    let after = sentence.get(from..).unwrap_or(&[]);
    let first_future = |tokens: &[Token<'_>]| {
        scan_tokens(tokens, today, order)
            .into_iter()
            .find(|f| f.date >= today)
            .map(|f| f.date)
    };
    first_future(after).or_else(|| first_future(sentence))
}

fn first_date_after(
    sentence: &[Token<'_>],
    words: fn(&crate::lang::Lang) -> crate::lang::Words,
    today: NaiveDate,
    order: DayOrder,
) -> Option<NaiveDate> {
    let cue = sentence
        .iter()
        .position(|t| t.kind == Kind::Word && ALL.iter().any(|l| words(l).contains(t.text)))?;
    // Prefer a date after the cue ("out until 27th, back on 30th"); German puts it before
    // ("Ab Montag, dem 7.12., bin ich wieder erreichbar").
    let after = sentence.get(cue + 1..).unwrap_or(&[]);
    let first_future = |tokens: &[Token<'_>]| {
        scan_tokens(tokens, today, order)
            .into_iter()
            .find(|f| f.date >= today)
            .map(|f| f.date)
    };
    first_future(after).or_else(|| first_future(sentence))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn return_dates() {
        let today = d(2026, 11, 30);
        assert_eq!(
            return_date("I will be back on 8 December.", today, "en-GB"),
            Some(d(2026, 12, 8))
        );
        assert_eq!(
            return_date("Out until Friday, returning Monday.", today, "en-GB"),
            Some(d(2026, 12, 7))
        );
        assert_eq!(
            return_date(
                "Ich bin ab dem 7.12. wieder zurück am 7.12.",
                today,
                "de-DE"
            ),
            Some(d(2026, 12, 7))
        );
        assert_eq!(
            return_date("Ich bin bis 4.12.2026 nicht im Büro. Ab Montag, dem 7.12.2026, bin ich wieder erreichbar.", today, "de-DE"),
            Some(d(2026, 12, 7))
        );
        assert_eq!(
            return_date("On leave until April 2027.", today, "en-GB"),
            None
        );
        let cases = [
            ("I'm on leave until 7 December.", "en-GB"),
            ("Returning Monday 7th December.", "en-GB"),
            ("Ab dem 7.12. bin ich zurück.", "de-DE"),
            ("Je serai de retour le 7 décembre.", "fr-FR"),
            ("Estaré fuera hasta el 7 de diciembre.", "es-ES"),
            ("Jag är tillbaka måndag 7 december.", "sv-SE"),
            ("I'll be back in the office on 12/7.", "en-US"),
        ];
        for (text, locale) in cases {
            assert_eq!(
                return_date(text, today, locale),
                Some(d(2026, 12, 7)),
                "{text}"
            );
        }
        assert_eq!(
            return_date("I'm travelling and will reply soon.", today, "en-GB"),
            None
        );
    }

    #[test]
    fn inclusive_periods_end_the_day_before_the_return() {
        let today = d(2026, 11, 23);
        let cases = [
            (
                "Ich bin bis einschließlich 8. Dezember nicht im Büro.",
                "de-DE",
                d(2026, 12, 9),
            ),
            (
                "Ik ben afwezig t/m vrijdag 27 november.",
                "nl-NL",
                d(2026, 11, 30),
            ),
            (
                "Ik ben tot en met 1 december niet aanwezig.",
                "nl-NL",
                d(2026, 12, 2),
            ),
            (
                "I am out of the office through Friday 27 November.",
                "en-GB",
                d(2026, 11, 30),
            ),
            (
                "Jag är ledig till och med den 4 december.",
                "sv-SE",
                d(2026, 12, 7),
            ),
            (
                "Je suis absent jusqu'au 2 décembre inclus.",
                "fr-FR",
                d(2026, 12, 3),
            ),
            (
                "Estoy fuera de la oficina hasta el 2 de diciembre incluido.",
                "es-ES",
                d(2026, 12, 3),
            ),
        ];
        for (text, locale, want) in cases {
            assert_eq!(return_date(text, today, locale), Some(want), "{text}");
        }
        // A stated return day wins over the inclusive period.
        assert_eq!(
            return_date(
                "Ich bin bis einschließlich 8. Dezember im Urlaub. Ab dem 10. Dezember bin ich wieder zurück.",
                today,
                "de-DE"
            ),
            Some(d(2026, 12, 10))
        );
    }
}
