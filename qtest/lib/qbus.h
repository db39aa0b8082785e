/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory-access operations every helper in qtest/lib goes through,
 * so the helpers run on our own client (qtest-client.c) or, with a small
 * adapter (docs/qtest.md), on QEMU's libqtest.
 */
#ifndef QBUS_H
#define QBUS_H

#include <stddef.h>
#include <stdint.h>

typedef struct QBus {
    void *opaque;
    void (*memread)(void *opaque, uint64_t addr, void *buf, size_t len);
    void (*memwrite)(void *opaque, uint64_t addr, const void *buf,
                     size_t len);
    uint32_t (*readl)(void *opaque, uint64_t addr);
    void (*writel)(void *opaque, uint64_t addr, uint32_t val);
    uint64_t (*readq)(void *opaque, uint64_t addr);
    void (*writeq)(void *opaque, uint64_t addr, uint64_t val);
} QBus;

static inline uint32_t qbus_readl(const QBus *b, uint64_t addr)
{
    return b->readl(b->opaque, addr);
}

static inline void qbus_writel(const QBus *b, uint64_t addr, uint32_t val)
{
    b->writel(b->opaque, addr, val);
}

static inline uint64_t qbus_readq(const QBus *b, uint64_t addr)
{
    return b->readq(b->opaque, addr);
}

static inline void qbus_writeq(const QBus *b, uint64_t addr, uint64_t val)
{
    b->writeq(b->opaque, addr, val);
}

static inline void qbus_memread(const QBus *b, uint64_t addr, void *buf,
                                size_t len)
{
    b->memread(b->opaque, addr, buf, len);
}

static inline void qbus_memwrite(const QBus *b, uint64_t addr,
                                 const void *buf, size_t len)
{
    b->memwrite(b->opaque, addr, buf, len);
}

/* Little-endian 64-bit word in guest memory (tables, queue records). */
static inline uint64_t qbus_ld64(const QBus *b, uint64_t addr)
{
    uint8_t v[8];
    uint64_t r = 0;
    int i;

    qbus_memread(b, addr, v, 8);
    for (i = 7; i >= 0; i--) {
        r = (r << 8) | v[i];
    }
    return r;
}

static inline void qbus_st64(const QBus *b, uint64_t addr, uint64_t val)
{
    uint8_t v[8];
    int i;

    for (i = 0; i < 8; i++) {
        v[i] = (uint8_t)(val >> (8 * i));
    }
    qbus_memwrite(b, addr, v, 8);
}

static inline uint32_t qbus_ld32(const QBus *b, uint64_t addr)
{
    uint8_t v[4];

    qbus_memread(b, addr, v, 4);
    return v[0] | (v[1] << 8) | (v[2] << 16) | ((uint32_t)v[3] << 24);
}

static inline void qbus_st32(const QBus *b, uint64_t addr, uint32_t val)
{
    uint8_t v[4] = { val, val >> 8, val >> 16, val >> 24 };

    qbus_memwrite(b, addr, v, 4);
}

#endif /* QBUS_H */
