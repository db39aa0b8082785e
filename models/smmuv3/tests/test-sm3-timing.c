/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3 model with timing on: exact latencies of translations and
 * commands as the model reports what it did to the timing engine, and
 * proof that timing never changes what is translated.
 *
 * Parameters of every exact test (TIMING below): micro-TLB of 1 entry,
 * 1 cycle; main TLB in the TBU, 3 cycles; link 7 up, 11 down;
 * configuration cache 2; walk caches 5 per lookup, probed serially;
 * walk.step 0; memory 100; commands: TLBI 20, ATC_INV 10 (+2000 round
 * trip), SYNC 10; events free; resources plentiful.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

#define SID     5
#define VA      UINT64_C(0x40000000)
#define PA      UINT64_C(0x00800000)

static const char TIMING[] =
    "utlb.entries = 1; utlb.ways = 0; utlb.latency = 1\n"
    "tlb.latency = 3; tlb.location = tbu\n"
    "cfg.latency = 2\n"
    "walkc.latency = 5; walkc.probe = serial\n"
    "ipac.latency = 0; walk.step = 0\n"
    "link.tbu_to_tcu = 7; link.tcu_to_tbu = 11\n"
    "mem.latency = 100\n"
    "cmd.cfgi = 10; cmd.tlbi = 20; cmd.atc_inv = 10\n"
    "cmd.atc_inv_round_trip = 2000; cmd.sync = 10\n"
    "cmd.prefetch = 10; cmd.other = 10\n"
    "event.write = 0; event.msi = 0\n"
    "slots.tcu = 64; slots.ptw = 16; slots.tbu = 16\n";

/* An instance timed with @text on top of the defaults; NULL: untimed. */
static Sm3Bench *timed_bench(const char *text)
{
    SmTimingParams p;
    Sm3Config cfg;
    g_autofree char *err = NULL;

    sm_timing_params_default(&p);
    if (text && !sm_timing_params_parse(&p, text, "test", &err)) {
        g_error("%s", err);
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.cmdq_batch = 64;
    cfg.timing = text ? &p : NULL;
    return sm3b_new_cfg(&cfg);
}

/* Stage 1, 4K granule, 48-bit VA: a 4-level walk from level 0. */
static uint64_t s1_stream(Sm3Bench *b)
{
    uint64_t cdtab = sm3b_alloc(b, 64, 64);
    uint64_t root = sm3b_pt_new(b);

    sm3b_setup(b, 4, 4, 4);
    sm3b_cd(b, cdtab, 0, 0x11, root, 0);
    sm3b_ste_s1(b, SID, cdtab, 0, 0);
    sm3b_map(b, root, VA, PA, 3, SM3B_S1_RW);
    sm3b_map(b, root, VA + 0x1000, PA + 0x1000, 3, SM3B_S1_RW);
    return root;
}

static Sm3Xlate timed_read(Sm3Bench *b, uint64_t iova, uint64_t arrival)
{
    Sm3Request req = { .sid = SID, .iova = iova, .size = 4,
                       .arrival = arrival };

    return sm3_translate(b->s, &req);
}

static void test_translation_latencies(void)
{
    Sm3Bench *b = timed_bench(TIMING);
    const SmTimingResult *t;
    Sm3Xlate r;

    s1_stream(b);
    /*
     * Cold: uTLB miss 1 + TLB miss 3 + link 7 + config lookup 2 + STE
     * read 100 + CD read 100 + 3 serial walk-cache lookups from level 0
     * (levels 2, 1, 0) 15 + 4 table reads 400 + link 11 = 639.
     */
    r = timed_read(b, VA + 8, 1000);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmpuint(r.latency, ==, 639);
    t = sm3_last_timing(b->s);
    g_assert_nonnull(t);
    g_assert_cmpuint(t->latency, ==, 639);
    /* Same page later: a micro-TLB hit, 1 cycle. */
    r = timed_read(b, VA + 16, 5000);
    g_assert_cmpuint(r.latency, ==, 1);
    /*
     * Next page: uTLB 1 + TLB miss 3 + link 7 + config hit 2 + one
     * walk-cache lookup hitting the level-2 table 5 + the level-3 read
     * 100 + link 11 = 129.
     */
    r = timed_read(b, VA + 0x1000, 6000);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmpuint(r.latency, ==, 129);
    /*
     * First page again: the 1-entry uTLB now holds the second page, the
     * main TLB in the TBU answers: 1 + 3 = 4, no link.
     */
    r = timed_read(b, VA + 8, 7000);
    g_assert_true(r.tlb_hit);
    g_assert_cmpuint(r.latency, ==, 4);
    sm3b_free(b);
}

/*
 * CMD_SYNC completes after every earlier command: three TLBIs (20 each)
 * then the SYNC (10) from the cycle the processor is free, d0.  An
 * ATC_INV (10) adds its 2000-cycle round trip before the SYNC (10).
 */
static void test_sync_after_commands(void)
{
    Sm3Bench *b = timed_bench(TIMING);
    uint64_t d0;

    s1_stream(b);
    sm3b_sync(b);
    d0 = sm3_last_sync_done(b->s);
    g_assert_cmpuint(d0, >, 0);
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_sync(b);
    g_assert_cmpuint(sm3_last_sync_done(b->s), ==, d0 + 70);
    d0 = sm3_last_sync_done(b->s);
    sm3b_cmd(b, SM3_CMD_ATC_INV | ((uint64_t)SID << 32), 0);
    sm3b_sync(b);
    g_assert_cmpuint(sm3_last_sync_done(b->s), ==, d0 + 2020);
    sm3b_free(b);
}

/*
 * Configuration fetches go through a host that notes their reads: its
 * log and write hooks still reach the emulator's own (a bad CD is
 * logged with the emulator's opaque, not the model's).
 */
static void test_timed_fetch_logs(void)
{
    Sm3Bench *b = timed_bench(TIMING);
    Sm3Request req = { .sid = SID + 1, .iova = VA, .size = 4,
                       .arrival = 10 };
    Sm3Xlate r;

    s1_stream(b);
    sm3b_ste_s1(b, SID + 1, sm3b_alloc(b, 64, 64), 0, 0);  /* CD.V = 0 */
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmphex(r.fault.event, ==, SM3_EVT_C_BAD_CD);
    g_assert_true(sm3b_log_contains(b, "sid 0x6"));
    sm3b_free(b);
}

/* Parameters the engine refuses are refused by the model too. */
static void test_bad_timing_params(void)
{
    SmTimingParams p;
    Sm3Config cfg;
    g_autofree char *why = NULL;

    sm_timing_params_default(&p);
    p.slots_tcu = 0;
    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.host.read = (void *)1;
    cfg.host.write = (void *)1;
    cfg.timing = &p;
    why = sm3_config_error(&cfg);
    g_assert_nonnull(why);
    g_assert_true(g_str_has_prefix(why, "slots.tcu"));
    g_assert_null(sm3_new(&cfg));
}

/*
 * Timing changes no functional result: the same mixed workload (two
 * streams, 64 pages, faults, TLBIs) on an instance without timing and
 * on one with it gives identical results; two timed instances give
 * identical latencies (determinism).
 */
typedef struct Run {
    Sm3Bench *b;
    GArray *results;
} Run;

static void workload(Run *run)
{
    Sm3Bench *b = run->b;
    uint64_t root = s1_stream(b);
    uint32_t x = 12345;
    unsigned i;

    for (i = 2; i < 64; i++) {
        sm3b_map(b, root, VA + i * 0x1000, PA + i * 0x1000, 3, SM3B_S1_RW);
    }
    sm3b_ste_s1(b, SID + 1, sm3b_alloc(b, 64, 64), 0, 0);  /* bad CD */
    for (i = 0; i < 4000; i++) {
        Sm3Request req = { .size = 8, .arrival = 100 + i * 3 };
        Sm3Xlate r;

        x = x * 1103515245u + 12345u;           /* a fixed LCG */
        req.sid = (x >> 30) == 3 ? SID + 1 : SID;
        req.iova = VA + ((x >> 8) % 80) * 0x1000 + (x & 0xff8);
        req.write = (x >> 4) & 1;
        if (i % 500 == 499) {
            sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
            sm3b_sync(b);
        }
        r = sm3_translate(b->s, &req);
        g_array_append_val(run->results, r);
    }
}

static Run run_workload(const char *timing)
{
    Run run = { .results = g_array_new(false, true, sizeof(Sm3Xlate)) };

    run.b = timed_bench(timing);
    workload(&run);
    return run;
}

static void run_free(Run *run)
{
    g_array_free(run->results, true);
    sm3b_free(run->b);
}

static void test_timing_changes_nothing(void)
{
    Run off = run_workload(NULL);
    Run on = run_workload(TIMING);
    Run again = run_workload(TIMING);
    unsigned i, faults = 0, hits = 0;

    g_assert_cmpuint(off.results->len, ==, on.results->len);
    for (i = 0; i < off.results->len; i++) {
        Sm3Xlate a = g_array_index(off.results, Sm3Xlate, i);
        Sm3Xlate b = g_array_index(on.results, Sm3Xlate, i);
        Sm3Xlate c = g_array_index(again.results, Sm3Xlate, i);

        g_assert_cmpuint(a.latency, ==, 0);
        g_assert_cmpuint(b.latency, ==, c.latency);
        if (!sm3b_same_xlate(&a, &b)) {
            g_error("translation %u differs with timing on: outcome %d/%d "
                    "pa 0x%" PRIx64 "/0x%" PRIx64 " hit %d/%d event 0x%x/0x%x "
                    "recorded %d/%d", i, a.outcome, b.outcome, a.pa, b.pa,
                    a.tlb_hit, b.tlb_hit, a.fault.event, b.fault.event,
                    a.fault.recorded, b.fault.recorded);
        }
        faults += a.outcome != SM3_XLATE_OK;
        hits += a.tlb_hit;
    }
    /* The workload exercises faults and TLB hits and misses. */
    g_assert_cmpuint(faults, >, 100);
    g_assert_cmpuint(hits, >, 100);
    g_assert_cmpuint(hits + faults, <, off.results->len);
    run_free(&off);
    run_free(&on);
    run_free(&again);
}

/* The host clock of the cmdq-timing test, in ns (1 cycle at 1000 MHz). */
static uint64_t g_now_ns;

static uint64_t test_now_ns(void *opaque)
{
    return g_now_ns;
}

static Sm3Bench *cmdq_timed_bench(void)
{
    SmTimingParams p;
    Sm3Config cfg;
    g_autofree char *err = NULL;

    sm_timing_params_default(&p);
    if (!sm_timing_params_parse(&p, TIMING, "test", &err)) {
        g_error("%s", err);
    }
    g_assert_cmpuint(p.clock_mhz, ==, 1000);
    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.cmdq_batch = 64;
    cfg.timing = &p;
    cfg.cmdq_timing = true;
    cfg.host.now_ns = test_now_ns;
    return sm3b_new_cfg(&cfg);
}

static uint32_t cmdq_cons(Sm3Bench *b)
{
    return sm3b_rd(b, SM3_CMDQ_CONS) & 0xff;
}

/* Run what is due at @ns; the number of commands that ran. */
static unsigned run_at(Sm3Bench *b, uint64_t ns)
{
    g_now_ns = ns;
    return sm3_process_commands(b->s, 64);
}

/*
 * cmdq_timing: a command runs, and CONS passes it, at the cycle the
 * processor is done with it.  Two TLBIs (20 each) and a SYNC (10)
 * written at 1000: the first is consumed at 1020, the second, queued
 * behind it, at 1040, the SYNC (nothing outstanding) at 1050.  An
 * ATC_INV written at 5000 is consumed at 5010, but the SYNC after it
 * waits for the 2000-cycle round trip: 5010 + 2000 + 10 = 7020.
 */
static void test_cmdq_timing(void)
{
    Sm3Bench *b;

    g_now_ns = 0;
    b = cmdq_timed_bench();
    s1_stream(b);
    g_assert_cmpuint(cmdq_cons(b), ==, 0);
    g_now_ns = 1000;
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_cmd(b, SM3_CMD_SYNC | ((uint64_t)SM3_SYNC_CS_SEV << 12), 0);
    g_assert_cmpuint(cmdq_cons(b), ==, 0);
    g_assert_false(sm3_has_pending_work(b->s));
    g_assert_cmpuint(sm3_cmdq_due_ns(b->s), ==, 1020);
    g_assert_cmpuint(run_at(b, 1019), ==, 0);
    g_assert_cmpuint(cmdq_cons(b), ==, 0);
    g_assert_cmpuint(run_at(b, 1020), ==, 1);
    g_assert_cmpuint(cmdq_cons(b), ==, 1);
    g_assert_cmpuint(sm3_cmdq_due_ns(b->s), ==, 1040);
    g_assert_cmpuint(b->sevs, ==, 0);
    g_assert_true(sm3_has_pending_work(b->s) == false);
    g_assert_cmpuint(run_at(b, 1050), ==, 2);
    g_assert_cmpuint(cmdq_cons(b), ==, 3);
    g_assert_cmpuint(b->sevs, ==, 1);
    g_assert_cmpuint(sm3_last_sync_done(b->s), ==, 1050);
    g_assert_cmpuint(sm3_cmdq_due_ns(b->s), ==, 0);

    g_now_ns = 5000;
    sm3b_cmd(b, SM3_CMD_ATC_INV | ((uint64_t)SID << 32), 0);
    sm3b_sync(b);
    g_assert_cmpuint(sm3_cmdq_due_ns(b->s), ==, 5010);
    g_assert_cmpuint(run_at(b, 5010), ==, 1);
    g_assert_cmpuint(sm3_cmdq_due_ns(b->s), ==, 7020);
    g_assert_cmpuint(run_at(b, 7019), ==, 0);
    g_assert_cmpuint(cmdq_cons(b), ==, 4);
    g_assert_cmpuint(run_at(b, 7020), ==, 1);
    g_assert_cmpuint(cmdq_cons(b), ==, 5);
    g_assert_cmpuint(b->guest_errors, ==, 0);
    sm3b_free(b);
}

/* cmdq_timing without timing is refused, naming both settings. */
static void test_cmdq_timing_needs_timing(void)
{
    Sm3Config cfg;
    g_autofree char *why = NULL;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.cmdq_timing = true;
    cfg.host.read = (void *)1;
    cfg.host.write = (void *)1;
    why = sm3_config_error(&cfg);
    g_assert_nonnull(why);
    g_assert_true(g_str_has_prefix(why, "cmdq-timing=on needs timing=on"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/timing/translation-latencies",
                    test_translation_latencies);
    g_test_add_func("/sm3/timing/sync-after-commands",
                    test_sync_after_commands);
    g_test_add_func("/sm3/timing/bad-params", test_bad_timing_params);
    g_test_add_func("/sm3/timing/cmdq-timing", test_cmdq_timing);
    g_test_add_func("/sm3/timing/cmdq-timing-needs-timing",
                    test_cmdq_timing_needs_timing);
    g_test_add_func("/sm3/timing/fetch-logs", test_timed_fetch_logs);
    g_test_add_func("/sm3/timing/changes-nothing",
                    test_timing_changes_nothing);
    return g_test_run();
}
