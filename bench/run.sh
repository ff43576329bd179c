#!/usr/bin/env bash
# The benchmark kit (bench/README.md): for each database and size, fills a
# database with generated patients (bench-data), starts the release server
# on it and loads it with wrk — the signed-in pages, the server functions
# behind them, sending a request, signing in, the same page's HTML as a
# static file (the floor), 1,000 open live-update streams, and 200
# sign-ins at once beside a page — printing one table row per run
# (req/s, p50, p99, errors, server RSS) and the ratios. It measures; it
# asserts nothing about speed.
#
#   bench/run.sh                                   1k and 100k patients, SQLite and PostgreSQL
#   BENCH_PATIENTS="1000 1000000" bench/run.sh     other sizes
#   BENCH_DATABASES=postgres BENCH_SECONDS=30 bench/run.sh
#
# Generated SQLite files stay in bench/data/ and PostgreSQL databases as
# bench_<N> (127.0.0.1:5432, or BENCH_POSTGRES_URL): a second run reuses them.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${BENCH_PATIENTS:-1000 100000}"
DATABASES="${BENCH_DATABASES:-sqlite postgres}"
DURATION="${BENCH_SECONDS:-10}"
POSTGRES="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${BENCH_PORT:-3600}"
ADDRESS="127.0.0.1:${PORT}"
DATA="bench/data"
mkdir -p "$DATA"

scripts/setup.sh
command -v wrk >/dev/null || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
}
ulimit -n 65536 2>/dev/null || true
cargo leptos build --release --precompress
# bench-data is built outside cargo-leptos, whose LEPTOS_* settings the
# leptos crates are built with: building it rebuilds them (five minutes
# here), and the next `cargo leptos build` rebuilds them back. So it is
# built only when it is missing or older than its sources.
if [ ! -x target/release/bench-data ] ||
  [ -n "$(find bench/src bench/Cargo.toml Cargo.lock -newer target/release/bench-data | head -n 1)" ]; then
  cargo build --release -p bench
fi

WORK="$(mktemp -d)"
SERVER_PID=""
trap 'kill $SERVER_PID $STREAMS_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
STREAMS_PID=""
# The site as served, plus the floor: a signed-in page's HTML as a file.
cp -r target/site "$WORK/site"

rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

start_server() {
  DATABASE_URL="$1" LEPTOS_SITE_ADDR="$ADDRESS" LEPTOS_SITE_ROOT="$WORK/site" \
    LOG_LEVEL=warn REQUESTS_PER_HOUR=1000000000 \
    RATE_LIMIT_BURST=1000000000 RATE_LIMIT_PER_MINUTE=1000000000 \
    target/release/server >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do curl -sf "http://${ADDRESS}/readyz" >/dev/null && return; sleep 0.5; done
  echo "the server did not start"; cat "$WORK/server.log"; exit 1
}

stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }

sign_in() {
  curl -sf -D - -o /dev/null -X POST -H "Origin: http://${ADDRESS}" \
    --data-urlencode "login=$1" --data-urlencode "password=bench-patient-pass-2026" \
    "http://${ADDRESS}/api/sign_in" |
    tr -d '\r' |
    awk -F'[ ;]' 'tolower($1) == "set-cookie:" && $2 !~ /^cabinet-device=/ { print $2 }' |
    head -n 1
}

# The peak RSS while a command runs (sampled every 100 ms), in MB.
PEAK_FILE="$WORK/peak"
with_peak() {
  ( max=0
    trap 'echo "$max" >"$PEAK_FILE"; exit 0' TERM
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      now="$(rss)"; [ "${now:-0}" -gt "$max" ] && max="$now"
      sleep 0.1 & wait $!
    done
    echo "$max" >"$PEAK_FILE" ) &
  local sampler=$!
  "$@"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
}

RESULTS="$WORK/results"
: >"$RESULTS"
# wrk_row DB N WHAT CONNECTIONS [wrk options…] URL: one table row.
wrk_row() {
  local db="$1" n="$2" what="$3" connections="$4"; shift 4
  local out
  with_peak_out() { out="$(wrk -t2 -c"$connections" -d"${DURATION}s" --latency "$@")"; }
  with_peak with_peak_out "$@"
  local rate p50 p99 bad errors
  rate="$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")"
  p50="$(awk '$1 == "50%" { print $2 }' <<<"$out")"
  p99="$(awk '$1 == "99%" { print $2 }' <<<"$out")"
  bad="$(awk '/Non-2xx or 3xx/ { print $NF }' <<<"$out")"
  errors="$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")"
  printf '%-9s %8s  %-34s %5s %10s %9s %9s %7s %7s %6s\n' "$db" "$n" "$what" "$connections" \
    "$rate" "$p50" "$p99" "${bad:-0}" "${errors:-0}" "$(cat "$PEAK_FILE")" | tee -a "$RESULTS"
}

printf '%-9s %8s  %-34s %5s %10s %9s %9s %7s %7s %6s\n' database patients run conns \
  req/s p50 p99 not2xx sockerr RSS_MB
for db in $DATABASES; do
  for n in $SIZES; do
    if [ "$db" = sqlite ]; then
      url="sqlite://${DATA}/bench-${n}.db"
    else
      createdb -h 127.0.0.1 -U postgres "bench_${n}" 2>/dev/null || true
      url="${POSTGRES}/bench_${n}"
    fi
    target/release/bench-data generate "$url" "$n" >/dev/null
    patient="bench$((n / 2))"

    # The floor: this patient's «Все запросы» as a file of the site.
    start_server "$url"
    cookie="$(sign_in "$patient")"
    curl -sf -H "Cookie: $cookie" "http://${ADDRESS}/requests" >"$WORK/site/bench-floor.html"
    number="$(grep -o 'З-2025-[0-9]*' "$WORK/site/bench-floor.html" | head -n 1)"
    number="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$number")"
    stop_server

    start_server "$url"
    sleep 2
    idle="$(rss)"
    cookie="$(sign_in "$patient")"
    signed="$(rss)"
    printf '%-9s %8s  %-34s idle %s MB, after one sign-in %s MB\n' "$db" "$n" "server RSS" "$idle" "$signed" | tee -a "$RESULTS"
    export COOKIE="$cookie" ORIGIN="http://${ADDRESS}"
    export DESIRED_DATE="$(date -d '+14 days' +%F)"
    H=(-H "Cookie: $cookie" -H "Accept-Encoding: br, gzip")
    for page in / /calendar /results /requests "/requests/${number}"; do
      wrk_row "$db" "$n" "page $page" 64 "${H[@]}" "http://${ADDRESS}${page}"
    done
    BODY="kind=&status=" wrk_row "$db" "$n" "fn requests/list" 64 -s bench/wrk/post.lua "http://${ADDRESS}/api/requests/list"
    BODY="number=${number}" wrk_row "$db" "$n" "fn requests/one" 64 -s bench/wrk/post.lua "http://${ADDRESS}/api/requests/one"
    BODY="month=$(date +%Y-%m)&past=false" wrk_row "$db" "$n" "fn calendar/month" 64 -s bench/wrk/post.lua "http://${ADDRESS}/api/calendar/month"
    BODY="" wrk_row "$db" "$n" "fn results/overview" 64 -s bench/wrk/post.lua "http://${ADDRESS}/api/results/overview"
    # Sent as another patient: the measured one keeps their five requests.
    COOKIE="$(sign_in "bench$((n / 2 + 1))")" \
      wrk_row "$db" "$n" "send a booking" 16 -s bench/wrk/booking.lua "http://${ADDRESS}/api/booking/send"
    COOKIE="" BODY="login=${patient}&password=bench-patient-pass-2026" \
      wrk_row "$db" "$n" "sign-in (argon2)" 16 -s bench/wrk/post.lua "http://${ADDRESS}/api/sign_in"
    wrk_row "$db" "$n" "floor: the same HTML as a file" 64 -H "Accept-Encoding: br, gzip" "http://${ADDRESS}/bench-floor.html"
    wrk_row "$db" "$n" "/healthz" 64 "http://${ADDRESS}/healthz"

    # 1,000 open streams, and the page beside them.
    node bench/streams.js "$ADDRESS" "$cookie" 1000 >"$WORK/streams.log" 2>&1 &
    STREAMS_PID=$!
    for _ in $(seq 1 100); do grep -q '^open' "$WORK/streams.log" && break; sleep 0.2; done
    printf '%-9s %8s  %-34s %s, RSS %s MB\n' "$db" "$n" "1,000 live-update streams" "$(cat "$WORK/streams.log")" "$(rss)" | tee -a "$RESULTS"
    wrk_row "$db" "$n" "page /requests, 1,000 streams open" 64 "${H[@]}" "http://${ADDRESS}/requests"
    kill "$STREAMS_PID" 2>/dev/null || true
    STREAMS_PID=""

    # 200 sign-ins at once, and the page beside them.
    COOKIE="" BODY="login=${patient}&password=bench-patient-pass-2026" \
      wrk -t1 -c200 -d"${DURATION}s" --latency -s bench/wrk/post.lua "http://${ADDRESS}/api/sign_in" >"$WORK/burst.txt" &
    burst=$!
    wrk_row "$db" "$n" "page /requests, 200 sign-ins beside" 16 "${H[@]}" "http://${ADDRESS}/requests"
    wait "$burst" || true
    printf '%-9s %8s  %-34s %s req/s, p99 %s, not 2xx: %s (503 busy)\n' "$db" "$n" "the 200 sign-ins themselves" \
      "$(awk '/^Requests\/sec/ { print $2 }' "$WORK/burst.txt")" \
      "$(awk '$1 == "99%" { print $2 }' "$WORK/burst.txt")" \
      "$(awk '/Non-2xx or 3xx/ { print $NF }' "$WORK/burst.txt")" | tee -a "$RESULTS"
    printf '%-9s %8s  %-34s %s MB\n' "$db" "$n" "server RSS after the runs" "$(rss)" | tee -a "$RESULTS"
    stop_server
  done
done

echo
echo "Ratios (same run):"
awk '
  $3 == "page" && $4 == "/requests" && $5 == 64 { page[$1" "$2] = $6; p50[$1" "$2] = $7 }
  $3 == "floor:" { floor[$1" "$2] = $11 }
  END {
    for (k in page) if (floor[k] > 0) printf "  %s: signed-in /requests %.0f req/s = %.2f of the static floor %.0f req/s\n", k, page[k], page[k] / floor[k], floor[k]
  }' "$RESULTS"
awk '
  function ms(t) { if (t ~ /us$/) return t / 1000; if (t ~ /ms$/) return t + 0; if (t ~ /s$/) return t * 1000; return t }
  $3 == "page" && $5 == 64 { key = $1" "$4; v = ms($7); if (!(key in lo) || $2 < lon[key]) { lo[key] = v; lon[key] = $2 } if (!(key in hi) || $2 > hin[key]) { hi[key] = v; hin[key] = $2 } }
  END { for (k in lo) if (hin[k] != lon[k]) printf "  %s: p50 at %s patients = %.2f x p50 at %s\n", k, hin[k], hi[k] / lo[k], lon[k] }' "$RESULTS"
echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%F)"
