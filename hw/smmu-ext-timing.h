/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics of an smmu-ext device for QOM (smmu-ext-timing.c). */
#ifndef HW_SMMU_EXT_TIMING_H
#define HW_SMMU_EXT_TIMING_H

#include "qapi/visitor.h"
#include "sm-cache.h"
#include "sm-timing.h"

/*
 * Visit @st as struct @name: clock, counts, the latency and CMD_SYNC
 * latency distributions (mean, percentiles, log2 histogram), hits and
 * misses per structure, table reads per stage and level, where the
 * cycles went, resource queueing and commands by class.
 */
bool smmu_ext_visit_timing(Visitor *v, const char *name,
                           const SmTimingParams *p, const SmTimingStats *st,
                           Error **errp);

/*
 * Visit the counters of one cache as struct @name: lookups, hits, misses,
 * inserts, evictions, invalidations.
 */
bool smmu_ext_visit_cache(Visitor *v, const char *name,
                          const SmCacheStats *c, Error **errp);

#endif /* HW_SMMU_EXT_TIMING_H */
