/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-tree nodes for smmu-ext devices (see smmu-ext-fdt.h).  Bindings:
 * Linux Documentation/devicetree/bindings/iommu/arm,smmu-v3.yaml,
 * arm,smmu.yaml and pci/pci-iommu.txt (iommu-map).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/arm/fdt.h"
#include "qemu/bswap.h"
#include "smmu-ext-compat.h"
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

/*
 * A node "@name@base" at the root with what both SMMU bindings share:
 * compatible, reg, @nr_irqs consecutive SPIs from @n->spi_base with
 * trigger @irq_flags, dma-coherent, #iommu-cells = <1> (the StreamID) and
 * a phandle.  Returns the phandle, 0 with @errp set.
 */
static uint32_t smmu_ext_fdt_add_node(void *fdt, const char *name,
                                      const SmmuExtFdtNode *n,
                                      const char *compat, size_t compat_len,
                                      unsigned nr_irqs, uint32_t irq_flags,
                                      Error **errp)
{
    g_autofree char *node_name = g_strdup_printf("%s@%" PRIx64, name,
                                                 n->base);
    g_autofree char *path = g_strdup_printf("/%s", node_name);
    g_autofree uint32_t *irqs = g_new(uint32_t, nr_irqs * 3);
    uint64_t reg[2] = { cpu_to_be64(n->base), cpu_to_be64(n->size) };
    uint32_t phandle;
    unsigned i;
    int node;

    if (fdt_path_offset(fdt, path) >= 0) {
        error_setg(errp, "device tree already has a node %s", path);
        return 0;
    }
    node = fdt_add_subnode(fdt, 0, node_name);
    if (!fdt_ok(node, node_name, errp)) {
        return 0;
    }
    /* The board's allocator: fdt_generate_phandle() would collide with it */
    phandle = qemu_fdt_alloc_phandle(fdt);
    for (i = 0; i < nr_irqs; i++) {
        irqs[i * 3] = cpu_to_be32(GIC_FDT_IRQ_TYPE_SPI);
        irqs[i * 3 + 1] = cpu_to_be32(n->spi_base + i);
        irqs[i * 3 + 2] = cpu_to_be32(irq_flags);
    }
    if (!fdt_ok(fdt_setprop(fdt, node, "compatible", compat, compat_len),
                "compatible", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)),
                "reg", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "interrupts", irqs,
                            nr_irqs * 3 * sizeof(uint32_t)),
                "interrupts", errp) ||
        !fdt_ok(fdt_setprop(fdt, node, "dma-coherent", NULL, 0),
                "dma-coherent", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, node, "#iommu-cells", 1),
                "#iommu-cells", errp) ||
        !fdt_ok(fdt_setprop_u32(fdt, node, "phandle", phandle),
                "phandle", errp)) {
        return 0;
    }
    return phandle;
}

uint32_t smmu_ext_fdt_add_smmuv3(void *fdt, const SmmuExtFdtNode *n,
                                 Error **errp)
{
    static const char compat[] = "arm,smmu-v3";
    g_autofree char *path = g_strdup_printf("/smmuv3@%" PRIx64, n->base);
    uint32_t phandle;
    int node;

    phandle = smmu_ext_fdt_add_node(fdt, "smmuv3", n, compat, sizeof(compat),
                                    SMMUV3_NR_IRQS,
                                    GIC_FDT_IRQ_FLAGS_EDGE_LO_HI, errp);
    if (!phandle) {
        return 0;
    }
    node = fdt_path_offset(fdt, path);
    if (!fdt_ok(fdt_setprop(fdt, node, "interrupt-names", smmuv3_irq_names,
                            sizeof(smmuv3_irq_names)),
                "interrupt-names", errp)) {
        return 0;
    }
    if (n->msi_parent) {
        uint32_t msi[2] = { cpu_to_be32(n->msi_parent),
                            cpu_to_be32(n->msi_devid) };

        node = fdt_path_offset(fdt, path);
        if (!fdt_ok(fdt_setprop(fdt, node, "msi-parent", msi, sizeof(msi)),
                    "msi-parent", errp)) {
            return 0;
        }
    }
    return phandle;
}

uint32_t smmu_ext_fdt_add_smmuv2(void *fdt, const SmmuExtFdtNode *n,
                                 unsigned nr_context_irqs, Error **errp)
{
    /* An MMU-500 first, then the generic binding it implements */
    static const char compat[] = "arm,mmu-500\0arm,smmu-v2";
    g_autofree char *path = g_strdup_printf("/iommu@%" PRIx64, n->base);
    uint32_t phandle;
    int node;

    /* The model's interrupts are levels: high while a fault is pending */
    phandle = smmu_ext_fdt_add_node(fdt, "iommu", n, compat, sizeof(compat),
                                    1 + nr_context_irqs,
                                    GIC_FDT_IRQ_FLAGS_LEVEL_HI, errp);
    if (!phandle) {
        return 0;
    }
    node = fdt_path_offset(fdt, path);
    if (!fdt_ok(fdt_setprop_u32(fdt, node, "#global-interrupts", 1),
                "#global-interrupts", errp)) {
        return 0;
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
        cells[i * 4 + 2] = cpu_to_be32(ranges[i].sid_base);
        cells[i * 4 + 3] = cpu_to_be32(ranges[i].count);
    }
    return fdt_ok(fdt_setprop(fdt, node, "iommu-map", cells,
                              n * 4 * sizeof(uint32_t)),
                  "iommu-map", errp);
}

/* ---- PCI expander root buses --------------------------------------------- */

/* One "ranges" entry of a PCI host node: 3 + 2 + 2 cells. */
enum { PCI_RANGE_CELLS = 7 };
/* Address space of a range: 1 I/O, 2 MMIO32, 3 MMIO64 */
#define PCI_RANGE_SPACE(hi)   (((hi) >> 24) & 3)

static uint64_t fdt_cells64(const fdt32_t *c)
{
    return ((uint64_t)fdt32_to_cpu(c[0]) << 32) | fdt32_to_cpu(c[1]);
}

static void fdt_set_cells64(fdt32_t *c, uint64_t v)
{
    c[0] = cpu_to_fdt32(v >> 32);
    c[1] = cpu_to_fdt32(v);
}

/* A copy of property @prop of @path, NULL when absent. */
static void *fdt_prop_dup(void *fdt, const char *path, const char *prop,
                          int *len)
{
    int node = fdt_path_offset(fdt, path);
    const void *p = node < 0 ? NULL : fdt_getprop(fdt, node, prop, len);

    return p ? g_memdup2(p, *len) : NULL;
}

char *smmu_ext_fdt_expander_node(void *fdt, const char *main_node,
                                 unsigned bus_nr)
{
    int len;
    g_autofree fdt32_t *reg = fdt_prop_dup(fdt, main_node, "reg", &len);

    if (!reg || len < 16) {
        return NULL;
    }
    return g_strdup_printf("/pcie@%" PRIx64,
                           fdt_cells64(reg) + ((uint64_t)bus_nr << 20));
}

/*
 * Split the main node's memory windows: it keeps the first half of each,
 * expander @i of @n gets slice @i of the second half (none of the I/O).
 */
static fdt32_t *smmu_ext_split_ranges(const fdt32_t *ranges, int len, int i,
                                      unsigned n, int *out_len)
{
    unsigned entries = len / (PCI_RANGE_CELLS * 4), e, k = 0;
    fdt32_t *out = g_new0(fdt32_t, entries * PCI_RANGE_CELLS);

    for (e = 0; e < entries; e++) {
        const fdt32_t *r = ranges + e * PCI_RANGE_CELLS;
        fdt32_t *o = out + k * PCI_RANGE_CELLS;
        uint64_t pci = fdt_cells64(r + 1), size = fdt_cells64(r + 5);
        uint64_t half = (size / 2) & ~0xfffffULL;
        uint64_t slice = (half / n) & ~0xfffffULL, start;

        if (PCI_RANGE_SPACE(fdt32_to_cpu(r[0])) == 1) {
            if (i < 0) {
                memcpy(o, r, PCI_RANGE_CELLS * 4);
                k++;
            }
            continue;
        }
        if (!slice) {
            continue;
        }
        start = i < 0 ? 0 : half + i * slice;
        memcpy(o, r, PCI_RANGE_CELLS * 4);
        fdt_set_cells64(o + 1, pci + start);
        fdt_set_cells64(o + 3, fdt_cells64(r + 3) + start);
        fdt_set_cells64(o + 5, i < 0 ? half : slice);
        k++;
    }
    *out_len = k * PCI_RANGE_CELLS * 4;
    return out;
}

bool smmu_ext_fdt_add_expanders(void *fdt, const char *main_node,
                                const unsigned *bus_nrs, unsigned n,
                                Error **errp)
{
    static const char *const copied[] = {
        "compatible", "device_type", "#address-cells", "#size-cells",
        "dma-coherent", "msi-map", "msi-parent", "#interrupt-cells",
        "interrupt-map", "interrupt-map-mask",
    };
    int reg_len, br_len, ranges_len, len, node;
    g_autofree fdt32_t *reg = fdt_prop_dup(fdt, main_node, "reg", &reg_len);
    g_autofree fdt32_t *br = fdt_prop_dup(fdt, main_node, "bus-range",
                                          &br_len);
    g_autofree fdt32_t *ranges = fdt_prop_dup(fdt, main_node, "ranges",
                                              &ranges_len);
    uint32_t last_bus;
    unsigned i, c;

    if (!reg || reg_len < 16 || !br || br_len < 8 || !ranges || !n) {
        error_setg(errp, "device tree: PCIe node %s lacks reg, bus-range "
                   "or ranges", main_node);
        return false;
    }
    last_bus = fdt32_to_cpu(br[1]);
    for (i = 0; i < n; i++) {
        g_autofree char *path = smmu_ext_fdt_expander_node(fdt, main_node,
                                                           bus_nrs[i]);
        uint32_t end = i + 1 < n ? bus_nrs[i + 1] - 1 : last_bus;
        fdt32_t cells[4];
        g_autofree fdt32_t *slice = NULL;

        if (bus_nrs[i] == 0 || bus_nrs[i] > end ||
            (i && bus_nrs[i] <= bus_nrs[i - 1])) {
            error_setg(errp, "PCI expander bus %u: bus numbers must be "
                       "distinct, above 0 and within the host's 0..%u",
                       bus_nrs[i], last_bus);
            return false;
        }
        node = fdt_add_subnode(fdt, 0, path + 1);
        if (!fdt_ok(node, path, errp)) {
            return false;
        }
        for (c = 0; c < ARRAY_SIZE(copied); c++) {
            g_autofree void *v = fdt_prop_dup(fdt, main_node, copied[c], &len);

            node = fdt_path_offset(fdt, path);
            if (v && !fdt_ok(fdt_setprop(fdt, node, copied[c], v, len),
                             copied[c], errp)) {
                return false;
            }
        }
        node = fdt_path_offset(fdt, path);
        fdt_set_cells64(cells, fdt_cells64(reg) + ((uint64_t)bus_nrs[i] << 20));
        fdt_set_cells64(cells + 2, (uint64_t)(end - bus_nrs[i] + 1) << 20);
        if (!fdt_ok(fdt_setprop(fdt, node, "reg", cells, 16), "reg", errp)) {
            return false;
        }
        cells[0] = cpu_to_fdt32(bus_nrs[i]);
        cells[1] = cpu_to_fdt32(end);
        node = fdt_path_offset(fdt, path);
        if (!fdt_ok(fdt_setprop(fdt, node, "bus-range", cells, 8),
                    "bus-range", errp)) {
            return false;
        }
        node = fdt_path_offset(fdt, path);
        if (!fdt_ok(fdt_setprop_u32(fdt, node, "linux,pci-domain", i + 1),
                    "linux,pci-domain", errp)) {
            return false;
        }
        slice = smmu_ext_split_ranges(ranges, ranges_len, i, n, &len);
        node = fdt_path_offset(fdt, path);
        if (!fdt_ok(fdt_setprop(fdt, node, "ranges", slice, len), "ranges",
                    errp)) {
            return false;
        }
    }

    /* The main host keeps the buses below the first expander. */
    {
        g_autofree fdt32_t *kept = smmu_ext_split_ranges(ranges, ranges_len,
                                                         -1, n, &len);
        fdt32_t cells[4];

        br[1] = cpu_to_fdt32(bus_nrs[0] - 1);
        memcpy(cells, reg, 16);
        fdt_set_cells64(cells + 2, (uint64_t)bus_nrs[0] << 20);
        node = fdt_path_offset(fdt, main_node);
        if (!fdt_ok(fdt_setprop(fdt, node, "bus-range", br, 8), "bus-range",
                    errp)) {
            return false;
        }
        node = fdt_path_offset(fdt, main_node);
        if (!fdt_ok(fdt_setprop(fdt, node, "reg", cells, 16), "reg", errp)) {
            return false;
        }
        node = fdt_path_offset(fdt, main_node);
        return fdt_ok(fdt_setprop(fdt, node, "ranges", kept, len), "ranges",
                      errp);
    }
}
