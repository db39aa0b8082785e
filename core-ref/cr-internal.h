/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-ref's internals, shared by its files: the freestanding library
 * (cr-lib.c), the log, the pools, and the steps the driver core, the
 * IOMMU core and the link code call in each other.
 */
#ifndef CORE_REF_CR_INTERNAL_H
#define CORE_REF_CR_INTERNAL_H

#include <stdarg.h>

#include "cr.h"

#define CR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Freestanding library (cr-lib.c) ----------------------------------- */

bool cr_streq(const char *a, const char *b);
int cr_strcmp(const char *a, const char *b);
size_t cr_strlen(const char *s);
void cr_strlcpy(char *dst, const char *src, size_t size);
bool cr_strstr(const char *hay, const char *needle);
void cr_memzero(void *p, size_t n);
/* %s %.*s %d %u %x %lld %llu %llx %c and %%; always terminates; returns
 * the length needed */
size_t cr_vfmt(char *buf, size_t size, const char *fmt, va_list ap);
size_t cr_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A growing text into a fixed buffer (the dump) */
typedef struct CrText {
    char *buf;
    size_t size, len;
} CrText;
void cr_text_add(CrText *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- Log and violations ------------------------------------------------ */

void cr_log(CrCore *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cr_warn(CrCore *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cr_violation(CrCore *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- Pools ------------------------------------------------------------- */

CrIommuDev *cr_alloc_iommu_dev(CrCore *c);
void cr_free_iommu_dev(CrCore *c, CrIommuDev *d);
CrGroup *cr_alloc_group(CrCore *c);
void cr_free_group(CrCore *c, CrGroup *g);
CrDomain *cr_alloc_domain(CrCore *c, CrDomType type);
void cr_free_domain(CrCore *c, CrDomain *d);
CrLink *cr_alloc_link(CrCore *c);
void cr_free_link(CrCore *c, CrLink *l);
void cr_mirror_add(CrCore *c, CrMirrorKind kind, const void *a, const void *b);
void cr_mirror_del(CrCore *c, CrMirrorKind kind, const void *a, const void *b);
unsigned cr_mirror_count(const CrCore *c, CrMirrorKind kind, const void *a,
                         const void *b);

/* Ordered pointer lists */
void cr_list_append(void **list, unsigned *n, unsigned max, void *p);
bool cr_list_remove(void **list, unsigned *n, void *p);
bool cr_list_has(void *const *list, unsigned n, const void *p);

/* ---- Top-level operations (cr-driver.c) --------------------------------- */

void cr_op_enter(CrCore *c);
void cr_op_leave(CrCore *c);

/* ---- Driver core (cr-driver.c) ----------------------------------------- */

bool cr_device_is_bound(const CrDevice *dev);
int cr_driver_register_inner(CrCore *c, CrDriver *drv);
void cr_driver_unregister_inner(CrCore *c, CrDriver *drv);
void cr_release_driver(CrCore *c, CrDevice *dev);
void cr_deferred_add(CrCore *c, CrDevice *dev);
void cr_deferred_del(CrCore *c, CrDevice *dev);
void cr_trigger(CrCore *c);

/* ---- Device links (cr-link.c) ------------------------------------------ */

bool cr_link_managed(const CrLink *l);
/* 2.6 step 3: 0, or -EPROBE_DEFER (logged) */
int cr_links_check_suppliers(CrCore *c, CrDevice *dev);
void cr_links_driver_bound(CrCore *c, CrDevice *dev);
/* fail_early's link cleanup */
void cr_links_no_driver(CrCore *c, CrDevice *dev);
bool cr_links_busy(CrCore *c, CrDevice *dev);
void cr_links_unbind_consumers(CrCore *c, CrDevice *dev);
void cr_links_driver_cleanup(CrCore *c, CrDevice *dev);
void cr_links_purge(CrCore *c, CrDevice *dev);
void cr_link_set(CrCore *c, CrLink *l, CrLinkStatus s);
void cr_links_undo_supplier(CrCore *c, CrDevice *sup);

/* ---- IOMMU core (cr-iommu.c) ------------------------------------------- */

/* dma_configure's firmware step and use_default_domain (2.6 step 5) */
int cr_dma_configure(CrCore *c, CrDevice *dev, CrDriver *drv);
void cr_dma_cleanup(CrCore *c, CrDevice *dev);
/* The ADD_DEVICE and REMOVED_DEVICE notifiers */
void cr_iommu_notify_add(CrCore *c, CrDevice *dev);
void cr_iommu_release_device(CrCore *c, CrDevice *dev);
CrIommu *cr_iommu_by_fwnode(CrCore *c, const char *fwnode);

/* ---- Modules (cr-module.c) --------------------------------------------- */

const char *cr_mod_state_name(CrModState s);
/* The core's exported symbols (cr-exports.c) */
void cr_core_exports_init(CrCore *c);
/* An ELF module once unloaded: its memory and its module object go */
void cr_module_release_elf(CrCore *c, CrModule *m);
unsigned cr_module_holders(const CrCore *c, const CrModule *m,
                           const CrModule **out, unsigned max);

#endif
