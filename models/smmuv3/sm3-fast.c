/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The translation fast path.  Once the TLB holds a device's working set,
 * a translation is a string of lookups that find what they found the
 * last time the same page was used: the STE and the CD in the
 * configuration cache, the page in the TLB.  A direct-mapped table of
 * slots (as many as the TLB has entries), indexed by StreamID and 4 KiB
 * page, remembers such TLB-answered translations: the cache slots they
 * used and their result.  A request with the same stream, attributes
 * and page is answered from its slot while nothing the answer depends on
 * can have changed:
 *
 *  - the registers (SMMU_CR0, CR2, GBPA decide the early exits and the
 *    StreamWorld): Sm3.epoch, bumped by every register write, reset and
 *    restore;
 *  - the configuration cache and the TLB: their sm_cache_generation(),
 *    bumped by every insert and invalidation (which is also every
 *    command that could change the answer, and every miss).
 *
 * The same 4 KiB page, not the whole TLB entry: everything the full path
 * derives from the address above the page offset (the TTB0/TTB1 choice,
 * the range checks, top-byte handling) is then the same by construction.
 *
 * A hit replays what the full path would have done besides answering:
 * the lookups are counted and refreshed for replacement in the same
 * order (sm_cache_hit_again()), and when timed, the engine gets the
 * record sm3_timed() would have built for it (Sm3.fast_rec), or, while
 * the micro-TLB entry the slot's last timed hit used is still there,
 * only a reference to it (Sm3.fast_utlb, sm_timing_translate_again()).
 * So
 * results, statistics, replacement choices and the timing model's
 * numbers are identical with and without the fast path
 * (Sm3Config.fast_path_off; tests/test-sm3-fast.c).
 */
#include <glib.h>
#include <string.h>

#include "sm3-internal.h"

/*
 * What every timed fast-path hit shares: the STE and the TLB were looked
 * up and hit, nothing was fetched or walked, nothing faulted.  The rest
 * is the request's (sm3_fast_time()).
 */
static void sm3_fast_rec_init(SmTimingRecord *rec)
{
    unsigned k;

    memset(rec, 0, sizeof(*rec));
    for (k = 0; k < SM_TIMING_CFG_COUNT; k++) {
        rec->cfg[k].lookup = SM_TIMING_NONE;
    }
    rec->cfg[SM_TIMING_CFG_STE].lookup = SM_TIMING_HIT;
    rec->tlb = SM_TIMING_HIT;
}

void sm3_fast_new(Sm3 *s)
{
    uint32_t n = SM3_FAST_MIN_SLOTS;

    while (n < sm_cache_entries(s->tlb) && n < SM3_FAST_MAX_SLOTS) {
        n *= 2;
    }
    s->fast = g_new0(Sm3Fast, n);
    s->fast_mask = n - 1;
    s->fast_utlb = s->timing ? g_new0(SmTimingHint, n) : NULL;
    sm3_fast_rec_init(&s->fast_rec);
}

void sm3_fast_free(Sm3 *s)
{
    g_free(s->fast);
    s->fast = NULL;
    g_free(s->fast_utlb);
    s->fast_utlb = NULL;
}

/* Consecutive pages of one stream take consecutive slots. */
static uint32_t sm3_fast_index(const Sm3 *s, uint32_t sid, uint64_t iova)
{
    uint64_t page = iova >> SM3_FAST_PAGE_SHIFT;

    return (uint32_t)((page ^ ((uint64_t)sid * 0x9e3779b1u)) & s->fast_mask);
}

static Sm3Fast *sm3_fast_slot(Sm3 *s, uint32_t sid, uint64_t iova)
{
    return &s->fast[sm3_fast_index(s, sid, iova)];
}

/* Whether @f holds an answer for @req that is still the right one. */
static bool sm3_fast_matches(const Sm3 *s, const Sm3Fast *f,
                             const Sm3Request *req)
{
    return f->valid && f->sid == req->sid &&
           f->page == req->iova >> SM3_FAST_PAGE_SHIFT &&
           f->write == req->write && f->instr == req->instr &&
           f->priv == req->priv && f->ssv == req->ssv &&
           (!req->ssv || f->ssid == req->ssid) && !req->ats_translated &&
           f->epoch == s->epoch &&
           f->cfg_gen == sm_cache_generation(s->cfgc) &&
           f->tlb_gen == sm_cache_generation(s->tlb);
}

/* The lookups of a TLB hit, counted as sm3_xlate_full() does them. */
static void sm3_fast_replay(Sm3 *s, const Sm3Fast *f)
{
    sm_cache_hit_again(s->cfgc, f->ste);
    if (f->has_cd) {
        sm_cache_hit_again(s->cfgc, f->cd);
    }
    sm_cache_hit_again(s->tlb, f->tlb);
}

/*
 * Time the hit.  When the micro-TLB entry the slot's last timed hit left
 * is still there, the engine times it as the micro-TLB hit it is from
 * that alone (sm_timing_translate_again()); otherwise it gets the record
 * sm3_timed() would have built around the full path's answer, in
 * Sm3.fast_rec where only the request's fields change, and the slot
 * keeps the entry that request left.
 */
static uint64_t sm3_fast_time(Sm3 *s, const Sm3Request *req,
                              const Sm3Fast *f, uint32_t slot)
{
    SmTimingRecord *rec = &s->fast_rec;
    SmTimingHint *utlb = &s->fast_utlb[slot];
    uint64_t arrival = sm3_arrival(s, req);

    s->timed_once = true;
    if (sm_timing_hint_live(utlb) &&
        sm_timing_translate_again(s->timing, utlb, arrival,
                                  &s->last_timing)) {
        return s->last_timing.latency;
    }
    sm3_rec_request(rec, req, arrival);
    rec->cfg[SM_TIMING_CFG_CD].lookup = f->has_cd ? SM_TIMING_HIT
                                                  : SM_TIMING_NONE;
    rec->leaf_shift = f->leaf_shift;
    sm_timing_translate(s->timing, rec, &s->last_timing);
    sm_timing_hint(s->timing, utlb);
    return s->last_timing.latency;
}

bool sm3_fast_translate(Sm3 *s, const Sm3Request *req, Sm3Xlate *r)
{
    /* The slot's index too: the timed hit's hint is kept beside it */
    uint32_t slot = sm3_fast_index(s, req->sid, req->iova);
    const Sm3Fast *f = &s->fast[slot];

    if (!sm3_fast_matches(s, f, req)) {
        return false;
    }
    s->st.translations++;
    s->st.fast_hits++;
    sm3_fast_replay(s, f);
    memset(r, 0, sizeof(*r));
    r->outcome = SM3_XLATE_OK;
    r->pa = f->pa_base | (req->iova & f->mask);
    r->mask = f->mask;
    r->perm = f->perm;
    r->tlb_hit = true;
    if (s->timing) {
        r->latency = sm3_fast_time(s, req, f, slot);
    }
    return true;
}

void sm3_fast_note(Sm3 *s, const Sm3Request *req, const Sm3FastHit *hit)
{
    Sm3Fast *f;

    if (s->cfg.fast_path_off || req->ats_translated) {
        return;
    }
    f = sm3_fast_slot(s, req->sid, req->iova);
    f->valid = true;
    f->sid = req->sid;
    f->ssv = req->ssv;
    f->ssid = req->ssv ? req->ssid : 0;
    f->page = req->iova >> SM3_FAST_PAGE_SHIFT;
    f->write = req->write;
    f->instr = req->instr;
    f->priv = req->priv;
    f->epoch = s->epoch;
    f->cfg_gen = sm_cache_generation(s->cfgc);
    f->tlb_gen = sm_cache_generation(s->tlb);
    f->ste = sm_cache_slot_of(s->cfgc, hit->ste);
    f->has_cd = hit->cd != NULL;
    f->cd = hit->cd ? sm_cache_slot_of(s->cfgc, hit->cd) : 0;
    f->tlb = sm_cache_slot_of(s->tlb, hit->tlb);
    f->pa_base = hit->tlb->pa;
    f->mask = hit->tlb->mask;
    f->perm = hit->tlb->perm;
    f->leaf_shift = sm3_leaf_shift(f->mask);
    if (s->fast_utlb) {
        /* none until the slot's first timed hit */
        s->fast_utlb[f - s->fast] = (SmTimingHint){ 0 };
    }
}
