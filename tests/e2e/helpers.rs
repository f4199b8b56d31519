//! The e2e harness: `spawn_app()` starts the worker in `wrangler dev` and offers helpers to drive
//! it (admin API, signed webhooks, inbound email, cron) and to read what it sent (`.eml` files).

// A shared harness: each feature module uses a different subset of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use hmac::Mac;
use serde_json::Value;

pub const ADMIN_TOKEN: &str = "test-admin-token";
pub const STRIPE_SECRET: &str = "whsec_test_secret";
pub const ERP_SECRET: &str = "erp_test_secret";

/// The repository root (where wrangler.toml lives).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the worker once per test run (skipped when the test script already built it).
pub fn ensure_built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        if std::env::var("NUDGE_E2E_BUILT").as_deref() == Ok("1")
            && root().join("build/index.js").exists()
        {
            return;
        }
        let status = Command::new("bash")
            .arg(root().join("scripts/build.sh"))
            .current_dir(root())
            .status()
            .expect("run scripts/build.sh");
        assert!(status.success(), "worker build failed");
    });
}

/// A D1 state directory with the migrations applied, made once and copied for each test.
fn migrated_template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nudge-e2e-template-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = wrangler()
            .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
            .arg(&dir)
            .env("CI", "true")
            .output()
            .expect("run wrangler d1 migrations apply");
        assert!(
            out.status.success(),
            "migrations failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn wrangler() -> Command {
    let mut cmd = Command::new(root().join("node_modules/.bin/wrangler"));
    cmd.current_dir(root())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("NUDGE_SKIP_BUILD", "1")
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0");
    cmd
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create state dir");
    for entry in std::fs::read_dir(from).expect("read template dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy state file");
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Options for one worker instance.
#[derive(Default, Clone)]
pub struct AppOptions {
    /// Extra `--var NAME:VALUE` settings.
    pub vars: Vec<(String, String)>,
}

/// A running worker. Dropping it kills wrangler and workerd (the whole process group).
pub struct TestApp {
    pub base: String,
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
    state_dir: PathBuf,
    agent: ureq::Agent,
    options: AppOptions,
    /// The first log line of the current `wrangler dev` (after a `restart`).
    started_at_line: usize,
    /// The messages sent before a `restart` (wrangler may remove its `.eml` files on exit).
    sent_before_restart: Vec<String>,
}

/// Starts the worker with the default test settings.
pub fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default())
}

/// Starts the worker and waits until `/healthz` answers.
pub fn spawn_app_with(options: AppOptions) -> TestApp {
    ensure_built();
    let template = migrated_template();
    let state_dir = std::env::temp_dir().join(format!(
        "nudge-e2e-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&state_dir);
    copy_dir(template, &state_dir);

    let logs = Arc::new(Mutex::new(Vec::new()));
    let (child, base) = start_wrangler(&state_dir, &options, &logs);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let app = TestApp {
        base,
        child,
        logs,
        state_dir,
        agent,
        options,
        started_at_line: 0,
        sent_before_restart: Vec::new(),
    };
    app.wait_healthy();
    app
}

/// Starts `wrangler dev` on a free port over `state_dir`, its output appended to `logs`.
fn start_wrangler(
    state_dir: &Path,
    options: &AppOptions,
    logs: &Arc<Mutex<Vec<String>>>,
) -> (Child, String) {
    let port = free_port();
    let mut cmd = wrangler();
    cmd.args([
        "dev",
        "--local",
        "--test-scheduled",
        "--ip",
        "127.0.0.1",
        "--inspector-port",
        "0",
    ])
    .args([
        "--show-interactive-dev-session=false",
        // `log`, not `info`: the worker's own console.log lines (its JSON events) are needed.
        "--log-level",
        "log",
    ])
    .arg("--port")
    .arg(port.to_string())
    .arg("--persist-to")
    .arg(state_dir);
    let mut vars = vec![
        ("ADMIN_TOKEN".to_string(), ADMIN_TOKEN.to_string()),
        (
            "STRIPE_WEBHOOK_SECRET".to_string(),
            STRIPE_SECRET.to_string(),
        ),
        ("ERP_WEBHOOK_SECRET".to_string(), ERP_SECRET.to_string()),
        ("TEST_CLOCKS".to_string(), "true".to_string()),
        // Ledger and inbound changes settle for a second before the account's alarm acts.
        ("SETTLE_SECONDS".to_string(), "1".to_string()),
        // Cron sweeps run inline unless a test asks for the queue (tests/e2e/sweep_queue.rs).
        ("SWEEP_MODE".to_string(), "inline".to_string()),
    ];
    // A test's own setting replaces the default of the same name.
    vars.retain(|(k, _)| !options.vars.iter().any(|(o, _)| o == k));
    vars.extend(options.vars.iter().cloned());
    for (k, v) in vars {
        cmd.arg("--var").arg(format!("{k}:{v}"));
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so that Drop can kill wrangler and the workerd it spawns together.
    cmd.process_group(0);
    let mut child = cmd.spawn().expect("spawn wrangler dev");

    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let logs = Arc::clone(logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                logs.lock().expect("log lock").push(strip_ansi(&line));
            }
        });
    }
    (child, format!("http://127.0.0.1:{port}"))
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip a CSI sequence: ESC [ ... final byte in @..~
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A response: status and body (parsed as JSON when it is JSON, else `Value::Null`).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub text: String,
    pub json: Value,
}

impl TestApp {
    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            // wrangler restarts its build once at start-up; "Ready on" is printed after that,
            // so waiting for both keeps the first request of a test off a reloading worker.
            let ready = self
                .logs()
                .iter()
                .skip(self.started_at_line)
                .any(|l| l.contains("Ready on"));
            if let Ok(resp) = self.agent.get(format!("{}/healthz", self.base)).call() {
                if ready && resp.status().as_u16() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "worker did not become healthy; logs:\n{}",
            self.logs().join("\n")
        );
    }

    /// Every line wrangler and the worker printed so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().expect("log lock").clone()
    }

    /// The worker's structured log events (JSON lines) with the given `event` name.
    pub fn log_events(&self, event: &str) -> Vec<Value> {
        self.logs()
            .iter()
            .filter_map(|l| {
                l.find('{')
                    .and_then(|i| serde_json::from_str::<Value>(&l[i..]).ok())
            })
            .filter(|v| v["event"] == event)
            .collect()
    }

    fn finish(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut resp = resp.expect("HTTP request to the worker");
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, text, json }
    }

    /// GET without credentials.
    pub fn get(&self, path: &str) -> Reply {
        Self::finish(self.agent.get(format!("{}{path}", self.base)).call())
    }

    /// GET with an arbitrary `Authorization` header (or none).
    pub fn get_with_auth(&self, path: &str, authorization: Option<&str>) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(a) = authorization {
            req = req.header("Authorization", a);
        }
        Self::finish(req.call())
    }

    /// GET on the admin API with the test token.
    pub fn api_get(&self, path: &str) -> Reply {
        self.get_with_auth(path, Some(&format!("Bearer {ADMIN_TOKEN}")))
    }

    /// POST JSON on the admin API with the test token.
    pub fn api_post(&self, path: &str, body: &Value) -> Reply {
        Self::finish(
            self.agent
                .post(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {ADMIN_TOKEN}"))
                .header("Content-Type", "application/json")
                .send(body.to_string().as_bytes()),
        )
    }

    /// POST raw bytes with the given headers.
    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::finish(req.send(body))
    }

    /// Delivers a signed Stripe webhook (`Stripe-Signature: t=…,v1=…`), signed at `t`.
    pub fn post_stripe(&self, body: &str, t: i64) -> Reply {
        let header = stripe_signature(STRIPE_SECRET, t, body);
        self.post_raw(
            "/webhooks/stripe",
            &[
                ("Stripe-Signature", &header),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    }

    /// Delivers a signed ERP webhook (`X-Nudge-Timestamp`, `X-Nudge-Signature: sha256=…`).
    pub fn post_erp(&self, body: &str, t: i64) -> Reply {
        let ts = t.to_string();
        let sig = format!("sha256={}", hmac_hex(ERP_SECRET, &format!("{t}.{body}")));
        self.post_raw(
            "/webhooks/erp",
            &[
                ("X-Nudge-Timestamp", &ts),
                ("X-Nudge-Signature", &sig),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
    }

    /// Delivers a raw RFC 5322 message to the worker's `email` handler.
    pub fn deliver_email(&self, from: &str, to: &str, raw: &str) -> Reply {
        let path = format!(
            "/cdn-cgi/handler/email?from={}&to={}",
            urlencode(from),
            urlencode(to)
        );
        self.post_raw(&path, &[("Content-Type", "message/rfc822")], raw.as_bytes())
    }

    /// Fires the cron trigger as Cloudflare would.
    pub fn trigger_cron(&self, cron: &str) -> Reply {
        self.get(&format!("/__scheduled?cron={}", urlencode(cron)))
    }

    /// Paths of the `.eml` files the worker wrote through `send_email` (and `reply()`), in order.
    pub fn sent_eml_paths(&self) -> Vec<PathBuf> {
        self.logs()
            .iter()
            .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .filter(|w| w.ends_with(".eml"))
            .map(PathBuf::from)
            .collect()
    }

    /// The raw messages the worker sent, read from the `.eml` files, in order.
    pub fn sent_emails(&self) -> Vec<String> {
        let mut all = self.sent_before_restart.clone();
        all.extend(
            self.sent_eml_paths()
                .iter()
                .skip(all.len())
                .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {p:?}: {e}"))),
        );
        all
    }

    /// Waits (up to 10 s) until `check` holds, for effects that complete after the response.
    pub fn eventually<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(v) = check() {
                return v;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; logs:\n{}",
                    self.logs().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl TestApp {
    /// Stops wrangler and workerd (the whole process group).
    fn stop(&mut self) {
        let pgid = self.child.id() as i32;
        // SAFETY: kill(2) with a negative pid signals the process group we created; no memory
        // is touched. Errors (already gone) are fine to ignore.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }

    /// Restarts the worker on the same state directory (D1, the objects' storage and their
    /// alarms persist; every object is rebuilt from storage), on a new port, and waits until
    /// it is healthy. What was sent before is kept for `sent_emails`.
    pub fn restart(&mut self) {
        self.sent_before_restart = self.sent_emails();
        self.stop();
        self.started_at_line = self.logs().len();
        let (child, base) = start_wrangler(&self.state_dir, &self.options, &self.logs);
        self.child = child;
        self.base = base;
        self.wait_healthy();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}

/// `t=…,v1=…` as Stripe signs: HMAC-SHA256 of `"{t}.{body}"` with the endpoint secret.
pub fn stripe_signature(secret: &str, t: i64, body: &str) -> String {
    format!("t={t},v1={}", hmac_hex(secret, &format!("{t}.{body}")))
}

/// Hex HMAC-SHA256.
pub fn hmac_hex(secret: &str, payload: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The current Unix time, for signing webhooks.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    /// PUT JSON on the admin API with the test token.
    pub fn api_put_json(&self, path: &str, body: &Value) -> Reply {
        Self::finish(
            self.agent
                .put(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {ADMIN_TOKEN}"))
                .header("Content-Type", "application/json")
                .send(body.to_string().as_bytes()),
        )
    }

    /// POST or PUT `body` with exactly these headers (no token unless given).
    pub fn send_raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "PUT" => self.agent.put(url),
            _ => self.agent.post(url),
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::finish(req.send(body))
    }

    /// PUT a plain-text body on the admin API with the test token.
    pub fn api_put_text(&self, path: &str, body: &str) -> Reply {
        Self::finish(
            self.agent
                .put(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {ADMIN_TOKEN}"))
                .header("Content-Type", "text/plain; charset=utf-8")
                .send(body.as_bytes()),
        )
    }

    /// DELETE on the admin API with the test token.
    pub fn api_delete(&self, path: &str) -> Reply {
        Self::finish(
            self.agent
                .delete(format!("{}{path}", self.base))
                .header("Authorization", format!("Bearer {ADMIN_TOKEN}"))
                .call(),
        )
    }
}

impl TestApp {
    /// CPU seconds (user + system) used so far by wrangler and workerd (the process group).
    pub fn process_group_cpu_seconds(&self) -> f64 {
        let pgid = self.child.id() as i64;
        // SAFETY: sysconf has no memory effects.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        let mut total = 0u64;
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // Fields after the command name (which may contain spaces) start after ") ".
            let Some((_, rest)) = stat.rsplit_once(") ") else {
                continue;
            };
            let f: Vec<&str> = rest.split_whitespace().collect();
            // rest[0] = state, [2] = pgrp, [11] = utime, [12] = stime.
            if f.get(2).and_then(|p| p.parse::<i64>().ok()) == Some(pgid) {
                total += f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                total += f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            }
        }
        total as f64 / ticks
    }
}

/// A response with its headers (for redirects and cookies).
#[derive(Debug)]
pub struct FullReply {
    pub status: u16,
    pub text: String,
    pub json: Value,
    pub headers: Vec<(String, String)>,
}

impl FullReply {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl TestApp {
    /// Any method, exactly these headers, an optional body; redirects are not followed.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> FullReply {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let url = format!("{}{path}", self.base);
        macro_rules! with_headers {
            ($req:expr) => {{
                let mut req = $req;
                for (k, v) in headers {
                    req = req.header(*k, *v);
                }
                req
            }};
        }
        let resp = match method {
            "GET" => with_headers!(agent.get(url)).call(),
            "HEAD" => with_headers!(agent.head(url)).call(),
            "DELETE" => with_headers!(agent.delete(url)).call(),
            "OPTIONS" => with_headers!(agent.options(url)).call(),
            "PUT" => with_headers!(agent.put(url)).send(body.unwrap_or_default()),
            "PATCH" => with_headers!(agent.patch(url)).send(body.unwrap_or_default()),
            _ => with_headers!(agent.post(url)).send(body.unwrap_or_default()),
        };
        let mut resp = resp.expect("HTTP request to the worker");
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        FullReply {
            status,
            text,
            json,
            headers,
        }
    }
}

impl TestApp {
    /// POST or PUT `body` without a `Content-Length` (chunked transfer encoding).
    pub fn send_chunked(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut req = match method {
            "PUT" => self.agent.put(url),
            _ => self.agent.post(url),
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Self::finish(
            req.send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
                body,
            ))),
        )
    }
}
