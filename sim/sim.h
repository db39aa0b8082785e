/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-sim: a trace-driven simulator over the SMMUv3 model and its timing
 * engine, without an emulator (docs/smmu-sim.md).
 *
 * One run ("point") is: options (SimOptions) -> a programmed SMMU in its
 * own simulated memory (sim-driver.c) -> translations from a trace or a
 * generator (sim-source.c) -> counters (SimResult) -> text or JSON
 * (sim-report.c).  Sweeps run points in forked processes (sim-sweep.c).
 * Everything that reaches the JSON is a function of the options alone,
 * so the same options give byte-identical JSON on every host.
 */
#ifndef SIM_H
#define SIM_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "sm3.h"
#include "sm-timing.h"

/* ---- Scenario: what the driver programs --------------------------------- */

typedef enum SimStage {
    SIM_STAGE_1 = 0,
    SIM_STAGE_2,
    SIM_STAGE_NESTED,
} SimStage;

typedef struct SimRange {
    uint64_t base;
    uint64_t size;
} SimRange;

#define SIM_MAX_RANGES   8
#define SIM_MAX_STREAMS  4096u
#define SIM_MAX_SSIDS    256u
#define SIM_TAG_AUTO     UINT32_MAX

typedef struct SimScenario {
    SimStage stage;
    unsigned gshift;         /* granule: 12, 14 or 16 */
    bool block;              /* leaves at level 2 (blocks) instead of 3 */
    unsigned n_ranges;       /* 0: derived from the generator */
    SimRange ranges[SIM_MAX_RANGES];
    uint32_t streams;        /* StreamIDs 0 .. streams - 1 */
    bool shared;             /* one set of tables (and ASID/VMID) for all */
    uint32_t asid, vmid;     /* every stream's, or SIM_TAG_AUTO: sid + 1 */
    uint32_t ssids;          /* substreams per stream, 0: none */
    /* Functional cache geometry (Sm3Config), 0: the model's default */
    uint32_t tlb_entries, tlb_ways, cfg_entries, cfg_ways;
} SimScenario;

/* ---- Source: a trace file or a generator -------------------------------- */

typedef enum SimGenKind {
    SIM_GEN_NONE = 0,        /* read --trace */
    SIM_GEN_SEQ,
    SIM_GEN_STRIDE,
    SIM_GEN_RANDOM,
    SIM_GEN_STREAMS,
} SimGenKind;

typedef struct SimGen {
    SimGenKind kind;
    uint64_t count;
    uint64_t wset;           /* bytes each stream touches */
    uint64_t stride;
    uint64_t size;           /* bytes per access */
    uint64_t seed;
    uint64_t interval;       /* cycles between arrivals */
    bool write;
} SimGen;

/*
 * One translation request, as a trace line or a generator gives it; or,
 * from a trace, a command (@cmd: its two words in @dw).
 */
typedef struct SimReq {
    uint64_t time;
    bool cmd;
    uint64_t dw[2];
    uint32_t sid;
    uint32_t ssid;
    bool ssv;
    uint64_t iova;
    uint64_t size;
    bool write;
} SimReq;

/* ---- Options of one point ------------------------------------------------ */

typedef struct SimOptions {
    SimScenario sc;
    SimGen gen;
    char *trace_path;        /* "-": stdin */
    bool timing;
    SmTimingParams params;
    char *params_path;       /* --params, for the report only */
    char *point_key;         /* sweep point this run is, or NULL */
    char *point_value;
    bool progress;           /* stderr is a terminal and not a sweep child */
    char *log_path;          /* --log: one line per translation */
} SimOptions;

void sim_options_init(SimOptions *o);
void sim_options_clear(SimOptions *o);
/*
 * Set one scenario or generator key, or else one timing-parameter key.
 * @origin names where it came from ("--set", "file.scn:3") and starts the
 * error message.  false with *@err set (g_free it) on an unknown key or a
 * bad value; the message names the key.
 */
bool sim_set(SimOptions *o, const char *key, const char *value,
             const char *origin, unsigned line, char **err);
/* Whether @key is a scenario or generator key (not a timing parameter). */
bool sim_is_scenario_key(const char *key);
/* Apply a scenario file (key = value lines, # comments). */
bool sim_load_scenario(SimOptions *o, const char *path, char **err);
/* Bytes with an optional K, M, G or T suffix (binary), decimal or 0x. */
bool sim_parse_size(const char *s, uint64_t *out);
bool sim_parse_u64(const char *s, uint64_t *out);
/* Fill derived defaults (the mapped range of a generator); false: error */
bool sim_options_finish(SimOptions *o, char **err);
/* Print the scenario keys with their help (for --help). */
void sim_print_keys(FILE *f);

/* ---- The programmed SMMU ------------------------------------------------- */

typedef struct SimDriver SimDriver;

/* Build memory, tables and the SMMU per @o; NULL with *@err on failure. */
SimDriver *sim_driver_new(const SimOptions *o, char **err);
void sim_driver_free(SimDriver *d);
Sm3 *sim_driver_smmu(SimDriver *d);
/* Consume the event records a fault produced, as a driver's IRQ would. */
void sim_driver_drain_events(SimDriver *d);
/* Execute a command of a trace at @time (cycles); false: the SMMU refused it */
bool sim_driver_command(SimDriver *d, const uint64_t dw[2], uint64_t time,
                        char **err);
/* Bytes of simulated memory the tables took. */
uint64_t sim_driver_table_bytes(const SimDriver *d);
/* Output address a mapped IOVA translates to (for --log checks). */
uint64_t sim_driver_data_base(void);

/* ---- Sources -------------------------------------------------------------- */

typedef struct SimSource SimSource;

SimSource *sim_source_new(const SimOptions *o, char **err);
/*
 * The next request: 1 with *@r filled, 0 at the end, -1 on a malformed
 * line (*@err names the file and the line number).
 */
int sim_source_next(SimSource *src, SimReq *r, char **err);
/* Where the last request came from, for messages: "file:line". */
char *sim_source_where(const SimSource *src);
/* Requests the source will give, 0 when unknown (a trace). */
uint64_t sim_source_total(const SimSource *src);
void sim_source_free(SimSource *src);

/* ---- Results ---------------------------------------------------------- */

typedef struct SimResult {
    uint64_t translations;
    uint64_t commands;       /* commands of the trace */
    uint64_t ok, bypass, aborts, faults, stalled;
    uint64_t faults_by_event[SM3_STATS_EVENTS];
    uint64_t first_arrival, last_done;
    Sm3Stats model;
    bool timing;
    SmTimingStats ts;
    uint64_t table_bytes;
    double host_seconds;     /* translation loop only; never in the JSON */
} SimResult;

/* Run one point; false with *@err (a trace error, a model refusal). */
bool sim_run(const SimOptions *o, SimResult *res, char **err);

/* ---- Reports ------------------------------------------------------------ */

void sim_report_text(FILE *f, const SimOptions *o, const SimResult *res);
/* The JSON document of one point (g_free it); deterministic. */
char *sim_report_json(const SimOptions *o, const SimResult *res);

/* ---- Sweeps --------------------------------------------------------------- */

/*
 * Run every point of KEY=V1,V2,... (@spec) over @o with at most @jobs
 * processes; prints the table on @table (may be NULL) and returns the
 * sweep document (a JSON array, g_free it), or NULL with *@err.
 */
char *sim_sweep(const SimOptions *o, const char *spec, unsigned jobs,
                FILE *table, char **err);
/* Split "KEY=V1,V2" into the key and its values; false: malformed. */
bool sim_sweep_split(const char *spec, char **key, char ***values);
/* The sweep document of point documents read from @paths. */
char *sim_merge(char **paths, unsigned n, FILE *table, char **err);
/* Print the sweep table of a sweep document's points. */
void sim_sweep_table(FILE *f, GPtrArray *docs);

#endif /* SIM_H */
