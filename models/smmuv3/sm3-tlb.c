/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3 TLB and configuration cache, both built on the common
 * set-associative engine (sm-cache.h).  This file owns the tags: how an
 * entry is keyed (world, VMID, ASID or global, address, size, level) and
 * which entries each invalidation command reaches (IHI 0070 4.3, 4.4).
 * A full cache evicts one victim per insert; nothing here flushes more
 * than a command's scope.
 */
#include <glib.h>
#include <string.h>

#include "sm3-internal.h"

void sm3_caches_new(Sm3 *s)
{
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
}

void sm3_caches_free(Sm3 *s)
{
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
    sm_cache_invalidate_all(s->tlb);
    sm_cache_invalidate_all(s->cfgc);
}

/* ---- TLB ----------------------------------------------------------------- */

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
 * Probe every entry size the configuration allows, smallest first, as a
 * single lookup: one hit or one miss is counted.
 */
const Sm3TlbEntry *sm3_tlb_lookup(Sm3 *s, const Sm3TlbKey *key)
{
    uint64_t hints[SM3_TLB_MAX_SHIFTS];
    unsigned i, n = MIN(key->n_shifts, SM3_TLB_MAX_SHIFTS);

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
    for (i = 0; i < n; i++) {
        hints[i] = sm3_tlb_hint(key->world, key->kind, key->vmid, key->va,
                                key->shifts[i]);
    }
    return sm_cache_lookup_any(s->tlb, hints, n, sm3_tlb_match, key);
}

void sm3_tlb_insert(Sm3 *s, const Sm3TlbEntry *e)
{
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
        /* TTL: leaf entries of another level are out of scope (4.4.1). */
        if (sc->level && sc->tg_shift == e->granule_shift &&
            e->level != sc->level) {
            return false;
        }
    }
    return true;
}

unsigned sm3_tlb_invalidate(Sm3 *s, const Sm3TlbScope *sc)
{
    return sm_cache_invalidate_matching(s->tlb, sm3_tlb_in_scope,
                                        (void *)sc);
}

/* ---- configuration cache ------------------------------------------------- */

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
