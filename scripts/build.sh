#!/usr/bin/env bash
# Builds the worker (wasm + JS shim) into build/. Called by wrangler's [build] hook and by the
# test script. NUDGE_SKIP_BUILD=1 skips it when the test harness has already built once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [ "${NUDGE_SKIP_BUILD:-0}" = "1" ] && [ -f build/index.js ]; then
  exit 0
fi
# The deployable wasm is optimised for size (issue 12, BENCHMARKS.md "Size and cold start"):
# "z" instead of Cargo.toml's "s" saves ≈ 112 KB of the gzipped wasm. Only this build: natively
# "z" makes the classifier 2.5× slower (still ≈ 7,100 msgs/s/core, against a 5,000 target).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
worker-build --release
# worker-build's own wasm-opt pass is off (Cargo.toml's package.metadata.wasm-pack): it runs `-O`
# and keeps the name section. One call here instead: `-Oz` twice (the second pass finds what the
# first one's inlining exposed): ≈ 9.8 KB of the gzipped wasm smaller than `-O`, ≈ 40 s more
# (one `-Oz`: 4 KB; `--converge` or `--gufa` add < 1 KB more, issue 12, BENCHMARKS.md), and
# the name and producers sections dropped (≈ 175 KB gzipped) — here rather than with `strip = true`
# in the profile, which would also drop the target_features section wasm-bindgen reads. The
# features are worker-build's own list: no newer encoding than workerd supports.
"$WASM_OPT_BIN" build/index_bg.wasm -o build/index_bg.wasm -Oz -Oz --strip-debug --strip-producers \
  --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int \
  --enable-bulk-memory --enable-multivalue --enable-reference-types --enable-exception-handling
