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

command -v wrk >/dev/null || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
}
# The release site as `make run` serves it: hashed, precompressed files.
cargo leptos build --release --precompress

. scripts/demo_server.sh
demo_server "${LOAD_PORT:-3500}" "${DATABASE_URL:-}"
PATIENT="$(patient_cookie)"
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
echo "database: ${DEMO_DATABASE_URL%%\?*}   answers not 2xx/3xx: ${errors}   panics logged: ${panics}"
[ "$errors" -eq 0 ]
