# The two commands of the README: `make run` and `make test`. Both install missing Debian packages,
# configure and build with the CMake presets, then run.
PACKAGES := cmake g++ make ninja-build pkg-config libboost-graph-dev libtbb-dev libhdf5-dev \
            hdf5-tools libspdlog-dev catch2 libtomlplusplus-dev libcli11-dev librandom123-dev \
            libbenchmark-dev python3 python3-h5py python3-numpy python3-xarray python3-netcdf4 \
            python3-networkx python3-matplotlib
SCENARIO ?= scenarios/amstelland-baseline.toml
ZORGSIM  := build/release/bin/zorgsim
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)

MPI_PACKAGES := openmpi-bin libopenmpi-dev libhdf5-openmpi-dev

.PHONY: all deps configure build run test bench fuzz clean sanitize mpi tsan

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "zorgsim: installing missing Debian packages:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "zorgsim: cannot install packages (not root and no password-less sudo)."; \
	     echo "zorgsim: ask an administrator to run: apt-get install -y$$missing"; exit 1; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
	  || { echo "zorgsim: apt-get failed to install:$$missing"; exit 1; }

configure: deps
	cmake --preset release

build: configure
	cmake --build --preset release -j $(JOBS)

run: build
	@mkdir -p results
	$(ZORGSIM) run $(SCENARIO) --force -o results/$(basename $(notdir $(SCENARIO))).h5

test: build
	ctest --preset release -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (leaks included), in its own
# build directory; `make test` stays the release build. SANITIZE_CTEST adds ctest arguments
# (CI: -E to skip the national-scale scenario, which takes minutes under ASan).
ASAN_DIR ?= build/asan-ubsan
sanitize: deps
	cmake --preset asan-ubsan -B $(ASAN_DIR)
	cmake --build $(ASAN_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_DIR) -j $(JOBS) --output-on-failure --timeout 1500 $(SANITIZE_CTEST)

# The determinism and parallel tests under ThreadSanitizer (`tsan` preset, build/tsan). Debian's
# libtbb is not instrumented, so TSan would report TBB's own synchronisation as races: the preset's
# TBB_DIR points at a oneTBB built with -fsanitize=thread from Debian's source package by
# tests/tsan/build-tbb-tsan (into build/tsan-tbb; skipped once built). Reports go to files under
# build/tsan/tsan-reports (the integration test discards zorgsim's stderr) and any report fails.
TSAN_DIR   := build/tsan
TSAN_TBB   := build/tsan-tbb
TSAN_TESTS ?= 1 and 2 threads|bit-identical|side by side|keyed by seed|same for the same seed|^integration[.]a run writes
tsan: deps
	JOBS=$(JOBS) tests/tsan/build-tbb-tsan $(TSAN_TBB)
	cmake --preset tsan
	cmake --build $(TSAN_DIR) -j $(JOBS) --target test_sim test_population test_integration zorgsim
	@for b in test_sim test_population test_integration zorgsim; do \
	  ldd $(TSAN_DIR)/bin/$$b | grep -q ' => $(abspath $(TSAN_TBB))/install/lib/libtbb[.]so' || \
	    { echo "zorgsim: $(TSAN_DIR)/bin/$$b does not load the instrumented libtbb:"; ldd $(TSAN_DIR)/bin/$$b | grep tbb; exit 1; }; \
	done
	@rm -rf $(TSAN_DIR)/tsan-reports && mkdir -p $(TSAN_DIR)/tsan-reports
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 log_path=$(abspath $(TSAN_DIR))/tsan-reports/report" \
	  ctest --preset tsan -j $(JOBS) -R '$(TSAN_TESTS)'; rc=$$?; \
	if [ -n "$$(ls $(TSAN_DIR)/tsan-reports)" ]; then cat $(TSAN_DIR)/tsan-reports/*; rc=1; fi; exit $$rc

# The MPI build (OpenMPI + parallel HDF5) in build/mpi, and its tests: np 1, 2 and 3 write the file
# the serial build (build/release, built first) writes; faults end every rank with one message.
# OpenMPI refuses to run as root without the two OMPI_ALLOW_* variables (CI containers run as root).
mpi: build
	$(MAKE) deps PACKAGES="$(MPI_PACKAGES)"
	cmake --preset mpi
	cmake --build --preset mpi -j $(JOBS)
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ctest --preset mpi

bench: deps
	cmake --preset bench && cmake --build --preset bench -j $(JOBS)

# libFuzzer on the scenario, region and parameter readers, FUZZ_SECONDS per target (default 60).
fuzz: deps
	@command -v clang++ >/dev/null || { echo "zorgsim: make fuzz needs clang (apt-get install clang)"; exit 1; }
	cmake --preset fuzz && cmake --build build/fuzz -j $(JOBS) --target fuzz_scenario fuzz_region fuzz_parameters
	tests/fuzz/run-fuzz build/fuzz/bin

clean:
	rm -rf build
