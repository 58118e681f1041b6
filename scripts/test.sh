#!/usr/bin/env bash
# npm test: typecheck, lint, production build, unit and integration tests (SQLite and PostgreSQL; the
# crash-safety test starts the built server), then the browser tests (again on both databases).
# Stops at the first failing step. The last line is always "N passed, N failed", counting the tests of vitest and Playwright; a failing
# step that runs no tests (typecheck, lint, build) counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

results=.test-data/results
mkdir -p "$results"
rm -f "$results"/*.json
passed=0
failed=0

# Adds the counts of a reporter's JSON file (vitest or playwright) to passed/failed.
add_counts() {
  local counts
  counts=$(node -e '
    const fs = require("node:fs");
    let r;
    try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.log("0 0"); process.exit(0); }
    if (r.stats) console.log((r.stats.expected + r.stats.flaky) + " " + r.stats.unexpected); // playwright
    else console.log(r.numPassedTests + " " + r.numFailedTests); // vitest
  ' "$1") || counts="0 0"
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

# step NAME [JSON-FILE] -- COMMAND...
step() {
  local name=$1 json="" start=$SECONDS status
  shift
  if [ "$1" != "--" ]; then json=$1; shift; fi
  shift
  echo
  echo "==> $name: $*"
  "$@"
  status=$?
  local failed_before=$failed
  [ -n "$json" ] && add_counts "$json"
  if [ $status -ne 0 ]; then
    echo "==> $name failed (exit $status) after $((SECONDS - start))s"
    [ $failed -eq $failed_before ] && failed=$((failed + 1))
    echo "$passed passed, $failed failed"
    exit $status
  fi
  echo "==> $name passed in $((SECONDS - start))s"
}

step typecheck -- npx tsc --noEmit
step lint -- npm run lint
# Built before vitest: tests/crash-safety.test.ts runs the production server (npm start's).
step build -- npm run build
step vitest "$results/vitest.json" -- \
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
export PLAYWRIGHT_JSON_OUTPUT_FILE="$results/playwright.json"
step playwright "$results/playwright.json" -- npx playwright test

echo
echo "$passed passed, $failed failed"
