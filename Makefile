# The front door. `make run` and `make test` work on a fresh Debian 12
# machine: each first installs what is missing (deploy/install-deps.sh).

BUILD_DIR ?= build
BUILD_TYPE ?= Release
DB ?= var/brevis.db
LISTEN ?= 127.0.0.1:50051
JOBS ?= $(shell nproc)

.PHONY: all deps build run test format clean

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

format:
	@clang-format --style=Google -i $$(git ls-files '*.cc' '*.h')

clean:
	@rm -rf $(BUILD_DIR)
