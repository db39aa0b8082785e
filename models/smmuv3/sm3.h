/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public API of the emulator-independent SMMUv3 model (IHI 0070; SMMU_AIDR
 * reports SMMUv3.1; AArch64 translation tables, Non-secure state only).
 *
 * An emulator creates one Sm3 per SMMU instance from an Sm3Config, routes
 * MMIO accesses of both 64KiB register pages to sm3_mmio_read/write(),
 * asks sm3_translate() for every upstream transaction and lets the model
 * reach guest memory, interrupts and MSIs through the SmHost hooks.  The
 * model keeps no global state; any number of instances coexist.
 *
 * Modelling choices where the architecture leaves room (each is also
 * commented where it is made):
 *  - enables, GBPA updates and IRQ_CTRL changes complete within the
 *    register write (CR0ACK, IRQ_CTRLACK follow at once, GBPA.Update
 *    reads back 0);
 *  - EVENTQ_PROD/CONS and PRIQ_PROD/CONS answer at their page-1 offsets
 *    and also at the page-0 offsets;
 *  - a 64-bit access to a pair of 32-bit registers acts as two 32-bit
 *    accesses;
 *  - an interrupt source with an MSI address (IDR0.MSI) signals by MSI,
 *    otherwise by a pulse on its wired line;
 *  - CMD_SYNC with CS = SEV and no IDR0.SEV behaves as CS = NONE;
 *  - with CR0.ATSCHK = 0 ATS-translated traffic bypasses without an STE
 *    lookup (also for split-stage streams);
 *  - a stalled fault is always recorded (whatever CD.R/STE.S2R say); a
 *    stall that cannot be recorded, or beyond SM3_MAX_STALLS, terminates.
 */
#ifndef SM3_H
#define SM3_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "sm-cache.h"
#include "sm-host.h"
#include "sm-timing.h"
#include "sm3-features.h"
#include "sm3-ids.h"

typedef struct Sm3 Sm3;

/* Wired interrupt lines, as passed to SmHost.set_irq().  Edge: pulsed. */
enum {
    SM3_IRQ_EVENTQ = 0,
    SM3_IRQ_PRIQ = 1,
    SM3_IRQ_CMD_SYNC = 2,
    SM3_IRQ_GERROR = 3,
    SM3_IRQ_COUNT
};

/* Outstanding stalled transactions an instance can hold (IDR5.STALL_MAX) */
#define SM3_MAX_STALLS 16

/*
 * Hooks specific to SMMUv3 that SmHost does not cover.  All may be NULL.
 */
typedef struct Sm3Hooks {
    /*
     * A stalled transaction (see SM3_XLATE_STALLED) was resolved by
     * CMD_RESUME or CMD_STALL_TERM (or terminated by sm3_reset() or by
     * clearing CR0.SMMUEN): @retry true means "translate it again now",
     * false means "terminate it with an abort".
     */
    void (*stall_resolved)(void *opaque, uint32_t sid, uint16_t stag,
                           bool retry);
    /*
     * Result of the ATC invalidation just passed to
     * SmHost.atc_invalidate(): false (timeout, error) makes the next
     * CMD_SYNC fail with CERROR_ATC_INV_SYNC.  NULL: always completes.
     */
    bool (*atc_inv_ok)(void *opaque, uint32_t sid);
    /* CMD_SYNC with CS=SEV completed (IDR0.SEV). */
    void (*sev)(void *opaque);
    /*
     * A command left the queue executed (not when it failed with a
     * CERROR): its two words as read from the queue, and the cycle it was
     * consumed at (sm3_timing_now(); 0 without timing).  For timing logs:
     * sm3_timing_log_command().  NULL: not called.
     */
    void (*command_done)(void *opaque, const uint64_t cmd[2], uint64_t cycle);
} Sm3Hooks;

/*
 * Walk caches: one per translation stage and level of the cached table
 * descriptor.  Index [stage - 1][level] of Sm3Config.walkc_entries,
 * walkc_ways and Sm3Stats.walkc.  Level 3 holds only leaf descriptors
 * (the TLB's business), so there is no level-3 walk cache.
 */
#define SM3_WALKC_STAGES 2
#define SM3_WALKC_LEVELS 3
/* Sm3Config.walkc_entries value that disables one walk cache. */
#define SM3_WALKC_OFF    UINT32_MAX
/*
 * Defaults (entries, all 4-way, Sm3Config.policy) when walkc_entries is
 * 0, in the spirit of gem5's SMMUv3 walk cache: few entries at levels 0
 * and 1, where one descriptor covers 512 GiB or 1 GiB (4K granule), a
 * few hundred at level 2.  Stage 1: 4 + 32 + 256, stage 2: 4 + 32 + 128.
 */
#define SM3_DEFAULT_WALKC_S1L0   4
#define SM3_DEFAULT_WALKC_S1L1   32
#define SM3_DEFAULT_WALKC_S1L2   256
#define SM3_DEFAULT_WALKC_S2L0   4
#define SM3_DEFAULT_WALKC_S2L1   32
#define SM3_DEFAULT_WALKC_S2L2   128
#define SM3_DEFAULT_WALKC_WAYS   4

typedef struct Sm3Config {
    Sm3Features features;
    /* TLB and configuration cache geometry; 0 picks a default. */
    uint32_t tlb_entries, tlb_ways;
    uint32_t cfg_entries, cfg_ways;
    SmCachePolicy policy;
    /*
     * Walk cache geometry, [stage - 1][level]: 0 entries picks the
     * default above (and its ways), SM3_WALKC_OFF disables that cache;
     * otherwise ways as for sm-cache (0: fully associative).  With every
     * walk cache off, translation behaves exactly as without them.
     */
    uint32_t walkc_entries[SM3_WALKC_STAGES][SM3_WALKC_LEVELS];
    uint32_t walkc_ways[SM3_WALKC_STAGES][SM3_WALKC_LEVELS];
    /*
     * Commands consumed synchronously by a write to CMDQ_PROD (or by an
     * enable).  0: none, the emulator calls sm3_process_commands().
     */
    uint32_t cmdq_batch;
    /* IIDR value (implementation identification); 0: the model default */
    uint32_t iidr;
    /*
     * Timing (docs/timing.md): NULL for none.  Otherwise every
     * translation and command is also timed by an engine with a copy of
     * these parameters; what is translated never changes.
     */
    const SmTimingParams *timing;
    /*
     * With timing: commands take their modelled time on the host clock
     * (SmHost.now_ns).  A command runs, and CMDQ_CONS passes it, only
     * once the clock reaches the cycle the command processor is done
     * with it; sm3_cmdq_due_ns() says when to call back.
     */
    bool cmdq_timing;
    /*
     * No fast path (sm3-fast.c): every translation takes the full path,
     * every walk-cache lookup searches and no stream memo is used
     * (Sm3.walkc_memo, Sm3.stream_memo).
     * Results, statistics and timing are the same either way; for
     * benchmarks and for the tests that show it.
     */
    bool fast_path_off;
    SmHost host;
    Sm3Hooks hooks;          /* called with host.opaque */
} Sm3Config;

/* ---- Lifecycle --------------------------------------------------------- */

/*
 * NULL when @cfg is acceptable, otherwise why not, naming the setting as
 * the arm-smmuv3-ext property of the same meaning and the rule it breaks
 * (for error_setg() in the emulator's realize; g_free() it).  The feature
 * rules are sm3_feature_rule_table(); cache geometry must give each cache
 * a power-of-two number of sets, and ways are only given with entries.
 */
char *sm3_config_error(const Sm3Config *cfg);
/* A new instance in its reset state, or NULL if @cfg is rejected. */
Sm3 *sm3_new(const Sm3Config *cfg);
void sm3_free(Sm3 *s);
/* Architectural reset: registers to reset values, caches and stalls gone */
void sm3_reset(Sm3 *s);
/*
 * Drop every cached STE, CD, translation and walk-cache entry (no host
 * notification).
 */
void sm3_invalidate_all(Sm3 *s);

/* ---- Programming interface ---------------------------------------------- */

/*
 * @offset within the 128KiB register frame (page 1 at 0x10000), @size 4
 * or 8.  Unknown offsets read as zero and ignore writes (guest error).
 */
uint64_t sm3_mmio_read(Sm3 *s, uint64_t offset, unsigned size);
void sm3_mmio_write(Sm3 *s, uint64_t offset, uint64_t val, unsigned size);

/*
 * Consume at most @max commands from the command queue.  Returns how
 * many were consumed.  Afterwards sm3_has_pending_work() says whether the
 * emulator should call again (commands remain and the queue is neither
 * disabled nor halted by an error).  Any MMIO write (CMDQ_PROD, CR0,
 * GERRORN) can make work pending; with Sm3Config.cmdq_batch != 0 such a
 * write already consumed up to cmdq_batch commands itself.
 */
unsigned sm3_process_commands(Sm3 *s, unsigned max);
bool sm3_has_pending_work(const Sm3 *s);
/*
 * Sm3Config.cmdq_timing: the host clock time (ns, rounded up) at which
 * the command at CMDQ_CONS is consumed, while it waits for that time;
 * 0 when no command waits.  Call sm3_process_commands() then.
 */
uint64_t sm3_cmdq_due_ns(const Sm3 *s);

/* ---- Translation -------------------------------------------------------- */

typedef struct Sm3Request {
    uint32_t sid;            /* StreamID */
    uint32_t ssid;           /* SubstreamID, when @ssv */
    bool ssv;
    uint64_t iova;
    uint64_t size;           /* bytes accessed (>= 1); informational */
    bool write;              /* false: read */
    bool instr;              /* instruction fetch (InD) */
    bool priv;               /* privileged (PnU) */
    /* PCIe ATS "translated" transaction: @iova is already a PA. */
    bool ats_translated;
    /*
     * Timing: the SMMU clock cycle the transaction arrives; 0 takes the
     * host's clock (SmHost.now_ns, or 0 without it).
     */
    uint64_t arrival;
} Sm3Request;

typedef enum Sm3Outcome {
    SM3_XLATE_OK = 0,        /* translated: pa/mask/perm valid */
    SM3_XLATE_BYPASS,        /* not translated: pa == iova */
    SM3_XLATE_ABORT,         /* terminated silently (GBPA, STE abort) */
    SM3_XLATE_FAULT,         /* terminated with a fault (see fault) */
    SM3_XLATE_STALLED,       /* held with fault.stag until RESUME */
} Sm3Outcome;

typedef struct Sm3Fault {
    uint8_t event;           /* SM3_EVT_* */
    uint8_t class;           /* SM3_CLASS_*, translation-related only */
    bool stage2;
    /*
     * An event record was generated (false: suppressed by CD.R, STE.S2R
     * or CR2.RECINVSID).  A generated record can still be lost to a
     * disabled or full event queue (see Sm3Stats.events_lost).
     */
    bool recorded;
    bool stall;              /* the record carries Stall = 1 */
    uint16_t stag;
    uint64_t input_addr;
    uint64_t ipa;            /* stage-2 faults */
    uint64_t fetch_addr;     /* F_*_FETCH, F_WALK_EABT */
} Sm3Fault;

/* Permission bits of Sm3Xlate.perm (the SM_PERM_* of sm-walk.h). */
#define SM3_PERM_R   (1u << 0)
#define SM3_PERM_W   (1u << 1)
#define SM3_PERM_X   (1u << 2)
#define SM3_PERM_PR  (1u << 3)
#define SM3_PERM_PW  (1u << 4)
#define SM3_PERM_PX  (1u << 5)

typedef struct Sm3Xlate {
    Sm3Outcome outcome;
    uint64_t pa;             /* OK, BYPASS: output address of iova */
    uint64_t mask;           /* OK: iova & mask is the offset in the page */
    uint8_t perm;            /* OK: SM3_PERM_*; BYPASS: all */
    bool tlb_hit;            /* OK: answered by the TLB */
    /* Timing: cycles from arrival to response; 0 without timing */
    uint64_t latency;
    Sm3Fault fault;          /* FAULT, STALLED (and ABORT: event 0) */
} Sm3Xlate;

/* Translate one upstream transaction. */
Sm3Xlate sm3_translate(Sm3 *s, const Sm3Request *req);

/*
 * PCIe ATS Translation Request (IDR0.ATS): never stalls; translation
 * faults are returned (a response with R = W = 0), not recorded.  The
 * result of a successful request has the permissions the ATC may cache.
 */
Sm3Xlate sm3_ats_translate(Sm3 *s, const Sm3Request *req);

/*
 * A PCIe page request (IDR0.PRI).  Queued on the PRI queue when enabled;
 * false when it could not be queued (disabled, overflow, bus error).
 */
typedef struct Sm3PageRequest {
    uint32_t sid;
    uint32_t ssid;
    bool ssv;
    uint64_t addr;
    uint16_t grpid;          /* PRG index, 9 bits */
    bool last;
    bool read, write, exec, priv;
} Sm3PageRequest;

bool sm3_page_request(Sm3 *s, const Sm3PageRequest *pr);

/*
 * Timing of the last sm3_translate() / sm3_ats_translate(): latency and
 * its breakdown (which structures hit, table reads per stage and level,
 * queueing).  NULL without timing or before the first translation.
 */
const SmTimingResult *sm3_last_timing(const Sm3 *s);
/* Timing counters and histograms; false without timing. */
bool sm3_timing_stats(const Sm3 *s, SmTimingStats *st);
/* The cycle the last CMD_SYNC completes at; 0 without timing. */
uint64_t sm3_last_sync_done(const Sm3 *s);

/* Whether (@sid, @stag) is a transaction still held by a stall. */
bool sm3_stall_pending(const Sm3 *s, uint32_t sid, uint16_t stag);

/* ---- Names for logs and traces ------------------------------------------ */

/* "F_TRANSLATION", ...; "EVT_UNKNOWN" for an id the model never records */
const char *sm3_event_name(unsigned id);
/* "ok", "bypass", "abort", "stalled", or the fault's event name. */
const char *sm3_outcome_name(const Sm3Xlate *x);

/*
 * One line of a timing log (docs/smmu-sim.md, "Trace format"), without
 * its newline, appended to @out: the request as a trace line (its time
 * is the cycle it arrived at, from @t when timed, else req->arrival),
 * then latency, outcome and output address, then where the cycles went
 * (key=value; @t NULL: none).  smmu-sim replays such lines as a trace.
 * sm3_timing_log_command() writes an executed command the same way:
 * "cycle cmd DW0 DW1 NAME", the command's two words as the queue holds
 * them (smmu-sim puts them in its own queue at that point of a replay).
 */
void sm3_timing_log_command(GString *out, uint64_t cycle,
                            const uint64_t cmd[2]);
void sm3_timing_log_line(GString *out, const Sm3Request *req,
                         const Sm3Xlate *x, const SmTimingResult *t);
/* "CMD_SYNC", ...; "CMD_UNKNOWN" for an opcode the model does not know */
const char *sm3_cmd_name(unsigned op);

/* ---- Statistics --------------------------------------------------------- */

/* Sizes of the per-type arrays: opcodes and event ids are 8-bit fields */
#define SM3_STATS_OPS    256
#define SM3_STATS_EVENTS 256

typedef struct Sm3Stats {
    SmCacheStats tlb;
    SmCacheStats cfg;
    /* [stage - 1][level]; all zero for a disabled walk cache */
    SmCacheStats walkc[SM3_WALKC_STAGES][SM3_WALKC_LEVELS];
    uint64_t commands;       /* consumed without error */
    uint64_t events;         /* records written */
    uint64_t events_lost;    /* dropped: queue full, disabled or abort */
    uint64_t translations;
    /*
     * Translations the fast path answered (sm3-fast.c): TLB hits whose
     * configuration and TLB entries were those of the stream's last one;
     * counted among the TLB and configuration-cache hits as well.
     */
    uint64_t fast_hits;
    /* commands consumed without error, by opcode (CMD0.OP) */
    uint64_t cmds_by_op[SM3_STATS_OPS];
    /* event records written to the event queue, by event id */
    uint64_t events_by_id[SM3_STATS_EVENTS];
    /* commands that stopped the queue, by CMDQ_CONS.ERR code */
    uint64_t cerror_ill;
    uint64_t cerror_abt;
    uint64_t cerror_atc_inv_sync;
    /*
     * Faulting transactions for which no event record was generated:
     * CD.R / STE.S2R clear, CR2.RECINVSID clear, or an ATS Translation
     * Request (its fault goes back in the response instead).
     */
    uint64_t faults_suppressed;
} Sm3Stats;

Sm3Stats sm3_stats(const Sm3 *s);

/* ---- Migration ---------------------------------------------------------- */

/* 2: ID registers must match (SMMUv3.1 AIDR, IDR3.HAD/XNX, derived HYP) */
#define SM3_STATE_VERSION 2
#define SM3_STATE_REGS    1024          /* 32-bit words of register page 0 */

typedef struct Sm3StallState {
    uint32_t sid;
    uint16_t stag;
    bool valid;
} Sm3StallState;

/* Architectural state only: caches are never migrated. */
typedef struct Sm3State {
    uint32_t version;
    uint32_t regs[SM3_STATE_REGS];
    bool atc_inv_error;
    uint16_t next_stag;
    Sm3StallState stalls[SM3_MAX_STALLS];
} Sm3State;

void sm3_save(const Sm3 *s, Sm3State *st);
/*
 * NULL when @st is a state this instance could have saved itself, else
 * why not (g_free it): another version, identification registers of
 * another configuration, bits no guest can set, acknowledgements that
 * disagree with their controls, stalls without the stall model or
 * SMMUEN, duplicate STAGs, an ATC error without ATS.
 */
char *sm3_state_error(const Sm3 *s, const Sm3State *st);
/*
 * false (nothing changed) when sm3_state_error() refuses @st.  Caches are
 * dropped.
 */
bool sm3_restore(Sm3 *s, const Sm3State *st);

#endif /* SM3_H */
