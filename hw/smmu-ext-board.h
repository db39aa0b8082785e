/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How every smmu-ext SMMU (arm-smmuv3-ext, arm-smmuv2-ext) joins the virt
 * board without QEMU's files being edited: the machine check, the PCI root
 * bus it translates for, a free register frame, free SPIs, and the
 * iommu-map entries of the device tree once every device exists.
 */
#ifndef HW_SMMU_EXT_BOARD_H
#define HW_SMMU_EXT_BOARD_H

#include "hw/arm/virt.h"
#include "hw/irq.h"
#include "hw/pci/pci.h"

/* addr= when the device picks the first free frame itself */
#define SMMU_EXT_AUTO_ADDR  UINT64_MAX

/*
 * The virt machine, or NULL with @errp set when the machine is another
 * one or already has its own IOMMU (-M virt,iommu=...).
 */
VirtMachineState *smmu_ext_board_virt(Error **errp);

/*
 * The PCI root bus called @name, which must have no IOMMU yet and no
 * device but its host bridge (devices fix their DMA view when they are
 * realized).  @type names the SMMU in messages.
 */
PCIBus *smmu_ext_board_find_bus(const char *type, const char *name,
                                Error **errp);

/*
 * Check or choose the register frame [*addr, *addr + size), aligned to
 * @align: with SMMU_EXT_AUTO_ADDR, the first free one in the hole of the
 * virt memory map that the smmu-ext devices share.
 */
/*
 * ACPI.  The virt board builds its IORT itself (hw/arm/virt-acpi-build.c)
 * and can put one SMMUv3 in it, its own (-M virt,iommu=smmuv3), at its
 * memory-map slot with the four SPIs it reserves for it.  Without
 * editing QEMU, an arm-smmuv3-ext is described by taking that SMMU's
 * place: at machine done the board is told it has an SMMUv3 at our
 * address, and our interrupts drive the board SMMU's SPIs too.  Hence
 * one SMMU, on pcie.0 (every PCI host bridge that does not bypass
 * IOMMUs is mapped to it, as for the built-in), only when it is the
 * machine's only SMMU.
 *
 * smmu_ext_board_iort_claim(): at realize, once the register frame at
 * @base and the interrupt outputs @irqs (their array, which the device
 * raises through) are placed; @iort: off, never; auto, when possible;
 * on, an error naming the obstacle if not.  smmu_ext_board_virt() drops
 * the candidate (or refuses, for iort=on) when another SMMU is realized.
 */
#define SMMU_EXT_BOARD_SMMU_IRQS 4
bool smmu_ext_board_iort_claim(VirtMachineState *vms, const char *id,
                               OnOffAuto iort, PCIBus *bus, uint64_t base,
                               qemu_irq *irqs, Error **errp);

bool smmu_ext_board_place_mmio(uint64_t *addr, uint64_t size, uint64_t align,
                               Error **errp);

/*
 * Check or choose @n consecutive SPIs above the board's own (*spi = 0:
 * the first free ones) and connect @irqs to them.
 */
bool smmu_ext_board_place_irqs(VirtMachineState *vms, uint32_t *spi,
                               unsigned n, qemu_irq *irqs, Error **errp);

/*
 * The SMMU with device-tree node @phandle translates for root bus @bus:
 * once the machine is complete, the host bridge node of @bus gets an
 * iommu-map for the requester ids of the bus's range (up to the next
 * root bus), and PCI expander root buses become host bridges of their
 * own in the tree.  The StreamID of a requester id is @sid_offset less
 * than the requester id: 0 when the SMMU sees requester ids as they are,
 * smmu_ext_board_root_rid(@bus) when it numbers its streams from 0.  The
 * map covers at most @max_sids StreamIDs (those the SMMU can name).
 */
void smmu_ext_board_add_iommu(PCIBus *bus, uint32_t phandle,
                              uint32_t sid_offset, uint32_t max_sids);

/* The first requester id of root bus @bus (its bus number << 8). */
uint32_t smmu_ext_board_root_rid(PCIBus *bus);

#endif /* HW_SMMU_EXT_BOARD_H */
