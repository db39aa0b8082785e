/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat guest memory for unit tests: a g_malloc'ed RAM at PA 0 behind the
 * SmHost read/write hooks, with an injectable bus-error window, access
 * counters, a log recorder and a bump allocator.  Benches of a particular
 * model (sm3-bench) wrap it; table tests use it directly through
 * SmTestMem.host.
 */
#ifndef SM_TESTMEM_H
#define SM_TESTMEM_H

#include <glib.h>

#include "sm-host.h"
#include "sm-ptbuild.h"

/* Which accesses the error window applies to (SmTestMem.err_dirs). */
#define SM_TM_ERR_READ      (1u << 0)
#define SM_TM_ERR_WRITE     (1u << 1)

typedef struct SmTestMem {
    SmHost host;             /* read, write, log; opaque is this struct */
    uint8_t *ram;            /* guest PA [0, size) */
    uint64_t size;
    uint64_t next;           /* bump allocator (sm_tm_alloc) */
    bool be;                 /* byte order of sm_tm_r64() / sm_tm_w64() */
    /* Accesses touching [err_lo, err_hi) fail; empty when hi <= lo. */
    uint64_t err_lo, err_hi;
    unsigned err_dirs;       /* SM_TM_ERR_*: both after sm_tm_new() */
    /* Records. */
    unsigned reads, writes;
    uint32_t last_requester; /* SmAttrs.requester_id of the last read */
    bool guest_errors_only;  /* a log of any other kind fails the test */
    unsigned n_logs;
    char last_log[256];
} SmTestMem;

/* @size bytes of zeroed RAM; the allocator starts at 64K (PA 0 unused). */
SmTestMem *sm_tm_new(uint64_t size);
void sm_tm_free(SmTestMem *m);

/* Fail accesses of @dirs (SM_TM_ERR_*) touching [@lo, @hi). */
void sm_tm_set_error(SmTestMem *m, uint64_t lo, uint64_t hi, unsigned dirs);
void sm_tm_clear_error(SmTestMem *m);

/*
 * The hooks themselves, for benches that install their own opaque and
 * forward to these with the SmTestMem.  A failed read fills @buf with
 * 0xff, as an aborted bus transfer would leave garbage.
 */
SmBusResult sm_tm_read(void *opaque, uint64_t pa, void *buf, size_t len,
                       SmAttrs attrs);
SmBusResult sm_tm_write(void *opaque, uint64_t pa, const void *buf,
                        size_t len, SmAttrs attrs);
void sm_tm_log(void *opaque, SmLogKind kind, const char *msg);

/* @size zeroed bytes aligned to @align (a power of two). */
uint64_t sm_tm_alloc(SmTestMem *m, uint64_t size, uint64_t align);

/* Direct (host-side) accesses, bounds-checked; 64-bit ones honour be. */
void sm_tm_w64(SmTestMem *m, uint64_t pa, uint64_t v);
uint64_t sm_tm_r64(SmTestMem *m, uint64_t pa);
uint32_t sm_tm_r32(SmTestMem *m, uint64_t pa);
/* @n little-endian 64-bit words at @pa (STEs, CDs, commands). */
void sm_tm_put(SmTestMem *m, uint64_t pa, const uint64_t *dw, unsigned n);

/*
 * @m as the table builder's memory (sm-ptbuild.h): sm_tm_alloc(),
 * sm_tm_r64() and sm_tm_w64(), so descriptors follow @m->be.
 */
SmPtMem sm_tm_pt_mem(SmTestMem *m);

#endif /* SM_TESTMEM_H */
