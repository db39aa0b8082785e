/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timing parameters: built-in defaults, the rules they obey, and the
 * parameter-file syntax (see sm-timing.h and docs/timing.md).
 *
 * Every key is one row of sm_timing_keys[]: its name, how its value is
 * written, where it lives in SmTimingParams and its allowed range.  The
 * parser, the formatter and the checks all walk that table, so a new
 * parameter is one new row (and one field).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "sm-timing.h"
#include "sm-timing-presets.h"

/* ---- Defaults (params/mmu-600.conf says where each value comes from) ---- */

void sm_timing_params_default(SmTimingParams *p)
{
    *p = (SmTimingParams){
        .clock_mhz = 1000,
        .utlb_entries = 32,
        .utlb_ways = 0,
        .utlb_policy = SM_TAG_PLRU,
        .utlb_seed = 0,
        .utlb_latency = 1,
        .tlb_latency = 3,
        .tlb_location = SM_TIMING_TLB_IN_TBU,
        .cfg_latency = 3,
        .walkc_latency = 4,
        .walkc_probe = SM_TIMING_PROBE_PARALLEL,
        .ipac_latency = 3,
        .walk_step = 1,
        .link_tbu_to_tcu = 8,
        .link_tcu_to_tbu = 8,
        .cmd_cost = {
            [SM_TIMING_CMD_CFGI] = 10,
            [SM_TIMING_CMD_TLBI] = 20,
            [SM_TIMING_CMD_ATC_INV] = 10,
            [SM_TIMING_CMD_SYNC] = 10,
            [SM_TIMING_CMD_PREFETCH] = 10,
            [SM_TIMING_CMD_OTHER] = 10,
        },
        .atc_inv_round_trip = 2000,
        .event_write = 150,
        .event_msi = 150,
        .mem_latency = 150,
        .n_mem_ranges = 0,
        .slots_tcu = 64,
        .slots_ptw = 16,
        .slots_tbu = 16,
        .tbu_count = 1,
        .tbu_default = 0,
        .n_sid_ranges = 0,
    };
}

/* ---- The key table ------------------------------------------------------ */

typedef enum SmTimingKeyType {
    SM_KEY_U32,              /* decimal or 0x hex, within [min, max] */
    SM_KEY_U64,
    SM_KEY_POLICY,           /* SmTagPolicy by name */
    SM_KEY_LOCATION,         /* SmTimingTlbLocation by name */
    SM_KEY_PROBE,            /* SmTimingProbe by name */
    SM_KEY_MEM_RANGES,       /* list: first-last:latency */
    SM_KEY_SID_RANGES,       /* list: first-last:tbu */
} SmTimingKeyType;

typedef struct SmTimingKey {
    const char *name;
    SmTimingKeyType type;
    size_t offset;           /* of the field in SmTimingParams */
    uint64_t min;
    uint64_t max;
} SmTimingKey;

#define SM_OFF(field) offsetof(SmTimingParams, field)
#define SM_CYC SM_TIMING_MAX_CYCLES

static const SmTimingKey sm_timing_keys[] = {
    { "clock.mhz",       SM_KEY_U32, SM_OFF(clock_mhz), 1, 100000 },
    { "utlb.entries",    SM_KEY_U32, SM_OFF(utlb_entries), 1,
      SM_TIMING_MAX_UTLB },
    { "utlb.ways",       SM_KEY_U32, SM_OFF(utlb_ways), 0,
      SM_TIMING_MAX_UTLB },
    { "utlb.policy",     SM_KEY_POLICY, SM_OFF(utlb_policy), 0, 0 },
    { "utlb.seed",       SM_KEY_U64, SM_OFF(utlb_seed), 0, UINT64_MAX },
    { "utlb.latency",    SM_KEY_U32, SM_OFF(utlb_latency), 0, SM_CYC },
    { "tlb.latency",     SM_KEY_U32, SM_OFF(tlb_latency), 0, SM_CYC },
    { "tlb.location",    SM_KEY_LOCATION, SM_OFF(tlb_location), 0, 0 },
    { "cfg.latency",     SM_KEY_U32, SM_OFF(cfg_latency), 0, SM_CYC },
    { "walkc.latency",   SM_KEY_U32, SM_OFF(walkc_latency), 0, SM_CYC },
    { "walkc.probe",     SM_KEY_PROBE, SM_OFF(walkc_probe), 0, 0 },
    { "ipac.latency",    SM_KEY_U32, SM_OFF(ipac_latency), 0, SM_CYC },
    { "walk.step",       SM_KEY_U32, SM_OFF(walk_step), 0, SM_CYC },
    { "link.tbu_to_tcu", SM_KEY_U32, SM_OFF(link_tbu_to_tcu), 0, SM_CYC },
    { "link.tcu_to_tbu", SM_KEY_U32, SM_OFF(link_tcu_to_tbu), 0, SM_CYC },
    { "cmd.cfgi",        SM_KEY_U32, SM_OFF(cmd_cost[SM_TIMING_CMD_CFGI]),
      0, SM_CYC },
    { "cmd.tlbi",        SM_KEY_U32, SM_OFF(cmd_cost[SM_TIMING_CMD_TLBI]),
      0, SM_CYC },
    { "cmd.atc_inv",     SM_KEY_U32,
      SM_OFF(cmd_cost[SM_TIMING_CMD_ATC_INV]), 0, SM_CYC },
    { "cmd.atc_inv_round_trip", SM_KEY_U32, SM_OFF(atc_inv_round_trip),
      0, SM_CYC },
    { "cmd.sync",        SM_KEY_U32, SM_OFF(cmd_cost[SM_TIMING_CMD_SYNC]),
      0, SM_CYC },
    { "cmd.prefetch",    SM_KEY_U32,
      SM_OFF(cmd_cost[SM_TIMING_CMD_PREFETCH]), 0, SM_CYC },
    { "cmd.other",       SM_KEY_U32, SM_OFF(cmd_cost[SM_TIMING_CMD_OTHER]),
      0, SM_CYC },
    { "event.write",     SM_KEY_U32, SM_OFF(event_write), 0, SM_CYC },
    { "event.msi",       SM_KEY_U32, SM_OFF(event_msi), 0, SM_CYC },
    { "mem.latency",     SM_KEY_U32, SM_OFF(mem_latency), 0, SM_CYC },
    { "mem.range",       SM_KEY_MEM_RANGES, 0, 0, SM_CYC },
    { "slots.tcu",       SM_KEY_U32, SM_OFF(slots_tcu), 1,
      SM_TIMING_MAX_SLOTS },
    { "slots.ptw",       SM_KEY_U32, SM_OFF(slots_ptw), 1,
      SM_TIMING_MAX_SLOTS },
    { "slots.tbu",       SM_KEY_U32, SM_OFF(slots_tbu), 1,
      SM_TIMING_MAX_SLOTS },
    { "tbu.count",       SM_KEY_U32, SM_OFF(tbu_count), 1,
      SM_TIMING_MAX_TBUS },
    { "tbu.default",     SM_KEY_U32, SM_OFF(tbu_default), 0,
      SM_TIMING_MAX_TBUS - 1 },
    { "tbu.sids",        SM_KEY_SID_RANGES, 0, 0, SM_TIMING_MAX_TBUS - 1 },
};

#define SM_TIMING_N_KEYS G_N_ELEMENTS(sm_timing_keys)

/* Names of enumerated values, indexed by the enum. */
static const char *const sm_policy_names[SM_TAG_POLICY_COUNT] = {
    [SM_TAG_LRU] = "lru",
    [SM_TAG_PLRU] = "plru",
    [SM_TAG_ROUND_ROBIN] = "round-robin",
    [SM_TAG_RANDOM] = "random",
};
static const char *const sm_location_names[] = {
    [SM_TIMING_TLB_IN_TBU] = "tbu",
    [SM_TIMING_TLB_IN_TCU] = "tcu",
};
static const char *const sm_probe_names[] = {
    [SM_TIMING_PROBE_SERIAL] = "serial",
    [SM_TIMING_PROBE_PARALLEL] = "parallel",
};

typedef struct SmNameSet {
    const char *const *names;
    unsigned n;
} SmNameSet;

static SmNameSet sm_key_names(SmTimingKeyType t)
{
    switch (t) {
    case SM_KEY_POLICY:
        return (SmNameSet){ sm_policy_names, G_N_ELEMENTS(sm_policy_names) };
    case SM_KEY_LOCATION:
        return (SmNameSet){ sm_location_names,
                            G_N_ELEMENTS(sm_location_names) };
    case SM_KEY_PROBE:
        return (SmNameSet){ sm_probe_names, G_N_ELEMENTS(sm_probe_names) };
    default:
        return (SmNameSet){ NULL, 0 };
    }
}

static const SmTimingKey *sm_key_find(const char *name)
{
    unsigned i;

    for (i = 0; i < SM_TIMING_N_KEYS; i++) {
        if (!strcmp(sm_timing_keys[i].name, name)) {
            return &sm_timing_keys[i];
        }
    }
    return NULL;
}

static unsigned sm_key_index(const SmTimingKey *k)
{
    return (unsigned)(k - sm_timing_keys);
}

/* Scalar fields are uint32_t, uint64_t or an enum stored as unsigned. */
static uint64_t sm_key_get(const SmTimingParams *p, const SmTimingKey *k)
{
    const char *base = (const char *)p + k->offset;

    switch (k->type) {
    case SM_KEY_U64:
        return *(const uint64_t *)base;
    case SM_KEY_POLICY:
        return *(const SmTagPolicy *)base;
    case SM_KEY_LOCATION:
        return *(const SmTimingTlbLocation *)base;
    case SM_KEY_PROBE:
        return *(const SmTimingProbe *)base;
    default:
        return *(const uint32_t *)base;
    }
}

static void sm_key_set(SmTimingParams *p, const SmTimingKey *k, uint64_t v)
{
    char *base = (char *)p + k->offset;

    switch (k->type) {
    case SM_KEY_U64:
        *(uint64_t *)base = v;
        break;
    case SM_KEY_POLICY:
        *(SmTagPolicy *)base = (SmTagPolicy)v;
        break;
    case SM_KEY_LOCATION:
        *(SmTimingTlbLocation *)base = (SmTimingTlbLocation)v;
        break;
    case SM_KEY_PROBE:
        *(SmTimingProbe *)base = (SmTimingProbe)v;
        break;
    default:
        *(uint32_t *)base = (uint32_t)v;
        break;
    }
}

/* ---- Checks ------------------------------------------------------------- */

/*
 * A rule broken: the key it is reported against, the list entry (-1 for
 * a scalar), the other key the rule involves (NULL if none; the parser
 * reports on its line when the text did not set @key) and the message
 * without the key.
 */
typedef struct SmParamsProblem {
    const char *key;
    int index;
    const char *also;
    char *msg;
} SmParamsProblem;

static bool sm_problem(SmParamsProblem *pr, const char *key, int index,
                       char *msg)
{
    pr->key = key;
    pr->index = index;
    pr->msg = msg;
    return false;
}

static bool sm_problem2(SmParamsProblem *pr, const char *key, int index,
                        const char *also, char *msg)
{
    pr->also = also;
    return sm_problem(pr, key, index, msg);
}

static bool sm_check_scalars(const SmTimingParams *p, SmParamsProblem *pr)
{
    unsigned i;

    for (i = 0; i < SM_TIMING_N_KEYS; i++) {
        const SmTimingKey *k = &sm_timing_keys[i];
        SmNameSet ns = sm_key_names(k->type);
        uint64_t v;

        if (k->type == SM_KEY_MEM_RANGES || k->type == SM_KEY_SID_RANGES) {
            continue;
        }
        v = sm_key_get(p, k);
        if (ns.names && v >= ns.n) {
            return sm_problem(pr, k->name, -1,
                              g_strdup_printf("%" PRIu64 " is not a valid "
                                              "choice", v));
        }
        if (!ns.names && (v < k->min || v > k->max)) {
            return sm_problem(pr, k->name, -1,
                              g_strdup_printf("%" PRIu64 " is out of range "
                                              "(allowed %" PRIu64 "..%"
                                              PRIu64 ")", v, k->min,
                                              k->max));
        }
    }
    return true;
}

/*
 * The micro-TLB geometry first (reported against utlb.ways), then what
 * the policy needs on top of it (against utlb.policy).
 */
static bool sm_check_utlb(const SmTimingParams *p, SmParamsProblem *pr)
{
    SmTagCacheParams tp = {
        .entries = p->utlb_entries, .ways = p->utlb_ways,
        .policy = SM_TAG_LRU, .seed = p->utlb_seed,
    };
    const char *why = sm_tagcache_check_params(&tp);

    if (why) {
        return sm_problem2(pr, "utlb.ways", -1, "utlb.entries",
                           g_strdup_printf("%s (utlb.entries %u, utlb.ways "
                                           "%u)", why, p->utlb_entries,
                                           p->utlb_ways));
    }
    tp.policy = p->utlb_policy;
    why = sm_tagcache_check_params(&tp);
    if (why) {
        return sm_problem2(pr, "utlb.policy", -1, "utlb.ways",
                           g_strdup_printf("%s (utlb.entries %u, utlb.ways "
                                           "%u)", why, p->utlb_entries,
                                           p->utlb_ways));
    }
    return true;
}

static bool sm_check_mem_ranges(const SmTimingParams *p,
                                SmParamsProblem *pr)
{
    uint32_t i, j;

    if (p->n_mem_ranges > SM_TIMING_MAX_MEM_RANGES) {
        return sm_problem(pr, "mem.range", -1,
                          g_strdup_printf("more than %u ranges",
                                          SM_TIMING_MAX_MEM_RANGES));
    }
    for (i = 0; i < p->n_mem_ranges; i++) {
        const SmTimingMemRange *a = &p->mem_ranges[i];

        if (a->first > a->last) {
            return sm_problem(pr, "mem.range", i,
                              g_strdup_printf("first 0x%" PRIx64 " is above "
                                              "last 0x%" PRIx64, a->first,
                                              a->last));
        }
        if (a->latency > SM_TIMING_MAX_CYCLES) {
            return sm_problem(pr, "mem.range", i,
                              g_strdup_printf("latency %u is out of range "
                                              "(allowed 0..%u)", a->latency,
                                              SM_TIMING_MAX_CYCLES));
        }
        for (j = 0; j < i; j++) {
            const SmTimingMemRange *b = &p->mem_ranges[j];

            if (a->first <= b->last && b->first <= a->last) {
                return sm_problem(pr, "mem.range", i,
                                  g_strdup_printf("0x%" PRIx64 "-0x%" PRIx64
                                                  " overlaps 0x%" PRIx64
                                                  "-0x%" PRIx64, a->first,
                                                  a->last, b->first,
                                                  b->last));
            }
        }
    }
    return true;
}

static bool sm_check_tbus(const SmTimingParams *p, SmParamsProblem *pr)
{
    uint32_t i, j;

    if (p->tbu_default >= p->tbu_count) {
        return sm_problem2(pr, "tbu.default", -1, "tbu.count",
                           g_strdup_printf("TBU %u does not exist "
                                          "(tbu.count is %u)",
                                           p->tbu_default, p->tbu_count));
    }
    if (p->n_sid_ranges > SM_TIMING_MAX_SID_RANGES) {
        return sm_problem(pr, "tbu.sids", -1,
                          g_strdup_printf("more than %u ranges",
                                          SM_TIMING_MAX_SID_RANGES));
    }
    for (i = 0; i < p->n_sid_ranges; i++) {
        const SmTimingSidRange *a = &p->sid_ranges[i];

        if (a->first > a->last) {
            return sm_problem(pr, "tbu.sids", i,
                              g_strdup_printf("first 0x%x is above last "
                                              "0x%x", a->first, a->last));
        }
        if (a->tbu >= p->tbu_count) {
            return sm_problem2(pr, "tbu.sids", i, "tbu.count",
                               g_strdup_printf("TBU %u does not exist "
                                               "(tbu.count is %u)", a->tbu,
                                               p->tbu_count));
        }
        for (j = 0; j < i; j++) {
            const SmTimingSidRange *b = &p->sid_ranges[j];

            if (a->first <= b->last && b->first <= a->last) {
                return sm_problem(pr, "tbu.sids", i,
                                  g_strdup_printf("0x%x-0x%x overlaps "
                                                  "0x%x-0x%x", a->first,
                                                  a->last, b->first,
                                                  b->last));
            }
        }
    }
    return true;
}

static bool sm_params_check(const SmTimingParams *p, SmParamsProblem *pr)
{
    return sm_check_scalars(p, pr) && sm_check_utlb(p, pr) &&
           sm_check_mem_ranges(p, pr) && sm_check_tbus(p, pr);
}

char *sm_timing_params_error(const SmTimingParams *p)
{
    SmParamsProblem pr = { 0 };
    char *msg;

    if (sm_params_check(p, &pr)) {
        return NULL;
    }
    msg = g_strdup_printf("%s: %s", pr.key, pr.msg);
    g_free(pr.msg);
    return msg;
}

/* ---- Values ------------------------------------------------------------- */

/*
 * An unsigned number: decimal, or hex after 0x.  No sign, no octal (a
 * leading 0 is just decimal), nothing after it.
 */
static bool sm_parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    char *end;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!g_ascii_isxdigit(s[0]) || (base == 10 && !g_ascii_isdigit(s[0]))) {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(s, &end, base);
    return errno == 0 && *end == '\0';
}

/* "first-last:value", each part a number, spaces allowed around them. */
static bool sm_parse_range(const char *s, uint64_t *first, uint64_t *last,
                           uint64_t *value)
{
    g_auto(GStrv) colon = g_strsplit(s, ":", 2);
    g_auto(GStrv) dash = NULL;

    if (!colon[0] || !colon[1]) {
        return false;
    }
    dash = g_strsplit(colon[0], "-", 2);
    if (!dash[0] || !dash[1]) {
        return false;
    }
    return sm_parse_u64(g_strstrip(dash[0]), first) &&
           sm_parse_u64(g_strstrip(dash[1]), last) &&
           sm_parse_u64(g_strstrip(colon[1]), value);
}

/* ---- Parser ------------------------------------------------------------- */

typedef struct SmParser {
    const char *name;
    SmTimingParams p;        /* the result so far */
    unsigned line;
    char *section;           /* "utlb" after [utlb]; NULL at the top */
    unsigned key_line[SM_TIMING_N_KEYS];     /* 0: not set by this text */
    unsigned mem_line[SM_TIMING_MAX_MEM_RANGES];
    unsigned sid_line[SM_TIMING_MAX_SID_RANGES];
    char *error;
} SmParser;

static bool G_GNUC_PRINTF(2, 3) sm_fail(SmParser *ps, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ps->error = g_strdup_printf("%s:%u: %s", ps->name, ps->line, msg);
    g_free(msg);
    return false;
}

static char *sm_allowed_names(SmNameSet ns)
{
    GString *s = g_string_new(NULL);
    unsigned i;

    for (i = 0; i < ns.n; i++) {
        g_string_append_printf(s, "%s%s", i ? ", " : "", ns.names[i]);
    }
    return g_string_free(s, FALSE);
}

static bool sm_set_named(SmParser *ps, const SmTimingKey *k, const char *v)
{
    SmNameSet ns = sm_key_names(k->type);
    g_autofree char *allowed = NULL;
    unsigned i;

    for (i = 0; i < ns.n; i++) {
        if (!strcmp(ns.names[i], v)) {
            sm_key_set(&ps->p, k, i);
            return true;
        }
    }
    allowed = sm_allowed_names(ns);
    return sm_fail(ps, "%s: '%s' is not one of %s", k->name, v, allowed);
}

static bool sm_set_number(SmParser *ps, const SmTimingKey *k, const char *v)
{
    uint64_t n;

    if (!sm_parse_u64(v, &n)) {
        return sm_fail(ps, "%s: '%s' is not a number (allowed %" PRIu64
                       "..%" PRIu64 ")", k->name, v, k->min, k->max);
    }
    if (n < k->min || n > k->max) {
        return sm_fail(ps, "%s: %s is out of range (allowed %" PRIu64
                       "..%" PRIu64 ")", k->name, v, k->min, k->max);
    }
    sm_key_set(&ps->p, k, n);
    return true;
}

/*
 * One entry of a list key.  The first mention in this text replaces the
 * list inherited from the base; "none" leaves it empty.
 */
static bool sm_add_range(SmParser *ps, const SmTimingKey *k, const char *v)
{
    bool mem = k->type == SM_KEY_MEM_RANGES;
    uint32_t *n = mem ? &ps->p.n_mem_ranges : &ps->p.n_sid_ranges;
    uint32_t cap = mem ? SM_TIMING_MAX_MEM_RANGES : SM_TIMING_MAX_SID_RANGES;
    uint64_t lim = mem ? UINT64_MAX : UINT32_MAX;
    uint64_t first, last, value;

    if (!ps->key_line[sm_key_index(k)] || !strcmp(v, "none")) {
        *n = 0;
    }
    ps->key_line[sm_key_index(k)] = ps->line;
    if (!strcmp(v, "none")) {
        return true;
    }
    if (!sm_parse_range(v, &first, &last, &value)) {
        return sm_fail(ps, "%s: '%s' is not 'first-last:%s'", k->name, v,
                       mem ? "latency" : "tbu");
    }
    if (last > lim || value > k->max) {
        return sm_fail(ps, "%s: '%s' is out of range (addresses 0..0x%"
                       PRIx64 ", %s 0..%" PRIu64 ")", k->name, v, lim,
                       mem ? "latency" : "tbu", k->max);
    }
    if (*n == cap) {
        return sm_fail(ps, "%s: more than %u ranges", k->name, cap);
    }
    /* In range: checked above against lim and k->max. */
    if (mem) {
        ps->p.mem_ranges[*n] = (SmTimingMemRange){ first, last,
                                                   (uint32_t)value };
        ps->mem_line[*n] = ps->line;
    } else {
        ps->p.sid_ranges[*n] = (SmTimingSidRange){ (uint32_t)first,
                                                   (uint32_t)last,
                                                   (uint32_t)value };
        ps->sid_line[*n] = ps->line;
    }
    (*n)++;
    return true;
}

static bool sm_assign(SmParser *ps, const char *key, const char *v)
{
    g_autofree char *full = ps->section ?
        g_strdup_printf("%s.%s", ps->section, key) : g_strdup(key);
    const SmTimingKey *k = sm_key_find(full);
    unsigned *seen;

    if (!k) {
        return sm_fail(ps, "unknown key '%s'", full);
    }
    if (k->type == SM_KEY_MEM_RANGES || k->type == SM_KEY_SID_RANGES) {
        return sm_add_range(ps, k, v);
    }
    seen = &ps->key_line[sm_key_index(k)];
    if (*seen) {
        return sm_fail(ps, "%s: set again (first set on line %u)", k->name,
                       *seen);
    }
    *seen = ps->line;
    if (sm_key_names(k->type).names) {
        return sm_set_named(ps, k, v);
    }
    return sm_set_number(ps, k, v);
}

/* A section name: letters, digits, '_', '.'; "[]" returns to the top. */
static bool sm_section(SmParser *ps, char *stmt)
{
    size_t len = strlen(stmt);
    char *name;
    size_t i;

    if (stmt[len - 1] != ']') {
        return sm_fail(ps, "expected '[section]', got '%s'", stmt);
    }
    stmt[len - 1] = '\0';
    name = g_strstrip(stmt + 1);
    for (i = 0; name[i]; i++) {
        if (!g_ascii_isalnum(name[i]) && name[i] != '_' && name[i] != '.') {
            return sm_fail(ps, "bad section name '%s'", name);
        }
    }
    g_free(ps->section);
    ps->section = name[0] ? g_strdup(name) : NULL;
    return true;
}

static bool sm_statement(SmParser *ps, char *stmt)
{
    char *eq;

    stmt = g_strstrip(stmt);
    if (!stmt[0]) {
        return true;
    }
    if (stmt[0] == '[') {
        return sm_section(ps, stmt);
    }
    eq = strchr(stmt, '=');
    if (!eq || eq == stmt) {
        return sm_fail(ps, "expected 'key = value', got '%s'", stmt);
    }
    *eq = '\0';
    return sm_assign(ps, g_strstrip(stmt), g_strstrip(eq + 1));
}

/* A '#' comment runs to the end of the line; ';' separates statements. */
static bool sm_line(SmParser *ps, char *line)
{
    char *hash = strchr(line, '#');
    g_auto(GStrv) stmts = NULL;
    unsigned i;

    if (hash) {
        *hash = '\0';
    }
    stmts = g_strsplit(line, ";", -1);
    for (i = 0; stmts[i]; i++) {
        if (!sm_statement(ps, stmts[i])) {
            return false;
        }
    }
    return true;
}

static unsigned sm_key_line(const SmParser *ps, const char *key)
{
    const SmTimingKey *k = key ? sm_key_find(key) : NULL;

    return k ? ps->key_line[sm_key_index(k)] : 0;
}

/*
 * The line a rule broken by the whole result is reported on: the list
 * entry's, else the key's, else the other key's (0: the text set
 * neither, the values came from the base).
 */
static unsigned sm_problem_line(const SmParser *ps, const SmParamsProblem *pr)
{
    if (pr->index >= 0 && !strcmp(pr->key, "mem.range")) {
        return ps->mem_line[pr->index];
    }
    if (pr->index >= 0 && !strcmp(pr->key, "tbu.sids")) {
        return ps->sid_line[pr->index];
    }
    return sm_key_line(ps, pr->key) ? sm_key_line(ps, pr->key) :
                                      sm_key_line(ps, pr->also);
}

static bool sm_finish(SmParser *ps)
{
    SmParamsProblem pr = { 0 };

    if (sm_params_check(&ps->p, &pr)) {
        return true;
    }
    ps->line = sm_problem_line(ps, &pr);
    if (ps->line) {
        sm_fail(ps, "%s: %s", pr.key, pr.msg);
    } else {
        /* Inherited from the base, not set by this text. */
        ps->error = g_strdup_printf("%s: %s: %s", ps->name, pr.key, pr.msg);
    }
    g_free(pr.msg);
    return false;
}

bool sm_timing_params_parse(SmTimingParams *p, const char *text,
                            const char *name, char **errp)
{
    SmParser ps = { .name = name ? name : "<string>", .p = *p };
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    bool ok = true;
    unsigned i;

    for (i = 0; ok && lines[i]; i++) {
        ps.line = i + 1;
        ok = sm_line(&ps, lines[i]);
    }
    ok = ok && sm_finish(&ps);
    g_free(ps.section);
    if (!ok) {
        if (errp) {
            *errp = ps.error;
        } else {
            g_free(ps.error);
        }
        return false;
    }
    *p = ps.p;
    return true;
}

bool sm_timing_params_load(SmTimingParams *p, const char *path, char **errp)
{
    g_autofree char *text = NULL;
    GError *err = NULL;
    bool ok;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (errp) {
            *errp = g_strdup_printf("%s: %s", path, err->message);
        }
        g_error_free(err);
        return false;
    }
    ok = sm_timing_params_parse(p, text, path, errp);
    return ok;
}

static const struct {
    const char *name, *text;
} sm_timing_presets[] = {
    { "mmu-600", SM_TIMING_PRESET_MMU_600 },
    { "mmu-500", SM_TIMING_PRESET_MMU_500 },
    { "gem5",    SM_TIMING_PRESET_GEM5 },
};

bool sm_timing_params_preset(SmTimingParams *p, const char *name)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm_timing_presets); i++) {
        if (!strcmp(name, sm_timing_presets[i].name)) {
            sm_timing_params_default(p);
            /* The files are tested to parse (test-sm-timing-params) */
            return sm_timing_params_parse(p, sm_timing_presets[i].text,
                                          name, NULL);
        }
    }
    return false;
}

/* ---- Formatter ---------------------------------------------------------- */

static void sm_format_list(GString *s, const SmTimingParams *p,
                           const SmTimingKey *k)
{
    uint32_t i;

    if (k->type == SM_KEY_MEM_RANGES) {
        for (i = 0; i < p->n_mem_ranges; i++) {
            g_string_append_printf(s, "%s = 0x%" PRIx64 "-0x%" PRIx64 ":%u\n",
                                   k->name, p->mem_ranges[i].first,
                                   p->mem_ranges[i].last,
                                   p->mem_ranges[i].latency);
        }
        if (!p->n_mem_ranges) {
            g_string_append_printf(s, "%s = none\n", k->name);
        }
        return;
    }
    for (i = 0; i < p->n_sid_ranges; i++) {
        g_string_append_printf(s, "%s = 0x%x-0x%x:%u\n", k->name,
                               p->sid_ranges[i].first,
                               p->sid_ranges[i].last, p->sid_ranges[i].tbu);
    }
    if (!p->n_sid_ranges) {
        g_string_append_printf(s, "%s = none\n", k->name);
    }
}

char *sm_timing_params_format(const SmTimingParams *p)
{
    GString *s = g_string_new(NULL);
    unsigned i;

    for (i = 0; i < SM_TIMING_N_KEYS; i++) {
        const SmTimingKey *k = &sm_timing_keys[i];
        SmNameSet ns = sm_key_names(k->type);
        uint64_t v;

        if (k->type == SM_KEY_MEM_RANGES || k->type == SM_KEY_SID_RANGES) {
            sm_format_list(s, p, k);
            continue;
        }
        v = sm_key_get(p, k);
        if (ns.names) {
            g_string_append_printf(s, "%s = %s\n", k->name,
                                   v < ns.n ? ns.names[v] : "?");
        } else {
            g_string_append_printf(s, "%s = %" PRIu64 "\n", k->name, v);
        }
    }
    return g_string_free(s, FALSE);
}
