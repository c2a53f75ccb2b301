#!/usr/bin/env bash
# make bench: the load benchmark suite. Release build, databases seeded by shelf-seed, wrk at 64
# connections on loopback, one table with every figure and its ratio to GET /healthz measured in
# the same run. See bench/README.md.
#
# Env: SIZES ("10000 100000": listed products per catalog run, "" for none; the README's figures add 1000000),
#      DURATION (6s per scenario, after WARMUP 2s of the same load, not counted), CONNECTIONS (64), THREADS (2), PORT (18181),
#      BENCH_DIR (target/bench: seeded databases are kept there and reused),
#      BENCH_PG_URL (postgres://postgres@127.0.0.1:5432: the read scenarios again on PostgreSQL, then
#      two instances on the same database with the connections split between them while
#      shelf-visibility times approvals through one until the other shows them, and the releases
#      scenario; "" skips them; the second instance listens on PORT + 1),
#      PG_OPTIONS (?sslmode=disable: both shelf and pgbench talk to PostgreSQL on loopback without TLS),
#      RELEASE_SECONDS (10),
#      DATABASES ("sqlite postgres": which catalog runs; "postgres" re-measures PostgreSQL alone, kept
#      SQLite figures from an earlier run can be joined to results.tsv by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES-"10000 100000"}
DURATION=${DURATION:-6s}
WARMUP=${WARMUP:-2s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18181}
BENCH_DIR=${BENCH_DIR:-target/bench}
BENCH_PG_URL=${BENCH_PG_URL-postgres://postgres@127.0.0.1:5432}
RELEASE_SECONDS=${RELEASE_SECONDS:-10}
PG_OPTIONS=${PG_OPTIONS-?sslmode=disable}
DATABASES=${DATABASES:-sqlite postgres}

need() { # command package
  command -v "$1" >/dev/null && return
  echo "installing $2"
  (apt-get update -qq && apt-get install -y -qq "$2" >/dev/null) || { echo "cannot install $2" >&2; exit 1; }
}
need wrk wrk
need curl curl
need python3 python3
[ -z "$BENCH_PG_URL" ] || { need pgbench postgresql-contrib; need psql postgresql-client; }
cargo build --release -q -p shelf-server -p shelf-bench
mkdir -p "$BENCH_DIR"
results="$BENCH_DIR/results.tsv"
: >"$results"
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
# The bench drives more traffic per account than any seller would: lift the per-account limits.
export SHELF_RATE_LIMIT_PER_MINUTE=1000000000 SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000 SHELF_SEARCH_RATE_LIMIT_PER_MINUTE=1000000000
base="http://127.0.0.1:$PORT"
server=""
server_b=""
stop_server() { [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; server=""; }; }
stop_servers() { [ -z "$server_b" ] || kill "$server_b" 2>/dev/null; stop_server; }
trap stop_servers EXIT

start_server() { # database-url log; sets $server and $startup_ms (start to ready, migrations done before)
  local t0 t1
  SHELF_DATABASE_URL="$1" ./target/release/shelf migrate >/dev/null
  t0=$(date +%s%N)
  SHELF_DATABASE_URL="$1" ./target/release/shelf serve >"$2" 2>&1 &
  server=$!
  for _ in $(seq 1 6000); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.005; done
  t1=$(date +%s%N)
  startup_ms=$(( (t1 - t0) / 1000000 ))
}

rss_mib() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$server/status"; }

scenario() { # label size script-or-"" url [wrk args...]
  local label=$1 size=$2 script=$3 url=$4; shift 4
  local lua="$BENCH_DIR/run.lua"
  cat "bench/wrk/${script:-static_get.lua}" bench/wrk/report.lua >"$lua"
  local line
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$lua" "$@" "$url" >/dev/null
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$lua" "$@" "$url" | awk '/^RESULT/ {print $2, $3, $4, $5}')
  echo -e "$size\t$label\t${line// /	}" >>"$results"
  printf '  %-34s %s\n' "$label" "$line"
}

reads() { # group database-url ids-file: every read scenario against a server on this database
  local group=$1 url=$2 ids=$3
  start_server "$url" "$BENCH_DIR/server-$group.log"
  echo "$group: ready in ${startup_ms} ms"
  depth=$(python3 bench/prepare.py "$base" "$ids" "$BENCH_DIR" 1000)
  reviewer=$(./target/release/shelf token --sub bench-reviewer --role reviewer --ttl 2h)
  deep=$(cat "$BENCH_DIR/deep_token")
  scenario "GET /healthz" "$group" "" "$base/healthz"
  IDS="$ids" scenario "GET catalog product (random id)" "$group" random_get.lua "$base"
  # As browsers and HTTP libraries ask: the entry is sent as stored, gzip-coded.
  IDS="$ids" scenario "GET catalog product (random id, gzip)" "$group" random_get.lua "$base" \
    -H "Accept-Encoding: gzip"
  scenario "GET catalog list, first page" "$group" "" "$base/v1/catalog/products"
  scenario "GET catalog list, page $depth" "$group" "" "$base/v1/catalog/products?page_token=$deep"
  scenario "GET catalog ?q=kafka" "$group" "" "$base/v1/catalog/products?q=kafka"
  scenario "GET catalog ?q=gringotts redis" "$group" "" "$base/v1/catalog/products?q=gringotts%20redis"
  scenario "GET catalog ?q= (no match)" "$group" "" "$base/v1/catalog/products?q=quantum%20gardening"
  scenario "GET catalog list ?region=SG" "$group" "" "$base/v1/catalog/products?region=SG"
  scenario "GET catalog list ?region=SG, page $depth" "$group" "" "$base/v1/catalog/products?region=SG&page_token=$deep"
  scenario "GET catalog ?q=kafka&region=SG" "$group" "" "$base/v1/catalog/products?q=kafka&region=SG"
  QUOTES="$BENCH_DIR/quotes.txt" scenario "POST catalog quote (random)" "$group" random_quote.lua "$base"
  scenario "GET review queue, first page" "$group" "" "$base/v1/review/applications" \
    -H "Authorization: Bearer $reviewer"
  echo -e "$group\tpeak RSS MiB\t$(rss_mib)\t\t\t" >>"$results"
  echo -e "$group\tstart-up ms\t$startup_ms\t\t\t" >>"$results"
  stop_server
  # The list and search scenarios again with the catalog cache off: every page read from the
  # database (what a page nobody asked for lately costs, and how it grows with the catalog).
  SHELF_CATALOG_CACHE_MB=0 start_server "$url" "$BENCH_DIR/server-$group-uncached.log"
  group="$group uncached"
  scenario "GET /healthz" "$group" "" "$base/healthz"
  scenario "GET catalog list, first page" "$group" "" "$base/v1/catalog/products"
  scenario "GET catalog list, page $depth" "$group" "" "$base/v1/catalog/products?page_token=$deep"
  scenario "GET catalog ?q=kafka" "$group" "" "$base/v1/catalog/products?q=kafka"
  scenario "GET catalog list ?region=SG" "$group" "" "$base/v1/catalog/products?region=SG"
  scenario "GET catalog list ?region=SG, page $depth" "$group" "" "$base/v1/catalog/products?region=SG&page_token=$deep"
  scenario "GET catalog ?q=kafka&region=SG" "$group" "" "$base/v1/catalog/products?q=kafka&region=SG"
  stop_server
}

pair() { # group label script-or-"" path [wrk args...]: half the connections on each instance at once
  local group=$1 label=$2 script=$3 path=$4; shift 4
  local lua="$BENCH_DIR/run.lua" half=$((CONNECTIONS / 2)) t=$((THREADS / 2 > 0 ? THREADS / 2 : 1)) a b
  cat "bench/wrk/${script:-static_get.lua}" bench/wrk/report.lua >"$lua"
  wrk -t"$t" -c"$half" -d"$WARMUP" -s "$lua" "$@" "$base$path" >/dev/null & a=$!
  wrk -t"$t" -c"$half" -d"$WARMUP" -s "$lua" "$@" "$base_b$path" >/dev/null & b=$!
  wait $a $b
  wrk -t"$t" -c"$half" -d"$DURATION" -s "$lua" "$@" "$base$path" >"$BENCH_DIR/pair-a.out" & a=$!
  wrk -t"$t" -c"$half" -d"$DURATION" -s "$lua" "$@" "$base_b$path" >"$BENCH_DIR/pair-b.out" & b=$!
  wait $a $b
  for side in a b; do
    local line
    line=$(awk '/^RESULT/ {print $2, $3, $4, $5}' "$BENCH_DIR/pair-$side.out")
    echo -e "$group $side\t$label\t${line// /	}" >>"$results"
    printf '  %-34s %s %s\n' "$label" "$side" "$line"
  done
}

two_instances() { # group database-url ids-file: two servers on one PostgreSQL database, the load split
  local group=$1 url=$2 ids=$3 seconds ready="$BENCH_DIR/visibility.ready" watcher
  start_server "$url" "$BENCH_DIR/server-$group-a.log"
  base_b="http://127.0.0.1:$((PORT + 1))"
  SHELF_BIND="127.0.0.1:$((PORT + 1))" SHELF_DATABASE_URL="$url" ./target/release/shelf serve \
    >"$BENCH_DIR/server-$group-b.log" 2>&1 &
  server_b=$!
  for _ in $(seq 1 6000); do curl -sf "$base_b/readyz" >/dev/null && break; sleep 0.005; done
  echo "$group: two instances (a: $base, b: $base_b), ${CONNECTIONS} connections split between them"
  pair "$group" "GET /healthz" "" "/healthz"
  IDS="$ids" pair "$group" "GET catalog product (random id)" random_get.lua ""
  IDS="$ids" pair "$group" "GET catalog product (random id, gzip)" random_get.lua "" -H "Accept-Encoding: gzip"
  # While the list is read through both, releases go through a and are waited for on b.
  rm -f "$ready"
  seconds=$(( ${WARMUP%s} + ${DURATION%s} ))
  ./target/release/shelf-visibility --base "$base" --other "$base_b" --seconds "$seconds" \
    --ready-file "$ready" >"$BENCH_DIR/visibility.out" & watcher=$!
  for _ in $(seq 1 6000); do [ -f "$ready" ] && break; sleep 0.01; done
  pair "$group" "GET catalog list, first page" "" "/v1/catalog/products"
  wait $watcher
  read -r approvals worst p50 p99 late <"$BENCH_DIR/visibility.out"
  echo "  approval through a, seen on b: $approvals approvals, worst $worst ms, p50 $p50, p99 $p99, $late over 500 ms"
  echo -e "$group visibility\tapproval seen on b (ms; count)\t$approvals\t$p50\t$p99\t$late" >>"$results"
  echo -e "$group visibility\tworst delay ms\t$worst\t\t\t" >>"$results"
  kill "$server_b" 2>/dev/null; wait "$server_b" 2>/dev/null || true; server_b=""
  stop_server
}

for size in $SIZES; do
  db="$BENCH_DIR/catalog-$size.db"
  if [[ " $DATABASES " == *" sqlite "* ]]; then
    if [ ! -f "$db.done" ]; then
      rm -f "$db" "$db-wal" "$db-shm"
      ./target/release/shelf-seed --database-url "$db" --products "$size" --ids-out "$BENCH_DIR/ids-$size.txt"
      touch "$db.done"
    fi
    reads "$size" "$db" "$BENCH_DIR/ids-$size.txt"
  fi
  # The same products on PostgreSQL (the same seed: the same contents; ids of its own), kept between
  # runs like the SQLite files.
  if [ -n "$BENCH_PG_URL" ] && [[ " $DATABASES " == *" postgres "* ]]; then
    pg_db="shelf_bench_catalog_$size"
    if [ ! -f "$BENCH_DIR/$pg_db.done" ]; then
      psql -q "$BENCH_PG_URL/postgres$PG_OPTIONS" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db"
      ./target/release/shelf-seed --database-url "$BENCH_PG_URL/$pg_db$PG_OPTIONS" --products "$size" \
        --ids-out "$BENCH_DIR/pg-ids-$size.txt"
      touch "$BENCH_DIR/$pg_db.done"
    fi
    reads "pg-$size" "$BENCH_PG_URL/$pg_db$PG_OPTIONS" "$BENCH_DIR/pg-ids-$size.txt"
    two_instances "pg-$size two instances" "$BENCH_PG_URL/$pg_db$PG_OPTIONS" "$BENCH_DIR/pg-ids-$size.txt"
  fi
done

if [ -n "$BENCH_PG_URL" ]; then
  releases_db="shelf_bench_releases"
  pgbench_db="shelf_bench_pgbench"
  psql -q "$BENCH_PG_URL/postgres$PG_OPTIONS" -c "DROP DATABASE IF EXISTS $releases_db" -c "CREATE DATABASE $releases_db" \
    -c "DROP DATABASE IF EXISTS $pgbench_db" -c "CREATE DATABASE $pgbench_db"
  start_server "$BENCH_PG_URL/$releases_db$PG_OPTIONS" "$BENCH_DIR/server-pg.log"
  echo "PostgreSQL releases: ready in ${startup_ms} ms"
  line=$(./target/release/shelf-load --base "$base" --clients "$CONNECTIONS" --seconds "$RELEASE_SECONDS" \
    --drafts-per-client 300 --secret "$SHELF_JWT_SECRET")
  echo "  $line"
  echo -e "pg\tsubmit + approve (releases/s)\t${line// /	}" >>"$results"
  echo -e "pg\tpeak RSS MiB\t$(rss_mib)\t\t\t" >>"$results"
  stop_server
  pgbench -q -i -s 10 "$BENCH_PG_URL/$pgbench_db$PG_OPTIONS" >/dev/null 2>&1
  tps=$(pgbench -c "$CONNECTIONS" -j "$THREADS" -T "$RELEASE_SECONDS" "$BENCH_PG_URL/$pgbench_db$PG_OPTIONS" 2>/dev/null |
    awk '/^tps/ {print int($3); exit}')
  echo "  pgbench TPC-B-like: $tps tps"
  echo -e "pg\tpgbench TPC-B-like (tps)\t$tps\t\t\t" >>"$results"
  psql -q "$BENCH_PG_URL/postgres$PG_OPTIONS" -c "DROP DATABASE $releases_db" -c "DROP DATABASE $pgbench_db"
fi

python3 bench/report.py "$results"
