/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Upstream transactions (IHI 0070 "Operation"): global bypass, STE and CD
 * lookup through the configuration cache, the TLB, the VMSAv8-64 walk,
 * fault reporting (event records, CD.R/STE.S2R suppression) and the
 * "Stall model".  ATS Translation Requests ("Support for PCI Express,
 * PASIDs, PRI, and ATS") share the path.
 */
#include <glib.h>
#include <string.h>

#include "sm3-internal.h"

/* Everything one translation needs once the configuration is known. */
typedef struct Sm3Ctx {
    Sm3 *s;
    const Sm3Request *req;
    bool ats_req;            /* an ATS Translation Request */
    /*
     * Split-stage ATS (STE.EATS == 0b10): the request gets stage 1 only
     * (VA -> IPA), which must not meet combined entries in the TLB.
     */
    bool split;
    /*
     * The STE in use: the configuration cache's entry on a hit (valid
     * until the next insert into or invalidation of that cache), else
     * @ste_buf; always @ste_buf once the translation inserts into that
     * cache or a walk may write guest memory (sm3_ctx_own_config()),
     * unless it is a stream memo's private copy from the start (@memo).
     * Read-only; the effective StreamWorld is @world, not ste->world.
     */
    const Sm3Ste *ste;
    Sm3StreamWorld world;    /* ste->world, NS_EL2_E2H when CR2.E2H == 1 */
    bool s1;                 /* stage 1 translates */
    bool s2;                 /* stage 2 translates */
    /* The CD in use: as @ste, @cd_buf, or sm3_no_cd (no stage 1) */
    const Sm3Cd *cd;
    Sm3S1Walk walk;          /* set by sm3_cd_select() when @s1 */
    bool write, instr, priv; /* after STE.INSTCFG / PRIVCFG overrides */
    /*
     * For the fast path: the configuration cache entries found (NULL:
     * fetched, or no CD) and that cache's generation before the lookups.
     */
    const Sm3CfgEntry *ste_hit, *cd_hit;
    uint64_t cfg_gen;
    /* The stream memo whose copies @ste and @cd are (private), or NULL */
    Sm3StreamMemo *memo;
    /*
     * The members below are large and only used off the TLB-hit path, so
     * sm3_xlate() leaves them uninitialised: each is written before it is
     * read (sm_walk() fills all of a result).
     */
    /* Stage-2 fault details of a nested CD fetch (sm3_cd_s2()). */
    SmWalkResult s2res;
    Sm3Ste ste_buf;          /* a fetched STE, or a cached one copied */
    Sm3Cd cd_buf;            /* a fetched CD */
} Sm3Ctx;

/* The CD of a transaction without stage 1: every field 0. */
static const Sm3Cd sm3_no_cd;

/* ---- results ------------------------------------------------------------ */

static Sm3Xlate sm3_result(Sm3Outcome o, uint64_t pa)
{
    Sm3Xlate r;

    memset(&r, 0, sizeof(r));
    r.outcome = o;
    r.pa = pa;
    if (o == SM3_XLATE_BYPASS) {
        r.perm = SM_PERM_ALL;
    }
    return r;
}

/* The common part of an event record for @req. */
static void sm3_event_init(Sm3Event *ev, unsigned id, const Sm3Request *req)
{
    memset(ev, 0, sizeof(*ev));
    ev->id = id;
    ev->sid = req->sid;
    ev->ssv = req->ssv;
    ev->ssid = req->ssv ? req->ssid : 0;
    ev->pnu = req->priv;       /* PnU: 1 = privileged */
    ev->ind = req->instr;
    ev->rnw = !req->write;
    ev->input_addr = req->iova;
}

/* The result of a transaction terminated by @ev (nothing recorded). */
static Sm3Xlate sm3_fault_result(const Sm3Event *ev)
{
    Sm3Xlate r = sm3_result(SM3_XLATE_FAULT, 0);

    r.fault.event = ev->id;
    r.fault.class = ev->class;
    r.fault.stage2 = ev->s2;
    r.fault.input_addr = ev->input_addr;
    r.fault.ipa = ev->ipa;
    r.fault.fetch_addr = ev->fetch_addr;
    return r;
}

/*
 * Terminate with @ev recorded when @record; otherwise the fault is
 * suppressed (counted in Sm3Stats.faults_suppressed).
 */
static Sm3Xlate sm3_fail(Sm3 *s, const Sm3Event *ev, bool record)
{
    Sm3Xlate r = sm3_fault_result(ev);

    if (record) {
        sm3_event_record(s, ev);
        r.fault.recorded = true;
    } else {
        s->st.faults_suppressed++;
    }
    return r;
}

static Sm3Xlate sm3_fail_simple(Sm3 *s, const Sm3Request *req, unsigned id,
                                uint64_t fetch_addr)
{
    Sm3Event ev;

    sm3_event_init(&ev, id, req);
    ev.fetch_addr = fetch_addr;
    return sm3_fail(s, &ev, true);
}

/* ---- configuration ------------------------------------------------------- */

/*
 * Point c->ste at the STE of @sid: the cached copy (not copied: the hit
 * path is hot), or c->ste_buf read from the stream table and cached.
 */
static int sm3_get_ste(Sm3Ctx *c, uint32_t sid, Sm3Fetch *fetch)
{
    Sm3 *s = c->s;
    const Sm3CfgEntry *ce = sm3_cfg_lookup(s, false, sid, false, 0);
    Sm3CfgEntry ne;
    int evt;

    memset(fetch, 0, sizeof(*fetch));
    if (ce) {
        c->ste = &ce->ste;
        c->ste_hit = ce;
        if (s->rec) {
            s->rec->cfg[SM_TIMING_CFG_STE].lookup = SM_TIMING_HIT;
        }
        return SM3_EVT_NONE;
    }
    evt = sm3_ste_fetch(sm3_cfg_host(s, SM_TIMING_CFG_STE), &s->f,
                        sm3_reg64(s, SM3_STRTAB_BASE),
                        sm3_reg32(s, SM3_STRTAB_BASE_CFG), sid, &c->ste_buf,
                        fetch);
    c->ste = &c->ste_buf;
    if (evt == SM3_EVT_NONE) {
        memset(&ne, 0, sizeof(ne));
        ne.sid = sid;
        ne.ste = c->ste_buf;
        sm3_cfg_insert(s, &ne);
    }
    return evt;
}

static int sm3_walk_event(SmWalkOutcome o)
{
    switch (o) {
    case SM_WALK_FAULT_TRANSLATION:
        return SM3_EVT_F_TRANSLATION;
    case SM_WALK_FAULT_ADDR_SIZE:
        return SM3_EVT_F_ADDR_SIZE;
    case SM_WALK_FAULT_ACCESS:
        return SM3_EVT_F_ACCESS;
    case SM_WALK_FAULT_PERMISSION:
        return SM3_EVT_F_PERMISSION;
    case SM_WALK_FAULT_EABT:
        return SM3_EVT_F_WALK_EABT;
    default:
        return SM3_EVT_C_BAD_STE;
    }
}

/* Stage 2 of a CD or L1CD address in a nested configuration. */
static int sm3_cd_s2(void *opaque, uint64_t ipa, uint64_t *pa)
{
    Sm3Ctx *c = opaque;
    SmWalkCfg cfg;
    SmWalkReq req = { .addr = ipa, .priv = true };

    /* Timed: the reads count as the CD fetch's (rec_host is set to it) */
    const SmHost *host = c->s->rec ? &c->s->rec_host : &c->s->cfg.host;

    memset(&cfg, 0, sizeof(cfg));
    cfg.s2 = c->ste->s2cfg;
    cfg.attrs.requester_id = c->req->sid;
    if (!sm_walk(host, &cfg, &req, &c->s2res)) {
        return sm3_walk_event(c->s2res.outcome);
    }
    if (cfg.s2.ptw && !(c->s2res.ok.s2_memattr & 0xc)) {
        /*
         * STE.S2PTW: a CD fetch from a stage-2 page of any Device type is
         * a stage-2 Permission fault (reported with CLASS = CD).
         */
        memset(&c->s2res.fault, 0, sizeof(c->s2res.fault));
        c->s2res.outcome = SM_WALK_FAULT_PERMISSION;
        c->s2res.fault.stage = 2;
        c->s2res.fault.ipa = ipa;
        c->s2res.fault.input_addr = ipa;
        return SM3_EVT_F_PERMISSION;
    }
    *pa = c->s2res.ok.pa;
    return SM3_EVT_NONE;
}

/*
 * The CD for this transaction, from the cache or the CD table.  On
 * success c->s1 says whether stage 1 translates (S1DSS may bypass it).
 */
static int sm3_get_cd(Sm3Ctx *c, Sm3Fetch *fetch)
{
    Sm3 *s = c->s;
    const Sm3Request *req = c->req;
    bool ssv = req->ssv;
    uint32_t ssid = ssv ? req->ssid : 0;
    const Sm3CfgEntry *ce = sm3_cfg_lookup(s, true, req->sid, ssv, ssid);
    Sm3CfgEntry ne;
    int evt;

    memset(fetch, 0, sizeof(*fetch));
    if (ce) {
        c->cd = &ce->cd;
        c->cd_hit = ce;
        c->s1 = !ce->s1_bypass;
        if (s->rec) {
            s->rec->cfg[SM_TIMING_CFG_CD].lookup = SM_TIMING_HIT;
        }
        return SM3_EVT_NONE;
    }
    /*
     * The insert below may evict the cached STE c->ste points to: work on
     * a copy from here on.  The CD is checked against the STE's effective
     * StreamWorld.
     */
    if (c->ste != &c->ste_buf) {
        c->ste_buf = *c->ste;
        c->ste = &c->ste_buf;
    }
    c->ste_buf.world = c->world;
    evt = sm3_cd_fetch(sm3_cfg_host(s, SM_TIMING_CFG_CD), &s->f, c->ste,
                       req->sid, ssv, ssid,
                       c->s2 ? sm3_cd_s2 : NULL, c, &c->cd_buf, fetch);
    c->cd = &c->cd_buf;
    if (evt != SM3_EVT_NONE) {
        return evt;
    }
    c->s1 = !fetch->s1_bypass;
    memset(&ne, 0, sizeof(ne));
    ne.is_cd = true;
    ne.sid = req->sid;
    ne.ssv = ssv;
    ne.ssid = ssid;
    ne.s1_bypass = fetch->s1_bypass;
    ne.cd = c->cd_buf;
    sm3_cfg_insert(s, &ne);
    return SM3_EVT_NONE;
}

/* ---- TLB ----------------------------------------------------------------- */

static uint16_t sm3_ctx_vmid(const Sm3Ctx *c)
{
    if (!c->s->f.stage2 || c->world != SM3_WORLD_NS_EL1) {
        return 0;
    }
    return c->s->f.vmid16 ? c->ste->s2vmid : (c->ste->s2vmid & 0xff);
}

static uint16_t sm3_ctx_asid(const Sm3Ctx *c)
{
    if (!c->s1 || c->world == SM3_WORLD_NS_EL2) {
        return 0;
    }
    return c->s->f.asid16 ? c->cd->asid : (c->cd->asid & 0xff);
}

/*
 * Leaf entry sizes (log2) of each granule, levels 3, 2, 1: the walker's
 * sm_walk_level_shift(), kept in a table for the per-translation path.
 */
static uint8_t sm3_leaf_shifts[SM_GRANULE_INVALID][3];

void sm3_xlate_init(void)
{
    static gsize done;
    unsigned g, i;

    if (g_once_init_enter(&done)) {
        for (g = 0; g < SM_GRANULE_INVALID; g++) {
            for (i = 0; i < 3; i++) {
                sm3_leaf_shifts[g][i] = sm_walk_level_shift(g, 3 - (int)i);
            }
        }
        g_once_init_leave(&done, 1);
    }
}

G_STATIC_ASSERT(SM3_TLB_MAX_SHIFTS >= 3);

static void sm3_add_shifts(Sm3TlbKey *k, SmGranule g)
{
    unsigned i, j;

    if (g >= SM_GRANULE_INVALID) {
        return;
    }
    if (!k->n_shifts) {
        /* The first stage: three distinct sizes, nothing to merge */
        memcpy(k->shifts, sm3_leaf_shifts[g], 3);
        k->n_shifts = 3;
        return;
    }
    for (i = 0; i < 3; i++) {
        uint8_t sh = sm3_leaf_shifts[g][i];
        bool dup = false;

        for (j = 0; j < k->n_shifts; j++) {
            dup |= k->shifts[j] == sh;
        }
        if (!dup && k->n_shifts < SM3_TLB_MAX_SHIFTS) {
            k->shifts[k->n_shifts++] = sh;
        }
    }
}

static void sm3_tlb_key(const Sm3Ctx *c, Sm3TlbKey *k)
{
    memset(k, 0, sizeof(*k));
    k->world = c->world == SM3_WORLD_NS_EL1 ? SM3_TLB_NS_EL1
                                                : SM3_TLB_NS_EL2;
    k->kind = c->s1 ? SM3_TLB_KIND_S1 : SM3_TLB_KIND_S2;
    k->vmid = sm3_ctx_vmid(c);
    k->asid = sm3_ctx_asid(c);
    k->va = c->s1 ? c->walk.addr : c->req->iova;
    if (c->s1) {
        sm3_add_shifts(k, c->walk.cfg.granule);
    }
    if (c->s2) {
        sm3_add_shifts(k, c->ste->s2cfg.granule);
    }
}

/*
 * Whether a cached entry's permissions allow this access.  The rule is
 * the walker's own (sm_walk_perm_allows), so a hit never allows what a
 * walk of the same tables would refuse, nor the other way round.
 */
static bool sm3_perm_ok(const Sm3Ctx *c, uint8_t perm)
{
    SmWalkReq wreq = { .write = c->write, .instr = c->instr,
                       .priv = c->priv };

    return sm_walk_perm_allows(perm, &wreq);
}

static Sm3Xlate sm3_ok(uint64_t iova, uint64_t pa_base, uint64_t mask,
                       uint8_t perm, bool hit)
{
    Sm3Xlate r = sm3_result(SM3_XLATE_OK, pa_base | (iova & mask));

    r.mask = mask;
    r.perm = perm;
    r.tlb_hit = hit;
    return r;
}

/* ---- faults from the walk ------------------------------------------------ */

/*
 * "Fault models, recording and reporting": a stallable fault
 * (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION) stalls when the
 * stage's stall enable (CD.S, STE.S2S) is set, or when the stall model
 * forces it.  ATS Translation Requests never stall.
 */
static bool sm3_should_stall(const Sm3Ctx *c, int evt, bool stage2)
{
    const Sm3Features *f = &c->s->f;

    if (c->ats_req || f->stall_model == SM3_STALL_NONE ||
        !sm3_event_stallable(evt)) {
        return false;
    }
    if (f->stall_model == SM3_STALL_FORCE) {
        return true;
    }
    return stage2 ? c->ste->s2s : c->cd->s;
}

/*
 * STE.S2R and CD.R: translation, address-size, access and
 * permission faults are recorded only when the faulting stage asks for
 * it; an external abort on a walk is always recorded.
 */
static bool sm3_should_record(const Sm3Ctx *c, int evt, bool stage2)
{
    if (!sm3_event_stallable(evt)) {
        return true;
    }
    return stage2 ? c->ste->s2r : c->cd->r;
}

static Sm3Xlate sm3_walk_fault(Sm3Ctx *c, int evt, bool stage2,
                               uint8_t class, uint64_t ipa, uint64_t fetch,
                               bool ttrnw)
{
    Sm3 *s = c->s;
    Sm3Event ev;
    Sm3Xlate r;

    sm3_event_init(&ev, evt, c->req);
    ev.s2 = stage2;
    ev.class = class;
    ev.ipa = ipa;
    ev.fetch_addr = fetch;
    ev.ttrnw = ttrnw;
    if (c->ats_req) {
        /*
         * The ATS response reports it; no record ("Responses to ATS
         * Translation Requests").
         */
        return sm3_fail(s, &ev, evt == SM3_EVT_F_WALK_EABT);
    }
    /*
     * A stalled transaction can only be resumed if software hears of it:
     * its record is written whatever CD.R / STE.S2R say (our reading of
     * "Stall model"; Linux always sets R with S).
     */
    if (sm3_should_stall(c, evt, stage2) &&
        sm3_stall_alloc(s, c->req->sid, &ev.stag)) {
        ev.stall = true;
        if (sm3_event_record(s, &ev)) {
            r = sm3_fault_result(&ev);
            r.outcome = SM3_XLATE_STALLED;
            r.fault.recorded = true;
            r.fault.stall = true;
            r.fault.stag = ev.stag;
            return r;
        }
        /*
         * Nobody could be told about the stall: the transaction is
         * terminated now, as a fault, so the slot is released without
         * a stall_resolved() call (that hook is for STALLED results).
         */
        sm3_stall_release(s, ev.stag);
        return sm3_fault_result(&ev);
    }
    return sm3_fail(s, &ev, sm3_should_record(c, evt, stage2));
}

static Sm3Xlate sm3_walk_fault_res(Sm3Ctx *c, const SmWalkResult *res)
{
    const SmWalkFault *f = &res->fault;
    int evt = sm3_walk_event(res->outcome);
    bool stage2 = f->stage == 2;

    if (res->outcome == SM_WALK_BAD_CONFIG) {
        Sm3Event ev;

        sm3_guest_error(c->s, "smmuv3: sid 0x%x: walk configuration "
                        "unusable (%s)", c->req->sid,
                        sm_walk_cfg_error_name(f->cfg_error));
        sm3_event_init(&ev, stage2 || !c->s1 ? SM3_EVT_C_BAD_STE
                                             : SM3_EVT_C_BAD_CD, c->req);
        return sm3_fail(c->s, &ev, true);
    }
    /* Nested: stage-2 faults while fetching stage-1 tables are CLASS TT */
    return sm3_walk_fault(c, evt, stage2,
                          f->class == SM_WALK_CLASS_TT ? SM3_CLASS_TT
                                                       : SM3_CLASS_IN,
                          f->ipa, f->desc_addr, false);
}

/* ---- the walk ------------------------------------------------------------ */

/*
 * Make c->ste and c->cd private copies.  A walk writes guest memory
 * (Access flag and dirty updates, event records), and such a write can
 * reach a device that starts DMA at once, so another translation may run
 * inside this one and replace the configuration cache entries the
 * pointers refer to.  Only the miss path pays for the copies, and not
 * when they are a stream memo's (c->memo), private already.
 */
static void sm3_ctx_own_config(Sm3Ctx *c)
{
    if (c->memo) {
        return;
    }
    if (c->ste != &c->ste_buf) {
        c->ste_buf = *c->ste;
        c->ste = &c->ste_buf;
    }
    if (c->cd != &c->cd_buf && c->cd != &sm3_no_cd) {
        c->cd_buf = *c->cd;
        c->cd = &c->cd_buf;
    }
}

/*
 * Split-stage ATS: stage-1 table addresses are IPAs.  These hooks let a
 * stage-1-only walk read and update them through stage 2.
 */
static SmBusResult sm3_split_read(void *opaque, uint64_t ipa, void *buf,
                                  size_t len, SmAttrs attrs)
{
    Sm3Ctx *c = opaque;
    uint64_t pa;

    if (sm3_cd_s2(c, ipa, &pa) != SM3_EVT_NONE) {
        return SM_BUS_ERROR;
    }
    return c->s->cfg.host.read(c->s->cfg.host.opaque, pa, buf, len, attrs);
}

static SmBusResult sm3_split_write(void *opaque, uint64_t ipa,
                                   const void *buf, size_t len,
                                   SmAttrs attrs)
{
    Sm3Ctx *c = opaque;
    uint64_t pa;

    if (sm3_cd_s2(c, ipa, &pa) != SM3_EVT_NONE) {
        return SM_BUS_ERROR;
    }
    return c->s->cfg.host.write(c->s->cfg.host.opaque, pa, buf, len, attrs);
}

/* sm_walk(), its accesses noted in the timing record when timed. */
static bool sm3_walk_noted(Sm3Ctx *c, const SmWalkCfg *cfg,
                           const SmWalkReq *wreq, SmWalkResult *res)
{
    bool ok = sm_walk(&c->s->cfg.host, cfg, wreq, res);
    SmTimingRecord *rec = c->s->rec;

    if (rec) {
        bool s2 = cfg->s2.enabled;   /* also the nested half of a split */

        rec->walkc_stages |= cfg->wc ? (c->s1 ? SM_TIMING_WALKC_S1 : 0) |
                                       (s2 ? SM_TIMING_WALKC_S2 : 0) : 0;
        sm_timing_record_add_walk(rec, res);
    }
    return ok;
}

/*
 * A split-stage ATS Translation Request (STE.EATS == 0b10): the full
 * nested walk decides success and faults; the answer is its stage-1 half
 * (the IPA and stage-1 permissions), found by a stage-1 walk whose table
 * accesses go through stage 2.  Neither walk uses or fills the TLB.
 */
static Sm3Xlate sm3_split_walk(Sm3Ctx *c, SmWalkCfg *cfg,
                               const SmWalkReq *wreq, SmWalkResult *res)
{
    SmHost proxy = c->s->cfg.host;

    cfg->s2 = c->ste->s2cfg;
    if (!sm3_walk_noted(c, cfg, wreq, res)) {
        return sm3_walk_fault_res(c, res);
    }
    memset(&cfg->s2, 0, sizeof(cfg->s2));
    proxy.opaque = c;
    proxy.read = sm3_split_read;
    proxy.write = sm3_split_write;
    if (!sm_walk(&proxy, cfg, wreq, res)) {
        /* The tables changed between the walks: report the second one. */
        return sm3_walk_fault_res(c, res);
    }
    return sm3_ok(wreq->addr, res->ok.pa & ~res->ok.addr_mask,
                  res->ok.addr_mask, res->ok.perm, false);
}

/*
 * A translation the TLB answered from cached configuration, without an
 * insert on the way: the fast path may answer the next one like it.
 */
static void sm3_note_fast(const Sm3Ctx *c, const Sm3TlbEntry *te)
{
    Sm3FastHit hit = { .ste = c->ste_hit, .cd = c->cd_hit, .tlb = te };

    if (c->ats_req || !c->ste_hit ||
        (c->ste->s1_enabled && !c->cd_hit) ||
        c->cfg_gen != sm_cache_generation(c->s->cfgc)) {
        return;
    }
    sm3_fast_note(c->s, c->req, &hit);
}

/*
 * sm3_cd_select() for @c, from the ranges its stream memo worked out
 * when it has one.
 */
static int sm3_ctx_cd_select(Sm3Ctx *c)
{
    Sm3StreamMemo *m = c->memo;
    uint64_t iova = c->req->iova;
    bool upper;

    if (!m) {
        return sm3_cd_select(c->cd, iova, &c->walk);
    }
    upper = sm3_cd_upper(c->cd, iova);
    if (!m->half_known[upper]) {
        sm3_cd_half(c->cd, upper, &m->half[upper]);
        m->half_known[upper] = true;
    }
    return sm3_cd_place(&m->half[upper], iova, &c->walk);
}

static Sm3Xlate sm3_translate_tables(Sm3Ctx *c)
{
    Sm3 *s = c->s;
    const Sm3Request *req = c->req;
    Sm3TlbKey key;
    const Sm3TlbEntry *te;
    SmWalkCfg cfg;
    SmWalkReq wreq;
    SmWalkResult walk_res SM_UNINIT;     /* filled by the walk */
    SmWalkResult *res = &walk_res;
    Sm3TlbEntry ne;
    Sm3WalkCtx wctx;

    if (c->s1) {
        int evt = sm3_ctx_cd_select(c);

        if (evt != SM3_EVT_NONE) {
            return sm3_walk_fault(c, evt, false, SM3_CLASS_IN, 0, 0, false);
        }
    }
    sm3_tlb_key(c, &key);
    te = c->split ? NULL : sm3_tlb_lookup(s, &key);
    if (te && sm3_perm_ok(c, te->perm)) {
        if (s->rec) {
            s->rec->tlb = SM_TIMING_HIT;
        }
        sm3_note_fast(c, te);
        return sm3_ok(key.va, te->pa, te->mask, te->perm, true);
    }
    if (s->rec && !c->split) {
        /* Also an entry that does not allow the access: a walk follows */
        s->rec->tlb = SM_TIMING_MISS;
    }

    sm3_ctx_own_config(c);
    memset(&cfg, 0, sizeof(cfg));
    if (c->s1) {
        cfg.s1 = c->walk.cfg;
    }
    if (c->s2) {
        cfg.s2 = c->ste->s2cfg;
    }
    cfg.attrs.requester_id = req->sid;
    /* Walk caches share the TLB's tags; only the miss path sets them up */
    cfg.wc = sm3_walkc_ops(s, &wctx, key.world, key.vmid, key.asid,
                           c->world == SM3_WORLD_NS_EL2);
    wreq.addr = key.va;
    wreq.write = c->write;
    wreq.instr = c->instr;
    wreq.priv = c->priv;
    if (c->split) {
        return sm3_split_walk(c, &cfg, &wreq, res);
    }
    if (!sm3_walk_noted(c, &cfg, &wreq, res)) {
        return sm3_walk_fault_res(c, res);
    }
    memset(&ne, 0, sizeof(ne));
    ne.mask = res->ok.addr_mask;
    ne.va = key.va & ~ne.mask;
    ne.pa = res->ok.pa & ~ne.mask;
    ne.asid = key.asid;
    ne.vmid = key.vmid;
    ne.world = key.world;
    ne.kind = key.kind;
    /* EL2 without E2H has no ASIDs: every entry is global there. */
    ne.global = !c->s1 || !res->ok.ng || c->world == SM3_WORLD_NS_EL2;
    ne.level = c->s1 ? res->ok.s1_level : res->ok.s2_level;
    ne.granule_shift = sm_granule_shift(c->s1 ? c->walk.cfg.granule
                                              : c->ste->s2cfg.granule);
    ne.shift = ne.mask + 1 ? (uint8_t)__builtin_ctzll(ne.mask + 1) : 64;
    ne.perm = res->ok.perm;
    ne.dirty_on_write = res->ok.dirty_on_write;
    if (ne.mask + 1 != 0) {
        sm3_tlb_insert(s, &ne);
    }
    return sm3_ok(key.va, ne.pa, ne.mask, ne.perm, false);
}

/* ---- the front end ------------------------------------------------------- */

/* STE.INSTCFG / PRIVCFG override the incoming attributes. */
static void sm3_apply_overrides(Sm3Ctx *c)
{
    c->write = c->req->write;
    c->instr = c->req->instr;
    c->priv = c->req->priv;
    if (c->ste->instcfg == SM3_INSTCFG_DATA) {
        c->instr = false;
    } else if (c->ste->instcfg == SM3_INSTCFG_INSTR && !c->write) {
        c->instr = true;
    }
    if (c->ste->privcfg == SM3_PRIVCFG_UNPRIV) {
        c->priv = false;
    } else if (c->ste->privcfg == SM3_PRIVCFG_PRIV) {
        c->priv = true;
    }
}

static Sm3Xlate sm3_config_fault(Sm3 *s, const Sm3Ctx *c, int evt,
                                 const Sm3Fetch *fetch)
{
    Sm3Event ev;

    if (fetch->stage2) {
        /* A stage-2 fault translating a CD-table address: CLASS = CD. */
        sm3_event_init(&ev, evt, c->req);
        ev.s2 = true;
        ev.class = SM3_CLASS_CD;
        ev.ipa = fetch->addr;
        ev.fetch_addr = c->s2res.fault.desc_addr;
        return sm3_fail(s, &ev, c->ats_req ? evt == SM3_EVT_F_WALK_EABT
                                           : c->ste->s2r ||
                                             evt == SM3_EVT_F_WALK_EABT);
    }
    return sm3_fail_simple(s, c->req, evt, fetch->addr);
}

/* An STE could not be used: report it as the architecture asks. */
static Sm3Xlate sm3_ste_fault(Sm3 *s, const Sm3Request *req, bool ats_req,
                              int evt, const Sm3Fetch *fetch)
{
    Sm3Event ev;

    if (ats_req && fetch->invalid) {
        return sm3_result(SM3_XLATE_ABORT, 0);      /* CA, no event */
    }
    if (evt == SM3_EVT_C_BAD_STREAMID &&
        !(sm3_reg32(s, SM3_CR2) & SM3_CR2_RECINVSID)) {
        /* SMMU_CR2.RECINVSID = 0: terminated, not recorded. */
        sm3_event_init(&ev, evt, req);
        return sm3_fail(s, &ev, false);
    }
    return sm3_fail_simple(s, req, evt, fetch->addr);
}

/*
 * An ATS Translated transaction checked against its STE
 * (SMMU_CR0.ATSCHK = 1, "Handling of ATS Translated transactions"):
 * F_TRANSL_FORBIDDEN when the STE bypasses (STE.Config 0b100) or has
 * EATS = 0b00; split-stage (EATS = 0b10) traffic carries an IPA that
 * stage 2 still translates.
 */
static Sm3Xlate sm3_translated_traffic(Sm3Ctx *c)
{
    const Sm3Ste *ste = c->ste;

    if (ste->mode == SM3_STE_MODE_BYPASS || ste->eats == SM3_STE1_EATS_ABT) {
        return sm3_fail_simple(c->s, c->req, SM3_EVT_F_TRANSL_FORBIDDEN, 0);
    }
    if (ste->eats == SM3_STE1_EATS_SPLIT && ste->s2_enabled) {
        c->s2 = true;
        sm3_apply_overrides(c);
        return sm3_translate_tables(c);
    }
    return sm3_result(SM3_XLATE_BYPASS, c->req->iova);
}

/* No stage translates: bypass, or for ATS a full-permission identity. */
static Sm3Xlate sm3_identity(const Sm3Ctx *c)
{
    uint64_t iova = c->req->iova;

    if (c->ats_req) {
        return sm3_ok(iova, iova & ~UINT64_C(0xfff), 0xfff, SM_PERM_ALL,
                      false);
    }
    return sm3_result(SM3_XLATE_BYPASS, iova);
}

/* ---- stream memos (Sm3StreamMemo) ---------------------------------------- */

/*
 * A stream's memo: by StreamID and SubstreamID, mixed (MurmurHash3's
 * finaliser) so that PCI functions, whose StreamIDs (BDF) often differ
 * in the device bits only, spread over the memos.
 */
static Sm3StreamMemo *sm3_stream_memo_of(Sm3 *s, const Sm3Request *req)
{
    uint32_t h = req->sid ^ (req->ssv ? req->ssid * 0x9e3779b1u : 0);

    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return &s->stream_memo[h & (SM3_STREAM_MEMOS - 1)];
}

/*
 * Whether @m is for @req's stream and nothing it depends on has changed
 * since.  Any attributes but an instruction write (sm3_early_exit()'s
 * F_UUT): the overrides are applied to each request anew.
 */
static bool sm3_stream_memo_holds(const Sm3 *s, const Sm3StreamMemo *m,
                                  const Sm3Request *req)
{
    return m->valid && m->sid == req->sid && m->ssv == req->ssv &&
           (!req->ssv || m->ssid == req->ssid) &&
           !(req->instr && req->write) && !req->ats_translated &&
           m->epoch == s->epoch &&
           m->cfg_gen == sm_cache_generation(s->cfgc) &&
           !s->cfg.fast_path_off;
}

/*
 * After the configuration of @c's translation, before its TLB lookup:
 * remember it when both configuration-cache lookups hit (and nothing was
 * inserted), for a plain transaction that reaches the tables.
 */
static void sm3_stream_memo_fill(const Sm3Ctx *c)
{
    Sm3 *s = c->s;
    const Sm3Request *req = c->req;
    bool has_cd = c->ste->s1_enabled;
    Sm3StreamMemo *m;

    if (c->ats_req || req->ats_translated || c->split || !c->ste_hit ||
        (has_cd && !c->cd_hit) ||
        c->cfg_gen != sm_cache_generation(s->cfgc) ||
        s->cfg.fast_path_off || s->stream_memo_busy) {
        return;
    }
    m = sm3_stream_memo_of(s, req);
    m->valid = true;
    m->sid = req->sid;
    m->ssv = req->ssv;
    m->ssid = req->ssv ? req->ssid : 0;
    m->epoch = s->epoch;
    m->cfg_gen = c->cfg_gen;
    m->ste_slot = sm_cache_slot_of(s->cfgc, c->ste_hit);
    m->has_cd = has_cd;
    m->cd_slot = has_cd ? sm_cache_slot_of(s->cfgc, c->cd_hit) : 0;
    m->world = c->world;
    m->s1 = c->s1;
    m->s2 = c->s2;
    m->ste = *c->ste;
    if (has_cd) {
        m->cd = *c->cd;
    }
    m->half_known[0] = m->half_known[1] = false;
}

/* Everything before the STE: global bypass, UUT, fast-mode ATS. */
static bool sm3_early_exit(Sm3 *s, const Sm3Request *req, bool ats_req,
                           Sm3Xlate *r)
{
    if (!sm3_enabled(s, SM3_CR0_SMMUEN)) {
        if (req->ats_translated && !ats_req && sm3_has_ats(&s->f)) {
            /* Translated traffic is never trusted while disabled. */
            *r = sm3_fail_simple(s, req, SM3_EVT_F_TRANSL_FORBIDDEN, 0);
        } else if (ats_req || (sm3_reg32(s, SM3_GBPA) & SM3_GBPA_ABORT)) {
            /* GBPA.ABORT; an ATS request gets Unsupported Request. */
            *r = sm3_result(SM3_XLATE_ABORT, 0);
        } else {
            *r = sm3_result(SM3_XLATE_BYPASS, req->iova);
        }
        return true;
    }
    if (req->instr && req->write) {
        /* Not a transaction the model accepts: an instruction write. */
        *r = sm3_fail_simple(s, req, SM3_EVT_F_UUT, 0);
        return true;
    }
    if (req->ats_translated && !ats_req) {
        if (!sm3_has_ats(&s->f)) {
            *r = sm3_fail_simple(s, req, SM3_EVT_F_UUT, 0);
            return true;
        }
        /* SMMU_CR0.ATSCHK == 0: translated traffic is trusted. */
        if (!sm3_enabled(s, SM3_CR0_ATSCHK)) {
            *r = sm3_result(SM3_XLATE_BYPASS, req->iova);
            return true;
        }
    }
    return false;
}

/*
 * The full path.  Not inlined into sm3_xlate(): its frame (Sm3Ctx with
 * room for a fetched STE and CD) costs a fast-path hit nothing then.
 */
static G_GNUC_NO_INLINE Sm3Xlate sm3_xlate_full(Sm3 *s, const Sm3Request *req,
                                                bool ats_req)
{
    Sm3Ctx ctx SM_UNINIT;    /* see Sm3Ctx: members set before use */
    Sm3Ctx *c = &ctx;
    Sm3Fetch fetch;
    Sm3Xlate r;
    int evt;

    if (sm3_early_exit(s, req, ats_req, &r)) {
        return r;
    }
    /* Not memset: see Sm3Ctx for the members left uninitialised. */
    c->s = s;
    c->req = req;
    c->ats_req = ats_req;
    c->split = false;
    c->s1 = false;
    c->s2 = false;
    c->cd = &sm3_no_cd;
    c->ste_hit = c->cd_hit = NULL;
    c->cfg_gen = sm_cache_generation(s->cfgc);
    c->memo = NULL;
    evt = sm3_get_ste(c, req->sid, &fetch);
    if (evt != SM3_EVT_NONE) {
        return sm3_ste_fault(s, req, ats_req, evt, &fetch);
    }
    if (c->ste->mode == SM3_STE_MODE_ABORT) {
        /* STE.Config 0b000: abort, no event. */
        return sm3_result(SM3_XLATE_ABORT, 0);
    }
    c->world = c->ste->world;
    if (sm3_has_hyp(&s->f) && (sm3_reg32(s, SM3_CR2) & SM3_CR2_E2H) &&
        c->world == SM3_WORLD_NS_EL2) {
        c->world = SM3_WORLD_NS_EL2_E2H;
    }
    if (req->ats_translated && !ats_req) {
        return sm3_translated_traffic(c);
    }
    if (ats_req && c->ste->mode != SM3_STE_MODE_BYPASS &&
        c->ste->eats == SM3_STE1_EATS_ABT) {
        return sm3_fail_simple(s, req, SM3_EVT_F_BAD_ATS_TREQ, 0);
    }

    c->s1 = c->ste->s1_enabled;
    c->s2 = c->ste->s2_enabled;
    if (!c->s1 && req->ssv) {
        /* A SubstreamID needs stage 1 to select a CD (STE.S1Fmt). */
        return sm3_fail_simple(s, req, SM3_EVT_C_BAD_SUBSTREAMID, 0);
    }
    if (c->s1) {
        evt = sm3_get_cd(c, &fetch);
        if (evt != SM3_EVT_NONE) {
            return sm3_config_fault(s, c, evt, &fetch);
        }
    }
    if (ats_req && c->ste->eats == SM3_STE1_EATS_SPLIT && c->s1 && c->s2) {
        c->s2 = false;           /* the answer is the stage-1 half */
        c->split = true;
    }
    if (!c->s1 && !c->s2) {
        return sm3_identity(c);
    }
    sm3_apply_overrides(c);
    sm3_stream_memo_fill(c);
    return sm3_translate_tables(c);
}

/*
 * A translation from a stream memo: what sm3_xlate_full() does up to
 * sm3_translate_tables() when both its configuration-cache lookups hit,
 * the same lookups counted and touched in the same order, the timing
 * record told the same, the context the same but for pointing at the
 * memo's copies of the (unchanged) entries.
 */
static G_GNUC_NO_INLINE Sm3Xlate sm3_xlate_memo(Sm3 *s,
                                                const Sm3Request *req,
                                                Sm3StreamMemo *m)
{
    Sm3Ctx ctx SM_UNINIT;    /* see Sm3Ctx: members set before use */
    Sm3Ctx *c = &ctx;
    Sm3Xlate r;

    c->s = s;
    c->req = req;
    c->ats_req = false;
    c->split = false;
    c->cfg_gen = m->cfg_gen;
    c->memo = m;
    c->ste = &m->ste;
    c->ste_hit = sm_cache_rehit(s->cfgc, m->ste_slot);
    if (s->rec) {
        s->rec->cfg[SM_TIMING_CFG_STE].lookup = SM_TIMING_HIT;
    }
    c->cd = &sm3_no_cd;
    c->cd_hit = NULL;
    if (m->has_cd) {
        c->cd = &m->cd;
        c->cd_hit = sm_cache_rehit(s->cfgc, m->cd_slot);
        if (s->rec) {
            s->rec->cfg[SM_TIMING_CFG_CD].lookup = SM_TIMING_HIT;
        }
    }
    c->world = m->world;
    c->s1 = m->s1;
    c->s2 = m->s2;
    sm3_apply_overrides(c);
    /* A translation nested in this one's walk must not refill @m */
    s->stream_memo_busy++;
    r = sm3_translate_tables(c);
    s->stream_memo_busy--;
    return r;
}

static Sm3Xlate sm3_xlate(Sm3 *s, const Sm3Request *req, bool ats_req)
{
    Sm3StreamMemo *m;

    s->st.translations++;
    if (!ats_req) {
        m = sm3_stream_memo_of(s, req);
        if (sm3_stream_memo_holds(s, m, req)) {
            return sm3_xlate_memo(s, req, m);
        }
    }
    return sm3_xlate_full(s, req, ats_req);
}

/*
 * One return of one local: the compiler builds @r in the caller's
 * return slot, and a fast-path answer is not copied again on its way.
 */
Sm3Xlate sm3_translate(Sm3 *s, const Sm3Request *req)
{
    Sm3Xlate r;

    if (!sm3_fast_translate(s, req, &r)) {
        r = s->timing ? sm3_timed(s, req, sm3_xlate, false)
                      : sm3_xlate(s, req, false);
    }
    return r;
}

Sm3Xlate sm3_ats_translate(Sm3 *s, const Sm3Request *req)
{
    if (!sm3_has_ats(&s->f)) {
        return sm3_fail_simple(s, req, SM3_EVT_F_UUT, 0);
    }
    if (s->timing) {
        return sm3_timed(s, req, sm3_xlate, true);
    }
    return sm3_xlate(s, req, true);
}
