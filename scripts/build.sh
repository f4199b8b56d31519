#!/usr/bin/env bash
# Builds the worker (wasm + JS shim) into build/. Called by wrangler's [build] hook and by the
# test script. NUDGE_SKIP_BUILD=1 skips it when the test harness has already built once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [ "${NUDGE_SKIP_BUILD:-0}" = "1" ] && [ -f build/index.js ]; then
  exit 0
fi
worker-build --release
