//! A model of the sweep's Queue fan-out (issue 12), for sizes a shared 2-core machine cannot run
//! for real. Deterministic discrete-event simulation of the producer (claim pages, `sendBatch`
//! calls) and of `consumers` queue consumers that take batches of up to `batch` messages (waiting
//! at most `batch_timeout_s` for a batch to fill), each batch costing
//! `batch_overhead_ms + accounts × account_ms`, optionally capped by a D1 throughput
//! (`d1_trips_per_s`, round trips per second for the whole database).
//!
//! ```sh
//! cargo run --release --example queue_model -- --accounts 100000
//! cargo run --release --example queue_model -- --accounts 100000 --consumers 10 \
//!     --account-ms 8 --batch-overhead-ms 30 --d1-trips-per-s 2000
//! ```
//!
//! The defaults are the local measurements of `tests/e2e/sweep_queue_bench.rs` (see
//! BENCHMARKS.md); every figure the model prints is modelled, not measured.

use std::collections::VecDeque;

#[derive(Debug, Clone)]
struct Params {
    accounts: usize,
    per_message: usize,
    batch: usize,
    batch_timeout_s: f64,
    consumers: usize,
    /// Wall per claimed page of 1,000 accounts (one `UPDATE … RETURNING`).
    page_ms: f64,
    /// Wall per `sendBatch`.
    send_ms: f64,
    /// Ids per `sendBatch`.
    ids_per_send: usize,
    /// Fixed wall per consumer invocation (the delivery, the progress statement).
    batch_overhead_ms: f64,
    /// Wall per account inside a batch (its accounts evaluated concurrently).
    account_ms: f64,
    /// D1 round trips per account (in the object) and per batch (the consumer's own).
    trips_per_account: f64,
    trips_per_batch: f64,
    /// Whole-database D1 round trips per second; 0 = no cap.
    d1_trips_per_s: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            accounts: 100_000,
            per_message: 10,
            batch: 5,
            batch_timeout_s: 2.0,
            consumers: 1,
            page_ms: 60.0,
            send_ms: 10.0,
            ids_per_send: 1_000,
            batch_overhead_ms: 20.0,
            account_ms: 20.0,
            trips_per_account: 2.0,
            trips_per_batch: 1.0,
            d1_trips_per_s: 0.0,
        }
    }
}

fn parse_args() -> Params {
    let mut p = Params::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < args.len() {
        let (k, v) = (args[i].as_str(), args[i + 1].as_str());
        let f: f64 = v
            .parse()
            .unwrap_or_else(|_| panic!("{k}: not a number: {v}"));
        match k {
            "--accounts" => p.accounts = f as usize,
            "--per-message" => p.per_message = (f as usize).max(1),
            "--batch" => p.batch = (f as usize).max(1),
            "--batch-timeout-s" => p.batch_timeout_s = f,
            "--consumers" => p.consumers = (f as usize).max(1),
            "--page-ms" => p.page_ms = f,
            "--send-ms" => p.send_ms = f,
            "--ids-per-send" => p.ids_per_send = (f as usize).max(1),
            "--batch-overhead-ms" => p.batch_overhead_ms = f,
            "--account-ms" => p.account_ms = f,
            "--trips-per-account" => p.trips_per_account = f,
            "--trips-per-batch" => p.trips_per_batch = f,
            "--d1-trips-per-s" => p.d1_trips_per_s = f,
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    p
}

/// What the simulation found.
#[derive(Debug)]
struct Outcome {
    producer_s: f64,
    total_s: f64,
    messages: usize,
    batches: usize,
    sends: usize,
    pages: usize,
}

fn simulate(p: &Params) -> Outcome {
    // Producer: a page is claimed, then its ids are sent in `sendBatch`es; each send makes its
    // messages visible at the time it completes.
    let mut arrivals: VecDeque<(f64, usize)> = VecDeque::new(); // (visible at, accounts)
    let (mut t, mut left, mut pages, mut sends, mut messages) = (0.0, p.accounts, 0, 0, 0);
    while left > 0 {
        let page = left.min(1_000);
        t += p.page_ms / 1000.0;
        pages += 1;
        let mut ids = page;
        while ids > 0 {
            let send = ids.min(p.ids_per_send);
            t += p.send_ms / 1000.0;
            sends += 1;
            let mut m = send;
            while m > 0 {
                let k = m.min(p.per_message);
                arrivals.push_back((t, k));
                messages += 1;
                m -= k;
            }
            ids -= send;
        }
        left -= page;
    }
    let producer_s = t;

    // Consumers: each free consumer takes the next batch when `batch` messages are visible or
    // the oldest has waited `batch_timeout_s`.
    let mut free_at = vec![0.0_f64; p.consumers];
    let mut batches = 0;
    let mut end: f64 = producer_s;
    // D1 as one server: its next free moment.
    let mut d1_free = 0.0_f64;
    while let Some(&(first, _)) = arrivals.front() {
        let (c, &ready) = free_at
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("at least one consumer");
        let fill = arrivals
            .get(p.batch - 1)
            .map_or(f64::INFINITY, |&(at, _)| at);
        let start = ready.max(first).max(fill.min(first + p.batch_timeout_s));
        let mut accounts = 0;
        for _ in 0..p.batch {
            match arrivals.front() {
                Some(&(at, k)) if at <= start => {
                    accounts += k;
                    arrivals.pop_front();
                }
                _ => break,
            }
        }
        let mut busy = (p.batch_overhead_ms + accounts as f64 * p.account_ms) / 1000.0;
        if p.d1_trips_per_s > 0.0 {
            let trips = accounts as f64 * p.trips_per_account + p.trips_per_batch;
            let d1_start = d1_free.max(start);
            d1_free = d1_start + trips / p.d1_trips_per_s;
            busy = busy.max(d1_free - start);
        }
        free_at[c] = start + busy;
        end = end.max(free_at[c]);
        batches += 1;
    }
    Outcome {
        producer_s,
        total_s: end,
        messages,
        batches,
        sends,
        pages,
    }
}

fn main() {
    let p = parse_args();
    let o = simulate(&p);
    let n = p.accounts as f64;
    let trips =
        n * p.trips_per_account + o.batches as f64 * p.trips_per_batch + o.pages as f64 + 4.0;
    println!("MODELLED (not measured): {p:?}");
    println!(
        "accounts {}: producer {:.1} s ({} claim statements, {} sendBatch, {} messages); \
         {} consumer batches ({:.1} accounts/batch, {} subrequests each at most)",
        p.accounts,
        o.producer_s,
        o.pages,
        o.sends,
        o.messages,
        o.batches,
        n / o.batches.max(1) as f64,
        p.batch * p.per_message + 1
    );
    println!(
        "end to end {:.1} s = {:.1} min, {:.1} accounts/s; D1 round trips {:.0} = {:.3} per account; \
         queue operations ≈ {} (write + read + delete per message)",
        o.total_s,
        o.total_s / 60.0,
        n / o.total_s.max(1e-9),
        trips,
        trips / n.max(1.0),
        o.messages * 3
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_consumer_is_bound_by_its_batches_and_more_consumers_divide_the_time() {
        let one = simulate(&Params {
            accounts: 10_000,
            ..Params::default()
        });
        // 200 batches of 50 accounts × (20 + 50 × 20 ms) = 204 s, after the first page.
        assert_eq!(one.batches, 200);
        assert_eq!(one.messages, 1_000);
        assert!((one.total_s - 204.0).abs() < 2.0, "{one:?}");
        let ten = simulate(&Params {
            accounts: 10_000,
            consumers: 10,
            ..Params::default()
        });
        assert!(ten.total_s < one.total_s / 8.0, "{ten:?}");
    }

    #[test]
    fn a_d1_cap_bounds_the_throughput() {
        let capped = simulate(&Params {
            accounts: 10_000,
            consumers: 50,
            account_ms: 1.0,
            d1_trips_per_s: 1_000.0,
            ..Params::default()
        });
        // 20,200 round trips at 1,000/s.
        assert!(capped.total_s >= 20.0, "{capped:?}");
    }
}
