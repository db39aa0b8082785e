/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tags-only set-associative cache for structures that exist only in the
 * timing model (today: the per-TBU micro-TLBs of sm-timing.c).  Nothing
 * is translated through it, so an entry is just a tag: a context word
 * (StreamID, SubstreamID, ...) and an address region (base and mask).
 *
 * Each entry also carries one 64-bit payload for its user (the timing
 * engine keeps the cycle a micro-TLB entry becomes valid there).
 *
 * Why not sm-cache: a micro-TLB lookup runs on every timed translation,
 * so the tags sit in parallel arrays compared without a callback, where
 * sm-cache keeps whole user entries behind a match function.  The
 * replacement policies are the same, from sm-replace.h: the micro-TLB of
 * an MMU-600 TBU replaces by tree pseudo-LRU unless strapped to
 * round-robin (utlb_roundrobin, Intel Agilex 5 HPS TRM, "MMU-600 TBU
 * Configuration Signals").
 *
 * Determinism: the same parameters and the same calls give the same
 * choices on every host (the random policy uses a per-instance
 * generator seeded from the parameters).
 */
#ifndef SM_TAGCACHE_H
#define SM_TAGCACHE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum SmTagPolicy {
    SM_TAG_LRU = 0,          /* evict the least recently used way */
    SM_TAG_PLRU,             /* tree pseudo-LRU (ways: a power of two) */
    SM_TAG_ROUND_ROBIN,      /* evict the ways of a set in turn */
    SM_TAG_RANDOM,           /* pseudo-random way, from @seed */
    SM_TAG_POLICY_COUNT
} SmTagPolicy;

/* Most ways tree PLRU handles (sm-replace.h). */
#define SM_TAG_PLRU_MAX_WAYS 64

typedef struct SmTagCacheParams {
    uint32_t entries;        /* >= 1 */
    uint32_t ways;           /* 0 or == entries: fully associative */
    SmTagPolicy policy;
    uint64_t seed;           /* SM_TAG_RANDOM only */
} SmTagCacheParams;

typedef struct SmTagCache SmTagCache;

/*
 * NULL when @p is usable, otherwise why not: entries / ways sets, a power
 * of two; PLRU needs a power-of-two number of ways, at most
 * SM_TAG_PLRU_MAX_WAYS.
 */
const char *sm_tagcache_check_params(const SmTagCacheParams *p);
/* A new empty cache, or NULL when sm_tagcache_check_params() refuses. */
SmTagCache *sm_tagcache_new(const SmTagCacheParams *p);
void sm_tagcache_free(SmTagCache *c);

uint32_t sm_tagcache_sets(const SmTagCache *c);
uint32_t sm_tagcache_ways(const SmTagCache *c);

/*
 * Whether a valid entry of the set of @set_hint (its low bits) has
 * context @ctx and covers @addr ((addr & entry mask) == entry base); on
 * a hit its payload goes to *@payload (when not NULL).  A hit counts as
 * a use for LRU and PLRU.
 */
bool sm_tagcache_lookup(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                        uint64_t addr, uint64_t *payload);
/*
 * Store (@ctx, @addr & @mask, @mask, @payload) in the set of @set_hint:
 * an invalid way if there is one (the lowest), otherwise the policy's
 * victim.  The stored entry counts as just used.  No duplicate check:
 * callers insert after a missed lookup.  Returns the way used.
 */
uint32_t sm_tagcache_insert(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                            uint64_t addr, uint64_t mask, uint64_t payload);
/*
 * What a missed lookup worked out that the insert after it needs again:
 * the set, the probe slot, and the index bucket of each mask it probed.
 * Only sm_tagcache_insert_missed() reads it.
 */
#define SM_TAG_MISS_BUCKETS 4
typedef struct SmTagMiss {
    uint32_t set;
    uint32_t probe;
    uint32_t n_buckets;
    uint32_t bucket[SM_TAG_MISS_BUCKETS];
} SmTagMiss;

/*
 * sm_tagcache_lookup() that, on a miss, fills *@m for an insert of the
 * same address that follows with no other call on @c in between.
 */
bool sm_tagcache_lookup_miss(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                             uint64_t addr, uint64_t *payload, SmTagMiss *m);
/*
 * sm_tagcache_insert() of (@ctx, @addr, @mask, @payload) after the
 * sm_tagcache_lookup_miss() of @ctx and @addr that missed and left *@m:
 * the same choices, without hashing the address again.
 */
uint32_t sm_tagcache_insert_missed(SmTagCache *c, const SmTagMiss *m,
                                   uint64_t ctx, uint64_t addr, uint64_t mask,
                                   uint64_t payload);
/*
 * The payload of the entry the last successful lookup or the last insert
 * ended at becomes @payload: for a user that fills before it knows what
 * the payload is (it reads none in between).
 */
void sm_tagcache_set_last_payload(SmTagCache *c, uint64_t payload);
/*
 * A lookup and, when it misses, the insert of (@ctx, @addr, @mask,
 * @fill_payload) that would follow it, in one call: for a user that
 * knows before the lookup what a miss would insert.  Returns whether
 * the lookup hit (its payload in *@payload, when not NULL).
 */
bool sm_tagcache_lookup_fill(SmTagCache *c, uint64_t set_hint, uint64_t ctx,
                             uint64_t addr, uint64_t mask,
                             uint64_t fill_payload, uint64_t *payload);
/* Drop every entry; returns how many were valid. */
uint32_t sm_tagcache_invalidate_all(SmTagCache *c);
/* Forget every entry and all replacement state, as when just created. */
void sm_tagcache_reset(SmTagCache *c);

/*
 * A reference to one entry, for a user that will look the same region
 * up again and again: checking the reference is cheaper than a lookup.
 * It names the slot and the fill it saw there; any later fill of the
 * slot, or emptying of the cache, ends it.  gen 0 names nothing.
 */
typedef struct SmTagRef {
    uint32_t slot;
    uint64_t gen;
    const uint64_t *live;    /* the slot's fill now, for sm_tagcache_ref_live() */
} SmTagRef;

/*
 * Whether @ref's fill is still in its slot, without a call: a miss of a
 * reference costs next to nothing.  sm_tagcache_ref_hit() decides.
 */
static inline bool sm_tagcache_ref_live(const SmTagRef *ref)
{
    return ref->live && *ref->live == ref->gen;
}

/*
 * The entry the last successful lookup or the last insert ended at, into
 * *@ref (written in place: a returned struct would be copied through
 * memory it was just written to), when its region has at least
 * @min_size bytes (a power of two): true.  Otherwise false, and *@ref
 * names nothing (gen 0).
 */
bool sm_tagcache_last_ref(const SmTagCache *c, uint64_t min_size,
                          SmTagRef *ref);
/*
 * A lookup that would hit @ref's entry, done through the reference: true
 * when the entry is still there, is what a lookup of an address it
 * covers would answer (its set holds no overlapping entries) and its
 * payload is at most @payload_max; then the hit counts for replacement
 * as sm_tagcache_lookup()'s would.  Otherwise false, nothing changed.
 */
bool sm_tagcache_ref_hit(SmTagCache *c, const SmTagRef *ref,
                         uint64_t payload_max);

#endif /* SM_TAGCACHE_H */
