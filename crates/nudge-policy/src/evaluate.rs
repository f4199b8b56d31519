//! `evaluate`: the customer-level escalation decision for one account at one moment.
//!
//! The decision is a pure function of the snapshot, the policy and `now`: no clock, no I/O, no
//! randomness, so evaluating twice gives the same answer and a missed sweep simply catches up
//! (the stage is computed from the state as of `now`, never from a schedule of exact days).
//!
//! Order of rules: promises are assessed; invoices are classified (disputed, in a rejected
//! dispute's grace, still auto-collected, promised, overdue); the stage follows from the overdue
//! picture; then the gates: dunning switch, cadence gap, one step at a time, cap (owner task),
//! human review (approval), touches per stage, out-of-office, a reachable contact, send window.

use std::borrow::Cow;

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use nudge_core::approval::ApprovalStatus;
use nudge_core::money_arith::saturating_add;
use nudge_core::promise::{Promise, PromiseStatus};
use nudge_core::promise_assessment::assess_promise_with;
use rust_decimal::Decimal;

use crate::contact::{cc_for, choose_contact, ContactPurpose};
use crate::decision::{Action, Decision, ProposedAction, ProposedActionKind, Send, Task, TaskKind};
use crate::late_charges::late_charge;
use crate::picture::{classify, open_of, picture, Class, Picture, PromiseCover};
use crate::policy::Policy;
use crate::prefetch::prefetch;
use crate::reason::{Reason, ReasonCode};
use crate::snapshot::AccountSnapshot;
use crate::stage::{Stage, Tone};
use crate::stage_rules::{next_stage, previous_stage, target_stage};
use crate::state::TouchKind;
use crate::window::LocalNow;

/// Decides what to do about one account at `now`. Deterministic; explains itself in `reasons`.
pub fn evaluate<'a>(
    snapshot: &'a AccountSnapshot,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Decision<'a> {
    Evaluation::new(snapshot, policy, now).run()
}

/// `part:part:…:seq` without the formatting machinery (this runs for every action).
fn step_key(parts: &[&str], seq: u32) -> String {
    let mut key = String::with_capacity(32);
    for p in parts {
        key.push_str(p);
        key.push(':');
    }
    let mut digits = [0u8; 10];
    let mut n = seq;
    let mut len = 0;
    loop {
        if let Some(d) = digits.get_mut(len) {
            *d = b'0' + (n % 10) as u8;
        }
        len += 1;
        n /= 10;
        if n == 0 || len == digits.len() {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        key.push(char::from(*d));
    }
    key
}

/// The working state of one evaluation.
struct Evaluation<'a, 'p> {
    s: &'a AccountSnapshot,
    policy: &'p Policy,
    ln: LocalNow,
    today: NaiveDate,
    reasons: Vec<Reason>,
    wake: Option<DateTime<Utc>>,
    /// A gate (cadence, window, out-of-office, an action just taken) that holds every action
    /// until this time: a known lower bound, so no periodic re-check is needed before it.
    gate: Option<DateTime<Utc>>,
    promise_updates: Vec<(String, PromiseStatus)>,
}

/// Touches of the current episode, summarised.
#[derive(Default)]
struct Episode {
    /// Highest stage emailed or proposed for approval.
    highest: Stage,
    approval_made: bool,
    /// Highest stage an owner task stood in for.
    owner_task: Stage,
}

impl<'a, 'p> Evaluation<'a, 'p> {
    fn new(s: &'a AccountSnapshot, policy: &'p Policy, now: DateTime<Utc>) -> Self {
        // Everything but the invoices (prefetched as they are read) is read later on.
        prefetch(&s.state.touches);
        prefetch(&s.contacts);
        prefetch(&s.promises);
        prefetch(&s.disputes);
        let ln = LocalNow::new(now, s.account.timezone);
        Evaluation {
            s,
            policy,
            today: ln.today(),
            ln,
            reasons: Vec::with_capacity(12),
            wake: None,
            gate: None,
            promise_updates: Vec::new(),
        }
    }

    fn reason(&mut self, r: Reason) {
        self.reasons.push(r);
    }

    /// Asks to be woken at `t` (the earliest request wins).
    fn wake_at(&mut self, t: DateTime<Utc>) {
        self.wake = Some(self.wake.map_or(t, |w| w.min(t)));
    }

    /// Holds every action until `t`.
    fn gate_until(&mut self, t: DateTime<Utc>) {
        self.gate = Some(self.gate.map_or(t, |g| g.min(t)));
    }

    /// Asks to be woken when local day `d` begins.
    fn wake_on(&mut self, d: NaiveDate) {
        let t = self.ln.utc_of(d.and_time(chrono::NaiveTime::MIN));
        self.wake_at(t);
    }

    fn gap(&self) -> u32 {
        let ov = self
            .s
            .overrides
            .as_ref()
            .and_then(|o| o.min_gap_business_days);
        // At least one business day even if an unvalidated policy or override says zero.
        ov.unwrap_or(if self.s.account.strategic {
            self.policy.strategic.min_gap_business_days
        } else {
            self.policy.cadence.min_gap_business_days
        })
        .max(1)
    }

    fn run(mut self) -> Decision<'a> {
        let s = self.s;
        let policy = self.policy;
        let cal = &policy.calendar;
        let grace = policy.promises.grace_business_days;

        // 1. Promises: settle the active ones, collect what they cover and what broke.
        let lookback_start = self
            .today
            .checked_sub_days(Days::new(u64::from(policy.behaviour.lookback_days)))
            .unwrap_or(NaiveDate::MIN);
        let mut active: Vec<&Promise> = Vec::new();
        let mut broken: Vec<(&Promise, NaiveDate)> = Vec::new();
        let mut broken_count = 0u32;
        // One `promise_broken` reason per decision, however many promises broke.
        let mut broken_reason = false;
        for p in &s.promises {
            let status = if p.status == PromiseStatus::Active {
                let a = assess_promise_with(p, &s.invoices, &s.payments, self.today, grace, cal);
                match a.status {
                    PromiseStatus::Active => {
                        if let Some(next) = a.deadline.checked_add_days(Days::new(1)) {
                            self.wake_on(next);
                        }
                    }
                    PromiseStatus::Kept => self.reason(Reason::new(ReasonCode::PromiseKept)),
                    PromiseStatus::Broken => {
                        if !broken_reason {
                            self.reason(Reason::new(ReasonCode::PromiseBroken));
                            broken_reason = true;
                        }
                    }
                    PromiseStatus::Cancelled => {}
                }
                if a.status != p.status {
                    self.promise_updates.push((p.id.clone(), a.status));
                }
                a.status
            } else {
                p.status
            };
            match status {
                PromiseStatus::Active => active.push(p),
                PromiseStatus::Broken => {
                    let deadline = cal.add_business_days(p.promised_date, grace);
                    if deadline >= lookback_start {
                        // A promise broken earlier still explains this decision (it counts
                        // against payment behaviour), not only the evaluation where it broke.
                        if !broken_reason {
                            self.reason(Reason::new(ReasonCode::PromiseBroken));
                            broken_reason = true;
                        }
                        broken_count += 1;
                        broken.push((p, deadline));
                    }
                }
                PromiseStatus::Kept | PromiseStatus::Cancelled => {}
            }
        }

        // 2. The ledger as the policy sees it, promises applied.
        let mut pic = picture(s, policy, self.today, &[]);
        let mut covers: Vec<PromiseCover<'_>> = Vec::new();
        for p in &active {
            match self.cover_of(p, &pic) {
                Some(c) => covers.push(c),
                None => self.reason(Reason::new(ReasonCode::PromisePartial)),
            }
        }
        if !covers.is_empty() {
            pic = picture(s, policy, self.today, &covers);
            let n = i64::from(pic.metrics.promised_invoices);
            if n > 0 {
                self.reason(Reason::with_figure(ReasonCode::PromiseActive, n));
            }
        }
        pic.metrics.broken_promises = broken_count;
        if pic.metrics.disputed_invoices > 0 {
            let n = i64::from(pic.metrics.disputed_invoices);
            self.reason(Reason::with_figure(ReasonCode::InvoicesDisputed, n));
        }
        if let Some(until) = pic.grace_until {
            let n = i64::from(pic.grace_invoices);
            self.reason(Reason::with_figure(ReasonCode::DisputeRejectedGrace, n));
            if let Some(next) = until.checked_add_days(Days::new(1)) {
                self.wake_on(next);
            }
        }
        if pic.auto_pending > 0 {
            let n = i64::from(pic.auto_pending);
            self.reason(Reason::with_figure(ReasonCode::AutoCollectionPending, n));
        }

        // 3. Episode: touches since the oldest past-due invoice fell due.
        let episode = self.episode(pic.episode_start);

        // A broken promise resumes at least at the stage it paused, until a touch follows it.
        let mut floor: Option<Stage> = None;
        for (p, deadline) in &broken {
            let in_episode = pic.episode_start.is_some_and(|start| *deadline >= start);
            let resumed = s
                .state
                .touches
                .iter()
                .any(|t| t.kind == TouchKind::Email && t.at.date_naive() > *deadline);
            if in_episode && !resumed {
                let paused = p
                    .paused_at_stage
                    .and_then(Stage::from_u8)
                    .or(s.state.paused_stage);
                floor = floor.max(paused);
            }
        }

        // 4. The stage the state calls for.
        let (target, chronic) = if pic.metrics.overdue_invoices > 0 {
            let call = target_stage(&pic, policy, s.overrides.as_ref(), floor, &mut self.reasons);
            (call.target, call.chronic)
        } else if let Some((_, days)) = pic.courtesy.filter(|_| {
            // Courtesy notices are for clean accounts: not while anything is disputed, resting
            // after a dispute, promised or past due.
            pic.overdue_before_promises == 0
                && pic.metrics.disputed_invoices == 0
                && pic.grace_invoices == 0
                && active.is_empty()
        }) {
            self.reason(Reason::with_figure(ReasonCode::CourtesyLargeInvoice, days));
            (Stage::Courtesy, false)
        } else {
            if pic.overdue_before_promises > 0 {
                self.reason(Reason::new(ReasonCode::AllOverduePromised));
            } else if pic.metrics.disputed_invoices > 0 {
                self.reason(Reason::new(ReasonCode::AllOverdueDisputed));
            } else {
                self.reason(Reason::new(ReasonCode::NothingOverdue));
            }
            (Stage::None, false)
        };

        // What the state should remember as the paused stage.
        let paused_stage = if pic.metrics.promised_invoices > 0 {
            let st = s
                .state
                .paused_stage
                .unwrap_or_default()
                .max(episode.highest);
            (st >= Stage::Friendly).then_some(st)
        } else if floor.is_some() {
            s.state.paused_stage
        } else {
            None
        };

        let action = self.gates(&pic, &covers, target, chronic, &episode);
        self.finish(action, target, paused_stage, pic)
    }

    /// What an active promise covers, or `None` when its amount falls short of what it names.
    fn cover_of<'q>(&self, p: &'q Promise, pic: &Picture) -> Option<PromiseCover<'q>> {
        if p.invoice_ids.is_empty() {
            let single = match pic.metrics.exposure.as_slice() {
                [only] => Some(only.currency),
                _ => None,
            };
            let currency = p.currency.or(single);
            let enough = match (p.amount, currency) {
                (None, _) => true,
                (Some(a), Some(c)) => {
                    let overdue = pic
                        .metrics
                        .exposure
                        .iter()
                        .find(|e| e.currency == c)
                        .map_or(Decimal::ZERO, |e| e.overdue);
                    a >= overdue
                }
                (Some(_), None) => false,
            };
            enough.then_some(PromiseCover {
                ids: &[],
                all_overdue: Some(p.currency),
            })
        } else {
            let enough = match p.amount {
                None => true,
                Some(a) => {
                    let mut named = Decimal::ZERO;
                    for inv in self
                        .s
                        .invoices
                        .iter()
                        .filter(|i| p.invoice_ids.contains(&i.id))
                    {
                        if matches!(
                            classify(inv, self.s, self.policy, self.today, &[]),
                            Class::Overdue(_)
                        ) {
                            named = saturating_add(named, open_of(inv));
                        }
                    }
                    a >= named
                }
            };
            enough.then_some(PromiseCover {
                ids: &p.invoice_ids,
                all_overdue: None,
            })
        }
    }

    fn episode(&self, start: Option<NaiveDate>) -> Episode {
        let mut e = Episode::default();
        let Some(start) = start else { return e };
        for t in self
            .s
            .state
            .touches
            .iter()
            .filter(|t| t.at.date_naive() >= start)
        {
            match t.kind {
                TouchKind::Email => e.highest = e.highest.max(t.stage),
                TouchKind::Approval => {
                    e.highest = e.highest.max(Stage::Review);
                    e.approval_made = true;
                }
                TouchKind::Task if t.step_key.starts_with("owner_review:") => {
                    e.owner_task = e.owner_task.max(t.stage);
                }
                TouchKind::Task => {}
            }
        }
        e
    }

    /// The latest approval requested in this episode: from the snapshot's approvals, or, when
    /// the caller passes none, a recorded approval touch counts as pending.
    fn approval_outcome(
        &self,
        start: Option<NaiveDate>,
        episode: &Episode,
    ) -> Option<ApprovalStatus> {
        let start = start?;
        let latest = self
            .s
            .approvals
            .iter()
            .filter(|a| a.requested_at.date_naive() >= start)
            .max_by_key(|a| a.requested_at);
        match latest {
            Some(a) => Some(a.status),
            None => episode.approval_made.then_some(ApprovalStatus::Pending),
        }
    }

    /// Emails sent at `stage` in the episode starting `start`.
    fn emails_at(&self, stage: Stage, start: Option<NaiveDate>) -> u32 {
        let Some(start) = start else { return 0 };
        let n = self
            .s
            .state
            .touches
            .iter()
            .filter(|t| {
                t.kind == TouchKind::Email && t.stage == stage && t.at.date_naive() >= start
            })
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The gates from the target stage to one action.
    fn gates(
        &mut self,
        pic: &Picture,
        covers: &[PromiseCover<'_>],
        target: Stage,
        chronic: bool,
        episode: &Episode,
    ) -> Action<'a> {
        let s = self.s;
        let policy = self.policy;
        let cal = &policy.calendar;
        let ov = s.overrides.as_ref();
        if !s.account.dunning_enabled || ov.is_some_and(|o| o.dunning_off) {
            self.reason(Reason::new(ReasonCode::DunningDisabled));
            return Action::None;
        }
        if target == Stage::None {
            return Action::None;
        }

        // Cadence: a minimum gap in business days after any touch.
        let gap = self.gap();
        if let Some(last) = s.state.touches.iter().map(|t| t.at).max() {
            // The local date is at most a day after the UTC date, and later starts give later
            // ends: if even that bound has passed, the timezone lookup is not needed.
            let latest_day = last.date_naive().succ_opt().unwrap_or(NaiveDate::MAX);
            let clearly_passed = self.today >= cal.add_business_days(latest_day, gap);
            let allowed = if clearly_passed {
                self.today
            } else {
                let last_day = last.with_timezone(&self.ln.tz).date_naive();
                cal.add_business_days(last_day, gap)
            };
            if self.today < allowed {
                self.reason(Reason::with_figure(ReasonCode::CadenceGap, i64::from(gap)));
                let t = self
                    .ln
                    .opening_on_or_after(allowed, &policy.send_window, cal);
                self.gate_until(t);
                return Action::None;
            }
        }
        let seq = s.state.next_sequence();

        let mut stage = target;
        if target != Stage::Courtesy {
            // One step at a time: never skip a rung, whatever an outage or import did.
            let allowed_max = next_stage(policy, episode.highest).unwrap_or(episode.highest);
            if stage > allowed_max {
                stage = allowed_max;
                self.reason(Reason::with_stage(ReasonCode::OneStepAtATime, stage));
            } else if stage < episode.highest {
                self.reason(Reason::with_stage(ReasonCode::DeEscalated, stage));
            }
            // Capped accounts: beyond the cap the owner gets a task, then reminders stay at the cap.
            let cap = ov
                .and_then(|o| o.cap)
                .or(s.account.strategic.then_some(policy.strategic.cap));
            if let Some(cap) = cap.filter(|c| stage > *c) {
                if episode.owner_task < stage {
                    self.reason(Reason::with_stage(ReasonCode::CapExceededOwnerTask, stage));
                    return Action::Task(Task {
                        kind: TaskKind::OwnerReview,
                        assignee: s.account.owner.clone(),
                        summary: format!(
                            "{} is at `{}` but capped at `{}`: please follow up personally.",
                            s.account.name, stage, cap
                        ),
                        step_key: step_key(&["owner_review", stage.as_str()], seq),
                        stage,
                    });
                }
                stage = cap;
                self.reason(Reason::with_stage(ReasonCode::StageCapped, cap));
            }
            if stage == Stage::Review {
                match self.approval_outcome(pic.episode_start, episode) {
                    Some(ApprovalStatus::Pending) => {
                        self.reason(Reason::new(ReasonCode::AwaitingApproval));
                        return Action::None;
                    }
                    Some(ApprovalStatus::Approved) => {
                        self.reason(Reason::new(ReasonCode::ApprovalGranted));
                        return Action::None;
                    }
                    Some(ApprovalStatus::Rejected) => {
                        // A person declined the escalation: keep reminding below review.
                        stage = previous_stage(policy, Stage::Review).unwrap_or(Stage::None);
                        self.reason(Reason::with_stage(ReasonCode::ApprovalRejected, stage));
                        if stage == Stage::None {
                            return Action::None;
                        }
                    }
                    Some(ApprovalStatus::Withdrawn) | None => {}
                }
            }
            if stage == Stage::Review {
                self.reason(Reason::new(ReasonCode::ReviewProposed));
                let kind = self.proposed_kind(pic);
                return Action::Approval(ProposedAction {
                    kind,
                    step_key: step_key(&["review"], seq),
                    invoice_ids: self.overdue_ids(pic, covers),
                    assignee: s.account.owner.clone(),
                    summary: format!(
                        "{}: {} overdue invoice(s), oldest {} day(s); final notice given.",
                        s.account.name,
                        pic.metrics.overdue_invoices,
                        pic.metrics.oldest_days_overdue
                    ),
                });
            }
            let sent = self.emails_at(stage, pic.episode_start);
            if sent >= policy.cadence.max_touches_per_stage {
                self.reason(Reason {
                    code: ReasonCode::StageTouchesExhausted,
                    figure: Some(i64::from(sent)),
                    stage: Some(stage),
                });
                return Action::None;
            }
        }

        // Email gates.
        if let Some(until) = s.state.out_of_office_until.filter(|u| *u >= self.today) {
            self.reason(Reason::new(ReasonCode::OutOfOffice));
            let t = self
                .ln
                .opening_on_or_after(cal.after(until), &policy.send_window, cal);
            self.gate_until(t);
            return Action::None;
        }
        let Some(choice) = choose_contact(&s.contacts, ContactPurpose::Reminder) else {
            self.reason(Reason::new(ReasonCode::NoReachableContact));
            return Action::Task(Task {
                kind: TaskKind::FindContact,
                assignee: s.account.owner.clone(),
                summary: format!(
                    "No reachable contact at {} for a `{}` reminder: find the right person.",
                    s.account.name, stage
                ),
                step_key: step_key(&["find_contact"], seq),
                stage,
            });
        };
        if choice.fallback {
            self.reason(Reason::new(ReasonCode::FallbackContact));
        }
        if !self.ln.in_window(&policy.send_window, cal) {
            self.reason(Reason::new(ReasonCode::OutsideSendWindow));
            let t = self
                .ln
                .opening_on_or_after(self.today, &policy.send_window, cal);
            self.gate_until(t);
            return Action::None;
        }

        let tone = self.tone(stage, chronic);
        let (invoice_ids, step_key, late_charges) = if stage == Stage::Courtesy {
            let id = pic
                .courtesy
                .and_then(|(i, _)| s.invoices.get(i))
                .map_or("", |inv| inv.id.as_str());
            let key = format!("courtesy:{id}");
            (vec![Cow::Borrowed(id)], key, Vec::new())
        } else {
            let lc = &policy.late_charges;
            let mut ids = Vec::with_capacity(pic.metrics.overdue_invoices as usize);
            let mut charges = Vec::new();
            for (i, inv) in s.invoices.iter().enumerate() {
                if let Some(days) = pic.overdue_days(i, inv, s, policy, self.today, covers) {
                    ids.push(Cow::Borrowed(inv.id.as_str()));
                    if lc.enabled && stage >= lc.from_stage {
                        charges.push(late_charge(inv, days, lc));
                    }
                }
            }
            if !charges.is_empty() {
                let n = i64::try_from(charges.len()).unwrap_or(i64::MAX);
                self.reason(Reason::with_figure(ReasonCode::LateChargesQuoted, n));
            }
            (ids, step_key(&[stage.as_str()], seq), charges)
        };
        self.reason(Reason::with_stage(ReasonCode::Send, stage));
        Action::Send(Send {
            stage,
            tone,
            to: Cow::Borrowed(choice.contact.email.as_str()),
            cc: cc_for(&s.contacts, choice.contact),
            invoice_ids,
            step_key,
            late_charges,
        })
    }

    fn tone(&mut self, stage: Stage, chronic: bool) -> Tone {
        let policy = self.policy;
        let mut tone = if stage == Stage::Courtesy {
            policy.courtesy.tone
        } else {
            policy.step(stage).map_or(Tone::Friendly, |st| st.tone)
        };
        if self.s.account.strategic {
            tone = tone.softer();
            self.reason(Reason::new(ReasonCode::StrategicSofterTone));
        } else if chronic && stage != Stage::Courtesy {
            tone = tone.firmer();
        }
        if let Some(max) = self.s.overrides.as_ref().and_then(|o| o.tone) {
            if tone > max {
                tone = max;
                self.reason(Reason::new(ReasonCode::ToneCapped));
            }
        }
        tone
    }

    fn overdue_ids(&self, pic: &Picture, covers: &[PromiseCover<'_>]) -> Vec<Cow<'a, str>> {
        let (s, policy, today) = (self.s, self.policy, self.today);
        s.invoices
            .iter()
            .enumerate()
            .filter(|(i, inv)| {
                pic.overdue_days(*i, inv, s, policy, today, covers)
                    .is_some()
            })
            .map(|(_, inv)| Cow::Borrowed(inv.id.as_str()))
            .collect()
    }

    fn proposed_kind(&self, pic: &Picture) -> ProposedActionKind {
        let review = &self.policy.review;
        let legal = pic.metrics.exposure.iter().any(|e| {
            review
                .legal_notice_min
                .get(&e.currency)
                .is_some_and(|min| e.overdue >= *min)
        });
        if legal {
            return ProposedActionKind::LegalNotice;
        }
        if pic.partially_paid_overdue > 0
            && pic.metrics.overdue_invoices >= review.payment_plan_min_invoices
        {
            return ProposedActionKind::PaymentPlan;
        }
        let trading_since = self
            .today
            .checked_sub_days(Days::new(u64::from(review.trading_recent_days)))
            .unwrap_or(NaiveDate::MIN);
        if pic.latest_issue.is_some_and(|d| d >= trading_since) {
            ProposedActionKind::CreditHold
        } else {
            ProposedActionKind::AgencyReferral
        }
    }

    fn finish(
        mut self,
        action: Action<'a>,
        stage: Stage,
        paused_stage: Option<Stage>,
        pic: Picture,
    ) -> Decision<'a> {
        let now = self.ln.now;
        let policy = self.policy;
        if !matches!(action, Action::None) {
            // After acting, nothing can happen before the cadence gap ends.
            let next = policy.calendar.add_business_days(self.today, self.gap());
            let t = self
                .ln
                .opening_on_or_after(next, &policy.send_window, &policy.calendar);
            self.gate = None;
            self.gate_until(t);
        }
        // Time alone changes the stage (days overdue grow), so without a gate look again at
        // least every `max_sleep_hours`; behind a gate nothing can happen before it opens.
        let max_sleep = now
            .checked_add_signed(Duration::hours(i64::from(policy.max_sleep_hours)))
            .unwrap_or(now);
        let horizon = self.gate.unwrap_or(max_sleep);
        let floor = now.checked_add_signed(Duration::minutes(1)).unwrap_or(now);
        let next = self.wake.map_or(horizon, |w| w.min(horizon)).max(floor);
        Decision {
            action,
            stage,
            reasons: self.reasons,
            next_evaluation_at: next,
            promise_updates: self.promise_updates,
            paused_stage,
            metrics: pic.metrics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::step_key;

    #[test]
    fn step_keys_join_parts_and_the_sequence() {
        assert_eq!(step_key(&["firm"], 12), "firm:12");
        assert_eq!(
            step_key(&["owner_review", "final"], 0),
            "owner_review:final:0"
        );
        assert_eq!(step_key(&["review"], u32::MAX), "review:4294967295");
    }
}
