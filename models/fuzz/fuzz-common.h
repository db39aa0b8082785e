/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses of models/fuzz: a reader that takes
 * the fuzzer's bytes from the front (zeros once they run out, so every
 * input is a complete program), and the contract check that stops the
 * run with a message when a model breaks a promise of its headers.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * AddressSanitizer defaults for the harnesses (ASAN_OPTIONS still
 * overrides): a smaller quarantine than the 256 MiB default, so that the
 * few hundred KiB each input allocates are recycled instead of costing
 * fresh pages on every run.  Use-after-free is still caught within that
 * window, which is far longer than one input.
 */
const char *__asan_default_options(void);
#define FZ_ASAN_DEFAULTS                                                 \
    const char *__asan_default_options(void)                             \
    {                                                                    \
        return "quarantine_size_mb=16:malloc_context_size=20";           \
    }

/*
 * A contract violation: print where and why, then __builtin_trap() so
 * libFuzzer records the input as a crash (also without ASan).
 */
#define FZ_CHECK(cond, ...)                                              \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "\nCONTRACT VIOLATION at %s:%d: %s\n  ",    \
                    __FILE__, __LINE__, #cond);                          \
            fprintf(stderr, __VA_ARGS__);                                \
            fprintf(stderr, "\n");                                       \
            fflush(stderr);                                              \
            __builtin_trap();                                            \
        }                                                                \
    } while (0)

/*
 * A known model bug, named in models/fuzz/known-bugs (scripts/fuzz hands
 * that list over in $FUZZ_KNOWN_BUGS, blank or comma separated): its
 * check stays compiled in and is skipped only while the bug is listed.
 * Remove the line with the fix and the check traps again.
 */
static inline bool fz_known(const char *id)
{
    const char *list = getenv("FUZZ_KNOWN_BUGS");
    size_t n = strlen(id);

    while (list && *list) {
        size_t k = strcspn(list, " ,\t\n");

        if (k == n && !strncmp(list, id, n)) {
            return true;
        }
        list += k;
        list += strspn(list, " ,\t\n");
    }
    return false;
}

/* FZ_CHECK, unless @id is a listed known bug. */
#define FZ_CHECK_KNOWN(id, cond, ...)                                    \
    do {                                                                 \
        if (!(cond) && !fz_known(id)) {                                  \
            fprintf(stderr, "\n[check '%s' of models/fuzz/known-bugs]", \
                    id);                                                 \
            FZ_CHECK(cond, __VA_ARGS__);                                 \
        }                                                                \
    } while (0)

typedef struct FzIn {
    const uint8_t *p;
    size_t n;
} FzIn;

static inline bool fz_empty(const FzIn *in)
{
    return in->n == 0;
}

static inline uint8_t fz_u8(FzIn *in)
{
    if (!in->n) {
        return 0;
    }
    in->n--;
    return *in->p++;
}

static inline uint16_t fz_u16(FzIn *in)
{
    uint16_t v = fz_u8(in);

    return v | (uint16_t)(fz_u8(in) << 8);
}

static inline uint32_t fz_u32(FzIn *in)
{
    uint32_t v = fz_u16(in);

    return v | ((uint32_t)fz_u16(in) << 16);
}

static inline uint64_t fz_u64(FzIn *in)
{
    uint64_t v = fz_u32(in);

    return v | ((uint64_t)fz_u32(in) << 32);
}

/* A value in [0, @n) (0 when @n is 0), from one byte. */
static inline unsigned fz_pick(FzIn *in, unsigned n)
{
    return n ? fz_u8(in) % n : 0;
}

/* Bits [@lo, @lo + @len) of @v. */
static inline unsigned fz_bits(unsigned v, unsigned lo, unsigned len)
{
    return (v >> lo) & ((1u << len) - 1);
}

#endif /* FUZZ_COMMON_H */
