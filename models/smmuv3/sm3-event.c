/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event records (IHI 0070 "Event records"), the global error register
 * pair SMMU_GERROR/SMMU_GERRORN, interrupts and MSIs ("Interrupts and
 * notifications"), and PRI page requests ("Page request queue").
 */
#include <glib.h>
#include <string.h>

#include "sm3-internal.h"

/* Which fields an event record carries ("Event records"). */
#define SM3_EVF_SSID    (1u << 0)   /* SSV, SubstreamID */
#define SM3_EVF_INPUT   (1u << 1)   /* InputAddr */
#define SM3_EVF_RNW     (1u << 2)   /* RnW */
#define SM3_EVF_PRIV    (1u << 3)   /* PnU, InD */
#define SM3_EVF_STALL   (1u << 4)   /* Stall, STAG */
#define SM3_EVF_WALK    (1u << 5)   /* S2, CLASS */
#define SM3_EVF_IPA     (1u << 6)   /* IPA (stage-2 faults) */
#define SM3_EVF_FETCH   (1u << 7)   /* FetchAddr */
#define SM3_EVF_TTRNW   (1u << 8)   /* TTRnW */
/*
 * Not a field: a translation-class fault (F_TRANSLATION, F_ADDR_SIZE,
 * F_ACCESS, F_PERMISSION), which may stall (CD.S, STE.S2S) and is
 * recorded only when its stage asks (CD.R, STE.S2R).
 */
#define SM3_EVF_STALLABLE (1u << 9)

#define SM3_EVF_XLATE   (SM3_EVF_SSID | SM3_EVF_INPUT | SM3_EVF_RNW | \
                         SM3_EVF_PRIV | SM3_EVF_STALL | SM3_EVF_WALK | \
                         SM3_EVF_IPA)

typedef struct Sm3EventDesc {
    const char *name;
    uint32_t carries;
} Sm3EventDesc;

static const Sm3EventDesc sm3_events[256] = {
    [SM3_EVT_F_UUT] = { "F_UUT", SM3_EVF_SSID | SM3_EVF_INPUT |
                        SM3_EVF_RNW | SM3_EVF_PRIV },
    [SM3_EVT_C_BAD_STREAMID] = { "C_BAD_STREAMID", SM3_EVF_SSID },
    [SM3_EVT_F_STE_FETCH] = { "F_STE_FETCH", SM3_EVF_SSID | SM3_EVF_FETCH },
    [SM3_EVT_C_BAD_STE] = { "C_BAD_STE", SM3_EVF_SSID },
    [SM3_EVT_F_BAD_ATS_TREQ] = { "F_BAD_ATS_TREQ", SM3_EVF_SSID |
                                 SM3_EVF_INPUT | SM3_EVF_RNW |
                                 SM3_EVF_PRIV },
    [SM3_EVT_F_STREAM_DISABLED] = { "F_STREAM_DISABLED", SM3_EVF_SSID },
    [SM3_EVT_F_TRANSL_FORBIDDEN] = { "F_TRANSL_FORBIDDEN", SM3_EVF_INPUT |
                                     SM3_EVF_RNW },
    [SM3_EVT_C_BAD_SUBSTREAMID] = { "C_BAD_SUBSTREAMID", SM3_EVF_SSID },
    [SM3_EVT_F_CD_FETCH] = { "F_CD_FETCH", SM3_EVF_SSID | SM3_EVF_FETCH },
    [SM3_EVT_C_BAD_CD] = { "C_BAD_CD", SM3_EVF_SSID },
    [SM3_EVT_F_WALK_EABT] = { "F_WALK_EABT", (SM3_EVF_XLATE &
                              ~SM3_EVF_IPA) | SM3_EVF_FETCH |
                              SM3_EVF_TTRNW },
    [SM3_EVT_F_TRANSLATION] = { "F_TRANSLATION", SM3_EVF_XLATE |
                                SM3_EVF_STALLABLE },
    [SM3_EVT_F_ADDR_SIZE] = { "F_ADDR_SIZE", SM3_EVF_XLATE |
                              SM3_EVF_STALLABLE },
    [SM3_EVT_F_ACCESS] = { "F_ACCESS", SM3_EVF_XLATE | SM3_EVF_STALLABLE },
    [SM3_EVT_F_PERMISSION] = { "F_PERMISSION", SM3_EVF_XLATE |
                               SM3_EVF_TTRNW | SM3_EVF_STALLABLE },
    [SM3_EVT_F_TLB_CONFLICT] = { "F_TLB_CONFLICT", SM3_EVF_SSID |
                                 SM3_EVF_INPUT | SM3_EVF_RNW |
                                 SM3_EVF_WALK },
    [SM3_EVT_F_CFG_CONFLICT] = { "F_CFG_CONFLICT", SM3_EVF_SSID },
    /* Never raised here (no stall-model page requests, no VMS): named */
    [SM3_EVT_E_PAGE_REQUEST] = { "E_PAGE_REQUEST", SM3_EVF_SSID |
                                 SM3_EVF_INPUT | SM3_EVF_RNW |
                                 SM3_EVF_PRIV },
    [SM3_EVT_F_VMS_FETCH] = { "F_VMS_FETCH", SM3_EVF_FETCH },
};

bool sm3_event_stallable(unsigned id)
{
    return id < G_N_ELEMENTS(sm3_events) &&
           (sm3_events[id].carries & SM3_EVF_STALLABLE);
}

const char *sm3_event_name(unsigned id)
{
    if (id < G_N_ELEMENTS(sm3_events) && sm3_events[id].name) {
        return sm3_events[id].name;
    }
    return "EVT_UNKNOWN";
}

/* Build the 32-byte record as four host-order dwords. */
void sm3_event_encode(const Sm3Event *ev, uint64_t rec[4])
{
    uint32_t c = sm3_events[ev->id].carries;

    rec[0] = sm_prep(SM3_EVT0_ID, ev->id) | sm_prep(SM3_EVT0_SID, ev->sid);
    rec[1] = rec[2] = rec[3] = 0;
    if ((c & SM3_EVF_SSID) && ev->ssv) {
        rec[0] |= SM3_EVT0_SSV | sm_prep(SM3_EVT0_SSID, ev->ssid);
    }
    if ((c & SM3_EVF_STALL) && ev->stall) {
        rec[1] |= SM3_EVT1_STALL | sm_prep(SM3_EVT1_STAG, ev->stag);
    }
    if (c & SM3_EVF_PRIV) {
        rec[1] |= ev->pnu ? SM3_EVT1_PNU : 0;
        rec[1] |= ev->ind ? SM3_EVT1_IND : 0;
    }
    if (c & SM3_EVF_RNW) {
        rec[1] |= ev->rnw ? SM3_EVT1_RNW : 0;
    }
    if (c & SM3_EVF_WALK) {
        rec[1] |= ev->s2 ? SM3_EVT1_S2 : 0;
        rec[1] |= sm_prep(SM3_EVT1_CLASS, ev->class);
    }
    if ((c & SM3_EVF_TTRNW) && ev->ttrnw) {
        rec[1] |= SM3_EVT1_TTRNW;
    }
    if (c & SM3_EVF_INPUT) {
        rec[2] = ev->input_addr;
    }
    if ((c & SM3_EVF_IPA) && ev->s2) {
        rec[3] = ev->ipa & SM3_EVT3_IPA;
    }
    if (c & SM3_EVF_FETCH) {
        rec[3] = ev->fetch_addr & SM3_EVT3_FETCH_ADDR;
    }
}

/* ---- global errors ------------------------------------------------------- */

bool sm3_gerror_active(const Sm3 *s, uint32_t bit)
{
    return ((sm3_reg32(s, SM3_GERROR) ^ sm3_reg32(s, SM3_GERRORN)) & bit)
           != 0;
}

/*
 * "Global error recording": activate a global error by toggling its
 * GERROR bit, unless it is already active, and signal the GERROR
 * interrupt.
 */
void sm3_gerror_raise(Sm3 *s, uint32_t bit)
{
    if (sm3_gerror_active(s, bit)) {
        return;
    }
    sm3_set_reg32(s, SM3_GERROR, sm3_reg32(s, SM3_GERROR) ^ bit);
    sm3_guest_error(s, "smmuv3: global error 0x%x raised", bit);
    if (!(sm3_reg32(s, SM3_IRQ_CTRLACK) & SM3_IRQ_CTRL_GERROR_IRQEN)) {
        return;
    }
    if (!sm3_signal(s, SM3_IRQ_GERROR, SM3_GERROR_IRQ_CFG0) &&
        !sm3_gerror_active(s, SM3_GERROR_MSI_GERROR_ABT_ERR)) {
        /* No second interrupt: the MSI that reports errors just failed. */
        sm3_set_reg32(s, SM3_GERROR, sm3_reg32(s, SM3_GERROR) ^
                      (uint32_t)SM3_GERROR_MSI_GERROR_ABT_ERR);
    }
}

/* ---- interrupts ---------------------------------------------------------- */

bool sm3_send_msi(Sm3 *s, uint64_t addr, uint32_t data)
{
    SmAttrs attrs = { 0 };
    uint8_t le[4];

    if (s->cfg.host.send_msi) {
        return s->cfg.host.send_msi(s->cfg.host.opaque, addr, data,
                                    attrs) == SM_BUS_OK;
    }
    le[0] = data;
    le[1] = data >> 8;
    le[2] = data >> 16;
    le[3] = data >> 24;
    return s->cfg.host.write(s->cfg.host.opaque, addr, le, 4, attrs) ==
           SM_BUS_OK;
}

bool sm3_signal(Sm3 *s, unsigned line, uint32_t cfg0)
{
    uint64_t addr = cfg0 ? sm3_reg64(s, cfg0) & SM3_IRQ_CFG0_ADDR : 0;

    if (s->f.msi && addr) {
        return sm3_send_msi(s, addr, sm3_reg32(s, cfg0 + 8));
    }
    if (s->cfg.host.set_irq) {
        s->cfg.host.set_irq(s->cfg.host.opaque, line, true);
        s->cfg.host.set_irq(s->cfg.host.opaque, line, false);
    }
    return true;
}

/* ---- event queue --------------------------------------------------------- */

/*
 * "Event queue recorded faults and events", "Event queue overflow":
 * records are written only while the event queue is enabled and no
 * event-queue abort is outstanding.  A full queue loses the record and
 * toggles PROD.OVFLG (once, until software acknowledges with
 * CONS.OVACKFLG); it is never an abort.
 */
bool sm3_event_record(Sm3 *s, const Sm3Event *ev)
{
    uint64_t rec[4];
    uint64_t le[4];
    uint32_t prod;
    unsigned i;

    if (!sm3_enabled(s, SM3_CR0_EVENTQEN) ||
        sm3_gerror_active(s, SM3_GERROR_EVENTQ_ABT_ERR)) {
        s->st.events_lost++;
        return false;
    }
    if (sm3_q_full(s, &sm3_eventq)) {
        prod = sm3_reg32(s, SM3_EVENTQ_PROD);
        if (!((prod ^ sm3_reg32(s, SM3_EVENTQ_CONS)) & SM3_Q_OVFLG)) {
            sm3_set_reg32(s, SM3_EVENTQ_PROD, prod ^ (uint32_t)SM3_Q_OVFLG);
        }
        s->st.events_lost++;
        return false;
    }
    sm3_event_encode(ev, rec);
    for (i = 0; i < 4; i++) {
        le[i] = GUINT64_TO_LE(rec[i]);
    }
    if (!sm3_q_push(s, &sm3_eventq, le)) {
        sm3_gerror_raise(s, SM3_GERROR_EVENTQ_ABT_ERR);
        s->st.events_lost++;
        return false;
    }
    s->st.events++;
    s->st.events_by_id[ev->id]++;
    if (s->rec) {
        s->rec->event = true;
        s->rec->msi = s->f.msi &&
                      (sm3_reg64(s, SM3_EVENTQ_IRQ_CFG0) & SM3_IRQ_CFG0_ADDR) &&
                      (sm3_reg32(s, SM3_IRQ_CTRLACK) &
                       SM3_IRQ_CTRL_EVENTQ_IRQEN);
    }
    if ((sm3_reg32(s, SM3_IRQ_CTRLACK) & SM3_IRQ_CTRL_EVENTQ_IRQEN) &&
        !sm3_signal(s, SM3_IRQ_EVENTQ, SM3_EVENTQ_IRQ_CFG0)) {
        sm3_gerror_raise(s, SM3_GERROR_MSI_EVENTQ_ABT_ERR);
    }
    return true;
}

/* ---- PRI queue (page requests) ------------------------------------------- */

bool sm3_page_request(Sm3 *s, const Sm3PageRequest *pr)
{
    uint64_t rec[2];
    uint32_t prod;

    if (!sm3_has_pri(&s->f) || !sm3_enabled(s, SM3_CR0_PRIQEN) ||
        sm3_gerror_active(s, SM3_GERROR_PRIQ_ABT_ERR)) {
        return false;
    }
    /*
     * Unlike the event queue, the PRI queue takes nothing new while an
     * overflow is unacknowledged (PROD.OVFLG != CONS.OVACKFLG).
     */
    prod = sm3_reg32(s, SM3_PRIQ_PROD);
    if ((prod ^ sm3_reg32(s, SM3_PRIQ_CONS)) & SM3_Q_OVFLG) {
        return false;
    }
    if (sm3_q_full(s, &sm3_priq)) {
        sm3_set_reg32(s, SM3_PRIQ_PROD, prod ^ (uint32_t)SM3_Q_OVFLG);
        return false;
    }
    rec[0] = sm_prep(SM3_PRI0_SID, pr->sid);
    if (pr->ssv && s->f.ssidsize) {
        rec[0] |= SM3_PRI0_SSV | sm_prep(SM3_PRI0_SSID, pr->ssid);
    }
    rec[0] |= pr->priv ? SM3_PRI0_PRIV : 0;
    rec[0] |= pr->exec ? SM3_PRI0_EXEC : 0;
    rec[0] |= pr->read ? SM3_PRI0_READ : 0;
    rec[0] |= pr->write ? SM3_PRI0_WRITE : 0;
    rec[0] |= pr->last ? SM3_PRI0_LAST : 0;
    rec[1] = sm_prep(SM3_PRI1_GRPID, pr->grpid) | (pr->addr & SM3_PRI1_ADDR);
    rec[0] = GUINT64_TO_LE(rec[0]);
    rec[1] = GUINT64_TO_LE(rec[1]);
    if (!sm3_q_push(s, &sm3_priq, rec)) {
        sm3_gerror_raise(s, SM3_GERROR_PRIQ_ABT_ERR);
        return false;
    }
    if ((sm3_reg32(s, SM3_IRQ_CTRLACK) & SM3_IRQ_CTRL_PRIQ_IRQEN) &&
        !sm3_signal(s, SM3_IRQ_PRIQ, SM3_PRIQ_IRQ_CFG0)) {
        sm3_gerror_raise(s, SM3_GERROR_MSI_PRIQ_ABT_ERR);
    }
    return true;
}
