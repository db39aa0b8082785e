/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 register file.  Expected offsets and field positions are
 * literal numbers checked against Linux's
 * drivers/iommu/arm/arm-smmu/arm-smmu.h (and, for the registers Linux
 * does not name, an MMU-500 register map), never the model's macros
 * alone, so a wrong definition cannot pass on both sides.
 */
#include <glib.h>
#include <string.h>

#include "sm2-bench.h"
#include "sm2-internal.h"

static void test_offsets(void)
{
    /* Global register space 0 */
    g_assert_cmphex(SM2_SCR0, ==, 0x0);
    g_assert_cmphex(SM2_SIDR0, ==, 0x20);
    g_assert_cmphex(SM2_SIDR2, ==, 0x28);
    g_assert_cmphex(SM2_SGFAR, ==, 0x40);
    g_assert_cmphex(SM2_SGFSR, ==, 0x48);
    g_assert_cmphex(SM2_SGFSYNR0, ==, 0x50);
    g_assert_cmphex(SM2_SGFSYNR1, ==, 0x54);
    g_assert_cmphex(SM2_TLBIVMID, ==, 0x64);
    g_assert_cmphex(SM2_TLBIALLNSNH, ==, 0x68);
    g_assert_cmphex(SM2_TLBIALLH, ==, 0x6c);
    g_assert_cmphex(SM2_STLBGSYNC, ==, 0x70);
    g_assert_cmphex(SM2_STLBGSTATUS, ==, 0x74);
    g_assert_cmphex(SM2_SMR(0), ==, 0x800);
    g_assert_cmphex(SM2_SMR(5), ==, 0x814);
    g_assert_cmphex(SM2_S2CR(0), ==, 0xc00);
    g_assert_cmphex(SM2_S2CR(5), ==, 0xc14);
    /* Global register space 1 */
    g_assert_cmphex(SM2_CBAR(0), ==, 0x0);
    g_assert_cmphex(SM2_CBAR(3), ==, 0xc);
    g_assert_cmphex(SM2_CBFRSYNRA(1), ==, 0x404);
    g_assert_cmphex(SM2_CBA2R(1), ==, 0x804);
    /* Context bank */
    g_assert_cmphex(SM2_CB_SCTLR, ==, 0x0);
    g_assert_cmphex(SM2_CB_TCR2, ==, 0x10);
    g_assert_cmphex(SM2_CB_TTBR0, ==, 0x20);
    g_assert_cmphex(SM2_CB_TTBR1, ==, 0x28);
    g_assert_cmphex(SM2_CB_TCR, ==, 0x30);
    g_assert_cmphex(SM2_CB_CONTEXTIDR, ==, 0x34);
    g_assert_cmphex(SM2_CB_MAIR0, ==, 0x38);
    g_assert_cmphex(SM2_CB_FSR, ==, 0x58);
    g_assert_cmphex(SM2_CB_FAR, ==, 0x60);
    g_assert_cmphex(SM2_CB_FSYNR0, ==, 0x68);
    g_assert_cmphex(SM2_CB_TLBIVA, ==, 0x600);
    g_assert_cmphex(SM2_CB_TLBIVAA, ==, 0x608);
    g_assert_cmphex(SM2_CB_TLBIASID, ==, 0x610);
    g_assert_cmphex(SM2_CB_TLBIALL, ==, 0x618);
    g_assert_cmphex(SM2_CB_TLBIVAL, ==, 0x620);
    g_assert_cmphex(SM2_CB_TLBIIPAS2, ==, 0x630);
    g_assert_cmphex(SM2_CB_TLBIIPAS2L, ==, 0x638);
    g_assert_cmphex(SM2_CB_TLBSYNC, ==, 0x7f0);
    g_assert_cmphex(SM2_CB_TLBSTATUS, ==, 0x7f4);
}

static void test_fields(void)
{
    g_assert_cmphex(SM2_SCR0_CLIENTPD, ==, 0x1);
    g_assert_cmphex(SM2_SCR0_GFRE, ==, 0x2);
    g_assert_cmphex(SM2_SCR0_GFIE, ==, 0x4);
    g_assert_cmphex(SM2_SCR0_USFCFG, ==, 0x400);
    g_assert_cmphex(SM2_SCR0_VMID16EN, ==, 0x80000000);
    g_assert_cmphex(SM2_SMR_VALID, ==, 0x80000000);
    g_assert_cmphex(SM2_S2CR_TYPE, ==, 0x30000);
    g_assert_cmphex(SM2_S2CR_CBNDX, ==, 0xff);
    g_assert_cmphex(SM2_S2CR_PRIVCFG, ==, 0x3000000);
    g_assert_cmphex(SM2_CBAR_TYPE, ==, 0x30000);
    g_assert_cmphex(SM2_CBAR_IRPTNDX, ==, 0xff000000);
    g_assert_cmphex(SM2_CBA2R_VA64, ==, 0x1);
    g_assert_cmphex(SM2_CBA2R_VMID16, ==, 0xffff0000);
    g_assert_cmphex(SM2_SCTLR_M | SM2_SCTLR_TRE | SM2_SCTLR_AFE |
                    SM2_SCTLR_CFRE | SM2_SCTLR_CFIE, ==, 0x67);
    g_assert_cmphex(SM2_TCR2_AS, ==, 0x10);
    g_assert_cmphex(SM2_TTBR_ASID, ==, 0xffff000000000000ull);
    g_assert_cmphex(SM2_FSR_TF, ==, 0x2);
    g_assert_cmphex(SM2_FSR_MULTI, ==, 0x80000000);
    g_assert_cmphex(SM2_FSYNR0_WNR, ==, 0x10);
    g_assert_cmphex(SM2_FSYNR0_S1CBNDX, ==, 0xff0000);
    g_assert_cmphex(SM2_GFSR_USF, ==, 0x2);
}

/* Every row inside its 4KiB space, none overlapping another. */
static void test_table(void)
{
    unsigned n, i, j;
    const Sm2RegDesc *t = sm2_reg_table(&n);

    for (i = 0; i < n; i++) {
        g_assert_true(t[i].size == 4 || t[i].size == 8);
        g_assert_cmpuint(t[i].offset % t[i].size, ==, 0);
        g_assert_cmpuint(t[i].writable & t[i].w1c, ==, 0);
        for (j = 0; j < i; j++) {
            bool arr = t[i].count != SM2_ONE || t[j].count != SM2_ONE;

            if (t[i].space != t[j].space || arr) {
                continue;
            }
            g_assert_true(t[i].offset >= t[j].offset + t[j].size ||
                          t[j].offset >= t[i].offset + t[i].size);
        }
    }
}

static void test_idr(void)
{
    Sm2Bench *b = sm2b_new(NULL);

    /* S1TS S2TS SMS ATOSNS, PTFS 2, NUMIRPT 16, CTTW, NUMSIDB 15, 48 SMRGs */
    g_assert_cmphex(sm2b_rd(b, 0x20), ==, 0x6e105e30);
    /* NUMPAGENDXB 3, NUMS2CB 4, NUMCB 16 */
    g_assert_cmphex(sm2b_rd(b, 0x24), ==, 0x30040010);
    /* VMID16, PTFS 4K/16K/64K, UBS/OAS/IAS 48 bits (5) */
    g_assert_cmphex(sm2b_rd(b, 0x28), ==, 0xf555);
    g_assert_cmphex(sm2_mmio_size(b->s), ==, 0x20000);
    sm2b_wr(b, 0x20, 0);
    g_assert_cmphex(sm2b_rd(b, 0x20), ==, 0x6e105e30);
    sm2b_free(b);
}

/*
 * 16 StreamID bits (EXIDS): the 4-bit NUMSIDB field reads 15, its
 * largest value, with EXIDS [8] set; 16 truncated would read 0 bits.
 */
static void test_idr_exids_numsidb(void)
{
    Sm2Features f;
    Sm2Bench *b;

    sm2_features_default(&f);
    f.exids = true;
    f.numsidb = 16;
    b = sm2b_new(&f);
    g_assert_cmphex(sm2b_rd(b, 0x20), ==, 0x6e105f30);
    sm2b_free(b);
}

static void test_reset(void)
{
    Sm2Bench *b = sm2b_new(NULL);

    g_assert_cmphex(sm2b_rd(b, 0x0), ==, 0x1);         /* CLIENTPD */
    g_assert_cmphex(sm2b_rd(b, 0xc04), ==, 0x20000);   /* S2CR1 fault */
    sm2b_wr(b, 0x0, 0x406);
    sm2b_wr64(b, sm2b_cb(b, 2) + 0x20, 0x1234000012345000ull);
    sm2_reset(b->s);
    g_assert_cmphex(sm2b_rd(b, 0x0), ==, 0x1);
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 2) + 0x20), ==, 0);
    sm2b_free(b);
}

/* Bank n is page 2^(NUMPAGENDXB+1) + n; 64-bit rows in halves too. */
static void test_cb_pages(void)
{
    Sm2Bench *b = sm2b_new(NULL);

    sm2b_wr64(b, 0x12020, 0xabcd000012345000ull);     /* bank 2 TTBR0 */
    g_assert_cmphex(sm2b_rd(b, 0x12020), ==, 0x12345000);
    g_assert_cmphex(sm2b_rd(b, 0x12024), ==, 0xabcd0000);
    sm2b_wr(b, 0x12024, 0x1);
    g_assert_cmphex(sm2b_rd64(b, 0x12020), ==, 0x0000000112345000ull);
    g_assert_cmphex(sm2b_rd64(b, 0x13020), ==, 0);     /* bank 3 */
    sm2b_free(b);
}

static void test_fsr_w1c(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    uint64_t cb1 = sm2b_cb(b, 1);

    sm2b_wr(b, cb1 + 0x5c, 0x80000002);                /* FSRRESTORE */
    g_assert_cmphex(sm2b_rd(b, cb1 + 0x58), ==, 0x80000002);
    sm2b_wr(b, cb1 + 0x58, 0x2);
    g_assert_cmphex(sm2b_rd(b, cb1 + 0x58), ==, 0x80000000);
    sm2b_wr(b, cb1 + 0x58, 0x80000000);
    g_assert_cmphex(sm2b_rd(b, cb1 + 0x58), ==, 0);
    /* sGFSR the same way, through sGFSRRESTORE */
    sm2b_wr(b, 0x4c, 0x2);
    g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0x2);
    sm2b_wr(b, 0x48, 0xffffffff);
    g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0);
    sm2b_free(b);
}

/* SMR ID and MASK hold NUMSIDB bits; bit 15 of each is RES0. */
static void test_smr_bits(void)
{
    Sm2Features f;
    Sm2Bench *b;

    sm2_features_default(&f);
    f.numsidb = 10;
    b = sm2b_new(&f);
    sm2b_wr(b, 0x800, 0xffffffff);
    g_assert_cmphex(sm2b_rd(b, 0x800), ==, 0x83ff03ff);
    sm2b_free(b);
    b = sm2b_new(NULL);
    sm2b_wr(b, 0x804, 0xffffffff);
    g_assert_cmphex(sm2b_rd(b, 0x804), ==, 0xffff7fff);
    /* CBAR.TYPE of a stage-2-only bank (0..NUMS2CB-1) stays 0 */
    sm2b_wr(b, sm2b_gr1(b) + 0x0, 0x00010005);
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b) + 0x0), ==, 0x5);
    sm2b_wr(b, sm2b_gr1(b) + 0x10, 0x00010005);        /* bank 4: S1 */
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b) + 0x10), ==, 0x10005);
    sm2b_free(b);
}

/* Maintenance registers read as zero; syncs complete at once. */
static void test_sync(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    uint64_t cb0 = sm2b_cb(b, 0);

    sm2b_wr(b, cb0 + 0x610, 0x5);
    g_assert_cmphex(sm2b_rd(b, cb0 + 0x610), ==, 0);
    sm2b_wr(b, cb0 + 0x7f0, 0);
    g_assert_cmphex(sm2b_rd(b, cb0 + 0x7f4), ==, 0);
    sm2b_wr(b, 0x70, 0);
    g_assert_cmphex(sm2b_rd(b, 0x74), ==, 0);
    g_assert_cmpuint(b->m->n_logs, ==, 0);
    sm2b_free(b);
}

static void test_reserved(void)
{
    Sm2Bench *b = sm2b_new(NULL);

    g_assert_cmphex(sm2b_rd(b, 0x2000), ==, 0);        /* page 2 */
    g_assert_cmpuint(b->m->n_logs, ==, 1);
    sm2b_wr(b, 0x20000, 1);                            /* past the frame */
    g_assert_cmpuint(b->m->n_logs, ==, 2);
    g_assert_cmphex(sm2_mmio_read(b->s, 0x2, 4), ==, 0);   /* misaligned */
    g_assert_cmpuint(b->m->n_logs, ==, 3);
    sm2b_wr(b, 0x20, 1);                               /* read-only */
    g_assert_cmpuint(b->m->n_logs, ==, 4);
    sm2b_free(b);
}

static void expect_error(void (*edit)(Sm2Features *f), const char *word)
{
    Sm2Config cfg = { 0 };
    char *err;

    sm2_features_default(&cfg.features);
    edit(&cfg.features);
    err = sm2_config_error(&cfg);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err, word));
    g_assert_null(sm2_new(&cfg));
    g_free(err);
}

static void e_nested(Sm2Features *f) { f->nested = true; f->s2 = false; }
static void e_numcb(Sm2Features *f) { f->numcb = 0; }
static void e_pages(Sm2Features *f) { f->numcb = 64; }
static void e_sizes(Sm2Features *f) { f->oas_bits = 52; }
static void e_s2cb(Sm2Features *f) { f->nums2cb = 17; }

static void test_config_errors(void)
{
    Sm2Config cfg = { 0 };

    sm2_features_default(&cfg.features);
    g_assert_null(sm2_config_error(&cfg));
    expect_error(e_nested, "nested");
    expect_error(e_numcb, "numcb");
    expect_error(e_pages, "numpagendxb");
    expect_error(e_sizes, "oas");
    expect_error(e_s2cb, "nums2cb");
}

/*
 * The TLB geometry sm2_new() builds is the one sm2_config_error() checks,
 * also when it is the default one (tlb_entries 0): a replacement policy
 * that does not exist is refused by both, named by the error.
 */
static void test_config_tlb_policy(void)
{
    Sm2Config cfg = { 0 };
    char *err;

    sm2_features_default(&cfg.features);
    cfg.policy = SM_CACHE_PLRU;
    g_assert_null(sm2_config_error(&cfg));
    cfg.policy = SM_CACHE_POLICY_COUNT;
    err = sm2_config_error(&cfg);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err, "policy"));
    g_assert_null(sm2_new(&cfg));
    g_free(err);
    cfg.tlb_entries = 16;
    err = sm2_config_error(&cfg);
    g_assert_nonnull(err);
    g_assert_null(sm2_new(&cfg));
    g_free(err);
}

/*
 * Migration: what software wrote comes back on a second instance, the TLB
 * does not, and a stream of all-ones sets only bits a write could set.
 */
static void test_save_restore(void)
{
    Sm2Bench *a = sm2b_new(NULL), *b = sm2b_new(NULL);
    size_t n = sm2_state_words(a->s);
    uint32_t *words = g_new0(uint32_t, n);
    uint32_t idr0 = sm2b_rd(b, 0x20);

    /* 2 * 1024 GR words at most, plus banks: nonzero and bounded */
    g_assert_cmpuint(n, >, 48 * 2 + 16 * 4);
    g_assert_cmpuint(n, <=, (2 + 16) * 1024);
    sm2b_wr(a, 0x0, 0x00200c00);                 /* sCR0, CLIENTPD clear */
    sm2b_wr(a, 0x800 + 4 * 3, 0x80000010);       /* SMR3: VALID, ID 0x10 */
    sm2b_wr(a, 0xc00 + 4 * 3, 0x00000005);       /* S2CR3: translate, CB 5 */
    sm2b_wr(a, sm2b_gr1(a) + 4 * 5, 0x00000100); /* CBAR5: TYPE 1 (S1) */
    sm2b_wr64(a, sm2b_cb(a, 5) + 0x20, 0x0012000040001000ULL); /* TTBR0 */
    sm2b_wr(a, sm2b_cb(a, 5) + 0x5c, 0x00000002); /* FSRRESTORE: TF */
    sm2_save(a->s, words);
    sm2_restore(b->s, words);
    g_assert_cmphex(sm2b_rd(b, 0x0), ==, 0x00200c00);
    g_assert_cmphex(sm2b_rd(b, 0x800 + 4 * 3), ==, 0x80000010);
    g_assert_cmphex(sm2b_rd(b, 0xc00 + 4 * 3), ==, 0x00000005);
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b) + 4 * 5), ==, 0x00000100);
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 5) + 0x20), ==,
                    0x0012000040001000ULL);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 5) + 0x58), ==, 0x00000002);
    g_assert_cmphex(sm2b_rd(b, 0x20), ==, idr0);

    memset(words, 0xff, n * sizeof(*words));
    sm2_restore(b->s, words);
    g_assert_cmphex(sm2b_rd(b, 0x20), ==, idr0);       /* sIDR0 kept */
    g_assert_cmphex(sm2b_rd(b, 0x24), ==, sm2b_rd(a, 0x24));
    /* SMR: VALID and 15 ID and mask bits only (NUMSIDB = 15) */
    g_assert_cmphex(sm2b_rd(b, 0x800), ==, 0xffffffff & ~0x00008000);
    /* CBAR of a stage-2-only bank (0..3) keeps TYPE 0 */
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b)) & 0x30000, ==, 0);
    g_free(words);
    sm2b_free(a);
    sm2b_free(b);
}

/*
 * A context fault's record travels whole: FSR, FAR, FSYNR0 and the
 * StreamID in CBFRSYNRA (which no register write sets).
 */
static void test_save_restore_fault_record(void)
{
    Sm2Bench *a = sm2b_new(NULL), *b = sm2b_new(NULL);
    uint32_t *words = g_new0(uint32_t, sm2_state_words(a->s));
    Sm2Request r = { .sid = 0x1234, .iova = 0x5678, .write = true };

    sm2b_wr(a, 0x800, 0x80001234);               /* SMR0: ID 0x1234 */
    sm2b_wr(a, 0xc00, 0x00000006);               /* S2CR0: bank 6 */
    sm2b_wr(a, sm2b_gr1(a) + 4 * 6, 0x00010000); /* CBAR6: TYPE 1 */
    sm2b_wr(a, sm2b_cb(a, 6), 0x1);              /* SCTLR.M, VA64 clear */
    sm2b_wr(a, 0x0, 0);
    g_assert_cmpint(sm2_translate(a->s, &r).outcome, ==, SM2_XLATE_FAULT);
    g_assert_cmphex(sm2b_rd(a, sm2b_gr1(a) + 0x400 + 4 * 6), ==, 0x1234);
    sm2_save(a->s, words);
    sm2_restore(b->s, words);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 6) + 0x58), ==, 0x2);  /* TF */
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 6) + 0x60), ==, 0x5678);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 6) + 0x68), ==, 0x110);
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b) + 0x400 + 4 * 6), ==, 0x1234);
    g_free(words);
    sm2b_free(a);
    sm2b_free(b);
}

/*
 * A 64-bit write to two 32-bit registers acts as two writes (MAIR0 then
 * MAIR1); without vmid16, CBA2R.VMID16 [31:16] holds nothing; the names
 * of global faults are the architecture's.
 */
static void test_pairs_and_masks(void)
{
    Sm2Features f;
    Sm2Bench *b;

    sm2_features_default(&f);
    f.vmid16 = false;
    b = sm2b_new(&f);
    sm2b_wr64(b, sm2b_cb(b, 2) + 0x38, 0x11223344aabbccddull);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 2) + 0x38), ==, 0xaabbccdd);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 2) + 0x3c), ==, 0x11223344);
    sm2b_wr(b, sm2b_gr1(b) + 0x800 + 4 * 2, 0x00070001);
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b) + 0x800 + 4 * 2), ==, 0x1);
    g_assert_cmpstr(sm2_gfsr_name(0x2), ==, "USF");
    g_assert_cmpstr(sm2_gfsr_name(0x8), ==, "UCBF");
    sm2b_free(b);
}

/* TLB geometry: ways need entries; entries must suit the cache engine. */
static void test_tlb_config_errors(void)
{
    Sm2Config cfg = { 0 };
    char *err;

    sm2_features_default(&cfg.features);
    cfg.tlb_ways = 4;
    err = sm2_config_error(&cfg);
    g_assert_nonnull(strstr(err, "tlb_ways"));
    g_free(err);
    cfg.tlb_entries = 96;
    cfg.tlb_ways = 5;
    err = sm2_config_error(&cfg);
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err, "tlb_entries"));
    g_assert_null(sm2_new(&cfg));
    g_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm2/regs/offsets", test_offsets);
    g_test_add_func("/sm2/regs/fields", test_fields);
    g_test_add_func("/sm2/regs/table", test_table);
    g_test_add_func("/sm2/regs/idr", test_idr);
    g_test_add_func("/sm2/regs/idr-exids-numsidb", test_idr_exids_numsidb);
    g_test_add_func("/sm2/regs/reset", test_reset);
    g_test_add_func("/sm2/regs/cb-pages", test_cb_pages);
    g_test_add_func("/sm2/regs/fsr-w1c", test_fsr_w1c);
    g_test_add_func("/sm2/regs/smr-bits", test_smr_bits);
    g_test_add_func("/sm2/regs/sync", test_sync);
    g_test_add_func("/sm2/regs/reserved", test_reserved);
    g_test_add_func("/sm2/regs/config-errors", test_config_errors);
    g_test_add_func("/sm2/regs/config-tlb-policy", test_config_tlb_policy);
    g_test_add_func("/sm2/regs/save-restore", test_save_restore);
    g_test_add_func("/sm2/regs/pairs-and-masks", test_pairs_and_masks);
    g_test_add_func("/sm2/regs/tlb-config-errors", test_tlb_config_errors);
    g_test_add_func("/sm2/regs/save-restore-fault-record",
                    test_save_restore_fault_record);
    return g_test_run();
}
