# The two commands of the README's quick start, plus the pieces they are made of.
.PHONY: dev test setup build e2e bench

dev:            ## Build and serve the worker on http://localhost:8787 (local D1, DO, cron, email)
	bash scripts/dev.sh

test:           ## Everything CI checks: fmt, clippy, unit tests, wasm build, end-to-end suite
	bash scripts/test.sh

setup:          ## Install the pinned tools (idempotent)
	bash scripts/setup.sh

build: setup    ## The wasm release build into build/
	bash scripts/build.sh

e2e: build      ## Only the end-to-end suite
	NUDGE_E2E_BUILT=1 cargo test -p nudge-worker --test e2e
