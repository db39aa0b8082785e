# SPDX-License-Identifier: GPL-2.0-or-later
"""Linux guest scenarios: each guest test reported by KTAP is one pytest
test, per scenario (SMMU choice x DMA API mode)."""
import pytest

from smmuext import guest, paths

SCENARIOS = [
    guest.Scenario(smmu="none", mode="strict"),
    guest.Scenario(smmu="builtin", mode="strict"),
    guest.Scenario(smmu="builtin", mode="lazy"),
    guest.Scenario(smmu="builtin", mode="passthrough"),
    # Ours: the acceptance workload (256 MiB disk) in every mode, with MSIs
    # (the default with an ITS) and with wired interrupts.
    guest.Scenario(smmu="smmuv3-ext", mode="strict", disk_mb=256),
    guest.Scenario(smmu="smmuv3-ext", mode="lazy", disk_mb=256),
    guest.Scenario(smmu="smmuv3-ext", mode="passthrough", disk_mb=256),
    guest.Scenario(smmu="smmuv3-ext", mode="strict", irq="wired"),
    guest.Scenario(smmu="smmuv3-ext", mode="lazy", irq="wired"),
    guest.Scenario(smmu="smmuv3-ext", mode="passthrough", irq="wired"),
    # The disk served by an iothread: DMA without the BQL.
    guest.Scenario(smmu="smmuv3-ext", mode="strict", iothread=True),
    # Two instances: pcie.0 and a pxb-pcie root bus, a disk behind each.
    guest.Scenario(smmu="smmuv3-ext", mode="strict", instances=2),
    # The SMMUv2 / MMU-500 under Linux's arm-smmu driver: every DMA API
    # mode, stage-2 domains (stage=2), an iothread, two instances, on
    # Debian 12's 6.1 kernel and on its 6.12 kernel (4 KiB pages, and the
    # 16 KiB-page build).
    guest.Scenario(smmu="smmuv2-ext", mode="strict", disk_mb=256),
    guest.Scenario(smmu="smmuv2-ext", mode="lazy"),
    guest.Scenario(smmu="smmuv2-ext", mode="passthrough"),
    guest.Scenario(smmu="smmuv2-ext", mode="strict", smmu_opts="stage=2"),
    guest.Scenario(smmu="smmuv2-ext", mode="strict", iothread=True),
    guest.Scenario(smmu="smmuv2-ext", mode="strict", instances=2),
    guest.Scenario(smmu="smmuv2-ext", mode="strict", pages="16k"),
    guest.Scenario(smmu="smmuv2-ext", mode="strict", disk_mb=256,
                   kernel="6.12"),
    guest.Scenario(smmu="smmuv2-ext", mode="lazy", kernel="6.12"),
    guest.Scenario(smmu="smmuv2-ext", mode="passthrough", kernel="6.12"),
    guest.Scenario(smmu="smmuv2-ext", mode="strict", instances=2,
                   kernel="6.12"),
    # Address translation operations: 6.1's iommu_dma_unmap_page() asks
    # iova_to_phys, which arm-smmu answers with ATS1PR of the domain's bank
    # (ARM_SMMU_FEAT_TRANS_OPS), so every unmap runs one.
    guest.Scenario(smmu="smmuv2-ext", mode="strict", smmu_opts="atos=on"),
]
OURS = [s for s in SCENARIOS if s.smmu == "smmuv3-ext"]
OURS_V2 = [s for s in SCENARIOS if s.smmu == "smmuv2-ext"]

# make check-asan boots the acceptance scenario (whole-disk reads checked
# against the host's sha256) on the sanitizer build: pytest -m asan.
ASAN_SCENARIO = guest.Scenario(smmu="smmuv3-ext", mode="strict", disk_mb=256)


def params(scenarios):
    return [pytest.param(s, id=s.name, marks=[pytest.mark.asan]
                         if s == ASAN_SCENARIO else []) for s in scenarios]

# The tests of the IOMMU do not apply without one; every other guest test
# must pass (not skip) in every scenario.
MAY_SKIP = {("none", "domain-type"), ("none", "smmu-interrupts"),
            ("none", "smmu-dmesg")} | {
    # Only arm-smmu (SMMUv2) links masters to their SMMU.
    (smmu, "device-links") for smmu in guest.SMMU_CHOICES
    if guest.SMMU_CHOICES[smmu].guest_driver != "arm-smmu"} | {
    # Only a UEFI+ACPI boot has an IORT (tests/test_acpi.py).
    (smmu, "acpi-iort") for smmu in guest.SMMU_CHOICES}
# The SMMU driver's module lifecycle needs a kernel with the driver as a
# module and parameters of its own: tests/test_bringup.py runs those; in
# these scenarios they skip, which test_module_tests_skip checks.  So does
# the DMA mapping benchmark (a kernel built from source and
# smmuext.dma_bench; tests/test_timing_dma_map.py runs it).
BRINGUP_TESTS = ["module-lifecycle", "stale-bus-ops", "forced-unload",
                 "module-cycles", "two-instances", "probe-timeout",
                 "supplier-unbind", "dma-ownership", "dma-map-bench"]


def describe(boot):
    return "scenario %s, log %s\n%s" % (boot.scenario.name, boot.log_path,
                                        boot.log_tail())


@pytest.mark.guest
@pytest.mark.parametrize("scenario", params(SCENARIOS))
def test_boot_completes(boots, scenario):
    """The guest ran every test and powered off by itself."""
    boot = boots.get(scenario)
    assert not boot.timed_out, "timed out after %ds: %s" % (
        scenario.timeout, describe(boot))
    assert boot.report.started, "no KTAP output: " + describe(boot)
    assert boot.report.complete(), "KTAP plan %d, %d results: %s" % (
        boot.report.plan, len(boot.report.results), describe(boot))
    assert boot.returncode == 0, describe(boot)


@pytest.mark.guest
@pytest.mark.parametrize("test_name", [n for n in paths.guest_test_names()
                                       if n not in BRINGUP_TESTS])
@pytest.mark.parametrize("scenario", params(SCENARIOS))
def test_guest(boots, scenario, test_name):
    boot = boots.get(scenario)
    result = boot.report.results.get(test_name)
    assert result is not None, "guest did not report %s: %s" % (
        test_name, describe(boot))
    detail = "\n".join(result.diagnostics)
    if (scenario.smmu, test_name) in MAY_SKIP and result.status == "skip":
        pytest.skip(result.reason)
    assert result.status == "pass", "%s: %s %s\n%s\nlog: %s" % (
        test_name, result.status, result.reason, detail, boot.log_path)


@pytest.mark.guest
@pytest.mark.parametrize("scenario", params(SCENARIOS))
def test_module_tests_skip(boots, scenario):
    """Debian's kernel has the SMMU drivers built in: the bring-up tests
    say so and skip, none of them runs (or takes the guest down); nor does
    the DMA mapping benchmark, which nobody asked for here."""
    results = boots.get(scenario).report.results
    for name in BRINGUP_TESTS:
        r = results.get(name)
        assert r is not None and r.status == "skip", (name, r)
        assert "is not a module in this kernel" in r.reason or \
            "not asked for" in r.reason, (name, r.reason)


@pytest.mark.guest
@pytest.mark.parametrize("scenario", params(OURS))
def test_smmu_statistics(boots, scenario):
    """qom-get stats after the run: what the guest did shows in the model's
    counters (DMA translated unless passthrough, no fault events)."""
    boot = boots.get(scenario)
    st = boot.stats
    assert st is not None, "no stats (%s): %s" % (boot.error, describe(boot))
    assert st["events"] == 0 and st["events-lost"] == 0, st
    assert st["commands"] > 0, st            # the driver's probe at least
    tlb = st["tlb"]
    assert tlb["lookups"] == tlb["hits"] + tlb["misses"], st
    # Both whole-disk reads went through the IOMMU.
    assert st["translations"] > 2 * (scenario.disk_mb << 20) // 65536, st
    # Read while the guest ran (between the two reads): the first read's
    # traffic was already counted, the second's not yet all.
    mid = boot.stats_running
    assert mid is not None, "no stats sampled while running: " + describe(boot)
    assert (scenario.disk_mb << 20) // 65536 < mid["translations"] < \
        st["translations"], (mid, st)
    if scenario.mode == "passthrough":
        # Identity domains: bypass STEs, no page-table walks, no TLB use.
        assert tlb["lookups"] < 100, st
    else:
        assert tlb["hits"] > 0 and tlb["misses"] > 0, st
    if scenario.mode == "strict":
        # Every unmap is invalidated at once, and IOMMU notifiers (what
        # vhost would use) hear of each invalidation.
        assert tlb["invalidations"] > (scenario.disk_mb << 20) // 65536, st
        assert st["notifier-unmaps"] > (scenario.disk_mb << 20) // 65536, st
    elif scenario.mode == "lazy":
        assert st["notifier-unmaps"] > 0, st


@pytest.mark.guest
@pytest.mark.parametrize("scenario", params(OURS_V2))
def test_smmuv2_statistics(boots, scenario):
    """arm-smmuv2-ext after the run: DMA was translated (unless
    passthrough), no fault was taken, and strict mode's TLBIs reached the
    TLB and the IOMMU notifiers."""
    boot = boots.get(scenario)
    st = boot.stats
    assert st is not None, "no stats (%s): %s" % (boot.error, describe(boot))
    assert st["faults"] == 0, st
    tlb = st["tlb"]
    assert tlb["lookups"] == tlb["hits"] + tlb["misses"], st
    reads = (scenario.disk_mb << 20) // 65536
    assert st["translations"] > 2 * reads, st
    # timing=on by default: every translation timed, with the MMU-500
    # set's 1 GHz clock; translated DMA's fastest answer is its 2-cycle
    # micro-TLB hit
    lat = st["timing"]["latency"]
    assert lat["count"] == st["translations"], st["timing"]
    assert st["timing"]["clock-mhz"] == 1000, st["timing"]
    if scenario.mode != "passthrough":
        assert lat["min"] == 2, lat
    if scenario.mode == "passthrough":
        # Identity domains: S2CR bypass, no walk, no TLB lookup.
        assert tlb["lookups"] == 0, st
    else:
        assert tlb["hits"] > 0 and tlb["misses"] > 0, st
    if scenario.mode == "strict":
        assert tlb["invalidations"] > reads, st
        assert st["notifier-unmaps"] > reads, st
    elif scenario.mode == "lazy":
        assert st["notifier-unmaps"] > 0, st
    # Linux runs ATS1PR only where sIDR0.ATOSNS says it may
    if "atos=on" in scenario.smmu_opts:
        assert st["ats-ops"] > reads, st
    else:
        assert st["ats-ops"] == 0, st


@pytest.mark.guest
def test_smmuv2_atos_probe_line(boots):
    """With atos=on, arm-smmu reports "address translation ops" at
    probe (sIDR0.ATOSNS clear); without it, it does not."""
    on = boots.get(guest.Scenario(smmu="smmuv2-ext", mode="strict",
                                  smmu_opts="atos=on"))
    off = boots.get(guest.Scenario(smmu="smmuv2-ext", mode="strict",
                                   disk_mb=256))
    line = "address translation ops"
    assert line in "\n".join(on.report.results["iommu-probe"].diagnostics)
    assert line not in "\n".join(
        off.report.results["iommu-probe"].diagnostics)


@pytest.mark.guest
@pytest.mark.parametrize("kernel", ["", "6.12"])
def test_smmuv2_probe_lines(boots, kernel):
    """Linux's arm-smmu (6.1 and 6.12) reports what sIDR0..2 promise for
    the defaults: both stages and nesting, 48 stream match groups, 16
    context banks of which 4 stage-2 only, 48-bit addresses
    (drivers/iommu/arm/arm-smmu/arm-smmu.c prints these at probe)."""
    boot = boots.get(guest.Scenario(smmu="smmuv2-ext", mode="strict",
                                    disk_mb=256, kernel=kernel))
    text = "\n".join(boot.report.results["iommu-probe"].diagnostics)
    for line in ("SMMUv2 with:", "stage 1 translation",
                 "stage 2 translation", "nested translation",
                 "coherent table walk",
                 "stream matching with 48 register groups",
                 "16 context banks (4 stage-2 only)",
                 "Stage-1: 48-bit VA -> 48-bit IPA",
                 "Stage-2: 48-bit IPA -> 48-bit PA"):
        assert line in text, (line, text)


# Both generations in one guest: arm-smmuv3-ext on pcie.0, arm-smmuv2-ext
# on a pxb-pcie bus.  Linux 6.1 has one iommu_ops per bus type, so the
# second driver to register fails; 6.12 registers per instance.
MIXED = dict(smmu="smmuv3-ext", mode="strict", instances=2,
             second_smmu="smmuv2-ext")


@pytest.mark.guest
def test_both_generations_on_6_1(boots):
    """Debian's 6.1: arm-smmu (linked first, drivers/iommu/arm/Makefile)
    takes the PCI bus's iommu_ops; arm-smmu-v3 then fails to register
    with -EBUSY (-16) and its SMMU stays disabled, so the disk behind it
    does DMA untranslated (SMMUEN = 0, GBPA bypass) and still reads
    correctly; the disk behind the SMMUv2 is translated."""
    boot = boots.get(guest.Scenario(**MIXED))
    res = boot.report.results
    probe = "\n".join(res["iommu-probe"].diagnostics)
    assert res["iommu-probe"].status == "fail", probe
    assert "arm-smmu-v3 9100000.smmuv3: Failed to register iommu" in probe
    assert "arm-smmu-v3: probe of 9100000.smmuv3 failed with error -16" in \
        probe
    assert "iommus: smmu.0x0000000009120000" in probe
    assert "smmu3.0x0000000009100000" not in probe
    groups = "\n".join(res["disk-iommu-group"].diagnostics)
    assert "disk disk0 is in no IOMMU group" in groups, groups
    for test in ("dma-read-4k", "dma-read-64k"):
        assert res[test].status == "pass", (test, res[test].diagnostics)
    # The SMMUv3 was reset by the driver but never enabled: its disk's DMA
    # bypassed it (counted as translations) without a TLB lookup.
    assert boot.stats["translations"] > 0, boot.stats
    assert boot.stats["tlb"]["lookups"] == 0, boot.stats


@pytest.mark.guest
def test_both_generations_on_6_12(boots):
    """Debian 12's 6.12 kernel: both drivers register, each disk is in a
    group of its own SMMU instance, both read correctly."""
    boot = boots.get(guest.Scenario(kernel="6.12", **MIXED))
    res = boot.report.results
    probe = "\n".join(res["iommu-probe"].diagnostics)
    assert res["iommu-probe"].status == "pass", probe
    assert "smmu.0x0000000009120000" in probe and \
        "smmu3.0x0000000009100000" in probe, probe
    groups = res["disk-iommu-group"]
    text = "\n".join(groups.diagnostics)
    assert groups.status == "pass", text
    assert "disk 0000:00:02.0 in iommu group" in text and \
        "behind smmu3.0x0000000009100000" in text, text
    assert "disk 0001:81:00.0 in iommu group" in text and \
        "behind smmu.0x0000000009120000" in text, text
    for test in ("dma-read-4k", "dma-read-64k", "smmu-dmesg"):
        assert res[test].status == "pass", (test, res[test].diagnostics)
