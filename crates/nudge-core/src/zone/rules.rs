//! Where zone rules come from: a [`ZoneRules`] backend, installed once by the shell.

use std::sync::OnceLock;

/// A timezone database: which names are zones, and a zone's UTC offset at an instant.
///
/// `Sync` because it is installed process-wide; in the Worker (one thread) that costs nothing.
pub trait ZoneRules: Sync {
    /// True when `name` is a zone of this database, spelled exactly as the database spells it.
    fn is_zone(&self, name: &str) -> bool;

    /// The offset from UTC, in seconds east, of zone `name` at `utc` (seconds since the Unix
    /// epoch). `None` when the database cannot say (the caller then reads the zone as UTC).
    fn offset_seconds(&self, name: &'static str, utc: i64) -> Option<i32>;
}

static INSTALLED: OnceLock<&'static dyn ZoneRules> = OnceLock::new();

/// Makes `rules` the zone database for this process. The first call wins, later calls do
/// nothing, so every entry point of the Worker can call it (cheap and idempotent).
pub fn install(rules: &'static dyn ZoneRules) {
    let _ = INSTALLED.set(rules);
}

/// The installed rules, or the built-in default.
pub(super) fn rules() -> &'static dyn ZoneRules {
    INSTALLED.get().copied().unwrap_or(&DEFAULT)
}

/// Natively: chrono-tz (tests, the CLI, benches).
#[cfg(not(target_arch = "wasm32"))]
static DEFAULT: ChronoTz = ChronoTz;

/// In wasm nothing is compiled in: until the shell installs the runtime's rules only `UTC`
/// (answered by [`super::Zone`] itself) exists.
#[cfg(target_arch = "wasm32")]
static DEFAULT: NoZones = NoZones;

/// The chrono-tz tables.
#[cfg(not(target_arch = "wasm32"))]
pub(super) struct ChronoTz;

#[cfg(not(target_arch = "wasm32"))]
impl ZoneRules for ChronoTz {
    fn is_zone(&self, name: &str) -> bool {
        name.parse::<chrono_tz::Tz>().is_ok()
    }

    fn offset_seconds(&self, name: &'static str, utc: i64) -> Option<i32> {
        use chrono::{Offset, TimeZone};
        let tz = name.parse::<chrono_tz::Tz>().ok()?;
        let at = chrono::DateTime::from_timestamp(utc, 0)?.naive_utc();
        Some(tz.offset_from_utc_datetime(&at).fix().local_minus_utc())
    }
}

#[cfg(target_arch = "wasm32")]
struct NoZones;

#[cfg(target_arch = "wasm32")]
impl ZoneRules for NoZones {
    fn is_zone(&self, _name: &str) -> bool {
        false
    }

    fn offset_seconds(&self, _name: &'static str, _utc: i64) -> Option<i32> {
        None
    }
}
