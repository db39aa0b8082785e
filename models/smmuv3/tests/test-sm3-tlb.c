/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-tlb.c: TLB tags (world, kind, VMID, ASID / global,
 * address, size), invalidation scopes, bounded replacement, statistics,
 * and the configuration cache.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

static Sm3Bench *tiny(uint32_t tlb, uint32_t ways)
{
    Sm3Config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.tlb_entries = tlb;
    cfg.tlb_ways = ways;
    cfg.cfg_entries = 4;
    cfg.cfg_ways = 4;
    return sm3b_new_cfg(&cfg);
}

static Sm3TlbEntry entry(uint64_t va, unsigned shift, uint16_t asid,
                         uint16_t vmid, bool global)
{
    Sm3TlbEntry e;

    memset(&e, 0, sizeof(e));
    e.mask = (UINT64_C(1) << shift) - 1;
    e.va = va & ~e.mask;
    e.pa = 0x100000;
    e.asid = asid;
    e.vmid = vmid;
    e.global = global;
    e.level = shift == 12 ? 3 : 2;
    e.granule_shift = 12;
    e.shift = shift;
    e.perm = SM_PERM_ALL;
    return e;
}

static Sm3TlbKey key(uint64_t va, uint16_t asid, uint16_t vmid)
{
    Sm3TlbKey k;

    memset(&k, 0, sizeof(k));
    k.va = va;
    k.asid = asid;
    k.vmid = vmid;
    k.n_shifts = 3;
    k.shifts[0] = 12;
    k.shifts[1] = 21;
    k.shifts[2] = 30;
    return k;
}

static void test_tags(void)
{
    Sm3Bench *b = tiny(64, 4);
    Sm3TlbEntry e = entry(0x40000000, 12, 1, 2, false);
    Sm3TlbKey k = key(0x40000abc, 1, 2);
    const Sm3TlbEntry *hit;

    sm3_tlb_insert(b->s, &e);
    hit = sm3_tlb_lookup(b->s, &k);
    g_assert_nonnull(hit);
    g_assert_cmphex(hit->va, ==, 0x40000000);
    k.asid = 3;
    g_assert_null(sm3_tlb_lookup(b->s, &k));
    k.asid = 1;
    k.vmid = 3;
    g_assert_null(sm3_tlb_lookup(b->s, &k));
    k.vmid = 2;
    k.world = SM3_TLB_NS_EL2;
    g_assert_null(sm3_tlb_lookup(b->s, &k));
    k.world = SM3_TLB_NS_EL1;
    k.kind = SM3_TLB_KIND_S2;
    g_assert_null(sm3_tlb_lookup(b->s, &k));
    k.kind = SM3_TLB_KIND_S1;
    k.va = 0x40001000;
    g_assert_null(sm3_tlb_lookup(b->s, &k));
    /* A global 2MB entry answers any ASID anywhere inside it. */
    e = entry(0x80000000, 21, 9, 2, true);
    sm3_tlb_insert(b->s, &e);
    k = key(0x801fffff, 77, 2);
    hit = sm3_tlb_lookup(b->s, &k);
    g_assert_nonnull(hit);
    g_assert_cmphex(hit->mask, ==, 0x1fffff);
    /* One lookup is counted once, whatever the number of probes. */
    g_assert_cmpuint(sm3_stats(b->s).tlb.lookups, ==, 7);
    g_assert_cmpuint(sm3_stats(b->s).tlb.hits, ==, 2);
    g_assert_cmpuint(sm3_stats(b->s).tlb.misses, ==, 5);
    /* No entry size to probe (no valid granule): no answer, one lookup */
    k = key(0x40000abc, 1, 2);
    k.n_shifts = 0;
    g_assert_null(sm3_tlb_lookup(b->s, &k));
    g_assert_cmpuint(sm3_stats(b->s).tlb.lookups, ==, 8);
    sm3b_free(b);
}

/* A full cache evicts exactly one entry per insert, never everything. */
static void test_bounded_eviction(void)
{
    Sm3Bench *b = tiny(4, 4);
    unsigned i, found = 0;

    for (i = 0; i < 5; i++) {
        Sm3TlbEntry e = entry(0x1000 * i, 12, 1, 0, false);

        sm3_tlb_insert(b->s, &e);
    }
    g_assert_cmpuint(sm_cache_count_valid(b->s->tlb), ==, 4);
    g_assert_cmpuint(sm3_stats(b->s).tlb.evictions, ==, 1);
    for (i = 0; i < 5; i++) {
        Sm3TlbKey k = key(0x1000 * i, 1, 0);

        found += sm3_tlb_lookup(b->s, &k) != NULL;
    }
    g_assert_cmpuint(found, ==, 4);
    sm3b_free(b);
}

static unsigned count(Sm3Bench *b)
{
    return sm_cache_count_valid(b->s->tlb);
}

/*
 * The entries of the scope tests: three pages of VMID 0 (ASIDs 1, 2 and
 * a global one), a 2 MiB block, a page of VMID 5; with @block_1g, a
 * 1 GiB block of VMID 0 too.  Returns how many.
 */
static unsigned scope_entries(Sm3TlbEntry es[6], bool block_1g)
{
    es[0] = entry(0x1000, 12, 1, 0, false);
    es[1] = entry(0x2000, 12, 2, 0, false);
    es[2] = entry(0x3000, 12, 3, 0, true);
    es[3] = entry(0x200000, 21, 1, 0, false);
    es[4] = entry(0x1000, 12, 1, 5, false);
    es[5] = entry(0x40000000, 30, 1, 0, false);
    return block_1g ? 6 : 5;
}

static void test_scopes(void)
{
    Sm3Bench *b = tiny(64, 4);
    Sm3TlbEntry es[6];
    unsigned n = scope_entries(es, false);
    Sm3TlbScope sc;
    unsigned i;

#define RESET() do { \
        sm_cache_invalidate_all(b->s->tlb); \
        for (i = 0; i < n; i++) { \
            sm3_tlb_insert(b->s, &es[i]); \
        } \
        memset(&sc, 0, sizeof(sc)); \
    } while (0)

    RESET();
    sc.match_vmid = true;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 4);
    g_assert_cmpuint(count(b), ==, 1);

    RESET();
    sc.match_asid = true;
    sc.asid = 1;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 3);  /* not global */
    RESET();
    sc.match_asid = true;
    sc.asid = 1;
    sc.global_too = true;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 4);

    /* Address overlap: [0x2800, 0x3800) hits the pages at 0x2000/0x3000 */
    RESET();
    sc.match_addr = true;
    sc.addr = 0x2800;
    sc.size = 0x1000;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 2);
    /* A range covering part of the 2MB block hits the block. */
    RESET();
    sc.match_addr = true;
    sc.addr = 0x3ff000;
    sc.size = 0x2000;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 1);
    /* TTL = 3 for the 4K granule skips the level-2 block. */
    RESET();
    sc.match_addr = true;
    sc.addr = 0;
    sc.size = 0x400000;
    sc.level = 3;
    sc.tg_shift = 12;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 4);
    g_assert_cmpuint(count(b), ==, 1);
    /* A range to the top of the address space is bounded. */
    RESET();
    sc.match_addr = true;
    sc.addr = 0x2000;
    sc.size = UINT64_MAX;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 3);
#undef RESET
    sm3b_free(b);
}

static void test_cfg_cache(void)
{
    Sm3Bench *b = tiny(16, 4);
    Sm3CfgEntry e;
    unsigned i;

    memset(&e, 0, sizeof(e));
    e.sid = 3;
    sm3_cfg_insert(b->s, &e);                 /* STE of 3 */
    e.is_cd = true;
    sm3_cfg_insert(b->s, &e);                 /* CD, no substream */
    e.ssv = true;
    e.ssid = 2;
    sm3_cfg_insert(b->s, &e);                 /* CD of substream 2 */
    g_assert_nonnull(sm3_cfg_lookup(b->s, false, 3, false, 0));
    g_assert_nonnull(sm3_cfg_lookup(b->s, true, 3, false, 99));
    g_assert_nonnull(sm3_cfg_lookup(b->s, true, 3, true, 2));
    g_assert_null(sm3_cfg_lookup(b->s, true, 3, true, 1));
    g_assert_null(sm3_cfg_lookup(b->s, false, 4, false, 0));
    /* CD index 0 serves traffic without a substream. */
    g_assert_cmpuint(sm3_cfg_invalidate(b->s, 3, 3, false, true, true, 0),
                     ==, 1);
    g_assert_nonnull(sm3_cfg_lookup(b->s, true, 3, true, 2));
    g_assert_cmpuint(sm3_cfg_invalidate(b->s, 0, 2, true, true, false, 0),
                     ==, 0);
    g_assert_cmpuint(sm3_cfg_invalidate(b->s, 3, 3, true, false, false, 0),
                     ==, 1);
    g_assert_nonnull(sm3_cfg_lookup(b->s, true, 3, true, 2));
    /* Bounded: 4 entries, 6 inserts. */
    for (i = 0; i < 6; i++) {
        e.is_cd = false;
        e.sid = 10 + i;
        sm3_cfg_insert(b->s, &e);
    }
    g_assert_cmpuint(sm_cache_count_valid(b->s->cfgc), ==, 4);
    sm3_invalidate_all(b->s);
    g_assert_cmpuint(sm_cache_count_valid(b->s->cfgc), ==, 0);
    sm3b_free(b);
}

/* End to end: a 1-entry-per-set TLB thrashes but stays correct. */
static void test_thrash_correct(void)
{
    Sm3Bench *b = tiny(2, 1);
    uint64_t cdtab, root;
    unsigned i, round;

    sm3b_setup(b, 4, 4, 4);
    cdtab = sm3b_alloc(b, 64, 64);
    root = sm3b_pt_new(b);
    sm3b_cd(b, cdtab, 0, 1, root, 0);
    sm3b_ste_s1(b, 1, cdtab, 0, 0);
    for (i = 0; i < 8; i++) {
        sm3b_map(b, root, 0x40000000 + i * 0x1000, 0x800000 + i * 0x2000, 3,
                 SM3B_S1_RW);
    }
    for (round = 0; round < 3; round++) {
        for (i = 0; i < 8; i++) {
            Sm3Xlate r = sm3b_xlate(b, 1, 0x40000010 + i * 0x1000, false);

            g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
            g_assert_cmphex(r.pa, ==, 0x800010 + i * 0x2000);
        }
    }
    g_assert_cmpuint(sm_cache_count_valid(b->s->tlb), <=, 2);
    g_assert_cmpuint(sm3_stats(b->s).tlb.evictions, >, 0);
    sm3b_free(b);
}

/*
 * Address-scoped invalidations of one regime and VMID (TLBI_NH_VA and
 * friends) visit only the sets their entries can live in.  The same
 * cases as test_scopes() with the regime and VMID named, as the
 * commands do: entries of another VMID or kind stay.
 */
static void test_scopes_by_address(void)
{
    Sm3Bench *b = tiny(64, 4);
    Sm3TlbEntry es[6];
    unsigned n = scope_entries(es, true);
    Sm3TlbScope sc;
    unsigned i;

#define RESET_VA(a, sz) do { \
        sm_cache_invalidate_all(b->s->tlb); \
        for (i = 0; i < n; i++) { \
            sm3_tlb_insert(b->s, &es[i]); \
        } \
        memset(&sc, 0, sizeof(sc)); \
        sc.match_world = sc.match_kind = sc.match_vmid = true; \
        sc.world = SM3_TLB_NS_EL1; \
        sc.kind = SM3_TLB_KIND_S1; \
        sc.match_addr = true; \
        sc.addr = (a); \
        sc.size = (sz); \
    } while (0)

    /* One page: the entry holding it, VMID 0 only */
    RESET_VA(0x1000, 1);
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 1);
    g_assert_cmpuint(count(b), ==, 5);
    /* [0x2800, 0x3800): the pages at 0x2000 and 0x3000 */
    RESET_VA(0x2800, 0x1000);
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 2);
    /* Inside the 2 MiB block, away from its base */
    RESET_VA(0x3ff000, 0x2000);
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 1);
    /* Inside the 1 GiB block */
    RESET_VA(0x7fff0000, 1);
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 1);
    g_assert_cmpuint(count(b), ==, 5);
    /* VMID 5's page; ASID 1 only (and global entries) */
    RESET_VA(0x1000, 0x3000);
    sc.vmid = 5;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 1);
    RESET_VA(0, 0x4000);
    sc.match_asid = true;
    sc.asid = 1;
    sc.global_too = true;
    /* 0x1000 (ASID 1) and 0x3000 (global) */
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 2);
    /* Stage-2 entries are another kind */
    RESET_VA(0x1000, 1);
    sc.kind = SM3_TLB_KIND_S2;
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 0);
    /* A range larger than the sets can be named: every entry checked */
    RESET_VA(0, UINT64_C(1) << 40);
    g_assert_cmpuint(sm3_tlb_invalidate(b->s, &sc), ==, 5);
    g_assert_cmpuint(count(b), ==, 1);
#undef RESET_VA
    sm3b_free(b);
}

/*
 * A lookup probes the sets of the key's sizes in order (4 KiB, 2 MiB,
 * 1 GiB) and answers the first match; it skips the sets that cannot hold
 * a match.  With a global 1 GiB entry and an ASID-1 2 MiB entry at the
 * same address, both matching, the answer depends on which set comes
 * first, also when the 4 KiB set (no 4 KiB entry was ever held) happens
 * to be the set of one of them: the answer must be the one of probing
 * every set, for each of 511 addresses (different sets each time).
 */
static void test_lookup_order_of_sizes(void)
{
    Sm3Bench *b = tiny(256, 4);
    unsigned g, ones = 0, twos = 0;

    for (g = 1; g < 512; g++) {
        uint64_t va = (uint64_t)g << 30;
        Sm3TlbEntry e30 = entry(va, 30, 0, 0, true);
        Sm3TlbEntry e21 = entry(va, 21, 1, 0, false);
        Sm3TlbKey k = { .va = va | 0x123, .asid = 1, .n_shifts = 3,
                        .shifts = { 12, 21, 30 } };
        const Sm3TlbEntry *got, *every_set;
        uint64_t held;

        e30.pa = 0x80000000;
        e21.pa = 0x40000000;
        sm_cache_invalidate_all(b->s->tlb);
        sm3_tlb_insert(b->s, &e30);
        sm3_tlb_insert(b->s, &e21);
        held = b->s->tlb_shifts;
        got = sm3_tlb_lookup(b->s, &k);
        b->s->tlb_shifts = ~UINT64_C(0);        /* every set probed */
        every_set = sm3_tlb_lookup(b->s, &k);
        b->s->tlb_shifts = held;
        g_assert_nonnull(got);
        g_assert_true(got == every_set);
        ones += got->pa == 0x80000000;
        twos += got->pa == 0x40000000;
    }
    /* Mostly the 2 MiB set first; the 1 GiB entry where it shares the 4K set */
    g_assert_cmpuint(ones + twos, ==, 511);
    g_assert_cmpuint(ones, >, 0);
    g_assert_cmpuint(twos, >, 0);
    sm3b_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/tlb/tags", test_tags);
    g_test_add_func("/sm3/tlb/bounded-eviction", test_bounded_eviction);
    g_test_add_func("/sm3/tlb/scopes", test_scopes);
    g_test_add_func("/sm3/tlb/scopes-by-address", test_scopes_by_address);
    g_test_add_func("/sm3/tlb/lookup-order-of-sizes",
                    test_lookup_order_of_sizes);
    g_test_add_func("/sm3/tlb/cfg-cache", test_cfg_cache);
    g_test_add_func("/sm3/tlb/thrash-correct", test_thrash_correct);
    return g_test_run();
}
