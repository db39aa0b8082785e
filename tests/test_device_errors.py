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
    ("bad-granule", "virt",
     ["-device", SMMU + ",primary-bus=pcie.0,granules=4k,8k"], "'8k'"),
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
     "unsupported configuration"),
]


def qemu(machine, extra, timeout=30):
    cmd = [paths.QEMU, "-M", machine, "-nodefaults", "-display", "none",
           "-S", "-qmp", "stdio"] + extra
    return subprocess.run(cmd, input='{"execute":"qmp_capabilities"}\n'
                          '{"execute":"quit"}\n', capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_command_line(built, case):
    _, machine, extra, expected = case
    r = qemu(machine, extra)
    assert r.returncode != 0, r.stdout
    assert expected in r.stderr, r.stderr


def test_good_command_lines_start(built):
    for extra in (["-device", SMMU + ",primary-bus=pcie.0"],
                  ["-device", SMMU + ",primary-bus=pcie.0,stage=1,"
                   "granules=64k,oas=40,msi=off,ats=off,pri=off"],
                  ["-device", "pxb-pcie,bus_nr=64,id=pxb1,bus=pcie.0",
                   "-device", SMMU + ",primary-bus=pcie.0",
                   "-device", SMMU + ",primary-bus=pxb1"]):
        r = qemu("virt,gic-version=3", extra)
        assert r.returncode == 0, r.stderr


def test_not_hot_pluggable(built):
    """device_add at run time is refused; the machine keeps running."""
    cmd = [paths.QEMU, "-M", "virt", "-nodefaults", "-display", "none",
           "-qmp", "stdio"]
    r = subprocess.run(cmd, input='{"execute":"qmp_capabilities"}\n'
                       '{"execute":"device_add","arguments":{"driver":"'
                       + SMMU + '","primary-bus":"pcie.0"}}\n'
                       '{"execute":"query-status"}\n{"execute":"quit"}\n',
                       capture_output=True, text=True, timeout=30)
    assert '"error"' in r.stdout and "pluggable" in r.stdout, r.stdout
    assert '"running": true' in r.stdout, r.stdout
