/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Set-associative cache engine: see sm-cache.h.
 *
 * Storage is one flat array of slots, set-major: set s owns slots
 * [s * ways, (s + 1) * ways).  Each slot has a small header kept by the
 * engine (valid bit, LRU stamp) and entry_size bytes of user data, kept
 * in a separate array so the user's data has its natural alignment.
 */
#include <string.h>

#include <glib.h>

#include "sm-cache.h"
#include "sm-replace.h"

typedef struct SmCacheSlot {
    bool valid;
    uint64_t stamp;          /* LRU: value of the use clock at last use */
} SmCacheSlot;

struct SmCache {
    SmCacheHead head;        /* first: sm_cache_generation() reads it */
    char *name;
    SmCachePolicy policy;
    uint32_t entries;
    uint32_t ways;
    uint32_t sets;
    size_t user_size;        /* entry_size as the user gave it */
    size_t entry_size;       /* stride: user_size rounded up to 8 */
    SmCacheSlot *slots;      /* entries */
    uint8_t *data;           /* entries * entry_size */
    uint32_t *rr_next;       /* per set: next round-robin victim way */
    uint64_t *plru;          /* per set: tree PLRU node bits */
    uint64_t clock;          /* LRU use clock, strictly increasing */
    uint64_t rng;            /* SM_CACHE_RANDOM generator state */
    SmCacheStats stats;
};

const char *sm_cache_check_params(const SmCacheParams *p)
{
    uint32_t ways;
    uint32_t sets;

    if (!p) {
        return "no parameters";
    }
    if (p->entries == 0) {
        return "entries must be at least 1";
    }
    if (p->entry_size == 0) {
        return "entry_size must be at least 1";
    }
    if (p->policy >= SM_CACHE_POLICY_COUNT) {
        return "unknown replacement policy";
    }
    ways = p->ways ? p->ways : p->entries;
    if (p->policy == SM_CACHE_PLRU && !sm_plru_ways_ok(ways)) {
        return "plru needs a power-of-two number of ways, at most 64";
    }
    if (ways > p->entries || p->entries % ways) {
        return "entries must be a multiple of ways";
    }
    sets = p->entries / ways;
    if (sets & (sets - 1)) {
        return "entries / ways must be a power of two";
    }
    return NULL;
}

SmCache *sm_cache_new(const SmCacheParams *p)
{
    SmCache *c;

    if (sm_cache_check_params(p)) {
        return NULL;
    }
    c = g_new0(SmCache, 1);
    c->name = g_strdup(p->name ? p->name : "cache");
    c->policy = p->policy;
    c->entries = p->entries;
    c->ways = p->ways ? p->ways : p->entries;
    c->sets = c->entries / c->ways;
    c->user_size = p->entry_size;
    c->entry_size = (p->entry_size + 7) & ~(size_t)7;
    c->slots = g_new0(SmCacheSlot, c->entries);
    c->data = g_malloc0_n(c->entries, c->entry_size);
    c->rr_next = g_new0(uint32_t, c->sets);
    c->plru = g_new0(uint64_t, c->sets);
    c->rng = p->seed;
    return c;
}

void sm_cache_free(SmCache *c)
{
    if (!c) {
        return;
    }
    g_free(c->rr_next);
    g_free(c->plru);
    g_free(c->data);
    g_free(c->slots);
    g_free(c->name);
    g_free(c);
}

const char *sm_cache_name(const SmCache *c)
{
    return c->name;
}

uint32_t sm_cache_entries(const SmCache *c)
{
    return c->entries;
}

uint32_t sm_cache_ways(const SmCache *c)
{
    return c->ways;
}

uint32_t sm_cache_sets(const SmCache *c)
{
    return c->sets;
}

uint32_t sm_cache_count_valid(const SmCache *c)
{
    uint32_t i;
    uint32_t n = 0;

    for (i = 0; i < c->entries; i++) {
        n += c->slots[i].valid;
    }
    return n;
}

uint32_t sm_cache_set_of(const SmCache *c, uint64_t set_hint)
{
    return (uint32_t)(set_hint & (c->sets - 1));
}

static void *sm_cache_slot_data(const SmCache *c, uint32_t slot)
{
    return c->data + (size_t)slot * c->entry_size;
}

/* Slot index of a valid match in the set of @set_hint, or -1. */
static int64_t sm_cache_find(const SmCache *c, uint64_t set_hint,
                             SmCacheMatchFn match, const void *key)
{
    uint32_t first = sm_cache_set_of(c, set_hint) * c->ways;
    uint32_t w;

    for (w = 0; w < c->ways; w++) {
        uint32_t slot = first + w;

        if (c->slots[slot].valid &&
            match(sm_cache_slot_data(c, slot), key)) {
            return slot;
        }
    }
    return -1;
}

static void sm_cache_touch(SmCache *c, uint32_t slot)
{
    c->slots[slot].stamp = ++c->clock;
    if (c->policy == SM_CACHE_PLRU) {
        sm_plru_touch(&c->plru[slot / c->ways], c->ways, slot % c->ways);
    }
}

void *sm_cache_lookup(SmCache *c, uint64_t set_hint, SmCacheMatchFn match,
                      const void *key)
{
    int64_t slot = sm_cache_find(c, set_hint, match, key);

    c->stats.lookups++;
    if (slot < 0) {
        c->stats.misses++;
        return NULL;
    }
    c->stats.hits++;
    sm_cache_touch(c, slot);
    return sm_cache_slot_data(c, slot);
}

void *sm_cache_lookup_any(SmCache *c, const uint64_t *set_hints, unsigned n,
                          SmCacheMatchFn match, const void *key)
{
    unsigned i;

    c->stats.lookups++;
    for (i = 0; i < n; i++) {
        int64_t slot = sm_cache_find(c, set_hints[i], match, key);

        if (slot >= 0) {
            c->stats.hits++;
            sm_cache_touch(c, slot);
            return sm_cache_slot_data(c, slot);
        }
    }
    c->stats.misses++;
    return NULL;
}

uint32_t sm_cache_slot_of(const SmCache *c, const void *entry)
{
    return (uint32_t)(((const uint8_t *)entry - c->data) / c->entry_size);
}

void sm_cache_hit_again(SmCache *c, uint32_t slot)
{
    c->stats.lookups++;
    c->stats.hits++;
    sm_cache_touch(c, slot);
}

void *sm_cache_rehit(SmCache *c, uint32_t slot)
{
    sm_cache_hit_again(c, slot);
    return sm_cache_slot_data(c, slot);
}

void *sm_cache_peek(const SmCache *c, uint64_t set_hint,
                    SmCacheMatchFn match, const void *key)
{
    int64_t slot = sm_cache_find(c, set_hint, match, key);

    return slot < 0 ? NULL : sm_cache_slot_data(c, slot);
}

/* Way of the set starting at slot @first to evict; the set is full. */
static uint32_t sm_cache_victim(SmCache *c, uint32_t set, uint32_t first)
{
    uint32_t victim = 0;
    uint32_t w;

    switch (c->policy) {
    case SM_CACHE_ROUND_ROBIN:
        victim = c->rr_next[set];
        c->rr_next[set] = (victim + 1) % c->ways;
        break;
    case SM_CACHE_RANDOM:
        victim = (uint32_t)(sm_rand_next(&c->rng) % c->ways);
        break;
    case SM_CACHE_PLRU:
        victim = sm_plru_victim(c->plru[set], c->ways);
        break;
    case SM_CACHE_LRU:
    default:
        for (w = 1; w < c->ways; w++) {
            if (c->slots[first + w].stamp < c->slots[first + victim].stamp) {
                victim = w;
            }
        }
        break;
    }
    return victim;
}

void *sm_cache_insert(SmCache *c, uint64_t set_hint, const void *data)
{
    uint32_t set = sm_cache_set_of(c, set_hint);
    uint32_t first = set * c->ways;
    uint32_t way = c->ways;
    uint32_t w;
    uint32_t slot;
    void *dst;

    c->stats.inserts++;
    c->head.gen++;
    for (w = 0; w < c->ways; w++) {
        if (!c->slots[first + w].valid) {
            way = w;
            break;
        }
    }
    if (way == c->ways) {
        way = sm_cache_victim(c, set, first);
        c->stats.evictions++;
    }
    slot = first + way;
    dst = sm_cache_slot_data(c, slot);
    memcpy(dst, data, c->user_size);
    if (c->entry_size > c->user_size) {
        /* the stride's padding past the user's bytes: kept zero */
        memset((uint8_t *)dst + c->user_size, 0,
               c->entry_size - c->user_size);
    }
    c->slots[slot].valid = true;
    sm_cache_touch(c, slot);
    return dst;
}

/* sm_cache_invalidate_matching() over the slots [@first, @end). */
static uint32_t sm_cache_invalidate_slots(SmCache *c, uint32_t first,
                                          uint32_t end, SmCachePredFn pred,
                                          void *opaque)
{
    uint32_t i;
    uint32_t n = 0;

    for (i = first; i < end; i++) {
        if (c->slots[i].valid && pred(sm_cache_slot_data(c, i), opaque)) {
            c->slots[i].valid = false;
            n++;
        }
    }
    c->stats.invalidations += n;
    c->head.gen += n != 0;
    return n;
}

uint32_t sm_cache_invalidate_matching(SmCache *c, SmCachePredFn pred,
                                      void *opaque)
{
    return sm_cache_invalidate_slots(c, 0, c->entries, pred, opaque);
}

uint32_t sm_cache_invalidate_matching_in(SmCache *c, uint64_t set_hint,
                                         SmCachePredFn pred, void *opaque)
{
    uint32_t first = sm_cache_set_of(c, set_hint) * c->ways;

    return sm_cache_invalidate_slots(c, first, first + c->ways, pred,
                                     opaque);
}

bool sm_cache_invalidate_entry(SmCache *c, void *entry)
{
    uint8_t *p = entry;
    size_t off;
    uint32_t slot;

    if (p < c->data || p >= c->data + (size_t)c->entries * c->entry_size) {
        return false;
    }
    off = (size_t)(p - c->data);
    if (off % c->entry_size) {
        return false;
    }
    slot = off / c->entry_size;
    if (!c->slots[slot].valid) {
        return false;
    }
    c->slots[slot].valid = false;
    c->stats.invalidations++;
    c->head.gen++;
    return true;
}

uint32_t sm_cache_invalidate_all(SmCache *c)
{
    uint32_t i;
    uint32_t n = 0;

    for (i = 0; i < c->entries; i++) {
        n += c->slots[i].valid;
        c->slots[i].valid = false;
    }
    c->stats.invalidations += n;
    c->head.gen++;
    return n;
}

void sm_cache_foreach(SmCache *c, SmCacheVisitFn visit, void *opaque)
{
    uint32_t i;

    c->head.gen++;                /* the visitor may change entries */
    for (i = 0; i < c->entries; i++) {
        if (c->slots[i].valid) {
            visit(sm_cache_slot_data(c, i), opaque);
        }
    }
}

SmCacheStats sm_cache_stats(const SmCache *c)
{
    return c->stats;
}

void sm_cache_reset_stats(SmCache *c)
{
    memset(&c->stats, 0, sizeof(c->stats));
}
