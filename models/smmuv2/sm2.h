/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public API of the emulator-independent SMMUv2 model (Arm IHI 0062,
 * SMMU architecture version 2, as in Arm's MMU-500): stream matching,
 * stream-to-context registers, context banks with AArch64 (VMSAv8-64)
 * stage-1 or stage-2 translation, a TLB, TLB maintenance through
 * registers, context and global faults.  Non-secure state only.
 *
 * An emulator creates one Sm2 per instance from an Sm2Config, routes
 * MMIO accesses of the whole register frame (sm2_mmio_size() bytes) to
 * sm2_mmio_read/write(), asks sm2_translate() for each upstream
 * transaction and lets the model reach memory and interrupts through
 * the SmHost hooks.  No global state: any number of instances coexist.
 *
 * Modelling choices where the architecture leaves room (each is also
 * commented where it is made; docs/smmuv2-model.md lists them):
 *  - TLBSYNC / TLBGSYNC complete within the write: TLBSTATUS and
 *    sTLBGSTATUS always read 0;
 *  - SCTLR.CFCFG = 1 (stall): a context fault that finds FSR clear
 *    sets FSR.SS with its fault bit and holds the transaction (one per
 *    bank; the bank's other faults meanwhile set MULTI only) until
 *    RESUME: TnR = 1 terminates it, TnR = 0 translates it
 *    again (a fault then is recorded, and stalls, again).  The client
 *    is answered at once (Sm2Fault.stalled): an emulator cannot hold
 *    a DMA access.  FSR.SS stays set while the bank holds it: writing
 *    FSR does not clear it, RESUME does (as on MMU-500; Linux clears
 *    FSR, then writes RESUME); it does not raise the interrupt alone.
 *    A retry is untimed, as it is no access of the client;
 *  - address translation operations (ATS1* of a bank, GATS1* and GATS12*
 *    in GR0, with atosns = false) complete within the write (ATSR and
 *    sGATSR read 0), walk the tables without the TLB, and record no
 *    fault: PAR holds F = 1, the FSR bit [7:1] the fault would set,
 *    PLVL [9:8] and whether it was at stage 2 [32].  PAR.ATTR is the
 *    stage-1 MAIR attribute (0 without stage 1), PAR.SH that of the
 *    last stage, PAR.NS 0.  A stage-1 operation of a stage-2 bank
 *    (CBAR.TYPE 0) gives F = 1 alone, with a guest-error log;
 *  - several matching stream match groups with sCR0.SMCFCFG = 0: the
 *    lowest-numbered group is used;
 *  - the context interrupt of bank n is line SM2_IRQ_CONTEXT(n), as
 *    SMMUv2 has one context interrupt per bank (Linux's arm-smmu driver
 *    uses irqs[cbndx] and leaves CBAR.IRPTNDX 0 on SMMUv2); IRPTNDX is
 *    stored but does not route;
 *  - nested translation (CBAR.TYPE = 3, with nested = true): the
 *    stage-2 bank is CBAR[15:8] of the stage-1 bank (the CBNDX field of
 *    that type) and must be a stage-2 bank (CBAR.TYPE 0), else the
 *    transaction takes a global ICF; a stage-2 fault is recorded in the
 *    stage-2 bank with FSYNR0.S1CBNDX and IPAFAR; a nested bank's TLB
 *    entries and its own TLB maintenance carry its stage-2 bank's VMID,
 *    and stage-2 maintenance of that VMID removes them whatever the
 *    address (the TLB keeps VA -> PA only);
 *  - CBAR.TYPE 2 (stage 1 with stage-2 fault): stage 1 translates as
 *    with TYPE 1, then every transaction takes a stage-2 translation
 *    fault, recorded in the bank itself with IPAFAR the stage-1 output
 *    and FSYNR0.S1CBNDX the bank;
 *  - AArch32 context formats are not modelled (sIDR0.PTFS says AArch64
 *    only); a bank with CBA2R.VA64 = 0 takes a translation fault.
 */
#ifndef SM2_H
#define SM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sm-cache.h"
#include "sm-host.h"
#include "sm-timing.h"

typedef struct Sm2 Sm2;

/*
 * Wired interrupt lines, as passed to SmHost.set_irq(); both are level
 * interrupts: high while the fault they report is outstanding and its
 * interrupt enable is set.
 */
#define SM2_IRQ_GLOBAL       0
#define SM2_IRQ_CONTEXT(n)   (1u + (n))

/* What the instance implements: the source of sIDR0..2. */
typedef struct Sm2Features {
    bool s1;                 /* sIDR0.S1TS: stage-1 translation */
    bool s2;                 /* sIDR0.S2TS: stage-2 translation */
    bool nested;             /* sIDR0.NTS: CBAR.TYPE 3 (needs s1, s2) */
    bool atosns;             /* sIDR0.ATOSNS: no address translation ops
                              * (false: ATS1*, GATS1*, GATS12* work) */
    bool exids;              /* sIDR0.EXIDS: 16-bit extended StreamIDs */
    bool vmid16;             /* sIDR2.VMID16 */
    uint8_t numsidb;         /* sIDR0.NUMSIDB: StreamID bits, 1..15 (16 with exids) */
    uint16_t numsmrg;        /* sIDR0.NUMSMRG: stream match groups, 1..128 */
    uint16_t numcb;          /* sIDR1.NUMCB: context banks, 1..128 */
    uint16_t nums2cb;        /* sIDR1.NUMS2CB: of those, stage-2 only */
    bool pagesize_64k;       /* sIDR1.PAGESIZE: 64KiB register pages */
    uint8_t numpagendxb;     /* sIDR1.NUMPAGENDXB: 2^(n+1) pages per half */
    uint8_t ias_bits;        /* sIDR2.IAS: IPA size 32..48 */
    uint8_t oas_bits;        /* sIDR2.OAS: PA size 32..48 */
    uint8_t ubs_bits;        /* sIDR2.UBS: upstream bus (VA) size 32..48 */
    bool ptfs_4k, ptfs_16k, ptfs_64k;   /* sIDR2.PTFS_*: AArch64 granules */
} Sm2Features;

/* The MMU-500-like defaults sm2_features_default() fills in. */
void sm2_features_default(Sm2Features *f);

typedef struct Sm2Config {
    Sm2Features features;
    SmHost host;
    /* TLB geometry; 0 picks the default (128 entries, 4-way). */
    uint32_t tlb_entries, tlb_ways;
    SmCachePolicy policy;
    /*
     * Timing (docs/timing.md): NULL for none.  Otherwise every
     * translation is timed by the engine of models/common/sm-timing with
     * these parameters (copied), arriving at SmHost.now_ns; the results
     * do not change.
     */
    const SmTimingParams *timing;
    /*
     * No stream cache (sm2-xlate.c): every translation matches its
     * stream and decodes its context bank from the registers.  Results,
     * statistics and timing are the same either way; for benchmarks and
     * for the tests that show it.
     */
    bool fast_path_off;
} Sm2Config;

/*
 * NULL when @cfg is acceptable, otherwise a sentence naming the setting
 * and the rule it breaks (g_free() it).
 */
char *sm2_config_error(const Sm2Config *cfg);
/* A new instance in its reset state, or NULL if @cfg is rejected. */
Sm2 *sm2_new(const Sm2Config *cfg);
void sm2_free(Sm2 *s);
/* Registers to their reset values, TLB emptied, interrupts lowered. */
void sm2_reset(Sm2 *s);

/*
 * Migration: the register state as sm2_state_words() 32-bit words, for
 * an instance of the same configuration.  sm2_restore() takes only the
 * bits software or fault recording can set, empties the TLB and updates
 * the interrupts.
 */
size_t sm2_state_words(const Sm2 *s);
void sm2_save(const Sm2 *s, uint32_t *words);
void sm2_restore(Sm2 *s, const uint32_t *words);

/* Bytes of the register frame: 2 * 2^(NUMPAGENDXB+1) pages. */
uint64_t sm2_mmio_size(const Sm2 *s);
/*
 * @offset within the frame, @size 4 or 8 (naturally aligned).  Reserved
 * offsets read as zero and ignore writes, with a guest-error log.
 */
uint64_t sm2_mmio_read(Sm2 *s, uint64_t offset, unsigned size);
void sm2_mmio_write(Sm2 *s, uint64_t offset, uint64_t val, unsigned size);

typedef struct Sm2Request {
    uint32_t sid;            /* StreamID */
    uint64_t iova;
    bool write;              /* false: read */
    bool instr;              /* instruction fetch */
    bool priv;               /* privileged */
} Sm2Request;

typedef enum Sm2Outcome {
    SM2_XLATE_OK = 0,        /* translated: pa, mask, perm */
    SM2_XLATE_BYPASS,        /* not translated: pa == iova */
    SM2_XLATE_FAULT,         /* a fault was taken (see fault) */
} Sm2Outcome;

typedef struct Sm2Fault {
    /*
     * true: a global fault (sGFSR bit @bit); false: a context fault of
     * bank @cbndx (FSR bit @bit).
     */
    bool global;
    uint32_t bit;            /* the SM2_GFSR_* or SM2_FSR_* bit taken */
    /*
     * What the client sees: an abort (sCR0.GFRE / GCFGFRE or SCTLR.CFRE
     * set) or, when the report is disabled, a read of zero and an
     * ignored write.
     */
    bool abort;
    /* Syndrome registers were written (false: MULTI only) */
    bool recorded;
    uint8_t cbndx;
    int8_t level;            /* walk level of a context fault, else -1 */
    /*
     * A context fault with SCTLR.CFCFG = 1: the bank holds the
     * transaction until RESUME (the client is answered now all the same).
     */
    bool stalled;
    /*
     * A context fault at stage 2: in a stage-2 bank (alone or under a
     * nested bank), or of a CBAR.TYPE 2 bank
     */
    bool stage2;
} Sm2Fault;

/* The name of sGFSR bit @bit ("USF", "UCBF", ...), for traces and logs. */
const char *sm2_gfsr_name(uint32_t bit);

/* Permission bits of Sm2Xlate.perm: the SM_PERM_* of sm-walk.h. */
typedef struct Sm2Xlate {
    Sm2Outcome outcome;
    uint64_t pa;             /* OK, BYPASS */
    uint64_t mask;           /* OK: iova & mask is the offset in the page */
    uint8_t perm;            /* OK: SM_PERM_*; BYPASS: all */
    /*
     * OK: the transaction was privileged once S2CR.PRIVCFG applied, so
     * perm's SM_PERM_PR/PW/PX (not R/W/X) are what it may do.
     */
    bool priv;
    bool tlb_hit;            /* OK: answered by the TLB */
    uint64_t latency;        /* timing: cycles to the response, else 0 */
    Sm2Fault fault;          /* FAULT */
} Sm2Xlate;

Sm2Xlate sm2_translate(Sm2 *s, const Sm2Request *req);

/* Address translation operations run (ATS1*, GATS*), since creation. */
uint64_t sm2_ats_count(const Sm2 *s);
/*
 * Transactions held by a stalling fault, since creation: those of
 * sm2_translate() and those of RESUME retries that stalled again.
 */
uint64_t sm2_stall_count(const Sm2 *s);

/* TLB counters (lookups, hits, invalidations, ...). */
SmCacheStats sm2_tlb_stats(const Sm2 *s);

/*
 * Timing of the last sm2_translate(): latency and where the cycles went.
 * NULL without timing or before the first translation.
 */
const SmTimingResult *sm2_last_timing(const Sm2 *s);
/* Timing counters and histograms; false without timing. */
bool sm2_timing_stats(const Sm2 *s, SmTimingStats *st);

#endif /* SM2_H */
