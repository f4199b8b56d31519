//! D1, and only here: every SQL statement of the worker lives in this folder, one module per
//! table or aggregate. The account's [`AccountRecord`](record::AccountRecord) (its book plus
//! what the object needs besides) is loaded in one round trip and written back as one batch.
//!
//! Every query goes through a [`Db`], which counts its round trips, so that each request and
//! each account command can report (and a test can check) the I/O it cost.

pub mod accounts;
pub mod approvals;
pub mod book;
pub mod books;
pub mod bulk;
pub mod disputes;
mod error;
pub mod faults;
pub mod inbound;
pub mod ledger;
pub mod outbound;
pub mod record;
mod schema;
pub mod settings;
#[cfg(test)]
mod sql_check;
pub mod sweeps;
pub mod tasks;
pub mod webhook_events;

pub use error::StoreError;
pub use schema::schema_version;

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result, Env};

/// Results of the store: D1's own errors, or rows that do not parse.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The D1 database with a counter of round trips (a `batch` is one, whatever its size).
///
/// One per request or account command, so that its work is counted together.
pub struct Db {
    d1: D1Database,
    trips: Rc<Cell<u32>>,
    statements: Rc<Cell<u32>>,
}

impl Db {
    /// The `DB` binding with a fresh counter.
    pub fn from_env(env: &Env) -> Result<Self> {
        Ok(Db {
            d1: env.d1("DB")?,
            trips: Rc::default(),
            statements: Rc::default(),
        })
    }

    /// Round trips to D1 made through this handle (and its clones) so far.
    pub fn round_trips(&self) -> u32 {
        self.trips.get()
    }

    /// Statements sent to D1 through this handle so far.
    pub fn statements(&self) -> u32 {
        self.statements.get()
    }

    fn count(&self, statements: usize) {
        self.trips.set(self.trips.get().saturating_add(1));
        let n = u32::try_from(statements).unwrap_or(u32::MAX);
        self.statements.set(self.statements.get().saturating_add(n));
    }

    /// A statement with its parameters bound (no I/O).
    pub fn stmt(&self, sql: &str, params: &[P]) -> Result<D1PreparedStatement> {
        let values: Vec<JsValue> = params.iter().map(P::to_js).collect();
        Ok(self.d1.prepare(sql).bind(&values)?)
    }

    /// A statement to bind by hand (BLOB parameters); no I/O.
    pub(super) fn raw_prepare(&self, sql: &str) -> D1PreparedStatement {
        self.d1.prepare(sql)
    }

    /// Runs `statements` as one batch: one round trip, one transaction.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<BatchResults> {
        if statements.is_empty() {
            return Ok(BatchResults(Vec::new().into_iter()));
        }
        self.count(statements.len());
        Ok(BatchResults(self.d1.batch(statements).await?.into_iter()))
    }

    /// Runs one statement and returns how many rows it changed.
    pub async fn run(&self, statement: D1PreparedStatement) -> Result<u64> {
        self.count(1);
        let result = statement.run().await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u64)
    }

    /// Runs one query and returns its rows.
    pub async fn all<T: DeserializeOwned>(&self, statement: D1PreparedStatement) -> Result<Vec<T>> {
        self.count(1);
        Ok(statement.all().await?.results()?)
    }

    /// Runs one query and returns its first row.
    pub async fn first<T: DeserializeOwned>(
        &self,
        statement: D1PreparedStatement,
    ) -> Result<Option<T>> {
        self.count(1);
        Ok(statement.first(None).await?)
    }
}

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

/// A prepared statement with its parameters bound (no I/O).
pub fn stmt(db: &Db, sql: &str, params: &[P]) -> Result<D1PreparedStatement> {
    db.stmt(sql, params)
}

/// RFC 3339 UTC with milliseconds: sorts as text in time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A row's `data` column as its domain type (through `js_json`: the ledger types have no other
/// deserialiser in the Worker).
fn data<T: DeserializeOwned>(text: &str, table: &'static str) -> Result<T> {
    crate::js_json::parse(text).map_err(|error| StoreError::Corrupt { table, error })
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
    pub fn next(&mut self) -> Result<D1Result> {
        self.0.next().ok_or(StoreError::ShortBatch)
    }

    /// The next statement's rows.
    pub fn rows<T: DeserializeOwned>(&mut self) -> Result<Vec<T>> {
        Ok(self.next()?.results()?)
    }
}
