# The front door. `make run` and `make test` work on a fresh Debian 12
# machine: each first installs what is missing (deploy/install-deps.sh).

BUILD_DIR ?= build
BUILD_TYPE ?= Release
DB ?= var/brevis.db
LISTEN ?= 127.0.0.1:50051
JOBS ?= $(shell nproc)

.PHONY: all deps build run test bench package format clean

all: build

deps:
	@bash deploy/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: deps $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Creates the database on first run, applies new migrations on later runs,
# then serves in the foreground until Ctrl-C.
run: build
	@if [ ! -f $(DB) ]; then $(BUILD_DIR)/server/brevisd init --db $(DB); \
	else $(BUILD_DIR)/server/brevisd migrate --db $(DB); fi
	@$(BUILD_DIR)/server/brevisd serve --db $(DB) --listen $(LISTEN)

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
	@rm -rf $(BUILD_DIR)
