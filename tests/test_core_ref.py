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
             "dma-through-smmu-16k", "dma-through-smmu-64k"]


def _scenario_names():
    """The spec's scenarios as core-ref/tests/test-core-ref.c registers
    them (its table in main()), which the guest runs after its own tests,
    each reported under its GLib path without the leading slash."""
    with open(os.path.join(CORE_REF, "tests", "test-core-ref.c")) as f:
        return [m[1:] for m in re.findall(r'\{ "(/core-ref/[^"]+)",', f.read())]


GUEST_TESTS = GUEST_OWN + _scenario_names()
SMMUS = {"smmuv3-ext": "arm-smmuv3-ext", "smmuv2-ext": "arm-smmuv2-ext"}


@pytest.fixture(scope="module", params=list(SMMUS))
def guest_report(request, built):
    """One boot of the bare-metal core-ref guest behind @param, with two
    smmu-testdev endpoints: its KTAP report and its console."""
    cmd = [paths.QEMU, "-M", "virt", "-cpu", "cortex-a57", "-m", "256M",
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-nic", "none", "-no-reboot", "-kernel", paths.CORE_REF_GUEST,
           "-device", SMMUS[request.param] + ",primary-bus=pcie.0",
           "-device", "smmu-testdev", "-device", "smmu-testdev"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    os.makedirs(paths.LOGS, exist_ok=True)
    with open(os.path.join(paths.LOGS, "core-ref-guest-%s.log" %
                           request.param), "w") as f:
        f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
    assert r.returncode == 0, r.stdout + r.stderr
    report = ktap.parse(r.stdout)
    assert report.plan == len(GUEST_TESTS), r.stdout
    assert list(report.results) == GUEST_TESTS, r.stdout
    return report, r.stdout


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
    reported as a translation fault)."""
    report, console = guest_report
    r = report.results[name]
    assert r.status == "pass", "\n".join(r.diagnostics) + "\n" + console
