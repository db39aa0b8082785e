/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Placement of smmu-ext SMMUs in the virt board (see smmu-ext-board.h).
 * The state kept here (SPIs handed out, the SMMUs to describe in
 * iommu-map) belongs to the one machine a QEMU process runs.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/bitmap.h"
#include "hw/boards.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_host.h"
#include "exec/address-spaces.h"
#include <libfdt.h>
#include "smmu-ext-board.h"
#include "smmu-ext-compat.h"
#include "smmu-ext-fdt.h"
#include "trace-hw_smmu_ext.h"

/*
 * The hole of the virt memory map between its last fixed device below
 * 0x0a000000 (the secure GPIO at 0x090b0000) and the virtio-mmio
 * transports; free SPIs start after the platform bus's.
 */
#define SMMU_EXT_HOLE_BASE  0x09100000ULL
#define SMMU_EXT_HOLE_END   0x0a000000ULL
#define SMMU_EXT_FIRST_SPI  176
#define SMMU_EXT_MAX_SPIS   1024

/*
 * ACPI: the one SMMU the virt board's IORT can describe (see
 * smmu-ext-board.h), chosen at realize and described at machine done.
 */
typedef struct SmmuExtIort {
    char *id;                 /* the candidate's, NULL: none */
    bool required;            /* iort=on */
    unsigned smmus;           /* SMMUs realized so far */
    uint64_t base;
    qemu_irq *irqs;           /* the candidate's outputs */
    /* described: each output drives its own SPI and the board SMMU's */
    qemu_irq pairs[SMMU_EXT_BOARD_SMMU_IRQS][2];
} SmmuExtIort;

static SmmuExtIort smmu_ext_iort;

/* Another SMMU is being realized: the candidate cannot be described. */
static bool smmu_ext_iort_another_smmu(Error **errp)
{
    if (smmu_ext_iort.id && smmu_ext_iort.required) {
        error_setg(errp, "%s has iort=on, and the board's ACPI IORT "
                   "describes one SMMU: no other SMMU can be added",
                   smmu_ext_iort.id);
        return false;
    }
    g_clear_pointer(&smmu_ext_iort.id, g_free);
    smmu_ext_iort.smmus++;
    return true;
}

VirtMachineState *smmu_ext_board_virt(Error **errp)
{
    Object *m = OBJECT(qdev_get_machine());
    VirtMachineState *vms;

    vms = (VirtMachineState *)object_dynamic_cast(m, TYPE_VIRT_MACHINE);
    if (!vms) {
        error_setg(errp, "needs the virt machine (-M virt), not %s",
                   object_get_typename(m));
        return NULL;
    }
    if (vms->iommu != VIRT_IOMMU_NONE) {
        error_setg(errp, "cannot be combined with the board's own IOMMU "
                   "(-M virt,iommu=...): drop one of the two");
        return NULL;
    }
    if (!smmu_ext_iort_another_smmu(errp)) {
        return NULL;
    }
    return vms;
}

/* Why @vms's IORT cannot describe an SMMU on @bus, or NULL. */
static const char *smmu_ext_iort_obstacle(VirtMachineState *vms,
                                          PCIBus *bus)
{
    if (!virt_is_acpi_enabled(vms)) {
        return "the machine has ACPI off (-M virt,acpi=off)";
    }
    if (bus != vms->bus) {
        return "the IORT can describe an SMMU only on the board's pcie.0";
    }
    if (smmu_ext_iort.smmus > 1) {
        return "the IORT describes one SMMU, and this is not the first";
    }
    return NULL;
}

bool smmu_ext_board_iort_claim(VirtMachineState *vms, const char *id,
                               OnOffAuto iort, PCIBus *bus, uint64_t base,
                               qemu_irq *irqs, Error **errp)
{
    const char *obstacle;

    if (iort == ON_OFF_AUTO_OFF) {
        return true;
    }
    obstacle = smmu_ext_iort_obstacle(vms, bus);
    if (obstacle) {
        if (iort == ON_OFF_AUTO_ON) {
            error_setg(errp, "iort=on: %s", obstacle);
            return false;
        }
        return true;
    }
    smmu_ext_iort.id = g_strdup(id);
    smmu_ext_iort.required = iort == ON_OFF_AUTO_ON;
    smmu_ext_iort.base = base;
    smmu_ext_iort.irqs = irqs;
    return true;
}

static void smmu_ext_iort_irq(void *opaque, int n, int level)
{
    qemu_irq *pair = opaque;

    qemu_set_irq(pair[0], level);
    qemu_set_irq(pair[1], level);
}

/*
 * Before the board's own machine-done notifier builds the ACPI tables
 * (notifiers run newest first): make its IORT builder describe our SMMU
 * where it would describe its own.  Its interrupts are the board SMMU's
 * SPIs there, so each of ours drives those too, beside the SPIs the
 * device tree names: a guest enables the ones its tables name, and the
 * others only latch pending.
 */
static void smmu_ext_iort_describe(VirtMachineState *vms)
{
    unsigned i;

    if (!smmu_ext_iort.id) {
        return;
    }
    for (i = 0; i < SMMU_EXT_BOARD_SMMU_IRQS; i++) {
        qemu_irq *pair = smmu_ext_iort.pairs[i];

        pair[0] = smmu_ext_iort.irqs[i];
        pair[1] = qdev_get_gpio_in(vms->gic, vms->irqmap[VIRT_SMMU] + i);
        smmu_ext_iort.irqs[i] = qemu_allocate_irq(smmu_ext_iort_irq, pair, 0);
    }
    vms->iommu = VIRT_IOMMU_SMMUV3;
    vms->memmap[VIRT_SMMU].base = smmu_ext_iort.base;
    trace_smmu_ext_iort(smmu_ext_iort.id, smmu_ext_iort.base,
                        vms->irqmap[VIRT_SMMU]);
}

/* ---- The PCI root bus ---------------------------------------------------- */

static int smmu_ext_list_bus(Object *obj, void *opaque)
{
    GString *names = opaque;

    if (object_dynamic_cast(obj, TYPE_PCI_BUS)) {
        g_string_append_printf(names, "%s%s", names->len ? ", " : "",
                               BUS(obj)->name);
    }
    return 0;
}

PCIBus *smmu_ext_board_find_bus(const char *type, const char *name,
                                Error **errp)
{
    g_autoptr(GString) names = g_string_new(NULL);
    bool ambiguous = false;
    Object *obj;
    PCIBus *bus;
    int devfn;

    object_child_foreach_recursive(object_get_root(), smmu_ext_list_bus,
                                   names);
    if (!name || !*name) {
        error_setg(errp, "primary-bus is required (PCI buses: %s)",
                   names->len ? names->str : "none");
        return NULL;
    }
    obj = object_resolve_path_type(name, TYPE_PCI_BUS, &ambiguous);
    if (!obj) {
        error_setg(errp, "primary-bus=%s: %s (PCI buses: %s)", name,
                   ambiguous ? "ambiguous name" : "no such PCI bus",
                   names->len ? names->str : "none");
        return NULL;
    }
    bus = PCI_BUS(obj);
    if (!pci_bus_is_root(bus)) {
        error_setg(errp, "primary-bus=%s is not a PCI root bus (use pcie.0 "
                   "or the bus of a pxb-pcie)", name);
        return NULL;
    }
    if (smmu_ext_pci_bus_has_iommu(bus)) {
        error_setg(errp, "primary-bus=%s already has an IOMMU: one SMMU "
                   "per PCI root bus", name);
        return NULL;
    }
    /* Devices realized before us have already fixed their DMA view. */
    for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];

        if (d && pci_get_word(d->config + PCI_CLASS_DEVICE) !=
                 PCI_CLASS_BRIDGE_HOST) {
            error_setg(errp, "%s (%02x.%x) on %s was created before this "
                       "SMMU: put -device %s before the PCI devices of its "
                       "bus", object_get_typename(OBJECT(d)),
                       PCI_SLOT(devfn), PCI_FUNC(devfn), name, type);
            return NULL;
        }
    }
    return bus;
}

/* ---- Register frame and interrupts --------------------------------------- */

static bool smmu_ext_range_free(hwaddr base, hwaddr size)
{
    MemoryRegionSection sec = memory_region_find(get_system_memory(), base,
                                                 size);
    bool busy = sec.mr != NULL;

    if (sec.mr) {
        memory_region_unref(sec.mr);
    }
    return !busy;
}

bool smmu_ext_board_place_mmio(uint64_t *addr, uint64_t size, uint64_t align,
                               Error **errp)
{
    uint64_t base;

    if (*addr == SMMU_EXT_AUTO_ADDR) {
        for (base = SMMU_EXT_HOLE_BASE; base + size <= SMMU_EXT_HOLE_END;
             base += align) {
            if (smmu_ext_range_free(base, size)) {
                *addr = base;
                return true;
            }
        }
        error_setg(errp, "no free 0x%" PRIx64 "-byte frame for another SMMU "
                   "at 0x%llx..0x%llx: give addr=", size, SMMU_EXT_HOLE_BASE,
                   SMMU_EXT_HOLE_END - 1);
        return false;
    }
    if (*addr & (align - 1)) {
        error_setg(errp, "addr=0x%" PRIx64 " is not %" PRIu64 "KiB aligned",
                   *addr, align >> 10);
        return false;
    }
    if (*addr + size < *addr || !smmu_ext_range_free(*addr, size)) {
        error_setg(errp, "addr=0x%" PRIx64 ": 0x%" PRIx64 " bytes there "
                   "overlap another device", *addr, size);
        return false;
    }
    return true;
}

/* SPIs handed out so far in this machine. */
static DECLARE_BITMAP(smmu_ext_spis_used, SMMU_EXT_MAX_SPIS);

bool smmu_ext_board_place_irqs(VirtMachineState *vms, uint32_t *spi,
                               unsigned n, qemu_irq *irqs, Error **errp)
{
    uint32_t nr_spis = object_property_get_uint(OBJECT(vms->gic), "num-irq",
                                                &error_abort) - GIC_INTERNAL;
    uint32_t first = *spi ? *spi : SMMU_EXT_FIRST_SPI;
    unsigned i;

    nr_spis = MIN(nr_spis, SMMU_EXT_MAX_SPIS);
    for (;;) {
        if (first < SMMU_EXT_FIRST_SPI || first + n > nr_spis) {
            error_setg(errp, "spi=%u: %u SPIs from %u..%u are needed, "
                       "outside the board's own", first, n,
                       SMMU_EXT_FIRST_SPI, nr_spis - 1);
            return false;
        }
        if (find_next_bit(smmu_ext_spis_used, first + n, first) >=
            first + n) {
            break;
        }
        if (*spi) {
            error_setg(errp, "spi=%u: already used by another SMMU", first);
            return false;
        }
        first = find_next_zero_bit(smmu_ext_spis_used, SMMU_EXT_MAX_SPIS,
                                   first + 1);
    }
    *spi = first;
    bitmap_set(smmu_ext_spis_used, first, n);
    for (i = 0; i < n; i++) {
        irqs[i] = qdev_get_gpio_in(vms->gic, first + i);
    }
    return true;
}

/* ---- iommu-map, once the machine is complete ----------------------------- */

typedef struct SmmuExtIommu {
    PCIBus *bus;
    uint32_t phandle;
    uint32_t sid_offset;      /* requester id - StreamID */
    uint32_t max_sids;        /* StreamIDs the SMMU can name */
} SmmuExtIommu;

static GArray *smmu_ext_iommus;       /* SmmuExtIommu, in creation order */
static Notifier smmu_ext_machine_done_notifier;

static int smmu_ext_collect_roots(Object *obj, void *opaque)
{
    GArray *roots = opaque;

    if (object_dynamic_cast(obj, TYPE_PCI_BUS) &&
        pci_bus_is_root(PCI_BUS(obj))) {
        unsigned nr = pci_bus_num(PCI_BUS(obj));

        g_array_append_val(roots, nr);
    }
    return 0;
}

static gint smmu_ext_cmp_uint(gconstpointer a, gconstpointer b)
{
    return (gint)*(const unsigned *)a - (gint)*(const unsigned *)b;
}

/* The device-tree node of the host bridge in front of root bus @nr. */
static char *smmu_ext_host_node(VirtMachineState *vms, unsigned nr)
{
    if (nr == 0) {
        return g_strdup(vms->pciehb_nodename);
    }
    return smmu_ext_fdt_expander_node(MACHINE(vms)->fdt, vms->pciehb_nodename,
                                      nr);
}

/*
 * Before the board loads the tree into guest memory: expander root buses
 * become host bridges of their own, then each SMMU's host bridge gets an
 * iommu-map for its root bus's range of requester ids.
 */
static void smmu_ext_machine_done(Notifier *notifier, void *data)
{
    VirtMachineState *vms = VIRT_MACHINE(qdev_get_machine());
    void *fdt = MACHINE(vms)->fdt;
    g_autoptr(GArray) roots = g_array_new(false, false, sizeof(unsigned));
    unsigned *nrs, n, i, j;

    if (vms->iommu != VIRT_IOMMU_NONE) {
        /* realized after us: it checks for the board's IOMMU only */
        error_report("virtio-iommu-pci cannot be combined with an SMMU "
                     "(arm-smmuv3-ext, arm-smmuv2-ext): drop one of the two");
        exit(1);
    }
    smmu_ext_iort_describe(vms);
    object_child_foreach_recursive(object_get_root(), smmu_ext_collect_roots,
                                   roots);
    g_array_sort(roots, smmu_ext_cmp_uint);
    nrs = (unsigned *)roots->data;
    n = roots->len;
    if (n > 1 && nrs[0] == 0) {
        g_autofree char *first = smmu_ext_host_node(vms, nrs[1]);

        if (first && fdt_path_offset(fdt, first) < 0) {
            smmu_ext_fdt_add_expanders(fdt, vms->pciehb_nodename, nrs + 1,
                                       n - 1, &error_fatal);
        }
    }
    for (i = 0; i < smmu_ext_iommus->len; i++) {
        SmmuExtIommu *x = &g_array_index(smmu_ext_iommus, SmmuExtIommu, i);
        unsigned first = pci_bus_num(x->bus), end = 256;
        g_autofree char *node = smmu_ext_host_node(vms, first);
        SmmuExtRidRange range;

        for (j = 0; j < n; j++) {
            if (nrs[j] > first) {
                end = nrs[j];
                break;
            }
        }
        range = (SmmuExtRidRange) {
            .rid_base = first << 8,
            .sid_base = (first << 8) - x->sid_offset,
            .count = MIN((end - first) << 8,
                         x->max_sids - ((first << 8) - x->sid_offset)),
            .phandle = x->phandle,
        };
        smmu_ext_fdt_set_iommu_map(fdt, node, &range, 1, &error_fatal);
    }
}

uint32_t smmu_ext_board_root_rid(PCIBus *bus)
{
    return (uint32_t)pci_bus_num(bus) << 8;
}

void smmu_ext_board_add_iommu(PCIBus *bus, uint32_t phandle,
                              uint32_t sid_offset, uint32_t max_sids)
{
    SmmuExtIommu x = {
        .bus = bus, .phandle = phandle, .sid_offset = sid_offset,
        .max_sids = max_sids,
    };

    if (!smmu_ext_iommus) {
        smmu_ext_iommus = g_array_new(false, false, sizeof(SmmuExtIommu));
        smmu_ext_machine_done_notifier.notify = smmu_ext_machine_done;
        qemu_add_machine_init_done_notifier(&smmu_ext_machine_done_notifier);
    }
    g_array_append_val(smmu_ext_iommus, x);
}
