/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 faults: recording context faults (FSR, FAR, FSYNR0 of the bank,
 * CBFRSYNRA in GR1) and global faults (sGFSR, sGFAR, sGFSYNR0..1), the
 * wired interrupts that report them, and stalls (SCTLR.CFCFG) with
 * their RESUME.
 *
 * Recording rule for both: a fault taken while the status register
 * already holds a fault sets only MULTI and leaves the syndrome of the
 * first fault in place, so software reads a consistent record.  Only a
 * recorded context fault stalls, and while a bank holds a transaction
 * (FSR.SS) its other faults set MULTI only, even after software cleared
 * the fault bits: a bank holds at most one transaction, the one its
 * syndrome describes (on hardware the later ones would wait behind it).
 */
#include <glib.h>
#include <string.h>

#include "sm2-internal.h"

/*
 * Global faults: which report and interrupt enables of sCR0 govern each
 * (configuration faults use GCFGFRE/GCFGFIE, the others GFRE/GFIE).
 */
typedef struct Sm2GFaultDesc {
    uint32_t bit;
    const char *name;
    bool config;
} Sm2GFaultDesc;

static const Sm2GFaultDesc sm2_gfaults[] = {
    { SM2_GFSR_ICF,  "ICF",  true },   /* invalid context */
    { SM2_GFSR_USF,  "USF",  false },  /* unidentified stream */
    { SM2_GFSR_SMCF, "SMCF", true },   /* stream match conflict */
    { SM2_GFSR_UCBF, "UCBF", true },   /* unimplemented context bank */
    { SM2_GFSR_UCIF, "UCIF", true },   /* unimplemented context interrupt */
    { SM2_GFSR_CAF,  "CAF",  true },   /* configuration access */
    { SM2_GFSR_EF,   "EF",   false },  /* external */
    { SM2_GFSR_PF,   "PF",   false },  /* permission */
    { SM2_GFSR_UUT,  "UUT",  false },  /* unsupported upstream transaction */
};

static const Sm2GFaultDesc *sm2_gfault(uint32_t bit)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_gfaults); i++) {
        if (sm2_gfaults[i].bit == bit) {
            return &sm2_gfaults[i];
        }
    }
    return &sm2_gfaults[0];
}

const char *sm2_gfsr_name(uint32_t bit)
{
    return sm2_gfault(bit)->name;
}

/* Whether any fault recorded in sGFSR has its interrupt enabled. */
static bool sm2_global_irq_level(const Sm2 *s)
{
    uint32_t gfsr = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SGFSR);
    uint32_t scr0 = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0);
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_gfaults); i++) {
        const Sm2GFaultDesc *g = &sm2_gfaults[i];
        uint32_t ie = g->config ? SM2_SCR0_GCFGFIE : SM2_SCR0_GFIE;

        if ((gfsr & g->bit) && (scr0 & ie)) {
            return true;
        }
    }
    return false;
}

static bool sm2_context_irq_level(const Sm2 *s, unsigned n)
{
    return (sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_SCTLR) & SM2_SCTLR_CFIE) &&
           (sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_FSR) & SM2_FSR_FAULTS);
}

static void sm2_set_irq(Sm2 *s, bool *cur, unsigned line, bool level)
{
    if (*cur == level) {
        return;
    }
    *cur = level;
    if (s->cfg.host.set_irq) {
        s->cfg.host.set_irq(s->cfg.host.opaque, line, level);
    }
}

void sm2_update_irqs(Sm2 *s)
{
    unsigned n;

    sm2_set_irq(s, &s->irq_global, SM2_IRQ_GLOBAL,
                sm2_global_irq_level(s));
    for (n = 0; n < s->f.numcb; n++) {
        sm2_set_irq(s, &s->irq_cb[n], SM2_IRQ_CONTEXT(n),
                    sm2_context_irq_level(s, n));
    }
}

/* The access attributes both syndrome registers carry. */
static uint32_t sm2_access_syndrome(const Sm2Request *req, uint32_t wnr,
                                    uint32_t pnu, uint32_t ind,
                                    uint32_t nsattr)
{
    return (req->write ? wnr : 0) | (req->priv ? pnu : 0) |
           (req->instr ? ind : 0) | nsattr;
}

/*
 * FSYNR0 of a context fault: the level of the faulting descriptor
 * (PLVL), the access (WNR, PnU, InD), NSATTR = 1 (every transaction is
 * Non-secure), PTWF for a fault on a translation table access.
 * S1CBNDX is set by sm2_nested_s2_fault() only.
 */
static uint32_t sm2_fsynr0(const Sm2Request *req, int level, bool ptw)
{
    return (uint32_t)(sm_prep(SM2_FSYNR0_PLVL, level < 0 ? 0 : level) |
                      (ptw ? SM2_FSYNR0_PTWF : 0)) |
           sm2_access_syndrome(req, SM2_FSYNR0_WNR, SM2_FSYNR0_PNU,
                               SM2_FSYNR0_IND, SM2_FSYNR0_NSATTR);
}

/* Hold @req in bank @n until RESUME. */
static void sm2_stall(Sm2 *s, unsigned n, const Sm2Request *req)
{
    s->stall[n] = (Sm2Stall) { .valid = true, .req = *req };
    s->stall_count++;
}

uint64_t sm2_stall_count(const Sm2 *s)
{
    return s->stall_count;
}

Sm2Fault sm2_context_fault(Sm2 *s, unsigned cbndx, uint32_t bit,
                           const Sm2Request *req, int level, bool ptw)
{
    uint32_t fsr = sm2_rd32(s, SM2_SPACE_CB, cbndx, SM2_CB_FSR);
    uint32_t sctlr = sm2_rd32(s, SM2_SPACE_CB, cbndx, SM2_CB_SCTLR);
    uint32_t cbar = sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBAR(cbndx));
    Sm2Fault f = {
        .global = false, .bit = bit, .cbndx = (uint8_t)cbndx,
        .level = (int8_t)level, .abort = (sctlr & SM2_SCTLR_CFRE) != 0,
        .stage2 = sm_get(cbar, SM2_CBAR_TYPE) == SM2_CBAR_TYPE_S2,
    };

    if (s->ats_op) {
        return f;                     /* reported in PAR by sm2-ats */
    }
    if ((fsr & SM2_FSR_FAULTS) || s->stall[cbndx].valid) {
        fsr |= SM2_FSR_MULTI;
    } else {
        fsr |= bit;
        f.recorded = true;
        if (sctlr & SM2_SCTLR_CFCFG) {
            fsr |= SM2_FSR_SS;
            f.stalled = true;
            sm2_stall(s, cbndx, req);
        }
        sm2_wr64(s, SM2_SPACE_CB, cbndx, SM2_CB_FAR, req->iova);
        sm2_wr32(s, SM2_SPACE_CB, cbndx, SM2_CB_FSYNR0,
                 sm2_fsynr0(req, level, ptw));
        sm2_wr32(s, SM2_SPACE_GR1, 0, SM2_CBFRSYNRA(cbndx),
                 (uint32_t)sm_prep(SM2_CBFRSYNRA_SID, req->sid));
    }
    sm2_wr32(s, SM2_SPACE_CB, cbndx, SM2_CB_FSR, fsr);
    sm2_update_irqs(s);
    return f;
}

Sm2Fault sm2_nested_s2_fault(Sm2 *s, unsigned s2cb, unsigned s1cb,
                             uint32_t bit, const Sm2Request *req, int level,
                             bool ptw, uint64_t ipa)
{
    Sm2Fault f = sm2_context_fault(s, s2cb, bit, req, level, ptw);

    f.stage2 = true;
    if (f.recorded) {
        uint32_t fsynr0 = sm2_rd32(s, SM2_SPACE_CB, s2cb, SM2_CB_FSYNR0);

        sm2_wr32(s, SM2_SPACE_CB, s2cb, SM2_CB_FSYNR0,
                 fsynr0 | (uint32_t)sm_prep(SM2_FSYNR0_S1CBNDX, s1cb));
        sm2_wr64(s, SM2_SPACE_CB, s2cb, SM2_CB_IPAFAR, ipa);
    }
    return f;
}

Sm2Fault sm2_global_fault(Sm2 *s, uint32_t bit, const Sm2Request *req)
{
    uint32_t gfsr = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SGFSR);
    uint32_t scr0 = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0);
    uint32_t re = sm2_gfault(bit)->config ? SM2_SCR0_GCFGFRE
                                          : SM2_SCR0_GFRE;
    Sm2Fault f = {
        .global = true, .bit = bit, .level = -1, .abort = (scr0 & re) != 0,
    };

    if (s->ats_op) {
        return f;
    }
    if (gfsr & SM2_GFSR_FAULTS) {
        gfsr |= SM2_GFSR_MULTI;
    } else {
        gfsr |= bit;
        f.recorded = true;
        sm2_wr64(s, SM2_SPACE_GR0, 0, SM2_SGFAR, req->iova);
        sm2_wr32(s, SM2_SPACE_GR0, 0, SM2_SGFSYNR0,
                 sm2_access_syndrome(req, SM2_GFSYNR0_WNR, SM2_GFSYNR0_PNU,
                                     SM2_GFSYNR0_IND, SM2_GFSYNR0_NSATTR));
        sm2_wr32(s, SM2_SPACE_GR0, 0, SM2_SGFSYNR1,
                 (uint32_t)sm_prep(SM2_GFSYNR1_STREAMID, req->sid));
    }
    sm2_wr32(s, SM2_SPACE_GR0, 0, SM2_SGFSR, gfsr);
    sm2_update_irqs(s);
    return f;
}

/*
 * TnR = 1 terminates the held transaction; TnR = 0 retries it: it is
 * translated again with the registers and tables as they are now, so a
 * fault that software did not fix is taken (and stalls) again.  FSR.SS
 * goes with the stall, and only then: writing FSR does not clear it.
 * The retry is no access of the client and is not timed (the timing
 * statistics count what the client asked for).
 */
void sm2_resume(Sm2 *s, unsigned n)
{
    bool terminate = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_RESUME) &
                     SM2_RESUME_TNR;
    Sm2Request req = s->stall[n].req;

    if (!s->stall[n].valid) {
        sm2_guest_error(s, "context bank %u: RESUME with no stalled "
                        "transaction ignored", n);
        return;
    }
    s->stall[n].valid = false;
    sm2_wr32(s, SM2_SPACE_CB, n, SM2_CB_FSR,
             sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_FSR) & ~SM2_FSR_SS);
    sm2_update_irqs(s);
    if (!terminate) {
        sm2_translate_untimed(s, &req);
    }
}

void sm2_stalls_restored(Sm2 *s)
{
    unsigned n;

    for (n = 0; n < s->f.numcb; n++) {
        uint32_t fsr = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_FSR) &
                       ~SM2_FSR_SS;

        sm2_wr32(s, SM2_SPACE_CB, n, SM2_CB_FSR,
                 fsr | (s->stall[n].valid ? SM2_FSR_SS : 0));
    }
}

void sm2_stalls_clear(Sm2 *s)
{
    memset(s->stall, 0, sizeof(*s->stall) * s->f.numcb);
}
