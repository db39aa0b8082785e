/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared parts of the STE and CD decode tests; see sm3-tabtest.h.
 */
#include <string.h>

#include "sm3-tabtest.h"

void sm3t_features_full(Sm3Features *f)
{
    *f = (Sm3Features) {
        .stage1 = true, .stage2 = true, .two_level_st = true,
        .two_level_cd = true, .hyp = true, .ats = true, .asid16 = true,
        .vmid16 = true, .big_endian_tables = true,
        .httu = SM3_HTTU_AF_DIRTY, .stall_model = SM3_STALL_AND_TERM,
        .granules = SM3_GRAN_4K | SM3_GRAN_16K | SM3_GRAN_64K,
        .oas_bits = 48, .sidsize = 16, .ssidsize = 20,
    };
}

SmTestMem *sm3t_mem_new(void)
{
    SmTestMem *b = sm_tm_new(SM3T_MEM_SIZE);

    /* The decoders only ever log guest errors. */
    b->guest_errors_only = true;
    return b;
}

void sm3t_assert_tiles(const uint64_t *masks, size_t n)
{
    uint64_t seen = 0;
    size_t i;

    for (i = 0; i < n && masks[i]; i++) {
        uint64_t m = masks[i];
        uint64_t run = m >> __builtin_ctzll(m);

        g_assert_cmphex(run & (run + 1), ==, 0);    /* contiguous */
        g_assert_cmphex(seen & m, ==, 0);           /* disjoint */
        seen |= m;
    }
    g_assert_cmphex(seen, ==, UINT64_MAX);
}

/* Members are bools, enums or unsigned integers of 1 to 8 bytes. */
static void sm3t_store(void *base, const Sm3tStep *st)
{
    char *p = (char *)base + st->off;

    switch (st->size) {
    case 1:
        *(uint8_t *)p = (uint8_t)st->val;
        break;
    case 2:
        *(uint16_t *)p = (uint16_t)st->val;
        break;
    case 4:
        *(uint32_t *)p = (uint32_t)st->val;
        break;
    case 8:
        *(uint64_t *)p = st->val;
        break;
    default:
        g_error("member of %zu bytes", st->size);
    }
}

static uint64_t sm3t_load(const void *base, const Sm3tStep *st)
{
    const char *p = (const char *)base + st->off;

    switch (st->size) {
    case 1:
        return *(const uint8_t *)p;
    case 2:
        return *(const uint16_t *)p;
    case 4:
        return *(const uint32_t *)p;
    case 8:
        return *(const uint64_t *)p;
    default:
        g_error("member of %zu bytes", st->size);
    }
}

void sm3t_expect_ok(const Sm3tKind *k, const uint64_t *dw,
                           const Sm3Features *f, void *ctx, void *out)
{
    const char *why = NULL;

    if (k->check(dw, f, ctx, out, &why) != SM3_EVT_NONE) {
        g_error("unexpected ILLEGAL: %s", why);
    }
    g_assert_cmpstr(why, ==, "");
}

void sm3t_expect_bad(const Sm3tKind *k, const uint64_t *dw,
                            const Sm3Features *f, void *ctx, void *out,
                            const char *needle)
{
    const char *why = NULL;

    g_assert_cmpint(k->check(dw, f, ctx, out, &why), ==, k->bad_event);
    g_assert_nonnull(why);
    if (!strstr(why, needle)) {
        g_error("reason '%s' does not mention '%s'", why, needle);
    }
}

void sm3t_expect_fields(const void *out, const Sm3tStep *steps)
{
    const Sm3tStep *st;

    for (st = steps; st->op == SM3T_OP_EXPECT; st++) {
        g_assert_cmphex(sm3t_load(out, st), ==, st->val);
    }
    g_assert_cmpint(st->op, ==, SM3T_OP_END);
}

void sm3t_run(const Sm3tKind *k, const Sm3tStep *steps, uint64_t *dw,
              Sm3Features *f, void *ctx, void *out)
{
    const Sm3tStep *st;

    for (st = steps; st->op != SM3T_OP_END; st++) {
        g_assert_cmpuint(st->w, <, 8);
        switch (st->op) {
        case SM3T_OP_SET:
            dw[st->w] = sm_set(dw[st->w], st->mask, st->val);
            break;
        case SM3T_OP_OR:
            dw[st->w] |= st->mask;
            break;
        case SM3T_OP_CLR:
            dw[st->w] &= ~st->mask;
            break;
        case SM3T_OP_XOR:
            dw[st->w] ^= st->mask;
            break;
        case SM3T_OP_RAW:
            dw[st->w] = st->val;
            break;
        case SM3T_OP_FEAT:
            sm3t_store(f, st);
            break;
        case SM3T_OP_CTX:
            sm3t_store(ctx, st);
            break;
        case SM3T_OP_OK:
            sm3t_expect_ok(k, dw, f, ctx, out);
            break;
        case SM3T_OP_BAD:
            sm3t_expect_bad(k, dw, f, ctx, out, st->needle);
            break;
        case SM3T_OP_EXPECT:
            g_assert_cmphex(sm3t_load(out, st), ==, st->val);
            break;
        case SM3T_OP_PROBE:
            g_assert_cmphex(st->probe(out), ==, st->val);
            break;
        default:
            g_error("bad script op %d", st->op);
        }
    }
}

/* ---- walk geometry ------------------------------------------------------- */

/* Empty translation tables: every descriptor reads as 0 (invalid). */
static SmBusResult sm3t_zero_read(void *opaque, uint64_t pa, void *buf,
                                  size_t len, SmAttrs attrs)
{
    memset(buf, 0, len);
    return SM_BUS_OK;
}

/* sm_walk() of the read of @addr through @sc alone, over empty tables. */
static void sm3t_walk_empty(const SmWalkStageCfg *sc, bool stage2,
                            uint64_t addr, SmWalkResult *res)
{
    static const SmHost host = { .read = sm3t_zero_read };
    SmWalkCfg cfg = { 0 };
    SmWalkReq req = { .addr = addr };

    if (stage2) {
        cfg.s2 = *sc;
    } else {
        cfg.s1 = *sc;
    }
    sm_walk(&host, &cfg, &req, res);
}

/*
 * The lowest address of @sc's input range: 0, or all ones above the
 * input bits for a TTB1 range (whose addresses sign-extend).
 */
static uint64_t sm3t_range_base(const SmWalkStageCfg *sc)
{
    return sc->upper ? ~sm_low_mask(64 - sc->tsz) : 0;
}

/*
 * The descriptor address the start-level lookup of @addr reads: the one
 * access of a walk over empty tables, which faults right there.
 */
static uint64_t sm3t_start_desc(const SmWalkStageCfg *sc, bool stage2,
                                uint64_t addr, SmWalkResult *res)
{
    sm3t_walk_empty(sc, stage2, addr, res);
    g_assert_cmpint(res->outcome, ==, SM_WALK_FAULT_TRANSLATION);
    g_assert_cmpuint(res->n_accesses, ==, 1);
    return res->accesses[0].addr;
}

int sm3t_walk_start_level(const SmWalkStageCfg *sc, bool stage2)
{
    SmWalkResult res;

    sm3t_start_desc(sc, stage2, sm3t_range_base(sc), &res);
    g_assert_cmpint(res.fault.level, ==, sm_walk_start_level(sc, stage2));
    return res.fault.level;
}

unsigned sm3t_walk_concat(const SmWalkStageCfg *sc, bool stage2)
{
    uint64_t first = sm3t_range_base(sc);
    uint64_t last = first | sm_low_mask(64 - sc->tsz);
    SmWalkResult res;
    uint64_t lo, hi;
    unsigned n;

    /* The first and last input addresses index both ends of the table */
    lo = sm3t_start_desc(sc, stage2, first, &res);
    hi = sm3t_start_desc(sc, stage2, last, &res);
    n = ((hi - lo) >> sm_granule_shift(sc->granule)) + 1;
    g_assert_cmpuint(n, ==, sm_walk_concat_tables(sc, stage2));
    return n;
}

unsigned sm3t_walk_input_bits(const SmWalkStageCfg *sc, bool stage2)
{
    uint64_t base = sm3t_range_base(sc);
    SmWalkResult res;
    unsigned n;

    /* Out of range: a Translation fault before any descriptor is read */
    for (n = 0; n < 64; n++) {
        sm3t_walk_empty(sc, stage2, base ^ (UINT64_C(1) << n), &res);
        if (!res.n_accesses) {
            break;
        }
    }
    g_assert_cmpint(res.outcome, ==, SM_WALK_FAULT_TRANSLATION);
    g_assert_cmpuint(n, ==, 64 - sc->tsz);
    return n;
}

unsigned sm3t_walk_output_bits(const SmWalkStageCfg *sc, bool stage2)
{
    SmWalkStageCfg moved = *sc;
    SmWalkResult res;
    unsigned n;

    for (n = 0; n < 64; n++) {
        moved.ttb = UINT64_C(1) << n;
        sm3t_walk_empty(&moved, stage2, sm3t_range_base(sc), &res);
        if (res.outcome == SM_WALK_FAULT_ADDR_SIZE) {
            break;
        }
    }
    /* Refused before the table is read, and never beyond the config's */
    g_assert_cmpuint(res.n_accesses, ==, 0);
    g_assert_cmpuint(n, <=, sc->oas_bits);
    return n;
}
