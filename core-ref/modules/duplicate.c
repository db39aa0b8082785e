/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exports a name another module (provider.c) exports already. */
#include "cr-module-api.h"

CR_MODULE_NAME("duplicate");
CR_MODULE_LICENSE("GPL");

int provider_answer(int x);
int provider_answer(int x)
{
    return x;
}
CR_EXPORT_SYMBOL(provider_answer);
