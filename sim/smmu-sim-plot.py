#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Charts of smmu-sim JSON documents (docs/smmu-sim.md, "Charts").

    smmu-sim-plot.py DOC.json OUTDIR

DOC is one run (an object) or a sweep (an array of points).  Writes PNG
files into OUTDIR and prints their names:

  latency-cdf.png          cumulative latency distribution of each run
                           or point (from the engine's log2 buckets)
  <key>-latency.png        a sweep's mean and p99 latency against its key
  <key>-hit-rate.png       a sweep's micro-TLB and TLB hit rates (engine)
                           and the model's TLB hit rate against its key

Needs matplotlib (Debian: python3-matplotlib, which scripts/bootstrap
installs).
"""
import json
import os
import re
import sys

SIZE = re.compile(r"^(\d+)([KMGT]?)$", re.IGNORECASE)
SHIFT = {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}


def fail(msg):
    sys.exit("smmu-sim-plot: " + msg)


def load_matplotlib():
    try:
        import matplotlib
    except ImportError:
        fail("matplotlib is missing (Debian: apt-get install "
             "python3-matplotlib; scripts/bootstrap packages does it)")
    matplotlib.use("Agg")               # files only, no display
    import matplotlib.pyplot as plt
    return plt


def axis_value(text):
    """A sweep value as a number for the x axis: sizes with K/M/G/T
    suffixes in bytes, other numbers as they are; None when neither."""
    m = SIZE.match(str(text))
    if m:
        return int(m.group(1)) << SHIFT[m.group(2).upper()]
    try:
        return float(text)
    except ValueError:
        return None


def label(point):
    p = point.get("point")
    return "%s=%s" % (p["key"], p["value"]) if p else "run"


def cdf(hist):
    """(x, y) steps of the cumulative distribution over the buckets: at
    each bucket's top, the fraction of samples at or below it."""
    total = hist.get("count") or 0
    xs, ys, seen = [], [], 0
    for lo, hi, n in hist.get("buckets", []):
        seen += n
        xs.append(max(hi, 1))
        ys.append(seen / total if total else 0.0)
    return xs, ys


def hit_rate(hm):
    n = hm["hits"] + hm["misses"]
    return hm["hits"] / n if n else float("nan")


def plot_cdf(plt, points, outdir):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for p in points:
        eng = p.get("engine")
        if not eng:
            continue
        xs, ys = cdf(eng["latency"])
        ax.step(xs, ys, where="post", label=label(p))
    ax.set_xscale("log", base=2)
    ax.set_xlabel("latency (SMMU cycles, log2 bucket tops)")
    ax.set_ylabel("fraction of translations")
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    if len(points) > 1:
        ax.legend(fontsize="small")
    path = os.path.join(outdir, "latency-cdf.png")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def sweep_axis(ax, key, xs):
    numeric = all(x is not None for x in xs)
    if numeric and min(xs) > 0 and max(xs) / min(xs) >= 16:
        ax.set_xscale("log", base=2)
    ax.set_xlabel(key)
    return numeric


def plot_sweep(plt, points, outdir):
    key = points[0]["point"]["key"]
    values = [p["point"]["value"] for p in points]
    xs = [axis_value(v) for v in values]
    paths = []
    with_timing = all(p.get("engine") for p in points)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    numeric = sweep_axis(ax, key, xs)
    x = xs if numeric else list(range(len(values)))
    if with_timing:
        ax.plot(x, [p["engine"]["latency"]["mean"] for p in points], "o-",
                label="mean")
        ax.plot(x, [p["engine"]["latency"]["p99"] for p in points], "s--",
                label="p99")
        ax.set_ylabel("latency (SMMU cycles)")
        ax.legend(fontsize="small")
        if not numeric:
            ax.set_xticks(x, values)
        ax.grid(True, alpha=0.3)
        path = os.path.join(outdir, "%s-latency.png" % key)
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        paths.append(path)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    sweep_axis(ax, key, xs)
    if with_timing:
        ax.plot(x, [hit_rate(p["engine"]["utlb"]) for p in points], "o-",
                label="micro-TLB (engine)")
        ax.plot(x, [hit_rate(p["engine"]["tlb"]) for p in points], "s-",
                label="TLB, after micro-TLB misses (engine)")
    ax.plot(x, [hit_rate(p["model"]["tlb"]) for p in points], "^--",
            label="TLB, every translation (model)")
    ax.set_ylabel("hit rate")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize="small")
    if not numeric:
        ax.set_xticks(x, values)
    ax.grid(True, alpha=0.3)
    path = os.path.join(outdir, "%s-hit-rate.png" % key)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    paths.append(path)
    return paths


def main(argv):
    if len(argv) != 3:
        fail("usage: smmu-sim-plot.py DOC.json OUTDIR")
    try:
        with open(argv[1]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (argv[1], e))
    points = doc if isinstance(doc, list) else [doc]
    if not points or not all(isinstance(p, dict) and "model" in p
                             for p in points):
        fail("%s: not an smmu-sim document" % argv[1])
    os.makedirs(argv[2], exist_ok=True)
    plt = load_matplotlib()
    paths = [plot_cdf(plt, points, argv[2])]
    if isinstance(doc, list) and all(p.get("point") for p in points):
        paths += plot_sweep(plt, points, argv[2])
    for p in paths:
        print(p)


if __name__ == "__main__":
    main(sys.argv)
