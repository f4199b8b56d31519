//! Promises to pay that fell due in the period: how many were kept, and which were broken.
//!
//! A promise belongs to the period of its promised date. Its outcome is nudge-core's
//! (`assess_promise_with`): settled statuses stay as stored, active ones are assessed at `now`,
//! with partial payments counting towards the amount; a promise whose grace has not yet run out
//! and is not yet covered is still pending and counts in neither side of the rate.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::calendar::BusinessCalendar;
use nudge_core::money::Currency;
use nudge_core::promise::PromiseStatus;
use nudge_core::promise_assessment::assess_promise_with;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ratio::percent;
use crate::{AccountFacts, Period};

/// How promises are judged: the same grace and calendar as the policy that pauses dunning, so
/// a promise the policy treats as kept is kept here too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRules {
    /// Business days after the promised date during which payment still keeps the promise.
    pub grace_business_days: u32,
    /// The business days the grace is counted in.
    pub calendar: BusinessCalendar,
}

impl Default for PromiseRules {
    /// Two business days, Monday to Friday: `nudge_policy`'s default policy.
    fn default() -> Self {
        PromiseRules {
            grace_business_days: 2,
            calendar: BusinessCalendar::default(),
        }
    }
}

/// Promises whose promised date fell in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromiseMetrics {
    /// All promises dated in the period, whatever their outcome.
    pub due: u32,
    /// Covered in time (partial payments adding up count).
    pub kept: u32,
    /// Not covered by the end of the grace.
    pub broken: u32,
    /// Not yet covered, grace not yet over at `now`.
    pub pending: u32,
    /// Withdrawn or replaced by a newer promise: neither kept nor broken.
    pub cancelled: u32,
    /// `kept / (kept + broken) × 100`, one decimal; `None` when none was settled.
    pub kept_percent: Option<Decimal>,
    /// The broken promises, oldest promised date first.
    pub broken_promises: Vec<BrokenPromise>,
}

/// One broken promise, with what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenPromise {
    /// The account that made it.
    pub account_id: String,
    /// The promise's id.
    pub promise_id: String,
    /// The day the customer said they would pay.
    pub promised_date: NaiveDate,
    /// The last day payment would have counted (promised date plus grace).
    pub deadline: NaiveDate,
    /// The amount promised, when one was.
    pub promised: Option<Decimal>,
    /// The currency of the promised amount, when it named one.
    pub currency: Option<Currency>,
    /// Cash that arrived in time towards it (a partial payment shows here).
    pub received: Decimal,
    /// What was missing.
    pub remaining: Decimal,
}

/// Counts and lists the promises dated in `period` across `accounts`, judged at `now`.
pub fn promise_metrics(
    accounts: &[AccountFacts],
    period: &Period,
    now: DateTime<Utc>,
    rules: &PromiseRules,
) -> PromiseMetrics {
    let today = now.date_naive();
    let mut m = PromiseMetrics {
        due: 0,
        kept: 0,
        broken: 0,
        pending: 0,
        cancelled: 0,
        kept_percent: None,
        broken_promises: Vec::new(),
    };
    for f in accounts {
        let book = &f.book;
        for p in book
            .promises
            .iter()
            .filter(|p| period.contains(p.promised_date))
        {
            m.due += 1;
            let a = assess_promise_with(
                p,
                &book.invoices,
                &book.payments,
                today,
                rules.grace_business_days,
                &rules.calendar,
            );
            match a.status {
                PromiseStatus::Kept => m.kept += 1,
                PromiseStatus::Active => m.pending += 1,
                PromiseStatus::Cancelled => m.cancelled += 1,
                PromiseStatus::Broken => {
                    m.broken += 1;
                    m.broken_promises.push(BrokenPromise {
                        account_id: book.account.id.clone(),
                        promise_id: p.id.clone(),
                        promised_date: p.promised_date,
                        deadline: a.deadline,
                        promised: p.amount,
                        currency: p.currency,
                        received: a.received,
                        remaining: a.remaining,
                    });
                }
            }
        }
    }
    m.kept_percent = percent(m.kept, m.kept + m.broken);
    nudge_core::order::sort_by(&mut m.broken_promises, |a, b| {
        (a.promised_date, &a.account_id, &a.promise_id).cmp(&(
            b.promised_date,
            &b.account_id,
            &b.promise_id,
        ))
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    #[test]
    fn kept_broken_pending_and_cancelled_by_hand() {
        // March 2026; judged on Wed 04-01 with 2 business days of grace.
        let mut b = book("acme");
        b.invoices = vec![invoice("i1", d(2026, 1, 1), d(2026, 2, 1), "1000")];
        // p1: 300 by Fri 03-06, paid 300 on 03-09 (Mon, inside grace to Tue 03-10): kept.
        let p1 = promise("p1", d(2026, 3, 6), Some("300"), at(2026, 3, 2, 9));
        // p2: 500 by Fri 03-13; only 200 arrived (03-12), grace ended Tue 03-17: broken,
        // received 200, remaining 300.
        let p2 = promise("p2", d(2026, 3, 13), Some("500"), at(2026, 3, 10, 9));
        // p3: 100 by Tue 03-31, grace to Thu 04-02, nothing yet: pending on 04-01.
        let p3 = promise("p3", d(2026, 3, 31), Some("100"), at(2026, 3, 25, 9));
        // p4: stored as cancelled (replaced by p3).
        let mut p4 = promise("p4", d(2026, 3, 20), Some("100"), at(2026, 3, 16, 9));
        p4.status = PromiseStatus::Cancelled;
        // p5: dated in February: not this period's.
        let mut p5 = promise("p5", d(2026, 2, 20), Some("100"), at(2026, 2, 16, 9));
        p5.status = PromiseStatus::Broken;
        b.promises = vec![p1, p2, p3, p4, p5];
        b.payments = vec![
            payment("x", d(2026, 3, 9), "300", &[]),
            payment("y", d(2026, 3, 12), "200", &[]),
        ];
        let now = at(2026, 4, 1, 12);
        let m = promise_metrics(
            &[facts(b, None)],
            &Period::month(2026, 3).unwrap(),
            now,
            &PromiseRules::default(),
        );
        assert_eq!(
            (m.due, m.kept, m.broken, m.pending, m.cancelled),
            (4, 1, 1, 1, 1)
        );
        // kept / (kept + broken) = 1 / 2 = 50.0 %.
        assert_eq!(m.kept_percent, Some(dec("50.0")));
        let broken = &m.broken_promises[0];
        assert_eq!(
            (
                broken.promise_id.as_str(),
                broken.deadline,
                broken.received,
                broken.remaining
            ),
            ("p2", d(2026, 3, 17), dec("200"), dec("300"))
        );
    }

    #[test]
    fn no_settled_promise_means_no_rate() {
        let m = promise_metrics(
            &[facts(book("a"), None)],
            &Period::month(2026, 3).unwrap(),
            at(2026, 4, 1, 0),
            &PromiseRules::default(),
        );
        assert_eq!((m.due, m.kept_percent), (0, None));
    }
}
