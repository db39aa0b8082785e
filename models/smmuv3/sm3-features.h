/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What one SMMUv3 instance implements.  Every optional feature is a field
 * here; the ID registers are computed from this struct and nothing that is
 * switched off here may be advertised or acted on.
 */
#ifndef SM3_FEATURES_H
#define SM3_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

/* Bits of Sm3Features.granules. */
#define SM3_GRAN_4K   (1u << 0)
#define SM3_GRAN_16K  (1u << 1)
#define SM3_GRAN_64K  (1u << 2)

/* IDR0.STALL_MODEL encodings. */
typedef enum Sm3StallModel {
    SM3_STALL_AND_TERM = 0,   /* stall and terminate both supported */
    SM3_STALL_NONE = 1,       /* terminate only */
    SM3_STALL_FORCE = 2,      /* stall forced */
} Sm3StallModel;

/* IDR0.HTTU encodings. */
typedef enum Sm3Httu {
    SM3_HTTU_NONE = 0,
    SM3_HTTU_AF = 1,          /* hardware Access flag update */
    SM3_HTTU_AF_DIRTY = 2,    /* ... and dirty state (DBM) update */
} Sm3Httu;

typedef struct Sm3Features {
    bool stage1;              /* IDR0.S1P */
    bool stage2;              /* IDR0.S2P; both: nested translation */
    bool two_level_st;        /* IDR0.ST_LEVEL = 2-level stream table */
    bool two_level_cd;        /* IDR0.CD2L */
    bool hyp;                 /* IDR0.HYP: EL2 StreamWorld, TLBI_EL2_* */
    bool ats;                 /* IDR0.ATS */
    bool pri;                 /* IDR0.PRI */
    bool msi;                 /* IDR0.MSI */
    bool sev;                 /* IDR0.SEV */
    bool asid16;              /* IDR0.ASID16 */
    bool vmid16;              /* IDR0.VMID16 */
    bool big_endian_tables;   /* IDR0.TTENDIAN allows BE (mixed) */
    bool ril;                 /* IDR3.RIL: range invalidation */
    Sm3Httu httu;             /* IDR0.HTTU */
    Sm3StallModel stall_model;/* IDR0.STALL_MODEL */
    uint8_t granules;         /* SM3_GRAN_* bits (IDR5.GRAN*) */
    uint8_t oas_bits;         /* 32, 36, 40, 42, 44, 48 or 52 (IDR5.OAS) */
    uint8_t sidsize;          /* IDR1.SIDSIZE, 0..32 */
    uint8_t ssidsize;         /* IDR1.SSIDSIZE, 0..20 (0: no substreams) */
    uint8_t cmdqs;            /* IDR1.CMDQS: log2 max command queue size */
    uint8_t eventqs;          /* IDR1.EVENTQS */
    uint8_t priqs;            /* IDR1.PRIQS */
} Sm3Features;

/*
 * One architectural rule on a feature set (the dependencies between ID
 * register fields, and their ranges).  sm3_check_config() refuses a set
 * that breaks any of them with @rule, which names the properties
 * concerned as the arm-smmuv3-ext device names them and says what the
 * architecture requires; @setting is the property the rule constrains.
 */
typedef struct Sm3FeatureRule {
    const char *setting;
    const char *rule;
    bool (*holds)(const Sm3Features *f);
} Sm3FeatureRule;

/* Every rule, in the order sm3_check_config() applies them. */
const Sm3FeatureRule *sm3_feature_rule_table(unsigned *n);
/* The first rule @f breaks, or NULL. */
const Sm3FeatureRule *sm3_features_broken_rule(const Sm3Features *f);
/*
 * The derived value of hyp for a front end whose user left it unset:
 * on exactly when both stages are implemented (Arm recommends IDR0.HYP
 * then, and it is RES0 otherwise).
 */
bool sm3_hyp_default(const Sm3Features *f);

/*
 * Whether a feature set implements each optional part: the one answer
 * that the ID registers, the command decoder and the STE/CD checks share.
 */
bool sm3_has_s1(const Sm3Features *f);
bool sm3_has_s2(const Sm3Features *f);
bool sm3_has_hyp(const Sm3Features *f);   /* EL2 StreamWorld, TLBI_EL2_* */
bool sm3_has_ats(const Sm3Features *f);
bool sm3_has_pri(const Sm3Features *f);
bool sm3_has_stall(const Sm3Features *f); /* CMD_RESUME, STALL_TERM */

/*
 * Whether [@addr, @addr + @size) lies within the implemented OAS (and
 * does not wrap): the check of every table address the SMMU fetches from.
 */
bool sm3_range_in_oas(const Sm3Features *f, uint64_t addr, uint64_t size);

#endif /* SM3_FEATURES_H */
