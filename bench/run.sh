#!/usr/bin/env bash
# Load benchmark on loopback: GET /healthz (the ceiling) against a draft by id and the first page of
# the draft list, with N drafts on SQLite. Release build; wrk at 64 connections.
# Env: DRAFTS (10000), CONNECTIONS (64), DURATION (10s), THREADS (2), PORT (18181).
set -euo pipefail
cd "$(dirname "$0")/.."
DRAFTS=${DRAFTS:-10000}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18181}

if ! command -v wrk >/dev/null; then
  echo "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q -p shelf-server

work=$(mktemp -d)
export SHELF_DATABASE_URL="$work/bench.db" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret"
# Seeding writes faster than any seller would: lift the per-account rate limit for the run.
export SHELF_RATE_LIMIT_PER_MINUTE=100000000
./target/release/shelf serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

token=$(./target/release/shelf token --sub bench-seller --role seller --ttl 2h)
echo "seeding $DRAFTS drafts..."
SECONDS=0
id=$(python3 bench/seed.py 127.0.0.1 "$PORT" "$token" "$DRAFTS")
echo "seeded in ${SECONDS}s"

run() { # name path [auth]
  local name=$1 path=$2 out
  if [ "${3:-}" = auth ]; then
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path")
  else
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$path")
  fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {e=e $0 "; "} END {print (e=="" ? "0" : e)}' <<<"$out")
  printf '| %-28s | %10s | %8s | %8s | %s |\n' "$name" "$rps" "$p50" "$p99" "$errors"
}

echo
echo "SQLite, $DRAFTS drafts, $CONNECTIONS connections, $DURATION each, $(nproc) cores"
printf '| %-28s | %10s | %8s | %8s | %s |\n' scenario "req/s" p50 p99 errors
printf '|%s|%s|%s|%s|%s|\n' "------------------------------" "------------" "----------" "----------" "--------"
run "GET /healthz" /healthz
run "GET /v1/drafts/{id}" "/v1/drafts/$id" auth
run "GET /v1/drafts?limit=20" "/v1/drafts?limit=20" auth
printf 'server peak RSS: %s MiB\n' "$(awk '/VmHWM/ {printf "%.1f", $2/1024}' /proc/$server/status)"
