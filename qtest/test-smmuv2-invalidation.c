/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: every TLB maintenance register (IHI 0062 "TLB
 * maintenance"), shown by stale against fresh translations.  Two
 * clients (testdev 0 and 1, each with its own context bank and tables)
 * map two pages P and Q; a first DMA fills the TLB, the tables are then
 * changed to point elsewhere and a second DMA proves the TLB still
 * holds the old translation; after the invalidation under test, a third
 * DMA shows for each client and page whether its entry went (the data
 * lands in the new frame) or stayed (the old one).
 *
 * The scopes come from the architecture: TLBIVA (VA, ASID; and global
 * entries of any ASID), TLBIVAA (VA, all ASIDs), TLBIASID (non-global
 * entries of an ASID), TLBIALL (the bank's VMID), TLBIVAL / TLBIVAAL
 * (leaf-only forms), TLBIIPAS2(L) (stage-2 entries of an IPA), all within
 * the bank's VMID; TLBIVMID (every entry of a VMID), TLBIALLNSNH (all
 * Non-secure non-Hyp entries), TLBIALLH (Hyp entries: there are none).
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define P               UINT64_C(0x80000000)
#define Q               (P + 0x1000)

/* The AArch64 operand of TLBIVA*: VA[55:12] in [43:0], ASID in [63:48] */
#define VA_OP(va, asid) ((((va) >> 12) & UINT64_C(0xfffffffffff)) | \
                         (uint64_t)(asid) << 48)
/* TLBIIPAS2(L): IPA[47:12] in [35:0] */
#define IPA_OP(ipa)     (((ipa) >> 12) & UINT64_C(0xfffffffff))

/* ---- the two clients ----------------------------------------------------- */

typedef struct Client {
    bool stage2;
    unsigned cb;
    uint16_t asid, vmid;
} Client;

typedef enum Setup {
    SAME_VMID,               /* stage 1, ASIDs 1 and 2, both VMID 1 */
    TWO_VMIDS,               /* stage 1, both ASID 1, VMIDs 1 and 2 */
    STAGE2,                  /* stage 2, VMIDs 1 and 2 */
    MIXED,                   /* stage 1 and stage 2, both VMID 1 */
    VMID16,                  /* stage 1, VMIDs 0x101 and 0x201, VMID16EN */
    ASID16,                  /* stage 1, ASIDs 0x1201 and 0x1301, VMID 1 */
} Setup;

static const Client setups[][2] = {
    [SAME_VMID] = { { false, 5, 1, 1 }, { false, 6, 2, 1 } },
    [TWO_VMIDS] = { { false, 5, 1, 1 }, { false, 6, 1, 2 } },
    [STAGE2]    = { { true, 1, 0, 1 }, { true, 2, 0, 2 } },
    [MIXED]     = { { false, 5, 1, 1 }, { true, 1, 0, 1 } },
    [VMID16]    = { { false, 5, 1, 0x101 }, { false, 6, 1, 0x201 } },
    [ASID16]    = { { false, 5, 0x1201, 1 }, { false, 6, 0x1301, 1 } },
};

/* Which register space the invalidation is written to */
typedef enum Where {
    BANK0,                   /* client 0's context bank */
    BANK1,                   /* client 1's */
    GR0,
} Where;

/* Entries that must be gone: client c, page P or Q */
#define F0P     (1u << 0)
#define F0Q     (1u << 1)
#define F1P     (1u << 2)
#define F1Q     (1u << 3)
#define ALL     (F0P | F0Q | F1P | F1Q)

/* Variations */
#define GLOBAL_0P   (1u << 0)    /* client 0's P leaf has nG = 0 */
#define ASID8       (1u << 1)    /* TCR2.AS = 0; TTBR0 ASID 0x301/0x302 */
#define HALVES      (1u << 2)    /* the operand as two 32-bit writes */

typedef struct TlbiCase {
    const char *name;
    Setup setup;
    Where where;
    uint32_t off;
    uint64_t op;
    unsigned fresh;          /* F* */
    unsigned flags;
} TlbiCase;

static const TlbiCase tlbi_cases[] = {
    { "tlbiva", SAME_VMID, BANK0, QSM2_CB_TLBIVA, VA_OP(P, 1), F0P },
    { "tlbiva/other-asid", SAME_VMID, BANK0, QSM2_CB_TLBIVA, VA_OP(P, 3),
      0 },
    { "tlbiva/global-entry-any-asid", SAME_VMID, BANK0, QSM2_CB_TLBIVA,
      VA_OP(P, 3), F0P, GLOBAL_0P },
    { "tlbiva/keeps-stage-2", MIXED, BANK0, QSM2_CB_TLBIVA, VA_OP(P, 1),
      F0P },
    { "tlbiva/two-halves", SAME_VMID, BANK0, QSM2_CB_TLBIVA, VA_OP(P, 1),
      F0P, HALVES },
    { "tlbival", SAME_VMID, BANK0, QSM2_CB_TLBIVAL, VA_OP(P, 1), F0P },
    { "tlbivaa", SAME_VMID, BANK0, QSM2_CB_TLBIVAA, VA_OP(P, 0),
      F0P | F1P },
    { "tlbivaa/other-vmid", TWO_VMIDS, BANK0, QSM2_CB_TLBIVAA, VA_OP(P, 0),
      F0P },
    { "tlbivaal", SAME_VMID, BANK0, QSM2_CB_TLBIVAAL, VA_OP(P, 0),
      F0P | F1P },
    { "tlbiasid", SAME_VMID, BANK0, QSM2_CB_TLBIASID, 1, F0P | F0Q },
    { "tlbiasid/other-vmid", TWO_VMIDS, BANK1, QSM2_CB_TLBIASID, 1,
      F1P | F1Q },
    { "tlbiasid/keeps-global", SAME_VMID, BANK0, QSM2_CB_TLBIASID, 1, F0Q,
      GLOBAL_0P },
    { "tlbiasid/8-bit", SAME_VMID, BANK0, QSM2_CB_TLBIASID, 1, F0P | F0Q,
      ASID8 },
    { "tlbiasid/16-bit", ASID16, BANK0, QSM2_CB_TLBIASID, 0x1201,
      F0P | F0Q },
    { "tlbiva/16-bit-asid", ASID16, BANK0, QSM2_CB_TLBIVA, VA_OP(Q, 0x1301),
      F1Q },
    { "tlbiall", SAME_VMID, BANK0, QSM2_CB_TLBIALL, 0, ALL },
    { "tlbiall/other-vmid", TWO_VMIDS, BANK0, QSM2_CB_TLBIALL, 0,
      F0P | F0Q },
    { "tlbiipas2", STAGE2, BANK0, QSM2_CB_TLBIIPAS2, IPA_OP(P), F0P },
    { "tlbiipas2l", STAGE2, BANK0, QSM2_CB_TLBIIPAS2L, IPA_OP(P), F0P },
    { "tlbiipas2/other-vmid", STAGE2, BANK1, QSM2_CB_TLBIIPAS2, IPA_OP(Q),
      F1Q },
    { "tlbiipas2/keeps-stage-1", MIXED, BANK1, QSM2_CB_TLBIIPAS2,
      IPA_OP(P), F1P },
    { "tlbivmid", TWO_VMIDS, GR0, QSM2_TLBIVMID, 1, F0P | F0Q },
    { "tlbivmid/stage-2", STAGE2, GR0, QSM2_TLBIVMID, 2, F1P | F1Q },
    { "tlbivmid/both-stages", MIXED, GR0, QSM2_TLBIVMID, 1, ALL },
    { "tlbivmid/16-bit", VMID16, GR0, QSM2_TLBIVMID, 0x101, F0P | F0Q },
    { "tlbiallnsnh", TWO_VMIDS, GR0, QSM2_TLBIALLNSNH, 0, ALL },
    { "tlbiallnsnh/stage-2", STAGE2, GR0, QSM2_TLBIALLNSNH, 0, ALL },
    { "tlbiallh/no-hyp-entries", SAME_VMID, GR0, QSM2_TLBIALLH, 0, 0 },
};

typedef struct Inv {
    QSm2Env *e;
    const TlbiCase *c;
    QSm2Xlate x[2];
    uint64_t old[2][2], new[2][2];   /* [client][page] frames */
} Inv;

static const uint64_t pages[2] = { P, Q };

static unsigned fresh_bit(unsigned client, unsigned page)
{
    return 1u << (client * 2 + page);
}

/*
 * Point both clients' pages at @frames ([client][page]); client 0's P
 * leaf is global (nG = 0) with GLOBAL_0P.
 */
static void inv_map(Inv *v, uint64_t frames[2][2])
{
    unsigned i, p;

    for (i = 0; i < 2; i++) {
        for (p = 0; p < 2; p++) {
            qsm2_map(&v->x[i], pages[p], frames[i][p], 3, 0);
        }
    }
    if (v->c->flags & GLOBAL_0P) {
        qsm2_desc_update(&v->e->smmu, qsm3_pt_desc_addr(&v->x[0].pt, P, 3),
                         UINT64_C(1) << 11, 0);
    }
}

/* Both clients, their tables pointing at the old frames. */
static void inv_setup(Inv *v)
{
    const Client *cl = setups[v->c->setup];
    QSm2 *s = &v->e->smmu;
    unsigned i, p;

    qsm2_enable(s, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG |
                (v->c->setup == VMID16 ? QSM2_SCR0_VMID16EN : 0));
    for (i = 0; i < 2; i++) {
        qsm2_xlate_setup(s, &v->x[i], i, QSM2_TD_SID(i), cl[i].cb,
                         cl[i].stage2, 12, cl[i].asid, cl[i].vmid);
        for (p = 0; p < 2; p++) {
            v->old[i][p] = qsm2_env_buf(v->e, 4096);
            v->new[i][p] = qsm2_env_buf(v->e, 4096);
        }
        if ((v->c->flags & ASID8) && !cl[i].stage2) {
            /* 8-bit ASIDs: TTBR0.ASID[15:8] is not part of the ASID */
            qsm2_cb_writel(s, cl[i].cb, QSM2_CB_TCR2, QSM2_TCR2_PASIZE(5));
            qsm2_cb_writeq(s, cl[i].cb, QSM2_CB_TTBR0, v->x[i].pt.root |
                           QSM2_TTBR_ASID(0x300 + cl[i].asid));
        }
    }
    inv_map(v, v->old);
}

/* One DMA of @val by every client to every page. */
static void inv_dma_all(Inv *v, uint32_t val)
{
    unsigned i, p;

    for (i = 0; i < 2; i++) {
        for (p = 0; p < 2; p++) {
            if (!qsm2_dma_write(v->e, i, pages[p] + 0x80, val)) {
                g_error("client %u page %u: DMA failed (FSR 0x%x, sGFSR "
                        "0x%x)", i, p, qsm2_fsr(&v->e->smmu,
                                                setups[v->c->setup][i].cb),
                        qsm2_gfsr(&v->e->smmu));
            }
        }
    }
}

/* Where the last DMA of @val went, client by client and page by page. */
static void inv_check(Inv *v, uint32_t val, unsigned fresh)
{
    unsigned i, p;

    for (i = 0; i < 2; i++) {
        for (p = 0; p < 2; p++) {
            bool want_new = fresh & fresh_bit(i, p);
            uint32_t in_old = qsm2_env_ld32(v->e, v->old[i][p] + 0x80);
            uint32_t in_new = qsm2_env_ld32(v->e, v->new[i][p] + 0x80);

            if ((want_new && in_new != val) || (!want_new && in_old != val)) {
                g_error("client %u page %c: expected the %s translation "
                        "(old frame 0x%x, new frame 0x%x, value 0x%x)", i,
                        "PQ"[p], want_new ? "fresh" : "stale", in_old,
                        in_new, val);
            }
        }
    }
}

static void inv_do(Inv *v)
{
    const TlbiCase *c = v->c;
    QSm2 *s = &v->e->smmu;
    unsigned bank;

    if (c->where == GR0) {
        qsm2_tlbi_global(s, c->off, (uint32_t)c->op);
        return;
    }
    bank = setups[c->setup][c->where == BANK0 ? 0 : 1].cb;
    if (c->flags & HALVES) {
        /* Low word first: the operation acts once, on the whole operand */
        qsm2_cb_writel(s, bank, c->off, (uint32_t)c->op);
        qsm2_cb_writel(s, bank, c->off + 4, (uint32_t)(c->op >> 32));
        g_assert(qsm2_tlb_sync(s, bank));
        return;
    }
    qsm2_tlbi_cb(s, bank, c->off, c->op);
}

static void test_tlbi(const void *opaque)
{
    Inv v = { .c = opaque };

    v.e = qsm2_env_new(NULL, 2, NULL);
    inv_setup(&v);
    inv_dma_all(&v, 0x1111);                /* fills the TLB */
    inv_map(&v, v.new);
    inv_dma_all(&v, 0x2222);
    inv_check(&v, 0x2222, 0);               /* every entry is stale */
    inv_do(&v);
    inv_dma_all(&v, 0x3333);
    inv_check(&v, 0x3333, v.c->fresh);
    qsm2_env_free(v.e);
}

/* ---- single cases -------------------------------------------------------- */

/*
 * TLBIVA of an address of the TTBR1 region: the operand holds VA[55:12]
 * and bit 55 stands for the upper bits (here VA 0xffff800000200000, 16K
 * granule, T1SZ 17).
 */
static void test_tlbiva_ttbr1(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 1, NULL);
    QSm2 *s = &e->smmu;
    uint64_t va = UINT64_C(0xffff800000200000);
    uint64_t low = va & ((UINT64_C(1) << 47) - 1);
    uint64_t a = qsm2_env_buf(e, 16384), b = qsm2_env_buf(e, 16384);
    QSm3Pt lo, hi;
    uint32_t tcr;

    qsm2_enable(s, QSM2_SCR0_REPORT);
    qsm3_pt_init(&lo, &e->bus, &e->alloc, false, 12, 39);
    qsm3_pt_init(&hi, &e->bus, &e->alloc, false, 14, 47);
    qsm3_pt_map(&hi, low, a, 3, 0);
    qsm2_cb_s1(s, 8, &lo, 3, 3);
    tcr = qsm2_cb_readl(s, 8, QSM2_CB_TCR) & ~QSM2_TCR_EPD1;
    qsm2_cb_writel(s, 8, QSM2_CB_TCR, tcr | QSM2_TCR_T1SZ(17) |
                   QSM2_TCR_TG1(1) | QSM2_TCR_WALK1_WBWA);
    qsm2_cb_writeq(s, 8, QSM2_CB_TTBR1, hi.root);
    qsm2_stream(s, 0, QSM2_TD_SID(0), 8);
    g_assert(qsm2_dma_write(e, 0, va + 0x10, 0x1));
    qsm3_pt_map(&hi, low, b, 3, 0);
    g_assert(qsm2_dma_write(e, 0, va + 0x10, 0x2));
    g_assert_cmphex(qsm2_env_ld32(e, a + 0x10), ==, 0x2);     /* stale */
    /* VA[55:12] of the upper address: 0xff800000200, ASID 3 */
    qsm2_tlbi_cb(s, 8, QSM2_CB_TLBIVA, UINT64_C(0x00030ff800000200));
    g_assert(qsm2_dma_write(e, 0, va + 0x10, 0x3));
    g_assert_cmphex(qsm2_env_ld32(e, b + 0x10), ==, 0x3);     /* fresh */
    qsm2_env_free(e);
}

/*
 * A system reset empties the TLB along with the registers: the same
 * context programmed again (with new tables: a reset puts the board's
 * blobs back at the start of RAM, where the first ones were) does not
 * find the entry cached before.
 */
static void test_system_reset(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 1, NULL);
    QSm2 *s = &e->smmu;
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    qsm2_enable(s, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(s, &x, 0, QSM2_TD_SID(0), 5, false, 12, 1, 1);
    qsm2_map(&x, P, a, 3, 0);
    g_assert(qsm2_dma_write(e, 0, P, 0x1));
    qsm2_map(&x, P, b, 3, 0);
    g_assert(qsm2_dma_write(e, 0, P, 0x2));
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0x2);            /* stale */
    g_free(qtc_qmp_ok(e->qts, "{'execute': 'system_reset'}"));
    qtd_init(&e->td[0], &e->bus, e->ecam, 0, 2 << 3, QSM2_TD_BAR(0));
    qsm2_enable(s, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(s, &x, 0, QSM2_TD_SID(0), 5, false, 12, 1, 1);
    qsm2_map(&x, P, b, 3, 0);
    g_assert(qsm2_dma_write(e, 0, P, 0x3));
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0x3);            /* fresh */
    qsm2_env_free(e);
}

/* ---- synchronisation ----------------------------------------------------- */

/*
 * TLBSYNC and sTLBGSYNC: invalidations complete within their write in
 * the model, so TLBSTATUS.SACTIVE and sTLBGSTATUS.GSACTIVE read 0 at
 * once (a driver's poll ends on its first read).
 */
static void test_sync_status(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);
    QSm2 *s = &e->smmu;

    qsm2_cb_writeq(s, 5, QSM2_CB_TLBIVA, VA_OP(P, 1));
    qsm2_cb_writel(s, 5, QSM2_CB_TLBSYNC, 0);
    g_assert_cmphex(qsm2_cb_readl(s, 5, QSM2_CB_TLBSTATUS), ==, 0);
    qsm2_gr0_writel(s, QSM2_TLBIALLNSNH, 0);
    qsm2_gr0_writel(s, QSM2_STLBGSYNC, 0);
    g_assert_cmphex(qsm2_gr0_readl(s, QSM2_STLBGSTATUS), ==, 0);
    qsm2_env_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv2-ext/invalidation", tlbi_cases, test_tlbi);
    g_test_add_func("/arm-smmuv2-ext/invalidation/tlbiva/ttbr1-address",
                    test_tlbiva_ttbr1);
    g_test_add_func("/arm-smmuv2-ext/invalidation/system-reset",
                    test_system_reset);
    g_test_add_func("/arm-smmuv2-ext/invalidation/sync-status",
                    test_sync_status);
    return g_test_run();
}
