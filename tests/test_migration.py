# SPDX-License-Identifier: GPL-2.0-or-later
"""Migration: the VM is saved and restored into a second QEMU process while
the guest reads the disk through the SMMU; the data still matches."""
import pytest

from smmuext import guest


@pytest.mark.guest
@pytest.mark.parametrize("smmu", ["smmuv3-ext"])
def test_migrate_during_dma(built, smmu):
    sc = guest.Scenario(smmu=smmu, mode="strict")
    boot = guest.boot_with_migration(sc, "dma-read-4k", delay=2.0,
                                     log_name="migrate-" + sc.name)
    assert not boot.error, boot.error + "\n" + boot.log_tail()
    assert not boot.timed_out, boot.log_tail()
    r = boot.report.results.get("dma-read-4k")
    assert r is not None, "no result after restore: " + boot.log_tail()
    assert r.status == "pass", "%s %s\n%s" % (r.status, r.reason,
                                              "\n".join(r.diagnostics))
    # The restored SMMU kept translating: its counters started from zero in
    # the new process (caches and statistics are not migrated).
    assert boot.stats["translations"] > 0, boot.stats
    assert boot.stats["events"] == 0, boot.stats
