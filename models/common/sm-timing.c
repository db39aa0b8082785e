/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cycle-approximate timing engine: see sm-timing.h for the interface and
 * docs/timing.md for the model.
 *
 * One translation is one pass along a timeline, in the order the
 * hardware does it: TBU slot, micro-TLB, main TLB (in the TBU), link,
 * TCU slot, configuration cache and fetches, main TLB (in the TCU), walk
 * slot with walk-cache and IPA-cache lookups and table accesses, link
 * back.  Each step adds its cycles to the clock and to one bucket of the
 * result's breakdown, so the buckets always sum to the latency.
 */
#include <string.h>

#include <glib.h>

#include "sm-timing.h"

/* ---- Resources: N servers, each busy until a cycle ---------------------- */

/*
 * A pool of identical servers (slots).  A request takes the server that
 * frees first and holds it until its service ends.  Which of several
 * equally early servers it takes changes nothing anyone can observe
 * (waits depend only on the free times, statistics are per pool), so
 * the pool keeps just the free times, ascending, in a ring: taking is
 * the ring's head, and a service end, usually the latest of all, goes
 * in from the tail.
 */
typedef struct SmServers {
    uint32_t n;
    uint32_t head;           /* ring index of the earliest free time */
    uint64_t *free_at;       /* n free times, ascending from @head */
    uint64_t latest;         /* the latest free time: the ring's last */
} SmServers;

static void sm_servers_idle(SmServers *s)
{
    s->head = 0;
    s->latest = 0;
    if (s->n) {
        memset(s->free_at, 0, sizeof(*s->free_at) * s->n);
    }
}

static void sm_servers_init(SmServers *s, uint32_t n)
{
    s->n = n;
    s->free_at = g_new0(uint64_t, n);
    sm_servers_idle(s);
}

/* The @k-th earliest free time's place in the ring. */
static inline uint64_t *sm_servers_at(SmServers *s, uint32_t k)
{
    uint32_t i = s->head + k;

    return &s->free_at[i >= s->n ? i - s->n : i];
}

/* When the server that frees first is free. */
static inline uint64_t sm_servers_first(const SmServers *s)
{
    return s->free_at[s->head];
}

/* Take the server that frees first: its free time. */
static inline uint64_t sm_servers_take(SmServers *s)
{
    uint64_t first = sm_servers_first(s);

    s->head = s->head + 1 == s->n ? 0 : s->head + 1;
    return first;
}

/* Give the server taken last back, free from @end. */
static inline void sm_servers_put(SmServers *s, uint64_t end)
{
    uint32_t k = s->n - 1;

    /*
     * Usually the latest free time of all (a single server's always is):
     * it stays where it was taken, the ring's last place, before @head.
     */
    if (end >= s->latest) {
        s->free_at[s->head ? s->head - 1 : k] = end;
        s->latest = end;
        return;
    }
    while (k > 0 && *sm_servers_at(s, k - 1) > end) {
        *sm_servers_at(s, k) = *sm_servers_at(s, k - 1);
        k--;
    }
    *sm_servers_at(s, k) = end;
}

/*
 * sm_servers_take() and then sm_servers_put() of @end, for a request
 * whose whole service is known when it starts (a quick one): a server
 * freed no earlier than any other takes the head's place as the ring's
 * last when the head moves on, so the ring is written once.
 */
static inline void sm_servers_hold(SmServers *s, uint64_t end)
{
    if (end >= s->latest) {
        s->free_at[s->head] = end;
        s->head = s->head + 1 == s->n ? 0 : s->head + 1;
        s->latest = end;
        return;
    }
    sm_servers_take(s);
    sm_servers_put(s, end);
}

/* ---- Histograms --------------------------------------------------------- */

/*
 * Log-linear buckets for percentiles: values below SM_HIST_EXACT have
 * their own bucket; above, each power of two [2^m, 2^(m+1)) is cut in
 * SM_HIST_SUB equal buckets.
 */
#define SM_HIST_SUB      32u
#define SM_HIST_SUB_BITS 5u
#define SM_HIST_EXACT    64u
#define SM_HIST_EXACT_MSB 6u
#define SM_HIST_FINE \
    (SM_HIST_EXACT + (64u - SM_HIST_EXACT_MSB) * SM_HIST_SUB)

/*
 * The log2 buckets are not kept: each fine bucket lies inside one of
 * them, so the summary adds them up (one counter less per translation).
 */
typedef struct SmHistAcc {
    uint64_t count, sum, min, max;
    uint64_t fine[SM_HIST_FINE];
} SmHistAcc;

static unsigned sm_msb(uint64_t v)
{
    return 63 - __builtin_clzll(v);
}

static unsigned sm_hist_fine_index(uint64_t v)
{
    unsigned msb;

    if (v < SM_HIST_EXACT) {
        return (unsigned)v;
    }
    msb = sm_msb(v);
    return SM_HIST_EXACT + (msb - SM_HIST_EXACT_MSB) * SM_HIST_SUB +
           ((v >> (msb - SM_HIST_SUB_BITS)) & (SM_HIST_SUB - 1));
}

/* The largest value bucket @i holds. */
static uint64_t sm_hist_fine_top(unsigned i)
{
    unsigned group, sub, shift;

    if (i < SM_HIST_EXACT) {
        return i;
    }
    group = (i - SM_HIST_EXACT) / SM_HIST_SUB;
    sub = (i - SM_HIST_EXACT) % SM_HIST_SUB;
    shift = group + SM_HIST_EXACT_MSB - SM_HIST_SUB_BITS;
    return (((uint64_t)(SM_HIST_SUB + sub) + 1) << shift) - 1;
}

/* log2 bucket (SM_TIMING_HIST_LOG2) of the values of fine bucket @i. */
static unsigned sm_hist_fine_log2(unsigned i)
{
    uint64_t top = sm_hist_fine_top(i);

    return top ? sm_msb(top) + 1 : 0;
}

static void sm_hist_log2(const SmHistAcc *h, uint64_t *log2)
{
    unsigned i;

    memset(log2, 0, sizeof(uint64_t) * SM_TIMING_HIST_LOG2);
    for (i = 0; i < SM_HIST_FINE; i++) {
        log2[sm_hist_fine_log2(i)] += h->fine[i];
    }
}

/* Empty: @min starts above every value, so adding needs no test. */
static void sm_hist_clear(SmHistAcc *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

static inline void sm_hist_add(SmHistAcc *h, uint64_t v)
{
    h->min = MIN(h->min, v);
    h->max = MAX(h->max, v);
    h->count++;
    h->sum += v;
    h->fine[sm_hist_fine_index(v)]++;
}

/* Nearest rank for the fraction @q / 10000. */
static uint64_t sm_hist_quantile(const SmHistAcc *h, uint64_t q)
{
    uint64_t rank = h->count / 10000 * q +
                    ((h->count % 10000) * q + 9999) / 10000;
    uint64_t seen = 0;
    unsigned i;

    for (i = 0; i < SM_HIST_FINE; i++) {
        seen += h->fine[i];
        if (seen >= rank && seen) {
            return MIN(sm_hist_fine_top(i), h->max);
        }
    }
    return h->max;
}

static SmTimingHist sm_hist_summary(const SmHistAcc *h)
{
    SmTimingHist s = {
        .count = h->count, .sum = h->sum, .min = h->count ? h->min : 0,
        .max = h->max,
    };

    sm_hist_log2(h, s.log2);
    if (h->count) {
        s.mean_milli = h->sum / h->count * 1000 +
                       (h->sum % h->count) * 1000 / h->count;
        s.p50 = sm_hist_quantile(h, 5000);
        s.p90 = sm_hist_quantile(h, 9000);
        s.p99 = sm_hist_quantile(h, 9900);
        s.p999 = sm_hist_quantile(h, 9990);
    }
    return s;
}

/* ---- The engine --------------------------------------------------------- */

/*
 * Quick requests: the TBU answers them by itself, with nothing to wait
 * for but a TBU slot (the micro-TLB entry, or the main TLB's answer, is
 * there), so each kind spends the same cycles in its lookups and adds
 * the same to most statistics.  They are the common case once a
 * device's pages are in the TLBs, so those statistics are one count per
 * kind, and sm_quick_fold() adds what the counts stand for when the
 * statistics are read; only the wait for the slot and the latency are
 * accounted one by one.  The numbers are the same as if every request
 * had been accounted along the whole timeline (test-sm-timing's
 * quick-and-full-stats checks exact statistics over both paths).
 */
typedef enum SmQuick {
    SM_QUICK_UTLB,           /* micro-TLB hit */
    SM_QUICK_TBU_TLB,        /* micro-TLB miss, hit in the TBU's main TLB */
    SM_QUICK_COUNT
} SmQuick;

struct SmTimingEngine {
    SmTimingParams p;
    SmTagCache *utlb[SM_TIMING_MAX_TBUS];
    SmServers tbu[SM_TIMING_MAX_TBUS];   /* outstanding, per TBU */
    SmServers res[SM_TIMING_RES_COUNT];  /* [TBU] unused: see @tbu */
    /* Latest completion of any command so far: what a SYNC waits for */
    uint64_t cmd_done_max;
    SmTimingStats st;        /* counters; histograms live below */
    SmHistAcc lat;
    SmHistAcc sync;
    /* Quick requests since the statistics were reset (SmQuick) */
    uint64_t quick[SM_QUICK_COUNT];
    /*
     * The last request's micro-TLB entry (sm_timing_hint()): in the
     * micro-TLB of @hint_tbu, the entry its last hit or fill ended at,
     * if @hint_ok (the request hit or filled it).
     */
    uint32_t hint_tbu;
    bool hint_ok;
};

SmTimingEngine *sm_timing_new(const SmTimingParams *p)
{
    SmTagCacheParams tp = {
        .entries = p->utlb_entries, .ways = p->utlb_ways,
        .policy = p->utlb_policy, .seed = p->utlb_seed,
    };
    char *why = sm_timing_params_error(p);
    SmTimingEngine *e;
    uint32_t i;

    if (why) {
        g_free(why);
        return NULL;
    }
    e = g_new0(SmTimingEngine, 1);
    e->p = *p;
    sm_hist_clear(&e->lat);
    sm_hist_clear(&e->sync);
    for (i = 0; i < p->tbu_count; i++) {
        /* Each TBU has its own generator, all seeded from utlb.seed. */
        e->utlb[i] = sm_tagcache_new(&tp);
        sm_servers_init(&e->tbu[i], p->slots_tbu);
    }
    sm_servers_init(&e->res[SM_TIMING_RES_TCU], p->slots_tcu);
    sm_servers_init(&e->res[SM_TIMING_RES_PTW], p->slots_ptw);
    sm_servers_init(&e->res[SM_TIMING_RES_EVENTQ], 1);
    sm_servers_init(&e->res[SM_TIMING_RES_CMDQ], 1);
    return e;
}

void sm_timing_free(SmTimingEngine *e)
{
    unsigned i;

    if (!e) {
        return;
    }
    for (i = 0; i < SM_TIMING_MAX_TBUS; i++) {
        sm_tagcache_free(e->utlb[i]);
        g_free(e->tbu[i].free_at);
    }
    for (i = 0; i < SM_TIMING_RES_COUNT; i++) {
        g_free(e->res[i].free_at);
    }
    g_free(e);
}

const SmTimingParams *sm_timing_get_params(const SmTimingEngine *e)
{
    return &e->p;
}

void sm_timing_reset(SmTimingEngine *e)
{
    unsigned i;

    for (i = 0; i < e->p.tbu_count; i++) {
        sm_tagcache_reset(e->utlb[i]);
        sm_servers_idle(&e->tbu[i]);
    }
    for (i = 0; i < SM_TIMING_RES_COUNT; i++) {
        sm_servers_idle(&e->res[i]);
    }
    e->cmd_done_max = 0;
}

/* sm_timing_tbu_of(), inline: every translation asks it first. */
static inline uint32_t sm_tbu_of(const SmTimingParams *p, uint32_t sid)
{
    uint32_t i;

    for (i = 0; i < p->n_sid_ranges; i++) {
        if (sid >= p->sid_ranges[i].first && sid <= p->sid_ranges[i].last) {
            return p->sid_ranges[i].tbu;
        }
    }
    return p->tbu_default;
}

uint32_t sm_timing_tbu_of(const SmTimingParams *p, uint32_t sid)
{
    return sm_tbu_of(p, sid);
}

/* Latency of one memory access at @pa: its range's, or mem.latency. */
static uint32_t sm_mem_latency(const SmTimingParams *p, uint64_t pa)
{
    uint32_t i;

    for (i = 0; i < p->n_mem_ranges; i++) {
        if (pa >= p->mem_ranges[i].first && pa <= p->mem_ranges[i].last) {
            return p->mem_ranges[i].latency;
        }
    }
    return p->mem_latency;
}

/*
 * Take a server of @s (resource @which) for a request ready at *@t:
 * *@t becomes the start of service.  The wait goes to the statistics and
 * to *@wait.  Every take is followed by its sm_give().
 */
static inline void sm_take(SmTimingEngine *e, SmTimingRes which, SmServers *s,
                    uint64_t *t, uint64_t *wait)
{
    SmTimingResStats *rs = &e->st.res[which];
    uint64_t free_at = sm_servers_take(s);
    uint64_t w = free_at > *t ? free_at - *t : 0;

    rs->requests++;
    rs->waited += w != 0;
    rs->wait_cycles += w;
    rs->wait_max = MAX(rs->wait_max, w);
    *t += w;
    *wait += w;
}

/* The server taken from @s is held from @start until @end. */
static inline void sm_give(SmTimingEngine *e, SmTimingRes which, SmServers *s,
                    uint64_t start, uint64_t end)
{
    sm_servers_put(s, end);
    e->st.res[which].busy_cycles += end - start;
}

/* ---- One translation ---------------------------------------------------- */

typedef struct SmTrip {
    SmTimingEngine *e;
    const SmTimingParams *p;
    const SmTimingRecord *r;
    SmTimingResult *res;
    uint64_t t;              /* now */
    bool utlb_hit;           /* the micro-TLB lookup, made first */
    uint64_t utlb_ready;     /* its entry's payload: valid from */
} SmTrip;

static void sm_spend(SmTrip *tr, uint64_t *bucket, uint64_t cycles)
{
    tr->t += cycles;
    *bucket += cycles;
}

/* Micro-TLB tag: the stream and, when valid, the substream. */
static uint64_t sm_utlb_ctx(const SmTimingRecord *r)
{
    return r->sid | (r->ssv ? (UINT64_C(1) << 32) |
                              ((uint64_t)r->ssid << 33) : 0);
}

/*
 * Set of a micro-TLB entry: by its 4 KiB page, since the page size is
 * not known at lookup.  A set-associative micro-TLB so holds a large
 * page once per 4 KiB page used; a fully associative one (one set) once.
 */
static uint64_t sm_utlb_hint(const SmTimingRecord *r)
{
    return (r->iova >> 12) ^ r->sid;
}

/*
 * The TBU's part: micro-TLB, then the main TLB when it lives in the TBU.
 * true when the TBU answers by itself.  A micro-TLB entry is valid from
 * the cycle its translation came back; a request finding an entry still
 * on its way waits for it (as a TBU merges a miss with the one already
 * outstanding for the same page) instead of hitting early.  A faulting
 * transaction is never answered here: its fault (and event) come from
 * the TCU.
 */
static bool sm_tbu_answers(SmTrip *tr)
{
    const SmTimingRecord *r = tr->r;
    SmTimingResult *res = tr->res;

    sm_spend(tr, &res->lookup, tr->p->utlb_latency);
    if (tr->utlb_hit) {
        res->utlb = SM_TIMING_HIT;
        if (tr->utlb_ready > tr->t) {
            sm_spend(tr, &res->pending, tr->utlb_ready - tr->t);
        }
        return true;
    }
    res->utlb = SM_TIMING_MISS;
    if (tr->p->tlb_location == SM_TIMING_TLB_IN_TBU &&
        r->tlb != SM_TIMING_NONE) {
        sm_spend(tr, &res->lookup, tr->p->tlb_latency);
        res->tlb = r->tlb;
        return r->tlb == SM_TIMING_HIT && !r->fault;
    }
    return false;
}

/* A branch, not two adds of a compare: one counter at most moves. */
static inline void sm_hitmiss(SmTimingHitMiss *hm, SmTimingLookup l)
{
    if (l == SM_TIMING_HIT) {
        hm->hits++;
    } else if (l == SM_TIMING_MISS) {
        hm->misses++;
    }
}

/*
 * Configuration: one lookup of the configuration cache for the
 * translation (STE and CD together), then the fetches of each structure
 * that missed, one after another.
 */
static void sm_config(SmTrip *tr)
{
    const SmTimingRecord *r = tr->r;
    SmTimingResult *res = tr->res;
    bool any = false;
    unsigned k, i;

    for (k = 0; k < SM_TIMING_CFG_COUNT; k++) {
        any |= r->cfg[k].lookup != SM_TIMING_NONE;
    }
    if (!any) {
        return;
    }
    sm_spend(tr, &res->lookup, tr->p->cfg_latency);
    for (k = 0; k < SM_TIMING_CFG_COUNT; k++) {
        const SmTimingCfg *c = &r->cfg[k];

        res->cfg[k] = c->lookup;
        sm_hitmiss(&tr->e->st.cfg[k], c->lookup);
        if (c->lookup != SM_TIMING_MISS) {
            continue;
        }
        for (i = 0; i < MIN(c->n_fetches, SM_TIMING_MAX_CFG_FETCHES); i++) {
            sm_spend(tr, &res->memory, sm_mem_latency(tr->p, c->fetch_pa[i]));
            res->cfg_fetches++;
            tr->e->st.cfg_fetches++;
        }
    }
}

/*
 * Whether access @a starts a walk of its stage.  Stage 1 is walked once
 * per translation (a nested walk interleaves it with stage-2 walks of
 * its table addresses), so only the first stage-1 access starts it
 * (@s1_seen: an access before @a was of stage 1).  A stage-2 walk starts
 * after a stage-1 access, after an IPA-cache hit, and where the level
 * stops increasing (@prev: the access before @a that is not a
 * write-back, or NULL).  The caller keeps both as it goes: looking back
 * from each access made a long nested walk quadratic.
 */
static bool sm_starts_walk(const SmTimingAccess *a, const SmTimingAccess *prev,
                           bool s1_seen)
{
    if (a->kind == SM_TIMING_ACC_WRITE) {
        return false;
    }
    if (a->stage == 1) {
        return !s1_seen;
    }
    return !prev || prev->stage != 2 ||
           prev->kind == SM_TIMING_ACC_IPAC_HIT ||
           a->kind == SM_TIMING_ACC_IPAC_HIT || a->level <= prev->level;
}

/*
 * The lookups in front of one stage walk whose first access is @a: the
 * IPA cache for stage 2 (when the model has one), then the walk caches.
 * The walker looks up levels 2, 1, 0 (deepest first, down to the start
 * level) and resumes below the first hit, so the level of the first
 * access says which levels missed: all from it to 2 for a read, those
 * below it for a hit.
 */
static void sm_walk_lookups(SmTrip *tr, const SmTimingAccess *a)
{
    const SmTimingRecord *r = tr->r;
    SmTimingResult *res = tr->res;
    SmTimingStats *stats = &tr->e->st;
    unsigned st = a->stage == 2;
    bool hit = a->kind == SM_TIMING_ACC_WALKC_HIT;
    int level, l;
    unsigned probes;

    if (a->kind == SM_TIMING_ACC_IPAC_HIT || (st == 1 && r->ipac)) {
        sm_spend(tr, &res->lookup, tr->p->ipac_latency);
        if (a->kind == SM_TIMING_ACC_IPAC_HIT) {
            res->ipac_hits++;
            stats->ipac.hits++;
            return;
        }
        res->ipac_misses++;
        stats->ipac.misses++;
    }
    if (!(r->walkc_stages & (1u << st))) {
        return;
    }
    level = CLAMP(a->level, 0, SM_TIMING_WALKC_LEVELS);
    probes = SM_TIMING_WALKC_LEVELS - level;
    if (tr->p->walkc_probe == SM_TIMING_PROBE_PARALLEL) {
        probes = MIN(probes, 1);
    }
    sm_spend(tr, &res->lookup, (uint64_t)probes * tr->p->walkc_latency);
    for (l = level; l < SM_TIMING_WALKC_LEVELS; l++) {
        if (hit && l == level) {
            res->walkc_hits[st][l]++;
            stats->walkc[st][l].hits++;
        } else {
            res->walkc_misses[st][l]++;
            stats->walkc[st][l].misses++;
        }
    }
}

/* One descriptor access from memory. */
static void sm_walk_access(SmTrip *tr, const SmTimingAccess *a)
{
    SmTimingResult *res = tr->res;
    unsigned st = a->stage == 2;
    unsigned level = CLAMP(a->level, 0, 3);

    sm_spend(tr, &res->memory, sm_mem_latency(tr->p, a->pa));
    if (a->kind == SM_TIMING_ACC_WRITE) {
        res->writes[st][level]++;
        tr->e->st.writes[st][level]++;
        return;
    }
    sm_spend(tr, &res->process, tr->p->walk_step);
    res->reads[st][level]++;
    tr->e->st.reads[st][level]++;
}

/* The walk, holding a page-table-walk slot from its start to its end. */
static void sm_walk_timed(SmTrip *tr)
{
    const SmTimingRecord *r = tr->r;
    SmTimingEngine *e = tr->e;
    SmServers *s = &e->res[SM_TIMING_RES_PTW];
    const SmTimingAccess *prev = NULL;
    bool s1_seen = false;
    uint64_t start;
    unsigned i;

    sm_take(e, SM_TIMING_RES_PTW, s, &tr->t,
            &tr->res->queue[SM_TIMING_RES_PTW]);
    start = tr->t;

    for (i = 0; i < MIN(r->n_accesses, SM_TIMING_MAX_ACCESSES); i++) {
        const SmTimingAccess *a = &r->accesses[i];

        if (sm_starts_walk(a, prev, s1_seen)) {
            sm_walk_lookups(tr, a);
        }
        if (a->kind == SM_TIMING_ACC_READ || a->kind == SM_TIMING_ACC_WRITE) {
            sm_walk_access(tr, a);
        }
        s1_seen |= a->stage == 1;
        if (a->kind != SM_TIMING_ACC_WRITE) {
            prev = a;
        }
    }
    sm_give(e, SM_TIMING_RES_PTW, s, start, tr->t);
}

/*
 * The event record and its MSI, from the cycle the TCU knows the fault:
 * written by the event queue's one writer, after the response has left,
 * so outside the translation's latency.
 */
static void sm_event(SmTrip *tr)
{
    SmTimingEngine *e = tr->e;
    SmServers *s = &e->res[SM_TIMING_RES_EVENTQ];
    uint64_t t = tr->t;
    uint64_t end;

    sm_take(e, SM_TIMING_RES_EVENTQ, s, &t,
            &tr->res->queue[SM_TIMING_RES_EVENTQ]);
    end = t + tr->p->event_write + (tr->r->msi ? tr->p->event_msi : 0);
    sm_give(e, SM_TIMING_RES_EVENTQ, s, t, end);
    tr->res->event_done = end;
}

/* The TCU's part, from the link up to the link back. */
static void sm_tcu(SmTrip *tr)
{
    SmTimingEngine *e = tr->e;
    const SmTimingRecord *r = tr->r;
    SmTimingResult *res = tr->res;
    SmServers *s = &e->res[SM_TIMING_RES_TCU];
    uint64_t start;

    sm_spend(tr, &res->link, tr->p->link_tbu_to_tcu);
    sm_take(e, SM_TIMING_RES_TCU, s, &tr->t, &res->queue[SM_TIMING_RES_TCU]);
    start = tr->t;
    sm_config(tr);
    if (tr->p->tlb_location == SM_TIMING_TLB_IN_TCU &&
        r->tlb != SM_TIMING_NONE) {
        sm_spend(tr, &res->lookup, tr->p->tlb_latency);
        res->tlb = r->tlb;
    }
    if (r->n_accesses) {
        sm_walk_timed(tr);
    }
    sm_give(e, SM_TIMING_RES_TCU, s, start, tr->t);
    if (r->event) {
        sm_event(tr);
    }
    sm_spend(tr, &res->link, tr->p->link_tcu_to_tbu);
}

/* Whether the micro-TLB keeps @r's result (when it did not answer it). */
static inline bool sm_utlb_keeps(const SmTimingRecord *r)
{
    return !r->fault && r->leaf_shift && r->leaf_shift < 64;
}

/* The address mask of the micro-TLB entry for @r (sm_utlb_keeps()). */
static inline uint64_t sm_utlb_mask(const SmTimingRecord *r)
{
    return ~((UINT64_C(1) << r->leaf_shift) - 1);
}

/*
 * A successful result of @r that the micro-TLB of @tbu did not answer
 * is in it, valid from @t (the cycle it reached the TBU): true if it is.
 * The lookup that missed already filled the entry (sm_timing_translate()),
 * so only the cycle is left to write.
 */
static inline __attribute__((always_inline)) bool
sm_utlb_fill(SmTimingEngine *e, const SmTimingRecord *r, uint32_t tbu,
             bool utlb_hit, uint64_t t)
{
    if (utlb_hit || !sm_utlb_keeps(r)) {
        return false;
    }
    sm_tagcache_set_last_payload(e->utlb[tbu], t);
    return true;
}

/*
 * What every request that is not quick adds to the statistics.  What the
 * TCU did (configuration lookups and fetches, walk caches, IPA cache,
 * table accesses) is counted as it happens, where @res gets it: adding
 * @res's arrays up here cost more than the walk's own counting.
 */
static void sm_account(SmTimingEngine *e, const SmTimingRecord *r,
                       const SmTimingResult *res)
{
    SmTimingStats *st = &e->st;

    st->translations++;
    st->faults += r->fault;
    st->events += r->event;
    st->msis += r->event && r->msi;
    sm_hitmiss(&st->utlb, res->utlb);
    sm_hitmiss(&st->tlb, res->tlb);
    st->lookup_cycles += res->lookup;
    st->memory_cycles += res->memory;
    st->process_cycles += res->process;
    st->link_cycles += res->link;
    st->pending_cycles += res->pending;
    sm_hist_add(&e->lat, res->latency);
}

/*
 * Zero @res.  Sixteen-byte stores: compilers turn a memset of this size
 * into "rep stos", whose start-up costs more than the rest of a
 * micro-TLB hit.
 */
static void sm_result_clear(SmTimingResult *res)
{
    typedef struct { uint64_t q[2]; } SmPair;
    SmPair *p = (SmPair *)res;
    size_t i;

    G_STATIC_ASSERT(sizeof(SmTimingResult) % sizeof(SmPair) == 0);
    /* Unrolled: the loop's own counting cost as much as the stores */
#pragma GCC unroll 16
    for (i = 0; i < sizeof(*res) / sizeof(SmPair); i++) {
        p[i] = (SmPair){ { 0, 0 } };
    }
}

/*
 * Which quick request @r is (SmQuick), or SM_QUICK_COUNT: none, time it
 * along the whole timeline.  @utlb_hit, @ready: the micro-TLB lookup and
 * when the entry it found is valid from; @start: when the request gets
 * its TBU slot.
 */
static inline SmQuick sm_quick_kind(const SmTimingParams *p,
                                    const SmTimingRecord *r, bool utlb_hit,
                                    uint64_t ready, uint64_t start)
{
    if (r->event) {
        return SM_QUICK_COUNT;
    }
    if (utlb_hit) {
        return ready <= start + p->utlb_latency ? SM_QUICK_UTLB
                                                : SM_QUICK_COUNT;
    }
    return !r->fault && r->tlb == SM_TIMING_HIT &&
           p->tlb_location == SM_TIMING_TLB_IN_TBU ?
           SM_QUICK_TBU_TLB : SM_QUICK_COUNT;
}

/* The lookup cycles of a quick request of @k: its latency but the wait. */
static inline uint64_t sm_quick_lookup(const SmTimingParams *p, SmQuick k)
{
    return p->utlb_latency + (k == SM_QUICK_TBU_TLB ? p->tlb_latency : 0);
}

/*
 * Time a quick request of kind @k arriving at @arrival that waits for a
 * slot of TBU @tbu until @start, into @res; its statistics are the
 * count, the wait and the latency.  Its micro-TLB entry is the hint's
 * (sm_timing_hint()); the fill of a TBU main-TLB hit is the caller's.
 */
static inline void sm_quick(SmTimingEngine *e, uint64_t arrival,
                            SmTimingResult *res, uint32_t tbu, SmQuick k,
                            uint64_t start)
{
    SmServers *s = &e->tbu[tbu];
    uint64_t lookup = sm_quick_lookup(&e->p, k);
    uint64_t wait = start - arrival;
    uint64_t done = start + lookup;

    sm_result_clear(res);
    res->tbu = tbu;
    e->hint_tbu = tbu;
    e->hint_ok = true;

    if (wait) {
        SmTimingResStats *rs = &e->st.res[SM_TIMING_RES_TBU];

        rs->waited++;
        rs->wait_cycles += wait;
        rs->wait_max = MAX(rs->wait_max, wait);
        res->queue[SM_TIMING_RES_TBU] = wait;
    }
    res->lookup = lookup;
    res->utlb = k == SM_QUICK_UTLB ? SM_TIMING_HIT : SM_TIMING_MISS;
    res->tlb = k == SM_QUICK_TBU_TLB ? SM_TIMING_HIT : SM_TIMING_NONE;
    sm_servers_hold(s, done);
    res->done = done;
    res->latency = wait + lookup;
    e->quick[k]++;
    sm_hist_add(&e->lat, res->latency);
}

/* Add what the quick requests counted stand for to @st. */
static void sm_quick_fold(const SmTimingEngine *e, SmTimingStats *st)
{
    SmTimingResStats *rs = &st->res[SM_TIMING_RES_TBU];
    unsigned k;

    for (k = 0; k < SM_QUICK_COUNT; k++) {
        uint64_t n = e->quick[k];
        uint64_t cycles = n * sm_quick_lookup(&e->p, k);

        st->translations += n;
        if (k == SM_QUICK_UTLB) {
            st->utlb.hits += n;
        } else {
            st->utlb.misses += n;
            st->tlb.hits += n;
        }
        st->lookup_cycles += cycles;
        rs->requests += n;
        rs->busy_cycles += cycles;
    }
}

/*
 * Every request that is not quick: along the whole timeline.  True when
 * the request's page is in the micro-TLB after it (a hit or a fill).
 */
static bool
sm_translate_full(SmTimingEngine *e, const SmTimingRecord *r,
                  SmTimingResult *res, SmServers *s, bool utlb_hit,
                  uint64_t ready)
{
    SmTrip tr = { .e = e, .p = &e->p, .r = r, .res = res,
                  .t = r->arrival, .utlb_hit = utlb_hit,
                  .utlb_ready = ready };
    uint64_t start;
    bool tcu, filled;

    sm_take(e, SM_TIMING_RES_TBU, s, &tr.t, &res->queue[SM_TIMING_RES_TBU]);
    start = tr.t;
    tcu = !sm_tbu_answers(&tr);
    if (tcu) {
        sm_tcu(&tr);
    }
    filled = sm_utlb_fill(e, r, res->tbu, res->utlb == SM_TIMING_HIT, tr.t);
    sm_give(e, SM_TIMING_RES_TBU, s, start, tr.t);
    res->done = tr.t;
    res->latency = tr.t - r->arrival;
    sm_account(e, r, res);
    return filled || res->utlb == SM_TIMING_HIT;
}

/*
 * Whether a micro-TLB miss of @r would make it a quick request of the
 * TBU's main TLB that fills the micro-TLB (sm_quick_kind()): then the
 * fill is known before the lookup and goes with it.
 */
static inline bool sm_quick_fill_on_miss(const SmTimingParams *p,
                                         const SmTimingRecord *r)
{
    return !r->event && r->tlb == SM_TIMING_HIT &&
           p->tlb_location == SM_TIMING_TLB_IN_TBU && sm_utlb_keeps(r);
}

/*
 * The micro-TLB is looked up first of all: the lookup has no other
 * input, and its effect on replacement is the same wherever it happens
 * within the request.  So is the fill of a quick request's miss (the
 * request does nothing else with the micro-TLB), made by the lookup,
 * and of any other miss that keeps its result: such a miss goes the
 * whole timeline, at whose end the cycle its entry is valid from is
 * known, and written (sm_utlb_fill(); no lookup reads it before).  A
 * faulting transaction is never answered by the TBU, so it does not
 * look.
 */
void sm_timing_translate(SmTimingEngine *e, const SmTimingRecord *r,
                         SmTimingResult *res)
{
    uint32_t tbu = sm_tbu_of(&e->p, r->sid);
    SmServers *s = &e->tbu[tbu];
    uint64_t start = MAX(r->arrival, sm_servers_first(s));
    uint64_t ready = 0;
    bool utlb_hit;
    SmQuick k;

    if (sm_quick_fill_on_miss(&e->p, r)) {
        uint64_t done = start + sm_quick_lookup(&e->p, SM_QUICK_TBU_TLB);

        if (!sm_tagcache_lookup_fill(e->utlb[tbu], sm_utlb_hint(r),
                                     sm_utlb_ctx(r), r->iova,
                                     sm_utlb_mask(r), done, &ready)) {
            sm_quick(e, r->arrival, res, tbu, SM_QUICK_TBU_TLB, start);
            return;
        }
        utlb_hit = true;
    } else if (r->fault) {
        utlb_hit = false;
    } else if (sm_utlb_keeps(r)) {
        /* Not quick on a miss (sm_quick_kind()): the payload comes later */
        utlb_hit = sm_tagcache_lookup_fill(e->utlb[tbu], sm_utlb_hint(r),
                                           sm_utlb_ctx(r), r->iova,
                                           sm_utlb_mask(r), UINT64_MAX,
                                           &ready);
    } else {
        utlb_hit = sm_tagcache_lookup(e->utlb[tbu], sm_utlb_hint(r),
                                      sm_utlb_ctx(r), r->iova, &ready);
    }
    k = sm_quick_kind(&e->p, r, utlb_hit, ready, start);
    if (k == SM_QUICK_COUNT) {
        sm_result_clear(res);
        res->tbu = tbu;
        e->hint_tbu = tbu;
        e->hint_ok = sm_translate_full(e, r, res, s, utlb_hit, ready);
        return;
    }
    sm_quick(e, r->arrival, res, tbu, k, start);
    if (k == SM_QUICK_TBU_TLB) {
        e->hint_ok = false;         /* a miss that keeps nothing */
    }
}

bool sm_timing_hint(const SmTimingEngine *e, SmTimingHint *h)
{
    if (!e->hint_ok) {
        h->ref.gen = 0;
        h->ref.live = NULL;
        return false;
    }
    h->tbu = e->hint_tbu;
    /* A hint is for later requests of the same 4 KiB page */
    return sm_tagcache_last_ref(e->utlb[e->hint_tbu], 4096, &h->ref);
}

bool sm_timing_translate_again(SmTimingEngine *e, const SmTimingHint *h,
                               uint64_t arrival, SmTimingResult *res)
{
    SmServers *s;
    uint64_t start;

    if (h->tbu >= e->p.tbu_count || !sm_timing_hint_live(h)) {
        return false;
    }
    s = &e->tbu[h->tbu];
    start = MAX(arrival, sm_servers_first(s));
    /* An entry still on its way goes the whole timeline (its wait) */
    if (!sm_tagcache_ref_hit(e->utlb[h->tbu], &h->ref,
                             start + e->p.utlb_latency)) {
        return false;
    }
    sm_quick(e, arrival, res, h->tbu, SM_QUICK_UTLB, start);
    return true;
}

/* ---- Commands ----------------------------------------------------------- */

uint64_t sm_timing_command(SmTimingEngine *e, SmTimingCmdClass c,
                           uint64_t arrival, uint64_t *consumed)
{
    SmServers *s = &e->res[SM_TIMING_RES_CMDQ];
    uint64_t start = arrival;
    uint64_t wait = 0;
    uint64_t busy_until, done;
    uint32_t cost, i;

    if (c >= SM_TIMING_CMD_COUNT) {
        c = SM_TIMING_CMD_OTHER;
    }
    cost = e->p.cmd_cost[c];
    sm_take(e, SM_TIMING_RES_CMDQ, s, &start, &wait);
    switch (c) {
    case SM_TIMING_CMD_SYNC:
        /* In order: the queue does not move on until the SYNC is done. */
        done = busy_until = MAX(start, e->cmd_done_max) + cost;
        break;
    case SM_TIMING_CMD_ATC_INV:
        /* Issued, then answered by the device while the queue moves on. */
        busy_until = start + cost;
        done = busy_until + e->p.atc_inv_round_trip;
        break;
    default:
        done = busy_until = start + cost;
        break;
    }
    sm_give(e, SM_TIMING_RES_CMDQ, s, start, busy_until);
    e->cmd_done_max = MAX(e->cmd_done_max, done);
    e->st.commands[c]++;
    if (c == SM_TIMING_CMD_CFGI || c == SM_TIMING_CMD_TLBI) {
        for (i = 0; i < e->p.tbu_count; i++) {
            sm_tagcache_invalidate_all(e->utlb[i]);
        }
        e->st.utlb_flushes++;
    }
    if (c == SM_TIMING_CMD_SYNC) {
        sm_hist_add(&e->sync, done - arrival);
    }
    if (consumed) {
        /* A SYNC is consumed when it completes; others when issued. */
        *consumed = c == SM_TIMING_CMD_SYNC ? done : busy_until;
    }
    return done;
}

/* ---- Record helpers ----------------------------------------------------- */

/* sm_timing_record_add(), inline: a walk's accesses are added in a loop. */
static inline bool sm_record_add(SmTimingRecord *r, unsigned stage,
                                 int level, uint64_t pa,
                                 SmTimingAccessKind kind)
{
    if (r->n_accesses >= SM_TIMING_MAX_ACCESSES) {
        return false;
    }
    r->accesses[r->n_accesses++] = (SmTimingAccess){
        .pa = pa, .stage = (uint8_t)stage, .level = (int8_t)level,
        .kind = (uint8_t)kind,
    };
    return true;
}

bool sm_timing_record_add(SmTimingRecord *r, unsigned stage, int level,
                          uint64_t pa, SmTimingAccessKind kind)
{
    return sm_record_add(r, stage, level, pa, kind);
}

unsigned sm_timing_record_add_walk(SmTimingRecord *r, const SmWalkResult *w)
{
    unsigned n = MIN(w->n_accesses, SM_WALK_MAX_ACCESSES);
    unsigned lost = w->n_accesses - n;
    unsigned i;

    for (i = 0; i < n; i++) {
        const SmWalkAccess *a = &w->accesses[i];
        SmTimingAccessKind kind = a->cached ? SM_TIMING_ACC_WALKC_HIT :
                                  a->write ? SM_TIMING_ACC_WRITE :
                                  SM_TIMING_ACC_READ;

        lost += !sm_record_add(r, a->stage, a->level, a->addr, kind);
    }
    return lost;
}

/* ---- Statistics --------------------------------------------------------- */

SmTimingStats sm_timing_stats(const SmTimingEngine *e)
{
    SmTimingStats s = e->st;
    unsigned i;

    s.res[SM_TIMING_RES_TBU].servers = e->p.slots_tbu;
    for (i = SM_TIMING_RES_TCU; i < SM_TIMING_RES_COUNT; i++) {
        s.res[i].servers = e->res[i].n;
    }
    sm_quick_fold(e, &s);
    s.latency = sm_hist_summary(&e->lat);
    s.sync_latency = sm_hist_summary(&e->sync);
    return s;
}

void sm_timing_reset_stats(SmTimingEngine *e)
{
    memset(&e->st, 0, sizeof(e->st));
    sm_hist_clear(&e->lat);
    sm_hist_clear(&e->sync);
    memset(e->quick, 0, sizeof(e->quick));
}

/* ---- Units and names ---------------------------------------------------- */

/* cycles * 1000 / mhz, split so that no intermediate overflows early. */
uint64_t sm_timing_cycles_to_ns(const SmTimingParams *p, uint64_t cycles)
{
    if (p->clock_mhz == 1000) {
        return cycles;
    }
    return cycles / p->clock_mhz * 1000 +
           cycles % p->clock_mhz * 1000 / p->clock_mhz;
}

uint64_t sm_timing_cycles_to_ns_up(const SmTimingParams *p, uint64_t cycles)
{
    uint64_t ns = sm_timing_cycles_to_ns(p, cycles);

    return sm_timing_ns_to_cycles(p, ns) < cycles ? ns + 1 : ns;
}

uint64_t sm_timing_ns_to_cycles(const SmTimingParams *p, uint64_t ns)
{
    if (p->clock_mhz == 1000) {
        return ns;              /* every preset's clock: on each request */
    }
    return ns / 1000 * p->clock_mhz + ns % 1000 * p->clock_mhz / 1000;
}

const char *sm_timing_cmd_name(SmTimingCmdClass c)
{
    static const char *const names[SM_TIMING_CMD_COUNT] = {
        [SM_TIMING_CMD_CFGI] = "cfgi",
        [SM_TIMING_CMD_TLBI] = "tlbi",
        [SM_TIMING_CMD_ATC_INV] = "atc_inv",
        [SM_TIMING_CMD_SYNC] = "sync",
        [SM_TIMING_CMD_PREFETCH] = "prefetch",
        [SM_TIMING_CMD_OTHER] = "other",
    };

    return c < SM_TIMING_CMD_COUNT ? names[c] : "?";
}

const char *sm_timing_res_name(SmTimingRes r)
{
    static const char *const names[SM_TIMING_RES_COUNT] = {
        [SM_TIMING_RES_TBU] = "tbu",
        [SM_TIMING_RES_TCU] = "tcu",
        [SM_TIMING_RES_PTW] = "ptw",
        [SM_TIMING_RES_EVENTQ] = "eventq",
        [SM_TIMING_RES_CMDQ] = "cmdq",
    };

    return r < SM_TIMING_RES_COUNT ? names[r] : "?";
}
