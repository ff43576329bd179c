#!/usr/bin/env bash
# What a phone downloads for the first screen of the sign-in page and of the
# signed-in start page, as the release server sends it (brotli, as a
# browser asks): the HTML, its stylesheet, and — only when the page has an
# island (<leptos-island>), as app/src/islands/loader.js decides — the JS
# and the wasm. Prints the table per page and fails when a page's total is
# over its budget (issue 11): 150 KB for /login and /, 250 KB for any other
# patient section opened first (a bookmark, a link in a mail).
# Needs the release site: cargo leptos build --release --precompress
set -euo pipefail
cd "$(dirname "$0")/.."

FIRST_BUDGET=150000
SECTION_BUDGET=250000
. scripts/demo_server.sh
demo_server "${FIRST_SCREEN_PORT:-3600}"
COOKIE="$(patient_cookie)"

# Bytes of the body as sent (not decoded), with the browser's Accept-Encoding.
served() {
  curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $1" \
    -H 'Accept-Encoding: br, gzip' "http://${ADDRESS}$2"
}

over=0
measure() {
  local name="$1" cookie="$2" path="$3" budget="$4" total=0 size
  local html
  html="$(curl -sf -H "Cookie: ${cookie}" "http://${ADDRESS}${path}")"
  printf '\n%s (%s)\n' "$name" "$path"
  size="$(served "$cookie" "$path")"
  printf '  %-52s %9.1f KiB\n' "the page (HTML)" "$(awk -v s="$size" 'BEGIN { print s / 1024 }')"
  total=$((total + size))
  local files
  # The build's files, and the site's own scripts a page loads (the
  # passkey script on the pages that offer passkeys).
  files="$( {
    grep -o '/pkg/[A-Za-z0-9._-]*' <<<"$html"
    grep -o -E '<script[^>]* src="/[A-Za-z0-9_-]+\.js"' <<<"$html" | grep -o -E '/[A-Za-z0-9_-]+\.js' || true
  } | sort -u)"
  if ! grep -q '<leptos-island' <<<"$html"; then
    files="$(grep -v -E '\.(js|wasm)$' <<<"$files" || true)"
    printf '  %s\n' "no island: neither the JS nor the wasm is downloaded"
  fi
  for file in $files; do
    size="$(served "$cookie" "$file")"
    printf '  %-52s %9.1f KiB\n' "$file" "$(awk -v s="$size" 'BEGIN { print s / 1024 }')"
    total=$((total + size))
  done
  printf '  %-52s %9.1f KiB   (%s bytes; budget %s)\n' "total" "$(awk -v s="$total" 'BEGIN { print s / 1024 }')" "$total" "$budget"
  if [ "$total" -gt "$budget" ]; then
    echo "  OVER BUDGET"
    over=1
  fi
}
measure "sign-in page, signed out" "" /login "$FIRST_BUDGET"
measure "start page, signed in" "$COOKIE" / "$FIRST_BUDGET"
for section in booking documents calendar referrals results home-visit news promotions finance requests settings feedback; do
  measure "section, signed in" "$COOKIE" "/$section" "$SECTION_BUDGET"
done
[ "$over" -eq 0 ] || { echo "a first screen is over its budget"; exit 1; }
