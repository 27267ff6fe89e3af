#!/usr/bin/env bash
# Runs CI (`bash .ci/run`) N times in a row, each time in a fresh clone of this repository's
# current commit in a temporary folder, and prints one line per run and a summary: a test that
# fails once in ten is found here rather than on someone's change.
#
#   bash scripts/repeat-ci.sh        # 10 runs
#   bash scripts/repeat-ci.sh 3      # 3 runs
#
# Each clone installs from the lockfile (`npm ci`, from the npm cache when it is warm), as CI does.
# Only committed work is cloned. Failed runs keep their log; passed runs' folders are removed.
set -uo pipefail
runs=${1:-10}
case $runs in '' | *[!0-9]*) echo "usage: $0 [runs]" >&2; exit 2 ;; esac
source_repo=$(cd "$(dirname "$0")/.." && git rev-parse --show-toplevel)
commit=$(git -C "$source_repo" rev-parse HEAD)
work=$(mktemp -d "${TMPDIR:-/tmp}/kanal-repeat-ci.XXXXXX")
echo "repeat-ci: $runs fresh clones of $(git -C "$source_repo" log -1 --format='%h %s' "$commit"), in $work"

passed=0
for run in $(seq 1 "$runs"); do
  clone="$work/run-$run"
  log="$work/run-$run.log"
  started=$(date +%s)
  {
    git clone --quiet --no-checkout "$source_repo" "$clone" &&
      git -C "$clone" checkout --quiet --detach "$commit" &&
      (cd "$clone" && bash .ci/run)
  } >"$log" 2>&1
  code=$?
  printf 'run %2d/%d  ' "$run" "$runs"
  node "$source_repo/scripts/vitest-summary.mjs" "$log" "$code" "$(($(date +%s) - started))"
  if [ "$code" -eq 0 ]; then
    passed=$((passed + 1))
    rm -rf "$clone" "$log"
  else
    rm -rf "$clone/node_modules"
  fi
done
echo "repeat-ci: $passed of $runs runs green$([ "$passed" -eq "$runs" ] && echo ', all consecutive')"
[ "$passed" -eq "$runs" ] && rmdir "$work" 2>/dev/null
[ "$passed" -eq "$runs" ]
