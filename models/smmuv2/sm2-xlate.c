/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 translation flow: sCR0.CLIENTPD, stream matching (SMRn), the
 * stream-to-context register (S2CRn), the context bank's attributes
 * (CBARn, CBA2Rn), then a stage-1 or stage-2 walk with
 * models/common/sm-walk, through the TLB of sm2-tlb.c.
 */
#include <glib.h>
#include <inttypes.h>

#include "sm-walk.h"
#include "sm2-internal.h"

static Sm2Xlate sm2_bypass(const Sm2Request *req)
{
    return (Sm2Xlate) {
        .outcome = SM2_XLATE_BYPASS, .pa = req->iova, .perm = SM_PERM_ALL,
    };
}

static Sm2Xlate sm2_fault_result(Sm2Fault f)
{
    return (Sm2Xlate) { .outcome = SM2_XLATE_FAULT, .fault = f };
}

static Sm2Xlate sm2_global(Sm2 *s, uint32_t bit, const Sm2Request *req)
{
    return sm2_fault_result(sm2_global_fault(s, bit, req));
}

/* ---- stream matching ---------------------------------------------------- */

/*
 * Whether stream match group @n is valid and matches @sid.  With
 * sCR0.EXIDENABLE the SMR holds 16-bit ID and MASK and its valid bit is
 * S2CRn.EXIDVALID.
 */
static bool sm2_smr_matches(const Sm2 *s, unsigned n, uint32_t sid)
{
    uint32_t smr = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SMR(n));
    bool exid = s->f.exids &&
        (sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0) & SM2_SCR0_EXIDENABLE);
    uint32_t id, mask;

    if (exid) {
        if (!(sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_S2CR(n)) &
              SM2_S2CR_EXIDVALID)) {
            return false;
        }
        id = (uint32_t)sm_get(smr, SM2_SMR_EXID);
        mask = (uint32_t)sm_get(smr, SM2_SMR_EXMASK);
    } else {
        if (!(smr & SM2_SMR_VALID)) {
            return false;
        }
        id = (uint32_t)sm_get(smr, SM2_SMR_ID);
        mask = (uint32_t)sm_get(smr, SM2_SMR_MASK);
    }
    /* A MASK bit set makes that StreamID bit a don't-care. */
    return ((sid ^ id) & ~mask & (uint32_t)sm_low_mask(s->f.numsidb)) == 0;
}

/*
 * The matching group, -1 for none, -2 for a conflict (several).  A
 * StreamID wider than NUMSIDB bits matches no group: it is no stream of
 * this SMMU (it must not alias the one its low bits name).
 */
static int sm2_stream_match(const Sm2 *s, uint32_t sid)
{
    int found = -1;
    unsigned n;

    if (sid & ~(uint32_t)sm_low_mask(s->f.numsidb)) {
        return -1;
    }
    for (n = 0; n < s->f.numsmrg; n++) {
        if (!sm2_smr_matches(s, n, sid)) {
            continue;
        }
        if (found >= 0) {
            /*
             * sCR0.SMCFCFG = 0 leaves a conflict UNPREDICTABLE: the model
             * takes the lowest-numbered group.
             */
            bool fault = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0) &
                         SM2_SCR0_SMCFCFG;
            return fault ? -2 : found;
        }
        found = (int)n;
    }
    return found;
}

/* S2CRn.PRIVCFG and INSTCFG override the transaction's attributes. */
static Sm2Request sm2_apply_s2cr(uint32_t s2cr, const Sm2Request *req)
{
    Sm2Request r = *req;

    switch (sm_get(s2cr, SM2_S2CR_PRIVCFG)) {
    case SM2_PRIVCFG_UNPRIV:
        r.priv = false;
        break;
    case SM2_PRIVCFG_PRIV:
        r.priv = true;
        break;
    }
    switch (sm_get(s2cr, SM2_S2CR_INSTCFG)) {
    case SM2_INSTCFG_DATA:
        r.instr = false;
        break;
    case SM2_INSTCFG_INSTR:
        r.instr = true;
        break;
    }
    return r;
}

/* ---- context bank decode ------------------------------------------------ */

static bool sm2_granule_ok(const Sm2 *s, SmGranule g)
{
    return (g == SM_GRANULE_4K && s->f.ptfs_4k) ||
           (g == SM_GRANULE_16K && s->f.ptfs_16k) ||
           (g == SM_GRANULE_64K && s->f.ptfs_64k);
}

/* An output size encoding, capped by what the SMMU implements. */
static uint8_t sm2_out_bits(unsigned enc, unsigned cap)
{
    unsigned bits = sm_pa_size_bits(enc);

    return (uint8_t)(bits && bits < cap ? bits : cap);
}

/*
 * Stage 1 of bank @n for @iova: TTBR0 for addresses with bit 63 clear,
 * TTBR1 otherwise (the walker checks the bits above the input size).
 * false when the region is disabled (TCR.EPDx) or uses a granule the
 * SMMU does not implement: a translation fault at level 0.
 */
static bool sm2_s1_cfg(const Sm2 *s, unsigned n, uint64_t iova,
                       SmWalkStageCfg *sc)
{
    uint32_t tcr = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_TCR);
    uint32_t tcr2 = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_TCR2);
    uint32_t sctlr = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_SCTLR);
    bool upper = iova >> 63;

    *sc = (SmWalkStageCfg) {
        .enabled = true,
        .upper = upper,
        .granule = upper ? sm_granule_from_tg1(sm_get(tcr, SM2_TCR_TG1))
                         : sm_granule_from_tg0(sm_get(tcr, SM2_TCR_TG0)),
        .tsz = (uint8_t)sm_get(tcr, upper ? SM2_TCR_T1SZ : SM2_TCR_T0SZ),
        .oas_bits = sm2_out_bits(sm_get(tcr2, SM2_TCR2_PASIZE),
                                 s->f.s2 ? s->f.ias_bits : s->f.oas_bits),
        .ttb = sm2_rd64(s, SM2_SPACE_CB, n,
                        upper ? SM2_CB_TTBR1 : SM2_CB_TTBR0) & SM2_TTBR_BADDR,
        .big_endian = (sctlr & SM2_SCTLR_E) != 0,
        .affd = (sctlr & SM2_SCTLR_AFFD) != 0,
    };
    if (tcr & (upper ? SM2_TCR_EPD1 : SM2_TCR_EPD0)) {
        return false;
    }
    return sm2_granule_ok(s, sc->granule);
}

/* Stage 2 of bank @n: TCR in the VTCR layout, TTBR0 as VTTBR. */
static bool sm2_s2_cfg(const Sm2 *s, unsigned n, SmWalkStageCfg *sc)
{
    uint32_t tcr = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_TCR);
    uint32_t sctlr = sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_SCTLR);

    *sc = (SmWalkStageCfg) {
        .enabled = true,
        .granule = sm_granule_from_tg0(sm_get(tcr, SM2_TCR_TG0)),
        .tsz = (uint8_t)sm_get(tcr, SM2_TCR_T0SZ),
        .sl0 = (uint8_t)sm_get(tcr, SM2_VTCR_SL0),
        .oas_bits = sm2_out_bits(sm_get(tcr, SM2_VTCR_PS), s->f.oas_bits),
        .pamax_bits = s->f.oas_bits,
        .ttb = sm2_rd64(s, SM2_SPACE_CB, n, SM2_CB_TTBR0) & SM2_TTBR_BADDR,
        .big_endian = (sctlr & SM2_SCTLR_E) != 0,
        .affd = (sctlr & SM2_SCTLR_AFFD) != 0,
    };
    return sm2_granule_ok(s, sc->granule);
}

/* ---- walk outcomes to FSR ------------------------------------------------ */

static const uint32_t sm2_walk_fsr[] = {
    [SM_WALK_FAULT_TRANSLATION] = SM2_FSR_TF,
    [SM_WALK_FAULT_ADDR_SIZE]   = SM2_FSR_ASF,
    [SM_WALK_FAULT_ACCESS]      = SM2_FSR_AFF,
    [SM_WALK_FAULT_PERMISSION]  = SM2_FSR_PF,
    [SM_WALK_FAULT_EABT]        = SM2_FSR_EF,
    [SM_WALK_BAD_CONFIG]        = SM2_FSR_TF,
};

/*
 * FSYNR0.PLVL: the level of the last descriptor the walk read, as the
 * architecture's table walk reports a fault: one found before any read
 * (input outside the TxSZ range, table base beyond the output size) is
 * a level 0 fault, and an address size fault on the next-level address
 * of a table descriptor belongs to that descriptor's level.  sm-walk
 * counts those against the start level and the next level (SMMUv3
 * records carry no level), so the level is taken from the accesses.
 */
static int sm2_walk_fault_level(const SmWalkResult *res)
{
    unsigned n = MIN(res->n_accesses, SM_WALK_MAX_ACCESSES);

    /* Nested: only a read of the faulting stage's walk counts */
    if (!n || res->accesses[n - 1].stage != res->fault.stage) {
        return 0;
    }
    return res->accesses[n - 1].level;
}

/* ---- one context bank --------------------------------------------------- */

typedef struct Sm2Ctx {
    unsigned cbndx;
    unsigned s2cbndx;                 /* nested: stage-2 bank, else NO_S2CB */
    bool stage2;
    bool s2_fault;                    /* CBAR.TYPE 2: stage 2 faults */
    uint16_t vmid, asid, s2vmid;
    SmWalkCfg wcfg;
} Sm2Ctx;

/*
 * A walk that failed: a context fault of the bank, or for stage 2 of a
 * nested translation, of its stage-2 bank.
 */
static Sm2Xlate sm2_walk_fault(Sm2 *s, const Sm2Ctx *c,
                               const Sm2Request *req, const SmWalkResult *res)
{
    uint32_t bit = sm2_walk_fsr[res->outcome];
    int level = res->outcome == SM_WALK_BAD_CONFIG ? 0
                                                   : sm2_walk_fault_level(res);
    bool ptw = res->outcome == SM_WALK_FAULT_EABT;
    bool in_s2 = c->s2cbndx != SM2_NO_S2CB && res->fault.stage == 2;
    unsigned n = in_s2 ? c->s2cbndx : c->cbndx;

    if (res->outcome == SM_WALK_BAD_CONFIG) {
        sm2_guest_error(s, "context bank %u: unusable translation "
                        "configuration (%s)", n,
                        sm_walk_cfg_error_name(res->fault.cfg_error));
    }
    if (in_s2) {
        return sm2_fault_result(sm2_nested_s2_fault(
            s, n, c->cbndx, bit, req, level, ptw, res->fault.ipa));
    }
    return sm2_fault_result(sm2_context_fault(s, n, bit, req, level, ptw));
}

/*
 * CBAR.TYPE 2: stage 1 gave @ipa, and stage 2 faults.  With no stage-2
 * bank to hold it, the bank records it as a stage-2 translation fault
 * of its own (FSYNR0.S1CBNDX = itself, IPAFAR = @ipa).
 */
static Sm2Xlate sm2_type2_fault(Sm2 *s, unsigned n, const Sm2Request *req,
                                uint64_t ipa)
{
    return sm2_fault_result(sm2_nested_s2_fault(s, n, n, SM2_FSR_TF, req, 0,
                                                false, ipa));
}

/* The answer of a walk that translated. */
static Sm2Xlate sm2_walked(const SmWalkOk *ok)
{
    return (Sm2Xlate) {
        .outcome = SM2_XLATE_OK, .pa = ok->pa, .mask = ok->addr_mask,
        .perm = ok->perm,
    };
}

static Sm2Xlate sm2_translate_ctx(Sm2 *s, const Sm2Ctx *c,
                                  const Sm2Request *req)
{
    SmWalkReq wr = { req->iova, req->write, req->instr, req->priv };
    const Sm2TlbEntry *hit = sm2_tlb_lookup(s, (uint8_t)c->cbndx,
                                            (uint8_t)c->s2cbndx, c->vmid,
                                            c->asid, req->iova);
    SmWalkResult res;
    Sm2TlbEntry e;

    /* A hit that does not permit the access walks again for the fault. */
    if (hit && !c->s2_fault && sm_walk_perm_allows(hit->perm, &wr)) {
        sm2_timing_note_tlb(s, true, NULL);
        return (Sm2Xlate) {
            .outcome = SM2_XLATE_OK, .pa = hit->pa | (req->iova & hit->mask),
            .mask = hit->mask, .perm = hit->perm, .tlb_hit = true,
        };
    }
    if (!sm_walk(&s->cfg.host, &c->wcfg, &wr, &res)) {
        sm2_timing_note_tlb(s, false, &res);
        return sm2_walk_fault(s, c, req, &res);
    }
    sm2_timing_note_tlb(s, false, &res);
    if (c->s2_fault) {
        return sm2_type2_fault(s, c->cbndx, req, res.ok.pa);
    }
    e = (Sm2TlbEntry) {
        .vmid = c->vmid, .asid = c->asid, .cbndx = (uint8_t)c->cbndx,
        .s2cbndx = (uint8_t)c->s2cbndx, .s2vmid = c->s2vmid,
        .stage2 = c->stage2, .global = !c->stage2 && !res.ok.ng,
        .va = req->iova & ~res.ok.addr_mask, .mask = res.ok.addr_mask,
        .pa = res.ok.pa & ~res.ok.addr_mask, .perm = res.ok.perm,
    };
    if (!res.ok.dirty_on_write) {
        sm2_tlb_insert(s, &e);
    }
    return sm2_walked(&res.ok);
}

static bool sm2_bank_aarch64(const Sm2 *s, unsigned n)
{
    return sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBA2R(n)) & SM2_CBA2R_VA64;
}

static bool sm2_bank_enabled(const Sm2 *s, unsigned n)
{
    return sm2_rd32(s, SM2_SPACE_CB, n, SM2_CB_SCTLR) & SM2_SCTLR_M;
}

static Sm2Xlate sm2_aarch32_fault(Sm2 *s, unsigned n, const Sm2Request *req)
{
    sm2_guest_error(s, "context bank %u: AArch32 format (CBA2R.VA64 = 0) "
                    "not implemented", n);
    return sm2_fault_result(sm2_context_fault(s, n, SM2_FSR_TF, req, 0,
                                              false));
}

/*
 * The stage-2 bank of nested bank @n (CBAR[15:8]), or -1 with a log when
 * it is none: past NUMCB, the bank itself, or not a stage-2 bank.
 */
static int sm2_nested_s2_bank(Sm2 *s, unsigned n, uint32_t cbar)
{
    unsigned n2 = (unsigned)sm_get(cbar, SM2_CBAR_S2CBNDX);

    if (n2 >= s->f.numcb || n2 == n ||
        sm_get(sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBAR(n2)), SM2_CBAR_TYPE) !=
        SM2_CBAR_TYPE_S2) {
        sm2_guest_error(s, "context bank %u: nested with CBAR.CBNDX %u, "
                        "which is not a stage-2 context bank", n, n2);
        return -1;
    }
    return (int)n2;
}

/*
 * Nested bank @n: stage 1 from its registers when its SCTLR.M is set,
 * stage 2 from bank CBAR[15:8] when that bank's SCTLR.M is set.
 */
static Sm2Xlate sm2_decode_nested(Sm2 *s, unsigned n, uint32_t cbar,
                                  const Sm2Request *req, bool s2_output,
                                  Sm2Ctx *c)
{
    int n2 = sm2_nested_s2_bank(s, n, cbar);
    bool s1_on = sm2_bank_enabled(s, n);

    if (n2 < 0) {
        return sm2_global(s, SM2_GFSR_ICF, req);
    }
    c->s2cbndx = (unsigned)n2;
    c->s2vmid = sm2_cb_vmid(s, (unsigned)n2);
    if (!s1_on && (!s2_output || !sm2_bank_enabled(s, (unsigned)n2))) {
        return sm2_bypass(req);
    }
    c->wcfg.s1_output = !s2_output;
    if (!sm2_bank_aarch64(s, n) || !sm2_bank_aarch64(s, (unsigned)n2)) {
        return sm2_aarch32_fault(s, sm2_bank_aarch64(s, n) ? (unsigned)n2 : n,
                                 req);
    }
    if (s1_on) {
        if (!sm2_s1_cfg(s, n, req->iova, &c->wcfg.s1)) {
            return sm2_fault_result(sm2_context_fault(s, n, SM2_FSR_TF, req,
                                                      0, false));
        }
        c->asid = sm2_cb_asid(s, n);
    }
    if (sm2_bank_enabled(s, (unsigned)n2) &&
        !sm2_s2_cfg(s, (unsigned)n2, &c->wcfg.s2)) {
        return sm2_fault_result(sm2_nested_s2_fault(
            s, (unsigned)n2, n, SM2_FSR_TF, req, 0, false, req->iova));
    }
    return (Sm2Xlate) { .outcome = SM2_XLATE_OK };
}

/*
 * Whether CBAR.TYPE @type is one this instance translates with: TYPE 2
 * (stage 1, stage 2 faults) is a stage-2 configuration, so it needs
 * both stages.
 */
static bool sm2_type_supported(const Sm2 *s, unsigned type)
{
    switch (type) {
    case SM2_CBAR_TYPE_S2:
        return s->f.s2;
    case SM2_CBAR_TYPE_S1_BYPASS:
        return s->f.s1;
    case SM2_CBAR_TYPE_S1_FAULT:
        return s->f.s1 && s->f.s2;
    default:
        return s->f.nested;
    }
}

/*
 * Decode bank @n for @req into @c; a result other than SM2_XLATE_OK is
 * the answer itself (bypass or fault).  !@s2_output: only stage 1
 * gives the result (a stage-1 address translation operation).
 */
static Sm2Xlate sm2_decode_bank(Sm2 *s, unsigned n, const Sm2Request *req,
                                bool s2_output, Sm2Ctx *c)
{
    uint32_t cbar = sm2_rd32(s, SM2_SPACE_GR1, 0, SM2_CBAR(n));
    unsigned type = (unsigned)sm_get(cbar, SM2_CBAR_TYPE);
    bool ok;

    *c = (Sm2Ctx) {
        .cbndx = n, .s2cbndx = SM2_NO_S2CB, .vmid = sm2_cb_vmid(s, n),
    };
    c->wcfg.attrs.requester_id = req->sid;
    if (!sm2_type_supported(s, type)) {
        sm2_guest_error(s, "context bank %u: CBAR.TYPE %u not supported",
                        n, type);
        return sm2_global(s, SM2_GFSR_ICF, req);
    }
    if (type == SM2_CBAR_TYPE_NESTED) {
        return sm2_decode_nested(s, n, cbar, req, s2_output, c);
    }
    c->s2_fault = type == SM2_CBAR_TYPE_S1_FAULT && s2_output;
    if (!sm2_bank_enabled(s, n)) {
        /* translation disabled in the bank: its output is the input */
        return c->s2_fault ? sm2_type2_fault(s, n, req, req->iova)
                           : sm2_bypass(req);
    }
    if (!sm2_bank_aarch64(s, n)) {
        return sm2_aarch32_fault(s, n, req);
    }
    c->stage2 = type == SM2_CBAR_TYPE_S2;
    if (c->stage2) {
        ok = sm2_s2_cfg(s, n, &c->wcfg.s2);
    } else {
        ok = sm2_s1_cfg(s, n, req->iova, &c->wcfg.s1);
        c->asid = sm2_cb_asid(s, n);
    }
    if (!ok) {
        return sm2_fault_result(sm2_context_fault(s, n, SM2_FSR_TF, req, 0,
                                                  false));
    }
    return (Sm2Xlate) { .outcome = SM2_XLATE_OK };
}

/* ---- stream cache -------------------------------------------------------- */

/*
 * What sm2_decode_stream() found for one StreamID and TTBR region: the
 * transaction bypasses, or it translates in @ctx with @s2cr's attribute
 * overrides.  Outcomes that record a fault are never kept (the fault
 * must be taken, and recorded, every time).
 */
typedef struct Sm2StreamSlot {
    uint64_t gen;                     /* Sm2.config_gen when filled */
    bool valid;
    uint32_t sid;
    bool upper;                       /* VA bit 63: the TTBR1 region */
    Sm2Outcome outcome;               /* SM2_XLATE_OK or _BYPASS */
    uint32_t s2cr;
    Sm2Ctx ctx;
} Sm2StreamSlot;

#define SM2_STREAM_SLOTS 16           /* direct-mapped by StreamID */

bool sm2_streams_new(Sm2 *s)
{
    s->streams = g_new0(Sm2StreamSlot, SM2_STREAM_SLOTS);
    return true;
}

void sm2_streams_forget(Sm2 *s)
{
    s->config_gen++;
}

static Sm2StreamSlot *sm2_stream_slot(Sm2 *s, const Sm2Request *req)
{
    return &s->streams[(req->sid ^ (uint32_t)(req->iova >> 63)) %
                       SM2_STREAM_SLOTS];
}

/* The slot holding what @req's stream decodes to now, or NULL. */
static const Sm2StreamSlot *sm2_stream_cached(Sm2 *s, const Sm2Request *req)
{
    const Sm2StreamSlot *sl = sm2_stream_slot(s, req);

    if (s->cfg.fast_path_off || !sl->valid || sl->gen != s->config_gen ||
        sl->sid != req->sid || sl->upper != req->iova >> 63) {
        return NULL;
    }
    return sl;
}

static void sm2_stream_keep(Sm2 *s, const Sm2Request *req, Sm2Outcome o,
                            uint32_t s2cr, const Sm2Ctx *c)
{
    Sm2StreamSlot *sl = sm2_stream_slot(s, req);

    *sl = (Sm2StreamSlot) {
        .gen = s->config_gen, .valid = true, .sid = req->sid,
        .upper = req->iova >> 63, .outcome = o, .s2cr = s2cr,
    };
    if (c) {
        sl->ctx = *c;
    }
}

/* ---- one transaction ----------------------------------------------------- */

/*
 * Stream matching, S2CR and the context bank for @req: a result other
 * than SM2_XLATE_OK is the answer (bypass or fault); OK: translate in
 * @c with the S2CR @s2cr applied.
 */
static Sm2Xlate sm2_decode_stream(Sm2 *s, const Sm2Request *req,
                                  uint32_t *s2cr, Sm2Ctx *c)
{
    uint32_t scr0 = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_SCR0);
    unsigned cbndx;
    int smrg;
    Sm2Request r;

    if (scr0 & SM2_SCR0_CLIENTPD) {
        return sm2_bypass(req);
    }
    smrg = sm2_stream_match(s, req->sid);
    if (smrg == -2) {
        return sm2_global(s, SM2_GFSR_SMCF, req);
    }
    if (smrg == -1) {
        return scr0 & SM2_SCR0_USFCFG ? sm2_global(s, SM2_GFSR_USF, req)
                                      : sm2_bypass(req);
    }
    *s2cr = sm2_rd32(s, SM2_SPACE_GR0, 0, SM2_S2CR(smrg));
    switch (sm_get(*s2cr, SM2_S2CR_TYPE)) {
    case SM2_S2CR_TYPE_BYPASS:
        return sm2_bypass(req);
    case SM2_S2CR_TYPE_TRANS:
        break;
    default:
        /* TYPE fault, and the reserved 0b11 treated as fault */
        return sm2_global(s, SM2_GFSR_ICF, req);
    }
    cbndx = (unsigned)sm_get(*s2cr, SM2_S2CR_CBNDX);
    if (cbndx >= s->f.numcb) {
        return sm2_global(s, SM2_GFSR_UCBF, req);
    }
    r = sm2_apply_s2cr(*s2cr, req);
    return sm2_decode_bank(s, cbndx, &r, true, c);
}

static Sm2Xlate sm2_xlate(Sm2 *s, const Sm2Request *req)
{
    const Sm2StreamSlot *sl = sm2_stream_cached(s, req);
    uint32_t s2cr = 0;
    Sm2Request r;
    Sm2Ctx c;
    Sm2Xlate x;

    if (sl && sl->outcome == SM2_XLATE_BYPASS) {
        return sm2_bypass(req);
    }
    if (sl) {
        /*
         * A copy: the walk reads guest memory, and a device model behind
         * it could make the SMMU translate (and refill this slot) inside
         * this translation.
         */
        c = sl->ctx;
        s2cr = sl->s2cr;
    } else {
        x = sm2_decode_stream(s, req, &s2cr, &c);
        if (x.outcome == SM2_XLATE_BYPASS) {
            sm2_stream_keep(s, req, SM2_XLATE_BYPASS, 0, NULL);
        }
        if (x.outcome != SM2_XLATE_OK) {
            return x;
        }
        sm2_stream_keep(s, req, SM2_XLATE_OK, s2cr, &c);
    }
    r = sm2_apply_s2cr(s2cr, req);
    x = sm2_translate_ctx(s, &c, &r);
    x.priv = r.priv;
    return x;
}

Sm2Xlate sm2_translate_bank(Sm2 *s, unsigned n, const Sm2Request *req,
                            Sm2AtsStages stages, SmWalkOk *ok)
{
    SmWalkReq wr = { req->iova, req->write, req->instr, req->priv };
    SmWalkResult res;
    Sm2Ctx c;
    Sm2Xlate x = sm2_decode_bank(s, n, req, stages == SM2_ATS_S12, &c);

    if (x.outcome != SM2_XLATE_OK) {
        return x;
    }
    if (!sm_walk(&s->cfg.host, &c.wcfg, &wr, &res)) {
        return sm2_walk_fault(s, &c, req, &res);
    }
    if (c.s2_fault) {
        return sm2_type2_fault(s, n, req, res.ok.pa);
    }
    *ok = res.ok;
    return sm2_walked(&res.ok);
}

Sm2Xlate sm2_translate_untimed(Sm2 *s, const Sm2Request *req)
{
    return sm2_xlate(s, req);
}

Sm2Xlate sm2_translate(Sm2 *s, const Sm2Request *req)
{
    return s->timing ? sm2_timed(s, req, sm2_xlate) : sm2_xlate(s, req);
}
