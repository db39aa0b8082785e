/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the files of models/smmuv2 share and nobody else sees.
 *
 *   sm2-regs    register table, MMIO, ID values, lifecycle
 *     +--> sm2-tlb     TLB on sm-cache, TLBI scopes
 *     +--> sm2-fault   context and global fault recording, interrupts,
 *                      stalls and RESUME
 *     +--> sm2-ats     address translation operations (ATS1*, GATS*)
 *   sm2-xlate  stream matching, context banks, walks
 *     --> sm2-tlb, sm2-fault, models/common/sm-walk
 */
#ifndef SM2_INTERNAL_H
#define SM2_INTERNAL_H

#include "sm-walk.h"
#include "sm2.h"
#include "sm2-regs.h"

/* The register spaces; a space holds one 4KiB page of 32-bit words. */
typedef enum Sm2Space {
    SM2_SPACE_GR0 = 0,
    SM2_SPACE_GR1,
    SM2_SPACE_CB,
} Sm2Space;

#define SM2_SPACE_WORDS 1024          /* every register sits below 4KiB */

/* How many instances of a row exist (4-byte stride for arrays). */
typedef enum Sm2RegCount {
    SM2_ONE = 0,
    SM2_PER_SMRG,                     /* SMRn, S2CRn */
    SM2_PER_CB,                       /* CBARn, CBA2Rn, CBFRSYNRAn */
} Sm2RegCount;

/*
 * One register (or array of registers).  @n is the array index for
 * SM2_PER_* rows in GR0/GR1 and the context bank for SM2_SPACE_CB rows.
 */
typedef struct Sm2RegDesc {
    Sm2Space space;
    uint16_t offset;
    uint8_t size;                     /* 4 or 8 */
    Sm2RegCount count;
    uint64_t reset;
    uint64_t writable;                /* bits a write stores */
    uint64_t w1c;                     /* bits a write of 1 clears */
    /* after storage changed; @old is the value before the write */
    void (*written)(Sm2 *s, unsigned n, uint64_t old,
                    const struct Sm2RegDesc *d);
    const char *name;
    /* reads as zero: storage holds the operand only for @written */
    bool write_only;
    /*
     * Bits only the model writes (fault syndromes software cannot write,
     * PAR): not writable, but state all the same.
     */
    uint64_t hw_set;
} Sm2RegDesc;

/* One cached translation (a leaf of one bank's walk). */
#define SM2_NO_S2CB 0xff                  /* Sm2TlbEntry.s2cbndx: not nested */

typedef struct Sm2TlbEntry {
    uint16_t vmid;
    uint16_t asid;
    uint8_t cbndx;
    uint8_t s2cbndx;                  /* nested: the stage-2 bank */
    uint16_t s2vmid;                  /* nested: that bank's VMID */
    bool stage2;                      /* keyed by IPA (stage-2 bank) */
    bool global;                      /* stage 1, nG = 0: any ASID */
    uint64_t va;                      /* input address, page aligned */
    uint64_t mask;                    /* page size - 1 */
    uint64_t pa;                      /* output of @va */
    uint8_t perm;                     /* SM_PERM_* */
} Sm2TlbEntry;

/* A transaction a bank holds after a stalling fault (SCTLR.CFCFG). */
typedef struct Sm2Stall {
    bool valid;
    Sm2Request req;
} Sm2Stall;

struct Sm2 {
    Sm2Config cfg;
    Sm2Features f;
    uint32_t gr0[SM2_SPACE_WORDS];
    uint32_t gr1[SM2_SPACE_WORDS];
    uint32_t (*cb)[SM2_SPACE_WORDS];  /* [numcb] */
    SmCache *tlb;
    /* interrupt levels last given to the host */
    bool irq_global;
    bool *irq_cb;                     /* [numcb] */
    Sm2Stall *stall;                  /* [numcb] */
    /*
     * An address translation operation is running: faults are worked
     * out for PAR but neither recorded nor stalled.
     */
    bool ats_op;
    uint64_t ats_count;               /* operations run */
    /*
     * Stream cache (sm2-xlate.c): what stream matching and the context
     * bank's registers decoded to, per StreamID, valid while
     * @config_gen is what it was; every write of a register that
     * chooses how a stream translates, reset and restore bump it.
     */
    struct Sm2StreamSlot *streams;    /* [SM2_STREAM_SLOTS] */
    uint64_t config_gen;
    uint64_t stall_count;             /* transactions held */
    /* timing (sm2-timing.c): NULL engine without it */
    SmTimingEngine *timing;
    SmTimingRecord *rec;              /* the timed translation's, or NULL */
    SmTimingResult last_timing;
    bool timed_once;
};

/* ---- registers (sm2-regs.c) ---- */
uint32_t *sm2_space(Sm2 *s, Sm2Space sp, unsigned n);
uint32_t sm2_rd32(const Sm2 *s, Sm2Space sp, unsigned n, uint32_t off);
uint64_t sm2_rd64(const Sm2 *s, Sm2Space sp, unsigned n, uint32_t off);
void sm2_wr32(Sm2 *s, Sm2Space sp, unsigned n, uint32_t off, uint32_t v);
void sm2_wr64(Sm2 *s, Sm2Space sp, unsigned n, uint32_t off, uint64_t v);
const Sm2RegDesc *sm2_reg_table(unsigned *n);
uint32_t sm2_idr_value(const Sm2Features *f, unsigned i);
void sm2_guest_error(const Sm2 *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- TLB (sm2-tlb.c) ---- */
/* The TLB geometry of @cfg: its defaults when tlb_entries is 0. */
SmCacheParams sm2_tlb_params(const Sm2Config *cfg);
bool sm2_tlb_new(Sm2 *s);
const Sm2TlbEntry *sm2_tlb_lookup(Sm2 *s, uint8_t cbndx, uint8_t s2cbndx,
                                  uint16_t vmid, uint16_t asid,
                                  uint64_t addr);
void sm2_tlb_insert(Sm2 *s, const Sm2TlbEntry *e);
/* Invalidation scope: every field not marked "any" must match. */
typedef struct Sm2TlbScope {
    bool any_vmid;
    bool any_asid;                    /* else @asid (global: by_addr) */
    bool by_addr;
    bool stage2;                      /* IPA (stage-2) or VA entries */
    bool both_stages;                 /* ignore @stage2 */
    uint16_t vmid, asid;
    uint64_t addr;
} Sm2TlbScope;
unsigned sm2_tlb_invalidate(Sm2 *s, const Sm2TlbScope *sc);
void sm2_tlbi_cb(Sm2 *s, unsigned cbndx, uint32_t off);
/*
 * A register choosing how streams translate was written: the host hears
 * of an invalidation of everything (its notifiers hold answers by
 * address only), the timing engine of a configuration invalidation.
 */
void sm2_config_changed(Sm2 *s);
void sm2_tlbi_global(Sm2 *s, uint32_t off);
/*
 * VMID of bank @cbndx (CBA2R.VMID16 when sCR0.VMID16EN, else CBAR.VMID);
 * for a nested bank, that of its stage-2 bank.
 */
uint16_t sm2_cb_vmid(const Sm2 *s, unsigned cbndx);
/* ASID of a stage-1 bank: TTBR0/1[63:48] (TCR.A1), 8 bits unless TCR2.AS */
uint16_t sm2_cb_asid(const Sm2 *s, unsigned cbndx);

/* ---- faults (sm2-fault.c) ---- */
/* A context fault of bank @cbndx: FSR bit @bit, syndrome from @req. */
Sm2Fault sm2_context_fault(Sm2 *s, unsigned cbndx, uint32_t bit,
                           const Sm2Request *req, int level, bool ptw);
/*
 * A stage-2 fault of a nested translation: recorded in stage-2 bank
 * @s2cb as a context fault, with FSYNR0.S1CBNDX = @s1cb and IPAFAR the
 * IPA whose translation faulted.
 */
Sm2Fault sm2_nested_s2_fault(Sm2 *s, unsigned s2cb, unsigned s1cb,
                             uint32_t bit, const Sm2Request *req, int level,
                             bool ptw, uint64_t ipa);
/* A global fault: sGFSR bit @bit, syndrome from @req. */
Sm2Fault sm2_global_fault(Sm2 *s, uint32_t bit, const Sm2Request *req);
/* RESUME of bank @n was written: retry or terminate its stall. */
void sm2_resume(Sm2 *s, unsigned n);
/* Every stall dropped (reset). */
void sm2_stalls_clear(Sm2 *s);
/* After a restore: FSR.SS of each bank says whether it holds one. */
void sm2_stalls_restored(Sm2 *s);
/* @req as sm2_translate() would, but untimed (a RESUME retry). */
Sm2Xlate sm2_translate_untimed(Sm2 *s, const Sm2Request *req);
/* Bring the wired interrupts in line with FSR/sGFSR and the enables. */
void sm2_update_irqs(Sm2 *s);

/* ---- translation (sm2-xlate.c) ---- */
/* Which stages an address translation operation runs. */
typedef enum Sm2AtsStages {
    SM2_ATS_S1,                       /* stage 1 alone: VA -> IPA */
    SM2_ATS_S12,                      /* every stage of the bank */
} Sm2AtsStages;
/*
 * @req (address, access) through bank @n alone, as an address
 * translation operation: no stream matching, no TLB, and with
 * s->ats_op set, no fault recorded.  SM2_XLATE_BYPASS: the bank does
 * not translate (pa == address).
 */
Sm2Xlate sm2_translate_bank(Sm2 *s, unsigned n, const Sm2Request *req,
                            Sm2AtsStages stages, SmWalkOk *ok);

bool sm2_streams_new(Sm2 *s);
/* The stream cache holds nothing valid any more. */
void sm2_streams_forget(Sm2 *s);

/* ---- address translation operations (sm2-ats.c) ---- */
/*
 * The operation register at @off of space @sp was written (of bank
 * @bank for ATS1*, 0 for GATS*): its result goes to PAR / sGPAR.
 */
void sm2_ats_written(Sm2 *s, Sm2Space sp, unsigned bank, uint32_t off);

/* ---- timing (sm2-timing.c) ---- */
bool sm2_timing_new(Sm2 *s);
void sm2_timing_free(Sm2 *s);
void sm2_timing_reset(Sm2 *s);
/* A TLBI (or sync) register write, as the engine's command of class @c. */
void sm2_timing_command(Sm2 *s, SmTimingCmdClass c);
/* @xlate of @req, timed when the instance is. */
Sm2Xlate sm2_timed(Sm2 *s, const Sm2Request *req,
                   Sm2Xlate (*xlate)(Sm2 *s, const Sm2Request *req));
/* For the timed translation: the TLB hit or missed (and @walk ran). */
void sm2_timing_note_tlb(Sm2 *s, bool hit, const SmWalkResult *walk);

#endif /* SM2_INTERNAL_H */
