/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the timing engine.  Every expected cycle count is worked
 * out by hand, in the comment above it, from the parameters below; none
 * comes from the engine.
 *
 * Parameters (T_BASE), in cycles:
 *   U = utlb.latency 1        T = tlb.latency 3 (main TLB in the TBU)
 *   C = cfg.latency 5         W = walkc.latency 4 (serial probes)
 *   I = ipac.latency 2        S = walk.step 1
 *   Lu = link.tbu_to_tcu 10   Ld = link.tcu_to_tbu 20
 *   M = mem.latency 100 (no ranges)
 *   commands: cfgi 6, tlbi 8, atc_inv 3 + round trip 500, sync 7,
 *   prefetch 2, other 1; event.write 30, event.msi 40
 *   slots: tcu 8, ptw 8, tbu 8 (tests lower one to make it the limit)
 *
 * Serial walk-cache probes of one stage walk: levels 2, 1, 0 down to the
 * level of the first access, i.e. 3 - level lookups.
 *
 * Figures used throughout:
 *   uTLB hit                  U = 1
 *   main-TLB hit in the TBU   U + T = 4
 *   cold 4-level S1 walk      U + T + Lu + C + 3W + 4(M + S) + Ld
 *                             = 1 + 3 + 10 + 5 + 12 + 404 + 20 = 455
 *     its TCU slot is held    C + 3W + 4(M + S) = 421 cycles,
 *       from 1 + 3 + 10 = 14 to 435
 *     its walk slot is held   3W + 4(M + S) = 416 cycles, from 19
 */
#include <string.h>

#include <glib.h>

#include "sm-testmem.h"
#include "sm-timing.h"

static const char T_BASE[] =
    "clock.mhz = 1000\n"
    "[utlb]\n"
    "entries = 4; ways = 0; policy = lru; seed = 0; latency = 1\n"
    "[]\n"
    "tlb.latency = 3; tlb.location = tbu\n"
    "cfg.latency = 5\n"
    "walkc.latency = 4; walkc.probe = serial\n"
    "ipac.latency = 2\n"
    "walk.step = 1\n"
    "link.tbu_to_tcu = 10; link.tcu_to_tbu = 20\n"
    "cmd.cfgi = 6; cmd.tlbi = 8; cmd.atc_inv = 3\n"
    "cmd.atc_inv_round_trip = 500; cmd.sync = 7; cmd.prefetch = 2\n"
    "cmd.other = 1\n"
    "event.write = 30; event.msi = 40\n"
    "mem.latency = 100; mem.range = none\n"
    "slots.tcu = 8; slots.ptw = 8; slots.tbu = 8\n"
    "tbu.count = 1; tbu.default = 0; tbu.sids = none\n";

/* T_BASE, then @extra on top (keys may be set again there). */
static SmTimingEngine *t_engine(const char *extra)
{
    SmTimingParams p;
    SmTimingEngine *e;
    char *err = NULL;

    sm_timing_params_default(&p);
    sm_timing_params_parse(&p, T_BASE, "base", &err);
    g_assert_cmpstr(err, ==, NULL);
    if (extra) {
        sm_timing_params_parse(&p, extra, "extra", &err);
        g_assert_cmpstr(err, ==, NULL);
    }
    e = sm_timing_new(&p);
    g_assert_nonnull(e);
    return e;
}

/*
 * A translation of StreamID 1 that hits the configuration cache (STE
 * and CD) and the main TLB, 4 KiB page, walk caches of both stages on.
 */
static SmTimingRecord t_rec(uint64_t iova, uint64_t arrival)
{
    SmTimingRecord r = {
        .sid = 1, .iova = iova, .size = 8, .arrival = arrival,
        .cfg = {
            [SM_TIMING_CFG_STE] = { .lookup = SM_TIMING_HIT },
            [SM_TIMING_CFG_CD] = { .lookup = SM_TIMING_HIT },
        },
        .tlb = SM_TIMING_HIT,
        .walkc_stages = SM_TIMING_WALKC_S1 | SM_TIMING_WALKC_S2,
        .leaf_shift = 12,
    };

    return r;
}

static void t_add(SmTimingRecord *r, unsigned stage, int level, uint64_t pa,
                  SmTimingAccessKind kind)
{
    g_assert_true(sm_timing_record_add(r, stage, level, pa, kind));
}

/*
 * A stage-1 walk reading levels @from..3 (a walk-cache hit at @from - 1
 * first when @from > 0); the main TLB missed.
 */
static void t_s1_walk(SmTimingRecord *r, int from)
{
    int l;

    r->tlb = SM_TIMING_MISS;
    if (from > 0) {
        t_add(r, 1, from - 1, 0x20000, SM_TIMING_ACC_WALKC_HIT);
    }
    for (l = from; l <= 3; l++) {
        t_add(r, 1, l, 0x10000 + l * 0x1000, SM_TIMING_ACC_READ);
    }
}

/* A full stage-2 walk from level 0 (4 reads). */
static void t_s2_walk(SmTimingRecord *r)
{
    int l;

    for (l = 0; l <= 3; l++) {
        t_add(r, 2, l, 0x30000 + l * 0x1000, SM_TIMING_ACC_READ);
    }
}

/*
 * A cold nested 4K walk as the walker records it: each stage-1 table
 * address is an IPA walked at stage 2 before the stage-1 read, then the
 * output IPA is walked: 4 x (4 + 1) + 4 = 24 reads.
 */
static void t_nested_walk(SmTimingRecord *r)
{
    int l;

    r->tlb = SM_TIMING_MISS;
    for (l = 0; l <= 3; l++) {
        t_s2_walk(r);
        t_add(r, 1, l, 0x10000 + l * 0x1000, SM_TIMING_ACC_READ);
    }
    t_s2_walk(r);
}

/* Translate, checking the breakdown adds up to the latency. */
static SmTimingResult t_xlate(SmTimingEngine *e, const SmTimingRecord *r)
{
    SmTimingResult res;

    sm_timing_translate(e, r, &res);
    g_assert_cmpuint(res.latency, ==,
                     res.lookup + res.memory + res.process + res.link +
                     res.pending + res.queue[SM_TIMING_RES_TBU] +
                     res.queue[SM_TIMING_RES_TCU] +
                     res.queue[SM_TIMING_RES_PTW]);
    g_assert_cmpuint(res.done, ==, r->arrival + res.latency);
    return res;
}

/* ---- Cache hits --------------------------------------------------------- */

/*
 * First touch of page 0x5000: uTLB miss, main-TLB hit in the TBU:
 * U + T = 4; the result fills the uTLB.  Again, at 10: uTLB hit, U = 1,
 * and the main TLB is not asked.  Another page, another StreamID or a
 * SubstreamID is another entry: 4 again.
 */
static void test_utlb_hit(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x5000, 0);
    SmTimingResult res = t_xlate(e, &r);
    SmTimingStats st;

    g_assert_cmpuint(res.latency, ==, 4);
    g_assert_cmpint(res.utlb, ==, SM_TIMING_MISS);
    r = t_rec(0x5ff8, 10);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 1);
    g_assert_cmpuint(res.done, ==, 11);
    g_assert_cmpint(res.utlb, ==, SM_TIMING_HIT);
    g_assert_cmpint(res.tlb, ==, SM_TIMING_NONE);
    r = t_rec(0x6000, 20);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    r = t_rec(0x5000, 30);
    r.sid = 2;
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    r = t_rec(0x5000, 40);
    r.ssv = true;
    r.ssid = 3;
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    st = sm_timing_stats(e);
    g_assert_cmpuint(st.utlb.hits, ==, 1);
    g_assert_cmpuint(st.utlb.misses, ==, 4);
    g_assert_cmpuint(st.tlb.hits, ==, 4);
    sm_timing_free(e);
}

/*
 * uTLB miss, main-TLB hit.  In the TBU: U + T = 4, all of it lookups; no
 * link, no configuration lookup.  In the TCU: U + Lu + C + T + Ld =
 * 1 + 10 + 5 + 3 + 20 = 39, of which lookups U + C + T = 9, link 30.
 */
static void test_main_tlb_hit(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x5000, 0);
    SmTimingResult res = t_xlate(e, &r);

    g_assert_cmpuint(res.latency, ==, 4);
    g_assert_cmpuint(res.lookup, ==, 4);
    g_assert_cmpuint(res.link, ==, 0);
    g_assert_cmpint(res.tlb, ==, SM_TIMING_HIT);
    g_assert_cmpint(res.cfg[SM_TIMING_CFG_STE], ==, SM_TIMING_NONE);
    sm_timing_free(e);

    e = t_engine("tlb.location = tcu");
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 39);
    g_assert_cmpuint(res.lookup, ==, 9);
    g_assert_cmpuint(res.link, ==, 30);
    g_assert_cmpint(res.tlb, ==, SM_TIMING_HIT);
    g_assert_cmpint(res.cfg[SM_TIMING_CFG_STE], ==, SM_TIMING_HIT);
    g_assert_cmpint(res.cfg[SM_TIMING_CFG_CD], ==, SM_TIMING_HIT);
    sm_timing_free(e);
}

/* ---- Walks -------------------------------------------------------------- */

/*
 * Cold 4-level stage-1 walk: 455 (header).  Lookups U + T + C + 3W = 21,
 * memory 4M = 400, processing 4S = 4, link 30.  An idle engine gives the
 * same latency at any arrival.
 */
static void test_cold_s1_walk(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;
    int l;

    t_s1_walk(&r, 0);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 455);
    g_assert_cmpuint(res.lookup, ==, 21);
    g_assert_cmpuint(res.memory, ==, 400);
    g_assert_cmpuint(res.process, ==, 4);
    g_assert_cmpuint(res.link, ==, 30);
    g_assert_cmpint(res.tlb, ==, SM_TIMING_MISS);
    for (l = 0; l <= 3; l++) {
        g_assert_cmpuint(res.reads[0][l], ==, 1);
        g_assert_cmpuint(res.reads[1][l], ==, 0);
    }
    for (l = 0; l < SM_TIMING_WALKC_LEVELS; l++) {
        g_assert_cmpuint(res.walkc_misses[0][l], ==, 1);
        g_assert_cmpuint(res.walkc_hits[0][l], ==, 0);
    }
    r = t_rec(0x2000, 1000);
    t_s1_walk(&r, 0);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 455);
    g_assert_cmpuint(res.done, ==, 1455);
    sm_timing_free(e);
}

/*
 * The walk caches were off for the walk (record.walkc_stages 0): no
 * probes, 455 - 3W = 443.
 */
static void test_walk_without_walk_cache(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);

    t_s1_walk(&r, 0);
    r.walkc_stages = 0;
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 443);
    sm_timing_free(e);
}

/*
 * Cold nested 4K walk, 24 reads: 4 stage-1 reads and 5 stage-2 walks of
 * 4.  Probes: stage 1 once from level 0 (3), each stage-2 walk from
 * level 0 (3 x 5 = 15): 18W = 72.  Latency U + T + Lu + C + 72
 * + 24(M + S) + Ld = 1 + 3 + 10 + 5 + 72 + 2424 + 20 = 2535.
 * With parallel probes, one per stage walk: 6W = 24, so 2487.
 */
static void test_nested_cold_walk(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;
    unsigned total = 0;
    int s, l;

    t_nested_walk(&r);
    g_assert_cmpuint(r.n_accesses, ==, 24);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 2535);
    g_assert_cmpuint(res.lookup, ==, 1 + 3 + 5 + 72);
    g_assert_cmpuint(res.memory, ==, 2400);
    g_assert_cmpuint(res.process, ==, 24);
    for (l = 0; l <= 3; l++) {
        g_assert_cmpuint(res.reads[0][l], ==, 1);
        g_assert_cmpuint(res.reads[1][l], ==, 5);
    }
    for (s = 0; s < 2; s++) {
        for (l = 0; l <= 3; l++) {
            total += res.reads[s][l];
        }
    }
    g_assert_cmpuint(total, ==, 24);
    for (l = 0; l < SM_TIMING_WALKC_LEVELS; l++) {
        g_assert_cmpuint(res.walkc_misses[0][l], ==, 1);
        g_assert_cmpuint(res.walkc_misses[1][l], ==, 5);
    }
    sm_timing_free(e);

    e = t_engine("walkc.probe = parallel");
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 2487);
    sm_timing_free(e);
}

/*
 * Partial walk-cache hits: a hit at level h means the walk reads levels
 * h + 1..3.  Probes: 3 - h.  Latency U + T + Lu + C + (3 - h)W
 * + (3 - h)(M + S) + Ld = 39 + (3 - h)(4 + 101):
 *   resume at level 1 (hit at 0): 39 + 3 x 105 = 354
 *   resume at level 2 (hit at 1): 39 + 2 x 105 = 249
 *   resume at level 3 (hit at 2): 39 + 1 x 105 = 144
 * The levels below the hit were probed and missed.
 */
static void test_walk_cache_partial(void)
{
    static const struct {
        int from;
        uint64_t latency;
    } cases[] = {
        { 1, 354 }, { 2, 249 }, { 3, 144 },
    };
    unsigned i;
    int l;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        SmTimingEngine *e = t_engine(NULL);
        SmTimingRecord r = t_rec(0x1000, 0);
        SmTimingResult res;
        int hit = cases[i].from - 1;

        t_s1_walk(&r, cases[i].from);
        res = t_xlate(e, &r);
        g_assert_cmpuint(res.latency, ==, cases[i].latency);
        for (l = 0; l < SM_TIMING_WALKC_LEVELS; l++) {
            g_assert_cmpuint(res.walkc_hits[0][l], ==, l == hit);
            g_assert_cmpuint(res.walkc_misses[0][l], ==, l > hit);
        }
        for (l = 0; l <= 3; l++) {
            g_assert_cmpuint(res.reads[0][l], ==, l >= cases[i].from);
        }
        sm_timing_free(e);
    }
}

/*
 * Nested with an IPA cache: the four stage-1 table addresses hit it, the
 * output IPA misses and is walked (4 reads).  Lookups: U + T + C = 9,
 * 5 IPA-cache lookups 5I = 10, stage-1 probes 3W = 12, the final
 * stage-2 walk's probes 3W = 12: 43.  Reads 8(M + S) = 808.  Latency
 * 43 + 808 + Lu + Ld = 881.
 */
static void test_ipa_cache(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;
    int l;

    r.tlb = SM_TIMING_MISS;
    r.ipac = true;
    for (l = 0; l <= 3; l++) {
        t_add(&r, 2, -1, 0, SM_TIMING_ACC_IPAC_HIT);
        t_add(&r, 1, l, 0x10000 + l * 0x1000, SM_TIMING_ACC_READ);
    }
    t_s2_walk(&r);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 881);
    g_assert_cmpuint(res.lookup, ==, 43);
    g_assert_cmpuint(res.ipac_hits, ==, 4);
    g_assert_cmpuint(res.ipac_misses, ==, 1);
    sm_timing_free(e);
}

/*
 * A stage-2-only record listing two stage-2 walks back to back (levels
 * 0..3, then 1..3: a second walk, because the level went back down)
 * probes the walk caches twice: 3W + 2W = 20.  Latency U + T + Lu + C
 * + 20 + 7(M + S) + Ld = 1 + 3 + 10 + 5 + 20 + 707 + 20 = 766.
 */
static void test_stage2_walks_back_to_back(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;
    int l;

    r.tlb = SM_TIMING_MISS;
    t_s2_walk(&r);
    for (l = 1; l <= 3; l++) {
        t_add(&r, 2, l, 0x40000 + l * 0x1000, SM_TIMING_ACC_READ);
    }
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 766);
    g_assert_cmpuint(res.walkc_misses[1][0], ==, 1);
    g_assert_cmpuint(res.walkc_misses[1][1], ==, 2);
    g_assert_cmpuint(res.walkc_misses[1][2], ==, 2);
    sm_timing_free(e);
}

/* ---- Configuration ------------------------------------------------------ */

/*
 * STE miss in a 2-level stream table (level-1 descriptor + STE: 2
 * fetches), CD miss (1 fetch); main TLB in the TCU, hit.
 * U + Lu + C + 3M + T + Ld = 1 + 10 + 5 + 300 + 3 + 20 = 339.
 * With the main TLB in the TBU, a TLB hit needs no configuration: 4.
 * A cold walk after those misses (TLB in the TBU): 455 + 3M = 755.
 */
static void test_config_miss(void)
{
    SmTimingEngine *e = t_engine("tlb.location = tcu");
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;

    r.cfg[SM_TIMING_CFG_STE] = (SmTimingCfg){
        .lookup = SM_TIMING_MISS, .n_fetches = 2,
        .fetch_pa = { 0x8000, 0x8100 },
    };
    r.cfg[SM_TIMING_CFG_CD] = (SmTimingCfg){
        .lookup = SM_TIMING_MISS, .n_fetches = 1, .fetch_pa = { 0x9000 },
    };
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 339);
    g_assert_cmpuint(res.memory, ==, 300);
    g_assert_cmpuint(res.cfg_fetches, ==, 3);
    g_assert_cmpint(res.cfg[SM_TIMING_CFG_STE], ==, SM_TIMING_MISS);
    g_assert_cmpint(res.cfg[SM_TIMING_CFG_CD], ==, SM_TIMING_MISS);
    g_assert_cmpuint(sm_timing_stats(e).cfg[SM_TIMING_CFG_CD].misses, ==, 1);
    sm_timing_free(e);

    e = t_engine(NULL);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 4);
    g_assert_cmpint(res.cfg[SM_TIMING_CFG_STE], ==, SM_TIMING_NONE);
    r.iova = 0x2000;
    t_s1_walk(&r, 0);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 755);
    sm_timing_free(e);
}

/* ---- Resources ---------------------------------------------------------- */

/*
 * Two TCU translation slots, three cold walks at cycle 0 (other pages).
 * All reach the TCU at 14; the first two hold a slot 421 cycles, until
 * 435; the third waits exactly that service time: 421, so 455 + 421 =
 * 876.
 */
static void test_xlate_slots_exhausted(void)
{
    SmTimingEngine *e = t_engine("slots.tcu = 2");
    uint64_t expect[] = { 455, 455, 876 };
    SmTimingResult res = { 0 };
    SmTimingStats st;
    unsigned i;

    for (i = 0; i < 3; i++) {
        SmTimingRecord r = t_rec(0x1000 * (i + 1), 0);

        t_s1_walk(&r, 0);
        res = t_xlate(e, &r);
        g_assert_cmpuint(res.latency, ==, expect[i]);
    }
    g_assert_cmpuint(res.queue[SM_TIMING_RES_TCU], ==, 421);
    g_assert_cmpuint(res.queue[SM_TIMING_RES_PTW], ==, 0);
    st = sm_timing_stats(e);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TCU].servers, ==, 2);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TCU].requests, ==, 3);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TCU].waited, ==, 1);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TCU].wait_cycles, ==, 421);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TCU].wait_max, ==, 421);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TCU].busy_cycles, ==, 3 * 421);
    sm_timing_free(e);
}

/*
 * One walk slot, two cold walks at 0.  Both ask for it at 19; the
 * second waits the first's walk, 416: 455 + 416 = 871, while holding a
 * TCU slot (no TCU queueing).
 */
static void test_walk_slots_exhausted(void)
{
    SmTimingEngine *e = t_engine("slots.ptw = 1");
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;

    t_s1_walk(&r, 0);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 455);
    r.iova = 0x2000;
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 871);
    g_assert_cmpuint(res.queue[SM_TIMING_RES_PTW], ==, 416);
    g_assert_cmpuint(res.queue[SM_TIMING_RES_TCU], ==, 0);
    sm_timing_free(e);
}

/*
 * Statistics over requests the TBU answers without waiting (counted,
 * and added up when read) and requests timed along the whole timeline,
 * one TBU slot:
 *   1. t 0,   0x5000: uTLB miss, TBU main-TLB hit: U + T = 4, slot 0-4
 *   2. t 10,  0x5000: uTLB hit: U = 1
 *   3. t 20,  0x6000: cold 4-level walk: 455, slot 20-475, lookups
 *                     U + T + C + 3W = 1 + 3 + 5 + 12 = 21
 *   4. t 30,  0x5000: waits for the slot until 475 (445), then a uTLB
 *                     hit: 445 + 1 = 446, slot 475-476
 *   5. t 480, 0x6000: uTLB hit (valid from 475): 1
 * translations 5; uTLB 3 hits (2, 4, 5), 2 misses; main TLB 1 hit, 1
 * miss; lookup cycles 4 + 1 + 21 + 1 + 1 = 28; TBU slot: 5 requests, 1
 * waited 445 cycles, busy 4 + 1 + 455 + 1 + 1 = 462.  Latencies 4, 1,
 * 455, 446, 1: sum 907, mean 181.4, min 1, max 455; log2 buckets [1]
 * (1) 2, [3] (4-7) 1, [9] (256-511) 2; p50 is the 3rd smallest, 4; p90
 * the 5th, 455 (its fine bucket 448-455 tops at 455).
 * After a reset of the statistics, one more uTLB hit (t 500) is all
 * they hold.
 */
static void test_quick_and_full_stats(void)
{
    SmTimingEngine *e = t_engine("slots.tbu = 1");
    static const struct { uint64_t iova, at, latency; bool walk; } req[] = {
        { 0x5000, 0, 4 }, { 0x5000, 10, 1 }, { 0x6000, 20, 455, true },
        { 0x5000, 30, 446 }, { 0x6000, 480, 1 },
    };
    SmTimingStats st;
    SmTimingRecord r;
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(req); i++) {
        r = t_rec(req[i].iova, req[i].at);
        if (req[i].walk) {
            t_s1_walk(&r, 0);
        }
        g_assert_cmpuint(t_xlate(e, &r).latency, ==, req[i].latency);
    }
    st = sm_timing_stats(e);
    g_assert_cmpuint(st.translations, ==, 5);
    g_assert_cmpuint(st.utlb.hits, ==, 3);
    g_assert_cmpuint(st.utlb.misses, ==, 2);
    g_assert_cmpuint(st.tlb.hits, ==, 1);
    g_assert_cmpuint(st.tlb.misses, ==, 1);
    g_assert_cmpuint(st.lookup_cycles, ==, 28);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TBU].requests, ==, 5);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TBU].waited, ==, 1);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TBU].wait_cycles, ==, 445);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TBU].wait_max, ==, 445);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TBU].busy_cycles, ==, 462);
    g_assert_cmpuint(st.latency.count, ==, 5);
    g_assert_cmpuint(st.latency.sum, ==, 907);
    g_assert_cmpuint(st.latency.mean_milli, ==, 181400);
    g_assert_cmpuint(st.latency.min, ==, 1);
    g_assert_cmpuint(st.latency.max, ==, 455);
    g_assert_cmpuint(st.latency.log2[1], ==, 2);
    g_assert_cmpuint(st.latency.log2[3], ==, 1);
    g_assert_cmpuint(st.latency.log2[9], ==, 2);
    g_assert_cmpuint(st.latency.p50, ==, 4);
    g_assert_cmpuint(st.latency.p90, ==, 455);

    sm_timing_reset_stats(e);
    r = t_rec(0x5000, 500);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 1);
    st = sm_timing_stats(e);
    g_assert_cmpuint(st.translations, ==, 1);
    g_assert_cmpuint(st.utlb.hits, ==, 1);
    g_assert_cmpuint(st.utlb.misses, ==, 0);
    g_assert_cmpuint(st.tlb.hits, ==, 0);
    g_assert_cmpuint(st.lookup_cycles, ==, 1);
    g_assert_cmpuint(st.res[SM_TIMING_RES_TBU].busy_cycles, ==, 1);
    g_assert_cmpuint(st.latency.count, ==, 1);
    g_assert_cmpuint(st.latency.min, ==, 1);
    g_assert_cmpuint(st.latency.max, ==, 1);
    sm_timing_free(e);
}

/*
 * sm_timing_translate_again() (4 micro-TLB entries, LRU):
 *   t 0    0x5000 with a record: uTLB miss, TBU main-TLB hit, U + T = 4,
 *          filled; its hint names the entry
 *   t 10   again: a uTLB hit, U = 1, done 11 (a use, for LRU)
 *   t 20, 30, 40, 50: 0x6000, 0x7000, 0x8000, 0x9000 with records, 4
 *          each: the uTLB is full after 0x8000, and 0x9000 replaces the
 *          least recently used, 0x5000 (last used at 10): its hint now
 *          answers false
 *   t 60   0x5000 with a record again (4), valid from 64: at 61 it is
 *          still on its way (64 > 61 + U), false (the record path's
 *          pending wait is the caller's); at 63 a hit, 1
 *   a TLBI empties the uTLB: false; a faulting request leaves no entry
 *   for a hint, nor does one whose entry is smaller than 4 KiB (leaf
 *   shift 11: a uTLB miss, U + T = 4).
 * Statistics: 8 requests with records + 2 again = 10 translations, the
 * two agains the only uTLB hits.
 */
static void test_translate_again(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x5000, 0);
    SmTimingResult res;
    SmTimingHint h5, h;
    uint64_t page;
    unsigned i;

    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    g_assert_true(sm_timing_hint(e, &h5));
    g_assert_true(sm_timing_translate_again(e, &h5, 10, &res));
    g_assert_cmpuint(res.latency, ==, 1);
    g_assert_cmpuint(res.done, ==, 11);
    g_assert_cmpuint(res.lookup, ==, 1);
    g_assert_cmpint(res.utlb, ==, SM_TIMING_HIT);
    g_assert_cmpint(res.tlb, ==, SM_TIMING_NONE);
    for (i = 0, page = 0x6000; page <= 0x9000; i++, page += 0x1000) {
        r = t_rec(page, 20 + 10 * i);
        g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    }
    g_assert_false(sm_timing_translate_again(e, &h5, 70, &res));
    r = t_rec(0x5000, 60);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    g_assert_true(sm_timing_hint(e, &h));
    g_assert_false(sm_timing_translate_again(e, &h, 61, &res));
    g_assert_true(sm_timing_translate_again(e, &h, 63, &res));
    g_assert_cmpuint(res.latency, ==, 1);
    sm_timing_command(e, SM_TIMING_CMD_TLBI, 100, NULL);
    g_assert_false(sm_timing_translate_again(e, &h, 200, &res));
    /* a faulting request leaves no entry to name */
    r = t_rec(0x5000, 300);
    r.fault = true;
    r.tlb = SM_TIMING_NONE;
    t_xlate(e, &r);
    g_assert_false(sm_timing_hint(e, &h));
    /* nor one whose entry holds for less than its 4 KiB page */
    r = t_rec(0x5000, 400);
    r.leaf_shift = 11;
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);
    g_assert_false(sm_timing_hint(e, &h));
    g_assert_cmpuint(sm_timing_stats(e).translations, ==, 10);
    g_assert_cmpuint(sm_timing_stats(e).utlb.hits, ==, 2);
    sm_timing_free(e);
}

/*
 * One outstanding transaction per TBU: the second cold walk waits for
 * the whole first one, 455: 910.
 */
static void test_tbu_slots_exhausted(void)
{
    SmTimingEngine *e = t_engine("slots.tbu = 1");
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;

    t_s1_walk(&r, 0);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 455);
    r.iova = 0x2000;
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 910);
    g_assert_cmpuint(res.queue[SM_TIMING_RES_TBU], ==, 455);
    sm_timing_free(e);
}

/*
 * Two TBUs, StreamIDs 0x10-0x1f on TBU 1, the rest on TBU 0, one
 * outstanding transaction each.  Cold walks at 0 from 0x10 and 0x20 do
 * not queue behind each other (455 each); a second one from 0x11 waits
 * for 0x10's: 910.
 */
static void test_tbu_map(void)
{
    SmTimingEngine *e = t_engine("tbu.count = 2; tbu.sids = 0x10-0x1f:1\n"
                                 "slots.tbu = 1");
    const SmTimingParams *p = sm_timing_get_params(e);
    static const uint32_t sids[] = { 0x10, 0x20, 0x11 };
    static const uint64_t expect[] = { 455, 455, 910 };
    static const uint32_t tbus[] = { 1, 0, 1 };
    unsigned i;

    g_assert_cmpuint(sm_timing_tbu_of(p, 0x0f), ==, 0);
    g_assert_cmpuint(sm_timing_tbu_of(p, 0x10), ==, 1);
    g_assert_cmpuint(sm_timing_tbu_of(p, 0x1f), ==, 1);
    g_assert_cmpuint(sm_timing_tbu_of(p, 0x20), ==, 0);
    for (i = 0; i < G_N_ELEMENTS(sids); i++) {
        SmTimingRecord r = t_rec(0x1000 * (i + 1), 0);
        SmTimingResult res;

        r.sid = sids[i];
        t_s1_walk(&r, 0);
        res = t_xlate(e, &r);
        g_assert_cmpuint(res.tbu, ==, tbus[i]);
        g_assert_cmpuint(res.latency, ==, expect[i]);
    }
    sm_timing_free(e);
}

/* ---- Micro-TLB timing details ------------------------------------------- */

/*
 * A second request for a page whose walk is still under way hits the
 * uTLB entry but waits for it to arrive: the walk is back at 455, the
 * second request looked up at 0 + U = 1, so it waits 454 and also
 * completes at 455.  Later it is an ordinary hit: 1.
 */
static void test_utlb_pending(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingRecord again = t_rec(0x1008, 0);
    SmTimingResult res;

    t_s1_walk(&r, 0);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 455);
    res = t_xlate(e, &again);
    g_assert_cmpint(res.utlb, ==, SM_TIMING_HIT);
    g_assert_cmpuint(res.pending, ==, 454);
    g_assert_cmpuint(res.latency, ==, 455);
    again.arrival = 600;
    g_assert_cmpuint(t_xlate(e, &again).latency, ==, 1);
    sm_timing_free(e);
}

/*
 * CFGI and TLBI empty the uTLBs; other commands do not.  Fill (4), hit
 * (1), TLBI, miss (4), hit (1), PREFETCH, hit (1), CFGI, miss (4).
 */
static void test_utlb_flush_by_commands(void)
{
    SmTimingEngine *e = t_engine(NULL);
    static const struct {
        int cmd;             /* -1: translate; else a command first */
        uint64_t latency;
    } steps[] = {
        { -1, 4 }, { -1, 1 },
        { SM_TIMING_CMD_TLBI, 4 }, { -1, 1 },
        { SM_TIMING_CMD_PREFETCH, 1 },
        { SM_TIMING_CMD_CFGI, 4 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(steps); i++) {
        SmTimingRecord r = t_rec(0x5000, 100 * (i + 1));

        if (steps[i].cmd >= 0) {
            sm_timing_command(e, steps[i].cmd, 100 * i + 50, NULL);
        }
        g_assert_cmpuint(t_xlate(e, &r).latency, ==, steps[i].latency);
    }
    g_assert_cmpuint(sm_timing_stats(e).utlb_flushes, ==, 2);
    sm_timing_free(e);
}

/* ---- Faults and events -------------------------------------------------- */

/*
 * Two translations faulting at the leaf after a cold walk, each writing
 * an event and an MSI, both arriving at 0: 455 each.  The TCU knows the
 * fault when it frees the slot, at 435; the first record is written
 * 435..465 and its MSI sent by 505; the second waits for the writer, 70,
 * and is done at 575.  A fault fills no uTLB: the page then misses (4).
 * A fault on a main-TLB hit in the TBU still goes to the TCU for its
 * event: U + T + Lu + C + Ld = 39, event at 19 + 30 = 49 (no MSI).
 */
static void test_fault_event_msi(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;
    SmTimingStats st;

    t_s1_walk(&r, 0);
    r.fault = r.event = r.msi = true;
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 455);
    g_assert_cmpuint(res.event_done, ==, 505);
    r.iova = 0x2000;
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 455);
    g_assert_cmpuint(res.queue[SM_TIMING_RES_EVENTQ], ==, 70);
    g_assert_cmpuint(res.event_done, ==, 575);

    r = t_rec(0x1000, 1000);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 4);

    r = t_rec(0x7000, 2000);
    r.fault = r.event = true;
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 39);
    g_assert_cmpuint(res.event_done, ==, 2049);
    st = sm_timing_stats(e);
    g_assert_cmpuint(st.faults, ==, 3);
    g_assert_cmpuint(st.events, ==, 3);
    g_assert_cmpuint(st.msis, ==, 2);
    sm_timing_free(e);
}

/* ---- Commands ----------------------------------------------------------- */

/*
 * Three TLBIs at 0 take the processor 0..8, 8..16, 16..24; a SYNC at 0
 * starts at 24, everything before it is done, so it completes at
 * 24 + 7 = 31.  A SYNC at 100 on an idle queue: 107.  SYNC latencies
 * 31 and 7: sum 38, mean 19.000.
 */
static void test_sync_after_tlbis(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingStats st;

    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_TLBI, 0, NULL), ==, 8);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_TLBI, 0, NULL), ==, 16);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_TLBI, 0, NULL), ==, 24);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_SYNC, 0, NULL), ==, 31);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_SYNC, 100, NULL), ==, 107);
    st = sm_timing_stats(e);
    g_assert_cmpuint(st.commands[SM_TIMING_CMD_TLBI], ==, 3);
    g_assert_cmpuint(st.commands[SM_TIMING_CMD_SYNC], ==, 2);
    g_assert_cmpuint(st.sync_latency.count, ==, 2);
    g_assert_cmpuint(st.sync_latency.sum, ==, 38);
    g_assert_cmpuint(st.sync_latency.mean_milli, ==, 19000);
    g_assert_cmpuint(st.sync_latency.min, ==, 7);
    g_assert_cmpuint(st.sync_latency.max, ==, 31);
    /* Waits: TLBI 2 waits 8, TLBI 3 16, the first SYNC 24. */
    g_assert_cmpuint(st.res[SM_TIMING_RES_CMDQ].waited, ==, 3);
    g_assert_cmpuint(st.res[SM_TIMING_RES_CMDQ].wait_cycles, ==, 48);
    g_assert_cmpuint(st.res[SM_TIMING_RES_CMDQ].wait_max, ==, 24);
    sm_timing_free(e);
}

/*
 * ATC_INV at 0: issued 0..3, answered 500 later: 503.  A TLBI at 0 goes
 * on at once, 3..11.  A SYNC at 0 starts at 11 but waits for the ATC
 * answer: 503 + 7 = 510.  The queue does not move past the SYNC: a TLBI
 * at 0 runs 510..518.
 */
static void test_atc_inv_round_trip(void)
{
    SmTimingEngine *e = t_engine(NULL);

    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_ATC_INV, 0, NULL), ==,
                     503);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_TLBI, 0, NULL), ==, 11);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_SYNC, 0, NULL), ==, 510);
    g_assert_cmpuint(sm_timing_command(e, SM_TIMING_CMD_TLBI, 0, NULL), ==, 518);
    sm_timing_free(e);
}

/* Each class alone on an idle queue at 0 completes after its cost. */
static void test_command_costs(void)
{
    static const uint64_t expect[SM_TIMING_CMD_COUNT] = {
        [SM_TIMING_CMD_CFGI] = 6, [SM_TIMING_CMD_TLBI] = 8,
        [SM_TIMING_CMD_ATC_INV] = 503, [SM_TIMING_CMD_SYNC] = 7,
        [SM_TIMING_CMD_PREFETCH] = 2, [SM_TIMING_CMD_OTHER] = 1,
    };
    unsigned c;

    for (c = 0; c < SM_TIMING_CMD_COUNT; c++) {
        SmTimingEngine *e = t_engine(NULL);

        g_assert_cmpuint(sm_timing_command(e, c, 0, NULL), ==, expect[c]);
        sm_timing_free(e);
    }
}

/* ---- Memory ------------------------------------------------------------- */

/*
 * Ranges [0x100000, 0x1fffff] at 300 cycles, [0x200000, 0x2fffff] at 50,
 * the rest at M = 100.  A walk resuming at level 3 reads one descriptor:
 * U + T + Lu + C + W + S + Ld = 44, plus the read's latency.
 */
static void test_memory_ranges(void)
{
    static const struct {
        uint64_t pa;
        uint64_t latency;
    } cases[] = {
        { 0x0fffff, 144 }, { 0x100000, 344 }, { 0x1fffff, 344 },
        { 0x200000, 94 },  { 0x2fffff, 94 },  { 0x300000, 144 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        SmTimingEngine *e =
            t_engine("mem.range = 0x100000-0x1fffff:300\n"
                     "mem.range = 0x200000 - 0x2fffff : 50");
        SmTimingRecord r = t_rec(0x1000, 0);

        r.tlb = SM_TIMING_MISS;
        t_add(&r, 1, 2, 0x20000, SM_TIMING_ACC_WALKC_HIT);
        t_add(&r, 1, 3, cases[i].pa, SM_TIMING_ACC_READ);
        g_assert_cmpuint(t_xlate(e, &r).latency, ==, cases[i].latency);
        sm_timing_free(e);
    }
}

/* ---- Statistics --------------------------------------------------------- */

/*
 * One cold walk (455), then nine uTLB hits (1 each).  count 10, sum
 * 464, mean 46.400, min 1, max 455; log2 buckets: 1 in [1] (nine), 455
 * in [9] = 256..511 (one).  Nearest rank: p50 = 5th = 1, p90 = 9th = 1,
 * p99 = 10th (ceil 9.9) = 455: its bucket 448..455 tops at 455.
 */
static void test_histogram(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingHist h;
    unsigned i;

    t_s1_walk(&r, 0);
    t_xlate(e, &r);
    for (i = 0; i < 9; i++) {
        r = t_rec(0x1000, 1000 + i);
        t_xlate(e, &r);
    }
    h = sm_timing_stats(e).latency;
    g_assert_cmpuint(h.count, ==, 10);
    g_assert_cmpuint(h.sum, ==, 464);
    g_assert_cmpuint(h.mean_milli, ==, 46400);
    g_assert_cmpuint(h.min, ==, 1);
    g_assert_cmpuint(h.max, ==, 455);
    g_assert_cmpuint(h.log2[1], ==, 9);
    g_assert_cmpuint(h.log2[9], ==, 1);
    g_assert_cmpuint(h.p50, ==, 1);
    g_assert_cmpuint(h.p90, ==, 1);
    g_assert_cmpuint(h.p99, ==, 455);
    g_assert_cmpuint(h.p999, ==, 455);
    sm_timing_reset_stats(e);
    g_assert_cmpuint(sm_timing_stats(e).latency.count, ==, 0);
    sm_timing_free(e);
}

/*
 * Percentiles above 63 cycles are bucket tops, never above the maximum:
 * samples 144 (walk from level 3) and 455.  144 lies in 128..255 cut in
 * 32 buckets of 4: the bucket 144..147.  With 144 alone, every
 * percentile is 144 (the top 147 is above max).  With both, p50 = 147
 * (at most 1/32 high); p90 (rank 2) is 455's bucket, top 455 = max.
 * Mean (144 + 455) / 2 = 299.500.
 */
static void test_histogram_resolution(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingHist h;

    r.tlb = SM_TIMING_MISS;
    t_add(&r, 1, 2, 0x20000, SM_TIMING_ACC_WALKC_HIT);
    t_add(&r, 1, 3, 0x13000, SM_TIMING_ACC_READ);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 144);
    h = sm_timing_stats(e).latency;
    g_assert_cmpuint(h.p50, ==, 144);
    g_assert_cmpuint(h.p999, ==, 144);
    r = t_rec(0x2000, 0);
    t_s1_walk(&r, 0);
    g_assert_cmpuint(t_xlate(e, &r).latency, ==, 455);
    h = sm_timing_stats(e).latency;
    g_assert_cmpuint(h.p50, ==, 147);
    g_assert_cmpuint(h.p90, ==, 455);
    g_assert_cmpuint(h.mean_milli, ==, 299500);
    sm_timing_free(e);
}

/*
 * The log2 buckets at their edges: with the main TLB in the TBU costing
 * nothing, every translation of t_rec() (a micro-TLB miss, then hits)
 * takes utlb.latency cycles.  [k] holds 2^(k-1) .. 2^k - 1: 1 in [1],
 * 63 in [6], 64 and 127 in [7], 128 in [8], 1000000 (between 2^19 =
 * 524288 and 2^20 - 1) in [20].
 */
static void test_histogram_log2_edges(void)
{
    static const struct {
        unsigned latency, bucket;
    } cases[] = {
        { 1, 1 }, { 63, 6 }, { 64, 7 }, { 127, 7 }, { 128, 8 },
        { 1000000, 20 },
    };
    unsigned i, k, n;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *extra = g_strdup_printf("utlb.latency = %u\ntlb.latency = 0\n",
                                      cases[i].latency);
        SmTimingEngine *e = t_engine(extra);
        SmTimingRecord r;
        SmTimingHist h;

        for (n = 0; n < 3; n++) {
            r = t_rec(0x1000, 1 + n * 10000000);
            g_assert_cmpuint(t_xlate(e, &r).latency, ==, cases[i].latency);
        }
        h = sm_timing_stats(e).latency;
        for (k = 0; k < SM_TIMING_HIST_LOG2; k++) {
            g_assert_cmpuint(h.log2[k], ==, k == cases[i].bucket ? 3 : 0);
        }
        sm_timing_free(e);
        g_free(extra);
    }
}

/* ---- Determinism -------------------------------------------------------- */

/* A fixed pseudo-random mixed workload: the same on every run. */
static uint64_t t_lcg(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 33;
}

typedef struct TRun {
    uint64_t latency[400];
    uint64_t done[400];
    uint64_t queued[400];
} TRun;

/*
 * The walks both random workloads draw, by @kind: 0, a stage-1 walk from
 * a random start level; 1, a nested walk; 2, a stage-1 walk from level
 * @fault_level that faults and records an event (with an MSI or not).
 * False, nothing added, for any other kind.
 */
static bool t_walk_kind(SmTimingRecord *r, unsigned kind, uint64_t x,
                        int fault_level)
{
    switch (kind) {
    case 0:
        t_s1_walk(r, (x >> 12) % 4);
        return true;
    case 1:
        t_nested_walk(r);
        return true;
    case 2:
        t_s1_walk(r, fault_level);
        r->fault = r->event = true;
        r->msi = (x >> 16) & 1;
        return true;
    default:
        return false;
    }
}

/*
 * 400 steps with arrivals 0, 3, 6, ...: uTLB-friendly hits over eight
 * pages of two streams, cold S1 and nested walks, faults with events, a
 * command every seventh step.  Random uTLB replacement (seeded), few
 * slots, so caches evict and resources queue.
 */
static void t_workload(SmTimingEngine *e, TRun *out)
{
    uint64_t s = 12345;
    unsigned i;

    for (i = 0; i < 400; i++) {
        uint64_t x = t_lcg(&s);
        SmTimingRecord r = t_rec((x % 8) << 12, 3 * i);
        SmTimingResult res;

        r.sid = 1 + (x >> 8) % 2;
        /* kind 3: a main-TLB hit */
        t_walk_kind(&r, (x >> 4) % 4, x, 0);
        if (i % 7 == 6) {
            sm_timing_command(e, (x >> 20) % SM_TIMING_CMD_COUNT, 3 * i, NULL);
        }
        res = t_xlate(e, &r);
        out->latency[i] = res.latency;
        out->done[i] = res.done;
        out->queued[i] = res.queue[SM_TIMING_RES_TBU] +
                         res.queue[SM_TIMING_RES_TCU] +
                         res.queue[SM_TIMING_RES_PTW];
    }
}

/* What @res adds to the statistics' counters, added to @sum. */
static void t_sum_result(SmTimingStats *sum, const SmTimingResult *res)
{
    unsigned k, st, l;

    sum->translations++;
    sum->utlb.hits += res->utlb == SM_TIMING_HIT;
    sum->utlb.misses += res->utlb == SM_TIMING_MISS;
    sum->tlb.hits += res->tlb == SM_TIMING_HIT;
    sum->tlb.misses += res->tlb == SM_TIMING_MISS;
    for (k = 0; k < SM_TIMING_CFG_COUNT; k++) {
        sum->cfg[k].hits += res->cfg[k] == SM_TIMING_HIT;
        sum->cfg[k].misses += res->cfg[k] == SM_TIMING_MISS;
    }
    for (st = 0; st < 2; st++) {
        for (l = 0; l < SM_TIMING_WALKC_LEVELS; l++) {
            sum->walkc[st][l].hits += res->walkc_hits[st][l];
            sum->walkc[st][l].misses += res->walkc_misses[st][l];
        }
        for (l = 0; l < 4; l++) {
            sum->reads[st][l] += res->reads[st][l];
            sum->writes[st][l] += res->writes[st][l];
        }
    }
    sum->ipac.hits += res->ipac_hits;
    sum->ipac.misses += res->ipac_misses;
    sum->cfg_fetches += res->cfg_fetches;
    sum->lookup_cycles += res->lookup;
    sum->memory_cycles += res->memory;
    sum->process_cycles += res->process;
    sum->link_cycles += res->link;
    sum->pending_cycles += res->pending;
}

/*
 * The statistics' counters are the sums of the results' fields, whatever
 * path a request took (quick or the whole timeline) and wherever the
 * engine counts them: every kind of record, with the TLB in the TBU and
 * in the TCU.
 */
static void test_stats_sum_results(void)
{
    static const char *const extra[] = {
        NULL, "tlb.location = tcu", "walkc.probe = parallel",
    };
    unsigned v, i, k, kind;

    for (v = 0; v < G_N_ELEMENTS(extra); v++) {
        SmTimingEngine *e = t_engine(extra[v]);
        SmTimingStats sum = { 0 }, st;
        uint64_t s = 777 + v;

        for (i = 0; i < 600; i++) {
            uint64_t x = t_lcg(&s);
            SmTimingRecord r = t_rec((x % 64) << 12, 5 * i);
            SmTimingResult res;
            int l;

            r.sid = 1 + (x >> 8) % 3;
            kind = (x >> 4) % 7;
            /* kinds 3 and 4: an IPA-cache walk and config fetches */
            if (!t_walk_kind(&r, kind, x, 1)) {
                switch (kind) {
                case 3:
                    r.tlb = SM_TIMING_MISS;
                    r.ipac = true;
                    for (l = 0; l <= 3; l++) {
                        t_add(&r, 2, -1, 0, SM_TIMING_ACC_IPAC_HIT);
                        t_add(&r, 1, l, 0x10000 + l * 0x1000,
                              SM_TIMING_ACC_READ);
                    }
                    t_s2_walk(&r);
                    t_add(&r, 2, 3, 0x33000, SM_TIMING_ACC_WRITE);
                    break;
                case 4:
                    r.cfg[SM_TIMING_CFG_STE] = (SmTimingCfg){
                        .lookup = SM_TIMING_MISS, .n_fetches = 2,
                        .fetch_pa = { 0x8000, 0x8100 },
                    };
                    r.cfg[SM_TIMING_CFG_CD] = (SmTimingCfg){
                        .lookup = (x >> 16) & 1 ? SM_TIMING_MISS
                                                : SM_TIMING_NONE,
                        .n_fetches = 1, .fetch_pa = { 0x9000 },
                    };
                    t_s1_walk(&r, 0);
                    t_add(&r, 1, 3, 0x13000, SM_TIMING_ACC_WRITE);
                    break;
                default:
                    break;       /* main-TLB hit */
                }
            }
            if (i % 50 == 49) {
                sm_timing_command(e, SM_TIMING_CMD_TLBI, 5 * i, NULL);
            }
            res = t_xlate(e, &r);
            t_sum_result(&sum, &res);
        }
        st = sm_timing_stats(e);
        g_assert_cmpuint(st.translations, ==, sum.translations);
        g_assert_cmpuint(st.utlb.hits, ==, sum.utlb.hits);
        g_assert_cmpuint(st.utlb.misses, ==, sum.utlb.misses);
        g_assert_cmpuint(st.tlb.hits, ==, sum.tlb.hits);
        g_assert_cmpuint(st.tlb.misses, ==, sum.tlb.misses);
        for (k = 0; k < SM_TIMING_CFG_COUNT; k++) {
            g_assert_cmpuint(st.cfg[k].hits, ==, sum.cfg[k].hits);
            g_assert_cmpuint(st.cfg[k].misses, ==, sum.cfg[k].misses);
        }
        g_assert_true(!memcmp(st.walkc, sum.walkc, sizeof(st.walkc)));
        g_assert_true(!memcmp(st.reads, sum.reads, sizeof(st.reads)));
        g_assert_true(!memcmp(st.writes, sum.writes, sizeof(st.writes)));
        g_assert_cmpuint(st.ipac.hits, ==, sum.ipac.hits);
        g_assert_cmpuint(st.ipac.misses, ==, sum.ipac.misses);
        g_assert_cmpuint(st.cfg_fetches, ==, sum.cfg_fetches);
        g_assert_cmpuint(st.lookup_cycles, ==, sum.lookup_cycles);
        g_assert_cmpuint(st.memory_cycles, ==, sum.memory_cycles);
        g_assert_cmpuint(st.process_cycles, ==, sum.process_cycles);
        g_assert_cmpuint(st.link_cycles, ==, sum.link_cycles);
        g_assert_cmpuint(st.pending_cycles, ==, sum.pending_cycles);
        /* Not a test of nothing: each kind of counter moved */
        g_assert_cmpuint(sum.utlb.hits, >, 0);
        g_assert_cmpuint(sum.ipac.hits, >, 0);
        g_assert_cmpuint(sum.cfg_fetches, >, 0);
        g_assert_cmpuint(sum.writes[0][3], >, 0);
        g_assert_cmpuint(sum.walkc[0][0].hits, >, 0);
        sm_timing_free(e);
    }
}

static const char T_BUSY[] =
    "utlb.entries = 4; utlb.ways = 2; utlb.policy = random; utlb.seed = 5\n"
    "slots.tcu = 2; slots.ptw = 1; slots.tbu = 3";

static void t_same_stats(const SmTimingStats *a, const SmTimingStats *b)
{
    unsigned i;

    g_assert_cmpuint(a->translations, ==, b->translations);
    g_assert_cmpuint(a->utlb.hits, ==, b->utlb.hits);
    g_assert_cmpuint(a->utlb.misses, ==, b->utlb.misses);
    g_assert_cmpuint(a->events, ==, b->events);
    for (i = 0; i < SM_TIMING_RES_COUNT; i++) {
        g_assert_cmpuint(a->res[i].wait_cycles, ==, b->res[i].wait_cycles);
        g_assert_cmpuint(a->res[i].busy_cycles, ==, b->res[i].busy_cycles);
    }
    g_assert_true(!memcmp(&a->latency, &b->latency, sizeof(a->latency)));
    g_assert_true(!memcmp(&a->sync_latency, &b->sync_latency,
                          sizeof(a->sync_latency)));
}

/*
 * Two engines fed the same calls give the same results and statistics;
 * after sm_timing_reset() and sm_timing_reset_stats() an engine gives
 * them again.  The workload really exercises the engine: some uTLB hits,
 * some queueing.
 */
static void test_determinism(void)
{
    SmTimingEngine *a = t_engine(T_BUSY);
    SmTimingEngine *b = t_engine(T_BUSY);
    g_autofree TRun *ra = g_new0(TRun, 1);
    g_autofree TRun *rb = g_new0(TRun, 1);
    g_autofree TRun *rc = g_new0(TRun, 1);
    SmTimingStats sa, sb, sc;
    uint64_t queued = 0;
    unsigned i;

    t_workload(a, ra);
    t_workload(b, rb);
    sa = sm_timing_stats(a);
    sb = sm_timing_stats(b);
    g_assert_true(!memcmp(ra, rb, sizeof(*ra)));
    t_same_stats(&sa, &sb);

    sm_timing_reset(a);
    sm_timing_reset_stats(a);
    t_workload(a, rc);
    sc = sm_timing_stats(a);
    g_assert_true(!memcmp(ra, rc, sizeof(*ra)));
    t_same_stats(&sa, &sc);

    for (i = 0; i < 400; i++) {
        queued += ra->queued[i];
    }
    g_assert_cmpuint(sa.utlb.hits, >, 0);
    g_assert_cmpuint(sa.utlb.misses, >, 0);
    g_assert_cmpuint(queued, >, 0);
    g_assert_cmpuint(sa.latency.max, >, sa.latency.min);
    sm_timing_free(a);
    sm_timing_free(b);
}

/* ---- With the real walker ----------------------------------------------- */

#define D_TABLE   UINT64_C(3)                /* valid, table/page */
#define D_AF      (UINT64_C(1) << 10)
#define D_AP_RW   (UINT64_C(1) << 6)         /* AP[2:1] = 01: EL0 and EL1 RW */

/*
 * A 4-level 4K stage-1 table built in flat memory and walked by
 * sm_walk() without walk caches; its record (4 reads, no probes) costs
 * U + T + Lu + C + 4(M + S) + Ld = 1 + 3 + 10 + 5 + 404 + 20 = 443.
 */
static void test_with_walker(void)
{
    SmTestMem *m = sm_tm_new(1 << 20);
    SmTimingEngine *e = t_engine(NULL);
    uint64_t va = UINT64_C(0x123456789000);
    uint64_t tbl[4];
    SmWalkCfg cfg = { 0 };
    SmWalkReq req = { .addr = va };
    SmWalkResult w;
    SmTimingRecord r = t_rec(va, 0);
    SmTimingResult res;
    int l;

    for (l = 0; l <= 3; l++) {
        tbl[l] = sm_tm_alloc(m, 4096, 4096);
    }
    for (l = 0; l <= 3; l++) {
        uint64_t slot = tbl[l] + ((va >> (39 - 9 * l)) & 511) * 8;

        sm_tm_w64(m, slot, l < 3 ? tbl[l + 1] | D_TABLE :
                                   UINT64_C(0x40000000) | D_AF | D_AP_RW |
                                   D_TABLE);
    }
    cfg.s1 = (SmWalkStageCfg){ .enabled = true, .granule = SM_GRANULE_4K,
                               .tsz = 16, .oas_bits = 48, .ttb = tbl[0] };
    g_assert_true(sm_walk(&m->host, &cfg, &req, &w));
    g_assert_cmphex(w.ok.pa, ==, 0x40000000);

    r.tlb = SM_TIMING_MISS;
    r.walkc_stages = 0;
    g_assert_cmpuint(sm_timing_record_add_walk(&r, &w), ==, 0);
    g_assert_cmpuint(r.n_accesses, ==, 4);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 443);
    for (l = 0; l <= 3; l++) {
        g_assert_cmpuint(res.reads[0][l], ==, 1);
        g_assert_cmphex(r.accesses[l].pa, ==,
                        tbl[l] + ((va >> (39 - 9 * l)) & 511) * 8);
    }
    sm_timing_free(e);
    sm_tm_free(m);
}

/* The walker's walk-cache hits and write-backs keep their kinds. */
static void test_record_add_walk_kinds(void)
{
    SmWalkResult w = { .n_accesses = 3 };
    SmTimingRecord r = { 0 };
    unsigned i;

    w.accesses[0] = (SmWalkAccess){ .addr = 0x1000, .stage = 1, .level = 1,
                                    .cached = true };
    w.accesses[1] = (SmWalkAccess){ .addr = 0x2000, .stage = 1, .level = 3 };
    w.accesses[2] = (SmWalkAccess){ .addr = 0x2000, .stage = 1, .level = 3,
                                    .write = true };
    g_assert_cmpuint(sm_timing_record_add_walk(&r, &w), ==, 0);
    g_assert_cmpint(r.accesses[0].kind, ==, SM_TIMING_ACC_WALKC_HIT);
    g_assert_cmpint(r.accesses[1].kind, ==, SM_TIMING_ACC_READ);
    g_assert_cmpint(r.accesses[2].kind, ==, SM_TIMING_ACC_WRITE);
    /* Full: the 41st access does not fit. */
    for (i = r.n_accesses; i < SM_TIMING_MAX_ACCESSES; i++) {
        g_assert_true(sm_timing_record_add(&r, 2, 0, 0, SM_TIMING_ACC_READ));
    }
    g_assert_false(sm_timing_record_add(&r, 2, 0, 0, SM_TIMING_ACC_READ));
    g_assert_cmpuint(sm_timing_record_add_walk(&r, &w), ==, 3);
}

/*
 * A leaf write-back (Access flag update) costs a memory access but no
 * walk step and starts no walk: the cold walk plus M = 555.
 */
static void test_write_back(void)
{
    SmTimingEngine *e = t_engine(NULL);
    SmTimingRecord r = t_rec(0x1000, 0);
    SmTimingResult res;

    t_s1_walk(&r, 0);
    t_add(&r, 1, 3, 0x13000, SM_TIMING_ACC_WRITE);
    res = t_xlate(e, &r);
    g_assert_cmpuint(res.latency, ==, 555);
    g_assert_cmpuint(res.writes[0][3], ==, 1);
    g_assert_cmpuint(res.walkc_misses[0][2], ==, 1);
    sm_timing_free(e);
}

/* ---- Units -------------------------------------------------------------- */

/* At 800 MHz a cycle is 1.25 ns: 1000 cycles = 1250 ns; floors. */
static void test_units(void)
{
    SmTimingParams p;

    sm_timing_params_default(&p);
    p.clock_mhz = 800;
    g_assert_cmpuint(sm_timing_cycles_to_ns(&p, 1000), ==, 1250);
    g_assert_cmpuint(sm_timing_cycles_to_ns(&p, 1), ==, 1);
    g_assert_cmpuint(sm_timing_ns_to_cycles(&p, 1250), ==, 1000);
    g_assert_cmpuint(sm_timing_ns_to_cycles(&p, 1), ==, 0);
    g_assert_cmpuint(sm_timing_ns_to_cycles(&p, UINT64_C(1000000000000)), ==,
                     UINT64_C(800000000000));
    g_assert_cmpstr(sm_timing_cmd_name(SM_TIMING_CMD_ATC_INV), ==,
                    "atc_inv");
    g_assert_cmpstr(sm_timing_res_name(SM_TIMING_RES_PTW), ==, "ptw");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm/timing/utlb-hit", test_utlb_hit);
    g_test_add_func("/sm/timing/main-tlb-hit", test_main_tlb_hit);
    g_test_add_func("/sm/timing/cold-s1-walk", test_cold_s1_walk);
    g_test_add_func("/sm/timing/walk-without-walk-cache",
                    test_walk_without_walk_cache);
    g_test_add_func("/sm/timing/nested-cold-walk", test_nested_cold_walk);
    g_test_add_func("/sm/timing/walk-cache-partial",
                    test_walk_cache_partial);
    g_test_add_func("/sm/timing/ipa-cache", test_ipa_cache);
    g_test_add_func("/sm/timing/stage2-walks-back-to-back",
                    test_stage2_walks_back_to_back);
    g_test_add_func("/sm/timing/config-miss", test_config_miss);
    g_test_add_func("/sm/timing/xlate-slots-exhausted",
                    test_xlate_slots_exhausted);
    g_test_add_func("/sm/timing/walk-slots-exhausted",
                    test_walk_slots_exhausted);
    g_test_add_func("/sm/timing/tbu-slots-exhausted",
                    test_tbu_slots_exhausted);
    g_test_add_func("/sm/timing/tbu-map", test_tbu_map);
    g_test_add_func("/sm/timing/quick-and-full-stats",
                    test_quick_and_full_stats);
    g_test_add_func("/sm/timing/translate-again", test_translate_again);
    g_test_add_func("/sm/timing/utlb-pending", test_utlb_pending);
    g_test_add_func("/sm/timing/utlb-flush-by-commands",
                    test_utlb_flush_by_commands);
    g_test_add_func("/sm/timing/fault-event-msi", test_fault_event_msi);
    g_test_add_func("/sm/timing/sync-after-tlbis", test_sync_after_tlbis);
    g_test_add_func("/sm/timing/atc-inv-round-trip",
                    test_atc_inv_round_trip);
    g_test_add_func("/sm/timing/command-costs", test_command_costs);
    g_test_add_func("/sm/timing/memory-ranges", test_memory_ranges);
    g_test_add_func("/sm/timing/histogram", test_histogram);
    g_test_add_func("/sm/timing/histogram-resolution",
                    test_histogram_resolution);
    g_test_add_func("/sm/timing/histogram-log2-edges",
                    test_histogram_log2_edges);
    g_test_add_func("/sm/timing/determinism", test_determinism);
    g_test_add_func("/sm/timing/stats-sum-results", test_stats_sum_results);
    g_test_add_func("/sm/timing/with-walker", test_with_walker);
    g_test_add_func("/sm/timing/record-add-walk-kinds",
                    test_record_add_walk_kinds);
    g_test_add_func("/sm/timing/write-back", test_write_back);
    g_test_add_func("/sm/timing/units", test_units);
    return g_test_run();
}
