/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext: a user-creatable SMMUv3 for the virt board.
 *
 *   -M virt,gic-version=3 -device arm-smmuv3-ext,primary-bus=pcie.0
 *
 * Everything architectural lives in models/smmuv3 (no QEMU headers); this
 * file places the device in the virt memory map and interrupt space,
 * describes it in the guest device tree, becomes the IOMMU of its primary
 * PCI root bus and turns model results into IOMMUTLBEntry values.  QEMU's
 * own files are untouched: the board is extended from the outside.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "hw/arm/virt.h"
#include "hw/boards.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pci_host.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include <libfdt.h>
#include "smmuv3-ext.h"
#include "smmu-ext-ats.h"
#include "smmu-ext-board.h"
#include "smmu-ext-compat.h"
#include "smmu-ext-fdt.h"
#include "smmu-ext-iommu.h"
#include "smmu-ext-timing.h"
#include "trace-hw_smmu_ext.h"

#define SMMUV3_EXT_FRAME_SIZE   0x20000      /* two 64KiB register pages */
#define SMMUV3_EXT_FRAME_ALIGN  0x10000
#define SMMUV3_EXT_NR_IRQS      4
/* Described in the ACPI IORT, they drive the board SMMU's SPIs too */
G_STATIC_ASSERT(SMMUV3_EXT_NR_IRQS == SMMU_EXT_BOARD_SMMU_IRQS);
#define SMMUV3_EXT_MSI_DEVID_BASE 0xff00     /* above typical PCI RIDs */

/* Commands processed per bottom-half run before yielding to the guest. */
#define SMMUV3_EXT_CMDQ_BH_BATCH 256

/* ---- Model access -------------------------------------------------------- */

static void smmuv3_ext_lock(SMMUv3ExtState *s)
{
    smmu_ext_lock(&s->lock);
}

static void smmuv3_ext_unlock(SMMUv3ExtState *s)
{
    smmu_ext_unlock(&s->lock);
}

/*
 * Runnable commands run from a bottom half; with cmdq-timing, a command
 * waiting for its modelled time runs from a timer on the virtual clock.
 */
static void smmuv3_ext_kick_cmdq(SMMUv3ExtState *s)
{
    uint64_t due_ns;

    if (sm3_has_pending_work(s->model)) {
        qemu_bh_schedule(s->cmdq_bh);
        return;
    }
    due_ns = sm3_cmdq_due_ns(s->model);
    if (due_ns) {
        timer_mod(s->cmdq_timer, due_ns);
    }
}

/* The bottom half and the cmdq-timing timer. */
static void smmuv3_ext_cmdq_bh(void *opaque)
{
    SMMUv3ExtState *s = opaque;
    unsigned n;

    smmuv3_ext_lock(s);
    n = sm3_process_commands(s->model, SMMUV3_EXT_CMDQ_BH_BATCH);
    trace_smmuv3_ext_cmdq(s->id, n, sm3_has_pending_work(s->model));
    smmuv3_ext_kick_cmdq(s);
    smmuv3_ext_unlock(s);
}

static MemTxResult smmuv3_ext_mmio_read(void *opaque, hwaddr offset,
                                        uint64_t *data, unsigned size,
                                        MemTxAttrs attrs)
{
    SMMUv3ExtState *s = opaque;

    smmuv3_ext_lock(s);
    if (smmu_ext_nested_mmio(&s->lock, s->id, offset)) {
        smmuv3_ext_unlock(s);
        *data = 0;
        return MEMTX_ERROR;
    }
    *data = sm3_mmio_read(s->model, offset, size);
    smmuv3_ext_unlock(s);
    trace_smmuv3_ext_mmio_read(s->id, offset, size, *data);
    return MEMTX_OK;
}

static MemTxResult smmuv3_ext_mmio_write(void *opaque, hwaddr offset,
                                         uint64_t data, unsigned size,
                                         MemTxAttrs attrs)
{
    SMMUv3ExtState *s = opaque;

    trace_smmuv3_ext_mmio_write(s->id, offset, size, data);
    smmuv3_ext_lock(s);
    if (smmu_ext_nested_mmio(&s->lock, s->id, offset)) {
        smmuv3_ext_unlock(s);
        return MEMTX_ERROR;
    }
    s->gen++;
    sm3_mmio_write(s->model, offset, data, size);
    smmuv3_ext_kick_cmdq(s);
    smmuv3_ext_unlock(s);
    return MEMTX_OK;
}

static const MemoryRegionOps smmuv3_ext_mmio_ops = {
    .read_with_attrs = smmuv3_ext_mmio_read,
    .write_with_attrs = smmuv3_ext_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- Translation --------------------------------------------------------- */

static uint32_t smmuv3_ext_sid(SmmuExtFunc *dev)
{
    return PCI_BUILD_BDF(smmu_ext_bus_num(dev->bus), dev->devfn);
}

static IOMMUAccessFlags smmuv3_ext_perm(uint8_t perm)
{
    IOMMUAccessFlags f = IOMMU_NONE;

    /* PCI transactions are unprivileged data accesses (no PASID prefix). */
    if (perm & SM3_PERM_R) {
        f |= IOMMU_RO;
    }
    if (perm & SM3_PERM_W) {
        f |= IOMMU_WO;
    }
    return f;
}

static void smmuv3_ext_timing_log_flush(Notifier *n, void *data)
{
    SMMUv3ExtState *s = container_of(n, SMMUv3ExtState, timing_log_exit);

    fflush(s->timing_log_file);
}

/*
 * timing-log=FILE: one line per translation (sm3_timing_log_line(), the
 * trace format of smmu-sim), written as translations happen.
 */
static bool smmuv3_ext_open_timing_log(SMMUv3ExtState *s, Error **errp)
{
    if (!s->timing_log) {
        return true;
    }
    s->timing_log_file = fopen(s->timing_log, "w");
    if (!s->timing_log_file) {
        error_setg_errno(errp, errno, "timing-log=%s: cannot write",
                         s->timing_log);
        return false;
    }
    fprintf(s->timing_log_file, "# arm-smmuv3-ext %s timing log: time_cycles "
            "sid ssid iova size access latency outcome pa breakdown, or "
            "time_cycles cmd dw0 dw1 name (docs/smmu-sim.md)\n", s->id);
    s->timing_log_line = g_string_new(NULL);
    s->timing_log_exit.notify = smmuv3_ext_timing_log_flush;
    qemu_add_exit_notifier(&s->timing_log_exit);
    return true;
}

static void smmuv3_ext_log_timing(SMMUv3ExtState *s, const Sm3Request *req,
                                  const Sm3Xlate *r)
{
    g_string_truncate(s->timing_log_line, 0);
    sm3_timing_log_line(s->timing_log_line, req, r,
                        sm3_last_timing(s->model));
    g_string_append_c(s->timing_log_line, '\n');
    fputs(s->timing_log_line->str, s->timing_log_file);
}

/*
 * Sm3Hooks.command_done: each executed command goes into the timing log
 * too, so that a replay in smmu-sim invalidates where the guest did.
 */
static void smmuv3_ext_command_done(void *opaque, const uint64_t cmd[2],
                                    uint64_t cycle)
{
    SMMUv3ExtState *s = container_of(opaque, SMMUv3ExtState, host);

    g_string_truncate(s->timing_log_line, 0);
    sm3_timing_log_command(s->timing_log_line, cycle, cmd);
    g_string_append_c(s->timing_log_line, '\n');
    fputs(s->timing_log_line->str, s->timing_log_file);
}

/* Modelled time a device asked for (timing_arrival), per StreamID. */
typedef struct SMMUv3ExtTimedStream {
    int64_t arrival_ns;             /* < 0: the virtual clock */
    int64_t done_ns;                /* latest completion since; -1: none */
} SMMUv3ExtTimedStream;

/*
 * Every translation the model makes for a device goes through here (lock
 * held): the arrival a device set for its stream, the timing log, and
 * the latest completion the device can ask for.
 */
static Sm3Xlate smmuv3_ext_model_translate(SMMUv3ExtState *s,
                                           Sm3Request *req, bool ats_req)
{
    SMMUv3ExtTimedStream *ts = s->timed_streams ?
        g_hash_table_lookup(s->timed_streams, GUINT_TO_POINTER(req->sid)) :
        NULL;
    const SmTimingResult *t;
    Sm3Xlate r;

    if (ts && ts->arrival_ns >= 0) {
        req->arrival = sm_timing_ns_to_cycles(&s->timing_set,
                                              ts->arrival_ns);
    }
    r = ats_req ? sm3_ats_translate(s->model, req)
                : sm3_translate(s->model, req);
    if (s->timing_log_file) {
        smmuv3_ext_log_timing(s, req, &r);
    }
    t = ts ? sm3_last_timing(s->model) : NULL;
    if (t) {
        ts->done_ns = MAX(ts->done_ns,
                          (int64_t)sm_timing_cycles_to_ns_up(&s->timing_set,
                                                             t->done));
    }
    return r;
}

static IOMMUTLBEntry smmuv3_ext_translate(IOMMUMemoryRegion *mr, hwaddr addr,
                                          IOMMUAccessFlags flag,
                                          int iommu_idx)
{
    SmmuExtFunc *dev = container_of(mr, SmmuExtFunc, iommu);
    SMMUv3ExtState *s = dev->smmu;
    IOMMUTLBEntry entry = {
        .target_as = &address_space_memory,
        .iova = addr,
        .translated_addr = addr,
        .addr_mask = 0,
        .perm = IOMMU_NONE,
    };
    Sm3Request req = {
        .sid = smmuv3_ext_sid(dev),
        .iova = addr,
        .size = 1,
        .write = flag & IOMMU_WO,
    };
    Sm3Xlate r;

    if (!smmu_ext_lock_upstream(&s->lock, s->id)) {
        return entry;
    }
    if (smmu_ext_is_retried_piece(&dev->last_fault, s->gen, addr, flag)) {
        /* Fails again, without a second record of the same fault. */
        dev->last_fault.addr = addr;
        smmuv3_ext_unlock(s);
        entry.iova = addr & ~(hwaddr)0xfff;
        entry.addr_mask = 0xfff;
        return entry;
    }
    r = smmuv3_ext_model_translate(s, &req, false);
    s->gen++;
    if (r.outcome == SM3_XLATE_FAULT || r.outcome == SM3_XLATE_STALLED ||
        r.outcome == SM3_XLATE_ABORT) {
        dev->last_fault = (SmmuExtLastFault) {
            .gen = s->gen, .addr = addr, .flag = flag,
        };
    }
    smmuv3_ext_unlock(s);

    switch (r.outcome) {
    case SM3_XLATE_OK:
        entry.iova = addr & ~r.mask;
        entry.translated_addr = r.pa & ~r.mask;
        entry.addr_mask = r.mask;
        entry.perm = smmuv3_ext_perm(r.perm);
        trace_smmuv3_ext_translate(s->id, req.sid, addr, r.pa, r.mask,
                                   r.perm, r.tlb_hit);
        break;
    case SM3_XLATE_BYPASS:
        /* A page at a time: the answer can change with the next command. */
        entry.iova = addr & ~(hwaddr)0xfff;
        entry.translated_addr = entry.iova;
        entry.addr_mask = 0xfff;
        entry.perm = IOMMU_RW;
        trace_smmuv3_ext_bypass(s->id, req.sid, addr);
        break;
    case SM3_XLATE_ABORT:
        /*
         * Failures cover the whole page as well: with a zero mask QEMU
         * would retry the rest of the access in small pieces, and each
         * piece would fault (and be recorded) again.
         */
        entry.iova = addr & ~(hwaddr)0xfff;
        entry.addr_mask = 0xfff;
        trace_smmuv3_ext_abort(s->id, req.sid, addr);
        break;
    case SM3_XLATE_FAULT:
    case SM3_XLATE_STALLED:
        /*
         * QEMU's DMA API cannot hold a transaction: a stalled access fails
         * now, while the model keeps the stall (and its STAG) until
         * RESUME or STALL_TERM, as the guest expects.
         */
        entry.iova = addr & ~(hwaddr)0xfff;
        entry.addr_mask = 0xfff;
        trace_smmuv3_ext_fault(s->id, req.sid, addr,
                               sm3_event_name(r.fault.event),
                               r.fault.stage2, r.fault.recorded);
        break;
    }
    return entry;
}

static int smmuv3_ext_notify_flag_changed(IOMMUMemoryRegion *mr,
                                          IOMMUNotifierFlag old_flags,
                                          IOMMUNotifierFlag new_flags,
                                          Error **errp)
{
    SmmuExtFunc *dev = container_of(mr, SmmuExtFunc, iommu);
    SMMUv3ExtState *s = dev->smmu;

    return smmu_ext_funcs_notify_flags(&s->funcs, &s->lock, s->id, dev,
                                       old_flags, new_flags, errp);
}

/* Whether a stream-scoped invalidation covers StreamID @sid. */
static bool smmuv3_ext_sid_in(const SmInval *inval, uint32_t sid)
{
    uint64_t size = inval->size ? inval->size : 1;

    return sid >= inval->sid && (uint64_t)(sid - inval->sid) < size;
}

/* The model invalidated mappings: pass it on to IOMMU notifiers. */
static void smmuv3_ext_invalidated(void *owner, const SmInval *inval)
{
    SMMUv3ExtState *s = owner;
    SmmuExtFunc *dev;
    IOMMUNotifier *n;
    hwaddr lo, hi;

    smmu_ext_inval_iova_range(inval, &lo, &hi);
    QLIST_FOREACH(dev, &s->funcs.notified, next_notified) {
        if (inval->scope == SM_INVAL_STREAM &&
            !smmuv3_ext_sid_in(inval, smmuv3_ext_sid(dev))) {
            continue;
        }
        IOMMU_NOTIFIER_FOREACH(n, &dev->iommu) {
            smmu_ext_notify_unmap_range(s->id, smmuv3_ext_sid(dev), n, lo,
                                        hi);
        }
    }
}

static void smmuv3_ext_replay(IOMMUMemoryRegion *mr, IOMMUNotifier *n)
{
    SmmuExtFunc *dev = container_of(mr, SmmuExtFunc, iommu);

    /* Only UNMAP notifiers exist here: start them from a clean slate. */
    smmu_ext_notify_unmap_range(((SMMUv3ExtState *)dev->smmu)->id,
                                smmuv3_ext_sid(dev), n, 0, UINT64_MAX);
}

static AddressSpace *smmuv3_ext_find_add_as(PCIBus *bus, void *opaque,
                                            int devfn)
{
    SMMUv3ExtState *s = opaque;
    bool created;
    SmmuExtFunc *dev = smmu_ext_funcs_get(&s->funcs, OBJECT(s), s, s->id,
                                          TYPE_SMMUV3_EXT_IOMMU_MR, bus,
                                          devfn, &created);

    if (created) {
        trace_smmuv3_ext_add_as(s->id, smmuv3_ext_sid(dev),
                                memory_region_name(MEMORY_REGION(&dev->iommu)));
    }
    return &dev->as;
}

/* ---- PASID, ATS and PRI for endpoints (smmu-ext-ats.h) ------------------- */

static uint32_t smmuv3_ext_dev_sid(PCIDevice *dev)
{
    return PCI_BUILD_BDF(pci_bus_num(pci_get_bus(dev)), dev->devfn);
}

static SmmuExtAtsFaultKind smmuv3_ext_fault_kind(uint8_t event)
{
    switch (event) {
    case SM3_EVT_F_TRANSLATION:
    case SM3_EVT_F_ACCESS:
    case SM3_EVT_F_ADDR_SIZE:
        return SMMU_EXT_ATS_FAULT_TRANSLATION;
    case SM3_EVT_F_PERMISSION:
        return SMMU_EXT_ATS_FAULT_PERMISSION;
    default:
        return SMMU_EXT_ATS_FAULT_ABORT;
    }
}

static void smmuv3_ext_fill_fault(SmmuExtAtsFault *f, const Sm3Xlate *r,
                                  uint64_t addr)
{
    f->kind = r->outcome == SM3_XLATE_ABORT ? SMMU_EXT_ATS_FAULT_ABORT :
              smmuv3_ext_fault_kind(r->fault.event);
    f->code = r->fault.event;
    f->addr = addr;
    f->recorded = r->fault.recorded;
}

static bool smmuv3_ext_ats_serves_bus(Object *obj, PCIBus *root)
{
    return SMMUV3_EXT(obj)->primary_bus == root;
}

/* timing_arrival of smmu-ext-ats-if (hw/smmu-ext-ats.h). */
static bool smmuv3_ext_timing_arrival(Object *obj, PCIDevice *dev,
                                      int64_t arrival_ns)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    gpointer sid = GUINT_TO_POINTER(smmuv3_ext_dev_sid(dev));
    SMMUv3ExtTimedStream *ts;

    if (!s->timing) {
        return false;
    }
    smmuv3_ext_lock(s);
    if (!s->timed_streams) {
        s->timed_streams = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    ts = g_hash_table_lookup(s->timed_streams, sid);
    if (!ts) {
        ts = g_new0(SMMUv3ExtTimedStream, 1);
        g_hash_table_insert(s->timed_streams, sid, ts);
    }
    ts->arrival_ns = arrival_ns;
    ts->done_ns = -1;
    smmuv3_ext_unlock(s);
    return true;
}

/* timing_done of smmu-ext-ats-if. */
static int64_t smmuv3_ext_timing_done(Object *obj, PCIDevice *dev)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    SMMUv3ExtTimedStream *ts;
    int64_t done = -1;

    smmuv3_ext_lock(s);
    ts = s->timed_streams ?
         g_hash_table_lookup(s->timed_streams,
                             GUINT_TO_POINTER(smmuv3_ext_dev_sid(dev))) :
         NULL;
    if (ts) {
        done = ts->done_ns;
    }
    smmuv3_ext_unlock(s);
    return done;
}

/* DMA with an optional PASID, one translation granule at a time. */
static MemTxResult smmuv3_ext_ats_dma(Object *obj, PCIDevice *dev,
                                      uint32_t pasid, bool pasid_valid,
                                      uint64_t addr, void *buf, uint64_t len,
                                      bool write, bool translated,
                                      SmmuExtAtsFault *fault)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    uint8_t *p = buf;

    memset(fault, 0, sizeof(*fault));
    while (len) {
        Sm3Request req = {
            .sid = smmuv3_ext_dev_sid(dev),
            .ssid = pasid,
            .ssv = pasid_valid,
            .iova = addr,
            .size = len,
            .write = write,
            .ats_translated = translated,
        };
        uint64_t mask = 0xfff, pa, chunk;
        MemTxResult res;
        Sm3Xlate r;

        if (!smmu_ext_lock_upstream(&s->lock, s->id)) {
            fault->kind = SMMU_EXT_ATS_FAULT_ABORT;
            fault->addr = addr;
            return MEMTX_DECODE_ERROR;
        }
        r = smmuv3_ext_model_translate(s, &req, false);
        smmuv3_ext_unlock(s);
        if (r.outcome == SM3_XLATE_OK) {
            mask = r.mask;
            pa = r.pa;
        } else if (r.outcome == SM3_XLATE_BYPASS) {
            pa = r.pa;
        } else {
            smmuv3_ext_fill_fault(fault, &r, addr);
            return MEMTX_DECODE_ERROR;
        }
        chunk = MIN(len, mask + 1 - (addr & mask));
        res = address_space_rw(&address_space_memory, pa,
                               MEMTXATTRS_UNSPECIFIED, p, chunk, write);
        if (res != MEMTX_OK) {
            fault->kind = SMMU_EXT_ATS_FAULT_BUS;
            fault->addr = addr;
            return res;
        }
        addr += chunk;
        p += chunk;
        len -= chunk;
    }
    return MEMTX_OK;
}

/*
 * A PCIe Translation Request.  Configuration errors complete with
 * Completer Abort, a stream that may not use ATS with Unsupported Request,
 * and translation or permission faults with R = W = 0.
 */
static SmmuExtAtsXlate smmuv3_ext_ats_translate(Object *obj, PCIDevice *dev,
                                                uint32_t pasid,
                                                bool pasid_valid,
                                                uint64_t iova, bool write)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    SmmuExtAtsXlate x = { .status = SMMU_EXT_ATS_XLATE_SUCCESS };
    Sm3Request req = {
        .sid = smmuv3_ext_dev_sid(dev),
        .ssid = pasid,
        .ssv = pasid_valid,
        .iova = iova,
        .size = 1,
        .write = write,
    };
    Sm3Xlate r;

    if (!smmu_ext_lock_upstream(&s->lock, s->id)) {
        x.status = SMMU_EXT_ATS_XLATE_CA;
        x.fault.kind = SMMU_EXT_ATS_FAULT_ABORT;
        x.fault.addr = iova;
        return x;
    }
    r = smmuv3_ext_model_translate(s, &req, true);
    smmuv3_ext_unlock(s);
    switch (r.outcome) {
    case SM3_XLATE_OK:
        x.size = MAX(r.mask + 1, 0x1000);
        x.translated_addr = r.pa & ~(x.size - 1);
        x.perm = (r.perm & SM3_PERM_R ? SMMU_EXT_ATS_PERM_R : 0) |
                 (r.perm & SM3_PERM_W ? SMMU_EXT_ATS_PERM_W : 0) |
                 (r.perm & SM3_PERM_X ? SMMU_EXT_ATS_PERM_X : 0);
        break;
    case SM3_XLATE_BYPASS:
        x.size = 0x1000;
        x.translated_addr = iova & ~0xfffULL;
        x.perm = SMMU_EXT_ATS_PERM_R | SMMU_EXT_ATS_PERM_W;
        break;
    case SM3_XLATE_ABORT:
        x.status = SMMU_EXT_ATS_XLATE_CA;
        smmuv3_ext_fill_fault(&x.fault, &r, iova);
        break;
    case SM3_XLATE_FAULT:
    case SM3_XLATE_STALLED:
        smmuv3_ext_fill_fault(&x.fault, &r, iova);
        if (r.fault.event == SM3_EVT_F_BAD_ATS_TREQ) {
            x.status = SMMU_EXT_ATS_XLATE_UR;
        } else if (x.fault.kind == SMMU_EXT_ATS_FAULT_ABORT) {
            x.status = SMMU_EXT_ATS_XLATE_CA;
        }
        break;
    }
    return x;
}

static bool smmuv3_ext_ats_page_request(Object *obj, PCIDevice *dev,
                                        uint32_t pasid, bool pasid_valid,
                                        uint64_t addr, bool read, bool write,
                                        uint16_t prgi, bool last)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    Sm3PageRequest pr = {
        .sid = smmuv3_ext_dev_sid(dev),
        .ssid = pasid,
        .ssv = pasid_valid,
        .addr = addr,
        .grpid = prgi,
        .last = last,
        .read = read,
        .write = write,
    };
    bool ok;

    if (!smmu_ext_lock_upstream(&s->lock, s->id)) {
        return false;
    }
    ok = sm3_page_request(s->model, &pr);
    smmuv3_ext_unlock(s);
    return ok;
}

static void smmuv3_ext_ats_register(Object *obj, PCIDevice *dev,
                                    const SmmuExtAtsEndpointOps *ops,
                                    void *opaque)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    SMMUv3ExtEndpoint *ep;

    if (!ops) {
        g_hash_table_remove(s->endpoints, dev);
        return;
    }
    ep = g_new0(SMMUv3ExtEndpoint, 1);
    ep->dev = dev;
    ep->ops = ops;
    ep->opaque = opaque;
    g_hash_table_replace(s->endpoints, dev, ep);
}

static SMMUv3ExtEndpoint *smmuv3_ext_endpoint(SMMUv3ExtState *s, uint32_t sid)
{
    GHashTableIter it;
    SMMUv3ExtEndpoint *ep;

    g_hash_table_iter_init(&it, s->endpoints);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&ep)) {
        if (smmuv3_ext_dev_sid(ep->dev) == sid) {
            return ep;
        }
    }
    return NULL;
}

/* CMD_ATC_INV: forwarded to the endpoint; no endpoint, nothing cached. */
static void smmuv3_ext_atc_invalidate(void *owner, uint32_t sid, uint32_t ssid,
                                      bool ssv, uint64_t addr, uint64_t size)
{
    SMMUv3ExtState *s = owner;
    SMMUv3ExtEndpoint *ep = smmuv3_ext_endpoint(s, sid);

    s->atc_inv_ok = true;
    if (ep && ep->ops->atc_invalidate) {
        s->atc_inv_ok = ep->ops->atc_invalidate(ep->opaque, ssid, ssv, addr,
                                                size);
    }
}

static bool smmuv3_ext_atc_inv_ok(void *opaque, uint32_t sid)
{
    SMMUv3ExtState *s = container_of(opaque, SMMUv3ExtState, host);

    return s->atc_inv_ok;
}

/* CMD_PRI_RESP Resp (0 Deny, 1 Fail, 2 Success) to a PCIe response code. */
static void smmuv3_ext_pri_response(void *owner, uint32_t sid, uint32_t ssid,
                                    bool ssv, uint16_t grpid, unsigned resp)
{
    SMMUv3ExtState *s = owner;
    SMMUv3ExtEndpoint *ep = smmuv3_ext_endpoint(s, sid);
    static const unsigned pcie_code[] = {
        SMMU_EXT_ATS_PRI_INVALID, SMMU_EXT_ATS_PRI_FAILURE,
        SMMU_EXT_ATS_PRI_SUCCESS, SMMU_EXT_ATS_PRI_FAILURE,
    };

    if (ep && ep->ops->pri_response) {
        ep->ops->pri_response(ep->opaque, ssid, ssv, grpid,
                              pcie_code[resp & 3]);
    }
}

/* ---- Reset, statistics, migration ---------------------------------------- */

static void smmuv3_ext_reset(void *opaque)
{
    SMMUv3ExtState *s = opaque;
    SmInval all = { .scope = SM_INVAL_ALL };

    trace_smmuv3_ext_reset(s->id);
    smmuv3_ext_lock(s);
    sm3_reset(s->model);
    timer_del(s->cmdq_timer);
    smmuv3_ext_invalidated(s, &all);
    smmuv3_ext_unlock(s);
}

/* "walk-caches": {"s1l0": {...}, ..., "s2l2": {...}} */
static bool smmuv3_ext_visit_walk_caches(Visitor *v, Sm3Stats *st,
                                         Error **errp)
{
    bool ok = true;
    unsigned stage, level;

    if (!visit_start_struct(v, "walk-caches", NULL, 0, errp)) {
        return false;
    }
    for (stage = 0; stage < SM3_WALKC_STAGES && ok; stage++) {
        for (level = 0; level < SM3_WALKC_LEVELS && ok; level++) {
            char name[8];

            snprintf(name, sizeof(name), "s%ul%u", stage + 1, level);
            ok = smmu_ext_visit_cache(v, name, &st->walkc[stage][level],
                                        errp);
        }
    }
    if (ok) {
        ok = visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
    return ok;
}

/* A struct of the non-zero counters of @counts, named by @name_of. */
static bool smmuv3_ext_visit_by_name(Visitor *v, const char *name,
                                     uint64_t *counts, unsigned n,
                                     const char *(*name_of)(unsigned),
                                     Error **errp)
{
    bool ok = true;
    unsigned i;

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return false;
    }
    for (i = 0; i < n && ok; i++) {
        if (counts[i]) {
            ok = visit_type_uint64(v, name_of(i), &counts[i], errp);
        }
    }
    if (ok) {
        ok = visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
    return ok;
}

/* qom-get <path> stats: a snapshot of the model's counters. */
static void smmuv3_ext_get_stats(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);
    g_autofree SmTimingStats *ts = g_new0(SmTimingStats, 1);
    Sm3Stats st;
    bool ok, timed;

    if (!s->model) {
        error_setg(errp, "%s: not realized", object_get_typename(obj));
        return;
    }
    smmuv3_ext_lock(s);
    st = sm3_stats(s->model);
    timed = sm3_timing_stats(s->model, ts);
    smmuv3_ext_unlock(s);

    if (!visit_start_struct(v, name, NULL, 0, errp)) {
        return;
    }
    ok = visit_type_uint64(v, "translations", &st.translations, errp) &&
         visit_type_uint64(v, "fast-path-hits", &st.fast_hits, errp) &&
         visit_type_uint64(v, "commands", &st.commands, errp) &&
         visit_type_uint64(v, "events", &st.events, errp) &&
         visit_type_uint64(v, "events-lost", &st.events_lost, errp) &&
         visit_type_uint64(v, "faults-suppressed", &st.faults_suppressed,
                           errp) &&
         visit_type_uint64(v, "cerror-ill", &st.cerror_ill, errp) &&
         visit_type_uint64(v, "cerror-abt", &st.cerror_abt, errp) &&
         visit_type_uint64(v, "cerror-atc-inv-sync", &st.cerror_atc_inv_sync,
                           errp) &&
         smmuv3_ext_visit_by_name(v, "commands-by-type", st.cmds_by_op,
                                  SM3_STATS_OPS, sm3_cmd_name, errp) &&
         smmuv3_ext_visit_by_name(v, "events-by-type", st.events_by_id,
                                  SM3_STATS_EVENTS, sm3_event_name, errp) &&
         smmu_ext_visit_cache(v, "tlb", &st.tlb, errp) &&
         smmu_ext_visit_cache(v, "config-cache", &st.cfg, errp) &&
         smmuv3_ext_visit_walk_caches(v, &st, errp) &&
         (!timed || smmu_ext_visit_timing(v, "timing", &s->timing_set, ts,
                                          errp));
    if (ok) {
        visit_check_struct(v, errp);
    }
    visit_end_struct(v, NULL);
}

static int smmuv3_ext_pre_save(void *opaque)
{
    SMMUv3ExtState *s = opaque;

    smmuv3_ext_lock(s);
    sm3_save(s->model, &s->arch);
    smmuv3_ext_unlock(s);
    return 0;
}

static int smmuv3_ext_post_load(void *opaque, int version_id)
{
    SMMUv3ExtState *s = opaque;
    char *why;

    smmuv3_ext_lock(s);
    why = sm3_state_error(s->model, &s->arch);
    if (!why) {
        sm3_restore(s->model, &s->arch);    /* drops every cache */
        smmuv3_ext_kick_cmdq(s);
    }
    smmuv3_ext_unlock(s);
    if (why) {
        /* A corrupt or foreign stream: refuse it before anything runs. */
        error_report("%s: incoming migration state refused: %s", s->id,
                     why);
        g_free(why);
        return -EINVAL;
    }
    return 0;
}

static const VMStateDescription vmstate_smmuv3_ext_stall = {
    .name = "arm-smmuv3-ext/stall",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(sid, Sm3StallState),
        VMSTATE_UINT16(stag, Sm3StallState),
        VMSTATE_BOOL(valid, Sm3StallState),
        VMSTATE_END_OF_LIST(),
    },
};

static const VMStateDescription vmstate_smmuv3_ext = {
    .name = TYPE_SMMUV3_EXT,
    .version_id = 1,
    .minimum_version_id = 1,
    /*
     * Before the PCI devices: loading virtio rebuilds its ring caches by
     * translating through us, and a still-reset SMMU (bypass) would make
     * them point at IOVAs taken as guest physical addresses, so the
     * device would later write the used ring into random guest memory.
     */
    .priority = MIG_PRI_IOMMU,
    .pre_save = smmuv3_ext_pre_save,
    .post_load = smmuv3_ext_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(arch.version, SMMUv3ExtState),
        VMSTATE_UINT32_ARRAY(arch.regs, SMMUv3ExtState, SM3_STATE_REGS),
        VMSTATE_BOOL(arch.atc_inv_error, SMMUv3ExtState),
        VMSTATE_UINT16(arch.next_stag, SMMUv3ExtState),
        VMSTATE_STRUCT_ARRAY(arch.stalls, SMMUv3ExtState, SM3_MAX_STALLS, 1,
                             vmstate_smmuv3_ext_stall, Sm3StallState),
        VMSTATE_END_OF_LIST(),
    },
};

/* ---- Realize: configuration ---------------------------------------------- */

static bool smmuv3_ext_parse_stage(SMMUv3ExtState *s, Sm3Features *f,
                                   Error **errp)
{
    if (!strcmp(s->stage, "1")) {
        f->stage1 = true;
    } else if (!strcmp(s->stage, "2")) {
        f->stage2 = true;
    } else if (!strcmp(s->stage, "nested")) {
        f->stage1 = f->stage2 = true;
    } else {
        error_setg(errp, "stage=%s: expected 1, 2 or nested", s->stage);
        return false;
    }
    return true;
}

static bool smmuv3_ext_parse_granules(SMMUv3ExtState *s, Sm3Features *f,
                                      Error **errp)
{
    bool k4, k16, k64;

    if (!smmu_ext_parse_granules(s->granules, &k4, &k16, &k64, errp)) {
        return false;
    }
    f->granules = (k4 ? SM3_GRAN_4K : 0) | (k16 ? SM3_GRAN_16K : 0) |
                  (k64 ? SM3_GRAN_64K : 0);
    return true;
}

static bool smmuv3_ext_parse_httu(SMMUv3ExtState *s, Sm3Features *f,
                                  Error **errp)
{
    if (!strcmp(s->httu, "off")) {
        f->httu = SM3_HTTU_NONE;
    } else if (!strcmp(s->httu, "af")) {
        f->httu = SM3_HTTU_AF;
    } else if (!strcmp(s->httu, "af+dirty")) {
        f->httu = SM3_HTTU_AF_DIRTY;
    } else {
        error_setg(errp, "httu=%s: expected off, af or af+dirty", s->httu);
        return false;
    }
    return true;
}

/*
 * Architecturally valid, but limits of Linux guests: arm-smmu-v3 refuses
 * to probe with a command queue of 64 entries or fewer (it batches 64
 * commands), and a kernel whose page size is smaller than the SMMU's
 * smallest granule stops in init_iova_domain().
 */
static void smmuv3_ext_warn_linux_limits(const Sm3Features *f)
{
    if (!(f->granules & SM3_GRAN_4K)) {
        unsigned kib = f->granules & SM3_GRAN_16K ? 16 : 64;

        warn_report("arm-smmuv3-ext: no 4k granule: Linux kernels with "
                    "pages smaller than %u KiB stop at BUG_ON(granule > "
                    "PAGE_SIZE) in init_iova_domain(); use a kernel with "
                    "%s KiB pages", kib, kib == 16 ? "16 or 64" : "64");
    }
    if (f->cmdqs <= 6) {
        warn_report("arm-smmuv3-ext: cmdqs=%u: Linux's arm-smmu-v3 needs "
                    "cmdqs >= 7 (more than 64 command-queue entries) and "
                    "will not probe this SMMU", f->cmdqs);
    }
}

/* timing=on: the MMU-600-class defaults, or timing-params=FILE. */
static bool smmuv3_ext_timing_config(SMMUv3ExtState *s, Sm3Config *cfg,
                                     Error **errp)
{
    g_autofree char *err = NULL;

    if (!s->timing) {
        if (s->timing_params) {
            error_setg(errp, "timing-params=%s needs timing=on",
                       s->timing_params);
            return false;
        }
        if (s->timing_log) {
            error_setg(errp, "timing-log=%s needs timing=on", s->timing_log);
            return false;
        }
        return true;
    }
    sm_timing_params_default(&s->timing_set);
    if (s->timing_params &&
        !sm_timing_params_load(&s->timing_set, s->timing_params, &err)) {
        error_setg(errp, "timing-params: %s", err);
        return false;
    }
    cfg->timing = &s->timing_set;
    return true;
}

static bool smmuv3_ext_build_config(SMMUv3ExtState *s, Sm3Config *cfg,
                                    Error **errp)
{
    Sm3Features *f = &cfg->features;
    char *why;

    memset(cfg, 0, sizeof(*cfg));
    if (!smmuv3_ext_parse_stage(s, f, errp) ||
        !smmuv3_ext_parse_granules(s, f, errp) ||
        !smmuv3_ext_parse_httu(s, f, errp)) {
        return false;
    }
    f->two_level_st = s->two_level_st;
    f->two_level_cd = s->two_level_cd;
    /* auto: the architecture's recommendation (sm3_hyp_default) */
    f->hyp = s->hyp == ON_OFF_AUTO_AUTO ? sm3_hyp_default(f)
                                        : s->hyp == ON_OFF_AUTO_ON;
    f->ats = s->ats;
    /* auto: PRI whenever ATS (IDR0.PRI is RES0 without it) */
    f->pri = s->pri == ON_OFF_AUTO_AUTO ? s->ats : s->pri == ON_OFF_AUTO_ON;
    f->msi = s->msi == ON_OFF_AUTO_ON;
    f->asid16 = s->asid16;
    f->vmid16 = s->vmid16;
    f->ril = s->ril;
    f->stall_model = s->stall ? SM3_STALL_AND_TERM : SM3_STALL_NONE;
    f->oas_bits = s->oas;
    f->sidsize = s->sidsize;
    f->ssidsize = s->ssidsize;
    f->cmdqs = s->cmdqs;
    f->eventqs = s->eventqs;
    f->priqs = s->priqs;
    cfg->tlb_entries = s->tlb_entries;
    cfg->tlb_ways = s->tlb_ways;
    cfg->cfg_entries = s->cfg_entries;
    cfg->cfg_ways = s->cfg_ways;
    memcpy(cfg->walkc_entries, s->walkc_entries, sizeof(cfg->walkc_entries));
    memcpy(cfg->walkc_ways, s->walkc_ways, sizeof(cfg->walkc_ways));
    cfg->policy = SM_CACHE_LRU;
    cfg->cmdq_batch = s->cmdq_batch;
    cfg->cmdq_timing = s->cmdq_timing;
    cfg->fast_path_off = !s->fast_path;
    if (!smmuv3_ext_timing_config(s, cfg, errp)) {
        return false;
    }
    smmu_ext_host_init(&cfg->host, &s->host);
    cfg->hooks.atc_inv_ok = smmuv3_ext_atc_inv_ok;
    if (s->timing_log) {
        cfg->hooks.command_done = smmuv3_ext_command_done;
    }

    why = sm3_config_error(cfg);
    if (why) {
        /* The model names the property and the rule it breaks. */
        error_setg(errp, "%s", why);
        g_free(why);
        return false;
    }
    smmuv3_ext_warn_linux_limits(f);
    return true;
}

/* ---- Realize: placement in the virt board -------------------------------- */

static int smmuv3_ext_devid_used(Object *obj, void *opaque)
{
    uint32_t *devid = opaque;

    return object_dynamic_cast(obj, TYPE_SMMUV3_EXT) &&
           SMMUV3_EXT(obj)->model && SMMUV3_EXT(obj)->msi_devid == *devid;
}

/*
 * The ITS DeviceID of our MSIs must be unique per SMMU: by default the
 * first of 0xff00, 0xff01, ... that no other instance has taken.
 */
static bool smmuv3_ext_pick_msi_devid(SMMUv3ExtState *s, Error **errp)
{
    uint32_t devid = s->msi_devid ? s->msi_devid : SMMUV3_EXT_MSI_DEVID_BASE;

    while (object_child_foreach_recursive(object_get_root(),
                                          smmuv3_ext_devid_used, &devid)) {
        if (s->msi_devid || devid == SMMUV3_EXT_MSI_DEVID_BASE + 0xff) {
            error_setg(errp, "msi-devid=0x%x is used by another SMMU", devid);
            return false;
        }
        devid++;
    }
    s->msi_devid = devid;
    return true;
}

/* ---- Realize: device tree ------------------------------------------------ */

static bool smmuv3_ext_add_fdt(SMMUv3ExtState *s, VirtMachineState *vms,
                               Error **errp)
{
    MachineState *ms = MACHINE(vms);
    SmmuExtFdtNode node = {
        .base = s->addr,
        .size = SMMUV3_EXT_FRAME_SIZE,
        .spi_base = s->spi,
        .msi_parent = s->msi == ON_OFF_AUTO_ON ? vms->msi_phandle : 0,
        .msi_devid = s->msi_devid,
    };

    if (!ms->fdt) {
        error_setg(errp, "the board has no device tree to describe us in");
        return false;
    }
    s->phandle = smmu_ext_fdt_add_smmuv3(ms->fdt, &node, errp);
    if (!s->phandle) {
        return false;
    }
    return true;
}

static void smmuv3_ext_realize(DeviceState *d, Error **errp)
{
    SMMUv3ExtState *s = SMMUV3_EXT(d);
    VirtMachineState *vms;
    Sm3Config cfg;

    s->id = g_strdup(d->id ? d->id : TYPE_SMMUV3_EXT);
    if (phase_check(PHASE_MACHINE_READY)) {
        error_setg(errp, "cannot be added to a running machine: give "
                   "-device " TYPE_SMMUV3_EXT " on the command line");
        return;
    }
    vms = smmu_ext_board_virt(errp);
    if (!vms) {
        return;
    }
    /* Linux handles platform MSIs only through a GICv3 ITS. */
    if (s->msi == ON_OFF_AUTO_AUTO) {
        s->msi = vms->its && vms->gic_version != VIRT_GIC_VERSION_2 &&
                 vms->msi_phandle ? ON_OFF_AUTO_ON : ON_OFF_AUTO_OFF;
    }
    if (s->msi == ON_OFF_AUTO_ON &&
        (!vms->its || vms->gic_version == VIRT_GIC_VERSION_2)) {
        error_setg(errp, "msi=on needs the GICv3 ITS: use "
                   "-M virt,gic-version=3 (its=on)");
        return;
    }
    s->primary_bus = smmu_ext_board_find_bus(TYPE_SMMUV3_EXT,
                                             s->primary_bus_name, errp);
    if (!s->primary_bus) {
        return;
    }
    if (!smmuv3_ext_pick_msi_devid(s, errp)) {
        return;
    }
    s->host.id = s->id;
    s->host.as = &address_space_memory;
    s->host.msi_devid = s->msi_devid;
    s->host.owner = s;
    s->host.invalidated = smmuv3_ext_invalidated;
    s->host.atc_invalidate = smmuv3_ext_atc_invalidate;
    s->host.pri_response = smmuv3_ext_pri_response;
    if (!smmu_ext_board_place_mmio(&s->addr, SMMUV3_EXT_FRAME_SIZE,
                                   SMMUV3_EXT_FRAME_ALIGN, errp) ||
        !smmuv3_ext_build_config(s, &cfg, errp) ||
        !smmu_ext_board_place_irqs(vms, &s->spi, SMMUV3_EXT_NR_IRQS,
                                   s->irqs, errp) ||
        !smmu_ext_board_iort_claim(vms, s->id, s->iort, s->primary_bus,
                                   s->addr, s->irqs, errp)) {
        return;
    }
    s->host.irqs = s->irqs;
    s->host.nr_irqs = SMMUV3_EXT_NR_IRQS;
    s->model = sm3_new(&cfg);
    if (!s->model) {
        error_setg(errp, "the SMMUv3 model rejected the configuration");
        return;
    }
    if (!smmuv3_ext_add_fdt(s, vms, errp) ||
        !smmuv3_ext_open_timing_log(s, errp)) {
        sm3_free(s->model);
        s->model = NULL;
        return;
    }
    smmu_ext_funcs_init(&s->funcs);
    s->endpoints = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    s->cmdq_bh = qemu_bh_new(smmuv3_ext_cmdq_bh, s);
    s->cmdq_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, smmuv3_ext_cmdq_bh, s);
    memory_region_init_io(&s->iomem, OBJECT(s), &smmuv3_ext_mmio_ops, s,
                          TYPE_SMMUV3_EXT, SMMUV3_EXT_FRAME_SIZE);
    memory_region_add_subregion(get_system_memory(), s->addr, &s->iomem);
    smmu_ext_pci_setup_iommu(s->primary_bus, smmuv3_ext_find_add_as, s);
    /* StreamID = requester id: 16-bit StreamIDs cover every bus */
    smmu_ext_board_add_iommu(s->primary_bus, s->phandle, 0, UINT32_MAX);
    qemu_register_reset(smmuv3_ext_reset, s);
    /* Last: nothing after it fails, and the device stays (no unrealize) */
    smmu_ext_host_listen(&s->host);
    trace_smmuv3_ext_realize(s->id, s->primary_bus_name, s->addr, s->spi);
}

/* ---- Type registration --------------------------------------------------- */

static SMMU_EXT_PROPS_CONST Property smmuv3_ext_properties[] = {
    DEFINE_PROP_STRING("primary-bus", SMMUv3ExtState, primary_bus_name),
    DEFINE_PROP_UINT64("addr", SMMUv3ExtState, addr, SMMU_EXT_AUTO_ADDR),
    DEFINE_PROP_UINT32("spi", SMMUv3ExtState, spi, 0),
    DEFINE_PROP_STRING("stage", SMMUv3ExtState, stage),
    DEFINE_PROP_STRING("granules", SMMUv3ExtState, granules),
    DEFINE_PROP_STRING("httu", SMMUv3ExtState, httu),
    DEFINE_PROP_UINT8("oas", SMMUv3ExtState, oas, 48),
    DEFINE_PROP_UINT8("sidsize", SMMUv3ExtState, sidsize, 16),
    DEFINE_PROP_UINT8("ssidsize", SMMUv3ExtState, ssidsize, 20),
    DEFINE_PROP_UINT8("cmdqs", SMMUv3ExtState, cmdqs, 19),
    DEFINE_PROP_UINT8("eventqs", SMMUv3ExtState, eventqs, 19),
    DEFINE_PROP_UINT8("priqs", SMMUv3ExtState, priqs, 19),
    DEFINE_PROP_ON_OFF_AUTO("msi", SMMUv3ExtState, msi, ON_OFF_AUTO_AUTO),
    DEFINE_PROP_ON_OFF_AUTO("iort", SMMUv3ExtState, iort, ON_OFF_AUTO_AUTO),
    DEFINE_PROP_UINT32("msi-devid", SMMUv3ExtState, msi_devid, 0),
    DEFINE_PROP_BOOL("ats", SMMUv3ExtState, ats, true),
    DEFINE_PROP_ON_OFF_AUTO("pri", SMMUv3ExtState, pri, ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("stall", SMMUv3ExtState, stall, true),
    DEFINE_PROP_BOOL("ril", SMMUv3ExtState, ril, true),
    DEFINE_PROP_ON_OFF_AUTO("hyp", SMMUv3ExtState, hyp, ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("two-level-st", SMMUv3ExtState, two_level_st, true),
    DEFINE_PROP_BOOL("two-level-cd", SMMUv3ExtState, two_level_cd, true),
    DEFINE_PROP_BOOL("asid16", SMMUv3ExtState, asid16, true),
    DEFINE_PROP_BOOL("vmid16", SMMUv3ExtState, vmid16, true),
    DEFINE_PROP_UINT32("tlb-entries", SMMUv3ExtState, tlb_entries, 2048),
    DEFINE_PROP_UINT32("tlb-ways", SMMUv3ExtState, tlb_ways, 4),
    DEFINE_PROP_UINT32("cfg-entries", SMMUv3ExtState, cfg_entries, 64),
    DEFINE_PROP_UINT32("cfg-ways", SMMUv3ExtState, cfg_ways, 4),
    DEFINE_PROP_UINT32("walkc-s1l0-entries", SMMUv3ExtState,
                       walkc_entries[0][0], 0),
    DEFINE_PROP_UINT32("walkc-s1l0-ways", SMMUv3ExtState,
                       walkc_ways[0][0], 0),
    DEFINE_PROP_UINT32("walkc-s1l1-entries", SMMUv3ExtState,
                       walkc_entries[0][1], 0),
    DEFINE_PROP_UINT32("walkc-s1l1-ways", SMMUv3ExtState,
                       walkc_ways[0][1], 0),
    DEFINE_PROP_UINT32("walkc-s1l2-entries", SMMUv3ExtState,
                       walkc_entries[0][2], 0),
    DEFINE_PROP_UINT32("walkc-s1l2-ways", SMMUv3ExtState,
                       walkc_ways[0][2], 0),
    DEFINE_PROP_UINT32("walkc-s2l0-entries", SMMUv3ExtState,
                       walkc_entries[1][0], 0),
    DEFINE_PROP_UINT32("walkc-s2l0-ways", SMMUv3ExtState,
                       walkc_ways[1][0], 0),
    DEFINE_PROP_UINT32("walkc-s2l1-entries", SMMUv3ExtState,
                       walkc_entries[1][1], 0),
    DEFINE_PROP_UINT32("walkc-s2l1-ways", SMMUv3ExtState,
                       walkc_ways[1][1], 0),
    DEFINE_PROP_UINT32("walkc-s2l2-entries", SMMUv3ExtState,
                       walkc_entries[1][2], 0),
    DEFINE_PROP_UINT32("walkc-s2l2-ways", SMMUv3ExtState,
                       walkc_ways[1][2], 0),
    DEFINE_PROP_UINT32("cmdq-batch", SMMUv3ExtState, cmdq_batch, 64),
    /* On by default (issue 9); off saves host time (docs/timing.md) */
    DEFINE_PROP_BOOL("timing", SMMUv3ExtState, timing, true),
    DEFINE_PROP_STRING("timing-params", SMMUv3ExtState, timing_params),
    DEFINE_PROP_BOOL("cmdq-timing", SMMUv3ExtState, cmdq_timing, false),
    DEFINE_PROP_STRING("timing-log", SMMUv3ExtState, timing_log),
    DEFINE_PROP_BOOL("fast-path", SMMUv3ExtState, fast_path, true),
    SMMU_EXT_PROP_END
};

/* Help text for -device arm-smmuv3-ext,help, in property order. */
static const struct {
    const char *name, *help;
} smmuv3_ext_property_help[] = {
    { "primary-bus", "PCI root bus to translate (pcie.0 or a pxb-pcie bus)" },
    { "addr", "base of the 128KiB register frame (default: first free "
              "slot from 0x9100000)" },
    { "spi", "first of four GIC SPIs: eventq, priq, cmdq-sync, gerror "
             "(default: first free from 176)" },
    { "stage", "translation stages: 1, 2 or nested (both; default)" },
    { "granules", "translation granules, comma-separated: 4k,16k,64k "
                  "(default: all)" },
    { "httu", "hardware table updates: off, af or af+dirty (default)" },
    { "oas", "output address size in bits: 32, 36, 40, 42, 44, 48 or 52" },
    { "sidsize", "StreamID bits, 0..32" },
    { "ssidsize", "SubstreamID bits, 0..20 (0: no PASIDs)" },
    { "cmdqs", "log2 of the largest command queue" },
    { "eventqs", "log2 of the largest event queue" },
    { "priqs", "log2 of the largest PRI queue" },
    { "msi", "MSIs through the GICv3 ITS instead of wired SPIs (auto: "
             "when the board has an ITS)" },
    { "iort", "describe the SMMU in the board's ACPI IORT for UEFI+ACPI "
              "guests (auto: when it is the machine's only SMMU and on "
              "pcie.0; on: an error if not); its interrupts then also "
              "drive SPIs 74..77, which the IORT names" },
    { "msi-devid", "ITS DeviceID of the SMMU's own MSIs (0: the first "
                   "free from 0xff00)" },
    { "ats", "PCIe ATS: translation requests and ATC invalidation" },
    { "pri", "PCIe PRI: page request queue (auto: on exactly with "
             "ats=on, which it needs)" },
    { "stall", "stall model: faults may stall until RESUME" },
    { "ril", "range invalidation (TLBI with TG/SCALE/NUM)" },
    { "hyp", "EL2 StreamWorld and TLBI_EL2_* commands (IDR0.HYP; auto: "
             "on exactly when stage=nested, as it needs both stages)" },
    { "two-level-st", "2-level stream tables" },
    { "two-level-cd", "2-level context-descriptor tables" },
    { "asid16", "16-bit ASIDs (off: 8-bit)" },
    { "vmid16", "16-bit VMIDs (off: 8-bit)" },
    { "tlb-entries", "TLB entries" },
    { "tlb-ways", "TLB associativity" },
    { "cfg-entries", "configuration cache entries" },
    { "cfg-ways", "configuration cache associativity" },
    { "walkc-s1l0-entries", "stage-1 level-0 walk cache entries "
                             "(0: the default, 4294967295: off)" },
    { "walkc-s1l0-ways", "stage-1 level-0 walk cache associativity when its "
                          "entries are set (0: fully associative)" },
    { "walkc-s1l1-entries", "stage-1 level-1 walk cache entries "
                             "(0: the default, 4294967295: off)" },
    { "walkc-s1l1-ways", "stage-1 level-1 walk cache associativity when its "
                          "entries are set (0: fully associative)" },
    { "walkc-s1l2-entries", "stage-1 level-2 walk cache entries "
                             "(0: the default, 4294967295: off)" },
    { "walkc-s1l2-ways", "stage-1 level-2 walk cache associativity when its "
                          "entries are set (0: fully associative)" },
    { "walkc-s2l0-entries", "stage-2 level-0 walk cache entries "
                             "(0: the default, 4294967295: off)" },
    { "walkc-s2l0-ways", "stage-2 level-0 walk cache associativity when its "
                          "entries are set (0: fully associative)" },
    { "walkc-s2l1-entries", "stage-2 level-1 walk cache entries "
                             "(0: the default, 4294967295: off)" },
    { "walkc-s2l1-ways", "stage-2 level-1 walk cache associativity when its "
                          "entries are set (0: fully associative)" },
    { "walkc-s2l2-entries", "stage-2 level-2 walk cache entries "
                             "(0: the default, 4294967295: off)" },
    { "walkc-s2l2-ways", "stage-2 level-2 walk cache associativity when its "
                          "entries are set (0: fully associative)" },
    { "cmdq-batch", "commands run at once on a CMDQ_PROD write; the rest "
                    "run from the main loop" },
    { "timing", "model the latency of every translation and command "
                "(statistics in qom-get ... stats, member timing; "
                "docs/timing.md; off: the functional model alone, "
                "for less host time)" },
    { "timing-params", "timing parameter file (default: the built-in "
                       "MMU-600-class set, models/common/params/)" },
    { "cmdq-timing", "commands take their modelled time on the virtual "
                     "clock: CMDQ_CONS and CMD_SYNC completion move when "
                     "the command processor is done (needs timing=on)" },
    { "timing-log", "file to write one line per translation to: time, "
                    "StreamID, IOVA, access, latency, breakdown; smmu-sim "
                    "replays it (needs timing=on; docs/smmu-sim.md)" },
    { "fast-path", "answer a stream's repeated TLB hit without the "
                   "lookups; what is translated, the statistics and the "
                   "timing are the same either way (off: for comparisons)" },
};

static void smmuv3_ext_instance_init(Object *obj)
{
    SMMUv3ExtState *s = SMMUV3_EXT(obj);

    /* String properties cannot have static defaults in QEMU 7.2. */
    s->stage = g_strdup("nested");
    s->granules = g_strdup("4k,16k,64k");
    s->httu = g_strdup("af+dirty");
    object_property_add(obj, "stats", "SMMUv3ExtStats", smmuv3_ext_get_stats,
                        NULL, NULL, NULL);
    object_property_set_description(obj, "stats",
                                    "model statistics: translations, TLB and "
                                    "config-cache counters, commands, events");
}

static void smmuv3_ext_class_init(ObjectClass *klass,
                                  SMMU_EXT_CLASS_DATA data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    SmmuExtAtsIfClass *aic = SMMU_EXT_ATS_IF_CLASS(klass);
    unsigned i;

    dc->desc = "Arm SMMUv3 (smmu-ext model) for the virt board";
    dc->realize = smmuv3_ext_realize;
    dc->vmsd = &vmstate_smmuv3_ext;
    dc->user_creatable = true;
    dc->hotpluggable = false;
    device_class_set_props(dc, smmuv3_ext_properties);
    for (i = 0; i < ARRAY_SIZE(smmuv3_ext_property_help); i++) {
        object_class_property_set_description(klass,
                                              smmuv3_ext_property_help[i].name,
                                              smmuv3_ext_property_help[i].help);
    }
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);

    aic->serves_bus = smmuv3_ext_ats_serves_bus;
    aic->dma = smmuv3_ext_ats_dma;
    aic->translate = smmuv3_ext_ats_translate;
    aic->page_request = smmuv3_ext_ats_page_request;
    aic->register_endpoint = smmuv3_ext_ats_register;
    aic->timing_arrival = smmuv3_ext_timing_arrival;
    aic->timing_done = smmuv3_ext_timing_done;
}

static void smmuv3_ext_iommu_mr_class_init(ObjectClass *klass,
                                           SMMU_EXT_CLASS_DATA data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = smmuv3_ext_translate;
    imrc->notify_flag_changed = smmuv3_ext_notify_flag_changed;
    imrc->replay = smmuv3_ext_replay;
}

static const TypeInfo smmuv3_ext_types[] = {
    {
        .name = TYPE_SMMUV3_EXT,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(SMMUv3ExtState),
        .instance_init = smmuv3_ext_instance_init,
        .class_init = smmuv3_ext_class_init,
        .interfaces = (InterfaceInfo[]) {
            { TYPE_SMMU_EXT_ATS_IF },
            { }
        },
    },
    {
        .name = TYPE_SMMUV3_EXT_IOMMU_MR,
        .parent = TYPE_IOMMU_MEMORY_REGION,
        .class_init = smmuv3_ext_iommu_mr_class_init,
    },
};

DEFINE_TYPES(smmuv3_ext_types)
