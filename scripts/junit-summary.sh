# Sourced by scripts/test.sh and (through scripts/foreign-bun.sh) the runners
# in another platform's build of Bun, after scripts/toolchain.sh.

# junit_summary REPORT RC: prints "N passed, N failed, N skipped" from a bun
# test JUnit report (skips listed on stderr); a run that exited non-zero with
# no failing test, or left no report, counts one failure. Fails if any failed.
junit_summary() {
  local report=$1 rc=$2 t f s passed=0 failed=1 skipped=0
  if [ -s "$report" ] && read -r t f s < <(bun scripts/junit-counts.ts "$report"); then
    passed=$((t - f - s)); failed=$f; skipped=$s
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && failed=$((failed + 1))
  fi
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}
