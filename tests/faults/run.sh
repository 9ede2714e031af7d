#!/usr/bin/env bash
# Fault-injection suite: drives the service binary as a separate process and injects faults from
# outside it (kill -9, a full disk, PostgreSQL outages, SIGTERM, a read replica that lags or stops). Scenarios can be chosen:
#   bash tests/faults/run.sh                       # all
#   bash tests/faults/run.sh kill9 diskfull diskdies pg sigterm rolling readonly replica pitr
#   bash tests/faults/run.sh kill9-sqlite          # kill9-pg: the same on the shared PostgreSQL
# The binary is ${ZHUNONG_BIN:-target/debug/zhunong}; it is built (debug, once) only if missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${ZHUNONG_BIN:-target/debug/zhunong}"
if [ ! -x "$BIN" ]; then
  if [ -n "${ZHUNONG_BIN:-}" ]; then
    echo "ZHUNONG_BIN=$BIN is not an executable file" >&2
    exit 2
  fi
  echo "building $BIN (cargo build --bin zhunong)"
  cargo build --bin zhunong
fi

# The rolling restart runs two replicas behind nginx (deploy/nginx.conf); Debian's is enough.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx (for the rolling restart)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; } \
    || echo "nginx could not be installed; the rolling scenario will be skipped"
fi

# Test a snapshot, so a rebuild during the run cannot swap the binary between restarts.
mkdir -p target/tmp
snap="$(mktemp -d target/tmp/faults-bin.XXXXXX)"
trap 'rm -rf "$snap"' EXIT
cp "$BIN" "$snap/zhunong"
echo "binary under test: $BIN, built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$snap/zhunong" | cut -c1-12)"

# ZHUNONG_BIN must not reach the service: it rejects unknown ZHUNONG_* variables.
env -u ZHUNONG_BIN python3 tests/faults/faults.py --bin "$snap/zhunong" "$@"
