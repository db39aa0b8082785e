/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The only way a model talks to the outside world.  An emulator (QEMU's
 * hw/ glue, the unit-test bench, the trace-driven simulator, a fuzzer)
 * fills one of these per instance.  Every hook gets @opaque back; models
 * keep no mutable file-scope state, so any number of instances coexist.
 * Hooks may be NULL where documented.
 */
#ifndef SM_HOST_H
#define SM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Attributes of a memory access made by the SMMU itself. */
typedef struct SmAttrs {
    bool secure;
    uint32_t requester_id;   /* StreamID when the access is on its behalf */
} SmAttrs;

/* Outcome of a host memory access. */
typedef enum SmBusResult {
    SM_BUS_OK = 0,
    SM_BUS_ERROR,            /* external abort: becomes F_WALK_EABT & co */
} SmBusResult;

typedef enum SmLogKind {
    SM_LOG_GUEST_ERROR,      /* the guest programmed something wrong */
    SM_LOG_UNIMP,            /* valid use of something not modelled */
} SmLogKind;

/* What an invalidation covered, for the emulator's own caches/notifiers. */
typedef enum SmInvalScope {
    SM_INVAL_ALL,            /* everything */
    SM_INVAL_VMID,           /* all of @vmid */
    SM_INVAL_ASID,           /* @asid within @vmid */
    SM_INVAL_RANGE,          /* [@addr, @addr + @size) in @asid/@vmid */
    SM_INVAL_STREAM,         /* configuration of @size StreamIDs changed */
} SmInvalScope;

typedef struct SmInval {
    SmInvalScope scope;
    bool has_asid;           /* false: every ASID (VAA forms, S2 forms) */
    bool has_vmid;
    bool stage2;             /* addresses are IPAs */
    uint16_t asid;
    uint16_t vmid;
    /*
     * SM_INVAL_STREAM: the StreamIDs @sid .. @sid + @size - 1 (@size >= 1;
     * 2^32 for every StreamID, e.g. SMMUv3 CFGI_ALL).
     */
    uint32_t sid;
    /* SM_INVAL_RANGE: [@addr, @addr + @size), 0 @size meaning "all" */
    uint64_t addr;
    uint64_t size;           /* bytes (RANGE) or StreamIDs (STREAM) */
} SmInval;

typedef struct SmHost {
    void *opaque;
    /* Guest physical memory.  Little-endian bytes, as on the bus. */
    SmBusResult (*read)(void *opaque, uint64_t pa, void *buf, size_t len,
                        SmAttrs attrs);
    SmBusResult (*write)(void *opaque, uint64_t pa, const void *buf,
                         size_t len, SmAttrs attrs);
    /* Wired interrupt @line (model-defined numbering) to @level. */
    void (*set_irq)(void *opaque, unsigned line, bool level);
    /* A 32-bit MSI write. May be NULL when MSIs are not advertised. */
    SmBusResult (*send_msi)(void *opaque, uint64_t addr, uint32_t data,
                            SmAttrs attrs);
    /* Emulated time in ns; may be NULL (then time is 0). */
    uint64_t (*now_ns)(void *opaque);
    /* One line of text, no trailing newline. May be NULL. */
    void (*log)(void *opaque, SmLogKind kind, const char *msg);
    /* Mappings covered by @inval are stale. May be NULL. */
    void (*invalidated)(void *opaque, const SmInval *inval);
    /* Command results that only the requester can act on. May be NULL. */
    void (*atc_invalidate)(void *opaque, uint32_t sid, uint32_t ssid,
                           bool ssv, uint64_t addr, uint64_t size);
    void (*pri_response)(void *opaque, uint32_t sid, uint32_t ssid,
                         bool ssv, uint16_t grpid, unsigned resp);
} SmHost;

/*
 * One line of @kind through @host->log, formatted as printf does;
 * nothing without a host or a log hook.  Every model logs through this.
 */
void sm_host_log(const SmHost *host, SmLogKind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* SM_HOST_H */
