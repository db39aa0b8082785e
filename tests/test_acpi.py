# SPDX-License-Identifier: GPL-2.0-or-later
"""arm-smmuv3-ext for guests booted through UEFI with ACPI.  The virt
board builds the ACPI tables itself and its IORT has room for one SMMUv3,
at the place of its own (-M virt,iommu=smmuv3): our SMMU takes that place
(hw/smmu-ext-board.h) when it is the machine's only SMMU and on pcie.0,
its interrupts then driving the board SMMU's four SPIs (74..77) too.  Checked here: which command lines
get an IORT node (the board then reports iommu=smmuv3) and which are
refused, and a Linux guest booted through Debian's UEFI firmware that
finds the SMMU in the IORT, probes arm-smmu-v3 and reads a random disk
through it, on each QEMU built (7.2 always; 10.0 when built)."""
import json
import os
import subprocess

import pytest

from smmuext import guest, paths

SMMU = "arm-smmuv3-ext"
PXB = ["-device", "pxb-pcie,bus_nr=128,id=pxb1,bus=pcie.0"]


def board_iommu(machine, extra):
    """What the board says its IOMMU is, once the machine is complete
    (after every machine-done notifier), or QEMU's error output."""
    cmd = [paths.QEMU, "-M", machine, "-nodefaults", "-display", "none",
           "-S", "-qmp", "stdio"] + extra
    r = subprocess.run(cmd, input='{"execute":"qmp_capabilities"}\n'
                       '{"execute":"qom-get","arguments":{"path":"/machine",'
                       '"property":"iommu"}}\n{"execute":"quit"}\n',
                       capture_output=True, text=True, timeout=30)
    for line in r.stdout.splitlines():
        reply = json.loads(line)
        if isinstance(reply.get("return"), str):
            return reply["return"]
    return r.stderr.strip()


DESCRIBED = [
    # (id, machine, arguments, the board's iommu after machine done)
    ("one-on-pcie0", "virt,gic-version=3",
     ["-device", SMMU + ",primary-bus=pcie.0"], "smmuv3"),
    ("iort-on", "virt,gic-version=3",
     ["-device", SMMU + ",primary-bus=pcie.0,iort=on"], "smmuv3"),
    ("iort-off", "virt,gic-version=3",
     ["-device", SMMU + ",primary-bus=pcie.0,iort=off"], "none"),
    ("spi-given", "virt,gic-version=3",
     ["-device", SMMU + ",primary-bus=pcie.0,spi=200"], "smmuv3"),
    ("on-an-expander", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pxb1"], "none"),
    ("acpi-off", "virt,gic-version=3,acpi=off",
     ["-device", SMMU + ",primary-bus=pcie.0"], "none"),
    # A second SMMU: the IORT would send its bus's DMA to the first
    ("two-smmus", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pcie.0",
            "-device", SMMU + ",primary-bus=pxb1"], "none"),
    ("and-an-smmuv2", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pcie.0",
            "-device", "arm-smmuv2-ext,primary-bus=pxb1"], "none"),
]


@pytest.mark.parametrize("case", DESCRIBED, ids=[c[0] for c in DESCRIBED])
def test_which_smmu_the_iort_describes(qemu_bin, case):
    _, machine, extra, expected = case
    assert board_iommu(machine, extra) == expected


REFUSED = [
    ("acpi-off", "virt,gic-version=3,acpi=off",
     ["-device", SMMU + ",primary-bus=pcie.0,iort=on"],
     "iort=on: the machine has ACPI off (-M virt,acpi=off)"),
    ("on-an-expander", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pxb1,iort=on"],
     "iort=on: the IORT can describe an SMMU only on the board's pcie.0"),
    ("then-another", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pcie.0,id=a,iort=on",
            "-device", SMMU + ",primary-bus=pxb1"],
     "a has iort=on, and the board's ACPI IORT describes one SMMU: no "
     "other SMMU can be added"),
    ("then-an-smmuv2", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pcie.0,id=a,iort=on",
            "-device", "arm-smmuv2-ext,primary-bus=pxb1"],
     "a has iort=on, and the board's ACPI IORT describes one SMMU: no "
     "other SMMU can be added"),
    # It looks for the board's IOMMU only, which we become later
    ("then-virtio-iommu", "virt,gic-version=3",
     ["-device", SMMU + ",primary-bus=pcie.0", "-device", "virtio-iommu-pci"],
     "virtio-iommu-pci cannot be combined with an SMMU (arm-smmuv3-ext, "
     "arm-smmuv2-ext): drop one of the two"),
    ("not-the-first", "virt,gic-version=3",
     PXB + ["-device", SMMU + ",primary-bus=pxb1",
            "-device", SMMU + ",primary-bus=pcie.0,iort=on"],
     "iort=on: the IORT describes one SMMU, and this is not the first"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_iort_on_refused(qemu_bin, case):
    _, machine, extra, expected = case
    out = board_iommu(machine, extra)
    assert expected in out, out


# make check-asan (pytest -m asan) boots the first on the sanitizer QEMU,
# 10.0 by default (Makefile: ASAN_QEMU), as make check's UEFI guest there.
QEMUS = [pytest.param(paths.QEMU, id="qemu", marks=pytest.mark.asan),
         pytest.param(paths.QEMU10, id="qemu10.0", marks=pytest.mark.skipif(
             not os.path.exists(paths.QEMU10),
             reason="QEMU 10.0 not built (make qemu QEMU=10.0); make check "
                    "boots this guest on 10.0's sanitizer build instead "
                    "(check-asan)"))]


@pytest.mark.guest
@pytest.mark.parametrize("qemu", QEMUS)
def test_uefi_acpi_guest(built, qemu):
    """Debian's Linux through UEFI (-bios QEMU_EFI.fd, which hands the
    board's ACPI tables to the kernel and no device tree): the IORT has an
    SMMUv3 node at our frame (0x9100000, the first free slot) with GSIVs
    106..109 (SPIs 74..77; event, PRI, then GERR 77 and sync 76 as the
    IORT orders them, where the device tree has 176..179), pcie.0's requester ids go to it, arm-smmu-v3 probes
    the platform device the IORT made (arm-smmu-v3.0.auto) with wired
    interrupts (ACPI gives platform devices no MSI domain here), and the
    disk's 4 KiB and 64 KiB reads in strict mode give its sha256, with
    translations counted by the SMMU."""
    scenario = guest.Scenario(smmu="smmuv3-ext", mode="strict",
                              firmware="uefi", qemu=qemu, disk_mb=16)
    boot = guest.boot(scenario)
    assert not boot.timed_out and boot.report.complete(), \
        "timed out %s, KTAP plan %d, %d results, QMP error %r, log %s:\n%s" % (
            boot.timed_out, boot.report.plan, len(boot.report.results),
            boot.error, boot.log_path, boot.log_tail())
    results = boot.report.results
    for name in ("acpi-iort", "iommu-probe", "smmu-interrupts",
                 "disk-iommu-group", "domain-type", "dma-read-4k",
                 "dma-read-64k", "smmu-dmesg"):
        assert results[name].status == "pass", (name, boot.log_tail())
    iort = results["acpi-iort"].diagnostics
    assert "SMMUv3 node: base 0x9100000, GSIV event 106 pri 107 gerr 109 " \
        "sync 108" in iort, iort
    # An ID mapping holds the number of ids minus one (IORT, DEN 0049):
    # QEMU 7.2 writes the number, so its mapping of bus 0 ends at 0x100.
    end = "0xff" if guest.qemu_version(qemu) == "10.0" else "0x100"
    assert "root complex: ids 0x0..%s -> SMMUv3" % end in iort, iort
    dmesg = results["smmu-dmesg"].diagnostics
    assert any("arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit"
               in d for d in dmesg), dmesg
    assert any("falling back to wired irqs" in d for d in dmesg), dmesg
    for name in ("dma-read-4k", "dma-read-64k"):
        assert any("sha256 matches" in d
                   for d in results[name].diagnostics), name
    assert boot.stats["translations"] > 0, boot.stats
