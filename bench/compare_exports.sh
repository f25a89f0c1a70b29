#!/usr/bin/env bash
# Behaviour-unchanged proof of a refactor: the CLI's exports byte for byte, before and after.
#
#   bash bench/compare_exports.sh OLD_CHECKOUT NEW_CHECKOUT [WORK_DIR]
#
# Each checkout imports the real close file into its own store (BREADTH_DATA_DIR=
# WORK_DIR/r1-store-old|new, its own cache dir), then runs the same five exports with its own
# cli.py; every pair of CSVs is compared with cmp. The checkouts are only read (the commands run
# with WORK_DIR, default a new temp dir, as working directory). Exit status 0: all identical.
# The close file: BREADTH_COMPARE_FILE, default ../shared/data/us_close_2013_2026/prices.parquet
# next to NEW_CHECKOUT.
set -euo pipefail
old=$(cd "${1:?OLD_CHECKOUT}" && pwd)
new=$(cd "${2:?NEW_CHECKOUT}" && pwd)
work=${3:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
file=${BREADTH_COMPARE_FILE:-$(cd "$new/.." && pwd)/shared/data/us_close_2013_2026/prices.parquet}

EXPORTS=(
  "breadth:export breadth --universe all"
  "rotation:export rotation"
  "rrg:export rrg"
  "claims:export claims --asof 2025-07-28"
  "analogs:export analogs"
)

run() {  # run TAG CHECKOUT
  local tag=$1 repo=$2
  export BREADTH_DATA_DIR="$work/r1-store-$tag" BREADTH_CACHE_DIR="$work/r1-cache-$tag"
  rm -rf "$BREADTH_DATA_DIR" "$BREADTH_CACHE_DIR"
  (cd "$work" && python "$repo/cli.py" import --replace "$file" >"$work/$tag-import.log" 2>&1)
  for spec in "${EXPORTS[@]}"; do
    local name=${spec%%:*} args=${spec#*:}
    # shellcheck disable=SC2086  # args are words on purpose
    (cd "$work" && python "$repo/cli.py" $args --out "$work/$tag-$name.csv" 2>"$work/$tag-$name.err")
  done
}

run old "$old" &
pid=$!
run new "$new"
wait "$pid"

status=0
for spec in "${EXPORTS[@]}"; do
  name=${spec%%:*}
  if cmp "$work/old-$name.csv" "$work/new-$name.csv"; then
    echo "identical  $name  $(wc -l <"$work/new-$name.csv") lines  $(sha256sum "$work/new-$name.csv" | cut -c1-16)"
  else
    echo "DIFFERENT  $name"
    status=1
  fi
done
exit "$status"
