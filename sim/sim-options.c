/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-sim options: the scenario and generator keys (one table, below),
 * their parsers, scenario files, and the hand-off of every other key to
 * the timing engine's own parameter parser, so timing keys and their
 * error messages are exactly those of parameter files.
 */
#include <errno.h>
#include <string.h>

#include "sim.h"

/* Default first IOVA of a generator: 4 GiB, aligned to every block size. */
#define SIM_DEFAULT_BASE  UINT64_C(0x100000000)

void sim_options_init(SimOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->sc.stage = SIM_STAGE_1;
    o->sc.gshift = 12;
    o->sc.streams = 1;
    o->sc.asid = o->sc.vmid = SIM_TAG_AUTO;
    o->gen.count = 1000000;
    o->gen.wset = 1 << 20;
    o->gen.stride = 4096;
    o->gen.size = 64;
    o->gen.seed = 1;
    o->gen.interval = 100;
    o->timing = true;
    sm_timing_params_default(&o->params);
}

void sim_options_clear(SimOptions *o)
{
    g_free(o->trace_path);
    g_free(o->params_path);
    g_free(o->point_key);
    g_free(o->point_value);
    g_free(o->log_path);
    memset(o, 0, sizeof(*o));
}

/* ---- number parsers --------------------------------------------------- */

bool sim_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    int base = 10;

    if (!s || !*s || *s == '-' || *s == '+') {
        return false;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    errno = 0;
    *out = g_ascii_strtoull(s, &end, base);
    return !errno && end != s && !*end;
}

/* Suffixes are binary (K = 1024): working sets are sized in pages. */
static const struct {
    char letter;
    unsigned shift;
} sim_suffixes[] = {
    { 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 },
};

bool sim_parse_size(const char *s, uint64_t *out)
{
    g_autofree char *num = g_strdup(s ? s : "");
    size_t n = strlen(num);
    unsigned shift = 0, i;

    /* Accept "4K", "4KiB", "4KB"; a hex number keeps its own letters. */
    if (n > 2 && g_str_has_suffix(num, "iB")) {
        num[n -= 2] = 0;
    } else if (n > 1 && num[n - 1] == 'B' && !g_str_has_prefix(num, "0x")) {
        num[--n] = 0;
    }
    if (n > 1 && !g_str_has_prefix(num, "0x")) {
        for (i = 0; i < G_N_ELEMENTS(sim_suffixes); i++) {
            if (g_ascii_tolower(num[n - 1]) == sim_suffixes[i].letter) {
                shift = sim_suffixes[i].shift;
                num[--n] = 0;
                break;
            }
        }
    }
    if (!sim_parse_u64(num, out)) {
        return false;
    }
    if (shift && *out > (UINT64_MAX >> shift)) {
        return false;
    }
    *out <<= shift;
    return true;
}

/* ---- setters: one per key --------------------------------------------- */

typedef bool (*SimSetter)(SimOptions *o, const char *v, char **why);

/* A named value of an enumerated key. */
typedef struct SimName {
    const char *name;
    int value;
} SimName;

static bool sim_lookup_name(const SimName *t, unsigned n, const char *v,
                            int *out, char **why)
{
    GString *allowed = g_string_new(NULL);
    unsigned i;

    for (i = 0; i < n; i++) {
        if (!strcmp(t[i].name, v)) {
            *out = t[i].value;
            g_string_free(allowed, true);
            return true;
        }
        g_string_append_printf(allowed, "%s%s", i ? ", " : "", t[i].name);
    }
    *why = g_strdup_printf("'%s' is not one of %s", v, allowed->str);
    g_string_free(allowed, true);
    return false;
}

static bool sim_num(const char *v, uint64_t min, uint64_t max, bool size,
                    uint64_t *out, char **why)
{
    if (!(size ? sim_parse_size(v, out) : sim_parse_u64(v, out))) {
        *why = g_strdup_printf("'%s' is not a number%s", v,
                               size ? " (K, M, G, T suffixes allowed)" : "");
        return false;
    }
    if (*out < min || *out > max) {
        *why = g_strdup_printf("%s is out of range (allowed %" PRIu64
                               "..%" PRIu64 ")", v, min, max);
        return false;
    }
    return true;
}

static bool set_stage(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = {
        { "1", SIM_STAGE_1 }, { "2", SIM_STAGE_2 },
        { "nested", SIM_STAGE_NESTED },
    };
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), v, &x, why)) {
        return false;
    }
    o->sc.stage = x;
    return true;
}

static bool set_granule(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = { { "4k", 12 }, { "16k", 14 }, { "64k", 16 } };
    g_autofree char *lower = g_ascii_strdown(v, -1);
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), lower, &x, why)) {
        return false;
    }
    o->sc.gshift = x;
    return true;
}

static bool set_mapping(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = { { "page", 0 }, { "block", 1 } };
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), v, &x, why)) {
        return false;
    }
    o->sc.block = x;
    return true;
}

static bool set_tables(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = { { "private", 0 }, { "shared", 1 } };
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), v, &x, why)) {
        return false;
    }
    o->sc.shared = x;
    return true;
}

/* map = BASE:SIZE[,BASE:SIZE...]; "auto" derives it from the generator */
static bool set_map(SimOptions *o, const char *v, char **why)
{
    g_auto(GStrv) parts = NULL;
    SimRange r[SIM_MAX_RANGES];
    unsigned n = 0, i;

    if (!strcmp(v, "auto")) {
        o->sc.n_ranges = 0;
        return true;
    }
    parts = g_strsplit(v, ",", -1);
    for (i = 0; parts[i]; i++) {
        g_auto(GStrv) bs = g_strsplit(g_strstrip(parts[i]), ":", 2);

        if (n == SIM_MAX_RANGES) {
            *why = g_strdup_printf("at most %u ranges", SIM_MAX_RANGES);
            return false;
        }
        if (!bs[0] || !bs[1] || !sim_parse_size(bs[0], &r[n].base) ||
            !sim_parse_size(bs[1], &r[n].size) || !r[n].size) {
            *why = g_strdup_printf("'%s' is not BASE:SIZE (e.g. "
                                   "0x100000000:64M)", parts[i]);
            return false;
        }
        n++;
    }
    memcpy(o->sc.ranges, r, sizeof(r[0]) * n);
    o->sc.n_ranges = n;
    return true;
}

static bool set_streams(SimOptions *o, const char *v, char **why)
{
    uint64_t x;

    if (!sim_num(v, 1, SIM_MAX_STREAMS, false, &x, why)) {
        return false;
    }
    o->sc.streams = x;
    return true;
}

/* An ASID or VMID for every stream, or auto: StreamID + 1. */
static bool sim_tag(const char *v, uint32_t *tag, char **why)
{
    uint64_t x;

    if (!strcmp(v, "auto")) {
        *tag = SIM_TAG_AUTO;
        return true;
    }
    if (!sim_num(v, 0, UINT16_MAX, false, &x, why)) {
        return false;
    }
    *tag = x;
    return true;
}

static bool set_asid(SimOptions *o, const char *v, char **why)
{
    return sim_tag(v, &o->sc.asid, why);
}

static bool set_vmid(SimOptions *o, const char *v, char **why)
{
    return sim_tag(v, &o->sc.vmid, why);
}

static bool set_ssids(SimOptions *o, const char *v, char **why)
{
    uint64_t x;

    if (!sim_num(v, 0, SIM_MAX_SSIDS, false, &x, why)) {
        return false;
    }
    o->sc.ssids = x;
    return true;
}

/* Cache geometry; the model itself checks it (sm3_config_error()). */
#define SIM_GEOM_SETTER(fn, field)                                       \
    static bool fn(SimOptions *o, const char *v, char **why)             \
    {                                                                    \
        uint64_t x;                                                      \
                                                                         \
        if (!sim_num(v, 0, 1u << 20, false, &x, why)) {                  \
            return false;                                                \
        }                                                                \
        o->sc.field = x;                                                 \
        return true;                                                     \
    }
SIM_GEOM_SETTER(set_tlb_entries, tlb_entries)
SIM_GEOM_SETTER(set_tlb_ways, tlb_ways)
SIM_GEOM_SETTER(set_cfg_entries, cfg_entries)
SIM_GEOM_SETTER(set_cfg_ways, cfg_ways)

static bool set_gen(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = {
        { "seq", SIM_GEN_SEQ }, { "stride", SIM_GEN_STRIDE },
        { "random", SIM_GEN_RANDOM }, { "streams", SIM_GEN_STREAMS },
    };
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), v, &x, why)) {
        return false;
    }
    o->gen.kind = x;
    return true;
}

static bool set_count(SimOptions *o, const char *v, char **why)
{
    return sim_num(v, 1, UINT64_C(1) << 40, true, &o->gen.count, why);
}

static bool set_wset(SimOptions *o, const char *v, char **why)
{
    return sim_num(v, 1, UINT64_C(1) << 44, true, &o->gen.wset, why);
}

static bool set_stride(SimOptions *o, const char *v, char **why)
{
    return sim_num(v, 1, UINT64_C(1) << 44, true, &o->gen.stride, why);
}

static bool set_size(SimOptions *o, const char *v, char **why)
{
    return sim_num(v, 1, UINT64_C(1) << 30, true, &o->gen.size, why);
}

static bool set_seed(SimOptions *o, const char *v, char **why)
{
    return sim_num(v, 0, UINT64_MAX, false, &o->gen.seed, why);
}

static bool set_interval(SimOptions *o, const char *v, char **why)
{
    return sim_num(v, 0, UINT64_C(1) << 32, false, &o->gen.interval, why);
}

static bool set_access(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = { { "r", 0 }, { "w", 1 } };
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), v, &x, why)) {
        return false;
    }
    o->gen.write = x;
    return true;
}

static bool set_timing(SimOptions *o, const char *v, char **why)
{
    static const SimName t[] = { { "on", 1 }, { "off", 0 } };
    int x;

    if (!sim_lookup_name(t, G_N_ELEMENTS(t), v, &x, why)) {
        return false;
    }
    o->timing = x;
    return true;
}

/* Every scenario and generator key: docs/smmu-sim.md has the same table */
static const struct {
    const char *key;
    SimSetter set;
    const char *help;
} sim_keys[] = {
    { "stage", set_stage, "1 | 2 | nested (default 1)" },
    { "granule", set_granule, "4k | 16k | 64k (default 4k)" },
    { "mapping", set_mapping,
      "page | block: 2M (4k), 32M (16k), 512M (64k) blocks (default page)" },
    { "map", set_map,
      "BASE:SIZE[,BASE:SIZE...] IOVA ranges mapped, or auto (default: "
      "0x100000000 + the generator's reach)" },
    { "streams", set_streams, "StreamIDs 0..N-1 (default 1)" },
    { "tables", set_tables,
      "private (each stream its own CD, tables, ASID, VMID) | shared "
      "(default private)" },
    { "ssids", set_ssids, "substreams per stream, 0: none (default 0)" },
    { "asid", set_asid,
      "auto (StreamID + 1) | N: every stream's ASID (default auto)" },
    { "vmid", set_vmid,
      "auto (StreamID + 1) | N: every stream's VMID, stage 2 (default auto)" },
    { "tlb_entries", set_tlb_entries, "model TLB entries (0: 256)" },
    { "tlb_ways", set_tlb_ways, "model TLB ways (default 4)" },
    { "cfg_entries", set_cfg_entries, "model config cache entries (0: 64)" },
    { "cfg_ways", set_cfg_ways, "model config cache ways (default 4)" },
    { "gen", set_gen, "seq | stride | random | streams" },
    { "count", set_count, "translations generated (default 1000000)" },
    { "wset", set_wset, "bytes each stream touches (default 1M)" },
    { "stride", set_stride, "bytes between stride/streams accesses (4K)" },
    { "size", set_size, "bytes per access (default 64)" },
    { "seed", set_seed, "seed of random (default 1)" },
    { "interval", set_interval, "cycles between arrivals (default 100)" },
    { "access", set_access, "r | w: generated accesses (default r)" },
    { "timing", set_timing, "on | off (default on)" },
};

bool sim_is_scenario_key(const char *key)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sim_keys); i++) {
        if (!strcmp(sim_keys[i].key, key)) {
            return true;
        }
    }
    return false;
}

void sim_print_keys(FILE *f)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sim_keys); i++) {
        fprintf(f, "  %-12s %s\n", sim_keys[i].key, sim_keys[i].help);
    }
}

/*
 * A timing key goes to sm_timing_params_parse() preceded by @line - 1
 * empty lines, so its message carries the caller's line number in the
 * parser's own "name:line: ..." form.
 */
static bool sim_set_param(SimOptions *o, const char *key, const char *value,
                          const char *origin, unsigned line, char **err)
{
    g_autofree char *pad = g_strnfill(line > 1 ? line - 1 : 0, '\n');
    g_autofree char *text = g_strdup_printf("%s%s = %s", pad, key, value);

    return sm_timing_params_parse(&o->params, text, origin, err);
}

bool sim_set(SimOptions *o, const char *key, const char *value,
             const char *origin, unsigned line, char **err)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sim_keys); i++) {
        g_autofree char *why = NULL;

        if (strcmp(sim_keys[i].key, key)) {
            continue;
        }
        if (sim_keys[i].set(o, value, &why)) {
            return true;
        }
        *err = line ? g_strdup_printf("%s:%u: %s: %s", origin, line, key, why)
                    : g_strdup_printf("%s: %s: %s", origin, key, why);
        return false;
    }
    return sim_set_param(o, key, value, origin, line ? line : 1, err);
}

bool sim_load_scenario(SimOptions *o, const char *path, char **err)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GError *gerr = NULL;
    unsigned i;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        *err = g_strdup_printf("%s", gerr->message);
        g_error_free(gerr);
        return false;
    }
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        char *l = lines[i], *hash = strchr(l, '#'), *eq;

        if (hash) {
            *hash = 0;
        }
        g_strstrip(l);
        if (!*l) {
            continue;
        }
        eq = strchr(l, '=');
        if (!eq) {
            *err = g_strdup_printf("%s:%u: expected 'key = value', got '%s'",
                                   path, i + 1, l);
            return false;
        }
        *eq = 0;
        if (!sim_set(o, g_strstrip(l), g_strstrip(eq + 1), path, i + 1,
                     err)) {
            return false;
        }
    }
    return true;
}

/* log2 of the bytes one leaf maps: a page, or a level-2 block. */
static unsigned sim_leaf_shift(const SimScenario *sc)
{
    return sc->block ? sc->gshift + (sc->gshift - 3) : sc->gshift;
}

bool sim_options_finish(SimOptions *o, char **err)
{
    SimScenario *sc = &o->sc;
    uint64_t unit = UINT64_C(1) << sim_leaf_shift(sc);
    uint64_t reach;
    unsigned i;

    if (o->gen.kind == SIM_GEN_NONE && !o->trace_path) {
        *err = g_strdup("no input: give --trace FILE or --gen KIND");
        return false;
    }
    if (!sc->n_ranges) {
        /* What the generator touches: wset (stride: wrapped as well). */
        reach = o->gen.wset;
        sc->ranges[0].base = SIM_DEFAULT_BASE;
        sc->ranges[0].size = reach ? (reach + unit - 1) & ~(unit - 1) : unit;
        if (o->gen.kind == SIM_GEN_NONE) {
            sc->ranges[0].size = UINT64_C(1) << 30;
        }
        sc->n_ranges = 1;
    }
    for (i = 0; i < sc->n_ranges; i++) {
        const SimRange *r = &sc->ranges[i];

        if ((r->base | r->size) & (unit - 1)) {
            *err = g_strdup_printf("map: range 0x%" PRIx64 ":0x%" PRIx64
                                   " is not aligned to the %" PRIu64
                                   " KiB %s", r->base, r->size, unit >> 10,
                                   sc->block ? "block" : "page");
            return false;
        }
        if (r->base + r->size > (UINT64_C(1) << 47) ||
            r->base + r->size < r->base) {
            *err = g_strdup_printf("map: range 0x%" PRIx64 ":0x%" PRIx64
                                   " goes beyond the 47-bit IOVA space",
                                   r->base, r->size);
            return false;
        }
    }
    if (o->gen.kind != SIM_GEN_NONE && o->gen.wset > sc->ranges[0].size) {
        *err = g_strdup_printf("wset: %" PRIu64 " bytes do not fit the "
                               "first mapped range (%" PRIu64 " bytes)",
                               o->gen.wset, sc->ranges[0].size);
        return false;
    }
    return true;
}
