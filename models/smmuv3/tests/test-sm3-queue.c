/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-queue.c: index arithmetic with wrap bits, size
 * clamping, wrap-around of the command and event queues, overflow of the
 * event and PRI queues, bounded and resumable command processing.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

/* A translation that raises C_BAD_STREAMID for @sid beyond the table. */
static void bad_sid(Sm3Bench *b, uint32_t sid)
{
    Sm3Xlate r = sm3b_xlate(b, sid, 0x1000, false);

    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_STREAMID);
}

static void test_cmdq_wrap(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    unsigned i;

    sm3b_setup(b, 2, 4, 4);
    for (i = 0; i < 11; i++) {
        sm3b_sync(b);
        g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==,
                        sm3b_rd(b, SM3_CMDQ_PROD));
        /* Index bits [1:0], wrap flag bit 2. */
        g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, (i + 1) & 7);
    }
    g_assert_cmpuint(sm3_stats(b->s).commands, ==, 11);
    sm3b_free(b);
}

/* A full queue (wrap bits differ, indexes equal) holds 2^n commands. */
static void test_cmdq_full_batch(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    unsigned i;

    sm3b_setup(b, 2, 4, 4);
    sm3b_wr(b, SM3_CR0, SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN);
    for (i = 0; i < 4; i++) {
        sm3b_w64(b, b->cmdq_base + 16 * i, SM3_CMD_SYNC);
        sm3b_w64(b, b->cmdq_base + 16 * i + 8, 0);
    }
    sm3b_wr(b, SM3_CMDQ_PROD, 4);
    g_assert_true(sm3_q_full(b->s, &sm3_cmdq));
    g_assert_false(sm3_has_pending_work(b->s));   /* queue disabled */
    sm3b_enable(b, SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN | SM3_CR0_CMDQEN);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 4);
    g_assert_true(sm3_q_empty(b->s, &sm3_cmdq));
    sm3b_free(b);
}

/* cmdq_batch == 0: the emulator drives the queue in bounded steps. */
static void test_cmdq_resumable(void)
{
    Sm3Config cfg;
    Sm3Bench *b;
    unsigned i;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    b = sm3b_new_cfg(&cfg);
    sm3b_setup(b, 4, 4, 4);
    for (i = 0; i < 5; i++) {
        sm3b_sync(b);
    }
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 0);
    g_assert_true(sm3_has_pending_work(b->s));
    g_assert_cmpuint(sm3_process_commands(b->s, 2), ==, 2);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 2);
    g_assert_true(sm3_has_pending_work(b->s));
    g_assert_cmpuint(sm3_process_commands(b->s, 100), ==, 3);
    g_assert_false(sm3_has_pending_work(b->s));
    g_assert_cmpuint(sm3_process_commands(b->s, 100), ==, 0);
    sm3b_free(b);
}

/* BASE.LOG2SIZE above IDR1.CMDQS behaves as IDR1.CMDQS. */
static void test_log2size_clamp(void)
{
    Sm3Features f = sm3b_all_features();
    Sm3Bench *b;

    f.cmdqs = 2;
    f.eventqs = 1;
    b = sm3b_new(&f);
    sm3b_wr64(b, SM3_CMDQ_BASE, 0x40000 | 19);
    sm3b_wr64(b, SM3_EVENTQ_BASE, 0x50000 | 7);
    g_assert_cmpuint(sm3_q_log2size(b->s, &sm3_cmdq), ==, 2);
    g_assert_cmpuint(sm3_q_log2size(b->s, &sm3_eventq), ==, 1);
    g_assert_cmpuint(sm3_q_wrap_idx(b->s, &sm3_cmdq, 0xffff), ==, 7);
    g_assert_cmpuint(sm3_q_next(b->s, &sm3_cmdq, 7), ==, 0);
    g_assert_cmpuint(sm3_q_next(b->s, &sm3_cmdq, 3), ==, 4);
    g_assert_cmphex(sm3_q_entry_addr(b->s, &sm3_cmdq, 6), ==, 0x40000 + 32);
    /* The base is aligned down to the queue size. */
    sm3b_wr64(b, SM3_EVENTQ_BASE, 0x50020 | 1);
    g_assert_cmphex(sm3_q_entry_addr(b->s, &sm3_eventq, 1), ==, 0x50020);
    sm3b_wr64(b, SM3_EVENTQ_BASE, 0x50060 | 1);
    g_assert_cmphex(sm3_q_entry_addr(b->s, &sm3_eventq, 0), ==, 0x50040);
    sm3b_free(b);
}

static void test_eventq_wrap(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t rec[4];
    unsigned i;

    sm3b_setup(b, 4, 2, 4);
    for (i = 0; i < 13; i++) {
        bad_sid(b, 0x100 + i);
        g_assert_cmpuint(sm3b_event_count(b), ==, 1);
        g_assert_true(sm3b_pop_event(b, rec));
        g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, 0x100 + i);
        g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_PROD), ==, (i + 1) & 7);
    }
    g_assert_cmpuint(sm3_stats(b->s).events, ==, 13);
    sm3b_free(b);
}

/*
 * A full event queue drops the record and toggles PROD.OVFLG once; the
 * flag toggles again only after software acknowledges with OVACKFLG.
 */
static void test_eventq_overflow(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t rec[4];

    sm3b_setup(b, 4, 1, 4);
    bad_sid(b, 0x100);
    bad_sid(b, 0x101);
    g_assert_cmpuint(sm3b_event_count(b), ==, 2);
    g_assert_false(sm3b_rd(b, SM3_EVENTQ_PROD) & SM3_Q_OVFLG);
    bad_sid(b, 0x102);
    g_assert_true(sm3b_rd(b, SM3_EVENTQ_PROD) & SM3_Q_OVFLG);
    bad_sid(b, 0x103);
    g_assert_true(sm3b_rd(b, SM3_EVENTQ_PROD) & SM3_Q_OVFLG);
    g_assert_cmpuint(sm3_stats(b->s).events_lost, ==, 2);
    g_assert_cmpuint(sm3b_rd(b, SM3_GERROR), ==, 0);   /* never an abort */
    g_assert_true(sm3b_pop_event(b, rec));
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, 0x100);
    g_assert_true(sm3b_pop_event(b, rec));
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, 0x101);
    g_assert_false(sm3b_pop_event(b, rec));
    /* Acknowledge the overflow. */
    sm3b_wr(b, SM3_EVENTQ_CONS, sm3b_rd(b, SM3_EVENTQ_CONS) | SM3_Q_OVFLG);
    bad_sid(b, 0x104);
    bad_sid(b, 0x105);
    g_assert_true(sm3b_rd(b, SM3_EVENTQ_PROD) & SM3_Q_OVFLG);
    bad_sid(b, 0x106);
    g_assert_false(sm3b_rd(b, SM3_EVENTQ_PROD) & SM3_Q_OVFLG);
    sm3b_free(b);
}

static void test_eventq_disabled(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_setup(b, 4, 2, 4);
    sm3b_wr(b, SM3_CR0, SM3_CR0_SMMUEN | SM3_CR0_CMDQEN);
    bad_sid(b, 0x100);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_PROD), ==, 0);
    g_assert_cmpuint(sm3_stats(b->s).events_lost, ==, 1);
    g_assert_cmphex(sm3b_r64(b, b->evtq_base), ==, 0);
    sm3b_free(b);
}

/* A bus error writing a record: GERROR.EVENTQ_ABT_ERR, queue stops. */
static void test_eventq_abort(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t rec[4];

    sm3b_setup(b, 4, 2, 4);
    b->tm->err_lo = b->evtq_base;
    b->tm->err_hi = b->evtq_base + 32 * 4;
    bad_sid(b, 0x100);
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR), ==, SM3_GERROR_EVENTQ_ABT_ERR);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_PROD), ==, 0);
    b->tm->err_lo = b->tm->err_hi = 0;
    bad_sid(b, 0x101);
    g_assert_cmpuint(sm3b_event_count(b), ==, 0);   /* still active */
    sm3b_wr(b, SM3_GERRORN, sm3b_rd(b, SM3_GERROR));
    bad_sid(b, 0x102);
    g_assert_true(sm3b_pop_event(b, rec));
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, 0x102);
    sm3b_free(b);
}

static void test_priq(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    Sm3PageRequest pr = { .sid = 7, .ssid = 3, .ssv = true,
                          .addr = 0x12345678, .grpid = 0x1a5, .last = true,
                          .read = true, .write = true };
    uint64_t base = sm3b_alloc(b, 16 * 2, 32);
    uint64_t dw0, dw1;

    sm3b_setup(b, 4, 2, 4);
    sm3b_wr64(b, SM3_PRIQ_BASE, base | 1);
    /* Disabled: nothing queued. */
    g_assert_false(sm3_page_request(b->s, &pr));
    sm3b_enable(b, sm3b_rd(b, SM3_CR0) | SM3_CR0_PRIQEN);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_PRIQ_IRQEN);
    g_assert_true(sm3_page_request(b->s, &pr));
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_PRIQ], ==, 1);
    dw0 = sm3b_r64(b, base);
    dw1 = sm3b_r64(b, base + 8);
    g_assert_cmpuint(sm_get(dw0, SM3_PRI0_SID), ==, 7);
    g_assert_cmpuint(sm_get(dw0, SM3_PRI0_SSID), ==, 3);
    g_assert_true(dw0 & SM3_PRI0_SSV);
    g_assert_true(dw0 & SM3_PRI0_LAST);
    g_assert_true(dw0 & SM3_PRI0_READ);
    g_assert_true(dw0 & SM3_PRI0_WRITE);
    g_assert_false(dw0 & SM3_PRI0_EXEC);
    g_assert_false(dw0 & SM3_PRI0_PRIV);
    g_assert_cmphex(sm_get(dw1, SM3_PRI1_GRPID), ==, 0x1a5);
    g_assert_cmphex(dw1 & SM3_PRI1_ADDR, ==, 0x12345000);
    g_assert_true(sm3_page_request(b->s, &pr));
    /* Full (2 entries): overflow flag, request lost. */
    g_assert_false(sm3_page_request(b->s, &pr));
    g_assert_true(sm3b_rd(b, SM3_PRIQ_PROD) & SM3_Q_OVFLG);
    g_assert_cmphex(sm3b_rd(b, SM3_PRIQ_PROD) & 3, ==, 2);
    /* Consumed but not acknowledged: still nothing new is queued. */
    sm3b_wr(b, SM3_PRIQ_CONS, 2);
    g_assert_false(sm3_page_request(b->s, &pr));
    g_assert_cmphex(sm3b_rd(b, SM3_PRIQ_PROD) & 3, ==, 2);
    /* Acknowledged: queued again. */
    sm3b_wr(b, SM3_PRIQ_CONS, 2 | SM3_Q_OVFLG);
    g_assert_true(sm3_page_request(b->s, &pr));
    g_assert_cmphex(sm3b_rd(b, SM3_PRIQ_PROD) & 3, ==, 3);
    /* Bus error: PRIQ_ABT_ERR. */
    sm3b_wr(b, SM3_PRIQ_CONS, 3 | SM3_Q_OVFLG);
    b->tm->err_lo = base;
    b->tm->err_hi = base + 32;
    g_assert_false(sm3_page_request(b->s, &pr));
    g_assert_true(sm3b_rd(b, SM3_GERROR) & SM3_GERROR_PRIQ_ABT_ERR);
    sm3b_free(b);
}

static void test_priq_absent(void)
{
    Sm3Features f = sm3b_all_features();
    Sm3PageRequest pr = { .sid = 1 };
    Sm3Bench *b;

    f.pri = false;
    b = sm3b_new(&f);
    sm3b_setup(b, 4, 2, 4);
    sm3b_wr(b, SM3_CR0, sm3b_rd(b, SM3_CR0) | SM3_CR0_PRIQEN);
    g_assert_false(sm3b_rd(b, SM3_CR0ACK) & SM3_CR0_PRIQEN);
    g_assert_false(sm3_page_request(b->s, &pr));
    sm3b_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/queue/cmdq-wrap", test_cmdq_wrap);
    g_test_add_func("/sm3/queue/cmdq-full-batch", test_cmdq_full_batch);
    g_test_add_func("/sm3/queue/cmdq-resumable", test_cmdq_resumable);
    g_test_add_func("/sm3/queue/log2size-clamp", test_log2size_clamp);
    g_test_add_func("/sm3/queue/eventq-wrap", test_eventq_wrap);
    g_test_add_func("/sm3/queue/eventq-overflow", test_eventq_overflow);
    g_test_add_func("/sm3/queue/eventq-disabled", test_eventq_disabled);
    g_test_add_func("/sm3/queue/eventq-abort", test_eventq_abort);
    g_test_add_func("/sm3/queue/priq", test_priq);
    g_test_add_func("/sm3/queue/priq-absent", test_priq_absent);
    return g_test_run();
}
