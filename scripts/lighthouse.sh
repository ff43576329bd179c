#!/usr/bin/env bash
# Lighthouse 12 (mobile, the default) in Debian's Chromium against the
# release server with demo data: performance and accessibility scores, time to interactive,
# total blocking time and bytes transferred for /login (signed out) and /
# (signed in). Timings, so a benchmark: printed for BENCHMARKS.md, never a
# test. Needs the release site (make bench builds it).
set -euo pipefail
cd "$(dirname "$0")/.."

LIGHTHOUSE_VERSION=12.8.2
. scripts/demo_server.sh
demo_server "${LIGHTHOUSE_PORT:-3610}"
COOKIE="$(patient_cookie)"

run() {
  local name="$1" path="$2" headers="$3"
  CHROME_PATH=/usr/bin/chromium npx --yes "lighthouse@${LIGHTHOUSE_VERSION}" \
    "http://${ADDRESS}${path}" --quiet --output=json --output-path="$WORK/report.json" \
    --only-categories=performance,accessibility --extra-headers="$headers" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
  node -e '
const r = require(process.argv[1]);
const a = r.audits;
console.log(
  process.argv[2].padEnd(28),
  "performance", String(Math.round(r.categories.performance.score * 100)).padStart(4),
  "  accessibility", String(Math.round(r.categories.accessibility.score * 100)).padStart(4),
  "  TTI", (a.interactive.numericValue / 1000).toFixed(2).padStart(6), "s",
  "  TBT", String(Math.round(a["total-blocking-time"].numericValue)).padStart(5), "ms",
  "  LCP", (a["largest-contentful-paint"].numericValue / 1000).toFixed(2).padStart(6), "s",
  "  transferred", (a["total-byte-weight"].numericValue / 1024).toFixed(1).padStart(7), "KiB");
// What keeps accessibility under 100, by name.
for (const ref of r.categories.accessibility.auditRefs) {
  const audit = a[ref.id];
  if (ref.weight > 0 && audit.score !== null && audit.score < 1) console.log("    accessibility: failed", ref.id, "—", audit.title);
}
' "$WORK/report.json" "$name ($path)"
}
run "sign-in page, signed out" /login '{}'
run "start page, signed in" / "{\"Cookie\": \"${COOKIE}\"}"
run "a request form, signed in" /booking "{\"Cookie\": \"${COOKIE}\"}"
