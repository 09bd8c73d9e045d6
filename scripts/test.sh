#!/usr/bin/env bash
# Installs everything into .venv and runs the whole test suite, integration tests with the real bundled
# model included. Arguments go to pytest, e.g. `-m "not integration"` for the fast unit tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser tests drive Debian's Chromium (with Japanese fonts for readable screenshots).
if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ja 2>/dev/null | grep -q .; then
  as_root=""; [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/python -m rag model -q
.venv/bin/python -m pytest "$@"
