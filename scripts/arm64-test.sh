#!/usr/bin/env bash
# Runs the ABI and unit tests in Bun's own Linux arm64 build under qemu-user,
# with cordon's arm64 library. qemu-aarch64-static is called directly (no
# binfmt_misc registration), with Debian's arm64 glibc as the guest's root.
# Ends with one line: "N passed, N failed, N skipped".
# Under qemu-user no sandbox starts and no child Bun runs; those tests skip
# with the reason (test/helpers/skip.ts, `emulated`), and
# test/linux/emulated.test.ts checks that cordon refuses rather than runs.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/toolchain.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
set +e # toolchain.sh sets -e; a failing test run must still reach the summary line
fail() { echo "arm64-test: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

sysroot=/usr/aarch64-linux-gnu
if ! command -v qemu-aarch64-static >/dev/null || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  [ "$(id -u)" = 0 ] || fail "qemu-aarch64-static or the arm64 glibc is missing; install Debian's qemu-user-static and libc6-arm64-cross"
  echo "arm64-test: installing qemu-user-static and libc6-arm64-cross from apt" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static libc6-arm64-cross >/dev/null; } ||
    fail "apt-get install qemu-user-static libc6-arm64-cross failed"
fi

. scripts/foreign-bun.sh
fetch_bun_package "$root/.toolchain/bun-linux-arm64" @oven/bun-linux-aarch64 "$BUN_VERSION" || fail "cannot fetch Bun's arm64 build"
bun_arm="$root/.toolchain/bun-linux-arm64/package/bin/bun"
emu=(qemu-aarch64-static -L "$sysroot" "$bun_arm")
[ "$("${emu[@]}" --version 2>/dev/null)" = "$BUN_VERSION" ] || fail "the arm64 Bun does not start under qemu-aarch64-static"

# The arm64 library from `cross`; the host build adds the test launcher that
# test/unit/darwin-launcher.test.ts runs natively (both are cache hits after scripts/test.sh).
zig build || fail "zig build failed"
zig build cross || fail "zig build cross failed"
lib="$root/zig-out/native/linux-arm64/libcordon.so"

report="$(mktemp -t cordon-arm64-junit.XXXXXX)"
trap 'rm -f "$report"' EXIT

[ $# -gt 0 ] || set -- test/abi/ test/unit/ test/linux/emulated.test.ts
start=$(date +%s)
CORDON_EMULATED=qemu-aarch64 CORDON_LIBRARY="$lib" "${emu[@]}" test --reporter=junit --reporter-outfile="$report" "$@"
rc=$?
echo "arm64-test: $(( $(date +%s) - start ))s under $(qemu-aarch64-static --version | head -n1)" >&2

junit_summary "$report" "$rc"
