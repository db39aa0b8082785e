/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: address translation operations, stalls and
 * CBAR.TYPE 2 (IHI 0062: the ATS1* / GATS* registers with PAR and
 * sGPAR, the stall fault model with FSR.SS and RESUME, CBAR.TYPE):
 *
 *  - ATS1PR/PW/UR/UW of a bank (result in its PAR) and GATS1* / GATS12*
 *    of GR0 (result in sGPAR) with atos=on: the PAR of a success (PA
 *    [47:12], SH [8:7], ATTR [63:56] from the stage-1 MAIR) and of a
 *    fault (F [0], the FSR bit [7:1], PLVL [9:8], stage 2 [32]); stage-1
 *    and stage-2 banks, nested banks (the IPA from stage 1 alone, the PA
 *    from every stage), SCTLR.M = 0, banks that cannot run the operation;
 *    no fault recorded, no TLB used; atos=off ignores them;
 *  - SCTLR.CFCFG = 1: FSR.SS with the fault, one held transaction per
 *    bank, RESUME with TnR = 1 (terminate) and 0 (retry with the tables
 *    as they are then), MULTI, the interrupt while SS is set, the
 *    "stalls" counter, system_reset;
 *  - CBAR.TYPE 2 (stage 1 with stage-2 fault): the stage-2 translation
 *    fault recorded in the bank itself, with IPAFAR and FSYNR0.S1CBNDX.
 *
 * Expected values are written out as the architecture composes them.
 * Results of operations use output addresses above 4GiB that nothing
 * backs (an operation reads no data): PA below is 0x8_7654_3000.  Stage-1
 * leaves from qsm3's builder are AttrIndx 0 (MAIR0 byte 0 = 0xff, Normal
 * write-back), inner shareable (SH 0b11), AP[1] = 1 (unprivileged
 * access); stage-2 leaves are inner shareable with S2AP read/write.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define ATOS            "atos=on"
#define IOVA            UINT64_C(0x80000000)
#define PA              UINT64_C(0x876543000)
#define IPA             UINT64_C(0x9abcd000)     /* nested: stage-1 output */
#define IPA_HOLE        UINT64_C(0xc0000000)     /* nested: stage 2 unmapped */
/* A guest physical address nothing answers (past RAM, below 4GiB) */
#define HOLE            UINT64_C(0x7f000000)
#define RAM_BASE        UINT64_C(0x40000000)
#define SID0            0x10
#define TD0             0
#define S1CB            5               /* stage-1 (or nested) bank */
#define S2CB            1               /* a stage-2-only bank */
#define FLATCB          15              /* TYPE 1 with SCTLR.M = 0 */
/* Fault addresses of the stall cases: unmapped pages next to IOVA's */
#define FA              (IOVA + 0x1010)
#define FB              (IOVA + 0x2020)

static void expect64(const char *what, uint64_t got, uint64_t expect)
{
    if (got != expect) {
        g_error("%s: 0x%016" G_GINT64_MODIFIER "x, expected 0x%016"
                G_GINT64_MODIFIER "x", what, got, expect);
    }
}

static void expect32(const char *what, uint32_t got, uint32_t expect)
{
    if (got != expect) {
        g_error("%s: 0x%08x, expected 0x%08x", what, got, expect);
    }
}

typedef struct Ctx {
    QSm2Env *e;
    QSm2 *s;
    QSm2Xlate x;             /* bank S1CB, stage 1, 4K unless a case says */
    QSm3Pt s2;               /* nested: bank S2CB's table */
    uint64_t buf;            /* stall cases: the frame at IOVA */
} Ctx;

/*
 * A machine with @ntd testdevs, SMMU enabled, interrupts intercepted,
 * guest errors logged to QEMU's stderr.
 */
static void ctx_start(Ctx *c, const char *props, unsigned ntd)
{
    memset(c, 0, sizeof(*c));
    c->e = qsm2_env_new(props, ntd, "-d guest_errors");
    c->s = &c->e->smmu;
    qsm2_enable(c->s, QSM2_SCR0_REPORT);
    qsm2_env_intercept_irqs(c->e);
}

/* QEMU's guest-error log names @what (a register, as a whole word). */
static void expect_logged(Ctx *c, const char *what)
{
    g_autofree char *log = qtc_stderr(c->e->qts);
    g_autofree char *re = g_strdup_printf("\\b%s\\b", what);

    if (!g_regex_match_simple(re, log, 0, 0)) {
        g_error("no guest error about %s in QEMU's log:\n%s", what, log);
    }
}

/* The leaf of @va at level 3 of bank S1CB: clear @clr, set @set. */
static void leaf_update(Ctx *c, uint64_t va, uint64_t clr, uint64_t set)
{
    qsm2_desc_update(c->s, qsm3_pt_desc_addr(&c->x.pt, va, 3), clr, set);
}

/* Nothing recorded in banks S1CB and S2CB nor globally, no interrupt. */
static void expect_nothing_recorded(Ctx *c)
{
    unsigned banks[] = { S1CB, S2CB };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(banks); i++) {
        unsigned n = banks[i];

        expect32("FSR", qsm2_fsr(c->s, n), 0);
        expect64("FAR", qsm2_cb_readq(c->s, n, QSM2_CB_FAR), 0);
        expect32("FSYNR0", qsm2_cb_readl(c->s, n, QSM2_CB_FSYNR0), 0);
        expect64("IPAFAR", qsm2_cb_readq(c->s, n, QSM2_CB_IPAFAR), 0);
        g_assert_cmpuint(qsm2_env_irq_raised(c->e, QSM2_IRQ_CB(n)), ==, 0);
    }
    expect32("sGFSR", qsm2_gfsr(c->s), 0);
    g_assert_cmpuint(qsm2_env_irq_raised(c->e, QSM2_IRQ_GLOBAL), ==, 0);
}

/* ---- ATS1* of a stage-1 bank (a table) ----------------------------------- */

typedef struct Ats1Case {
    const char *name;
    unsigned gshift;
    unsigned level;          /* of the leaf at IOVA: 3 page, 2 block */
    uint64_t oa;             /* its output address */
    unsigned attrs;          /* QSM3_PT_* */
    void (*setup)(Ctx *c);   /* NULL: nothing more */
    uint64_t va;             /* the operand (bits [11:0] dropped) */
    /*
     * PAR of ATS1PR of 2^47, beyond every input size here, run before
     * each operation so that each one is seen to write PAR
     */
    uint64_t primer;
    uint64_t par[4];         /* after ATS1PR, ATS1PW, ATS1UR, ATS1UW */
} Ats1Case;

static const uint32_t ats1_ops[4] = {
    QSM2_CB_ATS1PR, QSM2_CB_ATS1PW, QSM2_CB_ATS1UR, QSM2_CB_ATS1UW,
};
static const char *const ats1_names[4] = {
    "ATS1PR", "ATS1PW", "ATS1UR", "ATS1UW",
};

/* AP[1] (bit 6) = 0: privileged access only */
static void privileged_only(Ctx *c)
{
    leaf_update(c, IOVA, 1u << 6, 0);
}

/* TCR2.PASIZE = 0b000: a 32-bit output size */
static void pasize_32(Ctx *c)
{
    qsm2_cb_writel(c->s, S1CB, QSM2_CB_TCR2,
                   qsm2_cb_readl(c->s, S1CB, QSM2_CB_TCR2) & ~0xfu);
}

static void ttbr0_hole(Ctx *c)
{
    qsm2_cb_writeq(c->s, S1CB, QSM2_CB_TTBR0, HOLE | QSM2_TTBR_ASID(1));
}

/*
 * The leaf names AttrIndx 5 (bits [4:2] = 0b101) and is outer shareable
 * (SH [9:8] = 0b10); MAIR1 holds indexes 4..7, byte 1 is index 5.
 */
static void attrindx5_outer(Ctx *c)
{
    leaf_update(c, IOVA, 7u << 2 | 3u << 8, 5u << 2 | 2u << 8);
    qsm2_cb_writel(c->s, S1CB, QSM2_CB_MAIR0, 0x0c0804ff);
    qsm2_cb_writel(c->s, S1CB, QSM2_CB_MAIR1, 0x4f7744bb);
}

static void sctlr_m_clear(Ctx *c)
{
    qsm2_cb_writel(c->s, S1CB, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX & ~QSM2_SCTLR_M);
}

/*
 * The usual success: ATTR 0xff [63:56] | PA [47:12] | SH 0b11 [8:7]
 * (0x180).  Faults: F (0x1) | FSR bit [7:1] | PLVL [9:8].
 */
#define PAR_OK          UINT64_C(0xff00000876543180)
#define PAR_PF_L3       UINT64_C(0x309)          /* F | PF 0x8 | PLVL 3 */
#define PAR_TF_L0       UINT64_C(0x3)            /* F | TF 0x2 | PLVL 0 */
#define PRIMER          (UINT64_C(1) << 47)

static const Ats1Case ats1_cases[] = {
    { "page", 12, 3, PA, 0, NULL, IOVA + 0x234, PAR_TF_L0,
      { PAR_OK, PAR_OK, PAR_OK, PAR_OK } },
    /* AP[2] = 1: writes fault, at any privilege */
    { "read-only", 12, 3, PA, QSM3_PT_RO, NULL, IOVA + 0x234, PAR_TF_L0,
      { PAR_OK, PAR_PF_L3, PAR_OK, PAR_PF_L3 } },
    /* AP[2:1] = 0b00: user accesses fault */
    { "privileged-only", 12, 3, PA, 0, privileged_only, IOVA + 0x234,
      PAR_TF_L0, { PAR_OK, PAR_OK, PAR_PF_L3, PAR_PF_L3 } },
    /* AF = 0 with SCTLR.AFFD = 0: F | AFF 0x4 | PLVL 3 */
    { "access-flag", 12, 3, PA, QSM3_PT_NO_AF, NULL, IOVA + 0x234,
      PAR_TF_L0, { 0x305, 0x305, 0x305, 0x305 } },
    /* Leaf output 0x8_7654_3000 beyond 32 bits: F | ASF 0x80 | PLVL 3 */
    { "address-size", 12, 3, PA, 0, pasize_32, IOVA + 0x234, PAR_TF_L0,
      { 0x381, 0x381, 0x381, 0x381 } },
    /* Level-1 table fetched from a hole: F | EF 0x10 | PLVL 1 */
    { "external-abort-walk", 12, 3, PA, 0, ttbr0_hole, IOVA + 0x234,
      PAR_TF_L0, { 0x111, 0x111, 0x111, 0x111 } },
    /*
     * A 2MiB block 0x8_7660_0000: the 4K page of IOVA + 0x12_3456 is
     * 0x8_7672_3000
     */
    { "block-2m", 12, 2, UINT64_C(0x876600000), 0, NULL, IOVA + 0x123456,
      PAR_TF_L0, { 0xff00000876723180, 0xff00000876723180,
                   0xff00000876723180, 0xff00000876723180 } },
    /*
     * A 64K page 0x8_7654_0000: PA [15:12] come from the input, IOVA +
     * 0xa234 -> 0x8_7654_a000
     */
    { "64k-page", 16, 3, UINT64_C(0x876540000), 0, NULL, IOVA + 0xa234,
      PAR_TF_L0, { 0xff0000087654a180, 0xff0000087654a180,
                   0xff0000087654a180, 0xff0000087654a180 } },
    /* ATTR = MAIR1 byte 1 = 0x44, SH 0b10 (0x100) */
    { "mair1-attrindx-5", 12, 3, PA, 0, attrindx5_outer, IOVA + 0x234,
      PAR_TF_L0, { 0x4400000876543100, 0x4400000876543100,
                   0x4400000876543100, 0x4400000876543100 } },
    /*
     * Stage 1 disabled: the input address [47:12], ATTR 0, SH 0; the
     * primer is flat too (2^47)
     */
    { "sctlr-m-clear", 12, 3, PA, 0, sctlr_m_clear, IOVA + 0x1234,
      UINT64_C(0x0000800000000000),
      { 0x80001000, 0x80001000, 0x80001000, 0x80001000 } },
};

static void test_ats1(const void *opaque)
{
    const Ats1Case *t = opaque;
    Ctx c;
    unsigned i;

    ctx_start(&c, ATOS, 0);
    qsm2_xlate_setup(c.s, &c.x, 0, SID0, S1CB, false, t->gshift, 1, 1);
    qsm2_map(&c.x, IOVA, t->oa, t->level, t->attrs);
    if (t->setup) {
        t->setup(&c);
    }
    for (i = 0; i < 4; i++) {
        expect64("primer PAR", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1PR, PRIMER),
                 t->primer);
        expect64(ats1_names[i], qsm2_ats1(c.s, S1CB, ats1_ops[i], t->va),
                 t->par[i]);
        /* Complete within the write */
        expect32("ATSR", qsm2_cb_readl(c.s, S1CB, QSM2_CB_ATSR), 0);
    }
    expect_nothing_recorded(&c);
    qsm2_env_free(c.e);
}

/* ---- operations through GR0 and on other bank types (a table) ----------- */

typedef struct AtsStep {
    uint32_t op;             /* 0 ends the list */
    bool bank;               /* true: ATS1* of bank @n, else GATS NDX @n */
    unsigned n;
    uint64_t addr;
    uint64_t par;            /* PAR of bank @n, or sGPAR */
} AtsStep;

typedef struct StepCase {
    const char *name;
    void (*setup)(Ctx *c);
    AtsStep steps[6];        /* up to 5, then op 0 */
    const char *logged[3];   /* guest errors naming these registers */
} StepCase;

#define ATS1(op, n, a, p)   { QSM2_CB_ATS1##op, true, n, a, p }
#define GATS(op, n, a, p)   { QSM2_SGATS##op, false, n, a, p }

/* Bank S1CB: TYPE 1, IOVA -> PA, privileged-only (AP[1] = 0) */
static void type1_privileged(Ctx *c)
{
    qsm2_xlate_setup(c->s, &c->x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c->x, IOVA, PA, 3, 0);
    privileged_only(c);
}

/* Bank S2CB: TYPE 0 (stage 2), IPA -> PA */
static void s2_bank(Ctx *c)
{
    QSm2Xlate x2;

    qsm2_xlate_setup(c->s, &x2, 1, 0x18, S2CB, true, 12, 0, 3);
    qsm2_map(&x2, IPA, PA, 3, 0);
}

/*
 * Both: a TYPE 1 bank and a TYPE 0 one; and bank 6 nested (TYPE 3) on
 * itself, not a stage-2 bank: an invalid context (a global fault)
 */
static void type1_and_s2(Ctx *c)
{
    type1_privileged(c);
    s2_bank(c);
    qsm2_gr1_writel(c->s, QSM2_CBA2R(6), QSM2_CBA2R_VA64);
    qsm2_gr1_writel(c->s, QSM2_CBAR(6), QSM2_CBAR_TYPE(QSM2_CBAR_NESTED) |
                    QSM2_CBAR_CBNDX(6));
    qsm2_cb_writel(c->s, 6, QSM2_CB_SCTLR, QSM2_SCTLR_LINUX);
}

/*
 * Nested: bank S2CB (VMID 3, 39-bit IPA) maps RAM to itself, so the
 * stage-1 tables (at IPAs = PAs) are reachable, and IPA -> PA with
 * @s2attrs; bank S1CB maps IOVA -> IPA with an outer shareable leaf
 * (SH 0b10, to tell it from stage 2's 0b11) and becomes TYPE 3 on S2CB.
 */
static void nested_build(Ctx *c, unsigned s2attrs)
{
    qsm3_pt_init(&c->s2, c->s->bus, c->s->alloc, true, 12, 39);
    qsm3_pt_identity(&c->s2, RAM_BASE, (uint64_t)QSM2_ENV_RAM_MB << 20);
    qsm3_pt_map(&c->s2, IPA, PA, 3, s2attrs);
    qsm2_cb_s2(c->s, S2CB, &c->s2, 3);
    qsm2_xlate_setup(c->s, &c->x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c->x, IOVA, IPA, 3, 0);
    leaf_update(c, IOVA, 3u << 8, 2u << 8);
    qsm2_gr1_writel(c->s, QSM2_CBAR(S1CB),
                    QSM2_CBAR_TYPE(QSM2_CBAR_NESTED) |
                    QSM2_CBAR_CBNDX(S2CB));
}

static void nested(Ctx *c)
{
    nested_build(c, 0);
}

static void nested_s2_read_only(Ctx *c)
{
    nested_build(c, QSM3_PT_RO);
}

static void nested_s1_disabled(Ctx *c)
{
    nested_build(c, 0);
    qsm2_cb_writel(c->s, S1CB, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX & ~QSM2_SCTLR_M);
}

/* Stage 1's level-1 table at an IPA stage 2 does not map */
static void nested_s1_table_unmapped(Ctx *c)
{
    nested_build(c, 0);
    qsm2_cb_writeq(c->s, S1CB, QSM2_CB_TTBR0, IPA_HOLE | QSM2_TTBR_ASID(1));
}

/* Bank S1CB: TYPE 2, IOVA -> PA at stage 1 */
static void type2(Ctx *c)
{
    qsm2_xlate_setup(c->s, &c->x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c->x, IOVA, PA, 3, 0);
    qsm2_gr1_writel(c->s, QSM2_CBAR(S1CB),
                    QSM2_CBAR_TYPE(QSM2_CBAR_S1_S2FAULT) | QSM2_CBAR_VMID(1));
}

/*
 * Stage-2 results: PA | SH 0b11 of the stage-2 leaf, ATTR 0 (no stage
 * 1 ran): 0x8_7654_3180.  Nested stage-1 results: ATTR 0xff | IPA
 * 0x9abc_d000 | SH 0b10 of the stage-1 leaf (0x100).
 */
#define PAR_S2_OK       UINT64_C(0x0000000876543180)
#define PAR_IPA_OK      UINT64_C(0xff0000009abcd100)

static const StepCase step_cases[] = {
    /*
     * The PAR layout in sGPAR; user operations on a privileged-only
     * page fault PF, at stage 1 of GATS12* too
     */
    { "gats/type-1", type1_privileged, {
        GATS(1PR, S1CB, IOVA + 0x234, PAR_OK),
        GATS(1UR, S1CB, IOVA + 0x234, PAR_PF_L3),
        GATS(12PW, S1CB, IOVA + 0x234, PAR_OK),
        GATS(12UW, S1CB, IOVA + 0x234, PAR_PF_L3),
    } },
    /*
     * NDX beyond sIDR1.NUMCB (16), and a stage-1 operation of a stage-2
     * bank: F alone, with a guest error.  A bank whose configuration is
     * invalid (a global fault, no FSR bit): F alone, sGFSR untouched
     */
    { "gats/bank-checks", type1_and_s2, {
        GATS(1PR, 16, IOVA, 0x1),
        GATS(12PR, 16, IOVA, 0x1),
        GATS(1PW, S2CB, IPA, 0x1),
        ATS1(PR, S2CB, IPA, 0x1),
        GATS(12UR, 6, IOVA, 0x1),
    }, { "GATS12PR", "GATS1PW", "ATS1PR" } },
    /*
     * GATS12* of a stage-2 bank: the input is an IPA.  IPA + 0x1000 is
     * unmapped at level 3 of stage 2, a stage-2 fault: F | TF | PLVL 3 |
     * bit 32 = 0x1_0000_0303 by the PAR layout.
     */
    { "gats12/stage-2-bank", s2_bank, {
        GATS(12PR, S2CB, IPA + 0x234, PAR_S2_OK),
        GATS(12UW, S2CB, IPA + 0x234, PAR_S2_OK),
        GATS(12PR, S2CB, IPA + 0x1234, UINT64_C(0x0000000100000303)),
    } },
    /*
     * Nested: ATS1* and GATS1* give the IPA, GATS12* the PA with stage
     * 1's ATTR and stage 2's SH; GATS12 of the stage-2 bank alone
     */
    { "nested", nested, {
        ATS1(PR, S1CB, IOVA + 0x234, PAR_IPA_OK),
        GATS(1PW, S1CB, IOVA + 0x234, PAR_IPA_OK),
        GATS(12UW, S1CB, IOVA + 0x234, PAR_OK),
        GATS(12PR, S2CB, IPA + 0x234, PAR_S2_OK),
    } },
    /*
     * Stage 2 read-only: GATS12PW faults at stage 2 (F | PF | PLVL 3 |
     * bit 32); stage-1 operations do not see stage 2's permissions
     */
    { "nested/s2-read-only", nested_s2_read_only, {
        GATS(12PW, S1CB, IOVA + 0x234, UINT64_C(0x0000000100000309)),
        GATS(12PR, S1CB, IOVA + 0x234, PAR_OK),
        ATS1(PW, S1CB, IOVA + 0x234, PAR_IPA_OK),
    } },
    /*
     * Stage 1 disabled in the nested bank: GATS12 is stage 2 alone
     * (ATTR 0), ATS1 gives the input back
     */
    { "nested/s1-disabled", nested_s1_disabled, {
        GATS(12PR, S1CB, IPA + 0x234, PAR_S2_OK),
        ATS1(PR, S1CB, IPA + 0x234, UINT64_C(0x000000009abcd000)),
    } },
    /*
     * The fetch of stage 1's level-1 table faults at stage 2, level 1
     * (stage 2's level-1 entry for IPA 0xc000_0000 is invalid):
     * F | TF | PLVL 1 | bit 32, for stage-1 operations too
     */
    { "nested/s2-fault-on-s1-walk", nested_s1_table_unmapped, {
        ATS1(PR, S1CB, IOVA + 0x234, UINT64_C(0x0000000100000103)),
        GATS(1UR, S1CB, IOVA + 0x234, UINT64_C(0x0000000100000103)),
        GATS(12PW, S1CB, IOVA + 0x234, UINT64_C(0x0000000100000103)),
    } },
    /*
     * TYPE 2: stage-1 operations translate; GATS12 faults at stage 2
     * (F | TF | bit 32, PLVL 0), unless stage 1 faults first (IOVA +
     * 0x5000 unmapped at level 3: F | TF | PLVL 3)
     */
    { "type-2", type2, {
        GATS(1PR, S1CB, IOVA + 0x234, PAR_OK),
        ATS1(UW, S1CB, IOVA + 0x234, PAR_OK),
        GATS(12PR, S1CB, IOVA + 0x234, UINT64_C(0x0000000100000003)),
        GATS(12UW, S1CB, IOVA + 0x5234, UINT64_C(0x303)),
    } },
};

/*
 * Before each GATS, GATS1PR of 0x5555000 through bank FLATCB (TYPE 1,
 * SCTLR.M = 0) puts 0x5555000 in sGPAR (flat: ATTR 0, SH 0), so each
 * step is seen to write sGPAR.  A bank's PAR is checked to differ from
 * the step's result before it.
 */
#define FLAT_IN         UINT64_C(0x5555000)

static void flat_bank(QSm2 *s)
{
    qsm2_gr1_writel(s, QSM2_CBA2R(FLATCB), QSM2_CBA2R_VA64);
    qsm2_gr1_writel(s, QSM2_CBAR(FLATCB),
                    QSM2_CBAR_TYPE(QSM2_CBAR_S1_S2BYPASS));
    qsm2_cb_writel(s, FLATCB, QSM2_CB_SCTLR, 0);
}

static void test_steps(const void *opaque)
{
    const StepCase *t = opaque;
    bool bank_used[2] = { false, false };          /* S2CB, S1CB */
    const AtsStep *st;
    unsigned i;
    Ctx c;

    ctx_start(&c, ATOS, 0);
    flat_bank(c.s);
    t->setup(&c);
    for (st = t->steps; st->op; st++) {
        g_autofree char *what = g_strdup_printf("step %u (op 0x%x n %u)",
                                                (unsigned)(st - t->steps),
                                                st->op, st->n);
        if (st->bank) {
            g_assert_cmphex(qsm2_cb_readq(c.s, st->n, QSM2_CB_PAR), !=,
                            st->par);
            expect64(what, qsm2_ats1(c.s, st->n, st->op, st->addr), st->par);
            expect32("ATSR", qsm2_cb_readl(c.s, st->n, QSM2_CB_ATSR), 0);
            bank_used[st->n == S1CB] = true;
        } else {
            expect64("primer sGPAR",
                     qsm2_gats(c.s, QSM2_SGATS1PR, FLAT_IN, FLATCB),
                     FLAT_IN);
            expect64(what, qsm2_gats(c.s, st->op, st->addr, st->n), st->par);
            expect32("sGATSR", qsm2_gr0_readl(c.s, QSM2_SGATSR), 0);
        }
    }
    /* GATS results go to sGPAR only */
    if (!bank_used[0]) {
        expect64("PAR of S2CB", qsm2_cb_readq(c.s, S2CB, QSM2_CB_PAR), 0);
    }
    if (!bank_used[1]) {
        expect64("PAR of S1CB", qsm2_cb_readq(c.s, S1CB, QSM2_CB_PAR), 0);
    }
    for (i = 0; i < G_N_ELEMENTS(t->logged) && t->logged[i]; i++) {
        expect_logged(&c, t->logged[i]);
    }
    expect_nothing_recorded(&c);
    qsm2_env_free(c.e);
}

/* ---- the atos property, registers, TLB, recording ------------------------ */

/*
 * atos=off (the default, as an MMU-500): sIDR0.ATOSNS = 1 and the
 * operations are ignored, with a guest error: PAR and sGPAR keep their
 * reset value 0 for a mapping that would translate.
 */
static void test_atos_off(void)
{
    Ctx c;

    ctx_start(&c, NULL, 0);
    expect32("sIDR0.ATOSNS", qsm2_gr0_readl(c.s, QSM2_SIDR0) &
             QSM2_SIDR0_ATOSNS, QSM2_SIDR0_ATOSNS);
    qsm2_xlate_setup(c.s, &c.x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c.x, IOVA, PA, 3, 0);
    expect64("PAR after ATS1PR", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1PR, IOVA),
             0);
    expect64("PAR after ATS1UW", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1UW, IOVA),
             0);
    expect64("sGPAR after GATS1PR",
             qsm2_gats(c.s, QSM2_SGATS1PR, IOVA, S1CB), 0);
    expect64("sGPAR after GATS12UR",
             qsm2_gats(c.s, QSM2_SGATS12UR, IOVA, S1CB), 0);
    expect_logged(&c, "ATS1UW");
    expect_logged(&c, "GATS12UR");
    expect_nothing_recorded(&c);
    qsm2_env_free(c.e);
}

/*
 * atos=on: sIDR0 is the default 0x7e105e30 without ATOSNS (bit 26):
 * 0x7a105e30.  The operation registers are write-only (read 0), ATSR and
 * sGATSR read 0, PAR and sGPAR ignore writes, RESUME reads 0.
 */
static void test_atos_on_registers(void)
{
    Ctx c;

    ctx_start(&c, ATOS, 0);
    expect32("sIDR0", qsm2_gr0_readl(c.s, QSM2_SIDR0), 0x7a105e30);
    qsm2_xlate_setup(c.s, &c.x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c.x, IOVA, PA, 3, 0);
    expect64("PAR", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1UR, IOVA), PAR_OK);
    expect64("sGPAR", qsm2_gats(c.s, QSM2_SGATS1UR, IOVA, S1CB), PAR_OK);
    expect64("ATS1UR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_ATS1UR), 0);
    expect64("GATS1UR", qsm2_gr0_readq(c.s, QSM2_SGATS1UR), 0);
    expect32("ATSR", qsm2_cb_readl(c.s, S1CB, QSM2_CB_ATSR), 0);
    expect32("sGATSR", qsm2_gr0_readl(c.s, QSM2_SGATSR), 0);
    qsm2_cb_writeq(c.s, S1CB, QSM2_CB_PAR, 0x1234000);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_PAR, 0x1);
    qsm2_gr0_writeq(c.s, QSM2_SGPAR, 0x1234000);
    expect64("PAR written", qsm2_cb_readq(c.s, S1CB, QSM2_CB_PAR), PAR_OK);
    expect64("sGPAR written", qsm2_gr0_readq(c.s, QSM2_SGPAR), PAR_OK);
    qsm2_resume(c.s, S1CB, true);
    expect32("RESUME", qsm2_cb_readl(c.s, S1CB, QSM2_CB_RESUME), 0);
    expect_nothing_recorded(&c);
    qsm2_env_free(c.e);
}

/*
 * An instance without stage 1 (stage=2): sIDR0.ATOSNS only means
 * something with S1TS = 1 (Linux's arm-smmu checks both), so it reads 1
 * (atos=on is refused there: tests/test_device_errors.py), and a
 * GATS12PR of a stage-2 bank is ignored: sGPAR stays 0.
 */
static void test_atos_stage2_instance(void)
{
    Ctx c;
    QSm2Xlate x2;

    ctx_start(&c, "stage=2", 0);
    expect32("sIDR0.S1TS/ATOSNS", qsm2_gr0_readl(c.s, QSM2_SIDR0) &
             (1u << 30 | QSM2_SIDR0_ATOSNS), QSM2_SIDR0_ATOSNS);
    qsm2_xlate_setup(c.s, &x2, 0, SID0, 0, true, 12, 0, 3);
    qsm2_map(&x2, IPA, PA, 3, 0);
    expect64("sGPAR", qsm2_gats(c.s, QSM2_SGATS12PR, IPA, 0), 0);
    qsm2_env_free(c.e);
}

/*
 * Operations walk the tables, not the TLB: after DMA cached IOVA's
 * translation, the leaf changes without TLBI; DMA still uses the old
 * frame, ATS1PR and GATS12UR see the new leaf, then its removal.  And
 * they do not fill the TLB: a page looked up by ATS1PR first and then
 * changed (no TLBI) is translated fresh by DMA.
 */
static void test_no_tlb(void)
{
    Ctx c;
    uint64_t a, b, d;

    ctx_start(&c, ATOS, 1);
    a = qsm2_env_buf(c.e, 4096);
    b = qsm2_env_buf(c.e, 4096);
    d = qsm2_env_buf(c.e, 4096);
    qsm2_xlate_setup(c.s, &c.x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c.x, IOVA, a, 3, 0);
    g_assert(qsm2_dma_write(c.e, TD0, IOVA + 0x10, 0x11));
    g_assert_cmphex(qsm2_env_ld32(c.e, a + 0x10), ==, 0x11);
    qsm2_map(&c.x, IOVA, PA, 3, 0);
    g_assert(qsm2_dma_write(c.e, TD0, IOVA + 0x20, 0x22));
    g_assert_cmphex(qsm2_env_ld32(c.e, a + 0x20), ==, 0x22);
    expect64("ATS1PR new leaf", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1PR, IOVA),
             PAR_OK);
    expect64("GATS12UR new leaf",
             qsm2_gats(c.s, QSM2_SGATS12UR, IOVA, S1CB), PAR_OK);
    qsm3_pt_unmap(&c.x.pt, IOVA, 3);
    g_assert(qsm2_dma_write(c.e, TD0, IOVA + 0x30, 0x33));
    g_assert_cmphex(qsm2_env_ld32(c.e, a + 0x30), ==, 0x33);
    /* F | TF | PLVL 3 */
    expect64("ATS1PR no leaf", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1PR, IOVA),
             0x303);
    /* IOVA + 0x1000: looked up by ATS1PR (to b), then moved to d */
    qsm2_map(&c.x, IOVA + 0x1000, b, 3, 0);
    g_assert_cmphex(qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1PR, IOVA + 0x1000) &
                    QSM2_PAR_F, ==, 0);
    qsm2_map(&c.x, IOVA + 0x1000, d, 3, 0);
    g_assert(qsm2_dma_write(c.e, TD0, IOVA + 0x1040, 0x44));
    g_assert_cmphex(qsm2_env_ld32(c.e, d + 0x40), ==, 0x44);
    g_assert_cmphex(qsm2_env_ld32(c.e, b + 0x40), ==, 0);
    qsm2_env_free(c.e);
}

/*
 * A faulting operation records nothing, even in a bank that stalls:
 * FSR, FAR, FSYNR0, CBFRSYNRA stay 0, no interrupt, no stall (RESUME
 * finds nothing to retry).  While FSR holds a DMA fault, faulting
 * operations neither set MULTI nor touch its syndrome.
 */
static void test_fault_not_recorded(void)
{
    Ctx c;

    ctx_start(&c, ATOS, 1);
    qsm2_xlate_setup(c.s, &c.x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c.x, IOVA, qsm2_env_buf(c.e, 4096), 3, 0);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX | QSM2_SCTLR_CFCFG);
    /* F | TF | PLVL 3 */
    expect64("ATS1UW", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1UW, FA), 0x303);
    expect64("GATS1PR", qsm2_gats(c.s, QSM2_SGATS1PR, FA, S1CB), 0x303);
    qsm2_resume(c.s, S1CB, false);
    expect_nothing_recorded(&c);
    expect32("CBFRSYNRA", qsm2_gr1_readl(c.s, QSM2_CBFRSYNRA(S1CB)), 0);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 0);
    /* A DMA fault stalls: TF | SS, FSYNR0 NSATTR | WNR | PLVL 3 */
    qsm2_dma_fails(c.e, TD0, FA, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x40000002);
    /* IOVA + 2MiB: level 2 invalid: F | TF | PLVL 2 */
    expect64("ATS1PR", qsm2_ats1(c.s, S1CB, QSM2_CB_ATS1PR,
                                 IOVA + 0x200000), 0x203);
    /* IOVA + 1GiB: level 1 invalid: F | TF | PLVL 1 */
    expect64("GATS12PW", qsm2_gats(c.s, QSM2_SGATS12PW, IOVA + 0x40000000,
                                   S1CB), 0x103);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x40000002);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), FA);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x113);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    qsm2_env_free(c.e);
}

/* ---- stalls: SCTLR.CFCFG = 1 --------------------------------------------- */

/*
 * Bank S1CB translating testdev 0 with CFCFG set: IOVA maps a frame
 * (so the level-3 table exists), FA and FB are unmapped pages of it.
 */
static void stall_start(Ctx *c)
{
    ctx_start(c, NULL, 1);
    qsm2_xlate_setup(c->s, &c->x, 0, SID0, S1CB, false, 12, 1, 1);
    c->buf = qsm2_env_buf(c->e, 4096);
    qsm2_map(&c->x, IOVA, c->buf, 3, 0);
    qsm2_cb_writel(c->s, S1CB, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX | QSM2_SCTLR_CFCFG);
}

/* FSR.TF | SS, FAR, FSYNR0 = NSATTR | WNR | PLVL 3 of a write at @va */
static void expect_stalled_write(Ctx *c, uint64_t va)
{
    expect32("FSR", qsm2_fsr(c->s, S1CB), 0x40000002);
    expect64("FAR", qsm2_cb_readq(c->s, S1CB, QSM2_CB_FAR), va);
    expect32("FSYNR0", qsm2_cb_readl(c->s, S1CB, QSM2_CB_FSYNR0), 0x113);
}

/*
 * A fault with FSR clear: recorded as usual plus FSR.SS; the DMA itself
 * fails at once; stats.stalls 1; the interrupt.  A second fault while
 * FSR holds the first sets MULTI only: no second stall.
 */
static void test_stall_recorded(void)
{
    Ctx c;

    stall_start(&c);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 0);
    qsm2_dma_fails(c.e, TD0, FA, true);
    expect_stalled_write(&c, FA);
    expect32("CBFRSYNRA", qsm2_gr1_readl(c.s, QSM2_CBFRSYNRA(S1CB)), SID0);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    g_assert_cmpuint(qsm2_env_stat(c.e, "faults"), ==, 1);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    g_assert_true(qsm2_env_irq_level(c.e, QSM2_IRQ_CB(S1CB)));
    qsm2_dma_fails(c.e, TD0, FB, false);
    /* MULTI | SS | TF; the first fault's syndrome */
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0xc0000002);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), FA);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x113);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    g_assert_cmpuint(qsm2_env_stat(c.e, "faults"), ==, 2);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    qsm2_env_free(c.e);
}

/*
 * RESUME with TnR = 1: the stall is dropped and FSR.SS cleared; the
 * fault bit, FAR and the interrupt stay.  The transaction is gone: a
 * later retry (TnR = 0) with FSR clear finds nothing and records nothing.
 */
static void test_stall_terminate(void)
{
    Ctx c;

    stall_start(&c);
    qsm2_dma_fails(c.e, TD0, FA, true);
    qsm2_resume(c.s, S1CB, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), FA);
    g_assert_true(qsm2_env_irq_level(c.e, QSM2_IRQ_CB(S1CB)));
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    qsm2_fsr_clear(c.s, S1CB);
    g_assert_false(qsm2_env_irq_level(c.e, QSM2_IRQ_CB(S1CB)));
    qsm2_resume(c.s, S1CB, false);
    expect32("FSR after retry", qsm2_fsr(c.s, S1CB), 0);
    expect64("FAR after retry", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), FA);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    qsm2_env_free(c.e);
}

/*
 * Software writes FSR with TF and SS, as Linux does: TF goes, SS stays
 * (0x40000000) while the bank holds the transaction, and does not hold
 * the interrupt.  It maps the page, then retries: SS goes, no new
 * fault, FSR 0, no interrupt.  The stall is then
 * gone: with the page unmapped again (and TLBIALL), another retry finds
 * nothing.  DMA to the page works once it is mapped.
 */
static void test_stall_retry_fixed(void)
{
    Ctx c;
    uint64_t b;

    stall_start(&c);
    b = qsm2_env_buf(c.e, 4096);
    qsm2_dma_fails(c.e, TD0, FA, true);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_FSR, 0x40000002);
    expect32("FSR cleared", qsm2_fsr(c.s, S1CB), 0x40000000);
    g_assert_false(qsm2_env_irq_level(c.e, QSM2_IRQ_CB(S1CB)));
    qsm2_map(&c.x, FA, b, 3, 0);
    qsm2_resume(c.s, S1CB, false);
    expect32("FSR after retry", qsm2_fsr(c.s, S1CB), 0);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    g_assert(qsm2_dma_write(c.e, TD0, FA, 0x5a));
    g_assert_cmphex(qsm2_env_ld32(c.e, b + 0x10), ==, 0x5a);
    qsm3_pt_unmap(&c.x.pt, FA, 3);
    qsm2_tlbi_cb(c.s, S1CB, QSM2_CB_TLBIALL, 0);
    qsm2_resume(c.s, S1CB, false);
    expect32("FSR after second retry", qsm2_fsr(c.s, S1CB), 0);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    qsm2_env_free(c.e);
}

/*
 * Retry without fixing the mapping: the fault is taken again and, FSR
 * being clear, recorded again with SS: the same FAR (written to 0 before
 * the retry) and FSYNR0, a new stall, the interrupt raised again.
 * Terminating that one ends it.
 *
 * stats.stalls counts the new stall (2); stats.faults counts the DMA
 * accesses that faulted (1: the retry is no access of the device).
 */
static void test_stall_retry_unfixed(void)
{
    Ctx c;

    stall_start(&c);
    qsm2_dma_fails(c.e, TD0, FA, true);
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_cb_writeq(c.s, S1CB, QSM2_CB_FAR, 0);
    qsm2_resume(c.s, S1CB, false);
    expect_stalled_write(&c, FA);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 2);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 2);
    g_assert_cmpuint(qsm2_env_stat(c.e, "faults"), ==, 1);
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_resume(c.s, S1CB, true);
    qsm2_resume(c.s, S1CB, false);
    expect32("FSR after terminate", qsm2_fsr(c.s, S1CB), 0);
    qsm2_env_free(c.e);
}

/*
 * FSR.SS stays while the bank holds the transaction: writing it to FSR
 * or FSRRESTORE changes nothing, and SS alone does not hold the
 * interrupt (the fault bits do, with SCTLR.CFIE).  RESUME ends it: with
 * TnR = 0 the retry faults and stalls again.
 */
static void test_stall_ss_until_resume(void)
{
    Ctx c;

    stall_start(&c);
    qsm2_dma_fails(c.e, TD0, FA, true);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_FSR, 0x2);             /* TF */
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x40000000);
    g_assert_false(qsm2_env_irq_level(c.e, QSM2_IRQ_CB(S1CB)));
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_FSR, 0x40000000);      /* SS */
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x40000000);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_FSRRESTORE, 0);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x40000000);
    qsm2_resume(c.s, S1CB, false);
    expect_stalled_write(&c, FA);
    g_assert_true(qsm2_env_irq_level(c.e, QSM2_IRQ_CB(S1CB)));
    qsm2_env_free(c.e);
}

/*
 * One held transaction per bank: with FSR cleared (SS stays) but no
 * RESUME, the next fault (a read at FB) sets MULTI only: neither held
 * nor recorded, FAR and FSYNR0 still those of the held write at FA.  Once
 * RESUME (TnR = 1) drops the first, a fault stalls again.  A retry
 * while FSR still holds that fault records it as MULTI only.
 */
static void test_stall_one_per_bank(void)
{
    Ctx c;

    stall_start(&c);
    qsm2_dma_fails(c.e, TD0, FA, true);
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_dma_fails(c.e, TD0, FB, false);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0xc0000000);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), FA);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x113);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 1);
    qsm2_resume(c.s, S1CB, true);
    expect32("FSR after terminate", qsm2_fsr(c.s, S1CB), 0x80000000);
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_dma_fails(c.e, TD0, FA, true);
    expect_stalled_write(&c, FA);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 2);
    /* RESUME clears SS, the retry faults with TF still set: MULTI */
    qsm2_resume(c.s, S1CB, false);
    expect32("FSR after retry", qsm2_fsr(c.s, S1CB), 0x80000002);
    qsm2_env_free(c.e);
}

/*
 * RESUME with nothing held (CFCFG = 0: the fault terminated): ignored
 * with either TnR, with a guest error; FSR, FAR, FSYNR0 unchanged (a
 * retry would have set MULTI).
 */
static void test_resume_without_stall(void)
{
    Ctx c;

    stall_start(&c);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_SCTLR, QSM2_SCTLR_LINUX);
    qsm2_dma_fails(c.e, TD0, FA, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    qsm2_resume(c.s, S1CB, false);
    qsm2_resume(c.s, S1CB, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), FA);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x113);
    g_assert_cmpuint(qsm2_env_stat(c.e, "stalls"), ==, 0);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    expect_logged(&c, "RESUME");
    qsm2_env_free(c.e);
}

/*
 * system_reset drops a stall: with the bank programmed again as before
 * (CFCFG, FA still unmapped), RESUME with TnR = 0 finds nothing to
 * retry.  A new fault then stalls, so the bank is set up to.  The tables
 * are built afresh: the reset writes the machine's DTB back to the
 * start of RAM, where the allocator put the first ones.
 */
static void test_stall_system_reset(void)
{
    Ctx c;

    stall_start(&c);
    qsm2_dma_fails(c.e, TD0, FA, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x40000002);
    g_free(qtc_qmp_ok(c.e->qts, "{'execute': 'system_reset'}"));
    expect32("FSR after reset", qsm2_fsr(c.s, S1CB), 0);
    qsm2_enable(c.s, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(c.s, &c.x, 0, SID0, S1CB, false, 12, 1, 1);
    qsm2_map(&c.x, IOVA, c.buf, 3, 0);
    qsm2_cb_writel(c.s, S1CB, QSM2_CB_SCTLR,
                   QSM2_SCTLR_LINUX | QSM2_SCTLR_CFCFG);
    qsm2_resume(c.s, S1CB, false);
    expect32("FSR after RESUME", qsm2_fsr(c.s, S1CB), 0);
    expect64("FAR after RESUME", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), 0);
    /* The testdev was reset too: BAR and bus mastering again */
    qtd_init(&c.e->td[TD0], &c.e->bus, c.e->ecam, 0, QSM2_TD_SID(TD0),
             QSM2_TD_BAR(TD0));
    qsm2_dma_fails(c.e, TD0, FB, true);
    expect_stalled_write(&c, FB);
    qsm2_env_free(c.e);
}

/* ---- CBAR.TYPE 2: stage 1 with stage-2 fault ----------------------------- */

/*
 * Bank S1CB with stage 1 mapping IOVA -> PA (no memory: every access
 * faults before it) and IOVA + 0x1000 -> a frame, then TYPE 2.
 */
static void type2_start(Ctx *c)
{
    ctx_start(c, NULL, 1);
    c->buf = qsm2_env_buf(c->e, 4096);
    type2(c);
    qsm2_map(&c->x, IOVA + 0x1000, c->buf, 3, 0);
}

/*
 * Every transaction takes a stage-2 translation fault recorded in the
 * bank: FSR.TF, FSYNR0 = S1CBNDX 5 [23:16] | NSATTR | WNR (PLVL 0),
 * FAR the input, IPAFAR the stage-1 output 0x8_7654_3234, CBFRSYNRA the
 * StreamID.  Again on a second access (nothing cached), and a stage-1
 * fault comes first (IOVA + 0x5000 unmapped: a plain stage-1 FSYNR0).
 * Back to TYPE 1, the bank translates.
 */
static void test_type2_fault(void)
{
    Ctx c;

    type2_start(&c);
    qsm2_dma_fails(c.e, TD0, IOVA + 0x234, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x00050110);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), IOVA + 0x234);
    expect64("IPAFAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_IPAFAR),
             UINT64_C(0x876543234));
    expect32("CBFRSYNRA", qsm2_gr1_readl(c.s, QSM2_CBFRSYNRA(S1CB)), SID0);
    expect32("sGFSR", qsm2_gfsr(c.s), 0);
    g_assert_cmpuint(qsm2_env_irq_raised(c.e, QSM2_IRQ_CB(S1CB)), ==, 1);
    qsm2_fsr_clear(c.s, S1CB);
    /* A read of the mapped frame's page: faults all the same */
    qsm2_dma_fails(c.e, TD0, IOVA + 0x1048, false);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x00050100);
    expect64("IPAFAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_IPAFAR),
             c.buf + 0x48);
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_dma_fails(c.e, TD0, IOVA + 0x1048, false);
    expect32("FSR again", qsm2_fsr(c.s, S1CB), 0x2);
    qsm2_fsr_clear(c.s, S1CB);
    /* Stage 1 faults first: NSATTR | WNR | PLVL 3, no S1CBNDX */
    qsm2_dma_fails(c.e, TD0, IOVA + 0x5234, true);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x113);
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_gr1_writel(c.s, QSM2_CBAR(S1CB),
                    QSM2_CBAR_TYPE(QSM2_CBAR_S1_S2BYPASS) |
                    QSM2_CBAR_VMID(1));
    g_assert(qsm2_dma_write(c.e, TD0, IOVA + 0x1048, 0x7e57));
    g_assert_cmphex(qsm2_env_ld32(c.e, c.buf + 0x48), ==, 0x7e57);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0);
    qsm2_env_free(c.e);
}

/*
 * TYPE 2 with SCTLR.M = 0: stage 1 does not translate, so IPAFAR is the
 * input address; TYPE 1 then bypasses (the write lands at its own
 * address).
 */
static void test_type2_sctlr_m_clear(void)
{
    Ctx c;
    uint64_t a;

    type2_start(&c);
    a = qsm2_env_buf(c.e, 4096);
    sctlr_m_clear(&c);
    qsm2_dma_fails(c.e, TD0, IOVA + 0x1234, false);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0x2);
    /* S1CBNDX 5 | NSATTR, a read, PLVL 0 */
    expect32("FSYNR0", qsm2_cb_readl(c.s, S1CB, QSM2_CB_FSYNR0), 0x00050100);
    expect64("FAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_FAR), IOVA + 0x1234);
    expect64("IPAFAR", qsm2_cb_readq(c.s, S1CB, QSM2_CB_IPAFAR),
             UINT64_C(0x80001234));
    qsm2_fsr_clear(c.s, S1CB);
    qsm2_gr1_writel(c.s, QSM2_CBAR(S1CB),
                    QSM2_CBAR_TYPE(QSM2_CBAR_S1_S2BYPASS) |
                    QSM2_CBAR_VMID(1));
    g_assert(qsm2_dma_write(c.e, TD0, a + 0x60, 0x66));
    g_assert_cmphex(qsm2_env_ld32(c.e, a + 0x60), ==, 0x66);
    expect32("FSR", qsm2_fsr(c.s, S1CB), 0);
    qsm2_env_free(c.e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv2-ext/ats-stall/ats1", ats1_cases, test_ats1);
    QENV_ADD_TABLE("/arm-smmuv2-ext/ats-stall/ops", step_cases, test_steps);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/atos/off", test_atos_off);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/atos/on-registers",
                    test_atos_on_registers);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/atos/stage-2-instance",
                    test_atos_stage2_instance);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/atos/no-tlb", test_no_tlb);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/atos/fault-not-recorded",
                    test_fault_not_recorded);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/recorded",
                    test_stall_recorded);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/terminate",
                    test_stall_terminate);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/retry-fixed",
                    test_stall_retry_fixed);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/retry-unfixed",
                    test_stall_retry_unfixed);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/ss-until-resume",
                    test_stall_ss_until_resume);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/one-per-bank",
                    test_stall_one_per_bank);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/resume-without-stall",
                    test_resume_without_stall);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/stall/system-reset",
                    test_stall_system_reset);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/type-2/fault",
                    test_type2_fault);
    g_test_add_func("/arm-smmuv2-ext/ats-stall/type-2/sctlr-m-clear",
                    test_type2_sctlr_m_clear);
    return g_test_run();
}
