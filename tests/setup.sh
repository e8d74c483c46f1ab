#!/usr/bin/env bash
# Install everything the test suite needs, idempotently: Debian's packages that are missing (Python's
# venv, Node.js and npm, Chromium, Java), then the package with its test extras in .venv and the node
# readers (ical.js, feedsmith, the Nu Html Checker, axe-core).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
python3 -c "import ensurepip" 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/pip ] || python3 -m venv --clear .venv  # --clear: over a venv that an earlier attempt left without pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

(cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
