//! One account's whole ledger, as the adapter loads it, the domain changes it, and the adapter
//! writes back only what changed.

use crate::sorted_map::SortedMap;

use serde::{Deserialize, Serialize};

use super::{Account, Contact, CreditNote, Invoice, Payment};
use crate::dispute::Dispute;
use crate::promise::Promise;

/// External references of a payment, so that a later chargeback or refund finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRefs {
    pub charge_ref: Option<String>,
    pub payment_intent_ref: Option<String>,
}

/// Everything the ledger knows about one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountBook {
    pub account: Account,
    /// Set when the source deleted the customer: kept for history, never dunned.
    pub deleted: bool,
    pub contacts: Vec<Contact>,
    pub invoices: Vec<Invoice>,
    pub payments: Vec<Payment>,
    pub payment_refs: SortedMap<String, PaymentRefs>,
    pub credit_notes: Vec<CreditNote>,
    pub promises: Vec<Promise>,
    pub disputes: Vec<Dispute>,
}

/// What differs between two versions of a book: the rows to write.
#[derive(Debug, Default, PartialEq)]
pub struct BookDiff<'a> {
    pub account: bool,
    pub contacts: Vec<&'a Contact>,
    pub invoices: Vec<&'a Invoice>,
    pub payments: Vec<&'a Payment>,
    pub credit_notes: Vec<&'a CreditNote>,
    pub promises: Vec<&'a Promise>,
    pub disputes: Vec<&'a Dispute>,
}

impl BookDiff<'_> {
    /// True when nothing needs writing.
    pub fn is_empty(&self) -> bool {
        !self.account
            && self.contacts.is_empty()
            && self.invoices.is_empty()
            && self.payments.is_empty()
            && self.credit_notes.is_empty()
            && self.promises.is_empty()
            && self.disputes.is_empty()
    }
}

impl AccountBook {
    /// An empty book for a new account.
    pub fn new(account: Account) -> Self {
        AccountBook {
            account,
            deleted: false,
            contacts: Vec::new(),
            invoices: Vec::new(),
            payments: Vec::new(),
            payment_refs: SortedMap::new(),
            credit_notes: Vec::new(),
            promises: Vec::new(),
            disputes: Vec::new(),
        }
    }

    pub fn invoice(&self, id: &str) -> Option<&Invoice> {
        self.invoices.iter().find(|i| i.id == id)
    }

    pub fn invoice_mut(&mut self, id: &str) -> Option<&mut Invoice> {
        self.invoices.iter_mut().find(|i| i.id == id)
    }

    /// The rows of `self` that are new or different from `before` (rows are never deleted:
    /// the ledger keeps history; sources void or close instead).
    pub fn diff_since<'a>(&'a self, before: &AccountBook) -> BookDiff<'a> {
        fn changed<'a, T: PartialEq>(
            now: &'a [T],
            then: &[T],
            key: impl Fn(&T) -> &str,
        ) -> Vec<&'a T> {
            now.iter()
                .filter(|row| match then.iter().find(|old| key(old) == key(row)) {
                    Some(old) => old != *row,
                    None => true,
                })
                .collect()
        }
        BookDiff {
            account: self.account != before.account
                || self.deleted != before.deleted
                || self.payment_refs != before.payment_refs,
            contacts: changed(&self.contacts, &before.contacts, |c| &c.email),
            invoices: changed(&self.invoices, &before.invoices, |i| &i.id),
            payments: changed(&self.payments, &before.payments, |p| &p.id),
            credit_notes: changed(&self.credit_notes, &before.credit_notes, |c| &c.id),
            promises: changed(&self.promises, &before.promises, |p| &p.id),
            disputes: changed(&self.disputes, &before.disputes, |d| &d.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{ContactRole, ContactStatus};

    fn contact(email: &str) -> Contact {
        Contact {
            email: email.into(),
            name: None,
            role: ContactRole::Ap,
            status: ContactStatus::Active,
            preferred: false,
        }
    }

    #[test]
    fn the_diff_holds_only_new_and_changed_rows() {
        let mut before = AccountBook::new(Account::new("erp:C-1", "Globex"));
        before.contacts.push(contact("a@x.example"));
        before.contacts.push(contact("b@x.example"));
        let mut after = before.clone();
        assert!(after.diff_since(&before).is_empty());

        after.contacts[1].status = ContactStatus::Bounced;
        after.contacts.push(contact("c@x.example"));
        let diff = after.diff_since(&before);
        let emails: Vec<&str> = diff.contacts.iter().map(|c| c.email.as_str()).collect();
        assert_eq!(emails, vec!["b@x.example", "c@x.example"]);
        assert!(!diff.account);

        after.account.name = "Globex GmbH".into();
        assert!(after.diff_since(&before).account);
    }
}
