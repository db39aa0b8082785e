/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-regs.c: the register table, reset values, ID
 * registers per feature set, access rules, lifecycle and migration.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

/* Rows sorted, not overlapping, sizes 4/8, masks inside the register. */
static void test_table_shape(void)
{
    unsigned n, i;
    const Sm3RegDesc *t = sm3_reg_table(&n);

    g_assert_cmpuint(n, >, 40);
    for (i = 0; i < n; i++) {
        g_assert_true(t[i].size == 4 || t[i].size == 8);
        g_assert_cmpuint(t[i].offset % t[i].size, ==, 0);
        g_assert_nonnull(t[i].name);
        if (t[i].size == 4) {
            g_assert_cmphex(t[i].writable >> 32, ==, 0);
            g_assert_cmphex(t[i].reset >> 32, ==, 0);
        }
        if (i) {
            g_assert_cmpuint(t[i - 1].offset + t[i - 1].size, <=,
                             t[i].offset);
        }
        g_assert_true(sm3_reg_find(t[i].offset) == &t[i]);
    }
    g_assert_null(sm3_reg_find(0x30));
}

/*
 * Register offsets of IHI 0070 "Register overview" (and Linux's
 * ARM_SMMU_*), as literal numbers: each reaches the register of that
 * name.
 */
static void test_offsets_golden(void)
{
    static const struct {
        uint32_t off;
        const char *name;
    } rows[] = {
        { 0x000, "IDR0" }, { 0x004, "IDR1" }, { 0x008, "IDR2" },
        { 0x00c, "IDR3" }, { 0x010, "IDR4" }, { 0x014, "IDR5" },
        { 0x018, "IIDR" }, { 0x01c, "AIDR" }, { 0x020, "CR0" },
        { 0x024, "CR0ACK" }, { 0x028, "CR1" }, { 0x02c, "CR2" },
        { 0x040, "STATUSR" }, { 0x044, "GBPA" }, { 0x048, "AGBPA" },
        { 0x050, "IRQ_CTRL" }, { 0x054, "IRQ_CTRLACK" },
        { 0x060, "GERROR" }, { 0x064, "GERRORN" },
        { 0x068, "GERROR_IRQ_CFG0" }, { 0x070, "GERROR_IRQ_CFG1" },
        { 0x074, "GERROR_IRQ_CFG2" }, { 0x080, "STRTAB_BASE" },
        { 0x088, "STRTAB_BASE_CFG" }, { 0x090, "CMDQ_BASE" },
        { 0x098, "CMDQ_PROD" }, { 0x09c, "CMDQ_CONS" },
        { 0x0a0, "EVENTQ_BASE" }, { 0x0a8, "EVENTQ_PROD" },
        { 0x0ac, "EVENTQ_CONS" }, { 0x0b0, "EVENTQ_IRQ_CFG0" },
        { 0x0b8, "EVENTQ_IRQ_CFG1" }, { 0x0bc, "EVENTQ_IRQ_CFG2" },
        { 0x0c0, "PRIQ_BASE" }, { 0x0c8, "PRIQ_PROD" },
        { 0x0cc, "PRIQ_CONS" }, { 0x0d0, "PRIQ_IRQ_CFG0" },
        { 0x0d8, "PRIQ_IRQ_CFG1" }, { 0x0dc, "PRIQ_IRQ_CFG2" },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        const Sm3RegDesc *d = sm3_reg_find(rows[i].off);

        g_assert_nonnull(d);
        g_assert_cmpstr(d->name, ==, rows[i].name);
    }
}

static void test_reset_values(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    g_assert_cmphex(sm3b_rd(b, SM3_CR0), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_GBPA), ==, 0x1000);
    g_assert_cmphex(sm3b_rd(b, SM3_AIDR), ==, 0x01);      /* SMMUv3.1 */
    g_assert_cmphex(sm3b_rd(b, SM3_IIDR), ==, SM3_DEFAULT_IIDR);
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CIDR0), ==, 0x0d);
    g_assert_cmphex(sm3b_rd(b, SM3_CIDR1), ==, 0xf0);
    g_assert_cmphex(sm3b_rd(b, SM3_CIDR2), ==, 0x05);
    g_assert_cmphex(sm3b_rd(b, SM3_CIDR3), ==, 0xb1);
    g_assert_cmphex(sm3b_rd(b, SM3_PIDR2) & 8, ==, 8);   /* JEDEC */
    g_assert_cmphex(sm3b_rd(b, SM3_STATUSR), ==, 0);
    /* Reset brings everything back after changes. */
    sm3b_setup(b, 4, 4, 4);
    sm3_reset(b->s);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_BASE), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_STRTAB_BASE_CFG), ==, 0);
    sm3b_free(b);
}

static void test_idr_all_features(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint32_t idr0 = sm3b_rd(b, SM3_IDR0);
    uint32_t idr1 = sm3b_rd(b, SM3_IDR1);
    uint32_t idr5 = sm3b_rd(b, SM3_IDR5);

    g_assert_true(idr0 & SM3_IDR0_S1P);
    g_assert_true(idr0 & SM3_IDR0_S2P);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_TTF), ==, 2);
    g_assert_true(idr0 & SM3_IDR0_HYP);
    g_assert_true(idr0 & SM3_IDR0_ATS);
    g_assert_true(idr0 & SM3_IDR0_PRI);
    g_assert_true(idr0 & SM3_IDR0_MSI);
    g_assert_true(idr0 & SM3_IDR0_SEV);
    g_assert_true(idr0 & SM3_IDR0_ASID16);
    g_assert_true(idr0 & SM3_IDR0_VMID16);
    g_assert_true(idr0 & SM3_IDR0_CD2L);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_HTTU), ==, 2);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_ST_LEVEL), ==, 1);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_STALL_MODEL), ==, 0);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_TTENDIAN), ==, 0);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SIDSIZE), ==, 16);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SSIDSIZE), ==, 8);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_CMDQS), ==, 8);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_EVENTQS), ==, 8);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_PRIQS), ==, 8);
    g_assert_true(sm3b_rd(b, SM3_IDR3) & SM3_IDR3_RIL);
    g_assert_cmpuint(sm_get(idr5, SM3_IDR5_OAS), ==, 5);
    g_assert_true(idr5 & SM3_IDR5_GRAN4K);
    g_assert_true(idr5 & SM3_IDR5_GRAN16K);
    g_assert_true(idr5 & SM3_IDR5_GRAN64K);
    g_assert_cmpuint(sm_get(idr5, SM3_IDR5_STALL_MAX), ==, SM3_MAX_STALLS);
    sm3b_free(b);
}

/*
 * ID registers as literal numbers, each bit derived by hand from the
 * field layout of IHI 0070 (SMMU_IDR0/1/3/5, AIDR), so that a wrong
 * field macro cannot pass.
 */
static void features_s2_only(Sm3Features *f)
{
    f->stage1 = f->hyp = false;
    f->stall_model = SM3_STALL_FORCE;
    f->ats = f->pri = false;
    f->oas_bits = 52;
    f->granules = SM3_GRAN_64K;
}

static void features_minimal(Sm3Features *f)
{
    *f = (Sm3Features){
        .stage1 = true, .granules = SM3_GRAN_4K, .oas_bits = 40,
        .sidsize = 6, .cmdqs = 5, .eventqs = 5, .priqs = 7,
        .stall_model = SM3_STALL_NONE,
    };
}

static void test_idr_golden(void)
{
    static const struct {
        const char *name;
        void (*edit)(Sm3Features *f);
        uint32_t idr0, idr1, idr3, idr5, aidr;
    } rows[] = {
        /*
         * IDR0: S2P|S1P 0x3, TTF=AArch64 0x8, COHACC 0x10, HTTU=2 0x80,
         * HYP 0x200, ATS 0x400, ASID16 0x1000, MSI 0x2000, SEV 0x4000,
         * PRI 0x10000, VMID16 0x40000, CD2L 0x80000, TTENDIAN=mixed 0,
         * STALL_MODEL=0, TERM_MODEL 0x4000000, ST_LEVEL=1 0x8000000.
         * IDR1: SIDSIZE 16, SSIDSIZE 8<<6, PRIQS 8<<11, EVENTQS 8<<16,
         * CMDQS 8<<21.  IDR3: HAD 0x4, XNX 0x10, RIL 0x400.
         * IDR5: OAS=48 (5), GRAN4K|16K|64K 0x70, STALL_MAX 16<<16.
         */
        { "all", NULL, 0x0c0d769b, 0x01084210, 0x414, 0x00100075, 0x01 },
        /*
         * Stage 2 only: no S1P, no HYP, STALL_MODEL=2 (0x2000000), so no
         * ATS and PRI (and no PRIQS in IDR1); IDR3 without HAD; OAS=52
         * (6) with GRAN64K only.
         */
        { "s2-only", features_s2_only, 0x0e0c7099, 0x01080210, 0x410,
          0x00100046, 0x01 },
        /*
         * S1P, TTF, COHACC, TTENDIAN=LE (2<<21), STALL_MODEL=1 (1<<24),
         * TERM_MODEL; SIDSIZE 6, EVENTQS 5<<16, CMDQS 5<<21, no PRIQS
         * without PRI; IDR3.HAD; OAS=40 (2), GRAN4K, no STALL_MAX.
         */
        { "minimal", features_minimal, 0x0540001a, 0x00a50006, 0x4,
          0x00000012, 0x01 },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        Sm3Features f = sm3b_all_features();
        Sm3Bench *b;

        if (rows[i].edit) {
            rows[i].edit(&f);
        }
        b = sm3b_new(&f);
        g_test_message("%s", rows[i].name);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR0), ==, rows[i].idr0);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR1), ==, rows[i].idr1);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR2), ==, 0);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR3), ==, rows[i].idr3);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR4), ==, 0);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR5), ==, rows[i].idr5);
        g_assert_cmphex(sm3b_rd(b, SM3_AIDR), ==, rows[i].aidr);
        sm3b_free(b);
    }
}

/* Everything optional off: nothing of it is advertised. */
static void test_idr_minimal(void)
{
    Sm3Features f = {
        .stage1 = true, .granules = SM3_GRAN_4K, .oas_bits = 40,
        .sidsize = 6, .cmdqs = 5, .eventqs = 5, .priqs = 7,
        .stall_model = SM3_STALL_NONE,
    };
    Sm3Bench *b = sm3b_new(&f);
    uint32_t idr0 = sm3b_rd(b, SM3_IDR0);
    uint32_t idr1 = sm3b_rd(b, SM3_IDR1);
    uint32_t idr5 = sm3b_rd(b, SM3_IDR5);

    g_assert_cmphex(idr0 & (SM3_IDR0_S2P | SM3_IDR0_HYP | SM3_IDR0_ATS |
                            SM3_IDR0_PRI | SM3_IDR0_MSI | SM3_IDR0_SEV |
                            SM3_IDR0_ASID16 | SM3_IDR0_VMID16 |
                            SM3_IDR0_CD2L | SM3_IDR0_HTTU |
                            SM3_IDR0_ST_LEVEL), ==, 0);
    g_assert_true(idr0 & SM3_IDR0_S1P);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_STALL_MODEL), ==, 1);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_TTENDIAN), ==, 2);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_PRIQS), ==, 0);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SSIDSIZE), ==, 0);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SIDSIZE), ==, 6);
    g_assert_cmphex(sm3b_rd(b, SM3_IDR3), ==, SM3_IDR3_HAD);
    g_assert_cmpuint(sm_get(idr5, SM3_IDR5_OAS), ==, 2);
    g_assert_cmphex(idr5 & (SM3_IDR5_GRAN16K | SM3_IDR5_GRAN64K), ==, 0);
    g_assert_cmpuint(sm_get(idr5, SM3_IDR5_STALL_MAX), ==, 0);

    /* PRIQ registers and MSI configuration do not exist: RAZ/WI. */
    sm3b_wr64(b, SM3_PRIQ_BASE, 0x12340);
    g_assert_cmphex(sm3b_rd(b, SM3_PRIQ_BASE), ==, 0);
    sm3b_wr(b, SM3_EVENTQ_IRQ_CFG1, 0x55);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_IRQ_CFG1), ==, 0);
    /* Enables of absent features do not stick. */
    sm3b_wr(b, SM3_CR0, SM3_CR0_PRIQEN | SM3_CR0_ATSCHK);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    sm3b_wr(b, SM3_IRQ_CTRL, 7);
    g_assert_cmphex(sm3b_rd(b, SM3_IRQ_CTRLACK), ==,
                    SM3_IRQ_CTRL_GERROR_IRQEN | SM3_IRQ_CTRL_EVENTQ_IRQEN);
    sm3b_free(b);
}

static void test_idr_stage2_only(void)
{
    Sm3Features f = sm3b_all_features();

    f.stage1 = f.hyp = false;
    f.stall_model = SM3_STALL_FORCE;
    f.ats = f.pri = false;
    f.oas_bits = 52;
    f.granules = SM3_GRAN_64K;
    {
        Sm3Bench *b = sm3b_new(&f);
        uint32_t idr0 = sm3b_rd(b, SM3_IDR0);

        g_assert_false(idr0 & SM3_IDR0_S1P);
        g_assert_true(idr0 & SM3_IDR0_S2P);
        g_assert_cmpuint(sm_get(idr0, SM3_IDR0_STALL_MODEL), ==, 2);
        g_assert_cmpuint(sm_get(sm3b_rd(b, SM3_IDR5), SM3_IDR5_OAS), ==, 6);
        g_assert_cmphex(sm3b_rd(b, SM3_IDR5) & 0x70, ==, SM3_IDR5_GRAN64K);
        sm3b_free(b);
    }
}

static void test_reserved_offsets(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    unsigned before;

    before = b->guest_errors;
    g_assert_cmphex(sm3b_rd(b, 0x30), ==, 0);
    g_assert_cmpuint(b->guest_errors, ==, before + 1);
    sm3b_wr(b, 0x30, 0xffffffff);
    g_assert_cmphex(sm3b_rd(b, 0x30), ==, 0);
    g_assert_cmpuint(b->guest_errors, ==, before + 3);
    /* Beyond the frame, page 1 non-alias, misaligned, bad size. */
    g_assert_cmphex(sm3_mmio_read(b->s, 0x20000, 4), ==, 0);
    g_assert_cmphex(sm3_mmio_read(b->s, 0x10020, 4), ==, 0);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_IDR0 + 2, 4), ==, 0);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_IDR0, 2), ==, 0);
    sm3_mmio_write(b->s, 0x10020, 1, 4);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0), ==, 0);
    g_assert_true(sm3b_log_contains(b, "reserved"));
    /* Writes to read-only registers are ignored and logged. */
    before = b->guest_errors;
    sm3b_wr(b, SM3_IDR0, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_IDR0), !=, 0);
    sm3b_wr(b, SM3_CR0ACK, 1);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    g_assert_cmpuint(b->guest_errors, ==, before + 2);
    sm3b_free(b);
}

static void test_64bit_halves(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_wr(b, SM3_STRTAB_BASE, 0x12345640);
    sm3b_wr(b, SM3_STRTAB_BASE + 4, 0x4000abcd);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_STRTAB_BASE, 8), ==,
                    UINT64_C(0x4000abcd12345640) &
                    (SM3_STRTAB_BASE_ADDR | SM3_STRTAB_BASE_RA));
    g_assert_cmphex(sm3b_rd(b, SM3_STRTAB_BASE + 4), ==,
                    0x4000abcd & 0x400fffff);
    sm3b_wr64(b, SM3_CMDQ_BASE, UINT64_C(0xffffffffffffffff));
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_CMDQ_BASE, 8), ==,
                    SM3_Q_BASE_ADDR | SM3_Q_BASE_RA | SM3_Q_BASE_LOG2SIZE);
    /* 64-bit access to a pair of 32-bit registers: two halves. */
    sm3_mmio_write(b->s, SM3_CMDQ_PROD, UINT64_C(0x0000000300000002), 8);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_PROD), ==, 2);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 3);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_CMDQ_PROD, 8), ==,
                    UINT64_C(0x0000000300000002));
    sm3b_free(b);
}

/*
 * Queue index registers hold the index and wrap flag of the largest queue
 * IDR1 allows (CMDQS = EVENTQS = PRIQS = 8 here: bits [8:0]); bits above
 * read 0.  Bits between LOG2SIZE + 1 and there are stored (RES0, "might be
 * stored") and ignored by the queue logic.
 */
static void test_queue_index_bits(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_wr(b, SM3_CMDQ_PROD, 0xffffffff);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_PROD), ==, 0x1ff);
    sm3b_wr(b, SM3_CMDQ_CONS, 0xffffffff);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 0x1ff);
    sm3b_wr(b, SM3_EVENTQ_PROD, 0xffffffff);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_PROD), ==, 0x800001ff);
    sm3b_wr(b, SM3_PRIQ_CONS, 0x000fff05);
    g_assert_cmphex(sm3b_rd(b, SM3_PRIQ_CONS), ==, 0x105);
    sm3b_free(b);
}

static void test_cr0_ack(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_wr(b, SM3_CR0, SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN | SM3_CR0_ATSCHK |
            SM3_CR0_VMW);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==,
                    SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN | SM3_CR0_ATSCHK);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0), ==, sm3b_rd(b, SM3_CR0ACK));
    sm3b_wr(b, SM3_CR0, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    sm3b_wr(b, SM3_IRQ_CTRL, 7);
    g_assert_cmphex(sm3b_rd(b, SM3_IRQ_CTRLACK), ==, 7);
    sm3b_free(b);
}

static void test_gbpa_update(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    Sm3Xlate r;

    /* Without Update, nothing changes. */
    sm3b_wr(b, SM3_GBPA, SM3_GBPA_ABORT);
    g_assert_cmphex(sm3b_rd(b, SM3_GBPA), ==, 0x1000);
    g_assert_true(sm3b_log_contains(b, "GBPA"));
    r = sm3b_xlate(b, 1, 0x1234, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_BYPASS);
    g_assert_cmphex(r.pa, ==, 0x1234);
    /* With Update the fields change and Update reads back 0 (complete). */
    sm3b_wr(b, SM3_GBPA, SM3_GBPA_UPDATE | SM3_GBPA_ABORT);
    g_assert_cmphex(sm3b_rd(b, SM3_GBPA), ==, SM3_GBPA_ABORT);
    r = sm3b_xlate(b, 1, 0x1234, false);
    g_assert_cmpint(r.outcome, ==, SM3_XLATE_ABORT);
    g_assert_cmpuint(r.fault.event, ==, 0);
    sm3b_free(b);
}

/* Registers constrained while something is enabled ignore writes. */
static void test_locked_while_enabled(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t st, cq, eq;
    unsigned before;

    sm3b_setup(b, 4, 4, 4);
    st = sm3_mmio_read(b->s, SM3_STRTAB_BASE, 8);
    cq = sm3_mmio_read(b->s, SM3_CMDQ_BASE, 8);
    eq = sm3_mmio_read(b->s, SM3_EVENTQ_BASE, 8);
    before = b->guest_errors;
    sm3b_wr64(b, SM3_STRTAB_BASE, 0x800000);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG, 7);
    sm3b_wr64(b, SM3_CMDQ_BASE, 0x800000);
    sm3b_wr64(b, SM3_EVENTQ_BASE, 0x800000);
    sm3b_wr(b, SM3_CMDQ_CONS, 5);
    sm3b_wr(b, SM3_EVENTQ_PROD, 5);
    sm3b_wr(b, SM3_CR1, 0x555);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_STRTAB_BASE, 8), ==, st);
    g_assert_cmphex(sm3b_rd(b, SM3_STRTAB_BASE_CFG), ==, 4);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_CMDQ_BASE, 8), ==, cq);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_EVENTQ_BASE, 8), ==, eq);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_PROD), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CR1), ==, 0);
    g_assert_cmpuint(b->guest_errors, ==, before + 7);
    g_assert_true(sm3b_log_contains(b, "STRTAB_BASE"));
    /* EVENTQ_CONS stays writable. */
    sm3b_wr(b, SM3_EVENTQ_CONS, 0);
    /* IRQ configuration is locked while its interrupt is enabled. */
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_EVENTQ_IRQEN);
    sm3b_wr(b, SM3_EVENTQ_IRQ_CFG1, 0x77);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_IRQ_CFG1), ==, 0);
    sm3b_wr(b, SM3_GERROR_IRQ_CFG1, 0x77);
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR_IRQ_CFG1), ==, 0x77);
    /* Disabled again: writable again. */
    sm3b_wr(b, SM3_CR0, 0);
    sm3b_wr(b, SM3_CR1, 0x555);
    g_assert_cmphex(sm3b_rd(b, SM3_CR1), ==, 0x555);
    sm3b_wr64(b, SM3_STRTAB_BASE, 0x800000);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_STRTAB_BASE, 8), ==, 0x800000);
    sm3b_free(b);
}

static void test_strtab_fmt_without_2lvl(void)
{
    Sm3Features f = sm3b_all_features();
    Sm3Bench *b;

    f.two_level_st = false;
    f.sidsize = 6;           /* SIDSIZE >= 7 needs ST_LEVEL 2-level */
    b = sm3b_new(&f);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG, sm_prep(SM3_STRTAB_BASE_CFG_FMT, 1) | 8);
    g_assert_cmphex(sm3b_rd(b, SM3_STRTAB_BASE_CFG), ==, 8);
    sm3b_free(b);
}

static void test_page1_alias(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    sm3_mmio_write(b->s, 0x10000 + SM3_EVENTQ_CONS, 3, 4);
    g_assert_cmphex(sm3b_rd(b, SM3_EVENTQ_CONS), ==, 3);
    g_assert_cmphex(sm3_mmio_read(b->s, 0x10000 + SM3_EVENTQ_CONS, 4), ==, 3);
    sm3_mmio_write(b->s, 0x10000 + SM3_PRIQ_CONS, 5, 4);
    g_assert_cmphex(sm3b_rd(b, SM3_PRIQ_CONS), ==, 5);
    g_assert_cmphex(sm3_mmio_read(b->s, 0x10000 + SM3_EVENTQ_PROD, 4), ==, 0);
    sm3b_free(b);
}

/*
 * One feature set per architectural rule, each breaking that rule alone,
 * with the setting the refusal must name (IHI 0070 SMMU_IDR0/1/5).
 */
typedef struct RuleCase {
    const char *name;
    void (*breaks)(Sm3Features *f);
    const char *message;     /* start of sm3_config_error()'s answer */
} RuleCase;

static void no_stage(Sm3Features *f) { f->stage1 = f->stage2 = false; }
static void no_granule(Sm3Features *f) { f->granules = 0; }
static void oas_47(Sm3Features *f) { f->oas_bits = 47; }
static void sidsize_33(Sm3Features *f) { f->sidsize = 33; }
static void ssidsize_21(Sm3Features *f) { f->ssidsize = 21; }
static void cmdqs_20(Sm3Features *f) { f->cmdqs = 20; }
static void stall_model_3(Sm3Features *f) { f->stall_model = 3; }
static void httu_3(Sm3Features *f) { f->httu = 3; }
/* IDR0.HYP is RES0 when S1P == 0 or S2P == 0 */
static void hyp_s1_only(Sm3Features *f) { f->stage2 = false; }
static void hyp_s2_only(Sm3Features *f) { f->stage1 = false; }
/* IDR0.PRI is RES0 when IDR0.ATS == 0 */
static void pri_no_ats(Sm3Features *f) { f->ats = false; }
/* IDR1.SIDSIZE >= 7 needs IDR0.ST_LEVEL != 0b00 */
static void sid7_linear(Sm3Features *f)
{
    f->sidsize = 7;
    f->two_level_st = false;
}
/* IDR0.STALL_MODEL 0b10 is not allowed for an SMMU of a PCI system */
static void force_stall_ats(Sm3Features *f)
{
    f->stall_model = SM3_STALL_FORCE;
}
/* IDR5.OAS == 52 bits needs GRAN64K (no DS, no D128) */
static void oas52_4k16k(Sm3Features *f)
{
    f->oas_bits = 52;
    f->granules = SM3_GRAN_4K | SM3_GRAN_16K;
}

static const RuleCase rule_cases[] = {
    { "no-stage", no_stage, "stage: at least one translation stage" },
    { "no-granule", no_granule, "granules: at least one of 4k, 16k, 64k" },
    { "oas-47", oas_47, "oas must be 32, 36, 40, 42, 44, 48 or 52" },
    { "sidsize-33", sidsize_33, "sidsize must be at most 32" },
    { "ssidsize-21", ssidsize_21, "ssidsize must be at most 20" },
    { "cmdqs-20", cmdqs_20, "cmdqs, eventqs and priqs must be at most 19" },
    { "stall-model-3", stall_model_3, "stall: unknown stall model" },
    { "httu-3", httu_3, "httu: unknown HTTU level" },
    { "hyp-s1-only", hyp_s1_only, "hyp=on needs stage=nested" },
    { "hyp-s2-only", hyp_s2_only, "hyp=on needs stage=nested" },
    { "pri-no-ats", pri_no_ats, "pri=on needs ats=on" },
    { "sidsize7-linear", sid7_linear,
      "sidsize >= 7 needs two-level-st=on" },
    { "oas52-no-64k", oas52_4k16k, "oas=52 needs the 64k granule" },
    { "force-stall-ats", force_stall_ats, "forced stalls need ats=off" },
};

static Sm3Config check_base(void)
{
    Sm3Config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    cfg.host.read = (void *)1;
    cfg.host.write = (void *)1;
    return cfg;
}

static void assert_refused(const Sm3Config *cfg, const char *message)
{
    g_autofree char *why = sm3_config_error(cfg);

    g_assert_nonnull(why);
    if (!g_str_has_prefix(why, message)) {
        g_error("expected \"%s...\", got \"%s\"", message, why);
    }
    g_assert_null(sm3_new(cfg));
}

static void test_check_config(void)
{
    Sm3Config cfg = check_base();

    g_assert_null(sm3_config_error(&cfg));
    cfg.host.read = NULL;
    assert_refused(&cfg, "host read and write hooks are required");
}

/* Every rule of the feature table is reached by a case breaking it. */
static void test_feature_rules(void)
{
    unsigned n, i, j;
    const Sm3FeatureRule *rules = sm3_feature_rule_table(&n);
    g_autofree bool *reached = g_new0(bool, n);

    for (i = 0; i < G_N_ELEMENTS(rule_cases); i++) {
        Sm3Config cfg = check_base();
        const Sm3FeatureRule *r;

        rule_cases[i].breaks(&cfg.features);
        if (g_test_verbose()) {
            g_test_message("%s", rule_cases[i].name);
        }
        assert_refused(&cfg, rule_cases[i].message);
        r = sm3_features_broken_rule(&cfg.features);
        g_assert_nonnull(r);
        for (j = 0; j < n; j++) {
            reached[j] |= r == &rules[j];
        }
    }
    for (j = 0; j < n; j++) {
        if (!reached[j]) {
            g_error("no case breaks rule \"%s: %s\"", rules[j].setting,
                    rules[j].rule);
        }
    }
}

/* The rules' boundaries: what is just allowed is accepted. */
static void test_feature_rules_allow(void)
{
    Sm3Config cfg = check_base();

    cfg.features.hyp = false;
    cfg.features.stage2 = false;            /* stage 1 only, no HYP */
    g_assert_null(sm3_config_error(&cfg));
    cfg = check_base();
    cfg.features.pri = cfg.features.ats = false;
    g_assert_null(sm3_config_error(&cfg));
    cfg = check_base();
    cfg.features.sidsize = 6;
    cfg.features.two_level_st = false;
    g_assert_null(sm3_config_error(&cfg));
    cfg = check_base();
    cfg.features.oas_bits = 52;
    cfg.features.granules = SM3_GRAN_64K;
    g_assert_null(sm3_config_error(&cfg));
}

/* hyp left to the front end's default: on exactly with both stages. */
static void test_hyp_default(void)
{
    Sm3Features f = sm3b_all_features();

    g_assert_true(sm3_hyp_default(&f));
    f.stage2 = false;
    g_assert_false(sm3_hyp_default(&f));
    f.stage2 = true;
    f.stage1 = false;
    g_assert_false(sm3_hyp_default(&f));
}

/* Cache geometry: every refusal names the setting and the values. */
static void test_cache_geometry_errors(void)
{
    static const struct {
        uint32_t tlb_entries, tlb_ways, walkc_entries, walkc_ways;
        const char *message;
    } rows[] = {
        { 3, 4, 0, 0, "tlb-entries=3, tlb-ways=4: entries must be a "
                      "multiple of ways" },
        { 24, 4, 0, 0, "tlb-entries=24, tlb-ways=4: entries / ways must "
                       "be a power of two" },
        { 0, 7, 0, 0, "tlb-ways=7 has no effect while tlb-entries=0" },
        { 2097152, 4, 0, 0, "tlb-entries=2097152: at most 1048576" },
        { 256, 4, 0, 2, "walkc-s1l0-ways=2 has no effect while "
                        "walkc-s1l0-entries=0" },
        { 256, 4, SM3_WALKC_OFF, 2, "walkc-s1l0-ways=2 has no effect "
                                    "while walkc-s1l0-entries=off" },
        { 256, 4, 12, 4, "walkc-s1l0-entries=12, walkc-s1l0-ways=4: "
                         "entries / ways must be a power of two" },
    };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        Sm3Config cfg = check_base();

        cfg.tlb_entries = rows[i].tlb_entries;
        cfg.tlb_ways = rows[i].tlb_ways;
        cfg.walkc_entries[0][0] = rows[i].walkc_entries;
        cfg.walkc_ways[0][0] = rows[i].walkc_ways;
        assert_refused(&cfg, rows[i].message);
    }
}

/* Two instances never share state. */
static void test_two_instances(void)
{
    Sm3Bench *a = sm3b_new(NULL);
    Sm3Bench *b = sm3b_new(NULL);

    sm3b_wr(a, SM3_CR0, SM3_CR0_SMMUEN);
    g_assert_cmphex(sm3b_rd(a, SM3_CR0ACK), ==, SM3_CR0_SMMUEN);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    sm3b_free(a);
    sm3b_free(b);
}

static void test_save_restore(void)
{
    Sm3Bench *a = sm3b_new(NULL);
    Sm3Features f = sm3b_all_features();
    Sm3Bench *b;
    Sm3State *st = g_new0(Sm3State, 1);

    sm3b_setup(a, 4, 4, 4);
    sm3b_wr(a, SM3_GERROR_IRQ_CFG1, 0x99);
    sm3_save(a->s, st);
    g_assert_cmpuint(st->version, ==, SM3_STATE_VERSION);
    b = sm3b_new(&f);
    g_assert_true(sm3_restore(b->s, st));
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, sm3b_rd(a, SM3_CR0ACK));
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_CMDQ_BASE, 8), ==,
                    sm3_mmio_read(a->s, SM3_CMDQ_BASE, 8));
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR_IRQ_CFG1), ==, 0x99);
    st->version = 99;
    g_assert_false(sm3_restore(b->s, st));
    g_free(st);
    sm3b_free(a);
    sm3b_free(b);
}

/*
 * Incoming state this instance could never have saved is refused, with
 * the register named, and leaves the instance as it was.
 */
typedef struct BadState {
    const char *name;
    uint32_t word;           /* byte offset of the 32-bit word changed */
    uint32_t value;
    const char *message;     /* start of sm3_state_error()'s answer */
} BadState;

static const BadState bad_states[] = {
    /* IDR1 of another configuration (SSIDSIZE 3 instead of 8) */
    { "other-config", SM3_IDR1, 0x010840d0, "IDR1=0x10840d0, this instance "
      "has 0x1084210" },
    /* CMDQ_BASE bit 63 is RES0 and not writable */
    { "cmdq-base-res0", SM3_CMDQ_BASE + 4, 0x80000000, "CMDQ_BASE=0x8" },
    /* a word between registers (0x30 is Reserved) */
    { "hole", 0x30, 1, "offset 0x30 holds 0x1: no register there" },
    { "cr0ack", SM3_CR0ACK, 0x1, "CR0ACK=0x1 differs from CR0=0xd" },
    /* GERROR bit 1 is Reserved */
    { "gerror-res", SM3_GERROR, 0x2, "GERROR/GERRORN set reserved bits" },
    { "gbpa-update", SM3_GBPA, 0x80001000, "GBPA.Update is set" },
    /* IDR1.CMDQS = 8: index and wrap flag are bits [8:0] */
    { "cmdq-prod-bit-9", SM3_CMDQ_PROD, 0x200, "CMDQ_PROD=0x200: index bits "
      "beyond the queue sizes IDR1 allows (settable 0x1ff)" },
    /* IDR1.EVENTQS = 8; EVENTQ_CONS also has OVACKFLG (bit 31) */
    { "eventq-cons-bit-19", SM3_EVENTQ_CONS, 0x80000, "EVENTQ_CONS=0x80000: "
      "index bits beyond the queue sizes IDR1 allows (settable 0x800001ff)" },
    /* SMMU_CMDQ_CONS.ERR codes are 0-3 (CERROR_ATC_INV_SYNC is the last) */
    { "cmdq-cons-err-4", SM3_CMDQ_CONS, 0x04000000,
      "CMDQ_CONS.ERR=0x4 is no CERROR code" },
};

static void test_restore_refuses(void)
{
    Sm3Bench *a = sm3b_new(NULL);
    Sm3Bench *b = sm3b_new(NULL);
    g_autofree Sm3State *good = g_new0(Sm3State, 1);
    g_autofree Sm3State *st = g_new0(Sm3State, 1);
    unsigned i;

    sm3b_setup(a, 4, 4, 4);            /* CR0 = SMMUEN|EVENTQEN|CMDQEN */
    sm3_save(a->s, good);
    for (i = 0; i < G_N_ELEMENTS(bad_states); i++) {
        g_autofree char *why = NULL;

        *st = *good;
        st->regs[bad_states[i].word / 4] = bad_states[i].value;
        why = sm3_state_error(b->s, st);
        g_assert_nonnull(why);
        if (!g_str_has_prefix(why, bad_states[i].message)) {
            g_error("%s: expected \"%s...\", got \"%s\"",
                    bad_states[i].name, bad_states[i].message, why);
        }
        g_assert_false(sm3_restore(b->s, st));
        g_assert_cmphex(sm3b_rd(b, SM3_CR0), ==, 0);
    }
    sm3b_free(a);
    sm3b_free(b);
}

/* Stalls and ATC errors need the features and enables behind them. */
static void test_restore_refuses_stalls(void)
{
    Sm3Features f = sm3b_all_features();
    Sm3Bench *a = sm3b_new(NULL);
    Sm3Bench *b;
    g_autofree Sm3State *st = g_new0(Sm3State, 1);
    g_autofree char *no_en = NULL, *dup = NULL, *sid = NULL, *atc = NULL;

    sm3b_setup(a, 4, 4, 4);
    sm3_save(a->s, st);
    st->stalls[0] = (Sm3StallState){ .sid = 5, .stag = 7, .valid = true };
    st->stalls[3] = (Sm3StallState){ .sid = 6, .stag = 7, .valid = true };
    dup = sm3_state_error(a->s, st);
    g_assert_cmpstr(dup, ==, "stalls 0 and 3 share STAG 0x7");
    st->stalls[3].valid = false;
    st->stalls[0].sid = 0x10000;                     /* SIDSIZE is 16 */
    sid = sm3_state_error(a->s, st);
    g_assert_cmpstr(sid, ==, "stall 0: StreamID 0x10000 beyond SIDSIZE 16");
    st->stalls[0].sid = 5;
    g_assert_null(sm3_state_error(a->s, st));
    st->regs[SM3_CR0 / 4] = st->regs[SM3_CR0ACK / 4] = 0;
    no_en = sm3_state_error(a->s, st);
    g_assert_cmpstr(no_en, ==, "stall 0 held without SMMUEN");
    sm3b_free(a);

    f.ats = f.pri = false;
    b = sm3b_new(&f);
    sm3_save(b->s, st);
    st->atc_inv_error = true;
    atc = sm3_state_error(b->s, st);
    g_assert_cmpstr(atc, ==, "an ATC invalidation error without ATS");
    sm3b_free(b);
}

/*
 * The programming sequence a Linux driver uses at probe time, with a
 * 2-level stream table, the page-1 queue registers and MSI completion of
 * CMD_SYNC, ending with a translation through a freshly written STE.
 */
static void test_linux_probe_sequence(void)
{
    Sm3Bench *b = sm3b_new(NULL);
    uint64_t l1, l2, cmdq, evtq, sync_word, ste[8] = { 0 };
    uint32_t idr0, idr1, prod = 0;
    unsigned i;

#define CMD(d0, d1) do { \
        sm3b_w64(b, cmdq + 16 * (prod & 0xff), d0); \
        sm3b_w64(b, cmdq + 16 * (prod & 0xff) + 8, d1); \
        prod = (prod + 1) & 0x1ff; \
        sm3b_wr(b, SM3_CMDQ_PROD, prod); \
    } while (0)

    idr0 = sm3b_rd(b, SM3_IDR0);
    idr1 = sm3b_rd(b, SM3_IDR1);
    g_assert_cmpuint(sm_get(idr0, SM3_IDR0_ST_LEVEL), ==, 1);
    g_assert_cmpuint(sm_get(idr1, SM3_IDR1_SIDSIZE), ==, 16);
    /* Disable, then GBPA abort while the tables are built. */
    sm3b_wr(b, SM3_CR0, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    sm3b_wr(b, SM3_GBPA, SM3_GBPA_UPDATE | SM3_GBPA_ABORT);
    g_assert_false(sm3b_rd(b, SM3_GBPA) & SM3_GBPA_UPDATE);
    sm3b_wr(b, SM3_CR1, 0x5 | (0x5 << 6) | (3 << 10));
    sm3b_wr(b, SM3_CR2, SM3_CR2_RECINVSID | SM3_CR2_PTM);
    /* 2-level stream table: SPLIT 8, 256 L1 descriptors. */
    l1 = sm3b_alloc(b, 8 * 256, 64);
    l2 = sm3b_alloc(b, 64 * 256, 64 * 256);
    sm3b_w64(b, l1 + 8 * 1, l2 | 9);              /* Span 9: 256 STEs */
    sm3b_wr64(b, SM3_STRTAB_BASE, l1 | SM3_STRTAB_BASE_RA);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG, 16 | (8 << 6) | (1 << 16));
    /* Command queue of 256 entries. */
    cmdq = sm3b_alloc(b, 16 * 256, 16 * 256);
    sm3b_wr64(b, SM3_CMDQ_BASE, SM3_Q_BASE_RA | cmdq | 8);
    sm3b_wr(b, SM3_CMDQ_PROD, 0);
    sm3b_wr(b, SM3_CMDQ_CONS, 0);
    sm3b_wr(b, SM3_CR0, SM3_CR0_CMDQEN);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, SM3_CR0_CMDQEN);
    /* Invalidate everything, then a CMD_SYNC completed by MSI write. */
    sync_word = sm3b_alloc(b, 16, 16);
    CMD(SM3_CMD_CFGI_STE_RANGE, 31);
    CMD(SM3_CMD_TLBI_EL2_ALL, 0);
    CMD(SM3_CMD_TLBI_NSNH_ALL, 0);
    CMD(SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
        sm_prep(SM3_CMD0_SYNC_MSIDATA, 0x1234), sync_word);
    g_assert_cmphex(sm3b_r32(b, sync_word), ==, 0x1234);
    g_assert_cmphex(sm3b_rd(b, SM3_CMDQ_CONS), ==, 4);
    /* Event queue through the page-1 registers. */
    evtq = sm3b_alloc(b, 32 * 128, 32 * 128);
    sm3b_wr64(b, SM3_EVENTQ_BASE, SM3_Q_BASE_RA | evtq | 7);
    sm3_mmio_write(b->s, SM3_PAGE_SIZE + SM3_EVENTQ_PROD, 0, 4);
    sm3_mmio_write(b->s, SM3_PAGE_SIZE + SM3_EVENTQ_CONS, 0, 4);
    sm3b_wr(b, SM3_CR0, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN);
    sm3b_wr(b, SM3_IRQ_CTRL, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_IRQ_CTRLACK), ==, 0);
    sm3b_wr64(b, SM3_GERROR_IRQ_CFG0, 0x4000);
    sm3b_wr(b, SM3_GERROR_IRQ_CFG1, 1);
    sm3b_wr64(b, SM3_EVENTQ_IRQ_CFG0, 0x4010);
    sm3b_wr(b, SM3_EVENTQ_IRQ_CFG1, 2);
    sm3b_wr(b, SM3_IRQ_CTRL, SM3_IRQ_CTRL_GERROR_IRQEN |
            SM3_IRQ_CTRL_EVENTQ_IRQEN);
    g_assert_cmphex(sm3b_rd(b, SM3_IRQ_CTRLACK), ==, 5);
    sm3b_wr(b, SM3_CR0, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_SMMUEN);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0xd);
    /* A device at StreamID 0x103: bypass STE, then CFGI_STE + SYNC. */
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_BYPASS);
    for (i = 0; i < 8; i++) {
        sm3b_w64(b, l2 + 64 * 3 + 8 * i, ste[i]);
    }
    CMD(SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, 0x103), 1);
    CMD(SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
        sm_prep(SM3_CMD0_SYNC_MSIDATA, 0x1235), sync_word);
    g_assert_cmphex(sm3b_r32(b, sync_word), ==, 0x1235);
    g_assert_cmpint(sm3b_xlate(b, 0x103, 0x5000, true).outcome, ==,
                    SM3_XLATE_BYPASS);
    /* A StreamID whose L1 descriptor is invalid: C_BAD_STREAMID, MSI. */
    g_assert_cmpuint(sm3b_xlate(b, 0x203, 0x5000, true).fault.event, ==,
                     SM3_EVT_C_BAD_STREAMID);
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_PAGE_SIZE + SM3_EVENTQ_PROD, 4),
                    ==, 1);
    g_assert_cmphex(sm3b_r32(b, 0x4010), ==, 2);
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR), ==, 0);
    sm3b_free(b);
#undef CMD
}

/* ---- every optional feature: not advertised, and not acted on ----------- */

#define OSID    5
#define OVA     UINT64_C(0x40000000)
#define OPA     UINT64_C(0x00800000)

/*
 * Each action does something that needs one feature and asserts the
 * outcome both ways: accepted when @off is false, refused the
 * architected way when it is true.
 */
typedef void (*OffAction)(Sm3Bench *b, bool off);

typedef struct OffCase {
    const char *name;
    void (*switch_off)(Sm3Features *f);
    unsigned idr;            /* IDR<n> holding the field */
    uint32_t field;
    uint32_t on_val;         /* field value with every feature on */
    uint32_t off_val;        /* ... with this feature off */
    OffAction act[2];
} OffCase;

static Sm3Xlate off_xlate(Sm3Bench *b, uint32_t sid, bool ssv, uint32_t ssid)
{
    Sm3Request r = { .sid = sid, .ssv = ssv, .ssid = ssid,
                     .iova = OVA + 0x10, .size = 4 };

    return sm3_translate(b->s, &r);
}

static void expect_xlate(Sm3Xlate r, bool off, unsigned evt)
{
    if (off) {
        g_assert_cmpint(r.outcome, ==, SM3_XLATE_FAULT);
        g_assert_cmpuint(r.fault.event, ==, evt);
    } else {
        g_assert_cmpint(r.outcome, ==, SM3_XLATE_OK);
    }
}

/* A stage-1 stream OSID through CD @ssid with @cd_extra, 4K tables. */
static void off_s1_stream(Sm3Bench *b, unsigned cdmax, uint64_t cd_extra,
                          uint64_t ste1)
{
    uint64_t cdtab = sm3b_alloc(b, 64u << cdmax, 64u << cdmax);
    uint64_t root = sm3b_pt_new(b);
    unsigned i;

    for (i = 0; i < (1u << cdmax); i++) {
        sm3b_cd(b, cdtab, i, 0x10 + i, root, cd_extra);
    }
    sm3b_ste_s1(b, OSID, cdtab, cdmax, ste1);
    sm3b_map(b, root, OVA, OPA, 3, SM3B_S1_RW);
}

static unsigned off_cmd(Sm3Bench *b, uint64_t dw0, uint64_t dw1)
{
    unsigned err;

    sm3b_cmd(b, dw0, dw1);
    err = sm3b_cmdq_err(b);
    if (err) {
        sm3b_wr(b, SM3_GERRORN, sm3b_rd(b, SM3_GERROR));
        /* Skip the refused command so the queue goes on. */
        sm3b_wr(b, SM3_CMDQ_CONS, sm3b_rd(b, SM3_CMDQ_PROD));
    }
    return err;
}

static void expect_cmd(Sm3Bench *b, bool off, uint64_t dw0, uint64_t dw1)
{
    g_assert_cmpuint(off_cmd(b, dw0, dw1), ==,
                     off ? SM3_CERROR_ILL : SM3_CERROR_NONE);
}

static void act_ste_s1(Sm3Bench *b, bool off)
{
    off_s1_stream(b, 0, 0, 0);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_STE);
}

static void act_ste_s2(Sm3Bench *b, bool off)
{
    uint64_t s2 = sm3b_pt_new(b);

    sm3b_ste_s2(b, OSID, 1, s2, 0);
    sm3b_map(b, s2, OVA, OPA, 3, SM3B_S2_RW);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_STE);
}

static void act_tlbi_nh(Sm3Bench *b, bool off)
{
    expect_cmd(b, off, SM3_CMD_TLBI_NH_ALL, 0);
}

static void act_tlbi_s2(Sm3Bench *b, bool off)
{
    expect_cmd(b, off, SM3_CMD_TLBI_S2_IPA, OVA);
    expect_cmd(b, off, SM3_CMD_TLBI_S12_VMALL, 0);
}

static void act_tlbi_el2(Sm3Bench *b, bool off)
{
    expect_cmd(b, off, SM3_CMD_TLBI_EL2_ALL, 0);
    expect_cmd(b, off, SM3_CMD_TLBI_EL2_VA, OVA);
}

/* CR2.E2H is RES0 without HYP: the write does not stick. */
static void act_e2h(Sm3Bench *b, bool off)
{
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN);
    sm3b_wr(b, SM3_CR2, SM3_CR2_E2H | SM3_CR2_RECINVSID);
    g_assert_cmpuint(!!(sm3b_rd(b, SM3_CR2) & SM3_CR2_E2H), ==, !off);
}

/* A 2-level stream table format does not stick without ST_LEVEL. */
static void act_st_2lvl(Sm3Bench *b, bool off)
{
    uint64_t ste[8] = { 0 };

    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG, sm_prep(SM3_STRTAB_BASE_CFG_FMT, 1) |
            sm_prep(SM3_STRTAB_BASE_CFG_SPLIT, 6) | 4);
    g_assert_cmpuint(sm_get(sm3b_rd(b, SM3_STRTAB_BASE_CFG),
                            SM3_STRTAB_BASE_CFG_FMT), ==, off ? 0 : 1);
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_SMMUEN);
    /* Off: still the linear table; STE OSID is read from base + 64 * 5 */
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_BYPASS);
    sm3b_ste_write(b, OSID, ste);
    if (off) {
        g_assert_cmpint(off_xlate(b, OSID, false, 0).outcome, ==,
                        SM3_XLATE_BYPASS);
    } else {
        /* On: base + 8 * 0 is an L1STD (here the zero STE 0): no L2. */
        g_assert_cmpint(off_xlate(b, OSID, false, 0).outcome, ==,
                        SM3_XLATE_FAULT);
    }
}

static void act_cd_2lvl(Sm3Bench *b, bool off)
{
    uint64_t l1 = sm3b_alloc(b, 64, 64);
    uint64_t l2 = sm3b_alloc(b, 4096, 4096);
    uint64_t root = sm3b_pt_new(b);
    uint64_t ste[8] = { 0 };

    sm3b_w64(b, l1, l2 | 1);
    sm3b_cd(b, l2, 1, 0x21, root, 0);
    sm3b_map(b, root, OVA, OPA, 3, SM3B_S1_RW);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1) |
             l1 | sm_prep(SM3_STE0_S1FMT, SM3_STE0_S1FMT_4K_L2) |
             sm_prep(SM3_STE0_S1CDMAX, 6);
    sm3b_ste_write(b, OSID, ste);
    expect_xlate(off_xlate(b, OSID, true, 1), off, SM3_EVT_C_BAD_STE);
}

static void act_atc_inv(Sm3Bench *b, bool off)
{
    expect_cmd(b, off, SM3_CMD_ATC_INV | sm_prep(SM3_CMD0_SID, OSID), 0);
}

static void act_ats_request(Sm3Bench *b, bool off)
{
    Sm3Request r = { .sid = OSID, .iova = OVA };
    Sm3Xlate x;

    off_s1_stream(b, 0, 0, sm_prep(SM3_STE1_EATS, SM3_STE1_EATS_FULL));
    x = sm3_ats_translate(b->s, &r);
    if (off) {
        g_assert_cmpuint(x.fault.event, ==, SM3_EVT_F_UUT);
    } else {
        g_assert_cmpint(x.outcome, ==, SM3_XLATE_OK);
    }
    r.ats_translated = true;
    x = sm3_translate(b->s, &r);
    if (off) {
        g_assert_cmpuint(x.fault.event, ==, SM3_EVT_F_UUT);
    } else {
        g_assert_cmpint(x.outcome, ==, SM3_XLATE_BYPASS);
    }
}

static void act_pri(Sm3Bench *b, bool off)
{
    uint64_t priq = sm3b_alloc(b, 16 * 16, 16 * 16);
    Sm3PageRequest pr = { .sid = OSID, .addr = OVA, .read = true,
                          .last = true };

    expect_cmd(b, off, SM3_CMD_PRI_RESP | sm_prep(SM3_CMD0_SID, OSID),
               sm_prep(SM3_CMD1_PRI_RESP, 1));
    sm3b_wr64(b, SM3_PRIQ_BASE, priq | 4);
    sm3b_wr(b, SM3_CR0, sm3b_rd(b, SM3_CR0) | SM3_CR0_PRIQEN);
    g_assert_cmpuint(sm3_page_request(b->s, &pr), ==, !off);
}

static void act_msi(Sm3Bench *b, bool off)
{
    uint64_t msi = sm3b_alloc(b, 8, 8);

    sm3b_clear_records(b);
    expect_cmd(b, false, SM3_CMD_SYNC |
               sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_IRQ) |
               sm_prep(SM3_CMD0_SYNC_MSIDATA, 0x77), msi);
    /* Without MSIs the MSI address is ignored: the wired line fires. */
    g_assert_cmpuint(b->msis->len, ==, off ? 0 : 1);
    g_assert_cmpuint(b->irq_pulses[SM3_IRQ_CMD_SYNC], ==, off ? 1 : 0);
}

static void act_sev(Sm3Bench *b, bool off)
{
    sm3b_clear_records(b);
    expect_cmd(b, false, SM3_CMD_SYNC |
               sm_prep(SM3_CMD0_SYNC_CS, SM3_SYNC_CS_SEV), 0);
    g_assert_cmpuint(b->sevs, ==, off ? 0 : 1);
}

static void act_asid16(Sm3Bench *b, bool off)
{
    off_s1_stream(b, 0, sm_prep(SM3_CD0_ASID, 0x1ff), 0);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_CD);
}

static void act_vmid16(Sm3Bench *b, bool off)
{
    uint64_t s2 = sm3b_pt_new(b);

    sm3b_ste_s2(b, OSID, 0x1ff, s2, 0);
    sm3b_map(b, s2, OVA, OPA, 3, SM3B_S2_RW);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_STE);
}

/* Range fields are ignored without RIL: one page, not five. */
static void act_ril(Sm3Bench *b, bool off)
{
    const SmInval *inv;

    sm3b_clear_records(b);
    expect_cmd(b, false, SM3_CMD_TLBI_NH_VAA |
               sm_prep(SM3_CMD0_TLBI_NUM, 4),
               OVA | sm_prep(SM3_CMD1_TLBI_TG, 1));
    g_assert_cmpuint(b->invals->len, ==, 1);
    inv = &g_array_index(b->invals, SmInval, 0);
    g_assert_cmphex(inv->size, ==, off ? 0x1000 : 5 * 0x1000);
}

static void act_httu_ha(Sm3Bench *b, bool off)
{
    off_s1_stream(b, 0, SM3_CD0_HA, 0);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_CD);
}

static void act_httu_hd(Sm3Bench *b, bool off)
{
    off_s1_stream(b, 0, SM3_CD0_HA | SM3_CD0_HD, 0);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_CD);
}

static void act_stall_cd(Sm3Bench *b, bool off)
{
    off_s1_stream(b, 0, SM3_CD0_S, 0);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_CD);
}

static void act_stall_cmds(Sm3Bench *b, bool off)
{
    expect_cmd(b, off, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, OSID), 0);
    expect_cmd(b, off, SM3_CMD_STALL_TERM | sm_prep(SM3_CMD0_SID, OSID), 0);
}

/* A CD using granule 2^@gshift (TG0 @tg0), with tables to match. */
static void act_granule(Sm3Bench *b, bool off, unsigned gshift,
                        unsigned tg0)
{
    uint64_t cdtab = sm3b_alloc(b, 64, 64);
    Sm3bPt pt;

    /* 48-bit VA: start level 0 for 4K and 16K, 1 for 64K. */
    sm3b_pt_init(b, &pt, gshift, 48, gshift == 16 ? 1 : 0);
    sm3b_pt_map(b, &pt, OVA, OPA, 3, SM3B_S1_RW);
    sm3b_cd(b, cdtab, 0, 0x31, pt.root, sm_prep(SM3_CD0_TG0, tg0));
    sm3b_ste_s1(b, OSID, cdtab, 0, 0);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_CD);
}

/*
 * A stage-2 STE using granule 2^@gshift (S2TG @s2tg): 40-bit IPA,
 * starting at level @start (S2SL0 @sl0).
 */
static void act_granule_s2(Sm3Bench *b, bool off, unsigned gshift,
                           unsigned s2tg, int start, unsigned sl0)
{
    uint64_t ste[8] = { 0 };
    Sm3bPt pt;

    sm3b_pt_init(b, &pt, gshift, 40, start);
    sm3b_pt_map(b, &pt, OVA, OPA, 3, SM3B_S2_RW);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S2);
    ste[2] = sm_prep(SM3_STE2_S2VMID, 3) | sm_prep(SM3_STE2_S2T0SZ, 24) |
             sm_prep(SM3_STE2_S2SL0, sl0) | sm_prep(SM3_STE2_S2TG, s2tg) |
             sm_prep(SM3_STE2_S2PS, 5) | SM3_STE2_S2AA64 | SM3_STE2_S2R;
    ste[3] = pt.root & SM3_STE3_S2TTB;
    sm3b_ste_write(b, OSID, ste);
    expect_xlate(off_xlate(b, OSID, false, 0), off, SM3_EVT_C_BAD_STE);
}

static void act_gran4k(Sm3Bench *b, bool off)
{
    act_granule(b, off, 12, 0);
}

static void act_gran4k_s2(Sm3Bench *b, bool off)
{
    act_granule_s2(b, off, 12, 0, 1, 1);
}

static void act_gran16k_s2(Sm3Bench *b, bool off)
{
    act_granule_s2(b, off, 14, 2, 1, 2);
}

static void act_gran64k_s2(Sm3Bench *b, bool off)
{
    act_granule_s2(b, off, 16, 1, 2, 1);
}

static void act_gran16k(Sm3Bench *b, bool off)
{
    act_granule(b, off, 14, 2);
}

static void act_gran64k(Sm3Bench *b, bool off)
{
    act_granule(b, off, 16, 1);
}

/* Without substreams every SubstreamID is out of range (S1CDMAX is 0). */
static void act_ssid(Sm3Bench *b, bool off)
{
    off_s1_stream(b, 2, 0, 0);
    expect_xlate(off_xlate(b, OSID, true, 1), off,
                 SM3_EVT_C_BAD_SUBSTREAMID);
}

static void off_stage1(Sm3Features *f)
{
    f->stage1 = false;
    f->hyp = false;          /* IDR0.HYP is RES0 without both stages */
}

static void off_stage2(Sm3Features *f)
{
    f->stage2 = false;
    f->hyp = false;
}

static void off_st2(Sm3Features *f)
{
    f->two_level_st = false;
    f->sidsize = 6;          /* IDR1.SIDSIZE >= 7 needs ST_LEVEL 2-level */
}

static void off_cd2(Sm3Features *f)
{
    f->two_level_cd = false;
}

static void off_hyp(Sm3Features *f)
{
    f->hyp = false;
}

static void off_ats(Sm3Features *f)
{
    f->ats = false;
    f->pri = false;          /* IDR0.PRI is RES0 without ATS */
}

static void off_pri(Sm3Features *f)
{
    f->pri = false;
}

static void off_msi(Sm3Features *f)
{
    f->msi = false;
}

static void off_sev(Sm3Features *f)
{
    f->sev = false;
}

static void off_asid16(Sm3Features *f)
{
    f->asid16 = false;
}

static void off_vmid16(Sm3Features *f)
{
    f->vmid16 = false;
}

static void off_ril(Sm3Features *f)
{
    f->ril = false;
}

static void off_httu(Sm3Features *f)
{
    f->httu = SM3_HTTU_NONE;
}

static void off_httu_d(Sm3Features *f)
{
    f->httu = SM3_HTTU_AF;
}

static void off_stall(Sm3Features *f)
{
    f->stall_model = SM3_STALL_NONE;
}

static void off_4k(Sm3Features *f)
{
    f->granules &= ~SM3_GRAN_4K;
}

static void off_16k(Sm3Features *f)
{
    f->granules &= ~SM3_GRAN_16K;
}

static void off_64k(Sm3Features *f)
{
    f->granules &= ~SM3_GRAN_64K;
}

static void off_ssid(Sm3Features *f)
{
    f->ssidsize = 0;
}

/* SMMU_IDR0..5 field positions from the spec, as plain masks. */
static const OffCase off_cases[] = {
    { "stage1", off_stage1, 0, 1u << 1, 1, 0,
      { act_ste_s1, act_tlbi_nh } },
    { "stage2", off_stage2, 0, 1u << 0, 1, 0,
      { act_ste_s2, act_tlbi_s2 } },
    { "two_level_st", off_st2, 0, 3u << 27, 1, 0, { act_st_2lvl } },
    { "two_level_cd", off_cd2, 0, 1u << 19, 1, 0, { act_cd_2lvl } },
    { "hyp", off_hyp, 0, 1u << 9, 1, 0, { act_tlbi_el2, act_e2h } },
    { "ats", off_ats, 0, 1u << 10, 1, 0, { act_atc_inv, act_ats_request } },
    { "pri", off_pri, 0, 1u << 16, 1, 0, { act_pri } },
    { "pri-queue-size", off_pri, 1, 0x1fu << 11, 8, 0, { act_pri } },
    { "msi", off_msi, 0, 1u << 13, 1, 0, { act_msi } },
    { "sev", off_sev, 0, 1u << 14, 1, 0, { act_sev } },
    { "asid16", off_asid16, 0, 1u << 12, 1, 0, { act_asid16 } },
    { "vmid16", off_vmid16, 0, 1u << 18, 1, 0, { act_vmid16 } },
    { "ril", off_ril, 3, 1u << 10, 1, 0, { act_ril } },
    { "httu-none", off_httu, 0, 3u << 6, 2, 0, { act_httu_ha, act_httu_hd } },
    { "httu-af-only", off_httu_d, 0, 3u << 6, 2, 1, { act_httu_hd } },
    { "stall-none", off_stall, 0, 3u << 24, 0, 1,
      { act_stall_cd, act_stall_cmds } },
    { "stall-max", off_stall, 5, 0xffffu << 16, SM3_MAX_STALLS, 0,
      { act_stall_cmds } },
    { "gran4k", off_4k, 5, 1u << 4, 1, 0, { act_gran4k, act_gran4k_s2 } },
    { "gran16k", off_16k, 5, 1u << 5, 1, 0, { act_gran16k, act_gran16k_s2 } },
    { "gran64k", off_64k, 5, 1u << 6, 1, 0, { act_gran64k, act_gran64k_s2 } },
    { "ssidsize0", off_ssid, 1, 0x1fu << 6, 8, 0, { act_ssid } },
};

static Sm3Bench *off_bench(const Sm3Features *f)
{
    Sm3Bench *b = sm3b_new(f);

    sm3b_setup(b, 4, 4, 4);
    return b;
}

static uint32_t off_idr_field(Sm3Bench *b, const OffCase *t)
{
    uint32_t v = sm3b_rd(b, SM3_IDR0 + 4 * t->idr) & t->field;

    return v >> __builtin_ctz(t->field);
}

static void test_feature_off(gconstpointer data)
{
    const OffCase *t = data;
    Sm3Features f = sm3b_all_features();
    Sm3Bench *b;
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(t->act); i++) {
        if (!t->act[i]) {
            continue;
        }
        /* Everything on: advertised and accepted. */
        b = off_bench(&f);
        g_assert_cmphex(off_idr_field(b, t), ==, t->on_val);
        t->act[i](b, false);
        sm3b_free(b);
    }
    t->switch_off(&f);                /* sm3b_new() asserts it is valid */
    for (i = 0; i < G_N_ELEMENTS(t->act); i++) {
        if (!t->act[i]) {
            continue;
        }
        b = off_bench(&f);
        g_assert_cmphex(off_idr_field(b, t), ==, t->off_val);
        t->act[i](b, true);
        sm3b_free(b);
    }
}

int main(int argc, char **argv)
{
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/regs/table-shape", test_table_shape);
    g_test_add_func("/sm3/regs/offsets-golden", test_offsets_golden);
    g_test_add_func("/sm3/regs/reset-values", test_reset_values);
    g_test_add_func("/sm3/regs/idr-all-features", test_idr_all_features);
    g_test_add_func("/sm3/regs/idr-minimal", test_idr_minimal);
    g_test_add_func("/sm3/regs/idr-stage2-only", test_idr_stage2_only);
    g_test_add_func("/sm3/regs/reserved-offsets", test_reserved_offsets);
    g_test_add_func("/sm3/regs/64bit-halves", test_64bit_halves);
    g_test_add_func("/sm3/regs/cr0-ack", test_cr0_ack);
    g_test_add_func("/sm3/regs/queue-index-bits", test_queue_index_bits);
    g_test_add_func("/sm3/regs/gbpa-update", test_gbpa_update);
    g_test_add_func("/sm3/regs/locked-while-enabled",
                    test_locked_while_enabled);
    g_test_add_func("/sm3/regs/strtab-fmt-without-2lvl",
                    test_strtab_fmt_without_2lvl);
    g_test_add_func("/sm3/regs/page1-alias", test_page1_alias);
    g_test_add_func("/sm3/regs/idr-golden", test_idr_golden);
    g_test_add_func("/sm3/regs/restore-refuses", test_restore_refuses);
    g_test_add_func("/sm3/regs/restore-refuses-stalls",
                    test_restore_refuses_stalls);
    g_test_add_func("/sm3/regs/check-config", test_check_config);
    g_test_add_func("/sm3/regs/feature-rules", test_feature_rules);
    g_test_add_func("/sm3/regs/feature-rules-allow",
                    test_feature_rules_allow);
    g_test_add_func("/sm3/regs/hyp-default", test_hyp_default);
    g_test_add_func("/sm3/regs/cache-geometry-errors",
                    test_cache_geometry_errors);
    g_test_add_func("/sm3/regs/two-instances", test_two_instances);
    g_test_add_func("/sm3/regs/save-restore", test_save_restore);
    g_test_add_func("/sm3/regs/linux-probe-sequence",
                    test_linux_probe_sequence);
    for (i = 0; i < G_N_ELEMENTS(off_cases); i++) {
        g_autofree char *path = g_strdup_printf("/sm3/regs/feature-off/%s",
                                                off_cases[i].name);

        g_test_add_data_func(path, &off_cases[i], test_feature_off);
    }
    return g_test_run();
}
