//! The `webhook_events` table: one row per event a sender delivered, so that a redelivery is
//! recognised (idempotency by `(source, event_id)`), and the lookup of a chargeback's account.

use chrono::{DateTime, Utc};
use worker::D1PreparedStatement;

use super::{stmt, ts, Db, Result, P};

/// The row of an applied event, written in the same batch as its changes.
pub fn applied(
    db: &Db,
    source: &str,
    event_id: &str,
    event_type: &str,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO webhook_events (source, event_id, type, account_id, received_at, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, 'applied')",
        &[
            source.into(),
            event_id.into(),
            event_type.into(),
            account_id.into(),
            P::Text(ts(now)),
        ],
    )
}

/// Records an acknowledged event that changes nothing (so a replay is recognised as such).
pub async fn record_ignored(
    db: &Db,
    source: &str,
    event_id: &str,
    event_type: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    db.run(stmt(
        db,
        "INSERT INTO webhook_events (source, event_id, type, account_id, received_at, outcome)
         VALUES (?1, ?2, ?3, NULL, ?4, 'ignored') ON CONFLICT (source, event_id) DO NOTHING",
        &[
            source.into(),
            event_id.into(),
            event_type.into(),
            ts(now).into(),
        ],
    )?)
    .await?;
    Ok(())
}

/// The account of a recorded payment, found by its Stripe charge or payment intent (disputes
/// and refunds name only those).
pub async fn account_of_charge(
    db: &Db,
    charge: Option<&str>,
    intent: Option<&str>,
) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        account_id: String,
    }
    if charge.is_none() && intent.is_none() {
        return Ok(None);
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "SELECT account_id FROM payments
             WHERE (?1 IS NOT NULL AND charge_ref = ?1) OR (?2 IS NOT NULL AND payment_intent_ref = ?2)
             LIMIT 1",
            &[charge.into(), intent.into()],
        )?)
        .await?;
    Ok(row.map(|r| r.account_id))
}
