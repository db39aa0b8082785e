/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loadable modules: relocatable ELF64 objects (ET_REL) placed in memory
 * the environment provides (CrCore.module_mem), their undefined symbols
 * resolved against the core's exports and the loaded modules' exports
 * (EXPORT_SYMBOL / EXPORT_SYMBOL_GPL, with Linux's licence rule), their
 * RELA relocations applied (AArch64 for the guest, x86-64 for the host
 * build's tests), then loaded as any module (cr-module.c).  The object is
 * untrusted input: every offset, index and size is checked before use.
 */
#include "cr-internal.h"

/* ---- ELF64 (the System V gABI and the AArch64 / x86-64 psABIs) ----------- */

typedef struct CrEhdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} CrEhdr;

typedef struct CrShdr {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
} CrShdr;

typedef struct CrSym {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
} CrSym;

typedef struct CrRela {
    uint64_t offset, info;
    int64_t addend;
} CrRela;

#define CR_ET_REL       1
#define CR_SHT_SYMTAB   2
#define CR_SHT_RELA     4
#define CR_SHT_NOBITS   8
#define CR_SHT_REL      9
#define CR_SHF_ALLOC    2u
#define CR_SHN_UNDEF    0
#define CR_SHN_LORESERVE 0xff00
#define CR_SHN_ABS      0xfff1
#define CR_SHN_COMMON   0xfff2

#define CR_ELF_MAX_SECTIONS 64
#define CR_ELF_MAX_SYMBOLS  1024

/* ---- Reading the object ---------------------------------------------------- */

typedef struct CrElf {
    CrCore *c;
    const uint8_t *img;
    size_t size;
    const char *why;             /* the first error, for the log */
    const char *missing;         /* the symbol nobody exports */
    CrShdr sh[CR_ELF_MAX_SECTIONS];
    unsigned shnum;
    unsigned shstr;              /* section of the section names */
    uint64_t base[CR_ELF_MAX_SECTIONS];   /* where each ALLOC section went */
    uint8_t *mem;
    size_t mem_size;
    uint64_t sym[CR_ELF_MAX_SYMBOLS];
    unsigned nsym;
    unsigned symtab;             /* its section index */
    bool gpl;
    bool licensed;
    char name[CR_NAME];
    CrModule *deps[CR_MAX_DEPS];
    unsigned n_deps;
} CrElf;

static void cr_copy(void *dst, const void *src, size_t n)
{
    volatile uint8_t *d = dst;   /* not turned into a memcpy call */
    const uint8_t *s = src;

    while (n--) {
        *d++ = *s++;
    }
}

static bool cr_fail(CrElf *e, const char *why)
{
    if (!e->why) {
        e->why = why;
    }
    return false;
}

/* @len bytes at @off lie inside the image. */
static bool cr_in_image(const CrElf *e, uint64_t off, uint64_t len)
{
    return off <= e->size && len <= e->size - off;
}

static bool cr_read(CrElf *e, uint64_t off, void *dst, size_t len)
{
    if (!cr_in_image(e, off, len)) {
        return cr_fail(e, "truncated");
    }
    cr_copy(dst, e->img + off, len);
    return true;
}

/* The NUL-terminated string at @off of section @sec, or NULL. */
static const char *cr_string(const CrElf *e, unsigned sec, uint64_t off)
{
    const CrShdr *s;
    uint64_t i;

    if (sec >= e->shnum) {
        return NULL;
    }
    s = &e->sh[sec];
    if (s->type == CR_SHT_NOBITS || off >= s->size ||
        !cr_in_image(e, s->offset, s->size)) {
        return NULL;
    }
    for (i = off; i < s->size; i++) {
        if (!e->img[s->offset + i]) {
            return (const char *)e->img + s->offset + off;
        }
    }
    return NULL;
}

static bool cr_read_headers(CrElf *e)
{
    CrEhdr h;
    unsigned i;

    if (!cr_read(e, 0, &h, sizeof(h))) {
        return false;
    }
    if (h.ident[0] != 0x7f || h.ident[1] != 'E' || h.ident[2] != 'L' ||
        h.ident[3] != 'F' || h.ident[4] != 2 /* ELFCLASS64 */ ||
        h.ident[5] != 1 /* little endian */) {
        return cr_fail(e, "not a 64-bit little-endian ELF object");
    }
    if (h.type != CR_ET_REL) {
        return cr_fail(e, "not a relocatable object");
    }
    if (h.machine != e->c->module_mem.machine) {
        return cr_fail(e, "for another machine");
    }
    if (h.shentsize != sizeof(CrShdr) || h.shnum > CR_ELF_MAX_SECTIONS ||
        h.shstrndx >= h.shnum) {
        return cr_fail(e, "bad section table");
    }
    e->shnum = h.shnum;
    e->shstr = h.shstrndx;
    for (i = 0; i < e->shnum; i++) {
        if (!cr_read(e, h.shoff + (uint64_t)i * sizeof(CrShdr), &e->sh[i],
                     sizeof(CrShdr))) {
            return false;
        }
        if (e->sh[i].type != CR_SHT_NOBITS &&
            !cr_in_image(e, e->sh[i].offset, e->sh[i].size)) {
            return cr_fail(e, "section outside the object");
        }
        if (e->sh[i].type == CR_SHT_SYMTAB) {
            e->symtab = i;
        }
    }
    return e->symtab ? true : cr_fail(e, "no symbol table");
}

static const char *cr_section_name(const CrElf *e, unsigned i, unsigned shstr)
{
    const char *n = cr_string(e, shstr, e->sh[i].name);

    return n ? n : "";
}

/* ---- Placing the ALLOC sections ---------------------------------------- */

/*
 * The ALLOC sections, each at its alignment, in one block; the block is
 * allocated larger by the largest alignment so that its start can be
 * aligned too (e->mem and e->mem_size are what is freed).
 */
static bool cr_place(CrElf *e)
{
    CrModuleMem *mm = &e->c->module_mem;
    uint64_t off = 0, max_align = 1;
    uint8_t *start;
    unsigned i;

    for (i = 0; i < e->shnum; i++) {
        uint64_t align = e->sh[i].addralign ? e->sh[i].addralign : 1;

        if (!(e->sh[i].flags & CR_SHF_ALLOC)) {
            continue;
        }
        if (align & (align - 1) || align > 65536 ||
            e->sh[i].size > (1u << 24)) {
            return cr_fail(e, "bad section size or alignment");
        }
        off = (off + align - 1) & ~(align - 1);
        e->base[i] = off;
        off += e->sh[i].size;
        max_align = align > max_align ? align : max_align;
    }
    if (!mm->alloc || !off) {
        return cr_fail(e, "no module memory");
    }
    e->mem_size = (size_t)(off + max_align - 1);
    e->mem = mm->alloc(mm->opaque, e->mem_size);
    if (!e->mem) {
        return cr_fail(e, "no module memory");
    }
    start = (uint8_t *)(((uintptr_t)e->mem + max_align - 1) &
                        ~(uintptr_t)(max_align - 1));
    for (i = 0; i < e->shnum; i++) {
        uint8_t *dst = start + e->base[i];

        if (!(e->sh[i].flags & CR_SHF_ALLOC)) {
            continue;
        }
        if (e->sh[i].type == CR_SHT_NOBITS) {
            cr_memzero(dst, (size_t)e->sh[i].size);
        } else {
            cr_copy(dst, e->img + e->sh[i].offset, (size_t)e->sh[i].size);
        }
        e->base[i] += (uint64_t)(uintptr_t)start;
    }
    return true;
}

/* ---- .modinfo ---------------------------------------------------------- */

/* Linux's license_is_gpl_compatible() list */
static bool cr_gpl_compatible(const char *lic)
{
    static const char *const ok[] = {
        "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
        "Dual MIT/GPL", "Dual MPL/GPL",
    };
    unsigned i;

    for (i = 0; i < CR_ARRAY_SIZE(ok); i++) {
        if (cr_streq(lic, ok[i])) {
            return true;
        }
    }
    return false;
}

static bool cr_prefix(const char *s, const char *p, const char **rest)
{
    while (*p && *s == *p) {
        s++;
        p++;
    }
    *rest = s;
    return !*p;
}

static bool cr_read_modinfo(CrElf *e, unsigned shstr)
{
    unsigned i;
    uint64_t off;

    for (i = 0; i < e->shnum; i++) {
        if (!cr_streq(cr_section_name(e, i, shstr), ".modinfo")) {
            continue;
        }
        for (off = 0; off < e->sh[i].size;) {
            const char *kv = cr_string(e, i, off), *v;

            if (!kv) {
                return cr_fail(e, "bad .modinfo");
            }
            if (cr_prefix(kv, "name=", &v)) {
                cr_strlcpy(e->name, v, sizeof(e->name));
            } else if (cr_prefix(kv, "license=", &v) && !e->licensed) {
                e->gpl = cr_gpl_compatible(v);   /* the first one counts */
                e->licensed = true;
            }
            off += cr_strlen(kv) + 1;
        }
    }
    return e->name[0] ? true : cr_fail(e, "no name= in .modinfo");
}

/* ---- Symbols ----------------------------------------------------------- */

static const CrExport *cr_find_export(const CrExport *x, unsigned n,
                                      const char *name)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (x[i].name && cr_streq(x[i].name, name)) {
            return &x[i];
        }
    }
    return NULL;
}

void *cr_symbol_lookup(const CrCore *c, const char *name)
{
    const CrExport *x = cr_find_export(c->exports, c->n_exports, name);
    unsigned i;

    for (i = 0; !x && i < CR_MAX_MODULES; i++) {
        const CrModule *m = &c->modules[i];

        if (m->in_use && (m->state == CR_MOD_LIVE ||
                          m->state == CR_MOD_COMING)) {
            x = cr_find_export(m->exports, m->n_exports, name);
        }
    }
    return x ? x->addr : NULL;
}

/* An undefined symbol: the core's export, or a live module's. */
static bool cr_resolve(CrElf *e, const char *name, uint64_t *val)
{
    CrCore *c = e->c;
    const CrExport *x = cr_find_export(c->exports, c->n_exports, name);
    CrModule *from = NULL;
    unsigned i;

    for (i = 0; !x && i < CR_MAX_MODULES; i++) {
        CrModule *m = &c->modules[i];

        if (m->in_use && m->state == CR_MOD_LIVE) {
            x = cr_find_export(m->exports, m->n_exports, name);
            from = x ? m : NULL;
        }
    }
    if (!x || (x->gpl_only && !e->gpl)) {
        e->missing = name;
        return cr_fail(e, "unknown symbol");
    }
    *val = (uint64_t)(uintptr_t)x->addr;
    if (from && !cr_list_has((void *const *)e->deps, e->n_deps, from)) {
        if (e->n_deps == CR_MAX_DEPS) {
            return cr_fail(e, "too many dependencies");
        }
        e->deps[e->n_deps++] = from;
    }
    return true;
}

static bool cr_read_symbols(CrElf *e)
{
    const CrShdr *st = &e->sh[e->symtab];
    unsigned i;

    if (st->entsize != sizeof(CrSym) || st->size / sizeof(CrSym) >
        CR_ELF_MAX_SYMBOLS || st->link >= e->shnum) {
        return cr_fail(e, "bad symbol table");
    }
    e->nsym = (unsigned)(st->size / sizeof(CrSym));
    for (i = 0; i < e->nsym; i++) {
        CrSym s;
        const char *name;

        if (!cr_read(e, st->offset + (uint64_t)i * sizeof(CrSym), &s,
                     sizeof(s))) {
            return false;
        }
        name = cr_string(e, st->link, s.name);
        if (!name) {
            return cr_fail(e, "bad symbol name");
        }
        if (s.shndx == CR_SHN_UNDEF) {
            e->sym[i] = 0;
            /* a weak reference nobody exports resolves to 0, as in Linux */
            if (i && name[0] && !cr_resolve(e, name, &e->sym[i]) &&
                (s.info >> 4) != 2 /* STB_WEAK */) {
                return false;
            }
            if (e->missing && (s.info >> 4) == 2) {
                e->missing = NULL;
                e->why = NULL;
            }
        } else if (s.shndx == CR_SHN_ABS) {
            e->sym[i] = s.value;
        } else if (s.shndx == CR_SHN_COMMON) {
            return cr_fail(e, "common symbol (build with -fno-common)");
        } else if (s.shndx < e->shnum && s.shndx < CR_SHN_LORESERVE) {
            if ((e->sh[s.shndx].flags & CR_SHF_ALLOC) &&
                s.value > e->sh[s.shndx].size) {
                return cr_fail(e, "symbol outside its section");
            }
            e->sym[i] = (e->sh[s.shndx].flags & CR_SHF_ALLOC)
                        ? e->base[s.shndx] + s.value : 0;
        } else {
            return cr_fail(e, "bad symbol section");
        }
    }
    return true;
}

/* The address of defined symbol @want, or 0. */
static uint64_t cr_defined(CrElf *e, const char *want)
{
    const CrShdr *st = &e->sh[e->symtab];
    unsigned i;

    for (i = 1; i < e->nsym; i++) {
        CrSym s;

        cr_read(e, st->offset + (uint64_t)i * sizeof(CrSym), &s, sizeof(s));
        if (s.shndx != CR_SHN_UNDEF && s.shndx < e->shnum &&
            ((s.info >> 4) == 1 || (s.info >> 4) == 2) /* GLOBAL, WEAK */ &&
            (s.info & 0xf) == 2 /* FUNC */ &&
            (e->sh[s.shndx].flags & CR_SHF_ALLOC) &&
            cr_streq(cr_string(e, st->link, s.name), want)) {
            return e->sym[i];
        }
    }
    return 0;
}

/* ---- Relocations ------------------------------------------------------- */

static bool cr_fits_s(int64_t v, unsigned bits)
{
    return v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1));
}

static void cr_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t cr_get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void cr_put64(uint8_t *p, uint64_t v)
{
    cr_put32(p, (uint32_t)v);
    cr_put32(p + 4, (uint32_t)(v >> 32));
}

/* Insert @v into the instruction bits [@lo, @lo + @len). */
static void cr_insn_field(uint8_t *p, unsigned lo, unsigned len, uint64_t v)
{
    uint32_t mask = (len == 32 ? 0xffffffffu : ((1u << len) - 1)) << lo;

    cr_put32(p, (cr_get32(p) & ~mask) | ((uint32_t)(v << lo) & mask));
}

/* ADR / ADRP immediate: immlo [30:29], immhi [23:5] */
static void cr_adr_imm(uint8_t *p, int64_t imm)
{
    cr_insn_field(p, 29, 2, (uint64_t)imm & 3);
    cr_insn_field(p, 5, 19, ((uint64_t)imm >> 2) & 0x7ffff);
}

/*
 * One AArch64 relocation (ELF for the Arm 64-bit Architecture, 5.7):
 * S + A is @sa, P is @p; the place was checked to hold its width.
 */
static const char *cr_reloc_aarch64(uint32_t type, uint8_t *place,
                                    uint64_t sa, uint64_t p)
{
    int64_t rel = (int64_t)(sa - p);

    switch (type) {
    case 0:                          /* R_AARCH64_NONE */
    case 256:
        return NULL;
    case 257:                        /* ABS64 */
        cr_put64(place, sa);
        return NULL;
    case 258:                        /* ABS32: -2^31 <= X < 2^32 */
        if (!cr_fits_s((int64_t)sa, 32) && sa >> 32) {
            return "ABS32 out of range";
        }
        cr_put32(place, (uint32_t)sa);
        return NULL;
    case 260:                        /* PREL64 */
        cr_put64(place, (uint64_t)rel);
        return NULL;
    case 261:                        /* PREL32 */
        if (!cr_fits_s(rel, 32)) {
            return "PREL32 out of range";
        }
        cr_put32(place, (uint32_t)rel);
        return NULL;
    case 263: case 264: case 265: case 266:   /* MOVW_UABS_G0..G2(_NC) */
    case 267: case 268: case 269: {           /* G3 */
        unsigned group = (type - 263) / 2;    /* bits 16 * group up */

        /* G0, G1, G2 (odd types) check that the rest is zero */
        if ((type & 1) && group < 3 && sa >> (16 * (group + 1))) {
            return "MOVW_UABS out of range";
        }
        cr_insn_field(place, 5, 16, (sa >> (16 * group)) & 0xffff);
        return NULL;
    }
    case 273:                        /* LD_PREL_LO19 */
    case 280:                        /* CONDBR19 */
        if (!cr_fits_s(rel, 21) || rel & 3) {
            return "19-bit branch or literal out of range";
        }
        cr_insn_field(place, 5, 19, (uint64_t)rel >> 2);
        return NULL;
    case 274:                        /* ADR_PREL_LO21 */
        if (!cr_fits_s(rel, 21)) {
            return "ADR out of range";
        }
        cr_adr_imm(place, rel);
        return NULL;
    case 275:                        /* ADR_PREL_PG_HI21 */
    case 276: {                      /* ADR_PREL_PG_HI21_NC */
        int64_t pages = (int64_t)((sa & ~0xfffull) - (p & ~0xfffull)) >> 12;

        if (type == 275 && !cr_fits_s(pages, 21)) {
            return "ADRP out of range";
        }
        cr_adr_imm(place, pages);
        return NULL;
    }
    case 277:                        /* ADD_ABS_LO12_NC */
    case 278:                        /* LDST8_ABS_LO12_NC */
        cr_insn_field(place, 10, 12, sa & 0xfff);
        return NULL;
    case 284:                        /* LDST16_ABS_LO12_NC */
        cr_insn_field(place, 10, 12, (sa & 0xfff) >> 1);
        return NULL;
    case 285:                        /* LDST32_ABS_LO12_NC */
        cr_insn_field(place, 10, 12, (sa & 0xfff) >> 2);
        return NULL;
    case 286:                        /* LDST64_ABS_LO12_NC */
        cr_insn_field(place, 10, 12, (sa & 0xfff) >> 3);
        return NULL;
    case 299:                        /* LDST128_ABS_LO12_NC */
        cr_insn_field(place, 10, 12, (sa & 0xfff) >> 4);
        return NULL;
    case 279:                        /* TSTBR14 */
        if (!cr_fits_s(rel, 16) || rel & 3) {
            return "TBZ out of range";
        }
        cr_insn_field(place, 5, 14, (uint64_t)rel >> 2);
        return NULL;
    case 282:                        /* JUMP26 */
    case 283:                        /* CALL26 */
        if (!cr_fits_s(rel, 28) || rel & 3) {
            return "branch out of range";
        }
        cr_insn_field(place, 0, 26, (uint64_t)rel >> 2);
        return NULL;
    default:
        return "unsupported AArch64 relocation";
    }
}

/* One x86-64 relocation (System V AMD64 psABI, 4.4). */
static const char *cr_reloc_x86_64(uint32_t type, uint8_t *place,
                                   uint64_t sa, uint64_t p)
{
    int64_t rel = (int64_t)(sa - p);

    switch (type) {
    case 0:                          /* R_X86_64_NONE */
        return NULL;
    case 1:                          /* R_X86_64_64 */
        cr_put64(place, sa);
        return NULL;
    case 2:                          /* R_X86_64_PC32 */
    case 4:                          /* R_X86_64_PLT32 */
        if (!cr_fits_s(rel, 32)) {
            return "PC32 out of range";
        }
        cr_put32(place, (uint32_t)rel);
        return NULL;
    case 10:                         /* R_X86_64_32 */
        if (sa >> 32) {
            return "R_X86_64_32 out of range";
        }
        cr_put32(place, (uint32_t)sa);
        return NULL;
    case 11:                         /* R_X86_64_32S */
        if (!cr_fits_s((int64_t)sa, 32)) {
            return "R_X86_64_32S out of range";
        }
        cr_put32(place, (uint32_t)sa);
        return NULL;
    case 24:                         /* R_X86_64_PC64 */
        cr_put64(place, (uint64_t)rel);
        return NULL;
    default:
        return "unsupported x86-64 relocation";
    }
}

/* Bytes a relocation of @type rewrites (each machine's table above). */
static unsigned cr_reloc_width(uint16_t machine, uint32_t type)
{
    if (machine == CR_EM_AARCH64) {
        return type == 0 || type == 256 ? 0 : type == 257 || type == 260
               ? 8 : 4;
    }
    return type == 0 ? 0 : type == 1 || type == 24 ? 8 : 4;
}

static bool cr_relocate_section(CrElf *e, const CrShdr *rs)
{
    const CrShdr *t;
    uint64_t n, i;

    if (rs->info >= e->shnum || rs->link != e->symtab ||
        rs->entsize != sizeof(CrRela)) {
        return cr_fail(e, "bad relocation section");
    }
    t = &e->sh[rs->info];
    if (!(t->flags & CR_SHF_ALLOC)) {
        return true;                 /* debug information: not loaded */
    }
    n = rs->size / sizeof(CrRela);
    for (i = 0; i < n; i++) {
        CrRela r;
        uint32_t sym, type;
        unsigned width;
        const char *bad;
        uint8_t *place;
        uint64_t sa;

        if (!cr_read(e, rs->offset + i * sizeof(CrRela), &r, sizeof(r))) {
            return false;
        }
        sym = (uint32_t)(r.info >> 32);
        type = (uint32_t)r.info;
        width = cr_reloc_width(e->c->module_mem.machine, type);
        if (sym >= e->nsym || t->type == CR_SHT_NOBITS ||
            r.offset > t->size || t->size - r.offset < width) {
            return cr_fail(e, "bad relocation");
        }
        place = (uint8_t *)(uintptr_t)(e->base[rs->info] + r.offset);
        sa = e->sym[sym] + (uint64_t)r.addend;
        if (e->c->module_mem.machine == CR_EM_AARCH64) {
            bad = cr_reloc_aarch64(type, place, sa, (uint64_t)(uintptr_t)place);
        } else {
            bad = cr_reloc_x86_64(type, place, sa, (uint64_t)(uintptr_t)place);
        }
        if (bad) {
            return cr_fail(e, bad);
        }
    }
    return true;
}

static bool cr_relocate(CrElf *e)
{
    unsigned i;

    for (i = 0; i < e->shnum; i++) {
        if (e->sh[i].type == CR_SHT_REL) {
            return cr_fail(e, "REL relocations (only RELA are supported)");
        }
        if (e->sh[i].type == CR_SHT_RELA && !cr_relocate_section(e, &e->sh[i])) {
            return false;
        }
    }
    return true;
}

/* @p lies inside the module's memory (@len bytes of it) */
static bool cr_in_module(const CrElf *e, const void *p, size_t len)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)e->mem;

    return a >= lo && a - lo <= e->mem_size && len <= e->mem_size - (a - lo);
}

/*
 * Each export names and points into the module itself (relocated data
 * the object could have made point anywhere), and nobody exports that
 * name already.
 */
static bool cr_exports_ok(CrElf *e, const CrModule *m)
{
    unsigned i, k;

    for (i = 0; i < m->n_exports; i++) {
        const CrExport *x = &m->exports[i];
        bool nul = false;

        for (k = 0; cr_in_module(e, x->name + k, 1) && !nul; k++) {
            nul = !x->name[k];
        }
        if (!nul || !cr_in_module(e, x->addr, 1)) {
            return cr_fail(e, "an export outside the module");
        }
        if (cr_symbol_lookup(e->c, x->name)) {
            return cr_fail(e, "a symbol exported twice");
        }
        for (k = 0; k < i; k++) {
            if (cr_streq(m->exports[k].name, x->name)) {
                return cr_fail(e, "a symbol exported twice");
            }
        }
    }
    return true;
}

/* The module's exports: section __cr_exports, an array of CrExport. */
static bool cr_find_exports(CrElf *e, unsigned shstr, CrModule *m)
{
    unsigned i;

    for (i = 0; i < e->shnum; i++) {
        if (cr_streq(cr_section_name(e, i, shstr), "__cr_exports") &&
            (e->sh[i].flags & CR_SHF_ALLOC)) {
            if (e->sh[i].size % sizeof(CrExport) ||
                e->base[i] % _Alignof(CrExport)) {
                return cr_fail(e, "bad __cr_exports");
            }
            m->exports = (const CrExport *)(uintptr_t)e->base[i];
            m->n_exports = (unsigned)(e->sh[i].size / sizeof(CrExport));
        }
    }
    return cr_exports_ok(e, m);
}

/* ---- Loading ----------------------------------------------------------- */

/* A module object named @name, or NULL with -EEXIST or -ENOMEM in *@err */
static CrModule *cr_module_slot(CrCore *c, const char *name, int *err)
{
    CrModule *m;
    unsigned i;

    for (i = 0; i < CR_MAX_MODULES; i++) {
        if (c->modules[i].in_use && cr_streq(c->modules[i].name, name)) {
            *err = -CR_EEXIST;       /* loaded (or declared) already */
            return NULL;
        }
    }
    m = cr_module_new(c, name);
    *err = m ? 0 : -CR_ENOMEM;
    return m;
}

void cr_module_release_elf(CrCore *c, CrModule *m)
{
    if (!m->mem) {
        return;
    }
    if (c->module_mem.free) {
        c->module_mem.free(c->module_mem.opaque, m->mem, m->mem_size);
    }
    cr_memzero(m, sizeof(*m));       /* the object goes with its module */
}

/* The loader's state: large, and core-ref is single threaded */
static CrElf cr_elf;

int cr_elf_link(CrCore *c, const void *image, size_t size, CrElfLinked *out)
{
    CrElf *e = &cr_elf;
    CrModule tmp;

    cr_memzero(out, sizeof(*out));
    cr_memzero(e, sizeof(*e));
    e->c = c;
    e->img = image;
    e->size = size;
    cr_memzero(&tmp, sizeof(tmp));
    if (cr_read_headers(e) && cr_read_modinfo(e, e->shstr) && cr_place(e) &&
        cr_read_symbols(e) && cr_relocate(e) &&
        cr_find_exports(e, e->shstr, &tmp)) {
        out->mem = e->mem;
        out->mem_size = e->mem_size;
        out->exports = tmp.exports;
        out->n_exports = tmp.n_exports;
        out->gpl_compatible = e->gpl;
        out->init_fn = (int (*)(CrCore *, CrModule *))(uintptr_t)
                       cr_defined(e, "cr_module_init");
        out->exit_fn = (void (*)(CrCore *, CrModule *))(uintptr_t)
                       cr_defined(e, "cr_module_exit");
        cr_strlcpy(out->name, e->name, sizeof(out->name));
        if (c->module_mem.sync) {
            c->module_mem.sync(c->module_mem.opaque, e->mem, e->mem_size);
        }
        return 0;
    }
    if (e->mem && c->module_mem.free) {
        c->module_mem.free(c->module_mem.opaque, e->mem, e->mem_size);
    }
    if (e->missing) {
        cr_log(c, "UNKNOWN_SYMBOL %s %s", e->name, e->missing);
        return -CR_ENOENT;
    }
    cr_log(c, "BAD_MODULE %s", e->why ? e->why : "?");
    return -CR_ENOEXEC;
}

int cr_module_load_elf(CrCore *c, const void *image, size_t size,
                       CrModule **out)
{
    CrElfLinked l;
    CrModule *m;
    unsigned k;
    int r;

    *out = NULL;
    r = cr_elf_link(c, image, size, &l);
    if (r) {
        return r;
    }
    m = cr_module_slot(c, l.name, &r);
    if (!m) {
        if (c->module_mem.free) {
            c->module_mem.free(c->module_mem.opaque, l.mem, l.mem_size);
        }
        return r;
    }
    m->mem = l.mem;
    m->mem_size = l.mem_size;
    m->exports = l.exports;
    m->n_exports = l.n_exports;
    m->gpl_compatible = l.gpl_compatible;
    m->init_fn = l.init_fn;
    m->exit_fn = l.exit_fn;
    m->has_init = l.init_fn != NULL;
    m->has_exit = l.exit_fn != NULL;
    for (k = 0; k < cr_elf.n_deps; k++) {
        cr_module_add_dep(m, cr_elf.deps[k]);
    }
    r = cr_module_load(c, m);
    if (r) {
        cr_module_release_elf(c, m); /* freed already if init failed */
        return r;
    }
    *out = m;
    return 0;
}
