/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 Stream Table Entries: finding the STE of a StreamID (linear and
 * 2-level Stream tables: IHI 0070 "Stream table lookup", L1STD,
 * SMMU_STRTAB_BASE, SMMU_STRTAB_BASE_CFG), decoding it and checking it
 * against what the instance implements (SteIllegal, Non-secure state
 * only).
 *
 * Implementation choices the architecture leaves open are marked
 * "CONSTRAINED UNPREDICTABLE" where they are made.  What this instance
 * does not implement (and therefore treats as RES0/IGNORED): Secure and
 * Realm state, VMSAv8-32 LPAE (IDR0.TTF = 0b10), VMSAv9-128, FEAT_LPA2
 * (IDR5.DS = 0), small translation tables (IDR3.STT = 0), MPAM and the
 * VMS, DPT, permission indirection/overlays, PBHA, IDR0.NS1ATS = 0.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "sm3-regs.h"
#include "sm3-tables.h"

/* ---- decode -------------------------------------------------------------- */

void sm3_ste_decode(const uint64_t raw[SM3_STE_DWORDS], Sm3Ste *ste)
{
    const uint64_t *d = raw;

    memset(ste, 0, sizeof(*ste));
    memcpy(ste->raw, raw, sizeof(ste->raw));

    ste->v = sm_get(d[0], SM3_STE0_V);
    ste->config = sm_get(d[0], SM3_STE0_CONFIG);
    ste->s1fmt = sm_get(d[0], SM3_STE0_S1FMT);
    ste->s1contextptr = d[0] & SM3_STE0_S1CONTEXTPTR;
    ste->s1cdmax = sm_get(d[0], SM3_STE0_S1CDMAX);

    ste->s1dss = sm_get(d[1], SM3_STE1_S1DSS);
    ste->s1cir = sm_get(d[1], SM3_STE1_S1CIR);
    ste->s1cor = sm_get(d[1], SM3_STE1_S1COR);
    ste->s1csh = sm_get(d[1], SM3_STE1_S1CSH);
    ste->s2hwu59 = sm_get(d[1], SM3_STE1_S2HWU59);
    ste->s2hwu60 = sm_get(d[1], SM3_STE1_S2HWU60);
    ste->s2hwu61 = sm_get(d[1], SM3_STE1_S2HWU61);
    ste->s2hwu62 = sm_get(d[1], SM3_STE1_S2HWU62);
    ste->dre = sm_get(d[1], SM3_STE1_DRE);
    ste->cont = sm_get(d[1], SM3_STE1_CONT);
    ste->dcp = sm_get(d[1], SM3_STE1_DCP);
    ste->ppar = sm_get(d[1], SM3_STE1_PPAR);
    ste->mev = sm_get(d[1], SM3_STE1_MEV);
    ste->sw_reserved = sm_get(d[1], SM3_STE1_SW_RESERVED);
    ste->s1pie = sm_get(d[1], SM3_STE1_S1PIE);
    ste->s2fwb = sm_get(d[1], SM3_STE1_S2FWB);
    ste->s1mpam = sm_get(d[1], SM3_STE1_S1MPAM);
    ste->s1stalld = sm_get(d[1], SM3_STE1_S1STALLD);
    ste->eats = sm_get(d[1], SM3_STE1_EATS);
    ste->strw = sm_get(d[1], SM3_STE1_STRW);
    ste->memattr = sm_get(d[1], SM3_STE1_MEMATTR);
    ste->mtcfg = sm_get(d[1], SM3_STE1_MTCFG);
    ste->alloccfg = sm_get(d[1], SM3_STE1_ALLOCCFG);
    ste->shcfg = sm_get(d[1], SM3_STE1_SHCFG);
    ste->nscfg = sm_get(d[1], SM3_STE1_NSCFG);
    ste->privcfg = sm_get(d[1], SM3_STE1_PRIVCFG);
    ste->instcfg = sm_get(d[1], SM3_STE1_INSTCFG);
    ste->impdef1 = sm_get(d[1], SM3_STE1_IMPDEF);

    ste->s2vmid = sm_get(d[2], SM3_STE2_S2VMID);
    ste->impdef2 = sm_get(d[2], SM3_STE2_IMPDEF);
    ste->s2t0sz = sm_get(d[2], SM3_STE2_S2T0SZ);
    ste->s2sl0 = sm_get(d[2], SM3_STE2_S2SL0);
    ste->s2ir0 = sm_get(d[2], SM3_STE2_S2IR0);
    ste->s2or0 = sm_get(d[2], SM3_STE2_S2OR0);
    ste->s2sh0 = sm_get(d[2], SM3_STE2_S2SH0);
    ste->s2tg = sm_get(d[2], SM3_STE2_S2TG);
    ste->s2ps = sm_get(d[2], SM3_STE2_S2PS);
    ste->s2aa64 = sm_get(d[2], SM3_STE2_S2AA64);
    ste->s2endi = sm_get(d[2], SM3_STE2_S2ENDI);
    ste->s2affd = sm_get(d[2], SM3_STE2_S2AFFD);
    ste->s2ptw = sm_get(d[2], SM3_STE2_S2PTW);
    ste->s2hd = sm_get(d[2], SM3_STE2_S2HD);
    ste->s2ha = sm_get(d[2], SM3_STE2_S2HA);
    ste->s2s = sm_get(d[2], SM3_STE2_S2S);
    ste->s2r = sm_get(d[2], SM3_STE2_S2R);
    ste->s2haft = sm_get(d[2], SM3_STE2_S2HAFT);
    ste->s2pie = sm_get(d[2], SM3_STE2_S2PIE);
    ste->s2poe = sm_get(d[2], SM3_STE2_S2POE);
    ste->dpt_vmatch = sm_get(d[2], SM3_STE2_DPT_VMATCH);

    ste->s2nsw = sm_get(d[3], SM3_STE3_S2NSW);
    ste->s2nsa = sm_get(d[3], SM3_STE3_S2NSA);
    ste->s2sl0_2 = sm_get(d[3], SM3_STE3_S2SL0_2);
    ste->s2ds = sm_get(d[3], SM3_STE3_S2DS);
    ste->s2ttb = d[3] & SM3_STE3_S2TTB;
    ste->s2skl = sm_get(d[3], SM3_STE3_S2SKL);

    ste->impdef4 = sm_get(d[4], SM3_STE4_IMPDEF);
    ste->partid = sm_get(d[4], SM3_STE4_PARTID);
    ste->s_s2t0sz = sm_get(d[4], SM3_STE4_S_S2T0SZ);
    ste->s_s2sl0 = sm_get(d[4], SM3_STE4_S_S2SL0);
    ste->s_s2tg = sm_get(d[4], SM3_STE4_S_S2TG);
    ste->mecid = sm_get(d[4], SM3_STE4_MECID);

    ste->pmg = sm_get(d[5], SM3_STE5_PMG);
    ste->mpam_ns = sm_get(d[5], SM3_STE5_MPAM_NS);
    ste->assuredonly = sm_get(d[5], SM3_STE5_ASSUREDONLY);
    ste->tl0 = sm_get(d[5], SM3_STE5_TL0);
    ste->tl1 = sm_get(d[5], SM3_STE5_TL1);
    ste->vmsptr = d[5] & SM3_STE5_VMSPTR;

    ste->s2sw = sm_get(d[6], SM3_STE6_S2SW);
    ste->s2sa = sm_get(d[6], SM3_STE6_S2SA);
    ste->s_s2sl0_2 = sm_get(d[6], SM3_STE6_S_S2SL0_2);
    ste->s_s2ttb = d[6] & SM3_STE6_S_S2TTB;
    ste->s_s2skl = sm_get(d[6], SM3_STE6_S_S2SKL);

    ste->s2poi = d[7];
}

/* ---- validation ---------------------------------------------------------- */

/*
 * Effective stage-2 output size: MIN(S2PS, OAS) (STE.S2PS).  Values above
 * the OAS, Reserved 0b111 included, behave as the cap: no C_BAD_STE.
 */
static unsigned sm3_ste_eff_ps(const Sm3Ste *ste, const Sm3Features *f)
{
    return MIN(sm3_ps_bits(ste->s2ps), f->oas_bits);
}

/* Stage-2 checks of SteIllegal for Config == 0b11x (VMSAv8-64 only). */
static const char *sm3_ste_check_s2(Sm3Ste *ste, const Sm3Features *f)
{
    SmGranule g = sm3_tg_granule(ste->s2tg, false);
    unsigned ias = f->oas_bits; /* no VMSAv8-32: IAS == OAS, "Address sizes" */
    unsigned pa_bits = sm3_ste_eff_ps(ste, f);
    unsigned ia_bits, stride, tsz_min;
    int level, bits;

    if (ste->s2s && f->stall_model == SM3_STALL_NONE) {
        return "S2S set but stalls are not supported";
    }
    if (!ste->s2s && f->stall_model == SM3_STALL_FORCE) {
        return "S2S clear but the stall model is forced";
    }
    if (!ste->s2aa64) {
        return "S2AA64 selects VMSAv8-32 LPAE (not implemented)";
    }
    if ((ste->s2ha || ste->s2hd) && f->httu == SM3_HTTU_NONE) {
        return "S2HA/S2HD set but HTTU is not implemented";
    }
    if (ste->s2hd && f->httu == SM3_HTTU_AF) {
        return "S2HD set but HTTU only updates the Access flag";
    }
    if (!sm3_granule_supported(f, g)) {
        return "S2TG granule reserved or not implemented";
    }
    /*
     * S2TTB beyond the effective S2PS, or beyond 48 bits with a granule
     * smaller than 64KB (DS == 0): ILLEGAL (STE.S2TTB; "Address sizes of
     * SMMU-originated accesses").
     */
    if (ste->s2ttb >> pa_bits ||
        (g != SM_GRANULE_64K && ste->s2ttb >> 48)) {
        return "S2TTB outside the effective S2PS range";
    }
    /* SMMUv3.1+: S2T0SZ out of [MAX(16 or 12, 64 - IAS), 39] is ILLEGAL */
    tsz_min = MAX(g == SM_GRANULE_64K ? 12u : 16u, 64u - ias);
    if (ste->s2t0sz < tsz_min || ste->s2t0sz > 39) {
        return "S2T0SZ out of range for the granule and IAS";
    }
    stride = sm_walk_bits_per_level(g);
    ia_bits = 64 - ste->s2t0sz;
    /* S2InvalidSL is judged against the implemented OAS (PAMax) */
    level = sm_walk_s2_valid_start_level(g, ste->s2sl0, f->oas_bits);
    if (level < 0) {
        return "S2SL0 reserved for the granule and PA size";
    }
    /*
     * AArch64.S2InconsistentSL: the start level must resolve between 1
     * bit and one full stride plus 4 bits (16 concatenated tables).
     */
    bits = (int)ia_bits - (int)sm_walk_level_shift(g, level);
    if (bits < 1 || bits > (int)stride + 4) {
        return "S2SL0 inconsistent with S2T0SZ and S2TG";
    }
    if (ste->s2endi && !f->big_endian_tables) {
        return "S2ENDI big-endian but only little-endian is implemented";
    }

    ste->s2cfg.enabled = true;
    ste->s2cfg.granule = g;
    ste->s2cfg.tsz = ste->s2t0sz;
    ste->s2cfg.sl0 = ste->s2sl0;
    ste->s2cfg.oas_bits = pa_bits;
    /* S2InvalidSL is judged against the implemented OAS, as above */
    ste->s2cfg.pamax_bits = f->oas_bits;
    ste->s2cfg.upper = false;
    ste->s2cfg.ttb = sm_walk_table_base(ste->s2ttb, bits, pa_bits);
    ste->s2cfg.big_endian = ste->s2endi;
    ste->s2cfg.affd = ste->s2affd;
    /* {S2HA, S2HD} == 0b01 is Reserved and behaves as 0b00 */
    ste->s2cfg.ha = ste->s2ha;
    ste->s2cfg.hd = ste->s2ha && ste->s2hd;
    ste->s2cfg.hpd = false;
    /* IDR3.XNX is advertised with stage 2: XN is descriptor bits [54:53] */
    ste->s2cfg.xnx = true;
    /* Stage-1 table walks that land on Device memory fault (S2PTW) */
    ste->s2cfg.ptw = ste->s2ptw;
    return NULL;
}

/* Stage-1 checks of SteIllegal for Config == 0b1x1. */
static const char *sm3_ste_check_s1(const Sm3Ste *ste, const Sm3Features *f)
{
    if (ste->s1stalld && f->stall_model != SM3_STALL_AND_TERM) {
        return "S1STALLD set but the stall model is not configurable";
    }
    if (f->ssidsize && ste->s1cdmax > f->ssidsize) {
        return "S1CDMax larger than SSIDSIZE";
    }
    if (f->ssidsize && ste->s1cdmax && !f->two_level_cd &&
        (ste->s1fmt == SM3_STE0_S1FMT_4K_L2 ||
         ste->s1fmt == SM3_STE0_S1FMT_64K_L2)) {
        return "S1Fmt selects a 2-level CD table but CD2L is not implemented";
    }
    /*
     * S1ContextPtr beyond the OAS (stage 1 only) or the IAS (== OAS here,
     * nested): SMMUv3.1+ raises C_BAD_STE; for the IPA case this is our
     * CONSTRAINED UNPREDICTABLE choice among those "Address sizes of
     * SMMU-originated accesses" lists.
     */
    if (ste->s1contextptr >> f->oas_bits) {
        return "S1ContextPtr beyond the output address size";
    }
    return NULL;
}

/*
 * The STRW field is used only for a stage-1-only STE of an instance with
 * stage 1 and EL2 (IgnoreSTESTRW, Non-secure).
 */
static bool sm3_ste_strw_used(const Sm3Ste *ste, const Sm3Features *f)
{
    return sm3_has_hyp(f) && ste->config == SM3_STE0_CONFIG_S1;
}

static const char *sm3_ste_check(Sm3Ste *ste, const Sm3Features *f)
{
    bool s1 = ste->config & 1, s2 = ste->config & 2;
    bool strw_used = sm3_ste_strw_used(ste, f);
    bool vmid_used;
    const char *why;

    if (!ste->v) {
        return "STE.V == 0";
    }
    if (!(ste->config & 4)) {
        /* 0b000 and the Reserved 0b001..0b011: abort without an event */
        return NULL;
    }
    if (s1 && !sm3_has_s1(f)) {
        return "Config enables stage 1 but stage 1 is not implemented";
    }
    if (s2 && !sm3_has_s2(f)) {
        return "Config enables stage 2 but stage 2 is not implemented";
    }
    /* EATS is IGNORED without ATS and for Config == 0b100 */
    if (sm3_has_ats(f) && (s1 || s2)) {
        if (ste->eats == SM3_STE1_EATS_SPLIT &&
            (ste->config != SM3_STE0_CONFIG_NESTED || ste->s2s)) {
            return "EATS split-stage needs Config 0b111 and S2S == 0";
        }
        if (ste->eats == SM3_STE1_EATS_FULL && ste->s2s && s2) {
            return "EATS full ATS with stage-2 stalls (S2S)";
        }
        /* EATS == 0b11 without DPT is Reserved and behaves as 0b00 */
    }
    if (strw_used && (ste->strw & 1)) {
        return "STRW reserved value";
    }
    if (s1) {
        why = sm3_ste_check_s1(ste, f);
        if (why) {
            return why;
        }
    }
    if (s2) {
        why = sm3_ste_check_s2(ste, f);
        if (why) {
            return why;
        }
    }
    /* IgnoreSTES2VMID: a VMID tags S1 (EL1 world) and S2 traffic */
    vmid_used = (s1 || s2) && f->stage2 && !(strw_used && ste->strw != 0);
    if (vmid_used && !f->vmid16 && (ste->s2vmid >> 8)) {
        return "S2VMID[15:8] non-zero with 8-bit VMIDs";
    }
    return NULL;
}

int sm3_ste_validate(Sm3Ste *ste, const Sm3Features *f, const char **reason)
{
    static const Sm3SteMode modes[8] = {
        SM3_STE_MODE_ABORT, SM3_STE_MODE_ABORT, SM3_STE_MODE_ABORT,
        SM3_STE_MODE_ABORT, SM3_STE_MODE_BYPASS, SM3_STE_MODE_S1,
        SM3_STE_MODE_S2, SM3_STE_MODE_NESTED,
    };
    const char *why;

    memset(&ste->s2cfg, 0, sizeof(ste->s2cfg));
    ste->mode = SM3_STE_MODE_ABORT;
    ste->s1_enabled = false;
    ste->s2_enabled = false;
    ste->world = SM3_WORLD_NS_EL1;

    why = sm3_ste_check(ste, f);
    if (reason) {
        *reason = why ? why : "";
    }
    if (why) {
        return SM3_EVT_C_BAD_STE;
    }
    ste->mode = modes[ste->config & 7];
    ste->s1_enabled = ste->mode == SM3_STE_MODE_S1 ||
                      ste->mode == SM3_STE_MODE_NESTED;
    ste->s2_enabled = ste->mode == SM3_STE_MODE_S2 ||
                      ste->mode == SM3_STE_MODE_NESTED;
    if (sm3_ste_strw_used(ste, f) && ste->strw == SM3_STE1_STRW_EL2) {
        ste->world = SM3_WORLD_NS_EL2;
    }
    return SM3_EVT_NONE;
}

/* ---- locating an STE ----------------------------------------------------- */

static void sm3_fetch_reset(Sm3Fetch *fault)
{
    memset(fault, 0, sizeof(*fault));
    fault->reason = "";
}

static int sm3_fetch_fail(Sm3Fetch *fault, int evt, uint64_t addr,
                          const char *reason)
{
    fault->addr = addr;
    fault->reason = reason;
    return evt;
}

/* Linear table: STE index @sid of a table aligned to its size. */
static uint64_t sm3_st_linear_addr(uint64_t base, unsigned log2size,
                                   uint32_t sid)
{
    /* ADDR[LOG2SIZE + 5:0] are taken as zero (SMMU_STRTAB_BASE.ADDR) */
    base &= ~sm_low_mask(MIN(log2size + 6u, 64u));
    return base + (uint64_t)sid * SM3_STE_SIZE;
}

static int sm3_st_2lvl_addr(const SmHost *host, const Sm3Features *f,
                            uint64_t base, unsigned log2size, unsigned split,
                            uint32_t sid, uint64_t *ste_pa, Sm3Fetch *fault)
{
    unsigned align, span;
    uint64_t l1_pa, l1std, l2_base, l2_idx;

    /* ADDR[MAX(5, LOG2SIZE - SPLIT - 1 + 3):0] are taken as zero */
    align = log2size > split ? MAX(6u, log2size - split + 3) : 6u;
    base &= ~sm_low_mask(MIN(align, 64u));
    l1_pa = base + (uint64_t)(sid >> split) * SM3_L1STD_SIZE;
    if (!sm3_range_in_oas(f, l1_pa, SM3_L1STD_SIZE)) {
        return sm3_fetch_fail(fault, SM3_EVT_F_STE_FETCH, l1_pa,
                              "L1STD address beyond the OAS");
    }
    if (!sm3_read_dwords(host, l1_pa, &l1std, 1, sid)) {
        return sm3_fetch_fail(fault, SM3_EVT_F_STE_FETCH, l1_pa,
                              "bus error reading the L1STD");
    }
    /* L1STD.Span: 0 and the Reserved 12..31 mean no level-2 table */
    span = sm_get(l1std, SM3_L1STD_SPAN);
    if (span == 0 || span > 11) {
        return sm3_fetch_fail(fault, SM3_EVT_C_BAD_STREAMID, l1_pa,
                              "L1STD Span invalid");
    }
    if (span > split + 1) {
        return sm3_fetch_fail(fault, SM3_EVT_C_BAD_STREAMID, l1_pa,
                              "L1STD Span larger than SPLIT + 1");
    }
    l2_idx = sid & sm_low_mask(split);
    if (l2_idx >> (span - 1)) {
        return sm3_fetch_fail(fault, SM3_EVT_C_BAD_STREAMID, l1_pa,
                              "StreamID beyond the L1STD Span");
    }
    /* L2Ptr[5 + (Span - 1):0] are taken as zero: aligned to its size */
    l2_base = (l1std & SM3_L1STD_L2PTR) & ~sm_low_mask(6 + span - 1);
    *ste_pa = l2_base + l2_idx * SM3_STE_SIZE;
    return SM3_EVT_NONE;
}

int sm3_ste_locate(const SmHost *host, const Sm3Features *f,
                   uint64_t strtab_base, uint32_t strtab_cfg, uint32_t sid,
                   uint64_t *ste_pa, Sm3Fetch *fault)
{
    unsigned log2size = sm_get(strtab_cfg, SM3_STRTAB_BASE_CFG_LOG2SIZE);
    unsigned split = sm_get(strtab_cfg, SM3_STRTAB_BASE_CFG_SPLIT);
    unsigned fmt = sm_get(strtab_cfg, SM3_STRTAB_BASE_CFG_FMT);
    uint64_t base = strtab_base & SM3_STRTAB_BASE_ADDR;
    unsigned eff_log2size = MIN(log2size, (unsigned)f->sidsize);
    int evt;

    sm3_fetch_reset(fault);
    *ste_pa = 0;
    /* SMMU_STRTAB_BASE_CFG.LOG2SIZE is capped by SMMU_IDR1.SIDSIZE */
    if ((uint64_t)sid >> eff_log2size) {
        return sm3_fetch_fail(fault, SM3_EVT_C_BAD_STREAMID, 0,
                              "StreamID beyond the Stream table size");
    }
    /* FMT is RES0 without 2-level support; Reserved values act as linear */
    if (f->two_level_st && fmt == SM3_STRTAB_FMT_2LVL) {
        /* Reserved SPLIT values behave as 6 */
        if (split != 6 && split != 8 && split != 10) {
            split = 6;
        }
        evt = sm3_st_2lvl_addr(host, f, base, log2size, split, sid, ste_pa,
                               fault);
        if (evt != SM3_EVT_NONE) {
            return evt;
        }
    } else {
        *ste_pa = sm3_st_linear_addr(base, log2size, sid);
    }
    /*
     * Beyond the OAS: CONSTRAINED UNPREDICTABLE between truncating and
     * F_STE_FETCH; F_STE_FETCH with the untruncated address shows the
     * mistake.
     */
    if (!sm3_range_in_oas(f, *ste_pa, SM3_STE_SIZE)) {
        return sm3_fetch_fail(fault, SM3_EVT_F_STE_FETCH, *ste_pa,
                              "STE address beyond the OAS");
    }
    return SM3_EVT_NONE;
}

int sm3_ste_fetch(const SmHost *host, const Sm3Features *f,
                  uint64_t strtab_base, uint32_t strtab_cfg, uint32_t sid,
                  Sm3Ste *out, Sm3Fetch *fault)
{
    uint64_t raw[SM3_STE_DWORDS];
    uint64_t pa;
    int evt;

    memset(out, 0, sizeof(*out));
    evt = sm3_ste_locate(host, f, strtab_base, strtab_cfg, sid, &pa, fault);
    if (evt == SM3_EVT_NONE && !sm3_read_dwords(host, pa, raw,
                                                SM3_STE_DWORDS, sid)) {
        evt = sm3_fetch_fail(fault, SM3_EVT_F_STE_FETCH, pa,
                             "bus error reading the STE");
    }
    if (evt != SM3_EVT_NONE) {
        sm3_cfg_log(host, "smmuv3: sid 0x%x: %s (addr 0x%" PRIx64 ")",
                    sid, fault->reason, fault->addr);
        return evt;
    }
    sm3_ste_decode(raw, out);
    evt = sm3_ste_validate(out, f, &fault->reason);
    if (evt != SM3_EVT_NONE) {
        fault->addr = pa;
        fault->invalid = !out->v;
        sm3_cfg_log(host, "smmuv3: sid 0x%x: C_BAD_STE: %s (STE at 0x%"
                    PRIx64 ")", sid, fault->reason, pa);
        return evt;
    }
    if (out->config != SM3_STE0_CONFIG_ABORT &&
        out->mode == SM3_STE_MODE_ABORT) {
        sm3_cfg_log(host, "smmuv3: sid 0x%x: STE Config 0x%x reserved, "
                    "behaves as abort", sid, out->config);
    }
    return SM3_EVT_NONE;
}
