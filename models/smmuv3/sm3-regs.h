/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMMUv3 programming interface (IHI 0070, "Memory map and registers")
 * and the layouts of the records that travel through the queues: commands
 * ("Commands"), event records ("Event records") and PRI page requests
 * ("Page request queue").
 *
 * Layout: register offset, then its fields (named by mask, high bit
 * first), then the named values of a field.  Queue records are named
 * structure, 64-bit dword index, field, as the spec's tables count them.
 */
#ifndef SM3_REGS_H
#define SM3_REGS_H

#include "sm-bits.h"

/* Page 0 spans 64KiB; page 1 (at +64KiB) only aliases the queue indexes. */
#define SM3_PAGE_SIZE              0x10000
#define SM3_MMIO_SIZE              0x20000
#define SM3_REG_SPACE              0x1000    /* storage for page 0 regs */

/* SMMU_IDR0 */
#define SM3_IDR0                   0x0000
#define   SM3_IDR0_S2P             SM_BIT(0)
#define   SM3_IDR0_S1P             SM_BIT(1)
#define   SM3_IDR0_TTF             SM_MASK(3, 2)
#define     SM3_IDR0_TTF_AA64      2
#define   SM3_IDR0_COHACC          SM_BIT(4)
#define   SM3_IDR0_BTM             SM_BIT(5)
#define   SM3_IDR0_HTTU            SM_MASK(7, 6)
#define   SM3_IDR0_DORMHINT        SM_BIT(8)
#define   SM3_IDR0_HYP             SM_BIT(9)
#define   SM3_IDR0_ATS             SM_BIT(10)
#define   SM3_IDR0_NS1ATS          SM_BIT(11)
#define   SM3_IDR0_ASID16          SM_BIT(12)
#define   SM3_IDR0_MSI             SM_BIT(13)
#define   SM3_IDR0_SEV             SM_BIT(14)
#define   SM3_IDR0_ATOS            SM_BIT(15)
#define   SM3_IDR0_PRI             SM_BIT(16)
#define   SM3_IDR0_VMW             SM_BIT(17)
#define   SM3_IDR0_VMID16          SM_BIT(18)
#define   SM3_IDR0_CD2L            SM_BIT(19)
#define   SM3_IDR0_VATOS           SM_BIT(20)
#define   SM3_IDR0_TTENDIAN        SM_MASK(22, 21)
#define     SM3_IDR0_TTENDIAN_MIXED 0
#define     SM3_IDR0_TTENDIAN_LE   2
#define   SM3_IDR0_STALL_MODEL     SM_MASK(25, 24)
#define   SM3_IDR0_TERM_MODEL      SM_BIT(26)
#define   SM3_IDR0_ST_LEVEL        SM_MASK(28, 27)
#define     SM3_IDR0_ST_LEVEL_2LVL 1

#define SM3_IDR1                   0x0004
#define   SM3_IDR1_SIDSIZE         SM_MASK(5, 0)
#define   SM3_IDR1_SSIDSIZE        SM_MASK(10, 6)
#define   SM3_IDR1_PRIQS           SM_MASK(15, 11)
#define   SM3_IDR1_EVENTQS         SM_MASK(20, 16)
#define   SM3_IDR1_CMDQS           SM_MASK(25, 21)
#define   SM3_IDR1_ATTR_PERMS_OVR  SM_BIT(26)
#define   SM3_IDR1_ATTR_TYPES_OVR  SM_BIT(27)
#define   SM3_IDR1_REL             SM_BIT(28)
#define   SM3_IDR1_QUEUES_PRESET   SM_BIT(29)
#define   SM3_IDR1_TABLES_PRESET   SM_BIT(30)

#define SM3_IDR2                   0x0008
#define SM3_IDR3                   0x000c
#define   SM3_IDR3_HAD             SM_BIT(2)
#define   SM3_IDR3_XNX             SM_BIT(4)
#define   SM3_IDR3_RIL             SM_BIT(10)
#define SM3_IDR4                   0x0010
#define SM3_IDR5                   0x0014
#define   SM3_IDR5_OAS             SM_MASK(2, 0)
#define   SM3_IDR5_GRAN4K          SM_BIT(4)
#define   SM3_IDR5_GRAN16K         SM_BIT(5)
#define   SM3_IDR5_GRAN64K         SM_BIT(6)
#define   SM3_IDR5_VAX             SM_MASK(11, 10)
#define   SM3_IDR5_STALL_MAX       SM_MASK(31, 16)

#define SM3_IIDR                   0x0018
#define   SM3_IIDR_IMPLEMENTER     SM_MASK(11, 0)
#define   SM3_IIDR_REVISION        SM_MASK(15, 12)
#define   SM3_IIDR_VARIANT         SM_MASK(19, 16)
#define   SM3_IIDR_PRODUCTID       SM_MASK(31, 20)
#define SM3_AIDR                   0x001c
#define   SM3_AIDR_MINOR           SM_MASK(3, 0)
#define   SM3_AIDR_MAJOR           SM_MASK(7, 4)

/* SMMU_CR0 and its acknowledge register SMMU_CR0ACK share the layout. */
#define SM3_CR0                    0x0020
#define   SM3_CR0_SMMUEN           SM_BIT(0)
#define   SM3_CR0_PRIQEN           SM_BIT(1)
#define   SM3_CR0_EVENTQEN         SM_BIT(2)
#define   SM3_CR0_CMDQEN           SM_BIT(3)
#define   SM3_CR0_ATSCHK           SM_BIT(4)
#define   SM3_CR0_VMW              SM_MASK(8, 6)
#define SM3_CR0ACK                 0x0024
#define SM3_CR1                    0x0028
#define   SM3_CR1_QUEUE_IC         SM_MASK(1, 0)
#define   SM3_CR1_QUEUE_OC         SM_MASK(3, 2)
#define   SM3_CR1_QUEUE_SH         SM_MASK(5, 4)
#define   SM3_CR1_TABLE_IC         SM_MASK(7, 6)
#define   SM3_CR1_TABLE_OC         SM_MASK(9, 8)
#define   SM3_CR1_TABLE_SH         SM_MASK(11, 10)
#define SM3_CR2                    0x002c
#define   SM3_CR2_E2H              SM_BIT(0)
#define   SM3_CR2_RECINVSID        SM_BIT(1)
#define   SM3_CR2_PTM              SM_BIT(2)

#define SM3_STATUSR                0x0040
#define   SM3_STATUSR_DORMANT      SM_BIT(0)

/* SMMU_GBPA: global bypass attributes, changed only through Update. */
#define SM3_GBPA                   0x0044
#define   SM3_GBPA_MEMATTR         SM_MASK(3, 0)
#define   SM3_GBPA_MTCFG           SM_BIT(4)
#define   SM3_GBPA_ALLOCCFG        SM_MASK(11, 8)
#define   SM3_GBPA_SHCFG           SM_MASK(13, 12)
#define   SM3_GBPA_PRIVCFG         SM_MASK(17, 16)
#define   SM3_GBPA_INSTCFG         SM_MASK(19, 18)
#define   SM3_GBPA_ABORT           SM_BIT(20)
#define   SM3_GBPA_UPDATE          SM_BIT(31)
#define SM3_AGBPA                  0x0048

#define SM3_IRQ_CTRL               0x0050
#define   SM3_IRQ_CTRL_GERROR_IRQEN SM_BIT(0)
#define   SM3_IRQ_CTRL_PRIQ_IRQEN  SM_BIT(1)
#define   SM3_IRQ_CTRL_EVENTQ_IRQEN SM_BIT(2)
#define SM3_IRQ_CTRLACK            0x0054

/* SMMU_GERROR: an error is active while it and GERRORN differ in its bit */
#define SM3_GERROR                 0x0060
#define   SM3_GERROR_CMDQ_ERR      SM_BIT(0)
#define   SM3_GERROR_EVENTQ_ABT_ERR SM_BIT(2)
#define   SM3_GERROR_PRIQ_ABT_ERR  SM_BIT(3)
#define   SM3_GERROR_MSI_CMDQ_ABT_ERR SM_BIT(4)
#define   SM3_GERROR_MSI_EVENTQ_ABT_ERR SM_BIT(5)
#define   SM3_GERROR_MSI_PRIQ_ABT_ERR SM_BIT(6)
#define   SM3_GERROR_MSI_GERROR_ABT_ERR SM_BIT(7)
#define   SM3_GERROR_SFM_ERR       SM_BIT(8)
#define   SM3_GERROR_ALL           UINT64_C(0x1fd)
#define SM3_GERRORN                0x0064

/* MSI configuration triplets (GERROR, EVENTQ, PRIQ share the layout). */
#define SM3_GERROR_IRQ_CFG0        0x0068
#define SM3_GERROR_IRQ_CFG1        0x0070
#define SM3_GERROR_IRQ_CFG2        0x0074
#define   SM3_IRQ_CFG0_ADDR        SM_MASK(51, 2)
#define   SM3_IRQ_CFG1_DATA        SM_MASK(31, 0)
#define   SM3_IRQ_CFG2_MEMATTR     SM_MASK(3, 0)
#define   SM3_IRQ_CFG2_SH          SM_MASK(5, 4)

#define SM3_STRTAB_BASE            0x0080
#define   SM3_STRTAB_BASE_ADDR     SM_MASK(51, 6)
#define   SM3_STRTAB_BASE_RA       SM_BIT(62)
#define SM3_STRTAB_BASE_CFG        0x0088
#define   SM3_STRTAB_BASE_CFG_LOG2SIZE SM_MASK(5, 0)
#define   SM3_STRTAB_BASE_CFG_SPLIT SM_MASK(10, 6)
#define   SM3_STRTAB_BASE_CFG_FMT  SM_MASK(17, 16)
#define     SM3_STRTAB_FMT_LINEAR  0
#define     SM3_STRTAB_FMT_2LVL    1

/* Queue base registers share one layout. */
#define   SM3_Q_BASE_LOG2SIZE      SM_MASK(4, 0)
#define   SM3_Q_BASE_ADDR          SM_MASK(51, 5)
#define   SM3_Q_BASE_RA            SM_BIT(62)
/* Queue index registers: WR/RD is the index plus, above it, the wrap bit. */
#define   SM3_Q_IDX                SM_MASK(19, 0)
#define   SM3_Q_OVFLG              SM_BIT(31)   /* PROD.OVFLG/CONS.OVACKFLG */
#define   SM3_CMDQ_CONS_ERR        SM_MASK(30, 24)

#define SM3_CMDQ_BASE              0x0090
#define SM3_CMDQ_PROD              0x0098
#define SM3_CMDQ_CONS              0x009c
#define SM3_EVENTQ_BASE            0x00a0
#define SM3_EVENTQ_PROD            0x00a8   /* architecturally page 1 */
#define SM3_EVENTQ_CONS            0x00ac
#define SM3_EVENTQ_IRQ_CFG0        0x00b0
#define SM3_EVENTQ_IRQ_CFG1        0x00b8
#define SM3_EVENTQ_IRQ_CFG2        0x00bc
#define SM3_PRIQ_BASE              0x00c0
#define SM3_PRIQ_PROD              0x00c8   /* architecturally page 1 */
#define SM3_PRIQ_CONS              0x00cc
#define SM3_PRIQ_IRQ_CFG0          0x00d0
#define SM3_PRIQ_IRQ_CFG1          0x00d8
#define SM3_PRIQ_IRQ_CFG2          0x00dc

/* Peripheral and component identification, ID_REGS (CoreSight layout). */
#define SM3_PIDR4                  0x0fd0
#define SM3_PIDR5                  0x0fd4
#define SM3_PIDR6                  0x0fd8
#define SM3_PIDR7                  0x0fdc
#define SM3_PIDR0                  0x0fe0
#define SM3_PIDR1                  0x0fe4
#define SM3_PIDR2                  0x0fe8
#define SM3_PIDR3                  0x0fec
#define SM3_CIDR0                  0x0ff0
#define SM3_CIDR1                  0x0ff4
#define SM3_CIDR2                  0x0ff8
#define SM3_CIDR3                  0x0ffc

/* Record sizes in bytes. */
#define SM3_CMD_SIZE               16
#define SM3_EVT_SIZE               32
#define SM3_PRI_SIZE               16
/* STE and CD sizes: sm3-tables.h */

/*
 * Commands (CMD_*).  Fields shared by many commands first.
 */
#define SM3_CMD0_OP                SM_MASK(7, 0)
#define SM3_CMD0_SSEC              SM_BIT(10)
#define SM3_CMD0_SSV               SM_BIT(11)
#define SM3_CMD0_SSID              SM_MASK(31, 12)
#define SM3_CMD0_SID               SM_MASK(63, 32)
/* PREFETCH_ADDR */
#define SM3_CMD1_PREFETCH_SIZE     SM_MASK(4, 0)
#define SM3_CMD1_PREFETCH_ADDR     SM_MASK(63, 12)
/* CFGI_STE, CFGI_CD */
#define SM3_CMD1_CFGI_LEAF         SM_BIT(0)
/* CFGI_STE_RANGE: 2^(Range+1) StreamIDs; 31 means all (CFGI_ALL). */
#define SM3_CMD1_CFGI_RANGE        SM_MASK(4, 0)
/* TLBI_* */
#define SM3_CMD0_TLBI_NUM          SM_MASK(16, 12)
#define SM3_CMD0_TLBI_SCALE        SM_MASK(24, 20)
#define SM3_CMD0_TLBI_VMID         SM_MASK(47, 32)
#define SM3_CMD0_TLBI_ASID         SM_MASK(63, 48)
#define SM3_CMD1_TLBI_LEAF         SM_BIT(0)
#define SM3_CMD1_TLBI_TTL          SM_MASK(9, 8)
#define SM3_CMD1_TLBI_TG           SM_MASK(11, 10)
#define SM3_CMD1_TLBI_VA           SM_MASK(63, 12)
#define SM3_CMD1_TLBI_IPA          SM_MASK(51, 12)
/* ATC_INV */
#define SM3_CMD0_ATC_GLOBAL        SM_BIT(9)
#define SM3_CMD1_ATC_SIZE          SM_MASK(5, 0)
#define SM3_CMD1_ATC_ADDR          SM_MASK(63, 12)
/* PRI_RESP */
#define SM3_CMD1_PRI_GRPID         SM_MASK(8, 0)
#define SM3_CMD1_PRI_RESP          SM_MASK(13, 12)
/* RESUME, STALL_TERM */
#define SM3_CMD0_RESUME_AC         SM_MASK(13, 12)
#define   SM3_RESUME_TERM          0
#define   SM3_RESUME_RETRY         1
#define   SM3_RESUME_ABORT         2
#define SM3_CMD1_RESUME_STAG       SM_MASK(15, 0)
/* CMD_SYNC */
#define SM3_CMD0_SYNC_CS           SM_MASK(13, 12)
#define   SM3_SYNC_CS_NONE         0
#define   SM3_SYNC_CS_IRQ          1
#define   SM3_SYNC_CS_SEV          2
#define SM3_CMD0_SYNC_MSH          SM_MASK(23, 22)
#define SM3_CMD0_SYNC_MSIATTR      SM_MASK(27, 24)
#define SM3_CMD0_SYNC_MSIDATA      SM_MASK(63, 32)
#define SM3_CMD1_SYNC_MSIADDR      SM_MASK(51, 2)

/*
 * Event records, laid out as IHI 0070 "Event records" gives them.  Which
 * fields a record carries is in the event descriptor table of sm3-event.c.
 */
#define SM3_EVT0_ID                SM_MASK(7, 0)
#define SM3_EVT0_SSV               SM_BIT(11)
#define SM3_EVT0_SSID              SM_MASK(31, 12)
#define SM3_EVT0_SID               SM_MASK(63, 32)
#define SM3_EVT1_STAG              SM_MASK(15, 0)
#define SM3_EVT1_STALL             SM_BIT(31)
#define SM3_EVT1_PNU               SM_BIT(33)
#define SM3_EVT1_IND               SM_BIT(34)
#define SM3_EVT1_RNW               SM_BIT(35)
#define SM3_EVT1_NSIPA             SM_BIT(38)
#define SM3_EVT1_S2                SM_BIT(39)
#define SM3_EVT1_CLASS             SM_MASK(41, 40)
#define SM3_EVT1_TTRNW             SM_BIT(44)
#define SM3_EVT2_INPUT_ADDR        SM_MASK(63, 0)
#define SM3_EVT3_IPA               SM_MASK(51, 12)
#define SM3_EVT3_FETCH_ADDR        SM_MASK(51, 3)

/* PRI queue entries (page requests), "Page request queue". */
#define SM3_PRI0_SID               SM_MASK(31, 0)
#define SM3_PRI0_SSID              SM_MASK(51, 32)
#define SM3_PRI0_PRIV              SM_BIT(58)
#define SM3_PRI0_EXEC              SM_BIT(59)
#define SM3_PRI0_READ              SM_BIT(60)
#define SM3_PRI0_WRITE             SM_BIT(61)
#define SM3_PRI0_LAST              SM_BIT(62)
#define SM3_PRI0_SSV               SM_BIT(63)
#define SM3_PRI1_GRPID             SM_MASK(8, 0)
#define SM3_PRI1_ADDR              SM_MASK(63, 12)

#endif /* SM3_REGS_H */
