/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: every fault the model takes for DMA of
 * smmu-testdev, with its exact syndrome (IHI 0062 "Fault handling"):
 *
 *  - context faults (FSR TF, AFF, PF, EF, ASF) at stage 1 and stage 2:
 *    FSR, FAR, FSYNR0 (PLVL [1:0], WNR [4], PNU [5], IND [6], NSATTR [8],
 *    PTWF [10]), CBFRSYNRA and the bank's interrupt;
 *  - global faults (sGFSR ICF [0], USF [1], SMCF [2], UCBF [3]):
 *    sGFSR, sGFSYNR0 (WNR [1], PNU [2], IND [3], NSATTR [5]), sGFSYNR1
 *    (StreamID), sGFAR and the global interrupt;
 *  - MULTI [31] in both, the interrupt enables (SCTLR.CFIE; sCR0.GFIE
 *    for USF, sCR0.GCFGFIE for the configuration faults), interrupt
 *    levels cleared by write-one-to-clear, and the stats.
 *
 * Every transaction here is Non-secure, so NSATTR is always 1.  The
 * interrupts are watched on the GIC inputs (qtest irq interception):
 * the global one is SPI spi + 0, bank n's is spi + 1 + n.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define IOVA            UINT64_C(0x80000000)
/* Where accesses go: not page aligned, so FAR shows every bit */
#define OFF             UINT64_C(0x234)
/* A guest physical address nothing answers (past RAM, below 4GiB) */
#define HOLE            UINT64_C(0x7f000000)
/* Above 4GiB: beyond a 32-bit output size */
#define HIGH_PA         UINT64_C(0x100000000)
#define SID0            0x10
#define SID1            0x18

static void expect32(const char *what, uint32_t got, uint32_t expect)
{
    if (got != expect) {
        g_error("%s: 0x%08x, expected 0x%08x", what, got, expect);
    }
}

/* ---- context faults (a table) -------------------------------------------- */

typedef struct Ctx {
    QSm2Env *e;
    QSm2Xlate x;
    uint64_t buf;            /* the frame mapped at IOVA */
} Ctx;

typedef struct CtxCase {
    const char *name;
    const char *props;
    bool stage2;             /* bank 1 (stage 2 only); else bank 5 */
    unsigned gshift;
    unsigned attrs;          /* QSM3_PT_* of the page at IOVA */
    void (*setup)(Ctx *c);   /* after the mapping; NULL: nothing */
    uint64_t iova;           /* the access (OFF is added) */
    bool write;
    uint32_t fsr, fsynr0;
} CtxCase;

/* Set-up hooks: each changes one thing of the working context. */

static void tcr_set(Ctx *c, uint32_t bits)
{
    QSm2 *s = &c->e->smmu;

    qsm2_cb_writel(s, c->x.cbndx, QSM2_CB_TCR,
                   qsm2_cb_readl(s, c->x.cbndx, QSM2_CB_TCR) | bits);
}

static void set_epd0(Ctx *c)
{
    tcr_set(c, QSM2_TCR_EPD0);
}

static void clear_va64(Ctx *c)
{
    qsm2_gr1_writel(&c->e->smmu, QSM2_CBA2R(c->x.cbndx), 0);
}

/* The IOVA leaf at level 3 with descriptor bits @clr cleared, @set set */
static void leaf_update(Ctx *c, uint64_t clr, uint64_t set)
{
    qsm2_desc_update(&c->e->smmu, qsm3_pt_desc_addr(&c->x.pt, IOVA, 3), clr,
                     set);
}

/* Bits [1:0] = 0b01 at level 3: the reserved encoding */
static void leaf_reserved(Ctx *c)
{
    leaf_update(c, 1u << 1, 0);
}

/* AP[1] = 0: no unprivileged access */
static void leaf_privileged_only(Ctx *c)
{
    leaf_update(c, 1u << 6, 0);
}

/* UXN [54] and PXN [53], and the stream's transactions are fetches */
static void leaf_xn_instcfg(Ctx *c)
{
    leaf_update(c, 0, UINT64_C(3) << 53);
    qsm2_s2cr(&c->e->smmu, 0, QSM2_S2CR_INSTCFG(3) |
              QSM2_S2CR_CBNDX(c->x.cbndx));
}

static void privcfg_privileged(Ctx *c)
{
    qsm2_s2cr(&c->e->smmu, 0, QSM2_S2CR_PRIVCFG(3) |
              QSM2_S2CR_CBNDX(c->x.cbndx));
}

/* APTable[1] (bit 62) on the level-2 table descriptor: no writes below */
static void aptable_read_only(Ctx *c)
{
    qsm2_desc_update(&c->e->smmu, qsm3_pt_desc_addr(&c->x.pt, IOVA, 2), 0,
                     UINT64_C(1) << 62);
}

/* A level-1 block at IOVA + 64GiB: 16K granules have none (reserved) */
static void block_16k_level1(Ctx *c)
{
    qsm2_map(&c->x, IOVA + (UINT64_C(1) << 36), 0, 1, 0);
}

/* A 2MiB block without AF at IOVA + 4MiB */
static void block_no_af(Ctx *c)
{
    qsm2_map(&c->x, IOVA + 0x400000, QALLOC_VIRT_RAM_BASE, 2,
             QSM3_PT_NO_AF);
}

/* A 32-bit output size: TCR2.PASIZE (stage 1) or VTCR.PS (stage 2) */
static void oas_32(Ctx *c)
{
    QSm2 *s = &c->e->smmu;
    unsigned n = c->x.cbndx;

    if (c->x.stage2) {
        qsm2_cb_writel(s, n, QSM2_CB_TCR,
                       qsm2_cb_readl(s, n, QSM2_CB_TCR) & ~(7u << 16));
    } else {
        qsm2_cb_writel(s, n, QSM2_CB_TCR2,
                       qsm2_cb_readl(s, n, QSM2_CB_TCR2) & ~0xfu);
    }
}

static void oas_32_leaf_high(Ctx *c)
{
    oas_32(c);
    qsm2_map(&c->x, IOVA, HIGH_PA, 3, 0);
}

static void oas_32_ttbr_high(Ctx *c)
{
    oas_32(c);
    qsm2_cb_writeq(&c->e->smmu, c->x.cbndx, QSM2_CB_TTBR0,
                   HIGH_PA | QSM2_TTBR_ASID(c->x.asid));
}

/* The level-1 table descriptor leads to a table above 4GiB */
static void oas_32_table_high(Ctx *c)
{
    oas_32(c);
    qsm2_desc_update(&c->e->smmu, qsm3_pt_desc_addr(&c->x.pt, IOVA, 1),
                     UINT64_C(0xfffffffff000), HIGH_PA);
}

static void ttbr_hole(Ctx *c)
{
    qsm2_cb_writeq(&c->e->smmu, c->x.cbndx, QSM2_CB_TTBR0,
                   HOLE | (c->x.stage2 ? 0 : QSM2_TTBR_ASID(c->x.asid)));
}

/* The level-2 table descriptor leads to a level-3 table in the hole */
static void l3_table_hole(Ctx *c)
{
    qsm2_desc_update(&c->e->smmu, qsm3_pt_desc_addr(&c->x.pt, IOVA, 2),
                     UINT64_C(0xfffffffff000), HOLE);
}

static void sctlr(Ctx *c, uint32_t val)
{
    qsm2_cb_writel(&c->e->smmu, c->x.cbndx, QSM2_CB_SCTLR, val);
}

/* SCTLR.CFRE = 0: the fault is still recorded */
static void no_cfre(Ctx *c)
{
    sctlr(c, QSM2_SCTLR_LINUX & ~QSM2_SCTLR_CFRE);
}

/* SCTLR.CFCFG = 1: the fault stalls, FSR.SS joins its bit */
static void cfcfg(Ctx *c)
{
    sctlr(c, QSM2_SCTLR_LINUX | QSM2_SCTLR_CFCFG);
}

/* FSYNR0 values: NSATTR | PLVL, plus WNR, PNU, IND, PTWF */
#define NS          0x100u
#define WNR         0x010u
#define PNU         0x020u
#define IND         0x040u
#define PTWF        0x400u
/* FSR bits */
#define TF          0x02u
#define AFF         0x04u
#define PF          0x08u
#define EF          0x10u
#define ASF         0x80u
#define SS          0x40000000u

static const CtxCase ctx_cases[] = {
    /* Translation faults, by the level of the invalid descriptor */
    { "s1/tf/level-1", NULL, false, 12, 0, NULL, IOVA + 0x40000000, true,
      TF, NS | WNR | 1 },
    { "s1/tf/level-2", NULL, false, 12, 0, NULL, IOVA + 0x200000, true,
      TF, NS | WNR | 2 },
    { "s1/tf/level-3-read", NULL, false, 12, 0, NULL, IOVA + 0x2000, false,
      TF, NS | 3 },
    { "s1/tf/16k-level-2", NULL, false, 14, 0, NULL, IOVA + 0x2000000, true,
      TF, NS | WNR | 2 },
    { "s1/tf/64k-level-3", NULL, false, 16, 0, NULL, IOVA + 0x20000, true,
      TF, NS | WNR | 3 },
    { "s1/tf/reserved-level-3", NULL, false, 12, 0, leaf_reserved, IOVA,
      true, TF, NS | WNR | 3 },
    { "s1/tf/16k-block-level-1", NULL, false, 14, 0, block_16k_level1,
      IOVA + (UINT64_C(1) << 36), false, TF, NS | 1 },
    /* ...and the ones found before any descriptor is read: level 0 */
    { "s1/tf/out-of-range", NULL, false, 12, 0, NULL, UINT64_C(1) << 39,
      false, TF, NS | 0 },
    { "s1/tf/epd0", NULL, false, 12, 0, set_epd0, IOVA, true, TF,
      NS | WNR | 0 },
    { "s1/tf/epd1-upper", NULL, false, 12, 0, NULL,
      UINT64_C(0xffffff8000000000), true, TF, NS | WNR | 0 },
    /* AArch32 formats are not modelled: the model's choice */
    { "s1/tf/va64-clear", NULL, false, 12, 0, clear_va64, IOVA, true, TF,
      NS | WNR | 0 },
    /* TG0 names a granule sIDR2.PTFS does not list: the model's choice */
    { "s1/tf/granule-not-implemented", "granules=4k,,64k", false, 14, 0,
      NULL, IOVA, true, TF, NS | WNR | 0 },
    /* Permission faults */
    { "s1/pf/write-read-only", NULL, false, 12, QSM3_PT_RO, NULL, IOVA,
      true, PF, NS | WNR | 3 },
    { "s1/pf/privileged-only", NULL, false, 12, 0, leaf_privileged_only,
      IOVA, false, PF, NS | 3 },
    { "s1/pf/privcfg-write-read-only", NULL, false, 12, QSM3_PT_RO,
      privcfg_privileged, IOVA, true, PF, NS | PNU | WNR | 3 },
    { "s1/pf/instcfg-execute-never", NULL, false, 12, 0, leaf_xn_instcfg,
      IOVA, false, PF, NS | IND | 3 },
    { "s1/pf/aptable-read-only", NULL, false, 12, 0, aptable_read_only,
      IOVA, true, PF, NS | WNR | 3 },
    { "s1/pf/64k-write-read-only", NULL, false, 16, QSM3_PT_RO, NULL, IOVA,
      true, PF, NS | WNR | 3 },
    /* Access flag faults (SCTLR.AFFD = 0) */
    { "s1/aff/page", NULL, false, 12, QSM3_PT_NO_AF, NULL, IOVA, true, AFF,
      NS | WNR | 3 },
    { "s1/aff/block-level-2", NULL, false, 12, 0, block_no_af,
      IOVA + 0x400000, false, AFF, NS | 2 },
    /* Address size faults (TCR2.PASIZE 32 bits) */
    { "s1/asf/leaf", NULL, false, 12, 0, oas_32_leaf_high, IOVA, true, ASF,
      NS | WNR | 3 },
    { "s1/asf/table", NULL, false, 12, 0, oas_32_table_high, IOVA, true,
      ASF, NS | WNR | 1 },
    { "s1/asf/ttbr", NULL, false, 12, 0, oas_32_ttbr_high, IOVA, true, ASF,
      NS | WNR | 0 },
    /* External aborts on the walk */
    { "s1/ef/ttbr", NULL, false, 12, 0, ttbr_hole, IOVA, true, EF,
      NS | PTWF | WNR | 1 },
    { "s1/ef/level-3-table", NULL, false, 12, 0, l3_table_hole, IOVA, false,
      EF, NS | PTWF | 3 },
    /* Reporting choices of the bank */
    { "s1/cfre-clear-still-recorded", NULL, false, 12, 0, no_cfre,
      IOVA + 0x2000, true, TF, NS | WNR | 3 },
    { "s1/cfcfg-stalls", NULL, false, 12, 0, cfcfg, IOVA + 0x2000, true,
      TF | SS, NS | WNR | 3 },
    /* Stage 2 */
    { "s2/tf/level-3-read", NULL, true, 12, 0, NULL, IOVA + 0x2000, false,
      TF, NS | 3 },
    { "s2/tf/level-2", NULL, true, 12, 0, NULL, IOVA + 0x200000, true,
      TF, NS | WNR | 2 },
    { "s2/tf/out-of-range", NULL, true, 12, 0, NULL, UINT64_C(1) << 39,
      false, TF, NS | 0 },
    { "s2/pf/write-read-only", NULL, true, 12, QSM3_PT_RO, NULL, IOVA, true,
      PF, NS | WNR | 3 },
    { "s2/pf/read-no-access", NULL, true, 12, QSM3_PT_NONE, NULL, IOVA,
      false, PF, NS | 3 },
    { "s2/pf/read-write-only", NULL, true, 16, QSM3_PT_WO, NULL, IOVA, false,
      PF, NS | 3 },
    { "s2/aff/page", NULL, true, 12, QSM3_PT_NO_AF, NULL, IOVA, true, AFF,
      NS | WNR | 3 },
    { "s2/asf/leaf", NULL, true, 12, 0, oas_32_leaf_high, IOVA, true, ASF,
      NS | WNR | 3 },
    { "s2/ef/vttbr", NULL, true, 12, 0, ttbr_hole, IOVA, true, EF,
      NS | PTWF | WNR | 1 },
};

/*
 * The working context: bank 5 (stage 1) or 1 (stage 2) for testdev 0,
 * a frame at IOVA with c->attrs and one at IOVA + one granule (so the
 * tables down to level 3 exist), interrupts intercepted.
 */
static void ctx_start(Ctx *f, const CtxCase *c)
{
    uint64_t gran = UINT64_C(1) << c->gshift;

    f->e = qsm2_env_new(c->props, 1, NULL);
    qsm2_enable(&f->e->smmu, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(&f->e->smmu, &f->x, 0, SID0, c->stage2 ? 1 : 5,
                     c->stage2, c->gshift, 1, 1);
    f->buf = qsm2_env_buf(f->e, gran);
    qsm2_map(&f->x, IOVA, f->buf, 3, c->attrs);
    qsm2_map(&f->x, IOVA + gran, qsm2_env_buf(f->e, gran), 3, 0);
    qsm2_env_intercept_irqs(f->e);
}

static void test_ctx_fault(const void *opaque)
{
    const CtxCase *c = opaque;
    uint64_t iova = c->iova + OFF;
    Ctx f;
    QSm2 *s;
    unsigned n;

    ctx_start(&f, c);
    s = &f.e->smmu;
    n = f.x.cbndx;
    if (c->setup) {
        c->setup(&f);
    }
    qsm2_dma_fails(f.e, 0, iova, c->write);
    expect32("FSR", qsm2_fsr(s, n), c->fsr);
    expect32("FSYNR0", qsm2_cb_readl(s, n, QSM2_CB_FSYNR0), c->fsynr0);
    g_assert_cmphex(qsm2_cb_readq(s, n, QSM2_CB_FAR), ==, iova);
    expect32("CBFRSYNRA", qsm2_gr1_readl(s, QSM2_CBFRSYNRA(n)), SID0);
    expect32("sGFSR", qsm2_gfsr(s), 0);
    g_assert_cmphex(qsm2_env_ld32(f.e, f.buf + OFF), ==, 0);
    /* The bank's interrupt (SCTLR.CFIE), no other */
    g_assert_cmpuint(qsm2_env_irq_raised(f.e, QSM2_IRQ_CB(n)), ==, 1);
    g_assert_true(qsm2_env_irq_level(f.e, QSM2_IRQ_CB(n)));
    g_assert_cmpuint(qsm2_env_irq_raised(f.e, QSM2_IRQ_GLOBAL), ==, 0);
    qsm2_fsr_clear(s, n);
    g_assert_false(qsm2_env_irq_level(f.e, QSM2_IRQ_CB(n)));
    qsm2_env_free(f.e);
}

/* ---- global faults (a table) --------------------------------------------- */

typedef struct GlobalCase {
    const char *name;
    const char *props;
    uint32_t scr0;           /* with QSM2_SCR0_REPORT */
    void (*setup)(QSm2 *s);
    bool write;
    uint32_t gfsr, gfsynr0;
} GlobalCase;

/* Bank 5 translating testdev 0 (group 0) over an empty table. */
static void bank5(QSm2 *s, QSm3Pt *pt)
{
    qsm3_pt_init(pt, s->bus, s->alloc, false, 12, 39);
    qsm2_cb_s1(s, 5, pt, 1, 1);
}

static void two_groups_match(QSm2 *s)
{
    QSm3Pt pt;

    bank5(s, &pt);
    qsm2_stream(s, 0, SID0, 5);
    qsm2_s2cr(s, 1, QSM2_S2CR_CBNDX(5));
    qsm2_smr(s, 1, SID0, 0xf);
}

static void s2cr_type(QSm2 *s, uint32_t type)
{
    qsm2_s2cr(s, 0, QSM2_S2CR_TYPE(type));
    qsm2_smr(s, 0, SID0, 0);
}

static void s2cr_fault(QSm2 *s)
{
    s2cr_type(s, QSM2_S2CR_FAULT);
}

/* S2CR.TYPE 0b11 is reserved: the model takes it as a fault */
static void s2cr_reserved(QSm2 *s)
{
    s2cr_type(s, 3);
}

/* SMR only: S2CR keeps its reset value, TYPE fault */
static void smr_only(QSm2 *s)
{
    qsm2_smr(s, 0, SID0, 0);
}

static void cbndx_16(QSm2 *s)
{
    qsm2_stream(s, 0, SID0, 16);
}

static void cbndx_4(QSm2 *s)
{
    qsm2_stream(s, 0, SID0, 4);
}

static void cbar_type(QSm2 *s, uint32_t type)
{
    QSm3Pt pt;

    bank5(s, &pt);
    qsm2_gr1_writel(s, QSM2_CBAR(5), QSM2_CBAR_TYPE(type) |
                    QSM2_CBAR_VMID(1));
    qsm2_stream(s, 0, SID0, 5);
}

/* Stage 1 with stage-2 fault on an SMMU without stage 2 (stage=1) */
static void cbar_s1_s2fault(QSm2 *s)
{
    cbar_type(s, QSM2_CBAR_S1_S2FAULT);
}

/* Nested on an SMMU without nesting (stage=1+2, sIDR0.NTS = 0) */
static void cbar_nested(QSm2 *s)
{
    cbar_type(s, QSM2_CBAR_NESTED);
}

/* A stage-2 context on an SMMU without stage 2 (stage=1) */
static void cbar_s2(QSm2 *s)
{
    cbar_type(s, QSM2_CBAR_S2);
}

/* sGFSR bits and sGFSYNR0 values (NSATTR [5], WNR [1]) */
#define ICF         0x1u
#define USF         0x2u
#define SMCF        0x4u
#define UCBF        0x8u
#define GNS         0x20u
#define GWNR        0x2u

static const GlobalCase global_cases[] = {
    { "usf/write", NULL, QSM2_SCR0_USFCFG, NULL, true, USF, GNS | GWNR },
    { "usf/read", NULL, QSM2_SCR0_USFCFG, NULL, false, USF, GNS },
    { "smcf", NULL, QSM2_SCR0_SMCFCFG, two_groups_match, true, SMCF,
      GNS | GWNR },
    { "icf/s2cr-type-fault", NULL, 0, s2cr_fault, true, ICF, GNS | GWNR },
    { "icf/s2cr-type-reserved", NULL, 0, s2cr_reserved, false, ICF, GNS },
    { "icf/s2cr-reset-value", NULL, 0, smr_only, true, ICF, GNS | GWNR },
    { "icf/cbar-type-2-without-s2", "stage=1", 0, cbar_s1_s2fault, true,
      ICF, GNS | GWNR },
    { "icf/cbar-type-3-without-nts", "stage=1+2", 0, cbar_nested, false,
      ICF, GNS },
    { "icf/cbar-type-0-without-s2", "stage=1", 0, cbar_s2, true, ICF,
      GNS | GWNR },
    { "ucbf/cbndx-16", NULL, 0, cbndx_16, true, UCBF, GNS | GWNR },
    { "ucbf/numcb-4", "numcb=4", 0, cbndx_4, false, UCBF, GNS },
};

static void test_global_fault(const void *opaque)
{
    const GlobalCase *c = opaque;
    QSm2Env *e = qsm2_env_new(c->props, 1, NULL);
    QSm2 *s = &e->smmu;
    uint64_t iova = IOVA + OFF;

    qsm2_env_intercept_irqs(e);
    if (c->setup) {
        c->setup(s);
    }
    qsm2_enable(s, QSM2_SCR0_REPORT | c->scr0);
    qsm2_dma_fails(e, 0, iova, c->write);
    expect32("sGFSR", qsm2_gfsr(s), c->gfsr);
    expect32("sGFSYNR0", qsm2_gr0_readl(s, QSM2_SGFSYNR0), c->gfsynr0);
    expect32("sGFSYNR1", qsm2_gr0_readl(s, QSM2_SGFSYNR1), SID0);
    expect32("sGFSYNR2", qsm2_gr0_readl(s, QSM2_SGFSYNR2), 0);
    g_assert_cmphex(qsm2_gr0_readq(s, QSM2_SGFAR), ==, iova);
    expect32("FSR5", qsm2_fsr(s, 5), 0);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_GLOBAL), ==, 1);
    g_assert_true(qsm2_env_irq_level(e, QSM2_IRQ_GLOBAL));
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_CB(5)), ==, 0);
    qsm2_gfsr_clear(s);
    g_assert_false(qsm2_env_irq_level(e, QSM2_IRQ_GLOBAL));
    qsm2_env_free(e);
}

/* ---- which enable raises the global interrupt (a table) ----------------- */

typedef struct GirqCase {
    const char *name;
    uint32_t scr0;
    bool config_fault;       /* ICF (S2CR fault) rather than USF */
    bool raised;
} GirqCase;

/* USF reports through GFRE/GFIE, ICF (a configuration fault) GCFG* */
static const GirqCase girq_cases[] = {
    { "usf-gfie", QSM2_SCR0_GFRE | QSM2_SCR0_GFIE, false, true },
    { "usf-gcfgfie-only", QSM2_SCR0_GCFGFRE | QSM2_SCR0_GCFGFIE, false,
      false },
    { "icf-gcfgfie", QSM2_SCR0_GCFGFRE | QSM2_SCR0_GCFGFIE, true, true },
    { "icf-gfie-only", QSM2_SCR0_GFRE | QSM2_SCR0_GFIE, true, false },
    { "usf-no-enable", 0, false, false },
};

static void test_global_irq_enable(const void *opaque)
{
    const GirqCase *c = opaque;
    QSm2Env *e = qsm2_env_new(NULL, 1, NULL);
    QSm2 *s = &e->smmu;

    qsm2_env_intercept_irqs(e);
    if (c->config_fault) {
        s2cr_fault(s);
    }
    qsm2_enable(s, QSM2_SCR0_USFCFG | c->scr0);
    qsm2_dma_fails(e, 0, IOVA, true);
    /* Recorded whatever the enables */
    g_assert_cmphex(qsm2_gfsr(s), ==, c->config_fault ? ICF : USF);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_GLOBAL), ==, c->raised);
    qsm2_env_free(e);
}

/* ---- interrupts, MULTI, statistics --------------------------------------- */

/* A stage-1 context for testdev 0 in bank @n, nothing mapped. */
static QSm2Env *start_s1(unsigned n, QSm2Xlate *x, unsigned ntd)
{
    QSm2Env *e = qsm2_env_new(NULL, ntd, NULL);

    qsm2_enable(&e->smmu, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(&e->smmu, x, 0, SID0, n, false, 12, 1, 1);
    qsm2_env_intercept_irqs(e);
    return e;
}

/*
 * SCTLR.CFIE = 0: the fault is recorded, no interrupt; setting CFIE
 * while FSR holds the fault raises it (a level, not an event).
 */
static void test_irq_cfie_later(void)
{
    QSm2Xlate x;
    QSm2Env *e = start_s1(5, &x, 1);

    qsm2_cb_writel(&e->smmu, 5, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX & ~QSM2_SCTLR_CFIE);
    qsm2_dma_fails(e, 0, IOVA, true);
    g_assert_cmphex(qsm2_fsr(&e->smmu, 5), ==, TF);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_CB(5)), ==, 0);
    qsm2_cb_writel(&e->smmu, 5, QSM2_CB_SCTLR, QSM2_SCTLR_LINUX);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_CB(5)), ==, 1);
    g_assert_true(qsm2_env_irq_level(e, QSM2_IRQ_CB(5)));
    qsm2_env_free(e);
}

/* Bank n's fault raises SPI spi + 1 + n: banks 0 and 15 here. */
static void test_irq_line_per_bank(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 2, NULL);
    QSm2 *s = &e->smmu;
    QSm2Xlate x0, x15;
    unsigned n;

    qsm2_enable(s, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(s, &x0, 0, SID0, 0, true, 12, 0, 7);
    qsm2_xlate_setup(s, &x15, 1, SID1, 15, false, 12, 1, 1);
    qsm2_env_intercept_irqs(e);
    qsm2_dma_fails(e, 0, IOVA, true);
    qsm2_dma_fails(e, 1, IOVA, true);
    g_assert_cmpuint(e->spi + QSM2_IRQ_CB(0), ==, 177);
    g_assert_cmpuint(e->spi + QSM2_IRQ_CB(15), ==, 192);
    for (n = 0; n < 16; n++) {
        g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_CB(n)), ==,
                         n == 0 || n == 15);
    }
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_GLOBAL), ==, 0);
    g_assert_cmphex(qsm2_gr1_readl(s, QSM2_CBFRSYNRA(0)), ==, SID0);
    g_assert_cmphex(qsm2_gr1_readl(s, QSM2_CBFRSYNRA(15)), ==, SID1);
    qsm2_env_free(e);
}

/* FSRRESTORE injects a fault: with CFIE the interrupt follows. */
static void test_irq_fsrrestore(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    qsm2_env_intercept_irqs(e);
    qsm2_cb_writel(&e->smmu, 3, QSM2_CB_SCTLR, QSM2_SCTLR_CFIE);
    qsm2_cb_writel(&e->smmu, 3, QSM2_CB_FSRRESTORE, PF);
    g_assert_true(qsm2_env_irq_level(e, QSM2_IRQ_CB(3)));
    qsm2_cb_writel(&e->smmu, 3, QSM2_CB_FSR, PF);
    g_assert_false(qsm2_env_irq_level(e, QSM2_IRQ_CB(3)));
    /* sGFSRRESTORE likewise, for the global line with GFIE */
    qsm2_gr0_writel(&e->smmu, QSM2_SCR0, QSM2_SCR0_CLIENTPD |
                    QSM2_SCR0_GFIE);
    qsm2_gr0_writel(&e->smmu, QSM2_SGFSRRESTORE, USF);
    g_assert_true(qsm2_env_irq_level(e, QSM2_IRQ_GLOBAL));
    qsm2_env_free(e);
}

/*
 * A second fault while FSR holds one sets only MULTI: FAR and FSYNR0
 * keep the first fault's syndrome, the interrupt stays raised once.
 * Once cleared, the next fault is recorded afresh.
 */
static void test_multi_context(void)
{
    QSm2Xlate x;
    QSm2Env *e = start_s1(5, &x, 1);
    QSm2 *s = &e->smmu;

    qsm2_map(&x, IOVA + 0x3000, qsm2_env_buf(e, 4096), 3, QSM3_PT_RO);
    qsm2_dma_fails(e, 0, IOVA + 0x10, true);                /* TF */
    qsm2_dma_fails(e, 0, IOVA + 0x3020, true);              /* PF */
    expect32("FSR", qsm2_fsr(s, 5), 0x80000000 | TF);
    g_assert_cmphex(qsm2_cb_readq(s, 5, QSM2_CB_FAR), ==, IOVA + 0x10);
    expect32("FSYNR0", qsm2_cb_readl(s, 5, QSM2_CB_FSYNR0), NS | WNR | 3);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_CB(5)), ==, 1);
    qsm2_cb_writel(s, 5, QSM2_CB_FSR, 0x80000000 | TF);
    expect32("FSR", qsm2_fsr(s, 5), 0);
    g_assert_false(qsm2_env_irq_level(e, QSM2_IRQ_CB(5)));
    qsm2_dma_fails(e, 0, IOVA + 0x3030, true);              /* PF */
    expect32("FSR", qsm2_fsr(s, 5), PF);
    g_assert_cmphex(qsm2_cb_readq(s, 5, QSM2_CB_FAR), ==, IOVA + 0x3030);
    expect32("FSYNR0", qsm2_cb_readl(s, 5, QSM2_CB_FSYNR0), NS | WNR | 3);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_CB(5)), ==, 2);
    qsm2_env_free(e);
}

/* The same for sGFSR: USF, then ICF of another stream: MULTI only. */
static void test_multi_global(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 2, NULL);
    QSm2 *s = &e->smmu;

    s2cr_type(s, QSM2_S2CR_FAULT);
    qsm2_smr(s, 0, SID1, 0);
    qsm2_env_intercept_irqs(e);
    qsm2_enable(s, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    qsm2_dma_fails(e, 0, IOVA + 0x40, false);               /* USF */
    qsm2_dma_fails(e, 1, IOVA + 0x80, true);                /* ICF */
    expect32("sGFSR", qsm2_gfsr(s), 0x80000000 | USF);
    expect32("sGFSYNR0", qsm2_gr0_readl(s, QSM2_SGFSYNR0), GNS);
    expect32("sGFSYNR1", qsm2_gr0_readl(s, QSM2_SGFSYNR1), SID0);
    g_assert_cmphex(qsm2_gr0_readq(s, QSM2_SGFAR), ==, IOVA + 0x40);
    g_assert_cmpuint(qsm2_env_irq_raised(e, QSM2_IRQ_GLOBAL), ==, 1);
    /* Clearing USF alone leaves MULTI, which holds no fault */
    qsm2_gr0_writel(s, QSM2_SGFSR, USF);
    expect32("sGFSR", qsm2_gfsr(s), 0x80000000);
    g_assert_false(qsm2_env_irq_level(e, QSM2_IRQ_GLOBAL));
    qsm2_dma_fails(e, 1, IOVA + 0x80, true);
    expect32("sGFSR", qsm2_gfsr(s), 0x80000000 | ICF);
    expect32("sGFSYNR1", qsm2_gr0_readl(s, QSM2_SGFSYNR1), SID1);
    qsm2_env_free(e);
}

/* Faults of one bank leave the others' records alone. */
static void test_bank_isolation(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 2, NULL);
    QSm2 *s = &e->smmu;
    QSm2Xlate x5, x6;

    qsm2_enable(s, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(s, &x5, 0, SID0, 5, false, 12, 1, 1);
    qsm2_xlate_setup(s, &x6, 1, SID1, 6, false, 12, 2, 2);
    qsm2_map(&x6, IOVA, qsm2_env_buf(e, 4096), 3, 0);
    qsm2_dma_fails(e, 0, IOVA, true);
    g_assert(qsm2_dma_write(e, 1, IOVA, 1));
    g_assert_cmphex(qsm2_fsr(s, 5), ==, TF);
    g_assert_cmphex(qsm2_fsr(s, 6), ==, 0);
    g_assert_cmphex(qsm2_cb_readq(s, 6, QSM2_CB_FAR), ==, 0);
    g_assert_cmphex(qsm2_cb_readl(s, 6, QSM2_CB_FSYNR0), ==, 0);
    g_assert_cmphex(qsm2_gr1_readl(s, QSM2_CBFRSYNRA(6)), ==, 0);
    qsm2_env_free(e);
}

/* qom-get stats: translations and faults as the DMA made them. */
static void test_stats(void)
{
    QSm2Xlate x;
    QSm2Env *e = start_s1(5, &x, 1);
    uint64_t t0 = qsm2_env_stat(e, "translations");
    uint64_t f0 = qsm2_env_stat(e, "faults");

    qsm2_map(&x, IOVA, qsm2_env_buf(e, 4096), 3, 0);
    g_assert(qsm2_dma_write(e, 0, IOVA, 1));
    qsm2_dma_fails(e, 0, IOVA + 0x5000, true);
    qsm2_dma_fails(e, 0, IOVA + 0x6000, false);
    g_assert_cmpuint(qsm2_env_stat(e, "faults"), ==, f0 + 2);
    g_assert_cmpuint(qsm2_env_stat(e, "translations"), ==, t0 + 3);
    qsm2_env_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv2-ext/faults/context", ctx_cases,
                   test_ctx_fault);
    QENV_ADD_TABLE("/arm-smmuv2-ext/faults/global", global_cases,
                   test_global_fault);
    QENV_ADD_TABLE("/arm-smmuv2-ext/faults/global-irq-enable", girq_cases,
                   test_global_irq_enable);
    g_test_add_func("/arm-smmuv2-ext/faults/irq/cfie-later",
                    test_irq_cfie_later);
    g_test_add_func("/arm-smmuv2-ext/faults/irq/line-per-bank",
                    test_irq_line_per_bank);
    g_test_add_func("/arm-smmuv2-ext/faults/irq/fsrrestore",
                    test_irq_fsrrestore);
    g_test_add_func("/arm-smmuv2-ext/faults/multi/context",
                    test_multi_context);
    g_test_add_func("/arm-smmuv2-ext/faults/multi/global",
                    test_multi_global);
    g_test_add_func("/arm-smmuv2-ext/faults/bank-isolation",
                    test_bank_isolation);
    g_test_add_func("/arm-smmuv2-ext/faults/stats", test_stats);
    return g_test_run();
}
