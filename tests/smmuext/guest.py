# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot the Linux test guest under our QEMU and collect its KTAP report."""
import hashlib
import os
import re
import subprocess
import time
from dataclasses import dataclass, field

from . import ktap, paths, qmp


class ConfigError(Exception):
    """Bad user input (an unknown SMMU= or MODE= value, say)."""


@dataclass(frozen=True)
class SmmuChoice:
    help: str
    machine_opts: str          # appended to -M virt,...
    devices: tuple             # extra -device arguments, before the PCI devices
    guest_driver: str          # what the guest's iommu-probe test expects
    stats_path: str = ""       # QOM path of a device with a 'stats' property
    default_irq: str = "wired"     # how its interrupts arrive by default
    irq_option: str = ""           # device option choosing msi/wired
    bases: tuple = ()              # register base of each instance (hex)
    # Devices after the SMMUs: a DMA-less smmu-testdev that counts the IOMMU
    # UNMAP notifications reaching it, as vhost would see them.
    watchers: tuple = ()


# What SMMU= selects.  Later issues add our own devices here.
SMMU_CHOICES = {
    "none": SmmuChoice("no IOMMU", "", (), "none", bases=("none",)),
    "builtin": SmmuChoice("QEMU's built-in SMMUv3 (-M virt,iommu=smmuv3)",
                          "iommu=smmuv3", (), "arm-smmu-v3",
                          bases=("9050000",)),
    "smmuv3-ext": SmmuChoice("our SMMUv3 (-device arm-smmuv3-ext)", "",
                             ("arm-smmuv3-ext,primary-bus=pcie.0,id=smmu0",),
                             "arm-smmu-v3", "/machine/peripheral/smmu0",
                             "msi", "msi", ("9100000", "9120000"),
                             ("smmu-testdev,bus=pcie.0,iommu-notifier=on,"
                              "id=unmapwatch",)),
    "smmuv2-ext": SmmuChoice("our SMMUv2 / MMU-500 (-device arm-smmuv2-ext)",
                             "", ("arm-smmuv2-ext,primary-bus=pcie.0,id=smmu0",),
                             "arm-smmu", "/machine/peripheral/smmu0",
                             "wired", "", ("9100000", "9120000"),
                             ("smmu-testdev,bus=pcie.0,iommu-notifier=on,"
                              "id=unmapwatch",)),
}

# What MODE= selects: the kernel's DMA API mode and the domain type it gives.
MODES = {
    "strict": ("iommu.strict=1", "DMA"),
    "lazy": ("iommu.strict=0", "DMA-FQ"),
    "passthrough": ("iommu.passthrough=1", "identity"),
}

DEFAULT_DISK_MB = int(os.environ.get("SMMU_EXT_DISK_MB", "64"))


def smmu_choice(name):
    if name not in SMMU_CHOICES:
        raise ConfigError("unknown SMMU=%r; choose one of: %s" % (
            name, ", ".join("%s (%s)" % (k, v.help) for k, v in SMMU_CHOICES.items())))
    return SMMU_CHOICES[name]


def mode_choice(name):
    if name not in MODES:
        raise ConfigError("unknown MODE=%r; choose one of: %s" % (
            name, ", ".join(MODES)))
    return MODES[name]


@dataclass(frozen=True)
class GuestKernel:
    directory: str
    cpu: str

    @property
    def kernel(self):
        return os.path.join(self.directory, "Image")

    @property
    def initrd(self):
        return os.path.join(self.directory, "initramfs.cpio.gz")


# Guest kernels by page size: Debian's (4k, 16k) and ours built from
# source (64k).  Cortex-A72 has no 16 KiB translation granule
# (ID_AA64MMFR0_EL1.TGran16 = 0), so the 16 KiB kernel runs on "max";
# pauth-impdef keeps pointer authentication cheap under TCG.  Every Armv8-A
# CPU has the 64 KiB granule.
GUEST_KERNELS = {
    "4k": GuestKernel(paths.GUEST, "cortex-a72"),
    "16k": GuestKernel(paths.GUEST_16K, "max,pauth-impdef=on"),
    "64k": GuestKernel(paths.GUEST_64K, "cortex-a72"),
}

# Debian kernels besides GUEST_KERNELS' (Scenario.kernel), by version and
# page size.
OTHER_KERNELS = {
    ("6.12", "4k"): GuestKernel(paths.GUEST_612, "cortex-a72"),
}


# The kernels make check builds from source (scripts/build-kernel items):
# the Makefile's KERNEL_PAGES default, which test_tooling keeps equal.
SOURCE_KERNELS = ("64k", "64k-6.12")


def source_kernel_items():
    """The source-built kernels this run has: KERNEL_PAGES when set (make
    exports it), else SOURCE_KERNELS."""
    return tuple(os.environ.get("KERNEL_PAGES", "").split()) or \
        SOURCE_KERNELS


def source_kernel(pages):
    """The guest around the kernel scripts/build-kernel built for @pages,
    a page size or PAGES-VERSION ("64k-6.12", Debian's linux-source-6.12):
    build/guest-src-<pages>, on the CPU that page size needs."""
    size = pages.split("-", 1)[0]
    if size not in GUEST_KERNELS:
        raise ConfigError("no kernel with %s pages; choose one of: %s" % (
            size, ", ".join(GUEST_KERNELS)))
    return GuestKernel(os.path.join(paths.BUILD, "guest-src-" + pages),
                       GUEST_KERNELS[size].cpu)


@dataclass(frozen=True)
class Scenario:
    smmu: str = "builtin"
    mode: str = "strict"
    irq: str = ""              # "msi" or "wired"; "": the SMMU's default
    instances: int = 1         # 2: a second SMMU on a pxb-pcie root bus
    # The SMMU= choice of the second instance ("": the same as the first).
    second_smmu: str = ""
    iothread: bool = False     # disks served by an iothread (no BQL)
    disk_mb: int = DEFAULT_DISK_MB
    net: bool = True
    timeout: int = 900
    # Appended to each of our SMMUs' -device (commas inside a value
    # doubled, as QEMU's option syntax wants: "granules=4k,,64k").
    smmu_opts: str = ""
    # The DMA-less smmu-testdev counting IOMMU UNMAP notifications.  Off,
    # the disk is the first device on pcie.0 (00:01.0).
    unmap_watcher: bool = True
    # The guest kernel's page size, a key of GUEST_KERNELS.
    pages: str = "4k"
    # "6.12": Debian 12's 6.12 kernel with 4 KiB pages instead of the
    # page size's kernel in GUEST_KERNELS (6.1 for 4k).
    kernel: str = ""
    # True: the kernel built from source with that page size
    # (source_kernel()), whatever GUEST_KERNELS has for it.
    source_built: bool = False
    # More QEMU options, e.g. ("-icount", "shift=0") for a guest clock
    # that is the virtual clock.
    qemu_extra: tuple = ()
    # More kernel command-line parameters, e.g. ("smmuext.noload=...",).
    kernel_args: tuple = ()
    # More -device arguments, after the SMMUs (so behind them) and before
    # the disks, e.g. a multifunction smmu-testdev at 00:03.0.
    devices: tuple = ()
    # More -device options of the first disk, e.g. "addr=0x3.1,
    # multifunction=on" for function 1 of slot 3 beside a device there.
    disk_opts: str = ""
    # "uefi": boot through UEFI firmware (paths.UEFI_FIRMWARE), which
    # gives the guest the board's ACPI tables instead of its device tree.
    firmware: str = ""
    # Another QEMU binary than paths.QEMU (e.g. paths.QEMU10).
    qemu: str = ""

    @property
    def name(self):
        if self.smmu == "none":
            return "none"
        return "-".join([self.smmu, self.mode] + ([self.irq] if self.irq else []) +
                        (["x%d" % self.instances] if self.instances > 1 else []) +
                        (["and-" + self.second_smmu] if self.second_smmu else []) +
                        (["%dM" % self.disk_mb] if self.disk_mb != DEFAULT_DISK_MB else []) +
                        (["iothread"] if self.iothread else []) +
                        (["pages" + self.pages] if self.pages != "4k" else []) +
                        (["linux" + self.kernel] if self.kernel else []) +
                        (["src"] if self.source_built else []) +
                        ([re.sub(r"[^A-Za-z0-9.+-]+", "_",
                                 "".join(self.qemu_extra))]
                         if self.qemu_extra else []) +
                        ([re.sub(r"[^A-Za-z0-9.+-]+", "_",
                                 "-".join(self.kernel_args))]
                         if self.kernel_args else []) +
                        ([re.sub(r"[^A-Za-z0-9.+-]+", "_", self.smmu_opts)]
                         if self.smmu_opts else []) +
                        (["+".join(d.split(",")[0] for d in self.devices)]
                         if self.devices else []) +
                        ([re.sub(r"[^A-Za-z0-9.+-]+", "_",
                                 "disk-" + self.disk_opts)]
                         if self.disk_opts else []) +
                        ([self.firmware] if self.firmware else []) +
                        (["qemu" + qemu_version(self.qemu)]
                         if self.qemu else []))

    def guest_kernel(self):
        if self.source_built:
            return source_kernel(self.pages)
        if self.kernel:
            if (self.kernel, self.pages) not in OTHER_KERNELS:
                raise ConfigError("no %s guest kernel with %s pages; there "
                                  "are: %s" % (self.kernel, self.pages,
                                               ", ".join("%s %s" % k for k in
                                                         OTHER_KERNELS)))
            return OTHER_KERNELS[(self.kernel, self.pages)]
        if self.pages not in GUEST_KERNELS:
            raise ConfigError("no guest kernel with %s pages; choose one of: "
                              "%s" % (self.pages, ", ".join(GUEST_KERNELS)))
        return GUEST_KERNELS[self.pages]

    def watchers(self):
        return smmu_choice(self.smmu).watchers if self.unmap_watcher else ()


@dataclass
class Disk:
    path: str
    sha256: str
    size_mb: int


# What FIRMWARE= selects: "" boots the kernel directly (device tree).
FIRMWARES = ("", "uefi")


def qemu_version(binary):
    """The QEMU version a binary's build directory is named after
    (build/qemu-10.0 and build/qemu-asan-10.0: "10.0"), "" for
    build/qemu and build/qemu-asan."""
    d = os.path.basename(os.path.dirname(binary))
    m = re.fullmatch(r"qemu(?:-asan)?-(\d+\.\d+)", d)
    return m[1] if m else ""


def ensure_disk(size_mb, name="disk"):
    """A raw disk of random data, made once; its sha256 is kept beside it."""
    os.makedirs(paths.GUEST, exist_ok=True)
    path = os.path.join(paths.GUEST, "%s-%dM.raw" % (name, size_mb))
    sumfile = path + ".sha256"
    if os.path.exists(path) and os.path.exists(sumfile) and \
            os.path.getsize(path) == size_mb << 20:
        with open(sumfile) as f:
            return Disk(path, f.read().strip(), size_mb)
    h = hashlib.sha256()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        for _ in range(size_mb):
            chunk = os.urandom(1 << 20)
            h.update(chunk)
            f.write(chunk)
    os.replace(tmp, path)
    with open(sumfile, "w") as f:
        f.write(h.hexdigest() + "\n")
    return Disk(path, h.hexdigest(), size_mb)


def qemu_command(scenario, disk, only=None):
    smmu = smmu_choice(scenario.smmu)
    cmdline_opt, domain = mode_choice(scenario.mode)
    if scenario.instances > len(smmu.bases):
        raise ConfigError("SMMU=%s has no %d-instance set-up" % (
            scenario.smmu, scenario.instances))
    machine = "virt,gic-version=3"
    if smmu.machine_opts:
        machine += "," + smmu.machine_opts
    # Without VIRTIO_F_ACCESS_PLATFORM the guest's virtio drivers bypass the
    # DMA API (and QEMU the IOMMU): only MSI writes would be translated.
    virtio = "disable-legacy=on,iommu_platform=on"
    blk = virtio + (",iothread=io0" if scenario.iothread else "")
    disks = [("disk0", disk, ",bus=pcie.0" + (
        "," + scenario.disk_opts if scenario.disk_opts else ""))]
    if scenario.instances > 1:
        disks.append(("disk1", ensure_disk(scenario.disk_mb, "disk1"),
                      ",bus=rp1"))
    expect = ";".join("%s/%s/%s" % (serial, d.sha256, smmu.bases[i])
                      for i, (serial, d, _) in enumerate(disks))
    irq = scenario.irq or smmu.default_irq
    if scenario.firmware not in FIRMWARES:
        raise ConfigError("firmware=%s: only uefi is known"
                          % scenario.firmware)
    if scenario.firmware == "uefi":
        if scenario.smmu == "smmuv2-ext" or scenario.instances > 1:
            raise ConfigError("firmware=uefi: the board's ACPI IORT can "
                              "describe one SMMUv3 only (arm-smmuv3-ext "
                              "alone, or the built-in)")
        if scenario.irq == "msi":
            raise ConfigError("firmware=uefi: the IORT gives the SMMU wired "
                              "interrupts, not MSIs")
        # Linux gives an IORT-made SMMU no MSI domain: it falls back to wired
        irq = "wired"
    append = " ".join([
        # A kernel oops panics and so powers the guest off at once, where
        # the tests would otherwise go on and often hang at poweroff.
        "console=ttyAMA0", "loglevel=3", "panic=-1", "oops=panic",
        cmdline_opt,
        "smmuext.iommu=" + smmu.guest_driver,
        "smmuext.domain=" + domain,
        "smmuext.smmu_irq=" + irq,
        "smmuext.disks=" + expect,
    ] + list(scenario.kernel_args) +
        (["smmuext.only=" + ",".join(only)] if only else []))
    kernel = scenario.guest_kernel()
    cmd = [scenario.qemu or paths.QEMU, "-M", machine, "-cpu", kernel.cpu,
           "-smp", "2",
           "-m", "1G", "-nographic", "-no-reboot", "-nodefaults",
           "-serial", "stdio", "-monitor", "none",
           "-kernel", kernel.kernel, "-initrd", kernel.initrd,
           "-append", append]
    if scenario.firmware == "uefi":
        cmd += ["-bios", paths.UEFI_FIRMWARE]
    if scenario.iothread:
        cmd += ["-object", "iothread,id=io0"]
    cmd += list(scenario.qemu_extra)
    dev_opts = ""
    if scenario.irq:
        if not smmu.irq_option:
            raise ConfigError("SMMU=%s cannot choose its interrupts" % scenario.smmu)
        dev_opts = ",%s=%s" % (smmu.irq_option,
                               "on" if scenario.irq == "msi" else "off")
    if scenario.smmu_opts:
        if not smmu.devices:
            raise ConfigError("SMMU=%s takes no device options"
                              % scenario.smmu)
        dev_opts += "," + scenario.smmu_opts
    for dev in smmu.devices:
        cmd += ["-device", dev + dev_opts]
    for dev in scenario.watchers() + tuple(scenario.devices):
        cmd += ["-device", dev]
    for serial, d, bus in disks[:1]:
        cmd += ["-drive", "file=%s,format=raw,if=none,id=%s,cache=none" % (d.path, serial),
                "-device", "virtio-blk-pci,drive=%s,serial=%s,%s%s" % (serial, serial, blk, bus)]
    if scenario.instances > 1:
        second = smmu_choice(scenario.second_smmu or scenario.smmu)
        # A second root bus, its own SMMU (before its devices), a root port.
        cmd += ["-device", "pxb-pcie,bus_nr=128,id=pxb1,bus=pcie.0",
                "-device", second.devices[0].split(",")[0] +
                ",primary-bus=pxb1,id=smmu1" + dev_opts,
                "-device", "pcie-root-port,bus=pxb1,chassis=1,id=rp1"]
        for serial, d, bus in disks[1:]:
            cmd += ["-drive", "file=%s,format=raw,if=none,id=%s,cache=none" % (d.path, serial),
                    "-device", "virtio-blk-pci,drive=%s,serial=%s,%s%s" % (serial, serial, blk, bus)]
    if scenario.net:
        cmd += ["-netdev", "hubport,id=net0,hubid=0",
                "-device", "virtio-net-pci,netdev=net0,romfile=,bus=pcie.0," + virtio]
    return cmd


@dataclass
class BootResult:
    scenario: Scenario
    command: list
    log_path: str
    elapsed: float
    returncode: int
    timed_out: bool
    report: ktap.KtapReport = field(default_factory=ktap.KtapReport)
    stats: dict = None         # the SMMU's 'stats' after the guest stopped
    error: str = ""            # what went wrong talking to QEMU, if anything
    stats_running: dict = None  # the same, sampled while the guest ran

    def log_tail(self, lines=60):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])


class Vm:
    """One QEMU process with its serial log and a QMP connection."""

    def __init__(self, cmd, log_path, name):
        self.sock = qmp.socket_path(name)
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.cmd = cmd + ["-qmp", "unix:%s,server=on,wait=off" % self.sock,
                          "-no-shutdown"]
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.log.write(("# " + " ".join(self.cmd) + "\n").encode())
        self.log.flush()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.mon = qmp.Qmp(self.sock, alive=lambda: self.proc.poll() is None)

    def console(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_console(self, text, timeout):
        """Whether @text appears on the console before the guest stops
        (QEMU exits, or shuts down and waits under -no-shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if text in self.console():
                return True
            self.mon.pump(0.2)
            if self.mon.has_event("SHUTDOWN"):
                return text in self.console()
        return False

    def finish(self):
        """Quit QEMU (if it still runs) and return its exit code."""
        try:
            if self.proc.poll() is None:
                self.mon.command("quit")
        except qmp.QmpError:
            pass
        self.mon.close()
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc


def _prepare(scenario, log_name):
    kernel = scenario.guest_kernel()
    for f in (scenario.qemu or paths.QEMU, kernel.kernel, kernel.initrd):
        if not os.path.exists(f):
            raise ConfigError("%s is missing: run 'make qemu guest' first" % f)
    if scenario.firmware == "uefi" and not os.path.exists(paths.UEFI_FIRMWARE):
        raise ConfigError("%s is missing: run scripts/bootstrap (package "
                          "qemu-efi-aarch64)" % paths.UEFI_FIRMWARE)
    os.makedirs(paths.LOGS, exist_ok=True)
    name = log_name or scenario.name
    return name, os.path.join(paths.LOGS, name + ".log")


def _read_stats(vm, scenario):
    smmu = smmu_choice(scenario.smmu)
    if not smmu.stats_path:
        return None
    stats = vm.mon.command("qom-get", path=smmu.stats_path, property="stats")
    if scenario.watchers():
        stats["notifier-unmaps"] = vm.mon.command(
            "qom-get", path="/machine/peripheral/unmapwatch",
            property="unmap-events")
    return stats


def boot(scenario, log_name=None, only=None):
    """Boot once, wait for the guest to power off (or the timeout), read the
    SMMU's statistics over QMP, then quit QEMU and parse the console."""
    name, log_path = _prepare(scenario, log_name)
    smmu = smmu_choice(scenario.smmu)
    cmd = qemu_command(scenario, ensure_disk(scenario.disk_mb), only)
    start = time.monotonic()
    timed_out, stats, error, vm = False, None, "", None
    running = None
    try:
        vm = Vm(cmd, log_path, name)
        # Statistics are readable while the guest runs: sample them once
        # the 4 KiB read is done and the 64 KiB one starts.
        if smmu.stats_path and (not only or "dma-read-64k" in only) and \
                vm.wait_console("# running dma-read-64k", scenario.timeout):
            running = _read_stats(vm, scenario)
        if vm.mon.wait_event("SHUTDOWN", scenario.timeout) is None:
            timed_out = True
        else:
            stats = _read_stats(vm, scenario)
    except qmp.QmpError as e:
        error = str(e)
    rc = vm.finish() if vm else -1
    elapsed = time.monotonic() - start
    with open(log_path, errors="replace") as f:
        report = ktap.parse(f.read())
    return BootResult(scenario, cmd, log_path, elapsed, rc, timed_out, report,
                      stats, error, running)


def _continue_when_loaded(vm, timeout=120):
    """A VM saved while stopped loads stopped: run it once loaded."""
    deadline = time.monotonic() + timeout
    while vm.mon.command("query-status").get("status") == "inmigrate":
        if time.monotonic() > deadline:
            raise qmp.QmpError("incoming migration never finished")
        time.sleep(0.1)
    vm.mon.command("cont")


def boot_with_migration(scenario, test, delay=2.0, log_name=None):
    """Run guest test @test, and @delay seconds into it save the VM, stop
    it and continue it in a new QEMU process restored from the saved
    state.  The KTAP report is that of both consoles together."""
    name, log_path = _prepare(scenario, log_name)
    cmd = qemu_command(scenario, ensure_disk(scenario.disk_mb), [test])
    state = os.path.join(paths.LOGS, name + ".vmstate")
    start = time.monotonic()
    src = Vm(cmd, log_path, name + "-src")
    try:
        if not src.wait_console("# running " + test, scenario.timeout):
            raise qmp.QmpError("guest never started " + test)
        time.sleep(delay)
        # Stopped first: QEMU 7.2 itself corrupts a guest migrated live in
        # the middle of virtio-blk O_DIRECT reads, IOMMU or not (about one
        # run in three, docs/testing.md); the state still carries the
        # in-flight requests and the SMMU mid-job.
        src.mon.command("stop")
        src.mon.command("migrate", uri="exec:cat > " + state)
        deadline = time.monotonic() + 120
        while True:
            status = src.mon.command("query-migrate").get("status")
            if status == "completed":
                break
            if status in ("failed", "cancelled") or time.monotonic() > deadline:
                raise qmp.QmpError("migration %s" % status)
            time.sleep(0.1)
        src_console = src.console()
    finally:
        src.finish()
    dst_log = os.path.join(paths.LOGS, name + "-dst.log")
    dst = Vm(cmd + ["-incoming", "exec:cat " + state], dst_log, name + "-dst")
    timed_out, stats, error = False, None, ""
    try:
        _continue_when_loaded(dst)
        if dst.mon.wait_event("SHUTDOWN", scenario.timeout) is None:
            timed_out = True
        else:
            stats = _read_stats(dst, scenario)
    except qmp.QmpError as e:
        error = str(e)
    rc = dst.finish()
    os.unlink(state)
    combined = src_console + dst.console()
    with open(log_path, "w") as f:
        f.write(combined)
    return BootResult(scenario, cmd, log_path, time.monotonic() - start, rc,
                      timed_out, ktap.parse(combined), stats, error)
