//! Properties of `evaluate` over generated accounts.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use nudge_core::dispute::DisputeStatus;
use nudge_core::ledger::{ContactRole, ContactStatus, Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use nudge_core::promise::PromiseStatus;
use nudge_policy::{
    preview, AccountSnapshot, Action, Decision, PlannedStep, Policy, Stage, TouchKind,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const TZS: [chrono_tz::Tz; 5] = [
    chrono_tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Asia::Kolkata,
];
const STAGES: [Stage; 6] = Stage::ALL;
const STATUSES: [InvoiceStatus; 5] = [
    InvoiceStatus::Open,
    InvoiceStatus::Open,
    InvoiceStatus::Open,
    InvoiceStatus::Paid,
    InvoiceStatus::Void,
];

fn arb_invoice(i: usize) -> impl Strategy<Value = Invoice> {
    (
        -70i64..40,
        1i64..2_000_000,
        0u32..3,
        0usize..5,
        any::<bool>(),
        0u8..10,
    )
        .prop_map(move |(due, cents, part, st, usd, auto)| {
            let due = today() + Duration::days(due);
            let mut inv = inv(&format!("in_{i}"), due, "0");
            inv.currency = if usd { Currency::USD } else { Currency::EUR };
            inv.total = inv.currency.from_minor(cents);
            inv.paid = if part == 0 {
                inv.currency.round(inv.total / Decimal::from(3))
            } else {
                Decimal::ZERO
            };
            inv.status = STATUSES[st];
            if inv.status == InvoiceStatus::Paid {
                inv.paid = inv.total;
                inv.paid_on = Some(due + Duration::days(i64::from(part) * 9));
            }
            inv.auto_collection = auto == 0;
            inv.auto_collection_exhausted = auto == 0 && cents % 2 == 0;
            inv
        })
}

prop_compose! {
    fn arb_snapshot()(
        invoices in (1usize..10).prop_flat_map(|n| (0..n).map(arb_invoice).collect::<Vec<_>>()),
        touches in proptest::collection::vec((1i64..60 * 24 * 60, 0usize..6, 0u8..8), 0..4),
        contacts in proptest::collection::vec((0u8..5, 0u8..3, any::<bool>()), 0..3),
        ap_status in 0u8..6,
        disputed in proptest::collection::vec(proptest::bool::weighted(0.1), 10),
        promise in proptest::option::of((-20i64..10, any::<bool>(), 0u8..3)),
        strategic in any::<bool>(),
        tz in 0usize..5,
        ooo in proptest::option::of(-5i64..5),
    ) -> AccountSnapshot {
        let mut s = snapshot(invoices);
        s.account.strategic = strategic;
        s.account.timezone = TZS[tz].into();
        s.contacts = contacts.iter().enumerate().map(|(i, (role, status, pref))| {
            let role = [ContactRole::Ap, ContactRole::Buyer, ContactRole::Approver, ContactRole::Owner, ContactRole::Other][usize::from(*role)];
            let status = [ContactStatus::Active, ContactStatus::Bounced, ContactStatus::OptedOut][usize::from(*status)];
            let mut c = contact(&format!("c{i}@acme.test"), role, status);
            c.preferred = *pref;
            c
        }).collect();
        // Usually an AP contact, mostly reachable.
        if ap_status < 5 {
            let status = match ap_status { 0 => ContactStatus::Bounced, 1 => ContactStatus::OptedOut, _ => ContactStatus::Active };
            s.contacts.push(contact("ap@acme.test", ContactRole::Ap, status));
        }
        let ids: Vec<&str> = s.invoices.iter().zip(&disputed).filter(|(_, d)| **d).map(|(i, _)| i.id.as_str()).collect();
        if !ids.is_empty() {
            s.disputes = vec![dispute(&ids, DisputeStatus::Open)];
        }
        if let Some((offset, with_amount, status)) = promise {
            let mut p = common::promise(today() + Duration::days(offset), with_amount.then_some("500"), &[]);
            p.status = [PromiseStatus::Active, PromiseStatus::Broken, PromiseStatus::Kept][usize::from(status)];
            p.paused_at_stage = Some(Stage::Firm.as_u8());
            s.promises = vec![p];
        }
        let mut ts: Vec<_> = touches.iter().enumerate().map(|(i, (mins, st, kind))| {
            let kind = match kind { 0 => TouchKind::Task, 1 => TouchKind::Approval, _ => TouchKind::Email };
            touch(now() - Duration::minutes(*mins), STAGES[*st], kind, &format!("k{i}"))
        }).collect();
        ts.sort_by_key(|t| t.at);
        s.state.sequence = u32::try_from(ts.len()).unwrap();
        s.state.touches = ts;
        s.state.out_of_office_until = ooo.map(|d| today() + Duration::days(d));
        s
    }
}

fn arb_now() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..21 * 24 * 60).prop_map(|m| now() + Duration::minutes(m))
}

fn gap_for(s: &AccountSnapshot, p: &Policy) -> u32 {
    if s.account.strategic {
        p.strategic.min_gap_business_days
    } else {
        p.cadence.min_gap_business_days
    }
}

fn local_day(s: &AccountSnapshot, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&s.account.timezone).date_naive()
}

fn is_send(d: &Decision) -> bool {
    matches!(d.action, Action::Send(_))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Evaluating twice at the same `now` gives the same decision, which survives JSON.
    #[test]
    fn evaluate_is_deterministic(s in arb_snapshot(), now in arb_now()) {
        let p = Policy::default();
        let a = eval(&s, &p, now);
        let b = eval(&s.clone(), &p, now);
        prop_assert_eq!(&a, &b);
        prop_assert!(a.next_evaluation_at > now);
        let json = serde_json::to_string(&a).unwrap();
        prop_assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), a);
    }

    /// No send when every invoice is under an open dispute.
    #[test]
    fn never_a_send_when_everything_is_disputed(mut s in arb_snapshot(), now in arb_now()) {
        let ids: Vec<&str> = s.invoices.iter().map(|i| i.id.as_str()).collect();
        s.disputes = vec![dispute(&ids, DisputeStatus::Open)];
        let d = eval(&s, &Policy::default(), now);
        prop_assert!(!is_send(&d), "{:?}", d);
    }

    /// No send when the overdue balance is covered by an active promise (or disputed).
    #[test]
    fn never_a_send_when_overdue_is_promised_or_disputed(mut s in arb_snapshot(), now in arb_now()) {
        let mut p = common::promise(local_day(&s, now) + Duration::days(3), None, &[]);
        p.made_at = now - Duration::hours(1);
        s.promises = vec![p];
        let today = local_day(&s, now);
        let d = eval(&s, &Policy::default(), now);
        if s.invoices.iter().any(|i| i.is_overdue(today)) {
            prop_assert!(!is_send(&d), "{:?}", d);
        }
    }

    /// Nothing at all happens inside the cadence gap after any touch.
    #[test]
    fn never_two_touches_within_the_cadence_gap(s in arb_snapshot(), now in arb_now()) {
        let p = Policy::default();
        let d = eval(&s, &p, now);
        if let Some(last) = s.state.touches.iter().map(|t| t.at).max() {
            let allowed = p.calendar.add_business_days(local_day(&s, last), gap_for(&s, &p));
            if local_day(&s, now) < allowed {
                prop_assert_eq!(&d.action, &Action::None);
            }
        }
        // And after acting, the very next evaluation (at the time it asks for or earlier) is idle
        // until the gap has passed.
        let mut after = s.clone();
        if after.state.record(&d, now) {
            let again = eval(&after, &p, now + Duration::hours(1));
            prop_assert_eq!(&again.action, &Action::None);
        }
    }

    /// Strategic accounts are never emailed beyond their cap and never proposed for approval:
    /// beyond the cap the owner gets a task.
    #[test]
    fn strategic_accounts_never_exceed_their_cap(mut s in arb_snapshot(), now in arb_now()) {
        s.account.strategic = true;
        let p = Policy::default();
        let d = eval(&s, &p, now);
        match &d.action {
            Action::Send(snd) => prop_assert!(snd.stage <= p.strategic.cap),
            Action::Approval(_) => prop_assert!(false, "approval proposed for a strategic account"),
            _ => {}
        }
    }

    /// Bounced and opted-out contacts are never written to.
    #[test]
    fn never_writes_to_unreachable_contacts(s in arb_snapshot(), now in arb_now()) {
        let d = eval(&s, &Policy::default(), now);
        if let Action::Send(snd) = &d.action {
            for addr in std::iter::once(&snd.to).chain(snd.cc.iter()) {
                let c = s.contacts.iter().find(|c| &c.email == addr).unwrap();
                prop_assert!(c.reachable());
            }
        }
    }

    /// Running an account over months, acting on every decision at the time it asks for: gaps
    /// hold, step keys never repeat, stages are never skipped, and an unpaid account reaches
    /// human review (a missed sweep never stalls it).
    #[test]
    fn simulated_months_progress_without_skipping(
        due_ago in 0i64..30, total in 100i64..100_000, tz in 0usize..5, strategic in any::<bool>(),
        jitter in proptest::collection::vec(0i64..3 * 24 * 60, 64),
    ) {
        let p = Policy::default();
        let mut s = snapshot(vec![inv("a", today() - Duration::days(due_ago), &total.to_string())]);
        s.account.timezone = TZS[tz].into();
        s.account.strategic = strategic;
        let mut t = now();
        let mut approval_or_task = false;
        for step in 0..120 {
            let d = eval(&s, &p, t);
            prop_assert!(d.next_evaluation_at > t);
            if s.state.record(&d, t) {
                let touches = &s.state.touches;
                if let [.., prev, last] = touches.as_slice() {
                    let allowed = p.calendar.add_business_days(local_day(&s, prev.at), gap_for(&s, &p));
                    prop_assert!(local_day(&s, last.at) >= allowed);
                }
                let mut keys: Vec<_> = touches.iter().map(|t| &t.step_key).collect();
                keys.sort();
                keys.dedup();
                prop_assert_eq!(keys.len(), touches.len());
                match &d.action {
                    Action::Send(snd) => {
                        let highest = touches[..touches.len() - 1].iter()
                            .filter(|t| t.kind == TouchKind::Email).map(|t| t.stage).max().unwrap_or(Stage::None);
                        let next = p.ladder.iter().map(|st| st.stage).find(|st| *st > highest).unwrap_or(highest);
                        prop_assert!(snd.stage <= next.max(highest), "skipped from {highest:?} to {:?}", snd.stage);
                    }
                    Action::Approval(_) | Action::Task(_) => approval_or_task = true,
                    Action::None => {}
                }
            }
            // Sometimes the sweep is late: an outage of up to three days.
            let late = jitter[step % jitter.len()];
            t = d.next_evaluation_at + Duration::minutes(if step % 7 == 3 { late } else { 0 });
            if t > now() + Duration::days(150) {
                break;
            }
        }
        prop_assert!(approval_or_task, "an unpaid account never reached review: {:?}", s.state.touches);
    }
}

/// The generators must exercise sends, tasks, approvals and waits, or the properties are idle.
#[test]
fn generated_accounts_cover_every_kind_of_action() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut sends, mut tasks, mut approvals, mut nones) = (0, 0, 0, 0);
    for _ in 0..2000 {
        let s = arb_snapshot().new_tree(&mut runner).unwrap().current();
        let now = arb_now().new_tree(&mut runner).unwrap().current();
        match eval(&s, &Policy::default(), now).action {
            Action::Send(_) => sends += 1,
            Action::Task(_) => tasks += 1,
            Action::Approval(_) => approvals += 1,
            Action::None => nones += 1,
        }
    }
    assert!(
        sends >= 100 && tasks >= 50 && approvals >= 10 && nones >= 200,
        "{sends} {tasks} {approvals} {nones}"
    );
}

fn arb_amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Third-party ledgers can hold absurd amounts: evaluation never panics on them, with late
    /// charges on and promises with amounts and payments in play.
    #[test]
    fn evaluate_never_panics_on_extreme_amounts(
        mut s in arb_snapshot(),
        now in arb_now(),
        amounts in proptest::collection::vec((arb_amount(), arb_amount(), arb_amount()), 10),
        pay in arb_amount(),
        promised in arb_amount(),
    ) {
        for (inv, (total, paid, credited)) in s.invoices.iter_mut().zip(&amounts) {
            inv.total = *total;
            inv.paid = *paid;
            inv.credited = *credited;
        }
        let mut pr = common::promise(today(), Some("1"), &[]);
        pr.amount = Some(promised);
        pr.invoice_ids = s.invoices.iter().take(2).map(|i| i.id.clone()).collect();
        s.promises.push(pr);
        s.payments.push(nudge_core::ledger::Payment {
            id: "pay".into(),
            account_id: "acc_1".into(),
            amount: pay,
            currency: Currency::EUR,
            received_on: today(),
            reference: None,
            allocations: vec![nudge_core::ledger::Allocation { invoice_id: "in_0".into(), amount: pay }],
        });
        let mut p = Policy::default();
        p.late_charges.enabled = true;
        p.late_charges.from_stage = Stage::Friendly;
        let d = eval(&s, &p, now);
        prop_assert!(d.next_evaluation_at > now);
        prop_assert!(d.metrics.overdue_share_percent <= Decimal::ONE_HUNDRED);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A preview never plans two touches (sends, tasks, approvals) closer than the account's
    /// minimum gap, counting from the last touch already made; plans every send on a business day
    /// inside the send window in the account's timezone; never repeats a step; stays inside its
    /// window; and is deterministic.
    #[test]
    fn preview_keeps_the_gap_and_the_send_window(
        s in arb_snapshot(), from in arb_now(), days in 0i64..45,
    ) {
        let p = Policy::default();
        let until = from + Duration::days(days);
        let pv = preview(&s, &p, from, until);
        prop_assert_eq!(&pv, &preview(&s.clone(), &p, from, until));
        let gap = gap_for(&s, &p);
        let mut prev = s.state.touches.iter().map(|t| t.at).max();
        let mut keys: Vec<&str> = s.state.touches.iter().map(|t| t.step_key.as_str()).collect();
        for a in pv.actions() {
            prop_assert!(a.at == from || (a.at > from && a.at < until), "{} outside the window", a.at);
            if let Some(prev) = prev {
                let allowed = p.calendar.add_business_days(local_day(&s, prev), gap);
                prop_assert!(local_day(&s, a.at) >= allowed, "{} too soon after {}", a.at, prev);
            }
            let local = a.at.with_timezone(&s.account.timezone).naive_local();
            prop_assert_eq!(a.local_at.naive_local(), local);
            if let PlannedStep::Send(_) = &a.step {
                prop_assert!(p.calendar.is_business_day(local.date()), "{} not a business day", local);
                prop_assert!(
                    local.time() >= p.send_window.start && local.time() < p.send_window.end,
                    "{} outside the send window", local
                );
            }
            prop_assert!(!keys.contains(&a.step.step_key()), "{} twice", a.step.step_key());
            keys.push(a.step.step_key());
            prev = Some(a.at);
        }
    }
}

/// The preview property must see multi-step previews, or it checks little.
#[test]
fn generated_previews_plan_several_steps() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut several, mut tasks, mut approvals, mut quiet) = (0, 0, 0, 0);
    for _ in 0..500 {
        let s = arb_snapshot().new_tree(&mut runner).unwrap().current();
        let from = arb_now().new_tree(&mut runner).unwrap().current();
        let pv = preview(&s, &Policy::default(), from, from + Duration::days(30));
        let a = pv.actions();
        several += usize::from(a.len() >= 2);
        quiet += usize::from(a.is_empty());
        tasks += a
            .iter()
            .filter(|a| matches!(a.step, PlannedStep::Task(_)))
            .count();
        approvals += a
            .iter()
            .filter(|a| matches!(a.step, PlannedStep::Approval(_)))
            .count();
    }
    assert!(
        several >= 200 && tasks >= 100 && approvals >= 30 && quiet >= 30,
        "{several} {tasks} {approvals} {quiet}"
    );
}
