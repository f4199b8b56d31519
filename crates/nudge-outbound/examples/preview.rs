//! Prints one rendered message: `cargo run -p nudge-outbound --example preview -- reminder firm de-DE`.
use nudge_outbound::{render, MessageKind, Templates, Tone};

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind: MessageKind = serde_json::from_value(serde_json::Value::String(
        args.get(1).cloned().unwrap_or_else(|| "reminder".into()),
    ))
    .expect("kind");
    let tone: Tone = serde_json::from_value(serde_json::Value::String(
        args.get(2).cloned().unwrap_or_else(|| "standard".into()),
    ))
    .expect("tone");
    let locale = args.get(3).cloned().unwrap_or_else(|| "en".into());
    let full = args.get(4).is_some_and(|a| a == "full");
    let ctx = if full {
        common::full_context(kind, tone, &locale)
    } else {
        common::context(kind, tone, &locale)
    };
    let r = render(&ctx, &Templates::builtin()).expect("render");
    println!(
        "SUBJECT: {}\nLOCALE: {}\n----\n{}\n----\n{}",
        r.subject, r.locale, r.text, r.html
    );
}
