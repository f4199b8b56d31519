#!/usr/bin/env python3
"""Side by side (issue 9): Nudge's Stripe webhook path against a bare workers-rs worker doing the
same I/O (one Durable Object call that writes one D1 batch), in local `wrangler dev`, alternating
rounds, printing events/s, p50/p99 latency and server CPU per event of each, and the ratio
nudge/bare. The goal in the issue: Nudge >= 50 % of the bare worker.

    python3 scripts/bench/side_by_side.py                 # 8 rounds x 300 events, concurrency 16
    python3 scripts/bench/side_by_side.py --rounds 2 --events 100   # a quick look

What it does, in order:
1. Builds whatever is missing or older than its sources: Nudge with `bash scripts/build.sh`, the
   bare worker (`bench/bare-worker/`) with `worker-build --release` and the environment of
   `scripts/env.sh` (`--rebuild` forces both, `--no-build` never builds).
2. Starts two `wrangler dev --local` processes at the same time, each on a free loopback port,
   `--inspector-port 0`, with a throw-away `--persist-to` directory whose D1 migrations are
   applied first. Nudge gets STRIPE_WEBHOOK_SECRET, ERP_WEBHOOK_SECRET and ADMIN_TOKEN as
   `--var`s, the bare worker the same STRIPE_WEBHOOK_SECRET.
3. Warms both up (not measured; also rides out wrangler's restart shortly after start).
4. Runs the rounds. Each round sends the same --events signed Stripe events to each worker, one
   worker after the other, at --concurrency; which one goes first alternates (N B, B N, N B, ...)
   so that a machine getting busier or quieter over the run affects both alike. Events are
   `invoice.created` / `invoice.finalized` (the real fixtures' shape), one new invoice per event,
   for --customers distinct customers, so every Nudge event creates or changes a real account book;
   invoices fall due in 30 days, so Nudge's re-evaluation after each event decides "nothing yet".
5. Checks the rows each worker wrote (`wrangler d1 execute` on each state directory after it is
   stopped) and exits non-zero if any request failed or a row is missing.

Figures per worker: events/s (events / wall time of its passes), p50/p99 latency (client side,
request sent to answer read), server CPU per event (user + system time of its wrangler and
workerd processes, from /proc, during its passes), subrequests per event (DO calls and D1
queries, counted in wrangler's debug log), and the client's own CPU per event. The ratio is
nudge/bare events/s, overall and as the median of the per-round ratios.

Python 3 standard library only. Loopback only: it talks to nothing but the two processes it
started. Bounded: fixed numbers of rounds, events and threads; a timeout on every request; every
measured request is sent once (a failure is counted, never retried).
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BARE = os.path.join(ROOT, "bench", "bare-worker")
FIXTURES = os.path.join(ROOT, "crates/nudge-billing/tests/fixtures/stripe")
WRANGLER = os.path.join(ROOT, "node_modules/.bin/wrangler")
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def newest_mtime(paths):
    newest = 0.0
    for path in paths:
        if os.path.isfile(path):
            newest = max(newest, os.path.getmtime(path))
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = [d for d in dirnames if d not in ("target", "fuzz", "build", "node_modules")]
            for f in filenames:
                newest = max(newest, os.path.getmtime(os.path.join(dirpath, f)))
    return newest


def build_if_needed(name, output, sources, command, cwd, mode):
    """Builds when forced, or when `output` is missing or older than any of `sources`."""
    stale = not os.path.exists(output) or os.path.getmtime(output) < newest_mtime(sources)
    if mode == "never":
        if not os.path.exists(output):
            raise SystemExit(f"{name}: {output} is missing and --no-build was given")
        return
    if mode == "always" or stale:
        print(f"[bench] building {name}: {command}", file=sys.stderr, flush=True)
        started = time.time()
        subprocess.run(["bash", "-c", command], cwd=cwd, check=True, stdout=sys.stderr)
        print(f"[bench] built {name} in {time.time() - started:.0f} s", file=sys.stderr, flush=True)


def wrangler_env(state=None):
    env = dict(os.environ, NUDGE_SKIP_BUILD="1", WRANGLER_SEND_METRICS="false",
               CLOUDFLARE_SEND_METRICS="false", CI="true", NO_COLOR="1")
    if state is not None:
        # wrangler writes a debug log of everything (every subrequest, through the inspector) and
        # registers in a machine-wide dev registry; keep both in this run's state directory.
        env["WRANGLER_LOG_PATH"] = os.path.join(state, "wrangler-debug.log")
        env["WRANGLER_REGISTRY_PATH"] = os.path.join(state, "registry")
    return env


class Server:
    """One `wrangler dev` in its own process group, with its state directory and log."""

    def __init__(self, name, cwd, variables):
        self.name, self.cwd, self.variables = name, cwd, variables
        self.port = free_port()
        self.state = tempfile.mkdtemp(prefix=f"nudge-bench-{name}-")
        self.log_path = os.path.join(self.state, "wrangler.log")
        self.debug_log = os.path.join(self.state, "wrangler-debug.log")
        self.proc = None

    def start(self):
        env = wrangler_env(self.state)
        subprocess.run([WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", self.state],
                       cwd=self.cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        args = [WRANGLER, "dev", "--local", "--ip", HOST, "--port", str(self.port), "--inspector-port", "0",
                "--persist-to", self.state, "--show-interactive-dev-session=false", "--log-level", "warn"]
        for k, v in self.variables.items():
            args += ["--var", f"{k}:{v}"]
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, cwd=self.cwd, env=env, stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_healthy(self, deadline):
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                c = http.client.HTTPConnection(HOST, self.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name}: wrangler dev did not become healthy; see {self.log_path}")

    def cpu_seconds(self):
        """User + system CPU of every live process in this server's session (wrangler, workerd)."""
        total, tick = 0, os.sysconf("SC_CLK_TCK")
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    # The command name may contain spaces; the fields after it are fixed.
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.proc.pid:  # session id
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / tick

    def debug_log_counts(self):
        """From wrangler's debug log: subrequests the worker made (each DO call and D1 query
        is reported through the inspector as a network response) and worker reloads."""
        subrequests = reloads = 0
        try:
            with open(self.debug_log, errors="replace") as f:
                for line in f:
                    if "'Network.responseReceived'" in line:
                        subrequests += 1
                    elif '{"type":"reloadStart"}' in line:
                        reloads += 1
        except OSError:
            pass
        return subrequests, reloads

    def settle_debug_log(self, limit_s=20):
        """wrangler appends to its debug log asynchronously and falls behind under load; wait
        (bounded) until it stops growing so that the counts are complete."""
        last, deadline = -1, time.time() + limit_s
        while time.time() < deadline:
            size = os.path.getsize(self.debug_log) if os.path.exists(self.debug_log) else 0
            if size == last:
                return
            last = size
            time.sleep(1)

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except Exception:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except Exception:
                pass
        self.proc = None

    def count(self, sql):
        out = subprocess.run([WRANGLER, "d1", "execute", "DB", "--local", "--persist-to", self.state, "--json",
                              "--command", sql], cwd=self.cwd, env=wrangler_env(self.state), check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out)[0]["results"][0]["n"]

    def cleanup(self, keep_debug_log=False):
        self.stop()
        keep = [self.log_path] + ([self.debug_log] if keep_debug_log else [])
        for path in keep:
            if os.path.exists(path):
                name = os.path.basename(path)
                shutil.copy(path, os.path.join(tempfile.gettempdir(), f"nudge-bench-{self.name}-{name}"))
        shutil.rmtree(self.state, ignore_errors=True)


def make_events(tag, n, customers, created_base, prefix="cus_Bench"):
    """`n` events, one new invoice each, alternating invoice.created (draft) and
    invoice.finalized (open), spread over `customers` customers. Bodies are compact JSON."""
    templates = [json.load(open(os.path.join(FIXTURES, f"invoice.{t}.json"))) for t in ("created", "finalized")]
    due = int(time.time()) + 30 * 86_400
    bodies = []
    for i in range(n):
        e = json.loads(json.dumps(templates[i % 2]))
        cus, inv = f"{prefix}{i % customers:05d}", f"in_Bench{tag}x{i:05d}"
        e["id"] = f"evt_bench_{tag}_{i:05d}"
        e["created"] = created_base + i
        o = e["data"]["object"]
        o["id"], o["customer"] = inv, cus
        if o.get("number"):
            o["number"] = f"BENCH-{tag}-{i:05d}"
        # Due in 30 days whatever the machine's date, so the re-evaluation after each event
        # always ends the same way (nothing to send yet) instead of drifting into reminders.
        if o.get("due_date"):
            o["due_date"] = due
        bodies.append(json.dumps(e, separators=(",", ":")).encode())
    return bodies


class Connections(threading.local):
    """One keep-alive connection per thread and port."""

    def get(self, port):
        conns = self.__dict__.setdefault("conns", {})
        if port not in conns:
            conns[port] = http.client.HTTPConnection(HOST, port, timeout=60)
        return conns[port]

    def drop(self, port):
        c = self.__dict__.get("conns", {}).pop(port, None)
        if c is not None:
            c.close()


LOCAL = Connections()


def post(server, path, body, secret):
    """One signed delivery; returns (status, parsed JSON or None, seconds). Never raises."""
    t = str(int(time.time()))
    sig = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {"Stripe-Signature": f"t={t},v1={sig}", "Content-Type": "application/json"}
    started = time.perf_counter()
    try:
        c = LOCAL.get(server.port)
        c.request("POST", path, body=body, headers=headers)
        resp = c.getresponse()
        data = resp.read()
        took = time.perf_counter() - started
    except Exception as e:  # connection reset, timeout: a failed request
        LOCAL.drop(server.port)
        return 0, repr(e), time.perf_counter() - started
    try:
        return resp.status, json.loads(data), took
    except ValueError:
        return resp.status, data[:200].decode(errors="replace"), took


def answered_ok(side, status, answer, duplicate_ok=False):
    """Did the worker take the whole path? Nudge must have applied the event in one account's
    object (not ignored it, not seen it before); the bare worker must have accepted it."""
    if status != 200 or not isinstance(answer, dict):
        return False
    if side == "nudge":
        accounts = answer.get("accounts") or []
        return len(accounts) == 1 and (duplicate_ok or accounts[0].get("duplicate") is False)
    return answer.get("received") is True


def run_pass(side, server, path, bodies, secret, concurrency):
    latencies, failures = [], []
    lock = threading.Lock()

    def one(body):
        status, answer, took = post(server, path, body, secret)
        with lock:
            latencies.append(took)
            if not answered_ok(side, status, answer):
                failures.append(f"{side} {status}: {str(answer)[:200]}")

    cpu_before, client_before = server.cpu_seconds(), time.process_time()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, bodies))
    elapsed = time.perf_counter() - started
    cpu, client = server.cpu_seconds() - cpu_before, time.process_time() - client_before
    return {"events": len(bodies), "elapsed_s": elapsed, "events_per_s": len(bodies) / elapsed,
            "latencies": latencies, "failures": failures, "cpu_s": cpu, "client_cpu_s": client}


def warm_up(side, server, path, bodies, secret):
    """Unmeasured deliveries until the worker answers them all (5xx and resets are retried: the
    first seconds after start include wrangler's reload of the worker)."""
    for body in bodies:
        for attempt in range(8):
            status, answer, _ = post(server, path, body, secret)
            # A retry of a delivery whose answer was lost is a duplicate: fine here.
            if answered_ok(side, status, answer, duplicate_ok=attempt > 0):
                break
            time.sleep(0.5 * (attempt + 1))
        else:
            raise SystemExit(f"{side}: warm-up delivery kept failing: {status} {str(answer)[:300]}")


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))] * 1000


def median(values):
    s = sorted(values)
    n = len(s)
    return (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2) if s else float("nan")


def summarise(passes):
    lat = sorted(x for p in passes for x in p["latencies"])
    events = sum(p["events"] for p in passes)
    elapsed = sum(p["elapsed_s"] for p in passes)
    return {"events": events, "elapsed_s": round(elapsed, 2), "events_per_s": round(events / elapsed, 1),
            "median_round_events_per_s": round(median([p["events_per_s"] for p in passes]), 1),
            "p50_ms": round(pct(lat, 0.50), 1), "p99_ms": round(pct(lat, 0.99), 1),
            "max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "cpu_ms_per_event": round(sum(p["cpu_s"] for p in passes) * 1000 / events, 2),
            "client_cpu_ms_per_event": round(sum(p["client_cpu_s"] for p in passes) * 1000 / events, 2),
            "failed": sum(len(p["failures"]) for p in passes)}


def machine_note():
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "crates", "bench", "Cargo.toml",
                                "Cargo.lock"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit, dirty = "?", ""
    return {"commit": commit + (" (+ uncommitted changes)" if dirty else ""), "cpus": os.cpu_count(),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
            "utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=8, help="rounds; each sends --events to each worker")
    ap.add_argument("--events", type=int, default=300, help="events per worker per round")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--customers", type=int, default=300, help="distinct customers (accounts)")
    ap.add_argument("--warmup", type=int, default=40, help="unmeasured events per worker first")
    ap.add_argument("--secret", default="whsec_bench_secret")
    ap.add_argument("--json-out", help="also write the summary as JSON to this file")
    ap.add_argument("--nudge-var", action="append", default=[], metavar="NAME=VALUE",
                    help="an extra --var for Nudge, e.g. SETTLE_SECONDS=1 (repeatable)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--rebuild", action="store_true", help="build both workers even if up to date")
    group.add_argument("--no-build", action="store_true", help="never build (fail if a build is missing)")
    args = ap.parse_args()
    if not (1 <= args.rounds <= 20 and 1 <= args.events <= 2000 and 1 <= args.concurrency <= 64
            and 1 <= args.customers <= 10_000 and 0 <= args.warmup <= 500):
        raise SystemExit("refusing: rounds 1..20, events 1..2000, concurrency 1..64, customers 1..10000, "
                         "warmup 0..500")

    mode = "always" if args.rebuild else "never" if args.no_build else "if-needed"
    env_sh = os.path.join(ROOT, "scripts/env.sh")
    build_if_needed("nudge", os.path.join(ROOT, "build/index.js"),
                    [os.path.join(ROOT, p) for p in ("src", "crates", "Cargo.toml", "Cargo.lock")],
                    "bash scripts/build.sh", ROOT, mode)
    build_if_needed("bare", os.path.join(BARE, "build/index.js"),
                    [os.path.join(BARE, "src"), os.path.join(BARE, "Cargo.toml"), os.path.join(ROOT, "Cargo.lock")],
                    f"source {env_sh} && worker-build --release", BARE, mode)

    before = machine_note()
    servers = {
        "nudge": Server("nudge", ROOT, {"STRIPE_WEBHOOK_SECRET": args.secret, "ADMIN_TOKEN": "bench-admin-token",
                                        "ERP_WEBHOOK_SECRET": "bench-erp-secret",
                                        **dict(v.split("=", 1) for v in args.nudge_var)}),
        "bare": Server("bare", BARE, {"STRIPE_WEBHOOK_SECRET": args.secret}),
    }
    paths = {"nudge": "/webhooks/stripe", "bare": "/webhook"}
    passes = {"nudge": [], "bare": []}
    io = {"nudge": {}, "bare": {}}
    problems = []
    try:
        for s in servers.values():
            s.start()
        deadline = time.time() + 120
        for s in servers.values():
            s.wait_healthy(deadline)
        # wrangler reloads a worker once shortly after start (its build watcher); let that pass.
        time.sleep(6)
        for side, s in servers.items():
            warm_up(side, s, paths[side], make_events("warm", args.warmup, args.warmup or 1, 1_793_000_000, "cus_Warm"),
                    args.secret)
        print(f"[bench] nudge on :{servers['nudge'].port}, bare on :{servers['bare'].port}; "
              f"{args.rounds} rounds x {args.events} events x 2 workers at concurrency {args.concurrency}",
              file=sys.stderr, flush=True)
        for r in range(args.rounds):
            bodies = make_events(f"r{r:02d}", args.events, args.customers, 1_793_520_000 + r * 10_000)
            order = ("nudge", "bare") if r % 2 == 0 else ("bare", "nudge")
            for side in order:
                p = run_pass(side, servers[side], paths[side], bodies, args.secret, args.concurrency)
                passes[side].append(p)
                lat = sorted(p["latencies"])
                print(f"round {r + 1:2d} {side:5s}: {p['events_per_s']:7.1f} events/s  "
                      f"p50 {pct(lat, 0.5):7.1f} ms  p99 {pct(lat, 0.99):7.1f} ms  "
                      f"cpu {p['cpu_s'] * 1000 / p['events']:6.2f} ms/event  failed {len(p['failures'])}",
                      flush=True)
                for f in p["failures"][:3]:
                    print("  failure:", f, file=sys.stderr)
                if any("restarted mid-request" in f for f in p["failures"]):
                    print("  (wrangler reloaded the worker during the round, a local-dev artifact: "
                          "run again)", file=sys.stderr)
        after = machine_note()
        expected = args.warmup + args.rounds * args.events
        for side, s in servers.items():
            s.settle_debug_log()
            subrequests, reloads = s.debug_log_counts()
            io[side] = {"subrequests_per_event": round(subrequests / expected, 2) if expected else None,
                        "reloads_after_start": max(0, reloads - 1)}
            s.stop()
        got_nudge = servers["nudge"].count("SELECT COUNT(*) AS n FROM webhook_events WHERE source = 'stripe'")
        got_invoices = servers["nudge"].count("SELECT COUNT(*) AS n FROM invoices")
        got_bare = servers["bare"].count("SELECT COUNT(*) AS n FROM events")
        for what, got in (("nudge webhook_events", got_nudge), ("nudge invoices", got_invoices),
                          ("bare events", got_bare)):
            if got != expected:
                problems.append(f"{what}: {got} rows, expected {expected}")
    finally:
        failed = problems or any(p["failures"] for ps in passes.values() for p in ps)
        for s in servers.values():
            s.cleanup(keep_debug_log=bool(failed))

    nudge, bare = summarise(passes["nudge"]), summarise(passes["bare"])
    nudge.update(io["nudge"])
    bare.update(io["bare"])
    round_ratios = [n["events_per_s"] / b["events_per_s"] for n, b in zip(passes["nudge"], passes["bare"])]
    report = {
        "machine": {"before": before, "after": after},
        "rounds": args.rounds, "events_per_round": args.events, "concurrency": args.concurrency,
        "customers": args.customers, "nudge": nudge, "bare": bare,
        "ratio_nudge_over_bare": round(nudge["events_per_s"] / bare["events_per_s"], 3),
        "median_round_ratio": round(median(round_ratios), 3),
        "cpu_per_event_ratio_bare_over_nudge": round(bare["cpu_ms_per_event"] / nudge["cpu_ms_per_event"], 3)
        if nudge["cpu_ms_per_event"] else None,
        "rows_checked": not problems,
    }
    print()
    print(f"{'':6s} {'events/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'server cpu ms/ev':>17s} "
          f"{'subrequests/ev':>15s} {'client cpu ms/ev':>17s} {'failed':>7s}")
    for side, s in (("nudge", nudge), ("bare", bare)):
        print(f"{side:6s} {s['events_per_s']:9.1f} {s['p50_ms']:8.1f} {s['p99_ms']:8.1f} "
              f"{s['cpu_ms_per_event']:17.2f} {s.get('subrequests_per_event') or 0:15.2f} "
              f"{s['client_cpu_ms_per_event']:17.2f} {s['failed']:7d}")
    print(f"ratio nudge/bare: {report['ratio_nudge_over_bare']:.3f} overall, "
          f"{report['median_round_ratio']:.3f} median of rounds (goal >= 0.5)")
    print(json.dumps(report, indent=2))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    if problems or nudge["failed"] or bare["failed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
