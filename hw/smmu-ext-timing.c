/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timing statistics of an smmu-ext device as a QOM/QMP structure
 * (qom-get <smmu> stats, member "timing").  Shared by every SMMU model
 * that uses the timing engine of models/common/sm-timing.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"

#include "smmu-ext-timing.h"

static bool smmu_ext_visit_u64(Visitor *v, const char *name, uint64_t val,
                               Error **errp)
{
    return visit_type_uint64(v, name, &val, errp);
}

static bool smmu_ext_visit_end(Visitor *v, bool ok, Error **errp)
{
    if (ok) {
        ok = visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
    return ok;
}

static bool smmu_ext_visit_hitmiss(Visitor *v, const char *name,
                                   const SmTimingHitMiss *hm, Error **errp)
{
    bool ok;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    ok = smmu_ext_visit_u64(v, "hits", hm->hits, errp) &&
         smmu_ext_visit_u64(v, "misses", hm->misses, errp);
    return smmu_ext_visit_end(v, ok, errp);
}

/* Non-zero log2 buckets, named by their range of cycles: "4-7". */
static bool smmu_ext_visit_buckets(Visitor *v, const SmTimingHist *h,
                                   Error **errp)
{
    bool ok = true;
    unsigned k;

    if (!visit_start_struct(v, "histogram", NULL, 0, errp)) {
        return false;
    }
    for (k = 0; k < SM_TIMING_HIST_LOG2 && ok; k++) {
        uint64_t lo = k ? UINT64_C(1) << (k - 1) : 0;
        uint64_t hi = k ? lo * 2 - 1 : 0;
        g_autofree char *name = g_strdup_printf("%" PRIu64 "-%" PRIu64,
                                                lo, hi);

        if (h->log2[k]) {
            ok = smmu_ext_visit_u64(v, name, h->log2[k], errp);
        }
    }
    return smmu_ext_visit_end(v, ok, errp);
}

static bool smmu_ext_visit_hist(Visitor *v, const char *name,
                                const SmTimingHist *h, Error **errp)
{
    bool ok;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    ok = smmu_ext_visit_u64(v, "count", h->count, errp) &&
         smmu_ext_visit_u64(v, "mean-milli", h->mean_milli, errp) &&
         smmu_ext_visit_u64(v, "min", h->min, errp) &&
         smmu_ext_visit_u64(v, "max", h->max, errp) &&
         smmu_ext_visit_u64(v, "p50", h->p50, errp) &&
         smmu_ext_visit_u64(v, "p90", h->p90, errp) &&
         smmu_ext_visit_u64(v, "p99", h->p99, errp) &&
         smmu_ext_visit_u64(v, "p99.9", h->p999, errp) &&
         smmu_ext_visit_buckets(v, h, errp);
    return smmu_ext_visit_end(v, ok, errp);
}

/* "walk-caches": {"s1l0": {hits, misses}, ...} */
static bool smmu_ext_visit_walkc(Visitor *v, const SmTimingStats *st,
                                 Error **errp)
{
    bool ok = true;
    unsigned stage, level;

    if (!visit_start_struct(v, "walk-caches", NULL, 0, errp)) {
        return false;
    }
    for (stage = 0; stage < 2 && ok; stage++) {
        for (level = 0; level < SM_TIMING_WALKC_LEVELS && ok; level++) {
            char name[8];

            snprintf(name, sizeof(name), "s%ul%u", stage + 1, level);
            ok = smmu_ext_visit_hitmiss(v, name, &st->walkc[stage][level],
                                        errp);
        }
    }
    return smmu_ext_visit_end(v, ok, errp);
}

/* "table-reads": {"s1l0": n, ..., "s2l3": n} */
static bool smmu_ext_visit_reads(Visitor *v, const SmTimingStats *st,
                                 Error **errp)
{
    bool ok = true;
    unsigned stage, level;

    if (!visit_start_struct(v, "table-reads", NULL, 0, errp)) {
        return false;
    }
    for (stage = 0; stage < 2 && ok; stage++) {
        for (level = 0; level < 4 && ok; level++) {
            char name[8];

            snprintf(name, sizeof(name), "s%ul%u", stage + 1, level);
            ok = smmu_ext_visit_u64(v, name, st->reads[stage][level], errp);
        }
    }
    return smmu_ext_visit_end(v, ok, errp);
}

static bool smmu_ext_visit_resources(Visitor *v, const SmTimingStats *st,
                                     Error **errp)
{
    bool ok = true;
    unsigned r;

    if (!visit_start_struct(v, "resources", NULL, 0, errp)) {
        return false;
    }
    for (r = 0; r < SM_TIMING_RES_COUNT && ok; r++) {
        const SmTimingResStats *rs = &st->res[r];

        ok = visit_start_struct(v, sm_timing_res_name(r), NULL, 0, errp);
        if (!ok) {
            break;
        }
        ok = smmu_ext_visit_u64(v, "servers", rs->servers, errp) &&
             smmu_ext_visit_u64(v, "requests", rs->requests, errp) &&
             smmu_ext_visit_u64(v, "waited", rs->waited, errp) &&
             smmu_ext_visit_u64(v, "wait-cycles", rs->wait_cycles, errp) &&
             smmu_ext_visit_u64(v, "wait-max", rs->wait_max, errp) &&
             smmu_ext_visit_u64(v, "busy-cycles", rs->busy_cycles, errp);
        ok = smmu_ext_visit_end(v, ok, errp);
    }
    return smmu_ext_visit_end(v, ok, errp);
}

static bool smmu_ext_visit_commands(Visitor *v, const SmTimingStats *st,
                                    Error **errp)
{
    bool ok = true;
    unsigned c;

    if (!visit_start_struct(v, "commands", NULL, 0, errp)) {
        return false;
    }
    for (c = 0; c < SM_TIMING_CMD_COUNT && ok; c++) {
        ok = smmu_ext_visit_u64(v, sm_timing_cmd_name(c), st->commands[c],
                                errp);
    }
    return smmu_ext_visit_end(v, ok, errp);
}

static bool smmu_ext_visit_cycles(Visitor *v, const SmTimingStats *st,
                                  Error **errp)
{
    bool ok;

    if (!visit_start_struct(v, "cycles", NULL, 0, errp)) {
        return false;
    }
    ok = smmu_ext_visit_u64(v, "lookup", st->lookup_cycles, errp) &&
         smmu_ext_visit_u64(v, "memory", st->memory_cycles, errp) &&
         smmu_ext_visit_u64(v, "process", st->process_cycles, errp) &&
         smmu_ext_visit_u64(v, "link", st->link_cycles, errp) &&
         smmu_ext_visit_u64(v, "pending", st->pending_cycles, errp);
    return smmu_ext_visit_end(v, ok, errp);
}

bool smmu_ext_visit_timing(Visitor *v, const char *name,
                           const SmTimingParams *p, const SmTimingStats *st,
                           Error **errp)
{
    bool ok;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    ok = smmu_ext_visit_u64(v, "clock-mhz", p->clock_mhz, errp) &&
         smmu_ext_visit_u64(v, "translations", st->translations, errp) &&
         smmu_ext_visit_u64(v, "faults", st->faults, errp) &&
         smmu_ext_visit_u64(v, "events", st->events, errp) &&
         smmu_ext_visit_u64(v, "msis", st->msis, errp) &&
         smmu_ext_visit_hist(v, "latency", &st->latency, errp) &&
         smmu_ext_visit_hist(v, "sync-latency", &st->sync_latency, errp) &&
         smmu_ext_visit_hitmiss(v, "micro-tlb", &st->utlb, errp) &&
         smmu_ext_visit_hitmiss(v, "tlb", &st->tlb, errp) &&
         smmu_ext_visit_hitmiss(v, "config-ste", &st->cfg[SM_TIMING_CFG_STE],
                                errp) &&
         smmu_ext_visit_hitmiss(v, "config-cd", &st->cfg[SM_TIMING_CFG_CD],
                                errp) &&
         smmu_ext_visit_walkc(v, st, errp) &&
         smmu_ext_visit_hitmiss(v, "ipa-cache", &st->ipac, errp) &&
         smmu_ext_visit_reads(v, st, errp) &&
         smmu_ext_visit_u64(v, "config-fetches", st->cfg_fetches, errp) &&
         smmu_ext_visit_cycles(v, st, errp) &&
         smmu_ext_visit_resources(v, st, errp) &&
         smmu_ext_visit_commands(v, st, errp) &&
         smmu_ext_visit_u64(v, "micro-tlb-flushes", st->utlb_flushes, errp);
    return smmu_ext_visit_end(v, ok, errp);
}

bool smmu_ext_visit_cache(Visitor *v, const char *name,
                          const SmCacheStats *c, Error **errp)
{
    bool ok;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    ok = smmu_ext_visit_u64(v, "lookups", c->lookups, errp) &&
         smmu_ext_visit_u64(v, "hits", c->hits, errp) &&
         smmu_ext_visit_u64(v, "misses", c->misses, errp) &&
         smmu_ext_visit_u64(v, "inserts", c->inserts, errp) &&
         smmu_ext_visit_u64(v, "evictions", c->evictions, errp) &&
         smmu_ext_visit_u64(v, "invalidations", c->invalidations, errp);
    return smmu_ext_visit_end(v, ok, errp);
}
