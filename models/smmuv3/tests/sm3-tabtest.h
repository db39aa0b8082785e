/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared parts of the STE and CD decode tests: a feature set with
 * everything on, the flat-memory bench they fetch from, and a small
 * interpreter for validation scripts.  A script is a table of steps that
 * edit the raw dwords or the features and then expect the structure to
 * be legal, ILLEGAL for a named reason, or decoded to given values; one
 * table per test, registered with g_test_add_data_func().
 */
#ifndef SM3_TABTEST_H
#define SM3_TABTEST_H

#include <stddef.h>

#include <glib.h>

#include "sm-testmem.h"
#include "sm3-tables.h"

#define SM3T_MEM_SIZE   (4u << 20)

/* Every feature the decoders know of, 20-bit SubstreamIDs. */
void sm3t_features_full(Sm3Features *f);
/* 4MB of flat memory whose log hook accepts guest errors only. */
SmTestMem *sm3t_mem_new(void);

/*
 * The field masks of one dword, @masks[0..@n) up to the first zero (the
 * Reserved ranges listed too), are contiguous, disjoint and cover all 64
 * bits.
 */
void sm3t_assert_tiles(const uint64_t *masks, size_t n);

typedef enum Sm3tOp {
    SM3T_OP_END = 0,
    SM3T_OP_SET,             /* field @mask of dword @w = @val */
    SM3T_OP_OR,              /* dword @w |= @mask */
    SM3T_OP_CLR,             /* dword @w &= ~@mask */
    SM3T_OP_XOR,             /* dword @w ^= @mask */
    SM3T_OP_RAW,             /* dword @w = @val */
    SM3T_OP_FEAT,            /* Sm3Features member at @off = @val */
    SM3T_OP_CTX,             /* member of the script's context = @val */
    SM3T_OP_OK,              /* decodes and validates */
    SM3T_OP_BAD,             /* ILLEGAL, the reason mentions @needle */
    SM3T_OP_EXPECT,          /* decoded member at @off == @val */
    SM3T_OP_PROBE,           /* @probe of the decoded structure == @val */
} Sm3tOp;

/* A fact derived from a decoded structure, e.g. its walk's start level. */
typedef uint64_t (*Sm3tProbe)(const void *out);

typedef struct Sm3tStep {
    Sm3tOp op;
    unsigned w;
    uint64_t mask;
    uint64_t val;
    size_t off, size;        /* a member, for FEAT, CTX and EXPECT */
    const char *needle;
    Sm3tProbe probe;         /* for PROBE */
} Sm3tStep;

#define SM3T_MEMBER(type, m) \
    .off = offsetof(type, m), .size = sizeof(((type *)0)->m)

#define SM3T_SET(w_, m_, v_) \
    { .op = SM3T_OP_SET, .w = (w_), .mask = (m_), .val = (v_) }
#define SM3T_OR(w_, m_)      { .op = SM3T_OP_OR, .w = (w_), .mask = (m_) }
#define SM3T_CLR(w_, m_)     { .op = SM3T_OP_CLR, .w = (w_), .mask = (m_) }
#define SM3T_XOR(w_, m_)     { .op = SM3T_OP_XOR, .w = (w_), .mask = (m_) }
#define SM3T_RAW(w_, v_)     { .op = SM3T_OP_RAW, .w = (w_), .val = (v_) }
#define SM3T_FEAT(m, v) \
    { .op = SM3T_OP_FEAT, SM3T_MEMBER(Sm3Features, m), .val = (v) }
#define SM3T_CTX(type, m, v) \
    { .op = SM3T_OP_CTX, SM3T_MEMBER(type, m), .val = (v) }
#define SM3T_OK()            { .op = SM3T_OP_OK }
#define SM3T_BAD(n)          { .op = SM3T_OP_BAD, .needle = (n) }
#define SM3T_EXPECT(type, m, v) \
    { .op = SM3T_OP_EXPECT, SM3T_MEMBER(type, m), .val = (v) }
#define SM3T_PROBE(fn, v)    { .op = SM3T_OP_PROBE, .probe = (fn), .val = (v) }
#define SM3T_END()           { .op = SM3T_OP_END }

/*
 * The geometry of the walk a decoder configured, as sm_walk() runs it:
 * each function walks @sc (stage 2 when @stage2, stage 1 otherwise) over
 * empty translation tables, where every descriptor is invalid, asserts
 * that the walker's own geometry helpers (sm_walk_start_level(),
 * sm_walk_concat_tables(), the stage's TxSZ) agree with what the walk
 * did, and returns what it did, for the test to compare with the number
 * the architecture gives.
 */
/* The level the walk starts at: where an empty start table faults. */
int sm3t_walk_start_level(const SmWalkStageCfg *sc, bool stage2);
/* Start tables concatenated: granules the start-level lookups span. */
unsigned sm3t_walk_concat(const SmWalkStageCfg *sc, bool stage2);
/* Input address bits: the lowest one that takes addresses out of range. */
unsigned sm3t_walk_input_bits(const SmWalkStageCfg *sc, bool stage2);
/*
 * Output address bits: the lowest bit of a start-table address that the
 * walk refuses with an Address size fault (at most sc->oas_bits; the
 * walker takes 48 of a 52-bit size with a 4K or 16K granule).
 */
unsigned sm3t_walk_output_bits(const SmWalkStageCfg *sc, bool stage2);

/* What a script validates: STEs or CDs. */
typedef struct Sm3tKind {
    int bad_event;           /* SM3_EVT_C_BAD_STE / SM3_EVT_C_BAD_CD */
    /* Decode @dw into @out, validate it; returns the event. */
    int (*check)(const uint64_t *dw, const Sm3Features *f, void *ctx,
                 void *out, const char **why);
} Sm3tKind;

/* One registered script. */
typedef struct Sm3tCase {
    const char *path;        /* GLib test path */
    const Sm3tStep *steps;   /* ends with SM3T_END() */
} Sm3tCase;

/* Validation of @dw is clean (SM3T_OK) / ILLEGAL for @needle (SM3T_BAD). */
void sm3t_expect_ok(const Sm3tKind *k, const uint64_t *dw,
                    const Sm3Features *f, void *ctx, void *out);
void sm3t_expect_bad(const Sm3tKind *k, const uint64_t *dw,
                     const Sm3Features *f, void *ctx, void *out,
                     const char *needle);

/* @steps, only SM3T_EXPECT() ones, hold for the decoded @out. */
void sm3t_expect_fields(const void *out, const Sm3tStep *steps);

/*
 * Run @steps from the dwords @dw (8 of them) and features @f the caller
 * initialised; @ctx is the kind's context (the STE for a CD), @out the
 * decoded structure EXPECT steps read.
 */
void sm3t_run(const Sm3tKind *k, const Sm3tStep *steps, uint64_t *dw,
              Sm3Features *f, void *ctx, void *out);

#endif /* SM3_TABTEST_H */
