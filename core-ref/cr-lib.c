/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-ref's freestanding library: strings, a small formatter, the event
 * log, the violation list, the object pools with their accounting and
 * ordered pointer lists.  Nothing here calls the C library, so the same
 * object goes into the bare-metal guest image.
 */
#include "cr-internal.h"

/* ---- Strings ----------------------------------------------------------- */

int cr_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

bool cr_streq(const char *a, const char *b)
{
    return cr_strcmp(a, b) == 0;
}

size_t cr_strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

void cr_strlcpy(char *dst, const char *src, size_t size)
{
    size_t i;

    if (!size) {
        return;
    }
    for (i = 0; i + 1 < size && src[i]; i++) {
        dst[i] = src[i];
    }
    dst[i] = '\0';
}

bool cr_strstr(const char *hay, const char *needle)
{
    size_t n = cr_strlen(needle), i;

    for (; *hay; hay++) {
        for (i = 0; i < n && hay[i] == needle[i]; i++) {
        }
        if (i == n) {
            return true;
        }
    }
    return n == 0;
}

void cr_memzero(void *p, size_t n)
{
    volatile unsigned char *b = p;   /* not turned into a memset call */

    while (n--) {
        *b++ = 0;
    }
}

/* ---- Formatting -------------------------------------------------------- */

typedef struct CrOut {
    char *buf;
    size_t size, len;
} CrOut;

static void cr_out_c(CrOut *o, char ch)
{
    if (o->len + 1 < o->size) {
        o->buf[o->len] = ch;
    }
    o->len++;
}

static void cr_out_s(CrOut *o, const char *s)
{
    while (*s) {
        cr_out_c(o, *s++);
    }
}

static void cr_out_u(CrOut *o, unsigned long long v)
{
    char digits[24];
    unsigned n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        cr_out_c(o, digits[--n]);
    }
}

static void cr_out_x(CrOut *o, unsigned long long v)
{
    char digits[16];
    unsigned n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n) {
        cr_out_c(o, digits[--n]);
    }
}

static void cr_out_d(CrOut *o, long long v)
{
    if (v < 0) {
        cr_out_c(o, '-');
        cr_out_u(o, 0ull - (unsigned long long)v);
    } else {
        cr_out_u(o, (unsigned long long)v);
    }
}

size_t cr_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
    CrOut o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            cr_out_c(&o, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == 'l' && fmt[1] == 'l' && fmt[2] == 'u') {
            cr_out_u(&o, va_arg(ap, unsigned long long));
            fmt += 2;
        } else if (*fmt == 'l' && fmt[1] == 'l' && fmt[2] == 'd') {
            cr_out_d(&o, va_arg(ap, long long));
            fmt += 2;
        } else if (*fmt == '.' && fmt[1] == '*' && fmt[2] == 's') {
            int n = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);

            while (n-- > 0 && *s) {
                cr_out_c(&o, *s++);
            }
            fmt += 2;
        } else if (*fmt == 'l' && fmt[1] == 'l' && fmt[2] == 'x') {
            cr_out_x(&o, va_arg(ap, unsigned long long));
            fmt += 2;
        } else if (*fmt == 'x') {
            cr_out_x(&o, va_arg(ap, unsigned));
        } else if (*fmt == 's') {
            const char *s = va_arg(ap, const char *);

            cr_out_s(&o, s ? s : "(null)");
        } else if (*fmt == 'd') {
            cr_out_d(&o, va_arg(ap, int));
        } else if (*fmt == 'u') {
            cr_out_u(&o, va_arg(ap, unsigned));
        } else if (*fmt == 'c') {
            cr_out_c(&o, (char)va_arg(ap, int));
        } else if (*fmt == '%') {
            cr_out_c(&o, '%');
        } else {
            cr_out_s(&o, "<bad format>");
            break;
        }
    }
    if (size) {
        buf[o.len < size ? o.len : size - 1] = '\0';
    }
    return o.len;
}

size_t cr_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = cr_vfmt(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void cr_text_add(CrText *t, const char *fmt, ...)
{
    va_list ap;
    size_t room = t->len < t->size ? t->size - t->len : 0;

    va_start(ap, fmt);
    t->len += cr_vfmt(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
}

/* ---- Log and violations ------------------------------------------------ */

static void cr_append_line(char *buf, size_t size, size_t *len, bool *over,
                           const char *fmt, va_list ap)
{
    size_t room = size - *len;
    size_t n = cr_vfmt(buf + *len, room, fmt, ap);

    if (n + 2 > room) {              /* the line and its '\n' */
        buf[*len] = '\0';
        if (over) {
            *over = true;
        }
        return;
    }
    buf[*len + n] = '\n';
    buf[*len + n + 1] = '\0';
    *len += n + 1;
}

void cr_log(CrCore *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cr_append_line(c->log, sizeof(c->log), &c->log_len, &c->log_overflow,
                   fmt, ap);
    va_end(ap);
}

void cr_warn(CrCore *c, const char *fmt, ...)
{
    char line[160];
    va_list ap;

    va_start(ap, fmt);
    cr_vfmt(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->warnings++;
    cr_log(c, "WARN %s", line);
}

void cr_violation(CrCore *c, const char *fmt, ...)
{
    va_list ap;

    c->n_viol++;
    va_start(ap, fmt);
    cr_append_line(c->viol, sizeof(c->viol), &c->viol_len, NULL, fmt, ap);
    va_end(ap);
}

const char *cr_log_text(const CrCore *c)
{
    return c->log;
}

void cr_log_clear(CrCore *c)
{
    c->log_len = 0;
    c->log[0] = '\0';
    c->log_overflow = false;
}

const char *cr_violations(const CrCore *c)
{
    return c->viol;
}

void cr_violations_clear(CrCore *c)
{
    c->viol_len = 0;
    c->viol[0] = '\0';
    c->n_viol = 0;
}

/* Whether the log line at @p (up to its '\n') is @line. */
static bool cr_line_is(const char *p, const char *line)
{
    while (*line && *p == *line) {
        p++;
        line++;
    }
    return !*line && *p == '\n';
}

static const char *cr_next_line(const char *p)
{
    while (*p && *p != '\n') {
        p++;
    }
    return *p ? p + 1 : p;
}

bool cr_log_has_seq(const CrCore *c, const char *const *lines)
{
    const char *p = c->log;

    for (; *lines; lines++) {
        while (*p && !cr_line_is(p, *lines)) {
            p = cr_next_line(p);
        }
        if (!*p) {
            return false;
        }
        p = cr_next_line(p);
    }
    return true;
}

unsigned cr_log_count(const CrCore *c, const char *line)
{
    const char *p;
    unsigned n = 0;

    for (p = c->log; *p; p = cr_next_line(p)) {
        n += cr_line_is(p, line);
    }
    return n;
}

/* ---- Pools ------------------------------------------------------------- */

/*
 * One free-slot search per type: the pools are small, and a linear
 * search keeps allocation deterministic (the lowest free slot).
 */
#define CR_POOL_ALLOC(c, arr, counter)                                  \
    ({                                                                  \
        __typeof__(&(arr)[0]) slot_ = NULL;                             \
        size_t i_;                                                      \
        for (i_ = 0; i_ < CR_ARRAY_SIZE(arr); i_++) {                   \
            if (!(arr)[i_].in_use) {                                    \
                slot_ = &(arr)[i_];                                     \
                cr_memzero(slot_, sizeof(*slot_));                      \
                slot_->in_use = true;                                   \
                (c)->alloc.counter++;                                   \
                (c)->alloc.allocs++;                                    \
                break;                                                  \
            }                                                           \
        }                                                               \
        slot_;                                                          \
    })

#define CR_POOL_FREE(c, p, counter)                                     \
    do {                                                                \
        if ((p) && (p)->in_use) {                                       \
            (p)->in_use = false;                                        \
            (c)->alloc.counter--;                                       \
            (c)->alloc.frees++;                                         \
        }                                                               \
    } while (0)

CrIommuDev *cr_alloc_iommu_dev(CrCore *c)
{
    return CR_POOL_ALLOC(c, c->iommu_devs, live_iommu_devs);
}

void cr_free_iommu_dev(CrCore *c, CrIommuDev *d)
{
    CR_POOL_FREE(c, d, live_iommu_devs);
}

CrGroup *cr_alloc_group(CrCore *c)
{
    return CR_POOL_ALLOC(c, c->groups, live_groups);
}

void cr_free_group(CrCore *c, CrGroup *g)
{
    CR_POOL_FREE(c, g, live_groups);
}

CrDomain *cr_alloc_domain(CrCore *c, CrDomType type)
{
    CrDomain *d;

    if (c->inject.domain_fail & (1u << type)) {
        return NULL;
    }
    d = CR_POOL_ALLOC(c, c->domains, live_domains);
    if (d) {
        d->type = type;
    }
    return d;
}

void cr_free_domain(CrCore *c, CrDomain *d)
{
    CR_POOL_FREE(c, d, live_domains);
}

CrLink *cr_alloc_link(CrCore *c)
{
    return CR_POOL_ALLOC(c, c->links, live_links);
}

void cr_free_link(CrCore *c, CrLink *l)
{
    CR_POOL_FREE(c, l, live_links);
}

void cr_mirror_add(CrCore *c, CrMirrorKind kind, const void *a, const void *b)
{
    CrMirror *m = CR_POOL_ALLOC(c, c->mirrors, live_mirrors);

    if (!m) {
        cr_violation(c, "INV-24: no room for a sysfs mirror entry");
        return;
    }
    m->kind = kind;
    m->a = a;
    m->b = b;
}

void cr_mirror_del(CrCore *c, CrMirrorKind kind, const void *a, const void *b)
{
    size_t i;

    for (i = 0; i < CR_ARRAY_SIZE(c->mirrors); i++) {
        CrMirror *m = &c->mirrors[i];

        if (m->in_use && m->kind == kind && m->a == a && m->b == b) {
            CR_POOL_FREE(c, m, live_mirrors);
            return;
        }
    }
    cr_violation(c, "INV-24: removing a sysfs mirror entry that is absent");
}

unsigned cr_mirror_count(const CrCore *c, CrMirrorKind kind, const void *a,
                         const void *b)
{
    unsigned n = 0;
    size_t i;

    for (i = 0; i < CR_ARRAY_SIZE(c->mirrors); i++) {
        const CrMirror *m = &c->mirrors[i];

        n += m->in_use && m->kind == kind && (!a || m->a == a) &&
             (!b || m->b == b);
    }
    return n;
}

/* ---- Ordered lists ----------------------------------------------------- */

void cr_list_append(void **list, unsigned *n, unsigned max, void *p)
{
    if (*n < max) {
        list[(*n)++] = p;
    }
}

bool cr_list_remove(void **list, unsigned *n, void *p)
{
    unsigned i;

    for (i = 0; i < *n; i++) {
        if (list[i] == p) {
            for (; i + 1 < *n; i++) {
                list[i] = list[i + 1];
            }
            (*n)--;
            return true;
        }
    }
    return false;
}

bool cr_list_has(void *const *list, unsigned n, const void *p)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        if (list[i] == p) {
            return true;
        }
    }
    return false;
}

/* ---- Names ------------------------------------------------------------- */

const char *cr_dom_type_name(CrDomType t)
{
    static const char *const names[CR_DOM_TYPES] = {
        [CR_DOM_DMA] = "DMA", [CR_DOM_DMA_FQ] = "DMA-FQ",
        [CR_DOM_IDENTITY] = "identity", [CR_DOM_BLOCKED] = "blocked",
        [CR_DOM_UNMANAGED] = "unmanaged",
    };

    return t < CR_DOM_TYPES ? names[t] : "?";
}

const char *cr_link_status_name(CrLinkStatus s)
{
    static const char *const names[] = {
        [CR_LINK_NONE] = "not tracked", [CR_LINK_DORMANT] = "dormant",
        [CR_LINK_AVAILABLE] = "available",
        [CR_LINK_CONSUMER_PROBE] = "consumer probing",
        [CR_LINK_ACTIVE] = "active",
        [CR_LINK_SUPPLIER_UNBIND] = "supplier unbinding",
    };

    return (unsigned)s < CR_ARRAY_SIZE(names) ? names[s] : "?";
}

const char *cr_strerror_name(int err)
{
    static const struct {
        int err;
        const char *name;
    } names[] = {
        { CR_EPERM, "EPERM" }, { CR_ENOENT, "ENOENT" }, { CR_EIO, "EIO" },
        { CR_EAGAIN, "EAGAIN" }, { CR_ENOMEM, "ENOMEM" },
        { CR_EBUSY, "EBUSY" }, { CR_EEXIST, "EEXIST" },
        { CR_ENODEV, "ENODEV" }, { CR_EINVAL, "EINVAL" },
        { CR_ERANGE, "ERANGE" },
        { CR_ETIMEDOUT, "ETIMEDOUT" }, { CR_EPROBE_DEFER, "EPROBE_DEFER" },
    };
    size_t i;

    if (err < 0) {
        err = -err;
    }
    for (i = 0; i < CR_ARRAY_SIZE(names); i++) {
        if (names[i].err == err) {
            return names[i].name;
        }
    }
    return err ? "E?" : "0";
}
