/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMSAv8-64 translation table walker: see sm-walk.h.
 *
 * References: Arm ARM (DDI0487) D8.2 (translation tables), D8.3
 * (descriptor formats), D8.4 (permissions), D8.5 (Access flag, dirty
 * state), D8.14 (fault prioritisation); SMMUv3 (IHI0070) 3.4 (address
 * sizes), 3.13 (HTTU), 5.2 (STE S2 fields), 5.4 (CD fields).
 */
#include <glib.h>
#include <stddef.h>
#include <string.h>

#include "sm-bits.h"
#include "sm-walk.h"

#define SM_WALK_LEVELS       4

/* ---- Geometry (Arm ARM D8.2) ------------------------------------------- */

SmGranule sm_granule_from_tg0(unsigned tg0)
{
    static const SmGranule map[4] = {
        SM_GRANULE_4K, SM_GRANULE_64K, SM_GRANULE_16K, SM_GRANULE_INVALID,
    };

    return map[tg0 & 3];
}

SmGranule sm_granule_from_tg1(unsigned tg1)
{
    static const SmGranule map[4] = {
        SM_GRANULE_INVALID, SM_GRANULE_16K, SM_GRANULE_4K, SM_GRANULE_64K,
    };

    return map[tg1 & 3];
}

static const uint8_t sm_pa_sizes[] = { 32, 36, 40, 42, 44, 48, 52 };

unsigned sm_pa_size_bits(unsigned enc)
{
    return enc < G_N_ELEMENTS(sm_pa_sizes) ? sm_pa_sizes[enc] : 0;
}

int sm_pa_size_encoding(unsigned bits)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm_pa_sizes); i++) {
        if (sm_pa_sizes[i] == bits) {
            return (int)i;
        }
    }
    return -1;
}

SmGranule sm_granule_from_shift(unsigned shift)
{
    switch (shift) {
    case 12:
        return SM_GRANULE_4K;
    case 14:
        return SM_GRANULE_16K;
    case 16:
        return SM_GRANULE_64K;
    default:
        return SM_GRANULE_INVALID;
    }
}

uint64_t sm_walk_block_size(SmGranule g, int level)
{
    unsigned shift = sm_walk_level_shift(g, level);

    return shift && shift < 64 ? UINT64_C(1) << shift : 0;
}

uint64_t sm_walk_index(SmGranule g, int level, uint64_t addr)
{
    unsigned shift = sm_walk_level_shift(g, level);

    if (!shift || shift >= 64) {
        return 0;
    }
    return (addr >> shift) & sm_low_mask(sm_walk_bits_per_level(g));
}

unsigned sm_walk_start_bits(SmGranule g, int start, unsigned ias_bits)
{
    unsigned shift = sm_walk_level_shift(g, start);

    return shift && ias_bits > shift ? ias_bits - shift : 0;
}

uint64_t sm_walk_start_index(SmGranule g, int start, unsigned ias_bits,
                             uint64_t addr)
{
    unsigned bits = sm_walk_start_bits(g, start, ias_bits);

    if (!bits) {
        return 0;
    }
    return (addr >> sm_walk_level_shift(g, start)) & sm_low_mask(bits);
}

/*
 * Block descriptors (D8.3.1), without FEAT_LPA2: 4K at levels 1 and 2,
 * 16K at level 2, 64K at level 2 and, with a 52-bit OA (FEAT_LPA), at
 * level 1.  A block anywhere else is a reserved encoding.
 */
bool sm_walk_block_allowed(SmGranule g, int level, unsigned oas_bits)
{
    switch (g) {
    case SM_GRANULE_4K:
        return level == 1 || level == 2;
    case SM_GRANULE_16K:
        return level == 2;
    case SM_GRANULE_64K:
        return level == 2 || (level == 1 && oas_bits >= 52);
    default:
        return false;
    }
}

/* Largest input size a granule can walk without FEAT_LPA2. */
static unsigned sm_walk_max_ias(SmGranule g)
{
    return g == SM_GRANULE_64K ? 52 : 48;
}

/*
 * Stage-1 start level by granule and input size: 4 - ceil((ias - gs) /
 * bpl) levels, -1 where the size is not walkable (at most the granule, or
 * over sm_walk_max_ias()).  A table: it is asked for on every walk.
 */
#define SM_S1_BPL(gs) ((gs) - 3)
#define SM_S1_LEVELS(gs, ias) \
    (((ias) - (gs) + SM_S1_BPL(gs) - 1) / SM_S1_BPL(gs))
#define SM_S1_START(gs, max, ias) \
    ((ias) <= (gs) || (ias) > (max) || SM_S1_LEVELS(gs, ias) > 4 ? -1 : \
     4 - SM_S1_LEVELS(gs, ias))
#define SM_S1_START8(gs, max, i) \
    SM_S1_START(gs, max, (i)), SM_S1_START(gs, max, (i) + 1), \
    SM_S1_START(gs, max, (i) + 2), SM_S1_START(gs, max, (i) + 3), \
    SM_S1_START(gs, max, (i) + 4), SM_S1_START(gs, max, (i) + 5), \
    SM_S1_START(gs, max, (i) + 6), SM_S1_START(gs, max, (i) + 7)
#define SM_S1_START_ROW(gs, max) { \
    SM_S1_START8(gs, max, 0), SM_S1_START8(gs, max, 8), \
    SM_S1_START8(gs, max, 16), SM_S1_START8(gs, max, 24), \
    SM_S1_START8(gs, max, 32), SM_S1_START8(gs, max, 40), \
    SM_S1_START8(gs, max, 48), SM_S1_START8(gs, max, 56), \
    SM_S1_START(gs, max, 64) }

static const int8_t sm_walk_s1_starts[SM_GRANULE_INVALID][65] = {
    [SM_GRANULE_4K] = SM_S1_START_ROW(12, 48),
    [SM_GRANULE_16K] = SM_S1_START_ROW(14, 48),
    [SM_GRANULE_64K] = SM_S1_START_ROW(16, 52),
};

int sm_walk_s1_start_level(SmGranule g, unsigned ias_bits)
{
    if ((unsigned)g >= SM_GRANULE_INVALID || ias_bits > 64) {
        return -1;
    }
    return sm_walk_s1_starts[g][ias_bits];
}

/* VTCR_EL2.SL0 / STE.S2SL0 (D8.2.6); 3 needs FEAT_LPA2 or FEAT_TTST. */
int sm_walk_s2_start_level(SmGranule g, unsigned sl0)
{
    if (sl0 > 2) {
        return -1;
    }
    switch (g) {
    case SM_GRANULE_4K:
        return 2 - (int)sl0;
    case SM_GRANULE_16K:
    case SM_GRANULE_64K:
        return 3 - (int)sl0;
    default:
        return -1;
    }
}

/* ---- Configuration checks ---------------------------------------------- */

/*
 * Effective output size.  Without FEAT_LPA2, 4K and 16K descriptors hold
 * at most a 48-bit OA, so a 52-bit OAS behaves as 48 for them (as IPS or
 * PS values above the implemented size are treated as that size).
 */
static unsigned sm_walk_oas(const SmWalkStageCfg *sc)
{
    if (sc->oas_bits > 48 && sc->granule != SM_GRANULE_64K) {
        return 48;
    }
    return sc->oas_bits > 52 ? 52 : sc->oas_bits;
}

static unsigned sm_walk_ias(const SmWalkStageCfg *sc)
{
    return sc->tsz >= 64 ? 0 : 64 - sc->tsz;
}

/*
 * AArch64.S2InvalidSL: a start level the implemented PA size cannot need
 * (SmWalkStageCfg.pamax_bits, else the effective OAS).
 */
static bool sm_walk_s2_sl_invalid(SmGranule g, int start, unsigned oas)
{
    switch (g) {
    case SM_GRANULE_4K:
        return start == 0 && oas < 44;
    case SM_GRANULE_16K:
        return start == 1 && oas < 42;
    case SM_GRANULE_64K:
        return start == 1 && oas < 44;
    default:
        return true;
    }
}

int sm_walk_s2_valid_start_level(SmGranule g, unsigned sl0, unsigned pamax)
{
    int start = sm_walk_s2_start_level(g, sl0);

    return start < 0 || sm_walk_s2_sl_invalid(g, start, pamax) ? -1 : start;
}

/* One stage of a walk: its configuration and the geometry it implies. */
typedef struct SmWalkStage {
    const SmWalkStageCfg *sc;
    bool s2;
    unsigned stage;          /* 1 or 2, for records */
    unsigned gs;             /* granule shift */
    unsigned bpl;            /* bits per level */
    unsigned ias;
    unsigned oas;
    int start;
} SmWalkStage;

/*
 * Check stage @sc and work out its geometry into @st: what
 * sm_walk_check_stage() answers and what a walk needs, computed once.
 */
static SmWalkCfgError sm_walk_stage_setup(const SmWalkStageCfg *sc,
                                          bool stage2, SmWalkStage *st)
{
    unsigned start_bits;

    st->sc = sc;
    st->s2 = stage2;
    st->stage = stage2 ? 2 : 1;
    st->gs = sm_granule_shift(sc->granule);
    st->bpl = st->gs ? st->gs - 3 : 0;
    st->ias = sm_walk_ias(sc);
    st->oas = sm_walk_oas(sc);
    if (!st->gs) {
        return SM_WALK_CFG_GRANULE;
    }
    if (sc->oas_bits < 32 || sc->oas_bits > 52) {
        return SM_WALK_CFG_OAS;
    }
    if (!stage2) {
        st->start = sm_walk_s1_start_level(sc->granule, st->ias);
        return st->start < 0 ? SM_WALK_CFG_TSZ : SM_WALK_CFG_OK;
    }
    if (st->ias <= st->gs || st->ias > sm_walk_max_ias(sc->granule)) {
        return SM_WALK_CFG_TSZ;
    }
    st->start = sm_walk_s2_valid_start_level(sc->granule, sc->sl0,
                                             sc->pamax_bits ? sc->pamax_bits
                                                            : st->oas);
    if (st->start < 0) {
        return SM_WALK_CFG_SL0;
    }
    /*
     * AArch64.S2InconsistentSL: the start level resolves between 1 and
     * bpl + 4 bits (up to 16 concatenated tables, D8.2.7).
     */
    start_bits = sm_walk_start_bits(sc->granule, st->start, st->ias);
    if (!start_bits || start_bits > st->bpl + 4) {
        return SM_WALK_CFG_SL0;
    }
    return SM_WALK_CFG_OK;
}

SmWalkCfgError sm_walk_check_stage(const SmWalkStageCfg *sc, bool stage2)
{
    SmWalkStage st;

    return sm_walk_stage_setup(sc, stage2, &st);
}

int sm_walk_start_level(const SmWalkStageCfg *sc, bool stage2)
{
    SmWalkStage st;

    if (sm_walk_stage_setup(sc, stage2, &st) != SM_WALK_CFG_OK) {
        return -1;
    }
    return st.start;
}

uint64_t sm_walk_table_base(uint64_t ttb, int bits, unsigned oas_bits)
{
    unsigned align = (bits > 0 ? bits : 0) + 3;

    if (oas_bits >= 52 && align < 6) {
        align = 6;
    }
    return ttb & ~sm_low_mask(align);
}

unsigned sm_walk_concat_tables(const SmWalkStageCfg *sc, bool stage2)
{
    int start = sm_walk_start_level(sc, stage2);
    unsigned bits;
    unsigned bpl = sm_walk_bits_per_level(sc->granule);

    if (start < 0) {
        return 0;
    }
    bits = sm_walk_start_bits(sc->granule, start, sm_walk_ias(sc));
    return bits > bpl ? 1u << (bits - bpl) : 1;
}

const char *sm_walk_cfg_error_name(SmWalkCfgError e)
{
    static const char *const names[] = {
        [SM_WALK_CFG_OK] = "ok",
        [SM_WALK_CFG_GRANULE] = "granule",
        [SM_WALK_CFG_TSZ] = "tsz",
        [SM_WALK_CFG_SL0] = "sl0",
        [SM_WALK_CFG_OAS] = "oas",
        [SM_WALK_CFG_NO_STAGE] = "no-stage",
    };

    return (unsigned)e < G_N_ELEMENTS(names) ? names[e] : "?";
}

const char *sm_walk_outcome_name(SmWalkOutcome o)
{
    static const char *const names[] = {
        [SM_WALK_OK] = "ok",
        [SM_WALK_FAULT_TRANSLATION] = "translation",
        [SM_WALK_FAULT_ADDR_SIZE] = "addr-size",
        [SM_WALK_FAULT_ACCESS] = "access",
        [SM_WALK_FAULT_PERMISSION] = "permission",
        [SM_WALK_FAULT_EABT] = "walk-eabt",
        [SM_WALK_BAD_CONFIG] = "bad-config",
    };

    return (unsigned)o < G_N_ELEMENTS(names) ? names[o] : "?";
}

/* ---- The walk ---------------------------------------------------------- */

/* One stage, checked and with its geometry worked out. */
typedef struct SmWalker {
    const SmHost *host;
    const SmWalkCacheOps *wc;    /* NULL: no walk cache */
    SmAttrs attrs;
    SmWalkResult *res;
    SmWalkStage s1;
    SmWalkStage s2;
    bool nested;
} SmWalker;

/* What one stage produced for one input address. */
typedef struct SmWalkLeaf {
    uint64_t oa;             /* output address, offset included */
    unsigned shift;          /* log2 of the leaf's size */
    int level;
    uint8_t perm;            /* SM_PERM_* */
    uint64_t desc;           /* the leaf after hardware updates */
    bool dirty_on_write;
} SmWalkLeaf;

/* An access to check: the request, or a stage-1 table fetch at stage 2. */
typedef struct SmWalkAcc {
    bool write;
    bool instr;
    bool priv;
} SmWalkAcc;

static void sm_walk_record(SmWalker *w, unsigned stage, int level,
                           uint64_t pa, bool write, bool cached)
{
    SmWalkResult *res = w->res;

    if (res->n_accesses < SM_WALK_MAX_ACCESSES) {
        SmWalkAccess *a = &res->accesses[res->n_accesses];

        a->addr = pa;
        a->stage = stage;
        a->level = level;
        a->write = write;
        a->cached = cached;
    }
    res->n_accesses++;
    res->n_cached += cached;
}

static SmWalkOutcome sm_walk_fail(SmWalkFault *f, SmWalkOutcome kind,
                                  const SmWalkStage *st, int level,
                                  uint64_t in)
{
    f->stage = st->stage;
    f->level = level;
    f->class = SM_WALK_CLASS_IN;
    if (st->s2) {
        f->ipa = in;
    }
    return kind;
}

/* Output address bits of a table/block/page descriptor (D8.3). */
static uint64_t sm_walk_desc_oa(const SmWalkStage *st, uint64_t desc,
                                unsigned shift)
{
    uint64_t oa = desc & SM_DESC_OA & ~sm_low_mask(shift);

    if (st->gs == 16 && st->oas == 52) {
        oa |= sm_get(desc, SM_DESC_OA_HI) << 48;
    }
    return oa;
}

static bool sm_walk_oa_fits(const SmWalkStage *st, uint64_t oa)
{
    return st->oas >= 64 || !(oa >> st->oas);
}

static SmWalkOutcome sm_walk_stage(SmWalker *w, const SmWalkStage *st,
                                   uint64_t in, const SmWalkAcc *acc,
                                   SmWalkLeaf *leaf, SmWalkFault *f);

/*
 * PA of the descriptor at @addr.  Stage-1 tables of a nested walk live
 * at IPAs: translate those through stage 2 first, as a data access
 * (SMMUv3 7.3, event records: a stage 2 fault here has CLASS TT).
 */
static SmWalkOutcome sm_walk_table_pa(SmWalker *w, const SmWalkStage *st,
                                      uint64_t addr, bool write,
                                      uint64_t *pa, SmWalkFault *f)
{
    SmWalkAcc acc = { .write = write, .priv = true };
    SmWalkLeaf leaf2;
    SmWalkOutcome o;

    if (st->s2 || !w->nested) {
        *pa = addr;
        return SM_WALK_OK;
    }
    o = sm_walk_stage(w, &w->s2, addr, &acc, &leaf2, f);
    if (o == SM_WALK_OK && w->s2.sc->ptw &&
        !(sm_get(leaf2.desc, SM_DESC_S2_MEMATTR) & 0xc)) {
        /* S2PTW: table walks must not touch Device memory. */
        o = sm_walk_fail(f, SM_WALK_FAULT_PERMISSION, &w->s2, leaf2.level,
                         addr);
    }
    if (o != SM_WALK_OK) {
        f->class = SM_WALK_CLASS_TT;
        f->ipa = addr;
        return o;
    }
    *pa = leaf2.oa;
    return SM_WALK_OK;
}

/* A descriptor in memory, little- or big-endian (CD.ENDI, STE.S2ENDI). */
static uint64_t sm_walk_from_bytes(const uint8_t *b, bool be)
{
    uint64_t v;

    memcpy(&v, b, sizeof(v));
    return be ? GUINT64_FROM_BE(v) : GUINT64_FROM_LE(v);
}

static void sm_walk_to_bytes(uint8_t *b, uint64_t v, bool be)
{
    v = be ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v);
    memcpy(b, &v, sizeof(v));
}

/* Read the descriptor at (IPA or PA) @addr for @level of @st. */
static SmWalkOutcome sm_walk_read_desc(SmWalker *w, const SmWalkStage *st,
                                       int level, uint64_t in,
                                       uint64_t addr, uint64_t *desc,
                                       SmWalkFault *f)
{
    uint8_t buf[8];
    uint64_t pa;
    SmWalkOutcome o = sm_walk_table_pa(w, st, addr, false, &pa, f);

    if (o != SM_WALK_OK) {
        return o;
    }
    sm_walk_record(w, st->stage, level, pa, false, false);
    if (!w->host->read ||
        w->host->read(w->host->opaque, pa, buf, sizeof(buf), w->attrs) !=
        SM_BUS_OK) {
        o = sm_walk_fail(f, SM_WALK_FAULT_EABT, st, level, in);
        f->class = st->s2 ? SM_WALK_CLASS_IN : SM_WALK_CLASS_TT;
        f->desc_addr = pa;
        return o;
    }
    *desc = sm_walk_from_bytes(buf, st->sc->big_endian);
    return SM_WALK_OK;
}

/*
 * Write back a descriptor updated by HTTU.  A real SMMU does an atomic
 * compare-and-swap; the host hooks offer a plain write, which is what
 * the walk's single-threaded model needs.
 */
static SmWalkOutcome sm_walk_write_desc(SmWalker *w, const SmWalkStage *st,
                                        int level, uint64_t in,
                                        uint64_t addr, uint64_t desc,
                                        SmWalkFault *f)
{
    uint8_t buf[8];
    uint64_t pa;
    SmWalkOutcome o = sm_walk_table_pa(w, st, addr, true, &pa, f);

    if (o != SM_WALK_OK) {
        return o;
    }
    sm_walk_record(w, st->stage, level, pa, true, false);
    sm_walk_to_bytes(buf, desc, st->sc->big_endian);
    if (!w->host->write ||
        w->host->write(w->host->opaque, pa, buf, sizeof(buf), w->attrs) !=
        SM_BUS_OK) {
        o = sm_walk_fail(f, SM_WALK_FAULT_EABT, st, level, in);
        f->class = st->s2 ? SM_WALK_CLASS_IN : SM_WALK_CLASS_TT;
        f->desc_addr = pa;
        return o;
    }
    return SM_WALK_OK;
}

/* Hierarchical attributes collected from stage-1 table descriptors. */
typedef struct SmWalkTableAttrs {
    bool no_unpriv;          /* APTable[0] */
    bool read_only;          /* APTable[1] */
    bool uxn;                /* UXNTable / XNTable */
    bool pxn;                /* PXNTable */
} SmWalkTableAttrs;

/* Accumulate a stage-1 table descriptor's limits (D8.4.1.3). */
static void sm_walk_table_attrs(SmWalkTableAttrs *ta, uint64_t desc)
{
    ta->no_unpriv |= !!(desc & SM_DESC_APTABLE0);
    ta->read_only |= !!(desc & SM_DESC_APTABLE1);
    ta->uxn |= !!(desc & SM_DESC_UXNTABLE);
    ta->pxn |= !!(desc & SM_DESC_PXNTABLE);
}

/* Walk caches keep the accumulated attributes as SM_WALK_TBL_* bits. */
static uint8_t sm_walk_ta_pack(const SmWalkTableAttrs *ta)
{
    return (ta->no_unpriv ? SM_WALK_TBL_NO_UNPRIV : 0) |
           (ta->read_only ? SM_WALK_TBL_RO : 0) |
           (ta->uxn ? SM_WALK_TBL_UXN : 0) |
           (ta->pxn ? SM_WALK_TBL_PXN : 0);
}

static void sm_walk_ta_unpack(SmWalkTableAttrs *ta, uint8_t bits)
{
    ta->no_unpriv = bits & SM_WALK_TBL_NO_UNPRIV;
    ta->read_only = bits & SM_WALK_TBL_RO;
    ta->uxn = bits & SM_WALK_TBL_UXN;
    ta->pxn = bits & SM_WALK_TBL_PXN;
}

/*
 * Stage-1 permissions in a single-privilege regime (EL2, EL3): AP[1] and
 * PXN are RES1/RES0, bit 54 is XN, and both privilege columns agree.
 */
static uint8_t sm_walk_s1_perm_single(uint64_t desc,
                                      const SmWalkTableAttrs *ta)
{
    bool ro = (desc & SM_DESC_AP2) || ta->read_only;
    bool x = !(desc & SM_DESC_UXN) && !ta->uxn;
    uint8_t perm = SM_PERM_R | SM_PERM_PR;

    perm |= ro ? 0 : SM_PERM_W | SM_PERM_PW;
    perm |= x ? SM_PERM_X | SM_PERM_PX : 0;
    return perm;
}

/* Stage-1 permissions of a leaf (D8.4.1, AArch64.S1DirectBasePermissions) */
static uint8_t sm_walk_s1_perm(uint64_t desc, const SmWalkTableAttrs *ta)
{
    bool ur = (desc & SM_DESC_AP1) && !ta->no_unpriv;
    bool ro = (desc & SM_DESC_AP2) || ta->read_only;
    bool uw = ur && !ro;
    bool ux = !(desc & SM_DESC_UXN) && !ta->uxn;
    /* Memory writable at EL0 is never executable at EL1 (D8.4.1.2). */
    bool px = !(desc & SM_DESC_PXN) && !ta->pxn && !uw;
    uint8_t perm = SM_PERM_PR;

    perm |= ro ? 0 : SM_PERM_PW;
    perm |= px ? SM_PERM_PX : 0;
    perm |= ur ? SM_PERM_R : 0;
    perm |= uw ? SM_PERM_W : 0;
    perm |= ux ? SM_PERM_X : 0;
    return perm;
}

/*
 * Stage-2 execute permission (D8.4.2).  With FEAT_XNX, XN[1:0] is bits
 * [54:53]: 0 executable at EL1 and EL0, 1 not at EL1, 2 at neither, 3
 * not at EL0.  Without it, bit 54 alone applies to both.
 */
static uint8_t sm_walk_s2_exec(uint64_t desc, bool xnx)
{
    static const uint8_t xn_perm[4] = {
        SM_PERM_X | SM_PERM_PX, SM_PERM_X, 0, SM_PERM_PX,
    };

    if (!xnx) {
        return (desc & SM_DESC_UXN) ? 0 : SM_PERM_X | SM_PERM_PX;
    }
    return xn_perm[sm_get(desc, SM_DESC_UXN | SM_DESC_PXN)];
}

/* Stage-2 permissions (D8.4.2): S2AP applies to every privilege. */
static uint8_t sm_walk_s2_perm(uint64_t desc, bool xnx)
{
    uint8_t perm = sm_walk_s2_exec(desc, xnx);

    if (desc & SM_DESC_S2AP_R) {
        perm |= SM_PERM_R | SM_PERM_PR;
    }
    if (desc & SM_DESC_S2AP_W) {
        perm |= SM_PERM_W | SM_PERM_PW;
    }
    return perm;
}

/*
 * Whether @perm allows @acc.  Instruction fetches are reads that must
 * also be executable: an SMMU client's instruction fetch is still a read
 * transaction, so read permission is required as well (a choice: the PE
 * allows execute-only memory, an SMMU has no use for it).
 */
static bool sm_walk_allowed(uint8_t perm, const SmWalkAcc *acc)
{
    uint8_t need;

    if (acc->write) {
        need = acc->priv ? SM_PERM_PW : SM_PERM_W;
    } else {
        need = acc->priv ? SM_PERM_PR : SM_PERM_R;
        if (acc->instr) {
            need |= acc->priv ? SM_PERM_PX : SM_PERM_X;
        }
    }
    return (perm & need) == need;
}

bool sm_walk_perm_allows(uint8_t perm, const SmWalkReq *req)
{
    SmWalkAcc acc = { .write = req->write, .instr = req->instr,
                      .priv = req->priv };

    return sm_walk_allowed(perm, &acc);
}

/* The read-only bit that dirty state lives in (D8.5.4). */
static bool sm_walk_desc_clean(const SmWalkStage *st, uint64_t desc)
{
    return st->s2 ? !(desc & SM_DESC_S2AP_W) : (desc & SM_DESC_AP2);
}

static uint64_t sm_walk_desc_make_dirty(const SmWalkStage *st, uint64_t desc)
{
    return st->s2 ? desc | SM_DESC_S2AP_W : desc & ~SM_DESC_AP2;
}

/*
 * Leaf checks in fault priority order (D8.14): Access flag, then
 * permission.  HA sets AF and HD marks a DBM page dirty, in the
 * descriptor written back only when the access is permitted.
 */
static SmWalkOutcome sm_walk_leaf(SmWalker *w, const SmWalkStage *st,
                                  int level, uint64_t in, uint64_t daddr,
                                  uint64_t desc, const SmWalkTableAttrs *ta,
                                  const SmWalkAcc *acc, SmWalkLeaf *leaf,
                                  SmWalkFault *f)
{
    const SmWalkStageCfg *sc = st->sc;
    bool hd = sc->hd && sc->ha;     /* HD has no effect without HA */
    uint64_t upd = desc;

    if (!(desc & SM_DESC_AF)) {
        if (sc->ha) {
            upd |= SM_DESC_AF;
        } else if (!sc->affd) {
            return sm_walk_fail(f, SM_WALK_FAULT_ACCESS, st, level, in);
        }
    }
    if (hd && acc->write && (desc & SM_DESC_DBM) &&
        sm_walk_desc_clean(st, desc)) {
        upd = sm_walk_desc_make_dirty(st, upd);
    }
    if (st->s2) {
        leaf->perm = sm_walk_s2_perm(upd, sc->xnx);
    } else if (sc->single_priv) {
        leaf->perm = sm_walk_s1_perm_single(upd, ta);
    } else {
        leaf->perm = sm_walk_s1_perm(upd, ta);
    }
    if (!sm_walk_allowed(leaf->perm, acc)) {
        return sm_walk_fail(f, SM_WALK_FAULT_PERMISSION, st, level, in);
    }
    if (upd != desc) {
        SmWalkOutcome o = sm_walk_write_desc(w, st, level, in, daddr, upd,
                                             f);

        if (o != SM_WALK_OK) {
            return o;
        }
    }
    leaf->desc = upd;
    leaf->dirty_on_write = hd && (upd & SM_DESC_DBM) &&
                           sm_walk_desc_clean(st, upd);
    return SM_WALK_OK;
}

/* Whether @in lies in the stage's input range (D8.2.2). */
static bool sm_walk_in_range(const SmWalkStage *st, uint64_t in)
{
    uint64_t top = st->ias >= 64 ? 0 : in >> st->ias;

    if (!st->s2 && st->sc->upper) {
        return top == sm_low_mask(64 - st->ias);
    }
    return top == 0;
}

/*
 * Partial-walk cache: find the deepest cached table descriptor for @in
 * (levels 2 down to the start level) and continue the walk below it.
 * Returns the level the walk goes on at (st->start on a miss).  A hit
 * whose table no longer fits the output size was inserted under another
 * configuration of the same context, changed without invalidation:
 * CONSTRAINED UNPREDICTABLE, and the choice here is not to use it (the
 * walk goes on to the next level up, at worst from the start level).
 */
static int sm_walk_cache_resume(SmWalker *w, const SmWalkStage *st,
                                uint64_t in, uint64_t *table,
                                SmWalkTableAttrs *ta)
{
    SmWalkTableDesc d;
    int level;

    for (level = 2; level >= st->start; level--) {
        unsigned shift = sm_walk_level_shift(st->sc->granule, level);

        if (w->wc->lookup(w->wc->opaque, st->stage, level, shift, in, &d) &&
            sm_walk_oa_fits(st, d.table)) {
            sm_walk_record(w, st->stage, level, d.table, false, true);
            *table = d.table;
            sm_walk_ta_unpack(ta, d.attrs);
            return level + 1;
        }
    }
    return st->start;
}

static void sm_walk_cache_fill(SmWalker *w, const SmWalkStage *st,
                               int level, uint64_t in, uint64_t table,
                               const SmWalkTableAttrs *ta)
{
    SmWalkTableDesc d = { .table = table, .attrs = sm_walk_ta_pack(ta) };

    w->wc->insert(w->wc->opaque, st->stage, level,
                  sm_walk_level_shift(st->sc->granule, level), in, &d);
}

/*
 * Walk one stage for input @in.  At most SM_WALK_LEVELS descriptors are
 * read; each iteration goes one level deeper or ends the walk.
 */
static SmWalkOutcome sm_walk_stage(SmWalker *w, const SmWalkStage *st,
                                   uint64_t in, const SmWalkAcc *acc,
                                   SmWalkLeaf *leaf, SmWalkFault *f)
{
    SmWalkTableAttrs ta = { 0 };
    unsigned start_bits = sm_walk_start_bits(st->sc->granule, st->start,
                                             st->ias);
    uint64_t table = sm_walk_table_base(st->sc->ttb, start_bits, st->oas);
    int level = st->start;
    unsigned i;

    if (!sm_walk_in_range(st, in)) {
        return sm_walk_fail(f, SM_WALK_FAULT_TRANSLATION, st, level, in);
    }
    if (!sm_walk_oa_fits(st, table)) {
        return sm_walk_fail(f, SM_WALK_FAULT_ADDR_SIZE, st, level, in);
    }
    if (w->wc && w->wc->lookup) {
        level = sm_walk_cache_resume(w, st, in, &table, &ta);
    }
    for (i = 0; i < SM_WALK_LEVELS && level <= 3; i++, level++) {
        unsigned shift = sm_walk_level_shift(st->sc->granule, level);
        unsigned bits = level == st->start ? start_bits : st->bpl;
        uint64_t daddr = table + ((in >> shift) & sm_low_mask(bits)) * 8;
        uint64_t desc;
        SmWalkOutcome o = sm_walk_read_desc(w, st, level, in, daddr, &desc,
                                            f);

        if (o != SM_WALK_OK) {
            return o;
        }
        if (!(desc & SM_DESC_VALID)) {
            return sm_walk_fail(f, SM_WALK_FAULT_TRANSLATION, st, level, in);
        }
        if (level < 3 && (desc & SM_DESC_TABLE)) {
            table = sm_walk_desc_oa(st, desc, st->gs);
            if (!st->s2 && !st->sc->hpd) {
                sm_walk_table_attrs(&ta, desc);
            }
            if (!sm_walk_oa_fits(st, table)) {
                /* Reported against the lookup that would use it. */
                return sm_walk_fail(f, SM_WALK_FAULT_ADDR_SIZE, st,
                                    level + 1, in);
            }
            if (w->wc && w->wc->insert) {
                sm_walk_cache_fill(w, st, level, in, table, &ta);
            }
            continue;
        }
        /* Block at level 3, or where no block is architected: reserved. */
        if (level == 3 ? !(desc & SM_DESC_TABLE) :
            !sm_walk_block_allowed(st->sc->granule, level, st->oas)) {
            return sm_walk_fail(f, SM_WALK_FAULT_TRANSLATION, st, level, in);
        }
        leaf->oa = sm_walk_desc_oa(st, desc, shift);
        if (!sm_walk_oa_fits(st, leaf->oa)) {
            return sm_walk_fail(f, SM_WALK_FAULT_ADDR_SIZE, st, level, in);
        }
        o = sm_walk_leaf(w, st, level, in, daddr, desc, &ta, acc, leaf, f);
        if (o != SM_WALK_OK) {
            return o;
        }
        leaf->oa |= in & sm_low_mask(shift);
        leaf->shift = shift;
        leaf->level = level;
        return SM_WALK_OK;
    }
    /* Unreachable with a checked config: level 3 always ends the walk. */
    return sm_walk_fail(f, SM_WALK_FAULT_TRANSLATION, st, 3, in);
}

static bool sm_walk_bad_config(SmWalkResult *res, SmWalkCfgError e,
                               unsigned stage)
{
    res->outcome = SM_WALK_BAD_CONFIG;
    res->fault.cfg_error = e;
    res->fault.stage = stage;
    res->fault.level = -1;
    return false;
}

bool sm_walk(const SmHost *host, const SmWalkCfg *cfg, const SmWalkReq *req,
             SmWalkResult *res)
{
    SmWalker w = { .host = host, .wc = cfg->wc, .attrs = cfg->attrs,
                   .res = res };
    SmWalkAcc acc = { .write = req->write, .instr = req->instr,
                      .priv = req->priv };
    SmWalkLeaf l1 = { .level = -1 };
    SmWalkLeaf l2 = { .level = -1 };
    SmWalkCfgError e;
    SmWalkFault f = { 0 };
    SmWalkOutcome o = SM_WALK_OK;
    uint64_t addr = req->addr;
    unsigned shift = 64;
    uint8_t perm = SM_PERM_ALL;

    /* Not the access list: only its first n_accesses are ever read */
    memset(res, 0, offsetof(SmWalkResult, accesses));
    res->fault.input_addr = req->addr;
    if (!cfg->s1.enabled && !cfg->s2.enabled) {
        return sm_walk_bad_config(res, SM_WALK_CFG_NO_STAGE, 0);
    }
    if (cfg->s1.enabled &&
        (e = sm_walk_stage_setup(&cfg->s1, false, &w.s1)) != SM_WALK_CFG_OK) {
        return sm_walk_bad_config(res, e, 1);
    }
    if (cfg->s2.enabled &&
        (e = sm_walk_stage_setup(&cfg->s2, true, &w.s2)) != SM_WALK_CFG_OK) {
        return sm_walk_bad_config(res, e, 2);
    }
    w.nested = cfg->s1.enabled && cfg->s2.enabled;

    if (cfg->s1.enabled) {
        o = sm_walk_stage(&w, &w.s1, addr, &acc, &l1, &f);
        if (o == SM_WALK_OK) {
            addr = l1.oa;
            shift = l1.shift;
            perm &= l1.perm;
        }
    }
    if (o == SM_WALK_OK && cfg->s2.enabled &&
        !(w.nested && cfg->s1_output)) {
        o = sm_walk_stage(&w, &w.s2, addr, &acc, &l2, &f);
        if (o == SM_WALK_OK) {
            addr = l2.oa;
            shift = MIN(shift, l2.shift);
            perm &= l2.perm;
        }
    }
    res->outcome = o;
    if (o != SM_WALK_OK) {
        f.input_addr = req->addr;
        f.write = req->write;
        res->fault = f;
        return false;
    }
    res->ok.pa = addr;
    res->ok.addr_mask = sm_low_mask(shift);
    res->ok.perm = perm;
    res->ok.s1_level = l1.level;
    res->ok.s2_level = l2.level;
    res->ok.s1_attrindx = sm_get(l1.desc, SM_DESC_ATTRINDX);
    res->ok.s1_sh = sm_get(l1.desc, SM_DESC_SH);
    res->ok.s2_memattr = sm_get(l2.desc, SM_DESC_S2_MEMATTR);
    res->ok.s2_sh = sm_get(l2.desc, SM_DESC_SH);
    res->ok.ng = !!(l1.desc & SM_DESC_NG);
    res->ok.s1_contig = !!(l1.desc & SM_DESC_CONTIG);
    res->ok.s2_contig = !!(l2.desc & SM_DESC_CONTIG);
    res->ok.dirty_on_write = l1.dirty_on_write || l2.dirty_on_write;
    return true;
}
