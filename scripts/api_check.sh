#!/usr/bin/env bash
# Checks the MIS integration API against its own OpenAPI document with
# schemathesis: the demo server (debug build unless SERVER names another),
# its demo MIS token, and every operation fuzzed — no answer may be a
# server error, nor fall outside the document (status, content type,
# schema). Run by scripts/test.sh after `cargo leptos build`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/demo_server.sh

SERVER="${SERVER:-target/debug/server}"
demo_server "${API_CHECK_PORT:-3093}"
TOKEN=$(grep -ao 'mis_[0-9a-f]\{64\}' "$WORK/server.log" | tail -n 1)
if [ -z "$TOKEN" ]; then
  echo "the demo server printed no MIS token; its log:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

.venv/bin/schemathesis run "http://${ADDRESS}/api/v1/openapi.json" \
  --header "Authorization: Bearer ${TOKEN}" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${API_CHECK_EXAMPLES:-60}" \
  --seed "${API_CHECK_SEED:-2026}" \
  --no-color
