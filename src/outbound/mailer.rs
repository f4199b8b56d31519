//! The one mailer: every message Nudge sends (reminders, replies, approved drafts) goes out
//! here, through the `EMAIL` (`send_email`) binding, with a few quick retries and backoff. Only
//! the account objects call it, so what is sent is always recorded by the account's writer.
//! Locally wrangler writes each message to an `.eml` file; in production Email Routing sends it.
//!
//! (Forwarding an inbound message to a person is not sending: it needs the live message, so the
//! email handler does it, see `inbound_email/deliver.rs`.)

use std::cell::Cell;
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

/// Sends through the `EMAIL` binding from one sender address.
pub struct Mailer<'a> {
    env: &'a Env,
    from: &'a str,
    /// Test-only fault injection: this many attempts fail before the binding is called.
    failing: Cell<u32>,
}

impl<'a> Mailer<'a> {
    pub fn new(env: &'a Env, from: &'a str) -> Self {
        Mailer {
            env,
            from,
            failing: Cell::new(0),
        }
    }

    /// Test only (`FAULTS=send_fail_once`): the next `n` attempts fail as if the binding were
    /// down, without sending.
    pub fn failing_first(self, n: u32) -> Self {
        self.failing.set(n);
        self
    }

    async fn send_once(&self, to: &str, raw: &str) -> Result<(), String> {
        if self.failing.get() > 0 {
            self.failing.set(self.failing.get() - 1);
            return Err("send_email: injected fault (send_fail_once)".to_string());
        }
        let binding = self.env.send_email("EMAIL").map_err(|e| e.to_string())?;
        let message =
            EmailMessage::new(self.from, to, raw).map_err(|e| format!("EmailMessage: {e:?}"))?;
        binding
            .send(&message)
            .await
            .map(|_| ())
            .map_err(|e| format!("send_email: {}", String::from(e.message())))
    }

    /// Sends `raw` to `to` with up to `attempts` tries, waiting 250 ms, 1 s, 4 s… between them.
    pub async fn send(&self, to: &str, raw: &str, attempts: u32) -> SendOutcome {
        let mut last_error = None;
        let mut made = 0;
        for n in 0..attempts.max(1) {
            if n > 0 {
                let wait = 250u64.saturating_mul(4u64.saturating_pow(n - 1));
                Delay::from(Duration::from_millis(wait.min(5_000))).await;
            }
            made += 1;
            match self.send_once(to, raw).await {
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
}
