use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Monday 30 November 2026.
const TODAY: (i32, u32, u32) = (2026, 11, 30);

fn r(text: &str, locale: &str) -> Option<NaiveDate> {
    resolve(text, d(TODAY.0, TODAY.1, TODAY.2), locale)
}

#[test]
fn relative_days_and_weekdays() {
    assert_eq!(r("tomorrow", "en-US"), Some(d(2026, 12, 1)));
    assert_eq!(r("we pay Friday", "en-US"), Some(d(2026, 12, 4)));
    // Strictly after today: "Monday" said on a Monday is next week.
    assert_eq!(r("Monday", "en-US"), Some(d(2026, 12, 7)));
    assert_eq!(r("this Monday", "en-US"), Some(d(2026, 11, 30)));
    assert_eq!(r("next Thursday", "en-US"), Some(d(2026, 12, 10)));
    assert_eq!(r("this Thursday", "en-US"), Some(d(2026, 12, 3)));
    assert_eq!(r("last Friday", "en-US"), Some(d(2026, 11, 27)));
    assert_eq!(
        r("in our next payment run on Thursday", "en-GB"),
        Some(d(2026, 12, 3))
    );
    assert_eq!(r("Tuesday next week", "en-GB"), Some(d(2026, 12, 8)));
    assert_eq!(r("nächsten Freitag", "de-DE"), Some(d(2026, 12, 11)));
    assert_eq!(r("am Freitag", "de-DE"), Some(d(2026, 12, 4)));
}

#[test]
fn periods() {
    assert_eq!(r("by the end of the month", "en-US"), Some(d(2026, 11, 30)));
    assert_eq!(r("EOM", "en-US"), Some(d(2026, 11, 30)));
    assert_eq!(r("end of next month", "en-US"), Some(d(2026, 12, 31)));
    assert_eq!(r("Ende des Monats", "de"), Some(d(2026, 11, 30)));
    assert_eq!(r("Ende nächsten Monats", "de"), Some(d(2026, 12, 31)));
    assert_eq!(r("next week", "en-US"), Some(d(2026, 12, 11)));
    assert_eq!(r("within 2 weeks", "en-US"), Some(d(2026, 12, 14)));
    assert_eq!(r("in 10 days", "en-US"), Some(d(2026, 12, 10)));
    assert_eq!(r("in zwei Wochen", "de"), Some(d(2026, 12, 14)));
    assert_eq!(r("in 3 business days", "en"), Some(d(2026, 12, 3)));
    assert_eq!(r("mid-December", "en"), Some(d(2026, 12, 15)));
    assert_eq!(r("end of January", "en"), Some(d(2027, 1, 31)));
}

#[test]
fn absolute_dates() {
    assert_eq!(r("4 December", "en-GB"), Some(d(2026, 12, 4)));
    assert_eq!(r("Dec 3rd", "en-US"), Some(d(2026, 12, 3)));
    assert_eq!(r("by the 15th", "en-US"), Some(d(2026, 12, 15)));
    assert_eq!(r("12/03", "en-US"), Some(d(2026, 12, 3)));
    assert_eq!(r("12/03", "en-GB"), Some(d(2027, 3, 12)));
    assert_eq!(r("03/12/2026", "de-DE"), Some(d(2026, 12, 3)));
    assert_eq!(r("2026-12-03", "en-US"), Some(d(2026, 12, 3)));
    assert_eq!(r("am 3.12. überweisen", "de-DE"), Some(d(2026, 12, 3)));
    assert_eq!(r("bis zum 15.", "de-DE"), Some(d(2026, 12, 15)));
    assert_eq!(r("4. Dezember", "de-DE"), Some(d(2026, 12, 4)));
    assert_eq!(r("January 5", "en-US"), Some(d(2027, 1, 5)));
}

#[test]
fn non_dates() {
    assert_eq!(r("we owe €12.03 on it", "de-DE"), None);
    assert_eq!(r("EUR 4.800,00", "de-DE"), None);
    assert_eq!(r("call me at 10:30", "en"), None);
    assert_eq!(r("we may pay", "en"), None);
    assert_eq!(r("Guten Morgen Herr Maier", "de"), None);
    assert_eq!(r("our 2nd reminder", "en"), None);
    assert_eq!(r("net 30 days terms", "en"), None);
    assert_eq!(r("invoice 2026-412", "en"), None);
}

#[test]
fn promise_dates_skip_the_past() {
    let today = d(2026, 11, 30);
    assert_eq!(
        find_promise(
            "We paid on 20 November. The rest we will pay on Friday.",
            today,
            "en-GB"
        ),
        Some(d(2026, 12, 4))
    );
    assert_eq!(
        find_promise("We will not pay by Friday.", today, "en"),
        None
    );
    assert_eq!(
        find_promise(
            "We won't pay until the credit note arrives on Friday.",
            today,
            "en"
        ),
        None
    );
    assert_eq!(find_promise("We paid last Friday.", today, "en"), None);
    assert_eq!(
        find_promise("It will be paid Monday.", today, "en"),
        Some(d(2026, 12, 7))
    );
    assert_eq!(
        find_promise("by close of business Friday", today, "en"),
        Some(d(2026, 12, 4))
    );
}
