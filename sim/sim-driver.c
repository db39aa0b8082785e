/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-sim's driver: programs the SMMUv3 model the way an OS driver
 * does, through its registers and in-memory structures, in a simulated
 * memory of its own.
 *
 * Physical address map:
 *   [0x10000, ...)     tables: queues, stream table, CDs, page tables
 *                      (one growable buffer; nothing else is ever read)
 *   SIM_DATA_BASE + iova  where every mapped IOVA lands (never accessed)
 *
 * Per stream (tables = private; with shared, stream 0's are used by all):
 *   stage 1:  STE.Config = S1, CD table (1 CD, or 2^ceil(log2 ssids)),
 *             CD: T0SZ 16 (48-bit VA), TG0 = granule, ASID = sid + 1,
 *             TTB0 -> stage-1 tables mapping iova -> SIM_DATA_BASE + iova
 *   stage 2:  STE.Config = S2, S2T0SZ 16, S2SL0 2 (start level 0 with 4K,
 *             1 with 16K and 64K), VMID = sid + 1, tables mapping
 *             iova -> SIM_DATA_BASE + iova
 *   nested:   both; stage 1 outputs IPA SIM_DATA_BASE + iova, stage 2
 *             maps that IPA to the same PA and the stage-1 tables and CD
 *             table at their own addresses (identity), with pages.
 * Substreams of a stream share its tables and ASID (one CD per SSID).
 */
#include <string.h>

#include "sim.h"
#include "sm-ptbuild.h"
#include "sm3-regs.h"
#include "sm3-tables.h"

#define SIM_DATA_BASE     (UINT64_C(1) << 47)
#define SIM_MEM_START     UINT64_C(0x10000)
#define SIM_CMDQ_LOG2     8
#define SIM_EVTQ_LOG2     8
#define SIM_IA_BITS       48
/* STE.S2SL0: start level 0 with 4K, 1 with 16K and 64K */
#define SIM_S2SL0         2

/* Simulated memory: a buffer holding PA [0, cap), grown by the allocator */
typedef struct SimMem {
    uint8_t *ram;
    uint64_t cap;
    uint64_t next;
} SimMem;

struct SimDriver {
    SimMem mem;
    Sm3 *s;
    Sm3Config cfg;
    SmTimingParams params;
    uint64_t cmdq, evtq, strtab;
    unsigned guest_errors;
    uint64_t now_ns;         /* the host clock: the last command's time */
};

uint64_t sim_driver_data_base(void)
{
    return SIM_DATA_BASE;
}

/* ---- memory ----------------------------------------------------------- */

static uint64_t sim_mem_alloc(SimMem *m, uint64_t size, uint64_t align)
{
    uint64_t pa = (m->next + align - 1) & ~(align - 1);

    if (pa + size > m->cap) {
        uint64_t cap = m->cap ? m->cap : (1u << 20);

        while (cap < pa + size) {
            cap *= 2;
        }
        m->ram = g_realloc(m->ram, cap);
        memset(m->ram + m->cap, 0, cap - m->cap);
        m->cap = cap;
    }
    m->next = pa + size;
    return pa;
}

static void sim_w64(SimMem *m, uint64_t pa, uint64_t v)
{
    uint64_t le = GUINT64_TO_LE(v);

    g_assert(pa + 8 <= m->cap);
    memcpy(m->ram + pa, &le, 8);
}

/* The host hooks: only tables are ever accessed; the rest is a bus error */
static SmBusResult sim_host_read(void *opaque, uint64_t pa, void *buf,
                                 size_t len, SmAttrs attrs)
{
    SimDriver *d = opaque;

    if (pa >= d->mem.cap || len > d->mem.cap - pa) {
        memset(buf, 0xff, len);
        return SM_BUS_ERROR;
    }
    memcpy(buf, d->mem.ram + pa, len);
    return SM_BUS_OK;
}

static SmBusResult sim_host_write(void *opaque, uint64_t pa, const void *buf,
                                  size_t len, SmAttrs attrs)
{
    SimDriver *d = opaque;

    if (pa >= d->mem.cap || len > d->mem.cap - pa) {
        return SM_BUS_ERROR;
    }
    memcpy(d->mem.ram + pa, buf, len);
    return SM_BUS_OK;
}

/* Commands are timed at the trace's time for them (sim_driver_command). */
static uint64_t sim_host_now_ns(void *opaque)
{
    SimDriver *d = opaque;

    return d->now_ns;
}

static void sim_host_irq(void *opaque, unsigned line, bool level)
{
    /* Events are polled after each fault (sim_driver_drain_events). */
}

/* A driver mistake shows here: say so, a few times, on stderr. */
static void sim_host_log(void *opaque, SmLogKind kind, const char *msg)
{
    SimDriver *d = opaque;

    if (kind == SM_LOG_GUEST_ERROR && d->guest_errors++ < 5) {
        g_printerr("smmu-sim: model: %s\n", msg);
    }
}

/* ---- page tables (models/common/sm-ptbuild) ---------------------------- */

/* The table builder's hooks (SmPtMem) on a SimMem: little-endian tables */
static uint64_t sim_pt_alloc(void *opaque, uint64_t size, uint64_t align)
{
    return sim_mem_alloc(opaque, size, align);
}

static uint64_t sim_pt_read64(void *opaque, uint64_t pa)
{
    SimMem *m = opaque;
    uint64_t le;

    g_assert(pa + 8 <= m->cap);
    memcpy(&le, m->ram + pa, 8);
    return GUINT64_FROM_LE(le);
}

static void sim_pt_write64(void *opaque, uint64_t pa, uint64_t val)
{
    sim_w64(opaque, pa, val);
}

/* @m as the table builder's memory: tables go with the other structures */
static SmPtMem sim_pt_mem(SimMem *m)
{
    SmPtMem mem = {
        .opaque = m, .alloc = sim_pt_alloc, .read64 = sim_pt_read64,
        .write64 = sim_pt_write64,
    };

    return mem;
}

/* ---- configuration structures ------------------------------------------ */

/* CD.TG0 and STE.S2TG encode granules alike: 0 4K, 1 64K, 2 16K. */
static unsigned sim_tg(unsigned gshift)
{
    return gshift == 12 ? 0 : gshift == 16 ? 1 : 2;
}

static unsigned sim_log2_ceil(uint32_t n)
{
    unsigned l = 0;

    while ((UINT64_C(1) << l) < n) {
        l++;
    }
    return l;
}

static void sim_write_cd(SimMem *m, uint64_t pa, unsigned gshift,
                         uint16_t asid, uint64_t ttb0)
{
    sim_w64(m, pa, sm_prep(SM3_CD0_T0SZ, 64 - SIM_IA_BITS) |
            sm_prep(SM3_CD0_TG0, sim_tg(gshift)) | SM3_CD0_EPD1 |
            SM3_CD0_V | sm_prep(SM3_CD0_IPS, 5) | SM3_CD0_AA64 |
            SM3_CD0_R | SM3_CD0_A | sm_prep(SM3_CD0_ASID, asid));
    sim_w64(m, pa + 8, ttb0 & SM3_CD1_TTB0);
}

/* The tables of one stream (or of all, when shared). */
typedef struct SimCtx {
    uint64_t cdtab;
    unsigned cdmax;          /* log2 of CDs */
    uint64_t s2root;
    uint16_t asid, vmid;
} SimCtx;

/*
 * Map every range: input @in_base + iova -> SIM_DATA_BASE + iova
 * (@in_base is SIM_DATA_BASE for the stage 2 of a nested walk, whose
 * input is stage 1's output).
 */
static void sim_map_ranges(const SmPtMem *mem, const SimScenario *sc,
                           const SmPt *pt, uint64_t in_base, uint64_t attrs)
{
    int level = sc->block ? 2 : 3;
    unsigned i;

    for (i = 0; i < sc->n_ranges; i++) {
        sm_pt_map_range(mem, pt, in_base + sc->ranges[i].base,
                        sc->ranges[i].size,
                        SIM_DATA_BASE + sc->ranges[i].base, level, attrs);
    }
}

static SimCtx sim_build_ctx(SimMem *m, const SimScenario *sc, uint32_t sid)
{
    uint64_t gran = UINT64_C(1) << sc->gshift;
    SmGranule g = sm_granule_from_shift(sc->gshift);
    SmPtMem mem = sim_pt_mem(m);
    SimCtx c = {
        .asid = sc->asid == SIM_TAG_AUTO ? sid + 1 : sc->asid,
        .vmid = sc->vmid == SIM_TAG_AUTO ? sid + 1 : sc->vmid,
    };
    uint64_t s1_lo = 0, s1_hi = 0;
    unsigned i;
    SmPt s1, s2;

    if (sc->stage != SIM_STAGE_2) {
        c.cdmax = sc->ssids ? sim_log2_ceil(sc->ssids) : 0;
        m->next = (m->next + gran - 1) & ~(gran - 1);
        s1_lo = m->next;
        c.cdtab = sim_mem_alloc(m, UINT64_C(64) << c.cdmax,
                                UINT64_C(64) << c.cdmax);
        /* Cannot fail: sim-options admits only 4k, 16k and 64k. */
        sm_pt_init(&mem, &s1, g, SIM_IA_BITS,
                   sm_walk_s1_start_level(g, SIM_IA_BITS));
        sim_map_ranges(&mem, sc, &s1, 0, SM_PT_S1_RW);
        for (i = 0; i < (1u << c.cdmax); i++) {
            sim_write_cd(m, c.cdtab + 64 * i, sc->gshift, c.asid, s1.root);
        }
        s1_hi = (m->next + gran - 1) & ~(gran - 1);
        m->next = s1_hi;
    }
    if (sc->stage != SIM_STAGE_1) {
        sm_pt_init(&mem, &s2, g, SIM_IA_BITS,
                   sm_walk_s2_start_level(g, SIM_S2SL0));
        sim_map_ranges(&mem, sc, &s2,
                       sc->stage == SIM_STAGE_NESTED ? SIM_DATA_BASE : 0,
                       SM_PT_S2_RW);
        if (sc->stage == SIM_STAGE_NESTED) {
            /* The stage-1 structures are read through stage 2. */
            sm_pt_map_range(&mem, &s2, s1_lo, s1_hi - s1_lo, s1_lo, 3,
                            SM_PT_S2_RW);
        }
        c.s2root = s2.root;
    }
    return c;
}

static void sim_write_ste(SimMem *m, uint64_t pa, const SimScenario *sc,
                          const SimCtx *c)
{
    static const unsigned config[] = {
        [SIM_STAGE_1] = SM3_STE0_CONFIG_S1,
        [SIM_STAGE_2] = SM3_STE0_CONFIG_S2,
        [SIM_STAGE_NESTED] = SM3_STE0_CONFIG_NESTED,
    };
    uint64_t ste[8] = { 0 };
    unsigned i;

    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, config[sc->stage]);
    if (sc->stage != SIM_STAGE_2) {
        ste[0] |= (c->cdtab & SM3_STE0_S1CONTEXTPTR) |
                  sm_prep(SM3_STE0_S1CDMAX, c->cdmax);
        /* Traffic without a SubstreamID uses CD 0. */
        ste[1] = sm_prep(SM3_STE1_S1DSS, SM3_STE1_S1DSS_SSID0);
    }
    if (sc->stage != SIM_STAGE_1) {
        ste[2] = sm_prep(SM3_STE2_S2VMID, c->vmid) |
                 sm_prep(SM3_STE2_S2T0SZ, 64 - SIM_IA_BITS) |
                 sm_prep(SM3_STE2_S2SL0, SIM_S2SL0) |
                 sm_prep(SM3_STE2_S2TG, sim_tg(sc->gshift)) |
                 sm_prep(SM3_STE2_S2PS, 5) | SM3_STE2_S2AA64 | SM3_STE2_S2R;
        ste[3] = c->s2root & SM3_STE3_S2TTB;
    }
    for (i = 0; i < 8; i++) {
        sim_w64(m, pa + 8 * i, ste[i]);
    }
}

/* ---- registers and commands ------------------------------------------- */

static void sim_wr(SimDriver *d, uint32_t off, uint64_t v, unsigned size)
{
    sm3_mmio_write(d->s, off, v, size);
}

static uint32_t sim_rd(SimDriver *d, uint32_t off)
{
    return (uint32_t)sm3_mmio_read(d->s, off, 4);
}

/* Write one command at CMDQ_PROD and publish it (consumed at once). */
static void sim_cmd(SimDriver *d, uint64_t dw0, uint64_t dw1)
{
    uint32_t prod = sim_rd(d, SM3_CMDQ_PROD);
    uint64_t pa = d->cmdq + (uint64_t)(prod & ((1u << SIM_CMDQ_LOG2) - 1)) *
                  16;

    sim_w64(&d->mem, pa, dw0);
    sim_w64(&d->mem, pa + 8, dw1);
    sim_wr(d, SM3_CMDQ_PROD, (prod + 1) & ((2u << SIM_CMDQ_LOG2) - 1), 4);
}

/* What the driver's probe does: queues, stream table, enable. */
static bool sim_enable(SimDriver *d, uint32_t st_log2, char **err)
{
    uint32_t cr0 = SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN | SM3_CR0_SMMUEN;

    sim_wr(d, SM3_CMDQ_BASE, d->cmdq | SIM_CMDQ_LOG2, 8);
    sim_wr(d, SM3_EVENTQ_BASE, d->evtq | SIM_EVTQ_LOG2, 8);
    sim_wr(d, SM3_STRTAB_BASE, d->strtab, 8);
    sim_wr(d, SM3_STRTAB_BASE_CFG, st_log2, 4);
    sim_wr(d, SM3_CR2, SM3_CR2_RECINVSID, 4);
    sim_wr(d, SM3_CR0, cr0, 4);
    if (sim_rd(d, SM3_CR0ACK) != cr0) {
        *err = g_strdup_printf("the SMMU did not enable (CR0ACK 0x%x)",
                               sim_rd(d, SM3_CR0ACK));
        return false;
    }
    /* Tables changed under an enabled SMMU: invalidate, then sync. */
    sim_cmd(d, SM3_CMD_CFGI_STE_RANGE, sm_prep(SM3_CMD1_CFGI_RANGE, 31));
    sim_cmd(d, SM3_CMD_TLBI_NSNH_ALL, 0);
    sim_cmd(d, SM3_CMD_SYNC, 0);
    if (sm_get(sim_rd(d, SM3_CMDQ_CONS), SM3_CMDQ_CONS_ERR)) {
        *err = g_strdup("the SMMU refused a set-up command");
        return false;
    }
    return true;
}

bool sim_driver_command(SimDriver *d, const uint64_t dw[2], uint64_t time,
                        char **err)
{
    uint32_t cons;

    d->now_ns = sm_timing_cycles_to_ns_up(&d->params, time);
    sim_cmd(d, dw[0], dw[1]);
    cons = sim_rd(d, SM3_CMDQ_CONS);
    if (sm_get(cons, SM3_CMDQ_CONS_ERR)) {
        *err = g_strdup_printf("%s refused with CERROR %u",
                               sm3_cmd_name(sm_get(dw[0], SM3_CMD0_OP)),
                               (unsigned)sm_get(cons, SM3_CMDQ_CONS_ERR));
        return false;
    }
    return true;
}

void sim_driver_drain_events(SimDriver *d)
{
    /* Consume everything: CONS = PROD also acknowledges an overflow. */
    sim_wr(d, SM3_PAGE_SIZE + SM3_EVENTQ_CONS,
           sim_rd(d, SM3_PAGE_SIZE + SM3_EVENTQ_PROD), 4);
}

/* ---- lifecycle -------------------------------------------------------- */

static Sm3Features sim_features(void)
{
    Sm3Features f = {
        .stage1 = true, .stage2 = true, .two_level_st = true, .hyp = true,
        .asid16 = true,
        .vmid16 = true, .ril = true, .httu = SM3_HTTU_NONE,
        .stall_model = SM3_STALL_NONE,
        .granules = SM3_GRAN_4K | SM3_GRAN_16K | SM3_GRAN_64K,
        .oas_bits = 48, .sidsize = 16, .ssidsize = 8, .cmdqs = 8,
        .eventqs = 8, .priqs = 8,
    };

    return f;
}

SimDriver *sim_driver_new(const SimOptions *o, char **err)
{
    const SimScenario *sc = &o->sc;
    SimDriver *d = g_new0(SimDriver, 1);
    unsigned st_log2 = sim_log2_ceil(sc->streams);
    SimCtx shared = { 0 };
    uint32_t sid;

    d->mem.next = SIM_MEM_START;
    d->params = o->params;
    d->cfg.features = sim_features();
    d->cfg.tlb_entries = sc->tlb_entries;
    d->cfg.tlb_ways = sc->tlb_ways;
    d->cfg.cfg_entries = sc->cfg_entries;
    d->cfg.cfg_ways = sc->cfg_ways;
    d->cfg.cmdq_batch = 64;
    d->cfg.timing = o->timing ? &d->params : NULL;
    d->cfg.host.opaque = d;
    d->cfg.host.read = sim_host_read;
    d->cfg.host.write = sim_host_write;
    d->cfg.host.set_irq = sim_host_irq;
    d->cfg.host.log = sim_host_log;
    d->cfg.host.now_ns = sim_host_now_ns;
    *err = sm3_config_error(&d->cfg);
    if (*err) {
        g_free(d);
        return NULL;
    }
    d->s = sm3_new(&d->cfg);
    d->cmdq = sim_mem_alloc(&d->mem, 16u << SIM_CMDQ_LOG2,
                            16u << SIM_CMDQ_LOG2);
    d->evtq = sim_mem_alloc(&d->mem, 32u << SIM_EVTQ_LOG2,
                            32u << SIM_EVTQ_LOG2);
    d->strtab = sim_mem_alloc(&d->mem, UINT64_C(64) << st_log2,
                              UINT64_C(64) << st_log2);
    for (sid = 0; sid < sc->streams; sid++) {
        SimCtx c;

        if (sc->shared && sid) {
            c = shared;
        } else {
            c = sim_build_ctx(&d->mem, sc, sid);
            shared = c;
        }
        sim_write_ste(&d->mem, d->strtab + UINT64_C(64) * sid, sc, &c);
    }
    if (!sim_enable(d, st_log2, err)) {
        sim_driver_free(d);
        return NULL;
    }
    return d;
}

void sim_driver_free(SimDriver *d)
{
    if (d) {
        sm3_free(d->s);
        g_free(d->mem.ram);
        g_free(d);
    }
}

Sm3 *sim_driver_smmu(SimDriver *d)
{
    return d->s;
}

uint64_t sim_driver_table_bytes(const SimDriver *d)
{
    return d->mem.next - SIM_MEM_START;
}
