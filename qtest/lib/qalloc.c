/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bump allocator in guest RAM: see qalloc.h. */
#include <glib.h>

#include "qalloc.h"

void qalloc_init(QGuestAlloc *a, const QBus *bus, uint64_t start,
                 uint64_t size)
{
    a->bus = bus;
    a->start = a->next = start;
    a->end = start + size;
}

uint64_t qalloc_raw(QGuestAlloc *a, uint64_t size, uint64_t align)
{
    uint64_t addr;

    g_assert(align && !(align & (align - 1)));
    addr = (a->next + align - 1) & ~(align - 1);
    if (addr + size > a->end || addr + size < addr) {
        g_error("guest allocator: 0x%" G_GINT64_MODIFIER "x bytes do not "
                "fit (next 0x%" G_GINT64_MODIFIER "x, end 0x%"
                G_GINT64_MODIFIER "x)", size, a->next, a->end);
    }
    a->next = addr + size;
    return addr;
}

void qalloc_zero(const QBus *bus, uint64_t addr, uint64_t size)
{
    static const uint8_t zero[4096];

    while (size) {
        uint64_t n = MIN(size, sizeof(zero));

        qbus_memwrite(bus, addr, zero, n);
        addr += n;
        size -= n;
    }
}

uint64_t qalloc(QGuestAlloc *a, uint64_t size, uint64_t align)
{
    uint64_t addr = qalloc_raw(a, size, align);

    qalloc_zero(a->bus, addr, size);
    return addr;
}
