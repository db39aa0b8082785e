/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The core's exported symbols: what a module may link against
 * (cr-elf.c), EXPORT_SYMBOL or EXPORT_SYMBOL_GPL as their Linux
 * counterparts are (driver_register and everything of the IOMMU core and
 * of device links being GPL-only).  Anything else a module calls is an
 * unknown symbol.
 */
#include "cr-internal.h"

#define CR_EXPORT(fn, gpl) { #fn, (void *)(uintptr_t)&fn, gpl }

/* What the compiler may call for a module's struct copies and zeroing */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

static const CrExport cr_core_exports[] = {
    CR_EXPORT(cr_bus_find, false),
    CR_EXPORT(cr_device_find, false),
    CR_EXPORT(cr_device_add, false),
    CR_EXPORT(cr_device_remove, false),
    CR_EXPORT(cr_driver_register, true),
    CR_EXPORT(cr_driver_unregister, true),
    CR_EXPORT(cr_try_module_get, false),
    CR_EXPORT(cr_module_put, false),
    CR_EXPORT(cr_iommu_register, true),
    CR_EXPORT(cr_iommu_unregister, true),
    CR_EXPORT(cr_iommu_of_hw, true),
    CR_EXPORT(cr_iommu_map, true),
    CR_EXPORT(cr_link_add, true),
    CR_EXPORT(cr_link_del, true),
    CR_EXPORT(cr_symbol_lookup, true),     /* as __symbol_get: GPL only */
    CR_EXPORT(cr_dma_alloc, false),
    CR_EXPORT(cr_dma_free, false),
    CR_EXPORT(cr_mmio_read32, false),
    CR_EXPORT(cr_mmio_read64, false),
    CR_EXPORT(cr_mmio_write32, false),
    CR_EXPORT(cr_mmio_write64, false),
    CR_EXPORT(cr_time_ns, false),
    CR_EXPORT(memset, false),
    CR_EXPORT(memcpy, false),
};

void cr_core_exports_init(CrCore *c)
{
    c->exports = cr_core_exports;
    c->n_exports = CR_ARRAY_SIZE(cr_core_exports);
}
