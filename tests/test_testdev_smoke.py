# SPDX-License-Identifier: GPL-2.0-or-later
"""smmu-testdev without a guest.

The identity and capability tests use QMP only: `info pci` for the IDs and
BAR, `qom-get` for the properties, and HMP `xp` on the ECAM window (found
in `info mtree`) for the configuration space and its extended capability
chain.

The DMA job tests drive the device from Python over QEMU's qtest wire
protocol (`-accel qtest`, text commands such as `readl`/`writel` on a
socket; no libqtest, no guest): they program config space through ECAM,
map BAR0, run jobs against guest RAM and read the result registers.  Field
values come from hw/smmu-testdev.h, parsed by smmuext.testdev, so a
renumbered register cannot pass unnoticed.  PASID, ATS and PRI run against smmu-ext-ats-mock,
the stand-in for an SMMU implementing smmu-ext-ats-if (hw/smmu-testdev.c).
"""
import subprocess
import time

import pytest

from smmuext.qtest import QtestVm, machine_args, run_paused
from smmuext.testdev import (ATS_CTRL, BAR0_ADDR, D, PASID_CTRL, PCI_BAR0,
                             PCI_COMMAND, PRI_ALLOC, PRI_CTRL, PRI_STATUS,
                             RAM, RAM_SIZE, R, Endpoint, config_base,
                             ext_caps, field, ok, pattern_bytes, xp_words)


@pytest.fixture
def start(qemu_bin):
    """start(devices, qtest=False, extra=(), machine="virt"): a QtestVm,
    closed at the end of the test; without qtest, stopped with QMP only."""
    started = []

    def _start(devices, qtest=False, extra=(), machine="virt"):
        q = QtestVm(machine_args(devices, machine, extra), binary=qemu_bin,
                    qtest=qtest)
        started.append(q)
        return q

    yield _start
    for q in started:
        q.close()


# ---- Identity and capabilities (QMP only) ------------------------------------


def test_listed_by_device_help(qemu_bin):
    r = subprocess.run([qemu_bin, "-M", "virt", "-device", "help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert 'name "smmu-testdev", bus PCI' in r.stdout


def test_properties_have_help(qemu_bin):
    r = subprocess.run([qemu_bin, "-M", "virt", "-device", "smmu-testdev,help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    for prop in ("pasid", "ats", "pri"):
        line = [x for x in r.stdout.splitlines()
                if x.strip().startswith(prop + "=")]
        assert line and "(default: false)" in line[0], r.stdout
        assert len(line[0].split(" - ", 1)[1]) > 30, line[0]


def test_info_pci_shows_ids_and_bar(start):
    q = start(["smmu-testdev,id=td0"])
    info = q.hmp("info pci")
    ids = "PCI device %04x:%04x" % (D["SMMU_TESTDEV_VENDOR"],
                                    D["SMMU_TESTDEV_DEVICE"])
    block = info[info.index(ids):]
    assert "Class 0255" in info          # PCI_CLASS_OTHERS (0xff)
    assert 'id "td0"' in block
    assert "BAR0: 32 bit memory" in block


def test_qom_properties(start):
    q = start(["smmu-testdev,id=td0,pasid=on,ats=on,pri=on",
               "smmu-testdev,id=td1"])
    for dev, want in (("td0", True), ("td1", False)):
        path = "/machine/peripheral/" + dev
        assert q.qmp("qom-get", path=path, property="type") == "smmu-testdev"
        for prop in ("pasid", "ats", "pri"):
            assert q.qmp("qom-get", path=path, property=prop) is want
    names = [p["name"] for p in
             q.qmp("qom-list", path="/machine/peripheral/td0")]
    assert {"pasid", "ats", "pri"} <= set(names)


def test_config_space_header(start):
    q = start(["smmu-testdev,addr=02.0"])
    cfg = config_base(q, 2)
    ids, _, classrev = xp_words(q, cfg, 3)
    assert ids == (D["SMMU_TESTDEV_DEVICE"] << 16) | D["SMMU_TESTDEV_VENDOR"]
    assert classrev >> 16 == 0x00ff      # PCI_CLASS_OTHERS as QEMU's edu
    assert classrev & 0xff == D["SMMU_TESTDEV_REVISION"]


@pytest.mark.parametrize("opts,want", [
    ("", []),
    (",ats=on", [0x0f]),
    (",pasid=on", [0x1b]),
    (",pasid=on,ats=on", [0x0f, 0x1b]),
    (",pasid=on,ats=on,pri=on", [0x0f, 0x1b, 0x13]),
    (",ats=on,pri=on", [0x0f, 0x13]),
])
def test_extended_capabilities(start, opts, want):
    q = start(["smmu-testdev,addr=03.0" + opts])
    cfg = config_base(q, 3)
    caps = ext_caps(q, cfg)
    assert [c[1] for c in caps] == want, caps
    assert all(c[2] == 1 for c in caps), caps
    by_id = {c[1]: c[0] for c in caps}
    if 0x1b in by_id:                    # PASID: Max Width 20, no Exec/Priv
        cap = xp_words(q, cfg + by_id[0x1b] + 4, 1)[0] & 0xffff
        assert (cap >> 8) & 0x1f == 20 and cap & 0x6 == 0, hex(cap)
    if 0x13 in by_id:                    # PRI: Stopped, capacity
        ctrl_status, capacity, alloc = xp_words(q, cfg + by_id[0x13] + 4, 3)
        assert ctrl_status & 0xffff == 0
        assert (ctrl_status >> 16) & 0x0100
        assert bool((ctrl_status >> 16) & 0x8000) == (0x1b in by_id)
        assert capacity == D["SMMU_TESTDEV_PRI_CAPACITY"] and alloc == 0


def test_pcie_and_msi_capabilities(start):
    q = start(["smmu-testdev,addr=04.0"])
    cfg = config_base(q, 4)
    seen, ptr = [], xp_words(q, cfg + 0x34, 1)[0] & 0xff
    while ptr:
        w = xp_words(q, cfg + ptr, 1)[0]
        seen.append(w & 0xff)
        ptr = (w >> 8) & 0xff
        assert len(seen) < 48
    assert 0x10 in seen and 0x05 in seen, seen   # PCI Express, MSI


@pytest.mark.parametrize("devices,message", [
    (["smmu-testdev,pri=on"], "pri=on needs ats=on"),
    (["pcie-pci-bridge,id=br", "smmu-testdev,bus=br,ats=on"],
     "need a PCI Express bus"),
])
def test_bad_configurations_fail_cleanly(qemu_bin, devices, message):
    r = run_paused(machine_args(devices), binary=qemu_bin)
    assert r.returncode != 0
    assert message in r.stderr


def test_conventional_pci_bus_works(start):
    q = start(["pcie-pci-bridge,id=br",
               "smmu-testdev,id=td,bus=br,addr=01.0"])
    assert q.qmp("qom-get", path="/machine/peripheral/td",
                 property="realized") is True
    tree = q.hmp("info qtree")
    bridge = tree[tree.index('id "br"'):]
    assert 'dev: smmu-testdev, id "td"' in bridge, tree


# ---- DMA jobs (qtest wire protocol) -----------------------------------------


@pytest.fixture
def td(start):
    q = start(["smmu-testdev,id=td,addr=05.0"], qtest=True)
    return Endpoint(q)


@pytest.fixture
def td_caps(start):
    q = start(["smmu-testdev,id=td,addr=05.0,pasid=on,ats=on,pri=on"],
              qtest=True)
    return Endpoint(q)


def test_id_and_features_registers(td):
    assert td.r32(R.ID) == R.ID_VALUE
    assert field(R.ID_VALUE, R.ID_DEVICE) == D["SMMU_TESTDEV_DEVICE"]
    feat = td.r32(R.FEATURES)
    assert feat & R.FEAT_EXPRESS and feat & R.FEAT_MSI
    assert not feat & (R.FEAT_PASID | R.FEAT_ATS | R.FEAT_PRI)
    assert field(feat, R.FEAT_ATC_SIZE) == D["SMMU_TESTDEV_ATC_ENTRIES"]


def test_features_report_capabilities(td_caps):
    feat = td_caps.r32(R.FEATURES)
    assert feat & R.FEAT_PASID and feat & R.FEAT_ATS and feat & R.FEAT_PRI


def test_64bit_registers_in_halves(td):
    td.w64(R.SRC, 0x1122334455667788)
    assert td.r32(R.SRC) == 0x55667788 and td.r32(R.SRC + 4) == 0x11223344
    td.w32(R.DST + 4, 0xaabbccdd)
    td.w32(R.DST, 0x01020304)
    assert td.r64(R.DST) == 0xaabbccdd01020304


def test_write_pattern_matches_header_formula(td):
    dst, seed = RAM + 0x100000, 0x1234abcd
    res = td.run(R.OP_WRITE, dst=dst, length=4096 + 3, pattern=seed)
    assert ok(res), res
    assert res["done"] == 1 and res["job_bytes"] == 4099
    assert td.q.memread(dst, 4099) == pattern_bytes(seed, 0, 4099)


def test_const_pattern(td):
    dst = RAM + 0x200000
    res = td.run(R.OP_WRITE | (R.PAT_CONST << 4), dst=dst, length=10,
                 pattern=0xa1b2c3d4)
    assert ok(res), res
    assert td.q.memread(dst, 10) == bytes.fromhex("d4c3b2a1d4c3b2a1d4c3")


def test_verify_passes_then_reports_first_mismatch(td):
    buf, seed = RAM + 0x300000, 7
    assert ok(td.run(R.OP_WRITE, dst=buf, length=8192, pattern=seed))
    res = td.run(R.OP_VERIFY, src=buf, length=8192, pattern=seed)
    assert ok(res) and res["mismatches"] == 0, res
    good = pattern_bytes(seed, 5000, 1)[0]
    td.q.memwrite(buf + 5000, bytes([good ^ 0xff]))
    td.q.memwrite(buf + 6000, bytes([pattern_bytes(seed, 6000, 1)[0] ^ 1]))
    res = td.run(R.OP_VERIFY, src=buf, length=8192, pattern=seed)
    assert res["status"] == R.STATUS_ERROR, res
    assert res["error"] == R.ERR_VERIFY, res
    assert res["mismatches"] == 2 and res["mismatch_off"] == 5000, res
    assert field(res["mismatch_data"], R.MISMATCH_EXPECTED) == good
    assert field(res["mismatch_data"], R.MISMATCH_ACTUAL) == good ^ 0xff


def test_repeat_over_working_set(td):
    """Offsets (i * stride) mod wset: 0, 0x300, 0x200, 0x100, 0 ..."""
    src, dst = RAM + 0x400000, RAM + 0x500000
    data = bytes(range(256)) * 16
    td.q.memwrite(src, data)
    td.q.memwrite(dst, bytes(4096))
    res = td.run(R.OP_COPY, src=src, dst=dst, length=0x40, count=9,
                 stride=0x300, wset=0x400)
    assert ok(res), res
    assert res["done"] == 9 and res["job_bytes"] == 9 * 0x40 * 2
    got = td.q.memread(dst, 0x400)
    for off in (0, 0x100, 0x200, 0x300):
        assert got[off:off + 0x40] == data[off:off + 0x40], hex(off)
        assert got[off + 0x40:off + 0x100] == bytes(0xc0), hex(off)


def test_benchmark_many_small_reads(td):
    td.w32(R.CTRL, R.CTRL_CLEAR_STATS)
    res = td.run(R.OP_READ, src=RAM, length=64, count=1 << 20, stride=64,
                 wset=1 << 20)
    assert ok(res), res
    assert res["done"] == 1 << 20 and res["job_bytes"] == 64 << 20
    assert res["job_ns"] > 0
    assert td.r64(R.JOBS) == 1 and td.r64(R.TOTAL_NS) == res["job_ns"]


def test_dma_fault_reports_address_and_index(td):
    """Access 2 starts at the end of RAM: nothing is mapped there."""
    src = RAM + RAM_SIZE - 2 * 4096
    res = td.run(R.OP_READ, src=src, length=4096, count=4, stride=4096)
    assert res["status"] == R.STATUS_ERROR and res["error"] == R.ERR_DMA, res
    assert res["memtx"] != 0, res                      # a MemTxResult
    assert res["fault_addr"] == RAM + RAM_SIZE, res
    assert res["fault_index"] == 2 and res["done"] == 2, res
    assert res["fault_info"] == 0, res                  # plain DMA path


@pytest.mark.parametrize("kw,err", [
    (dict(op=0xf), "BAD_OP"),
    (dict(op=1 | (3 << 4)), "BAD_OP"),
    (dict(op=1 | (1 << 20)), "BAD_OP"),
    (dict(op=1, length=0), "BAD_LEN"),
    (dict(op=1, length=(1 << 20) + 1), "BAD_LEN"),
    (dict(op=1, length=64, count=0), "BAD_COUNT"),
    (dict(op=1, length=64, count=(1 << 24) + 1), "BAD_COUNT"),
    (dict(op=1, length=1 << 20, count=4097), "TOO_BIG"),
    (dict(op=1, src=(1 << 64) - 4096, length=8192), "BAD_RANGE"),
    (dict(op=3, dst=(1 << 64) - 8192, length=64, count=3, stride=4096),
     "BAD_RANGE"),
    (dict(op=1 | (1 << 8), length=64), "PASID_OFF"),
])
def test_bad_jobs_are_rejected(td, kw, err):
    op = kw.pop("op")
    kw.setdefault("src", RAM)
    kw.setdefault("dst", RAM)
    kw.setdefault("length", 64)
    res = td.run(op, **kw)
    assert res["status"] == R.STATUS_ERROR, res
    assert res["error"] == getattr(R, "ERR_" + err), res
    assert res["done"] == 0


def test_no_bus_master(td):
    td.q.writew(td.cfg + PCI_COMMAND, 0x2)
    res = td.run(R.OP_READ, src=RAM, length=64)
    assert res["error"] == R.ERR_NO_MASTER, res


def test_nop_and_interrupt_status(td):
    td.w32(R.IRQ_ENABLE, R.IRQ_ALL)
    assert ok(td.run(R.OP_NOP))
    assert td.r32(R.IRQ_STATUS) == R.IRQ_DONE
    td.run(R.OP_READ, src=RAM, length=0)
    assert td.r32(R.IRQ_STATUS) == R.IRQ_DONE | R.IRQ_ERROR
    td.w32(R.IRQ_ACK, R.IRQ_DONE)
    assert td.r32(R.IRQ_STATUS) == R.IRQ_ERROR
    td.w32(R.IRQ_STATUS, R.IRQ_ERROR)                  # write-1-to-clear
    assert td.r32(R.IRQ_STATUS) == 0


def test_pasid_job_without_smmu_fails_cleanly(td_caps):
    pasid_ctrl = td_caps.cfg + 0x108 + 6
    td_caps.q.writew(pasid_ctrl, 0x1)                  # PASID Enable
    td_caps.w32(R.PASID, 5)
    res = td_caps.run(R.OP_READ | R.OP_PASID, src=RAM, length=64)
    assert res["status"] == R.STATUS_ERROR, res
    assert res["error"] == R.ERR_NO_SMMU, res


def test_ats_job_without_smmu_fails_cleanly(td_caps):
    ats_ctrl = td_caps.cfg + 0x100 + 6
    td_caps.q.writew(ats_ctrl, 0x8000)                 # ATS Enable
    res = td_caps.run(R.OP_READ, src=RAM, length=64)
    assert res["error"] == R.ERR_NO_SMMU, res
    res = td_caps.run(R.OP_READ | R.OP_NO_ATS, src=RAM, length=64)
    assert ok(res), res                                # untranslated DMA
    assert td_caps.r64(R.ATC_MISSES) == 0


def test_pri_control_registers(td_caps):
    pri = td_caps.cfg + 0x110
    q = td_caps.q
    assert q.readw(pri + 6) & 0x0100                   # Stopped
    q.writew(pri + 4, 0x1)                             # Enable
    assert not q.readw(pri + 6) & 0x0100
    q.writel(pri + 0xc, 8)                             # allocation
    assert q.readl(pri + 0xc) == 8
    q.writew(pri + 4, 0x2)                             # Reset, Enable clear
    assert q.readw(pri + 4) == 0
    assert q.readw(pri + 6) & 0x0100


def test_device_reset_clears_state(td):
    td.run(R.OP_READ, src=RAM, length=0)
    assert td.r32(R.STATUS) == R.STATUS_ERROR
    td.q.qmp("system_reset")
    td.q.wait_event("RESET")
    td.q.writel(td.cfg + PCI_BAR0, BAR0_ADDR)
    td.q.writew(td.cfg + PCI_COMMAND, 0x6)
    assert td.r32(R.STATUS) == 0 and td.r32(R.ERROR) == 0
    assert td.r32(R.COUNT) == 1


# ---- PASID, ATS and PRI against smmu-ext-ats-mock ---------------------------
#
# smmu-ext-ats-mock (in hw/smmu-testdev.c) implements smmu-ext-ats-if with
# PA = IOVA + offset and one page that stays absent until a page request
# for it is granted.

MOCK = "/machine/peripheral/mock"
OFFSET = 0x100000


@pytest.fixture
def tdm(start):
    q = start(["smmu-testdev,id=td,addr=05.0,pasid=on,ats=on,pri=on"],
              qtest=True, extra=["-device", "smmu-ext-ats-mock,id=mock"])
    d = Endpoint(q)
    q.qmp("qom-set", path=MOCK, property="offset", value=OFFSET)
    return d


def mock_get(d, prop):
    return d.q.qmp("qom-get", path=MOCK, property=prop)


def mock_set(d, prop, value):
    d.q.qmp("qom-set", path=MOCK, property=prop, value=value)


def poll(cond, timeout=30.0):
    """Whether @cond() became true within @timeout seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def wait_idle(d):
    if not poll(lambda: not d.r32(R.STATUS) & R.STATUS_BUSY):
        raise AssertionError("still busy: status 0x%x" % d.r32(R.STATUS))
    return d.result()


def test_dma_through_builtin_smmuv3_in_bypass(start):
    """The bus's IOMMU region is used: QEMU's SMMUv3, disabled (bypass)."""
    q = start(["smmu-testdev,id=td,addr=05.0"], qtest=True,
              machine="virt,iommu=smmuv3")
    assert "smmuv3" in q.hmp("info mtree")
    d = Endpoint(q)
    dst = RAM + 0x700000
    assert ok(d.run(R.OP_WRITE, dst=dst, length=4096, pattern=21))
    assert d.q.memread(dst, 4096) == pattern_bytes(21, 0, 4096)


def test_untranslated_dma_ignores_mock(tdm):
    """No PASID and ATS off: pci_dma_*(), the mock's offset is not applied."""
    dst = RAM + 0x600000
    assert ok(tdm.run(R.OP_WRITE, dst=dst, length=256, pattern=3))
    assert tdm.q.memread(dst, 256) == pattern_bytes(3, 0, 256)
    assert mock_get(tdm, "dma-untranslated") == 0


def test_pasid_dma_goes_through_interface(tdm):
    tdm.q.writew(tdm.cfg + PASID_CTRL, 0x1)
    tdm.w32(R.PASID, 0x12345)
    iova = RAM + 0x600000
    res = tdm.run(R.OP_WRITE | R.OP_PASID, dst=iova, length=8192, pattern=9)
    assert ok(res), res
    assert tdm.q.memread(iova + OFFSET, 8192) == pattern_bytes(9, 0, 8192)
    assert mock_get(tdm, "dma-untranslated") == 2      # split at 4 KiB
    assert mock_get(tdm, "last-pasid") == 0x12345 | (1 << 31)


def test_pasid_dma_fault_reports_smmu_fault(tdm):
    tdm.q.writew(tdm.cfg + PASID_CTRL, 0x1)
    iova = RAM + 0x600000
    mock_set(tdm, "fault-page", iova + 0x1000)
    res = tdm.run(R.OP_READ | R.OP_PASID, src=iova, length=64, count=4,
                  stride=0x800)
    assert res["error"] == R.ERR_DMA and res["fault_index"] == 2, res
    assert res["fault_addr"] == iova + 0x1000, res
    info = res["fault_info"]
    assert field(info, R.FAULT_KIND) == 1                 # TRANSLATION
    assert field(info, R.FAULT_RECORDED) == 1
    assert field(info, R.FAULT_CODE) == 0x10
    assert res["memtx"] == 2                              # DECODE_ERROR


def test_ats_uses_atc_and_translated_dma(tdm):
    tdm.q.writew(tdm.cfg + ATS_CTRL, 0x8000)
    iova = RAM + 0x600000
    res = tdm.run(R.OP_WRITE, dst=iova, length=64, count=128, stride=64,
                  pattern=5)                               # 2 pages
    assert ok(res), res
    assert tdm.q.memread(iova + OFFSET, 8192) == pattern_bytes(5, 0, 8192)
    assert tdm.r64(R.ATC_MISSES) == 2 and tdm.r64(R.ATC_HITS) == 126
    assert mock_get(tdm, "translations") == 2
    assert mock_get(tdm, "dma-translated") == 128
    res = tdm.run(R.OP_VERIFY, src=iova, length=8192, pattern=5)
    assert ok(res) and tdm.r64(R.ATC_MISSES) == 2, res


def test_atc_invalidation_from_smmu(tdm):
    tdm.q.writew(tdm.cfg + ATS_CTRL, 0x8000)
    iova = RAM + 0x600000
    assert ok(tdm.run(R.OP_READ, src=iova, length=8192))
    mock_set(tdm, "invalidate", iova + 0x1000)
    assert tdm.r64(R.ATC_INV_REQS) == 1
    assert tdm.r64(R.ATC_INV_ENTRIES) == 1
    assert ok(tdm.run(R.OP_READ, src=iova, length=8192))
    assert tdm.r64(R.ATC_MISSES) == 3                     # page 2 again


def test_atc_is_bounded_round_robin(tdm):
    tdm.q.writew(tdm.cfg + ATS_CTRL, 0x8000)
    n = D["SMMU_TESTDEV_ATC_ENTRIES"] + 1
    assert ok(tdm.run(R.OP_READ, src=RAM, length=64, count=2 * n,
                      stride=4096, wset=n * 4096))
    assert tdm.r64(R.ATC_MISSES) == 2 * n                 # all evicted


def test_ats_unsupported_request(tdm):
    tdm.q.writew(tdm.cfg + ATS_CTRL, 0x8000)
    mock_set(tdm, "ats-status", 1)
    res = tdm.run(R.OP_READ, src=RAM, length=64)
    assert res["error"] == R.ERR_ATS, res
    assert field(res["fault_info"], R.FAULT_XLATE) == 1


def test_ats_fault_without_pri(tdm):
    tdm.q.writew(tdm.cfg + ATS_CTRL, 0x8000)
    mock_set(tdm, "fault-page", RAM)
    res = tdm.run(R.OP_READ, src=RAM, length=64)
    assert res["error"] == R.ERR_ATS, res
    assert field(res["fault_info"], R.FAULT_KIND) == 1
    assert mock_get(tdm, "page-requests") == 0


def enable_pri(d, alloc=1):
    d.q.writew(d.cfg + ATS_CTRL, 0x8000)
    d.q.writel(d.cfg + PRI_ALLOC, alloc)
    d.q.writew(d.cfg + PRI_CTRL, 0x1)


def test_pri_success_resumes_job(tdm):
    enable_pri(tdm)
    iova = RAM + 0x600000
    mock_set(tdm, "fault-page", iova + 0x1000)
    tdm.run(R.OP_WRITE, dst=iova, length=4096, count=3, stride=4096,
            pattern=11)
    res = wait_idle(tdm)
    assert ok(res), res
    assert res["done"] == 3
    assert tdm.q.memread(iova + OFFSET, 3 * 4096) == \
        pattern_bytes(11, 0, 3 * 4096)
    assert tdm.r64(R.PRI_REQS) == 1 and tdm.r64(R.PRI_RESPS) == 1
    last = tdm.r32(R.PRI_LAST)
    assert last & R.PRI_LAST_VALID and field(last, R.PRI_LAST_CODE) == 0


def test_pri_denied(tdm):
    enable_pri(tdm)
    mock_set(tdm, "fault-page", RAM)
    mock_set(tdm, "pri-code", 1)
    tdm.run(R.OP_READ, src=RAM, length=64)
    res = wait_idle(tdm)
    assert res["error"] == R.ERR_PRI_DENIED, res
    assert tdm.r32(R.IRQ_STATUS) == R.IRQ_ERROR


def test_pri_response_failure_sets_rf(tdm):
    enable_pri(tdm)
    mock_set(tdm, "fault-page", RAM)
    mock_set(tdm, "pri-code", 0xf)
    tdm.run(R.OP_READ, src=RAM, length=64)
    assert wait_idle(tdm)["error"] == R.ERR_PRI_DENIED
    assert tdm.q.readw(tdm.cfg + PRI_STATUS) & 0x1       # RF
    res = tdm.run(R.OP_READ, src=RAM, length=64)
    assert res["error"] == R.ERR_PRI_OFF, res
    tdm.q.writew(tdm.cfg + PRI_STATUS, 0x1)               # W1C
    assert not tdm.q.readw(tdm.cfg + PRI_STATUS) & 0x1


def test_pri_waits_for_deferred_response(tdm):
    enable_pri(tdm)
    mock_set(tdm, "fault-page", RAM)
    mock_set(tdm, "pri-defer", True)
    res = tdm.run(R.OP_READ, src=RAM, length=64)
    want = R.STATUS_BUSY | R.STATUS_PRI_WAIT
    assert res["status"] == want and res["fault_addr"] == RAM, res
    tdm.w32(R.DOORBELL, R.DOORBELL_START)                  # ignored
    assert tdm.r32(R.STATUS) == want
    mock_set(tdm, "respond", 0)
    res = wait_idle(tdm)
    assert ok(res) and res["done"] == 1, res


def test_pri_abort_and_unexpected_prgi(tdm):
    enable_pri(tdm)
    mock_set(tdm, "fault-page", RAM)
    mock_set(tdm, "pri-defer", True)
    tdm.run(R.OP_READ, src=RAM, length=64)
    tdm.w32(R.DOORBELL, R.DOORBELL_ABORT)
    res = tdm.result()
    assert res["status"] == R.STATUS_ERROR, res
    assert res["error"] == R.ERR_ABORTED, res
    mock_set(tdm, "respond", 0)                            # too late
    assert tdm.q.readw(tdm.cfg + PRI_STATUS) & 0x2        # UPRGI


def test_pri_retries_are_bounded(tdm):
    """Success that never maps the page: the device gives up."""
    enable_pri(tdm)
    mock_set(tdm, "fault-page", RAM)
    mock_set(tdm, "pri-no-map", True)
    tdm.run(R.OP_READ, src=RAM, length=64)
    res = wait_idle(tdm)
    assert res["error"] == R.ERR_PRI_LIMIT, res
    assert tdm.r64(R.PRI_REQS) == D["SMMU_TESTDEV_PRI_MAX_RETRIES"]
    assert tdm.r64(R.PRI_RESPS) == D["SMMU_TESTDEV_PRI_MAX_RETRIES"]


def test_pri_without_credit(tdm):
    enable_pri(tdm, alloc=0)
    mock_set(tdm, "fault-page", RAM)
    res = tdm.run(R.OP_READ, src=RAM, length=64)
    assert res["error"] == R.ERR_PRI_OFF, res


def test_migration_while_waiting_for_page_response(start, tmp_path):
    """Job state and ATC travel; the SMMU registration is made again."""
    devices = ["smmu-testdev,id=td,addr=05.0,pasid=on,ats=on,pri=on"]
    mock = ["-device", "smmu-ext-ats-mock,id=mock"]
    src = start(devices, qtest=True, extra=mock)
    d = Endpoint(src)
    mock_set(d, "offset", OFFSET)
    enable_pri(d)
    iova = RAM + 0x600000
    mock_set(d, "fault-page", iova + 0x1000)
    mock_set(d, "pri-defer", True)
    res = d.run(R.OP_WRITE, dst=iova, length=4096, count=2, stride=4096,
                pattern=13)
    assert res["status"] == R.STATUS_BUSY | R.STATUS_PRI_WAIT, res
    state = str(tmp_path / "state")
    src.qmp("migrate", uri="exec:cat > " + state)
    assert poll(lambda: src.qmp("query-migrate").get("status")
                in ("completed", "failed"))
    assert src.qmp("query-migrate")["status"] == "completed"

    dst = start(devices, qtest=True, extra=mock + ["-incoming",
                                                   "exec:cat " + state])
    assert poll(lambda: dst.qmp("query-status")["status"] == "running")
    d2 = Endpoint(dst, program=False)
    assert d2.r32(R.STATUS) == R.STATUS_BUSY | R.STATUS_PRI_WAIT
    assert d2.r64(R.DONE_COUNT) == 1 and d2.r64(R.ATC_MISSES) == 2
    mock_set(d2, "offset", OFFSET)
    mock_set(d2, "respond", 0)
    res = wait_idle(d2)
    assert ok(res) and res["done"] == 2, res
    assert dst.memread(iova + OFFSET, 8192) == pattern_bytes(13, 0, 8192)


def test_dma_into_own_bar_is_refused(td):
    """A job writing DOORBELL_START to its own doorbell must not recurse."""
    res = td.run(R.OP_WRITE | (R.PAT_CONST << 4), dst=BAR0_ADDR + R.DOORBELL,
                 length=4, pattern=R.DOORBELL_START)
    assert res["error"] == R.ERR_DMA, res
    assert res["memtx"] != 0 and td.r64(R.JOBS) == 1, res


def test_random_register_writes_keep_qemu_alive(td):
    """Seeded junk into every register, doorbell included."""
    import random
    rnd = random.Random(0x5e3)
    outcomes = set()
    for _ in range(3000):
        top = 0x100 if rnd.random() < .9 else D["SMMU_TESTDEV_BAR0_SIZE"]
        off = rnd.randrange(0, top, 4)
        val = rnd.getrandbits(32)
        if off == R.COUNT:
            val &= 0xff                       # keep the run short
        if off in (R.OP, R.LEN, R.STRIDE, R.WSET) and rnd.random() < .7:
            val &= 0xb3f if off == R.OP else 0x1fff   # mostly valid jobs
        if off in (R.SRC, R.DST, R.SRC + 4, R.DST + 4) and rnd.random() < .5:
            val = (RAM + rnd.randrange(RAM_SIZE)) >> (32 * (off & 4) // 4)
        td.w32(off, val)
        if rnd.random() < 0.2:
            td.w32(R.DOORBELL, R.DOORBELL_START)
            outcomes.add(field(td.r32(R.ERROR), R.ERROR_CODE))
    assert td.r32(R.ID) == R.ID_VALUE
    assert R.ERR_NONE in outcomes and R.ERR_DMA in outcomes, outcomes
    assert td.q.qmp("query-status")["status"] == "running"
