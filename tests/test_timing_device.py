# SPDX-License-Identifier: GPL-2.0-or-later
"""arm-smmuv3-ext's timing properties: timing=on|off, timing-params=FILE,
the timing member of qom-get stats, and the errors of bad parameter files.
No guest is booted."""
import pytest

from smmuext import qfuzz
from smmuext.qfuzz import CMD, S
from smmuext.qtest import QtestVm, machine_args, run_paused

SMMU = "arm-smmuv3-ext,primary-bus=pcie.0,id=smmu0"
STATS = "/machine/peripheral/smmu0"


def stats(props):
    with QtestVm(machine_args([SMMU + props]), qtest=False) as q:
        return q.qmp("qom-get", path=STATS, property="stats")


def refused(device):
    """QEMU's run with -device @device on virt, stopped: it must exit."""
    return run_paused(machine_args([device]), timeout=30)


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


def test_timing_on_by_default(built):
    t = stats("")["timing"]
    assert t["clock-mhz"] == 1000 and t["translations"] == 0


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
    r = refused(SMMU + ",timing=on,timing-params=%s" % f)
    assert r.returncode != 0
    assert expected.format(f=f) in r.stderr, r.stderr


def test_timing_params_need_timing(built, tmp_path):
    f = tmp_path / "t.conf"
    f.write_text("clock.mhz = 800\n")
    r = refused(SMMU + ",timing=off,timing-params=%s" % f)
    assert r.returncode != 0
    assert "timing-params=%s needs timing=on" % f in r.stderr, r.stderr


# ---- cmdq-timing: commands on the virtual clock ------------------------------

# Under qtest the virtual clock moves only with clock_step, so the times
# below are exact.  500 MHz: one cycle is 2 ns.
CMDQ_PARAMS = "clock.mhz = 500\n[cmd]\ntlbi = 20\nsync = 10\n"


def _cmdq_vm(tmp_path, extra=""):
    f = tmp_path / "cmdq.conf"
    f.write_text(CMDQ_PARAMS)
    vm = QtestVm(qfuzz.qemu_args("timing=on,cmdq-timing=on,timing-params=%s"
                                 % f + extra))
    vm.writeq(qfuzz.SMMU_BASE + S.CMDQ_BASE, qfuzz.CMDQ | 4)
    vm.writel(qfuzz.SMMU_BASE + S.CR0, S.CR0_CMDQEN)
    return vm


def _cons(vm):
    return vm.readl(qfuzz.SMMU_BASE + S.CMDQ_CONS)


def test_cmdq_timing_moves_cons_at_modelled_times(built, tmp_path):
    """A TLBI (20 cycles = 40 ns) and a SYNC (10 cycles, after the TLBI
    is done: 60 ns) written at t = 0: CONS passes the TLBI at 40 ns and
    the SYNC at 60 ns, not before."""
    vm = _cmdq_vm(tmp_path)
    try:
        assert int(vm.command("clock_step 0")) == 0
        vm.memwrite(qfuzz.CMDQ, b"".join(
            v.to_bytes(8, "little") for v in (CMD.TLBI_NSNH_ALL, 0,
                                              CMD.SYNC, 0)))
        vm.writel(qfuzz.SMMU_BASE + S.CMDQ_PROD, 2)
        assert _cons(vm) == 0
        vm.command("clock_step 39")
        assert _cons(vm) == 0
        vm.command("clock_step 1")                  # 40 ns
        assert _cons(vm) == 1
        vm.command("clock_step 19")
        assert _cons(vm) == 1
        vm.command("clock_step 1")                  # 60 ns
        assert _cons(vm) == 2
        st = vm.qmp("qom-get", path="/machine/peripheral/smmu0",
                    property="stats")
        assert st["commands-by-type"] == {"TLBI_NSNH_ALL": 1, "CMD_SYNC": 1}
        assert st["timing"]["sync-latency"]["max"] == 30
    finally:
        vm.close()


def test_cmdq_timing_without_timing_is_refused(built):
    r = refused(SMMU + ",timing=off,cmdq-timing=on")
    assert r.returncode != 0
    assert "cmdq-timing=on needs timing=on" in r.stderr, r.stderr
