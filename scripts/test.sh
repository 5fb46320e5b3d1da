#!/usr/bin/env bash
# Set everything up, then run the whole test suite, browser tests included.
# Browser tests need Debian's chromium (/usr/bin/chromium): installed here when
# missing and apt-get can be used; otherwise this fails and says what to install.
# Extra arguments go to pytest (e.g. -k browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -x "${GEO_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing Debian's chromium for the browser tests ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test: the browser tests need Chromium at /usr/bin/chromium;" \
         "install it (Debian: 'sudo apt-get install chromium') or set GEO_CHROMIUM" >&2
    exit 1
  fi
fi
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
