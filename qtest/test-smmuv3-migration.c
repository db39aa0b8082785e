/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: migration round trips.  Two QEMUs: the source
 * is programmed and exercised, then migrated over a unix socket to a
 * destination started with -incoming; the test carries its QSm3 state
 * (queue shadows, table addresses) across and goes on there.  Checked:
 * records queued before migration read after it, registers, GERROR and
 * CMDQ_CONS.ERR, translation from migrated tables, and that caches are
 * not migrated (a stale TLB entry is gone on the destination).
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define MIGRATE_POLLS   3000            /* x 10 ms */

/*
 * Migrate @src to a new QEMU with the same devices; returns it with the
 * SMMU and testdev helpers pointing at it.  @src is freed.
 */
static QEnv *migrate(QEnv *src, const char *smmu_props, bool td)
{
    g_autofree char *sock = qtc_tmp_path(src->qts, "mig.sock");
    g_autofree char *incoming = g_strdup_printf("-incoming unix:%s", sock);
    QEnv *dst = qenv_new(smmu_props, td ? "" : NULL, incoming);
    g_autofree char *r = NULL;
    unsigned i;

    g_free(qtc_qmp_ok(src->qts, "{'execute': 'migrate', 'arguments': "
                      "{'uri': 'unix:%s'}}", sock));
    for (i = 0; i < MIGRATE_POLLS; i++) {
        g_free(r);
        r = qtc_qmp_ok(src->qts, "{'execute': 'query-migrate'}");
        if (strstr(r, "\"completed\"") || strstr(r, "\"failed\"")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    if (!strstr(r, "\"completed\"")) {
        g_autofree char *err = qtc_stderr(dst->qts);

        g_error("migration did not complete: %s\ndestination stderr:\n%s",
                r, err);
    }
    /* Wait for the destination to have loaded everything. */
    for (i = 0; i < MIGRATE_POLLS; i++) {
        g_free(r);
        r = qtc_qmp_ok(dst->qts, "{'execute': 'query-status'}");
        if (!strstr(r, "\"inmigrate\"")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    g_assert(!strstr(r, "\"inmigrate\""));
    if (!strstr(r, "\"running\"")) {
        g_free(qtc_qmp_ok(dst->qts, "{'execute': 'cont'}"));
    }
    /* Carry the helpers' state over. */
    dst->smmu = src->smmu;
    dst->smmu.bus = &dst->bus;
    dst->smmu.alloc = &dst->alloc;
    dst->alloc.next = src->alloc.next;
    if (td) {
        dst->td = src->td;
        dst->td.bus = &dst->bus;
    }
    qenv_free(src);
    return dst;
}

static void test_events_across(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t rec[4];
    unsigned i;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    for (i = 0; i < 3; i++) {
        g_assert(!qtd_write(&e->td, IOVA + i * 0x1000 + 0x40, 4, 1));
    }
    g_assert_cmpuint(qsm3_evt_pending(&e->smmu), ==, 3);
    e = migrate(e, NULL, true);
    g_assert_cmpuint(qsm3_evt_pending(&e->smmu), ==, 3);
    for (i = 0; i < 3; i++) {
        qsm3_evt_expect(&e->smmu, SM3_EVT_F_TRANSLATION, rec);
        g_assert_cmphex(sm_get(rec[0], SM3_EVT0_SID), ==, QENV_TD_SID);
        g_assert_cmphex(rec[2], ==, IOVA + i * 0x1000 + 0x40);
    }
    qsm3_evt_none(&e->smmu);
    /* New records go on from where the queue was. */
    qenv_dma_fault(e, IOVA + 0x7000, false, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmphex(rec[2], ==, IOVA + 0x7000);
    qenv_free(e);
}

static void test_registers_across(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    static const uint32_t regs[] = {
        SM3_CR0, SM3_CR0ACK, SM3_CR1, SM3_CR2, SM3_GBPA, SM3_IRQ_CTRL,
        SM3_IRQ_CTRLACK, SM3_STRTAB_BASE, SM3_STRTAB_BASE + 4,
        SM3_STRTAB_BASE_CFG, SM3_CMDQ_BASE, SM3_CMDQ_PROD, SM3_CMDQ_CONS,
        SM3_EVENTQ_BASE, SM3_EVENTQ_IRQ_CFG0, SM3_EVENTQ_IRQ_CFG1,
        SM3_IDR0, SM3_IDR1, SM3_IDR5,
    };
    uint32_t before[G_N_ELEMENTS(regs)];
    unsigned i;

    qsm3_writeq(&e->smmu, SM3_EVENTQ_IRQ_CFG0, 0x40001230);
    qsm3_writel(&e->smmu, SM3_EVENTQ_IRQ_CFG1, 0x77);
    g_assert(qsm3_set_irq_ctrl(&e->smmu, SM3_IRQ_CTRL_EVENTQ_IRQEN));
    g_assert(qsm3_set_gbpa(&e->smmu, SM3_GBPA_ABORT));
    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        before[i] = qsm3_readl(&e->smmu, regs[i]);
    }
    e = migrate(e, NULL, false);
    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        uint32_t v = qsm3_readl(&e->smmu, regs[i]);

        if (v != before[i]) {
            g_error("offset 0x%x: 0x%x before migration, 0x%x after",
                    regs[i], before[i], v);
        }
    }
    g_assert_cmpuint(qsm3_sync(&e->smmu), ==, 0);
    qenv_free(e);
}

static void test_gerror_across(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    uint32_t bad;

    bad = qsm3_cmd_ill(s, 0xfc);
    e = migrate(e, NULL, false);
    s = &e->smmu;
    g_assert_cmphex(qsm3_gerror_active(s), ==, SM3_GERROR_CMDQ_ERR);
    g_assert_cmpuint(sm_get(qsm3_readl(s, SM3_CMDQ_CONS), SM3_CMDQ_CONS_ERR),
                     ==, SM3_CERROR_ILL);
    qsm3_cmd_rewrite(s, bad, SM3_CMD_SYNC, 0);
    qsm3_gerror_ack(s, SM3_GERROR_CMDQ_ERR);
    g_assert_cmpuint(qsm3_wait_cons(s), ==, 0);
    g_assert_cmpuint(qsm3_sync(s), ==, 0);
    qenv_free(e);
}

static void test_translation_across(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t buf = qenv_buf(e, 65536);
    uint32_t idr0 = qenv_idr(e, 0);

    /* Both stages (nested), with 64KB granules. */
    qenv_require(e, (idr0 & SM3_IDR0_S1P) && (idr0 & SM3_IDR0_S2P),
                 "IDR0.S1P and IDR0.S2P (nested translation)");
    qenv_require(e, qenv_idr(e, 5) & SM3_IDR5_GRAN64K,
                 "IDR5.GRAN64K (64KB granule)");
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_NESTED, 16, 0);
    qenv_xlate_map(e, &x, IOVA, buf, 3, 0);
    g_assert(qtd_write(&e->td, IOVA + 0x100, 64, 0x01020304));
    e = migrate(e, NULL, true);
    g_assert_cmphex(qenv_ld32(e, buf + 0x100), ==, 0x01020304);
    g_assert(qtd_write(&e->td, IOVA + 0x200, 64, 0x05060708));
    g_assert_cmphex(qenv_ld32(e, buf + 0x200), ==, 0x05060708);
    qsm3_evt_none(&e->smmu);
    qenv_free(e);
}

/* Caches are not migrated: a stale TLB entry does not survive. */
static void test_tlb_not_migrated(void)
{
    QEnv *e = qenv_start(NULL, "", NULL);
    QEnvXlate x;
    uint64_t a = qenv_buf(e, 4096), b = qenv_buf(e, 4096);

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    qenv_xlate_map(e, &x, IOVA, a, 3, 0);
    g_assert(qtd_write(&e->td, IOVA, 16, 0x11111111));
    qenv_xlate_map(e, &x, IOVA, b, 3, 0);
    g_assert(qtd_write(&e->td, IOVA, 16, 0x22222222));
    g_assert_cmphex(qenv_ld32(e, a), ==, 0x22222222);      /* stale */
    e = migrate(e, NULL, true);
    g_assert(qtd_write(&e->td, IOVA, 16, 0x33333333));
    g_assert_cmphex(qenv_ld32(e, b), ==, 0x33333333);      /* fresh */
    g_assert_cmphex(qenv_ld32(e, a), ==, 0x22222222);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qenv_add_func("/arm-smmuv3-ext/migration/events-across",
                    test_events_across);
    qenv_add_func("/arm-smmuv3-ext/migration/registers-across",
                    test_registers_across);
    qenv_add_func("/arm-smmuv3-ext/migration/gerror-across",
                    test_gerror_across);
    qenv_add_func("/arm-smmuv3-ext/migration/translation-across",
                    test_translation_across);
    qenv_add_func("/arm-smmuv3-ext/migration/tlb-not-migrated",
                    test_tlb_not_migrated);
    return g_test_run();
}
