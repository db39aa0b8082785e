/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: two instances in one machine.  smmu0 translates
 * pcie.0 (testdev td0 at 00:02.0, StreamID 0x10); smmu1 translates the
 * root bus of a pxb-pcie numbered 8, where a testdev sits behind a PCIe
 * root port at 09:00.0 (StreamID 0x100: streams count from the root
 * bus's first requester id, 0x800).  Each instance has its own
 * register frame (the second one right after the first's 128KiB), its
 * own SPIs (1 + NUMCB each, the second block right after the first),
 * its own tables, records, TLB and interrupts.  Last, an SMMUv3 on
 * pcie.0 next to an SMMUv2 on the pxb-pcie.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define IOVA            UINT64_C(0x80000000)
#define PXB_BUS         8
#define SID0            0x10
#define RID1            0x900    /* 09:00.0 */
#define SID1            0x100    /* RID1 less smmu1's root bus (8) << 8 */

typedef struct Two {
    QSm2Env *e;              /* smmu0 is e->smmu, td0 e->td[0] */
    QSm2Pxb p;               /* smmu1 and its testdev */
} Two;

static void two_start(Two *t, const char *props0, const char *props1)
{
    g_autofree char *extra = qsm2_pxb_args(PXB_BUS, props1);

    t->e = qsm2_env_new(props0, 1, extra);
    qsm2_env_pxb_attach(t->e, &t->p, PXB_BUS);
    g_assert_cmphex(t->p.td.sid, ==, RID1);
    g_assert_cmphex(t->p.sid, ==, SID1);
}

/* Bank @cb of @s translates @sid with a stage-1 table mapping IOVA. */
static void map_s1(Two *t, QSm2 *s, unsigned cb, uint32_t sid, uint64_t pa,
                   QSm2Xlate *x)
{
    qsm2_enable(s, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    qsm2_xlate_setup(s, x, 0, sid, cb, false, 12, 1, 1);
    qsm2_map(x, IOVA, pa, 3, 0);
}

static void test_placement(void)
{
    Two t;

    two_start(&t, NULL, NULL);
    g_assert_cmphex(t.e->smmu.base, ==, 0x09100000);
    g_assert_cmphex(t.p.smmu.base, ==, 0x09120000);
    g_assert_cmpuint(t.e->spi, ==, 176);
    g_assert_cmpuint(t.p.spi, ==, 193);          /* 176 + 1 + 16 */
    /* smmu1's GR0 answers at its own frame */
    g_assert_cmphex(qtc_readl(t.e->qts, 0x09120020), ==, 0x7e105e30);
    qsm2_env_free(t.e);
}

/* Explicit addr= and spi= are honoured. */
static void test_explicit_placement(void)
{
    Two t;

    two_start(&t, NULL, "addr=0x9180000,spi=220,numcb=4");
    g_assert_cmphex(t.p.smmu.base, ==, 0x09180000);
    g_assert_cmpuint(t.p.spi, ==, 220);
    /* sIDR1: NUMPAGENDXB 3, NUMS2CB 1, NUMCB 4 */
    g_assert_cmphex(qtc_readl(t.e->qts, 0x09180024), ==, 0x30010004);
    g_assert_cmphex(qtc_readl(t.e->qts, 0x09100024), ==, 0x30040010);
    qsm2_env_free(t.e);
}

/* Same IOVA, same bank, same ASID, different tables: apart they land. */
static void test_each_translates_own(void)
{
    Two t;
    QSm2Xlate x0, x1;
    uint64_t a, b;

    two_start(&t, NULL, NULL);
    a = qsm2_env_buf(t.e, 4096);
    b = qsm2_env_buf(t.e, 4096);
    map_s1(&t, &t.e->smmu, 5, SID0, a, &x0);
    map_s1(&t, &t.p.smmu, 5, SID1, b, &x1);
    g_assert(qtd_write(&t.e->td[0], IOVA + 0x10, 4, 0xaaaa0000));
    g_assert(qtd_write(&t.p.td, IOVA + 0x10, 4, 0xbbbb1111));
    g_assert_cmphex(qsm2_env_ld32(t.e, a + 0x10), ==, 0xaaaa0000);
    g_assert_cmphex(qsm2_env_ld32(t.e, b + 0x10), ==, 0xbbbb1111);
    qsm2_env_free(t.e);
}

/* A fault of td1 is recorded by smmu1 only, with StreamID 0x100. */
static void test_faults_stay(void)
{
    Two t;
    QSm2Xlate x0, x1;

    two_start(&t, NULL, NULL);
    map_s1(&t, &t.e->smmu, 5, SID0, qsm2_env_buf(t.e, 4096), &x0);
    map_s1(&t, &t.p.smmu, 5, SID1, qsm2_env_buf(t.e, 4096), &x1);
    g_assert(!qtd_write(&t.p.td, IOVA + 0x5000, 4, 1));
    g_assert_cmphex(qsm2_fsr(&t.p.smmu, 5), ==, 0x2);
    g_assert_cmphex(qsm2_cb_readq(&t.p.smmu, 5, QSM2_CB_FAR), ==,
                    IOVA + 0x5000);
    g_assert_cmphex(qsm2_gr1_readl(&t.p.smmu, QSM2_CBFRSYNRA(5)), ==, 0x100);
    g_assert_cmphex(qsm2_fsr(&t.e->smmu, 5), ==, 0);
    g_assert_cmphex(qsm2_gr1_readl(&t.e->smmu, QSM2_CBFRSYNRA(5)), ==, 0);
    /* and the other way round */
    g_assert(!qtd_write(&t.e->td[0], IOVA + 0x6000, 4, 1));
    g_assert_cmphex(qsm2_fsr(&t.e->smmu, 5), ==, 0x2);
    g_assert_cmphex(qsm2_cb_readq(&t.p.smmu, 5, QSM2_CB_FAR), ==,
                    IOVA + 0x5000);
    qsm2_env_free(t.e);
}

/* Each instance has the identification its properties ask for. */
static void test_registers_independent(void)
{
    Two t;

    two_start(&t, "stage=1,numcb=8", "stage=2,numcb=4,oas=40");
    /* stage 1, 8 banks none stage 2; stage 2, 4 banks all stage 2 */
    g_assert_cmphex(qsm2_gr0_readl(&t.e->smmu, QSM2_SIDR0), ==, 0x4e085e30);
    g_assert_cmphex(qsm2_gr0_readl(&t.e->smmu, QSM2_SIDR1), ==, 0x30000008);
    g_assert_cmphex(qsm2_gr0_readl(&t.p.smmu, QSM2_SIDR0), ==, 0x2e045e30);
    g_assert_cmphex(qsm2_gr0_readl(&t.p.smmu, QSM2_SIDR1), ==, 0x30040004);
    g_assert_cmphex(qsm2_gr0_readl(&t.p.smmu, QSM2_SIDR2), ==, 0x0000f525);
    /* 1 + 8 SPIs for smmu0, smmu1's after them */
    g_assert_cmpuint(t.p.spi, ==, 185);
    qsm2_enable(&t.p.smmu, QSM2_SCR0_REPORT);
    qsm2_cb_writel(&t.p.smmu, 2, QSM2_CB_CONTEXTIDR, 0x1234);
    g_assert_cmphex(qsm2_gr0_readl(&t.e->smmu, QSM2_SCR0), ==, 0x1);
    g_assert_cmphex(qsm2_cb_readl(&t.e->smmu, 2, QSM2_CB_CONTEXTIDR), ==, 0);
    qsm2_env_free(t.e);
}

/* Each instance raises its own SPIs: global and context lines. */
static void test_irqs_separate(void)
{
    Two t;
    QSm2Xlate x1;

    two_start(&t, NULL, NULL);
    qsm2_env_intercept_irqs(t.e);
    map_s1(&t, &t.p.smmu, 6, SID1, qsm2_env_buf(t.e, 4096), &x1);
    qsm2_enable(&t.e->smmu, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    g_assert(!qtd_write(&t.p.td, IOVA + 0x9000, 4, 1));     /* smmu1 CB6 */
    g_assert(!qtd_write(&t.e->td[0], IOVA, 4, 1));          /* smmu0 USF */
    qtc_sync(t.e->qts);
    g_assert_cmpuint(qtc_irq_raised(t.e->qts, 193 + 1 + 6), ==, 1);
    g_assert_cmpuint(qtc_irq_raised(t.e->qts, 176 + 1 + 6), ==, 0);
    g_assert_cmpuint(qtc_irq_raised(t.e->qts, 176), ==, 1);
    g_assert_cmpuint(qtc_irq_raised(t.e->qts, 193), ==, 0);
    g_assert_cmphex(qsm2_gfsr(&t.e->smmu), ==, 0x2);
    g_assert_cmphex(qsm2_gfsr(&t.p.smmu), ==, 0);
    qsm2_env_free(t.e);
}

/* TLBIALLNSNH on smmu1 does not reach smmu0's TLB. */
static void test_tlbi_isolated(void)
{
    Two t;
    QSm2Xlate x0, x1;
    uint64_t a0, b0, a1, b1;

    two_start(&t, NULL, NULL);
    a0 = qsm2_env_buf(t.e, 4096);
    b0 = qsm2_env_buf(t.e, 4096);
    a1 = qsm2_env_buf(t.e, 4096);
    b1 = qsm2_env_buf(t.e, 4096);
    map_s1(&t, &t.e->smmu, 5, SID0, a0, &x0);
    map_s1(&t, &t.p.smmu, 5, SID1, a1, &x1);
    g_assert(qtd_write(&t.e->td[0], IOVA, 4, 0x10));
    g_assert(qtd_write(&t.p.td, IOVA, 4, 0x11));
    qsm2_map(&x0, IOVA, b0, 3, 0);
    qsm2_map(&x1, IOVA, b1, 3, 0);
    qsm2_tlbi_global(&t.p.smmu, QSM2_TLBIALLNSNH, 0);
    g_assert(qtd_write(&t.e->td[0], IOVA, 4, 0x20));
    g_assert(qtd_write(&t.p.td, IOVA, 4, 0x21));
    g_assert_cmphex(qsm2_env_ld32(t.e, a0), ==, 0x20);      /* smmu0 stale */
    g_assert_cmphex(qsm2_env_ld32(t.e, b1), ==, 0x21);      /* smmu1 fresh */
    qsm2_env_free(t.e);
}

/* smmu1 left in reset (CLIENTPD) bypasses while smmu0 translates. */
static void test_one_bypasses(void)
{
    Two t;
    QSm2Xlate x0;
    uint64_t a = 0, b;

    two_start(&t, NULL, NULL);
    a = qsm2_env_buf(t.e, 4096);
    b = qsm2_env_buf(t.e, 4096);
    map_s1(&t, &t.e->smmu, 5, SID0, a, &x0);
    g_assert(qtd_write(&t.p.td, b + 0x40, 4, 0x30));
    g_assert(qtd_write(&t.e->td[0], IOVA + 0x40, 4, 0x31));
    g_assert_cmphex(qsm2_env_ld32(t.e, b + 0x40), ==, 0x30);
    g_assert_cmphex(qsm2_env_ld32(t.e, a + 0x40), ==, 0x31);
    qsm2_env_free(t.e);
}

/*
 * Both generations in one machine: arm-smmuv3-ext on pcie.0 (its 128KiB
 * frame first, SPIs 176..179), arm-smmuv2-ext on the pxb-pcie after it;
 * each translates its own testdev.
 */
static void test_with_smmuv3(void)
{
    g_autofree char *extra = qsm2_pxb_args(PXB_BUS, NULL);
    QEnv *e = qenv_new(NULL, "", extra);
    uint64_t a = qenv_buf(e, 4096), b = qenv_buf(e, 4096);
    QEnvXlate x3;
    QSm2Xlate x2;
    QSm2Pxb p;

    qsm3_init(&e->smmu, &e->bus, &e->alloc, e->smmu_base, NULL);
    qtd_init(&e->td, &e->bus, e->ecam, 0, QENV_TD_DEVFN, QENV_TD_BAR);
    qsm2_pxb_attach(&p, e->qts, &e->bus, &e->alloc, e->ecam, PXB_BUS);
    g_assert_cmphex(p.smmu.base, ==, 0x09120000);
    g_assert_cmpuint(p.spi, ==, 180);
    qenv_xlate_setup(e, &x3, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x3, IOVA, a, 3, 0);
    qsm2_enable(&p.smmu, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    qsm2_xlate_setup(&p.smmu, &x2, 0, SID1, 5, false, 12, 1, 1);
    qsm2_map(&x2, IOVA, b, 3, 0);
    g_assert(qtd_write(&e->td, IOVA + 0x20, 4, 0x33333333));
    g_assert(qtd_write(&p.td, IOVA + 0x20, 4, 0x22222222));
    g_assert_cmphex(qenv_ld32(e, a + 0x20), ==, 0x33333333);
    g_assert_cmphex(qenv_ld32(e, b + 0x20), ==, 0x22222222);
    qsm3_evt_none(&e->smmu);
    g_assert_cmphex(qsm2_gfsr(&p.smmu), ==, 0);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-smmuv2-ext/instances/placement", test_placement);
    g_test_add_func("/arm-smmuv2-ext/instances/explicit-placement",
                    test_explicit_placement);
    g_test_add_func("/arm-smmuv2-ext/instances/each-translates-own",
                    test_each_translates_own);
    g_test_add_func("/arm-smmuv2-ext/instances/faults-stay",
                    test_faults_stay);
    g_test_add_func("/arm-smmuv2-ext/instances/registers-independent",
                    test_registers_independent);
    g_test_add_func("/arm-smmuv2-ext/instances/irqs-separate",
                    test_irqs_separate);
    g_test_add_func("/arm-smmuv2-ext/instances/tlbi-isolated",
                    test_tlbi_isolated);
    g_test_add_func("/arm-smmuv2-ext/instances/one-bypasses",
                    test_one_bypasses);
    g_test_add_func("/arm-smmuv2-ext/instances/with-smmuv3",
                    test_with_smmuv3);
    return g_test_run();
}
