//! Reasons: each rule that shaped a decision, as a machine code plus a human sentence.
//!
//! A reason is small and `Copy` (code, an optional figure, an optional stage) so evaluation does
//! not format strings; the sentence is rendered when the reason is shown or serialised.

use serde::{Deserialize, Serialize};

use crate::stage::Stage;

/// Machine codes of the rules, snake_case in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    DunningDisabled,
    NothingOverdue,
    InvoicesDisputed,
    AllOverdueDisputed,
    DisputeRejectedGrace,
    AutoCollectionPending,
    PromiseKept,
    PromiseBroken,
    PromiseActive,
    PromisePartial,
    AllOverduePromised,
    OldestOverdue,
    OverdueInvoices,
    OverdueShare,
    BelowFirstStep,
    ChronicLatePayer,
    GoodPayerSmallAmount,
    ManyOverdueInvoices,
    LargeOverdueExposure,
    BrokenPromiseFloor,
    CourtesyLargeInvoice,
    OneStepAtATime,
    DeEscalated,
    StageCapped,
    CapExceededOwnerTask,
    AwaitingOwner,
    StageTouchesExhausted,
    AwaitingApproval,
    ApprovalGranted,
    ApprovalRejected,
    ReviewProposed,
    CadenceGap,
    OutOfOffice,
    NoReachableContact,
    FallbackContact,
    OutsideSendWindow,
    LateChargesQuoted,
    StrategicSofterTone,
    ToneCapped,
    Send,
}

/// One rule's contribution. `figure` carries the number the rule looked at (days, count,
/// percent); `stage` the stage it set or capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason {
    pub code: ReasonCode,
    pub figure: Option<i64>,
    pub stage: Option<Stage>,
}

impl Reason {
    pub fn new(code: ReasonCode) -> Self {
        Reason {
            code,
            figure: None,
            stage: None,
        }
    }

    pub fn with_figure(code: ReasonCode, figure: i64) -> Self {
        Reason {
            code,
            figure: Some(figure),
            stage: None,
        }
    }

    pub fn with_stage(code: ReasonCode, stage: Stage) -> Self {
        Reason {
            code,
            figure: None,
            stage: Some(stage),
        }
    }

    /// The sentence for people (audit log, dashboard).
    pub fn text(&self) -> String {
        let n = self.figure.unwrap_or(0);
        let s = self.stage.unwrap_or_default();
        use ReasonCode::*;
        match self.code {
            DunningDisabled => "Dunning is switched off for this account.".into(),
            NothingOverdue => "Nothing is overdue.".into(),
            InvoicesDisputed => format!("{n} invoice(s) under open dispute are left out."),
            AllOverdueDisputed => "Every overdue invoice is disputed: no dunning.".into(),
            DisputeRejectedGrace => {
                format!("{n} invoice(s) rest in the grace period after a rejected dispute.")
            }
            AutoCollectionPending => {
                format!("{n} invoice(s) are still being collected automatically.")
            }
            PromiseKept => "A promise to pay was kept.".into(),
            PromiseBroken => "A promise to pay was broken.".into(),
            PromiseActive => format!("{n} overdue invoice(s) are covered by an active promise."),
            PromisePartial => "An active promise does not cover the whole overdue amount.".into(),
            AllOverduePromised => "All overdue invoices are covered by a promise: paused.".into(),
            OldestOverdue => format!("The oldest overdue invoice is {n} day(s) past due."),
            OverdueInvoices => format!("{n} invoice(s) are overdue."),
            OverdueShare => format!("{n}% of the open balance is overdue."),
            BelowFirstStep => "Overdue, but not yet long enough for the first reminder.".into(),
            ChronicLatePayer => {
                format!("Chronic late payer: treated as {n} day(s) further overdue.")
            }
            GoodPayerSmallAmount => {
                format!("Pays reliably and little is overdue: held at `{s}`.")
            }
            ManyOverdueInvoices => {
                format!("Many overdue invoices and a high overdue share: raised to `{s}`.")
            }
            LargeOverdueExposure => format!("A large amount is overdue: raised to `{s}`."),
            BrokenPromiseFloor => format!("A broken promise resumes at least at `{s}`."),
            CourtesyLargeInvoice => {
                format!("A large invoice falls due in {n} day(s): courtesy notice.")
            }
            OneStepAtATime => format!("Stages are never skipped: next step is `{s}`."),
            DeEscalated => format!("The account's state improved: back to `{s}`."),
            StageCapped => format!("The account is capped at `{s}`."),
            CapExceededOwnerTask => {
                format!("`{s}` is beyond the account's cap: a task for the owner instead.")
            }
            AwaitingOwner => "Waiting for the account owner.".into(),
            StageTouchesExhausted => {
                format!("Already {n} email(s) at `{s}`: waiting for the state to change.")
            }
            AwaitingApproval => "A proposed action is awaiting approval.".into(),
            ApprovalGranted => {
                "The proposed action was approved: it is in a person's hands.".into()
            }
            ApprovalRejected => {
                format!("The proposed action was rejected: reminders stay at `{s}`.")
            }
            ReviewProposed => "Final notice given and still unpaid: human review.".into(),
            CadenceGap => format!("Last touch too recent: minimum gap is {n} business day(s)."),
            OutOfOffice => "The contact is out of office.".into(),
            NoReachableContact => "No reachable contact: someone must find the right one.".into(),
            FallbackContact => "No reachable AP contact: writing to another contact.".into(),
            OutsideSendWindow => "Outside the send window in the account's local time.".into(),
            LateChargesQuoted => format!("Late-payment charges quoted on {n} invoice(s)."),
            StrategicSofterTone => "Strategic account: softer tone, slower cadence.".into(),
            ToneCapped => "Tone limited by the account's override.".into(),
            Send => format!("Send the `{s}` email."),
        }
    }
}

/// The JSON shape: code, figure, stage and the rendered sentence.
#[derive(Serialize, Deserialize)]
struct ReasonJson {
    code: ReasonCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    figure: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stage: Option<Stage>,
    #[serde(default)]
    text: String,
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ReasonJson {
            code: self.code,
            figure: self.figure,
            stage: self.stage,
            text: self.text(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = ReasonJson::deserialize(d)?;
        Ok(Reason {
            code: j.code,
            figure: j.figure,
            stage: j.stage,
        })
    }
}
