#!/usr/bin/env bash
# Instructions per request, counted by callgrind (the same count whatever else the machine does):
# GET /healthz and GET /v1/catalog/products/{id} with every entry cached, N each on one keep-alive
# connection, for each build given as LABEL=BINARY (default: this tree's release build). Prints the
# server's user-space instructions per request and, where the build has it, what the metrics
# middleware itself costs (its inclusive count less the service it wraps). The kernel's share of a
# request (loopback TCP: about half of its CPU under wrk, by perf) is not counted. See bench/README.md.
#
# Env: N (2000), PORT (18997), BENCH_DIR (target/bench: the 10,000-product catalog is seeded there if
# missing, as bench/run.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
PORT=${PORT:-18997}
BENCH_DIR=${BENCH_DIR:-target/bench}
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
builds=("$@")
if [ ${#builds[@]} -eq 0 ]; then
  cargo build --release -q -p shelf-server -p shelf-bench
  builds=("this=target/release/shelf")
fi
mkdir -p "$BENCH_DIR"
db="$BENCH_DIR/catalog-10000.db"
if [ ! -f "$db.done" ]; then
  cargo build --release -q -p shelf-bench
  rm -f "$db" "$db-wal" "$db-shm"
  ./target/release/shelf-seed --database-url "$db" --products 10000 --ids-out "$BENCH_DIR/ids-10000.txt"
  touch "$db.done"
fi
work=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "port $PORT is taken: set PORT" >&2; exit 1; fi
cp "$db" "$work/catalog.db"
mapfile -t ids < <(head -100 "$BENCH_DIR/ids-10000.txt" | sed 's#^#/v1/catalog/products/#')
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_DATABASE_URL="$work/catalog.db" SHELF_RATE_LIMIT_PER_MINUTE=1000000000
export SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000
# The event follower's polls would be counted with the requests: one an hour.
export SHELF_EVENT_POLL_MS=3600000

inclusive() { # dump symbol-substring: a function's inclusive instructions
  { callgrind_annotate --inclusive=yes "$1" 2>/dev/null | grep -F "$2" || true; } | head -1 | awk '{gsub(",", "", $1); print $1 + 0}'
}

printf '| build | scenario | instructions / request | metrics middleware / request |\n|---|---|---:|---:|\n'
for build in "${builds[@]}"; do
  label=${build%%=*} bin=${build#*=}
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/out.%p" "$bin" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  python3 bench/instructions.py "$PORT" 500 /healthz "${ids[@]}" # every entry cached
  for scenario in healthz byid; do
    if [ $scenario = healthz ]; then paths=(/healthz); else paths=("${ids[@]}"); fi
    callgrind_control -z "$server" >/dev/null 2>&1
    callgrind_control -i on "$server" >/dev/null 2>&1
    python3 bench/instructions.py "$PORT" "$N" "${paths[@]}"
    callgrind_control -i off "$server" >/dev/null 2>&1
    callgrind_control -d "$scenario" "$server" >/dev/null 2>&1
    # callgrind writes the dump when it next looks at its commands: wait for it.
    dump=""
    for _ in $(seq 1 100); do
      dump=$(grep -l "^desc: Trigger: dump $scenario\$" "$work"/out."$server".* 2>/dev/null | head -1 || true)
      [ -n "$dump" ] && grep -q '^totals:' "$dump" && break
      sleep 0.1
    done
    total=$(awk '/^totals:/ {print $2}' "$dump")
    track=$(inclusive "$dump" 'src/metrics.rs:shelf_http::metrics::track::{{closure}}')
    inner=$(inclusive "$dump" 'future.rs:shelf_http::metrics::track::{{closure}}')
    middleware=$([ "${track:-0}" -gt 0 ] && echo $(((track - inner) / N)) || echo "—")
    printf '| %s | %s | %d | %s |\n' "$label" "$scenario" $((total / N)) "$middleware"
  done
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  rm -f "$work"/out.*
done
