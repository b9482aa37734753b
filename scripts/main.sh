#!/usr/bin/env bash
# The main job on a fresh machine: install the pinned toolchain, build the
# native library, run a command in a sandbox, then show what this host can
# enforce.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
. scripts/toolchain.sh
zig build
bun bin/cordon.ts run -- sh -c 'echo hello from inside; id'
bun bin/cordon.ts probe
