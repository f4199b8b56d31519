//! Sending through the `EMAIL` (`send_email`) binding, with a few quick retries and backoff.
//! Locally wrangler writes each message to an `.eml` file; in production Email Routing sends it.

use std::time::Duration;

use worker::{Delay, EmailMessage, Env};

/// Attempts made within one call before giving up until the next evaluation.
pub const QUICK_ATTEMPTS: u32 = 3;

/// Attempts over all evaluations after which a message is left `failed` for a person.
pub const MAX_ATTEMPTS: u32 = 8;

/// The outcome of sending one message.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    pub sent: bool,
    /// Attempts made by this call.
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// Sends `raw` from `from` to `to` once.
pub async fn send_once(env: &Env, from: &str, to: &str, raw: &str) -> Result<(), String> {
    let binding = env.send_email("EMAIL").map_err(|e| e.to_string())?;
    let message = EmailMessage::new(from, to, raw).map_err(|e| format!("EmailMessage: {e:?}"))?;
    binding
        .send(&message)
        .await
        .map(|_| ())
        .map_err(|e| format!("send_email: {}", String::from(e.message())))
}

/// Sends with up to `attempts` tries, waiting 250 ms, 1 s, 4 s… between them.
pub async fn send_with_retry(
    env: &Env,
    from: &str,
    to: &str,
    raw: &str,
    attempts: u32,
) -> SendOutcome {
    let mut last_error = None;
    let mut made = 0;
    for n in 0..attempts.max(1) {
        if n > 0 {
            let wait = 250u64.saturating_mul(4u64.saturating_pow(n - 1));
            Delay::from(Duration::from_millis(wait.min(5_000))).await;
        }
        made += 1;
        match send_once(env, from, to, raw).await {
            Ok(()) => {
                return SendOutcome {
                    sent: true,
                    attempts: made,
                    last_error: None,
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    SendOutcome {
        sent: false,
        attempts: made,
        last_error,
    }
}
