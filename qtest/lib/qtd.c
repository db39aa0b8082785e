/* SPDX-License-Identifier: GPL-2.0-or-later */
/* smmu-testdev helpers: see qtd.h. */
#include <glib.h>

#include "qtd.h"

#define QTD_PCI_COMMAND       0x04
#define QTD_PCI_CMD_MEM       0x2
#define QTD_PCI_CMD_MASTER    0x4
#define QTD_PCI_BAR0          0x10
#define QTD_GPEX_VENDOR       0x1b36      /* the virt host bridge */
#define QTD_POLL_MAX          2000

static uint64_t qpci_cfg_addr(uint64_t ecam, unsigned busnr, unsigned devfn,
                              unsigned off)
{
    return ecam + ((uint64_t)busnr << 20) + ((uint64_t)devfn << 12) + off;
}

uint32_t qpci_cfg_readl(const QBus *bus, uint64_t ecam, unsigned busnr,
                        unsigned devfn, unsigned off)
{
    return qbus_readl(bus, qpci_cfg_addr(ecam, busnr, devfn, off));
}

void qpci_cfg_writel(const QBus *bus, uint64_t ecam, unsigned busnr,
                     unsigned devfn, unsigned off, uint32_t val)
{
    qbus_writel(bus, qpci_cfg_addr(ecam, busnr, devfn, off), val);
}

uint64_t qpci_ecam_base(const QBus *bus)
{
    if ((qbus_readl(bus, QTD_VIRT_HIGH_ECAM) & 0xffff) == QTD_GPEX_VENDOR) {
        return QTD_VIRT_HIGH_ECAM;
    }
    g_assert_cmphex(qbus_readl(bus, QTD_VIRT_LOW_ECAM) & 0xffff, ==,
                    QTD_GPEX_VENDOR);
    return QTD_VIRT_LOW_ECAM;
}

void qtd_init(QTestDev *d, const QBus *bus, uint64_t ecam, unsigned busnr,
              unsigned devfn, uint64_t bar)
{
    uint32_t id;

    d->bus = bus;
    d->cfg = qpci_cfg_addr(ecam, busnr, devfn, 0);
    d->bar = bar;
    d->sid = (busnr << 8) | devfn;
    id = qbus_readl(bus, d->cfg);
    g_assert_cmphex(id, ==, (SMMU_TESTDEV_DEVICE << 16) |
                    SMMU_TESTDEV_VENDOR);
    qbus_writel(bus, d->cfg + QTD_PCI_BAR0, (uint32_t)bar);
    qbus_writel(bus, d->cfg + QTD_PCI_COMMAND,
                QTD_PCI_CMD_MEM | QTD_PCI_CMD_MASTER);
    g_assert_cmphex(qtd_readl(d, SMMU_TESTDEV_ID), ==,
                    SMMU_TESTDEV_ID_VALUE);
}

uint32_t qtd_readl(QTestDev *d, unsigned off)
{
    return qbus_readl(d->bus, d->bar + off);
}

uint64_t qtd_readq(QTestDev *d, unsigned off)
{
    return qbus_readq(d->bus, d->bar + off);
}

void qtd_writel(QTestDev *d, unsigned off, uint32_t val)
{
    qbus_writel(d->bus, d->bar + off, val);
}

void qtd_writeq(QTestDev *d, unsigned off, uint64_t val)
{
    qbus_writeq(d->bus, d->bar + off, val);
}

uint32_t qtd_wait(QTestDev *d)
{
    uint32_t st = 0;
    unsigned i;

    for (i = 0; i < QTD_POLL_MAX; i++) {
        st = qtd_readl(d, SMMU_TESTDEV_STATUS);
        if (!(st & SMMU_TESTDEV_STATUS_BUSY) ||
            (st & SMMU_TESTDEV_STATUS_PRI_WAIT)) {
            break;
        }
    }
    return st;
}

uint32_t qtd_wait_idle(QTestDev *d)
{
    uint32_t st = 0;
    unsigned i;

    for (i = 0; i < QTD_POLL_MAX; i++) {
        st = qtd_readl(d, SMMU_TESTDEV_STATUS);
        if (!(st & SMMU_TESTDEV_STATUS_BUSY)) {
            break;
        }
    }
    return st;
}

uint32_t qtd_run(QTestDev *d, uint32_t op, uint64_t src, uint64_t dst,
                 uint32_t len, uint32_t count, uint64_t stride,
                 uint32_t pattern)
{
    qtd_writeq(d, SMMU_TESTDEV_SRC, src);
    qtd_writeq(d, SMMU_TESTDEV_DST, dst);
    qtd_writel(d, SMMU_TESTDEV_LEN, len);
    qtd_writel(d, SMMU_TESTDEV_COUNT, count ? count : 1);
    qtd_writeq(d, SMMU_TESTDEV_STRIDE, stride);
    qtd_writeq(d, SMMU_TESTDEV_WSET, 0);
    qtd_writel(d, SMMU_TESTDEV_PATTERN, pattern);
    qtd_writel(d, SMMU_TESTDEV_OP, op);
    qtd_writel(d, SMMU_TESTDEV_DOORBELL, SMMU_TESTDEV_DOORBELL_START);
    return qtd_wait(d);
}

bool qtd_write(QTestDev *d, uint64_t iova, uint32_t len, uint32_t pattern)
{
    uint32_t op = SMMU_TESTDEV_OP_WRITE |
                  sm_prep_td(SMMU_TESTDEV_OP_PAT, SMMU_TESTDEV_PAT_CONST);

    return qtd_run(d, op, 0, iova, len, 1, 0, pattern) &
           SMMU_TESTDEV_STATUS_DONE;
}

bool qtd_write_pasid(QTestDev *d, uint64_t iova, uint32_t len,
                     uint32_t pattern, uint32_t pasid)
{
    uint32_t op = SMMU_TESTDEV_OP_WRITE | SMMU_TESTDEV_OP_PASID |
                  sm_prep_td(SMMU_TESTDEV_OP_PAT, SMMU_TESTDEV_PAT_CONST);

    qtd_writel(d, SMMU_TESTDEV_PASID, pasid);
    return qtd_run(d, op, 0, iova, len, 1, 0, pattern) &
           SMMU_TESTDEV_STATUS_DONE;
}

bool qtd_read(QTestDev *d, uint64_t iova, uint32_t len)
{
    return qtd_run(d, SMMU_TESTDEV_OP_READ, iova, 0, len, 1, 0, 0) &
           SMMU_TESTDEV_STATUS_DONE;
}

unsigned qtd_error(QTestDev *d)
{
    return qtd_readl(d, SMMU_TESTDEV_ERROR) & SMMU_TESTDEV_ERROR_CODE;
}

unsigned qtd_find_ext_cap(QTestDev *d, unsigned id)
{
    unsigned off = 0x100, n;

    for (n = 0; n < 64 && off; n++) {
        uint32_t h = qbus_readl(d->bus, d->cfg + off);

        if (!h || h == UINT32_MAX) {
            return 0;
        }
        if ((h & 0xffff) == id) {
            return off;
        }
        off = (h >> 20) & 0xffc;
    }
    return 0;
}

static void qtd_cap_set(QTestDev *d, unsigned id, unsigned dw_off,
                        uint32_t bits)
{
    unsigned cap = qtd_find_ext_cap(d, id);
    uint32_t v;

    g_assert(cap);
    v = qbus_readl(d->bus, d->cfg + cap + dw_off);
    qbus_writel(d->bus, d->cfg + cap + dw_off, v | bits);
}

void qtd_enable_ats(QTestDev *d)
{
    /* ATS Control is the upper half of the dword at +4: Enable [15]. */
    qtd_cap_set(d, QTD_EXT_CAP_ATS, 4, UINT32_C(0x8000) << 16);
}

void qtd_enable_pasid(QTestDev *d)
{
    /* PASID Control is the upper half of the dword at +4: Enable [0]. */
    qtd_cap_set(d, QTD_EXT_CAP_PASID, 4, UINT32_C(1) << 16);
}

void qtd_enable_pri(QTestDev *d, uint32_t credits)
{
    unsigned cap = qtd_find_ext_cap(d, QTD_EXT_CAP_PRI);

    g_assert(cap);
    qbus_writel(d->bus, d->cfg + cap + 0xc, credits);   /* Alloc. */
    qbus_writel(d->bus, d->cfg + cap + 4, 1);           /* Enable */
}
