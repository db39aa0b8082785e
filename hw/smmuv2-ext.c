/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext: a user-creatable SMMUv2 (MMU-500) for the virt board.
 *
 *   -M virt,gic-version=3 -device arm-smmuv2-ext,primary-bus=pcie.0
 *
 * Everything architectural lives in models/smmuv2 (no QEMU headers); this
 * file places the device in the virt board (smmu-ext-board.c, shared with
 * arm-smmuv3-ext), describes it in the guest device tree as an
 * "arm,mmu-500", becomes the IOMMU of its primary PCI root bus and turns
 * model results into IOMMUTLBEntry values.  The StreamID of a PCI
 * function is its requester id, as the iommu-map written for it says.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/arm/virt.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include "smmuv2-ext.h"
#include "smmu-ext-board.h"
#include "smmu-ext-compat.h"
#include "smmu-ext-fdt.h"
#include "smmu-ext-timing.h"
#include "trace-hw_smmu_ext.h"

/* ---- Registers ----------------------------------------------------------- */

static MemTxResult smmuv2_ext_mmio_read(void *opaque, hwaddr offset,
                                        uint64_t *data, unsigned size,
                                        MemTxAttrs attrs)
{
    SMMUv2ExtState *s = opaque;

    smmu_ext_lock(&s->lock);
    if (smmu_ext_nested_mmio(&s->lock, s->id, offset)) {
        smmu_ext_unlock(&s->lock);
        *data = 0;
        return MEMTX_ERROR;
    }
    *data = sm2_mmio_read(s->model, offset, size);
    smmu_ext_unlock(&s->lock);
    trace_smmuv2_ext_mmio_read(s->id, offset, size, *data);
    return MEMTX_OK;
}

static MemTxResult smmuv2_ext_mmio_write(void *opaque, hwaddr offset,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    SMMUv2ExtState *s = opaque;

    trace_smmuv2_ext_mmio_write(s->id, offset, size, data);
    smmu_ext_lock(&s->lock);
    if (smmu_ext_nested_mmio(&s->lock, s->id, offset)) {
        smmu_ext_unlock(&s->lock);
        return MEMTX_ERROR;
    }
    s->gen++;
    sm2_mmio_write(s->model, offset, data, size);
    smmu_ext_unlock(&s->lock);
    return MEMTX_OK;
}

static const MemoryRegionOps smmuv2_ext_mmio_ops = {
    .read_with_attrs = smmuv2_ext_mmio_read,
    .write_with_attrs = smmuv2_ext_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- Translation --------------------------------------------------------- */

/*
 * StreamIDs count from the first requester id of the primary root bus,
 * as an SoC wires each root complex to its SMMU: with NUMSIDB = 15 an
 * SMMU on a pxb-pcie bus numbered 128 or above still serves 128 buses.
 */
static uint32_t smmuv2_ext_sid(SmmuExtFunc *dev)
{
    SMMUv2ExtState *s = dev->smmu;

    return PCI_BUILD_BDF(smmu_ext_bus_num(dev->bus), dev->devfn) -
           s->sid_offset;
}

/*
 * The permissions of the privilege the transaction had after
 * S2CR.PRIVCFG: a stream made privileged uses the leaf's privileged
 * ones (with the unprivileged ones, its accesses would all fail).
 */
static IOMMUAccessFlags smmuv2_ext_perm(const Sm2Xlate *r)
{
    uint8_t rd = r->priv ? SM_PERM_PR : SM_PERM_R;
    uint8_t wr = r->priv ? SM_PERM_PW : SM_PERM_W;

    return (r->perm & rd ? IOMMU_RO : IOMMU_NONE) |
           (r->perm & wr ? IOMMU_WO : IOMMU_NONE);
}

/*
 * Faults and bypass answer for one 4KiB page: with a zero mask QEMU would
 * retry the rest of the access in small pieces, and a bypass can change
 * with the next register write.
 */
static IOMMUTLBEntry smmuv2_ext_page_entry(hwaddr addr,
                                           IOMMUAccessFlags perm)
{
    hwaddr page = addr & ~(hwaddr)0xfff;

    return (IOMMUTLBEntry) {
        .target_as = &address_space_memory,
        .iova = page,
        .translated_addr = page,
        .addr_mask = 0xfff,
        .perm = perm,
    };
}

static void smmuv2_ext_trace_fault(SMMUv2ExtState *s, uint32_t sid,
                                   hwaddr addr, const Sm2Fault *f)
{
    if (f->global) {
        trace_smmuv2_ext_global_fault(s->id, sid, addr,
                                      sm2_gfsr_name(f->bit), f->recorded);
    } else {
        trace_smmuv2_ext_context_fault(s->id, sid, addr, f->cbndx, f->bit,
                                       f->level, f->recorded, f->stalled);
    }
}

/*
 * PCI transactions are unprivileged data accesses.  A fault whose report
 * the guest disabled (SCTLR.CFRE, sCR0.GFRE/GCFGFRE clear) should read
 * as zero and ignore writes; QEMU's memory API cannot answer with data
 * that is not memory, so the access fails in both cases.
 */
static IOMMUTLBEntry smmuv2_ext_translate(IOMMUMemoryRegion *mr, hwaddr addr,
                                          IOMMUAccessFlags flag,
                                          int iommu_idx)
{
    SmmuExtFunc *dev = container_of(mr, SmmuExtFunc, iommu);
    SMMUv2ExtState *s = dev->smmu;
    Sm2Request req = {
        .sid = smmuv2_ext_sid(dev),
        .iova = addr,
        .write = flag & IOMMU_WO,
    };
    IOMMUTLBEntry entry;
    Sm2Xlate r;

    if (!smmu_ext_lock_upstream(&s->lock, s->id)) {
        return smmuv2_ext_page_entry(addr, IOMMU_NONE);
    }
    if (smmu_ext_is_retried_piece(&dev->last_fault, s->gen, addr, flag)) {
        /* Fails again, without a second record of the same fault. */
        dev->last_fault.addr = addr;
        smmu_ext_unlock(&s->lock);
        return smmuv2_ext_page_entry(addr, IOMMU_NONE);
    }
    r = sm2_translate(s->model, &req);
    s->translations++;
    s->gen++;
    if (r.outcome == SM2_XLATE_FAULT) {
        s->faults++;
        dev->last_fault = (SmmuExtLastFault) {
            .gen = s->gen, .addr = addr, .flag = flag,
        };
    }
    smmu_ext_unlock(&s->lock);

    switch (r.outcome) {
    case SM2_XLATE_OK:
        entry = (IOMMUTLBEntry) {
            .target_as = &address_space_memory,
            .iova = addr & ~r.mask,
            .translated_addr = r.pa & ~r.mask,
            .addr_mask = r.mask,
            .perm = smmuv2_ext_perm(&r),
        };
        trace_smmuv2_ext_translate(s->id, req.sid, addr, r.pa, r.mask,
                                   r.perm, r.tlb_hit);
        return entry;
    case SM2_XLATE_BYPASS:
        trace_smmuv2_ext_bypass(s->id, req.sid, addr);
        return smmuv2_ext_page_entry(addr, IOMMU_RW);
    case SM2_XLATE_FAULT:
    default:
        smmuv2_ext_trace_fault(s, req.sid, addr, &r.fault);
        return smmuv2_ext_page_entry(addr, IOMMU_NONE);
    }
}

/* ---- IOMMU notifiers (UNMAP only, as vhost uses them) -------------------- */

static int smmuv2_ext_notify_flag_changed(IOMMUMemoryRegion *mr,
                                          IOMMUNotifierFlag old_flags,
                                          IOMMUNotifierFlag new_flags,
                                          Error **errp)
{
    SmmuExtFunc *dev = container_of(mr, SmmuExtFunc, iommu);
    SMMUv2ExtState *s = dev->smmu;

    return smmu_ext_funcs_notify_flags(&s->funcs, &s->lock, s->id, dev,
                                       old_flags, new_flags, errp);
}

/*
 * The model invalidated TLB entries: pass it on to IOMMU notifiers.  The
 * TLBI registers name contexts, not streams, so every notified function
 * hears of it.
 */
static void smmuv2_ext_invalidated(void *owner, const SmInval *inval)
{
    SMMUv2ExtState *s = owner;
    SmmuExtFunc *dev;
    IOMMUNotifier *n;
    hwaddr lo, hi;

    smmu_ext_inval_iova_range(inval, &lo, &hi);
    QLIST_FOREACH(dev, &s->funcs.notified, next_notified) {
        IOMMU_NOTIFIER_FOREACH(n, &dev->iommu) {
            smmu_ext_notify_unmap_range(s->id, smmuv2_ext_sid(dev), n, lo,
                                        hi);
        }
    }
}

static void smmuv2_ext_replay(IOMMUMemoryRegion *mr, IOMMUNotifier *n)
{
    SmmuExtFunc *dev = container_of(mr, SmmuExtFunc, iommu);

    /* Only UNMAP notifiers exist here: start them from a clean slate. */
    smmu_ext_notify_unmap_range(((SMMUv2ExtState *)dev->smmu)->id,
                                smmuv2_ext_sid(dev), n, 0, UINT64_MAX);
}

static AddressSpace *smmuv2_ext_find_add_as(PCIBus *bus, void *opaque,
                                            int devfn)
{
    SMMUv2ExtState *s = opaque;
    bool created;
    SmmuExtFunc *dev = smmu_ext_funcs_get(&s->funcs, OBJECT(s), s, s->id,
                                          TYPE_SMMUV2_EXT_IOMMU_MR, bus,
                                          devfn, &created);

    if (created) {
        trace_smmuv2_ext_add_as(s->id, smmuv2_ext_sid(dev),
                                memory_region_name(MEMORY_REGION(&dev->iommu)));
    }
    return &dev->as;
}

/* ---- Reset, statistics, migration ---------------------------------------- */

static void smmuv2_ext_reset(void *opaque)
{
    SMMUv2ExtState *s = opaque;
    SmInval all = { .scope = SM_INVAL_ALL };

    trace_smmuv2_ext_reset(s->id);
    smmu_ext_lock(&s->lock);
    sm2_reset(s->model);
    s->gen++;
    smmuv2_ext_invalidated(s, &all);
    smmu_ext_unlock(&s->lock);
}

/* qom-get <path> stats: a snapshot of the device's counters. */
static void smmuv2_ext_get_stats(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    SMMUv2ExtState *s = SMMUV2_EXT(obj);
    g_autofree SmTimingStats *ts = g_new0(SmTimingStats, 1);
    SmCacheStats tlb;
    uint64_t translations, faults, stalls, ats_ops;
    bool ok, timed;

    if (!s->model) {
        error_setg(errp, "%s: not realized", object_get_typename(obj));
        return;
    }
    smmu_ext_lock(&s->lock);
    tlb = sm2_tlb_stats(s->model);
    timed = sm2_timing_stats(s->model, ts);
    translations = s->translations;
    faults = s->faults;
    stalls = sm2_stall_count(s->model);
    ats_ops = sm2_ats_count(s->model);
    smmu_ext_unlock(&s->lock);

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return;
    }
    ok = visit_type_uint64(v, "translations", &translations, errp) &&
         visit_type_uint64(v, "faults", &faults, errp) &&
         visit_type_uint64(v, "stalls", &stalls, errp) &&
         visit_type_uint64(v, "ats-ops", &ats_ops, errp) &&
         smmu_ext_visit_cache(v, "tlb", &tlb, errp) &&
         (!timed || smmu_ext_visit_timing(v, "timing", &s->timing_set, ts,
                                          errp));
    if (ok) {
        visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
}

static int smmuv2_ext_pre_save(void *opaque)
{
    SMMUv2ExtState *s = opaque;

    smmu_ext_lock(&s->lock);
    sm2_save(s->model, s->state);
    smmu_ext_unlock(&s->lock);
    return 0;
}

static int smmuv2_ext_post_load(void *opaque, int version_id)
{
    SMMUv2ExtState *s = opaque;
    SmInval all = { .scope = SM_INVAL_ALL };

    smmu_ext_lock(&s->lock);
    sm2_restore(s->model, s->state);    /* empties the TLB */
    s->gen++;
    smmuv2_ext_invalidated(s, &all);
    smmu_ext_unlock(&s->lock);
    return 0;
}

static const VMStateDescription vmstate_smmuv2_ext = {
    .name = TYPE_SMMUV2_EXT,
    /*
     * 2: the state holds PAR, sGPAR and held (stalled) transactions, and
     * no longer RESUME
     */
    .version_id = 2,
    .minimum_version_id = 2,
    /* Before the PCI devices, whose loading translates through us. */
    .priority = MIG_PRI_IOMMU,
    .pre_save = smmuv2_ext_pre_save,
    .post_load = smmuv2_ext_post_load,
    .fields = (VMStateField[]) {
        /*
         * Both sides must be the same SMMU: the same ID registers (which
         * name every feature and size) and register file
         */
        VMSTATE_UINT32_EQUAL(idr[0], SMMUv2ExtState, NULL),
        VMSTATE_UINT32_EQUAL(idr[1], SMMUv2ExtState, NULL),
        VMSTATE_UINT32_EQUAL(idr[2], SMMUv2ExtState, NULL),
        VMSTATE_UINT32_EQUAL(state_words, SMMUv2ExtState, NULL),
        VMSTATE_VARRAY_UINT32(state, SMMUv2ExtState, state_words, 0,
                              vmstate_info_uint32, uint32_t),
        VMSTATE_END_OF_LIST(),
    },
};

/* ---- Realize: configuration ---------------------------------------------- */

/* stage=: which of sIDR0.S1TS, S2TS and NTS the instance sets. */
static const struct {
    const char *name;
    bool s1, s2, nested;
} smmuv2_ext_stages[] = {
    { "1",      true,  false, false },
    { "2",      false, true,  false },
    { "1+2",    true,  true,  false },
    { "nested", true,  true,  true },
};

static bool smmuv2_ext_parse_stage(SMMUv2ExtState *s, Sm2Features *f,
                                   Error **errp)
{
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(smmuv2_ext_stages); i++) {
        if (!strcmp(s->stage, smmuv2_ext_stages[i].name)) {
            f->s1 = smmuv2_ext_stages[i].s1;
            f->s2 = smmuv2_ext_stages[i].s2;
            f->nested = smmuv2_ext_stages[i].nested;
            return true;
        }
    }
    error_setg(errp, "stage=%s: expected 1, 2, 1+2 or nested", s->stage);
    return false;
}

static bool smmuv2_ext_parse_page_size(SMMUv2ExtState *s, Sm2Features *f,
                                       Error **errp)
{
    if (!g_ascii_strcasecmp(s->page_size, "4k") ||
        !g_ascii_strcasecmp(s->page_size, "64k")) {
        f->pagesize_64k = !g_ascii_strcasecmp(s->page_size, "64k");
        return true;
    }
    error_setg(errp, "page-size=%s: expected 4k or 64k (sIDR1.PAGESIZE)",
               s->page_size);
    return false;
}

/*
 * nums2cb left at its default follows the stages: none without stage 2,
 * every bank without stage 1, a quarter of them with both (nested too).
 */
static uint16_t smmuv2_ext_default_nums2cb(const Sm2Features *f)
{
    if (!f->s2) {
        return 0;
    }
    return f->s1 ? f->numcb / 4 : f->numcb;
}

#define SMMUV2_EXT_NUMS2CB_AUTO UINT16_MAX

/*
 * timing=on: the MMU-500 parameter set (models/common/params/mmu-500.conf,
 * compiled in), then timing-params=FILE over it.
 */
static bool smmuv2_ext_timing_config(SMMUv2ExtState *s, Sm2Config *cfg,
                                     Error **errp)
{
    g_autofree char *err = NULL;

    if (!s->timing) {
        if (s->timing_params) {
            error_setg(errp, "timing-params=%s needs timing=on",
                       s->timing_params);
            return false;
        }
        return true;
    }
    sm_timing_params_preset(&s->timing_set, "mmu-500");
    if (s->timing_params &&
        !sm_timing_params_load(&s->timing_set, s->timing_params, &err)) {
        error_setg(errp, "timing-params: %s", err);
        return false;
    }
    cfg->timing = &s->timing_set;
    return true;
}

static bool smmuv2_ext_build_config(SMMUv2ExtState *s, Sm2Config *cfg,
                                    Error **errp)
{
    Sm2Features *f = &cfg->features;
    g_autofree char *why = NULL;

    memset(cfg, 0, sizeof(*cfg));
    sm2_features_default(f);
    if (!smmuv2_ext_parse_stage(s, f, errp) ||
        !smmuv2_ext_parse_page_size(s, f, errp) ||
        !smmu_ext_parse_granules(s->granules, &f->ptfs_4k, &f->ptfs_16k,
                                 &f->ptfs_64k, errp)) {
        return false;
    }
    f->numsmrg = s->numsmrg;
    f->numcb = s->numcb;
    f->nums2cb = s->nums2cb == SMMUV2_EXT_NUMS2CB_AUTO ?
                 smmuv2_ext_default_nums2cb(f) : s->nums2cb;
    f->numsidb = s->numsidb;
    f->numpagendxb = s->numpagendxb;
    f->ias_bits = s->ias;
    f->oas_bits = s->oas;
    f->ubs_bits = s->ubs;
    f->exids = s->exids;
    f->vmid16 = s->vmid16;
    f->atosns = !s->atos;
    cfg->tlb_entries = s->tlb_entries;
    cfg->tlb_ways = s->tlb_ways;
    cfg->fast_path_off = !s->fast_path;
    smmu_ext_host_init(&cfg->host, &s->host);
    if (!smmuv2_ext_timing_config(s, cfg, errp)) {
        return false;
    }
    why = sm2_config_error(cfg);
    if (why) {
        error_setg(errp, "%s", why);
        return false;
    }
    return true;
}

/* ---- Realize ------------------------------------------------------------- */

static bool smmuv2_ext_add_fdt(SMMUv2ExtState *s, VirtMachineState *vms,
                               Error **errp)
{
    MachineState *ms = MACHINE(vms);
    SmmuExtFdtNode node = {
        .base = s->addr,
        .size = sm2_mmio_size(s->model),
        .spi_base = s->spi,
    };

    if (!ms->fdt) {
        error_setg(errp, "the board has no device tree to describe us in");
        return false;
    }
    s->phandle = smmu_ext_fdt_add_smmuv2(ms->fdt, &node, s->numcb, errp);
    return s->phandle != 0;
}

static void smmuv2_ext_realize(DeviceState *d, Error **errp)
{
    SMMUv2ExtState *s = SMMUV2_EXT(d);
    VirtMachineState *vms;
    Sm2Config cfg;
    unsigned nr_irqs, i;

    s->id = g_strdup(d->id ? d->id : TYPE_SMMUV2_EXT);
    if (phase_check(PHASE_MACHINE_READY)) {
        error_setg(errp, "cannot be added to a running machine: give "
                   "-device " TYPE_SMMUV2_EXT " on the command line");
        return;
    }
    vms = smmu_ext_board_virt(errp);
    if (!vms) {
        return;
    }
    s->primary_bus = smmu_ext_board_find_bus(TYPE_SMMUV2_EXT,
                                             s->primary_bus_name, errp);
    if (!s->primary_bus) {
        return;
    }
    s->host.id = s->id;
    s->host.as = &address_space_memory;
    s->host.owner = s;
    s->host.invalidated = smmuv2_ext_invalidated;
    if (!smmuv2_ext_build_config(s, &cfg, errp)) {
        return;
    }
    s->model = sm2_new(&cfg);
    if (!s->model) {
        error_setg(errp, "the SMMUv2 model rejected the configuration");
        return;
    }
    /* SMMU_BASE is aligned to the frame's size (a power of two) */
    nr_irqs = 1 + s->numcb;
    s->irqs = g_new0(qemu_irq, nr_irqs);
    if (!smmu_ext_board_place_mmio(&s->addr, sm2_mmio_size(s->model),
                                   sm2_mmio_size(s->model), errp) ||
        !smmu_ext_board_place_irqs(vms, &s->spi, nr_irqs, s->irqs, errp) ||
        !smmuv2_ext_add_fdt(s, vms, errp)) {
        sm2_free(s->model);
        s->model = NULL;
        return;
    }
    s->host.irqs = s->irqs;
    s->host.nr_irqs = nr_irqs;
    for (i = 0; i < ARRAY_SIZE(s->idr); i++) {
        s->idr[i] = sm2_mmio_read(s->model, 0x20 + 4 * i, 4);  /* sIDRi */
    }
    s->state_words = sm2_state_words(s->model);
    s->state = g_new0(uint32_t, s->state_words);
    smmu_ext_funcs_init(&s->funcs);
    memory_region_init_io(&s->iomem, OBJECT(s), &smmuv2_ext_mmio_ops, s,
                          TYPE_SMMUV2_EXT, sm2_mmio_size(s->model));
    memory_region_add_subregion(get_system_memory(), s->addr, &s->iomem);
    smmu_ext_pci_setup_iommu(s->primary_bus, smmuv2_ext_find_add_as, s);
    s->sid_offset = smmu_ext_board_root_rid(s->primary_bus);
    /* iommu-map: only the requester ids that have a StreamID here */
    smmu_ext_board_add_iommu(s->primary_bus, s->phandle, s->sid_offset,
                             1u << cfg.features.numsidb);
    qemu_register_reset(smmuv2_ext_reset, s);
    /* Last: nothing after it fails, and the device stays (no unrealize) */
    smmu_ext_host_listen(&s->host);
    trace_smmuv2_ext_realize(s->id, s->primary_bus_name, s->addr, s->spi,
                             s->numcb);
}

/* ---- Type registration --------------------------------------------------- */

static SMMU_EXT_PROPS_CONST Property smmuv2_ext_properties[] = {
    DEFINE_PROP_STRING("primary-bus", SMMUv2ExtState, primary_bus_name),
    DEFINE_PROP_UINT64("addr", SMMUv2ExtState, addr, SMMU_EXT_AUTO_ADDR),
    DEFINE_PROP_UINT32("spi", SMMUv2ExtState, spi, 0),
    DEFINE_PROP_STRING("stage", SMMUv2ExtState, stage),
    DEFINE_PROP_STRING("granules", SMMUv2ExtState, granules),
    DEFINE_PROP_STRING("page-size", SMMUv2ExtState, page_size),
    DEFINE_PROP_UINT16("numsmrg", SMMUv2ExtState, numsmrg, 48),
    DEFINE_PROP_UINT16("numcb", SMMUv2ExtState, numcb, 16),
    DEFINE_PROP_UINT16("nums2cb", SMMUv2ExtState, nums2cb,
                       SMMUV2_EXT_NUMS2CB_AUTO),
    DEFINE_PROP_UINT8("numsidb", SMMUv2ExtState, numsidb, 15),
    DEFINE_PROP_UINT8("numpagendxb", SMMUv2ExtState, numpagendxb, 3),
    DEFINE_PROP_UINT8("ias", SMMUv2ExtState, ias, 48),
    DEFINE_PROP_UINT8("oas", SMMUv2ExtState, oas, 48),
    DEFINE_PROP_UINT8("ubs", SMMUv2ExtState, ubs, 48),
    DEFINE_PROP_BOOL("exids", SMMUv2ExtState, exids, false),
    DEFINE_PROP_BOOL("vmid16", SMMUv2ExtState, vmid16, true),
    DEFINE_PROP_BOOL("atos", SMMUv2ExtState, atos, false),
    DEFINE_PROP_BOOL("fast-path", SMMUv2ExtState, fast_path, true),
    DEFINE_PROP_UINT32("tlb-entries", SMMUv2ExtState, tlb_entries, 128),
    DEFINE_PROP_UINT32("tlb-ways", SMMUv2ExtState, tlb_ways, 4),
    DEFINE_PROP_BOOL("timing", SMMUv2ExtState, timing, true),
    DEFINE_PROP_STRING("timing-params", SMMUv2ExtState, timing_params),
    SMMU_EXT_PROP_END
};

/* What `-device arm-smmuv2-ext,help` prints for each property. */
static const struct {
    const char *name, *help;
} smmuv2_ext_property_help[] = {
    { "primary-bus", "PCI root bus whose devices this SMMU translates "
                     "(pcie.0 or a pxb-pcie bus); required" },
    { "addr", "base of the register frame, aligned to its size "
              "(2 x 2^(numpagendxb+1) register pages); default: the first "
              "free frame from 0x9100000" },
    { "spi", "first of the 1 + numcb SPIs (global fault, then one per "
             "context bank); 0: the first free ones from 176" },
    { "stage", "translation stages: 1, 2, 1+2 (both, not nested) or "
               "nested (both and nested, sIDR0.S1TS/S2TS/NTS; default "
               "nested, as an MMU-500)" },
    { "granules", "AArch64 translation granules, a subset of 4k,16k,64k "
                  "(sIDR2.PTFS_*; default all three)" },
    { "page-size", "register page size: 4k or 64k (sIDR1.PAGESIZE; "
                   "default 4k)" },
    { "numsmrg", "stream match register groups, 1..128 (sIDR0.NUMSMRG)" },
    { "numcb", "context banks, 1..128, at most 2^(numpagendxb+1), one "
               "interrupt each (sIDR1.NUMCB)" },
    { "nums2cb", "of those, stage-2-only banks (sIDR1.NUMS2CB); default: "
                 "0 with stage=1, numcb with stage=2, numcb/4 otherwise" },
    { "numsidb", "StreamID bits, 1..15, 16 with exids=on (sIDR0.NUMSIDB); "
                 "PCI requester ids need 16 beyond bus 127" },
    { "numpagendxb", "2^(n+1) register pages per half of the frame, 0..7 "
                     "(sIDR1.NUMPAGENDXB)" },
    { "ias", "IPA size in bits: 32, 36, 40, 42, 44 or 48 (sIDR2.IAS)" },
    { "oas", "PA size in bits: 32, 36, 40, 42, 44 or 48 (sIDR2.OAS)" },
    { "ubs", "upstream bus (VA) size in bits (sIDR2.UBS)" },
    { "exids", "extended 16-bit StreamIDs with sCR0.EXIDENABLE "
               "(sIDR0.EXIDS)" },
    { "vmid16", "16-bit VMIDs with sCR0.VMID16EN (sIDR2.VMID16)" },
    { "atos", "address translation operations ATS1*, GATS1*, GATS12* "
              "(sIDR0.ATOSNS clear; needs stage 1; default off, as an "
              "MMU-500)" },
    { "fast-path", "keep what each stream's registers decode to until a "
                   "register that chooses it changes; results, statistics "
                   "and timing are the same with off" },
    { "tlb-entries", "TLB entries (a power of two)" },
    { "tlb-ways", "TLB associativity (divides tlb-entries)" },
    { "timing", "time every translation with the cycle-approximate engine "
                "(docs/timing.md); statistics under stats.timing" },
    { "timing-params", "timing parameter file applied over the MMU-500 "
                       "set (models/common/params/mmu-500.conf)" },
};

static void smmuv2_ext_instance_init(Object *obj)
{
    SMMUv2ExtState *s = SMMUV2_EXT(obj);

    /* String properties cannot have static defaults in QEMU 7.2. */
    s->stage = g_strdup("nested");
    s->granules = g_strdup("4k,16k,64k");
    s->page_size = g_strdup("4k");
    object_property_add(obj, "stats", "SMMUv2ExtStats", smmuv2_ext_get_stats,
                        NULL, NULL, NULL);
    object_property_set_description(obj, "stats",
                                    "model statistics: translations, faults, "
                                    "stalls, ats-ops, TLB counters and, with timing=on, the "
                                    "timing engine's");
}

static void smmuv2_ext_class_init(ObjectClass *klass,
                                  SMMU_EXT_CLASS_DATA data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    unsigned i;

    dc->desc = "Arm SMMUv2 / MMU-500 (smmu-ext model) for the virt board";
    dc->realize = smmuv2_ext_realize;
    dc->vmsd = &vmstate_smmuv2_ext;
    dc->user_creatable = true;
    dc->hotpluggable = false;
    device_class_set_props(dc, smmuv2_ext_properties);
    for (i = 0; i < ARRAY_SIZE(smmuv2_ext_property_help); i++) {
        object_class_property_set_description(klass,
                                              smmuv2_ext_property_help[i].name,
                                              smmuv2_ext_property_help[i].help);
    }
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static void smmuv2_ext_iommu_mr_class_init(ObjectClass *klass,
                                           SMMU_EXT_CLASS_DATA data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = smmuv2_ext_translate;
    imrc->notify_flag_changed = smmuv2_ext_notify_flag_changed;
    imrc->replay = smmuv2_ext_replay;
}

static const TypeInfo smmuv2_ext_types[] = {
    {
        .name = TYPE_SMMUV2_EXT,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(SMMUv2ExtState),
        .instance_init = smmuv2_ext_instance_init,
        .class_init = smmuv2_ext_class_init,
    },
    {
        .name = TYPE_SMMUV2_EXT_IOMMU_MR,
        .parent = TYPE_IOMMU_MEMORY_REGION,
        .class_init = smmuv2_ext_iommu_mr_class_init,
    },
};

DEFINE_TYPES(smmuv2_ext_types)
