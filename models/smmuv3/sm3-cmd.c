/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command queue consumer (IHI 0070, "Commands").  One table row per
 * opcode; an empty row, or a row whose feature is not implemented, is
 * CERROR_ILL.  A failing command stops the queue with CMDQ_CONS.ERR set
 * and GERROR.CMDQ_ERR active until software acknowledges it in GERRORN;
 * CONS then still points at the failed command ("Command errors").
 */
#include <glib.h>

#include "sm3-internal.h"

typedef int (*Sm3CmdFn)(Sm3 *s, const uint64_t cmd[2]);

typedef struct Sm3CmdDesc {
    const char *name;
    Sm3CmdFn run;
    /* NULL: always implemented; otherwise the feature it needs */
    bool (*present)(const Sm3Features *f);
    /* What it costs the timing engine (models/common/sm-timing.h) */
    SmTimingCmdClass timing;
} Sm3CmdDesc;

static uint16_t sm3_cmd_asid(const Sm3 *s, uint64_t dw0)
{
    uint16_t asid = sm_get(dw0, SM3_CMD0_TLBI_ASID);

    /* Without 16-bit ASIDs (SMMU_IDR0.ASID16) the upper byte is ignored. */
    return s->f.asid16 ? asid : (asid & 0xff);
}

static uint16_t sm3_cmd_vmid(const Sm3 *s, uint64_t dw0)
{
    uint16_t vmid = sm_get(dw0, SM3_CMD0_TLBI_VMID);

    if (!s->f.stage2) {
        return 0;    /* no stage 2: every entry is tagged VMID 0 */
    }
    return s->f.vmid16 ? vmid : (vmid & 0xff);
}

void sm3_notify_inval(Sm3 *s, const SmInval *inv)
{
    if (s->cfg.host.invalidated) {
        s->cfg.host.invalidated(s->cfg.host.opaque, inv);
    }
}

/* ---- CMD_PREFETCH_*: architecturally allowed to do nothing ------------ */

static int sm3_cmd_prefetch(Sm3 *s, const uint64_t cmd[2])
{
    return SM3_CERROR_NONE;
}

/* ---- configuration invalidation (CMD_CFGI_*) ---------------------------- */

static void sm3_notify_stream(Sm3 *s, uint32_t sid, uint64_t count)
{
    SmInval inv = { .scope = SM_INVAL_STREAM, .sid = sid, .size = count };

    sm3_notify_inval(s, &inv);
}

static int sm3_cmd_cfgi_ste(Sm3 *s, const uint64_t cmd[2])
{
    uint32_t sid = sm_get(cmd[0], SM3_CMD0_SID);

    /* The STE and everything fetched through it (its CDs). */
    sm3_cfg_invalidate(s, sid, sid, true, true, false, 0);
    sm3_notify_stream(s, sid, 1);
    return SM3_CERROR_NONE;
}

/* CFGI_STE_RANGE: 2^(Range + 1) StreamIDs, aligned; Range 31 = CFGI_ALL */
static int sm3_cmd_cfgi_ste_range(Sm3 *s, const uint64_t cmd[2])
{
    unsigned range = sm_get(cmd[1], SM3_CMD1_CFGI_RANGE);
    uint64_t count = UINT64_C(1) << (range + 1);
    uint32_t first = sm_get(cmd[0], SM3_CMD0_SID) & ~(uint32_t)(count - 1);

    sm3_cfg_invalidate(s, first, (uint32_t)(first + count - 1), true, true,
                       false, 0);
    sm3_notify_stream(s, first, count);
    return SM3_CERROR_NONE;
}

static int sm3_cmd_cfgi_cd(Sm3 *s, const uint64_t cmd[2])
{
    uint32_t sid = sm_get(cmd[0], SM3_CMD0_SID);
    uint32_t ssid = sm_get(cmd[0], SM3_CMD0_SSID);

    sm3_cfg_invalidate(s, sid, sid, false, true, true, ssid);
    sm3_notify_stream(s, sid, 1);
    return SM3_CERROR_NONE;
}

static int sm3_cmd_cfgi_cd_all(Sm3 *s, const uint64_t cmd[2])
{
    uint32_t sid = sm_get(cmd[0], SM3_CMD0_SID);

    sm3_cfg_invalidate(s, sid, sid, false, true, false, 0);
    sm3_notify_stream(s, sid, 1);
    return SM3_CERROR_NONE;
}

/* ---- TLB invalidation (CMD_TLBI_*) -------------------------------------- */

/*
 * The address part of TLBI_*_VA/VAA/S2_IPA.  With IDR3.RIL and TG != 0
 * this is a range of (NUM + 1) * 2^SCALE pages of the TG granule starting
 * at Address, taken exactly as encoded; TTL names the level of the leaf
 * entries.  Otherwise it is every entry containing Address.
 */
static void sm3_tlbi_addr(const Sm3 *s, const uint64_t cmd[2], bool ipa,
                          Sm3TlbScope *sc, SmInval *inv)
{
    static const uint8_t tg_shift[4] = { 0, 12, 14, 16 };
    uint64_t addr = cmd[1] & (ipa ? SM3_CMD1_TLBI_IPA : SM3_CMD1_TLBI_VA);
    unsigned tg = s->f.ril ? sm_get(cmd[1], SM3_CMD1_TLBI_TG) : 0;

    sc->match_addr = true;
    sc->leaf = sm_get(cmd[1], SM3_CMD1_TLBI_LEAF);
    inv->scope = SM_INVAL_RANGE;
    if (tg == 0) {
        sc->addr = addr;
        sc->size = 1;
        inv->addr = addr;
        inv->size = UINT64_C(1) << 12;
        return;
    }
    {
        unsigned num = sm_get(cmd[0], SM3_CMD0_TLBI_NUM);
        unsigned scale = sm_get(cmd[0], SM3_CMD0_TLBI_SCALE);
        unsigned gs = tg_shift[tg];
        uint64_t start = addr & ~sm_low_mask(gs);
        uint64_t size = (uint64_t)(num + 1) << (scale + gs);

        if (scale + gs + 5 >= 64 || size > UINT64_MAX - start) {
            size = UINT64_MAX - start;    /* to the top: bounded, exact */
        }
        sc->addr = start;
        sc->size = size;
        sc->level = sm_get(cmd[1], SM3_CMD1_TLBI_TTL);
        sc->tg_shift = gs;
        inv->addr = start;
        inv->size = size;
    }
}

/*
 * TLB entries are all leaves.  Walk-cache entries are table descriptors:
 * a Leaf = 1 command (CMD_TLBI_*_VA, _VAA, _S2_IPA: "only cached entries
 * for the last level" are required) need not reach them, so it does not;
 * every other command in the scope drops them too.
 */
static int sm3_tlbi_run(Sm3 *s, Sm3TlbScope *sc, SmInval *inv)
{
    sm3_tlb_invalidate(s, sc);
    if (!sc->leaf) {
        sm3_walkc_invalidate(s, sc);
    }
    sm3_notify_inval(s, inv);
    return SM3_CERROR_NONE;
}

/*
 * The CMD_TLBI_* commands differ only in what they select: a StreamWorld,
 * perhaps one kind of entry, a VMID and/or ASID from the command, and
 * everything or an address (VA, IPA).  One row per command.
 */
typedef enum Sm3TlbiAddr {
    SM3_TLBI_EVERYTHING,
    SM3_TLBI_BY_VA,          /* VA forms: global entries too, with an ASID */
    SM3_TLBI_BY_IPA,         /* stage-2-only entries */
} Sm3TlbiAddr;

typedef struct Sm3TlbiForm {
    uint8_t world;           /* SM3_TLB_NS_EL1 or SM3_TLB_NS_EL2 */
    bool by_kind;
    uint8_t kind;            /* SM3_TLB_KIND_* when by_kind */
    bool by_vmid, by_asid;
    Sm3TlbiAddr addr;
} Sm3TlbiForm;

#define EL1 SM3_TLB_NS_EL1
#define EL2 SM3_TLB_NS_EL2
#define S1  true, SM3_TLB_KIND_S1
#define S2  true, SM3_TLB_KIND_S2
#define ANY false, 0
static const Sm3TlbiForm sm3_tlbi_forms[256] = {
    /*                          world kind  VMID   ASID   address */
    [SM3_CMD_TLBI_NH_ALL]    = { EL1, S1,  true,  false, SM3_TLBI_EVERYTHING },
    [SM3_CMD_TLBI_NH_ASID]   = { EL1, S1,  true,  true,  SM3_TLBI_EVERYTHING },
    [SM3_CMD_TLBI_NH_VA]     = { EL1, S1,  true,  true,  SM3_TLBI_BY_VA },
    [SM3_CMD_TLBI_NH_VAA]    = { EL1, S1,  true,  false, SM3_TLBI_BY_VA },
    /* EL2 StreamWorlds have no VMID (IDR0.HYP) */
    [SM3_CMD_TLBI_EL2_ALL]   = { EL2, ANY, false, false, SM3_TLBI_EVERYTHING },
    [SM3_CMD_TLBI_EL2_ASID]  = { EL2, ANY, false, true,  SM3_TLBI_EVERYTHING },
    [SM3_CMD_TLBI_EL2_VA]    = { EL2, ANY, false, true,  SM3_TLBI_BY_VA },
    [SM3_CMD_TLBI_EL2_VAA]   = { EL2, ANY, false, false, SM3_TLBI_BY_VA },
    /* Everything of one VMID: stage 1, nested and stage-2-only entries */
    [SM3_CMD_TLBI_S12_VMALL] = { EL1, ANY, true,  false, SM3_TLBI_EVERYTHING },
    /*
     * Stage-2-only entries by IPA; combined (nested) entries are left to
     * the TLBI_NH_ALL or TLBI_S12_VMALL software must issue after it.
     */
    [SM3_CMD_TLBI_S2_IPA]    = { EL1, S2,  true,  false, SM3_TLBI_BY_IPA },
    /* Every Non-secure, non-Hyp entry: all VMIDs of the EL1 world */
    [SM3_CMD_TLBI_NSNH_ALL]  = { EL1, ANY, false, false, SM3_TLBI_EVERYTHING },
};
#undef EL1
#undef EL2
#undef S1
#undef S2
#undef ANY

/*
 * The host hears the same selection (SmInval); it cannot say "EL2", so
 * an EL2 command reaches it VMID-less.
 */
static int sm3_cmd_tlbi(Sm3 *s, const uint64_t cmd[2])
{
    const Sm3TlbiForm *f = &sm3_tlbi_forms[sm_get(cmd[0], SM3_CMD0_OP)];
    Sm3TlbScope sc = {
        .match_world = true, .world = f->world,
        .match_kind = f->by_kind, .kind = f->kind,
        .match_vmid = f->by_vmid,
        .vmid = f->by_vmid ? sm3_cmd_vmid(s, cmd[0]) : 0,
        .match_asid = f->by_asid,
        .asid = f->by_asid ? sm3_cmd_asid(s, cmd[0]) : 0,
        .global_too = f->by_asid && f->addr == SM3_TLBI_BY_VA,
    };
    SmInval inv = {
        .scope = f->by_asid ? SM_INVAL_ASID :
                 f->by_vmid ? SM_INVAL_VMID : SM_INVAL_ALL,
        .has_vmid = f->by_vmid, .vmid = sc.vmid,
        .has_asid = f->by_asid, .asid = sc.asid,
        .stage2 = f->addr == SM3_TLBI_BY_IPA,
    };

    if (f->addr != SM3_TLBI_EVERYTHING) {
        sm3_tlbi_addr(s, cmd, f->addr == SM3_TLBI_BY_IPA, &sc, &inv);
    }
    return sm3_tlbi_run(s, &sc, &inv);
}

/* ---- CMD_ATC_INV, CMD_PRI_RESP, CMD_RESUME, CMD_STALL_TERM --------------- */

/* ATC_INV: 2^(Size + 12) bytes at Address, aligned to that size. */
static int sm3_cmd_atc_inv(Sm3 *s, const uint64_t cmd[2])
{
    uint32_t sid = sm_get(cmd[0], SM3_CMD0_SID);
    uint32_t ssid = sm_get(cmd[0], SM3_CMD0_SSID);
    bool ssv = (cmd[0] & SM3_CMD0_SSV) && s->f.ssidsize;
    unsigned sz = sm_get(cmd[1], SM3_CMD1_ATC_SIZE);
    uint64_t size = sz + 12 >= 64 ? UINT64_MAX : UINT64_C(1) << (sz + 12);
    uint64_t addr = (cmd[1] & SM3_CMD1_ATC_ADDR) & ~(size - 1);

    if (sz + 12 >= 64) {
        addr = 0;
    }
    if (s->cfg.host.atc_invalidate) {
        s->cfg.host.atc_invalidate(s->cfg.host.opaque, sid, ssv ? ssid : 0,
                                   ssv, addr, size);
    }
    if (s->cfg.hooks.atc_inv_ok &&
        !s->cfg.hooks.atc_inv_ok(s->cfg.host.opaque, sid)) {
        s->atc_inv_error = true;
    }
    return SM3_CERROR_NONE;
}

static int sm3_cmd_pri_resp(Sm3 *s, const uint64_t cmd[2])
{
    unsigned resp = sm_get(cmd[1], SM3_CMD1_PRI_RESP);
    bool ssv = (cmd[0] & SM3_CMD0_SSV) && s->f.ssidsize;

    if (resp == 3) {
        return SM3_CERROR_ILL;    /* reserved response code */
    }
    if (s->cfg.host.pri_response) {
        s->cfg.host.pri_response(s->cfg.host.opaque,
                                 sm_get(cmd[0], SM3_CMD0_SID),
                                 ssv ? sm_get(cmd[0], SM3_CMD0_SSID) : 0,
                                 ssv, sm_get(cmd[1], SM3_CMD1_PRI_GRPID),
                                 resp);
    }
    return SM3_CERROR_NONE;
}

/*
 * CMD_RESUME of a STAG that is not stalled has no effect: software may
 * race with a CMD_STALL_TERM.
 */
static int sm3_cmd_resume(Sm3 *s, const uint64_t cmd[2])
{
    unsigned ac = sm_get(cmd[0], SM3_CMD0_RESUME_AC);

    if (ac == 3) {
        return SM3_CERROR_ILL;
    }
    sm3_stall_resolve(s, sm_get(cmd[0], SM3_CMD0_SID), true,
                      sm_get(cmd[1], SM3_CMD1_RESUME_STAG),
                      ac == SM3_RESUME_RETRY);
    return SM3_CERROR_NONE;
}

static int sm3_cmd_stall_term(Sm3 *s, const uint64_t cmd[2])
{
    sm3_stall_resolve(s, sm_get(cmd[0], SM3_CMD0_SID), false, 0, false);
    return SM3_CERROR_NONE;
}

/* ---- CMD_SYNC ------------------------------------------------------------ */

static int sm3_cmd_sync(Sm3 *s, const uint64_t cmd[2])
{
    unsigned cs = sm_get(cmd[0], SM3_CMD0_SYNC_CS);
    uint64_t msi_addr = cmd[1] & SM3_CMD1_SYNC_MSIADDR;

    if (cs == 3) {
        return SM3_CERROR_ILL;
    }
    if (s->atc_inv_error) {
        /* An ATC invalidation since the last sync did not complete. */
        s->atc_inv_error = false;
        return SM3_CERROR_ATC_INV_SYNC;
    }
    if (cs == SM3_SYNC_CS_IRQ) {
        if (s->f.msi && msi_addr) {
            if (!sm3_send_msi(s, msi_addr,
                              sm_get(cmd[0], SM3_CMD0_SYNC_MSIDATA))) {
                sm3_gerror_raise(s, SM3_GERROR_MSI_CMDQ_ABT_ERR);
            }
        } else {
            sm3_signal(s, SM3_IRQ_CMD_SYNC, 0);
        }
    } else if (cs == SM3_SYNC_CS_SEV && s->f.sev && s->cfg.hooks.sev) {
        /* Without IDR0.SEV, SIG_SEV behaves as SIG_NONE. */
        s->cfg.hooks.sev(s->cfg.host.opaque);
    }
    return SM3_CERROR_NONE;
}

/* ---- the table ----------------------------------------------------------- */

/* Availability predicates (sm3_has_*) are the feature set's own. */
/*
 * TLBI_EL3_*, CFGI_VMS_PIDM and everything unlisted: CERROR_ILL (no
 * Secure state, no VMS in this model).
 */
#define ALWAYS NULL
#define T(cls) SM_TIMING_CMD_##cls

/* opcode: name, handler, implemented when, timing class */
static const Sm3CmdDesc sm3_cmds[256] = {
#define CMD(op, fn, has, cls) \
    [SM3_CMD_##op] = { #op, fn, has, T(cls) }
    CMD(PREFETCH_CONFIG, sm3_cmd_prefetch, ALWAYS, PREFETCH),
    CMD(PREFETCH_ADDR, sm3_cmd_prefetch, ALWAYS, PREFETCH),
    CMD(CFGI_STE, sm3_cmd_cfgi_ste, ALWAYS, CFGI),
    CMD(CFGI_STE_RANGE, sm3_cmd_cfgi_ste_range, ALWAYS, CFGI),
    CMD(CFGI_CD, sm3_cmd_cfgi_cd, ALWAYS, CFGI),
    CMD(CFGI_CD_ALL, sm3_cmd_cfgi_cd_all, ALWAYS, CFGI),
    CMD(TLBI_NH_ALL, sm3_cmd_tlbi, sm3_has_s1, TLBI),
    CMD(TLBI_NH_ASID, sm3_cmd_tlbi, sm3_has_s1, TLBI),
    CMD(TLBI_NH_VA, sm3_cmd_tlbi, sm3_has_s1, TLBI),
    CMD(TLBI_NH_VAA, sm3_cmd_tlbi, sm3_has_s1, TLBI),
    CMD(TLBI_EL2_ALL, sm3_cmd_tlbi, sm3_has_hyp, TLBI),
    CMD(TLBI_EL2_ASID, sm3_cmd_tlbi, sm3_has_hyp, TLBI),
    CMD(TLBI_EL2_VA, sm3_cmd_tlbi, sm3_has_hyp, TLBI),
    CMD(TLBI_EL2_VAA, sm3_cmd_tlbi, sm3_has_hyp, TLBI),
    CMD(TLBI_S12_VMALL, sm3_cmd_tlbi, sm3_has_s2, TLBI),
    CMD(TLBI_S2_IPA, sm3_cmd_tlbi, sm3_has_s2, TLBI),
    CMD(TLBI_NSNH_ALL, sm3_cmd_tlbi, ALWAYS, TLBI),
    CMD(ATC_INV, sm3_cmd_atc_inv, sm3_has_ats, ATC_INV),
    CMD(PRI_RESP, sm3_cmd_pri_resp, sm3_has_pri, OTHER),
    CMD(RESUME, sm3_cmd_resume, sm3_has_stall, OTHER),
    CMD(STALL_TERM, sm3_cmd_stall_term, sm3_has_stall, OTHER),
    [SM3_CMD_SYNC] = { "CMD_SYNC", sm3_cmd_sync, ALWAYS, T(SYNC) },
#undef CMD
};

#undef T
#undef ALWAYS

const char *sm3_cmd_name(unsigned op)
{
    if (op < G_N_ELEMENTS(sm3_cmds) && sm3_cmds[op].name) {
        return sm3_cmds[op].name;
    }
    return "CMD_UNKNOWN";
}

/* ---- the consumer -------------------------------------------------------- */

bool sm3_cmdq_pending(const Sm3 *s)
{
    return sm3_enabled(s, SM3_CR0_CMDQEN) &&
           !sm3_gerror_active(s, SM3_GERROR_CMDQ_ERR) &&
           !sm3_q_empty(s, &sm3_cmdq);
}

uint64_t sm3_cmdq_due_ns(const Sm3 *s)
{
    if (!s->cfg.cmdq_timing || !s->cmd_timed || !sm3_cmdq_pending(s)) {
        return 0;
    }
    return sm_timing_cycles_to_ns_up(sm_timing_get_params(s->timing),
                                     s->cmd_due);
}

static void sm3_cmdq_error(Sm3 *s, int err, unsigned op)
{
    uint32_t cons = sm3_reg32(s, SM3_CMDQ_CONS);

    if (err == SM3_CERROR_ILL) {
        s->st.cerror_ill++;
    } else if (err == SM3_CERROR_ABT) {
        s->st.cerror_abt++;
    } else if (err == SM3_CERROR_ATC_INV_SYNC) {
        s->st.cerror_atc_inv_sync++;
    }

    sm3_guest_error(s, "smmuv3: command 0x%02x (%s) failed: CERROR %d",
                    op, sm3_cmd_name(op), err);
    sm3_set_reg32(s, SM3_CMDQ_CONS,
                  (uint32_t)sm_set(cons, SM3_CMDQ_CONS_ERR, err));
    sm3_gerror_raise(s, SM3_GERROR_CMDQ_ERR);
}

/* Execute one command; returns a CERROR code. */
static int sm3_cmd_exec(Sm3 *s, const uint64_t cmd[2])
{
    unsigned op = sm_get(cmd[0], SM3_CMD0_OP);
    const Sm3CmdDesc *d = &sm3_cmds[op];

    if (!d->run || (d->present && !d->present(&s->f))) {
        return SM3_CERROR_ILL;
    }
    /* SSec = 1 on the Non-secure queue is ILLEGAL ("Common command fields") */
    if (cmd[0] & SM3_CMD0_SSEC) {
        return SM3_CERROR_ILL;
    }
    return d->run(s, cmd);
}

unsigned sm3_cmdq_run(Sm3 *s, unsigned max)
{
    unsigned n = 0;

    while (n < max && sm3_cmdq_pending(s)) {
        uint32_t cons = sm3_reg32(s, SM3_CMDQ_CONS);
        uint64_t pa = sm3_q_entry_addr(s, &sm3_cmdq, cons);
        SmAttrs attrs = { 0 };
        uint64_t cmd[2];
        unsigned op;
        int err;

        if (s->cfg.host.read(s->cfg.host.opaque, pa, cmd, sizeof(cmd),
                             attrs) != SM_BUS_OK) {
            sm3_cmdq_error(s, SM3_CERROR_ABT, 0);
            break;
        }
        cmd[0] = GUINT64_FROM_LE(cmd[0]);
        cmd[1] = GUINT64_FROM_LE(cmd[1]);
        op = sm_get(cmd[0], SM3_CMD0_OP);
        if (s->cfg.cmdq_timing && !sm3_cmd_due(s, sm3_cmds[op].timing)) {
            break;                 /* sm3_cmdq_due_ns() says until when */
        }
        err = sm3_cmd_exec(s, cmd);
        if (err != SM3_CERROR_NONE) {
            sm3_cmdq_error(s, err, op);
            if (s->cfg.cmdq_timing) {
                sm3_cmd_retired(s, false);
            }
            break;
        }
        sm3_set_reg32(s, SM3_CMDQ_CONS, (cons & (uint32_t)SM3_CMDQ_CONS_ERR) |
                      sm3_q_next(s, &sm3_cmdq, cons));
        s->st.commands++;
        s->st.cmds_by_op[op]++;
        if (s->cfg.cmdq_timing) {
            sm3_cmd_retired(s, true);
        } else {
            sm3_timing_command(s, sm3_cmds[op].timing);
        }
        if (s->cfg.hooks.command_done) {
            s->cfg.hooks.command_done(s->cfg.host.opaque, cmd,
                                      sm3_timing_now(s));
        }
        n++;
    }
    return n;
}
