#!/usr/bin/env bash
# The contract as a partner's tools read it: /api/openapi.json must validate
# (openapi-spec-validator), and a Python client generated from it (openapi-python-client) must
# place a partner bulk order with an Idempotency-Key, retry it and get the same order, read it
# back, and list only its own orders (partner_flow.py). Both tools come from PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${ZHUNONG_BIN:-target/debug/zhunong}"
unset ZHUNONG_BIN
command -v openapi-spec-validator >/dev/null 2>&1 && command -v openapi-python-client >/dev/null 2>&1 \
  || pip install --quiet 'openapi-spec-validator>=0.7,<1' 'openapi-python-client>=0.25,<1'
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
ADMIN_PW="client-admin-pw-1"
ZHUNONG_DATABASE_URL="sqlite://$WORK/zhunong.db?mode=rwc" ZHUNONG_BIND="127.0.0.1:$PORT" \
ZHUNONG_ADMIN_PASSWORD="$ADMIN_PW" ZHUNONG_JWT_SECRET="client-tests-secret-0123456789abcdef" \
ZHUNONG_LOG_LEVEL=warn "$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done

api() {
  local args=(-fsS -X "$1" "$BASE$2" -H 'Content-Type: application/json')
  [[ -n "$3" ]] && args+=(-H "Authorization: Bearer $3")
  [[ $# -ge 4 ]] && args+=(--data "$4")
  curl "${args[@]}"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
ADMIN="$(api POST /api/v1/auth/login "" "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" | field access_token)"
COLL="$(api POST /api/v1/collectives "$ADMIN" '{"name":"红光村"}' | field id)"
GROWER="$(api POST /api/v1/growers "$ADMIN" "{\"collective_id\":$COLL,\"name\":\"王飞\",\"kind\":\"household\"}" | field id)"
PRODUCT="$(api POST /api/v1/products "$ADMIN" '{"name":"上海青","pricing":"by_piece"}' | field id)"
BATCH="$(api POST /api/v1/batches "$ADMIN" "{\"product_id\":$PRODUCT,\"grower_id\":$GROWER,\"harvest_date\":\"2026-11-01\",\"quantity\":1000,\"retail_price_fen\":100,\"enterprise_price_fen\":80}" | field id)"
key_for() {
  local buyer
  buyer="$(api POST /api/v1/buyers "$ADMIN" "{\"kind\":\"enterprise\",\"name\":\"$1\",\"company\":\"$1\",\"phone\":\"$2\"}" | field id)"
  api POST "/api/v1/buyers/$buyer/api-keys" "$ADMIN" '{"label":"generated client"}' | field key
}
KEY="$(key_for 皖酒集团 05511111111)"
OTHER="$(key_for 合肥农产品公司 05512222222)"

curl -fsS "$BASE/api/openapi.json" -o "$WORK/openapi.json"
echo "== openapi-spec-validator"
openapi-spec-validator "$WORK/openapi.json"
echo "== openapi-python-client"
(cd "$WORK" && openapi-python-client generate --path openapi.json --config "$OLDPWD/tests/client/config.yml" \
  --output-path zhunong_client --meta none >"$WORK/generate.log" 2>&1) || { cat "$WORK/generate.log"; exit 1; }
if grep -qi "warning" "$WORK/generate.log"; then
  echo "the generator warned:"; cat "$WORK/generate.log"; exit 1
fi
echo "== a partner's flow through the generated client"
PYTHONPATH="$WORK" python3 tests/client/partner_flow.py "$BASE" "$KEY" "$OTHER" "$BATCH"
echo "generated client: 1 passed, 0 failed"
