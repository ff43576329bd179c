# The two commands a newcomer needs; scripts/ holds what they do.
.PHONY: run test dev bench load bench-load

run: ## install what is missing, build, serve with demo data
	scripts/run.sh

test: ## every check and test, as CI runs them
	scripts/test.sh

# Unhashed file names while watching: cargo-leptos 0.3.10 rewrites a changed
# stylesheet under its plain name without hashing it again, so a hashed page
# would keep the old one.
dev: ## the developer loop: rebuild and reload on change
	scripts/setup.sh && LEPTOS_HASH_FILES=false cargo leptos watch -- --demo

bench: ## release wasm and CSS sizes (raw, gzip, brotli), the first screens as served, Lighthouse
	scripts/bench.sh

load: ## every signed-in page under wrk -c64: req/s, p99, errors, panics
	scripts/load.sh

bench-load: ## generated patients (1k, 100k) on SQLite and PostgreSQL under wrk: bench/README.md
	bench/run.sh
