//! Arithmetic on amounts that never panics. `rust_decimal`'s operators panic on overflow
//! (beyond ±7.9 × 10²⁸); ledgers from third parties can hold anything, and an absurd amount must
//! not crash an evaluation. Sums saturate at the representable bounds instead.

use rust_decimal::Decimal;

/// `a + b`, clamped to `Decimal::MIN..=Decimal::MAX`.
#[inline]
pub fn saturating_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(if b.is_sign_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// `a - b`, clamped to `Decimal::MIN..=Decimal::MAX`.
#[inline]
pub fn saturating_sub(a: Decimal, b: Decimal) -> Decimal {
    a.checked_sub(b).unwrap_or(if b.is_sign_negative() {
        Decimal::MAX
    } else {
        Decimal::MIN
    })
}

/// `a × b`, clamped to `Decimal::MIN..=Decimal::MAX`.
#[inline]
pub fn saturating_mul(a: Decimal, b: Decimal) -> Decimal {
    a.checked_mul(b)
        .unwrap_or(if a.is_sign_negative() != b.is_sign_negative() {
            Decimal::MIN
        } else {
            Decimal::MAX
        })
}

/// What an invoice still asks for, like `Invoice::open_amount` but never panicking: total less
/// paid and credited, never negative, zero unless the invoice is open.
#[inline]
pub fn open_amount(inv: &crate::ledger::Invoice) -> Decimal {
    if inv.status != crate::ledger::InvoiceStatus::Open {
        return Decimal::ZERO;
    }
    saturating_sub(saturating_sub(inv.total, inv.paid), inv.credited).max(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_saturate_instead_of_panicking() {
        assert_eq!(saturating_add(Decimal::MAX, Decimal::ONE), Decimal::MAX);
        assert_eq!(
            saturating_add(Decimal::MIN, Decimal::NEGATIVE_ONE),
            Decimal::MIN
        );
        assert_eq!(saturating_sub(Decimal::MIN, Decimal::ONE), Decimal::MIN);
        assert_eq!(
            saturating_sub(Decimal::MAX, Decimal::NEGATIVE_ONE),
            Decimal::MAX
        );
        assert_eq!(saturating_mul(Decimal::MAX, Decimal::TWO), Decimal::MAX);
        assert_eq!(
            saturating_mul(Decimal::MAX, Decimal::NEGATIVE_ONE * Decimal::TWO),
            Decimal::MIN
        );
        assert_eq!(saturating_add(Decimal::ONE, Decimal::TWO), Decimal::from(3));
        let mut inv =
            crate::test_support::invoice("a", crate::test_support::d(2026, 1, 1), "10", "0");
        inv.paid = Decimal::MIN;
        assert_eq!(open_amount(&inv), Decimal::MAX);
    }
}
