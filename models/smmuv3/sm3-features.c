/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What an SMMUv3 instance implements, in one place: the rules that tie ID
 * register fields together (IHI 0070, SMMU_IDR0..5 and AIDR), the
 * predicates every other file asks ("does this instance have EL2?"), and
 * the ID register values computed from them.  The command decoder, the
 * STE/CD checks and the register file all read these, so what the guest
 * is told and what the model does cannot drift apart.
 *
 * Settings are named as the arm-smmuv3-ext properties name them (stage,
 * hyp, pri, ...), so a refusal reads the same in every front end.
 */
#include <glib.h>

#include "sm3-internal.h"

/* ---- predicates: the single answer to "is X implemented?" --------------- */

bool sm3_has_s1(const Sm3Features *f)
{
    return f->stage1;
}

bool sm3_has_s2(const Sm3Features *f)
{
    return f->stage2;
}

/* sm3_check_config() guarantees that hyp implies both stages. */
bool sm3_has_hyp(const Sm3Features *f)
{
    return f->hyp;
}

bool sm3_range_in_oas(const Sm3Features *f, uint64_t addr, uint64_t size)
{
    return !((addr + size - 1) >> f->oas_bits) && addr + size > addr;
}

bool sm3_has_ats(const Sm3Features *f)
{
    return f->ats;
}

/* sm3_check_config() guarantees that pri implies ats. */
bool sm3_has_pri(const Sm3Features *f)
{
    return f->pri;
}

bool sm3_has_stall(const Sm3Features *f)
{
    return f->stall_model != SM3_STALL_NONE;
}

bool sm3_hyp_default(const Sm3Features *f)
{
    /* IDR0.HYP: Arm recommends it whenever both stages are implemented. */
    return f->stage1 && f->stage2;
}

/* ---- dependency and range rules: a table ---------------------------------- */

static bool sm3_oas_known(const Sm3Features *f)
{
    return sm_pa_size_encoding(f->oas_bits) >= 0;
}

static bool sm3_rule_some_stage(const Sm3Features *f)
{
    return f->stage1 || f->stage2;
}

static bool sm3_rule_some_granule(const Sm3Features *f)
{
    return (f->granules & (SM3_GRAN_4K | SM3_GRAN_16K | SM3_GRAN_64K)) != 0;
}

static bool sm3_rule_hyp_both_stages(const Sm3Features *f)
{
    return !f->hyp || (f->stage1 && f->stage2);
}

static bool sm3_rule_pri_ats(const Sm3Features *f)
{
    return !f->pri || f->ats;
}

static bool sm3_rule_wide_sid_2lvl(const Sm3Features *f)
{
    return f->sidsize < 7 || f->two_level_st;
}

static bool sm3_rule_oas52_64k(const Sm3Features *f)
{
    return f->oas_bits != 52 || (f->granules & SM3_GRAN_64K);
}

static bool sm3_rule_sidsize(const Sm3Features *f)
{
    return f->sidsize <= 32;
}

static bool sm3_rule_ssidsize(const Sm3Features *f)
{
    return f->ssidsize <= 20;
}

static bool sm3_rule_queue_sizes(const Sm3Features *f)
{
    return f->cmdqs <= 19 && f->eventqs <= 19 && f->priqs <= 19;
}

static bool sm3_rule_stall_model(const Sm3Features *f)
{
    return f->stall_model <= SM3_STALL_FORCE;
}

/* IDR0.STALL_MODEL: a PCI system's SMMU must not force stalls */
static bool sm3_rule_force_stall_pci(const Sm3Features *f)
{
    return f->stall_model != SM3_STALL_FORCE || !f->ats;
}

static bool sm3_rule_httu(const Sm3Features *f)
{
    return f->httu <= SM3_HTTU_AF_DIRTY;
}

static const Sm3FeatureRule sm3_feature_rules[] = {
    { "stage", "stage: at least one translation stage is needed (IDR0.S1P, S2P)",
      sm3_rule_some_stage },
    { "granules", "granules: at least one of 4k, 16k, 64k is needed (IDR5.GRAN*)",
      sm3_rule_some_granule },
    { "oas", "oas must be 32, 36, 40, 42, 44, 48 or 52 (IDR5.OAS)",
      sm3_oas_known },
    { "sidsize", "sidsize must be at most 32 (IDR1.SIDSIZE)", sm3_rule_sidsize },
    { "ssidsize", "ssidsize must be at most 20 (IDR1.SSIDSIZE)", sm3_rule_ssidsize },
    { "cmdqs, eventqs, priqs", "cmdqs, eventqs and priqs must be at most 19 "
      "(IDR1.CMDQS, EVENTQS, PRIQS)", sm3_rule_queue_sizes },
    { "stall", "stall: unknown stall model (IDR0.STALL_MODEL 0b11 is "
      "reserved)",
      sm3_rule_stall_model },
    { "httu", "httu: unknown HTTU level (IDR0.HTTU)", sm3_rule_httu },
    { "hyp", "hyp=on needs stage=nested: IDR0.HYP is RES0 unless both "
      "S1P and S2P are 1", sm3_rule_hyp_both_stages },
    { "pri", "pri=on needs ats=on: IDR0.PRI is RES0 when IDR0.ATS is 0",
      sm3_rule_pri_ats },
    { "sidsize", "sidsize >= 7 needs two-level-st=on: IDR1.SIDSIZE >= 7 "
      "requires a 2-level stream table (IDR0.ST_LEVEL)",
      sm3_rule_wide_sid_2lvl },
    { "oas", "oas=52 needs the 64k granule: IDR5.OAS of 52 bits needs "
      "GRAN64K (IDR5.DS and D128 are not implemented)", sm3_rule_oas52_64k },
    { "stall", "forced stalls need ats=off: an SMMU of a PCI system (ATS) "
      "must not have IDR0.STALL_MODEL 0b10", sm3_rule_force_stall_pci },
};

const Sm3FeatureRule *sm3_feature_rule_table(unsigned *n)
{
    *n = G_N_ELEMENTS(sm3_feature_rules);
    return sm3_feature_rules;
}

const Sm3FeatureRule *sm3_features_broken_rule(const Sm3Features *f)
{
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS(sm3_feature_rules); i++) {
        if (!sm3_feature_rules[i].holds(f)) {
            return &sm3_feature_rules[i];
        }
    }
    return NULL;
}

/* ---- ID registers ---------------------------------------------------------- */

static uint32_t sm3_idr0(const Sm3Features *f)
{
    uint32_t v = 0;

    v |= sm3_has_s2(f) ? SM3_IDR0_S2P : 0;
    v |= sm3_has_s1(f) ? SM3_IDR0_S1P : 0;
    v |= sm_prep(SM3_IDR0_TTF, SM3_IDR0_TTF_AA64);
    v |= SM3_IDR0_COHACC;
    v |= sm_prep(SM3_IDR0_HTTU, f->httu);
    v |= sm3_has_hyp(f) ? SM3_IDR0_HYP : 0;
    v |= sm3_has_ats(f) ? SM3_IDR0_ATS : 0;
    v |= f->asid16 ? SM3_IDR0_ASID16 : 0;
    v |= f->msi ? SM3_IDR0_MSI : 0;
    v |= f->sev ? SM3_IDR0_SEV : 0;
    v |= sm3_has_pri(f) ? SM3_IDR0_PRI : 0;
    v |= f->vmid16 ? SM3_IDR0_VMID16 : 0;
    v |= f->two_level_cd ? SM3_IDR0_CD2L : 0;
    v |= sm_prep(SM3_IDR0_TTENDIAN, f->big_endian_tables ?
                 SM3_IDR0_TTENDIAN_MIXED : SM3_IDR0_TTENDIAN_LE);
    v |= sm_prep(SM3_IDR0_STALL_MODEL, f->stall_model);
    /* A terminated transaction always aborts: no RAZ/WI (CD.A is RES1). */
    v |= SM3_IDR0_TERM_MODEL;
    v |= sm_prep(SM3_IDR0_ST_LEVEL, f->two_level_st ?
                 SM3_IDR0_ST_LEVEL_2LVL : 0);
    return v;
}

static uint32_t sm3_idr1(const Sm3Features *f)
{
    uint32_t v = 0;

    v |= sm_prep(SM3_IDR1_SIDSIZE, f->sidsize);
    v |= sm_prep(SM3_IDR1_SSIDSIZE, f->ssidsize);
    v |= sm_prep(SM3_IDR1_PRIQS, sm3_has_pri(f) ? f->priqs : 0);
    v |= sm_prep(SM3_IDR1_EVENTQS, f->eventqs);
    v |= sm_prep(SM3_IDR1_CMDQS, f->cmdqs);
    return v;
}

/*
 * SMMUv3.1 makes HAD mandatory with stage 1 and XNX with stage 2; the
 * walker implements both (CD.HADx -> hierarchical attributes disabled,
 * stage-2 XN[1:0]), so they follow the stages.
 */
static uint32_t sm3_idr3(const Sm3Features *f)
{
    uint32_t v = 0;

    v |= sm3_has_s1(f) ? SM3_IDR3_HAD : 0;
    v |= sm3_has_s2(f) ? SM3_IDR3_XNX : 0;
    v |= f->ril ? SM3_IDR3_RIL : 0;
    return v;
}

static uint32_t sm3_idr5(const Sm3Features *f)
{
    uint32_t v = 0;

    /* sm3_config_error() refuses an OAS without an encoding (0 then) */
    v |= sm_prep(SM3_IDR5_OAS, MAX(sm_pa_size_encoding(f->oas_bits), 0));
    v |= (f->granules & SM3_GRAN_4K) ? SM3_IDR5_GRAN4K : 0;
    v |= (f->granules & SM3_GRAN_16K) ? SM3_IDR5_GRAN16K : 0;
    v |= (f->granules & SM3_GRAN_64K) ? SM3_IDR5_GRAN64K : 0;
    v |= sm_prep(SM3_IDR5_STALL_MAX, sm3_has_stall(f) ? SM3_MAX_STALLS : 0);
    return v;
}

uint64_t sm3_idr_value(const Sm3Features *f, unsigned idx)
{
    switch (idx) {
    case 0:
        return sm3_idr0(f);
    case 1:
        return sm3_idr1(f);
    case 3:
        return sm3_idr3(f);
    case 5:
        return sm3_idr5(f);
    default:
        return 0;           /* IDR2: no VATOS; IDR4: nothing IMP DEF */
    }
}

/*
 * AIDR: SMMUv3.1.  Everything SMMUv3.1 makes mandatory is there (HAD, XNX
 * above; 52-bit OAS is allowed from SMMUv3.1).  SMMUv3.2 is not claimed:
 * it would promise IDR3.FWB and BBML, which the model does not implement.
 * RIL and HYP are offered as optional features of this SMMUv3.1
 * implementation.
 */
uint32_t sm3_aidr_value(const Sm3Features *f)
{
    return sm_prep(SM3_AIDR_MAJOR, 0) | sm_prep(SM3_AIDR_MINOR, 1);
}
