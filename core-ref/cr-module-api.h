/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a core-ref module's source includes besides cr.h (docs/core-ref.md,
 * "Modules"): its .modinfo, its exports, and the entry points the loader
 * (cr-elf.c) looks for:
 *
 *     CR_MODULE_NAME("epmod");
 *     CR_MODULE_LICENSE("GPL");
 *     int cr_module_init(CrCore *c, CrModule *self);
 *     void cr_module_exit(CrCore *c, CrModule *self);
 *     CR_EXPORT_SYMBOL(a_function);
 *
 * A module is one relocatable ELF object; build it with -ffreestanding
 * -fno-common (and, for the x86-64 host tests, -mcmodel=large -fno-pic).
 */
#ifndef CORE_REF_CR_MODULE_API_H
#define CORE_REF_CR_MODULE_API_H

#include "cr.h"

#define CR_MODINFO_(tag, kv)                                              \
    static const char cr_modinfo_##tag[]                                  \
        __attribute__((section(".modinfo"), used, aligned(1))) = kv

#define CR_MODULE_NAME(n)     CR_MODINFO_(name, "name=" n)
#define CR_MODULE_LICENSE(l)  CR_MODINFO_(license, "license=" l)

#define CR_EXPORT_(sym, gpl)                                              \
    static const CrExport cr_export_##sym                                 \
        __attribute__((section("__cr_exports"), used)) =                  \
        { #sym, (void *)&sym, gpl }
#define CR_EXPORT_SYMBOL(sym)     CR_EXPORT_(sym, false)
#define CR_EXPORT_SYMBOL_GPL(sym) CR_EXPORT_(sym, true)

int cr_module_init(CrCore *c, CrModule *self);
void cr_module_exit(CrCore *c, CrModule *self);

/*
 * A driver's wait for its device, bounded in time as Linux's
 * readl_poll_timeout() bounds it (cr_time_ns()):
 *
 *     uint64_t end = cr_deadline(c, 1000000);        (one second)
 *     while (!ready()) {
 *         if (cr_expired(c, end)) {
 *             return -CR_ETIMEDOUT;
 *         }
 *     }
 */
static inline uint64_t cr_deadline(CrCore *c, uint64_t timeout_us)
{
    return cr_time_ns(c) + timeout_us * 1000;
}

static inline bool cr_expired(CrCore *c, uint64_t deadline)
{
    return cr_time_ns(c) > deadline;
}

#endif
