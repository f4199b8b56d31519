//! `parse` on a typical 5 KB customer reply (multipart/alternative, quoted-printable, quoted
//! reminder, signature): `cargo bench -p nudge-mail`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nudge_mail::{extract_new_text, parse, Limits};

const REPLY: &[u8] = include_bytes!("../tests/fixtures/typical_reply_5kb.eml");
const DSN: &[u8] = include_bytes!("../tests/fixtures/bounce_dsn_user_unknown.eml");

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("nudge-mail");
    group.throughput(Throughput::Elements(1));
    group.bench_function("parse typical 5 KB reply", |b| {
        b.iter(|| parse(std::hint::black_box(REPLY), &limits))
    });
    group.bench_function("parse RFC 3464 bounce", |b| {
        b.iter(|| parse(std::hint::black_box(DSN), &limits))
    });
    let text = parse(REPLY, &limits).map(|e| e.text).unwrap_or_default();
    group.bench_function("extract_new_text on its body", |b| {
        b.iter(|| extract_new_text(std::hint::black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
