/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One set-associative cache engine for every SMMU structure that caches
 * something: TLBs, configuration caches (STE/CD/context banks) and walk
 * caches.  The engine knows nothing about what an entry means.  The user
 * picks a fixed entry size (its own struct: tags and outputs together),
 * computes a set hint from the tag, and supplies a match callback for
 * lookups and a predicate for invalidations.  The engine owns placement,
 * the valid bit, replacement (one victim per insert, never a flush) and
 * statistics.
 *
 * Parameters mirror gem5's per-cache parameters: number of entries,
 * associativity, replacement policy (plus the seed for the random one)
 * and a name.  A later timing model adds latencies on the same instance.
 *
 * Determinism: given the same parameters and the same sequence of calls,
 * every instance makes the same choices (the random policy uses a
 * per-instance generator seeded from the parameters).
 */
#ifndef SM_CACHE_H
#define SM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum SmCachePolicy {
    SM_CACHE_LRU = 0,        /* evict the least recently used way */
    SM_CACHE_ROUND_ROBIN,    /* evict ways of a set in turn (0, 1, ...) */
    SM_CACHE_RANDOM,         /* pseudo-random way, from @seed */
    SM_CACHE_PLRU,           /* tree pseudo-LRU (ways: a power of two,
                              * at most 64; sm-replace.h) */
    SM_CACHE_POLICY_COUNT
} SmCachePolicy;

typedef struct SmCacheParams {
    const char *name;        /* copied; for logs and statistics dumps */
    uint32_t entries;        /* total entries, >= 1 */
    /*
     * Associativity: ways per set.  entries / ways sets, which must be a
     * power of two.  0, or ways == entries, means fully associative.
     */
    uint32_t ways;
    SmCachePolicy policy;
    uint64_t seed;           /* SM_CACHE_RANDOM only; any value */
    size_t entry_size;       /* bytes of user data per entry, >= 1 */
} SmCacheParams;

/* Counters; all monotonic until sm_cache_reset_stats(). */
typedef struct SmCacheStats {
    uint64_t lookups;        /* sm_cache_lookup() calls */
    uint64_t hits;
    uint64_t misses;         /* lookups == hits + misses */
    uint64_t inserts;        /* sm_cache_insert() calls */
    uint64_t evictions;      /* inserts that displaced a valid entry */
    uint64_t invalidations;  /* valid entries dropped by sm_cache_inval* */
} SmCacheStats;

typedef struct SmCache SmCache;

/* true when @entry (user data of a valid entry) answers the lookup @key. */
typedef bool (*SmCacheMatchFn)(const void *entry, const void *key);
/* true when @entry must be invalidated; @opaque is the caller's. */
typedef bool (*SmCachePredFn)(const void *entry, void *opaque);
/* Called once per valid entry; the entry may be modified in place. */
typedef void (*SmCacheVisitFn)(void *entry, void *opaque);

/*
 * NULL when @p is acceptable, otherwise a static string saying why not
 * (for error_setg() in the emulator's realize).
 */
const char *sm_cache_check_params(const SmCacheParams *p);

/* A new empty cache, or NULL if sm_cache_check_params(@p) fails. */
SmCache *sm_cache_new(const SmCacheParams *p);
void sm_cache_free(SmCache *c);

const char *sm_cache_name(const SmCache *c);
uint32_t sm_cache_entries(const SmCache *c);
uint32_t sm_cache_ways(const SmCache *c);
uint32_t sm_cache_sets(const SmCache *c);
/* Number of valid entries right now (O(entries)). */
uint32_t sm_cache_count_valid(const SmCache *c);

/*
 * The set an entry with hint @set_hint lives in: the low bits of the
 * hint.  The caller mixes whatever tag bits it wants into the hint (for a
 * TLB typically the page number, xor ASID/VMID); the same hint must be
 * used for insert and lookup of an entry.
 */
uint32_t sm_cache_set_of(const SmCache *c, uint64_t set_hint);

/*
 * Search the set of @set_hint for a valid entry with match(entry, key).
 * Returns the entry's data (owned by the cache, valid until the next
 * insert or invalidation) or NULL.  Counts a lookup and a hit or a miss,
 * and on a hit refreshes the entry for LRU.
 */
void *sm_cache_lookup(SmCache *c, uint64_t set_hint, SmCacheMatchFn match,
                      const void *key);

/*
 * One lookup of an entry that may live in any of @n sets (a TLB holding
 * several page sizes, each placed by its own size): the sets of
 * @set_hints[0], [1], ... are searched in order and the first match is
 * the answer.  Counts a single lookup and a hit or a miss, and refreshes
 * the entry found for LRU, exactly as sm_cache_lookup() on the hint that
 * finds it would; a miss touches no LRU state.
 */
void *sm_cache_lookup_any(SmCache *c, const uint64_t *set_hints, unsigned n,
                          SmCacheMatchFn match, const void *key);

/*
 * The slot of @entry (an entry returned by lookup or insert), for
 * sm_cache_hit_again().
 */
uint32_t sm_cache_slot_of(const SmCache *c, const void *entry);
/*
 * A lookup the caller knows hits the entry in @slot (found while
 * sm_cache_generation() was what it still is): counted and refreshed
 * exactly as the sm_cache_lookup() that would find it, without the
 * search.  The translation fast paths replay their hits with it.
 */
void sm_cache_hit_again(SmCache *c, uint32_t slot);
/* sm_cache_hit_again(), returning the entry. */
void *sm_cache_rehit(SmCache *c, uint32_t slot);

/*
 * The start of every SmCache, public so that sm_cache_generation() is
 * inline: the fast paths compare it on every translation.  The rest of
 * the structure is private to sm-cache.c.
 */
typedef struct SmCacheHead {
    uint64_t gen;
} SmCacheHead;

/*
 * Changes whenever an entry is added, dropped or handed out for
 * modification (insert, invalidations, foreach): while it stays the same,
 * every entry pointer returned earlier is still the same valid entry and
 * every lookup finds what it found before.
 */
static inline uint64_t sm_cache_generation(const SmCache *c)
{
    return ((const SmCacheHead *)(const void *)c)->gen;
}

/* As sm_cache_lookup() but touches neither statistics nor LRU state. */
void *sm_cache_peek(const SmCache *c, uint64_t set_hint,
                    SmCacheMatchFn match, const void *key);

/*
 * Store a copy of @data (entry_size bytes) in the set of @set_hint.  An
 * invalid way is used if there is one; otherwise exactly one victim of
 * that set, chosen by the policy, is evicted.  No other set is touched.
 * Returns the stored copy, valid and most recently used.  The engine does
 * not look for duplicates: callers that may insert an entry that is
 * already present invalidate it first, or update the peeked entry.
 */
void *sm_cache_insert(SmCache *c, uint64_t set_hint, const void *data);

/*
 * Invalidate every valid entry for which pred(entry, opaque) holds.
 * Visits each entry once.  Returns how many were invalidated.
 */
uint32_t sm_cache_invalidate_matching(SmCache *c, SmCachePredFn pred,
                                      void *opaque);

/*
 * The same, visiting only the set of @set_hint: for callers that know
 * every entry @pred can hold lives there (an address-scoped invalidation
 * that computes the sets its entries were placed in).
 */
uint32_t sm_cache_invalidate_matching_in(SmCache *c, uint64_t set_hint,
                                         SmCachePredFn pred, void *opaque);

/*
 * Invalidate one entry returned by lookup/peek/insert.  false if @entry
 * is not an entry of @c or already invalid.
 */
bool sm_cache_invalidate_entry(SmCache *c, void *entry);

/* Invalidate everything; returns how many valid entries were dropped. */
uint32_t sm_cache_invalidate_all(SmCache *c);

/* Call visit(entry, opaque) for every valid entry, in storage order. */
void sm_cache_foreach(SmCache *c, SmCacheVisitFn visit, void *opaque);

/* Snapshot of the counters. */
SmCacheStats sm_cache_stats(const SmCache *c);
void sm_cache_reset_stats(SmCache *c);

#endif /* SM_CACHE_H */
