# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/conformance.md is what the SMMUv3 QTest suites say today: every
case run on its own against arm-smmuv3-ext and against QEMU's built-in
SMMUv3 (scripts/conformance).  arm-smmuv3-ext passes every case, each
built-in failure carries a note that says why it is the built-in's
(qtest/conformance/<suite>.txt), no note names a case the built-in
passes, and the committed report equals a fresh one."""
import os
import subprocess

import pytest

from smmuext import paths

SCRIPT = os.path.join(paths.TOP, "scripts", "conformance")
DOC = os.path.join(paths.TOP, "docs", "conformance.md")


def test_conformance_report_is_current(built, tmp_path):
    out = tmp_path / "conformance.md"
    r = subprocess.run([SCRIPT, "--check", "--out", str(out),
                        "--qemu", paths.QEMU],
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(DOC) as f:
        assert out.read_text() == f.read(), \
            "docs/conformance.md is stale: run make conformance"


QEMU10 = paths.QEMU10
DOC10 = os.path.join(paths.TOP, "docs", "conformance-10.0.md")


@pytest.mark.skipif(not os.path.exists(QEMU10),
                    reason="QEMU 10.0 not built (make qemu QEMU=10.0); "
                           "make check builds 7.2 only")
def test_conformance_report_10_is_current(built, tmp_path):
    """The same for QEMU 10.0's built-in (docs/conformance-10.0.md, the
    notes of qtest/conformance/10.0/), when QEMU 10.0 is built."""
    out = tmp_path / "conformance-10.0.md"
    r = subprocess.run([SCRIPT, "--check", "--out", str(out), "--qemu",
                        QEMU10, "--notes",
                        os.path.join(paths.TOP, "qtest", "conformance",
                                     "10.0")],
                       capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout + r.stderr
    with open(DOC10) as f:
        assert out.read_text() == f.read(), \
            "docs/conformance-10.0.md is stale: make conformance QEMU=10.0"
