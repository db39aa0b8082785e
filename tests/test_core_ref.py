# SPDX-License-Identifier: GPL-2.0-or-later
"""core-ref (docs/core-ref.md) seen from the host.  Its scenarios and the
cross-check against Linux's dumps are meson unit tests (make unit); here:
the sources build freestanding for the bare-metal aarch64 guest, needing
nothing from a C library but what GCC's freestanding contract lets the
compiler call (memcpy, memmove, memset, memcmp)."""
import glob
import os
import subprocess

from smmuext import paths

CORE_REF = os.path.join(paths.TOP, "core-ref")
CROSS = "aarch64-linux-gnu-"
ALLOWED = {"memcpy", "memmove", "memset", "memcmp"}


def test_builds_freestanding_for_aarch64(tmp_path):
    include = subprocess.run([CROSS + "gcc", "-print-file-name=include"],
                             check=True, capture_output=True,
                             text=True).stdout.strip()
    objs = []
    for src in sorted(glob.glob(os.path.join(CORE_REF, "cr-*.c"))):
        obj = str(tmp_path / (os.path.basename(src)[:-2] + ".o"))
        subprocess.run([CROSS + "gcc", "-std=gnu11", "-O2", "-ffreestanding",
                        "-fno-builtin", "-nostdinc", "-isystem", include,
                        "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Werror", "-c", src, "-o", obj], check=True)
        objs.append(obj)
    assert len(objs) >= 7, objs
    whole = str(tmp_path / "core-ref.o")
    subprocess.run([CROSS + "ld", "-r", "-o", whole] + objs, check=True)
    undefined = subprocess.run([CROSS + "nm", "-u", whole], check=True,
                               capture_output=True, text=True).stdout.split()
    names = {w for w in undefined if w != "U"}
    assert names <= ALLOWED, names - ALLOWED
