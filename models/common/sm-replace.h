/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacement-policy primitives shared by the cache engines (sm-cache for
 * the model's caches, sm-tagcache for the timing model's micro-TLBs) and
 * the deterministic generator of random choices everywhere (random
 * replacement, smmu-sim's traffic).  Inline: they sit on the hot path of
 * every lookup.
 *
 * Tree pseudo-LRU, one binary tree per set: nodes numbered 1 .. ways - 1
 * in heap order (node n has children 2n and 2n + 1), the leaves are the
 * ways.  A node bit 0 says "the victim is on the left", 1 "on the
 * right".  A use of a way turns every node on its path to point away
 * from it; the victim is found by following the bits down from the root.
 * The tree of up to SM_PLRU_MAX_WAYS ways fits one uint64_t.
 */
#ifndef SM_REPLACE_H
#define SM_REPLACE_H

#include <stdbool.h>
#include <stdint.h>

#define SM_PLRU_MAX_WAYS 64

/*
 * splitmix64 (public-domain constants): the next value of the generator
 * whose state is *@state.  Small and well mixed; the state is the
 * caller's, so the same seed gives the same sequence on every host.
 */
static inline uint64_t sm_rand_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Whether tree PLRU can run a set of @ways ways. */
static inline bool sm_plru_ways_ok(uint32_t ways)
{
    return ways && !(ways & (ways - 1)) && ways <= SM_PLRU_MAX_WAYS;
}

/* Way @way of a set of @ways (a power of two) was used. */
static inline void sm_plru_touch(uint64_t *bits, uint32_t ways, uint32_t way)
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

/*
 * sm_plru_touch() of @way as masks a cache can keep per way: the touch
 * is then bits = (bits & *@keep) | *@set, the same in O(1).
 */
static inline void sm_plru_touch_masks(uint32_t ways, uint32_t way,
                                       uint64_t *keep, uint64_t *set)
{
    *keep = ~UINT64_C(0);
    *set = 0;
    sm_plru_touch(keep, ways, way);
    sm_plru_touch(set, ways, way);
}

/*
 * The first three steps down from the root, as a table: entry x is the
 * heap node (8 .. 15) that node bits 1 .. 7 equal to the bits of x
 * (node n's bit is bit n - 1 of x) lead to.  Each SM_PLRU_Nk() is one
 * step of the walk sm_plru_victim() makes, so the compiler fills it in.
 */
#define SM_PLRU_N1(x) (2u + ((x) & 1u))
#define SM_PLRU_N2(x) \
    (2u * SM_PLRU_N1(x) + (((x) >> (SM_PLRU_N1(x) - 1u)) & 1u))
#define SM_PLRU_N3(x) \
    (2u * SM_PLRU_N2(x) + (((x) >> (SM_PLRU_N2(x) - 1u)) & 1u))
#define SM_PLRU_T4(x) \
    SM_PLRU_N3(x), SM_PLRU_N3((x) + 1u), SM_PLRU_N3((x) + 2u), \
    SM_PLRU_N3((x) + 3u)
#define SM_PLRU_T16(x) \
    SM_PLRU_T4(x), SM_PLRU_T4((x) + 4u), SM_PLRU_T4((x) + 8u), \
    SM_PLRU_T4((x) + 12u)
#define SM_PLRU_T64(x) \
    SM_PLRU_T16(x), SM_PLRU_T16((x) + 16u), SM_PLRU_T16((x) + 32u), \
    SM_PLRU_T16((x) + 48u)

static const uint8_t sm_plru_top3[128] = {
    SM_PLRU_T64(0u), SM_PLRU_T64(64u)
};

/*
 * The way the tree points at.  Following the bits down from the root
 * ends at heap node @ways + way: the leaves are numbered after the
 * @ways - 1 inner nodes.  A tree of 8 ways or more starts three levels
 * down, from the table: every micro-TLB miss of a full 32-way set walks
 * five levels, and each step waits for the one before.
 */
static inline uint32_t sm_plru_victim(uint64_t bits, uint32_t ways)
{
    uint32_t node = 1;

    if (ways >= 8) {
        node = sm_plru_top3[(bits >> 1) & 127];
    }
    while (node < ways) {
        node = 2 * node + (uint32_t)((bits >> node) & 1);
    }
    return node - ways;
}

#endif /* SM_REPLACE_H */
