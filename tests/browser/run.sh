#!/usr/bin/env bash
# Browser tests of the web pages, in headless Chromium (Debian's package; no browser download).
#
#   bash tests/browser/run.sh            # from the repository root
#   SERVER_BIN=/path/to/zhunong bash tests/browser/run.sh
#
# Installs what is missing on a fresh Debian machine (chromium, fonts-wqy-microhei for Chinese
# glyphs, playwright-core from package-lock.json), then runs `node --test tests/browser/`.
# Screenshots are written to artifacts/browser/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

font_present() {
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] ||
    { command -v fc-list >/dev/null && fc-list | grep -qi 'WenQuanYi Micro Hei'; }
}

if [ ! -x /usr/bin/chromium ] || ! font_present; then
  echo "== installing chromium and fonts-wqy-microhei"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-wqy-microhei
fi

command -v node >/dev/null || { echo "node (20 or later) is required" >&2; exit 1; }

# playwright-core drives the system Chromium; it downloads no browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(
  cd tests/browser
  if [ ! -f package-lock.json ]; then
    echo "== npm install (first time: writes package-lock.json, commit it)"
    npm install --no-audit --no-fund
  elif [ ! -f node_modules/playwright-core/package.json ] ||
       [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "== npm ci"
    npm ci --no-audit --no-fund
  fi
)

if [ -z "${SERVER_BIN:-}" ]; then
  SERVER_BIN=target/debug/zhunong
  if [ ! -x "$SERVER_BIN" ]; then
    echo "== cargo build --bin zhunong"
    cargo build --bin zhunong
  fi
fi
case "$SERVER_BIN" in /*) ;; *) SERVER_BIN="$ROOT/$SERVER_BIN" ;; esac
[ -x "$SERVER_BIN" ] || { echo "server binary not found: $SERVER_BIN" >&2; exit 1; }
export SERVER_BIN

mkdir -p artifacts/browser
echo "== node --test tests/browser/ (server: $SERVER_BIN)"
# A test that hangs fails after 5 minutes instead of holding CI until its limit.
node --test --test-timeout=300000 tests/browser/
