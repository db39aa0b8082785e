# SPDX-License-Identifier: GPL-2.0-or-later
"""timing-log=FILE of arm-smmuv3-ext, replayed by smmu-sim.

An smmu-testdev job reads through the SMMU (stage 1, 4 KiB pages, 48-bit
IOVA: the set-up of bench/testdev_bench.py) with timing=on and a
timing-log.  Under qtest the virtual clock stands still during the job,
so every access arrives in the same cycle and the TBU's 16 slots make
later ones queue.  smmu-sim, given the same shape of tables (its default
scenario: stage 1, 4k pages, T0SZ 16) and the log as its trace, must
reproduce every latency: the same model and engine, fed the same
requests, give the same numbers.  The log holds the commands the driver
sent too (set-up invalidations here), which smmu-sim executes in turn.
"""
import os
import re
import subprocess
import sys

from smmuext import paths
from smmuext.qtest import QtestVm

sys.path.insert(0, os.path.join(paths.TOP, "bench"))
import testdev_bench as tb  # noqa: E402

SIM = os.path.join(paths.BUILD, "models", "sim", "smmu-sim")
WSET = 64 << 10
COUNT = 512
LINE = re.compile(r"^(\d+) (\d+) - 0x([0-9a-f]+) (\d+) ([rw]) (\d+) (\S+) "
                  r"0x[0-9a-f]+ utlb=(\S+) tlb=(\S+) reads=(\d+) ")


def _qemu_log(tmp_path):
    log = str(tmp_path / "smmu.tlog")
    args = tb.qemu_args("smmuv3-ext-timing")
    args[args.index("-device") + 1] += ",timing-log=" + log
    with QtestVm(args) as vm:
        vm.memset(tb.DATA, WSET, 0x5a)
        td = tb.Testdev(vm)
        for addr, data in tb.page_tables(WSET):
            vm.memwrite(addr, data)
        tb.Smmu(vm, tb.EXT_BASE).setup()
        td.run(tb.TD.OP_READ, src=0, length=tb.LEN, count=COUNT,
               stride=tb.STRIDE, wset=WSET)
    with open(log) as f:
        return [line for line in f if not line.startswith("#")]


# What bench/testdev_bench.py's Smmu.setup() sends once the SMMU is on:
# CFGI_STE_RANGE (0x04) over all StreamIDs (Range 31), TLBI_NSNH_ALL
# (0x30), CMD_SYNC (0x46); the clock has not moved yet under qtest.
SETUP_COMMANDS = [
    "0 cmd 0x0000000000000004 0x000000000000001f CFGI_STE_RANGE",
    "0 cmd 0x0000000000000030 0x0000000000000000 TLBI_NSNH_ALL",
    "0 cmd 0x0000000000000046 0x0000000000000000 CMD_SYNC",
]


def test_timing_log_lines(built, tmp_path):
    log = _qemu_log(tmp_path)
    commands = [line.rstrip("\n") for line in log if " cmd " in line]
    assert commands == SETUP_COMMANDS
    lines = [line for line in log if " cmd " not in line]
    assert len(lines) == COUNT
    first = LINE.match(lines[0])
    assert first, lines[0]
    # StreamID 40 (00:05.0), IOVA 0, a read; a cold stage-1 walk misses
    # both TLBs and reads 4 descriptors
    assert first.group(2, 3, 5) == ("40", "0", "r")
    assert first.group(7, 8, 9, 10) == ("ok", "miss", "miss", "4")
    times = {LINE.match(line).group(1) for line in lines}
    assert len(times) == 1, "the virtual clock moved during the job"


def test_smmu_sim_replays_qemu_latencies(built, tmp_path):
    lines = _qemu_log(tmp_path)
    trace = tmp_path / "trace"
    trace.write_text("".join(lines))
    out = tmp_path / "replayed"
    r = subprocess.run([SIM, "--trace", str(trace), "--set", "streams=41",
                        "--set", "map=0:%d" % WSET, "--log", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    replayed = out.read_text().splitlines()
    assert len(replayed) == len(lines)
    for i, (q, s) in enumerate(zip(lines, replayed)):
        # time sid ssid iova size access latency outcome; then the
        # breakdown.  Output addresses differ (smmu-sim maps elsewhere).
        # Commands come back as they went in.
        qf, sf = q.split(), s.split()
        if qf[1] == "cmd":
            assert qf == sf, (i, q, s)
        else:
            assert qf[:8] == sf[:8] and qf[9:] == sf[9:], (i, q, s)
