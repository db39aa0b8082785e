/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SmHost (models/common/sm-host.h) implemented over QEMU: guest memory
 * through an AddressSpace, wired interrupts as qemu_irqs, MSIs as 32-bit
 * writes, emulated time, and the model's log lines as qemu_log_mask().
 */
#ifndef HW_SMMU_EXT_HOST_H
#define HW_SMMU_EXT_HOST_H

#include "exec/memory.h"
#include "hw/irq.h"
#include "sm-host.h"

typedef struct SmmuExtHost {
    const char *id;                 /* device id for logs and traces */
    AddressSpace *as;               /* where tables, queues and MSIs go */
    qemu_irq *irqs;                 /* [nr_irqs], the model's lines */
    unsigned nr_irqs;
    uint32_t msi_devid;             /* requester id of the SMMU's MSIs */
    /* Device callbacks for what only the device can act on. */
    void *owner;
    void (*invalidated)(void *owner, const SmInval *inval);
    void (*atc_invalidate)(void *owner, uint32_t sid, uint32_t ssid,
                           bool ssv, uint64_t addr, uint64_t size);
    void (*pri_response)(void *owner, uint32_t sid, uint32_t ssid, bool ssv,
                         uint16_t grpid, unsigned resp);
} SmmuExtHost;

/* Fill @hooks so that every hook reaches @ctx (which must outlive it). */
void smmu_ext_host_init(SmHost *hooks, SmmuExtHost *ctx);

#endif /* HW_SMMU_EXT_HOST_H */
