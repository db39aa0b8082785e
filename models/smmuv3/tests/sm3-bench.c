/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test bench for the SMMUv3 device model; see sm3-bench.h.
 */
#include <string.h>

#include "sm3-bench.h"

/* ---- host hooks -------------------------------------------------------- */

/* Guest memory is the shared flat bench; the hooks get the Sm3Bench. */
static SmBusResult sm3b_read(void *opaque, uint64_t pa, void *buf,
                             size_t len, SmAttrs attrs)
{
    Sm3Bench *b = opaque;

    return sm_tm_read(b->tm, pa, buf, len, attrs);
}

static SmBusResult sm3b_write(void *opaque, uint64_t pa, const void *buf,
                              size_t len, SmAttrs attrs)
{
    Sm3Bench *b = opaque;

    return sm_tm_write(b->tm, pa, buf, len, attrs);
}

static void sm3b_set_irq(void *opaque, unsigned line, bool level)
{
    Sm3Bench *b = opaque;

    g_assert_cmpuint(line, <, SM3_IRQ_COUNT);
    if (level) {
        b->irq_pulses[line]++;
    }
}

static SmBusResult sm3b_send_msi(void *opaque, uint64_t addr, uint32_t data,
                                 SmAttrs attrs)
{
    Sm3Bench *b = opaque;
    Sm3bMsi m = { addr, data };

    if (b->msi_fail) {
        return SM_BUS_ERROR;
    }
    g_array_append_val(b->msis, m);
    /* Also land in memory, as a real MSI write to RAM would. */
    if (addr < SM3B_MEM_SIZE - 4) {
        memcpy(b->mem + addr, &data, 4);
    }
    return SM_BUS_OK;
}

static void sm3b_log(void *opaque, SmLogKind kind, const char *msg)
{
    Sm3Bench *b = opaque;

    if (kind == SM_LOG_GUEST_ERROR) {
        b->guest_errors++;
    }
    if (!b->quiet && b->logs->len < 10000) {
        g_ptr_array_add(b->logs, g_strdup(msg));
    }
    if (g_getenv("SM3B_VERBOSE")) {
        g_printerr("log: %s\n", msg);
    }
}

/* Record @rec in @a, up to a bound that keeps runaway tests finite. */
static void sm3b_keep(GArray *a, const void *rec)
{
    if (a->len < 100000) {
        g_array_append_vals(a, rec, 1);
    }
}

static void sm3b_invalidated(void *opaque, const SmInval *inv)
{
    Sm3Bench *b = opaque;

    sm3b_keep(b->invals, inv);
}

static void sm3b_atc_invalidate(void *opaque, uint32_t sid, uint32_t ssid,
                                bool ssv, uint64_t addr, uint64_t size)
{
    Sm3Bench *b = opaque;
    Sm3bAtc a = { sid, ssid, ssv, addr, size };

    sm3b_keep(b->atcs, &a);
}

static void sm3b_pri_response(void *opaque, uint32_t sid, uint32_t ssid,
                              bool ssv, uint16_t grpid, unsigned resp)
{
    Sm3Bench *b = opaque;
    Sm3bPri p = { sid, ssid, ssv, grpid, resp };

    sm3b_keep(b->pris, &p);
}

static void sm3b_stall_resolved(void *opaque, uint32_t sid, uint16_t stag,
                                bool retry)
{
    Sm3Bench *b = opaque;
    Sm3bStall st = { sid, stag, retry };

    sm3b_keep(b->stalls, &st);
}

static bool sm3b_atc_inv_ok(void *opaque, uint32_t sid)
{
    Sm3Bench *b = opaque;

    return !b->atc_fail;
}

static void sm3b_sev(void *opaque)
{
    Sm3Bench *b = opaque;

    b->sevs++;
}

static void sm3b_command_done(void *opaque, const uint64_t cmd[2],
                              uint64_t cycle)
{
    Sm3Bench *b = opaque;
    Sm3bCmd c = { { cmd[0], cmd[1] }, cycle };

    sm3b_keep(b->cmds_done, &c);
}

/* ---- lifecycle --------------------------------------------------------- */

Sm3Features sm3b_all_features(void)
{
    Sm3Features f = {
        .stage1 = true, .stage2 = true, .two_level_st = true,
        .two_level_cd = true, .hyp = true, .ats = true, .pri = true,
        .msi = true, .sev = true, .asid16 = true, .vmid16 = true,
        .big_endian_tables = true, .ril = true, .httu = SM3_HTTU_AF_DIRTY,
        .stall_model = SM3_STALL_AND_TERM,
        .granules = SM3_GRAN_4K | SM3_GRAN_16K | SM3_GRAN_64K,
        .oas_bits = 48, .sidsize = 16, .ssidsize = 8, .cmdqs = 8,
        .eventqs = 8, .priqs = 8,
    };

    return f;
}

Sm3Bench *sm3b_new_cfg(const Sm3Config *cfg)
{
    Sm3Bench *b = g_new0(Sm3Bench, 1);

    b->tm = sm_tm_new(SM3B_MEM_SIZE);
    b->mem = b->tm->ram;
    b->msis = g_array_new(false, true, sizeof(Sm3bMsi));
    b->invals = g_array_new(false, true, sizeof(SmInval));
    b->atcs = g_array_new(false, true, sizeof(Sm3bAtc));
    b->pris = g_array_new(false, true, sizeof(Sm3bPri));
    b->stalls = g_array_new(false, true, sizeof(Sm3bStall));
    b->cmds_done = g_array_new(false, true, sizeof(Sm3bCmd));
    b->logs = g_ptr_array_new_with_free_func(g_free);
    b->cfg = *cfg;
    b->cfg.host.opaque = b;
    b->cfg.host.read = sm3b_read;
    b->cfg.host.write = sm3b_write;
    b->cfg.host.set_irq = sm3b_set_irq;
    b->cfg.host.send_msi = sm3b_send_msi;
    b->cfg.host.log = sm3b_log;
    b->cfg.host.invalidated = sm3b_invalidated;
    b->cfg.host.atc_invalidate = sm3b_atc_invalidate;
    b->cfg.host.pri_response = sm3b_pri_response;
    b->cfg.hooks.stall_resolved = sm3b_stall_resolved;
    b->cfg.hooks.atc_inv_ok = sm3b_atc_inv_ok;
    b->cfg.hooks.sev = sm3b_sev;
    b->cfg.hooks.command_done = sm3b_command_done;
    b->s = sm3_new(&b->cfg);
    if (!b->s) {
        g_autofree char *why = sm3_config_error(&b->cfg);

        g_error("bench configuration refused: %s", why);
    }
    return b;
}

Sm3Bench *sm3b_new_caches(const Sm3Features *f, unsigned tlb_entries,
                          unsigned tlb_ways, unsigned cfg_entries,
                          unsigned cfg_ways)
{
    Sm3Config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.features = f ? *f : sm3b_all_features();
    cfg.tlb_entries = tlb_entries;
    cfg.tlb_ways = tlb_ways;
    cfg.cfg_entries = cfg_entries;
    cfg.cfg_ways = cfg_ways;
    cfg.cmdq_batch = 64;
    return sm3b_new_cfg(&cfg);
}

Sm3Bench *sm3b_new(const Sm3Features *f)
{
    return sm3b_new_caches(f, 16, 2, 8, 2);
}

void sm3b_clear_records(Sm3Bench *b)
{
    memset(b->irq_pulses, 0, sizeof(b->irq_pulses));
    g_array_set_size(b->msis, 0);
    g_array_set_size(b->invals, 0);
    g_array_set_size(b->atcs, 0);
    g_array_set_size(b->pris, 0);
    g_array_set_size(b->stalls, 0);
    g_array_set_size(b->cmds_done, 0);
    g_ptr_array_set_size(b->logs, 0);
    b->guest_errors = 0;
    b->sevs = 0;
}

void sm3b_free(Sm3Bench *b)
{
    sm3_free(b->s);
    sm_tm_free(b->tm);
    g_array_free(b->msis, true);
    g_array_free(b->invals, true);
    g_array_free(b->atcs, true);
    g_array_free(b->pris, true);
    g_array_free(b->stalls, true);
    g_array_free(b->cmds_done, true);
    g_ptr_array_free(b->logs, true);
    g_free(b);
}

/* ---- memory ------------------------------------------------------------ */

uint64_t sm3b_alloc(Sm3Bench *b, uint64_t size, uint64_t align)
{
    return sm_tm_alloc(b->tm, size, align);
}

void sm3b_w64(Sm3Bench *b, uint64_t pa, uint64_t v)
{
    sm_tm_w64(b->tm, pa, v);
}

uint64_t sm3b_r64(Sm3Bench *b, uint64_t pa)
{
    return sm_tm_r64(b->tm, pa);
}

uint32_t sm3b_r32(Sm3Bench *b, uint64_t pa)
{
    return sm_tm_r32(b->tm, pa);
}

/* ---- registers ---------------------------------------------------------- */

uint32_t sm3b_rd(Sm3Bench *b, uint32_t off)
{
    return (uint32_t)sm3_mmio_read(b->s, off, 4);
}

void sm3b_wr(Sm3Bench *b, uint32_t off, uint32_t v)
{
    sm3_mmio_write(b->s, off, v, 4);
}

void sm3b_wr64(Sm3Bench *b, uint32_t off, uint64_t v)
{
    sm3_mmio_write(b->s, off, v, 8);
}

bool sm3b_log_contains(Sm3Bench *b, const char *needle)
{
    unsigned i;

    for (i = 0; i < b->logs->len; i++) {
        if (strstr(g_ptr_array_index(b->logs, i), needle)) {
            return true;
        }
    }
    return false;
}

void sm3b_enable(Sm3Bench *b, uint32_t cr0)
{
    sm3b_wr(b, SM3_CR0, cr0);
    g_assert_cmphex(sm3b_rd(b, SM3_CR0ACK), ==, cr0);
}

void sm3b_setup(Sm3Bench *b, unsigned cmdq_log2, unsigned evtq_log2,
                unsigned st_log2)
{
    b->cmdq_log2 = cmdq_log2;
    b->evtq_log2 = evtq_log2;
    b->strtab_log2 = st_log2;
    b->cmdq_base = sm3b_alloc(b, 16u << cmdq_log2, 16u << cmdq_log2);
    b->evtq_base = sm3b_alloc(b, 32u << evtq_log2, 32u << evtq_log2);
    b->strtab = sm3b_alloc(b, 64u << st_log2, 64u << st_log2);
    sm3b_wr64(b, SM3_CMDQ_BASE, b->cmdq_base | cmdq_log2);
    sm3b_wr64(b, SM3_EVENTQ_BASE, b->evtq_base | evtq_log2);
    sm3b_wr64(b, SM3_STRTAB_BASE, b->strtab);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG, st_log2);
    sm3b_wr(b, SM3_CR2, SM3_CR2_RECINVSID);     /* as Linux programs it */
    sm3b_enable(b, SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_SMMUEN);
}

/* ---- command and event queues -------------------------------------------- */

void sm3b_cmd(Sm3Bench *b, uint64_t dw0, uint64_t dw1)
{
    uint32_t prod = sm3b_rd(b, SM3_CMDQ_PROD);
    uint32_t mask = (1u << b->cmdq_log2) - 1;
    uint64_t pa = b->cmdq_base + (uint64_t)(prod & mask) * 16;

    sm3b_w64(b, pa, dw0);
    sm3b_w64(b, pa + 8, dw1);
    sm3b_wr(b, SM3_CMDQ_PROD, (prod + 1) & ((2u << b->cmdq_log2) - 1));
}

void sm3b_sync(Sm3Bench *b)
{
    sm3b_cmd(b, SM3_CMD_SYNC, 0);
}

uint32_t sm3b_cmdq_err(Sm3Bench *b)
{
    return sm_get(sm3b_rd(b, SM3_CMDQ_CONS), SM3_CMDQ_CONS_ERR);
}

unsigned sm3b_event_count(Sm3Bench *b)
{
    uint32_t m = (2u << b->evtq_log2) - 1;
    uint32_t p = sm3b_rd(b, SM3_EVENTQ_PROD) & m;
    uint32_t c = sm3b_rd(b, SM3_EVENTQ_CONS) & m;

    return (p - c) & m;
}

bool sm3b_pop_event(Sm3Bench *b, uint64_t rec[4])
{
    uint32_t m = (2u << b->evtq_log2) - 1;
    uint32_t cons = sm3b_rd(b, SM3_EVENTQ_CONS);
    uint64_t pa;
    unsigned i;

    if (!sm3b_event_count(b)) {
        return false;
    }
    pa = b->evtq_base + (uint64_t)(cons & ((1u << b->evtq_log2) - 1)) * 32;
    for (i = 0; i < 4; i++) {
        rec[i] = sm3b_r64(b, pa + 8 * i);
    }
    sm3b_wr(b, SM3_EVENTQ_CONS,
            (cons & (uint32_t)SM3_Q_OVFLG) | (((cons & m) + 1) & m));
    return true;
}

/* ---- configuration builders ---------------------------------------------- */

uint64_t sm3b_ste_addr(Sm3Bench *b, uint32_t sid)
{
    uint64_t l1pa, l1, l2;

    if (!b->strtab_2lvl) {
        return b->strtab + (uint64_t)sid * 64;
    }
    l1pa = b->strtab + (uint64_t)(sid >> b->strtab_split) * 8;
    l1 = sm3b_r64(b, l1pa);
    if (!sm_get(l1, SM3_L1STD_SPAN)) {
        l2 = sm3b_alloc(b, UINT64_C(64) << b->strtab_split,
                        UINT64_C(64) << b->strtab_split);
        /* Span n: the L2 table holds 2^(n - 1) STEs (5.1). */
        l1 = sm_prep(SM3_L1STD_SPAN, b->strtab_split + 1) |
             (l2 & SM3_L1STD_L2PTR);
        sm3b_w64(b, l1pa, l1);
    }
    l2 = l1 & SM3_L1STD_L2PTR;
    return l2 + (uint64_t)(sid & ((1u << b->strtab_split) - 1)) * 64;
}

void sm3b_st_2lvl(Sm3Bench *b, unsigned split, unsigned log2size)
{
    uint32_t cr0 = sm3b_rd(b, SM3_CR0);
    uint64_t l1_bytes = UINT64_C(8) << (log2size > split ?
                                        log2size - split : 0);

    sm3b_enable(b, cr0 & ~(uint32_t)SM3_CR0_SMMUEN);
    b->strtab = sm3b_alloc(b, l1_bytes, l1_bytes < 64 ? 64 : l1_bytes);
    b->strtab_2lvl = true;
    b->strtab_split = split;
    b->strtab_log2 = log2size;
    sm3b_wr64(b, SM3_STRTAB_BASE, b->strtab);
    sm3b_wr(b, SM3_STRTAB_BASE_CFG,
            sm_prep(SM3_STRTAB_BASE_CFG_FMT, SM3_STRTAB_FMT_2LVL) |
            sm_prep(SM3_STRTAB_BASE_CFG_SPLIT, split) |
            sm_prep(SM3_STRTAB_BASE_CFG_LOG2SIZE, log2size));
    sm3b_enable(b, cr0);
}

void sm3b_ste_write(Sm3Bench *b, uint32_t sid, const uint64_t ste[8])
{
    unsigned i;

    for (i = 0; i < 8; i++) {
        sm3b_w64(b, sm3b_ste_addr(b, sid) + 8 * i, ste[i]);
    }
}

static void sm3b_ste_s2_fields(uint64_t ste[8], uint16_t vmid,
                               uint64_t s2ttb, uint64_t extra)
{
    ste[2] = sm_prep(SM3_STE2_S2VMID, vmid) |
             sm_prep(SM3_STE2_S2T0SZ, 16) |
             sm_prep(SM3_STE2_S2SL0, 2) |
             sm_prep(SM3_STE2_S2TG, SM3_STE2_S2TG_4K) |
             sm_prep(SM3_STE2_S2PS, 5) |
             SM3_STE2_S2AA64 | SM3_STE2_S2R | extra;
    ste[3] = s2ttb & SM3_STE3_S2TTB;
}

void sm3b_ste_s1(Sm3Bench *b, uint32_t sid, uint64_t cdtab, unsigned cdmax,
                 uint64_t dw1_extra)
{
    uint64_t ste[8] = { 0 };

    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1) |
             (cdtab & SM3_STE0_S1CONTEXTPTR) |
             sm_prep(SM3_STE0_S1CDMAX, cdmax);
    ste[1] = dw1_extra;
    sm3b_ste_write(b, sid, ste);
}

void sm3b_ste_s2(Sm3Bench *b, uint32_t sid, uint16_t vmid, uint64_t s2ttb,
                 uint64_t dw2_extra)
{
    uint64_t ste[8] = { 0 };

    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S2);
    sm3b_ste_s2_fields(ste, vmid, s2ttb, dw2_extra);
    sm3b_ste_write(b, sid, ste);
}

void sm3b_ste_nested(Sm3Bench *b, uint32_t sid, uint64_t cdtab,
                     unsigned cdmax, uint16_t vmid, uint64_t s2ttb)
{
    uint64_t ste[8] = { 0 };

    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED) |
             (cdtab & SM3_STE0_S1CONTEXTPTR) |
             sm_prep(SM3_STE0_S1CDMAX, cdmax);
    sm3b_ste_s2_fields(ste, vmid, s2ttb, 0);
    sm3b_ste_write(b, sid, ste);
}

void sm3b_ste_bypass(Sm3Bench *b, uint32_t sid)
{
    uint64_t ste[8] = { 0 };

    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_BYPASS);
    sm3b_ste_write(b, sid, ste);
}

void sm3b_cd(Sm3Bench *b, uint64_t cdtab, uint32_t ssid, uint16_t asid,
             uint64_t ttb0, uint64_t dw0_extra)
{
    uint64_t pa = cdtab + (uint64_t)ssid * 64;
    unsigned i;

    for (i = 0; i < 8; i++) {
        sm3b_w64(b, pa + 8 * i, 0);
    }
    sm3b_w64(b, pa, sm_prep(SM3_CD0_T0SZ, 16) | sm_prep(SM3_CD0_TG0, 0) |
             SM3_CD0_EPD1 | SM3_CD0_V | sm_prep(SM3_CD0_IPS, 5) |
             SM3_CD0_AA64 | SM3_CD0_R | SM3_CD0_A |
             sm_prep(SM3_CD0_ASID, asid) | dw0_extra);
    sm3b_w64(b, pa + 8, ttb0 & SM3_CD1_TTB0);
}

/* ---- page tables (models/common/sm-ptbuild) ------------------------------ */

/*
 * The 4K tree rooted at @root that sm3b_map() and sm3b_leaf() work on:
 * 48-bit input from level 0, as CDs of sm3b_cd() and STEs of
 * sm3b_ste_s2() describe it.
 */
static SmPt sm3b_pt_4k(uint64_t root)
{
    SmPt pt = { .granule = SM_GRANULE_4K, .ia_bits = 48, .start = 0,
                .root = root };

    return pt;
}

uint64_t sm3b_pt_new(Sm3Bench *b)
{
    SmPtMem mem = sm_tm_pt_mem(b->tm);
    SmPt pt;

    g_assert_true(sm_pt_init(&mem, &pt, SM_GRANULE_4K, 48, 0));
    return pt.root;
}

void sm3b_map(Sm3Bench *b, uint64_t root, uint64_t va, uint64_t pa,
              int level, uint64_t attrs)
{
    SmPt pt = sm3b_pt_4k(root);

    sm3b_pt_map(b, &pt, va, pa, level, attrs);
}

uint64_t sm3b_leaf(Sm3Bench *b, uint64_t root, uint64_t va, int level)
{
    SmPtMem mem = sm_tm_pt_mem(b->tm);
    SmPt pt = sm3b_pt_4k(root);

    return sm_pt_desc_addr(&mem, &pt, va, level);
}

unsigned sm3b_level_shift(unsigned gshift, int level)
{
    return sm_walk_level_shift(sm_granule_from_shift(gshift), level);
}

void sm3b_pt_init(Sm3Bench *b, Sm3bPt *pt, unsigned gshift,
                  unsigned ia_bits, int start)
{
    SmPtMem mem = sm_tm_pt_mem(b->tm);

    g_assert_true(sm_pt_init(&mem, pt, sm_granule_from_shift(gshift),
                             ia_bits, start));
}

void sm3b_pt_map(Sm3Bench *b, const Sm3bPt *pt, uint64_t va, uint64_t pa,
                 int level, uint64_t attrs)
{
    SmPtMem mem = sm_tm_pt_mem(b->tm);

    g_assert_true(sm_pt_map(&mem, pt, va, pa, level, attrs));
}

/* ---- translation helpers ------------------------------------------------- */

Sm3Xlate sm3b_xlate(Sm3Bench *b, uint32_t sid, uint64_t iova, bool write)
{
    Sm3Request r = { .sid = sid, .iova = iova, .size = 4, .write = write };

    return sm3_translate(b->s, &r);
}

bool sm3b_same_xlate(const Sm3Xlate *a, const Sm3Xlate *b)
{
    return a->outcome == b->outcome && a->pa == b->pa &&
           a->mask == b->mask && a->perm == b->perm &&
           a->tlb_hit == b->tlb_hit && a->fault.event == b->fault.event &&
           a->fault.class == b->fault.class &&
           a->fault.stage2 == b->fault.stage2 &&
           a->fault.recorded == b->fault.recorded &&
           a->fault.stall == b->fault.stall &&
           a->fault.input_addr == b->fault.input_addr &&
           a->fault.ipa == b->fault.ipa &&
           a->fault.fetch_addr == b->fault.fetch_addr;
}

Sm3Xlate sm3b_xlate_ssid(Sm3Bench *b, uint32_t sid, uint32_t ssid,
                         uint64_t iova, bool write)
{
    Sm3Request r = { .sid = sid, .ssid = ssid, .ssv = true, .iova = iova,
                     .size = 4, .write = write };

    return sm3_translate(b->s, &r);
}
