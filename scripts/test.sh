#!/usr/bin/env bash
# Runs every check and test of Patient Cabinet, as CI does:
# format, clippy (server and browser builds), unit tests, the integration
# tests on SQLite and then on PostgreSQL, schemathesis against the MIS
# integration API, the browser tests in Chromium, and the release build
# with the size of the first screens.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$(date +%s)
# Each step also tells the disk left and what target/ holds: a CI machine's
# disk is not ours to size, and a build that runs out of it dies mid-crate.
step() {
  say "$* (at $(( $(date +%s) - started )) s; disk free $(df -Ph . | awk 'NR==2 { print $4 }'), target/ $( (du -sh target 2>/dev/null || echo '0 -') | cut -f1))"
}

step "setup"
scripts/setup.sh --browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy, server build (ssr)"
cargo clippy -p app -p server -p bench --all-targets -- -D warnings

step "clippy, browser build (hydrate, wasm32)"
cargo clippy -p app -p frontend --target wasm32-unknown-unknown -- -D warnings

# The tests are built as cargo-leptos builds the server for the browser
# tests (and for `cargo leptos watch`): with components type-erased. The two
# builds then share every dependency, and the test binaries stay small — not
# erased, the server's test binaries are 3.1 GB each and target/ reaches
# 14 GB. Clippy above checks the build that is not erased, which release
# serves.
ERASED="--cfg erase_components"

step "unit and integration tests on SQLite"
RUSTFLAGS="$ERASED" cargo test -p app -p server

POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  step "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
step "integration tests on PostgreSQL"
# The same package selection as the SQLite run: `-p server` alone resolves
# another feature set and rebuilds app and server (two minutes here).
TEST_DATABASE_URL="$POSTGRES_URL" RUSTFLAGS="$ERASED" cargo test -p app -p server --test api

# Server and wasm both built by cargo-leptos, as for serving: the two halves
# must be compiled with the same settings or hydration fails. It sets
# RUSTFLAGS to "$ERASED" itself (and would add it twice to ours).
step "building the site (server and wasm) for the browser tests"
cargo leptos build

step "the integration API against its OpenAPI document (schemathesis)"
scripts/api_check.sh

step "browser tests (Playwright, headless Chromium, maildev)"
npx playwright test -c end2end/playwright.config.ts

# The release build, as `make run` serves it: a failure only release shows
# (a recursion limit did once) never reaches `make run` unseen, the first
# screens' size as served is checked against their budget, and the browser
# tests tagged @release run against it.
step "building the release site"
cargo leptos build --release --precompress

step "first screens as served (scripts/first_screen.sh)"
scripts/first_screen.sh

step "browser tests against the release build (tagged @release)"
E2E_SERVER=target/release/server npx playwright test -c end2end/playwright.config.ts --grep @release

step "all checks passed in $(( $(date +%s) - started )) s"
