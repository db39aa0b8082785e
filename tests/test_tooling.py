# SPDX-License-Identifier: GPL-2.0-or-later
"""The user-facing commands: clear errors for bad input, the built QEMU
runs, and a second build reuses the caches."""
import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from smmuext import guest, paths


def run(cmd, env=None, timeout=300):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd, cwd=paths.TOP, env=full_env, timeout=timeout,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True)


def test_make_run_rejects_unknown_smmu():
    r = run(["make", "--no-print-directory", "run", "SMMU=bogus"])
    assert r.returncode != 0
    assert "unknown SMMU='bogus'" in r.stderr
    assert "builtin" in r.stderr and "none" in r.stderr   # lists the choices
    assert "build-qemu" not in r.stdout                   # fails before building


def test_make_rejects_unknown_qemu():
    r = run(["make", "--no-print-directory", "-n", "qemu", "QEMU=9.1"])
    assert r.returncode != 0
    assert "QEMU=9.1: supported are 7.2 (Debian 12) and 10.0 (Debian 13)" \
        in r.stderr


def test_make_run_rejects_unknown_mode():
    r = run(["make", "--no-print-directory", "run", "MODE=sloppy"])
    assert r.returncode != 0
    assert "unknown MODE='sloppy'" in r.stderr


# (id, bootstrap step, environment, expected text on stderr); "{tmp}" is
# the test's temporary directory.
BOOTSTRAP_ERRORS = [
    ("qemu-src-missing", "qemu-src", {"QEMU_SRC": "{tmp}/nowhere"},
     "does not exist"),
    ("qemu-src-not-qemu", "qemu-src", {"QEMU_SRC": "{tmp}/src"},
     "is not a QEMU source tree"),
    ("source-package-download", "qemu-src",
     {"SMMU_EXT_QEMU_SRCPKG": "smmu-ext-no-such-package"},
     "could not fetch the smmu-ext-no-such-package source package"),
    ("qemu-version-unknown", "qemu-src", {"SMMU_EXT_QEMU_VERSION": "9.1"},
     "SMMU_EXT_QEMU_VERSION=9.1: supported are 7.2 (Debian 12) and 10.0 "
     "(Debian 13)"),
    ("guest-package-download", "guest-debs",
     {"SMMU_EXT_KERNEL_PKG": "smmu-ext-no-such-kernel"},
     "cannot resolve smmu-ext-no-such-kernel:arm64"),
    ("kernel-src-missing", "kernel-src", {"KERNEL_SRC": "{tmp}/nowhere"},
     "KERNEL_SRC={tmp}/nowhere does not exist"),
    ("kernel-src-not-linux", "kernel-src", {"KERNEL_SRC": "{tmp}/src"},
     "KERNEL_SRC={tmp}/src is not a Linux source tree"),
    ("kernel-source-download", "kernel-src",
     {"SMMU_EXT_KERNEL_SRCPKG": "smmu-ext-no-such-source"},
     "could not download smmu-ext-no-such-source"),
]


# What the download cases leave in their isolated apt root (globs): the
# deb-src entries, the arm64 architecture and the lists went there.
APT_ROOT_WRITES = {
    "source-package-download": ["etc/sources.list.d/smmu-ext-src.sources",
                                "state/lists/*_InRelease"],
    "guest-package-download": ["dpkg/arch",
                               "state/lists/*binary-arm64_Packages*"],
    "kernel-source-download": ["state/lists/*_InRelease"],
}

# The host's apt and dpkg state that a test must leave as it is.
HOST_APT_STATE = ["/etc/apt", "/var/lib/apt", "/var/cache/apt",
                  "/var/lib/dpkg/arch"]

# APT_CONFIG of an apt root under {root}: apt reads it first, then the
# configuration parts, here a copy of the host's (proxies,
# Check-Valid-Until, ...) and, last, APT_ROOT_PART.
APT_ROOT_CONF = """\
Dir::Etc::parts "{root}/etc/apt.conf.d";
Dir::Etc::main "{root}/etc/apt.conf";
"""
APT_ROOT_PART = """\
Dir::Etc::sourcelist "{root}/etc/sources.list";
Dir::Etc::sourceparts "{root}/etc/sources.list.d";
Dir::State "{root}/state";
Dir::State::status "{root}/dpkg/status";
Dir::Cache "{root}/cache";
Dir::Log "{root}/log";
// The tests' temporary directories are private to their user: apt's
// download sandbox user could not write the lists.
APT::Sandbox::User "root";
// The host's hooks act on the host (AppStream's cache, PackageKit).
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
#clear DPkg::Pre-Invoke;
#clear DPkg::Post-Invoke;
#clear DPkg::Pre-Install-Pkgs;
"""


def host_apt_path(name):
    """Where the host's apt configuration puts @name (with apt-config's
    /f or /d suffix), whatever APT_CONFIG this process has."""
    env = {k: v for k, v in os.environ.items() if k != "APT_CONFIG"}
    out = subprocess.run(["apt-config", "shell", "v", name], env=env,
                         capture_output=True, text=True, check=True).stdout
    return shlex.split(out.split("=", 1)[1])[0]


def apt_root(top):
    """An apt root under @top: the host's sources (without the deb-src file
    the bootstrap adds, so that it adds it here) and configuration, empty
    lists and caches, an empty dpkg database.  The environment that points
    apt and dpkg at it."""
    root = top / "apt"
    etc = root / "etc"
    parts = etc / "sources.list.d"
    parts.mkdir(parents=True)
    host_parts = host_apt_path("Dir::Etc::sourceparts/d")
    for name in os.listdir(host_parts):
        if name.endswith((".list", ".sources")) and \
                name != "smmu-ext-src.sources":
            shutil.copy(os.path.join(host_parts, name), parts)
    host_list = host_apt_path("Dir::Etc::sourcelist/f")
    if os.path.exists(host_list):
        shutil.copy(host_list, etc / "sources.list")
    shutil.copytree(host_apt_path("Dir::Etc::parts/d"), etc / "apt.conf.d")
    (etc / "apt.conf.d" / "zz-smmu-ext-root").write_text(
        APT_ROOT_PART.format(root=root))
    for sub in ("state/lists/partial", "cache/archives/partial", "log",
                "dpkg"):
        (root / sub).mkdir(parents=True)
    (root / "dpkg" / "status").write_text("")
    (root / "apt.conf").write_text(APT_ROOT_CONF.format(root=root))
    return {"APT_CONFIG": str(root / "apt.conf"),
            "DPKG_ADMINDIR": str(root / "dpkg")}


def host_apt_state():
    """{path: (mtime, size)} of HOST_APT_STATE, directories included."""
    state = {}
    for top in HOST_APT_STATE:
        for path in [top] + [os.path.join(d, n) for d, dirs, files
                             in os.walk(top) for n in dirs + files]:
            st = os.lstat(path)
            state[path] = (st.st_mtime_ns, st.st_size)
    return state


@pytest.mark.parametrize("case", BOOTSTRAP_ERRORS,
                         ids=[c[0] for c in BOOTSTRAP_ERRORS])
def test_bootstrap_errors(tmp_path, case):
    """Each step fails with its message; the download cases run apt-get
    update and dpkg --add-architecture against an apt root in tmp_path,
    never the host's."""
    name, step, env, expected = case
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "VERSION").write_text("1.0\n")   # and nothing else
    env = {k: v.format(tmp=tmp_path) for k, v in env.items()}
    expected = expected.format(tmp=tmp_path)
    env["SMMU_EXT_CACHE"] = str(tmp_path / "cache")
    env.update(apt_root(tmp_path))
    origin = os.path.join(paths.BUILD, "qemu-src", ".smmu-ext-origin")
    before = os.stat(origin).st_mtime_ns if os.path.exists(origin) else None
    host_before = host_apt_state()
    r = run(["scripts/bootstrap", step], env=env)
    assert r.returncode != 0
    assert expected in r.stderr, r.stderr
    # A failed step leaves this clone's QEMU working copy alone.
    after = os.stat(origin).st_mtime_ns if os.path.exists(origin) else None
    assert after == before, "build/qemu-src was replaced"
    assert "preparing the working copy" not in r.stderr, r.stderr
    host_after = host_apt_state()
    changed = sorted(p for p in set(host_before) | set(host_after)
                     if host_before.get(p) != host_after.get(p))
    assert not changed, "the host's apt state changed: %s" % changed
    for pattern in APT_ROOT_WRITES.get(name, []):
        assert list((tmp_path / "apt").glob(pattern)), (pattern, r.stderr)


def test_qemu_device_help_runs(built):
    r = run([paths.QEMU, "-device", "help"])
    assert r.returncode == 0, r.stderr
    assert '"virtio-blk-pci"' in r.stdout


def test_second_build_reuses_caches(built):
    """Nothing is downloaded or compiled again once everything is built."""
    r = run(["scripts/build-qemu"])
    assert r.returncode == 0, r.stderr
    assert "fetching" not in r.stderr
    assert "configuring" not in r.stdout
    with open(os.path.join(paths.BUILD, "qemu", "build.log")) as f:
        log = f.read()
    # qemu-version.h is regenerated on every build by design; nothing else.
    assert "Compiling" not in log and "Linking" not in log, log[-2000:]
    assert "Regenerating build files" not in log, log[-2000:]
    r = run(["scripts/build-guest"])
    assert r.returncode == 0, r.stderr
    assert "downloading" not in r.stderr
    r = run(["scripts/build-kernel", "64k"])
    assert r.returncode == 0, r.stderr
    assert "downloading" not in r.stderr and "unpacking" not in r.stderr
    assert "configuring" not in r.stderr, r.stderr
    assert "with 64k pages is up to date" in r.stderr, r.stderr
    log = re.search(r"log: (\S+)\)", r.stderr).group(1)
    with open(log) as f:
        compiled = [l for l in f if re.match(r"\s+(CC|LD|AS)\s", l)]
    assert compiled == [], compiled[:20]


def test_kernel_options(built):
    """The kernel built from source has what its guests rely on: 64 KiB
    pages, both SMMU drivers as modules, forced unloading, the DMA mapping
    benchmark, VFIO for PCI; its guest loads the SMMU drivers (v3, then
    v2) before the devices behind them and has our guest programs, which
    Debian's guests do not."""
    with open(os.path.join(paths.BUILD, "kernel-64k", "config")) as f:
        config = set(f.read().splitlines())
    for opt in ("CONFIG_ARM64_64K_PAGES=y", "CONFIG_ARM_SMMU=m",
                "CONFIG_ARM_SMMU_V3=m", "CONFIG_MODULE_UNLOAD=y",
                "CONFIG_MODULE_FORCE_UNLOAD=y", "CONFIG_IKCONFIG_PROC=y",
                "CONFIG_DMA_MAP_BENCHMARK=y", "CONFIG_VFIO_PCI=m",
                "CONFIG_VFIO_IOMMU_TYPE1=m"):
        assert opt in config, opt
    with open(os.path.join(paths.GUEST_64K, "guest.json")) as f:
        info = json.load(f)
    assert info["modules"][0].endswith("/arm_smmu_v3.ko"), info["modules"]
    assert info["modules"][1].endswith("/arm_smmu.ko"), info["modules"]
    assert any(m.endswith("/vfio-pci.ko") or m.endswith("/vfio_pci.ko")
               for m in info["modules"]), info["modules"]
    assert info["kernel_version"].endswith("-smmu-ext"), info
    assert info["tools"] == ["dma-map-bench", "vfio-dma"], info
    with open(os.path.join(paths.GUEST, "guest.json")) as f:
        assert json.load(f)["tools"] == []


def test_make_run_with_a_kernel_src_that_is_not_linux(built, tmp_path):
    """KERNEL_SRC=... make run names the step and the tree it refuses."""
    r = run(["make", "run"], env={"KERNEL_SRC": str(tmp_path)})
    assert r.returncode != 0
    assert "KERNEL_SRC=%s is not a Linux source tree" % tmp_path in \
        r.stdout + r.stderr, r.stdout[-2000:] + r.stderr[-2000:]


def test_build_kernel_unknown_page_size():
    r = run(["scripts/build-kernel", "32k"])
    assert r.returncode != 0
    assert "no kernel with 32k pages" in r.stderr, r.stderr
    assert "known: 16k 4k 64k" in r.stderr, r.stderr
    assert "bootstrap" not in r.stderr, r.stderr   # refused before any work


def test_build_kernel_bad_version_item():
    """An item is PAGES or PAGES-VERSION (64k-6.12); anything else is
    refused, naming the item, before any work."""
    r = run(["scripts/build-kernel", "64k-latest"])
    assert r.returncode != 0
    assert "64k-latest: expected PAGES or PAGES-VERSION, e.g. 64k or " \
        "64k-6.12" in r.stderr, r.stderr
    assert "bootstrap" not in r.stderr, r.stderr


def test_source_kernel_with_a_version():
    """PAGES-VERSION names the guest scripts/build-kernel and build-guest
    make for that item, on the CPU of its page size; an unknown page size
    is refused, naming it."""
    from smmuext import guest
    k = guest.source_kernel("64k-6.12")
    assert k.kernel == os.path.join(paths.BUILD, "guest-src-64k-6.12",
                                    "Image")
    assert k.cpu == "cortex-a72"
    assert guest.source_kernel("16k").cpu == "max,pauth-impdef=on"
    with pytest.raises(guest.ConfigError, match="no kernel with 32k pages"):
        guest.source_kernel("32k-6.12")


def test_qemu_runs_without_nic_none(built):
    """The documented binary works on its own: the virt board's default
    NIC (virtio-net-pci) finds its option ROM, efi-virtio.rom, from
    Debian's ipxe-qemu through build-qemu's --firmwarepath, so a plain
    command line needs no -nic none.  (An SMMU on pcie.0 still wants
    -nic none or -nodefaults: the board creates that NIC before any
    -device, docs/arm-smmuv3-ext.md.)  The bare-metal core-ref guest is
    the quickest image to boot; without an SMMU it stops at once."""
    cmd = [paths.QEMU, "-M", "virt", "-cpu", "cortex-a57", "-m", "256M",
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-no-reboot", "-kernel", paths.CORE_REF_GUEST]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "romfile" not in r.stderr, r.stderr
    assert "KTAP version 1" in r.stdout, r.stdout


def test_source_kernels_are_the_makefile_default():
    """tests/smmuext/guest.py SOURCE_KERNELS (what pytest expects without
    KERNEL_PAGES) is the Makefile's KERNEL_PAGES default."""
    with open(os.path.join(paths.TOP, "Makefile")) as f:
        line = next(ln for ln in f if ln.startswith("KERNEL_PAGES ?="))
    assert tuple(line.split("?=", 1)[1].split()) == ("64k", "64k-6.12")
    assert guest.SOURCE_KERNELS == ("64k", "64k-6.12")


# ---- scripts/progress: the build's [N/M] line on a terminal ---------------

PROGRESS = os.path.join(paths.TOP, "scripts", "progress")
NINJA_OUT = b"[1/3] Compiling C object a.o\n[2/3] Compiling C object b.o\n" \
            b"warning: something\n[3/3] Linking target qemu\n"
KBUILD_OUT = b"  SYNC    include/config/auto.conf\n  CC      kernel/fork.o\n" \
             b"  AS      arch/arm64/kernel/entry.o\n  AR      kernel/built-in.a\n" \
             b"  CC [M]  drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.o\n" \
             b"  LD [M]  drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.ko\n"


def progress_on_a_terminal(args, data):
    """scripts/progress with standard error on a pseudo-terminal: what
    the terminal received."""
    import pty
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([PROGRESS] + args, stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=slave,
                             env=dict(os.environ, TERM="xterm"))
        os.close(slave)
        p.communicate(data, timeout=30)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:          # EIO: the writer is gone
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert p.returncode == 0
    return seen.decode()


def test_progress_shows_ninja_count_on_a_terminal_and_logs_all(tmp_path):
    log = tmp_path / "build.log"
    seen = progress_on_a_terminal(["build-qemu", str(log)], NINJA_OUT)
    # the last step always shows; lines are rewritten in place, then erased
    assert "build-qemu: [3/3] Linking target qemu" in seen
    assert "\r\x1b[K" in seen and seen.endswith("\r\x1b[K")
    assert "warning" not in seen
    assert log.read_bytes() == NINJA_OUT


def test_progress_counts_kbuild_objects_against_the_recorded_total(tmp_path):
    log, total = tmp_path / "build.log", tmp_path / "objects"
    total.write_text("10\n")
    seen = progress_on_a_terminal(
        ["build-kernel", str(log), "--kbuild", "--total-file", str(total),
         "--total", "99"], KBUILD_OUT)
    # three objects (CC, AS, CC [M]); SYNC, AR and LD are not objects.  The
    # first line always shows, the others are at most ten a second.
    assert "build-kernel: [1/~10] CC kernel/fork.o" in seen
    assert "99" not in seen                  # the recorded total wins
    assert log.read_bytes() == KBUILD_OUT
    assert total.read_text() == "10\n"       # 3 is no complete build


def test_progress_is_silent_off_a_terminal_and_records_a_larger_count(
        tmp_path):
    log, total = tmp_path / "build.log", tmp_path / "objects"
    r = subprocess.run([PROGRESS, "build-kernel", str(log), "--kbuild",
                        "--total-file", str(total)], input=KBUILD_OUT,
                       capture_output=True, timeout=30)
    assert r.returncode == 0
    assert r.stdout == b"" and r.stderr == b""
    assert log.read_bytes() == KBUILD_OUT
    assert total.read_text() == "3\n"        # no count before: this one



def patched_files(patch):
    with open(patch) as f:
        return [line[len("+++ b/"):].split("\t")[0].rstrip("\n")
                for line in f if line.startswith("+++ b/")]


def patch_dry_run(tree, patch, reverse):
    with open(patch) as f:
        return subprocess.run(["patch", "-d", tree, "-p1", "-f", "-s",
                               "--fuzz=0", "--dry-run"] +
                              (["-R"] if reverse else []),
                              stdin=f, capture_output=True, text=True)


@pytest.mark.parametrize("suffix", ["", "-10.0"], ids=["7.2", "10.0"])
def test_qemu_fixes_in_the_working_copy_only(suffix):
    """Every fix of hw/qemu-fixes for the tree's QEMU that fits Debian's
    tree is in this clone's working copy, in files of its own; the
    pristine tree in the cache, which the working copy hard-links and
    every clone shares, has none."""
    path_file = os.path.join(paths.BUILD, "qemu-src%s.path" % suffix)
    if not os.path.exists(path_file):
        pytest.skip("no QEMU%s source tree prepared" % (suffix or " 7.2"))
    with open(path_file) as f:
        work = f.read().strip()
    origin = os.path.join(work, ".smmu-ext-origin")
    if not os.path.exists(origin):
        pytest.skip("QEMU_SRC tree: no pristine copy")
    with open(origin) as f:
        pristine = f.read().strip()
    with open(os.path.join(work, "VERSION")) as f:
        major = f.read().split(".")[0]
    fixes = os.path.join(paths.TOP, "hw", "qemu-fixes", major)
    patches = sorted(os.path.join(fixes, p) for p in os.listdir(fixes)
                     if p.endswith(".patch"))
    assert patches, "no fix for QEMU %s" % major
    with open(os.path.join(work, ".smmu-ext-fixes")) as f:
        recorded = f.read().split()[1:]
    for patch in patches:
        if patch_dry_run(pristine, patch, reverse=False).returncode:
            # bootstrap warned; the QTest the patch names is the judge
            assert patch_dry_run(pristine, patch, reverse=True).returncode, \
                "%s: the pristine tree %s was patched" % (patch, pristine)
            continue
        assert patch_dry_run(work, patch, reverse=True).returncode == 0, \
            "%s is not applied to %s" % (patch, work)
        for name in patched_files(patch):
            assert name in recorded, name
            assert os.stat(os.path.join(work, name)).st_ino != \
                os.stat(os.path.join(pristine, name)).st_ino, name
