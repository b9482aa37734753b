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

# junit_summary (scripts/junit-summary.sh), for the summary line.
. scripts/junit-summary.sh
