//! `nudge classify FILE.eml [--now RFC3339] [--locale TAG] [--timezone TZ]`
//!
//! Prints the Classification JSON of one message, without side effects. `--now` defaults to the
//! message's `Date` header (so a saved message reads as it did when it arrived), then to the
//! clock; `--locale` to `en-US`; `--timezone` to `UTC`.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use nudge_core::zone::Zone;
use nudge_inbound::{classify, Context};

const USAGE: &str = "usage: nudge classify FILE.eml [--now RFC3339] [--locale TAG] [--timezone TZ]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let mut args = args.into_iter();
    if args.next().as_deref() != Some("classify") {
        return Err(USAGE.to_string());
    }
    let mut file = None;
    let mut now = None;
    let mut locale = "en-US".to_string();
    let mut timezone = Zone::UTC;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--now" => {
                let v = value("--now")?;
                let t = DateTime::parse_from_rfc3339(&v).map_err(|e| format!("--now {v}: {e}"))?;
                now = Some(t.with_timezone(&Utc));
            }
            "--locale" => locale = value("--locale")?,
            "--timezone" => {
                let v = value("--timezone")?;
                timezone = v.parse().map_err(|e| format!("--timezone {v}: {e}"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            _ if file.is_none() && !arg.starts_with("--") => file = Some(arg),
            _ => return Err(format!("unexpected argument {arg}\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE.to_string())?;
    let raw = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    let now = match now {
        Some(n) => n,
        None => nudge_mail::parse(&raw, &nudge_mail::Limits::default())
            .ok()
            .and_then(|e| e.date)
            .unwrap_or_else(Utc::now),
    };
    let ctx = Context {
        now,
        timezone,
        locale,
    };
    let classification = classify(&raw, &ctx).map_err(|e| format!("{file}: {e}"))?;
    serde_json::to_string_pretty(&classification).map_err(|e| e.to_string())
}
