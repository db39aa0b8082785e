/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext QTest: the command and event queues (IHI 0070 "Command
 * and Event queues"): consumption and wrap, command errors (CERROR_ILL,
 * CERROR_ABT) with GERROR/GERRORN acknowledgement and restart, event-queue
 * overflow ("Event queue overflow"), and the wired interrupts (event
 * queue, CMD_SYNC, GERROR) seen at the GIC.
 */
#include <glib.h>
#include <string.h>

#include "qenv.h"

#define IOVA            UINT64_C(0x80000000)
#define HOLE            UINT64_C(0x7f000000)

static uint32_t cmdq_cons(QSm3 *s)
{
    return qsm3_readl(s, SM3_CMDQ_CONS);
}

/* ---- consumption and wrap ------------------------------------------------ */

static void test_consume(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    uint32_t prod0 = s->cmdq_prod;
    unsigned i;

    for (i = 0; i < 10; i++) {
        qsm3_cmd_queue(s, SM3_CMD_TLBI_NSNH_ALL, 0);
    }
    g_assert_cmpuint(qsm3_sync(s), ==, 0);
    g_assert_cmphex(cmdq_cons(s), ==, s->cmdq_prod);
    g_assert_cmpuint(s->cmdq_prod - prod0, ==, 11);
    qenv_free(e);
}

/* A 4-entry queue used for 50 commands: the wrap bit toggles. */
static void test_wrap(void)
{
    QSm3Opts o = { .cmdq_log2 = 2 };
    QEnv *e = qenv_start(NULL, NULL, &o);
    QSm3 *s = &e->smmu;
    bool seen_wrap = false, seen_nowrap = false;
    unsigned i;

    for (i = 0; i < 50; i++) {
        g_assert_cmpuint(qsm3_sync(s), ==, 0);
        if (cmdq_cons(s) & (1u << 2)) {
            seen_wrap = true;
        } else {
            seen_nowrap = true;
        }
        g_assert_cmphex(cmdq_cons(s) & 7, ==, s->cmdq_prod);
    }
    g_assert(seen_wrap && seen_nowrap);
    qenv_free(e);
}

/* A batch larger than cmdq-batch finishes from the main loop. */
static void test_batch_beyond_cmdq_batch(void)
{
    QSm3Opts o = { .cmdq_log2 = 10 };
    QEnv *e = qenv_start("cmdq-batch=4", NULL, &o);
    QSm3 *s = &e->smmu;
    unsigned i;

    for (i = 0; i < 300; i++) {
        qsm3_cmd_queue(s, SM3_CMD_TLBI_NSNH_ALL, 0);
    }
    g_assert_cmpuint(qsm3_sync(s), ==, 0);
    g_assert_cmphex(cmdq_cons(s), ==, s->cmdq_prod);
    qenv_free(e);
}

/* CMDQEN = 0: PROD moves, nothing is consumed until it is enabled. */
static void test_disabled_queue_holds(void)
{
    QSm3Opts o = { .no_enable = true };
    QEnv *e = qenv_start(NULL, NULL, &o);
    QSm3 *s = &e->smmu;
    unsigned i;

    for (i = 0; i < 3; i++) {
        qsm3_cmd_queue(s, SM3_CMD_SYNC, 0);
    }
    g_assert_cmphex(cmdq_cons(s), ==, 0);
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN));
    g_assert_cmpuint(qsm3_wait_cons(s), ==, 0);
    g_assert_cmphex(cmdq_cons(s), ==, 3);
    qenv_free(e);
}

static void test_stats_count_commands(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;
    g_autofree char *st = NULL;
    unsigned i;

    for (i = 0; i < 7; i++) {
        qsm3_cmd_queue(s, SM3_CMD_PREFETCH_CONFIG, 0);
    }
    qsm3_sync(s);
    st = qenv_stats(e);
    g_assert(strstr(st, "\"PREFETCH_CONFIG\": 7"));
    qenv_free(e);
}

/* ---- command errors ------------------------------------------------------ */

/*
 * A command illegal because of an absent feature: @props turns the
 * feature off on arm-smmuv3-ext; on another SMMU the case runs when its
 * IDR0 already lacks it (qenv.h).
 */
typedef struct IllCase {
    const char *name;
    const char *props;
    uint64_t dw0, dw1;
} IllCase;

static const IllCase ill_cases[] = {
    { "unknown-opcode", NULL, 0xff, 0 },
    { "opcode-0", NULL, 0x00, 0 },
    { "tlbi-el3-all", NULL, SM3_CMD_TLBI_EL3_ALL, 0 },
    { "cfgi-vms-pidm", NULL, SM3_CMD_CFGI_VMS_PIDM, 0 },
    { "ssec-on-ns-queue", NULL, SM3_CMD_CFGI_STE | SM3_CMD0_SSEC, 0 },
    { "sync-cs-reserved", NULL, SM3_CMD_SYNC | (UINT64_C(3) << 12), 0 },
    /* CS [13:12] = 3 above; PRI_RESP Resp [13:12] = 3 below */
    { "tlbi-el2-without-hyp", "hyp=off", SM3_CMD_TLBI_EL2_ALL, 0 },
    { "tlbi-s2-without-stage2", "stage=1", SM3_CMD_TLBI_S12_VMALL, 0 },
    { "tlbi-nh-without-stage1", "stage=2", SM3_CMD_TLBI_NH_ALL, 0 },
    { "atc-inv-without-ats", "ats=off,pri=off", SM3_CMD_ATC_INV, 0 },
    { "pri-resp-without-pri", "pri=off", SM3_CMD_PRI_RESP, 0 },
    /* STALL_MODEL 0b01: stall not supported */
    { "resume-without-stall", "stall=off", SM3_CMD_RESUME, 0 },
    { "pri-resp-reserved-code", NULL, SM3_CMD_PRI_RESP,
      UINT64_C(3) << 12 },
};

/*
 * An illegal command stops the queue at itself: CONS.ERR = CERROR_ILL,
 * GERROR.CMDQ_ERR active, later commands wait.  Replacing it with a
 * CMD_SYNC and acknowledging in GERRORN restarts the queue.
 */
static void test_cerror_ill(const void *opaque)
{
    const IllCase *c = opaque;
    QEnv *e = qenv_start(c->props, NULL, NULL);
    QSm3 *s = &e->smmu;
    uint32_t bad = s->cmdq_prod;
    uint32_t cons;

    qsm3_cmd_queue(s, c->dw0, c->dw1);
    qsm3_cmd_queue(s, SM3_CMD_TLBI_NSNH_ALL, 0);
    g_assert_cmpuint(qsm3_sync(s), ==, SM3_CERROR_ILL);
    cons = cmdq_cons(s);
    g_assert_cmpuint(sm_get(cons, SM3_CMDQ_CONS_ERR), ==, SM3_CERROR_ILL);
    g_assert_cmphex(cons & 0xfffff, ==, bad);
    g_assert_cmphex(qsm3_gerror_active(s), ==, SM3_GERROR_CMDQ_ERR);
    /* Fix the command in place and acknowledge. */
    qsm3_cmd_rewrite(s, bad, SM3_CMD_SYNC, 0);
    qsm3_gerror_ack(s, SM3_GERROR_CMDQ_ERR);
    g_assert_cmphex(qsm3_gerror_active(s), ==, 0);
    g_assert_cmpuint(qsm3_wait_cons(s), ==, 0);
    g_assert_cmphex(cmdq_cons(s) & 0xfffff, ==, s->cmdq_prod);
    g_assert_cmpuint(qsm3_sync(s), ==, 0);
    qenv_free(e);
}

/* The command queue in a hole of the address map: CERROR_ABT. */
static void test_cerror_abt(void)
{
    QSm3Opts o = { .cmdq_base = HOLE, .no_enable = true };
    QEnv *e = qenv_start(NULL, NULL, &o);
    QSm3 *s = &e->smmu;

    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN));
    qsm3_cmd_queue(s, SM3_CMD_SYNC, 0);
    qsm3_cmd_queue(s, SM3_CMD_SYNC, 0);
    g_assert_cmpuint(qsm3_wait_cons(s), ==, SM3_CERROR_ABT);
    g_assert_cmpuint(sm_get(cmdq_cons(s), SM3_CMDQ_CONS_ERR), ==,
                     SM3_CERROR_ABT);
    g_assert_cmphex(qsm3_gerror_active(s), ==, SM3_GERROR_CMDQ_ERR);
    /* Stopped at the first command it could not read. */
    g_assert_cmphex(cmdq_cons(s) & 0xfffff, ==, 0);
    qenv_free(e);
}

/* CERROR_ABT, then the queue is moved to RAM and restarted. */
static void test_cerror_abt_recover(void)
{
    QSm3Opts o = { .cmdq_base = HOLE, .no_enable = true };
    QEnv *e = qenv_start(NULL, NULL, &o);
    QSm3 *s = &e->smmu;
    uint64_t q = qalloc(&e->alloc, 16 << 8, 16 << 8);

    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN));
    qsm3_cmd_queue(s, SM3_CMD_SYNC, 0);
    g_assert_cmpuint(qsm3_wait_cons(s), ==, SM3_CERROR_ABT);
    /* Disable, move the queue, restart from the same index. */
    g_assert(qsm3_set_cr0(s, 0));
    qsm3_writeq(s, SM3_CMDQ_BASE, q | 8);
    s->cmdq = q;
    qsm3_writel(s, SM3_CMDQ_PROD, 0);
    qsm3_writel(s, SM3_CMDQ_CONS, 0);
    s->cmdq_prod = 0;
    qsm3_gerror_ack(s, SM3_GERROR_CMDQ_ERR);
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN));
    g_assert_cmpuint(qsm3_sync(s), ==, 0);
    /* CONS.ERR keeps the last error code; the index moved on. */
    g_assert_cmphex(cmdq_cons(s) & 0xfffff, ==, 1);
    qenv_free(e);
}

/* GERRORN toggled for an inactive error changes nothing visible. */
static void test_gerrorn_ack_idle(void)
{
    QEnv *e = qenv_start(NULL, NULL, NULL);
    QSm3 *s = &e->smmu;

    g_assert_cmphex(qsm3_gerror_active(s), ==, 0);
    g_assert_cmpuint(qsm3_sync(s), ==, 0);
    g_assert_cmphex(qsm3_readl(s, SM3_GERROR), ==, 0);
    qenv_free(e);
}

/* ---- event queue --------------------------------------------------------- */

/* A 2-entry event queue and five faults: OVFLG toggles, no crash. */
static void test_eventq_overflow(void)
{
    QSm3Opts o = { .evtq_log2 = 1 };
    QEnv *e = qenv_start(NULL, "", &o);
    QSm3 *s = &e->smmu;
    QEnvXlate x;
    uint64_t rec[4];
    uint32_t prod;
    unsigned i;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    for (i = 0; i < 5; i++) {
        g_assert(!qtd_write(&e->td, IOVA + i * 0x1000, 4, 1));
    }
    prod = qsm3_readl(s, QSM3_P1(SM3_EVENTQ_PROD));
    g_assert(prod & SM3_Q_OVFLG);
    g_assert_cmpuint(qsm3_evt_pending(s), ==, 2);
    /* The records kept are the first two, in order. */
    g_assert(qsm3_evt_pop(s, rec));
    g_assert_cmphex(rec[2], ==, IOVA);
    g_assert(qsm3_evt_pop(s, rec));
    g_assert_cmphex(rec[2], ==, IOVA + 0x1000);
    /* qsm3_evt_pop() copied OVFLG to OVACKFLG: acknowledged. */
    g_assert(qsm3_readl(s, QSM3_P1(SM3_EVENTQ_CONS)) & SM3_Q_OVFLG);
    /* Recording resumes. */
    qenv_dma_fault(e, IOVA + 0x9000, false, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmphex(rec[2], ==, IOVA + 0x9000);
    /* A second overflow toggles OVFLG back. */
    for (i = 0; i < 4; i++) {
        g_assert(!qtd_write(&e->td, IOVA + i * 0x1000, 4, 1));
    }
    g_assert(!(qsm3_readl(s, QSM3_P1(SM3_EVENTQ_PROD)) & SM3_Q_OVFLG));
    qenv_free(e);
}

/* Lost records are counted in the device statistics. */
static void test_eventq_overflow_stats(void)
{
    QSm3Opts o = { .evtq_log2 = 1 };
    QEnv *e = qenv_start(NULL, "", &o);
    QEnvXlate x;
    g_autofree char *st = NULL;
    unsigned i;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    for (i = 0; i < 6; i++) {
        g_assert(!qtd_write(&e->td, IOVA + i * 0x1000, 4, 1));
    }
    st = qenv_stats(e);
    g_assert(strstr(st, "\"events-lost\": 4"));
    qenv_free(e);
}

/* Event queue in a hole: GERROR.EVENTQ_ABT_ERR. */
static void test_eventq_abort(void)
{
    QSm3Opts o = { .no_enable = true };
    QEnv *e = qenv_start(NULL, "", &o);
    QSm3 *s = &e->smmu;
    QEnvXlate x;

    qsm3_writeq(s, SM3_EVENTQ_BASE, HOLE | 4);
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN));
    g_assert(qsm3_set_cr0(s, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN |
                          SM3_CR0_SMMUEN));
    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    g_assert(qsm3_gerror_active(s) & SM3_GERROR_EVENTQ_ABT_ERR);
    qsm3_gerror_ack(s, SM3_GERROR_EVENTQ_ABT_ERR);
    g_assert_cmphex(qsm3_gerror_active(s), ==, 0);
    qenv_free(e);
}

/* ---- wired interrupts ---------------------------------------------------- */

/* Each case starts msi=off with the GIC's inputs intercepted. */
static void irq_eventq(QEnv *e)
{
    QSm3 *s = &e->smmu;
    QEnvXlate x;

    qenv_xlate_setup(e, &x, QENV_TD_SID, QENV_S1, 12, 0);
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    /* Not enabled: no interrupt. */
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_EVENTQ), ==, 0);
    qsm3_evt_expect(s, SM3_EVT_F_TRANSLATION, NULL);
    g_assert(qsm3_set_irq_ctrl(s, SM3_IRQ_CTRL_EVENTQ_IRQEN));
    g_assert(!qtd_write(&e->td, IOVA, 4, 1));
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_EVENTQ), >=, 1);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_GERROR), ==, 0);
}

static void irq_gerror(QEnv *e)
{
    g_assert(qsm3_set_irq_ctrl(&e->smmu, SM3_IRQ_CTRL_GERROR_IRQEN));
    qsm3_cmd_ill(&e->smmu, 0xfe);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_GERROR), ==, 1);
}

static void irq_cmd_sync(QEnv *e)
{
    QSm3 *s = &e->smmu;

    qsm3_cmd(s, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ), 0);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_CMD_SYNC), ==, 1);
    qsm3_cmd(s, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_NONE),
             0);
    g_assert_cmpuint(qenv_irq_raised(e, QENV_IRQ_CMD_SYNC), ==, 1);
}

typedef struct IrqCase {
    const char *name;
    bool testdev;
    void (*run)(QEnv *e);
} IrqCase;

static const IrqCase irq_cases[] = {
    { "eventq", true, irq_eventq },
    { "gerror", false, irq_gerror },
    { "cmd-sync", false, irq_cmd_sync },
};

static void test_irq(const void *opaque)
{
    const IrqCase *c = opaque;
    QEnv *e = qenv_start("msi=off", c->testdev ? "" : NULL, NULL);

    qenv_intercept_irqs(e);
    c->run(e);
    qenv_free(e);
}

/* Two instances get distinct SPIs: the second's lines start at 180. */
static void test_irq_second_instance_spis(void)
{
    QEnv *e = qenv_new("msi=off", NULL, "-device pxb-pcie,id=pxb1,"
                       "bus_nr=8,bus=pcie.0 -device arm-smmuv3-ext,"
                       "id=smmu1,primary-bus=pxb1,msi=off");

    g_assert_cmpuint(e->spi, ==, 176);
    g_assert_cmpuint(qtc_qom_get_uint(e->qts, "/machine/peripheral/smmu1",
                                      "spi"), ==, 180);
    g_assert_cmphex(qtc_qom_get_uint(e->qts, "/machine/peripheral/smmu1",
                                     "addr"), ==, 0x09120000);
    qenv_free(e);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qenv_add_func("/arm-smmuv3-ext/queues/cmdq/consume", test_consume);
    qenv_add_func("/arm-smmuv3-ext/queues/cmdq/wrap", test_wrap);
    qenv_add_func("/arm-smmuv3-ext/queues/cmdq/beyond-cmdq-batch",
                    test_batch_beyond_cmdq_batch);
    qenv_add_func("/arm-smmuv3-ext/queues/cmdq/disabled-holds",
                    test_disabled_queue_holds);
    qenv_add_func("/arm-smmuv3-ext/queues/cmdq/stats",
                    test_stats_count_commands);
    QENV_ADD_TABLE("/arm-smmuv3-ext/queues/cerror-ill", ill_cases,
                   test_cerror_ill);
    qenv_add_func("/arm-smmuv3-ext/queues/cerror-abt/hole",
                    test_cerror_abt);
    qenv_add_func("/arm-smmuv3-ext/queues/cerror-abt/recover",
                    test_cerror_abt_recover);
    qenv_add_func("/arm-smmuv3-ext/queues/gerrorn/ack-idle",
                    test_gerrorn_ack_idle);
    qenv_add_func("/arm-smmuv3-ext/queues/eventq/overflow",
                    test_eventq_overflow);
    qenv_add_func("/arm-smmuv3-ext/queues/eventq/overflow-stats",
                    test_eventq_overflow_stats);
    qenv_add_func("/arm-smmuv3-ext/queues/eventq/abort", test_eventq_abort);
    QENV_ADD_TABLE("/arm-smmuv3-ext/queues/irq", irq_cases, test_irq);
    qenv_add_func("/arm-smmuv3-ext/queues/irq/second-instance-spis",
                    test_irq_second_instance_spis);
    return g_test_run();
}
