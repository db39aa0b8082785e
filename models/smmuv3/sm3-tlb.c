/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3 TLB and configuration cache, both built on the common
 * set-associative engine (sm-cache.h).  This file owns the tags: how an
 * entry is keyed (world, VMID, ASID or global, address, size, level) and
 * which entries each invalidation command (IHI 0070 CMD_CFGI_*,
 * CMD_TLBI_*) reaches.  A full cache evicts one victim per insert; nothing
 * here flushes more than a command's scope.
 */
#include <glib.h>
#include <string.h>

#include "sm3-internal.h"

/*
 * One cached table descriptor (IHI 0070 "Caching": an SMMU may cache table
 * descriptors of a walk, tagged like the TLB).  Only valid table
 * descriptors are ever inserted (sm-walk.h); nothing here stores leaves.
 *
 * Choices where the architecture leaves room:
 *  - A table descriptor changed in memory without a TLB invalidation
 *    may be used stale (Arm ARM D8.13: table entries may be cached),
 *    which this cache does until an invalidation reaches the entry.
 *  - CONSTRAINED UNPREDICTABLE: a CD or STE whose walk parameters
 *    (granule, HPD, TTBx, OAS) change for the same ASID/VMID without
 *    TLB invalidation may translate with old or new tables.  Entries
 *    here also match on the region size, so another granule never hits;
 *    an HPD or TTBx change keeps using cached entries; a cached table
 *    beyond the new output size is ignored by the walker.
 *  - Stage-1 entries of a nested walk hold the next table's IPA, not
 *    its PA, so stage-2 maintenance never has to reach stage-1 entries.
 */
/* (Sm3WalkEntry, in sm3-internal.h for the memo of its last hit.) */

static const uint32_t sm3_walkc_default[SM3_WALKC_STAGES][SM3_WALKC_LEVELS] = {
    { SM3_DEFAULT_WALKC_S1L0, SM3_DEFAULT_WALKC_S1L1, SM3_DEFAULT_WALKC_S1L2 },
    { SM3_DEFAULT_WALKC_S2L0, SM3_DEFAULT_WALKC_S2L1, SM3_DEFAULT_WALKC_S2L2 },
};

/* Parameters of walk cache [@st][@level]; false when it is off. */
static bool sm3_walkc_params(const Sm3Config *cfg, unsigned st,
                             unsigned level, SmCacheParams *p)
{
    static const char *const names[SM3_WALKC_STAGES][SM3_WALKC_LEVELS] = {
        { "sm3-walk-s1l0", "sm3-walk-s1l1", "sm3-walk-s1l2" },
        { "sm3-walk-s2l0", "sm3-walk-s2l1", "sm3-walk-s2l2" },
    };
    uint32_t n = cfg->walkc_entries[st][level];

    if (n == SM3_WALKC_OFF) {
        return false;
    }
    memset(p, 0, sizeof(*p));
    p->name = names[st][level];
    p->entries = n ? n : sm3_walkc_default[st][level];
    p->ways = n ? cfg->walkc_ways[st][level] : SM3_DEFAULT_WALKC_WAYS;
    p->policy = cfg->policy;
    p->seed = 3 + st * SM3_WALKC_LEVELS + level;
    p->entry_size = sizeof(Sm3WalkEntry);
    return true;
}

/*
 * The geometry of one configurable cache as its settings give it: the
 * property prefix ("tlb" for tlb-entries and tlb-ways), the configured
 * entries (0: the default; SM3_WALKC_OFF: no such cache) and ways, and the
 * default geometry that 0 entries picks.
 */
typedef struct Sm3CacheGeom {
    const char *setting;
    uint32_t entries, ways;
    uint32_t def_entries, def_ways;
} Sm3CacheGeom;

#define SM3_CACHE_GEOMS (2 + SM3_WALKC_STAGES * SM3_WALKC_LEVELS)
/* Bounds host memory: a cache's slots are allocated up front. */
#define SM3_CACHE_MAX_ENTRIES (1u << 20)

static void sm3_cache_geoms(const Sm3Config *cfg,
                            Sm3CacheGeom g[SM3_CACHE_GEOMS])
{
    static const char *const walkc[SM3_WALKC_STAGES][SM3_WALKC_LEVELS] = {
        { "walkc-s1l0", "walkc-s1l1", "walkc-s1l2" },
        { "walkc-s2l0", "walkc-s2l1", "walkc-s2l2" },
    };
    unsigned st, level, i = 2;

    g[0] = (Sm3CacheGeom){ "tlb", cfg->tlb_entries, cfg->tlb_ways,
                           SM3_DEFAULT_TLB_ENTRIES, SM3_DEFAULT_TLB_WAYS };
    g[1] = (Sm3CacheGeom){ "cfg", cfg->cfg_entries, cfg->cfg_ways,
                           SM3_DEFAULT_CFG_ENTRIES, SM3_DEFAULT_CFG_WAYS };
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            g[i++] = (Sm3CacheGeom){
                walkc[st][level], cfg->walkc_entries[st][level],
                cfg->walkc_ways[st][level], sm3_walkc_default[st][level],
                SM3_DEFAULT_WALKC_WAYS };
        }
    }
}

static char *sm3_cache_geom_error(const Sm3CacheGeom *g)
{
    SmCacheParams p = { .entries = g->entries, .ways = g->ways,
                        .policy = SM_CACHE_LRU, .entry_size = 1 };
    const char *why;

    if (g->entries == 0 || g->entries == SM3_WALKC_OFF) {
        if (!g->ways) {
            return NULL;
        }
        return g_strdup_printf(
            "%s-ways=%u has no effect while %s-entries=%s; set %s-entries "
            "too, or leave %s-ways at 0", g->setting, g->ways, g->setting,
            g->entries ? "off" : "0 (the default geometry)", g->setting,
            g->setting);
    }
    why = sm_cache_check_params(&p);
    if (!why) {
        return NULL;
    }
    return g_strdup_printf("%s-entries=%u, %s-ways=%u: %s (ways 0 means "
                           "fully associative)", g->setting, g->entries,
                           g->setting, g->ways, why);
}

char *sm3_cache_geometry_error(const Sm3Config *cfg)
{
    Sm3CacheGeom g[SM3_CACHE_GEOMS];
    unsigned i;
    char *why;

    sm3_cache_geoms(cfg, g);
    for (i = 0; i < SM3_CACHE_GEOMS; i++) {
        if (i >= 2 && g[i].entries == SM3_WALKC_OFF && !g[i].ways) {
            continue;
        }
        if (g[i].entries > SM3_CACHE_MAX_ENTRIES &&
            !(i >= 2 && g[i].entries == SM3_WALKC_OFF)) {
            return g_strdup_printf("%s-entries=%u: at most %u", g[i].setting,
                                   g[i].entries, SM3_CACHE_MAX_ENTRIES);
        }
        why = sm3_cache_geom_error(&g[i]);
        if (why) {
            return why;
        }
    }
    return NULL;
}

void sm3_caches_new(Sm3 *s)
{
    unsigned st, level;
    SmCacheParams p;

    SmCacheParams tlb = {
        .name = "sm3-tlb",
        .entries = s->cfg.tlb_entries ? s->cfg.tlb_entries
                                      : SM3_DEFAULT_TLB_ENTRIES,
        .ways = s->cfg.tlb_entries ? s->cfg.tlb_ways : SM3_DEFAULT_TLB_WAYS,
        .policy = s->cfg.policy,
        .seed = 1,
        .entry_size = sizeof(Sm3TlbEntry),
    };
    SmCacheParams cfg = {
        .name = "sm3-cfg",
        .entries = s->cfg.cfg_entries ? s->cfg.cfg_entries
                                      : SM3_DEFAULT_CFG_ENTRIES,
        .ways = s->cfg.cfg_entries ? s->cfg.cfg_ways : SM3_DEFAULT_CFG_WAYS,
        .policy = s->cfg.policy,
        .seed = 2,
        .entry_size = sizeof(Sm3CfgEntry),
    };

    s->tlb = sm_cache_new(&tlb);
    s->cfgc = sm_cache_new(&cfg);
    /* A new cache starts its generations again: forget its old hits */
    memset(s->walkc_memo, 0, sizeof(s->walkc_memo));
    memset(s->stream_memo, 0, sizeof(s->stream_memo));
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            if (sm3_walkc_params(&s->cfg, st, level, &p)) {
                s->walkc[st][level] = sm_cache_new(&p);
            }
        }
    }
}

/* Whether every configured walk cache could be built. */
bool sm3_caches_ok(const Sm3 *s)
{
    unsigned st, level;
    SmCacheParams p;

    if (!s->tlb || !s->cfgc) {
        return false;
    }
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            if (sm3_walkc_params(&s->cfg, st, level, &p) &&
                !s->walkc[st][level]) {
                return false;
            }
        }
    }
    return true;
}

void sm3_caches_free(Sm3 *s)
{
    unsigned st, level;

    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            sm_cache_free(s->walkc[st][level]);
            s->walkc[st][level] = NULL;
        }
    }
    if (s->tlb) {
        sm_cache_free(s->tlb);
        s->tlb = NULL;
    }
    if (s->cfgc) {
        sm_cache_free(s->cfgc);
        s->cfgc = NULL;
    }
}

void sm3_invalidate_all(Sm3 *s)
{
    unsigned st, level;

    sm_cache_invalidate_all(s->tlb);
    sm_cache_invalidate_all(s->cfgc);
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            if (s->walkc[st][level]) {
                sm_cache_invalidate_all(s->walkc[st][level]);
            }
        }
    }
}

void sm3_walkc_stats(const Sm3 *s, Sm3Stats *out)
{
    unsigned st, level;

    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            if (s->walkc[st][level]) {
                out->walkc[st][level] = sm_cache_stats(s->walkc[st][level]);
            }
        }
    }
}

/* ---- TLB ---------------------------------------------------------------- */

/*
 * Set selection: the page number at the entry's own size, mixed with the
 * VMID and regime.  Not the ASID: a global entry must be found from any.
 */
static uint64_t sm3_tlb_hint(uint8_t world, uint8_t kind, uint16_t vmid,
                             uint64_t va, unsigned shift)
{
    uint64_t h = (shift < 64 ? va >> shift : 0);

    h ^= (uint64_t)vmid * 0x9e37u;
    h ^= (uint64_t)shift << 7;
    h ^= (uint64_t)(world * 2 + kind) << 3;
    return h ^ (h >> 17);
}

static bool sm3_tlb_match(const void *entry, const void *key)
{
    const Sm3TlbEntry *e = entry;
    const Sm3TlbKey *k = key;

    /* The address first: it is what tells entries of one set apart. */
    return (k->va & ~e->mask) == e->va && e->world == k->world &&
           e->kind == k->kind && e->vmid == k->vmid &&
           (e->global || e->asid == k->asid);
}

/*
 * The sets an entry matching @key can be in, into @sets (returns how
 * many): a matching entry of size Z sits in the set of (@key, Z), since
 * the hint depends on the address only above Z, and Z is a size the TLB
 * has held (Sm3.tlb_shifts).
 */
static unsigned sm3_tlb_held_sets(const Sm3 *s, const Sm3TlbKey *key,
                                  uint32_t sets[64])
{
    uint64_t held = s->tlb_shifts;
    unsigned n = 0;

    while (held) {
        unsigned z = (unsigned)__builtin_ctzll(held);

        held &= held - 1;
        sets[n++] = sm_cache_set_of(s->tlb, sm3_tlb_hint(key->world,
                                                         key->kind,
                                                         key->vmid,
                                                         key->va, z));
    }
    return n;
}

static bool sm3_tlb_set_in(uint32_t set, const uint32_t *sets, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (sets[i] == set) {
            return true;
        }
    }
    return false;
}

/*
 * Whether the TLB has held entries of a single size, one the key probes
 * (key->shifts[*i]): then the set of that size is the only set a match
 * can be in, and probing it is the whole lookup.
 */
static bool sm3_tlb_one_size_held(const Sm3 *s, const Sm3TlbKey *key,
                                  unsigned *i)
{
    uint64_t held = s->tlb_shifts;
    unsigned n = MIN(key->n_shifts, SM3_TLB_MAX_SHIFTS);

    if (!held || (held & (held - 1))) {
        return false;
    }
    for (*i = 0; *i < n; (*i)++) {
        if (held == UINT64_C(1) << (key->shifts[*i] & 63)) {
            return true;
        }
    }
    return false;
}

/*
 * Probe every entry size the configuration allows, smallest first, as a
 * single lookup: one hit or one miss is counted.
 */
const Sm3TlbEntry *sm3_tlb_lookup(Sm3 *s, const Sm3TlbKey *key)
{
    uint64_t hints[SM3_TLB_MAX_SHIFTS];
    uint32_t sets[64];
    unsigned i, n = MIN(key->n_shifts, SM3_TLB_MAX_SHIFTS), probed = 0;
    unsigned n_sets;

    if (!n) {
        /*
         * No stage has a valid granule (validation rules it out): still
         * one lookup, as for a 4 KiB entry, whose answer is not used.
         */
        sm_cache_lookup(s->tlb, sm3_tlb_hint(key->world, key->kind,
                                             key->vmid, key->va, 12),
                        sm3_tlb_match, key);
        return NULL;
    }
    /*
     * A size's set that no match can be in is not looked at: that changes
     * nothing but the time a miss takes (still one lookup, counted once).
     * The match does not compare sizes, so a set kept for another size is
     * still probed in this size's turn: the first match found stays the
     * same entry.
     */
    if (sm3_tlb_one_size_held(s, key, &i)) {
        /* Its set is the only one probed, whichever size's turn finds it */
        hints[0] = sm3_tlb_hint(key->world, key->kind, key->vmid, key->va,
                                key->shifts[i]);
        return sm_cache_lookup_any(s->tlb, hints, 1, sm3_tlb_match, key);
    }
    n_sets = sm3_tlb_held_sets(s, key, sets);
    for (i = 0; i < n; i++) {
        uint64_t h = sm3_tlb_hint(key->world, key->kind, key->vmid, key->va,
                                  key->shifts[i]);

        if (sm3_tlb_set_in(sm_cache_set_of(s->tlb, h), sets, n_sets)) {
            hints[probed++] = h;
        }
    }
    return sm_cache_lookup_any(s->tlb, hints, probed, sm3_tlb_match, key);
}

void sm3_tlb_insert(Sm3 *s, const Sm3TlbEntry *e)
{
    s->tlb_shifts |= UINT64_C(1) << (e->shift & 63);
    sm_cache_insert(s->tlb, sm3_tlb_hint(e->world, e->kind, e->vmid, e->va,
                                         e->shift), e);
}

static bool sm3_tlb_in_scope(const void *entry, void *opaque)
{
    const Sm3TlbEntry *e = entry;
    const Sm3TlbScope *sc = opaque;

    if ((sc->match_world && e->world != sc->world) ||
        (sc->match_kind && e->kind != sc->kind) ||
        (sc->match_vmid && e->vmid != sc->vmid)) {
        return false;
    }
    if (sc->match_asid &&
        (e->global ? !sc->global_too : e->asid != sc->asid)) {
        return false;
    }
    if (sc->match_addr) {
        uint64_t last = sc->addr + (sc->size ? sc->size - 1 : 0);

        if (last < sc->addr) {
            last = UINT64_MAX;
        }
        if (e->va > last || e->va + e->mask < sc->addr) {
            return false;
        }
        /* CMD_TLBI_* TTL: leaf entries of another level are out of scope. */
        if (sc->level && sc->tg_shift == e->granule_shift &&
            e->level != sc->level) {
            return false;
        }
    }
    return true;
}

/*
 * How many sets an address-scoped invalidation visits, summed over the
 * entry sizes the TLB has held: the aligned bases of [addr, last] at
 * each size.  Large once a range covers many pages.
 */
static uint64_t sm3_tlb_scope_sets(const Sm3 *s, const Sm3TlbScope *sc,
                                   uint64_t last)
{
    uint64_t n = 0;
    unsigned shift;

    for (shift = 0; shift < 64; shift++) {
        if (s->tlb_shifts & (UINT64_C(1) << shift)) {
            n += (last >> shift) - (sc->addr >> shift) + 1;
        }
    }
    return n;
}

/*
 * An invalidation of a few pages of one regime and VMID: only the sets
 * its entries can have been placed in (sm3_tlb_hint() of each size the
 * TLB has held, at each base the range touches) instead of every entry;
 * what is invalidated is the same.  Strict-mode Linux sends one such
 * TLBI per unmapped page.
 */
static bool sm3_tlb_invalidate_sets(Sm3 *s, const Sm3TlbScope *sc,
                                    unsigned *n)
{
    uint64_t last = sc->addr + (sc->size ? sc->size - 1 : 0);
    unsigned shift;

    if (!sc->match_addr || !sc->match_world || !sc->match_kind ||
        !sc->match_vmid || last < sc->addr ||
        sm3_tlb_scope_sets(s, sc, last) > sm_cache_sets(s->tlb)) {
        return false;
    }
    *n = 0;
    for (shift = 0; shift < 64; shift++) {
        uint64_t b;

        if (!(s->tlb_shifts & (UINT64_C(1) << shift))) {
            continue;
        }
        for (b = sc->addr >> shift; b <= last >> shift; b++) {
            *n += sm_cache_invalidate_matching_in(
                s->tlb, sm3_tlb_hint(sc->world, sc->kind, sc->vmid,
                                     b << shift, shift),
                sm3_tlb_in_scope, (void *)sc);
        }
    }
    return true;
}

unsigned sm3_tlb_invalidate(Sm3 *s, const Sm3TlbScope *sc)
{
    unsigned n;

    if (sm3_tlb_invalidate_sets(s, sc, &n)) {
        return n;
    }
    return sm_cache_invalidate_matching(s->tlb, sm3_tlb_in_scope,
                                        (void *)sc);
}

/* ---- configuration cache ------------------------------------------------ */

typedef struct Sm3CfgKey {
    bool is_cd;
    uint32_t sid;
    bool ssv;
    uint32_t ssid;
} Sm3CfgKey;

static uint64_t sm3_cfg_hint(bool is_cd, uint32_t sid, uint32_t ssid)
{
    uint64_t h = sid ^ ((uint64_t)ssid * 0x61c9u) ^ (is_cd ? 0x5555u : 0);

    return h ^ (h >> 13);
}

static bool sm3_cfg_match(const void *entry, const void *key)
{
    const Sm3CfgEntry *e = entry;
    const Sm3CfgKey *k = key;

    if (e->is_cd != k->is_cd || e->sid != k->sid) {
        return false;
    }
    return !e->is_cd || (e->ssv == k->ssv && e->ssid == k->ssid);
}

const Sm3CfgEntry *sm3_cfg_lookup(Sm3 *s, bool is_cd, uint32_t sid,
                                  bool ssv, uint32_t ssid)
{
    Sm3CfgKey k = { is_cd, sid, ssv, is_cd && ssv ? ssid : 0 };

    return sm_cache_lookup(s->cfgc, sm3_cfg_hint(is_cd, sid, k.ssid),
                           sm3_cfg_match, &k);
}

void sm3_cfg_insert(Sm3 *s, const Sm3CfgEntry *e)
{
    sm_cache_insert(s->cfgc, sm3_cfg_hint(e->is_cd, e->sid,
                                          e->is_cd && e->ssv ? e->ssid : 0),
                    e);
}

typedef struct Sm3CfgScope {
    uint32_t first, last;
    bool ste, cd, match_ssid;
    uint32_t ssid;
} Sm3CfgScope;

static bool sm3_cfg_in_scope(const void *entry, void *opaque)
{
    const Sm3CfgEntry *e = entry;
    const Sm3CfgScope *sc = opaque;

    if (e->sid < sc->first || e->sid > sc->last) {
        return false;
    }
    if (!e->is_cd) {
        return sc->ste;
    }
    if (!sc->cd) {
        return false;
    }
    /* Traffic without a substream uses the CD at index 0. */
    return !sc->match_ssid || (e->ssv ? e->ssid : 0) == sc->ssid;
}

unsigned sm3_cfg_invalidate(Sm3 *s, uint32_t sid_first, uint32_t sid_last,
                            bool ste, bool cd, bool match_ssid,
                            uint32_t ssid)
{
    Sm3CfgScope sc = { sid_first, sid_last, ste, cd, match_ssid, ssid };

    return sm_cache_invalidate_matching(s->cfgc, sm3_cfg_in_scope, &sc);
}

/* ---- walk caches -------------------------------------------------------- */


static uint64_t sm3_walkc_hint(const Sm3WalkEntry *k)
{
    uint64_t h = k->shift < 64 ? k->base >> k->shift : 0;

    h ^= (uint64_t)k->vmid * 0x9e37u ^ (uint64_t)k->asid * 0x61c9u;
    h ^= (uint64_t)k->world << 5;
    return h ^ (h >> 17);
}

static bool sm3_walkc_match(const void *entry, const void *key)
{
    const Sm3WalkEntry *e = entry;
    const Sm3WalkEntry *k = key;

    return e->base == k->base && e->shift == k->shift &&
           e->vmid == k->vmid && e->asid == k->asid && e->world == k->world;
}

/* The cache and key for (@stage, @level, @in) in context @wc. */
static SmCache *sm3_walkc_key(const Sm3WalkCtx *wc, unsigned stage,
                              int level, unsigned shift, uint64_t in,
                              Sm3WalkEntry *k)
{
    if (stage < 1 || stage > SM3_WALKC_STAGES || level < 0 ||
        level >= SM3_WALKC_LEVELS || shift >= 64) {
        return NULL;
    }
    memset(k, 0, sizeof(*k));
    k->base = in & ~sm_low_mask(shift);
    k->shift = shift;
    k->vmid = wc->vmid;
    k->world = stage == 1 ? wc->world : SM3_TLB_NS_EL1;
    k->asid = stage == 1 ? wc->asid : 0;
    k->global = stage == 1 && wc->global;
    return wc->s->walkc[stage - 1][level];
}

/*
 * A lookup that repeats the last hit in its walk cache (the next page's
 * walk under the same table, the common case of a TLB miss) is replayed
 * from Sm3.walkc_memo while that cache is unchanged
 * (sm_cache_generation()), its first match then being the same entry:
 * counted and touched as the search would, without the search.
 */
static const Sm3WalkEntry *sm3_walkc_find(Sm3 *s, SmCache *c,
                                          Sm3WalkcMemo *m,
                                          const Sm3WalkEntry *k)
{
    const Sm3WalkEntry *e;

    if (m->valid && !s->cfg.fast_path_off &&
        m->gen == sm_cache_generation(c) && sm3_walkc_match(&m->key, k)) {
        return sm_cache_rehit(c, m->slot);
    }
    e = sm_cache_lookup(c, sm3_walkc_hint(k), sm3_walkc_match, k);
    if (e) {
        *m = (Sm3WalkcMemo) {
            .valid = true, .gen = sm_cache_generation(c), .key = *k,
            .slot = sm_cache_slot_of(c, e),
        };
    }
    return e;
}

static bool sm3_walkc_lookup(void *opaque, unsigned stage, int level,
                             unsigned shift, uint64_t in,
                             SmWalkTableDesc *out)
{
    Sm3WalkCtx *wc = opaque;
    Sm3WalkEntry k;
    SmCache *c = sm3_walkc_key(wc, stage, level, shift, in, &k);
    const Sm3WalkEntry *e;

    if (!c) {
        return false;
    }
    e = sm3_walkc_find(wc->s, c, &wc->s->walkc_memo[stage - 1][level], &k);
    if (!e) {
        return false;
    }
    *out = e->d;
    return true;
}

static void sm3_walkc_insert(void *opaque, unsigned stage, int level,
                             unsigned shift, uint64_t in,
                             const SmWalkTableDesc *d)
{
    Sm3WalkEntry k;
    SmCache *c = sm3_walkc_key(opaque, stage, level, shift, in, &k);
    Sm3WalkEntry *e;

    if (!c) {
        return;
    }
    k.d = *d;
    /*
     * A walk only inserts after missing, but a walk nested inside it (a
     * device reached by a descriptor write) may have inserted the same
     * region meanwhile: refresh that entry rather than duplicate it.
     * Only its descriptor changes, not its tags, so the cache's
     * generation stays: every lookup still finds this entry, and
     * copies the descriptor when it does (Sm3WalkcMemo included).
     */
    e = sm_cache_peek(c, sm3_walkc_hint(&k), sm3_walkc_match, &k);
    if (e) {
        e->d = *d;
        return;
    }
    sm_cache_insert(c, sm3_walkc_hint(&k), &k);
}

const SmWalkCacheOps *sm3_walkc_ops(Sm3 *s, Sm3WalkCtx *wc, uint8_t world,
                                    uint16_t vmid, uint16_t asid,
                                    bool global)
{
    unsigned st, level;
    bool any = false;

    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            any |= s->walkc[st][level] != NULL;
        }
    }
    if (!any) {
        return NULL;
    }
    wc->s = s;
    wc->world = world;
    wc->vmid = vmid;
    wc->asid = asid;
    wc->global = global;
    wc->ops.opaque = wc;
    wc->ops.lookup = sm3_walkc_lookup;
    wc->ops.insert = sm3_walkc_insert;
    return &wc->ops;
}

typedef struct Sm3WalkScope {
    const Sm3TlbScope *sc;
    bool stage1;
} Sm3WalkScope;

static bool sm3_walkc_in_scope(const void *entry, void *opaque)
{
    const Sm3WalkEntry *e = entry;
    const Sm3WalkScope *ws = opaque;
    const Sm3TlbScope *sc = ws->sc;

    if ((sc->match_world && e->world != sc->world) ||
        (sc->match_vmid && e->vmid != sc->vmid)) {
        return false;
    }
    /*
     * ASID forms (TLBI_NH_ASID, TLBI_EL2_ASID) reach the ASID's own
     * entries, never ASID-less (EL2 without E2H) ones, as for the TLB.
     * VA forms reach every ASID: a table descriptor has no nG, and one
     * cached under another ASID may describe tables this ASID shares,
     * so the ASID in the command is not trusted to bound the scope
     * (over-invalidation is always permitted).
     */
    if (ws->stage1 && sc->match_asid && !sc->match_addr &&
        (e->global || e->asid != sc->asid)) {
        return false;
    }
    if (sc->match_addr) {
        uint64_t last = sc->addr + (sc->size ? sc->size - 1 : 0);

        if (last < sc->addr) {
            last = UINT64_MAX;
        }
        if (e->base > last || e->base + sm_low_mask(e->shift) < sc->addr) {
            return false;
        }
    }
    return true;
}

/*
 * TTL names the level of the leaf being invalidated ("Range-based
 * invalidation and level hint" of CMD_TLBI_*); the table descriptors
 * above it that lead there are in scope of a Leaf = 0 command whatever
 * TTL says, so TTL is not applied here.  A range is matched against each
 * entry's whole region (overlap), which may drop more than needed:
 * over-invalidation is always permitted.
 */
unsigned sm3_walkc_invalidate(Sm3 *s, const Sm3TlbScope *sc)
{
    unsigned st, level, n = 0;

    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        Sm3WalkScope ws = { sc, st == 0 };

        if (sc->match_kind &&
            sc->kind != (st == 0 ? SM3_TLB_KIND_S1 : SM3_TLB_KIND_S2)) {
            continue;
        }
        if (st == 1 && sc->match_world && sc->world != SM3_TLB_NS_EL1) {
            continue;
        }
        for (level = 0; level < SM3_WALKC_LEVELS; level++) {
            if (s->walkc[st][level]) {
                n += sm_cache_invalidate_matching(s->walkc[st][level],
                                                  sm3_walkc_in_scope, &ws);
            }
        }
    }
    return n;
}
