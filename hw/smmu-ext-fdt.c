/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-tree nodes for smmu-ext devices (see smmu-ext-fdt.h).  Bindings:
 * Linux Documentation/devicetree/bindings/iommu/arm,smmu-v3.yaml and
 * pci/pci-iommu.txt (iommu-map).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/arm/fdt.h"
#include "qemu/bswap.h"
#include "sysemu/device_tree.h"
#include <libfdt.h>
#include "smmu-ext-fdt.h"

/* Same order as the model's interrupt lines (SM3_IRQ_*). */
static const char smmuv3_irq_names[] = "eventq\0priq\0cmdq-sync\0gerror";
enum { SMMUV3_NR_IRQS = 4 };

static bool fdt_ok(int err, const char *what, Error **errp)
{
    if (err < 0) {
        error_setg(errp, "device tree: cannot set %s: %s", what,
                   fdt_strerror(err));
        return false;
    }
    return true;
}

uint32_t smmu_ext_fdt_add_smmuv3(void *fdt, const SmmuExtFdtNode *n,
                                 Error **errp)
{
    static const char compat[] = "arm,smmu-v3";
    g_autofree char *name = g_strdup_printf("smmuv3@%" PRIx64, n->base);
    g_autofree char *path = g_strdup_printf("/%s", name);
    uint32_t irqs[SMMUV3_NR_IRQS * 3];
    uint64_t reg[2] = { cpu_to_be64(n->base), cpu_to_be64(n->size) };
    uint32_t phandle;
    int node, i;

    if (fdt_path_offset(fdt, path) >= 0) {
        error_setg(errp, "device tree already has a node %s", path);
        return 0;
    }
    node = fdt_add_subnode(fdt, 0, name);
    if (!fdt_ok(node, name, errp)) {
        return 0;
    }
    /* The board's allocator: fdt_generate_phandle() would collide with it */
    phandle = qemu_fdt_alloc_phandle(fdt);
    for (i = 0; i < SMMUV3_NR_IRQS; i++) {
        irqs[i * 3] = cpu_to_be32(GIC_FDT_IRQ_TYPE_SPI);
        irqs[i * 3 + 1] = cpu_to_be32(n->spi_base + i);
        irqs[i * 3 + 2] = cpu_to_be32(GIC_FDT_IRQ_FLAGS_EDGE_LO_HI);
    }
    if (!fdt_ok(fdt_setprop(fdt, node, "compatible", compat, sizeof(compat)),
                "compatible", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)),
                "reg", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "interrupts", irqs, sizeof(irqs)),
                "interrupts", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "interrupt-names", smmuv3_irq_names,
                            sizeof(smmuv3_irq_names)),
                "interrupt-names", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "dma-coherent", NULL, 0),
                "dma-coherent", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, node, "#iommu-cells", 1),
                "#iommu-cells", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, node, "phandle", phandle),
                "phandle", errp)) {
        return 0;
    }
    if (n->msi_parent) {
        uint32_t msi[2] = { cpu_to_be32(n->msi_parent),
                            cpu_to_be32(n->msi_devid) };

        if (!fdt_ok(fdt_setprop(fdt, node, "msi-parent", msi, sizeof(msi)),
                    "msi-parent", errp)) {
            return 0;
        }
    }
    return phandle;
}

bool smmu_ext_fdt_set_iommu_map(void *fdt, const char *pcie_node,
                                const SmmuExtRidRange *ranges, unsigned n,
                                Error **errp)
{
    int node = fdt_path_offset(fdt, pcie_node);
    g_autofree uint32_t *cells = g_new(uint32_t, 4 * MAX(n, 1));
    unsigned i;

    if (node < 0) {
        error_setg(errp, "device tree has no PCIe node %s", pcie_node);
        return false;
    }
    if (n == 0) {
        fdt_delprop(fdt, node, "iommu-map");
        return true;
    }
    for (i = 0; i < n; i++) {
        /* rid-base, iommu phandle, iommu-base (StreamID), length */
        cells[i * 4] = cpu_to_be32(ranges[i].rid_base);
        cells[i * 4 + 1] = cpu_to_be32(ranges[i].phandle);
        cells[i * 4 + 2] = cpu_to_be32(ranges[i].rid_base);
        cells[i * 4 + 3] = cpu_to_be32(ranges[i].count);
    }
    return fdt_ok(fdt_setprop(fdt, node, "iommu-map", cells,
                              n * 4 * sizeof(uint32_t)),
                  "iommu-map", errp);
}
