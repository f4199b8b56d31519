//! `cargo run -p nudge-inbound --example explain -- "text" [YYYY-MM-DD] [locale]`: prints the
//! understanding of a text with the phrases that led to it.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = args.get(1).cloned().unwrap_or_default();
    let today = args
        .get(2)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let locale = args.get(3).map(String::as_str).unwrap_or("en-GB");
    let u = nudge_inbound::understand::understand_text(
        &text,
        None,
        today,
        locale,
        nudge_inbound::understand::Hints::default(),
    );
    println!("{u:#?}");
}
