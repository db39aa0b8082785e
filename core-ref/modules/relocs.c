/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Code whose AArch64 relocations the loader's test decodes after linking
 * (core-ref/tests/test-core-ref-modules.c): a call (CALL26), an address
 * (ADRP + ADD_ABS_LO12_NC), a load (ADRP + LDST32_ABS_LO12_NC), a table
 * of pointers (ABS64), and the exports themselves (ABS64).
 */
#include "cr-module-api.h"

CR_MODULE_NAME("relocs");
CR_MODULE_LICENSE("GPL");

int relocs_counter = 5;
int relocs_target(int x);
int relocs_call(int x);
int *relocs_address(void);
int relocs_load(void);

__attribute__((noinline)) int relocs_target(int x)
{
    return x + relocs_counter;
}

int relocs_call(int x)
{
    return relocs_target(x) * 3;
}

__attribute__((noinline)) int *relocs_address(void)
{
    return &relocs_counter;
}

__attribute__((noinline)) int relocs_load(void)
{
    return relocs_counter;
}

void *relocs_table[2] = { (void *)relocs_target, &relocs_counter };

CR_EXPORT_SYMBOL(relocs_counter);
CR_EXPORT_SYMBOL(relocs_target);
CR_EXPORT_SYMBOL(relocs_call);
CR_EXPORT_SYMBOL(relocs_address);
CR_EXPORT_SYMBOL(relocs_load);
CR_EXPORT_SYMBOL(relocs_table);
