#!/usr/bin/env bash
# Browser tests: Debian's chromium (installed with apt if missing) driven by playwright-core
# from npm (pinned in package-lock.json; it never downloads a browser), against a debug build of
# the binary started by the tests themselves on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  echo "node is required for the browser tests" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
(cd ../.. && cargo build -p frontdesk --quiet)
export FRONTDESK_BIN="$CARGO_TARGET_DIR/debug/frontdesk"
export CHROMIUM="$(command -v chromium)"
npm test
