//! Structured logs: one JSON object per line, so Workers Logs (and `wrangler tail`) can filter by
//! field. Callers pass identifiers and counts, never secrets or email bodies.

use serde_json::{Map, Value};

/// Writes one log line `{"event": name, ...fields}` at info level.
pub fn info(event: &str, fields: Value) {
    worker::console_log!("{}", line(event, "info", fields));
}

/// Writes one log line at error level.
pub fn error(event: &str, fields: Value) {
    worker::console_error!("{}", line(event, "error", fields));
}

fn line(event: &str, level: &str, fields: Value) -> String {
    let mut map = match fields {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            let mut m = Map::new();
            m.insert("detail".into(), other);
            m
        }
    };
    map.insert("event".into(), Value::from(event));
    map.insert("level".into(), Value::from(level));
    Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_is_one_json_object_with_event_and_level() {
        let l = line(
            "webhook.accepted",
            "info",
            serde_json::json!({"id": "evt_1"}),
        );
        let v: Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["event"], "webhook.accepted");
        assert_eq!(v["level"], "info");
        assert_eq!(v["id"], "evt_1");
        assert!(!l.contains('\n'));
    }
}
