# SPDX-License-Identifier: GPL-2.0-or-later
"""Where things are.  Everything generated lives under build/."""
import os

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(TOP, "build")
CACHE = os.environ.get("SMMU_EXT_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
    "smmu-ext")
QEMU = os.environ.get("SMMU_EXT_QEMU",
                      os.path.join(BUILD, "qemu", "qemu-system-aarch64"))
# QEMU 10.0 beside 7.2 (make qemu QEMU=10.0); make check builds 7.2 only.
QEMU10 = os.path.join(BUILD, "qemu-10.0", "qemu-system-aarch64")
# UEFI firmware for ACPI guests (Debian's qemu-efi-aarch64, scripts/bootstrap)
UEFI_FIRMWARE = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
GUEST = os.path.join(BUILD, "guest")
KERNEL = os.path.join(GUEST, "Image")
INITRD = os.path.join(GUEST, "initramfs.cpio.gz")
# The same guest with Debian's arm64-16k kernel (16 KiB pages).
GUEST_16K = os.path.join(BUILD, "guest-16k")
# The same guest with Debian 12's 6.12 kernel (4 KiB pages).
GUEST_612 = os.path.join(BUILD, "guest-612")
# The kernel built from source with 64 KiB pages (scripts/build-kernel).
GUEST_64K = os.path.join(BUILD, "guest-src-64k")
# The bare-metal core-ref guest (guest-images/core-ref)
CORE_REF_GUEST = os.path.join(BUILD, "core-ref", "core-ref.elf")
GUEST_TESTS_DIR = os.path.join(TOP, "guest-images", "linux", "tests")
# Serial logs of guest boots; make check-asan keeps its own (build/logs/asan).
LOGS = os.environ.get("SMMU_EXT_LOGS") or os.path.join(BUILD, "logs")


def guest_test_names():
    """Names of the guest tests, as /init reports them in KTAP."""
    names = []
    for fn in sorted(os.listdir(GUEST_TESTS_DIR)):
        if fn.endswith(".sh"):
            stem = fn[:-3]
            names.append(stem[3:] if stem[:2].isdigit() and stem[2] == "-" else stem)
    return names
