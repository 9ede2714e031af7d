#!/usr/bin/env bash
# Builds the release binaries and runs the order-placement benchmark against PostgreSQL and
# SQLite. Extra arguments go to zhunong-bench (--seconds N, --clients 8,32,64, --only sqlite, …).
# Needs PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
command -v pgbench >/dev/null || { echo "pgbench (postgresql-contrib / postgresql client) is needed" >&2; exit 2; }
cargo build --release -p zhunong -p zhunong-bench
exec target/release/zhunong-bench "$@"
