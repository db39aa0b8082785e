/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: the programming interface (IHI 0070 "Memory map
 * and registers"): reset values, ID registers under property sets,
 * read-only and reserved offsets, CR0/CR0ACK, IRQ_CTRL/IRQ_CTRLACK, GBPA
 * updates, 32-bit halves of 64-bit registers, page-1 aliases, refused
 * configurations.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

/* The SMMU under test's registers (e: each case's QEnv) */
#define BASE (e->smmu_base)

/* ---- reset values ------------------------------------------------------- */

/* The architecture revision SMMU_AIDR reports (0: SMMUv3.0, 1: 3.1...). */
static unsigned arch_minor(QEnv *e)
{
    return sm_get(qtc_readl(e->qts, BASE + SM3_AIDR), SM3_AIDR_MINOR);
}

static void test_reset_values(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    /*
     * impdef: the architecture leaves the reset value UNKNOWN (CR1, CR2,
     * the table and queue registers, the MSI configuration) or
     * IMPLEMENTATION DEFINED (GBPA but Update, the revision AIDR reports,
     * the identification registers): arm-smmuv3-ext's choice, checked
     * on it only.  The others reset to 0 on any SMMU (IHI 0070 6.3).
     */
    static const struct {
        uint32_t off, val;
        bool impdef;
    } regs[] = {
        { SM3_CR0, 0 }, { SM3_CR0ACK, 0 }, { SM3_CR1, 0, true },
        { SM3_CR2, 0, true }, { SM3_STATUSR, 0 }, { SM3_GBPA, 0x1000, true },
        { SM3_IRQ_CTRL, 0 }, { SM3_IRQ_CTRLACK, 0 }, { SM3_GERROR, 0 },
        { SM3_GERRORN, 0 }, { SM3_STRTAB_BASE, 0, true },
        { SM3_STRTAB_BASE + 4, 0, true }, { SM3_STRTAB_BASE_CFG, 0, true },
        { SM3_CMDQ_BASE, 0, true }, { SM3_CMDQ_PROD, 0, true },
        { SM3_CMDQ_CONS, 0, true }, { SM3_EVENTQ_BASE, 0, true },
        { QSM3_P1(SM3_EVENTQ_PROD), 0, true },
        { QSM3_P1(SM3_EVENTQ_CONS), 0, true }, { SM3_PRIQ_BASE, 0, true },
        { QSM3_P1(SM3_PRIQ_PROD), 0, true },
        { SM3_GERROR_IRQ_CFG0, 0, true }, { SM3_EVENTQ_IRQ_CFG1, 0, true },
        { SM3_AIDR, 0x01, true },                 /* SMMUv3.1 */
        /* CoreSight identification: Arm (JEP106 0x43b), part 0x0e0 */
        { SM3_PIDR0, 0xe0, true }, { SM3_PIDR1, 0xb0, true },
        { SM3_PIDR2, 0x0b, true }, { SM3_PIDR4, 0x04, true },
        { SM3_CIDR0, 0x0d, true }, { SM3_CIDR1, 0xf0, true },
        { SM3_CIDR2, 0x05, true }, { SM3_CIDR3, 0xb1, true },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        uint32_t v = qtc_readl(e->qts, BASE + regs[i].off);

        if (regs[i].impdef && qenv_builtin()) {
            continue;
        }
        if (v != regs[i].val) {
            g_error("offset 0x%x: 0x%x after reset, expected 0x%x",
                    regs[i].off, v, regs[i].val);
        }
    }
    /* GBPA.Update resets to 0 (6.3.14) */
    g_assert_cmphex(qtc_readl(e->qts, BASE + SM3_GBPA) & SM3_GBPA_UPDATE, ==,
                    0);
    if (!qenv_builtin()) {
        /* Where the board puts arm-smmuv3-ext and wires its SPIs */
        g_assert_cmphex(e->smmu_base, ==, QENV_SMMU_ADDR);
        g_assert_cmpuint(e->spi, ==, 176);
    }
    qenv_free(e);
}

/*
 * Default properties: everything the model implements is advertised.
 * Which features an SMMU implements, and so the value of every IDR field,
 * is IMPLEMENTATION DEFINED (6.3.1-6.3.6): these are arm-smmuv3-ext's.
 */
static void test_idr_defaults(void)
{
    QEnv *e;
    uint32_t idr0, idr1, idr5;

    qenv_require_ext("its default ID register values");
    e = qenv_new(NULL, NULL, NULL);
    idr0 = qtc_readl(e->qts, BASE + SM3_IDR0);
    idr1 = qtc_readl(e->qts, BASE + SM3_IDR1);
    idr5 = qtc_readl(e->qts, BASE + SM3_IDR5);
    g_assert(idr0 & SM3_IDR0_S1P);
    g_assert(idr0 & SM3_IDR0_S2P);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_TTF), ==, SM3_IDR0_TTF_AA64);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_HTTU), ==, 2);
    g_assert(idr0 & SM3_IDR0_ATS);
    g_assert(idr0 & SM3_IDR0_PRI);
    g_assert(idr0 & SM3_IDR0_MSI);          /* GICv3 ITS present: auto */
    g_assert(idr0 & SM3_IDR0_HYP);
    g_assert(idr0 & SM3_IDR0_ASID16);
    g_assert(idr0 & SM3_IDR0_VMID16);
    g_assert(idr0 & SM3_IDR0_CD2L);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_ST_LEVEL), ==, 1);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_STALL_MODEL), ==, 0);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_TTENDIAN), ==,
                     SM3_IDR0_TTENDIAN_LE);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SIDSIZE), ==, 16);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SSIDSIZE), ==, 20);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_CMDQS), ==, 19);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_EVENTQS), ==, 19);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_PRIQS), ==, 19);
    g_assert(qtc_readl(e->qts, BASE + SM3_IDR3) & SM3_IDR3_RIL);
    g_assert_cmpuint(sm_get(idr5, SM3_IDR5_OAS), ==, 5);
    g_assert(idr5 & SM3_IDR5_GRAN4K);
    g_assert(idr5 & SM3_IDR5_GRAN16K);
    g_assert(idr5 & SM3_IDR5_GRAN64K);
    g_assert_cmpuint(sm_get(idr5, SM3_IDR5_STALL_MAX), >, 0);
    qenv_free(e);
}

/* ---- IDR fields per property set (table-driven) ------------------------- */

typedef struct IdrCase {
    const char *name;
    const char *props;
    unsigned idr;            /* 0..5 */
    uint64_t mask;
    uint64_t expect;         /* field value (shifted down) */
} IdrCase;

static const IdrCase idr_cases[] = {
    { "stage-1/s1p", "stage=1", 0, SM3_IDR0_S1P, 1 },
    { "stage-1/s2p", "stage=1", 0, SM3_IDR0_S2P, 0 },
    { "stage-2/s1p", "stage=2", 0, SM3_IDR0_S1P, 0 },
    { "stage-2/s2p", "stage=2", 0, SM3_IDR0_S2P, 1 },
    { "stage-nested", "stage=nested", 0, SM3_IDR0_S1P | SM3_IDR0_S2P, 3 },
    { "granules-4k", "granules=4k", 5,
      SM3_IDR5_GRAN4K | SM3_IDR5_GRAN16K | SM3_IDR5_GRAN64K, 1 },
    { "granules-64k", "granules=64k", 5,
      SM3_IDR5_GRAN4K | SM3_IDR5_GRAN16K | SM3_IDR5_GRAN64K, 4 },
    { "granules-16k-64k", "granules=16k,,64k", 5,
      SM3_IDR5_GRAN4K | SM3_IDR5_GRAN16K | SM3_IDR5_GRAN64K, 6 },
    { "oas-32", "oas=32", 5, SM3_IDR5_OAS, 0 },
    { "oas-40", "oas=40", 5, SM3_IDR5_OAS, 2 },
    { "oas-44", "oas=44", 5, SM3_IDR5_OAS, 4 },
    { "oas-48", "oas=48", 5, SM3_IDR5_OAS, 5 },
    { "oas-52", "oas=52", 5, SM3_IDR5_OAS, 6 },
    { "ats-off", "ats=off,pri=off", 0, SM3_IDR0_ATS, 0 },
    /* pri=auto follows ats */
    { "ats-off/pri-auto", "ats=off", 0, SM3_IDR0_PRI, 0 },
    { "ats-on/pri-auto", "ats=on", 0, SM3_IDR0_PRI, 1 },
    { "ats-on", "ats=on", 0, SM3_IDR0_ATS, 1 },
    { "pri-off", "pri=off", 0, SM3_IDR0_PRI, 0 },
    { "pri-off/priqs", "pri=off", 1, SM3_IDR1_PRIQS, 0 },
    { "msi-off", "msi=off", 0, SM3_IDR0_MSI, 0 },
    { "msi-on", "msi=on", 0, SM3_IDR0_MSI, 1 },
    { "stall-off", "stall=off", 0, SM3_IDR0_STALL_MODEL, 1 },
    { "stall-off/stall-max", "stall=off", 5, SM3_IDR5_STALL_MAX, 0 },
    { "ril-off", "ril=off", 3, SM3_IDR3_RIL, 0 },
    { "hyp-off", "hyp=off", 0, SM3_IDR0_HYP, 0 },
    /* IDR0.HYP is RES0 unless both stages: hyp=auto follows the stages */
    { "stage-1/hyp", "stage=1", 0, SM3_IDR0_HYP, 0 },
    { "stage-2/hyp", "stage=2", 0, SM3_IDR0_HYP, 0 },
    { "stage-nested/hyp", "stage=nested", 0, SM3_IDR0_HYP, 1 },
    { "hyp-on", "stage=nested,hyp=on", 0, SM3_IDR0_HYP, 1 },
    /* SMMUv3.1: HAD with stage 1, XNX with stage 2 */
    { "stage-1/had-xnx", "stage=1", 3, SM3_IDR3_HAD | SM3_IDR3_XNX, 1 },
    { "stage-2/had-xnx", "stage=2", 3, SM3_IDR3_HAD | SM3_IDR3_XNX, 4 },
    { "stage-nested/had-xnx", "stage=nested", 3,
      SM3_IDR3_HAD | SM3_IDR3_XNX, 5 },
    { "httu-off", "httu=off", 0, SM3_IDR0_HTTU, 0 },
    { "httu-af", "httu=af", 0, SM3_IDR0_HTTU, 1 },
    { "two-level-st-off", "two-level-st=off,sidsize=6", 0,
      SM3_IDR0_ST_LEVEL, 0 },
    { "two-level-cd-off", "two-level-cd=off", 0, SM3_IDR0_CD2L, 0 },
    { "asid16-off", "asid16=off", 0, SM3_IDR0_ASID16, 0 },
    { "vmid16-off", "vmid16=off", 0, SM3_IDR0_VMID16, 0 },
    { "sidsize-8", "sidsize=8", 1, SM3_IDR1_SIDSIZE, 8 },
    { "sidsize-32", "sidsize=32", 1, SM3_IDR1_SIDSIZE, 32 },
    { "ssidsize-0", "ssidsize=0", 1, SM3_IDR1_SSIDSIZE, 0 },
    { "ssidsize-5", "ssidsize=5", 1, SM3_IDR1_SSIDSIZE, 5 },
    { "cmdqs-10", "cmdqs=10", 1, SM3_IDR1_CMDQS, 10 },
    { "eventqs-7", "eventqs=7", 1, SM3_IDR1_EVENTQS, 7 },
    { "priqs-4", "priqs=4", 1, SM3_IDR1_PRIQS, 4 },
};

static void test_idr_case(const void *opaque)
{
    const IdrCase *c = opaque;
    QEnv *e = qenv_new(c->props, NULL, NULL);
    uint32_t v = qtc_readl(e->qts, BASE + SM3_IDR0 + 4 * c->idr);

    if (sm_get(v, c->mask) != c->expect) {
        g_error("%s: IDR%u = 0x%08x, field 0x%" G_GINT64_MODIFIER "x = 0x%"
                G_GINT64_MODIFIER "x, expected 0x%" G_GINT64_MODIFIER "x",
                c->props, c->idr, v, c->mask, sm_get(v, c->mask), c->expect);
    }
    qenv_free(e);
}

/* ---- read-only and reserved offsets -------------------------------------- */

static void test_read_only(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    static const uint32_t ro[] = {
        SM3_IDR0, SM3_IDR1, SM3_IDR2, SM3_IDR3, SM3_IDR4, SM3_IDR5,
        SM3_IIDR, SM3_AIDR, SM3_CR0ACK, SM3_STATUSR, SM3_AGBPA,
        SM3_IRQ_CTRLACK, SM3_GERROR, SM3_PIDR0, SM3_CIDR0,
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(ro); i++) {
        uint32_t before = qtc_readl(e->qts, BASE + ro[i]);

        qtc_writel(e->qts, BASE + ro[i], ~before);
        g_assert_cmphex(qtc_readl(e->qts, BASE + ro[i]), ==, before);
    }
    qenv_free(e);
}

/* SMMU_IDR3.S2PI (SMMUv3.4): SMMU_S2PII at 0x030 */
#define IDR3_S2PI       SM_BIT(19)

/* Each offset reads as zero after a write of all-ones. */
static void check_raz_wi(QEnv *e, const uint32_t *off, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        qtc_writel(e->qts, BASE + off[i], 0xffffffff);
        if (qtc_readl(e->qts, BASE + off[i])) {
            g_error("reserved offset 0x%x: 0x%x after writing all-ones",
                    off[i], qtc_readl(e->qts, BASE + off[i]));
        }
    }
}

static void test_reserved_offsets(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    /*
     * Undefined offsets of page 0 are RES0 on any SMMU (IHI 0070 6.2):
     * holes, GATOS_CTRL without IDR0.ATOS, S2PII without IDR3.S2PI, and
     * the Secure registers (RAZ/WI to Non-secure accesses, which qtest's
     * are, or RES0 without Secure state).
     */
    static const uint32_t rsv[] = {
        0x04c, 0x058, 0x05c, 0x0e0, 0x800, 0x8000, 0xfffc,
    };
    static const uint32_t s2pii[] = { 0x030, 0x038 };
    static const uint32_t gatos[] = { 0x100 };
    /*
     * arm-smmuv3-ext's choices: 0xe00 and 0x1000 are in IMPLEMENTATION
     * DEFINED ranges, and page 1 outside its queue indexes may alias page
     * 0 (6.2, CONSTRAINED UNPREDICTABLE); arm-smmuv3-ext makes all of
     * them RAZ/WI.
     */
    static const uint32_t ours[] = {
        0xe00, 0x1000, 0x10000, 0x10020, 0x10090, 0x100b0, 0x1fffc,
    };
    uint32_t cr0 = qtc_readl(e->qts, BASE + SM3_CR0);
    uint64_t cmdq = qtc_readq(e->qts, BASE + SM3_CMDQ_BASE);

    check_raz_wi(e, rsv, G_N_ELEMENTS(rsv));
    if (!(qenv_idr(e, 3) & IDR3_S2PI)) {
        check_raz_wi(e, s2pii, G_N_ELEMENTS(s2pii));
    }
    if (!(qenv_idr(e, 0) & SM3_IDR0_ATOS)) {
        check_raz_wi(e, gatos, G_N_ELEMENTS(gatos));
    }
    if (!qenv_builtin()) {
        check_raz_wi(e, ours, G_N_ELEMENTS(ours));
    }
    /* Writes there changed nothing that is architected. */
    g_assert_cmphex(qtc_readl(e->qts, BASE + SM3_CR0), ==, cr0);
    g_assert_cmphex(qtc_readq(e->qts, BASE + SM3_CMDQ_BASE), ==, cmdq);
    qenv_free(e);
}

/* Registers of absent features are RES0: PRIQ with pri=off, MSI cfg. */
static void test_absent_feature_registers(void)
{
    QEnv *e = qenv_new("pri=off,msi=off", NULL, NULL);
    static const uint32_t regs[] = {
        SM3_PRIQ_BASE, SM3_PRIQ_IRQ_CFG1, SM3_GERROR_IRQ_CFG0,
        SM3_GERROR_IRQ_CFG1, SM3_EVENTQ_IRQ_CFG0, SM3_EVENTQ_IRQ_CFG2,
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        qtc_writel(e->qts, BASE + regs[i], 0x40000040);
        g_assert_cmphex(qtc_readl(e->qts, BASE + regs[i]), ==, 0);
    }
    g_assert_cmphex(qtc_readl(e->qts, BASE + QSM3_P1(SM3_PRIQ_PROD)), ==, 0);
    qenv_free(e);
}

/* ---- handshakes ---------------------------------------------------------- */

static void test_cr0_handshake(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    QSm3Opts o = { .no_enable = true };
    QSm3 *s = &e->smmu;
    static const uint32_t seq[] = {
        SM3_CR0_CMDQEN, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN,
        SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_PRIQEN,
        SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_PRIQEN |
        SM3_CR0_ATSCHK,
        SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_PRIQEN |
        SM3_CR0_ATSCHK | SM3_CR0_SMMUEN,
        SM3_CR0_SMMUEN, 0,
    };
    unsigned i;

    qsm3_init(s, &e->bus, &e->alloc, e->smmu_base, &o);
    for (i = 0; i < G_N_ELEMENTS(seq); i++) {
        g_assert(qsm3_set_cr0(s, seq[i]));
        g_assert_cmphex(qsm3_readl(s, SM3_CR0), ==, seq[i]);
        g_assert_cmphex(qsm3_readl(s, SM3_CR0ACK), ==, seq[i]);
    }
    qenv_free(e);
}

/* Enables of absent features do not stick (PRIQEN, ATSCHK). */
static void test_cr0_absent_bits(void)
{
    QEnv *e = qenv_new("pri=off,ats=off", NULL, NULL);

    qtc_writel(e->qts, BASE + SM3_CR0, SM3_CR0_PRIQEN | SM3_CR0_ATSCHK |
               SM3_CR0_EVENTQEN);
    g_assert_cmphex(qtc_readl(e->qts, BASE + SM3_CR0ACK), ==,
                    SM3_CR0_EVENTQEN);
    qenv_free(e);
}

static void test_irq_ctrl_handshake(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    QSm3Opts o = { .no_enable = true };
    uint32_t all = SM3_IRQ_CTRL_GERROR_IRQEN | SM3_IRQ_CTRL_EVENTQ_IRQEN;

    /* PRIQ_IRQEN is RES0 without IDR0.PRI (6.3.16) */
    if (qenv_idr(e, 0) & SM3_IDR0_PRI) {
        all |= SM3_IRQ_CTRL_PRIQ_IRQEN;
    }
    qsm3_init(s, &e->bus, &e->alloc, e->smmu_base, &o);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_GERROR_IRQEN));
    g_assert(qsm3_set_irq_ctrl(s, all));
    g_assert_cmphex(qsm3_readl(s, SM3_IRQ_CTRLACK), ==, all);
    /*
     * Reserved bits do not stick: IRQ_CTRLACK[31:3] are RES0, which reads
     * as zero (6.2, 6.3.18).
     */
    qsm3_writel(s, SM3_IRQ_CTRL, 0xfffffff0 | SM3_IRQ_CTRL_EVENTQ_IRQEN);
    g_assert_cmphex(qsm3_readl(s, SM3_IRQ_CTRLACK), ==,
                    SM3_IRQ_CTRL_EVENTQ_IRQEN);
    g_assert(qsm3_set_irq_ctrl(s, 0));
    qenv_free(e);
}

/*
 * *_IRQ_CFGn are read-only while SMMU_IRQ_CTRL enables their interrupt.
 * They exist only with IDR0.MSI (6.3.21).  The lock is architected from
 * SMMUv3.2; in SMMUv3.1 a write while enabled is CONSTRAINED
 * UNPREDICTABLE (ignored, or any value taken), and arm-smmuv3-ext, a
 * v3.1, ignores it.
 */
static void test_irq_cfg_locked_when_enabled(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    QSm3Opts o = { .no_enable = true };
    bool locked;

    qenv_require(e, qenv_idr(e, 0) & SM3_IDR0_MSI,
                 "IDR0.MSI (MSI configuration registers)");
    locked = !qenv_builtin() || arch_minor(e) >= 2;
    qsm3_init(s, &e->bus, &e->alloc, e->smmu_base, &o);
    qsm3_writeq(s, SM3_EVENTQ_IRQ_CFG0, 0x40001000);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_EVENTQ_IRQEN));
    qsm3_writeq(s, SM3_EVENTQ_IRQ_CFG0, 0x40002000);
    qsm3_writel(s, SM3_EVENTQ_IRQ_CFG1, 0x1234);
    if (locked) {
        g_assert_cmphex(qsm3_readq(s, SM3_EVENTQ_IRQ_CFG0), ==, 0x40001000);
        g_assert_cmphex(qsm3_readl(s, SM3_EVENTQ_IRQ_CFG1), ==, 0);
    }
    g_assert(qsm3_set_irq_ctrl(s, 0));
    qsm3_writeq(s, SM3_EVENTQ_IRQ_CFG0, 0x40002000);
    g_assert_cmphex(qsm3_readq(s, SM3_EVENTQ_IRQ_CFG0), ==, 0x40002000);
    qenv_free(e);
}

/*
 * GBPA changes through its Update handshake (6.3.14.1): written with
 * Update = 1, it takes the value, which reads back at once; Update reads
 * 0 when the change is complete.
 */
static void test_gbpa_update(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    uint32_t attrs = sm_prep(SM3_GBPA_SHCFG, 2) |
                     sm_prep(SM3_GBPA_MEMATTR, 0xf) | SM3_GBPA_MTCFG;

    s->bus = &e->bus;
    s->base = e->smmu_base;
    if (!qenv_builtin()) {
        /*
         * GBPA resets to an IMPLEMENTATION DEFINED value but for Update,
         * and a write without Update is CONSTRAINED UNPREDICTABLE before
         * SMMUv3.2 (ignored from 3.2): arm-smmuv3-ext resets it to 0x1000
         * (SHCFG Use incoming) and ignores such writes.
         */
        qsm3_writel(s, SM3_GBPA, SM3_GBPA_ABORT);
        g_assert_cmphex(qsm3_readl(s, SM3_GBPA), ==, 0x1000);
    }
    /* With Update it takes effect and Update reads back 0. */
    g_assert(qsm3_set_gbpa(s, SM3_GBPA_ABORT | 0x1000));
    g_assert_cmphex(qsm3_readl(s, SM3_GBPA) &
                    (SM3_GBPA_ABORT | SM3_GBPA_UPDATE), ==, SM3_GBPA_ABORT);
    g_assert(qsm3_set_gbpa(s, attrs));
    g_assert_cmphex(qsm3_readl(s, SM3_GBPA) &
                    (SM3_GBPA_ABORT | SM3_GBPA_UPDATE), ==, 0);
    /*
     * Without IDR1.ATTR_TYPES_OVR, whether SHCFG, MTCFG and MemAttr read
     * back as written or as zero is IMPLEMENTATION SPECIFIC (arm-smmuv3-ext
     * stores them).
     */
    if (!qenv_builtin() ||
        (qenv_idr(e, 1) & SM3_IDR1_ATTR_TYPES_OVR)) {
        g_assert_cmphex(qsm3_readl(s, SM3_GBPA), ==, attrs);
    }
    qenv_free(e);
}

/* SMMUEN = 0: GBPA.ABORT decides between bypass and abort. */
static void test_gbpa_abort_dma(void)
{
    QEnv *e = qenv_new(NULL, "", NULL);
    QSm3 *s = &e->smmu;
    uint64_t buf;

    s->bus = &e->bus;
    s->base = e->smmu_base;
    qtd_init(&e->td, &e->bus, e->ecam, 0, QENV_TD_DEVFN, QENV_TD_BAR);
    buf = qenv_buf(e, 4096);
    /*
     * GBPA.ABORT resets to an IMPLEMENTATION DEFINED value (6.3.14):
     * arm-smmuv3-ext's is 0 (bypass); elsewhere clear it first.
     */
    if (qenv_builtin()) {
        g_assert(qsm3_set_gbpa(s, 0));
    }
    g_assert(qtd_write(&e->td, buf, 64, 0xa5a5a5a5));
    g_assert_cmphex(qenv_ld32(e, buf), ==, 0xa5a5a5a5);
    g_assert(qsm3_set_gbpa(s, SM3_GBPA_ABORT));
    g_assert(!qtd_write(&e->td, buf + 64, 64, 0x5a5a5a5a));
    g_assert_cmpuint(qtd_error(&e->td), ==, SMMU_TESTDEV_ERR_DMA);
    g_assert_cmphex(qenv_ld32(e, buf + 64), ==, 0);
    g_assert(qsm3_set_gbpa(s, 0));
    g_assert(qtd_write(&e->td, buf + 64, 64, 0x5a5a5a5a));
    g_assert_cmphex(qenv_ld32(e, buf + 64), ==, 0x5a5a5a5a);
    qenv_free(e);
}

/* ---- 64-bit registers ---------------------------------------------------- */

/*
 * 32-bit halves of 64-bit registers are separately writable (6.2).  The
 * PRI queue's registers exist only with IDR0.PRI, the MSI configuration
 * only with IDR0.MSI: an SMMU without them is not asked.
 */
static void test_64bit_halves(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    static const struct {
        uint32_t off;
        uint32_t needs;      /* IDR0 features the register needs */
    } regs[] = {
        { SM3_STRTAB_BASE }, { SM3_CMDQ_BASE }, { SM3_EVENTQ_BASE },
        { SM3_PRIQ_BASE, SM3_IDR0_PRI },
        { SM3_GERROR_IRQ_CFG0, SM3_IDR0_MSI },
        { SM3_EVENTQ_IRQ_CFG0, SM3_IDR0_MSI },
        { SM3_PRIQ_IRQ_CFG0, SM3_IDR0_PRI | SM3_IDR0_MSI },
    };
    uint32_t idr0 = qenv_idr(e, 0);
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        uint32_t off = regs[i].off;
        uint64_t a = BASE + off;
        uint64_t v = UINT64_C(0x0000001234567840) |
                     (off == SM3_STRTAB_BASE ? 0 : 3);
        /* *_IRQ_CFG0[1:0] are RES0 */
        bool irq_cfg = off != SM3_STRTAB_BASE && off != SM3_CMDQ_BASE &&
                       off != SM3_EVENTQ_BASE && off != SM3_PRIQ_BASE;

        if ((idr0 & regs[i].needs) != regs[i].needs) {
            continue;
        }
        /* low half, then high half */
        qtc_writel(e->qts, a, (uint32_t)v);
        qtc_writel(e->qts, a + 4, (uint32_t)(v >> 32));
        g_assert_cmphex(qtc_readq(e->qts, a), ==,
                        irq_cfg ? (v & ~UINT64_C(3)) : v);
        g_assert_cmphex(qtc_readl(e->qts, a + 4), ==, v >> 32);
        /* a 64-bit write, read back in halves */
        qtc_writeq(e->qts, a, 0);
        g_assert_cmphex(qtc_readl(e->qts, a), ==, 0);
        g_assert_cmphex(qtc_readl(e->qts, a + 4), ==, 0);
    }
    qenv_free(e);
}

/* Physical address size in bits for an IDR5.OAS encoding */
static unsigned oas_bits(QEnv *e)
{
    static const unsigned bits[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

    return bits[sm_get(qenv_idr(e, 5), SM3_IDR5_OAS)];
}

/*
 * Writable masks: reserved bits of 64-bit registers read as zero (6.2).
 * Architected for any SMMU: the RES0 bits (63 and 61:56, STRTAB_BASE's
 * 5:0, STRTAB_BASE_CFG's 31:18 and 15:11) read as zero, ADDR keeps the
 * bits below the OAS, the allocation hint and the sizes read back as
 * written (their effect is capped, not the readback: 6.3.24-6.3.26).  ADDR
 * bits above the OAS need not be stored; that arm-smmuv3-ext stores them
 * up to bit 51, and SPLIT as written, is its choice.
 */
static void test_64bit_reserved_bits(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    uint64_t res0 = SM_BIT(63) | SM_MASK(61, 56);
    uint64_t addr = sm_low_mask(oas_bits(e));
    uint32_t cfg_res0 = SM_MASK(31, 18) | SM_MASK(15, 11);
    uint64_t v;
    uint32_t cfg;

    if (!sm_get(qenv_idr(e, 0), SM3_IDR0_ST_LEVEL)) {
        /* FMT and SPLIT exist only with a 2-level stream table */
        cfg_res0 |= SM3_STRTAB_BASE_CFG_FMT | SM3_STRTAB_BASE_CFG_SPLIT;
    }
    qtc_writeq(e->qts, BASE + SM3_STRTAB_BASE, UINT64_MAX);
    v = qtc_readq(e->qts, BASE + SM3_STRTAB_BASE);
    g_assert_cmphex(v & (res0 | SM_MASK(5, 0)), ==, 0);
    g_assert_cmphex(v & SM3_STRTAB_BASE_ADDR & addr, ==,
                    SM3_STRTAB_BASE_ADDR & addr);
    g_assert(v & SM3_STRTAB_BASE_RA);
    if (!qenv_builtin()) {
        g_assert_cmphex(v, ==, SM3_STRTAB_BASE_ADDR | SM3_STRTAB_BASE_RA);
    }
    qtc_writeq(e->qts, BASE + SM3_CMDQ_BASE, UINT64_MAX);
    v = qtc_readq(e->qts, BASE + SM3_CMDQ_BASE);
    g_assert_cmphex(v & res0, ==, 0);
    g_assert_cmphex(v & SM3_Q_BASE_ADDR & addr, ==, SM3_Q_BASE_ADDR & addr);
    g_assert(v & SM3_Q_BASE_RA);
    g_assert_cmphex(sm_get(v, SM3_Q_BASE_LOG2SIZE), ==, 0x1f);
    if (!qenv_builtin()) {
        g_assert_cmphex(v, ==, SM3_Q_BASE_ADDR | SM3_Q_BASE_RA |
                        SM3_Q_BASE_LOG2SIZE);
    }
    /* FMT 0b1x is reserved: only the bits outside the fields are RES0. */
    qtc_writel(e->qts, BASE + SM3_STRTAB_BASE_CFG, UINT32_MAX);
    cfg = qtc_readl(e->qts, BASE + SM3_STRTAB_BASE_CFG);
    g_assert_cmphex(cfg & cfg_res0, ==, 0);
    g_assert_cmphex(sm_get(cfg, SM3_STRTAB_BASE_CFG_LOG2SIZE), ==, 0x3f);
    if (!qenv_builtin()) {
        g_assert_cmphex(cfg & ~(uint32_t)SM3_STRTAB_BASE_CFG_FMT, ==,
                        SM3_STRTAB_BASE_CFG_LOG2SIZE |
                        SM3_STRTAB_BASE_CFG_SPLIT);
    }
    qenv_free(e);
}

/* ---- page 1 -------------------------------------------------------------- */

/*
 * The Event and PRI queue indexes live in page 1; their page-0 offsets
 * either alias them or are RAZ/WI (6.2, CONSTRAINED UNPREDICTABLE), and
 * arm-smmuv3-ext aliases them.  The PRI queue's exist only with IDR0.PRI.
 */
static void test_page1_aliases(void)
{
    QEnv *e = qenv_new(NULL, NULL, NULL);
    static const uint32_t regs[] = {
        SM3_EVENTQ_PROD, SM3_EVENTQ_CONS, SM3_PRIQ_PROD, SM3_PRIQ_CONS,
    };
    bool pri = qenv_idr(e, 0) & SM3_IDR0_PRI;
    unsigned i;

    /*
     * Queues of 2^8 entries, so that the indexes written below are
     * stored: bits above the wrap bit (bit LOG2SIZE) are RES0 (6.3.28).
     */
    qtc_writeq(e->qts, BASE + SM3_EVENTQ_BASE,
               sm_prep(SM3_Q_BASE_LOG2SIZE, 8));
    if (pri) {
        qtc_writeq(e->qts, BASE + SM3_PRIQ_BASE,
                   sm_prep(SM3_Q_BASE_LOG2SIZE, 8));
    }
    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        uint32_t v = 0x5 + i;
        uint32_t p0;
        bool alias;

        if (!pri && (regs[i] == SM3_PRIQ_PROD || regs[i] == SM3_PRIQ_CONS)) {
            continue;
        }
        qtc_writel(e->qts, BASE + QSM3_P1(regs[i]), v);
        g_assert_cmphex(qtc_readl(e->qts, BASE + QSM3_P1(regs[i])), ==, v);
        p0 = qtc_readl(e->qts, BASE + regs[i]);
        if (!qenv_builtin()) {
            g_assert_cmphex(p0, ==, v);
        } else if (p0 != v) {
            g_assert_cmphex(p0, ==, 0);
        }
        alias = p0 == v;
        qtc_writel(e->qts, BASE + regs[i], v + 0x10);
        g_assert_cmphex(qtc_readl(e->qts, BASE + QSM3_P1(regs[i])), ==,
                        alias ? v + 0x10 : v);
    }
    qenv_free(e);
}

/* ---- constrained registers ----------------------------------------------- */

/*
 * The table and queue registers are Guarded by their enables.  Writes
 * while enabled are ignored from SMMUv3.2; in SMMUv3.1 they are
 * CONSTRAINED UNPREDICTABLE (ignored, or any value taken: 6.3.11,
 * 6.3.24, 6.3.26), and arm-smmuv3-ext, a v3.1, ignores them.
 */
static void test_locked_while_enabled(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    uint64_t st = qsm3_readq(s, SM3_STRTAB_BASE);
    uint32_t cfg = qsm3_readl(s, SM3_STRTAB_BASE_CFG);
    uint64_t cq = qsm3_readq(s, SM3_CMDQ_BASE);
    uint64_t eq = qsm3_readq(s, SM3_EVENTQ_BASE);
    uint32_t cr1 = qsm3_readl(s, SM3_CR1);

    qsm3_writeq(s, SM3_STRTAB_BASE, 0x40800000);
    qsm3_writel(s, SM3_STRTAB_BASE_CFG, 3);
    qsm3_writeq(s, SM3_CMDQ_BASE, 0x40900000 | 4);
    qsm3_writeq(s, SM3_EVENTQ_BASE, 0x40a00000 | 4);
    qsm3_writel(s, SM3_CR1, 0);
    if (!qenv_builtin() || arch_minor(e) >= 2) {
        g_assert_cmphex(qsm3_readq(s, SM3_STRTAB_BASE), ==, st);
        g_assert_cmphex(qsm3_readl(s, SM3_STRTAB_BASE_CFG), ==, cfg);
        g_assert_cmphex(qsm3_readq(s, SM3_CMDQ_BASE), ==, cq);
        g_assert_cmphex(qsm3_readq(s, SM3_EVENTQ_BASE), ==, eq);
        g_assert_cmphex(qsm3_readl(s, SM3_CR1), ==, cr1);
    }
    /* Disabled again, they are writable. */
    g_assert(qsm3_set_cr0(s, 0));
    qsm3_writel(s, SM3_STRTAB_BASE_CFG, 3);
    g_assert_cmphex(qsm3_readl(s, SM3_STRTAB_BASE_CFG), ==, 3);
    qenv_free(e);
}

/*
 * SMMU_CR2 (6.3.12): E2H is RES0 without IDR0.Hyp, PTM without IDR0.BTM
 * (which arm-smmuv3-ext never advertises): only RECINVSID, and E2H with
 * hyp=on, keep what is written.
 */
static void test_cr2_e2h_needs_hyp(void)
{
    QEnv *e = qenv_new("hyp=off", NULL, NULL);

    g_assert_false(qenv_idr(e, 0) & SM3_IDR0_BTM);
    qtc_writel(e->qts, BASE + SM3_CR2, 0x7);
    g_assert_cmphex(qtc_readl(e->qts, BASE + SM3_CR2), ==, 0x2);
    qenv_free(e);
    e = qenv_new("hyp=on", NULL, NULL);
    qtc_writel(e->qts, BASE + SM3_CR2, 0x7);
    g_assert_cmphex(qtc_readl(e->qts, BASE + SM3_CR2), ==, 0x3);
    qenv_free(e);
}

/* 2-level stream table format is reserved without IDR0.ST_LEVEL. */
static void test_strtab_2lvl_refused(void)
{
    QEnv *e = qenv_new("two-level-st=off,sidsize=6", NULL, NULL);

    qtc_writel(e->qts, BASE + SM3_STRTAB_BASE_CFG,
               sm_prep(SM3_STRTAB_BASE_CFG_FMT, SM3_STRTAB_FMT_2LVL) | 8);
    g_assert_cmphex(qtc_readl(e->qts, BASE + SM3_STRTAB_BASE_CFG), ==, 8);
    qenv_free(e);
}

/* ---- device reset -------------------------------------------------------- */

static void test_system_reset(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    g_autofree char *r = NULL;

    g_assert_cmphex(qsm3_readl(&e->smmu, SM3_CR0ACK) & SM3_CR0_SMMUEN, ==,
                    SM3_CR0_SMMUEN);
    r = qtc_qmp_ok(e->qts, "{'execute': 'system_reset'}");
    /* The reset is requested; the main loop performs it. */
    qtc_sync(e->qts);
    qtc_clock_step(e->qts, 1000000);
    g_assert_cmphex(qsm3_readl(&e->smmu, SM3_CR0), ==, 0);
    g_assert_cmphex(qsm3_readl(&e->smmu, SM3_CR0ACK), ==, 0);
    g_assert_cmphex(qsm3_readl(&e->smmu, SM3_GBPA) & SM3_GBPA_UPDATE, ==, 0);
    if (!qenv_builtin()) {
        /*
         * STRTAB_BASE resets to an UNKNOWN value, GBPA to an
         * IMPLEMENTATION DEFINED one (6.3.24, 6.3.14): arm-smmuv3-ext's.
         */
        g_assert_cmphex(qsm3_readq(&e->smmu, SM3_STRTAB_BASE), ==, 0);
        g_assert_cmphex(qsm3_readl(&e->smmu, SM3_GBPA), ==, 0x1000);
    }
    qenv_free(e);
}

/* ---- refused configurations ---------------------------------------------- */

typedef struct BadCase {
    const char *name;
    const char *args;
    const char *message;
} BadCase;

static const BadCase bad_cases[] = {
    { "stage", "-device arm-smmuv3-ext,primary-bus=pcie.0,stage=3",
      "stage=3" },
    { "granules", "-device arm-smmuv3-ext,primary-bus=pcie.0,granules=8k",
      "8k" },
    { "addr-unaligned",
      "-device arm-smmuv3-ext,primary-bus=pcie.0,addr=0x9101000",
      "aligned" },
    { "no-bus", "-device arm-smmuv3-ext", "primary-bus" },
    { "device-before-smmu",
      "-device smmu-testdev,bus=pcie.0 "
      "-device arm-smmuv3-ext,primary-bus=pcie.0", "before" },
    { "board-iommu", "-machine iommu=smmuv3 "
      "-device arm-smmuv3-ext,primary-bus=pcie.0", "IOMMU" },
    /* Feature rules of SMMU_IDR0/1/5, each naming the properties */
    { "hyp-stage1", "-device arm-smmuv3-ext,primary-bus=pcie.0,stage=1,"
      "hyp=on", "hyp=on needs stage=nested: IDR0.HYP is RES0 unless both "
      "S1P and S2P are 1" },
    { "hyp-stage2", "-device arm-smmuv3-ext,primary-bus=pcie.0,stage=2,"
      "hyp=on", "hyp=on needs stage=nested" },
    { "pri-no-ats", "-device arm-smmuv3-ext,primary-bus=pcie.0,ats=off,"
      "pri=on",
      "pri=on needs ats=on: IDR0.PRI is RES0 when IDR0.ATS is 0" },
    { "sidsize-linear", "-device arm-smmuv3-ext,primary-bus=pcie.0,"
      "two-level-st=off", "sidsize >= 7 needs two-level-st=on" },
    { "oas52-4k", "-device arm-smmuv3-ext,primary-bus=pcie.0,oas=52,"
      "granules=4k,,16k", "oas=52 needs the 64k granule" },
    { "oas-50", "-device arm-smmuv3-ext,primary-bus=pcie.0,oas=50",
      "oas must be 32, 36, 40, 42, 44, 48 or 52" },
    /* Cache geometry names the property and the rule */
    { "tlb-entries-3", "-device arm-smmuv3-ext,primary-bus=pcie.0,"
      "tlb-entries=3", "tlb-entries=3, tlb-ways=4: entries must be a "
      "multiple of ways" },
    { "tlb-ways-ignored", "-device arm-smmuv3-ext,primary-bus=pcie.0,"
      "tlb-entries=0,tlb-ways=7", "tlb-ways=7 has no effect while "
      "tlb-entries=0" },
    { "cfg-entries-sets", "-device arm-smmuv3-ext,primary-bus=pcie.0,"
      "cfg-entries=48", "cfg-entries=48, cfg-ways=4: entries / ways must "
      "be a power of two" },
    { "walkc-ways-ignored", "-device arm-smmuv3-ext,primary-bus=pcie.0,"
      "walkc-s2l1-ways=8", "walkc-s2l1-ways=8 has no effect while "
      "walkc-s2l1-entries=0" },
    { "tlb-huge", "-device arm-smmuv3-ext,primary-bus=pcie.0,"
      "tlb-entries=4194304", "tlb-entries=4194304: at most 1048576" },
};

static void test_bad_config(const void *opaque)
{
    const BadCase *c = opaque;
    g_autofree char *err = NULL;
    QTestClient *q;

    qenv_require_ext("its properties' refused values");
    q = qtc_try_start(&err, c->args);

    if (q) {
        qtc_quit(q);
        g_error("'%s' was accepted", c->args);
    }
    if (!strstr(err, c->message)) {
        g_error("'%s': expected '%s' in:\n%s", c->args, c->message, err);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qenv_add_func("/arm-smmuv3-ext/registers/reset-values",
                    test_reset_values);
    qenv_add_func("/arm-smmuv3-ext/registers/idr/defaults",
                    test_idr_defaults);
    QENV_ADD_TABLE("/arm-smmuv3-ext/registers/idr", idr_cases,
                   test_idr_case);
    qenv_add_func("/arm-smmuv3-ext/registers/read-only", test_read_only);
    qenv_add_func("/arm-smmuv3-ext/registers/reserved-offsets",
                    test_reserved_offsets);
    qenv_add_func("/arm-smmuv3-ext/registers/absent-feature-registers",
                    test_absent_feature_registers);
    qenv_add_func("/arm-smmuv3-ext/registers/cr0-handshake",
                    test_cr0_handshake);
    qenv_add_func("/arm-smmuv3-ext/registers/cr0-absent-bits",
                    test_cr0_absent_bits);
    qenv_add_func("/arm-smmuv3-ext/registers/irq-ctrl-handshake",
                    test_irq_ctrl_handshake);
    qenv_add_func("/arm-smmuv3-ext/registers/irq-cfg-locked",
                    test_irq_cfg_locked_when_enabled);
    qenv_add_func("/arm-smmuv3-ext/registers/gbpa-update",
                    test_gbpa_update);
    qenv_add_func("/arm-smmuv3-ext/registers/gbpa-abort-dma",
                    test_gbpa_abort_dma);
    qenv_add_func("/arm-smmuv3-ext/registers/64bit-halves",
                    test_64bit_halves);
    qenv_add_func("/arm-smmuv3-ext/registers/64bit-reserved-bits",
                    test_64bit_reserved_bits);
    qenv_add_func("/arm-smmuv3-ext/registers/page1-aliases",
                    test_page1_aliases);
    qenv_add_func("/arm-smmuv3-ext/registers/locked-while-enabled",
                    test_locked_while_enabled);
    qenv_add_func("/arm-smmuv3-ext/registers/cr2-e2h-needs-hyp",
                    test_cr2_e2h_needs_hyp);
    qenv_add_func("/arm-smmuv3-ext/registers/strtab-2lvl-refused",
                    test_strtab_2lvl_refused);
    qenv_add_func("/arm-smmuv3-ext/registers/system-reset",
                    test_system_reset);
    QENV_ADD_TABLE("/arm-smmuv3-ext/registers/refused", bad_cases,
                   test_bad_config);
    return g_test_run();
}
