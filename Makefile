# The front door. `make run` and `make test` work on a fresh Debian 12
# machine: each first installs what is missing (deploy/install-deps.sh).

BUILD_DIR ?= build
BUILD_TYPE ?= Release
DB ?= var/brevis.db
LISTEN ?= 127.0.0.1:50051
WEB_LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

SANITIZE_BUILD_DIR ?= build-sanitize
THREAD_SAFETY_BUILD_DIR ?= build-thread-safety
# What `make sanitize` builds with clang's thread-safety analysis: every
# class holding a lock is in these.
THREAD_SAFETY_TARGETS = brevisd brevis_client
FUZZ_BUILD_DIR ?= build-fuzz
# Seconds each fuzz harness runs in `make fuzz`.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES = validation_fuzz page_token_fuzz list_filter_fuzz \
  update_mask_fuzz resource_name_fuzz service_fuzz json_log_fuzz

.PHONY: all deps build run test bench sanitize sanitize-configure \
  thread-safety-configure fuzz fuzz-configure package format clean

all: build

deps:
	@bash deploy/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: deps $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Creates the database on first run (the first admin's token goes to
# admin.token beside it), applies new migrations on later runs, starts
# brevisd and brevis-web, prints a sign-in link for the first admin and
# serves in the foreground until Ctrl-C (deploy/run-local.sh).
run: build
	@bash deploy/run-local.sh $(BUILD_DIR) $(DB) $(LISTEN) $(WEB_LISTEN)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# brevis-bench (tests/bench/): a Release build, a seeded temporary database
# (300 units, 10,000 audits, 1,000,000 findings, 200,000 actions), closed-loop
# load at concurrency 1, 8 and 32. Prints a Markdown table and writes
# $(BUILD_DIR)/bench.json. More flags: make bench BENCH_ARGS="--scale=0.1
# --seconds=3" (brevis-bench --help lists them).
BENCH_ARGS ?=
bench: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target brevis-bench brevisd \
	  >$(BUILD_DIR)/bench-build.log || { cat $(BUILD_DIR)/bench-build.log; exit 1; }
	@$(BUILD_DIR)/tests/bench/brevis-bench \
	  --brevisd $(BUILD_DIR)/server/brevisd \
	  --json $(BUILD_DIR)/bench.json $(BENCH_ARGS)

# First brevisd and the client library built with clang 14's thread-safety
# analysis, where a member marked ABSL_GUARDED_BY used without its lock is an
# error (a build of its own; nothing is run). Then the whole test suite
# built with AddressSanitizer and UndefinedBehaviorSanitizer in a build
# directory of its own; any report fails its test. The packaging checks are
# left out: they test the .deb, not the code, and a sanitized brevisd does
# not belong in one.
sanitize: deps
	@$(MAKE) --no-print-directory thread-safety-configure
	@cmake --build $(THREAD_SAFETY_BUILD_DIR) -j $(JOBS) \
	  --target $(THREAD_SAFETY_TARGETS)
	@$(MAKE) --no-print-directory sanitize-configure
	@cmake --build $(SANITIZE_BUILD_DIR) -j $(JOBS)
	@cd $(SANITIZE_BUILD_DIR) && \
	  ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) \
	    -E '^(package_(build|lintian|contents|systemd_verify)|client_installed_package)$$'

# Each libFuzzer harness (tests/fuzz) for FUZZ_SECONDS, built with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer. New inputs go to
# $(FUZZ_BUILD_DIR)/corpus/<harness>; crashes are left as crash-* files in
# $(FUZZ_BUILD_DIR). Copy an input worth keeping to tests/fuzz/corpus/.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-configure
	@cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzz_harnesses
	@cd $(FUZZ_BUILD_DIR) && for harness in $(FUZZ_HARNESSES); do \
	  mkdir -p corpus/$$harness && \
	  echo "fuzz: $$harness for $(FUZZ_SECONDS) s" && \
	  tests/fuzz/$$harness -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    corpus/$$harness $(CURDIR)/tests/fuzz/corpus/$$harness \
	    >$$harness.log 2>&1 || { tail -40 $$harness.log; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $$harness.log; \
	done

# How `make sanitize` and `make fuzz` configure their builds, and nothing
# else. The build_flags tests (tests/build_flags) run these on every
# `make test` and compile a few files with the result, so a flag one of
# the compilers refuses fails there, not first in a sanitizer or fuzz run.
# CMAKE_ARGS adds options (the tests pass their compiler launcher).
CMAKE_ARGS ?=
sanitize-configure:
	@cmake -S . -B $(SANITIZE_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug \
	  -DBREVIS_SANITIZE=address,undefined $(CMAKE_ARGS) >/dev/null

thread-safety-configure:
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(THREAD_SAFETY_BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=Debug -DBREVIS_THREAD_SAFETY=ON $(CMAKE_ARGS) \
	  >/dev/null

fuzz-configure:
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=Release -DBREVIS_FUZZ=ON \
	  -DBREVIS_SANITIZE=address,undefined,fuzzer-no-link $(CMAKE_ARGS) \
	  >/dev/null

# The Debian package (cmake/Packaging.cmake), always a Release build; the
# .deb is left in $(BUILD_DIR). docs/operations.md says how to install it.
package: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@cd $(BUILD_DIR) && rm -f brevis_*.deb && \
	  { cpack -G DEB >cpack.log 2>&1 || { cat cpack.log; exit 1; }; } && \
	  ls "$$PWD"/brevis_*.deb

format:
	@clang-format --style=Google -i $$(git ls-files '*.cc' '*.h')

clean:
	@rm -rf $(BUILD_DIR) $(SANITIZE_BUILD_DIR) $(THREAD_SAFETY_BUILD_DIR) \
	  $(FUZZ_BUILD_DIR)
