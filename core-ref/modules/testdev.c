/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An smmu-testdev driver (hw/smmu-testdev.h, docs/smmu-testdev.md) for
 * the core-ref guest: its probe maps a buffer into the device's default
 * domain through the DMA API (cr_iommu_map), makes the device write a
 * pattern there and read it back through the SMMU, and checks that an
 * IOVA it never mapped fails.  testdev_results[] holds each device's
 * outcome for the guest to report: 1 passed, a negative step otherwise.
 */
#include "cr-module-api.h"
#include "smmu-testdev.h"

CR_MODULE_NAME("smmu_testdev");
CR_MODULE_LICENSE("GPL");

#define DEVS        4
#define BUF_BYTES   0x10000          /* mapped: one page of any granule */
#define JOB_PAGES   4                /* written and read: 4 x 4 KiB */
#define IOVA_BASE   0x10000000ull
#define PATTERN     0x5aa5c33cu
#define JOB_TIMEOUT_US 1000000u      /* 16 KiB each way takes microseconds */

static uint8_t *bufs[DEVS];
static CrDevice *devs[DEVS];         /* the slot of each bound device */
int testdev_results[DEVS];
CR_EXPORT_SYMBOL(testdev_results);

static CrCore *core;

static void wr32(uint64_t base, unsigned off, uint32_t v)
{
    cr_mmio_write32(core, base + off, v);
}

static void wr64(uint64_t base, unsigned off, uint64_t v)
{
    cr_mmio_write64(core, base + off, v);
}

static uint32_t rd32(uint64_t base, unsigned off)
{
    return cr_mmio_read32(core, base + off);
}

/* One job of @op on @count 4 KiB pages at @iova; its ERROR code, or -1 */
static int job(uint64_t base, uint32_t op, uint64_t iova, uint32_t count,
               uint32_t pattern)
{
    uint64_t end;
    uint32_t st;

    wr64(base, SMMU_TESTDEV_SRC, iova);
    wr64(base, SMMU_TESTDEV_DST, iova);
    wr32(base, SMMU_TESTDEV_LEN, 4096);
    wr32(base, SMMU_TESTDEV_COUNT, count);
    wr64(base, SMMU_TESTDEV_STRIDE, 4096);
    wr32(base, SMMU_TESTDEV_PATTERN, pattern);
    wr32(base, SMMU_TESTDEV_OP, op | SMMU_TESTDEV_PAT_CONST << 4);
#ifdef __aarch64__
    __asm__ volatile("dsb sy" ::: "memory");
#endif
    wr32(base, SMMU_TESTDEV_DOORBELL, SMMU_TESTDEV_DOORBELL_START);
    end = cr_deadline(core, JOB_TIMEOUT_US);
    while (!((st = rd32(base, SMMU_TESTDEV_STATUS)) &
             (SMMU_TESTDEV_STATUS_DONE | SMMU_TESTDEV_STATUS_ERROR))) {
        if (cr_expired(core, end)) {
            return -1;
        }
    }
#ifdef __aarch64__
    /* what the device wrote is read only after the status saying it is done */
    __asm__ volatile("dsb sy" ::: "memory");
#endif
    return st & SMMU_TESTDEV_STATUS_ERROR
           ? (int)(rd32(base, SMMU_TESTDEV_ERROR) & 0xff) : 0;
}

static int dma_check(CrCore *c, CrDevice *dev, unsigned k)
{
    uint64_t iova = IOVA_BASE + (uint64_t)k * 0x100000;
    uint32_t *words;
    unsigned i;

    if (rd32(dev->mmio, SMMU_TESTDEV_ID) != SMMU_TESTDEV_ID_VALUE) {
        return -1;
    }
    bufs[k] = cr_dma_alloc(c, BUF_BYTES, BUF_BYTES);
    words = (uint32_t *)bufs[k];
    if (!bufs[k] ||
        cr_iommu_map(c, dev, iova, (uint64_t)(uintptr_t)bufs[k], BUF_BYTES)) {
        return -2;
    }
    if (job(dev->mmio, SMMU_TESTDEV_OP_WRITE, iova, JOB_PAGES,
            PATTERN + k) != SMMU_TESTDEV_ERR_NONE) {
        return -3;
    }
    for (i = 0; i < JOB_PAGES * 4096 / 4; i++) {
        if (words[i] != PATTERN + k) {
            return -4;               /* the write did not land there */
        }
    }
    if (job(dev->mmio, SMMU_TESTDEV_OP_VERIFY, iova, JOB_PAGES,
            PATTERN + k) != SMMU_TESTDEV_ERR_NONE) {
        return -5;
    }
    if (job(dev->mmio, SMMU_TESTDEV_OP_WRITE, iova + 0x80000, 1,
            PATTERN) != SMMU_TESTDEV_ERR_DMA) {
        return -6;                   /* an unmapped IOVA must fail */
    }
    return 1;
}

static int testdev_probe(CrCore *c, CrDevice *dev)
{
    unsigned k;

    for (k = 0; k < DEVS && devs[k]; k++) {
    }
    if (k == DEVS) {
        return -CR_ENOMEM;
    }
    devs[k] = dev;
    testdev_results[k] = dma_check(c, dev, k);
    return 0;
}

/* The buffer goes with the device (its mapping with the domain) */
static void testdev_remove(CrCore *c, CrDevice *dev)
{
    unsigned k;

    for (k = 0; k < DEVS; k++) {
        if (devs[k] == dev) {
            cr_dma_free(c, bufs[k], BUF_BYTES);
            bufs[k] = NULL;
            devs[k] = NULL;
        }
    }
}

static CrDriver testdev_drv = { .name = "smmu-testdev", .compat = "ep" };

int cr_module_init(CrCore *c, CrModule *self)
{
    core = c;
    testdev_drv.owner = self;
    testdev_drv.bus = cr_bus_find(c, "pci");
    testdev_drv.probe = testdev_probe;
    testdev_drv.remove = testdev_remove;
    return cr_driver_register(c, &testdev_drv);
}

void cr_module_exit(CrCore *c, CrModule *self)
{
    cr_driver_unregister(c, &testdev_drv);
}
