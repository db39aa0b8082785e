/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sweeps: one point per value of one key, each run in a forked process
 * of its own (a point never sees another's state, so -j changes nothing
 * but the wall time), results gathered in point order.  --merge builds
 * the same sweep document from point documents that separate smmu-sim
 * runs wrote (GNU parallel, a Slurm array).
 *
 * A sweep document is a JSON array of point documents.  Point documents
 * have one member per line; the table reads the "point" and "summary"
 * lines only, so it needs no general JSON parser.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"

bool sim_sweep_split(const char *spec, char **key, char ***values)
{
    const char *eq = strchr(spec, '=');
    unsigned i;

    if (!eq || eq == spec || !eq[1]) {
        return false;
    }
    *key = g_strndup(spec, eq - spec);
    *values = g_strsplit(eq + 1, ",", -1);
    for (i = 0; (*values)[i]; i++) {
        g_strstrip((*values)[i]);
        if (!*(*values)[i]) {
            g_free(*key);
            g_strfreev(*values);
            return false;
        }
    }
    return true;
}

/* The options of point @value: @o with KEY=value applied and noted. */
static bool sim_point_options(const SimOptions *o, const char *key,
                              const char *value, SimOptions *p, char **err)
{
    *p = *o;                 /* shallow: setters change plain fields only */
    p->point_key = NULL;
    p->point_value = NULL;
    p->progress = false;
    p->log_path = NULL;      /* one log per point would be overwritten */
    if (!sim_set(p, key, value, "--sweep", 0, err)) {
        return false;
    }
    return sim_options_finish(p, err);
}

/* In the child: run the point, leave its document or error in files. */
static G_NORETURN void sim_point_child(const SimOptions *o, const char *key,
                                       const char *value, const char *json,
                                       const char *errf)
{
    g_autofree char *err = NULL;
    g_autofree char *doc = NULL;
    SimOptions p;
    SimResult res;

    if (!sim_point_options(o, key, value, &p, &err) ||
        !sim_run(&p, &res, &err)) {
        g_file_set_contents(errf, err, -1, NULL);
        _exit(1);
    }
    p.point_key = (char *)key;
    p.point_value = (char *)value;
    doc = sim_report_json(&p, &res);
    _exit(g_file_set_contents(json, doc, -1, NULL) ? 0 : 1);
}

static bool sim_wait_one(char **err)
{
    int status;

    if (waitpid(-1, &status, 0) < 0) {
        *err = g_strdup_printf("waitpid: %s", strerror(errno));
        return false;
    }
    return true;
}

/* Join point documents into a sweep document (a JSON array). */
static char *sim_sweep_doc(GPtrArray *docs)
{
    GString *s = g_string_new("[\n");
    unsigned i;

    for (i = 0; i < docs->len; i++) {
        g_autofree char *d = g_strdup(g_ptr_array_index(docs, i));

        g_strchomp(d);
        g_string_append_printf(s, "%s%s\n", d, i + 1 < docs->len ? "," : "");
    }
    g_string_append(s, "]\n");
    return g_string_free(s, false);
}

char *sim_sweep(const SimOptions *o, const char *spec, unsigned jobs,
                FILE *table, char **err)
{
    g_autofree char *key = NULL;
    g_auto(GStrv) values = NULL;
    g_autofree char *dir = NULL;
    GPtrArray *docs = NULL;
    char *out = NULL;
    unsigned n, i, running = 0;
    GError *gerr = NULL;

    if (!sim_sweep_split(spec, &key, &values)) {
        *err = g_strdup_printf("--sweep: '%s' is not KEY=V1,V2,...", spec);
        return NULL;
    }
    n = g_strv_length(values);
    /* Refuse a bad key or value before starting anything. */
    for (i = 0; i < n; i++) {
        SimOptions p;

        if (!sim_point_options(o, key, values[i], &p, err)) {
            return NULL;
        }
    }
    dir = g_dir_make_tmp("smmu-sim-XXXXXX", &gerr);
    if (!dir) {
        *err = g_strdup(gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    fflush(stdout);
    fflush(stderr);
    for (i = 0; i < n; i++) {
        g_autofree char *json = g_strdup_printf("%s/%u.json", dir, i);
        g_autofree char *errf = g_strdup_printf("%s/%u.err", dir, i);
        pid_t pid;

        if (running == jobs) {
            if (!sim_wait_one(err)) {
                goto out;
            }
            running--;
        }
        pid = fork();
        if (pid < 0) {
            *err = g_strdup_printf("fork: %s", strerror(errno));
            goto out;
        }
        if (!pid) {
            sim_point_child(o, key, values[i], json, errf);
        }
        running++;
    }
    while (running && sim_wait_one(err)) {
        running--;
    }
    docs = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < n; i++) {
        g_autofree char *json = g_strdup_printf("%s/%u.json", dir, i);
        g_autofree char *errf = g_strdup_printf("%s/%u.err", dir, i);
        char *text = NULL;

        if (g_file_get_contents(errf, &text, NULL, NULL)) {
            *err = g_strdup_printf("point %s=%s: %s", key, values[i], text);
            g_free(text);
            goto out;
        }
        if (!g_file_get_contents(json, &text, NULL, NULL)) {
            *err = g_strdup_printf("point %s=%s: no result", key, values[i]);
            goto out;
        }
        g_ptr_array_add(docs, text);
    }
    if (table) {
        sim_sweep_table(table, docs);
    }
    out = sim_sweep_doc(docs);
out:
    if (docs) {
        g_ptr_array_free(docs, true);
    }
    for (i = 0; i < n; i++) {
        g_autofree char *json = g_strdup_printf("%s/%u.json", dir, i);
        g_autofree char *errf = g_strdup_printf("%s/%u.err", dir, i);

        unlink(json);
        unlink(errf);
    }
    rmdir(dir);
    return out;
}

char *sim_merge(char **paths, unsigned n, FILE *table, char **err)
{
    GPtrArray *docs = g_ptr_array_new_with_free_func(g_free);
    char *out = NULL;
    unsigned i;

    for (i = 0; i < n; i++) {
        GError *gerr = NULL;
        char *text = NULL;

        if (!g_file_get_contents(paths[i], &text, NULL, &gerr)) {
            *err = g_strdup(gerr->message);
            g_error_free(gerr);
            goto out;
        }
        g_ptr_array_add(docs, text);
        if (!g_str_has_prefix(text, "{\n  \"smmu_sim\": 1,\n")) {
            *err = g_strdup_printf("%s: not a point document of smmu-sim "
                                   "(written with --json)", paths[i]);
            goto out;
        }
    }
    if (table) {
        sim_sweep_table(table, docs);
    }
    out = sim_sweep_doc(docs);
out:
    g_ptr_array_free(docs, true);
    return out;
}

/* ---- the table ---------------------------------------------------------- */

/* The value of a top-level member line ("  \"name\": ...,"), or NULL. */
static char *sim_member_line(const char *doc, const char *name)
{
    g_autofree char *needle = g_strdup_printf("\n  \"%s\": ", name);
    const char *p = strstr(doc, needle), *end;

    if (!p) {
        return NULL;
    }
    p += strlen(needle);
    end = strchr(p, '\n');
    return g_strndup(p, end ? end - p : (long)strlen(p));
}

/*
 * Value of "@key" in a compact one-line object: a number, null, or a
 * string without escapes (all the table needs).
 */
static char *sim_field(const char *obj, const char *key)
{
    g_autofree char *needle = g_strdup_printf("\"%s\": ", key);
    const char *p = obj ? strstr(obj, needle) : NULL;
    size_t n;

    if (!p) {
        return g_strdup("-");
    }
    p += strlen(needle);
    if (*p == '"') {
        p++;
        n = strcspn(p, "\"");
    } else {
        n = strcspn(p, ",}");
    }
    if (n == 4 && !strncmp(p, "null", 4)) {
        return g_strdup("-");
    }
    return g_strndup(p, n);
}

void sim_sweep_table(FILE *f, GPtrArray *docs)
{
    static const char *const cols[] = {
        "translations", "faults", "tlb_misses", "table_reads", "lat_mean",
        "p50", "p90", "p99", "max",
    };
    g_autofree char *first = docs->len ?
        sim_member_line(g_ptr_array_index(docs, 0), "point") : NULL;
    g_autofree char *key = sim_field(first, "key");
    unsigned i, c;

    fprintf(f, "%-14s", key);
    for (c = 0; c < G_N_ELEMENTS(cols); c++) {
        fprintf(f, " %12s", cols[c]);
    }
    fputc('\n', f);
    for (i = 0; i < docs->len; i++) {
        const char *doc = g_ptr_array_index(docs, i);
        g_autofree char *point = sim_member_line(doc, "point");
        g_autofree char *sum = sim_member_line(doc, "summary");
        g_autofree char *value = sim_field(point, "value");

        fprintf(f, "%-14s", value);
        for (c = 0; c < G_N_ELEMENTS(cols); c++) {
            g_autofree char *v = sim_field(sum, cols[c]);

            fprintf(f, " %12s", v);
        }
        fputc('\n', f);
    }
}
