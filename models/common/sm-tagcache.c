/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tags-only set-associative cache: see sm-tagcache.h.
 *
 * Set s owns slots [s * ways, (s + 1) * ways).  Per set the cache keeps
 * one replacement word: the round-robin pointer or the PLRU node bits
 * (sm-replace.h).
 */
#include <string.h>

#include <glib.h>

#include "sm-replace.h"
#include "sm-tagcache.h"

/*
 * Slots live in parallel arrays, the tag compare's (base and mask) apart
 * from the rest, so that a lookup in a 32-way set reads 512 bytes, not
 * every field of every slot.  An invalid slot has mask 0 and base 1: no
 * address matches it, so the compare needs no valid flag.  Ways of a set
 * fill in order (only sm_tagcache_invalidate_all() empties them), so a
 * set's first invalid way is its count of valid ones.
 */
#define SM_TAG_NO_BASE 1u
#define SM_TAG_NONE    UINT32_MAX  /* end of an index chain */
#define SM_TAG_PROBES  64          /* a power of two */
/* Distinct masks the index probes; a cache that saw more scans instead */
#define SM_TAG_MASKS   4
G_STATIC_ASSERT(SM_TAG_MASKS <= SM_TAG_MISS_BUCKETS);

/*
 * For the steps of a lookup and an insert, which each entry point
 * (lookup, insert, both at once) wants in its own body: a call and the
 * registers it saves cost as much as a short step.
 */
#define SM_TAG_INLINE static inline __attribute__((always_inline))

struct SmTagCache {
    SmTagCacheParams p;
    uint32_t ways;
    uint32_t sets;
    uint64_t *base;          /* per slot: address & mask */
    uint64_t *mask;
    uint64_t *ctx;
    uint64_t *payload;
    uint64_t *stamp;         /* LRU only: use clock at the last use */
    uint32_t *fill;          /* per set: valid ways */
    uint64_t *repl;          /* per set: RR next way or PLRU node bits */
    /*
     * Lookups answer what a scan of the set in way order would: the
     * lowest way that matches.  As long as no set ever held overlapping
     * entries (@overlap) at most one way of a set matches an address, so
     * a lookup can stop at the first match it finds, and the scan is
     * needed only for proving a miss.  Two structures spare it:
     *  - @probe remembers, by page and context, the slot that last
     *    answered or was filled: a repeated hit is one compare;
     *  - every valid slot is indexed, chained by a hash of (set, context,
     *    base) from @head through @next: probing it once per distinct
     *    mask in use (@masks, at most SM_TAG_MASKS of them) finds the
     *    matching way or proves there is none (a 32-way scan on every
     *    micro-TLB miss was most of a miss's cost).
     * A set with overlaps, or a cache that saw more masks (@n_masks
     * beyond the array), is scanned.  PLRU touches use per-way masks
     * (sm_plru_touch_masks()).
     */
    uint32_t probe[SM_TAG_PROBES];   /* a valid slot, or SM_TAG_NONE */
    uint32_t *head;          /* per hash bucket: first slot, or NONE */
    uint32_t *next;          /* per slot: next slot of its bucket */
    uint32_t *bucket;        /* per valid slot: its bucket, for removal */
    uint32_t bucket_mask;    /* buckets - 1 */
    bool *overlap;
    uint64_t masks[SM_TAG_MASKS];
    /* Distinct masks since emptied; SM_TAG_MASKS + 1: more than that */
    uint32_t n_masks;
    /*
     * The smallest region filled since the cache was emptied: an entry no
     * larger cannot contain another (inserts follow a missed lookup of an
     * address in the new region), so only larger ones are checked.
     */
    uint64_t min_size;
    uint64_t *plru_keep, *plru_set;
    uint64_t clock;
    uint64_t rng;
    /*
     * SmTagRef: per slot, the fill it holds (from @gens, which only
     * grows: a value is never given twice), and the slot the last hit
     * or insert ended at.
     */
    uint64_t *gen;
    uint64_t gens;
    uint32_t last;
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
    if (p->policy == SM_TAG_PLRU && !sm_plru_ways_ok(ways)) {
        return "plru needs a power-of-two number of ways, at most 64";
    }
    return NULL;
}

static void sm_tag_empty(SmTagCache *c)
{
    uint32_t i;

    for (i = 0; i < c->p.entries; i++) {
        c->base[i] = SM_TAG_NO_BASE;
        c->mask[i] = 0;
    }
    memset(c->fill, 0, sizeof(*c->fill) * c->sets);
    /* No slot: a probe names only slots filled since (all valid) */
    memset(c->probe, 0xff, sizeof(c->probe));
    for (i = 0; i <= c->bucket_mask; i++) {
        c->head[i] = SM_TAG_NONE;
    }
    memset(c->overlap, 0, sizeof(*c->overlap) * c->sets);
    c->n_masks = 0;
    c->min_size = UINT64_MAX;
    for (i = 0; i < c->p.entries; i++) {
        c->gen[i] = ++c->gens;      /* every reference made so far ends */
    }
}

void sm_tagcache_reset(SmTagCache *c)
{
    sm_tag_empty(c);
    memset(c->ctx, 0, sizeof(*c->ctx) * c->p.entries);
    memset(c->payload, 0, sizeof(*c->payload) * c->p.entries);
    memset(c->stamp, 0, sizeof(*c->stamp) * c->p.entries);
    memset(c->repl, 0, sizeof(*c->repl) * c->sets);
    c->clock = 0;
    c->rng = c->p.seed;
}

SmTagCache *sm_tagcache_new(const SmTagCacheParams *p)
{
    SmTagCache *c;
    uint32_t w, buckets;

    if (sm_tagcache_check_params(p)) {
        return NULL;
    }
    c = g_new0(SmTagCache, 1);
    c->p = *p;
    c->ways = p->ways ? p->ways : p->entries;
    c->sets = p->entries / c->ways;
    c->base = g_new(uint64_t, p->entries);
    c->mask = g_new(uint64_t, p->entries);
    c->ctx = g_new(uint64_t, p->entries);
    c->payload = g_new(uint64_t, p->entries);
    c->stamp = g_new(uint64_t, p->entries);
    c->gen = g_new(uint64_t, p->entries);
    c->fill = g_new(uint32_t, c->sets);
    c->repl = g_new(uint64_t, c->sets);
    c->overlap = g_new(bool, c->sets);
    /* Two buckets per entry at least: chains of one, mostly */
    buckets = 16;
    while (buckets < 2 * p->entries) {
        buckets *= 2;
    }
    c->head = g_new(uint32_t, buckets);
    c->next = g_new(uint32_t, p->entries);
    c->bucket = g_new(uint32_t, p->entries);
    c->bucket_mask = buckets - 1;
    c->plru_keep = g_new(uint64_t, c->ways);
    c->plru_set = g_new(uint64_t, c->ways);
    for (w = 0; w < c->ways; w++) {
        if (p->policy == SM_TAG_PLRU) {
            sm_plru_touch_masks(c->ways, w, &c->plru_keep[w], &c->plru_set[w]);
        }
    }
    sm_tagcache_reset(c);
    return c;
}

void sm_tagcache_free(SmTagCache *c)
{
    if (!c) {
        return;
    }
    g_free(c->base);
    g_free(c->mask);
    g_free(c->ctx);
    g_free(c->payload);
    g_free(c->stamp);
    g_free(c->gen);
    g_free(c->fill);
    g_free(c->repl);
    g_free(c->overlap);
    g_free(c->head);
    g_free(c->next);
    g_free(c->bucket);
    g_free(c->plru_keep);
    g_free(c->plru_set);
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

static inline uint32_t sm_tag_set(const SmTagCache *c, uint64_t set_hint)
{
    return (uint32_t)(set_hint & (c->sets - 1));
}

static inline void sm_tag_use(SmTagCache *c, uint32_t set, uint32_t way)
{
    switch (c->p.policy) {
    case SM_TAG_LRU:
        c->stamp[set * c->ways + way] = ++c->clock;
        break;
    case SM_TAG_PLRU:
        c->repl[set] = (c->repl[set] & c->plru_keep[way]) | c->plru_set[way];
        break;
    default:
        break;
    }
}

/*
 * Pages of one context in consecutive buckets; other contexts and sets
 * start elsewhere.  A fold, not a multiply: it runs on every lookup.
 */
static inline uint32_t sm_tag_bucket(const SmTagCache *c, uint32_t set,
                              uint64_t ctx, uint64_t base)
{
    uint64_t page = base >> 12;

    return (uint32_t)(page ^ (page >> 24) ^ (ctx * 7) ^ (ctx >> 33) ^
                      ((uint64_t)set << 3)) & c->bucket_mask;
}

static inline uint32_t sm_tag_probe_index(uint64_t ctx, uint64_t addr)
{
    return (uint32_t)((addr >> 12) ^ ctx ^ (ctx >> 32)) & (SM_TAG_PROBES - 1);
}

static inline bool sm_tag_match(const SmTagCache *c, uint32_t i, uint64_t ctx,
                         uint64_t addr)
{
    return (addr & c->mask[i]) == c->base[i] && c->ctx[i] == ctx;
}

static inline bool sm_tag_hit(SmTagCache *c, uint32_t set, uint32_t way,
                       uint32_t probe, uint64_t *payload)
{
    uint32_t i = set * c->ways + way;

    c->probe[probe] = i;
    c->last = i;
    sm_tag_use(c, set, way);
    if (payload) {
        *payload = c->payload[i];
    }
    return true;
}

/*
 * The way of @set whose tag is (@ctx, @base, @mask), or SM_TAG_NONE;
 * @bucket: sm_tag_bucket() of the tag.
 */
static inline uint32_t sm_tag_find(const SmTagCache *c, uint32_t set,
                                   uint64_t ctx, uint64_t base,
                                   uint64_t mask, uint32_t bucket)
{
    uint32_t first = set * c->ways;
    uint32_t i;

    for (i = c->head[bucket]; i != SM_TAG_NONE; i = c->next[i]) {
        if (c->base[i] == base && c->mask[i] == mask && c->ctx[i] == ctx &&
            i - first < c->ways) {
            return i - first;
        }
    }
    return SM_TAG_NONE;
}

/* Slot @i joins the chain of bucket @b. */
static inline void sm_tag_index_add(SmTagCache *c, uint32_t i, uint32_t b)
{
    uint32_t *h = &c->head[b];

    c->bucket[i] = b;
    c->next[i] = *h;
    *h = i;
}

/* @mask is in use: lookups probe the index once for it from now on. */
static void sm_tag_note_mask(SmTagCache *c, uint64_t mask)
{
    uint32_t k;

    for (k = 0; k < MIN(c->n_masks, SM_TAG_MASKS); k++) {
        if (c->masks[k] == mask) {
            return;
        }
    }
    if (c->n_masks < SM_TAG_MASKS) {
        c->masks[c->n_masks] = mask;
    }
    if (c->n_masks <= SM_TAG_MASKS) {
        c->n_masks++;               /* past the array: stays there (scans) */
    }
}

static inline void sm_tag_index_remove(SmTagCache *c, uint32_t i)
{
    uint32_t *link = &c->head[c->bucket[i]];

    while (*link != SM_TAG_NONE) {
        if (*link == i) {
            *link = c->next[i];
            return;
        }
        link = &c->next[*link];
    }
}

/*
 * sm_tagcache_lookup() that, on a miss, leaves in *@m what an insert of
 * the same address needs (sm_tag_insert()).
 */
SM_TAG_INLINE bool sm_tag_lookup(SmTagCache *c, uint64_t set_hint,
                                uint64_t ctx, uint64_t addr,
                                uint64_t *payload, SmTagMiss *m)
{
    uint32_t set = sm_tag_set(c, set_hint);
    uint32_t first = set * c->ways;
    uint32_t h = sm_tag_probe_index(ctx, addr);
    uint32_t way = c->probe[h] - first;     /* wraps when another set's */
    uint32_t k, w, b;

    m->set = set;
    m->probe = h;
    m->n_buckets = 0;
    if (!c->overlap[set] && c->n_masks <= SM_TAG_MASKS) {
        if (way < c->ways && sm_tag_match(c, first + way, ctx, addr)) {
            return sm_tag_hit(c, set, way, h, payload);
        }
        for (k = 0; k < c->n_masks; k++) {
            b = sm_tag_bucket(c, set, ctx, addr & c->masks[k]);
            w = sm_tag_find(c, set, ctx, addr & c->masks[k], c->masks[k], b);
            if (w != SM_TAG_NONE) {
                return sm_tag_hit(c, set, w, h, payload);
            }
            m->bucket[k] = b;
        }
        m->n_buckets = c->n_masks;
        return false;
    }
    for (w = 0; w < c->ways; w++) {
        if (sm_tag_match(c, first + w, ctx, addr)) {
            return sm_tag_hit(c, set, w, h, payload);
        }
    }
    return false;
}

/*
 * Whether a new entry (@ctx, @base, @mask) overlaps one of @set.  The
 * lookup that missed before the insert found no entry holding the new
 * region's address, so an overlap is an entry inside the new region.
 */
SM_TAG_INLINE bool sm_tag_overlaps(SmTagCache *c, uint32_t set,
                                   uint64_t ctx, uint64_t base,
                                   uint64_t mask)
{
    uint64_t size = ~mask + 1;         /* 0: all of the address space */
    uint32_t first = set * c->ways;
    uint32_t w;

    if (size && size <= c->min_size) {
        c->min_size = size;
        return false;
    }
    for (w = 0; w < c->fill[set]; w++) {
        uint32_t i = first + w;

        if (c->ctx[i] == ctx && (c->base[i] & mask) == base) {
            return true;
        }
    }
    return false;
}

/* The way of the full set @set the policy evicts. */
SM_TAG_INLINE uint32_t sm_tag_evict(SmTagCache *c, uint32_t set)
{
    uint32_t first = set * c->ways;
    uint32_t w;
    uint32_t best = 0;

    /*
     * Tree PLRU by a compare before the others' jump table: the default
     * (MMU-600) micro-TLB's policy, the others pay one compare more.
     */
    if (c->p.policy == SM_TAG_PLRU) {
        return sm_plru_victim(c->repl[set], c->ways);
    }
    switch (c->p.policy) {
    case SM_TAG_ROUND_ROBIN:
        best = (uint32_t)c->repl[set];
        c->repl[set] = (best + 1) % c->ways;
        return best;
    case SM_TAG_RANDOM:
        return sm_rand_next(&c->rng) % c->ways;
    case SM_TAG_LRU:
    default:
        for (w = 1; w < c->ways; w++) {
            if (c->stamp[first + w] < c->stamp[first + best]) {
                best = w;
            }
        }
        return best;
    }
}

/*
 * The way of @set a new entry goes to: the first invalid one, else the
 * policy's victim, whose slot leaves the index.
 */
SM_TAG_INLINE uint32_t sm_tag_victim(SmTagCache *c, uint32_t set)
{
    uint32_t w;

    if (c->fill[set] < c->ways) {
        return c->fill[set]++;
    }
    w = sm_tag_evict(c, set);
    sm_tag_index_remove(c, set * c->ways + w);
    return w;
}

/*
 * The bucket of (@ctx, @addr & @mask) in the set of @m: the one the
 * missed lookup hashed for that mask if it probed it (then the index
 * knows the mask), else hashed now and the mask noted.
 */
static inline uint32_t sm_tag_insert_bucket(SmTagCache *c,
                                            const SmTagMiss *m,
                                            uint64_t ctx, uint64_t addr,
                                            uint64_t mask)
{
    uint32_t k;

    for (k = 0; k < m->n_buckets; k++) {
        if (c->masks[k] == mask) {
            return m->bucket[k];
        }
    }
    sm_tag_note_mask(c, mask);
    return sm_tag_bucket(c, m->set, ctx, addr & mask);
}

/*
 * The tag (@ctx, @base, @mask) and @payload go to way @w of @set (chosen
 * by sm_tag_victim()), indexed in bucket @b, named by probe @probe.
 */
SM_TAG_INLINE uint32_t sm_tag_store(SmTagCache *c, uint32_t set, uint32_t w,
                                    uint32_t probe, uint32_t b, uint64_t ctx,
                                    uint64_t base, uint64_t mask,
                                    uint64_t payload)
{
    uint32_t i = set * c->ways + w;

    c->ctx[i] = ctx;
    c->mask[i] = mask;
    c->base[i] = base;
    c->payload[i] = payload;
    sm_tag_index_add(c, i, b);
    c->probe[probe] = i;
    c->gen[i] = ++c->gens;
    c->last = i;
    sm_tag_use(c, set, w);
    return w;
}

/* sm_tagcache_insert() into the set of @m, after the lookup that left it. */
SM_TAG_INLINE uint32_t sm_tag_insert(SmTagCache *c, const SmTagMiss *m,
                                    uint64_t ctx, uint64_t addr,
                                    uint64_t mask, uint64_t payload)
{
    uint32_t set = m->set;
    uint32_t w, b;

    /* Sticky until emptied: the evicted way may not be the overlapping one */
    c->overlap[set] |= sm_tag_overlaps(c, set, ctx, addr & mask, mask);
    w = sm_tag_victim(c, set);
    b = sm_tag_insert_bucket(c, m, ctx, addr, mask);
    return sm_tag_store(c, set, w, m->probe, b, ctx, addr & mask, mask,
                        payload);
}

/* ---- One mask ------------------------------------------------------------ */

/*
 * The common case, with code of its own: every entry filled since the
 * cache was emptied has one mask (a micro-TLB of 4 KiB pages), and so
 * has the entry a miss inserts.  Then no set holds overlapping entries
 * and an address has one candidate tag, (ctx, addr & mask): a lookup is
 * the probe, then one index bucket; an insert checks no overlap, and its
 * bucket is the lookup's.  Every slot a probe or a chain names is valid
 * (filled since the cache was emptied), with that mask, so a tag
 * compares as (base, ctx).  The answers and choices are the general
 * path's (test-sm-tagcache's one-mask-in-step runs both side by side).
 */

/* Whether every entry has mask @mask (and there is one at least). */
static inline bool sm_tag_one_mask(const SmTagCache *c, uint64_t mask)
{
    return c->n_masks == 1 && c->masks[0] == mask;
}

/*
 * The slot of the set whose first slot is @first tagged (@ctx, @base),
 * from the chain of @b, or SM_TAG_NONE.
 */
SM_TAG_INLINE uint32_t sm_tag_find_one(const SmTagCache *c, uint32_t first,
                                       uint64_t ctx, uint64_t base,
                                       uint32_t b)
{
    uint32_t i;

    for (i = c->head[b]; i != SM_TAG_NONE; i = c->next[i]) {
        if (c->base[i] == base && c->ctx[i] == ctx && i - first < c->ways) {
            return i;
        }
    }
    return SM_TAG_NONE;
}

/*
 * sm_tag_lookup() while every entry has mask @mask (sm_tag_one_mask()):
 * on a miss *@m is what sm_tag_lookup() leaves.
 */
SM_TAG_INLINE bool sm_tag_lookup_one(SmTagCache *c, uint64_t set_hint,
                                     uint64_t ctx, uint64_t addr,
                                     uint64_t mask, uint64_t *payload,
                                     SmTagMiss *m)
{
    uint32_t set = sm_tag_set(c, set_hint);
    uint32_t first = set * c->ways;
    uint32_t h = sm_tag_probe_index(ctx, addr);
    uint64_t base = addr & mask;
    uint32_t i = c->probe[h];               /* wraps below when NONE */
    uint32_t b;

    if (i - first < c->ways && c->base[i] == base && c->ctx[i] == ctx) {
        return sm_tag_hit(c, set, i - first, h, payload);
    }
    b = sm_tag_bucket(c, set, ctx, base);
    i = sm_tag_find_one(c, first, ctx, base, b);
    if (i != SM_TAG_NONE) {
        return sm_tag_hit(c, set, i - first, h, payload);
    }
    m->set = set;
    m->probe = h;
    m->n_buckets = 1;
    m->bucket[0] = b;
    return false;
}

/*
 * sm_tag_insert() after sm_tag_lookup_one() missed (and left *@m) for an
 * entry of the one mask: no overlap to look for (an entry of the same
 * size and alignment overlaps only by being equal, which the lookup
 * would have found), and the bucket is the lookup's.
 */
SM_TAG_INLINE uint32_t sm_tag_insert_one(SmTagCache *c, const SmTagMiss *m,
                                         uint64_t ctx, uint64_t addr,
                                         uint64_t mask, uint64_t payload)
{
    uint32_t w = sm_tag_victim(c, m->set);

    return sm_tag_store(c, m->set, w, m->probe, m->bucket[0], ctx,
                        addr & mask, mask, payload);
}

bool sm_tagcache_lookup(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                        uint64_t addr, uint64_t *payload)
{
    SmTagMiss m;

    return sm_tagcache_lookup_miss(c, set_hint, ctx, addr, payload, &m);
}

bool sm_tagcache_lookup_miss(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                             uint64_t addr, uint64_t *payload, SmTagMiss *m)
{
    if (c->n_masks == 1) {
        return sm_tag_lookup_one(c, set_hint, ctx, addr, c->masks[0],
                                 payload, m);
    }
    return sm_tag_lookup(c, set_hint, ctx, addr, payload, m);
}

uint32_t sm_tagcache_insert(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                            uint64_t addr, uint64_t mask, uint64_t payload)
{
    SmTagMiss m = {
        .set = sm_tag_set(c, set_hint),
        .probe = sm_tag_probe_index(ctx, addr),
        .n_buckets = 0,
    };

    return sm_tag_insert(c, &m, ctx, addr, mask, payload);
}

uint32_t sm_tagcache_insert_missed(SmTagCache *c, const SmTagMiss *m,
                                   uint64_t ctx, uint64_t addr, uint64_t mask,
                                   uint64_t payload)
{
    /* The lookup probed one bucket: it saw one mask, still the only one */
    if (m->n_buckets == 1 && sm_tag_one_mask(c, mask)) {
        return sm_tag_insert_one(c, m, ctx, addr, mask, payload);
    }
    return sm_tag_insert(c, m, ctx, addr, mask, payload);
}

bool sm_tagcache_lookup_fill(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                             uint64_t addr, uint64_t mask,
                             uint64_t fill_payload, uint64_t *payload)
{
    SmTagMiss m;

    if (sm_tag_one_mask(c, mask)) {
        if (sm_tag_lookup_one(c, set_hint, ctx, addr, mask, payload, &m)) {
            return true;
        }
        sm_tag_insert_one(c, &m, ctx, addr, mask, fill_payload);
        return false;
    }
    if (sm_tag_lookup(c, set_hint, ctx, addr, payload, &m)) {
        return true;
    }
    sm_tag_insert(c, &m, ctx, addr, mask, fill_payload);
    return false;
}

void sm_tagcache_set_last_payload(SmTagCache *c, uint64_t payload)
{
    c->payload[c->last] = payload;
}

bool sm_tagcache_last_ref(const SmTagCache *c, uint64_t min_size,
                          SmTagRef *ref)
{
    uint32_t i = c->last;
    bool empty = c->base[i] == SM_TAG_NO_BASE && c->mask[i] == 0;
    bool named = !empty && !(c->mask[i] & (min_size - 1));

    ref->slot = i;
    ref->gen = named ? c->gen[i] : 0;
    ref->live = named ? &c->gen[i] : NULL;
    return named;
}

/* @ref by address: a 24-byte value would be copied through the stack */
bool sm_tagcache_ref_hit(SmTagCache *c, const SmTagRef *ref,
                         uint64_t payload_max)
{
    uint32_t set;

    /*
     * An unchanged fill is still there; without overlaps in its set it is
     * the only entry covering its addresses, so the one a lookup finds.
     */
    if (ref->slot >= c->p.entries || c->gen[ref->slot] != ref->gen ||
        c->payload[ref->slot] > payload_max) {
        return false;
    }
    set = ref->slot / c->ways;
    if (c->overlap[set]) {
        return false;
    }
    c->last = ref->slot;
    sm_tag_use(c, set, ref->slot - set * c->ways);
    return true;
}

uint32_t sm_tagcache_invalidate_all(SmTagCache *c)
{
    uint32_t set;
    uint32_t n = 0;

    for (set = 0; set < c->sets; set++) {
        n += c->fill[set];
    }
    sm_tag_empty(c);
    return n;
}
