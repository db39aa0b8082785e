/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Architected event-record and command opcodes of SMMUv3 (IHI 0070,
 * "Event records" and "Command opcodes").  The descriptive tables (names,
 * which fields a record carries, the command handlers) live next to the
 * code that uses them; this header only fixes the numbers so every file
 * agrees.
 */
#ifndef SM3_IDS_H
#define SM3_IDS_H

/* Event record types (EVT_ID, record dword 0 bits [7:0]). */
enum {
    SM3_EVT_NONE               = 0x00,  /* not an event: success */
    SM3_EVT_F_UUT              = 0x01,
    SM3_EVT_C_BAD_STREAMID     = 0x02,
    SM3_EVT_F_STE_FETCH        = 0x03,
    SM3_EVT_C_BAD_STE          = 0x04,
    SM3_EVT_F_BAD_ATS_TREQ     = 0x05,
    SM3_EVT_F_STREAM_DISABLED  = 0x06,
    SM3_EVT_F_TRANSL_FORBIDDEN = 0x07,
    SM3_EVT_C_BAD_SUBSTREAMID  = 0x08,
    SM3_EVT_F_CD_FETCH         = 0x09,
    SM3_EVT_C_BAD_CD           = 0x0a,
    SM3_EVT_F_WALK_EABT        = 0x0b,
    SM3_EVT_F_TRANSLATION      = 0x10,
    SM3_EVT_F_ADDR_SIZE        = 0x11,
    SM3_EVT_F_ACCESS           = 0x12,
    SM3_EVT_F_PERMISSION       = 0x13,
    SM3_EVT_F_TLB_CONFLICT     = 0x20,
    SM3_EVT_F_CFG_CONFLICT     = 0x21,
    SM3_EVT_E_PAGE_REQUEST     = 0x24,
    SM3_EVT_F_VMS_FETCH        = 0x25,
};

/* Fault CLASS field of translation-related events. */
enum {
    SM3_CLASS_CD = 0,   /* fetching a CD */
    SM3_CLASS_TT = 1,   /* fetching a translation table descriptor */
    SM3_CLASS_IN = 2,   /* the input address itself */
};

/* Command opcodes (command dword 0 bits [7:0]). */
enum {
    SM3_CMD_PREFETCH_CONFIG = 0x01,
    SM3_CMD_PREFETCH_ADDR   = 0x02,
    SM3_CMD_CFGI_STE        = 0x03,
    SM3_CMD_CFGI_STE_RANGE  = 0x04,  /* also CFGI_ALL with Range = 31 */
    SM3_CMD_CFGI_CD         = 0x05,
    SM3_CMD_CFGI_CD_ALL     = 0x06,
    SM3_CMD_CFGI_VMS_PIDM   = 0x07,
    SM3_CMD_TLBI_NH_ALL     = 0x10,
    SM3_CMD_TLBI_NH_ASID    = 0x11,
    SM3_CMD_TLBI_NH_VA      = 0x12,
    SM3_CMD_TLBI_NH_VAA     = 0x13,
    SM3_CMD_TLBI_EL3_ALL    = 0x18,
    SM3_CMD_TLBI_EL3_VA     = 0x1a,
    SM3_CMD_TLBI_EL2_ALL    = 0x20,
    SM3_CMD_TLBI_EL2_ASID   = 0x21,
    SM3_CMD_TLBI_EL2_VA     = 0x22,
    SM3_CMD_TLBI_EL2_VAA    = 0x23,
    SM3_CMD_TLBI_S12_VMALL  = 0x28,
    SM3_CMD_TLBI_S2_IPA     = 0x2a,
    SM3_CMD_TLBI_NSNH_ALL   = 0x30,
    SM3_CMD_ATC_INV         = 0x40,
    SM3_CMD_PRI_RESP        = 0x41,
    SM3_CMD_RESUME          = 0x44,
    SM3_CMD_STALL_TERM      = 0x45,
    SM3_CMD_SYNC            = 0x46,
};

/* GERROR / CMDQ_CONS.ERR command error codes. */
enum {
    SM3_CERROR_NONE        = 0,
    SM3_CERROR_ILL         = 1,
    SM3_CERROR_ABT         = 2,
    SM3_CERROR_ATC_INV_SYNC = 3,
};

#endif /* SM3_IDS_H */
