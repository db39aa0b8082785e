#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest DMA read benchmark: whole-disk O_DIRECT reads behind each SMMU
choice, run side by side, printed as times and ratios.

    make bench [BENCH_SMMUS="none builtin smmuv3-ext smmuv2-ext"] [MODE=strict]
               [BENCH_DISK_MB=256] [BENCH_RUNS=3]

A BENCH_SMMUS entry NAME:PROPS adds properties to our SMMU's -device
(commas doubled), e.g. "smmuv3-ext smmuv3-ext:timing=off" puts the
timing model's cost beside the default.

The time is what the guest measures around its read loop (elapsed_ms of
the dma-read tests), so boot time does not count.  One guest boot takes
a few seconds of TCG and its disk reads share the host with everything
else, so a single run can be far off (a 64 KiB read once took 6.35 s
against 3.59 s in the next three runs).  The runs are therefore
interleaved (round 1 boots every SMMU choice once, then round 2, ...), so
that a slow phase of the host hits every choice alike; the best run is
the figure, and the spread (worst / best - 1) is printed beside it, with
a warning when it is above 20% or when the no-IOMMU baseline is slower
than an SMMU it is the baseline for.  It is a benchmark: it prints
numbers, and fails only if a guest test fails.  The goal it checks (and
prints) is that our overhead over no IOMMU is no worse than the built-in
SMMUv3's.
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


SPREAD_WARN = 0.20


def split_choice(entry):
    """BENCH_SMMUS entry -> (SMMU choice, extra -device properties)."""
    smmu, _, props = entry.partition(":")
    return smmu, props


def boot_once(entry, mode, disk_mb, round_no):
    """{test: elapsed ms} of one boot."""
    smmu, props = split_choice(entry)
    sc = guest.Scenario(smmu=smmu, mode=mode, disk_mb=disk_mb, net=False,
                        smmu_opts=props)
    boot = guest.boot(sc, log_name="bench-%s-%d" % (sc.name, round_no),
                      only=[t for t, _ in TESTS])
    out = {}
    for name, _ in TESTS:
        r = boot.report.results.get(name)
        if r is None or r.status != "pass":
            sys.exit("bench: %s failed under SMMU=%s (log: %s)" % (
                name, entry, boot.log_path))
        out[name] = elapsed_ms(r)
    return out


def measure(smmus, mode, disk_mb, runs):
    """{(smmu, test): [ms per round]}, the SMMU choices interleaved."""
    samples = {}
    for i in range(runs):
        for s in smmus:
            print("bench: round %d/%d, SMMU=%s ..." % (i + 1, runs, s),
                  flush=True)
            for name, t in boot_once(s, mode, disk_mb, i).items():
                samples.setdefault((s, name), []).append(t)
    return samples


def spread(values):
    return max(values) / max(min(values), 1) - 1


def main():
    smmus = os.environ.get("BENCH_SMMUS",
                           "none builtin smmuv3-ext smmuv2-ext").split()
    mode = os.environ.get("MODE", "strict")
    disk_mb = int(os.environ.get("BENCH_DISK_MB", "256"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    try:
        for s in smmus:
            smmu, props = split_choice(s)
            guest.smmu_choice(smmu)
            if props and not guest.smmu_choice(smmu).devices:
                raise guest.ConfigError("%s: properties are for our SMMUs "
                                        "(smmuv3-ext, smmuv2-ext) only" % s)
        guest.mode_choice(mode)
    except guest.ConfigError as e:
        sys.exit("bench: error: %s" % e)
    samples = measure(smmus, mode, disk_mb, runs)
    times = {k: min(v) for k, v in samples.items()}
    print()
    print("DMA read benchmark: %d MiB disk, O_DIRECT, MODE=%s, best of %d "
          "interleaved runs" % (disk_mb, mode, runs))
    width = max(11, max(len(s) for s in smmus))
    print("%-*s %-7s %9s %9s %9s %8s" % (width, "SMMU", "block", "time ms",
                                          "MiB/s", "vs none", "spread"))
    warnings = []
    for name, label in TESTS:
        base = times.get(("none", name))
        for s in smmus:
            t = times[(s, name)]
            sp = spread(samples[(s, name)])
            print("%-*s %-7s %9d %9.1f %9s %7.0f%%" % (
                width, s, label, t, disk_mb * 1000.0 / max(t, 1),
                "%.3fx" % (t / base) if base else "-", 100 * sp))
            if sp > SPREAD_WARN:
                warnings.append("%s %s: runs spread %.0f%% (%s ms): the "
                                "host was busy; more runs (BENCH_RUNS) or "
                                "a quieter host" % (
                                    s, label, 100 * sp,
                                    ", ".join(map(str, samples[(s, name)]))))
            if base and s != "none" and t < base:
                warnings.append("%s %s: faster than no IOMMU (%d < %d ms): "
                                "the baseline is disturbed or the reads "
                                "are not what is measured" % (s, label, t,
                                                              base))
    for w in warnings:
        print("bench: warning: " + w)
    for smmu in ("smmuv3-ext", "smmuv2-ext"):
        if not all(k in smmus for k in ("none", "builtin", smmu)):
            continue
        print()
        for name, label in TESTS:
            none = times[("none", name)]
            ours = times[(smmu, name)] - none
            builtin = times[("builtin", name)] - none
            print("%s reads: overhead over no IOMMU: %s %+d ms, "
                  "builtin %+d ms -> %s" % (
                      label, smmu, ours, builtin,
                      "ok (ours no worse)" if ours <= max(builtin, 0) * 1.05 + 50
                      else "WORSE than builtin"))


if __name__ == "__main__":
    main()
