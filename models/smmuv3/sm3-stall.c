/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stalled transactions (Stall model, STE.S2S/CD.S): the slots of the
 * transactions the SMMU holds, their STAGs, and their resolution by
 * CMD_RESUME, CMD_STALL_TERM, SMMU disable or reset.  Translation
 * allocates; commands and registers resolve; the host hears of each
 * stall it was told of once (Sm3Hooks.stall_resolved).
 */
#include <glib.h>

#include "sm3-internal.h"

bool sm3_stall_pending(const Sm3 *s, uint32_t sid, uint16_t stag)
{
    unsigned i;

    for (i = 0; i < SM3_MAX_STALLS; i++) {
        if (s->stalls[i].valid && s->stalls[i].sid == sid &&
            s->stalls[i].stag == stag) {
            return true;
        }
    }
    return false;
}

/* A free slot and a STAG not in use; false when IDR5.STALL_MAX are held. */
bool sm3_stall_alloc(Sm3 *s, uint32_t sid, uint16_t *stag)
{
    unsigned i, tries;

    for (i = 0; i < SM3_MAX_STALLS; i++) {
        if (!s->stalls[i].valid) {
            break;
        }
    }
    if (i == SM3_MAX_STALLS) {
        return false;
    }
    for (tries = 0; tries <= SM3_MAX_STALLS; tries++) {
        uint16_t t = s->next_stag++;
        unsigned j;
        bool used = false;

        for (j = 0; j < SM3_MAX_STALLS; j++) {
            used |= s->stalls[j].valid && s->stalls[j].stag == t;
        }
        if (!used) {
            s->stalls[i].valid = true;
            s->stalls[i].sid = sid;
            s->stalls[i].stag = t;
            *stag = t;
            return true;
        }
    }
    return false;
}

/*
 * Give back a slot sm3_stall_alloc() just took, for a stall that never
 * happened: the host was not told of it, so it hears nothing now either.
 */
void sm3_stall_release(Sm3 *s, uint16_t stag)
{
    unsigned i;

    for (i = 0; i < SM3_MAX_STALLS; i++) {
        if (s->stalls[i].valid && s->stalls[i].stag == stag) {
            s->stalls[i].valid = false;
        }
    }
}

unsigned sm3_stall_resolve(Sm3 *s, uint32_t sid, bool match_stag,
                           uint16_t stag, bool retry)
{
    unsigned i, n = 0;

    for (i = 0; i < SM3_MAX_STALLS; i++) {
        Sm3Stall *st = &s->stalls[i];

        if (!st->valid || st->sid != sid || (match_stag && st->stag != stag)) {
            continue;
        }
        st->valid = false;
        n++;
        if (s->cfg.hooks.stall_resolved) {
            s->cfg.hooks.stall_resolved(s->cfg.host.opaque, sid, st->stag,
                                        retry);
        }
    }
    return n;
}

unsigned sm3_stall_terminate_all(Sm3 *s)
{
    unsigned i, n = 0;

    for (i = 0; i < SM3_MAX_STALLS; i++) {
        if (s->stalls[i].valid) {
            n += sm3_stall_resolve(s, s->stalls[i].sid, true,
                                   s->stalls[i].stag, false);
        }
    }
    return n;
}
