//! What the metrics are computed from: one [`AccountFacts`] per account, filled by the worker
//! from what it already loads (the account's book, its current stage, and four message counts).

use nudge_core::ledger::AccountBook;
use serde::{Deserialize, Serialize};

/// One account as the metrics see it. Deleted accounts count like any other (their invoices
/// were sales, their open ones are still owed); leave out the accounts a report should not cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountFacts {
    /// The account's whole ledger: invoices, payments, credit notes, promises, disputes.
    pub book: AccountBook,
    /// The account's current escalation stage as its snake_case name (`"friendly"`, `"firm"`,
    /// `"final"`, `"review"`, …, as `nudge_policy::Stage::as_str` spells them). `None` (or an
    /// empty string) means the account is not being chased: it is reported as `"none"`.
    pub stage: Option<String>,
    /// Messages exchanged with the account during the reporting period.
    pub messages: MessageCounts,
}

impl AccountFacts {
    /// Facts with no stage and no messages, for an account known only by its book.
    pub fn from_book(book: AccountBook) -> Self {
        AccountFacts {
            book,
            stage: None,
            messages: MessageCounts::default(),
        }
    }

    /// The stage as reported: trimmed, lower case, `"none"` when absent. Normalised so that
    /// `"Firm"` from one source and `"firm"` from another are one group, not two.
    pub fn stage_name(&self) -> String {
        let s = self.stage.as_deref().unwrap_or("").trim();
        if s.is_empty() {
            NO_STAGE.to_string()
        } else {
            s.to_ascii_lowercase()
        }
    }
}

/// The stage name of an account that is not being chased.
pub const NO_STAGE: &str = "none";

/// Message counts for one account over the reporting period. The worker counts them (its outbound
/// and inbound tables know when each message was sent or received); the metrics only add them up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCounts {
    /// Messages Nudge sent to the account (reminders and replies; drafts not sent do not count).
    pub sent: u32,
    /// Replies received from the customer's people (auto-replies and bounces do not count).
    pub replied: u32,
    /// Of those replies, the ones Nudge acted on by itself (a promise recorded, an invoice copy
    /// sent, a dispute opened) without handing them to a person.
    pub replies_handled_without_person: u32,
    /// Of those replies, the ones that became a task or were forwarded to a person.
    pub replies_needing_person: u32,
}

/// Where the stage names known to the escalation ladder sort, so reports read in ladder order
/// (`none`, `courtesy`, `friendly`, `firm`, `final`, `review`); unknown names come after, by name.
pub(crate) fn stage_rank(stage: &str) -> (u8, &str) {
    let rank = match stage {
        "none" => 0,
        "courtesy" => 1,
        "friendly" => 2,
        "firm" => 3,
        "final" => 4,
        "review" => 5,
        _ => 6,
    };
    (rank, stage)
}
