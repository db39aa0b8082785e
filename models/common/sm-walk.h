/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMSAv8-64 translation table walker shared by the SMMU models: stage 1,
 * stage 2 and nested (stage 1 then stage 2), with the AArch64 long
 * descriptor format of Arm ARM D8 (DDI0487), which SMMUv3 (IHI0070) and
 * SMMUv2 AArch64 context banks use unchanged.
 *
 * The walker is pure: it reads (and, for hardware Access flag / dirty
 * state updates, writes) descriptors only through the SmHost read/write
 * hooks, keeps no state between calls and returns everything in a
 * SmWalkResult.  Caching the result is the caller's business.
 *
 * Granules 4K, 16K and 64K; input sizes up to 48 bits (52 with 64K);
 * output sizes 32..48 bits, and 52 bits with the 64K granule (FEAT_LPA
 * descriptor layout, OA[51:48] in descriptor bits [15:12]).  FEAT_LPA2
 * (level -1, 52-bit 4K/16K) is not modelled.
 */
#ifndef SM_WALK_H
#define SM_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "sm-bits.h"
#include "sm-host.h"

/* ---- Descriptor fields (Arm ARM D8.3) ---------------------------------- */

/*
 * Public because the walker that reads descriptors and the builder that
 * writes them (sm-ptbuild.h) must agree on every bit.
 */
#define SM_DESC_VALID        SM_BIT(0)
#define SM_DESC_TABLE        SM_BIT(1)      /* table (L0-2) or page (L3) */
/* Stage 1 lower attributes */
#define SM_DESC_ATTRINDX     SM_MASK(4, 2)
#define SM_DESC_AP1          SM_BIT(6)      /* unprivileged access */
#define SM_DESC_AP2          SM_BIT(7)      /* read-only */
/* Stage 2 lower attributes */
#define SM_DESC_S2_MEMATTR   SM_MASK(5, 2)
#define SM_DESC_S2AP_R       SM_BIT(6)
#define SM_DESC_S2AP_W       SM_BIT(7)
/* Both stages */
#define SM_DESC_SH           SM_MASK(9, 8)
#define SM_DESC_AF           SM_BIT(10)
#define SM_DESC_NG           SM_BIT(11)
#define SM_DESC_OA_HI        SM_MASK(15, 12)  /* OA[51:48], 64K + 52-bit */
#define SM_DESC_OA           SM_MASK(47, 0)   /* masked with the granule */
#define SM_DESC_DBM          SM_BIT(51)
#define SM_DESC_CONTIG       SM_BIT(52)
#define SM_DESC_PXN          SM_BIT(53)
#define SM_DESC_UXN          SM_BIT(54)       /* XN at stage 2 */
/* Stage 1 table descriptor hierarchical attributes */
#define SM_DESC_PXNTABLE     SM_BIT(59)
#define SM_DESC_UXNTABLE     SM_BIT(60)
#define SM_DESC_APTABLE0     SM_BIT(61)       /* no unprivileged access */
#define SM_DESC_APTABLE1     SM_BIT(62)       /* no write access */

/* ---- Geometry ---------------------------------------------------------- */

typedef enum SmGranule {
    SM_GRANULE_4K = 0,
    SM_GRANULE_16K,
    SM_GRANULE_64K,
    SM_GRANULE_INVALID,      /* a reserved TGx encoding */
} SmGranule;

/* TCR/CD TG0 and VTCR/STE S2TG encoding: 0 4K, 1 64K, 2 16K, 3 reserved. */
SmGranule sm_granule_from_tg0(unsigned tg0);
/* TCR/CD TG1 encoding: 1 16K, 2 4K, 3 64K, 0 reserved. */
SmGranule sm_granule_from_tg1(unsigned tg1);

/*
 * The Arm physical-address-size encoding shared by ID_AA64MMFR0.PARange,
 * TCR.IPS, VTCR.PS, SMMUv3 IDR5.OAS, STE.S2PS and CD.IPS, SMMUv2
 * IDR2.OAS/IAS: 0..6 are 32, 36, 40, 42, 44, 48 and 52 bits.  The
 * bits of @enc, 0 for an encoding without a size; the encoding of
 * @bits, -1 for a size without one.
 */
unsigned sm_pa_size_bits(unsigned enc);
int sm_pa_size_encoding(unsigned bits);

/*
 * The geometry every lookup and walk step asks for, inline: a table walk
 * asks it a few dozen times.
 */

/* log2 of the granule size: 12, 14 or 16 (0 for an invalid granule). */
static inline unsigned sm_granule_shift(SmGranule g)
{
    switch (g) {
    case SM_GRANULE_4K:
        return 12;
    case SM_GRANULE_16K:
        return 14;
    case SM_GRANULE_64K:
        return 16;
    default:
        return 0;
    }
}

/* Address bits resolved by one full table: granule_shift - 3. */
static inline unsigned sm_walk_bits_per_level(SmGranule g)
{
    unsigned gs = sm_granule_shift(g);

    return gs ? gs - 3 : 0;
}

/* Lowest address bit resolved at @level (0..3): the block/page shift. */
static inline unsigned sm_walk_level_shift(SmGranule g, int level)
{
    if (level < 0 || level > 3) {
        return 0;
    }
    return sm_granule_shift(g) + sm_walk_bits_per_level(g) * (3 - level);
}

/* The granule of log2 size @shift (12, 14 or 16), else invalid. */
SmGranule sm_granule_from_shift(unsigned shift);
/* Bytes mapped by one descriptor at @level. */
uint64_t sm_walk_block_size(SmGranule g, int level);
/*
 * Index of @addr in a full table at @level (the start level may be short
 * or concatenated: sm_walk_start_index()).
 */
uint64_t sm_walk_index(SmGranule g, int level, uint64_t addr);
/*
 * Input bits the start-level table resolves when an input of @ias_bits
 * starts at level @start: fewer than sm_walk_bits_per_level() make a
 * short table, more make 2^(the difference) concatenated tables (stage
 * 2).  0 when the input does not reach above @start's level shift.
 */
unsigned sm_walk_start_bits(SmGranule g, int start, unsigned ias_bits);
/* Index of @addr in that (short or concatenated) start-level table. */
uint64_t sm_walk_start_index(SmGranule g, int start, unsigned ias_bits,
                             uint64_t addr);
/*
 * Whether a block descriptor is architected at @level for @g (with a
 * 48/52-bit OA, no FEAT_LPA2): 4K levels 1-2, 16K level 2, 64K level 2
 * (and level 1 when @oas_bits is 52).  Level 3 holds pages, never blocks.
 */
bool sm_walk_block_allowed(SmGranule g, int level, unsigned oas_bits);
/*
 * Stage-1 start level for an input of @ias_bits (= 64 - TxSZ), or -1
 * when no walk of at most 4 levels covers it.
 */
int sm_walk_s1_start_level(SmGranule g, unsigned ias_bits);
/*
 * Stage-2 start level from VTCR/STE S2SL0, or -1 when the encoding is
 * reserved for @g (4K: 0 -> 2, 1 -> 1, 2 -> 0; 16K/64K: 0 -> 3, 1 -> 2,
 * 2 -> 1; 3 reserved for all three here).
 */
int sm_walk_s2_start_level(SmGranule g, unsigned sl0);
/*
 * The same, or -1 also when a PA size of @pamax bits cannot need that
 * start level (AArch64.S2InvalidSL).
 */
int sm_walk_s2_valid_start_level(SmGranule g, unsigned sl0, unsigned pamax);

/* ---- Configuration ----------------------------------------------------- */

/* Decoded translation parameters of one stage (from a CD, STE or CB). */
typedef struct SmWalkStageCfg {
    bool enabled;            /* this stage translates */
    SmGranule granule;
    uint8_t tsz;             /* TxSZ / S2T0SZ: input is 64 - tsz bits */
    uint8_t sl0;             /* stage 2 only: S2SL0 / VTCR.SL0 */
    uint8_t oas_bits;        /* effective output size: IPS/PS/OAS, 32..52 */
    /*
     * Stage 1 only: this is a TTB1 (upper) region, so input bits above
     * the input size must all be ones instead of zeros.  Selecting TTB0
     * or TTB1 (and stripping top-byte-ignore bits) is the caller's job.
     */
    bool upper;
    uint64_t ttb;            /* table base (TTBx / S2TTB); may be above OAS */
    bool big_endian;         /* descriptors are big-endian (ENDI / S2ENDI) */
    bool affd;               /* AF==0 is not a fault: treat as accessed */
    bool ha;                 /* hardware Access flag update */
    bool hd;                 /* hardware dirty state update (needs @ha) */
    bool hpd;                /* stage 1: hierarchical permissions disabled */
    /*
     * Stage 1 only: a regime with one privilege level (EL2 without E2H,
     * SMMUv3 STRW = EL2): AP[1], PXN, APTable[0] and PXNTable are
     * ignored, bit 54 is XN, and req.priv makes no difference.
     */
    bool single_priv;
    /* Stage 2 only: FEAT_XNX, XN is descriptor bits [54:53]. */
    bool xnx;
    /*
     * Stage 2 only, nested: S2PTW.  A stage-1 table fetch whose stage-2
     * leaf is Device memory (MemAttr[3:2] == 0) is a stage-2 permission
     * fault (CLASS TT).
     */
    bool ptw;
    /*
     * Stage 2 only: the implemented PA size (PAMax of AArch64.S2InvalidSL,
     * which decides which start levels are valid); 0 takes @oas_bits.
     * An SMMU's effective S2PS may be smaller than what it implements.
     */
    uint8_t pamax_bits;
} SmWalkStageCfg;

/* ---- Walk caches (optional, supplied by the caller) -------------------- */

/*
 * Stage-1 hierarchical attributes (D8.4.1.3) a table descriptor passes
 * down, accumulated from the start level: SmWalkTableDesc.attrs.
 */
#define SM_WALK_TBL_NO_UNPRIV  (1u << 0)   /* APTable[0] */
#define SM_WALK_TBL_RO         (1u << 1)   /* APTable[1] */
#define SM_WALK_TBL_UXN        (1u << 2)   /* UXNTable (XNTable) */
#define SM_WALK_TBL_PXN        (1u << 3)   /* PXNTable */

/* What a walk cache holds for one valid table descriptor. */
typedef struct SmWalkTableDesc {
    /*
     * Next-level table address, as the walk uses it: an IPA for stage 1
     * of a nested walk (so stage 2 still translates it), a PA otherwise.
     */
    uint64_t table;
    /* SM_WALK_TBL_*, accumulated down to and including this level */
    uint8_t attrs;
} SmWalkTableDesc;

/*
 * A partial-walk cache the walker consults and fills; the walker itself
 * keeps nothing between walks.  The caller owns the tags: the
 * translation context (ASID, VMID, regime) is implied by @opaque, the
 * rest is given per call.  @stage is 1 or 2, @level the level of the
 * table descriptor (0..2), @shift log2 of the input region one
 * descriptor of that level covers (sm_walk_level_shift()): an entry
 * answers every input address with the same bits above @shift.
 *
 * Before reading descriptors, the walker looks up levels 2, 1, 0 (down
 * to the stage's start level) and resumes below the first hit.  After
 * reading a valid table descriptor whose next-level address fits the
 * output size, it inserts it.  Faulting descriptors (invalid, reserved,
 * address size) are never inserted.  Each hit is recorded in
 * SmWalkResult.accesses with @cached set.
 */
typedef struct SmWalkCacheOps {
    void *opaque;
    bool (*lookup)(void *opaque, unsigned stage, int level, unsigned shift,
                   uint64_t in, SmWalkTableDesc *out);
    void (*insert)(void *opaque, unsigned stage, int level, unsigned shift,
                   uint64_t in, const SmWalkTableDesc *d);
} SmWalkCacheOps;

/*
 * A whole translation: stage 1 alone, stage 2 alone, or both (nested)
 * depending on which stage is enabled.  Neither enabled is a bad config.
 */
typedef struct SmWalkCfg {
    SmWalkStageCfg s1;
    SmWalkStageCfg s2;
    SmAttrs attrs;           /* attributes for the walker's own accesses */
    /*
     * Both stages enabled: stage 2 translates the stage-1 table addresses
     * but not the stage-1 output, which is the result (an IPA).  What a
     * stage-1 address translation operation of a nested context does.
     */
    bool s1_output;
    /* Walk caches; NULL: every walk starts at the start level. */
    const SmWalkCacheOps *wc;
} SmWalkCfg;

/* Why a stage configuration is unusable. */
typedef enum SmWalkCfgError {
    SM_WALK_CFG_OK = 0,
    SM_WALK_CFG_GRANULE,     /* reserved granule encoding */
    SM_WALK_CFG_TSZ,         /* input size not walkable (S1) */
    SM_WALK_CFG_SL0,         /* S2SL0 reserved, or inconsistent with TSZ */
    SM_WALK_CFG_OAS,         /* output size outside 32..48 (52 with 64K) */
    SM_WALK_CFG_NO_STAGE,    /* neither stage enabled */
} SmWalkCfgError;

/*
 * Check one stage as the architecture requires (for stage 2 this is
 * AArch64.S2InvalidSL/S2InconsistentSL: the start level must resolve
 * between 1 and bits_per_level + 4 bits, i.e. at most 16 concatenated
 * tables).  Callers decoding an STE/CD use it to raise C_BAD_STE /
 * C_BAD_CD before any walk; sm_walk() checks again and reports
 * SM_WALK_BAD_CONFIG.
 */
SmWalkCfgError sm_walk_check_stage(const SmWalkStageCfg *sc, bool stage2);
/* Start level of a stage that passed sm_walk_check_stage(). */
int sm_walk_start_level(const SmWalkStageCfg *sc, bool stage2);
/*
 * Number of concatenated start-level tables of a valid stage-2 config
 * (1..16); 1 for stage 1.
 */
unsigned sm_walk_concat_tables(const SmWalkStageCfg *sc, bool stage2);

/*
 * The base of a start table of 2^@bits descriptors at @ttb: the bits
 * below the table's size are ignored (TTBR BADDR, SMMU TTB0/TTB1/S2TTB),
 * and below 64 bytes when the output size is 52 bits (where BADDR[5:2]
 * would be PA[51:48]).  @bits <= 0 is a one-descriptor table.
 */
uint64_t sm_walk_table_base(uint64_t ttb, int bits, unsigned oas_bits);
/* Short name for logs: "granule", "tsz", ... ("ok" for SM_WALK_CFG_OK). */
const char *sm_walk_cfg_error_name(SmWalkCfgError e);

/* ---- Request ----------------------------------------------------------- */

typedef struct SmWalkReq {
    uint64_t addr;           /* VA (stage 1 or nested) or IPA (S2 only) */
    bool write;              /* false: read */
    bool instr;              /* instruction fetch: needs read and exec */
    bool priv;               /* privileged (EL1) rather than unprivileged */
} SmWalkReq;

/* ---- Result ------------------------------------------------------------ */

typedef enum SmWalkOutcome {
    SM_WALK_OK = 0,
    SM_WALK_FAULT_TRANSLATION,
    SM_WALK_FAULT_ADDR_SIZE,
    SM_WALK_FAULT_ACCESS,        /* Access flag fault */
    SM_WALK_FAULT_PERMISSION,
    SM_WALK_FAULT_EABT,          /* external abort on a descriptor access */
    SM_WALK_BAD_CONFIG,          /* see SmWalkResult.fault.cfg_error */
} SmWalkOutcome;

/* Where a fault happened (SMMUv3 CLASS; the SMMUv3 CD class is not ours) */
typedef enum SmWalkClass {
    SM_WALK_CLASS_IN = 0,        /* translating the input / final address */
    SM_WALK_CLASS_TT,            /* fetching a stage-1 translation table */
} SmWalkClass;

/* Permission bits of SmWalkResult.ok.perm. */
#define SM_PERM_R    (1u << 0)   /* unprivileged read */
#define SM_PERM_W    (1u << 1)   /* unprivileged write */
#define SM_PERM_X    (1u << 2)   /* unprivileged execute */
#define SM_PERM_PR   (1u << 3)   /* privileged read */
#define SM_PERM_PW   (1u << 4)   /* privileged write */
#define SM_PERM_PX   (1u << 5)   /* privileged execute */
#define SM_PERM_ALL  0x3fu

/* One descriptor access made by the walk, for the timing model. */
typedef struct SmWalkAccess {
    uint64_t addr;           /* PA of the descriptor */
    uint8_t stage;           /* 1 or 2 */
    int8_t level;            /* 0..3 */
    bool write;              /* hardware AF/dirty write-back */
    /*
     * A walk-cache hit standing for the reads of the levels down to
     * @level (no memory access): @addr is the next-level table address
     * the cache returned (an IPA for stage 1 of a nested walk).
     */
    bool cached;
} SmWalkAccess;

/*
 * Nested 4-level 4K: 4 stage-1 reads, each preceded by a 4-read stage-2
 * walk of its table address, then a 4-read stage-2 walk of the output:
 * 24 reads, plus write-backs.  Accesses past the array are counted in
 * n_accesses but not recorded.
 */
#define SM_WALK_MAX_ACCESSES 40

typedef struct SmWalkFault {
    uint8_t stage;           /* 1 or 2 */
    SmWalkClass class;       /* TT or IN (stage-2 faults in nested only) */
    int8_t level;            /* level of the faulting descriptor */
    bool write;              /* the access (for permission faults) */
    uint64_t input_addr;     /* the request's address */
    uint64_t ipa;            /* stage-2 faults: the IPA being translated */
    uint64_t desc_addr;      /* EABT: PA of the descriptor access */
    SmWalkCfgError cfg_error;/* SM_WALK_BAD_CONFIG only */
} SmWalkFault;

typedef struct SmWalkOk {
    uint64_t pa;             /* output address of req.addr */
    /*
     * req.addr & addr_mask is the offset inside the region the result is
     * valid for: size - 1, where size is the leaf block/page size (the
     * smaller of stage 1 and stage 2 in nested).
     */
    uint64_t addr_mask;
    uint8_t perm;            /* SM_PERM_*: both stages combined */
    int8_t s1_level;         /* leaf level of stage 1, -1 if not run */
    int8_t s2_level;         /* leaf level of the final S2 walk, or -1 */
    uint8_t s1_attrindx;     /* stage-1 AttrIndx (MAIR index) */
    uint8_t s1_sh;           /* stage-1 SH[1:0] */
    uint8_t s2_memattr;      /* stage-2 MemAttr[3:0] */
    uint8_t s2_sh;           /* stage-2 SH[1:0] */
    bool ng;                 /* stage-1 nG: entry is ASID-specific */
    bool s1_contig;          /* Contiguous hint on the stage-1 leaf */
    bool s2_contig;          /* Contiguous hint on the stage-2 leaf */
    /*
     * Writes are not in @perm only because the leaf is clean (DBM set,
     * HD on): a later write must walk again rather than fault.
     */
    bool dirty_on_write;
} SmWalkOk;

typedef struct SmWalkResult {
    SmWalkOutcome outcome;
    union {
        SmWalkOk ok;         /* outcome == SM_WALK_OK */
        SmWalkFault fault;   /* any other outcome */
    };
    unsigned n_accesses;     /* may exceed SM_WALK_MAX_ACCESSES */
    unsigned n_cached;       /* of those, walk-cache hits (cached) */
    SmWalkAccess accesses[SM_WALK_MAX_ACCESSES];
} SmWalkResult;

/*
 * Translate @req with @cfg.  Stage 1 only, stage 2 only or nested,
 * depending on cfg->s1.enabled / cfg->s2.enabled.  Fills all of @res
 * but the accesses past n_accesses, and returns res->outcome ==
 * SM_WALK_OK.  Never asserts on guest-controlled
 * input (descriptor contents, config values): those become faults or
 * SM_WALK_BAD_CONFIG.  Fault priority within a stage follows Arm ARM
 * D8: translation and address size faults by level, then Access flag,
 * then permission.
 */
bool sm_walk(const SmHost *host, const SmWalkCfg *cfg, const SmWalkReq *req,
             SmWalkResult *res);

/*
 * Whether permissions @perm (SM_PERM_*) allow the access @req describes
 * (its address is ignored), with exactly the rule sm_walk() applies:
 * callers checking a cached result on a TLB hit use this so that hits
 * and walks agree.  An instruction fetch needs read and execute.
 */
bool sm_walk_perm_allows(uint8_t perm, const SmWalkReq *req);

/* Short name for logs: "translation", "addr-size", ... */
const char *sm_walk_outcome_name(SmWalkOutcome o);

#endif /* SM_WALK_H */
