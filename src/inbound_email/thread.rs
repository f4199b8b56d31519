//! Threading a message to its account, in this order: our Message-IDs in
//! `In-Reply-To`/`References`; an `ar+<token>` recipient; the sender (for a bounce: the failed
//! recipient) as a known contact; the sender's domain when exactly one account has contacts
//! there. Read-only: the account's object writes what follows.

use nudge_mail::Email;

use crate::address::EmailAddress;
use crate::inbound::threading;
use crate::store::{inbound as messages, outbound, Db, Result};

/// The account a message belongs to and how it was found.
pub async fn thread(
    db: &Db,
    envelope_to: &str,
    email: &Email,
) -> Result<Option<(String, &'static str)>> {
    let thread_ids = threading::thread_ids(email);
    if !thread_ids.is_empty() {
        let rows = outbound::accounts_of_message_ids(db, &thread_ids).await?;
        // The most specific id (In-Reply-To, then the newest reference) wins.
        if let Some((account_id, _)) = thread_ids
            .iter()
            .find_map(|id| rows.iter().find(|(_, m)| m == id))
        {
            return Ok(Some((account_id.clone(), "in_reply_to")));
        }
    }
    for token in threading::reply_tokens(envelope_to, Some(email)) {
        if let Some(account_id) = messages::account_of_token(db, &token).await? {
            return Ok(Some((account_id, "reply_token")));
        }
    }
    // Whose address to look up: for a bounce the failed recipient (the sender is a mailer
    // daemon); otherwise the sender.
    let (address, how) = match &email.machine {
        Some(nudge_mail::Machine::Bounce(b)) => (b.recipient.clone(), "bounce_recipient"),
        _ => (email.from.as_ref().map(|m| m.email.clone()), "contact"),
    };
    let Some(address) = address.and_then(|a| EmailAddress::parse(&a).ok()) else {
        return Ok(None);
    };
    let by_contact = messages::accounts_of_contact(db, &address).await?;
    if let [only] = by_contact.as_slice() {
        return Ok(Some((only.clone(), how)));
    }
    if !by_contact.is_empty() {
        // The same person at several customers: the domain cannot settle it either.
        return Ok(None);
    }
    let domain = address.domain();
    if !domain.contains('.') || threading::is_public_mail_domain(domain) {
        return Ok(None);
    }
    let by_domain = messages::accounts_of_domain(db, domain).await?;
    Ok(match by_domain.as_slice() {
        [only] => Some((only.clone(), "domain")),
        _ => None,
    })
}
