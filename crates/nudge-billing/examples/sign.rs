//! Prints the signature headers for a webhook body, for curl, E2E and load scripts.
//!
//! ```text
//! cargo run -p nudge-billing --example sign -- stripe whsec_secret body.json [unix-seconds]
//! cargo run -p nudge-billing --example sign -- erp erp_secret body.json [unix-seconds]
//! ```
//! The timestamp defaults to now (examples may read the clock; the library never does).

use nudge_billing::{erp, stripe};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(scheme), Some(secret), Some(path)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: sign <stripe|erp> <secret> <body-file> [unix-seconds]");
        std::process::exit(2);
    };
    let body = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let t = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp());
    match scheme.as_str() {
        "stripe" => println!(
            "Stripe-Signature: {}",
            stripe::signature_header(&[secret], t, &body)
        ),
        "erp" => {
            println!("X-Nudge-Timestamp: {t}");
            println!(
                "X-Nudge-Signature: {}",
                erp::signature_header(secret, t, &body)
            );
        }
        other => {
            eprintln!("unknown scheme `{other}`: stripe or erp");
            std::process::exit(2);
        }
    }
}
