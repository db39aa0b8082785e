/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 translation: stream matching, S2CR types, stage-1 and stage-2
 * context banks, context and global fault syndromes, TLB maintenance.
 * Registers are programmed by raw offsets and values, the way Linux's
 * arm-smmu driver writes them (arm_smmu_write_context_bank()).
 */
#include <glib.h>

#include "sm-ptbuild.h"
#include "sm2-bench.h"
#include "sm2-regs.h"

#define SID     0x42
#define ASID    3
#define VA      0x12345678ull
#define PAGE_PA 0x80001000ull

/* Stream match group @g: ID @id, MASK @mask, valid; S2CR to bank @cb. */
static void stream(Sm2Bench *b, unsigned g, uint32_t id, uint32_t mask,
                   unsigned cb)
{
    sm2b_wr(b, 0x800 + 4 * g, 0x80000000 | mask << 16 | id);
    sm2b_wr(b, 0xc00 + 4 * g, cb);                     /* TYPE translate */
}

/*
 * Bank @cb as Linux sets up a stage-1 domain: CBA2R.VA64, CBAR.TYPE 1,
 * TCR T0SZ 16 (48-bit VA, 4K) with EPD1, TCR2 PASIZE 48 bits and AS,
 * TTBR0 = table | ASID << 48, SCTLR M TRE AFE CFRE CFIE.
 */
static SmPt s1_bank(Sm2Bench *b, unsigned cb)
{
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt;
    uint64_t base = sm2b_cb(b, cb);

    sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 0);
    sm2b_wr(b, sm2b_gr1(b) + 0x800 + 4 * cb, 0x1);
    sm2b_wr(b, sm2b_gr1(b) + 4 * cb, 0x1ff00);      /* TYPE 1, attrs */
    sm2b_wr(b, base + 0x10, 0x10 | 5);
    sm2b_wr(b, base + 0x30, 0x00800010);
    sm2b_wr64(b, base + 0x20, pt.root | (uint64_t)ASID << 48);
    sm2b_wr(b, base + 0x0, 0x67);
    return pt;
}

static void enable(Sm2Bench *b, uint32_t scr0)
{
    sm2b_wr(b, 0x0, scr0);               /* CLIENTPD clear */
}

/*
 * The usual stage-1 set-up on top of s1_bank(b, 5): VA's page to PAGE_PA
 * in @pt, StreamID SID to bank 5, the SMMU enabled.
 */
static void s1_stream_on(Sm2Bench *b, SmPt *pt)
{
    SmPtMem mem = sm_tm_pt_mem(b->m);

    sm_pt_map(&mem, pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
}

static Sm2Xlate xl(Sm2Bench *b, uint32_t sid, uint64_t va, bool write)
{
    Sm2Request r = { .sid = sid, .iova = va, .write = write, .priv = true };

    return sm2_translate(b->s, &r);
}

static void test_clientpd_bypass(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    Sm2Xlate x = xl(b, SID, VA, false);

    g_assert_cmpint(x.outcome, ==, SM2_XLATE_BYPASS);
    g_assert_cmphex(x.pa, ==, VA);
    sm2b_free(b);
}

static void test_s1(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    Sm2Xlate x;

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
    stream(b, 0, 0x40, 0x3, 5);          /* 0x40..0x43 */
    enable(b, 0);
    x = xl(b, SID, VA, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_OK);
    g_assert_cmphex(x.pa, ==, 0x80001678ull);
    g_assert_cmphex(x.mask, ==, 0xfff);
    g_assert_true(x.perm & SM_PERM_PW);
    g_assert_false(x.tlb_hit);
    x = xl(b, 0x43, VA, false);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_OK);
    g_assert_true(x.tlb_hit);
    /* 0x44 is outside the mask: unmatched, USFCFG 0 bypasses */
    g_assert_cmpint(xl(b, 0x44, VA, false).outcome, ==, SM2_XLATE_BYPASS);
    sm2b_free(b);
}

/*
 * Bank 1 (a stage-2-only bank) as Linux sets up a stage-2 domain: CBAR
 * VMID 5, TCR = VTCR with T0SZ 24 (40-bit IPA), SL0 1 (start level 1),
 * 4K, PS 40 bits, RES1; TTBR0 = VTTBR.
 */
static void test_s2(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt;
    Sm2Xlate x;

    sm_pt_init(&mem, &pt, SM_GRANULE_4K, 40, 1);
    sm_pt_map(&mem, &pt, 0x40200000ull, 0x1200000ull, 2, SM_PT_S2_RW);
    sm2b_wr(b, sm2b_gr1(b) + 0x804, 0x1);
    sm2b_wr(b, sm2b_gr1(b) + 0x4, 0x5);
    sm2b_wr(b, sm2b_cb(b, 1) + 0x30, 0x80000000 | 2 << 16 | 1 << 6 | 24);
    sm2b_wr64(b, sm2b_cb(b, 1) + 0x20, pt.root);
    sm2b_wr(b, sm2b_cb(b, 1) + 0x0, 0x67);
    stream(b, 3, 0x7, 0, 1);
    enable(b, 0);
    x = xl(b, 0x7, 0x40212345ull, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_OK);
    g_assert_cmphex(x.pa, ==, 0x1212345ull);
    g_assert_cmphex(x.mask, ==, 0x1fffff);       /* 2MiB block */
    /* TLBIVMID 5 from GR0 drops it; VMID 6 does not */
    sm2b_wr(b, 0x64, 6);
    g_assert_true(xl(b, 0x7, 0x40212345ull, false).tlb_hit);
    sm2b_wr(b, 0x64, 5);
    g_assert_false(xl(b, 0x7, 0x40212345ull, false).tlb_hit);
    sm2b_free(b);
}

/*
 * A translation fault at level 3: FSR.TF, FAR = the VA, FSYNR0 = WNR,
 * PNU, NSATTR and PLVL 3; CBFRSYNRA = StreamID; the bank's interrupt.
 * A second fault only adds MULTI.
 */
static void test_translation_fault(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);
    Sm2Xlate x;

    sm_pt_map(&mem, &pt, VA + 0x1000, PAGE_PA, 3, SM_PT_S1_RW);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    x = xl(b, SID, VA, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_false(x.fault.global);
    g_assert_cmphex(x.fault.bit, ==, 0x2);
    g_assert_true(x.fault.abort);                /* SCTLR.CFRE */
    g_assert_cmpint(x.fault.level, ==, 3);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x2);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x60), ==, VA);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x68), ==, 0x133);
    g_assert_cmphex(sm2b_rd(b, sm2b_gr1(b) + 0x414), ==, SID);
    g_assert_true(b->irq[SM2_IRQ_CONTEXT(5)]);
    x = xl(b, SID, VA + 0x2000, false);
    g_assert_false(x.fault.recorded);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x80000002);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x60), ==, VA);
    sm2b_wr(b, cb5 + 0x58, 0x80000002);          /* as Linux clears it */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0);
    g_assert_false(b->irq[SM2_IRQ_CONTEXT(5)]);
    /* CFRE = 0: still recorded, but the client sees RAZ/WI */
    sm2b_wr(b, cb5 + 0x0, 0x47);
    x = xl(b, SID, VA, false);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_false(x.fault.abort);
    sm2b_free(b);
}

/*
 * FSYNR0.PLVL [1:0] of faults the descriptors do not hold, with a 39-bit
 * input (T0SZ 25) walked from level 1: an input above it is a level 0
 * translation fault, TTBR0 beyond TCR2.PASIZE (32 bits) a level 0
 * address size fault, a level-1 table descriptor leading beyond it a
 * level 1 one (the level of the descriptor, not of the table it names).
 */
static void test_fault_levels(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    uint64_t cb5 = sm2b_cb(b, 5);
    uint64_t l1;
    SmPt pt;

    s1_bank(b, 5);
    sm_pt_init(&mem, &pt, SM_GRANULE_4K, 39, 1);
    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
    sm2b_wr(b, cb5 + 0x30, 0x00800019);          /* EPD1, T0SZ 25 */
    sm2b_wr64(b, cb5 + 0x20, pt.root | (uint64_t)ASID << 48);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_OK);

    xl(b, SID, 1ull << 39, false);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x2);       /* TF */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x68), ==, 0x120);     /* PLVL 0 */
    sm2b_wr(b, cb5 + 0x58, 0x2);

    sm2b_wr(b, cb5 + 0x10, 0x10);                /* AS, PASIZE 32 bits */
    sm2b_wr(b, cb5 + 0x618, 0);                  /* TLBIALL */
    l1 = sm_pt_desc_addr(&mem, &pt, VA, 1);
    sm_tm_w64(b->m, l1, 0x100000000ull | 3);     /* table above 4GiB */
    xl(b, SID, VA, true);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x80);      /* ASF */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x68), ==, 0x131);     /* PLVL 1 */
    sm2b_wr(b, cb5 + 0x58, 0x80);

    sm2b_wr64(b, cb5 + 0x20, 0x100000000ull | (uint64_t)ASID << 48);
    xl(b, SID, VA, true);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x80);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x68), ==, 0x130);     /* PLVL 0 */
    sm2b_free(b);
}

/* Unidentified stream with sCR0.USFCFG: sGFSR.USF and its syndrome. */
static void test_usf(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    Sm2Xlate x;

    enable(b, 0x406);                            /* USFCFG GFIE GFRE */
    x = xl(b, 0x99, 0xabc000, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_true(x.fault.global);
    g_assert_true(x.fault.abort);
    g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0x2);
    g_assert_cmphex(sm2b_rd64(b, 0x40), ==, 0xabc000);
    g_assert_cmphex(sm2b_rd(b, 0x50), ==, 0x26);   /* WNR PNU NSATTR */
    g_assert_cmphex(sm2b_rd(b, 0x54), ==, 0x99);
    g_assert_true(b->irq[SM2_IRQ_GLOBAL]);
    sm2b_wr(b, 0x48, 0x2);
    g_assert_false(b->irq[SM2_IRQ_GLOBAL]);
    sm2b_free(b);
}

static void test_s2cr_types(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    Sm2Xlate x;

    sm2b_wr(b, 0x800, 0x80000001);
    sm2b_wr(b, 0xc00, 0x10000);                  /* bypass */
    sm2b_wr(b, 0x804, 0x80000002);
    sm2b_wr(b, 0xc04, 0x20000);                  /* fault */
    sm2b_wr(b, 0x808, 0x80000003);
    sm2b_wr(b, 0xc08, 0x000ff);                  /* bank 255 */
    enable(b, 0x32);                             /* GCFG* and GFRE */
    g_assert_cmpint(xl(b, 1, VA, false).outcome, ==, SM2_XLATE_BYPASS);
    x = xl(b, 2, VA, false);
    g_assert_cmphex(x.fault.bit, ==, 0x1);       /* ICF */
    sm2b_wr(b, 0x48, 0x1);
    x = xl(b, 3, VA, false);
    g_assert_cmphex(x.fault.bit, ==, 0x8);       /* UCBF */
    sm2b_wr(b, 0x48, 0x8);
    /* two groups match 1: a stream match conflict with SMCFCFG */
    sm2b_wr(b, 0x80c, 0x80010000);
    enable(b, 0x200032);
    x = xl(b, 1, VA, false);
    g_assert_cmphex(x.fault.bit, ==, 0x4);       /* SMCF */
    sm2b_free(b);
}

/*
 * S2CR.PRIVCFG decides the privilege the result reports: 0b11 makes an
 * unprivileged transaction privileged (a leaf with AP[2:1] = 0b00 then
 * allows it), 0b10 makes a privileged one unprivileged (the same leaf
 * then faults).
 */
static void test_privcfg_result(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    Sm2Request r = { .sid = SID, .iova = VA, .write = true };
    Sm2Xlate x;

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW & ~SM_DESC_AP1);
    stream(b, 0, SID, 0, 5);
    sm2b_wr(b, 0xc00, 0x03000005);               /* PRIVCFG 0b11, bank 5 */
    enable(b, 0);
    x = sm2_translate(b->s, &r);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_OK);
    g_assert_true(x.priv);
    g_assert_true(x.perm & SM_PERM_PW);
    g_assert_false(x.perm & SM_PERM_W);
    sm2b_wr(b, 0xc00, 0x02000005);               /* PRIVCFG 0b10 */
    r.priv = true;
    x = sm2_translate(b->s, &r);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_cmphex(x.fault.bit, ==, 0x8);       /* PF */
    sm2b_free(b);
}

/* TLB hit, TLBIVA of another ASID keeps it, TLBIVA of ours re-walks. */
static void test_tlbiva(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);

    s1_stream_on(b, &pt);
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    sm_pt_map(&mem, &pt, VA, 0x90002000ull, 3, SM_PT_S1_RW);
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x80001678ull);
    sm2b_wr64(b, cb5 + 0x600, (VA >> 12) | (uint64_t)(ASID + 1) << 48);
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr64(b, cb5 + 0x600, ((VA + 0x1000) >> 12) | (uint64_t)ASID << 48);
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr64(b, cb5 + 0x600, (VA >> 12) | (uint64_t)ASID << 48);
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x90002678ull);
    /* TLBIASID of our ASID empties it again */
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr(b, cb5 + 0x610, ASID);
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    sm2b_free(b);
}

/*
 * A global leaf (nG = 0): TLBIASID of its bank's ASID keeps it (it
 * belongs to no ASID), TLBIVA of its VA with any other ASID drops it.
 */
static void test_tlbi_global_entry(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_DESC_AF | SM_DESC_AP1);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr(b, cb5 + 0x610, ASID);                       /* TLBIASID */
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr64(b, cb5 + 0x600, (VA >> 12) | (uint64_t)(ASID + 7) << 48);
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    sm2b_free(b);
}

static Sm2Bench *nested_bench(void);

/*
 * Random register writes and translations, every stage implemented
 * (nested too): no crash, no assert.
 */
static void test_random(void)
{
    Sm2Bench *b = nested_bench();
    GRand *r = g_rand_new_with_seed(7);
    unsigned i;

    for (i = 0; i < 20000; i++) {
        uint64_t off = g_rand_int_range(r, 0, 0x20000) & ~3u;

        if (g_rand_boolean(r)) {
            sm2b_wr(b, off, g_rand_int(r));
        } else {
            Sm2Request q = {
                .sid = g_rand_int_range(r, 0, 64),
                .iova = (uint64_t)g_rand_int(r) << g_rand_int_range(r, 0, 32),
                .write = g_rand_boolean(r),
            };

            sm2_translate(b->s, &q);
        }
    }
    g_rand_free(r);
    sm2b_free(b);
}

/* ---- nested (CBAR.TYPE 3) ---------------------------------------------- */

#define IPA_OUT  0x40000000ull       /* stage-1 output of VA's page */
#define PA_OUT   0x1200000ull        /* where stage 2 puts that IPA */

static Sm2Bench *nested_bench(void)
{
    Sm2Features f;

    sm2_features_default(&f);
    f.nested = true;
    return sm2b_new(&f);
}

/*
 * Bank 1 as the stage-2 bank (VMID 5, 40-bit IPA from level 1, 4K): IPA
 * [0, 32MiB) maps to itself in 2MiB blocks, so that the stage-1 tables
 * (IPAs here) are where the builder put them, and IPA_OUT's 2MiB block
 * to PA_OUT.  Bank 5 is stage 1 nested on bank 1: CBAR TYPE 3 with
 * CBNDX (bits [15:8]) 1; VA's page to IPA_OUT + 0x1000.
 */
static void nested_banks(Sm2Bench *b)
{
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt s2, s1 = s1_bank(b, 5);

    sm_pt_map(&mem, &s1, VA, IPA_OUT + 0x1000, 3, SM_PT_S1_RW);
    sm_pt_map(&mem, &s1, VA + 0x10000, 0x50000000ull, 3, SM_PT_S1_RW);
    sm_pt_init(&mem, &s2, SM_GRANULE_4K, 40, 1);
    sm_pt_map_range(&mem, &s2, 0, 32 << 20, 0, 2, SM_PT_S2_RW);
    sm_pt_map(&mem, &s2, IPA_OUT, PA_OUT, 2, SM_PT_S2_RW);
    sm2b_wr(b, sm2b_gr1(b) + 0x804, 0x1);
    sm2b_wr(b, sm2b_gr1(b) + 0x4, 0x5);
    sm2b_wr(b, sm2b_cb(b, 1) + 0x30, 0x80000000 | 2 << 16 | 1 << 6 | 24);
    sm2b_wr64(b, sm2b_cb(b, 1) + 0x20, s2.root);
    sm2b_wr(b, sm2b_cb(b, 1) + 0x0, 0x67);
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x30100);       /* TYPE 3, CBNDX 1 */
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
}

/*
 * VA -> IPA_OUT + 0x1678 by stage 1 of bank 5 -> PA_OUT + 0x1678 by the
 * 2MiB block of bank 1; the answer covers the smaller leaf (4KiB) and is
 * cached; stage-2 maintenance of VMID 5 (TLBIIPAS2 of that IPA, or
 * TLBIVMID 5) removes it, TLBIVMID 6 does not.  sIDR0.NTS is set.
 */
static void test_nested(void)
{
    Sm2Bench *b = nested_bench();
    Sm2Xlate x;

    g_assert_cmphex(sm2b_rd(b, 0x20) & (1u << 28), ==, 1u << 28);
    nested_banks(b);
    x = xl(b, SID, VA, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_OK);
    g_assert_cmphex(x.pa, ==, PA_OUT + 0x1678);
    g_assert_cmphex(x.mask, ==, 0xfff);
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr(b, 0x64, 6);                              /* TLBIVMID 6 */
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr64(b, sm2b_cb(b, 1) + 0x630, (IPA_OUT + 0x1000) >> 12);
    x = xl(b, SID, VA, false);                        /* after TLBIIPAS2 */
    g_assert_false(x.tlb_hit);
    g_assert_cmphex(x.pa, ==, PA_OUT + 0x1678);
    sm2b_wr(b, 0x64, 5);                              /* TLBIVMID 5 */
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    sm2b_free(b);
}

/*
 * Stage 1 gives IPA 0x50000678, which stage 2 does not map: its level-1
 * entry (the second GiB) is the table holding IPA_OUT's block, whose
 * entry for 0x50000000 is invalid, so a translation fault of the
 * stage-2 bank (1) at level 2: FSYNR0 with S1CBNDX 5, NSATTR, PNU, WNR
 * and PLVL 2, FAR the VA, IPAFAR the IPA; nothing in bank 5.
 */
static void test_nested_s2_fault(void)
{
    Sm2Bench *b = nested_bench();
    Sm2Xlate x;

    nested_banks(b);
    x = xl(b, SID, VA + 0x10000, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_false(x.fault.global);
    g_assert_cmpuint(x.fault.cbndx, ==, 1);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 1) + 0x58), ==, 0x2);    /* TF */
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 1) + 0x68), ==,
                    0x050000 | 0x100 | 0x20 | 0x10 | 0x2);
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 1) + 0x60), ==,
                    VA + 0x10000);
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 1) + 0x70), ==, 0x50000678ull);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 5) + 0x58), ==, 0);
    sm2b_free(b);
}

/*
 * CBNDX naming a stage-1 bank, the bank itself or one past NUMCB is no
 * nested context: a global invalid context fault (sGFSR.ICF, bit 0).
 * Without the nested feature TYPE 3 is the same fault.
 */
static void test_nested_bad_s2_bank(void)
{
    static const uint32_t cbndx[] = { 6, 5, 16 };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(cbndx); i++) {
        Sm2Bench *b = nested_bench();

        nested_banks(b);
        sm2b_wr(b, sm2b_gr1(b) + 4 * 6, 0x10000);   /* bank 6: TYPE 1 */
        sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x30000 | cbndx[i] << 8);
        g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_FAULT);
        g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0x1);
        sm2b_free(b);
    }
    {
        Sm2Bench *b = sm2b_new(NULL);

        nested_banks(b);
        g_assert_cmphex(sm2b_rd(b, 0x20) & (1u << 28), ==, 0);
        g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_FAULT);
        g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0x1);
        sm2b_free(b);
    }
}

/* ---- less travelled paths ------------------------------------------------ */

/*
 * Extended StreamIDs (exids, 16 bits) with sCR0.EXIDENABLE [3]: SMR is
 * EXMASK [31:16] and EXID [15:0] and its valid bit is S2CR.EXIDVALID
 * [10].  Group 0 matches 0x8100..0x81ff and sends them to a fault S2CR
 * (ICF); 0x8200 is unmatched (bypass); without EXIDVALID nothing matches.
 */
static void test_exids_match(void)
{
    Sm2Features f;
    Sm2Bench *b;
    Sm2Xlate x;

    sm2_features_default(&f);
    f.exids = true;
    f.numsidb = 16;
    b = sm2b_new(&f);
    sm2b_wr(b, 0x800, 0x00ff8100);
    sm2b_wr(b, 0xc00, 0x20000 | 0x400);          /* fault, EXIDVALID */
    enable(b, 0x8 | 0x32);
    x = xl(b, 0x81ff, VA, false);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_cmphex(x.fault.bit, ==, 0x1);
    sm2b_wr(b, 0x48, 0x1);
    g_assert_cmpint(xl(b, 0x8200, VA, false).outcome, ==, SM2_XLATE_BYPASS);
    sm2b_wr(b, 0xc00, 0x20000);
    g_assert_cmpint(xl(b, 0x8100, VA, false).outcome, ==, SM2_XLATE_BYPASS);
    sm2b_free(b);
}

/*
 * S2CR.INSTCFG [27:26] 0b10 makes an instruction fetch a data access: a
 * fetch from an execute-never page (UXN and PXN) faults (FSR.PF) unless
 * the stream's INSTCFG says data.
 */
static void test_instcfg(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    Sm2Request r = { .sid = SID, .iova = VA, .instr = true, .priv = true };

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3,
              SM_PT_S1_RW | SM_DESC_UXN | SM_DESC_PXN);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    g_assert_cmphex(sm2_translate(b->s, &r).fault.bit, ==, 0x8);   /* PF */
    sm2b_wr(b, sm2b_cb(b, 5) + 0x58, 0x8);
    sm2b_wr(b, 0xc00, 5 | 2u << 26);
    g_assert_cmpint(sm2_translate(b->s, &r).outcome, ==, SM2_XLATE_OK);
    sm2b_free(b);
}

/*
 * What a stage-1 bank does before it walks: SCTLR.M = 0 bypasses; TCR
 * EPD0 [7], an address with bit 63 set under EPD1, a granule sIDR2 does
 * not list (64K without ptfs_64k) and an unwalkable T0SZ (0: 64-bit
 * input, logged) are translation faults at level 0.
 */
static void test_s1_bank_checks(void)
{
    Sm2Features f;
    Sm2Bench *b;
    uint64_t cb5;

    sm2_features_default(&f);
    f.ptfs_64k = false;
    b = sm2b_new(&f);
    cb5 = sm2b_cb(b, 5);
    s1_bank(b, 5);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    sm2b_wr(b, cb5 + 0x0, 0x66);                           /* M = 0 */
    g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_BYPASS);
    sm2b_wr(b, cb5 + 0x0, 0x67);
    sm2b_wr(b, cb5 + 0x30, 0x00800010 | 0x80);             /* EPD0 */
    g_assert_cmphex(xl(b, SID, VA, false).fault.bit, ==, 0x2);
    sm2b_wr(b, cb5 + 0x58, 0x2);
    g_assert_cmphex(xl(b, SID, 0xffff000012345000ull, false).fault.bit, ==,
                    0x2);                                  /* EPD1 */
    sm2b_wr(b, cb5 + 0x58, 0x2);
    sm2b_wr(b, cb5 + 0x30, 0x00800010 | 1u << 14);         /* TG0 64K */
    g_assert_cmphex(xl(b, SID, VA, false).fault.bit, ==, 0x2);
    sm2b_wr(b, cb5 + 0x58, 0x2);
    sm2b_wr(b, cb5 + 0x30, 0x00800000);                    /* T0SZ 0 */
    g_assert_cmphex(xl(b, SID, VA, false).fault.bit, ==, 0x2);
    g_assert_cmpint(sm2b_rd(b, cb5 + 0x68) & 0x3, ==, 0);  /* PLVL 0 */
    g_assert_cmpuint(b->m->n_logs, >, 0);
    sm2b_free(b);
}

/*
 * Nested bank 5 on stage-2 bank 1 when not both walk: both SCTLR.M
 * clear bypasses; the stage-2 bank in AArch32 format (CBA2R.VA64 = 0)
 * is that bank's TF; stage 1 with EPD0 is bank 5's TF; a stage-2 granule
 * sIDR2 does not list (16K without ptfs_16k) is bank 1's TF, with
 * FSYNR0.S1CBNDX 5.
 */
static void test_nested_bank_checks(void)
{
    Sm2Features f;
    Sm2Bench *b;
    uint64_t cb1, cb5;

    sm2_features_default(&f);
    f.nested = true;
    f.ptfs_16k = false;
    b = sm2b_new(&f);
    cb1 = sm2b_cb(b, 1);
    cb5 = sm2b_cb(b, 5);
    nested_banks(b);
    sm2b_wr(b, cb1 + 0x0, 0x66);
    sm2b_wr(b, cb5 + 0x0, 0x66);
    g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_BYPASS);
    sm2b_wr(b, cb1 + 0x0, 0x67);
    sm2b_wr(b, cb5 + 0x0, 0x67);
    sm2b_wr(b, sm2b_gr1(b) + 0x804, 0x0);                 /* VA64 = 0 */
    g_assert_cmpuint(xl(b, SID, VA, false).fault.cbndx, ==, 1);
    g_assert_cmphex(sm2b_rd(b, cb1 + 0x58), ==, 0x2);
    sm2b_wr(b, cb1 + 0x58, 0x2);
    sm2b_wr(b, sm2b_gr1(b) + 0x804, 0x1);
    sm2b_wr(b, cb5 + 0x30, 0x00800010 | 0x80);             /* EPD0 */
    g_assert_cmpuint(xl(b, SID, VA, false).fault.cbndx, ==, 5);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x2);
    sm2b_wr(b, cb5 + 0x58, 0x2);
    sm2b_wr(b, cb5 + 0x30, 0x00800010);
    sm2b_wr(b, cb1 + 0x30, 0x80000000 | 2 << 16 | 1 << 6 | 2u << 14 | 24);
    g_assert_cmpuint(xl(b, SID, VA, false).fault.cbndx, ==, 1);
    g_assert_cmphex(sm2b_rd(b, cb1 + 0x58), ==, 0x2);
    g_assert_cmphex(sm2b_rd(b, cb1 + 0x68) & 0xff0000, ==, 0x050000);
    sm2b_free(b);
}

/*
 * 8-bit ASIDs (TCR2.AS = 0): TTBR0's ASID 0x1203 is ASID 3, so the
 * TLBIASID operand 0x7703 (8 bits: 3) removes its entries; TLBIALLH
 * (no hypervisor contexts) removes nothing.  The TLB's counters follow.
 */
static void test_asid8_and_tlbiallh(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);
    SmCacheStats st;

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
    sm2b_wr(b, cb5 + 0x10, 5);                             /* AS = 0 */
    sm2b_wr64(b, cb5 + 0x20, pt.root | (uint64_t)0x1203 << 48);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    xl(b, SID, VA, false);
    sm2b_wr(b, 0x6c, 0);                                   /* TLBIALLH */
    g_assert_true(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr(b, cb5 + 0x610, 0x7703);
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    st = sm2_tlb_stats(b->s);
    g_assert_cmpuint(st.lookups, ==, 3);
    g_assert_cmpuint(st.hits, ==, 1);
    sm2b_free(b);
}

/* ---- found in review --------------------------------------------------- */

/*
 * A nested bank translates in its stage-2 bank's VMID: after the
 * stage-2 bank moves to VMID 9 with new tables (and TLBIVMID 9), the
 * entry made under VMID 5 no longer answers; the new tables do
 * (IPA_OUT -> PA_OUT + 4MiB).
 */
static void test_nested_vmid_change(void)
{
    Sm2Bench *b = nested_bench();
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt s2;
    Sm2Xlate x;

    nested_banks(b);
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, PA_OUT + 0x1678);
    sm_pt_init(&mem, &s2, SM_GRANULE_4K, 40, 1);
    sm_pt_map_range(&mem, &s2, 0, 32 << 20, 0, 2, SM_PT_S2_RW);
    sm_pt_map(&mem, &s2, IPA_OUT, PA_OUT + (4 << 20), 2, SM_PT_S2_RW);
    sm2b_wr(b, sm2b_cb(b, 1) + 0x0, 0x0);
    sm2b_wr(b, sm2b_gr1(b) + 0x4, 0x9);
    sm2b_wr64(b, sm2b_cb(b, 1) + 0x20, s2.root);
    sm2b_wr(b, sm2b_cb(b, 1) + 0x0, 0x67);
    sm2b_wr(b, 0x64, 9);                              /* TLBIVMID 9 */
    x = xl(b, SID, VA, false);
    g_assert_false(x.tlb_hit);
    g_assert_cmphex(x.pa, ==, PA_OUT + (4 << 20) + 0x1678);
    sm2b_free(b);
}

/*
 * Stage 1 gives IPA 2^41, beyond stage 2's 40-bit input: a stage-2
 * translation fault found before any stage-2 read, so PLVL 0 (not the
 * level of the last stage-1 read).
 */
static void test_nested_s2_fault_before_read(void)
{
    Sm2Bench *b = nested_bench();
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt s1;

    nested_banks(b);
    s1 = s1_bank(b, 5);
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x30100);         /* TYPE 3 again */
    sm_pt_map(&mem, &s1, VA, 1ull << 41, 3, SM_PT_S1_RW);
    g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_FAULT);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 1) + 0x58), ==, 0x2);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 1) + 0x68) & 0x3, ==, 0);
    sm2b_free(b);
}

/*
 * With 15 StreamID bits, 0x8042 and 0xffff8042 are no streams of this
 * SMMU: they do not alias 0x42's group but are unidentified (USF, bit
 * 1, with sCR0.USFCFG); 0x42 itself translates.
 */
static void test_wide_streamid(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    static const uint32_t wide[] = { 0x8042, 0xffff8042 };
    unsigned i;

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
    stream(b, 0, 0x42, 0, 5);
    enable(b, 0x400 | 0x2);                           /* USFCFG, GFRE */
    g_assert_cmpint(xl(b, 0x42, VA, false).outcome, ==, SM2_XLATE_OK);
    for (i = 0; i < G_N_ELEMENTS(wide); i++) {
        Sm2Xlate x = xl(b, wide[i], VA, false);

        g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
        g_assert_true(x.fault.global);
        g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0x2);
        sm2b_wr(b, 0x48, 0x2);
    }
    sm2b_free(b);
}

/*
 * Writes that change how streams translate (SMR, S2CR, CBAR, TTBR0,
 * SCTLR, sCR0) tell the host to drop everything it was handed
 * (SM_INVAL_ALL); a write elsewhere (MAIR0) does not.
 */
static void test_config_writes_invalidate(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    static const uint32_t gr0[] = { 0x0, 0x800, 0xc00 };
    unsigned i, before;

    for (i = 0; i < G_N_ELEMENTS(gr0); i++) {
        before = b->invals;
        sm2b_wr(b, gr0[i], 0);
        g_assert_cmpuint(b->invals, ==, before + 1);
        g_assert_cmpint(b->last_inval.scope, ==, SM_INVAL_ALL);
    }
    before = b->invals;
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x10000);
    sm2b_wr64(b, sm2b_cb(b, 5) + 0x20, 0x1000);
    sm2b_wr(b, sm2b_cb(b, 5) + 0x0, 0x1);
    g_assert_cmpuint(b->invals, ==, before + 3);
    sm2b_wr(b, sm2b_cb(b, 5) + 0x38, 0xff);
    g_assert_cmpuint(b->invals, ==, before + 3);
    /* read back as written: configuration registers are not write-only */
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 5) + 0x20), ==, 0x1000);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 5) + 0x0), ==, 0x1);
    sm2b_free(b);
}

/* ---- timing --------------------------------------------------------------- */

/* The host clock of timed benches: set by the test. */
static uint64_t test_now_ns;

static uint64_t test_now(void *opaque)
{
    return test_now_ns;
}

/* The bench instance again, timed with the MMU-500 parameter set. */
/* An instance of @f timed with the MMU-500 set, with or without fast path */
static Sm2Bench *timed_bench_of(const Sm2Features *f, bool fast_path_off)
{
    static SmTimingParams p;
    Sm2Bench *b = sm2b_new(f);
    Sm2Config cfg = { 0 };

    g_assert_true(sm_timing_params_preset(&p, "mmu-500"));
    sm2_free(b->s);
    cfg.features = b->f;
    cfg.host = b->m->host;
    cfg.host.set_irq = NULL;
    cfg.host.now_ns = test_now;
    cfg.timing = &p;
    cfg.fast_path_off = fast_path_off;
    b->s = sm2_new(&cfg);
    g_assert_nonnull(b->s);
    return b;
}

static Sm2Bench *timed_bench(void)
{
    return timed_bench_of(NULL, false);
}

/*
 * A timed stage-1 bank (48-bit VA, 4K: a four-level walk), translations
 * 10us apart (nothing queues): the first misses the micro-TLB and the
 * TLB and reads one descriptor at each of stage-1 levels 0..3; the
 * second is a micro-TLB hit, no read, and quicker; a TLBI empties the
 * micro-TLBs and the TLB, so the third walks again and takes as long as
 * the first.  Results are those of an untimed instance, and two
 * timed instances give the same latencies.
 */
static void test_timing(void)
{
    uint64_t lat[2][3];
    unsigned run, i, l;

    for (run = 0; run < 2; run++) {
        Sm2Bench *b = timed_bench();
        SmPtMem mem = sm_tm_pt_mem(b->m);
        SmPt pt = s1_bank(b, 5);
        const SmTimingResult *t;
        SmTimingStats st;
        Sm2Xlate x;

        sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
        stream(b, 0, SID, 0, 5);
        enable(b, 0);
        g_assert_null(sm2_last_timing(b->s));
        for (i = 0; i < 3; i++) {
            if (i == 2) {
                sm2b_wr(b, sm2b_cb(b, 5) + 0x618, 0);     /* TLBIALL */
            }
            test_now_ns = 10000 * (i + 1);
            x = xl(b, SID, VA, false);
            g_assert_cmpint(x.outcome, ==, SM2_XLATE_OK);
            g_assert_cmphex(x.pa, ==, 0x80001678ull);
            t = sm2_last_timing(b->s);
            g_assert_nonnull(t);
            g_assert_cmpuint(x.latency, ==, t->latency);
            g_assert_cmpuint(t->latency, >, 0);
            for (l = 0; l < 4; l++) {
                g_assert_cmpuint(t->reads[0][l], ==, i == 1 ? 0 : 1);
                g_assert_cmpuint(t->reads[1][l], ==, 0);
            }
            g_assert_cmpint(t->utlb, ==, i == 1 ? SM_TIMING_HIT
                                                : SM_TIMING_MISS);
            g_assert_cmpint(t->tlb, ==, i == 1 ? SM_TIMING_NONE
                                               : SM_TIMING_MISS);
            lat[run][i] = t->latency;
        }
        g_assert_cmpuint(lat[run][1], <, lat[run][0]);
        g_assert_cmpuint(lat[run][2], ==, lat[run][0]);
        g_assert_true(sm2_timing_stats(b->s, &st));
        g_assert_cmpuint(st.translations, ==, 3);
        sm2b_free(b);
    }
    for (i = 0; i < 3; i++) {
        g_assert_cmpuint(lat[0][i], ==, lat[1][i]);
    }
}

/* An untimed instance has no timing to report. */
static void test_untimed(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmTimingStats st;

    g_assert_cmpuint(xl(b, SID, VA, false).latency, ==, 0);
    g_assert_null(sm2_last_timing(b->s));
    g_assert_false(sm2_timing_stats(b->s, &st));
    sm2b_free(b);
}

/* ---- address translation operations ----------------------------------- */

/* VA's page: the address of an operand whose low bits name a bank */
#define VAPG (VA & ~0xfffull)

static Sm2Bench *atos_bench(void)
{
    Sm2Features f;

    sm2_features_default(&f);
    f.nested = true;
    f.atosns = false;
    return sm2b_new(&f);
}

/*
 * Without ATOS (the MMU-500 default) sIDR0.ATOSNS (bit 26) is set and an
 * ATS1PR write leaves PAR alone.
 */
static void test_ats_absent(void)
{
    Sm2Bench *b = sm2b_new(NULL);

    s1_bank(b, 5);
    g_assert_cmphex(sm2b_rd(b, 0x20) & (1u << 26), ==, 1u << 26);
    sm2b_wr64(b, sm2b_cb(b, 5) + 0x800, VA);
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 5) + 0x50), ==, 0);
    sm2b_free(b);
}

/*
 * Bank 5, stage 1: VA's page -> PAGE_PA with AttrIndx 1 and SH 0b11;
 * VA + 0x1000 read-only (AP[2]); VA + 0x3000 privileged only (AP[1]
 * clear).  MAIR0 = 0x0000ff44: attribute 1 is 0xff.
 *  ATS1PR VA:            PAR = 0xff << 56 | PAGE_PA | SH 3 << 7
 *  ATS1PW VA + 0x1000:   F | PF (0x8) | PLVL 3 << 8 = 0x309; ATS1PR
 *                        reads it: 0x44 << 56 | PAGE_PA (AttrIndx 0)
 *  ATS1UR VA + 0x3000:   0x309 (privileged-only)
 *  ATS1PR VA + 0x2000:   F | TF (0x2) | PLVL 3 = 0x303
 *  ATS1UW 1 GiB above:   F | TF | PLVL 1 = 0x103
 * None of the faults is recorded: FSR 0, no interrupt; ATSR reads 0.
 */
static void test_ats1_ops(void)
{
    Sm2Bench *b = atos_bench();
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);

    g_assert_cmphex(sm2b_rd(b, 0x20) & (1u << 26), ==, 0);
    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW | 0x4 | 0x300);
    sm_pt_map(&mem, &pt, VA + 0x1000, PAGE_PA, 3, SM_PT_S1_RW | 0x80);
    sm_pt_map(&mem, &pt, VA + 0x3000, PAGE_PA, 3, SM_PT_S1_RW & ~0x40ull);
    sm2b_wr(b, cb5 + 0x38, 0x0000ff44);
    enable(b, 0);
    sm2b_wr64(b, cb5 + 0x800, VA);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==,
                    0xff00000080001180ull);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x8f0), ==, 0);
    sm2b_wr64(b, cb5 + 0x808, VA + 0x1000);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x309);
    sm2b_wr64(b, cb5 + 0x800, VA + 0x1000);          /* PR: readable */
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==,    /* attribute 0 */
                    0x4400000080001000ull);
    sm2b_wr64(b, cb5 + 0x810, VA + 0x3000);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x309);
    sm2b_wr64(b, cb5 + 0x800, VA + 0x2000);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x303);
    sm2b_wr64(b, cb5 + 0x818, VA + 0x40000000);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x103);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0);
    g_assert_cmpuint(b->irq_raised, ==, 0);
    /* the operand's low 12 bits are not part of the address */
    sm2b_wr64(b, cb5 + 0x800, VA | 0xfff);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==,
                    0xff00000080001180ull);
    /* written as two halves, the operation runs once both are there */
    sm2b_wr(b, cb5 + 0x800, (uint32_t)(VA + 0x2000));
    sm2b_wr(b, cb5 + 0x804, 0);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x303);
    sm2b_free(b);
}

/*
 * Bank translation disabled (SCTLR.M = 0): the flat result, the input
 * page.  A stage-1 operation of stage-2 bank 1 (CBAR.TYPE 0): F alone.
 * ATS ops neither consult nor fill the TLB: a descriptor changed
 * without TLBI still translates the old way for traffic, not for ATS1.
 */
static void test_ats1_flat_s2_bank_and_tlb(void)
{
    Sm2Bench *b = atos_bench();
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);

    s1_stream_on(b, &pt);
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x80001678ull);
    sm_pt_map(&mem, &pt, VA, 0x90000000ull, 3, SM_PT_S1_RW);  /* no TLBI */
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x80001678ull);
    sm2b_wr64(b, cb5 + 0x800, VA);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x90000000ull);
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x80001678ull);
    sm2b_wr(b, cb5 + 0x0, 0x66);                     /* M clear */
    sm2b_wr64(b, cb5 + 0x800, VA);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x50), ==, 0x12345000ull);
    sm2b_wr64(b, sm2b_cb(b, 1) + 0x800, VA);
    g_assert_cmphex(sm2b_rd64(b, sm2b_cb(b, 1) + 0x50), ==, 0x1);
    sm2b_free(b);
}

/*
 * Global operations on the nested banks (bank 5 stage 1 on stage-2 bank
 * 1), operand address | bank, result in sGPAR (0x180):
 *  GATS1PR  VAPG | 5:          the IPA, IPA_OUT + 0x1000
 *  GATS12PR VAPG | 5:          the PA, PA_OUT + 0x1000
 *  GATS1PW  VA + 0x10000:    the IPA 0x50000000 (stage 2 not asked)
 *  GATS12PW VA + 0x10000:    stage 2 faults at level 2:
 *                            F | TF | PLVL 2 << 8 | stage 2 (bit 32)
 *  GATS12UR IPA | 1 (TYPE 0): stage 2 alone, PA_OUT + 0x1000; of IPA
 *                            0x50000000: F | TF | PLVL 2 | stage 2
 *  GATS1UR  IPA | 1:         a stage-1 operation of a stage-2 bank: F
 *  GATS1PR  VAPG | 99:         no bank 99: F
 * sGATSR reads 0; bank 1's FSR stays 0.
 */
static void test_gats_nested(void)
{
    Sm2Bench *b = atos_bench();

    nested_banks(b);
    sm2b_wr64(b, 0x110, VAPG | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, IPA_OUT + 0x1000);
    sm2b_wr64(b, 0x130, VAPG | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, PA_OUT + 0x1000);
    sm2b_wr64(b, 0x118, (VAPG + 0x10000) | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x50000000ull);
    sm2b_wr64(b, 0x138, (VAPG + 0x10000) | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x100000203ull);
    sm2b_wr64(b, 0x120, (IPA_OUT + 0x1000) | 1);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, PA_OUT + 0x1000);
    /* a fault of the stage-2 bank alone is at stage 2 too */
    sm2b_wr64(b, 0x120, 0x50000000ull | 1);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x100000203ull);
    sm2b_wr64(b, 0x100, (IPA_OUT + 0x1000) | 1);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x1);
    sm2b_wr64(b, 0x110, VAPG | 99);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x1);
    g_assert_cmphex(sm2b_rd(b, 0x188), ==, 0);
    g_assert_cmphex(sm2b_rd(b, sm2b_cb(b, 1) + 0x58), ==, 0);
    g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0);
    /* bank 5 nested on itself, no stage-2 bank: a global ICF, F alone */
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x30500);
    sm2b_wr64(b, 0x130, VAPG | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x1);
    g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0);
    /* seven of the nine ran: no bank 99, no stage 1 in bank 1 */
    g_assert_cmpuint(sm2_ats_count(b->s), ==, 7);
    sm2b_free(b);
}

/*
 * A stage-1 table behind a stage-2 hole: GATS1PR of a nested bank still
 * walks its tables through stage 2, so the stage-2 fault on the table
 * fetch shows (bit 32 set, TF).
 */
static void test_gats1_s2_fault_on_table(void)
{
    Sm2Bench *b = atos_bench();
    uint64_t par;

    nested_banks(b);
    /* stage 1's tables sit in IPA [0, 32MiB): move TTBR0 above it */
    sm2b_wr64(b, sm2b_cb(b, 5) + 0x20, 0x60000000ull | (uint64_t)ASID << 48);
    sm2b_wr64(b, 0x110, VAPG | 5);
    par = sm2b_rd64(b, 0x180);
    g_assert_cmphex(par & 0x1000000ffull, ==, 0x100000003ull);
    sm2b_free(b);
}

/* ---- stalls ------------------------------------------------------------ */

/*
 * SCTLR.CFCFG (bit 7): a translation fault at VA + 0x2000 sets FSR.TF
 * and SS (0x40000002) and the bank holds it; a second one adds MULTI
 * only and does not stall.  Software clears FSR: SS stays (0x40000000)
 * and alone does not hold the interrupt; FSRRESTORE keeps it too.
 * RESUME (0x8) with TnR 0 retries: the page is still unmapped, so the
 * fault (and its stall) is back, FAR the same.  After mapping the page,
 * a retry translates (SS goes, no fault; the result is in the TLB).
 * RESUME without a stall changes nothing.  TnR 1 terminates: SS goes,
 * the fault bit stays until software clears it.
 */
static void test_stall_resume(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);
    Sm2Xlate x;

    s1_stream_on(b, &pt);
    sm2b_wr(b, cb5 + 0x0, 0x67 | 0x80);
    x = xl(b, SID, VA + 0x2000, true);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_true(x.fault.stalled);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000002);
    x = xl(b, SID, VA + 0x5000, false);
    g_assert_false(x.fault.stalled);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0xc0000002);
    g_assert_true(b->irq[SM2_IRQ_CONTEXT(5)]);
    sm2b_wr(b, cb5 + 0x58, 0xc0000002);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000000);
    g_assert_false(b->irq[SM2_IRQ_CONTEXT(5)]);
    sm2b_wr(b, cb5 + 0x5c, 0);                       /* FSRRESTORE */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000000);
    sm2b_wr(b, cb5 + 0x8, 0);                        /* retry */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000002);
    g_assert_cmpuint(sm2_stall_count(b->s), ==, 2);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x60), ==, VA + 0x2000);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x8), ==, 0);  /* write-only */
    sm2b_wr(b, cb5 + 0x58, 0x40000002);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000000);
    sm_pt_map(&mem, &pt, VA + 0x2000, PAGE_PA, 3, SM_PT_S1_RW);
    sm2b_wr(b, cb5 + 0x8, 0);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0);
    g_assert_true(xl(b, SID, VA + 0x2000, true).tlb_hit);
    sm2b_wr(b, cb5 + 0x8, 0);                        /* nothing held */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0);
    g_assert_true(xl(b, SID, VA + 0x6000, false).fault.stalled);
    sm2b_wr(b, cb5 + 0x8, 1);                        /* terminate */
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x2);
    sm2b_free(b);
}

/*
 * A held transaction migrates: saved with the registers, dropped by
 * reset (RESUME then finds nothing), back after restore, where a retry
 * takes the same fault again.
 */
static void test_stall_migrates(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);
    g_autofree uint32_t *words = g_new0(uint32_t, sm2_state_words(b->s));

    s1_stream_on(b, &pt);
    sm2b_wr(b, cb5 + 0x0, 0x67 | 0x80);
    g_assert_true(xl(b, SID, VA + 0x2000, true).fault.stalled);
    sm2_save(b->s, words);
    sm2_reset(b->s);
    sm2b_wr(b, cb5 + 0x8, 0);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0);
    sm2_restore(b->s, words);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000002);
    sm2b_wr(b, cb5 + 0x58, 0x40000002);
    sm2b_wr(b, cb5 + 0x8, 0);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x40000002);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x68), ==, 0x100 | 0x20 | 0x10 | 3);
    sm2b_free(b);
}

/* ---- CBAR.TYPE 2 --------------------------------------------------------- */

/*
 * Bank 5 as stage 1 with stage-2 fault (CBAR 0x2ff00): stage 1 gives
 * PAGE_PA + 0x678, then a stage-2 translation fault in bank 5 itself:
 * FSR.TF, FAR = VA, IPAFAR = the stage-1 output, FSYNR0 = S1CBNDX 5 |
 * NSATTR | PNU | PLVL 0 = 0x050120; nothing is cached.  With the bank
 * disabled, IPAFAR is the input.  GATS12PR faults at stage 2 (F | TF |
 * bit 32), GATS1PR gives the stage-1 output.  Back to TYPE 1, it
 * translates.  Without stage 2 (s2 = false) TYPE 2 is an invalid
 * context (sGFSR.ICF).
 */
static void test_cbar_type2(void)
{
    Sm2Bench *b = atos_bench();
    SmPt pt = s1_bank(b, 5);
    uint64_t cb5 = sm2b_cb(b, 5);
    Sm2Features f;
    Sm2Xlate x;

    s1_stream_on(b, &pt);
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x2ff00);
    x = xl(b, SID, VA, false);
    g_assert_cmpint(x.outcome, ==, SM2_XLATE_FAULT);
    g_assert_cmpuint(x.fault.cbndx, ==, 5);
    g_assert_true(x.fault.stage2);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x58), ==, 0x2);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x60), ==, VA);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x70), ==, 0x80001678ull);
    g_assert_cmphex(sm2b_rd(b, cb5 + 0x68), ==, 0x050120);
    g_assert_false(xl(b, SID, VA, false).tlb_hit);
    sm2b_wr64(b, 0x130, VAPG | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x100000003ull);
    sm2b_wr64(b, 0x110, VAPG | 5);
    g_assert_cmphex(sm2b_rd64(b, 0x180), ==, 0x80001000ull);
    sm2b_wr(b, cb5 + 0x58, 0x80000002);
    sm2b_wr(b, cb5 + 0x0, 0x66);
    xl(b, SID, VA + 0x2000, false);
    g_assert_cmphex(sm2b_rd64(b, cb5 + 0x70), ==, VA + 0x2000);
    sm2b_wr(b, cb5 + 0x58, 0x80000002);
    sm2b_wr(b, cb5 + 0x0, 0x67);
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x1ff00);
    g_assert_cmpint(xl(b, SID, VA, false).outcome, ==, SM2_XLATE_OK);
    sm2b_free(b);

    sm2_features_default(&f);
    f.s2 = false;
    f.nums2cb = 0;
    b = sm2b_new(&f);
    s1_bank(b, 5);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    sm2b_wr(b, sm2b_gr1(b) + 4 * 5, 0x2ff00);
    x = xl(b, SID, VA, false);
    g_assert_true(x.fault.global);
    g_assert_cmphex(sm2b_rd(b, 0x48), ==, 0x1);
    sm2b_free(b);
}

/*
 * A 32-bit write of TTBR0's low word alone is a new table base: after a
 * TLBIALL, VA translates through the new tables (the stream cache must
 * not keep the old base).
 */
static void test_ttbr_low_word(void)
{
    Sm2Bench *b = sm2b_new(NULL);
    SmPtMem mem = sm_tm_pt_mem(b->m);
    SmPt pt = s1_bank(b, 5), pt2;
    uint64_t cb5 = sm2b_cb(b, 5);

    sm_pt_map(&mem, &pt, VA, PAGE_PA, 3, SM_PT_S1_RW);
    sm_pt_init(&mem, &pt2, SM_GRANULE_4K, 48, 0);
    sm_pt_map(&mem, &pt2, VA, 0x90000000ull, 3, SM_PT_S1_RW);
    stream(b, 0, SID, 0, 5);
    enable(b, 0);
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x80001678ull);
    g_assert_cmphex(pt2.root >> 32, ==, pt.root >> 32);
    sm2b_wr(b, cb5 + 0x20, (uint32_t)pt2.root);
    sm2b_wr(b, cb5 + 0x618, 0);                      /* TLBIALL */
    g_assert_cmphex(xl(b, SID, VA, false).pa, ==, 0x90000678ull);
    sm2b_free(b);
}

/* ---- the stream cache ---------------------------------------------------- */

/* What one translation of the workload gave, to compare. */
typedef struct Seen {
    Sm2Outcome outcome;
    uint64_t pa, latency;
    bool tlb_hit, global;
    uint32_t bit;
} Seen;

#define WORKLOAD 400

/*
 * The nested banks, a second stream (0x50) whose S2CR moves between
 * bypass and bank 5, an unmatched one (0x60, bypass); translations of
 * mapped, stage-2-faulting and TTBR1 addresses, interleaved with writes
 * that change how streams translate (S2CR, CBAR TYPE 3 <-> 1, SCTLR),
 * TLBIALL and fault clearing.  Fills @seen, returns the TLB counters.
 */
static SmCacheStats stream_workload(bool fast_path_off, Seen *seen,
                                    SmTimingStats *st)
{
    static const uint32_t sids[] = { SID, 0x50, 0x60 };
    static const uint64_t vas[] = {
        VA, VA + 0x10000, VA + 0x20000, 0xffff800000001000ull,
    };
    Sm2Features f;
    Sm2Bench *b;
    uint32_t h = 1;
    SmCacheStats tlb;
    unsigned i;

    sm2_features_default(&f);
    f.nested = true;
    test_now_ns = 0;                  /* set-up commands at time 0 */
    b = timed_bench_of(&f, fast_path_off);
    nested_banks(b);
    stream(b, 1, 0x50, 0, 5);
    sm2b_wr(b, 0xc00 + 4, 1 << 16);                       /* bypass */
    for (i = 0; i < WORKLOAD; i++) {
        Sm2Xlate x;

        h = h * 1103515245u + 12345u;
        switch (i % 41) {
        case 7:
            sm2b_wr(b, 0xc00 + 4, (h >> 8) & 1 ? 5 : 1 << 16);
            break;
        case 17:
            sm2b_wr(b, sm2b_gr1(b) + 4 * 5, (h >> 9) & 1 ? 0x30100
                                                         : 0x1ff00);
            break;
        case 23:
            sm2b_wr(b, sm2b_cb(b, 5), (h >> 10) & 1 ? 0x67 : 0x66);
            break;
        case 31:
            sm2b_wr(b, sm2b_cb(b, 5) + 0x618, 0);          /* TLBIALL */
            break;
        case 37:
            sm2b_wr(b, sm2b_cb(b, 1) + 0x58, 0xffffffff);
            sm2b_wr(b, sm2b_cb(b, 5) + 0x58, 0xffffffff);
            sm2b_wr(b, 0x48, 0xffffffff);
            break;
        }
        test_now_ns = 1000 * (i + 1);
        x = xl(b, sids[(h >> 16) % 3], vas[(h >> 20) % 4], (h >> 24) & 1);
        seen[i] = (Seen) {
            .outcome = x.outcome, .pa = x.pa, .latency = x.latency,
            .tlb_hit = x.tlb_hit, .global = x.fault.global,
            .bit = x.fault.bit,
        };
    }
    g_assert_true(sm2_timing_stats(b->s, st));
    tlb = sm2_tlb_stats(b->s);
    sm2b_free(b);
    return tlb;
}

/*
 * The stream cache changes nothing but the host's work: the same
 * workload with Sm2Config.fast_path_off gives the same answers, TLB
 * counters, latencies and timing statistics; and the workload does
 * take every kind of answer (translated, TLB hits, bypassed, faulted).
 */
static void test_stream_cache_same_results(void)
{
    g_autofree Seen *a = g_new0(Seen, WORKLOAD);
    g_autofree Seen *b = g_new0(Seen, WORKLOAD);
    g_autofree SmTimingStats *sa = g_new0(SmTimingStats, 1);
    g_autofree SmTimingStats *sb = g_new0(SmTimingStats, 1);
    SmCacheStats ta = stream_workload(false, a, sa);
    SmCacheStats tb = stream_workload(true, b, sb);
    unsigned i, kinds[3] = { 0 }, hits = 0;

    for (i = 0; i < WORKLOAD; i++) {
        g_assert_cmpint(a[i].outcome, ==, b[i].outcome);
        g_assert_cmphex(a[i].pa, ==, b[i].pa);
        g_assert_cmpuint(a[i].latency, ==, b[i].latency);
        g_assert_cmpint(a[i].tlb_hit, ==, b[i].tlb_hit);
        g_assert_cmpint(a[i].global, ==, b[i].global);
        g_assert_cmphex(a[i].bit, ==, b[i].bit);
        kinds[a[i].outcome]++;
        hits += a[i].tlb_hit;
    }
    g_assert_cmpuint(kinds[SM2_XLATE_OK], >, 0);
    g_assert_cmpuint(kinds[SM2_XLATE_BYPASS], >, 0);
    g_assert_cmpuint(kinds[SM2_XLATE_FAULT], >, 0);
    g_assert_cmpuint(hits, >, 0);
    g_assert_cmpmem(&ta, sizeof(ta), &tb, sizeof(tb));
    g_assert_cmpmem(sa, sizeof(*sa), sb, sizeof(*sb));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm2/xlate/clientpd-bypass", test_clientpd_bypass);
    g_test_add_func("/sm2/xlate/s1-matched-stream", test_s1);
    g_test_add_func("/sm2/xlate/s2", test_s2);
    g_test_add_func("/sm2/xlate/translation-fault", test_translation_fault);
    g_test_add_func("/sm2/xlate/fault-levels", test_fault_levels);
    g_test_add_func("/sm2/xlate/usf", test_usf);
    g_test_add_func("/sm2/xlate/s2cr-types", test_s2cr_types);
    g_test_add_func("/sm2/xlate/privcfg-result", test_privcfg_result);
    g_test_add_func("/sm2/xlate/tlbiva", test_tlbiva);
    g_test_add_func("/sm2/xlate/tlbi-global-entry", test_tlbi_global_entry);
    g_test_add_func("/sm2/xlate/nested", test_nested);
    g_test_add_func("/sm2/xlate/nested-s2-fault", test_nested_s2_fault);
    g_test_add_func("/sm2/xlate/nested-bad-s2-bank", test_nested_bad_s2_bank);
    g_test_add_func("/sm2/xlate/exids-match", test_exids_match);
    g_test_add_func("/sm2/xlate/instcfg", test_instcfg);
    g_test_add_func("/sm2/xlate/s1-bank-checks", test_s1_bank_checks);
    g_test_add_func("/sm2/xlate/nested-bank-checks", test_nested_bank_checks);
    g_test_add_func("/sm2/xlate/asid8-tlbiallh", test_asid8_and_tlbiallh);
    g_test_add_func("/sm2/xlate/nested-vmid-change", test_nested_vmid_change);
    g_test_add_func("/sm2/xlate/nested-s2-fault-before-read",
                    test_nested_s2_fault_before_read);
    g_test_add_func("/sm2/xlate/wide-streamid", test_wide_streamid);
    g_test_add_func("/sm2/xlate/config-writes-invalidate",
                    test_config_writes_invalidate);
    g_test_add_func("/sm2/xlate/timing", test_timing);
    g_test_add_func("/sm2/xlate/untimed", test_untimed);
    g_test_add_func("/sm2/xlate/random", test_random);
    g_test_add_func("/sm2/xlate/ats-absent", test_ats_absent);
    g_test_add_func("/sm2/xlate/ats1-ops", test_ats1_ops);
    g_test_add_func("/sm2/xlate/ats1-flat-s2-bank-tlb",
                    test_ats1_flat_s2_bank_and_tlb);
    g_test_add_func("/sm2/xlate/gats-nested", test_gats_nested);
    g_test_add_func("/sm2/xlate/gats1-s2-fault-on-table",
                    test_gats1_s2_fault_on_table);
    g_test_add_func("/sm2/xlate/stall-resume", test_stall_resume);
    g_test_add_func("/sm2/xlate/stall-migrates", test_stall_migrates);
    g_test_add_func("/sm2/xlate/cbar-type2", test_cbar_type2);
    g_test_add_func("/sm2/xlate/stream-cache-same-results",
                    test_stream_cache_same_results);
    g_test_add_func("/sm2/xlate/ttbr-low-word", test_ttbr_low_word);
    return g_test_run();
}
