/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test bench for the SMMUv3 device model: flat guest memory behind the
 * SmHost hooks (with an injectable bus-error window), recording of every
 * interrupt, MSI, invalidation notice, ATC/PRI callback, stall resolution
 * and log line, plus builders for queues, linear and 2-level stream
 * tables, STEs, CDs and page tables (4KB granule, or any granule through
 * Sm3bPt).  Builders use the field masks of sm3-regs.h / sm3-tables.h;
 * page tables are written by models/common/sm-ptbuild.
 */
#ifndef SM3_BENCH_H
#define SM3_BENCH_H

#include <glib.h>

#include "sm-ptbuild.h"
#include "sm-testmem.h"
#include "sm3.h"
#include "sm3-regs.h"
#include "sm3-tables.h"

#define SM3B_MEM_SIZE   (16u << 20)      /* guest RAM at PA 0 */

typedef struct Sm3bMsi {
    uint64_t addr;
    uint32_t data;
} Sm3bMsi;

typedef struct Sm3bAtc {
    uint32_t sid, ssid;
    bool ssv;
    uint64_t addr, size;
} Sm3bAtc;

typedef struct Sm3bPri {
    uint32_t sid, ssid;
    bool ssv;
    uint16_t grpid;
    unsigned resp;
} Sm3bPri;

/* One executed command, as Sm3Hooks.command_done reported it. */
typedef struct Sm3bCmd {
    uint64_t dw[2];
    uint64_t cycle;
} Sm3bCmd;

typedef struct Sm3bStall {
    uint32_t sid;
    uint16_t stag;
    bool retry;
} Sm3bStall;

typedef struct Sm3Bench {
    Sm3 *s;
    Sm3Config cfg;
    /*
     * Guest RAM at PA 0 (tm->ram, also reachable as @mem), its allocator
     * (tm->next) and its bus-error window (tm->err_lo, tm->err_hi).
     */
    SmTestMem *tm;
    uint8_t *mem;
    bool msi_fail;           /* send_msi returns SM_BUS_ERROR */
    bool atc_fail;           /* atc_inv_ok hook returns false */
    bool quiet;              /* do not keep log lines (fuzzing) */
    unsigned irq_pulses[SM3_IRQ_COUNT];
    GArray *msis;            /* Sm3bMsi */
    GArray *invals;          /* SmInval */
    GArray *atcs;            /* Sm3bAtc */
    GArray *pris;            /* Sm3bPri */
    GArray *stalls;          /* Sm3bStall */
    GArray *cmds_done;       /* Sm3bCmd: Sm3Hooks.command_done calls */
    GPtrArray *logs;         /* char * */
    unsigned guest_errors;
    unsigned sevs;
    /* Event queue consumer state for sm3b_pop_event(). */
    unsigned evtq_log2;
    unsigned cmdq_log2;
    unsigned priq_log2;
    uint64_t cmdq_base, evtq_base, priq_base, strtab;
    unsigned strtab_log2;
    /* 2-level stream table (sm3b_st_2lvl()): STEs per L2 table, log2 */
    bool strtab_2lvl;
    unsigned strtab_split;
} Sm3Bench;

/* Everything on: S1+S2, 2-level tables, HYP, ATS, PRI, MSI, SEV, ... */
Sm3Features sm3b_all_features(void);
/* Bench with @f (NULL: all features), small caches, cmdq_batch 64. */
Sm3Bench *sm3b_new(const Sm3Features *f);
/* The same with other cache geometry (entries and ways of each cache). */
Sm3Bench *sm3b_new_caches(const Sm3Features *f, unsigned tlb_entries,
                          unsigned tlb_ways, unsigned cfg_entries,
                          unsigned cfg_ways);
Sm3Bench *sm3b_new_cfg(const Sm3Config *cfg);
void sm3b_free(Sm3Bench *b);
void sm3b_clear_records(Sm3Bench *b);

/* Guest memory. */
uint64_t sm3b_alloc(Sm3Bench *b, uint64_t size, uint64_t align);
void sm3b_w64(Sm3Bench *b, uint64_t pa, uint64_t v);
uint64_t sm3b_r64(Sm3Bench *b, uint64_t pa);
uint32_t sm3b_r32(Sm3Bench *b, uint64_t pa);

/* Registers. */
uint32_t sm3b_rd(Sm3Bench *b, uint32_t off);
void sm3b_wr(Sm3Bench *b, uint32_t off, uint32_t v);
void sm3b_wr64(Sm3Bench *b, uint32_t off, uint64_t v);
bool sm3b_log_contains(Sm3Bench *b, const char *needle);

/*
 * Queues of 2^log2 entries and a linear stream table of 2^st_log2 STEs,
 * all enabled with SMMUEN = 1 (IRQs left off).
 */
void sm3b_setup(Sm3Bench *b, unsigned cmdq_log2, unsigned evtq_log2,
                unsigned st_log2);
void sm3b_enable(Sm3Bench *b, uint32_t cr0);

/* Command queue: write one command at PROD and publish it. */
void sm3b_cmd(Sm3Bench *b, uint64_t dw0, uint64_t dw1);
void sm3b_sync(Sm3Bench *b);
uint32_t sm3b_cmdq_err(Sm3Bench *b);      /* CMDQ_CONS.ERR */

/* Event queue consumer: false when empty. */
bool sm3b_pop_event(Sm3Bench *b, uint64_t rec[4]);
unsigned sm3b_event_count(Sm3Bench *b);

/* ---- configuration builders ---- */
uint64_t sm3b_ste_addr(Sm3Bench *b, uint32_t sid);
void sm3b_ste_write(Sm3Bench *b, uint32_t sid, const uint64_t ste[8]);
/* Stage-1 STE pointing at a linear CD table of 2^cdmax CDs. */
void sm3b_ste_s1(Sm3Bench *b, uint32_t sid, uint64_t cdtab, unsigned cdmax,
                 uint64_t dw1_extra);
/* Stage-2 STE: 4K granule, 48-bit IPA, start level 0, @vmid, @s2ttb. */
void sm3b_ste_s2(Sm3Bench *b, uint32_t sid, uint16_t vmid, uint64_t s2ttb,
                 uint64_t dw2_extra);
/* Nested: both of the above. */
void sm3b_ste_nested(Sm3Bench *b, uint32_t sid, uint64_t cdtab,
                     unsigned cdmax, uint16_t vmid, uint64_t s2ttb);
void sm3b_ste_bypass(Sm3Bench *b, uint32_t sid);
/* A CD: 4K granule, 48-bit VA via TTB0, EPD1, R=1, A=1, @asid. */
void sm3b_cd(Sm3Bench *b, uint64_t cdtab, uint32_t ssid, uint16_t asid,
             uint64_t ttb0, uint64_t dw0_extra);
/* STE.S2VMID in dword 2 bits [15:0] etc. are set by the builders. */

/* ---- 4K page tables (levels 0..3) ---- */
#define SM3B_PTE_AF        SM_DESC_AF
#define SM3B_PTE_NG        SM_DESC_NG
#define SM3B_PTE_AP_RW_ALL SM_DESC_AP1                 /* AP = 0b01 */
#define SM3B_PTE_AP_RO_ALL (SM_DESC_AP2 | SM_DESC_AP1)  /* AP = 0b11 */
#define SM3B_S2AP_R        SM_DESC_S2AP_R
#define SM3B_S2AP_W        SM_DESC_S2AP_W
#define SM3B_S1_RW         SM_PT_S1_RW
#define SM3B_S2_RW         SM_PT_S2_RW

uint64_t sm3b_pt_new(Sm3Bench *b);
/*
 * Map @va -> @pa with a leaf at @level (3: 4K page, 2: 2M block, 1: 1G
 * block) and lower/upper attribute bits @attrs in the table rooted at
 * @root (start level 0).  Creates intermediate tables as needed.
 */
void sm3b_map(Sm3Bench *b, uint64_t root, uint64_t va, uint64_t pa,
              int level, uint64_t attrs);
/* Address of the leaf descriptor for @va (0 if not mapped). */
uint64_t sm3b_leaf(Sm3Bench *b, uint64_t root, uint64_t va, int level);

/*
 * Replace the stream table by a 2-level one of 2^@log2size StreamIDs
 * with 2^@split STEs per level-2 table (SMMUEN is dropped around the
 * change, so caches see a fresh table).  Level-2 tables are allocated by
 * sm3b_ste_addr() on first use.
 */
void sm3b_st_2lvl(Sm3Bench *b, unsigned split, unsigned log2size);

/* ---- page tables of any granule ---- */

/* One translation table tree, described independently of the model. */
typedef SmPt Sm3bPt;

/* log2 of the bytes one descriptor at @level maps (granule 2^@gshift) */
unsigned sm3b_level_shift(unsigned gshift, int level);
/*
 * A fresh empty tree of granule 2^@gshift (sm_pt_init()).  The
 * start-level table holds 2^(ia_bits - shift) entries: more than one
 * granule's worth makes concatenated tables (stage 2), fewer a short
 * table.
 */
void sm3b_pt_init(Sm3Bench *b, Sm3bPt *pt, unsigned gshift,
                  unsigned ia_bits, int start);
/*
 * Map @va -> @pa with a leaf at @level (3: page, lower: block) and
 * attribute bits @attrs; intermediate tables are created as needed.
 */
void sm3b_pt_map(Sm3Bench *b, const Sm3bPt *pt, uint64_t va, uint64_t pa,
                 int level, uint64_t attrs);

/* ---- translation helpers ---- */
/* Same outcome, output, permissions, TLB hit and fault (not latency) */
bool sm3b_same_xlate(const Sm3Xlate *a, const Sm3Xlate *b);
Sm3Xlate sm3b_xlate(Sm3Bench *b, uint32_t sid, uint64_t iova, bool write);
Sm3Xlate sm3b_xlate_ssid(Sm3Bench *b, uint32_t sid, uint32_t ssid,
                         uint64_t iova, bool write);

#endif /* SM3_BENCH_H */
