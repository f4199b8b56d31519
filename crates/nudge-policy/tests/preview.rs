//! `preview`: the simulated future of one account, checked against the policy's own rules.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use nudge_core::dispute::DisputeStatus;
use nudge_core::promise::PromiseStatus;
use nudge_policy::{
    preview, AccountSnapshot, PlannedAction, PlannedStep, Policy, Preview, ReasonCode, Stage,
    TaskKind, Tone,
};

fn days(n: i64) -> DateTime<Utc> {
    now() + Duration::days(n)
}

fn stages(pv: &Preview) -> Vec<Stage> {
    pv.actions().iter().map(|a| a.step.stage()).collect()
}

fn local_day(s: &AccountSnapshot, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&s.account.timezone).date_naive()
}

fn why(pv: &Preview) -> Vec<ReasonCode> {
    match pv {
        Preview::NothingPlanned { why, .. } => why.iter().map(|r| r.code).collect(),
        Preview::Planned { actions, .. } => panic!("expected nothing planned, got {actions:?}"),
    }
}

fn invoice_ids(a: &PlannedAction) -> Vec<String> {
    match &a.step {
        PlannedStep::Send(s) => s.invoice_ids.iter().map(|i| i.to_string()).collect(),
        PlannedStep::Approval(ap) => ap.invoice_ids.iter().map(|i| i.to_string()).collect(),
        PlannedStep::Task(_) => Vec::new(),
    }
}

#[test]
fn a_freshly_overdue_account_gets_its_ladder_on_business_days_in_its_window() {
    let p = Policy::default();
    // Due yesterday (Sunday); Monday 10:00 in Berlin.
    let s = snapshot(vec![inv("a", days_ago(1), "1000")]);
    let before = s.clone();
    let pv = preview(&s, &p, now(), days(60));
    assert_eq!(s, before, "the caller's snapshot is untouched");
    assert_eq!(
        stages(&pv),
        [
            Stage::Friendly,
            Stage::Friendly,
            Stage::Firm,
            Stage::Firm,
            Stage::Final,
            Stage::Final,
            Stage::Review
        ]
    );
    let a = pv.actions();
    // Three days overdue on Wednesday, inside the window (10:00 local): at once. Then every
    // 5 business days at the window's opening, 09:00 Berlin (08:00 UTC, CET).
    let at: Vec<_> = a.iter().map(|a| a.at).collect();
    assert_eq!(
        at,
        [
            utc("2026-12-02T09:00:00Z"),
            utc("2026-12-09T08:00:00Z"),
            utc("2026-12-16T08:00:00Z"),
            utc("2026-12-23T08:00:00Z"),
            utc("2026-12-30T08:00:00Z"),
            utc("2027-01-06T08:00:00Z"),
            utc("2027-01-13T08:00:00Z"),
        ]
    );
    assert_eq!(a[0].local_at.to_rfc3339(), "2026-12-02T10:00:00+01:00");
    let keys: Vec<_> = a.iter().map(|a| a.step.step_key()).collect();
    assert_eq!(
        keys,
        [
            "friendly:1",
            "friendly:2",
            "firm:3",
            "firm:4",
            "final:5",
            "final:6",
            "review:7"
        ]
    );
    for w in a.windows(2) {
        let allowed = p
            .calendar
            .add_business_days(local_day(&s, w[0].at), p.cadence.min_gap_business_days);
        assert!(
            local_day(&s, w[1].at) >= allowed,
            "{:?}",
            (w[0].at, w[1].at)
        );
    }
    for act in a {
        let local = act.local_at.naive_local();
        assert!(p.calendar.is_business_day(local.date()), "{local}");
        assert!(local.time() >= p.send_window.start && local.time() < p.send_window.end);
        // The reasons are the decision's: every send says so.
        let last = act.reasons.last().map(|r| r.code);
        match &act.step {
            PlannedStep::Send(snd) => {
                assert_eq!(last, Some(ReasonCode::Send));
                assert_eq!((&*snd.to, snd.invoice_ids.len()), ("ap@acme.test", 1));
            }
            PlannedStep::Approval(_) => assert_eq!(last, Some(ReasonCode::ReviewProposed)),
            PlannedStep::Task(t) => panic!("unexpected task {t:?}"),
        }
    }
    assert!(matches!(
        pv,
        Preview::Planned { simulated_until, .. } if simulated_until == days(60)
    ));
    // The proposal stays pending: the next 60 days hold nothing more.
    let later = preview(&s, &p, now(), days(120));
    assert_eq!(later.actions().len(), 7);
}

#[test]
fn a_promise_pauses_until_its_date_plus_grace_then_dunning_resumes() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(20), "1000")]);
    s.state.touches = vec![
        email_days_ago(14, Stage::Friendly, "friendly:1"),
        email_days_ago(7, Stage::Firm, "firm:2"),
    ];
    s.state.sequence = 2;
    // Promised for Friday 12-04; two business days' grace end Tuesday 12-08.
    s.promises = vec![promise(days_ahead(4), None, &[])];

    // Within the pause, nothing, and the summary says why.
    let pv = preview(&s, &p, now(), days(3));
    assert_eq!(why(&pv), [ReasonCode::AllOverduePromised]);

    let pv = preview(&s, &p, now(), days(14));
    let first = &pv.actions()[0];
    // Broken the first day after the deadline: resumes at the window's opening on Wednesday,
    // at the stage it paused (firm, one email left there).
    assert_eq!(first.at, utc("2026-12-09T08:00:00Z"));
    match &first.step {
        PlannedStep::Send(snd) => assert_eq!((snd.stage, &*snd.step_key), (Stage::Firm, "firm:3")),
        other => panic!("{other:?}"),
    }
    assert!(first
        .reasons
        .iter()
        .any(|r| r.code == ReasonCode::PromiseBroken));
    // The caller's promise is still active: only the simulation's copy broke.
    assert_eq!(s.promises[0].status, PromiseStatus::Active);
}

#[test]
fn a_disputed_invoice_is_never_named() {
    let p = Policy::default();
    let mut s = snapshot(vec![
        inv("a", days_ago(20), "1000"),
        inv("b", days_ago(40), "500"),
    ]);
    s.disputes = vec![dispute(&["b"], DisputeStatus::Open)];
    let pv = preview(&s, &p, now(), days(90));
    assert!(pv.actions().len() >= 3, "{pv:?}");
    for a in pv.actions() {
        assert_eq!(invoice_ids(a), ["a"], "{a:?}");
        assert!(a
            .reasons
            .iter()
            .any(|r| r.code == ReasonCode::InvoicesDisputed));
    }
    // Everything disputed: nothing at all, and why.
    s.disputes = vec![dispute(&["a", "b"], DisputeStatus::Open)];
    let pv = preview(&s, &p, now(), days(30));
    assert_eq!(why(&pv), [ReasonCode::AllOverdueDisputed]);
}

#[test]
fn a_strategic_account_stops_at_its_cap_and_the_owner_gets_a_task() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(1), "1000")]);
    s.account.strategic = true;
    let pv = preview(&s, &p, now(), days(120));
    let a = pv.actions();
    assert_eq!(
        stages(&pv),
        [Stage::Friendly, Stage::Firm, Stage::Final, Stage::Firm]
    );
    match &a[2].step {
        PlannedStep::Task(t) => {
            assert_eq!((t.kind, t.stage), (TaskKind::OwnerReview, Stage::Final));
            assert_eq!(t.assignee.as_deref(), Some("owner@us.test"));
        }
        other => panic!("expected the owner's task instead of the final notice: {other:?}"),
    }
    for act in a {
        if let PlannedStep::Send(snd) = &act.step {
            assert!(snd.stage <= p.strategic.cap);
            assert!(snd.tone <= Tone::Friendly, "softer tone: {:?}", snd.tone);
        }
        assert!(!matches!(act.step, PlannedStep::Approval(_)));
    }
    // The slower strategic cadence: 10 business days between touches.
    for w in a.windows(2) {
        let allowed = p
            .calendar
            .add_business_days(local_day(&s, w[0].at), p.strategic.min_gap_business_days);
        assert!(local_day(&s, w[1].at) >= allowed);
    }
}

#[test]
fn an_empty_window_yields_at_most_the_immediate_action() {
    let p = Policy::default();
    let s = snapshot(vec![inv("a", days_ago(5), "1000")]);
    // Monday 10:00 Berlin: the friendly reminder is due now.
    let pv = preview(&s, &p, now(), now());
    assert_eq!(pv.actions().len(), 1);
    assert_eq!(pv.actions()[0].at, now());
    // `until` before `from` behaves the same.
    assert_eq!(preview(&s, &p, now(), days(-3)), pv);
    // Saturday: nothing now, and the window is why.
    let saturday = utc("2026-12-05T10:00:00Z");
    let pv = preview(&s, &p, saturday, saturday);
    assert_eq!(why(&pv), [ReasonCode::OutsideSendWindow]);
    match pv {
        Preview::NothingPlanned {
            next_evaluation_at,
            next_evaluation_local,
            ..
        } => {
            // Monday 09:00 Berlin.
            assert_eq!(next_evaluation_at, utc("2026-12-07T08:00:00Z"));
            assert_eq!(
                next_evaluation_local.to_rfc3339(),
                "2026-12-07T09:00:00+01:00"
            );
        }
        Preview::Planned { .. } => unreachable!(),
    }
}

#[test]
fn nothing_planned_says_why() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(20), "1000")]);
    s.state.out_of_office_until = Some(days_ahead(10));
    assert_eq!(
        why(&preview(&s, &p, now(), days(7))),
        [ReasonCode::OutOfOffice]
    );
    s.state.out_of_office_until = None;
    s.state.touches = vec![email_days_ago(1, Stage::Friendly, "friendly:1")];
    assert_eq!(
        why(&preview(&s, &p, now(), days(2))),
        [ReasonCode::CadenceGap]
    );
    s.account.dunning_enabled = false;
    assert_eq!(
        why(&preview(&s, &p, now(), days(30))),
        [ReasonCode::DunningDisabled]
    );
    let s = snapshot(vec![inv("a", days_ahead(20), "100")]);
    assert_eq!(
        why(&preview(&s, &p, now(), days(10))),
        [ReasonCode::NothingOverdue]
    );
}

#[test]
fn the_same_input_gives_the_same_preview_which_survives_json() {
    let p = Policy::default();
    let mut s = snapshot(vec![
        inv("a", days_ago(12), "1000"),
        inv("b", days_ago(3), "250"),
        inv("c", days_ahead(6), "9000"),
    ]);
    s.account.timezone = chrono_tz::America::New_York.into();
    let a = preview(&s, &p, now(), days(45));
    let b = preview(&s.clone(), &p, now(), days(45));
    assert_eq!(a, b);
    assert!(!a.actions().is_empty());
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(serde_json::from_str::<Preview>(&json).unwrap(), a);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["outcome"], "planned");
    assert_eq!(v["actions"][0]["step"]["type"], "send");
}

#[test]
fn the_evaluation_cap_ends_a_very_long_preview() {
    let p = Policy::default();
    let s = snapshot(vec![inv("a", days_ahead(20), "100")]);
    // Ten years of a quiet account: stopped by the cap, and it says how far it got.
    let pv = preview(&s, &p, now(), days(3650));
    let reached = pv.simulated_until();
    assert!(reached > days(300) && reached < days(3650), "{reached}");
}
