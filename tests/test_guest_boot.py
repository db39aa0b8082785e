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
]

# The domain-type test does not apply without an IOMMU; every other guest
# test must pass (not skip) in every scenario.
MAY_SKIP = {("none", "domain-type")}


def describe(boot):
    return "scenario %s, log %s\n%s" % (boot.scenario.name, boot.log_path,
                                        boot.log_tail())


@pytest.mark.guest
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
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
@pytest.mark.parametrize("test_name", paths.guest_test_names())
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
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
