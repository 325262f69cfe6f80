# sluice — thin wrapper over CMake: dependencies, demo, tests.
#
#   make demo    install what is missing, build, run the quickstart job against a local broker
#   make test    install what is missing, build (release + ASan/UBSan), run every test
#   make build   just build build/sluice
#   make fuzz    build the libFuzzer targets with clang (build-fuzz/) and run each briefly
#   make install build, then install the command, the libraries, sluice.h and sluice.pc under
#                PREFIX (/usr/local), staged under DESTDIR when given
#
# Packages come from Debian 12 with apt-get, only when missing (needs root or sudo).

SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
PREFIX ?= /usr/local
DESTDIR ?=

DEB_BUILD := cmake make gcc pkg-config lemon re2c librdkafka-dev libjansson-dev \
             libcurl4-openssl-dev libssl-dev zlib1g-dev libcriterion-dev libedit-dev \
             libmicrohttpd-dev tzdata
DEB_TEST := kcat python3 python3-kafka python3-pexpect
DEB_FUZZ := clang libclang-rt-14-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

define install_missing
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "== installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: all deps deps-test build asan test demo fuzz install clean

all: build

deps:
	$(call install_missing,$(DEB_BUILD))

deps-test: deps
	$(call install_missing,$(DEB_TEST))

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_WERROR=ON

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSL_WERROR=ON -DSL_SANITIZE=ON

asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test runs twice: against the optimized build and under ASan + UBSan.
test: deps-test build asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# The build's own output goes to a log (shown if it fails) so the demo's output stands out.
demo: deps-test
	@$(MAKE) --no-print-directory build > $(BUILD).log 2>&1 || { cat $(BUILD).log; exit 1; }
	@tests/support/demo.sh $(BUILD)

fuzz: deps
	$(call install_missing,$(DEB_FUZZ))
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSL_FUZZ=ON -DSL_TESTS=ON \
	  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined"
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@# New inputs go to a working corpus in the build directory; the committed seeds stay small.
	@for f in $(FUZZ_BUILD)/fuzz/fuzz_*; do \
	  name=$$(basename $$f); seeds=tests/fuzz/corpus/$${name#fuzz_}; \
	  work=$(FUZZ_BUILD)/corpus/$${name#fuzz_}; mkdir -p $$work; extra=; \
	  [ $$name = fuzz_sql ] && extra="tests/sql examples"; \
	  echo "== $$name ($(FUZZ_SECONDS) s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
	    $$work $$seeds $$extra > $(FUZZ_BUILD)/$$name.log 2>&1 || { tail -n 40 $(FUZZ_BUILD)/$$name.log; exit 1; }; \
	  grep -E '^#[0-9]+.*DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
	    $(FUZZ_BUILD)/$$name.log; \
	done

install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(BUILD).log
