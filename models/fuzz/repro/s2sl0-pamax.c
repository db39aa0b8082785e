/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reproducer of a fixed bug (was s2sl0-pamax).  An STE with a 4K
 * stage 2 of 48-bit IPAs starting at level 0 (S2SL0 = 2) and a 40-bit
 * S2PS, on an SMMU with a 48-bit OAS: sm3-ste.c accepts it (S2InvalidSL
 * with PAMax = OAS = 48 >= 44), sm-walk.c refuses it (its PAMax is
 * s2cfg.oas_bits = MIN(S2PS, OAS) = 40 < 44), so every translation of
 * the stream ends in C_BAD_STE "walk configuration unusable (sl0)"
 * although the STE fetch said it was valid.  Exits 0 once fixed.
 *
 * Not part of the build.  From the top of the tree, after
 * ninja -C build/models:
 *   M=models; gcc -std=gnu11 -I$M/common -I$M/smmuv3 -I$M/common/tests \
 *     -I$M/smmuv3/tests $(pkg-config --cflags glib-2.0) \
 *     $M/fuzz/repro/s2sl0-pamax.c $M/smmuv3/tests/sm3-bench.c \
 *     build/models/models/smmuv3/libsm3.a \
 *     build/models/models/common/libsm-testmem.a \
 *     build/models/models/common/libsm-common.a \
 *     $(pkg-config --libs glib-2.0) -o /tmp/s2sl0 && /tmp/s2sl0
 */
#include <stdio.h>
#include "sm3-bench.h"

int main(void)
{
    Sm3Features f = sm3b_all_features();   /* OAS 48, 4K granule */
    Sm3Bench *b = sm3b_new(&f);
    Sm3bPt s2;
    uint64_t ste[8] = { 0 };
    Sm3Xlate r;

    sm3b_setup(b, 4, 4, 6);
    /* 48-bit IPA from level 0 (S2SL0 = 2), output limited to 40 bits */
    sm3b_pt_init(b, &s2, 12, 48, 0);
    sm3b_pt_map(b, &s2, 0x40000000, 0x100000, 3, SM3B_S2_RW);
    ste[0] = SM3_STE0_V | sm_prep(SM3_STE0_CONFIG, SM3_STE0_CONFIG_S2);
    ste[2] = sm_prep(SM3_STE2_S2VMID, 1) | sm_prep(SM3_STE2_S2T0SZ, 16) |
             sm_prep(SM3_STE2_S2SL0, 2) | sm_prep(SM3_STE2_S2TG, 0) |
             sm_prep(SM3_STE2_S2PS, 2) | SM3_STE2_S2AA64 | SM3_STE2_S2R;
    ste[3] = s2.root & SM3_STE3_S2TTB;
    sm3b_ste_write(b, 1, ste);
    b->quiet = false;
    r = sm3b_xlate(b, 1, 0x40000010, false);
    printf("outcome %d event %s pa 0x%llx\n", r.outcome,
           sm3_event_name(r.fault.event), (unsigned long long)r.pa);
    for (unsigned i = 0; i < b->logs->len; i++) {
        printf("log: %s\n", (char *)g_ptr_array_index(b->logs, i));
    }
    sm3b_free(b);
    return r.outcome == SM3_XLATE_OK ? 0 : 1;
}
