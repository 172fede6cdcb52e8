#!/bin/bash
# build_deb.sh BUILD_DIR OUT_DEB: builds the Debian package with cpack in a
# temporary directory and moves the .deb to OUT_DEB for the other tests.
set -euo pipefail

build_dir=$1
out=$2
rm -f -- "$out"
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

(cd "$build_dir" && cpack -G DEB --config CPackConfig.cmake -B "$tmp") \
  >"$tmp/cpack.log" 2>&1 || {
  cat "$tmp/cpack.log" >&2
  echo "FAIL: cpack could not build the package" >&2
  exit 1
}
debs=("$tmp"/*.deb)
if [[ ${#debs[@]} -ne 1 || ! -f ${debs[0]} ]]; then
  cat "$tmp/cpack.log" >&2
  echo "FAIL: expected one .deb from cpack, found: ${debs[*]}" >&2
  exit 1
fi
mv -- "${debs[0]}" "$out"
echo "built $(basename "${debs[0]}") ($(stat -c %s "$out") bytes) -> $out"
