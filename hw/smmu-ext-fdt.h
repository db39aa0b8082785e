/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-tree nodes for our SMMUs on the virt board, written with libfdt
 * into the machine's tree before the board loads it into guest memory.
 */
#ifndef HW_SMMU_EXT_FDT_H
#define HW_SMMU_EXT_FDT_H

#include "exec/hwaddr.h"

typedef struct SmmuExtFdtNode {
    hwaddr base, size;
    /*
     * SMMUv3: four SPIs (eventq, priq, cmdq-sync, gerror); SMMUv2: the
     * global fault SPI, then one per context bank.
     */
    unsigned spi_base;
    uint32_t msi_parent;        /* SMMUv3: ITS phandle, 0: wired only */
    uint32_t msi_devid;         /* SMMUv3: DeviceID of its own MSIs */
} SmmuExtFdtNode;

/*
 * One iommu-map entry: requester ids [rid_base, rid_base + count) are
 * StreamIDs [sid_base, sid_base + count) of the SMMU @phandle.
 */
typedef struct SmmuExtRidRange {
    uint32_t rid_base;
    uint32_t sid_base;
    uint32_t count;
    uint32_t phandle;
} SmmuExtRidRange;

/* Add an "arm,smmu-v3" node; returns its phandle, 0 with @errp set. */
uint32_t smmu_ext_fdt_add_smmuv3(void *fdt, const SmmuExtFdtNode *n,
                                 Error **errp);

/*
 * Add an SMMUv2 node ("arm,mmu-500", "arm,smmu-v2") with one global
 * interrupt and @nr_context_irqs context interrupts; returns its phandle,
 * 0 with @errp set.
 */
uint32_t smmu_ext_fdt_add_smmuv2(void *fdt, const SmmuExtFdtNode *n,
                                 unsigned nr_context_irqs, Error **errp);

/* Replace the iommu-map of @pcie_node by @ranges (none: remove it). */
bool smmu_ext_fdt_set_iommu_map(void *fdt, const char *pcie_node,
                                const SmmuExtRidRange *ranges, unsigned n,
                                Error **errp);

/*
 * Describe PCI expander root buses (pxb-pcie, numbers @bus_nrs, ascending)
 * as host bridges of their own, so that a guest booted with this device
 * tree (no ACPI) finds the devices behind them: each gets the ECAM slice,
 * bus range and a share of the memory windows of @main_node, which keeps
 * the buses below the first expander.
 */
bool smmu_ext_fdt_add_expanders(void *fdt, const char *main_node,
                                const unsigned *bus_nrs, unsigned n,
                                Error **errp);
/* Path of the node describing expander bus @bus_nr (g_free it). */
char *smmu_ext_fdt_expander_node(void *fdt, const char *main_node,
                                 unsigned bus_nr);

#endif /* HW_SMMU_EXT_FDT_H */
