/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cycle-approximate timing of an SMMU, shared by the SMMUv3 and SMMUv2
 * models.  The functional model decides WHAT a translation is and fills
 * one SmTimingRecord saying what it did (configuration cache hits and
 * fetches, TLB hit or miss, every table access of the walk, an event
 * written); sm_timing_translate() says HOW LONG that took, given the
 * parameters and the traffic before it.  The engine never reads guest
 * memory and never changes a functional result.
 *
 * The machine modelled (docs/timing.md has the full description):
 *
 *   device -> TBU [outstanding slots, micro-TLB, main TLB if in the TBU]
 *          -> link -> TCU [translation slots, configuration cache, main
 *          TLB if in the TCU, walk slots: walk caches, IPA cache, table
 *          reads from memory] -> link -> TBU -> device
 *
 * Only the micro-TLBs are simulated here (they have no functional
 * counterpart); every other cache's hit or miss comes from the record
 * and costs its lookup latency.  Resources (per-TBU outstanding
 * transactions, TCU translation slots, page-table-walk slots, the event
 * queue writer, the command processor) each have N servers with a
 * "busy until" cycle: a request takes the server that frees first
 * (lowest index on a tie), waits max(0, free_at - arrival) and holds it
 * for its service time.  Requests are served in call order, so callers
 * pass them in order of arrival; requests arriving at the same cycle are
 * served in call order.
 *
 * Time is integer cycles of the SMMU clock throughout: no floating
 * point, no host time, so the same calls give the same numbers on every
 * host.  No state outside the engine instance.
 */
#ifndef SM_TIMING_H
#define SM_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "sm-tagcache.h"
#include "sm-walk.h"

/* ---- Limits ------------------------------------------------------------- */

#define SM_TIMING_MAX_TBUS         64
#define SM_TIMING_MAX_SID_RANGES   64
#define SM_TIMING_MAX_MEM_RANGES   16
/* Largest value of any single latency or cost parameter, in cycles. */
#define SM_TIMING_MAX_CYCLES       10000000u
/* Largest number of servers of one resource. */
#define SM_TIMING_MAX_SLOTS        4096u
/* Largest micro-TLB. */
#define SM_TIMING_MAX_UTLB         4096u

/* ---- Parameters --------------------------------------------------------- */

/* Where the main TLB sits, which decides what a main-TLB hit costs. */
typedef enum SmTimingTlbLocation {
    /*
     * In each TBU, behind the micro-TLB (MMU-600 TBU main TLB, gem5's
     * per-device main TLB): a hit is answered without the link, the TCU
     * or a configuration lookup.
     */
    SM_TIMING_TLB_IN_TBU = 0,
    /*
     * In the TCU, after the configuration lookup (MMU-500 macro TLB, and
     * how the functional SMMUv3 model tags its TLB with ASID/VMID).
     */
    SM_TIMING_TLB_IN_TCU,
} SmTimingTlbLocation;

/* How the per-level walk caches of one stage are looked up. */
typedef enum SmTimingProbe {
    /*
     * One after another, deepest level first, until a hit (as the
     * walker of sm-walk.c and gem5 do): 3 - L lookups, L being the level
     * of the hit or, on a miss, the start level.
     */
    SM_TIMING_PROBE_SERIAL = 0,
    /* All levels at once: one lookup per stage walk. */
    SM_TIMING_PROBE_PARALLEL,
} SmTimingProbe;

/* Command classes with their own cost. */
typedef enum SmTimingCmdClass {
    SM_TIMING_CMD_CFGI = 0,  /* configuration invalidation (CFGI_*) */
    SM_TIMING_CMD_TLBI,      /* TLB invalidation (TLBI_*) */
    SM_TIMING_CMD_ATC_INV,   /* ATS invalidation: done after a round trip */
    SM_TIMING_CMD_SYNC,      /* completes when every earlier command has */
    SM_TIMING_CMD_PREFETCH,  /* PREFETCH_CONFIG / PREFETCH_ADDR */
    SM_TIMING_CMD_OTHER,     /* RESUME, STALL_TERM, PRI_RESP, ... */
    SM_TIMING_CMD_COUNT
} SmTimingCmdClass;

/* Memory latency for table fetches from [first, last]. */
typedef struct SmTimingMemRange {
    uint64_t first;
    uint64_t last;
    uint32_t latency;        /* cycles per access */
} SmTimingMemRange;

/* StreamIDs [first, last] are served by TBU @tbu. */
typedef struct SmTimingSidRange {
    uint32_t first;
    uint32_t last;
    uint32_t tbu;
} SmTimingSidRange;

/*
 * Everything the engine needs; every field is one key of the parameter
 * file (docs/timing.md), named in the comment.  All latencies and costs
 * are cycles of the SMMU clock.  A plain value: copy it freely.
 */
typedef struct SmTimingParams {
    uint32_t clock_mhz;          /* clock.mhz: only for ns conversions */
    /* Per-TBU micro-TLB (timing only): utlb.* */
    uint32_t utlb_entries;       /* utlb.entries */
    uint32_t utlb_ways;          /* utlb.ways, 0: fully associative */
    SmTagPolicy utlb_policy;     /* utlb.policy */
    uint64_t utlb_seed;          /* utlb.seed (random policy) */
    uint32_t utlb_latency;       /* utlb.latency: one lookup */
    /* Caches of the functional model: lookup latencies only */
    uint32_t tlb_latency;        /* tlb.latency */
    SmTimingTlbLocation tlb_location;    /* tlb.location */
    uint32_t cfg_latency;        /* cfg.latency: one lookup per translation */
    uint32_t walkc_latency;      /* walkc.latency: one walk-cache lookup */
    SmTimingProbe walkc_probe;   /* walkc.probe */
    uint32_t ipac_latency;       /* ipac.latency: one IPA-cache lookup */
    uint32_t walk_step;          /* walk.step: handling one descriptor read */
    /* TBU <-> TCU interface */
    uint32_t link_tbu_to_tcu;    /* link.tbu_to_tcu */
    uint32_t link_tcu_to_tbu;    /* link.tcu_to_tbu */
    /* Commands: cmd.cfgi, cmd.tlbi, cmd.atc_inv, cmd.sync, ... */
    uint32_t cmd_cost[SM_TIMING_CMD_COUNT];
    uint32_t atc_inv_round_trip; /* cmd.atc_inv_round_trip */
    /* Events */
    uint32_t event_write;        /* event.write: one event record */
    uint32_t event_msi;          /* event.msi: the MSI after it */
    /* Memory */
    uint32_t mem_latency;        /* mem.latency: outside every range */
    uint32_t n_mem_ranges;       /* mem.range, one line each */
    SmTimingMemRange mem_ranges[SM_TIMING_MAX_MEM_RANGES];
    /* Resources */
    uint32_t slots_tcu;          /* slots.tcu: TCU translation slots */
    uint32_t slots_ptw;          /* slots.ptw: walks in parallel */
    uint32_t slots_tbu;          /* slots.tbu: outstanding per TBU */
    /* TBUs */
    uint32_t tbu_count;          /* tbu.count */
    uint32_t tbu_default;        /* tbu.default: StreamIDs in no range */
    uint32_t n_sid_ranges;       /* tbu.sids, one line each */
    SmTimingSidRange sid_ranges[SM_TIMING_MAX_SID_RANGES];
} SmTimingParams;

/*
 * The built-in defaults: the MMU-600-class set, identical to
 * models/common/params/mmu-600.conf (a unit test checks).
 */
void sm_timing_params_default(SmTimingParams *p);

/*
 * NULL when @p is usable, else "key: why" naming the parameter-file key
 * and the rule (g_free it).  Covers ranges and the rules between keys:
 * micro-TLB geometry, TBU numbers below tbu.count, no overlapping ranges.
 */
char *sm_timing_params_error(const SmTimingParams *p);

/*
 * Apply the statements of @text to @p (docs/timing.md, "Parameter
 * files"): "key = value" per line (or separated by ';'), '#' comments to
 * the end of the line, "[section]" prefixing "section." to the keys that
 * follow.  Keys not mentioned keep the value they had in @p; a list key
 * (mem.range, tbu.sids) mentioned at least once is replaced by the
 * entries given, "none" giving an empty list.  @name (a file name, or
 * what the text came from) starts every message.
 *
 * On success returns true.  Otherwise returns false, leaves @p unchanged
 * and sets *@errp (g_free it) to "name:line: message", e.g.
 * "t.conf:3: utlb.entries: 0 is out of range (allowed 1..4096)".
 */
bool sm_timing_params_parse(SmTimingParams *p, const char *text,
                            const char *name, char **errp);
/* sm_timing_params_parse() of a file's contents, named by @path. */
bool sm_timing_params_load(SmTimingParams *p, const char *path, char **errp);
/*
 * The parameter files of models/common/params, compiled in: @name is
 * "mmu-600", "mmu-500" or "gem5" (the file's name without .conf).  The
 * built-in defaults with that file applied; false for another name.
 */
bool sm_timing_params_preset(SmTimingParams *p, const char *name);
/*
 * Every key of @p, one per line, in the order of docs/timing.md, in the
 * syntax sm_timing_params_parse() reads back to the same values
 * (g_free it).
 */
char *sm_timing_params_format(const SmTimingParams *p);

/* ---- The record a functional model fills per translation ---------------- */

typedef enum SmTimingLookup {
    SM_TIMING_NONE = 0,      /* not looked up */
    SM_TIMING_HIT,
    SM_TIMING_MISS,
} SmTimingLookup;

/* Configuration structures fetched through the configuration cache. */
typedef enum SmTimingCfgKind {
    SM_TIMING_CFG_STE = 0,   /* SMMUv3 stream table entry */
    SM_TIMING_CFG_CD,        /* SMMUv3 context descriptor */
    SM_TIMING_CFG_COUNT
} SmTimingCfgKind;

/*
 * Reads one structure's miss may make: level-1 descriptor, structure,
 * and in nested, the stage-2 walk of each CD-table address before it
 * (a 2-level CD table behind a 4-level stage 2: 4 + 1 + 4 + 1 = 10).
 */
#define SM_TIMING_MAX_CFG_FETCHES  12

typedef struct SmTimingCfg {
    SmTimingLookup lookup;   /* NONE: the structure was not needed */
    /* MISS: the memory reads it took, in order (PAs) */
    uint8_t n_fetches;
    uint64_t fetch_pa[SM_TIMING_MAX_CFG_FETCHES];
} SmTimingCfg;

typedef enum SmTimingAccessKind {
    SM_TIMING_ACC_READ = 0,  /* descriptor read from memory */
    SM_TIMING_ACC_WRITE,     /* descriptor write-back (Access flag, dirty) */
    /* Walk-cache hit at @level: the reads down to it were not needed */
    SM_TIMING_ACC_WALKC_HIT,
    /* IPA-cache hit: a whole stage-2 translation without a walk */
    SM_TIMING_ACC_IPAC_HIT,
} SmTimingAccessKind;

typedef struct SmTimingAccess {
    uint64_t pa;             /* READ/WRITE: the descriptor's PA */
    uint8_t stage;           /* 1 or 2 */
    int8_t level;            /* 0..3; -1 for an IPA-cache hit */
    uint8_t kind;            /* SmTimingAccessKind */
} SmTimingAccess;

#define SM_TIMING_MAX_ACCESSES     SM_WALK_MAX_ACCESSES

/* SmTimingRecord.walkc_stages: stages whose walk caches the walk used. */
#define SM_TIMING_WALKC_S1         (1u << 0)
#define SM_TIMING_WALKC_S2         (1u << 1)

typedef struct SmTimingRecord {
    /* The transaction */
    uint32_t sid;            /* StreamID: picks the TBU, tags the uTLB */
    uint32_t ssid;           /* SubstreamID when @ssv */
    bool ssv;
    uint64_t iova;
    uint64_t size;           /* bytes; informational */
    bool write;              /* informational */
    uint64_t arrival;        /* cycle it reaches the TBU */
    /* Configuration cache, per structure */
    SmTimingCfg cfg[SM_TIMING_CFG_COUNT];
    /* Main TLB: NONE when not looked up (bypass, configuration fault) */
    SmTimingLookup tlb;
    /* The walk, in the order it happened (sm_timing_record_add_walk()) */
    uint8_t walkc_stages;    /* SM_TIMING_WALKC_S1 | SM_TIMING_WALKC_S2 */
    bool ipac;               /* an IPA cache was asked before each S2 walk */
    unsigned n_accesses;     /* <= SM_TIMING_MAX_ACCESSES */
    SmTimingAccess accesses[SM_TIMING_MAX_ACCESSES];
    /* Outcome */
    bool fault;              /* terminated or stalled: nothing to cache */
    bool event;              /* an event record was written */
    bool msi;                /* ... and signalled by an MSI */
    /*
     * log2 of the region the result holds for (the smaller page of both
     * stages); the micro-TLB keeps successful results with a non-zero
     * @leaf_shift.
     */
    uint8_t leaf_shift;
} SmTimingRecord;

/*
 * Append one access; false (nothing appended) when the record is full.
 */
bool sm_timing_record_add(SmTimingRecord *r, unsigned stage, int level,
                          uint64_t pa, SmTimingAccessKind kind);
/*
 * Append the accesses of one sm_walk() (walk-cache hits, reads and
 * write-backs, in its order).  Returns how many did not fit.
 */
unsigned sm_timing_record_add_walk(SmTimingRecord *r,
                                   const SmWalkResult *w);

/* ---- Results ------------------------------------------------------------ */

typedef enum SmTimingRes {
    SM_TIMING_RES_TBU = 0,   /* outstanding transactions of the TBU */
    SM_TIMING_RES_TCU,       /* TCU translation slots */
    SM_TIMING_RES_PTW,       /* page-table-walk slots */
    SM_TIMING_RES_EVENTQ,    /* event queue writer (1 server) */
    SM_TIMING_RES_CMDQ,      /* command processor (1 server) */
    SM_TIMING_RES_COUNT
} SmTimingRes;

/* Walk caches: [stage - 1][level], level 0..2 (no level-3 walk cache). */
#define SM_TIMING_WALKC_LEVELS     3

typedef struct SmTimingResult {
    /*
     * Cycles from arrival to the response at the TBU.  Always equal to
     * lookup + memory + process + link + pending + queue[TBU]
     * + queue[TCU] + queue[PTW].
     */
    uint64_t latency;
    uint64_t done;           /* arrival + latency */
    uint32_t tbu;
    /* What answered */
    SmTimingLookup utlb;
    SmTimingLookup tlb;      /* as charged: NONE after a micro-TLB hit */
    SmTimingLookup cfg[SM_TIMING_CFG_COUNT];
    uint8_t walkc_hits[2][SM_TIMING_WALKC_LEVELS];
    uint8_t walkc_misses[2][SM_TIMING_WALKC_LEVELS];
    uint8_t ipac_hits;
    uint8_t ipac_misses;
    uint8_t reads[2][4];     /* descriptor reads, [stage - 1][level] */
    uint8_t writes[2][4];    /* descriptor write-backs */
    uint8_t cfg_fetches;     /* configuration reads */
    /* Where the cycles went */
    uint64_t lookup;         /* cache lookups (uTLB, TLB, config, walk, IPA) */
    uint64_t memory;         /* configuration fetches and table accesses */
    uint64_t process;        /* walk.step per descriptor read */
    uint64_t link;           /* TBU -> TCU -> TBU */
    /*
     * Micro-TLB hit on an entry an earlier request is still fetching:
     * the wait for it to arrive.
     */
    uint64_t pending;
    /*
     * Waiting for each resource.  [EVENTQ] is the event record's wait,
     * after the response and so outside @latency; [CMDQ] is always 0.
     */
    uint64_t queue[SM_TIMING_RES_COUNT];
    /* The event record (record.event): written, then the MSI sent, at */
    uint64_t event_done;     /* 0 without an event */
} SmTimingResult;

/* ---- Statistics --------------------------------------------------------- */

/* log2 buckets: [0] counts 0 cycles, [k] counts 2^(k-1) .. 2^k - 1. */
#define SM_TIMING_HIST_LOG2        65

/*
 * A latency distribution.  count, sum, min, max and the log2 buckets are
 * exact.  Percentiles are nearest-rank (the smallest v with at least
 * ceil(count * q) samples <= v) over a log-linear histogram kept beside
 * the log2 one: exact below 64 cycles, above that each power of two is
 * cut in 32 equal buckets and the bucket's largest value is reported
 * (never above max), so a percentile is at most 1/32 (3.2%) high.
 * Bounded memory, no sampling, deterministic.
 */
typedef struct SmTimingHist {
    uint64_t count;
    uint64_t sum;            /* exact mean: sum / count */
    uint64_t mean_milli;     /* floor(1000 * sum / count), 0 when empty */
    uint64_t min;            /* 0 when empty */
    uint64_t max;
    uint64_t log2[SM_TIMING_HIST_LOG2];
    uint64_t p50, p90, p99, p999;
} SmTimingHist;

typedef struct SmTimingHitMiss {
    uint64_t hits;
    uint64_t misses;
} SmTimingHitMiss;

typedef struct SmTimingResStats {
    uint32_t servers;        /* per TBU for [TBU] */
    uint64_t requests;
    uint64_t waited;         /* requests that waited at all */
    uint64_t wait_cycles;    /* total */
    uint64_t wait_max;
    uint64_t busy_cycles;    /* sum of service times: utilization */
} SmTimingResStats;

typedef struct SmTimingStats {
    uint64_t translations;
    uint64_t faults;
    uint64_t events;
    uint64_t msis;
    SmTimingHitMiss utlb;
    SmTimingHitMiss tlb;
    SmTimingHitMiss cfg[SM_TIMING_CFG_COUNT];
    SmTimingHitMiss walkc[2][SM_TIMING_WALKC_LEVELS];
    SmTimingHitMiss ipac;
    uint64_t reads[2][4];
    uint64_t writes[2][4];
    uint64_t cfg_fetches;
    uint64_t lookup_cycles, memory_cycles, process_cycles, link_cycles;
    uint64_t pending_cycles;
    SmTimingResStats res[SM_TIMING_RES_COUNT];
    uint64_t commands[SM_TIMING_CMD_COUNT];
    uint64_t utlb_flushes;   /* micro-TLB flushes by CFGI/TLBI commands */
    SmTimingHist latency;    /* translations: SmTimingResult.latency */
    SmTimingHist sync_latency;   /* CMD_SYNC: completion - arrival */
} SmTimingStats;

/* ---- The engine --------------------------------------------------------- */

typedef struct SmTimingEngine SmTimingEngine;

/* A new idle engine, or NULL when sm_timing_params_error(@p) says why. */
SmTimingEngine *sm_timing_new(const SmTimingParams *p);
void sm_timing_free(SmTimingEngine *e);
const SmTimingParams *sm_timing_get_params(const SmTimingEngine *e);

/*
 * Idle again, as just created: every resource free from cycle 0,
 * micro-TLBs empty, no command outstanding.  Statistics are kept.
 */
void sm_timing_reset(SmTimingEngine *e);

/* The TBU serving @sid: the first tbu.sids range holding it, or default. */
uint32_t sm_timing_tbu_of(const SmTimingParams *p, uint32_t sid);

/*
 * Time one translation the functional model made, described by @r, into
 * @res (every field written).  Records are taken in call order (pass
 * them in order of arrival).
 */
void sm_timing_translate(SmTimingEngine *e, const SmTimingRecord *r,
                         SmTimingResult *res);

/*
 * Where the last translated request's micro-TLB entry is, for
 * sm_timing_translate_again(): true when it has one that covers the
 * request's whole 4 KiB page (it hit the micro-TLB or filled it),
 * false otherwise (*@h then names nothing).  A hint belongs to its
 * engine: it names slots and fills of that engine's micro-TLBs.
 */
typedef struct SmTimingHint {
    uint32_t tbu;
    SmTagRef ref;
} SmTimingHint;

bool sm_timing_hint(const SmTimingEngine *e, SmTimingHint *h);

/*
 * Whether @h's entry may still be there: false means that
 * sm_timing_translate_again() would answer false, at the cost of two
 * loads instead of a call.
 */
static inline bool sm_timing_hint_live(const SmTimingHint *h)
{
    return sm_tagcache_ref_live(&h->ref);
}

/*
 * sm_timing_translate() of a request arriving at @arrival of the same
 * stream (StreamID, SubstreamID) and 4 KiB page as the request @h was
 * taken after, that neither faults nor records an event (as the fast
 * path's hits): while the micro-TLB entry @h names
 * is still there and valid at the request's lookup, the request is a
 * micro-TLB hit, timed, counted and written to @res exactly as
 * sm_timing_translate() would, without a record or a lookup (true).
 * Otherwise nothing happens (false): time it with a record.
 */
bool sm_timing_translate_again(SmTimingEngine *e, const SmTimingHint *h,
                               uint64_t arrival, SmTimingResult *res);

/*
 * One command reaching the command processor at @arrival; returns the
 * cycle it completes, and in *@consumed (unless NULL) the cycle the
 * processor is done with it, when CMDQ_CONS passes it.  Commands are consumed one at a time in call
 * order, each holding the processor for cmd.<class> cycles; an ATC_INV
 * completes cmd.atc_inv_round_trip cycles after that, while the
 * processor goes on; a SYNC holds the processor until every earlier
 * command has completed and then for cmd.sync.  CFGI and TLBI also
 * empty every micro-TLB (the model cannot tell which entries a scope
 * covers, and a TBU must not keep a stale one).
 */
uint64_t sm_timing_command(SmTimingEngine *e, SmTimingCmdClass c,
                           uint64_t arrival, uint64_t *consumed);

SmTimingStats sm_timing_stats(const SmTimingEngine *e);
void sm_timing_reset_stats(SmTimingEngine *e);

/* ---- Units and names ---------------------------------------------------- */

/* Conversions at clock.mhz, rounding down; exact integer arithmetic. */
uint64_t sm_timing_cycles_to_ns(const SmTimingParams *p, uint64_t cycles);
/* The first ns at which sm_timing_ns_to_cycles() reaches @cycles. */
uint64_t sm_timing_cycles_to_ns_up(const SmTimingParams *p, uint64_t cycles);
uint64_t sm_timing_ns_to_cycles(const SmTimingParams *p, uint64_t ns);

/* "cfgi", "tlbi", ... as in the cmd.* keys. */
const char *sm_timing_cmd_name(SmTimingCmdClass c);
/* "tbu", "tcu", "ptw", "eventq", "cmdq". */
const char *sm_timing_res_name(SmTimingRes r);

#endif /* SM_TIMING_H */
