/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-ref's SMMU driver modules (core-ref/modules/smmuv3-hw.c,
 * smmuv2-hw.c, built for this host) on models/ as the hardware: their
 * register accesses go to an Sm3 or Sm2 instance (CrCore.mmio), the
 * tables and queues they write in module memory are what the model
 * reads (SmHost, physical address = host address, within the memory
 * given to modules and the test's buffer only), and the test asks the
 * model what it translates, as a device's DMA would.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cr.h"
#include "sm2.h"
#include "sm3.h"

#define SMMU_BASE   0x09100000ull
#define IOVA        0x10000000ull
#define MAP_BYTES   0x10000          /* each device's mapping: 64 KiB */
#define BUF_BYTES   (2 * MAP_BYTES)

typedef struct Region {
    uint64_t start, size;
} Region;

typedef struct Hw {
    CrCore *c;
    CrBus *plat, *pci;
    Sm3 *s3;
    Sm2 *s2;
    uint64_t mmio_size;
    Region mem[64];                  /* what the model may read or write */
    unsigned n_mem;
    unsigned mem_live;
    CrDevice *smmu, *ep[2];
    uint8_t *buf;
    /* The next CMDQ_PROD write finds its last command with opcode 0 */
    bool refuse_next_cmd;
    /* Register @stuck_reg reads @stuck_val (a device that never answers) */
    uint64_t stuck_reg;
    uint32_t stuck_val;
    /* The clock drivers time out on: cr_time_ns() calls, 10 us each */
    uint64_t clock_calls;
} Hw;

static Hw *the_hw;

/* ---- Module memory, and the memory the model sees ------------------------ */

/* Memory the model may reach: recorded when handed out, dropped when freed */
static void *hw_region_add(Hw *hw, void *p, size_t size)
{
    if (p) {
        g_assert_cmpuint(hw->n_mem, <, G_N_ELEMENTS(hw->mem));
        hw->mem[hw->n_mem++] = (Region){ (uintptr_t)p, size };
        hw->mem_live++;
    }
    return p;
}

static void hw_region_del(Hw *hw, void *p)
{
    unsigned i;

    for (i = 0; i < hw->n_mem; i++) {
        if (hw->mem[i].start == (uintptr_t)p) {
            hw->mem[i] = hw->mem[--hw->n_mem];
            break;
        }
    }
    hw->mem_live--;
}

/* Module memory: mapped executable */
static void *mem_alloc(void *opaque, size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return hw_region_add(opaque, p == MAP_FAILED ? NULL : p, size);
}

static void mem_free(void *opaque, void *p, size_t size)
{
    hw_region_del(opaque, p);
    munmap(p, size);
}

/* DMA memory: aligned heap memory */
static void *dma_alloc(void *opaque, size_t size, size_t align)
{
    void *p = NULL;

    if (posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align,
                       size)) {
        p = NULL;
    }
    return hw_region_add(opaque, p, size);
}

static void dma_free(void *opaque, void *p, size_t size)
{
    hw_region_del(opaque, p);
    free(p);
}

/* @pa..@pa+@len is module memory, DMA memory or the test's buffer */
static bool hw_mem_ok(const Hw *hw, uint64_t pa, size_t len)
{
    unsigned i;

    if (pa >= (uintptr_t)hw->buf && pa + len <= (uintptr_t)hw->buf + BUF_BYTES) {
        return true;
    }
    for (i = 0; i < hw->n_mem; i++) {
        if (pa >= hw->mem[i].start &&
            pa + len <= hw->mem[i].start + hw->mem[i].size) {
            return true;
        }
    }
    return false;
}

static SmBusResult bus_read(void *opaque, uint64_t pa, void *buf, size_t len,
                            SmAttrs attrs)
{
    if (!hw_mem_ok(opaque, pa, len)) {
        return SM_BUS_ERROR;
    }
    memcpy(buf, (void *)(uintptr_t)pa, len);
    return SM_BUS_OK;
}

static SmBusResult bus_write(void *opaque, uint64_t pa, const void *buf,
                             size_t len, SmAttrs attrs)
{
    if (!hw_mem_ok(opaque, pa, len)) {
        return SM_BUS_ERROR;
    }
    memcpy((void *)(uintptr_t)pa, buf, len);
    return SM_BUS_OK;
}

/* ---- Register accesses: the model's frame at SMMU_BASE -------------------- */

#define SM3_CMDQ_BASE   0x90
#define SM3_CMDQ_PROD   0x98
#define SM3_CMDQ_CONS   0x9c
#define SM3_GERROR      0x60
#define SM3_GERRORN     0x64
#define SM2_STLBGSTATUS 0x74
#define SM3_CR0ACK      0x24

/*
 * The command before CMDQ_PROD's new value @prod, as the SMMU will read
 * it, given opcode 0 (reserved: CERROR_ILL).  CMDQ_BASE says where the
 * queue is (ADDR [51:5], LOG2SIZE [4:0]); 16 bytes per command.
 */
static void hw_refuse_last_cmd(Hw *hw, uint64_t prod)
{
    uint64_t base = sm3_mmio_read(hw->s3, SM3_CMDQ_BASE, 8);
    uint64_t entries = 1ull << (base & 0x1f);
    uint64_t *cmd = (uint64_t *)(uintptr_t)
        ((base & 0xfffffffffffe0ull) + ((prod - 1) & (entries - 1)) * 16);

    g_assert_true(hw_mem_ok(hw, (uintptr_t)cmd, 16));
    cmd[0] &= ~0xffull;
}

/* cr_time_ns() of the tests: 10 microseconds pass at each call */
static uint64_t hw_clock(void *opaque)
{
    Hw *hw = opaque;

    return ++hw->clock_calls * 10000;
}

static uint64_t mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    Hw *hw = opaque;

    if (addr < SMMU_BASE || addr - SMMU_BASE >= hw->mmio_size) {
        return UINT64_MAX;
    }
    if (hw->stuck_reg && addr == SMMU_BASE + hw->stuck_reg) {
        return hw->stuck_val;
    }
    return hw->s3 ? sm3_mmio_read(hw->s3, addr - SMMU_BASE, size)
                  : sm2_mmio_read(hw->s2, addr - SMMU_BASE, size);
}

static void mmio_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
{
    Hw *hw = opaque;

    if (addr < SMMU_BASE || addr - SMMU_BASE >= hw->mmio_size) {
        return;
    }
    if (hw->s3) {
        if (hw->refuse_next_cmd && addr - SMMU_BASE == SM3_CMDQ_PROD) {
            hw_refuse_last_cmd(hw, val);
            hw->refuse_next_cmd = false;
        }
        sm3_mmio_write(hw->s3, addr - SMMU_BASE, val, size);
        while (sm3_has_pending_work(hw->s3)) {
            sm3_process_commands(hw->s3, 256);
        }
    } else {
        sm2_mmio_write(hw->s2, addr - SMMU_BASE, val, size);
    }
}

/* ---- The endpoints' driver: maps the buffer into the default domain ------ */

static int ep_probe(CrCore *c, CrDevice *dev)
{
    unsigned k = dev == the_hw->ep[1];

    return cr_iommu_map(c, dev, IOVA + k * 0x100000,
                        (uintptr_t)the_hw->buf + k * MAP_BYTES, MAP_BYTES);
}

static Hw *hw_new(bool v2)
{
    Hw *hw = g_new0(Hw, 1);
    SmHost host = { .opaque = hw, .read = bus_read, .write = bus_write };
    CrDriver *ep;
    unsigned k;

    the_hw = hw;
    /* aligned for the largest granule */
    g_assert_cmpint(posix_memalign((void **)&hw->buf, MAP_BYTES, BUF_BYTES),
                    ==, 0);
    if (v2) {
        Sm2Config cfg = { .host = host };

        sm2_features_default(&cfg.features);
        hw->s2 = sm2_new(&cfg);
        hw->mmio_size = sm2_mmio_size(hw->s2);
    } else {
        Sm3Config cfg = { .host = host, .cmdq_batch = 256 };

        cfg.features = (Sm3Features){
            .stage1 = true, .two_level_st = true,
            .granules = SM3_GRAN_4K | SM3_GRAN_16K | SM3_GRAN_64K,
            .oas_bits = 48,
            .sidsize = 16, .cmdqs = 10, .eventqs = 10,
        };
        hw->s3 = sm3_new(&cfg);
        hw->mmio_size = 0x20000;     /* two 64 KiB register pages */
    }
    g_assert_true(hw->s3 || hw->s2);
    hw->c = g_malloc0(sizeof(CrCore));
    cr_core_init(hw->c, CR_PROFILE_LINUX_6_12);
    hw->c->module_mem = (CrModuleMem){ mem_alloc, mem_free, hw,
                                       CR_EM_X86_64 };
    hw->c->mmio = (CrMmio){ mmio_read, mmio_write, hw };
    hw->c->dma_mem = (CrDmaMem){ dma_alloc, dma_free, hw };
    hw->c->clock = (CrClock){ hw_clock, hw };
    hw->plat = cr_bus_new(hw->c, "platform");
    hw->pci = cr_bus_new(hw->c, "pci");
    hw->smmu = cr_device_new(hw->c, hw->plat, "smmuA",
                             v2 ? "arm,mmu-500" : "arm,smmu-v3", NULL);
    hw->smmu->mmio = SMMU_BASE;
    g_assert_cmpint(cr_device_add(hw->c, hw->smmu), ==, 0);
    for (k = 0; k < 2; k++) {
        hw->ep[k] = cr_device_new(hw->c, hw->pci, k ? "0000:00:02.0"
                                                    : "0000:00:01.0",
                                  "hwtest", NULL);
        cr_device_set_fw(hw->ep[k], "FA", 8 * (k + 1));
    }
    ep = cr_driver_new(hw->c, hw->pci, "hwtest", "hwtest", NULL);
    ep->probe = ep_probe;
    g_assert_cmpint(cr_driver_register(hw->c, ep), ==, 0);
    return hw;
}

static void hw_free(Hw *hw)
{
    g_assert_cmpstr(cr_violations(hw->c), ==, "");
    g_assert_cmpuint(hw->mem_live, ==, 0);
    if (hw->s3) {
        sm3_free(hw->s3);
    } else {
        sm2_free(hw->s2);
    }
    free(hw->buf);
    g_free(hw->c);
    g_free(hw);
}

static CrModule *load_driver(Hw *hw, const char *file)
{
    g_autofree gchar *path = g_build_filename(g_getenv("CORE_REF_MODULES"),
                                              file, NULL);
    g_autofree gchar *img = NULL;
    CrModule *m = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(path, &img, &len, NULL));
    if (cr_module_load_elf(hw->c, img, len, &m)) {
        g_printerr("%s", cr_log_text(hw->c));
        g_assert_not_reached();
    }
    return m;
}

/* smmu-hw.h's record of a fault, as the driver modules export it */
typedef struct Fault {
    uint32_t sid;
    uint64_t addr;
    uint32_t code;
    bool translation;
} Fault;

/* The fault the driver read back for the last bad access: 1 if one */
static int pop_fault(Hw *hw, Fault *f)
{
    int (*pop)(Fault *) = (int (*)(Fault *))(uintptr_t)
        cr_symbol_lookup(hw->c, "smmu_hw_pop_fault");

    g_assert_nonnull(pop);
    return pop(f);
}

/* What the model makes of a DMA write by @sid at @iova: the PA (the
 * IOVA itself when bypassed), or ~0 when it faults or aborts */
static uint64_t dma_pa(Hw *hw, uint32_t sid, uint64_t iova)
{
    if (hw->s3) {
        Sm3Request req = { .sid = sid, .iova = iova, .size = 4,
                           .write = true };
        Sm3Xlate r = sm3_translate(hw->s3, &req);

        return r.outcome == SM3_XLATE_OK ? r.pa
               : r.outcome == SM3_XLATE_BYPASS ? iova : UINT64_MAX;
    } else {
        Sm2Request req = { .sid = sid, .iova = iova, .write = true };
        Sm2Xlate r = sm2_translate(hw->s2, &req);

        return r.outcome == SM2_XLATE_OK || r.outcome == SM2_XLATE_BYPASS
               ? r.pa : UINT64_MAX;
    }
}

/* The driver loaded, both endpoints added and bound: their domains made */
static CrModule *hw_up(Hw *hw, bool v2, int granule_kb)
{
    CrModule *m = load_driver(hw, v2 ? "smmuv2-hw.o" : "smmuv3-hw.o");
    int *granule = cr_symbol_lookup(hw->c, "smmu_hw_granule_kb");
    unsigned k;

    g_assert_nonnull(granule);
    *granule = granule_kb;           /* the domains made from now on */
    g_assert_nonnull(hw->smmu->driver);          /* reset and enabled */
    for (k = 0; k < 2; k++) {
        g_assert_cmpint(cr_device_add(hw->c, hw->ep[k]), ==, 0);
        g_assert_nonnull(hw->ep[k]->driver);
    }
    return m;
}

static void hw_driver_run(bool v2, int granule_kb)
{
    Hw *hw = hw_new(v2);
    CrCore *c = hw->c;
    uint64_t buf = (uintptr_t)hw->buf;
    CrModule *m = hw_up(hw, v2, granule_kb);
    CrGroup *g;
    /* each device's default domain: its half of the buffer, page by page */
    g_assert_cmphex(dma_pa(hw, 8, IOVA), ==, buf);
    g_assert_cmphex(dma_pa(hw, 8, IOVA + 0x1abc), ==, buf + 0x1abc);
    g_assert_cmphex(dma_pa(hw, 8, IOVA + 0xfffc), ==, buf + 0xfffc);
    g_assert_cmphex(dma_pa(hw, 16, IOVA + 0x100000), ==, buf + MAP_BYTES);
    g_assert_cmphex(dma_pa(hw, 16, IOVA + 0x100000 + 0x5ffc), ==,
                    buf + MAP_BYTES + 0x5ffc);
    /* not mapped: a translation fault the driver reads back */
    g_assert_cmphex(dma_pa(hw, 8, IOVA + MAP_BYTES), ==, UINT64_MAX);
    {
        Fault f;

        g_assert_cmpint(pop_fault(hw, &f), ==, 1);
        g_assert_cmpuint(f.sid, ==, 8);
        g_assert_cmphex(f.addr, ==, IOVA + MAP_BYTES);
        g_assert_true(f.translation);
        g_assert_cmpint(pop_fault(hw, &f), ==, 0);
    }
    /* not this device's mapping, or no device at all */
    g_assert_cmphex(dma_pa(hw, 8, IOVA + 0x100000), ==, UINT64_MAX);
    g_assert_cmphex(dma_pa(hw, 24, IOVA), ==, UINT64_MAX);
    /* owned by user space: the blocking domain stops the device */
    g = hw->ep[0]->group;
    cr_user_unbind(c, hw->ep[0]);
    g_assert_cmpint(cr_group_claim(c, g, "vfio"), ==, 0);
    g_assert_cmphex(dma_pa(hw, 8, IOVA), ==, UINT64_MAX);
    cr_group_release(c, g);
    g_assert_cmphex(dma_pa(hw, 8, IOVA), ==, buf);
    /* identity: the device's addresses pass through */
    g_assert_cmpint(cr_store_type(c, g, CR_DOM_IDENTITY), ==, 0);
    g_assert_cmphex(dma_pa(hw, 8, IOVA), ==, IOVA);
    /* released: nothing translates for it any more */
    cr_device_remove(c, hw->ep[0]);
    g_assert_cmphex(dma_pa(hw, 8, IOVA), ==, UINT64_MAX);
    g_assert_cmphex(dma_pa(hw, 16, IOVA + 0x100000), ==, buf + MAP_BYTES);
    cr_device_remove(c, hw->ep[1]);
    g_assert_cmpint(cr_module_unload(c, m, 0), ==, 0);
    g_assert_null(hw->smmu->driver);
    hw_free(hw);
}

/*
 * Two live domains never share an ASID, however many came and went
 * before: otherwise one device's DMA would hit the other's TLB entries.
 * The first endpoint's default domain is made again 65536 times (one
 * more trip round a 16-bit ASID counter than the two first domains
 * took: a counter would give it the second endpoint's ASID, with 8 or
 * 16 ASID bits), then the second endpoint's DMA fills the TLB and the
 * first endpoint's DMA to the same IOVA must fault, not hit it.
 */
static void test_smmuv3_live_domains_asids_differ(void)
{
    Hw *hw = hw_new(false);
    CrCore *c = hw->c;
    CrModule *m = hw_up(hw, false, 4);
    uint64_t iova1 = IOVA + 0x100000;  /* the second endpoint's mapping */
    CrGroup *g = hw->ep[0]->group;
    unsigned i;

    cr_user_unbind(c, hw->ep[0]);
    for (i = 0; i < 65536; i++) {
        g_assert_cmpint(cr_store_type(c, g, CR_DOM_IDENTITY), ==, 0);
        g_assert_cmpint(cr_store_type(c, g, CR_DOM_DMA), ==, 0);
    }
    g_assert_cmphex(dma_pa(hw, 16, iova1), ==,
                    (uintptr_t)hw->buf + MAP_BYTES);
    g_assert_cmphex(dma_pa(hw, 8, iova1), ==, UINT64_MAX);
    cr_device_remove(c, hw->ep[0]);
    cr_device_remove(c, hw->ep[1]);
    g_assert_cmpint(cr_module_unload(c, m, 0), ==, 0);
    hw_free(hw);
}

/*
 * A command the SMMU refuses stops its queue (CMDQ_CONS.ERR, GERROR.
 * CMDQ_ERR).  The driver skips it and restarts the queue, as Linux
 * does, and the operation it belonged to fails: here the first endpoint's
 * attach, whose first CFGI_STE gets a reserved opcode.  Nothing else is
 * lost: the other endpoint still translates, the error is acknowledged,
 * and once the endpoint is added again its DMA translates.
 */
static void test_smmuv3_refused_command_skipped(void)
{
    Hw *hw = hw_new(false);
    CrCore *c = hw->c;
    CrModule *m = hw_up(hw, false, 4);
    uint64_t buf = (uintptr_t)hw->buf;

    cr_device_remove(c, hw->ep[0]);
    cr_log_clear(c);
    hw->refuse_next_cmd = true;
    g_assert_cmpint(cr_device_add(c, hw->ep[0]), ==, 0);
    g_assert_false(hw->refuse_next_cmd);
    g_assert_cmpuint(cr_log_count(c, "WARN ATTACH_FAILED 0000:00:01.0 0"),
                     ==, 1);
    g_assert_cmphex(dma_pa(hw, 8, IOVA), ==, UINT64_MAX);
    g_assert_cmphex(sm3_mmio_read(hw->s3, SM3_GERROR, 4) ^
                    sm3_mmio_read(hw->s3, SM3_GERRORN, 4), ==, 0);
    g_assert_cmphex(dma_pa(hw, 16, IOVA + 0x100000), ==, buf + MAP_BYTES);
    cr_device_remove(c, hw->ep[0]);
    g_assert_cmpint(cr_device_add(c, hw->ep[0]), ==, 0);
    g_assert_cmphex(dma_pa(hw, 8, IOVA + 0x1abc), ==, buf + 0x1abc);
    cr_device_remove(c, hw->ep[0]);
    cr_device_remove(c, hw->ep[1]);
    g_assert_cmpint(cr_module_unload(c, m, 0), ==, 0);
    hw_free(hw);
}

/*
 * An SMMU that never answers: SMMUv3's CR0ACK never follows CR0,
 * SMMUv2's sTLBGSTATUS.GSACTIVE stays 1.  Each wait gives up after one
 * second of the clock (100000 of its 10 us steps, give or take the
 * calls around it), the probe fails with -ETIMEDOUT (110) and leaves
 * nothing behind (hw_free checks every byte of DMA memory is back).
 * SMMUv3 waits twice: the reset's wait for CR0ACK, then the failed
 * probe's, which must see the SMMU off before the memory it was given
 * is freed.
 */
static void test_wait_times_out(gconstpointer data)
{
    bool v2 = GPOINTER_TO_INT(data);
    Hw *hw = hw_new(v2);
    uint64_t waits = v2 ? 1 : 2;
    CrModule *m;

    hw->stuck_reg = v2 ? SM2_STLBGSTATUS : SM3_CR0ACK;
    hw->stuck_val = v2 ? 1 : 0xffffffffu;
    cr_log_clear(hw->c);
    m = load_driver(hw, v2 ? "smmuv2-hw.o" : "smmuv3-hw.o");
    g_assert_null(hw->smmu->driver);
    g_assert_cmpuint(cr_log_count(hw->c, v2 ? "PROBE_FAIL smmuA arm-smmu 110"
                                            : "PROBE_FAIL smmuA arm-smmu-v3 "
                                              "110"), ==, 1);
    g_assert_cmpuint(hw->clock_calls, >=, waits * 100000);
    g_assert_cmpuint(hw->clock_calls, <=, waits * 100000 + 10);
    g_assert_cmpint(cr_module_unload(hw->c, m, 0), ==, 0);
    hw_free(hw);
}

/* "v3-4", "v2-64", ...: the driver and the granule in KiB */
static void test_driver_on_the_model(gconstpointer data)
{
    const char *p = data;

    hw_driver_run(p[1] == '2', atoi(p + 3));
}

int main(int argc, char **argv)
{
    static const char *const runs[] = {
        "v3-4", "v3-16", "v3-64", "v2-4", "v2-16", "v2-64",
    };
    size_t i;

    g_test_init(&argc, &argv, NULL);
#ifdef __x86_64__
    for (i = 0; i < G_N_ELEMENTS(runs); i++) {
        g_autofree char *path = g_strdup_printf(
            "/core-ref/hw/smmu%.2s-driver-on-the-model/granule-%sk", runs[i],
            runs[i] + 3);

        g_test_add_data_func(path, runs[i], test_driver_on_the_model);
    }
    g_test_add_func("/core-ref/hw/smmuv3-live-domains-asids-differ",
                    test_smmuv3_live_domains_asids_differ);
    g_test_add_func("/core-ref/hw/smmuv3-refused-command-skipped",
                    test_smmuv3_refused_command_skipped);
    g_test_add_data_func("/core-ref/hw/smmuv3-wait-times-out",
                         GINT_TO_POINTER(false), test_wait_times_out);
    g_test_add_data_func("/core-ref/hw/smmuv2-wait-times-out",
                         GINT_TO_POINTER(true), test_wait_times_out);
#endif
    return g_test_run();
}
