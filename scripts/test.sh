#!/usr/bin/env bash
# Installs everything into .venv and runs the whole test suite, integration tests with the real bundled
# model included. Arguments go to pytest, e.g. `-m "not integration"` for the fast unit tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/python -m rag model -q
.venv/bin/python -m pytest "$@"
