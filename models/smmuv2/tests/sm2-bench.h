/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bench for the SMMUv2 unit tests: an instance on the shared flat guest
 * memory (models/common/tests/sm-testmem.h), an interrupt recorder and
 * register accessors by space, so tests name registers as Linux's
 * arm-smmu driver does: GR0 offset, GR1 offset, bank and offset.
 */
#ifndef SM2_BENCH_H
#define SM2_BENCH_H

#include "sm-testmem.h"
#include "sm2.h"

#define SM2B_LINES 160

typedef struct Sm2Bench {
    SmTestMem *m;
    Sm2 *s;
    Sm2Features f;
    bool irq[SM2B_LINES];        /* current level of each line */
    unsigned irq_raised;         /* low -> high transitions */
    unsigned invals;             /* SmHost.invalidated calls */
    SmInval last_inval;
} Sm2Bench;

/* An instance of @f (NULL: sm2_features_default()) on 64MiB of RAM. */
Sm2Bench *sm2b_new(const Sm2Features *f);
void sm2b_free(Sm2Bench *b);

/* Offsets of the spaces in the frame (page size and NUMPAGENDXB). */
uint64_t sm2b_gr1(const Sm2Bench *b);
uint64_t sm2b_cb(const Sm2Bench *b, unsigned n);

uint32_t sm2b_rd(Sm2Bench *b, uint64_t frame_off);
void sm2b_wr(Sm2Bench *b, uint64_t frame_off, uint32_t v);
uint64_t sm2b_rd64(Sm2Bench *b, uint64_t frame_off);
void sm2b_wr64(Sm2Bench *b, uint64_t frame_off, uint64_t v);

#endif /* SM2_BENCH_H */
