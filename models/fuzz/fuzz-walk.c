/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the VMSAv8-64 walker (models/common/sm-walk):
 * random stage-1 / stage-2 / nested walk configurations over a small
 * flat memory full of fuzzer-chosen descriptors.
 *
 * Input: a header with both stage configurations (mostly valid, any
 * value now and then), then operations: raw descriptor writes, "map"
 * operations that build a valid path for one address with this
 * harness's own reading of the Arm ARM (start level, indexes, table
 * alignment, blocks, 52-bit OA) and then expect exactly the translation,
 * permissions or fault it implies, walks of any address, bus-error
 * windows and address aliasing.
 *
 * Checks on every walk:
 *  - the walker's geometry helpers and configuration checks agree with
 *    the harness's own (BAD_CONFIG exactly for unusable stages);
 *  - results keep their promises (sm-walk.h): offsets under addr_mask,
 *    permissions that allow the access, levels and output sizes in
 *    range, faults with sane stage/level/class fields;
 *  - SmWalkResult.accesses lists exactly the host accesses made, in
 *    order; every access is 8 naturally aligned bytes;
 *  - a walk with a walk cache (filled by earlier walks of the same
 *    configuration and memory) gives the same result as one without;
 *  - the walk-cache callbacks get the stage, level and region size the
 *    header describes, and only tables that fit the output size.
 */
#include <string.h>

#include <glib.h>

#include "fuzz-common.h"
#include "sm-bits.h"
#include "sm-walk.h"

#define MEM         (4u << 20)
#define TAB_LO      (1u << 20)       /* tables built by map ops */
#define MAX_OPS     200
#define WC_SIZE     24
#define LOG_SIZE    64

typedef struct Acc {
    uint64_t pa;
    bool write;
} Acc;

typedef struct WcEnt {
    bool valid;
    unsigned stage;
    int level;
    unsigned shift;
    uint64_t base;
    SmWalkTableDesc d;
} WcEnt;

/* The harness's own view of one stage (from the Arm ARM, not sm-walk). */
typedef struct Geo {
    bool ok;                 /* usable */
    SmWalkCfgError err;      /* why not */
    unsigned gs, bpl, ias, oas;
    int start;
    unsigned start_bits;
} Geo;

typedef struct W {
    FzIn in;
    SmWalkCfg cfg;
    Geo g[3];                /* [1], [2] */
    bool alias;
    uint64_t err_lo, err_hi;
    bool err_r, err_w;
    uint64_t next;           /* bump allocator for tables */
    Acc log[LOG_SIZE];
    unsigned n_log;
    WcEnt wc[WC_SIZE];
    unsigned wc_next;
    SmWalkCacheOps ops;
    unsigned n_walks;
} W;

static uint8_t ram[MEM];
static uint8_t dirty[MEM >> 15];     /* one bit per 4K page */

static void mark(uint64_t off)
{
    dirty[off >> 15] |= 1u << ((off >> 12) & 7);
}

static void ram_reset(void)
{
    unsigned p;

    for (p = 0; p < (MEM >> 12); p++) {
        if (dirty[p >> 3] & (1u << (p & 7))) {
            memset(ram + ((uint64_t)p << 12), 0, 4096);
        }
    }
    memset(dirty, 0, sizeof(dirty));
}

/* Where @pa lands in RAM, or false (bus error). */
static bool ram_off(const W *w, uint64_t pa, uint64_t *off)
{
    if (pa <= MEM - 8) {
        *off = pa;
        return true;
    }
    if (w->alias) {
        *off = pa & (MEM - 8);
        return true;
    }
    return false;
}

static uint64_t get64(uint64_t off, bool be)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < 8; i++) {
        v |= (uint64_t)ram[off + (be ? 7 - i : i)] << (8 * i);
    }
    return v;
}

static void put64(uint64_t off, uint64_t v, bool be)
{
    unsigned i;

    for (i = 0; i < 8; i++) {
        ram[off + (be ? 7 - i : i)] = (uint8_t)(v >> (8 * i));
    }
    mark(off);
}

/* ---- host --------------------------------------------------------------- */

static SmBusResult h_access(W *w, uint64_t pa, void *buf, const void *src,
                            size_t len)
{
    uint64_t off;

    FZ_CHECK(len == 8 && !(pa & 7), "walker access of %zu bytes at 0x%"
             PRIx64, len, pa);
    FZ_CHECK(w->n_log < LOG_SIZE, "more than %d accesses in one walk",
             LOG_SIZE);
    w->log[w->n_log].pa = pa;
    w->log[w->n_log].write = src != NULL;
    w->n_log++;
    if ((src ? w->err_w : w->err_r) && pa < w->err_hi && pa + 8 > w->err_lo) {
        return SM_BUS_ERROR;
    }
    if (!ram_off(w, pa, &off)) {
        return SM_BUS_ERROR;
    }
    if (src) {
        memcpy(ram + off, src, 8);
        mark(off);
    } else {
        memcpy(buf, ram + off, 8);
    }
    return SM_BUS_OK;
}

static SmBusResult h_read(void *opaque, uint64_t pa, void *buf, size_t len,
                          SmAttrs attrs)
{
    FZ_CHECK(buf != NULL, "read into NULL");
    return h_access(opaque, pa, buf, NULL, len);
}

static SmBusResult h_write(void *opaque, uint64_t pa, const void *buf,
                           size_t len, SmAttrs attrs)
{
    FZ_CHECK(buf != NULL, "write from NULL");
    return h_access(opaque, pa, NULL, buf, len);
}

/* ---- geometry, from the Arm ARM ----------------------------------------- */

static unsigned gshift(SmGranule g)
{
    return g == SM_GRANULE_4K ? 12 : g == SM_GRANULE_16K ? 14 :
           g == SM_GRANULE_64K ? 16 : 0;
}

static unsigned lshift(unsigned gs, int level)
{
    return gs + (unsigned)(3 - level) * (gs - 3);
}

/* The geometry of a stage as D8.2 describes it (sm-walk.h choices). */
static Geo geo_of(const SmWalkStageCfg *sc, bool s2)
{
    Geo g = { 0 };
    unsigned maxias, pamax;

    g.gs = gshift(sc->granule);
    if (!g.gs) {
        g.err = SM_WALK_CFG_GRANULE;
        return g;
    }
    if (sc->oas_bits < 32 || sc->oas_bits > 52) {
        g.err = SM_WALK_CFG_OAS;
        return g;
    }
    g.bpl = g.gs - 3;
    g.ias = sc->tsz >= 64 ? 0 : 64 - sc->tsz;
    /* Without FEAT_LPA2 4K and 16K descriptors carry a 48-bit OA. */
    g.oas = sc->oas_bits > 48 && g.gs != 16 ? 48 : sc->oas_bits;
    maxias = g.gs == 16 ? 52 : 48;
    if (g.ias <= g.gs || g.ias > maxias) {
        g.err = SM_WALK_CFG_TSZ;
        return g;
    }
    if (!s2) {
        unsigned levels = (g.ias - g.gs + g.bpl - 1) / g.bpl;

        if (levels > 4) {
            g.err = SM_WALK_CFG_TSZ;
            return g;
        }
        g.start = 4 - (int)levels;
    } else {
        if (sc->sl0 > 2) {
            g.err = SM_WALK_CFG_SL0;
            return g;
        }
        g.start = (g.gs == 12 ? 2 : 3) - (int)sc->sl0;
        /* S2InvalidSL: PAMax is pamax_bits, else the effective OAS */
        pamax = sc->pamax_bits ? sc->pamax_bits : g.oas;
        if ((g.gs == 12 && g.start == 0 && pamax < 44) ||
            (g.gs == 14 && g.start == 1 && pamax < 42) ||
            (g.gs == 16 && g.start == 1 && pamax < 44)) {
            g.err = SM_WALK_CFG_SL0;
            return g;
        }
        /* S2InconsistentSL: 1 .. bpl + 4 bits at the start level */
        if (g.ias <= lshift(g.gs, g.start) ||
            g.ias - lshift(g.gs, g.start) > g.bpl + 4) {
            g.err = SM_WALK_CFG_SL0;
            return g;
        }
    }
    g.start_bits = g.ias - lshift(g.gs, g.start);
    g.ok = true;
    return g;
}

static bool block_ok(const Geo *g, int level)
{
    switch (g->gs) {
    case 12:
        return level == 1 || level == 2;
    case 14:
        return level == 2;
    default:
        return level == 2 || (level == 1 && g->oas == 52);
    }
}

static bool fits(const Geo *g, uint64_t a)
{
    return !(a >> g->oas);
}

/*
 * The start table is aligned to its size; with a 52-bit output address
 * the base's bits [5:2] hold PA[51:48], so it is 64-byte aligned at least.
 */
static uint64_t start_table(const Geo *g, const SmWalkStageCfg *sc)
{
    unsigned align = g->start_bits + 3;

    if (g->oas == 52 && align < 6) {
        align = 6;
    }
    return sc->ttb & ~sm_low_mask(align);
}

static uint64_t desc_index(const Geo *g, int level, uint64_t in)
{
    unsigned bits = level == g->start ? g->start_bits : g->bpl;

    return (in >> lshift(g->gs, level)) & sm_low_mask(bits);
}

/* Output address of a descriptor, aligned to @shift (D8.3, FEAT_LPA). */
static uint64_t desc_oa(const Geo *g, uint64_t d, unsigned shift)
{
    uint64_t oa = d & SM_MASK(47, 0) & ~sm_low_mask(shift);

    if (g->gs == 16 && g->oas == 52) {
        oa |= sm_get(d, SM_MASK(15, 12)) << 48;
    }
    return oa;
}

static uint64_t oa_desc(const Geo *g, uint64_t oa)
{
    uint64_t d = oa & SM_MASK(47, 0);

    if (g->gs == 16 && g->oas == 52) {
        d |= sm_prep(SM_MASK(15, 12), oa >> 48);
    }
    return d;
}

/* ---- walk cache --------------------------------------------------------- */

static void wc_flush(W *w)
{
    memset(w->wc, 0, sizeof(w->wc));
}

static void wc_check(W *w, unsigned stage, int level, unsigned shift)
{
    const Geo *g;

    FZ_CHECK(stage == 1 || stage == 2, "walk cache stage %u", stage);
    g = &w->g[stage];
    FZ_CHECK(stage == 1 ? w->cfg.s1.enabled : w->cfg.s2.enabled,
             "walk cache use for disabled stage %u", stage);
    FZ_CHECK(g->ok, "walk cache use for an unusable stage %u", stage);
    FZ_CHECK(level >= 0 && level <= 2 && level >= g->start,
             "walk cache level %d (stage %u starts at %d)", level, stage,
             g->start);
    FZ_CHECK(shift == lshift(g->gs, level), "walk cache shift %u, level %d "
             "of granule %u covers %u", shift, level, g->gs,
             lshift(g->gs, level));
}

static bool wc_lookup(void *opaque, unsigned stage, int level, unsigned shift,
                      uint64_t in, SmWalkTableDesc *out)
{
    W *w = opaque;
    unsigned i;

    wc_check(w, stage, level, shift);
    for (i = 0; i < WC_SIZE; i++) {
        WcEnt *e = &w->wc[i];

        if (e->valid && e->stage == stage && e->level == level &&
            e->shift == shift && e->base == (in & ~sm_low_mask(shift))) {
            *out = e->d;
            return true;
        }
    }
    return false;
}

static void wc_insert(void *opaque, unsigned stage, int level,
                      unsigned shift, uint64_t in, const SmWalkTableDesc *d)
{
    W *w = opaque;
    const Geo *g;
    WcEnt *e;

    wc_check(w, stage, level, shift);
    g = &w->g[stage];
    FZ_CHECK(fits(g, d->table), "walk cache insert of table 0x%" PRIx64
             " beyond the %u-bit output size", d->table, g->oas);
    FZ_CHECK(!(d->table & sm_low_mask(g->gs)), "walk cache table 0x%"
             PRIx64 " not granule aligned", d->table);
    FZ_CHECK(!(d->attrs & ~0xfu), "walk cache attrs 0x%x", d->attrs);
    FZ_CHECK(stage == 1 || !d->attrs, "stage-2 table with hierarchical "
             "attributes 0x%x", d->attrs);
    FZ_CHECK(stage == 2 || !w->cfg.s1.hpd || !d->attrs, "HPD stage-1 table "
             "with hierarchical attributes 0x%x", d->attrs);
    e = &w->wc[w->wc_next++ % WC_SIZE];
    e->valid = true;
    e->stage = stage;
    e->level = level;
    e->shift = shift;
    e->base = in & ~sm_low_mask(shift);
    e->d = *d;
}

/* ---- configuration ------------------------------------------------------ */

static const uint8_t oas_tab[8] = { 32, 36, 40, 42, 44, 48, 52, 48 };

static void read_stage(W *w, SmWalkStageCfg *sc, bool s2)
{
    uint8_t a = fz_u8(&w->in), b = fz_u8(&w->in), c = fz_u8(&w->in);
    static const SmGranule gr[4] = { SM_GRANULE_4K, SM_GRANULE_16K,
                                     SM_GRANULE_64K, SM_GRANULE_4K };
    static const uint8_t ias[8] = { 48, 39, 40, 32, 47, 42, 36, 52 };

    sc->enabled = a & 1;
    sc->granule = (c & 0xc0) == 0xc0 ? SM_GRANULE_INVALID : gr[a >> 6];
    sc->tsz = (b & 0x80) ? (b & 0x7f) : 64 - ias[b & 7];
    sc->sl0 = s2 ? (b >> 3) & 3 : 0;
    sc->oas_bits = (c & 0x20) ? fz_u8(&w->in) & 63 : oas_tab[c & 7];
    sc->upper = !s2 && (a & 2);
    sc->big_endian = a & 4;
    sc->affd = a & 8;
    sc->ha = a & 16;
    sc->hd = a & 32;
    sc->hpd = !s2 && (c & 8);
    sc->single_priv = !s2 && (c & 16);
    sc->xnx = s2 && (c & 8);
    sc->ptw = s2 && (c & 16);
    /* Stage 2: an implemented PA size apart from the output size */
    sc->pamax_bits = s2 && (b & 0x20) ? oas_tab[fz_u8(&w->in) & 7] : 0;
    /* Root table: low memory mostly, anywhere sometimes */
    sc->ttb = (b & 0x40) ? fz_u64(&w->in) : (fz_u32(&w->in) % TAB_LO);
}

/* The walker's own helpers agree with the harness about geometry. */
static void check_helpers(W *w)
{
    unsigned s;

    for (s = 1; s <= 2; s++) {
        const SmWalkStageCfg *sc = s == 1 ? &w->cfg.s1 : &w->cfg.s2;
        const Geo *g = &w->g[s];
        SmWalkCfgError e = sm_walk_check_stage(sc, s == 2);
        int l;

        FZ_CHECK((e == SM_WALK_CFG_OK) == g->ok, "stage %u: sm_walk_check_"
                 "stage says %s, the Arm ARM rules say %s (granule %d tsz "
                 "%u sl0 %u oas %u)", s, sm_walk_cfg_error_name(e),
                 sm_walk_cfg_error_name(g->ok ? SM_WALK_CFG_OK : g->err),
                 sc->granule, sc->tsz, sc->sl0, sc->oas_bits);
        if (!g->ok) {
            FZ_CHECK(sm_walk_start_level(sc, s == 2) == -1 &&
                     sm_walk_concat_tables(sc, s == 2) == 0,
                     "stage %u: geometry of an unusable stage", s);
            continue;
        }
        FZ_CHECK(sm_walk_start_level(sc, s == 2) == g->start,
                 "stage %u: start level %d, expected %d", s,
                 sm_walk_start_level(sc, s == 2), g->start);
        FZ_CHECK(sm_walk_concat_tables(sc, s == 2) ==
                 (g->start_bits > g->bpl ? 1u << (g->start_bits - g->bpl)
                                         : 1u),
                 "stage %u: %u concatenated tables", s,
                 sm_walk_concat_tables(sc, s == 2));
        FZ_CHECK(sm_granule_shift(sc->granule) == g->gs &&
                 sm_walk_bits_per_level(sc->granule) == g->bpl,
                 "granule helpers");
        for (l = 0; l <= 3; l++) {
            FZ_CHECK(sm_walk_level_shift(sc->granule, l) == lshift(g->gs, l),
                     "level shift of level %d", l);
            FZ_CHECK(sm_walk_block_size(sc->granule, l) ==
                     UINT64_C(1) << lshift(g->gs, l), "block size");
            FZ_CHECK(l == 3 || sm_walk_block_allowed(sc->granule, l,
                                                     sc->oas_bits) ==
                     block_ok(g, l), "block at level %d, granule %u, oas "
                     "%u", l, g->gs, sc->oas_bits);
        }
    }
}

/* ---- result checks ------------------------------------------------------ */

static bool same_result(const SmWalkResult *a, const SmWalkResult *b)
{
    if (a->outcome != b->outcome) {
        return false;
    }
    if (a->outcome == SM_WALK_OK) {
        return a->ok.pa == b->ok.pa && a->ok.addr_mask == b->ok.addr_mask &&
               a->ok.perm == b->ok.perm && a->ok.s1_level == b->ok.s1_level &&
               a->ok.s2_level == b->ok.s2_level &&
               a->ok.s1_attrindx == b->ok.s1_attrindx &&
               a->ok.s1_sh == b->ok.s1_sh &&
               a->ok.s2_memattr == b->ok.s2_memattr &&
               a->ok.s2_sh == b->ok.s2_sh && a->ok.ng == b->ok.ng &&
               a->ok.s1_contig == b->ok.s1_contig &&
               a->ok.s2_contig == b->ok.s2_contig &&
               a->ok.dirty_on_write == b->ok.dirty_on_write;
    }
    return a->fault.stage == b->fault.stage &&
           a->fault.class == b->fault.class &&
           a->fault.level == b->fault.level &&
           a->fault.write == b->fault.write &&
           a->fault.input_addr == b->fault.input_addr &&
           a->fault.ipa == b->fault.ipa &&
           a->fault.desc_addr == b->fault.desc_addr &&
           a->fault.cfg_error == b->fault.cfg_error;
}

static void dump(const char *what, const SmWalkResult *r)
{
    if (r->outcome == SM_WALK_OK) {
        fprintf(stderr, "  %s: ok pa 0x%" PRIx64 " mask 0x%" PRIx64
                " perm 0x%x levels %d/%d dow %d\n", what, r->ok.pa,
                r->ok.addr_mask, r->ok.perm, r->ok.s1_level, r->ok.s2_level,
                r->ok.dirty_on_write);
    } else {
        fprintf(stderr, "  %s: %s stage %u level %d class %d ipa 0x%" PRIx64
                " desc 0x%" PRIx64 " cfg %d\n", what,
                sm_walk_outcome_name(r->outcome), r->fault.stage,
                r->fault.level, r->fault.class, r->fault.ipa,
                r->fault.desc_addr, r->fault.cfg_error);
    }
}

static void check_result(W *w, const SmWalkReq *req, const SmWalkResult *r,
                         bool cached)
{
    bool en1 = w->cfg.s1.enabled, en2 = w->cfg.s2.enabled;
    bool usable = (en1 || en2) && (!en1 || w->g[1].ok) &&
                  (!en2 || w->g[2].ok);
    unsigned i, k = 0, n = MIN(r->n_accesses, (unsigned)SM_WALK_MAX_ACCESSES);

    FZ_CHECK(r->outcome <= SM_WALK_BAD_CONFIG, "outcome %d", r->outcome);
    FZ_CHECK((r->outcome == SM_WALK_BAD_CONFIG) == !usable,
             "outcome %s for a %s configuration",
             sm_walk_outcome_name(r->outcome), usable ? "usable" : "bad");
    FZ_CHECK(r->n_cached <= r->n_accesses, "%u cached of %u accesses",
             r->n_cached, r->n_accesses);
    FZ_CHECK(r->n_accesses <= (en1 && en2 ? 35u : 5u), "%u accesses",
             r->n_accesses);
    FZ_CHECK(cached || !r->n_cached, "walk-cache hits without a cache");
    /* The access records are the host accesses, in order. */
    if (r->n_accesses <= SM_WALK_MAX_ACCESSES) {
        FZ_CHECK(r->n_accesses - r->n_cached == w->n_log,
                 "%u accesses recorded (%u cached), %u made", r->n_accesses,
                 r->n_cached, w->n_log);
    }
    for (i = 0; i < n; i++) {
        const SmWalkAccess *a = &r->accesses[i];

        FZ_CHECK(a->stage == 1 || a->stage == 2, "access stage %u",
                 a->stage);
        FZ_CHECK(a->level >= 0 && a->level <= 3, "access level %d",
                 a->level);
        if (a->cached) {
            FZ_CHECK(!a->write, "cached write");
            continue;
        }
        FZ_CHECK(k < w->n_log && w->log[k].pa == a->addr &&
                 w->log[k].write == a->write, "access %u (0x%" PRIx64
                 " w%d) is not host access %u", i, a->addr, a->write, k);
        k++;
    }
    if (r->outcome == SM_WALK_BAD_CONFIG) {
        FZ_CHECK(w->n_log == 0, "a bad configuration accessed memory");
        FZ_CHECK(r->fault.cfg_error != SM_WALK_CFG_OK, "bad config, no why");
        return;
    }
    if (r->outcome == SM_WALK_OK) {
        unsigned sh = 64;
        const Geo *last = en2 ? &w->g[2] : &w->g[1];

        FZ_CHECK(sm_walk_perm_allows(r->ok.perm, req), "ok with perm 0x%x "
                 "that does not allow w%d i%d p%d", r->ok.perm, req->write,
                 req->instr, req->priv);
        FZ_CHECK(!(r->ok.perm & ~SM_PERM_ALL), "perm 0x%x", r->ok.perm);
        FZ_CHECK(en1 ? r->ok.s1_level >= w->g[1].start &&
                       r->ok.s1_level <= 3 : r->ok.s1_level == -1,
                 "s1 level %d", r->ok.s1_level);
        FZ_CHECK(en2 ? r->ok.s2_level >= w->g[2].start &&
                       r->ok.s2_level <= 3 : r->ok.s2_level == -1,
                 "s2 level %d", r->ok.s2_level);
        if (en1) {
            FZ_CHECK(r->ok.s1_level == 3 ||
                     block_ok(&w->g[1], r->ok.s1_level),
                     "stage-1 block at level %d", r->ok.s1_level);
            sh = lshift(w->g[1].gs, r->ok.s1_level);
        }
        if (en2) {
            FZ_CHECK(r->ok.s2_level == 3 ||
                     block_ok(&w->g[2], r->ok.s2_level),
                     "stage-2 block at level %d", r->ok.s2_level);
            sh = MIN(sh, lshift(w->g[2].gs, r->ok.s2_level));
        }
        FZ_CHECK(r->ok.addr_mask == sm_low_mask(sh), "mask 0x%" PRIx64
                 " for a %u-bit leaf", r->ok.addr_mask, sh);
        FZ_CHECK(!((r->ok.pa ^ req->addr) & r->ok.addr_mask),
                 "pa 0x%" PRIx64 " loses the offset of 0x%" PRIx64,
                 r->ok.pa, req->addr);
        FZ_CHECK(fits(last, r->ok.pa), "pa 0x%" PRIx64 " beyond %u bits",
                 r->ok.pa, last->oas);
        FZ_CHECK(!r->ok.dirty_on_write ||
                 (!req->write &&
                  !(r->ok.perm & (SM_PERM_W | SM_PERM_PW)) &&
                  ((en1 && w->cfg.s1.ha && w->cfg.s1.hd) ||
                   (en2 && w->cfg.s2.ha && w->cfg.s2.hd))),
                 "dirty_on_write with perm 0x%x w%d", r->ok.perm,
                 req->write);
        return;
    }
    FZ_CHECK(r->fault.stage == 1 ? en1 : r->fault.stage == 2 && en2,
             "fault at stage %u", r->fault.stage);
    FZ_CHECK(r->fault.level >= w->g[r->fault.stage].start &&
             r->fault.level <= 3, "fault level %d at stage %u (start %d)",
             r->fault.level, r->fault.stage, w->g[r->fault.stage].start);
    FZ_CHECK(r->fault.input_addr == req->addr && r->fault.write == req->write,
             "fault input 0x%" PRIx64 " write %d", r->fault.input_addr,
             r->fault.write);
    FZ_CHECK(r->fault.class == SM_WALK_CLASS_IN ||
             r->fault.class == SM_WALK_CLASS_TT, "class %d", r->fault.class);
    FZ_CHECK(r->fault.class == SM_WALK_CLASS_IN || r->fault.stage == 2 ||
             r->outcome == SM_WALK_FAULT_EABT, "stage-1 %s with CLASS TT",
             sm_walk_outcome_name(r->outcome));
    if (r->outcome == SM_WALK_FAULT_EABT) {
        FZ_CHECK(w->n_log && w->log[w->n_log - 1].pa == r->fault.desc_addr,
                 "EABT at 0x%" PRIx64 " which was not the last access",
                 r->fault.desc_addr);
    } else if (r->outcome != SM_WALK_FAULT_PERMISSION &&
               r->outcome != SM_WALK_FAULT_ACCESS) {
        /* Translation and address size faults make no writes. */
        for (i = 0; i < w->n_log; i++) {
            FZ_CHECK(!w->log[i].write || r->fault.class == SM_WALK_CLASS_TT ||
                     en2, "write before a %s fault",
                     sm_walk_outcome_name(r->outcome));
        }
    }
}

/* Walk @req without, then with the walk cache; both must agree. */
static bool do_walk(W *w, const SmWalkReq *req, SmWalkResult *out)
{
    SmHost host = { .opaque = w, .read = h_read, .write = h_write };
    SmWalkCfg c = w->cfg;
    SmWalkResult r2;
    bool ok;

    c.wc = NULL;
    w->n_log = 0;
    ok = sm_walk(&host, &c, req, out);
    FZ_CHECK(ok == (out->outcome == SM_WALK_OK), "return value");
    check_result(w, req, out, false);
    c.wc = &w->ops;
    w->n_log = 0;
    sm_walk(&host, &c, req, &r2);
    check_result(w, req, &r2, true);
    if (!same_result(out, &r2)) {
        fprintf(stderr, "walk of 0x%" PRIx64 " w%d i%d p%d:\n", req->addr,
                req->write, req->instr, req->priv);
        dump("no cache", out);
        dump("cached", &r2);
    }
    FZ_CHECK(same_result(out, &r2), "a walk with the walk cache differs "
             "from one without");
    w->n_walks++;
    return ok;
}

/* ---- building paths: the expectation side ------------------------------- */

typedef struct Leaf {
    unsigned stage;
    int level;
    uint64_t in, oa, attrs;  /* attrs: the descriptor's other bits */
    uint64_t at;             /* where path() found the leaf (RAM offset) */
} Leaf;

/*
 * Stage-1 permissions of leaf @d under the hierarchical limits @ta
 * (SM_WALK_TBL_* of the tables above it), D8.4.1.
 */
static uint8_t s1_perm(const W *w, uint64_t d, uint8_t ta)
{
    bool ro = (d & SM_BIT(7)) || (ta & SM_WALK_TBL_RO);
    bool uxn = (d & SM_BIT(54)) || (ta & SM_WALK_TBL_UXN);
    bool el0, pxn;
    uint8_t p;

    if (w->cfg.s1.single_priv) {
        /* One privilege level: AP[1], PXN, APTable[0], PXNTable ignored */
        p = SM_PERM_R | SM_PERM_PR;
        p |= ro ? 0 : SM_PERM_W | SM_PERM_PW;
        p |= uxn ? 0 : SM_PERM_X | SM_PERM_PX;
        return p;
    }
    el0 = (d & SM_BIT(6)) && !(ta & SM_WALK_TBL_NO_UNPRIV);
    pxn = (d & SM_BIT(53)) || (ta & SM_WALK_TBL_PXN);
    p = SM_PERM_PR | (ro ? 0 : SM_PERM_PW);
    p |= el0 ? SM_PERM_R | (ro ? 0 : SM_PERM_W) : 0;
    p |= uxn ? 0 : SM_PERM_X;
    /* EL0-writable memory is never privileged-executable */
    p |= pxn || (el0 && !ro) ? 0 : SM_PERM_PX;
    return p;
}

static uint8_t s2_perm(const W *w, uint64_t d)
{
    static const uint8_t xn[4] = { SM_PERM_X | SM_PERM_PX, SM_PERM_X, 0,
                                   SM_PERM_PX };
    uint8_t p = w->cfg.s2.xnx ? xn[sm_get(d, SM_MASK(54, 53))]
                              : (d & SM_BIT(54)) ? 0 : SM_PERM_X | SM_PERM_PX;

    p |= (d & SM_BIT(6)) ? SM_PERM_R | SM_PERM_PR : 0;
    p |= (d & SM_BIT(7)) ? SM_PERM_W | SM_PERM_PW : 0;
    return p;
}

static bool allows(uint8_t perm, const SmWalkReq *req)
{
    uint8_t need = req->write ? (req->priv ? SM_PERM_PW : SM_PERM_W)
                              : (req->priv ? SM_PERM_PR : SM_PERM_R);

    if (!req->write && req->instr) {
        need |= req->priv ? SM_PERM_PX : SM_PERM_X;
    }
    return (perm & need) == need;
}

/* PA of descriptor address @a of @stage: stage-1 tables of a nested walk
 * are IPAs, which this harness maps 1:1 at stage 2. */
static bool desc_ram(const W *w, uint64_t a, uint64_t *off)
{
    return ram_off(w, a, off) && !(w->err_hi > w->err_lo &&
                                   a < w->err_hi && a + 8 > w->err_lo);
}

/*
 * Write the path of @lf (tables as needed, then the leaf) when @write,
 * else check that memory holds it.  The tables a stage-1 path of a
 * nested walk goes through are returned in @tabs (IPAs).
 */
static bool path(W *w, Leaf *lf, bool write, uint64_t *tabs,
                 unsigned *n_tabs, uint8_t *ta)
{
    const SmWalkStageCfg *sc = lf->stage == 1 ? &w->cfg.s1 : &w->cfg.s2;
    const Geo *g = &w->g[lf->stage];
    uint64_t table = start_table(g, sc), off, d;
    int l;

    if (!fits(g, table)) {
        return false;
    }
    for (l = g->start; l <= lf->level; l++) {
        uint64_t a = table + 8 * desc_index(g, l, lf->in);

        /* Nested: the walk reads this descriptor at IPA @a */
        if (tabs && *n_tabs < 8) {
            tabs[(*n_tabs)++] = a;
        }
        if (!desc_ram(w, a, &off)) {
            return false;
        }
        d = get64(off, sc->big_endian);
        if (l == lf->level) {
            uint64_t want = oa_desc(g, lf->oa) | lf->attrs |
                            (l == 3 ? 3 : 1);

            lf->at = off;

            if (write) {
                put64(off, want, sc->big_endian);
                return true;
            }
            return d == want;
        }
        if ((d & 3) != 3) {
            uint64_t gsz = UINT64_C(1) << g->gs;
            uint64_t t = (w->next + gsz - 1) & ~(gsz - 1);

            if (!write || t + gsz > MEM) {
                return false;
            }
            w->next = t + gsz;
            for (off = t; off < t + gsz; off += 4096) {
                if (dirty[off >> 15] & (1u << ((off >> 12) & 7))) {
                    memset(ram + off, 0, 4096);     /* else still zero */
                }
            }
            d = oa_desc(g, t) | 3;
            if (!desc_ram(w, a, &off)) {
                return false;
            }
            put64(off, d, sc->big_endian);
        }
        if (ta && lf->stage == 1 && !sc->hpd) {
            *ta |= (d & SM_BIT(61) ? SM_WALK_TBL_NO_UNPRIV : 0) |
                   (d & SM_BIT(62) ? SM_WALK_TBL_RO : 0) |
                   (d & SM_BIT(60) ? SM_WALK_TBL_UXN : 0) |
                   (d & SM_BIT(59) ? SM_WALK_TBL_PXN : 0);
        }
        table = desc_oa(g, d, g->gs);
        if (!fits(g, table)) {
            return false;
        }
    }
    return false;
}

/* A level the architecture allows a leaf at for this stage. */
static int pick_level(const Geo *g, uint8_t b)
{
    int l = 3 - (int)(b % 3);

    while (l < 3 && (l < g->start || !block_ok(g, l))) {
        l++;
    }
    return l;
}

/* An input address of the stage's range (TTB1: all ones above it). */
static uint64_t pick_in(W *w, unsigned stage, const Geo *g)
{
    uint64_t in = fz_u64(&w->in) & sm_low_mask(g->ias);

    if (stage == 1 && w->cfg.s1.upper) {
        in |= ~sm_low_mask(g->ias);
    }
    return in;
}

/* An output address a descriptor can hold (OA[51:48] only with LPA). */
static uint64_t pick_oa(W *w, const Geo *g, unsigned shift)
{
    unsigned bits = g->gs == 16 && g->oas == 52 ? 52 : MIN(g->oas, 48u);

    return fz_u64(&w->in) & sm_low_mask(bits) & ~sm_low_mask(shift);
}

static uint64_t s1_attrs(W *w, uint8_t b)
{
    return sm_prep(SM_MASK(7, 6), b & 3) | ((b & 4) ? SM_BIT(54) : 0) |
           ((b & 8) ? SM_BIT(53) : 0) | ((b & 16) ? 0 : SM_BIT(10)) |
           ((b & 32) ? SM_BIT(11) : 0) | sm_prep(SM_MASK(4, 2), b >> 5);
}

static uint64_t s2_attrs(W *w, uint8_t b)
{
    return sm_prep(SM_MASK(7, 6), b & 3) | ((b & 4) ? SM_BIT(54) : 0) |
           ((b & 8) ? SM_BIT(53) : 0) | ((b & 16) ? 0 : SM_BIT(10)) |
           sm_prep(SM_MASK(5, 2), (b & 32) ? 0xf : (b >> 4) & 0xc);
}

/*
 * Map one input address with this harness's reading of the architecture,
 * then walk it and expect exactly what the descriptors say.
 */
static void op_map(W *w)
{
    bool en1 = w->cfg.s1.enabled, en2 = w->cfg.s2.enabled;
    uint8_t b = fz_u8(&w->in), a1 = fz_u8(&w->in), a2 = fz_u8(&w->in);
    Leaf l1 = { 0 }, l2 = { 0 }, id[10];
    uint64_t tabs[8], ipa;
    unsigned n_tabs = 0, n_id = 0, i;
    SmWalkReq req = { .write = b & 8, .instr = (b & 0x30) == 0x30,
                      .priv = b & 64 };
    SmWalkResult r;
    bool ok = true;
    unsigned sh = 64;
    uint8_t perm = SM_PERM_ALL;
    int fault_stage = 0, fault_level = 0;
    SmWalkOutcome want = SM_WALK_OK;
    uint8_t ta1 = 0;

    if (!(en1 || en2) || (en1 && !w->g[1].ok) || (en2 && !w->g[2].ok)) {
        return;
    }
    wc_flush(w);
    if (en1) {
        l1.stage = 1;
        l1.level = pick_level(&w->g[1], b);
        l1.in = pick_in(w, 1, &w->g[1]);
        sh = lshift(w->g[1].gs, l1.level);
        l1.oa = pick_oa(w, &w->g[1], sh);
        if (en2) {
            /* Nested: stage-1 outputs stay below the stage-2 input size */
            l1.oa &= sm_low_mask(w->g[2].ias);
        }
        l1.attrs = s1_attrs(w, a1);
        path(w, &l1, true, en2 ? tabs : NULL, &n_tabs, NULL);
    }
    ipa = en1 ? l1.oa | (l1.in & sm_low_mask(sh)) : pick_in(w, 2, &w->g[2]);
    if (en2) {
        unsigned sh2;

        l2.stage = 2;
        l2.level = pick_level(&w->g[2], b >> 2);
        sh2 = lshift(w->g[2].gs, l2.level);
        l2.in = ipa & ~sm_low_mask(sh2);
        l2.oa = pick_oa(w, &w->g[2], sh2);
        l2.attrs = s2_attrs(w, a2);
        path(w, &l2, true, NULL, NULL, NULL);
        /* Stage-1 tables (IPAs) at their own address, readable */
        for (i = 0; en1 && i < n_tabs && n_id < G_N_ELEMENTS(id); i++) {
            id[n_id].stage = 2;
            id[n_id].level = 3;
            id[n_id].in = tabs[i] & ~sm_low_mask(w->g[2].gs);
            id[n_id].oa = id[n_id].in;
            id[n_id].attrs = SM_MASK(7, 2) | SM_BIT(10);
            ok &= id[n_id].in >> w->g[2].ias == 0 && fits(&w->g[2],
                                                          id[n_id].oa);
            if (ok) {
                path(w, &id[n_id], true, NULL, NULL, NULL);
            }
            n_id++;
        }
        sh = MIN(sh, sh2);
    }
    /*
     * Everything must still be there (paths can share or clobber), the
     * stage-1 path through the same tables, which stage 2 maps 1:1.
     */
    {
        uint64_t tabs2[8];
        unsigned n_tabs2 = 0;

        ok = ok && (!en1 || path(w, &l1, false, en2 ? tabs2 : NULL,
                                 &n_tabs2, &ta1)) &&
             (!en2 || path(w, &l2, false, NULL, NULL, NULL));
        ok = ok && n_tabs2 == n_tabs &&
             !memcmp(tabs, tabs2, n_tabs * sizeof(tabs[0]));
    }
    for (i = 0; ok && i < n_id; i++) {
        ok = path(w, &id[i], false, NULL, NULL, NULL);
    }
    /*
     * A leaf that is also another path's leaf would see the other's
     * Access flag update within the same walk.
     */
    ok = ok && (!en1 || !en2 || l1.at != l2.at);
    for (i = 0; ok && i < n_id; i++) {
        ok = (!en1 || id[i].at != l1.at) && id[i].at != l2.at;
    }
    req.addr = (en1 ? l1.in : ipa) | (fz_u16(&w->in) & sm_low_mask(sh) &
                                     ~UINT64_C(7));
    /* Nested: the IPA must be in the stage-2 input range */
    if (en1 && en2 &&
        ((l1.oa | (req.addr & sm_low_mask(lshift(w->g[1].gs, l1.level)))) >>
         w->g[2].ias)) {
        ok = false;
    }
    if (!ok) {
        SmWalkResult dummy;

        do_walk(w, &req, &dummy);
        return;
    }
    /* What the descriptors say, stage 1 first, AF before permission. */
    if (en1) {
        bool af = (l1.attrs & SM_BIT(10)) || w->cfg.s1.affd || w->cfg.s1.ha;
        uint8_t p = s1_perm(w, l1.attrs, ta1);

        if (!af) {
            want = SM_WALK_FAULT_ACCESS;
        } else if (!allows(p, &req)) {
            want = SM_WALK_FAULT_PERMISSION;
        }
        fault_stage = 1;
        fault_level = l1.level;
        perm &= p;
    }
    if (en2 && want == SM_WALK_OK) {
        bool af = (l2.attrs & SM_BIT(10)) || w->cfg.s2.affd || w->cfg.s2.ha;
        uint8_t p = s2_perm(w, l2.attrs);

        if (!af) {
            want = SM_WALK_FAULT_ACCESS;
        } else if (!allows(p, &req)) {
            want = SM_WALK_FAULT_PERMISSION;
        }
        fault_stage = 2;
        fault_level = l2.level;
        perm &= p;
    }
    do_walk(w, &req, &r);
    if (r.outcome == SM_WALK_OK && want == SM_WALK_OK) {
        uint64_t pa = en2 ? l2.oa | (req.addr & sm_low_mask(
                                       lshift(w->g[2].gs, l2.level)))
                          : l1.oa | (req.addr & sm_low_mask(sh));

        if (en1 && en2) {
            pa = l2.oa | ((l1.oa | (req.addr & sm_low_mask(
                           lshift(w->g[1].gs, l1.level)))) &
                          sm_low_mask(lshift(w->g[2].gs, l2.level)));
        }
        /* HD may make a clean DBM page writable: no DBM is set here */
        FZ_CHECK(r.ok.pa == pa && r.ok.addr_mask == sm_low_mask(sh) &&
                 r.ok.perm == perm &&
                 r.ok.s1_level == (en1 ? l1.level : -1) &&
                 r.ok.s2_level == (en2 ? l2.level : -1),
                 "mapped 0x%" PRIx64 " (levels %d/%d): got pa 0x%" PRIx64
                 " mask 0x%" PRIx64 " perm 0x%x levels %d/%d, expected pa "
                 "0x%" PRIx64 " mask 0x%" PRIx64 " perm 0x%x", req.addr,
                 l1.level, l2.level, r.ok.pa, r.ok.addr_mask, r.ok.perm,
                 r.ok.s1_level, r.ok.s2_level, pa, sm_low_mask(sh), perm);
        return;
    }
    if (r.outcome != want || getenv("FUZZ_WALK_DEBUG")) {
        fprintf(stderr, "map: s1 in 0x%" PRIx64 " oa 0x%" PRIx64 " l%d, "
                "s2 in 0x%" PRIx64 " oa 0x%" PRIx64 " l%d, ttb 0x%" PRIx64
                "/0x%" PRIx64 "\n", l1.in, l1.oa, l1.level, l2.in, l2.oa,
                l2.level, w->cfg.s1.ttb, w->cfg.s2.ttb);
        dump("walk", &r);
        for (i = 0; i < MIN(r.n_accesses, 40u); i++) {
            uint64_t o = 0;

            ram_off(w, r.accesses[i].addr, &o);
            fprintf(stderr, "    access s%u l%d 0x%" PRIx64 " w%d c%d: "
                    "0x%016" PRIx64 "\n", r.accesses[i].stage,
                    r.accesses[i].level, r.accesses[i].addr,
                    r.accesses[i].write, r.accesses[i].cached,
                    get64(o, r.accesses[i].stage == 1 ? w->cfg.s1.big_endian
                                                      : w->cfg.s2.big_endian));
        }
    }
    FZ_CHECK(r.outcome == want, "mapped 0x%" PRIx64 " (w%d i%d p%d, "
             "levels %d/%d, attrs 0x%" PRIx64 "/0x%" PRIx64 "): %s, "
             "expected %s", req.addr, req.write, req.instr, req.priv,
             l1.level, l2.level, l1.attrs, l2.attrs,
             sm_walk_outcome_name(r.outcome), sm_walk_outcome_name(want));
    FZ_CHECK(r.fault.stage == fault_stage && r.fault.level == fault_level &&
             r.fault.class == SM_WALK_CLASS_IN,
             "fault at stage %u level %d class %d, expected stage %d "
             "level %d", r.fault.stage, r.fault.level, r.fault.class,
             fault_stage, fault_level);
}

/* ---- other operations --------------------------------------------------- */

static void op_raw(W *w)
{
    uint8_t b = fz_u8(&w->in);
    uint64_t off = (fz_u32(&w->in) % (MEM - 8)) & ~UINT64_C(7);
    uint64_t v = get64(off, false);

    wc_flush(w);
    switch (b & 3) {
    case 0:
        v = fz_u64(&w->in);
        break;
    case 1:
        v ^= UINT64_C(1) << (fz_u8(&w->in) & 63);
        break;
    case 2:
        /* A table descriptor to somewhere in memory */
        v = ((fz_u32(&w->in) % MEM) & ~UINT64_C(0xfff)) | 3 |
            (((uint64_t)b >> 2) << 59);
        break;
    default:
        v = ((fz_u32(&w->in) % MEM) & ~UINT64_C(0xfff)) | 0x403 |
            (fz_u64(&w->in) & SM_MASK(63, 50));
        break;
    }
    put64(off, v, b & 4);
}

static void op_walk(W *w)
{
    uint8_t b = fz_u8(&w->in);
    SmWalkReq req = { .write = b & 1, .instr = b & 2, .priv = b & 4 };
    SmWalkResult r;

    req.addr = (b & 8) ? fz_u64(&w->in) : fz_u32(&w->in);
    if ((b & 0x30) == 0x30 && w->cfg.s1.upper) {
        req.addr |= ~UINT64_C(0xffffffff);
    }
    do_walk(w, &req, &r);
    /* The same again: repeatable, and now walk-cache hits happen. */
    if (b & 0x40) {
        SmWalkResult r2;

        do_walk(w, &req, &r2);
        FZ_CHECK(w->cfg.s1.ha || w->cfg.s2.ha || same_result(&r, &r2),
                 "a repeated walk without hardware updates differs");
    }
}

static void op_env(W *w)
{
    uint8_t b = fz_u8(&w->in);

    wc_flush(w);
    switch (b & 3) {
    case 0:
        w->err_lo = w->err_hi = 0;
        break;
    case 1:
        w->err_lo = (fz_u32(&w->in) % MEM) & ~UINT64_C(7);
        w->err_hi = w->err_lo + 8 * (1 + fz_u8(&w->in));
        w->err_r = b & 4;
        w->err_w = b & 8;
        break;
    case 2:
        w->alias = !w->alias;
        break;
    default:
        break;
    }
}

/* The pure helpers, on any arguments: no UB, results in range. */
static void op_helpers(W *w)
{
    unsigned tg = fz_u8(&w->in), bits = fz_u8(&w->in);
    int level = (int8_t)fz_u8(&w->in);
    uint64_t addr = fz_u64(&w->in);
    SmGranule g = sm_granule_from_tg0(tg);
    SmGranule g1 = sm_granule_from_tg1(tg);
    static const SmGranule tg0_map[4] = {
        SM_GRANULE_4K, SM_GRANULE_64K, SM_GRANULE_16K, SM_GRANULE_INVALID,
    };
    static const SmGranule tg1_map[4] = {
        SM_GRANULE_INVALID, SM_GRANULE_16K, SM_GRANULE_4K, SM_GRANULE_64K,
    };
    int s;

    FZ_CHECK(g <= SM_GRANULE_INVALID && g1 <= SM_GRANULE_INVALID,
             "granule decode");
    FZ_CHECK(g == tg0_map[tg & 3], "TG0 %u", tg);
    FZ_CHECK(g1 == tg1_map[tg & 3], "TG1 %u", tg);
    (void)sm_walk_level_shift(g, level);
    (void)sm_walk_block_size(g, level);
    (void)sm_walk_index(g, level, addr);
    (void)sm_walk_block_allowed(g, level, bits);
    s = sm_walk_s1_start_level(g, bits);
    FZ_CHECK(s >= -1 && s <= 3, "s1 start level %d", s);
    s = sm_walk_s2_start_level(g, bits);
    FZ_CHECK(s >= -1 && s <= 3, "s2 start level %d", s);
    if (g != SM_GRANULE_INVALID && level >= 0 && level <= 3) {
        FZ_CHECK(sm_walk_index(g, level, addr) <
                 (UINT64_C(1) << (gshift(g) - 3)), "index");
    }
    (void)sm_walk_outcome_name((SmWalkOutcome)(bits % 9));
    (void)sm_walk_cfg_error_name((SmWalkCfgError)(bits % 8));
}

FZ_ASAN_DEFAULTS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    W *w = g_new0(W, 1);
    unsigned ops = 0;

    ram_reset();
    w->in.p = data;
    w->in.n = size;
    read_stage(w, &w->cfg.s1, false);
    read_stage(w, &w->cfg.s2, true);
    w->alias = fz_u8(&w->in) & 1;
    w->cfg.attrs.requester_id = 7;
    w->g[1] = geo_of(&w->cfg.s1, false);
    w->g[2] = geo_of(&w->cfg.s2, true);
    w->next = TAB_LO;
    w->ops.opaque = w;
    w->ops.lookup = wc_lookup;
    w->ops.insert = wc_insert;
    check_helpers(w);
    while (!fz_empty(&w->in) && ops++ < MAX_OPS) {
        switch (fz_u8(&w->in) % 10) {
        case 0:
        case 1:
            op_raw(w);
            break;
        case 2:
        case 3:
        case 4:
            op_map(w);
            break;
        case 5:
        case 6:
        case 7:
            op_walk(w);
            break;
        case 8:
            op_env(w);
            break;
        default:
            op_helpers(w);
            break;
        }
    }
    g_free(w);
    return 0;
}
