//! Sweeps and acting API (issue 6):
//! - `GET /api/sweeps` recent sweep runs; `GET /api/sweeps/accounts/{id}` one account's escalation
//!   state, last decision and alarm (from its Durable Object);
//! - `PUT /api/sweeps/accounts/{id}/policy` = `PUT /api/accounts/{id}/policy` until routed;
//! - `POST /api/sweep` `{"as_of"?, "account_id"?, "max_accounts"?}` runs a sweep now (`as_of`
//!   only with `TEST_CLOCKS` on: it sets the test clock and sweeps as of that time);
//! - `GET|POST /api/clock` the test clock (`TEST_CLOCKS` only for POST);
//! - `GET /api/approvals?status=&account_id=`, `GET /api/approvals/{id}`,
//!   `POST /api/approvals/{id}/approve|reject` `{"note"?, "by"?}`;
//! - `GET /api/tasks?status=&account_id=`, `POST /api/tasks/{id}/done`;
//! - `GET /api/outbound?account_id=&status=` (messages, and counts by status);
//! - `POST /api/sweeps/seed` (`TEST_CLOCKS` only): store account books directly, for tests and
//!   benchmarks.

use chrono::{DateTime, Utc};
use nudge_core::ledger::{Account, AccountBook};
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{Env, Method, Request};

use crate::account::{client, Command};
use crate::clock;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::outbound::send::{send_with_retry, QUICK_ATTEMPTS};
use crate::store::{self, settings, stmt, ts, P};
use crate::sweep::{self, SweepRequest};

/// Dispatches the sweep routes.
pub async fn route(
    method: Method,
    segments: &[&str],
    mut req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method, segments) {
        (Method::Get, ["sweeps"]) => list(env).await.map(|v| (200, v)),
        (Method::Get, ["sweeps", "accounts", id]) => client::send(env, id, Command::State)
            .await
            .map(|v| (200, v)),
        (Method::Post, ["sweep"]) => run(&mut req, env, config).await.map(|v| (200, v)),
        (Method::Get, ["clock"]) => get_clock(env, config).await.map(|v| (200, v)),
        (Method::Post, ["clock"]) => set_clock(&mut req, env, config).await.map(|v| (200, v)),
        (Method::Get, ["approvals"]) => list_approvals(&req, env).await.map(|v| (200, v)),
        (Method::Get, ["approvals", id]) => get_approval(id, env).await.map(|v| (200, v)),
        (Method::Post, ["approvals", id, "approve"]) => decide(id, true, &mut req, env, config)
            .await
            .map(|v| (200, v)),
        (Method::Post, ["approvals", id, "reject"]) => decide(id, false, &mut req, env, config)
            .await
            .map(|v| (200, v)),
        (Method::Get, ["tasks"]) => list_tasks(&req, env).await.map(|v| (200, v)),
        (Method::Post, ["tasks", id, "done"]) => {
            task_done(id, &mut req, env, config).await.map(|v| (200, v))
        }
        (Method::Get, ["outbound"]) => list_outbound(&req, env).await.map(|v| (200, v)),
        (Method::Post, ["sweeps", "seed"]) => seed(&mut req, env, config).await.map(|v| (200, v)),
        (m, _) => Err(crate::http::not_found(&m, &req.path())),
    }
}

/// The JSON body, or `default` when the body is empty.
async fn body<T: for<'de> Deserialize<'de> + Default>(req: &mut Request) -> Result<T, ApiError> {
    let text = req.text().await.unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(&text).map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
}

/// A query parameter.
fn query(req: &Request, name: &str) -> Result<Option<String>, ApiError> {
    let url = req.url()?;
    Ok(url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned()))
}

fn parse_time(field: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::BadRequest(format!("{field}: must be an RFC 3339 time")))
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Row {
    id: String,
    trigger: String,
    as_of: String,
    started_at: String,
    finished_at: Option<String>,
    accounts_due: i64,
    accounts_done: i64,
    errors: i64,
}

/// The 50 most recent sweeps, newest first.
async fn list(env: &Env) -> Result<Value, ApiError> {
    let rows: Vec<Row> = env
        .d1("DB")?
        .prepare(
            "SELECT id, trigger, as_of, started_at, finished_at, accounts_due, accounts_done, errors
             FROM sweep_runs ORDER BY started_at DESC, id DESC LIMIT 50",
        )
        .all()
        .await?
        .results()?;
    Ok(json!({ "sweeps": rows }))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepBody {
    as_of: Option<String>,
    account_id: Option<String>,
    max_accounts: Option<usize>,
}

/// Runs a sweep now (or as of the given time, with test clocks) and returns its figures.
async fn run(req: &mut Request, env: &Env, config: &Config) -> Result<Value, ApiError> {
    let b: SweepBody = body(req).await?;
    let as_of = match b.as_of.as_deref() {
        None => None,
        Some(_) if !config.test_clocks => {
            return Err(ApiError::BadRequest(
                "as_of: only accepted when TEST_CLOCKS is on".into(),
            ))
        }
        Some(v) => Some(parse_time("as_of", v)?),
    };
    if b.max_accounts == Some(0) {
        return Err(ApiError::BadRequest(
            "max_accounts: must be at least 1".into(),
        ));
    }
    if let Some(t) = as_of {
        let db = env.d1("DB")?;
        settings::put(&db, clock::TEST_CLOCK_KEY, &ts(t), clock::wall()).await?;
    }
    sweep::run(
        env,
        SweepRequest {
            trigger: "api".into(),
            as_of,
            max_accounts: b.max_accounts,
            account_id: b.account_id,
        },
    )
    .await
}

async fn get_clock(env: &Env, config: &Config) -> Result<Value, ApiError> {
    let db = env.d1("DB")?;
    let test_clock = if config.test_clocks {
        settings::get(&db, clock::TEST_CLOCK_KEY).await?
    } else {
        None
    };
    Ok(json!({
        "now": ts(clock::now(&db, config).await),
        "wall": ts(clock::wall()),
        "test_clocks": config.test_clocks,
        "test_clock": test_clock,
    }))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    now: Option<String>,
}

/// Sets the test clock (`{"now": null}` clears it).
async fn set_clock(req: &mut Request, env: &Env, config: &Config) -> Result<Value, ApiError> {
    if !config.test_clocks {
        return Err(ApiError::BadRequest(
            "the test clock needs TEST_CLOCKS on".into(),
        ));
    }
    let b: ClockBody = body(req).await?;
    let db = env.d1("DB")?;
    match b.now.as_deref() {
        Some(v) => {
            let t = parse_time("now", v)?;
            settings::put(&db, clock::TEST_CLOCK_KEY, &ts(t), clock::wall()).await?;
        }
        None => {
            stmt(
                &db,
                "DELETE FROM settings WHERE key = ?1",
                &[clock::TEST_CLOCK_KEY.into()],
            )?
            .run()
            .await?;
        }
    }
    get_clock(env, config).await
}

#[derive(Deserialize, serde::Serialize)]
struct ApprovalRow {
    id: String,
    account_id: String,
    kind: String,
    status: String,
    step_key: String,
    summary: String,
    payload: String,
    created_at: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    note: Option<String>,
}

impl ApprovalRow {
    /// The row as JSON, payload parsed; the raw message only when `with_raw`.
    fn to_json(&self, with_raw: bool) -> Value {
        let mut payload: Value = serde_json::from_str(&self.payload).unwrap_or(Value::Null);
        if !with_raw {
            if let Some(map) = payload.as_object_mut() {
                map.remove("raw");
            }
        }
        json!({
            "id": self.id, "account_id": self.account_id, "kind": self.kind,
            "status": self.status, "step_key": self.step_key, "summary": self.summary,
            "payload": payload, "created_at": self.created_at, "decided_at": self.decided_at,
            "decided_by": self.decided_by, "note": self.note,
        })
    }
}

const APPROVAL_COLUMNS: &str = "id, account_id, kind, status, step_key, summary, payload, \
     created_at, decided_at, decided_by, note";

async fn list_approvals(req: &Request, env: &Env) -> Result<Value, ApiError> {
    let status = query(req, "status")?;
    if let Some(s) = status.as_deref() {
        if !matches!(s, "pending" | "approved" | "rejected") {
            return Err(ApiError::BadRequest(
                "status: must be pending, approved or rejected".into(),
            ));
        }
    }
    let account = query(req, "account_id")?;
    let limit = super::limit(req)?;
    let rows: Vec<ApprovalRow> = stmt(
        &env.d1("DB")?,
        &format!(
            "SELECT {APPROVAL_COLUMNS} FROM approvals
             WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR account_id = ?2)
             ORDER BY created_at, id LIMIT ?3"
        ),
        &[status.into(), account.into(), i64::from(limit).into()],
    )?
    .all()
    .await?
    .results()?;
    let list: Vec<Value> = rows.iter().map(|r| r.to_json(false)).collect();
    Ok(json!({ "approvals": list }))
}

async fn load_approval(db: &worker::D1Database, id: &str) -> Result<ApprovalRow, ApiError> {
    let row: Option<ApprovalRow> = stmt(
        db,
        &format!("SELECT {APPROVAL_COLUMNS} FROM approvals WHERE id = ?1"),
        &[id.into()],
    )?
    .first(None)
    .await?;
    row.ok_or_else(|| ApiError::NotFound {
        method: "GET".into(),
        path: format!("/api/approvals/{id}"),
    })
}

async fn get_approval(id: &str, env: &Env) -> Result<Value, ApiError> {
    let db = env.d1("DB")?;
    Ok(load_approval(&db, id).await?.to_json(true))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    note: Option<String>,
    by: Option<String>,
}

/// Approves or rejects a pending approval, once: the status moves from `pending` in one
/// conditional UPDATE, and only the request that moved it acts. An approved draft is sent now
/// (and returns to `pending` if sending fails); an approved escalation becomes a task for the
/// person who carries it out.
async fn decide(
    id: &str,
    approve: bool,
    req: &mut Request,
    env: &Env,
    config: &Config,
) -> Result<Value, ApiError> {
    let b: DecideBody = body(req).await?;
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if !approve && note.is_none() {
        return Err(ApiError::BadRequest(
            "note: a rejection needs a note saying why".into(),
        ));
    }
    let by = b.by.unwrap_or_else(|| "operator".into());
    let db = env.d1("DB")?;
    let row = load_approval(&db, id).await?;
    if row.status != "pending" {
        return Err(ApiError::Conflict(format!(
            "approval {id} is already {}",
            row.status
        )));
    }
    let now = clock::now(&db, config).await;
    let status = if approve { "approved" } else { "rejected" };
    let claimed = stmt(
        &db,
        "UPDATE approvals SET status = ?2, decided_at = ?3, decided_by = ?4, note = ?5
         WHERE id = ?1 AND status = 'pending'",
        &[
            id.into(),
            status.into(),
            P::Text(ts(now)),
            by.as_str().into(),
            note.clone().into(),
        ],
    )?
    .run()
    .await?
    .meta()?
    .and_then(|m| m.changes)
    .unwrap_or(0);
    if claimed != 1 {
        return Err(ApiError::Conflict(format!(
            "approval {id} was decided by another request"
        )));
    }
    let payload: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
    let mut result = json!({"id": id, "status": status, "kind": row.kind});
    if row.kind != "draft_email" {
        // The decision steers the policy's review stage: evaluate the account at the next sweep.
        stmt(
            &db,
            "UPDATE accounts SET next_action_at = NULL WHERE id = ?1",
            &[row.account_id.as_str().into()],
        )?
        .run()
        .await?;
    }

    if row.kind == "draft_email" {
        if !approve {
            stmt(
                &db,
                "UPDATE outbound_messages SET status = 'rejected'
                 WHERE account_id = ?1 AND step_key = ?2 AND status = 'draft'",
                &[row.account_id.as_str().into(), row.step_key.as_str().into()],
            )?
            .run()
            .await?;
            return Ok(result);
        }
        let to = payload["to"].as_str().unwrap_or_default();
        let raw = payload["raw"].as_str().unwrap_or_default();
        let out = send_with_retry(env, &config.from_address, to, raw, QUICK_ATTEMPTS).await;
        let row_status = if out.sent { "sent" } else { "failed" };
        stmt(
            &db,
            "UPDATE outbound_messages SET status = ?3, attempts = attempts + ?4, last_error = ?5,
                 sent_at = CASE WHEN ?3 = 'sent' THEN ?6 ELSE sent_at END
             WHERE account_id = ?1 AND step_key = ?2",
            &[
                row.account_id.as_str().into(),
                row.step_key.as_str().into(),
                row_status.into(),
                i64::from(out.attempts).into(),
                out.last_error.clone().into(),
                P::Text(ts(now)),
            ],
        )?
        .run()
        .await?;
        if !out.sent {
            // Nothing went out: the draft waits again for the next approval.
            stmt(
                &db,
                "UPDATE approvals SET status = 'pending', decided_at = NULL, decided_by = NULL
                 WHERE id = ?1",
                &[id.into()],
            )?
            .run()
            .await?;
            return Err(ApiError::Internal(format!(
                "sending the approved draft failed ({}); it is pending again",
                out.last_error.unwrap_or_default()
            )));
        }
        crate::logging::info(
            "outbound.sent",
            json!({"account_id": row.account_id, "step_key": row.step_key,
                   "approval_id": id, "message_id": payload["message_id"]}),
        );
        result["sent"] = json!(true);
        return Ok(result);
    }

    if approve {
        // A final escalation is carried out by a person: they get the task.
        let assignee = payload["assignee"].as_str();
        let summary = format!(
            "Carry out the approved {}: {}",
            row.kind.replace('_', " "),
            row.summary
        );
        let step = format!("approved:{}", row.step_key);
        let context = json!({"approval_id": id, "payload": payload, "note": note}).to_string();
        crate::account::act::insert_task(
            &db,
            &row.account_id,
            &format!("approved_{}", row.kind),
            assignee,
            &summary,
            &step,
            &context,
            now,
        )?
        .run()
        .await?;
        result["task_step_key"] = json!(step);
    }
    Ok(result)
}

#[derive(Deserialize, serde::Serialize)]
struct TaskRow {
    id: String,
    account_id: Option<String>,
    kind: String,
    status: String,
    assignee: Option<String>,
    summary: String,
    step_key: Option<String>,
    context: Option<String>,
    created_at: String,
    resolved_at: Option<String>,
}

async fn list_tasks(req: &Request, env: &Env) -> Result<Value, ApiError> {
    let status = query(req, "status")?;
    if let Some(s) = status.as_deref() {
        if !matches!(s, "open" | "done") {
            return Err(ApiError::BadRequest("status: must be open or done".into()));
        }
    }
    let account = query(req, "account_id")?;
    let limit = super::limit(req)?;
    let rows: Vec<TaskRow> = stmt(
        &env.d1("DB")?,
        "SELECT id, account_id, kind, status, assignee, summary, step_key, context, created_at, resolved_at
         FROM tasks WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR account_id = ?2)
         ORDER BY created_at, id LIMIT ?3",
        &[status.into(), account.into(), i64::from(limit).into()],
    )?
    .all()
    .await?
    .results()?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let context: Value = r
                .context
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok())
                .unwrap_or(Value::Null);
            json!({"id": r.id, "account_id": r.account_id, "kind": r.kind, "status": r.status,
                   "assignee": r.assignee, "summary": r.summary, "step_key": r.step_key,
                   "context": context, "created_at": r.created_at, "resolved_at": r.resolved_at})
        })
        .collect();
    Ok(json!({ "tasks": list }))
}

async fn task_done(
    id: &str,
    _req: &mut Request,
    env: &Env,
    config: &Config,
) -> Result<Value, ApiError> {
    let db = env.d1("DB")?;
    let now = clock::now(&db, config).await;
    let changed = stmt(
        &db,
        "UPDATE tasks SET status = 'done', resolved_at = ?2 WHERE id = ?1 AND status = 'open'",
        &[id.into(), P::Text(ts(now))],
    )?
    .run()
    .await?
    .meta()?
    .and_then(|m| m.changes)
    .unwrap_or(0);
    if changed == 1 {
        return Ok(json!({"id": id, "status": "done", "resolved_at": ts(now)}));
    }
    #[derive(Deserialize)]
    struct S {
        status: String,
    }
    let existing: Option<S> = stmt(&db, "SELECT status FROM tasks WHERE id = ?1", &[id.into()])?
        .first(None)
        .await?;
    match existing {
        None => Err(ApiError::NotFound {
            method: "POST".into(),
            path: format!("/api/tasks/{id}/done"),
        }),
        Some(s) => Err(ApiError::Conflict(format!(
            "task {id} is already {}",
            s.status
        ))),
    }
}

#[derive(Deserialize, serde::Serialize)]
struct OutboundRow {
    id: String,
    account_id: String,
    message_id: String,
    step_key: String,
    kind: String,
    to_addr: String,
    subject: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: String,
    sent_at: Option<String>,
}

async fn list_outbound(req: &Request, env: &Env) -> Result<Value, ApiError> {
    let account = query(req, "account_id")?;
    let status = query(req, "status")?;
    let limit = super::limit(req)?;
    let db = env.d1("DB")?;
    #[derive(Deserialize, serde::Serialize)]
    struct Count {
        status: String,
        n: i64,
    }
    let counts: Vec<Count> = stmt(
        &db,
        "SELECT status, COUNT(*) AS n FROM outbound_messages WHERE (?1 IS NULL OR account_id = ?1)
         GROUP BY status ORDER BY status",
        &[account.clone().into()],
    )?
    .all()
    .await?
    .results()?;
    let counts: serde_json::Map<String, Value> =
        counts.into_iter().map(|c| (c.status, json!(c.n))).collect();
    let rows: Vec<OutboundRow> = stmt(
        &db,
        "SELECT id, account_id, message_id, step_key, kind, to_addr, subject, status, attempts,
                last_error, created_at, sent_at
         FROM outbound_messages WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR status = ?2)
         ORDER BY created_at, id LIMIT ?3",
        &[account.into(), status.into(), i64::from(limit).into()],
    )?
    .all()
    .await?
    .results()?;
    Ok(json!({ "messages": rows, "counts": counts }))
}

/// One account to seed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedAccount {
    book: AccountBook,
    #[serde(default)]
    shadow_mode: Option<bool>,
    #[serde(default)]
    overrides: Option<Value>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedBody {
    #[serde(default)]
    accounts: Vec<SeedAccount>,
}

/// Test-only (`TEST_CLOCKS`): stores whole account books through the store, as the webhooks
/// would, so sweeps can be tested and benchmarked before (and besides) the ERP route.
async fn seed(req: &mut Request, env: &Env, config: &Config) -> Result<Value, ApiError> {
    if !config.test_clocks {
        return Err(ApiError::BadRequest("seeding needs TEST_CLOCKS on".into()));
    }
    let b: SeedBody = body(req).await?;
    let db = env.d1("DB")?;
    let now = clock::now(&db, config).await;
    let secret = config
        .admin_token
        .clone()
        .unwrap_or_else(|| "nudge-test".into());
    let mut statements = Vec::new();
    let mut ids = Vec::new();
    for a in &b.accounts {
        if let Some(o) = &a.overrides {
            nudge_policy::PolicyOverrides::from_json(&o.to_string()).map_err(|e| {
                ApiError::BadRequest(format!("accounts[{}].overrides: {e}", ids.len()))
            })?;
        }
        let id = a.book.account.id.clone();
        let empty = AccountBook::new(Account::new(String::new(), String::new()));
        let token = nudge_outbound::reply_token(&id, secret.as_bytes());
        statements.extend(store::book::save_statements(
            &db,
            &a.book,
            &a.book.diff_since(&empty),
            &token,
            now,
        )?);
        statements.push(stmt(
            &db,
            "UPDATE accounts SET shadow_mode = ?2, overrides = ?3 WHERE id = ?1",
            &[
                id.as_str().into(),
                a.shadow_mode.into(),
                a.overrides.as_ref().map(Value::to_string).into(),
            ],
        )?);
        ids.push(id);
    }
    // D1 caps a batch's size; large seeds go in slices.
    let mut rest = statements;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(400));
        db.batch(rest).await?;
        rest = tail;
    }
    Ok(json!({ "seeded": ids.len(), "account_ids": ids }))
}
