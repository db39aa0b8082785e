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

/*
 * A section of the memory map the model read from: for RAM (its tables
 * and queues are in guest RAM), a host pointer, so that later reads in it
 * are a copy without QEMU's memory dispatch (about 300 instructions a
 * read, most of a TLB-missing translation's host cost after the walk
 * itself); for anything else, a note that reads there are dispatched.
 * Valid until the memory map next changes (smmu_ext_host_listen()).
 */
typedef struct SmmuExtRamWindow {
    hwaddr start;
    uint64_t len;                   /* 0: no window */
    uint8_t *host;                  /* NULL: not RAM, dispatch */
} SmmuExtRamWindow;

/* Queues and tables can be in two RAM sections (boot RAM, a DIMM) */
#define SMMU_EXT_RAM_WINDOWS 2

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
    /* Reads through a RAM window once smmu_ext_host_listen() is called */
    MemoryListener listener;
    bool listening;
    SmmuExtRamWindow window[SMMU_EXT_RAM_WINDOWS];
    unsigned window_next;           /* the one the next section replaces */
} SmmuExtHost;

/* Fill @hooks so that every hook reaches @ctx (which must outlive it). */
void smmu_ext_host_init(SmHost *hooks, SmmuExtHost *ctx);
/*
 * From now on reads of guest RAM go through @ctx's RAM window, which a
 * listener on @ctx->as drops at every change of its memory map.  Call it
 * last in realize: the listener stays registered as long as the device
 * (ours have no unrealize).
 */
void smmu_ext_host_listen(SmmuExtHost *ctx);

#endif /* HW_SMMU_EXT_HOST_H */
