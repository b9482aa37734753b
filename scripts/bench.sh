#!/usr/bin/env bash
# The benchmark suite: cordon against Bun.spawn and the peers a user would
# pick instead, in one run on this machine. Installs what is missing first:
# bubblewrap, firejail, socat, ripgrep from the distribution (apt-get), and
# @anthropic-ai/sandbox-runtime from npm into bench/.peers (git-ignored).
# A peer that cannot be installed is reported as "not run" in the results.
#   bash scripts/bench.sh [--quick] [--only=spawn,teardown,seccomp,ffi,load]
# Linux, as root (namespaces, cgroups). Writes bench/results/<date>.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain.sh
. "$root/scripts/toolchain.sh"
cd "$root"

SRT_VERSION=0.0.83
missing=()
for pair in bwrap:bubblewrap firejail:firejail socat:socat rg:ripgrep; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "bench: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq >&2 || echo "bench: apt-get update failed" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 || echo "bench: apt-get install failed; those peers are reported as not run" >&2
  else
    echo "bench: ${missing[*]} missing and apt-get unavailable (or not root); those peers are reported as not run" >&2
  fi
fi

srt_pkg="bench/.peers/node_modules/@anthropic-ai/sandbox-runtime/package.json"
if ! grep -q "\"version\": \"$SRT_VERSION\"" "$srt_pkg" 2>/dev/null; then
  if command -v npm >/dev/null 2>&1; then
    echo "bench: installing @anthropic-ai/sandbox-runtime@$SRT_VERSION into bench/.peers" >&2
    mkdir -p bench/.peers
    npm install --prefix bench/.peers --no-audit --no-fund --no-save --loglevel=error "@anthropic-ai/sandbox-runtime@$SRT_VERSION" >&2 ||
      echo "bench: npm install failed; sandbox-runtime is reported as not run" >&2
  else
    echo "bench: npm not found; sandbox-runtime is reported as not run" >&2
  fi
fi

[ -f "zig-out/native/linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')/libcordon.so" ] || zig build >&2
exec bun bench/run.ts "$@"
