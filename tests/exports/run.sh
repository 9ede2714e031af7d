#!/usr/bin/env bash
# The XLSX downloads as another real spreadsheet reads them: LibreOffice (Debian's headless Calc)
# opens each one and saves it as CSV, and check.py compares what it shows with the API's JSON:
# the totals to the fen, dates shown as dates, percentages as percentages, 元 only by default.
#
#   bash tests/exports/run.sh            # installs libreoffice-calc-nogui if missing
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${ZHUNONG_BIN:-target/debug/zhunong}"
unset ZHUNONG_BIN
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v soffice >/dev/null 2>&1; then
  echo "== installing libreoffice-calc-nogui"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi
[[ -x "$BIN" ]] || cargo build --bin zhunong

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
export ZHUNONG_DATABASE_URL="sqlite://$WORK/zhunong.db?mode=rwc" ZHUNONG_BIND="127.0.0.1:$PORT" \
  ZHUNONG_ADMIN_PASSWORD="exports-admin-pw-1" ZHUNONG_JWT_SECRET="exports-tests-secret-0123456789abcdef" \
  ZHUNONG_LOG_LEVEL=warn
(cd "$WORK" && "$OLDPWD/$BIN" demo --password demo-pass-123 >/dev/null)
"$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done

TOKEN="$(curl -fsS -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  --data '{"username":"secretary","password":"demo-pass-123"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
get() { curl -fsS "$BASE/api/v1$1" -H "Authorization: Bearer $TOKEN" -o "$2"; }

YEAR=$(( $(date +%Y) - 1 ))
SALES="/reports/sales?from=$YEAR-01-01&to=$YEAR-12-31&interval=month&group_by=product&compare=previous_year"
get "$SALES" "$WORK/sales.json"
get "$SALES&format=xlsx" "$WORK/sales.xlsx"
get "/reports/collective-income?collective_id=1&year=$YEAR" "$WORK/income.json"
get "/reports/collective-income?collective_id=1&year=$YEAR&format=xlsx" "$WORK/income.xlsx"

echo "== LibreOffice opens the workbooks and saves them as CSV"
# 44 = comma, 34 = double quote, 76 = UTF-8; cells are saved as shown.
HOME="$WORK" soffice --headless --norestore --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' \
  --outdir "$WORK/out" "$WORK/sales.xlsx" "$WORK/income.xlsx" >"$WORK/soffice.log" 2>&1 \
  || { cat "$WORK/soffice.log" >&2; exit 1; }
python3 tests/exports/check.py "$WORK"
[[ -n "${EXPORTS_KEEP:-}" ]] && cp -r "$WORK/out" "$EXPORTS_KEEP"; true
