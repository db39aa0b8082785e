#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the Linux test guest from Debian's arm64 packages.

Inputs (downloaded by scripts/bootstrap guest-debs): the versioned kernel
image package behind linux-image-arm64 (or, with --kernel-root, a kernel
built from source by scripts/build-kernel), and busybox-static.  Outputs in
--out: Image (the kernel), initramfs.cpio.gz, and guest.json describing
them.  Nothing is installed on the host; the packages are only unpacked.

The initramfs holds busybox, our /init, the test scripts from tests/ and
the kernel modules those need (with their dependencies, resolved from each
module's .modinfo), loaded in dependency order by /init.  Guests of
kernels built from source also get our own programs from tools/ in /bin,
compiled static for arm64 (aarch64-linux-gnu-gcc, with the static C
library of libc6-dev-arm64-cross): they drive kernel features that
Debian's kernels do not have (tools/dma-map-bench.c: the DMA mapping
benchmark, CONFIG_DMA_MAP_BENCHMARK).
"""
import argparse
import glob
import gzip
import hashlib
import json
import lzma
import os
import re
import shutil
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Modules the tests need; everything they depend on comes along.  The SMMU
# drivers come first: Debian builds them in, the kernels built from source
# (scripts/build-kernel) as modules, which /init then loads before the
# devices behind them (arm_smmu_v3 for arm-smmuv3-ext, arm_smmu for
# arm-smmuv2-ext; each binds only its own instances).
WANTED_MODULES = ["arm_smmu_v3", "arm_smmu", "virtio_pci", "virtio_blk",
                  "virtio_net", "vfio_pci", "vfio_iommu_type1"]


# Our guest programs (tools/NAME.c, installed as /bin/NAME) and how they
# are built.  Static: the initramfs has no C library.
TOOLS = ["dma-map-bench", "vfio-dma"]
CROSS_CC = "aarch64-linux-gnu-gcc"
# hw/ for smmu-testdev.h, the test device's registers (only <stdint.h>).
CROSS_CFLAGS = ["-static", "-O2", "-s", "-Wall", "-Wextra", "-Werror",
                "-iquote", os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                        "hw")]


def fail(msg):
    sys.exit("guest-images/linux: error: " + msg)


def one_deb(debdir, pattern):
    found = sorted(glob.glob(os.path.join(debdir, pattern)))
    if not found:
        fail("no %s in %s (run scripts/bootstrap guest-debs)" % (pattern, debdir))
    return found[-1]


def unpack(deb, dest):
    """Unpack @deb into @dest once; a stamp names the .deb it came from."""
    stamp = os.path.join(dest, ".unpacked-from")
    name = os.path.basename(deb)
    if os.path.exists(stamp) and open(stamp).read() == name:
        return
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    subprocess.run(["dpkg-deb", "-x", deb, dest], check=True)
    with open(stamp, "w") as f:
        f.write(name)


def module_name(path):
    base = os.path.basename(path)
    base = re.sub(r"\.ko(\.xz|\.zst|\.gz)?$", "", base)
    return base.replace("-", "_")


def read_module(path):
    """A module's ELF bytes: Debian's 6.1 ships .ko, its 6.12 .ko.xz (the
    guest's busybox insmod takes only uncompressed ones)."""
    with open(path, "rb") as f:
        data = f.read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def installed_name(rel):
    """Where a module goes in the initramfs: uncompressed, as .ko."""
    return re.sub(r"\.xz$", "", rel)


def modinfo_depends(path):
    data = read_module(path)
    m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", data)
    if not m or not m.group(1):
        return []
    return [d.decode().replace("-", "_") for d in m.group(1).split(b",") if d]


def resolve_modules(moddir, wanted):
    """Return module paths (relative to moddir) in load order."""
    index = {}
    for root, _dirs, files in os.walk(os.path.join(moddir, "kernel")):
        for fn in files:
            if fn.endswith(".ko") or fn.endswith(".ko.xz"):
                p = os.path.join(root, fn)
                index[module_name(p)] = p
    builtin = set()
    with open(os.path.join(moddir, "modules.builtin")) as f:
        for line in f:
            builtin.add(module_name(line.strip()))
    order, seen = [], set()

    def visit(name, chain):
        if name in seen or name in builtin:
            return
        if name in chain:
            fail("module dependency cycle: " + " -> ".join(chain + [name]))
        if name not in index:
            fail("module %s not found in %s" % (name, moddir))
        for dep in modinfo_depends(index[name]):
            visit(dep, chain + [name])
        seen.add(name)
        order.append(os.path.relpath(index[name], moddir))

    for name in wanted:
        visit(name, [])
    return order


class Cpio:
    """Minimal reproducible 'newc' cpio writer (all mtimes 0, root-owned)."""

    def __init__(self):
        self.chunks = []
        self.ino = 1

    def _entry(self, name, mode, data=b"", nlink=1):
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0,
            len(name) + 1, 0))
        self.ino += 1
        blob = hdr.encode() + name.encode() + b"\0"
        blob += b"\0" * (-len(blob) % 4)
        blob += data + b"\0" * (-len(data) % 4)
        self.chunks.append(blob)

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755, nlink=2)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return b"".join(self.chunks)


def build_tools(outdir):
    """Compile TOOLS into @outdir/tools; return {name: ELF bytes}."""
    if shutil.which(CROSS_CC) is None:
        fail("%s not found: the guest programs of kernels built from source "
             "(guest-images/linux/tools) need it; install the packages "
             "gcc-aarch64-linux-gnu and libc6-dev-arm64-cross "
             "(scripts/bootstrap packages)" % CROSS_CC)
    tooldir = os.path.join(outdir, "tools")
    os.makedirs(tooldir, exist_ok=True)
    built = {}
    for name in TOOLS:
        src = os.path.join(HERE, "tools", name + ".c")
        exe = os.path.join(tooldir, name)
        r = subprocess.run([CROSS_CC] + CROSS_CFLAGS + ["-o", exe, src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode != 0:
            hint = ""
            if re.search(r"\.h: No such file|no include path|cannot find -lc",
                         r.stdout):
                hint = (" (no static C library for arm64: install "
                        "libc6-dev-arm64-cross, scripts/bootstrap packages)")
            fail("compiling %s failed%s:\n%s" % (src, hint, r.stdout))
        with open(exe, "rb") as f:
            built[name] = f.read()
    return built


def build_initramfs(kroot, bbroot, kver, modules, tools=None):
    c = Cpio()
    for d in ["bin", "dev", "proc", "sys", "tmp", "etc", "tests", "lib",
              "lib/modules", "lib/modules/" + kver]:
        c.dir(d)
    made = set()
    for rel in modules:
        parts = os.path.dirname(rel).split("/")
        for i in range(1, len(parts) + 1):
            d = "lib/modules/%s/%s" % (kver, "/".join(parts[:i]))
            if d not in made:
                c.dir(d)
                made.add(d)
        c.file("lib/modules/%s/%s" % (kver, installed_name(rel)),
               read_module(os.path.join(kroot, "lib/modules", kver, rel)))
    with open(os.path.join(bbroot, "bin/busybox"), "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    c.symlink("bin/sh", "busybox")
    for name, data in sorted((tools or {}).items()):
        c.file("bin/" + name, data, 0o755)
    with open(os.path.join(HERE, "testlib.sh"), "rb") as f:
        c.file("etc/testlib.sh", f.read())
    with open(os.path.join(HERE, "init"), "rb") as f:
        c.file("init", f.read(), 0o755)
    c.file("etc/modules.order",
           "".join("/lib/modules/%s/%s\n" % (kver, installed_name(m))
                   for m in modules).encode())
    for t in sorted(glob.glob(os.path.join(HERE, "tests", "*.sh"))):
        with open(t, "rb") as f:
            c.file("tests/" + os.path.basename(t), f.read(), 0o755)
    return gzip.compress(c.finish(), mtime=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debs", required=True, help="directory of the .debs")
    ap.add_argument("--kernel-debs", help="directory of the kernel .deb, "
                    "when not --debs")
    ap.add_argument("--kernel-root", help="a kernel installed into a "
                    "directory (boot/vmlinuz-VERSION, lib/modules/VERSION), "
                    "instead of a kernel .deb")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    bdeb = one_deb(args.debs, "busybox-static_*_arm64.deb")
    bbroot = os.path.join(args.out, "busybox-root")
    unpack(bdeb, bbroot)
    if args.kernel_root:
        kroot = args.kernel_root
        kernel_name = os.path.basename(os.path.realpath(kroot))
    else:
        kdeb = one_deb(args.kernel_debs or args.debs, "linux-image-*_arm64.deb")
        kroot = os.path.join(args.out, "kernel-root")
        unpack(kdeb, kroot)
        kernel_name = os.path.basename(kdeb)

    kvers = os.listdir(os.path.join(kroot, "lib/modules"))
    if len(kvers) != 1:
        fail("expected one kernel version in %s, found %s" % (kroot, kvers))
    kver = kvers[0]
    modules = resolve_modules(os.path.join(kroot, "lib/modules", kver),
                              WANTED_MODULES)
    # Only kernels built from source have what the tools drive.
    tools = build_tools(args.out) if args.kernel_root else {}
    initrd = build_initramfs(kroot, bbroot, kver, modules, tools)
    with open(os.path.join(args.out, "initramfs.cpio.gz"), "wb") as f:
        f.write(initrd)
    shutil.copyfile(os.path.join(kroot, "boot", "vmlinuz-" + kver),
                    os.path.join(args.out, "Image"))
    info = {
        "kernel": kernel_name,
        "busybox": os.path.basename(bdeb),
        "kernel_version": kver,
        "modules": modules,
        "tools": sorted(tools),
        "tests": sorted(os.path.basename(t)[:-3] for t in
                        glob.glob(os.path.join(HERE, "tests", "*.sh"))),
        "initramfs_sha256": hashlib.sha256(initrd).hexdigest(),
    }
    with open(os.path.join(args.out, "guest.json"), "w") as f:
        json.dump(info, f, indent=1)
    print("guest-images/linux: %s, %d modules, initramfs %d KiB -> %s" % (
        kver, len(modules), len(initrd) // 1024, args.out))


if __name__ == "__main__":
    main()
