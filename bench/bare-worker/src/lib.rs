//! The bare side of the side-by-side benchmark (`scripts/bench/side_by_side.py`, issue 9): a
//! minimal workers-rs worker doing the I/O that Nudge's Stripe webhook path is built around, and
//! nothing else, so the ratio of the two shows what Nudge's own work costs.
//!
//! `POST /webhook`: read the body, verify a Stripe-style `Stripe-Signature` (`t=` + `v1=`
//! HMAC-SHA256 of `"{t}.{body}"`, 300 s tolerance, with the same RustCrypto crates as
//! nudge-billing), parse the event JSON, send ONE request to the Durable Object named by the
//! event's customer, which writes ONE D1 batch (the event's idempotency row and an upsert of the
//! customer's row), and answer 200. `GET /healthz` answers 200 (readiness for the script).
//!
//! Errors answer 4xx/5xx with a JSON `{"error"}`; nothing on a request path panics.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;
use worker::wasm_bindgen::JsValue;
use worker::{
    durable_object, event, wasm_bindgen, Context, Date, DurableObject, Env, Method, Request,
    RequestInit, Response, State,
};

/// How far the signed timestamp may be from now, as Stripe's libraries (and Nudge) allow.
const TOLERANCE_SECS: i64 = 300;

/// Why a delivery is refused or failed; each maps to one status.
#[derive(Debug)]
enum Failure {
    BadRequest(String),
    Internal(String),
}

impl From<worker::Error> for Failure {
    fn from(e: worker::Error) -> Self {
        Failure::Internal(e.to_string())
    }
}

/// A JSON response; building one from a static header and a byte body cannot fail.
fn json_response(body: &serde_json::Value, status: u16) -> Response {
    let headers = worker::Headers::new();
    let _ = headers.set("content-type", "application/json");
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body.to_string().into_bytes())
}

fn failure_response(failure: Failure) -> Response {
    match failure {
        Failure::BadRequest(m) => json_response(&json!({ "error": m }), 400),
        Failure::Internal(m) => json_response(&json!({ "error": m }), 500),
    }
}

/// Checks a `Stripe-Signature` header against `secret` at `now` (Unix seconds). Any one `v1`
/// that matches is enough (Stripe sends several during a secret rotation).
fn verify_signature(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), String> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", sig)) => signatures.push(sig),
            Some(_) => {}
            None => return Err("malformed signature header".into()),
        }
    }
    let t = timestamp.ok_or("no timestamp")?;
    let seconds: i64 = t.parse().map_err(|_| "bad timestamp")?;
    let matches = |sig: &&str| {
        let Ok(expected) = hex::decode(sig) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(t.as_bytes());
        mac.update(b".");
        mac.update(body);
        // Constant-time comparison.
        mac.verify_slice(&expected).is_ok()
    };
    if !signatures.iter().any(matches) {
        return Err("signature mismatch".into());
    }
    if (now - seconds).abs() > TOLERANCE_SECS {
        return Err("timestamp outside the tolerance".into());
    }
    Ok(())
}

/// The fields of a Stripe event this worker needs; serde still reads the whole body.
#[derive(Deserialize)]
struct StripeEvent {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    data: StripeData,
}

#[derive(Deserialize)]
struct StripeData {
    object: StripeObject,
}

#[derive(Deserialize)]
struct StripeObject {
    id: String,
    customer: Option<String>,
}

/// What the worker sends to a customer's object.
#[derive(Serialize, Deserialize)]
struct Command {
    event_id: String,
    event_type: String,
    customer: String,
    object_id: String,
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let route = (req.method(), req.path());
    Ok(match route {
        (Method::Get, p) if p == "/healthz" => json_response(&json!({ "ok": true }), 200),
        (Method::Post, p) if p == "/webhook" => match webhook(req, &env).await {
            Ok(resp) => resp,
            Err(f) => failure_response(f),
        },
        _ => json_response(&json!({ "error": "not found" }), 404),
    })
}

async fn webhook(mut req: Request, env: &Env) -> Result<Response, Failure> {
    let body = req
        .bytes()
        .await
        .map_err(|e| Failure::BadRequest(format!("unreadable body: {e}")))?;
    let header = req
        .headers()
        .get("stripe-signature")
        .ok()
        .flatten()
        .unwrap_or_default();
    let secret = env
        .secret("STRIPE_WEBHOOK_SECRET")
        .map(|s| s.to_string())
        .map_err(|_| Failure::Internal("STRIPE_WEBHOOK_SECRET is not set".into()))?;
    let now = (Date::now().as_millis() / 1000) as i64;
    verify_signature(&header, &body, &secret, now)
        .map_err(|e| Failure::BadRequest(format!("invalid signature: {e}")))?;
    let event: StripeEvent = serde_json::from_slice(&body)
        .map_err(|e| Failure::BadRequest(format!("invalid event: {e}")))?;
    let customer = event
        .data
        .object
        .customer
        .ok_or_else(|| Failure::BadRequest("event has no customer".into()))?;
    let command = Command {
        event_id: event.id,
        event_type: event.event_type,
        customer,
        object_id: event.data.object.id,
    };
    let stub = env
        .durable_object("ACCOUNT")?
        .id_from_name(&command.customer)?
        .get_stub()?;
    let payload = serde_json::to_string(&command)
        .map_err(|e| Failure::Internal(format!("encode command: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(payload.into()));
    // Durable Object fetches need an absolute URL; the host is never resolved.
    let inner = Request::new_with_init("https://account.bare/command", &init)?;
    let mut answer = stub.fetch_with_request(inner).await?;
    let status = answer.status_code();
    let text = answer.text().await.unwrap_or_default();
    if status != 200 {
        return Err(Failure::Internal(format!(
            "object answered {status}: {text}"
        )));
    }
    Ok(json_response(
        &json!({ "received": true, "event_id": command.event_id, "account": command.customer }),
        200,
    ))
}

/// One object per customer (SQLite-backed class, like Nudge's `AccountObject`).
#[durable_object]
pub struct BareAccount {
    env: Env,
}

impl DurableObject for BareAccount {
    fn new(_state: State, env: Env) -> Self {
        Self { env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let command: Command = match req.json().await {
            Ok(c) => c,
            Err(e) => {
                return Ok(failure_response(Failure::BadRequest(format!(
                    "bad command: {e}"
                ))))
            }
        };
        Ok(match record(&self.env, &command).await {
            Ok(()) => json_response(&json!({ "ok": true }), 200),
            Err(e) => failure_response(Failure::Internal(format!("D1 batch failed: {e}"))),
        })
    }
}

/// The one D1 batch per event: the idempotency row (a repeat changes nothing) and the customer's
/// row, in one round trip and one transaction.
async fn record(env: &Env, c: &Command) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let now = JsValue::from_f64(Date::now().as_millis() as f64);
    let text = |s: &str| JsValue::from_str(s);
    let insert = db
        .prepare(
            "INSERT INTO events (event_id, customer_id, type, received_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&[
            text(&c.event_id),
            text(&c.customer),
            text(&c.event_type),
            now.clone(),
        ])?;
    let upsert = db
        .prepare(
            "INSERT INTO customers (id, last_event_id, last_object, events, updated_at)
             VALUES (?1, ?2, ?3, 1, ?4)
             ON CONFLICT (id) DO UPDATE SET last_event_id = excluded.last_event_id,
               last_object = excluded.last_object, events = events + 1,
               updated_at = excluded.updated_at",
        )
        .bind(&[
            text(&c.customer),
            text(&c.event_id),
            text(&c.object_id),
            now,
        ])?;
    db.batch(vec![insert, upsert]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key size");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn accepts_a_valid_signature_and_refuses_the_rest() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign("whsec_x", 1_000, body);
        assert_eq!(verify_signature(&header, body, "whsec_x", 1_100), Ok(()));
        assert!(verify_signature(&header, body, "whsec_y", 1_100).is_err());
        assert!(verify_signature(&header, b"{}", "whsec_x", 1_100).is_err());
        assert!(verify_signature(&header, body, "whsec_x", 1_400).is_err());
        assert!(verify_signature("garbage", body, "whsec_x", 1_000).is_err());
        assert!(verify_signature("t=1000,v1=zz", body, "whsec_x", 1_000).is_err());
    }
}
