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

/*
 * The RAM windows (SmmuExtRamWindow).  Why they are safe: the model runs
 * under the BQL only (smmu-ext-iommu.h), and QEMU changes a memory map
 * under the BQL too, calling the listener's commit before it lets go; so
 * no read sees a window of a map that is gone, nor RAM that was freed
 * (which waits for RCU after the change).  Only RAM that QEMU itself
 * would copy from directly is windowed: not RAM devices (MMIO really),
 * nor ROM devices (dispatched: they hold no tables worth a window).
 */
static void smmu_ext_host_close_windows(SmmuExtHost *h)
{
    unsigned i;

    for (i = 0; i < SMMU_EXT_RAM_WINDOWS; i++) {
        h->window[i].len = 0;
    }
}

static void smmu_ext_host_map_changed(MemoryListener *listener)
{
    smmu_ext_host_close_windows(container_of(listener, SmmuExtHost,
                                             listener));
}

void smmu_ext_host_listen(SmmuExtHost *h)
{
    h->listener = (MemoryListener) {
        .commit = smmu_ext_host_map_changed,
        .name = "smmu-ext-ram-window",
    };
    smmu_ext_host_close_windows(h);
    memory_listener_register(&h->listener, h->as);
    h->listening = true;
}

/* The window of @h holding @pa, or NULL. */
static inline const SmmuExtRamWindow *
smmu_ext_host_window_of(const SmmuExtHost *h, hwaddr pa)
{
    unsigned i;

    for (i = 0; i < SMMU_EXT_RAM_WINDOWS; i++) {
        if (pa - h->window[i].start < h->window[i].len) {
            return &h->window[i];
        }
    }
    return NULL;
}

/*
 * The section of @h's memory map holding @pa, from @pa to its end,
 * becomes a window in place of the one opened longest ago; NULL when
 * nothing is at @pa.  (From @pa: QEMU finds the part of the map a range
 * covers, and a range from @pa to the top of the address space covers
 * the rest of @pa's section; when @pa is in a hole, what it finds starts
 * above @pa, and is no window for it.)
 */
static const SmmuExtRamWindow *smmu_ext_host_open_window(SmmuExtHost *h,
                                                         hwaddr pa)
{
    SmmuExtRamWindow *w = &h->window[h->window_next];
    MemoryRegionSection sec = memory_region_find(h->as->root, pa,
                                                 UINT64_MAX - pa);

    if (!sec.mr) {
        return NULL;
    }
    if (sec.offset_within_address_space != pa) {
        memory_region_unref(sec.mr);
        return NULL;
    }
    h->window_next = (h->window_next + 1) % SMMU_EXT_RAM_WINDOWS;
    w->start = sec.offset_within_address_space;
    w->len = int128_get64(sec.size);
    w->host = NULL;
    if (memory_region_is_ram(sec.mr) && !memory_region_is_ram_device(sec.mr)) {
        w->host = (uint8_t *)memory_region_get_ram_ptr(sec.mr) +
                  sec.offset_within_region;
    }
    memory_region_unref(sec.mr);
    return w;
}

static SmBusResult smmu_ext_host_read(void *opaque, uint64_t pa, void *buf,
                                      size_t len, SmAttrs attrs)
{
    SmmuExtHost *h = opaque;
    const SmmuExtRamWindow *w = NULL;
    MemTxResult r;

    if (h->listening) {
        w = smmu_ext_host_window_of(h, pa);
        if (!w) {
            w = smmu_ext_host_open_window(h, pa);
        }
    }
    if (w && w->host && len <= w->len - (pa - w->start)) {
        /* A descriptor: a constant-size copy, which the compiler inlines */
        if (len == 8) {
            memcpy(buf, w->host + (pa - w->start), 8);
        } else {
            memcpy(buf, w->host + (pa - w->start), len);
        }
        return SM_BUS_OK;
    }
    r = address_space_read(h->as, pa, smmu_ext_txattrs(attrs), buf, len);
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
