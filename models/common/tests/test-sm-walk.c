/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the VMSAv8-64 walker.  The shared flat-memory bench
 * (sm-testmem.h: guest RAM behind the SmHost read/write hooks, with bus
 * error injection) holds page tables built by small helpers below.  The
 * descriptor bits are spelled out here independently of sm-walk.c, from
 * Arm ARM D8.3, so a wrong field in the model cannot pass by agreeing
 * with itself.
 */
#include <string.h>

#include <glib.h>

#include "sm-bits.h"
#include "sm-cache.h"
#include "sm-walk.h"
#include "sm-testmem.h"

/* Descriptor bits (Arm ARM D8.3). */
#define D_VALID     (UINT64_C(1) << 0)
#define D_TABLE     (UINT64_C(3))            /* table or L3 page */
#define D_BLOCK     (UINT64_C(1))
#define D_AP1       (UINT64_C(1) << 6)       /* EL0 access */
#define D_AP2       (UINT64_C(1) << 7)       /* read-only */
#define D_S2AP_R    (UINT64_C(1) << 6)
#define D_S2AP_W    (UINT64_C(1) << 7)
#define D_SH_IS     (UINT64_C(3) << 8)
#define D_AF        (UINT64_C(1) << 10)
#define D_NG        (UINT64_C(1) << 11)
#define D_DBM       (UINT64_C(1) << 51)
#define D_CONTIG    (UINT64_C(1) << 52)
#define D_PXN       (UINT64_C(1) << 53)
#define D_UXN       (UINT64_C(1) << 54)
#define D_PXNT      (UINT64_C(1) << 59)
#define D_UXNT      (UINT64_C(1) << 60)
#define D_APT0      (UINT64_C(1) << 61)
#define D_APT1      (UINT64_C(1) << 62)

/* Default leaf attributes: accessed, RW at every privilege. */
#define S1_RW       (D_AF | D_AP1 | D_SH_IS | (UINT64_C(5) << 2))
#define S2_RW       (D_AF | D_S2AP_R | D_S2AP_W | D_SH_IS | (0xfu << 2))

#define RAM_SIZE    (32u << 20)

/* ---- Bench (sm-testmem) ----------------------------------------------- */

/*
 * The shared flat memory (sm-testmem.h); its be flag says how the
 * builders below write descriptors.  Every walk in this file is made for
 * requester 0x42, which each read checks.
 */
static SmBusResult b_read(void *opaque, uint64_t pa, void *buf, size_t len,
                          SmAttrs attrs)
{
    g_assert_cmpuint(attrs.requester_id, ==, 0x42);
    return sm_tm_read(opaque, pa, buf, len, attrs);
}

static SmTestMem *b_new(void)
{
    SmTestMem *b = sm_tm_new(RAM_SIZE);

    b->host.read = b_read;
    b->host.log = NULL;
    return b;
}

/* Inject a bus error on @dir (SM_TM_ERR_*) accesses of the byte at @pa. */
static void b_fail(SmTestMem *b, unsigned dir, uint64_t pa)
{
    sm_tm_set_error(b, pa, pa + 1, dir);
}

/* @size bytes of zeroed RAM aligned to @size (at least 4K). */
static uint64_t b_alloc(SmTestMem *b, uint64_t size)
{
    uint64_t align = MAX(size, 4096);

    while (align & (align - 1)) {
        align += align & -align;
    }
    return sm_tm_alloc(b, size, align);
}

static unsigned g_shift(SmGranule g)
{
    return g == SM_GRANULE_4K ? 12 : g == SM_GRANULE_16K ? 14 : 16;
}

/* Geometry computed here independently: shift of @level. */
static unsigned t_shift(SmGranule g, int level)
{
    return g_shift(g) + (g_shift(g) - 3) * (3 - level);
}

/*
 * A stage configuration with a freshly allocated start table.  For stage
 * 2, @sl0 selects the start level; for stage 1 it is ignored.
 */
static SmWalkStageCfg b_stage(SmTestMem *b, SmGranule g, unsigned ias,
                              bool s2, unsigned sl0)
{
    SmWalkStageCfg sc = {
        .enabled = true, .granule = g, .tsz = 64 - ias, .sl0 = sl0,
        .oas_bits = 48,
    };
    int start;
    unsigned bits;

    start = sm_walk_start_level(&sc, s2);
    g_assert_cmpint(start, >=, 0);
    bits = ias - t_shift(g, start);
    sc.ttb = b_alloc(b, UINT64_C(8) << bits);
    return sc;
}

/*
 * PA of the descriptor slot for @in at @level, creating missing tables
 * on the way.  @off is added to table addresses written in descriptors
 * (stage-1 tables of a nested walk live at IPA = PA + off).
 */
static uint64_t b_slot(SmTestMem *b, const SmWalkStageCfg *sc, bool s2,
                       uint64_t off, uint64_t in, int level)
{
    int start = sm_walk_start_level(sc, s2);
    unsigned ias = 64 - sc->tsz;
    unsigned gs = g_shift(sc->granule);
    uint64_t table = sc->ttb - off;
    int l;

    for (l = start;; l++) {
        unsigned sh = t_shift(sc->granule, l);
        unsigned bits = l == start ? ias - sh : gs - 3;
        uint64_t slot = table + ((in >> sh) & sm_low_mask(bits)) * 8;
        uint64_t d;

        if (l == level) {
            return slot;
        }
        d = sm_tm_r64(b, slot);
        if (!(d & D_VALID)) {
            table = b_alloc(b, UINT64_C(1) << gs);
            sm_tm_w64(b, slot, (table + off) | D_TABLE);
        } else {
            table = (d & SM_MASK(47, gs)) - off;
        }
    }
}

/* Map @in -> @oa with a leaf at @level; returns the leaf's PA. */
static uint64_t b_map(SmTestMem *b, const SmWalkStageCfg *sc, bool s2,
                      uint64_t off, uint64_t in, uint64_t oa, int level,
                      uint64_t attrs)
{
    uint64_t slot = b_slot(b, sc, s2, off, in, level);

    sm_tm_w64(b, slot, oa | attrs | (level == 3 ? D_TABLE : D_BLOCK));
    return slot;
}

static SmWalkCfg t_cfg1(const SmWalkStageCfg *s1)
{
    SmWalkCfg c = { .s1 = *s1, .attrs = { .requester_id = 0x42 } };

    return c;
}

static SmWalkCfg t_cfg2(const SmWalkStageCfg *s2)
{
    SmWalkCfg c = { .s2 = *s2, .attrs = { .requester_id = 0x42 } };

    return c;
}

static SmWalkResult *t_walk(SmTestMem *b, const SmWalkCfg *cfg, uint64_t addr,
                            bool write, bool instr, bool priv)
{
    static SmWalkResult res;   /* test-local convenience only */
    SmWalkReq req = { .addr = addr, .write = write, .instr = instr,
                      .priv = priv };
    bool ok = sm_walk(&b->host, cfg, &req, &res);

    g_assert_cmpint(ok, ==, res.outcome == SM_WALK_OK);
    return &res;
}

static SmWalkResult *t_read(SmTestMem *b, const SmWalkCfg *cfg, uint64_t addr)
{
    return t_walk(b, cfg, addr, false, false, true);
}

static void t_expect_ok(const SmWalkResult *r, uint64_t pa, unsigned shift)
{
    if (r->outcome != SM_WALK_OK) {
        g_test_message("fault %s stage %u level %d",
                       sm_walk_outcome_name(r->outcome), r->fault.stage,
                       r->fault.level);
    }
    g_assert_cmpint(r->outcome, ==, SM_WALK_OK);
    g_assert_cmphex(r->ok.pa, ==, pa);
    g_assert_cmphex(r->ok.addr_mask, ==, sm_low_mask(shift));
}

static void t_expect_fault(const SmWalkResult *r, SmWalkOutcome o,
                           unsigned stage, int level)
{
    if (r->outcome != o) {
        g_test_message("got %s, want %s", sm_walk_outcome_name(r->outcome),
                       sm_walk_outcome_name(o));
    }
    g_assert_cmpint(r->outcome, ==, o);
    g_assert_cmpuint(r->fault.stage, ==, stage);
    g_assert_cmpint(r->fault.level, ==, level);
}

/* ---- Geometry and configuration ---------------------------------------- */

static void test_geometry(void)
{
    static const struct {
        SmGranule g;
        unsigned ias;
        int start;
    } s1[] = {
        { SM_GRANULE_4K, 48, 0 }, { SM_GRANULE_4K, 39, 1 },
        { SM_GRANULE_4K, 30, 2 }, { SM_GRANULE_4K, 21, 3 },
        { SM_GRANULE_4K, 49, -1 }, { SM_GRANULE_4K, 12, -1 },
        { SM_GRANULE_16K, 48, 0 }, { SM_GRANULE_16K, 47, 1 },
        { SM_GRANULE_16K, 36, 2 }, { SM_GRANULE_16K, 25, 3 },
        { SM_GRANULE_64K, 52, 1 }, { SM_GRANULE_64K, 42, 2 },
        { SM_GRANULE_64K, 29, 3 }, { SM_GRANULE_64K, 53, -1 },
        { SM_GRANULE_INVALID, 40, -1 },
        /* each level's first and last size: 9, 11, 13 bits a level */
        { SM_GRANULE_4K, 13, 3 }, { SM_GRANULE_4K, 22, 2 },
        { SM_GRANULE_4K, 31, 1 }, { SM_GRANULE_4K, 40, 0 },
        { SM_GRANULE_4K, 64, -1 }, { SM_GRANULE_4K, 65, -1 },
        { SM_GRANULE_16K, 14, -1 }, { SM_GRANULE_16K, 15, 3 },
        { SM_GRANULE_16K, 26, 2 }, { SM_GRANULE_16K, 37, 1 },
        { SM_GRANULE_16K, 49, -1 },
        { SM_GRANULE_64K, 16, -1 }, { SM_GRANULE_64K, 17, 3 },
        { SM_GRANULE_64K, 30, 2 }, { SM_GRANULE_64K, 43, 1 },
        { SM_GRANULE_64K, 0, -1 },
    };
    unsigned i;

    g_assert_cmpint(sm_granule_from_tg0(0), ==, SM_GRANULE_4K);
    g_assert_cmpint(sm_granule_from_tg0(1), ==, SM_GRANULE_64K);
    g_assert_cmpint(sm_granule_from_tg0(2), ==, SM_GRANULE_16K);
    g_assert_cmpint(sm_granule_from_tg0(3), ==, SM_GRANULE_INVALID);
    g_assert_cmpint(sm_granule_from_tg1(0), ==, SM_GRANULE_INVALID);
    g_assert_cmpint(sm_granule_from_tg1(1), ==, SM_GRANULE_16K);
    g_assert_cmpint(sm_granule_from_tg1(2), ==, SM_GRANULE_4K);
    g_assert_cmpint(sm_granule_from_tg1(3), ==, SM_GRANULE_64K);

    g_assert_cmpuint(sm_granule_shift(SM_GRANULE_INVALID), ==, 0);
    g_assert_cmpuint(sm_granule_shift((SmGranule)9), ==, 0);
    g_assert_cmpuint(sm_walk_bits_per_level(SM_GRANULE_INVALID), ==, 0);
    g_assert_cmpuint(sm_walk_bits_per_level(SM_GRANULE_16K), ==, 11);
    g_assert_cmpuint(sm_walk_level_shift(SM_GRANULE_4K, 0), ==, 39);
    g_assert_cmpuint(sm_walk_level_shift(SM_GRANULE_4K, 3), ==, 12);
    g_assert_cmpuint(sm_walk_level_shift(SM_GRANULE_16K, 0), ==, 47);
    g_assert_cmpuint(sm_walk_level_shift(SM_GRANULE_64K, 1), ==, 42);
    g_assert_cmpuint(sm_walk_level_shift(SM_GRANULE_64K, 4), ==, 0);
    g_assert_cmpuint(sm_walk_level_shift(SM_GRANULE_64K, -1), ==, 0);
    g_assert_cmphex(sm_walk_block_size(SM_GRANULE_4K, 1), ==, 1u << 30);
    g_assert_cmphex(sm_walk_block_size(SM_GRANULE_16K, 2), ==, 1u << 25);
    g_assert_cmphex(sm_walk_block_size(SM_GRANULE_64K, 2), ==, 1u << 29);
    g_assert_cmphex(sm_walk_block_size(SM_GRANULE_64K, 7), ==, 0);
    g_assert_cmphex(sm_walk_index(SM_GRANULE_4K, 2, 0x7fe00000), ==, 0x1ff);
    g_assert_cmphex(sm_walk_index(SM_GRANULE_4K, 3, 0x7fe03000), ==, 3);
    g_assert_cmphex(sm_walk_index(SM_GRANULE_64K, 3, 0x1230000), ==, 0x123);
    g_assert_cmphex(sm_walk_index(SM_GRANULE_INVALID, 3, 0x1000), ==, 0);
    /*
     * Start-level tables: 64K from level 1 (shift 42) with 48 bits is a
     * short 6-bit table; 4K from level 1 (shift 30) with 40 bits is 10
     * bits, two concatenated tables; bits above the input are ignored.
     */
    g_assert_cmpuint(sm_walk_start_bits(SM_GRANULE_64K, 1, 48), ==, 6);
    g_assert_cmpuint(sm_walk_start_bits(SM_GRANULE_4K, 1, 40), ==, 10);
    g_assert_cmpuint(sm_walk_start_bits(SM_GRANULE_4K, 1, 30), ==, 0);
    g_assert_cmpuint(sm_walk_start_bits(SM_GRANULE_INVALID, 1, 40), ==, 0);
    g_assert_cmphex(sm_walk_start_index(SM_GRANULE_4K, 1, 40,
                                        UINT64_C(0x8040203000)), ==, 0x201);
    g_assert_cmphex(sm_walk_start_index(SM_GRANULE_64K, 1, 48, UINT64_MAX),
                    ==, 0x3f);
    g_assert_cmphex(sm_walk_start_index(SM_GRANULE_4K, 1, 30, 0x40000000),
                    ==, 0);
    g_assert_cmpint(sm_granule_from_shift(12), ==, SM_GRANULE_4K);
    g_assert_cmpint(sm_granule_from_shift(14), ==, SM_GRANULE_16K);
    g_assert_cmpint(sm_granule_from_shift(16), ==, SM_GRANULE_64K);
    g_assert_cmpint(sm_granule_from_shift(13), ==, SM_GRANULE_INVALID);

    g_assert_false(sm_walk_block_allowed(SM_GRANULE_4K, 0, 48));
    g_assert_true(sm_walk_block_allowed(SM_GRANULE_4K, 1, 48));
    g_assert_true(sm_walk_block_allowed(SM_GRANULE_4K, 2, 48));
    g_assert_false(sm_walk_block_allowed(SM_GRANULE_4K, 3, 48));
    g_assert_false(sm_walk_block_allowed(SM_GRANULE_16K, 1, 48));
    g_assert_true(sm_walk_block_allowed(SM_GRANULE_16K, 2, 48));
    g_assert_false(sm_walk_block_allowed(SM_GRANULE_64K, 1, 48));
    g_assert_true(sm_walk_block_allowed(SM_GRANULE_64K, 1, 52));
    g_assert_true(sm_walk_block_allowed(SM_GRANULE_64K, 2, 48));
    g_assert_false(sm_walk_block_allowed(SM_GRANULE_INVALID, 2, 48));

    for (i = 0; i < G_N_ELEMENTS(s1); i++) {
        g_assert_cmpint(sm_walk_s1_start_level(s1[i].g, s1[i].ias), ==,
                        s1[i].start);
    }
    g_assert_cmpint(sm_walk_s2_start_level(SM_GRANULE_4K, 0), ==, 2);
    g_assert_cmpint(sm_walk_s2_start_level(SM_GRANULE_4K, 2), ==, 0);
    g_assert_cmpint(sm_walk_s2_start_level(SM_GRANULE_16K, 0), ==, 3);
    g_assert_cmpint(sm_walk_s2_start_level(SM_GRANULE_64K, 2), ==, 1);
    g_assert_cmpint(sm_walk_s2_start_level(SM_GRANULE_4K, 3), ==, -1);
    g_assert_cmpint(sm_walk_s2_start_level(SM_GRANULE_INVALID, 0), ==, -1);
}

static SmWalkCfgError t_check(SmGranule g, unsigned tsz, unsigned sl0,
                              unsigned oas, bool s2)
{
    SmWalkStageCfg sc = { .enabled = true, .granule = g, .tsz = tsz,
                          .sl0 = sl0, .oas_bits = oas };

    return sm_walk_check_stage(&sc, s2);
}

static void test_check_stage(void)
{
    SmWalkStageCfg sc = { .granule = SM_GRANULE_4K, .tsz = 25, .sl0 = 1,
                          .oas_bits = 48 };

    g_assert_cmpint(t_check(SM_GRANULE_4K, 16, 0, 48, false), ==,
                    SM_WALK_CFG_OK);
    g_assert_cmpint(t_check(SM_GRANULE_INVALID, 16, 0, 48, false), ==,
                    SM_WALK_CFG_GRANULE);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 15, 0, 48, false), ==,
                    SM_WALK_CFG_TSZ);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 64, 0, 48, false), ==,
                    SM_WALK_CFG_TSZ);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 200, 0, 48, true), ==,
                    SM_WALK_CFG_TSZ);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 16, 0, 31, false), ==,
                    SM_WALK_CFG_OAS);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 16, 0, 53, false), ==,
                    SM_WALK_CFG_OAS);
    /* 52-bit OAS with 4K is treated as 48, not rejected. */
    g_assert_cmpint(t_check(SM_GRANULE_4K, 16, 0, 52, false), ==,
                    SM_WALK_CFG_OK);
    /* Stage 2: SL0 reserved, inconsistent with T0SZ, invalid for PA. */
    g_assert_cmpint(t_check(SM_GRANULE_4K, 24, 2, 48, true), ==,
                    SM_WALK_CFG_OK);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 24, 3, 48, true), ==,
                    SM_WALK_CFG_SL0);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 24, 0, 48, true), ==,
                    SM_WALK_CFG_SL0);      /* 40 bits from L2: > 16 tables */
    g_assert_cmpint(t_check(SM_GRANULE_4K, 34, 2, 48, true), ==,
                    SM_WALK_CFG_SL0);      /* 30 bits from L0: too few */
    g_assert_cmpint(t_check(SM_GRANULE_4K, 24, 2, 42, true), ==,
                    SM_WALK_CFG_SL0);      /* L0 start needs PA >= 44 */
    g_assert_cmpint(t_check(SM_GRANULE_16K, 24, 2, 40, true), ==,
                    SM_WALK_CFG_SL0);
    g_assert_cmpint(t_check(SM_GRANULE_64K, 24, 2, 42, true), ==,
                    SM_WALK_CFG_SL0);
    g_assert_cmpint(t_check(SM_GRANULE_64K, 12, 2, 52, true), ==,
                    SM_WALK_CFG_OK);
    g_assert_cmpint(t_check(SM_GRANULE_4K, 15, 2, 48, true), ==,
                    SM_WALK_CFG_TSZ);
    g_assert_cmpint(t_check(SM_GRANULE_INVALID, 24, 2, 48, true), ==,
                    SM_WALK_CFG_GRANULE);

    g_assert_cmpint(sm_walk_start_level(&sc, true), ==, 1);
    g_assert_cmpuint(sm_walk_concat_tables(&sc, true), ==, 1);
    g_assert_cmpuint(sm_walk_concat_tables(&sc, false), ==, 1);
    sc.tsz = 21;                       /* 13 bits from L1 (30): 16 tables */
    g_assert_cmpuint(sm_walk_concat_tables(&sc, true), ==, 16);
    sc.tsz = 20;
    g_assert_cmpuint(sm_walk_concat_tables(&sc, true), ==, 0);
    g_assert_cmpint(sm_walk_start_level(&sc, true), ==, -1);

    g_assert_cmpstr(sm_walk_cfg_error_name(SM_WALK_CFG_SL0), ==, "sl0");
    g_assert_cmpstr(sm_walk_cfg_error_name((SmWalkCfgError)77), ==, "?");
    g_assert_cmpstr(sm_walk_outcome_name(SM_WALK_FAULT_EABT), ==,
                    "walk-eabt");
    g_assert_cmpstr(sm_walk_outcome_name((SmWalkOutcome)77), ==, "?");
}

static void test_perm_allows(void)
{
    SmWalkReq rd = { .addr = 0x1000 };
    SmWalkReq wr = { .write = true };
    SmWalkReq ix = { .instr = true };
    SmWalkReq pix = { .instr = true, .priv = true };

    g_assert_true(sm_walk_perm_allows(SM_PERM_R, &rd));
    g_assert_false(sm_walk_perm_allows(SM_PERM_PR | SM_PERM_W, &rd));
    g_assert_true(sm_walk_perm_allows(SM_PERM_W, &wr));
    g_assert_false(sm_walk_perm_allows(SM_PERM_PW | SM_PERM_R, &wr));
    g_assert_true(sm_walk_perm_allows(SM_PERM_R | SM_PERM_X, &ix));
    g_assert_false(sm_walk_perm_allows(SM_PERM_X, &ix));
    g_assert_false(sm_walk_perm_allows(SM_PERM_R | SM_PERM_PX, &ix));
    g_assert_true(sm_walk_perm_allows(SM_PERM_PR | SM_PERM_PX, &pix));
    g_assert_false(sm_walk_perm_allows(SM_PERM_PX | SM_PERM_R, &pix));
}

static void test_bad_config(void)
{
    SmTestMem *b = b_new();
    SmWalkCfg cfg = { .attrs = { .requester_id = 0x42 } };
    SmWalkResult *r;

    r = t_read(b, &cfg, 0x1000);
    g_assert_cmpint(r->outcome, ==, SM_WALK_BAD_CONFIG);
    g_assert_cmpint(r->fault.cfg_error, ==, SM_WALK_CFG_NO_STAGE);

    cfg.s1 = (SmWalkStageCfg){ .enabled = true, .granule = SM_GRANULE_4K,
                               .tsz = 10, .oas_bits = 48 };
    r = t_read(b, &cfg, 0x1000);
    g_assert_cmpint(r->outcome, ==, SM_WALK_BAD_CONFIG);
    g_assert_cmpint(r->fault.cfg_error, ==, SM_WALK_CFG_TSZ);
    g_assert_cmpuint(r->fault.stage, ==, 1);

    cfg.s1.tsz = 16;
    cfg.s2 = (SmWalkStageCfg){ .enabled = true, .granule = SM_GRANULE_4K,
                               .tsz = 16, .sl0 = 3, .oas_bits = 48 };
    r = t_read(b, &cfg, 0x1000);
    g_assert_cmpint(r->outcome, ==, SM_WALK_BAD_CONFIG);
    g_assert_cmpint(r->fault.cfg_error, ==, SM_WALK_CFG_SL0);
    g_assert_cmpuint(r->fault.stage, ==, 2);
    g_assert_cmpuint(r->n_accesses, ==, 0);
    g_assert_cmpuint(b->reads, ==, 0);
    sm_tm_free(b);
}

/* ---- Successful walks -------------------------------------------------- */

/* Every granule x stage x leaf level (pages, and blocks where legal). */
static void test_leaf_sweep(void)
{
    static const SmGranule gs[] = {
        SM_GRANULE_4K, SM_GRANULE_16K, SM_GRANULE_64K,
    };
    unsigned gi;
    unsigned stage;
    int level;

    for (gi = 0; gi < G_N_ELEMENTS(gs); gi++) {
        for (stage = 1; stage <= 2; stage++) {
            for (level = 1; level <= 3; level++) {
                bool s2 = stage == 2;
                SmTestMem *b;
                SmWalkStageCfg sc;
                SmWalkCfg cfg;
                unsigned sh = t_shift(gs[gi], level);
                uint64_t in = UINT64_C(0x5a5a5a5a5a5a) & sm_low_mask(46);
                uint64_t oa = UINT64_C(0x9876543210000) & ~sm_low_mask(sh) &
                              sm_low_mask(48);
                SmWalkResult *r;

                if (level < 3 && !sm_walk_block_allowed(gs[gi], level, 48)) {
                    continue;
                }
                b = b_new();
                /* 46 bits: stage 2 from level 0 (4K) or 1 (16K/64K) */
                sc = b_stage(b, gs[gi], 46, s2, 2);
                b_map(b, &sc, s2, 0, in, oa, level, s2 ? S2_RW : S1_RW);
                cfg = s2 ? t_cfg2(&sc) : t_cfg1(&sc);
                r = t_read(b, &cfg, in);
                t_expect_ok(r, oa | (in & sm_low_mask(sh)), sh);
                g_assert_cmpint(s2 ? r->ok.s2_level : r->ok.s1_level, ==,
                                level);
                g_assert_cmpint(s2 ? r->ok.s1_level : r->ok.s2_level, ==,
                                -1);
                g_assert_cmpuint(r->ok.perm, ==, SM_PERM_ALL & ~(s2 ? 0 :
                                 SM_PERM_PX));          /* EL0-writable */
                g_assert_cmpuint(r->n_accesses, ==,
                                 level - sm_walk_start_level(&sc, s2) + 1);
                g_assert_cmpuint(r->accesses[0].stage, ==, stage);
                g_assert_cmphex(r->accesses[0].addr & ~UINT64_C(0xffff), ==,
                                sc.ttb & ~UINT64_C(0xffff));
                if (s2) {
                    g_assert_cmpuint(r->ok.s2_memattr, ==, 0xf);
                    g_assert_cmpuint(r->ok.s2_sh, ==, 3);
                } else {
                    g_assert_cmpuint(r->ok.s1_attrindx, ==, 5);
                    g_assert_cmpuint(r->ok.s1_sh, ==, 3);
                }
                sm_tm_free(b);
            }
        }
    }
}

/* Every stage-1 start level, for each granule. */
static void test_s1_start_levels(void)
{
    static const struct {
        SmGranule g;
        unsigned ias;
        int start;
    } c[] = {
        { SM_GRANULE_4K, 48, 0 }, { SM_GRANULE_4K, 39, 1 },
        { SM_GRANULE_4K, 30, 2 }, { SM_GRANULE_4K, 20, 3 },
        { SM_GRANULE_16K, 48, 0 }, { SM_GRANULE_16K, 40, 1 },
        { SM_GRANULE_16K, 36, 2 }, { SM_GRANULE_16K, 24, 3 },
        { SM_GRANULE_64K, 48, 1 }, { SM_GRANULE_64K, 40, 2 },
        { SM_GRANULE_64K, 25, 3 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(c); i++) {
        SmTestMem *b = b_new();
        SmWalkStageCfg sc = b_stage(b, c[i].g, c[i].ias, false, 0);
        SmWalkCfg cfg;
        uint64_t in = sm_low_mask(c[i].ias) & ~UINT64_C(0xfff) &
                      UINT64_C(0xfedcba987000);
        unsigned gs = g_shift(c[i].g);
        SmWalkResult *r;

        g_assert_cmpint(sm_walk_start_level(&sc, false), ==, c[i].start);
        b_map(b, &sc, false, 0, in, 0x12340000, 3, S1_RW);
        cfg = t_cfg1(&sc);
        r = t_read(b, &cfg, in | 0x88);
        t_expect_ok(r, 0x12340000 | (in & sm_low_mask(gs)) | 0x88, gs);
        g_assert_cmpuint(r->n_accesses, ==, 4 - c[i].start);
        g_assert_cmpint(r->accesses[0].level, ==, c[i].start);
        g_assert_cmpint(r->accesses[r->n_accesses - 1].level, ==, 3);
        sm_tm_free(b);
    }
}

/* Every legal stage-2 start level (SL0), for each granule. */
static void test_s2_start_levels(void)
{
    static const struct {
        SmGranule g;
        unsigned ias;
        unsigned sl0;
        int start;
    } c[] = {
        { SM_GRANULE_4K, 48, 2, 0 }, { SM_GRANULE_4K, 40, 1, 1 },
        { SM_GRANULE_4K, 32, 0, 2 }, { SM_GRANULE_16K, 48, 2, 1 },
        { SM_GRANULE_16K, 36, 1, 2 }, { SM_GRANULE_16K, 25, 0, 3 },
        { SM_GRANULE_64K, 48, 2, 1 }, { SM_GRANULE_64K, 42, 1, 2 },
        { SM_GRANULE_64K, 29, 0, 3 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(c); i++) {
        SmTestMem *b = b_new();
        SmWalkStageCfg sc = b_stage(b, c[i].g, c[i].ias, true, c[i].sl0);
        SmWalkCfg cfg;
        uint64_t in = sm_low_mask(c[i].ias) & UINT64_C(0xa5a5a5a50000);
        unsigned gs = g_shift(c[i].g);
        SmWalkResult *r;

        g_assert_cmpint(sm_walk_start_level(&sc, true), ==, c[i].start);
        b_map(b, &sc, true, 0, in, 0x77770000, 3, S2_RW);
        cfg = t_cfg2(&sc);
        r = t_walk(b, &cfg, in | 0x10, true, false, false);
        t_expect_ok(r, 0x77770000 | (in & sm_low_mask(gs)) | 0x10, gs);
        g_assert_cmpuint(r->n_accesses, ==, 4 - c[i].start);
        sm_tm_free(b);
    }
}

/* 2..16 concatenated stage-2 start tables, every granule. */
static void test_s2_concat(void)
{
    static const SmGranule gs[] = {
        SM_GRANULE_4K, SM_GRANULE_16K, SM_GRANULE_64K,
    };
    unsigned gi;
    unsigned extra;

    for (gi = 0; gi < G_N_ELEMENTS(gs); gi++) {
        for (extra = 1; extra <= 4; extra++) {
            SmTestMem *b = b_new();
            SmGranule g = gs[gi];
            /* Start at level 2: sl0 0 for 4K, 1 for 16K/64K. */
            unsigned sl0 = g == SM_GRANULE_4K ? 0 : 1;
            unsigned ias = t_shift(g, 2) + (g_shift(g) - 3) + extra;
            SmWalkStageCfg sc = b_stage(b, g, ias, true, sl0);
            SmWalkCfg cfg = t_cfg2(&sc);
            uint64_t top = sm_low_mask(ias) & ~sm_low_mask(g_shift(g));
            uint64_t low = UINT64_C(1) << g_shift(g);
            uint64_t slot;
            SmWalkResult *r;

            g_assert_cmpuint(sm_walk_concat_tables(&sc, true), ==,
                             1u << extra);
            b_map(b, &sc, true, 0, top, 0xabc0000, 3, S2_RW);
            /* The last entry of the last concatenated table. */
            slot = b_slot(b, &sc, true, 0, top, 2);
            g_assert_cmphex(slot, ==, sc.ttb + (8u << (ias - t_shift(g, 2))) -
                            8);
            b_map(b, &sc, true, 0, low, 0xdef0000, 3, S2_RW);
            r = t_read(b, &cfg, top);
            t_expect_ok(r, 0xabc0000, g_shift(g));
            r = t_read(b, &cfg, low + 4);
            t_expect_ok(r, 0xdef0004, g_shift(g));
            /* One bit above the input size is out of range. */
            r = t_read(b, &cfg, top + low);
            t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 2, 2);
            sm_tm_free(b);
        }
    }
}

/* 64K granule with a 52-bit output: OA[51:48] in descriptor [15:12]. */
static void test_oa52(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_64K, 52, false, 0);
    SmWalkCfg cfg;
    uint64_t in = UINT64_C(0xf000012340000);
    uint64_t slot;
    SmWalkResult *r;

    sc.oas_bits = 52;
    slot = b_map(b, &sc, false, 0, in, UINT64_C(0x40000000000), 1, S1_RW);
    sm_tm_w64(b, slot, sm_tm_r64(b, slot) | (UINT64_C(0xa) << 12));
    cfg = t_cfg1(&sc);
    r = t_read(b, &cfg, in);
    t_expect_ok(r, UINT64_C(0xa000000000000) | UINT64_C(0x40000000000) |
                (in & sm_low_mask(42)), 42);
    /* The same descriptor under a 48-bit OAS: level-1 block reserved. */
    cfg.s1.oas_bits = 48;
    r = t_read(b, &cfg, in);
    t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 1, 1);
    sm_tm_free(b);
}

/*
 * A start table smaller than 64 bytes (64K granule, 43-bit input: level
 * 1 resolves one bit, 2 descriptors, 16 bytes) need only be aligned to
 * its size; with a 52-bit output size the base loses bits [5:4] too,
 * since BADDR[5:2] then hold PA[51:48].
 */
static void test_small_start_table(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_64K, 43, false, 0);
    uint64_t base = sc.ttb;
    uint64_t in = UINT64_C(0x40000000000) + 0x12345678;  /* IA[42] = 1 */
    SmWalkCfg cfg;

    sc.ttb = base + 0x30;
    b_map(b, &sc, false, 0, in, UINT64_C(0x80000000), 3, S1_RW);
    /* The level-1 descriptor for IA[42] = 1 is the second one. */
    g_assert_cmphex(sm_tm_r64(b, base + 0x38) & 3, ==, 3);
    cfg = t_cfg1(&sc);
    t_expect_ok(t_read(b, &cfg, in), UINT64_C(0x80000000) | 0x5678, 16);
    /* 52-bit output: the walk starts at base, where nothing is mapped. */
    cfg.s1.oas_bits = 52;
    t_expect_fault(t_read(b, &cfg, in), SM_WALK_FAULT_TRANSLATION, 1, 1);
    g_assert_cmphex(sm_walk_table_base(base + 0x30, 1, 48), ==, base + 0x30);
    g_assert_cmphex(sm_walk_table_base(base + 0x30, 1, 52), ==, base);
    sm_tm_free(b);
}

/* Stage 1 upper (TTB1) range: top bits must be ones. */
static void test_s1_upper(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 39, false, 0);
    SmWalkCfg cfg;
    uint64_t va = UINT64_C(0xffffff8000201000);
    SmWalkResult *r;

    sc.upper = true;
    b_map(b, &sc, false, 0, va, 0x5000, 3, S1_RW | D_NG | D_CONTIG);
    cfg = t_cfg1(&sc);
    r = t_read(b, &cfg, va + 8);
    t_expect_ok(r, 0x5008, 12);
    g_assert_true(r->ok.ng);
    g_assert_true(r->ok.s1_contig);
    g_assert_false(r->ok.s2_contig);
    r = t_read(b, &cfg, va & sm_low_mask(39));
    t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 1, 1);
    g_assert_cmpuint(r->n_accesses, ==, 0);
    sm_tm_free(b);
}

/* ---- Nested ------------------------------------------------------------ */

#define IPA_OFF     UINT64_C(0x800000000)   /* S1 tables: IPA = PA + this */

typedef struct Nested {
    SmTestMem *b;
    SmWalkStageCfg s1;
    SmWalkStageCfg s2;
    SmWalkCfg cfg;
} Nested;

/*
 * 4K 48-bit stage 1 over 4K 48-bit stage 2.  All of RAM is mapped at
 * IPA_OFF with 4K pages (so every stage-1 table fetch is a full 4-level
 * stage-2 walk), S1 maps @va -> @ipa with a page, S2 maps @ipa -> @pa.
 */
static void n_setup(Nested *n, uint64_t va, uint64_t ipa, uint64_t pa)
{
    uint64_t p;

    n->b = b_new();
    n->s2 = b_stage(n->b, SM_GRANULE_4K, 48, true, 2);
    /* Allocate all stage-1 tables first, then map RAM for them. */
    n->s1 = b_stage(n->b, SM_GRANULE_4K, 48, false, 0);
    n->s1.ttb += IPA_OFF;
    b_map(n->b, &n->s1, false, IPA_OFF, va, ipa, 3, S1_RW);
    for (p = 0; p < 0x100000; p += 0x1000) {
        b_map(n->b, &n->s2, true, 0, IPA_OFF + p, p, 3, S2_RW);
    }
    b_map(n->b, &n->s2, true, 0, ipa, pa, 3, S2_RW);
    g_assert_cmpuint(n->b->next, <=, 0x100000);
    n->cfg = (SmWalkCfg){ .s1 = n->s1, .s2 = n->s2,
                          .attrs = { .requester_id = 0x42 } };
}

/* PA of the stage-1 descriptor for @va at @level. */
static uint64_t n_s1_slot(Nested *n, uint64_t va, int level)
{
    return b_slot(n->b, &n->s1, false, IPA_OFF, va, level);
}

static void test_nested_ok(void)
{
    Nested n;
    SmWalkResult *r;
    unsigned i;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_ok(r, 0x7654321abc, 12);
    g_assert_cmpint(r->ok.s1_level, ==, 3);
    g_assert_cmpint(r->ok.s2_level, ==, 3);
    g_assert_cmpuint(r->ok.perm, ==, SM_PERM_ALL & ~SM_PERM_PX);
    /* 4 x (4 S2 reads + 1 S1 read) + 4 S2 reads for the output. */
    g_assert_cmpuint(r->n_accesses, ==, 24);
    for (i = 0; i < 20; i++) {
        g_assert_cmpuint(r->accesses[i].stage, ==, i % 5 == 4 ? 1 : 2);
        g_assert_cmpint(r->accesses[i].level, ==,
                        i % 5 == 4 ? (int)i / 5 : (int)i % 5);
        g_assert_false(r->accesses[i].write);
    }
    g_assert_cmphex(r->accesses[4].addr, ==, n_s1_slot(&n, 0x123456789000,
                                                       0));
    for (i = 20; i < 24; i++) {
        g_assert_cmpuint(r->accesses[i].stage, ==, 2);
    }
    sm_tm_free(n.b);
}

/* The result is valid for the smaller of the two leaves. */
static void test_nested_sizes(void)
{
    Nested n;
    SmWalkResult *r;
    uint64_t slot;

    n_setup(&n, 0x40000000, 0x200000, 0x200000);
    /* Stage 1: a 1G block at level 1; stage 2: a 2M block. */
    slot = n_s1_slot(&n, 0x40000000, 1);
    sm_tm_w64(n.b, slot, 0x0 | S1_RW | D_BLOCK);
    b_map(n.b, &n.s2, true, 0, 0x0, 0x3fe00000, 2, S2_RW | D_CONTIG);
    r = t_read(n.b, &n.cfg, 0x40012345);
    t_expect_ok(r, 0x3fe12345, 21);
    g_assert_cmpint(r->ok.s1_level, ==, 1);
    g_assert_cmpint(r->ok.s2_level, ==, 2);
    g_assert_true(r->ok.s2_contig);
    sm_tm_free(n.b);
}

static void test_nested_s2_fault_tt(void)
{
    Nested n;
    SmWalkResult *r;
    uint64_t l2_slot;
    uint64_t l2_ipa;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    /* Unmap (at stage 2) the page holding the stage-1 level-2 table. */
    l2_slot = n_s1_slot(&n, 0x123456789000, 2);
    l2_ipa = l2_slot + IPA_OFF;
    sm_tm_w64(n.b, b_slot(n.b, &n.s2, true, 0, l2_ipa, 3), 0);
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 2, 3);
    g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_TT);
    g_assert_cmphex(r->fault.ipa, ==, l2_ipa);
    g_assert_cmphex(r->fault.input_addr, ==, 0x123456789abc);
    sm_tm_free(n.b);
}

static void test_nested_s2_fault_in(void)
{
    Nested n;
    SmWalkResult *r;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    /* Output IPA mapped read-only at stage 2; write it. */
    b_map(n.b, &n.s2, true, 0, 0x40001000, 0x7654321000, 3,
          D_AF | D_S2AP_R);
    r = t_walk(n.b, &n.cfg, 0x123456789abc, true, false, false);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 2, 3);
    g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_IN);
    g_assert_cmphex(r->fault.ipa, ==, 0x40001abc);
    g_assert_true(r->fault.write);
    /* Reads are fine. */
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_ok(r, 0x7654321abc, 12);
    g_assert_cmpuint(r->ok.perm & (SM_PERM_W | SM_PERM_PW), ==, 0);
    sm_tm_free(n.b);
}

static void test_nested_s1_fault(void)
{
    Nested n;
    SmWalkResult *r;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    sm_tm_w64(n.b, n_s1_slot(&n, 0x123456789000, 3), 0);
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 1, 3);
    g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_IN);
    sm_tm_free(n.b);
}

/* Stage-1 HA write-back needs stage-2 write permission on the table. */
static void test_nested_ha_needs_s2_write(void)
{
    Nested n;
    SmWalkResult *r;
    uint64_t leaf;
    uint64_t ipa;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    n.cfg.s1.ha = true;
    leaf = n_s1_slot(&n, 0x123456789000, 3);
    sm_tm_w64(n.b, leaf, sm_tm_r64(n.b, leaf) & ~D_AF);
    ipa = (leaf & ~UINT64_C(0xfff)) + IPA_OFF;
    b_map(n.b, &n.s2, true, 0, ipa, leaf & ~UINT64_C(0xfff), 3,
          D_AF | D_S2AP_R);
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 2, 3);
    g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_TT);
    g_assert_cmphex(r->fault.ipa, ==, leaf + IPA_OFF);
    g_assert_false(sm_tm_r64(n.b, leaf) & D_AF);

    /* Writable at stage 2: AF is set through the IPA. */
    b_map(n.b, &n.s2, true, 0, ipa, leaf & ~UINT64_C(0xfff), 3, S2_RW);
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_ok(r, 0x7654321abc, 12);
    g_assert_true(sm_tm_r64(n.b, leaf) & D_AF);
    /* 20 walk reads, a 4-read S2 walk for the write, the write, 4 more */
    g_assert_cmpuint(r->n_accesses, ==, 29);
    g_assert_true(r->accesses[24].write);
    g_assert_cmpuint(r->accesses[24].stage, ==, 1);
    g_assert_cmphex(r->accesses[24].addr, ==, leaf);
    sm_tm_free(n.b);
}

/* S2PTW: stage-1 tables in stage-2 Device memory fault (CLASS TT). */
static void test_nested_s2ptw(void)
{
    Nested n;
    SmWalkResult *r;
    uint64_t ttb_pa;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    ttb_pa = n.s1.ttb - IPA_OFF;
    /* The stage-1 start table's page: Device-nGnRnE (MemAttr 0). */
    b_map(n.b, &n.s2, true, 0, n.s1.ttb, ttb_pa, 3,
          D_AF | D_S2AP_R | D_S2AP_W);
    t_expect_ok(t_read(n.b, &n.cfg, 0x123456789000), 0x7654321000, 12);
    n.cfg.s2.ptw = true;
    r = t_read(n.b, &n.cfg, 0x123456789000);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 2, 3);
    g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_TT);
    g_assert_cmphex(r->fault.ipa, ==, n.s1.ttb + 8 * 0x24);
    /* The final output may be Device memory. */
    b_map(n.b, &n.s2, true, 0, n.s1.ttb, ttb_pa, 3, S2_RW);
    b_map(n.b, &n.s2, true, 0, 0x40001000, 0x7654321000, 3,
          D_AF | D_S2AP_R);
    t_expect_ok(t_read(n.b, &n.cfg, 0x123456789000), 0x7654321000, 12);
    sm_tm_free(n.b);
}

/* ---- Faults ------------------------------------------------------------ */

static void test_translation_faults(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    uint64_t va = 0x7f1234567000;
    int level;
    SmWalkResult *r;

    b_map(b, &sc, false, 0, va, 0x9000, 3, S1_RW);
    t_expect_ok(t_read(b, &cfg, va), 0x9000, 12);
    /* An invalid descriptor at each level. */
    for (level = 0; level <= 3; level++) {
        uint64_t slot = b_slot(b, &sc, false, 0, va, level);
        uint64_t keep = sm_tm_r64(b, slot);

        sm_tm_w64(b, slot, keep & ~D_VALID);
        r = t_read(b, &cfg, va);
        t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 1, level);
        g_assert_cmpuint(r->n_accesses, ==, level + 1);
        sm_tm_w64(b, slot, keep);
    }
    /* Out of range input: fault at the start level, nothing read. */
    r = t_read(b, &cfg, va | (UINT64_C(1) << 48));
    t_expect_fault(r, SM_WALK_FAULT_TRANSLATION, 1, 0);
    g_assert_cmpuint(r->n_accesses, ==, 0);
    g_assert_cmphex(r->fault.input_addr, ==, va | (UINT64_C(1) << 48));
    /* Reserved: block encoding at level 3. */
    b_map(b, &sc, false, 0, va, 0x9000, 3, S1_RW);
    sm_tm_w64(b, b_slot(b, &sc, false, 0, va, 3), 0x9000 | S1_RW | D_BLOCK);
    t_expect_fault(t_read(b, &cfg, va), SM_WALK_FAULT_TRANSLATION, 1, 3);
    /* Reserved: block at level 0 with 4K. */
    sm_tm_w64(b, b_slot(b, &sc, false, 0, va, 0), S1_RW | D_BLOCK);
    t_expect_fault(t_read(b, &cfg, va), SM_WALK_FAULT_TRANSLATION, 1, 0);
    sm_tm_free(b);

    /* Reserved: block at level 1 with 16K. */
    b = b_new();
    sc = b_stage(b, SM_GRANULE_16K, 47, false, 0);
    cfg = t_cfg1(&sc);
    b_map(b, &sc, false, 0, va, 0, 1, S1_RW);
    t_expect_fault(t_read(b, &cfg, va), SM_WALK_FAULT_TRANSLATION, 1, 1);
    sm_tm_free(b);
}

static void test_addr_size_faults(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg;
    uint64_t va = 0x7f1234567000;
    uint64_t slot;
    SmWalkResult *r;

    sc.oas_bits = 40;
    b_map(b, &sc, false, 0, va, UINT64_C(0xff00000000), 3, S1_RW);
    cfg = t_cfg1(&sc);
    t_expect_ok(t_read(b, &cfg, va), UINT64_C(0xff00000000), 12);
    /* Output address above OAS. */
    slot = b_slot(b, &sc, false, 0, va, 3);
    sm_tm_w64(b, slot, UINT64_C(0x10000000000) | S1_RW | D_TABLE);
    r = t_read(b, &cfg, va);
    t_expect_fault(r, SM_WALK_FAULT_ADDR_SIZE, 1, 3);
    /* Next-level table address above OAS, reported for that lookup. */
    slot = b_slot(b, &sc, false, 0, va, 1);
    sm_tm_w64(b, slot, sm_tm_r64(b, slot) | (UINT64_C(1) << 45));
    r = t_read(b, &cfg, va);
    t_expect_fault(r, SM_WALK_FAULT_ADDR_SIZE, 1, 2);
    g_assert_cmpuint(r->n_accesses, ==, 2);
    /* Table base above OAS: start level, nothing read. */
    cfg.s1.ttb |= UINT64_C(1) << 41;
    r = t_read(b, &cfg, va);
    t_expect_fault(r, SM_WALK_FAULT_ADDR_SIZE, 1, 0);
    g_assert_cmpuint(r->n_accesses, ==, 0);
    sm_tm_free(b);

    /* Stage 2, with a 32-bit PA. */
    b = b_new();
    sc = b_stage(b, SM_GRANULE_4K, 32, true, 0);
    sc.oas_bits = 32;
    b_map(b, &sc, true, 0, 0x1000, UINT64_C(0x100000000), 3, S2_RW);
    cfg = t_cfg2(&sc);
    r = t_read(b, &cfg, 0x1000);
    t_expect_fault(r, SM_WALK_FAULT_ADDR_SIZE, 2, 3);
    g_assert_cmphex(r->fault.ipa, ==, 0x1000);
    sm_tm_free(b);
}

static void test_access_flag(void)
{
    unsigned stage;

    for (stage = 1; stage <= 2; stage++) {
        bool s2 = stage == 2;
        SmTestMem *b = b_new();
        SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 39, s2, 1);
        uint64_t attrs = (s2 ? S2_RW : S1_RW) & ~D_AF;
        uint64_t slot = b_map(b, &sc, s2, 0, 0x200000, 0x4000000, 2, attrs);
        SmWalkCfg cfg = s2 ? t_cfg2(&sc) : t_cfg1(&sc);
        SmWalkCfg *c = &cfg;
        SmWalkStageCfg *st = s2 ? &cfg.s2 : &cfg.s1;
        SmWalkResult *r;

        r = t_read(b, c, 0x201000);
        t_expect_fault(r, SM_WALK_FAULT_ACCESS, stage, 2);
        /* AFFD: treated as accessed, memory untouched. */
        st->affd = true;
        r = t_read(b, c, 0x201000);
        t_expect_ok(r, 0x4001000, 21);
        g_assert_false(sm_tm_r64(b, slot) & D_AF);
        g_assert_cmpuint(b->writes, ==, 0);
        /* HA: AF written back to memory, and the write is recorded. */
        st->affd = false;
        st->ha = true;
        r = t_read(b, c, 0x201000);
        t_expect_ok(r, 0x4001000, 21);
        g_assert_cmphex(sm_tm_r64(b, slot), ==, 0x4000000 | attrs | D_AF |
                        D_BLOCK);
        g_assert_cmpuint(b->writes, ==, 1);
        g_assert_cmpuint(r->n_accesses, ==, 3);
        g_assert_true(r->accesses[2].write);
        g_assert_cmphex(r->accesses[2].addr, ==, slot);
        /* Now accessed: no further write. */
        r = t_read(b, c, 0x201000);
        t_expect_ok(r, 0x4001000, 21);
        g_assert_cmpuint(b->writes, ==, 1);
        sm_tm_free(b);
    }
}

static void test_dirty_s1(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 39, false, 0);
    uint64_t clean = S1_RW | D_AP2 | D_DBM;
    uint64_t slot = b_map(b, &sc, false, 0, 0x3000, 0x8000, 3, clean);
    uint64_t tslot;
    SmWalkCfg cfg = t_cfg1(&sc);
    SmWalkResult *r;

    /* Without HD: read-only means permission fault. */
    r = t_walk(b, &cfg, 0x3000, true, false, true);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 1, 3);
    g_assert_true(r->fault.write);
    /* HD without HA has no effect. */
    cfg.s1.hd = true;
    r = t_walk(b, &cfg, 0x3000, true, false, true);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 1, 3);
    /* HA + HD: a read leaves it clean and reports dirty_on_write. */
    cfg.s1.ha = true;
    r = t_walk(b, &cfg, 0x3000, false, false, true);
    t_expect_ok(r, 0x8000, 12);
    g_assert_true(r->ok.dirty_on_write);
    g_assert_cmpuint(r->ok.perm & (SM_PERM_W | SM_PERM_PW), ==, 0);
    g_assert_cmpuint(b->writes, ==, 0);
    /* Hierarchical read-only still wins over DBM. */
    tslot = b_slot(b, &sc, false, 0, 0x3000, 2);
    sm_tm_w64(b, tslot, sm_tm_r64(b, tslot) | D_APT1);
    r = t_walk(b, &cfg, 0x3000, true, false, true);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 1, 3);
    g_assert_cmpuint(b->writes, ==, 0);
    sm_tm_w64(b, tslot, sm_tm_r64(b, tslot) & ~D_APT1);
    /* A write makes it dirty: AP[2] cleared in memory, access allowed. */
    r = t_walk(b, &cfg, 0x3000, true, false, false);
    t_expect_ok(r, 0x8000, 12);
    g_assert_cmphex(sm_tm_r64(b, slot), ==, (0x8000 | clean | D_TABLE) &
                    ~D_AP2);
    g_assert_true(r->ok.perm & SM_PERM_W);
    g_assert_false(r->ok.dirty_on_write);
    g_assert_cmpuint(b->writes, ==, 1);
    sm_tm_free(b);
}

static void test_dirty_s2(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_64K, 42, true, 1);
    uint64_t clean = (S2_RW & ~D_S2AP_W) | D_DBM;
    uint64_t slot = b_map(b, &sc, true, 0, 0x20000000, 0x60000000, 2, clean);
    SmWalkCfg cfg = t_cfg2(&sc);
    SmWalkResult *r;

    r = t_walk(b, &cfg, 0x20000000, true, false, false);
    t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 2, 2);
    g_assert_cmphex(r->fault.ipa, ==, 0x20000000);
    cfg.s2.ha = cfg.s2.hd = true;
    r = t_walk(b, &cfg, 0x20000000, true, false, false);
    t_expect_ok(r, 0x60000000, 29);
    g_assert_cmphex(sm_tm_r64(b, slot), ==, 0x60000000 | clean | D_S2AP_W |
                    D_BLOCK);
    sm_tm_free(b);
}

/* Stage-1 AP[2:1] x privilege x access. */
static void test_s1_ap(void)
{
    static const struct {
        unsigned ap;             /* AP[2:1] */
        uint8_t perm;            /* without exec bits */
    } c[] = {
        { 0, SM_PERM_PR | SM_PERM_PW },
        { 1, SM_PERM_PR | SM_PERM_PW | SM_PERM_R | SM_PERM_W },
        { 2, SM_PERM_PR },
        { 3, SM_PERM_PR | SM_PERM_R },
    };
    unsigned i;
    unsigned k;

    for (i = 0; i < G_N_ELEMENTS(c); i++) {
        SmTestMem *b = b_new();
        SmWalkStageCfg sc = b_stage(b, SM_GRANULE_16K, 36, false, 0);
        SmWalkCfg cfg = t_cfg1(&sc);

        b_map(b, &sc, false, 0, 0x4000, 0x8000, 3,
              D_AF | ((uint64_t)c[i].ap << 6) | D_UXN | D_PXN);
        for (k = 0; k < 4; k++) {
            bool write = k & 1;
            bool priv = k & 2;
            uint8_t need = write ? (priv ? SM_PERM_PW : SM_PERM_W) :
                                   (priv ? SM_PERM_PR : SM_PERM_R);
            SmWalkResult *r = t_walk(b, &cfg, 0x4000, write, false, priv);

            if (c[i].perm & need) {
                t_expect_ok(r, 0x8000, 14);
                g_assert_cmphex(r->ok.perm, ==, c[i].perm);
            } else {
                t_expect_fault(r, SM_WALK_FAULT_PERMISSION, 1, 3);
            }
        }
        sm_tm_free(b);
    }
}

/* UXN/PXN, EL0-writable implies PXN, and the hierarchical table bits. */
static void test_s1_xn_and_tables(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 39, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    uint64_t slot = b_map(b, &sc, false, 0, 0x1000, 0x2000, 3,
                          D_AF | D_AP1 | D_AP2);
    uint64_t tslot = b_slot(b, &sc, false, 0, 0x1000, 1);
    uint64_t tdesc = sm_tm_r64(b, tslot);
    SmWalkResult *r;

    /* Read-only everywhere, executable everywhere. */
    r = t_walk(b, &cfg, 0x1000, false, true, false);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_R | SM_PERM_X | SM_PERM_PR |
                    SM_PERM_PX);
    t_expect_ok(t_walk(b, &cfg, 0x1000, false, true, true), 0x2000, 12);
    /* UXN */
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_AP1 | D_AP2 | D_TABLE | D_UXN);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, true, false),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    t_expect_ok(t_walk(b, &cfg, 0x1000, false, true, true), 0x2000, 12);
    /* PXN */
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_AP1 | D_AP2 | D_TABLE | D_PXN);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, true, true),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    t_expect_ok(t_walk(b, &cfg, 0x1000, false, true, false), 0x2000, 12);
    /* Writable at EL0: never privileged-executable. */
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_AP1 | D_TABLE);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, true, true),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    /* Executable but not readable at EL0 (AP 00): instr fetch needs R. */
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_TABLE);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, true, false),
                   SM_WALK_FAULT_PERMISSION, 1, 3);

    /* Hierarchical: leaf RW everywhere, executable everywhere. */
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_AP1 | D_TABLE);
    sm_tm_w64(b, tslot, tdesc | D_APT0);
    r = t_walk(b, &cfg, 0x1000, true, false, true);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_PR | SM_PERM_PW | SM_PERM_PX |
                    SM_PERM_X);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, false, false),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    sm_tm_w64(b, tslot, tdesc | D_APT1);
    t_expect_fault(t_walk(b, &cfg, 0x1000, true, false, true),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    t_expect_ok(t_walk(b, &cfg, 0x1000, false, false, false), 0x2000, 12);
    sm_tm_w64(b, tslot, tdesc | D_UXNT);
    r = t_walk(b, &cfg, 0x1000, false, false, false);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_ALL & ~(SM_PERM_X | SM_PERM_PX));
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_AP1 | D_AP2 | D_TABLE);
    sm_tm_w64(b, tslot, tdesc | D_PXNT);
    r = t_walk(b, &cfg, 0x1000, false, true, false);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_R | SM_PERM_X | SM_PERM_PR);
    /* HPD: the table bits are ignored. */
    sm_tm_w64(b, tslot, tdesc | D_PXNT | D_UXNT | D_APT0 | D_APT1);
    cfg.s1.hpd = true;
    r = t_walk(b, &cfg, 0x1000, false, true, false);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_R | SM_PERM_X | SM_PERM_PR |
                    SM_PERM_PX);
    sm_tm_free(b);
}

static void test_s2_perm(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 40, true, 1);
    SmWalkCfg cfg = t_cfg2(&sc);
    uint64_t slot = b_map(b, &sc, true, 0, 0x1000, 0x2000, 3, D_AF);
    unsigned s2ap;

    for (s2ap = 0; s2ap < 4; s2ap++) {
        bool rd = s2ap & 1;
        bool wr = s2ap & 2;

        sm_tm_w64(b, slot, 0x2000 | D_AF | D_TABLE | ((uint64_t)s2ap << 6));
        if (rd) {
            t_expect_ok(t_walk(b, &cfg, 0x1000, false, false, false),
                        0x2000, 12);
        } else {
            t_expect_fault(t_walk(b, &cfg, 0x1000, false, false, true),
                           SM_WALK_FAULT_PERMISSION, 2, 3);
        }
        if (wr) {
            t_expect_ok(t_walk(b, &cfg, 0x1000, true, false, true), 0x2000,
                        12);
        } else {
            t_expect_fault(t_walk(b, &cfg, 0x1000, true, false, false),
                           SM_WALK_FAULT_PERMISSION, 2, 3);
        }
    }
    /* XN */
    sm_tm_w64(b, slot, 0x2000 | S2_RW | D_TABLE);
    t_expect_ok(t_walk(b, &cfg, 0x1000, false, true, false), 0x2000, 12);
    sm_tm_w64(b, slot, 0x2000 | S2_RW | D_TABLE | D_UXN);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, true, true),
                   SM_WALK_FAULT_PERMISSION, 2, 3);
    sm_tm_free(b);
}

/* EL2-style single-privilege stage 1: AP[1], PXN and APTable[0] ignored. */
static void test_s1_single_priv(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 39, false, 0);
    SmWalkCfg cfg;
    uint64_t slot = b_map(b, &sc, false, 0, 0x1000, 0x2000, 3,
                          D_AF | D_PXN);
    uint64_t tslot = b_slot(b, &sc, false, 0, 0x1000, 1);
    uint64_t tdesc = sm_tm_r64(b, tslot);
    SmWalkResult *r;

    sc.single_priv = true;
    cfg = t_cfg1(&sc);
    sm_tm_w64(b, tslot, tdesc | D_APT0 | D_PXNT);
    r = t_walk(b, &cfg, 0x1000, true, false, false);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_ALL);
    t_expect_ok(t_walk(b, &cfg, 0x1000, false, true, true), 0x2000, 12);
    /* Bit 54 is XN; APTable[1] and XNTable still apply. */
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_UXN | D_TABLE);
    t_expect_fault(t_walk(b, &cfg, 0x1000, false, true, true),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    sm_tm_w64(b, slot, 0x2000 | D_AF | D_TABLE);
    sm_tm_w64(b, tslot, tdesc | D_APT1 | D_UXNT);
    r = t_walk(b, &cfg, 0x1000, false, false, false);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_R | SM_PERM_PR);
    t_expect_fault(t_walk(b, &cfg, 0x1000, true, false, true),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    sm_tm_free(b);
}

/* FEAT_XNX: stage-2 XN[1:0] in bits [54:53]. */
static void test_s2_xnx(void)
{
    static const uint8_t want[4] = {
        SM_PERM_X | SM_PERM_PX, SM_PERM_X, 0, SM_PERM_PX,
    };
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_16K, 36, true, 1);
    SmWalkCfg cfg;
    uint64_t slot = b_map(b, &sc, true, 0, 0x4000, 0x8000, 3, S2_RW);
    unsigned xn;

    sc.xnx = true;
    cfg = t_cfg2(&sc);
    for (xn = 0; xn < 4; xn++) {
        SmWalkResult *r;

        sm_tm_w64(b, slot, 0x8000 | S2_RW | D_TABLE | ((uint64_t)xn << 53));
        r = t_read(b, &cfg, 0x4000);
        t_expect_ok(r, 0x8000, 14);
        g_assert_cmphex(r->ok.perm & (SM_PERM_X | SM_PERM_PX), ==, want[xn]);
        r = t_walk(b, &cfg, 0x4000, false, true, true);
        g_assert_cmpint(r->outcome, ==, want[xn] & SM_PERM_PX ?
                        SM_WALK_OK : SM_WALK_FAULT_PERMISSION);
        r = t_walk(b, &cfg, 0x4000, false, true, false);
        g_assert_cmpint(r->outcome, ==, want[xn] & SM_PERM_X ?
                        SM_WALK_OK : SM_WALK_FAULT_PERMISSION);
    }
    /* Without XNX, bit 53 means nothing at stage 2. */
    cfg.s2.xnx = false;
    sm_tm_w64(b, slot, 0x8000 | S2_RW | D_TABLE | D_PXN);
    g_assert_cmphex(t_read(b, &cfg, 0x4000)->ok.perm, ==, SM_PERM_ALL);
    sm_tm_free(b);
}

static void test_big_endian(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc;
    SmWalkCfg cfg;
    uint64_t slot;
    SmWalkResult *r;

    b->be = true;
    sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    sc.big_endian = true;
    sc.ha = true;
    slot = b_map(b, &sc, false, 0, 0x7f0000201000, 0xc0de000, 3,
                 S1_RW & ~D_AF);
    cfg = t_cfg1(&sc);
    r = t_read(b, &cfg, 0x7f0000201234);
    t_expect_ok(r, 0xc0de234, 12);
    g_assert_true(sm_tm_r64(b, slot) & D_AF);     /* written back BE */
    /* Read as little-endian, the same tables make no sense. */
    cfg.s1.big_endian = false;
    r = t_read(b, &cfg, 0x7f0000201234);
    g_assert_cmpint(r->outcome, !=, SM_WALK_OK);
    sm_tm_free(b);
}

static void test_eabt(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    uint64_t l2 = b_map(b, &sc, false, 0, 0x1000, 0x2000, 3, S1_RW & ~D_AF);
    SmHost nohost = { 0 };
    SmWalkReq req = { .addr = 0x1000 };
    SmWalkResult res;
    SmWalkResult *r;

    l2 = b_slot(b, &sc, false, 0, 0x1000, 2);
    b_fail(b, SM_TM_ERR_READ, l2);
    r = t_read(b, &cfg, 0x1000);
    t_expect_fault(r, SM_WALK_FAULT_EABT, 1, 2);
    g_assert_cmphex(r->fault.desc_addr, ==, l2);
    g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_TT);
    sm_tm_clear_error(b);
    /* Write-back of the Access flag fails. */
    cfg.s1.ha = true;
    b_fail(b, SM_TM_ERR_WRITE, b_slot(b, &sc, false, 0, 0x1000, 3));
    r = t_read(b, &cfg, 0x1000);
    t_expect_fault(r, SM_WALK_FAULT_EABT, 1, 3);
    g_assert_cmphex(r->fault.desc_addr, ==, b->err_lo);
    /* A host without memory hooks: every access aborts. */
    r = &res;
    sm_walk(&nohost, &cfg, &req, r);
    t_expect_fault(r, SM_WALK_FAULT_EABT, 1, 0);
    cfg.s1.ha = false;
    cfg.s1.affd = true;
    sm_tm_clear_error(b);
    t_expect_ok(t_read(b, &cfg, 0x1000), 0x2000, 12);
    nohost.read = b_read;
    nohost.opaque = b;
    cfg.s1.ha = true;
    sm_walk(&nohost, &cfg, &req, r);
    t_expect_fault(r, SM_WALK_FAULT_EABT, 1, 3);
    sm_tm_free(b);

    /* Stage 2 of a nested walk: the final IPA's walk is CLASS IN. */
    {
        Nested n;
        uint64_t s2slot;

        n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
        s2slot = b_slot(n.b, &n.s2, true, 0, 0x40001000, 3);
        b_fail(n.b, SM_TM_ERR_READ, s2slot);
        r = t_read(n.b, &n.cfg, 0x123456789000);
        t_expect_fault(r, SM_WALK_FAULT_EABT, 2, 3);
        g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_IN);
        g_assert_cmphex(r->fault.desc_addr, ==, s2slot);
        g_assert_cmphex(r->fault.ipa, ==, 0x40001000);
        /* ... and a stage-1 table's stage-2 walk is CLASS TT. */
        b_fail(n.b, SM_TM_ERR_READ,
               b_slot(n.b, &n.s2, true, 0, n.s1.ttb, 3));
        r = t_read(n.b, &n.cfg, 0x123456789000);
        t_expect_fault(r, SM_WALK_FAULT_EABT, 2, 3);
        g_assert_cmpint(r->fault.class, ==, SM_WALK_CLASS_TT);
        g_assert_cmphex(r->fault.ipa, ==, n.s1.ttb + 8 * 0x24);
        g_assert_cmphex(r->fault.desc_addr, ==, n.b->err_lo);
        sm_tm_free(n.b);
    }
}

/*
 * Garbage in guest memory and in the configuration: every walk ends,
 * within its bounds, with a defined outcome.  Fixed seed: reproducible.
 */
static void test_random_garbage(void)
{
    SmTestMem *b = b_new();
    GRand *rnd = g_rand_new_with_seed(20260221);
    uint64_t pa;
    unsigned i;
    unsigned seen[SM_WALK_BAD_CONFIG + 1] = { 0 };

    for (pa = 0; pa < 0x40000; pa += 8) {
        uint64_t v = ((uint64_t)g_rand_int(rnd) << 32) | g_rand_int(rnd);

        /* Keep many table pointers inside RAM so walks go deep. */
        if (g_rand_boolean(rnd)) {
            v = (v & ~SM_MASK(47, 18)) | 3;
        }
        sm_tm_w64(b, pa, v);
    }
    for (i = 0; i < 20000; i++) {
        SmWalkCfg cfg = { .attrs = { .requester_id = 0x42 } };
        SmWalkStageCfg *st[2] = { &cfg.s1, &cfg.s2 };
        SmWalkResult *r;
        unsigned k;

        for (k = 0; k < 2; k++) {
            st[k]->enabled = g_rand_int_range(rnd, 0, 4) != 0;
            /* Mostly plausible values, sometimes out of range. */
            st[k]->granule = g_rand_int_range(rnd, 0, 16) ?
                             g_rand_int_range(rnd, 0, 3) : 7;
            st[k]->tsz = g_rand_int_range(rnd, 0, 8) ?
                         g_rand_int_range(rnd, 16, 40) :
                         g_rand_int_range(rnd, 0, 256);
            st[k]->sl0 = g_rand_int_range(rnd, 0, 4);
            st[k]->oas_bits = g_rand_int_range(rnd, 0, 8) ?
                              g_rand_int_range(rnd, 32, 53) :
                              g_rand_int_range(rnd, 0, 256);
            st[k]->ttb = g_rand_int_range(rnd, 0, 0x40000);
            st[k]->upper = g_rand_boolean(rnd);
            st[k]->big_endian = g_rand_boolean(rnd);
            st[k]->affd = g_rand_boolean(rnd);
            st[k]->ha = g_rand_boolean(rnd);
            st[k]->hd = g_rand_boolean(rnd);
            st[k]->hpd = g_rand_boolean(rnd);
            st[k]->single_priv = g_rand_boolean(rnd);
            st[k]->xnx = g_rand_boolean(rnd);
            st[k]->ptw = g_rand_boolean(rnd);
        }
        r = t_walk(b, &cfg, ((uint64_t)g_rand_int(rnd) << 32 |
                             g_rand_int(rnd)) >> g_rand_int_range(rnd, 16, 40),
                   g_rand_boolean(rnd), g_rand_boolean(rnd),
                   g_rand_boolean(rnd));
        g_assert_cmpint(r->outcome, <=, SM_WALK_BAD_CONFIG);
        g_assert_cmpuint(r->n_accesses, <=, SM_WALK_MAX_ACCESSES);
        seen[r->outcome]++;
        if (r->outcome == SM_WALK_OK) {
            g_assert_cmpint(r->ok.s1_level, <=, 3);
            g_assert_cmpint(r->ok.s2_level, <=, 3);
        } else if (r->outcome != SM_WALK_BAD_CONFIG) {
            g_assert_cmpuint(r->fault.stage, >=, 1);
            g_assert_cmpuint(r->fault.stage, <=, 2);
            g_assert_cmpint(r->fault.level, >=, 0);
            g_assert_cmpint(r->fault.level, <=, 3);
        }
    }
    for (i = 0; i < G_N_ELEMENTS(seen); i++) {
        g_test_message("%s: %u", sm_walk_outcome_name(i), seen[i]);
        /* Every outcome is reached, so the sweep explores deep walks. */
        g_assert_cmpuint(seen[i], >, 0);
    }
    g_rand_free(rnd);
    sm_tm_free(b);
}

/* ---- Walk caches (SmWalkCfg.wc) ----------------------------------------- */

/*
 * A tiny walk cache for the walker tests: one fully associative LRU
 * sm-cache for every stage and level, tagged by (stage, level, shift,
 * region), plus per [stage][level] counters of what the walker did.
 */
typedef struct TWcEntry {
    uint64_t base;
    SmWalkTableDesc d;
    uint8_t stage;
    int8_t level;
    uint8_t shift;
} TWcEntry;

typedef struct TWc {
    SmCache *c;
    SmWalkCacheOps ops;
    unsigned lookups[3][3];
    unsigned hits[3][3];
    unsigned inserts[3][3];
} TWc;

static bool twc_match(const void *entry, const void *key)
{
    const TWcEntry *e = entry;
    const TWcEntry *k = key;

    return e->base == k->base && e->stage == k->stage &&
           e->level == k->level && e->shift == k->shift;
}

static void twc_key(TWcEntry *k, unsigned stage, int level, unsigned shift,
                    uint64_t in)
{
    memset(k, 0, sizeof(*k));
    g_assert_cmpuint(stage, >=, 1);
    g_assert_cmpuint(stage, <=, 2);
    g_assert_cmpint(level, >=, 0);
    g_assert_cmpint(level, <=, 2);
    k->base = in & ~sm_low_mask(shift);
    k->stage = stage;
    k->level = level;
    k->shift = shift;
}

static bool twc_lookup(void *opaque, unsigned stage, int level,
                       unsigned shift, uint64_t in, SmWalkTableDesc *out)
{
    TWc *t = opaque;
    TWcEntry k;
    const TWcEntry *e;

    twc_key(&k, stage, level, shift, in);
    t->lookups[stage][level]++;
    e = sm_cache_lookup(t->c, k.base >> shift, twc_match, &k);
    if (!e) {
        return false;
    }
    t->hits[stage][level]++;
    *out = e->d;
    return true;
}

static void twc_insert(void *opaque, unsigned stage, int level,
                       unsigned shift, uint64_t in, const SmWalkTableDesc *d)
{
    TWc *t = opaque;
    TWcEntry k;

    twc_key(&k, stage, level, shift, in);
    /* The walker only inserts what it just missed. */
    g_assert_null(sm_cache_peek(t->c, k.base >> shift, twc_match, &k));
    k.d = *d;
    t->inserts[stage][level]++;
    sm_cache_insert(t->c, k.base >> shift, &k);
}

static TWc *twc_new(uint32_t entries)
{
    SmCacheParams p = { .name = "twc", .entries = entries,
                        .entry_size = sizeof(TWcEntry) };
    TWc *t = g_new0(TWc, 1);

    t->c = sm_cache_new(&p);
    g_assert_nonnull(t->c);
    t->ops.opaque = t;
    t->ops.lookup = twc_lookup;
    t->ops.insert = twc_insert;
    return t;
}

static void twc_free(TWc *t)
{
    sm_cache_free(t->c);
    g_free(t);
}

/* Stage 1, 4K, 48 bits: a nearby address skips the top of the walk. */
static void test_wc_s1_partial(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    SmWalkCfg plain = t_cfg1(&sc);
    TWc *t = twc_new(16);
    SmWalkResult *r;
    SmWalkResult first;
    unsigned reads;

    b_map(b, &sc, false, 0, 0x7f0000001000, 0x10000, 3, S1_RW);
    b_map(b, &sc, false, 0, 0x7f0000002000, 0x20000, 3, S1_RW);
    b_map(b, &sc, false, 0, 0x7f0000200000, 0x30000, 3, S1_RW);
    b_map(b, &sc, false, 0, 0x7f0040000000, 0x40000, 3, S1_RW);
    cfg.wc = &t->ops;

    /* An empty cache: the same walk as without one, and it fills. */
    first = *t_read(b, &plain, 0x7f0000001008);
    reads = b->reads;
    r = t_read(b, &cfg, 0x7f0000001008);
    t_expect_ok(r, 0x10008, 12);
    g_assert_cmpuint(b->reads - reads, ==, 4);
    g_assert_cmpuint(r->n_accesses, ==, first.n_accesses);
    g_assert_cmpuint(r->n_cached, ==, 0);
    g_assert_cmpmem(r->accesses, sizeof(r->accesses[0]) * 4,
                    first.accesses, sizeof(first.accesses[0]) * 4);
    g_assert_cmpuint(t->inserts[1][0] + t->inserts[1][1] +
                     t->inserts[1][2], ==, 3);
    g_assert_cmpuint(t->lookups[1][2], ==, 1);

    /* Same level-3 table: one read, after a level-2 hit. */
    reads = b->reads;
    r = t_read(b, &cfg, 0x7f0000002010);
    t_expect_ok(r, 0x20010, 12);
    g_assert_cmpuint(b->reads - reads, ==, 1);
    g_assert_cmpuint(r->n_accesses, ==, 2);
    g_assert_cmpuint(r->n_cached, ==, 1);
    g_assert_true(r->accesses[0].cached);
    g_assert_cmpint(r->accesses[0].level, ==, 2);
    g_assert_cmpuint(r->accesses[0].stage, ==, 1);
    g_assert_cmphex(r->accesses[0].addr, ==,
                    b_slot(b, &sc, false, 0, 0x7f0000002000, 3) &
                    ~UINT64_C(0xfff));
    g_assert_false(r->accesses[1].cached);
    g_assert_cmpint(r->accesses[1].level, ==, 3);
    g_assert_cmpuint(t->hits[1][2], ==, 1);

    /* Same level-2 table (next 2 MiB): a level-1 hit, two reads. */
    reads = b->reads;
    r = t_read(b, &cfg, 0x7f0000200000);
    t_expect_ok(r, 0x30000, 12);
    g_assert_cmpuint(b->reads - reads, ==, 2);
    g_assert_cmpint(r->accesses[0].level, ==, 1);
    g_assert_true(r->accesses[0].cached);
    g_assert_cmpuint(t->hits[1][1], ==, 1);
    /* Next 1 GiB: a level-0 hit, three reads. */
    reads = b->reads;
    r = t_read(b, &cfg, 0x7f0040000000);
    t_expect_ok(r, 0x40000, 12);
    g_assert_cmpuint(b->reads - reads, ==, 3);
    g_assert_cmpint(r->accesses[0].level, ==, 0);
    g_assert_cmpuint(t->hits[1][0], ==, 1);
    twc_free(t);
    sm_tm_free(b);
}

/*
 * The cached path is used until the cache is told otherwise: a changed
 * table pointer is not seen (stale, as the architecture allows without
 * a TLB invalidation), and the accumulated APTable/XNTable limits come
 * from the cache.
 */
static void test_wc_stale_and_attrs(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 39, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    TWc *t = twc_new(16);
    uint64_t tslot, tdesc, other;
    SmWalkResult *r;

    cfg.wc = &t->ops;
    b_map(b, &sc, false, 0, 0x1000, 0x2000, 3, S1_RW);
    b_map(b, &sc, false, 0, 0x201000, 0x3000, 3, S1_RW);
    tslot = b_slot(b, &sc, false, 0, 0x1000, 1);
    tdesc = sm_tm_r64(b, tslot);
    sm_tm_w64(b, tslot, tdesc | D_APT1 | D_UXNT);
    r = t_walk(b, &cfg, 0x1000, false, false, false);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_R | SM_PERM_PR | SM_PERM_PX);
    /* Level 1 now points at another level-2 table: not seen. */
    other = b_alloc(b, 4096);
    sm_tm_w64(b, other, 0x200000 | D_BLOCK | S1_RW);
    sm_tm_w64(b, tslot, other | D_TABLE);
    r = t_walk(b, &cfg, 0x1000, false, false, false);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmpuint(r->n_cached, ==, 1);
    /* The hierarchical limits are the cached ones. */
    g_assert_cmphex(r->ok.perm, ==, SM_PERM_R | SM_PERM_PR | SM_PERM_PX);
    t_expect_fault(t_walk(b, &cfg, 0x1000, true, false, true),
                   SM_WALK_FAULT_PERMISSION, 1, 3);
    /* Another level-2 region is looked up through the cached level 1. */
    r = t_walk(b, &cfg, 0x201000, false, false, false);
    t_expect_ok(r, 0x3000, 12);
    g_assert_cmpint(r->accesses[0].level, ==, 1);
    /* Dropped: the new table is walked. */
    sm_cache_invalidate_all(t->c);
    r = t_walk(b, &cfg, 0x1000, true, false, true);
    t_expect_ok(r, 0x201000, 21);
    g_assert_cmpuint(r->n_cached, ==, 0);
    twc_free(t);
    sm_tm_free(b);
}

/* Faulting table descriptors are never inserted. */
static void test_wc_no_faulting(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    TWc *t = twc_new(16);
    uint64_t slot1;

    cfg.wc = &t->ops;
    b_map(b, &sc, false, 0, 0x1000, 0x2000, 3, S1_RW);
    slot1 = b_slot(b, &sc, false, 0, 0x1000, 1);
    /* Invalid at level 1: only level 0 is cached. */
    sm_tm_w64(b, slot1, 0);
    t_expect_fault(t_read(b, &cfg, 0x1000), SM_WALK_FAULT_TRANSLATION, 1, 1);
    g_assert_cmpuint(t->inserts[1][0], ==, 1);
    g_assert_cmpuint(t->inserts[1][1], ==, 0);
    /* A next-level table above the output size: address size fault. */
    sc.oas_bits = 40;
    cfg = t_cfg1(&sc);
    cfg.wc = &t->ops;
    sm_cache_invalidate_all(t->c);
    sm_tm_w64(b, slot1, (UINT64_C(1) << 44) | D_TABLE);
    t_expect_fault(t_read(b, &cfg, 0x1000), SM_WALK_FAULT_ADDR_SIZE, 1, 2);
    g_assert_cmpuint(t->inserts[1][0], ==, 2);
    g_assert_cmpuint(t->inserts[1][1], ==, 0);
    g_assert_cmpuint(sm_cache_count_valid(t->c), ==, 1);
    twc_free(t);
    sm_tm_free(b);
}

/* A cached table beyond the current output size is ignored, not used. */
static bool twc_bogus_lookup(void *opaque, unsigned stage, int level,
                             unsigned shift, uint64_t in, SmWalkTableDesc *out)
{
    unsigned *calls = opaque;

    (*calls)++;
    out->table = UINT64_C(1) << 50;
    out->attrs = 0;
    return true;
}

static void test_wc_ops_partial(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    unsigned calls = 0;
    SmWalkCacheOps bogus = { .opaque = &calls, .lookup = twc_bogus_lookup };
    SmWalkCacheOps none = { 0 };
    SmWalkResult *r;

    b_map(b, &sc, false, 0, 0x1000, 0x2000, 3, S1_RW);
    cfg.wc = &bogus;
    r = t_read(b, &cfg, 0x1000);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmpuint(calls, ==, 3);     /* levels 2, 1, 0 */
    g_assert_cmpuint(r->n_accesses, ==, 4);
    g_assert_cmpuint(r->n_cached, ==, 0);
    /* Ops without hooks: a plain walk. */
    cfg.wc = &none;
    r = t_read(b, &cfg, 0x1000);
    t_expect_ok(r, 0x2000, 12);
    g_assert_cmpuint(r->n_accesses, ==, 4);
    sm_tm_free(b);
}

/*
 * Nested: stage-2 walk-cache entries serve the stage-2 walks of the
 * stage-1 table fetches as well as the final one.
 */
static void test_wc_nested(void)
{
    Nested n;
    TWc *t = twc_new(32);
    SmWalkResult *r;
    unsigned reads, i, s2_hits = 0;

    n_setup(&n, 0x123456789000, 0x40001000, 0x7654321000);
    b_map(n.b, &n.s1, false, IPA_OFF, 0x12345678a000, 0x40002000, 3,
          S1_RW);
    b_map(n.b, &n.s2, true, 0, 0x40002000, 0x7654322000, 3, S2_RW);
    n.cfg.wc = &t->ops;
    reads = n.b->reads;
    r = t_read(n.b, &n.cfg, 0x123456789abc);
    t_expect_ok(r, 0x7654321abc, 12);
    /*
     * Even the first walk hits: the stage-1 tables share stage-2
     * regions, so only the first table fetch walks stage 2 in full.
     */
    g_assert_cmpuint(n.b->reads - reads, <, 24);
    g_assert_cmpuint(t->hits[1][0] + t->hits[1][1] + t->hits[1][2], ==, 0);
    g_assert_cmpuint(t->hits[2][2], >, 0);

    reads = n.b->reads;
    r = t_read(n.b, &n.cfg, 0x12345678a123);
    t_expect_ok(r, 0x7654322123, 12);
    /* S1 hit at level 2; its L3 table fetch and the output: S2 level 2 */
    g_assert_cmpuint(n.b->reads - reads, ==, 3);
    g_assert_cmpuint(r->n_cached, ==, 3);
    g_assert_true(r->accesses[0].cached);
    g_assert_cmpuint(r->accesses[0].stage, ==, 1);
    g_assert_cmpint(r->accesses[0].level, ==, 2);
    for (i = 0; i < MIN(r->n_accesses, SM_WALK_MAX_ACCESSES); i++) {
        s2_hits += r->accesses[i].cached && r->accesses[i].stage == 2;
    }
    g_assert_cmpuint(s2_hits, ==, 2);
    twc_free(t);
    sm_tm_free(n.b);
}

/* Two entries: the cache evicts one at a time and keeps the newest. */
static void test_wc_tiny(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_4K, 48, false, 0);
    SmWalkCfg cfg = t_cfg1(&sc);
    TWc *t = twc_new(2);
    SmCacheStats st;
    unsigned reads;

    cfg.wc = &t->ops;
    b_map(b, &sc, false, 0, 0x1000, 0x2000, 3, S1_RW);
    b_map(b, &sc, false, 0, 0x2000, 0x3000, 3, S1_RW);
    t_expect_ok(t_read(b, &cfg, 0x1000), 0x2000, 12);
    st = sm_cache_stats(t->c);
    g_assert_cmpuint(st.inserts, ==, 3);
    g_assert_cmpuint(st.evictions, ==, 1);
    g_assert_cmpuint(sm_cache_count_valid(t->c), ==, 2);
    reads = b->reads;
    t_expect_ok(t_read(b, &cfg, 0x2000), 0x3000, 12);
    g_assert_cmpuint(b->reads - reads, ==, 1);
    twc_free(t);
    sm_tm_free(b);
}

/* Stage 2 alone, 64K granule: regions follow the granule's shifts. */
static void test_wc_s2_64k(void)
{
    SmTestMem *b = b_new();
    SmWalkStageCfg sc = b_stage(b, SM_GRANULE_64K, 42, true, 1);
    SmWalkCfg cfg = t_cfg2(&sc);
    TWc *t = twc_new(8);
    SmWalkResult *r;
    unsigned reads;

    cfg.wc = &t->ops;
    b_map(b, &sc, true, 0, 0x10000, 0x100000, 3, S2_RW);
    b_map(b, &sc, true, 0, 0x1ff0000, 0x200000, 3, S2_RW);
    t_expect_ok(t_read(b, &cfg, 0x10000), 0x100000, 16);
    g_assert_cmpuint(t->inserts[2][2], ==, 1);
    reads = b->reads;
    r = t_read(b, &cfg, 0x1ff0008);
    t_expect_ok(r, 0x200008, 16);
    g_assert_cmpuint(b->reads - reads, ==, 1);
    g_assert_cmpuint(r->accesses[0].stage, ==, 2);
    g_assert_cmpuint(t->hits[2][2], ==, 1);
    twc_free(t);
    sm_tm_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm/walk/geometry", test_geometry);
    g_test_add_func("/sm/walk/check-stage", test_check_stage);
    g_test_add_func("/sm/walk/bad-config", test_bad_config);
    g_test_add_func("/sm/walk/perm-allows", test_perm_allows);
    g_test_add_func("/sm/walk/leaf-sweep", test_leaf_sweep);
    g_test_add_func("/sm/walk/s1-start-levels", test_s1_start_levels);
    g_test_add_func("/sm/walk/s2-start-levels", test_s2_start_levels);
    g_test_add_func("/sm/walk/s2-concat", test_s2_concat);
    g_test_add_func("/sm/walk/oa52", test_oa52);
    g_test_add_func("/sm/walk/small-start-table", test_small_start_table);
    g_test_add_func("/sm/walk/s1-upper", test_s1_upper);
    g_test_add_func("/sm/walk/nested/ok", test_nested_ok);
    g_test_add_func("/sm/walk/nested/sizes", test_nested_sizes);
    g_test_add_func("/sm/walk/nested/s2-fault-tt", test_nested_s2_fault_tt);
    g_test_add_func("/sm/walk/nested/s2-fault-in", test_nested_s2_fault_in);
    g_test_add_func("/sm/walk/nested/s1-fault", test_nested_s1_fault);
    g_test_add_func("/sm/walk/nested/ha-needs-s2-write",
                    test_nested_ha_needs_s2_write);
    g_test_add_func("/sm/walk/nested/s2ptw", test_nested_s2ptw);
    g_test_add_func("/sm/walk/fault/translation", test_translation_faults);
    g_test_add_func("/sm/walk/fault/addr-size", test_addr_size_faults);
    g_test_add_func("/sm/walk/access-flag", test_access_flag);
    g_test_add_func("/sm/walk/dirty-s1", test_dirty_s1);
    g_test_add_func("/sm/walk/dirty-s2", test_dirty_s2);
    g_test_add_func("/sm/walk/perm/s1-ap", test_s1_ap);
    g_test_add_func("/sm/walk/perm/s1-xn-tables", test_s1_xn_and_tables);
    g_test_add_func("/sm/walk/perm/s2", test_s2_perm);
    g_test_add_func("/sm/walk/perm/s1-single-priv", test_s1_single_priv);
    g_test_add_func("/sm/walk/perm/s2-xnx", test_s2_xnx);
    g_test_add_func("/sm/walk/big-endian", test_big_endian);
    g_test_add_func("/sm/walk/eabt", test_eabt);
    g_test_add_func("/sm/walk/random-garbage", test_random_garbage);
    g_test_add_func("/sm/walk/wc/s1-partial", test_wc_s1_partial);
    g_test_add_func("/sm/walk/wc/stale-and-attrs", test_wc_stale_and_attrs);
    g_test_add_func("/sm/walk/wc/no-faulting", test_wc_no_faulting);
    g_test_add_func("/sm/walk/wc/ops-partial", test_wc_ops_partial);
    g_test_add_func("/sm/walk/wc/nested", test_wc_nested);
    g_test_add_func("/sm/walk/wc/tiny", test_wc_tiny);
    g_test_add_func("/sm/walk/wc/s2-64k", test_wc_s2_64k);
    return g_test_run();
}
