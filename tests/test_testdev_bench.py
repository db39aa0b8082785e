# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/testdev_bench.py: its quick self-check runs every kind of
translation (stage 1 with 4 KiB and 64 KiB granules, nested) behind every
configuration, and a mapping that does not translate is caught."""
import os
import subprocess
import sys

import pytest

from smmuext import paths
from smmuext.qtest import QtestVm

sys.path.insert(0, os.path.join(paths.TOP, "bench"))
import testdev_bench as tb  # noqa: E402

SELF_CHECK = ["--runs", "1", "--count", "4096", "--wsets", "64KiB,16MiB"]


def test_self_check_every_kind_and_configuration(qemu_bin):
    out = subprocess.run(
        [sys.executable, os.path.join(paths.TOP, "bench", "testdev_bench.py"),
         "-q"] + SELF_CHECK, check=True, capture_output=True, text=True,
        timeout=600).stdout
    rows = {line[:18].strip(): line[18:].split() for line in out.splitlines()
            if line[:1].isdigit()}
    for ws in ("64 KiB", "16 MiB"):
        for tag in ("", " [64K]", " [nested]"):
            cells = rows[ws + tag]
            # none, builtin, smmuv3-ext, smmuv3-ext-timing, smmuv2-ext,
            # smmuv2-ext-timing, ours/built-in, overhead o/b, timing
            # on/off, v2/built-in
            assert len(cells) == 10, (ws + tag, cells)
            for col in (1, 6, 7, 9):       # no stage 2 in those
                assert (cells[col] == "-") == (tag == " [nested]"), cells
            assert all(float(c) > 0 for c in cells if c != "-")
    assert "goal [64K]: ours/built-in <= 1.0" in out
    assert "[nested]: no goal (QEMU 7.2's SMMUv3 has no stage 2)" in out


def test_tables_of_the_4k_kind_are_the_page_tables():
    assert tb.kind_tables("s1-4k", 3 << 20) == tb.page_tables(3 << 20)


@pytest.mark.parametrize("config", ["smmuv3-ext", "builtin", "smmuv2-ext"])
def test_64k_tables_walk_64k_pages(qemu_bin, config):
    """A 64 KiB-granule walk that took the tables for 4 KiB ones would put
    the probes elsewhere: each lands at DATA + its offset."""
    out = tb.measure(config, [256 << 10], 256, (), lambda msg: None,
                     tb.S1_64K)
    assert out[256 << 10] > 0


@pytest.mark.parametrize("config", ["smmuv3-ext", "smmuv2-ext"])
def test_stage2_fault_is_caught(qemu_bin, monkeypatch, config):
    """Stage 2 without write permission: the probe write faults, the
    benchmark stops with the job's error (not a number): the nested rows
    really go through stage 2."""
    monkeypatch.setattr(tb, "S2_ATTRS", tb.S2_ATTRS & ~tb.DESC.S2AP_W)
    with pytest.raises(tb.BenchError, match="job failed"):
        tb.measure(config, [64 << 10], 64, (), lambda msg: None, tb.NESTED)


def test_stage2_really_translates(qemu_bin):
    """The nested STE's IPAs are not PAs: with stage 2 switched off
    (Config stage 1 only) the same tables fault."""
    args = tb.qemu_args("smmuv3-ext", tb.NESTED)
    with QtestVm(args) as vm:
        vm.memset(tb.DATA, 64 << 10, 0x5a)
        td = tb.Testdev(vm)
        for addr, data in tb.kind_tables(tb.NESTED, 64 << 10):
            vm.memwrite(addr, data)
        smmu = tb.Smmu(vm, tb.EXT_BASE)
        smmu.setup(tb.NESTED)
        td.run(tb.TD.OP_READ, src=0, count=16, stride=tb.NESTED.stride,
               wset=64 << 10)
        ste = tb.ste_words(tb.ipa(tb.CDTAB), tb.S1_4K)
        vm.memwrite(tb.STRTAB + 64 * tb.SID, tb._le64(ste))
        smmu.invalidate_all()
        with pytest.raises(tb.BenchError, match="job failed"):
            td.run(tb.TD.OP_READ, src=0, count=16,
                   stride=tb.NESTED.stride, wset=64 << 10)
        assert smmu.events()


def test_smmuv2_really_translates(qemu_bin):
    """The SMMUv2 set-up translates: with the context bank's TTBR0 at
    an empty table the same job takes a translation fault (FSR.TF, bit 1)
    and the benchmark stops with the job's error."""
    with QtestVm(tb.qemu_args("smmuv2-ext", tb.S1_4K)) as vm:
        vm.memset(tb.DATA, 64 << 10, 0x5a)
        td = tb.Testdev(vm)
        for addr, data in tb.kind_tables(tb.S1_4K, 64 << 10):
            vm.memwrite(addr, data)
        smmu = tb.Smmu2(vm, tb.EXT_BASE)
        smmu.setup(tb.S1_4K)
        td.run(tb.TD.OP_READ, src=0, count=16, stride=tb.S1_4K.stride,
               wset=64 << 10)
        smmu.check_quiet("mapped")
        vm.writeq(smmu.cb + 0x20, tb.DATA | tb.ASID << 48)   # TTBR0: zeros
        vm.memset(tb.DATA, 4096, 0)
        smmu.invalidate_all()
        with pytest.raises(tb.BenchError, match="job failed"):
            td.run(tb.TD.OP_READ, src=0, count=16, stride=tb.S1_4K.stride,
                   wset=64 << 10)
        assert vm.readl(smmu.cb + 0x58) & 0x2, "FSR.TF not set"
