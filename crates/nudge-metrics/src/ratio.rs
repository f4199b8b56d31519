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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_to_one_place() {
        assert_eq!(round1(Decimal::new(8333, 2)).to_string(), "83.3");
        assert_eq!(round1(Decimal::new(2125, 2)).to_string(), "21.3");
        assert_eq!(round1(Decimal::from(52)).to_string(), "52.0");
    }
}
