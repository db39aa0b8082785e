/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the SMMUv3 model (models/smmuv3): one structured
 * program per input.
 *
 * The first bytes choose a starting point the model must accept: a
 * feature set within the architecture's rules (sm3-features.h), cache
 * geometry, queues, a linear or 2-level stream table whose STEs are
 * invalid, abort, bypass, stage 1, stage 2, nested or EL2, linear or
 * 2-level CD tables, and 4K/16K/64K page tables, all enabled.  The rest
 * is a sequence of operations: MMIO reads and writes at the real
 * register offsets of both 64KiB pages (and a few reserved ones), guest
 * memory writes into the tables and queues, well-formed commands with
 * mutated fields pushed to the command queue and consumed, translations,
 * ATS translations, page requests, save/restore round trips and resets.
 *
 * Every hook call is checked against what sm3.h and sm-host.h promise
 * (FZ_CHECK traps on a violation), and so is every result.
 *
 * TLB-boundary oracle (mode bit in the first byte): the page tables,
 * STEs and CDs stay fixed after setup (the harness only writes the
 * queues, and the bus refuses the model's own writes to the tables),
 * every (StreamWorld, VMID, ASID) has its own tables, global mappings
 * are the same for all ASIDs of a VMID, and a second instance configured
 * identically, on its own copy of guest memory, gets the same MMIO,
 * memory and command stream but drops its caches with
 * sm3_invalidate_all() before every translation.  Both must answer
 * every translation alike: a difference after a TLB hit means an entry
 * crossed a VMID/ASID/StreamID boundary (after a walk, a walk-cache entry
 * did).  What architecturally needs an invalidation is followed by one
 * on the cached instance: a change of STRTAB_BASE, STRTAB_BASE_CFG or
 * CR2, and a write (or a bus-error window) over memory the model has
 * read configuration from outside the frozen tables, which registers can
 * point it at.  No hardware updates there (no HA/HD, AF set, no DBM).
 */
#include <string.h>

#include <glib.h>

#include "fuzz-common.h"
#include "fuzz-features.h"
#include "fuzz-geo.h"
#include "sm3-bench.h"

#define MEM_SIZE      (16u << 20)
#define MEM_PAGES     (MEM_SIZE >> 12)
#define NSTREAMS      8
#define NVMID         3
#define NASID         4
#define MAX_S1_TREES  16
#define MAX_OPS       400
#define MAX_OUT       64           /* tracked stalls (restore may dup) */
#define MAX_SPOTS     2048         /* interesting table dwords */

/* Input address windows (VA or IPA) and output bases; all below 4 GiB. */
#define WIN_PAGES     UINT64_C(0x40000000)   /* page mappings */
#define WIN_GLOBAL    UINT64_C(0x60000000)   /* nG = 0 mappings */
#define WIN_BLOCK     UINT64_C(0x80000000)   /* level-2 blocks */
#define WIN_IPA       UINT64_C(0x20000000)   /* nested: stage-1 output */
#define WIN_IPA_BLOCK UINT64_C(0xa0000000)   /* nested: stage-1 blocks */
#define PA_S1         UINT64_C(0xc0000000)
#define PA_GLOBAL     UINT64_C(0xb0000000)
#define GLOBAL_SIZE   UINT64_C(0x20000)
#define NPAGES        8
/*
 * Pages of the page window are 64 KiB apart whatever the granule, so
 * the same input address hits page k of every context's tables.
 */
#define PAGE_STRIDE   16

/* ---- geometry ----------------------------------------------------------- */


static unsigned gran_bit(unsigned gs)
{
    return gs == 12 ? SM3_GRAN_4K : gs == 14 ? SM3_GRAN_16K : SM3_GRAN_64K;
}

/* CD.TG0 / STE.S2TG encoding */
static unsigned tg_enc(unsigned gs)
{
    return gs == 12 ? 0 : gs == 16 ? 1 : 2;
}

/* ---- state -------------------------------------------------------------- */

typedef struct Fz Fz;

typedef struct Stall {
    uint32_t sid;
    uint16_t stag;
} Stall;

/* One model instance and the hook-side state its contract checks use. */
typedef struct Inst {
    Fz *z;
    Sm3 *s;
    SmTestMem *tm;           /* its guest memory */
    const char *name;
    Stall out[MAX_OUT];      /* returned STALLED, not yet resolved */
    unsigned n_out;
    bool irq[SM3_IRQ_COUNT];
    bool atc_pending;        /* atc_invalidate() seen, atc_inv_ok() due */
    uint32_t atc_sid;
    uint32_t idr[8];         /* IDR0..5, IIDR, AIDR at creation */
    uint64_t xlates;         /* translate + ATS translate calls */
} Inst;

typedef struct S2Tree {
    bool used;
    uint16_t vmid;           /* effective */
    unsigned slot;
    const Geo *geo;
    Sm3bPt pt;
    uint8_t attr;            /* perms byte */
} S2Tree;

typedef struct S1Key {
    uint8_t world;           /* 0: NS-EL1, 1: EL2 (any E2H) */
    uint16_t vmid, asid;     /* TLB tags (0 when unused) */
} S1Key;

typedef struct S1Tree {
    S1Key key;
    unsigned id;
    const Geo *geo;
    Sm3bPt pt;
    uint32_t params;         /* hash of the key: everything else */
    S2Tree *s2;              /* nested: the stage 2 of its VMID */
} S1Tree;

typedef struct Stream {
    uint32_t sid;
    unsigned type;
    uint64_t ste[8];
} Stream;

struct Fz {
    FzIn in;
    bool oracle;
    Sm3Config cfg;
    Sm3Features *f;
    Sm3Bench b;              /* builders: tm, strtab fields; no b.s */
    SmTestMem *tm;
    Inst a, ref;             /* ref: oracle mode only */
    bool msi_fail, atc_fail;
    uint64_t now;
    /* layout */
    uint64_t msi_pa;
    uint64_t cmdq_pa, evtq_pa, priq_pa;
    unsigned cmdq_log2, evtq_log2, priq_log2;
    uint64_t q_lo, q_hi;
    uint64_t tab_lo, tab_hi;
    uint32_t strtab_cfg;
    uint32_t cr0, cr1, cr2, gbpa, irq_ctrl;
    bool use_msi_cfg;
    Stream streams[NSTREAMS];
    uint16_t vmid_raw[NVMID];
    uint8_t vmid_geo[NVMID];
    uint16_t asid[NASID];
    uint32_t seed;
    S2Tree s2[NVMID];
    S1Tree s1[MAX_S1_TREES];
    unsigned n_s1;
    uint16_t groups[16];     /* (world << 15 | vmid) of global windows */
    unsigned n_groups;
    uint64_t spots[MAX_SPOTS];
    unsigned n_spots;
    /* oracle: a page the model read configuration from was written */
    bool stale;
    /* oracle: registers whose change needs an invalidation */
    uint64_t seen_strtab;
    uint32_t seen_strtab_cfg, seen_cr2;
    /* snapshot for restore */
    Sm3State *snap;
    bool have_snap;
    /* what this input reached ($FUZZ_SM3_VERBOSE prints it) */
    unsigned n_xlate, n_ok, n_hits, n_stalled, n_fault, n_cmds;
};

/*
 * The flat memory lives across inputs; pages written are zeroed again.
 * Oracle mode gives the reference instance a memory of its own (g_tm2),
 * a copy after setup that gets the same harness writes: what one
 * instance writes (event records where registers put them) must not
 * change what the other reads in the same operation.
 */
static SmTestMem *g_tm, *g_tm2;
static Fz g_fz;
/* $FUZZ_SM3_VERBOSE: one summary line per input; $FUZZ_SM3_TRACE: every
 * translation */
static bool g_verbose, g_trace;
static uint8_t g_dirty[MEM_PAGES / 8];
/*
 * Oracle mode: pages the model read configuration from (8- and 64-byte
 * reads: descriptors, L1 entries, STEs, CDs; commands are 16 bytes).
 * The frozen tables are never written, but registers can point the
 * model at other memory that can be; a write there is a table change
 * software would follow with an invalidation, and so does the harness
 * (Fz.stale) before the next translation.
 */
static uint8_t g_cfgread[MEM_PAGES / 8];

static bool page_range_marked(const uint8_t *map, uint64_t pa, uint64_t len)
{
    uint64_t p;

    if (pa >= MEM_SIZE || !len) {
        return false;
    }
    len = MIN(len, MEM_SIZE - pa);
    for (p = pa >> 12; p <= (pa + len - 1) >> 12; p++) {
        if (map[p / 8] & (1u << (p % 8))) {
            return true;
        }
    }
    return false;
}

static void mark_pages(uint8_t *map, uint64_t pa, uint64_t len)
{
    uint64_t p;

    if (pa >= MEM_SIZE || !len) {
        return;
    }
    if (len > MEM_SIZE - pa) {
        len = MEM_SIZE - pa;
    }
    for (p = pa >> 12; p <= (pa + len - 1) >> 12; p++) {
        map[p / 8] |= 1u << (p % 8);
    }
}

static void mark_dirty(uint64_t pa, uint64_t len)
{
    mark_pages(g_dirty, pa, len);
}

static void mem_reset(void)
{
    unsigned p;

    SmTestMem *tms[2] = { g_tm, g_tm2 };
    unsigned i;

    for (p = 0; p < MEM_PAGES; p++) {
        if (g_dirty[p / 8] & (1u << (p % 8))) {
            memset(g_tm->ram + ((uint64_t)p << 12), 0, 4096);
            memset(g_tm2->ram + ((uint64_t)p << 12), 0, 4096);
        }
    }
    memset(g_dirty, 0, sizeof(g_dirty));
    memset(g_cfgread, 0, sizeof(g_cfgread));
    for (i = 0; i < 2; i++) {
        tms[i]->next = 0x10000;
        tms[i]->be = false;
        tms[i]->err_lo = tms[i]->err_hi = 0;
        tms[i]->err_dirs = SM_TM_ERR_READ | SM_TM_ERR_WRITE;
        tms[i]->reads = tms[i]->writes = 0;
        tms[i]->guest_errors_only = false;
        tms[i]->n_logs = 0;
    }
}

static bool in_tables(const Fz *z, uint64_t pa, uint64_t len)
{
    return pa < z->tab_hi && pa + len > z->tab_lo;
}

/* May the harness itself write guest memory at @pa? */
static bool harness_may_write(const Fz *z, uint64_t pa, uint64_t len)
{
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) {
        return false;
    }
    return !z->oracle || !in_tables(z, pa, len);
}

static void hw64(Fz *z, uint64_t pa, uint64_t v)
{
    if (harness_may_write(z, pa, 8)) {
        sm_tm_put(z->tm, pa, &v, 1);
        if (z->oracle) {
            sm_tm_put(g_tm2, pa, &v, 1);
        }
        mark_dirty(pa, 8);
        z->stale |= z->oracle && page_range_marked(g_cfgread, pa, 8);
    }
}

static uint64_t hr64(Fz *z, uint64_t pa)
{
    uint64_t v = 0;

    if (pa < MEM_SIZE - 8) {
        memcpy(&v, z->tm->ram + pa, 8);
    }
    return GUINT64_FROM_LE(v);
}

/* ---- hooks and their contracts ------------------------------------------ */

static bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static void check_access(Inst *in, uint64_t pa, const void *buf, size_t len)
{
    FZ_CHECK(buf != NULL, "%s: host access with a NULL buffer", in->name);
    FZ_CHECK(len == 4 || len == 8 || len == 16 || len == 32 || len == 64,
             "%s: host access of %zu bytes at 0x%" PRIx64, in->name, len,
             pa);
    FZ_CHECK(pa % len == 0, "%s: host access of %zu bytes at 0x%" PRIx64
             " is not naturally aligned", in->name, len, pa);
    FZ_CHECK(pa + len > pa, "%s: host access wraps at 0x%" PRIx64,
             in->name, pa);
    FZ_CHECK(!in->atc_pending, "%s: memory access between atc_invalidate "
             "and atc_inv_ok", in->name);
}

static SmBusResult h_read(void *opaque, uint64_t pa, void *buf, size_t len,
                          SmAttrs attrs)
{
    Inst *in = opaque;

    check_access(in, pa, buf, len);
    FZ_CHECK(!attrs.secure, "%s: Secure access by a Non-secure model",
             in->name);
    if (in->z->oracle && len != 16) {
        mark_pages(g_cfgread, pa, len);
    }
    return sm_tm_read(in->tm, pa, buf, len, attrs);
}

static SmBusResult h_write(void *opaque, uint64_t pa, const void *buf,
                           size_t len, SmAttrs attrs)
{
    Inst *in = opaque;
    Fz *z = in->z;

    check_access(in, pa, buf, len);
    FZ_CHECK(!attrs.secure, "%s: Secure access by a Non-secure model",
             in->name);
    /* Oracle mode: the tables are read-only on this bus. */
    if (z->oracle && in_tables(z, pa, len)) {
        return SM_BUS_ERROR;
    }
    mark_dirty(pa, len);
    z->stale |= z->oracle && page_range_marked(g_cfgread, pa, len);
    return sm_tm_write(in->tm, pa, buf, len, attrs);
}

static void h_set_irq(void *opaque, unsigned line, bool level)
{
    Inst *in = opaque;

    FZ_CHECK(line < SM3_IRQ_COUNT, "%s: set_irq line %u", in->name, line);
    /* Edge interrupts: a pulse is a raise then a lower of the same line */
    FZ_CHECK(in->irq[line] != level, "%s: set_irq(%u, %d) twice", in->name,
             line, level);
    in->irq[line] = level;
}

static SmBusResult h_send_msi(void *opaque, uint64_t addr, uint32_t data,
                              SmAttrs attrs)
{
    Inst *in = opaque;

    FZ_CHECK(in->z->f->msi, "%s: MSI without IDR0.MSI", in->name);
    FZ_CHECK(addr && !(addr & 3) && !(addr >> 52),
             "%s: MSI to 0x%" PRIx64, in->name, addr);
    FZ_CHECK(!in->atc_pending, "%s: MSI between atc_invalidate and "
             "atc_inv_ok", in->name);
    return in->z->msi_fail ? SM_BUS_ERROR : SM_BUS_OK;
}

static uint64_t h_now(void *opaque)
{
    Inst *in = opaque;

    return in->z->now;
}

static void h_log(void *opaque, SmLogKind kind, const char *msg)
{
    Inst *in = opaque;

    FZ_CHECK(kind == SM_LOG_GUEST_ERROR || kind == SM_LOG_UNIMP,
             "%s: log kind %d", in->name, kind);
    FZ_CHECK(msg != NULL, "%s: NULL log message", in->name);
    FZ_CHECK(!strchr(msg, '\n'), "%s: log line with a newline: %s",
             in->name, msg);
}

static void h_invalidated(void *opaque, const SmInval *inv)
{
    Inst *in = opaque;

    FZ_CHECK(inv->scope <= SM_INVAL_STREAM, "%s: inval scope %d", in->name,
             inv->scope);
    FZ_CHECK(inv->scope != SM_INVAL_ASID || inv->has_asid,
             "%s: ASID invalidation without an ASID", in->name);
    FZ_CHECK(inv->scope != SM_INVAL_VMID || (inv->has_vmid &&
                                             !inv->has_asid),
             "%s: VMID invalidation scope", in->name);
    if (inv->scope == SM_INVAL_RANGE) {
        FZ_CHECK(inv->size && inv->addr + (inv->size - 1) >= inv->addr,
                 "%s: range 0x%" PRIx64 " + 0x%" PRIx64, in->name,
                 inv->addr, inv->size);
    }
    if (inv->scope == SM_INVAL_STREAM) {
        FZ_CHECK(inv->size >= 1, "%s: stream invalidation of 0 StreamIDs",
                 in->name);
    }
    FZ_CHECK(in->z->f->vmid16 || inv->vmid <= 0xff,
             "%s: 16-bit VMID 0x%x without IDR0.VMID16", in->name,
             inv->vmid);
    FZ_CHECK(in->z->f->asid16 || inv->asid <= 0xff,
             "%s: 16-bit ASID 0x%x without IDR0.ASID16", in->name,
             inv->asid);
}

static void h_atc_invalidate(void *opaque, uint32_t sid, uint32_t ssid,
                             bool ssv, uint64_t addr, uint64_t size)
{
    Inst *in = opaque;

    FZ_CHECK(in->z->f->ats, "%s: ATC invalidation without IDR0.ATS",
             in->name);
    FZ_CHECK(ssv || ssid == 0, "%s: ATC inval ssid 0x%x without SSV",
             in->name, ssid);
    FZ_CHECK(!ssv || in->z->f->ssidsize, "%s: ATC inval with SSV and no "
             "substreams", in->name);
    FZ_CHECK((size == UINT64_MAX && addr == 0) ||
             (pow2(size) && size >= 4096 && !(addr & (size - 1))),
             "%s: ATC inval 0x%" PRIx64 " + 0x%" PRIx64, in->name, addr,
             size);
    FZ_CHECK(!in->atc_pending || !in->z->cfg.hooks.atc_inv_ok,
             "%s: two atc_invalidate without atc_inv_ok", in->name);
    in->atc_pending = in->z->cfg.hooks.atc_inv_ok != NULL;
    in->atc_sid = sid;
}

static bool h_atc_inv_ok(void *opaque, uint32_t sid)
{
    Inst *in = opaque;

    FZ_CHECK(in->atc_pending && in->atc_sid == sid,
             "%s: atc_inv_ok(0x%x) not right after atc_invalidate",
             in->name, sid);
    in->atc_pending = false;
    return !in->z->atc_fail;
}

static void h_pri_response(void *opaque, uint32_t sid, uint32_t ssid,
                           bool ssv, uint16_t grpid, unsigned resp)
{
    Inst *in = opaque;

    FZ_CHECK(in->z->f->pri, "%s: PRI response without IDR0.PRI", in->name);
    FZ_CHECK(resp <= 2, "%s: PRI response code %u", in->name, resp);
    FZ_CHECK(grpid <= 0x1ff, "%s: PRG index 0x%x", in->name, grpid);
    FZ_CHECK(ssv || ssid == 0, "%s: PRI response ssid without SSV",
             in->name);
    FZ_CHECK(!ssv || in->z->f->ssidsize, "%s: PRI response SSV without "
             "substreams", in->name);
}

static int find_out(const Inst *in, uint32_t sid, uint16_t stag)
{
    unsigned i;

    for (i = 0; i < in->n_out; i++) {
        if (in->out[i].sid == sid && in->out[i].stag == stag) {
            return (int)i;
        }
    }
    return -1;
}

/*
 * sm3.h: stall_resolved() reports a transaction that sm3_translate()
 * returned as SM3_XLATE_STALLED and that was not resolved yet.
 */
static void h_stall_resolved(void *opaque, uint32_t sid, uint16_t stag,
                             bool retry)
{
    Inst *in = opaque;
    int i = find_out(in, sid, stag);

    FZ_CHECK(in->z->f->stall_model != SM3_STALL_NONE,
             "%s: stall_resolved without stall support", in->name);
    FZ_CHECK(i >= 0, "%s: stall_resolved(sid 0x%x, stag 0x%x, retry %d) "
             "for a transaction that sm3_translate() never returned as "
             "STALLED (or that was already resolved)", in->name, sid, stag,
             retry);
    in->out[i] = in->out[--in->n_out];
}

static void h_sev(void *opaque)
{
    Inst *in = opaque;

    FZ_CHECK(in->z->f->sev, "%s: SEV without IDR0.SEV", in->name);
}

/* After every API call: no line left high, no ATC result outstanding. */
static void check_quiet(Inst *in)
{
    unsigned i;

    for (i = 0; i < SM3_IRQ_COUNT; i++) {
        FZ_CHECK(!in->irq[i], "%s: irq line %u left high", in->name, i);
    }
    FZ_CHECK(!in->atc_pending, "%s: atc_invalidate without atc_inv_ok",
             in->name);
    FZ_CHECK(in->n_out <= SM3_MAX_STALLS * 2, "%s: %u stalls held",
             in->name, in->n_out);
}

/* ---- the two instances -------------------------------------------------- */

static Inst *insts(Fz *z, unsigned i)
{
    if (i == 0) {
        return &z->a;
    }
    return i == 1 && z->oracle ? &z->ref : NULL;
}

#define FOR_INST(z, in) \
    for (unsigned _i = 0; ((in) = insts((z), _i)) != NULL; _i++)

static void mmio_w(Fz *z, uint64_t off, uint64_t v, unsigned size)
{
    Inst *in;

    FOR_INST(z, in) {
        bool was_en = sm3_mmio_read(in->s, SM3_CR0ACK, 4) & SM3_CR0_SMMUEN;

        sm3_mmio_write(in->s, off, v, size);
        check_quiet(in);
        /* Clearing SMMUEN terminates every stall (sm3.h, Sm3Hooks) */
        if (was_en && !(sm3_mmio_read(in->s, SM3_CR0ACK, 4) &
                        SM3_CR0_SMMUEN)) {
            FZ_CHECK(in->n_out == 0, "%s: SMMUEN 1 -> 0 left %u stalls",
                     in->name, in->n_out);
        }
    }
}

static uint32_t rd32(Fz *z, uint32_t off)
{
    return (uint32_t)sm3_mmio_read(z->a.s, off, 4);
}

static void wr32(Fz *z, uint32_t off, uint32_t v)
{
    mmio_w(z, off, v, 4);
}

static void wr64(Fz *z, uint32_t off, uint64_t v)
{
    mmio_w(z, off, v, 8);
}

/* Oracle mode: the registers whose change requires an invalidation. */
static void oracle_sync(Fz *z)
{
    uint64_t st = sm3_mmio_read(z->a.s, SM3_STRTAB_BASE, 8);
    uint32_t cfg = rd32(z, SM3_STRTAB_BASE_CFG), cr2 = rd32(z, SM3_CR2);

    if (!z->oracle) {
        return;
    }
    if (st != z->seen_strtab || cfg != z->seen_strtab_cfg ||
        cr2 != z->seen_cr2) {
        sm3_invalidate_all(z->a.s);
        sm3_invalidate_all(z->ref.s);
    }
    z->seen_strtab = st;
    z->seen_strtab_cfg = cfg;
    z->seen_cr2 = cr2;
}

static void process(Fz *z, unsigned max)
{
    unsigned n[2] = { 0, 0 };
    Inst *in;

    FOR_INST(z, in) {
        n[_i] = sm3_process_commands(in->s, max);
        FZ_CHECK(n[_i] <= max, "%s: %u commands consumed of at most %u",
                 in->name, n[_i], max);
        FZ_CHECK(n[_i] == max || !sm3_has_pending_work(in->s),
                 "%s: stopped after %u of %u commands with work pending",
                 in->name, n[_i], max);
        check_quiet(in);
    }
    if (z->oracle) {
        FZ_CHECK(n[0] == n[1], "oracle: %u vs %u commands consumed", n[0],
                 n[1]);
    }
}

/* Write one command at CMDQ_PROD (as the queue registers say) and publish */
static void push_cmd(Fz *z, uint64_t dw0, uint64_t dw1)
{
    uint64_t base = sm3_mmio_read(z->a.s, SM3_CMDQ_BASE, 8);
    unsigned log2 = MIN((unsigned)sm_get(base, SM3_Q_BASE_LOG2SIZE),
                        (unsigned)z->f->cmdqs);
    uint64_t addr = (base & SM3_Q_BASE_ADDR) & ~((UINT64_C(16) << log2) - 1);
    uint32_t prod = rd32(z, SM3_CMDQ_PROD);
    uint64_t pa = addr + 16 * (uint64_t)(prod & ((1u << log2) - 1));

    hw64(z, pa, dw0);
    hw64(z, pa + 8, dw1);
    wr32(z, SM3_CMDQ_PROD, (prod + 1) & ((2u << log2) - 1));
}

/* ---- setup: feature set ------------------------------------------------- */

static const uint8_t oas_choice[8] = { 48, 44, 40, 52, 36, 42, 32, 48 };
static const uint8_t sid_choice[8] = { 4, 5, 6, 7, 8, 12, 16, 32 };
static const uint8_t ssid_choice[8] = { 0, 1, 3, 5, 8, 10, 16, 20 };
static const uint32_t batch_choice[4] = { 0, 1, 4, 64 };

static void choose_features(Fz *z)
{
    Sm3Features *f = &z->cfg.features;
    uint8_t b0 = fz_u8(&z->in), b1 = fz_u8(&z->in), b2 = fz_u8(&z->in);
    uint8_t b3 = fz_u8(&z->in), b4 = fz_u8(&z->in), b5 = fz_u8(&z->in);
    unsigned st = fz_bits(b0, 1, 2), i;
    static const uint8_t cmdqs[4] = { 4, 5, 8, 19 };
    static const uint8_t evtqs[4] = { 2, 4, 5, 8 };
    static const uint8_t priqs[4] = { 1, 3, 5, 8 };
    static const uint32_t tlb[4][2] = { { 0, 0 }, { 4, 2 }, { 16, 4 },
                                        { 8, 0 } };
    static const uint32_t cfgc[4][2] = { { 0, 0 }, { 2, 1 }, { 8, 2 },
                                         { 4, 0 } };

    z->oracle = b0 & 1;
    f->stage1 = st != 1;
    f->stage2 = st != 0;
    /* Raw bits first; fz_features_repair() applies the rules below. */
    f->hyp = b0 & 8;
    f->ats = b0 & 16;
    f->pri = b0 & 32;
    f->msi = b0 & 64;
    f->sev = b0 & 128;
    f->asid16 = b1 & 1;
    f->vmid16 = b1 & 2;
    f->big_endian_tables = b1 & 4;
    f->ril = b1 & 8;
    f->two_level_cd = b1 & 16;
    f->two_level_st = b1 & 32;
    f->httu = MIN(fz_bits(b1, 6, 2), 2u);
    f->stall_model = fz_bits(b2, 0, 2) == 3 ? SM3_STALL_AND_TERM
                                            : fz_bits(b2, 0, 2);
    f->granules = fz_bits(b2, 2, 3);
    if (!f->granules) {
        f->granules = SM3_GRAN_4K;
    }
    f->oas_bits = oas_choice[fz_bits(b2, 5, 3)];
    f->sidsize = sid_choice[fz_bits(b3, 0, 3)];
    fz_features_repair(f);
    f->ssidsize = ssid_choice[fz_bits(b3, 3, 3)];
    z->cfg.cmdq_batch = batch_choice[fz_bits(b3, 6, 2)];
    f->cmdqs = cmdqs[fz_bits(b4, 0, 2)];
    f->eventqs = evtqs[fz_bits(b4, 2, 2)];
    f->priqs = priqs[fz_bits(b4, 4, 2)];
    z->cfg.policy = fz_bits(b4, 6, 2) % 3;
    z->cfg.tlb_entries = tlb[fz_bits(b5, 0, 2)][0];
    z->cfg.tlb_ways = tlb[fz_bits(b5, 0, 2)][1];
    z->cfg.cfg_entries = cfgc[fz_bits(b5, 2, 2)][0];
    z->cfg.cfg_ways = cfgc[fz_bits(b5, 2, 2)][1];
    for (i = 0; i < SM3_WALKC_STAGES * SM3_WALKC_LEVELS; i++) {
        unsigned st_ = i / SM3_WALKC_LEVELS, lv = i % SM3_WALKC_LEVELS;

        switch (fz_bits(b5, 4, 2)) {
        case 1:
            z->cfg.walkc_entries[st_][lv] = SM3_WALKC_OFF;
            break;
        case 2:
            z->cfg.walkc_entries[st_][lv] = 2;
            z->cfg.walkc_ways[st_][lv] = 2;
            break;
        case 3:
            z->cfg.walkc_entries[st_][lv] = 4;
            z->cfg.walkc_ways[st_][lv] = 1;
            break;
        default:
            break;
        }
    }
    z->cr2 = (b5 & 128 ? SM3_CR2_RECINVSID : 0) |
             (b5 & 64 ? SM3_CR2_E2H : 0);
    z->f = f;
}

/* ---- setup: tables ------------------------------------------------------ */

static uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    return h ^ (h >> 16);
}

static const Geo *pick_geo(const Fz *z, const Geo *tab, unsigned n,
                           unsigned sel)
{
    const Geo *ok[16];
    unsigned i, k = 0;

    for (i = 0; i < n; i++) {
        if ((z->f->granules & gran_bit(tab[i].gs)) &&
            tab[i].min_oas <= z->f->oas_bits) {
            ok[k++] = &tab[i];
        }
    }
    return k ? ok[sel % k] : NULL;
}

static bool mem_room(const Fz *z, uint64_t need)
{
    return z->tm->next + need + (1u << 20) <= MEM_SIZE;
}

static uint64_t pa_of_ipa(unsigned slot, uint64_t ipa)
{
    return (ipa + ((uint64_t)(slot + 1) << 24)) & UINT64_C(0xffffffff);
}

/* Stage-2 leaf attributes: AF, MemAttr Normal WB, S2AP, XN from @a. */
static uint64_t s2_leaf_attrs(const Fz *z, uint8_t a)
{
    uint64_t d = SM_MASK(5, 2) | SM3B_S2AP_R;

    d |= (a & 1) ? 0 : SM3B_S2AP_W;
    d |= (a & 2) ? SM_BIT(54) : 0;
    d |= (a & 4) ? SM_BIT(53) : 0;
    d |= (!z->oracle && (a & 8)) ? 0 : SM3B_PTE_AF;
    d |= (!z->oracle && (a & 16)) ? SM_BIT(51) : 0;      /* DBM */
    return d;
}

static void s2_map_page(Fz *z, S2Tree *t, uint64_t ipa)
{
    uint64_t page = ipa & ~((UINT64_C(1) << t->geo->gs) - 1);

    sm3b_pt_map(&z->b, &t->pt, page, pa_of_ipa(t->slot, page), 3,
                SM3B_S2_RW);
}

/* The stage-2 tree of effective VMID @vmid (slot @slot), built once. */
static S2Tree *s2_tree(Fz *z, unsigned slot, uint16_t vmid)
{
    S2Tree *t;
    unsigned i, k;

    for (i = 0; i < NVMID; i++) {
        if (z->s2[i].used && z->s2[i].vmid == vmid) {
            return &z->s2[i];
        }
    }
    t = &z->s2[slot];
    if (t->used || !mem_room(z, 2u << 20)) {
        return NULL;
    }
    t->geo = pick_geo(z, s2_geos, G_N_ELEMENTS(s2_geos), z->vmid_geo[slot]);
    if (!t->geo) {
        return NULL;
    }
    t->used = true;
    t->vmid = vmid;
    t->slot = slot;
    t->attr = mix(z->seed ^ vmid) & 0xff;
    sm3b_pt_init(&z->b, &t->pt, t->geo->gs, t->geo->ia, t->geo->start);
    /* Guest RAM at its own address: CD and stage-1 tables are IPAs. */
    {
        unsigned bs = sm3b_level_shift(t->geo->gs, 2);
        uint64_t ipa;

        for (ipa = 0; ipa < MEM_SIZE; ipa += UINT64_C(1) << bs) {
            sm3b_pt_map(&z->b, &t->pt, ipa, ipa, 2, SM3B_S2_RW);
        }
    }
    /* Stage-2-only traffic: pages and a block. */
    for (k = 0; k < NPAGES; k++) {
        uint64_t ipa = WIN_PAGES + ((uint64_t)k << PAGE_STRIDE);

        if ((t->attr >> k) & 1 || k == 0) {
            sm3b_pt_map(&z->b, &t->pt, ipa, pa_of_ipa(slot, ipa), 3,
                        s2_leaf_attrs(z, mix(t->attr + k)));
        }
    }
    sm3b_pt_map(&z->b, &t->pt, WIN_BLOCK, pa_of_ipa(slot, WIN_BLOCK), 2,
                s2_leaf_attrs(z, t->attr >> 3));
    return t;
}

static unsigned global_group(Fz *z, const S1Key *k)
{
    uint16_t g = (uint16_t)(k->world << 15 | (k->vmid & 0x7fff));
    unsigned i;

    for (i = 0; i < z->n_groups; i++) {
        if (z->groups[i] == g) {
            return i;
        }
    }
    if (z->n_groups < G_N_ELEMENTS(z->groups)) {
        z->groups[z->n_groups] = g;
        return z->n_groups++;
    }
    return 0;     /* unreachable: fewer groups than trees */
}

/* Stage-1 leaf attributes of W1 page @k from the tree's parameters. */
static uint64_t s1_leaf_attrs(const Fz *z, uint32_t p, unsigned k)
{
    uint32_t h = mix(p + k * 0x9e3779b9u);
    uint64_t d = SM3B_PTE_NG;

    d |= sm_prep(SM_MASK(7, 6), h & 3);                 /* AP[2:1] */
    d |= (h & 4) ? SM_BIT(54) : 0;                      /* UXN */
    d |= (h & 8) ? SM_BIT(53) : 0;                      /* PXN */
    d |= sm_prep(SM_MASK(4, 2), (h >> 4) & 7);          /* AttrIndx */
    d |= (!z->oracle && (h & 0x80)) ? 0 : SM3B_PTE_AF;
    d |= (!z->oracle && (h & 0x100)) ? SM_BIT(51) : 0;  /* DBM */
    d |= (h & 0x200) ? SM_BIT(52) : 0;                  /* Contiguous */
    return d;
}

/* The stage-1 tree of @k, built once; NULL when out of room. */
static S1Tree *s1_tree(Fz *z, const S1Key *k, S2Tree *s2)
{
    S1Tree *t;
    uint64_t gbase, out;
    unsigned i, g, bs;
    uint64_t sz;

    for (i = 0; i < z->n_s1; i++) {
        if (z->s1[i].key.world == k->world && z->s1[i].key.vmid == k->vmid &&
            z->s1[i].key.asid == k->asid) {
            return &z->s1[i];
        }
    }
    if (z->n_s1 == MAX_S1_TREES || !mem_room(z, 1u << 20)) {
        return NULL;
    }
    t = &z->s1[z->n_s1];
    t->params = mix(z->seed ^ (k->world * 0x9e37u) ^ (k->vmid * 0x85ebca6bu)
                    ^ (k->asid * 0xc2b2ae35u));
    /*
     * One granule per (StreamWorld, VMID): global entries of one ASID are
     * found by every other, and the TLB does not tell entry sizes apart
     * when they share a set, so the global window must have one page
     * size per VMID as well as one translation.
     */
    t->geo = pick_geo(z, s1_geos, G_N_ELEMENTS(s1_geos),
                      mix(z->seed ^ (k->world * 0x9e37u) ^
                          (k->vmid * 0x85ebca6bu)) >> 24);
    if (!t->geo) {
        return NULL;
    }
    t->key = *k;
    t->id = z->n_s1++;
    t->s2 = s2;
    sm3b_pt_init(&z->b, &t->pt, t->geo->gs, t->geo->ia, t->geo->start);
    /* W1: pages, each with its own permissions; some left unmapped. */
    for (i = 0; i < NPAGES; i++) {
        uint64_t va = WIN_PAGES + ((uint64_t)i << PAGE_STRIDE);

        if (!((t->params >> (8 + i)) & 1) && i) {
            continue;
        }
        out = ((uint64_t)t->id << 22) + ((uint64_t)i << t->geo->gs);
        out += s2 ? WIN_IPA : PA_S1;
        sm3b_pt_map(&z->b, &t->pt, va, out, 3,
                    s1_leaf_attrs(z, t->params, i));
        if (s2) {
            s2_map_page(z, s2, out);
        }
    }
    /*
     * Global window: nG = 0, the same translation for every ASID of the
     * (StreamWorld, VMID): an output that depends on the group only.
     */
    g = global_group(z, k);
    gbase = s2 ? WIN_IPA + UINT64_C(0x0c000000) + ((uint64_t)g << 20)
               : PA_GLOBAL + ((uint64_t)g << 20);
    sz = UINT64_C(1) << t->geo->gs;
    for (out = 0; out < GLOBAL_SIZE; out += sz) {
        sm3b_pt_map(&z->b, &t->pt, WIN_GLOBAL + out, gbase + out, 3,
                    SM3B_PTE_AF | SM_BIT(6));
        if (s2) {
            s2_map_page(z, s2, gbase + out);
        }
    }
    /* A level-2 block. */
    bs = sm3b_level_shift(t->geo->gs, 2);
    if (s2) {
        out = WIN_IPA_BLOCK + (((uint64_t)t->id << bs) & 0x1fffffff);
        s2_map_page(z, s2, out);
    } else {
        out = (((uint64_t)t->id + 1) << bs) & UINT64_C(0xffffffff);
    }
    sm3b_pt_map(&z->b, &t->pt, WIN_BLOCK, out, 2,
                s1_leaf_attrs(z, t->params, 9) & ~SM_BIT(52));
    return t;
}

/* One CD for @t, stall/record flags from @flags. */
static void put_cd(Fz *z, uint64_t pa, const S1Tree *t, uint16_t asid,
                   uint8_t flags)
{
    uint64_t cd[8] = { 0 };
    uint32_t p = t ? t->params : 0;
    bool s;

    if (!t) {
        sm_tm_put(z->tm, pa, cd, 8);          /* V = 0 */
        return;
    }
    switch (z->f->stall_model) {
    case SM3_STALL_FORCE:
        s = true;
        break;
    case SM3_STALL_NONE:
        s = false;
        break;
    default:
        s = flags & 1;
        break;
    }
    cd[0] = sm_prep(SM3_CD0_T0SZ, 64 - t->geo->ia) |
            sm_prep(SM3_CD0_TG0, tg_enc(t->geo->gs)) |
            SM3_CD0_EPD1 | SM3_CD0_V | SM3_CD0_AA64 | SM3_CD0_A |
            sm_prep(SM3_CD0_IPS, (p & 0x40000) ? 2 : 5) |
            ((flags & 2) ? 0 : SM3_CD0_R) | (s ? SM3_CD0_S : 0) |
            sm_prep(SM3_CD0_ASID, asid) |
            ((p & 0x80000) ? SM3_CD0_TBI0 : 0) |
            ((p & 0x100000) ? SM3_CD0_AFFD : 0);
    /* Hardware updates write the tables: not while they are frozen. */
    if (!z->oracle && z->f->httu != SM3_HTTU_NONE && (p & 0x200000)) {
        cd[0] |= SM3_CD0_HA;
        if (z->f->httu == SM3_HTTU_AF_DIRTY && (p & 0x400000)) {
            cd[0] |= SM3_CD0_HD;
        }
    }
    cd[1] = (t->pt.root & SM3_CD1_TTB0) |
            ((p & 0x800000) ? SM3_CD1_HAD0 : 0);
    cd[3] = UINT64_C(0x44ff0400);                 /* MAIR */
    sm_tm_put(z->tm, pa, cd, 8);
}

/* The key of CD @ssid of stream @st (its ASID slot) and its tree. */
static S1Tree *cd_tree(Fz *z, const Stream *st, unsigned slot, S2Tree *s2,
                       uint16_t vmid_tag, uint16_t *asid)
{
    S1Key k = { 0 };

    *asid = z->asid[slot % NASID];
    if (st->type == 6 && z->f->hyp) {
        k.world = 1;        /* every EL2 stream shares one tree */
    } else {
        k.vmid = vmid_tag;
        k.asid = *asid;
    }
    return s1_tree(z, &k, s2);
}

static void build_stream(Fz *z, Stream *st, uint8_t b0, uint8_t b1)
{
    const Sm3Features *f = z->f;
    unsigned type = fz_bits(b0, 0, 3), slot = fz_bits(b0, 3, 2) % NVMID;
    unsigned aslot = fz_bits(b0, 5, 2);
    unsigned cdmax = MIN(fz_bits(b1, 0, 2), (unsigned)f->ssidsize);
    bool l2cd = (b1 & 4) && f->two_level_cd && cdmax;
    bool s1, s2, force = f->stall_model == SM3_STALL_FORCE;
    bool s2s = force || (f->stall_model == SM3_STALL_AND_TERM && (b1 & 128));
    uint16_t vmid_s2, vmid_s1, vmid_tag;
    uint64_t *ste = st->ste;
    S2Tree *t2 = NULL;
    unsigned config = SM3_STE0_CONFIG_BYPASS;

    memset(ste, 0, 8 * sizeof(*ste));
    /* Fall back to what the instance implements. */
    if ((type == 3 || type == 6 || type == 7) && !f->stage1) {
        type = 4;
    } else if (type == 4 && !f->stage2) {
        type = 3;
    } else if (type == 5 && !(f->stage1 && f->stage2)) {
        type = f->stage1 ? 3 : 4;
    }
    st->type = type;
    s1 = type == 3 || type == 5 || type == 6 || type == 7;
    s2 = type == 4 || type == 5;
    /* VMIDs: stage-2 pool has bit 7 clear, stage-1-only pool set. */
    vmid_s2 = z->vmid_raw[slot] & ~0x80u & (f->vmid16 ? 0xffff : 0xff);
    vmid_s1 = (z->vmid_raw[slot] | 0x80u) & (f->vmid16 ? 0xffff : 0xff);
    vmid_tag = s2 ? vmid_s2 : (f->stage2 ? vmid_s1 : 0);

    switch (type) {
    case 0:
        /* V = 0 */
        sm3b_ste_write(&z->b, st->sid, ste);
        return;
    case 1:
        ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, b1 & 3);
        sm3b_ste_write(&z->b, st->sid, ste);
        return;
    case 2:
        ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG,
                                      SM3_STE0_CONFIG_BYPASS);
        ste[1] = sm_prep(SM3_STE1_EATS, (b0 & 128) && f->ats);
        sm3b_ste_write(&z->b, st->sid, ste);
        return;
    default:
        config = s1 && s2 ? SM3_STE0_CONFIG_NESTED :
                 s2 ? SM3_STE0_CONFIG_S2 : SM3_STE0_CONFIG_S1;
        break;
    }
    if (s2) {
        t2 = s2_tree(z, slot, vmid_s2);
        if (!t2) {
            sm3b_ste_write(&z->b, st->sid, ste);      /* V = 0 */
            return;
        }
        ste[2] = sm_prep(SM3_STE2_S2VMID, vmid_s2) |
                 sm_prep(SM3_STE2_S2T0SZ, 64 - t2->geo->ia) |
                 sm_prep(SM3_STE2_S2SL0, t2->geo->sl0) |
                 sm_prep(SM3_STE2_S2TG, tg_enc(t2->geo->gs)) |
                 sm_prep(SM3_STE2_S2PS, 5) | SM3_STE2_S2AA64 |
                 ((b1 & 64) ? 0 : SM3_STE2_S2R) |
                 (s2s ? SM3_STE2_S2S : 0);
        if (!z->oracle && f->httu != SM3_HTTU_NONE && (t2->attr & 32)) {
            ste[2] |= SM3_STE2_S2HA;
            if (f->httu == SM3_HTTU_AF_DIRTY && (t2->attr & 64)) {
                ste[2] |= SM3_STE2_S2HD;
            }
        }
        ste[3] = t2->pt.root & SM3_STE3_S2TTB;
    } else if (f->stage2) {
        ste[2] = sm_prep(SM3_STE2_S2VMID, vmid_s1);
    }
    if (f->ats) {
        unsigned eats = (b0 & 128) ? 1 + (b1 >> 7) : 0;

        /* EATS split needs nested and no S2S; full not with S2S */
        if (eats == 2 && (config != SM3_STE0_CONFIG_NESTED || s2s)) {
            eats = 1;
        }
        if (eats == 1 && s2 && s2s) {
            eats = 0;
        }
        ste[1] |= sm_prep(SM3_STE1_EATS, eats);
    }
    ste[1] |= sm_prep(SM3_STE1_PRIVCFG, fz_bits(b1, 5, 2) == 3 ?
                      fz_bits(b0, 5, 2) : 0) |
              sm_prep(SM3_STE1_INSTCFG, fz_bits(b1, 5, 2) == 2 ?
                      fz_bits(b0, 3, 2) : 0);
    if (type == 6 && f->hyp) {
        ste[1] |= sm_prep(SM3_STE1_STRW, SM3_STE1_STRW_EL2);
    }
    if (s1) {
        unsigned n = 1u << cdmax, i;
        uint64_t tab, l2 = 0;

        ste[1] |= sm_prep(SM3_STE1_S1DSS, fz_bits(b1, 3, 2) % 3);
        if (l2cd) {
            unsigned fmt = (b1 & 8) ? SM3_STE0_S1FMT_64K_L2
                                    : SM3_STE0_S1FMT_4K_L2;
            uint64_t l2sz = fmt == SM3_STE0_S1FMT_4K_L2 ? 4096 : 65536;

            tab = sm3b_alloc(&z->b, 64, 64);
            l2 = sm3b_alloc(&z->b, l2sz, l2sz);
            sm3b_w64(&z->b, tab, SM3_L1CD_V | (l2 & SM3_L1CD_L2PTR));
            ste[0] |= sm_prep(SM3_STE0_S1FMT, fmt);
        } else {
            tab = sm3b_alloc(&z->b, 64u << cdmax, 64u << cdmax);
            l2 = tab;
        }
        ste[0] |= (tab & SM3_STE0_S1CONTEXTPTR) |
                  sm_prep(SM3_STE0_S1CDMAX, cdmax);
        for (i = 0; i < n; i++) {
            uint16_t asid;
            S1Tree *t = cd_tree(z, st, aslot + i, t2, vmid_tag, &asid);

            put_cd(z, l2 + 64 * i, t, asid, b1 >> 5);
        }
    }
    ste[0] |= SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, config);
    sm3b_ste_write(&z->b, st->sid, ste);
}

/* Record the non-zero dwords of the tables: where mutations bite. */
static void find_spots(Fz *z)
{
    static const uint8_t zero[256];
    uint64_t pa, end;

    z->n_spots = 0;
    for (pa = z->tab_lo; pa < z->tab_hi && z->n_spots < MAX_SPOTS; ) {
        /* Tables are sparse: skip empty 256-byte runs at once */
        end = MIN(pa + sizeof(zero), z->tab_hi);
        if (!memcmp(z->tm->ram + pa, zero, end - pa)) {
            pa = end;
            continue;
        }
        for (; pa < end && z->n_spots < MAX_SPOTS; pa += 8) {
            if (hr64(z, pa)) {
                z->spots[z->n_spots++] = pa;
            }
        }
    }
}

/* ---- setup: registers --------------------------------------------------- */

static void program(Fz *z, bool repair)
{
    uint32_t prod;

    if (repair) {
        wr32(z, SM3_CR0, 0);
        prod = rd32(z, SM3_CMDQ_PROD);
        wr32(z, SM3_CMDQ_CONS, prod);
        wr32(z, SM3_GERRORN, rd32(z, SM3_GERROR));
        wr32(z, SM3_EVENTQ_CONS, rd32(z, SM3_EVENTQ_PROD));
    }
    wr64(z, SM3_CMDQ_BASE, z->cmdq_pa | z->cmdq_log2);
    wr64(z, SM3_EVENTQ_BASE, z->evtq_pa | z->evtq_log2);
    if (z->f->pri) {
        wr64(z, SM3_PRIQ_BASE, z->priq_pa | z->priq_log2);
        if (repair) {
            wr32(z, SM3_PRIQ_CONS, rd32(z, SM3_PRIQ_PROD));
        }
    }
    wr64(z, SM3_STRTAB_BASE, z->b.strtab);
    wr32(z, SM3_STRTAB_BASE_CFG, z->strtab_cfg);
    wr32(z, SM3_CR1, z->cr1);
    wr32(z, SM3_CR2, z->cr2);
    wr32(z, SM3_GBPA, z->gbpa | SM3_GBPA_UPDATE);
    if (z->f->msi && z->use_msi_cfg) {
        wr64(z, SM3_GERROR_IRQ_CFG0, z->msi_pa);
        wr32(z, SM3_GERROR_IRQ_CFG1, 0x1001);
        wr64(z, SM3_EVENTQ_IRQ_CFG0, z->msi_pa + 8);
        wr32(z, SM3_EVENTQ_IRQ_CFG1, 0x1002);
        if (z->f->pri) {
            wr64(z, SM3_PRIQ_IRQ_CFG0, z->msi_pa + 16);
            wr32(z, SM3_PRIQ_IRQ_CFG1, 0x1003);
        }
    }
    wr32(z, SM3_IRQ_CTRL, z->irq_ctrl);
    wr32(z, SM3_CR0, z->cr0);
}

static void inst_init(Fz *z, Inst *in, const char *name)
{
    Sm3Config cfg = z->cfg;
    unsigned i;

    memset(in, 0, sizeof(*in));
    in->z = z;
    in->name = name;
    in->tm = in == &z->ref ? g_tm2 : g_tm;
    cfg.host.opaque = in;
    in->s = sm3_new(&cfg);
    FZ_CHECK(in->s != NULL, "sm3_new refused a configuration that "
             "sm3_config_error accepted");
    for (i = 0; i < 8; i++) {
        in->idr[i] = (uint32_t)sm3_mmio_read(in->s, SM3_IDR0 + 4 * i, 4);
    }
}

static bool setup(Fz *z)
{
    SmHost *h = &z->cfg.host;
    Sm3Features *f;
    char *why;
    uint8_t q, m, e;
    unsigned i, log2size, split;

    choose_features(z);
    f = z->f;
    h->read = h_read;
    h->write = h_write;
    h->set_irq = h_set_irq;
    h->send_msi = h_send_msi;
    h->now_ns = h_now;
    h->log = h_log;
    h->invalidated = h_invalidated;
    h->atc_invalidate = h_atc_invalidate;
    h->pri_response = h_pri_response;
    z->cfg.hooks.stall_resolved = h_stall_resolved;
    z->cfg.hooks.atc_inv_ok = h_atc_inv_ok;
    z->cfg.hooks.sev = h_sev;
    /* The feature rules are respected above: the model must agree. */
    why = sm3_config_error(&z->cfg);
    FZ_CHECK(why == NULL, "configuration refused: %s", why);

    q = fz_u8(&z->in);
    m = fz_u8(&z->in);
    e = fz_u8(&z->in);
    z->seed = fz_u32(&z->in);
    for (i = 0; i < NVMID; i++) {
        z->vmid_raw[i] = fz_u16(&z->in);
        z->vmid_geo[i] = fz_u8(&z->in);
    }
    for (i = 0; i < NASID; i++) {
        z->asid[i] = fz_u16(&z->in) & (f->asid16 ? 0xffff : 0xff);
    }

    z->tm = g_tm;
    z->b.tm = g_tm;
    z->b.mem = g_tm->ram;
    z->msi_pa = sm3b_alloc(&z->b, 64, 64);
    z->cmdq_log2 = MIN(1u + fz_bits(q, 0, 3), (unsigned)f->cmdqs);
    z->evtq_log2 = MIN(fz_bits(q, 3, 3), (unsigned)f->eventqs);
    z->priq_log2 = MIN(1u + fz_bits(m, 0, 2) * 2, (unsigned)f->priqs);
    z->cmdq_pa = sm3b_alloc(&z->b, 16u << z->cmdq_log2, 16u << z->cmdq_log2);
    z->evtq_pa = sm3b_alloc(&z->b, 32u << z->evtq_log2, 32u << z->evtq_log2);
    z->priq_pa = sm3b_alloc(&z->b, 16u << z->priq_log2, 16u << z->priq_log2);
    z->q_lo = z->msi_pa;
    z->q_hi = z->tm->next;

    z->tab_lo = z->tm->next;
    if (f->two_level_st && (q & 64)) {
        static const uint8_t splits[4] = { 6, 8, 10, 7 };

        log2size = MIN((unsigned)f->sidsize, 16u);
        split = splits[fz_bits(m, 2, 2)];
        z->strtab_cfg = sm_prep(SM3_STRTAB_BASE_CFG_FMT, SM3_STRTAB_FMT_2LVL) |
                        sm_prep(SM3_STRTAB_BASE_CFG_SPLIT, split) |
                        sm_prep(SM3_STRTAB_BASE_CFG_LOG2SIZE, log2size);
        if (split == 7) {
            split = 6;                    /* reserved: behaves as 6 */
        }
        z->b.strtab_2lvl = true;
        z->b.strtab_split = split;
        z->b.strtab_log2 = log2size;
        {
            uint64_t l1 = UINT64_C(8) << (log2size > split ?
                                          log2size - split : 0);

            z->b.strtab = sm3b_alloc(&z->b, l1, l1 < 64 ? 64 : l1);
        }
    } else {
        log2size = MIN((unsigned)f->sidsize, 6u + fz_bits(m, 4, 1));
        z->strtab_cfg = log2size;
        z->b.strtab_log2 = log2size;
        z->b.strtab = sm3b_alloc(&z->b, UINT64_C(64) << log2size,
                                 UINT64_C(64) << log2size);
    }
    for (i = 0; i < NSTREAMS; i++) {
        uint32_t max = (uint32_t)((UINT64_C(1) << log2size) - 1);
        static const uint32_t pick[NSTREAMS] = { 0, 1, 2, 3, 5, 0, 0, 0 };

        z->streams[i].sid = pick[i];
        if (i == 5) {
            z->streams[i].sid = max;
        } else if (i == 6) {
            z->streams[i].sid = MIN(0x41u, max - 1);
        } else if (i == 7) {
            z->streams[i].sid = (max >> 1) ^ 4;
        }
    }
    for (i = 0; i < NSTREAMS; i++) {
        uint8_t b0 = fz_u8(&z->in), b1 = fz_u8(&z->in);

        build_stream(z, &z->streams[i], b0, b1);
    }
    z->tab_hi = z->tm->next;
    mark_dirty(0x10000, z->tm->next - 0x10000);
    if (z->oracle) {
        memcpy(g_tm2->ram + 0x10000, g_tm->ram + 0x10000,
               z->tm->next - 0x10000);
    }
    find_spots(z);

    z->cr0 = SM3_CR0_SMMUEN | SM3_CR0_CMDQEN | SM3_CR0_EVENTQEN;
    z->cr0 |= (f->pri && (m & 32)) ? SM3_CR0_PRIQEN : 0;
    z->cr0 |= (f->ats && (m & 64)) ? SM3_CR0_ATSCHK : 0;
    z->cr1 = (m & 128) ? 0x5a5 : 0;
    z->gbpa = (e & 1) ? SM3_GBPA_ABORT : 0;
    z->irq_ctrl = fz_bits(e, 1, 3);
    z->use_msi_cfg = e & 16;

    inst_init(z, &z->a, "A");
    if (z->oracle) {
        inst_init(z, &z->ref, "ref");
    }
    program(z, false);
    z->seen_strtab = sm3_mmio_read(z->a.s, SM3_STRTAB_BASE, 8);
    z->seen_strtab_cfg = rd32(z, SM3_STRTAB_BASE_CFG);
    z->seen_cr2 = rd32(z, SM3_CR2);
    return true;
}

/* ---- operations --------------------------------------------------------- */

static const uint32_t reg_offsets[] = {
    SM3_IDR0, SM3_IDR1, SM3_IDR2, SM3_IDR3, SM3_IDR4, SM3_IDR5, SM3_IIDR,
    SM3_AIDR, SM3_CR0, SM3_CR0ACK, SM3_CR1, SM3_CR2, SM3_STATUSR, SM3_GBPA,
    SM3_AGBPA, SM3_IRQ_CTRL, SM3_IRQ_CTRLACK, SM3_GERROR, SM3_GERRORN,
    SM3_GERROR_IRQ_CFG0, SM3_GERROR_IRQ_CFG0 + 4, SM3_GERROR_IRQ_CFG1,
    SM3_GERROR_IRQ_CFG2, SM3_STRTAB_BASE, SM3_STRTAB_BASE + 4,
    SM3_STRTAB_BASE_CFG, SM3_CMDQ_BASE, SM3_CMDQ_BASE + 4, SM3_CMDQ_PROD,
    SM3_CMDQ_CONS, SM3_EVENTQ_BASE, SM3_EVENTQ_BASE + 4, SM3_EVENTQ_PROD,
    SM3_EVENTQ_CONS, SM3_EVENTQ_IRQ_CFG0, SM3_EVENTQ_IRQ_CFG0 + 4,
    SM3_EVENTQ_IRQ_CFG1, SM3_EVENTQ_IRQ_CFG2, SM3_PRIQ_BASE,
    SM3_PRIQ_BASE + 4, SM3_PRIQ_PROD, SM3_PRIQ_CONS, SM3_PRIQ_IRQ_CFG0,
    SM3_PRIQ_IRQ_CFG0 + 4, SM3_PRIQ_IRQ_CFG1, SM3_PRIQ_IRQ_CFG2,
    SM3_PIDR4, SM3_PIDR5, SM3_PIDR6, SM3_PIDR7, SM3_PIDR0, SM3_PIDR1,
    SM3_PIDR2, SM3_PIDR3, SM3_CIDR0, SM3_CIDR1, SM3_CIDR2, SM3_CIDR3,
    /* page 1 */
    SM3_PAGE_SIZE + SM3_EVENTQ_PROD, SM3_PAGE_SIZE + SM3_EVENTQ_CONS,
    SM3_PAGE_SIZE + SM3_PRIQ_PROD, SM3_PAGE_SIZE + SM3_PRIQ_CONS,
    /* reserved */
    0x30, 0x3c, 0x4c, 0x58, 0x100, 0xe00, SM3_REG_SPACE,
    SM3_PAGE_SIZE, SM3_PAGE_SIZE + SM3_CMDQ_PROD, SM3_PAGE_SIZE + SM3_CR0,
    SM3_MMIO_SIZE - 4, SM3_MMIO_SIZE,
};

/* A value for register @off: raw, small, a bit flip, or a sensible one. */
static uint64_t reg_value(Fz *z, uint32_t off)
{
    uint8_t sel = fz_u8(&z->in);
    uint32_t page0 = off & (SM3_PAGE_SIZE - 1);

    switch (sel & 3) {
    case 0:
        return fz_u64(&z->in);
    case 1:
        return fz_u8(&z->in);
    case 2:
        return sm3_mmio_read(z->a.s, off, 8) ^
               (UINT64_C(1) << (fz_u8(&z->in) & 63));
    default:
        break;
    }
    sel >>= 2;
    switch (page0) {
    case SM3_CR0:
        return (z->cr0 & ~(uint32_t)(sel & 0x1f)) | (sel & 0x20 ? 0x1f : 0);
    case SM3_GERRORN:
        return rd32(z, SM3_GERROR) ^ (sel & 1 ? 0 : 1u << (sel % 9));
    case SM3_CMDQ_PROD:
        return rd32(z, SM3_CMDQ_PROD) + (sel & 7);
    case SM3_EVENTQ_CONS:
        return rd32(z, SM3_EVENTQ_PROD) ^ (sel & 1 ? 0 : SM3_Q_OVFLG);
    case SM3_PRIQ_CONS:
        return rd32(z, SM3_PRIQ_PROD);
    case SM3_GBPA:
        return SM3_GBPA_UPDATE | ((uint32_t)sel << 14);
    case SM3_STRTAB_BASE_CFG:
        return z->strtab_cfg ^ (sel & 1 ? 0 : 1u << (sel % 18));
    case SM3_STRTAB_BASE:
        return z->b.strtab | (sel & 1 ? SM3_STRTAB_BASE_RA : 0);
    case SM3_CMDQ_BASE:
        return z->cmdq_pa | (sel % 20);
    case SM3_EVENTQ_BASE:
        return z->evtq_pa | (sel % 20);
    case SM3_PRIQ_BASE:
        return z->priq_pa | (sel % 20);
    case SM3_GERROR_IRQ_CFG0:
    case SM3_EVENTQ_IRQ_CFG0:
    case SM3_PRIQ_IRQ_CFG0:
        return sel & 1 ? 0 : z->msi_pa + (sel & 0x3c);
    default:
        return sel;
    }
}

static void op_mmio_write(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    uint32_t off = reg_offsets[fz_pick(&z->in, G_N_ELEMENTS(reg_offsets))];
    unsigned size = (b & 3) == 3 ? 8 : 4;
    uint64_t v = reg_value(z, off);

    if ((b & 0x1c) == 0x1c) {
        static const unsigned odd[4] = { 1, 2, 3, 16 };

        size = odd[fz_bits(b, 5, 2)];
    } else if ((b & 0xe0) == 0xe0) {
        off += 2;                       /* misaligned */
    }
    mmio_w(z, off, v, size);
    oracle_sync(z);
}

static void op_mmio_read(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    uint32_t off = reg_offsets[fz_pick(&z->in, G_N_ELEMENTS(reg_offsets))];
    unsigned size = (b & 1) ? 8 : 4;
    uint64_t v[2] = { 0, 0 };
    Inst *in;

    if ((b & 0x0e) == 0x0e) {
        size = (b >> 4) & 0xf;
    } else if ((b & 0x30) == 0x30) {
        off += 4 * (b >> 6);
    }
    FOR_INST(z, in) {
        v[_i] = sm3_mmio_read(in->s, off, size);
        check_quiet(in);
    }
    if (size == 4) {
        FZ_CHECK(v[0] <= UINT32_MAX, "32-bit read of 0x%x gave 0x%" PRIx64,
                 off, v[0]);
    }
    if (z->oracle) {
        FZ_CHECK(v[0] == v[1], "oracle: register 0x%x reads 0x%" PRIx64
                 " vs 0x%" PRIx64, off, v[0], v[1]);
    }
}

static const uint8_t opcodes[] = {
    SM3_CMD_PREFETCH_CONFIG, SM3_CMD_PREFETCH_ADDR, SM3_CMD_CFGI_STE,
    SM3_CMD_CFGI_STE_RANGE, SM3_CMD_CFGI_CD, SM3_CMD_CFGI_CD_ALL,
    SM3_CMD_CFGI_VMS_PIDM, SM3_CMD_TLBI_NH_ALL, SM3_CMD_TLBI_NH_ASID,
    SM3_CMD_TLBI_NH_VA, SM3_CMD_TLBI_NH_VAA, SM3_CMD_TLBI_EL3_ALL,
    SM3_CMD_TLBI_EL3_VA, SM3_CMD_TLBI_EL2_ALL, SM3_CMD_TLBI_EL2_ASID,
    SM3_CMD_TLBI_EL2_VA, SM3_CMD_TLBI_EL2_VAA, SM3_CMD_TLBI_S12_VMALL,
    SM3_CMD_TLBI_S2_IPA, SM3_CMD_TLBI_NSNH_ALL, SM3_CMD_ATC_INV,
    SM3_CMD_PRI_RESP, SM3_CMD_RESUME, SM3_CMD_STALL_TERM, SM3_CMD_SYNC,
    SM3_CMD_SYNC, SM3_CMD_TLBI_NH_VA, SM3_CMD_CFGI_STE, 0x00, 0xff,
};

static uint32_t pick_sid(Fz *z, uint8_t b)
{
    if ((b & 0xf) == 0xf) {
        return fz_u32(&z->in);
    }
    return z->streams[b % NSTREAMS].sid;
}

/* An input address: in a window, a little past it, RAM, or anything. */
static uint64_t pick_addr(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    static const uint64_t wins[8] = {
        WIN_PAGES, WIN_PAGES, WIN_PAGES, WIN_GLOBAL, WIN_BLOCK, WIN_PAGES,
        0, WIN_BLOCK + (UINT64_C(1) << 21),
    };
    static const uint8_t gs[4] = { PAGE_STRIDE, PAGE_STRIDE, 12, 14 };
    uint64_t a;

    if ((b & 0x1f) == 0x1f) {
        return fz_u64(&z->in);
    }
    a = wins[b & 7] + ((uint64_t)fz_bits(b, 3, 3) << gs[fz_bits(b, 6, 2)]);
    a += (fz_u8(&z->in) & 0xfc) * 8;
    if ((b & 0x1f) == 0x1e) {
        a |= (uint64_t)fz_u8(&z->in) << 56;       /* tagged / upper */
    }
    return a;
}

static uint16_t pick_vmid(Fz *z, uint8_t b)
{
    uint16_t v = z->vmid_raw[b % NVMID];

    switch ((b >> 2) & 3) {
    case 0:
        return v & ~0x80u;
    case 1:
        return v | 0x80u;
    case 2:
        return v;
    default:
        return fz_u16(&z->in);
    }
}

static void make_cmd(Fz *z, uint64_t *dw0, uint64_t *dw1)
{
    uint8_t op = opcodes[fz_pick(&z->in, G_N_ELEMENTS(opcodes))];
    uint8_t b = fz_u8(&z->in), c = fz_u8(&z->in);
    uint64_t d0 = op, d1 = 0;

    switch (op) {
    case SM3_CMD_PREFETCH_CONFIG:
    case SM3_CMD_PREFETCH_ADDR:
    case SM3_CMD_CFGI_STE:
    case SM3_CMD_CFGI_CD:
    case SM3_CMD_CFGI_CD_ALL:
    case SM3_CMD_CFGI_STE_RANGE:
    case SM3_CMD_ATC_INV:
    case SM3_CMD_PRI_RESP:
        d0 |= sm_prep(SM3_CMD0_SID, pick_sid(z, b)) |
              sm_prep(SM3_CMD0_SSID, c & 7) |
              ((c & 8) ? SM3_CMD0_SSV : 0);
        if (op == SM3_CMD_CFGI_STE_RANGE) {
            d1 = fz_u8(&z->in) & 31;
        } else if (op == SM3_CMD_ATC_INV || op == SM3_CMD_PREFETCH_ADDR) {
            d0 |= (c & 16) ? SM3_CMD0_ATC_GLOBAL : 0;
            d1 = (pick_addr(z) & SM3_CMD1_ATC_ADDR) |
                 (fz_u8(&z->in) & 0x3f);
        } else if (op == SM3_CMD_PRI_RESP) {
            d1 = sm_prep(SM3_CMD1_PRI_GRPID, fz_u16(&z->in)) |
                 sm_prep(SM3_CMD1_PRI_RESP, c >> 5);
        } else {
            d1 = (c >> 4) & 1;                    /* Leaf */
        }
        break;
    case SM3_CMD_RESUME:
    case SM3_CMD_STALL_TERM:
        if (z->a.n_out && !(c & 0x80)) {
            const Stall *st = &z->a.out[b % z->a.n_out];

            d0 |= sm_prep(SM3_CMD0_SID, st->sid);
            d1 = st->stag;
        } else {
            d0 |= sm_prep(SM3_CMD0_SID, pick_sid(z, b));
            d1 = fz_u16(&z->in);
        }
        d0 |= sm_prep(SM3_CMD0_RESUME_AC, c & 3);
        break;
    case SM3_CMD_SYNC:
        d0 |= sm_prep(SM3_CMD0_SYNC_CS, c & 3) |
              sm_prep(SM3_CMD0_SYNC_MSH, (c >> 2) & 3) |
              sm_prep(SM3_CMD0_SYNC_MSIATTR, c >> 4) |
              sm_prep(SM3_CMD0_SYNC_MSIDATA, fz_u8(&z->in));
        d1 = (b & 1) ? 0 : (b & 2) ? fz_u64(&z->in) & SM3_CMD1_SYNC_MSIADDR
                                   : z->msi_pa + 32;
        break;
    default:
        /* TLBI_*: VMID, ASID, address, range fields */
        d0 |= sm_prep(SM3_CMD0_TLBI_VMID, pick_vmid(z, b)) |
              sm_prep(SM3_CMD0_TLBI_ASID,
                      (c & 0x80) ? fz_u16(&z->in) : z->asid[c % NASID]);
        if ((c >> 2) & 1) {
            d0 |= sm_prep(SM3_CMD0_TLBI_NUM, fz_u8(&z->in)) |
                  sm_prep(SM3_CMD0_TLBI_SCALE, fz_u8(&z->in));
        }
        d1 = (pick_addr(z) & SM3_CMD1_TLBI_VA) |
             sm_prep(SM3_CMD1_TLBI_LEAF, (c >> 3) & 1) |
             sm_prep(SM3_CMD1_TLBI_TTL, (c >> 4) & 3) |
             sm_prep(SM3_CMD1_TLBI_TG, (c >> 6) & 1 ? (b >> 4) & 3 : 0);
        break;
    }
    /* Now and then one more bit flipped anywhere (SSec included). */
    if ((b & 0xf0) == 0xf0) {
        uint8_t bit = fz_u8(&z->in);

        if (bit & 64) {
            d1 ^= UINT64_C(1) << (bit & 63);
        } else {
            d0 ^= UINT64_C(1) << (bit & 63);
        }
    }
    *dw0 = d0;
    *dw1 = d1;
}

static void op_commands(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    unsigned n = 1 + (b & 3), i;

    for (i = 0; i < n; i++) {
        uint64_t d0, d1;

        if ((b & 0x30) == 0x30 && i == 0) {
            d0 = fz_u64(&z->in);           /* anything at all */
            d1 = fz_u64(&z->in);
        } else {
            make_cmd(z, &d0, &d1);
        }
        push_cmd(z, d0, d1);
    }
    if (!(b & 0x40)) {
        process(z, 1 + (b >> 7) * 63);
    }
}

/* Resolve a stall we hold, by RESUME or STALL_TERM. */
static void op_resume(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    const Stall *st;

    if (!z->a.n_out) {
        return;
    }
    st = &z->a.out[fz_bits(b, 2, 6) % z->a.n_out];
    if (b & 2) {
        push_cmd(z, SM3_CMD_STALL_TERM | sm_prep(SM3_CMD0_SID, st->sid), 0);
    } else {
        push_cmd(z, SM3_CMD_RESUME | sm_prep(SM3_CMD0_SID, st->sid) |
                 sm_prep(SM3_CMD0_RESUME_AC, b & 1), st->stag);
    }
    push_cmd(z, SM3_CMD_SYNC, 0);
    process(z, 4);
}

/* Guest writes to the configuration, tables and queues. */
static void op_mem(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    uint64_t pa, v;
    uint32_t r = fz_u16(&z->in);

    switch (b & 7) {
    case 0:
    case 1:
    case 2:
        if (z->oracle || !z->n_spots) {
            return;
        }
        pa = z->spots[r % z->n_spots];
        break;
    case 3:
        pa = z->cmdq_pa + 8 * (r % (2u << z->cmdq_log2));
        break;
    case 4:
        pa = z->evtq_pa + 8 * (r % (4u << z->evtq_log2));
        break;
    case 5:
        pa = z->priq_pa + 8 * (r % (2u << z->priq_log2));
        break;
    case 6:
        if (z->oracle) {
            return;
        }
        pa = z->b.strtab + 8 * (r % 64);
        break;
    default:
        pa = (fz_u32(&z->in) % MEM_SIZE) & ~UINT64_C(7);
        break;
    }
    v = hr64(z, pa);
    switch (b >> 5) {
    case 0:
    case 1:
        v ^= UINT64_C(1) << (fz_u8(&z->in) & 63);
        break;
    case 2:
        v = fz_u64(&z->in);
        break;
    case 3:
        v = z->n_spots ? hr64(z, z->spots[fz_u16(&z->in) % z->n_spots]) : 0;
        break;
    case 4:
        v &= ~(UINT64_C(0xff) << (8 * (fz_u8(&z->in) & 7)));
        break;
    default:
        v = (v & ~UINT64_C(0xffff)) | fz_u16(&z->in);
        break;
    }
    hw64(z, pa, v);
}

static bool same_xlate(const Sm3Xlate *x, const Sm3Xlate *y)
{
    return x->outcome == y->outcome && x->pa == y->pa &&
           x->mask == y->mask && x->perm == y->perm &&
           x->fault.event == y->fault.event &&
           x->fault.stage2 == y->fault.stage2 &&
           x->fault.class == y->fault.class &&
           x->fault.recorded == y->fault.recorded &&
           x->fault.stall == y->fault.stall &&
           x->fault.stag == y->fault.stag;
}

/* What sm3.h promises about one result. */
static void check_xlate(Inst *in, const Sm3Request *r, const Sm3Xlate *x,
                        bool ats)
{
    uint64_t low56 = (UINT64_C(1) << 56) - 1;

    FZ_CHECK(x->outcome <= SM3_XLATE_STALLED, "%s: outcome %d", in->name,
             x->outcome);
    FZ_CHECK(!x->tlb_hit || x->outcome == SM3_XLATE_OK,
             "%s: tlb_hit with outcome %d", in->name, x->outcome);
    switch (x->outcome) {
    case SM3_XLATE_OK:
        FZ_CHECK(x->mask >= 0xfff && !((x->mask + 1) & x->mask),
                 "%s: mask 0x%" PRIx64, in->name, x->mask);
        FZ_CHECK(!((x->pa ^ r->iova) & x->mask & low56),
                 "%s: pa 0x%" PRIx64 " does not keep the offset of iova 0x%"
                 PRIx64 " under mask 0x%" PRIx64, in->name, x->pa, r->iova,
                 x->mask);
        FZ_CHECK(!(x->perm & ~SM_PERM_ALL), "%s: perm 0x%x", in->name,
                 x->perm);
        /* From tables, so within the OAS (ATS bypass is identity) */
        FZ_CHECK(ats || x->pa >> in->z->f->oas_bits == 0,
                 "%s: pa 0x%" PRIx64 " beyond the OAS", in->name, x->pa);
        break;
    case SM3_XLATE_BYPASS:
        FZ_CHECK(x->pa == r->iova && x->perm == SM_PERM_ALL,
                 "%s: bypass pa 0x%" PRIx64 " perm 0x%x", in->name, x->pa,
                 x->perm);
        break;
    case SM3_XLATE_ABORT:
        FZ_CHECK(x->fault.event == 0, "%s: abort with event 0x%x", in->name,
                 x->fault.event);
        break;
    case SM3_XLATE_FAULT:
        FZ_CHECK(x->fault.event != 0 &&
                 strcmp(sm3_event_name(x->fault.event), "EVT_UNKNOWN"),
                 "%s: fault with event 0x%x", in->name, x->fault.event);
        FZ_CHECK(!x->fault.stall, "%s: terminated fault with Stall = 1",
                 in->name);
        if (ats) {
            FZ_CHECK(!x->fault.recorded ||
                     x->fault.event < SM3_EVT_F_TRANSLATION ||
                     x->fault.event > SM3_EVT_F_PERMISSION,
                     "%s: ATS translation fault 0x%x recorded", in->name,
                     x->fault.event);
        }
        break;
    case SM3_XLATE_STALLED:
        FZ_CHECK(!ats, "%s: an ATS Translation Request stalled", in->name);
        FZ_CHECK(in->z->f->stall_model != SM3_STALL_NONE,
                 "%s: stalled without stall support", in->name);
        FZ_CHECK(x->fault.stall && x->fault.recorded,
                 "%s: STALLED without a recorded Stall = 1 event", in->name);
        FZ_CHECK(x->fault.event >= SM3_EVT_F_TRANSLATION &&
                 x->fault.event <= SM3_EVT_F_PERMISSION,
                 "%s: stall on event 0x%x", in->name, x->fault.event);
        FZ_CHECK(sm3_stall_pending(in->s, r->sid, x->fault.stag),
                 "%s: STALLED (0x%x, 0x%x) is not pending", in->name, r->sid,
                 x->fault.stag);
        {
            unsigned i;

            for (i = 0; i < in->n_out; i++) {
                FZ_CHECK(in->out[i].stag != x->fault.stag,
                         "%s: STAG 0x%x handed out twice", in->name,
                         x->fault.stag);
            }
        }
        FZ_CHECK(in->n_out < MAX_OUT, "%s: too many stalls", in->name);
        in->out[in->n_out].sid = r->sid;
        in->out[in->n_out].stag = x->fault.stag;
        in->n_out++;
        break;
    }
}

/* Oracle failure diagnostics: where the two instances' states differ. */
static void oracle_diff(Fz *z)
{
    Sm3State *a = g_new0(Sm3State, 1), *b = g_new0(Sm3State, 1);
    unsigned i;

    sm3_save(z->a.s, a);
    sm3_save(z->ref.s, b);
    for (i = 0; i < SM3_STATE_REGS; i++) {
        if (a->regs[i] != b->regs[i]) {
            fprintf(stderr, "  register 0x%03x: 0x%08x vs 0x%08x\n", 4 * i,
                    a->regs[i], b->regs[i]);
        }
    }
    fprintf(stderr, "  CR0 0x%x CR2 0x%x STRTAB 0x%" PRIx64 " cfg 0x%x\n",
            a->regs[SM3_CR0 / 4], a->regs[SM3_CR2 / 4],
            a->regs[SM3_STRTAB_BASE / 4] |
            ((uint64_t)a->regs[SM3_STRTAB_BASE / 4 + 1] << 32),
            a->regs[SM3_STRTAB_BASE_CFG / 4]);
    g_free(a);
    g_free(b);
}

static void op_translate(Fz *z, bool ats)
{
    uint8_t b = fz_u8(&z->in), c = fz_u8(&z->in);
    Sm3Request r = { 0 };
    Sm3Xlate x[2];
    Inst *in;

    r.sid = pick_sid(z, b);
    r.ssv = c & 1;
    r.ssid = (c & 0x80) ? fz_u32(&z->in) : (c >> 1) & 3;
    r.iova = pick_addr(z);
    r.size = 1 + ((b >> 4) & 7) * 64;
    r.write = c & 2;
    r.instr = (c & 0x1c) == 0x1c;
    r.priv = c & 0x20;
    r.ats_translated = (c & 0x48) == 0x48;
    z->now += 1000;
    if (z->stale) {
        /* Tables the model read were written: software invalidates */
        sm3_invalidate_all(z->a.s);
        z->stale = false;
    }
    FOR_INST(z, in) {
        if (in == &z->ref) {
            sm3_invalidate_all(in->s);     /* the reference never hits */
        }
        x[_i] = ats ? sm3_ats_translate(in->s, &r) : sm3_translate(in->s, &r);
        in->xlates += !ats || z->f->ats;   /* UUT before counting */
        check_xlate(in, &r, &x[_i], ats);
        check_quiet(in);
        if (in == &z->ref) {
            FZ_CHECK(!x[1].tlb_hit, "ref: TLB hit after invalidate_all");
        }
    }
    if (g_trace) {
        fprintf(stderr, "xlate%s sid 0x%x ssv %d ssid %u iova 0x%" PRIx64
                " w%d p%d: outcome %d hit %d pa 0x%" PRIx64 " event %s\n",
                ats ? "(ats)" : "", r.sid, r.ssv, r.ssid, r.iova, r.write,
                r.priv, x[0].outcome, x[0].tlb_hit, x[0].pa,
                sm3_event_name(x[0].fault.event));
    }
    z->n_xlate++;
    z->n_ok += x[0].outcome == SM3_XLATE_OK;
    z->n_hits += x[0].tlb_hit;
    z->n_stalled += x[0].outcome == SM3_XLATE_STALLED;
    z->n_fault += x[0].outcome == SM3_XLATE_FAULT;
    if (z->oracle && !same_xlate(&x[0], &x[1])) {
        oracle_diff(z);
    }
    if (z->oracle) {
        FZ_CHECK(same_xlate(&x[0], &x[1]),
                 "oracle (%s, %s): sid 0x%x ssv %d ssid 0x%x iova 0x%" PRIx64
                 " w%d i%d p%d t%d:\n  cached: outcome %d pa 0x%" PRIx64
                 " mask 0x%" PRIx64 " perm 0x%x event 0x%x stag 0x%x\n"
                 "  uncached: outcome %d pa 0x%" PRIx64 " mask 0x%" PRIx64
                 " perm 0x%x event 0x%x stag 0x%x",
                 x[0].tlb_hit ? "TLB hit crossed a boundary"
                              : "walk with walk caches differs",
                 ats ? "ATS" : "translate", r.sid, r.ssv, r.ssid, r.iova,
                 r.write, r.instr, r.priv, r.ats_translated, x[0].outcome,
                 x[0].pa, x[0].mask, x[0].perm, x[0].fault.event,
                 x[0].fault.stag, x[1].outcome, x[1].pa, x[1].mask,
                 x[1].perm, x[1].fault.event, x[1].fault.stag);
    }
}

static void op_page_request(Fz *z)
{
    uint8_t b = fz_u8(&z->in), c = fz_u8(&z->in);
    Sm3PageRequest pr = { 0 };
    bool ok[2] = { false, false };
    Inst *in;

    pr.sid = pick_sid(z, b);
    pr.ssv = c & 1;
    pr.ssid = (c >> 1) & 7;
    pr.addr = pick_addr(z);
    pr.grpid = (c & 0x80) ? fz_u16(&z->in) : (b >> 4);
    pr.last = c & 16;
    pr.read = c & 32;
    pr.write = c & 64;
    pr.exec = (b & 0x30) == 0x30;
    pr.priv = b & 0x40;
    FOR_INST(z, in) {
        ok[_i] = sm3_page_request(in->s, &pr);
        FZ_CHECK(!ok[_i] || z->f->pri, "%s: page request queued without "
                 "IDR0.PRI", in->name);
        check_quiet(in);
    }
    if (z->oracle) {
        FZ_CHECK(ok[0] == ok[1], "oracle: page request %d vs %d", ok[0],
                 ok[1]);
    }
}

/* The host's view of the stalls: those of the restored state. */
static void adopt_stalls(Inst *in, const Sm3State *st)
{
    unsigned i;

    in->n_out = 0;
    for (i = 0; i < SM3_MAX_STALLS; i++) {
        if (st->stalls[i].valid) {
            in->out[in->n_out].sid = st->stalls[i].sid;
            in->out[in->n_out].stag = st->stalls[i].stag;
            in->n_out++;
        }
    }
}

static void op_save_restore(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    Sm3State *s1 = g_new0(Sm3State, 1), *s2 = g_new0(Sm3State, 1);
    Sm3State *bad = NULL;
    Inst *in;

    switch (b & 3) {
    case 0:
    case 1:
        /* Round trip: the state comes back exactly. */
        FOR_INST(z, in) {
            sm3_save(in->s, s1);
            FZ_CHECK(sm3_restore(in->s, s1), "%s: restore of a fresh save "
                     "refused", in->name);
            sm3_save(in->s, s2);
            FZ_CHECK(!memcmp(s1, s2, sizeof(*s1)), "%s: save/restore/save "
                     "differs", in->name);
            check_quiet(in);
        }
        if (b & 4) {
            sm3_save(z->a.s, z->snap);
            z->have_snap = true;
        }
        break;
    case 2:
        /* Back to an earlier snapshot. */
        if (!z->have_snap) {
            break;
        }
        FOR_INST(z, in) {
            if (sm3_restore(in->s, z->snap)) {
                adopt_stalls(in, z->snap);
            }
            check_quiet(in);
        }
        oracle_sync(z);
        break;
    default:
        /* A damaged state: refused without a trace, or taken. */
        bad = g_new0(Sm3State, 1);
        sm3_save(z->a.s, bad);
        switch ((b >> 2) & 3) {
        case 0:
            bad->version ^= 1u << (fz_u8(&z->in) & 31);
            break;
        case 1:
            bad->regs[fz_u16(&z->in) % SM3_STATE_REGS] ^= fz_u32(&z->in);
            break;
        case 2:
            {
                unsigned i = fz_u8(&z->in) % SM3_MAX_STALLS;

                bad->stalls[i].valid = true;
                bad->stalls[i].sid = pick_sid(z, fz_u8(&z->in));
                bad->stalls[i].stag = fz_u16(&z->in);
            }
            break;
        default:
            bad->next_stag = fz_u16(&z->in);
            bad->atc_inv_error = b & 16;
            break;
        }
        FOR_INST(z, in) {
            sm3_save(in->s, s1);
            if (sm3_restore(in->s, bad)) {
                adopt_stalls(in, bad);
            } else {
                sm3_save(in->s, s2);
                FZ_CHECK(!memcmp(s1, s2, sizeof(*s1)), "%s: a refused "
                         "restore changed the state", in->name);
            }
            check_quiet(in);
        }
        oracle_sync(z);
        break;
    }
    g_free(bad);
    g_free(s1);
    g_free(s2);
}

static void op_reset(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    Inst *in;

    FOR_INST(z, in) {
        sm3_reset(in->s);
        FZ_CHECK(in->n_out == 0, "%s: sm3_reset left %u stalls unresolved",
                 in->name, in->n_out);
        check_quiet(in);
    }
    if (!(b & 1)) {
        program(z, false);
    }
    oracle_sync(z);
}

/* A bus-error window over [@lo, @hi) (empty: none), for both memories */
static void set_error(Fz *z, uint64_t lo, uint64_t hi, unsigned dirs)
{
    sm_tm_set_error(g_tm, lo, hi, dirs);
    sm_tm_set_error(g_tm2, lo, hi, dirs);
}

static void op_misc(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    Inst *in;

    switch (b & 7) {
    case 0:
        program(z, true);
        oracle_sync(z);
        break;
    case 1:
        /* Drain both output queues, acknowledging overflow. */
        wr32(z, SM3_EVENTQ_CONS, rd32(z, SM3_EVENTQ_PROD));
        if (z->f->pri) {
            wr32(z, SM3_PRIQ_CONS, rd32(z, SM3_PRIQ_PROD));
        }
        break;
    case 2:
        process(z, 1 + (b >> 3));
        break;
    case 3:
        /* Bus errors: a queue, the MSI area, the tables, or none. */
        z->stale |= z->oracle;     /* cached reads may now fail */
        switch ((b >> 3) & 3) {
        case 0:
            set_error(z, 0, 0, 0);
            break;
        case 1:
            set_error(z, z->q_lo, z->q_hi, 1 + ((b >> 5) % 3));
            break;
        case 2:
            set_error(z, z->evtq_pa, z->evtq_pa + 32, SM_TM_ERR_WRITE);
            break;
        default:
            if (!z->oracle && z->n_spots) {
                uint64_t pa = z->spots[fz_u16(&z->in) % z->n_spots];

                set_error(z, pa, pa + 8, 1 + ((b >> 5) % 3));
            }
            break;
        }
        break;
    case 4:
        z->msi_fail = b & 8;
        z->atc_fail = b & 16;
        break;
    case 5:
        FOR_INST(z, in) {
            sm3_invalidate_all(in->s);
        }
        break;
    default:
        op_resume(z);
        break;
    }
}

/* ---- the program -------------------------------------------------------- */

static void final_checks(Fz *z)
{
    Sm3State *st = g_new0(Sm3State, 1), *st2 = g_new0(Sm3State, 1);
    Inst *in;
    unsigned i, j;

    FOR_INST(z, in) {
        Sm3Stats s = sm3_stats(in->s);

        check_quiet(in);
        FZ_CHECK(s.tlb.lookups == s.tlb.hits + s.tlb.misses &&
                 s.cfg.lookups == s.cfg.hits + s.cfg.misses,
                 "%s: cache statistics do not add up", in->name);
        for (i = 0; i < SM3_WALKC_STAGES; i++) {
            for (j = 0; j < SM3_WALKC_LEVELS; j++) {
                FZ_CHECK(s.walkc[i][j].lookups ==
                         s.walkc[i][j].hits + s.walkc[i][j].misses,
                         "%s: walk cache statistics do not add up",
                         in->name);
            }
        }
        FZ_CHECK(s.translations == in->xlates, "%s: %" PRIu64
                 " translations counted, %" PRIu64 " made", in->name,
                 s.translations, in->xlates);
        for (i = 0; i < 8; i++) {
            FZ_CHECK(sm3_mmio_read(in->s, SM3_IDR0 + 4 * i, 4) == in->idr[i],
                     "%s: ID register 0x%x changed", in->name, 4 * i);
        }
        /* The model holds exactly the stalls the host was told of. */
        sm3_save(in->s, in == &z->a ? st : st2);
        {
            const Sm3State *s_ = in == &z->a ? st : st2;
            unsigned n = 0;

            for (i = 0; i < SM3_MAX_STALLS; i++) {
                if (s_->stalls[i].valid) {
                    n++;
                    FZ_CHECK(find_out(in, s_->stalls[i].sid,
                                      s_->stalls[i].stag) >= 0,
                             "%s: the model holds stall (0x%x, 0x%x) the "
                             "host never got as STALLED", in->name,
                             s_->stalls[i].sid, s_->stalls[i].stag);
                }
            }
            FZ_CHECK(n == in->n_out, "%s: model holds %u stalls, host "
                     "waits for %u", in->name, n, in->n_out);
        }
    }
    if (z->oracle) {
        FZ_CHECK(!memcmp(st, st2, sizeof(*st)), "oracle: the two instances "
                 "ended in different states");
        /* ... and wrote the same records to their memories */
        for (i = 0; i < MEM_PAGES; i++) {
            uint64_t pa = (uint64_t)i << 12;

            FZ_CHECK(!(g_dirty[i / 8] & (1u << (i % 8))) ||
                     !memcmp(g_tm->ram + pa, g_tm2->ram + pa, 4096),
                     "oracle: the two memories differ in page 0x%" PRIx64,
                     pa);
        }
    }
    g_free(st);
    g_free(st2);
}

FZ_ASAN_DEFAULTS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fz *z;
    unsigned ops = 0;
    Inst *in;

    if (!g_tm) {
        g_tm = sm_tm_new(MEM_SIZE);
        g_tm2 = sm_tm_new(MEM_SIZE);
        g_verbose = getenv("FUZZ_SM3_VERBOSE") != NULL;
        g_trace = getenv("FUZZ_SM3_TRACE") != NULL;
    }
    mem_reset();
    z = &g_fz;
    memset(z, 0, sizeof(*z));
    z->in.p = data;
    z->in.n = size;
    z->snap = g_new0(Sm3State, 1);
    if (setup(z)) {
        while (!fz_empty(&z->in) && ops++ < MAX_OPS) {
            uint8_t op = fz_u8(&z->in);

            switch (op % 24) {
            case 0:
            case 1:
            case 2:
                op_mmio_write(z);
                break;
            case 3:
                op_mmio_read(z);
                break;
            case 4:
            case 5:
            case 6:
                op_commands(z);
                break;
            case 7:
            case 8:
                op_mem(z);
                break;
            case 9:
            case 10:
            case 11:
            case 12:
            case 13:
            case 14:
            case 15:
                op_translate(z, false);
                break;
            case 16:
            case 17:
                op_translate(z, true);
                break;
            case 18:
                op_page_request(z);
                break;
            case 19:
                op_save_restore(z);
                break;
            case 20:
                op_reset(z);
                break;
            default:
                op_misc(z);
                break;
            }
        }
        final_checks(z);
        if (g_verbose) {
            Sm3Stats st = sm3_stats(z->a.s);

            fprintf(stderr, "fuzz-sm3: %s s1 %d s2 %d ats %d stall %d "
                    "gran %x: %u ops, %u xlate: %u ok (%u TLB hits), %u "
                    "fault, %u stalled; %" PRIu64 " commands, %" PRIu64
                    " events, %u S1 trees\n", z->oracle ? "oracle" : "free",
                    z->f->stage1, z->f->stage2, z->f->ats,
                    z->f->stall_model, z->f->granules, ops, z->n_xlate,
                    z->n_ok, z->n_hits, z->n_fault, z->n_stalled,
                    st.commands, st.events, z->n_s1);
        }
    }
    FOR_INST(z, in) {
        sm3_free(in->s);
    }
    g_free(z->snap);
    return 0;
}
