/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the timing parameters: the parameter-file syntax, every
 * kind of error with its exact message, the rules between keys, the
 * formatter's round trip, and the three files of params/ (complete,
 * valid, with the values their sources give).
 *
 * The files are found through G_TEST_SRCDIR (set by meson to
 * models/common).
 */
#include <string.h>

#include <glib.h>

#include "sm-timing.h"

/* Parse @text over the defaults; the error message, or NULL. */
static char *t_error(const char *text)
{
    SmTimingParams p;
    char *err = NULL;

    sm_timing_params_default(&p);
    if (sm_timing_params_parse(&p, text, "t.conf", &err)) {
        g_assert_null(err);
        return NULL;
    }
    g_assert_nonnull(err);
    return err;
}

static void t_expect_error(const char *text, const char *msg)
{
    g_autofree char *err = t_error(text);

    g_assert_cmpstr(err, ==, msg);
}

static SmTimingParams t_parse(const char *text)
{
    SmTimingParams p;
    char *err = NULL;

    sm_timing_params_default(&p);
    sm_timing_params_parse(&p, text, "t.conf", &err);
    g_assert_cmpstr(err, ==, NULL);
    return p;
}

/* ---- Syntax ------------------------------------------------------------- */

/*
 * Comments, blank lines, ';' between statements, sections and "[]"
 * back to the top, spaces anywhere, CRLF line ends, hex and decimal
 * (a leading 0 is decimal, not octal).
 */
static void test_syntax(void)
{
    SmTimingParams p = t_parse(
        "# a comment line\r\n"
        "\r\n"
        "  clock.mhz   =   800   # trailing comment; not a statement\r\n"
        "[utlb]\r\n"
        "entries = 0x40 ; ways = 016\r\n"
        "[ ]\r\n"
        "tlb.location = tcu; walkc.probe = serial\r\n"
        "[cmd]\n"
        "sync = 12\n"
        "[]\n"
        "utlb.policy = round-robin\n");

    g_assert_cmpuint(p.clock_mhz, ==, 800);
    g_assert_cmpuint(p.utlb_entries, ==, 64);
    g_assert_cmpuint(p.utlb_ways, ==, 16);
    g_assert_cmpint(p.utlb_policy, ==, SM_TAG_ROUND_ROBIN);
    g_assert_cmpint(p.tlb_location, ==, SM_TIMING_TLB_IN_TCU);
    g_assert_cmpint(p.walkc_probe, ==, SM_TIMING_PROBE_SERIAL);
    g_assert_cmpuint(p.cmd_cost[SM_TIMING_CMD_SYNC], ==, 12);
    /* Untouched keys keep the base's value (the default 3). */
    g_assert_cmpuint(p.cfg_latency, ==, 3);
}

/*
 * List keys: the first mention replaces the inherited list, later ones
 * append; "none" empties it; a text that does not mention it keeps it.
 */
static void test_lists(void)
{
    SmTimingParams p = t_parse("mem.range = 0x1000-0x1fff:7\n"
                               "mem.range = 0x4000-0x4fff:9\n"
                               "tbu.count = 4\n"
                               "tbu.sids = 0x10-0x1f:3\n");
    char *err = NULL;

    g_assert_cmpuint(p.n_mem_ranges, ==, 2);
    g_assert_cmphex(p.mem_ranges[1].first, ==, 0x4000);
    g_assert_cmphex(p.mem_ranges[1].last, ==, 0x4fff);
    g_assert_cmpuint(p.mem_ranges[1].latency, ==, 9);
    g_assert_cmpuint(p.n_sid_ranges, ==, 1);
    g_assert_cmpuint(p.sid_ranges[0].tbu, ==, 3);

    g_assert_true(sm_timing_params_parse(&p, "clock.mhz = 500", "x", &err));
    g_assert_cmpuint(p.n_mem_ranges, ==, 2);
    g_assert_true(sm_timing_params_parse(&p, "mem.range = 0-0xff:1", "x",
                                         &err));
    g_assert_cmpuint(p.n_mem_ranges, ==, 1);
    g_assert_cmpuint(p.mem_ranges[0].latency, ==, 1);
    g_assert_true(sm_timing_params_parse(&p, "mem.range = none\n"
                                         "tbu.sids = none", "x", &err));
    g_assert_cmpuint(p.n_mem_ranges, ==, 0);
    g_assert_cmpuint(p.n_sid_ranges, ==, 0);
    g_assert_null(err);
}

/* ---- Errors: exact messages --------------------------------------------- */

static void test_error_unknown_key(void)
{
    t_expect_error("clock.mhz = 1000\nutlb.entrys = 32",
                   "t.conf:2: unknown key 'utlb.entrys'");
    /* A section prefixes the key it reports. */
    t_expect_error("[utlb]\nlatencyy = 1",
                   "t.conf:2: unknown key 'utlb.latencyy'");
    t_expect_error("[tlb]\ntlb.latency = 1",
                   "t.conf:2: unknown key 'tlb.tlb.latency'");
}

static void test_error_bad_value(void)
{
    t_expect_error("utlb.entries = lots",
                   "t.conf:1: utlb.entries: 'lots' is not a number "
                   "(allowed 1..4096)");
    t_expect_error("utlb.latency = -1",
                   "t.conf:1: utlb.latency: '-1' is not a number "
                   "(allowed 0..10000000)");
    t_expect_error("utlb.latency = 12cycles",
                   "t.conf:1: utlb.latency: '12cycles' is not a number "
                   "(allowed 0..10000000)");
    t_expect_error("utlb.seed = 0x10000000000000000",
                   "t.conf:1: utlb.seed: '0x10000000000000000' is not a "
                   "number (allowed 0..18446744073709551615)");
    t_expect_error("utlb.policy = mru",
                   "t.conf:1: utlb.policy: 'mru' is not one of lru, plru, "
                   "round-robin, random");
    t_expect_error("tlb.location = l2",
                   "t.conf:1: tlb.location: 'l2' is not one of tbu, tcu");
    t_expect_error("mem.range = 0x1000:5",
                   "t.conf:1: mem.range: '0x1000:5' is not "
                   "'first-last:latency'");
    t_expect_error("tbu.sids = 3",
                   "t.conf:1: tbu.sids: '3' is not 'first-last:tbu'");
}

static void test_error_out_of_range(void)
{
    t_expect_error("utlb.entries = 0",
                   "t.conf:1: utlb.entries: 0 is out of range "
                   "(allowed 1..4096)");
    t_expect_error("slots.tcu = 5000",
                   "t.conf:1: slots.tcu: 5000 is out of range "
                   "(allowed 1..4096)");
    t_expect_error("cfg.latency = 10000001",
                   "t.conf:1: cfg.latency: 10000001 is out of range "
                   "(allowed 0..10000000)");
    t_expect_error("tbu.count = 65",
                   "t.conf:1: tbu.count: 65 is out of range (allowed 1..64)");
    t_expect_error("mem.range = 0-1:10000001",
                   "t.conf:1: mem.range: '0-1:10000001' is out of range "
                   "(addresses 0..0xffffffffffffffff, latency 0..10000000)");
    t_expect_error("tbu.sids = 0-0x100000000:0",
                   "t.conf:1: tbu.sids: '0-0x100000000:0' is out of range "
                   "(addresses 0..0xffffffff, tbu 0..63)");
}

static void test_error_syntax(void)
{
    t_expect_error("clock.mhz = 1\n\nutlb.entries 32",
                   "t.conf:3: expected 'key = value', got 'utlb.entries 32'");
    t_expect_error("= 3", "t.conf:1: expected 'key = value', got '= 3'");
    t_expect_error("[utlb", "t.conf:1: expected '[section]', got '[utlb'");
    t_expect_error("[ut lb]", "t.conf:1: bad section name 'ut lb'");
    t_expect_error("utlb.latency = 1\nutlb.latency = 2",
                   "t.conf:2: utlb.latency: set again (first set on line 1)");
    t_expect_error("[utlb]\nlatency = 1; latency = 1",
                   "t.conf:2: utlb.latency: set again (first set on line 2)");
}

/* Rules between keys, reported on the line of the key at fault. */
static void test_error_rules(void)
{
    t_expect_error("utlb.entries = 32\nutlb.ways = 3",
                   "t.conf:2: utlb.ways: ways must divide entries "
                   "(utlb.entries 32, utlb.ways 3)");
    t_expect_error("utlb.entries = 24\nutlb.policy = plru\nutlb.ways = 0",
                   "t.conf:2: utlb.policy: plru needs a power-of-two number "
                   "of ways, at most 64 (utlb.entries 24, utlb.ways 0)");
    t_expect_error("tbu.count = 2\ntbu.sids = 0-0xf:0\n"
                   "tbu.sids = 0x10-0x1f:2",
                   "t.conf:3: tbu.sids: TBU 2 does not exist "
                   "(tbu.count is 2)");
    t_expect_error("tbu.count = 2\ntbu.sids = 0-0xf:0\n"
                   "tbu.sids = 0x8-0x1f:1",
                   "t.conf:3: tbu.sids: 0x8-0x1f overlaps 0x0-0xf");
    t_expect_error("mem.range = 0x2000-0x1000:5",
                   "t.conf:1: mem.range: first 0x2000 is above last 0x1000");
    t_expect_error("mem.range = 0-0xfff:1\nmem.range = 0xff0-0x1fff:2",
                   "t.conf:2: mem.range: 0xff0-0x1fff overlaps 0x0-0xfff");
    t_expect_error("tbu.default = 1",
                   "t.conf:1: tbu.default: TBU 1 does not exist "
                   "(tbu.count is 1)");
}

/*
 * A rule broken by a key the text sets against one it inherits: the
 * base has tbu.default 1 of 2 TBUs; "tbu.count = 1" breaks it and is
 * the line reported.
 */
static void test_error_rule_with_base(void)
{
    SmTimingParams p;
    char *err = NULL;

    sm_timing_params_default(&p);
    g_assert_true(sm_timing_params_parse(&p, "tbu.count = 2\n"
                                         "tbu.default = 1", "base", &err));
    g_assert_false(sm_timing_params_parse(&p, "# one TBU\ntbu.count = 1",
                                          "t.conf", &err));
    g_assert_cmpstr(err, ==, "t.conf:2: tbu.default: TBU 1 does not exist "
                    "(tbu.count is 1)");
    g_free(err);
}

/* 17 ranges: one too many. */
static void test_error_too_many_ranges(void)
{
    GString *s = g_string_new(NULL);
    unsigned i;

    for (i = 0; i < 17; i++) {
        g_string_append_printf(s, "mem.range = 0x%x-0x%x:1\n", i * 0x1000,
                               i * 0x1000 + 0xfff);
    }
    t_expect_error(s->str, "t.conf:17: mem.range: more than 16 ranges");
    g_string_free(s, TRUE);
}

/* A failed parse leaves the parameters as they were. */
static void test_error_leaves_params(void)
{
    SmTimingParams p;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    char *err = NULL;

    sm_timing_params_default(&p);
    before = sm_timing_params_format(&p);
    g_assert_false(sm_timing_params_parse(&p, "clock.mhz = 5\n"
                                          "mem.range = 0-1:2\nbogus = 1",
                                          "t.conf", &err));
    g_free(err);
    after = sm_timing_params_format(&p);
    g_assert_cmpstr(before, ==, after);
}

/* Parameters built in code are checked the same way; so is the engine. */
static void test_params_error(void)
{
    SmTimingParams p;
    g_autofree char *e1 = NULL;
    g_autofree char *e2 = NULL;

    sm_timing_params_default(&p);
    g_assert_null(sm_timing_params_error(&p));
    p.slots_ptw = 0;
    e1 = sm_timing_params_error(&p);
    g_assert_cmpstr(e1, ==, "slots.ptw: 0 is out of range (allowed 1..4096)");
    g_assert_null(sm_timing_new(&p));
    sm_timing_params_default(&p);
    p.n_mem_ranges = 1;
    p.mem_ranges[0] = (SmTimingMemRange){ 0, 0xfff, SM_TIMING_MAX_CYCLES + 1 };
    e2 = sm_timing_params_error(&p);
    g_assert_cmpstr(e2, ==, "mem.range: latency 10000001 is out of range "
                    "(allowed 0..10000000)");
}

static void test_load_missing_file(void)
{
    SmTimingParams p;
    char *err = NULL;

    sm_timing_params_default(&p);
    g_assert_false(sm_timing_params_load(&p, "/nonexistent/x.conf", &err));
    g_assert_true(g_str_has_prefix(err, "/nonexistent/x.conf: "));
    g_free(err);
}

/* ---- Formatter ---------------------------------------------------------- */

/* format, parse over the defaults, format: the same text. */
static void test_format_round_trip(void)
{
    SmTimingParams p = t_parse("utlb.policy = random; utlb.seed = 99\n"
                               "mem.range = 0x80000000-0xbfffffff:250\n"
                               "tbu.count = 3; tbu.default = 2\n"
                               "tbu.sids = 0x0-0xff:0\n"
                               "tbu.sids = 0x100-0x1ff:1\n");
    g_autofree char *text = sm_timing_params_format(&p);
    g_autofree char *again = NULL;
    SmTimingParams q = t_parse(text);

    again = sm_timing_params_format(&q);
    g_assert_cmpstr(text, ==, again);
    g_assert_nonnull(strstr(text, "mem.range = 0x80000000-0xbfffffff:250\n"));
    g_assert_nonnull(strstr(text, "utlb.policy = random\n"));
    g_assert_nonnull(strstr(text, "tbu.sids = 0x100-0x1ff:1\n"));
}

/* ---- The files of params/ ----------------------------------------------- */

/*
 * A base that differs from the defaults in every key (checked line by
 * line below), so that a file parsed over both gives the same result
 * only if it sets every key itself.
 */
static const char T_OTHER[] =
    "clock.mhz = 7\n"
    "utlb.entries = 8; utlb.ways = 2; utlb.policy = random; utlb.seed = 9\n"
    "utlb.latency = 99; tlb.latency = 99; tlb.location = tcu\n"
    "cfg.latency = 99; walkc.latency = 99; walkc.probe = serial\n"
    "ipac.latency = 99; walk.step = 99\n"
    "link.tbu_to_tcu = 99; link.tcu_to_tbu = 99\n"
    "cmd.cfgi = 99; cmd.tlbi = 99; cmd.atc_inv = 99\n"
    "cmd.atc_inv_round_trip = 99; cmd.sync = 99; cmd.prefetch = 99\n"
    "cmd.other = 99; event.write = 99; event.msi = 99\n"
    "mem.latency = 99; mem.range = 0x0-0xfff:99\n"
    "slots.tcu = 99; slots.ptw = 99; slots.tbu = 99\n"
    "tbu.count = 3; tbu.default = 2; tbu.sids = 0x0-0x0:1\n";

static void test_other_base_differs_everywhere(void)
{
    SmTimingParams d, o = t_parse(T_OTHER);
    g_autofree char *fd = NULL;
    g_autofree char *fo = NULL;
    g_auto(GStrv) ld = NULL;
    g_auto(GStrv) lo = NULL;
    unsigned i;

    sm_timing_params_default(&d);
    fd = sm_timing_params_format(&d);
    fo = sm_timing_params_format(&o);
    ld = g_strsplit(fd, "\n", -1);
    lo = g_strsplit(fo, "\n", -1);
    g_assert_cmpuint(g_strv_length(ld), ==, g_strv_length(lo));
    for (i = 0; ld[i] && ld[i][0]; i++) {
        g_assert_cmpstr(ld[i], !=, lo[i]);
    }
    g_assert_cmpuint(i, ==, 32);     /* every key, one line each */
}

/* Load params/@name over the defaults and over T_OTHER: same result. */
static SmTimingParams t_load_file(const char *name)
{
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "params",
                                                  name, NULL);
    SmTimingParams a, b = t_parse(T_OTHER);
    g_autofree char *fa = NULL;
    g_autofree char *fb = NULL;
    SmTimingEngine *e;
    char *err = NULL;

    sm_timing_params_default(&a);
    sm_timing_params_load(&a, path, &err);
    g_assert_cmpstr(err, ==, NULL);
    sm_timing_params_load(&b, path, &err);
    g_assert_cmpstr(err, ==, NULL);
    fa = sm_timing_params_format(&a);
    fb = sm_timing_params_format(&b);
    g_assert_cmpstr(fa, ==, fb);
    e = sm_timing_new(&a);
    g_assert_nonnull(e);
    sm_timing_free(e);
    return a;
}

/* params/mmu-600.conf is the built-in default, key for key. */
static void test_file_mmu600(void)
{
    SmTimingParams f = t_load_file("mmu-600.conf");
    SmTimingParams d;
    g_autofree char *ff = sm_timing_params_format(&f);
    g_autofree char *fd = NULL;

    sm_timing_params_default(&d);
    fd = sm_timing_params_format(&d);
    g_assert_cmpstr(ff, ==, fd);
    /* Agilex 5 HPS: 64 translation slots, PLRU micro TLB. */
    g_assert_cmpuint(f.slots_tcu, ==, 64);
    g_assert_cmpint(f.utlb_policy, ==, SM_TAG_PLRU);
    g_assert_cmpint(f.tlb_location, ==, SM_TIMING_TLB_IN_TBU);
}

/* The MMU-500 numbers its sources give. */
static void test_file_mmu500(void)
{
    SmTimingParams f = t_load_file("mmu-500.conf");

    g_assert_cmpuint(f.utlb_latency, ==, 2);
    g_assert_cmpuint(f.utlb_entries, ==, 32);
    g_assert_cmpint(f.tlb_location, ==, SM_TIMING_TLB_IN_TCU);
    g_assert_cmpuint(f.slots_tbu, ==, 128);
    g_assert_cmpuint(f.slots_ptw, ==, 8);
}

/*
 * The compiled-in presets are the files (formatted the same), and an
 * unknown name is refused.  The MMU-500 preset's micro-TLB has 32 entries
 * and a 2-cycle hit (the file's sources).
 */
static void test_presets(void)
{
    static const char *const names[] = { "mmu-600", "mmu-500", "gem5" };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *file = g_strdup_printf("%s.conf", names[i]);
        SmTimingParams f = t_load_file(file), p;
        g_autofree char *a = NULL, *b = NULL;

        g_assert_true(sm_timing_params_preset(&p, names[i]));
        a = sm_timing_params_format(&f);
        b = sm_timing_params_format(&p);
        g_assert_cmpstr(a, ==, b);
    }
    {
        SmTimingParams p;

        g_assert_true(sm_timing_params_preset(&p, "mmu-500"));
        g_assert_cmpuint(p.utlb_entries, ==, 32);
        g_assert_cmpuint(p.utlb_latency, ==, 2);
        g_assert_false(sm_timing_params_preset(&p, "mmu-700"));
    }
}

/* gem5's SMMUv3.py defaults. */
static void test_file_gem5(void)
{
    SmTimingParams f = t_load_file("gem5.conf");

    g_assert_cmpuint(f.utlb_entries, ==, 32);
    g_assert_cmpuint(f.utlb_ways, ==, 0);
    g_assert_cmpint(f.utlb_policy, ==, SM_TAG_ROUND_ROBIN);
    g_assert_cmpuint(f.utlb_latency, ==, 1);
    g_assert_cmpuint(f.tlb_latency, ==, 3);
    g_assert_cmpint(f.tlb_location, ==, SM_TIMING_TLB_IN_TBU);
    g_assert_cmpuint(f.cfg_latency, ==, 3);
    g_assert_cmpuint(f.walkc_latency, ==, 4);
    g_assert_cmpint(f.walkc_probe, ==, SM_TIMING_PROBE_SERIAL);
    g_assert_cmpuint(f.ipac_latency, ==, 3);
    g_assert_cmpuint(f.link_tbu_to_tcu, ==, 8);
    g_assert_cmpuint(f.link_tcu_to_tbu, ==, 8);
    g_assert_cmpuint(f.slots_tcu, ==, 64);
    g_assert_cmpuint(f.slots_ptw, ==, 16);
    g_assert_cmpuint(f.slots_tbu, ==, 16);
}

/*
 * The worked examples of docs/timing.md, from the shipped files.  A
 * record with STE and CD cached and 4 KiB pages; walk caches on.
 */
static uint64_t t_time(const SmTimingParams *p, int kind)
{
    SmTimingEngine *e = sm_timing_new(p);
    SmTimingRecord r = {
        .sid = 1, .iova = 0x1000,
        .cfg = {
            [SM_TIMING_CFG_STE] = { .lookup = SM_TIMING_HIT },
            [SM_TIMING_CFG_CD] = { .lookup = SM_TIMING_HIT },
        },
        .tlb = kind ? SM_TIMING_MISS : SM_TIMING_HIT,
        .walkc_stages = SM_TIMING_WALKC_S1 | SM_TIMING_WALKC_S2,
        .leaf_shift = 12,
    };
    SmTimingResult res;
    uint64_t latency;
    int s, l;

    /* kind 0: main-TLB hit; 1: cold S1 walk; 2: cold nested walk */
    for (s = kind == 2 ? 0 : 4; s < 4; s++) {
        for (l = 0; l <= 3; l++) {
            sm_timing_record_add(&r, 2, l, 0x20000 + l * 8,
                                 SM_TIMING_ACC_READ);
        }
        sm_timing_record_add(&r, 1, s, 0x10000 + s * 8, SM_TIMING_ACC_READ);
    }
    for (l = 0; kind == 1 && l <= 3; l++) {
        sm_timing_record_add(&r, 1, l, 0x10000 + l * 8, SM_TIMING_ACC_READ);
    }
    for (l = 0; kind == 2 && l <= 3; l++) {
        sm_timing_record_add(&r, 2, l, 0x20000 + l * 8, SM_TIMING_ACC_READ);
    }
    sm_timing_translate(e, &r, &res);
    latency = res.latency;
    sm_timing_free(e);
    return latency;
}

/*
 * mmu-600.conf: U 1, T 3 (TBU), links 8 + 8, C 3, W 4 parallel, S 1,
 * M 150.  Main-TLB hit U + T = 4.  Cold S1 walk U + T + 8 + C + W
 * + 4(M + S) + 8 = 1 + 3 + 8 + 3 + 4 + 604 + 8 = 631.  Cold nested walk:
 * 6 stage walks, one probe each: 1 + 3 + 8 + 3 + 24 + 24 x 151 + 8 =
 * 3671.
 * gem5.conf: the same but serial probes (3 per stage walk): cold S1
 * walk 1 + 3 + 8 + 3 + 12 + 604 + 8 = 639.
 * mmu-500.conf: U 2, T 4 in the TCU, links 8 + 8, C 3, W 4 parallel:
 * main-TLB hit U + 8 + C + T + 8 = 25; cold S1 walk
 * 2 + 8 + 3 + 4 + 4 + 604 + 8 = 633.
 */
static void test_worked_examples(void)
{
    SmTimingParams m600 = t_load_file("mmu-600.conf");
    SmTimingParams m500 = t_load_file("mmu-500.conf");
    SmTimingParams gem5 = t_load_file("gem5.conf");

    g_assert_cmpuint(t_time(&m600, 0), ==, 4);
    g_assert_cmpuint(t_time(&m600, 1), ==, 631);
    g_assert_cmpuint(t_time(&m600, 2), ==, 3671);
    g_assert_cmpuint(t_time(&gem5, 1), ==, 639);
    g_assert_cmpuint(t_time(&m500, 0), ==, 25);
    g_assert_cmpuint(t_time(&m500, 1), ==, 633);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sm-timing-params/presets", test_presets);
    g_test_add_func("/sm/timing-params/syntax", test_syntax);
    g_test_add_func("/sm/timing-params/lists", test_lists);
    g_test_add_func("/sm/timing-params/error/unknown-key",
                    test_error_unknown_key);
    g_test_add_func("/sm/timing-params/error/bad-value",
                    test_error_bad_value);
    g_test_add_func("/sm/timing-params/error/out-of-range",
                    test_error_out_of_range);
    g_test_add_func("/sm/timing-params/error/syntax", test_error_syntax);
    g_test_add_func("/sm/timing-params/error/rules", test_error_rules);
    g_test_add_func("/sm/timing-params/error/rule-with-base",
                    test_error_rule_with_base);
    g_test_add_func("/sm/timing-params/error/too-many-ranges",
                    test_error_too_many_ranges);
    g_test_add_func("/sm/timing-params/error/leaves-params",
                    test_error_leaves_params);
    g_test_add_func("/sm/timing-params/params-error", test_params_error);
    g_test_add_func("/sm/timing-params/load-missing-file",
                    test_load_missing_file);
    g_test_add_func("/sm/timing-params/format-round-trip",
                    test_format_round_trip);
    g_test_add_func("/sm/timing-params/other-base-differs-everywhere",
                    test_other_base_differs_everywhere);
    g_test_add_func("/sm/timing-params/file/mmu-600", test_file_mmu600);
    g_test_add_func("/sm/timing-params/file/mmu-500", test_file_mmu500);
    g_test_add_func("/sm/timing-params/file/gem5", test_file_gem5);
    g_test_add_func("/sm/timing-params/file/worked-examples",
                    test_worked_examples);
    return g_test_run();
}
