/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: DMA of smmu-testdev through the SMMUv2 (IHI 0062
 * "Translation flow"): sCR0.CLIENTPD, stream matching with SMR ID/MASK/
 * VALID and conflicts under sCR0.SMCFCFG = 0, S2CR types and attribute
 * overrides, stage-1 banks (CBAR.TYPE 1: stage 1 with stage-2 bypass)
 * and stage-2 banks (CBAR.TYPE 0) with every granule and leaf level,
 * TTBR1, SCTLR.M and SCTLR.E, nested banks (CBAR.TYPE 3 on a stage-2
 * bank), and extended StreamIDs (sIDR0.EXIDS, sCR0.EXIDENABLE,
 * S2CR.EXIDVALID), with StreamIDs counted from the root bus of a
 * pxb-pcie numbered from 128.
 *
 * Each case checks where the data landed in guest memory: a translated
 * access lands in the frame the table names, a bypassed one at its own
 * address.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define IOVA            UINT64_C(0x80000000)
#define TD0             0
#define TD1             1
#define SID0            0x10           /* 00:02.0 */
#define SID1            0x18           /* 00:03.0 */

/* Start a machine with @ntd testdevs and enable the SMMU with @scr0. */
static QSm2Env *start(const char *props, unsigned ntd, uint32_t scr0)
{
    QSm2Env *e = qsm2_env_new(props, ntd, NULL);

    qsm2_enable(&e->smmu, scr0);
    return e;
}

/* DMA write of @val by testdev @td at @iova, which must complete. */
static void dma_ok(QSm2Env *e, unsigned td, uint64_t iova, uint32_t val)
{
    if (!qsm2_dma_write(e, td, iova, val)) {
        g_error("DMA to 0x%" G_GINT64_MODIFIER "x failed: testdev ERROR "
                "0x%x, sGFSR 0x%x", iova,
                qtd_readl(&e->td[td], SMMU_TESTDEV_ERROR),
                qsm2_gfsr(&e->smmu));
    }
}

/* ---- leaves of every granule and level (a table) ------------------------- */

typedef struct MapCase {
    const char *name;
    bool stage2;
    unsigned gshift;
    unsigned level;          /* of the leaf: 3 page, lower levels blocks */
} MapCase;

static const MapCase map_cases[] = {
    { "s1/4k/page", false, 12, 3 },
    { "s1/4k/block-2m", false, 12, 2 },
    { "s1/4k/block-1g", false, 12, 1 },
    { "s1/16k/page", false, 14, 3 },
    { "s1/16k/block-32m", false, 14, 2 },
    { "s1/64k/page", false, 16, 3 },
    { "s1/64k/block-512m", false, 16, 2 },
    { "s2/4k/page", true, 12, 3 },
    { "s2/4k/block-2m", true, 12, 2 },
    { "s2/4k/block-1g", true, 12, 1 },
    { "s2/16k/page", true, 14, 3 },
    { "s2/16k/block-32m", true, 14, 2 },
    { "s2/64k/page", true, 16, 3 },
    { "s2/64k/block-512m", true, 16, 2 },
};

/*
 * Map the leaf holding a fresh buffer at IOVA (the block or page around
 * it), then write through it and read the word back from the buffer.
 * Stage-2 banks are taken from the stage-2-only ones (0..3), stage-1
 * banks from the others.
 */
static void test_map(const void *opaque)
{
    const MapCase *c = opaque;
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t size = qenv_level_size(c->gshift, c->level);
    uint64_t buf = qsm2_env_buf(e, 4096);
    uint64_t base = buf & ~(size - 1);
    uint64_t iova = IOVA + (buf - base) + 0x124;
    QSm2Xlate x;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, c->stage2 ? 2 : 7, c->stage2,
                     c->gshift, 1, 1);
    qsm2_map(&x, IOVA, base, c->level, 0);
    dma_ok(e, TD0, iova, 0x5a5a0000 + c->level);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x124), ==, 0x5a5a0000 + c->level);
    g_assert(qsm2_dma_read(e, TD0, iova));
    g_assert_cmphex(qsm2_gfsr(&e->smmu), ==, 0);
    g_assert_cmphex(qsm2_fsr(&e->smmu, x.cbndx), ==, 0);
    qsm2_env_free(e);
}

/* ---- bypass paths -------------------------------------------------------- */

/*
 * A stage-1 context for testdev 0 that maps the guest address of @a to
 * frame @b: a DMA to @a lands in @b when translated, in @a when not.
 */
static void map_a_to_b(QSm2Env *e, QSm2Xlate *x, unsigned cb, uint64_t a,
                       uint64_t b)
{
    qsm2_xlate_setup(&e->smmu, x, 0, SID0, cb, false, 12, 1, 1);
    qsm2_map(x, a, b, 3, 0);
}

/* sCR0.CLIENTPD = 1 (its reset value): every transaction bypasses. */
static void test_clientpd_bypass(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 1, NULL);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    map_a_to_b(e, &x, 5, a, b);
    qsm2_gr0_writel(&e->smmu, QSM2_SCR0, QSM2_SCR0_CLIENTPD |
                    QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    dma_ok(e, TD0, a, 0x11);
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0x11);
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0);
    /* and CLIENTPD = 0 puts the translation in place */
    qsm2_enable(&e->smmu, QSM2_SCR0_REPORT);
    dma_ok(e, TD0, a + 4, 0x22);
    g_assert_cmphex(qsm2_env_ld32(e, b + 4), ==, 0x22);
    qsm2_env_free(e);
}

/* No group matches and sCR0.USFCFG = 0: the transaction bypasses. */
static void test_unmatched_bypass(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t a = qsm2_env_buf(e, 4096);

    dma_ok(e, TD0, a + 8, 0x33);
    g_assert_cmphex(qsm2_env_ld32(e, a + 8), ==, 0x33);
    g_assert_cmphex(qsm2_gfsr(&e->smmu), ==, 0);
    qsm2_env_free(e);
}

/* S2CR.TYPE = 0b01 (bypass): the bank is not consulted. */
static void test_s2cr_bypass(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    map_a_to_b(e, &x, 5, a, b);
    qsm2_s2cr(&e->smmu, 0, QSM2_S2CR_TYPE(QSM2_S2CR_BYPASS) |
              QSM2_S2CR_CBNDX(5));
    dma_ok(e, TD0, a, 0x44);
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0x44);
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0);
    qsm2_env_free(e);
}

/* SCTLR.M = 0: the bank does not translate. */
static void test_bank_disabled(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    map_a_to_b(e, &x, 5, a, b);
    qsm2_cb_writel(&e->smmu, 5, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX & ~QSM2_SCTLR_M);
    dma_ok(e, TD0, a, 0x55);
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0x55);
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0);
    qsm2_env_free(e);
}

/* ---- stage-1 details ----------------------------------------------------- */

/* A 48-bit input (T0SZ 16): a 4-level walk from level 0. */
static void test_s1_48bit(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t buf = qsm2_env_buf(e, 4096);
    uint64_t iova = UINT64_C(0x00007f1234567000);
    QSm3Pt pt;

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 48);
    g_assert_cmpuint(pt.start_level, ==, 0);
    qsm3_pt_map(&pt, iova, buf, 3, 0);
    qsm2_cb_s1(&e->smmu, 6, &pt, 9, 9);
    qsm2_stream(&e->smmu, 0, SID0, 6);
    dma_ok(e, TD0, iova + 0x10, 0x66);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x10), ==, 0x66);
    qsm2_env_free(e);
}

/*
 * Addresses with bit 63 set use TTBR1 with T1SZ and TG1 (here 16K:
 * TG1 = 0b01), when TCR.EPD1 allows it.
 */
static void test_s1_ttbr1(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t buf = qsm2_env_buf(e, 16384);
    uint64_t iova = UINT64_C(0xffff800000200000);
    QSm3Pt lo, hi;
    uint32_t tcr;

    qsm3_pt_init(&lo, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_init(&hi, &e->bus, &e->alloc, false, 14, 47);
    /* The walk of an upper address uses its low 47 bits */
    qsm3_pt_map(&hi, iova & ((UINT64_C(1) << 47) - 1), buf, 3, 0);
    qsm2_cb_s1(&e->smmu, 8, &lo, 3, 3);
    tcr = qsm2_cb_readl(&e->smmu, 8, QSM2_CB_TCR) & ~QSM2_TCR_EPD1;
    qsm2_cb_writel(&e->smmu, 8, QSM2_CB_TCR, tcr | QSM2_TCR_T1SZ(17) |
                   QSM2_TCR_TG1(1) | QSM2_TCR_WALK1_WBWA);
    qsm2_cb_writeq(&e->smmu, 8, QSM2_CB_TTBR1, hi.root);
    qsm2_stream(&e->smmu, 0, SID0, 8);
    dma_ok(e, TD0, iova + 0x2468, 0x77);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x2468), ==, 0x77);
    qsm2_env_free(e);
}

/* Byte-swap the 64-bit descriptor at @addr. */
static void swap_desc(QSm2Env *e, uint64_t addr)
{
    qbus_st64(&e->bus, addr, GUINT64_SWAP_LE_BE(qbus_ld64(&e->bus, addr)));
}

/*
 * SCTLR.E = 1: the bank's descriptors are big-endian.  Tables written
 * big-endian translate; the same tables little-endian do not (the valid
 * bit is then in the last byte, 0: a translation fault).
 */
static void test_s1_big_endian(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm2Xlate x;
    uint64_t desc[4];
    unsigned l;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, buf, 3, 0);
    qsm2_cb_writel(&e->smmu, 5, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX | QSM2_SCTLR_E);
    qsm2_dma_fails(e, TD0, IOVA, true);
    g_assert_cmphex(qsm2_fsr(&e->smmu, 5), ==, 0x2);        /* TF */
    qsm2_fsr_clear(&e->smmu, 5);
    /* Find every descriptor of the walk first: swapped ones lead nowhere */
    for (l = x.pt.start_level; l <= 3; l++) {
        desc[l] = qsm3_pt_desc_addr(&x.pt, IOVA, l);
        g_assert(desc[l]);
    }
    for (l = x.pt.start_level; l <= 3; l++) {
        swap_desc(e, desc[l]);
    }
    dma_ok(e, TD0, IOVA + 0x30, 0x88);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x30), ==, 0x88);
    qsm2_env_free(e);
}

/*
 * A leaf only privileged accesses may use (AP[1] = 0): PCI DMA is
 * unprivileged, and S2CR.PRIVCFG = 0b11 makes the stream privileged.
 */
static void test_privcfg_privileged(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm2Xlate x;
    uint64_t leaf;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    leaf = qsm2_map(&x, IOVA, buf, 3, 0);
    qsm2_desc_update(&e->smmu, leaf, 1u << 6, 0);           /* AP[1] = 0 */
    qsm2_s2cr(&e->smmu, 0, QSM2_S2CR_PRIVCFG(3) | QSM2_S2CR_CBNDX(5));
    dma_ok(e, TD0, IOVA + 0x40, 0x99);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x40), ==, 0x99);
    qsm2_env_free(e);
}

/* The TLB answers a repeated access: the stats count one hit. */
static void test_tlb_hit(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t buf = qsm2_env_buf(e, 4096);
    uint64_t hits;
    QSm2Xlate x;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, buf, 3, 0);
    dma_ok(e, TD0, IOVA, 1);
    hits = qsm2_env_stat(e, "hits");
    dma_ok(e, TD0, IOVA + 0x800, 2);
    g_assert_cmpuint(qsm2_env_stat(e, "hits"), ==, hits + 1);
    qsm2_env_free(e);
}

/* ---- stream matching ----------------------------------------------------- */

/* SMR MASK bits are don't-care: ID 0x10 MASK 0x8 takes 0x10 and 0x18. */
static void test_smr_mask(void)
{
    QSm2Env *e = start(NULL, 2, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm3Pt pt;

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_map(&pt, IOVA, buf, 3, 0);
    qsm2_cb_s1(&e->smmu, 4, &pt, 1, 1);
    qsm2_s2cr(&e->smmu, 9, QSM2_S2CR_CBNDX(4));
    qsm2_smr(&e->smmu, 9, 0x10, 0x8);
    dma_ok(e, TD0, IOVA + 0x100, 0xa0);
    dma_ok(e, TD1, IOVA + 0x104, 0xa1);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x100), ==, 0xa0);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x104), ==, 0xa1);
    g_assert_cmphex(qsm2_gfsr(&e->smmu), ==, 0);
    qsm2_env_free(e);
}

/* An SMR without VALID matches nothing (USFCFG = 0: bypass). */
static void test_smr_invalid(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    map_a_to_b(e, &x, 5, a, b);
    qsm2_gr0_writel(&e->smmu, QSM2_SMR(0), SID0);           /* VALID 0 */
    dma_ok(e, TD0, a, 0xb0);
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0xb0);
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0);
    qsm2_env_free(e);
}

/*
 * Two groups match with sCR0.SMCFCFG = 0: UNPREDICTABLE in the
 * architecture; the model uses the lowest-numbered group
 * (docs/smmuv2-model.md), whichever bank it names.
 */
static void test_conflict_lowest_group(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm3Pt pa, pb;

    qsm3_pt_init(&pa, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_init(&pb, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_map(&pa, IOVA, a, 3, 0);
    qsm3_pt_map(&pb, IOVA, b, 3, 0);
    qsm2_cb_s1(&e->smmu, 4, &pa, 1, 1);
    qsm2_cb_s1(&e->smmu, 5, &pb, 2, 2);
    qsm2_stream(&e->smmu, 2, SID0, 4);
    qsm2_s2cr(&e->smmu, 3, QSM2_S2CR_CBNDX(5));
    qsm2_smr(&e->smmu, 3, 0x10, 0x7);
    dma_ok(e, TD0, IOVA, 0xc0);
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0xc0);
    /* Swap the banks the groups name: group 2 still wins */
    qsm2_s2cr(&e->smmu, 2, QSM2_S2CR_CBNDX(5));
    qsm2_s2cr(&e->smmu, 3, QSM2_S2CR_CBNDX(4));
    dma_ok(e, TD0, IOVA + 4, 0xc1);
    g_assert_cmphex(qsm2_env_ld32(e, b + 4), ==, 0xc1);
    g_assert_cmphex(qsm2_env_ld32(e, a + 4), ==, 0);
    g_assert_cmphex(qsm2_gfsr(&e->smmu), ==, 0);
    qsm2_env_free(e);
}

/* Two streams, two banks, the same IOVA: each lands in its own frame. */
static void test_two_streams(void)
{
    QSm2Env *e = start(NULL, 2, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm2Xlate x0, x1;

    qsm2_xlate_setup(&e->smmu, &x0, 0, SID0, 6, false, 12, 1, 1);
    qsm2_xlate_setup(&e->smmu, &x1, 1, SID1, 2, true, 16, 0, 2);
    qsm2_map(&x0, IOVA, a, 3, 0);
    qsm2_map(&x1, IOVA, b & ~UINT64_C(0xffff), 3, 0);
    dma_ok(e, TD0, IOVA + 0x10, 0xd0);
    dma_ok(e, TD1, IOVA + (b & 0xffff) + 0x10, 0xd1);
    g_assert_cmphex(qsm2_env_ld32(e, a + 0x10), ==, 0xd0);
    g_assert_cmphex(qsm2_env_ld32(e, b + 0x10), ==, 0xd1);
    qsm2_env_free(e);
}

/*
 * Stage 2 as Linux's io-pgtable sets it up for a 40-bit IPA with 4K
 * granules: T0SZ 24 and SL0 = 1 start at level 1, which then resolves
 * 10 bits: two concatenated level-1 tables (8KiB, 8KiB aligned).  An IPA
 * with bit 39 set walks through the second one.  Descriptors are
 * written here by hand, as the architecture lays them out.
 */
static void test_s2_concatenated(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT);
    QSm2 *s = &e->smmu;
    uint64_t ipa = UINT64_C(0x8040201000);
    uint64_t root = qalloc(&e->alloc, 8192, 8192);
    uint64_t l2 = qsm2_env_buf(e, 4096), l3 = qsm2_env_buf(e, 4096);
    uint64_t buf = qsm2_env_buf(e, 4096);
    /* page: AF [10], SH inner [9:8], S2AP RW [7:6], MemAttr WB [5:2] */
    uint64_t page = buf | 1u << 10 | 3u << 8 | 3u << 6 | 0xfu << 2 | 3;

    qbus_st64(&e->bus, root + ((ipa >> 30) & 0x3ff) * 8, l2 | 3);
    qbus_st64(&e->bus, l2 + ((ipa >> 21) & 0x1ff) * 8, l3 | 3);
    qbus_st64(&e->bus, l3 + ((ipa >> 12) & 0x1ff) * 8, page);
    g_assert_cmphex((ipa >> 30) & 0x3ff, >=, 512);          /* table 2 */
    qsm2_gr1_writel(s, QSM2_CBA2R(1), QSM2_CBA2R_VA64);
    qsm2_gr1_writel(s, QSM2_CBAR(1), QSM2_CBAR_VMID(3));    /* TYPE 0 */
    qsm2_cb_writel(s, 1, QSM2_CB_TCR, QSM2_VTCR_RES1 | QSM2_VTCR_PS(2) |
                   QSM2_TCR_TG0(0) | QSM2_TCR_WALK0_WBWA |
                   QSM2_VTCR_SL0(1) | QSM2_TCR_T0SZ(24));
    qsm2_cb_writeq(s, 1, QSM2_CB_TTBR0, root);
    qsm2_cb_writel(s, 1, QSM2_CB_SCTLR, QSM2_SCTLR_LINUX);
    qsm2_stream(s, 0, SID0, 1);
    dma_ok(e, TD0, ipa + 0x48, 0xe1);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x48), ==, 0xe1);
    qsm2_env_free(e);
}

/* sCR0.VMID16EN: a stage-2 bank's VMID comes from CBA2R.VMID16. */
static void test_s2_vmid16(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT | QSM2_SCR0_VMID16EN);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 3, true, 12, 0, 0x1234);
    g_assert_cmphex(qsm2_gr1_readl(&e->smmu, QSM2_CBA2R(3)), ==,
                    0x12340001);
    qsm2_map(&x, IOVA, buf, 3, 0);
    dma_ok(e, TD0, IOVA + 0x20, 0xe0);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x20), ==, 0xe0);
    qsm2_env_free(e);
}

/* ---- extended StreamIDs -------------------------------------------------- */

#define EXIDS   "exids=on,numsidb=16"

/*
 * With sCR0.EXIDENABLE, SMRn holds a 16-bit ID [15:0] and MASK [31:16],
 * and S2CRn.EXIDVALID says whether the group is valid.
 */
static void test_exids_exidvalid(void)
{
    QSm2Env *e = start(EXIDS, 1, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG |
                       QSM2_SCR0_EXIDENABLE);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, buf, 3, 0);
    /* bit 31 is MASK[15] now, not VALID: a don't-care bit */
    qsm2_gr0_writel(&e->smmu, QSM2_SMR(0), 0x80000010);
    qsm2_s2cr(&e->smmu, 0, QSM2_S2CR_EXIDVALID | QSM2_S2CR_CBNDX(5));
    dma_ok(e, TD0, IOVA + 0x50, 0xf0);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x50), ==, 0xf0);
    qsm2_env_free(e);
}

/* Without S2CR.EXIDVALID the group is invalid: unidentified stream. */
static void test_exids_no_exidvalid(void)
{
    QSm2Env *e = start(EXIDS, 1, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG |
                       QSM2_SCR0_EXIDENABLE);
    QSm2Xlate x;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, qsm2_env_buf(e, 4096), 3, 0);
    qsm2_gr0_writel(&e->smmu, QSM2_SMR(0), 0x80000010);     /* VALID set */
    qsm2_s2cr(&e->smmu, 0, QSM2_S2CR_CBNDX(5));
    qsm2_dma_fails(e, TD0, IOVA, true);
    g_assert_cmphex(qsm2_gfsr(&e->smmu), ==, 0x2);          /* USF */
    qsm2_env_free(e);
}

/*
 * sIDR0.EXIDS but sCR0.EXIDENABLE = 0: the 15-bit layout with SMR.VALID
 * applies, and S2CR.EXIDVALID is not looked at.
 */
static void test_exids_disabled(void)
{
    QSm2Env *e = start(EXIDS, 1, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, buf, 3, 0);
    dma_ok(e, TD0, IOVA + 0x60, 0xf1);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x60), ==, 0xf1);
    qsm2_env_free(e);
}

/*
 * Streams count from the root bus: testdev 81:00.0 behind a root port on
 * a pxb-pcie numbered 0x80, whose own SMMU (with 16-bit StreamIDs, SMR
 * in the EXIDENABLE layout) sees requester id 0x8100 as StreamID 0x0100
 * (the iommu-map's iommu-base is 0).  An SMR with ID 0x8100 does not
 * match it (USF, sGFSYNR1 = 0x0100); one with ID 0x0100 does.
 */
#define PXB_BUS         0x80
#define PXB_TD_RID      0x8100
#define PXB_TD_SID      0x0100

static void test_exids_root_relative_sid(void)
{
    g_autofree char *extra = qsm2_pxb_args(PXB_BUS, EXIDS);
    QSm2Env *e = qsm2_env_new(NULL, 0, extra);
    uint64_t buf = qsm2_env_buf(e, 4096);
    QSm2Pxb p;
    QSm2Xlate x;

    qsm2_env_pxb_attach(e, &p, PXB_BUS);
    g_assert_cmphex(p.td.sid, ==, PXB_TD_RID);
    qsm2_enable(&p.smmu, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG |
                QSM2_SCR0_EXIDENABLE);
    qsm2_xlate_setup(&p.smmu, &x, 0, PXB_TD_SID, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, buf, 3, 0);
    qsm2_gr0_writel(&p.smmu, QSM2_SMR(0), 0x00008100);
    qsm2_s2cr(&p.smmu, 0, QSM2_S2CR_EXIDVALID | QSM2_S2CR_CBNDX(5));
    g_assert(!qtd_write(&p.td, IOVA, 4, 1));
    g_assert_cmphex(qsm2_gfsr(&p.smmu), ==, 0x2);           /* USF */
    g_assert_cmphex(qsm2_gr0_readl(&p.smmu, QSM2_SGFSYNR1), ==, 0x0100);
    qsm2_gfsr_clear(&p.smmu);
    qsm2_gr0_writel(&p.smmu, QSM2_SMR(0), 0x00000100);
    g_assert(qtd_write(&p.td, IOVA + 0x70, 4, 0xf2));
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x70), ==, 0xf2);
    g_assert_cmphex(qsm2_gfsr(&p.smmu), ==, 0);
    qsm2_env_free(e);
}

/* ---- nested: CBAR.TYPE 3, stage-2 bank in CBAR[15:8] --------------------- */

#define NEST_S1CB       5
#define NEST_S2CB       1              /* a stage-2-only bank */
#define RAM_BASE        UINT64_C(0x40000000)
#define IPA_ALIAS       UINT64_C(0x80000000)   /* stage 2: -> RAM_BASE */
#define IPA_HOLE        UINT64_C(0xc0000000)   /* stage 2: unmapped */

/*
 * Bank 1 as a stage-2 bank (VMID 3, 39-bit IPA from level 1): IPA RAM
 * maps to itself (the stage-1 tables are IPAs) and IPA_ALIAS's 1GiB to
 * RAM; bank 5, set up for stage 1, is made nested on it (TYPE 3, CBNDX
 * 1).  Stage 1 maps IOVA to IPA_ALIAS + (@buf - RAM) and IOVA + 0x1000
 * to IPA_HOLE.
 */
static void nested_setup(QSm2Env *e, uint64_t buf)
{
    QSm2 *s = &e->smmu;
    QSm2Xlate x;
    QSm3Pt s2;

    qsm3_pt_init(&s2, s->bus, s->alloc, true, 12, 39);
    qsm3_pt_identity(&s2, RAM_BASE, RAM_BASE);
    qsm3_pt_map(&s2, IPA_ALIAS, RAM_BASE, 1, 0);
    qsm2_cb_s2(s, NEST_S2CB, &s2, 3);
    qsm2_xlate_setup(s, &x, 0, SID0, NEST_S1CB, false, 12, 1, 1);
    qsm2_map(&x, IOVA, IPA_ALIAS + (buf - RAM_BASE), 3, 0);
    qsm2_map(&x, IOVA + 0x1000, IPA_HOLE, 3, 0);
    qsm2_gr1_writel(s, QSM2_CBAR(NEST_S1CB), 0x30000 | NEST_S2CB << 8);
}

/* Stage 1 then stage 2: the write lands at @buf, through IPA_ALIAS. */
static void test_nested(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    uint64_t buf = qsm2_env_buf(e, 4096);

    nested_setup(e, buf);
    dma_ok(e, TD0, IOVA + 0x44, 0x7e57ed);
    g_assert_cmphex(qsm2_env_ld32(e, buf + 0x44), ==, 0x7e57ed);
    g_assert_cmphex(qsm2_fsr(&e->smmu, NEST_S1CB), ==, 0);
    g_assert_cmphex(qsm2_fsr(&e->smmu, NEST_S2CB), ==, 0);
    qsm2_env_free(e);
}

/*
 * Stage 1 gives IPA_HOLE + 0x48, which stage 2 does not map: the fault
 * is the stage-2 bank's: FSR.TF, FSYNR0 = S1CBNDX 5 [23:16], NSATTR [8],
 * WNR [4], PLVL 1 (the level-1 entry is invalid); FAR the IOVA, IPAFAR
 * the IPA; the stage-1 bank records nothing.
 */
static void test_nested_s2_fault(void)
{
    QSm2Env *e = start(NULL, 1, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    QSm2 *s = &e->smmu;

    nested_setup(e, qsm2_env_buf(e, 4096));
    g_assert(!qsm2_dma_write(e, TD0, IOVA + 0x1048, 1));
    g_assert_cmphex(qsm2_fsr(s, NEST_S2CB), ==, 0x2);
    g_assert_cmphex(qsm2_cb_readl(s, NEST_S2CB, QSM2_CB_FSYNR0), ==,
                    0x00050111);
    g_assert_cmphex(qsm2_cb_readq(s, NEST_S2CB, QSM2_CB_FAR), ==,
                    IOVA + 0x1048);
    g_assert_cmphex(qsm2_cb_readq(s, NEST_S2CB, QSM2_CB_IPAFAR), ==,
                    IPA_HOLE + 0x48);
    g_assert_cmphex(qsm2_fsr(s, NEST_S1CB), ==, 0);
    qsm2_env_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv2-ext/translation/map", map_cases, test_map);
    g_test_add_func("/arm-smmuv2-ext/translation/bypass/clientpd",
                    test_clientpd_bypass);
    g_test_add_func("/arm-smmuv2-ext/translation/bypass/unmatched",
                    test_unmatched_bypass);
    g_test_add_func("/arm-smmuv2-ext/translation/bypass/s2cr",
                    test_s2cr_bypass);
    g_test_add_func("/arm-smmuv2-ext/translation/bypass/sctlr-m-clear",
                    test_bank_disabled);
    g_test_add_func("/arm-smmuv2-ext/translation/s1/48-bit-input",
                    test_s1_48bit);
    g_test_add_func("/arm-smmuv2-ext/translation/s1/ttbr1-16k",
                    test_s1_ttbr1);
    g_test_add_func("/arm-smmuv2-ext/translation/s1/big-endian",
                    test_s1_big_endian);
    g_test_add_func("/arm-smmuv2-ext/translation/s1/privcfg-privileged",
                    test_privcfg_privileged);
    g_test_add_func("/arm-smmuv2-ext/translation/s1/tlb-hit", test_tlb_hit);
    g_test_add_func("/arm-smmuv2-ext/translation/s2/concatenated-tables",
                    test_s2_concatenated);
    g_test_add_func("/arm-smmuv2-ext/translation/s2/vmid16",
                    test_s2_vmid16);
    g_test_add_func("/arm-smmuv2-ext/translation/smr/mask", test_smr_mask);
    g_test_add_func("/arm-smmuv2-ext/translation/smr/invalid",
                    test_smr_invalid);
    g_test_add_func("/arm-smmuv2-ext/translation/smr/conflict-lowest-group",
                    test_conflict_lowest_group);
    g_test_add_func("/arm-smmuv2-ext/translation/two-streams",
                    test_two_streams);
    g_test_add_func("/arm-smmuv2-ext/translation/exids/exidvalid",
                    test_exids_exidvalid);
    g_test_add_func("/arm-smmuv2-ext/translation/exids/no-exidvalid",
                    test_exids_no_exidvalid);
    g_test_add_func("/arm-smmuv2-ext/translation/exids/disabled",
                    test_exids_disabled);
    g_test_add_func("/arm-smmuv2-ext/translation/exids/root-relative-streamid",
                    test_exids_root_relative_sid);
    g_test_add_func("/arm-smmuv2-ext/translation/nested", test_nested);
    g_test_add_func("/arm-smmuv2-ext/translation/nested/s2-fault",
                    test_nested_s2_fault);
    return g_test_run();
}
