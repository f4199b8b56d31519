//! One test per escalation rule.

mod common;

use chrono::NaiveDate;
use common::*;
use nudge_core::dispute::DisputeStatus;
use nudge_core::ledger::{ContactRole, ContactStatus};
use nudge_core::promise::PromiseStatus;
use nudge_policy::{
    Action, Decision, Policy, PolicyOverrides, ProposedActionKind, ReasonCode, Send, Stage,
    StageDays, TaskKind, Tone, TouchKind,
};

fn send<'d>(d: &'d Decision<'_>) -> &'d Send<'d> {
    match &d.action {
        Action::Send(s) => s,
        other => panic!("expected a send, got {other:?} ({:?})", codes(d)),
    }
}

fn codes(d: &Decision) -> Vec<ReasonCode> {
    d.reasons.iter().map(|r| r.code).collect()
}

fn has(d: &Decision, c: ReasonCode) -> bool {
    d.reasons.iter().any(|r| r.code == c)
}

#[test]
fn nothing_overdue_means_nothing_to_do() {
    let d = eval(
        &snapshot(vec![inv("a", days_ahead(10), "100")]),
        &Policy::default(),
        now(),
    );
    assert_eq!(d.action, Action::None);
    assert_eq!(d.stage, Stage::None);
    assert!(has(&d, ReasonCode::NothingOverdue));
    assert_eq!(d.next_evaluation_at, now() + chrono::Duration::hours(24));
}

#[test]
fn friendly_reminder_a_few_days_after_due_to_ap() {
    let p = Policy::default();
    let d = eval(&snapshot(vec![inv("a", days_ago(2), "100")]), &p, now());
    assert_eq!((d.stage, &d.action), (Stage::None, &Action::None));
    assert!(has(&d, ReasonCode::BelowFirstStep));
    let d = eval(
        &snapshot(vec![
            inv("a", days_ago(5), "100"),
            inv("b", days_ahead(5), "50"),
        ]),
        &p,
        now(),
    );
    let s = send(&d);
    assert_eq!(
        (s.stage, s.tone, &*s.to),
        (Stage::Friendly, Tone::Friendly, "ap@acme.test")
    );
    assert_eq!(s.invoice_ids, vec!["a"]);
    assert_eq!(s.step_key, "friendly:1");
    assert!(s.late_charges.is_empty());
    // Next look: after the cadence gap (5 business days) at the window opening, Berlin time.
    assert_eq!(d.next_evaluation_at, utc("2026-12-07T08:00:00Z"));
}

#[test]
fn stages_are_never_skipped_and_review_needs_approval() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(50), "1000")]);
    let d = eval(&s, &p, now());
    assert_eq!(d.stage, Stage::Review);
    assert_eq!(send(&d).stage, Stage::Friendly);
    assert!(has(&d, ReasonCode::OneStepAtATime));

    s.state.touches = vec![
        email_days_ago(30, Stage::Friendly, "friendly:1"),
        email_days_ago(20, Stage::Firm, "firm:2"),
    ];
    assert_eq!(send(&eval(&s, &p, now())).stage, Stage::Final);

    s.state
        .touches
        .push(email_days_ago(10, Stage::Final, "final:3"));
    let d = eval(&s, &p, now());
    match &d.action {
        Action::Approval(a) => {
            assert_eq!(a.step_key, "review:4");
            assert_eq!(a.invoice_ids, vec!["a"]);
            // Last invoice issued 80 days ago: still trading.
            assert_eq!(a.kind, ProposedActionKind::CreditHold);
        }
        other => panic!("expected approval, got {other:?}"),
    }
    s.state.touches.push(touch(
        now() - chrono::Duration::days(8),
        Stage::Review,
        TouchKind::Approval,
        "review:4",
    ));
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::AwaitingApproval));
}

#[test]
fn review_proposes_agency_for_dormant_accounts_and_legal_above_threshold() {
    let mut p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(150), "1000")]);
    s.state.touches = vec![email_days_ago(30, Stage::Final, "final:1")];
    let kind = |d: &Decision| match &d.action {
        Action::Approval(a) => a.kind,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        kind(&eval(&s, &p, now())),
        ProposedActionKind::AgencyReferral
    );
    p.review
        .legal_notice_min
        .insert(nudge_core::money::Currency::EUR, dec("500"));
    assert_eq!(kind(&eval(&s, &p, now())), ProposedActionKind::LegalNotice);
}

#[test]
fn paying_down_de_escalates() {
    let p = Policy::default();
    // Firm reminder two weeks ago about an old invoice, since paid; now only a 5-day-old one.
    let mut s = snapshot(vec![
        paid_inv("old", days_ago(40), "100", 30),
        inv("new", days_ago(5), "100"),
    ]);
    s.state.touches = vec![email_days_ago(14, Stage::Firm, "firm:1")];
    let d = eval(&s, &p, now());
    assert_eq!(d.stage, Stage::Friendly);
    assert_eq!(send(&d).stage, Stage::Friendly);
    // Same episode: stage follows the state downward too.
    let mut s = snapshot(vec![inv("a", days_ago(20), "100")]);
    s.state.touches = vec![email_days_ago(10, Stage::Final, "final:1")];
    let d = eval(&s, &p, now());
    assert_eq!(send(&d).stage, Stage::Firm);
    assert!(has(&d, ReasonCode::DeEscalated));
}

#[test]
fn disputed_invoices_drop_out_and_fully_disputed_accounts_are_left_alone() {
    let p = Policy::default();
    let mut s = snapshot(vec![
        inv("a", days_ago(20), "100"),
        inv("b", days_ago(10), "100"),
    ]);
    s.disputes = vec![dispute(&["a", "b"], DisputeStatus::Open)];
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::AllOverdueDisputed));
    s.disputes = vec![dispute(&["a"], DisputeStatus::Open)];
    let d = eval(&s, &p, now());
    assert_eq!(send(&d).invoice_ids, vec!["b"]);
    assert_eq!(d.metrics.disputed_invoices, 1);
    assert_eq!(d.metrics.oldest_days_overdue, 10);
}

#[test]
fn a_paused_invoice_is_never_named_and_does_not_count_towards_the_stage() {
    let p = Policy::default();
    let mut s = snapshot(vec![
        inv("a", days_ago(40), "100"),
        inv("b", days_ago(6), "100"),
    ]);
    s.overrides = Some(nudge_policy::PolicyOverrides {
        paused_invoices: vec!["a".into()],
        ..Default::default()
    });
    let d = eval(&s, &p, now());
    assert_eq!(send(&d).invoice_ids, vec!["b"]);
    assert_eq!(
        send(&d).stage,
        Stage::Friendly,
        "the paused 40-day invoice sets no stage"
    );
    assert_eq!(d.metrics.paused_invoices, 1);
    assert_eq!(d.metrics.oldest_days_overdue, 6);
    // Both paused: nothing to do.
    s.overrides = Some(nudge_policy::PolicyOverrides {
        paused_invoices: vec!["a".into(), "b".into()],
        ..Default::default()
    });
    assert_eq!(eval(&s, &p, now()).action, Action::None);
}

#[test]
fn rejected_dispute_waits_a_fresh_grace_period() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(20), "100")]);
    let mut dsp = dispute(&["a"], DisputeStatus::ResolvedRejected);
    dsp.resolved_at = Some(now() - chrono::Duration::days(1)); // Sunday → grace ends Friday 12-04
    s.disputes = vec![dsp.clone()];
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::DisputeRejectedGrace));
    assert_eq!(d.next_evaluation_at, now() + chrono::Duration::hours(24));
    dsp.resolved_at = Some(now() - chrono::Duration::days(10));
    s.disputes = vec![dsp];
    let d = eval(&s, &p, now());
    assert_eq!((d.stage, send(&d).stage), (Stage::Firm, Stage::Friendly));
}

#[test]
fn auto_collected_invoices_wait_for_the_billing_system() {
    let p = Policy::default();
    let mut i = inv("a", days_ago(10), "100");
    i.auto_collection = true;
    let mut s = snapshot(vec![i]);
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::AutoCollectionPending));
    s.invoices[0].auto_collection_exhausted = true;
    assert_eq!(send(&eval(&s, &p, now())).stage, Stage::Friendly);
}

#[test]
fn active_promise_pauses_and_a_broken_one_resumes_at_the_paused_stage() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(20), "1000")]);
    s.state.touches = vec![
        email_days_ago(14, Stage::Friendly, "friendly:1"),
        email_days_ago(7, Stage::Firm, "firm:2"),
    ];
    s.promises = vec![promise(days_ahead(4), None, &[])]; // Friday; grace 2 → Tuesday 12-08
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::AllOverduePromised));
    assert_eq!(d.paused_stage, Some(Stage::Firm));
    assert!(d.promise_updates.is_empty());

    // A partial promise does not pause.
    s.promises = vec![promise(days_ahead(4), Some("400"), &[])];
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::PromisePartial));
    assert!(matches!(d.action, Action::Send(_) | Action::None));
    assert!(!has(&d, ReasonCode::AllOverduePromised));

    // Broken: the promise was for last Monday; after the grace nothing came in.
    let mut pr = promise(days_ago(7), None, &[]);
    pr.made_at = now() - chrono::Duration::days(12);
    pr.paused_at_stage = Some(Stage::Final.as_u8());
    s.promises = vec![pr];
    s.state.paused_stage = Some(Stage::Final);
    let d = eval(&s, &p, now());
    assert_eq!(
        d.promise_updates,
        vec![("prm_1".to_string(), PromiseStatus::Broken)]
    );
    assert!(has(&d, ReasonCode::PromiseBroken));
    assert!(has(&d, ReasonCode::BrokenPromiseFloor));
    assert_eq!(d.stage, Stage::Final);
    assert_eq!(d.metrics.broken_promises, 1);
}

#[test]
fn promise_kept_is_reported() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(20), "1000")]);
    s.promises = vec![promise(days_ahead(2), Some("1000"), &["a"])];
    s.payments = vec![nudge_core::ledger::Payment {
        id: "pay".into(),
        account_id: "acc_1".into(),
        amount: dec("1000"),
        currency: nudge_core::money::Currency::EUR,
        received_on: days_ago(1),
        reference: None,
        allocations: vec![],
    }];
    let d = eval(&s, &p, now());
    assert_eq!(
        d.promise_updates,
        vec![("prm_1".to_string(), PromiseStatus::Kept)]
    );
}

#[test]
fn cadence_gap_holds_every_touch_and_says_when() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(20), "100")]);
    // Friendly on Wednesday 11-25: gap of 5 business days ends Wednesday 12-02.
    s.state.touches = vec![touch(
        utc("2026-11-25T10:00:00Z"),
        Stage::Friendly,
        TouchKind::Email,
        "friendly:1",
    )];
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::CadenceGap));
    assert_eq!(d.next_evaluation_at, utc("2026-12-02T08:00:00Z"));
    let d = eval(&s, &p, utc("2026-12-02T08:00:00Z"));
    assert_eq!(send(&d).stage, Stage::Firm);
    assert_eq!(send(&d).step_key, "firm:2");
}

#[test]
fn outside_the_send_window_says_when_it_opens() {
    let p = Policy::default();
    let s = snapshot(vec![inv("a", days_ago(5), "100")]);
    // Saturday 2026-11-28 12:00 UTC → Monday 09:00 Berlin.
    let d = eval(&s, &p, utc("2026-11-28T12:00:00Z"));
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::OutsideSendWindow));
    assert_eq!(d.next_evaluation_at, utc("2026-11-30T08:00:00Z"));
    // Monday 07:30 UTC is 08:30 in Berlin: opens 30 minutes later.
    let d = eval(&s, &p, utc("2026-11-30T07:30:00Z"));
    assert_eq!(d.next_evaluation_at, utc("2026-11-30T08:00:00Z"));
    // Same UTC time in New York is 02:30: opens at 14:00 UTC.
    let mut ny = s.clone();
    ny.account.timezone = chrono_tz::America::New_York.into();
    let d = eval(&ny, &p, utc("2026-11-30T07:30:00Z"));
    assert_eq!(d.next_evaluation_at, utc("2026-11-30T14:00:00Z"));
}

#[test]
fn out_of_office_waits_for_the_return() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(5), "100")]);
    s.state.out_of_office_until = Some(days_ahead(3)); // Thursday → back Friday 09:00
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::OutOfOffice));
    assert_eq!(d.next_evaluation_at, utc("2026-12-04T08:00:00Z"));
    s.state.out_of_office_until = Some(days_ago(1));
    assert!(matches!(eval(&s, &p, now()).action, Action::Send(_)));
}

#[test]
fn no_reachable_contact_becomes_a_find_contact_task() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(5), "100")]);
    s.contacts = vec![
        contact("ap@acme.test", ContactRole::Ap, ContactStatus::Bounced),
        contact("b@acme.test", ContactRole::Buyer, ContactStatus::OptedOut),
    ];
    let d = eval(&s, &p, now());
    match &d.action {
        Action::Task(t) => {
            assert_eq!(t.kind, TaskKind::FindContact);
            assert_eq!(t.assignee.as_deref(), Some("owner@us.test"));
            assert_eq!(t.step_key, "find_contact:1");
        }
        other => panic!("{other:?}"),
    }
    // A reachable non-AP contact is used as a fallback.
    s.contacts.push(contact(
        "boss@acme.test",
        ContactRole::Owner,
        ContactStatus::Active,
    ));
    let d = eval(&s, &p, now());
    assert_eq!(send(&d).to, "boss@acme.test");
    assert!(has(&d, ReasonCode::FallbackContact));
}

#[test]
fn strategic_accounts_are_capped_and_the_owner_gets_a_task() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(35), "1000")]);
    s.account.strategic = true;
    s.state.touches = vec![
        email_days_ago(40, Stage::Friendly, "friendly:1"),
        email_days_ago(20, Stage::Firm, "firm:2"),
    ];
    let d = eval(&s, &p, now());
    assert_eq!(d.stage, Stage::Final);
    match &d.action {
        Action::Task(t) => {
            assert_eq!((t.kind, t.stage), (TaskKind::OwnerReview, Stage::Final));
            assert_eq!(t.step_key, "owner_review:final:3");
        }
        other => panic!("{other:?}"),
    }
    s.state.touches.push(touch(
        now() - chrono::Duration::days(15),
        Stage::Final,
        TouchKind::Task,
        "owner_review:final:3",
    ));
    let d = eval(&s, &p, now());
    let snd = send(&d);
    assert_eq!((snd.stage, snd.tone), (Stage::Firm, Tone::Friendly)); // capped, softer
    assert!(has(&d, ReasonCode::StageCapped));
    // Strategic cadence is slower: 10 business days.
    s.state
        .touches
        .push(email_days_ago(7, Stage::Firm, "firm:4"));
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::CadenceGap));
}

#[test]
fn chronic_late_payers_are_contacted_earlier_and_more_directly() {
    let p = Policy::default();
    let history: Vec<_> = (0..4)
        .map(|i| paid_inv(&format!("h{i}"), days_ago(100 + i * 30), "100", 30))
        .collect();
    let mut invoices = history.clone();
    invoices.push(inv("a", days_ago(10), "100"));
    let mut s = snapshot(invoices);
    s.state.touches = vec![email_days_ago(7, Stage::Friendly, "friendly:1")];
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::ChronicLatePayer));
    assert_eq!(d.stage, Stage::Firm); // 10 + 7 days ≥ 15
    let snd = send(&d);
    assert_eq!((snd.stage, snd.tone), (Stage::Firm, Tone::Formal));
    assert_eq!(d.metrics.avg_days_late, Some(30));
}

#[test]
fn a_small_overdue_amount_from_a_good_payer_stays_gentle() {
    let p = Policy::default();
    let mut invoices: Vec<_> = (0..4)
        .map(|i| paid_inv(&format!("h{i}"), days_ago(100 + i * 30), "100", 1))
        .collect();
    invoices.push(inv("small", days_ago(35), "50"));
    invoices.push(inv("big", days_ahead(20), "5000"));
    let mut s = snapshot(invoices);
    s.state.touches = vec![email_days_ago(20, Stage::Friendly, "friendly:1")];
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::GoodPayerSmallAmount));
    assert_eq!(d.stage, Stage::Friendly);
    assert_eq!(send(&d).stage, Stage::Friendly);
}

#[test]
fn many_overdue_invoices_raise_the_stage() {
    let p = Policy::default();
    let s = snapshot(vec![
        inv("a", days_ago(16), "100"),
        inv("b", days_ago(10), "100"),
        inv("c", days_ago(5), "100"),
    ]);
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::ManyOverdueInvoices));
    assert_eq!(d.stage, Stage::Final);
}

#[test]
fn courtesy_notice_before_a_large_invoice_is_due_once() {
    let p = Policy::default();
    let mut s = snapshot(vec![
        inv("big", days_ahead(2), "8000"),
        inv("small", days_ahead(1), "100"),
    ]);
    let d = eval(&s, &p, now());
    let snd = send(&d);
    assert_eq!(
        (snd.stage, snd.step_key.as_str()),
        (Stage::Courtesy, "courtesy:big")
    );
    assert_eq!(snd.invoice_ids, vec!["big"]);
    s.state.touches = vec![email_days_ago(7, Stage::Courtesy, "courtesy:big")];
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert_eq!(d.stage, Stage::None);
}

#[test]
fn late_charges_are_simple_interest_plus_fixed_compensation_from_final() {
    let mut p = Policy::default();
    p.late_charges.enabled = true;
    p.late_charges.reference_rate_percent = dec("2");
    let mut s = snapshot(vec![inv("a", days_ago(40), "1000")]);
    s.state.touches = vec![
        email_days_ago(30, Stage::Friendly, "friendly:1"),
        email_days_ago(20, Stage::Firm, "firm:2"),
    ];
    let d = eval(&s, &p, now());
    let snd = send(&d);
    assert_eq!(snd.stage, Stage::Final);
    let c = &snd.late_charges[0];
    // 1000 × 10% × 40 / 365 = 10.958… → 10.96; compensation EUR 40.
    assert_eq!(
        (c.interest, c.compensation, c.days_overdue),
        (dec("10.96"), dec("40"), 40)
    );
    // Charges never compound: a partly paid invoice is charged on what is still open only.
    s.invoices[0].paid = dec("500");
    let d = eval(&s, &p, now());
    assert_eq!(send(&d).late_charges[0].interest, dec("5.48"));
    // Off by default.
    assert!(send(&eval(&s, &Policy::default(), now()))
        .late_charges
        .is_empty());
}

#[test]
fn overrides_switch_off_cap_retime_and_soften() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(5), "100")]);
    s.overrides = Some(PolicyOverrides {
        dunning_off: true,
        ..Default::default()
    });
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::DunningDisabled));
    s.account.dunning_enabled = false;
    s.overrides = None;
    assert!(has(&eval(&s, &p, now()), ReasonCode::DunningDisabled));
    s.account.dunning_enabled = true;

    s.overrides = Some(PolicyOverrides {
        thresholds: vec![StageDays {
            stage: Stage::Friendly,
            min_days_overdue: 10,
        }],
        ..Default::default()
    });
    assert_eq!(eval(&s, &p, now()).stage, Stage::None);

    let mut s = snapshot(vec![inv("a", days_ago(20), "100")]);
    s.state.touches = vec![email_days_ago(10, Stage::Friendly, "friendly:1")];
    s.overrides = Some(PolicyOverrides {
        cap: Some(Stage::Friendly),
        tone: Some(Tone::Gentle),
        ..Default::default()
    });
    let d = eval(&s, &p, now());
    assert!(matches!(&d.action, Action::Task(t) if t.kind == TaskKind::OwnerReview));
    s.state.touches.push(touch(
        now() - chrono::Duration::days(8),
        Stage::Firm,
        TouchKind::Task,
        "owner_review:firm:2",
    ));
    let d = eval(&s, &p, now());
    assert_eq!(
        (send(&d).stage, send(&d).tone),
        (Stage::Friendly, Tone::Gentle)
    );
    assert!(has(&d, ReasonCode::ToneCapped));
}

#[test]
fn touches_per_stage_are_limited() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(12), "100")]);
    s.state.touches = vec![
        email_days_ago(9, Stage::Friendly, "friendly:1"),
        email_days_ago(8, Stage::Friendly, "friendly:2"),
    ];
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::StageTouchesExhausted));
}

#[test]
fn multi_currency_exposure_is_kept_apart() {
    let p = Policy::default();
    let mut usd = inv("u", days_ago(5), "70");
    usd.currency = nudge_core::money::Currency::USD;
    let s = snapshot(vec![
        inv("e", days_ago(5), "100"),
        usd,
        inv("e2", days_ahead(30), "100"),
    ]);
    let d = eval(&s, &p, now());
    assert_eq!(d.metrics.exposure.len(), 2);
    let eur = d
        .metrics
        .exposure
        .iter()
        .find(|e| e.currency == nudge_core::money::Currency::EUR)
        .unwrap();
    assert_eq!((eur.open, eur.overdue), (dec("200"), dec("100")));
    assert_eq!(d.metrics.overdue_share_percent, dec("100"));
}

#[test]
fn decisions_serialise_as_snake_case_json_and_record_once() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(5), "100")]);
    let d = eval(&s, &p, now());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["action"]["type"], "send");
    assert_eq!(json["action"]["stage"], "friendly");
    assert_eq!(json["reasons"][0]["code"], "oldest_overdue");
    assert_eq!(
        json["reasons"][0]["text"],
        "The oldest overdue invoice is 5 day(s) past due."
    );
    let back: Decision = serde_json::from_value(json).unwrap();
    assert_eq!(back, d);

    assert!(s.state.record(&d, now()));
    assert!(
        !s.state.record(&d, now()),
        "the same step is never recorded twice"
    );
    assert_eq!(s.state.sequence, 1);
    let again = eval(&s, &p, now());
    assert_eq!(again.action, Action::None);
    let state_json = serde_json::to_string(&s.state).unwrap();
    assert_eq!(
        serde_json::from_str::<nudge_policy::EscalationState>(&state_json).unwrap(),
        s.state
    );
    assert_eq!(
        serde_json::from_str::<nudge_policy::EscalationState>("{}").unwrap(),
        Default::default()
    );
}

#[test]
fn partly_paying_accounts_with_many_invoices_are_proposed_a_payment_plan() {
    let p = Policy::default();
    let mut a = inv("a", days_ago(60), "1000");
    a.paid = dec("300");
    let mut s = snapshot(vec![
        a,
        inv("b", days_ago(50), "1000"),
        inv("c", days_ago(46), "1000"),
    ]);
    s.state.touches = vec![email_days_ago(10, Stage::Final, "final:1")];
    match &eval(&s, &p, now()).action {
        Action::Approval(a) => {
            assert_eq!(a.kind, ProposedActionKind::PaymentPlan);
            assert_eq!(a.invoice_ids.len(), 3);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_credited_dispute_leaves_only_the_remainder_in_dunning() {
    let p = Policy::default();
    let mut a = inv("a", days_ago(10), "1000");
    a.credited = dec("1000");
    let mut b = inv("b", days_ago(10), "1000");
    b.credited = dec("400");
    let mut s = snapshot(vec![a, b]);
    let mut d = dispute(&["a", "b"], DisputeStatus::ResolvedCredited);
    d.resolved_at = Some(now() - chrono::Duration::days(2));
    s.disputes = vec![d];
    let dec_ = eval(&s, &p, now());
    assert_eq!(send(&dec_).invoice_ids, vec!["b"]);
    assert_eq!(dec_.metrics.exposure[0].overdue, dec("600"));
}

#[test]
fn broken_promises_make_a_chronic_payer() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(9), "100")]);
    let mut p1 = promise(days_ago(60), None, &[]);
    p1.status = PromiseStatus::Broken;
    let mut p2 = p1.clone();
    p2.id = "prm_2".into();
    p2.promised_date = days_ago(30);
    s.promises = vec![p1, p2];
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::ChronicLatePayer));
    assert_eq!(d.metrics.broken_promises, 2);
    assert_eq!(d.stage, Stage::Firm); // 9 + 7 ≥ 15
    assert_eq!(send(&d).tone, Tone::Firm); // friendly step, one notch firmer
}

#[test]
fn approval_outcomes_steer_the_review_stage() {
    use nudge_core::approval::{Approval, ApprovalStatus};
    let p = Policy::default();
    let mut s = snapshot(vec![inv("a", days_ago(60), "1000")]);
    s.state.touches = vec![
        email_days_ago(30, Stage::Final, "final:1"),
        touch(
            now() - chrono::Duration::days(20),
            Stage::Review,
            TouchKind::Approval,
            "review:2",
        ),
    ];
    let approval = |status| Approval {
        id: "apr_1".into(),
        account_id: "acc_1".into(),
        kind: "credit_hold".into(),
        step_key: "review:2".into(),
        invoice_ids: vec!["a".into()],
        requested_at: now() - chrono::Duration::days(20),
        status,
        decided_at: None,
        decided_by: None,
        note: None,
    };
    s.approvals = vec![approval(ApprovalStatus::Approved)];
    let d = eval(&s, &p, now());
    assert_eq!(d.action, Action::None);
    assert!(has(&d, ReasonCode::ApprovalGranted));
    // Rejected: reminders continue at the final stage (one more, then the per-stage limit).
    s.approvals = vec![approval(ApprovalStatus::Rejected)];
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::ApprovalRejected));
    assert_eq!(send(&d).stage, Stage::Final);
    // Withdrawn (e.g. superseded): a fresh proposal may be made.
    s.approvals = vec![approval(ApprovalStatus::Withdrawn)];
    assert!(matches!(eval(&s, &p, now()).action, Action::Approval(_)));
    // Pending, or no approvals passed at all: wait.
    s.approvals = vec![approval(ApprovalStatus::Pending)];
    assert!(has(&eval(&s, &p, now()), ReasonCode::AwaitingApproval));
    s.approvals.clear();
    assert!(has(&eval(&s, &p, now()), ReasonCode::AwaitingApproval));
}

#[test]
fn a_large_overdue_amount_raises_the_stage_and_a_tiny_one_from_a_good_payer_stays_gentle() {
    let p = Policy::default();
    let d = eval(&snapshot(vec![inv("a", days_ago(16), "60000")]), &p, now());
    assert!(has(&d, ReasonCode::LargeOverdueExposure));
    assert_eq!(d.stage, Stage::Final);

    let mut invoices: Vec<_> = (0..3)
        .map(|i| paid_inv(&format!("h{i}"), days_ago(100 + i * 30), "100", 0))
        .collect();
    invoices.push(inv("tiny", days_ago(40), "80")); // the whole open balance, but only EUR 80
    let mut s = snapshot(invoices);
    s.state.touches = vec![email_days_ago(20, Stage::Friendly, "friendly:1")];
    let d = eval(&s, &p, now());
    assert!(has(&d, ReasonCode::GoodPayerSmallAmount));
    assert_eq!(d.stage, Stage::Friendly);
}

#[test]
fn send_windows_follow_daylight_saving_time() {
    let p = Policy::default();
    let mut s = snapshot(vec![inv(
        "a",
        NaiveDate::from_ymd_opt(2026, 2, 20).unwrap(),
        "100",
    )]);
    s.account.timezone = chrono_tz::America::New_York.into();
    // Friday 2026-03-06, EST (UTC−5): 13:30 UTC is 08:30 local → opens 14:00 UTC.
    let d = eval(&s, &p, utc("2026-03-06T13:30:00Z"));
    assert!(has(&d, ReasonCode::OutsideSendWindow));
    assert_eq!(d.next_evaluation_at, utc("2026-03-06T14:00:00Z"));
    // Monday 2026-03-09, EDT (UTC−4) since Sunday: 13:30 UTC is 09:30 local → send now.
    assert!(matches!(
        eval(&s, &p, utc("2026-03-09T13:30:00Z")).action,
        Action::Send(_)
    ));
    // Friday after hours → Monday 09:00 EDT = 13:00 UTC, across the change.
    let d = eval(&s, &p, utc("2026-03-06T23:00:00Z"));
    assert_eq!(d.next_evaluation_at, utc("2026-03-09T13:00:00Z"));
}

#[test]
fn a_custom_ladder_is_followed_and_a_policy_change_applies_at_once() {
    let custom = Policy::from_json(
        r#"{"ladder": [
            {"stage": "friendly", "min_days_overdue": 1, "tone": "gentle"},
            {"stage": "final", "min_days_overdue": 20, "tone": "formal"},
            {"stage": "review", "min_days_overdue": 30, "tone": "formal"}]}"#,
    )
    .unwrap();
    let mut s = snapshot(vec![inv("a", days_ago(25), "100")]);
    s.state.touches = vec![email_days_ago(10, Stage::Friendly, "friendly:1")];
    let d = eval(&s, &custom, now());
    assert_eq!(
        (send(&d).stage, send(&d).tone),
        (Stage::Final, Tone::Formal)
    );
    // The same account under the default policy: firm (25 days), no final yet.
    assert_eq!(
        send(&eval(&s, &Policy::default(), now())).stage,
        Stage::Firm
    );
    // One day overdue is enough for the custom ladder's first step.
    let d = eval(
        &snapshot(vec![inv("b", days_ago(1), "100")]),
        &custom,
        now(),
    );
    assert_eq!(
        (send(&d).stage, send(&d).tone),
        (Stage::Friendly, Tone::Gentle)
    );
}

/// A promise broken at an earlier evaluation still explains later decisions, once.
#[test]
fn a_previously_broken_promise_is_still_a_reason() {
    let mut s = snapshot(vec![inv("i1", days_ago(40), "500.00")]);
    for (i, ago) in [20u64, 12].into_iter().enumerate() {
        s.promises.push(nudge_core::promise::Promise {
            id: format!("p{i}"),
            promised_date: days_ago(ago),
            amount: None,
            currency: None,
            invoice_ids: Vec::new(),
            source: nudge_core::promise::PromiseSource::Email,
            status: PromiseStatus::Broken,
            made_at: now() - chrono::Duration::days(30),
            paused_at_stage: None,
        });
    }
    let d = nudge_policy::evaluate(&s, &Policy::default(), now());
    let broken = d
        .reasons
        .iter()
        .filter(|r| r.code == ReasonCode::PromiseBroken)
        .count();
    assert_eq!(broken, 1, "{:?}", codes(&d));
}
