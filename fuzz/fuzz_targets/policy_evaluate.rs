//! `nudge_policy::evaluate` on arbitrary account snapshots (invoices in several currencies and
//! states, contacts of every role and status, payments, promises, disputes, approvals, touches,
//! out-of-office, per-account overrides, awkward timezones) at an arbitrary `now`, with the default
//! policy or a mutated one that passed validation. Asserts: no panic; deterministic; the decision
//! survives JSON; the next evaluation is after `now`; a send goes to a reachable contact, names
//! only open invoices of the account that are neither under an open dispute nor paused, and never
//! happens with dunning off; exposure and late charges are never negative; once recorded, the same
//! step is not taken again; preview (one week) and the worklist never panic and plan each step once.
#![no_main]

use std::collections::BTreeSet;

use arbitrary::{Arbitrary, Result, Unstructured};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use libfuzzer_sys::fuzz_target;
use nudge_core::approval::{Approval, ApprovalStatus};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::ledger::{
    Account, Allocation, Contact, ContactRole, ContactStatus, Invoice, InvoiceStatus, Payment,
};
use nudge_core::money::Currency;
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};
use nudge_fuzz::mutate_json;
use nudge_policy::{
    evaluate, preview, worklist, AccountSnapshot, Action, EscalationState, Policy, PolicyOverrides,
    Stage, StageDays, Tone, Touch, TouchKind,
};
use rust_decimal::Decimal;

const CURRENCIES: [Currency; 4] = [Currency::EUR, Currency::USD, Currency::JPY, Currency::KWD];
const TZS: [chrono_tz::Tz; 8] = [
    chrono_tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Pacific::Apia,
    chrono_tz::Pacific::Chatham,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::America::St_Johns,
    chrono_tz::Australia::Lord_Howe,
];

fn pick<T: Copy>(all: &[T], i: u8) -> T {
    all[usize::from(i) % all.len()]
}

#[derive(Arbitrary, Debug)]
struct FInvoice {
    due_offset: i16,
    issue_back: u8,
    total_minor: u32,
    paid_minor: u32,
    credited_minor: u16,
    status: u8,
    currency: u8,
    auto: bool,
    exhausted: bool,
    paid_on_offset: Option<i16>,
}

#[derive(Arbitrary, Debug)]
struct FContact {
    who: u8,
    role: u8,
    status: u8,
    preferred: bool,
}

#[derive(Arbitrary, Debug)]
struct FPayment {
    minor: u32,
    currency: u8,
    received_offset: i16,
    allocations: Vec<(u8, u32)>,
}

#[derive(Arbitrary, Debug)]
struct FPromise {
    date_offset: i16,
    amount_minor: Option<u32>,
    currency: Option<u8>,
    invoices: Vec<u8>,
    operator: bool,
    status: u8,
    made_back_hours: u16,
    paused_at_stage: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct FDispute {
    category: u8,
    invoices: Vec<u8>,
    status: u8,
    opened_back_hours: u16,
    resolved_after_hours: Option<u16>,
}

#[derive(Arbitrary, Debug)]
struct FApproval {
    kind: u8,
    step: u8,
    invoices: Vec<u8>,
    requested_back_hours: u16,
    status: u8,
}

#[derive(Arbitrary, Debug)]
struct FTouch {
    back_minutes: u32,
    stage: u8,
    step: u8,
    kind: u8,
}

#[derive(Arbitrary, Debug)]
struct FOverrides {
    min_gap: Option<u8>,
    cap: Option<u8>,
    thresholds: Vec<(u8, u16)>,
    tone: Option<u8>,
    dunning_off: bool,
    paused: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct FSnapshot {
    invoices: Vec<FInvoice>,
    contacts: Vec<FContact>,
    payments: Vec<FPayment>,
    promises: Vec<FPromise>,
    disputes: Vec<FDispute>,
    approvals: Vec<FApproval>,
    touches: Vec<FTouch>,
    ooo: Option<i8>,
    paused_stage: Option<u8>,
    sequence: u16,
    tz: u8,
    strategic: bool,
    dunning_enabled: bool,
    payment_terms: Option<u8>,
    currency: Option<u8>,
    locale: u8,
    now_minutes: u32,
    overrides: Option<FOverrides>,
    policy_edits: bool,
}

fn base_now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_796_029_200, 0).unwrap_or_default() // 2026-11-30 09:00 UTC
}

fn ids(n: usize, picks: &[u8]) -> Vec<String> {
    picks
        .iter()
        .take(6)
        .map(|i| format!("in_{}", usize::from(*i) % n.max(1)))
        .collect()
}

fn build(f: &FSnapshot) -> (AccountSnapshot, DateTime<Utc>) {
    let now = base_now() + Duration::minutes(i64::from(f.now_minutes % (2 * 366 * 24 * 60)));
    let today: NaiveDate = now.date_naive();
    let day = |offset: i64| today + Duration::days(offset);
    let mut account = Account::new("acc_1", "Acme GmbH");
    account.timezone = pick(&TZS, f.tz).into();
    account.locale = ["en-US", "de-DE", "fr-FR", "xx"][usize::from(f.locale) % 4].to_string();
    account.strategic = f.strategic;
    account.dunning_enabled = f.dunning_enabled;
    account.payment_terms_days = f.payment_terms.map(u32::from);
    account.currency = f.currency.map(|c| pick(&CURRENCIES, c));
    account.owner = Some("owner@us.test".into());
    let invoices: Vec<Invoice> = f
        .invoices
        .iter()
        .take(24)
        .enumerate()
        .map(|(i, fi)| {
            let currency = pick(&CURRENCIES, fi.currency);
            let due = day(i64::from(fi.due_offset % 720));
            Invoice {
                id: format!("in_{i}"),
                number: format!("INV-{i:04}"),
                issue_date: due - Duration::days(i64::from(fi.issue_back)),
                due_date: due,
                currency,
                total: currency.from_minor(i64::from(fi.total_minor)),
                paid: currency.from_minor(i64::from(fi.paid_minor % (fi.total_minor.max(1) * 2))),
                credited: currency.from_minor(i64::from(fi.credited_minor)),
                status: pick(
                    &[
                        InvoiceStatus::Open,
                        InvoiceStatus::Open,
                        InvoiceStatus::Paid,
                        InvoiceStatus::Void,
                        InvoiceStatus::Draft,
                        InvoiceStatus::Uncollectible,
                    ],
                    fi.status,
                ),
                paid_on: fi
                    .paid_on_offset
                    .map(|o| due + Duration::days(i64::from(o % 400))),
                po_number: None,
                payment_url: None,
                pdf_url: None,
                auto_collection: fi.auto,
                auto_collection_exhausted: fi.exhausted,
            }
        })
        .collect();
    let n = invoices.len();
    let contacts = f
        .contacts
        .iter()
        .take(6)
        .map(|c| Contact {
            email: format!("c{}@acme.test", c.who % 4),
            name: None,
            role: pick(
                &[
                    ContactRole::Ap,
                    ContactRole::Buyer,
                    ContactRole::Approver,
                    ContactRole::Owner,
                    ContactRole::Other,
                ],
                c.role,
            ),
            status: pick(
                &[
                    ContactStatus::Active,
                    ContactStatus::Active,
                    ContactStatus::Bounced,
                    ContactStatus::OptedOut,
                    ContactStatus::Inactive,
                ],
                c.status,
            ),
            preferred: c.preferred,
        })
        .collect();
    let payments = f
        .payments
        .iter()
        .take(6)
        .enumerate()
        .map(|(i, p)| {
            let currency = pick(&CURRENCIES, p.currency);
            Payment {
                id: format!("p_{i}"),
                account_id: "acc_1".into(),
                amount: currency.from_minor(i64::from(p.minor)),
                currency,
                received_on: day(i64::from(p.received_offset % 400)),
                reference: None,
                allocations: p
                    .allocations
                    .iter()
                    .take(4)
                    .map(|(inv, m)| Allocation {
                        invoice_id: format!("in_{}", usize::from(*inv) % n.max(1)),
                        amount: currency.from_minor(i64::from(*m)),
                    })
                    .collect(),
            }
        })
        .collect();
    let promises = f
        .promises
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, p)| Promise {
            id: format!("pr_{i}"),
            promised_date: day(i64::from(p.date_offset % 120)),
            amount: p
                .amount_minor
                .map(|m| Currency::EUR.from_minor(i64::from(m))),
            currency: p.currency.map(|c| pick(&CURRENCIES, c)),
            invoice_ids: ids(n, &p.invoices),
            source: if p.operator {
                PromiseSource::Operator
            } else {
                PromiseSource::Email
            },
            status: pick(
                &[
                    PromiseStatus::Active,
                    PromiseStatus::Active,
                    PromiseStatus::Kept,
                    PromiseStatus::Broken,
                    PromiseStatus::Cancelled,
                ],
                p.status,
            ),
            made_at: now - Duration::hours(i64::from(p.made_back_hours)),
            paused_at_stage: p.paused_at_stage.map(|s| s % 8),
        })
        .collect();
    let disputes = f
        .disputes
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, d)| {
            let opened_at = now - Duration::hours(i64::from(d.opened_back_hours));
            Dispute {
                id: format!("d_{i}"),
                category: pick(
                    &[
                        DisputeCategory::Pricing,
                        DisputeCategory::Quantity,
                        DisputeCategory::NotReceived,
                        DisputeCategory::Quality,
                        DisputeCategory::DuplicateBilling,
                        DisputeCategory::CreditNoteRequested,
                        DisputeCategory::MissingPo,
                        DisputeCategory::Other,
                    ],
                    d.category,
                ),
                invoice_ids: ids(n, &d.invoices),
                status: pick(
                    &[
                        DisputeStatus::Open,
                        DisputeStatus::ResolvedCredited,
                        DisputeStatus::ResolvedRejected,
                        DisputeStatus::Withdrawn,
                    ],
                    d.status,
                ),
                opened_at,
                resolved_at: d
                    .resolved_after_hours
                    .map(|h| opened_at + Duration::hours(i64::from(h))),
                summary: None,
            }
        })
        .collect();
    let approvals = f
        .approvals
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, a)| {
            let status = pick(
                &[
                    ApprovalStatus::Pending,
                    ApprovalStatus::Approved,
                    ApprovalStatus::Rejected,
                    ApprovalStatus::Withdrawn,
                ],
                a.status,
            );
            let requested_at = now - Duration::hours(i64::from(a.requested_back_hours));
            Approval {
                id: format!("ap_{i}"),
                account_id: "acc_1".into(),
                kind: [
                    "agency_referral",
                    "credit_hold",
                    "payment_plan",
                    "legal_notice",
                    "draft",
                ][usize::from(a.kind) % 5]
                    .into(),
                step_key: format!("review:{}", a.step % 6),
                invoice_ids: ids(n, &a.invoices),
                requested_at,
                status,
                decided_at: (status != ApprovalStatus::Pending)
                    .then_some(requested_at + Duration::hours(1)),
                decided_by: None,
                note: None,
            }
        })
        .collect();
    let mut touches: Vec<Touch> = f
        .touches
        .iter()
        .take(10)
        .map(|t| Touch {
            at: now - Duration::minutes(i64::from(t.back_minutes % (400 * 24 * 60))),
            stage: pick(&Stage::ALL, t.stage),
            step_key: format!("{}:{}", pick(&Stage::ALL, t.stage).as_str(), t.step % 12),
            kind: pick(
                &[TouchKind::Email, TouchKind::Task, TouchKind::Approval],
                t.kind,
            ),
        })
        .collect();
    touches.sort_by_key(|t| t.at);
    let overrides = f.overrides.as_ref().map(|o| PolicyOverrides {
        min_gap_business_days: o.min_gap.map(|g| u32::from(g % 30)),
        cap: o.cap.map(|c| pick(&Stage::ALL, c)),
        thresholds: o
            .thresholds
            .iter()
            .take(5)
            .map(|(s, d)| StageDays {
                stage: pick(&Stage::ALL, *s),
                min_days_overdue: u32::from(*d),
            })
            .collect(),
        tone: o
            .tone
            .map(|t| pick(&[Tone::Gentle, Tone::Friendly, Tone::Firm, Tone::Formal], t)),
        dunning_off: o.dunning_off,
        paused_invoices: ids(n, &o.paused),
    });
    // Only overrides the API would accept (PUT /api/accounts/{id}/policy validates them).
    let overrides = overrides.filter(|o| o.validate().is_ok());
    let state = EscalationState {
        touches,
        out_of_office_until: f.ooo.map(|d| day(i64::from(d))),
        paused_stage: f.paused_stage.map(|s| pick(&Stage::ALL, s)),
        sequence: u32::from(f.sequence % 64),
    };
    let snapshot = AccountSnapshot {
        account,
        contacts,
        invoices,
        payments,
        promises,
        disputes,
        approvals,
        state,
        overrides,
    };
    (snapshot, now)
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let f = FSnapshot::arbitrary(u)?;
    let (s, now) = build(&f);
    let mut policy = Policy::default();
    if f.policy_edits {
        // A policy an operator could PUT: the default, edited, kept only if it validates.
        let json = serde_json::to_value(&policy).unwrap_or_default();
        let edited = mutate_json(&json, &[], u)?;
        if let Ok(p) = Policy::from_json(&edited.to_string()) {
            policy = p;
        }
    }
    let d = evaluate(&s, &policy, now).into_owned();
    assert_eq!(
        d,
        evaluate(&s.clone(), &policy, now).into_owned(),
        "evaluate is not deterministic"
    );
    assert!(
        d.next_evaluation_at > now,
        "next evaluation {} not after {now}",
        d.next_evaluation_at
    );
    let text = serde_json::to_string(&d).expect("a decision serialises");
    let back: nudge_policy::Decision<'static> = serde_json::from_str(&text).expect("reads back");
    assert_eq!(back, d, "decision changed through JSON");
    for e in &d.metrics.exposure {
        assert!(
            e.open >= Decimal::ZERO && e.overdue >= Decimal::ZERO,
            "{e:?}"
        );
        assert!(e.overdue <= e.open, "{e:?}");
    }
    if let Action::Send(send) = &d.action {
        let dunning_off =
            !s.account.dunning_enabled || s.overrides.as_ref().is_some_and(|o| o.dunning_off);
        assert!(!dunning_off, "a send with dunning off");
        assert!(
            s.contacts
                .iter()
                .any(|c| c.email == send.to && c.reachable()),
            "send to {} who is not a reachable contact",
            send.to
        );
        let paused: BTreeSet<&str> = s
            .overrides
            .iter()
            .flat_map(|o| o.paused_invoices.iter().map(String::as_str))
            .collect();
        for id in &send.invoice_ids {
            let inv = s.invoices.iter().find(|i| i.id == *id);
            assert!(
                inv.is_some_and(|i| i.open_amount() > Decimal::ZERO),
                "names {id}, not open"
            );
            assert!(!paused.contains(id.as_ref()), "names paused {id}");
            let disputed = s
                .disputes
                .iter()
                .any(|x| x.is_open() && x.invoice_ids.iter().any(|i| i == id));
            assert!(!disputed, "names disputed {id}");
        }
        for c in &send.late_charges {
            assert!(
                c.interest >= Decimal::ZERO
                    && c.compensation >= Decimal::ZERO
                    && c.principal >= Decimal::ZERO,
                "{c:?}"
            );
        }
    }
    // Recorded (as the object does before acting), the same step is never taken again.
    let mut after = s.clone();
    if after.state.record(&d, now) {
        let again = evaluate(&after, &policy, now).into_owned();
        let key = |a: &Action<'_>| match a {
            Action::None => None,
            Action::Send(x) => Some(x.step_key.clone()),
            Action::Task(x) => Some(x.step_key.clone()),
            Action::Approval(x) => Some(x.step_key.clone()),
        };
        if key(&again.action).is_some() {
            assert_ne!(key(&again.action), key(&d.action), "the same step twice");
        }
    }
    let _ = worklist::assess(&s, &d, &policy, now, &["reply_review"]);
    let plan = preview(&s, &policy, now, now + Duration::days(7));
    let mut keys = BTreeSet::new();
    for a in plan.actions() {
        assert!(
            keys.insert(a.step.step_key().to_string()),
            "step {} planned twice",
            a.step.step_key()
        );
        assert!(a.at >= now);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
