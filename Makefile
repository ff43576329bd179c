# The two commands a newcomer needs; scripts/ holds what they do.
.PHONY: run test dev bench

run: ## install what is missing, build, serve with demo data
	scripts/run.sh

test: ## every check and test, as CI runs them
	scripts/test.sh

dev: ## the developer loop: rebuild and reload on change
	scripts/setup.sh && cargo leptos watch -- --demo

bench: ## release wasm and CSS sizes (raw, gzip, brotli)
	scripts/bench.sh
