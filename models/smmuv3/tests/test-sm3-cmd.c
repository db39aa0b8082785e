/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-cmd.c: every command, the command errors and the
 * restart handshake, and the exact scope of each invalidation, shown by
 * changing tables in bench memory and observing stale vs fresh results.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

#define SID     5
#define VA      UINT64_C(0x40000000)
#define PA      UINT64_C(0x00800000)
#define PA2     UINT64_C(0x00900000)
#define VMID    7
#define ASID    0x11

typedef struct Env {
    Sm3Bench *b;
    uint64_t cdtab;
    uint64_t root;
    uint64_t s2;
} Env;

/* Stage-1 stream SID (VMID tag VMID via a nested-free S1 STE). */
static void env_s1(Env *e, const Sm3Features *f)
{
    uint64_t ste2;

    /* Caches large enough that nothing is evicted: stale means stale. */
    e->b = sm3b_new_caches(f, 1024, 8, 256, 8);
    sm3b_setup(e->b, 5, 4, 4);
    e->cdtab = sm3b_alloc(e->b, 64 * 16, 64 * 16);
    e->root = sm3b_pt_new(e->b);
    sm3b_cd(e->b, e->cdtab, 0, ASID, e->root, 0);
    sm3b_ste_s1(e->b, SID, e->cdtab, 0, 0);
    ste2 = sm3b_ste_addr(e->b, SID) + 16;
    sm3b_w64(e->b, ste2, sm_prep(SM3_STE2_S2VMID, VMID));
}

static uint64_t pa_of(Env *e, uint32_t sid, uint64_t va)
{
    Sm3Xlate r = sm3b_xlate(e->b, sid, va, false);

    g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    return r.pa;
}

/* Point the 4K leaf of @va at @pa, behind the TLB's back. */
static void remap(Env *e, uint64_t root, uint64_t va, uint64_t pa)
{
    uint64_t leaf = sm3b_leaf(e->b, root, va, 3);

    g_assert_cmphex(leaf, !=, 0);
    sm3b_w64(e->b, leaf, (sm3b_r64(e->b, leaf) & ~SM_MASK(47, 12)) | pa);
}

static const SmInval *last_inval(Env *e)
{
    g_assert_cmpuint(e->b->invals->len, >, 0);
    return &g_array_index(e->b->invals, SmInval, e->b->invals->len - 1);
}

/* ---- queue mechanics and errors ------------------------------------------ */

/*
 * Opcodes of IHI 0070 "Command opcodes" (and Linux's CMDQ_OP_*), as
 * literal numbers: each must reach the command of that name.  EL3 and VMS
 * commands are not implemented (no Secure state, no VMS) and fail as
 * unknown.
 */
static void test_opcode_table(void)
{
    static const struct {
        unsigned op;
        const char *name;
    } rows[] = {
        { 0x01, "PREFETCH_CONFIG" }, { 0x02, "PREFETCH_ADDR" },
        { 0x03, "CFGI_STE" }, { 0x04, "CFGI_STE_RANGE" },
        { 0x05, "CFGI_CD" }, { 0x06, "CFGI_CD_ALL" },
        { 0x10, "TLBI_NH_ALL" }, { 0x11, "TLBI_NH_ASID" },
        { 0x12, "TLBI_NH_VA" }, { 0x13, "TLBI_NH_VAA" },
        { 0x20, "TLBI_EL2_ALL" }, { 0x21, "TLBI_EL2_ASID" },
        { 0x22, "TLBI_EL2_VA" }, { 0x23, "TLBI_EL2_VAA" },
        { 0x28, "TLBI_S12_VMALL" }, { 0x2a, "TLBI_S2_IPA" },
        { 0x30, "TLBI_NSNH_ALL" }, { 0x40, "ATC_INV" }, { 0x41, "PRI_RESP" },
        { 0x44, "RESUME" }, { 0x45, "STALL_TERM" }, { 0x46, "CMD_SYNC" },
        { 0x07, "CMD_UNKNOWN" }, { 0x18, "CMD_UNKNOWN" },
        { 0x1a, "CMD_UNKNOWN" }, { 0x00, "CMD_UNKNOWN" },
        { 0xff, "CMD_UNKNOWN" },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_assert_cmpstr(sm3_cmd_name(rows[i].op), ==, rows[i].name);
    }
}

static void test_prefetch(void)
{
    Env e;

    env_s1(&e, NULL);
    sm3b_cmd(e.b, SM3_CMD_PREFETCH_CONFIG | sm_prep(SM3_CMD0_SID, SID), 0);
    sm3b_cmd(e.b, SM3_CMD_PREFETCH_ADDR | sm_prep(SM3_CMD0_SID, SID),
             VA | 3);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS), ==, 2);
    /* Validated: SSec on the Non-secure queue is illegal. */
    sm3b_cmd(e.b, SM3_CMD_PREFETCH_CONFIG | SM3_CMD0_SSEC, 0);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ILL);
    sm3b_free(e.b);
}

static void check_ill(const Sm3Features *f, uint64_t dw0, uint64_t dw1)
{
    Env e;

    env_s1(&e, f);
    sm3b_cmd(e.b, dw0, dw1);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ILL);
    g_assert_true(sm3b_rd(e.b, SM3_GERROR) & SM3_GERROR_CMDQ_ERR);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & SM3_Q_IDX, ==, 0);
    sm3b_free(e.b);
}

static void test_cerror_ill(void)
{
    Sm3Features f = sm3b_all_features();

    check_ill(NULL, 0x00, 0);
    check_ill(NULL, 0xff, 0);
    check_ill(NULL, SM3_CMD_CFGI_VMS_PIDM, 0);
    check_ill(NULL, SM3_CMD_TLBI_EL3_ALL, 0);
    check_ill(NULL, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, 3), 0);
    check_ill(NULL, SM3_CMD_PRI_RESP, sm_prep(SM3_CMD1_PRI_RESP, 3));
    check_ill(NULL, SM3_CMD_RESUME | sm_prep(SM3_CMD0_RESUME_AC, 3), 0);
    /* Commands of features that are switched off. */
    f.hyp = false;
    check_ill(&f, SM3_CMD_TLBI_EL2_ALL, 0);
    check_ill(&f, SM3_CMD_TLBI_EL2_ASID, 0);
    check_ill(&f, SM3_CMD_TLBI_EL2_VA, 0);
    check_ill(&f, SM3_CMD_TLBI_EL2_VAA, 0);
    f = sm3b_all_features();
    f.ats = f.pri = false;           /* IDR0.PRI needs ATS */
    check_ill(&f, SM3_CMD_ATC_INV, 0);
    f = sm3b_all_features();
    f.pri = false;
    check_ill(&f, SM3_CMD_PRI_RESP, 0);
    f = sm3b_all_features();
    f.stall_model = SM3_STALL_NONE;
    check_ill(&f, SM3_CMD_RESUME, 0);
    check_ill(&f, SM3_CMD_STALL_TERM, 0);
    f = sm3b_all_features();
    f.stage1 = f.hyp = false;            /* IDR0.HYP needs both stages */
    check_ill(&f, SM3_CMD_TLBI_NH_ALL, 0);
    check_ill(&f, SM3_CMD_TLBI_NH_ASID, 0);
    check_ill(&f, SM3_CMD_TLBI_NH_VA, 0);
    check_ill(&f, SM3_CMD_TLBI_NH_VAA, 0);
    check_ill(&f, SM3_CMD_TLBI_EL2_ALL, 0);
    f = sm3b_all_features();
    f.stage2 = f.hyp = false;
    check_ill(&f, SM3_CMD_TLBI_S12_VMALL, 0);
    check_ill(&f, SM3_CMD_TLBI_S2_IPA, 0);
}

/*
 * CERROR_ILL halts the queue at the bad command; software rewrites it,
 * acknowledges in GERRORN and the queue continues from there.
 */
static void test_error_restart(void)
{
    Env e;
    unsigned pulses;

    env_s1(&e, NULL);
    sm3b_wr(e.b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_GERROR_IRQEN);
    sm3b_sync(e.b);
    sm3b_cmd(e.b, 0xee, 0);
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_SEV),
             0);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ILL);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & SM3_Q_IDX, ==, 1);
    g_assert_cmphex(sm3b_rd(e.b, SM3_GERROR), ==, SM3_GERROR_CMDQ_ERR);
    g_assert_cmphex(sm3b_rd(e.b, SM3_GERRORN), ==, 0);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_GERROR], ==, 1);
    g_assert_cmpuint(e.b->sevs, ==, 0);
    g_assert_false(sm3_has_pending_work(e.b->s));
    g_assert_true(sm3b_log_contains(e.b, "CERROR"));
    /* More commands while halted: not consumed. */
    sm3b_sync(e.b);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & SM3_Q_IDX, ==, 1);
    /* Fix and acknowledge. */
    sm3b_w64(e.b, e.b->cmdq_base + 16, SM3_CMD_SYNC);
    pulses = e.b->irq_pulses[SM3_IRQ_GERROR];
    sm3b_wr(e.b, SM3_GERRORN, sm3b_rd(e.b, SM3_GERROR));
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & SM3_Q_IDX, ==, 4);
    g_assert_cmpuint(e.b->sevs, ==, 1);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_GERROR], ==, pulses);
    /* A second error toggles GERROR back: active again (differs). */
    sm3b_cmd(e.b, 0xee, 0);
    g_assert_cmphex(sm3b_rd(e.b, SM3_GERROR), ==, 0);
    g_assert_cmphex(sm3b_rd(e.b, SM3_GERRORN), ==, SM3_GERROR_CMDQ_ERR);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_GERROR], ==, pulses + 1);
    sm3b_free(e.b);
}

static void test_cerror_abt(void)
{
    Env e;

    env_s1(&e, NULL);
    e.b->tm->err_lo = e.b->cmdq_base + 16;
    e.b->tm->err_hi = e.b->cmdq_base + 32;
    sm3b_sync(e.b);
    sm3b_sync(e.b);
    sm3b_sync(e.b);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ABT);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & SM3_Q_IDX, ==, 1);
    g_assert_true(sm3b_rd(e.b, SM3_GERROR) & SM3_GERROR_CMDQ_ERR);
    /* Memory fixed, error acknowledged: the rest runs. */
    e.b->tm->err_lo = e.b->tm->err_hi = 0;
    sm3b_wr(e.b, SM3_GERRORN, sm3b_rd(e.b, SM3_GERROR));
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & SM3_Q_IDX, ==, 3);
    sm3b_free(e.b);
}

/* ---- CMD_SYNC ------------------------------------------------------------ */

static void test_sync_signals(void)
{
    Env e;
    uint64_t msi = 0;
    Sm3bMsi *m;

    env_s1(&e, NULL);
    msi = sm3b_alloc(e.b, 8, 8);
    /* CS = NONE: nothing. */
    sm3b_sync(e.b);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_CMD_SYNC], ==, 0);
    /* CS = IRQ, MSIAddr = 0: the wired line. */
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ),
             0);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_CMD_SYNC], ==, 1);
    /* CS = IRQ with an address: the MSI write of MSIData. */
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
             sm_prep(SM3_CMD0_SYNC_MSIDATA, 0xcafe), msi);
    g_assert_cmpuint(e.b->msis->len, ==, 1);
    m = &g_array_index(e.b->msis, Sm3bMsi, 0);
    g_assert_cmphex(m->addr, ==, msi);
    g_assert_cmphex(m->data, ==, 0xcafe);
    g_assert_cmphex(sm3b_r32(e.b, msi), ==, 0xcafe);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_CMD_SYNC], ==, 1);
    /* CS = SEV. */
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_SEV),
             0);
    g_assert_cmpuint(e.b->sevs, ==, 1);
    /* A failing MSI write: GERROR.MSI_CMDQ_ABT_ERR, the queue goes on. */
    e.b->msi_fail = true;
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ),
             msi);
    g_assert_true(sm3b_rd(e.b, SM3_GERROR) & SM3_GERROR_MSI_CMDQ_ABT_ERR);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS), ==, 5);
    sm3b_free(e.b);
}

/* Without IDR0.MSI the MSI fields are ignored; without SEV no event. */
static void test_sync_no_msi_no_sev(void)
{
    Sm3Features f = sm3b_all_features();
    Env e;

    f.msi = false;
    f.sev = false;
    env_s1(&e, &f);
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ),
             0x2000);
    g_assert_cmpuint(e.b->msis->len, ==, 0);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_CMD_SYNC], ==, 1);
    sm3b_cmd(e.b, SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_SEV),
             0);
    g_assert_cmpuint(e.b->sevs, ==, 0);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    sm3b_free(e.b);
}

/* ---- configuration invalidation ------------------------------------------ */

static void test_cfgi_ste(void)
{
    Env e;
    Sm3Xlate r;

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    sm3b_ste_bypass(e.b, 9);
    r = sm3b_xlate(e.b, 9, VA, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    /* The STE changes in memory: the cached one still applies. */
    sm3b_ste_s1(e.b, 9, e.cdtab, 0, 0);
    r = sm3b_xlate(e.b, 9, VA, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    /* Another StreamID's CFGI_STE does not help. */
    sm3b_cmd(e.b, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, 8), 1);
    g_assert_cmpint(sm3b_xlate(e.b, 9, VA, false).outcome, ==,
                    SM3_XLATE_BYPASS);
    sm3b_cmd(e.b, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, 9), 1);
    g_assert_cmphex(pa_of(&e, 9, VA), ==, PA);
    g_assert_cmpint(last_inval(&e)->scope, ==, SM_INVAL_STREAM);
    g_assert_cmpuint(last_inval(&e)->sid, ==, 9);
    sm3b_free(e.b);
}

static void test_cfgi_ste_range(void)
{
    Env e;
    uint32_t sid;

    env_s1(&e, NULL);
    for (sid = 4; sid < 10; sid++) {
        sm3b_ste_bypass(e.b, sid);
        g_assert_cmpint(sm3b_xlate(e.b, sid, VA, false).outcome, ==,
                        SM3_XLATE_BYPASS);
        sm3b_ste_s1(e.b, sid, e.cdtab, 0, 0);
    }
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    /* Range 1: 4 StreamIDs, aligned: 4..7 (from SID 6). */
    sm3b_cmd(e.b, SM3_CMD_CFGI_STE_RANGE | sm_prep(SM3_CMD0_SID, 6), 1);
    for (sid = 4; sid < 8; sid++) {
        g_assert_cmpint(sm3b_xlate(e.b, sid, VA, false).outcome, ==,
                        SM3_XLATE_OK);
    }
    g_assert_cmpint(sm3b_xlate(e.b, 8, VA, false).outcome, ==,
                    SM3_XLATE_BYPASS);
    g_assert_cmpuint(last_inval(&e)->sid, ==, 4);
    g_assert_cmpuint(last_inval(&e)->size, ==, 4);
    /* Range 31: CFGI_ALL. */
    sm3b_cmd(e.b, SM3_CMD_CFGI_STE_RANGE, 31);
    g_assert_cmpint(sm3b_xlate(e.b, 8, VA, false).outcome, ==, SM3_XLATE_OK);
    g_assert_cmpint(sm3b_xlate(e.b, 9, VA, false).outcome, ==, SM3_XLATE_OK);
    g_assert_cmpuint(last_inval(&e)->size, ==, UINT64_C(1) << 32);
    sm3b_free(e.b);
}

static void test_cfgi_cd(void)
{
    Env e;
    uint64_t root2 = 0;

    env_s1(&e, NULL);
    sm3b_ste_s1(e.b, SID, e.cdtab, 1, 0);
    sm3b_w64(e.b, sm3b_ste_addr(e.b, SID) + 16,
             sm_prep(SM3_STE2_S2VMID, VMID));
    sm3b_cd(e.b, e.cdtab, 1, ASID + 1, e.root, 0);
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    root2 = sm3b_pt_new(e.b);
    sm3b_map(e.b, root2, VA, PA2, 3, SM3B_S1_RW);
    g_assert_cmphex(sm3b_xlate_ssid(e.b, SID, 0, VA, false).pa, ==, PA);
    g_assert_cmphex(sm3b_xlate_ssid(e.b, SID, 1, VA, false).pa, ==, PA);
    /* New tables and ASIDs for both CDs in memory. */
    sm3b_cd(e.b, e.cdtab, 0, ASID + 2, root2, 0);
    sm3b_cd(e.b, e.cdtab, 1, ASID + 3, root2, 0);
    /* CFGI_CD of substream 1 only. */
    sm3b_cmd(e.b, SM3_CMD_CFGI_CD | sm_prep(SM3_CMD0_SID, SID) |
             sm_prep(SM3_CMD0_SSID, 1), 1);
    g_assert_cmphex(sm3b_xlate_ssid(e.b, SID, 1, VA, false).pa, ==, PA2);
    g_assert_cmphex(sm3b_xlate_ssid(e.b, SID, 0, VA, false).pa, ==, PA);
    /* CFGI_CD_ALL. */
    sm3b_cmd(e.b, SM3_CMD_CFGI_CD_ALL | sm_prep(SM3_CMD0_SID, SID), 0);
    g_assert_cmphex(sm3b_xlate_ssid(e.b, SID, 0, VA, false).pa, ==, PA2);
    g_assert_cmpint(last_inval(&e)->scope, ==, SM_INVAL_STREAM);
    sm3b_free(e.b);
}

/* ---- TLB invalidation scopes --------------------------------------------- */

static void test_tlbi_nh_all(void)
{
    Env e;

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    remap(&e, e.root, VA, PA2);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);           /* stale */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_ALL | sm_prep(SM3_CMD0_TLBI_VMID,
                                                VMID + 1), 0);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);           /* other VMID */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_ALL | sm_prep(SM3_CMD0_TLBI_VMID, VMID),
             0);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);          /* fresh */
    g_assert_cmpint(last_inval(&e)->scope, ==, SM_INVAL_VMID);
    g_assert_cmpuint(last_inval(&e)->vmid, ==, VMID);
    sm3b_free(e.b);
}

static void test_tlbi_nh_asid(void)
{
    Env e;
    uint64_t tlbi;

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    /* A global mapping (nG = 0). */
    sm3b_map(e.b, e.root, VA + 0x1000, PA, 3,
             SM3B_PTE_AP_RW_ALL | SM3B_PTE_AF);
    pa_of(&e, SID, VA);
    pa_of(&e, SID, VA + 0x1000);
    remap(&e, e.root, VA, PA2);
    remap(&e, e.root, VA + 0x1000, PA2);
    tlbi = SM3_CMD_TLBI_NH_ASID | sm_prep(SM3_CMD0_TLBI_VMID, VMID);
    sm3b_cmd(e.b, tlbi | sm_prep(SM3_CMD0_TLBI_ASID, ASID + 1), 0);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    sm3b_cmd(e.b, tlbi | sm_prep(SM3_CMD0_TLBI_ASID, ASID), 0);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);
    /* The global entry survives an ASID invalidation. */
    g_assert_cmphex(pa_of(&e, SID, VA + 0x1000), ==, PA);
    g_assert_cmpint(last_inval(&e)->scope, ==, SM_INVAL_ASID);
    g_assert_true(last_inval(&e)->has_asid);
    g_assert_cmpuint(last_inval(&e)->asid, ==, ASID);
    /* ... but not a VA invalidation with the ASID. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_VA | sm_prep(SM3_CMD0_TLBI_VMID, VMID) |
             sm_prep(SM3_CMD0_TLBI_ASID, ASID), VA + 0x1000);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x1000), ==, PA2);
    sm3b_free(e.b);
}

static void test_tlbi_nh_va_vaa(void)
{
    Env e;
    uint64_t va_cmd = SM3_CMD_TLBI_NH_VA |
                      sm_prep(SM3_CMD0_TLBI_VMID, VMID) |
                      sm_prep(SM3_CMD0_TLBI_ASID, ASID);

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    sm3b_map(e.b, e.root, VA + 0x1000, PA + 0x1000, 3, SM3B_S1_RW);
    pa_of(&e, SID, VA);
    pa_of(&e, SID, VA + 0x1000);
    remap(&e, e.root, VA, PA2);
    remap(&e, e.root, VA + 0x1000, PA2 + 0x1000);
    /* Wrong ASID: nothing. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_VA | sm_prep(SM3_CMD0_TLBI_VMID, VMID) |
             sm_prep(SM3_CMD0_TLBI_ASID, 3), VA);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    sm3b_cmd(e.b, va_cmd, VA | SM3_CMD1_TLBI_LEAF);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x1000), ==, PA + 0x1000);
    g_assert_cmpint(last_inval(&e)->scope, ==, SM_INVAL_RANGE);
    g_assert_cmphex(last_inval(&e)->addr, ==, VA);
    /* VAA: any ASID. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_VAA | sm_prep(SM3_CMD0_TLBI_VMID, VMID),
             VA + 0x1000);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x1000), ==, PA2 + 0x1000);
    g_assert_false(last_inval(&e)->has_asid);
    sm3b_free(e.b);
}

/* The VA forms hit a 2MB block from any address inside it. */
static void test_tlbi_va_block(void)
{
    Env e;

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, 0x80000000, 0x200000, 2, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, SID, 0x80000000), ==, 0x200000);
    sm3b_map(e.b, e.root, 0x80000000, 0x400000, 2, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, SID, 0x80000000), ==, 0x200000);
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_VAA | sm_prep(SM3_CMD0_TLBI_VMID, VMID),
             0x80123000);
    g_assert_cmphex(pa_of(&e, SID, 0x80000000), ==, 0x400000);
    sm3b_free(e.b);
}

/* Range invalidation: (NUM + 1) * 2^SCALE pages, not rounded up. */
static void test_tlbi_range(void)
{
    Env e;
    unsigned i;
    uint64_t cmd = SM3_CMD_TLBI_NH_VA | sm_prep(SM3_CMD0_TLBI_VMID, VMID) |
                   sm_prep(SM3_CMD0_TLBI_ASID, ASID);

    env_s1(&e, NULL);
    for (i = 0; i < 10; i++) {
        sm3b_map(e.b, e.root, VA + i * 0x1000, PA + i * 0x1000, 3,
                 SM3B_S1_RW);
        pa_of(&e, SID, VA + i * 0x1000);
        remap(&e, e.root, VA + i * 0x1000, PA2 + i * 0x1000);
    }
    /* NUM = 4, SCALE = 0, TG = 4K: pages 1..5 (5 pages, not 8). */
    sm3b_cmd(e.b, cmd | sm_prep(SM3_CMD0_TLBI_NUM, 4),
             (VA + 0x1000) | sm_prep(SM3_CMD1_TLBI_TG, 1));
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    for (i = 1; i <= 5; i++) {
        g_assert_cmphex(pa_of(&e, SID, VA + i * 0x1000), ==,
                        PA2 + i * 0x1000);
    }
    g_assert_cmphex(pa_of(&e, SID, VA + 0x6000), ==, PA + 0x6000);
    g_assert_cmphex(last_inval(&e)->addr, ==, VA + 0x1000);
    g_assert_cmphex(last_inval(&e)->size, ==, 5 * 0x1000);
    /* NUM = 0, SCALE = 1: 2 pages (6, 7). */
    sm3b_cmd(e.b, cmd | sm_prep(SM3_CMD0_TLBI_SCALE, 1),
             (VA + 0x6000) | sm_prep(SM3_CMD1_TLBI_TG, 1));
    g_assert_cmphex(pa_of(&e, SID, VA + 0x6000), ==, PA2 + 0x6000);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x7000), ==, PA2 + 0x7000);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x8000), ==, PA + 0x8000);
    sm3b_free(e.b);
}

/* TTL names the leaf level: a block at level 2 is out of a TTL-3 scope. */
static void test_tlbi_range_ttl(void)
{
    Env e;
    uint64_t cmd = SM3_CMD_TLBI_NH_VAA | sm_prep(SM3_CMD0_TLBI_VMID, VMID);

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, 0x80000000, 0x200000, 2, SM3B_S1_RW);
    pa_of(&e, SID, 0x80000000);
    sm3b_map(e.b, e.root, 0x80000000, 0x400000, 2, SM3B_S1_RW);
    sm3b_cmd(e.b, cmd, 0x80000000 | sm_prep(SM3_CMD1_TLBI_TG, 1) |
             sm_prep(SM3_CMD1_TLBI_TTL, 3));
    g_assert_cmphex(pa_of(&e, SID, 0x80000000), ==, 0x200000);
    sm3b_cmd(e.b, cmd, 0x80000000 | sm_prep(SM3_CMD1_TLBI_TG, 1) |
             sm_prep(SM3_CMD1_TLBI_TTL, 2));
    g_assert_cmphex(pa_of(&e, SID, 0x80000000), ==, 0x400000);
    sm3b_free(e.b);
}

/* Without IDR3.RIL the range fields are ignored: one address only. */
static void test_tlbi_range_without_ril(void)
{
    Sm3Features f = sm3b_all_features();
    Env e;
    unsigned i;

    f.ril = false;
    env_s1(&e, &f);
    for (i = 0; i < 3; i++) {
        sm3b_map(e.b, e.root, VA + i * 0x1000, PA + i * 0x1000, 3,
                 SM3B_S1_RW);
        pa_of(&e, SID, VA + i * 0x1000);
        remap(&e, e.root, VA + i * 0x1000, PA2 + i * 0x1000);
    }
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_VAA | sm_prep(SM3_CMD0_TLBI_VMID, VMID) |
             sm_prep(SM3_CMD0_TLBI_NUM, 2),
             VA | sm_prep(SM3_CMD1_TLBI_TG, 1));
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x1000), ==, PA + 0x1000);
    sm3b_free(e.b);
}

static void test_tlbi_el2(void)
{
    Env e;
    uint32_t el2 = SID + 1;

    env_s1(&e, NULL);
    sm3b_ste_s1(e.b, el2, e.cdtab, 0,
                sm_prep(SM3_STE1_STRW, SM3_STE1_STRW_EL2));
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    remap(&e, e.root, VA, PA2);
    /* EL1 invalidations do not reach EL2 entries and vice versa. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NSNH_ALL, 0);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);
    remap(&e, e.root, VA, PA);
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_ALL, 0);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);
    /* EL2_VA / EL2_VAA / EL2_ASID. */
    remap(&e, e.root, VA, PA2);
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_ASID | sm_prep(SM3_CMD0_TLBI_ASID, 0),
             0);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);   /* EL2 entries: global */
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_VA, VA);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA2);
    remap(&e, e.root, VA, PA);
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_VAA, VA + 0x1000);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA2);
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_VAA, VA);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    sm3b_free(e.b);
}

/* CR2.E2H: EL2 entries carry the CD's ASID; EL2_ASID reaches them. */
static void test_tlbi_el2_e2h(void)
{
    Env e;
    uint32_t el2 = SID + 1;

    env_s1(&e, NULL);
    sm3b_wr(e.b, SM3_CR0, 0);
    sm3b_wr(e.b, SM3_CR2, SM3_CR2_E2H | SM3_CR2_RECINVSID);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CR2), ==,
                    SM3_CR2_E2H | SM3_CR2_RECINVSID);
    sm3b_enable(e.b, SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN | SM3_CR0_CMDQEN);
    sm3b_ste_s1(e.b, el2, e.cdtab, 0,
                sm_prep(SM3_STE1_STRW, SM3_STE1_STRW_EL2));
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);
    remap(&e, e.root, VA, PA2);
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_ASID | sm_prep(SM3_CMD0_TLBI_ASID,
                                                  ASID + 1), 0);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA);
    sm3b_cmd(e.b, SM3_CMD_TLBI_EL2_ASID | sm_prep(SM3_CMD0_TLBI_ASID, ASID),
             0);
    g_assert_cmphex(pa_of(&e, el2, VA), ==, PA2);
    sm3b_free(e.b);
}

/* Without IDR0.HYP, CR2.E2H is RES0. */
static void test_e2h_absent(void)
{
    Sm3Features f = sm3b_all_features();
    Sm3Bench *b;

    f.hyp = false;
    b = sm3b_new(&f);
    sm3b_wr(b, SM3_CR2, SM3_CR2_E2H | SM3_CR2_RECINVSID);
    g_assert_cmphex(sm3b_rd(b, SM3_CR2), ==, SM3_CR2_RECINVSID);
    sm3b_free(b);
}

static void test_tlbi_s2(void)
{
    Env e;
    uint64_t s2, s2n, cdtab, root;

    env_s1(&e, NULL);
    s2 = sm3b_pt_new(e.b);
    sm3b_ste_s2(e.b, 8, VMID, s2, 0);
    sm3b_map(e.b, s2, 0x10000000, PA, 3, SM3B_S2_RW);
    sm3b_map(e.b, s2, 0x10001000, PA + 0x1000, 3, SM3B_S2_RW);
    g_assert_cmphex(pa_of(&e, 8, 0x10000000), ==, PA);
    g_assert_cmphex(pa_of(&e, 8, 0x10001000), ==, PA + 0x1000);
    remap(&e, s2, 0x10000000, PA2);
    remap(&e, s2, 0x10001000, PA2 + 0x1000);
    /* S2_IPA of one IPA. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_S2_IPA | sm_prep(SM3_CMD0_TLBI_VMID, VMID),
             0x10000000);
    g_assert_cmphex(pa_of(&e, 8, 0x10000000), ==, PA2);
    g_assert_cmphex(pa_of(&e, 8, 0x10001000), ==, PA + 0x1000);
    g_assert_true(last_inval(&e)->stage2);
    /* NH_ALL does not touch stage-2-only entries; S12_VMALL does. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_ALL | sm_prep(SM3_CMD0_TLBI_VMID, VMID),
             0);
    g_assert_cmphex(pa_of(&e, 8, 0x10001000), ==, PA + 0x1000);
    sm3b_cmd(e.b, SM3_CMD_TLBI_S12_VMALL | sm_prep(SM3_CMD0_TLBI_VMID, VMID),
             0);
    g_assert_cmphex(pa_of(&e, 8, 0x10001000), ==, PA2 + 0x1000);

    /* Nested: combined entries are left to NH_ALL / S12_VMALL. */
    s2n = sm3b_pt_new(e.b);
    sm3b_map(e.b, s2n, 0, 0, 1, SM3B_S2_RW);
    cdtab = sm3b_alloc(e.b, 64, 64);
    root = sm3b_pt_new(e.b);
    sm3b_cd(e.b, cdtab, 0, 3, root, 0);
    sm3b_ste_nested(e.b, 9, cdtab, 0, VMID + 1, s2n);
    sm3b_map(e.b, root, VA, PA, 3, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, 9, VA), ==, PA);
    remap(&e, root, VA, PA2);
    sm3b_cmd(e.b, SM3_CMD_TLBI_S2_IPA | sm_prep(SM3_CMD0_TLBI_VMID,
                                                VMID + 1), PA);
    g_assert_cmphex(pa_of(&e, 9, VA), ==, PA);
    sm3b_cmd(e.b, SM3_CMD_TLBI_NH_ALL | sm_prep(SM3_CMD0_TLBI_VMID,
                                                VMID + 1), 0);
    g_assert_cmphex(pa_of(&e, 9, VA), ==, PA2);
    sm3b_free(e.b);
}

static void test_tlbi_nsnh_all(void)
{
    Env e;

    env_s1(&e, NULL);
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    pa_of(&e, SID, VA);
    remap(&e, e.root, VA, PA2);
    sm3b_cmd(e.b, SM3_CMD_TLBI_NSNH_ALL, 0);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA2);
    g_assert_cmpint(last_inval(&e)->scope, ==, SM_INVAL_ALL);
    sm3b_free(e.b);
}

/* The host hears every invalidation with its exact scope. */
static void test_inval_notices(void)
{
    static const struct {
        uint64_t dw0, dw1;
        SmInvalScope scope;
        bool has_asid, has_vmid, stage2;
        uint16_t asid, vmid;
        uint32_t sid;
        uint64_t addr, size;
    } t[] = {
        { SM3_CMD_CFGI_STE | (UINT64_C(0x21) << 32), 0,
          SM_INVAL_STREAM, false, false, false, 0, 0, 0x21, 0, 1 },
        { SM3_CMD_CFGI_STE_RANGE | (UINT64_C(0x21) << 32), 2,
          SM_INVAL_STREAM, false, false, false, 0, 0, 0x20, 0, 8 },
        { SM3_CMD_CFGI_CD | (UINT64_C(0x22) << 32), 0,
          SM_INVAL_STREAM, false, false, false, 0, 0, 0x22, 0, 1 },
        { SM3_CMD_CFGI_CD_ALL | (UINT64_C(0x23) << 32), 0,
          SM_INVAL_STREAM, false, false, false, 0, 0, 0x23, 0, 1 },
        { SM3_CMD_TLBI_NH_ALL | (UINT64_C(3) << 32), 0,
          SM_INVAL_VMID, false, true, false, 0, 3, 0, 0, 0 },
        { SM3_CMD_TLBI_NH_ASID | (UINT64_C(3) << 32) | (UINT64_C(9) << 48),
          0, SM_INVAL_ASID, true, true, false, 9, 3, 0, 0, 0 },
        { SM3_CMD_TLBI_NH_VA | (UINT64_C(3) << 32) | (UINT64_C(9) << 48),
          0x5000, SM_INVAL_RANGE, true, true, false, 9, 3, 0, 0x5000,
          0x1000 },
        { SM3_CMD_TLBI_NH_VAA | (UINT64_C(3) << 32) | (UINT64_C(2) << 12),
          0x5000 | (1 << 10), SM_INVAL_RANGE, false, true, false, 0, 3, 0,
          0x5000, 0x3000 },
        { SM3_CMD_TLBI_EL2_ALL, 0,
          SM_INVAL_ALL, false, false, false, 0, 0, 0, 0, 0 },
        { SM3_CMD_TLBI_EL2_ASID | (UINT64_C(4) << 48), 0,
          SM_INVAL_ASID, true, false, false, 4, 0, 0, 0, 0 },
        { SM3_CMD_TLBI_EL2_VA | (UINT64_C(4) << 48), 0x7000,
          SM_INVAL_RANGE, true, false, false, 4, 0, 0, 0x7000, 0x1000 },
        { SM3_CMD_TLBI_EL2_VAA, 0x7000,
          SM_INVAL_RANGE, false, false, false, 0, 0, 0, 0x7000, 0x1000 },
        { SM3_CMD_TLBI_S12_VMALL | (UINT64_C(5) << 32), 0,
          SM_INVAL_VMID, false, true, false, 0, 5, 0, 0, 0 },
        /* 64K granule, SCALE 1, NUM 0: two 64K pages. */
        { SM3_CMD_TLBI_S2_IPA | (UINT64_C(5) << 32) | (UINT64_C(1) << 20),
          0x123456000 | (3 << 10), SM_INVAL_RANGE, false, true, true, 0, 5,
          0, 0x123450000, 0x20000 },
        { SM3_CMD_TLBI_NSNH_ALL, 0,
          SM_INVAL_ALL, false, false, false, 0, 0, 0, 0, 0 },
    };
    Env e;
    unsigned i;

    env_s1(&e, NULL);
    for (i = 0; i < G_N_ELEMENTS(t); i++) {
        const SmInval *inv;
        unsigned before = e.b->invals->len;

        sm3b_cmd(e.b, t[i].dw0, t[i].dw1);
        g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
        g_assert_cmpuint(e.b->invals->len, ==, before + 1);
        inv = last_inval(&e);
        g_test_message("case %u: %s", i, sm3_cmd_name(t[i].dw0 & 0xff));
        g_assert_cmpint(inv->scope, ==, t[i].scope);
        g_assert_cmpint(inv->has_asid, ==, t[i].has_asid);
        g_assert_cmpint(inv->has_vmid, ==, t[i].has_vmid);
        g_assert_cmpint(inv->stage2, ==, t[i].stage2);
        g_assert_cmpuint(inv->asid, ==, t[i].asid);
        g_assert_cmpuint(inv->vmid, ==, t[i].vmid);
        g_assert_cmpuint(inv->sid, ==, t[i].sid);
        g_assert_cmphex(inv->addr, ==, t[i].addr);
        g_assert_cmphex(inv->size, ==, t[i].size);
    }
    /* Syncs, prefetches, ATC/PRI commands invalidate nothing here. */
    g_array_set_size(e.b->invals, 0);
    sm3b_sync(e.b);
    sm3b_cmd(e.b, SM3_CMD_PREFETCH_CONFIG, 0);
    sm3b_cmd(e.b, SM3_CMD_ATC_INV, 0);
    g_assert_cmpuint(e.b->invals->len, ==, 0);
    sm3b_free(e.b);
}

/* S2_IPA range: (NUM + 1) pages of stage-2 entries, exactly. */
static void test_tlbi_s2_ipa_range(void)
{
    Env e;
    uint64_t s2;
    unsigned i;

    env_s1(&e, NULL);
    s2 = sm3b_pt_new(e.b);
    sm3b_ste_s2(e.b, 8, VMID, s2, 0);
    for (i = 0; i < 5; i++) {
        sm3b_map(e.b, s2, 0x10000000 + i * 0x1000, PA + i * 0x1000, 3,
                 SM3B_S2_RW);
        pa_of(&e, 8, 0x10000000 + i * 0x1000);
        remap(&e, s2, 0x10000000 + i * 0x1000, PA2 + i * 0x1000);
    }
    /* NUM = 2 from page 1: pages 1, 2, 3. */
    sm3b_cmd(e.b, SM3_CMD_TLBI_S2_IPA | sm_prep(SM3_CMD0_TLBI_VMID, VMID) |
             sm_prep(SM3_CMD0_TLBI_NUM, 2),
             0x10001000 | sm_prep(SM3_CMD1_TLBI_TG, 1) |
             sm_prep(SM3_CMD1_TLBI_TTL, 3));
    g_assert_cmphex(pa_of(&e, 8, 0x10000000), ==, PA);
    for (i = 1; i <= 3; i++) {
        g_assert_cmphex(pa_of(&e, 8, 0x10000000 + i * 0x1000), ==,
                        PA2 + i * 0x1000);
    }
    g_assert_cmphex(pa_of(&e, 8, 0x10004000), ==, PA + 0x4000);
    sm3b_free(e.b);
}

/* ---- ATS and PRI --------------------------------------------------------- */

static void test_atc_inv(void)
{
    Env e;
    Sm3bAtc *a;

    env_s1(&e, NULL);
    sm3b_cmd(e.b, SM3_CMD_ATC_INV | sm_prep(SM3_CMD0_SID, 0x33) |
             SM3_CMD0_SSV | sm_prep(SM3_CMD0_SSID, 2),
             0x12345000 | sm_prep(SM3_CMD1_ATC_SIZE, 4));
    g_assert_cmpuint(e.b->atcs->len, ==, 1);
    a = &g_array_index(e.b->atcs, Sm3bAtc, 0);
    g_assert_cmpuint(a->sid, ==, 0x33);
    g_assert_true(a->ssv);
    g_assert_cmpuint(a->ssid, ==, 2);
    g_assert_cmphex(a->size, ==, 0x10000);
    g_assert_cmphex(a->addr, ==, 0x12340000);
    sm3b_sync(e.b);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, 0);
    /* A failed ATC invalidation fails the next CMD_SYNC. */
    e.b->atc_fail = true;
    sm3b_cmd(e.b, SM3_CMD_ATC_INV | sm_prep(SM3_CMD0_SID, 0x33), 0);
    sm3b_sync(e.b);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ATC_INV_SYNC);
    /* Acknowledged: the same CMD_SYNC now completes. */
    e.b->atc_fail = false;
    sm3b_wr(e.b, SM3_GERRORN, sm3b_rd(e.b, SM3_GERROR));
    g_assert_true(sm3_q_empty(e.b->s, &sm3_cmdq));
    sm3b_free(e.b);
}

static void test_pri_resp(void)
{
    Env e;
    Sm3bPri *p;

    env_s1(&e, NULL);
    sm3b_cmd(e.b, SM3_CMD_PRI_RESP | sm_prep(SM3_CMD0_SID, 0x44) |
             SM3_CMD0_SSV | sm_prep(SM3_CMD0_SSID, 6),
             sm_prep(SM3_CMD1_PRI_GRPID, 0x155) |
             sm_prep(SM3_CMD1_PRI_RESP, 2));
    g_assert_cmpuint(e.b->pris->len, ==, 1);
    p = &g_array_index(e.b->pris, Sm3bPri, 0);
    g_assert_cmpuint(p->sid, ==, 0x44);
    g_assert_true(p->ssv);
    g_assert_cmpuint(p->ssid, ==, 6);
    g_assert_cmpuint(p->grpid, ==, 0x155);
    g_assert_cmpuint(p->resp, ==, 2);
    sm3b_free(e.b);
}

/* ---- every command once: consumed, counted by opcode, its effect -------- */

/* What a command shows the host (the bench's records). */
typedef struct OpCase {
    const char *name;        /* the spec's name; also sm3_cmd_name() */
    uint8_t op;              /* the architected opcode (4.x) */
    uint64_t dw0;            /* besides the opcode */
    uint64_t dw1;
    int inval_scope;         /* -1: no invalidation notice */
    unsigned atcs, pris, sync_irqs, msis, sevs;
} OpCase;

#define NO_INV  -1
/* Field positions from the spec's CMD_* layouts, as numbers. */
#define CMD_SID ((uint64_t)SID << 32)
#define TLBI_VA_DW1 (VA | (1u << 10))              /* TG = 4K */
#define C_VMID  ((uint64_t)VMID << 32)
#define C_ASID  ((uint64_t)ASID << 48)
#define C_CS(cs) ((uint64_t)(cs) << 12)

static const OpCase op_cases[] = {
    { "PREFETCH_CONFIG", 0x01, CMD_SID, 0, NO_INV },
    { "PREFETCH_ADDR", 0x02, CMD_SID, VA, NO_INV },
    { "CFGI_STE", 0x03, CMD_SID, 0, SM_INVAL_STREAM },
    { "CFGI_STE_RANGE", 0x04, CMD_SID, 3, SM_INVAL_STREAM },
    /* CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range = 31. */
    { "CFGI_ALL", 0x04, 0, 31, SM_INVAL_STREAM },
    { "CFGI_CD", 0x05, CMD_SID | (1u << 11), 0, SM_INVAL_STREAM },
    { "CFGI_CD_ALL", 0x06, CMD_SID, 0, SM_INVAL_STREAM },
    { "TLBI_NH_ALL", 0x10, C_VMID, 0,
      SM_INVAL_VMID },
    { "TLBI_NH_ASID", 0x11, C_ASID, 0,
      SM_INVAL_ASID },
    { "TLBI_NH_VA", 0x12, C_ASID, TLBI_VA_DW1,
      SM_INVAL_RANGE },
    { "TLBI_NH_VAA", 0x13, 0, TLBI_VA_DW1, SM_INVAL_RANGE },
    { "TLBI_EL2_ALL", 0x20, 0, 0, SM_INVAL_ALL },
    { "TLBI_EL2_ASID", 0x21, C_ASID, 0,
      SM_INVAL_ASID },
    { "TLBI_EL2_VA", 0x22, C_ASID, TLBI_VA_DW1,
      SM_INVAL_RANGE },
    { "TLBI_EL2_VAA", 0x23, 0, TLBI_VA_DW1, SM_INVAL_RANGE },
    { "TLBI_S12_VMALL", 0x28, C_VMID, 0,
      SM_INVAL_VMID },
    { "TLBI_S2_IPA", 0x2a, C_VMID, TLBI_VA_DW1,
      SM_INVAL_RANGE },
    { "TLBI_NSNH_ALL", 0x30, 0, 0, SM_INVAL_ALL },
    { "ATC_INV", 0x40, CMD_SID, VA, NO_INV, .atcs = 1 },
    { "PRI_RESP", 0x41, CMD_SID, (1u << 12) | 5, NO_INV,
      .pris = 1 },
    { "RESUME", 0x44, CMD_SID, 7, NO_INV },
    { "STALL_TERM", 0x45, CMD_SID, 0, NO_INV },
    { "CMD_SYNC.NONE", 0x46, 0, 0, NO_INV },
    { "CMD_SYNC.IRQ", 0x46, C_CS(1), 0, NO_INV,
      .sync_irqs = 1 },
    { "CMD_SYNC.MSI", 0x46, C_CS(1) |
      ((uint64_t)0x5eed << 32), 0x8000, NO_INV, .msis = 1 },
    { "CMD_SYNC.SEV", 0x46, C_CS(2), 0, NO_INV,
      .sevs = 1 },
};

static void test_op(gconstpointer data)
{
    const OpCase *t = data;
    Env e;
    Sm3Stats st;
    unsigned i;
    uint64_t other = 0;
    g_autofree char *base = g_strdup(t->name);

    env_s1(&e, NULL);
    /* Warm the caches so that invalidations have something to drop. */
    sm3b_map(e.b, e.root, VA, PA, 3, SM3B_S1_RW);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    sm3b_clear_records(e.b);
    sm3b_cmd(e.b, t->op | t->dw0, t->dw1);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_NONE);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS), ==,
                    sm3b_rd(e.b, SM3_CMDQ_PROD));
    g_assert_false(sm3b_rd(e.b, SM3_GERROR) & SM3_GERROR_CMDQ_ERR);
    st = sm3_stats(e.b->s);
    g_assert_cmpuint(st.commands, ==, 1);
    g_assert_cmpuint(st.cmds_by_op[t->op], ==, 1);
    for (i = 0; i < SM3_STATS_OPS; i++) {
        other += i == t->op ? 0 : st.cmds_by_op[i];
    }
    g_assert_cmpuint(other, ==, 0);
    /* The name without the ".variant" suffix is the model's name. */
    if (strchr(base, '.')) {
        *strchr(base, '.') = 0;
    }
    if (strcmp(base, "CFGI_ALL") != 0) {
        g_assert_cmpstr(sm3_cmd_name(t->op), ==, base);
    }
    if (t->inval_scope == NO_INV) {
        g_assert_cmpuint(e.b->invals->len, ==, 0);
    } else {
        g_assert_cmpuint(e.b->invals->len, ==, 1);
        g_assert_cmpint(last_inval(&e)->scope, ==, t->inval_scope);
    }
    g_assert_cmpuint(e.b->atcs->len, ==, t->atcs);
    g_assert_cmpuint(e.b->pris->len, ==, t->pris);
    g_assert_cmpuint(e.b->irq_pulses[SM3_IRQ_CMD_SYNC], ==, t->sync_irqs);
    g_assert_cmpuint(e.b->msis->len, ==, t->msis);
    if (t->msis) {
        g_assert_cmphex(sm3b_r32(e.b, 0x8000), ==, 0x5eed);
    }
    g_assert_cmpuint(e.b->sevs, ==, t->sevs);
    sm3b_free(e.b);
}

/* ---- command errors: counted by kind, acknowledged, restarted ---------- */

static void ack_cmdq_err(Env *e)
{
    uint32_t gerror = sm3b_rd(e->b, SM3_GERROR);

    g_assert_true((gerror ^ sm3b_rd(e->b, SM3_GERRORN)) &
                  SM3_GERROR_CMDQ_ERR);
    sm3b_wr(e->b, SM3_GERRORN, gerror);
}

static void test_cerror_stats(void)
{
    Env e;
    Sm3Stats st;
    uint32_t cons;

    env_s1(&e, NULL);
    /* CERROR_ILL: an unallocated opcode. */
    sm3b_cmd(e.b, 0x7f, 0);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ILL);
    cons = sm3b_rd(e.b, SM3_CMDQ_CONS) & 0xfffff;
    /* Software replaces the bad command with a good one and acks. */
    sm3b_w64(e.b, e.b->cmdq_base + 16 * (cons & 31), SM3_CMD_SYNC);
    ack_cmdq_err(&e);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & 0xfffff, ==,
                    sm3b_rd(e.b, SM3_CMDQ_PROD));
    /* CERROR_ATC_INV_SYNC: the device did not complete an ATC_INV. */
    e.b->atc_fail = true;
    sm3b_cmd(e.b, SM3_CMD_ATC_INV | sm_prep(SM3_CMD0_SID, SID), 0);
    sm3b_sync(e.b);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ATC_INV_SYNC);
    e.b->atc_fail = false;
    ack_cmdq_err(&e);
    /* CERROR_ABT: the command queue itself cannot be read. */
    e.b->tm->err_lo = e.b->cmdq_base;
    e.b->tm->err_hi = e.b->cmdq_base + (16u << e.b->cmdq_log2);
    sm3b_sync(e.b);
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_ABT);
    e.b->tm->err_hi = e.b->tm->err_lo = 0;
    ack_cmdq_err(&e);
    g_assert_cmphex(sm3b_rd(e.b, SM3_CMDQ_CONS) & 0xfffff, ==,
                    sm3b_rd(e.b, SM3_CMDQ_PROD));
    st = sm3_stats(e.b->s);
    g_assert_cmpuint(st.cerror_ill, ==, 1);
    g_assert_cmpuint(st.cerror_atc_inv_sync, ==, 1);
    g_assert_cmpuint(st.cerror_abt, ==, 1);
    /* SYNC (replaced ILL), ATC_INV, SYNC retried, SYNC after the abort */
    g_assert_cmpuint(st.cmds_by_op[SM3_CMD_SYNC], ==, 3);
    g_assert_cmpuint(st.cmds_by_op[SM3_CMD_ATC_INV], ==, 1);
    g_assert_cmpuint(st.commands, ==, 4);
    sm3b_free(e.b);
}

/*
 * Sm3Hooks.command_done reports each executed command with its words as
 * the queue held them, in order, and never a command that failed.  The
 * timing-log line of a command is "cycle cmd DW0 DW1 NAME".
 */
static void test_command_done(void)
{
    Env e;
    const Sm3bCmd *c;
    uint32_t cons;
    g_autoptr(GString) line = g_string_new(NULL);

    env_s1(&e, NULL);
    sm3b_clear_records(e.b);
    /* TLBI_NH_ASID (0x11), ASID 5 in bits [63:48] */
    sm3b_cmd(e.b, UINT64_C(0x0005000000000011), 0);
    sm3b_cmd(e.b, 0x7f, 0);                 /* unallocated: CERROR_ILL */
    g_assert_cmpuint(e.b->cmds_done->len, ==, 1);
    c = &g_array_index(e.b->cmds_done, Sm3bCmd, 0);
    g_assert_cmphex(c->dw[0], ==, UINT64_C(0x0005000000000011));
    g_assert_cmphex(c->dw[1], ==, 0);
    g_assert_cmpuint(c->cycle, ==, 0);      /* no timing */
    /* Replaced by CMD_SYNC (0x46) and acknowledged: that one is reported */
    cons = sm3b_rd(e.b, SM3_CMDQ_CONS) & 0xfffff;
    sm3b_w64(e.b, e.b->cmdq_base + 16 * (cons & 31), 0x46);
    ack_cmdq_err(&e);
    g_assert_cmpuint(e.b->cmds_done->len, ==, 2);
    c = &g_array_index(e.b->cmds_done, Sm3bCmd, 1);
    g_assert_cmphex(c->dw[0], ==, 0x46);
    sm3_timing_log_command(line, 1234,
                           g_array_index(e.b->cmds_done, Sm3bCmd, 0).dw);
    g_assert_cmpstr(line->str, ==, "1234 cmd 0x0005000000000011 "
                    "0x0000000000000000 TLBI_NH_ASID");
    sm3b_free(e.b);
}

/* Leaf = 1 and a range reaching the top of the address space. */
static void test_tlbi_range_leaf_top(void)
{
    Env e;
    unsigned i;
    uint64_t cmd = SM3_CMD_TLBI_NH_VAA | sm_prep(SM3_CMD0_TLBI_VMID, VMID);

    env_s1(&e, NULL);
    for (i = 0; i < 3; i++) {
        sm3b_map(e.b, e.root, VA + i * 0x1000, PA + i * 0x1000, 3,
                 SM3B_S1_RW);
        pa_of(&e, SID, VA + i * 0x1000);
        remap(&e, e.root, VA + i * 0x1000, PA2 + i * 0x1000);
    }
    /* Leaf = 1, NUM = 0, SCALE = 0: page 1 only (leaf entries only). */
    sm3b_cmd(e.b, cmd, (VA + 0x1000) | SM3_CMD1_TLBI_LEAF |
             sm_prep(SM3_CMD1_TLBI_TG, 1));
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x1000), ==, PA2 + 0x1000);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x2000), ==, PA + 0x2000);
    /* NUM = 31, SCALE = 31 from VA: clipped at the top, covers page 2. */
    sm3b_cmd(e.b, cmd | sm_prep(SM3_CMD0_TLBI_NUM, 31) |
             sm_prep(SM3_CMD0_TLBI_SCALE, 31),
             (VA + 0x2000) | sm_prep(SM3_CMD1_TLBI_TG, 1));
    g_assert_cmpuint(sm3b_cmdq_err(e.b), ==, SM3_CERROR_NONE);
    g_assert_cmphex(pa_of(&e, SID, VA), ==, PA);
    g_assert_cmphex(pa_of(&e, SID, VA + 0x2000), ==, PA2 + 0x2000);
    g_assert_cmphex(last_inval(&e)->addr, ==, VA + 0x2000);
    g_assert_cmphex(last_inval(&e)->addr + last_inval(&e)->size, >=,
                    VA + 0x2000);
    sm3b_free(e.b);
}

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/cmd/opcode-table", test_opcode_table);
    g_test_add_func("/sm3/cmd/prefetch", test_prefetch);
    g_test_add_func("/sm3/cmd/cerror-ill", test_cerror_ill);
    g_test_add_func("/sm3/cmd/error-restart", test_error_restart);
    g_test_add_func("/sm3/cmd/cerror-abt", test_cerror_abt);
    g_test_add_func("/sm3/cmd/sync-signals", test_sync_signals);
    g_test_add_func("/sm3/cmd/sync-no-msi-no-sev", test_sync_no_msi_no_sev);
    g_test_add_func("/sm3/cmd/cfgi-ste", test_cfgi_ste);
    g_test_add_func("/sm3/cmd/cfgi-ste-range", test_cfgi_ste_range);
    g_test_add_func("/sm3/cmd/cfgi-cd", test_cfgi_cd);
    g_test_add_func("/sm3/cmd/tlbi-nh-all", test_tlbi_nh_all);
    g_test_add_func("/sm3/cmd/tlbi-nh-asid", test_tlbi_nh_asid);
    g_test_add_func("/sm3/cmd/tlbi-nh-va-vaa", test_tlbi_nh_va_vaa);
    g_test_add_func("/sm3/cmd/tlbi-va-block", test_tlbi_va_block);
    g_test_add_func("/sm3/cmd/tlbi-range", test_tlbi_range);
    g_test_add_func("/sm3/cmd/tlbi-range-ttl", test_tlbi_range_ttl);
    g_test_add_func("/sm3/cmd/tlbi-range-without-ril",
                    test_tlbi_range_without_ril);
    g_test_add_func("/sm3/cmd/tlbi-el2", test_tlbi_el2);
    g_test_add_func("/sm3/cmd/tlbi-el2-e2h", test_tlbi_el2_e2h);
    g_test_add_func("/sm3/cmd/e2h-absent", test_e2h_absent);
    g_test_add_func("/sm3/cmd/tlbi-s2", test_tlbi_s2);
    g_test_add_func("/sm3/cmd/tlbi-nsnh-all", test_tlbi_nsnh_all);
    g_test_add_func("/sm3/cmd/inval-notices", test_inval_notices);
    g_test_add_func("/sm3/cmd/tlbi-s2-ipa-range", test_tlbi_s2_ipa_range);
    g_test_add_func("/sm3/cmd/atc-inv", test_atc_inv);
    g_test_add_func("/sm3/cmd/pri-resp", test_pri_resp);
    g_test_add_func("/sm3/cmd/cerror-stats", test_cerror_stats);
    g_test_add_func("/sm3/cmd/tlbi-range-leaf-top", test_tlbi_range_leaf_top);
    g_test_add_func("/sm3/cmd/command-done", test_command_done);
    for (i = 0; i < G_N_ELEMENTS(op_cases); i++) {
        g_autofree char *path = g_strdup_printf("/sm3/cmd/op/%s",
                                                op_cases[i].name);

        g_test_add_data_func(path, &op_cases[i], test_op);
    }
    return g_test_run();
}
