/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for sm3-ste.c: STE decode (golden raw dwords written from
 * the spec's STE bit positions, IHI 0070), SteIllegal checks (one test
 * per C_BAD_STE reason), stage-2 geometry, and the linear / 2-level
 * Stream table lookup with C_BAD_STREAMID and F_STE_FETCH.
 */
#include <string.h>

#include <glib.h>

#include "sm3-regs.h"
#include "sm3-tables.h"
#include "sm3-tabtest.h"

/* ---- helpers ------------------------------------------------------------- */

/* A script step: decoded member @m of the STE is @v. */
#define EXPECT(m, v)    SM3T_EXPECT(Sm3Ste, m, v)

/*
 * Script steps on the stage-2 walk the STE configures (its s2cfg), as
 * the walker runs it: start level, concatenated start tables, output
 * address bits.
 */
static uint64_t s2_start_level(const void *ste)
{
    return sm3t_walk_start_level(&((const Sm3Ste *)ste)->s2cfg, true);
}

static uint64_t s2_concat(const void *ste)
{
    return sm3t_walk_concat(&((const Sm3Ste *)ste)->s2cfg, true);
}

static uint64_t s2_output_bits(const void *ste)
{
    return sm3t_walk_output_bits(&((const Sm3Ste *)ste)->s2cfg, true);
}

#define EXPECT_S2_START(v)     SM3T_PROBE(s2_start_level, v)
#define EXPECT_S2_CONCAT(v)    SM3T_PROBE(s2_concat, v)
#define EXPECT_S2_OUT_BITS(v)  SM3T_PROBE(s2_output_bits, v)

/*
 * A legal nested STE: CD at 0x10000, stage 2 4K granule, 40-bit IPA
 * starting at level 1 (two concatenated tables), 48-bit PS, S2TTB 0x20000.
 */
static void ste_nested(uint64_t *dw)
{
    memset(dw, 0, 8 * SM3_STE_DWORDS);
    dw[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED) |
            0x10000;
    dw[1] = sm_prep(SM3_STE1_S1DSS, SM3_STE1_S1DSS_SSID0);
    dw[2] = sm_prep(SM3_STE2_S2VMID, 5) | sm_prep(SM3_STE2_S2T0SZ, 24) |
            sm_prep(SM3_STE2_S2SL0, 1) | sm_prep(SM3_STE2_S2TG, 0) |
            sm_prep(SM3_STE2_S2PS, 5) | SM3_STE2_S2AA64 | SM3_STE2_S2R;
    dw[3] = 0x20000;
}

/* Decode + validate; returns the event and stores the reason. */
static int check(const uint64_t *dw, const Sm3Features *f, Sm3Ste *ste,
                 const char **why)
{
    sm3_ste_decode(dw, ste);
    return sm3_ste_validate(ste, f, why);
}

static int ste_check(const uint64_t *dw, const Sm3Features *f, void *ctx,
                     void *out, const char **why)
{
    return check(dw, f, out, why);
}

static const Sm3tKind ste_kind = { SM3_EVT_C_BAD_STE, ste_check };

static void assert_ok(const uint64_t *dw, const Sm3Features *f,
                      Sm3Ste *ste)
{
    sm3t_expect_ok(&ste_kind, dw, f, NULL, ste);
}

/* ---- golden decode ------------------------------------------------------- */

/*
 * Every field set to a distinct value.  The dwords were computed from the
 * absolute bit positions IHI 0070 gives for the STE (e.g. EATS [93:92] is
 * dword 1 bits [29:28]), not from this model's masks.
 */
static const uint64_t golden_ste[8] = {
    0x5800123456789aefull, 0xabced17dad6b55b6ull, 0x96ddb95956781234ull,
    0x60abcdef01234565ull, 0x987640aa4321beefull, 0x00123456789abd5aull,
    0x207654321fedcba3ull, 0x0123456789abcdefull,
};

/* Every field of golden_ste[], decoded */
static const Sm3tStep golden_ste_fields[] = {
    EXPECT(v, true),
    EXPECT(config, 7),
    EXPECT(s1fmt, 2),
    EXPECT(s1contextptr, 0x0000123456789ac0ull),
    EXPECT(s1cdmax, 11),

    EXPECT(s1dss, 2),
    EXPECT(s1cir, 1),
    EXPECT(s1cor, 3),
    EXPECT(s1csh, 2),
    EXPECT(s2hwu59, true),
    EXPECT(s2hwu60, false),
    EXPECT(s2hwu61, true),
    EXPECT(s2hwu62, false),
    EXPECT(dre, true),
    EXPECT(cont, 0xa),
    EXPECT(dcp, true),
    EXPECT(ppar, false),
    EXPECT(mev, true),
    EXPECT(sw_reserved, 6),
    EXPECT(s1pie, true),
    EXPECT(s2fwb, false),
    EXPECT(s1mpam, true),
    EXPECT(s1stalld, true),
    EXPECT(eats, 2),
    EXPECT(strw, 2),
    EXPECT(memattr, 0xd),
    EXPECT(mtcfg, true),
    EXPECT(alloccfg, 0xb),
    EXPECT(shcfg, 1),
    EXPECT(nscfg, 3),
    EXPECT(privcfg, 2),
    EXPECT(instcfg, 3),
    EXPECT(impdef1, 0xabc),

    EXPECT(s2vmid, 0x1234),
    EXPECT(impdef2, 0x5678),
    EXPECT(s2t0sz, 25),
    EXPECT(s2sl0, 1),
    EXPECT(s2ir0, 1),
    EXPECT(s2or0, 2),
    EXPECT(s2sh0, 3),
    EXPECT(s2tg, 2),
    EXPECT(s2ps, 5),
    EXPECT(s2aa64, true),
    EXPECT(s2endi, true),
    EXPECT(s2affd, false),
    EXPECT(s2ptw, true),
    EXPECT(s2hd, true),
    EXPECT(s2ha, false),
    EXPECT(s2s, true),
    EXPECT(s2r, true),
    EXPECT(s2haft, false),
    EXPECT(s2pie, true),
    EXPECT(s2poe, false),
    EXPECT(dpt_vmatch, 2),

    EXPECT(s2nsw, true),
    EXPECT(s2nsa, false),
    EXPECT(s2sl0_2, true),
    EXPECT(s2ds, false),
    EXPECT(s2ttb, 0x00abcdef01234560ull),
    EXPECT(s2skl, 3),

    EXPECT(impdef4, 0xbeef),
    EXPECT(partid, 0x4321),
    EXPECT(s_s2t0sz, 0x2a),
    EXPECT(s_s2sl0, 2),
    EXPECT(s_s2tg, 1),
    EXPECT(mecid, 0x9876),
    EXPECT(pmg, 0x5a),
    EXPECT(mpam_ns, true),
    EXPECT(assuredonly, false),
    EXPECT(tl0, true),
    EXPECT(tl1, true),
    EXPECT(vmsptr, 0x00123456789ab000ull),
    EXPECT(s2sw, true),
    EXPECT(s2sa, true),
    EXPECT(s_s2sl0_2, false),
    EXPECT(s_s2ttb, 0x007654321fedcba0ull),
    EXPECT(s_s2skl, 1),
    EXPECT(s2poi, 0x0123456789abcdefull),
    SM3T_END(),
};

static void test_golden_decode(void)
{
    Sm3Ste s;

    sm3_ste_decode(golden_ste, &s);
    g_assert_cmpmem(s.raw, sizeof(s.raw), golden_ste, sizeof(golden_ste));
    sm3t_expect_fields(&s, golden_ste_fields);
}

/* Single-bit fields each alone: a mask one bit off cannot pass. */
static void test_golden_single_bits(void)
{
    static const struct {
        unsigned dw, bit;
        size_t off;
    } bits[] = {
        { 0, 0, offsetof(Sm3Ste, v) },
        { 1, 27, offsetof(Sm3Ste, s1stalld) },
        { 2, 51, offsetof(Sm3Ste, s2aa64) },
        { 2, 52, offsetof(Sm3Ste, s2endi) },
        { 2, 53, offsetof(Sm3Ste, s2affd) },
        { 2, 54, offsetof(Sm3Ste, s2ptw) },
        { 2, 55, offsetof(Sm3Ste, s2hd) },
        { 2, 56, offsetof(Sm3Ste, s2ha) },
        { 2, 57, offsetof(Sm3Ste, s2s) },
        { 2, 58, offsetof(Sm3Ste, s2r) },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(bits); i++) {
        uint64_t dw[8] = { 0 };
        Sm3Ste s;

        dw[bits[i].dw] = 1ull << bits[i].bit;
        sm3_ste_decode(dw, &s);
        g_assert_true(*(bool *)((char *)&s + bits[i].off));
        g_assert_false(s.v && bits[i].off != offsetof(Sm3Ste, v));
    }
}

/*
 * Within each STE dword the field masks are contiguous and disjoint, and
 * together with the Reserved bits they cover the dword exactly.
 */
static void test_masks_disjoint(void)
{
    static const uint64_t masks[][40] = {
        { SM3_STE0_V, SM3_STE0_CONFIG, SM3_STE0_S1FMT, SM3_STE0_S1CONTEXTPTR,
          SM3_STE0_S1CDMAX, SM_MASK(58, 56) },
        { SM3_STE1_S1DSS, SM3_STE1_S1CIR, SM3_STE1_S1COR, SM3_STE1_S1CSH,
          SM3_STE1_S2HWU59, SM3_STE1_S2HWU60, SM3_STE1_S2HWU61,
          SM3_STE1_S2HWU62, SM3_STE1_DRE, SM3_STE1_CONT, SM3_STE1_DCP,
          SM3_STE1_PPAR, SM3_STE1_MEV, SM3_STE1_SW_RESERVED, SM3_STE1_S1PIE,
          SM3_STE1_S2FWB, SM3_STE1_S1MPAM, SM3_STE1_S1STALLD, SM3_STE1_EATS,
          SM3_STE1_STRW, SM3_STE1_MEMATTR, SM3_STE1_MTCFG,
          SM3_STE1_ALLOCCFG, SM_MASK(43, 41), SM3_STE1_SHCFG,
          SM3_STE1_NSCFG, SM3_STE1_PRIVCFG, SM3_STE1_INSTCFG,
          SM3_STE1_IMPDEF },
        { SM3_STE2_S2VMID, SM3_STE2_IMPDEF, SM3_STE2_S2T0SZ, SM3_STE2_S2SL0,
          SM3_STE2_S2IR0, SM3_STE2_S2OR0, SM3_STE2_S2SH0, SM3_STE2_S2TG,
          SM3_STE2_S2PS, SM3_STE2_S2AA64, SM3_STE2_S2ENDI, SM3_STE2_S2AFFD,
          SM3_STE2_S2PTW, SM3_STE2_S2HD, SM3_STE2_S2HA, SM3_STE2_S2S,
          SM3_STE2_S2R, SM3_STE2_S2HAFT, SM3_STE2_S2PIE, SM3_STE2_S2POE,
          SM3_STE2_DPT_VMATCH },
        { SM3_STE3_S2NSW, SM3_STE3_S2NSA, SM3_STE3_S2SL0_2, SM3_STE3_S2DS,
          SM3_STE3_S2TTB, SM_MASK(60, 56), SM3_STE3_S2SKL, SM_BIT(63) },
        { SM3_STE4_IMPDEF, SM3_STE4_PARTID, SM3_STE4_S_S2T0SZ,
          SM3_STE4_S_S2SL0, SM_MASK(45, 40), SM3_STE4_S_S2TG,
          SM3_STE4_MECID },
        { SM3_STE5_PMG, SM3_STE5_MPAM_NS, SM3_STE5_ASSUREDONLY, SM3_STE5_TL0,
          SM3_STE5_TL1, SM3_STE5_VMSPTR, SM_MASK(63, 56) },
        { SM3_STE6_S2SW, SM3_STE6_S2SA, SM3_STE6_S_S2SL0_2, SM_BIT(3),
          SM3_STE6_S_S2TTB, SM_MASK(60, 56), SM3_STE6_S_S2SKL, SM_BIT(63) },
        { SM3_STE7_S2POI },
    };
    unsigned d;

    for (d = 0; d < G_N_ELEMENTS(masks); d++) {
        sm3t_assert_tiles(masks[d], G_N_ELEMENTS(masks[d]));
    }
    /* L1STD: Span [4:0], RES0 [5], L2Ptr [55:6] */
    g_assert_cmphex(SM3_L1STD_SPAN | SM_BIT(5) | SM3_L1STD_L2PTR, ==,
                    SM_MASK(55, 0));
}

/* ---- legal configurations --------------------------------------------- */

static void test_modes(void)
{
    static const struct {
        unsigned config;
        Sm3SteMode mode;
        bool s1, s2;
    } rows[] = {
        { 0, SM3_STE_MODE_ABORT, false, false },
        { 1, SM3_STE_MODE_ABORT, false, false },   /* Reserved */
        { 2, SM3_STE_MODE_ABORT, false, false },   /* Reserved */
        { 3, SM3_STE_MODE_ABORT, false, false },   /* Reserved */
        { 4, SM3_STE_MODE_BYPASS, false, false },
        { 5, SM3_STE_MODE_S1, true, false },
        { 6, SM3_STE_MODE_S2, false, true },
        { 7, SM3_STE_MODE_NESTED, true, true },
    };
    Sm3Features f;
    unsigned i;

    sm3t_features_full(&f);
    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        uint64_t dw[8];
        Sm3Ste s;

        ste_nested(dw);
        dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, rows[i].config);
        assert_ok(dw, &f, &s);
        g_assert_cmpint(s.mode, ==, rows[i].mode);
        g_assert_cmpint(s.s1_enabled, ==, rows[i].s1);
        g_assert_cmpint(s.s2_enabled, ==, rows[i].s2);
        g_assert_cmpint(s.s2cfg.enabled, ==, rows[i].s2);
        g_assert_cmpint(s.world, ==, SM3_WORLD_NS_EL1);
    }
}

/* The reserved Config values abort silently: no C_BAD_STE, whatever else */
static void test_reserved_config_ignores_rest(void)
{
    uint64_t dw[8] = { SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, 2), ~0ull,
                       ~0ull, ~0ull, 0, 0, 0, 0 };
    Sm3Features f;
    Sm3Ste s;

    sm3t_features_full(&f);
    dw[0] |= SM_MASK(63, 4);
    assert_ok(dw, &f, &s);
    g_assert_cmpint(s.mode, ==, SM3_STE_MODE_ABORT);
}

/* Bypass ignores every S1 and S2 field */
static void test_bypass_ignores_stage_fields(void)
{
    uint64_t dw[8] = { SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, 4) |
                       SM_MASK(63, 4), 0, ~0ull, ~0ull, 0, 0, 0, 0 };
    Sm3Features f;
    Sm3Ste s;

    sm3t_features_full(&f);
    f.vmid16 = false;
    dw[1] = SM3_STE1_S1STALLD | sm_prep(SM3_STE1_EATS, 2);
    assert_ok(dw, &f, &s);
    g_assert_cmpint(s.mode, ==, SM3_STE_MODE_BYPASS);
}

/* ---- one test per C_BAD_STE reason ------------------------------------- */

static void test_bad_v0(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;
    const char *why;

    sm3t_features_full(&f);
    ste_nested(dw);
    dw[0] &= ~SM3_STE0_V;
    g_assert_cmpint(check(dw, &f, &s, &why), ==, SM3_EVT_C_BAD_STE);
    g_assert_false(s.v);
    g_assert_cmpstr(why, ==, "STE.V == 0");
    /* reason may be NULL */
    g_assert_cmpint(sm3_ste_validate(&s, &f, NULL), ==, SM3_EVT_C_BAD_STE);
}

/*
 * Scripts from ste_nested() and every feature: each edits the STE or the
 * features and expects it legal, ILLEGAL for a reason, or decoded so.
 */
static const Sm3tStep ste_bad_s1_not_implemented[] = {
    SM3T_FEAT(stage1, false),
    SM3T_FEAT(hyp, false),             /* IDR0.HYP needs both stages */
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_BAD("stage 1 is not implemented"),
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED),
    SM3T_BAD("stage 1 is not implemented"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2_not_implemented[] = {
    SM3T_FEAT(stage2, false),
    SM3T_FEAT(hyp, false),
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S2),
    SM3T_BAD("stage 2 is not implemented"),
    /* stage 1 only is fine, and the VMID is then ignored */
    SM3T_FEAT(vmid16, false),
    SM3T_SET(2, SM3_STE2_S2VMID, 0x1ff),
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep ste_bad_eats[] = {
    /* split-stage needs Config 0b111 ... */
    SM3T_SET(1, SM3_STE1_EATS, SM3_STE1_EATS_SPLIT),
    SM3T_OK(),
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_BAD("split-stage"),
    /* ... and S2S == 0 */
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED),
    SM3T_OR(2, SM3_STE2_S2S),
    SM3T_BAD("split-stage"),
    /* full ATS with stage-2 stalls */
    SM3T_SET(1, SM3_STE1_EATS, SM3_STE1_EATS_FULL),
    SM3T_BAD("full ATS"),
    /* ... legal when stage 2 bypasses (our SMMUv3.1+ reading) */
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_OK(),
    /* EATS 0b11 without DPT behaves as 0b00 */
    SM3T_SET(1, SM3_STE1_EATS, SM3_STE1_EATS_DPT),
    SM3T_OK(),
    /* without ATS, EATS is IGNORED */
    SM3T_FEAT(ats, false),
    SM3T_SET(1, SM3_STE1_EATS, SM3_STE1_EATS_SPLIT),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep ste_bad_strw[] = {
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_SET(1, SM3_STE1_STRW, 1),
    SM3T_BAD("STRW"),
    SM3T_SET(1, SM3_STE1_STRW, 3),
    SM3T_BAD("STRW"),
    /* EL2: legal with Hyp, selects the EL2 StreamWorld, no VMID check */
    SM3T_FEAT(vmid16, false),
    SM3T_SET(2, SM3_STE2_S2VMID, 0x100),
    SM3T_SET(1, SM3_STE1_STRW, SM3_STE1_STRW_EL2),
    SM3T_OK(),
    EXPECT(world, SM3_WORLD_NS_EL2),
    /* STRW is RES0 (IGNORED) without Hyp */
    SM3T_FEAT(hyp, false),
    SM3T_SET(2, SM3_STE2_S2VMID, 0),
    SM3T_SET(1, SM3_STE1_STRW, 3),
    SM3T_OK(),
    EXPECT(world, SM3_WORLD_NS_EL1),
    /* ... and IGNORED when stage 2 translates */
    SM3T_FEAT(hyp, true),
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED),
    SM3T_OK(),
    EXPECT(world, SM3_WORLD_NS_EL1),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s1stalld[] = {
    SM3T_OR(1, SM3_STE1_S1STALLD),
    SM3T_OK(),
    SM3T_FEAT(stall_model, SM3_STALL_NONE),
    SM3T_BAD("S1STALLD"),
    SM3T_FEAT(stall_model, SM3_STALL_FORCE),
    SM3T_OR(2, SM3_STE2_S2S),
    SM3T_BAD("S1STALLD"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s1cdmax[] = {
    SM3T_FEAT(ssidsize, 8),
    SM3T_SET(0, SM3_STE0_S1CDMAX, 8),
    SM3T_OK(),
    SM3T_SET(0, SM3_STE0_S1CDMAX, 9),
    SM3T_BAD("S1CDMax"),
    /* IGNORED without substream support */
    SM3T_FEAT(ssidsize, 0),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s1fmt_no_cd2l[] = {
    SM3T_FEAT(two_level_cd, false),
    SM3T_SET(0, SM3_STE0_S1CDMAX, 4),
    SM3T_SET(0, SM3_STE0_S1FMT, SM3_STE0_S1FMT_4K_L2),
    SM3T_BAD("CD2L"),
    SM3T_SET(0, SM3_STE0_S1FMT, SM3_STE0_S1FMT_64K_L2),
    SM3T_BAD("CD2L"),
    /* 0b11 is Reserved and behaves as linear: legal */
    SM3T_SET(0, SM3_STE0_S1FMT, 3),
    SM3T_OK(),
    /* with S1CDMax == 0 the format is IGNORED */
    SM3T_SET(0, SM3_STE0_S1FMT, 2),
    SM3T_SET(0, SM3_STE0_S1CDMAX, 0),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s1contextptr_range[] = {
    SM3T_FEAT(oas_bits, 40),
    SM3T_SET(0, SM3_STE0_S1CONTEXTPTR, (1ull << 40) >> 6),
    SM3T_SET(2, SM3_STE2_S2PS, 2),
    SM3T_BAD("S1ContextPtr"),
    /* bits [55:52] belong to the field too */
    SM3T_FEAT(oas_bits, 52),
    SM3T_SET(0, SM3_STE0_S1CONTEXTPTR, (1ull << 55) >> 6),
    SM3T_BAD("S1ContextPtr"),
    SM3T_SET(0, SM3_STE0_S1CONTEXTPTR, ((1ull << 52) - 64) >> 6),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2s[] = {
    SM3T_OR(2, SM3_STE2_S2S),
    SM3T_OK(),
    SM3T_FEAT(stall_model, SM3_STALL_NONE),
    SM3T_BAD("S2S set"),
    SM3T_FEAT(stall_model, SM3_STALL_FORCE),
    SM3T_CLR(2, SM3_STE2_S2S),
    SM3T_BAD("S2S clear"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2aa64[] = {
    SM3T_CLR(2, SM3_STE2_S2AA64),
    SM3T_BAD("S2AA64"),
    /* IGNORED when stage 2 bypasses */
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2_httu[] = {
    SM3T_OR(2, SM3_STE2_S2HA | SM3_STE2_S2HD),
    SM3T_OK(),
    EXPECT(s2cfg.ha, true),
    EXPECT(s2cfg.hd, true),
    SM3T_FEAT(httu, SM3_HTTU_AF),
    SM3T_BAD("S2HD"),
    SM3T_CLR(2, SM3_STE2_S2HD),
    SM3T_OK(),
    SM3T_FEAT(httu, SM3_HTTU_NONE),
    SM3T_BAD("HTTU is not implemented"),
    SM3T_CLR(2, SM3_STE2_S2HA),
    SM3T_OR(2, SM3_STE2_S2HD),
    SM3T_BAD("HTTU is not implemented"),
    /* {S2HA, S2HD} = 0b01 is Reserved, behaves as no HTTU */
    SM3T_FEAT(httu, SM3_HTTU_AF_DIRTY),
    SM3T_OK(),
    EXPECT(s2cfg.ha, false),
    EXPECT(s2cfg.hd, false),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2tg[] = {
    SM3T_SET(2, SM3_STE2_S2TG, 3),
    SM3T_BAD("S2TG"),
    SM3T_FEAT(granules, SM3_GRAN_64K),
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_4K),
    SM3T_BAD("S2TG"),
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_16K),
    SM3T_BAD("S2TG"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2ttb_range[] = {
    /* S2PS 40 bits: a 40-bit TTB is out of range */
    SM3T_SET(2, SM3_STE2_S2PS, 2),
    SM3T_RAW(3, 1ull << 40),
    SM3T_BAD("S2TTB"),
    /* S2PS above the OAS is capped to it: PS 52 on a 48-bit OAS */
    SM3T_SET(2, SM3_STE2_S2PS, 6),
    SM3T_RAW(3, 1ull << 48),
    SM3T_BAD("S2TTB"),
    /* OAS 52, PS 52: 4K granule still limits the TTB to 48 bits */
    SM3T_FEAT(oas_bits, 52),
    SM3T_BAD("S2TTB"),
    /* ... the 64KB granule does not (T0SZ 24, SL0 1: level 2) */
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_64K),
    SM3T_OK(),
    EXPECT(s2cfg.oas_bits, 52),
    EXPECT_S2_OUT_BITS(52),
    /* an unaligned TTB is not ILLEGAL: the SMMU aligns it */
    SM3T_FEAT(oas_bits, 48),
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_4K),
    SM3T_SET(2, SM3_STE2_S2PS, 5),
    SM3T_RAW(3, 0x20ff0),
    SM3T_OK(),
    EXPECT(s2ttb, 0x20ff0),
    EXPECT(s2cfg.ttb, 0x20000), /* 2 x 4KB concatenated */
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2t0sz[] = {
    /* minimum MAX(16, 64 - IAS): IAS = OAS = 48 */
    SM3T_SET(2, SM3_STE2_S2T0SZ, 15),
    SM3T_SET(2, SM3_STE2_S2SL0, 2),
    SM3T_BAD("S2T0SZ"),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 16),
    SM3T_OK(),
    /* a smaller IAS raises the minimum */
    SM3T_FEAT(oas_bits, 40),
    SM3T_SET(2, SM3_STE2_S2PS, 2),
    SM3T_SET(2, SM3_STE2_S2SL0, 1),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 23),
    SM3T_BAD("S2T0SZ"),
    /* maximum 39 without small translation tables */
    SM3T_FEAT(oas_bits, 48),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 40),
    SM3T_SET(2, SM3_STE2_S2SL0, 0),
    SM3T_BAD("S2T0SZ"),
    /* 64KB granule allows down to 12 when the IAS is 52 */
    SM3T_FEAT(oas_bits, 52),
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_64K),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 12),
    SM3T_SET(2, SM3_STE2_S2SL0, 2),
    SM3T_SET(2, SM3_STE2_S2PS, 6),
    SM3T_OK(),
    EXPECT_S2_START(1),
    EXPECT_S2_CONCAT(1),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 11),
    SM3T_BAD("S2T0SZ"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2sl0_reserved[] = {
    /* 4K: SL0 0b11 needs FEAT_TTST */
    SM3T_SET(2, SM3_STE2_S2SL0, 3),
    SM3T_BAD("S2SL0 reserved"),
    /* 64K: SL0 0b11 always reserved */
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_64K),
    SM3T_BAD("S2SL0 reserved"),
    /* 16K: SL0 0b11 needs DS */
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_16K),
    SM3T_BAD("S2SL0 reserved"),
    /* 4K level 0 needs a 44-bit PA */
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_4K),
    SM3T_SET(2, SM3_STE2_S2SL0, 2),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 22),
    SM3T_OK(),
    EXPECT_S2_START(0),
    SM3T_FEAT(oas_bits, 42),
    SM3T_BAD("S2SL0 reserved"),
    /* 16K level 1 needs a 42-bit PA; 64K level 1 a 44-bit one */
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_16K),
    SM3T_OK(),
    EXPECT_S2_START(1),
    SM3T_FEAT(oas_bits, 40),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 24),
    SM3T_BAD("S2SL0 reserved"),
    SM3T_FEAT(oas_bits, 42),
    SM3T_SET(2, SM3_STE2_S2TG, SM3_STE2_S2TG_64K),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 22),
    SM3T_BAD("S2SL0 reserved"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2sl0_inconsistent[] = {
    /* 4K, level 2 start: 30..34 bits of IPA (1..16 tables) */
    SM3T_SET(2, SM3_STE2_S2SL0, 0),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 30), /* 34 bits */
    SM3T_OK(),
    EXPECT_S2_START(2),
    EXPECT_S2_CONCAT(16),
    EXPECT(s2cfg.ttb, 0x20000),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 29), /* 35 bits: 32 */
    SM3T_BAD("inconsistent"),
    /* 4K, level 1 start: 31 bits is too small */
    SM3T_SET(2, SM3_STE2_S2SL0, 1),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 34), /* 30 bits */
    SM3T_BAD("inconsistent"),
    SM3T_SET(2, SM3_STE2_S2T0SZ, 33), /* 31 bits */
    SM3T_OK(),
    EXPECT_S2_CONCAT(1),
    SM3T_END(),
};

static const Sm3tStep ste_bad_s2endi[] = {
    SM3T_OR(2, SM3_STE2_S2ENDI),
    SM3T_OK(),
    EXPECT(s2cfg.big_endian, true),
    SM3T_FEAT(big_endian_tables, false),
    SM3T_BAD("S2ENDI"),
    SM3T_END(),
};

static const Sm3tStep ste_bad_vmid16[] = {
    SM3T_FEAT(vmid16, false),
    SM3T_SET(2, SM3_STE2_S2VMID, 0xff),
    SM3T_OK(),
    SM3T_SET(2, SM3_STE2_S2VMID, 0x100),
    SM3T_BAD("S2VMID"),
    /* a stage-1-only EL1 stream is VMID-tagged too */
    SM3T_SET(0, SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1),
    SM3T_BAD("S2VMID"),
    SM3T_FEAT(vmid16, true),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tCase ste_scripts[] = {
    { "/sm3/ste/bad/s1-not-implemented", ste_bad_s1_not_implemented },
    { "/sm3/ste/bad/s2-not-implemented", ste_bad_s2_not_implemented },
    { "/sm3/ste/bad/eats", ste_bad_eats },
    { "/sm3/ste/bad/strw", ste_bad_strw },
    { "/sm3/ste/bad/s1stalld", ste_bad_s1stalld },
    { "/sm3/ste/bad/s1cdmax", ste_bad_s1cdmax },
    { "/sm3/ste/bad/s1fmt-no-cd2l", ste_bad_s1fmt_no_cd2l },
    { "/sm3/ste/bad/s1contextptr-range", ste_bad_s1contextptr_range },
    { "/sm3/ste/bad/s2s", ste_bad_s2s },
    { "/sm3/ste/bad/s2aa64", ste_bad_s2aa64 },
    { "/sm3/ste/bad/s2-httu", ste_bad_s2_httu },
    { "/sm3/ste/bad/s2tg", ste_bad_s2tg },
    { "/sm3/ste/bad/s2ttb-range", ste_bad_s2ttb_range },
    { "/sm3/ste/bad/s2t0sz", ste_bad_s2t0sz },
    { "/sm3/ste/bad/s2sl0-reserved", ste_bad_s2sl0_reserved },
    { "/sm3/ste/bad/s2sl0-inconsistent", ste_bad_s2sl0_inconsistent },
    { "/sm3/ste/bad/s2endi", ste_bad_s2endi },
    { "/sm3/ste/bad/vmid16", ste_bad_vmid16 },
};

static void run_script(const void *data)
{
    const Sm3tCase *c = data;
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    sm3t_features_full(&f);
    ste_nested(dw);
    sm3t_run(&ste_kind, c->steps, dw, &f, NULL, &s);
}

/* ---- stage-2 geometry -------------------------------------------------- */

static void test_s2_geometry(void)
{
    static const struct {
        unsigned tg, t0sz, sl0, ps;
        unsigned gshift, level, concat, out;
    } rows[] = {
        /* 4K 40-bit IPA from level 1: 10 bits, 2 tables */
        { SM3_STE2_S2TG_4K, 24, 1, 5, 12, 1, 2, 48 },
        /* 4K 48-bit IPA from level 0 */
        { SM3_STE2_S2TG_4K, 16, 2, 5, 12, 0, 1, 48 },
        /* 16K 36-bit IPA from level 2 */
        { SM3_STE2_S2TG_16K, 28, 1, 2, 14, 2, 1, 40 },
        /* 16K 40-bit from level 2: 15 bits, 16 tables */
        { SM3_STE2_S2TG_16K, 24, 1, 2, 14, 2, 16, 40 },
        /* 64K 42-bit IPA from level 2: 13 bits, 1 table */
        { SM3_STE2_S2TG_64K, 22, 1, 4, 16, 2, 1, 44 },
        /* 64K 32-bit from level 3: 16 bits, 8 tables */
        { SM3_STE2_S2TG_64K, 32, 0, 0, 16, 3, 8, 32 },
        /* PS 0b111 behaves as 52, capped to the 48-bit OAS */
        { SM3_STE2_S2TG_4K, 24, 1, 7, 12, 1, 2, 48 },
    };
    Sm3Features f;
    unsigned i;

    sm3t_features_full(&f);
    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        uint64_t dw[8];
        Sm3Ste s;

        ste_nested(dw);
        dw[2] = sm_set(dw[2], SM3_STE2_S2TG, rows[i].tg);
        dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, rows[i].t0sz);
        dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, rows[i].sl0);
        dw[2] = sm_set(dw[2], SM3_STE2_S2PS, rows[i].ps);
        dw[2] |= SM3_STE2_S2AFFD;
        dw[3] = 0x100000;
        assert_ok(dw, &f, &s);
        g_assert_cmpuint(sm_granule_shift(s.s2cfg.granule), ==,
                         rows[i].gshift);
        g_assert_cmpuint(sm3t_walk_input_bits(&s.s2cfg, true), ==,
                         64 - rows[i].t0sz);
        g_assert_cmpint(sm3t_walk_start_level(&s.s2cfg, true), ==,
                        rows[i].level);
        g_assert_cmpuint(sm3t_walk_concat(&s.s2cfg, true), ==,
                         rows[i].concat);
        g_assert_cmpuint(sm3t_walk_output_bits(&s.s2cfg, true), ==,
                         rows[i].out);
        g_assert_cmpuint(s.s2cfg.oas_bits, ==, rows[i].out);
        g_assert_cmpuint(s.s2cfg.tsz, ==, rows[i].t0sz);
        g_assert_cmpuint(s.s2cfg.sl0, ==, rows[i].sl0);
        g_assert_cmphex(s.s2cfg.ttb, ==, 0x100000);
        g_assert_true(s.s2cfg.affd);
        g_assert_false(s.s2cfg.upper);
    }
}

static void test_helpers(void)
{
    Sm3Features f;

    g_assert_cmpuint(sm3_ps_bits(0), ==, 32);
    g_assert_cmpuint(sm3_ps_bits(3), ==, 42);
    g_assert_cmpuint(sm3_ps_bits(6), ==, 52);
    g_assert_cmpuint(sm3_ps_bits(7), ==, 52);
    g_assert_cmpint(sm3_tg_granule(0, false), ==, SM_GRANULE_4K);
    g_assert_cmpint(sm3_tg_granule(1, false), ==, SM_GRANULE_64K);
    g_assert_cmpint(sm3_tg_granule(2, false), ==, SM_GRANULE_16K);
    g_assert_cmpint(sm3_tg_granule(3, false), ==, SM_GRANULE_INVALID);
    g_assert_cmpint(sm3_tg_granule(0, true), ==, SM_GRANULE_INVALID);
    g_assert_cmpint(sm3_tg_granule(1, true), ==, SM_GRANULE_16K);
    g_assert_cmpint(sm3_tg_granule(2, true), ==, SM_GRANULE_4K);
    g_assert_cmpint(sm3_tg_granule(3, true), ==, SM_GRANULE_64K);
    sm3t_features_full(&f);
    g_assert_false(sm3_granule_supported(&f, SM_GRANULE_INVALID));
    g_assert_cmphex(sm_walk_table_base(0x12345678, 9, 48), ==, 0x12345000);
    g_assert_cmphex(sm_walk_table_base(0x1234567f, 0, 48), ==, 0x12345678);
    g_assert_cmphex(sm_walk_table_base(0x1234567f, 0, 52), ==, 0x12345640);
    g_assert_cmphex(sm_walk_table_base(0x1234567f, -3, 48), ==, 0x12345678);
}

/* ---- Stream table ------------------------------------------------------ */

#define ST_BASE       0x100000ull

/* What every Stream table test starts from: memory and all features. */
typedef struct StEnv {
    SmTestMem *b;
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa;             /* the STE address sm3_ste_locate() found */
} StEnv;

static void env_setup(StEnv *e, gconstpointer data)
{
    e->b = sm3t_mem_new();
    sm3t_features_full(&e->f);
}

static void env_teardown(StEnv *e, gconstpointer data)
{
    sm_tm_free(e->b);
}

static int locate(StEnv *e, uint64_t base, uint32_t cfg, uint32_t sid)
{
    return sm3_ste_locate(&e->b->host, &e->f, base, cfg, sid, &e->pa,
                          &e->fault);
}

static int fetch(StEnv *e, uint64_t base, uint32_t cfg, uint32_t sid,
                 Sm3Ste *s)
{
    return sm3_ste_fetch(&e->b->host, &e->f, base, cfg, sid, s, &e->fault);
}

static void test_st_linear(StEnv *e, gconstpointer data)
{
    /* LOG2SIZE 8; low bits of the base below the table size ignored */
    g_assert_cmpint(locate(e, ST_BASE | 0x3fc0 | SM3_STRTAB_BASE_RA, 8, 0x25), ==,
                    SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, ST_BASE + 0x25 * 64);
    g_assert_cmpstr(e->fault.reason, ==, "");
    g_assert_cmpint(locate(e, ST_BASE, 8, 0xff), ==, SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, ST_BASE + 0xff * 64);
    /* no memory is read for a linear lookup */
    g_assert_cmpuint(e->b->reads, ==, 0);
}

static void test_st_bad_streamid(StEnv *e, gconstpointer data)
{
    g_assert_cmpint(locate(e, ST_BASE, 8, 0x100), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_nonnull(strstr(e->fault.reason, "Stream table size"));
    /* LOG2SIZE is capped by SIDSIZE */
    e->f.sidsize = 4;
    g_assert_cmpint(locate(e, ST_BASE, 8, 0x10), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpint(locate(e, ST_BASE, 8, 0xf), ==, SM3_EVT_NONE);
    /* 32-bit StreamIDs with SIDSIZE 32 */
    e->f.sidsize = 32;
    e->f.oas_bits = 52;
    g_assert_cmpint(locate(e, 0, 32, 0xffffffffu), ==, SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, 0xffffffffull * 64);
    /* SIDSIZE 0: only StreamID 0 */
    e->f.sidsize = 0;
    g_assert_cmpint(locate(e, ST_BASE, 8, 1), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpint(locate(e, ST_BASE, 8, 0), ==, SM3_EVT_NONE);
}

static uint32_t st_cfg_2lvl(unsigned log2size, unsigned split)
{
    return sm_prep(SM3_STRTAB_BASE_CFG_LOG2SIZE, log2size) |
           sm_prep(SM3_STRTAB_BASE_CFG_SPLIT, split) |
           sm_prep(SM3_STRTAB_BASE_CFG_FMT, SM3_STRTAB_FMT_2LVL);
}

/* L1STD: Span in [4:0], L2Ptr in [55:6], written by hand */
static uint64_t l1std(uint64_t l2ptr, unsigned span)
{
    return l2ptr | span;
}

/* A 2-level table of 2^16 StreamIDs with SPLIT @data */
static void test_st_2lvl(StEnv *e, gconstpointer data)
{
    unsigned split = GPOINTER_TO_UINT(data);
    uint32_t sid = (3u << split) | 5;
    uint64_t l2 = 0x200000;

    sm_tm_w64(e->b, ST_BASE + 3 * 8, l1std(l2, split + 1));
    g_assert_cmpint(locate(e, ST_BASE, st_cfg_2lvl(16, split), sid), ==,
                    SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, l2 + 5 * 64);
    g_assert_cmpuint(e->b->last_requester, ==, sid);
    /* last StreamID of the level-2 array */
    sid = (3u << split) | ((1u << split) - 1);
    g_assert_cmpint(locate(e, ST_BASE, st_cfg_2lvl(16, split), sid), ==,
                    SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, l2 + ((1u << split) - 1) * 64);
    /* an L1STD index the table does not have is C_BAD_STREAMID */
    g_assert_cmpint(locate(e, ST_BASE, st_cfg_2lvl(16, split), 1u << 16), ==,
                    SM3_EVT_C_BAD_STREAMID);
}

static void test_st_2lvl_reserved_split(StEnv *e, gconstpointer data)
{
    /* SPLIT 7 (Reserved) behaves as 6: sid 0x45 -> L1 index 1, L2 5 */
    sm_tm_w64(e->b, ST_BASE + 8, l1std(0x300000, 7));
    g_assert_cmpint(locate(e, ST_BASE, st_cfg_2lvl(12, 7), 0x45), ==,
                    SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, 0x300000 + 5 * 64);
    /* FMT 0b10 (Reserved) behaves as linear */
    g_assert_cmpint(locate(e, ST_BASE, sm_prep(SM3_STRTAB_BASE_CFG_LOG2SIZE, 12) |
                           sm_prep(SM3_STRTAB_BASE_CFG_FMT, 2), 0x45),
                    ==, SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, ST_BASE + 0x45 * 64);
    /* without 2-level support FMT is RES0: linear */
    e->f.two_level_st = false;
    g_assert_cmpint(locate(e, ST_BASE, st_cfg_2lvl(12, 6), 0x45), ==,
                    SM3_EVT_NONE);
    g_assert_cmphex(e->pa, ==, ST_BASE + 0x45 * 64);
}

static void test_st_2lvl_span(StEnv *e, gconstpointer data)
{
    uint32_t cfg = st_cfg_2lvl(16, 8);

    /* Span 0: invalid */
    sm_tm_w64(e->b, ST_BASE, l1std(0x200000, 0));
    g_assert_cmpint(locate(e, ST_BASE, cfg, 1), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmphex(e->fault.addr, ==, ST_BASE);
    g_assert_nonnull(strstr(e->fault.reason, "Span invalid"));
    /* Span 12..31: Reserved, behave as 0 */
    sm_tm_w64(e->b, ST_BASE, l1std(0x200000, 12));
    g_assert_cmpint(locate(e, ST_BASE, cfg, 1), ==, SM3_EVT_C_BAD_STREAMID);
    /* Span 10 > SPLIT + 1 = 9 */
    sm_tm_w64(e->b, ST_BASE, l1std(0x200000, 10));
    g_assert_cmpint(locate(e, ST_BASE, cfg, 1), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_nonnull(strstr(e->fault.reason, "SPLIT"));
    /* Span 3: four STEs; StreamID 4 is beyond it */
    sm_tm_w64(e->b, ST_BASE, l1std(0x200000 | 0xc0, 3));
    g_assert_cmpint(locate(e, ST_BASE, cfg, 3), ==, SM3_EVT_NONE);
    /* L2Ptr[7:0] are taken as zero for a 4-entry array */
    g_assert_cmphex(e->pa, ==, 0x200000 + 3 * 64);
    g_assert_cmpint(locate(e, ST_BASE, cfg, 4), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_nonnull(strstr(e->fault.reason, "beyond the L1STD Span"));
}

static void test_st_fetch_fault(StEnv *e, gconstpointer data)
{
    Sm3Ste s;
    uint32_t cfg = st_cfg_2lvl(16, 6);

    /* bus error on the L1STD */
    e->b->err_lo = ST_BASE + 2 * 8;
    e->b->err_hi = e->b->err_lo + 1;
    g_assert_cmpint(locate(e, ST_BASE, cfg, 0x85), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(e->fault.addr, ==, ST_BASE + 2 * 8);
    /* bus error on the STE itself, through sm3_ste_fetch() */
    e->b->err_lo = e->b->err_hi = 0;
    sm_tm_w64(e->b, ST_BASE + 2 * 8, l1std(0x200000, 7));
    e->b->err_lo = 0x200000 + 5 * 64 + 32;
    e->b->err_hi = e->b->err_lo + 8;
    g_assert_cmpint(fetch(e, ST_BASE, cfg, 0x85, &s), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(e->fault.addr, ==, 0x200000 + 5 * 64);
    g_assert_cmpuint(e->b->n_logs, ==, 1);
    g_assert_nonnull(strstr(e->b->last_log, "bus error reading the STE"));
    g_assert_false(s.v);
    /* a linear table beyond the OAS: F_STE_FETCH, untruncated address */
    e->f.oas_bits = 32;
    g_assert_cmpint(locate(e, 1ull << 32, 4, 1), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(e->fault.addr, ==, (1ull << 32) + 64);
    /* an L1STD beyond the OAS */
    g_assert_cmpint(locate(e, 1ull << 32, cfg, 1), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(e->fault.addr, ==, 1ull << 32);
    /* no read hook at all behaves as a bus error */
    e->b->host.read = NULL;
    e->f.oas_bits = 48;
    g_assert_cmpint(locate(e, ST_BASE, cfg, 0x85), ==, SM3_EVT_F_STE_FETCH);
}

static void test_ste_fetch_ok(StEnv *e, gconstpointer data)
{
    Sm3Ste s;
    uint64_t dw[8];
    uint32_t cfg = st_cfg_2lvl(16, 10);

    ste_nested(dw);
    sm_tm_w64(e->b, ST_BASE + 8, l1std(0x200000, 11));
    sm_tm_put(e->b, 0x200000 + 0x3ff * 64, dw, SM3_STE_DWORDS);
    g_assert_cmpint(fetch(e, ST_BASE, cfg, 0x7ff, &s), ==, SM3_EVT_NONE);
    g_assert_cmpmem(s.raw, sizeof(s.raw), dw, sizeof(dw));
    g_assert_cmpint(s.mode, ==, SM3_STE_MODE_NESTED);
    g_assert_cmphex(s.s1contextptr, ==, 0x10000);
    g_assert_cmpuint(e->b->n_logs, ==, 0);
}

static void test_ste_fetch_bad(StEnv *e, gconstpointer data)
{
    Sm3Ste s;
    uint64_t dw[8];

    /* V == 0: C_BAD_STE, flagged invalid, logged */
    ste_nested(dw);
    dw[0] &= ~SM3_STE0_V;
    sm_tm_put(e->b, ST_BASE + 2 * 64, dw, SM3_STE_DWORDS);
    g_assert_cmpint(fetch(e, ST_BASE, 4, 2, &s), ==, SM3_EVT_C_BAD_STE);
    g_assert_true(e->fault.invalid);
    g_assert_cmphex(e->fault.addr, ==, ST_BASE + 2 * 64);
    g_assert_cmpuint(e->b->n_logs, ==, 1);
    g_assert_nonnull(strstr(e->b->last_log, "C_BAD_STE"));
    /* ILLEGAL but valid: not flagged invalid */
    dw[0] |= SM3_STE0_V;
    dw[2] &= ~SM3_STE2_S2AA64;
    sm_tm_put(e->b, ST_BASE + 2 * 64, dw, SM3_STE_DWORDS);
    g_assert_cmpint(fetch(e, ST_BASE, 4, 2, &s), ==, SM3_EVT_C_BAD_STE);
    g_assert_false(e->fault.invalid);
    /* C_BAD_STREAMID is logged too */
    g_assert_cmpint(fetch(e, ST_BASE, 4, 16, &s), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpuint(e->b->n_logs, ==, 3);
    /* a reserved Config aborts silently, but the guest error is logged */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, 1);
    sm_tm_put(e->b, ST_BASE + 2 * 64, dw, SM3_STE_DWORDS);
    g_assert_cmpint(fetch(e, ST_BASE, 4, 2, &s), ==, SM3_EVT_NONE);
    g_assert_cmpint(s.mode, ==, SM3_STE_MODE_ABORT);
    g_assert_cmpuint(e->b->n_logs, ==, 4);
    g_assert_nonnull(strstr(e->b->last_log, "reserved"));
    /* Config 0b000 is not logged; nor is anything without a log hook */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, 0);
    sm_tm_put(e->b, ST_BASE + 2 * 64, dw, SM3_STE_DWORDS);
    g_assert_cmpint(fetch(e, ST_BASE, 4, 2, &s), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->b->n_logs, ==, 4);
    e->b->host.log = NULL;
    g_assert_cmpint(fetch(e, ST_BASE, 4, 16, &s), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpuint(e->b->n_logs, ==, 4);
}

/* Two benches at once: no shared state between instances */
static void test_two_instances(void)
{
    SmTestMem *b1 = sm3t_mem_new(), *b2 = sm3t_mem_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa1, pa2;

    sm3t_features_full(&f);
    sm_tm_w64(b1, ST_BASE, l1std(0x200000, 2));
    sm_tm_w64(b2, ST_BASE, l1std(0x300000, 2));
    g_assert_cmpint(sm3_ste_locate(&b1->host, &f, ST_BASE, st_cfg_2lvl(8, 6),
                                   1, &pa1, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpint(sm3_ste_locate(&b2->host, &f, ST_BASE, st_cfg_2lvl(8, 6),
                                   1, &pa2, &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa1, ==, 0x200040);
    g_assert_cmphex(pa2, ==, 0x300040);
    sm_tm_free(b1);
    sm_tm_free(b2);
}

/* Tests on a fresh StEnv (env_setup(), env_teardown()), @arg as their data */
static const struct {
    const char *path;
    void (*fn)(StEnv *e, gconstpointer data);
    unsigned arg;
} st_env_tests[] = {
    { "/sm3/ste/st/linear", test_st_linear, 0 },
    { "/sm3/ste/st/bad-streamid", test_st_bad_streamid, 0 },
    { "/sm3/ste/st/2lvl-split6", test_st_2lvl, 6 },
    { "/sm3/ste/st/2lvl-split8", test_st_2lvl, 8 },
    { "/sm3/ste/st/2lvl-split10", test_st_2lvl, 10 },
    { "/sm3/ste/st/2lvl-reserved-split", test_st_2lvl_reserved_split, 0 },
    { "/sm3/ste/st/2lvl-span", test_st_2lvl_span, 0 },
    { "/sm3/ste/st/fetch-fault", test_st_fetch_fault, 0 },
    { "/sm3/ste/fetch/ok", test_ste_fetch_ok, 0 },
    { "/sm3/ste/fetch/bad", test_ste_fetch_bad, 0 },
};

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/ste/golden-decode", test_golden_decode);
    g_test_add_func("/sm3/ste/golden-single-bits", test_golden_single_bits);
    g_test_add_func("/sm3/ste/masks-disjoint", test_masks_disjoint);
    g_test_add_func("/sm3/ste/modes", test_modes);
    g_test_add_func("/sm3/ste/reserved-config",
                    test_reserved_config_ignores_rest);
    g_test_add_func("/sm3/ste/bypass-ignores-stage-fields",
                    test_bypass_ignores_stage_fields);
    g_test_add_func("/sm3/ste/bad/v0", test_bad_v0);
    for (i = 0; i < G_N_ELEMENTS(ste_scripts); i++) {
        g_test_add_data_func(ste_scripts[i].path, &ste_scripts[i],
                             run_script);
    }
    g_test_add_func("/sm3/ste/s2-geometry", test_s2_geometry);
    g_test_add_func("/sm3/ste/helpers", test_helpers);
    for (i = 0; i < G_N_ELEMENTS(st_env_tests); i++) {
        g_test_add(st_env_tests[i].path, StEnv,
                   GUINT_TO_POINTER(st_env_tests[i].arg), env_setup,
                   st_env_tests[i].fn, env_teardown);
    }
    g_test_add_func("/sm3/ste/two-instances", test_two_instances);
    return g_test_run();
}
