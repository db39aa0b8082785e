/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmu-v3 for the core-ref guest: a driver that programs an SMMUv3
 * (IHI 0070) for real.  Up to two instances, each with a 2-level stream
 * table (its level-2 tables made when a device in their span is probed),
 * one context descriptor per DMA domain (stage 1, AArch64, 4, 16 or
 * 64 KiB granule: smmu-hw.h), a command queue polled to completion (a
 * command the SMMU refuses is skipped and the queue restarted, as Linux
 * does) and an event queue read on demand (smmu_hw_pop_fault); no
 * interrupts: global errors are read while polling.  Every wait for the
 * SMMU gives up after a second, as Linux's.
 * Devices in a blocking domain get an aborting STE, identity a bypassing
 * one, released ones an invalid one.  Field positions are the
 * architecture's; register names follow the specification.
 */
#include "cr-module-api.h"
#include "smmu-hw.h"

CR_MODULE_NAME("smmuv3_hw");
CR_MODULE_LICENSE("GPL v2");

/* ---- Registers and structures (IHI 0070, chapters 5, 6, 4) ----------- */

#define IDR0            0x00
#define IDR1            0x04
#define IDR5            0x14
#define CR0             0x20
#define CR0ACK          0x24
#define CR1             0x28
#define CR2             0x2c
#define GERROR          0x60
#define GERRORN         0x64
#define STRTAB_BASE     0x80
#define STRTAB_BASE_CFG 0x88
#define CMDQ_BASE       0x90
#define CMDQ_PROD       0x98
#define CMDQ_CONS       0x9c
#define EVENTQ_BASE     0xa0
#define EVENTQ_PROD     0x100a8      /* page 1 */
#define EVENTQ_CONS     0x100ac

#define CR0_SMMUEN      (1u << 0)
#define CR0_EVENTQEN    (1u << 2)
#define CR0_CMDQEN      (1u << 3)
#define BASE_RA         (1ull << 62)

/* GERROR / GERRORN: an error is active while their bits differ */
#define GERROR_CMDQ_ERR (1u << 0)
#define GERROR_SFM_ERR  (1u << 8)    /* service failure mode: the SMMU stopped */
/* CMDQ_CONS.ERR [30:24]: why the command at CONS failed */
#define CONS_ERR(cons)  ((cons) >> 24 & 0x7f)
#define CERROR_ILL      1            /* illegal command: skipped */
#define CONS_IDX_WRAP   ((1u << (CMDQ_LOG2 + 1)) - 1)

#define IDR0_ST_2LVL    (1u << 27)   /* ST_LEVEL [28:27] = 0b01 */
#define STRTAB_FMT_2LVL (1u << 16)

#define SID_BITS_MIN    8
#define SID_BITS_MAX    16           /* the stream table covers at most these */
#define SPLIT           8            /* 256 STEs per level-2 table */
#define L1_ENTRIES      (1u << (SID_BITS_MAX - SPLIT))
#define L2_STES         (1u << SPLIT)
#define L2_BYTES        (L2_STES * 64)
#define CMDQ_LOG2       8            /* 256 commands */
#define EVTQ_LOG2       6            /* 64 event records of 32 bytes */
#define MAX_DOMAINS     8
#define MAX_SMMUS       2

#define OP_CFGI_STE     0x03
#define OP_CFGI_ALL     0x04         /* CFGI_STE_RANGE, Range 31 */
#define OP_TLBI_NH_ASID 0x11         /* ASID in [63:48] */
#define OP_TLBI_NSNH_ALL 0x30
#define OP_SYNC         0x46

#define POLL_TIMEOUT_US 1000000u     /* Linux's ARM_SMMU_POLL_TIMEOUT_US */

typedef struct Dom {
    CrDomain *d;
    Pt pt;                           /* its tables */
    uint64_t cd[8] __attribute__((aligned(64)));
} Dom;

/*
 * One SMMU.  Its queues and level-1 stream table live here; the level-2
 * tables, 16 KiB each, come from DMA memory when a device with a
 * StreamID in their span is probed (as Linux's arm_smmu_probe_device
 * allocates them), and go back when the SMMU is removed or its
 * registration fails.
 */
typedef struct Smmu {
    uint64_t l1[L1_ENTRIES] __attribute__((aligned(4096)));
    uint64_t cmdq[1u << CMDQ_LOG2][2] __attribute__((aligned(4096)));
    uint64_t evtq[1u << EVTQ_LOG2][4] __attribute__((aligned(4096)));
    uint64_t *l2[L1_ENTRIES];        /* NULL: that span has no table */
    CrDevice *dev;                   /* NULL: a free slot */
    uint64_t regs;                   /* register page 0 */
    uint32_t cmdq_prod, evtq_cons;
    bool cmd_skipped;                /* since the last CMD_SYNC's wait */
    unsigned sid_bits;               /* IDR1.SIDSIZE, at most SID_BITS_MAX */
    unsigned ias_oas;                /* IDR5.OAS: the CD's IPS */
    unsigned gran_supported;         /* bit 0 4K, 1 16K, 2 64K */
    Dom doms[MAX_DOMAINS];
    CrIommu instance;
} Smmu;

static Smmu smmus[MAX_SMMUS];
static CrCore *core;
static CrIommuOps ops;

/* The SMMU slot of device @dev (NULL: a free slot), or NULL */
static Smmu *smmu_by_dev(const CrDevice *dev)
{
    unsigned i;

    for (i = 0; i < MAX_SMMUS; i++) {
        if (smmus[i].dev == dev) {
            return &smmus[i];
        }
    }
    return NULL;
}

/* The SMMU of instance @inst: the one its hardware device is in */
static Smmu *smmu_of(const CrIommu *inst)
{
    return inst && inst->hwdev ? smmu_by_dev(inst->hwdev) : NULL;
}


static uint32_t rd32(const Smmu *s, unsigned off)
{
    return cr_mmio_read32(core, s->regs + off);
}

static void wr32(const Smmu *s, unsigned off, uint32_t v)
{
    cr_mmio_write32(core, s->regs + off, v);
}

static void wr64(const Smmu *s, unsigned off, uint64_t v)
{
    cr_mmio_write64(core, s->regs + off, v);
}

static void barrier(void)
{
    dma_barrier();
}

/* ---- Command queue ------------------------------------------------------ */

/* The global errors active now: GERROR's bits that GERRORN has not acked */
static uint32_t gerror_active(const Smmu *s)
{
    return rd32(s, GERROR) ^ rd32(s, GERRORN);
}

/*
 * The queue stopped at the command CMDQ_CONS (@cons) points at (IHI
 * 0070 7.1).  An illegal command is overwritten with a CMD_SYNC, as
 * Linux's arm_smmu_cmdq_skip_err() does, and noted for the CMD_SYNC
 * wait to report; after any other error (a fetch abort, ...) the same
 * command is tried again.  Acknowledging CMDQ_ERR restarts the queue.
 */
static void cmdq_skip_error(Smmu *s, uint32_t cons)
{
    uint64_t *c = s->cmdq[cons & ((1u << CMDQ_LOG2) - 1)];

    if (CONS_ERR(cons) == CERROR_ILL) {
        c[0] = OP_SYNC;
        c[1] = 0;
        s->cmd_skipped = true;
        barrier();
    }
    wr32(s, GERRORN, rd32(s, GERRORN) ^ GERROR_CMDQ_ERR);
}

/*
 * Wait until the SMMU has consumed every command written (@space:
 * until the queue has room for one more), restarting it when it stops
 * on an error: 0, -EIO in service failure mode, or -ETIMEDOUT.
 */
static int cmdq_wait(Smmu *s, bool space)
{
    uint32_t full = s->cmdq_prod ^ (1u << CMDQ_LOG2);  /* same index, wrapped */
    uint64_t end = cr_deadline(core, POLL_TIMEOUT_US);

    for (;;) {
        uint32_t cons = rd32(s, CMDQ_CONS), active;

        if (space ? (cons & CONS_IDX_WRAP) != full
                  : (cons & CONS_IDX_WRAP) == s->cmdq_prod) {
            return 0;
        }
        active = gerror_active(s);
        if (active & GERROR_SFM_ERR) {
            return -CR_EIO;
        }
        if (active & GERROR_CMDQ_ERR) {
            /* read again: the queue stopped after @cons was read */
            cmdq_skip_error(s, rd32(s, CMDQ_CONS));
        } else if (cr_expired(core, end)) {
            return -CR_ETIMEDOUT;
        }
    }
}

static int cmd(Smmu *s, uint64_t dw0, uint64_t dw1)
{
    uint32_t mask = (1u << CMDQ_LOG2) - 1;
    int r = cmdq_wait(s, true);

    if (r) {
        return r;
    }
    s->cmdq[s->cmdq_prod & mask][0] = dw0;
    s->cmdq[s->cmdq_prod & mask][1] = dw1;
    s->cmdq_prod = (s->cmdq_prod + 1) & CONS_IDX_WRAP;
    barrier();
    wr32(s, CMDQ_PROD, s->cmdq_prod);
    return 0;
}

/*
 * CMD_SYNC, then wait until the SMMU consumed everything before it:
 * -EIO when one of those commands was refused and skipped.
 */
static int cmd_sync(Smmu *s)
{
    int r = cmd(s, OP_SYNC, 0);

    if (!r) {
        r = cmdq_wait(s, false);
    }
    if (!r && s->cmd_skipped) {
        r = -CR_EIO;
    }
    s->cmd_skipped = false;
    return r;
}

/* @n commands (two words each), then CMD_SYNC and its wait: 0 or why not */
static int cmds_sync(Smmu *s, unsigned n, const uint64_t (*cmds)[2])
{
    unsigned i;
    int r;

    for (i = 0; i < n; i++) {
        r = cmd(s, cmds[i][0], cmds[i][1]);
        if (r) {
            return r;
        }
    }
    return cmd_sync(s);
}

#define CMDS_SYNC(s, ...)                                                   \
    cmds_sync((s), sizeof((const uint64_t[][2]){ __VA_ARGS__ }) /           \
                   sizeof(uint64_t[2]), (const uint64_t[][2]){ __VA_ARGS__ })

static int set_cr0(Smmu *s, uint32_t v)
{
    uint64_t end = cr_deadline(core, POLL_TIMEOUT_US);

    wr32(s, CR0, v);
    while (rd32(s, CR0ACK) != v) {
        if (cr_expired(core, end)) {
            return -CR_ETIMEDOUT;
        }
    }
    return 0;
}

/* ---- Domains and STEs ----------------------------------------------------- */

static Dom *dom_of(CrDomain *d)
{
    return d ? d->priv : NULL;
}

/*
 * A domain's ASID is its slot's: live domains of one SMMU never share
 * one (a shared ASID would share TLB entries), and a freed domain's is
 * invalidated before the slot can be used again (domain_free()).
 */
static uint16_t asid_of(const Smmu *s, const Dom *dm)
{
    return (uint16_t)(dm - s->doms + 1);
}

static int domain_init(CrCore *c, CrIommu *inst, CrDomain *d)
{
    Smmu *s = smmu_of(inst);
    unsigned i;
    Dom *dm = NULL;
    int r;

    if (d->type == CR_DOM_BLOCKED || d->type == CR_DOM_IDENTITY) {
        return 0;                    /* an STE alone does it */
    }
    for (i = 0; s && i < MAX_DOMAINS && !dm; i++) {
        dm = s->doms[i].d ? NULL : &s->doms[i];
    }
    r = dm ? smmu_domain_tables(c, &dm->pt, s->gran_supported) : -CR_ENOMEM;
    if (r) {
        return r;
    }
    dm->d = d;
    d->priv = dm;
    zero(dm->cd, sizeof(dm->cd));
    dm->cd[0] = (64 - dm->pt.ias) |  /* T0SZ */
                ((uint64_t)dm->pt.tg0 << 6) |                /* TG0 */
                (1ull << 8) | (1ull << 10) | (3ull << 12) |  /* WB, ISH */
                (1ull << 30) |       /* EPD1 */
                (1ull << 31) |       /* V */
                ((uint64_t)s->ias_oas << 32) |               /* IPS */
                (1ull << 35) |       /* AFFD */
                (1ull << 41) |       /* AA64 */
                (1ull << 45) | (1ull << 46) | (1ull << 47) | /* R, A, ASET */
                ((uint64_t)asid_of(s, dm) << 48);
    dm->cd[1] = (uint64_t)(uintptr_t)dm->pt.root;    /* TTB0 */
    dm->cd[3] = 0xff;                /* MAIR: attr 0 normal write-back */
    return 0;
}

static void domain_free(CrCore *c, CrIommu *inst, CrDomain *d)
{
    Smmu *s = smmu_of(inst);
    Dom *dm = dom_of(d);

    if (s && dm) {
        /* no STE points at it any more: drop what the TLB holds of it */
        CMDS_SYNC(s, { OP_TLBI_NH_ASID | (uint64_t)asid_of(s, dm) << 48 });
        pt_free(c, &dm->pt);
        dm->d = NULL;
        d->priv = NULL;
    }
}

/*
 * The level-2 table of @sid's span, made when missing: zeroed (every STE
 * invalid) before the level-1 descriptor points at it (Span 9: 256
 * STEs).  0, -ERANGE past the SMMU's StreamIDs, or -ENOMEM.
 */
static int l2_table(Smmu *s, uint32_t sid)
{
    uint64_t *t;

    if (sid >> s->sid_bits) {
        return -CR_ERANGE;
    }
    if (s->l2[sid >> SPLIT]) {
        return 0;
    }
    t = cr_dma_alloc(core, L2_BYTES, L2_BYTES);
    if (!t) {
        return -CR_ENOMEM;
    }
    zero(t, L2_BYTES);
    s->l2[sid >> SPLIT] = t;
    barrier();
    s->l1[sid >> SPLIT] = (uint64_t)(uintptr_t)t | (SPLIT + 1);
    barrier();
    return 0;
}

static void l2_tables_free(Smmu *s)
{
    unsigned i;

    for (i = 0; i < L1_ENTRIES; i++) {
        if (s->l2[i]) {
            s->l1[i] = 0;
            cr_dma_free(core, s->l2[i], L2_BYTES);
            s->l2[i] = NULL;
        }
    }
}

/* arm_smmu_probe_device's part: @dev's StreamID gets its STE's table */
static int probe_device(CrCore *c, CrIommu *inst, CrDevice *dev)
{
    Smmu *s = smmu_of(inst);

    return s ? l2_table(s, dev->fw.sid) : -CR_ENODEV;
}

/* The STE of @sid for domain @d (NULL: invalid), then CFGI_STE + SYNC */
static int write_ste(Smmu *s, uint32_t sid, CrDomain *d)
{
    uint64_t *ste;
    Dom *dm = dom_of(d);
    uint64_t dw0 = 0;
    int r;

    if (sid >> s->sid_bits || !s->l2[sid >> SPLIT]) {
        return -CR_EINVAL;           /* never probed: no table for it */
    }
    ste = &s->l2[sid >> SPLIT][(sid & (L2_STES - 1)) * 8];
    ste[0] = 0;                      /* invalid while it changes */
    barrier();
    r = CMDS_SYNC(s, { OP_CFGI_STE | (uint64_t)sid << 32, 1 });
    if (r || !d) {
        return r;
    }
    zero(&ste[1], 7 * sizeof(uint64_t));
    if (d->type == CR_DOM_BLOCKED) {
        dw0 = 1 | (0ull << 1);       /* V, Config abort */
    } else if (d->type == CR_DOM_IDENTITY) {
        dw0 = 1 | (4ull << 1);       /* V, Config bypass */
    } else if (dm) {
        ste[1] = (1ull << 2) | (1ull << 4) | (3ull << 6);  /* CD fetch WB ISH */
        dw0 = 1 | (5ull << 1) |      /* V, Config S1 translate */
              (uint64_t)(uintptr_t)dm->cd;               /* S1ContextPtr */
    } else {
        return -CR_EINVAL;
    }
    barrier();
    ste[0] = dw0;
    barrier();
    return CMDS_SYNC(s, { OP_CFGI_STE | (uint64_t)sid << 32, 1 },
                     { OP_TLBI_NSNH_ALL });
}

static int attach_dev(CrCore *c, CrIommu *inst, CrDevice *dev, CrDomain *d)
{
    Smmu *s = smmu_of(inst);

    return s ? write_ste(s, dev->fw.sid, d) : -CR_EINVAL;
}

static int map(CrCore *c, CrIommu *inst, CrDomain *d, uint64_t iova,
               uint64_t pa, uint64_t size)
{
    Smmu *s = smmu_of(inst);
    Dom *dm = dom_of(d);
    int r = s && dm ? pt_map(c, &dm->pt, iova, pa, size) : -CR_EINVAL;

    if (r) {
        return r;
    }
    barrier();
    return CMDS_SYNC(s, { OP_TLBI_NSNH_ALL });
}

/* The granule of the domains made from now on (4, 16 or 64 KiB) */
int smmu_hw_granule_kb = 4;
CR_EXPORT_SYMBOL(smmu_hw_granule_kb);

/* ---- The event queue ----------------------------------------------------- */

/* The oldest event record of @s not read yet, as a fault: 1, or 0 */
static int pop_fault(Smmu *s, SmmuFault *f)
{
    uint32_t mask = (1u << (EVTQ_LOG2 + 1)) - 1;
    const uint64_t *rec;

    if ((rd32(s, EVENTQ_PROD) & mask) == s->evtq_cons) {
        return 0;
    }
    barrier();                       /* the record after PROD that covers it */
    rec = s->evtq[s->evtq_cons & ((1u << EVTQ_LOG2) - 1)];
    f->sid = (uint32_t)(rec[0] >> 32);
    f->addr = rec[2];                /* InputAddr */
    f->code = (uint32_t)(rec[0] & 0xff);
    f->translation = f->code == 0x10;          /* F_TRANSLATION */
    s->evtq_cons = (s->evtq_cons + 1) & mask;
    wr32(s, EVENTQ_CONS, s->evtq_cons);
    return 1;
}

/* smmu-hw.h: the oldest fault of the first SMMU that has one */
int smmu_hw_pop_fault(SmmuFault *f)
{
    unsigned i;

    for (i = 0; i < MAX_SMMUS; i++) {
        if (smmus[i].dev && pop_fault(&smmus[i], f)) {
            return 1;
        }
    }
    return 0;
}
CR_EXPORT_SYMBOL(smmu_hw_pop_fault);

/* ---- The platform driver ------------------------------------------------- */

/*
 * IHI 0070 6.3.1: stage 1, AArch64 tables, a 2-level stream table and at
 * least 8 StreamID bits needed.
 */
static int smmu_reset(Smmu *s)
{
    uint32_t idr0 = rd32(s, IDR0), idr1 = rd32(s, IDR1);
    uint32_t idr5 = rd32(s, IDR5);
    int r;

    if (!(idr0 & (1u << 1)) || !((idr0 >> 2) & 2) ||
        (idr0 & (3u << 27)) != IDR0_ST_2LVL ||
        (idr1 & 0x3f) < SID_BITS_MIN || ((idr1 >> 21) & 0x1f) < CMDQ_LOG2) {
        return -CR_ENODEV;
    }
    s->sid_bits = idr1 & 0x3f;       /* SIDSIZE */
    if (s->sid_bits > SID_BITS_MAX) {
        s->sid_bits = SID_BITS_MAX;
    }
    s->ias_oas = idr5 & 7;
    /* IDR5.GRAN4K [4], GRAN16K [5], GRAN64K [6] */
    s->gran_supported = (idr5 >> 4 & 1) | (idr5 >> 5 & 1) << 1 |
                        (idr5 >> 6 & 1) << 2;
    r = set_cr0(s, 0);
    if (r) {
        return r;
    }
    /* an error an earlier user left active would keep the queue stopped */
    wr32(s, GERRORN, rd32(s, GERROR));
    /* queues and tables: inner shareable, write-back cacheable */
    wr32(s, CR1, (1u << 0) | (1u << 2) | (3u << 4) | (1u << 6) | (1u << 8) |
                 (3u << 10));
    wr32(s, CR2, (1u << 1) | (1u << 2));         /* RECINVSID, PTM */
    zero(s->l1, sizeof(s->l1));
    barrier();
    wr64(s, STRTAB_BASE, (uint64_t)(uintptr_t)s->l1 | BASE_RA);
    /* 2-level, SPLIT, LOG2SIZE */
    wr32(s, STRTAB_BASE_CFG, STRTAB_FMT_2LVL | SPLIT << 6 | s->sid_bits);
    wr64(s, CMDQ_BASE, (uint64_t)(uintptr_t)s->cmdq | BASE_RA | CMDQ_LOG2);
    s->cmdq_prod = 0;
    wr32(s, CMDQ_PROD, 0);
    wr32(s, CMDQ_CONS, 0);
    zero(s->evtq, sizeof(s->evtq));
    wr64(s, EVENTQ_BASE, (uint64_t)(uintptr_t)s->evtq | EVTQ_LOG2);
    s->evtq_cons = 0;
    wr32(s, EVENTQ_PROD, 0);
    wr32(s, EVENTQ_CONS, 0);
    r = set_cr0(s, CR0_CMDQEN | CR0_EVENTQEN);
    if (!r) {
        r = CMDS_SYNC(s, { OP_CFGI_ALL, 31 }, { OP_TLBI_NSNH_ALL });
    }
    return r ? r : set_cr0(s, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
}

/* The SMMU off and everything the driver allocated for it back: its slot
 * free again */
static void smmu_teardown(Smmu *s)
{
    set_cr0(s, 0);
    l2_tables_free(s);
    s->dev = NULL;
    s->regs = 0;
}

static int smmu_probe(CrCore *c, CrDevice *dev)
{
    Smmu *s = smmu_by_dev(NULL);
    int r;

    if (!s) {
        return -CR_EBUSY;            /* MAX_SMMUS instances already */
    }
    core = c;
    s->dev = dev;
    s->regs = dev->mmio;
    r = smmu_reset(s);
    if (!r) {
        smmu_instance_init(&s->instance, "smmu3.0x", dev, &ops);
        r = cr_iommu_register(c, &s->instance);
    }
    if (r) {
        smmu_teardown(s);            /* nothing of this SMMU left */
    }
    return r;
}

static void smmu_remove(CrCore *c, CrDevice *dev)
{
    Smmu *s = smmu_by_dev(dev);

    if (s) {
        cr_iommu_unregister(c, &s->instance);
        smmu_teardown(s);
    }
}

static CrDriver smmu_drv = {
    .name = "arm-smmu-v3", .compat = "arm,smmu-v3",
    .suppress_bind_attrs = true, .probe = smmu_probe, .remove = smmu_remove,
};

int cr_module_init(CrCore *c, CrModule *self)
{
    ops = (CrIommuOps){
        .owner = self, .module_resident = true,
        .policy = CR_GROUP_PCI_TOPOLOGY, .def_type = CR_DOM_DMA,
        .domain_init = domain_init, .domain_free = domain_free,
        .attach_dev = attach_dev, .map = map,
        .probe_device = probe_device, .in_use = true,
    };
    smmu_drv.owner = self;
    smmu_drv.bus = cr_bus_find(c, "platform");
    return cr_driver_register(c, &smmu_drv);
}

void cr_module_exit(CrCore *c, CrModule *self)
{
    cr_driver_unregister(c, &smmu_drv);
}
