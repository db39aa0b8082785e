/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext QTest: migration round trips, as test-smmuv3-migration
 * does them: the source QEMU is programmed and exercised, then migrated
 * over a unix socket to a destination started with -incoming; the test
 * carries its helper state (allocator, tables) across and goes on
 * there.  Checked: registers and fault records survive, translations go
 * on from the migrated registers, the TLB is not migrated (an entry
 * stale on the source is fresh on the destination, and the destination
 * caches again), interrupt levels follow the migrated fault status, and
 * a destination whose register file differs (numcb, numsmrg) refuses
 * the stream.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"
#include "qsm2.h"

#define IOVA            UINT64_C(0x80000000)
#define MIGRATE_POLLS   3000            /* x 10 ms */
#define SID0            0x10
#define SID1            0x18

/* Poll query-migrate on @q until it completed or failed (bounded). */
static char *wait_migrated(QTestClient *q)
{
    char *r = NULL;
    unsigned i;

    for (i = 0; i < MIGRATE_POLLS; i++) {
        g_free(r);
        r = qtc_qmp_ok(q, "{'execute': 'query-migrate'}");
        if (strstr(r, "\"completed\"") || strstr(r, "\"failed\"")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    return r;
}

/*
 * Wait (bounded) until the destination @q has loaded the state, and let
 * it run.
 */
static void wait_loaded(QTestClient *q)
{
    char *r = NULL;
    unsigned i;

    for (i = 0; i < MIGRATE_POLLS; i++) {
        g_free(r);
        r = qtc_qmp_ok(q, "{'execute': 'query-status'}");
        if (!strstr(r, "\"inmigrate\"")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    g_assert(!strstr(r, "\"inmigrate\""));
    if (!strstr(r, "\"status\": \"running\"")) {
        g_free(qtc_qmp_ok(q, "{'execute': 'cont'}"));
    }
    g_free(r);
}

/* Start the migration of @src to a destination listening on @sock. */
static void migrate_start(QSm2Env *src, const char *sock)
{
    g_free(qtc_qmp_ok(src->qts, "{'execute': 'migrate', 'arguments': "
                      "{'uri': 'unix:%s'}}", sock));
}

/*
 * Migrate @src to a new QEMU with the same devices (@props, @ntd
 * testdevs); returns it with the helpers pointing at it.  @src is freed.
 */
static QSm2Env *migrate(QSm2Env *src, const char *props, unsigned ntd)
{
    g_autofree char *sock = qtc_tmp_path(src->qts, "mig.sock");
    g_autofree char *incoming = g_strdup_printf("-incoming unix:%s", sock);
    QSm2Env *dst = qsm2_env_new(props, ntd, incoming);
    g_autofree char *r = NULL;

    migrate_start(src, sock);
    r = wait_migrated(src->qts);
    if (!strstr(r, "\"completed\"")) {
        g_autofree char *err = qtc_stderr(dst->qts);

        g_error("migration did not complete: %s\ndestination stderr:\n%s",
                r, err);
    }
    wait_loaded(dst->qts);
    dst->alloc.next = src->alloc.next;
    qsm2_env_free(src);
    return dst;
}

/* Tables built on the source are used on the destination's bus. */
static void rebind(QSm2Xlate *x, QSm2Env *e)
{
    x->pt.bus = &e->bus;
    x->pt.alloc = &e->alloc;
}

/* ---- registers and records ----------------------------------------------- */

/*
 * A programmed SMMU with one context fault (bank 5) and one global fault
 * recorded: every register read the same after the round trip.
 */
static void test_registers_across(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 2, NULL);
    QSm2 *s = &e->smmu;
    QSm2Xlate x5, x2;
    uint64_t addrs[64];
    uint32_t before[64];
    unsigned n = 0, i;

    qsm2_enable(s, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG |
                QSM2_SCR0_VMID16EN | QSM2_SCR0_PTM);
    qsm2_xlate_setup(s, &x5, 3, SID0, 5, false, 16, 0x1234, 0x42);
    qsm2_xlate_setup(s, &x2, 7, 0x7ff, 2, true, 12, 0, 0x99);
    qsm2_cb_writel(s, 5, QSM2_CB_CONTEXTIDR, 0xc0ffee);
    qsm2_cb_writel(s, 5, QSM2_CB_MAIR1, 0x44ff0400);
    qsm2_cb_writeq(s, 5, QSM2_CB_TTBR1, UINT64_C(0x0002000041230000));
    qsm2_gr0_writel(s, QSM2_SACR, 0x5);
    qsm2_dma_fails(e, 0, IOVA + 0x44, true);       /* bank 5 TF */
    qsm2_dma_fails(e, 1, IOVA + 0x88, false);      /* USF */

    addrs[n++] = qsm2_gr0(s) + QSM2_SCR0;
    addrs[n++] = qsm2_gr0(s) + QSM2_SACR;
    addrs[n++] = qsm2_gr0(s) + QSM2_SGFSR;
    addrs[n++] = qsm2_gr0(s) + QSM2_SGFSYNR0;
    addrs[n++] = qsm2_gr0(s) + QSM2_SGFSYNR1;
    addrs[n++] = qsm2_gr0(s) + QSM2_SGFAR;
    addrs[n++] = qsm2_gr0(s) + QSM2_SGFAR + 4;
    addrs[n++] = qsm2_gr0(s) + QSM2_SMR(3);
    addrs[n++] = qsm2_gr0(s) + QSM2_S2CR(3);
    addrs[n++] = qsm2_gr0(s) + QSM2_SMR(7);
    addrs[n++] = qsm2_gr0(s) + QSM2_S2CR(7);
    addrs[n++] = qsm2_gr0(s) + QSM2_S2CR(8);
    addrs[n++] = qsm2_gr1(s) + QSM2_CBAR(5);
    addrs[n++] = qsm2_gr1(s) + QSM2_CBA2R(5);
    addrs[n++] = qsm2_gr1(s) + QSM2_CBFRSYNRA(5);
    addrs[n++] = qsm2_gr1(s) + QSM2_CBAR(2);
    addrs[n++] = qsm2_gr1(s) + QSM2_CBA2R(2);
    for (i = 0; i < 0x70; i += 4) {
        addrs[n++] = qsm2_cb(s, 5) + i;         /* SCTLR .. FSYNR1 */
    }
    addrs[n++] = qsm2_cb(s, 2) + QSM2_CB_TCR;
    addrs[n++] = qsm2_cb(s, 2) + QSM2_CB_TTBR0;
    addrs[n++] = qsm2_cb(s, 2) + QSM2_CB_SCTLR;
    g_assert_cmpuint(n, <=, G_N_ELEMENTS(addrs));
    for (i = 0; i < n; i++) {
        before[i] = qtc_readl(e->qts, addrs[i]);
    }
    /* The records are there to be carried */
    g_assert_cmphex(qsm2_fsr(s, 5), ==, 0x2);
    g_assert_cmphex(qsm2_gfsr(s), ==, 0x2);

    e = migrate(e, NULL, 2);
    for (i = 0; i < n; i++) {
        uint32_t v = qtc_readl(e->qts, addrs[i]);

        if (v != before[i]) {
            g_error("0x%" G_GINT64_MODIFIER "x: 0x%x before migration, "
                    "0x%x after", addrs[i], before[i], v);
        }
    }
    qsm2_env_free(e);
}

/*
 * The interrupt levels follow the migrated status: bank 5's fault and
 * the global one are raised on the destination, and clearing the
 * records there lowers them.
 */
static void test_irq_levels_across(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 2, NULL);
    g_autofree char *sock = qtc_tmp_path(e->qts, "mig.sock");
    g_autofree char *incoming = g_strdup_printf("-incoming unix:%s", sock);
    QSm2Env *dst;
    QSm2Xlate x;

    qsm2_enable(&e->smmu, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_dma_fails(e, 0, IOVA, true);
    qsm2_dma_fails(e, 1, IOVA, true);
    /* Watch the destination's GIC inputs from before the state arrives */
    dst = qsm2_env_new(NULL, 2, incoming);
    qsm2_env_intercept_irqs(dst);
    migrate_start(e, sock);
    wait_loaded(dst->qts);
    qsm2_env_free(e);
    g_assert_true(qsm2_env_irq_level(dst, QSM2_IRQ_CB(5)));
    g_assert_true(qsm2_env_irq_level(dst, QSM2_IRQ_GLOBAL));
    g_assert_false(qsm2_env_irq_level(dst, QSM2_IRQ_CB(4)));
    qsm2_fsr_clear(&dst->smmu, 5);
    qsm2_gfsr_clear(&dst->smmu);
    g_assert_false(qsm2_env_irq_level(dst, QSM2_IRQ_CB(5)));
    g_assert_false(qsm2_env_irq_level(dst, QSM2_IRQ_GLOBAL));
    qsm2_env_free(dst);
}

/* ---- translation --------------------------------------------------------- */

/* Stage-1 and stage-2 contexts translate on both sides. */
static void test_translation_across(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 2, NULL);
    uint64_t a = qsm2_env_buf(e, 65536), b = qsm2_env_buf(e, 16384);
    QSm2Xlate x0, x1;

    qsm2_enable(&e->smmu, QSM2_SCR0_REPORT | QSM2_SCR0_USFCFG);
    qsm2_xlate_setup(&e->smmu, &x0, 0, SID0, 9, false, 16, 4, 4);
    qsm2_xlate_setup(&e->smmu, &x1, 1, SID1, 3, true, 14, 0, 5);
    qsm2_map(&x0, IOVA, a, 3, 0);
    qsm2_map(&x1, IOVA, b, 3, 0);
    g_assert(qsm2_dma_write(e, 0, IOVA + 0x100, 0x01020304));
    g_assert(qsm2_dma_write(e, 1, IOVA + 0x100, 0x05060708));
    e = migrate(e, NULL, 2);
    g_assert_cmphex(qsm2_env_ld32(e, a + 0x100), ==, 0x01020304);
    g_assert_cmphex(qsm2_env_ld32(e, b + 0x100), ==, 0x05060708);
    g_assert(qsm2_dma_write(e, 0, IOVA + 0x200, 0x11121314));
    g_assert(qsm2_dma_write(e, 1, IOVA + 0x200, 0x15161718));
    g_assert_cmphex(qsm2_env_ld32(e, a + 0x200), ==, 0x11121314);
    g_assert_cmphex(qsm2_env_ld32(e, b + 0x200), ==, 0x15161718);
    g_assert_cmphex(qsm2_gfsr(&e->smmu), ==, 0);
    g_assert_cmphex(qsm2_fsr(&e->smmu, 9), ==, 0);
    g_assert_cmphex(qsm2_fsr(&e->smmu, 3), ==, 0);
    qsm2_env_free(e);
}

/*
 * The TLB is not migrated: an entry stale on the source (the table was
 * changed without TLBI) is fresh on the destination.  The destination
 * caches again: changed once more, the entry is stale until TLBIVA.
 */
static void test_stale_then_fresh(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 1, NULL);
    uint64_t a = qsm2_env_buf(e, 4096), b = qsm2_env_buf(e, 4096);
    uint64_t c = qsm2_env_buf(e, 4096);
    QSm2Xlate x;

    qsm2_enable(&e->smmu, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 5, false, 12, 1, 1);
    qsm2_map(&x, IOVA, a, 3, 0);
    g_assert(qsm2_dma_write(e, 0, IOVA, 0x11111111));
    qsm2_map(&x, IOVA, b, 3, 0);
    g_assert(qsm2_dma_write(e, 0, IOVA, 0x22222222));
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0x22222222);    /* stale */
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0);
    e = migrate(e, NULL, 1);
    rebind(&x, e);
    g_assert(qsm2_dma_write(e, 0, IOVA, 0x33333333));
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0x33333333);    /* fresh */
    g_assert_cmphex(qsm2_env_ld32(e, a), ==, 0x22222222);
    qsm2_map(&x, IOVA, c, 3, 0);
    g_assert(qsm2_dma_write(e, 0, IOVA, 0x44444444));
    g_assert_cmphex(qsm2_env_ld32(e, b), ==, 0x44444444);    /* stale */
    qsm2_tlbi_cb(&e->smmu, 5, QSM2_CB_TLBIVA, qsm2_tlbi_va_op(IOVA, 1));
    g_assert(qsm2_dma_write(e, 0, IOVA, 0x55555555));
    g_assert_cmphex(qsm2_env_ld32(e, c), ==, 0x55555555);    /* fresh */
    qsm2_env_free(e);
}

/* A fault taken on the destination is recorded there as on the source. */
static void test_fault_after(void)
{
    QSm2Env *e = qsm2_env_new(NULL, 1, NULL);
    QSm2Xlate x;

    qsm2_enable(&e->smmu, QSM2_SCR0_REPORT);
    qsm2_xlate_setup(&e->smmu, &x, 0, SID0, 7, false, 12, 1, 1);
    qsm2_map(&x, IOVA, qsm2_env_buf(e, 4096), 3, QSM3_PT_RO);
    e = migrate(e, NULL, 1);
    qsm2_dma_fails(e, 0, IOVA + 0x20, true);
    g_assert_cmphex(qsm2_fsr(&e->smmu, 7), ==, 0x8);           /* PF */
    g_assert_cmphex(qsm2_cb_readq(&e->smmu, 7, QSM2_CB_FAR), ==,
                    IOVA + 0x20);
    g_assert_cmphex(qsm2_cb_readl(&e->smmu, 7, QSM2_CB_FSYNR0), ==, 0x113);
    qsm2_env_free(e);
}

/* ---- refused streams ----------------------------------------------------- */

typedef struct MismatchCase {
    const char *name;
    const char *dst_props;   /* the source has the defaults */
} MismatchCase;

/*
 * The configuration is part of the stream (sIDR0..2 and the register
 * file's size): it must match.  numcb=15,numsmrg=67 has as many words
 * of registers as the defaults (16 banks of 38 words, 48 groups of 2),
 * so only the ID registers tell them apart; stage=1+2 and exids differ
 * in nothing but sIDR0.
 */
static const MismatchCase mismatch_cases[] = {
    { "numcb", "numcb=8" },
    { "numsmrg", "numsmrg=32" },
    { "same-size-other-geometry", "numcb=15,numsmrg=67" },
    { "stage", "stage=1+2" },
    { "exids", "exids=on" },
};

static void test_mismatch_refused(const void *opaque)
{
    const MismatchCase *c = opaque;
    QSm2Env *src = qsm2_env_new(NULL, 0, NULL);
    g_autofree char *sock = qtc_tmp_path(src->qts, "mig.sock");
    g_autofree char *incoming = g_strdup_printf("-incoming unix:%s", sock);
    QSm2Env *dst = qsm2_env_new(c->dst_props, 0, incoming);
    g_autofree char *err = NULL;
    unsigned i;

    qsm2_enable(&src->smmu, QSM2_SCR0_REPORT);
    migrate_start(src, sock);
    for (i = 0; i < MIGRATE_POLLS; i++) {
        g_free(err);
        err = qtc_stderr(dst->qts);
        if (strstr(err, "load of migration failed")) {
            break;
        }
        g_usleep(10 * 1000);
    }
    if (!strstr(err, "load of migration failed") ||
        !strstr(err, "arm-smmuv2-ext")) {
        g_error("the destination did not refuse the stream:\n%s", err);
    }
    qsm2_env_free(dst);
    qsm2_env_free(src);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/arm-smmuv2-ext/migration/registers-across",
                    test_registers_across);
    g_test_add_func("/arm-smmuv2-ext/migration/irq-levels-across",
                    test_irq_levels_across);
    g_test_add_func("/arm-smmuv2-ext/migration/translation-across",
                    test_translation_across);
    g_test_add_func("/arm-smmuv2-ext/migration/stale-then-fresh",
                    test_stale_then_fresh);
    g_test_add_func("/arm-smmuv2-ext/migration/fault-after",
                    test_fault_after);
    QENV_ADD_TABLE("/arm-smmuv2-ext/migration/mismatch-refused",
                   mismatch_cases, test_mismatch_refused);
    return g_test_run();
}
