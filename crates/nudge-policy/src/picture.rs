//! Reading the ledger for the policy: which invoices count, how overdue the account is, how it
//! has paid. One pass over the invoices, no allocation beyond the per-currency exposure list.

use chrono::{Datelike, Days, NaiveDate};
use nudge_core::dispute_effects::{dispute_effect, DisputeEffect};
use nudge_core::ledger::{Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use rust_decimal::Decimal;

use nudge_core::money_arith::{saturating_add, saturating_mul};

use crate::decision::{Exposure, Metrics};
use crate::policy::Policy;
use crate::prefetch::prefetch;
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
    /// A collector paused dunning on this invoice (account overrides).
    Paused,
    Grace(NaiveDate),
    Promised,
    /// Dunnable, with days past due.
    Overdue(i64),
}

/// Days from `from` to `to` (negative when `to` is earlier), via day numbers: cheaper than
/// subtracting dates into a `TimeDelta`.
#[inline]
pub(crate) fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    i64::from(to.num_days_from_ce()) - i64::from(from.num_days_from_ce())
}

/// `inv.open_amount()` with a fast path for the common untouched invoice: decimal subtraction
/// is the most expensive thing `evaluate` does per invoice.
#[inline]
pub(crate) fn open_of(inv: &Invoice) -> Decimal {
    if inv.status != InvoiceStatus::Open {
        Decimal::ZERO
    } else if inv.paid.is_zero() && inv.credited.is_zero() {
        if inv.total.is_sign_negative() {
            Decimal::ZERO
        } else {
            inv.total
        }
    } else {
        nudge_core::money_arith::open_amount(inv)
    }
}

/// Classifies `inv` on `today`.
#[inline]
pub(crate) fn classify(
    inv: &Invoice,
    s: &AccountSnapshot,
    policy: &Policy,
    today: NaiveDate,
    covers: &[PromiseCover<'_>],
) -> Class {
    classify_open(inv, open_of(inv), s, policy, today, covers)
}

/// [`classify`] with the open amount already known.
#[inline]
fn classify_open(
    inv: &Invoice,
    open: Decimal,
    s: &AccountSnapshot,
    policy: &Policy,
    today: NaiveDate,
    covers: &[PromiseCover<'_>],
) -> Class {
    if !is_positive(open) {
        return Class::Closed;
    }
    if s.overrides
        .as_ref()
        .is_some_and(|o| o.paused_invoices.contains(&inv.id))
    {
        return Class::Paused;
    }
    let days = days_between(inv.due_date, today);
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
    // Same rule as `Invoice::is_overdue`: automatic collection must have given up first.
    if inv.auto_collection && !inv.auto_collection_exhausted {
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
    /// Bit `i` set: invoice `i` (for `i < 64`) is dunnable and overdue. Saves classifying the
    /// invoices again when listing them in a decision.
    pub overdue_mask: u64,
}

impl Picture {
    /// Days past due when invoice `i` of `s` is dunnable and overdue, `None` otherwise.
    pub(crate) fn overdue_days(
        &self,
        i: usize,
        inv: &Invoice,
        s: &AccountSnapshot,
        policy: &Policy,
        today: NaiveDate,
        covers: &[PromiseCover<'_>],
    ) -> Option<i64> {
        if i < 64 {
            (self.overdue_mask & (1u64 << i) != 0).then(|| days_between(inv.due_date, today))
        } else {
            match classify(inv, s, policy, today, covers) {
                Class::Overdue(days) => Some(days),
                _ => None,
            }
        }
    }
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
    // Start loading the first invoices together, then stay a few ahead of the loop.
    const AHEAD: usize = 6;
    for inv in s.invoices.iter().take(AHEAD) {
        prefetch(std::slice::from_ref(inv));
    }
    for (i, inv) in s.invoices.iter().enumerate() {
        if let Some(next) = s.invoices.get(i + AHEAD) {
            prefetch(std::slice::from_ref(next));
        }
        if inv.status != InvoiceStatus::Draft && inv.status != InvoiceStatus::Void {
            p.latest_issue = p.latest_issue.max(Some(inv.issue_date));
        }
        if inv.status == InvoiceStatus::Paid {
            if let Some(paid_on) = inv.paid_on {
                if paid_on >= lookback_start {
                    late_sum += days_between(inv.due_date, paid_on).max(0);
                    p.metrics.paid_invoices_considered += 1;
                }
            }
        }
        if inv.status != InvoiceStatus::Open {
            continue;
        }
        let open = open_of(inv);
        let class = classify_open(inv, open, s, policy, today, covers);
        let counted = !matches!(class, Class::Closed | Class::Disputed | Class::Paused);
        if counted {
            if let Some(e) = exposure_mut(&mut p.metrics.exposure, inv.currency) {
                e.open = saturating_add(e.open, open);
            }
        }
        match class {
            Class::Closed => {}
            Class::Disputed => p.metrics.disputed_invoices += 1,
            Class::Paused => p.metrics.paused_invoices += 1,
            Class::Grace(until) => {
                p.grace_invoices += 1;
                p.grace_until = Some(p.grace_until.map_or(until, |g| g.min(until)));
            }
            Class::AutoPending => p.auto_pending += 1,
            Class::NotDue(days_until) => {
                // Cheap tests first: most invoices are not due within the courtesy window.
                if policy.courtesy.enabled
                    && days_until <= i64::from(policy.courtesy.days_before_due)
                    && !inv.auto_collection
                    && p.courtesy.is_none_or(|(_, d)| days_until < d)
                    && policy
                        .courtesy
                        .min_amount
                        .get(&inv.currency)
                        .is_some_and(|min| inv.total >= *min)
                    && !courtesy_sent(s, &inv.id)
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
                if i < 64 {
                    p.overdue_mask |= 1u64 << i;
                }
                p.overdue_before_promises += 1;
                p.metrics.overdue_invoices += 1;
                p.metrics.oldest_days_overdue = p.metrics.oldest_days_overdue.max(days);
                p.oldest_due = Some(p.oldest_due.map_or(inv.due_date, |d| d.min(inv.due_date)));
                p.episode_start = Some(
                    p.episode_start
                        .map_or(inv.due_date, |d| d.min(inv.due_date)),
                );
                if is_positive(inv.paid) {
                    p.partially_paid_overdue += 1;
                }
                if let Some(e) = exposure_mut(&mut p.metrics.exposure, inv.currency) {
                    e.overdue = saturating_add(e.overdue, open);
                }
            }
        }
    }
    if p.metrics.paid_invoices_considered > 0 {
        p.metrics.avg_days_late = Some(late_sum / i64::from(p.metrics.paid_invoices_considered));
    }
    let mut share = Decimal::ZERO;
    for e in &p.metrics.exposure {
        share = share.max(share_percent(e.overdue, e.open));
    }
    p.metrics.overdue_share_percent = share;
    p
}

/// `part` as a percentage of `whole`, rounded down to 0.1, in 0–100. Integer arithmetic on the
/// mantissas when both amounts share a scale (always, within one currency's ledger); decimal
/// division otherwise.
pub(crate) fn share_percent(part: Decimal, whole: Decimal) -> Decimal {
    if !is_positive(whole) || !is_positive(part) {
        return Decimal::ZERO;
    }
    if part >= whole {
        return Decimal::ONE_HUNDRED;
    }
    if part.scale() == whole.scale() {
        let (p, w) = (part.mantissa(), whole.mantissa());
        if let (Ok(p), Ok(w)) = (u64::try_from(p), u64::try_from(w)) {
            if let (Some(scaled), true) = (p.checked_mul(1000), w > 0) {
                return Decimal::new(i64::try_from(scaled / w).unwrap_or(1000), 1);
            }
        }
    }
    (saturating_mul(part, Decimal::ONE_HUNDRED) / whole)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero)
}

/// Strictly positive, without a full decimal comparison.
#[inline]
pub(crate) fn is_positive(d: Decimal) -> bool {
    !d.is_zero() && d.is_sign_positive()
}

/// True when the courtesy notice for invoice `id` was already recorded.
pub(crate) fn courtesy_sent(s: &AccountSnapshot, id: &str) -> bool {
    s.state
        .touches
        .iter()
        .any(|t| t.step_key.strip_prefix("courtesy:") == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn days_between_matches_date_subtraction() {
        let a = NaiveDate::from_ymd_opt(2024, 2, 27).unwrap();
        for n in -800i64..800 {
            let b = a + chrono::Duration::days(n);
            assert_eq!(days_between(a, b), (b - a).num_days());
        }
    }

    #[test]
    fn share_is_rounded_down_to_a_tenth_and_bounded() {
        assert_eq!(share_percent(d("1.00"), d("3.00")), d("33.3"));
        assert_eq!(share_percent(d("2.00"), d("3.00")), d("66.6"));
        assert_eq!(share_percent(d("2"), d("3.000")), d("66.6"));
        assert_eq!(share_percent(d("5.00"), d("3.00")), d("100"));
        assert_eq!(share_percent(d("0"), d("3.00")), d("0"));
        assert_eq!(share_percent(d("1"), d("0")), d("0"));
        assert_eq!(share_percent(d("-1"), d("10")), d("0"));
    }
}
