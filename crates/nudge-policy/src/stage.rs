//! Escalation stages and tones.

use serde::{Deserialize, Serialize};

/// How far an account's escalation has gone, in ladder order (derives `Ord`: `None` < `Review`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing to chase.
    #[default]
    None,
    /// A heads-up before a large invoice falls due.
    Courtesy,
    /// A friendly reminder a few days after due.
    Friendly,
    /// A firm reminder.
    Firm,
    /// The final notice before human review.
    Final,
    /// Human review: a proposed action (agency, credit hold…) that needs approval. Never an email.
    Review,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 6] = [
        Stage::None,
        Stage::Courtesy,
        Stage::Friendly,
        Stage::Firm,
        Stage::Final,
        Stage::Review,
    ];

    /// The snake_case name used in JSON and step keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::None => "none",
            Stage::Courtesy => "courtesy",
            Stage::Friendly => "friendly",
            Stage::Firm => "firm",
            Stage::Final => "final",
            Stage::Review => "review",
        }
    }

    /// The number stored in `nudge_core::promise::Promise::paused_at_stage`.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// The inverse of [`Stage::as_u8`]; unknown numbers map to `None`.
    pub fn from_u8(n: u8) -> Option<Stage> {
        Stage::ALL.get(usize::from(n)).copied()
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The voice of a message, from gentlest to most formal.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Gentle,
    #[default]
    Friendly,
    Firm,
    Formal,
}

impl Tone {
    /// One step gentler (strategic accounts).
    pub fn softer(self) -> Tone {
        match self {
            Tone::Gentle | Tone::Friendly => Tone::Gentle,
            Tone::Firm => Tone::Friendly,
            Tone::Formal => Tone::Firm,
        }
    }

    /// One step more direct (chronic late payers).
    pub fn firmer(self) -> Tone {
        match self {
            Tone::Gentle => Tone::Friendly,
            Tone::Friendly => Tone::Firm,
            Tone::Firm | Tone::Formal => Tone::Formal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_ordered_and_round_trip_through_u8() {
        assert!(Stage::Friendly < Stage::Final);
        for s in Stage::ALL {
            assert_eq!(Stage::from_u8(s.as_u8()), Some(s));
        }
        assert_eq!(Stage::from_u8(9), None);
        assert_eq!(serde_json::to_string(&Stage::Final).unwrap(), "\"final\"");
    }

    #[test]
    fn tones_soften_and_harden_within_bounds() {
        assert_eq!(Tone::Formal.softer(), Tone::Firm);
        assert_eq!(Tone::Gentle.softer(), Tone::Gentle);
        assert_eq!(Tone::Formal.firmer(), Tone::Formal);
        assert_eq!(Tone::Friendly.firmer(), Tone::Firm);
    }
}
