//! Cash application: which open invoices does a payment without allocations pay?
//!
//! Evidence is tried from strongest to weakest: the invoice numbers in the remittance text, a
//! single invoice of exactly the amount, a unique combination of invoices summing exactly to the
//! amount (bounded search), and oldest-first only for customers who asked for it. Every result has
//! a confidence (percent); below [`MatchOptions::threshold`] nothing is applied automatically and
//! the payment waits for a person with [`Suggestion`]s. Currencies are never mixed: invoices in
//! another currency than the payment are not candidates.
//!
//! Guarantees (property-tested): allocations never exceed the payment's unapplied amount nor any
//! invoice's open amount, each invoice appears at most once, and
//! `sum(allocations) + unapplied == max(payment.unapplied(), 0)` (never a negative credit).

mod reference;
mod subset;

use nudge_core::ledger::{Account, Allocation, Invoice, InvoiceStatus, Payment};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use reference::{NumberKey, RefStrength, Remittance};
pub use subset::{find_subsets, SubsetSearch};

use crate::change::OLDEST_FIRST_TAG;

/// Hard ceiling on the invoices a combination search considers, whatever the options say: the
/// search recurses once per invoice and must stay shallow on a Worker's small stack.
pub const MAX_SEARCH_INVOICES: usize = 64;

/// Knobs of the matcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchOptions {
    /// Minimum confidence (percent) to apply without a person. Default 80.
    pub threshold: u8,
    /// The customer asked for unreferenced payments to go to the oldest invoices first.
    pub oldest_first_allowed: bool,
    /// The combination search considers at most this many invoices (the oldest by due date).
    pub max_subset_invoices: usize,
    /// Node budget of the combination search.
    pub node_budget: u32,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            threshold: 80,
            oldest_first_allowed: false,
            max_subset_invoices: 25,
            node_budget: 200_000,
        }
    }
}

impl MatchOptions {
    /// Defaults, with oldest-first allowed when the account carries [`OLDEST_FIRST_TAG`].
    pub fn for_account(account: &Account) -> Self {
        MatchOptions {
            oldest_first_allowed: account.tags.iter().any(|t| t == OLDEST_FIRST_TAG),
            ..MatchOptions::default()
        }
    }
}

/// Which evidence produced a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// Invoice numbers found in the remittance text.
    Reference,
    /// One invoice open for exactly the amount.
    ExactAmount,
    /// Several invoices summing exactly to the amount.
    Combination,
    /// Oldest invoices first (only for customers who opted in).
    OldestFirst,
    None,
}

/// A possible allocation offered to a person when the match is not confident enough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub allocations: Vec<Allocation>,
    pub confidence: u8,
    pub method: MatchMethod,
    pub reason: String,
}

/// The matcher's verdict on one payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchResult {
    /// The best allocation found (empty when there is none or it is ambiguous).
    pub allocations: Vec<Allocation>,
    /// Confidence in `allocations`, 0–100.
    pub confidence: u8,
    pub method: MatchMethod,
    /// Alternatives for a person (set when `auto_apply` is false, and on ambiguity).
    pub suggestions: Vec<Suggestion>,
    /// What is left after `allocations`: a credit balance once applied.
    pub unapplied: Decimal,
    /// True when `allocations` may be applied without a person.
    pub auto_apply: bool,
    /// Why, in a sentence for the operator.
    pub reason: String,
}

/// An open invoice as the matcher sees it.
struct Candidate<'a> {
    invoice: &'a Invoice,
    open: Decimal,
}

/// Matches `payment` (its unapplied part) to `open_invoices` of the same account. Invoices that
/// are not open, have nothing open or are in another currency are ignored.
pub fn match_payment(
    payment: &Payment,
    open_invoices: &[Invoice],
    opts: &MatchOptions,
) -> MatchResult {
    let allocated = payment
        .allocations
        .iter()
        .map(|a| a.amount)
        .fold(Decimal::ZERO, add);
    // Never below zero: a payment already allocated beyond its amount (or a negative one, which
    // validation refuses upstream) has nothing to apply and no (negative) credit to leave.
    let amount = payment
        .amount
        .checked_sub(allocated)
        .unwrap_or(Decimal::ZERO)
        .max(Decimal::ZERO);
    let mut candidates: Vec<Candidate<'_>> = open_invoices
        .iter()
        .filter(|inv| inv.status == InvoiceStatus::Open && inv.currency == payment.currency)
        .map(|inv| Candidate {
            invoice: inv,
            open: inv.open_amount(),
        })
        .filter(|c| c.open > Decimal::ZERO)
        .collect();
    // Oldest first everywhere, so every tie is broken the same, explainable way.
    nudge_core::order::sort_by(&mut candidates, |a, b| {
        (
            a.invoice.due_date,
            a.invoice.issue_date,
            &a.invoice.number,
            &a.invoice.id,
        )
            .cmp(&(
                b.invoice.due_date,
                b.invoice.issue_date,
                &b.invoice.number,
                &b.invoice.id,
            ))
    });
    // The same invoice passed twice must not be paid twice.
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|c| seen.insert(c.invoice.id.as_str()));

    let mut m = Matcher {
        amount,
        candidates,
        opts,
    };
    let mut result = m.run(payment);
    result.auto_apply = result.confidence >= opts.threshold && !result.allocations.is_empty();
    result
}

struct Matcher<'a> {
    amount: Decimal,
    candidates: Vec<Candidate<'a>>,
    opts: &'a MatchOptions,
}

/// Addition that saturates instead of panicking on absurd amounts (validated inputs never get
/// near the limit).
fn add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(Decimal::MAX)
}

fn alloc(c: &Candidate<'_>, amount: Decimal) -> Allocation {
    Allocation {
        invoice_id: c.invoice.id.clone(),
        amount,
    }
}

fn numbers(cands: &[&Candidate<'_>]) -> String {
    cands
        .iter()
        .map(|c| c.invoice.number.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Matcher<'a> {
    fn result(
        &self,
        allocations: Vec<Allocation>,
        confidence: u8,
        method: MatchMethod,
        suggestions: Vec<Suggestion>,
        reason: String,
    ) -> MatchResult {
        let applied: Decimal = allocations
            .iter()
            .map(|a| a.amount)
            .fold(Decimal::ZERO, add);
        MatchResult {
            allocations,
            confidence,
            method,
            suggestions,
            unapplied: self.amount - applied,
            auto_apply: false,
            reason,
        }
    }

    fn none(&self, reason: &str, suggestions: Vec<Suggestion>) -> MatchResult {
        self.result(
            Vec::new(),
            0,
            MatchMethod::None,
            suggestions,
            reason.to_string(),
        )
    }

    /// Fills `cands` in order until the money runs out.
    fn fill(&self, cands: &[&Candidate<'_>], mut money: Decimal) -> Vec<Allocation> {
        let mut out = Vec::new();
        for c in cands {
            if money <= Decimal::ZERO {
                break;
            }
            let share = c.open.min(money);
            out.push(alloc(c, share));
            money -= share;
        }
        out
    }

    fn run(&mut self, payment: &Payment) -> MatchResult {
        if self.amount <= Decimal::ZERO {
            return self.none("nothing left to apply", Vec::new());
        }
        if self.candidates.is_empty() {
            return self.none(
                &format!("no open invoice in {}", payment.currency),
                Vec::new(),
            );
        }
        let remittance = payment
            .reference
            .as_deref()
            .map(Remittance::of)
            .filter(|r| !r.is_empty());
        let mut full: Vec<&Candidate<'_>> = Vec::new();
        let mut tail: Vec<&Candidate<'_>> = Vec::new();
        if let Some(r) = &remittance {
            for c in &self.candidates {
                // Customers quote the invoice number or their own PO number.
                let by_number = r.strength(&NumberKey::of(&c.invoice.number));
                let by_po = c
                    .invoice
                    .po_number
                    .as_deref()
                    .map_or(RefStrength::None, |po| r.strength(&NumberKey::of(po)));
                match by_number.max(by_po) {
                    RefStrength::Full => full.push(c),
                    RefStrength::Tail => tail.push(c),
                    RefStrength::None => {}
                }
            }
        }
        if !full.is_empty() {
            return self.by_reference(&full, true);
        }
        if !tail.is_empty() {
            let sum: Decimal = tail.iter().map(|c| c.open).fold(Decimal::ZERO, add);
            if sum == self.amount {
                // A partial number confirmed by the exact amount.
                let allocations = self.fill(&tail, self.amount);
                return self.result(
                    allocations,
                    90,
                    MatchMethod::Reference,
                    Vec::new(),
                    format!(
                        "reference names {} in part and the amount matches exactly",
                        numbers(&tail)
                    ),
                );
            }
        }
        if let [only] = tail
            .iter()
            .filter(|c| c.open == self.amount)
            .copied()
            .collect::<Vec<_>>()
            .as_slice()
        {
            // Of the invoices sharing the serial, one is open for exactly the amount.
            return self.result(
                vec![alloc(only, only.open)],
                88,
                MatchMethod::Reference,
                Vec::new(),
                format!(
                    "reference names {} in part and it is open for exactly the amount",
                    only.invoice.number
                ),
            );
        }
        let hint = (!tail.is_empty()).then(|| self.by_reference(&tail, false));
        if let Some(r) = self.by_exact_amount(hint.is_some()) {
            return r;
        }
        if let Some(r) = self.by_combination() {
            return r;
        }
        if let Some(hint) = hint {
            return hint;
        }
        if self.opts.oldest_first_allowed {
            let all: Vec<&Candidate<'_>> = self.candidates.iter().collect();
            let allocations = self.fill(&all, self.amount);
            return self.result(
                allocations,
                85,
                MatchMethod::OldestFirst,
                Vec::new(),
                "no reference or exact amount; the customer asked for oldest invoices first".into(),
            );
        }
        let suggestions = self.near_amount_suggestions();
        self.none(
            "no invoice number in the reference and no invoice or combination matches the amount",
            suggestions,
        )
    }

    /// Invoices named in the reference: pay them, oldest first; the amount decides confidence.
    fn by_reference(&self, named: &[&Candidate<'_>], whole_number: bool) -> MatchResult {
        let sum: Decimal = named.iter().map(|c| c.open).fold(Decimal::ZERO, add);
        let list = numbers(named);
        let (base, part) = if whole_number {
            (0u8, "")
        } else {
            // Only the serial matched: the same digits may belong to another year's invoice.
            (25u8, " (partial number)")
        };
        if self.amount == sum {
            let allocations = self.fill(named, self.amount);
            return self.result(
                allocations,
                98u8.saturating_sub(base),
                MatchMethod::Reference,
                Vec::new(),
                format!("reference names {list}{part} and the amount matches"),
            );
        }
        if self.amount > sum {
            let mut allocations = self.fill(named, sum);
            let remainder = self.amount - sum;
            // The extra may pay other invoices exactly; otherwise it is a credit balance.
            let named_ids: Vec<&str> = named.iter().map(|c| c.invoice.id.as_str()).collect();
            let others: Vec<&Candidate<'_>> = self
                .candidates
                .iter()
                .filter(|c| !named_ids.contains(&c.invoice.id.as_str()))
                .collect();
            let search = self.search(&others, remainder, 1);
            if let ([only], false) = (search.solutions.as_slice(), search.exhausted) {
                let extra: Vec<&Candidate<'_>> = only
                    .iter()
                    .filter_map(|i| others.get(*i).copied())
                    .collect();
                allocations.extend(extra.iter().map(|c| alloc(c, c.open)));
                return self.result(
                    allocations,
                    85u8.saturating_sub(base),
                    MatchMethod::Combination,
                    Vec::new(),
                    format!(
                        "reference names {list}{part}; the rest pays {} exactly",
                        numbers(&extra)
                    ),
                );
            }
            return self.result(
                allocations,
                90u8.saturating_sub(base),
                MatchMethod::Reference,
                Vec::new(),
                format!("reference names {list}{part}; overpaid by {remainder}, kept as credit"),
            );
        }
        // Less than the named invoices ask: a partial payment.
        let exact_elsewhere: Vec<&Candidate<'_>> = self
            .candidates
            .iter()
            .filter(|c| {
                c.open == self.amount && !named.iter().any(|n| n.invoice.id == c.invoice.id)
            })
            .collect();
        if named.len() > 1 {
            let search = self.search(named, self.amount, 1);
            if let ([only], false) = (search.solutions.as_slice(), search.exhausted) {
                let paid: Vec<&Candidate<'_>> =
                    only.iter().filter_map(|i| named.get(*i).copied()).collect();
                let allocations = paid.iter().map(|c| alloc(c, c.open)).collect();
                return self.result(
                    allocations,
                    90u8.saturating_sub(base),
                    MatchMethod::Reference,
                    Vec::new(),
                    format!(
                        "reference names {list}{part}; the amount pays {} exactly",
                        numbers(&paid)
                    ),
                );
            }
        }
        let allocations = self.fill(named, self.amount);
        let mut suggestions = Vec::new();
        let confidence: u8 = if !exact_elsewhere.is_empty() {
            // The amount points elsewhere: let a person decide.
            for c in &exact_elsewhere {
                suggestions.push(Suggestion {
                    allocations: vec![alloc(c, c.open)],
                    confidence: 50,
                    method: MatchMethod::ExactAmount,
                    reason: format!("{} is open for exactly the amount", c.invoice.number),
                });
            }
            60
        } else if named.len() == 1 {
            90
        } else {
            70
        };
        let confidence = confidence.saturating_sub(base);
        if confidence < self.opts.threshold {
            suggestions.insert(
                0,
                Suggestion {
                    allocations: allocations.clone(),
                    confidence,
                    method: MatchMethod::Reference,
                    reason: format!("partial payment of {list}{part}"),
                },
            );
        }
        self.result(
            allocations,
            confidence,
            MatchMethod::Reference,
            suggestions,
            format!("reference names {list}{part}; partial payment"),
        )
    }

    /// One invoice open for exactly the amount.
    fn by_exact_amount(&self, conflicting_hint: bool) -> Option<MatchResult> {
        let exact: Vec<&Candidate<'_>> = self
            .candidates
            .iter()
            .filter(|c| c.open == self.amount)
            .collect();
        match exact.as_slice() {
            [] => None,
            [only] => {
                let confidence = if conflicting_hint { 70 } else { 85 };
                let suggestions = if conflicting_hint {
                    vec![Suggestion {
                        allocations: vec![alloc(only, only.open)],
                        confidence,
                        method: MatchMethod::ExactAmount,
                        reason: format!("{} is open for exactly the amount", only.invoice.number),
                    }]
                } else {
                    Vec::new()
                };
                Some(self.result(
                    vec![alloc(only, only.open)],
                    confidence,
                    MatchMethod::ExactAmount,
                    suggestions,
                    format!(
                        "{} is the only invoice open for exactly the amount",
                        only.invoice.number
                    ),
                ))
            }
            several => {
                let suggestions = several
                    .iter()
                    .map(|c| Suggestion {
                        allocations: vec![alloc(c, c.open)],
                        confidence: 45,
                        method: MatchMethod::ExactAmount,
                        reason: format!("{} is open for exactly the amount", c.invoice.number),
                    })
                    .collect();
                Some(self.result(
                    Vec::new(),
                    30,
                    MatchMethod::ExactAmount,
                    suggestions,
                    format!("{} invoices are open for exactly the amount", several.len()),
                ))
            }
        }
    }

    /// Several invoices summing exactly to the amount.
    fn by_combination(&self) -> Option<MatchResult> {
        let pool: Vec<&Candidate<'_>> = self.candidates.iter().collect();
        let search = self.search(&pool, self.amount, 2);
        let sets: Vec<Vec<&Candidate<'_>>> = search
            .solutions
            .iter()
            .map(|s| s.iter().filter_map(|i| pool.get(*i).copied()).collect())
            .collect();
        match (sets.as_slice(), search.exhausted) {
            ([], _) => None,
            ([only], false) => Some(self.result(
                only.iter().map(|c| alloc(c, c.open)).collect(),
                80,
                MatchMethod::Combination,
                Vec::new(),
                format!(
                    "{} together match the amount exactly, and nothing else does",
                    numbers(only)
                ),
            )),
            (several, exhausted) => {
                let suggestions = several
                    .iter()
                    .map(|set| Suggestion {
                        allocations: set.iter().map(|c| alloc(c, c.open)).collect(),
                        confidence: if exhausted && several.len() == 1 {
                            55
                        } else {
                            40
                        },
                        method: MatchMethod::Combination,
                        reason: format!("{} together match the amount", numbers(set)),
                    })
                    .collect();
                Some(self.result(
                    Vec::new(),
                    30,
                    MatchMethod::Combination,
                    suggestions,
                    if exhausted {
                        "a combination matches but the search was cut short".into()
                    } else {
                        "several combinations of invoices match the amount".into()
                    },
                ))
            }
        }
    }

    /// Subsets of `pool` summing exactly to `target` (at most three are reported).
    /// Only the first [`MatchOptions::max_subset_invoices`] of `pool` (never more than
    /// [`MAX_SEARCH_INVOICES`]) are searched, so recursion depth and time stay bounded whatever
    /// the ledger; returned indices refer to `pool`.
    fn search(&self, pool: &[&Candidate<'_>], target: Decimal, min_size: usize) -> SubsetSearch {
        let cap = self.opts.max_subset_invoices.min(MAX_SEARCH_INVOICES);
        let pool = pool.get(..cap).unwrap_or(pool);
        let scale = pool
            .iter()
            .map(|c| c.open.scale())
            .chain(std::iter::once(target.scale()))
            .max()
            .unwrap_or(0)
            .min(12);
        let to_int = |d: Decimal| {
            let mut d = d;
            d.rescale(scale);
            d.mantissa()
        };
        let amounts: Vec<i128> = pool.iter().map(|c| to_int(c.open)).collect();
        find_subsets(&amounts, to_int(target), min_size, 3, self.opts.node_budget)
    }

    /// For a person: invoices within 2 % of the amount (bank fees, small deductions).
    fn near_amount_suggestions(&self) -> Vec<Suggestion> {
        let tolerance = self.amount * Decimal::new(2, 2);
        self.candidates
            .iter()
            .filter(|c| (c.open - self.amount).abs() <= tolerance)
            .take(3)
            .map(|c| Suggestion {
                allocations: vec![alloc(c, c.open.min(self.amount))],
                confidence: 35,
                method: MatchMethod::ExactAmount,
                reason: format!(
                    "{} is open for {}, close to the amount",
                    c.invoice.number, c.open
                ),
            })
            .collect()
    }
}
