/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real modules (the sources in core-ref/modules/, each one relocatable
 * ELF object) loaded by core-ref's own loader (cr-elf.c), linked against
 * the core's exports and each other's, run, unloaded, their memory given back.
 * x86-64 objects run on this host; AArch64 ones (the guest's CPU) are
 * linked and their relocated instructions decoded, as the Arm
 * architecture encodes them, back to the addresses they must reach.
 */
#include <glib.h>
#include <string.h>
#include <sys/mman.h>

#include "cr.h"

/* Module memory from mmap, executable, with its accounting */
typedef struct Mem {
    unsigned live;
    size_t live_bytes;
} Mem;

static void *mem_alloc(void *opaque, size_t size)
{
    Mem *m = opaque;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        return NULL;
    }
    m->live++;
    m->live_bytes += size;
    return p;
}

static void mem_free(void *opaque, void *p, size_t size)
{
    Mem *m = opaque;

    munmap(p, size);
    m->live--;
    m->live_bytes -= size;
}

typedef struct Mx {
    CrCore *c;
    Mem mem;
    CrBus *plat, *pci;
} Mx;

static Mx *mx_new(uint16_t machine)
{
    Mx *x = g_new0(Mx, 1);

    x->c = g_malloc0(sizeof(CrCore));
    cr_core_init(x->c, CR_FLAGS_DEFAULT);
    x->c->module_mem = (CrModuleMem){ mem_alloc, mem_free, &x->mem, machine };
    x->plat = cr_bus_new(x->c, "platform");
    x->pci = cr_bus_new(x->c, "pci");
    return x;
}

static void mx_free(Mx *x)
{
    g_assert_cmpstr(cr_violations(x->c), ==, "");
    g_free(x->c);
    g_free(x);
}

/* The object @file built by meson, or NULL (skipping) when absent. */
static gchar *module_image(const char *file, gsize *len)
{
    g_autofree gchar *path = g_build_filename(g_getenv("CORE_REF_MODULES"),
                                              file, NULL);
    gchar *img = NULL;

    if (!g_file_get_contents(path, &img, len, NULL)) {
        g_test_skip(path);
        return NULL;
    }
    return img;
}

static int load(Mx *x, const char *file, CrModule **m)
{
    gsize len;
    g_autofree gchar *img = module_image(file, &len);

    g_assert_nonnull(img);
    return cr_module_load_elf(x->c, img, len, m);
}

static CrModule *load_ok(Mx *x, const char *file)
{
    CrModule *m = NULL;

    g_assert_cmpint(load(x, file, &m), ==, 0);
    g_assert_nonnull(m);
    return m;
}

static bool loaded(Mx *x, const char *name)
{
    unsigned i;

    for (i = 0; i < CR_MAX_MODULES; i++) {
        if (x->c->modules[i].in_use && !strcmp(x->c->modules[i].name, name)) {
            return true;
        }
    }
    return false;
}

static void expect_log(Mx *x, const char *line)
{
    if (!cr_log_count(x->c, line)) {
        g_printerr("no \"%s\" in the log:\n%s", line, cr_log_text(x->c));
        g_test_fail();
    }
}

#ifdef __x86_64__
#define HOST_MACHINE CR_EM_X86_64
#define HOST_SUFFIX ".o"
#endif

/* smmu3 and epmod as modules: SCN-1, the refusal, 20 cycles, no leak. */
static void test_smmu_and_endpoint_modules(void)
{
    Mx *x = mx_new(HOST_MACHINE);
    CrCore *c = x->c;
    CrDevice *smmuA = cr_device_new(c, x->plat, "smmuA", "arm,smmu-v3", NULL);
    CrDevice *e1 = cr_device_new(c, x->pci, "e1", "ep", NULL);
    CrDevice *e2 = cr_device_new(c, x->pci, "e2", "ep", NULL);
    unsigned cycle;

    cr_device_set_fw(e1, "FA", 1);
    cr_device_set_fw(e2, "FA", 2);
    g_assert_cmpint(cr_device_add(c, smmuA), ==, 0);
    for (cycle = 0; cycle < 20; cycle++) {
        CrModule *smmu3 = load_ok(x, "smmu3" HOST_SUFFIX);
        CrModule *epmod;

        expect_log(x, "IOMMU_REG A");
        expect_log(x, "BOUND smmuA arm-smmu-v3");
        expect_log(x, "MOD smmu3 LIVE");
        epmod = load_ok(x, "epmod" HOST_SUFFIX);
        g_assert_cmpint(cr_device_add(c, e1), ==, 0);
        g_assert_cmpint(cr_device_add(c, e2), ==, 0);
        g_assert_nonnull(e1->driver);
        g_assert_cmpstr(e1->driver->name, ==, "epdrv");
        g_assert_cmpint(e1->group->id, ==, 0);
        g_assert_cmpint(e2->group->id, ==, 1);
        g_assert_cmpint(smmu3->refcnt, ==, 2);
        g_assert_cmpint(cr_module_unload(c, smmu3, 0), ==, -CR_EWOULDBLOCK);
        g_assert_cmpint(cr_module_unload(c, epmod, 0), ==, 0);
        g_assert_null(e1->driver);
        g_assert_false(loaded(x, "epmod"));
        g_assert_cmpuint(x->mem.live, ==, 1);
        cr_device_remove(c, e1);
        cr_device_remove(c, e2);
        g_assert_cmpint(cr_module_unload(c, smmu3, 0), ==, 0);
        g_assert_false(loaded(x, "smmu3"));
        g_assert_null(smmuA->driver);
        g_assert_cmpuint(x->mem.live, ==, 0);
        g_assert_cmpuint(x->mem.live_bytes, ==, 0);
        g_assert_cmpuint(c->alloc.live_groups + c->alloc.live_domains +
                         c->alloc.live_iommu_devs + c->alloc.live_mirrors,
                         ==, 0);
        cr_log_clear(c);
    }
    mx_free(x);
}

static void test_unknown_symbol(void)
{
    Mx *x = mx_new(HOST_MACHINE);
    CrModule *m = NULL;

    g_assert_cmpint(load(x, "missing" HOST_SUFFIX, &m), ==, -CR_ENOENT);
    g_assert_null(m);
    g_assert_cmpstr(cr_log_text(x->c), ==,
                    "UNKNOWN_SYMBOL missing not_exported_anywhere\n");
    g_assert_false(loaded(x, "missing"));
    g_assert_cmpuint(x->mem.live, ==, 0);
    mx_free(x);
}

/* A licence that is not GPL-compatible does not see GPL-only exports. */
static void test_gpl_only_export(void)
{
    Mx *x = mx_new(HOST_MACHINE);
    CrModule *m = NULL;

    g_assert_cmpint(load(x, "proprietary" HOST_SUFFIX, &m), ==, -CR_ENOENT);
    g_assert_cmpstr(cr_log_text(x->c), ==,
                    "UNKNOWN_SYMBOL proprietary cr_iommu_register\n");
    g_assert_cmpuint(x->mem.live, ==, 0);
    mx_free(x);
}

/* A module using another's export holds it (spec 2.1, 2.2 check 2). */
static void test_dependency_holds_the_provider(void)
{
    Mx *x = mx_new(HOST_MACHINE);
    CrModule *provider, *user = NULL;
    int *seen;

    g_assert_cmpint(load(x, "user" HOST_SUFFIX, &user), ==, -CR_ENOENT);
    expect_log(x, "UNKNOWN_SYMBOL user provider_answer");
    provider = load_ok(x, "provider" HOST_SUFFIX);
    g_assert_cmpint(provider->refcnt, ==, 0);
    user = load_ok(x, "user" HOST_SUFFIX);
    seen = cr_symbol_lookup(x->c, "user_seen");
    g_assert_nonnull(seen);
    g_assert_cmpint(*seen, ==, 42);          /* provider_answer(7) = 7 * 6 */
    g_assert_cmpint(provider->refcnt, ==, 1);
    g_assert_true(user->deps[0] == provider && user->n_deps == 1);
    g_assert_cmpint(cr_module_unload(x->c, provider, 0), ==,
                    -CR_EWOULDBLOCK);
    g_assert_cmpint(cr_module_unload(x->c, user, 0), ==, 0);
    g_assert_cmpint(provider->refcnt, ==, 0);
    g_assert_cmpint(cr_module_unload(x->c, provider, 0), ==, 0);
    g_assert_null(cr_symbol_lookup(x->c, "provider_answer"));
    g_assert_cmpuint(x->mem.live, ==, 0);
    mx_free(x);
}

/* Broken objects are refused, whatever the damage, and nothing leaks. */
static void test_bad_objects(void)
{
    Mx *x = mx_new(HOST_MACHINE);
    gsize len;
    g_autofree gchar *img = module_image("smmu3" HOST_SUFFIX, &len);
    g_autofree gchar *copy = g_memdup2(img, len);
    GRand *rand = g_rand_new_with_seed(11);
    CrElfLinked l;
    unsigned i, linked = 0;

    g_assert_cmpint(cr_elf_link(x->c, img, 0, &l), ==, -CR_ENOEXEC);
    g_assert_cmpint(cr_elf_link(x->c, img, 40, &l), ==, -CR_ENOEXEC);
    copy[16] = 2;                    /* ET_EXEC */
    g_assert_cmpint(cr_elf_link(x->c, copy, len, &l), ==, -CR_ENOEXEC);
    expect_log(x, "BAD_MODULE not a relocatable object");
    x->c->module_mem.machine = CR_EM_AARCH64;
    g_assert_cmpint(cr_elf_link(x->c, img, len, &l), ==, -CR_ENOEXEC);
    expect_log(x, "BAD_MODULE for another machine");
    x->c->module_mem.machine = HOST_MACHINE;
    for (i = 0; i < 3000; i++) {
        unsigned k, flips = g_rand_int_range(rand, 1, 5);

        memcpy(copy, img, len);
        for (k = 0; k < flips; k++) {
            copy[g_rand_int_range(rand, 0, (gint32)len)] ^=
                (gchar)g_rand_int_range(rand, 1, 256);
        }
        if (!cr_elf_link(x->c, copy, len, &l)) {
            linked++;                /* damage the loader cannot see */
            mem_free(&x->mem, l.mem, l.mem_size);
        }
        cr_log_clear(x->c);
    }
    g_test_message("%u of 3000 damaged objects still linked", linked);
    g_assert_cmpuint(x->mem.live, ==, 0);
    g_rand_free(rand);
    mx_free(x);
}

/* Linux's rules the loader follows beyond the basics */
static void test_linux_rules(void)
{
    Mx *x = mx_new(HOST_MACHINE);
    CrModule *m = NULL, *provider;
    gsize len;
    g_autofree gchar *img = module_image("epmod" HOST_SUFFIX, &len);
    CrElfLinked l;

    /* cr_symbol_lookup is GPL-only, like __symbol_get */
    g_assert_cmpint(load(x, "sneaky" HOST_SUFFIX, &m), ==, -CR_ENOENT);
    expect_log(x, "UNKNOWN_SYMBOL sneaky cr_symbol_lookup");
    /* a weak reference nobody exports is 0 */
    m = load_ok(x, "weak" HOST_SUFFIX);
    g_assert_cmpint(cr_module_unload(x->c, m, 0), ==, 0);
    /* a name exported twice is refused */
    provider = load_ok(x, "provider" HOST_SUFFIX);
    g_assert_cmpint(load(x, "duplicate" HOST_SUFFIX, &m), ==, -CR_ENOEXEC);
    expect_log(x, "BAD_MODULE a symbol exported twice");
    g_assert_cmpint(cr_module_unload(x->c, provider, 0), ==, 0);
    /* REL relocations (no addend) are refused, not skipped: every RELA
     * section's sh_type (offset 4 of its header) made SHT_REL */
    {
        g_autofree gchar *copy = g_memdup2(img, len);
        uint64_t shoff;
        uint16_t shnum, shentsize;
        unsigned k;

        memcpy(&shoff, copy + 40, 8);
        memcpy(&shentsize, copy + 58, 2);
        memcpy(&shnum, copy + 60, 2);
        for (k = 0; k < shnum; k++) {
            uint32_t *type = (uint32_t *)(copy + shoff + k * shentsize + 4);

            if (*type == 4) {
                *type = 9;           /* SHT_RELA -> SHT_REL */
            }
        }
        g_assert_cmpint(cr_elf_link(x->c, copy, len, &l), ==, -CR_ENOEXEC);
        expect_log(x, "BAD_MODULE REL relocations (only RELA are supported)");
    }
    g_assert_cmpuint(x->mem.live, ==, 0);
    mx_free(x);
}

/* ---- AArch64, decoded (Arm ARM: A64 instruction encodings) -------------- */

static const CrExport *export_of(const CrElfLinked *l, const char *name)
{
    unsigned i;

    for (i = 0; i < l->n_exports; i++) {
        if (!strcmp(l->exports[i].name, name)) {
            return &l->exports[i];
        }
    }
    g_assert_not_reached();
}

static uint64_t addr_of(const CrElfLinked *l, const char *name)
{
    return (uint64_t)(uintptr_t)export_of(l, name)->addr;
}

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* The first instruction of @fn matching (insn & mask) == want, its place */
static const uint32_t *find_insn(const CrElfLinked *l, const char *fn,
                                 uint32_t mask, uint32_t want)
{
    const uint32_t *p = export_of(l, fn)->addr;
    unsigned i;

    for (i = 0; i < 16; i++) {
        if ((p[i] & mask) == want) {
            return &p[i];
        }
    }
    g_printerr("%s: no instruction %08x/%08x\n", fn, want, mask);
    g_assert_not_reached();
}

/* ADRP: the 4 KiB page it makes, from its place */
static uint64_t adrp_page(const uint32_t *p)
{
    uint64_t imm = (((uint64_t)*p >> 5) & 0x7ffff) << 2 | ((*p >> 29) & 3);

    return ((uint64_t)(uintptr_t)p & ~0xfffull) +
           (uint64_t)(sext(imm, 21) << 12);
}

static void test_aarch64_relocations(void)
{
    Mx *x = mx_new(CR_EM_AARCH64);
    gsize len;
    g_autofree gchar *img = module_image("relocs.aarch64.o", &len);
    CrElfLinked l;
    const uint32_t *bl, *adrp, *add, *ldr;
    void *const *table;

    if (!img) {
        mx_free(x);
        return;
    }
    g_assert_cmpint(cr_elf_link(x->c, img, len, &l), ==, 0);
    g_assert_cmpstr(l.name, ==, "relocs");
    g_assert_true(l.gpl_compatible);
    g_assert_cmpuint(l.n_exports, ==, 6);
    /* ABS64: the table holds the two addresses */
    table = export_of(&l, "relocs_table")->addr;
    g_assert_cmphex((uintptr_t)table[0], ==, addr_of(&l, "relocs_target"));
    g_assert_cmphex((uintptr_t)table[1], ==, addr_of(&l, "relocs_counter"));
    g_assert_cmpint(*(int *)export_of(&l, "relocs_counter")->addr, ==, 5);
    /* CALL26: BL imm26, a word offset from the BL itself */
    bl = find_insn(&l, "relocs_call", 0xfc000000, 0x94000000);
    g_assert_cmphex((uintptr_t)bl + (uint64_t)(sext(*bl & 0x3ffffff, 26) * 4),
                    ==, addr_of(&l, "relocs_target"));
    /* ADR_PREL_PG_HI21 + ADD_ABS_LO12_NC: ADRP then ADD (immediate, 64) */
    adrp = find_insn(&l, "relocs_address", 0x9f000000, 0x90000000);
    add = find_insn(&l, "relocs_address", 0xffc00000, 0x91000000);
    g_assert_cmphex(adrp_page(adrp) + ((*add >> 10) & 0xfff), ==,
                    addr_of(&l, "relocs_counter"));
    /* ... + LDST32_ABS_LO12_NC: LDR Wt, [Xn, #imm12 * 4] */
    adrp = find_insn(&l, "relocs_load", 0x9f000000, 0x90000000);
    ldr = find_insn(&l, "relocs_load", 0xffc00000, 0xb9400000);
    g_assert_cmphex(adrp_page(ldr - (ldr - adrp)) +
                    ((*ldr >> 10) & 0xfff) * 4, ==,
                    addr_of(&l, "relocs_counter"));
    mem_free(&x->mem, l.mem, l.mem_size);
    mx_free(x);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#ifdef HOST_MACHINE
    g_test_add_func("/core-ref/modules/smmu-and-endpoint",
                    test_smmu_and_endpoint_modules);
    g_test_add_func("/core-ref/modules/unknown-symbol", test_unknown_symbol);
    g_test_add_func("/core-ref/modules/gpl-only-export",
                    test_gpl_only_export);
    g_test_add_func("/core-ref/modules/dependency",
                    test_dependency_holds_the_provider);
    g_test_add_func("/core-ref/modules/bad-objects", test_bad_objects);
    g_test_add_func("/core-ref/modules/linux-rules", test_linux_rules);
#endif
    g_test_add_func("/core-ref/modules/aarch64-relocations",
                    test_aarch64_relocations);
    return g_test_run();
}
