/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the SMMUv2 / MMU-500 model (models/smmuv2): one
 * structured program per input.
 *
 * The first bytes choose a feature set (stages, nested, NUMSMRG, NUMCB,
 * NUMS2CB, NUMSIDB with or without EXIDS, register page size and
 * NUMPAGENDXB, granules, IAS/OAS/UBS, VMID16) and a TLB geometry.  The
 * raw choice may break the rules: sm2_config_error() and sm2_new() must
 * then both refuse it, and accept it otherwise; the harness repairs it
 * and goes on with a set the model accepts.  Then a starting point:
 * context banks for stage 1 (up to three ASIDs, each with its own
 * tables, optionally a TTBR1 region), stage 2 and nested translation
 * (stage 1 on top of a stage-2 bank), with 4K/16K/64K page tables in
 * guest memory (pages with their own permissions, some unmapped, nG = 0
 * pages, a level-2 block; little- or big-endian), stream match groups
 * and S2CRs pointing at them (some bypass or fault), sCR0 enabled.
 *
 * The rest is a sequence of operations: 32/64-bit MMIO writes and reads
 * at every register offset of GR0, GR1 and the context banks (arrays
 * included, one past the end too), reserved offsets, pages without
 * registers and accesses of bad size or alignment; guest-memory writes
 * into the tables (leaf edits a driver would make, or raw qwords);
 * translations with set-up or random StreamIDs, addresses in the
 * mapped windows or anywhere, read/write/instruction/privileged; TLB
 * maintenance with meaningful operands; ASID switches; stream
 * reprogramming; fault clearing and injection; sm2_save()/sm2_restore()
 * round trips into a second instance of the same configuration, restores
 * of earlier and of damaged states; sm2_reset().
 *
 * Every hook call and result is checked against what sm2.h and
 * sm-host.h promise (FZ_CHECK traps on a violation).  The cached
 * instance may be timed (Sm2Config.timing, a preset of sm-timing):
 * latencies then come with every result, and the results must be those
 * of the untimed reference.
 *
 * TLB oracle (mode bit in the first byte): a second instance gets the
 * same MMIO writes and reads the same memory, but empties its TLB
 * (TLBIALLNSNH) before every translation.  The SMMUv2 TLB need only be
 * coherent once software has invalidated what it changed, so the harness
 * keeps the list of what it changed and has not yet invalidated, with
 * its own reading of the architecture: a descriptor edit is owed by the
 * VMID, ASID (unless nG = 0) and address range it maps, a change to a
 * bank's translation registers by the bank's VMID, a change of any
 * VMID (CBAR, CBA2R, sCR0.VMID16EN) or a raw write to memory the model
 * has read by everything.  TLB maintenance removes what it covers
 * (TLBIVA/VAL by VA and ASID or global, TLBIVAA/VAAL by VA, TLBIASID,
 * TLBIALL and TLBIVMID, TLBIIPAS2/L by IPA and, as sm2.h documents,
 * nested entries of that VMID; TLBIALLNSNH, reset and restore
 * everything).  The two instances must give the same answer whenever
 * nothing is owed; otherwise the reference is resynchronised from the
 * cached instance.  Switching a bank between its ASIDs (TTBR0/1 to
 * another ASID and its own tables) owes nothing: entries of other ASIDs
 * must not answer.  While a bank walks memory that is not its own
 * (registers changed to anything but its set-up values), an edit of
 * the tables is owed by everything.
 */
#include <string.h>

#include <glib.h>

#include "fuzz-common.h"
#include "fuzz-geo.h"
#include "sm-ptbuild.h"
#include "sm-testmem.h"
#include "sm2-regs.h"
#include "sm2.h"

#define MEM_SIZE      (16u << 20)
#define MEM_PAGES     (MEM_SIZE >> 12)
#define NCTX          6
#define NSLOT         3
#define NSTREAMS      8
#define NPAGES        8
#define NGLOBAL       4
#define MAX_OPS       400
#define MAX_DIRTY     24
#define MAX_CB        128
#define MAX_LINES     (1 + MAX_CB)
#define FULL_COMPARES 2           /* register-file compares per input */

/* Input address windows (VA or IPA), all below 4 GiB, 64 KiB apart. */
#define WIN_PAGES     UINT64_C(0x40000000)   /* pages, own permissions */
#define WIN_GLOBAL    UINT64_C(0x60000000)   /* stage 1: nG = 0 pages */
#define WIN_BLOCK     UINT64_C(0x80000000)   /* one level-2 block */
#define WIN_IPA       UINT64_C(0x20000000)   /* nested: stage-1 outputs */
#define WIN_IPA_BLOCK UINT64_C(0xa0000000)   /* nested: stage-1 blocks */
#define IPA_SPAN      UINT64_C(0x01000000)   /* mapped part of WIN_IPA */
#define PA_IPA        UINT64_C(0xe0000000)   /* WIN_IPA's stage-2 output */
#define PA_IPA_BLOCK  UINT64_C(0x60000000)   /* WIN_IPA_BLOCK's */
#define PA_S1         UINT64_C(0xc0000000)
#define PA_S2         UINT64_C(0xd0000000)
#define PA_GLOBAL     UINT64_C(0xb0000000)
#define PAGE_STRIDE   16

/* ---- geometry ----------------------------------------------------------- */


static SmGranule gran(unsigned gs)
{
    return gs == 12 ? SM_GRANULE_4K : gs == 14 ? SM_GRANULE_16K
                                               : SM_GRANULE_64K;
}

/* TCR.TG0 / VTCR.TG0 and TCR.TG1 encodings */
static unsigned tg0_enc(unsigned gs)
{
    return gs == 12 ? 0 : gs == 16 ? 1 : 2;
}

static unsigned tg1_enc(unsigned gs)
{
    return gs == 12 ? 2 : gs == 14 ? 1 : 3;
}

/* Bytes one level-2 descriptor maps: 2 MiB, 32 MiB or 512 MiB. */
static uint64_t l2_size(unsigned gs)
{
    return UINT64_C(1) << (gs + (gs - 3));
}

/* ---- state -------------------------------------------------------------- */

typedef struct Fz Fz;

/* One model instance and what its hooks have seen. */
typedef struct Inst {
    Fz *z;
    Sm2 *s;
    const char *name;
    bool irq[MAX_LINES];
    unsigned irq_calls;
    uint64_t hits;           /* tlb_hit results */
} Inst;

enum { CTX_S1, CTX_S2, CTX_NESTED };

/* One translation table tree and where its tables are. */
typedef struct Tree {
    SmPt pt;
    bool be;
    uint64_t lo, hi;
} Tree;

typedef struct Ctx {
    uint8_t kind;
    uint8_t bank;
    int8_t s2c;              /* nested: its stage-2 context */
    const Geo *geo;
    bool upper;              /* stage 1: a TTBR1 region too */
    bool be;                 /* SCTLR.E */
    bool as16;               /* TCR2.AS */
    unsigned nslot;          /* ASIDs, each with its own tables */
    uint16_t asid[NSLOT];
    uint16_t vmid8, vmid16;
    uint32_t seed;
    Tree t0[NSLOT], t1[NSLOT];
    Tree s2;
    uint32_t cbar, cba2r, sctlr, tcr, tcr2;
    uint64_t ttbr0[NSLOT], ttbr1[NSLOT];
} Ctx;

typedef struct Stream {
    uint32_t sid;
    uint32_t smr, s2cr;
} Stream;

/* Something changed and not yet invalidated (oracle). */
enum { D_VMID_S1, D_VMID_S2, D_PAGE_S1, D_PAGE_S2 };

typedef struct Dirty {
    uint8_t kind;
    bool global;             /* D_PAGE_S1: an nG = 0 leaf */
    uint16_t vmid, asid;
    uint64_t lo, hi;         /* D_PAGE_*: input range of the leaf */
} Dirty;

/* A bank's translation registers, as read. */
typedef struct BankRegs {
    uint32_t cbar, cba2r, sctlr, tcr, tcr2;
    uint64_t ttbr0, ttbr1;
} BankRegs;

struct Fz {
    FzIn in;
    bool oracle;
    Sm2Config cfg;
    Sm2Features *f;
    uint64_t page;           /* register page bytes */
    unsigned numpage;        /* 2^(NUMPAGENDXB + 1) */
    Inst a, ref, rt;         /* ref: oracle only; rt: restore target */
    bool timing;             /* a is timed (sm-timing), ref and rt not */
    SmTimingParams tp;
    uint64_t now;            /* SmHost.now_ns */
    uint32_t idr[3];
    Ctx ctx[NCTX];
    unsigned nctx;
    int8_t bank_ctx[MAX_CB]; /* context of each bank, or -1 */
    Stream st[NSTREAMS];
    unsigned nst;
    uint32_t scr0;
    uint32_t seed;
    /* oracle bookkeeping */
    bool quiet;              /* setup: no bookkeeping */
    bool dirty_all;
    Dirty dirty[MAX_DIRTY];
    unsigned n_dirty;
    bool wild[MAX_CB];       /* bank walks memory not its own */
    unsigned n_wild;
    /* sm2_save() snapshots */
    size_t nwords;
    uint32_t *snap, *w1, *w2;
    unsigned full_compares;
    /* what this input reached ($FUZZ_SM2_VERBOSE prints it) */
    unsigned n_xlate, n_ok, n_hits, n_bypass, n_fault, n_cmp, n_cmp_hit;
    unsigned n_tlbi, n_edit;
};

/*
 * The flat memory lives across inputs: what the previous input allocated
 * or scribbled on is zeroed again before the next one.  The model only
 * reads it (SMMUv2 has no hardware table updates), so the oracle's two
 * instances share it.
 */
static SmTestMem *g_tm;
static Fz g_fz;
static bool g_verbose, g_trace, g_debug;
static uint64_t g_alloc_hw;
static uint8_t g_scribbled[MEM_PAGES / 8];
/* Pages the cached instance read descriptors from (oracle). */
static uint8_t g_read[MEM_PAGES / 8];

static bool page_marked(const uint8_t *map, uint64_t pa)
{
    uint64_t p = pa >> 12;

    return pa < MEM_SIZE && (map[p / 8] & (1u << (p % 8)));
}

static void mark_page(uint8_t *map, uint64_t pa)
{
    uint64_t p = pa >> 12;

    if (pa < MEM_SIZE) {
        map[p / 8] |= 1u << (p % 8);
    }
}

static void mem_reset(void)
{
    unsigned p;

    if (g_alloc_hw > 0x10000) {
        memset(g_tm->ram + 0x10000, 0, g_alloc_hw - 0x10000);
    }
    for (p = 0; p < MEM_PAGES; p++) {
        if (g_scribbled[p / 8] & (1u << (p % 8))) {
            memset(g_tm->ram + ((uint64_t)p << 12), 0, 4096);
        }
    }
    memset(g_scribbled, 0, sizeof(g_scribbled));
    memset(g_read, 0, sizeof(g_read));
    g_tm->next = 0x10000;
    g_alloc_hw = 0x10000;
    g_tm->be = false;
    g_tm->err_lo = g_tm->err_hi = 0;
    g_tm->reads = g_tm->writes = 0;
    g_tm->n_logs = 0;
}

/* ---- table memory (SmPtMem with each tree's byte order) ---------------- */

static uint64_t pt_alloc(void *opaque, uint64_t size, uint64_t align)
{
    uint64_t pa = sm_tm_alloc(g_tm, size, align);

    g_alloc_hw = MAX(g_alloc_hw, g_tm->next);
    return pa;
}

/* Host-side accesses; tables the fuzzer redirected may point anywhere. */
static uint64_t mem_r64(uint64_t pa, bool be)
{
    uint64_t v;

    if (pa > MEM_SIZE - 8) {
        return 0;
    }
    memcpy(&v, g_tm->ram + pa, 8);
    return be ? GUINT64_FROM_BE(v) : GUINT64_FROM_LE(v);
}

static void mem_w64(uint64_t pa, uint64_t v, bool be)
{
    if (pa > MEM_SIZE - 8) {
        return;
    }
    v = be ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v);
    memcpy(g_tm->ram + pa, &v, 8);
}

static uint64_t pt_read64(void *opaque, uint64_t pa)
{
    return mem_r64(pa, *(bool *)opaque);
}

static void pt_write64(void *opaque, uint64_t pa, uint64_t v)
{
    mem_w64(pa, v, *(bool *)opaque);
}

static SmPtMem pt_mem(Tree *t)
{
    return (SmPtMem) { .opaque = &t->be, .alloc = pt_alloc,
                       .read64 = pt_read64, .write64 = pt_write64 };
}

/* ---- hooks and their contracts ------------------------------------------ */

/* Bits of the largest address the SMMU can put on the bus. */
static unsigned out_bits(const Fz *z)
{
    return z->f->s2 ? MAX(z->f->ias_bits, z->f->oas_bits) : z->f->oas_bits;
}

static SmBusResult h_read(void *opaque, uint64_t pa, void *buf, size_t len,
                          SmAttrs attrs)
{
    Inst *in = opaque;
    Fz *z = in->z;

    FZ_CHECK(buf != NULL, "%s: read with a NULL buffer", in->name);
    /* The only reads an SMMUv2 makes are descriptor fetches. */
    FZ_CHECK(len == 8 && pa % 8 == 0, "%s: read of %zu bytes at 0x%" PRIx64,
             in->name, len, pa);
    FZ_CHECK(pa >> out_bits(z) == 0, "%s: read at 0x%" PRIx64 " beyond "
             "%u address bits", in->name, pa, out_bits(z));
    FZ_CHECK(!attrs.secure, "%s: Secure access by a Non-secure model",
             in->name);
    if (in == &z->a) {
        mark_page(g_read, pa);
    }
    return sm_tm_read(g_tm, pa, buf, len, attrs);
}

static SmBusResult h_write(void *opaque, uint64_t pa, const void *buf,
                           size_t len, SmAttrs attrs)
{
    Inst *in = opaque;

    /* SMMUv2 has no hardware Access flag or dirty state updates. */
    FZ_CHECK(false, "%s: write of %zu bytes at 0x%" PRIx64, in->name, len,
             pa);
    return SM_BUS_ERROR;
}

static void h_set_irq(void *opaque, unsigned line, bool level)
{
    Inst *in = opaque;

    FZ_CHECK(line < 1u + in->z->f->numcb, "%s: set_irq line %u with %u "
             "context banks", in->name, line, in->z->f->numcb);
    FZ_CHECK(in->irq[line] != level, "%s: set_irq(%u, %d) twice", in->name,
             line, level);
    in->irq[line] = level;
    in->irq_calls++;
}

static SmBusResult h_send_msi(void *opaque, uint64_t addr, uint32_t data,
                              SmAttrs attrs)
{
    FZ_CHECK(false, "%s: MSI from an SMMUv2", ((Inst *)opaque)->name);
    return SM_BUS_ERROR;
}

static uint64_t h_now(void *opaque)
{
    return ((Inst *)opaque)->z->now;
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

    FZ_CHECK(inv->scope <= SM_INVAL_RANGE, "%s: inval scope %d", in->name,
             inv->scope);
    FZ_CHECK(inv->scope != SM_INVAL_ALL || (!inv->has_asid &&
                                            !inv->has_vmid),
             "%s: ALL invalidation with a tag", in->name);
    FZ_CHECK(inv->scope != SM_INVAL_ASID || inv->has_asid,
             "%s: ASID invalidation without an ASID", in->name);
    FZ_CHECK(inv->scope != SM_INVAL_VMID || (inv->has_vmid &&
                                             !inv->has_asid),
             "%s: VMID invalidation scope", in->name);
    if (inv->scope == SM_INVAL_RANGE) {
        FZ_CHECK(inv->size >= 4096 && !(inv->size & (inv->size - 1)) &&
                 !(inv->addr & (inv->size - 1)),
                 "%s: range 0x%" PRIx64 " + 0x%" PRIx64, in->name,
                 inv->addr, inv->size);
    }
    FZ_CHECK(!inv->stage2 || !inv->has_asid, "%s: stage-2 invalidation "
             "with an ASID", in->name);
    FZ_CHECK(in->z->f->vmid16 || inv->vmid <= 0xff,
             "%s: 16-bit VMID 0x%x without sIDR2.VMID16", in->name,
             inv->vmid);
}

static void h_atc_invalidate(void *opaque, uint32_t sid, uint32_t ssid,
                             bool ssv, uint64_t addr, uint64_t size)
{
    FZ_CHECK(false, "%s: ATC invalidation from an SMMUv2",
             ((Inst *)opaque)->name);
}

static void h_pri_response(void *opaque, uint32_t sid, uint32_t ssid,
                           bool ssv, uint16_t grpid, unsigned resp)
{
    FZ_CHECK(false, "%s: PRI response from an SMMUv2",
             ((Inst *)opaque)->name);
}

/* ---- registers: the harness's own map (IHI 0062) ------------------------ */

enum { SP_GR0, SP_GR1, SP_CB, SP_NONE };

enum {
    R_RW,                    /* read back what was written (within masks) */
    R_RO,                    /* identification, status */
    R_W1C,                   /* FSR, sGFSR */
    R_WO,                    /* TLB maintenance, syncs: read as zero */
    R_OP,                    /* ATS1*, GATS*, RESUME: read as zero */
    R_ZERO,                  /* TLBSTATUS, sTLBGSTATUS: always zero */
};

enum { A_ONE, A_SMRG, A_CB };

typedef struct RegDef {
    uint8_t space;
    uint16_t off;
    uint8_t size;
    uint8_t kind;
    uint8_t arr;
} RegDef;

static const RegDef regs[] = {
    { SP_GR0, SM2_SCR0, 4, R_RW, A_ONE },
    { SP_GR0, SM2_SACR, 4, R_RW, A_ONE },
    { SP_GR0, SM2_SIDR0, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR1, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR2, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR0 + 0xc, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR0 + 0x10, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR0 + 0x14, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR0 + 0x18, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SIDR7, 4, R_RO, A_ONE },
    { SP_GR0, SM2_SGFAR, 8, R_RW, A_ONE },
    { SP_GR0, SM2_SGFSR, 4, R_W1C, A_ONE },
    { SP_GR0, SM2_SGFSRRESTORE, 4, R_RW, A_ONE },
    { SP_GR0, SM2_SGFSYNR0, 4, R_RW, A_ONE },
    { SP_GR0, SM2_SGFSYNR1, 4, R_RW, A_ONE },
    { SP_GR0, SM2_SGFSYNR2, 4, R_RW, A_ONE },
    { SP_GR0, SM2_TLBIVMID, 4, R_WO, A_ONE },
    { SP_GR0, SM2_TLBIALLNSNH, 4, R_WO, A_ONE },
    { SP_GR0, SM2_TLBIALLH, 4, R_WO, A_ONE },
    { SP_GR0, SM2_STLBGSYNC, 4, R_WO, A_ONE },
    { SP_GR0, SM2_STLBGSTATUS, 4, R_ZERO, A_ONE },
    { SP_GR0, SM2_SGATS1UR, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS1UW, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS1PR, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS1PW, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS12UR, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS12UW, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS12PR, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGATS12PW, 8, R_OP, A_ONE },
    { SP_GR0, SM2_SGPAR, 8, R_RO, A_ONE },
    { SP_GR0, SM2_SGATSR, 4, R_ZERO, A_ONE },
    { SP_GR0, SM2_SMR(0), 4, R_RW, A_SMRG },
    { SP_GR0, SM2_S2CR(0), 4, R_RW, A_SMRG },
    { SP_GR1, SM2_CBAR(0), 4, R_RW, A_CB },
    { SP_GR1, SM2_CBFRSYNRA(0), 4, R_RO, A_CB },
    { SP_GR1, SM2_CBA2R(0), 4, R_RW, A_CB },
    { SP_CB, SM2_CB_SCTLR, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_ACTLR, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_RESUME, 4, R_OP, A_ONE },
    { SP_CB, SM2_CB_TCR2, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_TTBR0, 8, R_RW, A_ONE },
    { SP_CB, SM2_CB_TTBR1, 8, R_RW, A_ONE },
    { SP_CB, SM2_CB_TCR, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_CONTEXTIDR, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_MAIR0, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_MAIR1, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_PAR, 8, R_RO, A_ONE },
    { SP_CB, SM2_CB_FSR, 4, R_W1C, A_ONE },
    { SP_CB, SM2_CB_FSRRESTORE, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_FAR, 8, R_RW, A_ONE },
    { SP_CB, SM2_CB_FSYNR0, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_FSYNR1, 4, R_RW, A_ONE },
    { SP_CB, SM2_CB_IPAFAR, 8, R_RW, A_ONE },
    { SP_CB, SM2_CB_TLBIVA, 8, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIVAA, 8, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIASID, 4, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIALL, 4, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIVAL, 8, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIVAAL, 8, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIIPAS2, 8, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBIIPAS2L, 8, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBSYNC, 4, R_WO, A_ONE },
    { SP_CB, SM2_CB_TLBSTATUS, 4, R_ZERO, A_ONE },
    { SP_CB, SM2_CB_ATS1PR, 8, R_OP, A_ONE },
    { SP_CB, SM2_CB_ATS1PW, 8, R_OP, A_ONE },
    { SP_CB, SM2_CB_ATS1UR, 8, R_OP, A_ONE },
    { SP_CB, SM2_CB_ATS1UW, 8, R_OP, A_ONE },
    { SP_CB, SM2_CB_ATSR, 4, R_ZERO, A_ONE },
};

/* Where frame offset @off lands in the harness's reading. */
typedef struct Loc {
    uint8_t space;           /* SP_NONE: a page without registers */
    unsigned bank;           /* SP_CB */
    uint32_t off;            /* within the page */
    const RegDef *r;         /* NULL: reserved */
    unsigned idx;            /* array index */
    bool hi;                 /* upper word of a 64-bit register */
} Loc;

static unsigned arr_count(const Fz *z, const RegDef *r)
{
    return r->arr == A_SMRG ? z->f->numsmrg : r->arr == A_CB ? z->f->numcb
                                                             : 1;
}

static Loc locate(const Fz *z, uint64_t off)
{
    Loc l = { .space = SP_NONE };
    uint64_t pg = off / z->page;
    unsigned i;

    l.off = (uint32_t)(off % z->page);
    if (off >= 2 * (uint64_t)z->numpage * z->page || l.off >= 4096) {
        return l;
    }
    if (pg < 2) {
        l.space = pg == 0 ? SP_GR0 : SP_GR1;
    } else if (pg >= z->numpage && pg - z->numpage < z->f->numcb) {
        l.space = SP_CB;
        l.bank = (unsigned)(pg - z->numpage);
    } else {
        return l;
    }
    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        const RegDef *r = &regs[i];
        uint32_t span = r->size * arr_count(z, r);

        if (r->space == l.space && l.off >= r->off &&
            l.off < r->off + span) {
            l.r = r;
            l.idx = r->arr == A_ONE ? 0 : (l.off - r->off) / 4;
            l.hi = r->size == 8 && l.off == r->off + 4u;
            break;
        }
    }
    return l;
}

static uint64_t gr1(const Fz *z)
{
    return z->page;
}

static uint64_t cbo(const Fz *z, unsigned n)
{
    return (uint64_t)(z->numpage + n) * z->page;
}

static uint32_t rd(Inst *in, uint64_t off)
{
    return (uint32_t)sm2_mmio_read(in->s, off, 4);
}

static uint64_t rd64(Inst *in, uint64_t off)
{
    return sm2_mmio_read(in->s, off, 8);
}

static BankRegs bank_regs(Fz *z, unsigned n)
{
    uint64_t b = cbo(z, n);

    return (BankRegs) {
        .cbar = rd(&z->a, gr1(z) + SM2_CBAR(n)),
        .cba2r = rd(&z->a, gr1(z) + SM2_CBA2R(n)),
        .sctlr = rd(&z->a, b + SM2_CB_SCTLR),
        .tcr = rd(&z->a, b + SM2_CB_TCR),
        .tcr2 = rd(&z->a, b + SM2_CB_TCR2),
        .ttbr0 = rd64(&z->a, b + SM2_CB_TTBR0),
        .ttbr1 = rd64(&z->a, b + SM2_CB_TTBR1),
    };
}

static bool vmid16_on(Fz *z)
{
    return z->f->vmid16 && (rd(&z->a, SM2_SCR0) & SM2_SCR0_VMID16EN);
}

/* The VMID bank @n holds: CBA2R.VMID16 with sCR0.VMID16EN, else CBAR's. */
static uint16_t own_vmid(Fz *z, unsigned n)
{
    if (vmid16_on(z)) {
        return (uint16_t)(rd(&z->a, gr1(z) + SM2_CBA2R(n)) >> 16);
    }
    return (uint16_t)(rd(&z->a, gr1(z) + SM2_CBAR(n)) & 0xff);
}

/*
 * The VMID bank @n's TLB entries and maintenance carry: a nested bank
 * translates in the virtual machine of its stage-2 bank (CBAR[15:8]).
 */
static uint16_t bank_vmid(Fz *z, unsigned n)
{
    uint32_t cbar = rd(&z->a, gr1(z) + SM2_CBAR(n));
    unsigned n2 = (unsigned)sm_get(cbar, SM2_CBAR_S2CBNDX);

    if (z->f->nested &&
        sm_get(cbar, SM2_CBAR_TYPE) == SM2_CBAR_TYPE_NESTED &&
        n2 < z->f->numcb) {
        return own_vmid(z, n2);
    }
    return own_vmid(z, n);
}

static unsigned bank_type(Fz *z, unsigned n)
{
    return (unsigned)sm_get(rd(&z->a, gr1(z) + SM2_CBAR(n)), SM2_CBAR_TYPE);
}

/* ASIDs are 16 bits with TCR2.AS, else 8. */
static uint16_t asid_mask(Fz *z, unsigned n)
{
    return rd(&z->a, cbo(z, n) + SM2_CB_TCR2) & SM2_TCR2_AS ? 0xffff : 0xff;
}

/* ---- interrupts --------------------------------------------------------- */

#define GFSR_CONFIG (SM2_GFSR_ICF | SM2_GFSR_SMCF | SM2_GFSR_UCBF | \
                     SM2_GFSR_UCIF | SM2_GFSR_CAF)
#define GFSR_OTHER  (SM2_GFSR_USF | SM2_GFSR_EF | SM2_GFSR_PF | SM2_GFSR_UUT)

/*
 * sm2.h: level interrupts, high while a fault is outstanding and its
 * enable is set: configuration faults with sCR0.GCFGFIE, the others
 * with GFIE; a bank's with SCTLR.CFIE.
 */
static void check_irq_global(Inst *in)
{
    uint32_t gfsr = rd(in, SM2_SGFSR), scr0 = rd(in, SM2_SCR0);
    bool want = ((gfsr & GFSR_CONFIG) && (scr0 & SM2_SCR0_GCFGFIE)) ||
                ((gfsr & GFSR_OTHER) && (scr0 & SM2_SCR0_GFIE));

    FZ_CHECK(in->irq[SM2_IRQ_GLOBAL] == want, "%s: global interrupt %d "
             "with sGFSR 0x%x sCR0 0x%x", in->name,
             in->irq[SM2_IRQ_GLOBAL], gfsr, scr0);
}

static void check_irq_bank(Inst *in, unsigned n)
{
    Fz *z = in->z;
    uint32_t fsr, sctlr;
    bool want;

    if (n >= z->f->numcb) {
        return;
    }
    fsr = rd(in, cbo(z, n) + SM2_CB_FSR);
    sctlr = rd(in, cbo(z, n) + SM2_CB_SCTLR);
    want = (sctlr & SM2_SCTLR_CFIE) && (fsr & SM2_FSR_FAULTS);
    FZ_CHECK(in->irq[SM2_IRQ_CONTEXT(n)] == want, "%s: context interrupt "
             "%u is %d with FSR 0x%x SCTLR 0x%x", in->name, n,
             in->irq[SM2_IRQ_CONTEXT(n)], fsr, sctlr);
}

static void check_irqs(Inst *in)
{
    unsigned n;

    check_irq_global(in);
    for (n = 0; n < in->z->f->numcb; n++) {
        check_irq_bank(in, n);
    }
}

/* ---- the instances ------------------------------------------------------ */

static Inst *insts(Fz *z, unsigned i)
{
    if (i == 0) {
        return &z->a;
    }
    return i == 1 && z->oracle ? &z->ref : NULL;
}

#define FOR_INST(z, in) \
    for (unsigned _i = 0; ((in) = insts((z), _i)) != NULL; _i++)

static const uint8_t size_enc[] = { 32, 36, 40, 42, 44, 48 };

static unsigned enc_of(unsigned bits)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(size_enc); i++) {
        if (size_enc[i] == bits) {
            return i;
        }
    }
    return 0xff;
}

/* sIDR0..2 fields that follow from the features (IHI 0062). */
static void check_idrs(Inst *in)
{
    const Sm2Features *f = in->z->f;
    uint32_t i0 = rd(in, SM2_SIDR0), i1 = rd(in, SM2_SIDR1);
    uint32_t i2 = rd(in, SM2_SIDR2);

    FZ_CHECK(!!(i0 & SM2_IDR0_S1TS) == f->s1 &&
             !!(i0 & SM2_IDR0_S2TS) == f->s2 &&
             !!(i0 & SM2_IDR0_NTS) == f->nested &&
             !!(i0 & SM2_IDR0_ATOSNS) == f->atosns &&
             !!(i0 & SM2_IDR0_EXIDS) == f->exids &&
             sm_get(i0, SM2_IDR0_NUMSIDB) == MIN(f->numsidb, 15u) &&
             sm_get(i0, SM2_IDR0_NUMSMRG) == (f->numsmrg & 0xff),
             "%s: sIDR0 0x%x", in->name, i0);
    FZ_CHECK(!!(i1 & SM2_IDR1_PAGESIZE) == f->pagesize_64k &&
             sm_get(i1, SM2_IDR1_NUMPAGENDXB) == f->numpagendxb &&
             sm_get(i1, SM2_IDR1_NUMS2CB) == (f->nums2cb & 0xff) &&
             sm_get(i1, SM2_IDR1_NUMCB) == (f->numcb & 0xff),
             "%s: sIDR1 0x%x", in->name, i1);
    FZ_CHECK(!!(i2 & SM2_IDR2_VMID16) == f->vmid16 &&
             !!(i2 & SM2_IDR2_PTFS_4K) == f->ptfs_4k &&
             !!(i2 & SM2_IDR2_PTFS_16K) == f->ptfs_16k &&
             !!(i2 & SM2_IDR2_PTFS_64K) == f->ptfs_64k &&
             sm_get(i2, SM2_IDR2_IAS) == enc_of(f->ias_bits) &&
             sm_get(i2, SM2_IDR2_OAS) == enc_of(f->oas_bits) &&
             sm_get(i2, SM2_IDR2_UBS) == enc_of(f->ubs_bits),
             "%s: sIDR2 0x%x", in->name, i2);
    FZ_CHECK(sm2_mmio_size(in->s) == 2 * (uint64_t)in->z->numpage *
             in->z->page, "%s: frame of 0x%" PRIx64 " bytes", in->name,
             sm2_mmio_size(in->s));
}

/*
 * Bits no write can set (RES0 for this configuration): the TYPE of
 * stage-2-only banks, VMID16 without sIDR2.VMID16, SMR bits beyond
 * NUMSIDB without EXIDS, the sCR0 enables of absent features.
 */
static void check_res0(Inst *in)
{
    Fz *z = in->z;
    const Sm2Features *f = z->f;
    uint32_t scr0 = rd(in, SM2_SCR0);
    unsigned n;

    FZ_CHECK((f->vmid16 || !(scr0 & SM2_SCR0_VMID16EN)) &&
             (f->exids || !(scr0 & SM2_SCR0_EXIDENABLE)),
             "%s: sCR0 0x%x", in->name, scr0);
    for (n = 0; n < f->nums2cb; n++) {
        uint32_t cbar = rd(in, gr1(z) + SM2_CBAR(n));

        FZ_CHECK(sm_get(cbar, SM2_CBAR_TYPE) == SM2_CBAR_TYPE_S2,
                 "%s: stage-2-only bank %u with CBAR 0x%x", in->name, n,
                 cbar);
    }
    for (n = 0; n < f->numcb && !f->vmid16; n++) {
        uint32_t v = rd(in, gr1(z) + SM2_CBA2R(n));

        FZ_CHECK(!(v & SM2_CBA2R_VMID16), "%s: CBA2R%u 0x%x without "
                 "VMID16", in->name, n, v);
    }
    for (n = 0; n < f->numsmrg && !f->exids; n++) {
        uint32_t smr = rd(in, SM2_SMR(n));
        uint32_t ok = SM2_SMR_VALID | (uint32_t)sm_low_mask(f->numsidb) |
                      (uint32_t)sm_low_mask(f->numsidb) << 16;

        FZ_CHECK(!(smr & ~ok), "%s: SMR%u 0x%x with %u StreamID bits",
                 in->name, n, smr, f->numsidb);
    }
}

/* ---- oracle bookkeeping ------------------------------------------------- */

static void owe(Fz *z, Dirty d)
{
    if (!z->oracle || z->quiet) {
        return;
    }
    if (z->n_dirty == MAX_DIRTY) {
        z->dirty_all = true;
        return;
    }
    z->dirty[z->n_dirty++] = d;
}

static void owe_all(Fz *z)
{
    if (z->oracle && !z->quiet) {
        z->dirty_all = true;
    }
}

static void settle_all(Fz *z)
{
    z->dirty_all = false;
    z->n_dirty = 0;
}

/* Drop what @pred says an invalidation covered. */
static void settle(Fz *z, bool (*pred)(const Dirty *, const void *),
                   const void *arg)
{
    unsigned i = 0;

    while (i < z->n_dirty) {
        if (pred(&z->dirty[i], arg)) {
            z->dirty[i] = z->dirty[--z->n_dirty];
        } else {
            i++;
        }
    }
}

static bool clean(const Fz *z)
{
    return !z->dirty_all && !z->n_dirty;
}

static Ctx *ctx_of_bank(Fz *z, unsigned n)
{
    return n < MAX_CB && z->bank_ctx[n] >= 0 ? &z->ctx[z->bank_ctx[n]]
                                             : NULL;
}

static int slot_of(const Ctx *c, uint64_t ttbr0, uint64_t ttbr1)
{
    unsigned s;

    for (s = 0; s < c->nslot; s++) {
        if (ttbr0 == c->ttbr0[s] && (c->kind == CTX_S2 ||
                                     ttbr1 == c->ttbr1[s])) {
            return (int)s;
        }
    }
    return -1;
}

#define SCTLR_WALK (SM2_SCTLR_E | SM2_SCTLR_AFFD)

/*
 * Whether bank @n may walk memory that is not its context's tables: an
 * enabled (or nested) bank without a context, or a context's bank with
 * registers other than its set-up ones.
 */
static bool bank_wild(Fz *z, unsigned n)
{
    BankRegs b = bank_regs(z, n);
    Ctx *c = ctx_of_bank(z, n);
    bool walks = (b.sctlr & SM2_SCTLR_M) ||
                 sm_get(b.cbar, SM2_CBAR_TYPE) == SM2_CBAR_TYPE_NESTED;

    if (!walks) {
        return false;
    }
    return !c || b.cbar != c->cbar || b.cba2r != c->cba2r ||
           b.tcr != c->tcr || b.tcr2 != c->tcr2 ||
           (b.sctlr & SCTLR_WALK) != (c->sctlr & SCTLR_WALK) ||
           slot_of(c, b.ttbr0, b.ttbr1) < 0;
}

static void update_wild(Fz *z, unsigned n)
{
    bool w;

    if (!z->oracle || n >= z->f->numcb) {
        return;
    }
    w = bank_wild(z, n);
    z->n_wild += (unsigned)w - (unsigned)z->wild[n];
    z->wild[n] = w;
}

static void update_wild_all(Fz *z)
{
    unsigned n;

    for (n = 0; n < z->f->numcb && z->oracle; n++) {
        update_wild(z, n);
    }
}

/*
 * Bank @n's translation registers went from @b to @a: what the TLB may
 * now hold stale.  A VMID or type change owes everything; switching
 * between two of the context's ASIDs owes nothing; anything else that
 * a walk uses owes the bank's VMID.
 */
static void bank_changed(Fz *z, unsigned n, const BankRegs *b,
                         const BankRegs *a)
{
    static const uint32_t sctlr_quiet = SM2_SCTLR_CFIE | SM2_SCTLR_CFRE |
                                        SM2_SCTLR_CFCFG | SM2_SCTLR_HUPCF;
    Ctx *c = ctx_of_bank(z, n);
    unsigned type;

    if (b->cbar != a->cbar || b->cba2r != a->cba2r) {
        owe_all(z);
    } else if (((b->sctlr ^ a->sctlr) & ~sctlr_quiet) || b->tcr != a->tcr ||
               b->tcr2 != a->tcr2 || b->ttbr0 != a->ttbr0 ||
               b->ttbr1 != a->ttbr1) {
        bool ttbr_only = !((b->sctlr ^ a->sctlr) & ~sctlr_quiet) &&
                         b->tcr == a->tcr && b->tcr2 == a->tcr2;

        if (!(ttbr_only && c && c->kind != CTX_S2 &&
              slot_of(c, b->ttbr0, b->ttbr1) >= 0 &&
              slot_of(c, a->ttbr0, a->ttbr1) >= 0)) {
            type = (unsigned)sm_get(a->cbar, SM2_CBAR_TYPE);
            owe(z, (Dirty) {
                .kind = type == SM2_CBAR_TYPE_S2 ? D_VMID_S2 : D_VMID_S1,
                .vmid = bank_vmid(z, n),
            });
        }
    }
    update_wild(z, n);
}

/* One TLB maintenance operation, as the architecture scopes it. */
typedef struct Tlbi {
    uint32_t off;            /* its register (GR0 or context bank) */
    unsigned bank;
    uint64_t op;
    uint16_t vmid;           /* of the bank (TLBIVMID: the operand's) */
    unsigned type;           /* of the bank */
    uint16_t amask;          /* ASID bits of the bank */
} Tlbi;

static uint64_t tlbi_va(uint64_t op)
{
    return (uint64_t)sm_sext((op & sm_low_mask(44)) << 12, 56);
}

static bool tlbi_covers(const Dirty *d, const void *arg)
{
    const Tlbi *t = arg;
    bool s1bank = t->type == SM2_CBAR_TYPE_S1_BYPASS ||
                  t->type == SM2_CBAR_TYPE_NESTED;
    uint64_t va = tlbi_va(t->op);
    uint64_t ipa = (t->op & sm_low_mask(36)) << 12;
    uint16_t asid = (uint16_t)(t->op >> 48) & t->amask;

    switch (t->off) {
    case SM2_TLBIALLNSNH:
        return true;
    case SM2_TLBIVMID:
        return d->vmid == t->vmid;
    }
    if (d->vmid != t->vmid) {
        return false;
    }
    switch (t->off) {
    case SM2_CB_TLBIALL:
        return s1bank && (d->kind == D_VMID_S1 || d->kind == D_PAGE_S1);
    case SM2_CB_TLBIASID:
        return s1bank && d->kind == D_PAGE_S1 && !d->global &&
               d->asid == ((uint16_t)t->op & t->amask);
    case SM2_CB_TLBIVA:
    case SM2_CB_TLBIVAL:
        return s1bank && d->kind == D_PAGE_S1 &&
               (d->global || d->asid == asid) && va >= d->lo && va < d->hi;
    case SM2_CB_TLBIVAA:
    case SM2_CB_TLBIVAAL:
        return s1bank && d->kind == D_PAGE_S1 && va >= d->lo && va < d->hi;
    case SM2_CB_TLBIIPAS2:
    case SM2_CB_TLBIIPAS2L:
        /* IPA[47:12] in bits [35:0], the rest RES0 */
        return t->type == SM2_CBAR_TYPE_S2 && !(t->op >> 36) &&
               d->kind == D_PAGE_S2 && ipa >= d->lo && ipa < d->hi;
    }
    return false;
}

/* ---- MMIO with bookkeeping ---------------------------------------------- */

/* Before a write: the state the bookkeeping compares with. */
typedef struct Before {
    uint32_t scr0;
    int bank[2];             /* banks whose registers it touches, or -1 */
    BankRegs regs[2];
    Tlbi tlbi;
    bool is_tlbi;
} Before;

static bool tlbi_reg(const Loc *l)
{
    if (!l->r || l->r->kind != R_WO) {
        return false;
    }
    return l->r->off != SM2_STLBGSYNC && l->r->off != SM2_CB_TLBSYNC &&
           l->r->off != SM2_TLBIALLH;
}

/* The bank whose translation registers the word at @l is one of. */
static int loc_bank(const Loc *l)
{
    if (l->space == SP_CB) {
        return (int)l->bank;
    }
    return l->space == SP_GR1 && l->r && l->r->arr == A_CB ? (int)l->idx
                                                          : -1;
}

static Before book_begin(Fz *z, uint64_t off, unsigned size)
{
    Before b = { .bank = { -1, -1 } };
    Loc l = locate(z, off), l2 = locate(z, off + 4);
    unsigned i;

    if (!z->oracle || z->quiet) {
        return b;
    }
    b.scr0 = rd(&z->a, SM2_SCR0);
    b.bank[0] = loc_bank(&l);
    if (size == 8 && loc_bank(&l2) != b.bank[0]) {
        b.bank[1] = loc_bank(&l2);       /* CBAR(n), CBAR(n + 1) ... */
    }
    for (i = 0; i < 2; i++) {
        if (b.bank[i] >= 0) {
            b.regs[i] = bank_regs(z, (unsigned)b.bank[i]);
        }
    }
    /*
     * A TLB maintenance write is credited when it has the register's own
     * size: 64-bit operands in one 64-bit write, 32-bit ones in a 32-bit
     * write or the low half of a 64-bit one.
     */
    if (tlbi_reg(&l) && !l.hi && (l.r->size == size || l.r->size == 4)) {
        b.is_tlbi = true;
        b.tlbi.off = l.r->off;
        if (l.space == SP_CB) {
            b.tlbi.bank = l.bank;
            b.tlbi.vmid = bank_vmid(z, l.bank);
            b.tlbi.type = bank_type(z, l.bank);
            b.tlbi.amask = asid_mask(z, l.bank);
        }
    }
    return b;
}

static void book_end(Fz *z, const Before *b, uint64_t v, unsigned size)
{
    uint32_t scr0;

    if (!z->oracle || z->quiet) {
        return;
    }
    scr0 = rd(&z->a, SM2_SCR0);
    if (z->f->vmid16 && ((scr0 ^ b->scr0) & SM2_SCR0_VMID16EN)) {
        owe_all(z);
    }
    for (unsigned i = 0; i < 2; i++) {
        if (b->bank[i] >= 0) {
            BankRegs a = bank_regs(z, (unsigned)b->bank[i]);

            bank_changed(z, (unsigned)b->bank[i], &b->regs[i], &a);
        }
    }
    if (b->is_tlbi) {
        Tlbi t = b->tlbi;

        t.op = b->tlbi.off == SM2_CB_TLBIVA || t.off == SM2_CB_TLBIVAA ||
               t.off == SM2_CB_TLBIVAL || t.off == SM2_CB_TLBIVAAL ||
               t.off == SM2_CB_TLBIIPAS2 || t.off == SM2_CB_TLBIIPAS2L
               ? v : (uint32_t)v;
        if (t.off == SM2_TLBIVMID) {
            t.vmid = (uint16_t)(vmid16_on(z) ? t.op & 0xffff : t.op & 0xff);
        }
        if (t.off == SM2_TLBIALLNSNH) {
            settle_all(z);
        } else {
            settle(z, tlbi_covers, &t);
        }
    }
}

/* The same write to every instance, no bookkeeping. */
static void write_all(Fz *z, uint64_t off, uint64_t v, unsigned size)
{
    Inst *in;

    FOR_INST(z, in) {
        sm2_mmio_write(in->s, off, v, size);
    }
}

/* An address translation operation (not RESUME): records no fault. */
static bool ats_reg(const Loc *l)
{
    return l->r && l->r->kind == R_OP && l->r->off != SM2_CB_RESUME;
}

static void mmio_w(Fz *z, uint64_t off, uint64_t v, unsigned size)
{
    Before b = book_begin(z, off, size);
    Loc l = locate(z, off);
    unsigned calls = z->a.irq_calls;
    uint32_t gfsr = rd(&z->a, SM2_SGFSR);

    write_all(z, off, v, size);
    book_end(z, &b, v, size);
    if (ats_reg(&l)) {
        FZ_CHECK(z->a.irq_calls == calls && rd(&z->a, SM2_SGFSR) == gfsr,
                 "%s at 0x%" PRIx64 " recorded a fault", l.r->off >= 0x800
                 ? "ATS1" : "GATS", off);
    }
    /* Write-only registers read as zero, also right after a write. */
    if (l.r && (l.r->kind == R_WO || l.r->kind == R_OP ||
                l.r->kind == R_ZERO) &&
        (size == 4 || size == 8) && !(off & (size - 1))) {
        FZ_CHECK(rd(&z->a, off) == 0, "a: write-only register 0x%" PRIx64
                 " reads 0x%x after a write", off, rd(&z->a, off));
    }
}

static void wr32(Fz *z, uint64_t off, uint32_t v)
{
    mmio_w(z, off, v, 4);
}

static void wr64(Fz *z, uint64_t off, uint64_t v)
{
    mmio_w(z, off, v, 8);
}

/* ---- setup: features ---------------------------------------------------- */

static const uint16_t smrg_choice[8] = { 1, 2, 4, 8, 16, 48, 128, 0 };
static const uint16_t cb_choice[8] = { 1, 2, 4, 8, 16, 6, 128, 3 };
static const uint8_t bits_choice[8] = { 48, 32, 40, 36, 44, 42, 48, 52 };
static const uint32_t tlb_choice[8][2] = {
    { 0, 0 }, { 1, 0 }, { 4, 2 }, { 16, 4 }, { 8, 0 }, { 128, 0 },
    { 6, 2 }, { 0, 4 },
};

/* The rules of sm2.h's fields and IHI 0062 (harness's own reading). */
static bool size_ok(unsigned bits)
{
    return enc_of(bits) != 0xff;
}

static bool features_valid(const Sm2Config *c)
{
    const Sm2Features *f = &c->features;
    uint32_t ways;

    if ((!f->s1 && !f->s2) || (f->nested && !(f->s1 && f->s2))) {
        return false;
    }
    if (f->numsmrg < 1 || f->numsmrg > 128 || f->numcb < 1 ||
        f->numcb > 128) {
        return false;
    }
    if (f->nums2cb > f->numcb || (!f->s2 && f->nums2cb) ||
        (!f->s1 && f->nums2cb != f->numcb)) {
        return false;
    }
    if (f->numsidb < 1 || f->numsidb > (f->exids ? 16 : 15)) {
        return false;
    }
    if (f->numpagendxb > 7 || f->numcb > 2u << f->numpagendxb) {
        return false;
    }
    if (!size_ok(f->ias_bits) || !size_ok(f->oas_bits) ||
        !size_ok(f->ubs_bits)) {
        return false;
    }
    if (!f->ptfs_4k && !f->ptfs_16k && !f->ptfs_64k) {
        return false;
    }
    if (!f->atosns && !f->s1) {     /* ATOS are stage-1 operations */
        return false;
    }
    /* TLB geometry: sm-cache.h, with 128 entries, 4 ways by default */
    if (c->policy >= SM_CACHE_POLICY_COUNT) {
        return false;
    }
    if (!c->tlb_entries) {
        return !c->tlb_ways;
    }
    ways = c->tlb_ways ? c->tlb_ways : c->tlb_entries;
    if (c->policy == SM_CACHE_PLRU && (ways > 64 || (ways & (ways - 1)))) {
        return false;
    }
    return ways <= c->tlb_entries && !(c->tlb_entries % ways) &&
           !((c->tlb_entries / ways) & (c->tlb_entries / ways - 1));
}

static void features_repair(Sm2Config *c)
{
    Sm2Features *f = &c->features;

    if (!f->s1 && !f->s2) {
        f->s1 = true;
    }
    f->nested = f->nested && f->s1 && f->s2;
    f->numsmrg = CLAMP(f->numsmrg, 1, 128);
    f->numcb = CLAMP(f->numcb, 1, 128);
    f->nums2cb = !f->s2 ? 0 : !f->s1 ? f->numcb : MIN(f->nums2cb, f->numcb);
    f->numsidb = CLAMP(f->numsidb, 1, f->exids ? 16 : 15);
    f->numpagendxb = MIN(f->numpagendxb, 7);
    while (f->numcb > 2u << f->numpagendxb) {
        f->numpagendxb++;
    }
    f->ias_bits = size_ok(f->ias_bits) ? f->ias_bits : 48;
    f->oas_bits = size_ok(f->oas_bits) ? f->oas_bits : 48;
    f->ubs_bits = size_ok(f->ubs_bits) ? f->ubs_bits : 48;
    if (!f->ptfs_4k && !f->ptfs_16k && !f->ptfs_64k) {
        f->ptfs_4k = true;
    }
    f->atosns = f->atosns || !f->s1;
    c->policy = (SmCachePolicy)(c->policy % SM_CACHE_POLICY_COUNT);
    if (!features_valid(c)) {
        c->tlb_entries = c->tlb_ways = 0;
    }
}

/*
 * The raw choice, which may break a rule (sizes of 0 or 129, NUMSIDB 0,
 * 52-bit sizes, no granule, TLB geometries sm-cache refuses, an unknown
 * replacement policy); probe_config() then takes the model's verdict
 * and repairs it.
 */
static void choose_features(Fz *z)
{
    Sm2Config *c = &z->cfg;
    Sm2Features *f = &c->features;
    uint8_t b0 = fz_u8(&z->in), b1 = fz_u8(&z->in), b2 = fz_u8(&z->in);
    uint8_t b3 = fz_u8(&z->in), b4 = fz_u8(&z->in), b5 = fz_u8(&z->in);
    unsigned st = fz_bits(b0, 1, 2);
    unsigned s2cb = fz_bits(b1, 6, 2);

    memset(c, 0, sizeof(*c));
    z->oracle = b0 & 1;
    f->s1 = st != 2;
    f->s2 = st != 1;
    f->nested = b0 & 8;
    f->atosns = b0 & 16;
    f->exids = b0 & 32;
    f->vmid16 = b0 & 64;
    f->pagesize_64k = b0 & 128;
    f->numsmrg = smrg_choice[fz_bits(b1, 0, 3)];
    f->numcb = cb_choice[fz_bits(b1, 3, 3)];
    if (!f->numsmrg) {
        f->numsmrg = (b5 & 0x80) ? 129 : 0;
    }
    /* Raw sizes now and then: 0, above the numbers of banks */
    if ((b5 & 0x70) == 0x70) {
        f->numcb = (b5 & 0x80) ? 129 : 0;
    }
    f->nums2cb = s2cb == 0 ? 0 : s2cb == 1 ? 1 : s2cb == 2 ? f->numcb / 2
                                                             : f->numcb;
    f->numsidb = fz_bits(b2, 0, 4) + 1;     /* 1..16 */
    if ((b2 & 0x0f) == 0x0f && !(b5 & 0x08)) {
        f->numsidb = 0;
    }
    f->numpagendxb = fz_bits(b2, 4, 3);
    if ((b2 & 0x80) && (b5 & 0x04)) {
        f->numpagendxb = 8;
    }
    f->ias_bits = bits_choice[fz_bits(b3, 0, 3)];
    f->oas_bits = bits_choice[fz_bits(b3, 3, 3)];
    f->ubs_bits = bits_choice[fz_bits(b4, 0, 3)];
    f->ptfs_4k = b4 & 8;
    f->ptfs_16k = b4 & 16;
    f->ptfs_64k = b4 & 32;
    c->tlb_entries = tlb_choice[fz_bits(b5, 0, 3)][0];
    c->tlb_ways = tlb_choice[fz_bits(b5, 0, 3)][1];
    c->policy = (SmCachePolicy)(fz_bits(b4, 6, 2) +
                                ((b3 & 0xc0) == 0xc0 ? 1 : 0));
    z->f = f;
}

/* sm2_config_error() and sm2_new() agree with the rules and each other. */
static void probe_config(Fz *z)
{
    Sm2Config c = z->cfg;
    bool valid = features_valid(&c);
    char *err = sm2_config_error(&c);
    Sm2 *s;

    c.host = (SmHost) { .log = NULL };
    FZ_CHECK(!err == valid, "sm2_config_error() says \"%s\" of a feature "
             "set the rules %s", err ? err : "(accepted)",
             valid ? "allow" : "forbid");
    FZ_CHECK(!err || *err, "an empty configuration error");
    s = sm2_new(&c);
    FZ_CHECK(!s == !!err, "sm2_new() %s a configuration sm2_config_error() "
             "%s", s ? "accepted" : "refused",
             err ? "refuses" : "accepts");
    sm2_free(s);
    g_free(err);
    features_repair(&z->cfg);
    err = sm2_config_error(&z->cfg);
    FZ_CHECK(!err, "the repaired feature set is refused: %s", err);
    /* ... and the MMU-500-like defaults are a feature set too */
    c = (Sm2Config) { .policy = z->cfg.policy };
    sm2_features_default(&c.features);
    err = sm2_config_error(&c);
    FZ_CHECK(!err && features_valid(&c), "sm2_features_default(): %s",
             err ? err : "breaks a rule");
    g_free(err);
}

static void inst_init(Fz *z, Inst *in, const char *name)
{
    Sm2Config c = z->cfg;

    memset(in, 0, sizeof(*in));
    in->z = z;
    in->name = name;
    c.host = (SmHost) {
        .opaque = in, .read = h_read, .write = h_write,
        .set_irq = h_set_irq, .send_msi = h_send_msi, .now_ns = h_now,
        .log = h_log, .invalidated = h_invalidated,
        .atc_invalidate = h_atc_invalidate, .pri_response = h_pri_response,
    };
    /* Timing on the cached instance only: results must not change */
    c.timing = in == &z->a && z->timing ? &z->tp : NULL;
    /*
     * The reference decodes every transaction from the registers: a
     * stream cache entry the cached instance kept after a configuration
     * change shows up as a different answer.
     */
    c.fast_path_off = in == &z->ref;
    in->s = sm2_new(&c);
    FZ_CHECK(in->s != NULL, "sm2_new() refused an accepted configuration");
    check_idrs(in);
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

static bool gran_ok(const Fz *z, unsigned gs)
{
    return gs == 12 ? z->f->ptfs_4k : gs == 14 ? z->f->ptfs_16k
                                               : z->f->ptfs_64k;
}

static const Geo *pick_geo(const Fz *z, const Geo *tab, unsigned n,
                           unsigned sel)
{
    const Geo *ok[16];
    unsigned i, k = 0;

    for (i = 0; i < n; i++) {
        if (gran_ok(z, tab[i].gs) && tab[i].min_oas <= z->f->oas_bits) {
            ok[k++] = &tab[i];
        }
    }
    return k ? ok[sel % k] : NULL;
}

/* Room for one more tree of granule shift @gs (eight tables, roughly). */
static bool mem_room(unsigned gs)
{
    return g_tm->next + (UINT64_C(8) << gs) + 0x10000 <= MEM_SIZE;
}

static void tree_init(Tree *t, const Geo *g, bool be)
{
    SmPtMem m;

    t->be = be;
    m = pt_mem(t);
    t->lo = g_tm->next;
    sm_pt_init(&m, &t->pt, gran(g->gs), g->ia, g->start);
}

static void tree_map(Tree *t, uint64_t va, uint64_t pa, int level,
                     uint64_t attrs)
{
    SmPtMem m = pt_mem(t);

    sm_pt_map(&m, &t->pt, va, pa, level, attrs);
}

static void tree_done(Tree *t)
{
    t->hi = g_tm->next;
}

/* Stage-1 leaf attributes from hash @h; 0 for an unmapped page. */
static uint64_t s1_attrs(uint32_t h, bool global, bool plain)
{
    uint64_t d = SM_DESC_AF | (global ? 0 : SM_DESC_NG) |
                 sm_prep(SM_DESC_SH, 3);

    if (plain) {
        return d | SM_DESC_AP1;
    }
    if (((h >> 8) & 7) == 0) {
        return 0;
    }
    d |= sm_prep(SM_MASK(7, 6), (h >> 20) & 1 ? 1 : h & 3);   /* AP */
    d |= (h & 0x30000) == 0x30000 ? SM_DESC_UXN : 0;
    d |= (h & 0xc0000) == 0xc0000 ? SM_DESC_PXN : 0;
    d |= sm_prep(SM_DESC_ATTRINDX, (h >> 4) & 7);
    d &= ((h >> 12) & 7) == 0 ? ~SM_DESC_AF : ~UINT64_C(0);
    return d;
}

static uint64_t s2_attrs(uint32_t h, bool plain)
{
    uint64_t d = SM_DESC_AF | SM_DESC_S2_MEMATTR | sm_prep(SM_DESC_SH, 3);

    if (plain) {
        return d | SM_DESC_S2AP_R | SM_DESC_S2AP_W;
    }
    if (((h >> 8) & 7) == 0) {
        return 0;
    }
    d |= (h & 1) || (h >> 20) & 1 ? SM_DESC_S2AP_R : 0;
    d |= (h & 2) || !(h & 1) || (h >> 20) & 1 ? SM_DESC_S2AP_W : 0;
    d |= (h & 0x30000) == 0x30000 ? SM_DESC_UXN : 0;     /* XN */
    d &= ((h >> 12) & 7) == 0 ? ~SM_DESC_AF : ~UINT64_C(0);
    return d;
}

static uint64_t page_va(unsigned k)
{
    return WIN_PAGES + ((uint64_t)k << PAGE_STRIDE);
}

static uint64_t global_va(unsigned k)
{
    return WIN_GLOBAL + ((uint64_t)k << PAGE_STRIDE);
}

static uint64_t upper_va(const Ctx *c, uint64_t va)
{
    return va | (~UINT64_C(0) << c->geo->ia);
}

/* Output of the level-2 block of context @c, slot @s: aligned, 32 bits. */
static uint64_t block_out(unsigned c, unsigned s, uint64_t bsize)
{
    uint64_t i = (uint64_t)c * NSLOT + s + 1;

    return (i * bsize * 5) & UINT64_C(0xffffffff) & ~(bsize - 1);
}

/*
 * Stage-1 outputs of context @c, slot @s, page @k (@up: the TTBR1 tree):
 * PAs, or IPAs in WIN_IPA when nested.
 */
static uint64_t s1_out(const Ctx *c, unsigned ci, unsigned s, unsigned k,
                       bool up)
{
    if (c->kind == CTX_NESTED) {
        return WIN_IPA + ((uint64_t)s << 20) + ((uint64_t)up << 19) +
               ((uint64_t)k << PAGE_STRIDE);
    }
    return PA_S1 + ((uint64_t)ci << 22) + ((uint64_t)s << 20) +
           ((uint64_t)up << 19) + ((uint64_t)k << PAGE_STRIDE);
}

static uint64_t global_out(const Ctx *c, unsigned ci, unsigned k)
{
    if (c->kind == CTX_NESTED) {
        return WIN_IPA + UINT64_C(0x800000) + ((uint64_t)k << PAGE_STRIDE);
    }
    return PA_GLOBAL + ((uint64_t)ci << 20) + ((uint64_t)k << PAGE_STRIDE);
}

static uint32_t page_hash(const Ctx *c, unsigned s, unsigned k)
{
    return mix(c->seed + s * 0x9e3779b9u + k * 0x85ebca6bu);
}

static void build_s1_tree(Fz *z, unsigned ci, unsigned s, bool up)
{
    Ctx *c = &z->ctx[ci];
    Tree *t = up ? &c->t1[s] : &c->t0[s];
    unsigned k;
    uint64_t bs = l2_size(c->geo->gs), d;

    tree_init(t, c->geo, c->be);
    for (k = 0; k < NPAGES; k++) {
        uint64_t va = page_va(k), d = s1_attrs(page_hash(c, s, k), false,
                                                k == 0);

        if (d) {
            tree_map(t, up ? upper_va(c, va) : va, s1_out(c, ci, s, k, up),
                     3, d);
        }
    }
    if (!up) {
        /* nG = 0: the same for every ASID of the context */
        for (k = 0; k < NGLOBAL; k++) {
            tree_map(t, global_va(k), global_out(c, ci, k), 3,
                     s1_attrs(page_hash(c, NSLOT, k), true, k == 0));
        }
    }
    d = s1_attrs(page_hash(c, s, 9), false, (c->seed >> 7) & 1);
    if (d) {
        tree_map(t, up ? upper_va(c, WIN_BLOCK) : WIN_BLOCK,
                 c->kind == CTX_NESTED ? WIN_IPA_BLOCK
                                       : block_out(ci, s + up * NSLOT, bs),
                 2, d);
    }
    tree_done(t);
}

/*
 * A stage-2 tree: guest memory at its own address (the stage-1 tables
 * of nested contexts are IPAs), WIN_IPA and WIN_IPA_BLOCK for nested
 * stage-1 outputs, and its own windows for stage-2-only streams.
 */
static void build_s2_tree(Fz *z, unsigned ci)
{
    Ctx *c = &z->ctx[ci];
    Tree *t = &c->s2;
    uint64_t bs = l2_size(c->geo->gs), ipa;
    unsigned k;

    tree_init(t, c->geo, c->be);
    for (ipa = 0; ipa < MEM_SIZE; ipa += bs) {
        tree_map(t, ipa, ipa, 2, s2_attrs(0, true));
    }
    for (ipa = 0; ipa < MAX(IPA_SPAN, bs); ipa += bs) {
        tree_map(t, WIN_IPA + ipa, PA_IPA + ipa, 2, s2_attrs(0, true));
    }
    tree_map(t, WIN_IPA_BLOCK, PA_IPA_BLOCK, 2, s2_attrs(0, true));
    for (k = 0; k < NPAGES; k++) {
        uint64_t d = s2_attrs(page_hash(c, 0, k), k == 0);

        if (d) {
            tree_map(t, page_va(k), PA_S2 + ((uint64_t)ci << 22) +
                     ((uint64_t)k << PAGE_STRIDE), 3, d);
        }
    }
    for (k = 0; k < NGLOBAL; k++) {
        tree_map(t, global_va(k), PA_S2 + ((uint64_t)ci << 22) + 0x200000 +
                 ((uint64_t)k << PAGE_STRIDE), 3, s2_attrs(0, true));
    }
    if (s2_attrs(page_hash(c, 0, 9), (c->seed >> 7) & 1)) {
        tree_map(t, WIN_BLOCK, block_out(ci, 0, bs), 2,
                 s2_attrs(page_hash(c, 0, 9), (c->seed >> 7) & 1));
    }
    tree_done(t);
}

/* ---- setup: contexts and streams ---------------------------------------- */

static int free_bank(Fz *z, unsigned lo, unsigned hi, uint8_t sel)
{
    unsigned i;

    if (hi <= lo) {
        return -1;
    }
    for (i = 0; i < hi - lo; i++) {
        unsigned n = lo + (sel + i) % (hi - lo);

        if (z->bank_ctx[n] < 0) {
            return (int)n;
        }
    }
    return -1;
}

static bool make_ctx(Fz *z, unsigned ci, const uint8_t *b, uint8_t vbase,
                     uint16_t abase)
{
    Ctx *c = &z->ctx[ci];
    const Sm2Features *f = z->f;
    unsigned kind = fz_bits(b[0], 0, 2), s;
    int bank = -1, s2c = -1;

    memset(c, 0, sizeof(*c));
    c->s2c = -1;
    if (kind == CTX_NESTED) {
        for (s = 0; s < ci; s++) {
            if (z->ctx[s].kind == CTX_S2) {
                s2c = (int)s;
            }
        }
        if (!f->nested || s2c < 0) {
            kind = CTX_S1;
        }
    }
    if (kind == 3) {
        kind = CTX_S1;
    }
    if (kind == CTX_S1 && !(f->s1 && f->numcb > f->nums2cb)) {
        kind = CTX_S2;
    }
    if (kind == CTX_S2 && !f->s2) {
        kind = CTX_S1;
    }
    if (kind == CTX_S2) {
        bank = free_bank(z, 0, f->nums2cb, b[2]);
        if (bank < 0) {
            bank = free_bank(z, f->nums2cb, f->numcb, b[2]);
        }
    } else {
        bank = free_bank(z, f->nums2cb, f->numcb, b[2]);
    }
    if (bank < 0) {
        return false;
    }
    c->kind = (uint8_t)kind;
    c->bank = (uint8_t)bank;
    c->s2c = (int8_t)s2c;
    c->seed = mix(z->seed ^ (ci * 0x2545f491u) ^ b[1]);
    c->be = (b[0] & 8) && (b[3] & 1);
    c->as16 = b[0] & 16;
    c->upper = kind != CTX_S2 && (b[0] & 4);
    c->nslot = kind == CTX_S2 ? 1 : 1 + fz_bits(b[0], 5, 2) % NSLOT;
    c->geo = kind == CTX_S2 ? pick_geo(z, s2_geos, G_N_ELEMENTS(s2_geos),
                                       b[1])
                            : pick_geo(z, s1_geos, G_N_ELEMENTS(s1_geos),
                                       b[1]);
    if (!c->geo) {
        return false;
    }
    /* VMIDs distinct in 8 and in 16 bits; ASIDs distinct in 8 bits */
    c->vmid8 = (uint8_t)(vbase + ci * 37);
    c->vmid16 = (uint16_t)(c->vmid8 | (uint16_t)(b[3] & 0xf0) << 8);
    for (s = 0; s < c->nslot; s++) {
        c->asid[s] = (uint16_t)(((abase + s * 0x55 + ci * 7) & 0xff) |
                                (c->as16 ? (abase & 0xff00) + (s << 12)
                                         : 0));
    }
    /* Tables: stop at the memory that is left. */
    if (!mem_room(c->geo->gs)) {
        return false;
    }
    if (kind == CTX_S2) {
        build_s2_tree(z, ci);
    } else {
        for (s = 0; s < c->nslot; s++) {
            if (!mem_room(c->geo->gs) ||
                (c->upper && !mem_room(c->geo->gs + 1))) {
                c->nslot = MAX(s, 1u);
                break;
            }
            build_s1_tree(z, ci, s, false);
            if (c->upper) {
                build_s1_tree(z, ci, s, true);
            }
        }
    }
    if (s == 0 && kind != CTX_S2) {
        return false;
    }
    /* Registers as Linux's arm-smmu driver writes them */
    c->cba2r = SM2_CBA2R_VA64 |
               (f->vmid16 ? (uint32_t)c->vmid16 << 16 : 0);
    c->sctlr = SM2_SCTLR_M | SM2_SCTLR_TRE | SM2_SCTLR_AFE |
               ((b[3] & 2) ? SM2_SCTLR_CFRE : 0) |
               ((b[3] & 4) ? SM2_SCTLR_CFIE : 0) |
               ((b[0] & 128) ? SM2_SCTLR_AFFD : 0) |
               (c->be ? SM2_SCTLR_E : 0);
    if (kind == CTX_S2) {
        c->cbar = sm_prep(SM2_CBAR_TYPE, SM2_CBAR_TYPE_S2) | c->vmid8 |
                  sm_prep(SM2_CBAR_IRPTNDX, b[2]);
        c->tcr = SM_BIT(31) | sm_prep(SM2_VTCR_PS, (b[3] >> 3) % 6) |
                 sm_prep(SM2_TCR_TG0, tg0_enc(c->geo->gs)) |
                 sm_prep(SM2_VTCR_SL0, c->geo->sl0) |
                 sm_prep(SM2_TCR_T0SZ, 64 - c->geo->ia) | 0x3500;
        c->ttbr0[0] = c->s2.pt.root;
    } else {
        unsigned n2 = kind == CTX_NESTED ? z->ctx[s2c].bank : 0;

        c->cbar = sm_prep(SM2_CBAR_TYPE, kind == CTX_NESTED
                                         ? SM2_CBAR_TYPE_NESTED
                                         : SM2_CBAR_TYPE_S1_BYPASS) |
                  (kind == CTX_NESTED ? sm_prep(SM2_CBAR_S2CBNDX, n2)
                                      : 0) |
                  c->vmid8 | sm_prep(SM2_CBAR_IRPTNDX, b[2]);
        c->tcr2 = sm_prep(SM2_TCR2_PASIZE, (b[3] >> 3) % 6) |
                  (c->as16 ? SM2_TCR2_AS : 0);
        c->tcr = sm_prep(SM2_TCR_TG0, tg0_enc(c->geo->gs)) |
                 sm_prep(SM2_TCR_T0SZ, 64 - c->geo->ia) | 0x3500 |
                 ((b[3] & 0x40) ? SM2_TCR_A1 : 0) |
                 (c->upper ? sm_prep(SM2_TCR_TG1, tg1_enc(c->geo->gs)) |
                             sm_prep(SM2_TCR_T1SZ, 64 - c->geo->ia)
                           : SM2_TCR_EPD1);
        for (s = 0; s < c->nslot; s++) {
            c->ttbr0[s] = c->t0[s].pt.root | (uint64_t)c->asid[s] << 48;
            c->ttbr1[s] = c->upper ? c->t1[s].pt.root |
                                     (uint64_t)c->asid[s] << 48
                                   : (uint64_t)c->asid[s] << 48;
        }
    }
    z->bank_ctx[bank] = (int8_t)ci;
    return true;
}

/* Program every register of the set-up state (setup, and after reset). */
static void program(Fz *z)
{
    unsigned i;

    z->quiet = true;
    for (i = 0; i < z->nctx; i++) {
        Ctx *c = &z->ctx[i];
        uint64_t b = cbo(z, c->bank);

        wr32(z, gr1(z) + SM2_CBA2R(c->bank), c->cba2r);
        wr32(z, gr1(z) + SM2_CBAR(c->bank), c->cbar);
        wr32(z, b + SM2_CB_TCR2, c->tcr2);
        wr64(z, b + SM2_CB_TTBR0, c->ttbr0[0]);
        wr64(z, b + SM2_CB_TTBR1, c->ttbr1[0]);
        wr32(z, b + SM2_CB_TCR, c->tcr);
        wr32(z, b + SM2_CB_MAIR0, 0x44ff0400);
        wr32(z, b + SM2_CB_SCTLR, c->sctlr);
    }
    for (i = 0; i < z->nst; i++) {
        wr32(z, SM2_S2CR(i), z->st[i].s2cr);
        wr32(z, SM2_SMR(i), z->st[i].smr);
    }
    wr32(z, SM2_SCR0, z->scr0);
    z->quiet = false;
    settle_all(z);
    update_wild_all(z);
}

static void make_streams(Fz *z, uint16_t sbase, uint8_t scr)
{
    const Sm2Features *f = z->f;
    bool exid = f->exids && (scr & 0x80);
    uint32_t idmask = (uint32_t)sm_low_mask(exid ? 16 : MIN(f->numsidb,
                                                            15u));
    unsigned g;

    z->nst = MIN(NSTREAMS, f->numsmrg);
    for (g = 0; g < z->nst; g++) {
        Stream *st = &z->st[g];
        uint8_t s0 = fz_u8(&z->in), s1 = fz_u8(&z->in);
        static const uint8_t masks[4] = { 0, 0, 1, 3 };
        uint32_t mask = masks[fz_bits(s0, 5, 2)];
        unsigned type = fz_bits(s0, 3, 2);
        const Ctx *c = &z->ctx[fz_bits(s0, 0, 3) % z->nctx];

        /* groups of four apart: no conflicts with 5 StreamID bits */
        st->sid = ((uint32_t)sbase & ~0x1fu) + (g << 2);
        st->sid &= idmask & ~mask;
        st->smr = exid ? (mask << 16) | st->sid
                       : SM2_SMR_VALID | (mask << 16) | st->sid;
        st->s2cr = sm_prep(SM2_S2CR_TYPE, type == 2 ? SM2_S2CR_TYPE_BYPASS
                                          : type == 3 && (s1 & 0x10)
                                          ? SM2_S2CR_TYPE_FAULT
                                          : SM2_S2CR_TYPE_TRANS) |
                   sm_prep(SM2_S2CR_CBNDX, c->bank) |
                   sm_prep(SM2_S2CR_PRIVCFG, s1 & 3) |
                   sm_prep(SM2_S2CR_INSTCFG, (s1 >> 2) & 3) |
                   (exid ? SM2_S2CR_EXIDVALID : 0);
    }
}

static bool setup(Fz *z)
{
    uint8_t h[5];
    uint8_t cb[NCTX][4];
    unsigned i, want;

    choose_features(z);
    probe_config(z);
    for (i = 0; i < 5; i++) {
        h[i] = fz_u8(&z->in);
    }
    z->seed = fz_u32(&z->in);
    if (h[0] & 8) {
        static const char *const presets[] = { "mmu-500", "mmu-600", "gem5" };
        unsigned p = fz_bits(h[0], 4, 2);

        z->timing = true;
        sm_timing_params_default(&z->tp);
        if (p < G_N_ELEMENTS(presets)) {
            FZ_CHECK(sm_timing_params_preset(&z->tp, presets[p]),
                     "timing preset %s", presets[p]);
        }
    }
    z->page = z->f->pagesize_64k ? 0x10000 : 0x1000;
    z->numpage = 2u << z->f->numpagendxb;
    memset(z->bank_ctx, -1, sizeof(z->bank_ctx));
    want = 1 + fz_bits(h[0], 0, 3) % NCTX;
    for (i = 0; i < NCTX; i++) {
        cb[i][0] = fz_u8(&z->in);
        cb[i][1] = fz_u8(&z->in);
        cb[i][2] = fz_u8(&z->in);
        cb[i][3] = fz_u8(&z->in);
    }
    for (i = 0; i < want && z->nctx < z->f->numcb; i++) {
        if (make_ctx(z, z->nctx, cb[i], h[1], (uint16_t)(h[2] | h[3] << 8))) {
            z->nctx++;
        }
    }
    if (!z->nctx) {
        return false;
    }
    make_streams(z, (uint16_t)(h[3] << 8 | h[2]), h[4]);
    z->scr0 = ((h[4] & 1) ? SM2_SCR0_GFRE : 0) |
              ((h[4] & 2) ? SM2_SCR0_GFIE : 0) |
              ((h[4] & 4) ? SM2_SCR0_GCFGFRE : 0) |
              ((h[4] & 8) ? SM2_SCR0_GCFGFIE : 0) |
              ((h[4] & 0x10) ? SM2_SCR0_USFCFG : 0) |
              ((h[4] & 0x20) ? SM2_SCR0_SMCFCFG : 0) |
              ((h[4] & 0x40) && z->f->vmid16 ? SM2_SCR0_VMID16EN : 0) |
              ((h[4] & 0x80) && z->f->exids ? SM2_SCR0_EXIDENABLE : 0);
    inst_init(z, &z->a, "a");
    if (z->oracle) {
        inst_init(z, &z->ref, "ref");
    }
    z->nwords = sm2_state_words(z->a.s);
    z->snap = g_new0(uint32_t, z->nwords);
    z->w1 = g_new0(uint32_t, z->nwords);
    z->w2 = g_new0(uint32_t, z->nwords);
    program(z);
    sm2_save(z->a.s, z->snap);
    return true;
}

/* ---- operations: registers ---------------------------------------------- */

/* A bank: a context's, any implemented one, or one past the last. */
static unsigned pick_bank(Fz *z, uint8_t b)
{
    if (b == 0xff) {
        return z->f->numcb;
    }
    if (b & 0x80) {
        return (b & 0x7f) % z->f->numcb;
    }
    return z->ctx[b % z->nctx].bank;
}

/* A register: its frame offset (array index or bank from the input). */
static uint64_t pick_reg(Fz *z, const RegDef **out)
{
    uint8_t b = fz_u8(&z->in);
    const RegDef *r = &regs[fz_pick(&z->in, G_N_ELEMENTS(regs))];
    unsigned idx = 0;

    *out = r;
    if (r->arr == A_SMRG) {
        idx = b == 0xff ? z->f->numsmrg : b % z->f->numsmrg;
        if (!(b & 0x80) && z->nst) {
            idx = b % z->nst;
        }
    } else if (r->arr == A_CB) {
        idx = pick_bank(z, b);
    }
    switch (r->space) {
    case SP_GR0:
        return r->off + 4 * idx;
    case SP_GR1:
        return gr1(z) + r->off + 4 * idx;
    default:
        return cbo(z, pick_bank(z, b)) + r->off;
    }
}

/* A value for @r at @off: raw, small, a bit flip, or a set-up one. */
static uint64_t reg_value(Fz *z, const RegDef *r, uint64_t off)
{
    uint8_t sel = fz_u8(&z->in);
    Loc l = locate(z, off);
    Ctx *c = l.space == SP_CB ? ctx_of_bank(z, l.bank)
             : l.space == SP_GR1 && r->arr == A_CB
             ? ctx_of_bank(z, l.idx) : NULL;
    uint64_t cur = sm2_mmio_read(z->a.s, off & ~UINT64_C(7), 8);

    if (off & 4) {
        cur >>= 32;
    }
    if (r->size == 4) {
        cur &= UINT32_MAX;
    }
    switch (sel & 7) {
    case 0:
        return fz_u64(&z->in);
    case 1:
        return fz_u8(&z->in);
    case 2:
    case 3:
        return cur ^ (UINT64_C(1) << (fz_u8(&z->in) % (r->size * 8)));
    case 4:
        return cur;
    default:
        break;
    }
    if (r->space == SP_GR0) {
        switch (r->off) {
        case SM2_SCR0:
            return z->scr0 ^ (sel & 0x80 ? SM2_SCR0_CLIENTPD : 0) ^
                   (sel & 0x40 ? SM2_SCR0_VMID16EN : 0) ^
                   (sel & 0x20 ? SM2_SCR0_USFCFG : 0);
        case SM2_SGFSR:
            return cur;      /* as Linux clears faults */
        case SM2_TLBIVMID:
            return bank_vmid(z, z->ctx[sel % z->nctx].bank);
        case SM2_SMR(0):
        case SM2_S2CR(0):
            if (l.idx < z->nst) {
                return r->off == SM2_SMR(0) ? z->st[l.idx].smr
                                            : z->st[l.idx].s2cr;
            }
            break;
        }
    } else if (r->space == SP_GR1) {
        switch (r->off) {
        case SM2_CBAR(0):
            return c ? c->cbar ^ (sel & 0x80 ? 1 : 0) : cur;
        case SM2_CBA2R(0):
            return c ? c->cba2r : cur;
        }
    } else {
        switch (r->off) {
        case SM2_CB_FSR:
            return cur;
        case SM2_CB_SCTLR:
            return c ? c->sctlr ^ (sel & 0x80 ? SM2_SCTLR_M : 0) ^
                       (sel & 0x40 ? SM2_SCTLR_CFIE : 0)
                     : cur ^ SM2_SCTLR_M;
        case SM2_CB_TCR:
            return c ? c->tcr : cur;
        case SM2_CB_TCR2:
            return c ? c->tcr2 ^ (sel & 0x80 ? SM2_TCR2_AS : 0) : cur;
        case SM2_CB_TTBR0:
            return c ? c->ttbr0[(sel >> 3) % c->nslot] : cur;
        case SM2_CB_TTBR1:
            return c ? c->ttbr1[(sel >> 3) % c->nslot] : cur;
        }
    }
    return sel >> 3;
}

static void op_mmio_write(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    const RegDef *r;
    uint64_t off = pick_reg(z, &r);
    unsigned size = r->size;
    uint64_t v = reg_value(z, r, off);

    if ((b & 3) == 3) {
        size = 12 - size;        /* 4 <-> 8 */
        off &= size == 8 ? ~UINT64_C(7) : ~UINT64_C(0);
    } else if ((b & 3) == 2 && r->size == 8) {
        /* two halves, low first, as a 32-bit driver would */
        wr32(z, off, (uint32_t)v);
        off += 4;
        v >>= 32;
        size = 4;
    }
    mmio_w(z, off, v, size);
    if (b & 0x80) {
        check_irq_global(&z->a);
        check_irq_bank(&z->a, locate(z, off).bank);
    }
}

/* What a read must give, as far as the harness knows. */
static void check_read(Fz *z, uint64_t off, unsigned size, uint64_t v)
{
    unsigned i;

    if (size == 4) {
        FZ_CHECK(v <= UINT32_MAX, "32-bit read of 0x%" PRIx64 " gave 0x%"
                 PRIx64, off, v);
    }
    for (i = 0; i < size / 4; i++) {
        Loc l = locate(z, off + 4 * i);
        uint32_t w = (uint32_t)(v >> (32 * i));

        if (!l.r || l.r->kind == R_WO || l.r->kind == R_OP ||
            l.r->kind == R_ZERO) {
            FZ_CHECK(w == 0, "%s offset 0x%" PRIx64 " reads 0x%x",
                     !l.r ? "reserved" : "write-only or status",
                     off + 4 * i, w);
        }
        if (l.r && l.space == SP_GR0 && l.r->off >= SM2_SIDR0 &&
            l.r->off <= SM2_SIDR2) {
            FZ_CHECK(w == z->idr[(l.r->off - SM2_SIDR0) / 4],
                     "sIDR%u changed to 0x%x", (l.r->off - SM2_SIDR0) / 4,
                     w);
        }
    }
}

static void op_mmio_read(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    const RegDef *r;
    uint64_t off = pick_reg(z, &r);
    unsigned size = (b & 1) ? 8 : 4;
    uint64_t v[2] = { 0, 0 };
    Inst *in;

    if (size == 8) {
        off &= ~UINT64_C(7);
    }
    FOR_INST(z, in) {
        v[_i] = sm2_mmio_read(in->s, off, size);
    }
    check_read(z, off, size, v[0]);
    if (z->oracle) {
        FZ_CHECK(v[0] == v[1], "oracle: offset 0x%" PRIx64 " reads 0x%"
                 PRIx64 " vs 0x%" PRIx64, off, v[0], v[1]);
    }
}

/*
 * Reserved offsets, pages without registers, accesses of bad size or
 * alignment: reads give zero and writes change nothing (sm2.h).
 */
static void op_odd(Fz *z)
{
    uint8_t b = fz_u8(&z->in), k = fz_u8(&z->in);
    uint64_t frame = 2 * (uint64_t)z->numpage * z->page;
    uint64_t bank = cbo(z, pick_bank(z, fz_u8(&z->in)));
    static const uint16_t gr0_res[] = { 0x4, 0x8, 0x14, 0x60, 0x78, 0x7c,
                                        0x100, 0x400, 0x7f8, 0xff8 };
    static const uint16_t cb_res[] = { 0xc, 0x14, 0x40, 0x48, 0x78, 0x500,
                                       0x640, 0x7f8, 0xff8 };
    static const unsigned bad[8] = { 0, 1, 2, 3, 5, 6, 7, 16 };
    uint64_t off, v = fz_u64(&z->in);
    unsigned size = (b & 1) ? 8 : 4, i;
    bool reserved = true;
    unsigned calls = z->a.irq_calls;
    Inst *in;

    switch (fz_bits(b, 1, 3)) {
    case 0:
        off = gr0_res[k % G_N_ELEMENTS(gr0_res)];
        break;
    case 1:
        off = cb_res[k % G_N_ELEMENTS(cb_res)] + bank;
        break;
    case 2:
        off = gr1(z) + (k & 1 ? 0xc00 : 4 * z->f->numcb) + (k & 0x7c);
        break;
    case 3:
        off = (k & 1) ? 2 * z->page : 4096 + 0x10 * (k >> 1);
        break;
    case 4:
        off = frame - 8 + (k & 0x18);
        break;
    case 5:
        off = (k & 1) ? UINT64_MAX - 7 : (uint64_t)fz_u32(&z->in) << 8;
        break;
    default: {
        const RegDef *r;

        off = pick_reg(z, &r);
        size = bad[k % 8];
        if (size == 4 || size == 8) {
            off += size / 2;             /* misaligned */
        }
        reserved = false;
        break;
    }
    }
    if (reserved) {
        off &= ~UINT64_C(3);
        if (size == 8) {
            off &= ~UINT64_C(7);
        }
        for (i = 0; i < size / 4; i++) {
            reserved = reserved && !locate(z, off + 4 * i).r;
        }
        if (!reserved) {
            return;
        }
    }
    sm2_save(z->a.s, z->w1);
    FOR_INST(z, in) {
        uint64_t r = sm2_mmio_read(in->s, off, size);

        FZ_CHECK(r == 0, "%s: read of %u bytes at 0x%" PRIx64 " gave 0x%"
                 PRIx64, in->name, size, off, r);
        sm2_mmio_write(in->s, off, v, size);
    }
    sm2_save(z->a.s, z->w2);
    FZ_CHECK(!memcmp(z->w1, z->w2, z->nwords * 4), "a write of %u bytes at "
             "0x%" PRIx64 " changed the state", size, off);
    FZ_CHECK(z->a.irq_calls == calls, "a write of %u bytes at 0x%" PRIx64
             " moved an interrupt", size, off);
}

/* ---- operations: guest memory ------------------------------------------- */

/* A page or block leaf of context @c a driver could edit. */
typedef struct Leaf {
    Tree *trees[NSLOT];      /* the same edit in each (nG = 0: every slot) */
    unsigned n;
    uint64_t va;             /* input address in the leaf */
    int level;
    bool global;
    bool s2;
    unsigned slot;
} Leaf;

static bool pick_leaf(Fz *z, Ctx *c, uint8_t b, Leaf *lf)
{
    unsigned w = fz_bits(b, 0, 2), k = fz_bits(b, 2, 3);
    unsigned s = fz_bits(b, 5, 2) % c->nslot, i;
    bool up = (b & 0x80) && c->upper;

    memset(lf, 0, sizeof(*lf));
    lf->slot = s;
    lf->level = 3;
    if (c->kind == CTX_S2) {
        lf->s2 = true;
        lf->trees[lf->n++] = &c->s2;
        lf->va = w == 1 ? global_va(k % NGLOBAL)
                 : w == 2 ? WIN_BLOCK : page_va(k);
        lf->level = w == 2 ? 2 : 3;
        if (w == 3 && k) {
            /* what nested contexts' stage 1 outputs: blocks */
            lf->va = k == 1 ? WIN_IPA_BLOCK
                            : WIN_IPA + (k - 2) * l2_size(c->geo->gs);
            lf->level = 2;
        }
        return true;
    }
    if (w == 1 && !up) {
        lf->global = true;
        lf->va = global_va(k % NGLOBAL);
        for (i = 0; i < c->nslot; i++) {
            lf->trees[lf->n++] = &c->t0[i];
        }
        return true;
    }
    lf->trees[lf->n++] = up ? &c->t1[s] : &c->t0[s];
    lf->va = w == 2 ? WIN_BLOCK : page_va(k);
    lf->level = w == 2 ? 2 : 3;
    if (up) {
        lf->va = upper_va(c, lf->va);
    }
    return true;
}

/*
 * A new leaf from @old: invalid, remapped, or other permissions or
 * Access flag; never a table descriptor and never another nG (which
 * would make ASIDs disagree on a global mapping).
 */
static uint64_t edit_leaf(const Leaf *lf, uint64_t old, uint8_t how,
                          unsigned gs)
{
    uint64_t lsz = lf->level == 3 ? UINT64_C(1) << gs : l2_size(gs);
    uint64_t v = old;

    switch (how & 7) {
    case 0:
        return 0;
    case 1:
        v &= ~SM_DESC_VALID;
        break;
    case 2:
        v ^= SM_DESC_AF;
        break;
    case 3:
        v ^= sm_prep(SM_MASK(7, 6), (how >> 3) & 3);   /* AP, S2AP */
        break;
    case 4:
        v ^= (how & 8) ? SM_DESC_UXN : SM_DESC_PXN;
        break;
    case 5: {
        uint64_t oa = (v & SM_DESC_OA & ~(lsz - 1)) ^
                      (lsz << ((how >> 3) & 3));

        v = (v & ~(SM_DESC_OA & ~(lsz - 1))) |
            (oa & UINT64_C(0xffffffff) & ~(lsz - 1));
        break;
    }
    case 6:
        v |= SM_DESC_VALID;
        break;
    default:
        break;
    }
    /* Valid leaves keep their type bit: page at level 3, block above */
    if (v & SM_DESC_VALID) {
        v = lf->level == 3 ? v | SM_DESC_TABLE : v & ~SM_DESC_TABLE;
    }
    return v;
}

/*
 * The invalidation a driver issues after editing @lf of @c: by address
 * (TLBIVA with the ASID, TLBIVAA or TLBIVA for nG = 0, TLBIIPAS2; or
 * their leaf forms), by ASID (TLBIASID, or TLBIALL for nG = 0) or the
 * whole VMID (TLBIALL of the bank, or TLBIVMID).
 */
static void edit_tlbi(Fz *z, Ctx *c, const Leaf *lf, uint8_t inv)
{
    uint64_t base = cbo(z, c->bank);
    uint64_t va = (lf->va >> 12) & sm_low_mask(44);
    uint16_t asid = c->asid[lf->slot];
    bool leaf = inv & 4;

    switch (inv & 3) {
    case 1:
        if (lf->s2) {
            wr64(z, base + (leaf ? SM2_CB_TLBIIPAS2L : SM2_CB_TLBIIPAS2),
                 (lf->va >> 12) & sm_low_mask(36));
        } else if (lf->global && !(inv & 0x10)) {
            wr64(z, base + (leaf ? SM2_CB_TLBIVAAL : SM2_CB_TLBIVAA), va);
        } else {
            /* by VA and ASID: also global entries, whatever the ASID */
            wr64(z, base + (leaf ? SM2_CB_TLBIVAL : SM2_CB_TLBIVA),
                 va | (uint64_t)asid << 48);
        }
        break;
    case 2:
        if (lf->s2) {
            wr32(z, SM2_TLBIVMID, bank_vmid(z, c->bank));
        } else if (lf->global) {
            wr32(z, base + SM2_CB_TLBIALL, 0);
        } else {
            wr32(z, base + SM2_CB_TLBIASID, asid);
        }
        break;
    case 3:
        if (lf->s2 || leaf) {
            wr32(z, SM2_TLBIVMID, bank_vmid(z, c->bank));
        } else {
            wr32(z, base + SM2_CB_TLBIALL, 0);
        }
        break;
    default:
        break;
    }
    if (inv & 8) {
        wr32(z, base + SM2_CB_TLBSYNC, 0);
    }
}

/* A driver's edit of one leaf, owed by what it maps. */
static void mem_edit(Fz *z)
{
    uint8_t b = fz_u8(&z->in), how = fz_u8(&z->in), inv = fz_u8(&z->in);
    Ctx *c = &z->ctx[fz_pick(&z->in, z->nctx)];
    unsigned i, gs = c->geo->gs;
    uint64_t old = 0, v = 0;
    Leaf lf;

    if (!pick_leaf(z, c, b, &lf)) {
        return;
    }
    for (i = 0; i < lf.n; i++) {
        SmPtMem m = pt_mem(lf.trees[i]);
        uint64_t pa = sm_pt_desc_addr(&m, &lf.trees[i]->pt, lf.va, lf.level);

        if (!pa) {
            return;
        }
        if (i == 0) {
            old = mem_r64(pa, lf.trees[i]->be);
            /* a table on the way to other leaves is not a leaf */
            if (lf.level < 3 && (old & 3) == 3) {
                return;
            }
            v = edit_leaf(&lf, old, how, gs);
        }
        if (g_trace) {
            fprintf(stderr, "edit %s va 0x%" PRIx64 " level %d at 0x%"
                    PRIx64 ": 0x%" PRIx64 " -> 0x%" PRIx64 "%s\n",
                    lf.s2 ? "s2" : lf.global ? "s1 global" : "s1", lf.va,
                    lf.level, pa, mem_r64(pa, lf.trees[i]->be), v,
                    z->n_wild ? " (wild)" : "");
        }
        mem_w64(pa, v, lf.trees[i]->be);
    }
    z->n_edit++;
    if (z->n_wild) {
        owe_all(z);
    } else if (lf.s2) {
        uint64_t lsz = lf.level == 3 ? UINT64_C(1) << gs : l2_size(gs);

        owe(z, (Dirty) { .kind = D_PAGE_S2, .vmid = bank_vmid(z, c->bank),
                         .lo = lf.va & ~(lsz - 1),
                         .hi = (lf.va & ~(lsz - 1)) + lsz });
    } else {
        uint64_t lsz = lf.level == 3 ? UINT64_C(1) << gs : l2_size(gs);

        owe(z, (Dirty) { .kind = D_PAGE_S1, .global = lf.global,
                         .vmid = bank_vmid(z, c->bank),
                         .asid = c->asid[lf.slot] & asid_mask(z, c->bank),
                         .lo = lf.va & ~(lsz - 1),
                         .hi = (lf.va & ~(lsz - 1)) + lsz });
    }
    edit_tlbi(z, c, &lf, inv);
}

/* Raw qwords: into a tree's tables, or anywhere. */
static void mem_raw(Fz *z, bool anywhere)
{
    uint8_t b = fz_u8(&z->in);
    uint64_t pa, v;
    bool owed;
    Ctx *c = &z->ctx[fz_pick(&z->in, z->nctx)];
    Tree *t = c->kind == CTX_S2 ? &c->s2 : &c->t0[b % c->nslot];
    uint32_t r = fz_u32(&z->in);

    if (anywhere || t->hi <= t->lo) {
        pa = (r % MEM_SIZE) & ~UINT64_C(7);
    } else {
        pa = (t->lo + r % (t->hi - t->lo)) & ~UINT64_C(7);
    }
    switch (fz_bits(b, 4, 2)) {
    case 0:
        v = fz_u64(&z->in);
        break;
    case 1:
        v = mem_r64(pa, false) ^ (UINT64_C(1) << (fz_u8(&z->in) & 63));
        break;
    case 2:
        v = 0;
        break;
    default:
        /* a table descriptor to another table of the same tree */
        v = ((t->lo + (fz_u32(&z->in) % MAX(t->hi - t->lo, 1u))) &
             ~UINT64_C(0xfff)) | 3;
        break;
    }
    /*
     * Oracle mode keeps the tables as a driver would: a raw write there
     * could make one ASID's nG = 0 mappings differ from another's (a
     * global entry of one answers for all: no invalidation makes that
     * coherent) or point a tree into another context's tables.  Other
     * memory may be written; a page the TLB may hold entries from owes
     * everything.
     */
    if (z->oracle && pa < g_tm->next) {
        return;
    }
    owed = page_marked(g_read, pa);
    mark_page(g_scribbled, pa);
    if (g_trace) {
        fprintf(stderr, "raw 0x%" PRIx64 ": 0x%" PRIx64 " -> 0x%" PRIx64
                "%s\n", pa, mem_r64(pa, false), v, owed ? " (owed)" : "");
    }
    mem_w64(pa, v, false);
    if (owed) {
        owe_all(z);
    }
}

/*
 * A bus-error window over some tables (or none): external aborts.  Not
 * in oracle mode, for the reason raw writes to tables are not.
 */
static void mem_error(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    Ctx *c = &z->ctx[fz_pick(&z->in, z->nctx)];
    Tree *t = c->kind == CTX_S2 ? &c->s2 : &c->t0[b % c->nslot];
    uint64_t lo = t->lo + (((uint64_t)fz_u16(&z->in) << 3) %
                           MAX(t->hi - t->lo, 8u));

    if (z->oracle) {
        return;
    }
    if (b & 0x80) {
        sm_tm_clear_error(g_tm);
    } else {
        sm_tm_set_error(g_tm, lo, lo + (8u << (b & 15)), SM_TM_ERR_READ);
    }
}

static void op_mem(Fz *z)
{
    switch (fz_u8(&z->in) % 8) {
    case 0:
    case 1:
    case 2:
    case 3:
        mem_edit(z);
        break;
    case 4:
    case 5:
        mem_raw(z, false);
        break;
    case 6:
        mem_raw(z, true);
        break;
    default:
        mem_error(z);
        break;
    }
}

/* ---- operations: translation -------------------------------------------- */

static const Ctx *stream_ctx(Fz *z, uint32_t sid)
{
    unsigned g;

    for (g = 0; g < z->nst; g++) {
        if (z->st[g].sid == sid) {
            return ctx_of_bank(z, (unsigned)sm_get(z->st[g].s2cr,
                                                   SM2_S2CR_CBNDX));
        }
    }
    return &z->ctx[0];
}

/* An input address: in a window, a little past one, or anything. */
static uint64_t pick_addr(Fz *z, const Ctx *c, uint8_t mode)
{
    uint8_t k = fz_u8(&z->in);
    uint16_t o = fz_u16(&z->in);
    uint16_t in_page = o & (uint16_t)((1u << c->geo->gs) - 1);

    switch (mode % 32) {
    case 0 ... 9:
        return page_va(k & 7) + in_page;
    case 10 ... 11:
        return page_va(k & 7) + o;
    case 12 ... 15:
        return global_va(k % NGLOBAL) + in_page;
    case 16 ... 18:
        return WIN_BLOCK + ((uint64_t)o << (k % 14));
    case 19 ... 21:
        return upper_va(c, (k & 1 ? WIN_BLOCK : page_va(k >> 5)) + in_page);
    case 22:
        return WIN_IPA + ((uint64_t)k << 16) + o;
    case 23:
        return (uint64_t)k << 16 | o;            /* guest memory */
    case 24:
        return page_va(8) + o;
    case 25:
        return WIN_BLOCK + l2_size(c->geo->gs) + o;
    case 26:
        return fz_u64(&z->in);
    case 27:
        return fz_u32(&z->in);
    case 28:
        return UINT64_C(1) << (32 + k % 32) | o;
    case 29:
        return ~UINT64_C(0) - o;
    default:
        return (uint64_t)o << 12;
    }
}

static bool same_xlate(const Sm2Xlate *x, const Sm2Xlate *y)
{
    return x->outcome == y->outcome && x->pa == y->pa &&
           x->mask == y->mask && x->perm == y->perm && x->priv == y->priv &&
           x->fault.global == y->fault.global &&
           x->fault.bit == y->fault.bit &&
           x->fault.abort == y->fault.abort &&
           x->fault.recorded == y->fault.recorded &&
           x->fault.cbndx == y->fault.cbndx &&
           x->fault.level == y->fault.level;
}

static bool one_bit(uint32_t v, uint32_t allowed)
{
    return v && !(v & (v - 1)) && (v & allowed);
}

/* What sm2.h promises about one result, and the records it leaves. */
static void check_xlate(Inst *in, const Sm2Request *r, const Sm2Xlate *x)
{
    Fz *z = in->z;

    FZ_CHECK(x->outcome <= SM2_XLATE_FAULT, "%s: outcome %d", in->name,
             x->outcome);
    if (in == &z->a && z->timing) {
        const SmTimingResult *t = sm2_last_timing(in->s);

        FZ_CHECK(t && t->latency == x->latency, "%s: latency %" PRIu64
                 " vs the timing record's %" PRIu64, in->name, x->latency,
                 t ? t->latency : 0);
    } else {
        FZ_CHECK(x->latency == 0 && !sm2_last_timing(in->s),
                 "%s: latency %" PRIu64 " without timing", in->name,
                 x->latency);
    }
    FZ_CHECK(!x->tlb_hit || x->outcome == SM2_XLATE_OK,
             "%s: tlb_hit with outcome %d", in->name, x->outcome);
    switch (x->outcome) {
    case SM2_XLATE_OK: {
        unsigned n = (unsigned)__builtin_ctzll(x->mask + 1);
        uint8_t need = r->write ? (x->priv ? SM_PERM_PW : SM_PERM_W)
                                : (x->priv ? SM_PERM_PR : SM_PERM_R);

        /* 4K/16K/64K pages, blocks up to 1 GiB (no 52-bit OA) */
        FZ_CHECK(x->mask + 1 && !((x->mask + 1) & x->mask) && n >= 12 &&
                 n <= 30, "%s: mask 0x%" PRIx64, in->name, x->mask);
        FZ_CHECK(!((x->pa ^ r->iova) & x->mask), "%s: pa 0x%" PRIx64
                 " does not keep the offset of iova 0x%" PRIx64
                 " under mask 0x%" PRIx64, in->name, x->pa, r->iova,
                 x->mask);
        FZ_CHECK(!(x->perm & ~SM_PERM_ALL), "%s: perm 0x%x", in->name,
                 x->perm);
        FZ_CHECK((x->perm & need) == need, "%s: OK %s %s access with "
                 "perm 0x%x", in->name, x->priv ? "privileged" : "user",
                 r->write ? "write" : "read", x->perm);
        FZ_CHECK(x->pa >> out_bits(z) == 0, "%s: pa 0x%" PRIx64 " beyond %u "
                 "bits", in->name, x->pa, out_bits(z));
        break;
    }
    case SM2_XLATE_BYPASS:
        FZ_CHECK(x->pa == r->iova && x->perm == SM_PERM_ALL,
                 "%s: bypass pa 0x%" PRIx64 " perm 0x%x", in->name, x->pa,
                 x->perm);
        break;
    case SM2_XLATE_FAULT:
        if (x->fault.global) {
            uint32_t gfsr = rd(in, SM2_SGFSR), scr0 = rd(in, SM2_SCR0);
            uint32_t re = x->fault.bit & GFSR_CONFIG ? SM2_SCR0_GCFGFRE
                                                     : SM2_SCR0_GFRE;

            FZ_CHECK(one_bit(x->fault.bit, GFSR_CONFIG | GFSR_OTHER),
                     "%s: global fault bit 0x%x", in->name, x->fault.bit);
            FZ_CHECK(x->fault.level == -1, "%s: global fault at level %d",
                     in->name, x->fault.level);
            FZ_CHECK(x->fault.abort == !!(scr0 & re), "%s: global fault "
                     "abort %d with sCR0 0x%x", in->name, x->fault.abort,
                     scr0);
            if (x->fault.recorded) {
                FZ_CHECK((gfsr & x->fault.bit) &&
                         rd64(in, SM2_SGFAR) == r->iova &&
                         sm_get(rd(in, SM2_SGFSYNR1), SM2_GFSYNR1_STREAMID)
                         == (r->sid & 0xffff) &&
                         !!(rd(in, SM2_SGFSYNR0) & SM2_GFSYNR0_WNR) ==
                         r->write,
                         "%s: global fault 0x%x recorded as sGFSR 0x%x "
                         "sGFAR 0x%" PRIx64, in->name, x->fault.bit, gfsr,
                         rd64(in, SM2_SGFAR));
            } else {
                FZ_CHECK(gfsr & SM2_GFSR_MULTI, "%s: unrecorded global "
                         "fault without MULTI (sGFSR 0x%x)", in->name, gfsr);
            }
            check_irq_global(in);
        } else {
            unsigned n = x->fault.cbndx;
            uint64_t b = cbo(z, n);
            uint32_t fsr, sctlr;

            FZ_CHECK(n < z->f->numcb, "%s: context fault in bank %u of %u",
                     in->name, n, z->f->numcb);
            FZ_CHECK(one_bit(x->fault.bit, (uint32_t)SM_MASK(8, 1)),
                     "%s: context fault bit 0x%x", in->name, x->fault.bit);
            FZ_CHECK(x->fault.level >= 0 && x->fault.level <= 3,
                     "%s: context fault at level %d", in->name,
                     x->fault.level);
            fsr = rd(in, b + SM2_CB_FSR);
            sctlr = rd(in, b + SM2_CB_SCTLR);
            FZ_CHECK(x->fault.abort == !!(sctlr & SM2_SCTLR_CFRE),
                     "%s: context fault abort %d with SCTLR 0x%x", in->name,
                     x->fault.abort, sctlr);
            if (x->fault.recorded) {
                uint32_t fsynr0 = rd(in, b + SM2_CB_FSYNR0);

                FZ_CHECK((fsr & x->fault.bit) &&
                         rd64(in, b + SM2_CB_FAR) == r->iova &&
                         sm_get(fsynr0, SM2_FSYNR0_PLVL) ==
                         (unsigned)x->fault.level &&
                         !!(fsynr0 & SM2_FSYNR0_WNR) == r->write &&
                         sm_get(rd(in, gr1(z) + SM2_CBFRSYNRA(n)),
                                SM2_CBFRSYNRA_SID) == (r->sid & 0xffff),
                         "%s: fault 0x%x of bank %u recorded as FSR 0x%x "
                         "FAR 0x%" PRIx64 " FSYNR0 0x%x", in->name,
                         x->fault.bit, n, fsr, rd64(in, b + SM2_CB_FAR),
                         fsynr0);
            } else {
                FZ_CHECK(fsr & SM2_FSR_MULTI, "%s: unrecorded fault of bank "
                         "%u without MULTI (FSR 0x%x)", in->name, n, fsr);
            }
            check_irq_bank(in, n);
        }
        break;
    }
}

static void op_translate(Fz *z)
{
    uint8_t b = fz_u8(&z->in), c = fz_u8(&z->in);
    Sm2Request r = { 0 };
    Sm2Xlate x, y;

    if ((b & 0xf) >= 12 || !z->nst) {
        r.sid = (b & 0x10) ? fz_u32(&z->in) : fz_u16(&z->in);
        r.sid &= (b & 0x20) ? UINT32_MAX : (uint32_t)sm_low_mask(16);
    } else {
        r.sid = z->st[(b & 0xf) % z->nst].sid;
    }
    r.write = c & 1;
    r.instr = c & 2;
    r.priv = c & 4;
    r.iova = pick_addr(z, stream_ctx(z, r.sid), c >> 3);
    x = sm2_translate(z->a.s, &r);
    check_xlate(&z->a, &r, &x);
    z->n_xlate++;
    z->n_ok += x.outcome == SM2_XLATE_OK;
    z->n_hits += x.tlb_hit;
    z->n_bypass += x.outcome == SM2_XLATE_BYPASS;
    z->n_fault += x.outcome == SM2_XLATE_FAULT;
    z->a.hits += x.tlb_hit;
    if (g_trace) {
        fprintf(stderr, "xlate sid 0x%x iova 0x%" PRIx64 " %c%c%c -> %d pa 0x%"
                PRIx64 " mask 0x%" PRIx64 " perm 0x%x hit %d fault %d/0x%x "
                "cb %u lvl %d%s\n", r.sid, r.iova, r.write ? 'w' : 'r',
                r.instr ? 'x' : '-', r.priv ? 'p' : 'u', x.outcome, x.pa,
                x.mask, x.perm, x.tlb_hit, x.fault.global, x.fault.bit,
                x.fault.cbndx, x.fault.level,
                z->oracle ? (clean(z) ? " (compared)" : " (owed)") : "");
    }
    if (!z->oracle) {
        return;
    }
    sm2_mmio_write(z->ref.s, SM2_TLBIALLNSNH, 0, 4);
    y = sm2_translate(z->ref.s, &r);
    check_xlate(&z->ref, &r, &y);
    FZ_CHECK(!y.tlb_hit, "ref: a TLB hit right after TLBIALLNSNH");
    if (clean(z)) {
        FZ_CHECK(same_xlate(&x, &y), "oracle: sid 0x%x iova 0x%" PRIx64
                 " (%s): cached instance outcome %d pa 0x%" PRIx64
                 " mask 0x%" PRIx64 " perm 0x%x tlb_hit %d fault 0x%x/%u, "
                 "reference outcome %d pa 0x%" PRIx64 " mask 0x%" PRIx64
                 " perm 0x%x fault 0x%x/%u", r.sid, r.iova,
                 r.write ? "write" : "read", x.outcome, x.pa, x.mask, x.perm,
                 x.tlb_hit, x.fault.bit, x.fault.cbndx, y.outcome, y.pa,
                 y.mask, y.perm, y.fault.bit, y.fault.cbndx);
        z->n_cmp++;
        z->n_cmp_hit += x.tlb_hit;
    } else if (!same_xlate(&x, &y)) {
        /* a stale answer the architecture allows: follow the cached one */
        sm2_save(z->a.s, z->w1);
        sm2_restore(z->ref.s, z->w1);
    }
}

/* ---- operations: TLB maintenance, ASIDs, streams, faults ---------------- */

static const uint32_t tlbi_cb_regs[] = {
    SM2_CB_TLBIVA, SM2_CB_TLBIVAA, SM2_CB_TLBIASID, SM2_CB_TLBIALL,
    SM2_CB_TLBIVAL, SM2_CB_TLBIVAAL, SM2_CB_TLBIIPAS2, SM2_CB_TLBIIPAS2L,
};

static void op_tlbi(Fz *z)
{
    uint8_t b = fz_u8(&z->in), a = fz_u8(&z->in);
    unsigned n = pick_bank(z, fz_u8(&z->in));
    Ctx *c = ctx_of_bank(z, n);
    uint16_t asid = c ? c->asid[a % c->nslot] : fz_u16(&z->in);
    uint64_t va = pick_addr(z, c ? c : &z->ctx[0], a >> 3), op;
    unsigned which = b % 12;

    z->n_tlbi++;
    if (a & 0x80 && c) {
        va = a & 0x40 ? WIN_BLOCK : page_va(a & 7);
    }
    op = ((va >> 12) & sm_low_mask(44)) | (uint64_t)asid << 48;
    if ((b & 0x70) == 0x70) {
        op = fz_u64(&z->in);
    }
    if (which < 8) {
        uint32_t reg = tlbi_cb_regs[which];
        uint64_t off = cbo(z, n) + reg;

        if (reg == SM2_CB_TLBIIPAS2 || reg == SM2_CB_TLBIIPAS2L) {
            op = (b & 0x70) == 0x70 ? op : (va >> 12) & sm_low_mask(36);
        }
        if (reg == SM2_CB_TLBIASID) {
            wr32(z, off, (b & 0x70) == 0x70 ? (uint32_t)op : asid);
        } else if (reg == SM2_CB_TLBIALL) {
            wr32(z, off, (uint32_t)op);
        } else if (b & 0x80) {
            wr32(z, off, (uint32_t)op);           /* halves */
            wr32(z, off + 4, (uint32_t)(op >> 32));
        } else {
            wr64(z, off, op);
        }
        if (b & 0x08) {
            wr32(z, cbo(z, n) + SM2_CB_TLBSYNC, 0);
            FZ_CHECK(rd(&z->a, cbo(z, n) + SM2_CB_TLBSTATUS) == 0,
                     "TLBSTATUS after TLBSYNC");
        }
        return;
    }
    switch (which) {
    case 8:
        wr32(z, SM2_TLBIVMID, (b & 0x70) == 0x70 ? (uint32_t)op
                                                  : bank_vmid(z, n));
        break;
    case 9:
        wr32(z, SM2_TLBIALLNSNH, 0);
        break;
    case 10:
        wr32(z, SM2_TLBIALLH, 0);
        break;
    default:
        wr32(z, SM2_STLBGSYNC, 0);
        FZ_CHECK(rd(&z->a, SM2_STLBGSTATUS) == 0, "sTLBGSTATUS after "
                 "sTLBGSYNC");
        break;
    }
}

/* A context switch: TTBR0 and TTBR1 to another ASID and its tables. */
static void op_switch(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    Ctx *c = &z->ctx[fz_pick(&z->in, z->nctx)];
    unsigned s = fz_bits(b, 0, 2) % c->nslot;
    uint64_t base = cbo(z, c->bank);
    BankRegs before, after;

    if (c->kind == CTX_S2) {
        return;
    }
    before = bank_regs(z, c->bank);
    if (b & 4) {
        write_all(z, base + SM2_CB_TTBR1, c->ttbr1[s], 8);
        write_all(z, base + SM2_CB_TTBR0, c->ttbr0[s], 8);
    } else {
        write_all(z, base + SM2_CB_TTBR0, (uint32_t)c->ttbr0[s], 4);
        write_all(z, base + SM2_CB_TTBR0 + 4, c->ttbr0[s] >> 32, 4);
        write_all(z, base + SM2_CB_TTBR1, c->ttbr1[s], 8);
    }
    if (z->oracle) {
        after = bank_regs(z, c->bank);
        bank_changed(z, c->bank, &before, &after);
    }
}

/* Stream match groups and S2CRs pointed elsewhere, as drivers do. */
static void op_stream(Fz *z)
{
    uint8_t b = fz_u8(&z->in), v = fz_u8(&z->in);
    unsigned g = b % MAX(z->nst, 1u);
    uint32_t s2cr = rd(&z->a, SM2_S2CR(g)), smr = rd(&z->a, SM2_SMR(g));

    switch (fz_bits(b, 4, 3)) {
    case 0:
    case 1:
        s2cr = (s2cr & ~SM2_S2CR_CBNDX) |
               sm_prep(SM2_S2CR_CBNDX, z->ctx[v % z->nctx].bank);
        s2cr &= ~SM2_S2CR_TYPE;
        break;
    case 2:
        s2cr = (s2cr & ~SM2_S2CR_TYPE) |
               sm_prep(SM2_S2CR_TYPE, (v & 4) ? v & 3 : 0);
        break;
    case 3:
        s2cr = (s2cr & ~(SM2_S2CR_PRIVCFG | SM2_S2CR_INSTCFG)) |
               sm_prep(SM2_S2CR_PRIVCFG, v & 3) |
               sm_prep(SM2_S2CR_INSTCFG, (v >> 2) & 3);
        break;
    case 4:
        s2cr = (s2cr & ~SM2_S2CR_CBNDX) | sm_prep(SM2_S2CR_CBNDX, v);
        break;
    case 5:
        smr ^= (v & 1) ? SM2_SMR_VALID : 0;
        s2cr ^= (v & 2) ? SM2_S2CR_EXIDVALID : 0;
        break;
    case 6:
        smr = (smr & ~SM2_SMR_MASK) |
              sm_prep(SM2_SMR_MASK, (v & 4) ? v & 0x1f : v & 3);
        break;
    default:
        smr = g < z->nst ? z->st[g].smr : smr;
        s2cr = g < z->nst ? z->st[g].s2cr : s2cr;
        break;
    }
    wr32(z, SM2_S2CR(g), s2cr);
    wr32(z, SM2_SMR(g), smr);
}

/* Faults: cleared as Linux does, injected, or the bank's enables. */
static void op_faults(Fz *z)
{
    uint8_t b = fz_u8(&z->in), v = fz_u8(&z->in);
    unsigned n = pick_bank(z, fz_u8(&z->in));
    uint64_t base = cbo(z, n);
    Inst *in;

    switch (b % 6) {
    case 0:
        wr32(z, base + SM2_CB_FSR, rd(&z->a, base + SM2_CB_FSR));
        break;
    case 1:
        wr32(z, SM2_SGFSR, rd(&z->a, SM2_SGFSR));
        break;
    case 2:
        wr32(z, base + SM2_CB_FSRRESTORE,
             (uint32_t)v << 1 | (b & 0x40 ? SM2_FSR_MULTI : 0) |
             (b & 0x80 ? SM2_FSR_SS : 0));
        break;
    case 3:
        wr32(z, SM2_SGFSRRESTORE, (uint32_t)v | (b & 0x40 ? SM2_GFSR_UUT : 0)
                                  | (b & 0x80 ? SM2_GFSR_MULTI : 0));
        break;
    case 4:
        wr32(z, base + SM2_CB_RESUME, v & 1);
        break;
    default:
        wr32(z, base + SM2_CB_SCTLR, rd(&z->a, base + SM2_CB_SCTLR) ^
             (v & 1 ? SM2_SCTLR_CFIE : 0) ^ (v & 2 ? SM2_SCTLR_CFRE : 0));
        wr32(z, SM2_SCR0, rd(&z->a, SM2_SCR0) ^
             (v & 4 ? SM2_SCR0_GFIE : 0) ^ (v & 8 ? SM2_SCR0_GCFGFIE : 0));
        break;
    }
    FOR_INST(z, in) {
        check_irq_global(in);
        check_irq_bank(in, n);
    }
}

/* ---- operations: save/restore, reset ------------------------------------ */

static uint64_t row_off(Fz *z, const RegDef *r, unsigned i, unsigned bank)
{
    switch (r->space) {
    case SP_GR0:
        return r->off + 4 * i;
    case SP_GR1:
        return gr1(z) + r->off + 4 * i;
    default:
        return cbo(z, bank) + r->off;
    }
}

/*
 * @x and @y read alike at every register (every bank when @all, else
 * GR0, GR1 and the contexts' banks) and drive the same interrupt levels.
 */
static void compare_regs(Fz *z, Inst *x, Inst *y, bool all, const char *why)
{
    unsigned i, k, n, nb = all ? z->f->numcb : z->nctx;

    for (k = 0; k < MAX_LINES && k <= z->f->numcb; k++) {
        FZ_CHECK(x->irq[k] == y->irq[k], "%s: interrupt %u %d vs %d", why, k,
                 x->irq[k], y->irq[k]);
    }
    for (i = 0; i < G_N_ELEMENTS(regs); i++) {
        const RegDef *r = &regs[i];

        for (n = 0; n < (r->space == SP_CB ? nb : 1); n++) {
            unsigned bank = all ? n : z->ctx[n].bank;

            for (k = 0; k < arr_count(z, r); k++) {
                uint64_t off = row_off(z, r, k, bank);
                uint64_t u = sm2_mmio_read(x->s, off, r->size);
                uint64_t v = sm2_mmio_read(y->s, off, r->size);

                FZ_CHECK(u == v, "%s: register at 0x%" PRIx64 " reads 0x%"
                         PRIx64 " vs 0x%" PRIx64, why, off, u, v);
            }
        }
    }
}

/* After sm2_restore(): interrupt levels, RES0 bits, ID registers. */
static void after_restore(Inst *in)
{
    check_irqs(in);
    check_res0(in);
    check_idrs(in);
}

static void restore_both(Fz *z, const uint32_t *w)
{
    Inst *in;

    FOR_INST(z, in) {
        sm2_restore(in->s, w);
        after_restore(in);
    }
    settle_all(z);
    update_wild_all(z);
}

static void op_save_restore(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    unsigned i;

    FZ_CHECK(sm2_state_words(z->a.s) == z->nwords, "state words changed");
    switch (b % 5) {
    case 0:
        /* round trip into a second instance */
        if (!z->rt.s) {
            inst_init(z, &z->rt, "rt");
            FZ_CHECK(sm2_state_words(z->rt.s) == z->nwords, "rt: %zu state "
                     "words, a: %zu", sm2_state_words(z->rt.s), z->nwords);
        }
        sm2_save(z->a.s, z->w1);
        sm2_restore(z->rt.s, z->w1);
        after_restore(&z->rt);
        sm2_save(z->rt.s, z->w2);
        FZ_CHECK(!memcmp(z->w1, z->w2, z->nwords * 4), "save after restore "
                 "differs");
        compare_regs(z, &z->a, &z->rt, z->full_compares < FULL_COMPARES,
                     "restored instance");
        z->full_compares++;
        break;
    case 1:
        sm2_save(z->a.s, z->snap);
        break;
    case 2:
        restore_both(z, z->snap);
        break;
    case 3:
        /* a damaged state: taken only as far as a write could go */
        memcpy(z->w1, z->snap, z->nwords * 4);
        for (i = 0; i < 1 + (b >> 5); i++) {
            unsigned w = fz_u16(&z->in) % z->nwords;

            z->w1[w] = (b & 8) ? fz_u32(&z->in)
                               : z->w1[w] ^ (1u << (fz_u8(&z->in) & 31));
        }
        restore_both(z, z->w1);
        sm2_save(z->a.s, z->w1);
        sm2_restore(z->a.s, z->w1);
        sm2_save(z->a.s, z->w2);
        FZ_CHECK(!memcmp(z->w1, z->w2, z->nwords * 4), "a restored state "
                 "does not survive another round trip");
        if (z->oracle) {
            sm2_restore(z->ref.s, z->w1);
        }
        break;
    default:
        /* its own state: nothing but the TLB changes */
        sm2_save(z->a.s, z->w1);
        restore_both(z, z->w1);
        sm2_save(z->a.s, z->w2);
        FZ_CHECK(!memcmp(z->w1, z->w2, z->nwords * 4), "restoring its own "
                 "state changed it");
        break;
    }
}

static void op_reset(Fz *z)
{
    uint8_t b = fz_u8(&z->in);
    Inst *in;
    unsigned n, k;

    FOR_INST(z, in) {
        sm2_reset(in->s);
        for (k = 0; k <= z->f->numcb; k++) {
            FZ_CHECK(!in->irq[k], "%s: interrupt %u high after reset",
                     in->name, k);
        }
        FZ_CHECK(rd(in, SM2_SGFSR) == 0, "%s: sGFSR after reset", in->name);
        for (n = 0; n < z->nctx; n++) {
            uint64_t base = cbo(z, z->ctx[n].bank);

            FZ_CHECK(rd(in, base + SM2_CB_FSR) == 0 &&
                     rd(in, base + SM2_CB_SCTLR) == 0,
                     "%s: bank %u after reset", in->name, z->ctx[n].bank);
        }
        check_idrs(in);
    }
    settle_all(z);
    update_wild_all(z);
    if (b & 1) {
        program(z);
    }
}

static void op_misc(Fz *z)
{
    SmCacheStats st = sm2_tlb_stats(z->a.s);

    FZ_CHECK(st.lookups == st.hits + st.misses, "TLB: %" PRIu64 " lookups, %"
             PRIu64 " hits, %" PRIu64 " misses", st.lookups, st.hits,
             st.misses);
    FZ_CHECK(st.hits >= z->a.hits, "TLB: %" PRIu64 " hits counted, %" PRIu64
             " seen", st.hits, z->a.hits);
    {
        SmTimingStats ts;

        FZ_CHECK(sm2_timing_stats(z->a.s, &ts) == z->timing,
                 "timing statistics %s timing", z->timing ? "without"
                                                          : "with");
    }
    check_irqs(&z->a);
    check_res0(&z->a);
}

/* ---- the program -------------------------------------------------------- */

static void final_checks(Fz *z)
{
    Inst *in;

    op_misc(z);
    FOR_INST(z, in) {
        check_irqs(in);
        check_idrs(in);
    }
    /*
     * What software sees: the state words may differ in the storage of
     * write-only registers (a restored state can leave a value there
     * that the reference's own TLBIALLNSNH writes clear).
     */
    if (z->oracle) {
        compare_regs(z, &z->a, &z->ref, false, "oracle: at the end");
    }
}

FZ_ASAN_DEFAULTS

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fz *z = &g_fz;
    unsigned ops = 0;

    if (!g_tm) {
        g_tm = sm_tm_new(MEM_SIZE);
        g_alloc_hw = MEM_SIZE;
        g_verbose = getenv("FUZZ_SM2_VERBOSE") != NULL;
        g_trace = getenv("FUZZ_SM2_TRACE") != NULL;
        g_debug = getenv("FUZZ_SM2_DEBUG") != NULL;
    }
    mem_reset();
    memset(z, 0, sizeof(*z));
    z->in.p = data;
    z->in.n = size;
    if (setup(z)) {
        z->idr[0] = rd(&z->a, SM2_SIDR0);
        z->idr[1] = rd(&z->a, SM2_SIDR1);
        z->idr[2] = rd(&z->a, SM2_SIDR2);
        while (!fz_empty(&z->in) && ops++ < MAX_OPS) {
            uint8_t op = fz_u8(&z->in);

            z->now += 10 + op;

            if (g_debug && z->oracle) {
                compare_regs(z, &z->a, &z->ref, false, "oracle (debug)");
            }
            if (g_debug) {
                fprintf(stderr, "op %u: %u%s\n", ops, op % 20,
                        z->oracle ? (clean(z) ? " clean" : " owed") : "");
            }
            switch (op % 20) {
            case 0:
            case 1:
            case 2:
                op_mmio_write(z);
                break;
            case 3:
                op_mmio_read(z);
                break;
            case 4:
                op_odd(z);
                break;
            case 5:
            case 6:
                op_mem(z);
                break;
            case 7:
            case 8:
            case 9:
            case 10:
            case 11:
                op_translate(z);
                break;
            case 12:
            case 13:
                op_tlbi(z);
                break;
            case 14:
                op_switch(z);
                break;
            case 15:
                op_stream(z);
                break;
            case 16:
                op_faults(z);
                break;
            case 17:
                op_save_restore(z);
                break;
            case 18:
                op_reset(z);
                break;
            default:
                op_misc(z);
                break;
            }
        }
        final_checks(z);
        if (g_verbose) {
            fprintf(stderr, "fuzz-sm2: %s%s s1 %d s2 %d nested %d cb %u/%u "
                    "smrg %u, %u contexts, %u streams: %u ops, %u xlate: %u "
                    "ok (%u TLB hits), %u bypass, %u fault; %u compared "
                    "(%u hits), %u TLBI, %u edits\n",
                    z->oracle ? "oracle" : "free",
                    z->timing ? " timed" : "", z->f->s1, z->f->s2,
                    z->f->nested, z->f->nums2cb, z->f->numcb,
                    z->f->numsmrg, z->nctx, z->nst, ops, z->n_xlate,
                    z->n_ok, z->n_hits, z->n_bypass, z->n_fault, z->n_cmp,
                    z->n_cmp_hit, z->n_tlbi, z->n_edit);
        }
    }
    sm2_free(z->a.s);
    sm2_free(z->ref.s);
    sm2_free(z->rt.s);
    g_free(z->snap);
    g_free(z->w1);
    g_free(z->w2);
    return 0;
}
