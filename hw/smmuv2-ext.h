/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv2-ext: the SMMUv2 / MMU-500 model of models/smmuv2 as a
 * user-creatable QEMU device for the virt board.
 */
#ifndef HW_SMMUV2_EXT_H
#define HW_SMMUV2_EXT_H

#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/qdev-core.h"
#include "qom/object.h"
#include "sm2.h"
#include "smmu-ext-host.h"
#include "smmu-ext-iommu.h"

#define TYPE_SMMUV2_EXT "arm-smmuv2-ext"
#define TYPE_SMMUV2_EXT_IOMMU_MR "arm-smmuv2-ext-iommu-memory-region"
OBJECT_DECLARE_SIMPLE_TYPE(SMMUv2ExtState, SMMUV2_EXT)

struct SMMUv2ExtState {
    DeviceState parent_obj;

    /* Properties */
    char *primary_bus_name;
    uint64_t addr;                  /* SMMU_EXT_AUTO_ADDR: first free */
    uint32_t spi;                   /* 0: first free SPIs */
    char *stage;                    /* "1", "2", "1+2" or "nested" */
    char *granules;                 /* "4k,16k,64k" */
    char *page_size;                /* register pages: "4k" or "64k" */
    uint16_t numsmrg, numcb, nums2cb;
    uint8_t numsidb, numpagendxb, ias, oas, ubs;
    bool exids, vmid16, atos;
    bool fast_path;                 /* the model's stream cache */
    uint32_t tlb_entries, tlb_ways;
    bool timing;                    /* time translations (sm-timing) */
    char *timing_params;            /* parameter file; NULL: MMU-500 set */
    SmTimingParams timing_set;      /* what the model was given */

    /* Runtime */
    PCIBus *primary_bus;
    Sm2 *model;
    SmmuExtHost host;
    qemu_irq *irqs;                 /* global, then one per context bank */
    MemoryRegion iomem;
    SmmuExtFuncs funcs;             /* upstream PCI functions */
    SmmuExtLock lock;
    uint64_t gen;                   /* bumped by register writes, DMA */
    uint32_t phandle;
    uint32_t sid_offset;            /* requester id - StreamID */
    char *id;
    uint64_t translations, faults;  /* for stats */
    uint32_t idr[3];                /* sIDR0..2: what migrates must match */
    uint32_t state_words;           /* migration buffer */
    uint32_t *state;
};

#endif /* HW_SMMUV2_EXT_H */
