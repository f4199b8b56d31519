//! `GET /api/metrics?from=&to=&currency=`: DSO (count-back, best possible, simple), CEI, aging,
//! overdue exposure by stage, escalation rate, promise-kept rate and broken promises, disputes
//! by category with mean time to resolve, messages sent and replied, the share of replies handled
//! without a person, and unapplied cash — per currency, never summed across currencies. The
//! formulas are in the README (`nudge-metrics` computes them). `from`/`to` are dates, `[from, to)`;
//! the default is the 90 days up to and including today (UTC).

use chrono::{NaiveDate, NaiveTime};
use nudge_core::money::Currency;
use nudge_metrics::{AccountFacts, MessageCounts, Period};
use serde_json::Value;

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::{books, Db};

fn date(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::Validation(vec![nudge_billing::FieldError::new(
            field,
            "must be a date (YYYY-MM-DD)",
        )])
    })
}

/// The metrics over the period.
pub async fn get(call: Call<'_>) -> Result<Value, ApiError> {
    let req = &call.req;
    let db = Db::from_env(call.env)?;
    let now = crate::clock::now(&db, call.config).await;
    let today = now.date_naive();
    let from = params::query(req, "from")?;
    let to = params::query(req, "to")?;
    let currency = match params::query(req, "currency")? {
        Some(c) => Some(Currency::parse(c.trim()).map_err(|e| {
            ApiError::Validation(vec![nudge_billing::FieldError::new(
                "currency",
                e.to_string(),
            )])
        })?),
        None => None,
    };
    let period = match (from, to) {
        (None, None) => Period::trailing(today, 90),
        (from, to) => {
            let to = match to {
                Some(t) => date("to", &t)?,
                None => today.succ_opt().unwrap_or(today),
            };
            let from = match from {
                Some(f) => date("from", &f)?,
                None => to - chrono::Duration::days(90),
            };
            Period::new(from, to)
        }
    }
    .map_err(|e| {
        ApiError::Validation(vec![nudge_billing::FieldError::new("from", e.to_string())])
    })?;
    let start = period.from().and_time(NaiveTime::MIN).and_utc();
    let end = period.to().and_time(NaiveTime::MIN).and_utc();
    let accounts: Vec<AccountFacts> = books::load(&db, start, end)
        .await?
        .into_iter()
        .map(|a| AccountFacts {
            book: a.book,
            stage: a.stage,
            messages: MessageCounts {
                sent: a.sent,
                replied: a.replied,
                replies_handled_without_person: a.handled_alone,
                replies_needing_person: a.needed_person,
            },
        })
        .collect();
    let metrics = nudge_metrics::compute(&accounts, &period, currency, now);
    Ok(crate::json::value(&metrics))
}
