//! Request-body size limits. Every HTTP body the worker reads (webhooks, the operator API,
//! import, classify, templates, dashboard forms) is read through [`read`], which refuses a body
//! over its route's [`Limit`] with 413 and JSON naming the limit — before any change. A declared
//! `Content-Length` over the limit is refused without reading; a body sent without one is read
//! as a stream, and nothing past the limit is kept (the rest is drained, up to 8 MiB). Inbound email has its own limits
//! (`INBOUND_MAX_BYTES` and the stored-raw cap in `inbound_email/`).

use futures_util::StreamExt;
use worker::{Method, Request};

use super::error::ApiError;

/// A named body-size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The name reported in the 413 body (`"limit": "api_json"`).
    pub name: &'static str,
    pub bytes: usize,
}

/// Stripe and ERP deliveries: an ERP batch of 500 events is a few hundred KiB.
pub const WEBHOOK: Limit = Limit {
    name: "webhook",
    bytes: 2 << 20,
};
/// JSON bodies of the operator API (policies, promises, allocations, notes…).
pub const API_JSON: Limit = Limit {
    name: "api_json",
    bytes: 256 << 10,
};
/// `POST /api/import` (10,000 invoices are ≈ 2 MiB of CSV) and the test-only seed route.
pub const IMPORT: Limit = Limit {
    name: "import",
    bytes: 32 << 20,
};
/// `POST /api/classify`: a raw message, as large as inbound mail may be parsed by default.
pub const MESSAGE: Limit = Limit {
    name: "message",
    bytes: 2 << 20,
};
/// `PUT /api/templates/{locale}/{file}`: one template's source.
pub const TEMPLATE: Limit = Limit {
    name: "template",
    bytes: 64 << 10,
};
/// Dashboard forms (login, approve/reject, resolve, apply).
pub const FORM: Limit = Limit {
    name: "form",
    bytes: 16 << 10,
};

/// The limit of a route, by method and path.
pub fn limit_for(method: &Method, path: &str) -> Limit {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match (method, segments.as_slice()) {
        (_, ["webhooks", ..]) => WEBHOOK,
        (_, ["dashboard", ..]) => FORM,
        (_, ["api", "import"]) | (_, ["api", "sweeps", "seed"]) => IMPORT,
        (_, ["api", "classify"]) => MESSAGE,
        (Method::Put, ["api", "templates", ..]) => TEMPLATE,
        _ => API_JSON,
    }
}

/// The 413 error for `limit`.
pub fn too_large(limit: Limit) -> ApiError {
    ApiError::TooLarge {
        limit: limit.name,
        max_bytes: limit.bytes,
    }
}

/// Refuses a request whose declared `Content-Length` exceeds its route's limit (nothing read).
pub fn check_declared(req: &Request) -> Result<(), ApiError> {
    let limit = limit_for(&req.method(), &req.path());
    let declared = req
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit.bytes as u64 => Err(too_large(limit)),
        _ => Ok(()),
    }
}

/// The whole body, at most its route's limit; 413 ([`ApiError::TooLarge`]) beyond it, 400 when
/// it cannot be read. A request without a body reads as empty.
pub async fn read(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let limit = limit_for(&req.method(), &req.path());
    check_declared(req)?;
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let mut stream = req
        .stream()
        .map_err(|e| ApiError::BadRequest(format!("body: unreadable ({e})")))?;
    let mut out = Vec::new();
    let mut over = false;
    let mut drained = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("body: unreadable ({e})")))?;
        if over {
            // Past the limit nothing is kept; the rest is read and dropped (up to DRAIN_BYTES)
            // so that the connection is left clean for the client's next request — an
            // abandoned body stalls the next request on the same path through the runtime.
            drained = drained.saturating_add(chunk.len());
            if drained > DRAIN_BYTES {
                break;
            }
            continue;
        }
        if !within(out.len(), chunk.len(), limit) {
            over = true;
            out = Vec::new();
            continue;
        }
        out.extend_from_slice(&chunk);
    }
    if over {
        return Err(too_large(limit));
    }
    Ok(out)
}

/// Most bytes read (and dropped) after a body without a length passed its limit; beyond this
/// the stream is cancelled.
const DRAIN_BYTES: usize = 8 << 20;

/// The body as text (invalid UTF-8 replaced, as `Request::text` does), at most its limit.
pub async fn text(req: &mut Request) -> Result<String, ApiError> {
    let bytes = read(req).await?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Whether `have` bytes plus a `chunk` still fit.
fn within(have: usize, chunk: usize, limit: Limit) -> bool {
    have.checked_add(chunk).is_some_and(|n| n <= limit.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_has_its_limit() {
        assert_eq!(limit_for(&Method::Post, "/webhooks/stripe"), WEBHOOK);
        assert_eq!(limit_for(&Method::Post, "/webhooks/erp"), WEBHOOK);
        assert_eq!(limit_for(&Method::Post, "/api/import"), IMPORT);
        assert_eq!(limit_for(&Method::Post, "/api/sweeps/seed"), IMPORT);
        assert_eq!(limit_for(&Method::Post, "/api/classify"), MESSAGE);
        assert_eq!(limit_for(&Method::Put, "/api/templates/en/a.txt"), TEMPLATE);
        assert_eq!(limit_for(&Method::Put, "/api/policy"), API_JSON);
        assert_eq!(limit_for(&Method::Post, "/api/unapplied/p/apply"), API_JSON);
        assert_eq!(limit_for(&Method::Post, "/dashboard/login"), FORM);
        // Every limit is bounded well below what a Worker may hold in memory.
        for l in [WEBHOOK, API_JSON, IMPORT, MESSAGE, TEMPLATE, FORM] {
            assert!(l.bytes <= 32 << 20, "{l:?}");
        }
    }

    #[test]
    fn the_limit_is_inclusive_and_overflow_safe() {
        let l = Limit {
            name: "t",
            bytes: 10,
        };
        assert!(within(4, 6, l));
        assert!(!within(4, 7, l));
        assert!(!within(usize::MAX, 1, l));
    }
}
