/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 Context Descriptors: finding the CD of a transaction from its STE
 * (single CD, linear and 2-level CD tables, S1DSS for traffic without a
 * substream; IHI 0070 "StreamIDs to Context Descriptors", STE.S1Fmt,
 * STE.S1CDMax, STE.S1DSS, L1CD), decoding it, checking it (CdIllegal,
 * Non-secure state) and choosing the TTB0/TTB1 range of an input address
 * ("Input address size and Virtual Address size", "EPDx behavior").
 *
 * Not implemented here, so the corresponding fields are RES0 / IGNORED:
 * VMSAv8-32 LPAE and VMSAv9-128 stage 1, FEAT_LPA2 (CD.DS), 52-bit VAs
 * (IDR5.VAX = 0b00: TxSZ >= 16), small translation tables (IDR3.STT = 0:
 * TxSZ <= 39), permission indirection, E0PD, HAFT, MPAM.  CD.A is not
 * checked: Sm3Features does not describe IDR0.TERM_MODEL.
 */
#include <inttypes.h>
#include <string.h>

#include <glib.h>

#include "sm3-tables.h"

/* ---- decode -------------------------------------------------------------- */

void sm3_cd_decode(const uint64_t raw[SM3_CD_DWORDS], Sm3Cd *cd)
{
    const uint64_t *d = raw;

    memset(cd, 0, sizeof(*cd));
    memcpy(cd->raw, raw, sizeof(cd->raw));

    cd->t0sz = sm_get(d[0], SM3_CD0_T0SZ);
    cd->tg0 = sm_get(d[0], SM3_CD0_TG0);
    cd->ir0 = sm_get(d[0], SM3_CD0_IR0);
    cd->or0 = sm_get(d[0], SM3_CD0_OR0);
    cd->sh0 = sm_get(d[0], SM3_CD0_SH0);
    cd->epd0 = sm_get(d[0], SM3_CD0_EPD0);
    cd->endi = sm_get(d[0], SM3_CD0_ENDI);
    cd->t1sz = sm_get(d[0], SM3_CD0_T1SZ);
    cd->tg1 = sm_get(d[0], SM3_CD0_TG1);
    cd->ir1 = sm_get(d[0], SM3_CD0_IR1);
    cd->or1 = sm_get(d[0], SM3_CD0_OR1);
    cd->sh1 = sm_get(d[0], SM3_CD0_SH1);
    cd->epd1 = sm_get(d[0], SM3_CD0_EPD1);
    cd->v = sm_get(d[0], SM3_CD0_V);
    cd->ips = sm_get(d[0], SM3_CD0_IPS);
    cd->affd = sm_get(d[0], SM3_CD0_AFFD);
    cd->wxn = sm_get(d[0], SM3_CD0_WXN);
    cd->uwxn = sm_get(d[0], SM3_CD0_UWXN);
    cd->tbi0 = sm_get(d[0], SM3_CD0_TBI0);
    cd->tbi1 = sm_get(d[0], SM3_CD0_TBI1);
    cd->pan = sm_get(d[0], SM3_CD0_PAN);
    cd->aa64 = sm_get(d[0], SM3_CD0_AA64);
    cd->hd = sm_get(d[0], SM3_CD0_HD);
    cd->ha = sm_get(d[0], SM3_CD0_HA);
    cd->s = sm_get(d[0], SM3_CD0_S);
    cd->r = sm_get(d[0], SM3_CD0_R);
    cd->a = sm_get(d[0], SM3_CD0_A);
    cd->aset = sm_get(d[0], SM3_CD0_ASET);
    cd->asid = sm_get(d[0], SM3_CD0_ASID);

    cd->nscfg0 = sm_get(d[1], SM3_CD1_NSCFG0);
    cd->had0 = sm_get(d[1], SM3_CD1_HAD0);
    cd->e0pd0 = sm_get(d[1], SM3_CD1_E0PD0);
    cd->haft = sm_get(d[1], SM3_CD1_HAFT);
    cd->ttb0 = d[1] & SM3_CD1_TTB0;
    cd->pnch = sm_get(d[1], SM3_CD1_PNCH);
    cd->epan = sm_get(d[1], SM3_CD1_EPAN);
    cd->hwu0 = sm_get(d[1], SM3_CD1_HWU0);

    cd->nscfg1 = sm_get(d[2], SM3_CD2_NSCFG1);
    cd->had1 = sm_get(d[2], SM3_CD2_HAD1);
    cd->e0pd1 = sm_get(d[2], SM3_CD2_E0PD1);
    cd->aie = sm_get(d[2], SM3_CD2_AIE);
    cd->ttb1 = d[2] & SM3_CD2_TTB1;
    cd->ds = sm_get(d[2], SM3_CD2_DS);
    cd->pie = sm_get(d[2], SM3_CD2_PIE);
    cd->hwu1 = sm_get(d[2], SM3_CD2_HWU1);

    cd->mair0 = sm_get(d[3], SM3_CD3_MAIR0);
    cd->mair1 = sm_get(d[3], SM3_CD3_MAIR1);
    cd->amair0 = sm_get(d[4], SM3_CD4_AMAIR0);
    cd->amair1 = sm_get(d[4], SM3_CD4_AMAIR1);
    cd->impdef = sm_get(d[5], SM3_CD5_IMPDEF);
    cd->partid = sm_get(d[5], SM3_CD5_PARTID);
    cd->pmg = sm_get(d[5], SM3_CD5_PMG);
    cd->piiu = sm_get(d[6], SM3_CD6_PIIU);
    cd->piip = sm_get(d[7], SM3_CD7_PIIP);
}

/* ---- validation ---------------------------------------------------------- */

/* TxSZ of a VMSAv8-64 range: 48-bit VAs (VAX 0b00), no STT: [16, 39] */
static bool sm3_cd_txsz_bad(unsigned txsz)
{
    return txsz < 16 || txsz > 39;
}

/*
 * TTBx must lie within the effective IPS, and within 48 bits when the
 * granule is smaller than 64KB (DS == 0): CD.TTB0, CD.TTB1.
 */
static bool sm3_cd_ttb_bad(uint64_t ttb, SmGranule g, unsigned ips_bits)
{
    return (ttb >> ips_bits) || (g != SM_GRANULE_64K && (ttb >> 48));
}

/* Checks of one enabled VA range (TTB0 or TTB1) */
static const char *sm3_cd_check_range(const Sm3Features *f, SmGranule g,
                                      uint64_t ttb, unsigned ips_bits,
                                      bool upper)
{
    if (!sm3_granule_supported(f, g)) {
        return upper ? "TG1 granule reserved or not implemented"
                     : "TG0 granule reserved or not implemented";
    }
    if (sm3_cd_ttb_bad(ttb, g, ips_bits)) {
        return upper ? "TTB1 outside the effective IPS range"
                     : "TTB0 outside the effective IPS range";
    }
    return NULL;
}

static const char *sm3_cd_check(Sm3Cd *cd, const Sm3Ste *ste,
                                const Sm3Features *f)
{
    bool off0 = cd->eff_epd0, off1 = cd->eff_epd1;
    bool tags_asid = cd->world != SM3_WORLD_NS_EL2;
    const char *why;

    if (!cd->v) {
        return "CD.V == 0";
    }
    if (ste->s1stalld && cd->s) {
        return "CD.S set but STE.S1STALLD disables stalls";
    }
    if (f->stall_model == SM3_STALL_NONE && cd->s) {
        return "CD.S set but stalls are not supported";
    }
    if (f->stall_model == SM3_STALL_FORCE && !cd->s) {
        return "CD.S clear but the stall model is forced";
    }
    if ((!off0 || !off1) && cd->endi && !f->big_endian_tables) {
        return "ENDI big-endian but only little-endian is implemented";
    }
    if (!cd->aa64) {
        return "AA64 == 0: VMSAv8-32 LPAE is not implemented";
    }
    if ((cd->ha || cd->hd) && f->httu == SM3_HTTU_NONE) {
        return "HA/HD set but HTTU is not implemented";
    }
    if (cd->hd && f->httu == SM3_HTTU_AF) {
        return "HD set but HTTU only updates the Access flag";
    }
    if (tags_asid && !f->asid16 && (cd->asid >> 8)) {
        return "ASID[15:8] non-zero with 8-bit ASIDs";
    }
    /* CdIllegal checks both TxSZ before either TTBx */
    if (!off0 && sm3_cd_txsz_bad(cd->t0sz)) {
        return "T0SZ out of range";
    }
    if (!off1 && sm3_cd_txsz_bad(cd->t1sz)) {
        return "T1SZ out of range";
    }
    if (!off0) {
        why = sm3_cd_check_range(f, sm3_tg_granule(cd->tg0, false),
                                 cd->ttb0, cd->eff_ips_bits, false);
        if (why) {
            return why;
        }
    }
    if (!off1) {
        why = sm3_cd_check_range(f, sm3_tg_granule(cd->tg1, true),
                                 cd->ttb1, cd->eff_ips_bits, true);
        if (why) {
            return why;
        }
    }
    return NULL;
}

int sm3_cd_validate(Sm3Cd *cd, const Sm3Ste *ste, const Sm3Features *f,
                    const char **reason)
{
    const char *why;

    /*
     * StreamWorld any-EL2 (not E2H): EPDx are IGNORED with effective value
     * 0 and TTB1 is unreachable (CD.EPD0, "CD notes").
     */
    cd->world = ste->world;
    cd->ttb1_unreachable = cd->world == SM3_WORLD_NS_EL2;
    cd->eff_epd0 = cd->ttb1_unreachable ? false : cd->epd0;
    cd->eff_epd1 = cd->ttb1_unreachable ? true : cd->epd1;
    /* eff_IPS = MIN(IPS, OAS); larger values behave as the cap (CD.IPS) */
    cd->eff_ips_bits = MIN(sm3_ps_bits(cd->ips), f->oas_bits);
    /* {HD, HA} == 0b10 is Reserved and behaves as 0b00 */
    cd->eff_ha = cd->ha;
    cd->eff_hd = cd->ha && cd->hd;

    why = sm3_cd_check(cd, ste, f);
    if (reason) {
        *reason = why ? why : "";
    }
    return why ? SM3_EVT_C_BAD_CD : SM3_EVT_NONE;
}

/* ---- TTB0 / TTB1 selection ----------------------------------------------- */

bool sm3_cd_upper(const Sm3Cd *cd, uint64_t iova)
{
    return !cd->ttb1_unreachable && ((iova >> 55) & 1);
}

int sm3_cd_half(const Sm3Cd *cd, bool upper, Sm3CdHalf *h)
{
    bool tbi = upper ? cd->tbi1 : cd->tbi0;
    bool disabled = upper ? cd->eff_epd1 : cd->eff_epd0;
    unsigned tsz = upper ? cd->t1sz : cd->t0sz;
    SmGranule g = upper ? sm3_tg_granule(cd->tg1, true)
                        : sm3_tg_granule(cd->tg0, false);
    unsigned top = tbi ? 55 : 63;
    unsigned ia_bits = 64 - tsz;
    int bits, start;

    memset(h, 0, sizeof(*h));
    h->upper = upper;
    h->tbi = tbi;
    /* VA[top:ia_bits] must all equal the range's sign: 0 lower, 1 upper */
    h->range_mask = sm_low_mask(top + 1) & ~sm_low_mask(ia_bits);
    if (disabled) {
        /* EPDx: a TLB miss in this range is a Translation fault */
        return h->evt = SM3_EVT_F_TRANSLATION;
    }
    start = sm_walk_s1_start_level(g, ia_bits);
    if (start < 0) {
        /* sm3_cd_check() excludes it */
        return h->evt = SM3_EVT_F_TRANSLATION;
    }
    bits = (int)ia_bits - (int)sm_walk_level_shift(g, start);

    h->cfg.enabled = true;
    h->cfg.granule = g;
    h->cfg.tsz = tsz;
    h->cfg.oas_bits = cd->eff_ips_bits;
    h->cfg.upper = upper;
    h->cfg.ttb = sm_walk_table_base(upper ? cd->ttb1 : cd->ttb0, bits,
                                    cd->eff_ips_bits);
    h->cfg.big_endian = cd->endi;
    h->cfg.affd = cd->affd;
    h->cfg.ha = cd->eff_ha;
    h->cfg.hd = cd->eff_hd;
    /* HADx (IDR3.HAD is advertised with stage 1) */
    h->cfg.hpd = upper ? cd->had1 : cd->had0;
    /* STRW = EL2 without E2H: one privilege level (AP[1], PXN ignored) */
    h->cfg.single_priv = cd->world == SM3_WORLD_NS_EL2;
    return h->evt = SM3_EVT_NONE;
}

int sm3_cd_place(const Sm3CdHalf *h, uint64_t iova, Sm3S1Walk *walk)
{
    memset(walk, 0, sizeof(*walk));
    walk->ttb1 = h->upper;
    walk->addr = h->tbi ? (uint64_t)sm_sext(iova, 56) : iova;
    if (h->evt != SM3_EVT_NONE) {
        return h->evt;
    }
    if ((iova & h->range_mask) != (h->upper ? h->range_mask : 0)) {
        return SM3_EVT_F_TRANSLATION;
    }
    walk->cfg = h->cfg;
    return SM3_EVT_NONE;
}

int sm3_cd_select(const Sm3Cd *cd, uint64_t iova, Sm3S1Walk *walk)
{
    Sm3CdHalf h;

    sm3_cd_half(cd, sm3_cd_upper(cd, iova), &h);
    return sm3_cd_place(&h, iova, walk);
}

/* ---- locating a CD ------------------------------------------------------- */

static int sm3_cd_fail(const SmHost *host, uint32_t sid, Sm3Fetch *fault,
                       int evt, uint64_t addr, const char *reason)
{
    fault->addr = addr;
    fault->reason = reason;
    sm3_cfg_log(host, "smmuv3: sid 0x%x: %s (addr 0x%" PRIx64 ")", sid,
                reason, addr);
    return evt;
}

/*
 * Read @n dwords of a CD-table structure at @addr, an IPA when @s2 is
 * given.  Returns SM3_EVT_NONE, the callback's event, or F_CD_FETCH.
 */
static int sm3_cd_read(const SmHost *host, uint32_t sid, uint64_t addr,
                       Sm3S2Xlate s2, void *s2_opaque, uint64_t *dw,
                       unsigned n, Sm3Fetch *fault)
{
    uint64_t pa = addr;
    int evt;

    if (s2) {
        evt = s2(s2_opaque, addr, &pa);
        if (evt != SM3_EVT_NONE) {
            fault->stage2 = true;
            fault->addr = addr;
            fault->reason = "stage 2 fault on a CD-table fetch";
            return evt;
        }
    }
    if (!sm3_read_dwords(host, pa, dw, n, sid)) {
        return sm3_cd_fail(host, sid, fault, SM3_EVT_F_CD_FETCH, pa,
                           n == 1 ? "bus error reading the L1CD"
                                  : "bus error reading the CD");
    }
    return SM3_EVT_NONE;
}

/*
 * Which CD a transaction uses: *@idx, or an event.  Traffic without a
 * substream follows S1DSS when substreams are enabled (STE.S1DSS).
 */
static int sm3_cd_index(const SmHost *host, const Sm3Ste *ste,
                        unsigned cdmax, uint32_t sid, bool ssv,
                        uint32_t ssid, uint32_t *idx, Sm3Fetch *fault)
{
    *idx = 0;
    if (ssv) {
        if (cdmax == 0) {
            return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_SUBSTREAMID,
                               ssid, "SubstreamID with substreams disabled");
        }
        if (ssid >> cdmax) {
            return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_SUBSTREAMID,
                               ssid, "SubstreamID beyond 2^S1CDMax");
        }
        if (ssid == 0 && ste->s1dss == SM3_STE1_S1DSS_SSID0) {
            return sm3_cd_fail(host, sid, fault, SM3_EVT_F_STREAM_DISABLED,
                               ssid, "SubstreamID 0 taken by S1DSS");
        }
        *idx = ssid;
        return SM3_EVT_NONE;
    }
    if (cdmax == 0) {
        return SM3_EVT_NONE;
    }
    switch (ste->s1dss) {
    case SM3_STE1_S1DSS_BYPASS:
        fault->s1_bypass = true;
        return SM3_EVT_NONE;
    case SM3_STE1_S1DSS_SSID0:
        return SM3_EVT_NONE;
    default:
        /* 0b00, and the Reserved 0b11 which behaves as 0b00 */
        return sm3_cd_fail(host, sid, fault, SM3_EVT_F_STREAM_DISABLED, 0,
                           "no SubstreamID and S1DSS terminates");
    }
}

/*
 * Address of CD @idx in a 2-level table: reads the L1CD.  Returns
 * SM3_EVT_NONE with *@cd_addr set, or an event.
 */
static int sm3_cd_2lvl(const SmHost *host, const Sm3Features *f,
                       const Sm3Ste *ste, unsigned cdmax, uint32_t sid,
                       uint32_t idx, Sm3S2Xlate s2, void *s2_opaque,
                       uint64_t *cd_addr, Sm3Fetch *fault)
{
    unsigned l2bits = ste->s1fmt == SM3_STE0_S1FMT_4K_L2 ? 6 : 10;
    unsigned l1_log2 = cdmax > l2bits ? cdmax - l2bits : 0;
    uint64_t base, l1_addr, l1cd, l2;
    int evt;

    /*
     * The L1 table is aligned to its size (8 << l1_log2) or 64 bytes;
     * S1ContextPtr bits below that are RES0.  CONSTRAINED UNPREDICTABLE
     * (STE.S1Fmt): we treat them as zero.
     */
    base = ste->s1contextptr & ~sm_low_mask(MAX(6u, l1_log2 + 3));
    l1_addr = base + (uint64_t)(idx >> l2bits) * SM3_L1CD_SIZE;
    if (!sm3_range_in_oas(f, l1_addr, SM3_L1CD_SIZE)) {
        /*
         * "Address sizes of SMMU-originated accesses", STE.S1ContextPtr
         * rows: C_BAD_STE, our choice for the IPA case too.
         */
        return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_STE, l1_addr,
                           "L1CD address beyond the IAS/OAS");
    }
    evt = sm3_cd_read(host, sid, l1_addr, s2, s2_opaque, &l1cd, 1, fault);
    if (evt != SM3_EVT_NONE) {
        return evt;
    }
    if (!sm_get(l1cd, SM3_L1CD_V)) {
        return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_SUBSTREAMID,
                           l1_addr, "L1CD.V == 0");
    }
    l2 = l1cd & SM3_L1CD_L2PTR;
    if (l2bits == 10) {
        /*
         * 64KB leaf tables: L2Ptr[15:12] are RES0; CONSTRAINED
         * UNPREDICTABLE, we treat them as zero (the table is 64KB-aligned).
         */
        l2 &= ~sm_low_mask(16);
    }
    *cd_addr = l2 + (uint64_t)(idx & sm_low_mask(l2bits)) * SM3_CD_SIZE;
    if (!sm3_range_in_oas(f, *cd_addr, SM3_CD_SIZE)) {
        /*
         * "Address sizes of SMMU-originated accesses", L1CD.L2Ptr rows:
         * SMMUv3.1+ C_BAD_SUBSTREAMID; our IPA choice too.
         */
        return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_SUBSTREAMID,
                           *cd_addr, "L1CD.L2Ptr beyond the IAS/OAS");
    }
    return SM3_EVT_NONE;
}

int sm3_cd_fetch(const SmHost *host, const Sm3Features *f,
                 const Sm3Ste *ste, uint32_t sid, bool ssv, uint32_t ssid,
                 Sm3S2Xlate s2, void *s2_opaque, Sm3Cd *out,
                 Sm3Fetch *fault)
{
    /* STE.S1CDMax is IGNORED when SMMU_IDR1.SSIDSIZE == 0 */
    unsigned cdmax = f->ssidsize ? ste->s1cdmax : 0;
    uint64_t raw[SM3_CD_DWORDS];
    uint64_t cd_addr;
    uint32_t idx;
    int evt;

    memset(fault, 0, sizeof(*fault));
    fault->reason = "";
    memset(out, 0, sizeof(*out));

    if (!ste->s1_enabled) {
        /* Config 0b1x0: a SubstreamID is C_BAD_SUBSTREAMID (STE.S1Fmt) */
        if (ssv) {
            return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_SUBSTREAMID,
                               ssid, "SubstreamID on a stream without "
                               "stage 1");
        }
        fault->s1_bypass = true;
        return SM3_EVT_NONE;
    }
    evt = sm3_cd_index(host, ste, cdmax, sid, ssv, ssid, &idx, fault);
    if (evt != SM3_EVT_NONE || fault->s1_bypass) {
        return evt;
    }

    if (cdmax != 0 && (ste->s1fmt == SM3_STE0_S1FMT_4K_L2 ||
                       ste->s1fmt == SM3_STE0_S1FMT_64K_L2)) {
        evt = sm3_cd_2lvl(host, f, ste, cdmax, sid, idx, s2, s2_opaque,
                          &cd_addr, fault);
        if (evt != SM3_EVT_NONE) {
            return evt;
        }
    } else {
        /*
         * One CD, or a linear table (S1Fmt 0b00 and the Reserved 0b11)
         * aligned to its size: S1ContextPtr[S1CDMax + 5:6] are RES0,
         * treated as zero (CONSTRAINED UNPREDICTABLE, STE.S1Fmt).
         */
        cd_addr = (ste->s1contextptr & ~sm_low_mask(cdmax + 6)) +
                  (uint64_t)idx * SM3_CD_SIZE;
        if (!sm3_range_in_oas(f, cd_addr, SM3_CD_SIZE)) {
            return sm3_cd_fail(host, sid, fault, SM3_EVT_C_BAD_STE, cd_addr,
                               "CD address beyond the IAS/OAS");
        }
    }

    evt = sm3_cd_read(host, sid, cd_addr, s2, s2_opaque, raw,
                      SM3_CD_DWORDS, fault);
    if (evt != SM3_EVT_NONE) {
        return evt;
    }
    sm3_cd_decode(raw, out);
    evt = sm3_cd_validate(out, ste, f, &fault->reason);
    if (evt != SM3_EVT_NONE) {
        fault->addr = cd_addr;
        fault->invalid = !out->v;
        sm3_cfg_log(host, "smmuv3: sid 0x%x ssid 0x%x: C_BAD_CD: %s (CD at "
                    "0x%" PRIx64 ")", sid, idx, fault->reason, cd_addr);
    }
    return evt;
}
