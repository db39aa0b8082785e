/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 register file (IHI 0070 "Memory map and registers"): one table
 * row per register, one write path that applies the writable mask,
 * per-row hooks for side effects.  Also the instance lifecycle and
 * migration state, which are mostly about this register file.
 */
#include <glib.h>
#include <string.h>

#include "sm3-internal.h"

/* ---- locks: when the spec makes a register read-only ------------------- */

/*
 * A control bit counts from the write that sets it until its
 * acknowledgement clears: either copy set locks the register (SMMU_CR0
 * for the tables and queues, SMMU_IRQ_CTRL for the *_IRQ_CFGn).
 */
static bool sm3_reg_locked(const Sm3 *s, const Sm3RegDesc *d)
{
    return d->lock_bit &&
           ((sm3_reg32(s, d->lock_ctrl) | sm3_reg32(s, d->lock_ack)) &
            d->lock_bit) != 0;
}

/* ---- side effects ------------------------------------------------------- */

static uint32_t sm3_cr0_valid(const Sm3 *s)
{
    uint32_t m = SM3_CR0_SMMUEN | SM3_CR0_EVENTQEN | SM3_CR0_CMDQEN;

    m |= sm3_has_pri(&s->f) ? SM3_CR0_PRIQEN : 0;
    m |= sm3_has_ats(&s->f) ? SM3_CR0_ATSCHK : 0;
    return m;
}

/*
 * SMMU_CR0: the model completes enables and disables at once, so CR0ACK
 * follows CR0 within the write.  Enabling the command queue may make
 * commands runnable.
 */
static void sm3_cr0_written(Sm3 *s, uint64_t old_val)
{
    uint32_t v = sm3_reg32(s, SM3_CR0) & sm3_cr0_valid(s);

    sm3_set_reg32(s, SM3_CR0, v);
    sm3_set_reg32(s, SM3_CR0ACK, v);
    if ((old_val & SM3_CR0_SMMUEN) && !(v & SM3_CR0_SMMUEN)) {
        /* Disabling the SMMU terminates what it holds stalled. */
        sm3_stall_terminate_all(s);
    }
    if (!(v & SM3_CR0_CMDQEN)) {
        sm3_cmd_timing_clear(s);    /* a new queue may come */
    }
    if ((v & SM3_CR0_CMDQEN) && s->cfg.cmdq_batch) {
        sm3_cmdq_run(s, s->cfg.cmdq_batch);
    }
}

/*
 * SMMU_CR2: PTM is RES0 without IDR0.BTM, which the model never
 * advertises (no broadcast TLB maintenance reaches it), E2H without
 * IDR0.Hyp (IHI 0070 6.3.12).
 */
static void sm3_cr2_written(Sm3 *s, uint64_t old_val)
{
    uint32_t m = SM3_CR2_RECINVSID;

    m |= sm3_has_hyp(&s->f) ? SM3_CR2_E2H : 0;
    sm3_set_reg32(s, SM3_CR2, sm3_reg32(s, SM3_CR2) & m);
}

/*
 * SMMU_GBPA: fields change only by a write with Update = 1; the model
 * completes the update at once, so Update reads back 0.
 */
static void sm3_gbpa_written(Sm3 *s, uint64_t old_val)
{
    uint32_t v = sm3_reg32(s, SM3_GBPA);

    if (!(v & SM3_GBPA_UPDATE)) {
        sm3_guest_error(s, "smmuv3: GBPA written without Update, ignored");
        sm3_set_reg32(s, SM3_GBPA, (uint32_t)old_val);
        return;
    }
    sm3_set_reg32(s, SM3_GBPA, v & ~(uint32_t)SM3_GBPA_UPDATE);
}

static void sm3_irq_ctrl_written(Sm3 *s, uint64_t old_val)
{
    uint32_t m = SM3_IRQ_CTRL_GERROR_IRQEN | SM3_IRQ_CTRL_EVENTQ_IRQEN;
    uint32_t v;

    m |= sm3_has_pri(&s->f) ? SM3_IRQ_CTRL_PRIQ_IRQEN : 0;
    v = sm3_reg32(s, SM3_IRQ_CTRL) & m;
    sm3_set_reg32(s, SM3_IRQ_CTRL, v);
    sm3_set_reg32(s, SM3_IRQ_CTRLACK, v);
}

static void sm3_strtab_cfg_written(Sm3 *s, uint64_t old_val)
{
    uint64_t v = sm3_reg32(s, SM3_STRTAB_BASE_CFG);

    /* FMT = 2-level is reserved without IDR0.ST_LEVEL: treat as linear. */
    if (!s->f.two_level_st &&
        sm_get(v, SM3_STRTAB_BASE_CFG_FMT) != SM3_STRTAB_FMT_LINEAR) {
        sm3_guest_error(s, "smmuv3: 2-level stream table not supported");
        v = sm_set(v, SM3_STRTAB_BASE_CFG_FMT, SM3_STRTAB_FMT_LINEAR);
    }
    sm3_set_reg32(s, SM3_STRTAB_BASE_CFG, (uint32_t)v);
}

/* Acknowledging CMDQ_ERR lets the halted command queue run again. */
static void sm3_gerrorn_written(Sm3 *s, uint64_t old_val)
{
    if ((old_val ^ sm3_reg32(s, SM3_GERRORN)) & SM3_GERROR_CMDQ_ERR &&
        s->cfg.cmdq_batch) {
        sm3_cmdq_run(s, s->cfg.cmdq_batch);
    }
}

static void sm3_cmdq_prod_written(Sm3 *s, uint64_t old_val)
{
    if (s->cfg.cmdq_timing) {
        sm3_cmd_written(s, (uint32_t)old_val);
    }
    if (s->cfg.cmdq_batch) {
        sm3_cmdq_run(s, s->cfg.cmdq_batch);
    }
}

/* ---- the table ----------------------------------------------------------- */

#define Q_BASE_W  (SM3_Q_BASE_ADDR | SM3_Q_BASE_RA | SM3_Q_BASE_LOG2SIZE)
#define Q_PROD_W  (SM3_Q_IDX | SM3_Q_OVFLG)
#define CFG0_W    SM3_IRQ_CFG0_ADDR
#define CFG2_W    (SM3_IRQ_CFG2_MEMATTR | SM3_IRQ_CFG2_SH)
#define GBPA_W    (SM3_GBPA_MEMATTR | SM3_GBPA_MTCFG | SM3_GBPA_ALLOCCFG | \
                   SM3_GBPA_SHCFG | SM3_GBPA_PRIVCFG | SM3_GBPA_INSTCFG | \
                   SM3_GBPA_ABORT | SM3_GBPA_UPDATE)
#define STRCFG_W  (SM3_STRTAB_BASE_CFG_LOG2SIZE | SM3_STRTAB_BASE_CFG_SPLIT | \
                   SM3_STRTAB_BASE_CFG_FMT)
/* CR0: every field; sm3_cr0_written() keeps what the instance has. */
#define CR0_W     (SM3_CR0_SMMUEN | SM3_CR0_PRIQEN | SM3_CR0_EVENTQEN | \
                   SM3_CR0_CMDQEN | SM3_CR0_ATSCHK | SM3_CR0_VMW)
#define CR1_W     (SM3_CR1_QUEUE_IC | SM3_CR1_QUEUE_OC | SM3_CR1_QUEUE_SH | \
                   SM3_CR1_TABLE_IC | SM3_CR1_TABLE_OC | SM3_CR1_TABLE_SH)
#define CR2_W     (SM3_CR2_E2H | SM3_CR2_RECINVSID | SM3_CR2_PTM)
#define IRQEN_W   (SM3_IRQ_CTRL_GERROR_IRQEN | SM3_IRQ_CTRL_PRIQ_IRQEN | \
                   SM3_IRQ_CTRL_EVENTQ_IRQEN)

/* Lock fields of a row: never, by a CR0 enable, by an IRQ_CTRL enable */
#define UNLOCKED     0, 0, 0
#define CR0_LOCK(b)  SM3_CR0, SM3_CR0ACK, SM3_CR0_##b
#define IRQ_LOCK(b)  SM3_IRQ_CTRL, SM3_IRQ_CTRLACK, SM3_IRQ_CTRL_##b##_IRQEN

#define RO(off, sz, rst, nm)  { off, sz, rst, 0, UNLOCKED, NULL, nm }

/* SMMU_<irq>_IRQ_CFG0..2: MSI address, data and attributes of @irq */
#define IRQ_CFG_ROWS(irq) \
    { SM3_##irq##_IRQ_CFG0, 8, 0, CFG0_W, IRQ_LOCK(irq), NULL, \
      #irq "_IRQ_CFG0" }, \
    { SM3_##irq##_IRQ_CFG1, 4, 0, 0xffffffff, IRQ_LOCK(irq), NULL, \
      #irq "_IRQ_CFG1" }, \
    { SM3_##irq##_IRQ_CFG2, 4, 0, CFG2_W, IRQ_LOCK(irq), NULL, \
      #irq "_IRQ_CFG2" }

/* An output queue (the SMMU produces): base, PROD, CONS */
#define OUTQ_ROWS(q) \
    { SM3_##q##_BASE, 8, 0, Q_BASE_W, CR0_LOCK(q##EN), NULL, #q "_BASE" }, \
    { SM3_##q##_PROD, 4, 0, Q_PROD_W, CR0_LOCK(q##EN), NULL, #q "_PROD" }, \
    { SM3_##q##_CONS, 4, 0, Q_PROD_W, UNLOCKED, NULL, #q "_CONS" }

/* Sorted by offset (sm3_reg_find relies on it; the unit test checks). */
static const Sm3RegDesc sm3_regs[] = {
    RO(SM3_IDR0, 4, 0, "IDR0"),
    RO(SM3_IDR1, 4, 0, "IDR1"),
    RO(SM3_IDR2, 4, 0, "IDR2"),
    RO(SM3_IDR3, 4, 0, "IDR3"),
    RO(SM3_IDR4, 4, 0, "IDR4"),
    RO(SM3_IDR5, 4, 0, "IDR5"),
    RO(SM3_IIDR, 4, 0, "IIDR"),
    RO(SM3_AIDR, 4, 0, "AIDR"),               /* sm3_aidr_value() */
    { SM3_CR0, 4, 0, CR0_W, UNLOCKED, sm3_cr0_written, "CR0" },
    RO(SM3_CR0ACK, 4, 0, "CR0ACK"),
    { SM3_CR1, 4, 0, CR1_W, CR0_LOCK(SMMUEN), NULL, "CR1" },
    { SM3_CR2, 4, 0, CR2_W, CR0_LOCK(SMMUEN), sm3_cr2_written, "CR2" },
    RO(SM3_STATUSR, 4, 0, "STATUSR"),
    /* Reset: abort clear, SHCFG = use incoming (IMPLEMENTATION DEFINED). */
    { SM3_GBPA, 4, 0x1000, GBPA_W, UNLOCKED, sm3_gbpa_written, "GBPA" },
    RO(SM3_AGBPA, 4, 0, "AGBPA"),
    { SM3_IRQ_CTRL, 4, 0, IRQEN_W, UNLOCKED, sm3_irq_ctrl_written, "IRQ_CTRL" },
    RO(SM3_IRQ_CTRLACK, 4, 0, "IRQ_CTRLACK"),
    RO(SM3_GERROR, 4, 0, "GERROR"),
    { SM3_GERRORN, 4, 0, SM3_GERROR_ALL, UNLOCKED, sm3_gerrorn_written,
      "GERRORN" },
    IRQ_CFG_ROWS(GERROR),
    { SM3_STRTAB_BASE, 8, 0, SM3_STRTAB_BASE_ADDR | SM3_STRTAB_BASE_RA,
      CR0_LOCK(SMMUEN), NULL, "STRTAB_BASE" },
    { SM3_STRTAB_BASE_CFG, 4, 0, STRCFG_W, CR0_LOCK(SMMUEN),
      sm3_strtab_cfg_written, "STRTAB_BASE_CFG" },
    { SM3_CMDQ_BASE, 8, 0, Q_BASE_W, CR0_LOCK(CMDQEN), NULL, "CMDQ_BASE" },
    { SM3_CMDQ_PROD, 4, 0, SM3_Q_IDX, UNLOCKED, sm3_cmdq_prod_written,
      "CMDQ_PROD" },
    { SM3_CMDQ_CONS, 4, 0, SM3_Q_IDX, CR0_LOCK(CMDQEN), NULL, "CMDQ_CONS" },
    OUTQ_ROWS(EVENTQ),
    IRQ_CFG_ROWS(EVENTQ),
    OUTQ_ROWS(PRIQ),
    IRQ_CFG_ROWS(PRIQ),
    /* CoreSight identification: JEP106 Arm (0x43b), part 0x0e0, rev 0. */
    RO(SM3_PIDR4, 4, 0x04, "PIDR4"),
    RO(SM3_PIDR5, 4, 0, "PIDR5"),
    RO(SM3_PIDR6, 4, 0, "PIDR6"),
    RO(SM3_PIDR7, 4, 0, "PIDR7"),
    RO(SM3_PIDR0, 4, 0xe0, "PIDR0"),
    RO(SM3_PIDR1, 4, 0xb0, "PIDR1"),
    RO(SM3_PIDR2, 4, 0x0b, "PIDR2"),
    RO(SM3_PIDR3, 4, 0, "PIDR3"),
    RO(SM3_CIDR0, 4, 0x0d, "CIDR0"),
    RO(SM3_CIDR1, 4, 0xf0, "CIDR1"),
    RO(SM3_CIDR2, 4, 0x05, "CIDR2"),
    RO(SM3_CIDR3, 4, 0xb1, "CIDR3"),
};

const Sm3RegDesc *sm3_reg_table(unsigned *n)
{
    *n = G_N_ELEMENTS(sm3_regs);
    return sm3_regs;
}

/* The row whose first byte is @offset (binary search), or NULL. */
const Sm3RegDesc *sm3_reg_find(uint32_t offset)
{
    unsigned lo = 0, hi = G_N_ELEMENTS(sm3_regs);

    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;

        if (sm3_regs[mid].offset == offset) {
            return &sm3_regs[mid];
        }
        if (sm3_regs[mid].offset < offset) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The PRIQ and MSI registers exist only with the features behind them. */
static bool sm3_reg_present(const Sm3 *s, const Sm3RegDesc *d)
{
    bool priq = d->offset >= SM3_PRIQ_BASE && d->offset <= SM3_PRIQ_IRQ_CFG2;
    bool msi_cfg = d->offset == SM3_GERROR_IRQ_CFG0 ||
                   d->offset == SM3_GERROR_IRQ_CFG1 ||
                   d->offset == SM3_GERROR_IRQ_CFG2 ||
                   d->offset == SM3_EVENTQ_IRQ_CFG0 ||
                   d->offset == SM3_EVENTQ_IRQ_CFG1 ||
                   d->offset == SM3_EVENTQ_IRQ_CFG2 ||
                   d->offset == SM3_PRIQ_IRQ_CFG0 ||
                   d->offset == SM3_PRIQ_IRQ_CFG1 ||
                   d->offset == SM3_PRIQ_IRQ_CFG2;

    if (priq && !sm3_has_pri(&s->f)) {
        return false;
    }
    /*
     * Without MSIs, IRQ_CFG0/1 are RES0; IRQ_CFG2 too (its attributes
     * describe the MSI write).
     */
    return !(msi_cfg && !s->f.msi);
}

void sm3_regs_reset(Sm3 *s)
{
    unsigned i;

    memset(s->regs, 0, sizeof(s->regs));
    for (i = 0; i < G_N_ELEMENTS(sm3_regs); i++) {
        const Sm3RegDesc *d = &sm3_regs[i];

        if (d->size == 8) {
            sm3_set_reg64(s, d->offset, d->reset);
        } else {
            sm3_set_reg32(s, d->offset, (uint32_t)d->reset);
        }
    }
    for (i = 0; i <= 5; i++) {
        sm3_set_reg32(s, SM3_IDR0 + 4 * i, (uint32_t)sm3_idr_value(&s->f, i));
    }
    sm3_set_reg32(s, SM3_IIDR, s->cfg.iidr ? s->cfg.iidr : SM3_DEFAULT_IIDR);
    sm3_set_reg32(s, SM3_AIDR, sm3_aidr_value(&s->f));
}

/* ---- MMIO ---------------------------------------------------------------- */

/*
 * Page 1 holds only EVENTQ_PROD/CONS and PRIQ_PROD/CONS.  The model also
 * answers them at their page-0 offsets, as some implementations do
 * (Linux's PAGE0_REGS_ONLY option relies on it).
 */
static bool sm3_page1_ok(uint32_t off)
{
    return off == SM3_EVENTQ_PROD || off == SM3_EVENTQ_CONS ||
           off == SM3_PRIQ_PROD || off == SM3_PRIQ_CONS;
}

/*
 * Find the row holding the 4-byte word at @off: the row itself, or the
 * 8-byte row whose upper half it is (@hi set).
 */
static const Sm3RegDesc *sm3_reg_word(const Sm3 *s, uint64_t offset,
                                      bool *hi)
{
    const Sm3RegDesc *d;
    uint32_t off;

    if (offset >= SM3_MMIO_SIZE) {
        return NULL;
    }
    off = (uint32_t)(offset & (SM3_PAGE_SIZE - 1));
    if (offset >= SM3_PAGE_SIZE && !sm3_page1_ok(off)) {
        return NULL;
    }
    if (off >= SM3_REG_SPACE) {
        return NULL;
    }
    *hi = false;
    d = sm3_reg_find(off);
    if (!d && off >= 4) {
        d = sm3_reg_find(off - 4);
        if (d && d->size != 8) {
            d = NULL;
        }
        *hi = true;
    }
    if (d && !sm3_reg_present(s, d)) {
        return NULL;
    }
    return d;
}

static uint32_t sm3_read32(Sm3 *s, uint64_t offset)
{
    bool hi;
    const Sm3RegDesc *d = sm3_reg_word(s, offset, &hi);

    if (!d) {
        sm3_guest_error(s, "smmuv3: read of reserved offset 0x%" PRIx64,
                        offset);
        return 0;
    }
    return sm3_reg32(s, d->offset + (hi ? 4 : 0));
}

/*
 * Bits of row @d a guest write can set on this instance: the table's
 * writable mask, narrowed for queue indexes to the bits IDR1 sizes.
 */
static uint64_t sm3_reg_settable(const Sm3 *s, const Sm3RegDesc *d)
{
    const Sm3QueueDesc *q = sm3_q_of_index_reg(d->offset);

    if (q) {
        return d->writable & (sm3_q_index_bits(s, q) | SM3_Q_OVFLG);
    }
    return d->writable;
}

/* Apply a write of @val (under @bytes_mask) to the whole row @d. */
static void sm3_write_row(Sm3 *s, const Sm3RegDesc *d, uint64_t val,
                          uint64_t bytes_mask)
{
    uint64_t old = d->size == 8 ? sm3_reg64(s, d->offset)
                                : sm3_reg32(s, d->offset);
    uint64_t m = sm3_reg_settable(s, d) & bytes_mask;
    uint64_t v = (old & ~m) | (val & m);

    if (!d->writable) {
        sm3_guest_error(s, "smmuv3: write to read-only %s ignored", d->name);
        return;
    }
    if (sm3_reg_locked(s, d)) {
        sm3_guest_error(s, "smmuv3: write to %s while it is constrained "
                        "(enabled), ignored", d->name);
        return;
    }
    if (d->size == 8) {
        sm3_set_reg64(s, d->offset, v);
    } else {
        sm3_set_reg32(s, d->offset, (uint32_t)v);
    }
    if (d->written) {
        d->written(s, old);
    }
}

static void sm3_write32(Sm3 *s, uint64_t offset, uint32_t val)
{
    bool hi;
    const Sm3RegDesc *d = sm3_reg_word(s, offset, &hi);

    if (!d) {
        sm3_guest_error(s, "smmuv3: write of reserved offset 0x%" PRIx64
                        " ignored", offset);
        return;
    }
    if (hi) {
        sm3_write_row(s, d, (uint64_t)val << 32, UINT64_C(0xffffffff) << 32);
    } else {
        sm3_write_row(s, d, val, d->size == 8 ? UINT64_C(0xffffffff)
                                               : UINT64_MAX);
    }
}

uint64_t sm3_mmio_read(Sm3 *s, uint64_t offset, unsigned size)
{
    if ((size != 4 && size != 8) || (offset & (size - 1))) {
        sm3_guest_error(s, "smmuv3: bad read size %u at 0x%" PRIx64,
                        size, offset);
        return 0;
    }
    if (size == 4) {
        return sm3_read32(s, offset);
    }
    /*
     * A 64-bit access to two 32-bit registers is CONSTRAINED
     * UNPREDICTABLE; the model treats it as two 32-bit accesses.
     */
    return sm3_read32(s, offset) | ((uint64_t)sm3_read32(s, offset + 4) << 32);
}

void sm3_mmio_write(Sm3 *s, uint64_t offset, uint64_t val, unsigned size)
{
    bool hi;
    const Sm3RegDesc *d;

    if ((size != 4 && size != 8) || (offset & (size - 1))) {
        sm3_guest_error(s, "smmuv3: bad write size %u at 0x%" PRIx64,
                        size, offset);
        return;
    }
    if (size == 4) {
        sm3_write32(s, offset, (uint32_t)val);
        return;
    }
    d = sm3_reg_word(s, offset, &hi);
    if (d && d->size == 8 && !hi) {
        sm3_write_row(s, d, val, UINT64_MAX);
        return;
    }
    sm3_write32(s, offset, (uint32_t)val);
    sm3_write32(s, offset + 4, (uint32_t)(val >> 32));
}

/* ---- lifecycle ----------------------------------------------------------- */

char *sm3_config_error(const Sm3Config *cfg)
{
    const Sm3FeatureRule *r = sm3_features_broken_rule(&cfg->features);

    if (r) {
        return g_strdup(r->rule);
    }
    if (!cfg->host.read || !cfg->host.write) {
        return g_strdup("host read and write hooks are required");
    }
    if (cfg->cmdq_timing && !cfg->timing) {
        return g_strdup("cmdq-timing=on needs timing=on: commands take "
                        "the time the timing model gives them");
    }
    if (cfg->timing) {
        char *why = sm_timing_params_error(cfg->timing);

        if (why) {
            return why;
        }
    }
    return sm3_cache_geometry_error(cfg);
}

Sm3 *sm3_new(const Sm3Config *cfg)
{
    char *why = sm3_config_error(cfg);
    Sm3 *s;

    if (why) {
        g_free(why);
        return NULL;
    }
    sm3_xlate_init();
    s = g_new0(Sm3, 1);
    s->cfg = *cfg;
    s->f = cfg->features;
    sm3_caches_new(s);
    if (!sm3_caches_ok(s) || !sm3_timing_new(s)) {
        sm3_caches_free(s);
        sm3_timing_free(s);
        g_free(s);
        return NULL;
    }
    sm3_fast_new(s);
    sm3_reset(s);
    return s;
}

void sm3_free(Sm3 *s)
{
    if (s) {
        sm3_fast_free(s);
        sm3_caches_free(s);
        sm3_timing_free(s);
        g_free(s);
    }
}

void sm3_reset(Sm3 *s)
{
    /* The requesters of stalled transactions get an abort. */
    sm3_stall_terminate_all(s);
    sm3_regs_reset(s);
    memset(s->stalls, 0, sizeof(s->stalls));
    s->atc_inv_error = false;
    s->next_stag = 0;
    sm3_invalidate_all(s);
    if (s->timing) {
        sm_timing_reset(s->timing);     /* idle, micro-TLBs empty */
    }
    s->last_sync_done = 0;
    sm3_cmd_timing_clear(s);
}

/* Runnable commands: queued and, with cmdq_timing, due by now. */
bool sm3_has_pending_work(const Sm3 *s)
{
    return sm3_cmdq_pending(s) &&
           !(s->cfg.cmdq_timing && s->cmd_timed &&
             sm3_timing_now(s) < s->cmd_due);
}

unsigned sm3_process_commands(Sm3 *s, unsigned max)
{
    return sm3_cmdq_run(s, max);
}

Sm3Stats sm3_stats(const Sm3 *s)
{
    Sm3Stats st = s->st;

    st.tlb = sm_cache_stats(s->tlb);
    st.cfg = sm_cache_stats(s->cfgc);
    sm3_walkc_stats(s, &st);
    return st;
}

/* ---- migration ----------------------------------------------------------- */

void sm3_save(const Sm3 *s, Sm3State *st)
{
    unsigned i;

    memset(st, 0, sizeof(*st));
    st->version = SM3_STATE_VERSION;
    memcpy(st->regs, s->regs, sizeof(st->regs));
    st->atc_inv_error = s->atc_inv_error;
    st->next_stag = s->next_stag;
    for (i = 0; i < SM3_MAX_STALLS; i++) {
        st->stalls[i].valid = s->stalls[i].valid;
        st->stalls[i].sid = s->stalls[i].sid;
        st->stalls[i].stag = s->stalls[i].stag;
    }
}

/*
 * Validation of incoming migration state.  The model never indexes
 * anything with a register value unchecked, so what matters is that the
 * state is one this instance could have reached: the source had the same
 * features, every register holds only bits a guest can set, the
 * acknowledgement registers agree with their controls, and stalls and
 * ATC errors exist only with the features and enables behind them.
 */
static uint64_t sm3_state_reg(const Sm3State *st, const Sm3RegDesc *d)
{
    uint64_t v = st->regs[d->offset / 4];

    if (d->size == 8) {
        v |= (uint64_t)st->regs[d->offset / 4 + 1] << 32;
    }
    return v;
}

/* RO registers whose value is state (checked below), not identification */
static bool sm3_ro_is_state(uint32_t off)
{
    return off == SM3_CR0ACK || off == SM3_IRQ_CTRLACK || off == SM3_GERROR;
}

/* Bits of a writable register that the SMMU itself sets. */
static uint64_t sm3_smmu_set_bits(uint32_t off)
{
    return off == SM3_CMDQ_CONS ? SM3_CMDQ_CONS_ERR : 0;
}

static char *sm3_state_row_error(const Sm3 *s, const Sm3State *st,
                                 const Sm3RegDesc *d)
{
    uint64_t settable = sm3_reg_settable(s, d) |
                        sm3_smmu_set_bits(d->offset);
    uint64_t v = sm3_state_reg(st, d);
    uint64_t mine = d->size == 8 ? sm3_reg64(s, d->offset)
                                 : sm3_reg32(s, d->offset);

    if (!d->writable && !sm3_ro_is_state(d->offset) && v != mine) {
        return g_strdup_printf("%s=0x%" PRIx64 ", this instance has 0x%"
                               PRIx64 " (the source ran another "
                               "configuration)", d->name, v, mine);
    }
    if (sm3_q_of_index_reg(d->offset) && (v & ~settable)) {
        return g_strdup_printf("%s=0x%" PRIx64 ": index bits beyond the "
                               "queue sizes IDR1 allows (settable 0x%"
                               PRIx64 ")", d->name, v, settable);
    }
    if (d->writable && (v & ~settable)) {
        return g_strdup_printf("%s=0x%" PRIx64 " sets bits neither guest "
                               "nor SMMU can (settable 0x%" PRIx64 ")",
                               d->name, v, settable);
    }
    return NULL;
}

static char *sm3_state_regs_error(const Sm3 *s, const Sm3State *st)
{
    g_autofree bool *covered = g_new0(bool, SM3_STATE_REGS);
    unsigned i;
    char *why;

    for (i = 0; i < G_N_ELEMENTS(sm3_regs); i++) {
        covered[sm3_regs[i].offset / 4] = true;
        if (sm3_regs[i].size == 8) {
            covered[sm3_regs[i].offset / 4 + 1] = true;
        }
        why = sm3_state_row_error(s, st, &sm3_regs[i]);
        if (why) {
            return why;
        }
    }
    for (i = 0; i < SM3_STATE_REGS; i++) {
        if (!covered[i] && st->regs[i]) {
            return g_strdup_printf("offset 0x%x holds 0x%x: no register "
                                   "there", i * 4, st->regs[i]);
        }
    }
    return NULL;
}

static char *sm3_state_controls_error(const Sm3 *s, const Sm3State *st)
{
    uint32_t cr0 = st->regs[SM3_CR0 / 4];
    uint32_t irq_ctrl = st->regs[SM3_IRQ_CTRL / 4];

    if (cr0 & ~sm3_cr0_valid(s)) {
        return g_strdup_printf("CR0=0x%x enables what this instance lacks",
                               cr0);
    }
    if (st->regs[SM3_CR0ACK / 4] != cr0) {
        return g_strdup_printf("CR0ACK=0x%x differs from CR0=0x%x (the "
                               "model acknowledges at once)",
                               st->regs[SM3_CR0ACK / 4], cr0);
    }
    if (st->regs[SM3_IRQ_CTRLACK / 4] != irq_ctrl) {
        return g_strdup_printf("IRQ_CTRLACK=0x%x differs from "
                               "IRQ_CTRL=0x%x", st->regs[SM3_IRQ_CTRLACK / 4],
                               irq_ctrl);
    }
    if ((st->regs[SM3_GERROR / 4] | st->regs[SM3_GERRORN / 4]) &
        ~(uint32_t)SM3_GERROR_ALL) {
        return g_strdup("GERROR/GERRORN set reserved bits");
    }
    if (sm_get(st->regs[SM3_CMDQ_CONS / 4], SM3_CMDQ_CONS_ERR) >
        SM3_CERROR_ATC_INV_SYNC) {
        return g_strdup_printf("CMDQ_CONS.ERR=0x%x is no CERROR code",
                               (unsigned)sm_get(st->regs[SM3_CMDQ_CONS / 4],
                                                SM3_CMDQ_CONS_ERR));
    }
    if (st->regs[SM3_GBPA / 4] & SM3_GBPA_UPDATE) {
        return g_strdup("GBPA.Update is set (updates complete at once)");
    }
    return NULL;
}

static char *sm3_state_stalls_error(const Sm3 *s, const Sm3State *st)
{
    bool running = st->regs[SM3_CR0ACK / 4] & SM3_CR0_SMMUEN;
    unsigned i, j;

    for (i = 0; i < SM3_MAX_STALLS; i++) {
        const Sm3StallState *a = &st->stalls[i];

        if (!a->valid) {
            continue;
        }
        if (!sm3_has_stall(&s->f) || !running) {
            return g_strdup_printf("stall %u held without %s", i,
                                   running ? "the stall model" : "SMMUEN");
        }
        if (s->f.sidsize < 32 && (a->sid >> s->f.sidsize)) {
            return g_strdup_printf("stall %u: StreamID 0x%x beyond "
                                   "SIDSIZE %u", i, a->sid, s->f.sidsize);
        }
        for (j = 0; j < i; j++) {
            if (st->stalls[j].valid && st->stalls[j].stag == a->stag) {
                return g_strdup_printf("stalls %u and %u share STAG 0x%x",
                                       j, i, a->stag);
            }
        }
    }
    if (st->atc_inv_error && !sm3_has_ats(&s->f)) {
        return g_strdup("an ATC invalidation error without ATS");
    }
    return NULL;
}

char *sm3_state_error(const Sm3 *s, const Sm3State *st)
{
    char *why;

    if (st->version != SM3_STATE_VERSION) {
        return g_strdup_printf("state version %u, expected %u", st->version,
                               SM3_STATE_VERSION);
    }
    why = sm3_state_regs_error(s, st);
    if (!why) {
        why = sm3_state_controls_error(s, st);
    }
    if (!why) {
        why = sm3_state_stalls_error(s, st);
    }
    return why;
}

bool sm3_restore(Sm3 *s, const Sm3State *st)
{
    g_autofree char *why = sm3_state_error(s, st);
    unsigned i;
    uint32_t ids[8];

    if (why) {
        return false;
    }
    /* Identification comes from this instance's features, not the stream */
    for (i = 0; i < 8; i++) {
        ids[i] = sm3_reg32(s, SM3_IDR0 + 4 * i);
    }
    memcpy(s->regs, st->regs, sizeof(s->regs));
    for (i = 0; i < 8; i++) {
        sm3_set_reg32(s, SM3_IDR0 + 4 * i, ids[i]);
    }
    s->atc_inv_error = st->atc_inv_error;
    s->next_stag = st->next_stag;
    for (i = 0; i < SM3_MAX_STALLS; i++) {
        s->stalls[i].valid = st->stalls[i].valid;
        s->stalls[i].sid = st->stalls[i].sid;
        s->stalls[i].stag = st->stalls[i].stag;
    }
    sm3_invalidate_all(s);
    if (s->timing) {
        /* The clock may go back (loadvm): no reservation in its future */
        sm_timing_reset(s->timing);
    }
    sm3_cmd_timing_clear(s);        /* re-timed from the loaded clock */
    return true;
}
