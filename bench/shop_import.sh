#!/usr/bin/env bash
# The 50,000-row Douyin shop order import (SQLite), beside the same rows written by bulk INSERTs
# in one transaction through C SQLite, in one run; with the server's peak memory before and after
# the import. Reported as the import's speed over the baseline's. Then the shop's settlement bill
# for the same orders (each matched, its fees posted and its sales figures rewritten), timed and
# reported beside the import.
#   bash bench/shop_import.sh                      # 50,000 rows
#   BENCH_ROWS=5000 ZHUNONG_BIN=target/debug/zhunong bash bench/shop_import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${ZHUNONG_BIN:-target/release/zhunong}"
ROWS="${BENCH_ROWS:-50000}"
unset ZHUNONG_BIN  # the server refuses settings it does not know
[ -x "$BIN" ] || cargo build --release --bin zhunong

dir="$(mktemp -d /tmp/zhunong-bench-shop.XXXXXX)"
trap 'kill "${srv:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export ZHUNONG_DATABASE_URL="sqlite://$dir/s.db?mode=rwc" ZHUNONG_LOG_LEVEL=warn \
  ZHUNONG_ADMIN_PASSWORD=bench-admin-password-1 ZHUNONG_BACKUP_EVERY_MINUTES=100000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
serve() { ZHUNONG_BIND="127.0.0.1:$port" "$BIN" serve >>"$dir/serve.log" 2>&1 & srv=$!
  for _ in $(seq 1 300); do curl -fs "$url/ready" >/dev/null && return; sleep 0.2; done
  echo "the server did not start" >&2; cat "$dir/serve.log" >&2; exit 1; }
stop() { kill "$srv"; wait "$srv" 2>/dev/null || true; }
peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$srv/status"; }

"$BIN" demo --password demo-pass-123 >/dev/null 2>&1 || true
serve
batch=$(python3 bench/shop_import.py setup "$url" "$ROWS")
stop
python3 bench/shop_import.py export "$ROWS" "$dir/export.csv"
cp "$dir/s.db" "$dir/before.db"
for f in s.db-wal s.db-shm; do [ -f "$dir/$f" ] && cp "$dir/$f" "$dir/before.db${f#s.db}"; done

serve
before=$(peak_kb)
secs=$(python3 bench/shop_import.py import "$url" "$dir/export.csv")
after=$(peak_kb)
bill=$(python3 bench/shop_import.py bill "$url" "$ROWS" "$dir/bill.csv")
billpeak=$(peak_kb)
stop
base=$(python3 bench/shop_import.py baseline "$dir/before.db" "$ROWS" "$batch")
python3 - "$ROWS" "$secs" "$base" "$before" "$after" "$(stat -c %s "$dir/export.csv")" "$bill" "$billpeak" <<'PY'
import sys
rows, imp, base, before, after, size = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
bill, billpeak = float(sys.argv[7]), int(sys.argv[8])
print(f"shop order import: {rows} rows ({size/1e6:.1f} MB) in {imp:.2f} s ({rows/imp:.0f} rows/s)")
print(f"the same rows as bulk INSERTs: {base:.3f} s ({rows/base:.0f} rows/s)")
print(f"import / bulk INSERT: {base/imp:.3f}x")
print(f"server peak memory: {before/1024:.0f} MB before, {after/1024:.0f} MB after the import")
print(f"settlement bill of the same orders: {bill:.2f} s ({rows/bill:.0f} lines/s), {bill/imp:.2f}x the import's time; peak memory {billpeak/1024:.0f} MB")
PY
