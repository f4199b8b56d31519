//! The hand-written corpus: `tests/corpus/<folder>/NNN.eml` with the expected classification in
//! `NNN.json` (see `tests/corpus/README.md`: absent keys are not asserted). Prints per-field
//! accuracy, a per-intent precision/recall table and date accuracy, and asserts floors.
//!
//! `BLESS=1 cargo test -p nudge-inbound --test corpus -- --nocapture` prints, for every message
//! that disagrees, the expected and the produced values side by side, for a person to review.
//! It never rewrites an expectation: the corpus is the reference, written by someone else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Utc;
use nudge_core::zone::Zone;
use nudge_inbound::{classify, Classification, Context, Intent};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

struct Case {
    name: String,
    raw: Vec<u8>,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let Ok(folders) = std::fs::read_dir(corpus_dir()) else {
        return out;
    };
    let mut folders: Vec<PathBuf> = folders
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        for eml in files {
            let json = eml.with_extension("json");
            let Ok(text) = std::fs::read_to_string(&json) else {
                continue;
            };
            let expected: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", json.display()));
            let name = format!(
                "{}/{}",
                folder.file_name().unwrap().to_string_lossy(),
                eml.file_stem().unwrap().to_string_lossy()
            );
            out.push(Case {
                name,
                raw: std::fs::read(&eml).unwrap(),
                expected,
            });
        }
    }
    out
}

fn context(case: &Case) -> Context {
    let ctx = case.expected.get("context");
    let timezone: Zone = ctx
        .and_then(|c| c.get("timezone"))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or(Zone::UTC);
    let locale = ctx
        .and_then(|c| c.get("locale"))
        .and_then(Value::as_str)
        .unwrap_or("en-US")
        .to_string();
    // Relative dates resolve against the Date header (corpus README).
    let now = nudge_mail::parse(&case.raw, &nudge_mail::Limits::default())
        .ok()
        .and_then(|e| e.date)
        .unwrap_or_else(Utc::now);
    Context {
        now,
        timezone,
        locale,
    }
}

/// Normalises an invoice reference for comparison (`#10234` and `10234` are the same).
fn norm_ref(s: &str) -> String {
    s.trim().trim_start_matches('#').to_ascii_uppercase()
}

fn str_set(v: Option<&Value>, key: Option<&str>, f: fn(&str) -> String) -> Vec<String> {
    let mut out: Vec<String> = v
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| match key {
            Some(k) => x.get(k).and_then(Value::as_str).or(x.as_str()),
            None => x.as_str(),
        })
        .map(f)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn decimal_eq(a: &Value, b: &Value) -> bool {
    let num = |v: &Value| {
        v.as_str()
            .and_then(|s| s.parse::<rust_decimal::Decimal>().ok())
            .map(|d| d.normalize())
    };
    match (a.is_null(), b.is_null()) {
        (true, true) => true,
        (false, false) => num(a).is_some() && num(a) == num(b),
        _ => false,
    }
}

#[derive(Default)]
struct Tally {
    right: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        if ok {
            self.right += 1;
        }
    }
    fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// Compares the fields the expectation states; returns the names of the fields that differ.
fn compare(
    expected: &Value,
    got: &Classification,
    fields: &mut BTreeMap<&'static str, Tally>,
    dates: &mut Tally,
) -> Vec<String> {
    let got_json = serde_json::to_value(got).unwrap();
    let mut diffs = Vec::new();
    let mut check = |field: &'static str, ok: bool, diffs: &mut Vec<String>| {
        fields.entry(field).or_default().add(ok);
        if !ok {
            diffs.push(field.to_string());
        }
    };
    if let Some(e) = expected.get("kind") {
        check("kind", *e == got_json["kind"], &mut diffs);
    }
    if let Some(e) = expected.get("primary_intent") {
        check(
            "primary_intent",
            *e == got_json["primary_intent"],
            &mut diffs,
        );
    }
    if let Some(e) = expected.get("promise") {
        let g = &got_json["promise"];
        let ok = match (e.is_null(), g.is_null()) {
            (true, true) => true,
            (false, false) => {
                let date_ok = e.get("date").is_none_or(|d| *d == g["date"]);
                if let Some(d) = e.get("date").filter(|d| !d.is_null()) {
                    dates.add(*d == g["date"]);
                }
                let amount_ok = e.get("amount").is_none_or(|a| decimal_eq(a, &g["amount"]));
                let cur_ok = e.get("currency").is_none_or(|c| *c == g["currency"]);
                date_ok && amount_ok && cur_ok
            }
            (false, true) => {
                if e.get("date").is_some_and(|d| !d.is_null()) {
                    dates.add(false);
                }
                false
            }
            (true, false) => false,
        };
        check("promise", ok, &mut diffs);
    }
    if let Some(e) = expected.get("dispute") {
        let ok = match (e.is_null(), got_json["dispute"].is_null()) {
            (true, true) => true,
            (false, false) => e.get("category") == got_json["dispute"].get("category"),
            _ => false,
        };
        check("dispute", ok, &mut diffs);
    }
    if let Some(e) = expected.get("invoice_refs") {
        let ok = str_set(Some(e), None, norm_ref)
            == str_set(got_json.get("invoice_refs"), None, norm_ref);
        check("invoice_refs", ok, &mut diffs);
    }
    if let Some(e) = expected.get("po_number") {
        let g = &got_json["po_number"];
        let ok = match (e.as_str(), g.as_str()) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        };
        check("po_number", ok, &mut diffs);
    }
    if let Some(e) = expected.get("new_contacts") {
        let lower = |s: &str| s.to_lowercase();
        let ok = str_set(Some(e), Some("email"), lower)
            == str_set(got_json.get("new_contacts"), Some("email"), lower);
        check("new_contacts", ok, &mut diffs);
    }
    if let Some(e) = expected.get("out_of_office_until") {
        check(
            "out_of_office_until",
            *e == got_json["out_of_office_until"],
            &mut diffs,
        );
    }
    if let Some(e) = expected.get("bounce") {
        let g = &got_json["bounce"];
        let ok = match (e.is_null(), g.is_null()) {
            (true, true) => true,
            (false, false) => {
                ["status", "permanent", "address_dead"]
                    .iter()
                    .all(|k| e.get(*k).is_none_or(|v| *v == g[*k]))
                    && e.get("recipient").is_none_or(|r| {
                        r.as_str().map(str::to_lowercase)
                            == g["recipient"].as_str().map(str::to_lowercase)
                    })
            }
            _ => false,
        };
        check("bounce", ok, &mut diffs);
    }
    diffs
}

fn expected_intents(expected: &Value) -> Option<Vec<Intent>> {
    let list = expected.get("intents")?.as_array()?;
    Some(
        list.iter()
            .filter_map(|v| {
                v.as_str()
                    .or_else(|| v.get("intent").and_then(Value::as_str))
            })
            .filter_map(Intent::parse)
            .collect(),
    )
}

#[test]
fn corpus() {
    let cases = cases();
    if cases.is_empty() {
        eprintln!("note: no corpus under {}; skipped", corpus_dir().display());
        return;
    }
    let bless = std::env::var_os("BLESS").is_some();
    let mut fields: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut dates = Tally::default();
    let mut per_intent: BTreeMap<Intent, Counts> = BTreeMap::new();
    let mut folder_primary: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut extra_intents: Vec<String> = Vec::new();
    for case in &cases {
        let ctx = context(case);
        let got = match classify(&case.raw, &ctx) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{}: classify failed: {e}", case.name));
                continue;
            }
        };
        let diffs = compare(&case.expected, &got, &mut fields, &mut dates);
        if let Some(expected) = expected_intents(&case.expected) {
            let predicted: Vec<Intent> = got.intents.iter().map(|s| s.intent).collect();
            for i in Intent::ALL {
                let c = per_intent.entry(i).or_default();
                match (expected.contains(&i), predicted.contains(&i)) {
                    (true, true) => c.tp += 1,
                    (false, true) => {
                        c.fp += 1;
                        extra_intents.push(format!("{}: {} not expected", case.name, i.as_str()));
                    }
                    (true, false) => c.fn_ += 1,
                    (false, false) => {}
                }
            }
        }
        let folder = case.name.split('/').next().unwrap_or("").to_string();
        folder_primary
            .entry(folder)
            .or_default()
            .add(diffs.is_empty());
        if !diffs.is_empty() {
            let produced = serde_json::to_value(&got).unwrap();
            let mut line = format!("{}: {}", case.name, diffs.join(", "));
            for d in &diffs {
                let key = d.as_str();
                line.push_str(&format!(
                    "\n    {key}: expected {} got {}",
                    case.expected
                        .get(key)
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    produced.get(key).map(|v| v.to_string()).unwrap_or_default()
                ));
            }
            if bless {
                line.push_str(&format!(
                    "\n    intents: expected {} got {}\n    new_text: {:?}",
                    case.expected
                        .get("intents")
                        .map(|v| v.to_string())
                        .unwrap_or_default(),
                    produced["intents"],
                    got.new_text.chars().take(300).collect::<String>()
                ));
            }
            failures.push(line);
        }
    }

    println!("\ncorpus: {} messages", cases.len());
    println!("{:<22} {:>6} {:>6} {:>7}", "field", "right", "total", "acc");
    for (f, t) in &fields {
        println!(
            "{f:<22} {:>6} {:>6} {:>6.1}%",
            t.right,
            t.total,
            100.0 * t.rate()
        );
    }
    println!(
        "{:<22} {:>6} {:>6} {:>6.1}%",
        "promise date",
        dates.right,
        dates.total,
        100.0 * dates.rate()
    );
    println!(
        "\n{:<22} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "intent", "tp", "fp", "fn", "precision", "recall"
    );
    for (i, c) in &per_intent {
        if c.tp + c.fp + c.fn_ == 0 {
            continue;
        }
        let p = if c.tp + c.fp == 0 {
            1.0
        } else {
            c.tp as f64 / (c.tp + c.fp) as f64
        };
        let r = if c.tp + c.fn_ == 0 {
            1.0
        } else {
            c.tp as f64 / (c.tp + c.fn_) as f64
        };
        println!(
            "{:<22} {:>4} {:>4} {:>4} {:>8.1}% {:>6.1}%",
            i.as_str(),
            c.tp,
            c.fp,
            c.fn_,
            100.0 * p,
            100.0 * r
        );
    }
    println!(
        "\n{:<22} {:>6} {:>6} {:>7}",
        "folder (all fields ok)", "right", "total", "acc"
    );
    for (f, t) in &folder_primary {
        println!(
            "{f:<22} {:>6} {:>6} {:>6.1}%",
            t.right,
            t.total,
            100.0 * t.rate()
        );
    }
    println!(
        "\n{} messages differ somewhere{}",
        failures.len(),
        if bless {
            " (BLESS: review below; nothing was rewritten)"
        } else {
            " (BLESS=1 for details)"
        }
    );
    for f in &failures {
        println!("{f}");
    }
    if bless {
        println!("\nintents reported beyond the expected ones:");
        for e in &extra_intents {
            println!("  {e}");
        }
    }

    // Floors measured on this corpus (see BENCHMARKS.md, nudge-inbound); they catch
    // regressions, not perfection.
    let floor = |field: &str, min: f64| {
        if let Some(t) = fields.get(field) {
            assert!(
                t.rate() >= min,
                "{field} accuracy {:.3} below floor {min}",
                t.rate()
            );
        }
    };
    floor("kind", FLOORS.kind);
    floor("primary_intent", FLOORS.primary_intent);
    floor("promise", FLOORS.promise);
    floor("dispute", FLOORS.dispute);
    floor("invoice_refs", FLOORS.invoice_refs);
    floor("bounce", FLOORS.bounce);
    assert!(
        dates.rate() >= FLOORS.promise_date,
        "promise date accuracy {:.3}",
        dates.rate()
    );
}

struct Floors {
    kind: f64,
    primary_intent: f64,
    promise: f64,
    promise_date: f64,
    dispute: f64,
    invoice_refs: f64,
    bounce: f64,
}

/// Measured on 189 messages (kind 100%, primary intent 98.4%, promise 99.5%, promise date
/// 96.8%, dispute 96.8%, invoice refs 98.7%, bounce 100%), set a few points lower so that the
/// corpus can grow without every new hard case failing the build; a real regression still does.
const FLOORS: Floors = Floors {
    kind: 0.97,
    primary_intent: 0.90,
    promise: 0.92,
    promise_date: 0.85,
    dispute: 0.90,
    invoice_refs: 0.90,
    bounce: 0.90,
};
