/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for sm3-cd.c: CD decode (golden raw dwords written from the
 * spec's CD bit positions, IHI 0070), CdIllegal checks (one test per
 * C_BAD_CD reason), TTB0/TTB1 selection with TBI and EPDx, and the CD
 * lookup: single CD, linear and both 2-level formats, S1DSS, the
 * C_BAD_SUBSTREAMID and F_CD_FETCH cases and nested (IPA) fetches.
 */
#include <string.h>

#include <glib.h>

#include "sm3-tables.h"
#include "sm3-tabtest.h"

/* ---- helpers ------------------------------------------------------------- */

/* A script step: decoded member @m of the CD is @v. */
#define EXPECT(m, v)    SM3T_EXPECT(Sm3Cd, m, v)

/*
 * A legal CD: both ranges 39-bit 4K (T0SZ = T1SZ = 25), IPS 48 bits,
 * TTB0 0x40000, TTB1 0x50000, ASID 1, R and A set.
 */
static void cd_basic(uint64_t *dw)
{
    memset(dw, 0, 8 * SM3_CD_DWORDS);
    dw[0] = sm_prep(SM3_CD0_T0SZ, 25) | sm_prep(SM3_CD0_TG0, 0) |
            sm_prep(SM3_CD0_T1SZ, 25) | sm_prep(SM3_CD0_TG1, 2) |
            SM3_CD0_V | sm_prep(SM3_CD0_IPS, 5) | SM3_CD0_AA64 |
            SM3_CD0_R | SM3_CD0_A | sm_prep(SM3_CD0_ASID, 1);
    dw[1] = 0x40000;
    dw[2] = 0x50000;
    dw[3] = 0x44ff04ff;
}

/* A validated stage-1-only (or @config) STE */
static void make_ste(Sm3Ste *ste, const Sm3Features *f, unsigned config,
                     uint64_t ctxptr, unsigned fmt, unsigned cdmax,
                     unsigned s1dss)
{
    uint64_t dw[8] = { 0 };
    const char *why;

    dw[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, config) | ctxptr |
            sm_prep(SM3_STE0_S1FMT, fmt) | sm_prep(SM3_STE0_S1CDMAX, cdmax);
    dw[1] = sm_prep(SM3_STE1_S1DSS, s1dss);
    dw[2] = sm_prep(SM3_STE2_S2T0SZ, 24) | sm_prep(SM3_STE2_S2SL0, 1) |
            sm_prep(SM3_STE2_S2PS, 5) | SM3_STE2_S2AA64;
    dw[3] = 0x20000;
    sm3_ste_decode(dw, ste);
    if (sm3_ste_validate(ste, f, &why) != SM3_EVT_NONE) {
        g_error("test STE is ILLEGAL: %s", why);
    }
}

static void make_ste_s1(Sm3Ste *ste, const Sm3Features *f, uint64_t ctxptr,
                        unsigned fmt, unsigned cdmax, unsigned s1dss)
{
    make_ste(ste, f, SM3_STE0_CONFIG_S1, ctxptr, fmt, cdmax, s1dss);
}

static int check(const uint64_t *dw, const Sm3Ste *ste, const Sm3Features *f,
                 Sm3Cd *cd, const char **why)
{
    sm3_cd_decode(dw, cd);
    return sm3_cd_validate(cd, ste, f, why);
}

/* For scripts: the context is the STE the CD is used through. */
static int cd_check(const uint64_t *dw, const Sm3Features *f, void *ctx,
                    void *out, const char **why)
{
    return check(dw, ctx, f, out, why);
}

static const Sm3tKind cd_kind = { SM3_EVT_C_BAD_CD, cd_check };

static void assert_bad(const uint64_t *dw, const Sm3Ste *ste,
                       const Sm3Features *f, const char *needle)
{
    Sm3Cd cd;

    sm3t_expect_bad(&cd_kind, dw, f, (void *)ste, &cd, needle);
}

static void assert_ok(const uint64_t *dw, const Sm3Ste *ste,
                      const Sm3Features *f, Sm3Cd *cd)
{
    sm3t_expect_ok(&cd_kind, dw, f, (void *)ste, cd);
}

/* ---- golden decode ------------------------------------------------------- */

/*
 * Every field set to a distinct value.  The dwords were computed from the
 * absolute bit positions IHI 0070 gives for the CD (e.g. TTB0 is [119:68],
 * PARTID [367:352]), not from this model's masks.
 */
static const uint64_t golden_cd[8] = {
    0xfedcdb6cb6dced99ull, 0x940011112222333bull, 0x7480000044445556ull,
    0x1234567844ff0400ull, 0x5a5a5a5aa5a5a5a5ull, 0x00770baddeadbeefull,
    0x0000123456789abcull, 0x0000cba987654321ull,
};

/* Every field of golden_cd[], decoded */
static const Sm3tStep golden_cd_fields[] = {
    EXPECT(t0sz, 0x19),
    EXPECT(tg0, 2),
    EXPECT(ir0, 1),
    EXPECT(or0, 3),
    EXPECT(sh0, 2),
    EXPECT(epd0, true),
    EXPECT(endi, true),
    EXPECT(t1sz, 0x1c),
    EXPECT(tg1, 3),
    EXPECT(ir1, 2),
    EXPECT(or1, 1),
    EXPECT(sh1, 3),
    EXPECT(epd1, false),
    EXPECT(v, true),
    EXPECT(ips, 4),
    EXPECT(affd, true),
    EXPECT(wxn, false),
    EXPECT(uwxn, true),
    EXPECT(tbi0, true),
    EXPECT(tbi1, false),
    EXPECT(pan, true),
    EXPECT(aa64, true),
    EXPECT(hd, false),
    EXPECT(ha, true),
    EXPECT(s, true),
    EXPECT(r, false),
    EXPECT(a, true),
    EXPECT(aset, true),
    EXPECT(asid, 0xfedc),

    EXPECT(nscfg0, true),
    EXPECT(had0, true),
    EXPECT(e0pd0, false),
    EXPECT(haft, true),
    EXPECT(ttb0, 0x0000111122223330ull),
    EXPECT(pnch, true),
    EXPECT(epan, false),
    EXPECT(hwu0, 0x9),

    EXPECT(nscfg1, false),
    EXPECT(had1, true),
    EXPECT(e0pd1, true),
    EXPECT(aie, false),
    EXPECT(ttb1, 0x0080000044445550ull),
    EXPECT(ds, true),
    EXPECT(pie, false),
    EXPECT(hwu1, 0x7),

    EXPECT(mair0, 0x44ff0400),
    EXPECT(mair1, 0x12345678),
    EXPECT(amair0, 0xa5a5a5a5),
    EXPECT(amair1, 0x5a5a5a5a),
    EXPECT(impdef, 0xdeadbeef),
    EXPECT(partid, 0x0bad),
    EXPECT(pmg, 0x77),
    EXPECT(piiu, 0x123456789abcull),
    EXPECT(piip, 0xcba987654321ull),
    SM3T_END(),
};

static void test_golden_decode(void)
{
    Sm3Cd c;

    sm3_cd_decode(golden_cd, &c);
    g_assert_cmpmem(c.raw, sizeof(c.raw), golden_cd, sizeof(golden_cd));
    sm3t_expect_fields(&c, golden_cd_fields);
}

/* Single-bit dword-0 fields each alone: a mask one bit off cannot pass */
static void test_golden_single_bits(void)
{
    static const struct {
        unsigned bit;
        size_t off;
    } bits[] = {
        { 14, offsetof(Sm3Cd, epd0) }, { 15, offsetof(Sm3Cd, endi) },
        { 30, offsetof(Sm3Cd, epd1) }, { 31, offsetof(Sm3Cd, v) },
        { 35, offsetof(Sm3Cd, affd) }, { 36, offsetof(Sm3Cd, wxn) },
        { 37, offsetof(Sm3Cd, uwxn) }, { 38, offsetof(Sm3Cd, tbi0) },
        { 39, offsetof(Sm3Cd, tbi1) }, { 40, offsetof(Sm3Cd, pan) },
        { 41, offsetof(Sm3Cd, aa64) }, { 42, offsetof(Sm3Cd, hd) },
        { 43, offsetof(Sm3Cd, ha) }, { 44, offsetof(Sm3Cd, s) },
        { 45, offsetof(Sm3Cd, r) }, { 46, offsetof(Sm3Cd, a) },
        { 47, offsetof(Sm3Cd, aset) },
    };
    unsigned i, j;

    for (i = 0; i < G_N_ELEMENTS(bits); i++) {
        uint64_t dw[8] = { 1ull << bits[i].bit };
        Sm3Cd c;

        sm3_cd_decode(dw, &c);
        for (j = 0; j < G_N_ELEMENTS(bits); j++) {
            g_assert_cmpint(*(bool *)((char *)&c + bits[j].off), ==,
                            i == j);
        }
    }
}

/*
 * Within each CD dword the field masks are contiguous and disjoint, and
 * together with the Reserved bits they cover the dword exactly.
 */
static void test_masks_disjoint(void)
{
    static const uint64_t masks[][32] = {
        { SM3_CD0_T0SZ, SM3_CD0_TG0, SM3_CD0_IR0, SM3_CD0_OR0, SM3_CD0_SH0,
          SM3_CD0_EPD0, SM3_CD0_ENDI, SM3_CD0_T1SZ, SM3_CD0_TG1, SM3_CD0_IR1,
          SM3_CD0_OR1, SM3_CD0_SH1, SM3_CD0_EPD1, SM3_CD0_V, SM3_CD0_IPS,
          SM3_CD0_AFFD, SM3_CD0_WXN, SM3_CD0_UWXN, SM3_CD0_TBI0,
          SM3_CD0_TBI1, SM3_CD0_PAN, SM3_CD0_AA64, SM3_CD0_HD, SM3_CD0_HA,
          SM3_CD0_S, SM3_CD0_R, SM3_CD0_A, SM3_CD0_ASET, SM3_CD0_ASID },
        { SM3_CD1_NSCFG0, SM3_CD1_HAD0, SM3_CD1_E0PD0, SM3_CD1_HAFT,
          SM3_CD1_TTB0, SM_MASK(57, 56), SM3_CD1_PNCH, SM3_CD1_EPAN,
          SM3_CD1_HWU0 },
        { SM3_CD2_NSCFG1, SM3_CD2_HAD1, SM3_CD2_E0PD1, SM3_CD2_AIE,
          SM3_CD2_TTB1, SM_MASK(57, 56), SM3_CD2_DS, SM3_CD2_PIE,
          SM3_CD2_HWU1 },
        { SM3_CD3_MAIR0, SM3_CD3_MAIR1 },
        { SM3_CD4_AMAIR0, SM3_CD4_AMAIR1 },
        { SM3_CD5_IMPDEF, SM3_CD5_PARTID, SM3_CD5_PMG, SM_MASK(63, 56) },
        { SM3_CD6_PIIU, SM_MASK(63, 48) },
        { SM3_CD7_PIIP, SM_MASK(63, 48) },
    };
    unsigned d;

    for (d = 0; d < G_N_ELEMENTS(masks); d++) {
        sm3t_assert_tiles(masks[d], G_N_ELEMENTS(masks[d]));
    }
    /* L1CD: V [0], RES0 [11:1], L2Ptr [55:12] */
    g_assert_cmphex(SM3_L1CD_V | SM_MASK(11, 1) | SM3_L1CD_L2PTR, ==,
                    SM_MASK(55, 0));
}

/* ---- validation ---------------------------------------------------------- */

static void test_valid(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    sm3t_features_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] |= SM3_CD0_HA | SM3_CD0_HD;
    assert_ok(dw, &ste, &f, &cd);
    g_assert_cmpuint(cd.eff_ips_bits, ==, 48);
    g_assert_true(cd.eff_ha);
    g_assert_true(cd.eff_hd);
    g_assert_false(cd.ttb1_unreachable);
    g_assert_cmpint(cd.world, ==, SM3_WORLD_NS_EL1);
    /* {HD, HA} = 0b10 is Reserved and behaves as 0b00 */
    dw[0] &= ~SM3_CD0_HA;
    assert_ok(dw, &ste, &f, &cd);
    g_assert_false(cd.eff_ha);
    g_assert_false(cd.eff_hd);
    /* reason may be NULL */
    g_assert_cmpint(sm3_cd_validate(&cd, &ste, &f, NULL), ==, SM3_EVT_NONE);
}

static void test_ips_cap(void)
{
    static const struct {
        unsigned ips, oas, eff;
    } rows[] = {
        { 0, 48, 32 }, { 2, 48, 40 }, { 5, 48, 48 }, { 6, 48, 48 },
        { 7, 48, 48 }, { 6, 52, 52 }, { 7, 52, 52 }, { 5, 40, 40 },
    };
    Sm3Features f;
    Sm3Ste ste;
    unsigned i;

    sm3t_features_full(&f);
    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        uint64_t dw[8];
        Sm3Cd cd;

        f.oas_bits = rows[i].oas;
        make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
        cd_basic(dw);
        dw[0] = sm_set(dw[0], SM3_CD0_IPS, rows[i].ips);
        assert_ok(dw, &ste, &f, &cd);
        g_assert_cmpuint(cd.eff_ips_bits, ==, rows[i].eff);
    }
}

static void test_bad_v0(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    const char *why;

    sm3t_features_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] &= ~SM3_CD0_V;
    g_assert_cmpint(check(dw, &ste, &f, &cd, &why), ==, SM3_EVT_C_BAD_CD);
    g_assert_cmpstr(why, ==, "CD.V == 0");
}

static void test_bad_stall(void)
{
    uint64_t dw[8], sdw[8] = { 0 };
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    const char *why;

    sm3t_features_full(&f);
    cd_basic(dw);
    dw[0] |= SM3_CD0_S;
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    assert_ok(dw, &ste, &f, &cd);
    /* STE.S1STALLD forbids CD.S */
    sdw[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1) |
             0x10000;
    sdw[1] = SM3_STE1_S1STALLD;
    sm3_ste_decode(sdw, &ste);
    g_assert_cmpint(sm3_ste_validate(&ste, &f, &why), ==, SM3_EVT_NONE);
    assert_bad(dw, &ste, &f, "S1STALLD");
    /* no stall support */
    f.stall_model = SM3_STALL_NONE;
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    assert_bad(dw, &ste, &f, "stalls are not supported");
    /* forced stalls need CD.S */
    f.stall_model = SM3_STALL_FORCE;
    assert_ok(dw, &ste, &f, &cd);
    dw[0] &= ~SM3_CD0_S;
    assert_bad(dw, &ste, &f, "forced");
}

/*
 * Scripts from cd_basic(), a stage-1 STE and every feature: each edits the
 * CD, the features or the STE's StreamWorld and expects the CD legal,
 * ILLEGAL for a reason, or decoded so.
 */
static const Sm3tStep cd_bad_endi[] = {
    SM3T_OR(0, SM3_CD0_ENDI),
    SM3T_OK(),
    SM3T_FEAT(big_endian_tables, false),
    SM3T_BAD("ENDI"),
    /* IGNORED when both ranges are disabled */
    SM3T_OR(0, SM3_CD0_EPD0 | SM3_CD0_EPD1),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep cd_bad_aa64[] = {
    SM3T_CLR(0, SM3_CD0_AA64),
    SM3T_BAD("AA64"),
    SM3T_END(),
};

static const Sm3tStep cd_bad_httu[] = {
    SM3T_OR(0, SM3_CD0_HA | SM3_CD0_HD),
    SM3T_FEAT(httu, SM3_HTTU_AF),
    SM3T_BAD("HD set"),
    SM3T_CLR(0, SM3_CD0_HD),
    SM3T_OK(),
    EXPECT(eff_ha, true),
    EXPECT(eff_hd, false),
    SM3T_FEAT(httu, SM3_HTTU_NONE),
    SM3T_BAD("HTTU is not implemented"),
    SM3T_XOR(0, SM3_CD0_HA | SM3_CD0_HD),
    SM3T_BAD("HTTU is not implemented"),
    SM3T_END(),
};

static const Sm3tStep cd_bad_asid16[] = {
    SM3T_FEAT(asid16, false),
    SM3T_SET(0, SM3_CD0_ASID, 0xff),
    SM3T_OK(),
    SM3T_SET(0, SM3_CD0_ASID, 0x100),
    SM3T_BAD("ASID"),
    /* any-EL2-E2H tags with the ASID too */
    SM3T_CTX(Sm3Ste, world, SM3_WORLD_NS_EL2_E2H),
    SM3T_BAD("ASID"),
    /* EL2 (no E2H) ignores the ASID */
    SM3T_CTX(Sm3Ste, world, SM3_WORLD_NS_EL2),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep cd_bad_txsz[] = {
    SM3T_SET(0, SM3_CD0_T0SZ, 16),
    SM3T_SET(0, SM3_CD0_T1SZ, 39),
    SM3T_OK(),
    SM3T_SET(0, SM3_CD0_T0SZ, 15),
    SM3T_BAD("T0SZ"),
    SM3T_SET(0, SM3_CD0_T0SZ, 40),
    SM3T_BAD("T0SZ"),
    /* no 52-bit VAs even with 64KB */
    SM3T_SET(0, SM3_CD0_TG0, 1),
    SM3T_SET(0, SM3_CD0_T0SZ, 12),
    SM3T_BAD("T0SZ"),
    SM3T_SET(0, SM3_CD0_T0SZ, 25),
    SM3T_SET(0, SM3_CD0_T1SZ, 40),
    SM3T_BAD("T1SZ"),
    SM3T_SET(0, SM3_CD0_T1SZ, 0),
    SM3T_BAD("T1SZ"),
    /* EPDx: the disabled range is not checked */
    SM3T_OR(0, SM3_CD0_EPD1),
    SM3T_OK(),
    SM3T_SET(0, SM3_CD0_T0SZ, 63),
    SM3T_OR(0, SM3_CD0_EPD0),
    SM3T_SET(0, SM3_CD0_T1SZ, 25),
    SM3T_CLR(0, SM3_CD0_EPD1),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep cd_bad_tg[] = {
    SM3T_SET(0, SM3_CD0_TG0, 3),
    SM3T_BAD("TG0"),
    SM3T_SET(0, SM3_CD0_TG0, 0),
    SM3T_SET(0, SM3_CD0_TG1, 0), /* TG1 0b00 reserved */
    SM3T_BAD("TG1"),
    /* granules the instance lacks */
    SM3T_FEAT(granules, SM3_GRAN_64K),
    SM3T_SET(0, SM3_CD0_TG1, 3), /* 64K */
    SM3T_BAD("TG0"), /* TG0 = 4K */
    SM3T_SET(0, SM3_CD0_TG0, 2), /* 16K */
    SM3T_BAD("TG0"),
    SM3T_SET(0, SM3_CD0_TG0, 1), /* 64K */
    SM3T_OK(),
    SM3T_SET(0, SM3_CD0_TG1, 2), /* 4K */
    SM3T_BAD("TG1"),
    /* disabled by EPD1: not checked */
    SM3T_OR(0, SM3_CD0_EPD1),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep cd_bad_ttb_range[] = {
    /* IPS 40 bits */
    SM3T_SET(0, SM3_CD0_IPS, 2),
    SM3T_RAW(1, 1ull << 40),
    SM3T_BAD("TTB0"),
    SM3T_RAW(1, (1ull << 40) - 16),
    SM3T_OK(),
    SM3T_RAW(2, 1ull << 40),
    SM3T_BAD("TTB1"),
    SM3T_RAW(2, 0x50000),
    /* IPS above the OAS is capped: IPS 52 on a 48-bit OAS */
    SM3T_SET(0, SM3_CD0_IPS, 6),
    SM3T_RAW(1, 1ull << 48),
    SM3T_BAD("TTB0"),
    /* OAS 52: the 4KB granule still limits TTB0 to 48 bits ... */
    SM3T_FEAT(oas_bits, 52),
    SM3T_BAD("TTB0"),
    /* ... the 64KB one does not */
    SM3T_SET(0, SM3_CD0_TG0, 1),
    SM3T_OK(),
    /* bits [55:52] of the field are beyond any IPS */
    SM3T_RAW(1, 1ull << 55),
    SM3T_BAD("TTB0"),
    /* EPD0: TTB0 IGNORED */
    SM3T_OR(0, SM3_CD0_EPD0),
    SM3T_OK(),
    SM3T_END(),
};

static const Sm3tStep cd_el2_world[] = {
    SM3T_CTX(Sm3Ste, world, SM3_WORLD_NS_EL2),
    /* TTB1 is unreachable: its fields are not checked */
    SM3T_SET(0, SM3_CD0_TG1, 0),
    SM3T_SET(0, SM3_CD0_T1SZ, 0),
    SM3T_RAW(2, ~0ull),
    SM3T_OK(),
    EXPECT(ttb1_unreachable, true),
    EXPECT(world, SM3_WORLD_NS_EL2),
    /* EPD0 is IGNORED (effective 0): T0SZ is still checked */
    SM3T_OR(0, SM3_CD0_EPD0),
    SM3T_SET(0, SM3_CD0_T0SZ, 63),
    SM3T_BAD("T0SZ"),
    SM3T_SET(0, SM3_CD0_T0SZ, 25),
    SM3T_OK(),
    EXPECT(eff_epd0, false),
    SM3T_END(),
};

static const Sm3tCase cd_scripts[] = {
    { "/sm3/cd/bad/endi", cd_bad_endi },
    { "/sm3/cd/bad/aa64", cd_bad_aa64 },
    { "/sm3/cd/bad/httu", cd_bad_httu },
    { "/sm3/cd/bad/asid16", cd_bad_asid16 },
    { "/sm3/cd/bad/txsz", cd_bad_txsz },
    { "/sm3/cd/bad/tg", cd_bad_tg },
    { "/sm3/cd/bad/ttb-range", cd_bad_ttb_range },
    { "/sm3/cd/el2-world", cd_el2_world },
};

static void run_script(const void *data)
{
    const Sm3tCase *c = data;
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    sm3t_features_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    sm3t_run(&cd_kind, c->steps, dw, &f, &ste, &cd);
}

/* ---- TTB0 / TTB1 selection ----------------------------------------------- */

static void valid_cd(Sm3Cd *cd, const uint64_t *dw, const Sm3Features *f,
                     Sm3StreamWorld world)
{
    Sm3Ste ste;

    make_ste_s1(&ste, f, 0x10000, 0, 0, 0);
    ste.world = world;
    assert_ok(dw, &ste, f, cd);
}

/* What selection and lookup tests start from: all features, cd_basic(). */
typedef struct CdEnv {
    SmTestMem *b;
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;
    Sm3S1Walk w;             /* the last sm3_cd_select() */
    Sm3S2Xlate s2;           /* nested: the stage-2 translation of IPAs */
    void *s2_opaque;
} CdEnv;

static void env_setup(CdEnv *e, gconstpointer data)
{
    e->b = sm3t_mem_new();
    sm3t_features_full(&e->f);
    cd_basic(e->dw);
}

static void env_teardown(CdEnv *e, gconstpointer data)
{
    sm_tm_free(e->b);
}

/* Validate e->dw as the CD of a stream in @world, into e->cd. */
static void valid(CdEnv *e, Sm3StreamWorld world)
{
    valid_cd(&e->cd, e->dw, &e->f, world);
}

/* sm3_cd_select() of @va in e->cd, into e->w */
static int sel(CdEnv *e, uint64_t va)
{
    return sm3_cd_select(&e->cd, va, &e->w);
}

static void test_select_ranges(CdEnv *e, gconstpointer data)
{
    e->dw[0] |= SM3_CD0_AFFD | SM3_CD0_HA | SM3_CD0_ENDI;
    e->dw[1] |= SM3_CD1_HAD0 | 0xff0;           /* unaligned: SMMU aligns */
    valid(e, SM3_WORLD_NS_EL1);

    /* lower range: 39-bit 4K walk starts at level 1 */
    g_assert_cmpint(sel(e, 0x7fffffffffull), ==, SM3_EVT_NONE);
    g_assert_false(e->w.ttb1);
    g_assert_cmphex(e->w.addr, ==, 0x7fffffffffull);
    g_assert_true(e->w.cfg.enabled);
    g_assert_false(e->w.cfg.upper);
    g_assert_cmpint(e->w.cfg.granule, ==, SM_GRANULE_4K);
    g_assert_cmpuint(e->w.cfg.tsz, ==, 25);
    g_assert_cmphex(e->w.cfg.ttb, ==, 0x40000);
    g_assert_cmpuint(e->w.cfg.oas_bits, ==, 48);
    g_assert_true(e->w.cfg.big_endian);
    g_assert_true(e->w.cfg.affd);
    g_assert_true(e->w.cfg.ha);
    g_assert_false(e->w.cfg.hd);
    g_assert_true(e->w.cfg.hpd);
    g_assert_cmpuint(sm_granule_shift(e->w.cfg.granule), ==, 12);
    g_assert_cmpuint(sm3t_walk_input_bits(&e->w.cfg, false), ==, 39);
    g_assert_cmpint(sm3t_walk_start_level(&e->w.cfg, false), ==, 1);
    g_assert_cmpuint(sm3t_walk_concat(&e->w.cfg, false), ==, 1);
    g_assert_cmpuint(sm3t_walk_output_bits(&e->w.cfg, false), ==, 48);

    /* upper range: the same 39-bit 4K walk (TG1 encodes 4K as 2) */
    g_assert_cmpint(sel(e, 0xffffff8000001000ull), ==, SM3_EVT_NONE);
    g_assert_true(e->w.ttb1);
    g_assert_true(e->w.cfg.upper);
    g_assert_cmphex(e->w.cfg.ttb, ==, 0x50000);
    g_assert_false(e->w.cfg.hpd);
    g_assert_cmpuint(sm_granule_shift(e->w.cfg.granule), ==, 12);
    g_assert_cmpuint(sm3t_walk_input_bits(&e->w.cfg, false), ==, 39);
    g_assert_cmpint(sm3t_walk_start_level(&e->w.cfg, false), ==, 1);

    /* the hole between the ranges: translation fault */
    g_assert_cmpint(sel(e, 0x8000000000ull), ==, SM3_EVT_F_TRANSLATION);
    g_assert_false(e->w.ttb1);
    g_assert_cmpint(sel(e, 0xffff000000000000ull), ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(e->w.ttb1);
    /* without TBI the top byte counts */
    g_assert_cmpint(sel(e, 0x0100000000001000ull), ==, SM3_EVT_F_TRANSLATION);
}

static void test_select_tbi(CdEnv *e, gconstpointer data)
{
    e->dw[0] |= SM3_CD0_TBI0;
    valid(e, SM3_WORLD_NS_EL1);
    /* TBI0: VA[63:56] ignored, walker sees the sign-extension of VA[55] */
    g_assert_cmpint(sel(e, 0x5a00000000001234ull), ==, SM3_EVT_NONE);
    g_assert_false(e->w.ttb1);
    g_assert_cmphex(e->w.addr, ==, 0x1234);
    /* TBI0 does not cover the upper range */
    g_assert_cmpint(sel(e, 0x5affff8000001000ull), ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(e->w.ttb1);
    /* TBI1 */
    e->dw[0] = (e->dw[0] & ~SM3_CD0_TBI0) | SM3_CD0_TBI1;
    valid(e, SM3_WORLD_NS_EL1);
    g_assert_cmpint(sel(e, 0x5affff8000001000ull), ==, SM3_EVT_NONE);
    g_assert_true(e->w.ttb1);
    g_assert_cmphex(e->w.addr, ==, 0xffffff8000001000ull);
    g_assert_cmpint(sel(e, 0x5a00000000001234ull), ==, SM3_EVT_F_TRANSLATION);
}

static void test_select_epd(CdEnv *e, gconstpointer data)
{
    e->dw[0] |= SM3_CD0_EPD1;
    valid(e, SM3_WORLD_NS_EL1);
    g_assert_cmpint(sel(e, 0xffffff8000001000ull), ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(e->w.ttb1);
    g_assert_false(e->w.cfg.enabled);
    g_assert_cmpint(sel(e, 0x1000), ==, SM3_EVT_NONE);
    e->dw[0] ^= SM3_CD0_EPD1 | SM3_CD0_EPD0;
    valid(e, SM3_WORLD_NS_EL1);
    g_assert_cmpint(sel(e, 0x1000), ==, SM3_EVT_F_TRANSLATION);
    g_assert_cmpint(sel(e, 0xffffff8000001000ull), ==, SM3_EVT_NONE);
}

static void test_select_el2(CdEnv *e, gconstpointer data)
{
    e->dw[0] |= SM3_CD0_EPD0;      /* IGNORED at EL2 */
    valid(e, SM3_WORLD_NS_EL2);
    g_assert_cmpint(sel(e, 0x1000), ==, SM3_EVT_NONE);
    g_assert_false(e->w.ttb1);
    /* one VA range only: an upper address is out of range */
    g_assert_cmpint(sel(e, 0xffffff8000001000ull), ==, SM3_EVT_F_TRANSLATION);
    g_assert_false(e->w.ttb1);
    /* EL2-E2H has both ranges */
    e->dw[0] &= ~SM3_CD0_EPD0;
    valid(e, SM3_WORLD_NS_EL2_E2H);
    g_assert_cmpint(sel(e, 0xffffff8000001000ull), ==, SM3_EVT_NONE);
    g_assert_true(e->w.ttb1);
}

static void test_select_geometry(void)
{
    static const struct {
        unsigned tg0, t0sz, gshift, level;
        uint64_t ttb, aligned;
    } rows[] = {
        { 0, 16, 12, 0, 0x40ff0, 0x40000 },   /* 4K 48-bit: 4 levels */
        { 0, 25, 12, 1, 0x40ff0, 0x40000 },   /* 4K 39-bit: 3 levels */
        { 0, 34, 12, 2, 0x40ff0, 0x40000 },   /* 4K 30-bit: 2 levels */
        { 0, 33, 12, 1, 0x40ff0, 0x40ff0 },   /* 4K 31-bit: 2-entry L1 */
        { 2, 16, 14, 0, 0x40ff0, 0x40ff0 },   /* 16K 48-bit: 2-entry L0 */
        { 2, 17, 14, 1, 0x40ff0, 0x40000 },   /* 16K 47-bit */
        { 1, 16, 16, 1, 0x40ff0, 0x40e00 },   /* 64K 48-bit: 64-entry L1 */
        { 1, 22, 16, 2, 0x41ff0, 0x40000 },   /* 64K 42-bit */
    };
    Sm3Features f;
    unsigned i;

    sm3t_features_full(&f);
    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        uint64_t dw[8];
        Sm3Cd cd;
        Sm3S1Walk w;

        cd_basic(dw);
        dw[0] = sm_set(dw[0], SM3_CD0_TG0, rows[i].tg0);
        dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, rows[i].t0sz);
        dw[1] = rows[i].ttb;
        valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL1);
        g_assert_cmpint(sm3_cd_select(&cd, 0x1000, &w), ==, SM3_EVT_NONE);
        g_assert_cmpuint(sm_granule_shift(w.cfg.granule), ==,
                         rows[i].gshift);
        g_assert_cmpint(sm3t_walk_start_level(&w.cfg, false), ==,
                        rows[i].level);
        g_assert_cmpuint(sm3t_walk_input_bits(&w.cfg, false), ==,
                         64 - rows[i].t0sz);
        g_assert_cmphex(w.cfg.ttb, ==, rows[i].aligned);
    }
}

/* ---- CD lookup ----------------------------------------------------------- */

#define CD_BASE   0x100000ull

/* sm3_cd_fetch() of (@sid, @ssv, @ssid) through e->ste with features @f */
static int fetch_with(CdEnv *e, const Sm3Features *f, uint32_t sid,
                      bool ssv, uint32_t ssid)
{
    return sm3_cd_fetch(&e->b->host, f, &e->ste, sid, ssv, ssid, e->s2,
                        e->s2_opaque, &e->cd, &e->fault);
}

static int fetch(CdEnv *e, uint32_t sid, bool ssv, uint32_t ssid)
{
    return fetch_with(e, &e->f, sid, ssv, ssid);
}

static void test_fetch_single(CdEnv *e, gconstpointer data)
{
    sm_tm_put(e->b, CD_BASE, e->dw, SM3_CD_DWORDS);
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 0, 0);
    g_assert_cmpint(fetch(e, 7, false, 0), ==, SM3_EVT_NONE);
    g_assert_cmpmem(e->cd.raw, sizeof(e->cd.raw), e->dw, sizeof(e->dw));
    g_assert_cmphex(e->cd.ttb0, ==, 0x40000);
    g_assert_false(e->fault.s1_bypass);
    g_assert_cmpstr(e->fault.reason, ==, "");
    /* substreams disabled (S1CDMax 0): a SubstreamID is refused */
    g_assert_cmpint(fetch(e, 7, true, 0), ==, SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_cmpuint(e->b->n_logs, ==, 1);
    /* no substream support: S1CDMax and S1Fmt are IGNORED */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 1, 4, 0);
    e->f.ssidsize = 0;
    g_assert_cmpint(fetch(e, 7, false, 0), ==, SM3_EVT_NONE);
    g_assert_true(e->cd.v);
    g_assert_cmpint(fetch(e, 7, true, 3), ==, SM3_EVT_C_BAD_SUBSTREAMID);
}

static void test_fetch_stage1_off(CdEnv *e, gconstpointer data)
{
    make_ste(&e->ste, &e->f, SM3_STE0_CONFIG_S2, CD_BASE, 0, 4, 0);
    g_assert_cmpint(fetch(e, 7, false, 0), ==, SM3_EVT_NONE);
    g_assert_true(e->fault.s1_bypass);
    g_assert_false(e->cd.v);
    g_assert_cmpint(fetch(e, 7, true, 1), ==, SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_nonnull(strstr(e->fault.reason, "without stage 1"));
}

static void test_fetch_linear(CdEnv *e, gconstpointer data)
{
    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 5);
    sm_tm_put(e->b, CD_BASE + 5 * 64, e->dw, SM3_CD_DWORDS);
    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 15);
    sm_tm_put(e->b, CD_BASE + 15 * 64, e->dw, SM3_CD_DWORDS);
    /* 16 CDs, a 1KB table: S1ContextPtr[9:6] are RES0, treated as zero */
    make_ste_s1(&e->ste, &e->f, CD_BASE | 0x3c0, 0, 4, 0);
    g_assert_cmpint(fetch(e, 7, true, 5), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 5);
    g_assert_cmpint(fetch(e, 7, true, 15), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 15);
    g_assert_cmpint(fetch(e, 7, true, 16), ==, SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_nonnull(strstr(e->fault.reason, "S1CDMax"));
    /* S1Fmt 0b11 is Reserved and behaves as linear */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 3, 4, 0);
    g_assert_cmpint(fetch(e, 7, true, 5), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 5);
}

/* L1CD: V bit [0], L2Ptr [55:12], written by hand */
static uint64_t l1cd(uint64_t l2ptr, bool v)
{
    return l2ptr | (v ? 1 : 0);
}

static void test_fetch_2lvl_4k(CdEnv *e, gconstpointer data)
{
    uint32_t ssid = (7 << 6) | 5;

    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 0x77);
    /* 1024 substreams: 16 L1CDs (128 bytes), 4KB leaf tables of 64 CDs */
    sm_tm_w64(e->b, CD_BASE + 7 * 8, l1cd(0x200000 | 0xfe0, true));
    sm_tm_put(e->b, 0x200000 + 5 * 64, e->dw, SM3_CD_DWORDS);
    make_ste_s1(&e->ste, &e->f, CD_BASE | 0x40, 1, 10, 0);
    g_assert_cmpint(fetch(e, 7, true, ssid), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 0x77);
    /* an L1CD with V == 0 */
    g_assert_cmpint(fetch(e, 7, true, 6 << 6), ==, SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_cmphex(e->fault.addr, ==, CD_BASE + 6 * 8);
    g_assert_nonnull(strstr(e->fault.reason, "L1CD.V"));
    /* S1CDMax <= 6: only L1 index 0 */
    sm_tm_w64(e->b, CD_BASE, l1cd(0x300000, true));
    sm_tm_put(e->b, 0x300000 + 3 * 64, e->dw, SM3_CD_DWORDS);
    make_ste_s1(&e->ste, &e->f, CD_BASE, 1, 6, 0);
    g_assert_cmpint(fetch(e, 7, true, 3), ==, SM3_EVT_NONE);
    g_assert_true(e->cd.v);
}

static void test_fetch_2lvl_64k(CdEnv *e, gconstpointer data)
{
    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 0xabc);
    /* SubstreamID 0xabc: L1 index 2, L2 index 0x2bc */
    sm_tm_w64(e->b, CD_BASE + 2 * 8, l1cd(0x200000 | 0xf000, true));
    sm_tm_put(e->b, 0x200000 + 0x2bc * 64, e->dw, SM3_CD_DWORDS);
    make_ste_s1(&e->ste, &e->f, CD_BASE, 2, 12, 0);
    g_assert_cmpint(fetch(e, 9, true, 0xabc), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 0xabc);
    g_assert_cmpint(fetch(e, 9, true, 0x1000), ==, SM3_EVT_C_BAD_SUBSTREAMID);
}

static void test_fetch_s1dss(CdEnv *e, gconstpointer data)
{
    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 0x10);
    sm_tm_put(e->b, CD_BASE, e->dw, SM3_CD_DWORDS);
    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 0x11);
    sm_tm_put(e->b, CD_BASE + 64, e->dw, SM3_CD_DWORDS);

    /* 0b00 terminate: F_STREAM_DISABLED; SubstreamID 0 stays usable */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 2, SM3_STE1_S1DSS_TERMINATE);
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_F_STREAM_DISABLED);
    g_assert_cmpint(fetch(e, 1, true, 0), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 0x10);
    /* 0b01 bypass stage 1: no CD read */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 2, SM3_STE1_S1DSS_BYPASS);
    e->b->err_lo = 0;
    e->b->err_hi = SM3T_MEM_SIZE;
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_NONE);
    g_assert_true(e->fault.s1_bypass);
    e->b->err_hi = 0;
    /* 0b10: CD 0 without a substream; SubstreamID 0 is then refused */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 2, SM3_STE1_S1DSS_SSID0);
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_NONE);
    g_assert_false(e->fault.s1_bypass);
    g_assert_cmpuint(e->cd.asid, ==, 0x10);
    g_assert_cmpint(fetch(e, 1, true, 0), ==, SM3_EVT_F_STREAM_DISABLED);
    g_assert_cmpint(fetch(e, 1, true, 1), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 0x11);
    /* 0b11 Reserved, behaves as terminate */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 2, 3);
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_F_STREAM_DISABLED);
    /* with S1CDMax == 0, S1DSS is IGNORED: the single CD is used */
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 0, SM3_STE1_S1DSS_TERMINATE);
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 0x10);
}

static void test_fetch_fault(CdEnv *e, gconstpointer data)
{
    sm_tm_w64(e->b, CD_BASE + 8, l1cd(0x200000, true));
    sm_tm_put(e->b, 0x200000 + 2 * 64, e->dw, SM3_CD_DWORDS);
    make_ste_s1(&e->ste, &e->f, CD_BASE, 1, 8, 0);
    /* bus error on the L1CD */
    e->b->err_lo = CD_BASE + 8;
    e->b->err_hi = CD_BASE + 9;
    g_assert_cmpint(fetch(e, 1, true, 0x42), ==, SM3_EVT_F_CD_FETCH);
    g_assert_cmphex(e->fault.addr, ==, CD_BASE + 8);
    g_assert_false(e->fault.stage2);
    g_assert_nonnull(strstr(e->b->last_log, "L1CD"));
    /* bus error on the CD */
    e->b->err_lo = 0x200000 + 2 * 64 + 56;
    e->b->err_hi = e->b->err_lo + 1;
    g_assert_cmpint(fetch(e, 1, true, 0x42), ==, SM3_EVT_F_CD_FETCH);
    g_assert_cmphex(e->fault.addr, ==, 0x200000 + 2 * 64);
    g_assert_nonnull(strstr(e->b->last_log, "reading the CD"));
}

static void test_fetch_bad_cd(CdEnv *e, gconstpointer data)
{
    e->dw[0] &= ~SM3_CD0_V;
    sm_tm_put(e->b, CD_BASE, e->dw, SM3_CD_DWORDS);
    make_ste_s1(&e->ste, &e->f, CD_BASE, 0, 0, 0);
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_C_BAD_CD);
    g_assert_true(e->fault.invalid);
    g_assert_cmphex(e->fault.addr, ==, CD_BASE);
    g_assert_nonnull(strstr(e->b->last_log, "C_BAD_CD"));
    e->dw[0] |= SM3_CD0_V;
    e->dw[0] &= ~SM3_CD0_AA64;
    sm_tm_put(e->b, CD_BASE, e->dw, SM3_CD_DWORDS);
    g_assert_cmpint(fetch(e, 1, false, 0), ==, SM3_EVT_C_BAD_CD);
    g_assert_false(e->fault.invalid);
    g_assert_cmpuint(e->b->n_logs, ==, 2);
}

static void test_fetch_addr_range(CdEnv *e, gconstpointer data)
{
    Sm3Features small;

    /*
     * L1CD.L2Ptr beyond the OAS: C_BAD_SUBSTREAMID ("Address sizes of
     * SMMU-originated accesses")
     */
    sm_tm_w64(e->b, CD_BASE, l1cd(1ull << 48, true));
    make_ste_s1(&e->ste, &e->f, CD_BASE, 1, 8, 0);
    g_assert_cmpint(fetch(e, 1, true, 1), ==, SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_cmphex(e->fault.addr, ==, (1ull << 48) + 64);
    /* S1ContextPtr-based addresses beyond the OAS: C_BAD_STE */
    small = e->f;
    small.oas_bits = 20;
    make_ste_s1(&e->ste, &e->f, 0x200000, 0, 4, 0);
    g_assert_cmpint(fetch_with(e, &small, 1, true, 1), ==, SM3_EVT_C_BAD_STE);
    g_assert_cmphex(e->fault.addr, ==, 0x200040);
    make_ste_s1(&e->ste, &e->f, 0x200000, 1, 8, 0);
    g_assert_cmpint(fetch_with(e, &small, 1, true, 1), ==, SM3_EVT_C_BAD_STE);
    g_assert_cmphex(e->fault.addr, ==, 0x200000);
}

/* ---- nested: CD-table addresses are IPAs --------------------------------- */

typedef struct S2Stub {
    uint64_t offset;        /* pa = ipa + offset */
    uint64_t fail_ipa;      /* this IPA faults */
    unsigned calls;
} S2Stub;

static int s2_stub(void *opaque, uint64_t ipa, uint64_t *pa)
{
    S2Stub *s = opaque;

    s->calls++;
    if (ipa == s->fail_ipa) {
        return SM3_EVT_F_TRANSLATION;
    }
    *pa = ipa + s->offset;
    return SM3_EVT_NONE;
}

static void test_fetch_nested(CdEnv *e, gconstpointer data)
{
    S2Stub s2 = { .offset = 0x100000, .fail_ipa = ~0ull };

    e->s2 = s2_stub;
    e->s2_opaque = &s2;
    e->dw[0] = sm_set(e->dw[0], SM3_CD0_ASID, 0x99);
    /* IPA 0x10000 (L1) -> PA 0x110000; L2 IPA 0x20000 -> PA 0x120000 */
    sm_tm_w64(e->b, 0x110000 + 8, l1cd(0x20000, true));
    sm_tm_put(e->b, 0x120000 + 3 * 64, e->dw, SM3_CD_DWORDS);
    make_ste(&e->ste, &e->f, SM3_STE0_CONFIG_NESTED, 0x10000, 1, 8, 0);
    g_assert_cmpint(fetch(e, 1, true, 0x43), ==, SM3_EVT_NONE);
    g_assert_cmpuint(e->cd.asid, ==, 0x99);
    g_assert_cmpuint(s2.calls, ==, 2);
    /* stage-2 fault on the L1CD IPA: the callback's event, not logged */
    s2.fail_ipa = 0x10008;
    g_assert_cmpint(fetch(e, 1, true, 0x43), ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(e->fault.stage2);
    g_assert_cmphex(e->fault.addr, ==, 0x10008);
    g_assert_cmpuint(e->b->n_logs, ==, 0);
    /* ... and on the CD IPA */
    s2.fail_ipa = 0x20000 + 3 * 64;
    g_assert_cmpint(fetch(e, 1, true, 0x43), ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(e->fault.stage2);
    g_assert_cmphex(e->fault.addr, ==, 0x20000 + 3 * 64);
    /* a bus error after translation reports the PA */
    s2.fail_ipa = ~0ull;
    e->b->err_lo = 0x120000 + 3 * 64;
    e->b->err_hi = e->b->err_lo + 64;
    g_assert_cmpint(fetch(e, 1, true, 0x43), ==, SM3_EVT_F_CD_FETCH);
    g_assert_false(e->fault.stage2);
    g_assert_cmphex(e->fault.addr, ==, 0x120000 + 3 * 64);
}

/* Tests on a fresh CdEnv (env_setup(), env_teardown()), @arg as their data */
static const struct {
    const char *path;
    void (*fn)(CdEnv *e, gconstpointer data);
    unsigned arg;
} cd_env_tests[] = {
    { "/sm3/cd/select/ranges", test_select_ranges, 0 },
    { "/sm3/cd/select/tbi", test_select_tbi, 0 },
    { "/sm3/cd/select/epd", test_select_epd, 0 },
    { "/sm3/cd/select/el2", test_select_el2, 0 },
    { "/sm3/cd/fetch/single", test_fetch_single, 0 },
    { "/sm3/cd/fetch/stage1-off", test_fetch_stage1_off, 0 },
    { "/sm3/cd/fetch/linear", test_fetch_linear, 0 },
    { "/sm3/cd/fetch/2lvl-4k", test_fetch_2lvl_4k, 0 },
    { "/sm3/cd/fetch/2lvl-64k", test_fetch_2lvl_64k, 0 },
    { "/sm3/cd/fetch/s1dss", test_fetch_s1dss, 0 },
    { "/sm3/cd/fetch/fault", test_fetch_fault, 0 },
    { "/sm3/cd/fetch/bad-cd", test_fetch_bad_cd, 0 },
    { "/sm3/cd/fetch/addr-range", test_fetch_addr_range, 0 },
    { "/sm3/cd/fetch/nested", test_fetch_nested, 0 },
};

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/cd/golden-decode", test_golden_decode);
    g_test_add_func("/sm3/cd/golden-single-bits", test_golden_single_bits);
    g_test_add_func("/sm3/cd/masks-disjoint", test_masks_disjoint);
    g_test_add_func("/sm3/cd/valid", test_valid);
    g_test_add_func("/sm3/cd/ips-cap", test_ips_cap);
    g_test_add_func("/sm3/cd/bad/v0", test_bad_v0);
    g_test_add_func("/sm3/cd/bad/stall", test_bad_stall);
    for (i = 0; i < G_N_ELEMENTS(cd_scripts); i++) {
        g_test_add_data_func(cd_scripts[i].path, &cd_scripts[i],
                             run_script);
    }
    for (i = 0; i < G_N_ELEMENTS(cd_env_tests); i++) {
        g_test_add(cd_env_tests[i].path, CdEnv,
                   GUINT_TO_POINTER(cd_env_tests[i].arg), env_setup,
                   cd_env_tests[i].fn, env_teardown);
    }
    g_test_add_func("/sm3/cd/select/geometry", test_select_geometry);
    return g_test_run();
}
