/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: the programming interface (IHI 0062, "Global
 * register space 0/1", "Translation context bank register space"):
 * placement, reset values, sIDR0..2 under property sets, the frame
 * layout for both register page sizes, read-only, write-one-to-clear
 * and reserved locations, the SMR bits NUMSIDB implements (as Linux's
 * arm_smmu_test_smr_masks() probes them), system reset, and the
 * property combinations the device refuses.
 *
 * Expected values are literal numbers worked out from the architecture's
 * field positions, never read from the model's headers.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define BASE            UINT64_C(0x09100000)
/* Default frame: 4KiB pages, NUMPAGENDXB 3: 16 pages per half */
#define GR1             (BASE + 0x1000)
#define CB(n)           (BASE + 0x10000 + 0x1000 * (uint64_t)(n))

static uint32_t rd(QSm2Env *e, uint64_t addr)
{
    return qtc_readl(e->qts, addr);
}

static void wr(QSm2Env *e, uint64_t addr, uint32_t val)
{
    qtc_writel(e->qts, addr, val);
}

/* Fail with the location when @addr does not read @expect. */
static void expect_reg(QSm2Env *e, const char *what, uint64_t addr,
                       uint32_t expect)
{
    uint32_t v = rd(e, addr);

    if (v != expect) {
        g_error("%s (0x%" G_GINT64_MODIFIER "x): 0x%08x, expected 0x%08x",
                what, addr, v, expect);
    }
}

/* ---- placement and reset ------------------------------------------------ */

static void test_placement(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    g_assert_cmphex(e->smmu.base, ==, 0x09100000);
    g_assert_cmpuint(e->spi, ==, 176);
    qsm2_env_free(e);
}

/*
 * Reset values chosen by the model (docs/smmuv2-model.md): sCR0.CLIENTPD
 * = 1, every S2CR TYPE = fault (0b10); everything else 0.
 */
static void test_reset_gr0(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);
    static const struct {
        const char *name;
        uint32_t off, val;
    } regs[] = {
        { "sCR0", 0x000, 0x00000001 }, { "sACR", 0x010, 0 },
        { "sGFAR lo", 0x040, 0 }, { "sGFAR hi", 0x044, 0 },
        { "sGFSR", 0x048, 0 }, { "sGFSYNR0", 0x050, 0 },
        { "sGFSYNR1", 0x054, 0 }, { "sGFSYNR2", 0x058, 0 },
        { "sTLBGSTATUS", 0x074, 0 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        expect_reg(e, regs[i].name, BASE + regs[i].off, regs[i].val);
    }
    for (i = 0; i < 48; i++) {
        expect_reg(e, "SMR", BASE + 0x800 + 4 * i, 0);
        expect_reg(e, "S2CR", BASE + 0xc00 + 4 * i, 0x00020000);
    }
    qsm2_env_free(e);
}

static void test_reset_gr1_and_banks(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);
    static const struct {
        const char *name;
        uint32_t off;
    } cbregs[] = {
        { "SCTLR", 0x000 }, { "TCR2", 0x010 }, { "TTBR0 lo", 0x020 },
        { "TTBR0 hi", 0x024 }, { "TTBR1 lo", 0x028 }, { "TTBR1 hi", 0x02c },
        { "TCR", 0x030 }, { "CONTEXTIDR", 0x034 }, { "MAIR0", 0x038 },
        { "MAIR1", 0x03c }, { "FSR", 0x058 }, { "FAR lo", 0x060 },
        { "FAR hi", 0x064 }, { "FSYNR0", 0x068 }, { "TLBSTATUS", 0x7f4 },
    };
    unsigned n, i;

    for (n = 0; n < 16; n++) {
        expect_reg(e, "CBAR", GR1 + 4 * n, 0);
        expect_reg(e, "CBFRSYNRA", GR1 + 0x400 + 4 * n, 0);
        expect_reg(e, "CBA2R", GR1 + 0x800 + 4 * n, 0);
        for (i = 0; i < G_N_ELEMENTS(cbregs); i++) {
            expect_reg(e, cbregs[i].name, CB(n) + cbregs[i].off, 0);
        }
    }
    qsm2_env_free(e);
}

/* A system reset brings programmed registers back to their reset values. */
static void test_system_reset(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, BASE + 0x000, 0x00000436);            /* USFCFG, GFIE, GFRE... */
    wr(e, BASE + 0x800 + 4 * 3, 0x80000010);    /* SMR3 */
    wr(e, BASE + 0xc00 + 4 * 3, 0x00000005);    /* S2CR3 -> bank 5 */
    wr(e, GR1 + 4 * 5, 0x00010007);             /* CBAR5 */
    wr(e, CB(5) + 0x000, 0x00000067);           /* SCTLR */
    wr(e, CB(5) + 0x05c, 0x00000002);           /* FSRRESTORE: FSR.TF */
    g_assert_cmphex(rd(e, CB(5) + 0x058), ==, 0x2);
    g_free(qtc_qmp_ok(e->qts, "{'execute': 'system_reset'}"));
    expect_reg(e, "sCR0", BASE + 0x000, 0x00000001);
    expect_reg(e, "SMR3", BASE + 0x800 + 4 * 3, 0);
    expect_reg(e, "S2CR3", BASE + 0xc00 + 4 * 3, 0x00020000);
    expect_reg(e, "CBAR5", GR1 + 4 * 5, 0);
    expect_reg(e, "SCTLR5", CB(5) + 0x000, 0);
    expect_reg(e, "FSR5", CB(5) + 0x058, 0);
    qsm2_env_free(e);
}

/* ---- identification registers per property set (a table) ---------------- */

typedef struct IdrCase {
    const char *name;
    const char *props;
    uint32_t idr0, idr1, idr2;
} IdrCase;

/*
 * sIDR0: S1TS [30], S2TS [29], NTS [28], SMS [27], ATOSNS [26], PTFS
 * [25:24] (0b10: AArch64 only), NUMIRPT [23:16], CTTW [14], NUMSIDB
 * [12:9], EXIDS [8], NUMSMRG [7:0].  sIDR1: PAGESIZE [31], NUMPAGENDXB
 * [30:28], NUMS2CB [23:16], NUMCB [7:0].  sIDR2: VMID16 [15], PTFS_64K
 * [14], PTFS_16K [13], PTFS_4K [12], UBS [11:8], OAS [7:4], IAS [3:0]
 * (0 32, 1 36, 2 40, 3 42, 4 44, 5 48 bits).
 *
 * Defaults: stages 1 and 2 and nested (NTS), stream matching, no
 * address translation operations, 16 context fault interrupts, coherent
 * walks, 15 StreamID
 * bits, 48 groups; 4KiB pages, NUMPAGENDXB 3, 4 stage-2-only banks of
 * 16; 16-bit VMIDs, all three granules, 48-bit UBS, OAS and IAS.
 */
static const IdrCase idr_cases[] = {
    { "defaults", "", 0x7e105e30, 0x30040010, 0x0000f555 },
    { "stage-1", "stage=1", 0x4e105e30, 0x30000010, 0x0000f555 },
    { "stage-2", "stage=2", 0x2e105e30, 0x30100010, 0x0000f555 },
    { "stage-1+2", "stage=1+2", 0x6e105e30, 0x30040010, 0x0000f555 },
    { "numsmrg-8-numcb-4", "numsmrg=8,numcb=4", 0x7e045e08, 0x30010004,
      0x0000f555 },
    { "numsmrg-128", "numsmrg=128", 0x7e105e80, 0x30040010, 0x0000f555 },
    { "nums2cb-0", "nums2cb=0", 0x7e105e30, 0x30000010, 0x0000f555 },
    { "numsidb-10", "numsidb=10", 0x7e105430, 0x30040010, 0x0000f555 },
    { "exids-numsidb-16", "exids=on,numsidb=16", 0x7e105f30, 0x30040010,
      0x0000f555 },
    { "page-64k-numpagendxb-2-numcb-8", "page-size=64k,numpagendxb=2,numcb=8",
      0x7e085e30, 0xa0020008, 0x0000f555 },
    { "numpagendxb-7-numcb-64", "numpagendxb=7,numcb=64", 0x7e405e30,
      0x70100040, 0x0000f555 },
    { "granules-4k", "granules=4k", 0x7e105e30, 0x30040010, 0x00009555 },
    { "granules-16k-64k", "granules=16k,,64k", 0x7e105e30, 0x30040010,
      0x0000e555 },
    { "ias-32-oas-40-ubs-36", "ias=32,oas=40,ubs=36", 0x7e105e30,
      0x30040010, 0x0000f120 },
    { "ias-42-oas-44-ubs-40", "ias=42,oas=44,ubs=40", 0x7e105e30,
      0x30040010, 0x0000f243 },
    { "vmid16-off", "vmid16=off", 0x7e105e30, 0x30040010, 0x00007555 },
};

static void test_idr(const void *opaque)
{
    const IdrCase *c = opaque;
    QSm2Env *e = qsm2_env_new(c->props, 0, NULL);

    expect_reg(e, "sIDR0", BASE + 0x020, c->idr0);
    expect_reg(e, "sIDR1", BASE + 0x024, c->idr1);
    expect_reg(e, "sIDR2", BASE + 0x028, c->idr2);
    qsm2_env_free(e);
}

/*
 * Address translation operations are not modelled, and sIDR0.ATOSNS
 * (bit 26) says so, as the architecture provides: software must not use
 * ATS1* or GATS1* then.
 */
static void test_atosns(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    g_assert_cmphex(rd(e, BASE + 0x020) & 0x04000000, ==, 0x04000000);
    qsm2_env_free(e);
}

/* The ID registers are read-only. */
static void test_idr_read_only(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, BASE + 0x020, 0);
    wr(e, BASE + 0x024, 0);
    wr(e, BASE + 0x028, 0xffffffff);
    expect_reg(e, "sIDR0", BASE + 0x020, 0x7e105e30);
    expect_reg(e, "sIDR1", BASE + 0x024, 0x30040010);
    expect_reg(e, "sIDR2", BASE + 0x028, 0x0000f555);
    qsm2_env_free(e);
}

/* ---- sCR0 ---------------------------------------------------------------- */

/*
 * The controls the model implements read back as written: CLIENTPD [0],
 * GFRE [1], GFIE [2], GCFGFRE [4], GCFGFIE [5], USFCFG [10], SMCFCFG
 * [21], VMID16EN [31] (sIDR2.VMID16 is 1 by default).
 */
static void test_scr0_controls(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, BASE, 0x80200437);
    g_assert_cmphex(rd(e, BASE) & 0x80200437, ==, 0x80200437);
    wr(e, BASE, 0);
    g_assert_cmphex(rd(e, BASE) & 0x80200437, ==, 0);
    qsm2_env_free(e);
}

/* sCR0.EXIDENABLE [3] is RES0 unless sIDR0.EXIDS; VMID16EN [31] unless
 * sIDR2.VMID16. */
static void test_scr0_res0_without_feature(void)
{
    QSm2Env *e = qsm2_env_new("vmid16=off", 0, NULL);

    wr(e, BASE, 0x80000008);
    g_assert_cmphex(rd(e, BASE) & 0x80000008, ==, 0);
    qsm2_env_free(e);

    e = qsm2_env_new("exids=on,vmid16=on", 0, NULL);
    wr(e, BASE, 0x80000008);
    g_assert_cmphex(rd(e, BASE) & 0x80000008, ==, 0x80000008);
    qsm2_env_free(e);
}

/* ---- SMR bits (arm_smmu_test_smr_masks()) ------------------------------- */

typedef struct SmrCase {
    const char *name;
    const char *props;
    uint32_t scr0;
    uint32_t written, expect;
} SmrCase;

/*
 * Linux writes all-ones ID, then all-ones MASK, and keeps the bits that
 * read back: ID [14:0] and MASK [30:16] hold NUMSIDB bits; with
 * sCR0.EXIDENABLE, ID [15:0] and MASK [31:16] hold 16.
 */
static const SmrCase smr_cases[] = {
    { "numsidb-15", "", 0, 0xffffffff, 0xffff7fff },
    { "numsidb-10", "numsidb=10", 0, 0xffffffff, 0x83ff03ff },
    { "numsidb-1", "numsidb=1", 0, 0xffffffff, 0x80010001 },
    { "exidenable-16", "exids=on,numsidb=16", 0x8, 0xffffffff, 0xffffffff },
};

static void test_smr_bits(const void *opaque)
{
    const SmrCase *c = opaque;
    QSm2Env *e = qsm2_env_new(c->props, 0, NULL);

    wr(e, BASE, 0x1 | c->scr0);
    wr(e, BASE + 0x800 + 4 * 47, c->written);
    expect_reg(e, "SMR47", BASE + 0x800 + 4 * 47, c->expect);
    qsm2_env_free(e);
}

/* ---- GR1 ----------------------------------------------------------------- */

/*
 * Banks 0..NUMS2CB-1 support stage 2 only: their CBAR.TYPE stays 0 (the
 * banks Linux picks for stage-2 domains); bank 4 takes TYPE 1.
 */
static void test_cbar_type_s2_only_banks(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, GR1 + 4 * 3, 0x00010042);
    wr(e, GR1 + 4 * 4, 0x00010042);
    expect_reg(e, "CBAR3", GR1 + 4 * 3, 0x00000042);
    expect_reg(e, "CBAR4", GR1 + 4 * 4, 0x00010042);
    qsm2_env_free(e);
}

/* CBA2R.VMID16 [31:16] exists only with sIDR2.VMID16; VA64 [0] always. */
static void test_cba2r(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, GR1 + 0x800 + 4 * 9, 0xbeef0001);
    expect_reg(e, "CBA2R9", GR1 + 0x800 + 4 * 9, 0xbeef0001);
    qsm2_env_free(e);
    e = qsm2_env_new("vmid16=off", 0, NULL);
    wr(e, GR1 + 0x800 + 4 * 9, 0xbeef0001);
    expect_reg(e, "CBA2R9", GR1 + 0x800 + 4 * 9, 0x00000001);
    qsm2_env_free(e);
}

/* CBFRSYNRA is written by faults only. */
static void test_cbfrsynra_read_only(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, GR1 + 0x400 + 4 * 2, 0x1234);
    expect_reg(e, "CBFRSYNRA2", GR1 + 0x400 + 4 * 2, 0);
    qsm2_env_free(e);
}

/* ---- fault status: write one to clear, RESTORE registers ---------------- */

/*
 * FSRRESTORE writes FSR whole (MULTI [31], PF [3], AFF [2], TF [1]);
 * FSR itself clears the bits written as one.
 */
static void test_fsr_w1c(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, CB(6) + 0x05c, 0x8000000e);
    expect_reg(e, "FSR6", CB(6) + 0x058, 0x8000000e);
    wr(e, CB(6) + 0x058, 0x00000002);
    expect_reg(e, "FSR6", CB(6) + 0x058, 0x8000000c);
    wr(e, CB(6) + 0x058, 0x00000000);
    expect_reg(e, "FSR6", CB(6) + 0x058, 0x8000000c);
    wr(e, CB(6) + 0x058, 0x8000000c);
    expect_reg(e, "FSR6", CB(6) + 0x058, 0);
    /* Other banks are not touched */
    expect_reg(e, "FSR5", CB(5) + 0x058, 0);
    qsm2_env_free(e);
}

/* The same for sGFSR and sGFSRRESTORE (MULTI [31], USF [1], ICF [0]). */
static void test_gfsr_w1c(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    wr(e, BASE + 0x04c, 0x80000003);
    expect_reg(e, "sGFSR", BASE + 0x048, 0x80000003);
    wr(e, BASE + 0x048, 0x00000001);
    expect_reg(e, "sGFSR", BASE + 0x048, 0x80000002);
    wr(e, BASE + 0x048, 0xffffffff);
    expect_reg(e, "sGFSR", BASE + 0x048, 0);
    qsm2_env_free(e);
}

/* ---- context bank registers ---------------------------------------------- */

/* TTBR0 as one 64-bit access and as two 32-bit halves. */
static void test_ttbr_halves(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);

    qtc_writeq(e->qts, CB(2) + 0x020, UINT64_C(0x00a5000040123000));
    g_assert_cmphex(qtc_readl(e->qts, CB(2) + 0x020), ==, 0x40123000);
    g_assert_cmphex(qtc_readl(e->qts, CB(2) + 0x024), ==, 0x00a50000);
    wr(e, CB(2) + 0x028, 0x40456000);
    wr(e, CB(2) + 0x02c, 0x00070000);
    g_assert_cmphex(qtc_readq(e->qts, CB(2) + 0x028), ==,
                    UINT64_C(0x0007000040456000));
    qsm2_env_free(e);
}

/*
 * Every bank's registers sit in their own page: page 16 + n with the
 * defaults.  A distinct CONTEXTIDR per bank reads back from its page.
 */
static void test_bank_pages_4k(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 0, NULL);
    unsigned n;

    for (n = 0; n < 16; n++) {
        wr(e, CB(n) + 0x034, 0xc0de0000 + n);
    }
    for (n = 0; n < 16; n++) {
        expect_reg(e, "CONTEXTIDR", CB(n) + 0x034, 0xc0de0000 + n);
    }
    /* and the helper finds them where the ID registers say */
    g_assert_cmphex(qsm2_cb(&e->smmu, 7), ==, 0x09117000);
    qsm2_env_free(e);
}

/*
 * 64KiB register pages with NUMPAGENDXB 0: two pages per half, so GR1 at
 * +0x10000 and bank n at page 2 + n (+0x20000, +0x30000).
 */
static void test_bank_pages_64k(void)
{
    QSm2Env *e = qsm2_env_new("page-size=64k,numpagendxb=0,numcb=2", 0,
                              NULL);

    g_assert_cmphex(e->smmu.base, ==, 0x09100000);
    wr(e, BASE + 0x10000 + 4 * 1, 0x00010000);          /* CBAR1 TYPE 1 */
    wr(e, BASE + 0x20000 + 0x034, 0x11);
    wr(e, BASE + 0x30000 + 0x034, 0x22);
    expect_reg(e, "CBAR1", BASE + 0x10000 + 4 * 1, 0x00010000);
    expect_reg(e, "CONTEXTIDR0", BASE + 0x20000 + 0x034, 0x11);
    expect_reg(e, "CONTEXTIDR1", BASE + 0x30000 + 0x034, 0x22);
    /* Offsets past the first 4KiB of a 64KiB page hold nothing */
    wr(e, BASE + 0x21034, 0x33);
    expect_reg(e, "bank 0 + 0x1034", BASE + 0x21034, 0);
    qsm2_env_free(e);
}

/* NUMPAGENDXB 0 with 4KiB pages: bank n at page 2 + n. */
static void test_bank_pages_small(void)
{
    QSm2Env *e = qsm2_env_new("numpagendxb=0,numcb=2", 0, NULL);

    wr(e, BASE + 0x2000 + 0x034, 0x44);
    wr(e, BASE + 0x3000 + 0x034, 0x55);
    expect_reg(e, "CONTEXTIDR0", BASE + 0x2000 + 0x034, 0x44);
    expect_reg(e, "CONTEXTIDR1", BASE + 0x3000 + 0x034, 0x55);
    qsm2_env_free(e);
}

/*
 * Reserved locations read as zero and ignore writes: the address
 * translation operation registers, absent with sIDR0.ATOSNS = 1 (GR0
 * GATS1UR 0x100, GPAR 0x180; bank ATS1PR 0x800), an offset GR0 does not
 * define, the IMPLEMENTATION DEFINED pages 2..15 (the model has none),
 * the page of a bank past NUMCB.
 */
static void test_reserved_raz_wi(void)
{
    QSm2Env *e = qsm2_env_new("numcb=4", 0, NULL);
    static const uint64_t addrs[] = {
        BASE + 0x100, BASE + 0x180, BASE + 0x10000 + 0x800,
        BASE + 0x400, BASE + 0x2000, BASE + 0xf000 + 0x034,
        BASE + 0x10000 + 0x4000 + 0x034,           /* bank 4 of 4 */
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(addrs); i++) {
        wr(e, addrs[i], 0xffffffff);
        expect_reg(e, "reserved", addrs[i], 0);
    }
    /* The write went nowhere: bank 3 is untouched */
    expect_reg(e, "CONTEXTIDR3", CB(3) + 0x034, 0);
    qsm2_env_free(e);
}

/* ---- refused configurations --------------------------------------------- */

typedef struct RefusedCase {
    const char *name;
    const char *args;        /* the devices */
    const char *why;         /* in QEMU's error output */
} RefusedCase;

#define DEV "-device arm-smmuv2-ext,"
#define PCIE0 DEV "primary-bus=pcie.0,"

static const RefusedCase refused_cases[] = {
    { "stage-3", PCIE0 "stage=3", "stage=3" },
    { "numsmrg-0", PCIE0 "numsmrg=0", "numsmrg" },
    { "numsmrg-129", PCIE0 "numsmrg=129", "numsmrg" },
    { "numcb-0", PCIE0 "numcb=0", "numcb" },
    { "numcb-past-pages", PCIE0 "numcb=8,numpagendxb=1", "numpagendxb" },
    { "nums2cb-past-numcb", PCIE0 "numcb=4,nums2cb=5", "nums2cb" },
    { "nums2cb-without-s2", PCIE0 "stage=1,nums2cb=1", "nums2cb" },
    { "numsidb-16-without-exids", PCIE0 "numsidb=16", "numsidb" },
    { "ias-50", PCIE0 "ias=50", "ias" },
    { "page-size-16k", PCIE0 "page-size=16k", "page-size" },
    { "tlb-ways-3", PCIE0 "tlb-entries=128,tlb-ways=3", "tlb" },
    /* 1 + 128 SPIs from 176 do not fit the virt board's GIC */
    { "numcb-128-spis", PCIE0 "numpagendxb=7,numcb=128", "SPIs" },
    { "no-primary-bus", DEV "numcb=4", "primary-bus" },
    { "after-its-devices", "-device smmu-testdev,bus=pcie.0 "
      DEV "primary-bus=pcie.0", "before the PCI devices" },
};

static void test_refused(const void *opaque)
{
    const RefusedCase *c = opaque;
    g_autofree char *err = NULL;
    QTestClient *q = qtc_try_start(&err, c->args);

    if (q) {
        qtc_quit(q);
        g_error("QEMU accepted %s", c->args);
    }
    if (!strstr(err, c->why)) {
        g_error("refused without naming '%s': %s", c->why, err);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-smmuv2-ext/registers/placement", test_placement);
    g_test_add_func("/arm-smmuv2-ext/registers/reset/gr0", test_reset_gr0);
    g_test_add_func("/arm-smmuv2-ext/registers/reset/gr1-and-banks",
                    test_reset_gr1_and_banks);
    g_test_add_func("/arm-smmuv2-ext/registers/reset/system-reset",
                    test_system_reset);
    QENV_ADD_TABLE("/arm-smmuv2-ext/registers/idr", idr_cases, test_idr);
    g_test_add_func("/arm-smmuv2-ext/registers/atosns", test_atosns);
    g_test_add_func("/arm-smmuv2-ext/registers/idr-read-only",
                    test_idr_read_only);
    g_test_add_func("/arm-smmuv2-ext/registers/scr0/controls",
                    test_scr0_controls);
    g_test_add_func("/arm-smmuv2-ext/registers/scr0/res0-without-feature",
                    test_scr0_res0_without_feature);
    QENV_ADD_TABLE("/arm-smmuv2-ext/registers/smr-bits", smr_cases,
                   test_smr_bits);
    g_test_add_func("/arm-smmuv2-ext/registers/cbar-type-s2-only-banks",
                    test_cbar_type_s2_only_banks);
    g_test_add_func("/arm-smmuv2-ext/registers/cba2r", test_cba2r);
    g_test_add_func("/arm-smmuv2-ext/registers/cbfrsynra-read-only",
                    test_cbfrsynra_read_only);
    g_test_add_func("/arm-smmuv2-ext/registers/fsr-w1c", test_fsr_w1c);
    g_test_add_func("/arm-smmuv2-ext/registers/gfsr-w1c", test_gfsr_w1c);
    g_test_add_func("/arm-smmuv2-ext/registers/ttbr-halves",
                    test_ttbr_halves);
    g_test_add_func("/arm-smmuv2-ext/registers/bank-pages/4k",
                    test_bank_pages_4k);
    g_test_add_func("/arm-smmuv2-ext/registers/bank-pages/64k",
                    test_bank_pages_64k);
    g_test_add_func("/arm-smmuv2-ext/registers/bank-pages/numpagendxb-0",
                    test_bank_pages_small);
    g_test_add_func("/arm-smmuv2-ext/registers/reserved-raz-wi",
                    test_reserved_raz_wi);
    QENV_ADD_TABLE("/arm-smmuv2-ext/registers/refused", refused_cases,
                   test_refused);
    return g_test_run();
}
