#!/usr/bin/env bash
# Installs the pinned Bun (npm package `bun`) and Zig (PyPI package `ziglang`)
# into .toolchain/ and puts them first on PATH. Sourced by the other scripts.
# Only the package registries are used; nothing is downloaded from elsewhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../toolchain.env
. "$root/toolchain.env"
tc="$root/.toolchain"

have_version() { # $1 = binary, $2 = wanted version
  [ -x "$1" ] && [ "$("$1" "${3:---version}" 2>/dev/null)" = "$2" ]
}

bun_bin="$tc/bun/node_modules/bun/bin/bun.exe"
if ! have_version "$bun_bin" "$BUN_VERSION"; then
  echo "toolchain: installing bun $BUN_VERSION from npm" >&2
  rm -rf "$tc/bun"
  mkdir -p "$tc/bun"
  npm install --prefix "$tc/bun" --no-audit --no-fund --no-save --loglevel=error "bun@$BUN_VERSION" >&2
  if ! have_version "$bun_bin" "$BUN_VERSION"; then
    # npm may skip bun's postinstall; the platform package carries the same binary.
    arch=$(uname -m); case "$arch" in x86_64) arch=x64 ;; aarch64) arch=aarch64 ;; esac
    src=$(ls "$tc"/bun/node_modules/@oven/bun-linux-"$arch"*/bin/bun 2>/dev/null | head -n1 || true)
    [ -n "$src" ] && cp "$src" "$bun_bin"
  fi
  have_version "$bun_bin" "$BUN_VERSION" || { echo "toolchain: bun $BUN_VERSION did not install" >&2; exit 1; }
fi

zig_bin="$tc/zig/ziglang/zig"
if ! have_version "$zig_bin" "$ZIG_VERSION" version; then
  echo "toolchain: installing zig $ZIG_VERSION from PyPI" >&2
  rm -rf "$tc/zig"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$tc/zig" "ziglang==$ZIG_VERSION" >&2
  have_version "$zig_bin" "$ZIG_VERSION" version || { echo "toolchain: zig $ZIG_VERSION did not install" >&2; exit 1; }
fi

mkdir -p "$tc/bin"
ln -sf "$bun_bin" "$tc/bin/bun"
ln -sf "$zig_bin" "$tc/bin/zig"
export PATH="$tc/bin:$PATH"

# JS dependencies (typescript, bun-types), pinned by bun.lock.
if [ ! -d "$root/node_modules/typescript" ] || [ "$root/bun.lock" -nt "$root/node_modules/.cordon-installed" ]; then
  (cd "$root" && bun install --frozen-lockfile >&2)
  touch "$root/node_modules/.cordon-installed"
fi
