# The front door. `make run` and `make test` work on a fresh Debian 12
# machine: each first installs what is missing (deploy/install-deps.sh).

BUILD_DIR ?= build
BUILD_TYPE ?= Release
DB ?= var/brevis.db
LISTEN ?= 127.0.0.1:50051
JOBS ?= $(shell nproc)

.PHONY: all deps build run test package format clean

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
