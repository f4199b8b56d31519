//! Any bytes through parse + classify, and their text through the date finder: no panic,
//! confidences in 0..1, machine mail without a primary intent.
#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use nudge_inbound::{classify, dates, Context};

fuzz_target!(|data: &[u8]| {
    let now = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    for (locale, timezone) in [("en-US", chrono_tz::Tz::America__New_York), ("de-DE", chrono_tz::Tz::Europe__Berlin)] {
        let ctx = Context { now, timezone: timezone.into(), locale: locale.to_string() };
        if let Ok(c) = classify(data, &ctx) {
            for s in &c.intents {
                assert!((0.0..=1.0).contains(&s.confidence));
            }
            if c.kind != nudge_inbound::Kind::Human {
                assert!(c.primary_intent.is_none() && c.promise.is_none());
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    let today = now.date_naive();
    let _ = dates::resolve(&text, today, "en-GB");
    let _ = dates::find_promise(&text, today, "en-US");
});
