/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <glib.h>

#include "sm2-bench.h"

static void sm2b_set_irq(void *opaque, unsigned line, bool level)
{
    Sm2Bench *b = opaque;

    g_assert_cmpuint(line, <, SM2B_LINES);
    if (level && !b->irq[line]) {
        b->irq_raised++;
    }
    b->irq[line] = level;
}

static SmBusResult sm2b_read(void *opaque, uint64_t pa, void *buf,
                             size_t len, SmAttrs attrs)
{
    return sm_tm_read(((Sm2Bench *)opaque)->m, pa, buf, len, attrs);
}

static SmBusResult sm2b_write(void *opaque, uint64_t pa, const void *buf,
                              size_t len, SmAttrs attrs)
{
    return sm_tm_write(((Sm2Bench *)opaque)->m, pa, buf, len, attrs);
}

static void sm2b_invalidated(void *opaque, const SmInval *inval)
{
    Sm2Bench *b = opaque;

    b->invals++;
    b->last_inval = *inval;
}

static void sm2b_log(void *opaque, SmLogKind kind, const char *msg)
{
    sm_tm_log(((Sm2Bench *)opaque)->m, kind, msg);
}

Sm2Bench *sm2b_new(const Sm2Features *f)
{
    Sm2Bench *b = g_new0(Sm2Bench, 1);
    Sm2Config cfg = { 0 };

    b->m = sm_tm_new(64 << 20);
    if (f) {
        b->f = *f;
    } else {
        sm2_features_default(&b->f);
    }
    cfg.features = b->f;
    cfg.host = (SmHost) {
        .opaque = b, .read = sm2b_read, .write = sm2b_write,
        .set_irq = sm2b_set_irq, .log = sm2b_log,
        .invalidated = sm2b_invalidated,
    };
    b->s = sm2_new(&cfg);
    g_assert_nonnull(b->s);
    return b;
}

void sm2b_free(Sm2Bench *b)
{
    sm2_free(b->s);
    sm_tm_free(b->m);
    g_free(b);
}

static uint64_t sm2b_page(const Sm2Bench *b)
{
    return b->f.pagesize_64k ? 0x10000 : 0x1000;
}

uint64_t sm2b_gr1(const Sm2Bench *b)
{
    return sm2b_page(b);
}

uint64_t sm2b_cb(const Sm2Bench *b, unsigned n)
{
    return ((2u << b->f.numpagendxb) + n) * sm2b_page(b);
}

uint32_t sm2b_rd(Sm2Bench *b, uint64_t off)
{
    return (uint32_t)sm2_mmio_read(b->s, off, 4);
}

void sm2b_wr(Sm2Bench *b, uint64_t off, uint32_t v)
{
    sm2_mmio_write(b->s, off, v, 4);
}

uint64_t sm2b_rd64(Sm2Bench *b, uint64_t off)
{
    return sm2_mmio_read(b->s, off, 8);
}

void sm2b_wr64(Sm2Bench *b, uint64_t off, uint64_t v)
{
    sm2_mmio_write(b->s, off, v, 8);
}
