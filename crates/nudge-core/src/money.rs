//! Money and currencies.
//!
//! Amounts are `rust_decimal::Decimal`, never floating point. A [`Currency`] knows its ISO 4217
//! minor-unit exponent so that amounts sent in minor units (Stripe's cents, yen, fils) convert
//! exactly. Totals across currencies are kept apart ([`Totals`]); nothing is ever converted silently.

use crate::sorted_map::SortedMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a currency code or an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not a three-letter ISO 4217 currency code")]
    InvalidCurrency(String),
    #[error("`{0}` is not a decimal amount")]
    InvalidAmount(String),
    #[error("{amount} has more decimal places than {currency} allows ({exponent})")]
    TooPrecise {
        amount: String,
        currency: Currency,
        exponent: u32,
    },
    #[error("minor-unit amount {0} is out of range")]
    OutOfRange(i64),
}

/// An ISO 4217 currency code, upper case, e.g. `EUR`.
///
/// Any three ASCII letters are accepted (ledgers carry currencies we have never heard of); the
/// exponent table covers every currency whose exponent is not 2.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");
    pub const GBP: Currency = Currency(*b"GBP");
    pub const JPY: Currency = Currency(*b"JPY");
    pub const SEK: Currency = Currency(*b"SEK");
    pub const KWD: Currency = Currency(*b"KWD");

    /// Parses a code case-insensitively (`"eur"` → `EUR`, as Stripe sends them).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let bytes = code.trim().as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(MoneyError::InvalidCurrency(code.to_string()));
        }
        Ok(Currency([
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ]))
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // Constructed only from ASCII letters, so always valid UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Number of digits after the decimal point in this currency's minor unit (ISO 4217).
    pub fn exponent(&self) -> u32 {
        match &self.0 {
            // Zero-decimal currencies.
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG"
            | b"RWF" | b"UGX" | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            // Three-decimal currencies.
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            // Four decimals.
            b"CLF" | b"UYW" => 4,
            _ => 2,
        }
    }

    /// Converts an integer amount in minor units (cents) to a decimal amount in this currency.
    pub fn from_minor(&self, minor: i64) -> Decimal {
        Decimal::new(minor, self.exponent())
    }

    /// Converts a decimal amount to minor units, refusing amounts finer than the minor unit.
    pub fn to_minor(&self, amount: Decimal) -> Result<i64, MoneyError> {
        let scaled = amount * Decimal::from(10i64.pow(self.exponent()));
        if scaled.fract() != Decimal::ZERO {
            return Err(MoneyError::TooPrecise {
                amount: amount.to_string(),
                currency: *self,
                exponent: self.exponent(),
            });
        }
        use rust_decimal::prelude::ToPrimitive;
        scaled
            .to_i64()
            .ok_or_else(|| MoneyError::InvalidAmount(amount.to_string()))
    }

    /// Parses a decimal string (`"4800.00"`) as an amount in this currency, rejecting more
    /// precision than the currency has and normalising the scale to its exponent.
    pub fn parse_amount(&self, text: &str) -> Result<Decimal, MoneyError> {
        let amount = Decimal::from_str(text.trim())
            .map_err(|_| MoneyError::InvalidAmount(text.to_string()))?;
        self.normalise(amount)
    }

    /// Rescales `amount` to exactly this currency's exponent, refusing to drop non-zero digits.
    pub fn normalise(&self, amount: Decimal) -> Result<Decimal, MoneyError> {
        let mut rounded = amount.round_dp(self.exponent());
        if rounded != amount {
            return Err(MoneyError::TooPrecise {
                amount: amount.to_string(),
                currency: *self,
                exponent: self.exponent(),
            });
        }
        rounded.rescale(self.exponent());
        Ok(rounded)
    }

    /// Rounds a computed amount (interest, shares) to the minor unit, half away from zero.
    pub fn round(&self, amount: Decimal) -> Decimal {
        let mut r = amount.round_dp_with_strategy(
            self.exponent(),
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        );
        r.rescale(self.exponent());
        r
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An amount in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// From minor units, e.g. Stripe's `amount_due: 480000` with `currency: "eur"`.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money {
            amount: currency.from_minor(minor),
            currency,
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut a = self.amount;
        a.rescale(self.currency.exponent());
        write!(f, "{} {}", self.currency, a)
    }
}

/// Sums kept per currency. Adding EUR to USD keeps two lines; it never converts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Totals(SortedMap<Currency, Decimal>);

impl Totals {
    pub fn new() -> Self {
        Totals(SortedMap::new())
    }

    pub fn add(&mut self, currency: Currency, amount: Decimal) {
        // Saturating: absurd amounts from a source must never panic a request path.
        let total = self.0.entry(currency).or_insert(Decimal::ZERO);
        *total = crate::money_arith::saturating_add(*total, amount);
    }

    pub fn add_money(&mut self, money: Money) {
        self.add(money.currency, money.amount);
    }

    /// The total in one currency (zero when absent).
    pub fn get(&self, currency: Currency) -> Decimal {
        self.0.get(&currency).copied().unwrap_or(Decimal::ZERO)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Currency, Decimal)> + '_ {
        self.0.iter().map(|(c, a)| (*c, *a))
    }

    /// True when every currency's total is zero (or there are none).
    pub fn is_zero(&self) -> bool {
        self.0.values().all(|a| a.is_zero())
    }

    /// Drops currencies whose total is zero.
    pub fn without_zeros(mut self) -> Self {
        self.0.retain(|_, a| !a.is_zero());
        self
    }
}

impl FromIterator<Money> for Totals {
    fn from_iter<I: IntoIterator<Item = Money>>(iter: I) -> Self {
        let mut t = Totals::new();
        for m in iter {
            t.add_money(m);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_iso_4217_exponents() {
        assert_eq!(Currency::JPY.from_minor(1234), Decimal::from(1234));
        assert_eq!(Currency::EUR.from_minor(480000).to_string(), "4800.00");
        assert_eq!(Currency::KWD.from_minor(1234).to_string(), "1.234");
        assert_eq!(Currency::parse("bhd").unwrap().exponent(), 3);
    }

    #[test]
    fn to_minor_round_trips_and_rejects_fractions_of_a_cent() {
        assert_eq!(
            Currency::EUR.to_minor(Decimal::from_str("48.1").unwrap()),
            Ok(4810)
        );
        assert_eq!(Currency::JPY.to_minor(Decimal::from(500)), Ok(500));
        assert!(Currency::EUR
            .to_minor(Decimal::from_str("1.001").unwrap())
            .is_err());
    }

    #[test]
    fn parse_amount_normalises_scale_and_rejects_excess_precision() {
        assert_eq!(
            Currency::EUR.parse_amount("4800").unwrap().to_string(),
            "4800.00"
        );
        assert!(Currency::JPY.parse_amount("10.5").is_err());
        assert!(Currency::EUR.parse_amount("ten").is_err());
        assert_eq!(
            Currency::KWD.parse_amount("1.5").unwrap().to_string(),
            "1.500"
        );
    }

    #[test]
    fn currency_codes_are_validated_and_upper_cased() {
        assert_eq!(Currency::parse("usd").unwrap(), Currency::USD);
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
        let json = serde_json::to_string(&Currency::SEK).unwrap();
        assert_eq!(json, "\"SEK\"");
        assert!(serde_json::from_str::<Currency>("\"12\"").is_err());
    }

    #[test]
    fn totals_never_mix_currencies() {
        let mut t = Totals::new();
        t.add(Currency::EUR, Decimal::from(10));
        t.add(Currency::USD, Decimal::from(5));
        t.add(Currency::EUR, Decimal::from(1));
        assert_eq!(t.get(Currency::EUR), Decimal::from(11));
        assert_eq!(t.get(Currency::USD), Decimal::from(5));
        assert_eq!(t.get(Currency::GBP), Decimal::ZERO);
    }
}
