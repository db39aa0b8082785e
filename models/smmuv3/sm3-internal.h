/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the sm3-*.c files of the SMMUv3 device model.
 * Nothing here is API: emulators include sm3.h only.
 */
#ifndef SM3_INTERNAL_H
#define SM3_INTERNAL_H

#include <inttypes.h>
#include <stdarg.h>

#include "sm3.h"
#include "sm3-regs.h"
#include "sm3-tables.h"

/* Default cache geometry. */
#define SM3_DEFAULT_TLB_ENTRIES  256
#define SM3_DEFAULT_TLB_WAYS     4
#define SM3_DEFAULT_CFG_ENTRIES  64
#define SM3_DEFAULT_CFG_WAYS     4

/* IIDR default: implementer 0x43b (Arm JEP106), product 0x3e0 "ext". */
#define SM3_DEFAULT_IIDR         0x3e00043bu

/* One row of the register table (sm3-regs.c). */
typedef struct Sm3RegDesc {
    uint32_t offset;
    uint8_t size;                 /* 4 or 8 */
    uint64_t reset;               /* before feature-derived fix-ups */
    uint64_t writable;            /* bits a write may change */
    /*
     * The register is constrained (writes ignored) while lock_bit is set
     * in control register lock_ctrl or in its acknowledge register
     * lock_ack: 0 for registers that are never locked.
     */
    uint32_t lock_ctrl, lock_ack, lock_bit;
    /* called after storage changed; NULL: storage only */
    void (*written)(Sm3 *s, uint64_t old_val);
    const char *name;
} Sm3RegDesc;

/* A stalled transaction waiting for CMD_RESUME / CMD_STALL_TERM. */
typedef struct Sm3Stall {
    bool valid;
    uint32_t sid;
    uint16_t stag;
} Sm3Stall;

/*
 * CMDQ_PROD writes whose time cmdq_timing remembers; with more writes
 * outstanding, the oldest are forgotten and their commands take the time
 * of the next (their wait for the processor is underestimated).
 */
#define SM3_CMD_WRITES 32

/* Static description of one of the three queues. */
typedef struct Sm3QueueDesc {
    uint32_t base, prod, cons;    /* register offsets */
    uint32_t entry_size;          /* bytes */
    uint64_t idr1_max;            /* IDR1 field holding the max log2 size */
    uint64_t cr0_en;              /* CR0 enable bit */
    const char *name;
} Sm3QueueDesc;

extern const Sm3QueueDesc sm3_cmdq, sm3_eventq, sm3_priq;

/*
 * The translation fast path (sm3-fast.c): slots by StreamID and page,
 * each a translation the TLB answered, valid while Sm3.epoch and the
 * generations of the configuration cache and the TLB are those it was
 * noted at.  As many slots as the TLB has entries, rounded up to a power
 * of two, within these bounds.
 */
#define SM3_FAST_MIN_SLOTS  16
#define SM3_FAST_MAX_SLOTS  4096
#define SM3_FAST_PAGE_SHIFT 12

typedef struct Sm3Fast {
    bool valid;
    bool ssv, write, instr, priv;  /* the request's, as it arrived */
    uint32_t sid, ssid;
    uint64_t page;                 /* iova >> SM3_FAST_PAGE_SHIFT */
    uint64_t epoch, cfg_gen, tlb_gen;
    /* The slots of the entries the slow path found: STE, CD, TLB */
    uint32_t ste, cd, tlb;
    bool has_cd;                   /* the STE has stage 1: a CD lookup */
    uint64_t pa_base, mask;        /* the TLB entry's */
    uint8_t perm;
    uint8_t leaf_shift;            /* log2(mask + 1): the timing record's */
} Sm3Fast;

/* A walk-cache entry: a table descriptor and its tags (sm3-tlb.c). */
typedef struct Sm3WalkEntry {
    uint64_t base;           /* input region: in & ~(2^shift - 1) */
    SmWalkTableDesc d;
    uint16_t asid;           /* stage 1 only */
    uint16_t vmid;
    uint8_t world;           /* SM3_TLB_NS_* */
    uint8_t shift;           /* region size: tells granules apart */
    bool global;             /* stage 1, EL2 without E2H */
} Sm3WalkEntry;

/*
 * The last hit in one walk cache: its key and slot, valid while the
 * cache's generation is @gen (sm3_walkc_find()).
 */
typedef struct Sm3WalkcMemo {
    bool valid;
    uint32_t slot;
    uint64_t gen;
    Sm3WalkEntry key;
} Sm3WalkcMemo;

/*
 * What the last full translation of a stream (StreamID and SubstreamID)
 * resolved its configuration to, once both its configuration-cache
 * lookups hit: the entries' slots, private copies of the STE and CD, the
 * StreamWorld and the stages.  While no register and nothing in the
 * configuration cache has changed (Sm3.epoch, its generation), the
 * stream's next translation that the fast path does not answer (a TLB
 * miss) replays the two hits and starts at the TLB (sm3-xlate.c).
 */
typedef struct Sm3StreamMemo {
    bool valid;
    bool ssv;
    uint32_t sid, ssid;
    uint64_t epoch, cfg_gen;
    uint32_t ste_slot, cd_slot;
    bool has_cd;                            /* the STE has stage 1 */
    Sm3StreamWorld world;
    bool s1, s2;
    Sm3Ste ste;
    Sm3Cd cd;
    /* The CD's TTB0 and TTB1 ranges, each worked out when first used */
    bool half_known[2];
    Sm3CdHalf half[2];
} Sm3StreamMemo;

#define SM3_STREAM_MEMO_BITS 4
#define SM3_STREAM_MEMOS (1u << SM3_STREAM_MEMO_BITS)
G_STATIC_ASSERT(SM3_STREAM_MEMO_BITS < 32);

struct Sm3 {
    Sm3Config cfg;
    Sm3Features f;
    uint32_t regs[SM3_REG_SPACE / 4];
    SmCache *tlb;
    SmCache *cfgc;
    SmCache *walkc[SM3_WALKC_STAGES][SM3_WALKC_LEVELS]; /* NULL: off */
    Sm3WalkcMemo walkc_memo[SM3_WALKC_STAGES][SM3_WALKC_LEVELS];
    bool atc_inv_error;           /* an ATC_INV failed since last SYNC */
    uint16_t next_stag;
    Sm3Stall stalls[SM3_MAX_STALLS];
    Sm3Stats st;                  /* counters other than the caches' */
    /*
     * Timing (NULL without): the engine; while a timed translation runs,
     * the record it fills (NULL otherwise), which structure a
     * configuration read is for, and the host that notes those reads.
     */
    SmTimingEngine *timing;
    SmTimingRecord *rec;
    SmTimingCfgKind rec_cfg;
    SmHost rec_host;
    SmTimingResult last_timing;
    bool timed_once;
    uint64_t last_sync_done;
    /*
     * Timed command consumption (Sm3Config.cmdq_timing): whether the
     * command at CMDQ_CONS has been timed and the cycle it is consumed
     * at; commands written and consumed since the queue was enabled; and
     * the last CMDQ_PROD writes, oldest first: after each, how many
     * commands had been written, and the cycle it happened (a command
     * reaches the command processor when it is written).
     */
    bool cmd_timed;
    uint64_t cmd_due;
    uint64_t cmd_written, cmd_consumed;
    struct {
        uint64_t written;
        uint64_t at;
    } cmd_writes[SM3_CMD_WRITES];
    unsigned cmd_writes_head, cmd_writes_n;
    /* The fast path: register epoch (any register change) and slots */
    uint64_t epoch;
    /* Bit n: the TLB has held an entry of 2^n bytes (since creation) */
    uint64_t tlb_shifts;
    Sm3Fast *fast;
    uint32_t fast_mask;           /* slots - 1 */
    /*
     * Timed: per fast-path slot, the micro-TLB entry its last timed hit
     * left (ref.gen 0: none).  Beside the slots, not in them: the
     * untimed fast path keeps its smaller footprint.
     */
    SmTimingHint *fast_utlb;
    /*
     * The record of a timed fast-path hit: what every one of them looked
     * up (the STE, the TLB) is set once by sm3_fast_new(); the request's
     * own fields and the CD lookup are set for each (sm3_fast_time()).
     * Last: it is large, and the fields above are the hot ones.
     */
    SmTimingRecord fast_rec;
    /*
     * The stream memos, by StreamID and SubstreamID; while a translation
     * uses one (its copies), none is refilled (busy: how many).
     */
    unsigned stream_memo_busy;
    Sm3StreamMemo stream_memo[SM3_STREAM_MEMOS];
};

/* ---- logging: through the host (sm_host_log) ---- */
#define sm3_log(s, kind, ...) sm_host_log(&(s)->cfg.host, kind, __VA_ARGS__)
#define sm3_guest_error(s, ...) sm3_log(s, SM_LOG_GUEST_ERROR, __VA_ARGS__)

/* ---- registers (sm3-regs.c) ---- */
static inline uint32_t sm3_reg32(const Sm3 *s, uint32_t off)
{
    return s->regs[(off & (SM3_REG_SPACE - 1)) / 4];
}

static inline uint64_t sm3_reg64(const Sm3 *s, uint32_t off)
{
    return sm3_reg32(s, off) | ((uint64_t)sm3_reg32(s, off + 4) << 32);
}

static inline void sm3_set_reg32(Sm3 *s, uint32_t off, uint32_t v)
{
    s->regs[(off & (SM3_REG_SPACE - 1)) / 4] = v;
    s->epoch++;                   /* the fast path's answers may change */
}

static inline void sm3_set_reg64(Sm3 *s, uint32_t off, uint64_t v)
{
    sm3_set_reg32(s, off, (uint32_t)v);
    sm3_set_reg32(s, off + 4, (uint32_t)(v >> 32));
}

/* Enabled as acknowledged (CR0ACK), which is what the SMMU acts on. */
static inline bool sm3_enabled(const Sm3 *s, uint64_t cr0_bit)
{
    return (sm3_reg32(s, SM3_CR0ACK) & cr0_bit) != 0;
}

const Sm3RegDesc *sm3_reg_table(unsigned *n);
const Sm3RegDesc *sm3_reg_find(uint32_t offset);
void sm3_regs_reset(Sm3 *s);

/* ---- timing (sm3-timing.c) ---- */
bool sm3_timing_new(Sm3 *s);
void sm3_timing_free(Sm3 *s);
/* The current cycle of the SMMU clock (SmHost.now_ns), 0 without it. */
uint64_t sm3_timing_now(const Sm3 *s);
/* The host for configuration fetches: noting their reads when timed. */
const SmHost *sm3_cfg_host(Sm3 *s, SmTimingCfgKind kind);
void sm3_timing_command(Sm3 *s, SmTimingCmdClass c);
/* cmdq_timing: whether the command at CMDQ_CONS (of class @c) is due. */
bool sm3_cmd_due(Sm3 *s, SmTimingCmdClass c);
/* cmdq_timing: the command at CMDQ_CONS ran (@ok) or failed. */
void sm3_cmd_retired(Sm3 *s, bool ok);
/* cmdq_timing: CMDQ_PROD moved from @old_prod (commands were written). */
void sm3_cmd_written(Sm3 *s, uint32_t old_prod);
/* cmdq_timing: forget the queue's timing (disabled, reset, restored). */
void sm3_cmd_timing_clear(Sm3 *s);
/* log2 of the region a result with offset mask @mask holds for (0: all). */
uint8_t sm3_leaf_shift(uint64_t mask);
/*
 * The cycle @req reaches the SMMU: its own, or the host's clock.  Inline:
 * the fast path's timed hits need it every time.
 */
static inline uint64_t sm3_arrival(const Sm3 *s, const Sm3Request *req)
{
    return req->arrival ? req->arrival : sm3_timing_now(s);
}

/*
 * The request's part of a timing record: StreamID, SubstreamID, address,
 * size, direction, and @arrival.
 */
void sm3_rec_request(SmTimingRecord *rec, const Sm3Request *req,
                     uint64_t arrival);
Sm3Xlate sm3_timed(Sm3 *s, const Sm3Request *req,
                   Sm3Xlate (*xlate)(Sm3 *s, const Sm3Request *req,
                                     bool ats_req), bool ats_req);

/* ---- the feature set (sm3-features.c) ---- */
/* IDR@idx (0..5) and AIDR as this feature set advertises them. */
uint64_t sm3_idr_value(const Sm3Features *f, unsigned idx);
uint32_t sm3_aidr_value(const Sm3Features *f);

/* ---- interrupts and global errors (sm3-event.c) ---- */
bool sm3_gerror_active(const Sm3 *s, uint32_t bit);
void sm3_gerror_raise(Sm3 *s, uint32_t bit);
/*
 * Signal an interrupt source: an MSI when MSIs are advertised and the
 * source's IRQ_CFG0.ADDR (register offset @cfg0) is non-zero, otherwise a
 * pulse on its wired line.  Returns false when the MSI write failed (the
 * caller raises the matching GERROR bit).
 */
bool sm3_signal(Sm3 *s, unsigned line, uint32_t cfg0);
/* Send one MSI write of @data to @addr; false on a bus error. */
bool sm3_send_msi(Sm3 *s, uint64_t addr, uint32_t data);

/* ---- queues (sm3-queue.c) ---- */
unsigned sm3_q_log2size(const Sm3 *s, const Sm3QueueDesc *q);
uint64_t sm3_q_base_addr(const Sm3 *s, const Sm3QueueDesc *q);
const Sm3QueueDesc *sm3_q_of_index_reg(uint32_t off);
uint32_t sm3_q_index_bits(const Sm3 *s, const Sm3QueueDesc *q);
/* Index with wrap bit (log2size + 1 bits) of a PROD/CONS value. */
uint32_t sm3_q_wrap_idx(const Sm3 *s, const Sm3QueueDesc *q, uint32_t v);
uint32_t sm3_q_next(const Sm3 *s, const Sm3QueueDesc *q, uint32_t v);
bool sm3_q_empty(const Sm3 *s, const Sm3QueueDesc *q);
bool sm3_q_full(const Sm3 *s, const Sm3QueueDesc *q);
uint64_t sm3_q_entry_addr(const Sm3 *s, const Sm3QueueDesc *q, uint32_t v);
/* Write one record at PROD and advance it; false on a bus error. */
bool sm3_q_push(Sm3 *s, const Sm3QueueDesc *q, const void *rec);

/* ---- events and page requests (sm3-event.c) ---- */
/* The fields of an event record; see sm3_events[] for which apply. */
typedef struct Sm3Event {
    uint8_t id;
    uint32_t sid;
    uint32_t ssid;
    bool ssv;
    bool stall;
    uint16_t stag;
    bool pnu, ind, rnw;
    bool s2;
    uint8_t class;
    bool ttrnw;
    uint64_t input_addr;
    uint64_t ipa;
    uint64_t fetch_addr;
} Sm3Event;

/* sm3_event_name() is public (sm3.h). */
void sm3_event_encode(const Sm3Event *ev, uint64_t rec[4]);
/*
 * A translation-class fault (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS,
 * F_PERMISSION): may stall, and is recorded as its stage's R bit says.
 */
bool sm3_event_stallable(unsigned id);
/* Queue @ev on the event queue; false when it was lost. */
bool sm3_event_record(Sm3 *s, const Sm3Event *ev);

/* ---- commands (sm3-cmd.c) ---- */
/* sm3_cmd_name() is public (sm3.h). */
unsigned sm3_cmdq_run(Sm3 *s, unsigned max);
bool sm3_cmdq_pending(const Sm3 *s);

/* ---- caches (sm3-tlb.c) ---- */
void sm3_caches_new(Sm3 *s);
/* Whether sm3_caches_new() built every cache the configuration asks for */
bool sm3_caches_ok(const Sm3 *s);
void sm3_caches_free(Sm3 *s);
/* Copy the walk caches' counters into @out->walkc. */
void sm3_walkc_stats(const Sm3 *s, Sm3Stats *out);

/* Translation regimes a TLB entry belongs to (its StreamWorld). */
enum {
    SM3_TLB_NS_EL1 = 0,      /* ASID + VMID tagged */
    SM3_TLB_NS_EL2,          /* EL2 / EL2-E2H: ASID tagged, no VMID */
};

/* What an entry translates. */
enum {
    SM3_TLB_KIND_S1 = 0,     /* VA -> PA, stage 1 alone or nested */
    SM3_TLB_KIND_S2,         /* IPA -> PA, stage 2 alone */
};

typedef struct Sm3TlbEntry {
    uint64_t va;             /* input address, aligned to the entry size */
    uint64_t mask;           /* entry size - 1 */
    uint64_t pa;             /* output address of @va */
    uint16_t asid;
    uint16_t vmid;
    uint8_t world;           /* SM3_TLB_NS_* */
    uint8_t kind;            /* SM3_TLB_KIND_* */
    bool global;             /* stage-1 nG == 0: matches every ASID */
    int8_t level;            /* leaf level: stage 1 (S1/nested), stage 2 */
    uint8_t granule_shift;   /* of the stage @level belongs to */
    uint8_t shift;           /* log2(mask + 1): selects the set */
    uint8_t perm;            /* SM_PERM_* */
    bool dirty_on_write;     /* a write must walk again (HD, clean page) */
} Sm3TlbEntry;

#define SM3_TLB_MAX_SHIFTS 8

typedef struct Sm3TlbKey {
    uint8_t world, kind;
    uint16_t asid, vmid;
    uint64_t va;
    /* Entry sizes (log2) that can exist for this configuration. */
    unsigned n_shifts;
    uint8_t shifts[SM3_TLB_MAX_SHIFTS];
} Sm3TlbKey;

/* The scope of one TLB invalidation command. */
typedef struct Sm3TlbScope {
    bool match_world;        /* only entries of @world */
    uint8_t world;
    bool match_kind;         /* only entries of @kind */
    uint8_t kind;
    bool match_vmid;
    uint16_t vmid;
    bool match_asid;         /* only @asid (and, if @global_too, global) */
    uint16_t asid;
    bool global_too;         /* VA forms also hit global entries */
    bool match_addr;         /* entries overlapping [addr, addr + size) */
    uint64_t addr, size;
    int8_t level;            /* TTL: only entries of this level; 0: any */
    uint8_t tg_shift;        /* granule the TTL refers to (0: none) */
    bool leaf;               /* Leaf = 1 (only leaf entries are cached) */
} Sm3TlbScope;

const Sm3TlbEntry *sm3_tlb_lookup(Sm3 *s, const Sm3TlbKey *key);
void sm3_tlb_insert(Sm3 *s, const Sm3TlbEntry *e);
unsigned sm3_tlb_invalidate(Sm3 *s, const Sm3TlbScope *sc);

/*
 * Walk caches (sm3-tlb.c).  The context one translation's walks are
 * tagged with: stage-1 entries by regime, VMID and ASID, stage-2
 * entries by VMID.
 */
typedef struct Sm3WalkCtx {
    Sm3 *s;
    uint8_t world;           /* SM3_TLB_NS_* */
    uint16_t asid, vmid;
    /* EL2 without E2H has no ASIDs: VA forms of TLBI reach any ASID */
    bool global;
    SmWalkCacheOps ops;
} Sm3WalkCtx;

/* NULL when @cfg's walk-cache geometry is acceptable, else why not. */
/*
 * Why the cache geometry of @cfg is refused (naming the settings, as
 * the arm-smmuv3-ext properties), or NULL; g_free() it.
 */
char *sm3_cache_geometry_error(const Sm3Config *cfg);
/*
 * Fill @wc for a translation in (@world, @vmid, @asid) and return the
 * ops to put in SmWalkCfg.wc: NULL when every walk cache is off.
 */
const SmWalkCacheOps *sm3_walkc_ops(Sm3 *s, Sm3WalkCtx *wc, uint8_t world,
                                    uint16_t vmid, uint16_t asid,
                                    bool global);
/*
 * Drop the walk-cache entries a non-leaf TLB invalidation of scope @sc
 * reaches: stage 1 for KIND_S1, stage 2 for KIND_S2, both when the
 * scope has no kind.  The TTL hint is not applied (see sm3-tlb.c).
 */
unsigned sm3_walkc_invalidate(Sm3 *s, const Sm3TlbScope *sc);

/* Configuration cache: decoded STEs and CDs. */
typedef struct Sm3CfgEntry {
    bool is_cd;
    uint32_t sid;
    bool ssv;                /* CD: the lookup key's SSV and SSID */
    uint32_t ssid;
    bool s1_bypass;          /* CD: stage 1 bypassed for this key */
    union {
        Sm3Ste ste;
        Sm3Cd cd;
    };
} Sm3CfgEntry;

const Sm3CfgEntry *sm3_cfg_lookup(Sm3 *s, bool is_cd, uint32_t sid,
                                  bool ssv, uint32_t ssid);
void sm3_cfg_insert(Sm3 *s, const Sm3CfgEntry *e);
/*
 * Drop STEs (@ste) and/or CDs (@cd) of StreamIDs @sid_first..@sid_last;
 * with @match_ssid only the CDs at table index @ssid (0 also serves
 * traffic without a substream).
 */
unsigned sm3_cfg_invalidate(Sm3 *s, uint32_t sid_first, uint32_t sid_last,
                            bool ste, bool cd, bool match_ssid,
                            uint32_t ssid);

/* Notify the emulator (SmHost.invalidated) of an invalidation. */
void sm3_notify_inval(Sm3 *s, const SmInval *inv);

/* ---- translation (sm3-xlate.c) ---- */
/* Tables the translation path derives once, before the first instance. */
void sm3_xlate_init(void);

/* ---- stalls (sm3-stall.c) ---- */
/* A free slot and a STAG not in use; false when all slots are held. */
bool sm3_stall_alloc(Sm3 *s, uint32_t sid, uint16_t *stag);
/* Give back a slot just allocated for a stall that never happened. */
void sm3_stall_release(Sm3 *s, uint16_t stag);
/* Resolve the stalls of @sid (all, or only @stag when @match_stag). */
unsigned sm3_stall_resolve(Sm3 *s, uint32_t sid, bool match_stag,
                           uint16_t stag, bool retry);
/* Terminate every stalled transaction (reset, SMMUEN 1 -> 0). */
unsigned sm3_stall_terminate_all(Sm3 *s);

/* ---- the fast path (sm3-fast.c) ---- */
/* What a TLB-answered translation used: cache entries, all hits. */
typedef struct Sm3FastHit {
    const Sm3CfgEntry *ste;
    const Sm3CfgEntry *cd;        /* NULL: the STE has no stage 1 */
    const Sm3TlbEntry *tlb;
} Sm3FastHit;

void sm3_fast_new(Sm3 *s);
void sm3_fast_free(Sm3 *s);
/*
 * Answer @req from its stream's slot when it still holds, counted and,
 * with timing, timed as the full path would; else false (nothing done).
 */
bool sm3_fast_translate(Sm3 *s, const Sm3Request *req, Sm3Xlate *r);
/*
 * Remember @hit for @req's stream.  Only for a translation whose every
 * lookup hit and that inserted nothing: the generations noted are the
 * ones its entries were found at.
 */
void sm3_fast_note(Sm3 *s, const Sm3Request *req, const Sm3FastHit *hit);

#endif /* SM3_INTERNAL_H */
