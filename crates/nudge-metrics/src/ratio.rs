//! Ratios and percentages, as `Decimal` rounded to one place: reports show "83.3 %", and a
//! decimal keeps the JSON free of float artefacts (`83.33333333333334`).

use rust_decimal::{Decimal, RoundingStrategy};

/// `value` rounded half away from zero to one decimal place, always written with one
/// (`52` → `52.0`), so a column of figures lines up.
pub(crate) fn round1(value: Decimal) -> Decimal {
    let mut r = value.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(1);
    r
}

/// `part / whole × 100`, rounded to one decimal; `None` when `whole` is zero (a rate of nothing
/// is undefined, not 0 %).
pub(crate) fn percent(part: u32, whole: u32) -> Option<Decimal> {
    if whole == 0 {
        return None;
    }
    let ratio = Decimal::from(part) / Decimal::from(whole);
    Some(round1(ratio * Decimal::ONE_HUNDRED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_to_one_place() {
        assert_eq!(round1(Decimal::new(8333, 2)).to_string(), "83.3");
        assert_eq!(round1(Decimal::new(2125, 2)).to_string(), "21.3");
        assert_eq!(round1(Decimal::from(52)).to_string(), "52.0");
        assert_eq!(percent(2, 3).map(|p| p.to_string()), Some("66.7".into()));
        assert_eq!(percent(0, 0), None);
    }
}
