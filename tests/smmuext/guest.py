# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot the Linux test guest under our QEMU and collect its KTAP report."""
import hashlib
import os
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


# What SMMU= selects.  Later issues add our own devices here.
SMMU_CHOICES = {
    "none": SmmuChoice("no IOMMU", "", (), "none"),
    "builtin": SmmuChoice("QEMU's built-in SMMUv3 (-M virt,iommu=smmuv3)",
                          "iommu=smmuv3", (), "arm-smmu-v3"),
    "smmuv3-ext": SmmuChoice("our SMMUv3 (-device arm-smmuv3-ext)", "",
                             ("arm-smmuv3-ext,primary-bus=pcie.0,id=smmu0",),
                             "arm-smmu-v3", "/machine/peripheral/smmu0"),
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
class Scenario:
    smmu: str = "builtin"
    mode: str = "strict"
    disk_mb: int = DEFAULT_DISK_MB
    net: bool = True
    timeout: int = 900

    @property
    def name(self):
        return "%s-%s" % (self.smmu, self.mode) if self.smmu != "none" else "none"


@dataclass
class Disk:
    path: str
    sha256: str
    size_mb: int


def ensure_disk(size_mb):
    """A raw disk of random data, made once; its sha256 is kept beside it."""
    os.makedirs(paths.GUEST, exist_ok=True)
    path = os.path.join(paths.GUEST, "disk-%dM.raw" % size_mb)
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


def qemu_command(scenario, disk):
    smmu = smmu_choice(scenario.smmu)
    cmdline_opt, domain = mode_choice(scenario.mode)
    machine = "virt,gic-version=3"
    if smmu.machine_opts:
        machine += "," + smmu.machine_opts
    append = " ".join([
        "console=ttyAMA0", "loglevel=3", "panic=-1", cmdline_opt,
        "smmuext.iommu=" + smmu.guest_driver,
        "smmuext.domain=" + domain,
        "smmuext.disk_sha256=" + disk.sha256,
    ])
    cmd = [paths.QEMU, "-M", machine, "-cpu", "cortex-a72", "-smp", "2",
           "-m", "1G", "-nographic", "-no-reboot", "-nodefaults",
           "-serial", "stdio", "-monitor", "none",
           "-kernel", paths.KERNEL, "-initrd", paths.INITRD,
           "-append", append]
    for dev in smmu.devices:
        cmd += ["-device", dev]
    # Without VIRTIO_F_ACCESS_PLATFORM the guest's virtio drivers bypass the
    # DMA API (and QEMU the IOMMU): only MSI writes would be translated.
    virtio = "disable-legacy=on,iommu_platform=on"
    cmd += ["-drive", "file=%s,format=raw,if=none,id=disk0,cache=none" % disk.path,
            "-device", "virtio-blk-pci,drive=disk0," + virtio]
    if scenario.net:
        cmd += ["-netdev", "hubport,id=net0,hubid=0",
                "-device", "virtio-net-pci,netdev=net0,romfile=," + virtio]
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

    def log_tail(self, lines=60):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])


def boot(scenario, log_name=None):
    """Boot once, wait for the guest to power off (or the timeout), read the
    SMMU's statistics over QMP, then quit QEMU and parse the console."""
    for f in (paths.QEMU, paths.KERNEL, paths.INITRD):
        if not os.path.exists(f):
            raise ConfigError("%s is missing: run 'make qemu guest' first" % f)
    smmu = smmu_choice(scenario.smmu)
    disk = ensure_disk(scenario.disk_mb)
    name = log_name or scenario.name
    sock = qmp.socket_path(name)
    if os.path.exists(sock):
        os.unlink(sock)
    cmd = qemu_command(scenario, disk) + [
        "-qmp", "unix:%s,server=on,wait=off" % sock, "-no-shutdown"]
    os.makedirs(paths.LOGS, exist_ok=True)
    log_path = os.path.join(paths.LOGS, name + ".log")
    start = time.monotonic()
    timed_out, stats, error = False, None, ""
    with open(log_path, "wb") as log:
        log.write(("# " + " ".join(cmd) + "\n").encode())
        log.flush()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
        mon = None
        try:
            mon = qmp.Qmp(sock, alive=lambda: proc.poll() is None)
            if mon.wait_event("SHUTDOWN", scenario.timeout) is None:
                timed_out = True
            elif smmu.stats_path:
                stats = mon.command("qom-get", path=smmu.stats_path,
                                    property="stats")
            mon.command("quit")
        except qmp.QmpError as e:
            error = str(e)
        finally:
            if mon:
                mon.close()
            try:
                rc = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
    elapsed = time.monotonic() - start
    with open(log_path, errors="replace") as f:
        report = ktap.parse(f.read())
    return BootResult(scenario, cmd, log_path, elapsed, rc, timed_out, report,
                      stats, error)
