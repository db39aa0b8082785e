/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 configuration structures (IHI 0070, "Data structure formats"):
 * the Stream Table Entry, the Context Descriptor and the level-1
 * descriptors that lead to them, plus the code that finds them in memory,
 * decodes them once into plain structs and checks them against what the
 * instance implements.
 *
 * Field masks follow the spec's tables, named structure, 64-bit dword
 * index, field: the spec numbers STE/CD bits across the whole 512-bit
 * entry, so STE bit [93:92] (EATS) is dword 1 bits [29:28] here.
 *
 * Everything here is pure: memory is read only through SmHost.read, no
 * state is kept between calls, and guest-controlled values never assert.
 * Validation failures come back as an event ID (sm3-ids.h) plus a short
 * reason string (static storage) for the guest-error log.
 */
#ifndef SM3_TABLES_H
#define SM3_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "sm-bits.h"
#include "sm-host.h"
#include "sm-walk.h"
#include "sm3-features.h"
#include "sm3-ids.h"

/* The stream table location registers (STRTAB_BASE, STRTAB_BASE_CFG)
 * are in sm3-regs.h. */

/* ======================================================================
 * L1STD, level-1 Stream Table Descriptor, 8 bytes.
 * ====================================================================== */
#define SM3_L1STD_SPAN              SM_MASK(4, 0)
#define SM3_L1STD_L2PTR             SM_MASK(55, 6)
#define SM3_L1STD_SIZE              8

/* ======================================================================
 * STE, Stream Table Entry, 64 bytes = 8 little-endian dwords.
 * ====================================================================== */
#define SM3_STE_DWORDS              8
#define SM3_STE_SIZE                64

/* dword 0: bits [63:0] */
#define SM3_STE0_V                  SM_BIT(0)
#define SM3_STE0_CONFIG             SM_MASK(3, 1)
#define   SM3_STE0_CONFIG_ABORT     0   /* 0b000 (0b001..0b011 behave so) */
#define   SM3_STE0_CONFIG_BYPASS    4   /* 0b100 */
#define   SM3_STE0_CONFIG_S1        5   /* 0b101 S1 translate, S2 bypass */
#define   SM3_STE0_CONFIG_S2        6   /* 0b110 S1 bypass, S2 translate */
#define   SM3_STE0_CONFIG_NESTED    7   /* 0b111 both stages */
#define SM3_STE0_S1FMT              SM_MASK(5, 4)
#define   SM3_STE0_S1FMT_LINEAR     0
#define   SM3_STE0_S1FMT_4K_L2      1   /* 2-level, 4KB leaf tables */
#define   SM3_STE0_S1FMT_64K_L2     2   /* 2-level, 64KB leaf tables */
#define SM3_STE0_S1CONTEXTPTR       SM_MASK(55, 6)   /* > OAS: C_BAD_STE */
#define SM3_STE0_S1CDMAX            SM_MASK(63, 59)

/* dword 1: bits [127:64] */
#define SM3_STE1_S1DSS              SM_MASK(1, 0)
#define   SM3_STE1_S1DSS_TERMINATE  0
#define   SM3_STE1_S1DSS_BYPASS     1
#define   SM3_STE1_S1DSS_SSID0      2   /* 3 is reserved, behaves as 0 */
#define SM3_STE1_S1CIR              SM_MASK(3, 2)
#define SM3_STE1_S1COR              SM_MASK(5, 4)
#define SM3_STE1_S1CSH              SM_MASK(7, 6)
#define SM3_STE1_S2HWU59            SM_BIT(8)
#define SM3_STE1_S2HWU60            SM_BIT(9)
#define SM3_STE1_S2HWU61            SM_BIT(10)
#define SM3_STE1_S2HWU62            SM_BIT(11)
#define SM3_STE1_DRE                SM_BIT(12)
#define SM3_STE1_CONT               SM_MASK(16, 13)
#define SM3_STE1_DCP                SM_BIT(17)
#define SM3_STE1_PPAR               SM_BIT(18)
#define SM3_STE1_MEV                SM_BIT(19)
#define SM3_STE1_SW_RESERVED        SM_MASK(23, 20)
#define SM3_STE1_S1PIE              SM_BIT(24)
#define SM3_STE1_S2FWB              SM_BIT(25)
#define SM3_STE1_S1MPAM             SM_BIT(26)
#define SM3_STE1_S1STALLD           SM_BIT(27)
#define SM3_STE1_EATS               SM_MASK(29, 28)
#define   SM3_STE1_EATS_ABT         0
#define   SM3_STE1_EATS_FULL        1
#define   SM3_STE1_EATS_SPLIT       2
#define   SM3_STE1_EATS_DPT         3
#define SM3_STE1_STRW               SM_MASK(31, 30)
#define   SM3_STE1_STRW_NSEL1       0
#define   SM3_STE1_STRW_EL2         2
#define SM3_STE1_MEMATTR            SM_MASK(35, 32)
#define SM3_STE1_MTCFG              SM_BIT(36)
#define SM3_STE1_ALLOCCFG           SM_MASK(40, 37)
#define SM3_STE1_SHCFG              SM_MASK(45, 44)
#define SM3_STE1_NSCFG              SM_MASK(47, 46)
#define SM3_STE1_PRIVCFG            SM_MASK(49, 48)
#define   SM3_PRIVCFG_USE_INCOMING  0     /* 0b00, 0b01 */
#define   SM3_PRIVCFG_UNPRIV        2
#define   SM3_PRIVCFG_PRIV          3
#define SM3_STE1_INSTCFG            SM_MASK(51, 50)
#define   SM3_INSTCFG_USE_INCOMING  0     /* 0b00, 0b01 */
#define   SM3_INSTCFG_DATA          2
#define   SM3_INSTCFG_INSTR         3     /* reads only; writes stay data */
#define SM3_STE1_IMPDEF             SM_MASK(63, 52)

/* dword 2: bits [191:128] */
#define SM3_STE2_S2VMID             SM_MASK(15, 0)
#define SM3_STE2_IMPDEF             SM_MASK(31, 16)
#define SM3_STE2_S2T0SZ             SM_MASK(37, 32)
#define SM3_STE2_S2SL0              SM_MASK(39, 38)
#define SM3_STE2_S2IR0              SM_MASK(41, 40)
#define SM3_STE2_S2OR0              SM_MASK(43, 42)
#define SM3_STE2_S2SH0              SM_MASK(45, 44)
#define SM3_STE2_S2TG               SM_MASK(47, 46)
#define   SM3_STE2_S2TG_4K          0
#define   SM3_STE2_S2TG_64K         1
#define   SM3_STE2_S2TG_16K         2
#define SM3_STE2_S2PS               SM_MASK(50, 48)
#define SM3_STE2_S2AA64             SM_BIT(51)
#define SM3_STE2_S2ENDI             SM_BIT(52)
#define SM3_STE2_S2AFFD             SM_BIT(53)
#define SM3_STE2_S2PTW              SM_BIT(54)
#define SM3_STE2_S2HD               SM_BIT(55)
#define SM3_STE2_S2HA               SM_BIT(56)
#define SM3_STE2_S2S                SM_BIT(57)
#define SM3_STE2_S2R                SM_BIT(58)
#define SM3_STE2_S2HAFT             SM_BIT(59)
#define SM3_STE2_S2PIE              SM_BIT(60)
#define SM3_STE2_S2POE              SM_BIT(61)
#define SM3_STE2_DPT_VMATCH         SM_MASK(63, 62)

/* dword 3: bits [255:192] */
#define SM3_STE3_S2NSW              SM_BIT(0)
#define SM3_STE3_S2NSA              SM_BIT(1)
#define SM3_STE3_S2SL0_2            SM_BIT(2)
#define SM3_STE3_S2DS               SM_BIT(3)
#define SM3_STE3_S2TTB              SM_MASK(55, 4)   /* [55:52] RES0: kept to
                                                        range-check them */
#define SM3_STE3_S2SKL              SM_MASK(62, 61)

/* dword 4: bits [319:256] */
#define SM3_STE4_IMPDEF             SM_MASK(15, 0)
#define SM3_STE4_PARTID             SM_MASK(31, 16)
#define SM3_STE4_S_S2T0SZ           SM_MASK(37, 32)
#define SM3_STE4_S_S2SL0            SM_MASK(39, 38)
#define SM3_STE4_S_S2TG             SM_MASK(47, 46)
#define SM3_STE4_MECID              SM_MASK(63, 48)

/* dword 5: bits [383:320] */
#define SM3_STE5_PMG                SM_MASK(7, 0)
#define SM3_STE5_MPAM_NS            SM_BIT(8)
#define SM3_STE5_ASSUREDONLY        SM_BIT(9)
#define SM3_STE5_TL0                SM_BIT(10)
#define SM3_STE5_TL1                SM_BIT(11)
#define SM3_STE5_VMSPTR             SM_MASK(55, 12)

/* dword 6: bits [447:384] */
#define SM3_STE6_S2SW               SM_BIT(0)
#define SM3_STE6_S2SA               SM_BIT(1)
#define SM3_STE6_S_S2SL0_2          SM_BIT(2)
#define SM3_STE6_S_S2TTB            SM_MASK(55, 4)
#define SM3_STE6_S_S2SKL            SM_MASK(62, 61)

/* dword 7: bits [511:448], S2POI<p> at [4p+3:4p] */
#define SM3_STE7_S2POI              SM_MASK(63, 0)

/* ======================================================================
 * L1CD, level-1 Context Descriptor, 8 bytes.
 * ====================================================================== */
#define SM3_L1CD_V                  SM_BIT(0)
#define SM3_L1CD_L2PTR              SM_MASK(55, 12)
#define SM3_L1CD_SIZE               8

/* ======================================================================
 * CD, Context Descriptor, 64 bytes = 8 little-endian dwords.
 * ====================================================================== */
#define SM3_CD_DWORDS               8
#define SM3_CD_SIZE                 64

/* dword 0: bits [63:0] */
#define SM3_CD0_T0SZ                SM_MASK(5, 0)
#define SM3_CD0_TG0                 SM_MASK(7, 6)    /* 0 4K, 1 64K, 2 16K */
#define SM3_CD0_IR0                 SM_MASK(9, 8)
#define SM3_CD0_OR0                 SM_MASK(11, 10)
#define SM3_CD0_SH0                 SM_MASK(13, 12)
#define SM3_CD0_EPD0                SM_BIT(14)
#define SM3_CD0_ENDI                SM_BIT(15)
#define SM3_CD0_T1SZ                SM_MASK(21, 16)
#define SM3_CD0_TG1                 SM_MASK(23, 22)  /* 1 16K, 2 4K, 3 64K */
#define SM3_CD0_IR1                 SM_MASK(25, 24)
#define SM3_CD0_OR1                 SM_MASK(27, 26)
#define SM3_CD0_SH1                 SM_MASK(29, 28)
#define SM3_CD0_EPD1                SM_BIT(30)
#define SM3_CD0_V                   SM_BIT(31)
#define SM3_CD0_IPS                 SM_MASK(34, 32)
#define SM3_CD0_AFFD                SM_BIT(35)
#define SM3_CD0_WXN                 SM_BIT(36)
#define SM3_CD0_UWXN                SM_BIT(37)
#define SM3_CD0_TBI0                SM_BIT(38)
#define SM3_CD0_TBI1                SM_BIT(39)
#define SM3_CD0_PAN                 SM_BIT(40)
#define SM3_CD0_AA64                SM_BIT(41)
#define SM3_CD0_HD                  SM_BIT(42)
#define SM3_CD0_HA                  SM_BIT(43)
#define SM3_CD0_S                   SM_BIT(44)
#define SM3_CD0_R                   SM_BIT(45)
#define SM3_CD0_A                   SM_BIT(46)
#define SM3_CD0_ASET                SM_BIT(47)
#define SM3_CD0_ASID                SM_MASK(63, 48)

/* dword 1: bits [127:64] */
#define SM3_CD1_NSCFG0              SM_BIT(0)
#define SM3_CD1_HAD0                SM_BIT(1)
#define SM3_CD1_E0PD0               SM_BIT(2)
#define SM3_CD1_HAFT                SM_BIT(3)
#define SM3_CD1_TTB0                SM_MASK(55, 4)   /* [51:4] + RES0 */
#define SM3_CD1_PNCH                SM_BIT(58)
#define SM3_CD1_EPAN                SM_BIT(59)
#define SM3_CD1_HWU0                SM_MASK(63, 60)  /* HWU062..HWU059 */

/* dword 2: bits [191:128] */
#define SM3_CD2_NSCFG1              SM_BIT(0)
#define SM3_CD2_HAD1                SM_BIT(1)
#define SM3_CD2_E0PD1               SM_BIT(2)
#define SM3_CD2_AIE                 SM_BIT(3)
#define SM3_CD2_TTB1                SM_MASK(55, 4)   /* [51:4] + RES0 */
#define SM3_CD2_DS                  SM_BIT(58)
#define SM3_CD2_PIE                 SM_BIT(59)
#define SM3_CD2_HWU1                SM_MASK(63, 60)  /* HWU162..HWU159 */

/* dword 3: MAIR (MAIR0 low word, MAIR1 high word); dword 4: AMAIR */
#define SM3_CD3_MAIR0               SM_MASK(31, 0)
#define SM3_CD3_MAIR1               SM_MASK(63, 32)
#define SM3_CD4_AMAIR0              SM_MASK(31, 0)
#define SM3_CD4_AMAIR1              SM_MASK(63, 32)
/* dword 5: IMPLEMENTATION DEFINED [351:320], MPAM [375:352] */
#define SM3_CD5_IMPDEF              SM_MASK(31, 0)
#define SM3_CD5_PARTID              SM_MASK(47, 32)
#define SM3_CD5_PMG                 SM_MASK(55, 48)
/* dwords 6, 7: permission indirection PIIU<p> / PIIP<p> at [3p+2:3p] */
#define SM3_CD6_PIIU                SM_MASK(47, 0)
#define SM3_CD7_PIIP                SM_MASK(47, 0)

/* ======================================================================
 * Fetch outcome details
 * ====================================================================== */

/*
 * What went wrong, beyond the event ID the fetch functions return.
 * Zeroed first by every fetch call, so any field may be read afterwards.
 */
typedef struct Sm3Fetch {
    /*
     * F_STE_FETCH / F_CD_FETCH: the (physical) address whose read got a
     * bus error or was out of range.  When @stage2: the IPA whose stage-2
     * translation failed.
     */
    uint64_t addr;
    /*
     * The event came from the caller's stage-2 callback (CD table
     * addresses are IPAs in nested configurations): the returned event is
     * whatever the callback returned, @addr is the IPA, and the caller
     * owns the fault details (it records them with CLASS = CD).
     */
    bool stage2;
    /*
     * sm3_cd_fetch() returned SM3_EVT_NONE without a CD: stage 1 is
     * bypassed for this transaction (STE.S1DSS == 0b01 for traffic
     * without a substream, or stage 1 disabled in the STE).
     */
    bool s1_bypass;
    /* The STE/CD read had Valid == 0 (C_BAD_STE / C_BAD_CD) */
    bool invalid;
    /* Short static text for the guest-error log ("" when all is well). */
    const char *reason;
} Sm3Fetch;

/* ======================================================================
 * Decoded STE
 * ====================================================================== */

/* What a valid STE does with traffic. */
typedef enum Sm3SteMode {
    SM3_STE_MODE_ABORT = 0,  /* Config 0b000 (and reserved 0b001..0b011):
                                abort, no event */
    SM3_STE_MODE_BYPASS,     /* 0b100 */
    SM3_STE_MODE_S1,         /* 0b101 */
    SM3_STE_MODE_S2,         /* 0b110 */
    SM3_STE_MODE_NESTED,     /* 0b111 */
} Sm3SteMode;

/*
 * StreamWorld (see STE.STRW) of a Non-secure STE.  sm3_ste_validate() yields
 * NS_EL1 or NS_EL2; it cannot see SMMU_CR2.E2H, so a caller with
 * CR2.E2H == 1 turns NS_EL2 into NS_EL2_E2H before using the CD.
 */
typedef enum Sm3StreamWorld {
    SM3_WORLD_NS_EL1 = 0,
    SM3_WORLD_NS_EL2,        /* one VA range (TTB0), no ASID */
    SM3_WORLD_NS_EL2_E2H,    /* two VA ranges, ASID-tagged */
} Sm3StreamWorld;

typedef struct Sm3Ste {
    uint64_t raw[SM3_STE_DWORDS];

    /* dword 0 */
    bool v;
    uint8_t config;          /* raw 3-bit Config */
    uint8_t s1fmt;
    uint64_t s1contextptr;   /* address: the field's bits kept in place */
    uint8_t s1cdmax;

    /* dword 1 */
    uint8_t s1dss, s1cir, s1cor, s1csh;
    bool s2hwu59, s2hwu60, s2hwu61, s2hwu62;
    bool dre;
    uint8_t cont;
    bool dcp, ppar, mev;
    uint8_t sw_reserved;
    bool s1pie, s2fwb, s1mpam, s1stalld;
    uint8_t eats, strw;
    uint8_t memattr;
    bool mtcfg;
    uint8_t alloccfg, shcfg, nscfg, privcfg, instcfg;
    uint16_t impdef1;

    /* dword 2 */
    uint16_t s2vmid;
    uint16_t impdef2;
    uint8_t s2t0sz, s2sl0, s2ir0, s2or0, s2sh0, s2tg, s2ps;
    bool s2aa64, s2endi, s2affd, s2ptw, s2hd, s2ha, s2s, s2r;
    bool s2haft, s2pie, s2poe;
    uint8_t dpt_vmatch;

    /* dword 3 */
    bool s2nsw, s2nsa, s2sl0_2, s2ds;
    uint64_t s2ttb;          /* address: bits [55:4] kept in place */
    uint8_t s2skl;

    /* dwords 4..7 (MPAM, Secure stage 2, VMS...: decoded, not used) */
    uint16_t impdef4;
    uint16_t partid;
    uint8_t s_s2t0sz, s_s2sl0, s_s2tg;
    uint16_t mecid;
    uint8_t pmg;
    bool mpam_ns, assuredonly, tl0, tl1;
    uint64_t vmsptr;         /* address: bits [55:12] kept in place */
    bool s2sw, s2sa, s_s2sl0_2;
    uint64_t s_s2ttb;
    uint8_t s_s2skl;
    uint64_t s2poi;

    /* ---- derived by sm3_ste_validate() (valid only if it returned NONE) */
    Sm3SteMode mode;
    bool s1_enabled;         /* Config == 0b1x1 */
    bool s2_enabled;         /* Config == 0b11x */
    Sm3StreamWorld world;
    /*
     * Stage 2, filled when s2_enabled: parameters for sm_walk() (ttb is
     * aligned to the start table; ha/hd are the effective values).  The
     * walk's geometry (start level, concatenated tables) is the walker's
     * to derive from them: sm_walk_start_level() and friends.
     */
    SmWalkStageCfg s2cfg;
} Sm3Ste;

/* ======================================================================
 * Decoded CD
 * ====================================================================== */

typedef struct Sm3Cd {
    uint64_t raw[SM3_CD_DWORDS];

    /* dword 0 */
    uint8_t t0sz, tg0, ir0, or0, sh0;
    bool epd0, endi;
    uint8_t t1sz, tg1, ir1, or1, sh1;
    bool epd1, v;
    uint8_t ips;
    bool affd, wxn, uwxn, tbi0, tbi1, pan, aa64, hd, ha, s, r, a, aset;
    uint16_t asid;

    /* dword 1 */
    bool nscfg0, had0, e0pd0, haft;
    uint64_t ttb0;           /* address: bits [55:4] kept in place */
    bool pnch, epan;
    uint8_t hwu0;            /* HWU062..HWU059 as bits [3:0] */

    /* dword 2 */
    bool nscfg1, had1, e0pd1, aie;
    uint64_t ttb1;
    bool ds, pie;
    uint8_t hwu1;

    /* dwords 3..7 */
    uint32_t mair0, mair1;
    uint32_t amair0, amair1;
    uint32_t impdef;
    uint16_t partid;
    uint8_t pmg;
    uint64_t piiu, piip;

    /* ---- derived by sm3_cd_validate() (valid only if it returned NONE) */
    Sm3StreamWorld world;    /* of the STE it was validated against */
    bool eff_epd0;           /* effective EPDx (0 for any-EL2) */
    bool eff_epd1;           /* also true when TTB1 is unreachable (EL2) */
    bool ttb1_unreachable;   /* StreamWorld any-EL2: one VA range only */
    uint8_t eff_ips_bits;    /* min(IPS, OAS) in bits */
    bool eff_ha, eff_hd;     /* {HD, HA} == 0b10 behaves as 0b00 */
} Sm3Cd;

/* Stage-1 walk parameters for one input address, from sm3_cd_select(). */
typedef struct Sm3S1Walk {
    bool ttb1;               /* the upper (TTB1) range was selected */
    /*
     * The input address as a walker range-checks it: with TBI, bits
     * [63:56] replaced by copies of bit 55; otherwise the input unchanged.
     */
    uint64_t addr;
    SmWalkStageCfg cfg;      /* enabled, granule, tsz, ttb (aligned), ... */
} Sm3S1Walk;

/* ======================================================================
 * Stage-2 translation of CD-table addresses (nested configurations)
 * ====================================================================== */

/*
 * Translate the IPA @ipa of a CD or L1CD fetch through stage 2 (a data
 * read).  Return SM3_EVT_NONE with *@pa set, or the stage-2 fault event
 * to raise (e.g. SM3_EVT_F_TRANSLATION, SM3_EVT_F_WALK_EABT); keep the
 * details in @opaque.  The fetch function then returns that event with
 * Sm3Fetch.stage2 = true and Sm3Fetch.addr = @ipa.
 */
typedef int (*Sm3S2Xlate)(void *opaque, uint64_t ipa, uint64_t *pa);

/* ======================================================================
 * Shared helpers (sm3-ste.c)
 * ====================================================================== */

/*
 * Read @n little-endian dwords at @pa into host order, on behalf of
 * StreamID @sid.  Returns false on a bus error (nothing else is checked).
 */
bool sm3_read_dwords(const SmHost *host, uint64_t pa, uint64_t *dw,
                     unsigned n, uint32_t sid);

/* One SM_LOG_GUEST_ERROR line through host->log (if any). */
#define sm3_cfg_log(host, ...) \
    sm_host_log(host, SM_LOG_GUEST_ERROR, __VA_ARGS__)

/* Output size in bits of a 3-bit PS/IPS encoding (0b111 behaves as 52). */
unsigned sm3_ps_bits(unsigned ps);

/* Granule of a TG0/S2TG encoding (@tg1 false) or of a CD.TG1 encoding. */
SmGranule sm3_tg_granule(unsigned tg, bool tg1);
/* Whether the instance implements granule @g (IDR5.GRAN*). */
bool sm3_granule_supported(const Sm3Features *f, SmGranule g);
/*
 * @ttb with the bits below the alignment of a start table of @bits index
 * bits cleared (at least 64-byte aligned for a 52-bit output).
 */

/* ======================================================================
 * STE API (sm3-ste.c)
 * ====================================================================== */

/* Decode 8 host-order dwords into @ste (every field; no checks). */
void sm3_ste_decode(const uint64_t raw[SM3_STE_DWORDS], Sm3Ste *ste);

/*
 * Check a decoded STE against the implementation (SteIllegal, for a
 * Non-secure STE).  Returns SM3_EVT_NONE and fills the derived fields
 * (mode, s1/s2_enabled, world, s2cfg), or SM3_EVT_C_BAD_STE with
 * *@reason set.  V == 0 gives C_BAD_STE as the architecture says
 * (STE.V); the caller tells it apart by ste->v (an ATS Translation Request
 * gets CA and no event then).  @reason may be NULL.
 */
int sm3_ste_validate(Sm3Ste *ste, const Sm3Features *f, const char **reason);

/*
 * Where the STE of @sid is.  @strtab_base / @strtab_cfg are the raw
 * SMMU_STRTAB_BASE and SMMU_STRTAB_BASE_CFG values.  Reads the L1STD of a
 * 2-level table.  Returns SM3_EVT_NONE with *@ste_pa set,
 * SM3_EVT_C_BAD_STREAMID (StreamID beyond LOG2SIZE/SIDSIZE, L1STD Span
 * invalid, too large for SPLIT, or not covering the StreamID) or
 * SM3_EVT_F_STE_FETCH (bus error or address beyond the OAS;
 * fault->addr = the L1STD or STE address).  Does not log.
 */
int sm3_ste_locate(const SmHost *host, const Sm3Features *f,
                   uint64_t strtab_base, uint32_t strtab_cfg, uint32_t sid,
                   uint64_t *ste_pa, Sm3Fetch *fault);

/*
 * Locate, read, decode and validate the STE of @sid.  Returns
 * SM3_EVT_NONE, C_BAD_STREAMID, F_STE_FETCH (fault->addr = failing
 * address) or C_BAD_STE (fault->invalid when V == 0), with fault->reason,
 * and logs a guest error for each of them.  @out is decoded whenever the
 * STE could be read (and zeroed otherwise).
 */
int sm3_ste_fetch(const SmHost *host, const Sm3Features *f,
                  uint64_t strtab_base, uint32_t strtab_cfg, uint32_t sid,
                  Sm3Ste *out, Sm3Fetch *fault);

/* ======================================================================
 * CD API (sm3-cd.c)
 * ====================================================================== */

/* Decode 8 host-order dwords into @cd (every field; no checks). */
void sm3_cd_decode(const uint64_t raw[SM3_CD_DWORDS], Sm3Cd *cd);

/*
 * Check a decoded CD (CdIllegal) as reached through @ste, which
 * must have passed sm3_ste_validate() (its StreamWorld, S1STALLD and
 * stage-2 settings affect legality).  Returns SM3_EVT_NONE and fills the
 * derived fields, or SM3_EVT_C_BAD_CD with *@reason (may be NULL).
 */
int sm3_cd_validate(Sm3Cd *cd, const Sm3Ste *ste, const Sm3Features *f,
                    const char **reason);

/*
 * Pick the TTB0 or TTB1 range for input address @iova (VMSAv8-64: VA[55]
 * selects, TBIx makes VA[63:56] ignored) and fill @walk for it.  Returns
 * SM3_EVT_NONE, or SM3_EVT_F_TRANSLATION when the address is outside the
 * selected range or that range is disabled by EPDx (a stage-1 translation
 * fault, CLASS = IN).  @cd must have passed sm3_cd_validate().
 */
int sm3_cd_select(const Sm3Cd *cd, uint64_t iova, Sm3S1Walk *walk);

/*
 * sm3_cd_select() in two steps, for callers that keep the first: what
 * one range (@upper: TTB1) of @cd gives any address in it, then @iova's
 * walk from that.
 */
typedef struct Sm3CdHalf {
    bool upper;
    bool tbi;                /* TBIx: VA[63:56] ignored */
    int evt;                 /* SM3_EVT_NONE, or the range's fault */
    uint64_t range_mask;     /* VA bits that must all be the range's sign */
    SmWalkStageCfg cfg;      /* the walk, when evt is SM3_EVT_NONE */
} Sm3CdHalf;

/* The range VA[55] selects, unless TTB1 cannot be reached. */
bool sm3_cd_upper(const Sm3Cd *cd, uint64_t iova);
int sm3_cd_half(const Sm3Cd *cd, bool upper, Sm3CdHalf *h);
int sm3_cd_place(const Sm3CdHalf *h, uint64_t iova, Sm3S1Walk *walk);

/*
 * Find, read, decode and validate the CD for a transaction of stream
 * @sid through @ste (validated), following S1Fmt, S1CDMax and S1DSS:
 *   - SM3_EVT_NONE: *@out holds a valid CD, or fault->s1_bypass is set;
 *   - SM3_EVT_C_BAD_SUBSTREAMID, SM3_EVT_F_STREAM_DISABLED,
 *     SM3_EVT_F_CD_FETCH (fault->addr = failing PA), SM3_EVT_C_BAD_STE
 *     (S1ContextPtr-based address beyond the IAS/OAS, "Address sizes of
 *     SMMU-originated accesses"),
 *     SM3_EVT_C_BAD_CD (fault->invalid when CD.V == 0);
 *   - the callback's event when @s2 fails (fault->stage2 set).
 * @s2 translates CD/L1CD addresses when stage 2 is enabled; NULL means
 * they are used as PAs.  Logs a guest error for every failure except the
 * callback's (the caller reports its own fault).
 */
int sm3_cd_fetch(const SmHost *host, const Sm3Features *f,
                 const Sm3Ste *ste, uint32_t sid, bool ssv, uint32_t ssid,
                 Sm3S2Xlate s2, void *s2_opaque, Sm3Cd *out,
                 Sm3Fetch *fault);

#endif /* SM3_TABLES_H */
