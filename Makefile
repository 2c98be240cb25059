# openbmis - the commands the README tells people to run. CMake does the real work.
#   make run    install dependencies, build, start the server (with the web UI) on a demo database
#   make test   install dependencies, build, run every test suite (plain and ASan+UBSan)
#   make bench  build and run the benchmarks with their peers
#   make fuzz   build the libFuzzer harnesses with clang and run each for FUZZ_SECONDS
BUILD       ?= build
BUILD_ASAN  ?= build-asan
BUILD_FUZZ  ?= build-fuzz
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60

.PHONY: all deps build web run test test-plain test-asan bench fuzz format format-check clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The web UI: static files from web/ plus Chart.js from npm (web/package-lock.json), assembled in
# $(BUILD)/web; npm ci runs only when web/node_modules is missing.
web:
	@test -d web/node_modules || (cd web && npm ci --no-audit --no-fund)
	bash web/build.sh $(BUILD)/web

# The main job: the server on an SQLite database with demo data (created on the first run; delete
# $(DB) and $(DB).* to start again). LISTEN=0.0.0.0:8080 to serve beyond this machine.
DB     ?= bmis.db
LISTEN ?= 127.0.0.1:8080
run: build web
	@test -f $(DB) || ./$(BUILD)/bmis demo --db $(DB)
	./$(BUILD)/bmis serve --db $(DB) --listen $(LISTEN) --home-state UTO --web $(BUILD)/web

test: build web
	$(MAKE) --no-print-directory test-plain test-asan

test-plain:
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan:
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DBMIS_SANITIZE=ON -DBMIS_BENCH=OFF -DBMIS_E2E=OFF
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	bash bench/run.sh $(BUILD)

fuzz: deps
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBMIS_FUZZ=ON -DBMIS_BENCH=OFF
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	bash fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
