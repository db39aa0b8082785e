/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtd: helpers that drive smmu-testdev (hw/smmu-testdev.h) from a QTest
 * suite: PCI configuration through the virt board's ECAM window, BAR0
 * assignment, DMA jobs and their results, PCIe ATS/PASID/PRI enables.
 */
#ifndef QTD_H
#define QTD_H

#include <stdbool.h>
#include <stdint.h>

#include "qbus.h"
#include "smmu-testdev.h"

/* virt: ECAM above 4GiB with highmem (the default for -cpu max)... */
#define QTD_VIRT_HIGH_ECAM    UINT64_C(0x4010000000)
/* ...and the low one otherwise. */
#define QTD_VIRT_LOW_ECAM     UINT64_C(0x3f000000)
/* virt's 32-bit PCIe MMIO window: BARs are placed from here. */
#define QTD_VIRT_PCIE_MMIO    UINT64_C(0x10000000)

/* PCI Express extended capability IDs used here. */
#define QTD_EXT_CAP_ATS       0x0f
#define QTD_EXT_CAP_PRI       0x13
#define QTD_EXT_CAP_PASID     0x1b

/* @val placed in the field selected by @mask (testdev masks are 64-bit). */
static inline uint32_t sm_prep_td(uint64_t mask, uint32_t val)
{
    return (uint32_t)(((uint64_t)val << __builtin_ctzll(mask)) & mask);
}

typedef struct QTestDev {
    const QBus *bus;
    uint64_t cfg;            /* ECAM address of its configuration space */
    uint64_t bar;            /* BAR0 */
    uint32_t sid;            /* requester ID = StreamID behind the SMMU */
} QTestDev;

/* The ECAM window of the board behind @bus (probes the host bridge). */
uint64_t qpci_ecam_base(const QBus *bus);
uint32_t qpci_cfg_readl(const QBus *bus, uint64_t ecam, unsigned busnr,
                        unsigned devfn, unsigned off);
void qpci_cfg_writel(const QBus *bus, uint64_t ecam, unsigned busnr,
                     unsigned devfn, unsigned off, uint32_t val);

/*
 * Take the testdev at @busnr/@devfn: check its IDs, put BAR0 at @bar,
 * enable memory decoding and bus mastering.
 */
void qtd_init(QTestDev *d, const QBus *bus, uint64_t ecam, unsigned busnr,
              unsigned devfn, uint64_t bar);

uint32_t qtd_readl(QTestDev *d, unsigned off);
uint64_t qtd_readq(QTestDev *d, unsigned off);
void qtd_writel(QTestDev *d, unsigned off, uint32_t val);
void qtd_writeq(QTestDev *d, unsigned off, uint64_t val);

/*
 * Run one job and return STATUS.  @op is OP (code | flags); the other
 * registers are set from the arguments (COUNT 1, STRIDE 0 when 0).
 */
uint32_t qtd_run(QTestDev *d, uint32_t op, uint64_t src, uint64_t dst,
                 uint32_t len, uint32_t count, uint64_t stride,
                 uint32_t pattern);
/* WRITE of the CONST @pattern, @len bytes at @iova; true if DONE. */
bool qtd_write(QTestDev *d, uint64_t iova, uint32_t len, uint32_t pattern);
/* READ of @len bytes at @iova; true if DONE. */
bool qtd_read(QTestDev *d, uint64_t iova, uint32_t len);
/* Same with OP.PASID and @pasid. */
bool qtd_write_pasid(QTestDev *d, uint64_t iova, uint32_t len,
                     uint32_t pattern, uint32_t pasid);
/* ERROR.CODE of the last job. */
unsigned qtd_error(QTestDev *d);
/* Wait (bounded) while STATUS.BUSY and not PRI_WAIT; returns STATUS. */
uint32_t qtd_wait(QTestDev *d);

/* Wait (bounded) until not BUSY, also through PRI waits; STATUS. */
uint32_t qtd_wait_idle(QTestDev *d);

/* Offset of PCIe extended capability @id, 0 if absent. */
unsigned qtd_find_ext_cap(QTestDev *d, unsigned id);
/* Set the Enable bit of the ATS / PASID / PRI capability. */
void qtd_enable_ats(QTestDev *d);
void qtd_enable_pasid(QTestDev *d);
/* PRI: allocate @credits outstanding requests, then enable. */
void qtd_enable_pri(QTestDev *d, uint32_t credits);

#endif /* QTD_H */
