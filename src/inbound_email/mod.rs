//! The `email` entry point: Email Routing hands us each message sent to the inbound address.
//!
//! Receive (this file): every message is stored first, so that nothing accepted is ever lost;
//! then size limit → parse → thread (`thread.rs`, read-only) → classify in the account's
//! timezone and locale → the account's object acts and writes (`account/inbound.rs`), sending
//! any reply through the one mailer. Deliver (`deliver.rs`): the live message is forwarded to
//! `FALLBACK_ADDRESS` when a person must read it. Any failure on the way leaves a
//! `dead_letter` status with the error and forwards the message, so nothing is dropped.
//!
//! Messages no account can be found for have no object: their task and status are written
//! here. Everything about a threaded message is written by its account's object.

mod deliver;
mod thread;

use nudge_inbound::{Classification, Context, Kind};
use nudge_mail::{Email, Limits};
use serde_json::json;
use worker::{Env, ForwardableEmailMessage};

use crate::account::{AccountClient, InboundCommand};
use crate::address::EmailAddress;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::inbound::acting;
use crate::inbound::reply::Parsed;
use crate::store::inbound::{self as messages, Received, Understood};
use crate::store::tasks::{self, NewTask};
use crate::store::Db;
use crate::{clock, ids, logging};

/// Stored raw bodies are capped so one huge message cannot fill a D1 row (D1 rows max 2 MB).
const MAX_STORED_RAW: usize = 1_500_000;

/// Receives one message: stores it, then threads, classifies and acts on it.
pub async fn receive(message: ForwardableEmailMessage, env: Env) -> worker::Result<()> {
    let db = Db::from_env(&env)?;
    let config = Config::from_env(&env);
    // The test clock when TEST_CLOCKS is on, so a simulated timeline stays consistent.
    let now = clock::now(&db, &config).await;
    let raw = message.raw_bytes().await?;
    let id = ids::new_id("msg", now);
    let headers = message.headers();
    let message_id = headers.get("message-id").ok().flatten().map(|v| {
        v.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    });
    let subject = headers.get("subject").ok().flatten();
    let from = message.from();
    let to = message.to();
    // If this insert fails the handler fails, and the sending server retries: still nothing lost.
    messages::insert_received(
        &db,
        &Received {
            id: &id,
            received_at: now,
            envelope_from: &from,
            envelope_to: &to,
            message_id: message_id.as_deref(),
            subject: subject.as_deref(),
            size: raw.len(),
            raw: (raw.len() <= MAX_STORED_RAW).then_some(raw.as_slice()),
        },
    )
    .await?;
    logging::info("email.received", json!({"id": id, "size": raw.len()}));

    let live = Live {
        message: &message,
        env: &env,
        db: &db,
        config: &config,
        id: &id,
        now,
    };
    if let Err(err) = process(&live, &raw).await {
        dead_letter(&live, &err.to_string()).await;
    }
    Ok(())
}

/// What every step needs: the live message, the environment and the stored message's id.
struct Live<'a> {
    message: &'a ForwardableEmailMessage,
    env: &'a Env,
    db: &'a Db,
    config: &'a Config,
    id: &'a str,
    /// When the message was received (the test clock when enabled).
    now: chrono::DateTime<chrono::Utc>,
}

/// The configured size limit (`INBOUND_MAX_BYTES`), default [`Limits::default`].
fn max_bytes(env: &Env) -> usize {
    env.var("INBOUND_MAX_BYTES")
        .ok()
        .and_then(|v| v.to_string().trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(Limits::default().max_bytes)
}

async fn process(live: &Live<'_>, raw: &[u8]) -> Result<(), ApiError> {
    if let Some(first) = messages::duplicate_of(live.db, live.id).await? {
        // A redelivery (the sending server retried after a timeout): act once only.
        let summary = format!("Duplicate of {first}, already handled");
        return finish(live, "processed", "duplicate_ignored", &summary).await;
    }
    let limit = max_bytes(live.env);
    if raw.len() > limit {
        let summary = format!(
            "Message of {} bytes from {} is over the {limit}-byte limit: not parsed, kept for a person",
            raw.len(),
            live.message.from()
        );
        return hand_over(live, "oversized", "oversized_forwarded", &summary).await;
    }
    let email = match nudge_mail::parse(raw, &Limits { max_bytes: limit }) {
        Ok(e) => e,
        Err(e) => {
            let summary = format!("Unreadable message from {}: {e}", live.message.from());
            return hand_over(live, "unparseable", "unparseable_forwarded", &summary).await;
        }
    };
    let parsed = parsed_facts(&email);
    let threaded = thread::thread(live.db, &live.message.to(), &email).await?;
    let (timezone, locale) = match &threaded {
        Some((account_id, _)) => match messages::account_locale(live.db, account_id).await? {
            Some((tz, locale)) => (tz.parse().ok(), Some(locale)),
            None => (None, None),
        },
        None => (None, None),
    };
    let ctx = Context {
        now: live.now,
        timezone: timezone
            .or_else(|| live.config.default_timezone.parse().ok())
            .unwrap_or(nudge_core::zone::Zone::UTC),
        locale: locale.unwrap_or_else(|| live.config.default_locale.clone()),
    };
    let classification = nudge_inbound::classify_email(&email, &ctx);
    let stored = for_storage(&classification);

    let Some((account_id, matched_by)) = threaded else {
        return unmatched(live, &stored, &parsed).await;
    };
    logging::info(
        "email.threaded",
        json!({"id": live.id, "account_id": account_id, "matched_by": matched_by,
               "kind": crate::account::kind_name(classification.kind),
               "primary_intent": classification.primary_intent}),
    );
    let client = AccountClient::new(live.env);
    let account_id = AccountId::from(account_id);
    let command = InboundCommand {
        message_id: live.id.to_string(),
        sender: sender_of(&parsed, &live.message.from()),
        matched_by: matched_by.to_string(),
        classification: stored,
        parsed,
    };
    // Kept for the dead letter: the object writes these with its actions, or not at all.
    let understood = (
        serde_json::to_string(&command.classification).unwrap_or_default(),
        serde_json::to_string(&command.parsed).unwrap_or_default(),
    );
    let answer = match client.ask(&account_id, command).await {
        Ok(answer) => answer,
        Err(e) => {
            // The object changed nothing: the message keeps how it was understood, so the
            // person it is forwarded to sees what Nudge made of it.
            let record = messages::understood(
                live.db,
                live.id,
                &Understood {
                    account_id: Some(account_id.as_str()),
                    matched_by: Some(matched_by),
                    kind: crate::account::kind_name(classification.kind),
                    classification: &understood.0,
                    parsed: &understood.1,
                },
            )?;
            if let Err(store) = live.db.run(record).await {
                logging::error(
                    "email.understood_store_failed",
                    json!({"id": live.id, "error": store.to_string()}),
                );
            }
            return Err(e.into());
        }
    };
    if answer.forward {
        deliver::forward(
            live.message,
            &live.config.fallback_address,
            live.id,
            &answer.summary,
        )
        .await?;
    }
    Ok(())
}

/// Most characters of the customer's words kept in the stored classification: the raw message
/// (up to 1.5 MB) and the classification share one D1 row (2 MB at most).
const MAX_STORED_NEW_TEXT: usize = 16_000;

/// The classification as stored: `new_text` capped at [`MAX_STORED_NEW_TEXT`] characters.
fn for_storage(c: &Classification) -> Classification {
    let mut stored = c.clone();
    if let Some((cut, _)) = stored.new_text.char_indices().nth(MAX_STORED_NEW_TEXT) {
        stored.new_text.truncate(cut);
        stored.new_text.push('…');
    }
    stored
}

fn parsed_facts(email: &Email) -> Parsed {
    Parsed {
        from: email.from.as_ref().map(|m| m.email.clone()),
        from_name: email.from.as_ref().and_then(|m| m.name.clone()),
        message_id: email.message_id.clone(),
        in_reply_to: email.in_reply_to.clone(),
        references: email.references.clone(),
        subject: email.subject.clone(),
        attachments: email
            .attachments
            .iter()
            .map(|a| {
                json!({"filename": a.filename, "content_type": a.content_type, "size": a.size,
                       "looks_like_remittance": a.looks_like_remittance})
            })
            .collect(),
    }
}

/// Who wrote, normalised once: the `From` header's address, else the envelope sender.
fn sender_of(parsed: &Parsed, envelope_from: &str) -> Option<EmailAddress> {
    parsed
        .from
        .as_deref()
        .and_then(|a| EmailAddress::parse(a).ok())
        .or_else(|| EmailAddress::parse(envelope_from).ok())
}

/// No account found: an auto-reply is only kept; anything else becomes a task and is forwarded.
async fn unmatched(
    live: &Live<'_>,
    classification: &Classification,
    parsed: &Parsed,
) -> Result<(), ApiError> {
    let sender = sender_of(parsed, &live.message.from())
        .map(String::from)
        .unwrap_or_else(|| live.message.from());
    let text = |e: serde_json::Error| ApiError::Internal(e.to_string());
    live.db
        .run(messages::understood(
            live.db,
            live.id,
            &Understood {
                account_id: None,
                matched_by: None,
                kind: crate::account::kind_name(classification.kind),
                classification: &serde_json::to_string(classification).map_err(text)?,
                parsed: &serde_json::to_string(parsed).map_err(text)?,
            },
        )?)
        .await?;
    let summary = format!("Unmatched: {}", acting::summary(classification, &sender));
    if classification.kind == Kind::AutoReply {
        return finish(live, "processed", "auto_reply_unmatched_ignored", &summary).await;
    }
    hand_over(live, "unmatched_email", "forwarded_unmatched", &summary).await
}

/// A task for a person, the message forwarded to the fallback address, status `needs_human`.
async fn hand_over(
    live: &Live<'_>,
    task_kind: &str,
    action: &str,
    summary: &str,
) -> Result<(), ApiError> {
    let context =
        json!({"inbound_message_id": live.id, "envelope_from": live.message.from()}).to_string();
    live.db
        .run(tasks::insert(
            live.db,
            &NewTask {
                account_id: None,
                kind: task_kind,
                assignee: None,
                summary,
                step_key: None,
                context: &context,
            },
            live.now,
        )?)
        .await?;
    finish(live, "needs_human", action, summary).await?;
    deliver::forward(
        live.message,
        &live.config.fallback_address,
        live.id,
        summary,
    )
    .await
}

async fn finish(
    live: &Live<'_>,
    status: &str,
    action: &str,
    summary: &str,
) -> Result<(), ApiError> {
    live.db
        .run(messages::finished(
            live.db, live.id, status, action, summary, live.now,
        )?)
        .await?;
    logging::info(
        "email.processed",
        json!({"id": live.id, "status": status, "action": action}),
    );
    Ok(())
}

/// Processing failed: keep the message as `dead_letter` with the error and forward it.
async fn dead_letter(live: &Live<'_>, error: &str) {
    logging::error("email.dead_letter", json!({"id": live.id, "error": error}));
    if let Err(e) = messages::dead_letter(live.db, live.id, error, live.now).await {
        logging::error(
            "email.dead_letter_store_failed",
            json!({"id": live.id, "error": e.to_string()}),
        );
    }
    let summary = format!("Nudge could not process this message: {error}");
    if let Err(e) = deliver::forward(
        live.message,
        &live.config.fallback_address,
        live.id,
        &summary,
    )
    .await
    {
        logging::error(
            "email.dead_letter_forward_failed",
            json!({"id": live.id, "error": e.to_string()}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_classifications_cap_the_new_text_on_a_char_boundary() {
        let ctx = Context {
            now: chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap_or_default(),
            timezone: nudge_core::zone::Zone::UTC,
            locale: "en-GB".into(),
        };
        let body = "é".repeat(MAX_STORED_NEW_TEXT + 10);
        let raw = format!("From: a@b.example\r\nTo: ar@x.example\r\nSubject: hi\r\n\r\n{body}\r\n");
        let c = nudge_inbound::classify(raw.as_bytes(), &ctx).unwrap();
        let stored = for_storage(&c);
        assert_eq!(stored.new_text.chars().count(), MAX_STORED_NEW_TEXT + 1);
        assert_eq!(stored.intents, c.intents);
        let short = for_storage(&Classification {
            new_text: "short".into(),
            ..c
        });
        assert_eq!(short.new_text, "short");
    }
}
