#!/usr/bin/env bash
# Webhooks: releases (submit + approve) per second and their latency with webhooks off and on, and
# deliveries per second to a local receiver (`shelf-receiver`, answering 200 at once). On: CLIENTS
# sellers (10) with ENDPOINTS endpoints each (10): 100 endpoints; every release appends 3 events, so
# it fans out to 30 deliveries, written in the release's transactions and sent by the worker. Release
# build, SQLite by default; DATABASE_URL=postgres://… measures PostgreSQL (a fresh database per run).
# `bash bench/webhooks.sh LABEL=BINARY ...` measures builds side by side, alternated within each pass
# (default: this checkout's release build).
#
# Env: PORT (18193), RECEIVER (18292), SECONDS_ (8), CLIENTS (10), ENDPOINTS (10), BENCH_DIR (target/bench),
#      PG_OPTIONS (?sslmode=disable: the server talks to PostgreSQL on loopback without TLS).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18193}
RECEIVER=${RECEIVER:-18292}
SECONDS_=${SECONDS_:-8}
CLIENTS=${CLIENTS:-10}
ENDPOINTS=${ENDPOINTS:-10}
BENCH_DIR=${BENCH_DIR:-target/bench}
PG_OPTIONS=${PG_OPTIONS-?sslmode=disable}
mkdir -p "$BENCH_DIR"
cargo build --release -q -p shelf-server -p shelf-bench
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_RATE_LIMIT_PER_MINUTE=1000000000 SHELF_ALLOW_PRIVATE_ENDPOINTS=true

./target/release/shelf-receiver --bind "127.0.0.1:$RECEIVER" >"$BENCH_DIR/receiver.log" 2>&1 &
receiver=$!
trap 'kill $receiver 2>/dev/null || true' EXIT
stats() { curl -sf "http://127.0.0.1:$RECEIVER/stats"; }
for _ in $(seq 1 50); do stats >/dev/null && break; sleep 0.1; done

run() { # endpoints per seller, label, binary
  local endpoints=$1 label=$2 bin=$3 database
  if [ -n "${DATABASE_URL:-}" ]; then
    psql -q "$DATABASE_URL/postgres$PG_OPTIONS" -c "DROP DATABASE IF EXISTS shelf_bench_webhooks" -c "CREATE DATABASE shelf_bench_webhooks"
    database="$DATABASE_URL/shelf_bench_webhooks$PG_OPTIONS"
  else
    rm -f "$BENCH_DIR/webhooks.sqlite"*
    database="$BENCH_DIR/webhooks.sqlite"
  fi
  SHELF_DATABASE_URL="$database" "$bin" serve >"$BENCH_DIR/webhooks-server.log" 2>&1 &
  local server=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
  curl -sf -X DELETE "http://127.0.0.1:$RECEIVER/stats"
  local before=0
  local line
  line=$(./target/release/shelf-load --base "http://127.0.0.1:$PORT" --clients "$CLIENTS" --seconds "$SECONDS_" \
    --drafts-per-client 1000 --webhook-endpoints "$endpoints" --webhook-url "http://127.0.0.1:$RECEIVER/hook")
  read -r rps p50 p99 errors <<<"$line"
  local delivered=0 rate="—"
  if [ "$endpoints" -gt 0 ]; then
    # Until the receiver has had nothing new for 3 s.
    local last=-1 now
    for _ in $(seq 1 600); do
      now=$(stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
      [ "$now" = "$last" ] && break
      last=$now
      sleep 3
    done
    read -r delivered seconds < <(stats | python3 -c "import json,sys; s=json.load(sys.stdin); print(s['count'] - $before, s['seconds'])")
    rate=$(python3 -c "print(round($delivered / $seconds))")
  fi
  kill "$server"
  wait "$server" 2>/dev/null || true
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$((endpoints * CLIENTS))" "$rps" "$p50" "$p99" "$errors" "$delivered" "$rate" |
    tee -a "$BENCH_DIR/webhooks.md"
}

: >"$BENCH_DIR/webhooks.md"
[ $# -gt 0 ] || set -- main=./target/release/shelf
echo "| build | endpoints | releases/s | p50 ms | p99 ms | errors | deliveries | deliveries/s (first to last) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for _ in 1 2; do
  for endpoints in 0 "$ENDPOINTS"; do
    for build in "$@"; do
      run "$endpoints" "${build%%=*}" "${build#*=}"
    done
  done
done
