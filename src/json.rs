//! Typed values as JSON trees, built through their text.

use serde::Serialize;
use serde_json::Value;

/// `value` as a JSON tree, through its text: the types a response shows (invoices, policies,
/// decisions) are also stored or sent as text, so this reuses the serialiser each already has
/// instead of compiling `serde_json::to_value`'s second one for each of them (issue 12). The
/// extra parse costs microseconds on the sizes a response carries.
pub fn value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}
