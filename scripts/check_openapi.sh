#!/usr/bin/env bash
# Validates /openapi.json (written to target/openapi.json by the worker's unit test
# `every_operator_route_is_documented…`) with openapi-spec-validator, a real OpenAPI 3.1 validator,
# installed from PyPI into a virtualenv under target/ (once; pinned).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
venv=target/openapi-venv
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.7.1"
fi
"$venv/bin/openapi-spec-validator" target/openapi.json
