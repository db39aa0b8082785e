/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SMMUv3 programming helpers for QTest suites: see qsm3.h. */
#include <glib.h>
#include <string.h>

#include "qsm3.h"
#include "sm3-tables.h"

/* ---- registers ----------------------------------------------------------- */

uint32_t qsm3_readl(QSm3 *s, uint32_t off)
{
    return qbus_readl(s->bus, s->base + off);
}

void qsm3_writel(QSm3 *s, uint32_t off, uint32_t val)
{
    qbus_writel(s->bus, s->base + off, val);
}

uint64_t qsm3_readq(QSm3 *s, uint32_t off)
{
    return qbus_readq(s->bus, s->base + off);
}

void qsm3_writeq(QSm3 *s, uint32_t off, uint64_t val)
{
    qbus_writeq(s->bus, s->base + off, val);
}

static bool qsm3_wait_reg(QSm3 *s, uint32_t off, uint32_t mask, uint32_t val)
{
    unsigned i;

    for (i = 0; i < QSM3_POLL_MAX; i++) {
        if ((qsm3_readl(s, off) & mask) == val) {
            return true;
        }
    }
    return false;
}

bool qsm3_set_cr0(QSm3 *s, uint32_t val)
{
    qsm3_writel(s, SM3_CR0, val);
    return qsm3_wait_reg(s, SM3_CR0ACK, UINT32_MAX, val);
}

bool qsm3_set_irq_ctrl(QSm3 *s, uint32_t val)
{
    qsm3_writel(s, SM3_IRQ_CTRL, val);
    return qsm3_wait_reg(s, SM3_IRQ_CTRLACK, UINT32_MAX, val);
}

bool qsm3_set_gbpa(QSm3 *s, uint32_t val)
{
    qsm3_writel(s, SM3_GBPA, val | SM3_GBPA_UPDATE);
    return qsm3_wait_reg(s, SM3_GBPA, SM3_GBPA_UPDATE, 0);
}

uint32_t qsm3_gerror_active(QSm3 *s)
{
    return (qsm3_readl(s, SM3_GERROR) ^ qsm3_readl(s, SM3_GERRORN)) &
           SM3_GERROR_ALL;
}

void qsm3_gerror_ack(QSm3 *s, uint32_t bits)
{
    qsm3_writel(s, SM3_GERRORN, qsm3_readl(s, SM3_GERRORN) ^ bits);
}

/* ---- set-up -------------------------------------------------------------- */

static uint64_t qsm3_q_base(uint64_t addr, unsigned log2n)
{
    return (addr & SM3_Q_BASE_ADDR) | sm_prep(SM3_Q_BASE_LOG2SIZE, log2n);
}

void qsm3_init(QSm3 *s, const QBus *bus, QGuestAlloc *alloc, uint64_t base,
               const QSm3Opts *opts)
{
    QSm3Opts o = opts ? *opts : (QSm3Opts) { 0 };
    uint32_t cr0;
    unsigned i;

    memset(s, 0, sizeof(*s));
    s->bus = bus;
    s->alloc = alloc;
    s->base = base;
    for (i = 0; i < 6; i++) {
        s->idr[i] = qsm3_readl(s, SM3_IDR0 + 4 * i);
    }
    s->sid_bits = o.sid_bits ? o.sid_bits : 8;
    s->two_level = o.two_level;
    s->split = o.split ? o.split : 6;
    s->cmdq_log2 = o.cmdq_log2 ? o.cmdq_log2 : 8;
    s->evtq_log2 = o.evtq_log2 ? o.evtq_log2 : 8;
    s->priq_log2 = o.priq_log2 ? o.priq_log2 : 6;

    /* Stream table */
    if (s->two_level) {
        uint64_t n = UINT64_C(1) << (s->sid_bits > s->split ?
                                     s->sid_bits - s->split : 0);

        s->strtab = qalloc(alloc, MAX(n * 8, 64), MAX(n * 8, 64));
    } else {
        uint64_t sz = (UINT64_C(64) << s->sid_bits);

        s->strtab = qalloc(alloc, sz, sz);
    }
    qsm3_writeq(s, SM3_STRTAB_BASE, s->strtab & SM3_STRTAB_BASE_ADDR);
    qsm3_writel(s, SM3_STRTAB_BASE_CFG,
                sm_prep(SM3_STRTAB_BASE_CFG_LOG2SIZE, s->sid_bits) |
                sm_prep(SM3_STRTAB_BASE_CFG_SPLIT,
                        s->two_level ? s->split : 0) |
                sm_prep(SM3_STRTAB_BASE_CFG_FMT,
                        s->two_level ? SM3_STRTAB_FMT_2LVL :
                                       SM3_STRTAB_FMT_LINEAR));

    /* Queues */
    if (o.cmdq_base) {
        s->cmdq = o.cmdq_base;
    } else {
        uint64_t sz = MAX(SM3_CMD_SIZE << s->cmdq_log2, 32);

        s->cmdq = qalloc(alloc, sz, sz);
    }
    qsm3_writeq(s, SM3_CMDQ_BASE, qsm3_q_base(s->cmdq, s->cmdq_log2));
    qsm3_writel(s, SM3_CMDQ_PROD, 0);
    qsm3_writel(s, SM3_CMDQ_CONS, 0);
    {
        uint64_t sz = MAX(SM3_EVT_SIZE << s->evtq_log2, 32);

        s->evtq = qalloc(alloc, sz, sz);
    }
    qsm3_writeq(s, SM3_EVENTQ_BASE, qsm3_q_base(s->evtq, s->evtq_log2));
    qsm3_writel(s, QSM3_P1(SM3_EVENTQ_PROD), 0);
    qsm3_writel(s, QSM3_P1(SM3_EVENTQ_CONS), 0);
    if (s->idr[0] & SM3_IDR0_PRI) {
        uint64_t sz = MAX(SM3_PRI_SIZE << s->priq_log2, 32);

        s->priq = qalloc(alloc, sz, sz);
        qsm3_writeq(s, SM3_PRIQ_BASE, qsm3_q_base(s->priq, s->priq_log2));
        qsm3_writel(s, QSM3_P1(SM3_PRIQ_PROD), 0);
        qsm3_writel(s, QSM3_P1(SM3_PRIQ_CONS), 0);
    }
    qsm3_writel(s, SM3_CR1,
                sm_prep(SM3_CR1_QUEUE_IC, 1) | sm_prep(SM3_CR1_QUEUE_OC, 1) |
                sm_prep(SM3_CR1_QUEUE_SH, 3) | sm_prep(SM3_CR1_TABLE_IC, 1) |
                sm_prep(SM3_CR1_TABLE_OC, 1) | sm_prep(SM3_CR1_TABLE_SH, 3));
    qsm3_writel(s, SM3_CR2, o.cr2);
    if (o.no_enable) {
        return;
    }
    cr0 = SM3_CR0_CMDQEN | (o.no_eventq ? 0 : SM3_CR0_EVENTQEN);
    if (s->idr[0] & SM3_IDR0_PRI) {
        cr0 |= SM3_CR0_PRIQEN;
    }
    cr0 |= o.cr0_extra;
    g_assert(qsm3_set_cr0(s, cr0));
    /* Start clean: nothing cached from before the tables existed. */
    qsm3_cfgi_all(s);
    qsm3_tlbi_nsnh_all(s);
    g_assert(qsm3_set_cr0(s, cr0 | SM3_CR0_SMMUEN));
}

/* ---- stream table -------------------------------------------------------- */

uint64_t qsm3_ste_addr(QSm3 *s, uint32_t sid)
{
    uint64_t l1, desc, l2;

    if (!s->two_level) {
        return s->strtab + (uint64_t)sid * SM3_STE_SIZE;
    }
    l1 = s->strtab + (uint64_t)(sid >> s->split) * 8;
    desc = qbus_ld64(s->bus, l1);
    if (!sm_get(desc, SM3_L1STD_SPAN)) {
        uint64_t sz = UINT64_C(64) << s->split;

        l2 = qalloc(s->alloc, sz, sz);
        desc = (l2 & SM3_L1STD_L2PTR) |
               sm_prep(SM3_L1STD_SPAN, s->split + 1);
        qbus_st64(s->bus, l1, desc);
    }
    l2 = desc & SM3_L1STD_L2PTR;
    return l2 + (uint64_t)(sid & ((1u << s->split) - 1)) * SM3_STE_SIZE;
}

void qsm3_ste_write(QSm3 *s, uint32_t sid, const uint64_t ste[8], bool cfgi)
{
    uint64_t a = qsm3_ste_addr(s, sid);
    int i;

    for (i = 7; i >= 0; i--) {
        qbus_st64(s->bus, a + 8 * i, ste[i]);
    }
    if (cfgi) {
        qsm3_cfgi_ste(s, sid);
    }
}

void qsm3_ste_read(QSm3 *s, uint32_t sid, uint64_t ste[8])
{
    uint64_t a = qsm3_ste_addr(s, sid);
    int i;

    for (i = 0; i < 8; i++) {
        ste[i] = qbus_ld64(s->bus, a + 8 * i);
    }
}

void qsm3_ste_invalid(uint64_t ste[8])
{
    memset(ste, 0, 64);
}

void qsm3_ste_abort(uint64_t ste[8])
{
    memset(ste, 0, 64);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_ABORT);
}

void qsm3_ste_bypass(uint64_t ste[8])
{
    memset(ste, 0, 64);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_BYPASS);
    ste[1] = sm_prep(SM3_STE1_SHCFG, 1);
}

/* ---- page tables --------------------------------------------------------- */

unsigned qsm3_level_shift(unsigned gshift, unsigned level)
{
    return gshift + (3 - level) * (gshift - 3);
}

unsigned qsm3_start_level(unsigned gshift, unsigned ia_bits)
{
    unsigned stride = gshift - 3;
    unsigned levels = (ia_bits - gshift + stride - 1) / stride;

    g_assert(levels >= 1 && levels <= 4);
    return 4 - levels;
}

unsigned qsm3_tg0(unsigned gshift)
{
    return gshift == 12 ? 0 : gshift == 16 ? 1 : 2;
}

unsigned qsm3_s2tg(unsigned gshift)
{
    return gshift == 12 ? SM3_STE2_S2TG_4K :
           gshift == 16 ? SM3_STE2_S2TG_64K : SM3_STE2_S2TG_16K;
}

static unsigned qsm3_pt_index_bits(const QSm3Pt *pt, unsigned level)
{
    if (level == pt->start_level) {
        return pt->ia_bits - qsm3_level_shift(pt->gshift, level);
    }
    return pt->gshift - 3;
}

void qsm3_pt_init(QSm3Pt *pt, const QBus *bus, QGuestAlloc *alloc,
                  bool stage2, unsigned gshift, unsigned ia_bits)
{
    uint64_t sz;

    memset(pt, 0, sizeof(*pt));
    pt->bus = bus;
    pt->alloc = alloc;
    pt->stage2 = stage2;
    pt->gshift = gshift;
    pt->ia_bits = ia_bits;
    pt->start_level = qsm3_start_level(gshift, ia_bits);
    sz = UINT64_C(8) << qsm3_pt_index_bits(pt, pt->start_level);
    sz = MAX(sz, 64);
    pt->root = qalloc(alloc, sz, sz);
}

uint64_t qsm3_pt_leaf(const QSm3Pt *pt, uint64_t pa, unsigned level,
                      unsigned attrs)
{
    unsigned shift = qsm3_level_shift(pt->gshift, level);
    uint64_t d = (pa & SM_MASK(47, shift)) | (level == 3 ? 3 : 1);

    d |= sm_prep(SM_MASK(9, 8), 3);                  /* inner shareable */
    if (!(attrs & QSM3_PT_NO_AF)) {
        d |= SM_BIT(10);
    }
    if (attrs & QSM3_PT_DBM) {
        d |= SM_BIT(51);
    }
    if (pt->stage2) {
        unsigned s2ap = 3;

        if (attrs & QSM3_PT_RO) {
            s2ap = 1;
        } else if (attrs & QSM3_PT_WO) {
            s2ap = 2;
        } else if (attrs & QSM3_PT_NONE) {
            s2ap = 0;
        }
        d |= sm_prep(SM_MASK(5, 2), 0xf);            /* Normal WB */
        d |= sm_prep(SM_MASK(7, 6), s2ap);
    } else {
        /* AttrIndx 0 (MAIR byte 0), AP[1] = 1: accessible unprivileged */
        d |= SM_BIT(6);
        d |= (attrs & QSM3_PT_RO) ? SM_BIT(7) : 0;
        d |= SM_BIT(11);                             /* nG: ASID-tagged */
    }
    return d;
}

static uint64_t qsm3_pt_slot(QSm3Pt *pt, uint64_t va, unsigned level,
                             bool alloc)
{
    uint64_t table = pt->root;
    unsigned l;

    for (l = pt->start_level;; l++) {
        unsigned shift = qsm3_level_shift(pt->gshift, l);
        uint64_t idx = (va >> shift) & sm_low_mask(qsm3_pt_index_bits(pt, l));
        uint64_t slot = table + idx * 8;
        uint64_t d;

        if (l == level) {
            return slot;
        }
        d = qbus_ld64(pt->bus, slot);
        if ((d & 3) != 3) {
            uint64_t gsz = UINT64_C(1) << pt->gshift;

            if (!alloc) {
                return 0;
            }
            table = qalloc(pt->alloc, gsz, gsz);
            qbus_st64(pt->bus, slot, table | 3);
        } else {
            table = d & SM_MASK(47, pt->gshift);
        }
    }
}

uint64_t qsm3_pt_map(QSm3Pt *pt, uint64_t va, uint64_t pa, unsigned level,
                     unsigned attrs)
{
    uint64_t slot;

    g_assert(level >= pt->start_level && level <= 3);
    slot = qsm3_pt_slot(pt, va, level, true);
    qbus_st64(pt->bus, slot, qsm3_pt_leaf(pt, pa, level, attrs));
    return slot;
}

uint64_t qsm3_pt_desc_addr(QSm3Pt *pt, uint64_t va, unsigned level)
{
    return qsm3_pt_slot(pt, va, level, false);
}

void qsm3_pt_unmap(QSm3Pt *pt, uint64_t va, unsigned level)
{
    uint64_t slot = qsm3_pt_slot(pt, va, level, false);

    if (slot) {
        qbus_st64(pt->bus, slot, 0);
    }
}

void qsm3_pt_identity(QSm3Pt *pt, uint64_t base, uint64_t size)
{
    /*
     * Level-2 blocks exist for every granule: cover the range with them
     * (rounded out to block boundaries), or with pages when the walk
     * starts below level 2.
     */
    unsigned level = pt->start_level <= 2 ? 2 : 3;
    uint64_t blk = UINT64_C(1) << qsm3_level_shift(pt->gshift, level);
    uint64_t a = base & ~(blk - 1);

    for (; a < base + size; a += blk) {
        qsm3_pt_map(pt, a, a, level, 0);
    }
}

/* ---- context descriptors, STEs ------------------------------------------- */

static unsigned qsm3_ps_enc(QSm3 *s)
{
    return MIN(sm_get(s->idr[5], SM3_IDR5_OAS), 5);
}

void qsm3_cd_build(QSm3 *s, uint64_t cd[8], const QSm3Pt *pt, uint16_t asid,
                   unsigned flags)
{
    memset(cd, 0, 64);
    cd[0] = sm_prep(SM3_CD0_T0SZ, 64 - pt->ia_bits) |
            sm_prep(SM3_CD0_TG0, qsm3_tg0(pt->gshift)) |
            sm_prep(SM3_CD0_IR0, 1) | sm_prep(SM3_CD0_OR0, 1) |
            sm_prep(SM3_CD0_SH0, 3) | SM3_CD0_EPD1 |
            (flags & QSM3_CD_INVALID ? 0 : SM3_CD0_V) |
            sm_prep(SM3_CD0_IPS, qsm3_ps_enc(s)) |
            SM3_CD0_AA64 | SM3_CD0_A |
            (flags & QSM3_CD_NO_RECORD ? 0 : SM3_CD0_R) |
            sm_prep(SM3_CD0_ASID, asid);
    cd[0] |= flags & QSM3_CD_TBI ? SM3_CD0_TBI0 : 0;
    cd[0] |= flags & (QSM3_CD_HA | QSM3_CD_HD) ? SM3_CD0_HA : 0;
    cd[0] |= flags & QSM3_CD_HD ? SM3_CD0_HD : 0;
    cd[0] |= flags & QSM3_CD_AFFD ? SM3_CD0_AFFD : 0;
    cd[0] |= flags & QSM3_CD_STALL ? SM3_CD0_S : 0;
    cd[1] = pt->root & SM3_CD1_TTB0;
    cd[3] = sm_prep(SM3_CD3_MAIR0, 0xff);   /* AttrIndx 0: Normal WB */
}

void qsm3_cd_write(QSm3 *s, uint64_t addr, const uint64_t cd[8])
{
    int i;

    for (i = 7; i >= 0; i--) {
        qbus_st64(s->bus, addr + 8 * i, cd[i]);
    }
}

uint64_t qsm3_cdtab_linear(QSm3 *s, unsigned log2n)
{
    uint64_t sz = UINT64_C(64) << log2n;

    return qalloc(s->alloc, sz, MAX(sz, 64));
}

uint64_t qsm3_cdtab_2lvl(QSm3 *s, unsigned log2n)
{
    uint64_t n = log2n > 6 ? UINT64_C(1) << (log2n - 6) : 1;

    return qalloc(s->alloc, MAX(n * 8, 64), MAX(n * 8, 64));
}

uint64_t qsm3_cd_addr(QSm3 *s, uint64_t cdtab, bool two_level,
                      uint32_t ssid)
{
    uint64_t l1, d, l2;

    if (!two_level) {
        return cdtab + (uint64_t)ssid * SM3_CD_SIZE;
    }
    l1 = cdtab + (uint64_t)(ssid >> 6) * 8;
    d = qbus_ld64(s->bus, l1);
    if (!(d & SM3_L1CD_V)) {
        l2 = qalloc(s->alloc, 4096, 4096);
        d = (l2 & SM3_L1CD_L2PTR) | SM3_L1CD_V;
        qbus_st64(s->bus, l1, d);
    }
    return (d & SM3_L1CD_L2PTR) + (uint64_t)(ssid & 63) * SM3_CD_SIZE;
}

void qsm3_ste_s1(uint64_t ste[8], uint64_t cdtab, unsigned s1fmt,
                 unsigned cdmax, unsigned s1dss)
{
    memset(ste, 0, 64);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S1) |
             sm_prep(SM3_STE0_S1FMT, s1fmt) |
             (cdtab & SM3_STE0_S1CONTEXTPTR) |
             sm_prep(SM3_STE0_S1CDMAX, cdmax);
    ste[1] = sm_prep(SM3_STE1_S1DSS, s1dss) | sm_prep(SM3_STE1_S1CIR, 1) |
             sm_prep(SM3_STE1_S1COR, 1) | sm_prep(SM3_STE1_S1CSH, 3) |
             sm_prep(SM3_STE1_SHCFG, 1);
}

static void qsm3_ste_s2_fields(QSm3 *s, uint64_t ste[8], const QSm3Pt *pt,
                               uint16_t vmid)
{
    unsigned sl0 = pt->gshift == 12 ? 2 - pt->start_level
                                    : 3 - pt->start_level;

    ste[2] = sm_prep(SM3_STE2_S2VMID, vmid) |
             sm_prep(SM3_STE2_S2T0SZ, 64 - pt->ia_bits) |
             sm_prep(SM3_STE2_S2SL0, sl0) |
             sm_prep(SM3_STE2_S2IR0, 1) | sm_prep(SM3_STE2_S2OR0, 1) |
             sm_prep(SM3_STE2_S2SH0, 3) |
             sm_prep(SM3_STE2_S2TG, qsm3_s2tg(pt->gshift)) |
             sm_prep(SM3_STE2_S2PS, qsm3_ps_enc(s)) |
             SM3_STE2_S2AA64 | SM3_STE2_S2R;
    ste[3] = pt->root & SM3_STE3_S2TTB;
}

void qsm3_ste_s2(QSm3 *s, uint64_t ste[8], const QSm3Pt *pt, uint16_t vmid)
{
    memset(ste, 0, 64);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S2);
    ste[1] = sm_prep(SM3_STE1_SHCFG, 1);
    qsm3_ste_s2_fields(s, ste, pt, vmid);
}

void qsm3_ste_nested(QSm3 *s, uint64_t ste[8], uint64_t cdtab,
                     unsigned s1fmt, unsigned cdmax, const QSm3Pt *s2,
                     uint16_t vmid)
{
    qsm3_ste_s1(ste, cdtab, s1fmt, cdmax, SM3_STE1_S1DSS_TERMINATE);
    ste[0] = sm_set(ste[0], SM3_STE0_CONFIG, SM3_STE0_CONFIG_NESTED);
    qsm3_ste_s2_fields(s, ste, s2, vmid);
}

uint64_t qsm3_setup_s1(QSm3 *s, uint32_t sid, const QSm3Pt *pt,
                       uint16_t asid, unsigned cd_flags)
{
    uint64_t cdtab = qsm3_cdtab_linear(s, 0);
    uint64_t cd[8], ste[8];

    qsm3_cd_build(s, cd, pt, asid, cd_flags);
    qsm3_cd_write(s, cdtab, cd);
    qsm3_ste_s1(ste, cdtab, SM3_STE0_S1FMT_LINEAR, 0,
                SM3_STE1_S1DSS_TERMINATE);
    qsm3_ste_write(s, sid, ste, true);
    return cdtab;
}

/* ---- commands ------------------------------------------------------------ */

static uint32_t qsm3_q_mask(unsigned log2n)
{
    return (2u << log2n) - 1;          /* index plus wrap bit */
}

uint64_t qsm3_cmd_slot(QSm3 *s, uint32_t index)
{
    return s->cmdq + (uint64_t)(index & ((1u << s->cmdq_log2) - 1)) *
           SM3_CMD_SIZE;
}

void qsm3_cmd_rewrite(QSm3 *s, uint32_t index, uint64_t dw0, uint64_t dw1)
{
    uint64_t slot = qsm3_cmd_slot(s, index);

    qbus_st64(s->bus, slot, dw0);
    qbus_st64(s->bus, slot + 8, dw1);
}

void qsm3_cmd_queue(QSm3 *s, uint64_t dw0, uint64_t dw1)
{
    uint32_t n = 1u << s->cmdq_log2;
    uint32_t mask = qsm3_q_mask(s->cmdq_log2);
    unsigned i;

    /* Wait for room: full when the indexes differ only in the wrap bit. */
    for (i = 0; i < QSM3_POLL_MAX; i++) {
        uint32_t cons = qsm3_readl(s, SM3_CMDQ_CONS) & mask;

        if ((cons ^ s->cmdq_prod) != n) {
            break;
        }
    }
    g_assert_cmpuint(i, <, QSM3_POLL_MAX);
    qsm3_cmd_rewrite(s, s->cmdq_prod, dw0, dw1);
    s->cmdq_prod = (s->cmdq_prod + 1) & mask;
    qsm3_writel(s, SM3_CMDQ_PROD, s->cmdq_prod);
}

unsigned qsm3_wait_cons(QSm3 *s)
{
    uint32_t mask = qsm3_q_mask(s->cmdq_log2);
    unsigned i;

    for (i = 0; i < QSM3_POLL_MAX; i++) {
        uint32_t cons = qsm3_readl(s, SM3_CMDQ_CONS);
        unsigned err = sm_get(cons, SM3_CMDQ_CONS_ERR);

        if (qsm3_gerror_active(s) & SM3_GERROR_CMDQ_ERR) {
            return err ? err : 0x7f;
        }
        if ((cons & mask) == s->cmdq_prod) {
            return 0;
        }
    }
    g_error("command queue did not drain: PROD 0x%x CONS 0x%x GERROR 0x%x",
            s->cmdq_prod, qsm3_readl(s, SM3_CMDQ_CONS),
            qsm3_readl(s, SM3_GERROR));
    return 0;
}

unsigned qsm3_sync(QSm3 *s)
{
    qsm3_cmd_queue(s, SM3_CMD_SYNC, 0);
    return qsm3_wait_cons(s);
}

void qsm3_cmd(QSm3 *s, uint64_t dw0, uint64_t dw1)
{
    unsigned err;

    qsm3_cmd_queue(s, dw0, dw1);
    err = qsm3_sync(s);
    if (err) {
        g_error("command 0x%" G_GINT64_MODIFIER "x/0x%" G_GINT64_MODIFIER
                "x failed: CONS.ERR %u", dw0, dw1, err);
    }
}

uint32_t qsm3_cmd_ill(QSm3 *s, uint64_t dw0)
{
    uint32_t index = s->cmdq_prod;

    qsm3_cmd_queue(s, dw0, 0);
    g_assert_cmpuint(qsm3_wait_cons(s), ==, SM3_CERROR_ILL);
    return index;
}

void qsm3_cfgi_ste(QSm3 *s, uint32_t sid)
{
    qsm3_cmd(s, SM3_CMD_CFGI_STE | sm_prep(SM3_CMD0_SID, sid),
             SM3_CMD1_CFGI_LEAF);
}

void qsm3_cfgi_all(QSm3 *s)
{
    qsm3_cmd(s, SM3_CMD_CFGI_STE_RANGE, sm_prep(SM3_CMD1_CFGI_RANGE, 31));
}

void qsm3_tlbi_nh_all(QSm3 *s)
{
    qsm3_cmd(s, SM3_CMD_TLBI_NH_ALL, 0);
}

void qsm3_tlbi_nsnh_all(QSm3 *s)
{
    qsm3_cmd(s, SM3_CMD_TLBI_NSNH_ALL, 0);
}

/* ---- event and PRI queues ------------------------------------------------ */

unsigned qsm3_evt_pending(QSm3 *s)
{
    uint32_t mask = qsm3_q_mask(s->evtq_log2);
    uint32_t prod = qsm3_readl(s, QSM3_P1(SM3_EVENTQ_PROD)) & mask;

    return (prod - s->evtq_cons) & mask;
}

/* Copy the record at our shadow CONS; returns the PROD register, or
 * -1 (no record) when the queue is empty. */
static int64_t qsm3_evt_read(QSm3 *s, uint64_t rec[4])
{
    uint32_t mask = qsm3_q_mask(s->evtq_log2);
    uint32_t prod_reg = qsm3_readl(s, QSM3_P1(SM3_EVENTQ_PROD));
    uint64_t slot;
    int i;

    if ((prod_reg & mask) == s->evtq_cons) {
        return -1;
    }
    slot = s->evtq + (uint64_t)(s->evtq_cons & ((1u << s->evtq_log2) - 1)) *
           SM3_EVT_SIZE;
    for (i = 0; i < 4; i++) {
        rec[i] = qbus_ld64(s->bus, slot + 8 * i);
    }
    return prod_reg;
}

bool qsm3_evt_peek(QSm3 *s, uint64_t rec[4])
{
    return qsm3_evt_read(s, rec) >= 0;
}

bool qsm3_evt_pop(QSm3 *s, uint64_t rec[4])
{
    int64_t prod_reg = qsm3_evt_read(s, rec);

    if (prod_reg < 0) {
        return false;
    }
    s->evtq_cons = (s->evtq_cons + 1) & qsm3_q_mask(s->evtq_log2);
    qsm3_writel(s, QSM3_P1(SM3_EVENTQ_CONS),
                s->evtq_cons | ((uint32_t)prod_reg & SM3_Q_OVFLG));
    return true;
}

char *qsm3_evt_str(const uint64_t rec[4])
{
    return g_strdup_printf("event 0x%02x sid 0x%x [0x%016" G_GINT64_MODIFIER
                           "x 0x%016" G_GINT64_MODIFIER "x 0x%016"
                           G_GINT64_MODIFIER "x 0x%016" G_GINT64_MODIFIER
                           "x]", (unsigned)sm_get(rec[0], SM3_EVT0_ID),
                           (unsigned)sm_get(rec[0], SM3_EVT0_SID),
                           rec[0], rec[1], rec[2], rec[3]);
}

void qsm3_evt_expect(QSm3 *s, unsigned id, uint64_t rec[4])
{
    uint64_t r[4];

    if (!qsm3_evt_pop(s, r)) {
        g_error("expected event 0x%02x, the event queue is empty "
                "(GERROR 0x%x)", id, qsm3_readl(s, SM3_GERROR));
    }
    if (sm_get(r[0], SM3_EVT0_ID) != id) {
        g_autofree char *txt = qsm3_evt_str(r);

        g_error("expected event 0x%02x, got %s", id, txt);
    }
    if (rec) {
        memcpy(rec, r, sizeof(r));
    }
}

void qsm3_evt_none(QSm3 *s)
{
    uint64_t r[4];

    if (qsm3_evt_pop(s, r)) {
        g_autofree char *txt = qsm3_evt_str(r);
        unsigned more = 0;

        while (more < 4096 && qsm3_evt_pop(s, r)) {
            more++;
        }
        g_error("unexpected %s (and %u more)", txt, more);
    }
}

bool qsm3_priq_pop(QSm3 *s, uint64_t rec[2])
{
    uint32_t mask = qsm3_q_mask(s->priq_log2);
    uint32_t prod_reg = qsm3_readl(s, QSM3_P1(SM3_PRIQ_PROD));
    uint64_t slot;

    if (!s->priq || (prod_reg & mask) == s->priq_cons) {
        return false;
    }
    slot = s->priq + (uint64_t)(s->priq_cons & ((1u << s->priq_log2) - 1)) *
           SM3_PRI_SIZE;
    rec[0] = qbus_ld64(s->bus, slot);
    rec[1] = qbus_ld64(s->bus, slot + 8);
    s->priq_cons = (s->priq_cons + 1) & mask;
    qsm3_writel(s, QSM3_P1(SM3_PRIQ_CONS),
                s->priq_cons | (prod_reg & SM3_Q_OVFLG));
    return true;
}
