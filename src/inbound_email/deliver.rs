//! Handing a message to a person: forwarding the live message to `FALLBACK_ADDRESS` with a
//! one-line `X-Nudge-Summary`. Only the email handler holds the live message, so forwarding
//! happens here; every message Nudge *sends* goes through the account objects' mailer.

use serde_json::json;
use worker::ForwardableEmailMessage;

use crate::http::error::ApiError;
use crate::logging;

/// One header-safe line: printable ASCII only (Email Routing refuses other header values).
pub fn header_line(s: &str) -> String {
    let line: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(200).collect()
}

/// Forwards the live message to `to` with `X-Nudge-Summary` and `X-Nudge-Message`.
pub async fn forward(
    message: &ForwardableEmailMessage,
    to: &str,
    stored_id: &str,
    summary: &str,
) -> Result<(), ApiError> {
    let headers = worker::Headers::new();
    headers.set("X-Nudge-Summary", &header_line(summary))?;
    headers.set("X-Nudge-Message", stored_id)?;
    message
        .forward_with_headers(to, &headers.0)
        .await
        .map_err(|e| {
            ApiError::Internal(format!("forward to {to}: {}", String::from(e.message())))
        })?;
    logging::info("email.forwarded", json!({"id": stored_id, "to": to}));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_summaries_are_one_printable_ascii_line() {
        let s = header_line("dispute (0.91) from a@b.example:\r\n\"Prix erroné — 12 €\"\tX");
        assert_eq!(s, "dispute (0.91) from a@b.example: \"Prix erron 12 \" X");
        assert_eq!(header_line(&"x".repeat(500)).len(), 200);
    }
}
