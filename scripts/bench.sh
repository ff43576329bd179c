#!/usr/bin/env bash
# Measures what a patient's phone downloads: the release wasm, JS glue and CSS,
# raw and compressed (gzip -9, brotli q11 — what a CDN or a precompressing
# server sends), then the first screens of /login and / as the release
# server sends them (scripts/first_screen.sh), and Lighthouse on three pages
# (scripts/lighthouse.sh). Builds the release site first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo leptos build --release --precompress
node -e '
const fs = require("fs"), zlib = require("zlib");
const rows = [];
// What a browser downloads: not the TypeScript declarations, not the
// precompressed copies (measured here from the file itself).
const shipped = (f) => !/\.(br|gz)$/.test(f) && !f.includes(".d.");
for (const f of fs.readdirSync("target/site/pkg").filter(shipped).sort()) {
  const raw = fs.readFileSync("target/site/pkg/" + f);
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  rows.push([f, raw.length, gz, br]);
}
const kb = n => (n / 1024).toFixed(1).padStart(8) + " KiB";
console.log("file".padEnd(44) + "raw".padStart(12) + "gzip".padStart(12) + "brotli".padStart(12));
let t = [0, 0, 0];
for (const [f, r, g, b] of rows) { console.log(f.padEnd(44) + kb(r) + kb(g) + kb(b)); t = [t[0] + r, t[1] + g, t[2] + b]; }
console.log("total".padEnd(44) + kb(t[0]) + kb(t[1]) + kb(t[2]));
'
scripts/first_screen.sh
scripts/lighthouse.sh
