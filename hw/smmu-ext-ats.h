/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmu-ext-ats-if: the side channel between a PCIe endpoint model and the
 * SMMU that serves it.
 *
 * QEMU 7.2's MemTxAttrs carry neither a PASID nor the PCIe Address Type
 * (untranslated / translation request / translated), and QEMU has no
 * messages for PRI or ATS invalidation.  An SMMU device implementing this
 * QOM interface gives endpoints:
 *
 *   - dma():          DMA tagged with an optional PASID, untranslated or
 *                     ATS-translated (checked by the SMMU, e.g. STE.EATS);
 *   - translate():    an ATS Translation Request and its completion;
 *   - page_request(): a PRI Page Request;
 *   - register_endpoint(): the endpoint's handlers for what the SMMU sends
 *                     back, ATC invalidations and PRG responses.
 *
 * Plain DMA without a PASID keeps using pci_dma_read/write() (the IOMMU
 * memory region of the bus); this interface is only for what that path
 * cannot express.  Every method is called, and every endpoint handler
 * runs, with the BQL held.  The interface type and the smmu_ext_ats_*
 * helpers are in hw/smmu-ext-ats.c.
 */
#ifndef HW_SMMU_EXT_ATS_H
#define HW_SMMU_EXT_ATS_H

#include "qom/object.h"
#include "exec/memattrs.h"
#include "hw/pci/pci.h"

#define TYPE_SMMU_EXT_ATS_IF "smmu-ext-ats-if"

typedef struct SmmuExtAtsIfClass SmmuExtAtsIfClass;
DECLARE_CLASS_CHECKERS(SmmuExtAtsIfClass, SMMU_EXT_ATS_IF,
                       TYPE_SMMU_EXT_ATS_IF)

/* Why a DMA or translation was refused; SMMU_EXT_ATS_FAULT_NONE: it was not */
typedef enum SmmuExtAtsFaultKind {
    SMMU_EXT_ATS_FAULT_NONE = 0,
    SMMU_EXT_ATS_FAULT_TRANSLATION,  /* no valid mapping (PRI can help) */
    SMMU_EXT_ATS_FAULT_PERMISSION,   /* the mapping forbids the access */
    /*
     * Refused by configuration: SMMU or stream disabled or aborting, bad
     * STE/CD, PASID or translated traffic not allowed for this stream.
     */
    SMMU_EXT_ATS_FAULT_ABORT,
    SMMU_EXT_ATS_FAULT_BUS,          /* translated, then memory failed */
} SmmuExtAtsFaultKind;

typedef struct SmmuExtAtsFault {
    SmmuExtAtsFaultKind kind;
    /* The SMMU's own code: SMMUv3 event number, SMMUv2 FSR bits; 0: none */
    uint32_t code;
    uint64_t addr;           /* input address that failed */
    bool recorded;           /* reported to software (event queue, FSR) */
} SmmuExtAtsFault;

/* Permissions of an ATS completion (PCIe Translation Completion fields) */
#define SMMU_EXT_ATS_PERM_R       (1u << 0)
#define SMMU_EXT_ATS_PERM_W       (1u << 1)
#define SMMU_EXT_ATS_PERM_X       (1u << 2)    /* Exe */
#define SMMU_EXT_ATS_PERM_PRIV    (1u << 3)    /* Priv */
#define SMMU_EXT_ATS_PERM_GLOBAL  (1u << 4)    /* Global */

typedef enum SmmuExtAtsStatus {
    /* Completion with data; perm may be 0 (R = W = 0: page absent) */
    SMMU_EXT_ATS_XLATE_SUCCESS = 0,
    SMMU_EXT_ATS_XLATE_UR = 1,       /* Unsupported Request: ATS off, ...*/
    SMMU_EXT_ATS_XLATE_CA = 2,       /* Completer Abort: config error */
} SmmuExtAtsStatus;

typedef struct SmmuExtAtsXlate {
    SmmuExtAtsStatus status;
    /*
     * SUCCESS: the untranslated range is [iova & ~(size - 1), + size) and
     * maps to [translated_addr, + size).  size is a power of two, at least
     * 4 KiB; translated_addr is size-aligned.
     */
    uint64_t translated_addr;
    uint64_t size;
    uint8_t perm;            /* SMMU_EXT_ATS_PERM_*; 0: translation fault */
    SmmuExtAtsFault fault;   /* why perm lacks R/W, or why UR/CA */
} SmmuExtAtsXlate;

/*
 * PRG Response Message Response Codes (PCIe).  SMMUv3 CMD_PRI_RESP.Resp
 * maps as Deny (0) -> INVALID, Fail (1) -> FAILURE, Success (2) -> SUCCESS.
 */
#define SMMU_EXT_ATS_PRI_SUCCESS  0x0
#define SMMU_EXT_ATS_PRI_INVALID  0x1    /* Invalid Request */
#define SMMU_EXT_ATS_PRI_FAILURE  0xf    /* Response Failure */

/* What the SMMU calls on a registered endpoint; @opaque as registered. */
typedef struct SmmuExtAtsEndpointOps {
    /*
     * ATS Invalidate Request: drop ATC entries overlapping
     * [@addr, @addr + @size) (@size 0: everything) for @pasid, or, when
     * !@pasid_valid, for every PASID and for none.  Returns true once the
     * invalidation is complete; false models a timeout or an error (an
     * SMMUv3 then fails the CMD_SYNC with CERROR_ATC_INV_SYNC).
     */
    bool (*atc_invalidate)(void *opaque, uint32_t pasid, bool pasid_valid,
                           uint64_t addr, uint64_t size);
    /* PRG Response for page request group @prgi, @code SMMU_EXT_ATS_PRI_* */
    void (*pri_response)(void *opaque, uint32_t pasid, bool pasid_valid,
                         uint16_t prgi, unsigned code);
} SmmuExtAtsEndpointOps;

struct SmmuExtAtsIfClass {
    InterfaceClass parent_class;

    /* Whether this SMMU translates DMA from the PCI root bus @root. */
    bool (*serves_bus)(Object *smmu, PCIBus *root);

    /*
     * DMA of @len bytes at @addr (an IOVA; a physical address when
     * @translated, i.e. PCIe AT = Translated) for @dev with an optional
     * PASID.  MEMTX_OK, or a failure with @fault filled in (a transaction
     * the SMMU terminated: MEMTX_DECODE_ERROR is suggested, as QEMU's
     * IOMMU path returns).  A failed DMA may have moved part of the data.
     * NULL: only pci_dma_read/write() reach this SMMU.
     */
    MemTxResult (*dma)(Object *smmu, PCIDevice *dev, uint32_t pasid,
                       bool pasid_valid, uint64_t addr, void *buf,
                       uint64_t len, bool write, bool translated,
                       SmmuExtAtsFault *fault);

    /* ATS Translation Request for the page of @iova (NW = !@write). */
    SmmuExtAtsXlate (*translate)(Object *smmu, PCIDevice *dev,
                                 uint32_t pasid, bool pasid_valid,
                                 uint64_t iova, bool write);

    /*
     * PRI Page Request for the 4 KiB page at @addr.  false: not accepted
     * (PRI not supported or disabled, queue overflow): no response will
     * come.  The SMMU may answer (pri_response) before returning true.
     */
    bool (*page_request)(Object *smmu, PCIDevice *dev, uint32_t pasid,
                         bool pasid_valid, uint64_t addr, bool read,
                         bool write, uint16_t prgi, bool last);

    /*
     * Install (or, with @ops NULL, remove) the handlers for @dev.  One
     * registration per device; a new one replaces the old.  Handlers run
     * from inside the SMMU's command processing: they must not call back
     * into the SMMU (defer with a bottom half).
     */
    void (*register_endpoint)(Object *smmu, PCIDevice *dev,
                              const SmmuExtAtsEndpointOps *ops,
                              void *opaque);

    /*
     * Modelled time, for an SMMU that times translations: @dev's
     * translations arrive at @arrival_ns on the virtual clock (not at the
     * time they are made) until the next call; @arrival_ns < 0 goes back
     * to the clock.  Each call restarts timing_done().  false (or NULL):
     * this SMMU does not time translations.
     */
    bool (*timing_arrival)(Object *smmu, PCIDevice *dev, int64_t arrival_ns);
    /*
     * The latest completion (virtual clock, ns) of @dev's translations
     * since timing_arrival(); -1 when there was none.
     */
    int64_t (*timing_done)(Object *smmu, PCIDevice *dev);
};

/*
 * The object implementing TYPE_SMMU_EXT_ATS_IF whose serves_bus() accepts
 * @dev's PCI root bus, or NULL.  Not cached: walks the QOM tree.
 */
Object *smmu_ext_ats_find(PCIDevice *dev);

/* Calls of the methods above; a missing method fails cleanly. */
MemTxResult smmu_ext_ats_dma(Object *smmu, PCIDevice *dev, uint32_t pasid,
                             bool pasid_valid, uint64_t addr, void *buf,
                             uint64_t len, bool write, bool translated,
                             SmmuExtAtsFault *fault);
SmmuExtAtsXlate smmu_ext_ats_translate(Object *smmu, PCIDevice *dev,
                                       uint32_t pasid, bool pasid_valid,
                                       uint64_t iova, bool write);
bool smmu_ext_ats_page_request(Object *smmu, PCIDevice *dev, uint32_t pasid,
                               bool pasid_valid, uint64_t addr, bool read,
                               bool write, uint16_t prgi, bool last);
/* false when @smmu cannot take registrations (no method) */
bool smmu_ext_ats_register(Object *smmu, PCIDevice *dev,
                           const SmmuExtAtsEndpointOps *ops, void *opaque);
/* false, and -1, when @smmu does not time translations (no method) */
bool smmu_ext_ats_timing_arrival(Object *smmu, PCIDevice *dev,
                                 int64_t arrival_ns);
int64_t smmu_ext_ats_timing_done(Object *smmu, PCIDevice *dev);

#endif /* HW_SMMU_EXT_ATS_H */
