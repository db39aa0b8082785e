/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tags-only set-associative cache: see sm-tagcache.h.
 *
 * Set s owns slots [s * ways, (s + 1) * ways).  Per set the cache keeps
 * one replacement word: the round-robin pointer or the PLRU node bits.
 *
 * Tree PLRU (one binary tree per set, nodes numbered 1 .. ways - 1 in
 * heap order, node n has children 2n and 2n + 1, leaves are the ways):
 * a node bit 0 says "the victim is on the left", 1 "on the right".  A
 * use of a way turns every node on its path to point away from it; the
 * victim is found by following the bits down from the root.
 */
#include <string.h>

#include <glib.h>

#include "sm-tagcache.h"

typedef struct SmTagSlot {
    bool valid;
    uint64_t ctx;
    uint64_t base;
    uint64_t mask;
    uint64_t payload;
    uint64_t stamp;          /* LRU: use clock at the last use */
} SmTagSlot;

struct SmTagCache {
    SmTagCacheParams p;
    uint32_t ways;
    uint32_t sets;
    SmTagSlot *slots;
    uint64_t *repl;          /* per set: RR next way or PLRU node bits */
    uint64_t clock;
    uint64_t rng;
};

static bool sm_tag_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

const char *sm_tagcache_check_params(const SmTagCacheParams *p)
{
    uint32_t ways;

    if (!p || p->entries == 0) {
        return "entries must be at least 1";
    }
    if (p->policy >= SM_TAG_POLICY_COUNT) {
        return "unknown replacement policy";
    }
    ways = p->ways ? p->ways : p->entries;
    if (ways > p->entries || p->entries % ways) {
        return "ways must divide entries";
    }
    if (!sm_tag_pow2(p->entries / ways)) {
        return "entries / ways (the number of sets) must be a power of two";
    }
    if (p->policy == SM_TAG_PLRU &&
        (!sm_tag_pow2(ways) || ways > SM_TAG_PLRU_MAX_WAYS)) {
        return "plru needs a power-of-two number of ways, at most 64";
    }
    return NULL;
}

void sm_tagcache_reset(SmTagCache *c)
{
    memset(c->slots, 0, sizeof(*c->slots) * c->p.entries);
    memset(c->repl, 0, sizeof(*c->repl) * c->sets);
    c->clock = 0;
    c->rng = c->p.seed;
}

SmTagCache *sm_tagcache_new(const SmTagCacheParams *p)
{
    SmTagCache *c;

    if (sm_tagcache_check_params(p)) {
        return NULL;
    }
    c = g_new0(SmTagCache, 1);
    c->p = *p;
    c->ways = p->ways ? p->ways : p->entries;
    c->sets = p->entries / c->ways;
    c->slots = g_new0(SmTagSlot, p->entries);
    c->repl = g_new0(uint64_t, c->sets);
    sm_tagcache_reset(c);
    return c;
}

void sm_tagcache_free(SmTagCache *c)
{
    if (!c) {
        return;
    }
    g_free(c->repl);
    g_free(c->slots);
    g_free(c);
}

uint32_t sm_tagcache_sets(const SmTagCache *c)
{
    return c->sets;
}

uint32_t sm_tagcache_ways(const SmTagCache *c)
{
    return c->ways;
}

/* splitmix64, the generator sm-cache uses too: small and well mixed. */
static uint64_t sm_tag_rand(SmTagCache *c)
{
    uint64_t z;

    c->rng += UINT64_C(0x9e3779b97f4a7c15);
    z = c->rng;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static SmTagSlot *sm_tag_set(SmTagCache *c, uint64_t set_hint)
{
    return &c->slots[(set_hint & (c->sets - 1)) * c->ways];
}

/* Point every node on the path to @way away from it. */
static void sm_tag_plru_touch(uint64_t *bits, uint32_t ways, uint32_t way)
{
    uint32_t node = 1;
    uint32_t span = ways;

    while (span > 1) {
        bool right = way >= span / 2;

        span /= 2;
        if (right) {
            *bits &= ~(UINT64_C(1) << node);     /* victim: go left */
            way -= span;
        } else {
            *bits |= UINT64_C(1) << node;        /* victim: go right */
        }
        node = 2 * node + right;
    }
}

static uint32_t sm_tag_plru_victim(uint64_t bits, uint32_t ways)
{
    uint32_t node = 1;
    uint32_t way = 0;
    uint32_t span = ways;

    while (span > 1) {
        bool right = (bits >> node) & 1;

        span /= 2;
        way += right ? span : 0;
        node = 2 * node + right;
    }
    return way;
}

static void sm_tag_use(SmTagCache *c, uint64_t set_hint, uint32_t way)
{
    uint32_t set = set_hint & (c->sets - 1);

    sm_tag_set(c, set_hint)[way].stamp = ++c->clock;
    if (c->p.policy == SM_TAG_PLRU) {
        sm_tag_plru_touch(&c->repl[set], c->ways, way);
    }
}

bool sm_tagcache_lookup(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                        uint64_t addr, uint64_t *payload)
{
    SmTagSlot *s = sm_tag_set(c, set_hint);
    uint32_t w;

    for (w = 0; w < c->ways; w++) {
        if (s[w].valid && s[w].ctx == ctx &&
            (addr & s[w].mask) == s[w].base) {
            sm_tag_use(c, set_hint, w);
            if (payload) {
                *payload = s[w].payload;
            }
            return true;
        }
    }
    return false;
}

static uint32_t sm_tag_victim(SmTagCache *c, uint64_t set_hint)
{
    uint32_t set = set_hint & (c->sets - 1);
    SmTagSlot *s = sm_tag_set(c, set_hint);
    uint32_t w;
    uint32_t best = 0;

    for (w = 0; w < c->ways; w++) {
        if (!s[w].valid) {
            return w;
        }
    }
    switch (c->p.policy) {
    case SM_TAG_PLRU:
        return sm_tag_plru_victim(c->repl[set], c->ways);
    case SM_TAG_ROUND_ROBIN:
        best = (uint32_t)c->repl[set];
        c->repl[set] = (best + 1) % c->ways;
        return best;
    case SM_TAG_RANDOM:
        return sm_tag_rand(c) % c->ways;
    case SM_TAG_LRU:
    default:
        for (w = 1; w < c->ways; w++) {
            if (s[w].stamp < s[best].stamp) {
                best = w;
            }
        }
        return best;
    }
}

uint32_t sm_tagcache_insert(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                            uint64_t addr, uint64_t mask, uint64_t payload)
{
    uint32_t w = sm_tag_victim(c, set_hint);
    SmTagSlot *s = &sm_tag_set(c, set_hint)[w];

    s->valid = true;
    s->ctx = ctx;
    s->mask = mask;
    s->base = addr & mask;
    s->payload = payload;
    sm_tag_use(c, set_hint, w);
    return w;
}

uint32_t sm_tagcache_invalidate_all(SmTagCache *c)
{
    uint32_t i;
    uint32_t n = 0;

    for (i = 0; i < c->p.entries; i++) {
        n += c->slots[i].valid;
        c->slots[i].valid = false;
    }
    return n;
}
