/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of sm3-regs.c: the register table, reset values, ID
 * registers per feature set, access rules, lifecycle and migration.
 */
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

static bool is_contiguous(uint64_t m)
{
    uint64_t low;

    if (!m) {
        return true;
    }
    low = m >> __builtin_ctzll(m);
    return (low & (low + 1)) == 0;
}

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
    /* Field masks that must be contiguous. */
    g_assert_true(is_contiguous(SM3_Q_BASE_ADDR));
    g_assert_true(is_contiguous(SM3_IRQ_CFG0_ADDR));
    g_assert_true(is_contiguous(SM3_STRTAB_BASE_ADDR));
    g_assert_true(is_contiguous(SM3_CMDQ_CONS_ERR));
    g_assert_null(sm3_reg_find(0x30));
}

static void test_reset_values(void)
{
    Sm3Bench *b = sm3b_new(NULL);

    g_assert_cmphex(sm3b_rd(b, SM3_CR0), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, 0);
    g_assert_cmphex(sm3b_rd(b, SM3_GBPA), ==, 0x1000);
    g_assert_cmphex(sm3b_rd(b, SM3_AIDR), ==, 0x02);
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
    g_assert_cmphex(sm3b_rd(b, SM3_IDR3), ==, 0);
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

    f.stage1 = false;
    f.stall_model = SM3_STALL_FORCE;
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

static void test_check_config(void)
{
    Sm3Config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = sm3b_all_features();
    g_assert_nonnull(sm3_check_config(&cfg));      /* no host hooks */
    g_assert_null(sm3_new(&cfg));
    cfg.host.read = (void *)1;
    cfg.host.write = (void *)1;
    g_assert_null(sm3_check_config(&cfg));
    cfg.features.oas_bits = 47;
    g_assert_nonnull(sm3_check_config(&cfg));
    cfg.features.oas_bits = 48;
    cfg.features.stage1 = cfg.features.stage2 = false;
    g_assert_nonnull(sm3_check_config(&cfg));
    cfg.features.stage1 = true;
    cfg.features.granules = 0;
    g_assert_nonnull(sm3_check_config(&cfg));
    cfg.features.granules = SM3_GRAN_4K;
    cfg.features.sidsize = 33;
    g_assert_nonnull(sm3_check_config(&cfg));
    cfg.features.sidsize = 8;
    cfg.features.cmdqs = 20;
    g_assert_nonnull(sm3_check_config(&cfg));
    cfg.features.cmdqs = 8;
    cfg.tlb_entries = 6;          /* not a power-of-two set count */
    cfg.tlb_ways = 4;
    g_assert_null(sm3_new(&cfg));
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
    f.ssidsize = 3;
    b = sm3b_new(&f);
    g_assert_true(sm3_restore(b->s, st));
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, sm3b_rd(a, SM3_CR0ACK));
    g_assert_cmphex(sm3_mmio_read(b->s, SM3_CMDQ_BASE, 8), ==,
                    sm3_mmio_read(a->s, SM3_CMDQ_BASE, 8));
    g_assert_cmphex(sm3b_rd(b, SM3_GERROR_IRQ_CFG1), ==, 0x99);
    /* The ID registers stay those of the destination instance. */
    g_assert_cmpuint(sm_get(sm3b_rd(b, SM3_IDR1), SM3_IDR1_SSIDSIZE), ==, 3);
    st->version = 99;
    g_assert_false(sm3_restore(b->s, st));
    g_free(st);
    sm3b_free(a);
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm3/regs/table-shape", test_table_shape);
    g_test_add_func("/sm3/regs/reset-values", test_reset_values);
    g_test_add_func("/sm3/regs/idr-all-features", test_idr_all_features);
    g_test_add_func("/sm3/regs/idr-minimal", test_idr_minimal);
    g_test_add_func("/sm3/regs/idr-stage2-only", test_idr_stage2_only);
    g_test_add_func("/sm3/regs/reserved-offsets", test_reserved_offsets);
    g_test_add_func("/sm3/regs/64bit-halves", test_64bit_halves);
    g_test_add_func("/sm3/regs/cr0-ack", test_cr0_ack);
    g_test_add_func("/sm3/regs/gbpa-update", test_gbpa_update);
    g_test_add_func("/sm3/regs/locked-while-enabled",
                    test_locked_while_enabled);
    g_test_add_func("/sm3/regs/strtab-fmt-without-2lvl",
                    test_strtab_fmt_without_2lvl);
    g_test_add_func("/sm3/regs/page1-alias", test_page1_alias);
    g_test_add_func("/sm3/regs/check-config", test_check_config);
    g_test_add_func("/sm3/regs/two-instances", test_two_instances);
    g_test_add_func("/sm3/regs/save-restore", test_save_restore);
    g_test_add_func("/sm3/regs/linux-probe-sequence",
                    test_linux_probe_sequence);
    return g_test_run();
}
