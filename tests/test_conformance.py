# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/conformance.md is what the SMMUv3 QTest suites say today: every
case run on its own against arm-smmuv3-ext and against QEMU's built-in
SMMUv3 (scripts/conformance).  arm-smmuv3-ext passes every case, each
built-in failure carries a note that says why it is the built-in's
(qtest/conformance/<suite>.txt), no note names a case the built-in
passes, and the committed report equals a fresh one."""
import os
import subprocess

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
