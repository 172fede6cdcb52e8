#!/usr/bin/env bash
# Configures brevis exactly as `make fuzz` (clang 14, libFuzzer, ASan and
# UBSan), `make sanitize` (the default compiler, ASan and UBSan) or the
# thread-safety step of `make sanitize` (clang 14, -Wthread-safety as
# errors) does, in a build directory of its own, builds the json_log_fuzz
# harness there (a few files of our own, with our warnings, -Werror and the
# sanitizer flags; with libFuzzer's link flag for fuzz) and runs it on its
# seeds. A flag one of the compilers refuses, or a set-up that no longer
# configures, fails here in seconds instead of at the start of a long
# sanitizer or fuzz run. For thread_safety it also builds a file that reads
# a guarded member without its lock, which must fail with the analysis'
# error: proof that the flag reaches the compiler and is an error.
#
# usage: check.sh fuzz|sanitize|thread_safety SOURCE_DIR WORK_DIR
#                 [COMPILER_LAUNCHER]
set -euo pipefail

kind=$1
source_dir=$2
work_dir=$3
launcher=${4:-}

cmake_args=""
if [[ -n "$launcher" ]]; then
  cmake_args="-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher -DCMAKE_C_COMPILER_LAUNCHER=$launcher"
fi
# A make started by ctest under `make test` must not join that make's jobs.
unset MAKEFLAGS MFLAGS MAKELEVEL

# A fresh configure every time; objects whose flags did not change are kept.
mkdir -p "$work_dir"
rm -f "$work_dir/CMakeCache.txt"
harness="$work_dir/tests/fuzz/json_log_fuzz"
seeds="$source_dir/tests/fuzz/corpus/json_log_fuzz"
case "$kind" in
  fuzz)
    make -s --no-print-directory -C "$source_dir" fuzz-configure \
      FUZZ_BUILD_DIR="$work_dir" CMAKE_ARGS="$cmake_args"
    replay=("$harness" -runs=0 "$seeds")
    ;;
  sanitize)
    make -s --no-print-directory -C "$source_dir" sanitize-configure \
      SANITIZE_BUILD_DIR="$work_dir" CMAKE_ARGS="$cmake_args"
    replay=("$harness" "$seeds")
    ;;
  thread_safety)
    make -s --no-print-directory -C "$source_dir" thread-safety-configure \
      THREAD_SAFETY_BUILD_DIR="$work_dir" CMAKE_ARGS="$cmake_args"
    replay=("$harness" "$seeds")
    ;;
  *)
    echo "usage: $0 fuzz|sanitize|thread_safety SOURCE_DIR WORK_DIR" \
      "[COMPILER_LAUNCHER]" >&2
    exit 2
    ;;
esac

if ! cmake --build "$work_dir" -j 2 --target json_log_fuzz \
  >"$work_dir/check-build.log" 2>&1; then
  tail -40 "$work_dir/check-build.log"
  echo "build_flags: the $kind build does not compile (see above)" >&2
  exit 1
fi
"${replay[@]}"

if [[ "$kind" == thread_safety ]]; then
  violation_log="$work_dir/check-violation.log"
  if cmake --build "$work_dir" -j 2 --target thread_safety_violation \
    >"$violation_log" 2>&1; then
    echo "build_flags: a guarded member read without its lock compiled;" \
      "-Werror=thread-safety does not reach the compiler" >&2
    exit 1
  fi
  if ! grep -q "requires holding mutex 'mu_'.*-Werror,-Wthread-safety" \
    "$violation_log"; then
    tail -40 "$violation_log"
    echo "build_flags: the violation failed to build, but not for the" \
      "thread-safety error (see above)" >&2
    exit 1
  fi
  grep -m1 "requires holding mutex" "$violation_log"
fi
echo "build_flags: the $kind build configures, compiles and runs"
