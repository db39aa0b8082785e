/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-sim: trace-driven simulator over the SMMUv3 model and its timing
 * engine (docs/smmu-sim.md).  This file is the command line only.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim.h"

/* Exit codes: 0 done, 1 the run failed (trace, model), 2 bad usage. */
#define SIM_EXIT_RUN    1
#define SIM_EXIT_USAGE  2

static const char sim_usage[] =
"usage: smmu-sim [options] (--trace FILE | --gen KIND)\n"
"       smmu-sim --merge A.json B.json ...\n"
"\n"
"input:\n"
"  --trace FILE|-       one translation per line: time sid ssid iova size r|w\n"
"  --gen KIND           seq | stride | random | streams, with\n"
"  --count N --wset BYTES --stride BYTES --size BYTES --streams N\n"
"  --seed S --interval CYCLES   (BYTES take K, M, G, T suffixes)\n"
"scenario:\n"
"  --scenario FILE      key = value lines (scenario keys or timing keys)\n"
"  --set KEY=VALUE      one scenario key (or timing key)\n"
"timing:\n"
"  --params FILE        timing parameter file (models/common/params/*.conf)\n"
"  --param KEY=VALUE    one timing parameter, over --params\n"
"  --no-timing          functional model only\n"
"output:\n"
"  --json FILE|-        JSON document (with -: on stdout, no text)\n"
"  --log FILE|-         one line per translation: the trace line, latency,\n"
"                       outcome, output address\n"
"  --plot DIR           PNG charts (latency CDF; a sweep's latency and hit\n"
"                       rates against its key) and their JSON, in DIR\n"
"sweeps:\n"
"  --sweep KEY=V1,V2,.. one point per value (any scenario or timing key)\n"
"  -j N                 points in parallel (default 1)\n"
"  --emit-commands      print one smmu-sim command per point instead\n"
"  --emit-prefix P      their --json files are P-<index>.json (default point)\n"
"  --point KEY=VALUE    this run is that point of a sweep (for --merge)\n"
"  --merge FILES...     sweep document of point documents\n"
"\n"
"scenario keys:\n";

/* What the command line asked for, beyond the options of one point. */
typedef struct SimCli {
    SimOptions o;
    char *json;
    char *plot;
    char *sweep;
    unsigned jobs;
    bool emit;
    char *emit_prefix;
    /* Arguments kept for --emit-commands (not the sweep's own). */
    GPtrArray *kept;
    /* --scenario, --set, --param and shortcuts in command-line order */
    GPtrArray *actions;
    char *point;
} SimCli;

/* One ordered setting: @kind 's' scenario file, 'k' KEY=VALUE. */
typedef struct SimAction {
    char kind;
    char *origin;
    char *arg;
} SimAction;

static void sim_action_free(gpointer p)
{
    SimAction *a = p;

    g_free(a->origin);
    g_free(a->arg);
    g_free(a);
}

static void sim_add_action(SimCli *c, char kind, const char *origin,
                           const char *arg)
{
    SimAction *a = g_new0(SimAction, 1);

    a->kind = kind;
    a->origin = g_strdup(origin);
    a->arg = g_strdup(arg);
    g_ptr_array_add(c->actions, a);
}

static G_NORETURN void sim_die(int code, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void sim_die(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("smmu-sim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

/* Apply "KEY=VALUE" from @origin. */
static void sim_apply_kv(SimOptions *o, const char *origin, const char *kv)
{
    const char *eq = strchr(kv, '=');
    g_autofree char *key = NULL;
    g_autofree char *err = NULL;

    if (!eq || eq == kv) {
        sim_die(SIM_EXIT_USAGE, "%s: expected KEY=VALUE, got '%s'", origin,
                kv);
    }
    key = g_strndup(kv, eq - kv);
    if (!sim_set(o, g_strstrip(key), eq + 1, origin, 0, &err)) {
        sim_die(SIM_EXIT_USAGE, "%s", err);
    }
}

/* Generator shortcuts: --count N is --set count=N. */
static const char *const sim_shortcuts[] = {
    "gen", "count", "wset", "stride", "streams", "seed", "interval", "size",
};

static bool sim_is_shortcut(const char *name)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sim_shortcuts); i++) {
        if (!strcmp(sim_shortcuts[i], name)) {
            return true;
        }
    }
    return false;
}

/* "--opt value" or "--opt=value"; advances *@i past what it used. */
static const char *sim_optarg(int argc, char **argv, int *i,
                              const char *inline_val)
{
    if (inline_val) {
        return inline_val;
    }
    if (*i + 1 >= argc) {
        sim_die(SIM_EXIT_USAGE, "%s needs a value", argv[*i]);
    }
    return argv[++*i];
}

static void sim_keep(SimCli *c, const char *opt, const char *val)
{
    g_ptr_array_add(c->kept, g_strdup(opt));
    if (val) {
        g_ptr_array_add(c->kept, g_strdup(val));
    }
}

static void sim_parse_args(SimCli *c, int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        g_autofree char *name = NULL;
        const char *arg = argv[i], *eq, *v;

        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(sim_usage, stdout);
            sim_print_keys(stdout);
            exit(0);
        }
        if (!strcmp(arg, "--no-timing")) {
            c->o.timing = false;
            sim_keep(c, arg, NULL);
            continue;
        }
        if (!strcmp(arg, "--emit-commands")) {
            c->emit = true;
            continue;
        }
        if (!strncmp(arg, "-j", 2)) {
            uint64_t n;

            v = arg[2] ? arg + 2 : sim_optarg(argc, argv, &i, NULL);
            if (!sim_parse_u64(v, &n) || !n || n > 1024) {
                sim_die(SIM_EXIT_USAGE, "-j: '%s' is not 1..1024", v);
            }
            c->jobs = n;
            continue;
        }
        if (strncmp(arg, "--", 2)) {
            sim_die(SIM_EXIT_USAGE, "unexpected argument '%s' (--help)", arg);
        }
        eq = strchr(arg, '=');
        name = eq ? g_strndup(arg + 2, eq - arg - 2) : g_strdup(arg + 2);
        v = sim_optarg(argc, argv, &i, eq ? eq + 1 : NULL);
        if (!strcmp(name, "json")) {
            g_free(c->json);
            c->json = g_strdup(v);
        } else if (!strcmp(name, "plot")) {
            g_free(c->plot);
            c->plot = g_strdup(v);
        } else if (!strcmp(name, "sweep")) {
            g_free(c->sweep);
            c->sweep = g_strdup(v);
        } else if (!strcmp(name, "emit-prefix")) {
            g_free(c->emit_prefix);
            c->emit_prefix = g_strdup(v);
        } else if (!strcmp(name, "trace")) {
            g_free(c->o.trace_path);
            c->o.trace_path = g_strdup(v);
            sim_keep(c, "--trace", v);
        } else if (!strcmp(name, "params")) {
            g_free(c->o.params_path);
            c->o.params_path = g_strdup(v);
            sim_keep(c, "--params", v);
        } else if (!strcmp(name, "log")) {
            g_free(c->o.log_path);
            c->o.log_path = g_strdup(v);
        } else if (!strcmp(name, "point")) {
            g_free(c->point);
            c->point = g_strdup(v);
        } else if (!strcmp(name, "scenario")) {
            sim_add_action(c, 's', "--scenario", v);
            sim_keep(c, "--scenario", v);
        } else if (!strcmp(name, "set") || !strcmp(name, "param")) {
            g_autofree char *origin = g_strdup_printf("--%s", name);

            sim_add_action(c, 'k', origin, v);
            sim_keep(c, origin, v);
        } else if (sim_is_shortcut(name)) {
            g_autofree char *kv = g_strdup_printf("%s=%s", name, v);
            g_autofree char *origin = g_strdup_printf("--%s", name);

            sim_add_action(c, 'k', origin, kv);
            sim_keep(c, origin, v);
        } else {
            sim_die(SIM_EXIT_USAGE, "unknown option '--%s' (--help)", name);
        }
    }
}

/*
 * Options in a fixed order whatever the command line's: the parameter
 * file first (it is the base the keys override), then scenario files,
 * --set, --param and shortcuts as given, then --point.
 */
static void sim_apply(SimCli *c)
{
    g_autofree char *err = NULL;
    unsigned i;

    if (c->o.params_path &&
        !sm_timing_params_load(&c->o.params, c->o.params_path, &err)) {
        sim_die(SIM_EXIT_USAGE, "%s", err);
    }
    for (i = 0; i < c->actions->len; i++) {
        SimAction *a = g_ptr_array_index(c->actions, i);

        if (a->kind == 's') {
            if (!sim_load_scenario(&c->o, a->arg, &err)) {
                sim_die(SIM_EXIT_USAGE, "%s", err);
            }
        } else {
            sim_apply_kv(&c->o, a->origin, a->arg);
        }
    }
    if (c->point) {
        const char *eq = strchr(c->point, '=');

        sim_apply_kv(&c->o, "--point", c->point);
        c->o.point_key = g_strndup(c->point, eq - c->point);
        c->o.point_value = g_strdup(eq + 1);
    }
}

/* Write @doc to @path ("-": stdout). */
static void sim_write(const char *path, const char *doc)
{
    GError *gerr = NULL;

    if (!strcmp(path, "-")) {
        fputs(doc, stdout);
        return;
    }
    if (!g_file_set_contents(path, doc, -1, &gerr)) {
        sim_die(SIM_EXIT_RUN, "%s", gerr->message);
    }
}

/* One command line per point, for GNU parallel or a Slurm array. */
static void sim_emit(SimCli *c, const char *argv0)
{
    g_autofree char *key = NULL;
    g_auto(GStrv) values = NULL;
    GString *base = g_string_new(NULL);
    unsigned i;

    if (!sim_sweep_split(c->sweep, &key, &values)) {
        sim_die(SIM_EXIT_USAGE, "--sweep: '%s' is not KEY=V1,V2,...",
                c->sweep);
    }
    g_string_append(base, argv0);
    for (i = 0; i < c->kept->len; i++) {
        g_autofree char *q = g_shell_quote(g_ptr_array_index(c->kept, i));

        g_string_append_printf(base, " %s", q);
    }
    for (i = 0; values[i]; i++) {
        g_autofree char *point = g_strdup_printf("%s=%s", key, values[i]);
        g_autofree char *qp = g_shell_quote(point);
        g_autofree char *json = g_strdup_printf("%s-%03u.json",
                                                c->emit_prefix ?
                                                c->emit_prefix : "point", i);
        g_autofree char *qj = g_shell_quote(json);

        printf("%s --point %s --json %s\n", base->str, qp, qj);
    }
    g_string_free(base, true);
}

static int sim_main_merge(int argc, char **argv, int first)
{
    g_autofree char *err = NULL;
    g_autofree char *doc = NULL;
    const char *json = NULL;
    GPtrArray *files = g_ptr_array_new();
    int i;

    for (i = first; i < argc; i++) {
        if (!strcmp(argv[i], "--json") && i + 1 < argc) {
            json = argv[++i];
        } else {
            g_ptr_array_add(files, argv[i]);
        }
    }
    if (!files->len) {
        sim_die(SIM_EXIT_USAGE, "--merge needs point documents");
    }
    doc = sim_merge((char **)files->pdata, files->len,
                    json && strcmp(json, "-") ? stdout : NULL, &err);
    g_ptr_array_free(files, true);
    if (!doc) {
        sim_die(SIM_EXIT_RUN, "%s", err);
    }
    sim_write(json ? json : "-", doc);
    return 0;
}

/*
 * --plot DIR: the document as DIR/smmu-sim.json, then the charts of
 * sim/smmu-sim-plot.py (matplotlib) beside it.
 */
static void sim_plot(const char *dir, const char *doc)
{
    g_autofree char *json = g_build_filename(dir, "smmu-sim.json", NULL);
    g_autoptr(GError) gerr = NULL;
    /* Debian's python3 has python3-matplotlib, a user's own may not */
    const char *python =
        g_file_test("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ?
        "/usr/bin/python3" : "python3";
    const char *argv[] = { python, SIM_PLOT_SCRIPT, json, dir, NULL };
    int status;

    if (g_mkdir_with_parents(dir, 0777) < 0) {
        sim_die(SIM_EXIT_RUN, "--plot: cannot create %s", dir);
    }
    sim_write(json, doc);
    fflush(stdout);
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                      G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                      &status, &gerr)) {
        sim_die(SIM_EXIT_RUN, "--plot: cannot run python3: %s",
                gerr->message);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        sim_die(SIM_EXIT_RUN, "--plot: %s failed", SIM_PLOT_SCRIPT);
    }
}

int main(int argc, char **argv)
{
    g_autofree char *err = NULL;
    g_autofree char *doc = NULL;
    SimCli c = { .jobs = 1 };
    bool json_stdout;
    SimResult res;

    if (argc > 1 && !strcmp(argv[1], "--merge")) {
        return sim_main_merge(argc, argv, 2);
    }
    sim_options_init(&c.o);
    c.kept = g_ptr_array_new_with_free_func(g_free);
    c.actions = g_ptr_array_new_with_free_func(sim_action_free);
    sim_parse_args(&c, argc, argv);
    sim_apply(&c);
    json_stdout = c.json && !strcmp(c.json, "-");
    if (c.sweep && c.emit) {
        sim_emit(&c, argv[0]);
        return 0;
    }
    if (c.sweep) {
        doc = sim_sweep(&c.o, c.sweep, c.jobs, json_stdout ? NULL : stdout,
                        &err);
        if (!doc) {
            sim_die(SIM_EXIT_RUN, "%s", err);
        }
        if (c.json) {
            sim_write(c.json, doc);
        }
        if (c.plot) {
            sim_plot(c.plot, doc);
        }
        return 0;
    }
    if (!sim_options_finish(&c.o, &err)) {
        sim_die(SIM_EXIT_USAGE, "%s", err);
    }
    c.o.progress = isatty(STDERR_FILENO);
    if (!sim_run(&c.o, &res, &err)) {
        sim_die(SIM_EXIT_RUN, "%s", err);
    }
    if (!json_stdout) {
        sim_report_text(stdout, &c.o, &res);
    }
    if (c.json || c.plot) {
        doc = sim_report_json(&c.o, &res);
    }
    if (c.json) {
        sim_write(c.json, doc);
    }
    if (c.plot) {
        sim_plot(c.plot, doc);
    }
    return 0;
}
