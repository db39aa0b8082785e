/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A module exporting a function another module uses (holders, 2.1). */
#include "cr-module-api.h"

CR_MODULE_NAME("provider");
CR_MODULE_LICENSE("GPL");

int provider_answer(int x);
int provider_answer(int x)
{
    return x * 6;
}
CR_EXPORT_SYMBOL(provider_answer);
