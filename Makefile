# Shelf developer tasks. `make help` lists them.
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help run test test-pg lint openapi bench ci

help:
	@echo "run      serve on the embedded SQLite database (release build)"
	@echo "test     the whole suite on SQLite"
	@echo "test-pg  the API suite on PostgreSQL (PG_URL=$(PG_URL))"
	@echo "lint     rustfmt check and clippy -D warnings"
	@echo "openapi  regenerate openapi/openapi.json"
	@echo "bench    criterion benchmarks of the domain, then the load benchmark (wrk on loopback)"
	@echo "ci       what CI runs (.ci/run)"

run:
	cargo run --release

test:
	cargo test --workspace

test-pg:
	SHELF_TEST_DATABASE_URL=$(PG_URL) cargo test -p shelf-server --test api

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

openapi:
	cargo run -q -p shelf-server -- openapi > openapi/openapi.json

bench:
	cargo bench -p shelf-domain -- --warm-up-time 1 --measurement-time 3
	bash bench/run.sh

ci:
	bash .ci/run
