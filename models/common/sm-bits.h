/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Field helpers shared by every model.  A field is named by its mask,
 * high bit first, exactly as Arm's tables print it: SM_MASK(hi, lo).
 * No C bitfields anywhere: layouts stay explicit and portable.
 */
#ifndef SM_BITS_H
#define SM_BITS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A large local that the code writes before it reads, exempt from the
 * compiler's automatic zeroing of locals: QEMU 10 builds everything in
 * its tree, our models too, with -ftrivial-auto-var-init=zero, and on
 * the translation path that is a "rep stos" of a kilobyte per access.
 * Builds without the option (7.2's, the models' own, the sanitizers')
 * leave such locals uninitialised anyway, so the attribute changes
 * nothing a correct reader can see.
 */
#if defined(__has_attribute)
#if __has_attribute(uninitialized)
#define SM_UNINIT __attribute__((uninitialized))
#endif
#endif
#ifndef SM_UNINIT
#define SM_UNINIT
#endif

/* Bits hi..lo (inclusive) of a 64-bit word; hi >= lo, both 0..63. */
#define SM_MASK(hi, lo) \
    ((UINT64_MAX >> (63 - (hi))) & (UINT64_MAX << (lo)))
#define SM_BIT(n) SM_MASK(n, n)

/* Value of the field selected by @mask, shifted down to bit 0. */
static inline uint64_t sm_get(uint64_t word, uint64_t mask)
{
    return (word & mask) >> __builtin_ctzll(mask);
}

/* @word with the field selected by @mask replaced by @val (truncated). */
static inline uint64_t sm_set(uint64_t word, uint64_t mask, uint64_t val)
{
    return (word & ~mask) | ((val << __builtin_ctzll(mask)) & mask);
}

/* @val placed in the field selected by @mask (FIELD_PREP). */
static inline uint64_t sm_prep(uint64_t mask, uint64_t val)
{
    return (val << __builtin_ctzll(mask)) & mask;
}

/* Sign-extend the low @bits bits of @val. */
static inline int64_t sm_sext(uint64_t val, unsigned bits)
{
    unsigned shift = 64 - bits;

    return (int64_t)(val << shift) >> shift;
}

/* Mask of the low @bits bits (0..64). */
static inline uint64_t sm_low_mask(unsigned bits)
{
    return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

#endif /* SM_BITS_H */
