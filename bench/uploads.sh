#!/usr/bin/env bash
# Upload and download throughput of a large package: uploaded through /v1/uploads (parts of 8 MiB, 4
# in flight, then complete: joined and hashed by the server), made an asset, scanned, approved, and
# downloaded from /v1/assets/{id}/package (hashed by the client as it arrives); on the directory store
# and on a local S3-compatible server (moto). Upload as a ratio to `cp` of the same file on the same
# disk, download to reading and hashing it from the disk (as the client hashes what it downloads);
# the server's peak RSS over both. Release build.
#
# Env: SIZE_MB (1024), PORT (18191), BENCH_DIR (target/bench), PARALLEL (4).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
PORT=${PORT:-18191}
BENCH_DIR=${BENCH_DIR:-target/bench}
PARALLEL=${PARALLEL:-4}
cargo build --release -q -p shelf-server
mkdir -p "$BENCH_DIR"
# A tar of one member of random bytes: a package the scan accepts.
file="$BENCH_DIR/package-$SIZE_MB.tar"
if [ ! -f "$file" ]; then
  head -c $((SIZE_MB << 20)) /dev/urandom >"$BENCH_DIR/payload.bin"
  tar -cf "$file" -C "$BENCH_DIR" payload.bin
  rm -f "$BENCH_DIR/payload.bin"
fi
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_RATE_LIMIT_PER_MINUTE=1000000000
token=$(./target/release/shelf token --sub bench-seller --role seller --ttl 2h)
reviewer=$(./target/release/shelf token --sub bench-reviewer --role reviewer --ttl 2h)

sync
started=$(date +%s.%N)
cp "$file" "$file.copy" && sync
cp_seconds=$(echo "$(date +%s.%N) - $started" | bc)
rm -f "$file.copy"
echo "cp of ${SIZE_MB} MiB: ${cp_seconds}s"
# The download's ceiling: reading the same file and hashing it the way the client does (hashlib).
hash_seconds=$(python3 - "$file" <<'PY'
import hashlib, sys, time
started, digest = time.monotonic(), hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        digest.update(chunk)
print(f"{time.monotonic() - started:.3f}")
PY
)
echo "read and hash of ${SIZE_MB} MiB: ${hash_seconds}s"

run() { # store-name, then env assignments for the server
  local name=$1
  shift
  rm -rf "$BENCH_DIR/uploads-db.sqlite"* "$BENCH_DIR/files"
  env "$@" SHELF_DATABASE_URL="$BENCH_DIR/uploads-db.sqlite" ./target/release/shelf serve >"$BENCH_DIR/uploads-server.log" 2>&1 &
  local server=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
  read -r total parts join download same < <(python3 bench/uploads.py "http://127.0.0.1:$PORT" "$token" "$reviewer" "$file" "$PARALLEL")
  local rss
  rss=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$server/status")
  kill "$server"
  wait "$server" 2>/dev/null || true
  local mbps ratio down_mbps down_ratio
  mbps=$(echo "scale=1; $SIZE_MB / $total" | bc)
  ratio=$(echo "scale=2; $cp_seconds / $total" | bc)
  down_mbps=$(echo "scale=1; $SIZE_MB / $download" | bc)
  down_ratio=$(echo "scale=2; $hash_seconds / $download" | bc)
  printf '| %s | %s MiB | %ss (parts %ss, complete %ss) | %s MiB/s | %s | %ss, %s MiB/s | %s | %s | %s MiB |\n' \
    "$name" "$SIZE_MB" "$total" "$parts" "$join" "$mbps" "$ratio" "$download" "$down_mbps" "$down_ratio" "$same" \
    "$rss" | tee -a "$BENCH_DIR/uploads.md"
}

: >"$BENCH_DIR/uploads.md"
echo "| store | package | upload | upload throughput | cp ÷ upload | download | read+hash ÷ download | bytes | server peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
run directory SHELF_FILES_DIR="$BENCH_DIR/files"

source .ci/s3
curl -sf -X PUT "$SHELF_TEST_S3_URL/shelf-bench" >/dev/null
run s3 SHELF_S3_URL="$SHELF_TEST_S3_URL" SHELF_S3_BUCKET=shelf-bench
