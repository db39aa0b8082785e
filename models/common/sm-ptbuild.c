/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation table builder: see sm-ptbuild.h.
 *
 * Reference: Arm ARM (DDI0487) D8.2 (table geometry, concatenated
 * start-level tables), D8.3 (descriptor formats).
 */
#include <glib.h>

#include "sm-ptbuild.h"

/* bits[1:0] of a table descriptor (levels 0-2) and of a page (level 3) */
#define SM_PT_TYPE_TABLE   (SM_DESC_VALID | SM_DESC_TABLE)
/* bits[1:0] of a block descriptor */
#define SM_PT_TYPE_BLOCK   SM_DESC_VALID

static uint64_t sm_pt_granule_size(const SmPt *pt)
{
    return UINT64_C(1) << sm_granule_shift(pt->granule);
}

/*
 * Index of @va in the table at @level.  The start-level table is the one
 * whose size depends on the input size (short or concatenated).
 */
static uint64_t sm_pt_index(const SmPt *pt, int level, uint64_t va)
{
    if (level == pt->start) {
        return sm_walk_start_index(pt->granule, level, pt->ia_bits, va);
    }
    return sm_walk_index(pt->granule, level, va);
}

/* PA of the descriptor for @va in the table at @table, level @level. */
static uint64_t sm_pt_slot(const SmPt *pt, uint64_t table, int level,
                           uint64_t va)
{
    return table + 8 * sm_pt_index(pt, level, va);
}

static bool sm_pt_is_table(uint64_t desc)
{
    return (desc & SM_PT_TYPE_TABLE) == SM_PT_TYPE_TABLE;
}

/* The next-level table a table descriptor points to: OA[47:granule]. */
static uint64_t sm_pt_next_table(const SmPt *pt, uint64_t desc)
{
    return desc & SM_DESC_OA & ~sm_low_mask(sm_granule_shift(pt->granule));
}

/* A new, empty next-level table, hooked in at @slot: its descriptor. */
static uint64_t sm_pt_new_table(const SmPtMem *mem, const SmPt *pt,
                                uint64_t slot)
{
    uint64_t gran = sm_pt_granule_size(pt);
    uint64_t desc = mem->alloc(mem->opaque, gran, gran) | SM_PT_TYPE_TABLE;

    mem->write64(mem->opaque, slot, desc);
    return desc;
}

/*
 * Find in *@table the table that holds @va's descriptor at @level,
 * following table descriptors down from the root.  With @create, what is
 * missing on the way becomes a new table; without, a missing table
 * makes it fail.
 */
static bool sm_pt_descend(const SmPtMem *mem, const SmPt *pt, uint64_t va,
                          int level, bool create, uint64_t *table)
{
    int l;

    if (level < pt->start || level > 3) {
        return false;
    }
    *table = pt->root;
    for (l = pt->start; l < level; l++) {
        uint64_t slot = sm_pt_slot(pt, *table, l, va);
        uint64_t desc = mem->read64(mem->opaque, slot);

        if (!sm_pt_is_table(desc)) {
            if (!create) {
                return false;
            }
            desc = sm_pt_new_table(mem, pt, slot);
        }
        *table = sm_pt_next_table(pt, desc);
    }
    return true;
}

/* A page (level 3) or block descriptor mapping @pa, OA cut to its size. */
static uint64_t sm_pt_leaf(const SmPt *pt, uint64_t pa, int level,
                           uint64_t attrs)
{
    uint64_t oa = pa & SM_DESC_OA &
                  ~sm_low_mask(sm_walk_level_shift(pt->granule, level));

    return oa | attrs | (level == 3 ? SM_PT_TYPE_TABLE : SM_PT_TYPE_BLOCK);
}

bool sm_pt_init(const SmPtMem *mem, SmPt *pt, SmGranule g, unsigned ia_bits,
                int start)
{
    uint64_t bytes;

    pt->root = 0;
    /* At most 16 concatenated start tables: 4 bits above a full table. */
    if (!sm_granule_shift(g) || start < 0 || start > 3 ||
        sm_walk_start_bits(g, start, ia_bits) > sm_granule_shift(g) - 3 + 4) {
        return false;
    }
    pt->granule = g;
    pt->ia_bits = ia_bits;
    pt->start = start;
    /* One descriptor per value of the bits the start level resolves. */
    bytes = UINT64_C(8) << sm_walk_start_bits(g, start, ia_bits);
    /* The walker aligns TTB to the table's size; a granule at least. */
    bytes = MAX(bytes, sm_pt_granule_size(pt));
    pt->root = mem->alloc(mem->opaque, bytes, bytes);
    return true;
}

bool sm_pt_map(const SmPtMem *mem, const SmPt *pt, uint64_t va, uint64_t pa,
               int level, uint64_t attrs)
{
    uint64_t table;

    if (!sm_pt_descend(mem, pt, va, level, true, &table)) {
        return false;
    }
    mem->write64(mem->opaque, sm_pt_slot(pt, table, level, va),
                 sm_pt_leaf(pt, pa, level, attrs));
    return true;
}

bool sm_pt_map_range(const SmPtMem *mem, const SmPt *pt, uint64_t va,
                     uint64_t size, uint64_t pa, int level, uint64_t attrs)
{
    uint64_t step = sm_walk_block_size(pt->granule, level);
    uint64_t off;

    if (!step) {
        return false;              /* no leaf at @level: nothing mapped */
    }
    for (off = 0; off < size; off += step) {
        if (!sm_pt_map(mem, pt, va + off, pa + off, level, attrs)) {
            return false;
        }
    }
    return true;
}

uint64_t sm_pt_desc_addr(const SmPtMem *mem, const SmPt *pt, uint64_t va,
                         int level)
{
    uint64_t table;

    if (!sm_pt_descend(mem, pt, va, level, false, &table)) {
        return 0;
    }
    return sm_pt_slot(pt, table, level, va);
}
