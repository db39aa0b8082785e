/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv2 model's side of the timing engine (models/common/sm-timing),
 * as the SMMUv3 model's: while a timed translation runs, the functional
 * code notes in one SmTimingRecord whether the TLB hit and which
 * descriptors the walk read, and the engine turns that into cycles.  An
 * SMMUv2 keeps its configuration in registers, so the record has no
 * configuration-cache part; TLB maintenance and sync registers are the
 * engine's TLBI and SYNC commands (they also empty the micro-TLBs).
 * Without Sm2Config.timing none of this runs.
 */
#include <glib.h>

#include "sm2-internal.h"

bool sm2_timing_new(Sm2 *s)
{
    if (!s->cfg.timing) {
        return true;
    }
    s->timing = sm_timing_new(s->cfg.timing);
    s->cfg.timing = NULL;              /* the engine keeps its own copy */
    return s->timing != NULL;
}

void sm2_timing_free(Sm2 *s)
{
    sm_timing_free(s->timing);
    s->timing = NULL;
}

/* The host's clock in the engine's cycles (0 without a clock). */
static uint64_t sm2_timing_now(const Sm2 *s)
{
    if (!s->cfg.host.now_ns) {
        return 0;
    }
    return sm_timing_ns_to_cycles(sm_timing_get_params(s->timing),
                                  s->cfg.host.now_ns(s->cfg.host.opaque));
}

void sm2_timing_command(Sm2 *s, SmTimingCmdClass c)
{
    if (s->timing) {
        sm_timing_command(s->timing, c, sm2_timing_now(s), NULL);
    }
}

void sm2_timing_reset(Sm2 *s)
{
    if (s->timing) {
        sm_timing_reset(s->timing);
    }
}

/* log2 of a successful answer's region, 0 for anything not to keep. */
static uint8_t sm2_leaf_shift(const Sm2Xlate *r)
{
    return r->outcome == SM2_XLATE_OK ? (uint8_t)__builtin_ctzll(r->mask + 1)
                                      : 0;
}

Sm2Xlate sm2_timed(Sm2 *s, const Sm2Request *req,
                   Sm2Xlate (*xlate)(Sm2 *s, const Sm2Request *req))
{
    SmTimingRecord rec;
    Sm2Xlate r;

    /* Field by field: the access list is large and only n_accesses long */
    rec.sid = req->sid;
    rec.ssid = 0;
    rec.ssv = false;
    rec.iova = req->iova;
    rec.size = 1;
    rec.write = req->write;
    rec.arrival = sm2_timing_now(s);
    rec.cfg[SM_TIMING_CFG_STE].lookup = SM_TIMING_NONE;
    rec.cfg[SM_TIMING_CFG_CD].lookup = SM_TIMING_NONE;
    rec.tlb = SM_TIMING_NONE;
    rec.walkc_stages = 0;
    rec.ipac = false;
    rec.n_accesses = 0;
    rec.event = rec.msi = false;
    s->rec = &rec;
    r = xlate(s, req);
    s->rec = NULL;
    rec.fault = r.outcome == SM2_XLATE_FAULT;
    rec.leaf_shift = sm2_leaf_shift(&r);
    sm_timing_translate(s->timing, &rec, &s->last_timing);
    s->timed_once = true;
    r.latency = s->last_timing.latency;
    return r;
}

void sm2_timing_note_tlb(Sm2 *s, bool hit, const SmWalkResult *walk)
{
    if (!s->rec) {
        return;
    }
    s->rec->tlb = hit ? SM_TIMING_HIT : SM_TIMING_MISS;
    if (walk) {
        sm_timing_record_add_walk(s->rec, walk);
    }
}

const SmTimingResult *sm2_last_timing(const Sm2 *s)
{
    return s->timing && s->timed_once ? &s->last_timing : NULL;
}

bool sm2_timing_stats(const Sm2 *s, SmTimingStats *st)
{
    if (!s->timing) {
        return false;
    }
    *st = sm_timing_stats(s->timing);
    return true;
}
