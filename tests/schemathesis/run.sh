#!/usr/bin/env bash
# Contract tests: schemathesis (every check, enabled in schemathesis.toml rather than with
# `--checks all` so that the file can switch one off for one operation; stateful phase included) against the running
# server's own /api/openapi.json, once as admin, once as a helper and once as a partner API key.
# Each run is bounded in examples per operation (ST_MAX_EXAMPLES) and in seconds (ST_TIME_ADMIN,
# ST_TIME_HELPER, ST_TIME_PARTNER; the admin run is longest so the stateful phase gets time); the
# whole script takes about 3 minutes. Raise them to run longer locally. Exits non-zero on any failure; the last line is
# "N passed, M failed" counting the three runs.
set -euo pipefail
cd "$(dirname "$0")/../.."

MAX_EXAMPLES="${ST_MAX_EXAMPLES:-10}"
BIN="${ZHUNONG_BIN:-target/debug/zhunong}"
# The server refuses unknown ZHUNONG_* variables; ours is for this script only.
unset ZHUNONG_BIN

if ! command -v schemathesis >/dev/null 2>&1; then
  echo "installing schemathesis"
  pip install --quiet 'schemathesis>=4,<5'
fi
if [[ ! -x "$BIN" ]]; then
  echo "building $BIN"
  cargo build --bin zhunong
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
ADMIN_PW="contract-admin-pw-1"
STAFF_PW="contract-staff-pw-1"

ZHUNONG_DATABASE_URL="sqlite://$WORK/zhunong.db?mode=rwc" \
ZHUNONG_BIND="127.0.0.1:$PORT" \
ZHUNONG_ADMIN_PASSWORD="$ADMIN_PW" \
ZHUNONG_JWT_SECRET="contract-tests-secret-0123456789abcdef" \
ZHUNONG_LOG_LEVEL=warn \
ZHUNONG_PARTNER_RATE_PER_SEC=10000 \
ZHUNONG_PARTNER_BURST=10000 \
ZHUNONG_WORKERS=2 \
  "$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 100); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "server exited" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$BASE/health" >/dev/null || { cat "$WORK/server.log" >&2; echo "server did not start" >&2; exit 1; }

# api METHOD PATH TOKEN [JSON] — prints the body, fails on a non-2xx answer.
api() {
  local args=(-fsS -X "$1" "$BASE$2" -H 'Content-Type: application/json')
  [[ -n "$3" ]] && args+=(-H "Authorization: Bearer $3")
  [[ $# -ge 4 ]] && args+=(--data "$4")
  curl "${args[@]}"
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
login() { api POST /api/v1/auth/login "" "{\"username\":\"$1\",\"password\":\"$2\"}" | json_field access_token; }

ADMIN="$(login admin "$ADMIN_PW")"
api POST /api/v1/users "$ADMIN" "{\"username\":\"st-helper\",\"password\":\"$STAFF_PW\",\"role\":\"helper\"}" >/dev/null
HELPER="$(login st-helper "$STAFF_PW")"
BUYER="$(api POST /api/v1/buyers "$ADMIN" '{"kind":"enterprise","name":"契约测试公司","company":"契约测试公司","phone":"05511234567"}' | json_field id)"

passed=0
failed=0
run_as() {
  local who="$1" seconds="$2" token="$3"
  echo "== schemathesis as $who"
  if schemathesis --config-file tests/schemathesis/schemathesis.toml run "$BASE/api/openapi.json" \
      --phases examples,coverage,fuzzing,stateful \
      --workers 1 \
      --max-examples "$MAX_EXAMPLES" \
      --max-time "$seconds" \
      --request-timeout 10 \
      --seed "${ST_SEED:-20260101}" \
      --suppress-health-check all \
      -H "Authorization: Bearer $token" \
      "${@:4}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}
# The admin run goes last: it revokes the keys it finds, disables users and resets passwords,
# which would leave the partner's key and the helper's token dead.
PARTNER="$(api POST "/api/v1/buyers/$BUYER/api-keys" "$ADMIN" '{"label":"contract tests"}' | json_field key)"
run_as partner "${ST_TIME_PARTNER:-35}" "$PARTNER" --include-path-regex '^/api/v1/partner/'
run_as helper "${ST_TIME_HELPER:-40}" "$HELPER"
run_as admin "${ST_TIME_ADMIN:-90}" "$ADMIN"

echo "schemathesis: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
