//! The whole book at once, for reports (metrics): every account's ledger, its stage and its
//! message counts over a period, in ONE round trip. It reads every row of the ledger tables, so
//! it suits books of up to a few thousand accounts; larger ones want pre-aggregated figures.

use chrono::{DateTime, Utc};
use nudge_core::ledger::{AccountBook, Payment};
use nudge_core::sorted_map::SortedMap;

use super::{stmt, ts, Db, Result};

/// One account for a report.
#[derive(Debug, Clone)]
pub struct ReportAccount {
    pub book: AccountBook,
    pub stage: Option<String>,
    /// Messages sent to the account in the period (reminders, replies).
    pub sent: u32,
    /// Replies from people in the period, and how many of them were handled without a person.
    pub replied: u32,
    pub handled_alone: u32,
    pub needed_person: u32,
}

#[derive(serde::Deserialize)]
struct AccountRow {
    id: String,
    data: String,
    deleted: i64,
    stage: Option<String>,
}

#[derive(serde::Deserialize)]
struct Row {
    account_id: String,
    data: String,
}

#[derive(serde::Deserialize)]
struct CountRow {
    account_id: String,
    status: Option<String>,
    n: i64,
}

/// Every account's book and its period counts, `[from, to)`.
pub async fn load(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ReportAccount>> {
    let (f, t) = (ts(from), ts(to));
    let table = |sql: &str| stmt(db, sql, &[]);
    let mut results = db
        .batch(vec![
            table("SELECT id, data, deleted, stage FROM accounts ORDER BY id")?,
            table("SELECT account_id, data FROM contacts ORDER BY account_id, email")?,
            table("SELECT account_id, data FROM invoices ORDER BY account_id, due_date, id")?,
            table("SELECT account_id, data FROM payments ORDER BY account_id, received_on, id")?,
            table("SELECT account_id, data FROM credit_notes ORDER BY account_id, id")?,
            table("SELECT account_id, data FROM promises ORDER BY account_id, created_at, id")?,
            table("SELECT account_id, data FROM disputes ORDER BY account_id, opened_at, id")?,
            stmt(
                db,
                "SELECT account_id, NULL AS status, COUNT(*) AS n FROM outbound_messages
                 WHERE status = 'sent' AND sent_at >= ?1 AND sent_at < ?2 GROUP BY account_id",
                &[f.as_str().into(), t.as_str().into()],
            )?,
            stmt(
                db,
                "SELECT account_id, status, COUNT(*) AS n FROM inbound_messages
                 WHERE account_id IS NOT NULL AND kind = 'human'
                   AND received_at >= ?1 AND received_at < ?2
                 GROUP BY account_id, status",
                &[f.as_str().into(), t.as_str().into()],
            )?,
        ])
        .await?;
    let accounts: Vec<AccountRow> = results.rows()?;
    // Rows come in id order, so each insert appends.
    let mut out: SortedMap<String, ReportAccount> = SortedMap::new();
    for a in accounts {
        let mut book = AccountBook::new(super::data(&a.data, "accounts")?);
        book.deleted = a.deleted != 0;
        out.insert(
            a.id,
            ReportAccount {
                book,
                stage: a.stage,
                sent: 0,
                replied: 0,
                handled_alone: 0,
                needed_person: 0,
            },
        );
    }
    for r in results.rows::<Row>()? {
        if let Some(a) = out.get_mut(&r.account_id) {
            a.book.contacts.push(super::data(&r.data, "contacts")?);
        }
    }
    for r in results.rows::<Row>()? {
        if let Some(a) = out.get_mut(&r.account_id) {
            a.book.invoices.push(super::data(&r.data, "invoices")?);
        }
    }
    for r in results.rows::<Row>()? {
        if let Some(a) = out.get_mut(&r.account_id) {
            let p: Payment = super::data(&r.data, "payments")?;
            a.book.payments.push(p);
        }
    }
    for r in results.rows::<Row>()? {
        if let Some(a) = out.get_mut(&r.account_id) {
            a.book
                .credit_notes
                .push(super::data(&r.data, "credit_notes")?);
        }
    }
    for r in results.rows::<Row>()? {
        if let Some(a) = out.get_mut(&r.account_id) {
            a.book.promises.push(super::data(&r.data, "promises")?);
        }
    }
    for r in results.rows::<Row>()? {
        if let Some(a) = out.get_mut(&r.account_id) {
            a.book.disputes.push(super::data(&r.data, "disputes")?);
        }
    }
    let n = |c: &CountRow| u32::try_from(c.n).unwrap_or(0);
    for c in results.rows::<CountRow>()? {
        if let Some(a) = out.get_mut(&c.account_id) {
            a.sent = n(&c);
        }
    }
    for c in results.rows::<CountRow>()? {
        if let Some(a) = out.get_mut(&c.account_id) {
            a.replied += n(&c);
            match c.status.as_deref() {
                Some("processed") => a.handled_alone += n(&c),
                Some("needs_human" | "dead_letter") => a.needed_person += n(&c),
                _ => {}
            }
        }
    }
    Ok(out.into_iter().map(|(_, a)| a).collect())
}
