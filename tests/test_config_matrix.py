# SPDX-License-Identifier: GPL-2.0-or-later
"""Linux works with every configuration arm-smmuv3-ext accepts.

The properties a Linux guest can use span too many combinations to boot
them all, so the configurations are chosen pairwise (all-pairs): every
value of a property meets every value of every other property in at
least one boot, unless the device's rules forbid that pair.  The list is
generated deterministically (tests/smmuext/allpairs.py); print it with

    python3 tests/test_config_matrix.py

Each configuration boots the guest once in strict mode (iommu.strict=1,
an invalidation and CMD_SYNC for every unmap) and must pass: the SMMU
probed, its interrupts as configured, the disk behind it, whole-disk
O_DIRECT reads in 4 KiB and 64 KiB blocks matching the host's sha256, and
a kernel log with no CMD_SYNC timeout, no global error and no event
(guest test smmu-dmesg).  The SMMU's statistics must agree: no event, no
command error.

Fixed around the matrix, and why:
- The only endpoint is the virtio disk, at 00:01.0 (no NIC, no unmap
  watcher): requester id 0x08, the host bridge 00:00.0 has 0.  sidsize=4
  (StreamIDs 0..15) is the least that covers it; 3 bits would stop at 7.
- 1 GiB of RAM at 1 GiB ends at 2 GiB, so oas=32 reaches all of it, and
  the GICv3 ITS doorbell (0x08090040) too.

Granules: the guest kernel (Debian's arm64, 4 KiB pages) translates with
the SMMU granule equal to its page size whenever the SMMU has it, so the
matrix takes the granule sets that include 4k (all four of them).  An
SMMU whose smallest granule is larger than the kernel's page size stops
Linux at BUG_ON(granule > PAGE_SIZE) in init_iova_domain() (seen with
16k, 64k and 16k,64k on 4 KiB pages, and 64k on 16 KiB pages): a limit of
the kernel, not of the SMMU.  The device accepts those sets, as the
architecture allows, and says so at start (test_warns_without_4k_granule);
the sets with 16k boot Debian's arm64-16k kernel in strict mode
(test_linux_16k_pages_strict_dma), and 64k alone boots a 64 KiB-page
kernel built from Debian's linux-source-6.1 (scripts/build-kernel,
test_linux_64k_pages_strict_dma), which also shows granules smaller than
the kernel's pages working.
"""
import subprocess
import sys

import pytest

from smmuext import allpairs, guest, paths

ON_OFF = ["on", "off"]

# The properties Linux can use, each with the values the matrix tries:
# the extremes of the numeric ones.
PARAMS = [
    ("stage", ["1", "2", "nested"]),
    ("granules", ["4k", "4k,16k", "4k,64k", "4k,16k,64k"]),
    ("hyp", ["auto", "off", "on"]),
    ("oas", [32, 52]),
    ("sidsize", [4, 32]),
    ("ssidsize", [0, 20]),
    ("msi", ON_OFF),
    ("ril", ON_OFF),
    ("ats", ON_OFF),
    ("pri", ON_OFF),
    ("stall", ON_OFF),
    ("httu", ["off", "af", "af+dirty"]),
    ("two-level-st", ON_OFF),
    ("two-level-cd", ON_OFF),
]

# What the device refuses at realize (tests/test_device_errors.py checks
# that it does): (rule, the properties it reads, broken(row)).
RULES = [
    ("hyp=on needs stage=nested", ("hyp", "stage"),
     lambda r: r["hyp"] == "on" and r["stage"] != "nested"),
    ("pri=on needs ats=on", ("pri", "ats"),
     lambda r: r["pri"] == "on" and r["ats"] == "off"),
    ("sidsize >= 7 needs two-level-st=on", ("sidsize", "two-level-st"),
     lambda r: r["sidsize"] >= 7 and r["two-level-st"] == "off"),
    ("oas=52 needs 64k in granules", ("oas", "granules"),
     lambda r: r["oas"] == 52 and "64k" not in r["granules"].split(",")),
]

# Every guest test that applies without a NIC; each must pass.
GUEST_TESTS = ["iommu-probe", "smmu-interrupts", "disk-iommu-group",
               "domain-type", "dma-read-4k", "dma-read-64k", "smmu-dmesg"]

DISK_MB = 16
# A boot takes 11 to 26 s on 2 busy cores; a stuck command queue (1 s per
# CMD_SYNC timeout, thousands of syncs) would take hours.
BOOT_TIMEOUT = 600


def allowed(row):
    """No rule whose properties are all set in @row is broken."""
    return not any(all(p in row for p in props) and broken(row)
                   for _, props, broken in RULES)


MATRIX = allpairs.generate(PARAMS, allowed)

# The device's defaults (msi=auto is on with the board's ITS), with each
# granule set that lacks 4k.
DEFAULTS = {"stage": "nested", "granules": "4k,16k,64k", "hyp": "auto",
            "oas": 48, "sidsize": 16, "ssidsize": 20, "msi": "on",
            "ril": "on", "ats": "on", "pri": "on", "stall": "on",
            "httu": "af+dirty", "two-level-st": "on", "two-level-cd": "on"}
WITHOUT_4K = [dict(DEFAULTS, granules=g) for g in ("16k", "64k", "16k,64k")]
# Booted with Debian's arm64-16k kernel: every set whose smallest granule
# a 16 KiB-page kernel can use, and the one stage alone each.
PAGES_16K = [dict(DEFAULTS, granules=g) for g in ("16k", "16k,64k",
                                                   "4k,16k,64k")] + \
            [dict(DEFAULTS, stage=st, granules="16k") for st in ("1", "2")]
# Booted with the 64 KiB-page kernel built from source: 64k alone (which
# no smaller page size can use), the sets where Linux picks 64k out of
# several, granules smaller than a page (4k, 16k alone), and 64k with the
# one stage alone each.
PAGES_64K = [dict(DEFAULTS, granules=g) for g in ("64k", "16k,64k",
                                                   "4k,16k,64k", "4k",
                                                   "16k")] + \
            [dict(DEFAULTS, stage=st, granules="64k") for st in ("1", "2")]


def _flag(name, short):
    return lambda row: short if row[name] == "on" else "no" + short


_ID_PARTS = [
    lambda r: "stage" + r["stage"],
    lambda r: r["granules"].replace(",", "+"),
    lambda r: "hyp-" + r["hyp"],
    lambda r: "oas%d" % r["oas"],
    lambda r: "sid%d" % r["sidsize"],
    lambda r: "ssid%d" % r["ssidsize"],
    _flag("msi", "msi"),
    _flag("ril", "ril"),
    _flag("ats", "ats"),
    _flag("pri", "pri"),
    _flag("stall", "stall"),
    lambda r: "httu-" + r["httu"],
    _flag("two-level-st", "2lst"),
    _flag("two-level-cd", "2lcd"),
]


def config_id(row):
    return "-".join(part(row) for part in _ID_PARTS)


def device_options(row):
    """The row as arm-smmuv3-ext options (msi goes through Scenario.irq,
    which also tells the guest what to expect)."""
    return ",".join("%s=%s" % (name, str(row[name]).replace(",", ",,"))
                    for name, _ in PARAMS if name != "msi")


def scenario(row, pages="4k"):
    return guest.Scenario(smmu="smmuv3-ext", mode="strict",
                          irq="msi" if row["msi"] == "on" else "wired",
                          disk_mb=DISK_MB, net=False, unmap_watcher=False,
                          smmu_opts=device_options(row),
                          timeout=BOOT_TIMEOUT, pages=pages)


# ---- The generator and the list (no guest) ---------------------------------

# The list as generated today: a change of PARAMS, RULES or the generator
# shows here first.
EXPECTED_IDS = [
    "stage2-4k+64k-hyp-off-oas52-sid4-ssid20-nomsi-noril-noats-nopri-"
    "nostall-httu-af-no2lst-no2lcd",
    "stagenested-4k+16k-hyp-on-oas32-sid32-ssid20-msi-noril-ats-nopri-"
    "stall-httu-af+dirty-2lst-no2lcd",
    "stagenested-4k+16k+64k-hyp-off-oas52-sid32-ssid0-nomsi-ril-ats-"
    "pri-nostall-httu-af+dirty-2lst-2lcd",
    "stage2-4k+16k-hyp-auto-oas32-sid32-ssid0-nomsi-ril-noats-nopri-"
    "stall-httu-af-2lst-2lcd",
    "stage1-4k+16k+64k-hyp-auto-oas52-sid4-ssid20-msi-noril-noats-"
    "nopri-nostall-httu-off-no2lst-no2lcd",
    "stagenested-4k+64k-hyp-on-oas32-sid4-ssid0-msi-ril-ats-pri-"
    "nostall-httu-af-no2lst-2lcd",
    "stage2-4k-hyp-off-oas32-sid4-ssid20-msi-ril-ats-pri-stall-httu-"
    "af+dirty-no2lst-no2lcd",
    "stagenested-4k-hyp-on-oas32-sid32-ssid0-nomsi-noril-noats-nopri-"
    "nostall-httu-off-2lst-2lcd",
    "stage1-4k+64k-hyp-auto-oas32-sid32-ssid0-nomsi-ril-noats-nopri-"
    "stall-httu-af+dirty-2lst-no2lcd",
    "stage1-4k+16k-hyp-off-oas32-sid4-ssid0-msi-noril-ats-pri-nostall-"
    "httu-off-no2lst-2lcd",
    "stagenested-4k+16k+64k-hyp-on-oas52-sid4-ssid0-msi-ril-ats-pri-"
    "stall-httu-af-2lst-2lcd",
    "stage2-4k+16k+64k-hyp-auto-oas32-sid4-ssid0-msi-ril-ats-pri-stall-"
    "httu-off-2lst-2lcd",
    "stage1-4k-hyp-auto-oas32-sid4-ssid20-msi-ril-ats-pri-stall-httu-"
    "af-2lst-2lcd",
    "stagenested-4k-hyp-auto-oas32-sid4-ssid0-msi-ril-ats-pri-stall-"
    "httu-off-2lst-2lcd",
    "stage1-4k+64k-hyp-auto-oas32-sid4-ssid0-msi-ril-ats-pri-stall-"
    "httu-off-2lst-2lcd",
]


def test_matrix_is_the_expected_list():
    assert [config_id(r) for r in MATRIX] == EXPECTED_IDS


def test_matrix_covers_every_allowed_pair():
    names = [n for n, _ in PARAMS]
    covered = set().union(*(allpairs.pairs_of(r, names) for r in MATRIX))
    missing = set(allpairs.allowed_pairs(PARAMS, allowed)) - covered
    assert missing == set()


@pytest.mark.parametrize("rule", RULES, ids=[r[0] for r in RULES])
def test_matrix_keeps_the_rules(rule):
    _, _, broken = rule
    assert [config_id(r) for r in MATRIX if broken(r)] == []


def test_generator_on_three_switches():
    """Three on/off parameters: four rows cover all twelve pairs."""
    rows = allpairs.generate([("a", [0, 1]), ("b", [0, 1]), ("c", [0, 1])],
                             lambda r: True)
    assert rows == [{"a": 0, "b": 0, "c": 0}, {"a": 0, "b": 1, "c": 1},
                    {"a": 1, "b": 0, "c": 1}, {"a": 1, "b": 1, "c": 0}]


def test_generator_leaves_out_forbidden_pairs():
    """b=1 is forbidden with a=1: no row has it, every other pair is there."""
    rows = allpairs.generate(
        [("a", [0, 1]), ("b", [0, 1])],
        lambda r: not (r.get("a") == 1 and r.get("b") == 1))
    assert rows == [{"a": 0, "b": 0}, {"a": 0, "b": 1}, {"a": 1, "b": 0}]


def test_device_options_escape_commas():
    row = dict(MATRIX[2])
    assert device_options(row) == (
        "stage=nested,granules=4k,,16k,,64k,hyp=off,oas=52,sidsize=32,"
        "ssidsize=0,ril=on,ats=on,pri=on,stall=off,httu=af+dirty,"
        "two-level-st=on,two-level-cd=on")


# ---- One Linux boot per configuration ---------------------------------------


def _kernel_console(boot, limit=16):
    """The first kernel lines on the console: at loglevel=3 only the
    critical ones show (a BUG, an oops, a panic)."""
    with open(boot.log_path, errors="replace") as f:
        return "".join([line for line in f if line.startswith("[")][:limit])


def _failure(boot, what):
    return "%s\nconfiguration: %s\nlog: %s\nkernel:\n%s\nconsole tail:\n%s" % (
        what, boot.scenario.smmu_opts, boot.log_path, _kernel_console(boot),
        boot.log_tail(20))


def _guest_result(boot, name):
    r = boot.report.results.get(name)
    assert r is not None, _failure(boot, "guest did not report " + name)
    assert r.status == "pass", _failure(boot, "%s: %s %s\n%s" % (
        name, r.status, r.reason, "\n".join(r.diagnostics)))
    return r


def _boot_and_check(row, pages="4k"):
    boot = guest.boot(scenario(row, pages),
                      log_name="matrix-%s-pages%s" % (config_id(row), pages),
                      only=GUEST_TESTS)
    assert not boot.error, _failure(boot, boot.error)
    assert not boot.timed_out, _failure(boot, "timed out after %d s"
                                        % BOOT_TIMEOUT)
    assert boot.report.complete(), _failure(boot, "incomplete KTAP report")
    for name in GUEST_TESTS:
        _guest_result(boot, name)
    # The disk sits at the requester id sidsize=4 was chosen for.
    groups = _guest_result(boot, "disk-iommu-group").diagnostics
    assert any(d.startswith("disk 0000:00:01.0 in iommu group")
               for d in groups), groups
    dmesg = _guest_result(boot, "smmu-dmesg").diagnostics
    for count in ("sync_timeouts: 0", "global_errors: 0", "events: 0"):
        assert count in dmesg, _failure(boot, "\n".join(dmesg))
    st = boot.stats
    assert st is not None, _failure(boot, "no statistics")
    assert (st["events"], st["events-lost"], st["cerror-ill"],
            st["cerror-abt"], st["cerror-atc-inv-sync"]) == (0, 0, 0, 0, 0), st
    # Both whole-disk reads (16 MiB each) went through the SMMU.
    assert st["translations"] > 2 * DISK_MB * 1024 // 64, st


@pytest.mark.guest
@pytest.mark.parametrize("row", MATRIX, ids=config_id)
def test_linux_strict_dma(built, row):
    _boot_and_check(row)


@pytest.mark.guest
@pytest.mark.parametrize("row", PAGES_16K, ids=config_id)
def test_linux_16k_pages_strict_dma(built, row):
    """Granule sets without 4k work with a kernel of 16 KiB pages."""
    _boot_and_check(row, pages="16k")


@pytest.mark.guest
@pytest.mark.parametrize("row", PAGES_64K, ids=config_id)
def test_linux_64k_pages_strict_dma(built, row):
    """Every granule set works with a kernel of 64 KiB pages, 64k alone
    included."""
    _boot_and_check(row, pages="64k")


# The smallest granule of each set without 4k, as the warning names it.
WARN_4K = {
    "16k": "Linux kernels with pages smaller than 16 KiB stop at "
           "BUG_ON(granule > PAGE_SIZE) in init_iova_domain(); use a "
           "kernel with 16 or 64 KiB pages",
    "16k,64k": "Linux kernels with pages smaller than 16 KiB stop at "
               "BUG_ON(granule > PAGE_SIZE) in init_iova_domain(); use a "
               "kernel with 16 or 64 KiB pages",
    "64k": "Linux kernels with pages smaller than 64 KiB stop at "
           "BUG_ON(granule > PAGE_SIZE) in init_iova_domain(); use a "
           "kernel with 64 KiB pages",
}


@pytest.mark.parametrize("row", WITHOUT_4K, ids=config_id)
def test_warns_without_4k_granule(built, row):
    """Accepted, with a warning naming the guest-kernel limit."""
    r = subprocess.run([paths.QEMU, "-M", "virt", "-nodefaults", "-display",
                        "none", "-S", "-qmp", "stdio", "-device",
                        "arm-smmuv3-ext,primary-bus=pcie.0,"
                        + device_options(row)],
                       input='{"execute":"qmp_capabilities"}\n'
                             '{"execute":"quit"}\n',
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert WARN_4K[row["granules"]] in r.stderr, r.stderr


def test_no_warning_with_4k_granule(built):
    r = subprocess.run([paths.QEMU, "-M", "virt", "-nodefaults", "-display",
                        "none", "-S", "-qmp", "stdio", "-device",
                        "arm-smmuv3-ext,primary-bus=pcie.0,granules=4k,,64k"],
                       input='{"execute":"qmp_capabilities"}\n'
                             '{"execute":"quit"}\n',
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert "BUG_ON" not in r.stderr, r.stderr


def main():
    """Print the configurations, with the QEMU -device option string of
    each."""
    for i, row in enumerate(MATRIX + WITHOUT_4K, 1):
        print("%2d %s\n   -device arm-smmuv3-ext,primary-bus=pcie.0,msi=%s,%s"
              % (i, config_id(row), row["msi"], device_options(row)))
    print("%d pairwise configurations, %d without the 4k granule"
          % (len(MATRIX), len(WITHOUT_4K)))


if __name__ == "__main__":
    sys.exit(main())
