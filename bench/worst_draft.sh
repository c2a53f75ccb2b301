#!/usr/bin/env bash
# The release check at its worst (bench/worst_draft.py): a release build on a fresh SQLite database,
# the largest draft the save caps allow validated next to a typical one. Env: PORT (18182), RUNS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18182}
RUNS=${RUNS:-20}
cargo build --release -q -p shelf-server
work=$(mktemp -d)
export SHELF_DATABASE_URL="$work/worst.db" SHELF_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export SHELF_JWT_SECRET="bench-secret-bench-secret-bench-secret" SHELF_RATE_LIMIT_PER_MINUTE=1000000000
./target/release/shelf serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.05; done
token=$(./target/release/shelf token --sub bench-seller --role seller)
python3 bench/worst_draft.py 127.0.0.1 "$PORT" "$token" "$RUNS"
echo "peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$server/status")"
