/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A weak reference nobody exports resolves to 0 (as in Linux). */
#include "cr-module-api.h"

CR_MODULE_NAME("weak");
CR_MODULE_LICENSE("GPL");

int maybe_there(void) __attribute__((weak));

int cr_module_init(CrCore *c, CrModule *self)
{
    return maybe_there ? -CR_EINVAL : 0;
}

void cr_module_exit(CrCore *c, CrModule *self)
{
}
