#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
# Debian packages: scripts/system_packages.sh (chromium, chromium-driver, redis-server, nginx).
# Python packages: requirements-dev.txt (runtime pins + test tools), into the active Python.
# Browser tests save screenshots to tests/browser/screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system_packages.sh
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
  | { grep -v "WARNING: Location" || true; }
python -m pytest -q --durations=30 "$@"
