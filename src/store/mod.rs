//! D1 access for the adapter: the ledger (one account's [`AccountBook`] loaded and written back
//! as a diff, in one batch), the schema version and a few small tables.
//!
//! [`AccountBook`]: nudge_core::ledger::AccountBook

pub mod book;
pub mod bulk;
mod schema;
pub mod settings;

pub use schema::schema_version;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// A bound SQL parameter. D1 takes JS values; keeping our own enum keeps call sites typed.
#[derive(Debug, Clone)]
pub enum P {
    Text(String),
    Int(i64),
    Null,
}

impl P {
    fn to_js(&self) -> JsValue {
        match self {
            P::Text(s) => JsValue::from_str(s),
            // D1 integers arrive as JS numbers; ours stay far below 2^53.
            P::Int(i) => JsValue::from_f64(*i as f64),
            P::Null => JsValue::NULL,
        }
    }
}

impl From<&str> for P {
    fn from(s: &str) -> Self {
        P::Text(s.to_string())
    }
}
impl From<String> for P {
    fn from(s: String) -> Self {
        P::Text(s)
    }
}
impl From<&String> for P {
    fn from(s: &String) -> Self {
        P::Text(s.clone())
    }
}
impl From<i64> for P {
    fn from(i: i64) -> Self {
        P::Int(i)
    }
}
impl From<bool> for P {
    fn from(b: bool) -> Self {
        P::Int(i64::from(b))
    }
}
impl<T: Into<P>> From<Option<T>> for P {
    fn from(o: Option<T>) -> Self {
        o.map_or(P::Null, Into::into)
    }
}
impl From<DateTime<Utc>> for P {
    fn from(t: DateTime<Utc>) -> Self {
        P::Text(ts(t))
    }
}
impl From<NaiveDate> for P {
    fn from(d: NaiveDate) -> Self {
        P::Text(d.to_string())
    }
}

/// A prepared statement with its parameters bound.
pub fn stmt(db: &D1Database, sql: &str, params: &[P]) -> worker::Result<D1PreparedStatement> {
    let values: Vec<JsValue> = params.iter().map(P::to_js).collect();
    db.prepare(sql).bind(&values)
}

/// RFC 3339 UTC with milliseconds: sorts as text in time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// JSON text of a value whose serialisation cannot fail (plain data structs).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// The results of one D1 batch, read back in statement order.
pub struct BatchResults(std::vec::IntoIter<D1Result>);

impl BatchResults {
    /// The next statement's result; an error if D1 returned fewer results than statements.
    #[allow(clippy::should_implement_trait)] // fallible, so not an Iterator
    pub fn next(&mut self) -> worker::Result<D1Result> {
        self.0
            .next()
            .ok_or_else(|| worker::Error::RustError("D1 batch returned too few results".into()))
    }
}

/// Runs `statements` as one D1 batch (one round trip, one transaction).
pub async fn batch(
    db: &D1Database,
    statements: Vec<D1PreparedStatement>,
) -> worker::Result<BatchResults> {
    Ok(BatchResults(db.batch(statements).await?.into_iter()))
}
