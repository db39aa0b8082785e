/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmu-v3 for the core-ref guest: a driver that programs an SMMUv3
 * (IHI 0070) for real.  One instance; a linear stream table, one context
 * descriptor per DMA domain (stage 1, AArch64 4 KiB granule, 39-bit
 * input: three levels of tables), a command queue polled to completion,
 * an event queue read on demand (smmu_hw_pop_fault); no interrupts.
 * Devices in a blocking domain get an aborting STE, identity a bypassing
 * one, released ones an invalid one.  Field positions are the
 * architecture's; register names follow the specification.  Translation
 * tables: smmu-hw.h.
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

#define SID_BITS        8            /* the stream table's size: 256 STEs */
#define CMDQ_LOG2       8            /* 256 commands */
#define EVTQ_LOG2       6            /* 64 event records of 32 bytes */
#define MAX_DOMAINS     8

#define OP_CFGI_STE     0x03
#define OP_CFGI_ALL     0x04         /* CFGI_STE_RANGE, Range 31 */
#define OP_TLBI_NH_ASID 0x11         /* ASID in [63:48] */
#define OP_TLBI_NSNH_ALL 0x30
#define OP_SYNC         0x46

#define POLL_LIMIT      200000000u

typedef struct Dom {
    CrDomain *d;
    Pt pt;                           /* its tables */
    uint64_t cd[8] __attribute__((aligned(64)));
} Dom;

static uint64_t strtab[1u << SID_BITS][8] __attribute__((aligned(16384)));
static uint64_t cmdq[1u << CMDQ_LOG2][2] __attribute__((aligned(4096)));
static uint64_t evtq[1u << EVTQ_LOG2][4] __attribute__((aligned(4096)));
static uint32_t evtq_cons;
static Dom doms[MAX_DOMAINS];
static CrCore *core;
static uint64_t regs;                /* the SMMU's register page 0 */
static uint32_t cmdq_prod;
static unsigned ias_oas;             /* IDR5.OAS: the CD's IPS */
static unsigned gran_supported;      /* bit 0 4K, 1 16K, 2 64K */
static CrIommu instance;
static CrIommuOps ops;

static uint32_t rd32(unsigned off)
{
    return cr_mmio_read32(core, regs + off);
}

static void wr32(unsigned off, uint32_t v)
{
    cr_mmio_write32(core, regs + off, v);
}

static void wr64(unsigned off, uint64_t v)
{
    cr_mmio_write64(core, regs + off, v);
}

static void barrier(void)
{
    dma_barrier();
}

/* ---- Command queue ------------------------------------------------------ */

static int cmd(uint64_t dw0, uint64_t dw1)
{
    uint32_t mask = (1u << CMDQ_LOG2) - 1;
    uint32_t wrap = 1u << CMDQ_LOG2;
    unsigned n = 0;

    /* full: PROD and CONS same index, wrap bits differ */
    while ((rd32(CMDQ_CONS) & (mask | wrap)) == ((cmdq_prod ^ wrap) &
                                                  (mask | wrap))) {
        if (++n > POLL_LIMIT) {
            return -CR_EIO;
        }
    }
    cmdq[cmdq_prod & mask][0] = dw0;
    cmdq[cmdq_prod & mask][1] = dw1;
    cmdq_prod = (cmdq_prod + 1) & (mask | wrap);
    barrier();
    wr32(CMDQ_PROD, cmdq_prod);
    return 0;
}

/* CMD_SYNC, then wait until the SMMU consumed everything before it */
static int cmd_sync(void)
{
    uint32_t mask = (1u << (CMDQ_LOG2 + 1)) - 1;
    unsigned n = 0;

    if (cmd(OP_SYNC, 0)) {
        return -CR_EIO;
    }
    while ((rd32(CMDQ_CONS) & mask) != cmdq_prod) {
        if (++n > POLL_LIMIT || (rd32(CMDQ_CONS) >> 24 & 0x7f)) {
            return -CR_EIO;          /* CMDQ_CONS.ERR: the queue stopped */
        }
    }
    return 0;
}

static int set_cr0(uint32_t v)
{
    unsigned n = 0;

    wr32(CR0, v);
    while (rd32(CR0ACK) != v) {
        if (++n > POLL_LIMIT) {
            return -CR_EIO;
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
 * A domain's ASID is its slot's: live domains never share one (a shared
 * ASID would share TLB entries), and a freed domain's is invalidated
 * before the slot can be used again (domain_free()).
 */
static uint16_t asid_of(const Dom *dm)
{
    return (uint16_t)(dm - doms + 1);
}

static int domain_init(CrCore *c, CrIommu *inst, CrDomain *d)
{
    unsigned i;
    Dom *dm = NULL;
    int r;

    if (d->type == CR_DOM_BLOCKED || d->type == CR_DOM_IDENTITY) {
        return 0;                    /* an STE alone does it */
    }
    for (i = 0; i < MAX_DOMAINS && !dm; i++) {
        dm = doms[i].d ? NULL : &doms[i];
    }
    r = dm ? smmu_domain_tables(c, &dm->pt, gran_supported) : -CR_ENOMEM;
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
                ((uint64_t)ias_oas << 32) |                  /* IPS */
                (1ull << 35) |       /* AFFD */
                (1ull << 41) |       /* AA64 */
                (1ull << 45) | (1ull << 46) | (1ull << 47) | /* R, A, ASET */
                ((uint64_t)asid_of(dm) << 48);
    dm->cd[1] = (uint64_t)(uintptr_t)dm->pt.root;    /* TTB0 */
    dm->cd[3] = 0xff;                /* MAIR: attr 0 normal write-back */
    return 0;
}

static void domain_free(CrCore *c, CrIommu *inst, CrDomain *d)
{
    Dom *dm = dom_of(d);

    if (dm) {
        /* no STE points at it any more: drop what the TLB holds of it */
        cmd(OP_TLBI_NH_ASID | (uint64_t)asid_of(dm) << 48, 0);
        cmd_sync();
        pt_free(c, &dm->pt);
        dm->d = NULL;
        d->priv = NULL;
    }
}

/* The STE of @sid for domain @d (NULL: invalid), then CFGI_STE + SYNC */
static int write_ste(uint32_t sid, CrDomain *d)
{
    uint64_t *ste = strtab[sid];
    Dom *dm = dom_of(d);
    uint64_t dw0 = 0;

    if (sid >= (1u << SID_BITS)) {
        return -CR_EINVAL;
    }
    ste[0] = 0;                      /* invalid while it changes */
    barrier();
    if (cmd(OP_CFGI_STE | (uint64_t)sid << 32, 1) || cmd_sync()) {
        return -CR_EIO;
    }
    if (!d) {
        return 0;
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
    if (cmd(OP_CFGI_STE | (uint64_t)sid << 32, 1) ||
        cmd(OP_TLBI_NSNH_ALL, 0) || cmd_sync()) {
        return -CR_EIO;
    }
    return 0;
}

static int attach_dev(CrCore *c, CrIommu *inst, CrDevice *dev, CrDomain *d)
{
    return write_ste(dev->fw.sid, d);
}

static int map(CrCore *c, CrIommu *inst, CrDomain *d, uint64_t iova,
               uint64_t pa, uint64_t size)
{
    Dom *dm = dom_of(d);
    int r = dm ? pt_map(c, &dm->pt, iova, pa, size) : -CR_EINVAL;

    if (r) {
        return r;
    }
    barrier();
    return cmd(OP_TLBI_NSNH_ALL, 0) || cmd_sync() ? -CR_EIO : 0;
}

/* The granule of the domains made from now on (4, 16 or 64 KiB) */
int smmu_hw_granule_kb = 4;
CR_EXPORT_SYMBOL(smmu_hw_granule_kb);

/* ---- The event queue ----------------------------------------------------- */

/* smmu-hw.h: the oldest event record not read yet, as a fault */
int smmu_hw_pop_fault(SmmuFault *f)
{
    uint32_t mask = (1u << (EVTQ_LOG2 + 1)) - 1;
    const uint64_t *rec;

    if (!regs || (rd32(EVENTQ_PROD) & mask) == evtq_cons) {
        return 0;
    }
    barrier();                       /* the record after PROD that covers it */
    rec = evtq[evtq_cons & ((1u << EVTQ_LOG2) - 1)];
    f->sid = (uint32_t)(rec[0] >> 32);
    f->addr = rec[2];                /* InputAddr */
    f->code = (uint32_t)(rec[0] & 0xff);
    f->translation = f->code == 0x10;          /* F_TRANSLATION */
    evtq_cons = (evtq_cons + 1) & mask;
    wr32(EVENTQ_CONS, evtq_cons);
    return 1;
}
CR_EXPORT_SYMBOL(smmu_hw_pop_fault);

/* ---- The platform driver ------------------------------------------------- */

/* IHI 0070 6.3.1: stage 1 and AArch64 tables needed */
static int smmu_reset(void)
{
    uint32_t idr0 = rd32(IDR0), idr1 = rd32(IDR1);

    if (!(idr0 & (1u << 1)) || !((idr0 >> 2) & 2) ||
        (idr1 & 0x3f) < SID_BITS || ((idr1 >> 21) & 0x1f) < CMDQ_LOG2) {
        return -CR_ENODEV;
    }
    ias_oas = rd32(IDR5) & 7;
    /* IDR5.GRAN4K [4], GRAN16K [5], GRAN64K [6] */
    gran_supported = (rd32(IDR5) >> 4 & 1) | (rd32(IDR5) >> 5 & 1) << 1 |
                     (rd32(IDR5) >> 6 & 1) << 2;
    if (set_cr0(0)) {
        return -CR_EIO;
    }
    /* queues and tables: inner shareable, write-back cacheable */
    wr32(CR1, (1u << 0) | (1u << 2) | (3u << 4) | (1u << 6) | (1u << 8) |
              (3u << 10));
    wr32(CR2, (1u << 1) | (1u << 2));            /* RECINVSID, PTM */
    zero(strtab, sizeof(strtab));
    barrier();
    wr64(STRTAB_BASE, (uint64_t)(uintptr_t)strtab | BASE_RA);
    wr32(STRTAB_BASE_CFG, SID_BITS);             /* linear, log2 size */
    wr64(CMDQ_BASE, (uint64_t)(uintptr_t)cmdq | BASE_RA | CMDQ_LOG2);
    cmdq_prod = 0;
    wr32(CMDQ_PROD, 0);
    wr32(CMDQ_CONS, 0);
    zero(evtq, sizeof(evtq));
    wr64(EVENTQ_BASE, (uint64_t)(uintptr_t)evtq | EVTQ_LOG2);
    evtq_cons = 0;
    wr32(EVENTQ_PROD, 0);
    wr32(EVENTQ_CONS, 0);
    if (set_cr0(CR0_CMDQEN | CR0_EVENTQEN) ||
        cmd(OP_CFGI_ALL, 31) || cmd(OP_TLBI_NSNH_ALL, 0) || cmd_sync() ||
        set_cr0(CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN)) {
        return -CR_EIO;
    }
    return 0;
}

static int smmu_probe(CrCore *c, CrDevice *dev)
{
    int r;

    if (instance.registered) {
        return -CR_EBUSY;            /* one instance only, for now */
    }
    core = c;
    regs = dev->mmio;
    r = smmu_reset();
    if (r) {
        return r;
    }
    smmu_instance_init(&instance, "smmu3.0x", dev, &ops);
    return cr_iommu_register(c, &instance);
}

static void smmu_remove(CrCore *c, CrDevice *dev)
{
    cr_iommu_unregister(c, &instance);
    set_cr0(0);
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
        .attach_dev = attach_dev, .map = map, .in_use = true,
    };
    smmu_drv.owner = self;
    smmu_drv.bus = cr_bus_find(c, "platform");
    return cr_driver_register(c, &smmu_drv);
}

void cr_module_exit(CrCore *c, CrModule *self)
{
    cr_driver_unregister(c, &smmu_drv);
}
