/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: message-signalled interrupts (IHI 0070
 * "Interrupts and notifications").  Each source's IRQ_CFG0/1 (or
 * CMD_SYNC's MSIAddress/MSIData) points at guest RAM, and the test checks
 * the data word lands there, that the wired line stays quiet, and that an
 * MSI to nowhere raises the matching GERROR.MSI_*_ABT_ERR.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define HOLE            UINT64_C(0x7f000000)

/* ---- one interrupt source, one target, one expectation ------------------ */

typedef enum MsiSrcId {
    SRC_GERROR,
    SRC_EVENTQ,
    SRC_CMD_SYNC,
} MsiSrcId;

typedef struct MsiSrc {
    uint32_t cfg0, cfg1;     /* IRQ_CFG0/1 (not for CMD_SYNC) */
    uint32_t irqen;          /* IRQ_CTRL enable */
    unsigned line;           /* wired line, QENV_IRQ_* */
    uint64_t slot;           /* the source's word in the mailbox */
    uint32_t abt;            /* GERROR.MSI_*_ABT_ERR */
} MsiSrc;

static const MsiSrc msi_srcs[] = {
    [SRC_GERROR] = { SM3_GERROR_IRQ_CFG0, SM3_GERROR_IRQ_CFG1,
                     SM3_IRQ_CTRL_GERROR_IRQEN, QENV_IRQ_GERROR, 0,
                     SM3_GERROR_MSI_GERROR_ABT_ERR },
    [SRC_EVENTQ] = { SM3_EVENTQ_IRQ_CFG0, SM3_EVENTQ_IRQ_CFG1,
                     SM3_IRQ_CTRL_EVENTQ_IRQEN, QENV_IRQ_EVENTQ, 8,
                     SM3_GERROR_MSI_EVENTQ_ABT_ERR },
    [SRC_CMD_SYNC] = { 0, 0, 0, QENV_IRQ_CMD_SYNC, 16,
                       SM3_GERROR_MSI_CMDQ_ABT_ERR },
};

#define MSI_ABT_ALL     (SM3_GERROR_MSI_GERROR_ABT_ERR | \
                         SM3_GERROR_MSI_EVENTQ_ABT_ERR | \
                         SM3_GERROR_MSI_CMDQ_ABT_ERR)

typedef struct MsiCase {
    const char *name;
    const char *props;       /* "msi=on" or "msi=off" */
    MsiSrcId src;
    enum { TO_NONE, TO_RAM, TO_HOLE } to;   /* IRQ_CFG0 / MSIAddress */
    uint32_t data;
    bool lands;              /* @data is written to the source's slot */
    unsigned wired;          /* raises of the source's wired line */
    bool abort;              /* GERROR.MSI_*_ABT_ERR of the source */
} MsiCase;

static const MsiCase msi_cases[] = {
    { "gerror", "msi=on", SRC_GERROR, TO_RAM, 0xa11ce001, true, 0, false },
    { "eventq", "msi=on", SRC_EVENTQ, TO_RAM, 0xe7e7e002, true, 0, false },
    { "cmd-sync", "msi=on", SRC_CMD_SYNC, TO_RAM, 0x5c5c0003, true, 0,
      false },
    /* Address 0: the wired line is used even with MSIs implemented. */
    { "cfg0-zero-uses-wire", "msi=on", SRC_GERROR, TO_NONE, 0, false, 1,
      false },
    /* msi=off: IRQ_CFG0/1 are RES0, so only the wire is left. */
    { "msi-off-wire", "msi=off", SRC_GERROR, TO_RAM, 0x1, false, 1, false },
    /* MSI to a hole: GERROR.MSI_*_ABT_ERR for the source. */
    { "abort/cmd-sync", "msi=on", SRC_CMD_SYNC, TO_HOLE, 1, false, 0, true },
    { "abort/eventq", "msi=on", SRC_EVENTQ, TO_HOLE, 0, false, 0, true },
    { "abort/gerror", "msi=on", SRC_GERROR, TO_HOLE, 0, false, 0, true },
};

static void test_msi(const void *opaque)
{
    const MsiCase *c = opaque;
    const MsiSrc *src = &msi_srcs[c->src];
    QEnv *e = qenv_start(c->props, c->src == SRC_EVENTQ ? "" : NULL, NULL);
    QSm3 *s = &e->smmu;
    uint64_t mbox = qenv_buf(e, 64);
    uint64_t addr = c->to == TO_RAM ? mbox + src->slot :
                    c->to == TO_HOLE ? HOLE : 0;
    QEnvXlate x;
    unsigned i;

    qenv_intercept_irqs(e);
    if (c->src == SRC_CMD_SYNC) {
        qsm3_cmd(s, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
                 sm_prep(SM3_CMD0_SYNC_MSIDATA, c->data),
                 addr & SM3_CMD1_SYNC_MSIADDR);
    } else {
        if (addr) {
            qsm3_writeq(s, src->cfg0, addr);
        }
        if (c->data) {
            qsm3_writel(s, src->cfg1, c->data);
        }
        g_assert(qsm3_set_irq_ctrl(s, src->irqen));
    }
    if (c->src == SRC_GERROR) {
        qsm3_cmd_ill(s, 0xfd);
    } else if (c->src == SRC_EVENTQ) {
        qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
        g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    }
    /* The data word in the source's slot only; the others untouched. */
    for (i = 0; i < G_N_ELEMENTS(msi_srcs); i++) {
        bool mine = c->lands && i == c->src;

        g_assert_cmphex(qenv_ld32(e, mbox + msi_srcs[i].slot), ==,
                        mine ? c->data : 0);
    }
    g_assert_cmpuint(qenv_irq_raised(e, src->line), ==, c->wired);
    g_assert_cmphex(qsm3_gerror_active(s) & MSI_ABT_ALL, ==,
                    c->abort ? src->abt : 0);
    if (c->src == SRC_EVENTQ) {
        /* The record itself is written, whatever happens to the MSI. */
        qsm3_evt_expect(s, SM3_EVT_F_TRANSLATION, NULL);
    }
    qenv_free(e);
}

/* A CMD_SYNC MSI is written before CONS passes the sync. */
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    QENV_ADD_TABLE("/arm-smmuv3-ext/msi", msi_cases, test_msi);
    qenv_add_func("/arm-smmuv3-ext/msi/cmd-sync-ordering",
                    test_cmd_sync_msi_ordering);
    return g_test_run();
}
