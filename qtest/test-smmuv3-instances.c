/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: two instances in one machine.  smmu0 translates
 * pcie.0 (testdev td0 at 00:02.0, StreamID 0x10); smmu1 translates the
 * root bus of a pxb-pcie with bus number 8, where testdev td1 sits
 * behind a PCIe root port (a pxb-pcie takes only bridges) on bus 9:
 * 09:00.0, StreamID 0x900.  With no firmware, the test numbers the
 * root port's buses and opens its memory window itself.  Each SMMU
 * translates its own endpoint from its own tables, and records, errors
 * and interrupts stay with their instance.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define SMMU1_PATH      "/machine/peripheral/smmu1"
#define PXB_BUS         8
#define TD1_BUS         9
#define TD1_SID         (TD1_BUS << 8)
#define TD1_BAR         (QENV_TD_BAR + 0x100000)

typedef struct Two {
    QEnv *e;
    QSm3 s1;                 /* smmu1; smmu0 is e->smmu */
    QTestDev td1;
    unsigned spi1;
} Two;

static void two_start(Two *t, const char *props0, const char *props1)
{
    g_autofree char *extra = g_strdup_printf(
        "-device pxb-pcie,id=pxb1,bus_nr=%u,bus=pcie.0 "
        "-device arm-smmuv3-ext,id=smmu1,primary-bus=pxb1%s%s "
        "-device pcie-root-port,id=rp1,bus=pxb1,chassis=1,addr=00.0 "
        "-device smmu-testdev,id=td1,bus=rp1,addr=00.0",
        PXB_BUS, props1 ? "," : "", props1 ? props1 : "");
    /* StreamIDs up to 0xfff, and C_BAD_STREAMID recorded. */
    QSm3Opts o1 = { .sid_bits = 12, .cr2 = SM3_CR2_RECINVSID };
    uint64_t base1;

    memset(t, 0, sizeof(*t));
    t->e = qenv_new(props0, "", extra);
    base1 = qtc_qom_get_uint(t->e->qts, SMMU1_PATH, "addr");
    t->spi1 = qtc_qom_get_uint(t->e->qts, SMMU1_PATH, "spi");
    qsm3_init(&t->e->smmu, &t->e->bus, &t->e->alloc, t->e->smmu_base, NULL);
    qsm3_init(&t->s1, &t->e->bus, &t->e->alloc, base1, &o1);
    qtd_init(&t->e->td, &t->e->bus, t->e->ecam, 0, QENV_TD_DEVFN,
             QENV_TD_BAR);
    /* Root port 08:00.0: buses 8 -> 9..9, memory window over TD1_BAR. */
    qpci_cfg_writel(&t->e->bus, t->e->ecam, PXB_BUS, 0, 0x18,
                    (TD1_BUS << 16) | (TD1_BUS << 8) | PXB_BUS);
    qpci_cfg_writel(&t->e->bus, t->e->ecam, PXB_BUS, 0, 0x20,
                    ((TD1_BAR >> 16) & 0xfff0) << 16 |
                    ((TD1_BAR >> 16) & 0xfff0));
    qpci_cfg_writel(&t->e->bus, t->e->ecam, PXB_BUS, 0, 0x04, 0x6);
    qtd_init(&t->td1, &t->e->bus, t->e->ecam, TD1_BUS, 0, TD1_BAR);
    g_assert_cmphex(t->td1.sid, ==, TD1_SID);
}

/* A stage-1 mapping of IOVA to @pa for @sid on @s. */
static void map_s1(Two *t, QSm3 *s, uint32_t sid, uint64_t pa)
{
    QSm3Pt pt;

    qsm3_pt_init(&pt, &t->e->bus, &t->e->alloc, false, 12, 39);
    qsm3_pt_map(&pt, IOVA, pa, 3, 0);
    qsm3_setup_s1(s, sid, &pt, 1, 0);
}

static void test_placement(void)
{
    Two t;

    two_start(&t, NULL, NULL);
    g_assert_cmphex(t.e->smmu_base, ==, 0x09100000);
    g_assert_cmphex(t.s1.base, ==, 0x09120000);
    g_assert_cmpuint(t.e->spi, ==, 176);
    g_assert_cmpuint(t.spi1, ==, 180);
    qenv_free(t.e);
}

/* Same IOVA, same ASID, different tables: each endpoint lands apart. */
static void test_each_translates_own(void)
{
    Two t;
    uint64_t a, b;

    two_start(&t, NULL, NULL);
    a = qenv_buf(t.e, 4096);
    b = qenv_buf(t.e, 4096);
    map_s1(&t, &t.e->smmu, QENV_TD_SID, a);
    map_s1(&t, &t.s1, TD1_SID, b);
    g_assert(qtd_write(&t.e->td, IOVA + 0x10, 16, 0xaaaa0000));
    if (!qtd_write(&t.td1, IOVA + 0x10, 16, 0xbbbb1111)) {
        uint64_t rec[4];
        g_autofree char *ev = qsm3_evt_pop(&t.s1, rec) ? qsm3_evt_str(rec)
                                                        : g_strdup("none");
        g_autofree char *ev0 = qsm3_evt_pop(&t.e->smmu, rec) ?
                               qsm3_evt_str(rec) : g_strdup("none");

        g_error("td1 DMA failed: ERROR 0x%x; smmu1 %s; smmu0 %s",
                qtd_readl(&t.td1, SMMU_TESTDEV_ERROR), ev, ev0);
    }
    g_assert_cmphex(qenv_ld32(t.e, a + 0x10), ==, 0xaaaa0000);
    g_assert_cmphex(qenv_ld32(t.e, b + 0x10), ==, 0xbbbb1111);
    qsm3_evt_none(&t.e->smmu);
    qsm3_evt_none(&t.s1);
    qenv_free(t.e);
}

/* A fault of td1 is recorded by smmu1 only, with td1's StreamID. */
static void test_events_to_right_queue(void)
{
    Two t;
    uint64_t rec[4];

    two_start(&t, NULL, NULL);
    map_s1(&t, &t.e->smmu, QENV_TD_SID, qenv_buf(t.e, 4096));
    map_s1(&t, &t.s1, TD1_SID, qenv_buf(t.e, 4096));
    g_assert(!qtd_write(&t.td1, IOVA + 0x5000, 4, 1));
    qsm3_evt_none(&t.e->smmu);
    qsm3_evt_expect(&t.s1, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, TD1_SID);
    g_assert_cmphex(rec[2], ==, IOVA + 0x5000);
    g_assert(!qtd_write(&t.e->td, IOVA + 0x6000, 4, 1));
    qsm3_evt_none(&t.s1);
    qsm3_evt_expect(&t.e->smmu, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
    qenv_free(t.e);
}

/* Registers are per instance. */
static void test_registers_independent(void)
{
    Two t;

    two_start(&t, "stage=1,oas=40", "stage=2,oas=44");
    g_assert(qsm3_readl(&t.e->smmu, SM3_IDR0) & SM3_IDR0_S1P);
    g_assert(!(qsm3_readl(&t.e->smmu, SM3_IDR0) & SM3_IDR0_S2P));
    g_assert(!(qsm3_readl(&t.s1, SM3_IDR0) & SM3_IDR0_S1P));
    g_assert(qsm3_readl(&t.s1, SM3_IDR0) & SM3_IDR0_S2P);
    g_assert_cmpuint(sm_get(qsm3_readl(&t.e->smmu, SM3_IDR5), SM3_IDR5_OAS),
                     ==, 2);
    g_assert_cmpuint(sm_get(qsm3_readl(&t.s1, SM3_IDR5), SM3_IDR5_OAS), ==,
                     4);
    g_assert_cmphex(qsm3_readq(&t.e->smmu, SM3_STRTAB_BASE), !=,
                    qsm3_readq(&t.s1, SM3_STRTAB_BASE));
    g_assert(qsm3_set_gbpa(&t.s1, SM3_GBPA_ABORT));
    g_assert_cmphex(qsm3_readl(&t.e->smmu, SM3_GBPA), ==, 0x1000);
    qenv_free(t.e);
}

/* A command error on smmu1 leaves smmu0's queue running. */
static void test_cmdq_error_isolated(void)
{
    Two t;

    two_start(&t, NULL, NULL);
    qsm3_cmd_ill(&t.s1, 0xfb);
    g_assert_cmphex(qsm3_gerror_active(&t.e->smmu), ==, 0);
    g_assert_cmpuint(qsm3_sync(&t.e->smmu), ==, 0);
    qenv_free(t.e);
}

/* Disabling smmu1 (GBPA abort) stops td1 only. */
static void test_disable_one(void)
{
    Two t;
    uint64_t a = 0, b;

    two_start(&t, NULL, NULL);
    a = qenv_buf(t.e, 4096);
    b = qenv_buf(t.e, 4096);
    map_s1(&t, &t.e->smmu, QENV_TD_SID, a);
    g_assert(qsm3_set_cr0(&t.s1, 0));
    g_assert(qsm3_set_gbpa(&t.s1, SM3_GBPA_ABORT));
    g_assert(!qtd_write(&t.td1, b, 16, 0x1));
    g_assert(qtd_write(&t.e->td, IOVA, 16, 0x2));
    g_assert_cmphex(qenv_ld32(t.e, a), ==, 0x2);
    g_assert_cmphex(qenv_ld32(t.e, b), ==, 0);
    /* And bypass when the abort is lifted. */
    g_assert(qsm3_set_gbpa(&t.s1, 0));
    g_assert(qtd_write(&t.td1, b, 16, 0x3));
    g_assert_cmphex(qenv_ld32(t.e, b), ==, 0x3);
    qenv_free(t.e);
}

/* Invalidation on one instance does not reach the other's TLB. */
static void test_tlbi_isolated(void)
{
    Two t;
    QSm3Pt pt0, pt1;
    uint64_t a0, b0, a1, b1;

    two_start(&t, NULL, NULL);
    a0 = qenv_buf(t.e, 4096);
    b0 = qenv_buf(t.e, 4096);
    a1 = qenv_buf(t.e, 4096);
    b1 = qenv_buf(t.e, 4096);
    qsm3_pt_init(&pt0, &t.e->bus, &t.e->alloc, false, 12, 39);
    qsm3_pt_init(&pt1, &t.e->bus, &t.e->alloc, false, 12, 39);
    qsm3_pt_map(&pt0, IOVA, a0, 3, 0);
    qsm3_pt_map(&pt1, IOVA, a1, 3, 0);
    qsm3_setup_s1(&t.e->smmu, QENV_TD_SID, &pt0, 1, 0);
    qsm3_setup_s1(&t.s1, TD1_SID, &pt1, 1, 0);
    g_assert(qtd_write(&t.e->td, IOVA, 16, 0x10));
    g_assert(qtd_write(&t.td1, IOVA, 16, 0x11));
    qsm3_pt_map(&pt0, IOVA, b0, 3, 0);
    qsm3_pt_map(&pt1, IOVA, b1, 3, 0);
    qsm3_tlbi_nh_all(&t.s1);
    g_assert(qtd_write(&t.e->td, IOVA, 16, 0x20));
    g_assert(qtd_write(&t.td1, IOVA, 16, 0x21));
    g_assert_cmphex(qenv_ld32(t.e, a0), ==, 0x20);     /* smmu0 stale */
    g_assert_cmphex(qenv_ld32(t.e, b1), ==, 0x21);     /* smmu1 fresh */
    qenv_free(t.e);
}

/* Wired interrupts use each instance's own SPIs. */
static void test_irqs_separate(void)
{
    Two t;

    two_start(&t, "msi=off", "msi=off");
    qenv_intercept_irqs(t.e);
    g_assert(qsm3_set_irq_ctrl(&t.s1, SM3_IRQ_CTRL_GERROR_IRQEN));
    g_assert(qsm3_set_irq_ctrl(&t.e->smmu, SM3_IRQ_CTRL_GERROR_IRQEN));
    qsm3_cmd_ill(&t.s1, 0xfb);
    qtc_sync(t.e->qts);
    g_assert_cmpuint(qtc_irq_raised(t.e->qts, t.spi1 + QENV_IRQ_GERROR), ==,
                     1);
    g_assert_cmpuint(qtc_irq_raised(t.e->qts, t.e->spi + QENV_IRQ_GERROR),
                     ==, 0);
    qenv_free(t.e);
}

/* Explicit addr= and spi= are honoured. */
static void test_explicit_placement(void)
{
    QEnv *e = qenv_new(NULL, NULL, "-device pxb-pcie,id=pxb1,bus_nr=8,"
                       "bus=pcie.0 -device arm-smmuv3-ext,id=smmu1,"
                       "primary-bus=pxb1,addr=0x9160000,spi=200");
    QSm3 s;

    g_assert_cmphex(qtc_qom_get_uint(e->qts, SMMU1_PATH, "addr"), ==,
                    0x9160000);
    g_assert_cmpuint(qtc_qom_get_uint(e->qts, SMMU1_PATH, "spi"), ==, 200);
    qsm3_init(&s, &e->bus, &e->alloc, 0x9160000, NULL);
    g_assert_cmphex(qsm3_readl(&s, SM3_CR0ACK) & SM3_CR0_SMMUEN, ==,
                    SM3_CR0_SMMUEN);
    g_assert_cmphex(qtc_readl(e->qts, e->smmu_base + SM3_CR0ACK), ==, 0);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qenv_add_func("/arm-smmuv3-ext/instances/placement", test_placement);
    qenv_add_func("/arm-smmuv3-ext/instances/explicit-placement",
                    test_explicit_placement);
    qenv_add_func("/arm-smmuv3-ext/instances/each-translates-own",
                    test_each_translates_own);
    qenv_add_func("/arm-smmuv3-ext/instances/events-to-right-queue",
                    test_events_to_right_queue);
    qenv_add_func("/arm-smmuv3-ext/instances/registers-independent",
                    test_registers_independent);
    qenv_add_func("/arm-smmuv3-ext/instances/cmdq-error-isolated",
                    test_cmdq_error_isolated);
    qenv_add_func("/arm-smmuv3-ext/instances/disable-one",
                    test_disable_one);
    qenv_add_func("/arm-smmuv3-ext/instances/tlbi-isolated",
                    test_tlbi_isolated);
    qenv_add_func("/arm-smmuv3-ext/instances/irqs-separate",
                    test_irqs_separate);
    return g_test_run();
}
