# SPDX-License-Identifier: GPL-2.0-or-later
# Our device set for QEMU 10.0 (--with-devices-aarch64=smmu-ext; scripts/
# bootstrap links this file for QEMU 10 and later, the other one for
# 7.2): hw/qemu-devices-aarch64.mak's, and every other Arm board of
# 10.0's hw/arm/Kconfig switched off.  There those boards are "default
# y", so naming only virt does not leave them out (1992 build steps
# against 7.2's 1463); the devices that are on by default stay as 10.0
# chooses them.  ARM_V7M is not switched off: the Arm CPUs select it.
CONFIG_ARM_VIRT=y
CONFIG_SMMU_EXT=y
CONFIG_CUBIEBOARD=n
CONFIG_DIGIC=n
CONFIG_EXYNOS4=n
CONFIG_HIGHBANK=n
CONFIG_INTEGRATOR=n
CONFIG_MPS3R=n
CONFIG_MUSCA=n
CONFIG_MUSICPAL=n
CONFIG_NETDUINO2=n
CONFIG_NETDUINOPLUS2=n
CONFIG_OLIMEX_STM32_H405=n
CONFIG_REALVIEW=n
CONFIG_SBSA_REF=n
CONFIG_SABRELITE=n
CONFIG_STELLARIS=n
CONFIG_STM32VLDISCOVERY=n
CONFIG_COLLIE=n
CONFIG_SX1=n
CONFIG_VERSATILE=n
CONFIG_VEXPRESS=n
CONFIG_ZYNQ=n
CONFIG_ALLWINNER_H3=n
CONFIG_ALLWINNER_R40=n
CONFIG_RASPI=n
CONFIG_B_L475E_IOT01A=n
CONFIG_XLNX_ZYNQMP_ARM=n
CONFIG_XLNX_VERSAL=n
CONFIG_NPCM7XX=n
CONFIG_NPCM8XX=n
CONFIG_FSL_IMX25=n
CONFIG_FSL_IMX31=n
CONFIG_ASPEED_SOC=n
CONFIG_MPS2=n
CONFIG_FSL_IMX7=n
CONFIG_FSL_IMX8MP_EVK=n
CONFIG_FSL_IMX6UL=n
CONFIG_MICROBIT=n
CONFIG_EMCRAFT_SF2=n
