//! The ledger: who owes what. Accounts (customers), their contacts, invoices, payments and credit
//! notes, as plain data. Nudge keeps a copy of the billing system's truth here; the policy reads it.

mod account;
mod aging;
mod balance;
mod book;
mod invoice;
mod payment;

pub use account::{Account, Contact, ContactRole, ContactStatus};
pub use aging::{aging, Aging};
pub use balance::{balances, invoice_split, Balances};
pub use book::{AccountBook, BookDiff, PaymentRefs};
pub use invoice::{Invoice, InvoiceStatus};
pub use payment::{Allocation, CreditNote, Payment};
