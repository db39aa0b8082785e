# SPDX-License-Identifier: GPL-2.0-or-later
"""A Linux guest's timing-log, replayed in smmu-sim, gives the latencies
QEMU gave (docs/timing.md, "Replaying a guest").

Debian's Linux 6.1 boots on arm-smmuv3-ext with timing=on and a
timing-log, in strict mode, and reads its 16 MiB disk in 4 KiB O_DIRECT
blocks: every unmap sends a TLBI_NH_VA and a CMD_SYNC, so the log holds
about as many commands as DMA pages.  smmu-sim replays the log with the
shape of the guest's configuration: stage 1, 4 KiB pages, 48-bit VA, a
linear stream table (two-level-st=off; a 2-level one costs the first
fetch of a stream one more read), the disk's StreamID and the ASID Linux
gave its domain, read back from the log.  Every translation must come
out with the same latency and breakdown, line for line, and the commands
must be what makes that so: the same log without them replays with more
TLB hits.
"""
import os
import subprocess

import pytest

from smmuext import guest, paths

SIM = os.path.join(paths.BUILD, "models", "sim", "smmu-sim")
GUEST_TESTS = ["iommu-probe", "dma-read-4k", "smmu-dmesg"]
DISK_MB = 16
# sidsize=6 covers the disk's StreamID 8 with a linear stream table.
OPTS = "timing=on,two-level-st=off,sidsize=6"
TLBI_NH_VA = 0x12


def _fields(line):
    """A log line without its output address (smmu-sim maps elsewhere)."""
    f = line.split()
    return f if f[1] == "cmd" else f[:8] + f[9:]


@pytest.fixture(scope="module")
def guest_log(built, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("replay") / "guest.tlog")
    sc = guest.Scenario(smmu="smmuv3-ext", mode="strict", disk_mb=DISK_MB,
                        net=False, unmap_watcher=False,
                        smmu_opts=OPTS + ",timing-log=" + path.replace(",", ",,"),
                        timeout=600)
    boot = guest.boot(sc, log_name="timing-replay", only=GUEST_TESTS)
    assert not boot.error and not boot.timed_out, boot.log_tail()
    for name in GUEST_TESTS:
        r = boot.report.results.get(name)
        assert r is not None and r.status == "pass", (name, boot.log_tail())
    with open(path) as f:
        return [line for line in f if not line.startswith("#")]


def _replay(tmp_path, lines):
    """smmu-sim's log of @lines, replayed in the guest's configuration."""
    xlates = [l.split() for l in lines if l.split()[1] != "cmd"]
    iovas = [int(f[3], 16) for f in xlates]
    base = min(iovas) & ~0xfffff
    size = ((max(iovas) | 0xfffff) + 1) - base
    asids = {int(l.split()[2], 16) >> 48 for l in lines
             if l.split()[1] == "cmd" and int(l.split()[2], 16) & 0xff ==
             TLBI_NH_VA}
    assert len(asids) <= 1, asids
    trace = tmp_path / "trace"
    trace.write_text("".join(lines))
    out = tmp_path / "replayed"
    args = [SIM, "--trace", str(trace),
            "--set", "streams=%d" % (max(int(f[1]) for f in xlates) + 1),
            "--set", "map=0x%x:0x%x" % (base, size), "--log", str(out)]
    if asids:
        args += ["--set", "asid=%d" % asids.pop()]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out.read_text().splitlines()


@pytest.mark.guest
def test_guest_log_holds_strict_invalidations(guest_log):
    names = [l.split()[4] for l in guest_log if l.split()[1] == "cmd"]
    xlates = len(guest_log) - len(names)
    # 4096 reads of 4 KiB, each unmapped (and invalidated) on completion
    assert names.count("TLBI_NH_VA") >= DISK_MB * 256, names.count(
        "TLBI_NH_VA")
    assert names.count("CMD_SYNC") >= names.count("TLBI_NH_VA")
    assert xlates >= DISK_MB * 256


@pytest.mark.guest
def test_smmu_sim_replays_guest_latencies(guest_log, tmp_path):
    replayed = _replay(tmp_path, guest_log)
    assert len(replayed) == len(guest_log)
    for i, (q, s) in enumerate(zip(guest_log, replayed)):
        assert _fields(q) == _fields(s), (i, q, s)
    lat = sorted(int(l.split()[6]) for l in replayed
                 if l.split()[1] != "cmd")
    print("replayed %d translations: mean %.1f, p50 %d, p99 %d cycles" % (
        len(lat), sum(lat) / len(lat), lat[len(lat) // 2],
        lat[len(lat) * 99 // 100]))


@pytest.mark.guest
def test_replay_without_commands_differs(guest_log, tmp_path):
    """Without the guest's invalidations the replay hits where QEMU
    missed: the commands carry the TLB state."""
    xlates = [l for l in guest_log if l.split()[1] != "cmd"]
    replayed = _replay(tmp_path, xlates)
    misses = [sum(" tlb=miss " in l for l in ls) for ls in (xlates, replayed)]
    assert misses[1] < misses[0], misses
