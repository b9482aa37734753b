#!/usr/bin/env bash
# Installs the system programs the tests run, only those missing, from the
# distribution's packages (apt-get; `apt-get update` once, and only when
# something is missing). Idempotent: on a ready machine it does nothing.
#   scripts/test-deps.sh            everything scripts/test.sh needs
#   scripts/test-deps.sh wine ...   only these programs
# Exit 1 with one line naming what is missing when it cannot install (not
# root, no apt-get): the tests that need it then fail or skip saying so.
set -uo pipefail

# program -> Debian package
declare -A package=(
  [bwrap]=bubblewrap   # the nested-host tests run cordon inside bubblewrap
  [python3]=python3    # the audit and the test fixtures
  [perl]=perl-base     # network clients inside the sandbox
  [setpriv]=util-linux # the tests run as uid 65534
  [mkfifo]=coreutils
  [tar]=tar            # the packaging test reads its tarballs
  [wine]="wine64 wine" # the Windows tests (scripts/wine-test.sh); `wine` has the commands
  [ip]=iproute2        # the egress tests build their own network namespaces
  [openssl]=openssl    # the egress tests' TLS servers
)
programs=("$@")
[ ${#programs[@]} -eq 0 ] && programs=(bwrap python3 perl setpriv mkfifo tar wine ip openssl)

present() { # the tests call python3 by its absolute path
  if [ "$1" = python3 ]; then [ -x /usr/bin/python3 ]; else command -v "$1" >/dev/null 2>&1; fi
}

missing=()
for p in "${programs[@]}"; do
  [ -n "${package[$p]:-}" ] || { echo "test-deps: unknown program $p" >&2; exit 1; }
  present "$p" || missing+=(${package[$p]})
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: missing ${missing[*]} (Debian package names); install them to run every test" >&2
  exit 1
fi
echo "test-deps: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "test-deps: apt-get install ${missing[*]} failed" >&2
  exit 1
fi
for p in "${programs[@]}"; do # an install that brought no such program is a failure too
  present "$p" || { echo "test-deps: $p still missing after installing ${package[$p]}" >&2; exit 1; }
done
