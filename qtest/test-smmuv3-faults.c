/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: every event the model records for plain
 * (untranslated, PASID-less) DMA, provoked through smmu-testdev and
 * checked field by field in the event queue (IHI 0070, 7.3), plus record
 * suppression (CD.R, STE.S2R, CR2.RECINVSID, EVENTQEN = 0).
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
/* Guest physical addresses nothing answers (beyond RAM, below 4GiB). */
#define HOLE            UINT64_C(0x7f000000)

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
        rec[2] != input) {
        g_error("expected id 0x%x rnw %d s2 %d class %u input 0x%"
                G_GINT64_MODIFIER "x, got %s", id, read, s2, class, input,
                txt);
    }
}

/* A faulting 4-byte DMA: returns the first record (repeats drained). */
static void fault_dma(QEnv *e, uint64_t iova, bool read, unsigned id,
                      uint64_t rec[4])
{
    bool ok = read ? qtd_read(&e->td, iova, 4)
                   : qtd_write(&e->td, iova, 4, 0xfa17fa17);

    g_assert(!ok);
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_DMA);
    g_assert_cmphex(qtd_readq(&e->td, SMMU_TESTDEV_FAULT_ADDR), ==,
                    iova);
    qsm3_evt_expect(&e->smmu, id, rec);
}

/* ---- F_TRANSLATION ------------------------------------------------------- */

static void test_translation_s1_write(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    fault_dma(e, IOVA + 0x124, false, SM3_EVT_F_TRANSLATION, rec);
    check_xlate_rec(rec, SM3_EVT_F_TRANSLATION, false, false, SM3_CLASS_IN,
                    IOVA + 0x124);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

static void test_translation_s1_read(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 16, 0);
    fault_dma(e, IOVA + 0x10008, true, SM3_EVT_F_TRANSLATION, rec);
    check_xlate_rec(rec, SM3_EVT_F_TRANSLATION, true, false, SM3_CLASS_IN,
                    IOVA + 0x10008);
    qenv_free(e);
}

/* Beyond the range T0SZ covers: a translation fault too. */
static void test_translation_s1_out_of_range(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];
    uint64_t iova = UINT64_C(1) << 40;         /* 4K set-up: 39 bits */

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    fault_dma(e, iova, false, SM3_EVT_F_TRANSLATION, rec);
    check_xlate_rec(rec, SM3_EVT_F_TRANSLATION, false, false, SM3_CLASS_IN,
                    iova);
    qenv_free(e);
}

static void test_translation_s2(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 14, 0);
    fault_dma(e, IOVA + 0x4000, false, SM3_EVT_F_TRANSLATION, rec);
    check_xlate_rec(rec, SM3_EVT_F_TRANSLATION, false, true, SM3_CLASS_IN,
                    IOVA + 0x4000);
    g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, IOVA + 0x4000);
    qenv_free(e);
}

/* Nested: stage 1 maps the IOVA, stage 2 lacks the final IPA. */
static void test_translation_nested_s2_in(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];
    uint64_t ipa = QENV_NESTED_IPA + 0x123000;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_NESTED, 12, 0);
    qsm3_pt_map(&x.s1, IOVA, ipa, 3, 0);
    fault_dma(e, IOVA + 0x10, false, SM3_EVT_F_TRANSLATION, rec);
    check_xlate_rec(rec, SM3_EVT_F_TRANSLATION, false, true, SM3_CLASS_IN,
                    IOVA + 0x10);
    g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, ipa);
    qenv_free(e);
}

/*
 * Nested with a sparse stage 2 that maps the CD but not the stage-1
 * tables: the stage-1 walk faults at stage 2, CLASS = TT.
 */
static void test_translation_nested_s2_tt(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt s1, s2;
    uint64_t cdtab, cd[8], ste[8], rec[4];

    qsm3_pt_init(&s2, &e->bus, &e->alloc, true, 12, 39);
    qsm3_pt_init(&s1, &e->bus, &e->alloc, false, 12, 39);
    cdtab = qsm3_cdtab_linear(s, 0);
    qsm3_cd_build(s, cd, &s1, 1, 0);
    qsm3_cd_write(s, cdtab, cd);
    qsm3_pt_map(&s2, cdtab & ~UINT64_C(0xfff), cdtab & ~UINT64_C(0xfff), 3,
                0);
    qsm3_ste_nested(s, ste, cdtab, 0, 0, &s2, 2);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    fault_dma(e, IOVA, false, SM3_EVT_F_TRANSLATION, rec);
    check_xlate_rec(rec, SM3_EVT_F_TRANSLATION, false, true, SM3_CLASS_TT,
                    IOVA);
    g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, s1.root & ~UINT64_C(0xfff));
    qenv_free(e);
}

/* Nested: the CD itself is at an IPA stage 2 does not map: CLASS = CD. */
static void test_translation_nested_s2_cd(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt s1, s2;
    uint64_t cdtab, cd[8], ste[8], rec[4];

    qsm3_pt_init(&s2, &e->bus, &e->alloc, true, 12, 39);
    qsm3_pt_init(&s1, &e->bus, &e->alloc, false, 12, 39);
    cdtab = qsm3_cdtab_linear(s, 0);
    qsm3_cd_build(s, cd, &s1, 1, 0);
    qsm3_cd_write(s, cdtab, cd);
    qsm3_ste_nested(s, ste, cdtab, 0, 0, &s2, 2);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    fault_dma(e, IOVA, true, SM3_EVT_F_TRANSLATION, rec);
    g_assert(sm_get(rec[1], SM3_EVT1_S2));
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_CD);
    g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, cdtab & ~UINT64_C(0xfff));
    qenv_free(e);
}

/* ---- F_ADDR_SIZE --------------------------------------------------------- */

static void test_addr_size_s1(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t cdtab, cd[8], ste[8], rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    cdtab = qsm3_cdtab_linear(s, 0);
    qsm3_cd_build(s, cd, &pt, 1, 0);
    cd[0] = sm_set(cd[0], SM3_CD0_IPS, 0);          /* 32-bit output */
    qsm3_cd_write(s, cdtab, cd);
    qsm3_ste_s1(ste, cdtab, 0, 0, 0);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    qsm3_pt_map(&pt, IOVA, UINT64_C(0x200000000), 3, 0);
    fault_dma(e, IOVA + 8, false, SM3_EVT_F_ADDR_SIZE, rec);
    check_xlate_rec(rec, SM3_EVT_F_ADDR_SIZE, false, false, SM3_CLASS_IN,
                    IOVA + 8);
    qenv_free(e);
}

static void test_addr_size_s2(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t ste[8], rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, true, 12, 32);
    qsm3_ste_s2(s, ste, &pt, 3);
    ste[2] = sm_set(ste[2], SM3_STE2_S2PS, 0);      /* 32-bit output */
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    qsm3_pt_map(&pt, IOVA, UINT64_C(0x300000000), 3, 0);
    fault_dma(e, IOVA + 8, true, SM3_EVT_F_ADDR_SIZE, rec);
    check_xlate_rec(rec, SM3_EVT_F_ADDR_SIZE, true, true, SM3_CLASS_IN,
                    IOVA + 8);
    qenv_free(e);
}

/* ---- F_ACCESS, F_PERMISSION ---------------------------------------------- */

static void test_access_s2(void)
{
    QEnv *e = qenv_start("httu=off", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 12, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_NO_AF);
    fault_dma(e, IOVA + 0x40, false, SM3_EVT_F_ACCESS, rec);
    check_xlate_rec(rec, SM3_EVT_F_ACCESS, false, true, SM3_CLASS_IN,
                    IOVA + 0x40);
    g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, IOVA);
    qenv_free(e);
}

static void test_access_s1(void)
{
    QEnv *e = qenv_start("httu=off", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 14, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_NO_AF);
    fault_dma(e, IOVA + 0x44, true, SM3_EVT_F_ACCESS, rec);
    check_xlate_rec(rec, SM3_EVT_F_ACCESS, true, false, SM3_CLASS_IN,
                    IOVA + 0x44);
    qenv_free(e);
}

static void test_permission_s1(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_RO);
    fault_dma(e, IOVA + 0x200, false, SM3_EVT_F_PERMISSION, rec);
    check_xlate_rec(rec, SM3_EVT_F_PERMISSION, false, false, SM3_CLASS_IN,
                    IOVA + 0x200);
    g_assert_cmphex(qenv_ld32(e, buf + 0x200), ==, 0);
    qenv_free(e);
}

static void test_permission_s2(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 65536);
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 16, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_WO);
    fault_dma(e, IOVA + 0x2000, true, SM3_EVT_F_PERMISSION, rec);
    check_xlate_rec(rec, SM3_EVT_F_PERMISSION, true, true, SM3_CLASS_IN,
                    IOVA + 0x2000);
    g_assert_cmphex(rec[3] & SM3_EVT3_IPA, ==, IOVA + 0x2000);
    qenv_free(e);
}

/* ---- configuration errors ------------------------------------------------ */

static void test_bad_streamid(void)
{
    QSm3Opts o = { .sid_bits = 4, .cr2 = SM3_CR2_RECINVSID };
    QEnv *e = qenv_start(NULL, "", &o);
    uint64_t rec[4];

    /* SID 0x10 is beyond a 16-entry stream table. */
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_STREAMID, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 0);
    qenv_free(e);
}

/* CR2.RECINVSID = 0: out-of-range StreamIDs are not recorded. */
static void test_bad_streamid_not_recorded(void)
{
    QSm3Opts o = { .sid_bits = 4 };
    QEnv *e = qenv_start(NULL, "", &o);

    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* 2-level stream table, level-1 descriptor with Span 0. */
static void test_bad_streamid_l1_span0(void)
{
    QSm3Opts o = { .sid_bits = 12, .two_level = true, .split = 6,
                   .cr2 = SM3_CR2_RECINVSID };
    QEnv *e = qenv_start(NULL, "", &o);
    uint64_t rec[4];

    fault_dma(e, IOVA, true, SM3_EVT_C_BAD_STREAMID, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    qenv_free(e);
}

static void test_bad_ste_invalid(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    uint64_t rec[4];

    /* The stream table starts zeroed: STE.V = 0. */
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_STE, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    qenv_free(e);
}

/* Stage-2 Config on an instance without stage 2. */
static void test_bad_ste_config(void)
{
    QEnv *e = qenv_start("stage=1", "", NULL);
    QSm3Pt pt;
    uint64_t ste[8], rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, true, 12, 39);
    qsm3_ste_s2(&e->smmu, ste, &pt, 1);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_STE, rec);
    qenv_free(e);
}

/* S2TG naming a granule the instance lacks. */
static void test_bad_ste_granule(void)
{
    QEnv *e = qenv_start("granules=4k", "", NULL);
    QSm3Pt pt;
    uint64_t ste[8], rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, true, 16, 42);
    qsm3_ste_s2(&e->smmu, ste, &pt, 1);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_STE, rec);
    qenv_free(e);
}

static void test_ste_fetch(void)
{
    QSm3Opts o = { .no_enable = true };
    QEnv *e = qenv_start(NULL, "", &o);
    QSm3 *s = &e->smmu;
    uint64_t rec[4];

    qsm3_writeq(s, SM3_STRTAB_BASE, HOLE);
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN));
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN |
                          SM3_CR0_SMMUEN));
    fault_dma(e, IOVA, false, SM3_EVT_F_STE_FETCH, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, HOLE + 64 * QENV_TD_SID);
    qenv_free(e);
}

static void test_cd_fetch(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    uint64_t ste[8], rec[4];

    qsm3_ste_s1(ste, HOLE, 0, 0, 0);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    fault_dma(e, IOVA, false, SM3_EVT_F_CD_FETCH, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, HOLE);
    qenv_free(e);
}

static void test_bad_cd_invalid(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_INVALID);
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_CD, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    qenv_free(e);
}

/* TG0 naming a granule the instance lacks. */
static void test_bad_cd_granule(void)
{
    QEnv *e = qenv_start("granules=4k", "", NULL);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 16, 0);
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_CD, rec);
    qenv_free(e);
}

/* A CD on an instance with 8-bit ASIDs using a 16-bit one. */
static void test_bad_cd_asid(void)
{
    QEnv *e = qenv_start("asid16=off", "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    qsm3_setup_s1(s, QENV_TD_SID, &pt, 0x1234, 0);
    fault_dma(e, IOVA, false, SM3_EVT_C_BAD_CD, rec);
    qenv_free(e);
}

static void test_walk_eabt(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    pt.root = HOLE;
    qsm3_setup_s1(s, QENV_TD_SID, &pt, 1, 0);
    fault_dma(e, IOVA, false, SM3_EVT_F_WALK_EABT, rec);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_TT);
    g_assert_cmphex(rec[2], ==, IOVA);
    /* The level-1 descriptor of IOVA 2GiB: index 2 of the root. */
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, HOLE + 2 * 8);
    qenv_free(e);
}

static void test_stream_disabled(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    QSm3Pt pt;
    uint64_t cdtab = qsm3_cdtab_linear(s, 4);
    uint64_t cd[8], ste[8], rec[4];

    qsm3_pt_init(&pt, &e->bus, &e->alloc, false, 12, 39);
    qsm3_cd_build(s, cd, &pt, 1, 0);
    qsm3_cd_write(s, cdtab, cd);
    qsm3_ste_s1(ste, cdtab, 0, 4, SM3_STE1_S1DSS_TERMINATE);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
    fault_dma(e, IOVA + 0x100, true, SM3_EVT_F_STREAM_DISABLED, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 0);
    qenv_free(e);
}

/* ---- suppression --------------------------------------------------------- */

static void test_cd_r_suppresses(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_NO_RECORD);
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

static void test_s2r_suppresses(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t ste[8];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 12, 0);
    qsm3_ste_read(&e->smmu, QENV_TD_SID, ste);
    ste[2] &= ~SM3_STE2_S2R;
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* EVENTQEN = 0: faults still terminate, nothing is written. */
static void test_eventq_disabled(void)
{
    QSm3Opts o = { .no_eventq = true };
    QEnv *e = qenv_start(NULL, "", &o);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    g_assert_cmphex(qsm3_readl(&e->smmu, QSM3_P1(SM3_EVENTQ_PROD)), ==, 0);
    g_assert_cmphex(qbus_ld64(&e->bus, e->smmu.evtq), ==, 0);
    g_assert(!qsm3_evt_peek(&e->smmu, rec));
    qenv_free(e);
}

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
 * One faulting transaction gives one record.  (QEMU's memory core retries
 * a failed DMA in smaller pieces unless the fault covers the page.)
 */
static void test_one_record_per_transaction(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
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

/* PCI DMA is unprivileged: the record's PnU is 0 (1 means privileged). */
static void test_pnu_unprivileged(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    fault_dma(e, IOVA, false, SM3_EVT_F_TRANSLATION, rec);
    g_assert_false(sm_get(rec[1], SM3_EVT1_PNU));
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/s1-write",
                    test_translation_s1_write);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/s1-read",
                    test_translation_s1_read);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/s1-out-of-range",
                    test_translation_s1_out_of_range);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/s2",
                    test_translation_s2);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/nested-s2-in",
                    test_translation_nested_s2_in);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/nested-s2-tt",
                    test_translation_nested_s2_tt);
    g_test_add_func("/arm-smmuv3-ext/faults/f-translation/nested-s2-cd",
                    test_translation_nested_s2_cd);
    g_test_add_func("/arm-smmuv3-ext/faults/f-addr-size/s1",
                    test_addr_size_s1);
    g_test_add_func("/arm-smmuv3-ext/faults/f-addr-size/s2",
                    test_addr_size_s2);
    g_test_add_func("/arm-smmuv3-ext/faults/f-access/s1", test_access_s1);
    g_test_add_func("/arm-smmuv3-ext/faults/f-access/s2", test_access_s2);
    g_test_add_func("/arm-smmuv3-ext/faults/f-permission/s1",
                    test_permission_s1);
    g_test_add_func("/arm-smmuv3-ext/faults/f-permission/s2",
                    test_permission_s2);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-streamid/out-of-range",
                    test_bad_streamid);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-streamid/not-recorded",
                    test_bad_streamid_not_recorded);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-streamid/l1-span0",
                    test_bad_streamid_l1_span0);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-ste/invalid",
                    test_bad_ste_invalid);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-ste/config",
                    test_bad_ste_config);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-ste/granule",
                    test_bad_ste_granule);
    g_test_add_func("/arm-smmuv3-ext/faults/f-ste-fetch", test_ste_fetch);
    g_test_add_func("/arm-smmuv3-ext/faults/f-cd-fetch", test_cd_fetch);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-cd/invalid",
                    test_bad_cd_invalid);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-cd/granule",
                    test_bad_cd_granule);
    g_test_add_func("/arm-smmuv3-ext/faults/c-bad-cd/asid16",
                    test_bad_cd_asid);
    g_test_add_func("/arm-smmuv3-ext/faults/f-walk-eabt", test_walk_eabt);
    g_test_add_func("/arm-smmuv3-ext/faults/f-stream-disabled",
                    test_stream_disabled);
    g_test_add_func("/arm-smmuv3-ext/faults/suppress/cd-r",
                    test_cd_r_suppresses);
    g_test_add_func("/arm-smmuv3-ext/faults/suppress/ste-s2r",
                    test_s2r_suppresses);
    g_test_add_func("/arm-smmuv3-ext/faults/suppress/eventq-disabled",
                    test_eventq_disabled);
    g_test_add_func("/arm-smmuv3-ext/faults/record/sid-second-device",
                    test_sid_of_second_device);
    g_test_add_func("/arm-smmuv3-ext/faults/record/one-per-transaction",
                    test_one_record_per_transaction);
    g_test_add_func("/arm-smmuv3-ext/faults/record/pnu-unprivileged",
                    test_pnu_unprivileged);
    return g_test_run();
}
