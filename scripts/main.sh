#!/usr/bin/env bash
# The main job on a fresh machine: install the pinned toolchain, build the
# native library, then show what this host can enforce.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/toolchain.sh
zig build
bun bin/cordon.ts probe
