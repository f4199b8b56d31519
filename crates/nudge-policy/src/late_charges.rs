//! Late-payment charges: statutory-style simple interest (reference rate plus margin, per day
//! overdue, on the open principal only) and a fixed compensation per invoice. Computed afresh from
//! the state at every evaluation and only quoted, so they can never be added twice or compound.

use nudge_core::ledger::Invoice;
use nudge_core::money_arith::{open_amount, saturating_add, saturating_mul};
use rust_decimal::Decimal;

use crate::decision::LateCharge;
use crate::policy::LateCharges;

/// The charges on one overdue invoice `days` past due.
pub fn late_charge(inv: &Invoice, days: i64, rules: &LateCharges) -> LateCharge {
    let principal = open_amount(inv);
    let days_overdue = u32::try_from(days.max(0)).unwrap_or(u32::MAX);
    let rate =
        saturating_add(rules.reference_rate_percent, rules.margin_percent) / Decimal::ONE_HUNDRED;
    let accrued = saturating_mul(saturating_mul(principal, rate), Decimal::from(days_overdue))
        / Decimal::from(rules.day_count.max(1));
    let interest = inv.currency.round(accrued);
    let compensation = rules
        .fixed_compensation
        .get(&inv.currency)
        .copied()
        .unwrap_or(Decimal::ZERO);
    LateCharge {
        invoice_id: inv.id.clone(),
        currency: inv.currency,
        principal,
        days_overdue,
        interest,
        compensation,
    }
}
