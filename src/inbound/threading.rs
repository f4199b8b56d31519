//! Pure helpers for threading an inbound message to an account: which Message-IDs to look up,
//! which reply tokens the recipients carry, and whether a sender's domain may identify a customer.

use nudge_mail::Email;

use crate::address::EmailAddress;

/// Most thread ids looked up in `outbound_messages` (a `References` header can be long).
pub const MAX_THREAD_IDS: usize = 50;

/// The Message-IDs this message answers: `In-Reply-To` first, then `References` newest first,
/// de-duplicated and capped, so the most specific match wins.
pub fn thread_ids(email: &Email) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in email
        .in_reply_to
        .iter()
        .chain(email.references.iter().rev())
    {
        let id = id.trim();
        if !id.is_empty() && !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
        if out.len() >= MAX_THREAD_IDS {
            break;
        }
    }
    out
}

/// The `ar+<token>` reply tokens among the envelope recipient and the `To`/`Cc` headers
/// (lower-cased, de-duplicated, envelope first).
pub fn reply_tokens(envelope_to: &str, email: Option<&Email>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let headers = email
        .map(|e| e.to.iter().chain(e.cc.iter()).map(|m| m.email.as_str()))
        .into_iter()
        .flatten();
    for addr in std::iter::once(envelope_to).chain(headers) {
        if let Some(t) = nudge_outbound::token_from_address(addr) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// Mailbox providers shared by many unrelated people: a sender's domain there says nothing about
/// which customer wrote, so domain threading skips them.
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "t-online.de",
    "proton.me",
    "protonmail.com",
    "mail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "wanadoo.fr",
    "libero.it",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "zoho.com",
    "fastmail.com",
    "hey.com",
];

/// True when `domain` (of an [`EmailAddress`], so already lower-case) is a public mailbox
/// provider: domain threading must not use it.
pub fn is_public_mail_domain(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS.contains(&domain)
}

/// True when `address` is one of our own addresses (or a plus-address of one): mail from there
/// is never answered, so that two Nudge instances, or a misrouted copy, cannot loop.
pub fn is_own_address(address: &EmailAddress, own: &[EmailAddress]) -> bool {
    let inbox = address.without_tag();
    own.iter().any(|o| o.without_tag() == inbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> Email {
        nudge_mail::parse(raw.as_bytes(), &nudge_mail::Limits::default()).unwrap()
    }

    #[test]
    fn thread_ids_prefer_in_reply_to_then_newest_reference() {
        let e = email(
            "From: a@x.example\r\nTo: ar@n.example\r\nIn-Reply-To: <c@n>\r\n\
             References: <a@n> <b@n> <c@n>\r\nSubject: Re\r\n\r\nhi\r\n",
        );
        assert_eq!(thread_ids(&e), vec!["c@n", "b@n", "a@n"]);
    }

    #[test]
    fn reply_tokens_come_from_envelope_and_headers() {
        let e = email(
            "From: a@x.example\r\nTo: \"AR\" <AR+Tok2@n.example>\r\nCc: ar+tok3@n.example, b@c.example\r\n\
             Subject: Re\r\n\r\nhi\r\n",
        );
        assert_eq!(
            reply_tokens("ar+tok1@n.example", Some(&e)),
            vec!["tok1", "tok2", "tok3"]
        );
        assert!(reply_tokens("ar@n.example", None).is_empty());
    }

    #[test]
    fn public_providers() {
        assert!(is_public_mail_domain("gmail.com"));
        assert!(!is_public_mail_domain("globex.example"));
    }

    #[test]
    fn own_addresses_include_plus_variants() {
        let a = |s: &str| EmailAddress::parse(s).unwrap();
        let own = [a("ar@nudge.example.com")];
        assert!(is_own_address(&a("AR+abc@nudge.example.com"), &own));
        assert!(is_own_address(&a("ar@nudge.example.com"), &own));
        assert!(!is_own_address(&a("ar@other.example"), &own));
    }
}
