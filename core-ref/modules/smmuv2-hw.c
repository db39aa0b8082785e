/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmu for the core-ref guest: a driver that programs an SMMUv2 /
 * MMU-500 (IHI 0062) for real.  Up to two instances; each DMA domain
 * gets a stage-1 context bank (AArch64 tables, smmu-hw.h), each device a
 * stream match register with its StreamID and an S2CR pointing at its
 * domain's bank (fault for blocking, bypass for identity, an invalid SMR
 * once released); unmatched streams fault; context faults read on
 * demand (smmu_hw_pop_fault).  Like Linux's arm-smmu, it links each
 * master to the SMMU device (CrIommuOps.add_links).
 */
#include "cr-module-api.h"
#include "smmu-hw.h"

CR_MODULE_NAME("smmuv2_hw");
CR_MODULE_LICENSE("GPL v2");

/* ---- Registers (IHI 0062, chapter 9; field positions as there) -------- */

/* global register space 0 */
#define SCR0            0x000
#define SIDR0           0x020
#define SIDR1           0x024
#define SIDR2           0x028
#define TLBIALLNSNH     0x068
#define STLBGSYNC       0x070
#define STLBGSTATUS     0x074
#define SMR(n)          (0x800 + 4 * (n))
#define S2CR(n)         (0xc00 + 4 * (n))
/* global register space 1: one page up */
#define CBAR(n)         (0x000 + 4 * (n))
#define CBFRSYNRA(n)    (0x400 + 4 * (n))
#define CBA2R(n)        (0x800 + 4 * (n))
/* a context bank */
#define CB_SCTLR        0x000
#define CB_TCR2         0x010
#define CB_TTBR0        0x020
#define CB_TCR          0x030
#define CB_MAIR0        0x038
#define CB_FSR          0x058
#define CB_FAR          0x060
#define FSR_TF          (1u << 1)

#define SCR0_CLIENTPD   (1u << 0)
#define SCR0_GFRE       (1u << 1)
#define SCR0_GCFGFRE    (1u << 4)
#define SCR0_USFCFG     (1u << 10)
#define SMR_VALID       (1u << 31)
#define S2CR_TRANS      (0u << 16)
#define S2CR_BYPASS     (1u << 16)
#define S2CR_FAULT      (2u << 16)
#define CBAR_S1_BYPASS  (1u << 16)       /* stage 1, stage 2 bypassed */
#define CBAR_BPSHCFG_NSH (3u << 8)       /* 0b00 is reserved */
#define SCTLR_M         (1u << 0)
#define SCTLR_AFFD      (1u << 3)
#define SCTLR_CFRE      (1u << 5)        /* a context fault aborts */
#define TCR2_SEP_UPSTREAM (7u << 15)     /* sign-extend from the top bit */

#define MAX_SMRS        32
#define MAX_BANKS       8
#define MAX_SMMUS       2
#define POLL_TIMEOUT_US 1000000u     /* Linux's TLB_LOOP_TIMEOUT */

typedef struct Dom {
    CrDomain *d;
    Pt pt;
    unsigned cb;                     /* its context bank */
} Dom;

/* One SMMU: what its ID registers say, its SMRs and banks in use */
typedef struct Smmu {
    CrDevice *dev;                   /* NULL: a free slot */
    uint64_t gr0, gr1, cbs;          /* register spaces' addresses */
    unsigned page_size, n_smrs, n_cbs, n_s2cbs, oas;
    unsigned gran_supported;         /* bit 0 4K, 1 16K, 2 64K */
    uint32_t smr_sid[MAX_SMRS];
    bool smr_used[MAX_SMRS];
    Dom doms[MAX_BANKS];
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


static uint32_t rd32(uint64_t space, unsigned off)
{
    return cr_mmio_read32(core, space + off);
}

static void wr32(uint64_t space, unsigned off, uint32_t v)
{
    cr_mmio_write32(core, space + off, v);
}

static void wr64(uint64_t space, unsigned off, uint64_t v)
{
    cr_mmio_write64(core, space + off, v);
}

static uint64_t cb_regs(const Smmu *s, unsigned cb)
{
    return s->cbs + (uint64_t)cb * s->page_size;
}

/* Invalidate every non-secure non-hyp TLB entry and wait for it */
static int tlb_sync_all(const Smmu *s)
{
    uint64_t end;

    dma_barrier();
    wr32(s->gr0, TLBIALLNSNH, 0);
    wr32(s->gr0, STLBGSYNC, 0);
    end = cr_deadline(core, POLL_TIMEOUT_US);
    while (rd32(s->gr0, STLBGSTATUS) & 1) {        /* GSACTIVE */
        if (cr_expired(core, end)) {
            return -CR_ETIMEDOUT;
        }
    }
    return 0;
}

/* ---- Domains: a context bank each ---------------------------------------- */

static int domain_init(CrCore *c, CrIommu *inst, CrDomain *d)
{
    Smmu *s = smmu_of(inst);
    uint64_t cb;
    Dom *dm = NULL;
    unsigned i;
    int r;

    if (d->type == CR_DOM_BLOCKED || d->type == CR_DOM_IDENTITY) {
        return 0;                    /* an S2CR alone does it */
    }
    /* the first NUMS2CB banks are stage-2 only (CBAR.TYPE stays 0) */
    for (i = 0; s && i < MAX_BANKS && s->n_s2cbs + i < s->n_cbs && !dm;
         i++) {
        dm = s->doms[i].d ? NULL : &s->doms[i];
    }
    r = dm ? smmu_domain_tables(c, &dm->pt, s->gran_supported) : -CR_ENOMEM;
    if (r) {
        return r;
    }
    dm->d = d;
    dm->cb = s->n_s2cbs + (unsigned)(dm - s->doms);
    d->priv = dm;
    cb = cb_regs(s, dm->cb);
    wr32(cb, CB_SCTLR, 0);
    wr32(s->gr1, CBAR(dm->cb), CBAR_S1_BYPASS | CBAR_BPSHCFG_NSH);
    wr32(s->gr1, CBA2R(dm->cb), 1);                /* VA64 */
    wr32(cb, CB_TCR2, s->oas | TCR2_SEP_UPSTREAM); /* PASIZE */
    wr32(cb, CB_TCR, (64 - dm->pt.ias) | (1u << 8) | (1u << 10) |
                     (3u << 12) | (dm->pt.tg0 << 14) |
                     (1u << 23));   /* T0SZ, WB, ISH, TG0, EPD1 */
    wr64(cb, CB_TTBR0, (uint64_t)(uintptr_t)dm->pt.root |
                       ((uint64_t)(dm->cb + 1) << 48));   /* ASID */
    if (!(rd32(s->gr1, CBAR(dm->cb)) & CBAR_S1_BYPASS)) {
        pt_free(c, &dm->pt);
        dm->d = NULL;                /* the bank refused stage 1 */
        d->priv = NULL;
        return -CR_ENODEV;
    }
    wr32(cb, CB_MAIR0, 0xff);                      /* attr 0: normal WB */
    wr32(cb, CB_FSR, 0xffffffffu);                 /* no old faults */
    wr32(cb, CB_SCTLR, SCTLR_M | SCTLR_AFFD | SCTLR_CFRE);
    return tlb_sync_all(s);
}

static void domain_free(CrCore *c, CrIommu *inst, CrDomain *d)
{
    Smmu *s = smmu_of(inst);
    Dom *dm = d->priv;

    if (s && dm) {
        wr32(cb_regs(s, dm->cb), CB_SCTLR, 0);
        tlb_sync_all(s);
        pt_free(c, &dm->pt);
        dm->d = NULL;
        d->priv = NULL;
    }
}

/* ---- Stream matching ------------------------------------------------------ */

static int smr_of(Smmu *s, uint32_t sid, bool alloc)
{
    unsigned i;

    for (i = 0; i < MAX_SMRS && i < s->n_smrs; i++) {
        if (s->smr_used[i] && s->smr_sid[i] == sid) {
            return (int)i;
        }
    }
    for (i = 0; alloc && i < MAX_SMRS && i < s->n_smrs; i++) {
        if (!s->smr_used[i]) {
            s->smr_used[i] = true;
            s->smr_sid[i] = sid;
            return (int)i;
        }
    }
    return -1;
}

static int attach_dev(CrCore *c, CrIommu *inst, CrDevice *dev, CrDomain *d)
{
    Smmu *s = smmu_of(inst);
    uint32_t sid = dev->fw.sid & 0x7fff;
    int i = s ? smr_of(s, sid, d != NULL) : -1;
    Dom *dm = d ? d->priv : NULL;
    uint32_t s2cr;

    if (i < 0) {
        return d ? -CR_ENOMEM : 0;       /* out of stream match registers */
    }
    if (!d) {                        /* released: the stream faults again */
        wr32(s->gr0, SMR(i), 0);
        wr32(s->gr0, S2CR(i), S2CR_FAULT);
        s->smr_used[i] = false;
        return tlb_sync_all(s);
    }
    if (d->type == CR_DOM_BLOCKED) {
        s2cr = S2CR_FAULT;
    } else if (d->type == CR_DOM_IDENTITY) {
        s2cr = S2CR_BYPASS;
    } else if (dm) {
        s2cr = S2CR_TRANS | dm->cb;
    } else {
        s->smr_used[i] = false;      /* not taken after all */
        return -CR_EINVAL;
    }
    wr32(s->gr0, S2CR(i), s2cr);
    wr32(s->gr0, SMR(i), SMR_VALID | sid);         /* mask 0: this SID */
    return tlb_sync_all(s);
}

static int map(CrCore *c, CrIommu *inst, CrDomain *d, uint64_t iova,
               uint64_t pa, uint64_t size)
{
    Smmu *s = smmu_of(inst);
    Dom *dm = d->priv;
    int r = s && dm ? pt_map(c, &dm->pt, iova, pa, size) : -CR_EINVAL;

    return r ? r : tlb_sync_all(s);
}

/* The granule of the domains made from now on (4, 16 or 64 KiB) */
int smmu_hw_granule_kb = 4;
CR_EXPORT_SYMBOL(smmu_hw_granule_kb);

/* A context fault of one of @s's banks (FSR, FAR, the StreamID in
 * CBFRSYNRA), cleared once read: 1, or 0 */
static int pop_fault(Smmu *s, SmmuFault *f)
{
    unsigned i;

    for (i = 0; i < MAX_BANKS; i++) {
        uint64_t cb;
        uint32_t fsr;

        if (!s->doms[i].d) {
            continue;
        }
        cb = cb_regs(s, s->doms[i].cb);
        fsr = rd32(cb, CB_FSR);
        if (!fsr) {
            continue;
        }
        f->sid = rd32(s->gr1, CBFRSYNRA(s->doms[i].cb)) & 0xffff;
        f->addr = cr_mmio_read64(core, cb + CB_FAR);
        f->code = fsr;
        f->translation = fsr & FSR_TF;
        wr32(cb, CB_FSR, fsr);                     /* write 1 to clear */
        return 1;
    }
    return 0;
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

static int smmu_reset(Smmu *s, uint64_t base)
{
    uint32_t idr0, idr1;
    unsigned i, numpage;
    int r;

    s->gr0 = base;
    idr0 = rd32(s->gr0, SIDR0);
    idr1 = rd32(s->gr0, SIDR1);
    if (!(idr0 & (1u << 30)) || !(idr0 & (1u << 27))) {
        return -CR_ENODEV;           /* needs stage 1 and stream matching */
    }
    s->page_size = idr1 & (1u << 31) ? 65536 : 4096;
    numpage = 1u << (((idr1 >> 28) & 7) + 1);
    s->n_smrs = idr0 & 0xff;
    s->n_cbs = idr1 & 0xff;
    s->n_s2cbs = (idr1 >> 16) & 0xff;
    s->oas = (rd32(s->gr0, SIDR2) >> 4) & 0xf;
    /* sIDR2.PTFS_4K [12], PTFS_16K [13], PTFS_64K [14] */
    s->gran_supported = (rd32(s->gr0, SIDR2) >> 12) & 7;
    s->gr1 = s->gr0 + s->page_size;
    s->cbs = s->gr0 + (uint64_t)numpage * s->page_size;
    for (i = 0; i < s->n_smrs; i++) {    /* all of them, used or not */
        wr32(s->gr0, SMR(i), 0);
        wr32(s->gr0, S2CR(i), S2CR_FAULT);
    }
    for (i = 0; i < MAX_SMRS; i++) {
        s->smr_used[i] = false;
    }
    for (i = 0; i < s->n_cbs; i++) {
        wr32(cb_regs(s, i), CB_SCTLR, 0);
        wr32(cb_regs(s, i), CB_FSR, 0xffffffffu);
    }
    r = tlb_sync_all(s);
    if (r) {
        return r;
    }
    /* translation on, unmatched streams fault (not bypass), faults abort */
    wr32(s->gr0, SCR0, (rd32(s->gr0, SCR0) & ~SCR0_CLIENTPD) | SCR0_USFCFG |
                       SCR0_GFRE | SCR0_GCFGFRE);
    return 0;
}

/* Client ports disabled (SCR0.CLIENTPD) and the slot free again */
static void smmu_teardown(Smmu *s)
{
    if (s->gr0) {
        wr32(s->gr0, SCR0, rd32(s->gr0, SCR0) | SCR0_CLIENTPD);
    }
    s->dev = NULL;
    s->gr0 = 0;
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
    r = smmu_reset(s, dev->mmio);
    if (!r) {
        smmu_instance_init(&s->instance, "smmu.0x", dev, &ops);
        r = cr_iommu_register(c, &s->instance);
    }
    if (r) {
        smmu_teardown(s);
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
    .name = "arm-smmu", .compat = "arm,mmu-500",
    .suppress_bind_attrs = true, .probe = smmu_probe, .remove = smmu_remove,
};

int cr_module_init(CrCore *c, CrModule *self)
{
    ops = (CrIommuOps){
        .owner = self, .module_resident = true,
        .policy = CR_GROUP_PCI_TOPOLOGY, .def_type = CR_DOM_DMA,
        .add_links = true,
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
