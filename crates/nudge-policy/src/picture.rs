//! Reading the ledger for the policy: which invoices count, how overdue the account is, how it
//! has paid. One pass over the invoices, no allocation beyond the per-currency exposure list.

use chrono::{Days, NaiveDate};
use nudge_core::dispute_effects::{dispute_effect, DisputeEffect};
use nudge_core::ledger::{Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use rust_decimal::Decimal;

use crate::decision::{Exposure, Metrics};
use crate::policy::Policy;
use crate::snapshot::AccountSnapshot;

/// What an active promise covers: named invoices, or all overdue invoices (in one currency or all).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PromiseCover<'a> {
    pub ids: &'a [String],
    /// `Some(None)`: all overdue invoices in any currency; `Some(Some(c))`: all in `c`.
    pub all_overdue: Option<Option<Currency>>,
}

impl PromiseCover<'_> {
    fn covers(&self, inv: &Invoice) -> bool {
        match self.all_overdue {
            Some(None) => true,
            Some(Some(c)) => c == inv.currency,
            None => self.ids.contains(&inv.id),
        }
    }
}

/// How one invoice stands for dunning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Nothing open.
    Closed,
    /// Open, not yet past due; carries days until due.
    NotDue(i64),
    /// Past due but the billing system is still retrying the card.
    AutoPending,
    Disputed,
    Grace(NaiveDate),
    Promised,
    /// Dunnable, with days past due.
    Overdue(i64),
}

/// Classifies `inv` on `today`.
pub(crate) fn classify(
    inv: &Invoice,
    s: &AccountSnapshot,
    policy: &Policy,
    today: NaiveDate,
    covers: &[PromiseCover<'_>],
) -> Class {
    if inv.status != InvoiceStatus::Open || inv.open_amount() <= Decimal::ZERO {
        return Class::Closed;
    }
    let days = inv.days_past_due(today);
    if !s.disputes.is_empty() {
        match dispute_effect(
            &inv.id,
            &s.disputes,
            today,
            &policy.calendar,
            policy.disputes.rejected_grace_business_days,
        ) {
            DisputeEffect::OnHold => return Class::Disputed,
            DisputeEffect::Grace { until } => return Class::Grace(until),
            DisputeEffect::None => {}
        }
    }
    if days <= 0 {
        return Class::NotDue(-days);
    }
    if !inv.is_overdue(today) {
        return Class::AutoPending;
    }
    if covers.iter().any(|c| c.covers(inv)) {
        return Class::Promised;
    }
    Class::Overdue(days)
}

/// The account as the policy sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Picture {
    pub metrics: Metrics,
    pub oldest_due: Option<NaiveDate>,
    /// Due date of the oldest past-due invoice, promised ones included: the episode's start.
    pub episode_start: Option<NaiveDate>,
    /// Overdue invoices already partly paid (the customer is trying).
    pub partially_paid_overdue: u32,
    pub latest_issue: Option<NaiveDate>,
    /// Index of the invoice earning a courtesy notice, with days until due.
    pub courtesy: Option<(usize, i64)>,
    pub grace_until: Option<NaiveDate>,
    pub grace_invoices: u32,
    pub auto_pending: u32,
    /// Overdue invoices that exist before promises are taken into account.
    pub overdue_before_promises: u32,
}

fn exposure_mut(list: &mut Vec<Exposure>, currency: Currency) -> Option<&mut Exposure> {
    let pos = match list.iter().position(|e| e.currency == currency) {
        Some(p) => p,
        None => {
            list.push(Exposure {
                currency,
                open: Decimal::ZERO,
                overdue: Decimal::ZERO,
            });
            list.len() - 1
        }
    };
    list.get_mut(pos)
}

/// Reads the invoices of `s` on `today` with the given promise covers.
pub(crate) fn picture(
    s: &AccountSnapshot,
    policy: &Policy,
    today: NaiveDate,
    covers: &[PromiseCover<'_>],
) -> Picture {
    let mut p = Picture::default();
    let lookback_start = today
        .checked_sub_days(Days::new(u64::from(policy.behaviour.lookback_days)))
        .unwrap_or(NaiveDate::MIN);
    let mut late_sum: i64 = 0;
    for (i, inv) in s.invoices.iter().enumerate() {
        if inv.status != InvoiceStatus::Draft && inv.status != InvoiceStatus::Void {
            p.latest_issue = p.latest_issue.max(Some(inv.issue_date));
        }
        if inv.status == InvoiceStatus::Paid {
            if let Some(paid_on) = inv.paid_on {
                if paid_on >= lookback_start {
                    late_sum += (paid_on - inv.due_date).num_days().max(0);
                    p.metrics.paid_invoices_considered += 1;
                }
            }
        }
        let class = classify(inv, s, policy, today, covers);
        let counted = !matches!(class, Class::Closed | Class::Disputed);
        if counted {
            if let Some(e) = exposure_mut(&mut p.metrics.exposure, inv.currency) {
                e.open += inv.open_amount();
            }
        }
        match class {
            Class::Closed => {}
            Class::Disputed => p.metrics.disputed_invoices += 1,
            Class::Grace(until) => {
                p.grace_invoices += 1;
                p.grace_until = Some(p.grace_until.map_or(until, |g| g.min(until)));
            }
            Class::AutoPending => p.auto_pending += 1,
            Class::NotDue(days_until) => {
                let large = policy
                    .courtesy
                    .min_amount
                    .get(&inv.currency)
                    .is_some_and(|min| inv.total >= *min);
                if policy.courtesy.enabled
                    && large
                    && !inv.auto_collection
                    && days_until <= i64::from(policy.courtesy.days_before_due)
                    && !courtesy_sent(s, &inv.id)
                    && p.courtesy.is_none_or(|(_, d)| days_until < d)
                {
                    p.courtesy = Some((i, days_until));
                }
            }
            Class::Promised => {
                p.metrics.promised_invoices += 1;
                p.episode_start = Some(
                    p.episode_start
                        .map_or(inv.due_date, |d| d.min(inv.due_date)),
                );
                p.overdue_before_promises += 1;
            }
            Class::Overdue(days) => {
                p.overdue_before_promises += 1;
                p.metrics.overdue_invoices += 1;
                p.metrics.oldest_days_overdue = p.metrics.oldest_days_overdue.max(days);
                p.oldest_due = Some(p.oldest_due.map_or(inv.due_date, |d| d.min(inv.due_date)));
                p.episode_start = Some(
                    p.episode_start
                        .map_or(inv.due_date, |d| d.min(inv.due_date)),
                );
                if inv.paid > Decimal::ZERO {
                    p.partially_paid_overdue += 1;
                }
                if let Some(e) = exposure_mut(&mut p.metrics.exposure, inv.currency) {
                    e.overdue += inv.open_amount();
                }
            }
        }
    }
    if p.metrics.paid_invoices_considered > 0 {
        p.metrics.avg_days_late = Some(late_sum / i64::from(p.metrics.paid_invoices_considered));
    }
    let mut share = Decimal::ZERO;
    for e in &p.metrics.exposure {
        if e.open > Decimal::ZERO {
            share = share.max(e.overdue * Decimal::ONE_HUNDRED / e.open);
        }
    }
    p.metrics.overdue_share_percent = share.round_dp(1);
    p
}

/// True when the courtesy notice for invoice `id` was already recorded.
pub(crate) fn courtesy_sent(s: &AccountSnapshot, id: &str) -> bool {
    s.state
        .touches
        .iter()
        .any(|t| t.step_key.strip_prefix("courtesy:") == Some(id))
}
