/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 address translation operations: software writes an input
 * address to ATS1PR/PW/UR/UW of a context bank (stage 1 of that bank)
 * or to GATS1* / GATS12* of GR0 (with the bank in the operand), and
 * reads the output address or the fault from PAR (sGPAR).
 *
 * The operations complete within their write, so ATSR and sGATSR read
 * 0.  They walk the tables without the TLB and record no fault (as
 * SMMUv3's ATOS does): PAR carries it instead, in the layout of
 * sm2-regs.h (docs/smmuv2-model.md).
 */
#include <glib.h>
#include <inttypes.h>

#include "sm2-internal.h"

/* One operation register: where it is and the access it asks for. */
typedef struct Sm2AtsOp {
    Sm2Space space;          /* SM2_SPACE_CB: ATS1* of a bank; GR0: GATS* */
    uint32_t off;
    bool write, priv;
    Sm2AtsStages stages;
    const char *name;
} Sm2AtsOp;

static const Sm2AtsOp sm2_ats_ops[] = {
    { SM2_SPACE_CB,  SM2_CB_ATS1PR, false, true,  SM2_ATS_S1,  "ATS1PR" },
    { SM2_SPACE_CB,  SM2_CB_ATS1PW, true,  true,  SM2_ATS_S1,  "ATS1PW" },
    { SM2_SPACE_CB,  SM2_CB_ATS1UR, false, false, SM2_ATS_S1,  "ATS1UR" },
    { SM2_SPACE_CB,  SM2_CB_ATS1UW, true,  false, SM2_ATS_S1,  "ATS1UW" },
    { SM2_SPACE_GR0, SM2_SGATS1UR,  false, false, SM2_ATS_S1,  "GATS1UR" },
    { SM2_SPACE_GR0, SM2_SGATS1UW,  true,  false, SM2_ATS_S1,  "GATS1UW" },
    { SM2_SPACE_GR0, SM2_SGATS1PR,  false, true,  SM2_ATS_S1,  "GATS1PR" },
    { SM2_SPACE_GR0, SM2_SGATS1PW,  true,  true,  SM2_ATS_S1,  "GATS1PW" },
    { SM2_SPACE_GR0, SM2_SGATS12UR, false, false, SM2_ATS_S12, "GATS12UR" },
    { SM2_SPACE_GR0, SM2_SGATS12UW, true,  false, SM2_ATS_S12, "GATS12UW" },
    { SM2_SPACE_GR0, SM2_SGATS12PR, false, true,  SM2_ATS_S12, "GATS12PR" },
    { SM2_SPACE_GR0, SM2_SGATS12PW, true,  true,  SM2_ATS_S12, "GATS12PW" },
};

static const Sm2AtsOp *sm2_ats_op(Sm2Space sp, uint32_t off)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm2_ats_ops); i++) {
        if (sm2_ats_ops[i].space == sp && sm2_ats_ops[i].off == off) {
            return &sm2_ats_ops[i];
        }
    }
    return NULL;
}

/* A fault result: the FSR bit it would set, its level, its stage. */
static uint64_t sm2_par_fault(const Sm2Fault *f)
{
    uint64_t par = SM2_PAR_F;

    if (!f->global) {
        par |= (f->bit & SM2_PAR_FAULT) |
               sm_prep(SM2_PAR_PLVL, f->level < 0 ? 0 : f->level) |
               (f->stage2 ? SM2_PAR_STAGE2 : 0);
    }
    return par;
}

/* The stage-1 attribute: byte AttrIndx of MAIR1:MAIR0 of bank @n. */
static uint8_t sm2_mair_attr(const Sm2 *s, unsigned n, unsigned attrindx)
{
    uint32_t mair = sm2_rd32(s, SM2_SPACE_CB, n,
                             attrindx < 4 ? SM2_CB_MAIR0 : SM2_CB_MAIR1);

    return (uint8_t)(mair >> (8 * (attrindx % 4)));
}

/* A successful result: the output address of the page and attributes. */
static uint64_t sm2_par_ok(const Sm2 *s, unsigned n, const Sm2Xlate *x,
                           const SmWalkOk *ok)
{
    uint64_t par = x->pa & SM2_PAR_PA;

    if (x->outcome == SM2_XLATE_BYPASS) {
        return par;
    }
    if (ok->s1_level >= 0) {
        par |= sm_prep(SM2_PAR_ATTR, sm2_mair_attr(s, n, ok->s1_attrindx));
    }
    return par | sm_prep(SM2_PAR_SH, ok->s2_level >= 0 ? ok->s2_sh
                                                       : ok->s1_sh);
}

/*
 * Whether bank @n can run @op: a stage-1 operation needs a bank with a
 * stage 1 (CBAR.TYPE other than 0), any operation a bank that exists.
 */
static bool sm2_ats_bank_ok(Sm2 *s, const Sm2AtsOp *op, unsigned n)
{
    uint32_t cbar;

    if (n >= s->f.numcb) {
        sm2_guest_error(s, "%s: context bank %u not implemented", op->name,
                        n);
        return false;
    }
    cbar = sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBAR(n));
    if (op->stages == SM2_ATS_S1 &&
        sm_get(cbar, SM2_CBAR_TYPE) == SM2_CBAR_TYPE_S2) {
        sm2_guest_error(s, "%s: context bank %u is a stage-2 context "
                        "(CBAR.TYPE 0)", op->name, n);
        return false;
    }
    return true;
}

static uint64_t sm2_ats_run(Sm2 *s, const Sm2AtsOp *op, unsigned n,
                            uint64_t addr)
{
    Sm2Request req = { .iova = addr, .write = op->write, .priv = op->priv };
    SmWalkOk ok = { .s1_level = -1, .s2_level = -1 };
    Sm2Xlate x;

    s->ats_count++;
    s->ats_op = true;
    x = sm2_translate_bank(s, n, &req, op->stages, &ok);
    s->ats_op = false;
    return x.outcome == SM2_XLATE_FAULT ? sm2_par_fault(&x.fault)
                                        : sm2_par_ok(s, n, &x, &ok);
}

uint64_t sm2_ats_count(const Sm2 *s)
{
    return s->ats_count;
}

void sm2_ats_written(Sm2 *s, Sm2Space sp, unsigned bank, uint32_t off)
{
    const Sm2AtsOp *op = sm2_ats_op(sp, off);
    uint64_t operand = sm2_rd64(s, sp, bank, off);
    uint32_t par_off = sp == SM2_SPACE_CB ? SM2_CB_PAR : SM2_SGPAR;
    unsigned n = sp == SM2_SPACE_CB ? bank
                                    : (unsigned)sm_get(operand, SM2_GATS_NDX);

    if (!op) {
        return;
    }
    if (s->f.atosns) {
        sm2_guest_error(s, "%s ignored: no address translation operations "
                        "(sIDR0.ATOSNS)", op->name);
        return;
    }
    sm2_wr64(s, sp, bank, par_off,
             sm2_ats_bank_ok(s, op, n)
             ? sm2_ats_run(s, op, n, operand & SM2_ATS_ADDR) : SM2_PAR_F);
}
