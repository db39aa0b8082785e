/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SMMUv3 model's side of the timing engine (models/common/sm-timing):
 * while a timed translation runs, the functional code notes what it did
 * in one SmTimingRecord (configuration cache, TLB, walk, event), and the
 * engine turns that into cycles.  Without Sm3Config.timing none of this
 * runs and translation is exactly as before.
 */
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "sm3-internal.h"

bool sm3_timing_new(Sm3 *s)
{
    if (!s->cfg.timing) {
        return true;
    }
    s->timing = sm_timing_new(s->cfg.timing);
    s->cfg.timing = NULL;              /* the engine keeps its own copy */
    return s->timing != NULL;
}

void sm3_timing_free(Sm3 *s)
{
    sm_timing_free(s->timing);
    s->timing = NULL;
}

uint64_t sm3_timing_now(const Sm3 *s)
{
    if (!s->timing || !s->cfg.host.now_ns) {
        return 0;
    }
    return sm_timing_ns_to_cycles(sm_timing_get_params(s->timing),
                                  s->cfg.host.now_ns(s->cfg.host.opaque));
}

/*
 * The host configuration fetches use while timed: reads are noted in the
 * record, then done; writes (Access flag updates of a nested CD fetch's
 * stage-2 walk) and logs pass through.  The fetch and walk code use no
 * other hook, so the others stay NULL rather than get the wrong opaque.
 */
static SmBusResult sm3_rec_read(void *opaque, uint64_t pa, void *buf,
                                size_t len, SmAttrs attrs)
{
    Sm3 *s = opaque;
    SmTimingCfg *cfg = &s->rec->cfg[s->rec_cfg];

    if (cfg->n_fetches < SM_TIMING_MAX_CFG_FETCHES) {
        cfg->fetch_pa[cfg->n_fetches++] = pa;
    }
    return s->cfg.host.read(s->cfg.host.opaque, pa, buf, len, attrs);
}

static SmBusResult sm3_rec_write(void *opaque, uint64_t pa, const void *buf,
                                 size_t len, SmAttrs attrs)
{
    Sm3 *s = opaque;

    return s->cfg.host.write(s->cfg.host.opaque, pa, buf, len, attrs);
}

static void sm3_rec_log(void *opaque, SmLogKind kind, const char *msg)
{
    Sm3 *s = opaque;

    if (s->cfg.host.log) {
        s->cfg.host.log(s->cfg.host.opaque, kind, msg);
    }
}

const SmHost *sm3_cfg_host(Sm3 *s, SmTimingCfgKind kind)
{
    if (!s->rec) {
        return &s->cfg.host;
    }
    s->rec_cfg = kind;
    s->rec->cfg[kind].lookup = SM_TIMING_MISS;
    memset(&s->rec_host, 0, sizeof(s->rec_host));
    s->rec_host.opaque = s;
    s->rec_host.read = sm3_rec_read;
    s->rec_host.write = sm3_rec_write;
    s->rec_host.log = sm3_rec_log;
    return &s->rec_host;
}

void sm3_timing_command(Sm3 *s, SmTimingCmdClass c)
{
    uint64_t done;

    if (!s->timing) {
        return;
    }
    done = sm_timing_command(s->timing, c, sm3_timing_now(s), NULL);
    if (c == SM_TIMING_CMD_SYNC) {
        s->last_sync_done = done;
    }
}

void sm3_cmd_timing_clear(Sm3 *s)
{
    s->cmd_timed = false;
    s->cmd_written = s->cmd_consumed = 0;
    s->cmd_writes_head = s->cmd_writes_n = 0;
}

void sm3_cmd_written(Sm3 *s, uint32_t old_prod)
{
    uint32_t prod = sm3_q_wrap_idx(s, &sm3_cmdq,
                                   sm3_reg32(s, SM3_CMDQ_PROD));
    uint32_t n = sm3_q_wrap_idx(s, &sm3_cmdq,
                                prod - sm3_q_wrap_idx(s, &sm3_cmdq, old_prod));
    unsigned tail;

    if (!n) {
        return;
    }
    if (s->cmd_writes_n == SM3_CMD_WRITES) {
        s->cmd_writes_head = (s->cmd_writes_head + 1) % SM3_CMD_WRITES;
        s->cmd_writes_n--;
    }
    s->cmd_written += n;
    tail = (s->cmd_writes_head + s->cmd_writes_n) % SM3_CMD_WRITES;
    s->cmd_writes[tail].written = s->cmd_written;
    s->cmd_writes[tail].at = sm3_timing_now(s);
    s->cmd_writes_n++;
}

/*
 * When the command at CMDQ_CONS was written: the first remembered PROD
 * write that covered it (now when none does: a PROD from before the
 * queue's timing began).
 */
static uint64_t sm3_cmd_arrival(Sm3 *s, uint64_t now)
{
    while (s->cmd_writes_n &&
           s->cmd_writes[s->cmd_writes_head].written <= s->cmd_consumed) {
        s->cmd_writes_head = (s->cmd_writes_head + 1) % SM3_CMD_WRITES;
        s->cmd_writes_n--;
    }
    return s->cmd_writes_n ? s->cmd_writes[s->cmd_writes_head].at : now;
}

/*
 * The first look at a command times it: it reached the command
 * processor when it was written, and waits there for the commands before
 * it.  It is due once the host clock reaches the cycle it is consumed at.
 */
bool sm3_cmd_due(Sm3 *s, SmTimingCmdClass c)
{
    uint64_t now = sm3_timing_now(s);

    if (!s->cmd_timed) {
        uint64_t done = sm_timing_command(s->timing, c,
                                          sm3_cmd_arrival(s, now),
                                          &s->cmd_due);

        if (c == SM_TIMING_CMD_SYNC) {
            s->last_sync_done = done;
        }
        s->cmd_timed = true;
    }
    return now >= s->cmd_due;
}

/*
 * A failed command halts the queue; the one software puts there instead
 * is timed afresh, from the same write.
 */
void sm3_cmd_retired(Sm3 *s, bool ok)
{
    s->cmd_consumed += ok;
    s->cmd_timed = false;
}

uint8_t sm3_leaf_shift(uint64_t mask)
{
    return mask + 1 == 0 ? 0 : (uint8_t)__builtin_ctzll(mask + 1);
}

void sm3_rec_request(SmTimingRecord *rec, const Sm3Request *req,
                     uint64_t arrival)
{
    rec->sid = req->sid;
    rec->ssid = req->ssid;
    rec->ssv = req->ssv;
    rec->iova = req->iova;
    rec->size = req->size;
    rec->write = req->write;
    rec->arrival = arrival;
}

Sm3Xlate sm3_timed(Sm3 *s, const Sm3Request *req,
                   Sm3Xlate (*xlate)(Sm3 *s, const Sm3Request *req,
                                     bool ats_req), bool ats_req)
{
    SmTimingRecord rec;
    SmTimingRecord *outer = s->rec;
    SmTimingCfgKind outer_cfg = s->rec_cfg;
    SmHost outer_host;
    Sm3Xlate r;
    unsigned k;

    /* Field by field: the access list is large and only n_accesses long */
    sm3_rec_request(&rec, req, sm3_arrival(s, req));
    for (k = 0; k < SM_TIMING_CFG_COUNT; k++) {
        rec.cfg[k].lookup = SM_TIMING_NONE;
        rec.cfg[k].n_fetches = 0;
    }
    rec.tlb = SM_TIMING_NONE;
    rec.walkc_stages = 0;
    rec.ipac = false;
    rec.n_accesses = 0;
    rec.event = rec.msi = false;
    /* A translation made inside another (a host re-entering) nests. */
    if (outer) {
        outer_host = s->rec_host;
    }
    s->rec = &rec;
    r = xlate(s, req, ats_req);
    s->rec = outer;
    if (outer) {
        s->rec_cfg = outer_cfg;
        s->rec_host = outer_host;
    }
    rec.fault = r.outcome == SM3_XLATE_FAULT ||
                r.outcome == SM3_XLATE_STALLED ||
                r.outcome == SM3_XLATE_ABORT;
    /* An ATS Translation Request's answer goes to the device's ATC */
    rec.leaf_shift = ats_req || r.outcome != SM3_XLATE_OK ? 0
                     : sm3_leaf_shift(r.mask);
    sm_timing_translate(s->timing, &rec, &s->last_timing);
    s->timed_once = true;
    r.latency = s->last_timing.latency;
    return r;
}

const SmTimingResult *sm3_last_timing(const Sm3 *s)
{
    return s->timing && s->timed_once ? &s->last_timing : NULL;
}

bool sm3_timing_stats(const Sm3 *s, SmTimingStats *st)
{
    if (!s->timing) {
        return false;
    }
    *st = sm_timing_stats(s->timing);
    return true;
}

uint64_t sm3_last_sync_done(const Sm3 *s)
{
    return s->last_sync_done;
}

const char *sm3_outcome_name(const Sm3Xlate *x)
{
    switch (x->outcome) {
    case SM3_XLATE_OK:
        return "ok";
    case SM3_XLATE_BYPASS:
        return "bypass";
    case SM3_XLATE_ABORT:
        return "abort";
    case SM3_XLATE_STALLED:
        return "stalled";
    case SM3_XLATE_FAULT:
        return sm3_event_name(x->fault.event);
    }
    return "?";
}

static const char *sm3_lookup_name(SmTimingLookup l)
{
    return l == SM_TIMING_HIT ? "hit" : l == SM_TIMING_MISS ? "miss" : "-";
}

void sm3_timing_log_command(GString *out, uint64_t cycle,
                            const uint64_t cmd[2])
{
    g_string_append_printf(out, "%" PRIu64 " cmd 0x%016" PRIx64 " 0x%016"
                           PRIx64 " %s", cycle, cmd[0], cmd[1],
                           sm3_cmd_name(sm_get(cmd[0], SM3_CMD0_OP)));
}

void sm3_timing_log_line(GString *out, const Sm3Request *req,
                         const Sm3Xlate *x, const SmTimingResult *t)
{
    uint64_t time = t ? t->done - t->latency : req->arrival;
    unsigned st, l, reads = 0;

    g_string_append_printf(out, "%" PRIu64 " %u ", time, req->sid);
    if (req->ssv) {
        g_string_append_printf(out, "%u", req->ssid);
    } else {
        g_string_append_c(out, '-');
    }
    g_string_append_printf(out, " 0x%" PRIx64 " %" PRIu64 " %c %" PRIu64
                           " %s 0x%" PRIx64, req->iova,
                           (uint64_t)MAX(req->size, 1),
                           req->write ? 'w' : 'r', x->latency,
                           sm3_outcome_name(x), x->pa);
    if (!t) {
        return;
    }
    for (st = 0; st < 2; st++) {
        for (l = 0; l < 4; l++) {
            reads += t->reads[st][l];
        }
    }
    g_string_append_printf(out, " utlb=%s tlb=%s reads=%u lookup=%" PRIu64
                           " memory=%" PRIu64 " process=%" PRIu64
                           " link=%" PRIu64 " pending=%" PRIu64
                           " queue=%" PRIu64, sm3_lookup_name(t->utlb),
                           sm3_lookup_name(t->tlb), reads, t->lookup,
                           t->memory, t->process, t->link, t->pending,
                           t->queue[SM_TIMING_RES_TBU] +
                           t->queue[SM_TIMING_RES_TCU] +
                           t->queue[SM_TIMING_RES_PTW]);
}
