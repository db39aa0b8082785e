/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU APIs our devices use that changed after 7.2, in one place.
 * Built and tested: 7.2 (Debian 12).  The newer branches follow QEMU's
 * public history as far as we know it and are not yet built by CI; a port
 * to a newer tree starts here.
 *
 *   8.2  pci_setup_iommu() takes a PCIIOMMUOps; PCIBus.iommu_fn became
 *        PCIBus.iommu_ops
 *   10.0 sysemu/ headers moved to system/
 *   10.1 class_init takes const void *data
 */
#ifndef HW_SMMU_EXT_COMPAT_H
#define HW_SMMU_EXT_COMPAT_H

#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"

#define SMMU_EXT_QEMU_AT_LEAST(maj, min) \
    (QEMU_VERSION_MAJOR > (maj) || \
     (QEMU_VERSION_MAJOR == (maj) && QEMU_VERSION_MINOR >= (min)))

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
