#!/usr/bin/env bash
# The installed client package, used the way another project would: install
# the "client" component into a temporary prefix, build the consumer in
# tests/client/consumer once with find_package(brevis_client CONFIG) and
# once with pkg-config, and run both against a real brevisd on 127.0.0.1.
# Usage: installed_package_test.sh BUILD_DIR CONSUMER_SOURCE_DIR BREVISD
set -euo pipefail

build_dir=$1
consumer_dir=$2
brevisd=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/brevis-package-XXXXXX")
server_pid=
cleanup() {
  local result=$? ending=
  if [[ -n "$server_pid" ]]; then
    if kill -0 "$server_pid" 2>/dev/null; then
      ending="still running"
      kill -TERM "$server_pid" 2>/dev/null || true
      wait "$server_pid" 2>/dev/null || true
    else
      # wait gives 128+N for a child that signal N ended.
      local code=0
      wait "$server_pid" 2>/dev/null || code=$?
      ending="exit status $code"
      ((code > 128)) && ending="ended by signal $((code - 128))"
    fi
    # A failed test says how brevisd ended and what it logged last.
    if ((result != 0)); then
      echo "brevisd (pid $server_pid): $ending" >&2
      echo "--- last 40 lines of its stderr ---" >&2
      tail -n 40 "$work/serve.err" >&2 2>/dev/null || true
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" --component client >/dev/null
for file in include/brevis/client/client.h include/brevis/v1/unit.pb.h \
  lib/libbrevis_client.a lib/libbrevis_client_proto.a \
  lib/cmake/brevis_client/brevis_clientConfig.cmake \
  lib/pkgconfig/brevis_client.pc bin/brevisctl; do
  [[ -f "$prefix/$file" ]] || { echo "not installed: $file" >&2; exit 1; }
done
# Nothing of the server comes with the client package.
if [[ -e "$prefix/sbin/brevisd" ]]; then echo "brevisd installed" >&2; exit 1; fi

# 1. CMake: find_package(brevis_client CONFIG).
cmake -S "$consumer_dir" -B "$work/cmake-build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
nice -n 10 cmake --build "$work/cmake-build" >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; exit 1; }

# 2. pkg-config, with a plain compiler command.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs brevis_client)
# shellcheck disable=SC2086
nice -n 10 c++ -std=c++17 -O1 -o "$work/consumer-pkg-config" \
  "$consumer_dir/consumer.cc" $flags 2>"$work/pkg-build.log" ||
  { cat "$work/pkg-build.log" >&2; exit 1; }

# A real brevisd on a free loopback port.
"$brevisd" init --db "$work/db/brevis.db" >/dev/null
"$brevisd" serve --db "$work/db/brevis.db" --listen 127.0.0.1:0 \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
address=
for _ in $(seq 1 100); do
  address=$(sed -n 's/^brevisd: listening on \([0-9.]*:[0-9]*\) .*/\1/p' \
    "$work/serve.out")
  [[ -n "$address" ]] && break
  sleep 0.1
done
[[ -n "$address" ]] || { echo "brevisd did not listen" >&2; cat "$work/serve.err" >&2; exit 1; }

out=$("$work/cmake-build/consumer" "$address" "$work/db/admin.token")
echo "$out" | grep -qx 'units: 1' || { echo "cmake consumer: $out" >&2; exit 1; }
out=$("$work/consumer-pkg-config" "$address" "$work/db/admin.token")
echo "$out" | grep -qx 'units: 2' || { echo "pkg-config consumer: $out" >&2; exit 1; }
# The installed brevisctl sees both units.
count=$("$prefix/bin/brevisctl" --addr "$address" \
  --token-file "$work/db/admin.token" units list --quiet | wc -l)
[[ "$count" -eq 2 ]] || { echo "brevisctl listed $count units" >&2; exit 1; }
echo "installed package: CMake and pkg-config consumers passed"
