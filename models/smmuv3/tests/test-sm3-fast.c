/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation fast path (sm3-fast.c): which translations it answers,
 * what ends an answer's validity, and that it changes nothing observable:
 * results, statistics, replacement and the timing model's numbers are the
 * same as with Sm3Config.fast_path_off.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

#define SID     5
#define VA      UINT64_C(0x40000000)
#define PA      UINT64_C(0x00800000)

static Sm3Bench *bench_cfg(bool fast_path_off, const SmTimingParams *timing,
                           bool no_walk_caches)
{
    Sm3Config cfg;
    unsigned level;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.cmdq_batch = 64;
    cfg.fast_path_off = fast_path_off;
    cfg.timing = timing;
    /* Small caches: the workload below evicts from both */
    cfg.tlb_entries = 16;
    cfg.tlb_ways = 4;
    cfg.cfg_entries = 8;
    cfg.cfg_ways = 2;
    for (level = 0; no_walk_caches && level < SM3_WALKC_LEVELS; level++) {
        cfg.walkc_entries[0][level] = SM3_WALKC_OFF;
    }
    return sm3b_new_cfg(&cfg);
}

static Sm3Bench *bench(bool fast_path_off, const SmTimingParams *timing)
{
    return bench_cfg(fast_path_off, timing, false);
}

static Sm3Xlate read_at(Sm3Bench *b, uint32_t sid, uint64_t iova)
{
    Sm3Request req = { .sid = sid, .iova = iova, .size = 8 };

    return sm3_translate(b->s, &req);
}

static uint64_t fast_hits(Sm3Bench *b)
{
    return sm3_stats(b->s).fast_hits;
}

/*
 * Stage 1 for @SID: 4K granule, pages VA + i * 4K -> PA + i * 4K, i < 4.
 * Returns the stage-1 root table, for more pages; the CD table in
 * *@cdtab_out when asked, for another CD.
 */
static uint64_t s1_stream_cd(Sm3Bench *b, uint64_t *cdtab_out)
{
    uint64_t cdtab = sm3b_alloc(b, 64, 64);
    uint64_t root = sm3b_pt_new(b);
    unsigned i;

    if (cdtab_out) {
        *cdtab_out = cdtab;
    }
    sm3b_setup(b, 4, 4, 6);
    sm3b_cd(b, cdtab, 0, 0x11, root, 0);
    sm3b_ste_s1(b, SID, cdtab, 0, 0);
    for (i = 0; i < 4; i++) {
        sm3b_map(b, root, VA + i * 0x1000, PA + i * 0x1000, 3, SM3B_S1_RW);
    }
    return root;
}

static uint64_t s1_stream(Sm3Bench *b)
{
    return s1_stream_cd(b, NULL);
}

/*
 * One page read 100 times: the first walks, the second hits the TLB by
 * the full path (and is noted), the other 98 are fast-path hits, counted
 * as the TLB and configuration-cache hits the full path would make.
 */
static void test_repeated_page(void)
{
    Sm3Bench *b = bench(false, NULL);
    Sm3Stats st;
    unsigned i;

    s1_stream(b);
    for (i = 0; i < 100; i++) {
        Sm3Xlate r = read_at(b, SID, VA + 0x1000 + 8 * i);

        g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
        g_assert_cmphex(r.pa, ==, PA + 0x1000 + 8 * i);
        g_assert_cmphex(r.mask, ==, 0xfff);
        g_assert_true(r.tlb_hit == (i > 0));
    }
    st = sm3_stats(b->s);
    g_assert_cmpuint(st.translations, ==, 100);
    g_assert_cmpuint(st.fast_hits, ==, 98);
    g_assert_cmpuint(st.tlb.lookups, ==, 100);
    g_assert_cmpuint(st.tlb.hits, ==, 99);
    /* An STE and a CD per translation; both missed once */
    g_assert_cmpuint(st.cfg.lookups, ==, 200);
    g_assert_cmpuint(st.cfg.hits, ==, 198);
    sm3b_free(b);
}

/*
 * A working set of four pages visited in turn, a new page each access
 * (as a device's DMA over a buffer): the first round walks, the second
 * hits the TLB by the full path, the eight rounds after are fast.
 */
static void test_page_cycle(void)
{
    Sm3Bench *b = bench(false, NULL);
    unsigned round, p;

    s1_stream(b);
    for (round = 0; round < 10; round++) {
        for (p = 0; p < 4; p++) {
            Sm3Xlate r = read_at(b, SID, VA + p * 0x1000 + 0x40 * round);

            g_assert_cmphex(r.pa, ==, PA + p * 0x1000 + 0x40 * round);
        }
    }
    g_assert_cmpuint(fast_hits(b), ==, 32);
    g_assert_cmpuint(sm3_stats(b->s).tlb.hits, ==, 36);
    sm3b_free(b);
}

/*
 * What ends a fast-path answer: another page, another access type, a
 * register write, a TLB invalidation, a configuration invalidation.
 * Each time the next translation takes the full path (no fast hit).  The
 * full path notes a translation only when every lookup hit: after a walk
 * (@walks) or a configuration fetch (@fetches) the second translation is
 * noted, and the one after is fast.
 */
static void expect_full_then_fast(Sm3Bench *b, uint64_t iova, bool write,
                                  bool walks, bool fetches)
{
    Sm3Request req = { .sid = SID, .iova = iova, .size = 8, .write = write };
    uint64_t before = fast_hits(b);
    Sm3Xlate r = sm3_translate(b->s, &req);

    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_true(r.tlb_hit == !walks);
    g_assert_cmpuint(fast_hits(b), ==, before);
    if (walks || fetches) {
        r = sm3_translate(b->s, &req);
        g_assert_true(r.tlb_hit);
        g_assert_cmpuint(fast_hits(b), ==, before);
    }
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmpuint(fast_hits(b), ==, before + 1);
}

static void test_what_ends_an_answer(void)
{
    Sm3Bench *b = bench(false, NULL);

    s1_stream(b);
    read_at(b, SID, VA);
    read_at(b, SID, VA);
    read_at(b, SID, VA);
    g_assert_cmpuint(fast_hits(b), ==, 1);
    /* Another page (cached by the TLB: no walk) */
    expect_full_then_fast(b, VA + 0x2000, false, true, false);
    expect_full_then_fast(b, VA, false, false, false);
    /* A write to the same page */
    expect_full_then_fast(b, VA, true, false, false);
    /*
     * A register write, even one that changes nothing the translation
     * uses (CR2 would be ignored: SMMUEN constrains it)
     */
    sm3b_wr(b, SM3_IRQ_CTRL, sm3b_rd(b, SM3_IRQ_CTRL));
    expect_full_then_fast(b, VA, true, false, false);
    /* TLBI: the page is walked again */
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_sync(b);
    expect_full_then_fast(b, VA, true, true, false);
    /* CFGI_STE: the STE and CD are fetched again (the TLB still hits) */
    sm3b_cmd(b, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, SID), 1);
    sm3b_sync(b);
    expect_full_then_fast(b, VA, true, false, true);
    sm3b_free(b);
}

/* SMMUEN cleared: bypass, although the stream's last answer was fast. */
static void test_disable_is_seen(void)
{
    Sm3Bench *b = bench(false, NULL);
    Sm3Xlate r;

    s1_stream(b);
    read_at(b, SID, VA + 0x3000);
    read_at(b, SID, VA + 0x3000);
    r = read_at(b, SID, VA + 0x3000);
    g_assert_cmphex(r.pa, ==, PA + 0x3000);
    g_assert_cmpuint(fast_hits(b), ==, 1);
    sm3b_wr(b, SM3_CR0, 0);
    r = read_at(b, SID, VA + 0x3000);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    g_assert_cmphex(r.pa, ==, VA + 0x3000);
    g_assert_cmpuint(fast_hits(b), ==, 1);
    sm3b_free(b);
}

static Sm3Xlate access_at(Sm3Bench *b, uint64_t iova, bool write, bool priv)
{
    Sm3Request req = { .sid = SID, .iova = iova, .size = 8,
                       .write = write, .priv = priv };

    return sm3_translate(b->s, &req);
}

/*
 * A stream's configuration is remembered (Sm3StreamMemo), its requests'
 * attributes are not: after privileged accesses, an unprivileged one to
 * a page of AP 0b00 (privileged only) is a Permission fault, and a write
 * after reads to a read-only page one too (D8.4.1: AP[2:1]).
 */
static void test_memo_keeps_attributes(void)
{
    Sm3Bench *b = bench(false, NULL);
    uint64_t root = s1_stream(b);
    Sm3Xlate r;

    sm3b_map(b, root, VA + 0x4000, PA + 0x4000, 3, SM3B_PTE_AF);
    sm3b_map(b, root, VA + 0x5000, PA + 0x5000, 3,
             SM3B_PTE_AF | SM3B_PTE_AP_RO_ALL);
    r = access_at(b, VA, false, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    r = access_at(b, VA + 0x4000, false, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x4000);
    r = access_at(b, VA + 0x4000, false, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, 0x13);        /* F_PERMISSION */
    r = access_at(b, VA + 0x5000, false, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    r = access_at(b, VA + 0x5000, true, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, 0x13);
    sm3b_free(b);
}

/*
 * A stream's CD replaced (CFGI_STE, TLBI): the stream memo made from the
 * old CD is gone, and the walks after use the new CD's tables, also
 * through the memo made from it (whose TTB0 range is worked out anew).
 * No stage-1 walk caches: each walk starts at TTB0.
 */
static void test_memo_follows_the_cd(void)
{
    Sm3Bench *b = bench_cfg(false, NULL, true);
    uint64_t cdtab, root2;
    uint64_t pa2 = PA + 0x100000;
    unsigned i;

    s1_stream_cd(b, &cdtab);
    root2 = sm3b_pt_new(b);
    for (i = 0; i < 4; i++) {
        sm3b_map(b, root2, VA + i * 0x1000, pa2 + i * 0x1000, 3,
                 SM3B_S1_RW);
    }
    /* Configuration fetched; remembered; used for a walk */
    for (i = 0; i < 3; i++) {
        g_assert_cmphex(read_at(b, SID, VA + i * 0x1000).pa, ==,
                        PA + i * 0x1000);
    }
    sm3b_cd(b, cdtab, 0, 0x11, root2, 0);
    sm3b_cmd(b, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, SID), 1);
    sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
    sm3b_sync(b);
    for (i = 0; i < 4; i++) {
        g_assert_cmphex(read_at(b, SID, VA + i * 0x1000).pa, ==,
                        pa2 + i * 0x1000);
    }
    sm3b_free(b);
}

/* ---- the fast path changes nothing -------------------------------------- */

/*
 * Four streams, 6 with four CDs, used with and without a SubstreamID; 40
 * pages, one read-only (writes fault and record events), one privileged
 * only (so are unprivileged accesses).  More pages
 * than the TLB holds, so the fast path's slots go stale by eviction too.
 */
#define N_PAGES  40
#define RO_PAGE  7
#define PRIV_PAGE 11             /* AP 0b00: unprivileged accesses fault */

typedef struct Work {
    Sm3Bench *b;
    uint64_t root, root2;
    GArray *results;         /* Sm3Xlate */
    GArray *timings;         /* SmTimingResult */
} Work;

static const uint32_t work_sids[] = { 5, 21, 37, 6 };

static void work_setup(Work *w)
{
    Sm3Bench *b = w->b;
    uint64_t cdtab, cdtab6 = sm3b_alloc(b, 64 * 4, 64);
    unsigned i;

    sm3b_setup(b, 6, 8, 6);
    w->root = sm3b_pt_new(b);
    w->root2 = sm3b_pt_new(b);
    for (i = 0; i < N_PAGES; i++) {
        sm3b_map(b, w->root, VA + i * 0x1000, PA + i * 0x1000, 3,
                 i == RO_PAGE ? SM3B_PTE_AF | SM3B_PTE_AP_RO_ALL :
                 i == PRIV_PAGE ? SM3B_PTE_AF : SM3B_S1_RW);
        sm3b_map(b, w->root2, VA + i * 0x1000, PA + 0x100000 + i * 0x1000,
                 3, SM3B_S1_RW | SM3B_PTE_NG);
    }
    for (i = 0; i < 3; i++) {
        cdtab = sm3b_alloc(b, 64, 64);
        sm3b_cd(b, cdtab, 0, 0x20 + i, w->root, 0);
        sm3b_ste_s1(b, work_sids[i], cdtab, 0, 0);
    }
    for (i = 0; i < 4; i++) {
        sm3b_cd(b, cdtab6, i, 0x30 + i, i & 1 ? w->root2 : w->root, 0);
    }
    sm3b_ste_s1(b, 6, cdtab6, 2, 0);
}

/* A burst of 1 to 8 accesses of one stream with the same attributes. */
static void work_step(Work *w, unsigned i, uint32_t x, uint64_t *last_page)
{
    Sm3Bench *b = w->b;
    unsigned k = (x >> 28) & 3, n = ((x >> 20) & 7) + 1, j;
    Sm3Request req = { .sid = work_sids[k], .size = 8,
                       .arrival = 1000 + 40 * (uint64_t)i };
    Sm3Xlate r;

    /* Mostly the stream's last page again: the fast path's case */
    if ((x >> 8) % 4 == 0) {
        last_page[k] = VA + ((x >> 10) % N_PAGES) * 0x1000;
    }
    req.write = ((x >> 4) & 7) == 0;
    req.priv = ((x >> 7) & 7) == 0;
    req.instr = !req.write && ((x >> 12) & 15) == 0;
    if (req.sid == 6 && (x >> 16) & 1) {
        req.ssv = true;
        req.ssid = (x >> 17) & 3;
    }
    for (j = 0; j < n; j++) {
        req.iova = last_page[k] + ((x + 0x48 * j) & 0xff8);
        req.arrival += 3;
        r = sm3_translate(b->s, &req);
        g_array_append_val(w->results, r);
        if (sm3_last_timing(b->s)) {
            g_array_append_val(w->timings, *sm3_last_timing(b->s));
        }
    }
}

/* Everything that may end a fast-path answer, now and then. */
static void work_disturb(Work *w, unsigned i)
{
    Sm3Bench *b = w->b;
    uint64_t ev[4];

    if (i % 300 == 299) {
        sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
        sm3b_sync(b);
    }
    if (i % 450 == 449) {
        sm3b_wr(b, SM3_IRQ_CTRL, sm3b_rd(b, SM3_IRQ_CTRL));
    }
    if (i % 700 == 699) {
        sm3b_cmd(b, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, 21), 1);
        sm3b_sync(b);
    }
    if (i % 1000 == 500) {
        /* A stale TLB entry stays in use until the TLBI that follows */
        sm3b_map(b, w->root, VA + 3 * 0x1000, PA + 0x200000, 3, SM3B_S1_RW);
    }
    if (i % 1000 == 520) {
        sm3b_cmd(b, SM3_CMD_TLBI_NH_ALL, 0);
        sm3b_sync(b);
    }
    while (sm3b_pop_event(b, ev)) {
    }
}

/*
 * One stream going round three pages the TLB holds: every access after
 * the first round is a fast-path hit, and a micro-TLB of fewer than
 * three entries loses each page's entry before the page comes back, so
 * the entry a page's slot remembers is gone or holds another page.
 */
static void work_cycle(Work *w)
{
    Sm3Request req = { .sid = work_sids[0], .size = 8 };
    Sm3Xlate r;
    unsigned i;

    for (i = 0; i < 600; i++) {
        req.iova = VA + (20 + i % 3) * 0x1000 + 0x40;
        req.arrival = 1000000 + 40 * (uint64_t)i;
        r = sm3_translate(w->b->s, &req);
        g_array_append_val(w->results, r);
        if (sm3_last_timing(w->b->s)) {
            g_array_append_val(w->timings, *sm3_last_timing(w->b->s));
        }
    }
}

static void work_run(Work *w)
{
    uint64_t last_page[4] = { VA, VA, VA, VA };
    uint32_t x = 2024;
    unsigned i;

    work_setup(w);
    for (i = 0; i < 6000; i++) {
        x = x * 1103515245u + 12345u;           /* a fixed LCG */
        work_step(w, i, x, last_page);
        work_disturb(w, i);
    }
    work_cycle(w);
}

static Work work_new(bool fast_path_off, const SmTimingParams *timing)
{
    Work w = {
        .b = bench(fast_path_off, timing),
        .results = g_array_new(false, true, sizeof(Sm3Xlate)),
        .timings = g_array_new(false, true, sizeof(SmTimingResult)),
    };

    work_run(&w);
    return w;
}

static void work_free(Work *w)
{
    g_array_free(w->results, true);
    g_array_free(w->timings, true);
    sm3b_free(w->b);
}

static void assert_same_results(const Work *a, const Work *b)
{
    unsigned i;

    g_assert_cmpuint(a->results->len, ==, b->results->len);
    for (i = 0; i < a->results->len; i++) {
        const Sm3Xlate *x = &g_array_index(a->results, Sm3Xlate, i);
        const Sm3Xlate *y = &g_array_index(b->results, Sm3Xlate, i);

        if (!sm3b_same_xlate(x, y) || x->latency != y->latency) {
            g_error("translation %u differs: outcome %d/%d pa 0x%" PRIx64
                    "/0x%" PRIx64 " hit %d/%d latency %" PRIu64 "/%" PRIu64,
                    i, x->outcome, y->outcome, x->pa, y->pa, x->tlb_hit,
                    y->tlb_hit, x->latency, y->latency);
        }
    }
    g_assert_cmpuint(a->timings->len, ==, b->timings->len);
    g_assert_true(a->timings->len == 0 ||
                  memcmp(a->timings->data, b->timings->data,
                         a->timings->len * sizeof(SmTimingResult)) == 0);
}

static void assert_same_stats(const Work *a, const Work *b)
{
    Sm3Stats x = sm3_stats(a->b->s), y = sm3_stats(b->b->s);
    SmTimingStats tx, ty;
    bool timed = sm3_timing_stats(a->b->s, &tx);

    g_assert_true(timed == sm3_timing_stats(b->b->s, &ty));
    g_assert_cmpuint(x.fast_hits, ==, 0);       /* @a: fast path off */
    g_assert_cmpuint(y.fast_hits, >, 1000);     /* it answered many */
    y.fast_hits = 0;
    g_assert_true(memcmp(&x, &y, sizeof(x)) == 0);
    g_assert_true(!timed || memcmp(&tx, &ty, sizeof(tx)) == 0);
}

static void check_no_change(const SmTimingParams *timing)
{
    Work slow = work_new(true, timing);
    Work fast = work_new(false, timing);
    Sm3Stats st = sm3_stats(slow.b->s);
    unsigned i, faults = 0;

    for (i = 0; i < slow.results->len; i++) {
        faults += g_array_index(slow.results, Sm3Xlate, i).outcome !=
                  SM3_XLATE_OK;
    }
    /* The workload faults, evicts and invalidates */
    g_assert_cmpuint(faults, >, 50);
    g_assert_cmpuint(st.tlb.evictions, >, 100);
    g_assert_cmpuint(st.cfg.evictions, >, 10);
    g_assert_cmpuint(st.tlb.invalidations, >, 100);
    assert_same_results(&slow, &fast);
    assert_same_stats(&slow, &fast);
    work_free(&slow);
    work_free(&fast);
}

static void test_no_change_untimed(void)
{
    check_no_change(NULL);
}

/* Timed, with a micro-TLB of each replacement policy. */
static void test_no_change_timed(gconstpointer data)
{
    SmTimingParams p;
    g_autofree char *err = NULL;

    sm_timing_params_default(&p);
    if (!sm_timing_params_parse(&p, data, "test", &err)) {
        g_error("%s", err);
    }
    check_no_change(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/fast/repeated-page", test_repeated_page);
    g_test_add_func("/sm3/fast/page-cycle", test_page_cycle);
    g_test_add_func("/sm3/fast/what-ends-an-answer",
                    test_what_ends_an_answer);
    g_test_add_func("/sm3/fast/disable-is-seen", test_disable_is_seen);
    g_test_add_func("/sm3/fast/memo-keeps-attributes",
                    test_memo_keeps_attributes);
    g_test_add_func("/sm3/fast/memo-follows-the-cd",
                    test_memo_follows_the_cd);
    g_test_add_func("/sm3/fast/no-change-untimed", test_no_change_untimed);
    g_test_add_data_func("/sm3/fast/no-change-timed-plru",
                         "utlb.entries = 8; utlb.policy = plru",
                         test_no_change_timed);
    g_test_add_data_func("/sm3/fast/no-change-timed-lru",
                         "utlb.entries = 8; utlb.policy = lru; "
                         "tlb.location = tbu",
                         test_no_change_timed);
    g_test_add_data_func("/sm3/fast/no-change-timed-random",
                         "utlb.entries = 4; utlb.policy = random",
                         test_no_change_timed);
    g_test_add_data_func("/sm3/fast/no-change-timed-utlb-of-two",
                         "utlb.entries = 2; utlb.policy = lru",
                         test_no_change_timed);
    return g_test_run();
}
