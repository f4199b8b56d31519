//! Read-only queries over accounts and their payments for the operator API: search, the
//! account page's extras, the unapplied-cash queue, and which account a payment belongs to.

use serde_json::Value;

use super::{stmt, Db, Result, P};

/// Accounts matching part of the name or id, an exact Stripe/ERP id, or part of a contact
/// email (`like` is the escaped `%q%`), one more than `limit` so the caller sees if there are
/// more.
pub async fn search(
    db: &Db,
    q: Option<&str>,
    like: Option<&str>,
    limit: u32,
    offset: u32,
) -> Result<Vec<Value>> {
    db.all(stmt(
        db,
        "SELECT a.id, a.name, a.stripe_id, a.erp_id, a.deleted, a.dunning_enabled, a.stage,
                a.next_action_at, a.updated_at,
                (SELECT COUNT(*) FROM invoices i WHERE i.account_id = a.id AND i.status = 'open') AS open_invoices
         FROM accounts a
         WHERE ?1 IS NULL
            OR lower(a.name) LIKE ?2 ESCAPE '\\'
            OR lower(a.id) LIKE ?2 ESCAPE '\\'
            OR a.stripe_id = ?1 OR a.erp_id = ?1
            OR a.id IN (SELECT c.account_id FROM contacts c WHERE c.email LIKE ?2 ESCAPE '\\')
         ORDER BY a.name COLLATE NOCASE, a.id
         LIMIT ?3 OFFSET ?4",
        &[
            q.into(),
            like.into(),
            P::Int(i64::from(limit) + 1),
            P::Int(i64::from(offset)),
        ],
    )?)
    .await
}

/// The account row's columns the account page shows besides the book.
#[derive(Debug, serde::Deserialize)]
pub struct AccountMeta {
    pub stage: Option<String>,
    pub next_action_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The account page's extras in one round trip: the row's meta, the queued payments with their
/// suggestions, and the last 50 ledger events (newest first).
pub async fn page_extras(
    db: &Db,
    id: &str,
) -> Result<(Option<AccountMeta>, Vec<Value>, Vec<Value>)> {
    let mut results = db
        .batch(vec![
            stmt(
                db,
                "SELECT stage, next_action_at, created_at, updated_at FROM accounts WHERE id = ?1",
                &[id.into()],
            )?,
            stmt(
                db,
                "SELECT id, suggestions FROM payments
                 WHERE account_id = ?1 AND status != 'applied' AND suggestions IS NOT NULL
                 ORDER BY received_on, id",
                &[id.into()],
            )?,
            stmt(
                db,
                "SELECT seq, at, kind, cause, data FROM ledger_events WHERE account_id = ?1
                 ORDER BY seq DESC LIMIT 50",
                &[id.into()],
            )?,
        ])
        .await?;
    let meta: Option<AccountMeta> = results.rows()?.into_iter().next();
    Ok((meta, results.rows()?, results.rows()?))
}

/// Payments waiting for a person, oldest first, with the account's name.
pub async fn unapplied(db: &Db, limit: u32) -> Result<Vec<Value>> {
    db.all(stmt(
        db,
        "SELECT p.id, p.account_id, a.name AS account_name, p.amount, p.currency, p.received_on,
                p.reference, p.unapplied, p.status, p.suggestions
         FROM payments p LEFT JOIN accounts a ON a.id = p.account_id
         WHERE p.status != 'applied' AND p.suggestions IS NOT NULL
         ORDER BY p.received_on, p.id LIMIT ?1",
        &[P::Int(i64::from(limit))],
    )?)
    .await
}

/// The account a payment belongs to.
pub async fn account_of_payment(db: &Db, payment_id: &str) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        account_id: String,
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "SELECT account_id FROM payments WHERE id = ?1",
            &[payment_id.into()],
        )?)
        .await?;
    Ok(row.map(|r| r.account_id))
}

/// The account's overrides and shadow switch; due at the next sweep (whatever its time, also a
/// simulated one).
pub fn set_policy(
    db: &Db,
    account_id: &str,
    overrides: Option<&str>,
    shadow_mode: Option<bool>,
) -> Result<worker::D1PreparedStatement> {
    stmt(
        db,
        "UPDATE accounts SET overrides = ?2, shadow_mode = ?3, next_action_at = NULL WHERE id = ?1",
        &[account_id.into(), overrides.into(), shadow_mode.into()],
    )
}

/// Accounts due for evaluation by `until` (or never evaluated, with an open invoice), soonest
/// first: the ones a preview looks at.
pub async fn due_by(db: &Db, until: &str, limit: u32) -> Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    let rows: Vec<Row> = db
        .all(stmt(
            db,
            "SELECT id FROM accounts a WHERE a.deleted = 0
               AND (a.next_action_at <= ?1 OR (a.next_action_at IS NULL AND EXISTS
                    (SELECT 1 FROM invoices i WHERE i.account_id = a.id AND i.status = 'open')))
             ORDER BY a.next_action_at IS NULL, a.next_action_at, a.id LIMIT ?2",
            &[until.into(), P::Int(i64::from(limit))],
        )?)
        .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Accounts that may need a person: an open task, a pending approval, an open dispute, or past
/// due at a stage; with the kinds of their open tasks.
pub async fn needing_attention(db: &Db, limit: u32) -> Result<Vec<(String, Vec<String>)>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
        tasks: Option<String>,
    }
    let rows: Vec<Row> = db
        .all(stmt(
            db,
            "SELECT a.id AS id,
                    (SELECT group_concat(t.kind, ',') FROM tasks t
                      WHERE t.account_id = a.id AND t.status = 'open') AS tasks
             FROM accounts a WHERE a.deleted = 0 AND (
                   EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = a.id AND t.status = 'open')
                OR EXISTS (SELECT 1 FROM approvals p WHERE p.account_id = a.id AND p.status = 'pending')
                OR EXISTS (SELECT 1 FROM disputes d WHERE d.account_id = a.id AND d.status = 'open')
                OR (a.stage IS NOT NULL AND a.stage NOT IN ('none', 'courtesy')))
             ORDER BY a.id LIMIT ?1",
            &[P::Int(i64::from(limit))],
        )?)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let kinds = r
                .tasks
                .map(|t| t.split(',').map(str::to_string).collect())
                .unwrap_or_default();
            (r.id, kinds)
        })
        .collect())
}

/// Everything that happened to an account, newest first, in one round trip: ledger events
/// (changes, decisions with their reasons, notes), messages out and in, approvals, tasks.
pub async fn timeline(db: &Db, id: &str, limit: u32) -> Result<[Vec<Value>; 5]> {
    let n = P::Int(i64::from(limit));
    let mut results = db
        .batch(vec![
            stmt(
                db,
                "SELECT at, kind, cause, data FROM ledger_events WHERE account_id = ?1
                 ORDER BY at DESC, seq DESC LIMIT ?2",
                &[id.into(), n.clone()],
            )?,
            stmt(
                db,
                "SELECT coalesce(sent_at, created_at) AS at, kind, step_key, to_addr, subject,
                        status, message_id
                 FROM outbound_messages WHERE account_id = ?1 ORDER BY at DESC LIMIT ?2",
                &[id.into(), n.clone()],
            )?,
            stmt(
                db,
                "SELECT received_at AS at, id, envelope_from, subject, kind, status, action,
                        summary, classification
                 FROM inbound_messages WHERE account_id = ?1 ORDER BY at DESC LIMIT ?2",
                &[id.into(), n.clone()],
            )?,
            stmt(
                db,
                "SELECT created_at AS at, id, kind, status, step_key, summary, decided_at,
                        decided_by, note
                 FROM approvals WHERE account_id = ?1 ORDER BY at DESC LIMIT ?2",
                &[id.into(), n.clone()],
            )?,
            stmt(
                db,
                "SELECT created_at AS at, id, kind, status, summary, step_key, resolved_at
                 FROM tasks WHERE account_id = ?1 ORDER BY at DESC LIMIT ?2",
                &[id.into(), n],
            )?,
        ])
        .await?;
    Ok([
        results.rows()?,
        results.rows()?,
        results.rows()?,
        results.rows()?,
        results.rows()?,
    ])
}
