# Sourced by the scripts that measure the release server (first_screen.sh,
# lighthouse.sh, load.sh): starts it with demo data and signs in to it.

# demo_server PORT [DATABASE_URL]: target/release/server (or $SERVER)
# --demo on 127.0.0.1:PORT, on a fresh SQLite file in $WORK unless a
# database is given; returns once it answers /healthz. Sets ADDRESS, DEMO_DATABASE_URL,
# WORK (its log is $WORK/server.log) and SERVER_PID; stops it and removes
# $WORK on exit.
demo_server() {
  ADDRESS="127.0.0.1:$1"
  WORK="$(mktemp -d)"
  trap 'kill "${SERVER_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  DEMO_DATABASE_URL="${2:-sqlite://${WORK}/cabinet.db}"
  DATABASE_URL="$DEMO_DATABASE_URL" LEPTOS_SITE_ADDR="$ADDRESS" \
    LEPTOS_SITE_ROOT=target/site LOG_LEVEL=warn \
    "${SERVER:-target/release/server}" --demo >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 60); do curl -sf "http://${ADDRESS}/healthz" >/dev/null && break; sleep 1; done
}

# cookie_of SIGN_IN_PATH LOGIN PASSWORD: signs in as a browser would and
# prints the session cookie (name=value) — not the device cookie a
# patient's sign-in sets first.
cookie_of() {
  curl -sf -D - -o /dev/null -X POST -H "Origin: http://${ADDRESS}" \
    --data-urlencode "login=$2" --data-urlencode "password=$3" "http://${ADDRESS}$1" |
    tr -d '\r' |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 !~ /^cabinet-device=/ { print $2 }' |
    head -n 1
}

# patient_cookie: the demo patient's session cookie, checked to sign in —
# a page measured "signed in" must not be the signed-out one.
patient_cookie() {
  local cookie
  cookie="$(cookie_of /api/sign_in demo demo-patient-pass-2026)"
  if ! curl -sf -o /dev/null -X POST -H "Origin: http://${ADDRESS}" -H "Cookie: ${cookie}" \
    "http://${ADDRESS}/api/settings/account"; then
    echo "the demo patient's cookie (${cookie%%=*}) does not sign in" >&2
    return 1
  fi
  printf '%s\n' "$cookie"
}
