# SPDX-License-Identifier: GPL-2.0-or-later
"""smmu-testdev jobs on the modelled time (OUTSTANDING, MODEL_NS).

Under qtest the virtual clock moves only with clock_step, so the times
are exact.  The SMMU is arm-smmuv3-ext with timing=on and the built-in
MMU-600-class parameters at 1000 MHz (1 cycle = 1 ns), set up as
bench/testdev_bench.py does (stage 1, 4 KiB pages, a 4-level walk).

Expected values, from models/common/params/mmu-600.conf:
- the first translation, a cold walk: micro-TLB 1 + TLB 3 + link 8 +
  configuration cache 3 + STE and CD fetches 2 x 150 + walk caches 4 + 4
  table reads x (150 + 1 step) + link 8 = 931 cycles (the same 931 that
  tests/test_timing_log.py sees, split as memory 900, lookup 11,
  process 4, link 16);
- a micro-TLB hit: 1 cycle; one waiting for the entry being fetched:
  until it arrives;
- the transfer of 64 bytes at 16 bytes/ns: 4 ns.
"""
import os
import sys

from smmuext import paths
from smmuext.qtest import QtestVm

sys.path.insert(0, os.path.join(paths.TOP, "bench"))
import testdev_bench as tb  # noqa: E402

TD = tb.TD


def _vm(timing="on"):
    args = tb.qemu_args("smmuv3-ext-timing")
    args[args.index("-device") + 1] = args[args.index("-device") + 1] \
        .replace("timing=on", "timing=" + timing)
    vm = QtestVm(args)
    vm.memset(tb.DATA, 1 << 20, 0x5a)
    td = tb.Testdev(vm)
    for addr, data in tb.page_tables(1 << 20):
        vm.memwrite(addr, data)
    tb.Smmu(vm, tb.EXT_BASE).setup()
    return vm, td


def _start(vm, outstanding, count=4):
    vm.writel(tb.BAR0 + TD.OUTSTANDING, outstanding)
    for reg, val in ((TD.SRC, 0), (TD.STRIDE, 0), (TD.WSET, 0)):
        vm.writeq(tb.BAR0 + reg, val)
    vm.writel(tb.BAR0 + TD.LEN, 64)
    vm.writel(tb.BAR0 + TD.COUNT, count)
    vm.writel(tb.BAR0 + TD.OP, TD.OP_READ)
    vm.writel(tb.BAR0 + TD.DOORBELL, TD.DOORBELL_START)


def _status(vm):
    return vm.readl(tb.BAR0 + TD.STATUS)


def test_serial_job_takes_sum_of_latencies_and_transfers(built):
    """OUTSTANDING = 1, four reads of one line: 931 + 4, then three
    micro-TLB hits of 1 + 4 each: 950 ns, and DONE only then."""
    vm, _ = _vm()
    try:
        assert vm.readl(tb.BAR0 + TD.FEATURES) & TD.FEAT_TIMED
        _start(vm, 1)
        assert vm.readq(tb.BAR0 + TD.MODEL_NS) == 950
        assert vm.readq(tb.BAR0 + TD.DONE_COUNT) == 4   # the data moved
        assert _status(vm) == TD.STATUS_BUSY
        vm.command("clock_step 949")
        assert _status(vm) == TD.STATUS_BUSY
        vm.command("clock_step 1")
        assert _status(vm) == TD.STATUS_DONE
    finally:
        vm.close()


def test_four_outstanding_overlap(built):
    """OUTSTANDING = 4: all four issue at once; the three behind the
    first find its micro-TLB entry on its way and wait for it (931), then
    transfer: 935 ns."""
    vm, _ = _vm()
    try:
        _start(vm, 4)
        assert vm.readq(tb.BAR0 + TD.MODEL_NS) == 935
        vm.command("clock_step 934")
        assert _status(vm) == TD.STATUS_BUSY
        vm.command("clock_step 1")
        assert _status(vm) == TD.STATUS_DONE
    finally:
        vm.close()


def test_untimed_smmu_costs_transfers_only(built):
    """timing=off: no translation latency, four serial transfers: 16."""
    vm, _ = _vm("off")
    try:
        _start(vm, 1)
        assert vm.readq(tb.BAR0 + TD.MODEL_NS) == 16
        vm.command("clock_step 16")
        assert _status(vm) == TD.STATUS_DONE
    finally:
        vm.close()


def test_untimed_job_completes_in_the_doorbell(built):
    vm, _ = _vm()
    try:
        _start(vm, 0)
        assert _status(vm) == TD.STATUS_DONE
        assert vm.readq(tb.BAR0 + TD.MODEL_NS) == 0
    finally:
        vm.close()


def test_outstanding_above_64_is_clamped(built):
    vm, _ = _vm()
    try:
        vm.writel(tb.BAR0 + TD.OUTSTANDING, 1000)
        assert vm.readl(tb.BAR0 + TD.OUTSTANDING) == 64
    finally:
        vm.close()
