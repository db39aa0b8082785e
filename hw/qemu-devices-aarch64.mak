# SPDX-License-Identifier: GPL-2.0-or-later
# Lean device set for our QEMU build (--with-devices-aarch64=smmu-ext):
# the virt board and what it selects, plus our devices.
CONFIG_ARM_VIRT=y
CONFIG_SMMU_EXT=y
