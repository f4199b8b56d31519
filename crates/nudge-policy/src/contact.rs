//! Who to write to: reminders go to accounts payable, scope disputes to the buyer, a stuck
//! approval to the approver. Bounced and opted-out contacts are never chosen.

use std::borrow::Cow;

use nudge_core::ledger::{Contact, ContactRole};
use serde::{Deserialize, Serialize};

/// Why we are writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactPurpose {
    /// Payment reminders and notices.
    Reminder,
    /// A dispute about scope, pricing or quantity.
    ScopeDispute,
    /// An invoice stuck in the customer's approval flow.
    StuckApproval,
}

impl ContactPurpose {
    /// Roles in order of preference. The first role is the natural one; the rest are fallbacks
    /// so that an account with one contact of another role is still reachable.
    fn roles(self) -> [ContactRole; 5] {
        use ContactRole::*;
        match self {
            ContactPurpose::Reminder => [Ap, Other, Owner, Approver, Buyer],
            ContactPurpose::ScopeDispute => [Buyer, Owner, Ap, Approver, Other],
            ContactPurpose::StuckApproval => [Approver, Ap, Owner, Buyer, Other],
        }
    }
}

/// The chosen contact and whether it is of the purpose's natural role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice<'a> {
    pub contact: &'a Contact,
    pub fallback: bool,
}

/// Picks the contact for `purpose`: reachable only; natural role first, preferred contacts first
/// within a role, then the order given. `None` when nobody is reachable.
pub fn choose_contact(contacts: &[Contact], purpose: ContactPurpose) -> Option<Choice<'_>> {
    for (rank, role) in purpose.roles().into_iter().enumerate() {
        let mut first: Option<&Contact> = None;
        for c in contacts.iter().filter(|c| c.role == role && c.reachable()) {
            if c.preferred {
                first = Some(c);
                break;
            }
            first = first.or(Some(c));
        }
        if let Some(contact) = first {
            return Some(Choice {
                contact,
                fallback: rank > 0,
            });
        }
    }
    None
}

/// Other reachable contacts of the same role as `to`, to copy in (AP teams share a mailbox
/// rota). Never includes `to` itself, never duplicates.
pub fn cc_for<'a>(contacts: &'a [Contact], to: &Contact) -> Vec<Cow<'a, str>> {
    let mut cc: Vec<Cow<'a, str>> = Vec::new();
    for c in contacts {
        // Identity first: the chosen contact itself is skipped without reading its address.
        if c.role == to.role
            && c.reachable()
            && !std::ptr::eq(c, to)
            && !c.email.eq_ignore_ascii_case(&to.email)
            && !cc.iter().any(|e| e.eq_ignore_ascii_case(&c.email))
        {
            cc.push(Cow::Borrowed(c.email.as_str()));
        }
    }
    cc
}

#[cfg(test)]
mod tests {
    use super::*;
    use nudge_core::ledger::ContactStatus;

    fn c(email: &str, role: ContactRole, status: ContactStatus, preferred: bool) -> Contact {
        Contact {
            email: email.into(),
            name: None,
            role,
            status,
            preferred,
        }
    }

    #[test]
    fn reminders_go_to_the_preferred_reachable_ap_contact() {
        let cs = [
            c(
                "buyer@x.test",
                ContactRole::Buyer,
                ContactStatus::Active,
                true,
            ),
            c("ap1@x.test", ContactRole::Ap, ContactStatus::Active, false),
            c("ap2@x.test", ContactRole::Ap, ContactStatus::Bounced, true),
            c("ap3@x.test", ContactRole::Ap, ContactStatus::Active, true),
        ];
        let ch = choose_contact(&cs, ContactPurpose::Reminder).unwrap();
        assert_eq!(
            (ch.contact.email.as_str(), ch.fallback),
            ("ap3@x.test", false)
        );
        assert_eq!(cc_for(&cs, ch.contact), vec!["ap1@x.test"]);
        let ch = choose_contact(&cs, ContactPurpose::ScopeDispute).unwrap();
        assert_eq!(ch.contact.email, "buyer@x.test");
    }

    #[test]
    fn bounced_and_opted_out_are_never_chosen() {
        let cs = [
            c("ap@x.test", ContactRole::Ap, ContactStatus::OptedOut, true),
            c("ap2@x.test", ContactRole::Ap, ContactStatus::Bounced, false),
            c(
                "appr@x.test",
                ContactRole::Approver,
                ContactStatus::Active,
                false,
            ),
        ];
        let ch = choose_contact(&cs, ContactPurpose::Reminder).unwrap();
        assert_eq!(
            (ch.contact.email.as_str(), ch.fallback),
            ("appr@x.test", true)
        );
        assert_eq!(
            choose_contact(&cs, ContactPurpose::StuckApproval)
                .unwrap()
                .contact
                .email,
            "appr@x.test"
        );
        assert!(choose_contact(&cs[..2], ContactPurpose::Reminder).is_none());
    }
}
