/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm-smmuv3-ext: the SMMUv3 model of models/smmuv3 as a user-creatable
 * QEMU device for the virt board.
 */
#ifndef HW_SMMUV3_EXT_H
#define HW_SMMUV3_EXT_H

#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/qdev-core.h"
#include "qemu/thread.h"
#include "qemu/notify.h"
#include "qom/object.h"
#include "qapi/qapi-types-common.h"
#include "sm3.h"
#include "smmu-ext-host.h"
#include "smmu-ext-iommu.h"

#define TYPE_SMMUV3_EXT "arm-smmuv3-ext"
#define TYPE_SMMUV3_EXT_IOMMU_MR "arm-smmuv3-ext-iommu-memory-region"
OBJECT_DECLARE_SIMPLE_TYPE(SMMUv3ExtState, SMMUV3_EXT)

/* An endpoint that registered for ATC invalidations and PRI responses. */
typedef struct SMMUv3ExtEndpoint {
    PCIDevice *dev;
    const struct SmmuExtAtsEndpointOps *ops;
    void *opaque;
} SMMUv3ExtEndpoint;

struct SMMUv3ExtState {
    DeviceState parent_obj;

    /* Properties */
    char *primary_bus_name;
    uint64_t addr;                  /* UINT64_MAX: first free slot */
    uint32_t spi;                   /* 0: first free SPIs */
    char *stage;                    /* "1", "2" or "nested" */
    char *granules;                 /* "4k,16k,64k" */
    char *httu;                     /* "off", "af" or "af+dirty" */
    uint8_t oas, sidsize, ssidsize, cmdqs, eventqs, priqs;
    OnOffAuto msi;                  /* auto: on when the board has an ITS */
    OnOffAuto hyp;                  /* auto: on with both stages */
    OnOffAuto pri;                  /* auto: on with ATS */
    OnOffAuto iort;                 /* auto: in the ACPI IORT if it can be */
    bool ats, stall, ril, two_level_st, two_level_cd;
    bool asid16, vmid16;
    bool timing;                    /* time translations and commands */
    bool cmdq_timing;               /* commands take their modelled time */
    bool fast_path;                 /* the model's fast path (sm3-fast.c) */
    char *timing_params;            /* parameter file; NULL: MMU-600 set */
    char *timing_log;               /* timing-log file name, or NULL */
    FILE *timing_log_file;
    GString *timing_log_line;       /* reused for each line */
    GHashTable *timed_streams;      /* sid -> SMMUv3ExtTimedStream, or NULL */
    Notifier timing_log_exit;       /* flushes the file at exit */
    SmTimingParams timing_set;      /* what the model was given */
    uint32_t msi_devid;
    uint32_t tlb_entries, tlb_ways, cfg_entries, cfg_ways;
    uint32_t walkc_entries[SM3_WALKC_STAGES][SM3_WALKC_LEVELS];
    uint32_t walkc_ways[SM3_WALKC_STAGES][SM3_WALKC_LEVELS];
    uint32_t cmdq_batch;

    /* Runtime */
    PCIBus *primary_bus;
    Sm3 *model;
    SmmuExtHost host;
    qemu_irq irqs[4];               /* eventq, priq, cmdq-sync, gerror */
    Sm3State arch;                  /* migration buffer */
    MemoryRegion iomem;
    QEMUBH *cmdq_bh;
    QEMUTimer *cmdq_timer;          /* cmdq-timing: the next command due */
    SmmuExtFuncs funcs;             /* upstream PCI functions */
    SmmuExtLock lock;               /* model calls in progress */
    uint64_t gen;                   /* bumped by register writes, DMA */
    uint32_t phandle;
    char *id;
    GHashTable *endpoints;          /* PCIDevice * -> SMMUv3ExtEndpoint * */
    bool atc_inv_ok;                /* result of the last ATC invalidation */
};

#endif /* HW_SMMUV3_EXT_H */
