#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest DMA read benchmark: whole-disk O_DIRECT reads behind each SMMU
choice, run side by side, printed as times and ratios.

    make bench [BENCH_SMMUS="none builtin smmuv3-ext"] [MODE=strict]
               [BENCH_DISK_MB=256] [BENCH_RUNS=1]

The time is what the guest measures around its read loop (elapsed_ms of
the dma-read tests), so boot time does not count.  It is a benchmark: it
prints numbers, and fails only if a guest test fails.  The goal it checks
(and prints) is that our overhead over no IOMMU is no worse than the
built-in SMMUv3's.
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


def measure(smmu, mode, disk_mb, runs):
    """Best of @runs boots, per test (the least disturbed run)."""
    best = {}
    for i in range(runs):
        sc = guest.Scenario(smmu=smmu, mode=mode, disk_mb=disk_mb, net=False)
        boot = guest.boot(sc, log_name="bench-%s-%d" % (sc.name, i),
                          only=[t for t, _ in TESTS])
        for name, _ in TESTS:
            r = boot.report.results.get(name)
            if r is None or r.status != "pass":
                sys.exit("bench: %s failed under SMMU=%s (log: %s)" % (
                    name, smmu, boot.log_path))
            t = elapsed_ms(r)
            best[name] = min(best.get(name, t), t)
    return best


def main():
    smmus = os.environ.get("BENCH_SMMUS", "none builtin smmuv3-ext").split()
    mode = os.environ.get("MODE", "strict")
    disk_mb = int(os.environ.get("BENCH_DISK_MB", "256"))
    runs = int(os.environ.get("BENCH_RUNS", "1"))
    try:
        for s in smmus:
            guest.smmu_choice(s)
        guest.mode_choice(mode)
    except guest.ConfigError as e:
        sys.exit("bench: error: %s" % e)
    times = {}
    for s in smmus:
        print("bench: SMMU=%s ..." % s, flush=True)
        for name, t in measure(s, mode, disk_mb, runs).items():
            times[(s, name)] = t
    print()
    print("DMA read benchmark: %d MiB disk, O_DIRECT, MODE=%s, best of %d" % (
        disk_mb, mode, runs))
    print("%-11s %-7s %9s %9s %9s" % ("SMMU", "block", "time ms", "MiB/s",
                                      "vs none"))
    for name, label in TESTS:
        base = times.get(("none", name))
        for s in smmus:
            t = times[(s, name)]
            print("%-11s %-7s %9d %9.1f %9s" % (
                s, label, t, disk_mb * 1000.0 / max(t, 1),
                "%.3fx" % (t / base) if base else "-"))
    if all(k in smmus for k in ("none", "builtin", "smmuv3-ext")):
        print()
        for name, label in TESTS:
            none = times[("none", name)]
            ours = times[("smmuv3-ext", name)] - none
            builtin = times[("builtin", name)] - none
            print("%s reads: overhead over no IOMMU: smmuv3-ext %+d ms, "
                  "builtin %+d ms -> %s" % (
                      label, ours, builtin,
                      "ok (ours no worse)" if ours <= max(builtin, 0) * 1.05 + 50
                      else "WORSE than builtin"))


if __name__ == "__main__":
    main()
