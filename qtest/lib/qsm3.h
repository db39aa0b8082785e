/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qsm3: SMMUv3 programming helpers for QTest suites, in the style of
 * QEMU's libqos: a state struct plus verbs.  Everything goes through a
 * QBus, tables and queues come from a QGuestAlloc, and field layouts
 * come from the model's headers (sm3-regs.h, sm3-tables.h, sm3-ids.h).
 */
#ifndef QSM3_H
#define QSM3_H

#include <stdbool.h>
#include <stdint.h>

#include "qalloc.h"
#include "qbus.h"
#include "sm-bits.h"
#include "sm3-ids.h"
#include "sm3-regs.h"
#include "sm3-tables.h"

/* Page 1 offsets of the queue indexes (page 0 aliases them too). */
#define QSM3_P1(off)            (SM3_PAGE_SIZE + (off))

/* Bounded polls: how many register reads before giving up. */
#define QSM3_POLL_MAX           2000

typedef struct QSm3Opts {
    unsigned sid_bits;       /* stream table size, log2 (default 8) */
    bool two_level;          /* 2-level stream table */
    unsigned split;          /* STRTAB_BASE_CFG.SPLIT (default 6) */
    unsigned cmdq_log2;      /* entries, log2 (default 8) */
    unsigned evtq_log2;      /* (default 8) */
    unsigned priq_log2;      /* (default 6; only with IDR0.PRI) */
    uint64_t cmdq_base;      /* non-zero: use this (e.g. unbacked) */
    bool no_enable;          /* program registers, leave CR0 at 0 */
    bool no_eventq;          /* leave EVENTQEN clear */
    uint32_t cr0_extra;      /* e.g. SM3_CR0_ATSCHK */
    uint32_t cr2;            /* e.g. SM3_CR2_RECINVSID */
} QSm3Opts;

typedef struct QSm3 {
    const QBus *bus;
    QGuestAlloc *alloc;
    uint64_t base;
    uint32_t idr[6];
    /* stream table */
    uint64_t strtab;
    unsigned sid_bits;
    bool two_level;
    unsigned split;
    /* queues: base, log2 size, our shadow index (with the wrap bit) */
    uint64_t cmdq;
    unsigned cmdq_log2;
    uint32_t cmdq_prod;
    uint64_t evtq;
    unsigned evtq_log2;
    uint32_t evtq_cons;
    uint64_t priq;
    unsigned priq_log2;
    uint32_t priq_cons;
} QSm3;

/* ---- registers ----------------------------------------------------------- */

uint32_t qsm3_readl(QSm3 *s, uint32_t off);
void qsm3_writel(QSm3 *s, uint32_t off, uint32_t val);
uint64_t qsm3_readq(QSm3 *s, uint32_t off);
void qsm3_writeq(QSm3 *s, uint32_t off, uint64_t val);
/* Write CR0 and wait (bounded) for CR0ACK to match; false on timeout. */
bool qsm3_set_cr0(QSm3 *s, uint32_t val);
/* Same for IRQ_CTRL / IRQ_CTRLACK. */
bool qsm3_set_irq_ctrl(QSm3 *s, uint32_t val);
/* GBPA write with Update, waiting for Update to clear. */
bool qsm3_set_gbpa(QSm3 *s, uint32_t val);
/* Active global errors: GERROR ^ GERRORN. */
uint32_t qsm3_gerror_active(QSm3 *s);
/* Acknowledge @bits: toggle them in GERRORN. */
void qsm3_gerror_ack(QSm3 *s, uint32_t bits);

/* ---- set-up -------------------------------------------------------------- */

/*
 * Attach to the SMMU at @base, allocate queues and the stream table,
 * program them and (unless opts->no_enable) enable the queues and the
 * SMMU through the CR0/CR0ACK handshake.  @opts may be NULL.
 */
void qsm3_init(QSm3 *s, const QBus *bus, QGuestAlloc *alloc, uint64_t base,
               const QSm3Opts *opts);

/* ---- stream table -------------------------------------------------------- */

/* Address of the STE of @sid (allocates its level-2 table if needed). */
uint64_t qsm3_ste_addr(QSm3 *s, uint32_t sid);
/* Write @ste (dword 0 last) and, if @cfgi, CFGI_STE + CMD_SYNC. */
void qsm3_ste_write(QSm3 *s, uint32_t sid, const uint64_t ste[8], bool cfgi);
void qsm3_ste_read(QSm3 *s, uint32_t sid, uint64_t ste[8]);

void qsm3_ste_abort(uint64_t ste[8]);
void qsm3_ste_bypass(uint64_t ste[8]);
/* Valid = 0 */
void qsm3_ste_invalid(uint64_t ste[8]);

/* ---- page tables --------------------------------------------------------- */

/* Descriptor attributes for qsm3_pt_map(). */
#define QSM3_PT_RO        (1u << 0)   /* no write permission */
#define QSM3_PT_NO_AF     (1u << 1)   /* AF = 0 */
#define QSM3_PT_DBM       (1u << 2)   /* DBM = 1 (with QSM3_PT_RO: clean) */
#define QSM3_PT_WO        (1u << 3)   /* stage 2: write-only */
#define QSM3_PT_NONE      (1u << 4)   /* stage 2: no access */

typedef struct QSm3Pt {
    const QBus *bus;
    QGuestAlloc *alloc;
    bool stage2;
    unsigned gshift;         /* 12, 14, 16 */
    unsigned ia_bits;        /* input address size */
    unsigned start_level;
    uint64_t root;
    /* Stage 2 of a nested set-up: table addresses the S1 builder writes
     * are IPAs, equal to PAs (identity stage 2 over RAM), so nothing to
     * do here; kept explicit for readers. */
} QSm3Pt;

/* Bits resolved at @level (index width) and the size mapped by one entry. */
unsigned qsm3_level_shift(unsigned gshift, unsigned level);
/* Start level of a walk of @ia_bits with granule 2^@gshift. */
unsigned qsm3_start_level(unsigned gshift, unsigned ia_bits);

void qsm3_pt_init(QSm3Pt *pt, const QBus *bus, QGuestAlloc *alloc,
                  bool stage2, unsigned gshift, unsigned ia_bits);
/*
 * Map [@va, @va + size of a @level entry) to @pa: level 3 is a page,
 * lower levels are blocks.  Returns the descriptor's address.
 */
uint64_t qsm3_pt_map(QSm3Pt *pt, uint64_t va, uint64_t pa, unsigned level,
                     unsigned attrs);
/* Address of the descriptor for @va at @level (0 if no table leads there). */
uint64_t qsm3_pt_desc_addr(QSm3Pt *pt, uint64_t va, unsigned level);
/* Descriptor for @va at @level made invalid (0). */
void qsm3_pt_unmap(QSm3Pt *pt, uint64_t va, unsigned level);
/* A leaf descriptor value as qsm3_pt_map() would write it. */
uint64_t qsm3_pt_leaf(const QSm3Pt *pt, uint64_t pa, unsigned level,
                      unsigned attrs);
/* Identity-map [@base, @base + @size) with the largest blocks possible. */
void qsm3_pt_identity(QSm3Pt *pt, uint64_t base, uint64_t size);

/* TG0 (CD) and S2TG (STE) encodings of a granule shift. */
unsigned qsm3_tg0(unsigned gshift);
unsigned qsm3_s2tg(unsigned gshift);

/* ---- context descriptors and STE builders -------------------------------- */

#define QSM3_CD_TBI       (1u << 0)
#define QSM3_CD_HA        (1u << 1)
#define QSM3_CD_HD        (1u << 2)   /* with HA */
#define QSM3_CD_AFFD      (1u << 3)
#define QSM3_CD_STALL     (1u << 4)   /* CD.S */
#define QSM3_CD_NO_RECORD (1u << 5)   /* CD.R = 0 */
#define QSM3_CD_INVALID   (1u << 6)   /* CD.V = 0 */

void qsm3_cd_build(QSm3 *s, uint64_t cd[8], const QSm3Pt *pt, uint16_t asid,
                   unsigned flags);
void qsm3_cd_write(QSm3 *s, uint64_t addr, const uint64_t cd[8]);

/* A linear CD table of 2^@log2n entries. */
uint64_t qsm3_cdtab_linear(QSm3 *s, unsigned log2n);
/*
 * A 2-level CD table with 4KB leaves (S1Fmt 1, 64 CDs each) of
 * 2^@log2n SSIDs; leaves are allocated by qsm3_cd_addr().
 */
uint64_t qsm3_cdtab_2lvl(QSm3 *s, unsigned log2n);
/* Address of the CD of @ssid in a table made above. */
uint64_t qsm3_cd_addr(QSm3 *s, uint64_t cdtab, bool two_level,
                      uint32_t ssid);

/* Stage-1 STE: CD table at @cdtab, S1Fmt @s1fmt, S1CDMax @cdmax. */
void qsm3_ste_s1(uint64_t ste[8], uint64_t cdtab, unsigned s1fmt,
                 unsigned cdmax, unsigned s1dss);
/* Stage-2 STE over @pt with @vmid (output size from IDR5.OAS). */
void qsm3_ste_s2(QSm3 *s, uint64_t ste[8], const QSm3Pt *pt, uint16_t vmid);
/* Nested: stage-1 fields of @s1ste plus the stage 2 of @pt. */
void qsm3_ste_nested(QSm3 *s, uint64_t ste[8], uint64_t cdtab,
                     unsigned s1fmt, unsigned cdmax, const QSm3Pt *s2,
                     uint16_t vmid);

/*
 * The common case: a stage-1 translation for @sid with one CD (linear
 * table of one entry) for @pt and @asid.  Returns the CD address.
 */
uint64_t qsm3_setup_s1(QSm3 *s, uint32_t sid, const QSm3Pt *pt,
                       uint16_t asid, unsigned cd_flags);

/* ---- commands ------------------------------------------------------------ */

/* Queue one command (does not wait). */
void qsm3_cmd_queue(QSm3 *s, uint64_t dw0, uint64_t dw1);
/*
 * Queue CMD_SYNC and wait (bounded) until CONS passes it or the queue
 * stops with CONS.ERR.  Returns CMDQ_CONS.ERR (0: none).
 */
unsigned qsm3_sync(QSm3 *s);
/* Queue one command plus CMD_SYNC; asserts no command error. */
void qsm3_cmd(QSm3 *s, uint64_t dw0, uint64_t dw1);
/* Wait (bounded) for CONS to reach PROD; returns CONS.ERR. */
unsigned qsm3_wait_cons(QSm3 *s);
/*
 * Queue @dw0 (an illegal command, e.g. an unknown opcode), assert that
 * it stops the queue with CERROR_ILL and return its index (PROD before).
 */
uint32_t qsm3_cmd_ill(QSm3 *s, uint64_t dw0);
/* Guest address of the command slot of queue index @index. */
uint64_t qsm3_cmd_slot(QSm3 *s, uint32_t index);
/* Overwrite the command at @index (e.g. fix one that stopped the queue). */
void qsm3_cmd_rewrite(QSm3 *s, uint32_t index, uint64_t dw0, uint64_t dw1);

void qsm3_cfgi_ste(QSm3 *s, uint32_t sid);
void qsm3_cfgi_all(QSm3 *s);
void qsm3_tlbi_nh_all(QSm3 *s);
void qsm3_tlbi_nsnh_all(QSm3 *s);

/* ---- event and PRI queues ------------------------------------------------ */

/* Records waiting in the event queue. */
unsigned qsm3_evt_pending(QSm3 *s);
/* Pop one event record into @rec; false when the queue is empty. */
bool qsm3_evt_pop(QSm3 *s, uint64_t rec[4]);
/* Read the next record without consuming it. */
bool qsm3_evt_peek(QSm3 *s, uint64_t rec[4]);
/* Pop one record and assert its event ID; returns it in @rec. */
void qsm3_evt_expect(QSm3 *s, unsigned id, uint64_t rec[4]);
/* Assert the event queue is empty. */
void qsm3_evt_none(QSm3 *s);
/* Print a record (for failure messages). */
char *qsm3_evt_str(const uint64_t rec[4]);

bool qsm3_priq_pop(QSm3 *s, uint64_t rec[2]);

#endif /* QSM3_H */
