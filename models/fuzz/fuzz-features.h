/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The harnesses that build an SMMUv3 instance decode its feature set from
 * fuzz bytes, each with its own bit layout (so that their corpora keep
 * their meaning), and then make it one the model accepts with the same
 * repair: the dependencies of sm3-features.h (sm3_features_broken_rule()
 * names the one a repair missed).
 */
#ifndef FUZZ_FEATURES_H
#define FUZZ_FEATURES_H

#include "sm3.h"

static inline void fz_features_repair(Sm3Features *f)
{
    /* HYP needs both stages. */
    f->hyp = f->hyp && f->stage1 && f->stage2;
    /* Forced stalls are not for a PCI system: no ATS, so no PRI. */
    if (f->stall_model == SM3_STALL_FORCE) {
        f->ats = false;
    }
    f->pri = f->pri && f->ats;
    /* A 52-bit OAS needs the 64K granule. */
    if (f->oas_bits == 52 && !(f->granules & SM3_GRAN_64K)) {
        f->oas_bits = 48;
    }
    /* More than 6 StreamID bits need a 2-level stream table. */
    if (f->sidsize >= 7) {
        f->two_level_st = true;
    }
}

#endif /* FUZZ_FEATURES_H */
