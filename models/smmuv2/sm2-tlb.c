/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 TLB on models/common/sm-cache: leaf translations tagged by
 * context bank, VMID and ASID, and the TLB maintenance registers of the
 * context banks (TLBI*) and of global register space 0 (TLBIVMID,
 * TLBIALLNSNH, TLBIALLH).
 *
 * A lookup hits only entries made for the same bank (and stage-2 bank,
 * nested), VMID and ASID (or global stage-1 entries of the bank).  An invalidation selects by what
 * the architecture names, VMID, ASID and address, whatever bank made
 * the entry: banks that share a VMID share its maintenance.
 */
#include <glib.h>

#include "sm-walk.h"
#include "sm2-internal.h"

#define SM2_TLB_DEFAULT_ENTRIES 128
#define SM2_TLB_DEFAULT_WAYS    4

/*
 * Page sizes an entry can have (4K, 16K, 64K pages; 2M, 32M, 512M and
 * 1G blocks): a lookup tries the set of each, as an entry is placed by
 * its own size.
 */
static const unsigned sm2_tlb_shifts[] = { 12, 14, 16, 21, 25, 29, 30 };

static uint64_t sm2_tlb_hint(uint64_t addr, unsigned shift)
{
    return (addr >> shift) ^ ((uint64_t)shift << 40);
}

SmCacheParams sm2_tlb_params(const Sm2Config *cfg)
{
    return (SmCacheParams) {
        .name = "sm2-tlb",
        .entries = cfg->tlb_entries ? cfg->tlb_entries
                                    : SM2_TLB_DEFAULT_ENTRIES,
        .ways = cfg->tlb_entries ? cfg->tlb_ways : SM2_TLB_DEFAULT_WAYS,
        .policy = cfg->policy,
        .entry_size = sizeof(Sm2TlbEntry),
    };
}

bool sm2_tlb_new(Sm2 *s)
{
    SmCacheParams p = sm2_tlb_params(&s->cfg);

    s->tlb = sm_cache_new(&p);
    return s->tlb != NULL;
}

typedef struct Sm2TlbKey {
    uint8_t cbndx, s2cbndx;
    uint16_t vmid, asid;
    uint64_t addr;
} Sm2TlbKey;

static bool sm2_tlb_match(const void *entry, const void *key)
{
    const Sm2TlbEntry *e = entry;
    const Sm2TlbKey *k = key;

    return e->cbndx == k->cbndx && e->s2cbndx == k->s2cbndx &&
           e->vmid == k->vmid &&
           (e->global || e->stage2 || e->asid == k->asid) &&
           (k->addr & ~e->mask) == e->va;
}

const Sm2TlbEntry *sm2_tlb_lookup(Sm2 *s, uint8_t cbndx, uint8_t s2cbndx,
                                  uint16_t vmid, uint16_t asid,
                                  uint64_t addr)
{
    Sm2TlbKey k = { cbndx, s2cbndx, vmid, asid, addr };
    uint64_t hints[G_N_ELEMENTS(sm2_tlb_shifts)];
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_tlb_shifts); i++) {
        hints[i] = sm2_tlb_hint(addr, sm2_tlb_shifts[i]);
    }
    return sm_cache_lookup_any(s->tlb, hints, G_N_ELEMENTS(hints),
                               sm2_tlb_match, &k);
}

/* Entries of other sizes than the table above are not cached. */
void sm2_tlb_insert(Sm2 *s, const Sm2TlbEntry *e)
{
    unsigned shift = (unsigned)__builtin_ctzll(e->mask + 1);
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_tlb_shifts); i++) {
        if (sm2_tlb_shifts[i] == shift) {
            sm_cache_insert(s->tlb, sm2_tlb_hint(e->va, shift), e);
            return;
        }
    }
}

static bool sm2_tlb_in_scope(const void *entry, void *opaque)
{
    const Sm2TlbEntry *e = entry;
    const Sm2TlbScope *sc = opaque;

    /*
     * A nested entry combines both stages and keeps no IPA: maintenance
     * of its stage-2 VMID removes it whatever the address.
     */
    if (e->s2cbndx != SM2_NO_S2CB && (sc->stage2 || sc->both_stages) &&
        (sc->any_vmid || e->s2vmid == sc->vmid)) {
        return true;
    }
    if (!sc->both_stages && e->stage2 != sc->stage2) {
        return false;
    }
    if (!sc->any_vmid && e->vmid != sc->vmid) {
        return false;
    }
    /*
     * A global entry belongs to no ASID: an invalidation by ASID alone
     * (TLBIASID) leaves it, one by VA and ASID (TLBIVA, TLBIVAL) takes it
     * whatever the ASID, as TLBI by ASID and by VA do in VMSAv8.
     */
    if (!sc->any_asid && (e->global ? !sc->by_addr : e->asid != sc->asid)) {
        return false;
    }
    return !sc->by_addr || (sc->addr & ~e->mask) == e->va;
}

unsigned sm2_tlb_invalidate(Sm2 *s, const Sm2TlbScope *sc)
{
    return sm_cache_invalidate_matching(s->tlb, sm2_tlb_in_scope,
                                        (void *)sc);
}

/* ---- context bank identity ---------------------------------------------- */

/* The VMID bank @cbndx's own registers hold. */
static uint16_t sm2_cb_own_vmid(const Sm2 *s, unsigned cbndx)
{
    if (s->f.vmid16 &&
        (sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0) & SM2_SCR0_VMID16EN)) {
        return (uint16_t)sm_get(sm2_rd32(s, SM2_SPACE_GR1, 0,
                                         SM2_CBA2R(cbndx)),
                                SM2_CBA2R_VMID16);
    }
    return (uint16_t)sm_get(sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBAR(cbndx)),
                            SM2_CBAR_VMID);
}

/*
 * A nested bank translates in the virtual machine of its stage-2 bank
 * (CBAR[15:8]): its entries, and its own TLB maintenance, carry that
 * bank's VMID, so a new VMID there leaves none of them matching.
 */
uint16_t sm2_cb_vmid(const Sm2 *s, unsigned cbndx)
{
    uint32_t cbar = sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBAR(cbndx));
    unsigned n2 = (unsigned)sm_get(cbar, SM2_CBAR_S2CBNDX);

    if (s->f.nested && sm_get(cbar, SM2_CBAR_TYPE) == SM2_CBAR_TYPE_NESTED &&
        n2 < s->f.numcb) {
        return sm2_cb_own_vmid(s, n2);
    }
    return sm2_cb_own_vmid(s, cbndx);
}

uint16_t sm2_cb_asid(const Sm2 *s, unsigned cbndx)
{
    bool a1 = sm2_rd32(s, SM2_SPACE_CB, cbndx, SM2_CB_TCR) & SM2_TCR_A1;
    uint64_t ttbr = sm2_rd64(s, SM2_SPACE_CB, cbndx,
                             a1 ? SM2_CB_TTBR1 : SM2_CB_TTBR0);
    uint16_t asid = (uint16_t)sm_get(ttbr, SM2_TTBR_ASID);

    if (!(sm2_rd32(s, SM2_SPACE_CB, cbndx, SM2_CB_TCR2) & SM2_TCR2_AS)) {
        asid &= 0xff;                /* 8-bit ASIDs: ASID[15:8] ignored */
    }
    return asid;
}

/* ---- maintenance registers ---------------------------------------------- */

/* What one context-bank TLBI register covers, beyond the bank's VMID. */
typedef struct Sm2TlbiDesc {
    uint32_t offset;
    bool by_asid;            /* operand ASID (TLBIVA*: [63:48]) */
    bool by_addr;            /* operand address >> 12 */
    bool stage2;             /* IPA of stage-2 entries */
    bool asid_low;           /* TLBIASID: the ASID in bits [15:0] */
} Sm2TlbiDesc;

/*
 * The leaf-only forms (TLBIVAL, TLBIVAAL, TLBIIPAS2L) cover the same
 * entries as the others here: the TLB holds leaves only.
 */
static const Sm2TlbiDesc sm2_tlbis[] = {
    { SM2_CB_TLBIVA,     true,  true,  false, false },
    { SM2_CB_TLBIVAA,    false, true,  false, false },
    { SM2_CB_TLBIASID,   true,  false, false, true },
    { SM2_CB_TLBIALL,    false, false, false, false },
    { SM2_CB_TLBIVAL,    true,  true,  false, false },
    { SM2_CB_TLBIVAAL,   false, true,  false, false },
    { SM2_CB_TLBIIPAS2,  false, true,  true,  false },
    { SM2_CB_TLBIIPAS2L, false, true,  true,  false },
};

static void sm2_notify(Sm2 *s, const Sm2TlbScope *sc)
{
    SmInval inv = {
        .scope = sc->by_addr ? SM_INVAL_RANGE :
                 !sc->any_asid ? SM_INVAL_ASID :
                 !sc->any_vmid ? SM_INVAL_VMID : SM_INVAL_ALL,
        .has_asid = !sc->any_asid, .has_vmid = !sc->any_vmid,
        .stage2 = sc->stage2, .asid = sc->asid, .vmid = sc->vmid,
        .addr = sc->addr, .size = sc->by_addr ? 4096 : 0,
    };

    if (s->cfg.host.invalidated) {
        s->cfg.host.invalidated(s->cfg.host.opaque, &inv);
    }
}

void sm2_config_changed(Sm2 *s)
{
    Sm2TlbScope all = { .any_vmid = true, .any_asid = true,
                        .both_stages = true };

    sm2_streams_forget(s);
    sm2_notify(s, &all);
    sm2_timing_command(s, SM_TIMING_CMD_CFGI);
}

void sm2_tlbi_cb(Sm2 *s, unsigned cbndx, uint32_t off)
{
    const Sm2TlbiDesc *t = NULL;
    uint64_t op;
    Sm2TlbScope sc = { 0 };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_tlbis); i++) {
        if (sm2_tlbis[i].offset == off) {
            t = &sm2_tlbis[i];
        }
    }
    if (!t) {
        return;
    }
    op = sm2_rd64(s, SM2_SPACE_CB, cbndx, off);
    sm2_wr64(s, SM2_SPACE_CB, cbndx, off, 0);   /* write-only register */
    if (t->asid_low) {
        op = sm_prep(SM2_TLBI_ASID, op & 0xffff);
    }
    if (!(sm2_rd32(s, SM2_SPACE_CB, cbndx, SM2_CB_TCR2) & SM2_TCR2_AS)) {
        op &= ~sm_prep(SM2_TLBI_ASID, 0xff00);  /* 8-bit ASIDs */
    }
    sc.vmid = sm2_cb_vmid(s, cbndx);
    sc.any_asid = !t->by_asid;
    sc.asid = (uint16_t)sm_get(op, SM2_TLBI_ASID);
    sc.by_addr = t->by_addr;
    sc.addr = sm_get(op, SM2_TLBI_ADDR) << 12;
    if (!t->stage2) {
        sc.addr = (uint64_t)sm_sext(sc.addr, 56);   /* VA[55] selects TTBR1 */
    }
    sc.stage2 = t->stage2;
    sm2_tlb_invalidate(s, &sc);
    sm2_notify(s, &sc);
    sm2_timing_command(s, SM_TIMING_CMD_TLBI);
}

void sm2_tlbi_global(Sm2 *s, uint32_t off)
{
    Sm2TlbScope sc = { .any_asid = true, .both_stages = true };
    uint32_t op = sm2_rd32(s, SM2_SPACE_GR0, 0, off);

    sm2_wr32(s, SM2_SPACE_GR0, 0, off, 0);      /* write-only register */
    if (off == SM2_TLBIALLH) {
        return;              /* no hypervisor contexts are modelled */
    }
    sc.any_vmid = off == SM2_TLBIALLNSNH;
    sc.vmid = (uint16_t)sm_get(op, SM2_TLBIVMID_VMID);
    if (!s->f.vmid16 ||
        !(sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0) & SM2_SCR0_VMID16EN)) {
        sc.vmid &= 0xff;
    }
    sm2_tlb_invalidate(s, &sc);
    sm2_notify(s, &sc);
    sm2_timing_command(s, SM_TIMING_CMD_TLBI);
}
