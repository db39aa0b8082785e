/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation-table geometries the fuzz harnesses build tables for
 * (fuzz-sm3.c, fuzz-sm2.c): granule, input size and start level written
 * from the Arm ARM's tables, not from the model under test.
 */
#ifndef FUZZ_GEO_H
#define FUZZ_GEO_H

#include <stdint.h>

typedef struct Geo {
    uint8_t gs;              /* granule shift */
    uint8_t ia;              /* input bits */
    int8_t start;            /* start level */
    uint8_t sl0;             /* stage 2: STE.S2SL0 / VTCR.SL0 */
    uint8_t min_oas;         /* OAS needed (IAS = OAS; S2InvalidSL) */
} Geo;

/* Stage 1: start levels from the Arm ARM tables, not from the model. */
static const Geo s1_geos[] = {
    { 12, 48, 0, 0, 32 }, { 12, 39, 1, 0, 32 }, { 12, 32, 1, 0, 32 },
    { 12, 36, 1, 0, 32 }, { 14, 48, 0, 0, 32 }, { 14, 47, 1, 0, 32 },
    { 14, 36, 2, 0, 32 }, { 14, 32, 2, 0, 32 }, { 16, 48, 1, 0, 32 },
    { 16, 42, 2, 0, 32 }, { 16, 32, 2, 0, 32 },
};

/* Stage 2, some with concatenated start tables. */
static const Geo s2_geos[] = {
    { 12, 32, 1, 1, 32 }, { 12, 39, 1, 1, 40 }, { 12, 40, 1, 1, 40 },
    { 12, 48, 0, 2, 48 }, { 12, 34, 2, 0, 36 }, { 14, 32, 2, 1, 32 },
    { 14, 36, 2, 1, 36 }, { 14, 38, 2, 1, 40 }, { 14, 40, 1, 2, 42 },
    { 16, 32, 2, 1, 32 }, { 16, 42, 2, 1, 42 }, { 16, 44, 1, 2, 44 },
};

#endif /* FUZZ_GEO_H */
