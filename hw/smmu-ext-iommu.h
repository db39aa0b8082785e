/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every smmu-ext SMMU does the same way between QEMU's memory core
 * and its model: the lock around model calls, the StreamID of a PCI
 * function, failed accesses retried in pieces, and UNMAP notifications.
 * The per-access helpers are inline: they sit on the translation path.
 */
#ifndef HW_SMMU_EXT_IOMMU_H
#define HW_SMMU_EXT_IOMMU_H

#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "sm-host.h"
#include "smmu-ext-compat.h"

/*
 * The BQL is the model's lock.  Every way into a model has it already
 * (a vCPU's register access, timers, bottom halves, QMP, reset and
 * migration) except an upstream transaction from a device served by an
 * iothread, and that takes it here, in the lock order BQL first: the
 * model may reach device registers (an MSI to the ITS, a table in MMIO)
 * whose handlers need it.  No second lock: a translation must cost
 * nanoseconds, and even an uncontended spinlock was a tenth of a TLB
 * hit.  @depth counts the calls in progress, so that an access caused by
 * the model's own memory access is seen for the re-entry it is.
 */
typedef struct SmmuExtLock {
    unsigned depth;                 /* model calls in progress */
    bool took_bql;                  /* the outermost call took the BQL */
} SmmuExtLock;

static inline void smmu_ext_lock(SmmuExtLock *l)
{
    if (!smmu_ext_bql_locked()) {
        smmu_ext_bql_lock();
        l->took_bql = true;          /* only a depth-0 entry gets here */
    }
    l->depth++;
}

static inline void smmu_ext_unlock(SmmuExtLock *l)
{
    if (--l->depth == 0 && l->took_bql) {
        l->took_bql = false;
        smmu_ext_bql_unlock();
    }
}

/*
 * After smmu_ext_lock() for a register access: the model's own memory
 * accesses (table walks, queues, MSIs) can land on its registers when
 * the guest points a base register there; such a nested access would
 * re-enter the model in the middle of an operation, so it fails instead,
 * as a bus error does.  True (and a guest-error log) for such an access.
 */
static inline bool smmu_ext_nested_mmio(SmmuExtLock *l, const char *id,
                                        hwaddr offset)
{
    if (l->depth > 1) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: the SMMU accessed its own "
                      "register 0x%" HWADDR_PRIx " (a table or queue points "
                      "there): refused\n", id, offset);
        return true;
    }
    return false;
}

/*
 * Lock for an upstream transaction.  One that arrives while the model is
 * already at work was started by the model's own memory access (an event
 * queue aimed at a device's doorbell, say); serving it would re-enter the
 * model and could recurse without end, so it is refused (false).
 */
static inline bool smmu_ext_lock_upstream(SmmuExtLock *l, const char *id)
{
    smmu_ext_lock(l);
    if (l->depth > 1) {
        smmu_ext_unlock(l);
        qemu_log_mask(LOG_GUEST_ERROR, "%s: a transaction caused by the "
                      "SMMU's own memory access came back to it: refused\n",
                      id);
        return false;
    }
    return true;
}

/*
 * pci_bus_num() without its QOM class check: the number is read on every
 * translation (a bridge's secondary bus number may change at any time),
 * and with QOM cast debugging the checked cast costs more than a TLB hit.
 */
static inline int smmu_ext_bus_num(PCIBus *bus)
{
    PCIBusClass *pbc = (PCIBusClass *)object_get_class(OBJECT(bus));

    return pbc->bus_num(bus);
}

/*
 * When a translation fails, QEMU's memory core still walks the rest of the
 * access in pieces of at most 8 bytes, translating each.  A real SMMU sees
 * one transaction and records one fault, so a piece that directly follows
 * the previous failure of the same function, in the same page, with the
 * same access and nothing else in between (@gen unchanged), fails without
 * a new record.
 */
typedef struct SmmuExtLastFault {
    uint64_t gen;                   /* the device's generation at the fault */
    hwaddr addr;
    IOMMUAccessFlags flag;
} SmmuExtLastFault;

static inline bool smmu_ext_is_retried_piece(const SmmuExtLastFault *f,
                                             uint64_t gen, hwaddr addr,
                                             IOMMUAccessFlags flag)
{
    return f->gen == gen && flag == f->flag &&
           addr > f->addr && addr - f->addr <= 8 &&
           (addr & ~(hwaddr)0xfff) == (f->addr & ~(hwaddr)0xfff);
}

/*
 * One upstream PCI function of an SMMU: the IOMMU region QEMU's memory
 * core translates through and the address space the device was given.
 */
typedef struct SmmuExtFunc {
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    void *smmu;                     /* the SMMU device state */
    PCIBus *bus;
    uint8_t devfn;
    QLIST_ENTRY(SmmuExtFunc) next_notified;
    SmmuExtLastFault last_fault;    /* to recognise QEMU's retried pieces */
} SmmuExtFunc;

/* The functions one SMMU serves, and those with IOMMU notifiers. */
typedef struct SmmuExtFuncs {
    GHashTable *buses;              /* PCIBus * -> SmmuExtFunc *[256] */
    QLIST_HEAD(, SmmuExtFunc) notified;
} SmmuExtFuncs;

void smmu_ext_funcs_init(SmmuExtFuncs *f);

/*
 * The address space of function @devfn of @bus (pci_setup_iommu()'s
 * callback): created on first use, with an IOMMU region of QOM type
 * @mr_type owned by @owner; @smmu goes into SmmuExtFunc.smmu.  @id names
 * it.  *@created tells the caller to trace it.
 */
SmmuExtFunc *smmu_ext_funcs_get(SmmuExtFuncs *f, Object *owner, void *smmu,
                                const char *id, const char *mr_type,
                                PCIBus *bus, int devfn, bool *created);

/*
 * IOMMUMemoryRegionClass.notify_flag_changed for @fn: UNMAP notifiers
 * only (vhost); MAP ones (VFIO) are refused with a message naming @id.
 * Keeps @f->notified, under @l.
 */
int smmu_ext_funcs_notify_flags(SmmuExtFuncs *f, SmmuExtLock *l,
                                const char *id, SmmuExtFunc *fn,
                                IOMMUNotifierFlag old_flags,
                                IOMMUNotifierFlag new_flags, Error **errp);

/*
 * Tell @n that [lo, hi] (inclusive) of the function with StreamID @sid is
 * unmapped, in the naturally aligned power-of-two blocks notifiers take.
 */
void smmu_ext_notify_unmap_range(const char *id, uint32_t sid,
                                 IOMMUNotifier *n, hwaddr lo, hwaddr hi);

/*
 * The IOVAs [*lo, *hi] that model invalidation @inval may have changed:
 * its range for stage-1 addresses, all of them otherwise.
 */
void smmu_ext_inval_iova_range(const SmInval *inval, hwaddr *lo, hwaddr *hi);

/*
 * The granules= property both SMMUs take: a comma-separated subset of
 * 4k, 16k and 64k, at least one.
 */
bool smmu_ext_parse_granules(const char *value, bool *k4, bool *k16,
                             bool *k64, Error **errp);

#endif /* HW_SMMU_EXT_IOMMU_H */
