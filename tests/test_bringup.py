# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest-kernel bring-up (docs/bringup.md): the Linux IOMMU core's module
lifecycle on arm-smmuv3-ext and arm-smmuv2-ext, with kernels built from
Debian's linux-source-6.1 and linux-source-6.12 by scripts/build-kernel,
whose arm-smmu-v3 and arm-smmu drivers are modules (Debian's own kernels
build them in).  Every scenario runs on both kernels.

/init leaves the driver under test unloaded (smmuext.noload=<module>);
the guest test module-lifecycle loads it and checks, in one boot: the
disk waits for its IOMMU (deferred probe) and binds once the module is
loaded; /sys/module/<module>/refcnt equals the number of devices
attached; rmmod is refused while they are and changes nothing; a group's
type changes only once its device is unbound; unbinding their drivers
keeps the references, removing the devices drops them to 0; rmmod then
succeeds and /sys/class/iommu is empty; a rescan and a second load bring
the devices back in groups 0..n-1, with working DMA.  Every scenario
point's canonical state (core-ref spec 5.3) goes to build/bringup-state/.

deferred_probe_timeout=120: Linux stops waiting for a missing IOMMU 10 s
after boot by default and binds the devices without it, which a slow TCG
boot could reach before the test loads the module.

Linux 6.1 keeps the bus's iommu_ops after the module is gone (hazard H-1
of ../shared/spec/core-ref.md, there "predicted from source,
unverified"): module-lifecycle loads the module again before it rescans,
and a boot of its own (guest test stale-bus-ops) shows the hazard: a
rescan with no IOMMU module loaded oopses in __iommu_probe_device().
Linux 6.12 survives it.
"""
import os
import statistics
import shutil

import pytest

from smmuext import guest, paths

# The driver module of each of our SMMUs, as the kernel built from source
# has it.
MODULES = {"smmuv3-ext": "arm_smmu_v3", "smmuv2-ext": "arm_smmu"}
# The canonical state dumps of the scenarios (core-ref spec, section 5.3):
# build/bringup-state/<boot>/<point>.txt, for core-ref to be diffed against.
STATE_DIR = os.path.join(paths.BUILD, "bringup-state")
# Linux's dumps as core-ref's cross-check replays them.
LINUX_STATES = os.path.join(paths.TOP, "core-ref", "linux-states")


def _noload(smmu):
    """/init leaves @smmu's driver module for the test to load."""
    return ("smmuext.noload=" + MODULES[smmu], "deferred_probe_timeout=120")


KERNEL_ARGS = _noload("smmuv3-ext")

# The kernels built from source that the scenarios run on, as
# scripts/build-kernel items.  make check builds both (KERNEL_PAGES); a
# run whose KERNEL_PAGES leaves one out skips its cases, saying so.
KERNELS = {"6.1": "64k", "6.12": "64k-6.12"}
# What differs between them: the core-ref spec's kernel profiles, as
# observed (docs/bringup.md).
PROFILES = {
    "6.1": dict(type_bound="Device or resource busy",
                type_pair="Invalid argument", forced_v3="tainted 8, "
                "warnings 0", stale_rescan_oops=True),
    "6.12": dict(type_bound="Operation not permitted",
                 type_pair="Operation not permitted", forced_v3="tainted "
                 "520, warnings 2", stale_rescan_oops=False),
}


def _kernel_param(kernel, *values, one=False):
    """pytest.param(*@values, @kernel) (with @one, the tuple as one value,
    for a fixture), skipped when KERNEL_PAGES leaves @kernel out."""
    marks = () if KERNELS[kernel] in guest.source_kernel_items() else \
        pytest.mark.skip(reason="Linux %s not in KERNEL_PAGES (%s)" % (
            kernel, KERNELS[kernel]))
    args = values + (kernel,)
    return pytest.param(*((args,) if one else args), marks=marks,
                        id="-".join(values + ("linux" + kernel,)))


# Each SMMU on each kernel.
SMMU_KERNEL = [_kernel_param(k, smmu) for smmu in MODULES for k in KERNELS]


def _boot(name, log_name, kernel_args=KERNEL_ARGS, kernel="6.1",
          **scenario):
    """Boot the source-built kernel @kernel (64 KiB pages, the SMMU
    drivers modules) behind arm-smmuv3-ext (or scenario's smmu) and run
    guest test @name alone; 6.1's logs keep their names, others' get the
    version."""
    kw = dict(smmu="smmuv3-ext", mode="strict", pages=KERNELS[kernel],
              source_built=True, net=True, unmap_watcher=False, timeout=600)
    kw.update(scenario)
    if kernel != "6.1":
        log_name += "-linux" + kernel
    boot = guest.boot(guest.Scenario(kernel_args=kernel_args, **kw),
                      log_name=log_name, only=[name])
    assert not boot.error and not boot.timed_out, boot.log_tail()
    return boot


def _states(diag):
    """The state dumps of @diag ("state <point>: <line>"), by point."""
    states = {}
    for d in diag:
        if d.startswith("state ") and ": " in d:
            point, line = d[len("state "):].split(": ", 1)
            states.setdefault(point, []).append(line)
    return states


def _write_states(boot_name, diag):
    """Write the state dumps of @diag to STATE_DIR/<boot_name>/<point>.txt,
    replacing that boot's earlier ones."""
    out = os.path.join(STATE_DIR, boot_name)
    shutil.rmtree(out, ignore_errors=True)
    for point, lines in _states(diag).items():
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, point + ".txt"), "w") as f:
            f.write("\n".join(lines) + "\n")


class Diagnostics(list):
    """A guest test's diagnostic lines, the boot they come from, the SMMU
    and the kernel version it ran on."""

    def __init__(self, lines, boot_name, smmu, kernel):
        super().__init__(lines)
        self.boot_name = boot_name
        self.smmu = smmu
        self.kernel = kernel


def _same_as_core_ref_copy(boot_name, diag):
    """The dumps equal Linux's copy in core-ref/linux-states/<boot>/, which
    core-ref's cross-check (core-ref/tests/test-core-ref-linux.c) replays:
    if Linux's behaviour changed, both must follow (docs/core-ref.md)."""
    ref = os.path.join(LINUX_STATES, boot_name)
    states = _states(diag)
    assert os.path.isdir(ref), "no %s for core-ref to check" % ref
    assert sorted(states) == sorted(f[:-len(".txt")]
                                    for f in os.listdir(ref)), ref
    for point, lines in states.items():
        with open(os.path.join(ref, point + ".txt")) as f:
            assert "\n".join(lines) + "\n" == f.read(), (boot_name, point)


def _result(boot, name):
    """The diagnostics of guest test @name, which must have passed; its
    state dumps are written first, failed or not (those are the ones to
    diff), then compared with the copy core-ref is checked against."""
    boot_name = os.path.basename(boot.log_path)[:-len(".log")]
    r = boot.report.results.get(name)
    assert r is not None, boot.log_tail()
    _write_states(boot_name, r.diagnostics)
    assert r.status == "pass", (name, r.status, "\n".join(r.diagnostics),
                                boot.log_tail())
    if _states(r.diagnostics):
        _same_as_core_ref_copy(boot_name, r.diagnostics)
    kernel = next(k for k, item in KERNELS.items()
                  if item == boot.scenario.pages)
    return Diagnostics(r.diagnostics, boot_name, boot.scenario.smmu, kernel)


@pytest.fixture(scope="module", params=[_kernel_param(k, smmu, one=True)
                                        for smmu in MODULES
                                        for k in KERNELS])
def lifecycle(request, built):
    smmu, kernel = request.param
    boot = _boot("module-lifecycle", "bringup-lifecycle-" + smmu,
                 _noload(smmu), kernel, smmu=smmu)
    return _result(boot, "module-lifecycle")


def _value(diag, prefix, key):
    line = next(d for d in diag if d.startswith(prefix))
    return line.split(key + " ", 1)[1].split(",")[0].split()[0]


def _state(diag, point):
    return _states(diag).get(point, [])


@pytest.mark.guest
def test_devices_wait_for_the_module_then_bind(lifecycle):
    # The disk and the NIC: two devices, two groups, two references on
    # the module.  The host bridge (00:00.0) has no driver, so no group
    # (hazard H-2: on DT, driverless devices are not attached).
    assert _value(lifecycle, "after load:", "grouped devices") == "2"
    assert _value(lifecycle, "after load:", "refcnt") == "2"
    assert _value(lifecycle, "after load:", "iommus") == "1"


@pytest.mark.guest
def test_rmmod_refused_while_attached(lifecycle):
    line = next(d for d in lifecycle if d.startswith("rmmod refused:"))
    assert "in use" in line or "Resource temporarily unavailable" in line \
        or "busy" in line, line


@pytest.mark.guest
def test_unbind_keeps_references_remove_drops_them(lifecycle):
    assert _value(lifecycle, "drivers unbound:", "refcnt") == "2"
    assert _value(lifecycle, "devices removed:", "refcnt") == "0"
    assert "rmmod done: iommus 0" in lifecycle


@pytest.mark.guest
def test_reload_gives_lowest_group_ids_and_dma(lifecycle):
    line = next(d for d in lifecycle if d.startswith("reloaded:"))
    assert "group ids 0 1 " in line, line
    assert any("sha256 matches" in d for d in lifecycle), lifecycle


@pytest.mark.guest
def test_type_changes_only_unbound(lifecycle):
    """A group's default-domain type: refused while its one device is
    bound (Linux 6.1: EBUSY, 6.12: EPERM), changed once the driver is
    unbound."""
    assert "type change while bound: exit 1 %s, type DMA" % \
        PROFILES[lifecycle.kernel]["type_bound"] in lifecycle, lifecycle
    assert "type change unbound: exit 0 , type identity" in lifecycle, \
        lifecycle


@pytest.mark.guest
def test_lifecycle_state_dumps(lifecycle):
    """The canonical state at each point of the lifecycle (the spec's
    section 5.3 format), also in build/bringup-state/: two groups of one
    member each, DMA domains, refcnt 2 while attached; once the devices
    are removed and the module is gone, no instance, group or link (the
    driverless devices stay listed); the same groups, ids 0 and 1, after
    the reload."""
    mod = MODULES[lifecycle.smmu]
    points = ("before-load", "loaded", "rmmod-refused", "drivers-unbound",
              "unloaded", "reloaded")
    out = os.path.join(STATE_DIR, lifecycle.boot_name)
    assert sorted(os.listdir(out)) == sorted(p + ".txt" for p in points)
    assert _state(lifecycle, "before-load")[0] == \
        "MODULE %s state=unloaded" % mod
    groups = ["GROUP G0 type=DMA members=0000:00:01.0 id=0",
              "GROUP G1 type=DMA members=0000:00:02.0 id=1"]
    for point in ("loaded", "rmmod-refused", "drivers-unbound", "reloaded"):
        state = _state(lifecycle, point)
        assert state[0] == "MODULE %s state=live refcnt=2 holders=-" % mod, \
            (point, state)
        assert [d for d in state if d.startswith("GROUP")] == groups, \
            (point, state)
    loaded = _state(lifecycle, "loaded")
    for bdf, gid in (("0000:00:01.0", 0), ("0000:00:02.0", 1)):
        assert any(d.startswith("DEV pci:%s driver=virtio-pci group_id=%d "
                                % (bdf, gid)) for d in loaded), loaded
    assert any(d.startswith("DEV pci:0000:00:01.0 driver=- group_id=0 ")
               for d in _state(lifecycle, "drivers-unbound"))
    unloaded = _state(lifecycle, "unloaded")
    assert unloaded[0] == "MODULE %s state=unloaded" % mod, unloaded
    assert not [d for d in unloaded if d.startswith(("IOMMU", "GROUP",
                                                      "LINK"))], unloaded
    with open(os.path.join(out, "reloaded.txt")) as f:
        reloaded = f.read().splitlines()
    assert reloaded[0] == "MODULE %s state=live refcnt=2 holders=-" % mod
    assert [d for d in reloaded if d.startswith("GROUP")] == groups, reloaded


@pytest.mark.guest
@pytest.mark.parametrize("kernel", [_kernel_param(k) for k in KERNELS])
def test_stale_bus_ops(built, kernel):
    """Hazard H-1: after the last device behind the SMMU is removed and
    the module unloaded, a PCI rescan makes Linux 6.1 read the unloaded
    module's iommu_ops: an oops in __iommu_probe_device() (oops=panic
    powers the guest off before the test reports).  Linux 6.12 forgets
    the ops with the module: the rescan survives."""
    boot = _boot("stale-bus-ops", "bringup-stale-bus-ops",
                 KERNEL_ARGS + ("smmuext.hazard=stale-bus-ops",), kernel)
    with open(boot.log_path, errors="replace") as f:
        log = f.read()
    assert "stale-bus-ops: rmmod done; rescanning with no IOMMU driver " \
        "loaded" in log, boot.log_tail()
    if PROFILES[kernel]["stale_rescan_oops"]:
        assert "Unable to handle kernel paging request" in log, \
            boot.log_tail()
        assert "__iommu_probe_device" in log, boot.log_tail()
        assert "stale-bus-ops" not in boot.report.results, boot.log_tail()
    else:
        diag = _result(boot, "stale-bus-ops")
        assert "rescan survived: the bus forgot the unloaded driver's ops" \
            in diag, diag


@pytest.mark.guest
@pytest.mark.parametrize("kernel", [_kernel_param(k) for k in KERNELS])
def test_forced_unload_with_devices_attached(built, kernel):
    """SCN-16a of the core-ref spec: rmmod -f while two devices are
    attached.  Observed: the module goes (taint 8, TAINT_FORCED_RMMOD),
    the IOMMU instance and both groups go with it, and the endpoints stay
    bound to virtio-pci, now without a group.  The spec predicts WARNING
    splats as well: Linux 6.1 prints none, 6.12 two (taint 520 with
    TAINT_WARN), from __iommu_group_free_device()."""
    diag = _result(_boot("forced-unload", "bringup-forced-unload",
                         KERNEL_ARGS + ("smmuext.hazard=forced-unload",),
                         kernel), "forced-unload")
    assert "before: refcnt 2, tainted 0, warnings 0" in diag, diag
    assert "rmmod -f: exit 0" in [d.strip() for d in diag], diag
    assert "after: module gone, iommus 0, groups 0, %s" % \
        PROFILES[kernel]["forced_v3"] in diag, diag
    for bdf in ("0000:00:01.0", "0000:00:02.0"):
        assert "after: %s driver virtio-pci group -" % bdf in diag, diag


@pytest.mark.guest
@pytest.mark.parametrize("kernel", [_kernel_param(k) for k in KERNELS])
def test_smmuv2_consumers_unbound_before_supplier(built, kernel):
    """Scenario 8 (SMMUv2 only): arm-smmu links each master it probes to
    its SMMU (/sys/class/devlink, managed, removed when the supplier
    unbinds).  Its driver suppresses the bind attributes, so the SMMU goes
    only with the module: rmmod -f with the disk and the NIC attached.
    Observed on Linux 6.1: the driver core unbinds both masters (their
    virtio children first) before the SMMU, by the kernel's own uevent
    numbering; the links, the instance and the groups go; the masters
    are left without a driver (on arm-smmuv3-ext, which has no links,
    they stay bound: test_forced_unload_with_devices_attached)."""
    diag = _result(_boot("supplier-unbind", "bringup-supplier-unbind",
                         ("smmuext.hazard=supplier-unbind",), kernel,
                         smmu="smmuv2-ext"), "supplier-unbind")
    bdfs = ("0000:00:01.0", "0000:00:02.0")
    for bdf in bdfs:
        assert "before: link %s active, driver virtio-pci" % bdf in diag, \
            diag
        assert "LINK platform:9100000.iommu--pci:%s status=active " \
            "auto_remove_on=supplier unbind runtime_pm=1 " \
            "sync_state_only=0" % bdf in _state(diag, "before"), diag
    assert "before: supplier 9100000.iommu driver arm-smmu, refcnt 2" \
        in diag, diag
    assert "rmmod -f: exit 0" in [d.strip() for d in diag], diag
    unbinds = [d.split()[1:] for d in diag if d.startswith("uevent: ")]
    seq = {path.rsplit("/", 1)[1]: int(n) for n, action, path in unbinds
           if action == "unbind"}
    assert set(bdfs) | {"9100000.iommu"} <= set(seq), unbinds
    assert all(seq[b] < seq["9100000.iommu"] for b in bdfs), unbinds
    for bdf in bdfs:
        assert "after: %s driver -, links 0" % bdf in diag, diag
        assert "DEV pci:%s driver=- group_id=- iommu=-" % bdf in \
            _state(diag, "after"), diag
    assert "after: module gone, iommus 0, groups 0, tainted 8, " \
        "warnings 0" in diag, diag


CYCLES = 100


@pytest.mark.guest
@pytest.mark.parametrize("smmu,kernel", SMMU_KERNEL)
def test_dma_ownership_with_vfio(built, smmu, kernel):
    """Scenario 7 (core-ref spec SCN-22, SCN-23, SCN-30): an smmu-testdev
    at 00:03.0 and the disk at 00:03.1, functions of one slot without
    ACS, share a group.  With the disk on virtio-pci the group is not
    viable and VFIO refuses it (EPERM).  With both on vfio-pci, the guest
    program vfio-dma owns it, maps 64 KiB at IOVA 0x10000000 and has the
    testdev write the seeded pattern there (checked byte by byte), read
    it back, and fault on an unmapped IOVA (testdev ERROR 6).  Meanwhile
    virtio-pci cannot bind the disk (EBUSY); the group's type cannot change
    either, but Linux 6.1 refuses that for any two-device group (EINVAL),
    owned or not (test_type_changes_only_unbound has the single-device
    case); 6.12 says EPERM.  Released, the disk
    binds to virtio-pci and reads back its sha256 through the default
    DMA domain."""
    diag = _result(_boot(
        "dma-ownership", "bringup-dma-ownership-" + smmu,
        ("smmuext.hazard=dma-ownership",), kernel, smmu=smmu, net=False,
        devices=("smmu-testdev,bus=pcie.0,addr=0x3.0,multifunction=on",),
        disk_opts="addr=0x3.1,multifunction=on"), "dma-ownership")
    td, disk = "0000:00:03.0", "0000:00:03.1"
    assert "before: %s group -, %s group 0" % (td, disk) in diag, diag
    assert "group 0: %s %s  type DMA" % (td, disk) in diag, diag
    assert "not viable: group 0: viable 0" in diag, diag
    assert "not viable: set-container: error EPERM" in diag, diag
    assert "not viable: exit 3" in diag, diag
    assert "owned: group 0: viable 1" in diag, diag
    assert "owned: set-container: ok" in diag, diag
    assert "owned: dma write: error 0, 0 of 65536 bytes differ from the " \
        "pattern" in diag, diag
    assert "owned: dma verify: error 0" in diag, diag
    assert "owned: dma unmapped: error 6" in diag, diag
    pair = PROFILES[kernel]["type_pair"]
    assert "type change while owned: exit 1 %s, type DMA" % pair in diag, \
        diag
    assert "bind %s to virtio-pci while owned: exit 1 Device or resource " \
        "busy, driver -" % disk in diag, diag
    assert "owner exit: 0" in diag, diag
    assert "released: by user space" in diag, diag
    assert "type change while bound: exit 1 %s, type DMA" % pair in diag, \
        diag
    assert any("sha256 matches" in d for d in diag), diag
    group = "GROUP G0 type=DMA members=%s,%s id=0" % (td, disk)
    for point, drivers in (("not-viable", ("vfio-pci", "virtio-pci")),
                           ("owned", ("vfio-pci", "vfio-pci")),
                           ("released", ("vfio-pci", "virtio-pci"))):
        state = _state(diag, point)
        assert group in state, (point, state)
        for bdf, drv in zip((td, disk), drivers):
            assert any(d.startswith("DEV pci:%s driver=%s group_id=0 "
                                    % (bdf, drv)) for d in state), \
                (point, state)


# What Linux names each SMMU's instances (/sys/class/iommu) and driver.
INSTANCE_PREFIX = {"smmuv3-ext": "smmu3.", "smmuv2-ext": "smmu."}
DRIVER = {"smmuv3-ext": "arm-smmu-v3", "smmuv2-ext": "arm-smmu"}


@pytest.mark.guest
@pytest.mark.parametrize("smmu,kernel", SMMU_KERNEL)
def test_load_unload_cycles_with_dma(built, smmu, kernel):
    """100 cycles of load, rescan, DMA (sha256 of a 4 MiB disk), remove,
    unload: the same groups (0 and 1) and refcnt (2) every cycle, and no
    warning.  Leaks: after every other cycle of 21..49 and of 71..99 the
    guest prints the KiB held by live objects of the unreclaimable slab
    caches (SUnreclaim, in whole 64 KiB slab pages that a cache may keep
    or take for reasons of its own, failed an earlier check at random).
    The samples jump by up to a few hundred KiB with other work (64 KiB
    buffers, kernel threads' stacks) and their level wanders by about
    150 KiB over tens of cycles; the median of cycles 71..100 was within
    65 KiB of that of cycles 21..50 in six boots (both SMMUs, both
    kernels, a sample after every cycle), either way.  A leak of 4 KiB
    per cycle adds 200 KiB there and fails; smaller ones are beyond
    this check."""
    diag = _result(_boot("module-cycles", "bringup-cycles-" + smmu,
                         _noload(smmu) + ("smmuext.cycles=%d" % CYCLES,),
                         kernel, smmu=smmu, disk_mb=4, timeout=900), "module-cycles")
    assert "cycles: %d, every cycle: 0000:00:01.0 0 0000:00:02.0 1 " \
        "refcnt 2" % CYCLES in diag, diag
    assert "warnings: 0" in diag, diag
    windows = [next(d for d in diag if d.startswith(
        "live unreclaimable slab after cycles %s" % first))
        for first in ("21, 23 .. 49", "71, 73 .. 99")]
    print("\n".join(windows))
    early, late = ([int(w) for w in line.split(":", 1)[1].split()]
                   for line in windows)
    assert len(early) == len(late) == 15, windows
    assert statistics.median(late) - statistics.median(early) <= 192, windows


@pytest.mark.guest
@pytest.mark.parametrize("smmu,kernel", SMMU_KERNEL)
def test_two_instances_one_module(built, smmu, kernel):
    """One module serves two instances (pcie.0, and a pxb-pcie bus that
    Linux sees as PCI domain 1): the disk on pcie.0 in a group behind the
    first, the root port and the disk behind it in one group behind the
    second, one module reference per device.  arm-smmu-v3 and arm-smmu
    (Linux 6.1 and 6.12) have no unbind attribute (suppress_bind_attrs), so an
    instance cannot go alone: with every device removed, rmmod takes both
    and leaves no group."""
    diag = _result(_boot("two-instances", "bringup-two-instances-" + smmu,
                         _noload(smmu), kernel, smmu=smmu, instances=2,
                         net=False),
                   "two-instances")
    first, second = (INSTANCE_PREFIX[smmu] + "0x00000000091%s0000" % n
                     for n in ("0", "2"))
    assert "grouped: 0000:00:01.0 1 %s" % first in diag, diag
    assert "grouped: 0001:80:00.0 0 %s" % second in diag, diag
    assert "grouped: 0001:81:00.0 0 %s" % second in diag, diag
    assert any(d.startswith("loaded: instances %s %s" % (first, second)) and
               d.endswith("grouped devices 3, refcnt 3") for d in diag), diag
    assert "no /sys/bus/platform/drivers/%s/unbind: the driver " \
        "suppresses bind attributes" % DRIVER[smmu] in diag, diag
    assert "after rmmod: instances 0, groups 0" in diag, diag
    loaded = _state(diag, "loaded")
    assert "GROUP G0 type=DMA members=0000:00:01.0 id=1" in loaded, loaded
    assert "GROUP G1 type=DMA members=0001:80:00.0,0001:81:00.0 id=0" in \
        loaded, loaded
    after = _state(diag, "after-rmmod")
    assert after[0] == "MODULE %s state=unloaded" % MODULES[smmu], after
    assert not [d for d in after if d.startswith(("IOMMU", "GROUP"))], after
    for n in ("0", "2"):
        assert any(d.startswith("DEV platform:91%s0000." % n) and
                   " driver=- " in d for d in after), after


def _probe_timeout(smmu, kernel, extra):
    boot = _boot("probe-timeout", "bringup-probe-timeout-%s%s" % (
                     smmu, "-never" if extra else ""),
                 ("smmuext.noload=" + MODULES[smmu],
                  "smmuext.probe_wait=20") + extra, kernel,
                 smmu=smmu, net=False, disk_mb=4, timeout=300)
    return _result(boot, "probe-timeout")


@pytest.mark.guest
@pytest.mark.parametrize("smmu,kernel", SMMU_KERNEL)
def test_no_probe_timeout_waits_for_the_module(built, smmu, kernel):
    """deferred_probe_timeout=-1: the disk waits 20 s and more for its
    IOMMU, then binds behind it with working DMA."""
    mod = MODULES[smmu]
    diag = _probe_timeout(smmu, kernel, ("deferred_probe_timeout=-1",))
    assert "without %s: disk still deferred after 20 s" % mod in diag
    assert "timeout messages: 0" in diag, diag
    assert "with %s: disk group 0" % mod in diag, diag
    assert any("sha256 matches" in d for d in diag), diag


@pytest.mark.guest
@pytest.mark.parametrize("smmu,kernel", SMMU_KERNEL)
def test_probe_timeout_binds_without_the_iommu(built, smmu, kernel):
    """The default (10 s with device tree and modules): Linux stops
    waiting, says so, and binds the disk without an IOMMU.  The module
    loaded later does not take the bound disk in (no group).  What the
    disk's stream then sees differs: arm-smmu-v3 enables an SMMU that
    aborts it (an STE the driver never wrote): the disk's next DMA would
    fail and virtio mark it broken, so the test does not try (hazard
    recorded in docs/bringup.md); arm-smmu lets a stream no SMR matches
    bypass (sCR0.USFCFG 0), so the disk reads through, untranslated."""
    mod = MODULES[smmu]
    diag = _probe_timeout(smmu, kernel, ())
    assert "without %s: disk bound, group -" % mod in diag, diag
    assert "timeout messages: 1" in diag, diag
    assert "with %s: disk group -" % mod in diag, diag
    if smmu == "smmuv2-ext":
        assert "DMA without translation: the disk's stream bypasses" in diag
        assert any("sha256 matches" in d for d in diag), diag
    else:
        assert "no DMA tried: the disk's driver bound before its IOMMU" \
            in diag
