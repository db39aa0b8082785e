/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for sm3-cd.c: CD decode (golden raw dwords written from the
 * spec's bit positions, IHI 0070 5.4), CdIllegal checks (one test per
 * C_BAD_CD reason), TTB0/TTB1 selection with TBI and EPDx, and the CD
 * lookup: single CD, linear and both 2-level formats, S1DSS, the
 * C_BAD_SUBSTREAMID and F_CD_FETCH cases and nested (IPA) fetches.
 */
#include <string.h>

#include <glib.h>

#include "sm3-tables.h"

/* ---- flat-memory bench --------------------------------------------------- */

#define BENCH_MEM_SIZE   (4u << 20)

typedef struct Bench {
    uint8_t *mem;
    uint64_t err_lo, err_hi;     /* reads touching [lo, hi) fail */
    unsigned n_logs;
    char last_log[256];
    SmHost host;
} Bench;

static SmBusResult bench_read(void *opaque, uint64_t pa, void *buf,
                              size_t len, SmAttrs attrs)
{
    Bench *b = opaque;

    if (pa >= BENCH_MEM_SIZE || len > BENCH_MEM_SIZE - pa ||
        (pa < b->err_hi && pa + len > b->err_lo)) {
        return SM_BUS_ERROR;
    }
    memcpy(buf, b->mem + pa, len);
    return SM_BUS_OK;
}

static void bench_log(void *opaque, SmLogKind kind, const char *msg)
{
    Bench *b = opaque;

    g_assert_cmpint(kind, ==, SM_LOG_GUEST_ERROR);
    b->n_logs++;
    g_strlcpy(b->last_log, msg, sizeof(b->last_log));
}

static Bench *bench_new(void)
{
    Bench *b = g_new0(Bench, 1);

    b->mem = g_malloc0(BENCH_MEM_SIZE);
    b->host.opaque = b;
    b->host.read = bench_read;
    b->host.log = bench_log;
    return b;
}

static void bench_free(Bench *b)
{
    g_free(b->mem);
    g_free(b);
}

static void bench_put64(Bench *b, uint64_t pa, uint64_t val)
{
    uint64_t le = GUINT64_TO_LE(val);

    g_assert_cmpuint(pa + 8, <=, BENCH_MEM_SIZE);
    memcpy(b->mem + pa, &le, 8);
}

static void bench_put_cd(Bench *b, uint64_t pa, const uint64_t *dw)
{
    unsigned i;

    for (i = 0; i < SM3_CD_DWORDS; i++) {
        bench_put64(b, pa + 8 * i, dw[i]);
    }
}

/* ---- helpers ------------------------------------------------------------- */

static void feat_full(Sm3Features *f)
{
    memset(f, 0, sizeof(*f));
    f->stage1 = true;
    f->stage2 = true;
    f->two_level_st = true;
    f->two_level_cd = true;
    f->hyp = true;
    f->ats = true;
    f->asid16 = true;
    f->vmid16 = true;
    f->big_endian_tables = true;
    f->httu = SM3_HTTU_AF_DIRTY;
    f->stall_model = SM3_STALL_AND_TERM;
    f->granules = SM3_GRAN_4K | SM3_GRAN_16K | SM3_GRAN_64K;
    f->oas_bits = 48;
    f->sidsize = 16;
    f->ssidsize = 20;
}

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

static void assert_bad(const uint64_t *dw, const Sm3Ste *ste,
                       const Sm3Features *f, const char *needle)
{
    Sm3Cd cd;
    const char *why = NULL;

    g_assert_cmpint(check(dw, ste, f, &cd, &why), ==, SM3_EVT_C_BAD_CD);
    g_assert_nonnull(why);
    if (!strstr(why, needle)) {
        g_error("reason '%s' does not mention '%s'", why, needle);
    }
}

static void assert_ok(const uint64_t *dw, const Sm3Ste *ste,
                      const Sm3Features *f, Sm3Cd *cd)
{
    const char *why = NULL;

    if (check(dw, ste, f, cd, &why) != SM3_EVT_NONE) {
        g_error("unexpected C_BAD_CD: %s", why);
    }
    g_assert_cmpstr(why, ==, "");
}

/* ---- golden decode ------------------------------------------------------- */

/*
 * Every field set to a distinct value.  The dwords were computed from the
 * absolute bit positions printed in IHI 0070 5.4 (e.g. TTB0 is [119:68],
 * PARTID [367:352]), not from this model's masks.
 */
static const uint64_t golden_cd[8] = {
    0xfedcdb6cb6dced99ull, 0x940011112222333bull, 0x7480000044445556ull,
    0x1234567844ff0400ull, 0x5a5a5a5aa5a5a5a5ull, 0x00770baddeadbeefull,
    0x0000123456789abcull, 0x0000cba987654321ull,
};

static void test_golden_decode(void)
{
    Sm3Cd c;

    sm3_cd_decode(golden_cd, &c);
    g_assert_cmpmem(c.raw, sizeof(c.raw), golden_cd, sizeof(golden_cd));
    g_assert_cmpuint(c.t0sz, ==, 0x19);
    g_assert_cmpuint(c.tg0, ==, 2);
    g_assert_cmpuint(c.ir0, ==, 1);
    g_assert_cmpuint(c.or0, ==, 3);
    g_assert_cmpuint(c.sh0, ==, 2);
    g_assert_true(c.epd0);
    g_assert_true(c.endi);
    g_assert_cmpuint(c.t1sz, ==, 0x1c);
    g_assert_cmpuint(c.tg1, ==, 3);
    g_assert_cmpuint(c.ir1, ==, 2);
    g_assert_cmpuint(c.or1, ==, 1);
    g_assert_cmpuint(c.sh1, ==, 3);
    g_assert_false(c.epd1);
    g_assert_true(c.v);
    g_assert_cmpuint(c.ips, ==, 4);
    g_assert_true(c.affd);
    g_assert_false(c.wxn);
    g_assert_true(c.uwxn);
    g_assert_true(c.tbi0);
    g_assert_false(c.tbi1);
    g_assert_true(c.pan);
    g_assert_true(c.aa64);
    g_assert_false(c.hd);
    g_assert_true(c.ha);
    g_assert_true(c.s);
    g_assert_false(c.r);
    g_assert_true(c.a);
    g_assert_true(c.aset);
    g_assert_cmphex(c.asid, ==, 0xfedc);

    g_assert_true(c.nscfg0);
    g_assert_true(c.had0);
    g_assert_false(c.e0pd0);
    g_assert_true(c.haft);
    g_assert_cmphex(c.ttb0, ==, 0x0000111122223330ull);
    g_assert_true(c.pnch);
    g_assert_false(c.epan);
    g_assert_cmphex(c.hwu0, ==, 0x9);

    g_assert_false(c.nscfg1);
    g_assert_true(c.had1);
    g_assert_true(c.e0pd1);
    g_assert_false(c.aie);
    g_assert_cmphex(c.ttb1, ==, 0x0080000044445550ull);
    g_assert_true(c.ds);
    g_assert_false(c.pie);
    g_assert_cmphex(c.hwu1, ==, 0x7);

    g_assert_cmphex(c.mair0, ==, 0x44ff0400);
    g_assert_cmphex(c.mair1, ==, 0x12345678);
    g_assert_cmphex(c.amair0, ==, 0xa5a5a5a5);
    g_assert_cmphex(c.amair1, ==, 0x5a5a5a5a);
    g_assert_cmphex(c.impdef, ==, 0xdeadbeef);
    g_assert_cmphex(c.partid, ==, 0x0bad);
    g_assert_cmphex(c.pmg, ==, 0x77);
    g_assert_cmphex(c.piiu, ==, 0x123456789abcull);
    g_assert_cmphex(c.piip, ==, 0xcba987654321ull);
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
    unsigned d, i;

    for (d = 0; d < G_N_ELEMENTS(masks); d++) {
        uint64_t seen = 0;

        for (i = 0; i < G_N_ELEMENTS(masks[d]) && masks[d][i]; i++) {
            uint64_t m = masks[d][i];
            uint64_t run = m >> __builtin_ctzll(m);

            g_assert_cmphex(run & (run + 1), ==, 0);    /* contiguous */
            g_assert_cmphex(seen & m, ==, 0);           /* disjoint */
            seen |= m;
        }
        g_assert_cmphex(seen, ==, UINT64_MAX);
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

    feat_full(&f);
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

    feat_full(&f);
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

    feat_full(&f);
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

    feat_full(&f);
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

static void test_bad_endi(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] |= SM3_CD0_ENDI;
    assert_ok(dw, &ste, &f, &cd);
    f.big_endian_tables = false;
    assert_bad(dw, &ste, &f, "ENDI");
    /* IGNORED when both ranges are disabled */
    dw[0] |= SM3_CD0_EPD0 | SM3_CD0_EPD1;
    assert_ok(dw, &ste, &f, &cd);
}

static void test_bad_aa64(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] &= ~SM3_CD0_AA64;
    assert_bad(dw, &ste, &f, "AA64");
}

static void test_bad_httu(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] |= SM3_CD0_HA | SM3_CD0_HD;
    f.httu = SM3_HTTU_AF;
    assert_bad(dw, &ste, &f, "HD set");
    dw[0] &= ~SM3_CD0_HD;
    assert_ok(dw, &ste, &f, &cd);
    g_assert_true(cd.eff_ha);
    g_assert_false(cd.eff_hd);
    f.httu = SM3_HTTU_NONE;
    assert_bad(dw, &ste, &f, "HTTU is not implemented");
    dw[0] ^= SM3_CD0_HA | SM3_CD0_HD;
    assert_bad(dw, &ste, &f, "HTTU is not implemented");
}

static void test_bad_asid16(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    f.asid16 = false;
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0xff);
    assert_ok(dw, &ste, &f, &cd);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0x100);
    assert_bad(dw, &ste, &f, "ASID");
    /* any-EL2-E2H tags with the ASID too */
    ste.world = SM3_WORLD_NS_EL2_E2H;
    assert_bad(dw, &ste, &f, "ASID");
    /* EL2 (no E2H) ignores the ASID */
    ste.world = SM3_WORLD_NS_EL2;
    assert_ok(dw, &ste, &f, &cd);
}

static void test_bad_txsz(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 16);
    dw[0] = sm_set(dw[0], SM3_CD0_T1SZ, 39);
    assert_ok(dw, &ste, &f, &cd);
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 15);
    assert_bad(dw, &ste, &f, "T0SZ");
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 40);
    assert_bad(dw, &ste, &f, "T0SZ");
    /* no 52-bit VAs even with 64KB */
    dw[0] = sm_set(dw[0], SM3_CD0_TG0, 1);
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 12);
    assert_bad(dw, &ste, &f, "T0SZ");
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 25);
    dw[0] = sm_set(dw[0], SM3_CD0_T1SZ, 40);
    assert_bad(dw, &ste, &f, "T1SZ");
    dw[0] = sm_set(dw[0], SM3_CD0_T1SZ, 0);
    assert_bad(dw, &ste, &f, "T1SZ");
    /* EPDx: the disabled range is not checked */
    dw[0] |= SM3_CD0_EPD1;
    assert_ok(dw, &ste, &f, &cd);
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 63) | SM3_CD0_EPD0;
    dw[0] = sm_set(dw[0], SM3_CD0_T1SZ, 25) & ~SM3_CD0_EPD1;
    assert_ok(dw, &ste, &f, &cd);
}

static void test_bad_tg(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_TG0, 3);
    assert_bad(dw, &ste, &f, "TG0");
    dw[0] = sm_set(dw[0], SM3_CD0_TG0, 0);
    dw[0] = sm_set(dw[0], SM3_CD0_TG1, 0);         /* TG1 0b00 reserved */
    assert_bad(dw, &ste, &f, "TG1");
    /* granules the instance lacks */
    f.granules = SM3_GRAN_64K;
    dw[0] = sm_set(dw[0], SM3_CD0_TG1, 3);         /* 64K */
    assert_bad(dw, &ste, &f, "TG0");               /* TG0 = 4K */
    dw[0] = sm_set(dw[0], SM3_CD0_TG0, 2);         /* 16K */
    assert_bad(dw, &ste, &f, "TG0");
    dw[0] = sm_set(dw[0], SM3_CD0_TG0, 1);         /* 64K */
    assert_ok(dw, &ste, &f, &cd);
    dw[0] = sm_set(dw[0], SM3_CD0_TG1, 2);         /* 4K */
    assert_bad(dw, &ste, &f, "TG1");
    /* disabled by EPD1: not checked */
    dw[0] |= SM3_CD0_EPD1;
    assert_ok(dw, &ste, &f, &cd);
}

static void test_bad_ttb_range(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    cd_basic(dw);
    /* IPS 40 bits */
    dw[0] = sm_set(dw[0], SM3_CD0_IPS, 2);
    dw[1] = 1ull << 40;
    assert_bad(dw, &ste, &f, "TTB0");
    dw[1] = (1ull << 40) - 16;
    assert_ok(dw, &ste, &f, &cd);
    dw[2] = 1ull << 40;
    assert_bad(dw, &ste, &f, "TTB1");
    dw[2] = 0x50000;
    /* IPS above the OAS is capped: IPS 52 on a 48-bit OAS */
    dw[0] = sm_set(dw[0], SM3_CD0_IPS, 6);
    dw[1] = 1ull << 48;
    assert_bad(dw, &ste, &f, "TTB0");
    /* OAS 52: the 4KB granule still limits TTB0 to 48 bits ... */
    f.oas_bits = 52;
    assert_bad(dw, &ste, &f, "TTB0");
    /* ... the 64KB one does not */
    dw[0] = sm_set(dw[0], SM3_CD0_TG0, 1);
    assert_ok(dw, &ste, &f, &cd);
    /* bits [55:52] of the field are beyond any IPS */
    dw[1] = 1ull << 55;
    assert_bad(dw, &ste, &f, "TTB0");
    /* EPD0: TTB0 IGNORED */
    dw[0] |= SM3_CD0_EPD0;
    assert_ok(dw, &ste, &f, &cd);
}

static void test_el2_world(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;

    feat_full(&f);
    make_ste_s1(&ste, &f, 0x10000, 0, 0, 0);
    ste.world = SM3_WORLD_NS_EL2;
    cd_basic(dw);
    /* TTB1 is unreachable: its fields are not checked */
    dw[0] = sm_set(dw[0], SM3_CD0_TG1, 0);
    dw[0] = sm_set(dw[0], SM3_CD0_T1SZ, 0);
    dw[2] = ~0ull;
    assert_ok(dw, &ste, &f, &cd);
    g_assert_true(cd.ttb1_unreachable);
    g_assert_cmpint(cd.world, ==, SM3_WORLD_NS_EL2);
    /* EPD0 is IGNORED (effective 0): T0SZ is still checked */
    dw[0] |= SM3_CD0_EPD0;
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 63);
    assert_bad(dw, &ste, &f, "T0SZ");
    dw[0] = sm_set(dw[0], SM3_CD0_T0SZ, 25);
    assert_ok(dw, &ste, &f, &cd);
    g_assert_false(cd.eff_epd0);
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

static void test_select_ranges(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Cd cd;
    Sm3S1Walk w;

    feat_full(&f);
    cd_basic(dw);
    dw[0] |= SM3_CD0_AFFD | SM3_CD0_HA | SM3_CD0_ENDI;
    dw[1] |= SM3_CD1_HAD0 | 0xff0;           /* unaligned: SMMU aligns */
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL1);

    /* lower range: 39-bit 4K walk starts at level 1 */
    g_assert_cmpint(sm3_cd_select(&cd, 0x7fffffffffull, &w), ==,
                    SM3_EVT_NONE);
    g_assert_false(w.ttb1);
    g_assert_cmphex(w.addr, ==, 0x7fffffffffull);
    g_assert_true(w.cfg.enabled);
    g_assert_false(w.cfg.upper);
    g_assert_cmpint(w.cfg.granule, ==, SM_GRANULE_4K);
    g_assert_cmpuint(w.cfg.tsz, ==, 25);
    g_assert_cmphex(w.cfg.ttb, ==, 0x40000);
    g_assert_cmpuint(w.cfg.oas_bits, ==, 48);
    g_assert_true(w.cfg.big_endian);
    g_assert_true(w.cfg.affd);
    g_assert_true(w.cfg.ha);
    g_assert_false(w.cfg.hd);
    g_assert_true(w.cfg.hpd);
    g_assert_cmpuint(w.geom.granule_shift, ==, 12);
    g_assert_cmpuint(w.geom.input_bits, ==, 39);
    g_assert_cmpuint(w.geom.start_level, ==, 1);
    g_assert_cmpuint(w.geom.concat, ==, 1);
    g_assert_cmpuint(w.geom.output_bits, ==, 48);

    /* upper range */
    g_assert_cmpint(sm3_cd_select(&cd, 0xffffff8000001000ull, &w), ==,
                    SM3_EVT_NONE);
    g_assert_true(w.ttb1);
    g_assert_true(w.cfg.upper);
    g_assert_cmphex(w.cfg.ttb, ==, 0x50000);
    g_assert_false(w.cfg.hpd);

    /* the hole between the ranges: translation fault */
    g_assert_cmpint(sm3_cd_select(&cd, 0x8000000000ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_false(w.ttb1);
    g_assert_cmpint(sm3_cd_select(&cd, 0xffff000000000000ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_true(w.ttb1);
    /* without TBI the top byte counts */
    g_assert_cmpint(sm3_cd_select(&cd, 0x0100000000001000ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
}

static void test_select_tbi(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Cd cd;
    Sm3S1Walk w;

    feat_full(&f);
    cd_basic(dw);
    dw[0] |= SM3_CD0_TBI0;
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL1);
    /* TBI0: VA[63:56] ignored, walker sees the sign-extension of VA[55] */
    g_assert_cmpint(sm3_cd_select(&cd, 0x5a00000000001234ull, &w), ==,
                    SM3_EVT_NONE);
    g_assert_false(w.ttb1);
    g_assert_cmphex(w.addr, ==, 0x1234);
    /* TBI0 does not cover the upper range */
    g_assert_cmpint(sm3_cd_select(&cd, 0x5affff8000001000ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_true(w.ttb1);
    /* TBI1 */
    dw[0] = (dw[0] & ~SM3_CD0_TBI0) | SM3_CD0_TBI1;
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL1);
    g_assert_cmpint(sm3_cd_select(&cd, 0x5affff8000001000ull, &w), ==,
                    SM3_EVT_NONE);
    g_assert_true(w.ttb1);
    g_assert_cmphex(w.addr, ==, 0xffffff8000001000ull);
    g_assert_cmpint(sm3_cd_select(&cd, 0x5a00000000001234ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
}

static void test_select_epd(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Cd cd;
    Sm3S1Walk w;

    feat_full(&f);
    cd_basic(dw);
    dw[0] |= SM3_CD0_EPD1;
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL1);
    g_assert_cmpint(sm3_cd_select(&cd, 0xffffff8000001000ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_true(w.ttb1);
    g_assert_false(w.cfg.enabled);
    g_assert_cmpint(sm3_cd_select(&cd, 0x1000, &w), ==, SM3_EVT_NONE);
    dw[0] ^= SM3_CD0_EPD1 | SM3_CD0_EPD0;
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL1);
    g_assert_cmpint(sm3_cd_select(&cd, 0x1000, &w), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_cmpint(sm3_cd_select(&cd, 0xffffff8000001000ull, &w), ==,
                    SM3_EVT_NONE);
}

static void test_select_el2(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Cd cd;
    Sm3S1Walk w;

    feat_full(&f);
    cd_basic(dw);
    dw[0] |= SM3_CD0_EPD0;      /* IGNORED at EL2 */
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL2);
    g_assert_cmpint(sm3_cd_select(&cd, 0x1000, &w), ==, SM3_EVT_NONE);
    g_assert_false(w.ttb1);
    /* one VA range only: an upper address is out of range */
    g_assert_cmpint(sm3_cd_select(&cd, 0xffffff8000001000ull, &w), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_false(w.ttb1);
    /* EL2-E2H has both ranges */
    dw[0] &= ~SM3_CD0_EPD0;
    valid_cd(&cd, dw, &f, SM3_WORLD_NS_EL2_E2H);
    g_assert_cmpint(sm3_cd_select(&cd, 0xffffff8000001000ull, &w), ==,
                    SM3_EVT_NONE);
    g_assert_true(w.ttb1);
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

    feat_full(&f);
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
        g_assert_cmpuint(w.geom.granule_shift, ==, rows[i].gshift);
        g_assert_cmpuint(w.geom.start_level, ==, rows[i].level);
        g_assert_cmpuint(w.geom.input_bits, ==, 64 - rows[i].t0sz);
        g_assert_cmphex(w.cfg.ttb, ==, rows[i].aligned);
    }
}

/* ---- CD lookup ----------------------------------------------------------- */

#define CD_BASE   0x100000ull

static void test_fetch_single(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    cd_basic(dw);
    bench_put_cd(b, CD_BASE, dw);
    make_ste_s1(&ste, &f, CD_BASE, 0, 0, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, false, 0, NULL, NULL,
                                 &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpmem(cd.raw, sizeof(cd.raw), dw, sizeof(dw));
    g_assert_cmphex(cd.ttb0, ==, 0x40000);
    g_assert_false(fault.s1_bypass);
    g_assert_cmpstr(fault.reason, ==, "");
    /* substreams disabled (S1CDMax 0): a SubstreamID is refused */
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 0, NULL, NULL,
                                 &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_cmpuint(b->n_logs, ==, 1);
    /* no substream support: S1CDMax and S1Fmt are IGNORED */
    make_ste_s1(&ste, &f, CD_BASE, 1, 4, 0);
    f.ssidsize = 0;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, false, 0, NULL, NULL,
                                 &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_true(cd.v);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 3, NULL, NULL,
                                 &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    bench_free(b);
}

static void test_fetch_stage1_off(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    make_ste(&ste, &f, SM3_STE0_CONFIG_S2, CD_BASE, 0, 4, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, false, 0, NULL, NULL,
                                 &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_true(fault.s1_bypass);
    g_assert_false(cd.v);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 1, NULL, NULL,
                                 &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_nonnull(strstr(fault.reason, "without stage 1"));
    bench_free(b);
}

static void test_fetch_linear(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 5);
    bench_put_cd(b, CD_BASE + 5 * 64, dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 15);
    bench_put_cd(b, CD_BASE + 15 * 64, dw);
    /* 16 CDs, a 1KB table: S1ContextPtr[9:6] are RES0, treated as zero */
    make_ste_s1(&ste, &f, CD_BASE | 0x3c0, 0, 4, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 5, NULL, NULL,
                                 &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 5);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 15, NULL, NULL,
                                 &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 15);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 16, NULL, NULL,
                                 &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_nonnull(strstr(fault.reason, "S1CDMax"));
    /* S1Fmt 0b11 is Reserved and behaves as linear */
    make_ste_s1(&ste, &f, CD_BASE, 3, 4, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 5, NULL, NULL,
                                 &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 5);
    bench_free(b);
}

/* L1CD: V bit [0], L2Ptr [55:12] (5.3), written by hand */
static uint64_t l1cd(uint64_t l2ptr, bool v)
{
    return l2ptr | (v ? 1 : 0);
}

static void test_fetch_2lvl_4k(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;
    uint32_t ssid = (7 << 6) | 5;

    feat_full(&f);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0x77);
    /* 1024 substreams: 16 L1CDs (128 bytes), 4KB leaf tables of 64 CDs */
    bench_put64(b, CD_BASE + 7 * 8, l1cd(0x200000 | 0xfe0, true));
    bench_put_cd(b, 0x200000 + 5 * 64, dw);
    make_ste_s1(&ste, &f, CD_BASE | 0x40, 1, 10, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, ssid, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 0x77);
    /* an L1CD with V == 0 */
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 6 << 6, NULL,
                                 NULL, &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_cmphex(fault.addr, ==, CD_BASE + 6 * 8);
    g_assert_nonnull(strstr(fault.reason, "L1CD.V"));
    /* S1CDMax <= 6: only L1 index 0 */
    bench_put64(b, CD_BASE, l1cd(0x300000, true));
    bench_put_cd(b, 0x300000 + 3 * 64, dw);
    make_ste_s1(&ste, &f, CD_BASE, 1, 6, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 7, true, 3, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_true(cd.v);
    bench_free(b);
}

static void test_fetch_2lvl_64k(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0xabc);
    /* SubstreamID 0xabc: L1 index 2, L2 index 0x2bc */
    bench_put64(b, CD_BASE + 2 * 8, l1cd(0x200000 | 0xf000, true));
    bench_put_cd(b, 0x200000 + 0x2bc * 64, dw);
    make_ste_s1(&ste, &f, CD_BASE, 2, 12, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 9, true, 0xabc, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 0xabc);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 9, true, 0x1000, NULL,
                                 NULL, &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    bench_free(b);
}

static void test_fetch_s1dss(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0x10);
    bench_put_cd(b, CD_BASE, dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0x11);
    bench_put_cd(b, CD_BASE + 64, dw);

    /* 0b00 terminate: F_STREAM_DISABLED; SubstreamID 0 stays usable */
    make_ste_s1(&ste, &f, CD_BASE, 0, 2, SM3_STE1_S1DSS_TERMINATE);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==,
                    SM3_EVT_F_STREAM_DISABLED);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 0x10);
    /* 0b01 bypass stage 1: no CD read */
    make_ste_s1(&ste, &f, CD_BASE, 0, 2, SM3_STE1_S1DSS_BYPASS);
    b->err_lo = 0;
    b->err_hi = BENCH_MEM_SIZE;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_true(fault.s1_bypass);
    b->err_hi = 0;
    /* 0b10: CD 0 without a substream; SubstreamID 0 is then refused */
    make_ste_s1(&ste, &f, CD_BASE, 0, 2, SM3_STE1_S1DSS_SSID0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_false(fault.s1_bypass);
    g_assert_cmpuint(cd.asid, ==, 0x10);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0, NULL,
                                 NULL, &cd, &fault), ==,
                    SM3_EVT_F_STREAM_DISABLED);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 1, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 0x11);
    /* 0b11 Reserved, behaves as terminate */
    make_ste_s1(&ste, &f, CD_BASE, 0, 2, 3);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==,
                    SM3_EVT_F_STREAM_DISABLED);
    /* with S1CDMax == 0, S1DSS is IGNORED: the single CD is used */
    make_ste_s1(&ste, &f, CD_BASE, 0, 0, SM3_STE1_S1DSS_TERMINATE);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 0x10);
    bench_free(b);
}

static void test_fetch_fault(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    cd_basic(dw);
    bench_put64(b, CD_BASE + 8, l1cd(0x200000, true));
    bench_put_cd(b, 0x200000 + 2 * 64, dw);
    make_ste_s1(&ste, &f, CD_BASE, 1, 8, 0);
    /* bus error on the L1CD */
    b->err_lo = CD_BASE + 8;
    b->err_hi = CD_BASE + 9;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0x42, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_F_CD_FETCH);
    g_assert_cmphex(fault.addr, ==, CD_BASE + 8);
    g_assert_false(fault.stage2);
    g_assert_nonnull(strstr(b->last_log, "L1CD"));
    /* bus error on the CD */
    b->err_lo = 0x200000 + 2 * 64 + 56;
    b->err_hi = b->err_lo + 1;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0x42, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_F_CD_FETCH);
    g_assert_cmphex(fault.addr, ==, 0x200000 + 2 * 64);
    g_assert_nonnull(strstr(b->last_log, "reading the CD"));
    bench_free(b);
}

static void test_fetch_bad_cd(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    cd_basic(dw);
    dw[0] &= ~SM3_CD0_V;
    bench_put_cd(b, CD_BASE, dw);
    make_ste_s1(&ste, &f, CD_BASE, 0, 0, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_C_BAD_CD);
    g_assert_true(fault.invalid);
    g_assert_cmphex(fault.addr, ==, CD_BASE);
    g_assert_nonnull(strstr(b->last_log, "C_BAD_CD"));
    dw[0] |= SM3_CD0_V;
    dw[0] &= ~SM3_CD0_AA64;
    bench_put_cd(b, CD_BASE, dw);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, false, 0, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_C_BAD_CD);
    g_assert_false(fault.invalid);
    g_assert_cmpuint(b->n_logs, ==, 2);
    bench_free(b);
}

static void test_fetch_addr_range(void)
{
    Bench *b = bench_new();
    Sm3Features f, small;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;

    feat_full(&f);
    /* L1CD.L2Ptr beyond the OAS: C_BAD_SUBSTREAMID (3.4.3) */
    bench_put64(b, CD_BASE, l1cd(1ull << 48, true));
    make_ste_s1(&ste, &f, CD_BASE, 1, 8, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 1, NULL,
                                 NULL, &cd, &fault), ==,
                    SM3_EVT_C_BAD_SUBSTREAMID);
    g_assert_cmphex(fault.addr, ==, (1ull << 48) + 64);
    /* S1ContextPtr-based addresses beyond the OAS: C_BAD_STE */
    small = f;
    small.oas_bits = 20;
    make_ste_s1(&ste, &f, 0x200000, 0, 4, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &small, &ste, 1, true, 1, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_C_BAD_STE);
    g_assert_cmphex(fault.addr, ==, 0x200040);
    make_ste_s1(&ste, &f, 0x200000, 1, 8, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &small, &ste, 1, true, 1, NULL,
                                 NULL, &cd, &fault), ==, SM3_EVT_C_BAD_STE);
    g_assert_cmphex(fault.addr, ==, 0x200000);
    bench_free(b);
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

static void test_fetch_nested(void)
{
    Bench *b = bench_new();
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste ste;
    Sm3Cd cd;
    Sm3Fetch fault;
    S2Stub s2 = { .offset = 0x100000, .fail_ipa = ~0ull };

    feat_full(&f);
    cd_basic(dw);
    dw[0] = sm_set(dw[0], SM3_CD0_ASID, 0x99);
    /* IPA 0x10000 (L1) -> PA 0x110000; L2 IPA 0x20000 -> PA 0x120000 */
    bench_put64(b, 0x110000 + 8, l1cd(0x20000, true));
    bench_put_cd(b, 0x120000 + 3 * 64, dw);
    make_ste(&ste, &f, SM3_STE0_CONFIG_NESTED, 0x10000, 1, 8, 0);
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0x43, s2_stub,
                                 &s2, &cd, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpuint(cd.asid, ==, 0x99);
    g_assert_cmpuint(s2.calls, ==, 2);
    /* stage-2 fault on the L1CD IPA: the callback's event, not logged */
    s2.fail_ipa = 0x10008;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0x43, s2_stub,
                                 &s2, &cd, &fault), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_true(fault.stage2);
    g_assert_cmphex(fault.addr, ==, 0x10008);
    g_assert_cmpuint(b->n_logs, ==, 0);
    /* ... and on the CD IPA */
    s2.fail_ipa = 0x20000 + 3 * 64;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0x43, s2_stub,
                                 &s2, &cd, &fault), ==,
                    SM3_EVT_F_TRANSLATION);
    g_assert_true(fault.stage2);
    g_assert_cmphex(fault.addr, ==, 0x20000 + 3 * 64);
    /* a bus error after translation reports the PA */
    s2.fail_ipa = ~0ull;
    b->err_lo = 0x120000 + 3 * 64;
    b->err_hi = b->err_lo + 64;
    g_assert_cmpint(sm3_cd_fetch(&b->host, &f, &ste, 1, true, 0x43, s2_stub,
                                 &s2, &cd, &fault), ==, SM3_EVT_F_CD_FETCH);
    g_assert_false(fault.stage2);
    g_assert_cmphex(fault.addr, ==, 0x120000 + 3 * 64);
    bench_free(b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/cd/golden-decode", test_golden_decode);
    g_test_add_func("/sm3/cd/golden-single-bits", test_golden_single_bits);
    g_test_add_func("/sm3/cd/masks-disjoint", test_masks_disjoint);
    g_test_add_func("/sm3/cd/valid", test_valid);
    g_test_add_func("/sm3/cd/ips-cap", test_ips_cap);
    g_test_add_func("/sm3/cd/bad/v0", test_bad_v0);
    g_test_add_func("/sm3/cd/bad/stall", test_bad_stall);
    g_test_add_func("/sm3/cd/bad/endi", test_bad_endi);
    g_test_add_func("/sm3/cd/bad/aa64", test_bad_aa64);
    g_test_add_func("/sm3/cd/bad/httu", test_bad_httu);
    g_test_add_func("/sm3/cd/bad/asid16", test_bad_asid16);
    g_test_add_func("/sm3/cd/bad/txsz", test_bad_txsz);
    g_test_add_func("/sm3/cd/bad/tg", test_bad_tg);
    g_test_add_func("/sm3/cd/bad/ttb-range", test_bad_ttb_range);
    g_test_add_func("/sm3/cd/el2-world", test_el2_world);
    g_test_add_func("/sm3/cd/select/ranges", test_select_ranges);
    g_test_add_func("/sm3/cd/select/tbi", test_select_tbi);
    g_test_add_func("/sm3/cd/select/epd", test_select_epd);
    g_test_add_func("/sm3/cd/select/el2", test_select_el2);
    g_test_add_func("/sm3/cd/select/geometry", test_select_geometry);
    g_test_add_func("/sm3/cd/fetch/single", test_fetch_single);
    g_test_add_func("/sm3/cd/fetch/stage1-off", test_fetch_stage1_off);
    g_test_add_func("/sm3/cd/fetch/linear", test_fetch_linear);
    g_test_add_func("/sm3/cd/fetch/2lvl-4k", test_fetch_2lvl_4k);
    g_test_add_func("/sm3/cd/fetch/2lvl-64k", test_fetch_2lvl_64k);
    g_test_add_func("/sm3/cd/fetch/s1dss", test_fetch_s1dss);
    g_test_add_func("/sm3/cd/fetch/fault", test_fetch_fault);
    g_test_add_func("/sm3/cd/fetch/bad-cd", test_fetch_bad_cd);
    g_test_add_func("/sm3/cd/fetch/addr-range", test_fetch_addr_range);
    g_test_add_func("/sm3/cd/fetch/nested", test_fetch_nested);
    return g_test_run();
}
