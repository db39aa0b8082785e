/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where translations come from: a trace file (docs/smmu-sim.md, "Trace
 * format") or a built-in generator.  Generators use their own PRNG
 * (sm_rand_next(), splitmix64) and integer arithmetic only, so they give
 * the same sequence on every host.
 */
#include <errno.h>
#include <string.h>

#include "sim.h"
#include "sm-replace.h"

struct SimSource {
    /* trace */
    FILE *f;
    bool close_f;
    const char *name;
    char *line;
    size_t line_cap;
    uint64_t lineno;
    uint64_t last_time;
    /* generator */
    SimGen gen;
    uint64_t base;
    uint32_t streams;
    uint64_t i;
    uint64_t off;            /* seq, stride: offset in the working set */
    uint64_t rng;
};

SimSource *sim_source_new(const SimOptions *o, char **err)
{
    SimSource *src = g_new0(SimSource, 1);

    src->gen = o->gen;
    src->base = o->sc.ranges[0].base;
    src->streams = o->sc.streams;
    src->rng = o->gen.seed;
    if (o->gen.kind != SIM_GEN_NONE) {
        return src;
    }
    src->name = o->trace_path;
    if (!strcmp(o->trace_path, "-")) {
        src->f = stdin;
        src->name = "<stdin>";
    } else {
        src->f = fopen(o->trace_path, "r");
        src->close_f = true;
        if (!src->f) {
            *err = g_strdup_printf("%s: %s", o->trace_path, strerror(errno));
            g_free(src);
            return NULL;
        }
    }
    return src;
}

void sim_source_free(SimSource *src)
{
    if (src) {
        if (src->close_f) {
            fclose(src->f);
        }
        free(src->line);
        g_free(src);
    }
}

char *sim_source_where(const SimSource *src)
{
    return g_strdup_printf("%s:%" PRIu64, src->name, src->lineno);
}

uint64_t sim_source_total(const SimSource *src)
{
    return src->gen.kind == SIM_GEN_NONE ? 0 : src->gen.count;
}

/* ---- generators ---------------------------------------------------------- */

/* Advance a cyclic offset by @step within [0, wset). */
static uint64_t sim_advance(uint64_t off, uint64_t step, uint64_t wset)
{
    off += step;
    return off >= wset ? off % wset : off;
}

static void sim_gen_next(SimSource *src, SimReq *r)
{
    const SimGen *g = &src->gen;
    uint64_t k;

    memset(r, 0, sizeof(*r));
    r->time = src->i * g->interval;
    r->size = g->size;
    r->write = g->write;
    switch (g->kind) {
    case SIM_GEN_SEQ:            /* back to back accesses of @size bytes */
        r->iova = src->base + src->off;
        src->off = sim_advance(src->off, g->size, g->wset);
        break;
    case SIM_GEN_STRIDE:         /* one access every @stride bytes */
        r->iova = src->base + src->off;
        src->off = sim_advance(src->off, g->stride, g->wset);
        break;
    case SIM_GEN_RANDOM:         /* uniform over @size-aligned slots */
        k = g->wset / g->size ? g->wset / g->size : 1;
        r->iova = src->base + (sm_rand_next(&src->rng) % k) * g->size;
        break;
    case SIM_GEN_STREAMS:        /* round robin over StreamIDs, stride each */
        r->sid = (uint32_t)(src->i % src->streams);
        k = src->i / src->streams;
        r->iova = src->base + (k * g->stride) % g->wset;
        break;
    case SIM_GEN_NONE:
        break;
    }
    src->i++;
}

/* ---- trace ------------------------------------------------------------ */

static bool sim_field_u64(const char *s, uint64_t *v)
{
    return sim_parse_u64(s, v);
}

/* "time cmd DW0 DW1 [name]": a command of a timing log. */
static bool sim_parse_command(char **fields, unsigned n, SimReq *r,
                              char **why)
{
    static const char *const names[] = { "time", NULL, "dw0", "dw1" };
    uint64_t v[4] = { 0 };
    unsigned i;

    if (n < 4) {
        *why = g_strdup_printf("expected 'time cmd dw0 dw1', got %u fields",
                               n);
        return false;
    }
    for (i = 0; i < 4; i++) {
        if (names[i] && !sim_field_u64(fields[i], &v[i])) {
            *why = g_strdup_printf("%s: '%s' is not a number", names[i],
                                   fields[i]);
            return false;
        }
    }
    memset(r, 0, sizeof(*r));
    r->time = v[0];
    r->cmd = true;
    r->dw[0] = v[2];
    r->dw[1] = v[3];
    return true;
}

/* Parse one non-empty trace line into @r; false with *@why. */
static bool sim_parse_line(char *l, SimReq *r, char **why)
{
    static const char *const names[] = {
        "time", "sid", "ssid", "iova", "size", "access",
    };
    char *fields[6], *save = NULL, *t;
    uint64_t v[6];
    unsigned n = 0, i;

    for (t = strtok_r(l, " \t\r", &save); t && n < 6;
         t = strtok_r(NULL, " \t\r", &save)) {
        fields[n++] = t;        /* fields after the sixth are ignored */
    }
    if (n >= 2 && !strcmp(fields[1], "cmd")) {
        return sim_parse_command(fields, n, r, why);
    }
    if (n < 6) {
        *why = g_strdup_printf("expected 'time sid ssid iova size access', "
                               "got %u field%s", n, n == 1 ? "" : "s");
        return false;
    }
    memset(r, 0, sizeof(*r));
    for (i = 0; i < 5; i++) {
        if (i == 2 && !strcmp(fields[i], "-")) {
            continue;
        }
        if (!sim_field_u64(fields[i], &v[i])) {
            *why = g_strdup_printf("%s: '%s' is not a number", names[i],
                                   fields[i]);
            return false;
        }
    }
    if (v[1] > UINT32_MAX || (strcmp(fields[2], "-") && v[2] >= (1u << 20))) {
        *why = g_strdup_printf("%s: out of range", v[1] > UINT32_MAX ?
                               "sid" : "ssid");
        return false;
    }
    if (!v[4]) {
        *why = g_strdup("size: 0 bytes");
        return false;
    }
    if (strcmp(fields[5], "r") && strcmp(fields[5], "w")) {
        *why = g_strdup_printf("access: '%s' is not r or w", fields[5]);
        return false;
    }
    r->time = v[0];
    r->sid = (uint32_t)v[1];
    r->ssv = strcmp(fields[2], "-") != 0;
    r->ssid = r->ssv ? (uint32_t)v[2] : 0;
    r->iova = v[3];
    r->size = v[4];
    r->write = fields[5][0] == 'w';
    return true;
}

static int sim_trace_next(SimSource *src, SimReq *r, char **err)
{
    ssize_t len;

    while ((len = getline(&src->line, &src->line_cap, src->f)) >= 0) {
        char *l = src->line, *hash = strchr(l, '#');
        g_autofree char *why = NULL;

        src->lineno++;
        if (hash) {
            *hash = 0;
        }
        g_strstrip(l);
        if (!*l) {
            continue;
        }
        if (!sim_parse_line(l, r, &why)) {
            *err = g_strdup_printf("%s:%" PRIu64 ": %s", src->name,
                                   src->lineno, why);
            return -1;
        }
        /* The engine serves requests in call order: keep arrival order. */
        if (r->time < src->last_time) {
            *err = g_strdup_printf("%s:%" PRIu64 ": time %" PRIu64 " is "
                                   "before the previous line's %" PRIu64,
                                   src->name, src->lineno, r->time,
                                   src->last_time);
            return -1;
        }
        src->last_time = r->time;
        return 1;
    }
    return 0;
}

int sim_source_next(SimSource *src, SimReq *r, char **err)
{
    if (src->gen.kind == SIM_GEN_NONE) {
        return sim_trace_next(src, r, err);
    }
    if (src->i >= src->gen.count) {
        return 0;
    }
    sim_gen_next(src, r);
    return 1;
}
