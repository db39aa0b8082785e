/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the SMMUv3 configuration decoders
 * (models/smmuv3/sm3-ste.c, sm3-cd.c): STE and CD decode and
 * validation, CD range selection, stream-table lookup and CD fetch, on
 * any dwords and feature sets within the architecture's rules.
 *
 * Contracts checked (sm3-tables.h):
 *  - validation returns NONE or C_BAD_STE / C_BAD_CD, with a reason that
 *    is "" exactly when it returns NONE; decoding keeps the raw dwords;
 *  - a valid STE or CD only yields what the instance implements
 *    (granules, output size, HTTU, stall model, big-endian tables, EL2);
 *  - what validation accepts, the walker can walk: the stage-2 walk
 *    parameters of a valid STE and the stage-1 parameters sm3_cd_select()
 *    derives from a valid CD pass sm_walk_check_stage(), their table
 *    base is aligned to the start table the walker's geometry gives, and
 *    a walk over empty tables (IPA 0, the selected address) is a
 *    translation fault at the walker's start level;
 *  - the STE address sm3_ste_locate() returns is the one SMMU_STRTAB_BASE
 *    and the L1STD describe, aligned, within the OAS, and StreamIDs
 *    beyond the table are C_BAD_STREAMID;
 *  - sm3_cd_fetch() returns only the events it documents.
 */
#include <string.h>

#include <glib.h>

#include "fuzz-common.h"
#include "fuzz-features.h"
#include "sm-testmem.h"
#include "sm3-regs.h"
#include "sm3-tables.h"

#define MEM_SIZE   (1u << 20)
#define MAX_OPS    64

typedef struct T {
    FzIn in;
    Sm3Features f;
    SmTestMem *tm;
    Sm3Ste ste;              /* the last valid STE, CD context */
    bool have_ste;
} T;

static SmTestMem *g_tm;
static bool g_wrote;            /* memory to clear after this input */

static void log_hook(void *opaque, SmLogKind kind, const char *msg)
{
    FZ_CHECK(kind == SM_LOG_GUEST_ERROR, "decoder log of kind %d", kind);
    FZ_CHECK(msg && !strchr(msg, '\n'), "decoder log line");
}

static void features(T *t)
{
    Sm3Features *f = &t->f;
    uint8_t a = fz_u8(&t->in), b = fz_u8(&t->in), c = fz_u8(&t->in);
    static const uint8_t oas[8] = { 32, 36, 40, 42, 44, 48, 52, 48 };

    memset(f, 0, sizeof(*f));
    f->stage1 = (a & 3) != 1;
    f->stage2 = (a & 3) != 0;
    f->hyp = a & 4;            /* fz_features_repair() below */
    f->ats = a & 8;
    f->pri = a & 16;
    f->two_level_cd = a & 32;
    f->two_level_st = a & 64;
    f->big_endian_tables = a & 128;
    f->asid16 = b & 1;
    f->vmid16 = b & 2;
    f->httu = MIN(fz_bits(b, 2, 2), 2u);
    f->stall_model = fz_bits(b, 4, 2) == 3 ? SM3_STALL_AND_TERM
                                           : fz_bits(b, 4, 2);
    f->granules = fz_bits(b, 6, 2) | ((c & 1) << 2);
    if (!f->granules) {
        f->granules = SM3_GRAN_64K;
    }
    f->oas_bits = oas[fz_bits(c, 1, 3)];
    f->ssidsize = (c >> 4) * 20 / 15;
    f->sidsize = fz_u8(&t->in) % 33;
    fz_features_repair(f);
    FZ_CHECK(sm3_features_broken_rule(f) == NULL, "feature set refused: "
             "%s", sm3_features_broken_rule(f)->rule);
}

/*
 * Eight dwords: a plausible entry (chosen fields over a template) with
 * fuzzer-chosen bits on top, or raw.
 */
static void dwords(T *t, uint64_t dw[8], bool cd)
{
    uint8_t how = fz_u8(&t->in);
    unsigned i;

    memset(dw, 0, 8 * sizeof(*dw));
    if ((how & 3) == 3) {
        for (i = 0; i < 8; i++) {
            dw[i] = fz_u64(&t->in);
        }
        return;
    }
    if (cd) {
        dw[0] = sm_prep(SM3_CD0_T0SZ, 16 + fz_u8(&t->in) % 24) |
                sm_prep(SM3_CD0_TG0, how >> 6) |
                sm_prep(SM3_CD0_T1SZ, 16 + fz_u8(&t->in) % 24) |
                sm_prep(SM3_CD0_TG1, how >> 4) |
                ((how & 4) ? SM3_CD0_EPD1 : 0) |
                ((how & 8) ? SM3_CD0_EPD0 : 0) |
                SM3_CD0_V | SM3_CD0_AA64 | SM3_CD0_A | SM3_CD0_R |
                sm_prep(SM3_CD0_IPS, fz_u8(&t->in)) |
                sm_prep(SM3_CD0_ASID, fz_u16(&t->in)) |
                (t->f.stall_model == SM3_STALL_FORCE ? SM3_CD0_S : 0);
        dw[1] = fz_u32(&t->in) & SM3_CD1_TTB0 & ~UINT64_C(0xfff);
        dw[2] = ((uint64_t)fz_u32(&t->in) << 12) & SM3_CD2_TTB1;
    } else {
        static const uint8_t cfg[4] = { 4, 5, 6, 7 };

        dw[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, cfg[how >> 6]) |
                (fz_u32(&t->in) & SM3_STE0_S1CONTEXTPTR) |
                sm_prep(SM3_STE0_S1CDMAX, fz_u8(&t->in) % 21) |
                sm_prep(SM3_STE0_S1FMT, how >> 4);
        dw[1] = sm_prep(SM3_STE1_S1DSS, how >> 2) |
                sm_prep(SM3_STE1_STRW, (how & 4) ? 2 : 0);
        dw[2] = sm_prep(SM3_STE2_S2T0SZ, 12 + fz_u8(&t->in) % 28) |
                sm_prep(SM3_STE2_S2SL0, fz_u8(&t->in)) |
                sm_prep(SM3_STE2_S2TG, how >> 4) |
                sm_prep(SM3_STE2_S2PS, fz_u8(&t->in)) | SM3_STE2_S2AA64 |
                sm_prep(SM3_STE2_S2VMID, fz_u16(&t->in)) |
                (t->f.stall_model == SM3_STALL_FORCE ? SM3_STE2_S2S : 0);
        dw[3] = fz_u32(&t->in) & SM3_STE3_S2TTB & ~UINT64_C(0xfff);
    }
    /* A few more bits flipped, anywhere. */
    for (i = 0; i < (how >> 2 & 3); i++) {
        uint8_t bit = fz_u8(&t->in);

        dw[bit >> 6 & 3] ^= UINT64_C(1) << (bit & 63);
    }
}

static bool gran_ok(const Sm3Features *f, SmGranule g)
{
    return (g == SM_GRANULE_4K && (f->granules & SM3_GRAN_4K)) ||
           (g == SM_GRANULE_16K && (f->granules & SM3_GRAN_16K)) ||
           (g == SM_GRANULE_64K && (f->granules & SM3_GRAN_64K));
}

/* Reads of an empty table: every descriptor invalid. */
static SmBusResult zero_read(void *opaque, uint64_t pa, void *buf,
                             size_t len, SmAttrs attrs)
{
    unsigned *n = opaque;

    (*n)++;
    memset(buf, 0, len);
    return SM_BUS_OK;
}

/*
 * A stage a decoder accepted walks with the walker's geometry: its table
 * base is aligned to the start table (concatenated ones included) that
 * the walker's start level gives, so the decoder's own idea of the start
 * level agrees; and a walk of @addr over empty tables reads one
 * descriptor and faults there, at that start level.
 */
static void check_walk_geometry(const SmWalkStageCfg *sc, bool stage2,
                                uint64_t addr, const char *who)
{
    int start = sm_walk_start_level(sc, stage2);
    unsigned table_bits = 64 - sc->tsz -
                          sm_walk_level_shift(sc->granule, start) + 3;
    unsigned reads = 0;
    SmHost host = { .opaque = &reads, .read = zero_read };
    SmWalkCfg cfg = { 0 };
    SmWalkReq req = { .addr = addr };
    SmWalkResult res;

    FZ_CHECK(!(sc->ttb & sm_low_mask(table_bits)), "%s: table base 0x%"
             PRIx64 " not aligned to the %u-bit start table of level %d",
             who, sc->ttb, table_bits, start);
    if (stage2) {
        cfg.s2 = *sc;
    } else {
        cfg.s1 = *sc;
    }
    sm_walk(&host, &cfg, &req, &res);
    FZ_CHECK(res.outcome == SM_WALK_FAULT_TRANSLATION &&
             res.fault.level == start && reads == 1,
             "%s: walk of 0x%" PRIx64 ": %s at level %d after %u reads, "
             "expected a translation fault at the start level %d", who,
             addr, sm_walk_outcome_name(res.outcome), res.fault.level,
             reads, start);
}

static void op_ste(T *t)
{
    uint64_t dw[8];
    Sm3Ste ste, again;
    const char *why = NULL, *why2 = NULL;
    int evt, evt2;
    const Sm3Features *f = &t->f;
    static const Sm3SteMode modes[8] = {
        SM3_STE_MODE_ABORT, SM3_STE_MODE_ABORT, SM3_STE_MODE_ABORT,
        SM3_STE_MODE_ABORT, SM3_STE_MODE_BYPASS, SM3_STE_MODE_S1,
        SM3_STE_MODE_S2, SM3_STE_MODE_NESTED,
    };

    dwords(t, dw, false);
    sm3_ste_decode(dw, &ste);
    FZ_CHECK(!memcmp(ste.raw, dw, sizeof(dw)), "STE decode lost raw dwords");
    again = ste;
    evt = sm3_ste_validate(&ste, f, &why);
    evt2 = sm3_ste_validate(&again, f, &why2);
    FZ_CHECK(evt == evt2 && why == why2, "STE validation not repeatable");
    FZ_CHECK(evt == SM3_EVT_NONE || evt == SM3_EVT_C_BAD_STE,
             "STE validation event 0x%x", evt);
    FZ_CHECK(why && (evt == SM3_EVT_NONE) == (why[0] == 0),
             "STE validation %d with reason '%s'", evt, why ? why : "NULL");
    if (evt != SM3_EVT_NONE) {
        FZ_CHECK(ste.mode == SM3_STE_MODE_ABORT && !ste.s1_enabled &&
                 !ste.s2_enabled, "derived fields of an illegal STE");
        return;
    }
    FZ_CHECK(ste.v, "valid STE with V == 0");
    FZ_CHECK(ste.mode == modes[ste.config & 7], "STE mode %d for Config %u",
             ste.mode, ste.config);
    FZ_CHECK(ste.s1_enabled == (ste.mode == SM3_STE_MODE_S1 ||
                                ste.mode == SM3_STE_MODE_NESTED) &&
             ste.s2_enabled == (ste.mode == SM3_STE_MODE_S2 ||
                                ste.mode == SM3_STE_MODE_NESTED),
             "STE stage enables");
    FZ_CHECK(!ste.s1_enabled || f->stage1, "stage 1 without S1P");
    FZ_CHECK(!ste.s2_enabled || f->stage2, "stage 2 without S2P");
    FZ_CHECK(ste.world == SM3_WORLD_NS_EL1 ||
             (ste.world == SM3_WORLD_NS_EL2 && f->hyp &&
              ste.mode == SM3_STE_MODE_S1), "StreamWorld %d", ste.world);
    if (ste.s2_enabled) {
        const SmWalkStageCfg *sc = &ste.s2cfg;
        SmWalkCfgError e = sm_walk_check_stage(sc, true);

        FZ_CHECK(sc->enabled && gran_ok(f, sc->granule),
                 "stage-2 granule %d not implemented", sc->granule);
        FZ_CHECK(sc->oas_bits <= f->oas_bits, "S2 output %u > OAS %u",
                 sc->oas_bits, f->oas_bits);
        FZ_CHECK(!sc->ha || f->httu != SM3_HTTU_NONE, "S2HA without HTTU");
        FZ_CHECK(!sc->hd || f->httu == SM3_HTTU_AF_DIRTY, "S2HD without "
                 "dirty HTTU");
        FZ_CHECK(!sc->big_endian || f->big_endian_tables, "S2ENDI");
        FZ_CHECK(!ste.s2s || f->stall_model != SM3_STALL_NONE, "S2S");
        FZ_CHECK(ste.s2s || f->stall_model != SM3_STALL_FORCE, "!S2S");
        /*
         * S2InvalidSL: the STE check and the walker must both take PAMax
         * from the OAS (once they did not: repro/ s2sl0-pamax).
         */
        if (e == SM_WALK_CFG_SL0 && sc->oas_bits < f->oas_bits) {
            FZ_CHECK(false,
                           "a valid STE gives stage-2 walk parameters the "
                           "walker refuses (sl0): S2TG %u S2T0SZ %u S2SL0 %u "
                           "S2PS %u (%u bits), OAS %u", ste.s2tg, ste.s2t0sz,
                           ste.s2sl0, ste.s2ps, sc->oas_bits, f->oas_bits);
            return;
        }
        FZ_CHECK(e == SM_WALK_CFG_OK,
                 "a valid STE gives stage-2 walk parameters the walker "
                 "refuses (%s): S2TG %u S2T0SZ %u S2SL0 %u S2PS %u, OAS %u "
                 "-> granule %d tsz %u sl0 %u oas %u",
                 sm_walk_cfg_error_name(e), ste.s2tg, ste.s2t0sz, ste.s2sl0,
                 ste.s2ps, f->oas_bits, sc->granule, sc->tsz, sc->sl0,
                 sc->oas_bits);
        FZ_CHECK(!(sc->ttb >> sc->oas_bits), "S2TTB beyond the output");
        check_walk_geometry(sc, true, 0, "STE stage 2");
    }
    t->ste = ste;
    t->have_ste = ste.s1_enabled;
}

static void op_cd(T *t)
{
    uint64_t dw[8];
    Sm3Cd cd;
    const char *why = NULL;
    const Sm3Features *f = &t->f;
    int evt;
    unsigned i;

    if (!t->have_ste) {
        return;
    }
    dwords(t, dw, true);
    sm3_cd_decode(dw, &cd);
    FZ_CHECK(!memcmp(cd.raw, dw, sizeof(dw)), "CD decode lost raw dwords");
    evt = sm3_cd_validate(&cd, &t->ste, f, &why);
    FZ_CHECK(evt == SM3_EVT_NONE || evt == SM3_EVT_C_BAD_CD,
             "CD validation event 0x%x", evt);
    FZ_CHECK(why && (evt == SM3_EVT_NONE) == (why[0] == 0),
             "CD validation %d with reason '%s'", evt, why ? why : "NULL");
    if (evt != SM3_EVT_NONE) {
        return;
    }
    FZ_CHECK(cd.v && cd.aa64, "valid CD with V or AA64 clear");
    FZ_CHECK(cd.world == t->ste.world, "CD world");
    FZ_CHECK(cd.eff_ips_bits <= f->oas_bits, "CD IPS beyond OAS");
    FZ_CHECK(!cd.s || (f->stall_model != SM3_STALL_NONE &&
                       !t->ste.s1stalld), "CD.S");
    FZ_CHECK(cd.s || f->stall_model != SM3_STALL_FORCE, "!CD.S, forced");
    for (i = 0; i < 4; i++) {
        uint64_t iova = fz_u64(&t->in);
        Sm3S1Walk walk;
        SmWalkCfgError e;

        if (i & 1) {
            /* Near the range boundaries rather than anywhere */
            iova = (i & 2 ? ~UINT64_C(0) << (fz_u8(&t->in) & 63) : 0) ^
                   (iova & 0xffff);
        }
        evt = sm3_cd_select(&cd, iova, &walk);
        FZ_CHECK(evt == SM3_EVT_NONE || evt == SM3_EVT_F_TRANSLATION,
                 "CD select event 0x%x", evt);
        FZ_CHECK(!walk.ttb1 || !cd.ttb1_unreachable, "TTB1 selected in an "
                 "EL2 StreamWorld");
        if (evt != SM3_EVT_NONE) {
            continue;
        }
        e = sm_walk_check_stage(&walk.cfg, false);
        FZ_CHECK(e == SM_WALK_CFG_OK && gran_ok(f, walk.cfg.granule),
                 "a valid CD selects stage-1 walk parameters the walker "
                 "refuses (%s, granule %d, tsz %u, oas %u)",
                 sm_walk_cfg_error_name(e), walk.cfg.granule, walk.cfg.tsz,
                 walk.cfg.oas_bits);
        FZ_CHECK(!walk.cfg.ha || f->httu != SM3_HTTU_NONE, "CD HA");
        FZ_CHECK(!walk.cfg.hd || (walk.cfg.ha &&
                                  f->httu == SM3_HTTU_AF_DIRTY), "CD HD");
        FZ_CHECK(!walk.cfg.big_endian || f->big_endian_tables, "CD ENDI");
        FZ_CHECK(walk.cfg.single_priv == (cd.world == SM3_WORLD_NS_EL2),
                 "single privilege level");
        check_walk_geometry(&walk.cfg, false, walk.addr, "CD stage 1");
    }
}

static void op_locate(T *t)
{
    uint8_t b = fz_u8(&t->in);
    uint64_t base = (b & 1) ? fz_u64(&t->in) : fz_u32(&t->in) % MEM_SIZE;
    uint32_t cfg = fz_u32(&t->in), sid = fz_u32(&t->in);
    unsigned log2size, eff;
    uint64_t pa;
    Sm3Fetch fault;
    int evt;

    if (b & 2) {
        cfg &= SM_MASK(17, 0);
        sid &= 0xffff;
    }
    if (b & 4) {
        uint64_t l1 = (base & ~UINT64_C(63)) + 8 * (sid >> 6);

        if (l1 < MEM_SIZE - 8) {
            uint64_t d = (fz_u32(&t->in) % MEM_SIZE) | (b >> 4);

            sm_tm_put(t->tm, l1, &d, 1);
            g_wrote = true;
        }
    }
    log2size = sm_get(cfg, SM3_STRTAB_BASE_CFG_LOG2SIZE);
    eff = MIN(log2size, (unsigned)t->f.sidsize);
    evt = sm3_ste_locate(&t->tm->host, &t->f, base, cfg, sid, &pa, &fault);
    FZ_CHECK(evt == SM3_EVT_NONE || evt == SM3_EVT_C_BAD_STREAMID ||
             evt == SM3_EVT_F_STE_FETCH, "locate event 0x%x", evt);
    FZ_CHECK(fault.reason && (evt == SM3_EVT_NONE) == !fault.reason[0],
             "locate reason");
    if ((uint64_t)sid >> eff) {
        FZ_CHECK(evt == SM3_EVT_C_BAD_STREAMID, "StreamID 0x%x beyond 2^%u "
                 "gave event 0x%x", sid, eff, evt);
    }
    if (evt != SM3_EVT_NONE) {
        return;
    }
    FZ_CHECK(!(pa & 63) && !((pa + 63) >> t->f.oas_bits),
             "STE at 0x%" PRIx64, pa);
    if (!t->f.two_level_st ||
        sm_get(cfg, SM3_STRTAB_BASE_CFG_FMT) != SM3_STRTAB_FMT_2LVL) {
        uint64_t b0 = base & SM3_STRTAB_BASE_ADDR & ~sm_low_mask(MIN(log2size + 6,
                                                                 64u));

        FZ_CHECK(pa == b0 + (uint64_t)sid * 64, "linear STE of 0x%x at 0x%"
                 PRIx64 ", expected 0x%" PRIx64, sid, pa,
                 b0 + (uint64_t)sid * 64);
    }
}

static void op_cd_fetch(T *t)
{
    uint8_t b = fz_u8(&t->in);
    Sm3Cd out;
    Sm3Fetch fault;
    uint32_t ssid = fz_u32(&t->in) & 0xfffff;
    int evt;
    unsigned i;

    if (!t->have_ste) {
        return;
    }
    /* Something at the CD pointer: L1CDs to low memory and CD dwords */
    for (i = 0; i < (b & 7); i++) {
        uint64_t pa = ((t->ste.s1contextptr & (MEM_SIZE - 1)) + 8 * i +
                       64 * (fz_u8(&t->in) & 7)) & (MEM_SIZE - 8);
        uint64_t v = (i & 1) ? fz_u64(&t->in)
                             : ((fz_u32(&t->in) % MEM_SIZE) | 1);

        sm_tm_put(t->tm, pa, &v, 1);
        g_wrote = true;
    }
    evt = sm3_cd_fetch(&t->tm->host, &t->f, &t->ste, 3, b & 8, ssid, NULL,
                       NULL, &out, &fault);
    FZ_CHECK(evt == SM3_EVT_NONE || evt == SM3_EVT_C_BAD_SUBSTREAMID ||
             evt == SM3_EVT_F_STREAM_DISABLED || evt == SM3_EVT_F_CD_FETCH ||
             evt == SM3_EVT_C_BAD_STE || evt == SM3_EVT_C_BAD_CD,
             "CD fetch event 0x%x", evt);
    FZ_CHECK(!fault.stage2, "stage-2 fault without a stage-2 callback");
    FZ_CHECK(evt != SM3_EVT_NONE || fault.s1_bypass || out.v,
             "CD fetch succeeded without a CD or a bypass");
    FZ_CHECK(!fault.invalid || evt == SM3_EVT_C_BAD_CD, "invalid flag");
}

FZ_ASAN_DEFAULTS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    T t;
    unsigned ops = 0;

    if (!g_tm) {
        g_tm = sm_tm_new(MEM_SIZE);
        g_tm->host.log = log_hook;
    }
    memset(&t, 0, sizeof(t));
    t.in.p = data;
    t.in.n = size;
    t.tm = g_tm;
    features(&t);
    while (!fz_empty(&t.in) && ops++ < MAX_OPS) {
        switch (fz_u8(&t.in) % 6) {
        case 0:
        case 1:
            op_ste(&t);
            break;
        case 2:
        case 3:
            op_cd(&t);
            break;
        case 4:
            op_locate(&t);
            break;
        default:
            op_cd_fetch(&t);
            break;
        }
    }
    if (g_wrote) {
        memset(g_tm->ram, 0, MEM_SIZE);
        g_wrote = false;
    }
    return 0;
}
