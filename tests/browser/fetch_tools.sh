#!/usr/bin/env bash
# fetch_tools.sh SOURCE_DIR TOOLS_DIR: the browser tests' npm tools
# (axe-core), at the versions package-lock.json pins, fetched from the npm
# registry with `npm ci` into TOOLS_DIR (in the build directory; never
# committed). Quiet, and no network, when TOOLS_DIR already has them for
# this lock file.
set -euo pipefail

source_dir=$1
tools_dir=$2
lock=$source_dir/package-lock.json
stamp=$tools_dir/node_modules/.brevis-lock

if [[ -f $stamp && -f $tools_dir/node_modules/axe-core/axe.min.js ]] &&
  cmp -s -- "$lock" "$stamp"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "FAIL: npm is missing; deploy/install-deps.sh installs it" >&2
  exit 1
fi
mkdir -p -- "$tools_dir"
cp -- "$source_dir/package.json" "$lock" "$tools_dir/"
log=$tools_dir/npm-ci.log
if ! npm ci --prefix "$tools_dir" --ignore-scripts --no-audit --no-fund \
  >"$log" 2>&1; then
  cat -- "$log" >&2
  echo "FAIL: npm ci could not fetch the browser tests' tools" >&2
  exit 1
fi
cp -- "$lock" "$stamp"
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' \
  "$tools_dir/node_modules/axe-core/package.json")
echo "fetched axe-core $version into $tools_dir"
