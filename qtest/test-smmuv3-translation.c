/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: translation seen through smmu-testdev DMA.
 * Stage 1, stage 2 and nested walks for every granule with pages and
 * blocks, 2-level stream tables, S1DSS, TBI, permissions, Access flag
 * and dirty-state hardware updates.  Each case checks where the data
 * landed in guest memory and that no event was recorded.
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

/* ---- stream table formats ------------------------------------------------ */

static void test_2level_stream_table(void)
{
    QSm3Opts o = { .sid_bits = 16, .two_level = true, .split = 8 };
    QEnv *e = qenv_start(NULL, "", &o);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t l1d;

    /* SID 0x10: level-1 descriptor 0; its level-2 table holds 256 STEs. */
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    l1d = qbus_ld64(&e->bus, e->smmu.strtab);
    g_assert_cmpuint(sm_get(l1d, SM3_L1STD_SPAN), ==, 9);
    g_assert_cmphex(qbus_ld64(&e->bus, e->smmu.strtab + 8), ==, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, 0);
    dma_ok(e, IOVA + 8, buf + 8, 0x2f2f2f2f);
    qenv_free(e);
}

/* A level-2 table whose Span covers a whole 64-STE split. */
static void test_2level_stream_table_split6(void)
{
    QSm3Opts o = { .sid_bits = 12, .two_level = true, .split = 6 };
    QEnv *e = qenv_start(NULL, "", &o);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 65536);

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 16, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, 0);
    dma_ok(e, IOVA + 0x8000, buf + 0x8000, 0x66666666);
    qenv_free(e);
}

static void test_ste_bypass(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    uint64_t ste[8];
    uint64_t buf = qenv_buf(e, 4096);

    qsm3_ste_bypass(ste);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    dma_ok(e, buf, buf, 0x77777777);
    qenv_free(e);
}

/* Config = abort: the DMA fails and nothing is recorded (5.2). */
static void test_ste_abort(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    uint64_t ste[8];
    uint64_t buf = qenv_buf(e, 4096);

    qsm3_ste_abort(ste);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    g_assert(!qtd_write(&e->td, buf, 64, 0x1));
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_DMA);
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* ---- S1DSS: traffic without a SubstreamID when S1CDMax > 0 --------------- */

static void s1dss_setup(QEnv *e, QSm3Pt *pt, unsigned s1dss, uint64_t buf)
{
    QSm3 *s = &e->smmu;
    uint64_t cdtab = qsm3_cdtab_linear(s, 2);
    uint64_t cd[8], ste[8];

    qsm3_pt_init(pt, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_map(pt, IOVA, buf, 3, 0);
    qsm3_cd_build(s, cd, pt, 3, 0);
    qsm3_cd_write(s, cdtab, cd);                 /* SSID 0 */
    qsm3_ste_s1(ste, cdtab, SM3_STE0_S1FMT_LINEAR, 2, s1dss);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
}

static void test_s1dss_ssid0(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3Pt pt;
    uint64_t buf = qenv_buf(e, 4096);

    s1dss_setup(e, &pt, SM3_STE1_S1DSS_SSID0, buf);
    dma_ok(e, IOVA + 0x10, buf + 0x10, 0x01010101);
    qenv_free(e);
}

static void test_s1dss_bypass(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3Pt pt;
    uint64_t buf = qenv_buf(e, 4096);

    s1dss_setup(e, &pt, SM3_STE1_S1DSS_BYPASS, buf);
    /* Stage 1 bypassed: the IOVA is used as the address. */
    dma_ok(e, buf + 0x20, buf + 0x20, 0x02020202);
    qenv_free(e);
}

static void test_s1dss_terminate(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QSm3Pt pt;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    s1dss_setup(e, &pt, SM3_STE1_S1DSS_TERMINATE, buf);
    g_assert(!qtd_write(&e->td, IOVA, 64, 0x03030303));
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_STREAM_DISABLED, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 0);
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0);
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

    qenv_xlate_setup(e, &x, QENV_TD_SID, c->stage, 12, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, c->attrs);
    qenv_fill(e, buf, 0xee, 64);
    g_assert_cmpint(qtd_read(&e->td, IOVA, 64), ==, c->read_ok);
    if (!c->read_ok) {
        qsm3_evt_expect(&e->smmu, SM3_EVT_F_PERMISSION, rec);
        g_assert(sm_get(rec[1], SM3_EVT1_RNW));
    }
    g_assert_cmpint(qtd_write(&e->td, IOVA, 64, 0x12345678), ==,
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

/* AF = 0, no hardware update: F_ACCESS (stage 1, CLASS IN). */
static void test_af_fault(void)
{
    QEnv *e = qenv_start("httu=off", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t rec[4];

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_NO_AF);
    g_assert(!qtd_write(&e->td, IOVA + 0x80, 4, 1));
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_ACCESS, rec);
    g_assert_cmphex(rec[2], ==, IOVA + 0x80);
    qenv_free(e);
}

/* CD.AFFD = 1: an AF = 0 descriptor is used as if AF were 1. */
static void test_af_fault_disabled(void)
{
    QEnv *e = qenv_start("httu=off", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_AFFD);
    qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_NO_AF);
    dma_ok(e, IOVA, buf, 0x0af0af0a);
    qenv_free(e);
}

/* httu=af and CD.HA: the SMMU sets AF in the descriptor in memory. */
static void test_af_hw_update_s1(void)
{
    QEnv *e = qenv_start("httu=af", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t d;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_HA);
    d = qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_NO_AF);
    g_assert(!(qbus_ld64(&e->bus, d) & SM_BIT(10)));
    dma_ok(e, IOVA, buf, 0x1af1af1a);
    g_assert(qbus_ld64(&e->bus, d) & SM_BIT(10));
    qenv_free(e);
}

/* Stage 2 AF update with STE.S2HA. */
static void test_af_hw_update_s2(void)
{
    QEnv *e = qenv_start("httu=af", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t ste[8], d;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 12, 0);
    qsm3_ste_read(&e->smmu, QENV_TD_SID, ste);
    ste[2] |= SM3_STE2_S2HA;
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    d = qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_NO_AF);
    dma_ok(e, IOVA, buf, 0x2af2af2a);
    g_assert(qbus_ld64(&e->bus, d) & SM_BIT(10));
    qenv_free(e);
}

/* httu=af+dirty, CD.HA/HD, DBM: a write makes the page writable-dirty. */
static void test_dirty_hw_update_s1(void)
{
    QEnv *e = qenv_start("httu=af+dirty", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t d, v;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12,
                     QSM3_CD_HA | QSM3_CD_HD);
    d = qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_RO | QSM3_PT_DBM);
    /* A read leaves it clean (AP[2] = 1). */
    g_assert(qtd_read(&e->td, IOVA, 64));
    g_assert(qbus_ld64(&e->bus, d) & SM_BIT(7));
    g_assert(qtd_write(&e->td, IOVA, 64, 0xd1d1d1d1));
    v = qbus_ld64(&e->bus, d);
    g_assert(!(v & SM_BIT(7)));              /* AP[2] cleared: dirty */
    g_assert(v & SM_BIT(51));
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0xd1d1d1d1);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* Without CD.HD a clean DBM page is still read-only: F_PERMISSION. */
static void test_dirty_no_hd(void)
{
    QEnv *e = qenv_start("httu=af+dirty", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t d;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_HA);
    d = qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_RO | QSM3_PT_DBM);
    g_assert(!qtd_write(&e->td, IOVA, 64, 1));
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_PERMISSION, NULL);
    g_assert(qbus_ld64(&e->bus, d) & SM_BIT(7));
    qenv_free(e);
}

/* Stage 2 dirty: S2AP[1] (write) is set by STE.S2HD. */
static void test_dirty_hw_update_s2(void)
{
    QEnv *e = qenv_start("httu=af+dirty", "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 4096);
    uint64_t ste[8], d;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S2, 12, 0);
    qsm3_ste_read(&e->smmu, QENV_TD_SID, ste);
    ste[2] |= SM3_STE2_S2HA | SM3_STE2_S2HD;
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    d = qenv_xlate_map(e, &x, IOVA, buf, 3, QSM3_PT_RO | QSM3_PT_DBM);
    g_assert(qtd_write(&e->td, IOVA, 64, 0xd2d2d2d2));
    g_assert(qbus_ld64(&e->bus, d) & SM_BIT(7));
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0xd2d2d2d2);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    for (i = 0; i < G_N_ELEMENTS(xlate_cases); i++) {
        g_autofree char *p = g_strdup_printf("/arm-smmuv3-ext/translation/%s",
                                             xlate_cases[i].name);

        g_test_add_data_func(p, &xlate_cases[i], test_xlate);
    }
    g_test_add_func("/arm-smmuv3-ext/translation/s1/4k/4-level",
                    test_s1_4k_4level);
    g_test_add_func("/arm-smmuv3-ext/translation/s1/scatter",
                    test_s1_scatter);
    g_test_add_func("/arm-smmuv3-ext/translation/strtab/2-level",
                    test_2level_stream_table);
    g_test_add_func("/arm-smmuv3-ext/translation/strtab/2-level-split6",
                    test_2level_stream_table_split6);
    g_test_add_func("/arm-smmuv3-ext/translation/ste/bypass",
                    test_ste_bypass);
    g_test_add_func("/arm-smmuv3-ext/translation/ste/abort", test_ste_abort);
    g_test_add_func("/arm-smmuv3-ext/translation/s1dss/ssid0",
                    test_s1dss_ssid0);
    g_test_add_func("/arm-smmuv3-ext/translation/s1dss/bypass",
                    test_s1dss_bypass);
    g_test_add_func("/arm-smmuv3-ext/translation/s1dss/terminate",
                    test_s1dss_terminate);
    g_test_add_func("/arm-smmuv3-ext/translation/tbi", test_tbi);
    for (i = 0; i < G_N_ELEMENTS(perm_cases); i++) {
        g_autofree char *p = g_strdup_printf("/arm-smmuv3-ext/translation/"
                                             "perm/%s", perm_cases[i].name);

        g_test_add_data_func(p, &perm_cases[i], test_permissions);
    }
    g_test_add_func("/arm-smmuv3-ext/translation/af/fault", test_af_fault);
    g_test_add_func("/arm-smmuv3-ext/translation/af/affd",
                    test_af_fault_disabled);
    g_test_add_func("/arm-smmuv3-ext/translation/af/hw-update-s1",
                    test_af_hw_update_s1);
    g_test_add_func("/arm-smmuv3-ext/translation/af/hw-update-s2",
                    test_af_hw_update_s2);
    g_test_add_func("/arm-smmuv3-ext/translation/dirty/hw-update-s1",
                    test_dirty_hw_update_s1);
    g_test_add_func("/arm-smmuv3-ext/translation/dirty/no-hd",
                    test_dirty_no_hd);
    g_test_add_func("/arm-smmuv3-ext/translation/dirty/hw-update-s2",
                    test_dirty_hw_update_s2);
    return g_test_run();
}
