//! Evaluation of `nudge_mail::parse` on the third-party corpus in `../shared/corpus` (beside the repository)
//! (`../shared/corpus` from the repository root). Shared by the `corpus` test (which asserts
//! floors) and the `corpus_eval` example (which prints the figures and the misses).

use std::fs;
use std::path::{Path, PathBuf};

use nudge_mail::{parse, BounceReason, Limits, Machine};

/// The corpus folder, when present.
pub fn corpus_dir() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = here.join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// Figures over `mime/*.eml`.
#[derive(Debug, Default)]
pub struct MimeFigures {
    pub files: usize,
    pub parsed: usize,
    pub rejected: usize,
    pub with_text: usize,
}

/// Parses every `mime/*.eml`; a panic fails the caller.
pub fn eval_mime(dir: &Path) -> MimeFigures {
    let mut f = MimeFigures::default();
    for path in eml_files(&dir.join("mime")) {
        let raw = fs::read(&path).unwrap_or_default();
        f.files += 1;
        match parse(&raw, &Limits::default()) {
            Ok(email) => {
                f.parsed += 1;
                if !email.text.trim().is_empty() {
                    f.with_text += 1;
                }
            }
            Err(_) => f.rejected += 1,
        }
    }
    f
}

/// Figures over `bounces/` against `expected.jsonl`.
#[derive(Debug, Default)]
pub struct BounceFigures {
    /// Messages whose expectation is a delivery report (not `vacation`).
    pub bounces: usize,
    pub detected: usize,
    pub with_recipient: usize,
    /// Recipient found and it is one of the addresses the report or returned message names.
    pub recipient_plausible: usize,
    pub with_expected_status: usize,
    pub status_correct: usize,
    /// Expected statuses that are real RFC 3463 codes, not sisimai's own `x.0.9xx` inventions
    /// (which never occur in a message).
    pub with_real_status: usize,
    pub real_status_correct: usize,
    /// Expected permanent (5.x.x) / transient (4.x.x) known from the status.
    pub with_expected_class: usize,
    pub permanent_correct: usize,
    pub dead_tp: usize,
    pub dead_fp: usize,
    pub dead_fn: usize,
    pub reason_comparable: usize,
    pub reason_correct: usize,
    pub autoreplies: usize,
    pub autoreplies_detected: usize,
    pub autoreplies_called_bounce: usize,
    pub parse_errors: usize,
    /// Human-readable lines for every miss, for tuning.
    pub misses: Vec<String>,
}

impl BounceFigures {
    pub fn rate(n: usize, d: usize) -> f64 {
        if d == 0 {
            0.0
        } else {
            n as f64 / d as f64
        }
    }
    pub fn dead_precision(&self) -> f64 {
        Self::rate(self.dead_tp, self.dead_tp + self.dead_fp)
    }
    pub fn dead_recall(&self) -> f64 {
        Self::rate(self.dead_tp, self.dead_tp + self.dead_fn)
    }
}

/// Our reason for sisimai's reason name, where the two vocabularies line up.
fn expected_reason(sisimai: &str) -> Option<BounceReason> {
    Some(match sisimai {
        "userunknown" => BounceReason::UserUnknown,
        "hostunknown" | "notaccept" => BounceReason::HostUnknown,
        "mailboxfull" => BounceReason::MailboxFull,
        "hasmoved" => BounceReason::HasMoved,
        "expired" => BounceReason::Expired,
        "suspend" => BounceReason::Suspended,
        "mesgtoobig" => BounceReason::MessageTooBig,
        "filtered" | "spamdetected" | "virusdetected" | "contenterror" => BounceReason::Filtered,
        "blocked" | "rejected" | "policyviolation" | "requireptr" | "authfailure"
        | "badreputation" | "norelaying" | "securityerror" | "notcompliantrfc" => {
            BounceReason::Blocked
        }
        "delivered" => BounceReason::Delivered,
        _ => return None,
    })
}

/// Compares coarse reason families: filtered and blocked are both "the address is fine".
fn same_family(a: BounceReason, b: BounceReason) -> bool {
    let fam = |r: BounceReason| match r {
        BounceReason::Filtered | BounceReason::Blocked => 1,
        other => 10 + other as u8,
    };
    fam(a) == fam(b)
}

/// Evaluates bounce and auto-reply detection on `bounces/`.
pub fn eval_bounces(dir: &Path) -> BounceFigures {
    let mut f = BounceFigures::default();
    let expected = fs::read_to_string(dir.join("bounces/expected.jsonl")).unwrap_or_default();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let file = v["file"].as_str().unwrap_or("").to_string();
        let rows = v["expected"].as_array().cloned().unwrap_or_default();
        let raw = fs::read(dir.join("bounces/emails").join(&file)).unwrap_or_default();
        let email = match parse(&raw, &Limits::default()) {
            Ok(e) => e,
            Err(e) => {
                f.parse_errors += 1;
                f.misses.push(format!("{file}: parse error {e}"));
                continue;
            }
        };
        let is_vacation = rows.iter().any(|r| r["reason"] == "vacation");
        if is_vacation {
            f.autoreplies += 1;
            match &email.machine {
                Some(Machine::AutoReply(_)) => f.autoreplies_detected += 1,
                Some(Machine::Bounce(_)) => {
                    f.autoreplies_called_bounce += 1;
                    f.misses
                        .push(format!("{file}: auto-reply taken for a bounce"));
                }
                None => f.misses.push(format!("{file}: auto-reply not detected")),
            }
            continue;
        }
        f.bounces += 1;
        let Some(Machine::Bounce(b)) = &email.machine else {
            f.misses.push(format!(
                "{file}: bounce not detected (machine={:?}, subject={:?})",
                email.machine, email.subject
            ));
            // Still counts against recall of address_dead.
            if rows.iter().any(|r| r["hardbounce"] == true) {
                f.dead_fn += 1;
            }
            continue;
        };
        f.detected += 1;
        if let Some(r) = &b.recipient {
            f.with_recipient += 1;
            let raw_lower = String::from_utf8_lossy(&raw).to_lowercase();
            let ours: Vec<&str> = email.to.iter().map(|m| m.email.as_str()).collect();
            if raw_lower.contains(r.as_str()) && !ours.contains(&r.as_str()) {
                f.recipient_plausible += 1;
            } else {
                f.misses.push(format!("{file}: implausible recipient {r}"));
            }
        } else {
            f.misses.push(format!("{file}: no recipient"));
        }
        let statuses: Vec<&str> = rows
            .iter()
            .filter_map(|r| r["status"].as_str())
            .filter(|s| !s.is_empty())
            .collect();
        if !statuses.is_empty() {
            f.with_expected_status += 1;
            let correct = b.status.as_deref().is_some_and(|s| statuses.contains(&s));
            let real = statuses.iter().all(|s| !s.contains(".0.9"));
            if real {
                f.with_real_status += 1;
                if correct {
                    f.real_status_correct += 1;
                }
            }
            if correct {
                f.status_correct += 1;
            } else {
                f.misses.push(format!(
                    "{file}: status {:?} expected {:?} (diag {:?})",
                    b.status, statuses, b.diagnostic
                ));
            }
            let first = statuses.first().copied().unwrap_or("");
            if first.starts_with('5') || first.starts_with('4') {
                f.with_expected_class += 1;
                if b.permanent == first.starts_with('5') {
                    f.permanent_correct += 1;
                } else {
                    f.misses.push(format!(
                        "{file}: permanent={} but expected status {first} (ours {:?}, diag {:?})",
                        b.permanent, b.status, b.diagnostic
                    ));
                }
            }
        }
        let dead_expected = rows.iter().any(|r| r["hardbounce"] == true);
        match (b.address_dead, dead_expected) {
            (true, true) => f.dead_tp += 1,
            (true, false) => {
                f.dead_fp += 1;
                f.misses.push(format!(
                    "{file}: address_dead but expected {:?} (ours {:?} {:?}, diag {:?})",
                    rows.iter().map(|r| r["reason"].clone()).collect::<Vec<_>>(),
                    b.reason,
                    b.status,
                    b.diagnostic
                ));
            }
            (false, true) => {
                f.dead_fn += 1;
                f.misses.push(format!(
                    "{file}: dead address missed (ours {:?} {:?} permanent={}, diag {:?})",
                    b.reason, b.status, b.permanent, b.diagnostic
                ));
            }
            (false, false) => {}
        }
        let reasons: Vec<BounceReason> = rows
            .iter()
            .filter_map(|r| r["reason"].as_str())
            .filter_map(expected_reason)
            .collect();
        if !reasons.is_empty() {
            f.reason_comparable += 1;
            if reasons.iter().any(|r| same_family(*r, b.reason)) {
                f.reason_correct += 1;
            } else {
                f.misses.push(format!(
                    "{file}: reason {:?} expected {:?} (diag {:?})",
                    b.reason, reasons, b.diagnostic
                ));
            }
        }
    }
    f
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}
