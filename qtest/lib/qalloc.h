/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest-memory allocator for the QTest helpers: a bump allocator over a
 * window of guest RAM.  Nothing is ever freed (each test case runs its
 * own QEMU), and every allocation is zeroed and aligned, so no table or
 * queue lives at a fixed address.
 */
#ifndef QALLOC_H
#define QALLOC_H

#include <stdint.h>

#include "qbus.h"

/* virt's RAM starts here. */
#define QALLOC_VIRT_RAM_BASE  UINT64_C(0x40000000)

typedef struct QGuestAlloc {
    const QBus *bus;
    uint64_t start;
    uint64_t end;            /* exclusive */
    uint64_t next;
} QGuestAlloc;

void qalloc_init(QGuestAlloc *a, const QBus *bus, uint64_t start,
                 uint64_t size);
/* @size bytes aligned to @align (a power of two), zero-filled. */
uint64_t qalloc(QGuestAlloc *a, uint64_t size, uint64_t align);
/* Same without zero-filling (for large DMA buffers the test fills). */
uint64_t qalloc_raw(QGuestAlloc *a, uint64_t size, uint64_t align);
/* Zero @size bytes of guest memory at @addr through the bus. */
void qalloc_zero(const QBus *bus, uint64_t addr, uint64_t size);

#endif /* QALLOC_H */
