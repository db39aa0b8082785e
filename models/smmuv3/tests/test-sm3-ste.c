/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for sm3-ste.c: STE decode (golden raw dwords written from
 * the spec's bit positions, IHI 0070 5.2), SteIllegal checks (one test
 * per C_BAD_STE reason), stage-2 geometry, and the linear / 2-level
 * Stream table lookup with C_BAD_STREAMID and F_STE_FETCH.
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
    unsigned n_reads;
    uint32_t last_requester;
    char last_log[256];
    SmHost host;
} Bench;

static SmBusResult bench_read(void *opaque, uint64_t pa, void *buf,
                              size_t len, SmAttrs attrs)
{
    Bench *b = opaque;

    b->n_reads++;
    b->last_requester = attrs.requester_id;
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

static void bench_put_ste(Bench *b, uint64_t pa, const uint64_t *dw)
{
    unsigned i;

    for (i = 0; i < SM3_STE_DWORDS; i++) {
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

static void assert_bad(const uint64_t *dw, const Sm3Features *f,
                       const char *needle)
{
    Sm3Ste ste;
    const char *why = NULL;

    g_assert_cmpint(check(dw, f, &ste, &why), ==, SM3_EVT_C_BAD_STE);
    g_assert_nonnull(why);
    if (!strstr(why, needle)) {
        g_error("reason '%s' does not mention '%s'", why, needle);
    }
}

static void assert_ok(const uint64_t *dw, const Sm3Features *f,
                      Sm3Ste *ste)
{
    const char *why = NULL;
    int evt = check(dw, f, ste, &why);

    if (evt != SM3_EVT_NONE) {
        g_error("unexpected C_BAD_STE: %s", why);
    }
    g_assert_cmpstr(why, ==, "");
}

/* ---- golden decode ------------------------------------------------------- */

/*
 * Every field set to a distinct value.  The dwords were computed from the
 * absolute bit positions printed in IHI 0070 5.2 (e.g. EATS [93:92] is
 * dword 1 bits [29:28]), not from this model's masks.
 */
static const uint64_t golden_ste[8] = {
    0x5800123456789aefull, 0xabced17dad6b55b6ull, 0x96ddb95956781234ull,
    0x60abcdef01234565ull, 0x987640aa4321beefull, 0x00123456789abd5aull,
    0x207654321fedcba3ull, 0x0123456789abcdefull,
};

static void test_golden_decode(void)
{
    Sm3Ste s;

    sm3_ste_decode(golden_ste, &s);
    g_assert_cmpmem(s.raw, sizeof(s.raw), golden_ste, sizeof(golden_ste));
    g_assert_true(s.v);
    g_assert_cmpuint(s.config, ==, 7);
    g_assert_cmpuint(s.s1fmt, ==, 2);
    g_assert_cmphex(s.s1contextptr, ==, 0x0000123456789ac0ull);
    g_assert_cmpuint(s.s1cdmax, ==, 11);

    g_assert_cmpuint(s.s1dss, ==, 2);
    g_assert_cmpuint(s.s1cir, ==, 1);
    g_assert_cmpuint(s.s1cor, ==, 3);
    g_assert_cmpuint(s.s1csh, ==, 2);
    g_assert_true(s.s2hwu59);
    g_assert_false(s.s2hwu60);
    g_assert_true(s.s2hwu61);
    g_assert_false(s.s2hwu62);
    g_assert_true(s.dre);
    g_assert_cmpuint(s.cont, ==, 0xa);
    g_assert_true(s.dcp);
    g_assert_false(s.ppar);
    g_assert_true(s.mev);
    g_assert_cmpuint(s.sw_reserved, ==, 6);
    g_assert_true(s.s1pie);
    g_assert_false(s.s2fwb);
    g_assert_true(s.s1mpam);
    g_assert_true(s.s1stalld);
    g_assert_cmpuint(s.eats, ==, 2);
    g_assert_cmpuint(s.strw, ==, 2);
    g_assert_cmpuint(s.memattr, ==, 0xd);
    g_assert_true(s.mtcfg);
    g_assert_cmpuint(s.alloccfg, ==, 0xb);
    g_assert_cmpuint(s.shcfg, ==, 1);
    g_assert_cmpuint(s.nscfg, ==, 3);
    g_assert_cmpuint(s.privcfg, ==, 2);
    g_assert_cmpuint(s.instcfg, ==, 3);
    g_assert_cmphex(s.impdef1, ==, 0xabc);

    g_assert_cmphex(s.s2vmid, ==, 0x1234);
    g_assert_cmphex(s.impdef2, ==, 0x5678);
    g_assert_cmpuint(s.s2t0sz, ==, 25);
    g_assert_cmpuint(s.s2sl0, ==, 1);
    g_assert_cmpuint(s.s2ir0, ==, 1);
    g_assert_cmpuint(s.s2or0, ==, 2);
    g_assert_cmpuint(s.s2sh0, ==, 3);
    g_assert_cmpuint(s.s2tg, ==, 2);
    g_assert_cmpuint(s.s2ps, ==, 5);
    g_assert_true(s.s2aa64);
    g_assert_true(s.s2endi);
    g_assert_false(s.s2affd);
    g_assert_true(s.s2ptw);
    g_assert_true(s.s2hd);
    g_assert_false(s.s2ha);
    g_assert_true(s.s2s);
    g_assert_true(s.s2r);
    g_assert_false(s.s2haft);
    g_assert_true(s.s2pie);
    g_assert_false(s.s2poe);
    g_assert_cmpuint(s.dpt_vmatch, ==, 2);

    g_assert_true(s.s2nsw);
    g_assert_false(s.s2nsa);
    g_assert_true(s.s2sl0_2);
    g_assert_false(s.s2ds);
    g_assert_cmphex(s.s2ttb, ==, 0x00abcdef01234560ull);
    g_assert_cmpuint(s.s2skl, ==, 3);

    g_assert_cmphex(s.impdef4, ==, 0xbeef);
    g_assert_cmphex(s.partid, ==, 0x4321);
    g_assert_cmpuint(s.s_s2t0sz, ==, 0x2a);
    g_assert_cmpuint(s.s_s2sl0, ==, 2);
    g_assert_cmpuint(s.s_s2tg, ==, 1);
    g_assert_cmphex(s.mecid, ==, 0x9876);
    g_assert_cmphex(s.pmg, ==, 0x5a);
    g_assert_true(s.mpam_ns);
    g_assert_false(s.assuredonly);
    g_assert_true(s.tl0);
    g_assert_true(s.tl1);
    g_assert_cmphex(s.vmsptr, ==, 0x00123456789ab000ull);
    g_assert_true(s.s2sw);
    g_assert_true(s.s2sa);
    g_assert_false(s.s_s2sl0_2);
    g_assert_cmphex(s.s_s2ttb, ==, 0x007654321fedcba0ull);
    g_assert_cmpuint(s.s_s2skl, ==, 1);
    g_assert_cmphex(s.s2poi, ==, 0x0123456789abcdefull);
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

    feat_full(&f);
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

    feat_full(&f);
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

    feat_full(&f);
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

    feat_full(&f);
    ste_nested(dw);
    dw[0] &= ~SM3_STE0_V;
    g_assert_cmpint(check(dw, &f, &s, &why), ==, SM3_EVT_C_BAD_STE);
    g_assert_false(s.v);
    g_assert_cmpstr(why, ==, "STE.V == 0");
    /* reason may be NULL */
    g_assert_cmpint(sm3_ste_validate(&s, &f, NULL), ==, SM3_EVT_C_BAD_STE);
}

static void test_bad_s1_not_implemented(void)
{
    uint64_t dw[8];
    Sm3Features f;

    feat_full(&f);
    f.stage1 = false;
    ste_nested(dw);
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    assert_bad(dw, &f, "stage 1 is not implemented");
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED);
    assert_bad(dw, &f, "stage 1 is not implemented");
}

static void test_bad_s2_not_implemented(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    f.stage2 = false;
    ste_nested(dw);
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S2);
    assert_bad(dw, &f, "stage 2 is not implemented");
    /* stage 1 only is fine, and the VMID is then ignored */
    f.vmid16 = false;
    dw[2] = sm_set(dw[2], SM3_STE2_S2VMID, 0x1ff);
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    assert_ok(dw, &f, &s);
}

static void test_bad_eats(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    /* split-stage needs Config 0b111 ... */
    dw[1] |= sm_prep(SM3_STE1_EATS, SM3_STE1_EATS_SPLIT);
    assert_ok(dw, &f, &s);
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    assert_bad(dw, &f, "split-stage");
    /* ... and S2S == 0 */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED);
    dw[2] |= SM3_STE2_S2S;
    assert_bad(dw, &f, "split-stage");
    /* full ATS with stage-2 stalls */
    dw[1] = sm_set(dw[1], SM3_STE1_EATS, SM3_STE1_EATS_FULL);
    assert_bad(dw, &f, "full ATS");
    /* ... legal when stage 2 bypasses (our SMMUv3.1+ reading) */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    assert_ok(dw, &f, &s);
    /* EATS 0b11 without DPT behaves as 0b00 */
    dw[1] = sm_set(dw[1], SM3_STE1_EATS, SM3_STE1_EATS_DPT);
    assert_ok(dw, &f, &s);
    /* without ATS, EATS is IGNORED */
    f.ats = false;
    dw[1] = sm_set(dw[1], SM3_STE1_EATS, SM3_STE1_EATS_SPLIT);
    assert_ok(dw, &f, &s);
}

static void test_bad_strw(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    dw[1] |= sm_prep(SM3_STE1_STRW, 1);
    assert_bad(dw, &f, "STRW");
    dw[1] = sm_set(dw[1], SM3_STE1_STRW, 3);
    assert_bad(dw, &f, "STRW");
    /* EL2: legal with Hyp, selects the EL2 StreamWorld, no VMID check */
    f.vmid16 = false;
    dw[2] = sm_set(dw[2], SM3_STE2_S2VMID, 0x100);
    dw[1] = sm_set(dw[1], SM3_STE1_STRW, SM3_STE1_STRW_EL2);
    assert_ok(dw, &f, &s);
    g_assert_cmpint(s.world, ==, SM3_WORLD_NS_EL2);
    /* STRW is RES0 (IGNORED) without Hyp */
    f.hyp = false;
    dw[2] = sm_set(dw[2], SM3_STE2_S2VMID, 0);
    dw[1] = sm_set(dw[1], SM3_STE1_STRW, 3);
    assert_ok(dw, &f, &s);
    g_assert_cmpint(s.world, ==, SM3_WORLD_NS_EL1);
    /* ... and IGNORED when stage 2 translates */
    f.hyp = true;
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED);
    assert_ok(dw, &f, &s);
    g_assert_cmpint(s.world, ==, SM3_WORLD_NS_EL1);
}

static void test_bad_s1stalld(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    dw[1] |= SM3_STE1_S1STALLD;
    assert_ok(dw, &f, &s);
    f.stall_model = SM3_STALL_NONE;
    assert_bad(dw, &f, "S1STALLD");
    f.stall_model = SM3_STALL_FORCE;
    dw[2] |= SM3_STE2_S2S;
    assert_bad(dw, &f, "S1STALLD");
}

static void test_bad_s1cdmax(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    f.ssidsize = 8;
    ste_nested(dw);
    dw[0] |= sm_prep(SM3_STE0_S1CDMAX, 8);
    assert_ok(dw, &f, &s);
    dw[0] = sm_set(dw[0], SM3_STE0_S1CDMAX, 9);
    assert_bad(dw, &f, "S1CDMax");
    /* IGNORED without substream support */
    f.ssidsize = 0;
    assert_ok(dw, &f, &s);
}

static void test_bad_s1fmt_no_cd2l(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    f.two_level_cd = false;
    ste_nested(dw);
    dw[0] |= sm_prep(SM3_STE0_S1CDMAX, 4) |
             sm_prep(SM3_STE0_S1FMT, SM3_STE0_S1FMT_4K_L2);
    assert_bad(dw, &f, "CD2L");
    dw[0] = sm_set(dw[0], SM3_STE0_S1FMT, SM3_STE0_S1FMT_64K_L2);
    assert_bad(dw, &f, "CD2L");
    /* 0b11 is Reserved and behaves as linear: legal */
    dw[0] = sm_set(dw[0], SM3_STE0_S1FMT, 3);
    assert_ok(dw, &f, &s);
    /* with S1CDMax == 0 the format is IGNORED */
    dw[0] = sm_set(dw[0], SM3_STE0_S1FMT, 2);
    dw[0] = sm_set(dw[0], SM3_STE0_S1CDMAX, 0);
    assert_ok(dw, &f, &s);
}

static void test_bad_s1contextptr_range(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    f.oas_bits = 40;
    ste_nested(dw);
    dw[0] = sm_set(dw[0], SM3_STE0_S1CONTEXTPTR, (1ull << 40) >> 6);
    dw[2] = sm_set(dw[2], SM3_STE2_S2PS, 2);
    assert_bad(dw, &f, "S1ContextPtr");
    /* bits [55:52] belong to the field too */
    f.oas_bits = 52;
    dw[0] = sm_set(dw[0], SM3_STE0_S1CONTEXTPTR, (1ull << 55) >> 6);
    assert_bad(dw, &f, "S1ContextPtr");
    dw[0] = sm_set(dw[0], SM3_STE0_S1CONTEXTPTR, ((1ull << 52) - 64) >> 6);
    assert_ok(dw, &f, &s);
}

static void test_bad_s2s(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    dw[2] |= SM3_STE2_S2S;
    assert_ok(dw, &f, &s);
    f.stall_model = SM3_STALL_NONE;
    assert_bad(dw, &f, "S2S set");
    f.stall_model = SM3_STALL_FORCE;
    dw[2] &= ~SM3_STE2_S2S;
    assert_bad(dw, &f, "S2S clear");
}

static void test_bad_s2aa64(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    dw[2] &= ~SM3_STE2_S2AA64;
    assert_bad(dw, &f, "S2AA64");
    /* IGNORED when stage 2 bypasses */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    assert_ok(dw, &f, &s);
}

static void test_bad_s2_httu(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    dw[2] |= SM3_STE2_S2HA | SM3_STE2_S2HD;
    assert_ok(dw, &f, &s);
    g_assert_true(s.s2cfg.ha);
    g_assert_true(s.s2cfg.hd);
    f.httu = SM3_HTTU_AF;
    assert_bad(dw, &f, "S2HD");
    dw[2] &= ~SM3_STE2_S2HD;
    assert_ok(dw, &f, &s);
    f.httu = SM3_HTTU_NONE;
    assert_bad(dw, &f, "HTTU is not implemented");
    dw[2] = (dw[2] & ~SM3_STE2_S2HA) | SM3_STE2_S2HD;
    assert_bad(dw, &f, "HTTU is not implemented");
    /* {S2HA, S2HD} = 0b01 is Reserved, behaves as no HTTU */
    f.httu = SM3_HTTU_AF_DIRTY;
    assert_ok(dw, &f, &s);
    g_assert_false(s.s2cfg.ha);
    g_assert_false(s.s2cfg.hd);
}

static void test_bad_s2tg(void)
{
    uint64_t dw[8];
    Sm3Features f;

    feat_full(&f);
    ste_nested(dw);
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, 3);
    assert_bad(dw, &f, "S2TG");
    f.granules = SM3_GRAN_64K;
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_4K);
    assert_bad(dw, &f, "S2TG");
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_16K);
    assert_bad(dw, &f, "S2TG");
}

static void test_bad_s2ttb_range(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    /* S2PS 40 bits: a 40-bit TTB is out of range */
    dw[2] = sm_set(dw[2], SM3_STE2_S2PS, 2);
    dw[3] = 1ull << 40;
    assert_bad(dw, &f, "S2TTB");
    /* S2PS above the OAS is capped to it: PS 52 on a 48-bit OAS */
    dw[2] = sm_set(dw[2], SM3_STE2_S2PS, 6);
    dw[3] = 1ull << 48;
    assert_bad(dw, &f, "S2TTB");
    /* OAS 52, PS 52: 4K granule still limits the TTB to 48 bits */
    f.oas_bits = 52;
    assert_bad(dw, &f, "S2TTB");
    /* ... the 64KB granule does not (T0SZ 24, SL0 1: level 2) */
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_64K);
    assert_ok(dw, &f, &s);
    g_assert_cmpuint(s.s2geom.output_bits, ==, 52);
    /* an unaligned TTB is not ILLEGAL: the SMMU aligns it */
    f.oas_bits = 48;
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_4K);
    dw[2] = sm_set(dw[2], SM3_STE2_S2PS, 5);
    dw[3] = 0x20ff0;
    assert_ok(dw, &f, &s);
    g_assert_cmphex(s.s2ttb, ==, 0x20ff0);
    g_assert_cmphex(s.s2cfg.ttb, ==, 0x20000);   /* 2 x 4KB concatenated */
}

static void test_bad_s2t0sz(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    /* minimum MAX(16, 64 - IAS): IAS = OAS = 48 */
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 15);
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 2);
    assert_bad(dw, &f, "S2T0SZ");
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 16);
    assert_ok(dw, &f, &s);
    /* a smaller IAS raises the minimum */
    f.oas_bits = 40;
    dw[2] = sm_set(dw[2], SM3_STE2_S2PS, 2);
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 1);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 23);
    assert_bad(dw, &f, "S2T0SZ");
    /* maximum 39 without small translation tables */
    f.oas_bits = 48;
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 40);
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 0);
    assert_bad(dw, &f, "S2T0SZ");
    /* 64KB granule allows down to 12 when the IAS is 52 */
    f.oas_bits = 52;
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_64K);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 12);
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 2);
    dw[2] = sm_set(dw[2], SM3_STE2_S2PS, 6);
    assert_ok(dw, &f, &s);
    g_assert_cmpuint(s.s2geom.start_level, ==, 1);
    g_assert_cmpuint(s.s2geom.concat, ==, 1);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 11);
    assert_bad(dw, &f, "S2T0SZ");
}

static void test_bad_s2sl0_reserved(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    /* 4K: SL0 0b11 needs FEAT_TTST */
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 3);
    assert_bad(dw, &f, "S2SL0 reserved");
    /* 64K: SL0 0b11 always reserved */
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_64K);
    assert_bad(dw, &f, "S2SL0 reserved");
    /* 16K: SL0 0b11 needs DS */
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_16K);
    assert_bad(dw, &f, "S2SL0 reserved");
    /* 4K level 0 needs a 44-bit PA */
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_4K);
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 2);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 22);
    assert_ok(dw, &f, &s);
    g_assert_cmpuint(s.s2geom.start_level, ==, 0);
    f.oas_bits = 42;
    assert_bad(dw, &f, "S2SL0 reserved");
    /* 16K level 1 needs a 42-bit PA; 64K level 1 a 44-bit one */
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_16K);
    assert_ok(dw, &f, &s);
    g_assert_cmpuint(s.s2geom.start_level, ==, 1);
    f.oas_bits = 40;
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 24);
    assert_bad(dw, &f, "S2SL0 reserved");
    f.oas_bits = 42;
    dw[2] = sm_set(dw[2], SM3_STE2_S2TG, SM3_STE2_S2TG_64K);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 22);
    assert_bad(dw, &f, "S2SL0 reserved");
}

static void test_bad_s2sl0_inconsistent(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    /* 4K, level 2 start: 30..34 bits of IPA (1..16 tables) */
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 0);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 30);       /* 34 bits */
    assert_ok(dw, &f, &s);
    g_assert_cmpuint(s.s2geom.start_level, ==, 2);
    g_assert_cmpuint(s.s2geom.concat, ==, 16);
    g_assert_cmphex(s.s2cfg.ttb, ==, 0x20000);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 29);       /* 35 bits: 32 */
    assert_bad(dw, &f, "inconsistent");
    /* 4K, level 1 start: 31 bits is too small */
    dw[2] = sm_set(dw[2], SM3_STE2_S2SL0, 1);
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 34);       /* 30 bits */
    assert_bad(dw, &f, "inconsistent");
    dw[2] = sm_set(dw[2], SM3_STE2_S2T0SZ, 33);       /* 31 bits */
    assert_ok(dw, &f, &s);
    g_assert_cmpuint(s.s2geom.concat, ==, 1);
}

static void test_bad_s2endi(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    ste_nested(dw);
    dw[2] |= SM3_STE2_S2ENDI;
    assert_ok(dw, &f, &s);
    g_assert_true(s.s2cfg.big_endian);
    f.big_endian_tables = false;
    assert_bad(dw, &f, "S2ENDI");
}

static void test_bad_vmid16(void)
{
    uint64_t dw[8];
    Sm3Features f;
    Sm3Ste s;

    feat_full(&f);
    f.vmid16 = false;
    ste_nested(dw);
    dw[2] = sm_set(dw[2], SM3_STE2_S2VMID, 0xff);
    assert_ok(dw, &f, &s);
    dw[2] = sm_set(dw[2], SM3_STE2_S2VMID, 0x100);
    assert_bad(dw, &f, "S2VMID");
    /* a stage-1-only EL1 stream is VMID-tagged too */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1);
    assert_bad(dw, &f, "S2VMID");
    f.vmid16 = true;
    assert_ok(dw, &f, &s);
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

    feat_full(&f);
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
        g_assert_cmpuint(s.s2geom.granule_shift, ==, rows[i].gshift);
        g_assert_cmpuint(s.s2geom.input_bits, ==, 64 - rows[i].t0sz);
        g_assert_cmpuint(s.s2geom.start_level, ==, rows[i].level);
        g_assert_cmpuint(s.s2geom.concat, ==, rows[i].concat);
        g_assert_cmpuint(s.s2geom.output_bits, ==, rows[i].out);
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
    g_assert_cmpuint(sm3_granule_shift(SM_GRANULE_INVALID), ==, 0);
    feat_full(&f);
    g_assert_false(sm3_granule_supported(&f, SM_GRANULE_INVALID));
    g_assert_cmphex(sm3_align_ttb(0x12345678, 9, 48), ==, 0x12345000);
    g_assert_cmphex(sm3_align_ttb(0x1234567f, 0, 48), ==, 0x12345678);
    g_assert_cmphex(sm3_align_ttb(0x1234567f, 0, 52), ==, 0x12345640);
    g_assert_cmphex(sm3_align_ttb(0x1234567f, -3, 48), ==, 0x12345678);
}

/* ---- Stream table ------------------------------------------------------ */

#define ST_BASE       0x100000ull

static void test_st_linear(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa;

    feat_full(&f);
    /* LOG2SIZE 8; low bits of the base below the table size ignored */
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE | 0x3fc0 |
                                   SM3_ST_BASE_RA, 8, 0x25, &pa, &fault),
                    ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, ST_BASE + 0x25 * 64);
    g_assert_cmpstr(fault.reason, ==, "");
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, 8, 0xff, &pa,
                                   &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, ST_BASE + 0xff * 64);
    /* no memory is read for a linear lookup */
    g_assert_cmpuint(b->n_reads, ==, 0);
    bench_free(b);
}

static void test_st_bad_streamid(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa;

    feat_full(&f);
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, 8, 0x100, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_nonnull(strstr(fault.reason, "Stream table size"));
    /* LOG2SIZE is capped by SIDSIZE */
    f.sidsize = 4;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, 8, 0x10, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, 8, 0xf, &pa,
                                   &fault), ==, SM3_EVT_NONE);
    /* 32-bit StreamIDs with SIDSIZE 32 */
    f.sidsize = 32;
    f.oas_bits = 52;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, 0, 32, 0xffffffffu, &pa,
                                   &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, 0xffffffffull * 64);
    /* SIDSIZE 0: only StreamID 0 */
    f.sidsize = 0;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, 8, 1, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, 8, 0, &pa,
                                   &fault), ==, SM3_EVT_NONE);
    bench_free(b);
}

static uint32_t st_cfg_2lvl(unsigned log2size, unsigned split)
{
    return sm_prep(SM3_ST_CFG_LOG2SIZE, log2size) |
           sm_prep(SM3_ST_CFG_SPLIT, split) |
           sm_prep(SM3_ST_CFG_FMT, SM3_ST_CFG_FMT_2LVL);
}

/* L1STD: Span in [4:0], L2Ptr in [55:6] (5.1), written by hand */
static uint64_t l1std(uint64_t l2ptr, unsigned span)
{
    return l2ptr | span;
}

static void st_2lvl_case(unsigned split)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa;
    uint32_t sid = (3u << split) | 5;
    uint64_t l2 = 0x200000;

    feat_full(&f);
    bench_put64(b, ST_BASE + 3 * 8, l1std(l2, split + 1));
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, st_cfg_2lvl(16,
                                   split), sid, &pa, &fault),
                    ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, l2 + 5 * 64);
    g_assert_cmpuint(b->last_requester, ==, sid);
    /* last StreamID of the level-2 array */
    sid = (3u << split) | ((1u << split) - 1);
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, st_cfg_2lvl(16,
                                   split), sid, &pa, &fault),
                    ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, l2 + ((1u << split) - 1) * 64);
    /* an L1STD index the table does not have is C_BAD_STREAMID */
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, st_cfg_2lvl(16,
                                   split), 1u << 16, &pa, &fault),
                    ==, SM3_EVT_C_BAD_STREAMID);
    bench_free(b);
}

static void test_st_2lvl_split6(void)
{
    st_2lvl_case(6);
}

static void test_st_2lvl_split8(void)
{
    st_2lvl_case(8);
}

static void test_st_2lvl_split10(void)
{
    st_2lvl_case(10);
}

static void test_st_2lvl_reserved_split(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa;

    feat_full(&f);
    /* SPLIT 7 (Reserved) behaves as 6: sid 0x45 -> L1 index 1, L2 5 */
    bench_put64(b, ST_BASE + 8, l1std(0x300000, 7));
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, st_cfg_2lvl(12, 7),
                                   0x45, &pa, &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, 0x300000 + 5 * 64);
    /* FMT 0b10 (Reserved) behaves as linear */
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE,
                                   sm_prep(SM3_ST_CFG_LOG2SIZE, 12) |
                                   sm_prep(SM3_ST_CFG_FMT, 2), 0x45, &pa,
                                   &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, ST_BASE + 0x45 * 64);
    /* without 2-level support FMT is RES0: linear */
    f.two_level_st = false;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, st_cfg_2lvl(12, 6),
                                   0x45, &pa, &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa, ==, ST_BASE + 0x45 * 64);
    bench_free(b);
}

static void test_st_2lvl_span(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa;
    uint32_t cfg = st_cfg_2lvl(16, 8);

    feat_full(&f);
    /* Span 0: invalid */
    bench_put64(b, ST_BASE, l1std(0x200000, 0));
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 1, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmphex(fault.addr, ==, ST_BASE);
    g_assert_nonnull(strstr(fault.reason, "Span invalid"));
    /* Span 12..31: Reserved, behave as 0 */
    bench_put64(b, ST_BASE, l1std(0x200000, 12));
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 1, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    /* Span 10 > SPLIT + 1 = 9 */
    bench_put64(b, ST_BASE, l1std(0x200000, 10));
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 1, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_nonnull(strstr(fault.reason, "SPLIT"));
    /* Span 3: four STEs; StreamID 4 is beyond it */
    bench_put64(b, ST_BASE, l1std(0x200000 | 0xc0, 3));
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 3, &pa,
                                   &fault), ==, SM3_EVT_NONE);
    /* L2Ptr[7:0] are taken as zero for a 4-entry array */
    g_assert_cmphex(pa, ==, 0x200000 + 3 * 64);
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 4, &pa,
                                   &fault), ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_nonnull(strstr(fault.reason, "beyond the L1STD Span"));
    bench_free(b);
}

static void test_st_fetch_fault(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    Sm3Ste s;
    uint64_t pa;
    uint32_t cfg = st_cfg_2lvl(16, 6);

    feat_full(&f);
    /* bus error on the L1STD */
    b->err_lo = ST_BASE + 2 * 8;
    b->err_hi = b->err_lo + 1;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 0x85, &pa,
                                   &fault), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(fault.addr, ==, ST_BASE + 2 * 8);
    /* bus error on the STE itself, through sm3_ste_fetch() */
    b->err_lo = b->err_hi = 0;
    bench_put64(b, ST_BASE + 2 * 8, l1std(0x200000, 7));
    b->err_lo = 0x200000 + 5 * 64 + 32;
    b->err_hi = b->err_lo + 8;
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, cfg, 0x85, &s,
                                  &fault), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(fault.addr, ==, 0x200000 + 5 * 64);
    g_assert_cmpuint(b->n_logs, ==, 1);
    g_assert_nonnull(strstr(b->last_log, "bus error reading the STE"));
    g_assert_false(s.v);
    /* a linear table beyond the OAS: F_STE_FETCH, untruncated address */
    f.oas_bits = 32;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, 1ull << 32, 4, 1, &pa,
                                   &fault), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(fault.addr, ==, (1ull << 32) + 64);
    /* an L1STD beyond the OAS */
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, 1ull << 32, cfg, 1, &pa,
                                   &fault), ==, SM3_EVT_F_STE_FETCH);
    g_assert_cmphex(fault.addr, ==, 1ull << 32);
    /* no read hook at all behaves as a bus error */
    b->host.read = NULL;
    f.oas_bits = 48;
    g_assert_cmpint(sm3_ste_locate(&b->host, &f, ST_BASE, cfg, 0x85, &pa,
                                   &fault), ==, SM3_EVT_F_STE_FETCH);
    bench_free(b);
}

static void test_ste_fetch_ok(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    Sm3Ste s;
    uint64_t dw[8];
    uint32_t cfg = st_cfg_2lvl(16, 10);

    feat_full(&f);
    ste_nested(dw);
    bench_put64(b, ST_BASE + 8, l1std(0x200000, 11));
    bench_put_ste(b, 0x200000 + 0x3ff * 64, dw);
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, cfg, 0x7ff, &s,
                                  &fault), ==, SM3_EVT_NONE);
    g_assert_cmpmem(s.raw, sizeof(s.raw), dw, sizeof(dw));
    g_assert_cmpint(s.mode, ==, SM3_STE_MODE_NESTED);
    g_assert_cmphex(s.s1contextptr, ==, 0x10000);
    g_assert_cmpuint(b->n_logs, ==, 0);
    bench_free(b);
}

static void test_ste_fetch_bad(void)
{
    Bench *b = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    Sm3Ste s;
    uint64_t dw[8];

    feat_full(&f);
    /* V == 0: C_BAD_STE, flagged invalid, logged */
    ste_nested(dw);
    dw[0] &= ~SM3_STE0_V;
    bench_put_ste(b, ST_BASE + 2 * 64, dw);
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, 4, 2, &s, &fault),
                    ==, SM3_EVT_C_BAD_STE);
    g_assert_true(fault.invalid);
    g_assert_cmphex(fault.addr, ==, ST_BASE + 2 * 64);
    g_assert_cmpuint(b->n_logs, ==, 1);
    g_assert_nonnull(strstr(b->last_log, "C_BAD_STE"));
    /* ILLEGAL but valid: not flagged invalid */
    dw[0] |= SM3_STE0_V;
    dw[2] &= ~SM3_STE2_S2AA64;
    bench_put_ste(b, ST_BASE + 2 * 64, dw);
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, 4, 2, &s, &fault),
                    ==, SM3_EVT_C_BAD_STE);
    g_assert_false(fault.invalid);
    /* C_BAD_STREAMID is logged too */
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, 4, 16, &s, &fault),
                    ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpuint(b->n_logs, ==, 3);
    /* a reserved Config aborts silently, but the guest error is logged */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, 1);
    bench_put_ste(b, ST_BASE + 2 * 64, dw);
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, 4, 2, &s, &fault),
                    ==, SM3_EVT_NONE);
    g_assert_cmpint(s.mode, ==, SM3_STE_MODE_ABORT);
    g_assert_cmpuint(b->n_logs, ==, 4);
    g_assert_nonnull(strstr(b->last_log, "reserved"));
    /* Config 0b000 is not logged; nor is anything without a log hook */
    dw[0] = sm_set(dw[0], SM3_STE0_CONFIG, 0);
    bench_put_ste(b, ST_BASE + 2 * 64, dw);
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, 4, 2, &s, &fault),
                    ==, SM3_EVT_NONE);
    g_assert_cmpuint(b->n_logs, ==, 4);
    b->host.log = NULL;
    g_assert_cmpint(sm3_ste_fetch(&b->host, &f, ST_BASE, 4, 16, &s, &fault),
                    ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_cmpuint(b->n_logs, ==, 4);
    bench_free(b);
}

/* Two benches at once: no shared state between instances */
static void test_two_instances(void)
{
    Bench *b1 = bench_new(), *b2 = bench_new();
    Sm3Features f;
    Sm3Fetch fault;
    uint64_t pa1, pa2;

    feat_full(&f);
    bench_put64(b1, ST_BASE, l1std(0x200000, 2));
    bench_put64(b2, ST_BASE, l1std(0x300000, 2));
    g_assert_cmpint(sm3_ste_locate(&b1->host, &f, ST_BASE, st_cfg_2lvl(8, 6),
                                   1, &pa1, &fault), ==, SM3_EVT_NONE);
    g_assert_cmpint(sm3_ste_locate(&b2->host, &f, ST_BASE, st_cfg_2lvl(8, 6),
                                   1, &pa2, &fault), ==, SM3_EVT_NONE);
    g_assert_cmphex(pa1, ==, 0x200040);
    g_assert_cmphex(pa2, ==, 0x300040);
    bench_free(b1);
    bench_free(b2);
}

int main(int argc, char **argv)
{
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
    g_test_add_func("/sm3/ste/bad/s1-not-implemented",
                    test_bad_s1_not_implemented);
    g_test_add_func("/sm3/ste/bad/s2-not-implemented",
                    test_bad_s2_not_implemented);
    g_test_add_func("/sm3/ste/bad/eats", test_bad_eats);
    g_test_add_func("/sm3/ste/bad/strw", test_bad_strw);
    g_test_add_func("/sm3/ste/bad/s1stalld", test_bad_s1stalld);
    g_test_add_func("/sm3/ste/bad/s1cdmax", test_bad_s1cdmax);
    g_test_add_func("/sm3/ste/bad/s1fmt-no-cd2l", test_bad_s1fmt_no_cd2l);
    g_test_add_func("/sm3/ste/bad/s1contextptr-range",
                    test_bad_s1contextptr_range);
    g_test_add_func("/sm3/ste/bad/s2s", test_bad_s2s);
    g_test_add_func("/sm3/ste/bad/s2aa64", test_bad_s2aa64);
    g_test_add_func("/sm3/ste/bad/s2-httu", test_bad_s2_httu);
    g_test_add_func("/sm3/ste/bad/s2tg", test_bad_s2tg);
    g_test_add_func("/sm3/ste/bad/s2ttb-range", test_bad_s2ttb_range);
    g_test_add_func("/sm3/ste/bad/s2t0sz", test_bad_s2t0sz);
    g_test_add_func("/sm3/ste/bad/s2sl0-reserved", test_bad_s2sl0_reserved);
    g_test_add_func("/sm3/ste/bad/s2sl0-inconsistent",
                    test_bad_s2sl0_inconsistent);
    g_test_add_func("/sm3/ste/bad/s2endi", test_bad_s2endi);
    g_test_add_func("/sm3/ste/bad/vmid16", test_bad_vmid16);
    g_test_add_func("/sm3/ste/s2-geometry", test_s2_geometry);
    g_test_add_func("/sm3/ste/helpers", test_helpers);
    g_test_add_func("/sm3/ste/st/linear", test_st_linear);
    g_test_add_func("/sm3/ste/st/bad-streamid", test_st_bad_streamid);
    g_test_add_func("/sm3/ste/st/2lvl-split6", test_st_2lvl_split6);
    g_test_add_func("/sm3/ste/st/2lvl-split8", test_st_2lvl_split8);
    g_test_add_func("/sm3/ste/st/2lvl-split10", test_st_2lvl_split10);
    g_test_add_func("/sm3/ste/st/2lvl-reserved-split",
                    test_st_2lvl_reserved_split);
    g_test_add_func("/sm3/ste/st/2lvl-span", test_st_2lvl_span);
    g_test_add_func("/sm3/ste/st/fetch-fault", test_st_fetch_fault);
    g_test_add_func("/sm3/ste/fetch/ok", test_ste_fetch_ok);
    g_test_add_func("/sm3/ste/fetch/bad", test_ste_fetch_bad);
    g_test_add_func("/sm3/ste/two-instances", test_two_instances);
    return g_test_run();
}
