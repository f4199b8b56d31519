//! Amazon SES notifications (delivered by SNS as an email whose body is JSON):
//! `{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[…]}}`.

use serde_json::Value;

use super::dsn::RecipientStatus;

/// The recipient blocks of an SES notification found in `text`, or empty when there is none.
pub(crate) fn parse(text: &str) -> Vec<RecipientStatus> {
    let value = if let Some(start) = text
        .find("{\"notificationType\"")
        .or_else(|| text.find("{\"eventType\""))
    {
        first_json(text.get(start..).unwrap_or(""))
    } else if text.contains("\"TopicArn\"") {
        // The SNS envelope (raw delivery off): the notice is a JSON string in its "Message".
        text.find('{')
            .and_then(|start| first_json(text.get(start..).unwrap_or("")))
            .and_then(|envelope| {
                let inner = envelope.get("Message")?.as_str()?.to_string();
                first_json(&inner)
            })
    } else {
        None
    };
    let Some(value) = value else {
        return Vec::new();
    };
    let kind = value
        .get("notificationType")
        .or_else(|| value.get("eventType"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match kind {
        "Bounce" => bounced(&value),
        "Delivery" => delivered(&value),
        _ => Vec::new(),
    }
}

/// The first JSON value at the start of `text`. Mail transport wraps long lines; line breaks
/// are never meaningful inside the JSON, so they are dropped before parsing.
fn first_json(text: &str) -> Option<Value> {
    let joined: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    serde_json::Deserializer::from_str(&joined)
        .into_iter::<Value>()
        .next()?
        .ok()
}

fn bounced(value: &Value) -> Vec<RecipientStatus> {
    let bounce = value.get("bounce");
    let permanent = bounce
        .and_then(|b| b.get("bounceType"))
        .and_then(Value::as_str)
        .map(|t| t.eq_ignore_ascii_case("permanent"));
    let recipients = bounce
        .and_then(|b| b.get("bouncedRecipients"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    recipients
        .iter()
        .map(|r| {
            let field = |name: &str| r.get(name).and_then(Value::as_str).map(str::to_string);
            RecipientStatus {
                recipient: field("emailAddress").map(|a| a.trim().to_lowercase()),
                action: field("action")
                    .map(|a| a.to_ascii_lowercase())
                    .or(match permanent {
                        Some(true) => Some("failed".to_string()),
                        Some(false) => Some("delayed".to_string()),
                        None => None,
                    }),
                status: field("status").and_then(|s| super::scan::status_code(&s)),
                diagnostic: field("diagnosticCode").map(|d| {
                    d.split_once(';')
                        .map(|(_, rest)| rest.trim().to_string())
                        .unwrap_or(d)
                }),
            }
        })
        .collect()
}

fn delivered(value: &Value) -> Vec<RecipientStatus> {
    let delivery = value.get("delivery");
    let diagnostic = delivery
        .and_then(|d| d.get("smtpResponse"))
        .and_then(Value::as_str)
        .map(str::to_string);
    delivery
        .and_then(|d| d.get("recipients"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(|r| RecipientStatus {
                    recipient: Some(r.trim().to_lowercase()),
                    action: Some("delivered".to_string()),
                    status: diagnostic.as_deref().and_then(super::scan::status_code),
                    diagnostic: diagnostic.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrapped_bounce_json() {
        let text = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"Gone@x.example\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user un\nknown\"}]}}\n\n--\nunsubscribe";
        let blocks = parse(text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].recipient.as_deref(), Some("gone@x.example"));
        assert_eq!(blocks[0].action.as_deref(), Some("failed"));
        assert_eq!(
            blocks[0].diagnostic.as_deref(),
            Some("550 5.1.1 user unknown")
        );
    }

    #[test]
    fn reads_the_sns_envelope() {
        let text = "{\n  \"Type\" : \"Notification\",\n  \"TopicArn\" : \"arn:aws:sns:x\",\n  \"Message\" : \"{\\\"notificationType\\\":\\\"Bounce\\\",\\\"bounce\\\":{\\\"bounceType\\\":\\\"Transient\\\",\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":\\\"full@x.example\\\"}]}}\"\n}";
        let blocks = parse(text);
        assert_eq!(blocks.len(), 1, "{text}");
        assert_eq!(blocks[0].recipient.as_deref(), Some("full@x.example"));
        assert_eq!(blocks[0].action.as_deref(), Some("delayed"));
    }

    #[test]
    fn ignores_other_text() {
        assert!(parse("{\"hello\": 1}").is_empty());
    }
}
