#!/usr/bin/env python3
"""Webhook load test: deliver 2,000 signed webhooks (Stripe + ERP, 10 % redeliveries) at
concurrency 50 to a LOCAL `wrangler dev`, then prove through the admin API that every event was
applied exactly once.

Python 3 standard library only. Loopback only: the script refuses any other host. Bounded: a fixed
number of requests, a fixed pool of workers, a timeout on every request.

    # one command: builds nothing, starts wrangler dev on a free port with a throw-away state
    # directory, runs the load, verifies, stops wrangler (build first with `bash scripts/build.sh`)
    python3 scripts/load/webhooks.py --spawn

    # or against a wrangler dev you started yourself (secrets must match)
    python3 scripts/load/webhooks.py --base http://127.0.0.1:8787 \
        --admin-token "$ADMIN_TOKEN" --stripe-secret "$STRIPE_WEBHOOK_SECRET" --erp-secret "$ERP_WEBHOOK_SECRET"
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURE = os.path.join(ROOT, "crates/nudge-billing/tests/fixtures/stripe/invoice.finalized.json")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_wrangler(port, state, secrets):
    wrangler = os.path.join(ROOT, "node_modules/.bin/wrangler")
    env = dict(os.environ, NUDGE_SKIP_BUILD="1", WRANGLER_SEND_METRICS="false", CI="true", NO_COLOR="1")
    subprocess.run([wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    args = [wrangler, "dev", "--local", "--ip", "127.0.0.1", "--port", str(port), "--inspector-port", "0",
            "--persist-to", state, "--show-interactive-dev-session=false", "--log-level", os.environ.get("NUDGE_LOAD_LOG_LEVEL", "warn")]
    for k, v in secrets.items():
        args += ["--var", f"{k}:{v}"]
    log = open(os.path.join(state, "wrangler.log"), "w")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                # wrangler's custom-build watcher fires once shortly after start and reloads
                # the worker (503 "worker restarted mid-request" for requests in flight): let
                # it settle before loading.
                time.sleep(6)
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop(proc)
    raise SystemExit("wrangler dev did not become healthy; see " + log.name)


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except Exception:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except Exception:
            pass


def build_events(n_unique, n_dup, accounts, seed):
    """Unique events (half Stripe invoice.finalized, half ERP invoice.upsert) plus redeliveries."""
    rnd = random.Random(seed)
    template = json.load(open(FIXTURE))
    events = []
    expected = {}  # account id -> set of invoice ids
    for i in range(n_unique):
        a = i % accounts
        if i % 2 == 0:
            cus, inv = f"cus_Load{a:03d}", f"in_Load{i:05d}"
            e = json.loads(json.dumps(template))
            e["id"] = f"evt_load_{i:05d}"
            e["created"] = 1_793_520_000 + i
            o = e["data"]["object"]
            o["id"], o["customer"], o["number"] = inv, cus, f"LOAD-{i:05d}"
            events.append(("stripe", json.dumps(e, separators=(",", ":"))))
            expected.setdefault(f"stripe:{cus}", set()).add(f"stripe:{inv}")
        else:
            cust, inv = f"L-{a:03d}", f"LI-{i:05d}"
            e = {"id": f"load-erp-{i:05d}", "type": "invoice.upsert", "occurred_at": "2026-11-01T08:00:00Z",
                 "invoice": {"id": inv, "customer_id": cust, "number": f"LE-{i:05d}", "currency": "EUR",
                             "total": f"{100 + i % 900}.00", "issue_date": "2026-10-01",
                             "due_date": "2026-10-31"}}
            events.append(("erp", json.dumps(e, separators=(",", ":"))))
            expected.setdefault(f"erp:{cust}", set()).add(f"erp:{inv}")
    dups = [rnd.choice(events) for _ in range(n_dup)]
    all_events = events + dups
    rnd.shuffle(all_events)
    return all_events, expected


class Client(threading.local):
    def conn(self, host, port):
        if getattr(self, "c", None) is None:
            self.c = http.client.HTTPConnection(host, port, timeout=60)
        return self.c

    def reset(self):
        try:
            self.c.close()
        except Exception:
            pass
        self.c = None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8787")
    ap.add_argument("--spawn", action="store_true", help="start (and stop) a wrangler dev on a free port")
    ap.add_argument("--admin-token", default="load-admin-token")
    ap.add_argument("--stripe-secret", default="whsec_load_secret")
    ap.add_argument("--erp-secret", default="erp_load_secret")
    ap.add_argument("--total", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--accounts", type=int, default=40, help="accounts per source")
    ap.add_argument("--dup-share", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if not (1 <= args.total <= 10_000 and 1 <= args.concurrency <= 100):
        raise SystemExit("refusing: total must be 1..10000 and concurrency 1..100")

    proc = state = None
    if args.spawn:
        port = free_port()
        state = tempfile.mkdtemp(prefix="nudge-load-")
        proc = spawn_wrangler(port, state, {"ADMIN_TOKEN": args.admin_token,
                                            "STRIPE_WEBHOOK_SECRET": args.stripe_secret,
                                            "ERP_WEBHOOK_SECRET": args.erp_secret})
        args.base = f"http://127.0.0.1:{port}"
    url = urllib.parse.urlparse(args.base)
    if url.hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load {url.hostname}: loopback only")
    host, port = url.hostname, url.port or 80
    try:
        run(args, host, port)
    finally:
        if proc is not None:
            stop(proc)
            shutil.copy(os.path.join(state, "wrangler.log"), os.path.join(tempfile.gettempdir(), "nudge-load-wrangler.log"))
            shutil.rmtree(state, ignore_errors=True)


def run(args, host, port):
    n_dup = int(args.total * args.dup_share)
    events, expected = build_events(args.total - n_dup, n_dup, args.accounts, args.seed)
    local = Client()
    lock = threading.Lock()
    latencies, errors, duplicates, applied, failed = [], [], [0], [0], [0]

    retries = [0]

    def deliver(item):
        """One delivery as a sender does it: retried on 5xx or a dropped connection (up to 5
        attempts, re-signed each time), like Stripe's and an ERP's retries."""
        source, body = item
        raw = body.encode()
        for attempt in range(5):
            t = str(int(time.time()))
            if source == "stripe":
                sig = hmac.new(args.stripe_secret.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
                headers = {"Stripe-Signature": f"t={t},v1={sig}"}
            else:
                sig = hmac.new(args.erp_secret.encode(), f"{t}.".encode() + raw, hashlib.sha256).hexdigest()
                headers = {"X-Nudge-Timestamp": t, "X-Nudge-Signature": f"sha256={sig}"}
            headers["Content-Type"] = "application/json"
            start = time.perf_counter()
            try:
                c = local.conn(host, port)
                c.request("POST", f"/webhooks/{source}", body=raw, headers=headers)
                resp = c.getresponse()
                data = resp.read()
                status = resp.status
            except Exception as e:  # connection reset etc.: count, reconnect, retry
                local.reset()
                with lock:
                    errors.append(f"{source}: {e!r}")
                    retries[0] += 1
                time.sleep(0.2 * (attempt + 1))
                continue
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                if status >= 500:
                    errors.append(f"{source} {status}: {data[:200]!r}")
                    retries[0] += 1
                elif status != 200:
                    errors.append(f"{source} {status}: {data[:200]!r}")
                    return
                else:
                    j = json.loads(data)
                    dup = j["accounts"][0]["duplicate"] if source == "stripe" else j["duplicates"] == 1
                    if dup:
                        duplicates[0] += 1
                    else:
                        applied[0] += 1
                    return
            time.sleep(0.2 * (attempt + 1))
        with lock:
            failed[0] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(deliver, events))
    elapsed = time.perf_counter() - started

    # Verification through the admin API: every invoice present once, created once, never re-applied.
    c = http.client.HTTPConnection(host, port, timeout=60)
    auth = {"Authorization": f"Bearer {args.admin_token}"}
    problems = []
    for account, invoices in sorted(expected.items()):
        c.request("GET", "/api/accounts/" + urllib.parse.quote(account, safe=""), headers=auth)
        r = c.getresponse()
        d = json.loads(r.read())
        if r.status != 200:
            problems.append(f"{account}: HTTP {r.status}")
            continue
        got = [i["id"] for i in d["invoices"]]
        created = [e for e in d["events"] if e["kind"] == "invoice_created"]
        reapplied = [e for e in d["events"] if e["kind"] == "invoice_updated"]
        if sorted(got) != sorted(invoices) or len(got) != len(set(got)):
            problems.append(f"{account}: invoices {len(got)} != expected {len(invoices)}")
        if len(created) != len(invoices) or reapplied:
            problems.append(f"{account}: {len(created)} invoice_created, {len(reapplied)} invoice_updated events")
    unique = args.total - n_dup
    if applied[0] != unique:
        problems.append(f"applied responses {applied[0]} != unique events {unique}")
    if duplicates[0] != n_dup:
        problems.append(f"duplicate responses {duplicates[0]} != redeliveries {n_dup}")

    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
    report = {
        "requests": len(events), "unique_events": unique, "redeliveries": n_dup,
        "concurrency": args.concurrency, "accounts": len(expected),
        "elapsed_s": round(elapsed, 2), "events_per_s": round(len(events) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1), "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.mean(lat) * 1000, 1) if lat else None,
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "error_responses": len(errors), "retried": retries[0], "failed_after_retries": failed[0],
        "applied": applied[0], "duplicates": duplicates[0],
        "exactly_once": not problems,
    }
    print(json.dumps(report, indent=2))
    for e in errors[:10]:
        print("error:", e, file=sys.stderr)
    for p in problems[:20]:
        print("problem:", p, file=sys.stderr)
    if problems or failed[0]:
        sys.exit(1)


if __name__ == "__main__":
    main()
