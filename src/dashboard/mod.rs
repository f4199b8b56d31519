//! The operator dashboard under `/dashboard/`: server-rendered HTML (no script, no external
//! asset), behind a login form that sets an HttpOnly session cookie derived from `ADMIN_TOKEN`
//! ([`session`]). Pages read through the same handlers as the JSON API (called in-process, so
//! there is one implementation of every read and every change); forms POST back here with a
//! CSRF field, then redirect (post/redirect/get). Everything shown is escaped ([`html::esc`]).

mod html;
mod pages;
mod session;

use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use serde_json::{json, Value};
use worker::{Env, Headers, Method, Request, Response};

use crate::config::Config;
use crate::http::error::ApiError;
use html::{field, form};

/// What one dashboard request produces.
enum Out {
    Html(u16, String),
    Redirect(String, Option<String>),
}

/// Handles `/dashboard` and everything under it. Never fails.
pub async fn handle(mut req: Request, env: Env) -> Response {
    let config = Config::from_env(&env);
    let method = req.method();
    let path = req.path();
    let segments = crate::http::path_segments(&path, 1);
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let token = config.admin_token.clone().filter(|t| !t.is_empty());
    let now = (worker::Date::now().as_millis() / 1000) as i64;

    if let (Method::Get, ["style.css"]) = (&method, segs.as_slice()) {
        return with_headers(Response::ok(html::STYLE), "text/css; charset=utf-8");
    }
    let cookie = req.headers().get("cookie").ok().flatten();
    let current = session::from_cookie_header(cookie.as_deref())
        .filter(|s| session::valid(s, token.as_deref(), now));

    let out = match (&method, segs.as_slice(), token.as_deref(), current) {
        (Method::Get, ["login"], _, Some(_)) => Out::Redirect("/dashboard".into(), None),
        (Method::Get, ["login"], _, None) => Out::Html(200, pages::login(None)),
        (Method::Post, ["login"], _, _) => {
            let body = match crate::http::body::text(&mut req).await {
                Ok(body) => body,
                Err(err) => return too_large(&err),
            };
            let pairs = form(&body);
            let given = field(&pairs, "token").unwrap_or_default();
            match token.as_deref() {
                Some(t) if session::token_matches(given, Some(t)) => Out::Redirect(
                    "/dashboard".into(),
                    Some(session::set_cookie(&session::issue(t, now))),
                ),
                _ => Out::Html(401, pages::login(Some("That token is not right."))),
            }
        }
        (_, _, Some(t), Some(s)) => {
            let csrf = session::csrf(t, &s);
            let ctx = Ctx {
                env: &env,
                config: &config,
                csrf: &csrf,
            };
            if method == Method::Post {
                let body = match crate::http::body::text(&mut req).await {
                    Ok(body) => body,
                    Err(err) => return too_large(&err),
                };
                let pairs = form(&body);
                let ok = field(&pairs, "csrf").is_some_and(|c| session::csrf_ok(c, t, &s));
                if !ok {
                    Out::Html(
                        403,
                        pages::error(&ctx.csrf_opt(), 403, "The form was stale; reload the page."),
                    )
                } else {
                    post(&ctx, &segs, &pairs).await
                }
            } else if method == Method::Get || method == Method::Head {
                let query = crate::http::api::params::raw_query(&req);
                get(&ctx, &segs, &form(&query)).await
            } else {
                Out::Html(
                    405,
                    pages::error(&ctx.csrf_opt(), 405, "Method not allowed"),
                )
            }
        }
        _ => Out::Redirect("/dashboard/login".into(), None),
    };
    match out {
        Out::Html(status, body) => with_headers(
            Response::from_html(body).map(|r| r.with_status(status)),
            "text/html; charset=utf-8",
        ),
        Out::Redirect(to, cookie) => {
            let headers = Headers::new();
            let _ = headers.set("location", &to);
            if let Some(c) = cookie {
                let _ = headers.set("set-cookie", &c);
            }
            with_headers(
                Response::empty().map(|r| r.with_status(303).with_headers(headers)),
                "text/plain",
            )
        }
    }
}

/// A form body that could not be read (over [`crate::http::body::FORM`]): the API's JSON error.
fn too_large(err: &ApiError) -> Response {
    with_headers(Ok(err.to_response()), "application/json")
}

/// Security headers for every dashboard response.
fn with_headers(resp: worker::Result<Response>, content_type: &str) -> Response {
    // A fixed body cannot fail to build, so no request path panics here.
    let mut resp = resp.unwrap_or_else(|_| {
        Response::builder()
            .with_status(500)
            .fixed(b"error".to_vec())
    });
    let h = resp.headers_mut();
    let _ = h.set("content-type", content_type);
    let _ = h.set(
        "content-security-policy",
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    let _ = h.set("x-content-type-options", "nosniff");
    let _ = h.set("x-frame-options", "DENY");
    let _ = h.set("referrer-policy", "no-referrer");
    let _ = h.set("cache-control", "no-store");
    resp
}

/// A signed-in request's context.
struct Ctx<'a> {
    env: &'a Env,
    config: &'a Config,
    csrf: &'a str,
}

impl Ctx<'_> {
    fn csrf_opt(&self) -> Option<&str> {
        Some(self.csrf)
    }

    /// Calls the JSON API's handler for `path_and_query` in-process (the bearer check has been
    /// replaced by the session check).
    async fn api(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<Value>,
    ) -> Result<Value, ApiError> {
        let internal = |e: worker::Error| ApiError::Internal(e.to_string());
        let url = format!("https://dashboard.internal{path_and_query}");
        let text = body.as_ref().map(Value::to_string);
        let req = crate::http::request(&method, &url, text.as_deref()).map_err(internal)?;
        let path = path_and_query.split('?').next().unwrap_or_default();
        let decoded = crate::http::path_segments(path, 1);
        let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
        crate::http::api::route(method, &segs, req, self.env, self.config)
            .await
            .map(|(_, v)| v)
    }

    fn fail(&self, err: &ApiError) -> Out {
        Out::Html(
            err.status(),
            pages::error(&self.csrf_opt(), err.status(), &describe(err)),
        )
    }
}

/// An API error in words, with the field errors of a validation failure.
fn describe(err: &ApiError) -> String {
    match err {
        ApiError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

macro_rules! tryout {
    ($ctx:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => return $ctx.fail(&err),
        }
    };
}

async fn get(ctx: &Ctx<'_>, segs: &[&str], query: &[(String, String)]) -> Out {
    let ok = field(query, "ok").map(String::from);
    let csrf = ctx.csrf;
    let html = match segs {
        [] => {
            let metrics = tryout!(ctx, ctx.api(Method::Get, "/api/metrics", None).await);
            let worklist = tryout!(ctx, ctx.api(Method::Get, "/api/worklist", None).await);
            let trend = tryout!(ctx, dso_trend(ctx).await);
            pages::overview(&metrics, &trend, &worklist, csrf)
        }
        ["accounts"] => {
            let q = field(query, "q").unwrap_or_default().trim().to_string();
            let filter = field(query, "filter").unwrap_or_default().to_string();
            let path = format!("/api/accounts?limit=200&q={}", html::enc(&q));
            let list = tryout!(ctx, ctx.api(Method::Get, &path, None).await);
            pages::accounts(&list, &q, &filter, csrf)
        }
        ["accounts", id] => {
            let base = format!("/api/accounts/{}", html::enc(id));
            let detail = tryout!(ctx, ctx.api(Method::Get, &base, None).await);
            let timeline = tryout!(
                ctx,
                ctx.api(Method::Get, &format!("{base}/timeline?limit=100"), None)
                    .await
            );
            let preview = tryout!(
                ctx,
                ctx.api(Method::Get, &format!("{base}/preview?days=30"), None)
                    .await
            );
            pages::account(&detail, &timeline, &preview, ok.as_deref(), csrf)
        }
        ["approvals"] => {
            let pending = tryout!(
                ctx,
                ctx.api(Method::Get, "/api/approvals?status=pending&limit=50", None)
                    .await
            );
            // The drafts whole, as the customer will see them.
            let mut full = Vec::new();
            for a in pending["approvals"].as_array().into_iter().flatten() {
                let id = a["id"].as_str().unwrap_or_default();
                let path = format!("/api/approvals/{}", html::enc(id));
                full.push(tryout!(ctx, ctx.api(Method::Get, &path, None).await));
            }
            let mut decided = Vec::new();
            for status in ["approved", "rejected"] {
                let path = format!("/api/approvals?status={status}&limit=50");
                let v = tryout!(ctx, ctx.api(Method::Get, &path, None).await);
                decided.extend(v["approvals"].as_array().cloned().unwrap_or_default());
            }
            nudge_core::order::sort_by(&mut decided, |a, b| {
                b["decided_at"].as_str().cmp(&a["decided_at"].as_str())
            });
            let outbound = tryout!(
                ctx,
                ctx.api(Method::Get, "/api/outbound?limit=200", None).await
            );
            pages::approvals(&full, &decided, &outbound, ok.as_deref(), csrf)
        }
        ["unapplied"] => {
            let list = tryout!(ctx, ctx.api(Method::Get, "/api/unapplied", None).await);
            pages::unapplied(&list, ok.as_deref(), csrf)
        }
        ["disputes"] => {
            let db = tryout!(
                ctx,
                crate::store::Db::from_env(ctx.env).map_err(ApiError::from)
            );
            let rows = tryout!(
                ctx,
                crate::store::disputes::open(&db, 200)
                    .await
                    .map_err(ApiError::from)
            );
            pages::disputes(&rows, ok.as_deref(), csrf)
        }
        _ => pages::error(&ctx.csrf_opt(), 404, "No such page"),
    };
    Out::Html(200, html)
}

async fn post(ctx: &Ctx<'_>, segs: &[&str], form: &[(String, String)]) -> Out {
    let note = field(form, "note")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from);
    match segs {
        ["logout"] => Out::Redirect("/dashboard/login".into(), Some(session::clear_cookie())),
        ["approvals", id, verb @ ("approve" | "reject")] => {
            let path = format!("/api/approvals/{}/{verb}", html::enc(id));
            let body = json!({"note": note, "by": "dashboard"});
            let decided = tryout!(ctx, ctx.api(Method::Post, &path, Some(body)).await);
            let ok = match (*verb, decided["sent"].as_bool()) {
                ("approve", Some(true)) => "approved-sent",
                ("approve", _) => "approved",
                _ => "rejected",
            };
            Out::Redirect(format!("/dashboard/approvals?ok={ok}"), None)
        }
        ["accounts", id, "disputes", d, "resolve"] => {
            let path = format!(
                "/api/accounts/{}/disputes/{}/resolve",
                html::enc(id),
                html::enc(d)
            );
            let outcome = field(form, "outcome").unwrap_or_default();
            let body = json!({"outcome": outcome, "note": note, "by": "dashboard"});
            tryout!(ctx, ctx.api(Method::Post, &path, Some(body)).await);
            Out::Redirect(
                format!("/dashboard/accounts/{}?ok=resolved", html::enc(id)),
                None,
            )
        }
        ["unapplied", id, "apply"] => {
            let invoice = field(form, "invoice_id").unwrap_or_default().trim();
            let amount = field(form, "amount").unwrap_or_default().trim();
            let path = format!("/api/unapplied/{}/apply", html::enc(id));
            let body = json!({"allocations": [{"invoice_id": invoice, "amount": amount}],
                              "operator": "dashboard"});
            tryout!(ctx, ctx.api(Method::Post, &path, Some(body)).await);
            Out::Redirect("/dashboard/unapplied?ok=applied".into(), None)
        }
        _ => Out::Html(404, pages::error(&ctx.csrf_opt(), 404, "No such form")),
    }
}

/// DSO (count-back) per currency for each of the last six calendar months (the current one up to
/// today), from the book loaded once.
async fn dso_trend(ctx: &Ctx<'_>) -> Result<Vec<(String, Value)>, ApiError> {
    let db = crate::store::Db::from_env(ctx.env)?;
    let now = crate::clock::now(&db, ctx.config).await;
    let today = now.date_naive();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let first = this_month - Months::new(5);
    let start = first.and_time(NaiveTime::MIN).and_utc();
    let end = (today + chrono::Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let facts: Vec<nudge_metrics::AccountFacts> = crate::store::books::load(&db, start, end)
        .await?
        .into_iter()
        .map(|a| nudge_metrics::AccountFacts {
            book: a.book,
            stage: a.stage,
            messages: nudge_metrics::MessageCounts::default(),
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..6 {
        let from = first + Months::new(i);
        let to = (from + Months::new(1)).min(today + chrono::Duration::days(1));
        let Ok(period) = nudge_metrics::Period::new(from, to) else {
            continue;
        };
        let m = nudge_metrics::compute(&facts, &period, None, now);
        let per_currency: Value = m
            .currencies
            .iter()
            .map(|c| {
                (
                    c.currency.to_string(),
                    json!(c.dso.count_back.map(|d| d.to_string())),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into();
        out.push((month_label(from), per_currency));
    }
    Ok(out)
}
/// `Mar 2026`: the month's English abbreviation and the year (by hand: chrono's `format` would
/// compile its strftime parser for this one label, issue 12).
fn month_label(date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.get(date.month0() as usize).copied().unwrap_or("");
    format!("{month} {}", date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_labels_are_chronos_abbreviations() {
        for m in 1..=12 {
            let d = NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
            assert_eq!(month_label(d), d.format("%b %Y").to_string());
        }
    }
}
