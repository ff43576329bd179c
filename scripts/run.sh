#!/usr/bin/env bash
# Runs Patient Cabinet on a fresh machine: installs what is missing, builds
# (release), and serves with demo data on the embedded SQLite database.
#   DATABASE_URL=postgres://… scripts/run.sh   serves from PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo leptos build --release --precompress

export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
cat <<MSG

  Patient Cabinet: http://${LEPTOS_SITE_ADDR}/
  Demo sign-in (patient):      demo / demo-patient-pass-2026
  Not yet activated (patient): temp-0001 / temp-pass-0001-2026
  Administrative module (/admin/login):
    administrator:             admin / demo-admin-pass-2026
    reception:                 reception / demo-reception-pass-2026
    contact-centre operator:   operator / demo-operator-pass-2026
  Database: ${DATABASE_URL:-sqlite://data/cabinet.db}   Stop with Ctrl-C.

MSG
exec target/release/server --demo
