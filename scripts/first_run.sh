#!/usr/bin/env bash
# Prove the README's first command on a fresh machine: a fresh clone of HEAD, a fresh venv with
# requirements.txt alone, `pip install -r requirements.txt && python app.py` on an empty store,
# then headless Chromium checks that every visible chart has data. Fails exactly when a
# newcomer's first command would. Needs Debian's chromium + chromium-driver (scripts/test.sh
# installs them). The checker runs from its own small venv (selenium), never the app's.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/breadth-first-run.XXXXXX")
port=${FIRST_RUN_PORT:-8050}
app_pid=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
  # else the check below would read that server's page, not the fresh clone's
  echo "first run: FAILED, something already answers on port $port (FIRST_RUN_PORT picks another)" >&2
  exit 1
fi

ref=${FIRST_RUN_REF:-HEAD}
echo "first run: fresh clone of $ref and a fresh venv in $work"
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$(git rev-parse "$ref")"
python3 -m venv "$work/venv"
python3 -m venv "$work/checker"
"$work/checker/bin/python" -m pip install -q --disable-pip-version-check \
  "$(grep -E '^selenium==' requirements-dev.txt)" 2>&1 | { grep -v "WARNING: Location" || true; }

cd "$work/clone"
# The README's first command, verbatim, in the fresh venv; only the port may differ.
(
  # shellcheck disable=SC1091
  . "$work/venv/bin/activate"
  export BREADTH_PORT="$port"
  pip install -q --disable-pip-version-check -r requirements.txt && exec python app.py
) >"$work/app.log" 2>&1 &
app_pid=$!

start=$(date +%s)
until curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1; do
  if ! kill -0 "$app_pid" 2>/dev/null; then
    echo "first run: FAILED, 'pip install -r requirements.txt && python app.py' exited:" >&2
    tail -n 40 "$work/app.log" >&2
    exit 1
  fi
  if [ $(($(date +%s) - start)) -gt 900 ]; then
    echo "first run: FAILED, no page on port $port after 900 s" >&2
    tail -n 40 "$work/app.log" >&2
    exit 1
  fi
  sleep 1
done
echo "first run: page up $(($(date +%s) - start)) s after the command (install included)"

shot_dir="$repo/tests/browser/screenshots"
mkdir -p "$shot_dir"
if ! "$work/checker/bin/python" "$repo/scripts/first_run_check.py" "http://127.0.0.1:$port/" \
  --timeout 180 --screenshot "$shot_dir/first-run.png"; then
  echo "first run: FAILED, see $shot_dir/first-run.png; the app's log:" >&2
  tail -n 40 "$work/app.log" >&2
  exit 1
fi
if grep -q "Traceback" "$work/app.log"; then
  echo "first run: FAILED, the app logged a traceback:" >&2
  grep -A 20 "Traceback" "$work/app.log" | head -n 40 >&2
  exit 1
fi
echo "first run: ok"
