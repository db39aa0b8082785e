/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qsm2: SMMUv2 (MMU-500) programming helpers for QTest suites of
 * arm-smmuv2-ext, in the style of qsm3: a state struct plus verbs, over
 * a QBus, with translation tables from a QGuestAlloc.
 *
 * Offsets and fields are written here from the architecture (IHI 0062,
 * SMMU architecture version 2, the layout Linux's arm-smmu.h uses) and
 * deliberately not taken from models/smmuv2/sm2-regs.h: a wrong
 * definition in the model then shows up as a failing test instead of
 * being wrong on both sides.  Translation tables are VMSAv8-64 for both
 * SMMU generations, so they come from qsm3's builder (QSm3Pt).
 *
 * Also here: QSm2Env, the usual machine for these suites (one SMMUv2 on
 * pcie.0 and up to two smmu-testdevs behind it), the counterpart of
 * qenv.h for arm-smmuv3-ext.
 */
#ifndef QSM2_H
#define QSM2_H

#include <stdbool.h>
#include <stdint.h>

#include "qalloc.h"
#include "qbus.h"
#include "qsm3.h"
#include "qtd.h"
#include "qtest-client.h"

/* ---- Global register space 0 (page 0) ---------------------------------- */

#define QSM2_SCR0                  0x000
#define   QSM2_SCR0_CLIENTPD       (1u << 0)
#define   QSM2_SCR0_GFRE           (1u << 1)
#define   QSM2_SCR0_GFIE           (1u << 2)
#define   QSM2_SCR0_EXIDENABLE     (1u << 3)
#define   QSM2_SCR0_GCFGFRE        (1u << 4)
#define   QSM2_SCR0_GCFGFIE        (1u << 5)
#define   QSM2_SCR0_USFCFG         (1u << 10)
#define   QSM2_SCR0_VMIDPNE        (1u << 11)
#define   QSM2_SCR0_PTM            (1u << 12)
#define   QSM2_SCR0_FB             (1u << 13)
#define   QSM2_SCR0_SMCFCFG        (1u << 21)
#define   QSM2_SCR0_VMID16EN       (1u << 31)
/* What Linux's arm_smmu_device_reset() sets (and USFCFG when asked) */
#define   QSM2_SCR0_REPORT         (QSM2_SCR0_GFRE | QSM2_SCR0_GFIE | \
                                    QSM2_SCR0_GCFGFRE | QSM2_SCR0_GCFGFIE)
#define QSM2_SACR                  0x010
#define QSM2_SIDR0                 0x020
/* Address translation operations not supported (meaningful with S1TS) */
#define   QSM2_SIDR0_ATOSNS        (1u << 26)
#define QSM2_SIDR1                 0x024
#define QSM2_SIDR2                 0x028
#define QSM2_SIDR7                 0x03c
#define QSM2_SGFAR                 0x040   /* 64-bit */
#define QSM2_SGFSR                 0x048
#define QSM2_SGFSRRESTORE          0x04c
#define QSM2_SGFSYNR0              0x050
#define QSM2_SGFSYNR1              0x054
#define QSM2_SGFSYNR2              0x058
#define QSM2_TLBIVMID              0x064
#define QSM2_TLBIALLNSNH           0x068
#define QSM2_TLBIALLH              0x06c
#define QSM2_STLBGSYNC             0x070
#define QSM2_STLBGSTATUS           0x074
/*
 * Global address translation operations (64-bit, write-only): the
 * operand is the input address [63:12] and the context bank NDX [7:0];
 * GATS1* run stage 1 of that bank, GATS12* every stage it translates
 * with.  The result is in sGPAR, in the PAR layout below.
 */
#define QSM2_SGATS1UR              0x100
#define QSM2_SGATS1UW              0x108
#define QSM2_SGATS1PR              0x110
#define QSM2_SGATS1PW              0x118
#define QSM2_SGATS12UR             0x120
#define QSM2_SGATS12UW             0x128
#define QSM2_SGATS12PR             0x130
#define QSM2_SGATS12PW             0x138
#define   QSM2_GATS_NDX(n)         ((uint64_t)(n) & 0xff)
#define QSM2_SGPAR                 0x180   /* 64-bit */
#define QSM2_SGATSR                0x188
/* sGATSR and ATSR: ACTIVE [0], an operation in progress */
#define   QSM2_ATSR_ACTIVE         (1u << 0)
#define QSM2_SMR(n)                (0x800 + 4 * (n))
#define   QSM2_SMR_VALID           (1u << 31)
#define QSM2_S2CR(n)               (0xc00 + 4 * (n))
#define   QSM2_S2CR_CBNDX(n)       ((uint32_t)(n) & 0xff)
#define   QSM2_S2CR_EXIDVALID      (1u << 10)
#define   QSM2_S2CR_TYPE(t)        ((uint32_t)(t) << 16)
#define     QSM2_S2CR_TRANS        0
#define     QSM2_S2CR_BYPASS       1
#define     QSM2_S2CR_FAULT        2
/* PRIVCFG 0b10 unprivileged, 0b11 privileged; INSTCFG 0b10 data, 0b11 instr */
#define   QSM2_S2CR_PRIVCFG(p)     ((uint32_t)(p) << 24)
#define   QSM2_S2CR_INSTCFG(i)     ((uint32_t)(i) << 26)

/* ---- Global register space 1 (page 1) ---------------------------------- */

#define QSM2_CBAR(n)               (0x000 + 4 * (n))
#define   QSM2_CBAR_VMID(v)        ((uint32_t)(v) & 0xff)
#define   QSM2_CBAR_TYPE(t)        ((uint32_t)(t) << 16)
#define     QSM2_CBAR_S2           0
#define     QSM2_CBAR_S1_S2BYPASS  1
#define     QSM2_CBAR_S1_S2FAULT   2
#define     QSM2_CBAR_NESTED       3
/* TYPE 3 (nested): the stage-2 context bank in [15:8] */
#define   QSM2_CBAR_CBNDX(n)       (((uint32_t)(n) & 0xff) << 8)
#define QSM2_CBFRSYNRA(n)          (0x400 + 4 * (n))
#define QSM2_CBA2R(n)              (0x800 + 4 * (n))
#define   QSM2_CBA2R_VA64          (1u << 0)
#define   QSM2_CBA2R_VMID16(v)     ((uint32_t)(v) << 16)

/* ---- Translation context bank (page 2^(NUMPAGENDXB+1) + n) ------------- */

#define QSM2_CB_SCTLR              0x000
#define   QSM2_SCTLR_M             (1u << 0)
#define   QSM2_SCTLR_TRE           (1u << 1)
#define   QSM2_SCTLR_AFE           (1u << 2)
#define   QSM2_SCTLR_AFFD          (1u << 3)
#define   QSM2_SCTLR_E             (1u << 4)
#define   QSM2_SCTLR_CFRE          (1u << 5)
#define   QSM2_SCTLR_CFIE          (1u << 6)
#define   QSM2_SCTLR_CFCFG         (1u << 7)
/* As Linux's arm_smmu_write_context_bank() enables a bank */
#define   QSM2_SCTLR_LINUX         (QSM2_SCTLR_M | QSM2_SCTLR_TRE | \
                                    QSM2_SCTLR_AFE | QSM2_SCTLR_CFRE | \
                                    QSM2_SCTLR_CFIE)
#define QSM2_CB_ACTLR              0x004
#define QSM2_CB_RESUME             0x008
#define   QSM2_RESUME_TNR          (1u << 0)   /* 1 terminate, 0 retry */
#define QSM2_CB_TCR2               0x010
#define   QSM2_TCR2_PASIZE(e)      ((uint32_t)(e) & 0xf)
#define   QSM2_TCR2_AS             (1u << 4)
#define   QSM2_TCR2_SEP_UPSTREAM   (7u << 15)
#define QSM2_CB_TTBR0              0x020   /* 64-bit */
#define QSM2_CB_TTBR1              0x028   /* 64-bit */
#define   QSM2_TTBR_ASID(a)        ((uint64_t)(a) << 48)
#define QSM2_CB_TCR                0x030
#define   QSM2_TCR_T0SZ(n)         ((uint32_t)(n) & 0x3f)
#define   QSM2_TCR_EPD0            (1u << 7)
/* IRGN0, ORGN0 write-back write-allocate, SH0 inner shareable */
#define   QSM2_TCR_WALK0_WBWA      (1u << 8 | 1u << 10 | 3u << 12)
/* TG0: 0 4K, 1 64K, 2 16K; TG1: 1 16K, 2 4K, 3 64K */
#define   QSM2_TCR_TG0(e)          ((uint32_t)(e) << 14)
#define   QSM2_TCR_T1SZ(n)         (((uint32_t)(n) & 0x3f) << 16)
#define   QSM2_TCR_A1              (1u << 22)
#define   QSM2_TCR_EPD1            (1u << 23)
#define   QSM2_TCR_WALK1_WBWA      (1u << 24 | 1u << 26 | 3u << 28)
#define   QSM2_TCR_TG1(e)          ((uint32_t)(e) << 30)
/* Stage 2: the VTCR layout */
#define   QSM2_VTCR_SL0(n)         ((uint32_t)(n) << 6)
#define   QSM2_VTCR_PS(e)          ((uint32_t)(e) << 16)
#define   QSM2_VTCR_RES1           (1u << 31)
#define QSM2_CB_CONTEXTIDR         0x034
#define QSM2_CB_MAIR0              0x038
#define QSM2_CB_MAIR1              0x03c
/*
 * PAR (and sGPAR), 64-bit format.  F [0] = 0: PA [47:12], SH [8:7],
 * NS [9], ATTR [63:56] (MAIR format).  F = 1: the fault as the FSR bits
 * [7:1] it would set, PLVL [9:8], STAGE [32] (1: at stage 2).
 */
#define QSM2_CB_PAR                0x050   /* 64-bit */
#define   QSM2_PAR_F               (UINT64_C(1) << 0)
#define   QSM2_PAR_PA_MASK         UINT64_C(0x0000fffffffff000)
#define   QSM2_PAR_SH(sh)          ((uint64_t)(sh) << 7)
#define   QSM2_PAR_NS              (UINT64_C(1) << 9)
#define   QSM2_PAR_ATTR(a)         ((uint64_t)(a) << 56)
#define   QSM2_PAR_PLVL(l)         ((uint64_t)(l) << 8)
#define   QSM2_PAR_STAGE           (UINT64_C(1) << 32)
#define QSM2_CB_FSR                0x058
#define   QSM2_FSR_TF              (1u << 1)
#define   QSM2_FSR_AFF             (1u << 2)
#define   QSM2_FSR_PF              (1u << 3)
#define   QSM2_FSR_EF              (1u << 4)
#define   QSM2_FSR_TLBMCF          (1u << 5)
#define   QSM2_FSR_TLBLKF          (1u << 6)
#define   QSM2_FSR_ASF             (1u << 7)
#define   QSM2_FSR_UUT             (1u << 8)
#define   QSM2_FSR_SS              (1u << 30)  /* a transaction is stalled */
#define   QSM2_FSR_MULTI           (1u << 31)
#define QSM2_CB_FSRRESTORE         0x05c
#define QSM2_CB_FAR                0x060   /* 64-bit */
#define QSM2_CB_FSYNR0             0x068
/* PLVL [1:0], WNR [4], PNU [5], IND [6], NSATTR [8], PTWF [10] */
#define   QSM2_FSYNR0_S1CBNDX(n)   (((uint32_t)(n) & 0xff) << 16)
#define QSM2_CB_FSYNR1             0x06c
#define QSM2_CB_IPAFAR             0x070   /* 64-bit */
#define QSM2_CB_TLBIVA             0x600   /* 64-bit */
#define QSM2_CB_TLBIVAA            0x608   /* 64-bit */
#define QSM2_CB_TLBIASID           0x610
#define QSM2_CB_TLBIALL            0x618
#define QSM2_CB_TLBIVAL            0x620   /* 64-bit */
#define QSM2_CB_TLBIVAAL           0x628   /* 64-bit */
#define QSM2_CB_TLBIIPAS2          0x630   /* 64-bit */
#define QSM2_CB_TLBIIPAS2L         0x638   /* 64-bit */
#define QSM2_CB_TLBSYNC            0x7f0
#define QSM2_CB_TLBSTATUS          0x7f4
/*
 * Stage-1 address translation operations of the bank (64-bit,
 * write-only; operand: the input address [63:12]), privileged or user,
 * read or write; the result is in PAR.  ATSR: QSM2_ATSR_ACTIVE.
 */
#define QSM2_CB_ATS1PR             0x800
#define QSM2_CB_ATS1PW             0x808
#define QSM2_CB_ATS1UR             0x810
#define QSM2_CB_ATS1UW             0x818
#define QSM2_CB_ATSR               0x8f0

/*
 * Operand of TLBIVA, TLBIVAA, TLBIVAL, TLBIVAAL (AArch64 form): VA[55:12]
 * in bits [43:0], ASID in [63:48]; TLBIIPAS2(L): IPA[47:12] in [35:0].
 */
static inline uint64_t qsm2_tlbi_va_op(uint64_t va, uint16_t asid)
{
    return ((va >> 12) & ((UINT64_C(1) << 44) - 1)) | (uint64_t)asid << 48;
}

/* Bounded polls: how many register reads before giving up. */
#define QSM2_POLL_MAX              2000

/* ---- The instance ------------------------------------------------------ */

typedef struct QSm2 {
    const QBus *bus;
    QGuestAlloc *alloc;
    uint64_t base;
    uint32_t idr[3];         /* sIDR0..2 as read at attach time */
    unsigned pgshift;        /* register page: 12, or 16 (sIDR1.PAGESIZE) */
    unsigned numpage;        /* pages per half of the frame */
    unsigned numsmrg, numcb, nums2cb;
} QSm2;

/*
 * Take the SMMUv2 at @base: read sIDR0..2 and derive the frame geometry
 * from them, as a driver does.  Nothing is written.
 */
void qsm2_attach(QSm2 *s, const QBus *bus, QGuestAlloc *alloc,
                 uint64_t base);
/* Write sCR0 = @scr0 (CLIENTPD clear unless @scr0 has it). */
void qsm2_enable(QSm2 *s, uint32_t scr0);

/* Guest physical address of GR0, GR1 and context bank @n. */
uint64_t qsm2_gr0(const QSm2 *s);
uint64_t qsm2_gr1(const QSm2 *s);
uint64_t qsm2_cb(const QSm2 *s, unsigned n);

uint32_t qsm2_gr0_readl(QSm2 *s, uint32_t off);
void qsm2_gr0_writel(QSm2 *s, uint32_t off, uint32_t val);
uint64_t qsm2_gr0_readq(QSm2 *s, uint32_t off);
void qsm2_gr0_writeq(QSm2 *s, uint32_t off, uint64_t val);
uint32_t qsm2_gr1_readl(QSm2 *s, uint32_t off);
void qsm2_gr1_writel(QSm2 *s, uint32_t off, uint32_t val);
uint32_t qsm2_cb_readl(QSm2 *s, unsigned n, uint32_t off);
void qsm2_cb_writel(QSm2 *s, unsigned n, uint32_t off, uint32_t val);
uint64_t qsm2_cb_readq(QSm2 *s, unsigned n, uint32_t off);
void qsm2_cb_writeq(QSm2 *s, unsigned n, uint32_t off, uint64_t val);

/* ---- Stream mapping ----------------------------------------------------- */

/* SMRn: valid, @id with @mask bits don't-care (15-bit layout). */
void qsm2_smr(QSm2 *s, unsigned n, uint32_t id, uint32_t mask);
/* S2CRn written raw (QSM2_S2CR_* fields). */
void qsm2_s2cr(QSm2 *s, unsigned n, uint32_t val);
/* Group @n: @sid exactly, translated by context bank @cb. */
void qsm2_stream(QSm2 *s, unsigned n, uint32_t sid, unsigned cb);

/* ---- Context banks ------------------------------------------------------ */

/*
 * Bank @n as Linux's arm-smmu driver programs a stage-1 domain:
 * CBA2R.VA64 (VMID16 = @vmid when sCR0.VMID16EN is set, else CBAR.VMID),
 * CBAR.TYPE 1 (stage 1, stage 2 bypass), TCR T0SZ/TG0 from @pt with
 * EPD1, TCR2 PASIZE 48 bits and AS (16-bit ASID), TTBR0 = table | @asid,
 * MAIR0 byte 0 Normal write-back, SCTLR M TRE AFE CFRE CFIE.
 */
void qsm2_cb_s1(QSm2 *s, unsigned n, const QSm3Pt *pt, uint16_t asid,
                uint16_t vmid);
/*
 * Bank @n as a stage-2 domain: CBAR.TYPE 0 with @vmid, TCR in the VTCR
 * layout (T0SZ, SL0 from the table's start level, TG0, PS 48 bits),
 * TTBR0 = VTTBR, SCTLR M TRE AFE CFRE CFIE.
 */
void qsm2_cb_s2(QSm2 *s, unsigned n, const QSm3Pt *pt, uint16_t vmid);
/* Stage-1 TG0 / stage-2 TG0 encoding of a granule, and TG1's. */
unsigned qsm2_tg0(unsigned gshift);
unsigned qsm2_tg1(unsigned gshift);
/* VTCR.SL0 for a stage-2 table starting at @start_level. */
unsigned qsm2_sl0(unsigned gshift, unsigned start_level);

/* Read-modify-write of a descriptor: clear @clr, then set @set. */
void qsm2_desc_update(QSm2 *s, uint64_t desc_addr, uint64_t clr,
                      uint64_t set);

/*
 * One translation context: stream match group @smrg matches @sid and
 * sends it to bank @cbndx, which walks an (initially empty) stage-1 or
 * stage-2 table of 2^@gshift granules (input size qsm2_ia_bits()).
 */
typedef struct QSm2Xlate {
    unsigned smrg, cbndx;
    uint32_t sid;
    bool stage2;
    uint16_t asid, vmid;
    QSm3Pt pt;
} QSm2Xlate;

unsigned qsm2_ia_bits(unsigned gshift);
void qsm2_xlate_setup(QSm2 *s, QSm2Xlate *x, unsigned smrg, uint32_t sid,
                      unsigned cbndx, bool stage2, unsigned gshift,
                      uint16_t asid, uint16_t vmid);
/* Map @iova to @pa with a leaf at @level; returns the leaf's address. */
uint64_t qsm2_map(QSm2Xlate *x, uint64_t iova, uint64_t pa, unsigned level,
                  unsigned attrs);

/* ---- Faults ------------------------------------------------------------- */

uint32_t qsm2_fsr(QSm2 *s, unsigned n);
/* Clear every bit FSR holds (write-one-to-clear). */
void qsm2_fsr_clear(QSm2 *s, unsigned n);
uint32_t qsm2_gfsr(QSm2 *s);
void qsm2_gfsr_clear(QSm2 *s);

/*
 * RESUME of bank @n: TnR = 1 (@terminate) ends the stalled transaction,
 * TnR = 0 retries it.
 */
void qsm2_resume(QSm2 *s, unsigned n, bool terminate);

/* ---- Address translation operations ------------------------------------- */

/*
 * ATS1PR/PW/UR/UW (@op, a QSM2_CB_ATS1* offset) of bank @n for @va
 * (written with bits [11:0] clear, one 64-bit access); returns PAR.
 */
uint64_t qsm2_ats1(QSm2 *s, unsigned n, uint32_t op, uint64_t va);
/*
 * GATS1* / GATS12* (@op, a QSM2_SGATS* offset) for @addr through bank
 * @ndx (operand: @addr [63:12] | NDX); returns sGPAR.
 */
uint64_t qsm2_gats(QSm2 *s, uint32_t op, uint64_t addr, unsigned ndx);

/* ---- TLB maintenance ---------------------------------------------------- */

/*
 * Write the TLBI register @off of bank @n with @op (64-bit registers with
 * one 64-bit access, TLBIASID / TLBIALL with a 32-bit one), then TLBSYNC
 * and wait (bounded) for TLBSTATUS.SACTIVE to clear; asserts it does.
 */
void qsm2_tlbi_cb(QSm2 *s, unsigned n, uint32_t off, uint64_t op);
/* Same for TLBIVMID / TLBIALLNSNH / TLBIALLH with sTLBGSYNC. */
void qsm2_tlbi_global(QSm2 *s, uint32_t off, uint32_t op);
/* TLBSYNC of bank @n / sTLBGSYNC: true once the STATUS bit reads 0. */
bool qsm2_tlb_sync(QSm2 *s, unsigned n);
bool qsm2_tlb_gsync(QSm2 *s);

/* ---- The usual machine -------------------------------------------------- */

#define QSM2_ENV_PATH        "/machine/peripheral/smmu0"
#define QSM2_ENV_MAX_TD      2
/* Testdev i sits at 00:(2+i).0: StreamID 0x10, 0x18 */
#define QSM2_TD_SID(i)       ((2u + (i)) << 3)
#define QSM2_TD_BAR(i)       (QTD_VIRT_PCIE_MMIO + (uint64_t)(i) * 0x100000)
#define QSM2_ENV_RAM_MB      256
#define QSM2_ENV_ALLOC_SIZE  (UINT64_C(192) << 20)

/* Interrupt lines, as SPI offsets from QSm2Env.spi */
#define QSM2_IRQ_GLOBAL      0
#define QSM2_IRQ_CB(n)       (1u + (n))

typedef struct QSm2Env {
    QTestClient *qts;
    QBus bus;
    QGuestAlloc alloc;
    uint64_t ecam;
    unsigned spi;            /* first SPI (qom-get) */
    QSm2 smmu;
    unsigned ntd;
    QTestDev td[QSM2_ENV_MAX_TD];
    char *gic_path;          /* set by qsm2_env_intercept_irqs() */
} QSm2Env;

/*
 * Start "-device arm-smmuv2-ext,id=smmu0,primary-bus=pcie.0[,@props]",
 * then @ntd smmu-testdevs on pcie.0 (td0 at 02.0, td1 at 03.0), then
 * @extra; attach to the SMMU (at its "addr" property) and the testdevs.
 * The SMMU is left as reset left it.
 */
QSm2Env *qsm2_env_new(const char *props, unsigned ntd, const char *extra);
void qsm2_env_free(QSm2Env *e);
/* Intercept the GIC's inputs: SMMU line L is SPI spi + L. */
void qsm2_env_intercept_irqs(QSm2Env *e);
bool qsm2_env_irq_level(QSm2Env *e, unsigned line);
unsigned qsm2_env_irq_raised(QSm2Env *e, unsigned line);
/*
 * Counter @name of "stats": a top-level member ("translations",
 * "faults", "stalls", ...) or else one of the TLB's ("hits", "misses",
 * ...), never the "timing" engine's counters of the same names.
 */
uint64_t qsm2_env_stat(QSm2Env *e, const char *name);
/* A zeroed, @size-aligned buffer of @size bytes of guest RAM. */
uint64_t qsm2_env_buf(QSm2Env *e, uint64_t size);
uint32_t qsm2_env_ld32(QSm2Env *e, uint64_t pa);

/* 4-byte DMA write of @val / read by testdev @i; true if it completed. */
bool qsm2_dma_write(QSm2Env *e, unsigned i, uint64_t iova, uint32_t val);
bool qsm2_dma_read(QSm2Env *e, unsigned i, uint64_t iova);
/*
 * A 4-byte DMA of testdev @i that must fail: asserts the testdev's DMA
 * error and FAULT_ADDR = @iova.
 */
void qsm2_dma_fails(QSm2Env *e, unsigned i, uint64_t iova, bool write);

/*
 * A second SMMUv2, "smmu1", translating the root bus of a pxb-pcie
 * numbered @bus_nr, with a testdev behind a PCIe root port there (a
 * pxb-pcie takes only bridges): (@bus_nr + 1):00.0, requester id
 * (@bus_nr + 1) << 8 and StreamID 0x100, as arm-smmuv2-ext numbers its
 * streams from its root bus's first requester id (@bus_nr << 8; the
 * iommu-map's iommu-base is 0).  qsm2_pxb_args() gives the devices for
 * qsm2_env_new()'s @extra (g_free it); qsm2_pxb_attach() numbers the
 * root port's buses, opens its memory window over the testdev's BAR
 * (no firmware does it) and attaches to both.
 */
#define QSM2_PXB_PATH        "/machine/peripheral/smmu1"
#define QSM2_PXB_TD_BAR      (QTD_VIRT_PCIE_MMIO + 0x200000)

typedef struct QSm2Pxb {
    QSm2 smmu;
    unsigned spi;
    QTestDev td;
    uint32_t sid;            /* the testdev's StreamID at smmu1 */
} QSm2Pxb;

char *qsm2_pxb_args(unsigned bus_nr, const char *props);
void qsm2_pxb_attach(QSm2Pxb *p, QTestClient *qts, const QBus *bus,
                     QGuestAlloc *alloc, uint64_t ecam, unsigned bus_nr);
/* The same in a QSm2Env's machine. */
void qsm2_env_pxb_attach(QSm2Env *e, QSm2Pxb *p, unsigned bus_nr);

#endif /* QSM2_H */
