/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: TLB and configuration-cache invalidation.
 *
 * Every case maps IOVA -> page A, lets smmu-testdev DMA through it (the
 * TLB and configuration cache now hold it), changes the tables so the
 * IOVA means page B, issues the command under test and DMAs again: the
 * data lands in A (stale: the command did not cover the entry) or in B
 * (fresh).  Table-driven: stage, StreamWorld, command, expectation.
 * Against another SMMU (qenv_builtin()), a stale expectation accepts
 * either frame: the architecture lets an SMMU drop an entry any time.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define NPAGES          8

typedef struct Inv {
    QEnv *e;
    QEnvXlate x;
    uint64_t a[NPAGES], b[NPAGES];   /* old and new frames of each page */
    uint32_t pattern;
} Inv;

/* What the case changes between the two DMAs. */
enum {
    CHANGE_LEAF = 0,         /* leaf descriptors (S1 or S2 as set up) */
    CHANGE_S2_LEAF,          /* nested: the stage-2 leaf of each IPA */
    CHANGE_STE,              /* STE -> new CD table (other ASID, table) */
    CHANGE_CD,               /* new CD: other ASID, other table */
};

/* Set-up flags. */
#define F_EL2        (1u << 0)    /* STE.STRW = EL2 */
#define F_E2H        (1u << 1)    /* CR2.E2H = 1 */
#define F_HYP        (1u << 2)    /* an EL2 command (needs IDR0.HYP) */
#define F_RIL        (1u << 3)    /* range or TTL fields (IDR3.RIL) */

typedef struct InvCase {
    const char *name;
    QEnvStage stage;
    unsigned flags;
    unsigned change;
    void (*cmd)(Inv *t);
    /* bit i set: page i still hits its old frame after the command */
    unsigned stale_mask;
} InvCase;

/* ---- set-up and checks --------------------------------------------------- */

/*
 * What the case needs the SMMU to advertise, checked as a driver would
 * before using it: the stages it translates with; EL2 StreamWorlds and
 * the CMD_TLBI_EL2_* commands, which need IDR0.HYP (without it STE.STRW
 * is RES0, IHI 0070 5.2, and those commands are CERROR_ILL, 4.4.2); the
 * range and TTL fields of the TLBI commands, RES0 without IDR3.RIL
 * (4.4.1.1).
 */
static void inv_require(QEnv *e, const InvCase *c)
{
    uint32_t idr0 = qenv_idr(e, 0);

    qenv_require(e, c->stage == QENV_S2 || (idr0 & SM3_IDR0_S1P),
                 "IDR0.S1P (stage 1)");
    qenv_require(e, c->stage == QENV_S1 || (idr0 & SM3_IDR0_S2P),
                 "IDR0.S2P (stage 2)");
    qenv_require(e, !(c->flags & (F_EL2 | F_E2H | F_HYP)) ||
                 (idr0 & SM3_IDR0_HYP), "IDR0.HYP (EL2 translation "
                 "regimes and their TLBI commands)");
    qenv_require(e, !(c->flags & F_RIL) ||
                 (qenv_idr(e, 3) & SM3_IDR3_RIL), "IDR3.RIL (range "
                 "invalidation and the TTL hint)");
}

static void inv_dma_all(Inv *t, uint32_t pattern)
{
    unsigned i;

    for (i = 0; i < NPAGES; i++) {
        if (!qtd_write(&t->e->td, IOVA + i * 4096 + 0x10, 16, pattern + i)) {
            g_error("DMA to page %u failed: ERROR 0x%x", i,
                    qtd_readl(&t->e->td, SMMU_TESTDEV_ERROR));
        }
    }
}

static void inv_setup(Inv *t, const InvCase *c)
{
    QSm3Opts o = { .cr2 = c->flags & F_E2H ? SM3_CR2_E2H : 0 };
    unsigned i;

    memset(t, 0, sizeof(*t));
    /* qenv_start(), with the ID registers checked before CR2.E2H is set */
    t->e = qenv_new(NULL, "", NULL);
    inv_require(t->e, c);
    qsm3_init(&t->e->smmu, &t->e->bus, &t->e->alloc, t->e->smmu_base, &o);
    qtd_init(&t->e->td, &t->e->bus, t->e->ecam, 0, QENV_TD_DEVFN,
             QENV_TD_BAR);
    qenv_xlate_setup(t->e, &t->x, QENV_TD_SID, c->stage, 12, 0);
    if (c->flags & F_EL2) {
        uint64_t ste[8];

        qsm3_ste_read(&t->e->smmu, QENV_TD_SID, ste);
        ste[1] = sm_set(ste[1], SM3_STE1_STRW, SM3_STE1_STRW_EL2);
        qsm3_ste_write(&t->e->smmu, QENV_TD_SID, ste, true);
    }
    for (i = 0; i < NPAGES; i++) {
        t->a[i] = qenv_buf(t->e, 4096);
        t->b[i] = qenv_buf(t->e, 4096);
        qenv_xlate_map(t->e, &t->x, IOVA + i * 4096, t->a[i], 3, 0);
    }
    inv_dma_all(t, 0x1000);
    for (i = 0; i < NPAGES; i++) {
        g_assert_cmphex(qenv_ld32(t->e, t->a[i] + 0x10), ==, 0x1000 + i);
    }
}

static void inv_change(Inv *t, const InvCase *c)
{
    QSm3 *s = &t->e->smmu;
    unsigned i;

    switch (c->change) {
    case CHANGE_LEAF:
        for (i = 0; i < NPAGES; i++) {
            qenv_xlate_map(t->e, &t->x, IOVA + i * 4096, t->b[i], 3, 0);
        }
        break;
    case CHANGE_S2_LEAF:
        for (i = 0; i < NPAGES; i++) {
            uint64_t ipa = QENV_NESTED_IPA +
                           (t->a[i] - QALLOC_VIRT_RAM_BASE);

            qsm3_pt_map(&t->x.s2, ipa, t->b[i], 3, 0);
        }
        break;
    case CHANGE_STE: {
        QSm3Pt pt;
        uint64_t cd[8], ste[8];
        uint64_t cdtab = qsm3_cdtab_linear(s, 0);

        qsm3_pt_init(&pt, &t->e->bus, &t->e->alloc, false, 12, 39);
        for (i = 0; i < NPAGES; i++) {
            qsm3_pt_map(&pt, IOVA + i * 4096, t->b[i], 3, 0);
        }
        qsm3_cd_build(s, cd, &pt, 5, 0);
        qsm3_cd_write(s, cdtab, cd);
        qsm3_ste_s1(ste, cdtab, SM3_STE0_S1FMT_LINEAR, 0,
                    SM3_STE1_S1DSS_TERMINATE);
        qsm3_ste_write(s, QENV_TD_SID, ste, false);
        break;
    }
    case CHANGE_CD: {
        QSm3Pt pt;
        uint64_t cd[8];

        qsm3_pt_init(&pt, &t->e->bus, &t->e->alloc, false, 12, 39);
        for (i = 0; i < NPAGES; i++) {
            qsm3_pt_map(&pt, IOVA + i * 4096, t->b[i], 3, 0);
        }
        qsm3_cd_build(s, cd, &pt, 7, 0);
        qsm3_cd_write(s, t->x.cdtab, cd);
        break;
    }
    }
}

static void test_inv(const void *opaque)
{
    const InvCase *c = opaque;
    Inv t;
    unsigned i;

    inv_setup(&t, c);
    inv_change(&t, c);
    if (c->cmd) {
        c->cmd(&t);
    }
    qsm3_sync(&t.e->smmu);
    inv_dma_all(&t, 0x2000);
    for (i = 0; i < NPAGES; i++) {
        bool stale = c->stale_mask & (1u << i);
        uint64_t hit = stale ? t.a[i] : t.b[i];
        uint64_t miss = stale ? t.b[i] : t.a[i];

        /*
         * An entry the command did not cover MAY still be cached: any
         * SMMU can drop one at any time, so only ours, whose caches the
         * case knows, must show the old frame; another SMMU may show
         * either, but one of them.
         */
        if (stale && qenv_builtin() &&
            qenv_ld32(t.e, t.b[i] + 0x10) == 0x2000 + i) {
            hit = t.b[i];
            miss = t.a[i];
        }
        if (qenv_ld32(t.e, hit + 0x10) != 0x2000 + i) {
            g_error("page %u: expected the %s frame 0x%" G_GINT64_MODIFIER
                    "x to be written (old 0x%x, new 0x%x)", i,
                    stale ? "old (stale)" : "new", hit,
                    qenv_ld32(t.e, t.a[i] + 0x10),
                    qenv_ld32(t.e, t.b[i] + 0x10));
        }
        g_assert_cmphex(qenv_ld32(t.e, miss + 0x10), !=, 0x2000 + i);
    }
    qsm3_evt_none(&t.e->smmu);
    qenv_free(t.e);
}

/* ---- commands ------------------------------------------------------------ */

#define ALL      ((1u << NPAGES) - 1)
#define PAGE(i)  (1u << (i))

static uint64_t va_dw1(unsigned page, bool leaf)
{
    return ((IOVA + page * 4096) & SM3_CMD1_TLBI_VA) |
           (leaf ? SM3_CMD1_TLBI_LEAF : 0);
}

static uint64_t nh(unsigned op, unsigned asid, unsigned vmid)
{
    return op | sm_prep(SM3_CMD0_TLBI_ASID, asid) |
           sm_prep(SM3_CMD0_TLBI_VMID, vmid);
}

/* S1-only STEs have no VMID: entries carry VMID 0. */
static void c_nh_all(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_ALL, 0, 0), 0);
}

static void c_nh_asid(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_ASID, 1, 0), 0);
}

static void c_nh_asid_other(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_ASID, 2, 0), 0);
}

static void c_nh_va_p0(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VA, 1, 0), va_dw1(0, false));
}

static void c_nh_va_p3_leaf(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VA, 1, 0), va_dw1(3, true));
}

static void c_nh_va_other_asid(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VA, 9, 0), va_dw1(0, false));
}

static void c_nh_vaa_p1(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VAA, 0, 0), va_dw1(1, false));
}

/* Range: TG 4KB, SCALE 0, NUM 4: five pages from page 1. */
static void c_nh_va_range5(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VA, 1, 0) |
             sm_prep(SM3_CMD0_TLBI_NUM, 4) | sm_prep(SM3_CMD0_TLBI_SCALE, 0),
             va_dw1(1, false) | sm_prep(SM3_CMD1_TLBI_TG, 1));
}

/* Range: SCALE 1, NUM 2: (2 + 1) * 2^1 = six pages from page 0. */
static void c_nh_vaa_range6(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VAA, 0, 0) |
             sm_prep(SM3_CMD0_TLBI_NUM, 2) | sm_prep(SM3_CMD0_TLBI_SCALE, 1),
             va_dw1(0, false) | sm_prep(SM3_CMD1_TLBI_TG, 1));
}

/* TTL hint: level 3 (the leaf level of a page), TG 4KB, single page. */
static void c_nh_va_ttl3(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_VA, 1, 0),
             va_dw1(2, true) | sm_prep(SM3_CMD1_TLBI_TG, 1) |
             sm_prep(SM3_CMD1_TLBI_TTL, 3));
}

static void c_nsnh_all(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_TLBI_NSNH_ALL, 0);
}

static void c_s12_vmall(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_S12_VMALL, 0, 1), 0);
}

static void c_s12_vmall_other(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_S12_VMALL, 0, 2), 0);
}

static uint64_t ipa_dw1(uint64_t ipa)
{
    return ipa & SM3_CMD1_TLBI_IPA;
}

static void c_s2_ipa_p4(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_S2_IPA, 0, 1),
             ipa_dw1(IOVA + 4 * 4096));
}

/* Range over stage 2: TG 4KB, SCALE 0, NUM 2: three pages from page 2. */
static void c_s2_ipa_range3(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_S2_IPA, 0, 1) |
             sm_prep(SM3_CMD0_TLBI_NUM, 2),
             ipa_dw1(IOVA + 2 * 4096) | sm_prep(SM3_CMD1_TLBI_TG, 1));
}

static void c_s2_ipa_other_vmid(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_S2_IPA, 0, 5),
             ipa_dw1(IOVA + 4 * 4096));
}

/* Nested, stage-2 change: TLBI_S2_IPA then TLBI_NH_ALL for the VMID
 * (combined entries need the stage-1 scope too). */
static void c_s2_ipa_then_nh_all(Inv *t)
{
    uint64_t ipa = QENV_NESTED_IPA + (t->a[0] - QALLOC_VIRT_RAM_BASE);
    unsigned i;

    for (i = 0; i < NPAGES; i++) {
        qsm3_cmd_queue(&t->e->smmu, nh(SM3_CMD_TLBI_S2_IPA, 0, 1),
                       ipa_dw1(ipa + i * 8192));
    }
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_NH_ALL, 0, 1), 0);
}

static void c_el2_all(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_TLBI_EL2_ALL, 0);
}

static void c_el2_va_p5(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_EL2_VA, 0, 0), va_dw1(5, false));
}

static void c_el2_vaa_p6(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_TLBI_EL2_VAA, va_dw1(6, false));
}

static void c_el2_asid(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_EL2_ASID, 1, 0), 0);
}

static void c_el2_asid_other(Inv *t)
{
    qsm3_cmd(&t->e->smmu, nh(SM3_CMD_TLBI_EL2_ASID, 3, 0), 0);
}

static void c_cfgi_ste(Inv *t)
{
    qsm3_cfgi_ste(&t->e->smmu, QENV_TD_SID);
}

static void c_cfgi_ste_other(Inv *t)
{
    qsm3_cfgi_ste(&t->e->smmu, QENV_TD_SID + 1);
}

/* Range 3: 2^4 = 16 StreamIDs from 0x10 (aligned down). */
static void c_cfgi_ste_range(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_CFGI_STE_RANGE |
             sm_prep(SM3_CMD0_SID, QENV_TD_SID + 3),
             sm_prep(SM3_CMD1_CFGI_RANGE, 3));
}

/* Range 3 from 0x20: does not cover 0x10. */
static void c_cfgi_ste_range_other(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_CFGI_STE_RANGE |
             sm_prep(SM3_CMD0_SID, 0x20), sm_prep(SM3_CMD1_CFGI_RANGE, 3));
}

static void c_cfgi_all(Inv *t)
{
    qsm3_cfgi_all(&t->e->smmu);
}

static void c_cfgi_cd(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_CFGI_CD | sm_prep(SM3_CMD0_SID, QENV_TD_SID),
             SM3_CMD1_CFGI_LEAF);
}

static void c_cfgi_cd_all(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_CFGI_CD_ALL |
             sm_prep(SM3_CMD0_SID, QENV_TD_SID), 0);
}

/* A CMD_SYNC alone invalidates nothing. */
static void c_sync_only(Inv *t)
{
}

/* PREFETCH_CONFIG and PREFETCH_ADDR are hints: nothing is dropped. */
static void c_prefetch(Inv *t)
{
    qsm3_cmd(&t->e->smmu, SM3_CMD_PREFETCH_CONFIG |
             sm_prep(SM3_CMD0_SID, QENV_TD_SID), 0);
    qsm3_cmd(&t->e->smmu, SM3_CMD_PREFETCH_ADDR |
             sm_prep(SM3_CMD0_SID, QENV_TD_SID), IOVA);
}

#define SEVEN   (ALL & ~PAGE(0))

static const InvCase inv_cases[] = {
    { "s1/none-stale", QENV_S1, 0, CHANGE_LEAF, c_sync_only, ALL },
    { "s1/prefetch-stale", QENV_S1, 0, CHANGE_LEAF, c_prefetch, ALL },
    { "s1/tlbi-nh-all", QENV_S1, 0, CHANGE_LEAF, c_nh_all, 0 },
    { "s1/tlbi-nh-asid", QENV_S1, 0, CHANGE_LEAF, c_nh_asid, 0 },
    { "s1/tlbi-nh-asid-other", QENV_S1, 0, CHANGE_LEAF, c_nh_asid_other,
      ALL },
    { "s1/tlbi-nh-va", QENV_S1, 0, CHANGE_LEAF, c_nh_va_p0, SEVEN },
    { "s1/tlbi-nh-va-leaf", QENV_S1, 0, CHANGE_LEAF, c_nh_va_p3_leaf,
      ALL & ~PAGE(3) },
    { "s1/tlbi-nh-va-other-asid", QENV_S1, 0, CHANGE_LEAF,
      c_nh_va_other_asid, ALL },
    { "s1/tlbi-nh-vaa", QENV_S1, 0, CHANGE_LEAF, c_nh_vaa_p1,
      ALL & ~PAGE(1) },
    { "s1/tlbi-nh-va-range-num4", QENV_S1, F_RIL, CHANGE_LEAF, c_nh_va_range5,
      PAGE(0) | PAGE(6) | PAGE(7) },
    { "s1/tlbi-nh-vaa-range-scale1", QENV_S1, F_RIL, CHANGE_LEAF,
      c_nh_vaa_range6, PAGE(6) | PAGE(7) },
    { "s1/tlbi-nh-va-ttl3", QENV_S1, F_RIL, CHANGE_LEAF, c_nh_va_ttl3,
      ALL & ~PAGE(2) },
    { "s1/tlbi-nsnh-all", QENV_S1, 0, CHANGE_LEAF, c_nsnh_all, 0 },
    { "s1/tlbi-el2-all-not-el1", QENV_S1, F_HYP, CHANGE_LEAF, c_el2_all,
      ALL },
    { "s2/none-stale", QENV_S2, 0, CHANGE_LEAF, c_sync_only, ALL },
    { "s2/tlbi-s12-vmall", QENV_S2, 0, CHANGE_LEAF, c_s12_vmall, 0 },
    { "s2/tlbi-s12-vmall-other", QENV_S2, 0, CHANGE_LEAF, c_s12_vmall_other,
      ALL },
    { "s2/tlbi-s2-ipa", QENV_S2, 0, CHANGE_LEAF, c_s2_ipa_p4,
      ALL & ~PAGE(4) },
    { "s2/tlbi-s2-ipa-range-num2", QENV_S2, F_RIL, CHANGE_LEAF,
      c_s2_ipa_range3, ALL & ~(PAGE(2) | PAGE(3) | PAGE(4)) },
    { "s2/tlbi-s2-ipa-other-vmid", QENV_S2, 0, CHANGE_LEAF,
      c_s2_ipa_other_vmid, ALL },
    { "s2/tlbi-nsnh-all", QENV_S2, 0, CHANGE_LEAF, c_nsnh_all, 0 },
    { "nested/tlbi-s12-vmall", QENV_NESTED, 0, CHANGE_LEAF, c_s12_vmall,
      0 },
    { "nested/s2-change-s12-vmall", QENV_NESTED, 0, CHANGE_S2_LEAF,
      c_s12_vmall, 0 },
    { "nested/s2-change-stale", QENV_NESTED, 0, CHANGE_S2_LEAF, c_sync_only,
      ALL },
    { "nested/s2-ipa-then-nh-all", QENV_NESTED, 0, CHANGE_S2_LEAF,
      c_s2_ipa_then_nh_all, 0 },
    { "el2/tlbi-el2-all", QENV_S1, F_EL2, CHANGE_LEAF, c_el2_all, 0 },
    { "el2/tlbi-nh-all-not-el2", QENV_S1, F_EL2, CHANGE_LEAF, c_nh_all,
      ALL },
    { "el2/tlbi-el2-va", QENV_S1, F_EL2, CHANGE_LEAF, c_el2_va_p5,
      ALL & ~PAGE(5) },
    { "el2/tlbi-el2-vaa", QENV_S1, F_EL2, CHANGE_LEAF, c_el2_vaa_p6,
      ALL & ~PAGE(6) },
    { "el2-e2h/tlbi-el2-asid", QENV_S1, F_EL2 | F_E2H, CHANGE_LEAF,
      c_el2_asid, 0 },
    { "el2-e2h/tlbi-el2-asid-other", QENV_S1, F_EL2 | F_E2H, CHANGE_LEAF,
      c_el2_asid_other, ALL },
    { "cfgi/ste", QENV_S1, 0, CHANGE_STE, c_cfgi_ste, 0 },
    { "cfgi/ste-none-stale", QENV_S1, 0, CHANGE_STE, c_sync_only,
      ALL },
    { "cfgi/ste-other-sid", QENV_S1, 0, CHANGE_STE, c_cfgi_ste_other,
      ALL },
    { "cfgi/ste-range", QENV_S1, 0, CHANGE_STE, c_cfgi_ste_range, 0 },
    { "cfgi/ste-range-other", QENV_S1, 0, CHANGE_STE,
      c_cfgi_ste_range_other, ALL },
    { "cfgi/all", QENV_S1, 0, CHANGE_STE, c_cfgi_all, 0 },
    { "cfgi/cd", QENV_S1, 0, CHANGE_CD, c_cfgi_cd, 0 },
    { "cfgi/cd-all", QENV_S1, 0, CHANGE_CD, c_cfgi_cd_all, 0 },
    { "cfgi/cd-none-stale", QENV_S1, 0, CHANGE_CD, c_sync_only, ALL },
};

/* ---- IOMMU notifiers of stream-scoped invalidation ----------------------- */

/*
 * Two smmu-testdevs with an UNMAP notifier (iommu-notifier=on): td0 at
 * 00:02.0 (StreamID 0x10) and td1 at 00:03.0 (StreamID 0x18).  A
 * configuration invalidation must notify every device whose StreamID it
 * covers, not only the first StreamID of a range.  Each notified device
 * gets one UNMAP of its whole address space.
 */
typedef struct NotifyCase {
    const char *name;
    uint64_t dw0, dw1;            /* the command, encoded by hand */
    unsigned td0, td1;            /* UNMAP notifications expected */
} NotifyCase;

/*
 * CMD_CFGI_STE 0x03, CMD_CFGI_STE_RANGE 0x04: SID in dw0[63:32], Range
 * (2^(Range+1) StreamIDs, aligned) in dw1[4:0]; Range 31 is CFGI_ALL.
 */
static const NotifyCase notify_cases[] = {
    { "cfgi-ste-td1", 0x0000001800000003ull, 0, 0, 1 },
    { "cfgi-ste-td0", 0x0000001000000003ull, 0, 1, 0 },
    /* 0x10..0x1f: td1 is not the first StreamID of the range */
    { "range-16-from-td0", 0x0000001000000004ull, 3, 1, 1 },
    /* SID 0x1b in the command: the range is aligned down to 0x18..0x1f */
    { "range-8-unaligned", 0x0000001b00000004ull, 2, 0, 1 },
    { "range-16-below", 0x0000000000000004ull, 3, 0, 0 },
    { "range-2-between", 0x0000001200000004ull, 0, 0, 0 },
    { "cfgi-all", 0x0000000000000004ull, 31, 1, 1 },
};

static uint64_t unmaps(QEnv *e, const char *td)
{
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", td);

    return qtc_qom_get_uint(e->qts, path, "unmap-events");
}

static void test_notify(const void *opaque)
{
    const NotifyCase *c = opaque;
    QEnv *e = qenv_new(NULL, "iommu-notifier=on",
                       "-device smmu-testdev,id=td1,bus=pcie.0,addr=03.0,"
                       "iommu-notifier=on");
    uint64_t td0, td1;

    qsm3_init(&e->smmu, &e->bus, &e->alloc, e->smmu_base, NULL);
    td0 = unmaps(e, "td0");
    td1 = unmaps(e, "td1");
    qsm3_cmd(&e->smmu, c->dw0, c->dw1);
    /*
     * The command is legal on any SMMU; what the notifiers are told is a
     * choice of arm-smmuv3-ext, not architecture: CMD_CFGI_* act on the
     * SMMU's configuration caches and need not even touch its TLB (IHI
     * 0070 4.3.1), and a device's own cached translations are invalidated
     * by software with CMD_ATC_INV (4.5.1).
     */
    if (qenv_builtin()) {
        qenv_skip(e, "needs arm-smmuv3-ext: its UNMAP notifications on "
                  "configuration invalidation (not architected)");
    }
    g_assert_cmpuint(unmaps(e, "td0") - td0, ==, c->td0);
    g_assert_cmpuint(unmaps(e, "td1") - td1, ==, c->td1);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv3-ext/invalidation", inv_cases, test_inv);
    QENV_ADD_TABLE("/arm-smmuv3-ext/invalidation/notify", notify_cases,
                   test_notify);
    return g_test_run();
}
