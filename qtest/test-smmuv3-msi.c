/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: message-signalled interrupts (IHI 0070 3.18).
 * Each source's IRQ_CFG0/1 (or CMD_SYNC's MSIAddress/MSIData) points at
 * guest RAM, and the test checks the data word lands there, that the
 * wired line stays quiet, and that an MSI to nowhere raises the
 * matching GERROR.MSI_*_ABT_ERR.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define HOLE            UINT64_C(0x7f000000)

static void trigger_gerror(QSm3 *s)
{
    qsm3_cmd_queue(s, 0xfd, 0);
    g_assert_cmpuint(qsm3_wait_cons(s), ==, SM3_CERROR_ILL);
}

static void trigger_event(QEnv *e)
{
    QEnvXlate x;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
}

static void test_gerror_msi(void)
{
    QEnv *e = qenv_start("msi=on", NULL, NULL);
    QSm3 *s = &e->smmu;
    uint64_t mbox = qenv_buf(e, 64);

    qenv_intercept_irqs(e);
    qsm3_writeq(s, SM3_GERROR_IRQ_CFG0, mbox);
    qsm3_writel(s, SM3_GERROR_IRQ_CFG1, 0xa11ce001);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_GERROR_IRQEN));
    trigger_gerror(s);
    g_assert_cmphex(qenv_ld32(e, mbox), ==, 0xa11ce001);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_GERROR), ==, 0);
    qenv_free(e);
}

static void test_eventq_msi(void)
{
    QEnv *e = qenv_start("msi=on", "", NULL);
    QSm3 *s = &e->smmu;
    uint64_t mbox = qenv_buf(e, 64);

    qenv_intercept_irqs(e);
    qsm3_writeq(s, SM3_EVENTQ_IRQ_CFG0, mbox + 8);
    qsm3_writel(s, SM3_EVENTQ_IRQ_CFG1, 0xe7e7e002);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_EVENTQ_IRQEN));
    trigger_event(e);
    g_assert_cmphex(qenv_ld32(e, mbox + 8), ==, 0xe7e7e002);
    g_assert_cmphex(qenv_ld32(e, mbox), ==, 0);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_EVENTQ), ==, 0);
    qsm3_evt_expect(s, SM3_EVT_F_TRANSLATION, NULL);
    qenv_free(e);
}

static void test_cmd_sync_msi(void)
{
    QEnv *e = qenv_start("msi=on", NULL, NULL);
    QSm3 *s = &e->smmu;
    uint64_t mbox = qenv_buf(e, 64);

    qenv_intercept_irqs(e);
    qsm3_cmd(s, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
             sm_prep(SM3_CMD0_SYNC_MSIDATA, 0x5c5c0003),
             (mbox + 16) & SM3_CMD1_SYNC_MSIADDR);
    g_assert_cmphex(qenv_ld32(e, mbox + 16), ==, 0x5c5c0003);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_CMD_SYNC), ==, 0);
    qenv_free(e);
}

/* A CMD_SYNC MSI is written before CONS passes the sync (4.7.3). */
static void test_cmd_sync_msi_ordering(void)
{
    QEnv *e = qenv_start("msi=on", NULL, NULL);
    QSm3 *s = &e->smmu;
    uint64_t mbox = qenv_buf(e, 64);
    unsigned i;

    for (i = 0; i < 8; i++) {
        qsm3_cmd_queue(s, SM3_CMD_SYNC |
                       sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
                       sm_prep(SM3_CMD0_SYNC_MSIDATA, i + 1),
                       (mbox + 4 * i) & SM3_CMD1_SYNC_MSIADDR);
    }
    g_assert_cmpuint(qsm3_wait_cons(s), ==, 0);
    for (i = 0; i < 8; i++) {
        g_assert_cmphex(qenv_ld32(e, mbox + 4 * i), ==, i + 1);
    }
    qenv_free(e);
}

/* Address 0: the wired line is used even with MSIs implemented. */
static void test_cfg0_zero_uses_wire(void)
{
    QEnv *e = qenv_start("msi=on", NULL, NULL);
    QSm3 *s = &e->smmu;

    qenv_intercept_irqs(e);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_GERROR_IRQEN));
    trigger_gerror(s);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_GERROR), ==, 1);
    qenv_free(e);
}

/* msi=off: IRQ_CFG0/1 are RES0, so only the wire is left. */
static void test_msi_off_wire(void)
{
    QEnv *e = qenv_start("msi=off", NULL, NULL);
    QSm3 *s = &e->smmu;
    uint64_t mbox = qenv_buf(e, 64);

    qenv_intercept_irqs(e);
    qsm3_writeq(s, SM3_GERROR_IRQ_CFG0, mbox);
    qsm3_writel(s, SM3_GERROR_IRQ_CFG1, 0x1);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_GERROR_IRQEN));
    trigger_gerror(s);
    g_assert_cmphex(qenv_ld32(e, mbox), ==, 0);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_GERROR), ==, 1);
    qenv_free(e);
}

/* MSI to a hole: GERROR.MSI_*_ABT_ERR for the source. */
static void test_cmd_sync_msi_abort(void)
{
    QEnv *e = qenv_start("msi=on", NULL, NULL);
    QSm3 *s = &e->smmu;

    qsm3_cmd_queue(s, SM3_CMD_SYNC |
                   sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
                   sm_prep(SM3_CMD0_SYNC_MSIDATA, 1),
                   HOLE & SM3_CMD1_SYNC_MSIADDR);
    qsm3_wait_cons(s);
    g_assert(qsm3_gerror_active(s) & SM3_GERROR_MSI_CMDQ_ABT_ERR);
    qenv_free(e);
}

static void test_eventq_msi_abort(void)
{
    QEnv *e = qenv_start("msi=on", "", NULL);
    QSm3 *s = &e->smmu;

    qsm3_writeq(s, SM3_EVENTQ_IRQ_CFG0, HOLE);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_EVENTQ_IRQEN));
    trigger_event(e);
    g_assert(qsm3_gerror_active(s) & SM3_GERROR_MSI_EVENTQ_ABT_ERR);
    /* The record itself was still written. */
    qsm3_evt_expect(s, SM3_EVT_F_TRANSLATION, NULL);
    qenv_free(e);
}

static void test_gerror_msi_abort(void)
{
    QEnv *e = qenv_start("msi=on", NULL, NULL);
    QSm3 *s = &e->smmu;

    qsm3_writeq(s, SM3_GERROR_IRQ_CFG0, HOLE);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_GERROR_IRQEN));
    trigger_gerror(s);
    g_assert(qsm3_gerror_active(s) & SM3_GERROR_MSI_GERROR_ABT_ERR);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-smmuv3-ext/msi/gerror", test_gerror_msi);
    g_test_add_func("/arm-smmuv3-ext/msi/eventq", test_eventq_msi);
    g_test_add_func("/arm-smmuv3-ext/msi/cmd-sync", test_cmd_sync_msi);
    g_test_add_func("/arm-smmuv3-ext/msi/cmd-sync-ordering",
                    test_cmd_sync_msi_ordering);
    g_test_add_func("/arm-smmuv3-ext/msi/cfg0-zero-uses-wire",
                    test_cfg0_zero_uses_wire);
    g_test_add_func("/arm-smmuv3-ext/msi/msi-off-wire", test_msi_off_wire);
    g_test_add_func("/arm-smmuv3-ext/msi/abort/cmd-sync",
                    test_cmd_sync_msi_abort);
    g_test_add_func("/arm-smmuv3-ext/msi/abort/eventq",
                    test_eventq_msi_abort);
    g_test_add_func("/arm-smmuv3-ext/msi/abort/gerror",
                    test_gerror_msi_abort);
    return g_test_run();
}
