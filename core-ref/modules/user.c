/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Uses provider's export in its init and exports what it got. */
#include "cr-module-api.h"

CR_MODULE_NAME("user");
CR_MODULE_LICENSE("Dual MIT/GPL");

int provider_answer(int x);
int user_seen;
CR_EXPORT_SYMBOL(user_seen);

int cr_module_init(CrCore *c, CrModule *self)
{
    user_seen = provider_answer(7);
    return 0;
}

void cr_module_exit(CrCore *c, CrModule *self)
{
}
