# SPDX-License-Identifier: GPL-2.0-or-later
"""Host-side harness: build paths, QEMU command lines, guest boots, KTAP."""
