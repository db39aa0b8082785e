# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures shared by the host-side test suites."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from smmuext import guest, paths, sanitizer  # noqa: E402


@pytest.fixture(scope="session")
def built():
    """QEMU and the guest images, built if missing (make does the work):
    Debian's kernels, the ones built from source (KERNEL_PAGES) and the
    core-ref guest."""
    kernels = [f for k in list(guest.GUEST_KERNELS.values()) +
               [guest.source_kernel(i) for i in guest.source_kernel_items()]
               for f in (k.kernel, k.initrd)]
    images = [paths.QEMU, paths.CORE_REF_GUEST] + kernels
    missing = [f for f in images if not os.path.exists(f)]
    if missing:
        subprocess.run(["make", "-C", paths.TOP, "qemu", "guest", "kernel"],
                       check=True)
    return paths


@pytest.fixture(scope="session")
def qemu_bin():
    """QEMU only (for tests that need no guest image), built if missing."""
    if not os.path.exists(paths.QEMU):
        subprocess.run([os.path.join(paths.TOP, "scripts", "build-qemu")],
                       check=True)
    return paths.QEMU


class BootCache:
    """Each scenario boots once per session; its tests share the report."""

    def __init__(self):
        self.boots = {}

    def get(self, scenario):
        if scenario not in self.boots:
            self.boots[scenario] = guest.boot(scenario)
        return self.boots[scenario]


@pytest.fixture(scope="session")
def boots(built):
    return BootCache()


@pytest.fixture(autouse=True)
def no_sanitizer_report():
    """With reports going to files (log_path in ASAN_OPTIONS, as make
    check-asan sets it), a report from any QEMU this test started fails
    the test, also when the test never noticed (a QEMU killed at the end
    of a test, a report during quit)."""
    before = sanitizer.report_files()
    yield
    new = sanitizer.report_files() - before
    if new:
        pytest.fail("sanitizer report(s):\n" + sanitizer.read_reports(new),
                    pytrace=False)
