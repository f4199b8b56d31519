//! Inbound mail API (issue 5):
//! - `GET /api/inbound?limit=&status=&account_id=` — the most recent inbound messages and what
//!   became of them;
//! - `GET /api/inbound/{id}` — one message: classification, threading facts, action, the reply
//!   sent and the tasks/approvals it created;
//! - `POST /api/classify?now=&locale=&timezone=` — the Classification JSON of a raw message, no
//!   side effects (the same JSON as `nudge classify FILE.eml`);
//! - test-only, when `TEST_CLOCKS` is on: `POST /api/test/seed` (write an `AccountBook`) and
//!   `GET /api/test/book/{account_id}` (read it back), until the ledger routes land.

use chrono::{DateTime, Utc};
use nudge_inbound::{classify, Context};
use serde_json::{json, Value};
use worker::{Env, Method, Request};

use crate::config::Config;
use crate::http::error::ApiError;
use crate::store::{self, stmt};

/// Dispatches the inbound routes.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method, segments) {
        (Method::Get, ["inbound"]) => list(&req, env).await.map(|v| (200, v)),
        (Method::Get, ["inbound", id]) => get(env, id).await.map(|v| (200, v)),
        (Method::Post, ["classify"]) => classify_route(req).await.map(|v| (200, v)),
        (Method::Get, ["test", "book", id]) if config.test_clocks => {
            book(env, id).await.map(|v| (200, v))
        }
        (m, _) => Err(crate::http::not_found(&m, &req.path())),
    }
}

#[derive(serde::Deserialize)]
struct Row {
    id: String,
    received_at: String,
    envelope_from: String,
    envelope_to: String,
    message_id: Option<String>,
    subject: Option<String>,
    raw_size: i64,
    account_id: Option<String>,
    kind: Option<String>,
    classification: Option<String>,
    matched_by: Option<String>,
    action: Option<String>,
    summary: Option<String>,
    status: String,
    error: Option<String>,
    processed_at: Option<String>,
    parsed: Option<String>,
}

const COLUMNS: &str = "id, received_at, envelope_from, envelope_to, message_id, subject, raw_size,
    account_id, kind, classification, matched_by, action, summary, status, error, processed_at, parsed";

fn parse_json(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// A message as JSON. The list (`detail == false`) leaves out the customer's words
/// (`classification.new_text`) and the threading facts, which the detail view has.
fn to_json(r: &Row, detail: bool) -> Value {
    let mut classification = parse_json(r.classification.as_deref());
    if !detail {
        if let Some(c) = classification.as_object_mut() {
            c.remove("new_text");
        }
    }
    let mut v = json!({
        "id": r.id, "received_at": r.received_at, "envelope_from": r.envelope_from,
        "envelope_to": r.envelope_to, "message_id": r.message_id, "subject": r.subject,
        "raw_size": r.raw_size, "account_id": r.account_id, "matched_by": r.matched_by,
        "kind": r.kind, "classification": classification,
        "action": r.action, "summary": r.summary, "status": r.status, "error": r.error,
        "processed_at": r.processed_at,
    });
    if detail {
        v["parsed"] = parse_json(r.parsed.as_deref());
    }
    v
}

/// The statuses a message can end in (and `received` while it is being processed).
const STATUSES: &[&str] = &["received", "processed", "needs_human", "dead_letter"];

/// Newest first; `?limit=` caps the page, `?status=` and `?account_id=` filter it.
async fn list(req: &Request, env: &Env) -> Result<Value, ApiError> {
    let limit = super::limit(req)?;
    let url = req.url()?;
    let query = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let status = query("status");
    if let Some(s) = &status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(ApiError::BadRequest(format!(
                "status: must be one of {}",
                STATUSES.join(", ")
            )));
        }
    }
    let account_id = query("account_id");
    let rows: Vec<Row> = stmt(
        &env.d1("DB")?,
        &format!(
            "SELECT {COLUMNS} FROM inbound_messages
             WHERE (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR account_id = ?3)
             ORDER BY received_at DESC, id DESC LIMIT ?1"
        ),
        &[i64::from(limit).into(), status.into(), account_id.into()],
    )?
    .all()
    .await?
    .results()?;
    Ok(json!({ "messages": rows.iter().map(|r| to_json(r, false)).collect::<Vec<_>>() }))
}

/// One message with its reply, tasks and approvals.
async fn get(env: &Env, id: &str) -> Result<Value, ApiError> {
    let db = env.d1("DB")?;
    let row: Row = stmt(
        &db,
        &format!("SELECT {COLUMNS} FROM inbound_messages WHERE id = ?1"),
        &[id.into()],
    )?
    .first(None)
    .await?
    .ok_or_else(|| ApiError::NotFound {
        method: "GET".into(),
        path: format!("/api/inbound/{id}"),
    })?;
    let step_key = crate::inbound::reply::step_key(id);
    let mut results = crate::store::batch(
        &db,
        vec![
            stmt(
                &db,
                "SELECT id, account_id, message_id, kind, to_addr, subject, status, attempts,
                        last_error, created_at, sent_at
                 FROM outbound_messages WHERE step_key = ?1",
                &[step_key.into()],
            )?,
            stmt(
                &db,
                "SELECT id, account_id, kind, status, summary, created_at FROM tasks
                 WHERE json_extract(context, '$.inbound_message_id') = ?1 ORDER BY created_at, id",
                &[id.into()],
            )?,
            stmt(
                &db,
                "SELECT id, account_id, kind, status, summary, created_at FROM approvals
                 WHERE step_key = ?1",
                &[format!("inbound:{id}").into()],
            )?,
        ],
    )
    .await?;
    let mut next = || -> Result<Vec<Value>, ApiError> { Ok(results.next()?.results::<Value>()?) };
    let mut v = to_json(&row, true);
    v["replies"] = Value::Array(next()?);
    v["tasks"] = Value::Array(next()?);
    v["approvals"] = Value::Array(next()?);
    Ok(v)
}

/// `POST /api/classify`: the raw message in the body; `now` defaults to the message's `Date`,
/// then the clock; `locale` to `en-US` and `timezone` to `UTC` (as the CLI).
async fn classify_route(mut req: Request) -> Result<Value, ApiError> {
    let url = req.url()?;
    let mut now: Option<DateTime<Utc>> = None;
    let mut locale = "en-US".to_string();
    let mut timezone = chrono_tz::Tz::UTC;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "now" => {
                let t = DateTime::parse_from_rfc3339(&v).map_err(|e| {
                    ApiError::BadRequest(format!("now: `{v}` is not an RFC 3339 time ({e})"))
                })?;
                now = Some(t.with_timezone(&Utc));
            }
            "locale" => {
                let ok = !v.is_empty()
                    && v.len() <= 35
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !ok {
                    return Err(ApiError::BadRequest(format!(
                        "locale: `{v}` is not a BCP 47 language tag"
                    )));
                }
                locale = v.into_owned();
            }
            "timezone" => {
                timezone = v.parse().map_err(|_| {
                    ApiError::BadRequest(format!("timezone: `{v}` is not an IANA timezone"))
                })?;
            }
            _ => {}
        }
    }
    let raw = req.bytes().await?;
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(
            "body: empty; send the raw RFC 5322 message".into(),
        ));
    }
    let now = match now {
        Some(n) => n,
        None => nudge_mail::parse(&raw, &nudge_mail::Limits::default())
            .ok()
            .and_then(|e| e.date)
            .unwrap_or_else(crate::clock::wall),
    };
    let ctx = Context {
        now,
        timezone,
        locale,
    };
    let c = classify(&raw, &ctx).map_err(|e| ApiError::BadRequest(format!("body: {e}")))?;
    serde_json::to_value(&c).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Test-only: the account as `GET /api/accounts/{id}` (ledger branch) shows the fields these
/// tests read, plus `out_of_office_until`.
async fn book(env: &Env, id: &str) -> Result<Value, ApiError> {
    #[derive(serde::Deserialize)]
    struct Extras {
        reply_token: String,
        out_of_office_until: Option<String>,
    }
    let db = env.d1("DB")?;
    let book = store::book::load(&db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            method: "GET".into(),
            path: format!("/api/test/book/{id}"),
        })?;
    let extras: Option<Extras> = stmt(
        &db,
        "SELECT reply_token, out_of_office_until FROM accounts WHERE id = ?1",
        &[id.into()],
    )?
    .first(None)
    .await?;
    Ok(json!({
        "account": book.account, "deleted": book.deleted,
        "reply_token": extras.as_ref().map(|e| e.reply_token.clone()),
        "out_of_office_until": extras.and_then(|e| e.out_of_office_until),
        "contacts": book.contacts, "invoices": book.invoices, "payments": book.payments,
        "promises": book.promises, "disputes": book.disputes,
    }))
}
