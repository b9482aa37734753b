# Sourced by the runners that test in another platform's build of Bun
# (scripts/wine-test.sh, scripts/arm64-test.sh), after scripts/toolchain.sh.

# fetch_bun_package DIR PACKAGE VERSION: unpacks the npm package into DIR/package
# unless DIR/version already names VERSION. Only the npm registry is used.
fetch_bun_package() {
  local dir=$1 pkg=$2 version=$3 tgz
  [ -d "$dir/package" ] && [ "$(cat "$dir/version" 2>/dev/null)" = "$version" ] && return 0
  echo "fetching $pkg@$version from npm" >&2
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  tgz=$(cd "$dir" && npm pack --silent "$pkg@$version") || { echo "npm pack $pkg@$version failed" >&2; return 1; }
  tar -xzf "$dir/$tgz" -C "$dir" && rm -f "$dir/$tgz" || { echo "cannot unpack $tgz" >&2; return 1; }
  echo "$version" >"$dir/version"
}

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
