#!/usr/bin/env bash
# The "test" command (CI runs exactly this): formatting, clippy with warnings denied, native unit
# tests of every crate (and schema.sql against the migrations), the wasm release build, then the
# end-to-end suite against real workerd.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*" >&2; }
timed() { local start=$SECONDS; "$@"; printf '    (%ss)\n' "$((SECONDS - start))" >&2; }

step "set-up";                  timed bash scripts/setup.sh
step "cargo fmt --check";       timed cargo fmt --all -- --check
step "cargo clippy";            timed cargo clippy --workspace --all-targets --locked -- -D warnings
step "native unit tests";       timed cargo test --workspace --exclude nudge-worker --locked
                                timed cargo test -p nudge-worker --lib --test schema --locked
step "OpenAPI document";        timed bash scripts/check_openapi.sh
step "wasm release build";      timed bash scripts/build.sh
step "end-to-end (wrangler dev)"
NUDGE_E2E_BUILT=1 timed cargo test -p nudge-worker --test e2e --locked
step "browser (headless Chromium)"
timed bash scripts/browser_test.sh
