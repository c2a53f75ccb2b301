#!/usr/bin/env bash
# Findings 1-4 of the bounded-work review (bench/findings.py) against a release build of this checkout
# on a fresh SQLite database. BIN names another build to measure it the same way. Env: PORT (18183).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18183}
BIN=${BIN:-target/release/shelf}
[ -n "${BIN_GIVEN:-}" ] || cargo build --release -q -p shelf-server
work=$(mktemp -d)
export SHELF_DATABASE_URL="$work/findings.db" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret"
export SHELF_RATE_LIMIT_PER_MINUTE=1000000000 SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000
"$BIN" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.05; done
token=$("$BIN" token --sub bench-seller --role seller)
python3 bench/findings.py 127.0.0.1 "$PORT" "$token" "$server" "$work/findings.db"
