# SPDX-License-Identifier: GPL-2.0-or-later
"""arm-smmuv3-ext refuses bad command lines with a message that names the
problem, and starts with good ones.  No guest is booted."""
import subprocess

import pytest

from smmuext import paths

SMMU = "arm-smmuv3-ext"

CASES = [
    # (id, machine, extra arguments, expected text in the error)
    ("not-virt", "none", ["-device", SMMU + ",primary-bus=pcie.0"],
     "needs the virt machine"),
    ("with-builtin-iommu", "virt,iommu=smmuv3",
     ["-device", SMMU + ",primary-bus=pcie.0"], "board's own IOMMU"),
    ("no-primary-bus", "virt", ["-device", SMMU],
     "primary-bus is required (PCI buses: pcie.0)"),
    ("unknown-primary-bus", "virt", ["-device", SMMU + ",primary-bus=nope"],
     "primary-bus=nope: no such PCI bus (PCI buses: pcie.0)"),
    ("two-on-one-bus", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0",
      "-device", SMMU + ",primary-bus=pcie.0"],
     "already has an IOMMU: one SMMU per PCI root bus"),
    ("device-before-smmu", "virt",
     ["-device", "virtio-net-pci,romfile=",
      "-device", SMMU + ",primary-bus=pcie.0"],
     "was created before this SMMU"),
    ("not-a-root-bus", "virt",
     ["-device", "pcie-root-port,id=rp0,chassis=1",
      "-device", SMMU + ",primary-bus=rp0"],
     "is not a PCI root bus"),
    ("bad-stage", "virt", ["-device", SMMU + ",primary-bus=pcie.0,stage=3"],
     "stage=3: expected 1, 2 or nested"),
    # A comma inside a value is doubled on the command line; "4k,8k" would
    # set a property called 8k and never reach the granule parser.
    ("bad-granule", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,granules=4k,,8k"],
     "granules=4k,8k: '8k' is not 4k, 16k or 64k"),
    ("bad-httu", "virt", ["-device", SMMU + ",primary-bus=pcie.0,httu=x"],
     "httu=x: expected off, af or af+dirty"),
    ("overlapping-addr", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,addr=0x9000000"],
     "overlap another device"),
    ("unaligned-addr", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,addr=0x9101000"],
     "is not 64KiB aligned"),
    ("spi-in-board-range", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,spi=10"], "spi=10"),
    ("msi-without-its", "virt,gic-version=2",
     ["-device", SMMU + ",primary-bus=pcie.0,msi=on"], "needs the GICv3 ITS"),
    ("bad-oas", "virt", ["-device", SMMU + ",primary-bus=pcie.0,oas=47"],
     "oas must be 32, 36, 40, 42, 44, 48 or 52 (IDR5.OAS)"),
    # Feature combinations the device refuses (the rules the configuration
    # matrix of tests/test_config_matrix.py keeps).
    ("hyp-without-nested", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,stage=1,hyp=on"],
     "hyp=on needs stage=nested"),
    ("pri-without-ats", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,pri=on,ats=off"],
     "pri=on needs ats=on"),
    ("big-sidsize-linear-st", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,sidsize=7,two-level-st=off"],
     "sidsize >= 7 needs two-level-st=on"),
    ("oas52-without-64k", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,oas=52,granules=4k,,16k"],
     "oas=52 needs the 64k granule"),
]


def qemu(machine, extra, timeout=30):
    cmd = [paths.QEMU, "-M", machine, "-nodefaults", "-display", "none",
           "-S", "-qmp", "stdio"] + extra
    return subprocess.run(cmd, input='{"execute":"qmp_capabilities"}\n'
                          '{"execute":"quit"}\n', capture_output=True,
                          text=True, timeout=timeout)


def error_text(stderr, extra):
    """stderr without QEMU's echo of the failing option ("-device ARGS: "),
    which would contain a property name whatever the message says."""
    for arg in extra:
        stderr = stderr.replace("-device %s: " % arg, "")
    return stderr


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_command_line(built, case):
    _, machine, extra, expected = case
    r = qemu(machine, extra)
    assert r.returncode != 0, r.stdout
    assert expected in error_text(r.stderr, extra), r.stderr


def test_good_command_lines_start(built):
    for extra in (["-device", SMMU + ",primary-bus=pcie.0"],
                  ["-device", SMMU + ",primary-bus=pcie.0,stage=1,"
                   "granules=64k,oas=40,msi=off,ats=off,pri=off"],
                  ["-device", "pxb-pcie,bus_nr=64,id=pxb1,bus=pcie.0",
                   "-device", SMMU + ",primary-bus=pcie.0",
                   "-device", SMMU + ",primary-bus=pxb1"]):
        r = qemu("virt,gic-version=3", extra)
        assert r.returncode == 0, r.stderr


# A guest that sleeps: "wfi; b .-4" (AArch64), booted with -kernel.  A
# device_add that fails waits for an RCU grace period (drain_call_rcu),
# and a TCG vCPU leaves its RCU read-side section only when it stops
# executing guest code: without firmware or kernel it runs whatever
# memory holds for ever, and the command never answers (the hang of
# docs/testing.md).  Halted in WFI, the vCPU waits outside it.
IDLE_GUEST = bytes.fromhex("7f2003d5" "ffffff17")


@pytest.fixture
def idle_guest(tmp_path):
    path = tmp_path / "idle.bin"
    path.write_bytes(IDLE_GUEST)
    return ["-cpu", "cortex-a72", "-kernel", str(path)]


def test_not_hot_pluggable(built, idle_guest):
    """device_add at run time is refused; the machine keeps running."""
    cmd = [paths.QEMU, "-M", "virt", "-nodefaults", "-display", "none",
           "-qmp", "stdio"] + idle_guest
    r = subprocess.run(cmd, input='{"execute":"qmp_capabilities"}\n'
                       '{"execute":"device_add","arguments":{"driver":"'
                       + SMMU + '","primary-bus":"pcie.0"}}\n'
                       '{"execute":"query-status"}\n{"execute":"quit"}\n',
                       capture_output=True, text=True, timeout=30)
    assert '"error"' in r.stdout and "pluggable" in r.stdout, r.stdout
    assert '"running": true' in r.stdout, r.stdout


# arm-smmuv2-ext: the shared placement rules, and its own properties.
SMMU2 = "arm-smmuv2-ext"
V2_CASES = [
    ("v2-not-virt", "none", ["-device", SMMU2 + ",primary-bus=pcie.0"],
     "needs the virt machine"),
    ("v2-no-primary-bus", "virt", ["-device", SMMU2],
     "primary-bus is required (PCI buses: pcie.0)"),
    ("v2-after-v3-on-one-bus", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0",
      "-device", SMMU2 + ",primary-bus=pcie.0"],
     "already has an IOMMU: one SMMU per PCI root bus"),
    ("v2-device-before-smmu", "virt",
     ["-device", "virtio-net-pci,romfile=",
      "-device", SMMU2 + ",primary-bus=pcie.0"],
     "put -device arm-smmuv2-ext before the PCI devices"),
    ("v2-bad-stage", "virt", ["-device", SMMU2 + ",primary-bus=pcie.0,"
                              "stage=3"],
     "stage=3: expected 1, 2, 1+2 or nested"),
    ("v2-bad-page-size", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,page-size=16k"],
     "page-size=16k: expected 4k or 64k"),
    ("v2-bad-granule", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,granules=4k,,8k"],
     "granules=4k,8k: '8k' is not 4k, 16k or 64k"),
    # sIDR1: one register page per context bank, 2^(NUMPAGENDXB+1) pages
    ("v2-too-many-banks", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,numcb=17"],
     "numcb at most 2^(numpagendxb+1)"),
    ("v2-atos-without-stage-1", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,stage=2,atos=on"],
     "atos: address translation operations (atosns clear) need stage 1"),
    ("v2-s2cb-without-s2", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,stage=1,nums2cb=2"],
     "nums2cb: at most numcb, 0 without s2"),
    ("v2-sidb-16-without-exids", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,numsidb=16"],
     "numsidb: 1..15 StreamID bits, 16 only with exids"),
    ("v2-bad-oas", "virt", ["-device", SMMU2 + ",primary-bus=pcie.0,oas=52"],
     "ias, oas, ubs: each one of 32, 36, 40, 42, 44 or 48 bits"),
    # SMMU_BASE aligned to the frame: 2 x 16 pages of 4 KiB (64 KiB)
    ("v2-unaligned-addr", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,addr=0x9110000"],
     "addr=0x9110000 is not 128KiB aligned"),
    ("v2-unaligned-addr-64k-pages", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,page-size=64k,addr=0x9120000"],
     "addr=0x9120000 is not 2048KiB aligned"),
    ("v2-overlapping-addr", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,addr=0x9000000"],
     "overlap another device"),
    ("v2-timing-params-without-timing", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,timing=off,timing-params=x"],
     "timing-params=x needs timing=on"),
    ("v2-missing-timing-params", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,timing-params=/nonexistent"],
     "timing-params: /nonexistent: "),
    # 1 + 80 SPIs do not fit above the board's (176..255 with virt's 256)
    ("v2-too-many-spis", "virt",
     ["-device", SMMU2 + ",primary-bus=pcie.0,numcb=80,numpagendxb=6"],
     "81 SPIs from 176..255 are needed"),
]


@pytest.mark.parametrize("case", V2_CASES, ids=[c[0] for c in V2_CASES])
def test_smmuv2_bad_command_line(built, case):
    _, machine, extra, expected = case
    r = qemu(machine, extra)
    assert r.returncode != 0, r.stdout
    assert expected in error_text(r.stderr, extra), r.stderr


def test_smmuv2_good_command_lines_start(built):
    for extra in (["-device", SMMU2 + ",primary-bus=pcie.0"],
                  ["-device", SMMU2 + ",primary-bus=pcie.0,stage=1,"
                   "granules=64k,oas=40,numcb=8,numsmrg=4,exids=on,"
                   "numsidb=16,page-size=64k"],
                  ["-device", SMMU2 + ",primary-bus=pcie.0,stage=2,"
                   "numcb=64,numpagendxb=5,numsmrg=128"],
                  # both generations, each on its own root bus
                  ["-device", "pxb-pcie,bus_nr=64,id=pxb1,bus=pcie.0",
                   "-device", SMMU + ",primary-bus=pcie.0",
                   "-device", SMMU2 + ",primary-bus=pxb1"]):
        r = qemu("virt,gic-version=3", extra)
        assert r.returncode == 0, (extra, r.stderr)
