//! The `email` entry point: Email Routing hands us each message sent to the inbound address.
//!
//! Every message is stored first, so that nothing accepted is ever lost, then processed:
//! size limit → parse → thread to an account → classify in the account's timezone and locale →
//! the account's object acts ([`crate::account::inbound`]) → here, with the live message, the
//! reply is sent (`message.reply()`, falling back to the `EMAIL` binding) and the message is
//! forwarded to `FALLBACK_ADDRESS` when a person must read it. Any failure on the way leaves a
//! `dead_letter` status with the error and forwards the message, so nothing is dropped.
//!
//! Why `message.reply()` first: Email Routing lets a Worker answer the sender of the live
//! message whoever they are, while the `send_email` binding only reaches verified destination
//! addresses (or an allow-list); `reply()` also has Cloudflare check the threading (In-Reply-To
//! must be the customer's Message-ID) and refuse machine mail. When it is refused anyway (the
//! customer's message has In-Reply-To but no References, DMARC failed, …) the same MIME goes
//! through the `EMAIL` binding, and a failure of both forwards the message to a person.

use nudge_inbound::{Classification, Context, Kind};
use nudge_mail::{Email, Limits};
use serde_json::json;
use worker::{D1Database, D1Type, EmailMessage, Env, ForwardableEmailMessage};

use crate::account::{client, Command, InboundCommand};
use crate::config::Config;
use crate::http::error::ApiError;
use crate::inbound::reply::{BuiltReply, Parsed};
use crate::inbound::{acting, threading};
use crate::store::{stmt, ts, P};
use crate::{clock, ids, logging};

/// Stored raw bodies are capped so one huge message cannot fill a D1 row (D1 rows max 2 MB).
const MAX_STORED_RAW: usize = 1_500_000;

/// Receives one message: stores it, then threads, classifies and acts on it.
pub async fn receive(message: ForwardableEmailMessage, env: Env) -> worker::Result<()> {
    let db = env.d1("DB")?;
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

    let stored_raw = (raw.len() <= MAX_STORED_RAW).then_some(raw.as_slice());
    let from = message.from();
    let to = message.to();
    let size = raw.len() as f64;
    let received_at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // If this insert fails the handler fails, and the sending server retries: still nothing lost.
    db.prepare(
        "INSERT INTO inbound_messages (id, received_at, envelope_from, envelope_to, message_id, subject, raw_size, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind_refs([
        &D1Type::Text(&id),
        &D1Type::Text(&received_at),
        &D1Type::Text(&from),
        &D1Type::Text(&to),
        &message_id.as_deref().map_or(D1Type::Null, D1Type::Text),
        &subject.as_deref().map_or(D1Type::Null, D1Type::Text),
        &D1Type::Real(size),
        &stored_raw.map_or(D1Type::Null, D1Type::Blob),
    ])?
    .run()
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
    db: &'a D1Database,
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
    if let Some(first) = duplicate_of(live).await? {
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
        return hand_over(live, None, "oversized", "oversized_forwarded", &summary).await;
    }
    let email = match nudge_mail::parse(raw, &Limits { max_bytes: limit }) {
        Ok(e) => e,
        Err(e) => {
            let summary = format!("Unreadable message from {}: {e}", live.message.from());
            return hand_over(live, None, "unparseable", "unparseable_forwarded", &summary).await;
        }
    };
    let parsed = parsed_facts(&email);
    let threaded = thread(live.db, &live.message.to(), &email).await?;
    let (timezone, locale) = match &threaded {
        Some((account_id, _)) => account_locale(live.db, account_id).await?,
        None => (None, None),
    };
    let ctx = Context {
        now: live.now,
        timezone: timezone
            .or_else(|| live.config.default_timezone.parse().ok())
            .unwrap_or(chrono_tz::Tz::UTC),
        locale: locale.unwrap_or_else(|| live.config.default_locale.clone()),
    };
    let classification = nudge_inbound::classify_email(&email, &ctx);
    let kind = kind_name(classification.kind);
    stmt(
        live.db,
        "UPDATE inbound_messages SET account_id = ?2, matched_by = ?3, kind = ?4, classification = ?5,
             parsed = ?6 WHERE id = ?1",
        &[
            live.id.into(),
            threaded.as_ref().map(|(a, _)| a.as_str()).into(),
            threaded.as_ref().map(|(_, m)| *m).into(),
            kind.into(),
            serde_json::to_string(&for_storage(&classification))
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .into(),
            serde_json::to_string(&parsed)
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .into(),
        ],
    )?
    .run()
    .await?;

    let Some((account_id, matched_by)) = threaded else {
        return unmatched(live, &classification, &parsed).await;
    };
    logging::info(
        "email.threaded",
        json!({"id": live.id, "account_id": account_id, "matched_by": matched_by, "kind": kind,
               "primary_intent": classification.primary_intent}),
    );
    let answer = client::send(
        live.env,
        &account_id,
        Command::Inbound(InboundCommand {
            message_id: live.id.to_string(),
        }),
    )
    .await?;
    if let Some(reply) = answer
        .get("reply")
        .filter(|r| !r.is_null())
        .and_then(|r| serde_json::from_value::<BuiltReply>(r.clone()).ok())
    {
        send_reply(live, &account_id, &reply).await?;
    }
    if answer["forward"].as_bool() == Some(true) {
        let summary = answer["summary"].as_str().unwrap_or("needs a person");
        forward(live, summary).await?;
    }
    Ok(())
}

/// The earlier, already handled copy of this message (same Message-ID and envelope sender).
async fn duplicate_of(live: &Live<'_>) -> Result<Option<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    let row: Option<Row> = stmt(
        live.db,
        "SELECT b.id AS id FROM inbound_messages a JOIN inbound_messages b
             ON b.message_id = a.message_id AND b.envelope_from = a.envelope_from AND b.id != a.id
         WHERE a.id = ?1 AND a.message_id IS NOT NULL AND b.processed_at IS NOT NULL
           AND b.status != 'dead_letter'
         ORDER BY b.received_at LIMIT 1",
        &[live.id.into()],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.id))
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

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Human => "human",
        Kind::AutoReply => "auto_reply",
        Kind::Bounce => "bounce",
    }
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

#[derive(serde::Deserialize)]
struct AccountIdRow {
    account_id: String,
}

/// Threads the message to an account, in the order of issue 5: our Message-IDs in
/// `In-Reply-To`/`References`; an `ar+<token>` recipient; the sender (for a bounce: the failed
/// recipient) as a known contact; the sender's domain when exactly one account has contacts
/// there. Returns the account id and how it was found.
async fn thread(
    db: &D1Database,
    envelope_to: &str,
    email: &Email,
) -> Result<Option<(String, &'static str)>, ApiError> {
    let thread_ids = threading::thread_ids(email);
    if !thread_ids.is_empty() {
        #[derive(serde::Deserialize)]
        struct Row {
            account_id: String,
            message_id: String,
        }
        let placeholders = (1..=thread_ids.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let params: Vec<P> = thread_ids.iter().map(P::from).collect();
        let rows: Vec<Row> = stmt(
            db,
            &format!(
                "SELECT account_id, message_id FROM outbound_messages WHERE message_id IN ({placeholders})"
            ),
            &params,
        )?
        .all()
        .await?
        .results()?;
        // The most specific id (In-Reply-To, then the newest reference) wins.
        if let Some(row) = thread_ids
            .iter()
            .find_map(|id| rows.iter().find(|r| &r.message_id == id))
        {
            return Ok(Some((row.account_id.clone(), "in_reply_to")));
        }
    }
    for token in threading::reply_tokens(envelope_to, Some(email)) {
        let row: Option<AccountIdRow> = stmt(
            db,
            "SELECT id AS account_id FROM accounts WHERE reply_token = ?1",
            &[token.into()],
        )?
        .first(None)
        .await?;
        if let Some(r) = row {
            return Ok(Some((r.account_id, "reply_token")));
        }
    }
    // Whose address to look up: for a bounce the failed recipient (the sender is a mailer
    // daemon); otherwise the sender.
    let (address, how) = match &email.machine {
        Some(nudge_mail::Machine::Bounce(b)) => (b.recipient.clone(), "bounce_recipient"),
        _ => (email.from.as_ref().map(|m| m.email.clone()), "contact"),
    };
    let Some(address) = address.map(|a| a.to_ascii_lowercase()) else {
        return Ok(None);
    };
    let by_contact: Vec<AccountIdRow> = stmt(
        db,
        "SELECT DISTINCT c.account_id AS account_id FROM contacts c JOIN accounts a ON a.id = c.account_id
         WHERE c.email = ?1 AND a.deleted = 0 LIMIT 2",
        &[(&address).into()],
    )?
    .all()
    .await?
    .results()?;
    if let [only] = by_contact.as_slice() {
        return Ok(Some((only.account_id.clone(), how)));
    }
    if !by_contact.is_empty() {
        // The same person at several customers: the domain cannot settle it either.
        return Ok(None);
    }
    let Some(domain) = threading::domain_of(&address) else {
        return Ok(None);
    };
    if threading::is_public_mail_domain(&domain) {
        return Ok(None);
    }
    let by_domain: Vec<AccountIdRow> = stmt(
        db,
        "SELECT DISTINCT c.account_id AS account_id FROM contacts c JOIN accounts a ON a.id = c.account_id
         WHERE substr(c.email, instr(c.email, '@') + 1) = ?1 AND a.deleted = 0 LIMIT 2",
        &[domain.into()],
    )?
    .all()
    .await?
    .results()?;
    Ok(match by_domain.as_slice() {
        [only] => Some((only.account_id.clone(), "domain")),
        _ => None,
    })
}

async fn account_locale(
    db: &D1Database,
    account_id: &str,
) -> Result<(Option<chrono_tz::Tz>, Option<String>), ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        timezone: String,
        locale: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT timezone, locale FROM accounts WHERE id = ?1",
        &[account_id.into()],
    )?
    .first(None)
    .await?;
    Ok(match row {
        Some(r) => (r.timezone.parse().ok(), Some(r.locale)),
        None => (None, None),
    })
}

/// No account found: an auto-reply is only kept; anything else becomes a task and is forwarded.
async fn unmatched(
    live: &Live<'_>,
    classification: &Classification,
    parsed: &Parsed,
) -> Result<(), ApiError> {
    let sender = parsed
        .from
        .clone()
        .unwrap_or_else(|| live.message.from().to_ascii_lowercase());
    let summary = format!("Unmatched: {}", acting::summary(classification, &sender));
    if classification.kind == Kind::AutoReply {
        finish(live, "processed", "auto_reply_unmatched_ignored", &summary).await?;
        return Ok(());
    }
    hand_over(
        live,
        None,
        "unmatched_email",
        "forwarded_unmatched",
        &summary,
    )
    .await
}

/// A task for a person, the message forwarded to the fallback address, status `needs_human`.
async fn hand_over(
    live: &Live<'_>,
    account_id: Option<&str>,
    task_kind: &str,
    action: &str,
    summary: &str,
) -> Result<(), ApiError> {
    let now = live.now;
    stmt(
        live.db,
        "INSERT INTO tasks (id, account_id, kind, status, summary, context, created_at)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6)",
        &[
            ids::new_id("task", now).into(),
            account_id.into(),
            task_kind.into(),
            summary.into(),
            json!({"inbound_message_id": live.id, "envelope_from": live.message.from()})
                .to_string()
                .into(),
            ts(now).into(),
        ],
    )?
    .run()
    .await?;
    finish(live, "needs_human", action, summary).await?;
    forward(live, summary).await
}

async fn finish(
    live: &Live<'_>,
    status: &str,
    action: &str,
    summary: &str,
) -> Result<(), ApiError> {
    stmt(
        live.db,
        "UPDATE inbound_messages SET status = ?2, action = ?3, summary = ?4, processed_at = ?5
         WHERE id = ?1",
        &[
            live.id.into(),
            status.into(),
            action.into(),
            summary.into(),
            ts(live.now).into(),
        ],
    )?
    .run()
    .await?;
    logging::info(
        "email.processed",
        json!({"id": live.id, "status": status, "action": action}),
    );
    Ok(())
}

/// One header-safe line: printable ASCII only (Email Routing refuses other header values).
fn header_line(s: &str) -> String {
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

/// Forwards the live message to `FALLBACK_ADDRESS` with `X-Nudge-Summary`.
async fn forward(live: &Live<'_>, summary: &str) -> Result<(), ApiError> {
    let to = live.config.fallback_address.as_str();
    let headers = worker::Headers::new();
    headers.set("X-Nudge-Summary", &header_line(summary))?;
    headers.set("X-Nudge-Message", live.id)?;
    live.message
        .forward_with_headers(to, &headers.0)
        .await
        .map_err(|e| ApiError::Internal(format!("forward to {to}: {}", js_error(&e))))?;
    logging::info("email.forwarded", json!({"id": live.id, "to": to}));
    Ok(())
}

fn js_error(e: &worker::js_sys::Error) -> String {
    String::from(e.message())
}

/// Sends the reply: `message.reply()` first (threaded on the live message, any recipient);
/// when the runtime refuses it (e.g. the customer's message has In-Reply-To but no
/// References), through the `EMAIL` binding. Records the outcome on the outbound row.
async fn send_reply(live: &Live<'_>, account_id: &str, r: &BuiltReply) -> Result<(), ApiError> {
    // `reply()` goes back to the envelope sender (Email Routing checks it); the MIME `To` is
    // the `From` header's address, which the `EMAIL` fallback uses as its envelope recipient.
    let via_reply = match EmailMessage::new(&r.from, &live.message.from(), &r.raw) {
        Ok(m) => live.message.reply(&m).await.map_err(|e| js_error(&e)),
        Err(e) => Err(js_error(&e)),
    };
    let outcome =
        match via_reply {
            Ok(_) => Ok("reply"),
            Err(reply_err) => {
                logging::info(
                    "email.reply_refused",
                    json!({"id": live.id, "error": reply_err}),
                );
                match live.env.send_email("EMAIL") {
                    Ok(binding) => match EmailMessage::new(&r.from, &r.to, &r.raw) {
                        Ok(m) => binding.send(&m).await.map(|_| "send_email").map_err(|e| {
                            format!("reply: {reply_err}; send_email: {}", js_error(&e))
                        }),
                        Err(e) => Err(js_error(&e)),
                    },
                    Err(e) => Err(format!("reply: {reply_err}; no EMAIL binding: {e}")),
                }
            }
        };
    let now = live.now;
    let (status, error) = match &outcome {
        Ok(_) => ("sent", None),
        Err(e) => ("failed", Some(e.clone())),
    };
    stmt(
        live.db,
        "UPDATE outbound_messages SET status = ?3, attempts = attempts + 1, sent_at = ?4, last_error = ?5
         WHERE account_id = ?1 AND step_key = ?2",
        &[
            account_id.into(),
            (&r.step_key).into(),
            status.into(),
            outcome.as_ref().ok().map(|_| ts(now)).into(),
            error.clone().into(),
        ],
    )?
    .run()
    .await?;
    match outcome {
        Ok(via) => {
            logging::info(
                "email.replied",
                json!({"id": live.id, "account_id": account_id, "kind": r.kind, "via": via,
                       "message_id": r.message_id}),
            );
            Ok(())
        }
        Err(e) => {
            logging::error(
                "email.reply_failed",
                json!({"id": live.id, "account_id": account_id, "error": e}),
            );
            // The customer is still owed an answer: a person takes over.
            forward(live, &format!("Automatic reply failed ({})", r.kind)).await
        }
    }
}

/// Processing failed: keep the message as `dead_letter` with the error and forward it.
async fn dead_letter(live: &Live<'_>, error: &str) {
    logging::error("email.dead_letter", json!({"id": live.id, "error": error}));
    let stored = async {
        stmt(
            live.db,
            "UPDATE inbound_messages SET status = 'dead_letter', action = 'forwarded_dead_letter',
                 error = ?2, processed_at = ?3 WHERE id = ?1",
            &[live.id.into(), error.into(), ts(live.now).into()],
        )?
        .run()
        .await?;
        Ok::<(), worker::Error>(())
    }
    .await;
    if let Err(e) = stored {
        logging::error(
            "email.dead_letter_store_failed",
            json!({"id": live.id, "error": e.to_string()}),
        );
    }
    if let Err(e) = forward(
        live,
        &format!("Nudge could not process this message: {error}"),
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
    fn forward_summaries_are_one_printable_ascii_line() {
        let s = header_line("dispute (0.91) from a@b.example:\r\n\"Prix erroné — 12 €\"\tX");
        assert_eq!(s, "dispute (0.91) from a@b.example: \"Prix erron 12 \" X");
        assert_eq!(header_line(&"x".repeat(500)).len(), 200);
    }

    #[test]
    fn stored_classifications_cap_the_new_text_on_a_char_boundary() {
        let ctx = Context {
            now: chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap_or_default(),
            timezone: chrono_tz::Tz::UTC,
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
