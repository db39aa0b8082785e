#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The TLB-reach knee, from smmu-sim and from smmu-testdev in QEMU, with
4 KiB pages and with 2 MiB blocks (docs/timing.md, "The TLB-reach knee").

    bench/knee.py [--out docs/img] [--quick]

The model's TLB (256 entries, 4 ways, the default) reaches 256 x 4 KiB =
1 MiB with pages and 256 x 2 MiB = 512 MiB with blocks; the micro-TLB in
front of it (32 entries) reaches 128 KiB and 64 MiB.  Beyond the reach,
hit rates fall and the mean latency rises to that of a walk.

- smmu-sim: uniformly random 64-byte reads over the working set
  (--gen random), pages or blocks (--set mapping=...).
- QEMU: smmu-testdev jobs reading one 64-byte line per page (stride
  4 KiB + 64) or per block (stride 2 MiB + 64), cycling over the working
  set, through arm-smmuv3-ext with timing=on; hit rates and the mean
  latency from the `timing` statistics of each job.

Prints one table and writes tlb-knee.png (hit rate and mean latency
against working set).  A benchmark: it fails only when something does
not run.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import testdev_bench as tb  # noqa: E402
from smmuext import paths  # noqa: E402
from smmuext.qtest import QtestVm  # noqa: E402

SIM = os.path.join(paths.BUILD, "models", "sim", "smmu-sim")
BLOCK = 2 << 20
PAGE_SETS = [64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20,
             256 << 20, 1 << 30]
BLOCK_SETS = [16 << 20, 64 << 20, 256 << 20, 512 << 20, 1 << 30, 2 << 30,
              4 << 30]


def size_arg(n):
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n % (1 << shift) == 0:
            return "%d%s" % (n >> shift, unit)
    return str(n)


def rate(hm):
    n = hm["hits"] + hm["misses"]
    return hm["hits"] / n if n else float("nan")


SERVICE = ("lookup", "memory", "process", "link")


def sim_sweep(mapping, wsets, count):
    """{wset: (uTLB hit, TLB hit of every translation, mean latency)}"""
    import json
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "sweep.json")
        subprocess.run([SIM, "--gen", "random", "--count", str(count),
                        "--set", "mapping=" + mapping, "--sweep",
                        "wset=" + ",".join(size_arg(w) for w in wsets),
                        "-j", "2", "--json", out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            doc = json.load(f)
    return {w: (rate(p["engine"]["utlb"]), rate(p["model"]["tlb"]),
                sum(p["engine"]["cycles"][k] for k in SERVICE) /
                p["engine"]["translations"])
            for w, p in zip(wsets, doc)}


def block_tables(size):
    """Stage-1 4 KiB-granule tables mapping IOVA [0, size) to DATA + IOVA
    with 2 MiB blocks at level 2 (the attributes of tb.page_tables)."""
    l0, l1 = tb.PT_BASE, tb.PT_BASE + tb.PAGE
    l2 = tb.PT_BASE + 2 * tb.PAGE
    n_l2 = (size + (1 << 30) - 1) >> 30
    table = 3
    attrs = 1 | (1 << 6) | (3 << 8) | (1 << 10) | (1 << 11)
    blocks = size // BLOCK
    out = [(l0, tb._le64([l1 | table] + [0] * 511)),
           (l1, tb._le64([l2 + i * tb.PAGE | table if i < n_l2 else 0
                          for i in range(512)]))]
    l2s = [tb.DATA + i * BLOCK | attrs for i in range(blocks)]
    l2s += [0] * (n_l2 * 512 - blocks)
    out.append((l2, tb._le64(l2s)))
    return out


def qemu_run(mapping, wsets, count):
    """{wset: (uTLB hit, TLB hit of every translation, mean latency)}"""
    stride = (tb.PAGE if mapping == "page" else BLOCK) + tb.LEN
    top = max(wsets)
    out = {}
    args = tb.qemu_args("smmuv3-ext-timing")
    args[args.index("-m") + 1] = "%dM" % (512 + (top >> 20))
    args[args.index("-device") + 1] += ",tlb-entries=256,tlb-ways=4"
    with QtestVm(args) as vm:
        td = tb.Testdev(vm)
        tables = tb.page_tables(top) if mapping == "page" else \
            block_tables(top)
        for addr, data in tables:
            vm.memwrite(addr, data)
        smmu = tb.Smmu(vm, tb.EXT_BASE)
        smmu.setup()
        for ws in wsets:
            smmu.invalidate_all()
            st0 = vm.qmp("qom-get", path="/machine/peripheral/smmu0",
                         property="stats")
            td.run(tb.TD.OP_READ, src=0, length=tb.LEN, count=count,
                   stride=stride, wset=ws)
            st1 = vm.qmp("qom-get", path="/machine/peripheral/smmu0",
                         property="stats")
            d = {k: {h: st1["timing"][k][h] - st0["timing"][k][h]
                     for h in ("hits", "misses")} for k in ("micro-tlb",)}
            tlb = {h: st1["tlb"][h] - st0["tlb"][h] for h in ("hits",
                                                               "misses")}
            n = st1["timing"]["translations"] - st0["timing"]["translations"]
            mean = sum(st1["timing"]["cycles"][k] - st0["timing"]["cycles"][k]
                       for k in SERVICE) / n
            out[ws] = (rate(d["micro-tlb"]), rate(tlb), mean)
    return out


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.3))
    styles = {"sim page": "o-", "sim block": "s-", "qemu page": "o--",
              "qemu block": "s--"}
    for name, data in rows.items():
        ws = sorted(data)
        a1.plot(ws, [data[w][1] for w in ws], styles[name], label=name)
        a2.plot(ws, [data[w][2] for w in ws], styles[name], label=name)
    for ax in (a1, a2):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("working set (bytes)")
        ax.grid(True, alpha=0.3)
        for reach, what in ((1 << 20, "256 x 4 KiB"),
                            (512 << 20, "256 x 2 MiB")):
            ax.axvline(reach, color="grey", linestyle=":", linewidth=1)
    a1.set_ylabel("TLB hit rate (every translation)")
    a1.set_ylim(-0.02, 1.02)
    a2.set_ylabel("mean service latency (SMMU cycles)")
    a1.legend(fontsize="small")
    a1.set_title("TLB reach: 1 MiB with pages, 512 MiB with blocks",
                 fontsize="medium")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(paths.TOP, "docs", "img"))
    ap.add_argument("--quick", action="store_true",
                    help="fewer accesses (a smoke run)")
    opts = ap.parse_args()
    count = 16384 if opts.quick else 131072
    rows = {
        "sim page": sim_sweep("page", PAGE_SETS, 4 * count),
        "sim block": sim_sweep("block", BLOCK_SETS, 4 * count),
        "qemu page": qemu_run("page", PAGE_SETS, count),
        "qemu block": qemu_run("block", BLOCK_SETS[:5], count // 8),
    }
    print("%-10s %10s %10s %10s %12s" % ("source", "wset", "uTLB hit",
                                          "TLB hit", "mean cycles"))
    for name, data in rows.items():
        for w in sorted(data):
            u, t, m = data[w]
            print("%-10s %10s %10.3f %10.3f %12.1f" % (name, size_arg(w), u,
                                                       t, m))
    os.makedirs(opts.out, exist_ok=True)
    path = os.path.join(opts.out, "tlb-knee.png")
    plot(rows, path)
    print("wrote", path)


if __name__ == "__main__":
    main()
