/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 register file: one table row per register (or register array),
 * one write path that applies the writable and write-1-to-clear masks,
 * per-row hooks for side effects.  Also the feature rules, the ID
 * register values and the instance lifecycle.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "sm-walk.h"
#include "sm2-internal.h"

void sm2_guest_error(const Sm2 *s, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    sm_host_log(&s->cfg.host, SM_LOG_GUEST_ERROR, "smmuv2: %s", msg);
    g_free(msg);
}

/* ---- storage ------------------------------------------------------------ */

uint32_t *sm2_space(Sm2 *s, Sm2Space sp, unsigned n)
{
    switch (sp) {
    case SM2_SPACE_GR0:
        return s->gr0;
    case SM2_SPACE_GR1:
        return s->gr1;
    default:
        return s->cb[n];
    }
}

static const uint32_t *sm2_space_c(const Sm2 *s, Sm2Space sp, unsigned n)
{
    return sm2_space((Sm2 *)s, sp, n);
}

uint32_t sm2_rd32(const Sm2 *s, Sm2Space sp, unsigned n, uint32_t off)
{
    return sm2_space_c(s, sp, n)[off / 4];
}

uint64_t sm2_rd64(const Sm2 *s, Sm2Space sp, unsigned n, uint32_t off)
{
    const uint32_t *w = sm2_space_c(s, sp, n);

    return w[off / 4] | (uint64_t)w[off / 4 + 1] << 32;
}

void sm2_wr32(Sm2 *s, Sm2Space sp, unsigned n, uint32_t off, uint32_t v)
{
    sm2_space(s, sp, n)[off / 4] = v;
}

void sm2_wr64(Sm2 *s, Sm2Space sp, unsigned n, uint32_t off, uint64_t v)
{
    uint32_t *w = sm2_space(s, sp, n);

    w[off / 4] = (uint32_t)v;
    w[off / 4 + 1] = (uint32_t)(v >> 32);
}

/* ---- side effects ------------------------------------------------------- */

/* Enables, fault status and SCTLR.CFIE all decide the interrupt levels. */
static void sm2_irqs_written(Sm2 *s, unsigned n, uint64_t old,
                             const Sm2RegDesc *d)
{
    sm2_update_irqs(s);
}

/*
 * Registers that choose how a stream translates (stream matching, S2CR,
 * sCR0, a bank's attributes, tables and enable).  A new configuration
 * needs no TLBI (TLB entries are tagged by bank, VMID and ASID), but
 * answers the host handed out (QEMU's IOMMU notifiers: vhost) are held
 * by address alone: they hear of it as an invalidation of everything.
 */
static void sm2_config_written(Sm2 *s, unsigned n, uint64_t old,
                               const Sm2RegDesc *d)
{
    sm2_config_changed(s);
}

/* sCR0 and SCTLR: the configuration, and the interrupt enables too. */
static void sm2_config_irqs_written(Sm2 *s, unsigned n, uint64_t old,
                                    const Sm2RegDesc *d)
{
    sm2_update_irqs(s);
    sm2_config_changed(s);
}

/*
 * TLBSYNC / sTLBGSYNC: invalidations complete within their own write,
 * so a sync has nothing to wait for and the STATUS registers stay 0.
 */
static void sm2_sync_written(Sm2 *s, unsigned n, uint64_t old,
                             const Sm2RegDesc *d)
{
    sm2_timing_command(s, SM_TIMING_CMD_SYNC);
}

/*
 * The operation registers (TLBI*, ATS*): one hook each for the context
 * bank's, the global TLBIs and the address translation operations,
 * which act on the register they are the hook of.
 */
static void sm2_tlbi_written(Sm2 *s, unsigned n, uint64_t old,
                             const Sm2RegDesc *d)
{
    sm2_tlbi_cb(s, n, d->offset);
}

static void sm2_gtlbi_written(Sm2 *s, unsigned n, uint64_t old,
                              const Sm2RegDesc *d)
{
    sm2_tlbi_global(s, d->offset);
}

static void sm2_ats_op_written(Sm2 *s, unsigned n, uint64_t old,
                               const Sm2RegDesc *d)
{
    sm2_ats_written(s, d->space, n, d->offset);
}

static void sm2_resume_written(Sm2 *s, unsigned n, uint64_t old,
                               const Sm2RegDesc *d)
{
    sm2_resume(s, n);
}

/* ---- the table ---------------------------------------------------------- */

#define SCR0_W   (SM2_SCR0_VMID16EN | SM2_SCR0_SMCFCFG | SM2_SCR0_BSU | \
                  SM2_SCR0_FB | SM2_SCR0_PTM | SM2_SCR0_VMIDPNE | \
                  SM2_SCR0_USFCFG | SM2_SCR0_GCFGFIE | SM2_SCR0_GCFGFRE | \
                  SM2_SCR0_EXIDENABLE | SM2_SCR0_GFIE | SM2_SCR0_GFRE | \
                  SM2_SCR0_CLIENTPD)
#define S2CR_W   (SM2_S2CR_INSTCFG | SM2_S2CR_PRIVCFG | SM2_S2CR_TYPE | \
                  SM2_S2CR_EXIDVALID | SM2_S2CR_CBNDX | SM_MASK(15, 11) | \
                  SM_MASK(9, 8) | SM_MASK(23, 18))
#define CBAR_W   (SM2_CBAR_IRPTNDX | SM2_CBAR_TYPE | SM_MASK(15, 8) | \
                  SM2_CBAR_VMID | SM_MASK(23, 18))
#define SCTLR_W  SM_MASK(30, 0)
#define TCR2_W   (SM2_TCR2_SEP | SM2_TCR2_AS | SM2_TCR2_PASIZE)
#define ALL32    UINT64_C(0xffffffff)
#define ALL64    UINT64_MAX

#define G0(off, sz, cnt, rst, w, w1c, fn, nm) \
    { SM2_SPACE_GR0, off, sz, cnt, rst, w, w1c, fn, nm }
#define G1(off, cnt, w, fn, nm) \
    { SM2_SPACE_GR1, off, 4, cnt, 0, w, 0, fn, nm }
#define CB(off, sz, w, w1c, fn, nm) \
    { SM2_SPACE_CB, off, sz, SM2_ONE, 0, w, w1c, fn, nm }
#define RO0(off, nm)  G0(off, 4, SM2_ONE, 0, 0, 0, NULL, nm)
/* Read-only results the model writes (PAR, sGPAR): bits @hw it sets */
#define HW0(off, sz, hw, nm) \
    { SM2_SPACE_GR0, off, sz, SM2_ONE, .name = nm, .hw_set = hw }
#define HWCB(off, sz, hw, nm) \
    { SM2_SPACE_CB, off, sz, SM2_ONE, .name = nm, .hw_set = hw }
/*
 * Write-only operations (TLBI*, *SYNC, ATS*, RESUME): global and context
 * bank ones
 */
#define OP0(off, sz, fn, nm) \
    { SM2_SPACE_GR0, off, sz, SM2_ONE, 0, sz == 8 ? ALL64 : ALL32, 0, fn, \
      nm, true }
#define OPCB(off, sz, fn, nm) \
    { SM2_SPACE_CB, off, sz, SM2_ONE, 0, sz == 8 ? ALL64 : ALL32, 0, fn, \
      nm, true }

/*
 * Reset values: sCR0.CLIENTPD = 1 (clients bypass until software enables
 * the SMMU, as Linux expects when it clears CLIENTPD in its reset), and
 * S2CRn.TYPE = fault, so that a stream matched before software wrote
 * its S2CR goes nowhere.
 */
static const Sm2RegDesc sm2_regs[] = {
    G0(SM2_SCR0, 4, SM2_ONE, SM2_SCR0_CLIENTPD, SCR0_W, 0,
       sm2_config_irqs_written, "sCR0"),
    G0(SM2_SACR, 4, SM2_ONE, 0, ALL32, 0, NULL, "sACR"),
    RO0(SM2_SIDR0, "sIDR0"),
    RO0(SM2_SIDR1, "sIDR1"),
    RO0(SM2_SIDR2, "sIDR2"),
    RO0(SM2_SIDR0 + 0xc, "sIDR3"),
    RO0(SM2_SIDR0 + 0x10, "sIDR4"),
    RO0(SM2_SIDR0 + 0x14, "sIDR5"),
    RO0(SM2_SIDR0 + 0x18, "sIDR6"),
    RO0(SM2_SIDR7, "sIDR7"),
    G0(SM2_SGFAR, 8, SM2_ONE, 0, ALL64, 0, NULL, "sGFAR"),
    G0(SM2_SGFSR, 4, SM2_ONE, 0, 0, SM2_GFSR_FAULTS | SM2_GFSR_MULTI,
       sm2_irqs_written, "sGFSR"),
    /* sGFSRRESTORE writes sGFSR directly (fault injection by software) */
    G0(SM2_SGFSRRESTORE, 4, SM2_ONE, 0, SM2_GFSR_FAULTS | SM2_GFSR_MULTI,
       0, NULL, "sGFSRRESTORE"),
    G0(SM2_SGFSYNR0, 4, SM2_ONE, 0, ALL32, 0, NULL, "sGFSYNR0"),
    G0(SM2_SGFSYNR1, 4, SM2_ONE, 0, ALL32, 0, NULL, "sGFSYNR1"),
    G0(SM2_SGFSYNR2, 4, SM2_ONE, 0, ALL32, 0, NULL, "sGFSYNR2"),
    OP0(SM2_TLBIVMID, 4, sm2_gtlbi_written, "TLBIVMID"),
    OP0(SM2_TLBIALLNSNH, 4, sm2_gtlbi_written, "TLBIALLNSNH"),
    OP0(SM2_TLBIALLH, 4, sm2_gtlbi_written, "TLBIALLH"),
    OP0(SM2_STLBGSYNC, 4, sm2_sync_written, "sTLBGSYNC"),
    RO0(SM2_STLBGSTATUS, "sTLBGSTATUS"),
    OP0(SM2_SGATS1UR, 8, sm2_ats_op_written, "sGATS1UR"),
    OP0(SM2_SGATS1UW, 8, sm2_ats_op_written, "sGATS1UW"),
    OP0(SM2_SGATS1PR, 8, sm2_ats_op_written, "sGATS1PR"),
    OP0(SM2_SGATS1PW, 8, sm2_ats_op_written, "sGATS1PW"),
    OP0(SM2_SGATS12UR, 8, sm2_ats_op_written, "sGATS12UR"),
    OP0(SM2_SGATS12UW, 8, sm2_ats_op_written, "sGATS12UW"),
    OP0(SM2_SGATS12PR, 8, sm2_ats_op_written, "sGATS12PR"),
    OP0(SM2_SGATS12PW, 8, sm2_ats_op_written, "sGATS12PW"),
    HW0(SM2_SGPAR, 8, ALL64, "sGPAR"),
    RO0(SM2_SGATSR, "sGATSR"),
    G0(SM2_SMR(0), 4, SM2_PER_SMRG, 0, ALL32, 0, sm2_config_written, "SMR"),
    G0(SM2_S2CR(0), 4, SM2_PER_SMRG, 0x00020000, S2CR_W, 0,
       sm2_config_written, "S2CR"),
    G1(SM2_CBAR(0), SM2_PER_CB, CBAR_W, sm2_config_written, "CBAR"),
    { SM2_SPACE_GR1, SM2_CBFRSYNRA(0), 4, SM2_PER_CB, .name = "CBFRSYNRA",
      .hw_set = SM2_CBFRSYNRA_SID },
    G1(SM2_CBA2R(0), SM2_PER_CB, SM2_CBA2R_VMID16 | SM2_CBA2R_VA64,
       sm2_config_written, "CBA2R"),
    CB(SM2_CB_SCTLR, 4, SCTLR_W, 0, sm2_config_irqs_written, "SCTLR"),
    CB(SM2_CB_ACTLR, 4, ALL32, 0, NULL, "ACTLR"),
    OPCB(SM2_CB_RESUME, 4, sm2_resume_written, "RESUME"),
    CB(SM2_CB_TCR2, 4, TCR2_W, 0, sm2_config_written, "TCR2"),
    CB(SM2_CB_TTBR0, 8, ALL64, 0, sm2_config_written, "TTBR0"),
    CB(SM2_CB_TTBR1, 8, ALL64, 0, sm2_config_written, "TTBR1"),
    CB(SM2_CB_TCR, 4, ALL32, 0, sm2_config_written, "TCR"),
    CB(SM2_CB_CONTEXTIDR, 4, ALL32, 0, NULL, "CONTEXTIDR"),
    CB(SM2_CB_MAIR0, 4, ALL32, 0, NULL, "MAIR0"),
    CB(SM2_CB_MAIR1, 4, ALL32, 0, NULL, "MAIR1"),
    HWCB(SM2_CB_PAR, 8, ALL64, "PAR"),
    /* FSR.SS follows the held transaction: RESUME clears it, not FSR */
    CB(SM2_CB_FSR, 4, 0, SM2_FSR_FAULTS | SM2_FSR_MULTI, sm2_irqs_written,
       "FSR"),
    CB(SM2_CB_FSRRESTORE, 4, SM2_FSR_FAULTS | SM2_FSR_MULTI, 0, NULL,
       "FSRRESTORE"),
    CB(SM2_CB_FAR, 8, ALL64, 0, NULL, "FAR"),
    CB(SM2_CB_FSYNR0, 4, ALL32, 0, NULL, "FSYNR0"),
    CB(SM2_CB_FSYNR1, 4, ALL32, 0, NULL, "FSYNR1"),
    CB(SM2_CB_IPAFAR, 8, ALL64, 0, NULL, "IPAFAR"),
    OPCB(SM2_CB_TLBIVA, 8, sm2_tlbi_written, "TLBIVA"),
    OPCB(SM2_CB_TLBIVAA, 8, sm2_tlbi_written, "TLBIVAA"),
    OPCB(SM2_CB_TLBIASID, 4, sm2_tlbi_written, "TLBIASID"),
    OPCB(SM2_CB_TLBIALL, 4, sm2_tlbi_written, "TLBIALL"),
    OPCB(SM2_CB_TLBIVAL, 8, sm2_tlbi_written, "TLBIVAL"),
    OPCB(SM2_CB_TLBIVAAL, 8, sm2_tlbi_written, "TLBIVAAL"),
    OPCB(SM2_CB_TLBIIPAS2, 8, sm2_tlbi_written, "TLBIIPAS2"),
    OPCB(SM2_CB_TLBIIPAS2L, 8, sm2_tlbi_written, "TLBIIPAS2L"),
    OPCB(SM2_CB_TLBSYNC, 4, sm2_sync_written, "TLBSYNC"),
    CB(SM2_CB_TLBSTATUS, 4, 0, 0, NULL, "TLBSTATUS"),
    OPCB(SM2_CB_ATS1PR, 8, sm2_ats_op_written, "ATS1PR"),
    OPCB(SM2_CB_ATS1PW, 8, sm2_ats_op_written, "ATS1PW"),
    OPCB(SM2_CB_ATS1UR, 8, sm2_ats_op_written, "ATS1UR"),
    OPCB(SM2_CB_ATS1UW, 8, sm2_ats_op_written, "ATS1UW"),
    CB(SM2_CB_ATSR, 4, 0, 0, NULL, "ATSR"),
};

const Sm2RegDesc *sm2_reg_table(unsigned *n)
{
    *n = G_N_ELEMENTS(sm2_regs);
    return sm2_regs;
}

/*
 * Registers whose writes only act (TLBI*, *SYNC, ATS*, RESUME) read as
 * zero: their
 * storage holds the operand only for the hook.
 */
static bool sm2_reg_write_only(const Sm2RegDesc *d)
{
    return d->write_only;
}

static unsigned sm2_reg_count(const Sm2 *s, const Sm2RegDesc *d)
{
    switch (d->count) {
    case SM2_PER_SMRG:
        return s->f.numsmrg;
    case SM2_PER_CB:
        return s->f.numcb;
    default:
        return 1;
    }
}

/*
 * The row holding the 32-bit word at @off of space @sp: the row (array
 * index in @idx) and whether @off is the upper half of a 64-bit row.
 */
static const Sm2RegDesc *sm2_reg_word(const Sm2 *s, Sm2Space sp,
                                      uint32_t off, unsigned *idx, bool *hi)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_regs); i++) {
        const Sm2RegDesc *d = &sm2_regs[i];
        uint32_t span = d->size * sm2_reg_count(s, d);

        if (d->space != sp || off < d->offset || off >= d->offset + span) {
            continue;
        }
        *idx = d->count == SM2_ONE ? 0 : (off - d->offset) / 4;
        *hi = d->size == 8 && off == d->offset + 4u;
        return d;
    }
    return NULL;
}

/* ---- feature-dependent masks -------------------------------------------- */

/* SMR bits that hold state: as many ID and mask bits as NUMSIDB. */
static uint64_t sm2_smr_settable(const Sm2 *s)
{
    unsigned bits;

    if (s->f.exids) {
        return ALL32;
    }
    bits = MIN(s->f.numsidb, 15u);
    return SM2_SMR_VALID | sm_low_mask(bits) << 16 | sm_low_mask(bits);
}

static uint64_t sm2_reg_settable(const Sm2 *s, const Sm2RegDesc *d,
                                 unsigned n)
{
    uint64_t w = d->writable;

    if (d->space == SM2_SPACE_GR0 && d->offset == SM2_SCR0) {
        w &= ~((s->f.vmid16 ? 0 : SM2_SCR0_VMID16EN) |
               (s->f.exids ? 0 : SM2_SCR0_EXIDENABLE));
    } else if (d->space == SM2_SPACE_GR0 && d->offset == SM2_SMR(0)) {
        w &= sm2_smr_settable(s);
    } else if (d->space == SM2_SPACE_GR1 && d->offset == SM2_CBAR(0) &&
               n < s->f.nums2cb) {
        w &= ~SM2_CBAR_TYPE;         /* stage-2-only banks stay TYPE 0 */
    } else if (d->space == SM2_SPACE_GR1 && d->offset == SM2_CBA2R(0) &&
               !s->f.vmid16) {
        w &= ~SM2_CBA2R_VMID16;
    }
    return w;
}

/* ---- write path --------------------------------------------------------- */

static uint32_t sm2_row_offset(const Sm2RegDesc *d, unsigned n)
{
    return d->space == SM2_SPACE_CB ? d->offset : d->offset + 4 * n;
}

/*
 * Apply @val under @bytes to row @d (instance @n; @bank for context bank
 * rows).  Hooks of 64-bit operation rows run once the upper word is
 * written, so a TLBI or ATS1* written as two 32-bit halves acts once,
 * on its whole operand; those of other rows run on either half (a new
 * TTBR0 low word alone is a new table base).
 */
static void sm2_write_row(Sm2 *s, const Sm2RegDesc *d, unsigned n,
                          unsigned bank, uint64_t val, uint64_t bytes)
{
    Sm2Space sp = d->space;
    unsigned sn = sp == SM2_SPACE_CB ? bank : 0;
    uint32_t off = sm2_row_offset(d, n);
    uint64_t old = d->size == 8 ? sm2_rd64(s, sp, sn, off)
                                : sm2_rd32(s, sp, sn, off);
    uint64_t m = sm2_reg_settable(s, d, n) & bytes;
    uint64_t v = (old & ~m) | (val & m);

    if (!d->writable && !d->w1c) {
        sm2_guest_error(s, "write to read-only %s ignored", d->name);
        return;
    }
    v &= ~(val & d->w1c & bytes);
    if (d->size == 8) {
        sm2_wr64(s, sp, sn, off, v);
    } else {
        sm2_wr32(s, sp, sn, off, (uint32_t)v);
    }
    if (d->space == SM2_SPACE_GR0 && d->offset == SM2_SGFSRRESTORE) {
        sm2_wr32(s, sp, 0, SM2_SGFSR, (uint32_t)v);
        sm2_update_irqs(s);
    }
    if (d->space == SM2_SPACE_CB && d->offset == SM2_CB_FSRRESTORE) {
        uint32_t ss = sm2_rd32(s, sp, bank, SM2_CB_FSR) & SM2_FSR_SS;

        sm2_wr32(s, sp, bank, SM2_CB_FSR, (uint32_t)v | ss);
        sm2_update_irqs(s);
    }
    if (d->written && (!d->write_only || d->size == 4 || (bytes >> 32))) {
        d->written(s, sp == SM2_SPACE_CB ? bank : n, old, d);
    }
}

/* ---- MMIO decode -------------------------------------------------------- */

static unsigned sm2_page_shift(const Sm2Features *f)
{
    return f->pagesize_64k ? 16 : 12;
}

static unsigned sm2_numpage(const Sm2Features *f)
{
    return 1u << (f->numpagendxb + 1);
}

uint64_t sm2_mmio_size(const Sm2 *s)
{
    return (uint64_t)2 * sm2_numpage(&s->f) << sm2_page_shift(&s->f);
}

/*
 * The space (and context bank) of frame offset @offset; false for the
 * pages the model leaves empty (IMPLEMENTATION DEFINED global pages,
 * banks past NUMCB, offsets past 4KiB of a page).
 */
static bool sm2_decode(const Sm2 *s, uint64_t offset, Sm2Space *sp,
                       unsigned *bank, uint32_t *off)
{
    unsigned shift = sm2_page_shift(&s->f);
    uint64_t page = offset >> shift;

    *off = (uint32_t)(offset & ((UINT64_C(1) << shift) - 1));
    *bank = 0;
    if (offset >= sm2_mmio_size(s) || *off >= 4 * SM2_SPACE_WORDS) {
        return false;
    }
    if (page == 0 || page == 1) {
        *sp = page == 0 ? SM2_SPACE_GR0 : SM2_SPACE_GR1;
        return true;
    }
    if (page < sm2_numpage(&s->f) || page - sm2_numpage(&s->f) >= s->f.numcb) {
        return false;
    }
    *sp = SM2_SPACE_CB;
    *bank = (unsigned)(page - sm2_numpage(&s->f));
    return true;
}

/* Where frame offset @offset lands: its row, or NULL (reserved). */
typedef struct Sm2Loc {
    Sm2Space sp;
    unsigned bank;           /* context bank of SM2_SPACE_CB */
    unsigned n;              /* array index */
    uint32_t off;            /* offset within the space */
    bool hi;                 /* upper word of a 64-bit row */
} Sm2Loc;

static const Sm2RegDesc *sm2_locate(const Sm2 *s, uint64_t offset,
                                    Sm2Loc *l)
{
    if (!sm2_decode(s, offset, &l->sp, &l->bank, &l->off)) {
        return NULL;
    }
    return sm2_reg_word(s, l->sp, l->off, &l->n, &l->hi);
}

static uint32_t sm2_read32(Sm2 *s, uint64_t offset)
{
    Sm2Loc l;
    const Sm2RegDesc *d = sm2_locate(s, offset, &l);

    if (!d) {
        sm2_guest_error(s, "read of reserved offset 0x%" PRIx64, offset);
        return 0;
    }
    return sm2_reg_write_only(d) ? 0 : sm2_rd32(s, l.sp, l.bank, l.off);
}

static void sm2_write32(Sm2 *s, uint64_t offset, uint32_t val)
{
    Sm2Loc l;
    const Sm2RegDesc *d = sm2_locate(s, offset, &l);

    if (!d) {
        sm2_guest_error(s, "write of reserved offset 0x%" PRIx64 " ignored",
                        offset);
        return;
    }
    if (l.hi) {
        sm2_write_row(s, d, l.n, l.bank, (uint64_t)val << 32, ALL32 << 32);
    } else {
        sm2_write_row(s, d, l.n, l.bank, val, ALL32);
    }
}

static bool sm2_access_ok(Sm2 *s, uint64_t offset, unsigned size)
{
    if ((size != 4 && size != 8) || (offset & (size - 1))) {
        sm2_guest_error(s, "bad access size %u at 0x%" PRIx64, size, offset);
        return false;
    }
    return true;
}

uint64_t sm2_mmio_read(Sm2 *s, uint64_t offset, unsigned size)
{
    if (!sm2_access_ok(s, offset, size)) {
        return 0;
    }
    if (size == 4) {
        return sm2_read32(s, offset);
    }
    return sm2_read32(s, offset) | (uint64_t)sm2_read32(s, offset + 4) << 32;
}

/*
 * A 64-bit access to a 64-bit register is one write of the row; to a
 * pair of 32-bit registers it acts as two 32-bit writes.
 */
void sm2_mmio_write(Sm2 *s, uint64_t offset, uint64_t val, unsigned size)
{
    Sm2Loc l;
    const Sm2RegDesc *d;

    if (!sm2_access_ok(s, offset, size)) {
        return;
    }
    d = size == 8 ? sm2_locate(s, offset, &l) : NULL;
    if (d && d->size == 8 && !l.hi) {
        sm2_write_row(s, d, l.n, l.bank, val, ALL64);
        return;
    }
    sm2_write32(s, offset, (uint32_t)val);
    if (size == 8) {
        sm2_write32(s, offset + 4, (uint32_t)(val >> 32));
    }
}

/* ---- identification ----------------------------------------------------- */

static unsigned sm2_size_enc(unsigned bits)
{
    int e = sm_pa_size_encoding(bits);

    return e < 0 ? 0 : (unsigned)e;
}

/*
 * sIDR0.NUMSIDB is 4 bits wide: 16 StreamID bits (only with EXIDS, which
 * itself tells software that StreamIDs have 16 bits) read as 15, the
 * largest value the field holds, not as 16 truncated to 0.
 */
static unsigned sm2_idr_numsidb(const Sm2Features *f)
{
    return MIN(f->numsidb, 15u);
}

uint32_t sm2_idr_value(const Sm2Features *f, unsigned i)
{
    uint64_t v = 0;

    switch (i) {
    case 0:
        v = (f->s1 ? SM2_IDR0_S1TS : 0) | (f->s2 ? SM2_IDR0_S2TS : 0) |
            (f->nested ? SM2_IDR0_NTS : 0) | SM2_IDR0_SMS |
            (f->atosns ? SM2_IDR0_ATOSNS : 0) |
            sm_prep(SM2_IDR0_PTFS, SM2_PTFS_AARCH64_ONLY) |
            sm_prep(SM2_IDR0_NUMIRPT, f->numcb) | SM2_IDR0_CTTW |
            sm_prep(SM2_IDR0_NUMSIDB, sm2_idr_numsidb(f)) |
            (f->exids ? SM2_IDR0_EXIDS : 0) |
            sm_prep(SM2_IDR0_NUMSMRG, f->numsmrg);
        break;
    case 1:
        v = (f->pagesize_64k ? SM2_IDR1_PAGESIZE : 0) |
            sm_prep(SM2_IDR1_NUMPAGENDXB, f->numpagendxb) |
            sm_prep(SM2_IDR1_NUMS2CB, f->nums2cb) |
            sm_prep(SM2_IDR1_NUMCB, f->numcb);
        break;
    case 2:
        v = (f->vmid16 ? SM2_IDR2_VMID16 : 0) |
            (f->ptfs_64k ? SM2_IDR2_PTFS_64K : 0) |
            (f->ptfs_16k ? SM2_IDR2_PTFS_16K : 0) |
            (f->ptfs_4k ? SM2_IDR2_PTFS_4K : 0) |
            sm_prep(SM2_IDR2_UBS, sm2_size_enc(f->ubs_bits)) |
            sm_prep(SM2_IDR2_OAS, sm2_size_enc(f->oas_bits)) |
            sm_prep(SM2_IDR2_IAS, sm2_size_enc(f->ias_bits));
        break;
    }
    return (uint32_t)v;
}

/* ---- configuration rules ------------------------------------------------ */

void sm2_features_default(Sm2Features *f)
{
    *f = (Sm2Features) {
        .s1 = true, .s2 = true, .atosns = true, .vmid16 = true,
        .numsidb = 15, .numsmrg = 48, .numcb = 16, .nums2cb = 4,
        .numpagendxb = 3, .ias_bits = 48, .oas_bits = 48, .ubs_bits = 48,
        .ptfs_4k = true, .ptfs_16k = true, .ptfs_64k = true,
    };
}

static bool sm2_size_ok(unsigned bits)
{
    return bits <= 48 && sm_pa_size_encoding(bits) >= 0;
}

/* One rule between features: broken(f) names a violation. */
typedef struct Sm2Rule {
    bool (*broken)(const Sm2Features *f);
    const char *text;
} Sm2Rule;

static bool r_stage(const Sm2Features *f) { return !f->s1 && !f->s2; }
static bool r_nested(const Sm2Features *f)
{
    return f->nested && (!f->s1 || !f->s2);
}
static bool r_smrg(const Sm2Features *f)
{
    return f->numsmrg < 1 || f->numsmrg > 128;
}
static bool r_cb(const Sm2Features *f)
{
    return f->numcb < 1 || f->numcb > 128;
}
static bool r_s2cb(const Sm2Features *f)
{
    return f->nums2cb > f->numcb || (!f->s2 && f->nums2cb) ||
           (!f->s1 && f->nums2cb != f->numcb);
}
static bool r_sidb(const Sm2Features *f)
{
    return f->numsidb < 1 || f->numsidb > (f->exids ? 16 : 15);
}
static bool r_pages(const Sm2Features *f)
{
    return f->numpagendxb > 7 || f->numcb > sm2_numpage(f);
}
static bool r_sizes(const Sm2Features *f)
{
    return !sm2_size_ok(f->ias_bits) || !sm2_size_ok(f->oas_bits) ||
           !sm2_size_ok(f->ubs_bits);
}
static bool r_granule(const Sm2Features *f)
{
    return !f->ptfs_4k && !f->ptfs_16k && !f->ptfs_64k;
}
static bool r_atos(const Sm2Features *f) { return !f->atosns && !f->s1; }

static const Sm2Rule sm2_rules[] = {
    { r_stage, "s1, s2: at least one translation stage (sIDR0.S1TS/S2TS)" },
    { r_nested, "nested: needs both s1 and s2 (sIDR0.NTS)" },
    { r_smrg, "numsmrg: 1..128 stream match groups (sIDR0.NUMSMRG)" },
    { r_cb, "numcb: 1..128 context banks (sIDR1.NUMCB)" },
    { r_s2cb, "nums2cb: at most numcb, 0 without s2, numcb without s1 "
              "(sIDR1.NUMS2CB)" },
    { r_sidb, "numsidb: 1..15 StreamID bits, 16 only with exids "
              "(sIDR0.NUMSIDB)" },
    { r_pages, "numpagendxb: 0..7, and numcb at most 2^(numpagendxb+1) "
               "(one page per context bank, sIDR1.NUMPAGENDXB)" },
    { r_sizes, "ias, oas, ubs: each one of 32, 36, 40, 42, 44 or 48 bits "
               "(sIDR2.IAS/OAS/UBS)" },
    { r_granule, "ptfs_4k, ptfs_16k, ptfs_64k: at least one AArch64 "
                 "granule (sIDR2.PTFS)" },
    { r_atos, "atos: address translation operations (atosns clear) need "
              "stage 1 (sIDR0.ATOSNS means nothing without S1TS)" },
};

/*
 * The TLB is checked as sm2_new() builds it, defaults included: a policy
 * sm-cache does not know is refused with the default geometry too.
 */
char *sm2_config_error(const Sm2Config *cfg)
{
    unsigned i;
    SmCacheParams p = sm2_tlb_params(cfg);
    const char *why;

    for (i = 0; i < G_N_ELEMENTS(sm2_rules); i++) {
        if (sm2_rules[i].broken(&cfg->features)) {
            return g_strdup(sm2_rules[i].text);
        }
    }
    if (!cfg->tlb_entries && cfg->tlb_ways) {
        return g_strdup("tlb_ways: only together with tlb_entries");
    }
    if (cfg->timing) {
        g_autofree char *t = sm_timing_params_error(cfg->timing);

        if (t) {
            return g_strdup_printf("timing: %s", t);
        }
    }
    why = sm_cache_check_params(&p);
    return why ? g_strdup_printf("tlb_entries, tlb_ways, policy: %s", why)
               : NULL;
}

/* ---- lifecycle ---------------------------------------------------------- */

static void sm2_regs_reset(Sm2 *s)
{
    unsigned i, n, bank;

    memset(s->gr0, 0, sizeof(s->gr0));
    memset(s->gr1, 0, sizeof(s->gr1));
    memset(s->cb, 0, sizeof(*s->cb) * s->f.numcb);
    for (i = 0; i < G_N_ELEMENTS(sm2_regs); i++) {
        const Sm2RegDesc *d = &sm2_regs[i];

        for (n = 0; n < sm2_reg_count(s, d) && d->reset; n++) {
            for (bank = 0; bank < (d->space == SM2_SPACE_CB ? s->f.numcb : 1);
                 bank++) {
                sm2_wr32(s, d->space, bank, sm2_row_offset(d, n),
                         (uint32_t)d->reset);
            }
        }
    }
    for (i = 0; i < 3; i++) {
        sm2_wr32(s, SM2_SPACE_GR0, 0, SM2_SIDR0 + 4 * i,
                 sm2_idr_value(&s->f, i));
    }
}

void sm2_reset(Sm2 *s)
{
    sm2_regs_reset(s);
    sm2_streams_forget(s);
    sm2_stalls_clear(s);
    sm2_timing_reset(s);
    sm_cache_invalidate_all(s->tlb);
    sm2_update_irqs(s);
}

/*
 * The state is every word of the rows software can change (writable or
 * write-1-to-clear bits) or the model sets (CBFRSYNRA, which holds the
 * StreamID of a fault FSR still reports; PAR and sGPAR), in table
 * order, context bank rows bank by bank, then the stalled transactions
 * (SM2_STALL_WORDS per bank).  Operation registers (TLBI*, ATS*, RESUME)
 * hold no state.  The ID registers follow from the features; the TLB is
 * a cache.
 */
static uint64_t sm2_state_mask(const Sm2 *s, const Sm2RegDesc *d,
                               unsigned n)
{
    if (d->write_only) {
        return 0;
    }
    return sm2_reg_settable(s, d, n) | d->w1c | d->hw_set;
}

typedef struct Sm2StateCursor {
    uint32_t *out;                    /* sm2_save: where words go */
    const uint32_t *in;               /* sm2_restore: where they come from */
    size_t n;
} Sm2StateCursor;

static void sm2_state_word(Sm2 *s, Sm2Space sp, unsigned bank, uint32_t off,
                           uint32_t mask, Sm2StateCursor *c)
{
    uint32_t *w = &sm2_space(s, sp, bank)[off / 4];

    if (c->out) {
        c->out[c->n] = *w;
    } else if (c->in) {
        *w = (*w & ~mask) | (c->in[c->n] & mask);
    }
    c->n++;
}

/*
 * A stalled transaction as words: flags (valid, write, instr, priv),
 * StreamID, address low and high.  Restored flags and StreamID are
 * masked to what a transaction can carry.
 */
#define SM2_STALL_WORDS 4
enum { STALL_VALID = 1, STALL_WRITE = 2, STALL_INSTR = 4, STALL_PRIV = 8 };

static void sm2_stall_state(Sm2 *s, unsigned n, Sm2StateCursor *c)
{
    Sm2Stall *st = &s->stall[n];
    uint32_t w[SM2_STALL_WORDS] = {
        (st->valid ? STALL_VALID : 0) | (st->req.write ? STALL_WRITE : 0) |
        (st->req.instr ? STALL_INSTR : 0) | (st->req.priv ? STALL_PRIV : 0),
        st->req.sid, (uint32_t)st->req.iova, (uint32_t)(st->req.iova >> 32),
    };
    unsigned i;

    for (i = 0; i < SM2_STALL_WORDS; i++, c->n++) {
        if (c->out) {
            c->out[c->n] = w[i];
        } else if (c->in) {
            w[i] = c->in[c->n];
        }
    }
    if (c->in) {
        *st = (Sm2Stall) {
            .valid = w[0] & STALL_VALID,
            .req = {
                .sid = w[1] & UINT16_MAX,
                .iova = w[2] | (uint64_t)w[3] << 32,
                .write = w[0] & STALL_WRITE, .instr = w[0] & STALL_INSTR,
                .priv = w[0] & STALL_PRIV,
            },
        };
    }
}

static void sm2_state_walk(Sm2 *s, Sm2StateCursor *c)
{
    unsigned i, n, bank;

    for (i = 0; i < G_N_ELEMENTS(sm2_regs); i++) {
        const Sm2RegDesc *d = &sm2_regs[i];
        unsigned banks = d->space == SM2_SPACE_CB ? s->f.numcb : 1;

        if (!sm2_state_mask(s, d, 0)) {
            continue;
        }
        for (bank = 0; bank < banks; bank++) {
            for (n = 0; n < sm2_reg_count(s, d); n++) {
                uint64_t mask = sm2_state_mask(s, d, n);
                uint32_t off = sm2_row_offset(d, n);

                sm2_state_word(s, d->space, bank, off, (uint32_t)mask, c);
                if (d->size == 8) {
                    sm2_state_word(s, d->space, bank, off + 4,
                                   (uint32_t)(mask >> 32), c);
                }
            }
        }
    }
    for (bank = 0; bank < s->f.numcb; bank++) {
        sm2_stall_state(s, bank, c);
    }
}

size_t sm2_state_words(const Sm2 *s)
{
    Sm2StateCursor c = { 0 };

    sm2_state_walk((Sm2 *)s, &c);
    return c.n;
}

void sm2_save(const Sm2 *s, uint32_t *words)
{
    Sm2StateCursor c = { .out = words };

    sm2_state_walk((Sm2 *)s, &c);
}

/*
 * Only the bits software (or a fault) could have set are taken from
 * @words, so a corrupt stream cannot give the registers values no write
 * could.
 */
void sm2_restore(Sm2 *s, const uint32_t *words)
{
    Sm2StateCursor c = { .in = words };

    sm2_regs_reset(s);
    sm2_streams_forget(s);
    sm2_state_walk(s, &c);
    sm2_stalls_restored(s);
    sm_cache_invalidate_all(s->tlb);
    sm2_update_irqs(s);
}

Sm2 *sm2_new(const Sm2Config *cfg)
{
    char *err = sm2_config_error(cfg);
    Sm2 *s;

    if (err) {
        g_free(err);
        return NULL;
    }
    s = g_new0(Sm2, 1);
    s->cfg = *cfg;
    s->f = cfg->features;
    s->cb = g_malloc0_n(s->f.numcb, sizeof(*s->cb));
    s->irq_cb = g_new0(bool, s->f.numcb);
    s->stall = g_new0(Sm2Stall, s->f.numcb);
    if (!sm2_tlb_new(s) || !sm2_timing_new(s) || !sm2_streams_new(s)) {
        sm2_free(s);
        return NULL;
    }
    sm2_regs_reset(s);
    return s;
}

void sm2_free(Sm2 *s)
{
    if (!s) {
        return;
    }
    sm_cache_free(s->tlb);
    sm2_timing_free(s);
    g_free(s->cb);
    g_free(s->irq_cb);
    g_free(s->stall);
    g_free(s->streams);
    g_free(s);
}

SmCacheStats sm2_tlb_stats(const Sm2 *s)
{
    return sm_cache_stats(s->tlb);
}
