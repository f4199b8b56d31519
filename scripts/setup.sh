#!/usr/bin/env bash
# Idempotent set-up for a fresh machine with rustup, Node 20 and npm: installs exactly the tool
# versions the lockfiles ask for, and nothing from outside a package registry. Quick when done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The versions are read from Cargo.lock so that the CLI always matches the library exactly.
lock_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}
if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
want_bindgen=$(lock_version wasm-bindgen)
want_worker=$(lock_version worker)

# No registry this project can reach ships these two binaries (crates.io has sources only; the
# npm `wasm-pack`/`binary-install` route downloads from GitHub at install time), so they are
# compiled here. They are built unoptimised (`--debug`) into one shared target dir: the compile
# is the slow part of a first run (release: 4m11s CPU for wasm-bindgen-cli alone, --debug: 1m41s),
# while at run time worker-build only orchestrates and wasm-bindgen costs ~2 s more per build.
# The shared dir lets the dependencies both tools have in common compile once.
tool_flags=(--debug --target-dir "$ROOT/target/tools")

have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_bindgen" != "$want_bindgen" ]; then
  log "installing wasm-bindgen-cli $want_bindgen (was: ${have_bindgen:-none})"
  cargo install wasm-bindgen-cli --version "=$want_bindgen" --force "${tool_flags[@]}"
fi

# `worker-build --version` prints the bare version (e.g. `0.8.7`).
have_worker_build=$(worker-build --version 2>/dev/null | awk '{print $NF}' || true)
if [ "$have_worker_build" != "$want_worker" ]; then
  log "installing worker-build $want_worker (was: ${have_worker_build:-none})"
  cargo install worker-build --version "=$want_worker" --locked --force "${tool_flags[@]}"
fi

# npm ci only when package-lock.json changed since the last install.
stamp=node_modules/.nudge-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  log "installing JS tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# Local secrets: random values, created once, never committed.
if [ ! -f .dev.vars ]; then
  log "creating .dev.vars with random secrets"
  rand() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
  sed -e "s/^STRIPE_WEBHOOK_SECRET=.*/STRIPE_WEBHOOK_SECRET=whsec_$(rand)/" \
      -e "s/^ERP_WEBHOOK_SECRET=.*/ERP_WEBHOOK_SECRET=$(rand)/" \
      -e "s/^ADMIN_TOKEN=.*/ADMIN_TOKEN=$(rand)/" .dev.vars.example > .dev.vars
fi
