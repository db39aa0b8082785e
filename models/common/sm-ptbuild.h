/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation table builder: writes VMSAv8-64 stage-1 or stage-2 tables
 * (Arm ARM D8.3) into a memory its caller owns, for the code that plays
 * the OS's part: smmu-sim's driver and the unit-test benches.  The models
 * never build tables, they only walk them (sm-walk.h); the builder takes
 * every piece of geometry (level shifts, indices, start-level size and
 * concatenation) from the walker's helpers, so that what it writes is
 * what the walker reads.
 *
 * Memory is reached only through SmPtMem, with descriptors as 64-bit
 * values: the hooks decide where they live and in which byte order.
 * Output addresses are at most 48 bits (no FEAT_LPA OA[51:48] field).
 */
#ifndef SM_PTBUILD_H
#define SM_PTBUILD_H

#include <stdint.h>

#include "sm-walk.h"

/*
 * Leaf attributes of a mapping everyone may read and write, with the
 * Access flag set so that no hardware update or fault is involved.
 * Stage 1: AF, nG, AP = 0b01 (EL0 and EL1 read/write), AttrIndx 0.
 * Stage 2: AF, S2AP = 0b11 (read/write), MemAttr 0b1111 (Normal,
 * Write-Back cacheable).
 */
#define SM_PT_S1_RW   (SM_DESC_AF | SM_DESC_NG | SM_DESC_AP1)
#define SM_PT_S2_RW   (SM_DESC_AF | SM_DESC_S2AP_R | SM_DESC_S2AP_W | \
                       SM_DESC_S2_MEMATTR)

/* Where the tables live: the caller's memory. */
typedef struct SmPtMem {
    void *opaque;
    /* @size zeroed bytes aligned to @align (a power of two): their PA. */
    uint64_t (*alloc)(void *opaque, uint64_t size, uint64_t align);
    uint64_t (*read64)(void *opaque, uint64_t pa);
    void (*write64)(void *opaque, uint64_t pa, uint64_t val);
} SmPtMem;

/* One translation table tree (either stage; the format is the same). */
typedef struct SmPt {
    SmGranule granule;
    unsigned ia_bits;        /* input address size: 64 - TxSZ / S2T0SZ */
    int start;               /* start level */
    uint64_t root;           /* start-level table(s): TTBx / S2TTB */
} SmPt;

/*
 * A fresh, empty tree for inputs of @ia_bits starting at level @start
 * (sm_walk_s1_start_level(), sm_walk_s2_start_level()).  The start-level
 * table is aligned to its size and takes at least a granule: a stage-2
 * start level resolving more bits than one table gets concatenated
 * tables, one resolving fewer a short table padded to a granule.
 * false (and root 0) for a granule or start level that does not exist,
 * or a start level that would need more than 16 concatenated tables.
 */
bool sm_pt_init(const SmPtMem *mem, SmPt *pt, SmGranule g, unsigned ia_bits,
                int start);

/*
 * Map @va -> @pa with one leaf at @level: a page at level 3, otherwise a
 * block of sm_walk_block_size(granule, @level) bytes (whether a block is
 * architected there is the caller's business: tests write reserved ones
 * on purpose).  @attrs are the descriptor's attribute bits (SM_PT_S1_RW,
 * SM_PT_S2_RW or SM_DESC_* of sm-walk.h); @pa is cut to the leaf size.
 * Missing tables on the way are allocated; an entry on the way that is
 * not a table descriptor is replaced by a new table.  false (nothing
 * written) for a level outside start..3.
 */
bool sm_pt_map(const SmPtMem *mem, const SmPt *pt, uint64_t va, uint64_t pa,
               int level, uint64_t attrs);

/*
 * sm_pt_map() for every leaf of [@va, @va + @size), @pa on; false at the
 * first leaf it cannot write (a level without leaves maps nothing).
 */
bool sm_pt_map_range(const SmPtMem *mem, const SmPt *pt, uint64_t va,
                     uint64_t size, uint64_t pa, int level, uint64_t attrs);

/*
 * PA of the descriptor at @level that translates @va, for tests that
 * edit a leaf in place; 0 when a table on the way is missing.
 */
uint64_t sm_pt_desc_addr(const SmPtMem *mem, const SmPt *pt, uint64_t va,
                         int level);

#endif /* SM_PTBUILD_H */
