//! The `settings` table: operator switches changed at run time (the escalation policy, global
//! shadow mode, template overrides, the test clock). Values are text (JSON where structured).

use chrono::{DateTime, Utc};

use super::{stmt, ts, Db, Result, P};

/// The operator's escalation policy (JSON of `nudge_policy::Policy`).
pub const POLICY_KEY: &str = "policy";
/// The global shadow-mode switch (`true` / `false`).
pub const SHADOW_KEY: &str = "shadow_mode";
/// The operator's template overrides (see `outbound/templates.rs`).
pub const TEMPLATES_KEY: &str = "templates";
/// The simulated time of `TEST_CLOCKS` (RFC 3339).
pub const TEST_CLOCK_KEY: &str = "test_clock";

/// Every key an account command reads, loaded with its record.
pub const SETTINGS_KEYS: &[&str] = &[POLICY_KEY, SHADOW_KEY, TEMPLATES_KEY, TEST_CLOCK_KEY];

/// The settings an account command works with (each `None` when unset).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub policy: Option<String>,
    pub shadow_mode: Option<String>,
    pub templates: Option<String>,
    pub test_clock: Option<String>,
}

#[derive(serde::Deserialize)]
pub(super) struct Row {
    key: String,
    value: String,
}

impl Settings {
    pub(super) fn from_rows(rows: Vec<Row>) -> Self {
        let mut s = Settings::default();
        for r in rows {
            let slot = match r.key.as_str() {
                POLICY_KEY => &mut s.policy,
                SHADOW_KEY => &mut s.shadow_mode,
                TEMPLATES_KEY => &mut s.templates,
                TEST_CLOCK_KEY => &mut s.test_clock,
                _ => continue,
            };
            *slot = Some(r.value);
        }
        s
    }

    /// The global shadow switch as stored (`"true"`, `true`).
    pub fn shadow_on(&self) -> bool {
        self.shadow_mode
            .as_deref()
            .is_some_and(|v| v.trim_matches('"').eq_ignore_ascii_case("true"))
    }

    /// The stored test clock, if it parses.
    pub fn test_clock(&self) -> Option<DateTime<Utc>> {
        self.test_clock
            .as_deref()
            .and_then(|v| DateTime::parse_from_rfc3339(v.trim_matches('"')).ok())
            .map(|t| t.with_timezone(&Utc))
    }
}

/// The statement reading `keys` (for a batch).
pub(super) fn query(db: &Db, keys: &[&str]) -> Result<worker::D1PreparedStatement> {
    stmt(
        db,
        "SELECT key, value FROM settings WHERE key IN (SELECT value FROM json_each(?1))",
        &[super::json(&keys).into()],
    )
}

/// Reads the given settings in one round trip.
pub async fn load(db: &Db, keys: &[&str]) -> Result<Settings> {
    Ok(Settings::from_rows(db.all(query(db, keys)?).await?))
}

/// Reads one setting, `None` when unset.
pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        value: String,
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "SELECT value FROM settings WHERE key = ?1",
            &[key.into()],
        )?)
        .await?;
    Ok(row.map(|r| r.value))
}

/// Writes one setting.
pub async fn put(db: &Db, key: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
    db.run(stmt(
        db,
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        &[key.into(), value.into(), P::Text(ts(now))],
    )?)
    .await?;
    Ok(())
}

/// Removes one setting.
pub async fn delete(db: &Db, key: &str) -> Result<()> {
    db.run(stmt(
        db,
        "DELETE FROM settings WHERE key = ?1",
        &[key.into()],
    )?)
    .await?;
    Ok(())
}

/// Adds one to the counter stored under `key` (created at 1) and returns the new value, in one
/// round trip. Used by the test-only queue faults to count deliveries.
pub async fn bump(db: &Db, key: &str, now: DateTime<Utc>) -> Result<i64> {
    #[derive(serde::Deserialize)]
    struct Row {
        value: String,
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, '1', ?2)
             ON CONFLICT (key) DO UPDATE
               SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = excluded.updated_at
             RETURNING value",
            &[key.into(), P::Text(ts(now))],
        )?)
        .await?;
    Ok(row.and_then(|r| r.value.parse().ok()).unwrap_or(1))
}
