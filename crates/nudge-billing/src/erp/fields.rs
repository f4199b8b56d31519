//! A small reader over a JSON object that records every bad field (with its full path) instead
//! of stopping at the first, so one 422 response lists everything a sender must fix.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use std::str::FromStr;

use crate::error::FieldError;

/// The largest amount accepted (10^15): far beyond any invoice, far below where sums could
/// overflow.
pub(crate) const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Fields of one JSON object at `path`, collecting errors into a shared list.
pub(crate) struct Fields<'v, 'e> {
    map: &'v Map<String, Value>,
    path: String,
    errors: &'e mut Vec<FieldError>,
}

impl<'v, 'e> Fields<'v, 'e> {
    /// Reads `value` as an object at `path`; records an error and returns `None` otherwise.
    pub(crate) fn new(
        value: &'v Value,
        path: String,
        errors: &'e mut Vec<FieldError>,
    ) -> Option<Self> {
        match value.as_object() {
            Some(map) => Some(Fields { map, path, errors }),
            None => {
                errors.push(FieldError::new(path, "must be an object"));
                None
            }
        }
    }

    /// The full path of `field` (`events[3].invoice.due_date`).
    pub(crate) fn path_of(&self, field: &str) -> String {
        if self.path.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.path)
        }
    }

    /// Records an error on `field`.
    pub(crate) fn error(&mut self, field: &str, message: impl Into<String>) {
        let path = self.path_of(field);
        self.errors.push(FieldError::new(path, message));
    }

    /// The raw value of a field, `None` when absent or null.
    pub(crate) fn raw(&self, field: &str) -> Option<&'v Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// The errors recorded so far (all fields of the request, not only this object's).
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// The shared error list, for nested objects.
    pub(crate) fn errors(&mut self) -> &mut Vec<FieldError> {
        self.errors
    }

    /// An optional text field; numbers are accepted as their text (ERPs send numeric ids).
    pub(crate) fn opt_str(&mut self, field: &str) -> Option<String> {
        match self.raw(field)? {
            Value::String(s) => {
                let s = s.trim();
                (!s.is_empty()).then(|| s.to_string())
            }
            Value::Number(n) => Some(n.to_string()),
            _ => {
                self.error(field, "must be a string");
                None
            }
        }
    }

    /// A required, non-empty text field.
    pub(crate) fn req_str(&mut self, field: &str) -> Option<String> {
        let before = self.error_count();
        let value = self.opt_str(field);
        if value.is_none() && self.error_count() == before {
            self.error(field, "is required");
        }
        value
    }

    pub(crate) fn opt_bool(&mut self, field: &str) -> Option<bool> {
        match self.raw(field)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(field, "must be true or false");
                None
            }
        }
    }

    pub(crate) fn opt_u32(&mut self, field: &str) -> Option<u32> {
        let value = self.raw(field)?;
        match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                self.error(field, "must be a non-negative integer");
                None
            }
        }
    }

    /// An ISO 8601 calendar date (`2026-11-10`); a full timestamp is accepted and its date taken.
    pub(crate) fn opt_date(&mut self, field: &str) -> Option<NaiveDate> {
        let text = self.opt_str(field)?;
        match parse_date(&text) {
            Some(d) => Some(d),
            None => {
                self.error(
                    field,
                    format!("`{text}` is not an ISO 8601 date (YYYY-MM-DD)"),
                );
                None
            }
        }
    }

    pub(crate) fn req_date(&mut self, field: &str) -> Option<NaiveDate> {
        let before = self.error_count();
        let value = self.opt_date(field);
        if value.is_none() && self.error_count() == before {
            self.error(field, "is required");
        }
        value
    }

    /// An ISO 8601 timestamp with offset (`2026-11-01T08:00:00Z`); a bare date means midnight UTC.
    pub(crate) fn req_datetime(&mut self, field: &str) -> Option<DateTime<Utc>> {
        let text = self.req_str(field)?;
        match parse_datetime(&text) {
            Some(t) => Some(t),
            None => {
                self.error(
                    field,
                    format!("`{text}` is not an ISO 8601 timestamp (2026-11-01T08:00:00Z)"),
                );
                None
            }
        }
    }

    pub(crate) fn opt_currency(&mut self, field: &str) -> Option<Currency> {
        let text = self.opt_str(field)?;
        match Currency::parse(&text) {
            Ok(c) => Some(c),
            Err(e) => {
                self.error(field, e.to_string());
                None
            }
        }
    }

    pub(crate) fn req_currency(&mut self, field: &str) -> Option<Currency> {
        let before = self.error_count();
        let value = self.opt_currency(field);
        if value.is_none() && self.error_count() == before {
            self.error(field, "is required");
        }
        value
    }

    /// An optional non-negative amount: a decimal string (`"4800.00"`; a JSON number is accepted
    /// as its literal text). With a currency it is checked against the currency's precision and
    /// normalised to its exponent; without one (the currency field is itself bad) only its syntax
    /// is checked, so the sender still learns about both fields.
    pub(crate) fn opt_amount(
        &mut self,
        field: &str,
        currency: Option<Currency>,
    ) -> Option<Decimal> {
        let text = match self.raw(field)? {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.error(field, "must be a decimal string such as \"4800.00\"");
                return None;
            }
        };
        let parsed = match currency {
            Some(c) => c.parse_amount(&text).map_err(|e| e.to_string()),
            None => {
                Decimal::from_str(&text).map_err(|_| format!("`{text}` is not a decimal amount"))
            }
        };
        match parsed {
            Ok(a) if a.is_sign_negative() && !a.is_zero() => {
                self.error(field, "must not be negative");
                None
            }
            Ok(a) if a > Decimal::from(MAX_AMOUNT) => {
                self.error(field, format!("{a} is larger than {MAX_AMOUNT}"));
                None
            }
            Ok(a) => Some(a),
            Err(message) => {
                self.error(field, message);
                None
            }
        }
    }

    pub(crate) fn req_amount(
        &mut self,
        field: &str,
        currency: Option<Currency>,
    ) -> Option<Decimal> {
        let before = self.error_count();
        let value = self.opt_amount(field, currency);
        if value.is_none() && self.error_count() == before {
            self.error(field, "is required");
        }
        value
    }

    /// An optional array of strings.
    pub(crate) fn opt_str_list(&mut self, field: &str) -> Option<Vec<String>> {
        let value = self.raw(field)?;
        let Some(items) = value.as_array() else {
            self.error(field, "must be an array of strings");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                _ => self.error(&format!("{field}[{i}]"), "must be a non-empty string"),
            }
        }
        Some(out)
    }
}

/// `YYYY-MM-DD`, or the date part of an RFC 3339 timestamp.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    text.parse::<NaiveDate>().ok().or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.date_naive())
    })
}

/// RFC 3339 (`2026-11-01T08:00:00Z`, `…+01:00`), or a bare date at midnight UTC.
pub(crate) fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            text.parse::<NaiveDate>()
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// A plausible email address, lower-cased.
pub(crate) fn valid_email(text: &str) -> Option<String> {
    let email = text.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && email.matches('@').count() == 1;
    ok.then_some(email)
}
