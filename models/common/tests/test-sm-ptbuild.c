/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the translation table builder (sm-ptbuild.h).  Every
 * expected index, address and descriptor is a literal worked out by hand
 * from Arm ARM D8.2/D8.3 (the arithmetic is in the comments), so the
 * builder cannot pass by agreeing with the geometry helpers it uses.
 * Each tree is then walked by sm_walk() as a cross-check that the
 * walker reads what the builder wrote.
 *
 * The flat test memory allocates from 0x10000 upwards, so the tables a
 * test creates land at predictable addresses.
 */
#include <glib.h>

#include "sm-ptbuild.h"
#include "sm-testmem.h"

#define RAM_SIZE    (1u << 20)

/* The VA of the first two cases: a different index at every level. */
#define VA          UINT64_C(0x123456789000)

/* Number of non-zero descriptors in the whole memory. */
static unsigned count_descs(SmTestMem *tm)
{
    unsigned n = 0;
    uint64_t pa;

    for (pa = 0; pa < tm->size; pa += 8) {
        n += sm_tm_r64(tm, pa) != 0;
    }
    return n;
}

/*
 * Walk @in through @pt as stage 1 or as stage 2 (S2SL0 @sl0) with a
 * 48-bit output, and return the output address.
 */
static uint64_t walk(SmTestMem *tm, const SmPt *pt, bool stage2,
                     unsigned sl0, uint64_t in)
{
    SmWalkStageCfg sc = {
        .enabled = true, .granule = pt->granule, .tsz = 64 - pt->ia_bits,
        .sl0 = sl0, .oas_bits = 48, .ttb = pt->root,
    };
    SmWalkCfg cfg = { 0 };
    SmWalkReq req = { .addr = in, .priv = true };
    SmWalkResult res;

    if (stage2) {
        cfg.s2 = sc;
    } else {
        cfg.s1 = sc;
    }
    g_assert_true(sm_walk(&tm->host, &cfg, &req, &res));
    return res.ok.pa;
}

/* The attribute sets, bit by bit (D8.3.2). */
static void test_attrs(void)
{
    /* AF (bit 10) 0x400 | nG (bit 11) 0x800 | AP = 0b01 (bit 6) 0x40 */
    g_assert_cmphex(SM_PT_S1_RW, ==, 0xc40);
    /*
     * AF 0x400 | S2AP = 0b11 (bits 7:6) 0xc0 | MemAttr = 0b1111
     * (bits 5:2) 0x3c
     */
    g_assert_cmphex(SM_PT_S2_RW, ==, 0x4fc);
}

/*
 * 4K granule, 48-bit input, start level 0 (T0SZ 16).  Level shifts are
 * 39, 30, 21, 12 and every table has 512 entries (9 bits), so for
 * VA 0x1234_5678_9000:
 *   L0 index = VA[47:39] = 0x24   (0x12 << 40 is 0x24 << 39)
 *   L1 index = VA[38:30] = 0x0d1  (VA >> 30 = 0x48d1, low 9 bits)
 *   L2 index = VA[29:21] = 0x0b3  (VA >> 21 = 0x91a2b3, low 9 bits)
 *   L3 index = VA[20:12] = 0x189  (VA >> 12 = 0x123456789, low 9 bits)
 * The root is the first 4K at 0x10000, then each level's new table takes
 * the next 4K: L1 0x11000, L2 0x12000, L3 0x13000.  A descriptor sits
 * at table + 8 * index.
 */
static void test_4k_s1(void)
{
    SmTestMem *tm = sm_tm_new(RAM_SIZE);
    SmPtMem mem = sm_tm_pt_mem(tm);
    SmPt pt;

    sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 0);
    g_assert_cmphex(pt.root, ==, 0x10000);
    sm_pt_map(&mem, &pt, VA, UINT64_C(0x400000003000), 3, SM_PT_S1_RW);

    /* Table descriptors: next table | 0b11. */
    g_assert_cmphex(sm_tm_r64(tm, 0x10000 + 8 * 0x24), ==, 0x11003);
    g_assert_cmphex(sm_tm_r64(tm, 0x11000 + 8 * 0xd1), ==, 0x12003);
    g_assert_cmphex(sm_tm_r64(tm, 0x12000 + 8 * 0xb3), ==, 0x13003);
    /* Page descriptor: OA | attributes 0xc40 | 0b11. */
    g_assert_cmphex(sm_tm_r64(tm, 0x13000 + 8 * 0x189), ==,
                    UINT64_C(0x400000003c43));
    g_assert_cmpuint(count_descs(tm), ==, 4);
    g_assert_cmphex(sm_pt_desc_addr(&mem, &pt, VA, 3), ==, 0x13c48);

    /* The next page uses the same tables: one more descriptor only. */
    sm_pt_map(&mem, &pt, VA + 0x1000, UINT64_C(0x7000), 3, SM_PT_S1_RW);
    g_assert_cmphex(sm_tm_r64(tm, 0x13000 + 8 * 0x18a), ==, 0x7c43);
    g_assert_cmpuint(count_descs(tm), ==, 5);

    g_assert_cmphex(walk(tm, &pt, false, 0, VA + 0x123), ==,
                    UINT64_C(0x400000003123));
    /* Nothing below L0 entry 0: no L1 table to find a descriptor in. */
    g_assert_cmphex(sm_pt_desc_addr(&mem, &pt, 0x5000, 3), ==, 0);
    g_assert_cmphex(sm_pt_desc_addr(&mem, &pt, 0x5000, 0), ==, 0x10000);
    sm_tm_free(tm);
}

/*
 * 64K granule, 48-bit input (T0SZ 16): level shifts 42 (L1), 29 (L2)
 * and 16 (L3), 13 bits per full table, so the walk starts at level 1
 * with a short table of 48 - 42 = 6 bits (64 entries, padded to a 64K
 * granule).  For
 * VA 0x1234_5678_9000:
 *   L1 index = VA[47:42] = 0x4     (0x12 << 40 is 0x4 << 42 + 0x2 << 40)
 *   L2 index = VA[41:29] = 0x11a2  (VA >> 29 = 0x91a2, low 13 bits)
 *   L3 index = VA[28:16] = 0x1678  (VA >> 16 = 0x12345678, low 13 bits)
 * Tables take 64K each: root 0x10000, L2 0x20000, L3 0x30000.
 */
static void test_64k_s1(void)
{
    SmTestMem *tm = sm_tm_new(RAM_SIZE);
    SmPtMem mem = sm_tm_pt_mem(tm);
    SmPt pt;

    sm_pt_init(&mem, &pt, SM_GRANULE_64K, 48,
               sm_walk_s1_start_level(SM_GRANULE_64K, 48));
    g_assert_cmpint(pt.start, ==, 1);
    g_assert_cmphex(pt.root, ==, 0x10000);
    sm_pt_map(&mem, &pt, VA, UINT64_C(0x400000010000), 3, SM_PT_S1_RW);

    g_assert_cmphex(sm_tm_r64(tm, 0x10000 + 8 * 0x4), ==, 0x20003);
    g_assert_cmphex(sm_tm_r64(tm, 0x20000 + 8 * 0x11a2), ==, 0x30003);
    g_assert_cmphex(sm_tm_r64(tm, 0x30000 + 8 * 0x1678), ==,
                    UINT64_C(0x400000010c43));
    g_assert_cmpuint(count_descs(tm), ==, 3);
    /* VA is 0x9000 into its 64K page. */
    g_assert_cmphex(walk(tm, &pt, false, 0, VA + 0x765), ==,
                    UINT64_C(0x400000019765));

    /*
     * A 512M block (level 2, shift 29) at VA 0x4000_0000: L1 index
     * VA[47:42] = 0, L2 index VA[41:29] = 2, in a new L2 table at
     * 0x40000.  The OA keeps bits [47:29] only: 0x8123_4000 -> 0x8000_0000,
     * with bits[1:0] = 0b01.
     */
    sm_pt_map(&mem, &pt, 0x40000000, 0x81234000, 2, SM_PT_S1_RW);
    g_assert_cmphex(sm_tm_r64(tm, 0x10000), ==, 0x40003);
    g_assert_cmphex(sm_tm_r64(tm, 0x40000 + 8 * 2), ==, 0x80000c41);
    g_assert_cmpuint(count_descs(tm), ==, 5);
    g_assert_cmphex(walk(tm, &pt, false, 0, 0x40000000 + 0x1234567), ==,
                    0x81234567);
    sm_tm_free(tm);
}

/*
 * Stage 2, 4K granule, 40-bit IPA (S2T0SZ 24), S2SL0 1: start level 1,
 * whose shift 30 leaves 40 - 30 = 10 bits, one more than a 512-entry
 * table holds: two concatenated tables (8K, aligned to 8K) at 0x10000.
 * For IPA 0x80_4020_3000:
 *   L1 index = IPA[39:30] = 0x201 (IPA >> 30 = 0x201): entry 1 of the
 *              second table, at 0x10000 + 8 * 0x201 = 0x11008
 *   L2 index = IPA[29:21] = 0x001 (IPA >> 21 = 0x40201, low 9 bits)
 *   L3 index = IPA[20:12] = 0x003 (IPA >> 12 = 0x8040203, low 9 bits)
 * The first table after the 8K root is at 0x12000, then 0x13000.
 */
static void test_4k_s2_concat(void)
{
    SmTestMem *tm = sm_tm_new(RAM_SIZE);
    SmPtMem mem = sm_tm_pt_mem(tm);
    uint64_t ipa = UINT64_C(0x8040203000);
    SmPt pt;

    sm_pt_init(&mem, &pt, SM_GRANULE_4K, 40,
               sm_walk_s2_start_level(SM_GRANULE_4K, 1));
    g_assert_cmpint(pt.start, ==, 1);
    g_assert_cmphex(pt.root, ==, 0x10000);
    sm_pt_map(&mem, &pt, ipa, 0x40005000, 3, SM_PT_S2_RW);

    g_assert_cmphex(sm_tm_r64(tm, 0x11008), ==, 0x12003);
    g_assert_cmphex(sm_tm_r64(tm, 0x12000 + 8 * 0x1), ==, 0x13003);
    /* Page: OA | attributes 0x4fc | 0b11. */
    g_assert_cmphex(sm_tm_r64(tm, 0x13000 + 8 * 0x3), ==, 0x400054ff);
    g_assert_cmpuint(count_descs(tm), ==, 3);
    g_assert_cmphex(walk(tm, &pt, true, 1, ipa + 0x10), ==, 0x40005010);

    /* The same IPA without bit 39 uses the first table, entry 1. */
    sm_pt_map(&mem, &pt, ipa - (UINT64_C(1) << 39), 0x6000, 3,
              SM_PT_S2_RW);
    g_assert_cmphex(sm_tm_r64(tm, 0x10008), ==, 0x14003);
    sm_tm_free(tm);
}

/*
 * sm_pt_map_range() writes one leaf per page: 3 pages of 4K at
 * VA 0x20_0000 (L0 0, L1 0, L2 1, L3 0..2) from PA 0x9000.
 */
static void test_range(void)
{
    SmTestMem *tm = sm_tm_new(RAM_SIZE);
    SmPtMem mem = sm_tm_pt_mem(tm);
    SmPt pt;

    sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 0);
    sm_pt_map_range(&mem, &pt, 0x200000, 0x3000, 0x9000, 3, SM_PT_S1_RW);
    g_assert_cmphex(sm_tm_r64(tm, 0x12000 + 8 * 1), ==, 0x13003);
    g_assert_cmphex(sm_tm_r64(tm, 0x13000), ==, 0x9c43);
    g_assert_cmphex(sm_tm_r64(tm, 0x13008), ==, 0xac43);
    g_assert_cmphex(sm_tm_r64(tm, 0x13010), ==, 0xbc43);
    g_assert_cmpuint(count_descs(tm), ==, 6);
    sm_tm_free(tm);
}

/* A geometry that does not exist is refused and writes nothing. */
static void test_refused(void)
{
    SmTestMem *tm = sm_tm_new(RAM_SIZE);
    SmPtMem mem = sm_tm_pt_mem(tm);
    SmPt pt;

    g_assert_false(sm_pt_init(&mem, &pt, SM_GRANULE_INVALID, 48, 0));
    g_assert_cmphex(pt.root, ==, 0);
    g_assert_false(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 4));
    g_assert_false(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, -1));
    /*
     * 4K tables resolve 9 bits; 16 concatenated ones 13.  48 bits from
     * level 2 (shift 21) leave 27; 40 bits from level 1 (shift 30) 10,
     * 2 tables; 44 bits from level 1 leave 14, 32 tables: refused.
     */
    g_assert_false(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 2));
    g_assert_true(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 40, 1));
    g_assert_false(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 44, 1));
    g_assert_true(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 0));
    /* Level -1 is above this tree's start, level 4 below any tree. */
    g_assert_false(sm_pt_map(&mem, &pt, 0x1000, 0x2000, -1, SM_PT_S1_RW));
    g_assert_false(sm_pt_map(&mem, &pt, 0x1000, 0x2000, 4, SM_PT_S1_RW));
    g_assert_false(sm_pt_map_range(&mem, &pt, 0, 0x3000, 0, 4,
                                   SM_PT_S1_RW));
    g_assert_cmpuint(count_descs(tm), ==, 0);
    sm_tm_free(tm);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm/ptbuild/attrs", test_attrs);
    g_test_add_func("/sm/ptbuild/4k-s1", test_4k_s1);
    g_test_add_func("/sm/ptbuild/64k-s1", test_64k_s1);
    g_test_add_func("/sm/ptbuild/4k-s2-concat", test_4k_s2_concat);
    g_test_add_func("/sm/ptbuild/range", test_range);
    g_test_add_func("/sm/ptbuild/refused", test_refused);
    return g_test_run();
}
