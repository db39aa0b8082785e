# SPDX-License-Identifier: GPL-2.0-or-later
"""Robustness of arm-smmuv3-ext inside QEMU: seeded random register writes,
random table memory, base registers aimed at RAM, unbacked space and the
SMMU's own registers, interleaved with DMA (plain, PASID, ATS) from
smmu-testdev.  QEMU must stay alive and answer QMP throughout.

test_qemu_level_campaign runs smmuext.qfuzz: both register pages, hostile
tables and queues, a driver's side of the event and PRI queues, DMA,
system resets and migrations (save to a file, load into a fresh QEMU) at
random points, every reply awaited for a bounded time.  The amount:
SMMU_EXT_FUZZ_OPS operations per seed (default 1000) for the seeds of
SMMU_EXT_FUZZ_SEEDS (default 1-6, one per SMMU property profile, e.g.
"1-20,33").  With SMMU_EXT_FUZZ_SUMMARY_DIR set, each seed's summary
(operations by kind, time, the model's counters) is written there as JSON
(make fuzz-qemu totals them)."""
import json
import os
import random

import pytest

from smmuext import qfuzz
from smmuext.qtest import QtestVm, machine_args
from smmuext.testdev import BAR0_ADDR, RAM, Endpoint, R

FUZZ_OPS = int(os.environ.get("SMMU_EXT_FUZZ_OPS", "1000"))
FUZZ_SEEDS = qfuzz.parse_seeds(os.environ.get("SMMU_EXT_FUZZ_SEEDS", "1-6"))
SUMMARY_DIR = os.environ.get("SMMU_EXT_FUZZ_SUMMARY_DIR", "")

SMMU_BASE = 0x09100000
TABLES = RAM + 0x100000              # random "tables" live here
TABLES_SIZE = 0x10000

# Register offsets worth hitting (page 0 and the page-1 aliases), plus a
# few reserved ones.
OFFSETS = [0x20, 0x24, 0x28, 0x2c, 0x3c, 0x44, 0x50, 0x54, 0x58, 0x5c,
           0x60, 0x64, 0x68, 0x70, 0x80, 0x88, 0x90, 0x98, 0x9c, 0xa0,
           0xa8, 0xac, 0xb0, 0xb8, 0xbc, 0xc0, 0xc8, 0xcc, 0xd0, 0xd4,
           0x100a8, 0x100ac, 0x100c8, 0x100cc, 0x0c, 0x1000, 0xe00, 0x10000]

# Where base and MSI address registers get aimed: tables in RAM, the SMMU's
# own registers, nothing at all, and the testdev's registers (its doorbell
# at +0x40 starts a DMA from inside the SMMU's own memory access).
TARGETS = [TABLES, TABLES + 0x40, SMMU_BASE, SMMU_BASE + 0x10000,
           0x0, 0x7f0000000000, BAR0_ADDR, BAR0_ADDR + 0x40, RAM + 0x3ff0000]


def random_value(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return rng.getrandbits(64)
    if kind == 1:
        # A base/pointer register aimed somewhere interesting, with a
        # plausible LOG2SIZE in the low bits.
        return rng.choice(TARGETS) | rng.randrange(0, 20)
    if kind == 2:
        return rng.choice([0, 1, 0xf, 0xff, 0xffffffff])
    return rng.getrandbits(32)


def campaign(seed, steps):
    rng = random.Random(seed)
    q = QtestVm(machine_args(
        ["arm-smmuv3-ext,primary-bus=pcie.0,addr=0x%x,id=smmu0" % SMMU_BASE,
         "smmu-testdev,id=td,addr=05.0,pasid=on,ats=on,pri=on"],
        machine="virt,gic-version=3", extra=["-m", "256M"]))
    try:
        td = Endpoint(q)
        q.memwrite(TABLES, bytes(rng.getrandbits(8) for _ in range(TABLES_SIZE)))
        for i in range(steps):
            op = rng.randrange(10)
            if op < 6:
                off = rng.choice(OFFSETS)
                val = random_value(rng)
                if rng.randrange(2):
                    q.writel(SMMU_BASE + off, val & 0xffffffff)
                else:
                    q.writeq(SMMU_BASE + (off & ~7), val)
            elif op < 7:
                # Scribble on the tables while the SMMU may be using them.
                at = TABLES + rng.randrange(0, TABLES_SIZE - 8, 8)
                q.writeq(at, rng.getrandbits(64))
            else:
                flags = 0
                if rng.randrange(3) == 0:
                    td.w32(R.PASID, rng.getrandbits(20))
                    flags |= R.OP_PASID
                if rng.randrange(2):
                    flags |= R.OP_NO_ATS
                td.run(R.OP_READ | flags, src=rng.choice(TARGETS) +
                       rng.randrange(0, 0x3000), length=rng.choice([4, 64, 4096]),
                       count=rng.randrange(1, 4), stride=4096,
                       wset=0x10000)
                if rng.randrange(4) == 0:
                    td.w32(R.DOORBELL, R.DOORBELL_ABORT)
            if i % 50 == 0:
                assert q.qmp("query-status")["status"] in ("running", "paused")
        assert q.qmp("query-status")["status"] in ("running", "paused")
        stats = q.qmp("qom-get", path="/machine/peripheral/smmu0",
                      property="stats")
        # The campaign reached the model, not only the register file.
        assert stats["translations"] > 0, stats
        return stats
    finally:
        q.close()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_random_programming_never_kills_qemu(built, seed):
    campaign(seed, 1500)


def write_summary(summary):
    os.makedirs(SUMMARY_DIR, exist_ok=True)
    with open(os.path.join(SUMMARY_DIR, "seed-%d.json" % summary["seed"]),
              "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)


@pytest.mark.asan
@pytest.mark.parametrize("seed", FUZZ_SEEDS)
def test_qemu_level_campaign(qemu_bin, seed, tmp_path):
    """QEMU neither crashes, hangs nor reports a sanitizer error; resets
    leave CR0 = CR0ACK = 0 and migrations keep the guest-written registers
    (checked inside the campaign, which raises with the seed, the step and
    the last steps)."""
    summary = qfuzz.run(seed, FUZZ_OPS, workdir=str(tmp_path))
    if SUMMARY_DIR:
        write_summary(summary)
    assert sum(summary["ops"].values()) == FUZZ_OPS
    # Every campaign resets and migrates at least once (forced points).
    assert summary["ops"]["reset"] >= 1 and summary["ops"]["migrate"] >= 1
