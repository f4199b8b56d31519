//! Shared pieces of the fuzz targets: structure-aware JSON mutation (so that libFuzzer spends its
//! time in the mappings, not in the JSON parser), and the invariants every account book must keep
//! after the billing intake applied any changes to it.

use std::collections::BTreeMap;

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Utc};
use nudge_billing::apply::{apply, new_book, Applied, Stamps};
use nudge_billing::LedgerChange;
use nudge_core::ledger::{AccountBook, InvoiceStatus};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// The fixed "now" of the targets (2026-11-18): deterministic runs, realistic dates.
pub fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_795_500_000, 0).unwrap_or_default()
}

/// Values that tend to break things: boundaries, wrong types, near-valid strings.
pub fn interesting_value(u: &mut Unstructured<'_>) -> Result<Value> {
    const STRINGS: &[&str] = &[
        "",
        " ",
        "0",
        "-1",
        "-0.01",
        "0.001",
        "1.5",
        "1e3",
        "12.345",
        "4800.00",
        "79228162514264337593543950335",
        "79228162514264337593543950336",
        "0.0000000000000000000000000001",
        "NaN",
        "2026-01-01",
        "2026-02-30",
        "0000-01-01",
        "9999-12-31",
        "+275760-09-13",
        "2026-11-18T10:00:00Z",
        "2026-11-18T10:00:00+14:00",
        "1970-01-01T00:00:00Z",
        "eur",
        "EUR",
        "JPY",
        "KWD",
        "XXX",
        "usd",
        "C-1",
        "C-2",
        "I-1",
        "I-2",
        "P-1",
        "INV-2026-0001",
        "INV-2026-0002",
        "inv 2026 1",
        "cus_A",
        "cus_B",
        "in_1",
        "in_2",
        "ch_1",
        "pi_1",
        "dp_1",
        "cn_1",
        "ap@acme.example",
        "AP@ACME.EXAMPLE",
        "not-an-email",
        "Name\r\nBcc: evil@example.com",
        "<script>alert(1)</script>",
        "Europe/Berlin",
        "Not/AZone",
        "de-DE",
        "paid",
        "open",
        "void",
        "draft",
        "uncollectible",
        "won",
        "lost",
        "fraudulent",
        "product_not_received",
        "send_invoice",
        "charge_automatically",
    ];
    Ok(match u.int_in_range(0..=13)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(u.arbitrary::<i64>()?),
        3 => json!(u.int_in_range(-3i64..=3)?),
        4 => json!(u.int_in_range(0i64..=1_000_000)?),
        5 => json!(
            [
                i64::MAX,
                i64::MIN,
                u64::MAX as i128 as i64,
                1_795_500_000,
                -1
            ][u.choose_index(5)?]
        ),
        6 => json!(u.arbitrary::<f64>()?.clamp(-1e300, 1e300)),
        7 | 8 | 9 => json!(STRINGS[u.choose_index(STRINGS.len())?]),
        10 => json!(u.arbitrary::<String>()?),
        11 => json!([]),
        12 => json!({}),
        _ => {
            json!([{"invoice_id": STRINGS[u.choose_index(STRINGS.len())?], "amount": STRINGS[u.choose_index(STRINGS.len())?]}])
        }
    })
}

/// Every path to a leaf (and to every container) of `v`, as JSON pointer segments.
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                prefix.push(k.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                prefix.push(i.to_string());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Applies up to 8 edits chosen by `u` to `seed`: replace a value, remove a key, add a key
/// (with a name from `keys`), or duplicate an array element.
pub fn mutate_json(seed: &Value, keys: &[&str], u: &mut Unstructured<'_>) -> Result<Value> {
    let mut v = seed.clone();
    let edits = u.int_in_range(0..=8)?;
    for _ in 0..edits {
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let Some(path) = all.get(u.choose_index(all.len())?).cloned() else {
            break;
        };
        let ptr = pointer(&path);
        match u.int_in_range(0..=5)? {
            0..=2 => {
                if let Some(slot) = v.pointer_mut(&ptr) {
                    *slot = interesting_value(u)?;
                }
            }
            3 => {
                if let (Some((last, parent)), true) = (path.split_last(), !path.is_empty()) {
                    if let Some(Value::Object(m)) = v.pointer_mut(&pointer(parent)) {
                        m.remove(last);
                    }
                }
            }
            4 => {
                if let Some(Value::Object(m)) = v.pointer_mut(&ptr) {
                    let key = keys.get(u.choose_index(keys.len().max(1))?).copied();
                    if let Some(key) = key {
                        m.insert(key.to_string(), interesting_value(u)?);
                    }
                }
            }
            _ => {
                if let Some(Value::Array(a)) = v.pointer_mut(&ptr) {
                    if let Some(first) = a.first().cloned() {
                        a.push(first);
                    }
                }
            }
        }
    }
    Ok(v)
}

/// Applies `changes` the way the worker does (one book per account, in order) and returns the
/// books. `cause` names the delivery.
pub fn apply_all(
    changes: &[LedgerChange],
    cause: &str,
) -> BTreeMap<String, (AccountBook, Applied)> {
    let mut books: BTreeMap<String, (AccountBook, Stamps, Applied)> = BTreeMap::new();
    for change in changes {
        let Some(account_ref) = change.account_ref() else {
            continue;
        };
        let entry = books.entry(account_ref.to_string()).or_insert_with(|| {
            (
                new_book(account_ref, changes),
                Stamps::default(),
                Applied::default(),
            )
        });
        let (book, stamps, out) = entry;
        apply(book, stamps, change, cause, now(), out);
    }
    books
        .into_iter()
        .map(|(k, (book, _, out))| (k, (book, out)))
        .collect()
}

/// What must hold for any book the intake produced, whatever the input.
pub fn check_book(book: &AccountBook) {
    for inv in &book.invoices {
        let open = inv.open_amount();
        assert!(open >= Decimal::ZERO, "negative open amount on {}", inv.id);
        if inv.status == InvoiceStatus::Open {
            assert!(
                open <= inv.total.max(Decimal::ZERO),
                "open above total on {}",
                inv.id
            );
        }
    }
    let mut allocated: BTreeMap<&str, Decimal> = BTreeMap::new();
    for p in &book.payments {
        assert!(
            p.amount >= Decimal::ZERO,
            "negative payment {}: {}",
            p.id,
            p.amount
        );
        let mut sum = Decimal::ZERO;
        for a in &p.allocations {
            assert!(
                a.amount > Decimal::ZERO,
                "allocation of {} on payment {}",
                a.amount,
                p.id
            );
            sum = sum.checked_add(a.amount).unwrap_or(Decimal::MAX);
            let slot = allocated.entry(a.invoice_id.as_str()).or_default();
            *slot = slot.checked_add(a.amount).unwrap_or(Decimal::MAX);
        }
        assert!(
            sum <= p.amount,
            "payment {} allocates {sum} of {}",
            p.id,
            p.amount
        );
        assert!(
            p.unapplied() >= Decimal::ZERO,
            "payment {} unapplied < 0",
            p.id
        );
    }
    for cn in &book.credit_notes {
        assert!(
            cn.amount >= Decimal::ZERO,
            "negative credit note {}: {}",
            cn.id,
            cn.amount
        );
    }
    // JSON round trip of the book: what the worker stores must read back the same.
    let text = serde_json::to_string(book).expect("a book serialises");
    let back: AccountBook = serde_json::from_str(&text).expect("a stored book reads back");
    assert_eq!(&back, book, "book changed through JSON");
}

/// An empty JSON object, for targets that need one.
pub fn empty_object() -> Value {
    Value::Object(Map::new())
}

/// Up to `max` bytes of the input as (lossy) text: a made-up header value.
pub fn header_text(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    let n = u.int_in_range(0..=max)?.min(u.len());
    Ok(String::from_utf8_lossy(u.bytes(n)?).into_owned())
}
