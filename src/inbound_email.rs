//! The `email` entry point: Email Routing hands us each message sent to the inbound address.
//! Every message is stored first, so that nothing accepted is ever lost, then processed.

use serde_json::json;
use worker::{D1Type, Env, ForwardableEmailMessage};

use crate::{clock, ids, logging};

/// Stored raw bodies are capped so one huge message cannot fill a D1 row (D1 rows max 2 MB).
const MAX_STORED_RAW: usize = 1_500_000;

/// Receives one message: stores it, then (in later stages) threads and classifies it.
pub async fn receive(message: ForwardableEmailMessage, env: Env) -> worker::Result<()> {
    let now = clock::wall();
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

    let db = env.d1("DB")?;
    let stored_raw = (raw.len() <= MAX_STORED_RAW).then_some(raw.as_slice());
    let from = message.from();
    let to = message.to();
    let size = raw.len() as f64;
    let received_at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
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
    Ok(())
}
