//! Messages sent and replies received, and how many replies Nudge handled by itself.

use serde::Serialize;

use crate::ratio::percent;
use crate::AccountFacts;
use rust_decimal::Decimal;

/// The accounts' message counts added up, with two rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageMetrics {
    /// Messages sent, all accounts.
    pub sent: u32,
    /// Replies received from people, all accounts.
    pub replied: u32,
    /// `replied / sent × 100`, one decimal; `None` when nothing was sent.
    pub reply_percent: Option<Decimal>,
    /// Replies Nudge acted on by itself.
    pub replies_handled_without_person: u32,
    /// Replies handed to a person (a task, a forward).
    pub replies_needing_person: u32,
    /// `handled_without_person / (handled_without_person + needing_person) × 100`, one decimal;
    /// `None` before any reply was handled. Over the replies that were handled either way rather
    /// than over `replied`, so a reply still waiting for classification lowers neither side.
    pub handled_without_person_percent: Option<Decimal>,
}

/// Adds up the accounts' [`crate::MessageCounts`]. Sums saturate: a count cannot wrap around.
pub fn message_metrics(accounts: &[AccountFacts]) -> MessageMetrics {
    let (mut sent, mut replied, mut alone, mut person) = (0u32, 0u32, 0u32, 0u32);
    for m in accounts.iter().map(|f| &f.messages) {
        sent = sent.saturating_add(m.sent);
        replied = replied.saturating_add(m.replied);
        alone = alone.saturating_add(m.replies_handled_without_person);
        person = person.saturating_add(m.replies_needing_person);
    }
    MessageMetrics {
        sent,
        replied,
        reply_percent: percent(replied, sent),
        replies_handled_without_person: alone,
        replies_needing_person: person,
        handled_without_person_percent: percent(alone, alone.saturating_add(person)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use crate::MessageCounts;

    #[test]
    fn sums_and_shares_by_hand() {
        let mut a = facts(book("a"), None);
        a.messages = MessageCounts {
            sent: 10,
            replied: 3,
            replies_handled_without_person: 2,
            replies_needing_person: 1,
        };
        let mut b = facts(book("b"), None);
        b.messages = MessageCounts {
            sent: 6,
            replied: 1,
            replies_handled_without_person: 1,
            replies_needing_person: 0,
        };
        let m = message_metrics(&[a, b]);
        // sent 16, replied 4: 4 / 16 = 25.0 %; handled alone 3 of 3 + 1 = 75.0 %.
        assert_eq!((m.sent, m.replied), (16, 4));
        assert_eq!(m.reply_percent, Some(dec("25.0")));
        assert_eq!(m.handled_without_person_percent, Some(dec("75.0")));
        assert_eq!(message_metrics(&[]).reply_percent, None);
    }
}
