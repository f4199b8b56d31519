//! Throughput of `evaluate` over 100,000 generated accounts with 1–30 invoices each.
//!
//! Run: `cargo bench -p nudge-policy --bench evaluate`. One iteration evaluates every account once;
//! criterion reports elements (account evaluations) per second.

use std::hint::black_box;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Days, Duration, NaiveDate, TimeZone, Utc};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::ledger::{Account, Contact, ContactRole, ContactStatus, Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};
use nudge_policy::{evaluate, AccountSnapshot, EscalationState, Policy, Stage, Touch, TouchKind};
use rust_decimal::Decimal;

const ACCOUNTS: usize = 100_000;

/// A tiny deterministic generator (xorshift), so every run benches the same accounts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn now() -> DateTime<Utc> {
    // Tuesday 10:00 UTC: inside the window in Europe, outside in the Americas and Asia.
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()
}

fn account(r: &mut Rng, n: usize) -> AccountSnapshot {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let tzs = [
        chrono_tz::Europe::Berlin,
        chrono_tz::Europe::London,
        chrono_tz::America::New_York,
        chrono_tz::Asia::Tokyo,
        chrono_tz::UTC,
    ];
    let mut a = Account::new(format!("acc_{n}"), format!("Customer {n}"));
    a.timezone = tzs[r.below(5) as usize].into();
    a.strategic = r.chance(10);
    a.owner = Some("owner@us.test".into());
    let currency = if r.chance(20) {
        Currency::USD
    } else {
        Currency::EUR
    };

    let count = 1 + r.below(30) as usize;
    let mut invoices = Vec::with_capacity(count);
    for i in 0..count {
        let due = today
            .checked_sub_days(Days::new(r.below(120)))
            .and_then(|d| d.checked_add_days(Days::new(30)))
            .unwrap();
        let total = Decimal::new(10_000 + r.below(2_000_000) as i64, 2);
        let paid_status = r.chance(50);
        let mut inv = Invoice {
            id: format!("in_{n}_{i}"),
            number: format!("INV-{n}-{i}"),
            issue_date: due.checked_sub_days(Days::new(30)).unwrap(),
            due_date: due,
            currency,
            total,
            paid: Decimal::ZERO,
            credited: Decimal::ZERO,
            status: if paid_status {
                InvoiceStatus::Paid
            } else {
                InvoiceStatus::Open
            },
            paid_on: None,
            po_number: None,
            payment_url: None,
            pdf_url: None,
            auto_collection: r.chance(10),
            auto_collection_exhausted: r.chance(50),
        };
        if paid_status {
            inv.paid = total;
            inv.paid_on = due.checked_add_days(Days::new(r.below(40)));
        } else if r.chance(15) {
            inv.paid = (total / Decimal::from(2)).round_dp(2);
        }
        invoices.push(inv);
    }
    let disputes = if r.chance(10) {
        vec![Dispute {
            id: format!("dsp_{n}"),
            category: DisputeCategory::Pricing,
            invoice_ids: vec![invoices[0].id.clone()],
            status: DisputeStatus::Open,
            opened_at: now() - Duration::days(5),
            resolved_at: None,
            summary: None,
        }]
    } else {
        vec![]
    };
    let promises = if r.chance(10) {
        vec![Promise {
            id: format!("prm_{n}"),
            promised_date: today + Duration::days(r.below(10) as i64 - 5),
            amount: None,
            currency: None,
            invoice_ids: vec![],
            source: PromiseSource::Email,
            status: PromiseStatus::Active,
            made_at: now() - Duration::days(7),
            paused_at_stage: Some(Stage::Firm.as_u8()),
        }]
    } else {
        vec![]
    };
    let stages = [Stage::Friendly, Stage::Firm, Stage::Final];
    let touches = (0..r.below(4))
        .map(|t| Touch {
            at: now() - Duration::days(30 - 9 * t as i64) - Duration::hours(r.below(24) as i64),
            stage: stages[t as usize % 3],
            step_key: format!("{}:{}", stages[t as usize % 3], t + 1),
            kind: TouchKind::Email,
        })
        .collect::<Vec<_>>();
    let contacts = vec![
        Contact {
            email: format!("ap@c{n}.test"),
            name: None,
            role: ContactRole::Ap,
            status: if r.chance(5) {
                ContactStatus::Bounced
            } else {
                ContactStatus::Active
            },
            preferred: true,
        },
        Contact {
            email: format!("buyer@c{n}.test"),
            name: None,
            role: ContactRole::Buyer,
            status: ContactStatus::Active,
            preferred: false,
        },
    ];
    AccountSnapshot {
        account: a,
        contacts,
        invoices,
        payments: vec![],
        promises,
        disputes,
        approvals: vec![],
        state: EscalationState {
            sequence: touches.len() as u32,
            touches,
            out_of_office_until: None,
            paused_stage: None,
        },
        overrides: None,
    }
}

/// CPU time of the benchmarking thread: the per-core figure, independent of how many other
/// processes share the machine's cores (wall time is reported by the other group).
struct ThreadCpu {
    wall: WallTime,
}

fn thread_cpu_now() -> StdDuration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    StdDuration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Measurement for ThreadCpu {
    type Intermediate = StdDuration;
    type Value = StdDuration;
    fn start(&self) -> StdDuration {
        thread_cpu_now()
    }
    fn end(&self, i: StdDuration) -> StdDuration {
        thread_cpu_now().saturating_sub(i)
    }
    fn add(&self, a: &StdDuration, b: &StdDuration) -> StdDuration {
        *a + *b
    }
    fn zero(&self) -> StdDuration {
        StdDuration::ZERO
    }
    fn to_f64(&self, v: &StdDuration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        self.wall.formatter()
    }
}

fn accounts() -> Vec<AccountSnapshot> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    (0..ACCOUNTS).map(|n| account(&mut r, n)).collect()
}

fn bench_evaluate(c: &mut Criterion) {
    run(c, &accounts(), "evaluate");
}

fn bench_evaluate_cpu(c: &mut Criterion<ThreadCpu>) {
    let all = accounts();
    run(c, &all, "evaluate_thread_cpu");
    run(c, &all[..1000], "evaluate_thread_cpu_hot_1k");
}

fn run<M: Measurement>(c: &mut Criterion<M>, accounts: &[AccountSnapshot], name: &str) {
    let policy = Policy::default();
    let now = now();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(accounts.len() as u64));
    group.sample_size(10);
    group.warm_up_time(StdDuration::from_secs(1));
    group.measurement_time(StdDuration::from_secs(4));
    group.bench_function(format!("{}_accounts_1_30_invoices", accounts.len()), |b| {
        b.iter(|| {
            for s in accounts {
                black_box(evaluate(black_box(s), &policy, now));
            }
        })
    });
    group.finish();
}

criterion_group!(wall, bench_evaluate);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ThreadCpu { wall: WallTime });
    targets = bench_evaluate_cpu
}
criterion_main!(wall, cpu);
