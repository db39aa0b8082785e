/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat guest memory for unit tests; see sm-testmem.h.
 */
#include <string.h>

#include "sm-testmem.h"

SmTestMem *sm_tm_new(uint64_t size)
{
    SmTestMem *m = g_new0(SmTestMem, 1);

    m->ram = g_malloc0(size);
    m->size = size;
    m->next = 0x10000;
    m->err_dirs = SM_TM_ERR_READ | SM_TM_ERR_WRITE;
    m->host.opaque = m;
    m->host.read = sm_tm_read;
    m->host.write = sm_tm_write;
    m->host.log = sm_tm_log;
    return m;
}

void sm_tm_free(SmTestMem *m)
{
    g_free(m->ram);
    g_free(m);
}

void sm_tm_set_error(SmTestMem *m, uint64_t lo, uint64_t hi, unsigned dirs)
{
    m->err_lo = lo;
    m->err_hi = hi;
    m->err_dirs = dirs;
}

void sm_tm_clear_error(SmTestMem *m)
{
    m->err_lo = 0;
    m->err_hi = 0;
}

/* Whether an access of @dir to [@pa, @pa + @len) gets a bus error. */
static bool sm_tm_fails(const SmTestMem *m, unsigned dir, uint64_t pa,
                        size_t len)
{
    if (pa >= m->size || len > m->size - pa) {
        return true;
    }
    return (m->err_dirs & dir) && m->err_hi > m->err_lo &&
           pa < m->err_hi && pa + len > m->err_lo;
}

SmBusResult sm_tm_read(void *opaque, uint64_t pa, void *buf, size_t len,
                       SmAttrs attrs)
{
    SmTestMem *m = opaque;

    m->reads++;
    m->last_requester = attrs.requester_id;
    if (sm_tm_fails(m, SM_TM_ERR_READ, pa, len)) {
        memset(buf, 0xff, len);
        return SM_BUS_ERROR;
    }
    memcpy(buf, m->ram + pa, len);
    return SM_BUS_OK;
}

SmBusResult sm_tm_write(void *opaque, uint64_t pa, const void *buf,
                        size_t len, SmAttrs attrs)
{
    SmTestMem *m = opaque;

    m->writes++;
    if (sm_tm_fails(m, SM_TM_ERR_WRITE, pa, len)) {
        return SM_BUS_ERROR;
    }
    memcpy(m->ram + pa, buf, len);
    return SM_BUS_OK;
}

void sm_tm_log(void *opaque, SmLogKind kind, const char *msg)
{
    SmTestMem *m = opaque;

    if (m->guest_errors_only) {
        g_assert_cmpint(kind, ==, SM_LOG_GUEST_ERROR);
    }
    m->n_logs++;
    g_strlcpy(m->last_log, msg, sizeof(m->last_log));
}

uint64_t sm_tm_alloc(SmTestMem *m, uint64_t size, uint64_t align)
{
    uint64_t pa = (m->next + align - 1) & ~(align - 1);

    g_assert_cmpuint(pa, >=, m->next);
    g_assert_cmpuint(size, <=, m->size);
    g_assert_cmpuint(pa, <=, m->size - size);
    m->next = pa + size;
    memset(m->ram + pa, 0, size);
    return pa;
}

static void sm_tm_check(const SmTestMem *m, uint64_t pa, unsigned len)
{
    g_assert_cmpuint(pa, <=, m->size - len);
}

void sm_tm_w64(SmTestMem *m, uint64_t pa, uint64_t v)
{
    unsigned i;

    sm_tm_check(m, pa, 8);
    for (i = 0; i < 8; i++) {
        m->ram[pa + (m->be ? 7 - i : i)] = (uint8_t)(v >> (8 * i));
    }
}

uint64_t sm_tm_r64(SmTestMem *m, uint64_t pa)
{
    uint64_t v = 0;
    unsigned i;

    sm_tm_check(m, pa, 8);
    for (i = 0; i < 8; i++) {
        v |= (uint64_t)m->ram[pa + (m->be ? 7 - i : i)] << (8 * i);
    }
    return v;
}

uint32_t sm_tm_r32(SmTestMem *m, uint64_t pa)
{
    uint32_t le;

    sm_tm_check(m, pa, 4);
    memcpy(&le, m->ram + pa, 4);
    return GUINT32_FROM_LE(le);
}

void sm_tm_put(SmTestMem *m, uint64_t pa, const uint64_t *dw, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        uint64_t le = GUINT64_TO_LE(dw[i]);

        sm_tm_check(m, pa + 8 * i, 8);
        memcpy(m->ram + pa + 8 * i, &le, 8);
    }
}

/* ---- the table builder's view ----------------------------------------- */

static uint64_t sm_tm_pt_alloc(void *opaque, uint64_t size, uint64_t align)
{
    return sm_tm_alloc(opaque, size, align);
}

static uint64_t sm_tm_pt_read64(void *opaque, uint64_t pa)
{
    return sm_tm_r64(opaque, pa);
}

static void sm_tm_pt_write64(void *opaque, uint64_t pa, uint64_t val)
{
    sm_tm_w64(opaque, pa, val);
}

SmPtMem sm_tm_pt_mem(SmTestMem *m)
{
    SmPtMem mem = {
        .opaque = m, .alloc = sm_tm_pt_alloc, .read64 = sm_tm_pt_read64,
        .write64 = sm_tm_pt_write64,
    };

    return mem;
}
