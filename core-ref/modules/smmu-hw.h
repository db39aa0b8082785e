/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the SMMU driver modules (smmuv3-hw.c, smmuv2-hw.c) share: VMSAv8-64
 * stage-1 translation tables in the 4, 16 or 64 KiB granule, in DMA
 * memory (cr_dma_alloc); the instance's naming; the fault record they
 * export; a zeroing loop and a DMA barrier.
 */
#ifndef CORE_REF_MODULES_SMMU_HW_H
#define CORE_REF_MODULES_SMMU_HW_H


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

/*
 * Ordering against the device: memory it reads (tables, queues) is
 * written before it looks, and memory it wrote (event records) is read
 * only after the register that says it is there.
 */
static inline void dma_barrier(void)
{
#ifdef __aarch64__
    __asm__ volatile("dsb sy" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline void zero(void *p, unsigned long n)
{
    volatile uint8_t *b = p;

    while (n--) {
        *b++ = 0;
    }
}

/*
 * Stage-1 translation tables of one domain for granule 4, 16 or 64 KiB
 * (Arm ARM D8.2): input sizes of 39, 36 and 42 bits, so three levels
 * with 4 KiB pages and two with 16 or 64 KiB ones; every table one
 * granule of DMA memory.
 */
typedef struct Pt {
    unsigned shift;                  /* page: 12, 14 or 16 */
    unsigned bits;                   /* index bits per level */
    unsigned ias;                    /* input address bits: 64 - T0SZ */
    unsigned levels;
    unsigned tg0;                    /* TG0: 0 4K, 1 64K, 2 16K */
    uint64_t *root;
} Pt;

/* The granule domains get: the driver's export smmu_hw_granule_kb */
extern int smmu_hw_granule_kb;

static int pt_init(CrCore *c, Pt *pt, unsigned granule_kb)
{
    static const struct {
        unsigned kb, shift, ias, tg0;
    } g[] = { { 4, 12, 39, 0 }, { 16, 14, 36, 2 }, { 64, 16, 42, 1 } };
    unsigned i;

    for (i = 0; i < 3 && g[i].kb != granule_kb; i++) {
    }
    if (i == 3) {
        return -CR_EINVAL;
    }
    pt->shift = g[i].shift;
    pt->bits = g[i].shift - 3;
    pt->ias = g[i].ias;
    pt->levels = (pt->ias - pt->shift + pt->bits - 1) / pt->bits;
    pt->tg0 = g[i].tg0;
    pt->root = cr_dma_alloc(c, 1ul << pt->shift, 1ul << pt->shift);
    return pt->root ? 0 : -CR_ENOMEM;
}

/* 0, 1, 2 for 4, 16, 64 KiB: the ID registers' granule bits */
static unsigned granule_index(int kb)
{
    return kb == 4 ? 0 : kb == 16 ? 1 : kb == 64 ? 2 : 31;
}

/*
 * A DMA domain's tables in the granule smmu_hw_granule_kb asks for, if
 * the SMMU takes it (@supported: bit 0 4K, 1 16K, 2 64K, from its ID
 * registers): 0, -ENODEV, or -ENOMEM.
 */
static int pt_init(CrCore *c, Pt *pt, unsigned granule_kb);
static int smmu_domain_tables(CrCore *c, Pt *pt, unsigned supported)
{
    if (!(supported >> granule_index(smmu_hw_granule_kb) & 1)) {
        return -CR_ENODEV;
    }
    return pt_init(c, pt, (unsigned)smmu_hw_granule_kb) ? -CR_ENOMEM : 0;
}

static uint64_t pt_addr_mask(const Pt *pt)
{
    return 0xffffffffffffull & ~((1ull << pt->shift) - 1);
}

/* Table @t at @depth (0: the root) and every table below it */
static void pt_free_tree(CrCore *c, const Pt *pt, uint64_t *t, unsigned depth)
{
    unsigned i;

    if (depth + 1 < pt->levels) {
        for (i = 0; i < (1u << pt->bits); i++) {
            if ((t[i] & 3) == 3) {
                pt_free_tree(c, pt, (uint64_t *)(uintptr_t)
                             (t[i] & pt_addr_mask(pt)), depth + 1);
            }
        }
    }
    cr_dma_free(c, t, 1ul << pt->shift);
}

static void pt_free(CrCore *c, Pt *pt)
{
    if (pt->root) {
        pt_free_tree(c, pt, pt->root, 0);
        pt->root = NULL;
    }
}

/* A last-level page descriptor: normal memory (MAIR attr 0), inner
 * shareable, read/write at any privilege (the devices' unprivileged
 * accesses), accessed, not global. */
#define PTE_PAGE(pa) ((pa) | 3 | (1ull << 6) | (3ull << 8) | (1ull << 10) | \
                      (1ull << 11))

/* Map the page at @iova to @pa */
static int pt_map_page(CrCore *c, const Pt *pt, uint64_t iova, uint64_t pa)
{
    uint64_t *t = pt->root, mask = (1ull << pt->bits) - 1;
    unsigned depth;

    for (depth = 0; depth + 1 < pt->levels; depth++) {
        unsigned i = (unsigned)(iova >> (pt->shift + pt->bits *
                                         (pt->levels - 1 - depth))) & mask;

        if ((t[i] & 3) != 3) {
            uint64_t *next = cr_dma_alloc(c, 1ul << pt->shift,
                                          1ul << pt->shift);

            if (!next) {
                return -CR_ENOMEM;
            }
            t[i] = (uint64_t)(uintptr_t)next | 3;
        }
        t = (uint64_t *)(uintptr_t)(t[i] & pt_addr_mask(pt));
    }
    t[(iova >> pt->shift) & mask] = PTE_PAGE(pa & pt_addr_mask(pt));
    return 0;
}

/* Map @size bytes (whole pages) from @iova to @pa */
static int pt_map(CrCore *c, const Pt *pt, uint64_t iova, uint64_t pa,
                  uint64_t size)
{
    uint64_t page = 1ull << pt->shift, off;

    if ((iova | pa | size) & (page - 1) || iova >> pt->ias ||
        size > (1ull << pt->ias) - iova) {
        return -CR_EINVAL;           /* past the input range: would wrap */
    }
    for (off = 0; off < size; off += page) {
        if (pt_map_page(c, pt, iova + off, pa + off)) {
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
