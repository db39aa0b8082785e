/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-sim output: a text report for people and a JSON document for
 * tools.  The JSON has one top-level member per line, each a compact
 * object, so sweeps and --merge can pick members by line; it holds
 * nothing that depends on the host (no host time, no absolute paths
 * beyond what the options name), so equal options give equal bytes.
 */
#include <string.h>

#include "sim.h"

/* ---- small JSON writer (compact values) ---------------------------------- */

typedef struct SimJs {
    GString *s;
    bool first;
} SimJs;

static void js_key(SimJs *j, const char *k)
{
    if (!j->first) {
        g_string_append(j->s, ", ");
    }
    j->first = false;
    g_string_append_printf(j->s, "\"%s\": ", k);
}

static void js_str_value(GString *s, const char *v)
{
    const char *p;

    g_string_append_c(s, '"');
    for (p = v; *p; p++) {
        if (*p == '"' || *p == '\\') {
            g_string_append_c(s, '\\');
            g_string_append_c(s, *p);
        } else if ((unsigned char)*p < 0x20) {
            g_string_append_printf(s, "\\u%04x", *p);
        } else {
            g_string_append_c(s, *p);
        }
    }
    g_string_append_c(s, '"');
}

static void js_u64(SimJs *j, const char *k, uint64_t v)
{
    js_key(j, k);
    g_string_append_printf(j->s, "%" PRIu64, v);
}

static void js_str(SimJs *j, const char *k, const char *v)
{
    js_key(j, k);
    js_str_value(j->s, v);
}

static void js_null(SimJs *j, const char *k)
{
    js_key(j, k);
    g_string_append(j->s, "null");
}

/* A thousandths value as an exact decimal (no floating point). */
static void js_milli(SimJs *j, const char *k, uint64_t milli)
{
    js_key(j, k);
    g_string_append_printf(j->s, "%" PRIu64 ".%03" PRIu64, milli / 1000,
                           milli % 1000);
}

static void js_open(SimJs *j, const char *k)
{
    js_key(j, k);
    g_string_append_c(j->s, '{');
    j->first = true;
}

static void js_close(SimJs *j)
{
    g_string_append_c(j->s, '}');
    j->first = false;
}

static void js_hitmiss(SimJs *j, const char *k, uint64_t hits, uint64_t miss)
{
    js_open(j, k);
    js_u64(j, "hits", hits);
    js_u64(j, "misses", miss);
    js_close(j);
}

/* ---- names shared by both reports ---------------------------------------- */

static const char *const sim_stage_names[] = { "1", "2", "nested" };

static const char *sim_granule_name(unsigned gshift)
{
    return gshift == 12 ? "4k" : gshift == 14 ? "16k" : "64k";
}

static const char *const sim_gen_names[] = {
    [SIM_GEN_NONE] = "trace", [SIM_GEN_SEQ] = "seq",
    [SIM_GEN_STRIDE] = "stride", [SIM_GEN_RANDOM] = "random",
    [SIM_GEN_STREAMS] = "streams",
};

static uint64_t sim_table_reads(const SmTimingStats *ts)
{
    uint64_t n = 0;
    unsigned st, l;

    for (st = 0; st < 2; st++) {
        for (l = 0; l < 4; l++) {
            n += ts->reads[st][l];
        }
    }
    return n;
}

/* ---- JSON sections -------------------------------------------------------- */

static void sim_js_summary(SimJs *j, const SimOptions *o,
                           const SimResult *res)
{
    const SmTimingHist *h = &res->ts.latency;

    js_open(j, "summary");
    js_u64(j, "translations", res->translations);
    js_u64(j, "faults", res->faults + res->aborts + res->stalled);
    js_u64(j, "tlb_hits", res->model.tlb.hits);
    js_u64(j, "tlb_misses", res->model.tlb.misses);
    if (res->timing) {
        js_u64(j, "table_reads", sim_table_reads(&res->ts));
        js_milli(j, "lat_mean", h->mean_milli);
        js_u64(j, "p50", h->p50);
        js_u64(j, "p90", h->p90);
        js_u64(j, "p99", h->p99);
        js_u64(j, "p999", h->p999);
        js_u64(j, "max", h->max);
    } else {
        static const char *const none[] = {
            "table_reads", "lat_mean", "p50", "p90", "p99", "p999", "max",
        };
        unsigned i;

        for (i = 0; i < G_N_ELEMENTS(none); i++) {
            js_null(j, none[i]);
        }
    }
    js_close(j);
}

static void sim_js_scenario(SimJs *j, const SimOptions *o)
{
    const SimScenario *sc = &o->sc;
    unsigned i;

    js_open(j, "scenario");
    js_str(j, "stage", sim_stage_names[sc->stage]);
    js_str(j, "granule", sim_granule_name(sc->gshift));
    js_str(j, "mapping", sc->block ? "block" : "page");
    js_key(j, "map");
    g_string_append_c(j->s, '[');
    for (i = 0; i < sc->n_ranges; i++) {
        g_string_append_printf(j->s, "%s{\"base\": %" PRIu64 ", \"size\": %"
                               PRIu64 "}", i ? ", " : "", sc->ranges[i].base,
                               sc->ranges[i].size);
    }
    g_string_append_c(j->s, ']');
    js_u64(j, "streams", sc->streams);
    js_str(j, "tables", sc->shared ? "shared" : "private");
    js_u64(j, "ssids", sc->ssids);
    js_u64(j, "tlb_entries", sc->tlb_entries);
    js_u64(j, "tlb_ways", sc->tlb_ways);
    js_u64(j, "cfg_entries", sc->cfg_entries);
    js_u64(j, "cfg_ways", sc->cfg_ways);
    js_close(j);
}

static void sim_js_source(SimJs *j, const SimOptions *o)
{
    const SimGen *g = &o->gen;

    js_open(j, "source");
    js_str(j, "kind", sim_gen_names[g->kind]);
    if (g->kind == SIM_GEN_NONE) {
        js_str(j, "trace", o->trace_path);
    } else {
        js_u64(j, "count", g->count);
        js_u64(j, "wset", g->wset);
        js_u64(j, "stride", g->stride);
        js_u64(j, "size", g->size);
        js_u64(j, "seed", g->seed);
        js_u64(j, "interval", g->interval);
        js_str(j, "access", g->write ? "w" : "r");
    }
    js_close(j);
}

/* Every timing key as a string ("key": "value"; list keys: arrays). */
static void sim_js_params(SimJs *j, const SimOptions *o)
{
    g_autofree char *text = sm_timing_params_format(&o->params);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    const char *list = NULL;         /* the list key being written */
    unsigned i, n = 0;

    js_open(j, "params");
    for (i = 0; lines[i]; i++) {
        char *eq = strstr(lines[i], " = ");
        const char *key = lines[i], *val;

        if (!eq) {
            continue;
        }
        *eq = 0;
        val = eq + 3;
        if (list && strcmp(list, key)) {
            g_string_append_c(j->s, ']');
            list = NULL;
        }
        if (strcmp(key, "mem.range") && strcmp(key, "tbu.sids")) {
            js_str(j, key, val);
            continue;
        }
        if (!list) {
            js_key(j, key);
            g_string_append_c(j->s, '[');
            list = key;
            n = 0;
        }
        if (strcmp(val, "none")) {
            g_string_append(j->s, n++ ? ", " : "");
            js_str_value(j->s, val);
        }
    }
    if (list) {
        g_string_append_c(j->s, ']');
    }
    js_close(j);
}

static void sim_js_results(SimJs *j, const SimResult *res)
{
    unsigned e;

    js_open(j, "results");
    js_u64(j, "translations", res->translations);
    js_u64(j, "commands", res->commands);
    js_u64(j, "ok", res->ok);
    js_u64(j, "bypass", res->bypass);
    js_u64(j, "aborts", res->aborts);
    js_u64(j, "faults", res->faults);
    js_u64(j, "stalled", res->stalled);
    js_open(j, "faults_by_event");
    for (e = 0; e < SM3_STATS_EVENTS; e++) {
        if (res->faults_by_event[e]) {
            js_u64(j, sm3_event_name(e), res->faults_by_event[e]);
        }
    }
    js_close(j);
    js_u64(j, "first_arrival", res->first_arrival);
    js_u64(j, "last_done", res->last_done);
    js_u64(j, "table_bytes", res->table_bytes);
    js_close(j);
}

static void sim_js_cache(SimJs *j, const char *k, const SmCacheStats *c)
{
    js_open(j, k);
    js_u64(j, "hits", c->hits);
    js_u64(j, "misses", c->misses);
    js_u64(j, "evictions", c->evictions);
    js_u64(j, "invalidations", c->invalidations);
    js_close(j);
}

/* The functional model's own caches (Sm3Stats): timing on or off. */
static void sim_js_model(SimJs *j, const SimResult *res)
{
    const Sm3Stats *m = &res->model;
    unsigned st, l;

    js_open(j, "model");
    sim_js_cache(j, "tlb", &m->tlb);
    sim_js_cache(j, "cfg", &m->cfg);
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (l = 0; l < SM3_WALKC_LEVELS; l++) {
            g_autofree char *k = g_strdup_printf("walkc_s%ul%u", st + 1, l);

            sim_js_cache(j, k, &m->walkc[st][l]);
        }
    }
    js_u64(j, "fast_path_hits", m->fast_hits);
    js_u64(j, "commands", m->commands);
    js_u64(j, "events", m->events);
    js_u64(j, "events_lost", m->events_lost);
    js_close(j);
}

/*
 * The non-empty log2 buckets as [lo, hi, count]: bucket 0 counts 0
 * cycles, bucket k counts 2^(k-1) .. 2^k - 1 (for CDF plots).
 */
static void sim_js_buckets(SimJs *j, const SmTimingHist *h)
{
    const char *sep = "";
    unsigned k;

    js_key(j, "buckets");
    g_string_append_c(j->s, '[');
    for (k = 0; k < SM_TIMING_HIST_LOG2; k++) {
        uint64_t lo = k ? UINT64_C(1) << (k - 1) : 0;
        uint64_t hi = k ? (k == 64 ? UINT64_MAX : (UINT64_C(1) << k) - 1)
                        : 0;

        if (!h->log2[k]) {
            continue;
        }
        g_string_append_printf(j->s, "%s[%" PRIu64 ", %" PRIu64 ", %" PRIu64
                               "]", sep, lo, hi, h->log2[k]);
        sep = ", ";
    }
    g_string_append_c(j->s, ']');
}

static void sim_js_hist(SimJs *j, const char *k, const SmTimingHist *h)
{
    js_open(j, k);
    js_u64(j, "count", h->count);
    js_u64(j, "sum", h->sum);
    js_milli(j, "mean", h->mean_milli);
    js_u64(j, "min", h->min);
    js_u64(j, "max", h->max);
    js_u64(j, "p50", h->p50);
    js_u64(j, "p90", h->p90);
    js_u64(j, "p99", h->p99);
    js_u64(j, "p999", h->p999);
    sim_js_buckets(j, h);
    js_close(j);
}

static void sim_js_levels(SimJs *j, const char *k, const uint64_t v[2][4])
{
    js_key(j, k);
    g_string_append_printf(j->s, "{\"s1\": [%" PRIu64 ", %" PRIu64 ", %"
                           PRIu64 ", %" PRIu64 "], \"s2\": [%" PRIu64 ", %"
                           PRIu64 ", %" PRIu64 ", %" PRIu64 "]}",
                           v[0][0], v[0][1], v[0][2], v[0][3],
                           v[1][0], v[1][1], v[1][2], v[1][3]);
}

/* The timing engine's statistics (SmTimingStats). */
static void sim_js_engine(SimJs *j, const SimResult *res)
{
    const SmTimingStats *t = &res->ts;
    unsigned st, l, r, c;

    js_open(j, "engine");
    js_u64(j, "translations", t->translations);
    js_u64(j, "faults", t->faults);
    js_u64(j, "events", t->events);
    sim_js_hist(j, "latency", &t->latency);
    js_hitmiss(j, "utlb", t->utlb.hits, t->utlb.misses);
    js_hitmiss(j, "tlb", t->tlb.hits, t->tlb.misses);
    js_hitmiss(j, "ste", t->cfg[SM_TIMING_CFG_STE].hits,
               t->cfg[SM_TIMING_CFG_STE].misses);
    js_hitmiss(j, "cd", t->cfg[SM_TIMING_CFG_CD].hits,
               t->cfg[SM_TIMING_CFG_CD].misses);
    for (st = 0; st < 2; st++) {
        for (l = 0; l < SM_TIMING_WALKC_LEVELS; l++) {
            g_autofree char *k = g_strdup_printf("walkc_s%ul%u", st + 1, l);

            js_hitmiss(j, k, t->walkc[st][l].hits, t->walkc[st][l].misses);
        }
    }
    js_hitmiss(j, "ipac", t->ipac.hits, t->ipac.misses);
    sim_js_levels(j, "reads", t->reads);
    sim_js_levels(j, "writes", t->writes);
    js_u64(j, "cfg_fetches", t->cfg_fetches);
    js_open(j, "cycles");
    js_u64(j, "lookup", t->lookup_cycles);
    js_u64(j, "memory", t->memory_cycles);
    js_u64(j, "process", t->process_cycles);
    js_u64(j, "link", t->link_cycles);
    js_u64(j, "pending", t->pending_cycles);
    js_close(j);
    js_open(j, "queue");
    for (r = 0; r < SM_TIMING_RES_COUNT; r++) {
        const SmTimingResStats *q = &t->res[r];

        js_open(j, sm_timing_res_name(r));
        js_u64(j, "servers", q->servers);
        js_u64(j, "requests", q->requests);
        js_u64(j, "waited", q->waited);
        js_u64(j, "wait_cycles", q->wait_cycles);
        js_u64(j, "wait_max", q->wait_max);
        js_u64(j, "busy_cycles", q->busy_cycles);
        js_close(j);
    }
    js_close(j);
    js_open(j, "commands");
    for (c = 0; c < SM_TIMING_CMD_COUNT; c++) {
        js_u64(j, sm_timing_cmd_name(c), t->commands[c]);
    }
    js_close(j);
    js_u64(j, "utlb_flushes", t->utlb_flushes);
    sim_js_hist(j, "sync_latency", &t->sync_latency);
    js_close(j);
}

/* One top-level member per line. */
typedef void (*SimJsSection)(SimJs *j, const SimOptions *o,
                             const SimResult *res);

static void sec_point(SimJs *j, const SimOptions *o, const SimResult *res)
{
    if (!o->point_key) {
        js_null(j, "point");
        return;
    }
    js_open(j, "point");
    js_str(j, "key", o->point_key);
    js_str(j, "value", o->point_value);
    js_close(j);
}

static void sec_summary(SimJs *j, const SimOptions *o, const SimResult *r)
{
    sim_js_summary(j, o, r);
}

static void sec_scenario(SimJs *j, const SimOptions *o, const SimResult *r)
{
    sim_js_scenario(j, o);
}

static void sec_source(SimJs *j, const SimOptions *o, const SimResult *r)
{
    sim_js_source(j, o);
}

static void sec_timing(SimJs *j, const SimOptions *o, const SimResult *r)
{
    js_key(j, "timing");
    g_string_append(j->s, o->timing ? "true" : "false");
}

static void sec_params(SimJs *j, const SimOptions *o, const SimResult *r)
{
    if (o->timing) {
        sim_js_params(j, o);
    } else {
        js_null(j, "params");
    }
}

static void sec_results(SimJs *j, const SimOptions *o, const SimResult *r)
{
    sim_js_results(j, r);
}

static void sec_model(SimJs *j, const SimOptions *o, const SimResult *r)
{
    sim_js_model(j, r);
}

static void sec_engine(SimJs *j, const SimOptions *o, const SimResult *r)
{
    if (r->timing) {
        sim_js_engine(j, r);
    } else {
        js_null(j, "engine");
    }
}

char *sim_report_json(const SimOptions *o, const SimResult *res)
{
    static const SimJsSection sections[] = {
        sec_point, sec_summary, sec_scenario, sec_source, sec_timing,
        sec_params, sec_results, sec_model, sec_engine,
    };
    SimJs j = { .s = g_string_new("{\n  \"smmu_sim\": 1") };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sections); i++) {
        g_string_append(j.s, ",\n  ");
        j.first = true;
        sections[i](&j, o, res);
    }
    g_string_append(j.s, "\n}\n");
    return g_string_free(j.s, false);
}

/* ---- text --------------------------------------------------------------- */

static double sim_pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * part / whole : 0.0;
}

static void sim_text_cache(FILE *f, const char *name, const SmCacheStats *c)
{
    fprintf(f, "  %-10s %12" PRIu64 " %12" PRIu64 " %7.2f%% %10" PRIu64 "\n",
            name, c->hits, c->misses, sim_pct(c->hits, c->hits + c->misses),
            c->evictions);
}

static void sim_text_hm(FILE *f, const char *name, SmTimingHitMiss h)
{
    if (h.hits || h.misses) {
        fprintf(f, "  %-10s %12" PRIu64 " %12" PRIu64 " %7.2f%%\n", name,
                h.hits, h.misses, sim_pct(h.hits, h.hits + h.misses));
    }
}

static void sim_text_engine(FILE *f, const SimOptions *o,
                            const SimResult *res)
{
    const SmTimingStats *t = &res->ts;
    const SmTimingHist *h = &t->latency;
    unsigned st, l, r;

    fprintf(f, "latency (cycles): mean %" PRIu64 ".%03" PRIu64 "  min %"
            PRIu64 "  p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64
            "  p99.9 %" PRIu64 "  max %" PRIu64 "\n", h->mean_milli / 1000,
            h->mean_milli % 1000, h->min, h->p50, h->p90, h->p99, h->p999,
            h->max);
    fprintf(f, "engine %18s %12s %8s\n", "hits", "misses", "hit%");
    sim_text_hm(f, "utlb", t->utlb);
    sim_text_hm(f, "tlb", t->tlb);
    sim_text_hm(f, "ste", t->cfg[SM_TIMING_CFG_STE]);
    sim_text_hm(f, "cd", t->cfg[SM_TIMING_CFG_CD]);
    for (st = 0; st < 2; st++) {
        for (l = 0; l < SM_TIMING_WALKC_LEVELS; l++) {
            char k[16];

            g_snprintf(k, sizeof(k), "walkc s%ul%u", st + 1, l);
            sim_text_hm(f, k, t->walkc[st][l]);
        }
    }
    sim_text_hm(f, "ipac", t->ipac);
    fprintf(f, "table reads: s1 %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
            "  s2 %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64
            " (levels 0/1/2/3), config fetches %" PRIu64 "\n",
            t->reads[0][0], t->reads[0][1], t->reads[0][2], t->reads[0][3],
            t->reads[1][0], t->reads[1][1], t->reads[1][2], t->reads[1][3],
            t->cfg_fetches);
    fprintf(f, "cycles: lookup %" PRIu64 ", memory %" PRIu64 ", process %"
            PRIu64 ", link %" PRIu64 ", pending %" PRIu64 "\n",
            t->lookup_cycles, t->memory_cycles, t->process_cycles,
            t->link_cycles, t->pending_cycles);
    fprintf(f, "queueing %13s %12s %12s %10s %12s\n", "requests", "waited",
            "wait cycles", "max wait", "busy");
    for (r = 0; r < SM_TIMING_RES_COUNT; r++) {
        const SmTimingResStats *q = &t->res[r];

        fprintf(f, "  %-10s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %10"
                PRIu64 " %12" PRIu64 "\n", sm_timing_res_name(r),
                q->requests, q->waited, q->wait_cycles, q->wait_max,
                q->busy_cycles);
    }
    fprintf(f, "simulated: cycles %" PRIu64 " to %" PRIu64 " (%" PRIu64
            " ns at %u MHz)\n", res->first_arrival, res->last_done,
            sm_timing_cycles_to_ns(&o->params,
                                   res->last_done - res->first_arrival),
            o->params.clock_mhz);
}

void sim_report_text(FILE *f, const SimOptions *o, const SimResult *res)
{
    const SimScenario *sc = &o->sc;
    unsigned st, l, e;

    fprintf(f, "scenario: stage %s, %s granule, %s mapping, %u stream%s "
            "(%s tables), %u range%s from 0x%" PRIx64 "\n",
            sim_stage_names[sc->stage], sim_granule_name(sc->gshift),
            sc->block ? "block" : "page", sc->streams,
            sc->streams == 1 ? "" : "s", sc->shared ? "shared" : "private",
            sc->n_ranges, sc->n_ranges == 1 ? "" : "s", sc->ranges[0].base);
    if (o->gen.kind == SIM_GEN_NONE) {
        fprintf(f, "source: trace %s\n", o->trace_path);
    } else {
        fprintf(f, "source: gen %s, count %" PRIu64 ", wset %" PRIu64
                ", size %" PRIu64 ", interval %" PRIu64 "\n",
                sim_gen_names[o->gen.kind], o->gen.count, o->gen.wset,
                o->gen.size, o->gen.interval);
    }
    fprintf(f, "timing: %s%s\n", o->timing ? "on, params " : "off",
            o->timing ? (o->params_path ? o->params_path : "built-in") : "");
    fprintf(f, "translations: %" PRIu64 " (ok %" PRIu64 ", bypass %" PRIu64
            ", faults %" PRIu64 ", aborts %" PRIu64 ")\n", res->translations,
            res->ok, res->bypass, res->faults, res->aborts);
    if (res->commands) {
        fprintf(f, "commands: %" PRIu64 " (from the trace)\n", res->commands);
    }
    for (e = 0; e < SM3_STATS_EVENTS; e++) {
        if (res->faults_by_event[e]) {
            fprintf(f, "  %s: %" PRIu64 "\n", sm3_event_name(e),
                    res->faults_by_event[e]);
        }
    }
    fprintf(f, "model %19s %12s %8s %10s\n", "hits", "misses", "hit%",
            "evictions");
    sim_text_cache(f, "tlb", &res->model.tlb);
    sim_text_cache(f, "cfg", &res->model.cfg);
    for (st = 0; st < SM3_WALKC_STAGES; st++) {
        for (l = 0; l < SM3_WALKC_LEVELS; l++) {
            const SmCacheStats *c = &res->model.walkc[st][l];
            char k[16];

            if (c->hits || c->misses) {
                g_snprintf(k, sizeof(k), "walkc s%ul%u", st + 1, l);
                sim_text_cache(f, k, c);
            }
        }
    }
    if (res->timing) {
        sim_text_engine(f, o, res);
    }
    fprintf(f, "host: %.3f s, %.2f M translations/s\n", res->host_seconds,
            res->host_seconds > 0 ?
            res->translations / res->host_seconds / 1e6 : 0.0);
}
