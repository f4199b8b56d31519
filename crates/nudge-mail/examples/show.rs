//! Prints what `nudge_mail::parse` makes of `.eml` files, as JSON:
//! `cargo run -p nudge-mail --example show -- FILE.eml...`.

fn main() {
    for path in std::env::args().skip(1) {
        let raw = match std::fs::read(&path) {
            Ok(raw) => raw,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        match nudge_mail::parse(&raw, &nudge_mail::Limits::default()) {
            Ok(email) => println!(
                "{path}: {}",
                serde_json::to_string_pretty(&email).unwrap_or_default()
            ),
            Err(e) => println!("{path}: error: {e}"),
        }
    }
}
