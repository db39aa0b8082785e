/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv2 register offsets and fields (IHI 0062 "Global register space
 * 0", "Global register space 1", "Translation context bank register
 * space").  Offsets are within their 4KiB or 64KiB page: GR0 is page 0,
 * GR1 page 1, context bank n page 2^(NUMPAGENDXB+1) + n.  Layout: offset,
 * then fields (high bit first), then field values.
 */
#ifndef SM2_REGS_H
#define SM2_REGS_H

#include "sm-bits.h"

/* ---- Global register space 0 ------------------------------------------- */

#define SM2_SCR0                   0x000
#define   SM2_SCR0_VMID16EN        SM_BIT(31)
#define   SM2_SCR0_SMCFCFG         SM_BIT(21)
#define   SM2_SCR0_BSU             SM_MASK(15, 14)
#define   SM2_SCR0_FB              SM_BIT(13)
#define   SM2_SCR0_PTM             SM_BIT(12)
#define   SM2_SCR0_VMIDPNE         SM_BIT(11)
#define   SM2_SCR0_USFCFG          SM_BIT(10)
#define   SM2_SCR0_GCFGFIE         SM_BIT(5)
#define   SM2_SCR0_GCFGFRE         SM_BIT(4)
#define   SM2_SCR0_EXIDENABLE      SM_BIT(3)
#define   SM2_SCR0_GFIE            SM_BIT(2)
#define   SM2_SCR0_GFRE            SM_BIT(1)
#define   SM2_SCR0_CLIENTPD        SM_BIT(0)
#define SM2_SACR                   0x010
#define SM2_SIDR0                  0x020
#define   SM2_IDR0_S1TS            SM_BIT(30)
#define   SM2_IDR0_S2TS            SM_BIT(29)
#define   SM2_IDR0_NTS             SM_BIT(28)
#define   SM2_IDR0_SMS             SM_BIT(27)
#define   SM2_IDR0_ATOSNS          SM_BIT(26)
#define   SM2_IDR0_PTFS            SM_MASK(25, 24)
#define     SM2_PTFS_AARCH64_ONLY  2
#define   SM2_IDR0_NUMIRPT         SM_MASK(23, 16)
#define   SM2_IDR0_CTTW            SM_BIT(14)
#define   SM2_IDR0_NUMSIDB         SM_MASK(12, 9)
#define   SM2_IDR0_EXIDS           SM_BIT(8)
#define   SM2_IDR0_NUMSMRG         SM_MASK(7, 0)
#define SM2_SIDR1                  0x024
#define   SM2_IDR1_PAGESIZE        SM_BIT(31)
#define   SM2_IDR1_NUMPAGENDXB     SM_MASK(30, 28)
#define   SM2_IDR1_NUMS2CB         SM_MASK(23, 16)
#define   SM2_IDR1_NUMCB           SM_MASK(7, 0)
#define SM2_SIDR2                  0x028
#define   SM2_IDR2_VMID16          SM_BIT(15)
#define   SM2_IDR2_PTFS_64K        SM_BIT(14)
#define   SM2_IDR2_PTFS_16K        SM_BIT(13)
#define   SM2_IDR2_PTFS_4K         SM_BIT(12)
#define   SM2_IDR2_UBS             SM_MASK(11, 8)
#define   SM2_IDR2_OAS             SM_MASK(7, 4)
#define   SM2_IDR2_IAS             SM_MASK(3, 0)
#define SM2_SIDR7                  0x03c
#define SM2_SGFAR                  0x040   /* 64-bit */
#define SM2_SGFSR                  0x048
#define   SM2_GFSR_MULTI           SM_BIT(31)
#define   SM2_GFSR_UUT             SM_BIT(8)
#define   SM2_GFSR_PF              SM_BIT(7)
#define   SM2_GFSR_EF              SM_BIT(6)
#define   SM2_GFSR_CAF             SM_BIT(5)
#define   SM2_GFSR_UCIF            SM_BIT(4)
#define   SM2_GFSR_UCBF            SM_BIT(3)
#define   SM2_GFSR_SMCF            SM_BIT(2)
#define   SM2_GFSR_USF             SM_BIT(1)
#define   SM2_GFSR_ICF             SM_BIT(0)
#define   SM2_GFSR_FAULTS          SM_MASK(8, 0)
#define SM2_SGFSRRESTORE           0x04c
#define SM2_SGFSYNR0               0x050
#define   SM2_GFSYNR0_NSATTR       SM_BIT(5)
#define   SM2_GFSYNR0_NSSTATE      SM_BIT(4)
#define   SM2_GFSYNR0_IND          SM_BIT(3)
#define   SM2_GFSYNR0_PNU          SM_BIT(2)
#define   SM2_GFSYNR0_WNR          SM_BIT(1)
#define   SM2_GFSYNR0_NESTED       SM_BIT(0)
#define SM2_SGFSYNR1               0x054
#define   SM2_GFSYNR1_STREAMID     SM_MASK(15, 0)
#define SM2_SGFSYNR2               0x058
#define SM2_TLBIVMID               0x064
#define   SM2_TLBIVMID_VMID        SM_MASK(15, 0)
#define SM2_TLBIALLNSNH            0x068
#define SM2_TLBIALLH               0x06c
#define SM2_STLBGSYNC              0x070
#define SM2_STLBGSTATUS            0x074
#define   SM2_TLBGSTATUS_GSACTIVE  SM_BIT(0)
/*
 * Global address translation operations (64-bit, write-only): the
 * operand is the input address [63:12] and the context bank [7:0]; the
 * result goes to sGPAR.  GATS1* run stage 1 of the bank, GATS12* every
 * stage the bank translates with.
 */
#define SM2_SGATS1UR               0x100
#define SM2_SGATS1UW               0x108
#define SM2_SGATS1PR               0x110
#define SM2_SGATS1PW               0x118
#define SM2_SGATS12UR              0x120
#define SM2_SGATS12UW              0x128
#define SM2_SGATS12PR              0x130
#define SM2_SGATS12PW              0x138
#define   SM2_GATS_NDX             SM_MASK(7, 0)
#define SM2_SGPAR                  0x180   /* 64-bit, the PAR layout */
#define SM2_SGATSR                 0x188
#define   SM2_ATSR_ACTIVE          SM_BIT(0)
#define SM2_SMR(n)                 (0x800 + 4 * (n))
#define   SM2_SMR_VALID            SM_BIT(31)
#define   SM2_SMR_MASK             SM_MASK(30, 16)
#define   SM2_SMR_ID               SM_MASK(14, 0)
/* sCR0.EXIDENABLE: 16-bit fields, validity moves to S2CR.EXIDVALID */
#define   SM2_SMR_EXMASK           SM_MASK(31, 16)
#define   SM2_SMR_EXID             SM_MASK(15, 0)
#define SM2_S2CR(n)                (0xc00 + 4 * (n))
#define   SM2_S2CR_INSTCFG         SM_MASK(27, 26)
#define     SM2_INSTCFG_DATA       2
#define     SM2_INSTCFG_INSTR      3
#define   SM2_S2CR_PRIVCFG         SM_MASK(25, 24)
#define     SM2_PRIVCFG_UNPRIV     2
#define     SM2_PRIVCFG_PRIV       3
#define   SM2_S2CR_TYPE            SM_MASK(17, 16)
#define     SM2_S2CR_TYPE_TRANS    0
#define     SM2_S2CR_TYPE_BYPASS   1
#define     SM2_S2CR_TYPE_FAULT    2
#define   SM2_S2CR_EXIDVALID       SM_BIT(10)
#define   SM2_S2CR_CBNDX           SM_MASK(7, 0)

/* ---- Global register space 1 ------------------------------------------- */

#define SM2_CBAR(n)                (0x000 + 4 * (n))
#define   SM2_CBAR_IRPTNDX         SM_MASK(31, 24)
#define   SM2_CBAR_TYPE            SM_MASK(17, 16)
#define     SM2_CBAR_TYPE_S2       0
#define     SM2_CBAR_TYPE_S1_BYPASS 1
#define     SM2_CBAR_TYPE_S1_FAULT 2
#define     SM2_CBAR_TYPE_NESTED   3
#define   SM2_CBAR_S2CBNDX         SM_MASK(15, 8)  /* TYPE 3: stage-2 bank */
#define   SM2_CBAR_VMID            SM_MASK(7, 0)
#define SM2_CBFRSYNRA(n)           (0x400 + 4 * (n))
#define   SM2_CBFRSYNRA_SID        SM_MASK(15, 0)
#define SM2_CBA2R(n)               (0x800 + 4 * (n))
#define   SM2_CBA2R_VMID16         SM_MASK(31, 16)
#define   SM2_CBA2R_VA64           SM_BIT(0)

/* ---- Translation context bank ------------------------------------------ */

#define SM2_CB_SCTLR               0x000
#define   SM2_SCTLR_ASIDPNE        SM_BIT(12)
#define   SM2_SCTLR_UWXN           SM_BIT(10)
#define   SM2_SCTLR_WXN            SM_BIT(9)
#define   SM2_SCTLR_HUPCF          SM_BIT(8)
#define   SM2_SCTLR_CFCFG          SM_BIT(7)
#define   SM2_SCTLR_CFIE           SM_BIT(6)
#define   SM2_SCTLR_CFRE           SM_BIT(5)
#define   SM2_SCTLR_E              SM_BIT(4)
#define   SM2_SCTLR_AFFD           SM_BIT(3)
#define   SM2_SCTLR_AFE            SM_BIT(2)
#define   SM2_SCTLR_TRE            SM_BIT(1)
#define   SM2_SCTLR_M              SM_BIT(0)
#define SM2_CB_ACTLR               0x004
#define SM2_CB_RESUME              0x008
#define   SM2_RESUME_TNR           SM_BIT(0)    /* 1: terminate, 0: retry */
#define SM2_CB_TCR2                0x010
#define   SM2_TCR2_SEP             SM_MASK(17, 15)
#define   SM2_TCR2_AS              SM_BIT(4)
#define   SM2_TCR2_PASIZE          SM_MASK(3, 0)
#define SM2_CB_TTBR0               0x020   /* 64-bit */
#define SM2_CB_TTBR1               0x028   /* 64-bit */
#define   SM2_TTBR_ASID            SM_MASK(63, 48)
#define   SM2_TTBR_BADDR           SM_MASK(47, 0)
#define SM2_CB_TCR                 0x030
/* Stage 1 (AArch64 context): the TCR_EL1 layout without IPS (in TCR2) */
#define   SM2_TCR_TG1              SM_MASK(31, 30)
#define   SM2_TCR_EPD1             SM_BIT(23)
#define   SM2_TCR_A1               SM_BIT(22)
#define   SM2_TCR_T1SZ             SM_MASK(21, 16)
#define   SM2_TCR_TG0              SM_MASK(15, 14)
#define   SM2_TCR_EPD0             SM_BIT(7)
#define   SM2_TCR_T0SZ             SM_MASK(5, 0)
/* Stage 2: the VTCR layout */
#define   SM2_VTCR_PS              SM_MASK(18, 16)
#define   SM2_VTCR_SL0             SM_MASK(7, 6)
#define SM2_CB_CONTEXTIDR          0x034
#define SM2_CB_MAIR0               0x038
#define SM2_CB_MAIR1               0x03c
#define SM2_CB_PAR                 0x050   /* 64-bit */
#define   SM2_PAR_F                SM_BIT(0)    /* the operation faulted */
/* F = 0: the result */
#define   SM2_PAR_ATTR             SM_MASK(63, 56)  /* MAIR format */
#define   SM2_PAR_PA               SM_MASK(47, 12)
#define   SM2_PAR_NS               SM_BIT(9)
#define   SM2_PAR_SH               SM_MASK(8, 7)
/* F = 1: the fault, as FSR[7:1] (TF ... ASF) and the level */
#define   SM2_PAR_PLVL             SM_MASK(9, 8)
#define   SM2_PAR_FAULT            SM_MASK(7, 1)
#define   SM2_PAR_STAGE2           SM_BIT(32)   /* the fault is at stage 2 */
#define SM2_CB_FSR                 0x058
#define   SM2_FSR_MULTI            SM_BIT(31)
#define   SM2_FSR_SS               SM_BIT(30)
#define   SM2_FSR_UUT              SM_BIT(8)
#define   SM2_FSR_ASF              SM_BIT(7)
#define   SM2_FSR_TLBLKF           SM_BIT(6)
#define   SM2_FSR_TLBMCF           SM_BIT(5)
#define   SM2_FSR_EF               SM_BIT(4)
#define   SM2_FSR_PF               SM_BIT(3)
#define   SM2_FSR_AFF              SM_BIT(2)
#define   SM2_FSR_TF               SM_BIT(1)
#define   SM2_FSR_FAULTS           SM_MASK(8, 1)
#define SM2_CB_FSRRESTORE          0x05c
#define SM2_CB_FAR                 0x060   /* 64-bit */
#define SM2_CB_FSYNR0              0x068
#define   SM2_FSYNR0_S1CBNDX       SM_MASK(23, 16)
#define   SM2_FSYNR0_AFR           SM_BIT(11)
#define   SM2_FSYNR0_PTWF          SM_BIT(10)
#define   SM2_FSYNR0_ATOF          SM_BIT(9)
#define   SM2_FSYNR0_NSATTR        SM_BIT(8)
#define   SM2_FSYNR0_NSSTATE       SM_BIT(7)
#define   SM2_FSYNR0_IND           SM_BIT(6)
#define   SM2_FSYNR0_PNU           SM_BIT(5)
#define   SM2_FSYNR0_WNR           SM_BIT(4)
#define   SM2_FSYNR0_PLVL          SM_MASK(1, 0)
#define SM2_CB_FSYNR1              0x06c
#define SM2_CB_IPAFAR              0x070   /* 64-bit */
#define SM2_CB_TLBIVA              0x600   /* 64-bit */
#define SM2_CB_TLBIVAA             0x608   /* 64-bit */
#define SM2_CB_TLBIASID            0x610
#define SM2_CB_TLBIALL             0x618
#define SM2_CB_TLBIVAL             0x620   /* 64-bit */
#define SM2_CB_TLBIVAAL            0x628   /* 64-bit */
#define SM2_CB_TLBIIPAS2           0x630   /* 64-bit */
#define SM2_CB_TLBIIPAS2L          0x638   /* 64-bit */
/* Operand of the AArch64 TLBI*VA* and TLBIIPAS2* registers */
#define   SM2_TLBI_ASID            SM_MASK(63, 48)
#define   SM2_TLBI_ADDR            SM_MASK(43, 0)   /* address >> 12 */
#define SM2_CB_TLBSYNC             0x7f0
#define SM2_CB_TLBSTATUS           0x7f4
#define   SM2_TLBSTATUS_SACTIVE    SM_BIT(0)
/*
 * Stage-1 address translation operations of the bank (64-bit,
 * write-only): the operand is the input address [63:12]; the result
 * goes to PAR.  ATSR has the SM2_ATSR_ACTIVE layout.
 */
#define SM2_CB_ATS1PR              0x800
#define SM2_CB_ATS1PW              0x808
#define SM2_CB_ATS1UR              0x810
#define SM2_CB_ATS1UW              0x818
#define   SM2_ATS_ADDR             SM_MASK(63, 12)
#define SM2_CB_ATSR                0x8f0

#endif /* SM2_REGS_H */
