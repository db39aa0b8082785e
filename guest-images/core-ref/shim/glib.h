/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A freestanding stand-in for the part of GLib's test API that core-ref's
 * scenario tests (core-ref/tests/test-core-ref.c) use, so that the same
 * file runs inside the core-ref guest: assertions end the current test
 * (a builtin longjmp back to the runner in guest.c) after printing what
 * failed as KTAP diagnostics; allocations come from an arena the runner
 * empties before each test.
 */
#ifndef CORE_REF_GUEST_SHIM_GLIB_H
#define CORE_REF_GUEST_SHIM_GLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef char gchar;
typedef int gint;
typedef unsigned long gsize;
typedef const void *gconstpointer;

void shim_fail(const char *where, const char *what, const char *detail)
    __attribute__((noreturn));
void shim_fail_int(const char *where, const char *what, long long a,
                   long long b) __attribute__((noreturn));
void shim_fail_str(const char *where, const char *what, const char *a,
                   const char *b) __attribute__((noreturn));
void shim_test_fail(void);
void shim_printerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *shim_test_path(void);
void *shim_alloc0(size_t size);
void shim_add(const char *path, void (*fn)(void));
int shim_strcmp(const char *a, const char *b);
void shim_strlcpy(char *d, const char *s, size_t n);
size_t shim_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define G_STRINGIFY_(x) #x
#define G_STRINGIFY(x) G_STRINGIFY_(x)
#define G_STRLOC __FILE__ ":" G_STRINGIFY(__LINE__)
#define G_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

#define g_assert_true(e) \
    do { if (!(e)) shim_fail(G_STRLOC, #e, "is false"); } while (0)
#define g_assert_false(e) \
    do { if (e) shim_fail(G_STRLOC, #e, "is true"); } while (0)
#define g_assert_null(e) \
    do { if ((e) != NULL) shim_fail(G_STRLOC, #e, "is not NULL"); } while (0)
#define g_assert_nonnull(e) \
    do { if ((e) == NULL) shim_fail(G_STRLOC, #e, "is NULL"); } while (0)
#define g_assert_not_reached() shim_fail(G_STRLOC, "reached", "")
#define g_assert_cmpint(a, op, b)                                          \
    do {                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                \
        if (!(a_ op b_))                                                   \
            shim_fail_int(G_STRLOC, #a " " #op " " #b, a_, b_);            \
    } while (0)
#define g_assert_cmpuint(a, op, b)                                         \
    do {                                                                   \
        unsigned long long a_ = (a), b_ = (b);                             \
        if (!(a_ op b_))                                                   \
            shim_fail_int(G_STRLOC, #a " " #op " " #b, (long long)a_,      \
                          (long long)b_);                                  \
    } while (0)
#define g_assert_cmphex g_assert_cmpuint
#define g_assert_cmpstr(a, op, b)                                          \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if (!(shim_strcmp(a_, b_) op 0))                                   \
            shim_fail_str(G_STRLOC, #a " " #op " " #b, a_, b_);            \
    } while (0)

#define g_strlcpy(d, s, n)        shim_strlcpy((d), (s), (n))
#define g_snprintf                shim_snprintf
#define g_printerr                shim_printerr
#define g_test_fail()             shim_test_fail()
#define g_test_get_path()         shim_test_path()
#define g_getenv(name)            ((const char *)NULL)
#define g_new0(type, n)           ((type *)shim_alloc0(sizeof(type) * (n)))
#define g_malloc0(n)              shim_alloc0(n)
#define g_free(p)                 ((void)(p))    /* the arena empties */
#define g_test_init(argc, argv, x) ((void)(argc), (void)(argv))
#define g_test_add_func(path, fn) shim_add((path), (fn))
#define g_test_run()              0

#endif
