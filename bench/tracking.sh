#!/usr/bin/env bash
# The 10,000-row tracking-number import (SQLite), beside the same writes done as directly as SQL
# allows, in one run: a temporary table of the file's rows, then one INSERT of the parcels, one
# of their crates and one UPDATE of the orders, in one transaction, through C SQLite. Reported as
# the import's speed over that baseline's (target ≥ 0.3×).
#   bash bench/tracking.sh                    # 10,000 rows
#   BENCH_ROWS=2000 ZHUNONG_BIN=target/debug/zhunong bash bench/tracking.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${ZHUNONG_BIN:-target/release/zhunong}"
ROWS="${BENCH_ROWS:-10000}"
unset ZHUNONG_BIN  # the server refuses settings it does not know
[ -x "$BIN" ] || cargo build --release --bin zhunong

dir="$(mktemp -d /tmp/zhunong-bench-tracking.XXXXXX)"
trap 'kill "${srv:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export ZHUNONG_DATABASE_URL="sqlite://$dir/t.db?mode=rwc" ZHUNONG_LOG_LEVEL=warn \
  ZHUNONG_ADMIN_PASSWORD=bench-admin-password-1 ZHUNONG_BACKUP_EVERY_MINUTES=100000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve() { ZHUNONG_BIND="127.0.0.1:$port" "$BIN" serve >>"$dir/serve.log" 2>&1 & srv=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && return; sleep 0.2; done
  echo "the server did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }
stop() { kill "$srv"; wait "$srv" 2>/dev/null || true; }

# One weighed parcel order made through the API, the template.
"$BIN" demo --password demo-pass-123 >/dev/null 2>&1 || true
serve
python3 bench/tracking_setup.py template "http://127.0.0.1:$port"
stop
# Copied to ROWS orders in the file itself (the import reads what the API would have written).
python3 bench/tracking_setup.py copies "$dir/t.db" "$ROWS" "$dir/tracking.csv"
cp "$dir/t.db" "$dir/before.db"

serve
secs=$(python3 bench/tracking_setup.py import "http://127.0.0.1:$port" "$dir/tracking.csv")
stop
base=$(python3 bench/tracking_setup.py baseline "$dir/before.db" "$dir/tracking.csv")
python3 - "$ROWS" "$secs" "$base" <<'PY'
import sys
rows, imp, base = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"tracking import: {rows} rows in {imp:.2f} s ({rows/imp:.0f} rows/s)")
print(f"the same writes as bare SQL: {base:.3f} s ({rows/base:.0f} rows/s)")
print(f"import / bare SQL: {base/imp:.2f}x (target >= 0.3x)")
PY
