#!/usr/bin/env bash
# Keeping data on a year of sales (SQLite): how long `zhunong generate`, `zhunong check` and
# `zhunong backup` take on it, and how much a backup taken while orders flow stretches their
# p99 (wrk, 1-line orders, closed loop), against the same load with no backup, in one run.
#   bash bench/backup.sh                       # 170,000 orders, 340,000 lines: a busy year
#   BENCH_YEAR_ORDERS=50000 BENCH_YEAR_LINES=100000 BENCH_SECONDS=10 bash bench/backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${ZHUNONG_BIN:-target/release/zhunong}"
ORDERS="${BENCH_YEAR_ORDERS:-170000}"
LINES="${BENCH_YEAR_LINES:-340000}"
SECONDS_EACH="${BENCH_SECONDS:-20}"
CLIENTS="${BENCH_CLIENTS:-16}"
[ -x "$BIN" ] || cargo build --release --bin zhunong
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

dir="$(mktemp -d /tmp/zhunong-bench-backup.XXXXXX)"
trap 'kill "${srv:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
export ZHUNONG_DATABASE_URL="sqlite://$dir/year.db?mode=rwc" ZHUNONG_LOG_LEVEL=warn \
  ZHUNONG_ADMIN_PASSWORD=bench-admin-password-1
secs() { python3 -c "import time; print(f'{time.time():.3f}')"; }
took() { python3 -c "print(f'{$2 - $1:.1f}')"; }

t0=$(secs); "$BIN" generate --orders "$ORDERS" --lines "$LINES" --years 1 >/dev/null; t1=$(secs)
echo "generate: $ORDERS orders, $LINES lines in $(took "$t0" "$t1") s; database $(du -m "$dir/year.db" | cut -f1) MiB"
t0=$(secs); "$BIN" check | tail -1; t1=$(secs)
echo "check: $(took "$t0" "$t1") s"
t0=$(secs); "$BIN" backup --to "$dir/usb" >/dev/null; t1=$(secs)
echo "backup (copy, compress, restore in scratch, check): $(took "$t0" "$t1") s, file $(du -m "$dir"/usb/*.zip | cut -f1) MiB"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ZHUNONG_BIND="127.0.0.1:$port" "$BIN" serve >"$dir/serve.log" 2>&1 & srv=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/ready" >/dev/null && break; sleep 0.2; done
json() { python3 -c "import sys, json; d = json.load(sys.stdin); print($1)"; }
token=$(curl -fs "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"bench-admin-password-1"}' | json 'd["access_token"]')
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
batch=$(curl -fs "${auth[@]}" "$base/api/v1/batches?status=open&per_page=1" | json 'd["items"][0]["id"]')
curl -fs "${auth[@]}" -X PATCH "$base/api/v1/batches/$batch" \
  -d '{"stock_adjustment": 10000000, "reason": "压测备货"}' >/dev/null
buyer=$(curl -fs "${auth[@]}" "$base/api/v1/buyers?per_page=1" | json 'd["items"][0]["id"]')
cat >"$dir/order.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"buyer_id":$buyer,"channel":"phone","lines":[{"batch_id":$batch,"quantity":1}]}'
LUA
load() { wrk -t2 -c"$CLIENTS" -d"${SECONDS_EACH}s" --timeout 30s --latency -s "$dir/order.lua" "$base/api/v1/orders" ; }
p99() { awk '$1 == "99%" { print $2 }' ; }
rate() { awk '$1 == "Requests/sec:" { print $2 }' ; }
refused() { awk '/Non-2xx/ { n = $NF } END { print n + 0 }' ; }

# One order by hand first: the load must be of orders that are taken.
first=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$base/api/v1/orders" \
  -d "{\"buyer_id\":$buyer,\"channel\":\"phone\",\"lines\":[{\"batch_id\":$batch,\"quantity\":1}]}")
[ "$first" = 201 ] || { echo "an order was answered $first, not 201" >&2; exit 1; }
# A first run warms the caches (and the new batch's rows) for both measured runs alike.
load >/dev/null
quiet="$(load)"
backups=0
( while [ ! -e "$dir/stop" ]; do "$BIN" backup --to "$dir/usb" >/dev/null && echo x >>"$dir/count"; done ) &
looper=$!
during="$(load)"
touch "$dir/stop"; wait "$looper" || true
backups=$(wc -l <"$dir/count" 2>/dev/null || echo 0)
echo "orders, $CLIENTS clients, ${SECONDS_EACH} s each:"
echo "  no backup:       $(echo "$quiet" | rate)/s, p99 $(echo "$quiet" | p99), not 2xx: $(echo "$quiet" | refused)"
echo "  backups running: $(echo "$during" | rate)/s, p99 $(echo "$during" | p99), not 2xx: $(echo "$during" | refused) ($backups backups finished meanwhile)"
python3 - "$(echo "$quiet" | p99)" "$(echo "$during" | p99)" <<'PY'
import sys
def ms(s):
    for suf, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if s.endswith(suf):
            return float(s[: -len(suf)]) * f
    return float("nan")
q, d = ms(sys.argv[1]), ms(sys.argv[2])
print(f"  p99 during backups / without: {d / q:.2f}x")
PY

# Erasing a buyer rewrites the file (VACUUM) so nothing of them is left: writers wait meanwhile.
t0=$(secs)
curl -fs "${auth[@]}" "$base/api/v1/buyers/$buyer/erase" -d '{"reason":"压测"}' >/dev/null
t1=$(secs)
echo "erasing a buyer (with the file rewritten): $(took "$t0" "$t1") s"
