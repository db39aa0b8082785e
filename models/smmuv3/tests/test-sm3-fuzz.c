/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Randomized robustness test of the SMMUv3 device model.  Seeded and
 * deterministic: the same seed replays the same operations.  Starting
 * from a working configuration it feeds random register writes, random
 * command-queue contents, random stream-table / CD / page-table memory,
 * bus errors, MSI failures, random translations, ATS requests and page
 * requests, and checks after every step that the model did not crash or
 * hang and that its visible state stays well-formed.
 *
 * SM3_FUZZ_ITERS overrides the operations per seed (default 5000, four
 * seeds: 20000 operations); SM3_FUZZ_SEED runs one given seed.
 */
#include <stdlib.h>
#include <string.h>

#include "sm3-bench.h"
#include "sm3-internal.h"

/* Region the fuzzer scribbles on: everything the model reads lives here */
#define ARENA_SIZE   (1u << 20)

typedef struct Fuzz {
    Sm3Bench *b;
    unsigned outcomes[SM3_XLATE_STALLED + 2];
    unsigned faults[256];
    GRand *rng;
    uint64_t arena;          /* tables, queues */
    uint64_t s2root, s1root, cdtab;
    unsigned iters;
} Fuzz;

static uint32_t rnd(Fuzz *z, uint32_t n)
{
    return n ? g_rand_int_range(z->rng, 0, (gint32)n) : 0;
}

static uint64_t rnd64(Fuzz *z)
{
    return ((uint64_t)g_rand_int(z->rng) << 32) | g_rand_int(z->rng);
}

/* A value that is often small, sometimes an arena address, else random */
static uint64_t rnd_val(Fuzz *z)
{
    switch (rnd(z, 5)) {
    case 0:
        return rnd(z, 64);
    case 1:
        return z->arena + rnd(z, ARENA_SIZE);
    case 2:
        return UINT64_C(1) << rnd(z, 64);
    default:
        return rnd64(z);
    }
}

static const uint32_t known_regs[] = {
    SM3_CR0, SM3_CR1, SM3_CR2, SM3_GBPA, SM3_IRQ_CTRL, SM3_GERRORN,
    SM3_GERROR_IRQ_CFG0, SM3_GERROR_IRQ_CFG1, SM3_GERROR_IRQ_CFG2,
    SM3_STRTAB_BASE, SM3_STRTAB_BASE_CFG, SM3_CMDQ_BASE, SM3_CMDQ_PROD,
    SM3_CMDQ_CONS, SM3_EVENTQ_BASE, SM3_EVENTQ_PROD, SM3_EVENTQ_CONS,
    SM3_EVENTQ_IRQ_CFG0, SM3_EVENTQ_IRQ_CFG1, SM3_EVENTQ_IRQ_CFG2,
    SM3_PRIQ_BASE, SM3_PRIQ_PROD, SM3_PRIQ_CONS, SM3_PRIQ_IRQ_CFG0,
    SM3_PRIQ_IRQ_CFG1, SM3_PRIQ_IRQ_CFG2, SM3_IDR0, SM3_CR0ACK,
    SM3_EVENTQ_PROD + SM3_PAGE_SIZE, SM3_EVENTQ_CONS + SM3_PAGE_SIZE,
    SM3_PRIQ_CONS + SM3_PAGE_SIZE,
};

static void op_reg_write(Fuzz *z)
{
    uint64_t off;
    unsigned size = rnd(z, 2) ? 4 : 8;
    uint64_t v = rnd_val(z);

    if (rnd(z, 8)) {
        off = known_regs[rnd(z, G_N_ELEMENTS(known_regs))];
        if (rnd(z, 4) == 0) {
            off += 4;
        }
    } else {
        off = rnd(z, 0x21000);
    }
    if (off == SM3_CR0 && rnd(z, 2)) {
        v = rnd(z, 2) ? 0xd : rnd(z, 0x20);     /* mostly enables */
    }
    if (off == SM3_GERRORN && rnd(z, 2)) {
        v = sm3b_rd(z->b, SM3_GERROR);          /* acknowledge */
    }
    sm3_mmio_write(z->b->s, off, v, size);
}

static void op_reg_read(Fuzz *z)
{
    uint64_t off = rnd(z, 2) ? known_regs[rnd(z, G_N_ELEMENTS(known_regs))]
                             : rnd(z, 0x21000);

    sm3_mmio_read(z->b->s, off, rnd(z, 3) ? 4 : rnd(z, 9));
}

static uint8_t rnd_opcode(Fuzz *z)
{
    static const uint8_t ops[] = {
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13,
        0x18, 0x1a, 0x20, 0x21, 0x22, 0x23, 0x28, 0x2a, 0x30, 0x40, 0x41,
        0x44, 0x45, 0x46,
    };

    return rnd(z, 8) ? ops[rnd(z, G_N_ELEMENTS(ops))] : rnd(z, 256);
}

/* A command with sensible field values for its opcode. */
static void well_formed(Fuzz *z, uint64_t *dw0, uint64_t *dw1)
{
    static const uint8_t ops[] = {
        SM3_CMD_CFGI_STE, SM3_CMD_CFGI_STE_RANGE, SM3_CMD_CFGI_CD,
        SM3_CMD_CFGI_CD_ALL, SM3_CMD_TLBI_NH_ALL, SM3_CMD_TLBI_NH_ASID,
        SM3_CMD_TLBI_NH_VA, SM3_CMD_TLBI_NH_VAA, SM3_CMD_TLBI_EL2_ALL,
        SM3_CMD_TLBI_EL2_VA, SM3_CMD_TLBI_S12_VMALL, SM3_CMD_TLBI_S2_IPA,
        SM3_CMD_TLBI_NSNH_ALL, SM3_CMD_ATC_INV, SM3_CMD_PRI_RESP,
        SM3_CMD_RESUME, SM3_CMD_STALL_TERM, SM3_CMD_SYNC, SM3_CMD_SYNC,
        SM3_CMD_PREFETCH_CONFIG,
    };

    *dw0 = ops[rnd(z, G_N_ELEMENTS(ops))] |
           sm_prep(SM3_CMD0_SID, rnd(z, 70)) |
           (rnd(z, 2) ? sm_prep(SM3_CMD0_SSID, rnd(z, 8)) : 0) |
           (rnd(z, 2) ? sm_prep(SM3_CMD0_TLBI_NUM, rnd(z, 32)) |
                        sm_prep(SM3_CMD0_TLBI_SCALE, rnd(z, 32)) : 0);
    if ((*dw0 & 0xf0) == 0x10 || (*dw0 & 0xf0) == 0x20 ||
        (*dw0 & 0xff) == 0x30) {
        *dw0 = (*dw0 & 0xff) | sm_prep(SM3_CMD0_TLBI_VMID, rnd(z, 70)) |
               sm_prep(SM3_CMD0_TLBI_ASID, rnd(z, 10)) |
               sm_prep(SM3_CMD0_TLBI_NUM, rnd(z, 32)) |
               sm_prep(SM3_CMD0_TLBI_SCALE, rnd(z, 32));
    }
    if ((*dw0 & 0xff) == SM3_CMD_SYNC) {
        *dw0 = SM3_CMD_SYNC | sm_prep(SM3_CMD0_SYNC_CS, rnd(z, 3));
    }
    *dw1 = (0x40000000 + rnd(z, 0x400000)) | rnd(z, 0x1000);
}

/* Fill a few command slots at PROD with random commands and publish. */
static void op_commands(Fuzz *z)
{
    uint64_t base = sm3_mmio_read(z->b->s, SM3_CMDQ_BASE, 8);
    unsigned log2 = MIN(sm_get(base, SM3_Q_BASE_LOG2SIZE), 8);
    uint64_t addr = base & SM3_Q_BASE_ADDR & ~(uint64_t)((16u << log2) - 1);
    uint32_t prod = sm3b_rd(z->b, SM3_CMDQ_PROD);
    unsigned n = 1 + rnd(z, 6), i;

    for (i = 0; i < n; i++) {
        uint32_t idx = (prod + i) & ((1u << log2) - 1);
        uint64_t pa = addr + 16 * idx;
        uint64_t dw0 = (rnd64(z) & ~UINT64_C(0xff) &
                        (rnd(z, 3) ? ~SM3_CMD0_SSEC : UINT64_MAX)) |
                       rnd_opcode(z);
        uint64_t dw1 = rnd(z, 2) ? rnd_val(z) : 0;

        if (rnd(z, 5)) {
            well_formed(z, &dw0, &dw1);
        }

        if (pa + 16 <= SM3B_MEM_SIZE) {
            sm3b_w64(z->b, pa, dw0);
            sm3b_w64(z->b, pa + 8, dw1);
        }
    }
    sm3b_wr(z->b, SM3_CMDQ_PROD, prod + n);
    if (rnd(z, 3) == 0) {
        sm3_process_commands(z->b->s, rnd(z, 100));
    }
}

/* Overwrite random dwords of the configuration and tables. */
static void op_scribble(Fuzz *z)
{
    unsigned n = 1 + rnd(z, 4), i;

    for (i = 0; i < n; i++) {
        uint64_t pa;

        switch (rnd(z, 4)) {
        case 0:
            pa = z->b->strtab + 8 * rnd(z, 64 * 8);     /* STEs */
            break;
        case 1:
            pa = z->cdtab + 8 * rnd(z, 8 * 8);          /* CDs */
            break;
        default:
            pa = z->arena + 8 * rnd(z, ARENA_SIZE / 8);
            break;
        }
        /* Flip some bits, or write a random value. */
        if (rnd(z, 2)) {
            uint64_t bit = UINT64_C(1) << rnd(z, 64);

            sm3b_w64(z->b, pa, sm3b_r64(z->b, pa) ^ bit);
        } else {
            sm3b_w64(z->b, pa, rnd_val(z));
        }
    }
}

static void op_translate(Fuzz *z)
{
    Sm3Request r = {
        .sid = rnd(z, 8) ? rnd(z, 66) : (uint32_t)rnd64(z),
        .ssid = rnd(z, 4) ? rnd(z, 10) : (uint32_t)rnd64(z),
        .ssv = rnd(z, 3) == 0,
        .iova = rnd(z, 4) == 0 ? rnd_val(z) :
                rnd(z, 3) ? 0x40000000 + rnd(z, 20) * 0x1000 + rnd(z, 64) :
                0x40000000 + rnd(z, 0x400000),
        .size = 1 + rnd(z, 4096),
        .write = rnd(z, 2),
        .instr = rnd(z, 12) == 0,
        .priv = rnd(z, 2),
        .ats_translated = rnd(z, 10) == 0,
    };
    Sm3Xlate x = rnd(z, 8) ? sm3_translate(z->b->s, &r)
                           : sm3_ats_translate(z->b->s, &r);

    g_assert_cmpint(x.outcome, <=, SM3_XLATE_STALLED);
    z->outcomes[MIN((unsigned)x.outcome, SM3_XLATE_STALLED + 1)]++;
    if (x.outcome == SM3_XLATE_FAULT) {
        z->faults[x.fault.event]++;
    }
    if (x.outcome == SM3_XLATE_STALLED) {
        g_assert_true(sm3_stall_pending(z->b->s, r.sid, x.fault.stag));
    }
}

static void op_misc(Fuzz *z)
{
    Sm3PageRequest pr = { .sid = rnd(z, 64), .ssid = rnd(z, 8),
                          .ssv = rnd(z, 2), .addr = rnd64(z),
                          .grpid = rnd(z, 1024), .last = rnd(z, 2),
                          .read = rnd(z, 2), .write = rnd(z, 2) };
    Sm3State *st;
    uint64_t rec[4];

    switch (rnd(z, 10)) {
    case 0:
        sm3_page_request(z->b->s, &pr);
        break;
    case 1:
        z->b->tm->err_lo = z->arena + rnd(z, ARENA_SIZE);
        z->b->tm->err_hi = z->b->tm->err_lo + rnd(z, 0x2000);
        break;
    case 2:
        z->b->tm->err_lo = z->b->tm->err_hi = 0;
        break;
    case 3:
        z->b->msi_fail = !z->b->msi_fail;
        z->b->atc_fail = rnd(z, 4) == 0;
        break;
    case 4:
        sm3_invalidate_all(z->b->s);
        break;
    case 5:
        st = g_new0(Sm3State, 1);
        sm3_save(z->b->s, st);
        {
            g_autofree char *why = sm3_state_error(z->b->s, st);

            if (why) {
                g_error("own state refused: %s", why);
            }
        }
        g_assert_true(sm3_restore(z->b->s, st));
        g_free(st);
        break;
    case 6:
        if (rnd(z, 50) == 0) {
            sm3_reset(z->b->s);
        }
        break;
    case 7:
        while (sm3b_event_count(z->b) && sm3b_pop_event(z->b, rec)) {
            /* drain, as a driver would */
        }
        break;
    default:
        sm3_process_commands(z->b->s, rnd(z, 1000));
        break;
    }
}

/* Valid STEs and CDs (tables are rebuilt only in setup). */
static void write_config(Fuzz *z)
{
    Sm3Bench *b = z->b;
    uint32_t sid;

    for (sid = 0; sid < 8; sid++) {
        sm3b_cd(b, z->cdtab, sid, sid, z->s1root, sid & 1 ? SM3_CD0_S : 0);
    }
    for (sid = 0; sid < 64; sid++) {
        switch (sid % 5) {
        case 0:
            sm3b_ste_s1(b, sid, z->cdtab, sid % 4,
                        sm_prep(SM3_STE1_EATS, sid & 1) |
                        sm_prep(SM3_STE1_S1DSS, sid % 3));
            break;
        case 1:
            sm3b_ste_s2(b, sid, sid, z->s2root, sid & 2 ? SM3_STE2_S2S : 0);
            break;
        case 2:
            sm3b_ste_nested(b, sid, z->cdtab, 2, sid, z->s2root);
            break;
        case 3:
            sm3b_ste_bypass(b, sid);
            break;
        default:
            break;                 /* invalid STE */
        }
    }
}

/* Put queues and tables back the way a driver would after an error. */
static void op_repair(Fuzz *z)
{
    Sm3Bench *b = z->b;
    uint64_t rec[4];

    sm3b_wr(b, SM3_CR0, 0);
    sm3b_wr64(b, SM3_CMDQ_BASE, b->cmdq_base | b->cmdq_log2);
    sm3b_wr64(b, SM3_EVENTQ_BASE, b->evtq_base | b->evtq_log2);
    sm3b_wr64(b, SM3_STRTAB_BASE, b->strtab);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG, b->strtab_log2);
    sm3b_wr(b, SM3_CMDQ_CONS, sm3b_rd(b, SM3_CMDQ_PROD));
    sm3b_wr(b, SM3_GERRORN, sm3b_rd(b, SM3_GERROR));
    sm3b_wr(b, SM3_GBPA, SM3_GBPA_UPDATE);
    sm3b_wr(b, SM3_CR0, SM3_CR0_SMMUEN | SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN |
            (rnd(z, 2) ? SM3_CR0_ATSCHK : 0));
    while (sm3b_pop_event(b, rec)) {
        /* drain */
    }
    if (rnd(z, 3) == 0) {
        write_config(z);
        sm3b_cmd(b, SM3_CMD_CFGI_STE_RANGE, 31);
        sm3b_cmd(b, SM3_CMD_TLBI_NSNH_ALL, 0);
        sm3b_cmd(b, SM3_CMD_SYNC, 0);
        sm3_process_commands(b->s, 16);
    }
}

/* The model's visible state stays well-formed. */
static void check_invariants(Fuzz *z)
{
    Sm3Stats st = sm3_stats(z->b->s);
    uint32_t ack = sm3b_rd(z->b, SM3_CR0ACK);
    uint32_t cons = sm3b_rd(z->b, SM3_CMDQ_CONS);
    unsigned i, j;

    g_assert_cmpuint(st.tlb.lookups, ==, st.tlb.hits + st.tlb.misses);
    g_assert_cmpuint(st.cfg.lookups, ==, st.cfg.hits + st.cfg.misses);
    g_assert_cmpuint(sm_cache_count_valid(z->b->s->tlb), <=,
                     sm_cache_entries(z->b->s->tlb));
    for (i = 0; i < SM3_WALKC_STAGES; i++) {
        for (j = 0; j < SM3_WALKC_LEVELS; j++) {
            const SmCache *c = z->b->s->walkc[i][j];

            g_assert_cmpuint(st.walkc[i][j].lookups, ==,
                             st.walkc[i][j].hits + st.walkc[i][j].misses);
            if (c) {
                g_assert_cmpuint(sm_cache_count_valid(c), <=,
                                 sm_cache_entries(c));
            }
        }
    }
    g_assert_cmphex(ack & ~(uint32_t)0x1f, ==, 0);
    g_assert_cmphex(sm3b_rd(z->b, SM3_GERROR) & ~(uint32_t)SM3_GERROR_ALL,
                    ==, 0);
    g_assert_cmpuint(sm_get(cons, SM3_CMDQ_CONS_ERR), <=, 3);
    g_assert_cmphex(sm3b_rd(z->b, SM3_IDR0), ==,
                    sm3_idr_value(&z->b->cfg.features, 0));
}

/* A working S1 / S2 / nested / bypass configuration to start from. */
static void setup(Fuzz *z)
{
    Sm3Bench *b = z->b;
    uint32_t sid;

    sm3b_setup(b, 6, 5, 6);
    z->arena = sm3b_alloc(b, ARENA_SIZE, 0x10000);
    b->tm->next = z->arena;      /* tables inside the arena */
    z->cdtab = sm3b_alloc(b, 64 * 8, 64 * 8);
    z->s1root = sm3b_pt_new(b);
    z->s2root = sm3b_pt_new(b);
    sm3b_map(b, z->s2root, 0, 0, 1, SM3B_S2_RW);
    sm3b_map(b, z->s2root, 0x40000000, 0x100000, 2, SM3B_S2_RW);
    for (sid = 0; sid < 16; sid++) {
        sm3b_map(b, z->s1root, 0x40000000 + sid * 0x1000,
                 0x200000 + sid * 0x3000, 3, SM3B_S1_RW);
    }
    sm3b_map(b, z->s1root, 0x40200000, 0x400000, 2, SM3B_S1_RW);
    write_config(z);
    b->tm->next = z->arena + ARENA_SIZE;
}

static void run_seed(uint64_t seed, const Sm3Features *f, unsigned iters)
{
    Fuzz z;
    Sm3Config cfg;
    unsigned i, j;

    memset(&z, 0, sizeof(z));
    memset(&cfg, 0, sizeof(cfg));
    cfg.features = *f;
    cfg.tlb_entries = 32;
    cfg.tlb_ways = 4;
    cfg.cfg_entries = 8;
    cfg.cfg_ways = 2;
    cfg.policy = (SmCachePolicy)(seed % 3);
    cfg.cmdq_batch = seed & 1 ? 16 : 0;
    /* Small walk caches, so that evictions happen; some seeds go without */
    for (i = 0; i < SM3_WALKC_STAGES; i++) {
        for (j = 0; j < SM3_WALKC_LEVELS; j++) {
            cfg.walkc_entries[i][j] = seed % 5 == 4 ? SM3_WALKC_OFF
                                                    : 2u << (seed % 2);
            cfg.walkc_ways[i][j] =
                cfg.walkc_entries[i][j] == SM3_WALKC_OFF ? 0 : 2;
        }
    }
    z.b = sm3b_new_cfg(&cfg);
    z.b->quiet = true;
    z.rng = g_rand_new_with_seed((guint32)seed);
    setup(&z);
    for (i = 0; i < iters; i++) {
        switch (rnd(&z, 20)) {
        case 0:
        case 1:
            op_reg_write(&z);
            break;
        case 2:
            op_reg_read(&z);
            break;
        case 3:
        case 4:
        case 5:
            op_commands(&z);
            break;
        case 6:
        case 7:
            op_scribble(&z);
            break;
        case 8:
        case 9:
            op_misc(&z);
            break;
        case 10:
            op_repair(&z);
            break;
        default:
            op_translate(&z);
            break;
        }
        check_invariants(&z);
    }
    {
        Sm3Stats st = sm3_stats(z.b->s);

        g_test_message("seed %" G_GUINT64_FORMAT ": ok %u bypass %u abort %u "
                       "fault %u stalled %u; commands %" G_GUINT64_FORMAT
                       " events %" G_GUINT64_FORMAT " lost %" G_GUINT64_FORMAT
                       " tlb hits %" G_GUINT64_FORMAT,
                       seed, z.outcomes[0], z.outcomes[1], z.outcomes[2],
                       z.outcomes[3], z.outcomes[4], st.commands, st.events,
                       st.events_lost, st.tlb.hits);
        for (i = 0; i < 256; i++) {
            if (z.faults[i]) {
                g_test_message("  %s: %u", sm3_event_name(i), z.faults[i]);
            }
        }
        /* The fuzzer itself must reach the deep paths, not just errors. */
        if (iters >= 1000) {
            g_assert_cmpuint(z.outcomes[SM3_XLATE_OK], >, 0);
            g_assert_cmpuint(z.outcomes[SM3_XLATE_FAULT], >, 0);
            g_assert_cmpuint(st.commands, >, 0);
        }
    }
    g_rand_free(z.rng);
    sm3b_free(z.b);
}

static unsigned fuzz_iters(void)
{
    const char *e = g_getenv("SM3_FUZZ_ITERS");

    return e ? (unsigned)strtoul(e, NULL, 0) : 5000;
}

static void test_all_features(gconstpointer data)
{
    Sm3Features f = sm3b_all_features();

    run_seed(GPOINTER_TO_UINT(data), &f, fuzz_iters());
}

/* Few features: whatever is off must stay off under random input. */
static void test_min_features(gconstpointer data)
{
    Sm3Features f = {
        .stage1 = true, .granules = SM3_GRAN_4K, .oas_bits = 44,
        .sidsize = 6, .ssidsize = 3, .cmdqs = 7, .eventqs = 5, .priqs = 0,
        .stall_model = SM3_STALL_NONE,
    };

    run_seed(GPOINTER_TO_UINT(data), &f, fuzz_iters());
}

static void test_s2_forced_stall(gconstpointer data)
{
    Sm3Features f = sm3b_all_features();

    f.stage1 = f.hyp = false;
    f.stall_model = SM3_STALL_FORCE;
    f.ats = f.pri = false;       /* forced stalls are for non-PCI SMMUs */
    f.ril = false;
    run_seed(GPOINTER_TO_UINT(data), &f, fuzz_iters());
}

int main(int argc, char **argv)
{
    const char *one = g_getenv("SM3_FUZZ_SEED");

    g_test_init(&argc, &argv, NULL);
    if (one) {
        g_test_add_data_func("/sm3/fuzz/seed",
                             GUINT_TO_POINTER(strtoul(one, NULL, 0)),
                             test_all_features);
        return g_test_run();
    }
    g_test_add_data_func("/sm3/fuzz/all-features/1", GUINT_TO_POINTER(1),
                         test_all_features);
    g_test_add_data_func("/sm3/fuzz/all-features/2", GUINT_TO_POINTER(2),
                         test_all_features);
    g_test_add_data_func("/sm3/fuzz/min-features/3", GUINT_TO_POINTER(3),
                         test_min_features);
    g_test_add_data_func("/sm3/fuzz/s2-forced-stall/4", GUINT_TO_POINTER(4),
                         test_s2_forced_stall);
    return g_test_run();
}
