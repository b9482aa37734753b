#!/usr/bin/env bash
# Runs the Windows behaviour tests (test/windows/) under Wine with Bun's own
# Windows build. Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng is
# bun.exe's only import from it, so `zig build wine-shim` builds a small one
# that goes beside bun.exe. Ends with one line: "N passed, N failed, N skipped".
# Under Wine the process-lifetime layer is faithful and the portable path
# (spawn, run, cordon run) is tested through it; the security layer is
# accepted but not enforced, its tests skip with what Wine was measured to do
# with that mechanism (lib/plan/windows/wine.ts), and test/windows/wine.test.ts
# measures each of those claims.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/toolchain.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
set +e # toolchain.sh sets -e; a failing test run must still reach the summary line
fail() { echo "wine-test: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

bun_windows_version="${BUN_WINDOWS_VERSION:-$BUN_VERSION}"

bash scripts/test-deps.sh wine || fail "wine is missing; install Debian's wine64 (apt-get install wine64)"

. scripts/foreign-bun.sh
win_dir="$root/.toolchain/bun-windows"
bun_exe="$win_dir/package/bin/bun.exe"
fetch_bun_package "$win_dir" @oven/bun-windows-x64 "$bun_windows_version" || fail "cannot fetch Bun's Windows build"

# The shim and the x64 library, both from this checkout's Zig build.
zig build wine-shim || fail "zig build wine-shim failed"
# Replace by rename, never in place: a concurrent run may have the old one mapped.
shim="$win_dir/package/bin/bcryptprimitives.dll"
if ! cmp -s zig-out/wine/bcryptprimitives.dll "$shim"; then
  cp zig-out/wine/bcryptprimitives.dll "$shim.tmp.$$" && mv -f "$shim.tmp.$$" "$shim" || fail "cannot place the shim beside bun.exe"
fi

export WINEPREFIX="$root/.toolchain/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# A new prefix maps drive Z: to /, so a Unix path's Windows name is computed
# here rather than asked of winepath (one Wine start fewer, nothing to fail).
win_path() { local p; p=$(realpath -m "$1") || return 1; printf 'Z:%s' "${p//\//\\}"; }

# Make (or check) the prefix before the suite: wineboot's own output is kept
# and shown when it fails; a prefix left half-made by an earlier run is made
# again once. If Wine cannot start at all here, the suite is skipped with
# that output as the reason (exit 77), never counted as passed.
boot_log="$(mktemp -t cordon-wineboot.XXXXXX)"
boot_prefix() { timeout 300 wine wineboot -i >"$boot_log" 2>&1; }
boot_prefix; boot_rc=$?
if [ "$boot_rc" -ne 0 ]; then
  echo "wine-test: wineboot failed (exit $boot_rc); making the prefix again. It said:" >&2; tail -n 20 "$boot_log" >&2
  rm -rf "$WINEPREFIX"
  if ! boot_prefix; then
    echo "wine-test: SKIPPED: Wine cannot start a prefix on this machine; wineboot said:" >&2
    tail -n 20 "$boot_log" >&2; rm -f "$boot_log"
    echo "0 passed, 0 failed, 1 skipped"; exit 77
  fi
fi
rm -f "$boot_log"

lib_win=$(win_path "$root/zig-out/native/win32-x64/cordon.dll") || fail "cannot name the library's path"
report="$(mktemp -t cordon-wine-junit.XXXXXX)"
# Wine cannot make a link itself (CreateSymbolicLinkW reports success and makes
# nothing; junctions are refused): the grant tests get a Unix symlink from here.
links="$(mktemp -d -t cordon-wine-links.XXXXXX)"
mkdir "$links/target" && ln -s target "$links/link"
trap 'rm -f "$report"; rm -rf "$links"' EXIT
export CORDON_WINE_LINKS="$(win_path "$links")"
report_win=$(win_path "$report")

suite() { # the suite once, its JUnit report in $report
  CORDON_LIBRARY="$lib_win" wine "$bun_exe" test --timeout 120000 --reporter=junit --reporter-outfile="$report_win" "${@:-test/windows/}" \
    2> >(grep -v -e "^Internal error: directory mismatch" -e "wine32 is missing" -e "nodrv_CreateWindow" >&2)
}
start=$(date +%s)
suite "$@"; rc=$?
# Wine's timing is not Windows': a suite that failed is run once more, and
# the second run is what counts. What failed the first time is shown either way.
if ! listed=$(junit_summary "$report" "$rc" 2>&1 >/dev/null); then
  echo "wine-test: the first run failed; what failed:" >&2
  grep -A 12 "^FAILED: " <<<"$listed" >&2
  echo "wine-test: running the suite once more; a test failing again fails the step" >&2
  : >"$report" # a second run that writes no report is a failure, never the first run's counts
  suite "$@"; rc=$?
fi
# No `wineserver -k`: other runs may share this prefix; the server exits by itself when idle.
echo "wine-test: $(( $(date +%s) - start ))s under $(wine --version 2>/dev/null)" >&2

junit_summary "$report" "$rc"
