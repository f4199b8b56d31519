//! The date-phrase table `tests/dates.tsv` (header `text<TAB>reference<TAB>locale<TAB>expected`;
//! `reference` is an RFC 3339 receipt time whose own offset gives the local day; `expected` is
//! `YYYY-MM-DD` or `-` for "no promised date"). Every phrase goes through
//! [`nudge_inbound::dates::find_promise`], the finder the classifier uses.

use std::path::Path;

use chrono::{DateTime, NaiveDate};
use nudge_inbound::dates::find_promise;

/// Measured 177/177 on the table; the floor leaves room for new hard rows.
const FLOOR: f64 = 0.95;

#[test]
fn date_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dates.tsv");
    let Ok(table) = std::fs::read_to_string(&path) else {
        eprintln!("note: {} is absent; skipped", path.display());
        return;
    };
    let mut lines = table.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("text\treference\tlocale\texpected"),
        "unexpected header {header:?}"
    );
    let (mut right, mut total) = (0usize, 0usize);
    let (mut none_right, mut none_total) = (0usize, 0usize);
    let mut misses = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 4, "line {}: {line:?}", n + 2);
        let reference = DateTime::parse_from_rfc3339(cols[1])
            .unwrap_or_else(|e| panic!("line {}: reference {}: {e}", n + 2, cols[1]));
        let today = reference.date_naive();
        let expected = match cols[3].trim() {
            "-" => None,
            d => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
        };
        let got = find_promise(cols[0], today, cols[2]);
        total += 1;
        if expected.is_none() {
            none_total += 1;
        }
        if got == expected {
            right += 1;
            if expected.is_none() {
                none_right += 1;
            }
        } else {
            misses.push(format!(
                "  {:?} ({} {}, {}): expected {} got {}",
                cols[0],
                today,
                today.format("%a"),
                cols[2],
                cols[3],
                got.map_or("-".to_string(), |d| d.to_string())
            ));
        }
    }
    let rate = right as f64 / total.max(1) as f64;
    println!(
        "\ndates.tsv: {right}/{total} right ({:.1}%); of the {none_total} rows that must give no date, {none_right} give none",
        100.0 * rate
    );
    for m in &misses {
        println!("{m}");
    }
    assert!(total >= 1, "empty table");
    assert!(rate >= FLOOR, "date accuracy {rate:.3} below floor {FLOOR}");
}
