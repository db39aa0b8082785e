/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SMMUv2 programming helpers for QTest suites: see qsm2.h. */
#include <glib.h>
#include <string.h>

#include "qsm2.h"

/* ---- the instance -------------------------------------------------------- */

void qsm2_attach(QSm2 *s, const QBus *bus, QGuestAlloc *alloc,
                 uint64_t base)
{
    unsigned i;

    memset(s, 0, sizeof(*s));
    s->bus = bus;
    s->alloc = alloc;
    s->base = base;
    for (i = 0; i < 3; i++) {
        s->idr[i] = qbus_readl(bus, base + QSM2_SIDR0 + 4 * i);
    }
    /* sIDR0.NUMSMRG [7:0]; sIDR1.PAGESIZE [31], NUMPAGENDXB [30:28],
     * NUMS2CB [23:16], NUMCB [7:0] */
    s->numsmrg = s->idr[0] & 0xff;
    s->pgshift = (s->idr[1] >> 31) ? 16 : 12;
    s->numpage = 1u << (((s->idr[1] >> 28) & 7) + 1);
    s->nums2cb = (s->idr[1] >> 16) & 0xff;
    s->numcb = s->idr[1] & 0xff;
}

void qsm2_enable(QSm2 *s, uint32_t scr0)
{
    qsm2_gr0_writel(s, QSM2_SCR0, scr0);
}

uint64_t qsm2_gr0(const QSm2 *s)
{
    return s->base;
}

uint64_t qsm2_gr1(const QSm2 *s)
{
    return s->base + (UINT64_C(1) << s->pgshift);
}

uint64_t qsm2_cb(const QSm2 *s, unsigned n)
{
    return s->base + ((uint64_t)(s->numpage + n) << s->pgshift);
}

uint32_t qsm2_gr0_readl(QSm2 *s, uint32_t off)
{
    return qbus_readl(s->bus, qsm2_gr0(s) + off);
}

void qsm2_gr0_writel(QSm2 *s, uint32_t off, uint32_t val)
{
    qbus_writel(s->bus, qsm2_gr0(s) + off, val);
}

uint64_t qsm2_gr0_readq(QSm2 *s, uint32_t off)
{
    return qbus_readq(s->bus, qsm2_gr0(s) + off);
}

void qsm2_gr0_writeq(QSm2 *s, uint32_t off, uint64_t val)
{
    qbus_writeq(s->bus, qsm2_gr0(s) + off, val);
}

uint32_t qsm2_gr1_readl(QSm2 *s, uint32_t off)
{
    return qbus_readl(s->bus, qsm2_gr1(s) + off);
}

void qsm2_gr1_writel(QSm2 *s, uint32_t off, uint32_t val)
{
    qbus_writel(s->bus, qsm2_gr1(s) + off, val);
}

uint32_t qsm2_cb_readl(QSm2 *s, unsigned n, uint32_t off)
{
    return qbus_readl(s->bus, qsm2_cb(s, n) + off);
}

void qsm2_cb_writel(QSm2 *s, unsigned n, uint32_t off, uint32_t val)
{
    qbus_writel(s->bus, qsm2_cb(s, n) + off, val);
}

uint64_t qsm2_cb_readq(QSm2 *s, unsigned n, uint32_t off)
{
    return qbus_readq(s->bus, qsm2_cb(s, n) + off);
}

void qsm2_cb_writeq(QSm2 *s, unsigned n, uint32_t off, uint64_t val)
{
    qbus_writeq(s->bus, qsm2_cb(s, n) + off, val);
}

/* ---- stream mapping ------------------------------------------------------ */

void qsm2_smr(QSm2 *s, unsigned n, uint32_t id, uint32_t mask)
{
    qsm2_gr0_writel(s, QSM2_SMR(n), QSM2_SMR_VALID | (mask & 0x7fff) << 16 |
                    (id & 0x7fff));
}

void qsm2_s2cr(QSm2 *s, unsigned n, uint32_t val)
{
    qsm2_gr0_writel(s, QSM2_S2CR(n), val);
}

void qsm2_stream(QSm2 *s, unsigned n, uint32_t sid, unsigned cb)
{
    /* S2CR first: the group must not match before it says where to go. */
    qsm2_s2cr(s, n, QSM2_S2CR_TYPE(QSM2_S2CR_TRANS) | QSM2_S2CR_CBNDX(cb));
    qsm2_smr(s, n, sid, 0);
}

/* ---- context banks ------------------------------------------------------- */

unsigned qsm2_tg0(unsigned gshift)
{
    return gshift == 12 ? 0 : gshift == 16 ? 1 : 2;
}

unsigned qsm2_tg1(unsigned gshift)
{
    return gshift == 12 ? 2 : gshift == 16 ? 3 : 1;
}

unsigned qsm2_sl0(unsigned gshift, unsigned start_level)
{
    /* 4K: SL0 0 starts at level 2; 16K and 64K: at level 3 */
    return (gshift == 12 ? 2 : 3) - start_level;
}

/* CBA2R and the VMID: CBA2R.VMID16 when sCR0.VMID16EN, else CBAR.VMID. */
static uint32_t qsm2_cb_ids(QSm2 *s, unsigned n, uint16_t vmid)
{
    bool vmid16 = qsm2_gr0_readl(s, QSM2_SCR0) & QSM2_SCR0_VMID16EN;

    qsm2_gr1_writel(s, QSM2_CBA2R(n), QSM2_CBA2R_VA64 |
                    (vmid16 ? QSM2_CBA2R_VMID16(vmid) : 0));
    return vmid16 ? 0 : QSM2_CBAR_VMID(vmid);
}

void qsm2_cb_s1(QSm2 *s, unsigned n, const QSm3Pt *pt, uint16_t asid,
                uint16_t vmid)
{
    uint32_t cbar_vmid = qsm2_cb_ids(s, n, vmid);

    qsm2_cb_writel(s, n, QSM2_CB_SCTLR, 0);
    qsm2_gr1_writel(s, QSM2_CBAR(n), cbar_vmid |
                    QSM2_CBAR_TYPE(QSM2_CBAR_S1_S2BYPASS));
    qsm2_cb_writel(s, n, QSM2_CB_TCR2, QSM2_TCR2_PASIZE(5) | QSM2_TCR2_AS |
                   QSM2_TCR2_SEP_UPSTREAM);
    qsm2_cb_writel(s, n, QSM2_CB_TCR, QSM2_TCR_T0SZ(64 - pt->ia_bits) |
                   QSM2_TCR_WALK0_WBWA | QSM2_TCR_TG0(qsm2_tg0(pt->gshift)) |
                   QSM2_TCR_EPD1);
    qsm2_cb_writeq(s, n, QSM2_CB_TTBR0, pt->root | QSM2_TTBR_ASID(asid));
    qsm2_cb_writeq(s, n, QSM2_CB_TTBR1, 0);
    qsm2_cb_writel(s, n, QSM2_CB_MAIR0, 0xff);     /* AttrIndx 0: WB */
    qsm2_cb_writel(s, n, QSM2_CB_MAIR1, 0);
    qsm2_cb_writel(s, n, QSM2_CB_SCTLR, QSM2_SCTLR_LINUX);
}

void qsm2_cb_s2(QSm2 *s, unsigned n, const QSm3Pt *pt, uint16_t vmid)
{
    uint32_t cbar_vmid = qsm2_cb_ids(s, n, vmid);

    qsm2_cb_writel(s, n, QSM2_CB_SCTLR, 0);
    qsm2_gr1_writel(s, QSM2_CBAR(n), cbar_vmid |
                    QSM2_CBAR_TYPE(QSM2_CBAR_S2));
    qsm2_cb_writel(s, n, QSM2_CB_TCR, QSM2_VTCR_RES1 | QSM2_VTCR_PS(5) |
                   QSM2_TCR_TG0(qsm2_tg0(pt->gshift)) | QSM2_TCR_WALK0_WBWA |
                   QSM2_VTCR_SL0(qsm2_sl0(pt->gshift, pt->start_level)) |
                   QSM2_TCR_T0SZ(64 - pt->ia_bits));
    qsm2_cb_writeq(s, n, QSM2_CB_TTBR0, pt->root);
    qsm2_cb_writel(s, n, QSM2_CB_SCTLR, QSM2_SCTLR_LINUX);
}

void qsm2_desc_update(QSm2 *s, uint64_t desc_addr, uint64_t clr,
                      uint64_t set)
{
    uint64_t d = qbus_ld64(s->bus, desc_addr);

    qbus_st64(s->bus, desc_addr, (d & ~clr) | set);
}

unsigned qsm2_ia_bits(unsigned gshift)
{
    /* Walks start at level 1 (4K, 16K) and 2 (64K), as qenv's do */
    return gshift == 12 ? 39 : gshift == 14 ? 47 : 42;
}

void qsm2_xlate_setup(QSm2 *s, QSm2Xlate *x, unsigned smrg, uint32_t sid,
                      unsigned cbndx, bool stage2, unsigned gshift,
                      uint16_t asid, uint16_t vmid)
{
    memset(x, 0, sizeof(*x));
    x->smrg = smrg;
    x->cbndx = cbndx;
    x->sid = sid;
    x->stage2 = stage2;
    x->asid = asid;
    x->vmid = vmid;
    qsm3_pt_init(&x->pt, s->bus, s->alloc, stage2, gshift,
                 qsm2_ia_bits(gshift));
    if (stage2) {
        qsm2_cb_s2(s, cbndx, &x->pt, vmid);
    } else {
        qsm2_cb_s1(s, cbndx, &x->pt, asid, vmid);
    }
    qsm2_stream(s, smrg, sid, cbndx);
}

uint64_t qsm2_map(QSm2Xlate *x, uint64_t iova, uint64_t pa, unsigned level,
                  unsigned attrs)
{
    return qsm3_pt_map(&x->pt, iova, pa, level, attrs);
}

/* ---- faults -------------------------------------------------------------- */

uint32_t qsm2_fsr(QSm2 *s, unsigned n)
{
    return qsm2_cb_readl(s, n, QSM2_CB_FSR);
}

void qsm2_fsr_clear(QSm2 *s, unsigned n)
{
    qsm2_cb_writel(s, n, QSM2_CB_FSR, qsm2_fsr(s, n));
}

uint32_t qsm2_gfsr(QSm2 *s)
{
    return qsm2_gr0_readl(s, QSM2_SGFSR);
}

void qsm2_gfsr_clear(QSm2 *s)
{
    qsm2_gr0_writel(s, QSM2_SGFSR, qsm2_gfsr(s));
}

void qsm2_resume(QSm2 *s, unsigned n, bool terminate)
{
    qsm2_cb_writel(s, n, QSM2_CB_RESUME, terminate ? QSM2_RESUME_TNR : 0);
}

/* ---- address translation operations -------------------------------------- */

uint64_t qsm2_ats1(QSm2 *s, unsigned n, uint32_t op, uint64_t va)
{
    qsm2_cb_writeq(s, n, op, va & ~UINT64_C(0xfff));
    return qsm2_cb_readq(s, n, QSM2_CB_PAR);
}

uint64_t qsm2_gats(QSm2 *s, uint32_t op, uint64_t addr, unsigned ndx)
{
    qsm2_gr0_writeq(s, op, (addr & ~UINT64_C(0xfff)) | QSM2_GATS_NDX(ndx));
    return qsm2_gr0_readq(s, QSM2_SGPAR);
}

/* ---- TLB maintenance ----------------------------------------------------- */

static bool qsm2_wait_zero(const QSm2 *s, uint64_t addr, uint32_t bit)
{
    unsigned i;

    for (i = 0; i < QSM2_POLL_MAX; i++) {
        if (!(qbus_readl(s->bus, addr) & bit)) {
            return true;
        }
    }
    return false;
}

bool qsm2_tlb_sync(QSm2 *s, unsigned n)
{
    qsm2_cb_writel(s, n, QSM2_CB_TLBSYNC, 0);
    /* TLBSTATUS.SACTIVE, bit 0 */
    return qsm2_wait_zero(s, qsm2_cb(s, n) + QSM2_CB_TLBSTATUS, 1);
}

bool qsm2_tlb_gsync(QSm2 *s)
{
    qsm2_gr0_writel(s, QSM2_STLBGSYNC, 0);
    /* sTLBGSTATUS.GSACTIVE, bit 0 */
    return qsm2_wait_zero(s, qsm2_gr0(s) + QSM2_STLBGSTATUS, 1);
}

void qsm2_tlbi_cb(QSm2 *s, unsigned n, uint32_t off, uint64_t op)
{
    if (off == QSM2_CB_TLBIASID || off == QSM2_CB_TLBIALL) {
        qsm2_cb_writel(s, n, off, (uint32_t)op);
    } else {
        qsm2_cb_writeq(s, n, off, op);
    }
    g_assert(qsm2_tlb_sync(s, n));
}

void qsm2_tlbi_global(QSm2 *s, uint32_t off, uint32_t op)
{
    qsm2_gr0_writel(s, off, op);
    g_assert(qsm2_tlb_gsync(s));
}

/* ---- the usual machine --------------------------------------------------- */

QSm2Env *qsm2_env_new(const char *props, unsigned ntd, const char *extra)
{
    QSm2Env *e = g_new0(QSm2Env, 1);
    GString *tds = g_string_new(NULL);
    unsigned i;

    g_assert(ntd <= QSM2_ENV_MAX_TD);
    for (i = 0; i < ntd; i++) {
        g_string_append_printf(tds, " -device smmu-testdev,id=td%u,"
                               "bus=pcie.0,addr=0%u.0", i, 2 + i);
    }
    /* The SMMU first: it must own pcie.0 before devices are plugged. */
    e->qts = qtc_start("-m %u -device arm-smmuv2-ext,id=smmu0,"
                       "primary-bus=pcie.0%s%s%s %s", QSM2_ENV_RAM_MB,
                       props && *props ? "," : "", props ? props : "",
                       tds->str, extra ? extra : "");
    g_string_free(tds, true);
    e->bus = qtc_bus(e->qts);
    qalloc_init(&e->alloc, &e->bus, QALLOC_VIRT_RAM_BASE,
                QSM2_ENV_ALLOC_SIZE);
    e->ecam = qpci_ecam_base(&e->bus);
    e->spi = qtc_qom_get_uint(e->qts, QSM2_ENV_PATH, "spi");
    qsm2_attach(&e->smmu, &e->bus, &e->alloc,
                qtc_qom_get_uint(e->qts, QSM2_ENV_PATH, "addr"));
    e->ntd = ntd;
    for (i = 0; i < ntd; i++) {
        qtd_init(&e->td[i], &e->bus, e->ecam, 0, (2 + i) << 3,
                 QSM2_TD_BAR(i));
        g_assert_cmphex(e->td[i].sid, ==, QSM2_TD_SID(i));
    }
    return e;
}

void qsm2_env_free(QSm2Env *e)
{
    if (e) {
        qtc_quit(e->qts);
        g_free(e->gic_path);
        g_free(e);
    }
}

void qsm2_env_intercept_irqs(QSm2Env *e)
{
    e->gic_path = qtc_qom_find_child(e->qts, "/machine/unattached",
                                     "arm-gicv3");
    g_assert(e->gic_path);
    qtc_irq_intercept_in(e->qts, e->gic_path);
}

bool qsm2_env_irq_level(QSm2Env *e, unsigned line)
{
    qtc_sync(e->qts);
    return qtc_irq_level(e->qts, e->spi + line);
}

unsigned qsm2_env_irq_raised(QSm2Env *e, unsigned line)
{
    qtc_sync(e->qts);
    return qtc_irq_raised(e->qts, e->spi + line);
}

/*
 * The value of member @key of the JSON object @obj starts at (@obj at its
 * opening brace), or NULL.  Members of nested objects are skipped:
 * stats' "timing" repeats names such as "faults", "translations" and
 * "hits" with counts of its own, and QMP emits members in no fixed order.
 */
static const char *qsm2_json_member(const char *obj, const char *key)
{
    size_t klen = strlen(key);
    unsigned d = 0;
    const char *p;

    for (p = obj; *p; p++) {
        if (*p == '{' || *p == '[') {
            d++;
        } else if (*p == '}' || *p == ']') {
            if (--d == 0) {
                return NULL;                /* the end of @obj */
            }
        } else if (*p == '"') {
            const char *end = strchr(p + 1, '"');

            if (!end) {
                return NULL;
            }
            if (d == 1 && (size_t)(end - p - 1) == klen &&
                !strncmp(p + 1, key, klen)) {
                const char *v = end + 1;

                while (*v == ' ') {
                    v++;
                }
                if (*v == ':') {
                    v++;
                    while (*v == ' ') {
                        v++;
                    }
                    return v;
                }
            }
            p = end;
        }
    }
    return NULL;
}

uint64_t qsm2_env_stat(QSm2Env *e, const char *name)
{
    /* qtc_qmp_ok() gives the "return" value: the stats object itself */
    g_autofree char *json = qtc_qmp_ok(e->qts, "{'execute': 'qom-get', "
                                       "'arguments': {'path': '"
                                       QSM2_ENV_PATH "', 'property': "
                                       "'stats'}}");
    const char *p = qsm2_json_member(json, name);

    if (!p) {
        const char *tlb = qsm2_json_member(json, "tlb");

        p = tlb && *tlb == '{' ? qsm2_json_member(tlb, name) : NULL;
    }
    if (!p) {
        g_error("stats has no %s: %s", name, json);
    }
    return g_ascii_strtoull(p, NULL, 10);
}

uint64_t qsm2_env_buf(QSm2Env *e, uint64_t size)
{
    return qalloc(&e->alloc, size, size);
}

uint32_t qsm2_env_ld32(QSm2Env *e, uint64_t pa)
{
    return qbus_ld32(&e->bus, pa);
}

bool qsm2_dma_write(QSm2Env *e, unsigned i, uint64_t iova, uint32_t val)
{
    g_assert(i < e->ntd);
    return qtd_write(&e->td[i], iova, 4, val);
}

bool qsm2_dma_read(QSm2Env *e, unsigned i, uint64_t iova)
{
    g_assert(i < e->ntd);
    return qtd_read(&e->td[i], iova, 4);
}

void qsm2_dma_fails(QSm2Env *e, unsigned i, uint64_t iova, bool write)
{
    bool ok = write ? qsm2_dma_write(e, i, iova, 0xfa17fa17)
                    : qsm2_dma_read(e, i, iova);

    g_assert(!ok);
    g_assert_cmpuint(qtd_error(&e->td[i]), ==, SMMU_TESTDEV_ERR_DMA);
    g_assert_cmphex(qtd_readq(&e->td[i], SMMU_TESTDEV_FAULT_ADDR), ==, iova);
}

/* ---- a second instance on a pxb-pcie bus --------------------------------- */

char *qsm2_pxb_args(unsigned bus_nr, const char *props)
{
    return g_strdup_printf("-device pxb-pcie,id=pxb1,bus_nr=%u,bus=pcie.0 "
                           "-device arm-smmuv2-ext,id=smmu1,"
                           "primary-bus=pxb1%s%s "
                           "-device pcie-root-port,id=rp1,bus=pxb1,"
                           "chassis=1,addr=00.0 "
                           "-device smmu-testdev,id=tdpxb,bus=rp1,addr=00.0",
                           bus_nr, props && *props ? "," : "",
                           props ? props : "");
}

/* Type 1 header offsets and the memory window's 1MiB granule. */
#define QSM2_PCI_COMMAND        0x04
#define QSM2_PCI_BUS_NUMBERS    0x18
#define QSM2_PCI_MEMORY_WINDOW  0x20

void qsm2_pxb_attach(QSm2Pxb *p, QTestClient *qts, const QBus *bus,
                     QGuestAlloc *alloc, uint64_t ecam, unsigned bus_nr)
{
    unsigned sec = bus_nr + 1;
    uint32_t win = (QSM2_PXB_TD_BAR >> 16) & 0xfff0;

    memset(p, 0, sizeof(*p));
    qpci_cfg_writel(bus, ecam, bus_nr, 0, QSM2_PCI_BUS_NUMBERS,
                    sec << 16 | sec << 8 | bus_nr);
    qpci_cfg_writel(bus, ecam, bus_nr, 0, QSM2_PCI_MEMORY_WINDOW,
                    win << 16 | win);
    /* Memory space and bus mastering through the port */
    qpci_cfg_writel(bus, ecam, bus_nr, 0, QSM2_PCI_COMMAND, 0x6);
    qtd_init(&p->td, bus, ecam, sec, 0, QSM2_PXB_TD_BAR);
    p->sid = p->td.sid - (bus_nr << 8);
    p->spi = qtc_qom_get_uint(qts, QSM2_PXB_PATH, "spi");
    qsm2_attach(&p->smmu, bus, alloc,
                qtc_qom_get_uint(qts, QSM2_PXB_PATH, "addr"));
}

void qsm2_env_pxb_attach(QSm2Env *e, QSm2Pxb *p, unsigned bus_nr)
{
    qsm2_pxb_attach(p, e->qts, &e->bus, &e->alloc, e->ecam, bus_nr);
}
