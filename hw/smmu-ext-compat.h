/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU APIs our devices use that changed after 7.2, in one place.
 * Built and tested: 7.2 (Debian 12) and 10.0 (Debian 13's source); the
 * branches between follow QEMU's public history as far as we know it.
 *
 *   8.0  struct PCIDevice in hw/pci/pci_device.h
 *   8.2  pci_setup_iommu() takes a PCIIOMMUOps; PCIBus.iommu_fn became
 *        PCIBus.iommu_ops
 *   9.0  the iothread lock renamed the BQL (bql_lock())
 *   9.1  DeviceClass.reset set through device_class_set_legacy_reset()
 *   10.0 sysemu/ headers moved to system/ (sysemu.h: system.h); property
 *        arrays without DEFINE_PROP_END_OF_LIST
 *   10.1 class_init takes const void *data
 */
#ifndef HW_SMMU_EXT_COMPAT_H
#define HW_SMMU_EXT_COMPAT_H

#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "qemu/main-loop.h"

/*
 * 10.0 moved include/sysemu/ to include/system/ and sysemu.h to
 * system.h: whichever the tree has.  Every file that needs one of these
 * includes this header instead.
 */
#if __has_include("system/system.h")
#include "system/system.h"
#include "system/reset.h"
#include "system/dma.h"
#include "system/device_tree.h"
#else
#include "sysemu/sysemu.h"
#include "sysemu/reset.h"
#include "sysemu/dma.h"
#include "sysemu/device_tree.h"
#endif

#define SMMU_EXT_QEMU_AT_LEAST(maj, min) \
    (QEMU_VERSION_MAJOR > (maj) || \
     (QEMU_VERSION_MAJOR == (maj) && QEMU_VERSION_MINOR >= (min)))

/* 8.0 moved struct PCIDevice to its own header */
#if __has_include("hw/pci/pci_device.h")
#include "hw/pci/pci_device.h"
#endif

/*
 * 10.0 dropped the properties' terminator: device_class_set_props()
 * counts the array, which must then be const (its check runs at compile
 * time).  Declare property arrays "static SMMU_EXT_PROPS_CONST Property"
 * and end them with SMMU_EXT_PROP_END.
 */
#ifdef DEFINE_PROP_END_OF_LIST
#define SMMU_EXT_PROP_END DEFINE_PROP_END_OF_LIST(),
#define SMMU_EXT_PROPS_CONST
#else
#define SMMU_EXT_PROP_END
#define SMMU_EXT_PROPS_CONST const
#endif

/* 9.0 renamed the iothread lock the BQL: bql_locked(), bql_lock() */
static inline bool smmu_ext_bql_locked(void)
{
#if SMMU_EXT_QEMU_AT_LEAST(9, 0)
    return bql_locked();
#else
    return qemu_mutex_iothread_locked();
#endif
}

static inline void smmu_ext_bql_lock(void)
{
#if SMMU_EXT_QEMU_AT_LEAST(9, 0)
    bql_lock();
#else
    qemu_mutex_lock_iothread();
#endif
}

static inline void smmu_ext_bql_unlock(void)
{
#if SMMU_EXT_QEMU_AT_LEAST(9, 0)
    bql_unlock();
#else
    qemu_mutex_unlock_iothread();
#endif
}

/* 9.1 made DeviceClass.reset private: set it through a function */
static inline void smmu_ext_set_legacy_reset(DeviceClass *dc,
                                             DeviceReset fn)
{
#if SMMU_EXT_QEMU_AT_LEAST(9, 1)
    device_class_set_legacy_reset(dc, fn);
#else
    dc->reset = fn;
#endif
}

#if SMMU_EXT_QEMU_AT_LEAST(10, 1)
#define SMMU_EXT_CLASS_DATA const void *
#else
#define SMMU_EXT_CLASS_DATA void *
#endif

typedef AddressSpace *(*SmmuExtIommuFn)(PCIBus *bus, void *opaque,
                                        int devfn);

#if SMMU_EXT_QEMU_AT_LEAST(8, 2)
/* One ops table per function; our devices use a single function. */
static inline void smmu_ext_pci_setup_iommu(PCIBus *bus, SmmuExtIommuFn fn,
                                            void *opaque)
{
    static PCIIOMMUOps ops;

    ops.get_address_space = fn;
    pci_setup_iommu(bus, &ops, opaque);
}

static inline bool smmu_ext_pci_bus_has_iommu(PCIBus *bus)
{
    return bus->iommu_ops != NULL;
}
#else
static inline void smmu_ext_pci_setup_iommu(PCIBus *bus, SmmuExtIommuFn fn,
                                            void *opaque)
{
    pci_setup_iommu(bus, fn, opaque);
}

static inline bool smmu_ext_pci_bus_has_iommu(PCIBus *bus)
{
    return bus->iommu_fn != NULL;
}
#endif

#endif /* HW_SMMU_EXT_COMPAT_H */
