#!/usr/bin/env bash
# Browser tests of the staff web app: starts the real `amends serve` (AMENDS_BIN, or
# ${CARGO_TARGET_DIR:-<repo>/target}/debug/amends) and drives the system Chromium
# through playwright-core. Screenshots land in tests/browser/screenshots/.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund
fi

CHROMIUM="${AMENDS_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && [ "$CHROMIUM" = /usr/bin/chromium ]; then
    apt-get update && apt-get install -y chromium
  else
    echo "Chromium is missing at $CHROMIUM: install it (apt-get install chromium) or set AMENDS_CHROMIUM" >&2
    exit 1
  fi
fi

repo="$(cd ../.. && pwd)"
export AMENDS_BIN="${AMENDS_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/amends}"
# Someone may be rebuilding it: wait a minute before giving up.
for _ in $(seq 60); do [ -x "$AMENDS_BIN" ] && break; sleep 1; done
if [ ! -x "$AMENDS_BIN" ]; then
  echo "The amends binary is missing at $AMENDS_BIN: build it (cargo build -p amends) or set AMENDS_BIN" >&2
  exit 1
fi

# Two files (each its own server and Chromium) run at once; set
# AMENDS_BROWSER_CONCURRENCY=1 to run them one after another.
exec node --test --test-concurrency="${AMENDS_BROWSER_CONCURRENCY:-2}" "$@" \
  story.test.js refusals.test.js security.test.js layout.test.js coach.test.js shortcuts.test.js merge.test.js a11y.test.js spam.test.js \
  disclosure.test.js reply.test.js report.test.js waiting.test.js satisfied.test.js invitation.test.js escalation.test.js \
  ideas.test.js proof.test.js customer_view.test.js calls.test.js concerns.test.js languages.test.js pseudo.test.js manager_german.test.js
