/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The models' host interface over QEMU (see smmu-ext-host.h).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "smmu-ext-host.h"
#include "trace-hw_smmu_ext.h"

static MemTxAttrs smmu_ext_txattrs(SmAttrs attrs)
{
    MemTxAttrs txattrs = MEMTXATTRS_UNSPECIFIED;

    txattrs.secure = attrs.secure;
    txattrs.requester_id = attrs.requester_id;
    return txattrs;
}

static SmBusResult smmu_ext_host_read(void *opaque, uint64_t pa, void *buf,
                                      size_t len, SmAttrs attrs)
{
    SmmuExtHost *h = opaque;
    MemTxResult r = address_space_read(h->as, pa, smmu_ext_txattrs(attrs),
                                       buf, len);

    return r == MEMTX_OK ? SM_BUS_OK : SM_BUS_ERROR;
}

static SmBusResult smmu_ext_host_write(void *opaque, uint64_t pa,
                                       const void *buf, size_t len,
                                       SmAttrs attrs)
{
    SmmuExtHost *h = opaque;
    MemTxResult r = address_space_write(h->as, pa, smmu_ext_txattrs(attrs),
                                        buf, len);

    return r == MEMTX_OK ? SM_BUS_OK : SM_BUS_ERROR;
}

static void smmu_ext_host_set_irq(void *opaque, unsigned line, bool level)
{
    SmmuExtHost *h = opaque;

    if (line >= h->nr_irqs) {
        return;
    }
    if (level) {
        trace_smmu_ext_irq(h->id, line);
    }
    qemu_set_irq(h->irqs[line], level);
}

static SmBusResult smmu_ext_host_send_msi(void *opaque, uint64_t addr,
                                          uint32_t data, SmAttrs attrs)
{
    SmmuExtHost *h = opaque;
    MemTxAttrs txattrs = smmu_ext_txattrs(attrs);
    MemTxResult r;

    /* The ITS takes the DeviceID from the requester id. */
    txattrs.requester_id = h->msi_devid;
    trace_smmu_ext_msi(h->id, addr, data);
    address_space_stl_le(h->as, addr, data, txattrs, &r);
    return r == MEMTX_OK ? SM_BUS_OK : SM_BUS_ERROR;
}

static uint64_t smmu_ext_host_now_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void smmu_ext_host_log(void *opaque, SmLogKind kind, const char *msg)
{
    SmmuExtHost *h = opaque;

    qemu_log_mask(kind == SM_LOG_GUEST_ERROR ? LOG_GUEST_ERROR : LOG_UNIMP,
                  "%s: %s\n", h->id, msg);
}

static void smmu_ext_host_invalidated(void *opaque, const SmInval *inval)
{
    SmmuExtHost *h = opaque;

    trace_smmu_ext_invalidated(h->id, inval->scope, inval->sid,
                                 inval->addr, inval->size);
    if (h->invalidated) {
        h->invalidated(h->owner, inval);
    }
}

static void smmu_ext_host_atc_invalidate(void *opaque, uint32_t sid,
                                         uint32_t ssid, bool ssv,
                                         uint64_t addr, uint64_t size)
{
    SmmuExtHost *h = opaque;

    if (h->atc_invalidate) {
        h->atc_invalidate(h->owner, sid, ssid, ssv, addr, size);
    }
}

static void smmu_ext_host_pri_response(void *opaque, uint32_t sid,
                                       uint32_t ssid, bool ssv,
                                       uint16_t grpid, unsigned resp)
{
    SmmuExtHost *h = opaque;

    if (h->pri_response) {
        h->pri_response(h->owner, sid, ssid, ssv, grpid, resp);
    }
}

void smmu_ext_host_init(SmHost *hooks, SmmuExtHost *ctx)
{
    *hooks = (SmHost) {
        .opaque = ctx,
        .read = smmu_ext_host_read,
        .write = smmu_ext_host_write,
        .set_irq = smmu_ext_host_set_irq,
        .send_msi = smmu_ext_host_send_msi,
        .now_ns = smmu_ext_host_now_ns,
        .log = smmu_ext_host_log,
        .invalidated = smmu_ext_host_invalidated,
        .atc_invalidate = smmu_ext_host_atc_invalidate,
        .pri_response = smmu_ext_host_pri_response,
    };
}
