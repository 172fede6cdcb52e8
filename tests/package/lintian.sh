#!/bin/bash
# lintian.sh DEB: runs lintian on the package and fails on any error (E:)
# or warning (W:) tag. Every tag is printed, notes included.
set -euo pipefail

deb=$1
status=0
output=$(lintian --fail-on error --display-info --show-overrides "$deb" 2>&1) ||
  status=$?
# lintian says this for every run as root; it is no finding about the package.
output=$(grep -v '^running with root privileges is not recommended!$' \
  <<<"$output" || true)
[[ -n $output ]] && echo "$output"

count() { grep -c "^$1: " <<<"$output" || true; }
echo "lintian: $(count E) error(s), $(count W) warning(s)," \
  "$(count I) info, $(count P) pedantic, $(count O) overridden"
if [[ $(count E) -ne 0 || $(count W) -ne 0 ]]; then
  echo "FAIL: lintian reports errors or warnings" >&2
  exit 1
fi
if [[ $status -ne 0 ]]; then
  echo "FAIL: lintian exited with $status" >&2
  exit 1
fi
