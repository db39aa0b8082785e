/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: SubstreamIDs (PASID DMA), PCIe ATS, PRI and the
 * stall model, through smmu-testdev,pasid=on,ats=on,pri=on and the
 * smmu-ext-ats-if interface arm-smmuv3-ext implements.  Checked: CD
 * selection through linear and 2-level CD tables, substream errors, ATS
 * translation and the endpoint's ATC (hits, ATC_INV), F_BAD_ATS_TREQ and
 * F_TRANSL_FORBIDDEN, page requests in the PRI queue and CMD_PRI_RESP,
 * PRIQ interrupts, stall records with RESUME and STALL_TERM.  Each case
 * first checks, as a driver would, that the SMMU advertises what it uses
 * (IDR0, IDR1), and is skipped where it does not.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define TD_ALL          "pasid=on,ats=on,pri=on"

/* What a case needs of the SMMU, as advertised in its ID registers */
typedef struct Needs {
    unsigned ssid_bits;      /* IDR1.SSIDSIZE at least this (0: no PASID) */
    bool cd2l;               /* IDR0.CD2L: 2-level CD tables */
    bool ats;                /* IDR0.ATS */
    bool pri;                /* IDR0.PRI */
    bool msi;                /* IDR0.MSI */
} Needs;

/*
 * qenv_start() with the testdev (TD_ALL, PASID enabled when @n asks for
 * SubstreamIDs), once the SMMU advertises what @n asks for.  The
 * testdev's PASID, ATS and PRI traffic reaches the SMMU through
 * smmu-ext-ats-if (hw/smmu-ext-ats.h), which only arm-smmuv3-ext
 * implements; that is checked after the ID registers, so that an SMMU
 * without the feature is skipped for that reason.
 */
static QEnv *start_td(const char *props, const QSm3Opts *o, const Needs *n)
{
    QEnv *e = qenv_new(props, TD_ALL, NULL);
    uint32_t idr0 = qenv_idr(e, 0);
    char what[64];

    snprintf(what, sizeof(what), "IDR1.SSIDSIZE >= %u (SubstreamIDs)",
             n->ssid_bits);
    qenv_require(e, sm_get(qenv_idr(e, 1), SM3_IDR1_SSIDSIZE) >=
                    n->ssid_bits, what);
    qenv_require(e, !n->cd2l || (idr0 & SM3_IDR0_CD2L),
                 "IDR0.CD2L (2-level CD tables)");
    qenv_require(e, !n->ats || (idr0 & SM3_IDR0_ATS), "IDR0.ATS (PCIe ATS)");
    qenv_require(e, !n->pri || (idr0 & SM3_IDR0_PRI),
                 "IDR0.PRI (the PRI queue)");
    qenv_require(e, !n->msi || (idr0 & SM3_IDR0_MSI), "IDR0.MSI (MSIs)");
    if (qenv_builtin()) {
        qenv_free(e);
        qenv_require_ext("smmu-testdev's PASID, ATS and PRI traffic goes "
                         "through smmu-ext-ats-if");
    }
    qsm3_init(&e->smmu, &e->bus, &e->alloc, e->smmu_base, o);
    qtd_init(&e->td, &e->bus, e->ecam, 0, QENV_TD_DEVFN, QENV_TD_BAR);
    if (n->ssid_bits) {
        qtd_enable_pasid(&e->td);
    }
    return e;
}

/* A stage-1 STE for the testdev with a CD table of 2^@cdmax entries. */
typedef struct Pasid {
    QEnv *e;
    uint64_t cdtab;
    bool two_level;
    unsigned cdmax;
} Pasid;

static void pasid_setup(Pasid *p, QEnv *e, bool two_level, unsigned cdmax,
                        unsigned s1dss)
{
    QSm3 *s = &e->smmu;
    uint64_t ste[8];

    p->e = e;
    p->two_level = two_level;
    p->cdmax = cdmax;
    p->cdtab = two_level ? qsm3_cdtab_2lvl(s, cdmax)
                         : qsm3_cdtab_linear(s, cdmax);
    qsm3_ste_s1(ste, p->cdtab, two_level ? SM3_STE0_S1FMT_4K_L2
                                         : SM3_STE0_S1FMT_LINEAR,
                cdmax, s1dss);
    qsm3_ste_write(s, QENV_TD_SID, ste, true);
}

/* A CD for @ssid whose table maps IOVA to @pa. */
static void pasid_map(Pasid *p, uint32_t ssid, uint64_t pa, unsigned flags)
{
    QSm3 *s = &p->e->smmu;
    QSm3Pt pt;
    uint64_t cd[8];

    qsm3_pt_init(&pt, &p->e->bus, &p->e->alloc, false, 12, 39);
    qsm3_pt_map(&pt, IOVA, pa, 3, 0);
    qsm3_cd_build(s, cd, &pt, 0x10 + ssid, flags);
    qsm3_cd_write(s, qsm3_cd_addr(s, p->cdtab, p->two_level, ssid), cd);
}

/*
 * The testdev with PASID enabled, on an SMMU whose SubstreamIDs have
 * @ssid_bits bits or more (and 2-level CD tables if @two_level).
 */
static QEnv *start_pasid(unsigned ssid_bits, bool two_level)
{
    Needs n = { .ssid_bits = ssid_bits, .cd2l = two_level };

    return start_td(NULL, NULL, &n);
}

/* ---- SubstreamIDs -------------------------------------------------------- */

/*
 * Two DMAs to IOVA that different CDs map to different frames: each
 * lands in its own.  A SubstreamID of -1 is traffic without a PASID.
 */
typedef struct PasidDmaCase {
    const char *name;
    bool two_level;
    unsigned cdmax;          /* log2 of the CD table's entries */
    unsigned s1dss;
    uint32_t cd[2];          /* the CD (SSID) mapping each frame */
    int pasid[2];            /* the SubstreamID of each DMA */
    uint64_t off;
    uint32_t pattern[2];
} PasidDmaCase;

static const PasidDmaCase pasid_dma_cases[] = {
    { "linear-cd", false, 4, SM3_STE1_S1DSS_TERMINATE, { 3, 9 }, { 3, 9 },
      0x10, { 0x3333, 0x9999 } },
    /* SSID 5 in leaf table 0, SSID 700 in leaf table 10 */
    { "2level-cd", true, 10, SM3_STE1_S1DSS_TERMINATE, { 5, 700 },
      { 5, 700 }, 0x20, { 0x0505, 0x0700 } },
    /* Non-PASID traffic with S1DSS = SSID0 next to PASID traffic. */
    { "with-s1dss-ssid0", false, 3, SM3_STE1_S1DSS_SSID0, { 0, 2 },
      { -1, 2 }, 0, { 0xaaaa, 0xbbbb } },
};

static void test_pasid_dma(const void *opaque)
{
    const PasidDmaCase *c = opaque;
    QEnv *e = start_pasid(c->cdmax, c->two_level);
    Pasid p;
    uint64_t frame[2];
    unsigned i;

    pasid_setup(&p, e, c->two_level, c->cdmax, c->s1dss);
    for (i = 0; i < 2; i++) {
        frame[i] = qenv_buf(e, 4096);
        pasid_map(&p, c->cd[i], frame[i], 0);
    }
    for (i = 0; i < 2; i++) {
        g_assert(c->pasid[i] < 0 ?
                 qtd_write(&e->td, IOVA + c->off, 16, c->pattern[i]) :
                 qtd_write_pasid(&e->td, IOVA + c->off, 16, c->pattern[i],
                                 c->pasid[i]));
    }
    for (i = 0; i < 2; i++) {
        g_assert_cmphex(qenv_ld32(e, frame[i] + c->off), ==, c->pattern[i]);
    }
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/*
 * Substream errors: a PASID write of IOVA that must fail with record @id
 * carrying SSV = 1 and the SubstreamID.
 */
typedef struct PasidFaultCase {
    const char *name;
    bool two_level;
    unsigned cdmax;          /* log2 of the CD table's entries */
    unsigned s1dss;
    int map_ssid;            /* a CD for this SSID (-1: none) */
    unsigned cd_flags;       /* ... with these flags */
    uint32_t pasid;          /* the faulting SubstreamID */
    unsigned id;
} PasidFaultCase;

static const PasidFaultCase pasid_fault_cases[] = {
    /* SSID beyond S1CDMax: C_BAD_SUBSTREAMID. */
    { "c-bad-substreamid", false, 2, SM3_STE1_S1DSS_TERMINATE, -1, 0, 4,
      SM3_EVT_C_BAD_SUBSTREAMID },
    /* 2-level CD table whose L1CD is invalid: C_BAD_SUBSTREAMID. */
    { "c-bad-substreamid-l1cd", true, 8, SM3_STE1_S1DSS_TERMINATE, 1, 0, 200,
      SM3_EVT_C_BAD_SUBSTREAMID },
    /*
     * S1DSS = SSID0 reserves CD 0 for PASID-less traffic: SubstreamID 0
     * is F_STREAM_DISABLED.
     */
    { "f-stream-disabled-ssid0", false, 3, SM3_STE1_S1DSS_SSID0, 0, 0, 0,
      SM3_EVT_F_STREAM_DISABLED },
    /* A CD with V = 0 behind a valid SSID: C_BAD_CD with the SSID. */
    { "c-bad-cd", false, 4, SM3_STE1_S1DSS_TERMINATE, 6, QSM3_CD_INVALID, 6,
      SM3_EVT_C_BAD_CD },
};

static void test_pasid_fault(const void *opaque)
{
    const PasidFaultCase *c = opaque;
    /* SubstreamIDs wide enough for S1CDMax and the faulting one */
    QEnv *e = start_pasid(MAX(c->cdmax, g_bit_storage(c->pasid)),
                          c->two_level);
    Pasid p;
    uint64_t rec[4];

    pasid_setup(&p, e, c->two_level, c->cdmax, c->s1dss);
    if (c->map_ssid >= 0) {
        pasid_map(&p, c->map_ssid, qenv_buf(e, 4096), c->cd_flags);
    }
    g_assert(!qtd_write_pasid(&e->td, IOVA, 4, 1, c->pasid));
    qsm3_evt_expect(&e->smmu, c->id, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 1);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SSID), ==, c->pasid);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* A translation fault of PASID traffic carries SSV and the SSID. */
static void test_pasid_translation_fault_record(void)
{
    QEnv *e = start_pasid(4, false);
    Pasid p;
    uint64_t rec[4];

    pasid_setup(&p, e, false, 4, SM3_STE1_S1DSS_TERMINATE);
    pasid_map(&p, 7, qenv_buf(e, 4096), 0);
    g_assert(!qtd_write_pasid(&e->td, IOVA + 0x3000, 4, 1, 7));
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSV), ==, 1);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SSID), ==, 7);
    g_assert_cmphex(rec[2], ==, IOVA + 0x3000);
    /* The testdev saw the SMMU's verdict through the interface. */
    g_assert_cmphex(sm_get(qtd_readl(&e->td, SMMU_TESTDEV_FAULT_INFO),
                           SMMU_TESTDEV_FAULT_CODE), ==,
                    SM3_EVT_F_TRANSLATION);
    qenv_free(e);
}

/* ---- ATS ----------------------------------------------------------------- */

static void set_eats(QEnv *e, unsigned eats)
{
    uint64_t ste[8];

    qsm3_ste_read(&e->smmu, QENV_TD_SID, ste);
    ste[1] = sm_set(ste[1], SM3_STE1_EATS, eats);
    qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
}

/* S1 mapping IOVA -> @pa for PASID-less traffic, EATS = @eats, ATS on. */
static QEnv *start_ats(const char *props, const QSm3Opts *o, uint64_t *pa,
                       unsigned eats, unsigned attrs)
{
    Needs n = { .ats = true };
    QEnv *e = start_td(props, o, &n);
    QEnvXlate x;

    *pa = qenv_buf(e, 4096);
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, *pa, 3, attrs);
    set_eats(e, eats);
    qtd_enable_ats(&e->td);
    return e;
}

/*
 * CMD_ATC_INV for the testdev (+ CMD_SYNC), then the testdev's counters:
 * invalidation requests received and ATC entries dropped so far.
 */
static void atc_inv(QEnv *e, uint64_t dw1, unsigned reqs, unsigned entries)
{
    qsm3_cmd(&e->smmu, SM3_CMD_ATC_INV | sm_prep(SM3_CMD0_SID, QENV_TD_SID),
             dw1);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_INV_REQS), ==, reqs);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_INV_ENTRIES), ==,
                     entries);
}

static void test_ats_translate_hit(void)
{
    uint64_t pa;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, 0);

    g_assert(qtd_write(&e->td, IOVA + 0x40, 16, 0xa75a75));
    g_assert_cmphex(qenv_ld32(e, pa + 0x40), ==, 0xa75a75);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_MISSES), ==, 1);
    g_assert(qtd_write(&e->td, IOVA + 0x80, 16, 0xa75a76));
    g_assert_cmphex(qenv_ld32(e, pa + 0x80), ==, 0xa75a76);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_MISSES), ==, 1);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_HITS), >=, 1);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* STE.EATS = 0: a Translation Request is F_BAD_ATS_TREQ, answered UR. */
static void test_bad_ats_treq(void)
{
    uint64_t pa, rec[4];
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_ABT, 0);

    g_assert(!qtd_write(&e->td, IOVA, 16, 1));
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_ATS);
    g_assert_cmpuint(sm_get(qtd_readl(&e->td, SMMU_TESTDEV_FAULT_INFO),
                            SMMU_TESTDEV_FAULT_XLATE), ==, 1);   /* UR */
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_BAD_ATS_TREQ, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmphex(rec[2] & ~UINT64_C(0xfff), ==, IOVA);
    qenv_free(e);
}

/*
 * CR0.ATSCHK = 1: translated traffic from a stream whose EATS became 0
 * (its ATC still holds the translation) is F_TRANSL_FORBIDDEN.
 */
static void test_transl_forbidden(void)
{
    QSm3Opts o = { .cr0_extra = SM3_CR0_ATSCHK };
    uint64_t pa, rec[4];
    QEnv *e = start_ats(NULL, &o, &pa, SM3_STE1_EATS_FULL, 0);

    g_assert(qtd_write(&e->td, IOVA, 16, 0x1));
    set_eats(e, SM3_STE1_EATS_ABT);
    g_assert(!qtd_write(&e->td, IOVA + 0x100, 16, 0x2));
    qsm3_evt_expect(&e->smmu, SM3_EVT_F_TRANSL_FORBIDDEN, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    g_assert_cmphex(qenv_ld32(e, pa + 0x100), ==, 0);
    qenv_free(e);
}

/* Without ATSCHK translated traffic is not checked against EATS. */
static void test_translated_unchecked(void)
{
    uint64_t pa;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, 0);

    g_assert(qtd_write(&e->td, IOVA, 16, 0x1));
    set_eats(e, SM3_STE1_EATS_ABT);
    g_assert(qtd_write(&e->td, IOVA + 0x100, 16, 0x2));
    g_assert_cmphex(qenv_ld32(e, pa + 0x100), ==, 0x2);
    qenv_free(e);
}

/* ATC_INV reaches the endpoint and drops its entry. */
static void test_atc_inv(void)
{
    uint64_t pa, pb;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, 0);
    QEnvXlate x;

    pb = qenv_buf(e, 4096);
    g_assert(qtd_write(&e->td, IOVA, 16, 0x10));
    /* New tables (other ASID) for the same IOVA; TLB and config fresh. */
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, pb, 3, 0);
    set_eats(e, SM3_STE1_EATS_FULL);
    qsm3_tlbi_nh_all(&e->smmu);
    /* The endpoint's ATC still answers: stale. */
    g_assert(qtd_write(&e->td, IOVA, 16, 0x20));
    g_assert_cmphex(qenv_ld32(e, pa), ==, 0x20);
    /* ATC_INV of the page (Size 0: 4KiB). */
    atc_inv(e, IOVA & SM3_CMD1_ATC_ADDR, 1, 1);
    g_assert(qtd_write(&e->td, IOVA, 16, 0x30));
    g_assert_cmphex(qenv_ld32(e, pb), ==, 0x30);
    qenv_free(e);
}

/* ATC_INV of a range that misses the entry keeps it. */
static void test_atc_inv_other_range(void)
{
    uint64_t pa;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, 0);

    g_assert(qtd_write(&e->td, IOVA, 16, 0x10));
    atc_inv(e, (IOVA + 0x100000) & SM3_CMD1_ATC_ADDR, 1, 0);
    qenv_free(e);
}

/* ATC_INV with Size 52: the whole address space. */
static void test_atc_inv_all(void)
{
    uint64_t pa;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, 0);

    g_assert(qtd_write(&e->td, IOVA, 16, 0x10));
    atc_inv(e, sm_prep(SM3_CMD1_ATC_SIZE, 52), 1, 1);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_MISSES), ==, 1);
    g_assert(qtd_write(&e->td, IOVA, 16, 0x11));
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_MISSES), ==, 2);
    qenv_free(e);
}

/* A read-only page: the ATS answer has R only; a write fails, unrecorded. */
static void test_ats_read_only(void)
{
    uint64_t pa;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, QSM3_PT_RO);
    uint32_t op = SMMU_TESTDEV_OP_WRITE | SMMU_TESTDEV_OP_NO_PRI |
                  sm_prep_td(SMMU_TESTDEV_OP_PAT, SMMU_TESTDEV_PAT_CONST);

    g_assert(qtd_read(&e->td, IOVA, 16));
    g_assert(!(qtd_run(&e->td, op, 0, IOVA, 16, 1, 0, 1) &
               SMMU_TESTDEV_STATUS_DONE));
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_ATS);
    g_assert_cmphex(qenv_ld32(e, pa), ==, 0);
    /* ATS translation faults are answered, not recorded. */
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* STE.V = 0: a Translation Request completes with CA, no event. */
static void test_ats_invalid_ste_ca(void)
{
    Needs n = { .ats = true };
    QEnv *e = start_td(NULL, NULL, &n);
    uint32_t op = SMMU_TESTDEV_OP_READ;

    qtd_enable_ats(&e->td);
    g_assert(!(qtd_run(&e->td, op, IOVA, 0, 16, 1, 0, 0) &
               SMMU_TESTDEV_STATUS_DONE));
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_ATS);
    g_assert_cmpuint(sm_get(qtd_readl(&e->td, SMMU_TESTDEV_FAULT_INFO),
                            SMMU_TESTDEV_FAULT_XLATE), ==, 2);   /* CA */
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/*
 * An ATC invalidation the endpoint fails (CTRL.FAIL_ATC_INV) fails the
 * CMD_SYNC that follows it with CERROR_ATC_INV_SYNC; after GERRORN
 * acknowledges, the queue restarts at that CMD_SYNC and completes it.
 */
static void test_cerror_atc_inv_sync(void)
{
    uint64_t pa;
    QEnv *e = start_ats(NULL, NULL, &pa, SM3_STE1_EATS_FULL, 0);

    g_assert(qtd_write(&e->td, IOVA, 16, 0x10));
    qtd_writel(&e->td, SMMU_TESTDEV_CTRL, SMMU_TESTDEV_CTRL_FAIL_ATC_INV);
    qsm3_cmd_queue(&e->smmu, SM3_CMD_ATC_INV |
                   sm_prep(SM3_CMD0_SID, QENV_TD_SID),
                   sm_prep(SM3_CMD1_ATC_SIZE, 52));
    g_assert_cmpuint(qsm3_sync(&e->smmu), ==, SM3_CERROR_ATC_INV_SYNC);
    g_assert_cmphex(qsm3_gerror_active(&e->smmu), ==, SM3_GERROR_CMDQ_ERR);
    /* The failed invalidation dropped nothing. */
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_INV_REQS), ==, 1);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_ATC_INV_ENTRIES), ==, 0);
    qsm3_gerror_ack(&e->smmu, SM3_GERROR_CMDQ_ERR);
    g_assert_cmpuint(qsm3_sync(&e->smmu), ==, 0);
    g_assert_cmphex(qsm3_gerror_active(&e->smmu), ==, 0);
    /* The next invalidation works again. */
    atc_inv(e, sm_prep(SM3_CMD1_ATC_SIZE, 52), 2, 1);
    qenv_free(e);
}

/* ---- PRI ----------------------------------------------------------------- */

/* @msi: the case also needs IDR0.MSI */
static QEnv *start_pri(uint64_t *pa, unsigned credits, bool msi)
{
    Needs n = { .ats = true, .pri = true, .msi = msi };
    QEnv *e = start_td(NULL, NULL, &n);
    QEnvXlate x;

    *pa = qenv_buf(e, 4096);
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    /* IOVA is not mapped yet: the page request will map it. */
    set_eats(e, SM3_STE1_EATS_FULL);
    qtd_enable_ats(&e->td);
    qtd_enable_pri(&e->td, credits);
    return e;
}

/* CMD_PRI_RESP Resp: 0b00 Deny, 0b01 Fail, 0b10 Success. */
#define PRI_DENY        0
#define PRI_FAIL        1
#define PRI_SUCCESS     2

static void pri_resp(QEnv *e, unsigned grpid, unsigned resp)
{
    qsm3_cmd(&e->smmu, SM3_CMD_PRI_RESP | sm_prep(SM3_CMD0_SID, QENV_TD_SID),
             sm_prep(SM3_CMD1_PRI_GRPID, grpid) |
             sm_prep(SM3_CMD1_PRI_RESP, resp));
}

/* Fault -> page request in the PRI queue -> map -> Success -> done. */
static void test_pri_success(void)
{
    uint64_t pa, pr[2];
    QEnv *e = start_pri(&pa, 8, false);
    QEnvXlate x;
    uint32_t st;

    st = qtd_write(&e->td, IOVA + 0x20, 16, 0x9a9e) ? 0 :
         qtd_readl(&e->td, SMMU_TESTDEV_STATUS);
    g_assert(st & SMMU_TESTDEV_STATUS_PRI_WAIT);
    g_assert(qsm3_priq_pop(&e->smmu, pr));
    g_assert_cmphex(sm_get(pr[0], SM3_PRI0_SID), ==, QENV_TD_SID);
    g_assert(pr[0] & SM3_PRI0_WRITE);
    g_assert(pr[0] & SM3_PRI0_LAST);
    g_assert(!(pr[0] & SM3_PRI0_SSV));
    g_assert_cmphex(pr[1] & SM3_PRI1_ADDR, ==, IOVA);
    /* Map the page (same tables: the CD of the set-up), then answer. */
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, pa, 3, 0);
    set_eats(e, SM3_STE1_EATS_FULL);
    pri_resp(e, sm_get(pr[1], SM3_PRI1_GRPID), PRI_SUCCESS);
    st = qtd_wait_idle(&e->td);
    if (!(st & SMMU_TESTDEV_STATUS_DONE)) {
        g_error("after PRI Success: STATUS 0x%x ERROR 0x%x FAULT_INFO 0x%x "
                "PRI_LAST 0x%x PRI_RESPS %u PRI_REQS %u", st,
                qtd_readl(&e->td, SMMU_TESTDEV_ERROR),
                qtd_readl(&e->td, SMMU_TESTDEV_FAULT_INFO),
                qtd_readl(&e->td, SMMU_TESTDEV_PRI_LAST),
                (unsigned)qtd_readq(&e->td, SMMU_TESTDEV_PRI_RESPS),
                (unsigned)qtd_readq(&e->td, SMMU_TESTDEV_PRI_REQS));
    }
    g_assert_cmphex(qenv_ld32(e, pa + 0x20), ==, 0x9a9e);
    g_assert_cmpuint(qtd_readq(&e->td, SMMU_TESTDEV_PRI_RESPS), ==, 1);
    qenv_free(e);
}

/*
 * A refusing PRI_RESP: the job fails PRI_DENIED, and the testdev saw the
 * PCIe response code.
 */
typedef struct PriRefusal {
    const char *name;
    unsigned resp;           /* CMD_PRI_RESP Resp */
    unsigned code;           /* PRI_LAST.CODE (PCIe PRG Response Code) */
} PriRefusal;

static const PriRefusal pri_refusals[] = {
    { "deny", PRI_DENY, 1 },     /* PCIe Invalid Request */
    { "fail", PRI_FAIL, 0xf },   /* PCIe Response Failure */
};

static void test_pri_refused(const void *opaque)
{
    const PriRefusal *c = opaque;
    uint64_t pa, pr[2];
    QEnv *e = start_pri(&pa, 8, false);

    g_assert(!qtd_write(&e->td, IOVA, 16, 1));
    g_assert(qsm3_priq_pop(&e->smmu, pr));
    pri_resp(e, sm_get(pr[1], SM3_PRI1_GRPID), c->resp);
    g_assert(qtd_wait_idle(&e->td) & SMMU_TESTDEV_STATUS_ERROR);
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_PRI_DENIED);
    g_assert_cmphex(sm_get(qtd_readl(&e->td, SMMU_TESTDEV_PRI_LAST),
                           SMMU_TESTDEV_PRI_LAST_CODE), ==, c->code);
    qenv_free(e);
}

/* PRIQ with PASID traffic: SSV and the PASID in the page request. */
static void test_pri_with_pasid(void)
{
    Needs n = { .ssid_bits = 4, .ats = true, .pri = true };
    QEnv *e = start_td(NULL, NULL, &n);
    Pasid p;
    uint64_t pr[2];

    pasid_setup(&p, e, false, 4, SM3_STE1_S1DSS_TERMINATE);
    pasid_map(&p, 11, qenv_buf(e, 4096), 0);
    set_eats(e, SM3_STE1_EATS_FULL);
    qtd_enable_ats(&e->td);
    qtd_enable_pri(&e->td, 4);
    g_assert(!qtd_write_pasid(&e->td, IOVA + 0x5000, 16, 1, 11));
    g_assert(qsm3_priq_pop(&e->smmu, pr));
    g_assert(pr[0] & SM3_PRI0_SSV);
    g_assert_cmphex(sm_get(pr[0], SM3_PRI0_SSID), ==, 11);
    g_assert_cmphex(pr[1] & SM3_PRI1_ADDR, ==, IOVA + 0x5000);
    qenv_free(e);
}

static void test_priq_msi(void)
{
    uint64_t pa, pr[2];
    QEnv *e = start_pri(&pa, 8, true);
    uint64_t mbox = qenv_buf(e, 64);

    qsm3_writeq(&e->smmu, SM3_PRIQ_IRQ_CFG0, mbox);
    qsm3_writel(&e->smmu, SM3_PRIQ_IRQ_CFG1, 0x9919004);
    g_assert(qsm3_set_irq_ctrl(&e->smmu, SM3_IRQ_CTRL_PRIQ_IRQEN));
    g_assert(!qtd_write(&e->td, IOVA, 16, 1));
    g_assert(qsm3_priq_pop(&e->smmu, pr));
    g_assert_cmphex(qenv_ld32(e, mbox), ==, 0x9919004);
    qenv_free(e);
}

static void test_priq_wired_irq(void)
{
    Needs n = { .ats = true, .pri = true };
    QEnv *e = start_td("msi=off", NULL, &n);
    QEnvXlate x;
    uint64_t pr[2];

    qenv_intercept_irqs(e);
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    set_eats(e, SM3_STE1_EATS_FULL);
    qtd_enable_ats(&e->td);
    qtd_enable_pri(&e->td, 8);
    g_assert(qsm3_set_irq_ctrl(&e->smmu, SM3_IRQ_CTRL_PRIQ_IRQEN));
    g_assert(!qtd_write(&e->td, IOVA, 16, 1));
    g_assert(qsm3_priq_pop(&e->smmu, pr));
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_PRIQ), ==, 1);
    qenv_free(e);
}

/* ---- stall model --------------------------------------------------------- */

/*
 * IDR0.STALL_MODEL: 0b00 stall and terminate, 0b01 terminate only (no
 * CD.S = 1, no CMD_RESUME or CMD_STALL_TERM), 0b10 stall forced (CD.S
 * must be 1).
 */
static unsigned stall_model(QEnv *e)
{
    return sm_get(qenv_idr(e, 0), SM3_IDR0_STALL_MODEL);
}

static QEnv *start_stall(unsigned cd_flags, uint64_t rec[4])
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;

    if (cd_flags & QSM3_CD_STALL) {
        qenv_require(e, stall_model(e) == 0 || stall_model(e) == 2,
                     "IDR0.STALL_MODEL 0b00 or 0b10 (the Stall model)");
    } else {
        qenv_require(e, stall_model(e) != 2,
                     "IDR0.STALL_MODEL other than 0b10 (the Terminate "
                     "model)");
    }
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, cd_flags);
    qenv_dma_fault(e, IOVA + 0x10, false, SM3_EVT_F_TRANSLATION, rec);
    return e;
}

/* CD.S = 1: the record says Stall with a STAG; RESUME takes it. */
static void test_stall_resume(void)
{
    uint64_t rec[4];
    QEnv *e = start_stall(QSM3_CD_STALL, rec);

    g_assert(rec[1] & SM3_EVT1_STALL);
    g_assert_cmphex(rec[2], ==, IOVA + 0x10);
    qsm3_cmd(&e->smmu, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, QENV_TD_SID) |
             sm_prep(SM3_CMD0_RESUME_AC, SM3_RESUME_TERM),
             sm_prep(SM3_CMD1_RESUME_STAG, sm_get(rec[1], SM3_EVT1_STAG)));
    g_assert_cmphex(qsm3_gerror_active(&e->smmu), ==, 0);
    qenv_free(e);
}

/* Each stalled transaction has its own STAG. */
static void test_stall_distinct_stags(void)
{
    uint64_t r1[4], r2[4];
    QEnv *e = start_stall(QSM3_CD_STALL, r1);

    qenv_dma_fault(e, IOVA + 0x7000, false, SM3_EVT_F_TRANSLATION, r2);
    g_assert(r2[1] & SM3_EVT1_STALL);
    g_assert_cmphex(sm_get(r1[1], SM3_EVT1_STAG), !=,
                    sm_get(r2[1], SM3_EVT1_STAG));
    qsm3_cmd(&e->smmu, SM3_CMD_STALL_TERM |
             sm_prep(SM3_CMD0_SID, QENV_TD_SID), 0);
    qenv_free(e);
}

static void test_stall_term(void)
{
    uint64_t rec[4];
    QEnv *e = start_stall(QSM3_CD_STALL, rec);

    qsm3_cmd(&e->smmu, SM3_CMD_STALL_TERM |
             sm_prep(SM3_CMD0_SID, QENV_TD_SID), 0);
    /* A CMD_RESUME racing with the termination has no effect. */
    qsm3_cmd(&e->smmu, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, QENV_TD_SID),
             sm_prep(SM3_CMD1_RESUME_STAG, sm_get(rec[1], SM3_EVT1_STAG)));
    g_assert_cmphex(qsm3_gerror_active(&e->smmu), ==, 0);
    qenv_free(e);
}

/* CD.S = 0: terminate model, no Stall bit. */
static void test_no_stall(void)
{
    uint64_t rec[4];
    QEnv *e = start_stall(0, rec);

    g_assert(!(rec[1] & SM3_EVT1_STALL));
    qenv_free(e);
}

/* CD.S = 1 where stalls are not allowed: C_BAD_CD. */
typedef struct StallRefusal {
    const char *name;
    const char *props;
    bool s1stalld;           /* STE.S1STALLD = 1 */
} StallRefusal;

static const StallRefusal stall_refusals[] = {
    /* STE.S1STALLD = 1 forbids CD.S = 1. */
    { "s1stalld", NULL, true },
    /* stall=off: CD.S = 1 is illegal on a terminate-only SMMU. */
    { "unsupported", "stall=off", false },
};

static void test_stall_refused(const void *opaque)
{
    const StallRefusal *c = opaque;
    QEnv *e = qenv_start(c->props, "", NULL);
    QEnvXlate x;
    uint64_t ste[8], rec[4];

    /*
     * STE.S1STALLD = 1 is ILLEGAL (C_BAD_STE) unless STALL_MODEL is 0b00
     * (IHI 0070 5.2); CD.S = 1 is C_BAD_CD where STALL_MODEL is 0b01.
     */
    qenv_require(e, stall_model(e) == (c->s1stalld ? 0 : 1),
                 c->s1stalld ? "IDR0.STALL_MODEL 0b00 (STE.S1STALLD)" :
                               "IDR0.STALL_MODEL 0b01 (terminate only)");
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, QSM3_CD_STALL);
    if (c->s1stalld) {
        qsm3_ste_read(&e->smmu, QENV_TD_SID, ste);
        ste[1] |= SM3_STE1_S1STALLD;
        qsm3_ste_write(&e->smmu, QENV_TD_SID, ste, true);
    }
    qenv_dma_fault(e, IOVA, false, SM3_EVT_C_BAD_CD, rec);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv3-ext/ats-pri-stall/pasid", pasid_dma_cases,
                   test_pasid_dma);
    QENV_ADD_TABLE("/arm-smmuv3-ext/ats-pri-stall/pasid", pasid_fault_cases,
                   test_pasid_fault);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/pasid/fault-record",
                    test_pasid_translation_fault_record);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/translate-hit",
                    test_ats_translate_hit);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/f-bad-ats-treq",
                    test_bad_ats_treq);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/f-transl-forbidden",
                    test_transl_forbidden);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/translated-unchecked",
                    test_translated_unchecked);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/atc-inv",
                    test_atc_inv);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/atc-inv-other-range",
                    test_atc_inv_other_range);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/atc-inv-all",
                    test_atc_inv_all);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/read-only",
                    test_ats_read_only);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/invalid-ste-ca",
                    test_ats_invalid_ste_ca);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/ats/cerror-atc-inv-sync",
                    test_cerror_atc_inv_sync);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/pri/success",
                    test_pri_success);
    QENV_ADD_TABLE("/arm-smmuv3-ext/ats-pri-stall/pri", pri_refusals,
                   test_pri_refused);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/pri/with-pasid",
                    test_pri_with_pasid);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/pri/priq-msi",
                    test_priq_msi);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/pri/priq-wired-irq",
                    test_priq_wired_irq);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/stall/resume",
                    test_stall_resume);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/stall/distinct-stags",
                    test_stall_distinct_stags);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/stall/term",
                    test_stall_term);
    qenv_add_func("/arm-smmuv3-ext/ats-pri-stall/stall/terminate-model",
                    test_no_stall);
    QENV_ADD_TABLE("/arm-smmuv3-ext/ats-pri-stall/stall", stall_refusals,
                   test_stall_refused);
    return g_test_run();
}
