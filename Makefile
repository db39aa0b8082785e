# SPDX-License-Identifier: GPL-2.0-or-later
# User-facing targets.  The work is done by scripts/ and meson/ninja.
#
#   make run     build what is missing, boot the guest behind an SMMU,
#                print a summary (SMMU=smmuv3-ext|builtin|none,
#                MODE=strict|lazy|passthrough; KERNEL_SRC=tree: boot
#                a kernel built from that tree, docs/bringup.md)
#   make check   every test: model and core-ref unit tests (also under
#                ASan/UBSan), guest scenarios, the core-ref guest and
#                tooling (pytest), QTest suites,
#                QTest suites of arm-smmuv3-ext (make qtest), all on
#                QEMU 7.2, and on the ASan/UBSan QEMU 10.0 (make
#                check-asan): each supported QEMU runs the QTest suites
#                and a Linux guest
#   make qemu-asan   QEMU with AddressSanitizer and UBSan: QEMU 10.0 in
#                build/qemu-asan-10.0 (ASAN_QEMU=7.2: build/qemu-asan)
#   make check-asan  QTest suites, a bounded random campaign, mutated
#                migration streams and one Linux guest on that QEMU
#   make fuzz-qemu   the long QEMU-level campaign on that QEMU
#                (QFUZZ_SEEDS=1-24 x QFUZZ_OPS=5000 operations)
#   make fuzz    libFuzzer campaign on the models (models/fuzz): FUZZ_SECONDS
#                (600) per harness, -jobs=1, or FUZZ_RUNS executions
#   make fuzz-check  the fuzz corpus replayed, then FUZZ_CHECK_SECONDS (60)
#                of fuzzing per harness; any crash fails (part of check)
#   make kernel  guest kernels built from source (KERNEL_SRC=, default
#                Debian's linux-source-6.1; KERNEL_PAGES="64k 64k-6.12":
#                page sizes, PAGES-VERSION for Debian's linux-source-VERSION)
#                and their guests in build/guest-src-<item>
#                (scripts/build-kernel)
#   make bench   benchmarks
#   make conformance  docs/conformance.md: the SMMUv3 QTest suites on
#                arm-smmuv3-ext and on QEMU's built-in SMMUv3
#   make clean   remove build/ (keeps the download and ccache cache)
#   make distclean  also remove the shared cache (scripts/cache-dir)

SHELL := /bin/bash
PY := /usr/bin/python3
MESON := meson
SMMU ?= smmuv3-ext
MODE ?= strict
export SMMU MODE SMMU_PROPS

# QEMU=10.0: Debian 13's QEMU (build/qemu-10.0, docs/building.md) for
# qemu, run, qtest, pytest and conformance; Debian 12's 7.2 by default.
QEMU ?= 7.2
ifneq ($(QEMU),$(filter 7.2 10.0,$(QEMU)))
$(error QEMU=$(QEMU): supported are 7.2 (Debian 12) and 10.0 (Debian 13))
endif
export SMMU_EXT_QEMU_VERSION := $(QEMU)
ifeq ($(QEMU),10.0)
export SMMU_EXT_QEMU ?= $(CURDIR)/build/qemu-10.0/qemu-system-aarch64
QTEST_SETUP := qemu10
else
QTEST_SETUP := qemu
endif

# The sanitizer QEMU (qemu-asan, check-asan, fuzz-qemu): 10.0 by default,
# so that make check, which runs everything else on 7.2, runs the QTest
# suites and a Linux guest on both supported QEMUs within CI's time.
ASAN_QEMU ?= 10.0
ifneq ($(ASAN_QEMU),$(filter 7.2 10.0,$(ASAN_QEMU)))
$(error ASAN_QEMU=$(ASAN_QEMU): supported are 7.2 and 10.0)
endif
ifeq ($(ASAN_QEMU),10.0)
ASAN_BUILD := build/qemu-asan-10.0
ASAN_SETUP := asan10
else
ASAN_BUILD := build/qemu-asan
ASAN_SETUP := asan
endif

.PHONY: help run check bench clean distclean bootstrap qemu guest kernel models \
        unit coverage pytest pytest-built qtest sanitize qemu-asan \
        qemu-asan-beside check-asan fuzz-qemu conformance

help:
	@sed -n 's/^#   //p' Makefile

bootstrap:
	scripts/bootstrap all

qemu:
	scripts/build-qemu

# The Linux test guests and the bare-metal core-ref guest (build/core-ref).
guest:
	scripts/build-guest

# Guest kernels built from source (KERNEL_SRC=, default Debian's
# linux-source-6.1) and the guests around them: build/guest-src-<item>.
# make check runs the bring-up scenarios on 6.1 and 6.12
# (tests/test_bringup.py); tests/smmuext/guest.py SOURCE_KERNELS is this
# default.
KERNEL_PAGES ?= 64k 64k-6.12
export KERNEL_PAGES
kernel:
	scripts/build-guest $(KERNEL_PAGES)

build/models/build.ninja:
	scripts/bootstrap packages
	$(MESON) setup build/models

models: build/models/build.ninja
	ninja -C build/models

unit: models
	$(MESON) test -C build/models --no-suite qtest --print-errorlogs

qtest: models qemu
	$(MESON) test -C build/models --suite qtest --setup $(QTEST_SETUP) --print-errorlogs

pytest: qemu guest kernel
	$(MAKE) --no-print-directory pytest-built

# pytest on what is built (check builds it first, not beside qemu-asan)
pytest-built:
	$(PY) -m pytest tests

# The SMMUv3 QTest suites case by case on arm-smmuv3-ext and on QEMU's
# built-in SMMUv3: docs/conformance.md (scripts/conformance; make check
# compares it with a fresh run, tests/test_conformance.py).
conformance: models qemu
	$(PY) scripts/conformance --check $(if $(filter 10.0,$(QEMU)),--qemu \
	    $(SMMU_EXT_QEMU) --out docs/conformance-10.0.md \
	    --notes qtest/conformance/10.0)

# The model tests again, built with AddressSanitizer and UBSan, the random
# robustness test with more iterations; any report fails the run.
build/models-san/build.ninja:
	scripts/bootstrap packages
	$(MESON) setup build/models-san -Db_sanitize=address,undefined -Db_lundef=false

sanitize: build/models-san/build.ninja
	ninja -C build/models-san
	UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=abort_on_error=1 SM3_FUZZ_ITERS=20000 \
	$(MESON) test -C build/models-san --no-suite qtest --print-errorlogs

# QEMU with AddressSanitizer and UBSan: $(ASAN_BUILD) (scripts/build-qemu).
qemu-asan:
	SMMU_EXT_QEMU_VERSION=$(ASAN_QEMU) SMMU_EXT_QEMU_FLAVOUR=asan scripts/build-qemu

# QEMU-level robustness on $(ASAN_BUILD) (docs/robustness.md): the QTest
# suites and the pytest tests marked asan.  halt_on_error and
# abort_on_error stop QEMU at the first report; log_path puts each report
# in $(SANLOG), and a report there fails the run even if no test noticed.
# detect_leaks=0: QEMU does not free its machine at exit (see the doc).
SANLOG = $(CURDIR)/build/logs/sanitizer
SAN_ENV = ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0:log_path=$(SANLOG)/report \
	UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$(SANLOG)/report \
	SMMU_EXT_QEMU=$(CURDIR)/$(ASAN_BUILD)/qemu-system-aarch64 \
	SMMU_EXT_LOGS=$(CURDIR)/build/logs/asan
# Files holding only ASan's makecontext/swapcontext warning do not count.
SAN_REPORTS = r=$$(grep -l -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
	-e 'runtime error:' $(SANLOG)/report.* 2>/dev/null); \
	if [ -n "$$r" ]; then cat $$r; echo "sanitizer reports in $(SANLOG)"; exit 1; fi

check-asan: models qemu-asan guest
	rm -rf $(SANLOG) && mkdir -p $(SANLOG)
	$(SAN_ENV) $(MESON) test -C build/models --suite qtest --setup $(ASAN_SETUP) --print-errorlogs
	$(SAN_ENV) $(PY) -m pytest -m asan tests
	@$(SAN_REPORTS)

QFUZZ_SEEDS ?= 1-24
QFUZZ_OPS ?= 5000
QFUZZ_MIGRATION_STREAMS ?= 500
fuzz-qemu: SANLOG = $(CURDIR)/build/logs/sanitizer-fuzz
fuzz-qemu: qemu-asan
	rm -rf $(SANLOG) build/logs/fuzz-qemu && mkdir -p $(SANLOG)
	$(SAN_ENV) SMMU_EXT_FUZZ_SEEDS=$(QFUZZ_SEEDS) SMMU_EXT_FUZZ_OPS=$(QFUZZ_OPS) \
	    SMMU_EXT_FUZZ_SUMMARY_DIR=$(CURDIR)/build/logs/fuzz-qemu \
	    $(PY) -m pytest tests/test_smmu_fuzz.py -k campaign
	$(SAN_ENV) SMMU_EXT_MIGFUZZ_COUNT=$(QFUZZ_MIGRATION_STREAMS) SMMU_EXT_MIGFUZZ_SEED=2 \
	    $(PY) -m pytest tests/test_migration_mutation.py -k survives
	@$(SAN_REPORTS)
	cd tests && $(PY) -m smmuext.qfuzz $(CURDIR)/build/logs/fuzz-qemu

# libFuzzer harnesses over the models (models/fuzz, docs/robustness.md),
# built by clang with ASan and UBSan in build/fuzz.
FUZZ_SECONDS ?= 600
FUZZ_CHECK_SECONDS ?= 60
.PHONY: fuzz fuzz-check
build/fuzz/build.ninja:
	scripts/bootstrap packages
	CC=clang $(MESON) setup build/fuzz -Dfuzzing=true

fuzz: build/fuzz/build.ninja
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) scripts/fuzz run

fuzz-check: build/fuzz/build.ninja
	FUZZ_CHECK_SECONDS=$(FUZZ_CHECK_SECONDS) scripts/fuzz check

# On CI's two cores, two steps that keep only one busy have something
# beside them: pytest boots one guest at a time, and the sanitizer QEMU
# for check-asan is built meanwhile (qemu-asan-beside, after what pytest
# needs); check-asan's guests run beside fuzz-check.
check: bootstrap unit sanitize
	$(MAKE) --no-print-directory qemu guest kernel
	$(MAKE) --no-print-directory -j2 pytest-built qemu-asan-beside
	$(MAKE) --no-print-directory qtest
	$(MAKE) --no-print-directory -j2 check-asan fuzz-check

# qemu-asan at a lower priority, so that pytest's guests keep their core;
# its messages go to a log of their own (shown if it fails), so that
# pytest's lines stay whole.
qemu-asan-beside:
	@mkdir -p build/logs
	@nice -n 10 $(MAKE) --no-print-directory qemu-asan \
	    > build/logs/qemu-asan-beside.log 2>&1 || \
	    { tail -n 30 build/logs/qemu-asan-beside.log; exit 1; }

# With KERNEL_SRC, the guest boots the kernel built from that tree.
run:
	@scripts/run --check-args
	$(MAKE) --no-print-directory qemu guest $(if $(KERNEL_SRC),kernel \
	    KERNEL_PAGES=$(firstword $(KERNEL_PAGES)))
	@scripts/run

bench: qemu guest
	$(PY) bench/dma_read.py
	$(PY) bench/testdev_bench.py

coverage:
	scripts/bootstrap packages
	[ -f build/coverage/build.ninja ] || $(MESON) setup build/coverage -Db_coverage=true
	$(MESON) test -C build/coverage --no-suite qtest --print-errorlogs
	gcovr -r . --filter 'models/' --exclude '.*/tests/.*' \
	    --fail-under-line 85 build/coverage

clean:
	rm -rf build

# The cache is shared by every clone on the machine (scripts/cache-dir).
distclean: clean
	rm -rf "$$(scripts/cache-dir)"
