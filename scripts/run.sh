#!/usr/bin/env bash
# Installs the app into .venv and starts the chat page on the bundled corpus and models.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt
exec .venv/bin/python app.py "$@"
