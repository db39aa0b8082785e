/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the tags-only cache of the timing model: geometry
 * checks, the victim each policy picks (tree PLRU against true LRU),
 * region tags, payloads and reset.  Caches have one to four sets of four
 * ways, so every test evicts.
 */
#include <glib.h>
#include <string.h>

#include "sm-replace.h"
#include "sm-tagcache.h"

#define PAGE_MASK (~UINT64_C(0xfff))

/* Tags A, B, C, ... are pages 0x1000, 0x2000, ... of context 7. */
#define TAG(n)    ((uint64_t)(n) << 12)
#define CTX       7

static SmTagCache *t_new(uint32_t entries, uint32_t ways, SmTagPolicy pol,
                         uint64_t seed)
{
    SmTagCacheParams p = { .entries = entries, .ways = ways,
                           .policy = pol, .seed = seed };
    SmTagCache *c = sm_tagcache_new(&p);

    g_assert_nonnull(c);
    return c;
}

static void t_put(SmTagCache *c, unsigned n)
{
    sm_tagcache_insert(c, 0, CTX, TAG(n), PAGE_MASK, n);
}

static bool t_has(SmTagCache *c, unsigned n)
{
    return sm_tagcache_lookup(c, 0, CTX, TAG(n), NULL);
}

static void test_params(void)
{
    SmTagCacheParams p = { .entries = 4, .ways = 4, .policy = SM_TAG_PLRU };

    g_assert_null(sm_tagcache_check_params(&p));
    p.entries = 0;
    g_assert_cmpstr(sm_tagcache_check_params(&p), ==,
                    "entries must be at least 1");
    g_assert_null(sm_tagcache_new(&p));
    p.entries = 6;
    p.ways = 2;                      /* 3 sets */
    g_assert_cmpstr(sm_tagcache_check_params(&p), ==,
                    "entries / ways (the number of sets) must be a power "
                    "of two");
    p.ways = 4;                      /* does not divide 6 */
    g_assert_cmpstr(sm_tagcache_check_params(&p), ==,
                    "ways must divide entries");
    p.entries = 3;
    p.ways = 0;                      /* fully associative, 3 ways */
    g_assert_cmpstr(sm_tagcache_check_params(&p), ==,
                    "plru needs a power-of-two number of ways, at most 64");
    p.policy = SM_TAG_LRU;           /* any way count is fine for LRU */
    g_assert_null(sm_tagcache_check_params(&p));
    p.entries = 128;
    p.policy = SM_TAG_PLRU;          /* 128 ways: too many node bits */
    g_assert_nonnull(sm_tagcache_check_params(&p));
    p.ways = 64;                     /* 2 sets of 64 */
    g_assert_null(sm_tagcache_check_params(&p));
}

/*
 * One set of four ways.  Fill A B C D (ways 0..3, in that order), use A
 * again, insert E.  True LRU evicts the least recently used: B.
 */
static void test_lru_victim(void)
{
    SmTagCache *c = t_new(4, 4, SM_TAG_LRU, 0);
    unsigned n;

    for (n = 1; n <= 4; n++) {
        t_put(c, n);
    }
    g_assert_true(t_has(c, 1));
    t_put(c, 5);
    g_assert_false(t_has(c, 2));
    g_assert_true(t_has(c, 1) && t_has(c, 3) && t_has(c, 4) && t_has(c, 5));
    sm_tagcache_free(c);
}

/*
 * Same sequence with tree PLRU.  Nodes: root 1 over ways {0,1 | 2,3},
 * node 2 over {0 | 1}, node 3 over {2 | 3}; a bit points to the victim
 * side.  Use of way 0: root -> right, node 2 -> right (way 1).  Way 1:
 * root -> right, node 2 -> left.  Way 2: root -> left, node 3 -> right.
 * Way 3: root -> left, node 3 -> left.  Now the victim would be way 0
 * (root left, node 2 left).  Use A (way 0): root -> right, node 2 ->
 * right.  Victim: root right, node 3 left: way 2, tag C, where true LRU
 * picks B.
 */
static void test_plru_victim(void)
{
    SmTagCache *c = t_new(4, 4, SM_TAG_PLRU, 0);
    unsigned n;

    for (n = 1; n <= 4; n++) {
        t_put(c, n);
    }
    g_assert_true(t_has(c, 1));
    g_assert_cmpuint(sm_tagcache_insert(c, 0, CTX, TAG(5), PAGE_MASK, 5),
                     ==, 2);
    g_assert_false(t_has(c, 3));
    g_assert_true(t_has(c, 1) && t_has(c, 2) && t_has(c, 4) && t_has(c, 5));
    sm_tagcache_free(c);
}

/*
 * Round-robin: invalid ways are used first without moving the pointer,
 * so once A B C D fill ways 0..3, victims are way 0 (A) then way 1 (B),
 * whatever was used in between.
 */
static void test_round_robin_victim(void)
{
    SmTagCache *c = t_new(4, 4, SM_TAG_ROUND_ROBIN, 0);
    unsigned n;

    for (n = 1; n <= 4; n++) {
        t_put(c, n);
    }
    g_assert_true(t_has(c, 1));
    g_assert_cmpuint(sm_tagcache_insert(c, 0, CTX, TAG(5), PAGE_MASK, 5),
                     ==, 0);
    g_assert_cmpuint(sm_tagcache_insert(c, 0, CTX, TAG(6), PAGE_MASK, 6),
                     ==, 1);
    g_assert_false(t_has(c, 1));
    g_assert_false(t_has(c, 2));
    g_assert_true(t_has(c, 3) && t_has(c, 4) && t_has(c, 5) && t_has(c, 6));
    sm_tagcache_free(c);
}

/*
 * Random: two caches with one seed choose the same ways; a reset brings
 * a cache back to its first choices.  Each insert into a full set
 * replaces exactly one entry.
 */
static void test_random_deterministic(void)
{
    SmTagCache *a = t_new(4, 4, SM_TAG_RANDOM, 42);
    SmTagCache *b = t_new(4, 4, SM_TAG_RANDOM, 42);
    uint32_t first[16];
    unsigned n;

    for (n = 1; n <= 20; n++) {
        uint32_t wa = sm_tagcache_insert(a, 0, CTX, TAG(n), PAGE_MASK, n);
        uint32_t wb = sm_tagcache_insert(b, 0, CTX, TAG(n), PAGE_MASK, n);

        g_assert_cmpuint(wa, ==, wb);
        g_assert_cmpuint(wa, <, 4);
        if (n > 4) {
            first[n - 5] = wa;
        }
    }
    g_assert_true(t_has(a, 20));     /* the last insert is always there */
    sm_tagcache_reset(a);
    for (n = 1; n <= 20; n++) {
        uint32_t w = sm_tagcache_insert(a, 0, CTX, TAG(n), PAGE_MASK, n);

        if (n > 4) {
            g_assert_cmpuint(w, ==, first[n - 5]);
        }
    }
    sm_tagcache_free(a);
    sm_tagcache_free(b);
}

/* An entry covers its region (base, mask) in its context only. */
static void test_region_and_payload(void)
{
    SmTagCache *c = t_new(4, 0, SM_TAG_LRU, 0);
    uint64_t two_mib = ~UINT64_C(0x1fffff);
    uint64_t pl = 0;

    sm_tagcache_insert(c, 0, CTX, 0x40123456, two_mib, 99);
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, 0x40000000, &pl));
    g_assert_cmpuint(pl, ==, 99);
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, 0x401fffff, NULL));
    g_assert_false(sm_tagcache_lookup(c, 0, CTX, 0x40200000, NULL));
    g_assert_false(sm_tagcache_lookup(c, 0, CTX + 1, 0x40000000, NULL));
    g_assert_cmpuint(sm_tagcache_invalidate_all(c), ==, 1);
    g_assert_false(sm_tagcache_lookup(c, 0, CTX, 0x40000000, NULL));
    g_assert_cmpuint(sm_tagcache_invalidate_all(c), ==, 0);
    sm_tagcache_free(c);
}

/* 8 entries, 4 ways: 2 sets; filling set 0 leaves set 1 alone. */
static void test_sets_independent(void)
{
    SmTagCache *c = t_new(8, 4, SM_TAG_LRU, 0);
    unsigned n;

    g_assert_cmpuint(sm_tagcache_sets(c), ==, 2);
    g_assert_cmpuint(sm_tagcache_ways(c), ==, 4);
    sm_tagcache_insert(c, 1, CTX, TAG(100), PAGE_MASK, 0);
    for (n = 1; n <= 8; n++) {
        sm_tagcache_insert(c, 2, CTX, TAG(n), PAGE_MASK, 0);  /* set 0 */
    }
    g_assert_true(sm_tagcache_lookup(c, 3, CTX, TAG(100), NULL));
    g_assert_false(sm_tagcache_lookup(c, 0, CTX, TAG(1), NULL));
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, TAG(8), NULL));
    sm_tagcache_free(c);
}

/*
 * Overlapping entries: a 4 KiB page (way 0, payload 1) and later the
 * 2 MiB block around it (way 1, payload 2, filled after a lookup of
 * another page of the block missed).  A lookup of the 4 KiB page finds
 * both; the lowest way answers, also right after the block was used (the
 * last-used way is not trusted once a set has overlapped).  Other pages
 * of the block hit way 1.
 */
static void test_overlap_lowest_way(void)
{
    SmTagCache *c = t_new(4, 4, SM_TAG_PLRU, 0);
    uint64_t block = UINT64_C(0x40000000), pay = 0;

    sm_tagcache_insert(c, 0, CTX, block + 0x3000, PAGE_MASK, 1);
    g_assert_false(sm_tagcache_lookup(c, 0, CTX, block + 0x5000, NULL));
    sm_tagcache_insert(c, 0, CTX, block + 0x5000, ~UINT64_C(0x1fffff), 2);
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, block + 0x5000, &pay));
    g_assert_cmpuint(pay, ==, 2);
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, block + 0x3008, &pay));
    g_assert_cmpuint(pay, ==, 1);
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, block + 0x1ff000, &pay));
    g_assert_cmpuint(pay, ==, 2);
    g_assert_true(sm_tagcache_lookup(c, 0, CTX, block + 0x3ff0, &pay));
    g_assert_cmpuint(pay, ==, 1);
    /* Another context never matches */
    g_assert_false(sm_tagcache_lookup(c, 0, CTX + 1, block + 0x3000, NULL));
    sm_tagcache_free(c);
}

/*
 * References (SmTagRef): a hit through one needs its fill still there
 * and the payload within the limit, and counts for replacement as a
 * lookup hit does.  LRU, 2 ways, payload = tag number: A, B; a
 * reference to A; A's payload 1 is above a limit of 0 (no hit, no use),
 * within 1 (a hit: B becomes the victim), so C replaces B and A stays,
 * its reference too.  A hit through it again makes C the victim of D;
 * then E replaces A: A's reference ends.  Emptying the cache ends every
 * one; an entry smaller than the size asked for gets none.  A set
 * that holds overlapping entries answers no reference (a lookup must
 * find the lowest matching way there).
 */
static void test_refs(void)
{
    SmTagCache *c = t_new(2, 2, SM_TAG_LRU, 0);
    uint64_t block = UINT64_C(0x40000000);
    SmTagRef a, b;

    t_put(c, 1);
    g_assert_true(sm_tagcache_last_ref(c, 4096, &a));
    t_put(c, 2);
    g_assert_cmpuint(a.gen, !=, 0);
    g_assert_false(sm_tagcache_ref_hit(c, &a, 0));
    g_assert_true(sm_tagcache_ref_hit(c, &a, 1));
    t_put(c, 3);
    g_assert_false(t_has(c, 2));
    g_assert_true(sm_tagcache_ref_hit(c, &a, UINT64_MAX));   /* A, used */
    t_put(c, 4);                     /* C was the LRU way */
    g_assert_false(t_has(c, 3));
    t_put(c, 5);                     /* now A is: replaced */
    g_assert_false(t_has(c, 1));
    g_assert_false(sm_tagcache_ref_hit(c, &a, UINT64_MAX));
    /* a lookup hit's reference, then everything emptied */
    g_assert_true(t_has(c, 4));
    g_assert_true(sm_tagcache_last_ref(c, 4096, &b));
    g_assert_true(sm_tagcache_ref_hit(c, &b, UINT64_MAX));
    g_assert_cmpuint(sm_tagcache_invalidate_all(c), ==, 2);
    g_assert_false(sm_tagcache_ref_hit(c, &b, UINT64_MAX));
    g_assert_false(sm_tagcache_last_ref(c, 4096, &b));    /* empty slot */
    g_assert_cmpuint(b.gen, ==, 0);
    /* a region smaller than asked for: no reference */
    sm_tagcache_insert(c, 0, CTX, TAG(9), ~UINT64_C(0x7ff), 9);
    g_assert_false(sm_tagcache_last_ref(c, 4096, &b));
    g_assert_true(sm_tagcache_last_ref(c, 2048, &b));
    g_assert_cmpuint(sm_tagcache_invalidate_all(c), ==, 1);
    /* overlapping entries in the set: no reference answers */
    sm_tagcache_insert(c, 0, CTX, block + 0x3000, PAGE_MASK, 5);
    g_assert_true(sm_tagcache_last_ref(c, 4096, &a));
    g_assert_true(sm_tagcache_ref_hit(c, &a, UINT64_MAX));
    sm_tagcache_insert(c, 0, CTX, block + 0x5000, ~UINT64_C(0x1fffff), 6);
    g_assert_false(sm_tagcache_ref_hit(c, &a, UINT64_MAX));
    sm_tagcache_free(c);
}

/*
 * The tree walk to the PLRU victim written out plainly, one level at a
 * time from the root: what sm_plru_victim() (which starts three levels
 * down, from a table) must answer, and what the reference model below
 * uses.
 */
static uint32_t t_plru_walk(uint64_t bits, uint32_t ways)
{
    uint32_t node = 1;

    while (node < ways) {
        node = 2 * node + (uint32_t)((bits >> node) & 1);
    }
    return node - ways;
}

/* Every way count PLRU takes, random node bits and every 7-bit top. */
static void test_plru_victim_walk(void)
{
    uint64_t rng = 5;
    uint32_t ways;
    unsigned i;

    for (ways = 1; ways <= SM_PLRU_MAX_WAYS; ways *= 2) {
        for (i = 0; i < 4096; i++) {
            uint64_t bits = sm_rand_next(&rng);

            if (i < 128) {
                bits = (bits & ~UINT64_C(0xfe)) | (uint64_t)i << 1;
            }
            g_assert_cmpuint(sm_plru_victim(bits, ways), ==,
                             t_plru_walk(bits, ways));
        }
    }
}

/* ---- Against a scan ------------------------------------------------------ */

/*
 * The reference: a copy of every way's tag (the way each insert reports
 * it used), looked up by scanning the set in way order.  Whatever the
 * cache does to be fast, a lookup must answer what this scan answers:
 * the lowest matching way's payload, or a miss.
 */
typedef struct TWay {
    bool valid;
    uint64_t ctx, base, mask, payload;
} TWay;

typedef struct TMirror {
    TWay *way;
    uint32_t sets, ways;
} TMirror;

static bool t_scan(const TMirror *m, uint64_t hint, uint64_t ctx,
                   uint64_t addr, uint64_t *payload)
{
    uint32_t set = hint & (m->sets - 1);
    uint32_t w;

    for (w = 0; w < m->ways; w++) {
        const TWay *x = &m->way[set * m->ways + w];

        if (x->valid && x->ctx == ctx && (addr & x->mask) == x->base) {
            *payload = x->payload;
            return true;
        }
    }
    return false;
}

static uint64_t t_rand(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 33;
}

/* How a workload picks the region an address misses into. */
typedef enum TMasks {
    T_PAGES,        /* 4 KiB only */
    T_BY_REGION,    /* 4 KiB, 64 KiB, 2 MiB: each in its own region */
    T_ANY,          /* six masks (one the whole space), anywhere */
} TMasks;

static uint64_t t_pick_mask(TMasks kind, uint64_t region, uint64_t *rng)
{
    uint64_t r;

    switch (kind) {
    case T_PAGES:
        return ~UINT64_C(0xfff);
    case T_BY_REGION:
        r = region;
        return r == 0 ? ~UINT64_C(0xfff) : r == 1 ? ~UINT64_C(0xffff)
                                                   : ~UINT64_C(0x1fffff);
    default:
        /* Mostly pages: large entries would soon answer everything */
        r = t_rand(rng) % 100;
        return r < 70 ? ~UINT64_C(0xfff) : r < 85 ? ~UINT64_C(0x3fff) :
               r < 95 ? ~UINT64_C(0xffff) : r < 99 ? ~UINT64_C(0x3ff) :
               t_rand(rng) % 2 ? ~UINT64_C(0x1fffff) : 0;
    }
}

/*
 * The lookup, and on a miss the insert of (@ctx, @addr, @mask, @payload),
 * through the combined entry points, in turn by @style: the missed
 * lookup's state handed to the insert, or lookup and fill in one call.
 * Returns the hit, the way filled in *@way.
 */
static bool t_lookup_fill(SmTagCache *d, unsigned style, uint64_t hint,
                          uint64_t ctx, uint64_t addr, uint64_t mask,
                          uint64_t payload, uint64_t *got, uint32_t *way)
{
    SmTagMiss miss;
    SmTagRef ref;

    if (style % 2) {
        if (sm_tagcache_lookup_miss(d, hint, ctx, addr, got, &miss)) {
            return true;
        }
        *way = sm_tagcache_insert_missed(d, &miss, ctx, addr, mask, payload);
        return false;
    }
    if (sm_tagcache_lookup_fill(d, hint, ctx, addr, mask, payload, got)) {
        return true;
    }
    sm_tagcache_last_ref(d, 1, &ref);     /* names the slot filled */
    *way = ref.slot % sm_tagcache_ways(d);
    return false;
}

/*
 * A random access of the tests' traffic, its region returned: one of
 * three contexts (the third as the micro-TLB's with a SubstreamID), in
 * one of three 2 MiB regions (the last high up: the hashes see the upper
 * bits too), in one of their first @pages pages.
 */
static uint64_t t_random_access(uint64_t *rng, unsigned pages, uint64_t *ctx,
                                uint64_t *addr)
{
    uint64_t region;

    *ctx = (uint64_t[]){ 1, 2, UINT64_C(1) << 32 | UINT64_C(3) << 33 }
           [t_rand(rng) % 3];
    region = t_rand(rng) % 3;
    *addr = (region == 2 ? UINT64_C(0x7f0000000000) : 0) | region << 21 |
            (t_rand(rng) % pages) << 12 | (t_rand(rng) % 512) << 3;
    return region;
}

/*
 * @ops lookups of random addresses (three contexts, 32 pages in each of
 * three 2 MiB regions: more than fit, so sets fill and evict), each miss
 * followed by an insert as callers do, everything invalidated every 1000
 * lookups (also the way out for an entry covering the whole space, which
 * never misses and so is never evicted); every lookup compared with the
 * scan.  The mirror takes the way each insert reports: victim choices
 * are the policies' own tests' business, this one is about lookups.  A
 * second cache takes the same requests through the combined entry points
 * (t_lookup_fill()) and must answer and choose exactly as the first.
 */
static void t_against_scan(uint32_t entries, uint32_t ways, SmTagPolicy pol,
                           TMasks kind, unsigned ops)
{
    SmTagCache *c = t_new(entries, ways, pol, 99);
    SmTagCache *d = t_new(entries, ways, pol, 99);
    TMirror m = { .sets = sm_tagcache_sets(c), .ways = sm_tagcache_ways(c) };
    uint64_t rng = entries * 31 + ways * 7 + pol * 3 + kind;
    uint64_t next_payload = 1;
    unsigned i, hits = 0;

    m.way = g_new0(TWay, entries);
    for (i = 0; i < ops; i++) {
        uint64_t ctx, addr;
        uint64_t region = t_random_access(&rng, 32, &ctx, &addr);
        uint64_t hint = (addr >> 12) ^ ctx;     /* as the micro-TLB's */
        uint64_t want = 0, got = 0, got_d = 0, mask;
        uint32_t way, way_d = UINT32_MAX;
        bool expect;
        TWay *x;

        if (i % 1000 == 999) {
            sm_tagcache_invalidate_all(c);
            sm_tagcache_invalidate_all(d);
            memset(m.way, 0, sizeof(*m.way) * entries);
        }
        expect = t_scan(&m, hint, ctx, addr, &want);
        /* Drawn before either lookup: the combined ones insert with it */
        mask = t_pick_mask(kind, region, &rng);

        g_assert_cmpint(sm_tagcache_lookup(c, hint, ctx, addr, &got), ==,
                        expect);
        g_assert_cmpint(t_lookup_fill(d, i, hint, ctx, addr, mask,
                                      next_payload, &got_d, &way_d), ==,
                        expect);
        if (expect) {
            g_assert_cmpuint(got, ==, want);
            g_assert_cmpuint(got_d, ==, want);
            hits++;
            continue;
        }
        way = sm_tagcache_insert(c, hint, ctx, addr, mask, next_payload);
        g_assert_cmpuint(way_d, ==, way);
        x = &m.way[(hint & (m.sets - 1)) * m.ways + way];
        *x = (TWay){ true, ctx, addr & mask, mask, next_payload++ };
    }
    /* Not a test of nothing: both answers happened, and often */
    g_assert_cmpuint(hits, >, ops / 50);
    g_assert_cmpuint(hits, <, ops - ops / 50);
    sm_tagcache_free(c);
    sm_tagcache_free(d);
    g_free(m.way);
}

static void test_against_scan(void)
{
    static const struct {
        uint32_t entries, ways;
    } geo[] = { { 32, 0 }, { 32, 4 }, { 8, 2 }, { 64, 64 } };
    static const TMasks kinds[] = { T_PAGES, T_BY_REGION, T_ANY };
    unsigned g, k;
    int pol;

    for (g = 0; g < G_N_ELEMENTS(geo); g++) {
        for (pol = 0; pol < SM_TAG_POLICY_COUNT; pol++) {
            for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
                t_against_scan(geo[g].entries, geo[g].ways, pol, kinds[k],
                               20000);
            }
        }
    }
}

/* ---- Against a reference model ------------------------------------------- */

/*
 * A second, independent model of the whole cache, replacement included:
 * ways filled in order, lookups by a scan in way order, the victim of a
 * full set by the policy written out plainly (true LRU by use stamps,
 * tree PLRU by sm_plru_touch() and t_plru_walk() on the bits, a
 * pointer per set, the seeded generator), the overlap flag of a set by
 * comparing regions.  The cache's fast paths (one mask in use: probe,
 * index, no overlap check) and its general ones must both answer and
 * choose as this does, so they answer and choose alike.
 */
typedef struct TRefWay {
    bool valid;
    uint64_t ctx, base, mask, payload;
    uint64_t stamp;             /* LRU: the clock at the last use */
    uint64_t fill;              /* which fill the way holds (references) */
} TRefWay;

typedef struct TRef {
    TRefWay *way;
    uint64_t *repl;             /* per set: PLRU bits or round-robin way */
    bool *overlap;              /* per set, sticky until emptied */
    uint32_t sets, ways;
    SmTagPolicy pol;
    uint64_t clock, rng, fills;
} TRef;

static void t_ref_init(TRef *r, uint32_t entries, uint32_t ways,
                       SmTagPolicy pol, uint64_t seed)
{
    r->ways = ways ? ways : entries;
    r->sets = entries / r->ways;
    r->way = g_new0(TRefWay, entries);
    r->repl = g_new0(uint64_t, r->sets);
    r->overlap = g_new0(bool, r->sets);
    r->pol = pol;
    r->clock = r->fills = 0;
    r->rng = seed;
}

static void t_ref_free(TRef *r)
{
    g_free(r->way);
    g_free(r->repl);
    g_free(r->overlap);
}

/* Emptied: replacement state stays, as the cache's does. */
static void t_ref_empty(TRef *r)
{
    uint32_t i;

    for (i = 0; i < r->sets * r->ways; i++) {
        r->way[i].valid = false;
    }
    memset(r->overlap, 0, sizeof(*r->overlap) * r->sets);
}

static void t_ref_use(TRef *r, uint32_t set, uint32_t w)
{
    if (r->pol == SM_TAG_LRU) {
        r->way[set * r->ways + w].stamp = ++r->clock;
    } else if (r->pol == SM_TAG_PLRU) {
        sm_plru_touch(&r->repl[set], r->ways, w);
    }
}

/* The lowest way of the set of @hint matching, or -1; used if found. */
static int t_ref_lookup(TRef *r, uint64_t hint, uint64_t ctx, uint64_t addr)
{
    uint32_t set = hint & (r->sets - 1);
    uint32_t w;

    for (w = 0; w < r->ways; w++) {
        const TRefWay *x = &r->way[set * r->ways + w];

        if (x->valid && x->ctx == ctx && (addr & x->mask) == x->base) {
            t_ref_use(r, set, w);
            return (int)w;
        }
    }
    return -1;
}

static uint32_t t_ref_victim(TRef *r, uint32_t set)
{
    TRefWay *s = &r->way[set * r->ways];
    uint32_t w, best = 0;

    for (w = 0; w < r->ways; w++) {
        if (!s[w].valid) {
            return w;
        }
    }
    switch (r->pol) {
    case SM_TAG_PLRU:
        return t_plru_walk(r->repl[set], r->ways);
    case SM_TAG_ROUND_ROBIN:
        best = (uint32_t)r->repl[set];
        r->repl[set] = (best + 1) % r->ways;
        return best;
    case SM_TAG_RANDOM:
        return sm_rand_next(&r->rng) % r->ways;
    default:
        for (w = 1; w < r->ways; w++) {
            if (s[w].stamp < s[best].stamp) {
                best = w;
            }
        }
        return best;
    }
}

/* The insert after a missed lookup; returns the way. */
static uint32_t t_ref_insert(TRef *r, uint64_t hint, uint64_t ctx,
                             uint64_t addr, uint64_t mask, uint64_t payload)
{
    uint32_t set = hint & (r->sets - 1);
    uint64_t base = addr & mask;
    uint32_t w;

    for (w = 0; w < r->ways; w++) {
        const TRefWay *x = &r->way[set * r->ways + w];

        /* Aligned regions meet when the larger holds the smaller's base */
        if (x->valid && x->ctx == ctx &&
            ((x->base & mask) == base || (base & x->mask) == x->base)) {
            r->overlap[set] = true;
        }
    }
    w = t_ref_victim(r, set);
    r->way[set * r->ways + w] = (TRefWay){
        .valid = true, .ctx = ctx, .base = base, .mask = mask,
        .payload = payload, .fill = ++r->fills,
    };
    t_ref_use(r, set, w);
    return w;
}

/* What sm_tagcache_ref_hit() answers for the fill @fill in @slot. */
static bool t_ref_ref_hit(TRef *r, uint32_t slot, uint64_t fill)
{
    uint32_t set = slot / r->ways;
    const TRefWay *x = &r->way[slot];

    if (!x->valid || x->fill != fill || r->overlap[set]) {
        return false;
    }
    t_ref_use(r, set, slot % r->ways);
    return true;
}

/* How t_against_ref() picks masks: t_pick_mask()'s, and one more. */
#define T_PAGES_MOSTLY ((TMasks)(T_ANY + 1))   /* a 2 MiB block now and then */

static uint64_t t_ref_pick_mask(TMasks kind, uint64_t region, uint64_t *rng)
{
    if (kind == T_PAGES_MOSTLY) {
        return t_rand(rng) % 300 ? ~UINT64_C(0xfff) : ~UINT64_C(0x1fffff);
    }
    return t_pick_mask(kind, region, rng);
}

/*
 * @ops requests as in t_against_scan(), through every entry point in
 * turn (lookup then insert, lookup_miss then insert_missed, lookup_fill,
 * lookup_fill with the payload set after)
 * and, now and then, a hit through a reference taken some requests
 * before; invalidations at random (so that a cache spends stretches with
 * one mask and with several).  Every answer, payload and way filled is
 * the reference's.
 */
static void t_against_ref(uint32_t entries, uint32_t ways, SmTagPolicy pol,
                          TMasks kind, unsigned ops)
{
    SmTagCache *c = t_new(entries, ways, pol, 77);
    uint64_t rng = entries * 17 + ways * 5 + pol * 11 + kind * 3 + 1;
    uint64_t next_payload = 1;
    SmTagRef old = { 0 };
    uint64_t old_fill = 0;
    unsigned i, hits = 0, ref_hits = 0;
    TRef r;

    t_ref_init(&r, entries, ways, pol, 77);
    for (i = 0; i < ops; i++) {
        uint64_t ctx, addr;
        uint64_t region = t_random_access(&rng, 24, &ctx, &addr);
        uint64_t hint = (addr >> 12) ^ ctx;
        uint64_t mask = t_ref_pick_mask(kind, region, &rng);
        uint64_t got = 0, want;
        unsigned style = t_rand(&rng) % 4;
        uint32_t way = UINT32_MAX;
        SmTagMiss miss;
        SmTagRef ref;
        bool hit;
        int rw;

        if (t_rand(&rng) % 1500 == 0) {
            sm_tagcache_invalidate_all(c);
            t_ref_empty(&r);
        }
        if (old.gen && t_rand(&rng) % 8 == 0) {
            bool want_ref = t_ref_ref_hit(&r, old.slot, old_fill);

            g_assert_cmpint(sm_tagcache_ref_hit(c, &old, UINT64_MAX), ==,
                            want_ref);
            ref_hits += want_ref;
            continue;
        }
        rw = t_ref_lookup(&r, hint, ctx, addr);
        switch (style) {
        case 0:
            hit = sm_tagcache_lookup(c, hint, ctx, addr, &got);
            if (!hit) {
                way = sm_tagcache_insert(c, hint, ctx, addr, mask,
                                         next_payload);
            }
            break;
        case 1:
            hit = sm_tagcache_lookup_miss(c, hint, ctx, addr, &got, &miss);
            if (!hit) {
                way = sm_tagcache_insert_missed(c, &miss, ctx, addr, mask,
                                                next_payload);
            }
            break;
        case 2:
            hit = sm_tagcache_lookup_fill(c, hint, ctx, addr, mask,
                                          next_payload, &got);
            if (!hit) {
                sm_tagcache_last_ref(c, 1, &ref);
                way = ref.slot % sm_tagcache_ways(c);
            }
            break;
        default:
            /* The payload written after the fill, as the timing engine's */
            hit = sm_tagcache_lookup_fill(c, hint, ctx, addr, mask,
                                          UINT64_MAX, &got);
            if (!hit) {
                sm_tagcache_set_last_payload(c, next_payload);
                sm_tagcache_last_ref(c, 1, &ref);
                way = ref.slot % sm_tagcache_ways(c);
            }
            break;
        }
        g_assert_cmpint(hit, ==, rw >= 0);
        if (hit) {
            uint32_t set = hint & (r.sets - 1);

            want = r.way[set * r.ways + (uint32_t)rw].payload;
            g_assert_cmpuint(got, ==, want);
            hits++;
        } else {
            g_assert_cmpuint(way, ==, t_ref_insert(&r, hint, ctx, addr, mask,
                                                   next_payload++));
        }
        /* Now and then keep this request's entry for a later reference hit */
        if (t_rand(&rng) % 16 == 0 && sm_tagcache_last_ref(c, 1, &ref)) {
            old = ref;
            old_fill = r.way[ref.slot].fill;
        }
    }
    /* Not a test of nothing: hits, misses and reference hits, often */
    g_assert_cmpuint(hits, >, ops / 100);
    g_assert_cmpuint(hits, <, ops - ops / 50);
    g_assert_cmpuint(ref_hits, >, 0);
    sm_tagcache_free(c);
    t_ref_free(&r);
}

static void test_against_ref(void)
{
    static const struct {
        uint32_t entries, ways;
    } geo[] = { { 32, 0 }, { 32, 4 }, { 8, 2 }, { 64, 64 }, { 16, 1 } };
    static const TMasks kinds[] = { T_PAGES, T_PAGES_MOSTLY, T_BY_REGION,
                                    T_ANY };
    unsigned g, k;
    int pol;

    for (g = 0; g < G_N_ELEMENTS(geo); g++) {
        for (pol = 0; pol < SM_TAG_POLICY_COUNT; pol++) {
            for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
                t_against_ref(geo[g].entries, geo[g].ways, pol, kinds[k],
                              20000);
            }
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm/tagcache/params", test_params);
    g_test_add_func("/sm/tagcache/lru-victim", test_lru_victim);
    g_test_add_func("/sm/tagcache/plru-victim", test_plru_victim);
    g_test_add_func("/sm/tagcache/round-robin-victim",
                    test_round_robin_victim);
    g_test_add_func("/sm/tagcache/random-deterministic",
                    test_random_deterministic);
    g_test_add_func("/sm/tagcache/region-and-payload",
                    test_region_and_payload);
    g_test_add_func("/sm/tagcache/sets-independent", test_sets_independent);
    g_test_add_func("/sm/tagcache/overlap-lowest-way",
                    test_overlap_lowest_way);
    g_test_add_func("/sm/tagcache/refs", test_refs);
    g_test_add_func("/sm/tagcache/plru-victim-walk", test_plru_victim_walk);
    g_test_add_func("/sm/tagcache/against-scan", test_against_scan);
    g_test_add_func("/sm/tagcache/against-ref", test_against_ref);
    return g_test_run();
}
