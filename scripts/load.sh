#!/usr/bin/env bash
# Loads every signed-in page of the release server with wrk (64 connections,
# 2 threads, 10 s a page, accepting brotli and gzip as browsers do), then the
# floor it is measured against — the signed-out sign-in page, the site's
# stylesheet and icon as files, the health check — and reports, per path,
# requests per second, p99 and the answers that were not 2xx/3xx, then the
# panics in the server's log. It
# measures, it asserts nothing about speed; it fails only when a page
# answered with an error.
#
#   scripts/load.sh                        on a fresh SQLite file with demo data
#   DATABASE_URL=postgres://…/empty_db scripts/load.sh   on PostgreSQL
#   LOAD_SECONDS=30 scripts/load.sh        longer runs
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_PAGE="${LOAD_SECONDS:-10}"
PORT="${LOAD_PORT:-3500}"
ADDRESS="127.0.0.1:${PORT}"
WORK="$(mktemp -d)"
trap 'kill "${SERVER_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
}
# The release site as `make run` serves it: hashed, precompressed files.
cargo leptos build --release --precompress

export DATABASE_URL="${DATABASE_URL:-sqlite://${WORK}/cabinet.db}"
LEPTOS_SITE_ADDR="$ADDRESS" LEPTOS_SITE_ROOT=target/site LOG_LEVEL=warn \
  target/release/server --demo >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do curl -sf "http://${ADDRESS}/healthz" >/dev/null && break; sleep 1; done

# Signs in as a browser would and prints the session cookie.
cookie_of() {
  curl -sf -D - -o /dev/null -X POST -H "Origin: http://${ADDRESS}" \
    --data-urlencode "login=$2" --data-urlencode "password=$3" "http://${ADDRESS}$1" |
    tr -d '\r' | awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }' | head -n 1
}
PATIENT="$(cookie_of /api/sign_in demo demo-patient-pass-2026)"
OPERATOR="$(cookie_of /api/admin/sign_in operator demo-operator-pass-2026)"

printf '%-32s %10s %10s %12s\n' "page" "req/s" "p99" "not 2xx/3xx"
errors=0
load() {
  local cookie="$1" path="$2" out
  out="$(wrk -t2 -c64 -d"${SECONDS_PER_PAGE}s" --latency -H "Cookie: ${cookie}" \
    -H "Accept-Encoding: br, gzip" "http://${ADDRESS}${path}")"
  local rate p99 bad
  rate="$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")"
  p99="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
  bad="$(awk '/Non-2xx or 3xx/ { print $NF }' <<<"$out")"
  bad="${bad:-0}"
  errors=$((errors + bad))
  printf '%-32s %10s %10s %12s\n' "$path" "$rate" "$p99" "$bad"
}
for path in / /booking /documents /calendar /referrals /results /home-visit /news \
  /promotions /finance /requests /requests/%D0%97-2026-000001 /settings /feedback; do
  load "$PATIENT" "$path"
done
load "$OPERATOR" /admin/requests
load "$OPERATOR" /admin/requests/%D0%97-2026-000001
# The floor.
load "" /login
load "" "/$(cd target/site && ls pkg/*.css | head -n 1)"
load "" /favicon.svg
load "" /healthz

# A panic while answering is a 500 and counted above. One in a task a
# render spawned and left running (seen: leptos_i18n's language-cookie
# effect reading its signal after the request's owner was gone) answers
# nobody, but is reported: what panicked, once each.
panics="$(grep -c 'panicked at' "$WORK/server.log" || true)"
grep -A1 'panicked at' "$WORK/server.log" | grep -v 'panicked at\|^--' | sort | uniq -c | head -n 10 || true
echo "database: ${DATABASE_URL%%\?*}   answers not 2xx/3xx: ${errors}   panics logged: ${panics}"
[ "$errors" -eq 0 ]
