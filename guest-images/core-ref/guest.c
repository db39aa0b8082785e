/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The core-ref guest (docs/core-ref.md, "In a guest"): a bare-metal
 * AArch64 image for QEMU's virt board.  It turns the MMU on (identity
 * map), reads the device tree with libfdt, enumerates PCI functions
 * through ECAM, describes both to core-ref (SMMU platform devices, PCI
 * endpoints with their StreamIDs from iommu-map), loads core-ref's
 * modules from the archive in the image with core-ref's ELF loader (this
 * CPU runs their code), runs the scenarios and reports KTAP on the PL011,
 * then powers off through PSCI.
 */
#include <libfdt.h>

#include "cr-internal.h"

#define RAM_BASE    0x40000000ull
#define UART_BASE   0x09000000ull
#define PSCI_SYSTEM_OFF 0x84000008u

void cr_guest_main(void);
/* core-ref's scenario tests (scenarios.c, core-ref/tests/test-core-ref.c) */
int cr_test_core_ref_main(int argc, char **argv);
unsigned cr_guest_scenarios(void);
unsigned cr_guest_run_scenarios(unsigned first);
void cr_guest_exception(uint64_t esr, uint64_t elr, uint64_t far);
void cr_guest_panic(const char *why);

extern const uint8_t cr_guest_archive[], cr_guest_archive_end[];
extern uint8_t __heap_start[];

/* ---- Console and power ------------------------------------------------- */

static void uart_putc(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)UART_BASE;

    while (uart[0x18 / 4] & (1u << 5)) {     /* UARTFR.TXFF */
    }
    uart[0] = (uint32_t)(unsigned char)c;
}

void cr_guest_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define out cr_guest_out
void cr_guest_out(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    const char *p;

    va_start(ap, fmt);
    cr_vfmt(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (p = line; *p; p++) {
        if (*p == '\n') {
            uart_putc('\r');
        }
        uart_putc(*p);
    }
}

static void __attribute__((noreturn)) power_off(void)
{
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

    __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

void cr_guest_panic(const char *why)
{
    out("Bail out! %s\n", why);
    power_off();
}

void cr_guest_exception(uint64_t esr, uint64_t elr, uint64_t far)
{
    out("Bail out! exception: ESR_EL1 0x%llx ELR_EL1 0x%llx FAR_EL1 0x%llx\n",
        (unsigned long long)esr, (unsigned long long)elr,
        (unsigned long long)far);
    power_off();
}

/* ---- MMU: identity map, RAM normal memory, the rest device -------------- */

static uint64_t l1_table[512] __attribute__((aligned(4096)));

static void mmu_on(uint64_t ram_size)
{
    uint64_t i, tcr, sctlr;

    for (i = 0; i < 512; i++) {
        uint64_t pa = i << 30;
        bool ram = pa >= RAM_BASE && pa < RAM_BASE + ram_size;

        /* block, AF; RAM: AttrIndx 1 (normal), inner shareable;
         * the rest: AttrIndx 0 (device), never executable */
        l1_table[i] = pa | 1 | (1ull << 10) |
                      (ram ? (1ull << 2) | (3ull << 8) : (3ull << 53));
    }
    tcr = 25 |                       /* T0SZ: 39-bit addresses, from L1 */
          (1ull << 8) | (1ull << 10) | (3ull << 12) |   /* WB, inner sh. */
          (1ull << 23) |             /* EPD1: no TTBR1 walks */
          (2ull << 32);              /* IPS: 40 bits (ECAM at 256 GiB) */
    __asm__ volatile("msr mair_el1, %0" : : "r"(0xff00ull));
    __asm__ volatile("msr tcr_el1, %0" : : "r"(tcr));
    __asm__ volatile("msr ttbr0_el1, %0" : : "r"(l1_table));
    __asm__ volatile("dsb sy; isb; tlbi vmalle1; dsb sy; isb");
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= (1ull << 0) | (1ull << 2) | (1ull << 12);   /* M, C, I */
    sctlr &= ~(1ull << 1);           /* A: unaligned accesses allowed */
    __asm__ volatile("msr sctlr_el1, %0; isb" : : "r"(sctlr));
}

/* ---- Module memory: slots after the image ------------------------------- */

#define MOD_SLOTS     8
#define MOD_SLOT_SIZE (512 * 1024)

static bool mod_slot_used[MOD_SLOTS];
static unsigned mod_live;

static void *mod_alloc(void *opaque, size_t size)
{
    unsigned i;

    for (i = 0; i < MOD_SLOTS && size <= MOD_SLOT_SIZE; i++) {
        if (!mod_slot_used[i]) {
            mod_slot_used[i] = true;
            mod_live++;
            return __heap_start + (size_t)i * MOD_SLOT_SIZE;
        }
    }
    return NULL;
}

static void mod_free(void *opaque, void *p, size_t size)
{
    unsigned i = (unsigned)(((uint8_t *)p - __heap_start) / MOD_SLOT_SIZE);

    if (i < MOD_SLOTS && mod_slot_used[i]) {
        mod_slot_used[i] = false;
        mod_live--;
    }
}

/* Code written as data: cleaned to the point of unification, then the
 * instruction caches invalidated, before it runs (Arm ARM B2.4.4). */
static void mod_sync(void *opaque, void *p, size_t size)
{
    uintptr_t a;

    for (a = (uintptr_t)p & ~63ul; a < (uintptr_t)p + size; a += 64) {
        __asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
    }
    __asm__ volatile("dsb ish; ic iallu; dsb ish; isb" ::: "memory");
}

/* ---- DMA memory: 4 KiB pages of a region after the arena ---------------- */

#define DMA_OFFSET (72u << 20)       /* module slots 8 MiB, arena 64 MiB */
#define DMA_PAGES  8192              /* 32 MiB */

static uint64_t dma_used[DMA_PAGES / 64];
static unsigned dma_live;
/*
 * Fault injection, as Linux's fail_page_alloc does it: when not 0, the
 * allocation that many calls from now fails (once).
 */
static unsigned dma_fail_in;

static bool dma_page_used(unsigned p)
{
    return dma_used[p / 64] >> (p % 64) & 1;
}

static void dma_mark(unsigned first, unsigned n, bool used)
{
    unsigned p;

    for (p = first; p < first + n; p++) {
        if (used) {
            dma_used[p / 64] |= 1ull << (p % 64);
        } else {
            dma_used[p / 64] &= ~(1ull << (p % 64));
        }
    }
}

/* First fit, the start aligned to @align (a power of two; the region
 * starts 64 KiB aligned, so up to that the page index says it) */
static void *dma_alloc(void *opaque, size_t size, size_t align)
{
    unsigned n, step, first, p;

    if (!size || size > (size_t)DMA_PAGES * 4096 || align > 65536) {
        return NULL;
    }
    if (dma_fail_in && --dma_fail_in == 0) {
        return NULL;
    }
    n = (unsigned)((size + 4095) / 4096);
    step = align > 4096 ? (unsigned)(align / 4096) : 1;
    for (first = 0; first + n <= DMA_PAGES; first += step) {
        for (p = first; p < first + n && !dma_page_used(p); p++) {
        }
        if (p == first + n) {
            dma_mark(first, n, true);
            dma_live++;
            return __heap_start + DMA_OFFSET + (size_t)first * 4096;
        }
    }
    return NULL;
}

static void dma_free(void *opaque, void *ptr, size_t size)
{
    unsigned first = (unsigned)(((uint8_t *)ptr - __heap_start - DMA_OFFSET) /
                                4096);

    dma_mark(first, (unsigned)((size + 4095) / 4096), false);
    dma_live--;
}

/* ---- The module archive (cpio newc, built by build.py) ------------------ */

static uint32_t hex8(const uint8_t *p)
{
    uint32_t v = 0;
    unsigned i;

    for (i = 0; i < 8; i++) {
        char c = (char)p[i];

        v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* The archive member @name: its bytes and size, or NULL. */
static const uint8_t *archive_find(const char *name, size_t *size)
{
    const uint8_t *p = cr_guest_archive;

    while (p + 110 <= cr_guest_archive_end && p[0] == '0' && p[1] == '7' &&
           p[2] == '0' && p[3] == '7' && p[4] == '0' && p[5] == '1') {
        uint32_t fsize = hex8(p + 54), nsize = hex8(p + 94);
        const char *n = (const char *)p + 110;
        const uint8_t *data = p + ((110 + nsize + 3) & ~3u);

        if (cr_streq(n, "TRAILER!!!")) {
            break;
        }
        if (cr_streq(n, name)) {
            *size = fsize;
            return data;
        }
        p = data + ((fsize + 3) & ~3u);
    }
    return NULL;
}

/* ---- Device tree and PCI ------------------------------------------------ */

/* A PCIe host bridge of the device tree (pci-host-ecam-generic) */
typedef struct Host {
    int node;
    uint64_t ecam;                   /* configuration space of bus @bus0 */
    unsigned bus0;                   /* bus-range */
    unsigned domain;                 /* linux,pci-domain */
    unsigned last_bus;               /* the last bus number given out */
    uint64_t mem32;                  /* next free address of its window */
} Host;

typedef struct Guest {
    const void *fdt;
    CrCore *c;
    CrBus *plat, *pci;
    unsigned smmus;
    bool v2;
    uint32_t smmu_phandle[2];
    CrDevice *smmu[2];
    CrDevice *ep[16];
    unsigned n_ep;
    CrDevice *fn[32];                /* every PCI function, endpoints too */
    unsigned n_fn;
    CrModule *smmu_mod, *ep_mod;
} Guest;

static CrCore core;
static Guest guest;

static uint64_t be(const fdt32_t *p, unsigned cells)
{
    uint64_t v = 0;

    while (cells--) {
        v = v << 32 | fdt32_to_cpu(*p++);
    }
    return v;
}

/* The SMMU nodes, in device-tree order: core-ref devices smmuA, smmuB */
static bool dt_smmus(Guest *g)
{
    static const char *const compat[] = { "arm,smmu-v3", "arm,mmu-500" };
    unsigned k;
    int off;

    for (k = 0; k < 2; k++) {
        for (off = fdt_node_offset_by_compatible(g->fdt, -1, compat[k]);
             off >= 0 && g->smmus < 2;
             off = fdt_node_offset_by_compatible(g->fdt, off, compat[k])) {
            char name[8] = "smmuA";
            const fdt32_t *reg = fdt_getprop(g->fdt, off, "reg", NULL);

            name[4] = (char)('A' + g->smmus);
            g->v2 = k == 1;
            g->smmu_phandle[g->smmus] = fdt_get_phandle(g->fdt, off);
            g->smmu[g->smmus] = cr_device_new(g->c, g->plat, name, compat[k],
                                              NULL);
            g->smmu[g->smmus]->mmio = reg ? be(reg, 2) : 0;
            out("# smmu %s: %s, phandle %u\n", name, compat[k],
                g->smmu_phandle[g->smmus]);
            g->smmus++;
        }
    }
    return g->smmus > 0;
}

/* The StreamID and SMMU (its fwnode, "FA"/"FB") of requester @rid */
static bool dt_iommu_map(Guest *g, int host, uint32_t rid, char *fw,
                         uint32_t *sid)
{
    int len, i;
    const fdt32_t *map = fdt_getprop(g->fdt, host, "iommu-map", &len);
    unsigned k;

    for (i = 0; map && i + 16 <= len; i += 16) {
        uint32_t base = fdt32_to_cpu(map[i / 4]);
        uint32_t ph = fdt32_to_cpu(map[i / 4 + 1]);
        uint32_t sbase = fdt32_to_cpu(map[i / 4 + 2]);
        uint32_t n = fdt32_to_cpu(map[i / 4 + 3]);

        if (rid < base || rid - base >= n) {
            continue;
        }
        for (k = 0; k < g->smmus; k++) {
            if (g->smmu_phandle[k] == ph) {
                fw[0] = 'F';
                fw[1] = (char)('A' + k);
                fw[2] = '\0';
                *sid = sbase + rid - base;
                return true;
            }
        }
    }
    return false;
}

static volatile uint32_t *ecam_reg(const Host *h, unsigned bus,
                                   unsigned dev, unsigned fn, unsigned reg)
{
    return (volatile uint32_t *)(uintptr_t)
        (h->ecam + ((uint64_t)(bus - h->bus0) << 20 | dev << 15 | fn << 12 |
                    reg));
}

static uint32_t ecam_read32(const Host *h, unsigned bus, unsigned dev,
                            unsigned fn, unsigned reg)
{
    return *ecam_reg(h, bus, dev, fn, reg);
}

/* The host's 32-bit memory window (ranges, space code 0b10), from DT */
static uint64_t dt_mem32_window(Guest *g, int host)
{
    int len, i;
    const fdt32_t *r = fdt_getprop(g->fdt, host, "ranges", &len);

    for (i = 0; r && i + 28 <= len; i += 28) {      /* 3 + 2 + 2 cells */
        if ((fdt32_to_cpu(r[i / 4]) >> 24 & 3) == 2) {
            return be(&r[i / 4 + 3], 2);
        }
    }
    return 0;
}

/* Firmware's job, done here: BAR0 (32-bit memory) placed in the window,
 * memory decoding and bus mastering on.  Returns BAR0's address. */
static uint64_t pci_assign_bar0(Host *h, unsigned bus, unsigned dev,
                                unsigned fn)
{
    volatile uint32_t *bar = ecam_reg(h, bus, dev, fn, 0x10);
    uint32_t size;
    uint64_t at;

    *bar = 0xffffffffu;
    size = ~(*bar & ~0xfu) + 1;
    if (!size || (*bar & 1)) {
        return 0;                    /* no memory BAR0 */
    }
    at = (h->mem32 + size - 1) & ~(uint64_t)(size - 1);
    *bar = (uint32_t)at;
    h->mem32 = at + size;
    /* COMMAND (16 bits; STATUS above it is write-1-to-clear): memory
     * decoding and bus mastering on */
    *(volatile uint16_t *)ecam_reg(h, bus, dev, fn, 0x04) |= 0x6;
    return at;
}

/* "dddd:bb:dd.f", Linux's name of a PCI function */
static void pci_name(char *name, unsigned domain, unsigned bus, unsigned dev,
                     unsigned fn)
{
    static const char hex[] = "0123456789abcdef";
    unsigned i;

    for (i = 0; i < 4; i++) {
        name[i] = hex[domain >> (12 - 4 * i) & 15];
    }
    name[4] = ':';
    name[5] = hex[bus >> 4 & 15];
    name[6] = hex[bus & 15];
    name[7] = ':';
    name[8] = hex[dev >> 4 & 15];
    name[9] = hex[dev & 15];
    name[10] = '.';
    name[11] = hex[fn & 7];
    name[12] = '\0';
}

static void pci_scan_bus(Guest *g, Host *h, unsigned bus);

/*
 * Firmware's job for a PCI-to-PCI bridge (a root port): the next bus
 * number for its secondary side, scanned, then its subordinate number
 * and a memory window (1 MiB granules) around the BARs placed behind
 * it; memory decoding and bus mastering on.  No I/O or prefetchable
 * window (base above limit).
 */
static void pci_bridge(Guest *g, Host *h, unsigned bus, unsigned dev,
                       unsigned fn)
{
    unsigned sec = ++h->last_bus;
    uint64_t base = (h->mem32 + 0xfffff) & ~0xfffffull, end;

    *ecam_reg(h, bus, dev, fn, 0x18) = bus | sec << 8 | 0xffu << 16;
    *ecam_reg(h, bus, dev, fn, 0x1c) = 0x00f0;           /* I/O off */
    *ecam_reg(h, bus, dev, fn, 0x24) = 0x0000fff0;       /* prefetch off */
    h->mem32 = base;
    pci_scan_bus(g, h, sec);
    end = (h->mem32 + 0xfffff) & ~0xfffffull;
    h->mem32 = end;
    *ecam_reg(h, bus, dev, fn, 0x18) = bus | sec << 8 | h->last_bus << 16;
    *ecam_reg(h, bus, dev, fn, 0x20) = end > base ?
        (uint32_t)(base >> 16 | ((end - 1) & 0xfff00000u)) : 0x0000fff0;
    *(volatile uint16_t *)ecam_reg(h, bus, dev, fn, 0x04) |= 0x6;
}

/*
 * The functions of @bus, each a core-ref PCI device named as Linux names
 * it, with its StreamID and SMMU from the host's iommu-map; bridges'
 * secondary buses scanned in turn (depth first, as Linux numbers them).
 */
static void pci_scan_bus(Guest *g, Host *h, unsigned bus)
{
    unsigned dev, fn;

    for (dev = 0; dev < 32; dev++) {
        for (fn = 0; fn < 8; fn++) {
            uint32_t id = ecam_read32(h, bus, dev, fn, 0);
            unsigned type = ecam_read32(h, bus, dev, fn, 12) >> 16 & 0x7f;
            char name[16], fw[4];
            uint32_t sid = 0;
            CrDevice *d;

            if ((id & 0xffff) == 0xffff) {
                if (!fn) {
                    break;
                }
                continue;
            }
            pci_name(name, h->domain, bus, dev, fn);
            /* the endpoints: smmu-testdev functions; the rest (host
             * bridges, root ports, a NIC) gets no driver */
            d = cr_device_new(g->c, g->pci, name,
                              id == (0x05e3u << 16 | 0x1234) ? "ep" : "",
                              NULL);
            if (dt_iommu_map(g, h->node, bus << 8 | dev << 3 | fn, fw, &sid)) {
                cr_device_set_fw(d, fw, sid);
            }
            cr_strlcpy(d->alias, name, sizeof(d->alias));
            out("# pci %s %x:%x sid %u smmu %s\n", name, id & 0xffff,
                id >> 16, sid, d->fw.present ? d->fw.fwnode : "-");
            if (g->n_fn < 32) {
                g->fn[g->n_fn++] = d;
            }
            if (d->compat[0] && g->n_ep < 16) {
                g->ep[g->n_ep++] = d;
                d->mmio = pci_assign_bar0(h, bus, dev, fn);
            }
            if (type == 1 && h->last_bus < 0xff) {
                pci_bridge(g, h, bus, dev, fn);
            }
            if (!fn && !(ecam_read32(h, bus, dev, 0, 12) & (0x80u << 16))) {
                break;               /* not multifunction */
            }
        }
    }
}

/*
 * Every host bridge of the device tree (QEMU's pcie.0 and each
 * pxb-pcie, whose buses the board describes as hosts of their own),
 * enumerated from the first bus of its bus-range.
 */
static bool pci_enumerate(Guest *g)
{
    int node;

    for (node = fdt_node_offset_by_compatible(g->fdt, -1,
                                              "pci-host-ecam-generic");
         node >= 0;
         node = fdt_node_offset_by_compatible(g->fdt, node,
                                              "pci-host-ecam-generic")) {
        const fdt32_t *reg = fdt_getprop(g->fdt, node, "reg", NULL);
        const fdt32_t *range = fdt_getprop(g->fdt, node, "bus-range", NULL);
        const fdt32_t *dom = fdt_getprop(g->fdt, node, "linux,pci-domain",
                                         NULL);
        Host h = { .node = node };

        if (!reg) {
            continue;
        }
        h.ecam = be(reg, 2);
        h.bus0 = range ? fdt32_to_cpu(range[0]) & 0xff : 0;
        h.last_bus = h.bus0;
        h.domain = dom ? fdt32_to_cpu(dom[0]) & 0xffff : 0;
        h.mem32 = dt_mem32_window(g, node);
        out("# pci: domain %u, bus %u, ECAM at 0x%llx, memory window at "
            "0x%llx\n", h.domain, h.bus0, (unsigned long long)h.ecam,
            (unsigned long long)h.mem32);
        pci_scan_bus(g, &h, h.bus0);
    }
    return g->n_ep > 0;
}

/* ---- KTAP --------------------------------------------------------------- */

static unsigned ktap_n;
static bool ktap_failed;

static void check(bool ok, const char *what)
{
    if (!ok) {
        out("# FAIL: %s\n", what);
        ktap_failed = true;
    }
}

static void ktap_result(const char *name)
{
    if (core.n_viol) {
        const char *p;

        out("# invariant violations:\n# ");
        for (p = core.viol; *p; p++) {
            out("%c", *p);
            if (*p == '\n' && p[1]) {
                out("# ");
            }
        }
        cr_violations_clear(&core);
        ktap_failed = true;
    }
    out("%s %u %s\n", ktap_failed ? "not ok" : "ok", ++ktap_n, name);
    ktap_failed = false;
}

/* A test this boot cannot run: KTAP's SKIP directive, with why */
static void ktap_skip(const char *name, const char *why)
{
    out("ok %u %s # SKIP %s\n", ++ktap_n, name, why);
    ktap_failed = false;
}

/* core-ref's event log since it was last cleared, as KTAP comments */
static void print_log(const char *what)
{
    const char *p = cr_log_text(&core);

    out("# event log of %s:\n# ", what);
    for (; *p; p++) {
        out("%c", *p);
        if (*p == '\n' && p[1]) {
            out("# ");
        }
    }
}

static void print_dump(void)
{
    static char buf[4096];
    const char *p = buf;

    cr_dump_state(&core, guest.smmu_mod ? guest.smmu_mod->name : NULL, buf,
                  sizeof(buf));
    out("# ");
    for (; *p; p++) {
        out("%c", *p);
        if (*p == '\n' && p[1]) {
            out("# ");
        }
    }
}

/* ---- Scenarios ---------------------------------------------------------- */

static int load_module(const char *file, CrModule **m)
{
    size_t size = 0;
    int r;
    const uint8_t *img = archive_find(file, &size);

    if (!img) {
        out("# no %s in the image's archive\n", file);
        return -CR_ENOENT;
    }
    r = cr_module_load_elf(&core, img, size, m);
    if (r) {
        const char *log = cr_log_text(&core), *last = log, *p;

        for (p = log; *p; p++) {
            if (*p == '\n' && p[1]) {
                last = p + 1;
            }
        }
        out("# loading %s: error %d, %s", file, r, *last ? last : "\n");
    }
    return r;
}

/* SCN-1 with modules: the SMMU driver module, then the endpoint driver. */
static void scn_load(Guest *g)
{
    unsigned k;
    int r;

    for (k = 0; k < g->n_ep; k++) {
        check(cr_device_add(&core, g->ep[k]) == 0, "device_add");
    }
    r = load_module(g->v2 ? "smmu2.o" : "smmu3.o", &g->smmu_mod);
    check(r == 0, "load the SMMU module");
    r = load_module("epmod.o", &g->ep_mod);
    check(r == 0, "load epmod");
    for (k = 0; k < g->n_ep; k++) {
        check(g->ep[k]->group && g->ep[k]->group->id == (int)k,
              "endpoint in group k");
        check(g->ep[k]->driver && cr_streq(g->ep[k]->driver->name, "epdrv"),
              "endpoint bound to epdrv");
    }
    check(g->smmu_mod && g->smmu_mod->refcnt == (int)g->n_ep,
          "refcnt = endpoints");
    print_dump();
}

static void scn_unload_refused(Guest *g)
{
    check(cr_module_unload(&core, g->smmu_mod, 0) == -CR_EWOULDBLOCK,
          "rmmod refused");
    check(g->smmu_mod->state == CR_MOD_LIVE, "still live");
}

/* SCN-13: remove, unload, add back (deferred), reload: groups from 0 */
static void scn_reload(Guest *g)
{
    unsigned k;

    for (k = 0; k < g->n_ep; k++) {
        cr_device_remove(&core, g->ep[k]);
    }
    check(cr_module_unload(&core, g->smmu_mod, 0) == 0, "rmmod");
    g->smmu_mod = NULL;
    check(core.n_iommu_list == 0, "no instance left");
    for (k = 0; k < g->n_ep; k++) {
        check(cr_device_add(&core, g->ep[k]) == 0, "rescan");
        check(g->ep[k]->deferred == CR_DEFER_PENDING, "deferred");
    }
    check(load_module(g->v2 ? "smmu2.o" : "smmu3.o", &g->smmu_mod) == 0,
          "reload");
    for (k = 0; k < g->n_ep; k++) {
        check(g->ep[k]->group && g->ep[k]->group->id == (int)k &&
              g->ep[k]->driver, "bound in group k again");
    }
}

/* SCN-17: 20 cycles; module memory and the pools end where they began */
static void scn_cycles(Guest *g)
{
    CrAllocStats a0;
    unsigned i, k, live0;

    for (k = 0; k < g->n_ep; k++) {
        cr_device_remove(&core, g->ep[k]);
    }
    check(cr_module_unload(&core, g->smmu_mod, 0) == 0, "rmmod");
    a0 = core.alloc;
    live0 = mod_live;
    for (i = 0; i < 20; i++) {
        check(load_module(g->v2 ? "smmu2.o" : "smmu3.o", &g->smmu_mod) == 0,
              "load");
        for (k = 0; k < g->n_ep; k++) {
            check(cr_device_add(&core, g->ep[k]) == 0 && g->ep[k]->driver,
                  "add and bind");
        }
        for (k = 0; k < g->n_ep; k++) {
            cr_device_remove(&core, g->ep[k]);
        }
        check(cr_module_unload(&core, g->smmu_mod, 0) == 0, "unload");
        cr_log_clear(&core);
    }
    g->smmu_mod = NULL;
    check(mod_live == live0, "module memory back");
    check(core.alloc.live_groups == a0.live_groups &&
          core.alloc.live_domains == a0.live_domains &&
          core.alloc.live_iommu_devs == a0.live_iommu_devs &&
          core.alloc.live_mirrors == a0.live_mirrors, "pools back");
}

static void scn_unknown_symbol(Guest *g)
{
    CrModule *m = NULL;

    cr_log_clear(&core);
    check(load_module("missing.o", &m) == -CR_ENOENT, "load fails");
    check(cr_log_count(&core, "UNKNOWN_SYMBOL missing "
                       "not_exported_anywhere") == 1, "names the symbol");
}

/* The SMMU driver's record of what testdev.o's unmapped write did */
typedef struct GuestFault {
    uint32_t sid;
    uint64_t addr;
    uint32_t code;
    bool translation;
} GuestFault;

/* Each endpoint's write to an IOVA it never mapped (testdev.c: its
 * buffer's IOVA + 0x80000) was recorded as a translation fault */
static void dma_faults(Guest *g)
{
    int (*pop)(GuestFault *) = (int (*)(GuestFault *))
        (uintptr_t)cr_symbol_lookup(&core, "smmu_hw_pop_fault");
    GuestFault f;
    unsigned k, n = 0;

    check(pop != NULL, "smmu_hw_pop_fault exported");
    while (pop && pop(&f) && n < 16) {
        bool known = false;

        out("# fault: sid %u addr 0x%llx code 0x%x\n", f.sid,
            (unsigned long long)f.addr, f.code);
        for (k = 0; k < g->n_ep; k++) {
            known |= f.sid == g->ep[k]->fw.sid && f.translation &&
                     f.addr == 0x10000000ull + k * 0x100000 + 0x80000;
        }
        check(known, "a translation fault at an endpoint's unmapped IOVA");
        n++;
    }
    check(n == g->n_ep, "one fault per endpoint");
}

/*
 * A driver that programs the SMMU (smmuv3-hw.o: stream table, context
 * descriptors, page tables, command queue; smmuv2-hw.o: stream match
 * registers, S2CRs, context banks) and one that makes each smmu-testdev
 * DMA through it (testdev.o): a pattern written into a buffer mapped in
 * the default domain lands there, reads back, and an unmapped IOVA fails.
 */
static void scn_dma(Guest *g, int granule_kb)
{
    CrModule *hw = NULL, *td = NULL;
    const int *results;
    int *granule;
    unsigned k;

    out("# granule %d KiB\n", granule_kb);
    check(load_module(g->v2 ? "smmuv2-hw.o" : "smmuv3-hw.o", &hw) == 0,
          "load the SMMU driver");
    granule = cr_symbol_lookup(&core, "smmu_hw_granule_kb");
    check(granule != NULL, "smmu_hw_granule_kb exported");
    if (granule) {
        *granule = granule_kb;       /* for the domains made from now on */
    }
    for (k = 0; k < g->smmus; k++) {
        check(g->smmu[k]->driver != NULL, "each SMMU probed (reset, enabled)");
    }
    check(load_module("testdev.o", &td) == 0, "load smmu_testdev");
    for (k = 0; k < g->n_ep; k++) {
        check(cr_device_add(&core, g->ep[k]) == 0, "add the endpoint");
    }
    results = cr_symbol_lookup(&core, "testdev_results");
    for (k = 0; results && k < g->n_ep; k++) {
        out("# %s: DMA through the SMMU %s (%d)\n", g->ep[k]->name,
            results[k] == 1 ? "ok" : "failed", results[k]);
        check(results[k] == 1, "DMA through the SMMU");
    }
    check(results != NULL, "testdev_results exported");
    dma_faults(g);
    for (k = 0; k < g->n_ep; k++) {
        cr_device_remove(&core, g->ep[k]);
    }
    check(cr_module_unload(&core, td, 0) == 0, "unload smmu_testdev");
    check(cr_module_unload(&core, hw, 0) == 0, "unload the SMMU driver");
    check(mod_live == 0, "no module memory left");
    check(dma_live == 0, "no DMA memory left");
}

/*
 * While not 0: the address of an SMMUv3's CMDQ_PROD whose next write
 * first finds the command it publishes given opcode 0, which is
 * reserved (IHI 0070 4.1: the SMMU refuses it with CERROR_ILL).  The
 * guest's register writes go through refusing_write() meanwhile.
 */
static uint64_t refuse_at_prod;

#define SMMUV3_CMDQ_BASE 0x90
#define SMMUV3_CMDQ_PROD 0x98
#define SMMUV3_GERROR    0x60
#define SMMUV3_GERRORN   0x64

static void refusing_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    if (addr == refuse_at_prod) {
        /* CMDQ_BASE: ADDR [51:5], LOG2SIZE [4:0]; 16 bytes a command */
        uint64_t base = *(volatile uint64_t *)(uintptr_t)
            (addr - SMMUV3_CMDQ_PROD + SMMUV3_CMDQ_BASE);
        uint64_t index = (val - 1) & ((1ull << (base & 0x1f)) - 1);
        uint64_t *cmd = (uint64_t *)(uintptr_t)
            ((base & 0xfffffffffffe0ull) + index * 16);

        cmd[0] &= ~0xffull;
        __asm__ volatile("dsb sy" ::: "memory");
        refuse_at_prod = 0;
    }
    if (size == 8) {
        *(volatile uint64_t *)(uintptr_t)addr = val;
    } else {
        *(volatile uint32_t *)(uintptr_t)addr = (uint32_t)val;
    }
}

/*
 * On arm-smmuv3-ext, a command the SMMU refuses: smmuv3-hw.o must skip
 * it and restart the stopped queue, as Linux's arm_smmu_cmdq_skip_err()
 * does.  The first CFGI_STE of the first endpoint's attach is given a
 * reserved opcode: that attach fails (WARN ATTACH_FAILED) and its DMA
 * with it, the error is acknowledged (GERROR equals GERRORN again), and
 * once the endpoint is added again its DMA goes through the SMMU.
 */
static void scn_refused_command(Guest *g)
{
    CrDevice *ep = g->ep[0], *smmu;
    CrModule *hw = NULL, *td = NULL;
    const int *results;
    char line[64];

    smmu = ep->fw.present ? g->smmu[ep->fw.fwnode[1] - 'A'] : NULL;
    check(smmu != NULL, "the endpoint's SMMU");
    if (!smmu) {
        return;
    }
    check(load_module("smmuv3-hw.o", &hw) == 0, "load smmuv3-hw");
    check(load_module("testdev.o", &td) == 0, "load smmu_testdev");
    results = cr_symbol_lookup(&core, "testdev_results");
    check(results != NULL, "testdev_results exported");
    cr_log_clear(&core);
    core.mmio = (CrMmio){ NULL, refusing_write, NULL };
    refuse_at_prod = smmu->mmio + SMMUV3_CMDQ_PROD;
    check(cr_device_add(&core, ep) == 0, "add the endpoint");
    core.mmio = (CrMmio){ NULL, NULL, NULL };
    check(refuse_at_prod == 0, "a command was refused");
    refuse_at_prod = 0;
    cr_fmt(line, sizeof(line), "WARN ATTACH_FAILED %s %d", ep->name,
           ep->group ? ep->group->id : -1);
    check(cr_log_count(&core, line) == 1, "its attach failed");
    check(results && results[0] != 1, "no DMA through an unset STE");
    check((cr_mmio_read32(&core, smmu->mmio + SMMUV3_GERROR) ^
           cr_mmio_read32(&core, smmu->mmio + SMMUV3_GERRORN)) == 0,
          "the command queue error acknowledged");
    cr_device_remove(&core, ep);
    check(cr_device_add(&core, ep) == 0 && results && results[0] == 1,
          "added again: DMA through the SMMU");
    out("# %s: DMA through the SMMU after the refused command %s\n",
        ep->name, results && results[0] == 1 ? "ok" : "failed");
    cr_device_remove(&core, ep);
    check(cr_module_unload(&core, td, 0) == 0, "unload smmu_testdev");
    check(cr_module_unload(&core, hw, 0) == 0, "unload smmuv3-hw");
    check(mod_live == 0 && dma_live == 0, "no module or DMA memory left");
}

/* The endpoint behind SMMU @fw ("FA", "FB"), or NULL */
static CrDevice *ep_behind(Guest *g, const char *fw)
{
    unsigned k;

    for (k = 0; k < g->n_ep; k++) {
        if (g->ep[k]->fw.present && cr_streq(g->ep[k]->fw.fwnode, fw)) {
            return g->ep[k];
        }
    }
    return NULL;
}

/*
 * The SMMU ("FA" or "FB") whose endpoint's StreamID lies outside its
 * first level-2 stream-table span (256 StreamIDs): on the pxb-pcie, the
 * endpoint behind the root port (bus 0x81) after the root port itself
 * (bus 0x80).  Its replay makes two level-2 tables.  NULL when none.
 */
static const char *smmu_with_two_spans(Guest *g)
{
    unsigned k;

    for (k = 0; k < g->n_ep; k++) {
        if (g->ep[k]->fw.present && g->ep[k]->fw.sid >= 256 &&
            g->ep[k]->fw.sid % 256 == 0) {
            return g->ep[k]->fw.fwnode;
        }
    }
    return NULL;
}

/* The instance name smmuv3-hw gives the SMMU at @mmio (Linux's) */
static void smmu3_name(char *buf, uint64_t mmio)
{
    static const char hex[] = "0123456789abcdef";
    unsigned i;

    cr_strlcpy(buf, "smmu3.0x", 9);
    for (i = 0; i < 16; i++) {
        buf[8 + i] = hex[mmio >> (60 - 4 * i) & 15];
    }
    buf[24] = '\0';
}

/*
 * SCN-6 on hardware: two SMMUs driven by smmuv3-hw.o, one's registration
 * failing part-way through its replay.  Its second DMA allocation fails:
 * the level-2 stream table for the endpoint behind the pxb-pcie root
 * port, after the root port's own was made and the root port attached.  It must leave exactly nothing behind (no group,
 * domain, module reference or DMA memory, its SMMU off), and the first
 * SMMU's endpoint must keep its group, its driver and its DMA.  Once the
 * cause is gone, the second SMMU probes again and its endpoint binds.
 * F_ATTACH_AT_ADD is on for this test: without it the replay attaches
 * nothing (spec 0.2), so there would be nothing to fail part-way.
 */
static void scn_second_smmu_fails(Guest *g)
{
    const char *fw_b = smmu_with_two_spans(g);
    unsigned flags = core.flags, dma0, k;
    CrModule *hw = NULL, *td = NULL;
    CrDevice *a, *b, *smmu_b;
    const int *results;
    CrAllocStats s0;
    CrGroup *a_group;
    char name[32], line[80];

    check(fw_b != NULL, "an SMMU with an endpoint behind a root port");
    if (!fw_b) {
        return;
    }
    smmu_b = g->smmu[fw_b[1] - 'A'];
    a = ep_behind(g, fw_b[1] == 'A' ? "FB" : "FA");
    b = ep_behind(g, fw_b);
    check(a && b, "an endpoint behind each SMMU");
    if (!a || !b) {
        return;
    }
    smmu3_name(name, smmu_b->mmio);
    core.flags = CR_FLAGS_DEFAULT | (flags & CR_F_FORCE_UNLOAD);
    cr_device_remove(&core, smmu_b);             /* added again below */
    for (k = 0; k < g->n_fn; k++) {
        check(cr_device_add(&core, g->fn[k]) == 0, "add a PCI function");
    }
    check(load_module("smmuv3-hw.o", &hw) == 0, "load smmuv3-hw");
    check(load_module("testdev.o", &td) == 0, "load smmu_testdev");
    results = cr_symbol_lookup(&core, "testdev_results");
    check(results && a->driver && results[0] == 1,
          "the first SMMU's endpoint bound, its DMA through the SMMU");
    check(!b->driver && b->deferred == CR_DEFER_PENDING,
          "the second SMMU's endpoint waits for it");
    a_group = a->group;
    s0 = core.alloc;
    dma0 = dma_live;
    cr_log_clear(&core);

    dma_fail_in = 2;
    check(cr_device_add(&core, smmu_b) == 0, "add the second SMMU");
    check(dma_fail_in == 0, "the second allocation failed");
    dma_fail_in = 0;
    print_log("the second SMMU's probe");
    cr_fmt(line, sizeof(line), "PROBE_FAIL %s arm-smmu-v3 12", smmu_b->name);
    check(cr_log_count(&core, line) == 1, "its probe failed with -ENOMEM");
    cr_fmt(line, sizeof(line), "IOMMU_REG_FAIL %s -12", name);
    check(cr_log_count(&core, line) == 1, "its registration failed");
    cr_fmt(line, sizeof(line), "IOMMU_UNREG %s", name);
    check(cr_log_count(&core, line) == 1, "then it was unregistered");
    check(!smmu_b->driver && smmu_b->deferred == CR_DEFER_NONE,
          "unbound, not deferred");
    check(core.n_iommu_list == 1, "one instance registered");
    check(core.alloc.live_groups == s0.live_groups &&
          core.alloc.live_domains == s0.live_domains &&
          core.alloc.live_iommu_devs == s0.live_iommu_devs &&
          core.alloc.live_links == s0.live_links &&
          core.alloc.live_mirrors == s0.live_mirrors,
          "no group, domain, device record or link of it left");
    check(dma_live == dma0, "its DMA memory (stream tables) all back");
    check(cr_mmio_read32(&core, smmu_b->mmio + 0x20) == 0, "its SMMU off");
    for (k = 0; k < g->n_fn; k++) {
        if (g->fn[k]->fw.present && cr_streq(g->fn[k]->fw.fwnode, fw_b)) {
            check(!g->fn[k]->group && !g->fn[k]->iommu,
                  "nothing attached to it");
        }
    }
    check(a->driver && a->group == a_group, "the first SMMU's endpoint kept");
    cr_device_remove(&core, a);                  /* its DMA once more */
    check(cr_device_add(&core, a) == 0 && a->driver && results[0] == 1,
          "the first SMMU still translates");

    cr_device_remove(&core, smmu_b);
    check(cr_device_add(&core, smmu_b) == 0 && smmu_b->driver,
          "the second SMMU probes once the cause is gone");
    check(b->driver && results[1] == 1, "its endpoint's DMA through it");
    for (k = g->n_fn; k-- > 0;) {                /* bridges' buses first */
        cr_device_remove(&core, g->fn[k]);
    }
    check(cr_module_unload(&core, td, 0) == 0, "unload smmu_testdev");
    check(cr_module_unload(&core, hw, 0) == 0, "unload smmuv3-hw");
    core.flags = flags;
    check(mod_live == 0 && dma_live == 0, "no module or DMA memory left");
}

void cr_guest_main(void)
{
    Guest *g = &guest;
    const void *fdt = (const void *)(uintptr_t)RAM_BASE;
    unsigned k;
    bool dt;

    cr_test_core_ref_main(0, NULL);              /* registers the tests */
    out("KTAP version 1\n1..%u\n", 11 + cr_guest_scenarios());
    if (fdt_check_header(fdt)) {
        cr_guest_panic("no device tree at the start of RAM");
    }
    mmu_on(256ull << 20);
    cr_core_init(&core, CR_PROFILE_LINUX_6_12);
    core.module_mem = (CrModuleMem){ mod_alloc, mod_free, NULL,
                                     CR_EM_AARCH64, mod_sync };
    core.dma_mem = (CrDmaMem){ dma_alloc, dma_free, NULL };
    g->c = &core;
    g->fdt = fdt;
    g->plat = cr_bus_new(&core, "platform");
    g->pci = cr_bus_new(&core, "pci");
    dt = dt_smmus(g);
    check(dt, "an SMMU in the device tree");
    for (k = 0; k < g->smmus; k++) {
        check(cr_device_add(&core, g->smmu[k]) == 0, "SMMU device");
    }
    ktap_result("device-tree");
    check(dt && pci_enumerate(g), "PCI functions behind the SMMU");
    ktap_result("pci-enumeration");
    if (!dt || !g->n_ep) {
        cr_guest_panic("nothing to test");
    }
    scn_load(g);
    ktap_result("modules-load-and-bind");
    scn_unload_refused(g);
    ktap_result("unload-refused");
    scn_reload(g);
    ktap_result("remove-unload-reload");
    scn_cycles(g);
    scn_unknown_symbol(g);
    ktap_result("cycles-and-unknown-symbol");
    check(cr_module_unload(&core, g->ep_mod, 0) == 0, "unload epmod");
    g->ep_mod = NULL;
    scn_dma(g, 4);
    ktap_result("dma-through-smmu-4k");
    scn_dma(g, 16);
    ktap_result("dma-through-smmu-16k");
    scn_dma(g, 64);
    ktap_result("dma-through-smmu-64k");
    if (!g->v2) {
        scn_refused_command(g);
        ktap_result("refused-command-skipped");
    } else {
        ktap_skip("refused-command-skipped", "an SMMUv3 test");
    }
    if (g->smmus == 2 && !g->v2) {
        scn_second_smmu_fails(g);
        ktap_result("second-smmu-fails-mid-registration");
    } else {
        ktap_skip("second-smmu-fails-mid-registration",
                  "needs two SMMUv3s");
    }
    cr_guest_run_scenarios(ktap_n + 1);
    power_off();
}
