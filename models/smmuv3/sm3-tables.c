/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the STE and CD decoders share (sm3-tables.h): reading table
 * dwords, and the encodings of translation granules, output sizes and
 * table base alignment that STE stage-2 fields and CD stage-1 fields
 * have in common.
 */
#include <glib.h>

#include "sm3-tables.h"

bool sm3_read_dwords(const SmHost *host, uint64_t pa, uint64_t *dw,
                     unsigned n, uint32_t sid)
{
    SmAttrs attrs = { .secure = false, .requester_id = sid };
    unsigned i;

    if (!host->read || host->read(host->opaque, pa, dw, n * 8, attrs)
        != SM_BUS_OK) {
        return false;
    }
    for (i = 0; i < n; i++) {
        dw[i] = GUINT64_FROM_LE(dw[i]);
    }
    return true;
}

/*
 * STE.S2PS / CD.IPS encodings.  0b111 is Reserved in SMMUv3.1
 * to v3.3 and behaves as 0b110 (52 bits); the caller caps with the OAS.
 */
unsigned sm3_ps_bits(unsigned ps)
{
    return (ps & 7) == 7 ? 52 : sm_pa_size_bits(ps & 7);
}

/*
 * STE.S2TG / CD.TG0 encode 0 4K, 1 64K, 2 16K, 3 reserved; CD.TG1 encodes
 * 0 reserved, 1 16K, 2 4K, 3 64K (as TCR_ELx).
 */
SmGranule sm3_tg_granule(unsigned tg, bool tg1)
{
    static const SmGranule g[2][4] = {
        { SM_GRANULE_4K, SM_GRANULE_64K, SM_GRANULE_16K, SM_GRANULE_INVALID },
        { SM_GRANULE_INVALID, SM_GRANULE_16K, SM_GRANULE_4K, SM_GRANULE_64K },
    };

    return g[tg1][tg & 3];
}

bool sm3_granule_supported(const Sm3Features *f, SmGranule g)
{
    static const uint8_t bit[] = {
        [SM_GRANULE_4K] = SM3_GRAN_4K, [SM_GRANULE_16K] = SM3_GRAN_16K,
        [SM_GRANULE_64K] = SM3_GRAN_64K,
    };

    return g < SM_GRANULE_INVALID && (f->granules & bit[g]);
}
