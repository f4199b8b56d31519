//! `worklist`: who needs a person, scored by hand.
//!
//! value at risk = Σ open × min(days, 90) / 90 × (1 + min(avg late, 60) / 60 + 0.25 × broken)

mod common;

use chrono::Duration;
use common::*;
use nudge_core::approval::{Approval, ApprovalStatus};
use nudge_core::dispute::DisputeStatus;
use nudge_core::ledger::{ContactRole, ContactStatus};
use nudge_core::money::Currency;
use nudge_core::promise::PromiseStatus;
use nudge_policy::worklist::{assess, rank, Need, WorkItem};
use nudge_policy::{AccountSnapshot, Policy, Stage, TouchKind};

fn assess_now(s: &AccountSnapshot, open_tasks: &[&str]) -> Option<WorkItem> {
    let p = Policy::default();
    let d = eval(s, &p, now());
    assess(s, &d, &p, now(), open_tasks)
}

fn broken(id: &str, days: u64) -> nudge_core::promise::Promise {
    let mut pr = promise(days_ago(days), None, &[]);
    pr.id = id.into();
    pr.status = PromiseStatus::Broken;
    pr
}

#[test]
fn age_and_behaviour_weigh_the_overdue_amount() {
    let mut s = snapshot(vec![
        inv("a", days_ago(120), "1000"), // 90 days at most: 1000 × 90 = 90 000
        inv("b", days_ago(30), "300"),   // 300 × 30 = 9 000
        inv("c", days_ahead(10), "500"), // not due: not counted
        paid_inv("p1", days_ago(200), "100", 20),
        paid_inv("p2", days_ago(150), "100", 40), // average 30 days late
    ]);
    s.promises = vec![broken("prm_1", 60), broken("prm_2", 30)];
    let w = assess_now(&s, &[]).expect("a broken promise with money past due needs a person");
    assert_eq!(w.needs, [Need::BrokenPromise]);
    // Behaviour: 1 + 30/60 + 0.25 × 2 = 2.
    assert_eq!(w.behaviour_factor, dec("2"));
    let r = &w.at_risk[..];
    assert_eq!(r.len(), 1);
    assert_eq!(
        (
            r[0].currency,
            r[0].overdue,
            r[0].invoices,
            r[0].oldest_days_overdue
        ),
        (Currency::EUR, dec("1300"), 2, 120)
    );
    // 99 000 / 90 × 2 = 2 200.
    assert_eq!(r[0].score, dec("2200.00"));
}

#[test]
fn the_behaviour_factor_is_capped_at_three() {
    let mut s = snapshot(vec![
        inv("a", days_ago(10), "900"), // 900 × 10 = 9 000
        paid_inv("p1", days_ago(200), "100", 100),
    ]);
    s.promises = (0..6)
        .map(|i| broken(&format!("prm_{i}"), 20 + 10 * i))
        .collect();
    // Promises broken before this debt fell due weigh in but need nobody: a task brings it in.
    assert_eq!(assess_now(&s, &[]), None);
    let w = assess_now(&s, &["reminder_failed"]).unwrap();
    // 1 + min(100, 60)/60 + 0.25 × min(6, 4) = 3; 9 000 / 90 × 3 = 300.
    assert_eq!(w.behaviour_factor, dec("3"));
    assert_eq!(w.at_risk[0].score, dec("300.00"));
}

#[test]
fn disputed_money_counts_and_money_still_collected_automatically_does_not() {
    let mut s = snapshot(vec![
        inv("a", days_ago(45), "1000"), // disputed, still at risk: 45 000
        inv("b", days_ago(9), "400"),   // the card is still being retried: left out
        inv("c", days_ago(9), "600"),   // retries exhausted: 5 400
    ]);
    s.invoices[1].auto_collection = true;
    s.invoices[2].auto_collection = true;
    s.invoices[2].auto_collection_exhausted = true;
    s.disputes = vec![dispute(&["a"], DisputeStatus::Open)];
    let w = assess_now(&s, &[]).unwrap();
    assert_eq!(w.needs, [Need::OpenDispute]);
    assert_eq!(w.behaviour_factor, dec("1"));
    // 50 400 / 90 = 560.
    assert_eq!(
        (w.at_risk[0].overdue, w.at_risk[0].score),
        (dec("1600"), dec("560.00"))
    );
}

#[test]
fn only_accounts_that_need_a_person_are_listed() {
    // Plain dunning handles it: no person needed, however overdue.
    assert_eq!(
        assess_now(&snapshot(vec![inv("a", days_ago(40), "1000")]), &[]),
        None
    );
    // A broken promise alone, with nothing past due any more, needs nobody.
    let mut s = snapshot(vec![inv("a", days_ahead(5), "100")]);
    s.promises = vec![broken("prm_1", 30)];
    assert_eq!(assess_now(&s, &[]), None);
    // An open task passed in by the caller is enough.
    let w = assess_now(&s, &["reminder_failed"]).unwrap();
    assert_eq!(
        (w.needs.as_slice(), w.open_tasks.as_slice()),
        (
            [Need::OpenTask].as_slice(),
            ["reminder_failed".to_string()].as_slice()
        )
    );
    assert!(w.at_risk.is_empty());
}

#[test]
fn approvals_contacts_and_caps_are_derived_from_the_decision_and_the_snapshot() {
    // Final notice given: the decision proposes review.
    let mut s = snapshot(vec![inv("a", days_ago(50), "1000")]);
    s.state.touches = vec![
        email_days_ago(30, Stage::Friendly, "friendly:1"),
        email_days_ago(20, Stage::Firm, "firm:2"),
        email_days_ago(10, Stage::Final, "final:3"),
    ];
    assert_eq!(assess_now(&s, &[]).unwrap().needs, [Need::PendingApproval]);
    // A pending approval in the snapshot, whatever the decision.
    let mut s = snapshot(vec![inv("a", days_ahead(5), "100")]);
    s.approvals = vec![Approval {
        id: "apr_1".into(),
        account_id: "acc_1".into(),
        kind: "credit_hold".into(),
        step_key: "review:4".into(),
        invoice_ids: vec!["a".into()],
        requested_at: now() - Duration::days(2),
        status: ApprovalStatus::Pending,
        decided_at: None,
        decided_by: None,
        note: None,
    }];
    assert_eq!(assess_now(&s, &[]).unwrap().needs, [Need::PendingApproval]);

    // A promise about this debt that breaks in this very decision.
    let mut s = snapshot(vec![inv("a", days_ago(20), "1000")]);
    let mut pr = promise(days_ago(7), None, &[]);
    pr.made_at = now() - Duration::days(12);
    s.promises = vec![pr];
    assert_eq!(assess_now(&s, &[]).unwrap().needs, [Need::BrokenPromise]);

    // Nobody reachable: the decision creates a find-contact task.
    let mut s = snapshot(vec![inv("a", days_ago(10), "1000")]);
    s.contacts = vec![contact(
        "ap@acme.test",
        ContactRole::Ap,
        ContactStatus::Bounced,
    )];
    let w = assess_now(&s, &["find_contact"]).unwrap();
    assert_eq!(w.needs, [Need::OpenTask, Need::NoReachableContact]);
    assert_eq!(w.open_tasks, ["find_contact"], "each kind once");

    // Strategic, beyond the cap: the owner's task…
    let mut s = snapshot(vec![inv("a", days_ago(35), "1000")]);
    s.account.strategic = true;
    s.state.touches = vec![
        email_days_ago(40, Stage::Friendly, "friendly:1"),
        email_days_ago(20, Stage::Firm, "firm:2"),
    ];
    let w = assess_now(&s, &[]).unwrap();
    assert_eq!(w.needs, [Need::OpenTask, Need::CapReached]);
    assert_eq!(w.open_tasks, ["owner_review"]);
    // …and still capped later, inside the cadence gap (the reasons no longer say so).
    s.state.touches.push(touch(
        now() - Duration::days(15),
        Stage::Final,
        TouchKind::Task,
        "owner_review:final:3",
    ));
    s.state
        .touches
        .push(email_days_ago(2, Stage::Firm, "firm:4"));
    let w = assess_now(&s, &[]).unwrap();
    assert_eq!(w.needs, [Need::CapReached]);
    // 1000 × 35 / 90 = 388.888… → 388.89.
    assert_eq!(w.at_risk[0].score, dec("388.89"));
}

fn item(id: &str, invoices: Vec<nudge_core::ledger::Invoice>) -> WorkItem {
    let mut s = snapshot(invoices);
    s.account.id = id.into();
    assess_now(&s, &["reminder_failed"]).unwrap()
}

fn usd(mut i: nudge_core::ledger::Invoice) -> nudge_core::ledger::Invoice {
    i.currency = Currency::USD;
    i
}

#[test]
fn accounts_are_ranked_within_each_currency_never_across() {
    let items = vec![
        item(
            "acc_b",
            vec![
                inv("b1", days_ago(15), "3000"),     // 45 000 / 90 = 500 EUR
                usd(inv("b2", days_ago(90), "800")), // 800 USD
            ],
        ),
        item("acc_c", vec![inv("c1", days_ago(100), "900")]), // 900 EUR
        item("acc_a", vec![inv("a1", days_ago(90), "1000")]), // 1 000 EUR
        item("acc_d", vec![inv("d1", days_ago(45), "2000")]), // 1 000 EUR, more overdue
        item("acc_0", vec![inv("z1", days_ago(90), "1000")]), // 1 000 EUR, same as acc_a
        item("acc_e", vec![inv("e1", days_ahead(3), "5000")]), // nothing past due
    ];
    let w = rank(&items);
    let currencies: Vec<_> = w.by_currency.iter().map(|l| l.currency).collect();
    assert_eq!(currencies, [Currency::EUR, Currency::USD]);
    let eur: Vec<_> = w.by_currency[0]
        .entries
        .iter()
        .map(|e| (e.rank, e.account_id.as_str(), e.score))
        .collect();
    assert_eq!(
        eur,
        [
            (1, "acc_d", dec("1000.00")),
            (2, "acc_0", dec("1000.00")),
            (3, "acc_a", dec("1000.00")),
            (4, "acc_c", dec("900.00")),
            (5, "acc_b", dec("500.00")),
        ]
    );
    let usd_list: Vec<_> = w.by_currency[1]
        .entries
        .iter()
        .map(|e| (e.rank, e.account_id.as_str(), e.score, e.overdue))
        .collect();
    assert_eq!(usd_list, [(1, "acc_b", dec("800.00"), dec("800"))]);
    let quiet: Vec<_> = w
        .nothing_overdue
        .iter()
        .map(|e| (e.account_id.as_str(), e.score))
        .collect();
    assert_eq!(quiet, [("acc_e", dec("0"))]);
    // The order never depends on the input order.
    let mut reversed = items.clone();
    reversed.reverse();
    assert_eq!(rank(&reversed), w);
    // And it serialises for the API.
    let json = serde_json::to_value(&w).unwrap();
    assert_eq!(json["by_currency"][0]["currency"], "EUR");
    assert_eq!(
        json["by_currency"][0]["entries"][0]["needs"][0],
        "open_task"
    );
}
