//! Timezones: [`Zone`], an IANA timezone that works as a [`chrono::TimeZone`].
//!
//! The zone rules (which names exist, and the UTC offset of a zone at an instant) come from a
//! [`ZoneRules`] backend instead of tables compiled into the binary: natively that is chrono-tz;
//! in the Worker the shell installs the runtime's own tz database (`Intl.DateTimeFormat`), which
//! keeps ~140 KB of gzipped tables out of the wasm (issue 12). Local-to-UTC conversion (DST gaps
//! and folds) is worked out here from the offset function alone, so both backends behave alike.

mod local;
mod rules;

use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use chrono::{FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use rules::{install, ZoneRules};

/// An IANA timezone (`Europe/Berlin`), as named by the source that gave it.
///
/// Cheap to copy: the name is a `&'static str`, interned on first parse. Only names the rules
/// accept are interned, at most one spelling per name ignoring case, so the set is bounded by
/// the tz database.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Zone {
    name: &'static str,
}

/// A name that is not an IANA timezone the rules know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IANA timezone")]
pub struct UnknownZone(pub String);

/// Valid names interned so far (see [`Zone`]). A plain list: an account book names a handful of
/// zones, and a set type would compile its tree code into the Worker for nothing.
static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// The longest name accepted: the longest IANA name is 32 bytes; this keeps junk from reaching
/// the rules backend.
const MAX_NAME: usize = 64;

impl Zone {
    /// Coordinated Universal Time.
    pub const UTC: Zone = Zone { name: "UTC" };

    /// The IANA name, as given when the zone was parsed.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The zone's offset from UTC at `utc` (seconds since the Unix epoch).
    pub fn offset_at(self, utc: i64) -> FixedOffset {
        fixed(self.offset_seconds(utc))
    }

    /// Offset in seconds; a backend that cannot answer (never for a name it accepted) or that
    /// answers out of range reads as UTC rather than failing a request.
    fn offset_seconds(self, utc: i64) -> i32 {
        if self == Zone::UTC {
            return 0;
        }
        rules::rules()
            .offset_seconds(self.name, utc)
            .filter(|s| s.unsigned_abs() < 86_400)
            .unwrap_or(0)
    }

    fn with_offset(self, seconds: i32) -> ZoneOffset {
        ZoneOffset {
            zone: self,
            fixed: fixed(seconds),
        }
    }
}

fn fixed(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
}

impl FromStr for Zone {
    type Err = UnknownZone;

    fn from_str(name: &str) -> Result<Zone, UnknownZone> {
        if name == Zone::UTC.name {
            return Ok(Zone::UTC);
        }
        let unknown = || UnknownZone(name.to_string());
        if name.is_empty() || name.len() > MAX_NAME {
            return Err(unknown());
        }
        let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(interned) = names.iter().find(|n| **n == name) {
            return Ok(Zone { name: interned });
        }
        if !rules::rules().is_zone(name) {
            return Err(unknown());
        }
        // A database that matches some names regardless of case (ICU does for aliases) must not
        // grow the set without bound: such a spelling reads as the one seen first.
        if let Some(first) = names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            return Ok(Zone { name: first });
        }
        let interned: &'static str = Box::leak(name.into());
        names.push(interned);
        Ok(Zone { name: interned })
    }
}

/// Natively the chrono-tz constants name zones in tests and tools (`Europe::Berlin.into()`).
#[cfg(not(target_arch = "wasm32"))]
impl From<chrono_tz::Tz> for Zone {
    fn from(tz: chrono_tz::Tz) -> Zone {
        Zone { name: tz.name() }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name)
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Zone, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// The offset of a [`Zone`] at some instant: the zone (so that a `DateTime<Zone>` knows it) and
/// the fixed offset in force.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ZoneOffset {
    zone: Zone,
    fixed: FixedOffset,
}

impl ZoneOffset {
    /// The zone this offset belongs to.
    pub fn zone(&self) -> Zone {
        self.zone
    }
}

impl fmt::Debug for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.zone.name, self.fixed)
    }
}

/// The numeric offset (`+01:00`): the runtime's database has no abbreviations to offer.
impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fixed, f)
    }
}

impl chrono::Offset for ZoneOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl TimeZone for Zone {
    type Offset = ZoneOffset;

    fn from_offset(offset: &ZoneOffset) -> Zone {
        offset.zone
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<ZoneOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<ZoneOffset> {
        let zone = *self;
        local::offsets_of_local(local.and_utc().timestamp(), |utc| zone.offset_seconds(utc))
            .map(|seconds| zone.with_offset(seconds))
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        self.with_offset(self.offset_seconds(utc.and_utc().timestamp()))
    }
}

#[cfg(test)]
mod tests;
