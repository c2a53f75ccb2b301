#!/usr/bin/env bash
# Releases on PostgreSQL, builds side by side: `bash bench/releases.sh LABEL=BINARY ...` runs
# `shelf-load` (CLIENTS 64 clients, SECONDS_ 10 s, submit + approve) against each `shelf` binary in
# turn, ROUNDS times (3), alternating, each on a fresh database; then pgbench (TPC-B-like, the same
# clients) for the ratio. Besides releases/s and latency it prints what one release cost in the window:
# CPU of the PostgreSQL processes and of the server (utime + stime from /proc, so other load on the
# machine shows up here too), transactions committed and WAL written. The machines these run on are
# shared and noisy: compare builds alternated in one run, never across runs.
#
# Env: ROUNDS (3), CLIENTS (64), SECONDS_ (10), PORT (18195), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432),
#      PG_OPTIONS (?sslmode=disable).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-64}
SECONDS_=${SECONDS_:-10}
PORT=${PORT:-18195}
BENCH_PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_OPTIONS=${PG_OPTIONS-?sslmode=disable}
[ $# -gt 0 ] || { echo "usage: bash bench/releases.sh LABEL=path/to/shelf ..." >&2; exit 2; }
cargo build --release -q -p shelf-server -p shelf-bench
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_RATE_LIMIT_PER_MINUTE=1000000000 PGOPTIONS="--client-min-messages=warning"
db=shelf_bench_releases_side_by_side
admin="$BENCH_PG_URL/postgres$PG_OPTIONS"
url="$BENCH_PG_URL/$db$PG_OPTIONS"
sql() { psql -X -q -At "$url" -c "$1"; }
cpu_of() { # pids: their utime + stime, in clock ticks
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
ticks=$(getconf CLK_TCK)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true' EXIT

one() { # label binary
  local label=$1 bin=$2 log err lsn0 cpu_pg0 cpu_srv0 xact0 line releases
  psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  SHELF_DATABASE_URL="$url" "$bin" migrate >/dev/null
  log=$(mktemp)
  err=$(mktemp)
  SHELF_DATABASE_URL="$url" "$bin" serve >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 2000); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.005; done
  ./target/release/shelf-load --base "http://127.0.0.1:$PORT" --clients "$CLIENTS" --seconds "$SECONDS_" \
    --drafts-per-client 300 --secret "$SHELF_JWT_SECRET" >"$log.out" 2>"$err" &
  local load=$!
  # The window starts when the drafts are prepared.
  until grep -q prepared "$err" 2>/dev/null; do
    kill -0 "$load" 2>/dev/null || { cat "$err" >&2; exit 1; }
    sleep 0.05
  done
  lsn0=$(sql "SELECT pg_current_wal_lsn()")
  xact0=$(sql "SELECT xact_commit FROM pg_stat_database WHERE datname = '$db'")
  # shellcheck disable=SC2046
  cpu_pg0=$(cpu_of $(pgrep -u postgres postgres))
  cpu_srv0=$(cpu_of "$server")
  wait "$load"
  local cpu_pg1 cpu_srv1 wal xact1
  # shellcheck disable=SC2046
  cpu_pg1=$(cpu_of $(pgrep -u postgres postgres))
  cpu_srv1=$(cpu_of "$server")
  wal=$(sql "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0')")
  sleep 0.6 # the statistics collector's next flush
  xact1=$(sql "SELECT xact_commit FROM pg_stat_database WHERE datname = '$db'")
  line=$(cat "$log.out")
  releases=$(awk -v s="$SECONDS_" '{print $1 * s}' <<<"$line")
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  awk -v l="$label" -v line="$line" -v n="$releases" -v pg="$((cpu_pg1 - cpu_pg0))" -v srv="$((cpu_srv1 - cpu_srv0))" \
    -v t="$ticks" -v wal="$wal" -v x="$((xact1 - xact0))" 'BEGIN {
      split(line, f, " ");
      printf "%-12s %9d %8.1f %8.1f %14.3f %14.3f %10.2f %10.1f\n", l, f[1], f[2], f[3],
        pg * 1000 / t / n, srv * 1000 / t / n, x / n, wal / 1024 / n }'
  rm -f "$log" "$log.out" "$err"
}

printf '%-12s %9s %8s %8s %14s %14s %10s %10s\n' build releases/s p50_ms p99_ms pg_cpu_ms/rel srv_cpu_ms/rel commits/rel wal_KiB/rel
for _ in $(seq 1 "$ROUNDS"); do
  for arg in "$@"; do
    one "${arg%%=*}" "${arg#*=}"
  done
done
psql -X -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS shelf_bench_releases_pgbench" \
  -c "CREATE DATABASE shelf_bench_releases_pgbench"
pgbench -q -i -s 10 "$BENCH_PG_URL/shelf_bench_releases_pgbench$PG_OPTIONS" >/dev/null 2>&1
pgbench -c "$CLIENTS" -j 2 -T "$SECONDS_" "$BENCH_PG_URL/shelf_bench_releases_pgbench$PG_OPTIONS" 2>/dev/null |
  awk '/^tps/ {printf "pgbench TPC-B-like: %d tps\n", $3; exit}'
psql -X -q "$admin" -c "DROP DATABASE shelf_bench_releases_pgbench"
