//! Timezone rules from the runtime: workerd's own tz database (ICU, through
//! `Intl.DateTimeFormat`) answers for `nudge_core::zone`, so the wasm carries no tz tables
//! (issue 12). Every entry point calls [`install`] first.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDate;
use nudge_core::zone::ZoneRules;
use worker::js_sys::{self, Array, Date, Function, Intl::DateTimeFormat, Object, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};

/// The runtime's tz database.
struct RuntimeZones;

static RUNTIME: RuntimeZones = RuntimeZones;

/// Makes the runtime's tz database the domain's zone rules. Idempotent and cheap.
pub fn install() {
    nudge_core::zone::install(&RUNTIME);
}

/// Offsets kept per zone before the cache starts over: a sweep asks the same few instants
/// (its `now`, the window openings of the same dates) for every account of a zone, and one
/// `formatToParts` costs several µs (BENCHMARKS.md, issue 12).
const OFFSETS_PER_ZONE: usize = 1024;

/// A zone's formatter and the offsets it gave.
struct Cached {
    format: DateTimeFormat,
    offsets: HashMap<i64, i32>,
}

thread_local! {
    /// Keyed by interned zone names only (the core asks offsets only for zones it accepted), so
    /// bounded by the tz database. The Worker is single-threaded.
    static ZONES: RefCell<HashMap<&'static str, Cached>> = RefCell::new(HashMap::new());
}

impl ZoneRules for RuntimeZones {
    fn is_zone(&self, name: &str) -> bool {
        // IANA names start every part with a capital (`America/Port-au-Prince`, `Etc/GMT+5`);
        // this also keeps out the offset ids (`+05:30`) that `Intl` accepts and chrono-tz did not.
        if !name
            .split('/')
            .all(|part| part.starts_with(|c: char| c.is_ascii_uppercase()))
        {
            return false;
        }
        let Some(format) = formatter(name) else {
            return false;
        };
        // ICU matches names regardless of case and resolves aliases to its own canonical name
        // (`Asia/Kolkata` → `Asia/Calcutta`): a name that differs from the resolved one only in
        // case is misspelt (chrono-tz refused it); one that differs otherwise is an alias.
        let resolved = Reflect::get(&format.resolved_options(), &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        resolved == name || !resolved.eq_ignore_ascii_case(name)
    }

    fn offset_seconds(&self, name: &'static str, utc: i64) -> Option<i32> {
        ZONES.with(|zones| {
            let mut zones = zones.borrow_mut();
            let cached = match zones.entry(name) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(Cached {
                    format: formatter(name)?,
                    offsets: HashMap::new(),
                }),
            };
            if let Some(offset) = cached.offsets.get(&utc) {
                return Some(*offset);
            }
            let offset = offset_from_parts(&cached.format, utc)?;
            if cached.offsets.len() >= OFFSETS_PER_ZONE {
                cached.offsets.clear();
            }
            cached.offsets.insert(utc, offset);
            Some(offset)
        })
    }
}

/// `new Intl.DateTimeFormat("en-US", {timeZone: name, …numeric parts, hourCycle: "h23"})`, or
/// `None` when the runtime throws (a `RangeError` for a name it does not know).
fn formatter(name: &str) -> Option<DateTimeFormat> {
    let options = Object::new();
    let set = |key: &str, value: &str| Reflect::set(&options, &key.into(), &value.into()).ok();
    set("timeZone", name)?;
    set("hourCycle", "h23")?;
    for part in ["year", "month", "day", "hour", "minute", "second"] {
        set(part, "numeric")?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // `Reflect.construct` rather than js-sys's binding, which does not catch the `RangeError`.
    let args = Array::of2(&JsValue::from_str("en-US"), &options);
    Reflect::construct(&constructor, &args)
        .ok()
        .map(JsCast::unchecked_into)
}

/// The offset at `utc`: the wall time the formatter shows for it, minus `utc`.
fn offset_from_parts(format: &DateTimeFormat, utc: i64) -> Option<i32> {
    let date = Date::new(&JsValue::from_f64(utc as f64 * 1000.0));
    let mut fields = [None::<u32>; 6];
    for part in format.format_to_parts(&date).iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string();
        let slot = match kind.as_deref() {
            Some("year") => 0,
            Some("month") => 1,
            Some("day") => 2,
            Some("hour") => 3,
            Some("minute") => 4,
            Some("second") => 5,
            _ => continue,
        };
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        fields[slot] = value.parse().ok();
    }
    let [Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)] = fields else {
        return None;
    };
    let local = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, mo, d)?
        .and_hms_opt(h, mi, s)?
        .and_utc()
        .timestamp();
    i32::try_from(local - utc).ok()
}
