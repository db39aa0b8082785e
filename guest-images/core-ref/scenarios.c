/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core-ref's scenario tests (core-ref/tests/test-core-ref.c, built here
 * against shim/glib.h) run inside the guest: each test in turn, its
 * allocations from an arena emptied before it, a failed assertion ending
 * it through a builtin longjmp; each reported as one KTAP line named by
 * its GLib test path.
 */
#include <stdarg.h>

#include "cr-internal.h"
#include "shim/glib.h"

#define MAX_TESTS  160
#define ARENA_SIZE (64u << 20)

void cr_guest_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *memset(void *s, int c, size_t n);
extern uint8_t __heap_start[];

static struct {
    const char *path;
    void (*fn)(void);
} tests[MAX_TESTS];
static unsigned n_tests;
static void *jump[5];                /* __builtin_setjmp's buffer */
static bool failed;
static const char *current;
static size_t arena_used;

/* Past the module slots (guest.c: 8 of 512 KiB) */
static uint8_t *arena(void)
{
    return __heap_start + (8u << 20);
}

void shim_add(const char *path, void (*fn)(void))
{
    if (n_tests < MAX_TESTS) {
        tests[n_tests].path = path;
        tests[n_tests].fn = fn;
        n_tests++;
    }
}

unsigned cr_guest_scenarios(void)
{
    return n_tests;
}

void shim_fail(const char *where, const char *what, const char *detail)
{
    cr_guest_out("# %s: assertion failed: %s %s\n", where, what, detail);
    failed = true;
    __builtin_longjmp(jump, 1);
}

void shim_fail_int(const char *where, const char *what, long long a,
                   long long b)
{
    cr_guest_out("# %s: assertion failed: %s (%lld, %lld)\n", where, what,
                 a, b);
    failed = true;
    __builtin_longjmp(jump, 1);
}

void shim_fail_str(const char *where, const char *what, const char *a,
                   const char *b)
{
    cr_guest_out("# %s: assertion failed: %s (\"%s\", \"%s\")\n", where,
                 what, a ? a : "(null)", b ? b : "(null)");
    failed = true;
    __builtin_longjmp(jump, 1);
}

void shim_test_fail(void)
{
    failed = true;
}

/* Diagnostics: each line of the message as a KTAP comment */
void shim_printerr(const char *fmt, ...)
{
    static char msg[8192];
    const char *p, *line = msg;
    va_list ap;

    va_start(ap, fmt);
    cr_vfmt(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (p = msg; *p; p++) {
        if (*p == '\n') {
            cr_guest_out("# %.*s\n", (int)(p - line), line);
            line = p + 1;
        }
    }
    if (*line) {
        cr_guest_out("# %s\n", line);
    }
}

const char *shim_test_path(void)
{
    return current;
}

void *shim_alloc0(size_t size)
{
    uint8_t *p;

    size = (size + 15) & ~(size_t)15;
    if (size > ARENA_SIZE - arena_used) {
        shim_fail(current, "allocation", "the arena is full");
    }
    p = arena() + arena_used;
    arena_used += size;
    memset(p, 0, size);
    return p;
}

int shim_strcmp(const char *a, const char *b)
{
    return !a || !b ? (a != b) : cr_strcmp(a, b);
}

void shim_strlcpy(char *d, const char *s, size_t n)
{
    cr_strlcpy(d, s, n);
}

size_t shim_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = cr_vfmt(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static bool run_one(unsigned i)
{
    failed = false;
    arena_used = 0;
    current = tests[i].path;
    if (!__builtin_setjmp(jump)) {
        tests[i].fn();
    }
    return !failed;
}

/* Each scenario, numbered from @first; the number after the last. */
unsigned cr_guest_run_scenarios(unsigned first)
{
    unsigned i;

    for (i = 0; i < n_tests; i++) {
        bool ok = run_one(i);

        cr_guest_out("%s %u %s\n", ok ? "ok" : "not ok", first + i,
                     tests[i].path + 1);
    }
    return first + n_tests;
}
