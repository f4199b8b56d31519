#!/usr/bin/env bash
# The "run" command: set up, build, apply the D1 schema to local state, serve on workerd at
# http://localhost:8787 with cron testing and test clocks on. No Cloudflare account needed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
bash scripts/setup.sh
CI=true wrangler d1 migrations apply DB --local --persist-to .state >/dev/null
exec wrangler dev --local --persist-to .state --port "${PORT:-8787}" --test-scheduled \
  --var TEST_CLOCKS:true --show-interactive-dev-session=false "$@"
