/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry of the core-ref guest image (docs/core-ref.md, "In a guest"):
 * QEMU's virt board starts an ELF image at its entry at EL1 with the MMU
 * off and the device tree at the start of RAM.  Stack, BSS, FP/SIMD on
 * (the compiler may use its registers), the exception vectors, then C.
 */
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  mov     x1, #(3 << 20)          /* CPACR_EL1.FPEN: no FP/SIMD traps */
    msr     cpacr_el1, x1
    ldr     x1, =cr_vectors
    msr     vbar_el1, x1
    isb
    bl      cr_guest_main
3:  wfi
    b       3b

/* Every exception: report it and power off (cr_guest_exception) */
    .macro vector
    .balign 0x80
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    mrs     x2, far_el1
    b       cr_guest_exception
    .endm

    .balign 0x800
    .global cr_vectors
cr_vectors:
    .rept 16
    vector
    .endr
