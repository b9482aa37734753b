#!/usr/bin/env bash
# Runs every test: Zig unit tests, the cross-compile of all targets, the
# generated-table check, the typecheck and `bun test` (unit, ABI, behaviour).
# First installs the system programs the tests run, where missing
# (scripts/test-deps.sh). Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
passed=0 failed=0 skipped=0 failed_steps=()
step() { # name, command...; a step that exits 77 could not run here and said why
  local name=$1 rc log; shift
  echo "== $name"
  log="$(mktemp -t cordon-step.XXXXXX)"
  "$@" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
  case $rc in
    0) passed=$((passed + 1)) ;;
    77) skipped=$((skipped + 1)); echo "SKIPPED: $name" ;;
    *) failed=$((failed + 1)); echo "FAILED: $name"
       # What failed inside the step, kept to be shown again beside the summary.
       failed_steps+=("$name"$'\n'"$(grep -A 12 -E '^FAILED: |^\(fail\)|error:' "$log" | head -n 60)") ;;
  esac
  rm -f "$log"
}

# Before the toolchain: installing it needs python3 too.
step "system programs the tests run (scripts/test-deps.sh)" bash scripts/test-deps.sh
. scripts/toolchain.sh || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
# toolchain.sh runs with -e; the steps below must all run and be counted.
set +e

step "zig build (host library)" zig build
step "zig build test" zig build test
step "zig build cross (every target)" zig build cross
step "linux arm64 ABI and unit tests under qemu-user" bash scripts/arm64-test.sh
generated_fresh() { zig build gen && git diff --quiet --exit-code -- ffi/generated; }
step "generated tables are fresh" generated_fresh
step "typecheck (tsc --noEmit)" node_modules/.bin/tsc --noEmit -p .
step "windows tests under Wine" bash scripts/wine-test.sh

report="$(mktemp -t cordon-junit.XXXXXX)"
trap 'rm -f "$report"' EXIT
echo "== bun test"
bun test --reporter=junit --reporter-outfile="$report" "$@"
bun_rc=$?
# Counted from the report; a report missing or unreadable is one failure, whatever bun test exited with.
. scripts/junit-summary.sh
read -r t _ f _ s _ < <(junit_summary "$report" "$bun_rc")
passed=$((passed + t)); failed=$((failed + f)); skipped=$((skipped + s))

# Named again here, next to the summary, where a log cut to its tail still shows them.
for what in "${failed_steps[@]}"; do echo "FAILED step: $what"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
