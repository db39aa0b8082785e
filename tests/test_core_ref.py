# SPDX-License-Identifier: GPL-2.0-or-later
"""core-ref (docs/core-ref.md) seen from the host.  Its scenarios, its
module loader and the cross-check against Linux's dumps are meson unit
tests (make unit); here: the sources build freestanding for the
bare-metal aarch64 guest, needing nothing from a C library but what GCC's
freestanding contract lets the compiler call (memcpy, memmove, memset,
memcmp), and the guest image runs its scenarios behind both SMMUs."""
import glob
import os
import re
import subprocess

import pytest

from smmuext import ktap, paths

CORE_REF = os.path.join(paths.TOP, "core-ref")
CROSS = "aarch64-linux-gnu-"
ALLOWED = {"memcpy", "memmove", "memset", "memcmp"}


def test_builds_freestanding_for_aarch64(tmp_path):
    include = subprocess.run([CROSS + "gcc", "-print-file-name=include"],
                             check=True, capture_output=True,
                             text=True).stdout.strip()
    objs = []
    for src in sorted(glob.glob(os.path.join(CORE_REF, "cr-*.c"))):
        obj = str(tmp_path / (os.path.basename(src)[:-2] + ".o"))
        subprocess.run([CROSS + "gcc", "-std=gnu11", "-O2", "-ffreestanding",
                        "-fno-builtin", "-nostdinc", "-isystem", include,
                        "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Werror", "-c", src, "-o", obj], check=True)
        objs.append(obj)
    assert len(objs) >= 7, objs
    whole = str(tmp_path / "core-ref.o")
    subprocess.run([CROSS + "ld", "-r", "-o", whole] + objs, check=True)
    undefined = subprocess.run([CROSS + "nm", "-u", whole], check=True,
                               capture_output=True, text=True).stdout.split()
    names = {w for w in undefined if w != "U"}
    assert names <= ALLOWED, names - ALLOWED


# ---- core-ref inside a guest (guest-images/core-ref) -----------------------

# The guest's KTAP tests, in its order (guest-images/core-ref/guest.c)
GUEST_OWN = ["device-tree", "pci-enumeration", "modules-load-and-bind",
             "unload-refused", "remove-unload-reload",
             "cycles-and-unknown-symbol", "dma-through-smmu-4k",
             "dma-through-smmu-16k", "dma-through-smmu-64k",
             "refused-command-skipped", "second-smmu-fails-mid-registration"]
# The guest's tests that need two SMMUv3s (skipped with one SMMU)
TWO_SMMUS = {"second-smmu-fails-mid-registration"}
# The guest's tests of SMMUv3 behaviour (skipped behind SMMUv2s)
SMMUV3_ONLY = {"refused-command-skipped"}


def _scenario_names():
    """The spec's scenarios as core-ref/tests/test-core-ref.c registers
    them (its table in main()), which the guest runs after its own tests,
    each reported under its GLib path without the leading slash."""
    with open(os.path.join(CORE_REF, "tests", "test-core-ref.c")) as f:
        return [m[1:] for m in re.findall(r'\{ "(/core-ref/[^"]+)",', f.read())]


GUEST_TESTS = GUEST_OWN + _scenario_names()
# Each boot's SMMUs and endpoints: one SMMU with two smmu-testdevs on
# pcie.0, or two SMMUs of one generation, one on pcie.0 (a testdev
# there) and one on a pxb-pcie bus 128 (a testdev behind its root port,
# bus 129).  The SMMUv3 on the pxb sees StreamIDs = requester IDs (the
# endpoint 0x8100, in another level-2 stream table than the root port's
# 0x8000); the SMMUv2's start from 0 there (the endpoint 0x100).


def two_smmus(device):
    return ["-device", "pxb-pcie,bus_nr=128,id=pxb1,bus=pcie.0",
            "-device", device + ",primary-bus=pcie.0",
            "-device", device + ",primary-bus=pxb1",
            "-device", "smmu-testdev,bus=pcie.0",
            "-device", "pcie-root-port,id=rp1,bus=pxb1,chassis=1",
            "-device", "smmu-testdev,bus=rp1"]


BOOTS = {
    "smmuv3-ext": ["-device", "arm-smmuv3-ext,primary-bus=pcie.0",
                   "-device", "smmu-testdev", "-device", "smmu-testdev"],
    "smmuv2-ext": ["-device", "arm-smmuv2-ext,primary-bus=pcie.0",
                   "-device", "smmu-testdev", "-device", "smmu-testdev"],
    "two-smmuv3-ext": two_smmus("arm-smmuv3-ext"),
    "two-smmuv2-ext": two_smmus("arm-smmuv2-ext"),
}


@pytest.fixture(scope="module", params=list(BOOTS))
def guest_report(request, built):
    """One boot of the bare-metal core-ref guest with the SMMUs and
    smmu-testdev endpoints of BOOTS[@param]: its KTAP report, its
    console and @param."""
    cmd = [paths.QEMU, "-M", "virt", "-cpu", "cortex-a57", "-m", "256M",
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-nic", "none", "-no-reboot", "-kernel", paths.CORE_REF_GUEST
           ] + BOOTS[request.param]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    os.makedirs(paths.LOGS, exist_ok=True)
    with open(os.path.join(paths.LOGS, "core-ref-guest-%s.log" %
                           request.param), "w") as f:
        f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
    assert r.returncode == 0, r.stdout + r.stderr
    report = ktap.parse(r.stdout)
    assert report.plan == len(GUEST_TESTS), r.stdout
    assert list(report.results) == GUEST_TESTS, r.stdout
    return report, r.stdout, request.param


def test_guest_runs_every_scenario():
    """The guest's list: its own tests, then all 39 of the spec's
    scenarios (with their variants) from the host's test program; a name
    scnA-B covers A to B, scn37a covers 37."""
    covered = set()
    for name in _scenario_names():
        m = re.match(r"core-ref/scn(\d+)(?:-(\d+))?", name)
        if m:
            covered |= set(range(int(m[1]), int(m[2] or m[1]) + 1))
    assert covered >= set(range(1, 40)), set(range(1, 40)) - covered


@pytest.mark.guest
@pytest.mark.parametrize("name", GUEST_TESTS)
def test_in_guest(guest_report, name):
    """core-ref on bare metal (AArch64, MMU on, libfdt, PCI through ECAM),
    its modules loaded by its own ELF loader from the image's archive and
    run by the CPU: the spec's load (SCN-1), refusal (SCN-11),
    remove-unload-reload (SCN-13), cycles (SCN-17) and unknown-symbol
    cases, with the invariant checker after every step; then a driver
    module that programs the SMMU (SMMUv3: stream table, CDs, command
    queue, event queue; SMMUv2: SMRs, S2CRs, context banks) in each
    granule (4, 16, 64 KiB) and one that makes each smmu-testdev DMA
    through it (written, read back, and an unmapped IOVA refused and
    reported as a translation fault).  With two SMMUv3s, each
    endpoint's DMA goes through its own SMMU, and one SMMU's registration
    fails part-way through its replay (a DMA allocation injected to fail)
    leaving nothing of its own behind and the other SMMU untouched (the
    spec's SCN-6 on hardware); with one SMMU that test is a KTAP SKIP.
    On SMMUv3s, a command given a reserved opcode on its way to the
    SMMU is skipped by the driver and the stopped queue restarted."""
    report, console, boot = guest_report
    r = report.results[name]
    runs = (name not in TWO_SMMUS or boot == "two-smmuv3-ext") and \
        (name not in SMMUV3_ONLY or "smmuv3" in boot)
    expected = "pass" if runs else "skip"
    assert r.status == expected, "\n".join(r.diagnostics) + "\n" + console


# The pxb endpoint's StreamID and the fault code its unmapped write is
# reported with: SMMUv3 F_TRANSLATION (0x10), SMMUv2 FSR.TF (bit 1)
TWO_SMMU_PXB = {"two-smmuv3-ext": (0x8100, "0x10"),
                "two-smmuv2-ext": (0x100, "0x2")}


@pytest.mark.guest
def test_two_smmus_each_translates_its_endpoint(guest_report):
    """Two SMMUs of one generation in one guest, both programmed by one
    driver module (smmuv3-hw.o, smmuv2-hw.o): the endpoint on pcie.0
    (requester id 00:02.0, StreamID 16) is behind one, the one behind
    the pxb-pcie's root port (81:00.0) behind the other; each DMAs
    through its own SMMU in every granule, and each SMMU reports its own
    endpoint's unmapped write (IOVA 0x10000000 + slot * 0x100000 +
    0x80000) as a translation fault."""
    report, console, boot = guest_report
    if boot not in TWO_SMMU_PXB:
        pytest.skip("one SMMU in this boot")
    sid, code = TWO_SMMU_PXB[boot]
    smmu = dict(re.findall(r"^# pci (\S+) 1234:5e3 sid \d+ smmu (F[AB])\s*$",
                           console, re.M))
    assert set(smmu) == {"0000:00:02.0", "0001:81:00.0"}, console
    assert smmu["0000:00:02.0"] != smmu["0001:81:00.0"], console
    assert "# pci 0000:00:02.0 1234:5e3 sid 16 smmu" in console
    assert "# pci 0001:81:00.0 1234:5e3 sid %d smmu" % sid in console
    for ep in ("0000:00:02.0", "0001:81:00.0"):
        assert console.count("# %s: DMA through the SMMU ok (1)" % ep) == 3
    faults = re.findall(r"^# fault: sid (\d+) addr (0x[0-9a-f]+) code "
                        + code + "$", console, re.M)
    assert sorted(set(faults), key=lambda f: int(f[0])) == \
        [("16", "0x10180000"), (str(sid), "0x10080000")], console
