/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Needs a symbol nobody exports: its load must fail and name it. */
#include "cr-module-api.h"

CR_MODULE_NAME("missing");
CR_MODULE_LICENSE("GPL");

int not_exported_anywhere(void);

int cr_module_init(CrCore *c, CrModule *self)
{
    return not_exported_anywhere();
}
