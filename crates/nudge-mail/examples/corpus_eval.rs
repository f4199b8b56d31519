//! Prints nudge-mail's figures on the third-party corpus and every miss:
//! `cargo run -p nudge-mail --release --example corpus_eval`.

#[path = "../tests/support/corpus_eval.rs"]
mod corpus_eval;

use corpus_eval::{corpus_dir, eval_bounces, eval_mime, BounceFigures};

fn main() {
    let Some(dir) = corpus_dir() else {
        println!("corpus not found (expected ../shared/corpus next to the repository)");
        return;
    };
    let m = eval_mime(&dir);
    println!(
        "mime: {} files, {} parsed, {} rejected cleanly, {} with non-empty text",
        m.files, m.parsed, m.rejected, m.with_text
    );
    let b = eval_bounces(&dir);
    for miss in &b.misses {
        println!("  miss: {miss}");
    }
    let pct = |n: usize, d: usize| 100.0 * BounceFigures::rate(n, d);
    println!(
        "bounces: {} delivery reports, {} parse errors",
        b.bounces, b.parse_errors
    );
    println!(
        "  detected as bounce: {}/{} = {:.1}%",
        b.detected,
        b.bounces,
        pct(b.detected, b.bounces)
    );
    println!(
        "  recipient found: {}/{} = {:.1}%; plausible (in the message, not us): {}/{} = {:.1}%",
        b.with_recipient,
        b.detected,
        pct(b.with_recipient, b.detected),
        b.recipient_plausible,
        b.detected,
        pct(b.recipient_plausible, b.detected)
    );
    println!(
        "  status exact: {}/{} = {:.1}%",
        b.status_correct,
        b.with_expected_status,
        pct(b.status_correct, b.with_expected_status)
    );
    println!(
        "  status exact where sisimai's status is a real RFC 3463 code (not x.0.9xx): {}/{} = {:.1}%",
        b.real_status_correct, b.with_real_status, pct(b.real_status_correct, b.with_real_status)
    );
    println!(
        "  permanent vs 5.x.x/4.x.x: {}/{} = {:.1}%",
        b.permanent_correct,
        b.with_expected_class,
        pct(b.permanent_correct, b.with_expected_class)
    );
    println!(
        "  address_dead vs hardbounce: precision {:.1}% ({} tp, {} fp), recall {:.1}% ({} fn)",
        100.0 * b.dead_precision(),
        b.dead_tp,
        b.dead_fp,
        100.0 * b.dead_recall(),
        b.dead_fn
    );
    println!(
        "  reason family agrees with sisimai: {}/{} = {:.1}%",
        b.reason_correct,
        b.reason_comparable,
        pct(b.reason_correct, b.reason_comparable)
    );
    println!(
        "auto-replies (rfc3834): {}/{} detected, {} taken for bounces",
        b.autoreplies_detected, b.autoreplies, b.autoreplies_called_bounce
    );
}
