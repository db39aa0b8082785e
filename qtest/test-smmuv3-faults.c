/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: every event the model records for plain
 * (untranslated, PASID-less) DMA, provoked through smmu-testdev and
 * checked field by field in the event queue (IHI 0070, "Event records"),
 * plus record suppression (CD.R, STE.S2R, CR2.RECINVSID, EVENTQEN = 0).
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
/* Guest physical addresses nothing answers (beyond RAM, below 4GiB). */
#define HOLE            UINT64_C(0x7f000000)

/*
 * Every case below makes one 4-byte DMA of the testdev fail and checks
 * the record it leaves (or that it leaves none).  A case names the
 * machine (SMMU properties, qsm3_init options), a set-up hook, the
 * access, the event ID and which record fields to check.
 */
typedef struct FaultCase FaultCase;

/* What a set-up leaves for the checks. */
typedef struct Fault {
    QEnv *e;
    QEnvXlate x;
    uint64_t buf;            /* frame mapped at IOVA (map set-ups) */
    uint64_t ipa;            /* expected IPA (starts as c->ipa) */
    uint64_t fetch;          /* expected fetch address (starts as c->fetch) */
} Fault;

/* Record checks. */
#define CK_XLATE    (1u << 0)    /* SID, SSV 0, RnW, S2, CLASS, InD, Stall,
                                  * PnU 0 and the input address */
#define CK_SID      (1u << 1)    /* SID of the testdev, SSV 0 */
#define CK_IPA      (1u << 2)    /* IPA field = f->ipa */
#define CK_FETCH    (1u << 3)    /* fetch address field = f->fetch */
#define CK_UNTOUCHED (1u << 4)   /* the mapped frame was not written */
#define CK_NONE     (1u << 5)    /* nothing recorded (id 0) */

/*
 * What a case's set-up uses that an SMMU need not implement, checked in
 * the ID registers first, as a driver would (IHI 0070 5.2: STE.Config
 * 0b11x is ILLEGAL without IDR0.S2P, 0b1x1 without IDR0.S1P, and
 * STE.S1CDMax is IGNORED without substreams, IDR1.SSIDSIZE == 0).  Cases
 * that check how an SMMU refuses what it lacks leave these out.
 */
#define NEED_S1     (1u << 0)    /* IDR0.S1P */
#define NEED_S2     (1u << 1)    /* IDR0.S2P */
#define NEED_NESTED (NEED_S1 | NEED_S2)
#define NEED_SSID   (1u << 2)    /* IDR1.SSIDSIZE >= S1DSS_CDMAX */

/* STE.S1CDMax of the S1DSS set-up: 16 CDs. */
#define S1DSS_CDMAX 4

struct FaultCase {
    const char *name;
    const char *props;           /* arm-smmuv3-ext properties */
    QSm3Opts opts;
    unsigned needs;              /* NEED_* */
    void (*setup)(Fault *f, const FaultCase *c);   /* NULL: nothing */
    /* for xlate_setup()/xlate_map() */
    QEnvStage stage;
    unsigned gshift;
    unsigned cd_flags;
    unsigned attrs;              /* leaf attributes of the IOVA mapping */
    /* the access and the record */
    uint64_t iova;
    bool read;
    unsigned id;
    unsigned checks;
    bool s2;
    unsigned class;
    uint64_t ipa;
    uint64_t fetch;
    void (*check)(Fault *f, const FaultCase *c, const uint64_t rec[4]);
};

static uint32_t rec_id(const uint64_t rec[4])
{
    return sm_get(rec[0], SM3_EVT0_ID);
}

/* Fields common to translation-related records. */
static void check_xlate_rec(const uint64_t rec[4], unsigned id, bool read,
                            bool s2, unsigned class, uint64_t input)
{
    g_autofree char *txt = qsm3_evt_str(rec);

    if (rec_id(rec) != id ||
        sm_get(rec[0], SM3_EVT0_SID) != QENV_TD_SID ||
        sm_get(rec[0], SM3_EVT0_SSV) != 0 ||
        sm_get(rec[1], SM3_EVT1_RNW) != read ||
        sm_get(rec[1], SM3_EVT1_S2) != s2 ||
        sm_get(rec[1], SM3_EVT1_CLASS) != class ||
        sm_get(rec[1], SM3_EVT1_IND) != 0 ||
        sm_get(rec[1], SM3_EVT1_STALL) != 0 ||
        /* PCI DMA is unprivileged: PnU 0 (1 means privileged). */
        sm_get(rec[1], SM3_EVT1_PNU) != 0 ||
        rec[2] != input) {
        g_error("expected id 0x%x rnw %d s2 %d class %u pnu 0 input 0x%"
                G_GINT64_MODIFIER "x, got %s", id, read, s2, class, input,
                txt);
    }
}

static void require_needs(QEnv *e, unsigned needs)
{
    uint32_t idr0 = qenv_idr(e, 0);

    qenv_require(e, !(needs & NEED_S1) || (idr0 & SM3_IDR0_S1P),
                 "IDR0.S1P (stage 1)");
    qenv_require(e, !(needs & NEED_S2) || (idr0 & SM3_IDR0_S2P),
                 "IDR0.S2P (stage 2)");
    qenv_require(e, !(needs & NEED_SSID) ||
                 sm_get(qenv_idr(e, 1), SM3_IDR1_SSIDSIZE) >= S1DSS_CDMAX,
                 "IDR1.SSIDSIZE >= 4 (16 substreams)");
}

static void test_fault(const void *opaque)
{
    const FaultCase *c = opaque;
    Fault f = { .ipa = c->ipa, .fetch = c->fetch };
    uint64_t rec[4];

    f.e = qenv_start(c->props, "", &c->opts);
    require_needs(f.e, c->needs);
    if (c->setup) {
        c->setup(&f, c);
    }
    qenv_dma_fault(f.e, c->iova, c->read, c->id, c->id ? rec : NULL);
    if (c->checks & CK_XLATE) {
        check_xlate_rec(rec, c->id, c->read, c->s2, c->class, c->iova);
    }
    if (c->checks & CK_SID) {
        g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
        g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 0);
    }
    if (c->checks & CK_IPA) {
        g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, f.ipa);
    }
    if (c->checks & CK_FETCH) {
        g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, f.fetch);
    }
    if (c->checks & CK_UNTOUCHED) {
        g_assert_cmphex(qenv_ld32(f.e, f.buf + (c->iova - IOVA)), ==, 0);
    }
    if (c->check) {
        c->check(&f, c, rec);
    }
    /* One record per faulting transaction. */
    qsm3_evt_none(&f.e->smmu);
    qenv_free(f.e);
}

/* ---- set-ups ------------------------------------------------------------- */

/* qenv_xlate_setup() of c->stage, c->gshift, c->cd_flags; nothing mapped. */
static void xlate_setup(Fault *f, const FaultCase *c)
{
    qenv_xlate_setup(f->e, &f->x, QENV_TD_SID, c->stage, c->gshift,
                     c->cd_flags);
}

/* The same, plus one granule at IOVA mapped with c->attrs. */
static void xlate_map(Fault *f, const FaultCase *c)
{
    uint64_t gran = UINT64_C(1) << c->gshift;

    f->buf = qenv_buf(f->e, gran);
    xlate_setup(f, c);
    qenv_xlate_map(f->e, &f->x, IOVA, f->buf, 3, c->attrs);
}

/* Nested: stage 1 maps IOVA to c->ipa, stage 2 lacks that IPA. */
static void nested_s1_only(Fault *f, const FaultCase *c)
{
    xlate_setup(f, c);
    qsm3_pt_map(&f->x.s1, IOVA, c->ipa, 3, 0);
}

/*
 * Nested with a sparse stage 2 that maps the CD page if @map_cd and
 * nothing else: returns the stage-1 table root and the CD table.
 */
static void nested_sparse(Fault *f, bool map_cd, uint64_t *s1_root,
                          uint64_t *cdtab)
{
    QEnv *e = f->e;
    QSm3 *s = &e->smmu;
    QSm3Pt s1, s2;
    uint64_t cd[8], ste[8];

    qsm3_pt_init(&s2, &e->bus, &e->alloc, true, 12, 39);
    qsm3_pt_init(&s1, &e->bus, &e->alloc, false, 12, 39);
    *cdtab = qsm3_cdtab_linear(s, 0);
    qsm3_cd_build(s, cd, &s1, 1, 0);
    qsm3_cd_write(s, *cdtab, cd);
    if (map_cd) {
        qsm3_pt_map(&s2, *cdtab & ~UINT64_C(0xfff),
                    *cdtab & ~UINT64_C(0xfff), 3, 0);
    }
    qsm3_ste_nested(s, ste, *cdtab, 0, 0, &s2, 2);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    *s1_root = s1.root;
}

/* The CD is reachable, the stage-1 tables are not: CLASS = TT. */
static void nested_s2_tt(Fault *f, const FaultCase *c)
{
    uint64_t root, cdtab;

    nested_sparse(f, true, &root, &cdtab);
    f->ipa = root & ~UINT64_C(0xfff);
}

/* The CD itself is at an IPA stage 2 does not map: CLASS = CD. */
static void nested_s2_cd(Fault *f, const FaultCase *c)
{
    uint64_t root, cdtab;

    nested_sparse(f, false, &root, &cdtab);
    f->ipa = cdtab & ~UINT64_C(0xfff);
}

/* Stage 1 with a 32-bit output size (CD.IPS 0), IOVA -> 8 GiB. */
static void addr_size_s1(Fault *f, const FaultCase *c)
{
    QEnv *e = f->e;
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t cdtab, cd[8], ste[8];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    cdtab = qsm3_cdtab_linear(s, 0);
    qsm3_cd_build(s, cd, &pt, 1, 0);
    cd[0] = sm_set(cd[0], SM3_CD0_IPS, 0);          /* 32-bit output */
    qsm3_cd_write(s, cdtab, cd);
    qsm3_ste_s1(ste, cdtab, 0, 0, 0);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    qsm3_pt_map(&pt, IOVA, UINT64_C(0x200000000), 3, 0);
}

/* Stage 2 with a 32-bit output size (STE.S2PS 0), IOVA -> 12 GiB. */
static void addr_size_s2(Fault *f, const FaultCase *c)
{
    QEnv *e = f->e;
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t ste[8];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, true, 12, 32);
    qsm3_ste_s2(s, ste, &pt, 3);
    ste[2] = sm_set(ste[2], SM3_STE2_S2PS, 0);      /* 32-bit output */
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    qsm3_pt_map(&pt, IOVA, UINT64_C(0x300000000), 3, 0);
}

/* STRTAB_BASE in a hole, then SMMUEN. */
static void strtab_in_hole(Fault *f, const FaultCase *c)
{
    QSm3 *s = &f->e->smmu;

    qsm3_writeq(s, SM3_STRTAB_BASE, HOLE);
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN));
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN |
                          SM3_CR0_SMMUEN));
}

/* A stage-1 STE whose CD table is in a hole. */
static void cdtab_in_hole(Fault *f, const FaultCase *c)
{
    uint64_t ste[8];

    qsm3_ste_s1(ste, HOLE, 0, 0, 0);
    qsm3_ste_write(&f->e->smmu, QENV_TD_SID, ste, true);
}

/* A CD with the 16-bit ASID 0x1234 (on an asid16=off instance). */
static void cd_asid16(Fault *f, const FaultCase *c)
{
    QSm3Pt pt;

    qsm3_pt_init(&pt, &f->e->bus, &f->e->alloc, false, 12, 39);
    qsm3_setup_s1(&f->e->smmu, QENV_TD_SID, &pt, 0x1234, 0);
}

/* A stage-1 table root in a hole. */
static void walk_in_hole(Fault *f, const FaultCase *c)
{
    QSm3Pt pt;

    qsm3_pt_init(&pt, &f->e->bus, &f->e->alloc, false, 12, 39);
    pt.root = HOLE;
    qsm3_setup_s1(&f->e->smmu, QENV_TD_SID, &pt, 1, 0);
}

/*
 * A stage-1 table root in the last page of a hole that RAM directly
 * follows (virt's RAM at 1 GiB, below it where the low ECAM is when the
 * board uses that one): the read fails, and reads nothing of the RAM
 * above nor of what comes before it.
 */
static void walk_below_ram(Fault *f, const FaultCase *c)
{
    QSm3Pt pt;

    if (f->e->ecam == QTD_VIRT_LOW_ECAM) {
        qenv_skip(f->e, "the board's ECAM is below its RAM: no hole there");
    }
    qsm3_pt_init(&pt, &f->e->bus, &f->e->alloc, false, 12, 39);
    pt.root = QALLOC_VIRT_RAM_BASE - 4096;
    qsm3_setup_s1(&f->e->smmu, QENV_TD_SID, &pt, 1, 0);
}

/* S1CDMax 4 with S1DSS = terminate: PASID-less traffic is refused. */
static void s1dss_terminate(Fault *f, const FaultCase *c)
{
    QEnv *e = f->e;
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t cdtab = qsm3_cdtab_linear(s, S1DSS_CDMAX);
    uint64_t cd[8], ste[8];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    qsm3_cd_build(s, cd, &pt, 1, 0);
    qsm3_cd_write(s, cdtab, cd);
    qsm3_ste_s1(ste, cdtab, 0, S1DSS_CDMAX, SM3_STE1_S1DSS_TERMINATE);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
}

/* Stage 2 with STE.S2R = 0. */
static void s2_no_record(Fault *f, const FaultCase *c)
{
    uint64_t ste[8];

    xlate_setup(f, c);
    qsm3_ste_read(&f->e->smmu, QENV_TD_SID, ste);
    ste[2] &= ~SM3_STE2_S2R;
    qsm3_ste_write(&f->e->smmu, QENV_TD_SID, ste, true);
}

/* EVENTQEN = 0: nothing was written to the queue either. */
static void check_queue_untouched(Fault *f, const FaultCase *c,
                                  const uint64_t rec[4])
{
    uint64_t r[4];

    g_assert_cmphex(qsm3_readl(&f->e->smmu, QSM3_P1(SM3_EVENTQ_PROD)), ==,
                    0);
    g_assert_cmphex(qbus_ld64(&f->e->bus, f->e->smmu.evtq), ==, 0);
    g_assert(!qsm3_evt_peek(&f->e->smmu, r));
}

#define XL(st, g)        .setup = xlate_setup, .stage = st, .gshift = g
#define XM(st, g, a)     .setup = xlate_map, .stage = st, .gshift = g, \
                         .attrs = a
/* A translation-related record of CLASS @cl. */
#define EXPECT(i, rd, s2_, cl, ck) \
    .id = i, .read = rd, .s2 = s2_, .class = cl, .checks = CK_XLATE | (ck)
/* ... of CLASS IN (the input address itself). */
#define EXPECT_IN(i, rd, s2_, ck)  EXPECT(i, rd, s2_, SM3_CLASS_IN, ck)

static const FaultCase fault_cases[] = {
    /* ---- F_TRANSLATION ---- */
    { "f-translation/s1-write", XL(QENV_S1, 12), .iova = IOVA + 0x124,
      EXPECT_IN(SM3_EVT_F_TRANSLATION, false, false, 0) },
    { "f-translation/s1-read", XL(QENV_S1, 16), .iova = IOVA + 0x10008,
      EXPECT_IN(SM3_EVT_F_TRANSLATION, true, false, 0) },
    /* Beyond the range T0SZ covers (4K set-up: 39 bits). */
    { "f-translation/s1-out-of-range", XL(QENV_S1, 12),
      .iova = UINT64_C(1) << 40,
      EXPECT_IN(SM3_EVT_F_TRANSLATION, false, false, 0) },
    { "f-translation/s2", XL(QENV_S2, 14), .needs = NEED_S2,
      .iova = IOVA + 0x4000,
      EXPECT_IN(SM3_EVT_F_TRANSLATION, false, true, CK_IPA),
      .ipa = IOVA + 0x4000 },
    { "f-translation/nested-s2-in", .setup = nested_s1_only,
      .stage = QENV_NESTED, .gshift = 12, .needs = NEED_NESTED,
      .iova = IOVA + 0x10,
      EXPECT_IN(SM3_EVT_F_TRANSLATION, false, true, CK_IPA),
      .ipa = QENV_NESTED_IPA + 0x123000 },
    { "f-translation/nested-s2-tt", .setup = nested_s2_tt,
      .needs = NEED_NESTED, .iova = IOVA,
      EXPECT(SM3_EVT_F_TRANSLATION, false, true, SM3_CLASS_TT, CK_IPA) },
    { "f-translation/nested-s2-cd", .setup = nested_s2_cd,
      .needs = NEED_NESTED, .iova = IOVA,
      EXPECT(SM3_EVT_F_TRANSLATION, true, true, SM3_CLASS_CD, CK_IPA) },
    /* ---- F_ADDR_SIZE ---- */
    { "f-addr-size/s1", .setup = addr_size_s1, .iova = IOVA + 8,
      EXPECT_IN(SM3_EVT_F_ADDR_SIZE, false, false, 0) },
    { "f-addr-size/s2", .setup = addr_size_s2, .needs = NEED_S2,
      .iova = IOVA + 8,
      EXPECT_IN(SM3_EVT_F_ADDR_SIZE, true, true, 0) },
    /* ---- F_ACCESS, F_PERMISSION ---- */
    { "f-access/s1", "httu=off", XM(QENV_S1, 14, QSM3_PT_NO_AF),
      .iova = IOVA + 0x44, EXPECT_IN(SM3_EVT_F_ACCESS, true, false, 0) },
    { "f-access/s2", "httu=off", XM(QENV_S2, 12, QSM3_PT_NO_AF),
      .needs = NEED_S2, .iova = IOVA + 0x40,
      EXPECT_IN(SM3_EVT_F_ACCESS, false, true, CK_IPA | CK_UNTOUCHED),
      .ipa = IOVA },
    { "f-permission/s1", XM(QENV_S1, 12, QSM3_PT_RO), .iova = IOVA + 0x200,
      EXPECT_IN(SM3_EVT_F_PERMISSION, false, false, CK_UNTOUCHED) },
    { "f-permission/s2", XM(QENV_S2, 16, QSM3_PT_WO), .needs = NEED_S2,
      .iova = IOVA + 0x2000,
      EXPECT_IN(SM3_EVT_F_PERMISSION, true, true, CK_IPA),
      .ipa = IOVA + 0x2000 },
    /* ---- configuration errors ---- */
    /* SID 0x10 is beyond a 16-entry stream table. */
    { "c-bad-streamid/out-of-range",
      .opts = { .sid_bits = 4, .cr2 = SM3_CR2_RECINVSID }, .iova = IOVA,
      .id = SM3_EVT_C_BAD_STREAMID, .checks = CK_SID },
    /* CR2.RECINVSID = 0: out-of-range StreamIDs are not recorded. */
    { "c-bad-streamid/not-recorded", .opts = { .sid_bits = 4 },
      .iova = IOVA, .checks = CK_NONE },
    /* 2-level stream table, level-1 descriptor with Span 0. */
    { "c-bad-streamid/l1-span0",
      .opts = { .sid_bits = 12, .two_level = true, .split = 6,
                .cr2 = SM3_CR2_RECINVSID },
      .iova = IOVA, .read = true, .id = SM3_EVT_C_BAD_STREAMID,
      .checks = CK_SID },
    /* The stream table starts zeroed: STE.V = 0. */
    { "c-bad-ste/invalid", .iova = IOVA, .id = SM3_EVT_C_BAD_STE,
      .checks = CK_SID },
    /* Stage-2 Config on an instance without stage 2. */
    { "c-bad-ste/config", "stage=1", XL(QENV_S2, 12), .iova = IOVA,
      .id = SM3_EVT_C_BAD_STE, .checks = CK_SID },
    /* S2TG naming a granule the instance lacks. */
    { "c-bad-ste/granule", "granules=4k", XL(QENV_S2, 16), .iova = IOVA,
      .id = SM3_EVT_C_BAD_STE, .checks = CK_SID },
    { "f-ste-fetch", .opts = { .no_enable = true }, .setup = strtab_in_hole,
      .iova = IOVA, .id = SM3_EVT_F_STE_FETCH, .checks = CK_SID | CK_FETCH,
      .fetch = HOLE + 64 * QENV_TD_SID },
    { "f-cd-fetch", .setup = cdtab_in_hole, .iova = IOVA,
      .id = SM3_EVT_F_CD_FETCH, .checks = CK_SID | CK_FETCH, .fetch = HOLE },
    { "c-bad-cd/invalid", XL(QENV_S1, 12), .cd_flags = QSM3_CD_INVALID,
      .iova = IOVA, .id = SM3_EVT_C_BAD_CD, .checks = CK_SID },
    /* TG0 naming a granule the instance lacks. */
    { "c-bad-cd/granule", "granules=4k", XL(QENV_S1, 16), .iova = IOVA,
      .id = SM3_EVT_C_BAD_CD, .checks = CK_SID },
    /* A CD on an instance with 8-bit ASIDs using a 16-bit one. */
    { "c-bad-cd/asid16", "asid16=off", .setup = cd_asid16, .iova = IOVA,
      .id = SM3_EVT_C_BAD_CD, .checks = CK_SID },
    /* The level-1 descriptor of IOVA 2GiB: index 2 of the root. */
    { "f-walk-eabt", .setup = walk_in_hole, .iova = IOVA,
      EXPECT(SM3_EVT_F_WALK_EABT, false, false, SM3_CLASS_TT, CK_FETCH),
      .fetch = HOLE + 2 * 8 },
    { "f-walk-eabt/below-ram", .setup = walk_below_ram, .iova = IOVA,
      EXPECT(SM3_EVT_F_WALK_EABT, false, false, SM3_CLASS_TT, CK_FETCH),
      .fetch = QALLOC_VIRT_RAM_BASE - 4096 + 2 * 8 },
    { "f-stream-disabled", .setup = s1dss_terminate, .needs = NEED_SSID,
      .iova = IOVA + 0x100,
      .read = true, .id = SM3_EVT_F_STREAM_DISABLED, .checks = CK_SID },
    /* ---- suppression ---- */
    { "suppress/cd-r", XL(QENV_S1, 12), .cd_flags = QSM3_CD_NO_RECORD,
      .iova = IOVA, .checks = CK_NONE },
    { "suppress/ste-s2r", .setup = s2_no_record, .stage = QENV_S2,
      .gshift = 12, .needs = NEED_S2, .iova = IOVA, .checks = CK_NONE },
    /* EVENTQEN = 0: faults still terminate, nothing is written. */
    { "suppress/eventq-disabled", .opts = { .no_eventq = true },
      XL(QENV_S1, 12), .iova = IOVA, .checks = CK_NONE,
      .check = check_queue_untouched },
    /* ---- record details ---- */
    { "record/pnu-unprivileged", XL(QENV_S1, 12), .iova = IOVA,
      EXPECT_IN(SM3_EVT_F_TRANSLATION, false, false, 0) },
};

/* ---- record details ------------------------------------------------------ */

/*
 * A second endpoint at another devfn gets its own StreamID in the
 * record.
 */
static void test_sid_of_second_device(void)
{
    QEnv *e = qenv_new(NULL, "", "-device smmu-testdev,id=td1,bus=pcie.0,"
                       "addr=05.3,multifunction=on -device smmu-testdev,"
                       "id=td1f0,bus=pcie.0,addr=05.0,multifunction=on");
    QTestDev td1;
    uint64_t rec[4];
    uint32_t sid = (5 << 3) | 3;

    qsm3_init(&e->smmu, &e->bus, &e->alloc, e->smmu_base, NULL);
    qtd_init(&td1, &e->bus, e->ecam, 0, sid, QENV_TD_BAR + 0x10000);
    g_assert(!qtd_write(&td1, IOVA, 4, 1));
    qsm3_evt_expect(&e->smmu, SM3_EVT_C_BAD_STE, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, sid);
    qenv_free(e);
}

/*
 * One faulting 64-byte DMA gives one record.  QEMU's memory core retries
 * the rest of a failed access in 4-byte pieces, each translated again;
 * arm-smmuv3-ext takes a piece that directly follows the failure of the
 * same function, in the same page, as part of it (smmu-ext-iommu.h), so
 * that a guest sees what a real SMMU, seeing one transaction, records.
 * This is about QEMU, not the architecture: an SMMU model that records
 * each piece records what it was given.
 */
static void test_one_record_per_transaction(void)
{
    QEnv *e;

    qenv_require_ext("recognising QEMU's retried pieces of one access");
    e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4], more[4];
    unsigned n = 0;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    g_assert(!qtd_write(&e->td, IOVA, 64, 1));
    g_assert(qsm3_evt_pop(&e->smmu, rec));
    while (n < 4096 && qsm3_evt_pop(&e->smmu, more)) {
        n++;
    }
    g_assert_cmpuint(n, ==, 0);
    qenv_free(e);
}

/*
 * The memory map decides where the tables are.  The stage-1 tables are in
 * the RAM of a PCI BAR (ivshmem-plain's BAR2, memory behind a BAR like
 * any other RAM); a DMA translates through them.  Then the BAR moves, so
 * the tables' addresses are no longer memory, and the TLB is emptied.
 * The next walk reads the level-1 descriptor at its old address, in the
 * PCI window where nothing decodes it now: the read completes with all
 * ones (a PCI master abort, as QEMU's PCI hosts answer), a table
 * descriptor whose next-level address is 0xfffffffff000 (bits 47:12 of
 * 48-bit output addresses).  Nothing is there: F_WALK_EABT with that
 * fetch address (level 2, index 0 for IOVA 2 GiB).  A model that kept
 * reading the RAM where it found it, past the change of the map, would
 * translate again.
 */
#define MOVING_BAR2_REG   0x18        /* BAR2, 64-bit, prefetchable */
#define MOVING_DEVFN      (3 << 3)    /* 00:03.0 */
#define MOVING_BAR_SIZE   UINT64_C(0x100000)
#define MOVING_BAR_OLD    UINT64_C(0x10200000)
#define MOVING_BAR_NEW    UINT64_C(0x10300000)

static void moving_bar_place(QEnv *e, uint64_t addr)
{
    qpci_cfg_writel(&e->bus, e->ecam, 0, MOVING_DEVFN, MOVING_BAR2_REG,
                    (uint32_t)addr | 0xc);   /* 64-bit, prefetchable */
    qpci_cfg_writel(&e->bus, e->ecam, 0, MOVING_DEVFN, MOVING_BAR2_REG + 4,
                    (uint32_t)(addr >> 32));
}

static void test_walk_after_map_change(void)
{
    QEnv *e;
    QGuestAlloc bar_ram;
    QSm3Pt pt;
    uint64_t buf, rec[4];

    qenv_require_ext("the host-memory shortcut of arm-smmuv3-ext's table "
                     "reads (hw/smmu-ext-host.c), which must follow "
                     "QEMU's memory map");
    e = qenv_new(NULL, "", "-object memory-backend-ram,id=shm,size=1M "
                 "-device ivshmem-plain,memdev=shm,bus=pcie.0,addr=03.0");
    qsm3_init(&e->smmu, &e->bus, &e->alloc, e->smmu_base, NULL);
    qtd_init(&e->td, &e->bus, e->ecam, 0, QENV_TD_DEVFN, QENV_TD_BAR);
    moving_bar_place(e, MOVING_BAR_OLD);
    qpci_cfg_writel(&e->bus, e->ecam, 0, MOVING_DEVFN, 0x04, 0x2); /* MEM */
    qalloc_init(&bar_ram, &e->bus, MOVING_BAR_OLD, MOVING_BAR_SIZE);
    qsm3_pt_init(&pt, &e->bus, &bar_ram, false, 12, 39);
    g_assert_cmphex(pt.root, ==, MOVING_BAR_OLD);
    buf = qenv_buf(e, 4096);
    qsm3_pt_map(&pt, IOVA, buf, 3, 0);
    qsm3_setup_s1(&e->smmu, QENV_TD_SID, &pt, 1, 0);

    g_assert(qtd_write(&e->td, IOVA + 0x10, 4, 0x5a5a5a5a));
    g_assert_cmphex(qenv_ld32(e, buf + 0x10), ==, 0x5a5a5a5a);

    moving_bar_place(e, MOVING_BAR_NEW);
    qsm3_tlbi_nh_all(&e->smmu);
    qenv_dma_fault(e, IOVA + 0x10, false, SM3_EVT_F_WALK_EABT, rec);
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==,
                    UINT64_C(0xfffffffff000));
    g_assert_cmphex(qenv_ld32(e, buf + 0x10), ==, 0x5a5a5a5a);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv3-ext/faults", fault_cases, test_fault);
    qenv_add_func("/arm-smmuv3-ext/faults/record/sid-second-device",
                    test_sid_of_second_device);
    qenv_add_func("/arm-smmuv3-ext/faults/record/one-per-transaction",
                    test_one_record_per_transaction);
    qenv_add_func("/arm-smmuv3-ext/faults/f-walk-eabt/after-map-change",
                  test_walk_after_map_change);
    return g_test_run();
}
