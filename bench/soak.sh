#!/usr/bin/env bash
# Soak run (not in CI): a release build under mixed traffic from several sellers, reviewers and
# anonymous visitors for SOAK_SECONDS (600), one line a minute: requests, 5xx, p50, p99, RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SOAK_SECONDS:-600}
PORT=${PORT:-18282}
cargo build --release -q -p shelf-server
work=$(mktemp -d)
export SHELF_DATABASE_URL="${SOAK_DATABASE_URL:-$work/soak.db}" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_JWT_SECRET="soak-secret-soak-secret-soak-secret"
export SHELF_RATE_LIMIT_PER_MINUTE=100000000 SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE=100000000 SHELF_SEARCH_RATE_LIMIT_PER_MINUTE=100000000
./target/release/shelf serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
tok() { ./target/release/shelf token --sub "$1" --role "$2" --ttl 2h --email "$1@example.com"; }
sellers="$(tok soak-seller-1 seller),$(tok soak-seller-2 seller),$(tok soak-seller-3 seller),$(tok soak-seller-4 seller)"
reviewers="$(tok soak-reviewer-1 reviewer),$(tok soak-reviewer-2 reviewer)"
python3 bench/soak.py 127.0.0.1 "$PORT" "$SECONDS_TOTAL" "$server" "$sellers" "$reviewers"
echo "server 5xx log lines: $(grep -c ' 5[0-9][0-9] ' "$work/server.log" || true)"
