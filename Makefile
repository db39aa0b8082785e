# SPDX-License-Identifier: GPL-2.0-or-later
# User-facing targets.  The work is done by scripts/ and meson/ninja.
#
#   make run     build what is missing, boot the guest behind an SMMU,
#                print a summary (SMMU=smmuv3-ext|builtin|none,
#                MODE=strict|lazy|passthrough)
#   make check   every test: model unit tests (also under ASan/UBSan),
#                guest scenarios and tooling (pytest), QTest suites,
#                QTest suites of arm-smmuv3-ext (make qtest)
#   make bench   benchmarks
#   make clean   remove build/ (keeps the download and ccache cache)
#   make distclean  also remove the shared cache (scripts/cache-dir)

SHELL := /bin/bash
PY := /usr/bin/python3
MESON := meson
SMMU ?= smmuv3-ext
MODE ?= strict
export SMMU MODE

.PHONY: help run check bench clean distclean bootstrap qemu guest models \
        unit coverage pytest qtest sanitize

help:
	@sed -n 's/^#   //p' Makefile

bootstrap:
	scripts/bootstrap all

qemu:
	scripts/build-qemu

guest:
	scripts/build-guest

build/models/build.ninja:
	scripts/bootstrap packages
	$(MESON) setup build/models

models: build/models/build.ninja
	ninja -C build/models

unit: models
	$(MESON) test -C build/models --no-suite qtest --print-errorlogs

qtest: models qemu
	$(MESON) test -C build/models --suite qtest --print-errorlogs

pytest: qemu guest
	$(PY) -m pytest tests

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

check: bootstrap unit sanitize pytest qtest

run:
	@scripts/run --check-args
	$(MAKE) --no-print-directory qemu guest
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
