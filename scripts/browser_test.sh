#!/usr/bin/env bash
# The dashboard's browser test: headless Debian Chromium (installed here if missing) driven by
# playwright-core (no browser download) against a seeded `wrangler dev` on a free port with a
# throw-away state directory. Screenshots go to target/screenshots/. Build first
# (scripts/build.sh); scripts/test.sh does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "[browser] installing Debian chromium" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
[ -f build/index.js ] || bash scripts/build.sh

TOKEN="browser-test-admin-token"
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
STATE=$(mktemp -d "${TMPDIR:-/tmp}/nudge-browser-XXXXXX")
WRANGLER="$ROOT/node_modules/.bin/wrangler"
export WRANGLER_SEND_METRICS=false NUDGE_SKIP_BUILD=1 NO_COLOR=1 FORCE_COLOR=0 CI=true

"$WRANGLER" d1 migrations apply DB --local --persist-to "$STATE" >"$STATE/migrations.log" 2>&1
setsid "$WRANGLER" dev --local --ip 127.0.0.1 --port "$PORT" --inspector-port 0 \
  --persist-to "$STATE" --show-interactive-dev-session=false --log-level warn \
  --var "ADMIN_TOKEN:$TOKEN" --var STRIPE_WEBHOOK_SECRET:whsec_browser --var ERP_WEBHOOK_SECRET:erp_browser \
  --var TEST_CLOCKS:true --var SETTLE_SECONDS:1 >"$STATE/wrangler.log" 2>&1 &
WPID=$!
cleanup() {
  kill -- "-$WPID" 2>/dev/null || true
  wait "$WPID" 2>/dev/null || true
  rm -rf "$STATE"
}
trap cleanup EXIT

BASE="http://localhost:$PORT"
for _ in $(seq 1 120); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null || { cat "$STATE/wrangler.log" >&2; exit 1; }

node tests/browser/seed.mjs "$BASE" "$TOKEN"
mkdir -p target/screenshots
NUDGE_BASE="$BASE" NUDGE_TOKEN="$TOKEN" CHROMIUM="$CHROMIUM" SCREENSHOTS="$ROOT/target/screenshots" \
  node tests/browser/dashboard.test.mjs || { tail -n 40 "$STATE/wrangler.log" >&2; exit 1; }
