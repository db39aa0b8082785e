#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the core-ref guest image (docs/core-ref.md, "In a guest"):

    guest-images/core-ref/build.py --libfdt-debs DIR --out DIR

cross-compiles, with Debian's gcc-aarch64-linux-gnu, core-ref's sources,
this directory's bare-metal start-up (start.S, guest.c, libc.c) and
core-ref's modules (core-ref/modules/*.c, each one relocatable object,
packed into a cpio archive the image carries), and links them with the
libfdt.a of Debian's libfdt-dev:arm64 (in DIR, as scripts/bootstrap
downloads it) into OUT/core-ref.elf, which QEMU's virt board starts with
-kernel.  Nothing is rebuilt when no input changed."""
import argparse
import glob
import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CORE_REF = os.path.join(TOP, "core-ref")
CROSS = "aarch64-linux-gnu-"
CFLAGS = ["-std=gnu11", "-O2", "-g", "-ffreestanding", "-fno-builtin",
          "-fno-common", "-fno-stack-protector", "-fno-pic",
          "-fno-asynchronous-unwind-tables", "-mstrict-align",
          "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror",
          "-I" + CORE_REF]
# The modules the image carries: archive name -> (source, extra flags)
MODULES = {
    "smmu3.o": ("smmu3.c", []),
    "smmu2.o": ("smmu3.c", ["-DCR_SMMU_V2"]),
    "epmod.o": ("epmod.c", []),
    "missing.o": ("missing.c", []),
    "smmuv3-hw.o": ("smmuv3-hw.c", []),
    "smmuv2-hw.o": ("smmuv2-hw.c", []),
    "testdev.o": ("testdev.c", ["-I" + os.path.join(TOP, "hw")]),
}


def die(msg):
    sys.exit("core-ref guest: error: " + msg)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        die("%s failed:\n%s%s" % (" ".join(cmd[:2]), r.stdout, r.stderr))
    return r.stdout


def libfdt(debs, work):
    """libfdt.a and its headers, from Debian's libfdt-dev:arm64 .deb."""
    found = sorted(glob.glob(os.path.join(debs, "libfdt-dev_*_arm64.deb")))
    if not found:
        die("no libfdt-dev arm64 package in %s (scripts/bootstrap "
            "guest-debs fetches it)" % debs)
    root = os.path.join(work, "libfdt")
    run(["dpkg-deb", "-x", found[-1], root])
    return (os.path.join(root, "usr", "lib", "aarch64-linux-gnu", "libfdt.a"),
            os.path.join(root, "usr", "include"))


def cpio_newc(members):
    """A cpio archive (newc, as the Linux initramfs) of (name, bytes)."""
    out = bytearray()
    for ino, (name, data) in enumerate(members + [("TRAILER!!!", b"")], 1):
        bname = name.encode() + b"\0"
        fields = [ino, 0o100644 if data else 0, 0, 0, 1, 0, len(data),
                  0, 0, 0, 0, len(bname), 0]
        out += b"070701" + b"".join(b"%08x" % f for f in fields) + bname
        out += b"\0" * (-len(out) % 4)
        out += data + b"\0" * (-len(data) % 4)
    return bytes(out)


def inputs_digest(extra):
    """What the image is made of: sources, flags, the libfdt package."""
    h = hashlib.sha256(" ".join(CFLAGS + extra).encode())
    files = sorted(glob.glob(os.path.join(CORE_REF, "*.[ch]")) +
                   glob.glob(os.path.join(CORE_REF, "modules", "*.[ch]")) +
                   glob.glob(os.path.join(CORE_REF, "tests", "*.c")) +
                   glob.glob(os.path.join(HERE, "*.*")) +
                   glob.glob(os.path.join(HERE, "shim", "*")) +
                   [os.path.join(TOP, "hw", "smmu-testdev.h")])
    for f in files:
        with open(f, "rb") as fh:
            h.update(f.encode() + fh.read())
    return h.hexdigest()


def build(debs, out):
    os.makedirs(out, exist_ok=True)
    elf = os.path.join(out, "core-ref.elf")
    stamp = os.path.join(out, "inputs.sha256")
    debs_found = sorted(glob.glob(os.path.join(debs,
                                               "libfdt-dev_*_arm64.deb")))
    digest = inputs_digest([os.path.basename(d) for d in debs_found])
    if os.path.exists(elf) and os.path.exists(stamp) and \
            open(stamp).read() == digest:
        print("core-ref guest: up to date: %s" % elf)
        return elf
    work = os.path.join(out, "obj")
    os.makedirs(work, exist_ok=True)
    fdt_lib, fdt_inc = libfdt(debs, work)
    objs = []
    for src in sorted(glob.glob(os.path.join(CORE_REF, "cr-*.c"))):
        obj = os.path.join(work, os.path.basename(src)[:-2] + ".o")
        run([CROSS + "gcc"] + CFLAGS + ["-c", src, "-o", obj])
        objs.append(obj)
    scenario_flags = ["-I" + os.path.join(HERE, "shim"),
                      "-Dmain=cr_test_core_ref_main"]
    for src, extra in (("guest.c", ["-I" + fdt_inc]),
                       ("libc.c", ["-fno-tree-loop-distribute-patterns"]),
                       ("start.S", []),
                       ("scenarios.c", []),
                       (os.path.join(CORE_REF, "tests", "test-core-ref.c"),
                        scenario_flags)):
        obj = os.path.join(work, os.path.basename(src).rsplit(".", 1)[0] +
                           ".o")
        run([CROSS + "gcc"] + CFLAGS + extra +
            ["-c", os.path.join(HERE, src), "-o", obj])
        objs.append(obj)
    members = []
    for name, (src, extra) in MODULES.items():
        obj = os.path.join(work, "module-" + name)
        run([CROSS + "gcc"] + CFLAGS + extra +
            ["-c", os.path.join(CORE_REF, "modules", src), "-o", obj])
        with open(obj, "rb") as f:
            members.append((name, f.read()))
    archive = os.path.join(work, "modules.cpio")
    with open(archive, "wb") as f:
        f.write(cpio_newc(members))
    archive_s = os.path.join(work, "archive.S")
    with open(archive_s, "w") as f:
        f.write('    .section .rodata\n    .balign 16\n'
                '    .global cr_guest_archive, cr_guest_archive_end\n'
                'cr_guest_archive:\n    .incbin "%s"\n'
                'cr_guest_archive_end:\n' % archive)
    objs.append(os.path.join(work, "archive.o"))
    run([CROSS + "gcc", "-c", archive_s, "-o", objs[-1]])
    run([CROSS + "gcc", "-nostdlib", "-static", "-Wl,--build-id=none",
         "-T", os.path.join(HERE, "link.ld"), "-o", elf] + objs +
        [fdt_lib, "-lgcc"])
    with open(stamp, "w") as f:
        f.write(digest)
    print("core-ref guest: %d modules -> %s" % (len(members), elf))
    return elf


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--libfdt-debs", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    build(args.libfdt_debs, args.out)


if __name__ == "__main__":
    main()
