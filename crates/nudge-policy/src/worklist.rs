//! `worklist`: which accounts need a person, and which of them first.
//!
//! [`assess`] looks at one account (its snapshot and the decision `evaluate` just made) and says
//! whether a person is needed and why ([`Need`]), with its value at risk per currency. [`rank`]
//! orders the assessed accounts by value at risk.
//!
//! # Value at risk
//! Per currency, over the account's past-due invoices (open, a balance left, due date before
//! today in the account's timezone, and not still being collected automatically — disputed and
//! promised invoices count: a dispute or a promise does not make the money safe):
//!
//! ```text
//! value at risk = Σ open_i × min(days_past_due_i, 90) / 90      (age-weighted overdue)
//!               × (1 + min(avg_days_late, 60) / 60 + 0.25 × min(broken_promises, 4))
//! ```
//!
//! The age factor grows linearly to 1 at 90 days past due (older money is less likely to come
//! in; beyond 90 days every invoice counts in full). The behaviour factor, from 1 to 3, comes
//! from the decision's [`Metrics`](crate::Metrics): average days late over paid invoices in the
//! policy's lookback (none without history) and promises broken within it. The product is
//! computed exactly (integers up to one division) and rounded once to the currency's minor
//! unit, half away from zero.
//!
//! # Currencies
//! Amounts in different currencies are never added or converted: an account has one value at
//! risk per currency it owes in, and [`rank`] makes one ranked list per currency (an account
//! owing in two appears in both). A caller wanting a single list can convert the scores, which
//! are amounts in their currency, with rates of its choosing.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::approval::ApprovalStatus;
use nudge_core::dispute::DisputeStatus;
use nudge_core::ledger::InvoiceStatus;
use nudge_core::money::Currency;
use nudge_core::money_arith::{open_amount, saturating_add, saturating_mul};
use nudge_core::promise::PromiseStatus;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::contact::{choose_contact, ContactPurpose};
use crate::decision::{Action, Decision};
use crate::picture::{days_between, is_positive};
use crate::policy::Policy;
use crate::reason::ReasonCode;
use crate::snapshot::AccountSnapshot;

/// Days past due from which an invoice counts in full.
pub const AGE_CAP_DAYS: i64 = 90;
/// Average days late from which the lateness part of the behaviour factor stops growing.
pub const LATENESS_CAP_DAYS: i64 = 60;
/// Broken promises from which the promise part of the behaviour factor stops growing.
pub const BROKEN_PROMISES_CAP: u32 = 4;

/// Why an account needs a person. Ordered as listed (the order of [`WorkItem::needs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Tasks are open for the account (their kinds are in [`WorkItem::open_tasks`]).
    OpenTask,
    /// A proposed final escalation waits for a person's approval.
    PendingApproval,
    /// A dispute is open.
    OpenDispute,
    /// A promise about the money past due now was broken (its date plus grace passed after the
    /// oldest past-due invoice fell due).
    BrokenPromise,
    /// Money is past due and nobody at the customer is reachable.
    NoReachableContact,
    /// The account's state calls for more than its cap (strategic or per-account) allows, and
    /// the escalation has reached the cap: the owner has to step in.
    CapReached,
}

/// One currency's part of an account's value at risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyRisk {
    /// The currency of both amounts.
    pub currency: Currency,
    /// Open amount of the counted past-due invoices, unweighted.
    pub overdue: Decimal,
    /// How many invoices were counted.
    pub invoices: u32,
    /// Days past due of the oldest counted invoice.
    pub oldest_days_overdue: i64,
    /// The value at risk (see the module documentation), rounded to the minor unit.
    pub score: Decimal,
}

/// One account that needs a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    /// The account's id.
    pub account_id: String,
    /// The account's name.
    pub account_name: String,
    /// Who owns the relationship, when known.
    pub owner: Option<String>,
    /// Why a person is needed, at least one, in [`Need`] order.
    pub needs: Vec<Need>,
    /// Kinds of the open tasks (the caller's, then the one the decision creates), each once.
    pub open_tasks: Vec<String>,
    /// The behaviour factor applied, 1 to 3, rounded to four places for display.
    pub behaviour_factor: Decimal,
    /// Value at risk per currency with anything past due, by currency code.
    pub at_risk: Vec<CurrencyRisk>,
}

/// Says whether the account needs a person, why, and how much is at risk; `None` when nobody
/// needs to look at it.
///
/// `decision` is `evaluate(snapshot, policy, now)`; `open_tasks` are the kinds of the account's
/// open tasks (the tasks table lives outside the policy). Needs are derived as follows:
/// open tasks from `open_tasks` and a task the decision creates; a pending approval from the
/// snapshot's approvals or an approval the decision proposes or awaits; an open dispute from the
/// snapshot's disputes; a broken promise from the snapshot's promises and the decision's
/// `promise_updates`, when it broke after the oldest past-due invoice fell due; no reachable
/// contact when no contact can receive a reminder and money is past due (or the decision says
/// so); cap reached when the decision's stage is above the account's cap and the decision holds
/// at the cap or hands over to the owner, or an owner-review task was recorded since the oldest
/// past-due invoice fell due.
pub fn assess(
    snapshot: &AccountSnapshot,
    decision: &Decision<'_>,
    policy: &Policy,
    now: DateTime<Utc>,
    open_tasks: &[&str],
) -> Option<WorkItem> {
    let s = snapshot;
    let today = now.with_timezone(&s.account.timezone).date_naive();
    let b60 = behaviour_sixtieths(
        decision.metrics.avg_days_late,
        decision.metrics.broken_promises,
    );
    let (at_risk, oldest_due) = value_at_risk(s, today, b60);
    let past_due = !at_risk.is_empty();
    let said = |code: ReasonCode| decision.reasons.iter().any(|r| r.code == code);

    let mut tasks: Vec<String> = Vec::new();
    let decided_task = match &decision.action {
        Action::Task(t) => Some(t.kind.as_str()),
        _ => None,
    };
    for kind in open_tasks.iter().copied().chain(decided_task) {
        if !tasks.iter().any(|t| t == kind) {
            tasks.push(kind.to_string());
        }
    }

    let mut needs = Vec::new();
    if !tasks.is_empty() {
        needs.push(Need::OpenTask);
    }
    if s.approvals
        .iter()
        .any(|a| a.status == ApprovalStatus::Pending)
        || matches!(decision.action, Action::Approval(_))
        || said(ReasonCode::AwaitingApproval)
    {
        needs.push(Need::PendingApproval);
    }
    if s.disputes.iter().any(|d| d.status == DisputeStatus::Open) {
        needs.push(Need::OpenDispute);
    }
    if oldest_due.is_some_and(|start| broken_since(s, decision, policy, start)) {
        needs.push(Need::BrokenPromise);
    }
    if (past_due || said(ReasonCode::NoReachableContact))
        && choose_contact(&s.contacts, ContactPurpose::Reminder).is_none()
    {
        needs.push(Need::NoReachableContact);
    }
    let cap = s
        .overrides
        .as_ref()
        .and_then(|o| o.cap)
        .or(s.account.strategic.then_some(policy.strategic.cap));
    if cap.is_some_and(|c| decision.stage > c) {
        // The reasons only show the cap when the cadence gate let the evaluation get that far;
        // the owner-review touch remembers it in between.
        let owner_task_this_episode = oldest_due.is_some_and(|start| {
            s.state
                .touches
                .iter()
                .any(|t| t.step_key.starts_with("owner_review:") && t.at.date_naive() >= start)
        });
        if said(ReasonCode::StageCapped)
            || said(ReasonCode::CapExceededOwnerTask)
            || owner_task_this_episode
        {
            needs.push(Need::CapReached);
        }
    }
    if needs.is_empty() {
        return None;
    }
    Some(WorkItem {
        account_id: s.account.id.clone(),
        account_name: s.account.name.clone(),
        owner: s.account.owner.clone(),
        needs,
        open_tasks: tasks,
        behaviour_factor: (Decimal::from(b60) / Decimal::from(60)).round_dp(4),
        at_risk,
    })
}

/// The account's value at risk per currency (by currency code) and the due date of its oldest
/// counted invoice.
fn value_at_risk(
    s: &AccountSnapshot,
    today: NaiveDate,
    b60: u32,
) -> (Vec<CurrencyRisk>, Option<NaiveDate>) {
    // Per currency: (currency, overdue, Σ open × capped days, invoices, oldest days).
    let mut sums: Vec<(Currency, Decimal, Decimal, u32, i64)> = Vec::new();
    let mut oldest_due: Option<NaiveDate> = None;
    for inv in &s.invoices {
        // As `Invoice::is_overdue`: automatic collection must have given up first.
        if inv.status != InvoiceStatus::Open
            || (inv.auto_collection && !inv.auto_collection_exhausted)
        {
            continue;
        }
        let open = open_amount(inv);
        let days = days_between(inv.due_date, today);
        if !is_positive(open) || days <= 0 {
            continue;
        }
        oldest_due = Some(oldest_due.map_or(inv.due_date, |d| d.min(inv.due_date)));
        let weighted = saturating_mul(open, Decimal::from(days.min(AGE_CAP_DAYS)));
        match sums.iter_mut().find(|e| e.0 == inv.currency) {
            Some(e) => {
                e.1 = saturating_add(e.1, open);
                e.2 = saturating_add(e.2, weighted);
                e.3 = e.3.saturating_add(1);
                e.4 = e.4.max(days);
            }
            None => sums.push((inv.currency, open, weighted, 1, days)),
        }
    }
    nudge_core::order::sort_by_key(&mut sums, |e| e.0);
    let risks = sums
        .into_iter()
        .map(
            |(currency, overdue, weighted, invoices, oldest)| CurrencyRisk {
                currency,
                overdue,
                invoices,
                oldest_days_overdue: oldest,
                score: score(currency, weighted, b60),
            },
        )
        .collect();
    (risks, oldest_due)
}

/// True when a promise broke (in the snapshot, or in this decision) after `start`, the due date
/// of the oldest past-due invoice: a promise about the money owed now. Older broken promises
/// still weigh in the behaviour factor but need nobody.
fn broken_since(
    s: &AccountSnapshot,
    decision: &Decision<'_>,
    policy: &Policy,
    start: NaiveDate,
) -> bool {
    s.promises.iter().any(|p| {
        let broken = p.status == PromiseStatus::Broken
            || decision
                .promise_updates
                .iter()
                .any(|(id, st)| *id == p.id && *st == PromiseStatus::Broken);
        let deadline = policy
            .calendar
            .add_business_days(p.promised_date, policy.promises.grace_business_days);
        broken && deadline >= start
    })
}

/// The behaviour factor in sixtieths, so the score needs a single division:
/// `60 + min(avg_days_late, 60) + 15 × min(broken_promises, 4)`, i.e. 60 to 180.
fn behaviour_sixtieths(avg_days_late: Option<i64>, broken_promises: u32) -> u32 {
    let late = avg_days_late.unwrap_or(0).clamp(0, LATENESS_CAP_DAYS);
    let late = u32::try_from(late).unwrap_or(0);
    60 + late + 15 * broken_promises.min(BROKEN_PROMISES_CAP)
}

/// `weighted_days × b60 / (90 × 60)`, rounded to the currency's minor unit.
fn score(currency: Currency, weighted_days: Decimal, b60: u32) -> Decimal {
    let numerator = saturating_mul(weighted_days, Decimal::from(b60));
    // The divisor is a positive constant: the quotient is never larger than the numerator.
    let divisor = Decimal::from(AGE_CAP_DAYS * LATENESS_CAP_DAYS);
    currency.round(numerator.checked_div(divisor).unwrap_or(numerator))
}

/// One account in a currency's ranked list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkEntry {
    /// Position in its list, from 1.
    pub rank: u32,
    /// The account's id.
    pub account_id: String,
    /// The account's name.
    pub account_name: String,
    /// Who owns the relationship, when known.
    pub owner: Option<String>,
    /// Why a person is needed.
    pub needs: Vec<Need>,
    /// Kinds of the open tasks.
    pub open_tasks: Vec<String>,
    /// The behaviour factor applied.
    pub behaviour_factor: Decimal,
    /// The account's value at risk in this list's currency (zero in `nothing_overdue`).
    pub score: Decimal,
    /// Its past-due amount in this currency, unweighted.
    pub overdue: Decimal,
    /// Days past due of its oldest counted invoice in this currency.
    pub oldest_days_overdue: i64,
}

/// The accounts of one currency, highest value at risk first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyWorklist {
    /// The list's currency.
    pub currency: Currency,
    /// Ranked entries.
    pub entries: Vec<WorkEntry>,
}

/// Every account that needs a person: ranked per currency, then those with nothing past due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worklist {
    /// One list per currency, by currency code.
    pub by_currency: Vec<CurrencyWorklist>,
    /// Accounts needing a person with nothing past due (an open dispute on an invoice not yet
    /// due, a task…): no money to rank them by, so by account id; scores are zero.
    pub nothing_overdue: Vec<WorkEntry>,
}

fn entry(item: &WorkItem, risk: Option<&CurrencyRisk>) -> WorkEntry {
    WorkEntry {
        rank: 0,
        account_id: item.account_id.clone(),
        account_name: item.account_name.clone(),
        owner: item.owner.clone(),
        needs: item.needs.clone(),
        open_tasks: item.open_tasks.clone(),
        behaviour_factor: item.behaviour_factor,
        score: risk.map_or(Decimal::ZERO, |r| r.score),
        overdue: risk.map_or(Decimal::ZERO, |r| r.overdue),
        oldest_days_overdue: risk.map_or(0, |r| r.oldest_days_overdue),
    }
}

fn number(entries: &mut [WorkEntry]) {
    for (i, e) in entries.iter_mut().enumerate() {
        e.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
}

/// Ranks assessed accounts within each currency: value at risk, highest first; ties by the
/// past-due amount, then the oldest invoice's age (both higher first), then account id, so the
/// order never depends on the input order.
pub fn rank(items: &[WorkItem]) -> Worklist {
    let mut lists: Vec<CurrencyWorklist> = Vec::new();
    let mut nothing_overdue = Vec::new();
    for item in items {
        if item.at_risk.is_empty() {
            nothing_overdue.push(entry(item, None));
        }
        for risk in &item.at_risk {
            let e = entry(item, Some(risk));
            match lists.iter_mut().find(|l| l.currency == risk.currency) {
                Some(l) => l.entries.push(e),
                None => lists.push(CurrencyWorklist {
                    currency: risk.currency,
                    entries: vec![e],
                }),
            }
        }
    }
    nudge_core::order::sort_by_key(&mut lists, |l| l.currency);
    for l in &mut lists {
        nudge_core::order::sort_by(&mut l.entries, |a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| b.overdue.cmp(&a.overdue))
                .then_with(|| b.oldest_days_overdue.cmp(&a.oldest_days_overdue))
                .then_with(|| a.account_id.cmp(&b.account_id))
        });
        number(&mut l.entries);
    }
    nudge_core::order::sort_by(&mut nothing_overdue, |a, b| a.account_id.cmp(&b.account_id));
    number(&mut nothing_overdue);
    Worklist {
        by_currency: lists,
        nothing_overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_behaviour_factor_runs_from_one_to_three() {
        assert_eq!(behaviour_sixtieths(None, 0), 60);
        assert_eq!(behaviour_sixtieths(Some(-4), 0), 60);
        assert_eq!(behaviour_sixtieths(Some(30), 2), 120);
        assert_eq!(behaviour_sixtieths(Some(400), 9), 180);
    }

    #[test]
    fn scores_are_exact_until_one_rounding() {
        // 1000 × 45 days × factor 1: 45000 × 60 / 5400 = 500.
        assert_eq!(score(Currency::EUR, dec("45000"), 60), dec("500.00"));
        // 100 × 1 day × factor 1.5: 100 × 90 / 5400 = 1.6666… → 1.67.
        assert_eq!(score(Currency::EUR, dec("100"), 90), dec("1.67"));
        // Yen have no minor unit.
        assert_eq!(score(Currency::JPY, dec("100"), 90), dec("2"));
        // Absurd ledgers saturate instead of panicking.
        assert_eq!(
            score(Currency::EUR, Decimal::MAX, 180),
            Currency::EUR.round(Decimal::MAX / Decimal::from(5400))
        );
    }
}
