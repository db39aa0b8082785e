/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device register accesses for drivers (CrCore.mmio): the environment's
 * routing when it has one (the host's tests: models/), else plain
 * volatile loads and stores at the physical address (the guest, whose
 * MMU maps devices one to one).
 */
#include "cr-internal.h"

uint32_t cr_mmio_read32(CrCore *c, uint64_t addr)
{
    if (c->mmio.read) {
        return (uint32_t)c->mmio.read(c->mmio.opaque, addr, 4);
    }
    return *(volatile uint32_t *)(uintptr_t)addr;
}

uint64_t cr_mmio_read64(CrCore *c, uint64_t addr)
{
    if (c->mmio.read) {
        return c->mmio.read(c->mmio.opaque, addr, 8);
    }
    return *(volatile uint64_t *)(uintptr_t)addr;
}

void cr_mmio_write32(CrCore *c, uint64_t addr, uint32_t val)
{
    if (c->mmio.write) {
        c->mmio.write(c->mmio.opaque, addr, val, 4);
    } else {
        *(volatile uint32_t *)(uintptr_t)addr = val;
    }
}

void cr_mmio_write64(CrCore *c, uint64_t addr, uint64_t val)
{
    if (c->mmio.write) {
        c->mmio.write(c->mmio.opaque, addr, val, 8);
    } else {
        *(volatile uint64_t *)(uintptr_t)addr = val;
    }
}
