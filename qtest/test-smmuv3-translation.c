/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: translation seen through smmu-testdev DMA.
 * Stage 1, stage 2 and nested walks for every granule with pages and
 * blocks, 2-level stream tables, S1DSS, TBI, permissions, Access flag
 * and dirty-state hardware updates.  Each case checks where the data
 * landed in guest memory and that no event was recorded.  A case first
 * checks that the SMMU advertises what it uses (stages, granule,
 * substreams), as a driver would.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)

/* DMA @len bytes of @pattern to @iova; assert done and landed at @pa. */
static void dma_ok(QEnv *e, uint64_t iova, uint64_t pa, uint32_t pattern)
{
    uint64_t rec[4];

    if (!qtd_write(&e->td, iova, 256, pattern)) {
        g_autofree char *ev = qsm3_evt_pop(&e->smmu, rec) ?
                              qsm3_evt_str(rec) : g_strdup("no event");

        g_error("DMA write to 0x%" G_GINT64_MODIFIER "x failed: ERROR 0x%x "
                "FAULT_INFO 0x%x, %s", iova,
                qtd_readl(&e->td, SMMU_TESTDEV_ERROR),
                qtd_readl(&e->td, SMMU_TESTDEV_FAULT_INFO), ev);
    }
    g_assert_cmphex(qenv_ld32(e, pa), ==, pattern);
    g_assert_cmphex(qenv_ld32(e, pa + 252), ==, pattern);
    g_assert(qtd_read(&e->td, iova, 256));
    qsm3_evt_none(&e->smmu);
}

/*
 * The stages @stage translates with and the 2^@gshift granule, which a
 * driver finds in the ID registers before using them (IHI 0070 5.2:
 * STE.Config 0b11x is ILLEGAL without IDR0.S2P, 0b1x1 without
 * IDR0.S1P; CD.TG0 and STE.S2TG must name a granule IDR5 lists).
 */
static void require_xlate(QEnv *e, QEnvStage stage, unsigned gshift)
{
    uint32_t idr0 = qenv_idr(e, 0), idr5 = qenv_idr(e, 5);

    qenv_require(e, stage == QENV_S2 || (idr0 & SM3_IDR0_S1P),
                 "IDR0.S1P (stage 1)");
    qenv_require(e, stage == QENV_S1 || (idr0 & SM3_IDR0_S2P),
                 "IDR0.S2P (stage 2)");
    switch (gshift) {
    case 12:
        qenv_require(e, idr5 & SM3_IDR5_GRAN4K, "IDR5.GRAN4K (4KB granule)");
        break;
    case 14:
        qenv_require(e, idr5 & SM3_IDR5_GRAN16K,
                     "IDR5.GRAN16K (16KB granule)");
        break;
    default:
        qenv_require(e, idr5 & SM3_IDR5_GRAN64K,
                     "IDR5.GRAN64K (64KB granule)");
        break;
    }
}

/* ---- stage x granule x leaf level ---------------------------------------- */

typedef struct XlateCase {
    const char *name;
    QEnvStage stage;
    unsigned gshift;
    unsigned level;          /* 3: page, 2 or 1: block */
} XlateCase;

#define XC(st, sn, g, gn, l, ln) \
    { sn "/" gn "/" ln, st, g, l }
#define XC_ALL(st, sn) \
    XC(st, sn, 12, "4k", 3, "page"), XC(st, sn, 12, "4k", 2, "block-2m"), \
    XC(st, sn, 12, "4k", 1, "block-1g"), \
    XC(st, sn, 14, "16k", 3, "page"), XC(st, sn, 14, "16k", 2, "block-32m"), \
    XC(st, sn, 16, "64k", 3, "page"), XC(st, sn, 16, "64k", 2, "block-512m")

static const XlateCase xlate_cases[] = {
    XC_ALL(QENV_S1, "s1"),
    XC_ALL(QENV_S2, "s2"),
    XC_ALL(QENV_NESTED, "nested"),
};

static void test_xlate(const void *opaque)
{
    const XlateCase *c = opaque;
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t size = qenv_level_size(c->gshift, c->level);
    uint64_t gran = UINT64_C(1) << c->gshift;
    uint64_t buf = qalloc(&e->alloc, gran, gran);
    uint64_t leaf_pa = buf & ~(size - 1);   /* RAM is 1GiB aligned */
    uint64_t iova = IOVA + (c->level == 1 ? 0 : 3 * size);
    uint64_t off = (buf - leaf_pa) + 0x100;

    require_xlate(e, c->stage, c->gshift);
    qenv_xlate_setup(e, &x, QENV_TD_SID, c->stage, c->gshift, 0);
    qenv_xlate_map(e, &x, iova, leaf_pa, c->level, 0);
    dma_ok(e, iova + off, leaf_pa + off, 0x11223344 + c->level);
    /* The next page of the same leaf translates too (pages: unmapped). */
    if (c->level < 3) {
        uint64_t buf2 = qalloc(&e->alloc, gran, gran);

        dma_ok(e, iova + (buf2 - leaf_pa), buf2, 0x55667788);
    }
    qenv_free(e);
}

/* 4KB granule, 48-bit input: a four-level walk from level 0. */
static void test_s1_4k_4level(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t iova = UINT64_C(0x00007f1234567000);

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 48);
    g_assert_cmpuint(pt.start_level, ==, 0);
    qsm3_setup_s1(s, QENV_TD_SID, &pt, 1, 0);
    qsm3_pt_map(&pt, iova, buf, 3, 0);
    dma_ok(e, iova + 0x40, buf + 0x40, 0xcafef00d);
    qenv_free(e);
}

/* Contiguous DMA crossing pages that map to scattered frames. */
static void test_s1_scatter(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t pa[4];
    unsigned i;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    for (i = 0; i < 4; i++) {
        pa[i] = qenv_buf(e, 4096);
        qenv_buf(e, 4096);                   /* a gap between frames */
    }
    for (i = 0; i < 4; i++) {
        qenv_xlate_map(e, &x, IOVA + i * 4096, pa[3 - i], 3, 0);
    }
    g_assert(qtd_write(&e->td, IOVA, 4 * 4096, 0x0badcafe));
    for (i = 0; i < 4; i++) {
        g_assert_cmphex(qenv_ld32(e, pa[i]), ==, 0x0badcafe);
        g_assert_cmphex(qenv_ld32(e, pa[i] + 4092), ==, 0x0badcafe);
    }
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/*
 * An 8-byte write and read through a MemoryRegionCache (the way virtio
 * reaches its rings, smmu-testdev OP.CACHED) that straddle two IOVA
 * pages mapped to frames that are not adjacent, as a used-ring element
 * of a 1024-entry queue does: each half is in its own frame, and the
 * frame right after the first one stays as it was.  QEMU 10.0 wrote the
 * second half there (hw/qemu-fixes/10).
 */
static void test_s1_cached_straddle(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t pair = qenv_buf(e, 2 * 4096);     /* first frame, then next */
    uint64_t second = qenv_buf(e, 4096);
    uint32_t op = SMMU_TESTDEV_OP_CACHED |
                  sm_prep_td(SMMU_TESTDEV_OP_PAT, SMMU_TESTDEV_PAT_CONST);

    qenv_fill(e, pair, 0x5a, 2 * 4096);
    qenv_fill(e, second, 0x5a, 4096);
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, pair, 3, 0);
    qenv_xlate_map(e, &x, IOVA + 4096, second, 3, 0);

    g_assert_cmphex(qtd_run(&e->td, op | SMMU_TESTDEV_OP_WRITE, 0,
                            IOVA + 4092, 8, 1, 0, 0x600dd00d), ==,
                    SMMU_TESTDEV_STATUS_DONE);
    g_assert_cmphex(qenv_ld32(e, pair + 4092), ==, 0x600dd00d);
    g_assert_cmphex(qenv_ld32(e, second), ==, 0x600dd00d);
    g_assert_cmphex(qenv_ld32(e, pair + 4096), ==, 0x5a5a5a5a);
    g_assert_cmphex(qenv_ld32(e, second + 4), ==, 0x5a5a5a5a);

    /* VERIFY reads it back the same way: both halves from their frames */
    g_assert_cmphex(qtd_run(&e->td, op | SMMU_TESTDEV_OP_VERIFY,
                            IOVA + 4092, 0, 8, 1, 0, 0x600dd00d), ==,
                    SMMU_TESTDEV_STATUS_DONE);
    qsm3_evt_none(&e->smmu);

    /* The cache is for untranslated DMA without a PASID only */
    g_assert_cmphex(qtd_run(&e->td, op | SMMU_TESTDEV_OP_WRITE |
                            SMMU_TESTDEV_OP_PASID, 0, IOVA, 8, 1, 0, 1), ==,
                    SMMU_TESTDEV_STATUS_ERROR);
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_BAD_OP);
    g_assert_cmphex(qenv_ld32(e, pair), ==, 0x5a5a5a5a);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/*
 * The same cached write, 64 bytes from 4 before the end of a mapped page
 * into one that is not mapped: the 4 bytes land, the rest fails, and the
 * SMMU is asked about the unmapped page once (one F_TRANSLATION at its
 * first byte), not once per piece QEMU's memory core writes.
 */
static void test_s1_cached_fault(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t page = qenv_buf(e, 2 * 4096);
    uint32_t op = SMMU_TESTDEV_OP_CACHED | SMMU_TESTDEV_OP_WRITE |
                  sm_prep_td(SMMU_TESTDEV_OP_PAT, SMMU_TESTDEV_PAT_CONST);
    uint64_t rec[4];

    qenv_fill(e, page, 0x5a, 2 * 4096);
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, page, 3, 0);

    g_assert_cmphex(qtd_run(&e->td, op, 0, IOVA + 4092, 64, 1, 0,
                            0x0badf00d), ==, SMMU_TESTDEV_STATUS_ERROR);
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_DMA);
    g_assert_cmphex(qtd_readq(&e->td, SMMU_TESTDEV_FAULT_ADDR), ==,
                    IOVA + 4092);
    g_assert_cmphex(qenv_ld32(e, page + 4092), ==, 0x0badf00d);
    g_assert_cmphex(qenv_ld32(e, page + 4096), ==, 0x5a5a5a5a);
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmphex(rec[2], ==, IOVA + 4096);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* ---- stream table formats ------------------------------------------------ */

/*
 * 2-level stream tables: SID 0x10 sits in the level-2 table of level-1
 * descriptor 0, whose Span covers the whole split; descriptor 1 stays
 * invalid.
 */
typedef struct StrtabCase {
    const char *name;
    unsigned sid_bits, split;
    QEnvStage stage;
    unsigned gshift;
    uint64_t off;
    uint32_t pattern;
} StrtabCase;

static const StrtabCase strtab_cases[] = {
    /* 256 STEs per level-2 table */
    { "2-level", 16, 8, QENV_S1, 12, 8, 0x2f2f2f2f },
    /* 64 STEs per level-2 table */
    { "2-level-split6", 12, 6, QENV_S2, 16, 0x8000, 0x66666666 },
};

static void test_strtab(const void *opaque)
{
    const StrtabCase *c = opaque;
    QSm3Opts o = { .sid_bits = c->sid_bits, .two_level = true,
                   .split = c->split };
    QEnv *e = qenv_start(NULL, "", &o);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, UINT64_C(1) << c->gshift);
    uint64_t l1d;

    require_xlate(e, c->stage, c->gshift);
    qenv_xlate_setup(e, &x, QENV_TD_SID, c->stage, c->gshift, 0);
    l1d = qbus_ld64(&e->bus, e->smmu.strtab);
    g_assert_cmpuint(sm_get(l1d, SM3_L1STD_SPAN), ==, c->split + 1);
    g_assert_cmphex(qbus_ld64(&e->bus, e->smmu.strtab + 8), ==, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, 0);
    dma_ok(e, IOVA + c->off, buf + c->off, c->pattern);
    qenv_free(e);
}

/* STE.Config bypass: the IOVA is the address; abort: nothing is
 * recorded either. */
typedef struct SteCase {
    const char *name;
    void (*build)(uint64_t ste[8]);
    bool passes;
} SteCase;

static const SteCase ste_cases[] = {
    { "bypass", qsm3_ste_bypass, true },
    { "abort", qsm3_ste_abort, false },
};

static void test_ste_config(const void *opaque)
{
    const SteCase *c = opaque;
    QEnv *e = qenv_start(NULL, "", NULL);
    uint64_t ste[8];
    uint64_t buf = qenv_buf(e, 4096);

    c->build(ste);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    if (c->passes) {
        dma_ok(e, buf, buf, 0x77777777);
    } else {
        g_assert(!qtd_write(&e->td, buf, 64, 0x1));
        g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_DMA);
        g_assert_cmphex(qenv_ld32(e, buf), ==, 0);
        qsm3_evt_none(&e->smmu);
    }
    qenv_free(e);
}

/* ---- S1DSS: traffic without a SubstreamID when S1CDMax > 0 --------------- */

/* STE.S1CDMax of the set-up: four CDs. */
#define S1DSS_CDMAX     2

static void s1dss_setup(QEnv *e, QSm3Pt *pt, unsigned s1dss, uint64_t buf)
{
    QSm3 *s = &e->smmu;
    uint64_t cdtab = qsm3_cdtab_linear(s, S1DSS_CDMAX);
    uint64_t cd[8], ste[8];

    qsm3_pt_init(pt, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_map(pt, IOVA, buf, 3, 0);
    qsm3_cd_build(s, cd, pt, 3, 0);
    qsm3_cd_write(s, cdtab, cd);                 /* SSID 0 */
    qsm3_ste_s1(ste, cdtab, SM3_STE0_S1FMT_LINEAR, S1DSS_CDMAX, s1dss);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
}

/* What traffic without a SubstreamID does under each S1DSS. */
typedef struct S1dssCase {
    const char *name;
    unsigned s1dss;
    enum { VIA_CD0, BYPASS, REFUSED } expect;
    uint64_t off;
    uint32_t pattern;
} S1dssCase;

static const S1dssCase s1dss_cases[] = {
    { "ssid0", SM3_STE1_S1DSS_SSID0, VIA_CD0, 0x10, 0x01010101 },
    /* Stage 1 bypassed: the IOVA is used as the address. */
    { "bypass", SM3_STE1_S1DSS_BYPASS, BYPASS, 0x20, 0x02020202 },
    { "terminate", SM3_STE1_S1DSS_TERMINATE, REFUSED, 0, 0x03030303 },
};

static void test_s1dss(const void *opaque)
{
    const S1dssCase *c = opaque;
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3Pt pt;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    /*
     * Substreams: with IDR1.SSIDSIZE == 0 STE.S1CDMax is IGNORED, and so
     * is S1DSS; S1CDMax may be at most SSIDSIZE (IHI 0070 5.2).
     */
    qenv_require(e, sm_get(qenv_idr(e, 1), SM3_IDR1_SSIDSIZE) >= S1DSS_CDMAX,
                 "IDR1.SSIDSIZE >= 2 (four substreams)");
    s1dss_setup(e, &pt, c->s1dss, buf);
    switch (c->expect) {
    case VIA_CD0:
        dma_ok(e, IOVA + c->off, buf + c->off, c->pattern);
        break;
    case BYPASS:
        dma_ok(e, buf + c->off, buf + c->off, c->pattern);
        break;
    case REFUSED:
        g_assert(!qtd_write(&e->td, IOVA + c->off, 64, c->pattern));
        qsm3_evt_expect(&e->smmu, SM3_EVT_F_STREAM_DISABLED, rec);
        g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
        g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 0);
        g_assert_cmphex(qenv_ld32(e, buf), ==, 0);
        qsm3_evt_none(&e->smmu);
        break;
    }
    qenv_free(e);
}

/* ---- TBI ----------------------------------------------------------------- */

static void test_tbi(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t tagged = IOVA | (UINT64_C(0x5a) << 56);

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_TBI);
    qenv_xlate_map(e, &x, IOVA, buf, 3, 0);
    dma_ok(e, tagged + 0x30, buf + 0x30, 0x7b7b7b7b);
    qenv_free(e);
}

/* ---- permissions --------------------------------------------------------- */

typedef struct PermCase {
    const char *name;
    QEnvStage stage;
    unsigned attrs;
    bool read_ok, write_ok;
} PermCase;

static const PermCase perm_cases[] = {
    { "s1/read-only", QENV_S1, QSM3_PT_RO, true, false },
    { "s1/read-write", QENV_S1, 0, true, true },
    { "s2/read-only", QENV_S2, QSM3_PT_RO, true, false },
    { "s2/write-only", QENV_S2, QSM3_PT_WO, false, true },
    { "s2/none", QENV_S2, QSM3_PT_NONE, false, false },
    { "nested/s1-read-only", QENV_NESTED, QSM3_PT_RO, true, false },
};

static void test_permissions(const void *opaque)
{
    const PermCase *c = opaque;
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    require_xlate(e, c->stage, 12);
    qenv_xlate_setup(e, &x, QENV_TD_SID, c->stage, 12, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, c->attrs);
    qenv_fill(e, buf, 0xee, 64);
    /*
     * 4-byte accesses: QEMU's memory core retries the rest of a failed
     * wider access in 4-byte pieces, each translated (and recorded by an
     * SMMU model) again, which says nothing about the SMMU.
     */
    g_assert_cmpint(qtd_read(&e->td, IOVA, 4), ==, c->read_ok);
    if (!c->read_ok) {
        qsm3_evt_expect(&e->smmu, SM3_EVT_F_PERMISSION, rec);
        g_assert(sm_get(rec[1], SM3_EVT1_RNW));
    }
    g_assert_cmpint(qtd_write(&e->td, IOVA, 4, 0x12345678), ==,
                    c->write_ok);
    if (!c->write_ok) {
        qsm3_evt_expect(&e->smmu, SM3_EVT_F_PERMISSION, rec);
        g_assert(!sm_get(rec[1], SM3_EVT1_RNW));
        g_assert_cmphex(qenv_ld32(e, buf), ==, 0xeeeeeeee);
    } else {
        g_assert_cmphex(qenv_ld32(e, buf), ==, 0x12345678);
    }
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* ---- Access flag and dirty state ----------------------------------------- */

/* Descriptor bits: AF, AP[2] (stage 1) / S2AP[1] (stage 2), DBM. */
#define DESC_AF         SM_BIT(10)
#define DESC_AP2        SM_BIT(7)
#define DESC_S2AP_W     SM_BIT(7)
#define DESC_DBM        SM_BIT(51)

/*
 * One page at IOVA in a context with hardware update enables: CD flags
 * for stage 1, STE.S2HA/S2HD for stage 2.  @run gets the frame and the
 * address of the leaf descriptor.
 */
typedef struct HwCase {
    const char *name;
    const char *props;       /* httu=... */
    QEnvStage stage;
    unsigned cd_flags;
    uint64_t ste2;           /* STE dword 2 bits to set */
    unsigned attrs;
    void (*run)(QEnv *e, uint64_t buf, uint64_t desc);
} HwCase;

static uint64_t ld_desc(QEnv *e, uint64_t desc)
{
    return qbus_ld64(&e->bus, desc);
}

/* AF = 0, no hardware update: F_ACCESS (stage 1, CLASS IN). */
static void run_af_fault(QEnv *e, uint64_t buf, uint64_t desc)
{
    uint64_t rec[4];

    qenv_dma_fault(e, IOVA + 0x80, false, SM3_EVT_F_ACCESS, rec);
    g_assert_cmphex(rec[2], ==, IOVA + 0x80);
}

/* CD.AFFD = 1: an AF = 0 descriptor is used as if AF were 1. */
static void run_af_fault_disabled(QEnv *e, uint64_t buf, uint64_t desc)
{
    dma_ok(e, IOVA, buf, 0x0af0af0a);
}

/* The SMMU sets AF in the descriptor in memory. */
static void run_af_hw_update(QEnv *e, uint64_t buf, uint64_t desc)
{
    g_assert(!(ld_desc(e, desc) & DESC_AF));
    dma_ok(e, IOVA, buf, 0x1af1af1a);
    g_assert(ld_desc(e, desc) & DESC_AF);
}

/* DBM: a write makes the page writable-dirty. */
static void run_dirty_s1(QEnv *e, uint64_t buf, uint64_t desc)
{
    uint64_t v;

    /* A read leaves it clean (AP[2] = 1). */
    g_assert(qtd_read(&e->td, IOVA, 64));
    g_assert(ld_desc(e, desc) & DESC_AP2);
    g_assert(qtd_write(&e->td, IOVA, 64, 0xd1d1d1d1));
    v = ld_desc(e, desc);
    g_assert(!(v & DESC_AP2));               /* AP[2] cleared: dirty */
    g_assert(v & DESC_DBM);
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0xd1d1d1d1);
    qsm3_evt_none(&e->smmu);
}

/* Without CD.HD a clean DBM page is still read-only: F_PERMISSION. */
static void run_dirty_no_hd(QEnv *e, uint64_t buf, uint64_t desc)
{
    g_assert(!qtd_write(&e->td, IOVA, 64, 1));
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_PERMISSION, NULL);
    g_assert(ld_desc(e, desc) & DESC_AP2);
}

/* Stage 2 dirty: S2AP[1] (write) is set. */
static void run_dirty_s2(QEnv *e, uint64_t buf, uint64_t desc)
{
    g_assert(qtd_write(&e->td, IOVA, 64, 0xd2d2d2d2));
    g_assert(ld_desc(e, desc) & DESC_S2AP_W);
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0xd2d2d2d2);
}

static const HwCase hw_cases[] = {
    { "af/fault", "httu=off", QENV_S1, 0, 0, QSM3_PT_NO_AF, run_af_fault },
    { "af/affd", "httu=off", QENV_S1, QSM3_CD_AFFD, 0, QSM3_PT_NO_AF,
      run_af_fault_disabled },
    /* httu=af and CD.HA */
    { "af/hw-update-s1", "httu=af", QENV_S1, QSM3_CD_HA, 0, QSM3_PT_NO_AF,
      run_af_hw_update },
    /* Stage 2 AF update with STE.S2HA. */
    { "af/hw-update-s2", "httu=af", QENV_S2, 0, SM3_STE2_S2HA,
      QSM3_PT_NO_AF, run_af_hw_update },
    /* httu=af+dirty, CD.HA/HD, DBM on a clean (AP[2] = 1) page. */
    { "dirty/hw-update-s1", "httu=af+dirty", QENV_S1,
      QSM3_CD_HA | QSM3_CD_HD, 0, QSM3_PT_RO | QSM3_PT_DBM, run_dirty_s1 },
    { "dirty/no-hd", "httu=af+dirty", QENV_S1, QSM3_CD_HA, 0,
      QSM3_PT_RO | QSM3_PT_DBM, run_dirty_no_hd },
    /* STE.S2HA/S2HD, DBM on a clean (S2AP[1] = 0) page. */
    { "dirty/hw-update-s2", "httu=af+dirty", QENV_S2, 0,
      SM3_STE2_S2HA | SM3_STE2_S2HD, QSM3_PT_RO | QSM3_PT_DBM,
      run_dirty_s2 },
};

static void test_hw_update(const void *opaque)
{
    const HwCase *c = opaque;
    QEnv *e = qenv_start(c->props, "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t ste[8], desc;

    qenv_xlate_setup(e, &x, QENV_TD_SID, c->stage, 12, c->cd_flags);
    if (c->ste2) {
        qsm3_ste_read(&e->smmu, QENV_TD_SID, ste);
        ste[2] |= c->ste2;
        qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    }
    desc = qenv_xlate_map(e, &x, IOVA, buf, 3, c->attrs);
    c->run(e, buf, desc);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv3-ext/translation", xlate_cases, test_xlate);
    qenv_add_func("/arm-smmuv3-ext/translation/s1/4k/4-level",
                    test_s1_4k_4level);
    qenv_add_func("/arm-smmuv3-ext/translation/s1/scatter",
                    test_s1_scatter);
    qenv_add_func("/arm-smmuv3-ext/translation/s1/cached-straddle",
                    test_s1_cached_straddle);
    qenv_add_func("/arm-smmuv3-ext/translation/s1/cached-fault",
                    test_s1_cached_fault);
    QENV_ADD_TABLE("/arm-smmuv3-ext/translation/strtab", strtab_cases,
                   test_strtab);
    QENV_ADD_TABLE("/arm-smmuv3-ext/translation/ste", ste_cases,
                   test_ste_config);
    QENV_ADD_TABLE("/arm-smmuv3-ext/translation/s1dss", s1dss_cases,
                   test_s1dss);
    qenv_add_func("/arm-smmuv3-ext/translation/tbi", test_tbi);
    QENV_ADD_TABLE("/arm-smmuv3-ext/translation/perm", perm_cases,
                   test_permissions);
    QENV_ADD_TABLE("/arm-smmuv3-ext/translation", hw_cases, test_hw_update);
    return g_test_run();
}
