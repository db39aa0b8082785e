/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One smmu-sim point: program the SMMU, feed it every request of the
 * source in order, and collect the model's and the engine's counters.
 */
#include <string.h>
#include <unistd.h>

#include "sim.h"

/* Progress is checked this often (a power of two: a mask test). */
#define SIM_PROGRESS_EVERY  (1u << 16)
/* ... and shown once the run has taken this long. */
#define SIM_PROGRESS_AFTER_US  1000000

typedef struct SimProgress {
    bool on;
    bool shown;
    int64_t start;
    uint64_t total;
} SimProgress;

static void sim_progress(SimProgress *p, uint64_t done)
{
    int64_t now = g_get_monotonic_time();

    if (!p->on || now - p->start < SIM_PROGRESS_AFTER_US) {
        return;
    }
    p->shown = true;
    if (p->total) {
        fprintf(stderr, "\rsmmu-sim: %" PRIu64 " / %" PRIu64
                " translations (%u%%)", done, p->total,
                (unsigned)(done * 100 / p->total));
    } else {
        fprintf(stderr, "\rsmmu-sim: %" PRIu64 " translations", done);
    }
}

static void sim_progress_end(SimProgress *p)
{
    if (p->shown) {
        fprintf(stderr, "\r\033[K");
    }
}

/*
 * --log: the model's timing-log line (the request as a trace line, then
 * latency, outcome, output address and breakdown), so a log replays.
 */
static void sim_log_line(FILE *f, GString *line, const Sm3Request *req,
                         const Sm3Xlate *x, const SmTimingResult *t)
{
    g_string_truncate(line, 0);
    sm3_timing_log_line(line, req, x, t);
    g_string_append_c(line, '\n');
    fputs(line->str, f);
}

/* A command of the trace: into the SMMU's queue, and into --log. */
static bool sim_command(SimDriver *d, SimSource *src, const SimReq *r,
                        FILE *log, GString *line, char **err)
{
    g_autofree char *why = NULL;

    if (!sim_driver_command(d, r->dw, r->time, &why)) {
        g_autofree char *where = sim_source_where(src);

        *err = g_strdup_printf("%s: %s", where, why);
        return false;
    }
    if (log) {
        g_string_truncate(line, 0);
        sm3_timing_log_command(line, r->time, r->dw);
        g_string_append_c(line, '\n');
        fputs(line->str, log);
    }
    return true;
}

static void sim_count(SimResult *res, const Sm3Xlate *x)
{
    switch (x->outcome) {
    case SM3_XLATE_OK:
        res->ok++;
        break;
    case SM3_XLATE_BYPASS:
        res->bypass++;
        break;
    case SM3_XLATE_ABORT:
        res->aborts++;
        break;
    case SM3_XLATE_STALLED:
        res->stalled++;
        break;
    case SM3_XLATE_FAULT:
        res->faults++;
        res->faults_by_event[x->fault.event]++;
        break;
    }
}

bool sim_run(const SimOptions *o, SimResult *res, char **err)
{
    SimDriver *d = NULL;
    SimSource *src = NULL;
    SimProgress prog = { .on = o->progress };
    FILE *log = NULL;
    bool ok = false;
    SimReq r;
    Sm3 *s;
    int got;
    GString *line = g_string_new(NULL);

    memset(res, 0, sizeof(*res));
    d = sim_driver_new(o, err);
    if (!d) {
        return false;
    }
    src = sim_source_new(o, err);
    if (!src) {
        goto out;
    }
    if (o->log_path) {
        log = !strcmp(o->log_path, "-") ? stdout : fopen(o->log_path, "w");
        if (!log) {
            *err = g_strdup_printf("%s: cannot write", o->log_path);
            goto out;
        }
    }
    s = sim_driver_smmu(d);
    prog.total = sim_source_total(src);
    prog.start = g_get_monotonic_time();
    while ((got = sim_source_next(src, &r, err)) > 0) {
        Sm3Request req = {
            .sid = r.sid, .ssid = r.ssid, .ssv = r.ssv, .iova = r.iova,
            .size = r.size, .write = r.write, .arrival = r.time,
        };
        Sm3Xlate x;

        if (r.cmd) {
            if (!sim_command(d, src, &r, log, line, err)) {
                goto out;
            }
            res->commands++;
            continue;
        }
        x = sm3_translate(s, &req);

        if (!res->translations) {
            res->first_arrival = r.time;
        }
        res->translations++;
        if (r.time + x.latency > res->last_done) {
            res->last_done = r.time + x.latency;
        }
        if (x.outcome != SM3_XLATE_OK) {
            sim_count(res, &x);
            if (x.outcome == SM3_XLATE_FAULT && x.fault.recorded) {
                sim_driver_drain_events(d);
            }
        } else {
            res->ok++;
        }
        if (log) {
            sim_log_line(log, line, &req, &x, sm3_last_timing(s));
        }
        if (!(res->translations & (SIM_PROGRESS_EVERY - 1))) {
            sim_progress(&prog, res->translations);
        }
    }
    res->host_seconds = (g_get_monotonic_time() - prog.start) / 1e6;
    sim_progress_end(&prog);
    if (got < 0) {
        goto out;
    }
    res->model = sm3_stats(s);
    res->timing = sm3_timing_stats(s, &res->ts);
    res->table_bytes = sim_driver_table_bytes(d);
    ok = true;
out:
    if (log && log != stdout) {
        fclose(log);
    }
    g_string_free(line, true);
    sim_source_free(src);
    sim_driver_free(d);
    return ok;
}
