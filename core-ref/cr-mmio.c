/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What drivers need of the environment: DMA memory (CrCore.dma_mem),
 * device register accesses (CrCore.mmio) and a clock for their timeouts
 * (CrCore.clock): the environment's
 * routing when it has one (the host's tests: models/), else plain
 * volatile loads and stores at the physical address (the guest, whose
 * MMU maps devices one to one).
 */
#include "cr-internal.h"

void *cr_dma_alloc(CrCore *c, size_t size, size_t align)
{
    void *p = c->dma_mem.alloc ? c->dma_mem.alloc(c->dma_mem.opaque, size,
                                                  align) : NULL;

    if (p) {
        cr_memzero(p, size);
    }
    return p;
}

void cr_dma_free(CrCore *c, void *p, size_t size)
{
    if (p && c->dma_mem.free) {
        c->dma_mem.free(c->dma_mem.opaque, p, size);
    }
}

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

#ifdef __aarch64__
/* The generic timer's virtual count in nanoseconds (CNTFRQ_EL0 in Hz) */
static uint64_t cr_counter_ns(void)
{
    uint64_t count, freq;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(count) : : "memory");
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    if (!freq) {
        return count;                /* firmware left it unset: 1 GHz */
    }
    /* in two parts: count * 10^9 overflows after 2^64 / 10^9 counts */
    return count / freq * 1000000000u + count % freq * 1000000000u / freq;
}
#endif

uint64_t cr_time_ns(CrCore *c)
{
    if (c->clock.now_ns) {
        return c->clock.now_ns(c->clock.opaque);
    }
#ifdef __aarch64__
    return cr_counter_ns();
#else
    return ++c->clock_calls * 1000;
#endif
}
