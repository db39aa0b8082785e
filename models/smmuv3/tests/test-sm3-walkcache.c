/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the SMMUv3 walk caches (sm3-tlb.c, invalidated from
 * sm3-cmd.c): fewer descriptor reads, per-level statistics, and which
 * commands make a changed table pointer visible.
 *
 * The staleness check: translate an address (filling the walk caches),
 * point the level-1 descriptor of its region at new tables behind the
 * model's back, issue one command, then translate a page of the same
 * 2 MiB region never translated before (so the TLB cannot answer).  The
 * old output means the level-2 walk entry survived the command, the new
 * one that it was dropped.  Over-invalidation is architecturally allowed,
 * so "fresh" rows check a requirement of the model (IHI 0070 "TLB
 * invalidation", Arm ARM TLB maintenance of table entries), "stale" rows
 * the precision it promises.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

#define SID     3
#define ASID    0x11
#define VMID    4
#define VA      UINT64_C(0x40000000)
#define PA1     UINT64_C(0x00800000)
#define PA2     UINT64_C(0x00a00000)
/* Translated before the command: enters the TLB and the walk caches. */
#define VA_SEEN (VA + 0x2000)
/* Translated after it: only a walk answers. */
#define VA_NEW  (VA + 0x3000)

typedef enum WcKind {
    WC_S1,               /* stage 1, EL1 world, ASID, VMID 0 */
    WC_S2,               /* stage 2 only, VMID */
    WC_EL2,              /* stage 1, EL2 world (no E2H): global */
} WcKind;

/* A bench whose walk caches all have @entries entries of @ways ways. */
static Sm3Bench *wc_bench(uint32_t entries, uint32_t ways)
{
    Sm3Config cfg;
    unsigned st, level;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    /* TLB and configuration cache large enough never to evict here. */
    cfg.tlb_entries = 1024;
    cfg.tlb_ways = 8;
    cfg.cfg_entries = 256;
    cfg.cfg_ways = 8;
    cfg.cmdq_batch = 64;
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            cfg.walkc_entries[st][level] = entries;
            cfg.walkc_ways[st][level] = ways;
        }
    }
    return sm3b_new_cfg(&cfg);
}

typedef struct Env {
    Sm3Bench *b;
    WcKind kind;
    uint64_t root;
    uint64_t attrs;
} Env;

/* Stream SID of @kind with 4K tables mapping VA.. to PA1.. */
static void env_new(Env *e, WcKind kind, uint32_t entries, uint32_t ways)
{
    uint64_t cdtab;
    unsigned i;

    e->b = wc_bench(entries, ways);
    e->kind = kind;
    sm3b_setup(e->b, 5, 4, 4);
    e->root = sm3b_pt_new(e->b);
    e->attrs = kind == WC_S2 ? SM3B_S2_RW : SM3B_S1_RW;
    if (kind == WC_S2) {
        sm3b_ste_s2(e->b, SID, VMID, e->root, 0);
    } else {
        cdtab = sm3b_alloc(e->b, 64, 64);
        sm3b_cd(e->b, cdtab, 0, ASID, e->root, 0);
        sm3b_ste_s1(e->b, SID, cdtab, 0,
                    kind == WC_EL2 ? sm_prep(SM3_STE1_STRW,
                                             SM3_STE1_STRW_EL2) : 0);
    }
    for (i = 0; i < 4; i++) {
        sm3b_map(e->b, e->root, VA + i * 0x1000, PA1 + i * 0x1000, 3,
                 e->attrs);
    }
}

static uint64_t pa_of(Env *e, uint64_t va)
{
    Sm3Xlate r = sm3b_xlate(e->b, SID, va, false);

    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    return r.pa;
}

/*
 * Replace the level-1 descriptor of VA's region by new level-2 and
 * level-3 tables mapping VA_SEEN -> PA2 and VA_NEW -> PA2 + 0x1000.
 */
static void env_fork_l1(Env *e)
{
    uint64_t slot1 = sm3b_leaf(e->b, e->root, VA, 1);

    g_assert_cmphex(slot1, !=, 0);
    sm3b_w64(e->b, slot1, 0);
    sm3b_map(e->b, e->root, VA_SEEN, PA2, 3, e->attrs);
    sm3b_map(e->b, e->root, VA_NEW, PA2 + 0x1000, 3, e->attrs);
}

/* ---- fewer reads, statistics -------------------------------------------- */

static void test_fewer_reads(void)
{
    Env e, off;
    Sm3Stats st;
    unsigned reads;

    env_new(&e, WC_S1, 0, 0);
    g_assert_cmphex(pa_of(&e, VA), ==, PA1);
    st = sm3_stats(e.b->s);
    g_assert_cmpuint(st.walkc[0][2].misses, ==, 1);
    g_assert_cmpuint(st.walkc[0][0].inserts, ==, 1);
    g_assert_cmpuint(st.walkc[0][1].inserts, ==, 1);
    g_assert_cmpuint(st.walkc[0][2].inserts, ==, 1);
    reads = e.b->tm->reads;
    g_assert_cmphex(pa_of(&e, VA + 0x1000), ==, PA1 + 0x1000);
    /* Config from its cache, levels 0-2 from the walk cache. */
    g_assert_cmpuint(e.b->tm->reads - reads, ==, 1);
    st = sm3_stats(e.b->s);
    g_assert_cmpuint(st.walkc[0][2].lookups, ==, 2);
    g_assert_cmpuint(st.walkc[0][2].hits, ==, 1);
    /* The deepest hit ends the lookup: levels 1 and 0 not consulted. */
    g_assert_cmpuint(st.walkc[0][1].lookups, ==, 1);
    g_assert_cmpuint(st.walkc[0][0].lookups, ==, 1);
    g_assert_cmpuint(st.walkc[1][2].lookups, ==, 0);
    /* A TLB hit does not consult the walk caches. */
    g_assert_cmphex(pa_of(&e, VA + 0x1008), ==, PA1 + 0x1008);
    g_assert_cmpuint(sm3_stats(e.b->s).walkc[0][2].lookups, ==, 2);

    /* Disabled: four reads every time, statistics stay zero. */
    env_new(&off, WC_S1, SM3_WALKC_OFF, 0);
    g_assert_cmphex(pa_of(&off, VA), ==, PA1);
    reads = off.b->tm->reads;
    g_assert_cmphex(pa_of(&off, VA + 0x1000), ==, PA1 + 0x1000);
    g_assert_cmpuint(off.b->tm->reads - reads, ==, 4);
    st = sm3_stats(off.b->s);
    g_assert_cmpuint(st.walkc[0][2].lookups + st.walkc[0][2].inserts, ==,
                     0);
    g_assert_null(off.b->s->walkc[0][2]);
    sm3b_free(off.b);
    sm3b_free(e.b);
}

/* Defaults, explicit geometry, one structure off, rejected geometry. */
static void test_config(void)
{
    Sm3Bench *b = wc_bench(0, 0);
    Sm3Config cfg;

    g_assert_cmpuint(sm_cache_entries(b->s->walkc[0][0]), ==,
                     SM3_DEFAULT_WALKC_S1L0);
    g_assert_cmpuint(sm_cache_entries(b->s->walkc[0][2]), ==,
                     SM3_DEFAULT_WALKC_S1L2);
    g_assert_cmpuint(sm_cache_entries(b->s->walkc[1][1]), ==,
                     SM3_DEFAULT_WALKC_S2L1);
    g_assert_cmpuint(sm_cache_entries(b->s->walkc[1][2]), ==,
                     SM3_DEFAULT_WALKC_S2L2);
    g_assert_cmpuint(sm_cache_ways(b->s->walkc[1][2]), ==,
                     SM3_DEFAULT_WALKC_WAYS);
    cfg = b->cfg;
    sm3b_free(b);

    cfg.walkc_entries[0][1] = 8;
    cfg.walkc_ways[0][1] = 2;
    cfg.walkc_entries[1][0] = SM3_WALKC_OFF;
    g_assert_null(sm3_config_error(&cfg));
    b = sm3b_new_cfg(&cfg);
    g_assert_cmpuint(sm_cache_entries(b->s->walkc[0][1]), ==, 8);
    g_assert_cmpuint(sm_cache_sets(b->s->walkc[0][1]), ==, 4);
    g_assert_null(b->s->walkc[1][0]);
    g_assert_nonnull(b->s->walkc[1][1]);
    sm3b_free(b);

    cfg.walkc_entries[1][2] = 6;
    cfg.walkc_ways[1][2] = 4;
    { g_autofree char *why = sm3_config_error(&cfg); g_assert_nonnull(why); }
    g_assert_null(sm3_new(&cfg));
}

/* ---- staleness and invalidation ----------------------------------------- */

typedef struct WcRow {
    const char *name;
    uint64_t dw0, dw1;
    bool fresh;              /* the changed table pointer is seen */
} WcRow;

static void run_row(WcKind kind, const WcRow *row)
{
    Env e;

    env_new(&e, kind, 0, 0);
    g_assert_cmphex(pa_of(&e, VA), ==, PA1);
    env_fork_l1(&e);
    /* No invalidation yet: the cached path is used. */
    g_assert_cmphex(pa_of(&e, VA_SEEN), ==, PA1 + 0x2000);
    sm3b_cmd(e.b, row->dw0, row->dw1);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    if (pa_of(&e, VA_NEW) != (row->fresh ? PA2 + 0x1000 : PA1 + 0x3000)) {
        g_test_message("row %s", row->name);
        g_assert_cmphex(pa_of(&e, VA_NEW), ==,
                        row->fresh ? PA2 + 0x1000 : PA1 + 0x3000);
    }
    sm3b_free(e.b);
}

static void run_rows(WcKind kind, const WcRow *rows, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        run_row(kind, &rows[i]);
    }
}

#define C_ASID(a)   sm_prep(SM3_CMD0_TLBI_ASID, (a))
#define C_VMID(v)   sm_prep(SM3_CMD0_TLBI_VMID, (v))
#define C_LEAF      SM3_CMD1_TLBI_LEAF
/* Range (IDR3.RIL): (NUM + 1) 4K pages at @addr, TTL @ttl. */
#define C_RANGE0(num)       sm_prep(SM3_CMD0_TLBI_NUM, (num))
#define C_RANGE1(addr, ttl) ((addr) | sm_prep(SM3_CMD1_TLBI_TG, 1) | \
                             sm_prep(SM3_CMD1_TLBI_TTL, (ttl)))

static void test_stage1_commands(void)
{
    const WcRow rows[] = {
        { "none (SYNC)", SM3_CMD_SYNC, 0, false },
        { "NH_VA leaf=1", SM3_CMD_TLBI_NH_VA | C_ASID(ASID),
          VA_NEW | C_LEAF, false },
        { "NH_VA leaf=0", SM3_CMD_TLBI_NH_VA | C_ASID(ASID), VA_NEW, true },
        /* Table entries are not ASID-specific: every ASID's go. */
        { "NH_VA leaf=0, other ASID", SM3_CMD_TLBI_NH_VA | C_ASID(ASID + 1),
          VA_NEW, true },
        { "NH_VA leaf=0, other VMID", SM3_CMD_TLBI_NH_VA | C_ASID(ASID) |
          C_VMID(1), VA_NEW, false },
        { "NH_VA leaf=0, same 2M region", SM3_CMD_TLBI_NH_VA | C_ASID(ASID),
          VA + 0x100000, true },
        /* Levels 0 and 1 dropped, the level-2 entry still answers. */
        { "NH_VA leaf=0, other 2M region", SM3_CMD_TLBI_NH_VA |
          C_ASID(ASID), VA + 0x400000, false },
        { "NH_VAA leaf=0", SM3_CMD_TLBI_NH_VAA, VA_NEW, true },
        { "NH_VAA leaf=1", SM3_CMD_TLBI_NH_VAA, VA_NEW | C_LEAF, false },
        { "NH_ASID", SM3_CMD_TLBI_NH_ASID | C_ASID(ASID), 0, true },
        { "NH_ASID, other ASID", SM3_CMD_TLBI_NH_ASID | C_ASID(ASID + 1), 0,
          false },
        { "NH_ALL", SM3_CMD_TLBI_NH_ALL, 0, true },
        { "NH_ALL, other VMID", SM3_CMD_TLBI_NH_ALL | C_VMID(1), 0, false },
        { "S12_VMALL", SM3_CMD_TLBI_S12_VMALL, 0, true },
        { "S12_VMALL, other VMID", SM3_CMD_TLBI_S12_VMALL | C_VMID(1), 0,
          false },
        { "NSNH_ALL", SM3_CMD_TLBI_NSNH_ALL, 0, true },
        { "EL2_ALL", SM3_CMD_TLBI_EL2_ALL, 0, false },
        { "S2_IPA leaf=0", SM3_CMD_TLBI_S2_IPA, VA_NEW, false },
        { "CFGI_STE", SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, SID), 0,
          false },
        { "CFGI_ALL", SM3_CMD_CFGI_STE_RANGE, 31, false },
        { "CFGI_CD_ALL", SM3_CMD_CFGI_CD_ALL | sm_prep(SM3_CMD0_SID, SID), 0,
          false },
        /* Range forms: overlapping the cached region is enough. */
        { "NH_VA range, last page of the 2M region", SM3_CMD_TLBI_NH_VA |
          C_ASID(ASID) | C_RANGE0(0), C_RANGE1(VA + 0x1ff000, 0), true },
        { "NH_VA range, TTL=3 ignored for table entries",
          SM3_CMD_TLBI_NH_VA | C_ASID(ASID) | C_RANGE0(0),
          C_RANGE1(VA + 0x1ff000, 3), true },
        { "NH_VA range, next 2M", SM3_CMD_TLBI_NH_VA | C_ASID(ASID) |
          C_RANGE0(31), C_RANGE1(VA + 0x200000, 0), false },
        { "NH_VA range leaf=1", SM3_CMD_TLBI_NH_VA | C_ASID(ASID) |
          C_RANGE0(31), C_RANGE1(VA, 0) | C_LEAF, false },
        { "NH_VAA range", SM3_CMD_TLBI_NH_VAA | C_RANGE0(31),
          C_RANGE1(VA + 0x1f0000, 0), true },
    };

    run_rows(WC_S1, rows, G_N_ELEMENTS(rows));
}

static void test_stage2_commands(void)
{
    const WcRow rows[] = {
        { "none (SYNC)", SM3_CMD_SYNC, 0, false },
        { "S2_IPA leaf=1", SM3_CMD_TLBI_S2_IPA | C_VMID(VMID),
          VA_NEW | C_LEAF, false },
        { "S2_IPA leaf=0", SM3_CMD_TLBI_S2_IPA | C_VMID(VMID), VA_NEW,
          true },
        { "S2_IPA leaf=0, other VMID", SM3_CMD_TLBI_S2_IPA | C_VMID(VMID + 1),
          VA_NEW, false },
        { "S2_IPA leaf=0, other 2M region", SM3_CMD_TLBI_S2_IPA |
          C_VMID(VMID), VA + 0x400000, false },
        { "S2_IPA range", SM3_CMD_TLBI_S2_IPA | C_VMID(VMID) | C_RANGE0(3),
          C_RANGE1(VA + 0x1fc000, 3), true },
        { "S12_VMALL", SM3_CMD_TLBI_S12_VMALL | C_VMID(VMID), 0, true },
        { "S12_VMALL, other VMID", SM3_CMD_TLBI_S12_VMALL |
          C_VMID(VMID + 1), 0, false },
        { "NSNH_ALL", SM3_CMD_TLBI_NSNH_ALL, 0, true },
        { "NH_ALL (stage 1 only)", SM3_CMD_TLBI_NH_ALL | C_VMID(VMID), 0,
          false },
        { "NH_VAA (stage 1 only)", SM3_CMD_TLBI_NH_VAA | C_VMID(VMID),
          VA_NEW, false },
        { "EL2_ALL", SM3_CMD_TLBI_EL2_ALL, 0, false },
        { "CFGI_ALL", SM3_CMD_CFGI_STE_RANGE, 31, false },
    };

    run_rows(WC_S2, rows, G_N_ELEMENTS(rows));
}

/* EL2 without E2H: no ASIDs, so every VA form reaches the entries. */
static void test_el2_commands(void)
{
    const WcRow rows[] = {
        { "EL2_VA leaf=0", SM3_CMD_TLBI_EL2_VA | C_ASID(7), VA_NEW, true },
        { "EL2_VA leaf=1", SM3_CMD_TLBI_EL2_VA, VA_NEW | C_LEAF, false },
        { "EL2_VAA leaf=0", SM3_CMD_TLBI_EL2_VAA, VA_NEW, true },
        { "EL2_ALL", SM3_CMD_TLBI_EL2_ALL, 0, true },
        /* As for the TLB: EL2_ASID does not reach ASID-less entries. */
        { "EL2_ASID", SM3_CMD_TLBI_EL2_ASID, 0, false },
        { "NH_ALL", SM3_CMD_TLBI_NH_ALL, 0, false },
        { "NSNH_ALL", SM3_CMD_TLBI_NSNH_ALL, 0, false },
    };

    run_rows(WC_EL2, rows, G_N_ELEMENTS(rows));
}

/* sm3_invalidate_all() and sm3_reset() drop every walk-cache entry. */
static void test_invalidate_all_and_reset(void)
{
    Env e;
    unsigned level;

    env_new(&e, WC_S1, 0, 0);
    g_assert_cmphex(pa_of(&e, VA), ==, PA1);
    env_fork_l1(&e);
    sm3_invalidate_all(e.b->s);
    g_assert_cmphex(pa_of(&e, VA_NEW), ==, PA2 + 0x1000);
    g_assert_cmpuint(sm_cache_count_valid(e.b->s->walkc[0][2]), ==, 1);
    sm3_reset(e.b->s);
    for (level = 0; level < SM3_WALKC_LEVELS; level++) {
        g_assert_cmpuint(sm_cache_count_valid(e.b->s->walkc[0][level]), ==,
                         0);
    }
    sm3b_free(e.b);
}

/* ---- nested ------------------------------------------------------------- */

/*
 * Stage 2 maps the first GiB with one level-1 block, so every stage-2
 * walk reads levels 0 and 1.  A second translation in the same 2 MiB
 * uses the stage-1 level-2 entry, and the stage-2 level-0 entry for both
 * the stage-1 table fetch and the output: three reads.
 */
static void test_nested(void)
{
    Sm3Bench *b = wc_bench(0, 0);
    uint64_t s2, cdtab, root;
    Sm3Stats st;
    unsigned reads, s2_hits;

    sm3b_setup(b, 5, 4, 4);
    s2 = sm3b_pt_new(b);
    sm3b_map(b, s2, 0, 0, 1, SM3B_S2_RW);
    cdtab = sm3b_alloc(b, 64, 64);
    root = sm3b_pt_new(b);
    sm3b_cd(b, cdtab, 0, ASID, root, 0);
    sm3b_ste_nested(b, SID, cdtab, 0, VMID, s2);
    sm3b_map(b, root, VA, PA1, 3, SM3B_S1_RW);
    sm3b_map(b, root, VA + 0x1000, PA1 + 0x1000, 3, SM3B_S1_RW);
    g_assert_cmphex(sm3b_xlate(b, SID, VA, false).pa, ==, PA1);
    st = sm3_stats(b->s);
    /* Already in the first walk, stage 2 reuses its level-0 entry. */
    g_assert_cmpuint(st.walkc[1][0].hits, >, 0);
    s2_hits = st.walkc[1][0].hits;
    reads = b->tm->reads;
    g_assert_cmphex(sm3b_xlate(b, SID, VA + 0x1000, false).pa, ==,
                    PA1 + 0x1000);
    g_assert_cmpuint(b->tm->reads - reads, ==, 3);
    st = sm3_stats(b->s);
    g_assert_cmpuint(st.walkc[0][2].hits, ==, 1);
    g_assert_cmpuint(st.walkc[1][0].hits - s2_hits, ==, 2);
    /* TLBI_S2_IPA of the stage-1 table's IPA does not touch stage 1. */
    sm3b_cmd(b, SM3_CMD_TLBI_S2_IPA | C_VMID(VMID),
             sm3b_leaf(b, root, VA, 3) & SM_MASK(47, 12));
    g_assert_cmpuint(sm_cache_count_valid(b->s->walkc[0][2]), ==, 1);
    g_assert_cmpuint(sm_cache_count_valid(b->s->walkc[1][0]), ==, 0);
    sm3b_free(b);
}

/* ---- tiny caches -------------------------------------------------------- */

/* Two entries per structure: one victim per insert, never a flush. */
static void test_tiny(void)
{
    Env e;
    SmCacheStats st;
    unsigned i, reads;

    env_new(&e, WC_S1, 2, 0);
    for (i = 0; i < 8; i++) {
        uint64_t va = VA + ((uint64_t)i << 30);

        sm3b_map(e.b, e.root, va, PA1 + i * 0x2000, 3, SM3B_S1_RW);
        sm3b_map(e.b, e.root, va + 0x1000, PA1 + i * 0x2000 + 0x1000, 3,
                 SM3B_S1_RW);
    }
    for (i = 0; i < 8; i++) {
        g_assert_cmphex(pa_of(&e, VA + ((uint64_t)i << 30) + 8), ==,
                        PA1 + i * 0x2000 + 8);
        g_assert_cmpuint(sm_cache_count_valid(e.b->s->walkc[0][1]), ==,
                         MIN(i + 1, 2));
        g_assert_cmpuint(sm_cache_count_valid(e.b->s->walkc[0][2]), ==,
                         MIN(i + 1, 2));
        g_assert_cmpuint(sm_cache_count_valid(e.b->s->walkc[0][0]), ==, 1);
    }
    st = sm3_stats(e.b->s).walkc[0][1];
    g_assert_cmpuint(st.inserts, ==, 8);
    g_assert_cmpuint(st.evictions, ==, 6);
    /* The newest region is still cached down to level 2: one read. */
    reads = e.b->tm->reads;
    g_assert_cmphex(pa_of(&e, VA + (UINT64_C(7) << 30) + 0x1000), ==,
                    PA1 + 7 * 0x2000 + 0x1000);
    g_assert_cmpuint(e.b->tm->reads - reads, ==, 1);
    /* The oldest was evicted at levels 1 and 2; level 0 remains. */
    reads = e.b->tm->reads;
    g_assert_cmphex(pa_of(&e, VA + 0x1000), ==, PA1 + 0x1000);
    g_assert_cmpuint(e.b->tm->reads - reads, ==, 3);
    sm3b_free(e.b);
}

/*
 * The ops the walker gets, driven directly: one entry per region (a
 * second insert refreshes it), tags, a disabled level, bad arguments.
 */
static void test_ops_direct(void)
{
    Sm3Config cfg;
    Sm3Bench *b = wc_bench(0, 0);
    Sm3WalkCtx wctx, other;
    const SmWalkCacheOps *ops, *ops2;
    SmWalkTableDesc d1 = { .table = 0x1000, .attrs = SM_WALK_TBL_RO };
    SmWalkTableDesc d2 = { .table = 0x2000 };
    SmWalkTableDesc out;
    unsigned st, level;

    cfg = b->cfg;
    sm3b_free(b);
    cfg.walkc_entries[0][1] = SM3_WALKC_OFF;
    b = sm3b_new_cfg(&cfg);
    ops = sm3_walkc_ops(b->s, &wctx, SM3_TLB_NS_EL1, VMID, ASID, false);
    g_assert_nonnull(ops);
    ops->insert(ops->opaque, 1, 2, 21, VA, &d1);
    ops->insert(ops->opaque, 1, 2, 21, VA + 0x1000, &d2);
    g_assert_cmpuint(sm_cache_count_valid(b->s->walkc[0][2]), ==, 1);
    g_assert_true(ops->lookup(ops->opaque, 1, 2, 21, VA + 0x1fffff, &out));
    g_assert_cmphex(out.table, ==, 0x2000);
    g_assert_cmpuint(out.attrs, ==, 0);
    g_assert_false(ops->lookup(ops->opaque, 1, 2, 21, VA + 0x200000, &out));
    /* Another granule's region size, ASID or VMID: no hit. */
    g_assert_false(ops->lookup(ops->opaque, 1, 2, 25, VA, &out));
    ops2 = sm3_walkc_ops(b->s, &other, SM3_TLB_NS_EL1, VMID, ASID + 1,
                         false);
    g_assert_false(ops2->lookup(ops2->opaque, 1, 2, 21, VA, &out));
    /* Stage-2 entries ignore the ASID. */
    ops2->insert(ops2->opaque, 2, 2, 21, VA, &d1);
    g_assert_true(ops->lookup(ops->opaque, 2, 2, 21, VA, &out));
    g_assert_cmphex(out.table, ==, 0x1000);
    sm3_walkc_ops(b->s, &other, SM3_TLB_NS_EL1, VMID + 1, ASID, false);
    g_assert_false(ops2->lookup(ops2->opaque, 2, 2, 21, VA, &out));
    /* Level 1 of stage 1 is off: nothing stored, nothing found. */
    ops->insert(ops->opaque, 1, 1, 30, VA, &d1);
    g_assert_false(ops->lookup(ops->opaque, 1, 1, 30, VA, &out));
    /* Arguments the walker never passes. */
    g_assert_false(ops->lookup(ops->opaque, 3, 0, 39, VA, &out));
    g_assert_false(ops->lookup(ops->opaque, 1, 3, 12, VA, &out));
    g_assert_false(ops->lookup(ops->opaque, 1, 0, 64, VA, &out));
    ops->insert(ops->opaque, 0, 0, 39, VA, &d1);
    sm3b_free(b);

    /* Every walk cache off: no ops at all. */
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            cfg.walkc_entries[st][level] = SM3_WALKC_OFF;
        }
    }
    b = sm3b_new_cfg(&cfg);
    g_assert_null(sm3_walkc_ops(b->s, &wctx, SM3_TLB_NS_EL1, 0, 0, false));
    sm3b_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/walkc/fewer-reads", test_fewer_reads);
    g_test_add_func("/sm3/walkc/config", test_config);
    g_test_add_func("/sm3/walkc/stage1-commands", test_stage1_commands);
    g_test_add_func("/sm3/walkc/stage2-commands", test_stage2_commands);
    g_test_add_func("/sm3/walkc/el2-commands", test_el2_commands);
    g_test_add_func("/sm3/walkc/invalidate-all-reset",
                    test_invalidate_all_and_reset);
    g_test_add_func("/sm3/walkc/nested", test_nested);
    g_test_add_func("/sm3/walkc/tiny", test_tiny);
    g_test_add_func("/sm3/walkc/ops-direct", test_ops_direct);
    return g_test_run();
}
