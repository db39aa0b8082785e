#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest DMA read benchmark: the same O_DIRECT whole-disk reads behind each
SMMU choice, side by side, as times and ratios over no IOMMU.

    make bench [BENCH_SMMUS="none builtin"] [MODE=strict] [SMMU_EXT_DISK_MB=64]

The time is what the guest measures around its read loop (elapsed_ms in
the guest test's output), so boot time does not count.  It is a benchmark:
it prints numbers and fails only if a guest test fails.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
from smmuext import guest  # noqa: E402

TESTS = [("dma-read-4k", "4 KiB"), ("dma-read-64k", "64 KiB")]


def elapsed_ms(result):
    for d in result.diagnostics:
        m = re.search(r"elapsed_ms: (\d+)", d)
        if m:
            return int(m.group(1))
    return None


def main():
    smmus = os.environ.get("BENCH_SMMUS", " ".join(guest.SMMU_CHOICES)).split()
    mode = os.environ.get("MODE", "strict")
    try:
        for s in smmus:
            guest.smmu_choice(s)
        guest.mode_choice(mode)
    except guest.ConfigError as e:
        sys.exit("bench: error: %s" % e)
    times = {}
    for s in smmus:
        sc = guest.Scenario(smmu=s, mode=mode)
        boot = guest.boot(sc, log_name="bench-" + sc.name)
        for name, _ in TESTS:
            r = boot.report.results.get(name)
            if r is None or r.status != "pass":
                sys.exit("bench: %s failed under SMMU=%s (log: %s)" % (
                    name, s, boot.log_path))
            times[(s, name)] = elapsed_ms(r)
    disk_mb = guest.DEFAULT_DISK_MB
    print("DMA read benchmark: %d MiB disk, O_DIRECT, MODE=%s" % (disk_mb, mode))
    print("%-10s %-8s %10s %12s %10s" % ("SMMU", "block", "time ms", "MiB/s", "vs none"))
    for name, label in TESTS:
        base = times.get(("none", name))
        for s in smmus:
            t = times[(s, name)]
            ratio = "%.2fx" % (t / base) if base else "-"
            print("%-10s %-8s %10d %12.1f %10s" % (
                s, label, t, disk_mb * 1000.0 / max(t, 1), ratio))


if __name__ == "__main__":
    main()
