# SPDX-License-Identifier: GPL-2.0-or-later
"""arm-smmuv3-ext's timing properties: timing=on|off, timing-params=FILE,
the timing member of qom-get stats, and the errors of bad parameter files.
No guest is booted."""
import subprocess

import pytest

from smmuext import paths
from test_testdev_smoke import Qemu

SMMU = "arm-smmuv3-ext,primary-bus=pcie.0,id=smmu0"
STATS = "/machine/peripheral/smmu0"


def stats(props):
    q = Qemu(paths.QEMU, [SMMU + props])
    try:
        return q.qmp("qom-get", path=STATS, property="stats")
    finally:
        q.close()


def test_timing_on(built):
    t = stats(",timing=on")["timing"]
    # The built-in MMU-600-class set runs at 1000 MHz (params/mmu-600.conf)
    assert t["clock-mhz"] == 1000
    assert t["translations"] == 0 and t["latency"]["count"] == 0
    assert set(t["resources"]) == {"tbu", "tcu", "ptw", "eventq", "cmdq"}
    assert t["resources"]["tcu"]["servers"] == 64
    assert t["resources"]["ptw"]["servers"] == 16


def test_timing_off_has_no_timing_stats(built):
    assert "timing" not in stats(",timing=off")
    # Off by default while it costs host time (docs/timing.md, Host cost)
    assert "timing" not in stats("")


def test_timing_params_file(built, tmp_path):
    f = tmp_path / "slow.conf"
    f.write_text("# a slower, smaller SMMU\nclock.mhz = 800\n"
                 "[slots]\ntcu = 8\n")
    t = stats(",timing=on,timing-params=%s" % f)["timing"]
    assert t["clock-mhz"] == 800
    assert t["resources"]["tcu"]["servers"] == 8
    assert t["resources"]["ptw"]["servers"] == 16      # default kept


BAD = [
    ("unknown-key", "clock.mhz = 800\nutlb.bogus = 3\n",
     "timing-params: {f}:2: unknown key 'utlb.bogus'"),
    ("out-of-range", "utlb.entries = 0\n",
     "timing-params: {f}:1: utlb.entries: 0 is out of range "
     "(allowed 1..4096)"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_timing_params(built, tmp_path, case):
    _, text, expected = case
    f = tmp_path / "bad.conf"
    f.write_text(text)
    r = subprocess.run([paths.QEMU, "-M", "virt", "-nodefaults", "-display",
                        "none", "-S", "-device",
                        SMMU + ",timing=on,timing-params=%s" % f],
                       capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode != 0
    assert expected.format(f=f) in r.stderr, r.stderr


def test_timing_params_need_timing(built, tmp_path):
    f = tmp_path / "t.conf"
    f.write_text("clock.mhz = 800\n")
    r = subprocess.run([paths.QEMU, "-M", "virt", "-nodefaults", "-display",
                        "none", "-S", "-device",
                        SMMU + ",timing=off,timing-params=%s" % f],
                       capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode != 0
    assert "timing-params=%s needs timing=on" % f in r.stderr, r.stderr
