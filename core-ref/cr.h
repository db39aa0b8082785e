/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-ref: a reference implementation of the Linux driver core and
 * IOMMU core (module lifecycle, buses, drivers and devices, probe
 * deferral, device links, IOMMU instance registration, groups, domains
 * and DMA ownership), as specified by ../shared/spec/core-ref.md
 * ("the spec"; section numbers below are its).  docs/core-ref.md says
 * what it is for and how to run it.
 *
 * Freestanding C11: only <stdbool.h>, <stddef.h>, <stdint.h> and
 * <stdarg.h>, no allocation from the C library (every object lives in a
 * fixed pool of the CrCore, whose accounting cr_alloc_stats() reports),
 * so the same code builds into a bare-metal guest image.  Single
 * threaded and synchronous (spec 0.4): each public function below is a
 * top-level operation; before it returns, the deferred-probe worker runs
 * to quiescence and, with CrCore.check, the invariant checker
 * (cr-check.c) runs INV-1..26.
 *
 * Objects are declared once (cr_module_new(), cr_device_new(), ...) and
 * then live in the core: a device can be added, removed and added again.
 * Tests read their fields directly; only the functions below change them.
 */
#ifndef CORE_REF_CR_H
#define CORE_REF_CR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Errors (Linux values, returned negative; spec 0.3) ---------------- */

#define CR_EPERM        1
#define CR_ENOENT       2
#define CR_EIO          5
#define CR_EAGAIN       11
#define CR_EWOULDBLOCK  CR_EAGAIN
#define CR_ENOMEM       12
#define CR_EBUSY        16
#define CR_EEXIST       17
#define CR_ENODEV       19
#define CR_EINVAL       22
#define CR_ERANGE       34
#define CR_ETIMEDOUT    110
#define CR_EPROBE_DEFER 517

/* ---- Kernel-profile flags (spec 0.2) ----------------------------------- */

#define CR_F_SINGLE_OPS          (1u << 0)
#define CR_F_ATTACH_AT_ADD       (1u << 1)
#define CR_F_FORCE_UNLOAD        (1u << 2)
#define CR_F_DEFER_TIMEOUT       (1u << 3)
#define CR_F_LEGACY_BUS_CLEANUP  (1u << 4)
#define CR_F_TEST_REMOVE         (1u << 5)
/*
 * Not in the spec's flag table, but in its text (2.14 store_type): Linux
 * before about 6.4 refuses a group type change with EBUSY while a member
 * is bound and EINVAL for a group of more than one device, where later
 * kernels answer EPERM to both.  Observed on 6.1 (docs/bringup.md).
 */
#define CR_F_OLD_TYPE_STORE      (1u << 6)

#define CR_FLAGS_DEFAULT   (CR_F_SINGLE_OPS | CR_F_ATTACH_AT_ADD)
/* The kernels the bring-up kit runs (tests/test_bringup.py PROFILES) */
#define CR_PROFILE_LINUX_6_1  (CR_F_SINGLE_OPS | CR_F_FORCE_UNLOAD | \
                               CR_F_OLD_TYPE_STORE)
#define CR_PROFILE_LINUX_6_12 (CR_F_FORCE_UNLOAD)

/* ---- Sizes of the pools ------------------------------------------------ */

#define CR_NAME         48
#define CR_MAX_MODULES  16
#define CR_MAX_DEPS     4
#define CR_MAX_MOD_DRIVERS 4
#define CR_MAX_BUSES    3
#define CR_MAX_DRIVERS  24
#define CR_MAX_DEVICES  64
#define CR_MAX_OPS      4
#define CR_MAX_IOMMUS   8
#define CR_MAX_GROUPS   64
#define CR_MAX_DOMAINS  (2 * CR_MAX_GROUPS + 8)
#define CR_MAX_LINKS    64
#define CR_MAX_MIRRORS  (4 * CR_MAX_DEVICES + 3 * CR_MAX_LINKS)
#define CR_LOG_SIZE     (256 * 1024)
#define CR_VIOL_SIZE    4096

typedef struct CrCore CrCore;
typedef struct CrModule CrModule;
typedef struct CrBus CrBus;
typedef struct CrDriver CrDriver;
typedef struct CrDevice CrDevice;
typedef struct CrIommuOps CrIommuOps;
typedef struct CrIommu CrIommu;
typedef struct CrGroup CrGroup;
typedef struct CrDomain CrDomain;
typedef struct CrLink CrLink;

/* ---- Modules (spec 1.1) ------------------------------------------------ */

typedef enum CrModState {
    CR_MOD_UNLOADED,
    CR_MOD_COMING,
    CR_MOD_LIVE,
    CR_MOD_GOING,
} CrModState;

/*
 * A symbol the core or a module exports (EXPORT_SYMBOL[_GPL]).  A module's
 * exports are consecutive objects in one section: 32 bytes, aligned so,
 * leave no gap whatever alignment the compiler gives such objects.
 */
typedef struct __attribute__((aligned(32))) CrExport {
    const char *name;
    void *addr;
    bool gpl_only;
} CrExport;

struct CrModule {
    char name[CR_NAME];
    CrModState state;
    int refcnt;                  /* as sysfs shows it; -1 once unloading */
    CrModule *deps[CR_MAX_DEPS];
    unsigned n_deps;
    bool has_init, has_exit;
    /* What init registers, in order (module_platform_driver style) */
    CrDriver *drivers[CR_MAX_MOD_DRIVERS];
    unsigned n_drivers;
    /* Injected: init fails with this (< 0) after registering its drivers */
    int init_result;
    /* Injected hooks, run at the start of init / of exit (SCN-15, 18) */
    void (*init_hook)(CrCore *c, CrModule *m);
    void (*exit_hook)(CrCore *c, CrModule *m);
    int hook_result;             /* for the hook to leave a result in */
    /*
     * A module loaded from an ELF object (cr-elf.c): its init and exit
     * (which register and unregister what it brings), its exports, its
     * memory (freed once it is unloaded, with the module object).
     */
    int (*init_fn)(CrCore *c, CrModule *m);
    void (*exit_fn)(CrCore *c, CrModule *m);
    const CrExport *exports;
    unsigned n_exports;
    bool gpl_compatible;
    void *mem;
    size_t mem_size;
    bool in_use;
};

/* ---- Buses, drivers, devices (spec 1.2 - 1.5) -------------------------- */

struct CrBus {
    char name[CR_NAME];
    bool autoprobe;
    const CrIommuOps *iommu_ops; /* F_SINGLE_OPS: the installed ops */
    CrDevice *devs[CR_MAX_DEVICES];   /* device_add order */
    unsigned n_devs;
    CrDriver *drvs[CR_MAX_DRIVERS];   /* registration order */
    unsigned n_drvs;
    bool in_use;
};

struct CrDriver {
    char name[CR_NAME];
    CrBus *bus;
    CrModule *owner;             /* NULL: built in */
    /* Matches devices whose compat is the same (or whose override names it) */
    char compat[CR_NAME];
    bool suppress_bind_attrs;
    bool driver_managed_dma;
    /* NULL: probe succeeds, remove does nothing */
    int (*probe)(CrCore *c, CrDevice *dev);
    void (*remove)(CrCore *c, CrDevice *dev);
    void *priv;
    bool registered;
    CrDevice *bound[CR_MAX_DEVICES];  /* bind order */
    unsigned n_bound;
    bool in_use;
};

typedef enum CrDevLinks {       /* Linux DL_DEV_* */
    CR_DEV_NO_DRIVER,
    CR_DEV_PROBING,
    CR_DEV_DRIVER_BOUND,
    CR_DEV_UNBINDING,
} CrDevLinks;

typedef enum CrDeferState {
    CR_DEFER_NONE,
    CR_DEFER_PENDING,
    CR_DEFER_ACTIVE,
} CrDeferState;

/* The firmware's IOMMU binding of a device (spec 1.5) */
typedef struct CrFw {
    bool present;
    bool disabled;               /* status = "disabled" */
    char fwnode[CR_NAME];        /* the IOMMU instance it names */
    uint32_t sid;
} CrFw;

/* dev->iommu: the device's attachment to an instance */
typedef struct CrIommuDev {
    CrIommu *inst;
    bool in_use;
} CrIommuDev;

struct CrDevice {
    char name[CR_NAME];
    CrBus *bus;
    CrDevice *parent;
    bool registered, dead;
    CrDriver *driver;
    CrDevLinks links_status;
    bool can_match;
    CrDeferState deferred;
    CrFw fw;
    CrIommuDev *iommu;
    CrGroup *group;
    bool dma_claimed;
    char compat[CR_NAME];
    char override[CR_NAME];      /* driver_override; "" : none */
    /* PCI_TOPOLOGY grouping: devices with the same non-empty key share */
    char alias[CR_NAME];
    /* Injected: the next @inject_probe_times probes return this (-1: all) */
    int inject_probe_ret;
    int inject_probe_times;
    /* The device's registers: an SMMU's, or a PCI function's BAR0 */
    uint64_t mmio;
    /* INV-21 and INV-16 bookkeeping */
    unsigned dma_uses, dma_unuses;
    uint64_t tried_at_bind;      /* core bind count when a probe last ended */
    void *priv;
    bool in_use;
};

/* ---- The IOMMU core (spec 1.6 - 1.8) ----------------------------------- */

typedef enum CrGroupPolicy {
    CR_GROUP_PER_DEVICE,
    CR_GROUP_PCI_TOPOLOGY,
    CR_GROUP_SINGLETON,
} CrGroupPolicy;

typedef enum CrDomType {
    CR_DOM_DMA,
    CR_DOM_DMA_FQ,
    CR_DOM_IDENTITY,
    CR_DOM_BLOCKED,
    CR_DOM_UNMANAGED,
    CR_DOM_TYPES
} CrDomType;

struct CrIommuOps {
    char name[CR_NAME];
    CrModule *owner;             /* NULL: built in (or a bug, below) */
    /* The ops live in a module: owner NULL is then refused (SCN-10) */
    bool module_resident;
    CrGroupPolicy policy;
    CrDomType def_type;
    /* SMMUv2 style: probe_device links the master to the SMMU device */
    bool add_links;
    /*
     * Optional: the driver's own part of probe_device, once the core
     * found @dev's instance (arm_smmu_probe_device: the StreamID in
     * range, its stream-table span allocated).  0 or -errno; an error
     * fails the probe as an injected fail_ret does.
     */
    int (*probe_device)(CrCore *c, CrIommu *inst, CrDevice *dev);
    /*
     * Optional, for a driver that programs hardware: a domain's tables
     * made and freed; the device now uses domain @d (NULL: released, no
     * translation for it any more); a mapping in @d.  0 or -errno.
     */
    int (*domain_init)(CrCore *c, CrIommu *inst, CrDomain *d);
    void (*domain_free)(CrCore *c, CrIommu *inst, CrDomain *d);
    int (*attach_dev)(CrCore *c, CrIommu *inst, CrDevice *dev, CrDomain *d);
    int (*map)(CrCore *c, CrIommu *inst, CrDomain *d, uint64_t iova,
               uint64_t pa, uint64_t size);
    bool in_use;
};

struct CrIommu {
    char name[CR_NAME];          /* sysfs name: smmu3.0x0000000009050000 */
    char fwnode[CR_NAME];
    const CrIommuOps *ops;
    CrDevice *hwdev;
    bool registered;
    CrGroup *singleton;
    /* Injected: probe_device of the device named so returns fail_ret */
    char fail_dev[CR_NAME];
    int fail_ret;
    bool in_use;
};

struct CrDomain {
    CrDomType type;
    CrIommu *inst;
    void *priv;                  /* the driver's (its page tables) */
    bool in_use;
};

struct CrGroup {
    int id;
    CrIommu *inst;
    char alias[CR_NAME];
    CrDevice *devs[CR_MAX_DEVICES];
    unsigned n_devs;
    CrDomType type;              /* the default domain's type */
    CrDomain *default_domain, *blocking_domain, *domain;
    const char *owner;           /* NULL: the kernel's DMA API */
    int owner_cnt;
    int refs;                    /* members and external references */
    bool queued;                 /* on a replay's group list */
    bool in_use;
};

/* ---- Device links (spec 1.9, 2.15) ------------------------------------- */

#define CR_DL_STATELESS           (1u << 0)
#define CR_DL_AUTOREMOVE_CONSUMER (1u << 1)
#define CR_DL_PM_RUNTIME          (1u << 2)
#define CR_DL_RPM_ACTIVE          (1u << 3)
#define CR_DL_AUTOREMOVE_SUPPLIER (1u << 4)
#define CR_DL_AUTOPROBE_CONSUMER  (1u << 5)
#define CR_DL_MANAGED             (1u << 6)
#define CR_DL_SYNC_STATE_ONLY     (1u << 7)
#define CR_DL_INFERRED            (1u << 8)
#define CR_DL_CYCLE               (1u << 9)
#define CR_DL_ALL                 ((1u << 10) - 1)

typedef enum CrLinkStatus {
    CR_LINK_NONE,                /* stateless: "not tracked" */
    CR_LINK_DORMANT,
    CR_LINK_AVAILABLE,
    CR_LINK_CONSUMER_PROBE,
    CR_LINK_ACTIVE,
    CR_LINK_SUPPLIER_UNBIND,
} CrLinkStatus;

struct CrLink {
    CrDevice *sup, *con;
    unsigned flags;
    CrLinkStatus status;
    int kref;
    bool in_use;
};

/* ---- Mirrors of the sysfs links (INV-24) ------------------------------- */

typedef enum CrMirrorKind {
    CR_MIR_DEV_GROUP,            /* <dev>/iommu_group */
    CR_MIR_GROUP_DEV,            /* iommu_groups/<n>/devices/<dev> */
    CR_MIR_DEV_INST,             /* <dev>/iommu */
    CR_MIR_INST_DEV,             /* class/iommu/<i>/devices/<dev> */
    CR_MIR_SUPPLIER,             /* <con>/supplier:<sup> */
    CR_MIR_CONSUMER,             /* <sup>/consumer:<con> */
    CR_MIR_DEVLINK,              /* class/devlink/<sup>--<con> */
    CR_MIR_KINDS
} CrMirrorKind;

typedef struct CrMirror {
    CrMirrorKind kind;
    const void *a, *b;
    bool in_use;
} CrMirror;

/* ---- The core ---------------------------------------------------------- */

/* What the pools hold, for INV-25 and the 100-cycle leak check */
typedef struct CrAllocStats {
    unsigned live_iommu_devs, live_groups, live_domains, live_links,
             live_mirrors;
    uint64_t allocs, frees;
} CrAllocStats;

/*
 * What the environment provides for loading ELF modules: memory the CPU
 * can execute (the host build maps it; the bare-metal guest runs with
 * the MMU off), and the ELF machine of that CPU.
 */
typedef struct CrModuleMem {
    void *(*alloc)(void *opaque, size_t size);
    void (*free)(void *opaque, void *p, size_t size);
    void *opaque;
    uint16_t machine;            /* EM_AARCH64 (183) or EM_X86_64 (62) */
    /* Optional: make code written as data executable (cache maintenance) */
    void (*sync)(void *opaque, void *p, size_t size);
} CrModuleMem;

/*
 * Memory a driver gives its device (tables, queues, buffers): physically
 * contiguous, aligned, the CPU's address being the device's.  The guest
 * hands out pages of its RAM; the host's tests aligned heap memory.
 */
typedef struct CrDmaMem {
    void *(*alloc)(void *opaque, size_t size, size_t align);
    void (*free)(void *opaque, void *p, size_t size);
    void *opaque;
} CrDmaMem;

/*
 * How drivers reach device registers (cr_mmio_read32() and friends): in
 * the guest, plain loads and stores (read NULL); the host's tests route
 * them to models/ (core-ref/tests/test-core-ref-hw.c).
 */
typedef struct CrMmio {
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
    void *opaque;
} CrMmio;

/*
 * The clock drivers' timeouts run on (cr_time_ns()): nanoseconds since
 * any fixed point.  NULL now_ns: the CPU's own (the guest's architected
 * counter); the host's tests give one.
 */
typedef struct CrClock {
    uint64_t (*now_ns)(void *opaque);
    void *opaque;
} CrClock;

/* Failures a scenario can inject besides the per-object ones */
typedef struct CrInject {
    bool iommu_dev_nomem;        /* dev->iommu allocation fails */
    unsigned domain_fail;        /* bit per CrDomType: allocation fails */
    bool sysfs_fail;             /* driver sysfs step of a probe fails */
} CrInject;

struct CrCore {
    unsigned flags;
    bool check;                  /* run the checker after each operation */
    bool manual_defer;           /* CORE_DEFER_MANUAL: cr_run_deferred() */
    CrInject inject;
    CrModuleMem module_mem;
    CrMmio mmio;
    CrDmaMem dma_mem;
    CrClock clock;
    uint64_t clock_calls;        /* cr_time_ns() without any clock */
    /* The core's own exported symbols, which modules link against */
    const CrExport *exports;
    unsigned n_exports;

    CrModule modules[CR_MAX_MODULES];
    CrBus buses[CR_MAX_BUSES];
    CrBus *bus_order[CR_MAX_BUSES];   /* the replay's order (0.4 rule 4) */
    unsigned n_buses;
    CrDriver drivers[CR_MAX_DRIVERS];
    CrDevice devices[CR_MAX_DEVICES];
    CrIommuOps ops[CR_MAX_OPS];
    CrIommu iommus[CR_MAX_IOMMUS];
    CrIommu *iommu_list[CR_MAX_IOMMUS];   /* registration order */
    unsigned n_iommu_list;
    CrIommuDev iommu_devs[CR_MAX_DEVICES];
    CrGroup groups[CR_MAX_GROUPS];
    CrDomain domains[CR_MAX_DOMAINS];
    CrLink links[CR_MAX_LINKS];
    CrLink *link_order[CR_MAX_LINKS];     /* creation order */
    unsigned n_links;
    CrMirror mirrors[CR_MAX_MIRRORS];
    CrAllocStats alloc;
    /* Devices in dpm (suspend/shutdown) order (2.15) */
    CrDevice *dpm[CR_MAX_DEVICES];
    unsigned n_dpm;

    /* Deferred probing (1.10, 2.7) */
    CrDevice *pending[CR_MAX_DEVICES];
    unsigned n_pending;
    CrDevice *active[CR_MAX_DEVICES];
    unsigned n_active;
    uint64_t trigger_count;
    bool defer_all;
    bool initcalls_done;
    bool defer_timeout_expired;
    uint64_t bind_count;
    unsigned depth;              /* nesting of top-level operations */

    /* Event log (0.5): lines, each ending in '\n' */
    char log[CR_LOG_SIZE];
    size_t log_len;
    bool log_overflow;
    unsigned warnings;           /* WARN lines since cr_core_init */

    /* Invariant violations found (cr-check.c), as "INV-n: ..." lines */
    char viol[CR_VIOL_SIZE];
    size_t viol_len;
    unsigned n_viol;
};

/* ---- Set-up ------------------------------------------------------------ */

void cr_core_init(CrCore *c, unsigned flags);
CrBus *cr_bus_new(CrCore *c, const char *name);
CrBus *cr_bus_find(CrCore *c, const char *name);
CrModule *cr_module_new(CrCore *c, const char *name);
bool cr_module_add_dep(CrModule *m, CrModule *dep);
CrDriver *cr_driver_new(CrCore *c, CrBus *bus, const char *name,
                        const char *compat, CrModule *owner);
CrDevice *cr_device_new(CrCore *c, CrBus *bus, const char *name,
                        const char *compat, CrDevice *parent);
void cr_device_set_fw(CrDevice *dev, const char *fwnode, uint32_t sid);
CrDevice *cr_device_find(CrCore *c, const char *name);
CrIommuOps *cr_ops_new(CrCore *c, const char *name, CrModule *owner,
                       CrGroupPolicy policy, CrDomType def_type);
/* An instance a driver's probe registers: name, fwnode, the SMMU device */
CrIommu *cr_iommu_new(CrCore *c, const char *name, const char *fwnode,
                      const CrIommuOps *ops, CrDevice *hwdev);
CrIommu *cr_iommu_of_hw(CrCore *c, const CrDevice *hwdev);

/* ---- Top-level operations ---------------------------------------------- */

/* Modules (2.1, 2.2) */
#define CR_UNLOAD_FORCE 1u
int cr_module_load(CrCore *c, CrModule *m);
int cr_module_unload(CrCore *c, CrModule *m, unsigned flags);
bool cr_try_module_get(CrCore *c, CrModule *m);
void cr_module_put(CrCore *c, CrModule *m);

/*
 * An ELF module (a relocatable object: its .modinfo, its exports in
 * section __cr_exports, its cr_module_init / cr_module_exit): placed in
 * CrCore.module_mem, relocated, its undefined symbols resolved against
 * the core's exports and the loaded modules' (a module it takes one from
 * becomes a dependency), then loaded as cr_module_load() does.  -ENOENT
 * naming the symbol (log "UNKNOWN_SYMBOL <module> <symbol>") when none
 * exports it, or only GPL-only to a module whose licence is not
 * GPL-compatible; -ENOEXEC for an object it cannot load (log
 * "BAD_MODULE <why>").  *@out: the module, which goes away with its
 * memory once unloaded.
 */
#define CR_ENOEXEC 8
#define CR_EM_AARCH64 183
#define CR_EM_X86_64  62
int cr_module_load_elf(CrCore *c, const void *image, size_t size,
                       CrModule **out);
/*
 * The loader's first half, on its own: the object placed in module
 * memory, linked and relocated, nothing loaded or run (tests; objects for
 * another CPU).  The caller frees @out->mem with module_mem.free.
 */
typedef struct CrElfLinked {
    void *mem;
    size_t mem_size;
    const CrExport *exports;
    unsigned n_exports;
    bool gpl_compatible;
    int (*init_fn)(CrCore *c, CrModule *m);
    void (*exit_fn)(CrCore *c, CrModule *m);
    char name[CR_NAME];
} CrElfLinked;
int cr_elf_link(CrCore *c, const void *image, size_t size, CrElfLinked *out);
/* DMA memory through CrCore.dma_mem, zeroed; NULL when there is none */
void *cr_dma_alloc(CrCore *c, size_t size, size_t align);
void cr_dma_free(CrCore *c, void *p, size_t size);
/* A device register access, through CrCore.mmio */
uint32_t cr_mmio_read32(CrCore *c, uint64_t addr);
uint64_t cr_mmio_read64(CrCore *c, uint64_t addr);
void cr_mmio_write32(CrCore *c, uint64_t addr, uint32_t val);
void cr_mmio_write64(CrCore *c, uint64_t addr, uint64_t val);
/*
 * Now on the environment's clock (CrCore.clock), in nanoseconds, for
 * timeouts: a driver waiting for its device gives up after a time, as
 * Linux's readl_poll_timeout() does, not after a count of reads, whose
 * duration depends on the machine.  Without a clock (a non-AArch64
 * build given none) each call advances it by a microsecond.
 */
uint64_t cr_time_ns(CrCore *c);
/* The symbol's address as the loader resolves it, or NULL */
void *cr_symbol_lookup(const CrCore *c, const char *name);

/* Drivers and devices (2.4 - 2.8) */
int cr_driver_register(CrCore *c, CrDriver *drv);
void cr_driver_unregister(CrCore *c, CrDriver *drv);
int cr_device_add(CrCore *c, CrDevice *dev);
void cr_device_remove(CrCore *c, CrDevice *dev);
/* The sysfs bind / unbind files: negative errno */
int cr_user_bind(CrCore *c, CrDriver *drv, CrDevice *dev);
int cr_user_unbind(CrCore *c, CrDevice *dev);
void cr_boot_complete(CrCore *c);          /* T2 */
void cr_defer_timeout_fire(CrCore *c);     /* T4 (F_DEFER_TIMEOUT) */
void cr_set_defer_all(CrCore *c, bool on); /* off: T3 */
void cr_run_deferred(CrCore *c);

/* The IOMMU core (2.9 - 2.14); register/unregister are for drivers */
int cr_iommu_register(CrCore *c, CrIommu *inst);
void cr_iommu_unregister(CrCore *c, CrIommu *inst);
int cr_group_claim(CrCore *c, CrGroup *g, const char *owner);
void cr_group_release(CrCore *c, CrGroup *g);
int cr_device_claim(CrCore *c, CrDevice *dev, const char *owner);
void cr_device_release_owner(CrCore *c, CrDevice *dev);
int cr_attach_group(CrCore *c, CrGroup *g);     /* an unmanaged domain */
void cr_detach_group(CrCore *c, CrGroup *g);
int cr_store_type(CrCore *c, CrGroup *g, CrDomType t);
CrGroup *cr_group_by_id(CrCore *c, int id);
/* The DMA API's mapping: @size bytes at @iova to @pa, in @dev's domain */
int cr_iommu_map(CrCore *c, CrDevice *dev, uint64_t iova, uint64_t pa,
                 uint64_t size);

/* Device links (2.15) */
CrLink *cr_link_add(CrCore *c, CrDevice *con, CrDevice *sup, unsigned flags);
void cr_link_del(CrCore *c, CrLink *link);
CrLink *cr_link_find(CrCore *c, const CrDevice *sup, const CrDevice *con);

/* ---- Reading out ------------------------------------------------------- */

const char *cr_log_text(const CrCore *c);
void cr_log_clear(CrCore *c);
/* Whether the log holds @lines (NULL-terminated) as a subsequence */
bool cr_log_has_seq(const CrCore *c, const char *const *lines);
/* Lines of the log equal to @line */
unsigned cr_log_count(const CrCore *c, const char *line);

/* INV-1..26 now; violations are appended to c->viol.  Returns how many. */
unsigned cr_check(CrCore *c);
const char *cr_violations(const CrCore *c);
void cr_violations_clear(CrCore *c);

/*
 * The canonical state dump of spec 5.3 (what the bring-up kit's
 * state_dump prints in a guest), for module @module (NULL: the first
 * IOMMU ops' owner), into @buf.  Returns the length it needed.
 */
size_t cr_dump_state(const CrCore *c, const char *module, char *buf,
                     size_t size);

/* Counts INV-25 compares across a cycle */
typedef struct CrCounts {
    unsigned groups, domains, links, deferred, iommu_devs;
    int refcnt_total;
    unsigned max_group_id_plus1;
} CrCounts;
CrCounts cr_counts(const CrCore *c);

const char *cr_strerror_name(int err);
const char *cr_dom_type_name(CrDomType t);
const char *cr_link_status_name(CrLinkStatus s);

#endif
