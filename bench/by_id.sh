#!/usr/bin/env bash
# The catalog by id at random ids, builds side by side: for each build given as LABEL=BINARY (default:
# this tree's release build), in turn, ROUNDS times (alternated): a server on each catalog of SIZES,
# GET /healthz, then GET /v1/catalog/products/{id} at uniformly random ids of the catalog, plain and
# gzip (wrk, 64 connections, WARMUP of the same lookups first, not counted), and the server's peak RSS.
# Prints req/s, p99 and the ratio to /healthz of the same server. The catalogs are bench/run.sh's
# (seeded there if missing). See bench/README.md.
#
# Env: SIZES (100000), DATABASES ("sqlite postgres"), ROUNDS (2), DURATION (6s), WARMUP (10s),
#      CONNECTIONS (64), THREADS (2), PORT (18191), BENCH_DIR (target/bench),
#      BENCH_PG_URL (postgres://postgres@127.0.0.1:5432), PG_OPTIONS (?sslmode=disable),
#      SHELF_CATALOG_CACHE_MB (the server's default unless set).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-100000}
DATABASES=${DATABASES:-sqlite postgres}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-6s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18191}
BENCH_DIR=${BENCH_DIR:-target/bench}
BENCH_PG_URL=${BENCH_PG_URL-postgres://postgres@127.0.0.1:5432}
PG_OPTIONS=${PG_OPTIONS-?sslmode=disable}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
builds=("$@")
if [ ${#builds[@]} -eq 0 ]; then
  cargo build --release -q -p shelf-server -p shelf-bench
  builds=("this=target/release/shelf")
fi
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "port $PORT is taken: set PORT" >&2; exit 1; fi
for size in $SIZES; do
  if [[ " $DATABASES " == *" sqlite "* && ! -f "$BENCH_DIR/catalog-$size.db.done" ]] ||
    [[ " $DATABASES " == *" postgres "* && ! -f "$BENCH_DIR/shelf_bench_catalog_$size.done" ]]; then
    echo "seeding $size (bench/run.sh)"
    SIZES=$size DATABASES="$DATABASES" BENCH_PG_URL="$BENCH_PG_URL" DURATION=1s WARMUP=1s bash bench/run.sh >/dev/null
  fi
done
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_RATE_LIMIT_PER_MINUTE=1000000000 SHELF_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000
base="http://127.0.0.1:$PORT"
lua="$BENCH_DIR/by_id.lua"
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null' EXIT

measure() { # label url [wrk args...]: "req/s p99-ms"
  local url=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$lua" "$@" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$lua" "$@" "$url" | awk '/^RESULT/ {print $2, $4, $5}'
}

printf '%-10s %-8s %-9s %8s %7s %8s %7s %6s %8s %6s %7s %s\n' build size database healthz p99 "by id" p99 ratio gzip ratio "RSS MiB" errors
for round in $(seq 1 "$ROUNDS"); do
  for size in $SIZES; do
    for database in $DATABASES; do
      case $database in
        sqlite) url="$BENCH_DIR/catalog-$size.db" ids="$BENCH_DIR/ids-$size.txt" ;;
        postgres) url="$BENCH_PG_URL/shelf_bench_catalog_$size$PG_OPTIONS" ids="$BENCH_DIR/pg-ids-$size.txt" ;;
      esac
      for build in "${builds[@]}"; do
        label=${build%%=*} binary=${build#*=}
        SHELF_DATABASE_URL="$url" "$binary" serve >"$BENCH_DIR/by_id-$label.log" 2>&1 &
        server=$!
        for _ in $(seq 1 2000); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.01; done
        cat bench/wrk/static_get.lua bench/wrk/report.lua >"$lua"
        read -r h h99 _ < <(measure "$base/healthz")
        cat bench/wrk/random_get.lua bench/wrk/report.lua >"$lua"
        read -r p p99 pe < <(IDS="$ids" measure "$base")
        read -r g _ ge < <(IDS="$ids" measure "$base" -H "Accept-Encoding: gzip")
        rss=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$server/status")
        kill "$server"; wait "$server" 2>/dev/null || true; server=""
        printf '%-10s %-8s %-9s %8.0f %7s %8.0f %7s %6.2f %8.0f %6.2f %7s %s\n' "$label" "$size" "$database" \
          "$h" "$h99" "$p" "$p99" "$(echo "$p / $h" | bc -l)" "$g" "$(echo "$g / $h" | bc -l)" "$rss" "$((pe + ge))"
      done
    done
  done
done
