/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the SMMU driver modules (smmuv3-hw.c, smmuv2-hw.c) share: VMSAv8-64
 * stage-1 translation tables with the 4 KiB granule and 39-bit input
 * addresses (T0SZ 25: levels 1 to 3, Arm ARM D8), kept in a pool of
 * pages inside the module; the instance's naming; a zeroing loop and a
 * DMA barrier.  Included once per module (static: each module has its
 * own pool).
 */
#ifndef CORE_REF_MODULES_SMMU_HW_H
#define CORE_REF_MODULES_SMMU_HW_H

#define PT_PAGES     32                 /* table pages for all domains */
#define PT_T0SZ      25                 /* 39-bit IOVAs */
#define PT_ADDR_MASK 0xfffffffff000ull  /* output address [47:12] */

static uint64_t pt_pool[PT_PAGES][512] __attribute__((aligned(4096)));
static bool pt_used[PT_PAGES];

/*
 * A fault the SMMU recorded, as both drivers report it through their
 * export smmu_hw_pop_fault(): 1 with *@f filled, 0 when none is left.
 * @code: the SMMUv3 event ID, or the SMMUv2 bank's FSR.
 */
typedef struct SmmuFault {
    uint32_t sid;
    uint64_t addr;                   /* the faulting input address */
    uint32_t code;
    bool translation;                /* a translation fault */
} SmmuFault;

int smmu_hw_pop_fault(SmmuFault *f);

/* Memory the device reads (tables, queues) is written before it looks */
static inline void dma_barrier(void)
{
#ifdef __aarch64__
    __asm__ volatile("dsb sy" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static void zero(void *p, unsigned long n)
{
    volatile uint8_t *b = p;

    while (n--) {
        *b++ = 0;
    }
}

static uint64_t *pt_page(void)
{
    unsigned i;

    for (i = 0; i < PT_PAGES; i++) {
        if (!pt_used[i]) {
            pt_used[i] = true;
            zero(pt_pool[i], sizeof(pt_pool[i]));
            return pt_pool[i];
        }
    }
    return NULL;
}

/* The table @t at @level and every table below it go back to the pool */
static void pt_free_tree(uint64_t *t, unsigned level)
{
    unsigned i;

    if (level < 3) {
        for (i = 0; i < 512; i++) {
            if ((t[i] & 3) == 3) {
                pt_free_tree((uint64_t *)(uintptr_t)(t[i] & PT_ADDR_MASK),
                             level + 1);
            }
        }
    }
    pt_used[(uint64_t (*)[512])t - pt_pool] = false;
}

/* A level-3 page descriptor: normal memory (MAIR attr 0), inner
 * shareable, read/write at any privilege (the devices' unprivileged
 * accesses), accessed, not global. */
#define PTE_PAGE(pa) ((pa) | 3 | (1ull << 6) | (3ull << 8) | (1ull << 10) | \
                      (1ull << 11))

/* Map the 4 KiB page at @iova to @pa under level-1 table @l1 */
static int pt_map4k(uint64_t *l1, uint64_t iova, uint64_t pa)
{
    uint64_t *t = l1;
    unsigned level;

    for (level = 1; level < 3; level++) {
        unsigned i = (unsigned)(iova >> (39 - 9 * level)) & 511;

        if ((t[i] & 3) != 3) {
            uint64_t *next = pt_page();

            if (!next) {
                return -CR_ENOMEM;
            }
            t[i] = (uint64_t)(uintptr_t)next | 3;
        }
        t = (uint64_t *)(uintptr_t)(t[i] & PT_ADDR_MASK);
    }
    t[(iova >> 12) & 511] = PTE_PAGE(pa & ~0xfffull);
    return 0;
}

/* Map @size bytes (4 KiB multiples) from @iova to @pa */
static int pt_map(uint64_t *l1, uint64_t iova, uint64_t pa, uint64_t size)
{
    uint64_t off;

    if ((iova | pa | size) & 0xfff || iova >> 39) {
        return -CR_EINVAL;
    }
    for (off = 0; off < size; off += 4096) {
        if (pt_map4k(l1, iova + off, pa + off)) {
            return -CR_ENOMEM;
        }
    }
    return 0;
}

/*
 * The instance of SMMU device @dev: named "<prefix>0x<16 hex digits of its
 * base>" as Linux names it (smmu3., smmu.), its firmware node "F" + the
 * device's letter (smmuA: FA), with @ops.
 */
static void smmu_instance_init(CrIommu *inst, const char *prefix,
                               CrDevice *dev, const CrIommuOps *ops)
{
    unsigned i, k;

    for (i = 0; prefix[i] && i < CR_NAME - 17; i++) {
        inst->name[i] = prefix[i];
    }
    for (k = 0; k < 16; k++) {
        inst->name[i + k] = "0123456789abcdef"[(dev->mmio >> (60 - 4 * k)) &
                                               15];
    }
    inst->name[i + 16] = '\0';
    inst->fwnode[0] = 'F';
    inst->fwnode[1] = dev->name[4];
    inst->fwnode[2] = '\0';
    inst->ops = ops;
    inst->hwdev = dev;
    inst->in_use = true;
}

#endif
