/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOMMU notifications shared by the smmu-ext SMMUs (see smmu-ext-iommu.h).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/host-utils.h"
#include "exec/address-spaces.h"
#include "smmu-ext-iommu.h"
#include "trace-hw_smmu_ext.h"

/*
 * Notifier events must be naturally aligned power-of-two blocks inside
 * the notifier's range, so the range is clipped and cut into the fewest
 * such blocks (at most two per address bit).
 */
void smmu_ext_notify_unmap_range(const char *id, uint32_t sid,
                                 IOMMUNotifier *n, hwaddr lo, hwaddr hi)
{
    IOMMUTLBEvent event = { .type = IOMMU_NOTIFIER_UNMAP };
    unsigned i;

    lo = MAX(lo, n->start);
    hi = MIN(hi, n->end);
    for (i = 0; i < 130 && lo <= hi; i++) {
        unsigned align = lo ? ctz64(lo) : 64;
        uint64_t span = hi - lo;
        unsigned fit = span == UINT64_MAX ? 64 : 63 - clz64(span + 1);
        unsigned k = MIN(align, fit);
        uint64_t mask = k >= 64 ? UINT64_MAX : (1ULL << k) - 1;

        event.entry = (IOMMUTLBEntry) {
            .target_as = &address_space_memory,
            .iova = lo,
            .translated_addr = 0,
            .addr_mask = mask,
            .perm = IOMMU_NONE,
        };
        trace_smmu_ext_notify_unmap(id, sid, lo, mask);
        memory_region_notify_iommu_one(n, &event);
        if (mask == UINT64_MAX || lo + mask >= hi) {
            break;
        }
        lo += mask + 1;
    }
}

bool smmu_ext_parse_granules(const char *value, bool *k4, bool *k16,
                             bool *k64, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(value ? value : "", ",", 0);
    unsigned i;

    *k4 = *k16 = *k64 = false;
    for (i = 0; items[i]; i++) {
        if (!g_ascii_strcasecmp(items[i], "4k")) {
            *k4 = true;
        } else if (!g_ascii_strcasecmp(items[i], "16k")) {
            *k16 = true;
        } else if (!g_ascii_strcasecmp(items[i], "64k")) {
            *k64 = true;
        } else {
            error_setg(errp, "granules=%s: '%s' is not 4k, 16k or 64k",
                       value, items[i]);
            return false;
        }
    }
    if (!*k4 && !*k16 && !*k64) {
        error_setg(errp, "granules: at least one of 4k, 16k, 64k is needed");
        return false;
    }
    return true;
}

void smmu_ext_inval_iova_range(const SmInval *inval, hwaddr *lo, hwaddr *hi)
{
    *lo = 0;
    *hi = UINT64_MAX;
    /*
     * ASID and VMID scopes cannot be matched to devices without the
     * configuration, and IPA ranges not to IOVAs under nesting: those
     * unmap everything of every notified device, which is always safe.
     */
    if (inval->scope == SM_INVAL_RANGE && !inval->stage2 && inval->size) {
        *lo = inval->addr;
        *hi = inval->addr + inval->size - 1;
        if (*hi < *lo) {
            *hi = UINT64_MAX;
        }
    }
}

void smmu_ext_funcs_init(SmmuExtFuncs *f)
{
    f->buses = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    QLIST_INIT(&f->notified);
}

SmmuExtFunc *smmu_ext_funcs_get(SmmuExtFuncs *f, Object *owner, void *smmu,
                                const char *id, const char *mr_type,
                                PCIBus *bus, int devfn, bool *created)
{
    SmmuExtFunc **funcs = g_hash_table_lookup(f->buses, bus);
    SmmuExtFunc *fn;

    *created = false;
    if (!funcs) {
        funcs = g_new0(SmmuExtFunc *, PCI_DEVFN_MAX);
        g_hash_table_insert(f->buses, bus, funcs);
    }
    fn = funcs[devfn];
    if (!fn) {
        g_autofree char *name = g_strdup_printf("%s-bus%p-devfn%d", id,
                                                (void *)bus, devfn);

        fn = funcs[devfn] = g_new0(SmmuExtFunc, 1);
        fn->smmu = smmu;
        fn->bus = bus;
        fn->devfn = devfn;
        memory_region_init_iommu(&fn->iommu, sizeof(fn->iommu), mr_type,
                                 owner, name, UINT64_MAX);
        address_space_init(&fn->as, MEMORY_REGION(&fn->iommu), name);
        *created = true;
    }
    return fn;
}

int smmu_ext_funcs_notify_flags(SmmuExtFuncs *f, SmmuExtLock *l,
                                const char *id, SmmuExtFunc *fn,
                                IOMMUNotifierFlag old_flags,
                                IOMMUNotifierFlag new_flags, Error **errp)
{
    if (new_flags & IOMMU_NOTIFIER_MAP) {
        error_setg(errp, "%s: MAP notifications are not supported "
                   "(devices that need them, like VFIO, cannot be used "
                   "behind this SMMU)", id);
        return -EINVAL;
    }
    smmu_ext_lock(l);
    if (old_flags == IOMMU_NOTIFIER_NONE && new_flags != IOMMU_NOTIFIER_NONE) {
        QLIST_INSERT_HEAD(&f->notified, fn, next_notified);
    } else if (old_flags != IOMMU_NOTIFIER_NONE &&
               new_flags == IOMMU_NOTIFIER_NONE) {
        QLIST_REMOVE(fn, next_notified);
    }
    smmu_ext_unlock(l);
    return 0;
}
