//! The numbers a finance team runs collections by, as pure functions of account books.
//!
//! [`compute`] takes one [`AccountFacts`] per account (its [`AccountBook`], its current stage,
//! its message counts for the period), a [`Period`] `[from, to)`, an optional currency and
//! `now`, and returns [`Metrics`]: DSO (count-back, best possible, simple), CEI, aging, overdue
//! exposure and escalation by stage, promise-kept rate, disputes by category, message and reply
//! rates, unapplied cash. The formulas are in the README ("Metrics") and on each item.
//!
//! Money metrics are per currency and never add two currencies. Balances at past dates are
//! rebuilt from the book's dated rows (see `restate`): metrics for a past period computed today
//! use what the ledger knows today (a payment received in March but recorded in April counts as
//! received in March).
//!
//! Like the rest of the domain this crate has no I/O and no clock: `now` and the period are
//! arguments, and the Workers shell fills the inputs.

#![warn(missing_docs)]

mod cash;
mod disputes;
mod exposure;
mod facts;
mod messages;
mod period;
mod promises;
mod ratio;
mod receivables;
mod restate;

#[cfg(test)]
mod test_support;

use chrono::{DateTime, Utc};
use nudge_core::money::Currency;
use serde::Serialize;

pub use cash::UnappliedCash;
pub use disputes::{dispute_metrics, CategoryLine, DisputeLine, DisputeMetrics};
pub use exposure::{AgingBuckets, Escalation, StageExposure, StageShare};
pub use facts::{AccountFacts, MessageCounts, NO_STAGE};
pub use messages::{message_metrics, MessageMetrics};
pub use period::{Period, PeriodError};
pub use promises::{promise_metrics, BrokenPromise, PromiseMetrics, PromiseRules};
pub use receivables::{
    best_possible_dso, cei, count_back_dso, simple_dso, Dso, Receivables, SalesSlice,
};

#[doc(no_inline)]
pub use nudge_core::ledger::AccountBook;

/// Everything, for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metrics {
    /// The period measured, `[from, to)`.
    pub period: Period,
    /// The currency asked for, or `None` for every currency in the book.
    pub currency: Option<Currency>,
    /// When the figures were computed (promise outcomes are judged at this moment).
    pub computed_at: DateTime<Utc>,
    /// One entry per currency, in code order: everything measured in money.
    pub currencies: Vec<CurrencyMetrics>,
    /// Share of the accounts with something overdue at `to` at each stage.
    pub escalation: Escalation,
    /// Promises dated in the period: kept rate and the broken ones.
    pub promises: PromiseMetrics,
    /// Disputes opened and resolved in the period, by category.
    pub disputes: DisputeMetrics,
    /// Messages sent and replies received in the period.
    pub messages: MessageMetrics,
}

/// The money metrics of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrencyMetrics {
    /// The currency every amount below is in.
    pub currency: Currency,
    /// Balances at both ends of the period and the credit sales in it.
    pub receivables: Receivables,
    /// Days sales outstanding: count-back, best possible, simple.
    pub dso: Dso,
    /// Collection Effectiveness Index over the period, percent, one decimal.
    pub cei: Option<rust_decimal::Decimal>,
    /// The whole book at `to`, by days past due.
    pub aging: AgingBuckets,
    /// Overdue at `to` by the account's current stage; adds up to `aging.overdue`.
    pub overdue_by_stage: Vec<StageExposure>,
    /// Payments received before `to` with a part not applied to any invoice.
    pub unapplied_cash: UnappliedCash,
}

/// Options that the policy, not the metrics, decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// How promises are judged kept or broken (the policy's grace and calendar).
    pub promises: PromiseRules,
}

/// Every metric over `period` for `accounts`, in `currency` only when one is given, with
/// promises judged at `now` by the default policy's rules (2 business days of grace, Monday to
/// Friday). [`compute_with`] takes the rules of a configured policy.
///
/// The currency filter applies to what is measured in money (receivables, DSO, CEI, aging,
/// exposure, unapplied cash) and to which accounts count as overdue for the escalation rate;
/// promise, dispute and message counts cover all `accounts` given (pass only the accounts
/// wanted to narrow them).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use nudge_core::ledger::{Account, AccountBook};
/// use nudge_metrics::{compute, AccountFacts, Period};
///
/// let accounts = vec![AccountFacts::from_book(AccountBook::new(Account::new("acme", "Acme")))];
/// let now = Utc.with_ymd_and_hms(2026, 4, 1, 6, 0, 0).unwrap();
/// let march = compute(&accounts, &Period::month(2026, 3)?, None, now);
/// assert!(march.currencies.is_empty()); // nothing invoiced, so no currency to report
/// # Ok::<(), nudge_metrics::PeriodError>(())
/// ```
pub fn compute(
    accounts: &[AccountFacts],
    period: &Period,
    currency: Option<Currency>,
    now: DateTime<Utc>,
) -> Metrics {
    compute_with(accounts, period, currency, now, &Options::default())
}

/// [`compute`] with explicit [`Options`].
pub fn compute_with(
    accounts: &[AccountFacts],
    period: &Period,
    currency: Option<Currency>,
    now: DateTime<Utc>,
    options: &Options,
) -> Metrics {
    let views = restate::views(accounts, currency);
    let exposure = exposure::exposure(&views, period.to());
    let mut unapplied = cash::unapplied_cash(accounts, period.to(), currency);

    // Every currency with a receivable or unapplied cash; the one asked for even when empty,
    // so a caller asking for JPY gets a JPY line of zeros rather than nothing.
    let mut codes: Vec<Currency> = views
        .iter()
        .flat_map(|v| v.invoices.iter().map(|h| h.currency()))
        .chain(unapplied.keys().copied())
        .chain(currency)
        .collect();
    nudge_core::order::sort(&mut codes);
    codes.dedup();

    let currencies = codes
        .into_iter()
        .map(|c| {
            let invoices: Vec<_> = views
                .iter()
                .flat_map(|v| v.invoices.iter())
                .filter(|h| h.currency() == c)
                .collect();
            let (receivables, dso, cei) = receivables::receivables(c, &invoices, period);
            let mut cash = unapplied.remove(&c).unwrap_or_default();
            cash.amount = c.round(cash.amount);
            CurrencyMetrics {
                currency: c,
                receivables,
                dso,
                cei,
                aging: AgingBuckets::of(&exposure.aging, c),
                overdue_by_stage: exposure.stages(c),
                unapplied_cash: cash,
            }
        })
        .collect();

    Metrics {
        period: *period,
        currency,
        computed_at: now,
        currencies,
        escalation: exposure.escalation,
        promises: promise_metrics(accounts, period, now, &options.promises),
        disputes: dispute_metrics(accounts, period),
        messages: message_metrics(accounts),
    }
}
