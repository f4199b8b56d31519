//! [`EmailAddress`]: an address normalised once, where it enters the worker (an envelope, a
//! header, an API body), so comparisons and lookups never lower-case again.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A trimmed, bracket-free, lower-cased address with one `@` and no whitespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

/// Text that is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an email address: {0:?}")]
pub struct NotAnAddress(pub String);

impl EmailAddress {
    /// Parses and normalises `raw` (`" <AP@Example.COM> "` → `ap@example.com`).
    pub fn parse(raw: &str) -> Result<Self, NotAnAddress> {
        let s = raw
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .to_ascii_lowercase();
        let ok = s.matches('@').count() == 1
            && !s.starts_with('@')
            && !s.ends_with('@')
            && !s.contains(char::is_whitespace)
            && !s.contains(['<', '>', ',', ';', '"', '\r', '\n']);
        if ok {
            Ok(EmailAddress(s))
        } else {
            Err(NotAnAddress(raw.to_string()))
        }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }

    /// The mailbox without a `+tag` (`ar+tok@x` → `ar@x`): the same inbox.
    pub fn without_tag(&self) -> EmailAddress {
        match self.0.rsplit_once('@') {
            Some((local, domain)) => {
                let local = local.split('+').next().unwrap_or(local);
                EmailAddress(format!("{local}@{domain}"))
            }
            None => self.clone(),
        }
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = NotAnAddress;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(a: EmailAddress) -> Self {
        a.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&EmailAddress> for crate::store::P {
    fn from(a: &EmailAddress) -> Self {
        crate::store::P::Text(a.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_once() {
        let a = EmailAddress::parse("  <AP@Wayne.Example> ").unwrap();
        assert_eq!(a.as_str(), "ap@wayne.example");
        assert_eq!(a.domain(), "wayne.example");
    }

    #[test]
    fn a_plus_tag_is_the_same_inbox() {
        let a = EmailAddress::parse("AR+tok1@Nudge.Example").unwrap();
        assert_eq!(a.without_tag().as_str(), "ar@nudge.example");
    }

    #[test]
    fn what_is_not_an_address_is_refused() {
        for bad in [
            "",
            "no-at",
            "a@b@c",
            "@x.example",
            "a b@x.example",
            "a@x.example\r\nBcc: y",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }
}
