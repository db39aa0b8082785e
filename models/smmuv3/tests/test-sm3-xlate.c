/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-xlate.c: every path of an upstream transaction, each
 * fault with its event record, record suppression, stalls, ATS.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

#define SID     5
#define VA      UINT64_C(0x40000000)
#define PA      UINT64_C(0x00800000)

typedef struct Env {
    Sm3Bench *b;
    uint64_t cdtab;
    uint64_t root;
} Env;

static void env_s1(Env *e, const Sm3Features *f, uint64_t cd_extra)
{
    e->b = sm3b_new(f);
    sm3b_setup(e->b, 4, 4, 4);
    e->cdtab = sm3b_alloc(e->b, 64 * 16, 64 * 16);
    e->root = sm3b_pt_new(e->b);
    sm3b_cd(e->b, e->cdtab, 0, 0x11, e->root, cd_extra);
    sm3b_ste_s1(e->b, SID, e->cdtab, 0, 0);
    sm3b_map(e->b, e->root, VA, PA, 3, SM3B_S1_RW);
}

static void expect_event(Sm3Bench *b, unsigned id, uint64_t rec[4])
{
    g_assert_true(sm3b_pop_event(b, rec));
    g_assert_cmphex(sm_get(rec[0], SM3_EVT0_ID), ==, id);
    g_assert_false(sm3b_pop_event(b, (uint64_t[4]){ 0 }));
}

static void test_s1_page(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    r = sm3b_xlate(e.b, SID, VA + 0x123, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x123);
    g_assert_cmphex(r.mask, ==, 0xfff);
    g_assert_true(r.perm & SM3_PERM_R);
    g_assert_true(r.perm & SM3_PERM_W);
    g_assert_false(r.tlb_hit);
    r = sm3b_xlate(e.b, SID, VA + 0x456, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x456);
    g_assert_true(r.tlb_hit);
    g_assert_cmpuint(sm3_stats(e.b->s).tlb.hits, ==, 1);
    g_assert_cmpuint(sm3_stats(e.b->s).cfg.hits, >=, 2);
    g_assert_cmpuint(sm3b_event_count(e.b), ==, 0);
    sm3b_free(e.b);
}

static void test_s1_block(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    sm3b_map(e.b, e.root, 0x80000000, 0x200000, 2, SM3B_S1_RW);
    r = sm3b_xlate(e.b, SID, 0x80123456, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, 0x323456);
    g_assert_cmphex(r.mask, ==, 0x1fffff);
    r = sm3b_xlate(e.b, SID, 0x801fffff, false);
    g_assert_true(r.tlb_hit);
    g_assert_cmphex(r.pa, ==, 0x3fffff);
    sm3b_free(e.b);
}

static void test_f_translation(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];
    Sm3Request req = { .sid = SID, .iova = VA + 0x5000, .priv = true,
                       .instr = false, .write = false };

    env_s1(&e, NULL, 0);
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(r.fault.recorded);
    g_assert_false(r.fault.stage2);
    expect_event(e.b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, SID);
    g_assert_false(rec[0] & SM3_EVT0_SSV);
    g_assert_true(rec[1] & SM3_EVT1_RNW);
    g_assert_true(rec[1] & SM3_EVT1_PNU);     /* a privileged request */
    g_assert_false(rec[1] & SM3_EVT1_IND);
    g_assert_false(rec[1] & SM3_EVT1_S2);
    g_assert_false(rec[1] & SM3_EVT1_STALL);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_IN);
    g_assert_cmphex(rec[2], ==, VA + 0x5000);
    g_assert_cmphex(rec[3], ==, 0);
    sm3b_free(e.b);
}

static void test_f_permission(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];

    env_s1(&e, NULL, 0);
    sm3b_map(e.b, e.root, VA + 0x1000, PA + 0x1000, 3,
             SM3B_PTE_AP_RO_ALL | SM3B_PTE_AF | SM3B_PTE_NG);
    r = sm3b_xlate(e.b, SID, VA + 0x1000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_false(r.perm & SM3_PERM_W);
    /* The TLB entry does not allow the write: walk again, fault. */
    r = sm3b_xlate(e.b, SID, VA + 0x1008, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_PERMISSION);
    expect_event(e.b, SM3_EVT_F_PERMISSION, rec);
    g_assert_false(rec[1] & SM3_EVT1_RNW);
    g_assert_cmphex(rec[2], ==, VA + 0x1008);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_IN);
    sm3b_free(e.b);
}

static void test_f_access(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];

    env_s1(&e, NULL, 0);
    sm3b_map(e.b, e.root, VA + 0x2000, PA, 3, SM3B_PTE_AP_RW_ALL);
    r = sm3b_xlate(e.b, SID, VA + 0x2000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_ACCESS);
    expect_event(e.b, SM3_EVT_F_ACCESS, rec);
    sm3b_free(e.b);
}

/* HTTU: with CD.HA the walker sets the Access flag instead of faulting. */
static void test_httu_af(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t leaf;

    env_s1(&e, NULL, SM3_CD0_HA);
    sm3b_map(e.b, e.root, VA + 0x2000, PA, 3, SM3B_PTE_AP_RW_ALL);
    r = sm3b_xlate(e.b, SID, VA + 0x2000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    leaf = sm3b_leaf(e.b, e.root, VA + 0x2000, 3);
    g_assert_true(sm3b_r64(e.b, leaf) & SM3B_PTE_AF);
    sm3b_free(e.b);
}

/* HTTU is not acted on when not implemented: CD.HA is then C_BAD_CD. */
static void test_httu_off(void)
{
    Sm3Features f = sm3b_all_features();
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];

    f.httu = SM3_HTTU_NONE;
    env_s1(&e, &f, SM3_CD0_HA);
    r = sm3b_xlate(e.b, SID, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_CD);
    expect_event(e.b, SM3_EVT_C_BAD_CD, rec);
    sm3b_free(e.b);
}

static void test_f_addr_size(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];
    uint64_t cd0;

    env_s1(&e, NULL, 0);
    /* IPS = 0b000 (32 bits): an output address above 4GB is too big. */
    cd0 = sm3b_r64(e.b, e.cdtab);
    sm3b_w64(e.b, e.cdtab, sm_set(cd0, SM3_CD0_IPS, 0));
    sm3b_map(e.b, e.root, VA + 0x3000, UINT64_C(0x100000000), 3,
             SM3B_S1_RW);
    r = sm3b_xlate(e.b, SID, VA + 0x3000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_ADDR_SIZE);
    expect_event(e.b, SM3_EVT_F_ADDR_SIZE, rec);
    g_assert_cmphex(rec[2], ==, VA + 0x3000);
    sm3b_free(e.b);
}

static void test_f_walk_eabt(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];

    env_s1(&e, NULL, SM3_CD0_R);
    e.b->tm->err_lo = e.root;
    e.b->tm->err_hi = e.root + 4096;
    r = sm3b_xlate(e.b, SID, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_WALK_EABT);
    expect_event(e.b, SM3_EVT_F_WALK_EABT, rec);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_TT);
    g_assert_cmphex(rec[2], ==, VA);
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, e.root + 8 * 0);
    sm3b_free(e.b);
}

/* CD.R = 0: stage-1 faults are not recorded (the transaction still ends) */
static void test_cd_r_suppresses(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t cd0;

    env_s1(&e, NULL, 0);
    cd0 = sm3b_r64(e.b, e.cdtab);
    sm3b_w64(e.b, e.cdtab, cd0 & ~SM3_CD0_R);
    r = sm3b_xlate(e.b, SID, VA + 0x7000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_false(r.fault.recorded);
    g_assert_cmpuint(sm3b_event_count(e.b), ==, 0);
    /*
     * An external abort on the walk is recorded regardless.  The walk
     * above cached the table descriptors of levels 0-2: drop them, or
     * the next walk would not read the root at all.
     */
    sm3_invalidate_all(e.b->s);
    e.b->tm->err_lo = e.root;
    e.b->tm->err_hi = e.root + 8;
    r = sm3b_xlate(e.b, SID, VA + 0x7000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_WALK_EABT);
    g_assert_true(r.fault.recorded);
    g_assert_cmpuint(sm3b_event_count(e.b), ==, 1);
    sm3b_free(e.b);
}

static void test_s2_only(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2 = 0, rec[4];
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    s2 = sm3b_pt_new(b);
    sm3b_ste_s2(b, SID, 3, s2, 0);
    sm3b_map(b, s2, 0x10000000, PA, 3, SM3B_S2_RW);
    r = sm3b_xlate(b, SID, 0x10000abc, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0xabc);
    /* Stage-2 fault: S2 = 1, IPA = the input. */
    r = sm3b_xlate(b, SID, 0x10001abc, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(r.fault.stage2);
    expect_event(b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_true(rec[1] & SM3_EVT1_S2);
    g_assert_cmphex(rec[2], ==, 0x10001abc);
    g_assert_cmphex(rec[3], ==, 0x10001000);
    /* A SubstreamID needs stage 1. */
    r = sm3b_xlate_ssid(b, SID, 1, 0x10000abc, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_SUBSTREAMID);
    expect_event(b, SM3_EVT_C_BAD_SUBSTREAMID, rec);
    g_assert_true(rec[0] & SM3_EVT0_SSV);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSID), ==, 1);
    /* STE.S2R = 0 suppresses stage-2 fault records. */
    sm3b_ste_s2(b, SID + 1, 3, s2, 0);
    sm3b_w64(b, sm3b_ste_addr(b, SID + 1) + 16,
             sm3b_r64(b, sm3b_ste_addr(b, SID + 1) + 16) & ~SM3_STE2_S2R);
    r = sm3b_xlate(b, SID + 1, 0x10001abc, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_false(r.fault.recorded);
    g_assert_cmpuint(sm3b_event_count(b), ==, 0);
    sm3b_free(b);
}

/* Identity stage 2 of the bench RAM: one 1GB block at IPA 0. */
static uint64_t s2_identity(Sm3Bench *b)
{
    uint64_t s2 = sm3b_pt_new(b);

    sm3b_map(b, s2, 0, 0, 1, SM3B_S2_RW);
    return s2;
}

static void test_nested(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2, cdtab, root, rec[4];
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    s2 = s2_identity(b);
    cdtab = sm3b_alloc(b, 64, 64);
    root = sm3b_pt_new(b);
    sm3b_cd(b, cdtab, 0, 9, root, 0);
    sm3b_ste_nested(b, SID, cdtab, 0, 4, s2);
    sm3b_map(b, root, VA, PA, 3, SM3B_S1_RW);
    r = sm3b_xlate(b, SID, VA + 0x10, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x10);
    /* Stage 1 maps to an IPA stage 2 does not cover: S2 fault, IN. */
    sm3b_map(b, root, VA + 0x1000, UINT64_C(0x80000000), 3, SM3B_S1_RW);
    r = sm3b_xlate(b, SID, VA + 0x1010, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_true(r.fault.stage2);
    expect_event(b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_true(rec[1] & SM3_EVT1_S2);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_IN);
    g_assert_cmphex(rec[3], ==, UINT64_C(0x80000000));
    sm3b_free(b);
}

/* Stage-1 table address outside stage 2: S2 fault with CLASS TT. */
static void test_nested_tt_fault(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2, cdtab, rec[4];
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    s2 = s2_identity(b);
    cdtab = sm3b_alloc(b, 64, 64);
    sm3b_cd(b, cdtab, 0, 9, UINT64_C(0x40000000), 0);
    sm3b_ste_nested(b, SID, cdtab, 0, 4, s2);
    r = sm3b_xlate(b, SID, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    expect_event(b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_true(rec[1] & SM3_EVT1_S2);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_TT);
    g_assert_cmphex(rec[3], ==, UINT64_C(0x40000000));
    sm3b_free(b);
}

/* CD table at an IPA outside stage 2: S2 fault with CLASS CD. */
static void test_nested_cd_fault(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2, rec[4];
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    s2 = s2_identity(b);
    sm3b_ste_nested(b, SID, UINT64_C(0x40000000), 0, 4, s2);
    r = sm3b_xlate(b, SID, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_cmpuint(r.fault.class, ==, SM3_CLASS_CD);
    expect_event(b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_true(rec[1] & SM3_EVT1_S2);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_CLASS), ==, SM3_CLASS_CD);
    g_assert_cmphex(rec[3], ==, UINT64_C(0x40000000));
    sm3b_free(b);
}

static void test_ste_errors(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t ste[8] = { 0 }, rec[4];
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    /* V = 0: C_BAD_STE */
    r = sm3b_xlate(b, 1, 0x1000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_STE);
    expect_event(b, SM3_EVT_C_BAD_STE, rec);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, 1);
    /* Config = abort: terminated silently. */
    ste[0] = SM3_STE0_V;
    sm3b_ste_write(b, 2, ste);
    r = sm3b_xlate(b, 2, 0x1000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_ABORT);
    g_assert_cmpuint(sm3b_event_count(b), ==, 0);
    /* Bypass. */
    sm3b_ste_bypass(b, 3);
    r = sm3b_xlate(b, 3, 0x1234, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    g_assert_cmphex(r.pa, ==, 0x1234);
    /* StreamID beyond the table. */
    r = sm3b_xlate(b, 16, 0x1000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_STREAMID);
    expect_event(b, SM3_EVT_C_BAD_STREAMID, rec);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, 16);
    g_assert_true(sm3b_log_contains(b, "sid"));
    /* CR2.RECINVSID = 0: still terminated, but not recorded. */
    sm3b_wr(b, SM3_CR0, 0);
    sm3b_wr(b, SM3_CR2, 0);
    sm3b_wr(b, SM3_CR0, SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN);
    r = sm3b_xlate(b, 16, 0x1000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_STREAMID);
    g_assert_false(r.fault.recorded);
    g_assert_cmpuint(sm3b_event_count(b), ==, 0);
    /* Bus error reading the STE: F_STE_FETCH with the STE address. */
    b->tm->err_lo = sm3b_ste_addr(b, 4);
    b->tm->err_hi = b->tm->err_lo + 64;
    r = sm3b_xlate(b, 4, 0x1000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_STE_FETCH);
    expect_event(b, SM3_EVT_F_STE_FETCH, rec);
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, sm3b_ste_addr(b, 4));
    sm3b_free(b);
}

static void test_cd_errors(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];

    env_s1(&e, NULL, 0);
    /* SSID beyond S1CDMax = 0 with a substream: C_BAD_SUBSTREAMID. */
    r = sm3b_xlate_ssid(e.b, SID, 3, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_SUBSTREAMID);
    expect_event(e.b, SM3_EVT_C_BAD_SUBSTREAMID, rec);
    /* CD.V = 0: C_BAD_CD. */
    sm3b_ste_s1(e.b, SID + 1, e.cdtab + 64, 0, 0);
    r = sm3b_xlate(e.b, SID + 1, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_CD);
    expect_event(e.b, SM3_EVT_C_BAD_CD, rec);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SID), ==, SID + 1);
    /* Bus error on the CD: F_CD_FETCH with the CD address. */
    sm3b_ste_s1(e.b, SID + 2, e.cdtab + 128, 0, 0);
    e.b->tm->err_lo = e.cdtab + 128;
    e.b->tm->err_hi = e.cdtab + 192;
    r = sm3b_xlate(e.b, SID + 2, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_CD_FETCH);
    expect_event(e.b, SM3_EVT_F_CD_FETCH, rec);
    g_assert_cmphex(rec[3] & SM3_EVT3_FETCH_ADDR, ==, e.cdtab + 128);
    sm3b_free(e.b);
}

/* Substreams: S1CDMax > 0, S1DSS decides for traffic without one. */
static void test_substreams(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4], root2;

    env_s1(&e, NULL, 0);
    root2 = sm3b_pt_new(e.b);
    sm3b_cd(e.b, e.cdtab, 2, 0x22, root2, 0);
    sm3b_map(e.b, root2, VA, PA + 0x5000, 3, SM3B_S1_RW);
    sm3b_ste_s1(e.b, SID, e.cdtab, 2, 0);      /* 4 CDs, S1DSS = term */
    r = sm3b_xlate_ssid(e.b, SID, 2, VA + 4, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x5004);
    r = sm3b_xlate_ssid(e.b, SID, 0, VA + 4, false);
    g_assert_cmphex(r.pa, ==, PA + 4);
    r = sm3b_xlate(e.b, SID, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_STREAM_DISABLED);
    expect_event(e.b, SM3_EVT_F_STREAM_DISABLED, rec);
    r = sm3b_xlate_ssid(e.b, SID, 4, VA, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_SUBSTREAMID);
    expect_event(e.b, SM3_EVT_C_BAD_SUBSTREAMID, rec);
    g_assert_cmpuint(sm_get(rec[0], SM3_EVT0_SSID), ==, 4);
    /* S1DSS = bypass: no-substream traffic skips stage 1. */
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 2,
                sm_prep(SM3_STE1_S1DSS, SM3_STE1_S1DSS_BYPASS));
    r = sm3b_xlate(e.b, SID + 1, 0x1234, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    /* S1DSS = substream 0. */
    sm3b_ste_s1(e.b, SID + 2, e.cdtab, 2,
                sm_prep(SM3_STE1_S1DSS, SM3_STE1_S1DSS_SSID0));
    r = sm3b_xlate(e.b, SID + 2, VA + 8, false);
    g_assert_cmphex(r.pa, ==, PA + 8);
    sm3b_free(e.b);
}

/* ASIDs isolate substreams in the TLB. */
static void test_tlb_tags_asid(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t root2;

    env_s1(&e, NULL, 0);
    root2 = sm3b_pt_new(e.b);
    sm3b_cd(e.b, e.cdtab, 1, 0x22, root2, 0);
    sm3b_map(e.b, root2, VA, PA + 0x9000, 3, SM3B_S1_RW);
    sm3b_ste_s1(e.b, SID, e.cdtab, 1, 0);
    r = sm3b_xlate_ssid(e.b, SID, 0, VA, false);
    g_assert_cmphex(r.pa, ==, PA);
    r = sm3b_xlate_ssid(e.b, SID, 1, VA, false);
    g_assert_cmphex(r.pa, ==, PA + 0x9000);
    g_assert_false(r.tlb_hit);
    r = sm3b_xlate_ssid(e.b, SID, 0, VA, false);
    g_assert_cmphex(r.pa, ==, PA);
    g_assert_true(r.tlb_hit);
    sm3b_free(e.b);
}

static void test_tbi(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, SM3_CD0_TBI0);
    r = sm3b_xlate(e.b, SID, VA | UINT64_C(0xab00000000000000) | 0x44,
                   false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x44);
    sm3b_free(e.b);
    /* Without TBI the tagged address is outside the TTB0 range. */
    env_s1(&e, NULL, 0);
    r = sm3b_xlate(e.b, SID, VA | UINT64_C(0xab00000000000000), false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_cmpuint(r.fault.class, ==, SM3_CLASS_IN);
    sm3b_free(e.b);
}

/* STE.PRIVCFG forces privileged: an EL1-only page becomes accessible. */
static void test_privcfg(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    sm3b_map(e.b, e.root, VA + 0x1000, PA, 3, SM3B_PTE_AF);  /* AP 00 */
    r = sm3b_xlate(e.b, SID, VA + 0x1000, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_PERMISSION);
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 0, sm_prep(SM3_STE1_PRIVCFG, 3));
    r = sm3b_xlate(e.b, SID + 1, VA + 0x1000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    sm3b_free(e.b);
}

static void test_f_uut(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];
    Sm3Request req = { .sid = SID, .iova = VA, .write = true,
                       .instr = true };

    env_s1(&e, NULL, 0);
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_UUT);
    expect_event(e.b, SM3_EVT_F_UUT, rec);
    g_assert_true(rec[1] & SM3_EVT1_IND);
    g_assert_false(rec[1] & SM3_EVT1_PNU);    /* unprivileged */
    g_assert_false(rec[1] & SM3_EVT1_RNW);
    g_assert_cmphex(rec[2], ==, VA);
    sm3b_free(e.b);
}

static void test_ats_translated(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];
    Sm3Request req = { .sid = SID, .iova = 0x123000, .ats_translated = true,
                       .write = true };
    Sm3Features f = sm3b_all_features();

    env_s1(&e, NULL, 0);
    /* ATSCHK = 0: translated traffic passes. */
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    g_assert_cmphex(r.pa, ==, 0x123000);
    /* ATSCHK = 1 and EATS = 0: F_TRANSL_FORBIDDEN. */
    sm3b_wr(e.b, SM3_CR0, sm3b_rd(e.b, SM3_CR0) | SM3_CR0_ATSCHK);
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSL_FORBIDDEN);
    expect_event(e.b, SM3_EVT_F_TRANSL_FORBIDDEN, rec);
    g_assert_false(rec[1] & SM3_EVT1_RNW);
    g_assert_cmphex(rec[2], ==, 0x123000);
    /* EATS = 1: allowed. */
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 0, sm_prep(SM3_STE1_EATS, 1));
    req.sid = SID + 1;
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    /* A bypassing STE (Config 0b100) does not vouch for it: forbidden. */
    sm3b_ste_bypass(e.b, SID + 2);
    req.sid = SID + 2;
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSL_FORBIDDEN);
    expect_event(e.b, SM3_EVT_F_TRANSL_FORBIDDEN, rec);
    /* An aborting STE (Config 0b000): aborted, no event. */
    sm3b_w64(e.b, sm3b_ste_addr(e.b, SID + 2),
             SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, 0));
    sm3b_cmd(e.b, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, SID + 2), 0);
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_ABORT);
    g_assert_false(sm3b_pop_event(e.b, rec));
    /* SMMUEN = 0: F_TRANSL_FORBIDDEN whatever the STE or GBPA says. */
    sm3b_wr(e.b, SM3_CR0, sm3b_rd(e.b, SM3_CR0) & ~SM3_CR0_SMMUEN);
    req.sid = SID + 1;
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSL_FORBIDDEN);
    sm3b_free(e.b);
    /* Without ATS, translated traffic is unsupported. */
    f.ats = f.pri = false;           /* IDR0.PRI needs ATS */
    env_s1(&e, &f, 0);
    req.sid = SID;
    r = sm3_translate(e.b->s, &req);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_UUT);
    sm3b_free(e.b);
}

static void test_ats_request(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];
    Sm3Request req = { .sid = SID, .iova = VA + 0x10 };

    env_s1(&e, NULL, 0);
    r = sm3_ats_translate(e.b->s, &req);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_BAD_ATS_TREQ);
    expect_event(e.b, SM3_EVT_F_BAD_ATS_TREQ, rec);
    g_assert_cmphex(rec[2], ==, VA + 0x10);
    g_assert_true(rec[1] & SM3_EVT1_RNW);
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 0, sm_prep(SM3_STE1_EATS, 1));
    req.sid = SID + 1;
    r = sm3_ats_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x10);
    /* A translation fault is answered, not recorded, and never stalls. */
    req.iova = VA + 0x100000;
    r = sm3_ats_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_false(r.fault.recorded);
    g_assert_cmpuint(sm3b_event_count(e.b), ==, 0);
    /* SMMUEN = 0: unsupported request. */
    sm3b_wr(e.b, SM3_CR0, 0);
    r = sm3_ats_translate(e.b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_ABORT);
    sm3b_free(e.b);
}

/*
 * Split-stage ATS (EATS = 0b10, nested): a Translation Request gets the
 * stage-1 result (an IPA); the Translated transaction then goes through
 * stage 2.
 */
static void test_ats_split_stage(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2, cdtab, root, ste1, ipa;
    Sm3Request req = { .sid = SID, .iova = VA + 0x5010 };
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    s2 = sm3b_pt_new(b);
    for (ipa = 0; ipa < SM3B_MEM_SIZE; ipa += 0x200000) {
        sm3b_map(b, s2, ipa, ipa, 2, SM3B_S2_RW);
    }
    sm3b_map(b, s2, 0x1000000, 0x200000, 2, SM3B_S2_RW);
    cdtab = sm3b_alloc(b, 64, 64);
    /*
     * The stage-1 root table lives at PA 0x380000, which stage 2 maps at
     * IPA 0x1180000 only: the stage-1 walk must go through stage 2.
     */
    root = 0x380000;
    g_assert_cmphex(b->tm->next, <, root);
    sm3b_cd(b, cdtab, 0, 9, 0x1180000, 0);
    sm3b_ste_nested(b, SID, cdtab, 0, 4, s2);
    ste1 = sm3b_ste_addr(b, SID) + 8;
    sm3b_w64(b, ste1, sm_prep(SM3_STE1_EATS, SM3_STE1_EATS_SPLIT));
    sm3b_map(b, root, VA + 0x5000, 0x1005000, 3, SM3B_S1_RW);
    /* Untranslated traffic: both stages. */
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, 0x205010);
    /* The Translation Request: stage 1 only, never from the TLB. */
    r = sm3_ats_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, 0x1005010);
    g_assert_false(r.tlb_hit);
    /* The Translated transaction: stage 2 of the IPA (ATSCHK = 1). */
    sm3b_wr(b, SM3_CR0, sm3b_rd(b, SM3_CR0) | SM3_CR0_ATSCHK);
    req.iova = 0x1005010;
    req.ats_translated = true;
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, 0x205010);
    sm3b_free(b);
}

/* CD.S = 1: a translation fault stalls until RESUME or STALL_TERM. */
static void test_stall_resume(void)
{
    Env e;
    Sm3Xlate r;
    uint64_t rec[4];
    Sm3bStall *st;
    uint16_t stag;

    env_s1(&e, NULL, SM3_CD0_S);
    r = sm3b_xlate(e.b, SID, VA + 0x4000, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_STALLED);
    g_assert_true(r.fault.stall);
    stag = r.fault.stag;
    g_assert_true(sm3_stall_pending(e.b->s, SID, stag));
    expect_event(e.b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_true(rec[1] & SM3_EVT1_STALL);
    g_assert_cmpuint(sm_get(rec[1], SM3_EVT1_STAG), ==, stag);
    /* Software fixes the mapping and resumes with retry. */
    sm3b_map(e.b, e.root, VA + 0x4000, PA, 3, SM3B_S1_RW);
    sm3b_cmd(e.b, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, SID) |
             sm_prep(SM3_CMD0_RESUME_AC, SM3_RESUME_RETRY),
             sm_prep(SM3_CMD1_RESUME_STAG, stag));
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    g_assert_cmpuint(e.b->stalls->len, ==, 1);
    st = &g_array_index(e.b->stalls, Sm3bStall, 0);
    g_assert_cmpuint(st->sid, ==, SID);
    g_assert_cmpuint(st->stag, ==, stag);
    g_assert_true(st->retry);
    g_assert_false(sm3_stall_pending(e.b->s, SID, stag));
    r = sm3b_xlate(e.b, SID, VA + 0x4000, true);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    /* RESUME of a STAG that is not stalled: ignored. */
    sm3b_cmd(e.b, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, SID),
             sm_prep(SM3_CMD1_RESUME_STAG, stag));
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    g_assert_cmpuint(e.b->stalls->len, ==, 1);
    /* Abort response. */
    r = sm3b_xlate(e.b, SID, VA + 0x8000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_STALLED);
    sm3b_cmd(e.b, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, SID) |
             sm_prep(SM3_CMD0_RESUME_AC, SM3_RESUME_ABORT),
             sm_prep(SM3_CMD1_RESUME_STAG, r.fault.stag));
    g_assert_cmpuint(e.b->stalls->len, ==, 2);
    g_assert_false(g_array_index(e.b->stalls, Sm3bStall, 1).retry);
    sm3b_free(e.b);
}

static void test_stall_term(void)
{
    Env e;
    Sm3Xlate r1, r2;
    unsigned i;

    env_s1(&e, NULL, SM3_CD0_S);
    r1 = sm3b_xlate(e.b, SID, VA + 0x4000, false);
    r2 = sm3b_xlate(e.b, SID, VA + 0x5000, false);
    g_assert_cmpint(r2.outcome, ==, SM3_XLATE_STALLED);
    g_assert_cmpuint(r1.fault.stag, !=, r2.fault.stag);
    sm3b_cmd(e.b, SM3_CMD_STALL_TERM | sm_prep(SM3_CMD0_SID, SID), 0);
    g_assert_cmpuint(e.b->stalls->len, ==, 2);
    for (i = 0; i < 2; i++) {
        g_assert_false(g_array_index(e.b->stalls, Sm3bStall, i).retry);
    }
    g_assert_false(sm3_stall_pending(e.b->s, SID, r1.fault.stag));
    /* More stalls than IDR5.STALL_MAX: the excess terminates. */
    for (i = 0; i < SM3_MAX_STALLS; i++) {
        uint64_t rec[4];

        r1 = sm3b_xlate(e.b, SID, VA + 0x10000 + i * 0x1000, false);
        g_assert_cmpint(r1.outcome, ==, SM3_XLATE_STALLED);
        while (sm3b_pop_event(e.b, rec)) {
            /* drain */
        }
    }
    r1 = sm3b_xlate(e.b, SID, VA + 0x100000, false);
    g_assert_cmpint(r1.outcome, ==, SM3_XLATE_FAULT);
    g_assert_true(r1.fault.recorded);
    sm3b_free(e.b);
}

/* Reset and SMMUEN 1 -> 0 terminate stalled transactions. */
static void test_stall_terminated_by_disable(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, SM3_CD0_S);
    r = sm3b_xlate(e.b, SID, VA + 0x4000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_STALLED);
    sm3b_wr(e.b, SM3_CR0, SM3_CR0_EVENTQEN | SM3_CR0_CMDQEN);
    g_assert_cmpuint(e.b->stalls->len, ==, 1);
    g_assert_false(g_array_index(e.b->stalls, Sm3bStall, 0).retry);
    g_assert_false(sm3_stall_pending(e.b->s, SID, r.fault.stag));
    sm3b_wr(e.b, SM3_CR0, SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN |
            SM3_CR0_CMDQEN);
    r = sm3b_xlate(e.b, SID, VA + 0x4000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_STALLED);
    sm3_reset(e.b->s);
    g_assert_cmpuint(e.b->stalls->len, ==, 2);
    g_assert_false(sm3_stall_pending(e.b->s, SID, r.fault.stag));
    sm3b_free(e.b);
}

/*
 * A stall nobody can be told about (event queue full) terminates at once
 * as a fault; the host never saw a STALLED result for it, so it hears no
 * stall_resolved() either (sm3.h promises that hook for STALLED only).
 */
static void test_stall_eventq_full(void)
{
    Sm3Features f = sm3b_all_features();
    Env e;
    Sm3Xlate r;
    unsigned i;

    f.eventqs = 1;
    env_s1(&e, &f, SM3_CD0_S);
    for (i = 0; i < 2; i++) {
        r = sm3b_xlate(e.b, SID, VA + 0x4000 + i * 0x1000, false);
        g_assert_cmpint(r.outcome, ==, SM3_XLATE_STALLED);
    }
    r = sm3b_xlate(e.b, SID, VA + 0x8000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_false(r.fault.recorded);
    g_assert_cmpuint(e.b->stalls->len, ==, 0);
    g_assert_true(sm3b_rd(e.b, SM3_EVENTQ_PROD) & SM3_Q_OVFLG);
    /* The two real stalls still resolve, each exactly once. */
    g_assert_cmpuint(sm3_stall_terminate_all(e.b->s), ==, 2);
    g_assert_cmpuint(e.b->stalls->len, ==, 2);
    sm3b_free(e.b);
}

/* Stalls are neither advertised nor acted on with STALL_MODEL = none. */
static void test_stall_absent(void)
{
    Sm3Features f = sm3b_all_features();
    Env e;
    Sm3Xlate r;

    f.stall_model = SM3_STALL_NONE;
    env_s1(&e, &f, 0);
    r = sm3b_xlate(e.b, SID, VA + 0x4000, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    sm3b_cmd(e.b, SM3_CMD_STALL_TERM | sm_prep(SM3_CMD0_SID, SID), 0);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ILL);
    sm3b_free(e.b);
}

/* Stage-2 stalls follow STE.S2S. */
static void test_stall_s2(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2 = 0, rec[4];
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    s2 = sm3b_pt_new(b);
    sm3b_ste_s2(b, SID, 3, s2, SM3_STE2_S2S);
    r = sm3b_xlate(b, SID, 0x10001abc, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_STALLED);
    expect_event(b, SM3_EVT_F_TRANSLATION, rec);
    g_assert_true(rec[1] & SM3_EVT1_STALL);
    g_assert_true(rec[1] & SM3_EVT1_S2);
    sm3b_free(b);
}

/* SMMUEN = 0 with translation tables in place: GBPA decides. */
static void test_smmu_disabled(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    sm3b_wr(e.b, SM3_CR0, 0);
    r = sm3b_xlate(e.b, SID, VA, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    g_assert_cmphex(r.pa, ==, VA);
    sm3b_free(e.b);
}

/* STRW = EL2: one VA range, no ASID; entries are global. */
static void test_strw_el2(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 0,
                sm_prep(SM3_STE1_STRW, SM3_STE1_STRW_EL2));
    r = sm3b_xlate(e.b, SID + 1, VA + 0x20, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x20);
    sm3b_free(e.b);
}

/* ---- one permission rule for hits and walks ------------------------------ */

/* Leaf attributes with distinct permission sets (Arm ARM D8.4.1). */
static const uint64_t perm_pages[] = {
    SM3B_PTE_AF | SM3B_PTE_NG | SM_BIT(6),                  /* EL0+1 RW */
    SM3B_PTE_AF | SM3B_PTE_NG | SM_MASK(7, 6),              /* EL0+1 RO */
    SM3B_PTE_AF | SM3B_PTE_NG,                              /* EL1 RW */
    SM3B_PTE_AF | SM3B_PTE_NG | SM_BIT(7),                  /* EL1 RO */
    SM3B_PTE_AF | SM3B_PTE_NG | SM_MASK(7, 6) | SM_BIT(54), /* RO, UXN */
    SM3B_PTE_AF | SM3B_PTE_NG | SM_MASK(7, 6) | SM_BIT(53), /* RO, PXN */
    SM3B_PTE_AF | SM3B_PTE_NG | SM_BIT(7) | SM_BIT(54),     /* EL1 RO UXN */
};

/* The six access kinds: {read, write, instruction} x {unpriv, priv}. */
static Sm3Request perm_req(unsigned kind, uint64_t iova)
{
    Sm3Request r = { .sid = SID, .iova = iova, .size = 4 };

    r.write = kind % 3 == 1;
    r.instr = kind % 3 == 2;
    r.priv = kind >= 3;
    return r;
}

static void drain_events(Sm3Bench *b)
{
    uint64_t rec[4];
    unsigned n = 0;

    while (n++ < 64 && sm3b_pop_event(b, rec)) {
        continue;
    }
}

/*
 * STRW = EL2 (no E2H) is a regime with one privilege level (Arm ARM
 * D8.4.1, VMSAv8-64 stage 1 at EL2): AP[1] is ignored, AP[2] alone says
 * read-only, bit 54 is XN for everyone and bit 53 (PXN) is RES0.  The
 * request's PnU makes no difference.  Bit i of @allowed is access kind i
 * of perm_req(): unpriv {R, W, X} = bits 0..2, priv {R, W, X} = 3..5.
 */
static const struct {
    uint64_t attrs;
    unsigned allowed;
} el2_pages[] = {
    /* AP=01: RW, executable */
    { SM3B_PTE_AF | SM_BIT(6), 0x3f },
    /* AP=11: read-only, executable */
    { SM3B_PTE_AF | SM_MASK(7, 6), 0x2d },
    /* AP=00: "EL1 only" at EL1; RW for every request at EL2 */
    { SM3B_PTE_AF, 0x3f },
    /* AP=10: read-only */
    { SM3B_PTE_AF | SM_BIT(7), 0x2d },
    /* AP=11, bit 54: read-only, never executable */
    { SM3B_PTE_AF | SM_MASK(7, 6) | SM_BIT(54), 0x09 },
    /* AP=11, bit 53: PXN is RES0 at EL2, so still executable */
    { SM3B_PTE_AF | SM_MASK(7, 6) | SM_BIT(53), 0x2d },
};

static void test_strw_el2_permissions(void)
{
    Env e;
    unsigned i, kind;

    env_s1(&e, NULL, 0);
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 0,
                sm_prep(SM3_STE1_STRW, SM3_STE1_STRW_EL2));
    for (i = 0; i < G_N_ELEMENTS(el2_pages); i++) {
        sm3b_map(e.b, e.root, VA + (i + 1) * 0x1000, PA + i * 0x1000, 3,
                 el2_pages[i].attrs);
    }
    for (i = 0; i < G_N_ELEMENTS(el2_pages); i++) {
        for (kind = 0; kind < 6; kind++) {
            Sm3Request req = perm_req(kind, VA + (i + 1) * 0x1000 + 8);
            Sm3Xlate r;
            bool ok;

            req.sid = SID + 1;
            r = sm3_translate(e.b->s, &req);
            ok = r.outcome == SM3_XLATE_OK;
            if (ok != !!(el2_pages[i].allowed & (1u << kind))) {
                g_error("page %u, access kind %u: outcome %d, event 0x%x",
                        i, kind, r.outcome, r.fault.event);
            }
            if (!ok) {
                g_assert_cmphex(r.fault.event, ==, SM3_EVT_F_PERMISSION);
            }
        }
    }
    sm3b_free(e.b);
}

/*
 * A stage-2 identity map of the bench's memory in 2 MiB blocks: MemAttr
 * @memattr, except the block at @normal_block, which is Normal
 * write-back (0xf).
 */
static uint64_t s2_identity_attr(Sm3Bench *b, unsigned memattr,
                                 uint64_t normal_block)
{
    uint64_t s2 = sm3b_pt_new(b);
    uint64_t pa;

    for (pa = 0; pa < SM3B_MEM_SIZE; pa += 0x200000) {
        unsigned attr = pa == normal_block ? 0xf : memattr;

        sm3b_map(b, s2, pa, pa, 2, SM3B_S2AP_R | SM3B_S2AP_W | SM3B_PTE_AF |
                 sm_prep(SM_MASK(5, 2), attr));
    }
    return s2;
}

/* Field @mask of STE dword @dw of @sid := @val (little-endian memory). */
static void ste_set(Sm3Bench *b, uint32_t sid, unsigned dw, uint64_t mask,
                    uint64_t val)
{
    uint64_t v;
    uint64_t addr = sm3b_ste_addr(b, sid) + dw * 8;

    memcpy(&v, b->mem + addr, 8);
    v = GUINT64_TO_LE(sm_set(GUINT64_FROM_LE(v), mask, val));
    memcpy(b->mem + addr, &v, 8);
}

static void ste_or(Sm3Bench *b, uint32_t sid, unsigned dw, uint64_t bits)
{
    ste_set(b, sid, dw, bits, UINT64_MAX);
}

/*
 * AArch64.S2InvalidSL judges the start level against the implemented PA
 * size (OAS 48 here), not the STE's S2PS: a 4K stage 2 of 48-bit IPAs
 * starting at level 0 (S2SL0 = 2) with S2PS = 40 bits (0b010) is valid
 * (level 0 is invalid only when PAMax < 44) and translates.  Found by
 * fuzz-sm3-tables (models/fuzz/repro/fuzz-sm3-tables.s2sl0-pamax).
 */
static void test_s2_start_level_pamax(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t s2 = sm3b_pt_new(b);
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    sm3b_map(b, s2, VA, PA, 3, SM3B_S2_RW);
    sm3b_ste_s2(b, SID, 4, s2, 0);
    ste_set(b, SID, 2, SM3_STE2_S2PS, 2);
    r = sm3b_xlate(b, SID, VA + 0x40, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, PA + 0x40);
    sm3b_free(b);
}

/*
 * STE.S2PTW = 1: a stage-1 table walk access or a CD fetch that stage 2
 * maps as any Device memory (MemAttr[3:2] == 0b00) is a stage-2
 * Permission fault, CLASS TT for the walk, CLASS CD for the fetch; with
 * S2PTW = 0 both succeed.  The CD table sits alone in its 2 MiB block.
 */
static void test_s2ptw(void)
{
    static const struct {
        unsigned memattr;       /* stage-2 MemAttr of the tables' blocks */
        bool cd_device;         /* the CD's block too (else Normal) */
        bool s2ptw;
        int fault_class;        /* -1: translates */
    } rows[] = {
        { 0x0, true, false, -1 },           /* Device-nGnRnE, no S2PTW */
        { 0x0, false, true, SM3_CLASS_TT }, /* tables in Device memory */
        { 0x1, false, true, SM3_CLASS_TT }, /* Device-nGnRE */
        { 0x0, true, true, SM3_CLASS_CD },  /* the CD fetch first */
        { 0xf, false, true, -1 },           /* Normal write-back */
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        Sm3Bench *b = sm3b_new(NULL);
        uint64_t s2, cdtab, root, rec[4];
        Sm3Xlate r;

        sm3b_setup(b, 4, 4, 4);
        cdtab = sm3b_alloc(b, 0x200000, 0x200000);
        root = sm3b_pt_new(b);
        s2 = s2_identity_attr(b, rows[i].memattr,
                              rows[i].cd_device ? UINT64_MAX : cdtab);
        sm3b_cd(b, cdtab, 0, 9, root, 0);
        sm3b_ste_nested(b, SID, cdtab, 0, 4, s2);
        if (rows[i].s2ptw) {
            ste_or(b, SID, 2, SM3_STE2_S2PTW);
        }
        sm3b_map(b, root, VA, PA, 3, SM3B_S1_RW);
        r = sm3b_xlate(b, SID, VA + 0x10, false);
        if (rows[i].fault_class < 0) {
            g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
            g_assert_cmphex(r.pa, ==, PA + 0x10);
        } else {
            g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
            g_assert_cmphex(r.fault.event, ==, SM3_EVT_F_PERMISSION);
            g_assert_true(r.fault.stage2);
            g_assert_cmpuint(r.fault.class, ==, rows[i].fault_class);
            /* The record: S2 = bit 39, CLASS = bits [41:40] of dword 1 */
            expect_event(b, SM3_EVT_F_PERMISSION, rec);
            g_assert_cmphex(rec[1] & (UINT64_C(7) << 39), ==,
                            (UINT64_C(1) << 39) |
                            ((uint64_t)rows[i].fault_class << 40));
        }
        sm3b_free(b);
    }
}

/*
 * IDR3.XNX is advertised with stage 2, so a stage-2 leaf's XN is bits
 * [54:53] (Arm ARM D8.4.2, FEAT_XNX): 0b00 executable at EL0 and EL1,
 * 0b01 not at EL1, 0b10 at neither, 0b11 not at EL0.  Instruction
 * fetches of a stage-2-only stream: @unpriv_x / @priv_x say which run.
 */
static void test_s2_xnx(void)
{
    static const struct {
        unsigned xn;
        bool unpriv_x, priv_x;
    } rows[] = {
        { 0, true, true },
        { 1, true, false },
        { 2, false, false },
        { 3, false, true },
    };
    unsigned i, priv;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        Sm3Bench *b = sm3b_new(NULL);
        uint64_t s2 = sm3b_pt_new(b);

        sm3b_setup(b, 4, 4, 4);
        sm3b_map(b, s2, VA, PA, 3, SM3B_S2_RW |
                 ((uint64_t)rows[i].xn << 53));
        sm3b_ste_s2(b, SID, 4, s2, 0);
        for (priv = 0; priv < 2; priv++) {
            Sm3Request req = { .sid = SID, .iova = VA + 4, .size = 4,
                               .instr = true, .priv = priv };
            Sm3Xlate r = sm3_translate(b->s, &req);
            bool want = priv ? rows[i].priv_x : rows[i].unpriv_x;

            if ((r.outcome == SM3_XLATE_OK) != want) {
                g_error("XN=%u priv=%u: outcome %d", rows[i].xn, priv,
                        r.outcome);
            }
        }
        sm3b_free(b);
    }
}


/*
 * For every page and access B: the outcome of B on a cold TLB (a walk)
 * equals its outcome after the TLB was filled by any other permitted
 * access F (a hit when permitted), and a repeat of B answers the same.
 */
static void test_perm_consistency(void)
{
    Env e;
    unsigned p, fill, kind, hits = 0, faults = 0;

    env_s1(&e, NULL, 0);
    for (p = 0; p < G_N_ELEMENTS(perm_pages); p++) {
        sm3b_map(e.b, e.root, VA + 0x10000 + p * 0x1000,
                 PA + p * 0x1000, 3, perm_pages[p]);
    }
    for (p = 0; p < G_N_ELEMENTS(perm_pages); p++) {
        uint64_t iova = VA + 0x10000 + p * 0x1000 + 0x18;

        for (kind = 0; kind < 6; kind++) {
            Sm3Request rb = perm_req(kind, iova);
            Sm3Xlate cold, again;

            sm3_invalidate_all(e.b->s);
            cold = sm3_translate(e.b->s, &rb);
            g_assert_false(cold.tlb_hit);
            again = sm3_translate(e.b->s, &rb);
            g_assert_cmpint(again.outcome, ==, cold.outcome);
            g_assert_cmpuint(again.fault.event, ==, cold.fault.event);
            g_assert_cmphex(again.pa, ==, cold.pa);
            if (cold.outcome == SM3_XLATE_OK) {
                g_assert_true(again.tlb_hit);
                g_assert_cmphex(cold.pa, ==, PA + p * 0x1000 + 0x18);
            } else {
                g_assert_cmpint(cold.outcome, ==, SM3_XLATE_FAULT);
                g_assert_cmpuint(cold.fault.event, ==, SM3_EVT_F_PERMISSION);
                faults++;
            }
            for (fill = 0; fill < 6; fill++) {
                Sm3Request rf = perm_req(fill, iova);
                Sm3Xlate f, warm;

                sm3_invalidate_all(e.b->s);
                f = sm3_translate(e.b->s, &rf);
                if (f.outcome != SM3_XLATE_OK) {
                    continue;
                }
                warm = sm3_translate(e.b->s, &rb);
                g_assert_cmpint(warm.outcome, ==, cold.outcome);
                g_assert_cmpuint(warm.fault.event, ==, cold.fault.event);
                g_assert_cmphex(warm.pa, ==, cold.pa);
                if (warm.outcome == SM3_XLATE_OK) {
                    g_assert_true(warm.tlb_hit);
                    hits++;
                }
            }
            drain_events(e.b);
        }
    }
    /* Both paths were really exercised. */
    g_assert_cmpuint(hits, >, 20);
    g_assert_cmpuint(faults, >, 10);
    sm3b_free(e.b);
}

/* An instruction fetch needs read and execute, on a hit as on a walk. */
static void test_perm_instr_after_fill(void)
{
    Env e;
    Sm3Request rd = { .sid = SID, .iova = VA + 0x20000, .priv = true };
    Sm3Request ifetch = rd;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    /* EL0-writable: never executable at EL1 (PX clear). */
    sm3b_map(e.b, e.root, VA + 0x20000, PA, 3, SM3B_S1_RW);
    ifetch.instr = true;
    r = sm3_translate(e.b->s, &rd);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_false(r.perm & SM3_PERM_PX);
    r = sm3_translate(e.b->s, &ifetch);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_PERMISSION);
    /* Unprivileged execute is allowed (UXN clear): a hit. */
    ifetch.priv = false;
    r = sm3_translate(e.b->s, &ifetch);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_true(r.tlb_hit);
    sm3b_free(e.b);
}

/*
 * STE.INSTCFG (STE bits [115:114], dword 1 [51:50]): 0b11 makes reads
 * instruction fetches (writes stay data), 0b10 makes every access data.
 * An EL0-writable page is never executable at EL1 (PX clear), so a
 * privileged read faults under 0b11 and a privileged fetch passes under
 * 0b10.
 */
static void test_instcfg(void)
{
    Env e;
    Sm3Request rd = { .sid = SID + 1, .iova = VA + 0x20000, .priv = true };
    Sm3Request wr = rd, ifetch = rd;
    Sm3Xlate r;

    env_s1(&e, NULL, 0);
    sm3b_map(e.b, e.root, VA + 0x20000, PA, 3, SM3B_S1_RW);
    wr.write = true;
    ifetch.instr = true;
    sm3b_ste_s1(e.b, SID + 1, e.cdtab, 0, UINT64_C(3) << 50);
    r = sm3_translate(e.b->s, &rd);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_PERMISSION);
    r = sm3_translate(e.b->s, &wr);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    ifetch.sid = rd.sid = SID + 2;
    sm3b_ste_s1(e.b, SID + 2, e.cdtab, 0, UINT64_C(2) << 50);
    r = sm3_translate(e.b->s, &ifetch);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    /* 0b00: the incoming attribute, as without an override */
    ifetch.sid = SID;
    r = sm3_translate(e.b->s, &ifetch);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_PERMISSION);
    sm3b_free(e.b);
}

/* ---- end to end: granule x stage x leaf ---------------------------------- */

#define E2E_IN       UINT64_C(0x4000000000)   /* 256G: VA and IPA input */
#define E2E_IPA_OUT  UINT64_C(0x80000000)     /* nested: stage-1 output */
#define E2E_PA_OUT   UINT64_C(0x100000000)    /* final output */
#define E2E_SID      0x123

/* Geometry per granule, from the spec's encodings (not the model's). */
typedef struct E2eGran {
    const char *name;
    unsigned gshift;
    unsigned tg0;            /* CD.TG0 */
    unsigned s2tg;           /* STE.S2TG */
    int s1_start;            /* 48-bit VA */
    int s2_start;            /* 40-bit IPA */
    unsigned s2sl0;          /* STE.S2SL0 for s2_start */
} E2eGran;

static const E2eGran e2e_grans[] = {
    /* 4K: 40-bit IPA at level 1 = two concatenated tables. */
    { "4k", 12, 0, 0, 0, 1, 1 },
    { "16k", 14, 2, 2, 0, 1, 2 },
    { "64k", 16, 1, 1, 1, 2, 1 },
};

enum { E2E_S1, E2E_S2, E2E_NESTED };
static const char *const e2e_stage_names[] = { "s1", "s2", "nested" };

typedef struct E2eCase {
    char *path;
    const E2eGran *g;
    int stage;
    bool block;
    bool st_2lvl;            /* 2-level stream table, else linear */
    bool tbi;                /* tagged IOVA with CD.TBI0 */
} E2eCase;

/*
 * Expected permissions, derived by hand from the descriptors written:
 * S1 page AP=01 (EL0 RW, so not PX): R W X PR PW; S1 block AP=11: R X PR
 * PX; S2 page S2AP=11: all; S2 block S2AP=01, XN: R PR.  Nested is the
 * intersection.
 */
#define E2E_S1_PAGE_PERM   (SM3_PERM_R | SM3_PERM_W | SM3_PERM_X | \
                            SM3_PERM_PR | SM3_PERM_PW)
#define E2E_S1_BLOCK_PERM  (SM3_PERM_R | SM3_PERM_X | SM3_PERM_PR | \
                            SM3_PERM_PX)
#define E2E_S2_PAGE_PERM   0x3f
#define E2E_S2_BLOCK_PERM  (SM3_PERM_R | SM3_PERM_PR)

static uint64_t e2e_s2_attrs(bool block)
{
    return block ? SM3B_S2AP_R | SM3B_PTE_AF | SM_MASK(5, 2) | SM_BIT(54)
                 : SM3B_S2_RW;
}

static void e2e_ste(Sm3Bench *b, const E2eCase *t, uint64_t cdtab,
                    uint64_t s2ttb)
{
    static const unsigned config[] = {
        SM3_STE0_CONFIG_S1, SM3_STE0_CONFIG_S2, SM3_STE0_CONFIG_NESTED,
    };
    uint64_t ste[8] = { 0 };

    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, config[t->stage]);
    if (t->stage != E2E_S2) {
        ste[0] |= cdtab & SM3_STE0_S1CONTEXTPTR;
    }
    if (t->stage != E2E_S1) {
        ste[2] = sm_prep(SM3_STE2_S2VMID, 7) |
                 sm_prep(SM3_STE2_S2T0SZ, 64 - 40) |
                 sm_prep(SM3_STE2_S2SL0, t->g->s2sl0) |
                 sm_prep(SM3_STE2_S2TG, t->g->s2tg) |
                 sm_prep(SM3_STE2_S2PS, 5) |
                 SM3_STE2_S2AA64 | SM3_STE2_S2R;
        ste[3] = s2ttb & SM3_STE3_S2TTB;
    }
    sm3b_ste_write(b, E2E_SID, ste);
}

static void test_e2e(gconstpointer data)
{
    const E2eCase *t = data;
    const E2eGran *g = t->g;
    int leaf = t->block ? 2 : 3;
    uint64_t size = UINT64_C(1) << sm3b_level_shift(g->gshift, leaf);
    uint64_t off = size - 0x10 + 4;
    uint64_t in = E2E_IN + off;
    uint64_t s1_out = t->stage == E2E_NESTED ? E2E_IPA_OUT : E2E_PA_OUT;
    uint8_t perm = 0x3f;
    Sm3bPt s1, s2;
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t cdtab = 0, ipa;
    Sm3Request req = { .sid = E2E_SID, .size = 4, .priv = true };
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 10);
    if (t->st_2lvl) {
        sm3b_st_2lvl(b, 6, 16);
    }
    if (t->stage != E2E_S1) {
        sm3b_pt_init(b, &s2, g->gshift, 40, g->s2_start);
        /* Identity for the CD and stage-1 tables (guest RAM). */
        for (ipa = 0; ipa < SM3B_MEM_SIZE;
             ipa += UINT64_C(1) << sm3b_level_shift(g->gshift, 2)) {
            sm3b_pt_map(b, &s2, ipa, ipa, 2, SM3B_S2_RW);
        }
        perm &= t->block ? E2E_S2_BLOCK_PERM : E2E_S2_PAGE_PERM;
    }
    if (t->stage != E2E_S2) {
        sm3b_pt_init(b, &s1, g->gshift, 48, g->s1_start);
        cdtab = sm3b_alloc(b, 64, 64);
        sm3b_cd(b, cdtab, 0, 0x21, s1.root,
                sm_prep(SM3_CD0_TG0, g->tg0) | (t->tbi ? SM3_CD0_TBI0 : 0));
        sm3b_pt_map(b, &s1, E2E_IN, s1_out, leaf,
                    t->block ? SM3B_PTE_AF | SM3B_PTE_NG | SM_MASK(7, 6)
                             : SM3B_S1_RW);
        perm &= t->block ? E2E_S1_BLOCK_PERM : E2E_S1_PAGE_PERM;
    }
    if (t->stage != E2E_S1) {
        sm3b_pt_map(b, &s2, t->stage == E2E_NESTED ? E2E_IPA_OUT : E2E_IN,
                    E2E_PA_OUT, leaf, e2e_s2_attrs(t->block));
    }
    e2e_ste(b, t, cdtab, t->stage != E2E_S1 ? s2.root : 0);

    req.iova = t->tbi ? in | UINT64_C(0x5a00000000000000) : in;
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_cmphex(r.pa, ==, E2E_PA_OUT + off);
    g_assert_cmphex(r.mask, ==, size - 1);
    g_assert_cmphex(r.perm, ==, perm);
    g_assert_false(r.tlb_hit);
    /* The other end of the same page/block, from the TLB. */
    req.iova = (req.iova & ~(size - 1)) + 8;
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    g_assert_true(r.tlb_hit);
    g_assert_cmphex(r.pa, ==, E2E_PA_OUT + 8);
    g_assert_cmphex(r.perm, ==, perm);
    /* Just past it: not mapped. */
    req.iova += size;
    r = sm3_translate(b->s, &req);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_TRANSLATION);
    g_assert_cmpuint(r.fault.stage2, ==, t->stage == E2E_S2);
    /* A write to the read-only blocks is refused, walk and all. */
    if (t->block) {
        req.iova = in;
        req.write = true;
        r = sm3_translate(b->s, &req);
        g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
        g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_PERMISSION);
    }
    g_assert_cmpuint(b->guest_errors, ==, 0);
    sm3b_free(b);
}

static GPtrArray *e2e_cases;

static void e2e_add(const E2eGran *g, int stage, bool block, bool st_2lvl,
                    bool tbi, const char *path)
{
    E2eCase *t = g_new0(E2eCase, 1);

    t->g = g;
    t->stage = stage;
    t->block = block;
    t->st_2lvl = st_2lvl;
    t->tbi = tbi;
    t->path = g_strdup(path);
    g_ptr_array_add(e2e_cases, t);
    g_test_add_data_func(t->path, t, test_e2e);
}

static void e2e_free(gpointer p)
{
    E2eCase *t = p;

    g_free(t->path);
    g_free(t);
}

static void e2e_register(void)
{
    unsigned gi, n = 0;
    int stage;

    e2e_cases = g_ptr_array_new_with_free_func(e2e_free);
    for (gi = 0; gi < G_N_ELEMENTS(e2e_grans); gi++) {
        for (stage = E2E_S1; stage <= E2E_NESTED; stage++) {
            unsigned blk;

            for (blk = 0; blk < 2; blk++) {
                g_autofree char *path =
                    g_strdup_printf("/sm3/xlate/granule/%s/%s/%s",
                                    e2e_grans[gi].name,
                                    e2e_stage_names[stage],
                                    blk ? "block" : "page");

                /* Alternate linear and 2-level stream tables. */
                e2e_add(&e2e_grans[gi], stage, blk, n++ % 2, false, path);
            }
        }
        {
            g_autofree char *path =
                g_strdup_printf("/sm3/xlate/granule/%s/tbi",
                                e2e_grans[gi].name);

            e2e_add(&e2e_grans[gi], E2E_NESTED, false, true, true, path);
        }
    }
}

/* ---- SubstreamIDs through a 2-level CD table ----------------------------- */

typedef struct SsidCase {
    const char *path;
    unsigned s1fmt;          /* STE.S1FMT */
    unsigned l2_log2;        /* CDs per leaf table (log2): 6 or 10 */
} SsidCase;

static const SsidCase ssid_cases[] = {
    { "/sm3/xlate/ssid/2lvl-4k", SM3_STE0_S1FMT_4K_L2, 6 },
    { "/sm3/xlate/ssid/2lvl-64k", SM3_STE0_S1FMT_64K_L2, 10 },
};

/* A CD for @ssid in a 2-level CD table rooted at @l1 (leaves on demand). */
static void ssid_cd(Sm3Bench *b, uint64_t l1, unsigned l2_log2,
                    uint32_t ssid, uint16_t asid, uint64_t ttb)
{
    uint64_t l1pa = l1 + 8 * (ssid >> l2_log2);
    uint64_t d = sm3b_r64(b, l1pa);
    uint64_t bytes = UINT64_C(64) << l2_log2;

    if (!(d & 1)) {
        d = sm3b_alloc(b, bytes, bytes) | 1;        /* L1CD.V */
        sm3b_w64(b, l1pa, d);
    }
    sm3b_cd(b, d & SM_MASK(51, 12), ssid & ((1u << l2_log2) - 1), asid,
            ttb, 0);
}

static void test_ssid_2lvl(gconstpointer data)
{
    const SsidCase *t = data;
    static const uint32_t ssids[] = { 0, 1, 0x3f, 0x40, 0xc5, 0xff };
    Sm3Bench *b = sm3b_new(NULL);     /* SSIDSIZE 8 */
    uint64_t l1, ste[8] = { 0 };
    uint64_t roots[G_N_ELEMENTS(ssids)];
    unsigned i;
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 4);
    sm3b_st_2lvl(b, 4, 8);
    l1 = sm3b_alloc(b, 4096, 4096);
    for (i = 0; i < G_N_ELEMENTS(ssids); i++) {
        roots[i] = sm3b_pt_new(b);
        ssid_cd(b, l1, t->l2_log2, ssids[i], 0x100 + i, roots[i]);
        sm3b_map(b, roots[i], VA, PA + i * 0x1000, 3, SM3B_S1_RW);
    }
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1) |
             (l1 & SM3_STE0_S1CONTEXTPTR) |
             sm_prep(SM3_STE0_S1FMT, t->s1fmt) |
             sm_prep(SM3_STE0_S1CDMAX, 8);
    sm3b_ste_write(b, SID, ste);          /* S1DSS = 0: terminate */
    for (i = 0; i < G_N_ELEMENTS(ssids); i++) {
        r = sm3b_xlate_ssid(b, SID, ssids[i], VA + 0x10, false);
        g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
        g_assert_cmphex(r.pa, ==, PA + i * 0x1000 + 0x10);
    }
    /* No SSV with S1DSS = terminate. */
    r = sm3b_xlate(b, SID, VA + 0x20, false);
    g_assert_cmpuint(r.fault.event, ==, SM3_EVT_F_STREAM_DISABLED);
    sm3b_pop_event(b, (uint64_t[4]){ 0 });
    /* A leaf table that does not exist (L1CD.V = 0): C_BAD_SUBSTREAMID */
    r = sm3b_xlate_ssid(b, SID, ((0x2u << t->l2_log2) & 0xff) | 0x2,
                        VA, false);
    if (t->l2_log2 == 6) {
        uint64_t rec[4];

        g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
        g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_SUBSTREAMID);
        expect_event(b, SM3_EVT_C_BAD_SUBSTREAMID, rec);
        g_assert_true(rec[0] & SM3_EVT0_SSV);
    } else {
        /* 64K leaves: every SSID < 256 is in leaf 0, but CD 2 is V = 0 */
        g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
        g_assert_cmpuint(r.fault.event, ==, SM3_EVT_C_BAD_CD);
    }
    sm3b_free(b);
}

int main(int argc, char **argv)
{
    unsigned i;
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/xlate/s1-page", test_s1_page);
    g_test_add_func("/sm3/xlate/s1-block", test_s1_block);
    g_test_add_func("/sm3/xlate/f-translation", test_f_translation);
    g_test_add_func("/sm3/xlate/f-permission", test_f_permission);
    g_test_add_func("/sm3/xlate/f-access", test_f_access);
    g_test_add_func("/sm3/xlate/httu-af", test_httu_af);
    g_test_add_func("/sm3/xlate/httu-off", test_httu_off);
    g_test_add_func("/sm3/xlate/f-addr-size", test_f_addr_size);
    g_test_add_func("/sm3/xlate/f-walk-eabt", test_f_walk_eabt);
    g_test_add_func("/sm3/xlate/cd-r-suppresses", test_cd_r_suppresses);
    g_test_add_func("/sm3/xlate/s2-only", test_s2_only);
    g_test_add_func("/sm3/xlate/nested", test_nested);
    g_test_add_func("/sm3/xlate/nested-tt-fault", test_nested_tt_fault);
    g_test_add_func("/sm3/xlate/nested-cd-fault", test_nested_cd_fault);
    g_test_add_func("/sm3/xlate/ste-errors", test_ste_errors);
    g_test_add_func("/sm3/xlate/cd-errors", test_cd_errors);
    g_test_add_func("/sm3/xlate/substreams", test_substreams);
    g_test_add_func("/sm3/xlate/tlb-tags-asid", test_tlb_tags_asid);
    g_test_add_func("/sm3/xlate/tbi", test_tbi);
    g_test_add_func("/sm3/xlate/privcfg", test_privcfg);
    g_test_add_func("/sm3/xlate/instcfg", test_instcfg);
    g_test_add_func("/sm3/xlate/f-uut", test_f_uut);
    g_test_add_func("/sm3/xlate/ats-translated", test_ats_translated);
    g_test_add_func("/sm3/xlate/ats-request", test_ats_request);
    g_test_add_func("/sm3/xlate/ats-split-stage", test_ats_split_stage);
    g_test_add_func("/sm3/xlate/stall-resume", test_stall_resume);
    g_test_add_func("/sm3/xlate/stall-term", test_stall_term);
    g_test_add_func("/sm3/xlate/stall-terminated-by-disable",
                    test_stall_terminated_by_disable);
    g_test_add_func("/sm3/xlate/stall-eventq-full", test_stall_eventq_full);
    g_test_add_func("/sm3/xlate/stall-absent", test_stall_absent);
    g_test_add_func("/sm3/xlate/stall-s2", test_stall_s2);
    g_test_add_func("/sm3/xlate/smmu-disabled", test_smmu_disabled);
    g_test_add_func("/sm3/xlate/strw-el2", test_strw_el2);
    g_test_add_func("/sm3/xlate/strw-el2-permissions",
                    test_strw_el2_permissions);
    g_test_add_func("/sm3/xlate/s2ptw", test_s2ptw);
    g_test_add_func("/sm3/xlate/s2-xnx", test_s2_xnx);
    g_test_add_func("/sm3/xlate/s2-start-level-pamax",
                    test_s2_start_level_pamax);
    g_test_add_func("/sm3/xlate/perm-consistency", test_perm_consistency);
    g_test_add_func("/sm3/xlate/perm-instr-after-fill",
                    test_perm_instr_after_fill);
    e2e_register();
    for (i = 0; i < G_N_ELEMENTS(ssid_cases); i++) {
        g_test_add_data_func(ssid_cases[i].path, &ssid_cases[i],
                             test_ssid_2lvl);
    }
    ret = g_test_run();
    g_ptr_array_free(e2e_cases, true);
    return ret;
}
