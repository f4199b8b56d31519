#!/usr/bin/env python3
"""Size and cold start (issue 12): how big the deployable wasm is, and how long workerd takes to
serve the first request after it starts, for Nudge and for the bare workers-rs worker of
bench/bare-worker (the floor: the same runtime, SDK and wrangler, almost no code of its own).

    python3 scripts/bench/cold_start.py              # 7 starts of each, alternating, medians
    python3 scripts/bench/cold_start.py --runs 3     # a quick look
    python3 scripts/bench/cold_start.py --before /tmp/nudge-before   # and an older build, in the
                                                     # same rotation (a copy of that checkout's
                                                     # wrangler.toml, build/, scripts/, migrations/)

What it does, in order:
1. Uses the builds as they are (build/index_bg.wasm of each; `--build` rebuilds both first with
   `bash scripts/build.sh` and `worker-build --release` in bench/bare-worker).
2. Prints each wasm's raw and `gzip -9` size.
3. (No separate compile timing: the Node 20 this project pins cannot compile the module, which
   uses wasm exception handling (`try_table`), so the wasm's compile + instantiate is read as
   Nudge minus bare below.)
4. --runs times, rotating the order of the workers (Nudge, bare[, before]) each run, so that a
   machine getting busier or quieter affects all alike: starts `wrangler dev --local` on a free loopback port with
   `--inspector-port 0` and a throw-away `--persist-to` directory, polls `GET /healthz` every
   10 ms from the moment the process is spawned, and records the time to the first 200
   ("first answer": wrangler's own start, workerd's start, the wasm's compile and instantiation
   and the request). Then stops the process group.
5. Prints the median and the range of each, and Nudge minus bare: what Nudge's own wasm costs at
   start.
"""

import argparse
import gzip
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BARE = os.path.join(ROOT, "bench", "bare-worker")
WRANGLER = os.path.join(ROOT, "node_modules/.bin/wrangler")
HOST = "127.0.0.1"
WORKERS = {"nudge": ROOT, "bare": BARE}



def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wasm_path(cwd):
    return os.path.join(cwd, "build", "index_bg.wasm")


def build(name, cwd):
    if name == "before":
        raise SystemExit(f"{wasm_path(cwd)} is missing (--before takes a built copy)")
    env_sh = os.path.join(ROOT, "scripts", "env.sh")
    command = "bash scripts/build.sh" if name == "nudge" else f"source {env_sh} && worker-build --release"
    print(f"[cold-start] building {name}: {command}", file=sys.stderr, flush=True)
    subprocess.run(["bash", "-c", command], cwd=cwd, check=True, stdout=sys.stderr)


def sizes(path):
    data = open(path, "rb").read()
    return len(data), len(gzip.compress(data, compresslevel=9))


def first_answer_s(name, cwd, timeout_s=120):
    """Seconds from spawning `wrangler dev` to the first 200 of GET /healthz."""
    state = tempfile.mkdtemp(prefix=f"nudge-cold-{name}-")
    port = free_port()
    env = dict(os.environ, NUDGE_SKIP_BUILD="1", WRANGLER_SEND_METRICS="false", CLOUDFLARE_SEND_METRICS="false",
               CI="true", NO_COLOR="1", WRANGLER_LOG_PATH=os.path.join(state, "wrangler-debug.log"),
               WRANGLER_REGISTRY_PATH=os.path.join(state, "registry"))
    args = [WRANGLER, "dev", "--local", "--ip", HOST, "--port", str(port), "--inspector-port", "0",
            "--persist-to", state, "--show-interactive-dev-session=false", "--log-level", "warn"]
    log_path = os.path.join(state, "wrangler.log")
    url = f"http://{HOST}:{port}/healthz"
    with open(log_path, "w") as log:
        started = time.monotonic()
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            while time.monotonic() - started < timeout_s:
                try:
                    with urllib.request.urlopen(url, timeout=30) as resp:
                        if resp.status == 200:
                            return time.monotonic() - started
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
                if proc.poll() is not None:
                    break
                time.sleep(0.01)
            raise SystemExit(f"{name}: no 200 from /healthz; log:\n{open(log_path).read()}")
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except Exception:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            shutil.rmtree(state, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="starts of each worker (default 7)")
    ap.add_argument("--build", action="store_true", help="rebuild both workers first")
    ap.add_argument("--before", metavar="DIR", help="also start the Nudge build in DIR (its wrangler.toml and build/)")
    opts = ap.parse_args()
    if opts.before:
        WORKERS["before"] = os.path.abspath(opts.before)

    for name, cwd in WORKERS.items():
        if opts.build or not os.path.exists(wasm_path(cwd)):
            build(name, cwd)

    for name, cwd in WORKERS.items():
        raw, gz = sizes(wasm_path(cwd))
        print(f"{name:6}  wasm {raw:>9,} B raw  {gz:>9,} B gzip level 9")

    times = {name: [] for name in WORKERS}
    for run in range(opts.runs):
        names = list(WORKERS)
        order = names[run % len(names):] + names[:run % len(names)]
        for name in order:
            t = first_answer_s(name, WORKERS[name])
            times[name].append(t)
            print(f"  run {run + 1}: {name:5} first answer after {t * 1000:7.0f} ms", file=sys.stderr, flush=True)

    for name, ts in times.items():
        print(f"{name:6}  first answer: median {statistics.median(ts) * 1000:6.0f} ms  "
              f"(min {min(ts) * 1000:.0f}, max {max(ts) * 1000:.0f}, {len(ts)} starts)")
    for name in times:
        if name != "bare":
            delta = statistics.median(times[name]) - statistics.median(times["bare"])
            print(f"{name} - bare: {delta * 1000:+.0f} ms (medians)")


if __name__ == "__main__":
    main()
