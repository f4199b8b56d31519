use super::local::offsets_of_local;
use super::*;
use chrono::{DateTime, Duration, LocalResult, Utc};

const H: i64 = 3600;

fn at(s: &str) -> i64 {
    s.parse::<DateTime<Utc>>().unwrap().timestamp()
}

fn local(s: &str) -> i64 {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
        .timestamp()
}

/// A fake zone: `before` seconds east until the UTC instant `change`, `after` from then on.
fn one_change(change: i64, before: i32, after: i32) -> impl Fn(i64) -> i32 {
    move |utc| if utc < change { before } else { after }
}

#[test]
fn fixed_offsets_including_odd_ones_are_single() {
    for offset in [
        0,
        5 * 3600 + 1800,
        13 * 3600 + 45 * 60,
        -(9 * 3600 + 30 * 60),
    ] {
        let l = local("2026-06-01 00:10");
        assert_eq!(offsets_of_local(l, |_| offset), LocalResult::Single(offset));
    }
}

#[test]
fn a_spring_forward_gap_has_no_offset() {
    // Berlin-like: 02:00 local (01:00 UTC) jumps to 03:00.
    let rules = one_change(at("2026-03-29T01:00:00Z"), 3600, 7200);
    assert_eq!(
        offsets_of_local(local("2026-03-29 02:30"), &rules),
        LocalResult::None
    );
    assert_eq!(
        offsets_of_local(local("2026-03-29 01:59"), &rules),
        LocalResult::Single(3600)
    );
    assert_eq!(
        offsets_of_local(local("2026-03-29 03:00"), &rules),
        LocalResult::Single(7200)
    );
}

#[test]
fn a_fall_back_fold_has_both_offsets_earliest_first() {
    // 03:00 local summer time (01:00 UTC) falls back to 02:00.
    let rules = one_change(at("2026-10-25T01:00:00Z"), 7200, 3600);
    assert_eq!(
        offsets_of_local(local("2026-10-25 02:30"), &rules),
        LocalResult::Ambiguous(7200, 3600)
    );
    assert_eq!(
        offsets_of_local(local("2026-10-25 03:00"), &rules),
        LocalResult::Single(3600)
    );
}

#[test]
fn a_skipped_day_is_a_gap_all_day() {
    // Samoa 2011: -10:00 until 2011-12-30 00:00 local, then +14:00 (the 30th never happened).
    let rules = one_change(at("2011-12-30T10:00:00Z"), -10 * 3600, 14 * 3600);
    for t in ["2011-12-30 00:00", "2011-12-30 12:00", "2011-12-30 23:59"] {
        assert_eq!(offsets_of_local(local(t), &rules), LocalResult::None, "{t}");
    }
    assert_eq!(
        offsets_of_local(local("2011-12-29 23:59"), &rules),
        LocalResult::Single(-10 * 3600)
    );
    assert_eq!(
        offsets_of_local(local("2011-12-31 00:00"), &rules),
        LocalResult::Single(14 * 3600)
    );
}

#[test]
fn names_are_checked_exactly() {
    let berlin: Zone = "Europe/Berlin".parse().unwrap();
    assert_eq!(berlin.name(), "Europe/Berlin");
    assert_eq!(berlin.to_string(), "Europe/Berlin");
    assert_eq!("UTC".parse::<Zone>(), Ok(Zone::UTC));
    for bad in [
        "",
        "europe/berlin",
        "Mars/Olympus",
        "+05:30",
        "Europe/Berlin ",
    ] {
        assert_eq!(
            bad.parse::<Zone>().unwrap_err().to_string(),
            format!("`{bad}` is not an IANA timezone")
        );
    }
    assert!(Zone::from_str(&"A".repeat(65)).is_err());
}

#[test]
fn serde_is_the_name() {
    let zone: Zone = serde_json::from_str("\"Asia/Kolkata\"").unwrap();
    assert_eq!(zone, Zone::from(chrono_tz::Asia::Kolkata));
    assert_eq!(serde_json::to_string(&zone).unwrap(), "\"Asia/Kolkata\"");
    let err = serde_json::from_str::<Zone>("\"Asia/Nowhere\"").unwrap_err();
    assert!(err
        .to_string()
        .contains("`Asia/Nowhere` is not an IANA timezone"));
}

#[test]
fn parsing_the_same_name_twice_interns_it_once() {
    let a: Zone = "America/St_Johns".parse().unwrap();
    let b: Zone = "America/St_Johns".parse().unwrap();
    assert!(std::ptr::eq(a.name(), b.name()));
}

/// Zones with DST in either hemisphere, half- and quarter-hour offsets, a 30-minute DST shift
/// and a skipped day.
const ZONES: [chrono_tz::Tz; 10] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::America::St_Johns,
    chrono_tz::Pacific::Auckland,
    chrono_tz::Pacific::Chatham,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Pacific::Apia,
    chrono_tz::UTC,
];

/// Every 15 minutes of a year, both directions, against chrono-tz's own conversion: the
/// round-trip algorithm must give the same instants for gaps, folds and plain times.
#[test]
fn agrees_with_chrono_tz_through_the_year() {
    for (year, tzs) in [(2026, &ZONES[..]), (2011, &[chrono_tz::Pacific::Apia][..])] {
        for tz in tzs {
            let zone = Zone::from(*tz);
            let start = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .and_time(NaiveTime::MIN);
            let mut t = start;
            while t < start + Duration::days(366) {
                let ours = zone.from_local_datetime(&t).map(|d| d.with_timezone(&Utc));
                let theirs = tz.from_local_datetime(&t).map(|d| d.with_timezone(&Utc));
                assert_eq!(ours, theirs, "{tz} local {t}");
                let utc = t.and_utc();
                assert_eq!(
                    utc.with_timezone(&zone).naive_local(),
                    utc.with_timezone(tz).naive_local(),
                    "{tz} utc {t}"
                );
                t += Duration::minutes(15);
            }
        }
    }
}

#[test]
fn a_zoned_datetime_shows_the_numeric_offset() {
    let zone = Zone::from(chrono_tz::Asia::Kathmandu);
    let t = at("2026-06-01T00:00:00Z");
    let d = DateTime::from_timestamp(t, 0).unwrap().with_timezone(&zone);
    assert_eq!(d.to_rfc3339(), "2026-06-01T05:45:00+05:45");
    assert_eq!(d.offset().to_string(), "+05:45");
    assert_eq!(zone.offset_at(t + H).local_minus_utc(), 5 * 3600 + 45 * 60);
}
